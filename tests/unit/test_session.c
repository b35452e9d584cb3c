/*
 * session: whole exchanges between two in-memory sessions (offer/ack, card/ack, errors),
 * the handshake sizes and empty payloads of version 2, the expected responder static,
 * the handover signature (foreign cards, requests signed over another session, missing or
 * short sig and rk), tampering with every byte on the wire, replays, framing limits, a
 * prober that looks for the responder's identity, and a peer that says what a session
 * never would (a raw Noise peer).
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "rawpeer.h"
#include "testutil.h"
#include "wallflower/intro.h"
#include "wallflower/session.h"
#include "wallflower/wire.h"

#define ISSUED 1790000000

static struct identity *ida, *idb, *idc; /* initiator, responder, a third party */
static uint8_t *card_a, *card_c;
static size_t card_a_len, card_c_len;

/* Presence keys: secrets and public keys of A, B and C. */
static uint8_t pa[32], pb[32], pc[32], pa_pk[32], pb_pk[32], pc_pk[32];
static uint8_t rk_a[PEERMSG_RK_LEN];

static const uint8_t eph_a[32] = { 0xa1, 1, 2, 3 }, eph_b[32] = { 0xb1, 4, 5, 6 };

static void
issue(const struct identity *id, const char *name, uint64_t expires, uint8_t **env, size_t *len)
{
	struct card_fields f;
	struct card_meta meta = { .rev = 1, .issued = ISSUED, .expires = expires };
	struct card_error err;

	card_fields_init(&f);
	f.text[CARD_NAME] = strdup(name);
	assert_int_equal(card_issue(&f, &meta, id->sign_sk, env, len, &err), 0);
	card_fields_clear(&f);
}

/* An initiator that is A, with A's presence key. */
static struct session *
initiator_with(const struct peermsg *req, const struct session_config *extra)
{
	struct session_config cfg = *extra;
	struct session *s;

	cfg.role = SESSION_INITIATOR;
	cfg.static_sk = pa;
	cfg.id = ida;
	cfg.request = req;
	assert_int_equal(session_new(&cfg, &s), 0);
	return s;
}

static struct session *
initiator(const struct peermsg *req, const uint8_t *expect, const uint8_t *eph)
{
	struct session_config cfg = { .expect_static = expect, .ephemeral = eph };

	return initiator_with(req, &cfg);
}

/* A responder with B's presence key. It is given B's identity, which it must ignore. */
static struct session *
responder_at(const uint8_t *eph, uint64_t now)
{
	struct session_config cfg = {
		.role = SESSION_RESPONDER, .static_sk = pb, .id = idb, .ephemeral = eph, .now = now
	};
	struct session *s;

	assert_int_equal(session_new(&cfg, &s), 0);
	return s;
}

static struct session *
responder(const uint8_t *eph)
{
	return responder_at(eph, 0);
}

static struct peermsg
offer(void)
{
	struct peermsg m = { .type = PEERMSG_OFFER,
		             .card = card_a,
		             .card_len = card_a_len,
		             .note = (char *)"Loved your talk",
		             .reply = true,
		             .port = 47001 };

	memcpy(m.rk, rk_a, sizeof(m.rk));
	return m;
}

#define EV(e) (1u << (e))

/*
 * Moves everything `from` has queued into `to`, chunk bytes per call. Returns 0 or the
 * first error of `to`; *events collects the events `to` reported.
 */
static int
pump(struct session *from, struct session *to, size_t chunk, unsigned *events)
{
	const uint8_t *data;
	size_t n = session_output(from, &data), fed = 0;

	while (fed < n) {
		size_t step = n - fed < chunk ? n - fed : chunk, used;
		enum session_event ev;
		int r = session_input(to, data + fed, step, &used, &ev);

		if (r < 0)
			return r;
		if (ev != SESSION_EV_NONE)
			*events |= EV(ev);
		fed += used;
	}
	session_output_done(from, n);
	return 0;
}

/* A whole exchange, with A expecting B's presence key. */
static void
exchange(const struct peermsg *req, const struct peermsg *answer, size_t chunk,
         const struct peermsg **got_answer, struct session **pa_out, struct session **pb_out)
{
	struct session *a = initiator(req, pb_pk, NULL), *b = responder(NULL);
	unsigned ea = 0, eb = 0;

	assert_int_equal(pump(a, b, chunk, &eb), 0); /* msg1 */
	assert_int_equal(eb, 0);
	assert_null(session_peer_static(a));
	assert_int_equal(pump(b, a, chunk, &ea), 0); /* msg2 */
	assert_int_equal(ea, EV(SESSION_EV_ESTABLISHED));
	assert_memory_equal(session_peer_static(a), pb_pk, 32);
	assert_null(session_peer_static(b));
	assert_int_equal(pump(a, b, chunk, &eb), 0); /* msg3 + request */
	assert_int_equal(eb, EV(SESSION_EV_ESTABLISHED) | EV(SESSION_EV_REQUEST));
	assert_int_equal(session_answer(b, answer), 0);
	assert_int_equal(pump(b, a, chunk, &ea), 0); /* answer */
	assert_true(ea & EV(SESSION_EV_ANSWER));
	*got_answer = session_answer_msg(a);
	assert_non_null(*got_answer);
	*pa_out = a;
	*pb_out = b;
}

static void
test_session_offer_ack_exchange(void **state)
{
	static const size_t chunks[] = { 1, 3, 100, SIZE_MAX };
	struct peermsg req = offer(), ack = { .type = PEERMSG_ACK };

	(void)state;
	for (size_t i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
		const struct peermsg *got;
		const struct card *card;
		struct session *a, *b;
		uint8_t ha[NOISE_HASH], hb[NOISE_HASH];

		exchange(&req, &ack, chunks[i], &got, &a, &b);
		assert_int_equal(got->type, PEERMSG_ACK);
		/* The responder learns A's presence key and, from the request, A's identity;
		 * the initiator learns B's presence key and nothing else. */
		assert_memory_equal(session_peer_static(a), pb_pk, 32);
		assert_memory_equal(session_peer_static(b), pa_pk, 32);
		assert_null(session_peer(a));
		assert_memory_equal(session_peer(b), ida->sign_pk, 32);
		assert_int_equal(session_request(b)->type, PEERMSG_OFFER);
		assert_string_equal(session_request(b)->note, "Loved your talk");
		assert_int_equal(session_request(b)->port, 47001);
		assert_memory_equal(session_request(b)->rk, rk_a, PEERMSG_RK_LEN);
		card = session_request_card(b);
		assert_non_null(card);
		assert_string_equal(card->f.text[CARD_NAME], "Ada");
		assert_memory_equal(card->key, ida->sign_pk, 32);
		assert_int_equal(session_handshake_hash(a, ha), 0);
		assert_int_equal(session_handshake_hash(b, hb), 0);
		assert_memory_equal(ha, hb, NOISE_HASH);
		/* The sig is the card key's over the tag and this session's h. */
		assert_int_equal(crypt_verify_tagged(session_request(b)->sig, ida->sign_pk,
		                                     SESSION_HANDOVER_TAG, hb, NOISE_HASH),
		                 0);
		assert_true(session_finished(a) && session_finished(b));
		assert_false(session_failed(a) || session_failed(b));
		session_free(a);
		session_free(b);
	}
}

