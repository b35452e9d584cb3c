/*
 * intake: what the daemon does with a verified request from a peer (proto/session.md
 * section 9.5, "The answer rule"). Given the request, the peer's address and the clock, it
 * decides in one store transaction whether the request is taken (and where it goes: the
 * inbox, a contact's update, the answer to one of our offers, or nowhere) or refused as
 * busy, and returns the outcome as data: the answer to send and what to announce.
 *
 * The rule it keeps: the answer depends only on what the sender already knows (its own
 * requests within a window, from its identity and its address) and on the receiver's
 * overall load, never on what the user decided. Strangers, contacts, blocked and declined
 * senders meet the same limits, and every request that is answered `ack` costs the same
 * durable work: one ledger row, one commit.
 */
#ifndef WALLFLOWER_INTAKE_H
#define WALLFLOWER_INTAKE_H

#include <stdint.h>

#include "wallflower/card.h"
#include "wallflower/intro.h"
#include "wallflower/peermsg.h"
#include "wallflower/store.h"

/* The defaults; proto/session.md 9.5 names them. */
#define INTAKE_WINDOW        (24 * 3600) /* seconds a request counts against its sender */
#define INTAKE_PER_KEY       4           /* requests from one identity in a window */
#define INTAKE_PER_ADDR      16          /* requests from one network address in a window */
#define INTAKE_KEYS_PER_ADDR 4           /* identities sending from one address in a window */
#define INTAKE_WAITING       256         /* offers waiting in the inbox, from everyone */
#define INTAKE_LEDGER        65536       /* requests taken in a window, from everyone */

/* The limits; 0 in a count lifts that limit. */
struct intake_limits {
	unsigned per_key, per_addr, keys_per_addr, waiting, ledger;
	uint64_t window; /* seconds, >= 1 */
};

/* The defaults above. */
void intake_limits_default(struct intake_limits *l);

/* Which limit refused a request. */
enum intake_limit {
	INTAKE_LIMIT_NONE,
	INTAKE_LIMIT_KEY,       /* per_key */
	INTAKE_LIMIT_ADDR,      /* per_addr */
	INTAKE_LIMIT_ADDR_KEYS, /* keys_per_addr */
	INTAKE_LIMIT_WAITING,   /* waiting: the inbox is full */
	INTAKE_LIMIT_LEDGER,    /* ledger: too many requests from everyone */
};

/* "identity", "address", "identities at one address", "inbox full", "load"; "none". */
const char *intake_limit_name(enum intake_limit l);

enum intake_outcome {
	INTAKE_KEPT,     /* a new offer, ask or intro waits in the inbox: announce it */
	INTAKE_UPDATED,  /* a contact's newer card is now the current one */
	INTAKE_ANSWERED, /* a card back answered an offer of ours, or a reply an ask of ours: a
	                  * contact now */
	INTAKE_IGNORED,  /* taken, then dropped: blocked, answers nothing, no newer card */
	INTAKE_REPEAT,   /* the same request again within the window: nothing new */
	INTAKE_BUSY,     /* over a limit (see limit): nothing written */
	INTAKE_FAILED,   /* the store failed: nothing written */
};

/* A request that the session verified: its card is valid and handed over by its owner. */
struct intake_request {
	const struct peermsg *msg;  /* PEERMSG_OFFER, PEERMSG_CARD or PEERMSG_INTRO */
	const struct card *card;    /* msg's card, decoded; card->key is the peer (an intro's:
	                             * its signer's card) */
	const struct intro *intro;  /* PEERMSG_INTRO: the object, checked for us at now */
	const uint8_t *peer_static; /* the peer's presence key (32 bytes) */
	const uint8_t *presence_sk; /* our presence secret that took the request (32 bytes) */
	const char *addr;           /* the peer's numeric address, 1..64 bytes */
	const char *event;          /* the event we are at, or NULL */
	uint64_t now;               /* unix seconds */
	uint64_t offer_ttl;         /* how long a kept offer waits */
};

struct intake_result {
	enum intake_outcome outcome;
	enum intake_limit limit; /* BUSY: which */
	int64_t id;              /* KEPT: the inbox id; UPDATED, ANSWERED: the person's id */
	int error;               /* FAILED: the negative errno */
};

/*
 * The one decision: which limit, if any, the counts (the sender's history and the load,
 * store_intake_count) break. Pure. The checks run in the order of enum intake_limit.
 */
enum intake_limit intake_judge(const struct intake_limits *l, const struct store_intake_counts *c);

/* The id under which the ledger knows a request: for an offer its offer id
 * (peermsg_offer_id); for a card, a hash of the card and the offer it answers. */
void intake_request_id(const struct peermsg *msg, uint8_t out[32]);

/*
 * Takes a verified request: judges it, records it and applies it, in one transaction, so
 * that once this returns the outcome is on disk. Always fills *res. 0, or the negative
 * errno of a store failure (then res->outcome is INTAKE_FAILED and nothing was written).
 */
int intake_take(struct store *st, const struct intake_limits *l, const struct intake_request *rq,
                struct intake_result *res) CRYPT_WUR;

/*
 * What a checked introduction object becomes (proto/introduction.md section 6), for one the
 * user read from text: no ledger counts it, everything else is as in a session (a blocked
 * signer's is dropped). One transaction; always fills *res. 0, or the negative errno of a
 * store failure.
 */
int intake_object(struct store *st, const struct intro *o, const char *event, uint64_t now,
                  struct intake_result *res) CRYPT_WUR;

/* The answer the result calls for: ack, or error busy or internal. */
void intake_answer(const struct intake_result *res, struct peermsg *answer);

#endif
