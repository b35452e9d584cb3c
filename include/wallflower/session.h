/*
 * session: one wallflower exchange over one connection (proto/session.md), as a pure state
 * machine: bytes in, bytes out, no sockets, no clock. The daemon, the tests and the
 * fuzzers all drive this same code.
 *
 *   initiator                              responder
 *   frame(msg1: e)                    ->
 *                                     <-   frame(msg2: e, ee, s, es; {id, sig})
 *   frame(msg3: s, se; {id, sig})     ->
 *   frame(transport: offer | card)    ->
 *                                     <-   frame(transport: ack | error)
 *   (closes)
 *
 * A frame is a 2-byte big-endian length and that many bytes of one Noise message. Each
 * side proves its Ed25519 identity in its handshake payload by signing its Noise static
 * key. A card in an offer or card message must be signed by that identity.
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
#include "wallflower/noise.h"
#include "wallflower/peermsg.h"

#define SESSION_PROLOGUE             "wallflower/1"
#define SESSION_PLAINTEXT_MAX        PEERMSG_MAX
#define SESSION_FRAME_MAX            (SESSION_PLAINTEXT_MAX + NOISE_TAG) /* one Noise message */
#define SESSION_HELLO_LEN            108   /* the encoded {id, sig} handshake payload */
#define SESSION_HANDSHAKE_TIMEOUT_MS 10000 /* connect or accept -> established */
#define SESSION_EXCHANGE_TIMEOUT_MS  30000 /* connect or accept -> done */

enum session_role { SESSION_INITIATOR, SESSION_RESPONDER };

enum session_event {
	SESSION_EV_NONE,        /* nothing new for the caller (maybe output to send) */
	SESSION_EV_ESTABLISHED, /* handshake done: session_peer() is the peer's identity */
	SESSION_EV_REQUEST,     /* responder: the request arrived; answer it */
	SESSION_EV_ANSWER,      /* initiator: the answer arrived; the exchange is over */
};

struct session_config {
	enum session_role role;
	const struct identity *id;     /* ours; copied, the caller keeps it */
	const uint8_t *expect_peer;    /* initiator: the identity it means to reach, or NULL */
	const struct peermsg *request; /* initiator: the offer or card to send; encoded now */
	const uint8_t *ephemeral;      /* fixed X25519 ephemeral secret (vectors), or NULL */
	uint64_t now;                  /* responder: unix time to judge expiry by; 0: don't */
};

struct session;

/*
 * A session. An initiator queues its first message at once. 0; -EINVAL for a request that
 * is not an offer or card, or does not encode, or a missing request; -ENOMEM.
 */
int session_new(const struct session_config *cfg, struct session **out) CRYPT_WUR;

/* Wipes and frees. NULL is fine. */
void session_free(struct session *s);

/*
 * Feeds received bytes. Takes at most one frame's worth: *used says how many bytes were
 * consumed (call again with the rest), *ev what happened. 0, or a negative errno when the
 * peer broke the protocol; the session has then failed, and session_reason() says why for
 * a log line. Errors: -EMSGSIZE (a frame length of 0 or over SESSION_FRAME_MAX), -EBADMSG
 * (a message that does not decrypt or decode), -EKEYREJECTED (a bad identity binding, an
 * unexpected peer, or a card not signed by the peer), -EPROTO (bytes when none may come,
 * a message of the wrong type, a card that fails verification), -EOVERFLOW (nonces used up).
 */
int session_input(struct session *s, const uint8_t *data, size_t len, size_t *used,
                  enum session_event *ev) CRYPT_WUR;

/* The bytes waiting to be sent (*data valid until the next call into the session). */
size_t session_output(const struct session *s, const uint8_t **data);

/* n of those bytes were sent. */
void session_output_done(struct session *s, size_t n);

/* The peer's Ed25519 identity, once established; NULL before. */
const uint8_t *session_peer(const struct session *s);

/* Responder, after SESSION_EV_REQUEST: the request, and its verified card. */
const struct peermsg *session_request(const struct session *s);
const struct card *session_request_card(const struct session *s);

/*
 * Responder: answers the request with an ack or an error. 0; -EPROTO when no request is
 * waiting; -EINVAL for another message type; -EOVERFLOW; -ENOMEM.
 */
int session_answer(struct session *s, const struct peermsg *answer) CRYPT_WUR;

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
