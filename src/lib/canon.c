/*
 * canon.c: canonical and search forms of text (canon.h). The Unicode work (decomposition,
 * case folding, composition, character classes) is libunistring's; what is decided here
 * is the order of the steps and what counts as white space and as a word.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

#include "wallflower/canon.h"

/* Trims white space at both ends of the n bytes at s (valid UTF-8) and makes each inner
 * run one space, into a new NUL-terminated string. */
static char *
squeeze(const uint8_t *s, size_t n)
{
	char *out = malloc(n + 1);
	size_t o = 0;
	int len;
	ucs4_t uc;
	int pending = 0; /* a run of white space was seen after a word */

	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < n; i += (size_t)len) {
		len = u8_mbtouc(&uc, s + i, n - i);
		if (uc_is_property_white_space(uc)) {
			pending = o > 0;
			continue;
		}
		if (pending)
			out[o++] = ' ';
		pending = 0;
		memcpy(out + o, s + i, (size_t)len);
		o += (size_t)len;
	}
	out[o] = '\0';
	return out;
}

/* Valid UTF-8 without NUL: the text every caller hands us. */
static int
valid(const char *s, size_t n)
{
	return u8_check((const uint8_t *)s, n) == NULL && memchr(s, '\0', n) == NULL;
}

/*
 * Whether uc is an accent for searching: a nonspacing mark (Mn) that attaches to a letter
 * (a nonzero combining class), as acute, diaeresis, cedilla, Hebrew points and Arabic
 * vowel marks do. Kept: marks of class 0, which are letters' own parts (the vowel signs of
 * Thai and Devanagari: dropping them made "สมศรี" and "สมศร" one word), kana voicing
 * marks (が is not か) and viramas (they spell conjuncts).
 */
static int
is_accent(ucs4_t uc)
{
	int ccc;

	if (!uc_is_general_category(uc, UC_CATEGORY_Mn))
		return 0;
	ccc = uc_combining_class(uc);
	return ccc != UC_CCC_NR && ccc != UC_CCC_KV && ccc != UC_CCC_VR;
}

/* The n bytes at s with every accent (is_accent) dropped (in place); the new length. */
static size_t
drop_marks(uint8_t *s, size_t n)
{
	size_t o = 0;
	int len;
	ucs4_t uc;

	for (size_t i = 0; i < n; i += (size_t)len) {
		len = u8_mbtouc(&uc, s + i, n - i);
		if (is_accent(uc))
			continue;
		memmove(s + o, s + i, (size_t)len);
		o += (size_t)len;
	}
	return o;
}

static char *
fold(const char *s, size_t n, int strip_marks)
{
	uint8_t *dec = NULL, *folded;
	const uint8_t *src = (const uint8_t *)s;
	size_t len = n, flen;
	char *out;

	if (!valid(s, n)) {
		errno = EINVAL;
		return NULL;
	}
	if (strip_marks) {
		if ((dec = u8_normalize(UNINORM_NFKD, src, n, NULL, &len)) == NULL && n > 0)
			return NULL;
		len = drop_marks(dec, len);
		src = dec;
	}
	folded = u8_casefold(src, len, NULL, UNINORM_NFKC, NULL, &flen);
	free(dec);
	if (folded == NULL && len > 0)
		return NULL;
	out = squeeze(folded, folded ? flen : 0);
	free(folded);
	return out;
}

char *
canon_form(const char *s, size_t n)
{
	return fold(s, n, 0);
}

char *
canon_search(const char *s, size_t n)
{
	return fold(s, n, 1);
}

int
canon_each_word(const char *s, size_t n, int (*each)(const char *word, size_t len, void *arg),
                void *arg)
{
	const uc_general_category_t word = uc_general_category_or(
	        uc_general_category_or(UC_CATEGORY_L, UC_CATEGORY_N), UC_CATEGORY_M);
	char *f = canon_search(s, n);
	size_t fn, start = 0;
	int len, r = 0;
	ucs4_t uc;

	if (f == NULL)
		return errno == EINVAL ? -EINVAL : -ENOMEM;
	fn = strlen(f);
	for (size_t i = 0; i <= fn && r == 0; i += (size_t)len) {
		len = 1;
		if (i < fn) {
			len = u8_mbtouc(&uc, (const uint8_t *)f + i, fn - i);
			if (uc_is_general_category(uc, word))
				continue;
		}
		if (i > start)
			r = each(f + start, i - start, arg);
		start = i + (size_t)len;
	}
	free(f);
	return r;
}

int
canon_equal(const char *a, size_t n, const char *b, size_t m)
{
	char *ca = canon_form(a, n), *cb = canon_form(b, m);
	int eq = ca != NULL && cb != NULL ? strcmp(ca, cb) == 0 : n == m && memcmp(a, b, n) == 0;

	free(ca);
	free(cb);
	return eq;
}
