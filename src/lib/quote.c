/*
 * quote.c makes text from elsewhere safe to print: the character rules are text.c's (what
 * a card may not hold, a message may not show raw), applied one character at a time, so
 * that one bad character is escaped and the rest stays readable.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "wallflower/quote.h"
#include "wallflower/text.h"

/* Quoted, a backslash or a quote in s is escaped too, so that the text between the
 * quotes reads back one way only: "\\x1b" typed is not an escape sequence shown. */
char *
quote_escape(char *out, size_t max, const char *s, unsigned flags)
{
	bool quoted = (flags & QUOTE_QUOTED) != 0;
	size_t o = 0, n = strlen(s);

	if (quoted)
		out[o++] = '\'';
	for (size_t i = 0; i < n;) {
		size_t len = 1;
		char esc[16];
		enum text_verdict v;

		/* One character at a time: its UTF-8 length from the lead byte, checked whole. */
		if ((unsigned char)s[i] >= 0xc0)
			len = (unsigned char)s[i] >= 0xf0 ? 4 : (unsigned char)s[i] >= 0xe0 ? 3 : 2;
		if (len > n - i)
			len = 1;
		v = text_check(s + i, len, 0);
		if (quoted && (s[i] == '\\' || s[i] == '\'')) {
			esc[0] = '\\';
			esc[1] = s[i];
			esc[2] = '\0';
		} else if (v == TEXT_OK || v == TEXT_BLANK) {
			memcpy(esc, s + i, len);
			esc[len] = '\0';
		} else if (v == TEXT_BAD_UTF8 || len == 1) {
			len = 1;
			snprintf(esc, sizeof(esc), "\\x%02x", (unsigned char)s[i]);
		} else {
			uint32_t cp = (unsigned char)s[i] & (0xff >> (len + 1));

			for (size_t k = 1; k < len; k++)
				cp = cp << 6 | ((unsigned char)s[i + k] & 0x3f);
			snprintf(esc, sizeof(esc), "\\u{%04x}", (unsigned)cp);
		}
		if (o - quoted + strlen(esc) > max) {
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
		memcpy(out + o, esc, strlen(esc));
		o += strlen(esc);
		i += len;
	}
	if (quoted)
		out[o++] = '\'';
	out[o] = '\0';
	return out;
}
