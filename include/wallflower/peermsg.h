/*
 * peermsg: the application messages two daemons exchange inside a Noise session
 * (proto/session.md, "Application messages"). Each is one msgpack map with a string key
 * "t" naming its type:
 *
 *   offer {card, sig, rk, note, reply, port}   initiator -> responder: here is my card
 *   ack   {}                                   responder's answer, whatever the user decides
 *   card  {card, sig, rk, re}                  the accepted side's card, answering offer "re"
 *   error {code, msg}                          a refusal, with a reason
 *
 * and the three of a verification in person (proto/session.md, "Verifying in person"):
 *
 *   verify       {key, sig, commit}   initiator -> responder: who I am, and my commitment
 *   verify-nonce {key, sig, nonce}    the responder's answer: who I am, and my nonce
 *   verify-open  {nonce}              initiator -> responder: the nonce I committed to
 *
 * and the request that carries one object of an introduction (proto/introduction.md):
 *
 *   intro {obj}   initiator -> responder: an ask, an intro or a reply, signed by its maker
 *
 * "sig" is the card key's signature binding the card to the session (SESSION_HANDOVER_TAG
 * in session.h), "rk" the sender's recognition key. Decoding is strict and bounded like
 * the card decoder's. The card inside is carried as bytes, the signature as bytes too:
 * verifying them is session's job.
 */
#ifndef WALLFLOWER_PEERMSG_H
#define WALLFLOWER_PEERMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wallflower/card.h"

#define PEERMSG_MAX       (CARD_ENVELOPE_MAX + 512) /* bytes of one encoded message */
#define PEERMSG_NOTE_MAX  280                       /* bytes of an offer's note */
#define PEERMSG_TEXT_MAX  200                       /* bytes of an error's msg */
#define PEERMSG_KEYS_MAX  16                        /* entries in a message map */
#define PEERMSG_KEY_MAX   16                        /* bytes of a key */
#define PEERMSG_DEPTH_MAX 4                         /* msgpack nesting, the map = depth 1 */
#define PEERMSG_ID_LEN    32                        /* an offer id, for "re" */
#define PEERMSG_SIG_LEN   64                        /* an offer's or card's "sig" */
#define PEERMSG_RK_LEN    32                        /* an offer's or card's "rk" */
#define PEERMSG_ID_TAG    "wallflower-offer-id-v2"
#define PEERMSG_KEY_LEN   32 /* a verify's or verify-nonce's "key" (an identity) */
#define PEERMSG_NONCE_LEN 32 /* a verify's "commit", a verify-nonce's or verify-open's "nonce" */

enum peermsg_type {
	PEERMSG_OFFER = 1,
	PEERMSG_ACK,
	PEERMSG_CARD,
	PEERMSG_ERROR,
	PEERMSG_VERIFY,
	PEERMSG_VERIFY_NONCE,
	PEERMSG_VERIFY_OPEN,
	PEERMSG_INTRO,
};

/* Error codes in an "error" message (stable; proto/session.md lists them). */
enum peermsg_code {
	PEERMSG_E_MALFORMED = 1,   /* the message broke the protocol or the codec's rules */
	PEERMSG_E_UNSUPPORTED = 2, /* a message type this side does not take here */
	PEERMSG_E_BAD_CARD = 3,    /* the card does not verify (proto/card.md) */
	PEERMSG_E_NOT_YOURS = 4,   /* the card is signed by someone other than the peer */
	PEERMSG_E_BUSY = 5,        /* a limit was reached; try again later */
	PEERMSG_E_INTERNAL = 6,    /* this side failed (out of memory, disk) */
	PEERMSG_E_NOT_WAITING = 7, /* verify: nobody here is waiting to verify now */
	PEERMSG_E_BAD_COMMIT = 8,  /* verify-open: the nonce is not the one committed to */
	PEERMSG_E_BAD_INTRO = 9,   /* intro: the object fails proto/introduction.md */
};

struct peermsg {
	enum peermsg_type type;
	uint8_t *card; /* offer, card: the card envelope */
	size_t card_len;
	uint8_t sig[PEERMSG_SIG_LEN];      /* offer, card: the handover signature; verify,
	                                    * verify-nonce: the identity's over the session */
	uint8_t rk[PEERMSG_RK_LEN];        /* offer, card: the sender's recognition key */
	char *note;                        /* offer: optional, NUL-terminated */
	bool reply;                        /* offer: the sender wants a card back */
	uint16_t port;                     /* offer: where the sender listens for it (when reply) */
	uint8_t re[PEERMSG_ID_LEN];        /* card: the id of the offer it answers */
	uint8_t key[PEERMSG_KEY_LEN];      /* verify, verify-nonce: the sender's identity */
	uint8_t commit[PEERMSG_NONCE_LEN]; /* verify: the commitment to the initiator's nonce */
	uint8_t nonce[PEERMSG_NONCE_LEN];  /* verify-nonce, verify-open: a nonce */
	uint16_t code;                     /* error */
	char *text;                        /* error: optional, NUL-terminated */
	uint8_t *obj;                      /* intro: the object's envelope */
	size_t obj_len;
};

/* The stable name of a type ("offer") or an error code ("bad-card"). */
const char *peermsg_type_name(enum peermsg_type type);
const char *peermsg_code_name(uint16_t code);
/* Whether a refusal with code is worth another try (proto/session.md 9.6): busy and
 * internal are; any other code, known or not, would refuse the same request again. */
bool peermsg_code_retry(uint16_t code);

/*
 * Encodes m (which the caller owns and fills; pointers are borrowed) into *out (owned by
 * the caller). Checks what a decoder checks, so that we never send what we would refuse.
 * 0; -EINVAL for a message that breaks a rule; -EMSGSIZE over PEERMSG_MAX; -ENOMEM.
 */
int peermsg_encode(const struct peermsg *m, uint8_t **out, size_t *len) CRYPT_WUR;

/*
 * Decodes len bytes into *out, which owns copies of everything (free with peermsg_free).
 * 0; -EMSGSIZE over PEERMSG_MAX; -EBADMSG for malformed msgpack or a broken rule;
 * -EPROTONOSUPPORT for an unknown "t"; -ENOMEM. *why, when why is not NULL, gets a static
 * string saying what was wrong, for a log line.
 */
int peermsg_decode(const uint8_t *buf, size_t len, struct peermsg **out,
                   const char **why) CRYPT_WUR;

/* Frees what peermsg_decode made. NULL is fine. */
void peermsg_free(struct peermsg *m);

/* The id of an offer, for "re": BLAKE2b-256(PEERMSG_ID_TAG || the offer's card bytes). */
void peermsg_offer_id(const uint8_t *card, size_t card_len, uint8_t out[PEERMSG_ID_LEN]);

#endif
