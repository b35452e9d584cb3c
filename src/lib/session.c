/*
 * session.c: the wallflower session protocol (proto/session.md) on top of noise.c.
 * It trusts no received byte: frames are length-checked before they are buffered, every
 * message must authenticate, identities must be bound to the Noise keys, and the card in a
 * request must verify and belong to the peer. It never sends before the peer has proved
 * who it is where that matters (an initiator with an expected peer reveals itself only in
 * message 3, after checking), and it never keeps a key past a failure.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "wallflower/session.h"
#include "wallflower/wire.h"

#define FRAME_HDR 2
#define OUT_MAX   (2 * (FRAME_HDR + SESSION_FRAME_MAX))

enum state {
	I_WAIT_MSG2,
	I_WAIT_ANSWER,
	R_WAIT_MSG1,
	R_WAIT_MSG3,
	R_WAIT_REQUEST,
	R_ANSWERING,
	DONE,
	FAILED,
};

struct session {
	enum session_role role;
	enum state state;
	struct noise_hs *hs;
	struct noise_cipher tx, rx;
	uint8_t hash[NOISE_HASH];
	uint8_t hello[SESSION_HELLO_LEN]; /* our {id, sig} */
	uint8_t expect[CRYPT_SIGN_PK];
	bool has_expect;
	uint64_t now; /* 0: the caller judges expiry */
	uint8_t peer[CRYPT_SIGN_PK];
	bool has_peer;
	uint8_t *request; /* initiator: the encoded request */
	size_t request_len;
	struct peermsg *got; /* the request (responder) or the answer (initiator) */
	struct card *got_card;
	const char *reason;
	uint8_t in[FRAME_HDR + SESSION_FRAME_MAX];
	size_t in_len;
	uint8_t out[OUT_MAX];
	size_t out_len;
	size_t out_off;
	uint8_t scratch[SESSION_FRAME_MAX];
};

/* ---- failing ---- */

/* Wipes every key and ends the session; returns r for the caller to pass on. */
static int
fail(struct session *s, int r, const char *reason)
{
	noise_hs_free(s->hs);
	s->hs = NULL;
	noise_cipher_wipe(&s->tx);
	noise_cipher_wipe(&s->rx);
	crypt_wipe(s->scratch, sizeof(s->scratch));
	crypt_wipe(s->in, sizeof(s->in));
	s->in_len = 0;
	s->state = FAILED;
	if (s->reason == NULL)
		s->reason = reason;
	return r;
}

/* ---- output ---- */

/* Appends one frame holding n bytes. */
static int
queue_frame(struct session *s, const uint8_t *msg, size_t n)
{
	if (n > SESSION_FRAME_MAX || FRAME_HDR + n > OUT_MAX - s->out_len)
		return -EMSGSIZE;
	s->out[s->out_len] = (uint8_t)(n >> 8);
	s->out[s->out_len + 1] = (uint8_t)n;
	memcpy(s->out + s->out_len + FRAME_HDR, msg, n);
	s->out_len += FRAME_HDR + n;
	return 0;
}

/* Encrypts a plaintext as one transport message and queues it. */
static int
queue_sealed(struct session *s, const uint8_t *pt, size_t len)
{
	int r;

	if (len > SESSION_PLAINTEXT_MAX)
		return -EMSGSIZE;
	if ((r = noise_cipher_encrypt(&s->tx, NULL, 0, pt, len, s->scratch)) < 0)
		return r;
	return queue_frame(s, s->scratch, len + NOISE_TAG);
}

static int
queue_message(struct session *s, const struct peermsg *m)
{
	uint8_t *pt;
	size_t len;
	int r;

	if ((r = peermsg_encode(m, &pt, &len)) < 0)
		return r;
	r = queue_sealed(s, pt, len);
	free(pt);
	return r;
}

/* Writes the next handshake message, with our hello or an empty payload, and queues it. */
static int
queue_handshake(struct session *s, bool hello)
{
	size_t n;
	int r;

	r = noise_hs_write(s->hs, hello ? s->hello : NULL, hello ? sizeof(s->hello) : 0, s->scratch,
	                   sizeof(s->scratch), &n);
	return r < 0 ? r : queue_frame(s, s->scratch, n);
}

