/*
 * session.c: the wallflower session protocol (proto/session.md, version 2) on top of
 * noise.c. It trusts no received byte: frames are length-checked before they are
 * buffered, every message must authenticate, handshake messages must carry nothing, and
 * the card in a request must verify and be signed, with this session's handshake hash,
 * by its own key. An initiator that was told whom to expect checks the responder's
 * presence key before it writes message 3, so a wrong responder never sees its static key
 * or its request. A responder holds an identity only when its caller hands it one to
 * answer a verification in person, which its user is waiting for. No key is kept past a
 * failure.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wallflower/sas.h"
#include "wallflower/session.h"

#define FRAME_HDR 2
#define OUT_MAX   (2 * (FRAME_HDR + SESSION_FRAME_MAX))

enum state {
	I_WAIT_MSG2,
	I_WAIT_ANSWER,
	I_WAIT_FINAL, /* verify: the opening sent, waiting for ack or error */
	R_WAIT_MSG1,
	R_WAIT_MSG3,
	R_WAIT_REQUEST,
	R_ANSWERING,
	R_WAIT_OPEN, /* verify: our nonce sent, waiting for the initiator's opening */
	DONE,
	FAILED,
};

struct session {
	enum session_role role;
	enum state state;
	struct noise_hs *hs;
	struct noise_cipher tx, rx;
	uint8_t hash[NOISE_HASH];
	uint8_t sign_sk[CRYPT_SIGN_SK]; /* initiator: signs the request; wiped once used */
	uint8_t expect[NOISE_KEY];
	bool has_expect;
	int (*check)(void *arg, const uint8_t pk[NOISE_KEY]);
	void *check_arg;
	uint64_t now; /* 0: the caller judges expiry */
	uint8_t peer_static[NOISE_KEY];
	bool has_peer_static;
	struct peermsg request; /* initiator: our copy; sig is made after the handshake */
	struct peermsg *got;    /* the request (responder) or the answer (initiator) */
	struct card *got_card;
	struct intro *got_intro;     /* responder of an intro: the checked object */
	uint8_t self[CRYPT_SIGN_PK]; /* responder: our identity, the one an intro must name */
	bool has_self;
	/* A verification in person: our nonce (initiator: committed to in the request),
	 * the peer's identity once its signature over h is checked, and the code. */
	uint8_t nonce[SAS_NONCE];
	uint8_t peer_key[CRYPT_SIGN_PK]; /* initiator */
	bool has_peer_key;
	uint8_t own_key[CRYPT_SIGN_PK]; /* responder: the identity it answered with */
	uint32_t code;
	bool has_code;
	const char *reason;
	char reason_buf[64]; /* a reason made from a verdict (an intro's), for reason */
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
	crypt_wipe(s->sign_sk, sizeof(s->sign_sk));
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

/* Writes the next handshake message, always with an empty payload, and queues it. */
static int
queue_handshake(struct session *s)
{
	size_t n;
	int r;

	r = noise_hs_write(s->hs, NULL, 0, s->scratch, sizeof(s->scratch), &n);
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

/* Our nonce for a verification: the caller's fixed one (vectors), or a fresh one. */
static void
take_nonce(struct session *s, const struct session_config *cfg)
{
	if (cfg->nonce != NULL)
		memcpy(s->nonce, cfg->nonce, SAS_NONCE);
	else
		crypt_random(s->nonce, SAS_NONCE);
}

/* A verify request: our identity now; its signature and commitment after the handshake. */
static int
setup_verify(struct session *s, const struct session_config *cfg)
{
	s->request = (struct peermsg){ .type = PEERMSG_VERIFY };
	memcpy(s->request.key, cfg->id->sign_pk, CRYPT_SIGN_PK);
	memcpy(s->sign_sk, cfg->id->sign_sk, CRYPT_SIGN_SK);
	take_nonce(s, cfg);
	return 0;
}

/* An intro request: the object is signed by its maker already; the session adds nothing. */
static int
setup_intro(struct session *s, const struct peermsg *m)
{
	uint8_t *buf;
	size_t len;
	int r;

	if ((r = peermsg_encode(m, &buf, &len)) < 0)
		return r;
	free(buf);
	s->request = (struct peermsg){ .type = PEERMSG_INTRO, .obj_len = m->obj_len };
	if ((s->request.obj = malloc(m->obj_len)) == NULL)
		return -ENOMEM;
	memcpy(s->request.obj, m->obj, m->obj_len);
	return 0;
}

/*
 * Keeps a copy of the initiator's request, checked now so that a request we could not send
 * fails session_new, not the handshake. Its sig is filled in after the handshake.
 */
static int
setup_request(struct session *s, const struct session_config *cfg)
{
	const struct peermsg *m = cfg->request;
	uint8_t *buf;
	size_t len;
	int r;

	if (m == NULL || cfg->id == NULL)
		return -EINVAL;
	if (m->type == PEERMSG_VERIFY)
		return setup_verify(s, cfg);
	if (m->type == PEERMSG_INTRO)
		return setup_intro(s, m);
	if (m->type != PEERMSG_OFFER && m->type != PEERMSG_CARD)
		return -EINVAL;
	if ((r = peermsg_encode(m, &buf, &len)) < 0)
		return r;
	free(buf);
	s->request = *m;
	s->request.note = NULL;
	s->request.text = NULL;
	if ((s->request.card = malloc(m->card_len)) == NULL)
		return -ENOMEM;
	memcpy(s->request.card, m->card, m->card_len);
	if (m->type == PEERMSG_OFFER && m->note != NULL &&
	    (s->request.note = strdup(m->note)) == NULL)
		return -ENOMEM;
	memcpy(s->sign_sk, cfg->id->sign_sk, CRYPT_SIGN_SK);
	return 0;
}

int
session_new(const struct session_config *cfg, struct session **out)
{
	struct session *s;
	int r = 0;

	*out = NULL;
	if (cfg->static_sk == NULL)
		return -EINVAL;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return -ENOMEM;
	s->role = cfg->role;
	if (cfg->role == SESSION_RESPONDER) {
		take_nonce(s, cfg);
		if (cfg->id != NULL) {
			memcpy(s->self, cfg->id->sign_pk, CRYPT_SIGN_PK);
			s->has_self = true;
		}
	}
	s->state = cfg->role == SESSION_INITIATOR ? I_WAIT_MSG2 : R_WAIT_MSG1;
	s->now = cfg->now;
	if (cfg->role == SESSION_INITIATOR) {
		if (cfg->expect_static != NULL) {
			memcpy(s->expect, cfg->expect_static, NOISE_KEY);
			s->has_expect = true;
		}
		s->check = cfg->check_static;
		s->check_arg = cfg->check_arg;
		r = setup_request(s, cfg);
	}
	if (r == 0)
		r = noise_hs_new(cfg->role == SESSION_INITIATOR ? NOISE_INITIATOR : NOISE_RESPONDER,
		                 (const uint8_t *)SESSION_PROLOGUE, strlen(SESSION_PROLOGUE),
		                 cfg->static_sk, cfg->ephemeral, &s->hs);
	if (r == 0 && cfg->role == SESSION_INITIATOR)
		r = queue_handshake(s);
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
	intro_free(s->got_intro);
	free(s->request.card);
	free(s->request.obj);
	free(s->request.note);
	crypt_wipe(s, sizeof(*s));
	free(s);
}

/* ---- the handshake ---- */

/*
 * Reads handshake message msg, which must carry no payload: in version 2 nobody says who
 * they are in the handshake, so a payload can only be a peer of another version or one
 * probing for what we might say.
 */
static int
read_handshake(struct session *s, const uint8_t *msg, size_t len, const char *has_payload)
{
	size_t plen;
	int r = noise_hs_read(s->hs, msg, len, s->scratch, sizeof(s->scratch), &plen);

	if (r == -EINVAL)
		return fail(s, -EBADMSG, "small-order key in handshake");
	if (r < 0)
		return fail(s, -EBADMSG, "handshake message does not authenticate");
	if (plen != 0)
		return fail(s, -EBADMSG, has_payload);
	return 0;
}

/* Keeps the peer's presence key, which Noise has just authenticated. */
static int
take_peer_static(struct session *s)
{
	if (noise_hs_remote_static(s->hs, s->peer_static) < 0)
		return fail(s, -EPROTO, "no peer static after its handshake message");
	s->has_peer_static = true;
	return 0;
}

/* Initiator: whether the responder's presence key is the one we were told to expect. */
static int
check_responder(struct session *s)
{
	if (s->has_expect && crypt_equal(s->peer_static, s->expect, NOISE_KEY) != 0)
		return fail(s, -EKEYREJECTED, "the responder is not the peer expected");
	if (s->check != NULL && s->check(s->check_arg, s->peer_static) != 0)
		return fail(s, -EKEYREJECTED, "the responder is not the peer expected");
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

/*
 * Initiator, after Split: signs SESSION_HANDOVER_TAG || h with the card's key, so that the
 * request cannot be replayed into another session, and sends it.
 */
static int
send_request(struct session *s)
{
	bool verify = s->request.type == PEERMSG_VERIFY;
	int r = 0;

	if (s->request.type != PEERMSG_INTRO)
		r = crypt_sign_tagged(s->request.sig, s->sign_sk,
		                      verify ? SAS_ID_I_TAG : SESSION_HANDOVER_TAG, s->hash,
		                      NOISE_HASH);

	if (verify)
		sas_commit(s->request.commit, s->hash, s->nonce);
	crypt_wipe(s->sign_sk, sizeof(s->sign_sk));
	if (r == 0)
		r = queue_message(s, &s->request);
	return r < 0 ? fail(s, r, "cannot send the request") : 0;
}

/* Responder, message 1: -> e. Answers with message 2. */
static int
on_msg1(struct session *s, const uint8_t *msg, size_t len, enum session_event *ev)
{
	int r;

	if ((r = read_handshake(s, msg, len, "message 1 has a payload")) < 0)
		return r;
	if ((r = queue_handshake(s)) < 0)
		return fail(s, r == -EINVAL ? -EBADMSG : r, "cannot write message 2");
	s->state = R_WAIT_MSG3;
	*ev = SESSION_EV_NONE;
	return 0;
}

/*
 * Initiator, message 2: <- e, ee, s, es. Checks the responder's key before anything of
 * ours goes out, then answers with message 3 and the request.
 */
static int
on_msg2(struct session *s, const uint8_t *msg, size_t len, enum session_event *ev)
{
	int r;

	if ((r = read_handshake(s, msg, len, "message 2 has a payload")) < 0 ||
	    (r = take_peer_static(s)) < 0 || (r = check_responder(s)) < 0)
		return r;
	if ((r = queue_handshake(s)) < 0)
		return fail(s, r == -EINVAL ? -EBADMSG : r, "cannot write message 3");
	if ((r = split(s)) < 0 || (r = send_request(s)) < 0)
		return r;
	s->state = I_WAIT_ANSWER;
	*ev = SESSION_EV_ESTABLISHED;
	return 0;
}

/* Responder, message 3: -> s, se. */
static int
on_msg3(struct session *s, const uint8_t *msg, size_t len, enum session_event *ev)
{
	int r;

	if ((r = read_handshake(s, msg, len, "message 3 has a payload")) < 0 ||
	    (r = take_peer_static(s)) < 0 || (r = split(s)) < 0)
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

/*
 * The request's card must verify and be current (bad-card), and its key must have signed
 * this session's handshake hash (not-yours): the card is then the sender's own, handed
 * over in this session and no other.
 */
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
	r = crypt_verify_tagged(s->got->sig, s->got_card->key, SESSION_HANDOVER_TAG, s->hash,
	                        NOISE_HASH);
	if (r == -ENOMEM)
		return refuse(s, r, PEERMSG_E_INTERNAL, "out of memory");
	if (r < 0)
		return refuse(s, -EKEYREJECTED, PEERMSG_E_NOT_YOURS,
		              "the request's sig does not verify under its card's key");
	return 0;
}

/* Responder: a verify request's sig must be its key's, over this session's hash. */
static int
check_signed(struct session *s, const uint8_t key[CRYPT_SIGN_PK], const char *tag)
{
	int r = crypt_verify_tagged(s->got->sig, key, tag, s->hash, NOISE_HASH);

	if (r == -ENOMEM)
		return refuse(s, r, PEERMSG_E_INTERNAL, "out of memory");
	if (r < 0)
		return refuse(s, -EKEYREJECTED, PEERMSG_E_NOT_YOURS,
		              "the verify's sig does not verify under its key");
	return 0;
}

/*
 * Responder: an intro's object must be valid for us now (proto/introduction.md section 4);
 * the refusal names the verdict, which depends only on the object, our identity and the
 * clock. Its signer is the peer for the answer rule; the session proves nothing more.
 */
static int
check_request_intro(struct session *s)
{
	enum intro_verdict v = INTRO_MALFORMED;
	struct peermsg e = { .type = PEERMSG_ERROR, .code = PEERMSG_E_BAD_INTRO };
	int r;

	if (!s->has_self || s->now == 0)
		return refuse(s, -EPROTO, PEERMSG_E_UNSUPPORTED,
		              "no identity or clock for an intro");
	r = intro_check(s->got->obj, s->got->obj_len, s->self, s->now, &s->got_intro, &v);
	if (r == -ENOMEM)
		return refuse(s, r, PEERMSG_E_INTERNAL, "out of memory");
	if (r < 0) {
		e.text = (char *)intro_verdict_name(v);
		(void)queue_message(s, &e);
		snprintf(s->reason_buf, sizeof(s->reason_buf), "an intro refused: %s", e.text);
		return fail(s, -EPROTO, s->reason_buf);
	}
	return 0;
}

/* Responder: the one request, an offer, a card, a verify or an intro. */
static int
on_request(struct session *s, const uint8_t *msg, size_t len, enum session_event *ev)
{
	const char *why = NULL;
	size_t n = 0;
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
	if (s->got->type == PEERMSG_VERIFY)
		r = check_signed(s, s->got->key, SAS_ID_I_TAG);
	else if (s->got->type == PEERMSG_OFFER || s->got->type == PEERMSG_CARD)
		r = check_request_card(s);
	else if (s->got->type == PEERMSG_INTRO)
		r = check_request_intro(s);
	else
		return refuse(s, -EPROTO, PEERMSG_E_UNSUPPORTED,
		              "request is not an offer, card or verify");
	if (r < 0)
		return r;
	s->state = R_ANSWERING;
	*ev = SESSION_EV_REQUEST;
	return 0;
}

/*
 * Initiator of a verify: the responder's nonce, signed by its identity over this session.
 * Only now, with the nonce fixed, does our opening go out; the code is the one both
 * screens will show once the responder has checked the opening against the commitment.
 */
static int
on_verify_nonce(struct session *s, enum session_event *ev)
{
	struct peermsg open = { .type = PEERMSG_VERIFY_OPEN };
	int r = crypt_verify_tagged(s->got->sig, s->got->key, SAS_ID_R_TAG, s->hash, NOISE_HASH);

	if (r < 0)
		return fail(s, r == -ENOMEM ? r : -EKEYREJECTED,
		            "the verify-nonce's sig does not verify under its key");
	memcpy(s->peer_key, s->got->key, CRYPT_SIGN_PK);
	s->has_peer_key = true;
	s->code = sas_code(s->hash, s->request.key, s->peer_key, s->nonce, s->got->nonce);
	peermsg_free(s->got);
	s->got = NULL;
	memcpy(open.nonce, s->nonce, SAS_NONCE);
	if ((r = queue_message(s, &open)) < 0)
		return fail(s, r, "cannot send the opening");
	s->state = I_WAIT_FINAL;
	*ev = SESSION_EV_NONE;
	return 0;
}

/* Initiator: the answer, an ack or an error (or, to a verify, a verify-nonce). */
static int
on_answer(struct session *s, const uint8_t *msg, size_t len, enum session_event *ev)
{
	const char *why = NULL;
	size_t n = 0;
	int r;

	if ((r = unseal(s, msg, len, &n)) < 0)
		return r;
	if ((r = peermsg_decode(s->scratch, n, &s->got, &why)) < 0)
		return fail(s, r == -ENOMEM ? r : -EBADMSG, why ? why : "out of memory");
	if (s->got->type == PEERMSG_VERIFY_NONCE && s->request.type == PEERMSG_VERIFY)
		return on_verify_nonce(s, ev);
	if (s->got->type == PEERMSG_ERROR ||
	    (s->got->type == PEERMSG_ACK && s->request.type != PEERMSG_VERIFY)) {
		s->state = DONE;
		*ev = SESSION_EV_ANSWER;
		return 0;
	}
	return fail(s, -EPROTO, "answer is not one this request takes");
}

/* Initiator of a verify: the responder's last word, ack (the opening matched) or error. */
static int
on_final(struct session *s, const uint8_t *msg, size_t len, enum session_event *ev)
{
	const char *why = NULL;
	size_t n = 0;
	int r;

	if ((r = unseal(s, msg, len, &n)) < 0)
		return r;
	if ((r = peermsg_decode(s->scratch, n, &s->got, &why)) < 0)
		return fail(s, r == -ENOMEM ? r : -EBADMSG, why ? why : "out of memory");
	if (s->got->type != PEERMSG_ACK && s->got->type != PEERMSG_ERROR)
		return fail(s, -EPROTO, "the last answer is not an ack or error");
	s->has_code = s->got->type == PEERMSG_ACK;
	s->state = DONE;
	*ev = SESSION_EV_ANSWER;
	return 0;
}

/*
 * Responder of a verify: the initiator's opening. It must be the nonce committed to in the
 * request, or someone is searching for a code (bad-commit, and no code at all).
 */
static int
on_open(struct session *s, const uint8_t *msg, size_t len, enum session_event *ev)
{
	struct peermsg *open = NULL, ack = { .type = PEERMSG_ACK };
	uint8_t commit[SAS_NONCE];
	const char *why = NULL;
	size_t n = 0;
	int r;

	if ((r = unseal(s, msg, len, &n)) < 0)
		return r;
	r = peermsg_decode(s->scratch, n, &open, &why);
	if (r == -ENOMEM)
		return refuse(s, r, PEERMSG_E_INTERNAL, "out of memory");
	if (r == -EPROTONOSUPPORT || (r == 0 && open->type != PEERMSG_VERIFY_OPEN)) {
		peermsg_free(open);
		return refuse(s, -EPROTO, PEERMSG_E_UNSUPPORTED, "not a verify-open");
	}
	if (r < 0)
		return refuse(s, -EBADMSG, PEERMSG_E_MALFORMED, why);
	sas_commit(commit, s->hash, open->nonce);
	if (crypt_equal(commit, s->got->commit, SAS_NONCE) != 0) {
		peermsg_free(open);
		return refuse(s, -EKEYREJECTED, PEERMSG_E_BAD_COMMIT,
		              "the opening does not match the commitment");
	}
	s->code = sas_code(s->hash, s->got->key, s->own_key, open->nonce, s->nonce);
	peermsg_free(open);
	if ((r = queue_message(s, &ack)) < 0)
		return fail(s, r, "cannot send the answer");
	s->has_code = true;
	s->state = DONE;
	*ev = SESSION_EV_VERIFIED;
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
	case I_WAIT_FINAL:
		return on_final(s, msg, len, ev);
	case R_WAIT_OPEN:
		return on_open(s, msg, len, ev);
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
			/* Bytes that came with the request, before any answer: the peer broke 9.1,
			 * and its request is not taken (proto/session.md). */
			if ((s->state == R_WAIT_REQUEST || s->state == R_WAIT_OPEN) && *used < len)
				return fail(s, -EPROTO, "bytes after the request");
			/* A verify-nonce is followed by nothing until our opening (9.7). */
			if (s->state == I_WAIT_ANSWER && s->request.type == PEERMSG_VERIFY &&
			    *used < len)
				return fail(s, -EPROTO, "bytes after the verify-nonce");
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
	if (answer->type != PEERMSG_ERROR &&
	    (answer->type != PEERMSG_ACK || s->got->type == PEERMSG_VERIFY))
		return -EINVAL;
	if ((r = queue_message(s, answer)) < 0)
		return r == -EINVAL ? r : fail(s, r, "cannot send the answer");
	s->state = DONE;
	return 0;
}

int
session_verify_reply(struct session *s, const struct identity *id)
{
	struct peermsg m = { .type = PEERMSG_VERIFY_NONCE };
	int r;

	if (s->state != R_ANSWERING || s->got->type != PEERMSG_VERIFY)
		return -EPROTO;
	memcpy(m.key, id->sign_pk, CRYPT_SIGN_PK);
	memcpy(m.nonce, s->nonce, SAS_NONCE);
	if ((r = crypt_sign_tagged(m.sig, id->sign_sk, SAS_ID_R_TAG, s->hash, NOISE_HASH)) < 0 ||
	    (r = queue_message(s, &m)) < 0)
		return fail(s, r, "cannot send the verify-nonce");
	memcpy(s->own_key, id->sign_pk, CRYPT_SIGN_PK);
	s->state = R_WAIT_OPEN;
	return 0;
}

int
session_verify_code(const struct session *s, uint32_t *code)
{
	if (s->state != DONE || !s->has_code)
		return -EPROTO;
	*code = s->code;
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
session_peer_static(const struct session *s)
{
	return s->has_peer_static && s->state != FAILED ? s->peer_static : NULL;
}

/* Whether a responder holds a request that passed every check. */
static bool
has_request(const struct session *s)
{
	return s->role == SESSION_RESPONDER &&
	       (s->state == R_ANSWERING || s->state == R_WAIT_OPEN || s->state == DONE);
}

const uint8_t *
session_peer(const struct session *s)
{
	if (s->role == SESSION_INITIATOR)
		return s->has_peer_key && s->state != FAILED ? s->peer_key : NULL;
	if (!has_request(s))
		return NULL;
	if (s->got->type == PEERMSG_VERIFY)
		return s->got->key;
	return session_request_card(s)->key;
}

const struct peermsg *
session_request(const struct session *s)
{
	return has_request(s) ? s->got : NULL;
}

const struct card *
session_request_card(const struct session *s)
{
	if (!has_request(s))
		return NULL;
	return s->got_intro != NULL ? s->got_intro->from : s->got_card;
}

const struct intro *
session_request_intro(const struct session *s)
{
	return has_request(s) ? s->got_intro : NULL;
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
