/*
 * peertab.c: the peer table's rules (include/wallflower/peertab.h): admission and eviction
 * when the table is full (one address's many adverts go before anyone else's), which peers
 * the user's having seen them protects, and what a token typed after `send` names. It works
 * on a snapshot the caller builds; it never allocates, and it trusts nothing in a handle or
 * an address but that it is a C string.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "wallflower/peertab.h"

/* Whether a and b are the same address (an entry without one shares it with nobody). */
static bool
same_addr(const char *a, const char *b)
{
	return a != NULL && b != NULL && a[0] != '\0' && strcmp(a, b) == 0;
}

/* Whether some entry of the table has the address addr. */
static bool
held(const struct peertab_entry *tab, size_t n, const char *addr)
{
	for (size_t j = 0; j < n; j++)
		if (same_addr(tab[j].addr, addr))
			return true;
	return false;
}

/* How much entry i crowds its address: 0 when it is the address's first holder (no entry
 * with its address joined the table before it) or has none; else how many entries have
 * that address. */
static size_t
crowding(const struct peertab_entry *tab, size_t n, size_t i)
{
	size_t c = 0;
	bool after = false;

	for (size_t j = 0; j < n; j++) {
		if (!same_addr(tab[i].addr, tab[j].addr))
			continue;
		c++;
		after |= tab[j].joined < tab[i].joined;
	}
	return after ? c : 0;
}

/* The entry to push out among those not shown, with (or without) our event tag, and only
 * among the crowding ones when crowding_only; n when there is none. Crowding entries go
 * first, those at the most crowded address first, then the least recently seen: one
 * address's many adverts push out each other before anyone else, and a copy of someone's
 * address pushes out itself, not them. */
static size_t
victim_of(const struct peertab_entry *tab, size_t n, bool same_event, bool crowding_only)
{
	size_t best = n, best_c = 0;

	for (size_t i = 0; i < n; i++) {
		size_t c;

		if (tab[i].shown || tab[i].same_event != same_event)
			continue;
		if ((c = crowding(tab, n, i)) == 0 && crowding_only)
			continue;
		if (best == n || c > best_c || (c == best_c && tab[i].seen < tab[best].seen)) {
			best = i;
			best_c = c;
		}
	}
	return best;
}

enum peertab_verdict
peertab_admit(const struct peertab_entry *tab, size_t n, size_t max, bool same_event,
              const char *addr, size_t *victim)
{
	size_t v;

	if (n < max)
		return PEERTAB_ADMIT;
	/* Adverts of other events (or of none) go first, whoever asks. An advert of ours may
	 * also push out one of ours, one of theirs never; and when its address is already in
	 * the table, only one that crowds an address: it would crowd its own. */
	if ((v = victim_of(tab, n, false, false)) == n && same_event)
		v = victim_of(tab, n, true, held(tab, n, addr));
	if (v == n)
		return PEERTAB_REFUSE;
	*victim = v;
	return PEERTAB_EVICT;
}

/* Whether a should be pinned before b: our event first, then the most recently seen. */
static bool
pin_before(const struct peertab_entry *a, const struct peertab_entry *b)
{
	if (a->same_event != b->same_event)
		return a->same_event;
	return a->seen > b->seen;
}

size_t
peertab_pin(struct peertab_entry *tab, size_t n, size_t max_shown)
{
	size_t shown = 0, pinned = 0;

	for (size_t i = 0; i < n; i++)
		shown += tab[i].shown;
	while (shown < max_shown) {
		size_t best = n;

		for (size_t i = 0; i < n; i++)
			if (!tab[i].shown && (best == n || pin_before(&tab[i], &tab[best])))
				best = i;
		if (best == n)
			break;
		tab[best].shown = true;
		shown++;
		pinned++;
	}
	return pinned;
}

/* The entry whose id, written in decimal, is s; n when none is. */
static size_t
find_id(const struct peertab_name *tab, size_t n, const char *s)
{
	char id[PEERTAB_ID_MAX];

	for (size_t i = 0; i < n; i++) {
		snprintf(id, sizeof(id), "%u", tab[i].id);
		if (strcmp(id, s) == 0)
			return i;
	}
	return n;
}

/* The first entry from start on that shows handle s; n when none does. */
static size_t
find_handle(const struct peertab_name *tab, size_t n, size_t start, const char *s)
{
	for (size_t i = start; i < n; i++)
		if (tab[i].handle != NULL && strcmp(tab[i].handle, s) == 0)
			return i;
	return n;
}

static bool
all_digits(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

int
peertab_lookup(const struct peertab_name *tab, size_t n, const char *token,
               struct peertab_match *out)
{
	const char *s = token;
	bool by_id, by_handle;
	size_t id, h1, h2;

	memset(out, 0, sizeof(*out));
	if (s[0] == '#' || s[0] == '@')
		s++;
	if (*s == '\0')
		return -EINVAL;
	by_id = token[0] != '@' && all_digits(s);
	by_handle = token[0] != '#';
	id = by_id ? find_id(tab, n, s) : n;
	h1 = by_handle ? find_handle(tab, n, 0, s) : n;
	/* The owner of the id may show it as its handle too: that is still one peer. */
	if (h1 != n && h1 == id)
		h1 = find_handle(tab, n, h1 + 1, s);
	h2 = h1 != n ? find_handle(tab, n, h1 + 1, s) : n;
	if (h2 == id)
		h2 = find_handle(tab, n, h2 + 1, s);
	if (id != n && h1 != n) {
		*out = (struct peertab_match){ .index = id, .other = h1 };
		return -EEXIST;
	}
	if (h1 != n && h2 != n) {
		*out = (struct peertab_match){ .index = h1, .other = h2, .twice = true };
		return -EEXIST;
	}
	if (id == n && h1 == n)
		return -ENOENT;
	out->index = id != n ? id : h1;
	return 0;
}
