/*
 * ground.c: common ground (ground.h). It owns the rule that decides which of someone's
 * topics you share: equal canonical forms (canon.h), their form shown, each form once. It
 * trusts your profile (the store checked it) and nothing of theirs: every item is read
 * within the bytes given, and only the first GROUND_THEIRS_MAX are looked at. It must
 * never compare by bytes or ASCII case, which is what people do not mean.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "wallflower/canon.h"
#include "wallflower/ground.h"

static const enum card_field mine_fields[GROUND_KIND_COUNT] = {
	[GROUND_TOPICS] = CARD_TOPICS,
	[GROUND_OFFER] = CARD_OFFERS,
	[GROUND_SEEK] = CARD_SEEKS,
};

/* The work of one call: the canonical forms of your lists, and of their topics seen so far. */
struct finder {
	struct card_list mine[GROUND_KIND_COUNT];
	struct card_list seen;
	size_t looked; /* their items looked at */
	struct ground *out;
};

static void
list_clear(struct card_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->items[i]);
	free(l->items);
	l->items = NULL;
	l->n = 0;
}

/* Appends s (owned; freed on failure). 0 or -ENOMEM. */
static int
list_push(struct card_list *l, char *s)
{
	char **items;

	if (s == NULL || (items = realloc(l->items, (l->n + 1) * sizeof(*items))) == NULL) {
		free(s);
		return -ENOMEM;
	}
	l->items = items;
	l->items[l->n++] = s;
	return 0;
}

static bool
list_has(const struct card_list *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->items[i], s) == 0)
			return true;
	return false;
}

void
ground_clear(struct ground *g)
{
	if (g == NULL)
		return;
	for (int k = 0; k < GROUND_KIND_COUNT; k++)
		list_clear(&g->hits[k]);
}

static void
finder_done(struct finder *f)
{
	for (int k = 0; k < GROUND_KIND_COUNT; k++)
		list_clear(&f->mine[k]);
	list_clear(&f->seen);
}

/* The canonical form of n bytes at s in *out, or NULL for what matches nothing (not text,
 * or blank). 0 or -ENOMEM. */
static int
form(const char *s, size_t n, char **out)
{
	*out = canon_form(s, n);
	if (*out == NULL)
		return errno == ENOMEM ? -ENOMEM : 0;
	if (**out == '\0') {
		free(*out);
		*out = NULL;
	}
	return 0;
}

static int
finder_init(struct finder *f, const struct card_fields *mine, struct ground *out)
{
	int r = 0;

	memset(f, 0, sizeof(*f));
	memset(out, 0, sizeof(*out));
	f->out = out;
	for (int k = 0; r == 0 && k < GROUND_KIND_COUNT; k++) {
		const struct card_list *l = card_fields_list_const(mine, mine_fields[k]);

		for (size_t i = 0; r == 0 && l != NULL && i < l->n; i++) {
			char *c;

			if ((r = form(l->items[i], strlen(l->items[i]), &c)) == 0 && c != NULL)
				r = list_push(&f->mine[k], c);
		}
	}
	return r;
}

/* One of their topics: n bytes at s. */
static int
finder_take(struct finder *f, const char *s, size_t n)
{
	char *c;
	int r;

	if (f->looked >= GROUND_THEIRS_MAX)
		return 0;
	f->looked++;
	if ((r = form(s, n, &c)) < 0 || c == NULL)
		return r;
	/* A form met before was decided then: the first of their forms is the one shown. */
	if (list_has(&f->seen, c)) {
		free(c);
		return 0;
	}
	for (int k = 0; k < GROUND_KIND_COUNT; k++) {
		if (!list_has(&f->mine[k], c))
			continue;
		if ((r = list_push(&f->out->hits[k], strndup(s, n))) < 0) {
			free(c);
			return r;
		}
	}
	return list_push(&f->seen, c);
}

static int
finish(struct finder *f, int r)
{
	finder_done(f);
	if (r < 0)
		ground_clear(f->out);
	return r;
}

int
ground_find_list(const struct card_fields *mine, const char *theirs, size_t len, struct ground *out)
{
	struct finder f;
	int r = finder_init(&f, mine, out);

	for (size_t i = 0; r == 0 && i < len;) {
		const char *comma = memchr(theirs + i, ',', len - i);
		size_t n = comma != NULL ? (size_t)(comma - (theirs + i)) : len - i;

		if (n > 0)
			r = finder_take(&f, theirs + i, n);
		i += n + 1;
	}
	return finish(&f, r);
}

int
ground_find_card(const struct card_fields *mine, const struct card_fields *theirs,
                 struct ground *out)
{
	struct finder f;
	int r = finder_init(&f, mine, out);

	for (int k = 0; r == 0 && k < GROUND_KIND_COUNT; k++) {
		const struct card_list *l = card_fields_list_const(theirs, mine_fields[k]);

		for (size_t i = 0; r == 0 && l != NULL && i < l->n; i++)
			r = finder_take(&f, l->items[i], strlen(l->items[i]));
	}
	return finish(&f, r);
}
