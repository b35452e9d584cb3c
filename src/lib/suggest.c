/*
 * suggest.c picks the names a mistyped one was probably meant to be, for the CLI's "did
 * you mean" hints. It decides nothing about trust: it only ranks our own names by how
 * close they are to what was typed.
 */
#include <string.h>

#include "wallflower/suggest.h"

static unsigned char
fold(char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : (unsigned char)c;
}

static size_t
min3(size_t a, size_t b, size_t c)
{
	size_t m = a < b ? a : b;

	return m < c ? m : c;
}

size_t
suggest_distance(const char *a, const char *b)
{
	/* Three rows of the table: the swap looks two rows back. */
	size_t rows[3][SUGGEST_NAME_MAX + 1];
	size_t la = strnlen(a, SUGGEST_NAME_MAX + 1), lb = strnlen(b, SUGGEST_NAME_MAX + 1);
	size_t *prev2 = rows[0], *prev = rows[1], *cur = rows[2], *t;

	if (la > SUGGEST_NAME_MAX || lb > SUGGEST_NAME_MAX)
		return SUGGEST_FAR;
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = fold(a[i - 1]) != fold(b[j - 1]);

			cur[j] = min3(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
			if (i > 1 && j > 1 && fold(a[i - 1]) == fold(b[j - 2]) &&
			    fold(a[i - 2]) == fold(b[j - 1]) && prev2[j - 2] + 1 < cur[j])
				cur[j] = prev2[j - 2] + 1;
		}
		t = prev2;
		prev2 = prev;
		prev = cur;
		cur = t;
	}
	return prev[lb];
}

/* Whether typed is a prefix of name, without case. */
static int
is_prefix(const char *typed, const char *name)
{
	size_t i;

	for (i = 0; typed[i] != '\0'; i++)
		if (name[i] == '\0' || fold(typed[i]) != fold(name[i]))
			return 0;
	return 1;
}

size_t
suggest_pick(const char *typed, const char *const *names, size_t n, size_t *out, size_t max)
{
	size_t len = strnlen(typed, SUGGEST_NAME_MAX + 1), best = SUGGEST_FAR, found = 0;

	if (len == 0 || len > SUGGEST_NAME_MAX || max == 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		size_t d = suggest_distance(typed, names[i]);

		if (d > 2 || d >= len || d > best)
			continue;
		if (d < best) {
			best = d;
			found = 0;
		}
		if (found < max)
			out[found++] = i;
	}
	if (found > 0 || len < 3)
		return found;
	for (size_t i = 0; i < n && found < max; i++)
		if (is_prefix(typed, names[i]))
			out[found++] = i;
	return found;
}