static void
test_session_card_ack_exchange(void **state)
{
	struct peermsg req = { .type = PEERMSG_CARD, .card = card_a, .card_len = card_a_len };
	struct peermsg ack = { .type = PEERMSG_ACK };
	const struct peermsg *got;
	struct session *a, *b;

	(void)state;
	memcpy(req.rk, rk_a, sizeof(req.rk));
	peermsg_offer_id(card_c, card_c_len, req.re);
	exchange(&req, &ack, SIZE_MAX, &got, &a, &b);
	assert_int_equal(session_request(b)->type, PEERMSG_CARD);
	assert_memory_equal(session_request(b)->re, req.re, PEERMSG_ID_LEN);
	assert_memory_equal(session_request(b)->rk, rk_a, PEERMSG_RK_LEN);
	assert_memory_equal(session_peer(b), ida->sign_pk, 32);
	assert_int_equal(got->type, PEERMSG_ACK);
	session_free(a);
	session_free(b);
}

static void
test_session_error_answer(void **state)
{
	struct peermsg req = offer();
	struct peermsg busy = { .type = PEERMSG_ERROR, .code = PEERMSG_E_BUSY };
	const struct peermsg *got;
	struct session *a, *b;

	(void)state;
	exchange(&req, &busy, 17, &got, &a, &b);
	assert_int_equal(got->type, PEERMSG_ERROR);
	assert_int_equal(got->code, PEERMSG_E_BUSY);
	session_free(a);
	session_free(b);
}

/* Version 2's handshake carries no payload: its frames are exactly 2 + 32, 2 + 96, 2 + 64. */
static void
test_session_handshake_sizes(void **state)
{
	struct peermsg req = offer();
	struct session *a = initiator(&req, NULL, NULL), *b = responder(NULL);
	const uint8_t *d;
	size_t n;
	unsigned ev = 0;

	(void)state;
	assert_int_equal(session_output(a, &d), 2 + 32);
	assert_int_equal(pump(a, b, SIZE_MAX, &ev), 0);
	assert_int_equal(session_output(b, &d), 2 + 96);
	assert_int_equal(d[0] << 8 | d[1], 96);
	assert_int_equal(pump(b, a, SIZE_MAX, &ev), 0);
	n = session_output(a, &d);
	assert_true(n > 2 + 64);
	assert_int_equal(d[0] << 8 | d[1], 64); /* message 3, then the request's frame */
	session_free(a);
	session_free(b);
}

/*
 * Every byte of every step of an exchange, flipped: the exchange must not complete. Fixed
 * ephemerals make every run put the same bytes on the wire, so step k of a fresh run is
 * the recorded one, and byte b of it can be flipped on its way.
 */
static void
test_session_tamper_every_byte(void **state)
{
	struct peermsg req = offer(), ack = { .type = PEERMSG_ACK };
	size_t step_len[4] = { 0 };

	(void)state;
	/* Record the step sizes of a clean run. */
	{
		struct session *a = initiator(&req, NULL, eph_a), *b = responder(eph_b);
		struct session *from[4] = { a, b, a, b }, *to[4] = { b, a, b, a };
		const uint8_t *d;
		unsigned ev = 0;

		for (int k = 0; k < 4; k++) {
			if (k == 3)
				assert_int_equal(session_answer(b, &ack), 0);
			step_len[k] = session_output(from[k], &d);
			assert_int_equal(pump(from[k], to[k], SIZE_MAX, &ev), 0);
		}
		session_free(a);
		session_free(b);
	}
	for (int k = 0; k < 4; k++) {
		for (size_t byte = 0; byte < step_len[k]; byte++) {
			struct session *a = initiator(&req, NULL, eph_a), *b = responder(eph_b);
			struct session *from[4] = { a, b, a, b }, *to[4] = { b, a, b, a };
			unsigned ea = 0, eb = 0;
			int r = 0;

			for (int j = 0; j < 4 && r == 0; j++) {
				const uint8_t *d;
				unsigned *ev = to[j] == a ? &ea : &eb;

				if (j == 3 && session_answer(b, &ack) < 0)
					break;
				if (j == k) {
					session_output(from[j], &d);
					((uint8_t *)d)[byte] ^= 0x01;
				}
				r = pump(from[j], to[j], SIZE_MAX, ev);
			}
			if (ea & EV(SESSION_EV_ANSWER))
				fail_msg("step %d byte %zu flipped: the initiator got an answer", k,
				         byte);
			if (k < 3 && (eb & EV(SESSION_EV_REQUEST)))
				fail_msg("step %d byte %zu flipped: the responder took a request",
				         k, byte);
			session_free(a);
			session_free(b);
		}
	}
}

/* The raw peer's handshake up to (not including) the step that carries a payload. */
static void
test_session_payload_in_msg1_refused(void **state)
{
	struct session *b = responder(NULL);
	struct rawpeer ra;
	uint8_t frame[SESSION_FRAME_MAX + 2];
	const uint8_t *d;
	size_t used;
	enum session_event ev;
	int len;

	(void)state;
	assert_int_equal(rawpeer_init(&ra, NOISE_INITIATOR, pa, NULL), 0);
	ra.payload = (const uint8_t *)"hi";
	ra.payload_len = 2;
	len = rawpeer_hs_out(&ra, frame);
	assert_true(len > 0);
	assert_int_equal(session_input(b, frame, (size_t)len, &used, &ev), -EBADMSG);
	assert_true(session_failed(b));
	assert_int_equal(session_output(b, &d), 0); /* no message 2 */
	assert_string_equal(session_reason(b), "message 1 has a payload");
	rawpeer_free(&ra);
	session_free(b);
}

/* A responder that puts anything in message 2 (as a version 1 hello did): the initiator
 * fails and never sends message 3, so its static key and request stay unsent. */
static void
test_session_payload_in_msg2_refused(void **state)
{
	static const uint8_t one[1] = { 0x80 };
	struct peermsg req = offer();
	struct session *a = initiator(&req, NULL, NULL);
	struct rawpeer rb;
	uint8_t frame[SESSION_FRAME_MAX + 2];
	const uint8_t *d;
	size_t n = session_output(a, &d), used;
	enum session_event ev;
	int len;

	(void)state;
	assert_int_equal(rawpeer_init(&rb, NOISE_RESPONDER, pb, NULL), 0);
	assert_int_equal(rawpeer_hs_in(&rb, d, n), 0);
	session_output_done(a, n);
	rb.payload = one;
	rb.payload_len = 1;
	len = rawpeer_hs_out(&rb, frame);
	assert_true(len > 0);
	assert_int_equal(session_input(a, frame, (size_t)len, &used, &ev), -EBADMSG);
	assert_true(session_failed(a));
	assert_int_equal(session_output(a, &d), 0);
	assert_null(session_peer_static(a));
	assert_string_equal(session_reason(a), "message 2 has a payload");
	rawpeer_free(&rb);
	session_free(a);
}

