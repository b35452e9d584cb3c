/*
 * intro: the signed objects of an introduction (proto/introduction.md): an ask ("please
 * introduce me; you may pass this card on"), an intro ("meet this person", signed by the
 * hub and bound to its one recipient) and a reply (the recipient's card back to the asker).
 *
 * Each object is an envelope like a card's, [payload, sig], signed by the card in its
 * "from" and addressed to one identity in "to". intro_check is the one judge of untrusted
 * bytes: it walks and bounds them before decoding, verifies every card and signature inside
 * (an intro's consent, a reply's intro) and returns the verdict of proto/introduction.md
 * section 4 in its order. intro_make signs, and checks what it made as a receiver would.
 */
#ifndef WALLFLOWER_INTRO_H
#define WALLFLOWER_INTRO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wallflower/card.h"
#include "wallflower/identity.h"

#define INTRO_MAX       4096 /* bytes of a whole object envelope */
#define INTRO_VERSION   1
#define INTRO_SIGN_TAG  "wallflower-intro-v1"    /* 19 bytes, before the payload */
#define INTRO_ID_TAG    "wallflower-intro-id-v1" /* 22 bytes, before the envelope */
#define INTRO_ID_LEN    32
#define INTRO_KEYS_MAX  16
#define INTRO_KEY_MAX   16
#define INTRO_DEPTH_MAX 4
#define INTRO_FOR_MAX   200
#define INTRO_NOTE_MAX  280
#define INTRO_RK_LEN    32
#define INTRO_TTL_MAX   2592000 /* seconds from issued to expires, at most (30 days) */
#define INTRO_SKEW      600     /* seconds an issued time may lie in the future */
#define INTRO_TTL       1209600 /* how long the objects we make live (14 days) */

enum intro_kind { INTRO_ASK = 1, INTRO_INTRO, INTRO_REPLY };

/* proto/introduction.md section 7; the order is that of the checks. */
enum intro_verdict {
	INTRO_OK,
	INTRO_TOO_BIG,
	INTRO_MALFORMED,
	INTRO_UNKNOWN_VERSION,
	INTRO_UNKNOWN_KIND,
	INTRO_BAD_CARD,
	INTRO_BAD_SIGNATURE,
	INTRO_NOT_FOR_YOU,
	INTRO_NOT_YET,
	INTRO_EXPIRED,
	INTRO_NO_CONSENT,
	INTRO_MISMATCH,
	INTRO_VERDICT_COUNT
};

/* "ask", "intro", "reply"; the verdict's token ("no-consent"). */
const char *intro_kind_name(enum intro_kind k);
const char *intro_verdict_name(enum intro_verdict v);

/* A checked object. Everything is owned by it (intro_free). */
struct intro {
	enum intro_kind kind;
	uint8_t id[INTRO_ID_LEN]; /* BLAKE2b-256(INTRO_ID_TAG || envelope) */
	uint8_t *envelope;        /* the bytes as received */
	size_t len;
	struct card *from;         /* the signer's card: from->key is the signer */
	uint8_t to[CRYPT_SIGN_PK]; /* the recipient */
	uint64_t issued, expires;
	char *note;  /* NULL when absent */
	char *seek;  /* ask: "for" */
	bool reply;  /* ask: replies wanted */
	bool has_rk; /* rk is the signer's recognition key: a reply's, an ask's (with reply) */
	uint8_t rk[INTRO_RK_LEN];
	struct intro *consent;         /* intro: the ask, or NULL (then card said fwd) */
	struct card *card;             /* intro without consent: the introduced card */
	const struct card *introduced; /* intro: consent->from or card (not owned twice) */
	struct intro *re;              /* reply: the intro it answers */
};

/*
 * Checks len bytes as an object for self (CRYPT_SIGN_PK bytes) at unix time now
 * (proto/introduction.md section 4 and 5). 0 with *out; -EBADMSG with *verdict saying
 * why (*out NULL); -ENOMEM (*verdict INTRO_OK: no verdict). *verdict is INTRO_OK on
 * success. Inner objects are checked too (a consent at now, a reply's intro without a
 * clock) and kept in *out: consent, card, introduced, re.
 */
int intro_check(const uint8_t *buf, size_t len, const uint8_t *self, uint64_t now,
                struct intro **out, enum intro_verdict *verdict) CRYPT_WUR;

/* Frees what intro_check made. NULL is fine. */
void intro_free(struct intro *o);

/* The id of len bytes of envelope. */
void intro_id(const uint8_t *buf, size_t len, uint8_t out[INTRO_ID_LEN]);

/* What intro_make signs. Pointers are borrowed. */
struct intro_params {
	enum intro_kind kind;
	const uint8_t *from; /* our own card envelope (its key must be id's) */
	size_t from_len;
	const uint8_t *to; /* CRYPT_SIGN_PK bytes */
	uint64_t issued, expires;
	const char *note;     /* or NULL */
	const char *seek;     /* ask */
	bool reply;           /* ask */
	const uint8_t *rk;    /* ask with reply, reply: INTRO_RK_LEN bytes */
	const uint8_t *inner; /* intro: the consent or the card; reply: the intro */
	size_t inner_len;
	bool inner_is_card; /* intro: inner is a card with fwd, not an ask */
};

/*
 * Makes and signs an object with id's secret key, then checks it as its recipient would
 * at issued (so that we never send what a receiver refuses). 0 with *out (owned by the
 * caller) and *len; -EINVAL with *verdict for parameters that make no valid object;
 * -EMSGSIZE over INTRO_MAX (with *verdict INTRO_TOO_BIG); -ENOMEM.
 */
int intro_make(const struct intro_params *p, const struct identity *id, uint8_t **out, size_t *len,
               enum intro_verdict *verdict) CRYPT_WUR;

#endif