/*
 * After a violation once keys exist: tell the peer why in an "error" message, then fail.
 * The error is best effort: if it cannot be sent, the session fails all the same.
 */
static int
refuse(struct session *s, int r, uint16_t code, const char *reason)
{
	struct peermsg e = { .type = PEERMSG_ERROR, .code = code };

	(void)queue_message(s, &e);
	return fail(s, r, reason);
}

/* ---- setting up ---- */

/* Our handshake payload: {"id": Ed25519 key, "sig": binding of our Noise static key}. */
static int
make_hello(struct session *s, const struct identity *id)
{
	struct wire_out *w;
	uint8_t *buf;
	size_t len;
	int r;

	if ((r = wire_out_new(sizeof(s->hello), &w)) < 0)
		return r;
	wire_put_map(w, 2);
	wire_put_cstr(w, "id");
	wire_put_bin(w, id->sign_pk, CRYPT_SIGN_PK);
	wire_put_cstr(w, "sig");
	wire_put_bin(w, id->binding, CRYPT_SIG);
	r = wire_out_take(w, &buf, &len);
	wire_out_free(w);
	if (r < 0)
		return r;
	if (len != sizeof(s->hello)) {
		free(buf);
		return -EINVAL;
	}
	memcpy(s->hello, buf, len);
	free(buf);
	return 0;
}

static int
setup_request(struct session *s, const struct session_config *cfg)
{
	const struct peermsg *m = cfg->request;

	if (m == NULL || (m->type != PEERMSG_OFFER && m->type != PEERMSG_CARD))
		return -EINVAL;
	return peermsg_encode(m, &s->request, &s->request_len);
}

int
session_new(const struct session_config *cfg, struct session **out)
{
	struct session *s;
	int r;

	*out = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return -ENOMEM;
	s->role = cfg->role;
	s->state = cfg->role == SESSION_INITIATOR ? I_WAIT_MSG2 : R_WAIT_MSG1;
	s->now = cfg->now;
	if (cfg->expect_peer != NULL) {
		memcpy(s->expect, cfg->expect_peer, CRYPT_SIGN_PK);
		s->has_expect = true;
	}
	r = make_hello(s, cfg->id);
	if (r == 0 && cfg->role == SESSION_INITIATOR)
		r = setup_request(s, cfg);
	if (r == 0)
		r = noise_hs_new(cfg->role == SESSION_INITIATOR ? NOISE_INITIATOR : NOISE_RESPONDER,
		                 (const uint8_t *)SESSION_PROLOGUE, strlen(SESSION_PROLOGUE),
		                 cfg->id->dh_sk, cfg->ephemeral, &s->hs);
	/* Message 1 carries nothing but the ephemeral key: no identity, no payload. */
	if (r == 0 && cfg->role == SESSION_INITIATOR)
		r = queue_handshake(s, false);
	if (r < 0) {
		session_free(s);
		return r;
	}
	*out = s;
	return 0;
}

void
session_free(struct session *s)
{
	if (s == NULL)
		return;
	noise_hs_free(s->hs);
	peermsg_free(s->got);
	card_free(s->got_card);
	free(s->request);
	crypt_wipe(s, sizeof(*s));
	free(s);
}

/* ---- the handshake ---- */

/*
 * Checks the peer's hello: exactly {"id": bin(32), "sig": bin(64)}, and sig binds the Noise
 * static key the handshake authenticated to that identity.
 */