static void
test_session_payload_in_msg3_refused(void **state)
{
	static const uint8_t one[1] = { 0x80 };
	struct session *b = responder(NULL);
	struct rawpeer ra;
	uint8_t frame[SESSION_FRAME_MAX + 2];
	const uint8_t *d;
	size_t n, used;
	enum session_event ev;
	int len;

	(void)state;
	assert_int_equal(rawpeer_init(&ra, NOISE_INITIATOR, pa, NULL), 0);
	len = rawpeer_hs_out(&ra, frame);
	assert_int_equal(session_input(b, frame, (size_t)len, &used, &ev), 0);
	n = session_output(b, &d);
	assert_int_equal(rawpeer_hs_in(&ra, d, n), 0);
	session_output_done(b, n);
	ra.payload = one;
	ra.payload_len = 1;
	len = rawpeer_hs_out(&ra, frame);
	assert_int_equal(session_input(b, frame, (size_t)len, &used, &ev), -EBADMSG);
	assert_int_equal(ev, SESSION_EV_NONE);
	assert_true(session_failed(b));
	assert_int_equal(session_output(b, &d), 0); /* no error message either */
	assert_null(session_peer_static(b));
	assert_int_equal(session_handshake_hash(b, (uint8_t[NOISE_HASH]){ 0 }), -EPROTO);
	assert_string_equal(session_reason(b), "message 3 has a payload");
	rawpeer_free(&ra);
	session_free(b);
}

/* An initiator that expects C's presence key stops at message 2 when B answers. */
static void
test_session_expect_static_wrong(void **state)
{
	struct peermsg req = offer();
	struct session *a = initiator(&req, pc_pk, NULL), *b = responder(NULL);
	const uint8_t *d;
	unsigned ev = 0;

	(void)state;
	assert_int_equal(pump(a, b, SIZE_MAX, &ev), 0);
	assert_int_equal(pump(b, a, SIZE_MAX, &ev), -EKEYREJECTED);
	assert_int_equal(ev, 0);
	assert_int_equal(session_output(a, &d), 0); /* message 3 never written */
	assert_true(session_failed(a));
	assert_string_equal(session_reason(a), "the responder is not the peer expected");
	assert_int_equal(session_handshake_hash(a, (uint8_t[NOISE_HASH]){ 0 }), -EPROTO);
	session_free(a);
	session_free(b);
}

struct check_log {
	int calls;
	uint8_t seen[32];
	int verdict;
};

static int
check_cb(void *arg, const uint8_t pk[NOISE_KEY])
{
	struct check_log *log = arg;

	log->calls++;
	memcpy(log->seen, pk, 32);
	return log->verdict;
}

/* check_static: called once with the responder's key between messages 2 and 3; a refusal
 * stops the initiator as a wrong expect_static does; with both set, both must pass. */
static void
test_session_check_static(void **state)
{
	static const struct {
		const uint8_t *expect;
		int verdict, calls, ok;
	} cases[] = {
		{ NULL, 0, 1, 1 },  { NULL, -1, 1, 0 },  { NULL, 1, 1, 0 },
		{ pb_pk, 0, 1, 1 }, { pb_pk, -1, 1, 0 }, { pc_pk, 0, 0, 0 },
	};
	struct peermsg req = offer();

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct check_log log = { .verdict = cases[i].verdict };
		struct session_config cfg = { .expect_static = cases[i].expect,
			                      .check_static = check_cb,
			                      .check_arg = &log };
		struct session *a = initiator_with(&req, &cfg), *b = responder(NULL);
		const uint8_t *d;
		unsigned ea = 0, eb = 0;
		int r;

		assert_int_equal(pump(a, b, SIZE_MAX, &eb), 0);
		r = pump(b, a, SIZE_MAX, &ea);
		if (log.calls != cases[i].calls)
			fail_msg("case %zu: check called %d times", i, log.calls);
		if (log.calls > 0)
			assert_memory_equal(log.seen, pb_pk, 32);
		if (cases[i].ok) {
			assert_int_equal(r, 0);
			assert_int_equal(ea, EV(SESSION_EV_ESTABLISHED));
			assert_int_equal(pump(a, b, SIZE_MAX, &eb), 0);
			assert_true(eb & EV(SESSION_EV_REQUEST));
		} else {
			assert_int_equal(r, -EKEYREJECTED);
			assert_int_equal(session_output(a, &d), 0);
			assert_int_equal(ea, 0);
		}
		session_free(a);
		session_free(b);
	}
}

/* A handing over C's card: A's signature does not verify under C's key (not-yours). */
static void
test_session_wrong_card_key(void **state)
{
	struct peermsg req = { .type = PEERMSG_OFFER, .card = card_c, .card_len = card_c_len };
	struct session *a = initiator(&req, NULL, NULL), *b = responder(NULL);
	unsigned ea = 0, eb = 0;

	(void)state;
	assert_int_equal(pump(a, b, SIZE_MAX, &eb), 0);
	assert_int_equal(pump(b, a, SIZE_MAX, &ea), 0);
	assert_int_equal(pump(a, b, SIZE_MAX, &eb), -EKEYREJECTED);
	assert_false(eb & EV(SESSION_EV_REQUEST));
	assert_null(session_request(b));
	assert_null(session_peer(b));
	assert_int_equal(pump(b, a, SIZE_MAX, &ea), 0);
	assert_int_equal(session_answer_msg(a)->type, PEERMSG_ERROR);
	assert_int_equal(session_answer_msg(a)->code, PEERMSG_E_NOT_YOURS);
	session_free(a);
	session_free(b);
}

static void
test_session_bad_card(void **state)
{
	static uint8_t junk[] = { 0x92, 0xc4, 0x01, 0x80, 0xc4, 0x01, 0x00 };
	struct peermsg req = { .type = PEERMSG_OFFER, .card = junk, .card_len = sizeof(junk) };
	struct session *a = initiator(&req, NULL, NULL), *b = responder(NULL);
	unsigned ea = 0, eb = 0;

	(void)state;
	assert_int_equal(pump(a, b, SIZE_MAX, &eb), 0);
	assert_int_equal(pump(b, a, SIZE_MAX, &ea), 0);
	assert_int_equal(pump(a, b, SIZE_MAX, &eb), -EPROTO);
	assert_int_equal(pump(b, a, SIZE_MAX, &ea), 0);
	assert_int_equal(session_answer_msg(a)->code, PEERMSG_E_BAD_CARD);
	session_free(a);
	session_free(b);
}

