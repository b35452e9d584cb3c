/*
 * session: one wallflower exchange over one connection (proto/session.md, version 2), as a
 * pure state machine: bytes in, bytes out, no sockets, no clock. The daemon, the tests and
 * the fuzzers all drive this same code.
 *
 *   initiator                              responder
 *   frame(msg1: e)                    ->
 *                                     <-   frame(msg2: e, ee, s, es)
 *   (checks the responder's static)
 *   frame(msg3: s, se)                ->
 *   frame(transport: offer | card)    ->
 *                                     <-   frame(transport: ack | error)
 *   (closes)
 *
 * A frame is a 2-byte big-endian length and that many bytes of one Noise message. The Noise
 * statics are presence keys (fresh per start of advertising), and every handshake payload
 * is empty: nobody learns an identity from the handshake. The initiator's identity comes
 * only with its request, whose "sig" is an Ed25519 signature by the card's key over
 * SESSION_HANDOVER_TAG || h (h: the handshake hash), so that it binds the card to this
 * session. The responder never reveals an identity at all.
 *
 * Any violation fails the session for good and wipes its keys; after the handshake the
 * responder first queues an "error" message saying why, where that makes sense.
 */
#ifndef WALLFLOWER_SESSION_H
#define WALLFLOWER_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wallflower/card.h"
#include "wallflower/identity.h"
#include "wallflower/intro.h"
#include "wallflower/noise.h"
#include "wallflower/peermsg.h"

#define SESSION_PROLOGUE             "wallflower/2"
#define SESSION_HANDOVER_TAG         "wallflower-handover-v2" /* 22 bytes, before h */
#define SESSION_PLAINTEXT_MAX        PEERMSG_MAX
#define SESSION_FRAME_MAX            (SESSION_PLAINTEXT_MAX + NOISE_TAG) /* one Noise message */
#define SESSION_HANDSHAKE_TIMEOUT_MS 10000 /* connect or accept -> established */
#define SESSION_EXCHANGE_TIMEOUT_MS  30000 /* connect or accept -> done */

enum session_role { SESSION_INITIATOR, SESSION_RESPONDER };

enum session_event {
	SESSION_EV_NONE,        /* nothing new for the caller (maybe output to send) */
	SESSION_EV_ESTABLISHED, /* handshake done: session_peer_static() is the peer's key */
	SESSION_EV_REQUEST,     /* responder: a verified request arrived; answer it */
	SESSION_EV_ANSWER,      /* initiator: the answer arrived; the exchange is over */
	SESSION_EV_VERIFIED,    /* responder of a verify: the opening matched; the code is
	                         * ready (session_verify_code) and the exchange is over */
};

struct session_config {
	enum session_role role;
	const uint8_t *static_sk;  /* our presence X25519 secret (NOISE_KEY bytes); copied */
	const struct identity *id; /* initiator: signs the request (its key must be the card's
	                            * key, or the responder refuses not-yours); copied.
	                            * Responder: only its public key is used, as the one an
	                            * intro must be addressed to; without it (or without now)
	                            * an intro is refused unsupported. */
	/*
	 * Initiator: the offer or card to send, every field filled but sig, which the session
	 * makes after the handshake. Copied and checked by session_new; the caller keeps it.
	 * For a verification in person, a message of type PEERMSG_VERIFY and nothing else:
	 * the session fills in id's key, the signature and the commitment.
	 */
	const struct peermsg *request;
	/*
	 * Initiator: what the responder's presence key must be, checked after message 2 and
	 * before message 3; when a check refuses, the session fails (-EKEYREJECTED) and
	 * message 3 is never sent. expect_static: the key itself (NOISE_KEY bytes, copied),
	 * or NULL. check_static: called with check_arg and the key, returns 0 to go on; or
	 * NULL. When both are set, both must pass (expect_static first).
	 */
	const uint8_t *expect_static;
	int (*check_static)(void *arg, const uint8_t pk[NOISE_KEY]);
	void *check_arg;
	const uint8_t *ephemeral; /* fixed X25519 ephemeral secret (vectors), or NULL */
	const uint8_t *nonce;     /* fixed verify nonce (SAS_NONCE bytes; vectors), or NULL */
	uint64_t now;             /* responder: unix time to judge expiry by; 0: don't */
};

struct session;

/*
 * A session. An initiator queues its first message at once. 0; -EINVAL for a missing
 * static_sk or an unusable one, an initiator without id, or a request that is missing, is
 * not an offer, card or verify, or does not encode; -ENOMEM.
 */
