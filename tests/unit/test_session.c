/*
 * session: whole exchanges between two in-memory sessions (offer/ack, card/ack, errors),
 * tampering with every byte on the wire, bad bindings, foreign cards, replays, framing
 * limits, and a peer that says what a session never would (a raw Noise peer).
 */
#include <string.h>

#include <jansson.h>

#include "rawpeer.h"
#include "testutil.h"
#include "wallflower/session.h"

#define ISSUED 1790000000

static struct identity *ida, *idb, *idc; /* initiator, responder, a third party */
static uint8_t *card_a, *card_c;
static size_t card_a_len, card_c_len;

static const uint8_t eph_a[32] = { 0xa1, 1, 2, 3 }, eph_b[32] = { 0xb1, 4, 5, 6 };

static void
issue(const struct identity *id, const char *name, uint8_t **env, size_t *len)
{
	struct card_fields f;
	struct card_meta meta = { .rev = 1, .issued = ISSUED };
	struct card_error err;

	card_fields_init(&f);
	f.text[CARD_NAME] = strdup(name);
	assert_int_equal(card_issue(&f, &meta, id->sign_sk, env, len, &err), 0);
	card_fields_clear(&f);
}

static struct session *
initiator(const struct peermsg *req, const uint8_t *expect, const uint8_t *eph)
{
	struct session_config cfg = { .role = SESSION_INITIATOR,
		                      .id = ida,
		                      .request = req,
		                      .expect_peer = expect,
		                      .ephemeral = eph };
	struct session *s;

	assert_int_equal(session_new(&cfg, &s), 0);
	return s;
}

static struct session *
responder(const uint8_t *eph)
{
	struct session_config cfg = { .role = SESSION_RESPONDER, .id = idb, .ephemeral = eph };
	struct session *s;

	assert_int_equal(session_new(&cfg, &s), 0);
	return s;
}