/* A responder that knows the time refuses an expired card; one that does not, takes it. */
static void
test_session_expired_card(void **state)
{
	uint8_t *old;
	size_t old_len;

	(void)state;
	issue(ida, "Ada", ISSUED + 60, &old, &old_len);
	for (int knows_time = 0; knows_time < 2; knows_time++) {
		struct peermsg req = { .type = PEERMSG_OFFER, .card = old, .card_len = old_len };
		struct session *a = initiator(&req, NULL, NULL);
		struct session *b = responder_at(NULL, knows_time ? ISSUED + 3600 : 0);
		unsigned ea = 0, eb = 0;

		assert_int_equal(pump(a, b, SIZE_MAX, &eb), 0);
		assert_int_equal(pump(b, a, SIZE_MAX, &ea), 0);
		if (knows_time) {
			assert_int_equal(pump(a, b, SIZE_MAX, &eb), -EPROTO);
			assert_int_equal(pump(b, a, SIZE_MAX, &ea), 0);
			assert_int_equal(session_answer_msg(a)->code, PEERMSG_E_BAD_CARD);
		} else {
			assert_int_equal(pump(a, b, SIZE_MAX, &eb), 0);
			assert_true(eb & EV(SESSION_EV_REQUEST));
		}
		session_free(a);
		session_free(b);
	}
	free(old);
}

/* Message 3 (with the request) recorded from one session, replayed into another. */
static void
test_session_replayed_msg3(void **state)
{
	struct peermsg req = offer();
	struct session *a = initiator(&req, NULL, NULL), *b = responder(NULL), *b2;
	uint8_t msg1[256], msg3[SESSION_FRAME_MAX * 2];
	const uint8_t *d;
	size_t n1, n3, used;
	unsigned ev = 0;
	enum session_event e;

	(void)state;
	n1 = session_output(a, &d);
	memcpy(msg1, d, n1);
	assert_int_equal(pump(a, b, SIZE_MAX, &ev), 0);
	assert_int_equal(pump(b, a, SIZE_MAX, &ev), 0);
	n3 = session_output(a, &d);
	memcpy(msg3, d, n3);
	b2 = responder(NULL);
	assert_int_equal(session_input(b2, msg1, n1, &used, &e), 0);
	assert_int_equal(session_input(b2, msg3, n3, &used, &e), -EBADMSG);
	assert_null(session_peer_static(b2));
	assert_null(session_peer(b2));
	session_free(a);
	session_free(b);
	session_free(b2);
}

static void
test_session_input_frame_limits(void **state)
{
	static const uint8_t huge[] = { 0xff, 0xff }, zero[] = { 0x00, 0x00 };
	uint8_t over[2] = { (SESSION_FRAME_MAX + 1) >> 8, (SESSION_FRAME_MAX + 1) & 0xff };
	uint8_t small[12] = { 0x00, 0x0a };
	struct session *b;
	size_t used;
	enum session_event ev;

	(void)state;
	/* Refused as soon as the header is in: no buffering of a body that may not come. */
	b = responder(NULL);
	assert_int_equal(session_input(b, huge, 2, &used, &ev), -EMSGSIZE);
	assert_int_equal(session_input(b, huge, 2, &used, &ev), -EPROTO); /* stays failed */
	session_free(b);
	b = responder(NULL);
	assert_int_equal(session_input(b, zero, 2, &used, &ev), -EMSGSIZE);
	session_free(b);
	b = responder(NULL);
	assert_int_equal(session_input(b, over, 1, &used, &ev), 0);
	assert_int_equal(session_input(b, over + 1, 1, &used, &ev), -EMSGSIZE);
	session_free(b);
	/* A complete frame too short for message 1's ephemeral key. */
	b = responder(NULL);
	assert_int_equal(session_input(b, small, sizeof(small), &used, &ev), -EBADMSG);
	session_free(b);
	/* An incomplete frame just waits. */
	b = responder(NULL);
	small[1] = 32;
	assert_int_equal(session_input(b, small, sizeof(small), &used, &ev), 0);
	assert_int_equal(used, sizeof(small));
	assert_int_equal(ev, SESSION_EV_NONE);
	assert_false(session_finished(b));
	session_free(b);
}

static void
test_session_input_after_exchange(void **state)
{
	struct peermsg req = offer(), ack = { .type = PEERMSG_ACK };
	const struct peermsg *got;
	struct session *a, *b;
	size_t used;
	enum session_event ev;

	(void)state;
	exchange(&req, &ack, SIZE_MAX, &got, &a, &b);
	assert_int_equal(session_input(a, (const uint8_t *)"\x00", 1, &used, &ev), -EPROTO);
	assert_int_equal(session_input(b, (const uint8_t *)"\x00", 1, &used, &ev), -EPROTO);
	session_free(a);
	session_free(b);
}

/* A request with anything after it in the same input is not taken, and not answered: the
 * peer broke the one-request rule before we could answer (proto/session.md 9.1). */
static void
test_session_bytes_with_request(void **state)
{
	struct peermsg req = offer();
	struct session *a = initiator(&req, NULL, NULL), *b = responder(NULL);
	uint8_t buf[SESSION_FRAME_MAX * 2 + 1];
	const uint8_t *d, *out;
	size_t n, fed = 0, used;
	unsigned ev = 0;
	enum session_event e = SESSION_EV_NONE;
	int r = 0;

	(void)state;
	assert_int_equal(pump(a, b, SIZE_MAX, &ev), 0); /* msg1 */
	assert_int_equal(pump(b, a, SIZE_MAX, &ev), 0); /* msg2 */
	n = session_output(a, &d);                      /* msg3 and the request */
	assert_true(n + 1 <= sizeof(buf));
	memcpy(buf, d, n);
	buf[n++] = 0x00; /* one byte more */
	while (fed < n && (r = session_input(b, buf + fed, n - fed, &used, &e)) == 0) {
		assert_int_not_equal(e, SESSION_EV_REQUEST);
		fed += used;
	}
	assert_int_equal(r, -EPROTO);
	assert_null(session_request(b));
	assert_int_equal(session_output(b, &out), 0); /* no answer at all */
	assert_true(session_failed(b));
	session_free(a);
	session_free(b);
}

/*
 * What a raw initiator sends as its request: fixed bytes, or m with a sig made by sign_sk
 * over the tag and sign_h (NULL: this session's h).
 */
struct raw_req {
	const uint8_t *bytes;
	size_t len;
	const struct peermsg *m;
	const uint8_t *sign_sk;
	const uint8_t *sign_h;
};

/*
 * A raw initiator (A's presence key) completes the handshake with a fresh responder, then
 * sends rq. Returns the error code the responder answers with, or 0 when it took the
 * request; *input_result gets what session_input returned. peer, when not NULL, gets
 * session_peer() of a responder that took it.
 */