static int
check_hello(struct session *s, const uint8_t *p, size_t n)
{
	const uint8_t *id = NULL, *sig = NULL, *v;
	uint8_t rs[NOISE_KEY];
	struct wire_doc *doc;
	const struct wire_obj *map;
	size_t len, klen;
	const char *k;
	int r = -EBADMSG;

	if (wire_doc_parse(p, n, 1, &doc) < 0)
		return fail(s, -EBADMSG, "handshake payload is not msgpack");
	map = wire_doc_root(doc);
	if (wire_type(map) == WIRE_MAP && wire_count(map) == 2) {
		for (size_t i = 0; i < 2; i++) {
			if (wire_get_str(wire_key(map, i), &k, &klen) < 0 ||
			    wire_get_bin(wire_val(map, i), &v, &len) < 0)
				break;
			if (klen == 2 && memcmp(k, "id", 2) == 0 && len == CRYPT_SIGN_PK)
				id = v;
			else if (klen == 3 && memcmp(k, "sig", 3) == 0 && len == CRYPT_SIG)
				sig = v;
		}
	}
	if (id == NULL || sig == NULL) {
		wire_doc_free(doc);
		return fail(s, r, "handshake payload is not {id, sig}");
	}
	if (noise_hs_remote_static(s->hs, rs) < 0 || identity_binding_verify(id, rs, sig) < 0) {
		wire_doc_free(doc);
		return fail(s, -EKEYREJECTED, "identity binding does not verify");
	}
	memcpy(s->peer, id, CRYPT_SIGN_PK);
	s->has_peer = true;
	wire_doc_free(doc);
	if (s->has_expect && memcmp(s->peer, s->expect, CRYPT_SIGN_PK) != 0)
		return fail(s, -EKEYREJECTED, "peer is not the identity we meant to reach");
	return 0;
}

/* Reads handshake message msg into scratch; *plen gets the payload length. */
static int
read_handshake(struct session *s, const uint8_t *msg, size_t len, size_t *plen)
{
	int r = noise_hs_read(s->hs, msg, len, s->scratch, sizeof(s->scratch), plen);

	if (r == -EINVAL)
		return fail(s, -EBADMSG, "small-order key in handshake");
	if (r < 0)
		return fail(s, -EBADMSG, "handshake message does not authenticate");
	return 0;
}

static int
split(struct session *s)
{
	int r;

	if ((r = noise_hs_hash(s->hs, s->hash)) < 0 ||
	    (r = noise_hs_split(s->hs, &s->tx, &s->rx)) < 0)
		return fail(s, r, "handshake did not complete");
	noise_hs_free(s->hs);
	s->hs = NULL;
	return 0;
}

/* Responder, message 1: -> e, with an empty payload. Answers with message 2. */
static int
on_msg1(struct session *s, const uint8_t *msg, size_t len, enum session_event *ev)
{
	size_t plen;
	int r;

	if ((r = read_handshake(s, msg, len, &plen)) < 0)
		return r;
	if (plen != 0)
		return fail(s, -EBADMSG, "message 1 has a payload");
	if ((r = queue_handshake(s, true)) < 0)
		return fail(s, r == -EINVAL ? -EBADMSG : r, "cannot write message 2");
	s->state = R_WAIT_MSG3;
	*ev = SESSION_EV_NONE;
	return 0;
}

/* Initiator, message 2: <- e, ee, s, es + hello. Answers with message 3 and the request. */
static int
on_msg2(struct session *s, const uint8_t *msg, size_t len, enum session_event *ev)
{
	size_t plen;
	int r;

	if ((r = read_handshake(s, msg, len, &plen)) < 0 ||
	    (r = check_hello(s, s->scratch, plen)) < 0)
		return r;
	if ((r = queue_handshake(s, true)) < 0)
		return fail(s, r == -EINVAL ? -EBADMSG : r, "cannot write message 3");
	if ((r = split(s)) < 0)
		return r;
	if ((r = queue_sealed(s, s->request, s->request_len)) < 0)
		return fail(s, r, "cannot send the request");
	s->state = I_WAIT_ANSWER;
	*ev = SESSION_EV_ESTABLISHED;
	return 0;
}

/* Responder, message 3: -> s, se + hello. */
static int
on_msg3(struct session *s, const uint8_t *msg, size_t len, enum session_event *ev)
{
	size_t plen;
	int r;

	if ((r = read_handshake(s, msg, len, &plen)) < 0 ||
	    (r = check_hello(s, s->scratch, plen)) < 0 || (r = split(s)) < 0)
		return r;
	s->state = R_WAIT_REQUEST;
	*ev = SESSION_EV_ESTABLISHED;
	return 0;
}

