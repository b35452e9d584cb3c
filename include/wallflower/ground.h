/*
 * ground: the common ground between your profile and someone else's topics, shown by
 * `nearby` (the topics of an advert) and by the inbox (the topics, offers and seeks of the
 * card offered). Pure: no I/O. Topics are compared by canonical form (canon.h), so
 * "Wikis" in your profile meets "ＷＩＫＩＳ" in theirs; what is shown is their form, as
 * they wrote it, once per canonical form.
 *
 * Their topics are untrusted (anyone can advertise or offer a card): each is read within
 * its length, and at most GROUND_THEIRS_MAX of them are considered.
 */
#ifndef WALLFLOWER_GROUND_H
#define WALLFLOWER_GROUND_H

#include <stddef.h>

#include "wallflower/card.h"

#define GROUND_WUR __attribute__((warn_unused_result))

#define GROUND_THEIRS_MAX 128 /* their topics considered: more than a card or advert holds */

/* Which of your lists one of their topics is in. */
enum ground_kind {
	GROUND_TOPICS, /* your topics: you both know it */
	GROUND_OFFER,  /* your offers: you offer what they mention */
	GROUND_SEEK,   /* your seeks: you seek what they mention */
	GROUND_KIND_COUNT
};

/* Their topics that are in each of your lists, in their order, in their form; owned. */
struct ground {
	struct card_list hits[GROUND_KIND_COUNT];
};

/* Frees what g holds and empties it. NULL is fine. */
void ground_clear(struct ground *g);

/*
 * The common ground between mine (your profile: its topics, offers and seeks) and the
 * comma-separated topics in the len bytes at theirs (an advert's t=). Empty items, items
 * that are not valid UTF-8 and blank ones match nothing. *out is cleared on entry; free it
 * with ground_clear. 0; -ENOMEM (with *out empty).
 */
int ground_find_list(const struct card_fields *mine, const char *theirs, size_t len,
                     struct ground *out) GROUND_WUR;

/* The same for the topics, offers and seeks of a card's fields (theirs), in that order. */
int ground_find_card(const struct card_fields *mine, const struct card_fields *theirs,
                     struct ground *out) GROUND_WUR;

#endif