static int
raw_request(const struct raw_req *rq, int *input_result, uint8_t *peer)
{
	struct session *b = responder_at(NULL, ISSUED + 3600);
	struct rawpeer ra;
	uint8_t frame[SESSION_FRAME_MAX + 2], plain[SESSION_FRAME_MAX], h[NOISE_HASH];
	struct peermsg *answer, m;
	const uint8_t *d, *pt = rq->bytes;
	uint8_t *enc = NULL;
	size_t n, used, len = rq->len;
	enum session_event ev;
	int flen, code = 0;

	assert_int_equal(rawpeer_init(&ra, NOISE_INITIATOR, pa, NULL), 0);
	flen = rawpeer_hs_out(&ra, frame);
	assert_int_equal(session_input(b, frame, (size_t)flen, &used, &ev), 0);
	n = session_output(b, &d);
	assert_int_equal(rawpeer_hs_in(&ra, d, n), 0);
	session_output_done(b, n);
	flen = rawpeer_hs_out(&ra, frame);
	assert_int_equal(session_input(b, frame, (size_t)flen, &used, &ev), 0);
	assert_int_equal(ev, SESSION_EV_ESTABLISHED);
	assert_memory_equal(session_peer_static(b), pa_pk, 32);
	if (rq->m != NULL) {
		assert_int_equal(rawpeer_hash(&ra, h), 0);
		m = *rq->m;
		assert_int_equal(crypt_sign_tagged(m.sig, rq->sign_sk, SESSION_HANDOVER_TAG,
		                                   rq->sign_h ? rq->sign_h : h, NOISE_HASH),
		                 0);
		assert_int_equal(peermsg_encode(&m, &enc, &len), 0);
		pt = enc;
	}
	flen = rawpeer_seal(&ra, pt, len, frame);
	*input_result = session_input(b, frame, (size_t)flen, &used, &ev);
	if (*input_result == 0) {
		assert_int_equal(ev, SESSION_EV_REQUEST);
		assert_non_null(session_peer(b));
		if (peer != NULL)
			memcpy(peer, session_peer(b), 32);
	} else {
		assert_null(session_peer(b));
		assert_null(session_request(b));
	}
	if ((n = session_output(b, &d)) > 0) {
		int plen = rawpeer_open(&ra, d, n, plain);

		assert_true(plen > 0);
		assert_int_equal(peermsg_decode(plain, (size_t)plen, &answer, NULL), 0);
		assert_int_equal(answer->type, PEERMSG_ERROR);
		code = answer->code;
		peermsg_free(answer);
	}
	free(enc);
	rawpeer_free(&ra);
	session_free(b);
	return code;
}

static void
test_session_request_refusals(void **state)
{
	struct peermsg ack = { .type = PEERMSG_ACK };
	struct raw_req rq = { 0 };
	uint8_t *pt;
	size_t len;
	int r;

	(void)state;
	assert_int_equal(peermsg_encode(&ack, &pt, &len), 0);
	rq = (struct raw_req){ .bytes = pt, .len = len };
	assert_int_equal(raw_request(&rq, &r, NULL), PEERMSG_E_UNSUPPORTED);
	assert_int_equal(r, -EPROTO);
	free(pt);
	rq = (struct raw_req){ .bytes = (const uint8_t *)"\xc1", .len = 1 };
	assert_int_equal(raw_request(&rq, &r, NULL), PEERMSG_E_MALFORMED);
	assert_int_equal(r, -EBADMSG);
	/* {t: "hello"} */
	rq = (struct raw_req){ .bytes = (const uint8_t *)"\x81\xa1t\xa5hello", .len = 9 };
	assert_int_equal(raw_request(&rq, &r, NULL), PEERMSG_E_UNSUPPORTED);
	/* An empty transport message is malformed too. */
	rq = (struct raw_req){ .bytes = (const uint8_t *)"", .len = 0 };
	assert_int_equal(raw_request(&rq, &r, NULL), PEERMSG_E_MALFORMED);
}

/* The raw path itself takes a well-signed request, so that the refusals below are the
 * signature's doing. */
static void
test_session_raw_request_valid(void **state)
{
	struct peermsg m = offer();
	struct raw_req rq = { .m = &m, .sign_sk = ida->sign_sk };
	uint8_t peer[32];
	int r;

	(void)state;
	assert_int_equal(raw_request(&rq, &r, peer), 0);
	assert_int_equal(r, 0);
	assert_memory_equal(peer, ida->sign_pk, 32);
	/* Carol's card signed by Carol, from A's presence key: taken, and the signer is C.
	 * (The presence key says nothing about who someone is.) */
	m.card = card_c;
	m.card_len = card_c_len;
	rq.sign_sk = idc->sign_sk;
	assert_int_equal(raw_request(&rq, &r, peer), 0);
	assert_memory_equal(peer, idc->sign_pk, 32);
}

/* A card signed by another key than the sig's: not-yours. */
static void
test_session_sig_wrong_key(void **state)
{
	struct peermsg m = offer();
	struct raw_req rq = { .m = &m, .sign_sk = idc->sign_sk };
	int r;

	(void)state;
	assert_int_equal(raw_request(&rq, &r, NULL), PEERMSG_E_NOT_YOURS);
	assert_int_equal(r, -EKEYREJECTED);
	m.card = card_c;
	m.card_len = card_c_len;
	rq.sign_sk = ida->sign_sk;
	assert_int_equal(raw_request(&rq, &r, NULL), PEERMSG_E_NOT_YOURS);
}

/* A request signed over another session's h (a request replayed from elsewhere, or made
 * for someone else): not-yours. */
static void
test_session_sig_other_session(void **state)
{
	struct peermsg req = offer(), ack = { .type = PEERMSG_ACK };
	const struct peermsg *got;
	struct session *a, *b;
	uint8_t other[NOISE_HASH], zero[NOISE_HASH] = { 0 };
	struct raw_req rq = { .m = &req, .sign_sk = ida->sign_sk, .sign_h = other };
	int r;

	(void)state;
	exchange(&req, &ack, SIZE_MAX, &got, &a, &b);
	assert_int_equal(session_handshake_hash(a, other), 0);
	assert_int_equal(raw_request(&rq, &r, NULL), PEERMSG_E_NOT_YOURS);
	assert_int_equal(r, -EKEYREJECTED);
	/* The recorded request of that session itself, sig and all, into a new one. */
	{
		const struct peermsg *old = session_request(b);
		struct peermsg copy = *old;
		uint8_t *pt;
		size_t len;

		assert_int_equal(peermsg_encode(&copy, &pt, &len), 0);
		rq = (struct raw_req){ .bytes = pt, .len = len };
		assert_int_equal(raw_request(&rq, &r, NULL), PEERMSG_E_NOT_YOURS);
		free(pt);
	}
	rq = (struct raw_req){ .m = &req, .sign_sk = ida->sign_sk, .sign_h = zero };
	assert_int_equal(raw_request(&rq, &r, NULL), PEERMSG_E_NOT_YOURS);
	session_free(a);
	session_free(b);
}

/* An offer of card_a with sig and rk of the given lengths (-1: absent). */
static uint8_t *
offer_with(int sig_len, int rk_len, size_t *len)
{
	uint8_t zeros[80] = { 0 }, *buf;
	struct wire_out *w;

	assert_int_equal(wire_out_new(PEERMSG_MAX, &w), 0);
	wire_put_map(w, (uint32_t)(3 + (sig_len >= 0) + (rk_len >= 0)));
	wire_put_cstr(w, "t");
	wire_put_cstr(w, "offer");
	wire_put_cstr(w, "card");
	wire_put_bin(w, card_a, card_a_len);
	if (sig_len >= 0) {
		wire_put_cstr(w, "sig");
		wire_put_bin(w, zeros, (size_t)sig_len);
	}
	if (rk_len >= 0) {
		wire_put_cstr(w, "rk");
		wire_put_bin(w, zeros, (size_t)rk_len);
	}
	wire_put_cstr(w, "reply");
	wire_put_bool(w, false);
	assert_int_equal(wire_out_take(w, &buf, len), 0);
	wire_out_free(w);
	return buf;
}