int session_new(const struct session_config *cfg, struct session **out) CRYPT_WUR;

/* Wipes and frees. NULL is fine. */
void session_free(struct session *s);

/*
 * Feeds received bytes. Takes at most one frame's worth: *used says how many bytes were
 * consumed (call again with the rest), *ev what happened. 0, or a negative errno when the
 * peer broke the protocol; the session has then failed, and session_reason() says why for
 * a log line. Errors: -EMSGSIZE (a frame length of 0 or over SESSION_FRAME_MAX), -EBADMSG
 * (a message that does not decrypt or decode, a handshake message with a payload),
 * -EKEYREJECTED (initiator: expect_static or check_static refused the responder's key, or
 * a verify-nonce's sig does not verify; responder: the request's sig does not verify, or
 * a verify's opening does not match its commitment), -EPROTO (bytes when none may come, a
 * message of the wrong type, a card that fails verification), -EOVERFLOW (nonces used
 * up), -ENOMEM.
 */
int session_input(struct session *s, const uint8_t *data, size_t len, size_t *used,
                  enum session_event *ev) CRYPT_WUR;

/* The bytes waiting to be sent (*data valid until the next call into the session). */
size_t session_output(const struct session *s, const uint8_t **data);

/* n of those bytes were sent. */
void session_output_done(struct session *s, size_t n);

/*
 * The peer's presence key (its Noise static, NOISE_KEY bytes) once the handshake has read
 * it: the initiator after message 2 passed its checks, the responder after message 3.
 * NULL before, and once the session has failed.
 */
const uint8_t *session_peer_static(const struct session *s);

/*
 * The peer's verified identity (an Ed25519 key, CRYPT_SIGN_PK bytes). Responder: the
 * request's signer (the card's key, or a verify's key) once SESSION_EV_REQUEST has come.
 * Initiator: only in a verify, the responder's key once its verify-nonce is checked; in
 * an offer or a card it never learns who the responder is. NULL before and on failure.
 */
const uint8_t *session_peer(const struct session *s);

/*
 * Responder, after SESSION_EV_REQUEST: the request (with sig and rk), and its card (NULL
 * for a verify, which carries none).
 */
const struct peermsg *session_request(const struct session *s);
const struct card *session_request_card(const struct session *s);
/*
 * Responder, after SESSION_EV_REQUEST of an intro: the object, checked for cfg->id's key at
 * cfg->now (proto/introduction.md); session_request_card is then its signer's card and
 * session_peer its signer. NULL for other requests.
 */
const struct intro *session_request_intro(const struct session *s);

/*
 * Responder: answers the request with an ack or an error (a verify takes an error, or
 * session_verify_reply). 0; -EPROTO when no request is waiting; -EINVAL for another
 * message type; -EOVERFLOW; -ENOMEM.
 */
int session_answer(struct session *s, const struct peermsg *answer) CRYPT_WUR;

/*
 * Responder of a verify whose user is waiting to verify: answers with our nonce and id's
 * signature over the handshake hash (verify-nonce), then waits for the opening; the
 * session ends with SESSION_EV_VERIFIED, or fails when the opening does not match the
 * commitment (bad-commit is sent). 0; -EPROTO when no verify is waiting; -ENOMEM.
 */
int session_verify_reply(struct session *s, const struct identity *id) CRYPT_WUR;

/*
 * The verification code (0..999999, sas.h), once the exchange is over and the code stands:
 * the responder after SESSION_EV_VERIFIED, the initiator after the ack that answers its
 * opening. Both sides of one session get the same code. 0, or -EPROTO before (or when the
 * verification was refused).
 */
int session_verify_code(const struct session *s, uint32_t *code) CRYPT_WUR;

/* Initiator, after SESSION_EV_ANSWER: the answer (an ack or an error). */
const struct peermsg *session_answer_msg(const struct session *s);

/* Whether the exchange is over (done or failed): close once the output is sent. */
bool session_finished(const struct session *s);

/* Whether it failed. */
bool session_failed(const struct session *s);

/* Why it failed, for a log line (static text), or NULL. */
const char *session_reason(const struct session *s);

/* The Noise handshake hash once established (channel binding). 0 or -EPROTO. */
int session_handshake_hash(const struct session *s, uint8_t out[NOISE_HASH]) CRYPT_WUR;

#endif