/* ---- application messages ---- */

/*
 * Decrypts a transport message into scratch. A message that does not decrypt ends the
 * session without an error message: whoever sent it could not read one either.
 */
static int
unseal(struct session *s, const uint8_t *msg, size_t len, size_t *ptlen)
{
	int r;

	if (len < NOISE_TAG)
		return fail(s, -EBADMSG, "transport message shorter than its tag");
	if ((r = noise_cipher_decrypt(&s->rx, NULL, 0, msg, len, s->scratch)) < 0)
		return fail(s, r,
		            r == -EOVERFLOW ? "nonces used up"
		                            : "transport message does not decrypt");
	*ptlen = len - NOISE_TAG;
	return 0;
}

/* The request's card must verify, be current, and be the peer's own. */
static int
check_request_card(struct session *s)
{
	struct card_error err;
	int r = card_decode(s->got->card, s->got->card_len, &s->got_card, &err);

	if (r == -ENOMEM)
		return refuse(s, r, PEERMSG_E_INTERNAL, "out of memory");
	if (r < 0)
		return refuse(s, -EPROTO, PEERMSG_E_BAD_CARD, "the card does not verify");
	if (s->now != 0 && card_check_time(s->got_card, s->now, &err) < 0)
		return refuse(s, -EPROTO, PEERMSG_E_BAD_CARD, "the card has expired");
	if (memcmp(s->got_card->key, s->peer, CRYPT_SIGN_PK) != 0)
		return refuse(s, -EKEYREJECTED, PEERMSG_E_NOT_YOURS,
		              "the card is not signed by the peer");
	return 0;
}

/* Responder: the one request, an offer or a card. */
static int
on_request(struct session *s, const uint8_t *msg, size_t len, enum session_event *ev)
{
	const char *why = NULL;
	size_t n;
	int r;

	if ((r = unseal(s, msg, len, &n)) < 0)
		return r;
	r = peermsg_decode(s->scratch, n, &s->got, &why);
	if (r == -ENOMEM)
		return refuse(s, r, PEERMSG_E_INTERNAL, "out of memory");
	if (r == -EPROTONOSUPPORT)
		return refuse(s, -EPROTO, PEERMSG_E_UNSUPPORTED, why);
	if (r < 0)
		return refuse(s, -EBADMSG, PEERMSG_E_MALFORMED, why);
	if (s->got->type != PEERMSG_OFFER && s->got->type != PEERMSG_CARD)
		return refuse(s, -EPROTO, PEERMSG_E_UNSUPPORTED, "request is not an offer or card");
	if ((r = check_request_card(s)) < 0)
		return r;
	s->state = R_ANSWERING;
	*ev = SESSION_EV_REQUEST;
	return 0;
}

/* Initiator: the one answer, an ack or an error. */
static int
on_answer(struct session *s, const uint8_t *msg, size_t len, enum session_event *ev)
{
	const char *why = NULL;
	size_t n;
	int r;

	if ((r = unseal(s, msg, len, &n)) < 0)
		return r;
	if ((r = peermsg_decode(s->scratch, n, &s->got, &why)) < 0)
		return fail(s, r == -ENOMEM ? r : -EBADMSG, why ? why : "out of memory");
	if (s->got->type != PEERMSG_ACK && s->got->type != PEERMSG_ERROR)
		return fail(s, -EPROTO, "answer is not an ack or error");
	s->state = DONE;
	*ev = SESSION_EV_ANSWER;
	return 0;
}

static int
on_frame(struct session *s, const uint8_t *msg, size_t len, enum session_event *ev)
{
	switch (s->state) {
	case R_WAIT_MSG1:
		return on_msg1(s, msg, len, ev);
	case I_WAIT_MSG2:
		return on_msg2(s, msg, len, ev);
	case R_WAIT_MSG3:
		return on_msg3(s, msg, len, ev);
	case R_WAIT_REQUEST:
		return on_request(s, msg, len, ev);
	case I_WAIT_ANSWER:
		return on_answer(s, msg, len, ev);
	default:
		return fail(s, -EPROTO, "a message after the exchange");
	}
}