static struct peermsg
offer(void)
{
	return (struct peermsg){ .type = PEERMSG_OFFER,
		                 .card = card_a,
		                 .card_len = card_a_len,
		                 .note = (char *)"Loved your talk",
		                 .reply = true,
		                 .port = 47001 };
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

/* A whole exchange; returns the responder's events. */
static void
exchange(const struct peermsg *req, const struct peermsg *answer, size_t chunk,
         const struct peermsg **got_answer, struct session **pa, struct session **pb)
{
	struct session *a = initiator(req, NULL, NULL), *b = responder(NULL);
	unsigned ea = 0, eb = 0;

	assert_int_equal(pump(a, b, chunk, &eb), 0); /* msg1 */
	assert_int_equal(eb, 0);
	assert_int_equal(pump(b, a, chunk, &ea), 0); /* msg2 */
	assert_int_equal(ea, EV(SESSION_EV_ESTABLISHED));
	assert_int_equal(pump(a, b, chunk, &eb), 0); /* msg3 + request */
	assert_int_equal(eb, EV(SESSION_EV_ESTABLISHED) | EV(SESSION_EV_REQUEST));
	assert_int_equal(session_answer(b, answer), 0);
	assert_int_equal(pump(b, a, chunk, &ea), 0); /* answer */
	assert_true(ea & EV(SESSION_EV_ANSWER));
	*got_answer = session_answer_msg(a);
	assert_non_null(*got_answer);
	*pa = a;
	*pb = b;
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
		assert_memory_equal(session_peer(a), idb->sign_pk, 32);
		assert_memory_equal(session_peer(b), ida->sign_pk, 32);
		assert_int_equal(session_request(b)->type, PEERMSG_OFFER);
		assert_string_equal(session_request(b)->note, "Loved your talk");
		assert_int_equal(session_request(b)->port, 47001);
		card = session_request_card(b);
		assert_non_null(card);
		assert_string_equal(card->f.text[CARD_NAME], "Ada");
		assert_memory_equal(card->key, ida->sign_pk, 32);
		assert_int_equal(session_handshake_hash(a, ha), 0);
		assert_int_equal(session_handshake_hash(b, hb), 0);
		assert_memory_equal(ha, hb, NOISE_HASH);
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
	peermsg_offer_id(card_c, card_c_len, req.re);
	exchange(&req, &ack, SIZE_MAX, &got, &a, &b);
	assert_int_equal(session_request(b)->type, PEERMSG_CARD);
	assert_memory_equal(session_request(b)->re, req.re, PEERMSG_ID_LEN);
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

/* A responder whose hello signs another key: the initiator fails on message 2 and has
 * revealed nothing of itself (no message 3 queued). */
static void
test_session_wrong_binding_responder(void **state)
{
	struct peermsg req = offer();
	struct session *a = initiator(&req, NULL, NULL);
	struct rawpeer rb;
	uint8_t frame[SESSION_FRAME_MAX + 2];
	const uint8_t *d;
	size_t n = session_output(a, &d), used;
	enum session_event ev;
	int len;

	(void)state;
	assert_int_equal(rawpeer_init(&rb, NOISE_RESPONDER, idb, NULL, idc->binding), 0);
	assert_int_equal(rawpeer_hs_in(&rb, d, n), 0);
	session_output_done(a, n);
	len = rawpeer_hs_out(&rb, frame);
	assert_true(len > 0);
	assert_int_equal(session_input(a, frame, (size_t)len, &used, &ev), -EKEYREJECTED);
	assert_true(session_failed(a));
	assert_int_equal(session_output(a, &d), 0);
	assert_non_null(session_reason(a));
	rawpeer_free(&rb);
	session_free(a);
}

/* An initiator whose hello signs another key: the responder fails on message 3. */
static void
test_session_wrong_binding_initiator(void **state)
{
	struct session *b = responder(NULL);
	struct rawpeer ra;
	uint8_t frame[SESSION_FRAME_MAX + 2];
	const uint8_t *d;
	size_t n, used;
	enum session_event ev;
	int len;

	(void)state;
	assert_int_equal(rawpeer_init(&ra, NOISE_INITIATOR, ida, NULL, idc->binding), 0);
	len = rawpeer_hs_out(&ra, frame);
	assert_int_equal(session_input(b, frame, (size_t)len, &used, &ev), 0);
	n = session_output(b, &d);
	assert_int_equal(rawpeer_hs_in(&ra, d, n), 0);
	session_output_done(b, n);
	len = rawpeer_hs_out(&ra, frame);
	assert_int_equal(session_input(b, frame, (size_t)len, &used, &ev), -EKEYREJECTED);
	assert_null(session_peer(b));
	rawpeer_free(&ra);
	session_free(b);
}

/* Handing over someone else's card: refused with not-yours, which the initiator hears. */
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
	struct card_fields f;
	struct card_meta meta = { .rev = 2, .issued = ISSUED, .expires = ISSUED + 60 };
	struct card_error err;
	uint8_t *old;
	size_t old_len;

	(void)state;
	card_fields_init(&f);
	f.text[CARD_NAME] = strdup("Ada");
	assert_int_equal(card_issue(&f, &meta, ida->sign_sk, &old, &old_len, &err), 0);
	card_fields_clear(&f);
	for (int knows_time = 0; knows_time < 2; knows_time++) {
		struct peermsg req = { .type = PEERMSG_OFFER, .card = old, .card_len = old_len };
		struct session_config cr = { .role = SESSION_RESPONDER,
			                     .id = idb,
			                     .now = knows_time ? ISSUED + 3600 : 0 };
		struct session *a = initiator(&req, NULL, NULL), *b;
		unsigned ea = 0, eb = 0;

		assert_int_equal(session_new(&cr, &b), 0);
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

/* An initiator that meant to reach C stops at message 2 when B answers. */
static void
test_session_unexpected_peer(void **state)
{
	struct peermsg req = offer();
	struct session *a = initiator(&req, idc->sign_pk, NULL), *b = responder(NULL);
	const uint8_t *d;
	unsigned ev = 0;

	(void)state;
	assert_int_equal(pump(a, b, SIZE_MAX, &ev), 0);
	assert_int_equal(pump(b, a, SIZE_MAX, &ev), -EKEYREJECTED);
	assert_int_equal(session_output(a, &d), 0); /* message 3 never written */
	session_free(a);
	session_free(b);
}

/* A raw initiator completes the handshake, then sends plaintext; returns the error code
 * the responder answers with, or 0 when it took the request. */
static int
raw_request(const uint8_t *pt, size_t len, int *input_result)
{
	struct session *b = responder(NULL);
	struct rawpeer ra;
	uint8_t frame[SESSION_FRAME_MAX + 2], plain[SESSION_FRAME_MAX];
	struct peermsg *answer;
	const uint8_t *d;
	size_t n, used;
	enum session_event ev;
	int flen, code = 0;

	assert_int_equal(rawpeer_init(&ra, NOISE_INITIATOR, ida, NULL, NULL), 0);
	flen = rawpeer_hs_out(&ra, frame);
	assert_int_equal(session_input(b, frame, (size_t)flen, &used, &ev), 0);
	n = session_output(b, &d);
	assert_int_equal(rawpeer_hs_in(&ra, d, n), 0);
	session_output_done(b, n);
	flen = rawpeer_hs_out(&ra, frame);
	assert_int_equal(session_input(b, frame, (size_t)flen, &used, &ev), 0);
	assert_int_equal(ev, SESSION_EV_ESTABLISHED);
	flen = rawpeer_seal(&ra, pt, len, frame);
	*input_result = session_input(b, frame, (size_t)flen, &used, &ev);
	if ((n = session_output(b, &d)) > 0) {
		int plen = rawpeer_open(&ra, d, n, plain);

		assert_true(plen > 0);
		assert_int_equal(peermsg_decode(plain, (size_t)plen, &answer, NULL), 0);
		assert_int_equal(answer->type, PEERMSG_ERROR);
		code = answer->code;
		peermsg_free(answer);
	}
	rawpeer_free(&ra);
	session_free(b);
	return code;
}

static void
test_session_request_refusals(void **state)
{
	struct peermsg ack = { .type = PEERMSG_ACK };
	uint8_t *pt;
	size_t len;
	int r;

	(void)state;
	assert_int_equal(peermsg_encode(&ack, &pt, &len), 0);
	assert_int_equal(raw_request(pt, len, &r), PEERMSG_E_UNSUPPORTED);
	assert_int_equal(r, -EPROTO);
	free(pt);
	assert_int_equal(raw_request((const uint8_t *)"\xc1", 1, &r), PEERMSG_E_MALFORMED);
	assert_int_equal(r, -EBADMSG);
	/* {t: "hello"} */
	assert_int_equal(raw_request((const uint8_t *)"\x81\xa1t\xa5hello", 9, &r),
	                 PEERMSG_E_UNSUPPORTED);
	/* An empty transport message is malformed too. */
	assert_int_equal(raw_request((const uint8_t *)"", 0, &r), PEERMSG_E_MALFORMED);
}

/* Message 1 must carry no payload. */
static void
test_session_msg1_payload_refused(void **state)
{
	struct session *b = responder(NULL);
	struct noise_hs *hs;
	uint8_t frame[256];
	size_t n, used;
	enum session_event ev;

	(void)state;
	assert_int_equal(noise_hs_new(NOISE_INITIATOR, (const uint8_t *)SESSION_PROLOGUE,
	                              strlen(SESSION_PROLOGUE), ida->dh_sk, NULL, &hs),
	                 0);
	assert_int_equal(noise_hs_write(hs, (const uint8_t *)"hi", 2, frame + 2, 200, &n), 0);
	frame[0] = 0;
	frame[1] = (uint8_t)n;
	assert_int_equal(session_input(b, frame, n + 2, &used, &ev), -EBADMSG);
	noise_hs_free(hs);
	session_free(b);
}

static void
test_session_misuse(void **state)
{
	struct peermsg ack = { .type = PEERMSG_ACK }, req = offer();
	struct session_config cfg = { .role = SESSION_INITIATOR, .id = ida, .request = &ack };
	struct session *s;

	(void)state;
	assert_int_equal(session_new(&cfg, &s), -EINVAL); /* an ack is no request */
	assert_null(s);
	cfg.request = NULL;
	assert_int_equal(session_new(&cfg, &s), -EINVAL);
	s = responder(NULL);
	assert_int_equal(session_answer(s, &ack), -EPROTO);
	assert_null(session_peer(s));
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

static uint8_t *
jhex(json_t *o, const char *key, size_t *len)
{
	const char *s = json_string_value(json_object_get(o, key));

	assert_non_null(s);
	return tu_unhex(s, len);
}

static struct identity *
party(json_t *p, uint8_t **eph)
{
	size_t n;
	uint8_t *seed = jhex(p, "sign_seed", &n), *dh = jhex(p, "dh_secret", &n);
	struct identity *id;

	assert_int_equal(identity_from_secrets(seed, dh, &id), 0);
	*eph = jhex(p, "ephemeral", &n);
	free(seed);
	free(dh);
	return id;
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
 * recorded keys, every frame we write must be the recorded one. */
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
		uint8_t *ea, *eb, *pt, *hh, h[NOISE_HASH];
		struct identity *a_id = party(json_object_get(t, "initiator"), &ea);
		struct identity *b_id = party(json_object_get(t, "responder"), &eb);
		struct peermsg *req, ack = { .type = PEERMSG_ACK };
		struct session_config ci = { .role = SESSION_INITIATOR,
			                     .id = a_id,
			                     .ephemeral = ea };
		struct session_config cr = { .role = SESSION_RESPONDER,
			                     .id = b_id,
			                     .ephemeral = eb };
		struct session *a, *b;
		size_t k = 0, len;
		unsigned ev = 0;

		pt = jhex(json_array_get(steps, 3), "payload", &len);
		assert_int_equal(peermsg_decode(pt, len, &req, NULL), 0);
		ci.request = req;
		assert_int_equal(session_new(&ci, &a), 0);
		assert_int_equal(session_new(&cr, &b), 0);
		expect_frames(a, steps, &k, 1);
		assert_int_equal(pump(a, b, SIZE_MAX, &ev), 0);
		expect_frames(b, steps, &k, 1);
		assert_int_equal(pump(b, a, SIZE_MAX, &ev), 0);
		expect_frames(a, steps, &k, 2);
		assert_int_equal(pump(a, b, SIZE_MAX, &ev), 0);
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
		identity_free(a_id);
		identity_free(b_id);
		free(ea);
		free(eb);
		free(pt);
		free(hh);
	}
	json_decref(doc);
	free(path);
}

static int
setup(void **state)
{
	uint8_t seed[32], dh[32];

	(void)state;
	assert_int_equal(crypt_init(), 0);
	for (int i = 0; i < 3; i++) {
		struct identity **id = i == 0 ? &ida : i == 1 ? &idb : &idc;

		memset(seed, 0x10 * (i + 1), sizeof(seed));
		memset(dh, 0x11 * (i + 1), sizeof(dh));
		assert_int_equal(identity_from_secrets(seed, dh, id), 0);
	}
	issue(ida, "Ada", &card_a, &card_a_len);
	issue(idc, "Carol", &card_c, &card_c_len);
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_session_offer_ack_exchange),
		cmocka_unit_test(test_session_card_ack_exchange),
		cmocka_unit_test(test_session_error_answer),
		cmocka_unit_test(test_session_tamper_every_byte),
		cmocka_unit_test(test_session_wrong_binding_responder),
		cmocka_unit_test(test_session_wrong_binding_initiator),
		cmocka_unit_test(test_session_wrong_card_key),
		cmocka_unit_test(test_session_bad_card),
		cmocka_unit_test(test_session_expired_card),
		cmocka_unit_test(test_session_replayed_msg3),
		cmocka_unit_test(test_session_input_frame_limits),
		cmocka_unit_test(test_session_input_after_exchange),
		cmocka_unit_test(test_session_unexpected_peer),
		cmocka_unit_test(test_session_request_refusals),
		cmocka_unit_test(test_session_msg1_payload_refused),
		cmocka_unit_test(test_session_misuse),
		cmocka_unit_test(test_session_transcripts),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
