/*
 * peertab: the rules of the daemon's table of nearby peers, as pure functions over a
 * snapshot of it. Which new advert gets a place when the table is full (and whom it pushes
 * out), which peers are kept because the user has seen them, and which peer a token the user
 * typed (`send 7`, `send #7`, `send @7`) names. The daemon (src/daemon/peers.c) builds the
 * snapshot, asks, and applies the answer; nothing here allocates or does I/O.
 *
 * Adverts are anyone's claims (proto/txt.md): these rules only decide where a limited table
 * spends its room, so that a flood of fake adverts cannot push out the people the user has
 * already seen, nor keep out new people of the user's own event for long.
 */
#ifndef WALLFLOWER_PEERTAB_H
#define WALLFLOWER_PEERTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PEERTAB_MAX       256 /* peers in the table (what `nearby` lists) at once */
#define PEERTAB_SHOWN_MAX 192 /* of them, most that are kept because they were shown */
#define PEERTAB_ID_MAX    12  /* bytes of a short id in decimal, NUL included */

/* One peer of the table, as the admission rule sees it. */
struct peertab_entry {
	uint64_t seen;    /* when its advert last answered (any clock that never goes back) */
	uint64_t joined;  /* when it joined the table: any order that never goes back, no ties */
	const char *addr; /* the address it resolved to; NULL or "" when it has none */
	bool same_event;  /* it shows our event tag (never, when we are started without one) */
	bool shown;       /* the user has seen it (peertab_pin): never evicted */
};

enum peertab_verdict {
	PEERTAB_ADMIT,  /* there is room: add it */
	PEERTAB_EVICT,  /* add it after removing the entry *victim names */
	PEERTAB_REFUSE, /* no entry may make room for it: leave it out */
};

/*
 * Whether a new advert (same_event: it shows our event tag; addr: the address it resolved
 * to, NULL or "" for none) joins a table of n entries that holds at most max. Below max:
 * admit. Full: the victim is an entry that is not shown and does not show our event tag;
 * failing that, when the candidate shows our tag, an entry that is not shown and shows our
 * tag, and only a *crowding* one when the candidate's address is already some entry's;
 * failing that, refuse. An entry is crowding when an entry with the same address (byte for
 * byte) joined the table before it. Among those that may go, crowding entries go first,
 * those whose address the most entries share first, then the least recently seen, then
 * the lowest index. So a host that publishes many adverts pushes out its own before anyone
 * else's, and an advert that copies someone's address never pushes them out.
 */
enum peertab_verdict peertab_admit(const struct peertab_entry *tab, size_t n, size_t max,
                                   bool same_event, const char *addr, size_t *victim);

/*
 * The user was just shown all n entries (a `nearby` reply): marks them shown, as long as
 * fewer than max_shown are, those that show our event tag first, then the most recently
 * seen. The rest stay evictable, so that a flood listed by one `nearby` cannot take the
 * whole table for good. Returns how many were newly marked.
 */
size_t peertab_pin(struct peertab_entry *tab, size_t n, size_t max_shown);

/* One peer of the table, as a lookup sees it. */
struct peertab_name {
	unsigned id;        /* short id (the "id" of proto/control.md 9.1) */
	const char *handle; /* NULL or "" for none */
};

/* What a lookup found. */
struct peertab_match {
	size_t index; /* 0: the peer; -EEXIST: one candidate */
	size_t other; /* -EEXIST: the other candidate */
	bool twice;   /* -EEXIST: two peers show the handle (else: one's id, another's handle) */
};

/*
 * The peer a token names (proto/control.md 10.5). "#" and a short id: that id only. "@" and
 * a handle: that handle only, byte for byte. Anything else: a handle, or, when it is
 * written exactly as some peer's id is, that id too.
 * 0 with out->index; -ENOENT: nobody; -EEXIST: ambiguous, the two candidates in out (the
 * id's owner first when one is an id, twice set when a handle is shown by several); -EINVAL:
 * an empty token, or "#" or "@" with nothing after it.
 */
int peertab_lookup(const struct peertab_name *tab, size_t n, const char *token,
                   struct peertab_match *out) __attribute__((warn_unused_result));

#endif