/* A missing or short sig or rk is malformed (the codec's), before any card check; with
 * both the right size, the zero sig gets as far as the signature check. */
static void
test_session_sig_rk_shape(void **state)
{
	static const struct {
		int sig, rk, code;
	} cases[] = {
		{ -1, 32, PEERMSG_E_MALFORMED }, { 63, 32, PEERMSG_E_MALFORMED },
		{ 0, 32, PEERMSG_E_MALFORMED },  { 65, 32, PEERMSG_E_MALFORMED },
		{ 64, -1, PEERMSG_E_MALFORMED }, { 64, 31, PEERMSG_E_MALFORMED },
		{ 64, 0, PEERMSG_E_MALFORMED },  { 64, 32, PEERMSG_E_NOT_YOURS },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len;
		uint8_t *pt = offer_with(cases[i].sig, cases[i].rk, &len);
		struct raw_req rq = { .bytes = pt, .len = len };
		int r, code = raw_request(&rq, &r, NULL);

		if (code != cases[i].code)
			fail_msg("sig %d rk %d: code %d", cases[i].sig, cases[i].rk, code);
		assert_int_equal(r, code == PEERMSG_E_MALFORMED ? -EBADMSG : -EKEYREJECTED);
		free(pt);
	}
}

/* bad-card comes before not-yours: an expired card with a wrong sig is a bad card. */
static void
test_session_bad_card_before_sig(void **state)
{
	struct peermsg m = offer();
	struct raw_req rq = { .m = &m, .sign_sk = idc->sign_sk };
	uint8_t *old;
	size_t old_len;
	int r;

	(void)state;
	issue(ida, "Ada", ISSUED + 60, &old, &old_len);
	m.card = old;
	m.card_len = old_len;
	assert_int_equal(raw_request(&rq, &r, NULL), PEERMSG_E_BAD_CARD);
	assert_int_equal(r, -EPROTO);
	free(old);
}

/* Whether needle occurs in hay. */
static bool
contains(const uint8_t *hay, size_t n, const uint8_t *needle, size_t k)
{
	return memmem(hay, n, needle, k) != NULL;
}

/*
 * The prober: anyone can connect to a responder and run the handshake, so what the
 * responder sends must not say who it is. Its output holds neither its identity key nor
 * anything from which a key could be read: message 2 has an empty payload, and its
 * answers, opened, are fixed messages.
 */
static void
test_session_prober_learns_no_identity(void **state)
{
	(void)state;
	for (int took = 0; took < 2; took++) {
		struct session *b = responder(NULL);
		struct rawpeer ra;
		uint8_t frame[SESSION_FRAME_MAX + 2], plain[SESSION_FRAME_MAX], h[NOISE_HASH];
		uint8_t wire[4096], *pt;
		struct peermsg m = offer(), ack = { .type = PEERMSG_ACK };
		const uint8_t *d;
		size_t n, used, wn = 0, len;
		enum session_event ev;
		int flen, plen;

		assert_int_equal(rawpeer_init(&ra, NOISE_INITIATOR, pc, NULL), 0);
		flen = rawpeer_hs_out(&ra, frame);
		assert_int_equal(session_input(b, frame, (size_t)flen, &used, &ev), 0);
		n = session_output(b, &d);
		memcpy(wire + wn, d, n);
		wn += n;
		assert_int_equal(rawpeer_hs_in(&ra, d, n), 0);
		assert_int_equal(ra.got_len, 0); /* nothing in message 2 */
		session_output_done(b, n);
		flen = rawpeer_hs_out(&ra, frame);
		assert_int_equal(session_input(b, frame, (size_t)flen, &used, &ev), 0);
		/* C's card, well signed (taken, then acked), or A's card signed by C (refused). */
		assert_int_equal(rawpeer_hash(&ra, h), 0);
		if (took) {
			m.card = card_c;
			m.card_len = card_c_len;
		}
		assert_int_equal(
		        crypt_sign_tagged(m.sig, idc->sign_sk, SESSION_HANDOVER_TAG, h, NOISE_HASH),
		        0);
		assert_int_equal(peermsg_encode(&m, &pt, &len), 0);
		flen = rawpeer_seal(&ra, pt, len, frame);
		free(pt);
		assert_int_equal(session_input(b, frame, (size_t)flen, &used, &ev),
		                 took ? 0 : -EKEYREJECTED);
		if (took) {
			assert_int_equal(ev, SESSION_EV_REQUEST);
			assert_int_equal(session_answer(b, &ack), 0);
		}
		n = session_output(b, &d);
		assert_true(n > 0 && wn + n <= sizeof(wire));
		memcpy(wire + wn, d, n);
		wn += n;
		plen = rawpeer_open(&ra, d, n, plain);
		assert_true(plen > 0);
		assert_false(contains(wire, wn, idb->sign_pk, 32));
		assert_false(contains(plain, (size_t)plen, idb->sign_pk, 32));
		/* and not even a part of it: 8 bytes from anywhere in the key */
		for (size_t i = 0; i + 8 <= 32; i++) {
			assert_false(contains(wire, wn, idb->sign_pk + i, 8));
			assert_false(contains(plain, (size_t)plen, idb->sign_pk + i, 8));
		}
		if (took)
			assert_memory_equal(plain,
			                    "\x81\xa1t\xa3"
			                    "ack",
			                    7);
		else
			assert_int_equal(plain[0], 0x82); /* {t: error, code}: no msg */
		rawpeer_free(&ra);
		session_free(b);
	}
}

static void
test_session_misuse(void **state)
{
	struct peermsg ack = { .type = PEERMSG_ACK }, req = offer();
	struct session_config cfg = {
		.role = SESSION_INITIATOR, .static_sk = pa, .id = ida, .request = &ack
	};
	struct session *s;

	(void)state;
	assert_int_equal(session_new(&cfg, &s), -EINVAL); /* an ack is no request */
	assert_null(s);
	cfg.request = NULL;
	assert_int_equal(session_new(&cfg, &s), -EINVAL);
	cfg.request = &req;
	cfg.id = NULL; /* nobody to sign it */
	assert_int_equal(session_new(&cfg, &s), -EINVAL);
	cfg.id = ida;
	cfg.static_sk = NULL;
	assert_int_equal(session_new(&cfg, &s), -EINVAL);
	cfg = (struct session_config){ .role = SESSION_RESPONDER };
	assert_int_equal(session_new(&cfg, &s), -EINVAL);
	/* A responder needs no identity. */
	cfg.static_sk = pb;
	assert_int_equal(session_new(&cfg, &s), 0);
	assert_int_equal(session_answer(s, &ack), -EPROTO);
	assert_null(session_peer(s));
	assert_null(session_peer_static(s));
	assert_null(session_request(s));
	assert_int_equal(session_handshake_hash(s, (uint8_t[NOISE_HASH]){ 0 }), -EPROTO);
	session_free(s);
	{
		const struct peermsg *got;
		struct session *a, *b;
		struct peermsg busy = { .type = PEERMSG_ERROR, .code = PEERMSG_E_BUSY };

		exchange(&req, &busy, SIZE_MAX, &got, &a, &b);
		assert_int_equal(session_answer(b, &busy), -EPROTO); /* only one answer */
		session_free(a);
		session_free(b);
	}
	session_free(NULL);
}

