/*
 * libFuzzer harness: arbitrary bytes as the text canon.c and ground.c see from peers (card
 * fields, an advert's topics). Invariants: no crash; ill-formed input is refused, never
 * half-read; a canonical or search form is valid UTF-8 with no white space at its ends and
 * no run of two spaces; a word has no space in it and is never empty; text is canonically
 * equal to itself; every piece of common ground is one of their items, as they wrote it.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wallflower/canon.h"
#include "wallflower/ground.h"
#include "wallflower/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond))                                                                       \
			abort();                                                                   \
	} while (0)

static void
check_form(const char *f)
{
	size_t n = strlen(f);

	CHECK(text_check(f, n, TEXT_ALLOW_LF) != TEXT_BAD_UTF8);
	CHECK(n == 0 || (f[0] != ' ' && f[n - 1] != ' '));
	CHECK(strstr(f, "  ") == NULL);
}

static int
check_word(const char *w, size_t len, void *arg)
{
	(void)arg;
	CHECK(len > 0 && memchr(w, ' ', len) == NULL);
	return 0;
}

/* The common ground of a profile whose topics, offers and seeks are the first item of
 * theirs, each in another form: every hit must be one of their items, byte for byte. */
static void
check_ground(const char *s, size_t n)
{
	struct card_fields mine = { 0 };
	char *items[1];
	const char *comma = memchr(s, ',', n);
	size_t first = comma != NULL ? (size_t)(comma - s) : n;
	struct ground g;

	if ((items[0] = malloc(first + 1)) == NULL)
		return;
	memcpy(items[0], s, first);
	items[0][first] = '\0';
	for (int f = CARD_TOPICS; f <= CARD_SEEKS; f++) {
		mine.list[f - CARD_EMAIL].items = items;
		mine.list[f - CARD_EMAIL].n = 1;
	}
	if (ground_find_list(&mine, s, n, &g) == 0) {
		for (int k = 0; k < GROUND_KIND_COUNT; k++)
			for (size_t i = 0; i < g.hits[k].n; i++) {
				const char *h = g.hits[k].items[i];
				size_t hl = strlen(h);
				int found = 0;

				for (size_t at = 0; at + hl <= n && !found; at++)
					found = memcmp(s + at, h, hl) == 0 &&
					        (at == 0 || s[at - 1] == ',') &&
					        (at + hl == n || s[at + hl] == ',');
				CHECK(found);
			}
		ground_clear(&g);
	}
	free(items[0]);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	int valid = text_check(s, size, TEXT_ALLOW_LF) != TEXT_BAD_UTF8 &&
	            memchr(s, '\0', size) == NULL;
	char *f = canon_form(s, size), *g = canon_search(s, size);
	int r;

	CHECK((f != NULL) == valid || errno == ENOMEM);
	CHECK((g != NULL) == valid || errno == ENOMEM);
	if (f != NULL)
		check_form(f);
	if (g != NULL)
		check_form(g);
	r = canon_each_word(s, size, check_word, NULL);
	CHECK(r == 0 || r == -EINVAL || r == -ENOMEM);
	CHECK(r != -EINVAL || !valid);
	if (valid && f != NULL)
		CHECK(canon_equal(s, size, s, size));
	free(f);
	free(g);
	check_ground(s, size);
	return 0;
}
