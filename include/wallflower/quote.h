/*
 * quote: text from elsewhere (what the user typed, a file name, a message relayed from the
 * daemon) made safe to print on a terminal. Pure: no allocation, no I/O.
 */
#ifndef WALLFLOWER_QUOTE_H
#define WALLFLOWER_QUOTE_H

#include <stddef.h>

#define QUOTE_QUOTED 0x1 /* in single quotes, with \\ and \' for a backslash and a quote */
#define QUOTE_SLACK  16  /* out needs max + QUOTE_SLACK bytes */

/*
 * Writes s into out (max + QUOTE_SLACK bytes) as it is safe to show: control characters
 * (C0, DEL, C1, U+2028, U+2029), bidi controls and the other format characters the card
 * rules forbid (text.h), and bytes that are not UTF-8, become \xHH (one byte) or \u{HHHH}
 * (one character); the rest is copied. At most max bytes of content, then "..." when s
 * was longer. Returns out.
 */
char *quote_escape(char *out, size_t max, const char *s, unsigned flags);

#endif