/* session_new copies the request: the caller may free or change its own at once. */
static void
test_session_new_copies_request(void **state)
{
	struct peermsg req = offer(), ack = { .type = PEERMSG_ACK };
	struct session *a, *b = responder(NULL);
	uint8_t *card = malloc(card_a_len);
	char *note = strdup("Loved your talk");
	unsigned ev = 0;

	(void)state;
	memcpy(card, card_a, card_a_len);
	req.card = card;
	req.note = note;
	a = initiator(&req, NULL, NULL);
	memset(card, 0, card_a_len);
	free(card);
	memset(note, 'x', strlen(note));
	free(note);
	memset(&req, 0, sizeof(req));
	assert_int_equal(pump(a, b, SIZE_MAX, &ev), 0);
	assert_int_equal(pump(b, a, SIZE_MAX, &ev), 0);
	assert_int_equal(pump(a, b, SIZE_MAX, &ev), 0);
	assert_true(ev & EV(SESSION_EV_REQUEST));
	assert_string_equal(session_request(b)->note, "Loved your talk");
	assert_int_equal(session_answer(b, &ack), 0);
	session_free(a);
	session_free(b);
}

static uint8_t *
jhex(json_t *o, const char *key, size_t *len)
{
	const char *s = json_string_value(json_object_get(o, key));

	assert_non_null(s);
	return tu_unhex(s, len);
}

/* A transcript party: its identity, presence secret, ephemeral and rk. */
struct tparty {
	struct identity *id;
	uint8_t *presence, *presence_pk, *eph, *rk;
};

static void
party(json_t *p, struct tparty *t)
{
	size_t n;
	uint8_t *seed = jhex(p, "sign_seed", &n), pk[32];

	assert_int_equal(identity_from_seed(seed, &t->id), 0);
	free(seed);
	t->presence = jhex(p, "presence_secret", &n);
	assert_int_equal(n, 32);
	t->presence_pk = jhex(p, "presence_pk", &n);
	assert_int_equal(crypt_dh_public(pk, t->presence), 0);
	assert_memory_equal(pk, t->presence_pk, 32);
	t->eph = jhex(p, "ephemeral", &n);
	t->rk = jhex(p, "rk", &n);
	assert_int_equal(n, PEERMSG_RK_LEN);
	seed = jhex(p, "sign_pk", &n);
	assert_memory_equal(t->id->sign_pk, seed, 32);
	free(seed);
}

static void
party_free(struct tparty *t)
{
	identity_free(t->id);
	free(t->presence);
	free(t->presence_pk);
	free(t->eph);
	free(t->rk);
}

/* Checks that pending output of s is exactly the recorded frames of steps[*k..]. */
static void
expect_frames(struct session *s, json_t *steps, size_t *k, size_t count)
{
	const uint8_t *d;
	size_t n = session_output(s, &d), off = 0;

	for (size_t i = 0; i < count; i++, (*k)++) {
		size_t len;
		uint8_t *want = jhex(json_array_get(steps, *k), "frame", &len);

		if (len > n - off || memcmp(d + off, want, len) != 0)
			fail_msg("step %zu differs from the transcript", *k);
		off += len;
		free(want);
	}
	assert_int_equal(off, n);
}

/* The committed transcripts (proto/vectors/session-transcripts.json), replayed: with the
 * recorded keys, every frame we write must be the recorded one, handshake payloads must be
 * empty, and the responder must find the initiator's identity and rk in the request. */
static void
test_session_transcripts(void **state)
{
	char *path = tu_source_path("proto/vectors/session-transcripts.json");
	json_t *doc = json_load_file(path, 0, NULL), *t;
	size_t i;

	(void)state;
	assert_non_null(doc);
	assert_int_equal(json_array_size(json_object_get(doc, "transcripts")), 2);
	json_array_foreach(json_object_get(doc, "transcripts"), i, t)
	{
		json_t *steps = json_object_get(t, "steps");
		uint8_t *pt, *hh, h[NOISE_HASH];
		struct tparty ini, res;
		struct peermsg *req, ack = { .type = PEERMSG_ACK };
		struct session_config ci = { .role = SESSION_INITIATOR };
		struct session_config cr = { .role = SESSION_RESPONDER };
		struct session *a, *b;
		size_t k = 0, len;
		unsigned ev = 0;

		party(json_object_get(t, "initiator"), &ini);
		party(json_object_get(t, "responder"), &res);
		assert_string_equal(json_string_value(json_object_get(t, "prologue")),
		                    "77616c6c666c6f7765722f32");
		for (size_t j = 0; j < 3; j++)
			assert_string_equal(json_string_value(json_object_get(
			                            json_array_get(steps, j), "payload")),
			                    "");
		pt = jhex(json_array_get(steps, 3), "payload", &len);
		assert_int_equal(peermsg_decode(pt, len, &req, NULL), 0);
		ci.static_sk = ini.presence;
		ci.id = ini.id;
		ci.request = req;
		ci.ephemeral = ini.eph;
		ci.expect_static = res.presence_pk;
		cr.static_sk = res.presence;
		cr.ephemeral = res.eph;
		cr.now = ISSUED;
		assert_int_equal(session_new(&ci, &a), 0);
		assert_int_equal(session_new(&cr, &b), 0);
		expect_frames(a, steps, &k, 1);
		assert_int_equal(pump(a, b, SIZE_MAX, &ev), 0);
		expect_frames(b, steps, &k, 1);
		assert_int_equal(pump(b, a, SIZE_MAX, &ev), 0);
		expect_frames(a, steps, &k, 2);
		assert_int_equal(pump(a, b, SIZE_MAX, &ev), 0);
		assert_true(ev & EV(SESSION_EV_REQUEST));
		assert_memory_equal(session_peer(b), ini.id->sign_pk, 32);
		assert_memory_equal(session_peer_static(b), ini.presence_pk, 32);
		assert_memory_equal(session_request(b)->rk, ini.rk, PEERMSG_RK_LEN);
		assert_int_equal(session_answer(b, &ack), 0);
		expect_frames(b, steps, &k, 1);
		assert_int_equal(pump(b, a, SIZE_MAX, &ev), 0);
		assert_int_equal(session_answer_msg(a)->type, PEERMSG_ACK);
		hh = jhex(t, "handshake_hash", &len);
		assert_int_equal(session_handshake_hash(a, h), 0);
		assert_memory_equal(h, hh, NOISE_HASH);
		session_free(a);
		session_free(b);
		peermsg_free(req);
		party_free(&ini);
		party_free(&res);
		free(pt);
		free(hh);
	}
	json_decref(doc);
	free(path);
}

