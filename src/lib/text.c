/*
 * text.c: the character policy for strings from peers (proto/card.md, "Text").
 * It trusts nothing: input is any bytes. It never allocates and never rewrites text,
 * because a card's signature covers its exact bytes: text is accepted or rejected whole.
 */
#include <stdbool.h>
#include <stdint.h>

#include "wallflower/text.h"

/*
 * Decodes one code point of well-formed UTF-8 (Unicode 15, table 3-7) at s[0..n).
 * Returns its length in bytes, or 0 when the sequence is ill-formed or truncated.
 */
static size_t
utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned char c = s[0];
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		*cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		*cp = c & 0x0f;
		if (c == 0xe0)
			lo = 0xa0; /* no overlongs */
		if (c == 0xed)
			hi = 0x9f; /* no surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		*cp = c & 0x07;
		if (c == 0xf0)
			lo = 0x90; /* no overlongs */
		if (c == 0xf4)
			hi = 0x8f; /* nothing above U+10FFFF */
	} else {
		return 0; /* continuation byte, C0/C1 overlong lead, or F5..FF */
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		unsigned char b = s[i];

		if (b < lo || b > hi)
			return 0;
		lo = 0x80;
		hi = 0xbf;
		*cp = *cp << 6 | (b & 0x3f);
	}
	return len;
}

static bool
is_control(uint32_t cp, unsigned flags)
{
	if (cp == 0x0a)
		return !(flags & TEXT_ALLOW_LF);
	/* C0 (NUL included: C strings cannot carry it), DEL, C1, and the two Unicode line
	 * separators, which terminals and exports would otherwise treat as line breaks. */
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029;
}

/*
 * Format characters that change how surrounding text is shown or ordered ("Trojan
 * Source", CVE-2021-42574), characters that show nothing at all and so can hide or fake
 * a difference between two strings, and noncharacters. Joiners (U+200C, U+200D) stay
 * allowed: scripts and emoji sequences need them.
 */
static bool
is_forbidden_format(uint32_t cp)
{
	return cp == 0x00ad ||                     /* soft hyphen */
	       cp == 0x061c ||                     /* Arabic letter mark */
	       cp == 0x115f || cp == 0x1160 ||     /* Hangul fillers */
	       cp == 0x180e ||                     /* Mongolian vowel separator */
	       cp == 0x200b ||                     /* zero width space */
	       cp == 0x200e || cp == 0x200f ||     /* LRM, RLM */
	       (cp >= 0x202a && cp <= 0x202e) ||   /* LRE RLE PDF LRO RLO */
	       (cp >= 0x2060 && cp <= 0x2064) ||   /* word joiner, invisible operators */
	       (cp >= 0x2066 && cp <= 0x2069) ||   /* LRI RLI FSI PDI */
	       (cp >= 0x206a && cp <= 0x206f) ||   /* deprecated format characters */
	       cp == 0x3164 || cp == 0xffa0 ||     /* Hangul fillers */
	       cp == 0xfeff ||                     /* byte order mark */
	       (cp >= 0xfff9 && cp <= 0xfffb) ||   /* interlinear annotation */
	       (cp >= 0xe0000 && cp <= 0xe007f) || /* tag characters */
	       (cp >= 0xfdd0 && cp <= 0xfdef) ||   /* noncharacters */
	       (cp & 0xfffe) == 0xfffe;            /* U+xFFFE, U+xFFFF noncharacters */
}

/* Space characters (Unicode Zs): text made only of these shows nothing. */
static bool
is_space(uint32_t cp)
{
	return cp == 0x20 || cp == 0xa0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) ||
	       cp == 0x202f || cp == 0x205f || cp == 0x3000;
}

enum text_verdict
text_check(const char *s, size_t n, unsigned flags)
{
	const unsigned char *p = (const unsigned char *)s;
	enum text_verdict worst = TEXT_OK;
	bool blank = true;

	/* Ill-formed UTF-8 anywhere outranks a character rule, so one verdict is stable
	 * whatever order the faults come in. */
	while (n > 0) {
		uint32_t cp;
		size_t len = utf8_next(p, n, &cp);

		if (len == 0)
			return TEXT_BAD_UTF8;
		if (worst == TEXT_OK && is_control(cp, flags))
			worst = TEXT_CONTROL;
		else if (worst == TEXT_OK && is_forbidden_format(cp))
			worst = TEXT_FORMAT;
		blank = blank && is_space(cp);
		p += len;
		n -= len;
	}
	return worst == TEXT_OK && blank && p != (const unsigned char *)s ? TEXT_BLANK : worst;
}

size_t
text_codepoints(const char *s, size_t n)
{
	size_t count = 0;

	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			count++;
	return count;
}