/* ---- input ---- */

int
session_input(struct session *s, const uint8_t *data, size_t len, size_t *used,
              enum session_event *ev)
{
	size_t need, take;

	*used = 0;
	*ev = SESSION_EV_NONE;
	if (s->state == FAILED)
		return -EPROTO;
	/* One request, one answer: once that is over, the peer has nothing more to say. */
	if (len > 0 && (s->state == DONE || s->state == R_ANSWERING))
		return fail(s, -EPROTO, "bytes after the exchange");
	while (*used < len) {
		if (s->in_len < FRAME_HDR) {
			s->in[s->in_len++] = data[(*used)++];
			continue;
		}
		need = (size_t)s->in[0] << 8 | s->in[1];
		if (need == 0 || need > SESSION_FRAME_MAX)
			return fail(s, -EMSGSIZE, "frame length 0 or over the limit");
		take = FRAME_HDR + need - s->in_len;
		if (take > len - *used)
			take = len - *used;
		memcpy(s->in + s->in_len, data + *used, take);
		s->in_len += take;
		*used += take;
		if (s->in_len == FRAME_HDR + need) {
			s->in_len = 0;
			return on_frame(s, s->in + FRAME_HDR, need, ev);
		}
	}
	/* A header that just completed is checked now, not when the body comes. */
	if (s->in_len == FRAME_HDR) {
		need = (size_t)s->in[0] << 8 | s->in[1];
		if (need == 0 || need > SESSION_FRAME_MAX)
			return fail(s, -EMSGSIZE, "frame length 0 or over the limit");
	}
	return 0;
}

/* ---- the rest of the interface ---- */

int
session_answer(struct session *s, const struct peermsg *answer)
{
	int r;

	if (s->state != R_ANSWERING)
		return -EPROTO;
	if (answer->type != PEERMSG_ACK && answer->type != PEERMSG_ERROR)
		return -EINVAL;
	if ((r = queue_message(s, answer)) < 0)
		return r == -EINVAL ? r : fail(s, r, "cannot send the answer");
	s->state = DONE;
	return 0;
}

size_t
session_output(const struct session *s, const uint8_t **data)
{
	*data = s->out + s->out_off;
	return s->out_len - s->out_off;
}

void
session_output_done(struct session *s, size_t n)
{
	s->out_off += n < s->out_len - s->out_off ? n : s->out_len - s->out_off;
	if (s->out_off == s->out_len)
		s->out_off = s->out_len = 0;
}

const uint8_t *
session_peer(const struct session *s)
{
	return s->has_peer && s->state != FAILED ? s->peer : NULL;
}

/* Whether a responder holds a request that passed every check. */
static bool
has_request(const struct session *s)
{
	return s->role == SESSION_RESPONDER && (s->state == R_ANSWERING || s->state == DONE);
}

const struct peermsg *
session_request(const struct session *s)
{
	return has_request(s) ? s->got : NULL;
}

const struct card *
session_request_card(const struct session *s)
{
	return has_request(s) ? s->got_card : NULL;
}

const struct peermsg *
session_answer_msg(const struct session *s)
{
	return s->role == SESSION_INITIATOR && s->state == DONE ? s->got : NULL;
}

bool
session_finished(const struct session *s)
{
	return s->state == DONE || s->state == FAILED;
}

bool
session_failed(const struct session *s)
{
	return s->state == FAILED;
}

const char *
session_reason(const struct session *s)
{
	return s->reason;
}

int
session_handshake_hash(const struct session *s, uint8_t out[NOISE_HASH])
{
	if (s->state == FAILED || s->state == I_WAIT_MSG2 || s->state == R_WAIT_MSG1 ||
	    s->state == R_WAIT_MSG3)
		return -EPROTO;
	memcpy(out, s->hash, NOISE_HASH);
	return 0;
}