static int
setup(void **state)
{
	uint8_t seed[32];

	(void)state;
	assert_int_equal(crypt_init(), 0);
	for (int i = 0; i < 3; i++) {
		struct identity **id = i == 0 ? &ida : i == 1 ? &idb : &idc;
		uint8_t *sk = i == 0   ? pa
		              : i == 1 ? pb
		                       : pc,
		        *pk = i == 0   ? pa_pk
		              : i == 1 ? pb_pk
		                       : pc_pk;

		memset(seed, 0x10 * (i + 1), sizeof(seed));
		memset(sk, 0x11 * (i + 1), 32);
		assert_int_equal(identity_from_seed(seed, id), 0);
		assert_int_equal(crypt_dh_public(pk, sk), 0);
	}
	memset(rk_a, 0x5a, sizeof(rk_a));
	issue(ida, "Ada", 0, &card_a, &card_a_len);
	issue(idc, "Carol", 0, &card_c, &card_c_len);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	identity_free(ida);
	identity_free(idb);
	identity_free(idc);
	free(card_a);
	free(card_c);
	return 0;
}

/* An ask from A (card_a) to to_key, made at ISSUED. */
static uint8_t *
ask_to(const uint8_t *to_key, size_t *len)
{
	struct intro_params p = { .kind = INTRO_ASK,
		                  .from = card_a,
		                  .from_len = card_a_len,
		                  .to = to_key,
		                  .issued = ISSUED,
		                  .expires = ISSUED + INTRO_TTL,
		                  .seek = "people who run intranets" };
	enum intro_verdict v;
	uint8_t *obj = NULL;

	assert_int_equal(intro_make(&p, ida, &obj, len, &v), 0);
	return obj;
}

/* An intro request carries its object; the responder checks it for its own identity and
 * clock, and its signer is the peer. The session adds no signature. */
static void
test_session_intro_exchange(void **state)
{
	struct session *a, *b;
	struct peermsg req = { .type = PEERMSG_INTRO }, ack = { .type = PEERMSG_ACK };
	const struct intro *o;
	unsigned ea = 0, eb = 0;

	(void)state;
	req.obj = ask_to(idb->sign_pk, &req.obj_len);
	a = initiator(&req, pb_pk, NULL);
	b = responder_at(NULL, ISSUED + 10);
	assert_int_equal(pump(a, b, SIZE_MAX, &eb), 0);
	assert_int_equal(pump(b, a, SIZE_MAX, &ea), 0);
	assert_int_equal(pump(a, b, SIZE_MAX, &eb), 0);
	assert_true(eb & EV(SESSION_EV_REQUEST));
	assert_int_equal(session_request(b)->type, PEERMSG_INTRO);
	o = session_request_intro(b);
	assert_non_null(o);
	assert_int_equal(o->kind, INTRO_ASK);
	assert_string_equal(o->seek, "people who run intranets");
	assert_memory_equal(session_peer(b), ida->sign_pk, 32);
	assert_memory_equal(session_request_card(b)->key, ida->sign_pk, 32);
	assert_int_equal(session_answer(b, &ack), 0);
	assert_int_equal(pump(b, a, SIZE_MAX, &ea), 0);
	assert_int_equal(session_answer_msg(a)->type, PEERMSG_ACK);
	session_free(a);
	session_free(b);
	free(req.obj);
}

/* An object for someone else is refused bad-intro, naming the verdict; a responder
 * without a clock cannot judge one and refuses it as unsupported. */
static void
test_session_intro_refused(void **state)
{
	struct peermsg req = { .type = PEERMSG_INTRO };
	struct {
		uint64_t now;
		uint16_t code;
		const char *msg;
	} cases[] = {
		{ ISSUED + 10, PEERMSG_E_BAD_INTRO, "not-for-you" },
		{ 0, PEERMSG_E_UNSUPPORTED, NULL },
	};

	(void)state;
	req.obj = ask_to(idc->sign_pk, &req.obj_len);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct session *a = initiator(&req, pb_pk, NULL),
		               *b = responder_at(NULL, cases[i].now);
		const struct peermsg *got;
		unsigned ea = 0, eb = 0;

		assert_int_equal(pump(a, b, SIZE_MAX, &eb), 0);
		assert_int_equal(pump(b, a, SIZE_MAX, &ea), 0);
		assert_int_not_equal(pump(a, b, SIZE_MAX, &eb), 0);
		assert_false(eb & EV(SESSION_EV_REQUEST));
		assert_null(session_request_intro(b));
		assert_true(session_failed(b));
		assert_int_equal(pump(b, a, SIZE_MAX, &ea), 0);
		got = session_answer_msg(a);
		assert_non_null(got);
		assert_int_equal(got->type, PEERMSG_ERROR);
		assert_int_equal(got->code, cases[i].code);
		if (cases[i].msg != NULL)
			assert_string_equal(got->text, cases[i].msg);
		session_free(a);
		session_free(b);
	}
	free(req.obj);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_session_offer_ack_exchange),
		cmocka_unit_test(test_session_card_ack_exchange),
		cmocka_unit_test(test_session_error_answer),
		cmocka_unit_test(test_session_intro_exchange),
		cmocka_unit_test(test_session_intro_refused),
		cmocka_unit_test(test_session_handshake_sizes),
		cmocka_unit_test(test_session_tamper_every_byte),
		cmocka_unit_test(test_session_payload_in_msg1_refused),
		cmocka_unit_test(test_session_payload_in_msg2_refused),
		cmocka_unit_test(test_session_payload_in_msg3_refused),
		cmocka_unit_test(test_session_expect_static_wrong),
		cmocka_unit_test(test_session_check_static),
		cmocka_unit_test(test_session_wrong_card_key),
		cmocka_unit_test(test_session_bad_card),
		cmocka_unit_test(test_session_expired_card),
		cmocka_unit_test(test_session_replayed_msg3),
		cmocka_unit_test(test_session_input_frame_limits),
		cmocka_unit_test(test_session_input_after_exchange),
		cmocka_unit_test(test_session_bytes_with_request),
		cmocka_unit_test(test_session_request_refusals),
		cmocka_unit_test(test_session_raw_request_valid),
		cmocka_unit_test(test_session_sig_wrong_key),
		cmocka_unit_test(test_session_sig_other_session),
		cmocka_unit_test(test_session_sig_rk_shape),
		cmocka_unit_test(test_session_bad_card_before_sig),
		cmocka_unit_test(test_session_prober_learns_no_identity),
		cmocka_unit_test(test_session_misuse),
		cmocka_unit_test(test_session_new_copies_request),
		cmocka_unit_test(test_session_transcripts),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
