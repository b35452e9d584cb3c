/*
 * text: the character policy for every string a peer can send (proto/card.md, "Text").
 * Pure: no allocation, no I/O. Used by the card codec and, later, the TXT parser.
 */
#ifndef WALLFLOWER_TEXT_H
#define WALLFLOWER_TEXT_H

#include <stddef.h>

enum text_verdict {
	TEXT_OK,
	TEXT_BAD_UTF8, /* ill-formed UTF-8: overlong, surrogate, > U+10FFFF, truncated */
	TEXT_CONTROL,
	/* C0 (NUL included), DEL, C1, U+2028, U+2029 */ TEXT_FORMAT, /* bidi controls, invisible
	                                                                 characters, tags,
	                                                                 noncharacters */
	TEXT_BLANK, /* not empty, but only space characters (Unicode Zs) */
};

#define TEXT_ALLOW_LF 0x1 /* accept U+000A (line feed) as the one permitted control */

/* Checks n bytes at s; the verdict names the first rule broken, ill-formed UTF-8 first. */
enum text_verdict text_check(const char *s, size_t n, unsigned flags);

/* The number of code points in n bytes of valid UTF-8. */
size_t text_codepoints(const char *s, size_t n);

#endif
