/*
 * sas and the verification in person: the code's form and what it depends on; a whole
 * verify exchange between two in-memory sessions (both sides get the same code and each
 * other's identity); someone in the middle who runs a session with each side (two codes,
 * which differ); a raw initiator that opens another nonce than the one it committed to
 * (bad-commit, no code), that signs with another key or over another session (not-yours),
 * or that sends bytes with its opening; a responder whose user is not waiting
 * (not-waiting); a responder that answers a verify with an ack; and the committed
 * transcript, proto/vectors/verify-transcripts.json, replayed frame by frame.
 */
#include <string.h>

#include <jansson.h>

#include "rawpeer.h"
#include "testutil.h"
#include "wallflower/sas.h"
#include "wallflower/session.h"

static struct identity *ida, *idb, *idm; /* initiator, responder, someone in the middle */
static uint8_t pa[32], pb[32], pm[32];   /* their presence secrets */

static const uint8_t na[SAS_NONCE] = { 0x0a, 1 }, nb[SAS_NONCE] = { 0x0b, 2 };

static int
setup(void **state)
{
	struct identity **ids[] = { &ida, &idb, &idm };
	uint8_t *presence[] = { pa, pb, pm }, seed[CRYPT_SIGN_SEED];

	(void)state;
	assert_int_equal(crypt_init(), 0);
	for (int i = 0; i < 3; i++) {
		memset(seed, 0x21 * (i + 1), sizeof(seed));
		assert_int_equal(identity_from_seed(seed, ids[i]), 0);
		memset(presence[i], 0x13 * (i + 1), 32);
	}
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	identity_free(ida);
	identity_free(idb);
	identity_free(idm);
	return 0;
}

static struct session *
verifier(const uint8_t *presence, const struct identity *id, const uint8_t *nonce)
{
	struct peermsg req = { .type = PEERMSG_VERIFY };
	struct session_config cfg = { .role = SESSION_INITIATOR,
		                      .static_sk = presence,
		                      .id = id,
		                      .request = &req,
		                      .nonce = nonce };
	struct session *s;

	assert_int_equal(session_new(&cfg, &s), 0);
	return s;
}

static struct session *
waiter(const uint8_t *presence, const uint8_t *nonce)
{
	struct session_config cfg = { .role = SESSION_RESPONDER,
		                      .static_sk = presence,
		                      .nonce = nonce };
	struct session *s;

	assert_int_equal(session_new(&cfg, &s), 0);
	return s;
}

/* Moves what from has queued into to; returns to's input result, *ev its last event. */
static int
pump(struct session *from, struct session *to, enum session_event *ev)
{
	const uint8_t *data;
	size_t n = session_output(from, &data), fed = 0, used;
	enum session_event e;
	int r = 0;

	*ev = SESSION_EV_NONE;
	while (fed < n && (r = session_input(to, data + fed, n - fed, &used, &e)) == 0) {
		if (e != SESSION_EV_NONE)
			*ev = e;
		fed += used;
	}
	session_output_done(from, n);
	return r;
}

/*
 * A verify between initiator a and responder b, whose user is waiting with identity id.
 * Returns b's last event; both sessions stay the caller's.
 */
static enum session_event
run_verify(struct session *a, struct session *b, const struct identity *id)
{
	enum session_event ev;

	assert_int_equal(pump(a, b, &ev), 0); /* msg 1 */
	assert_int_equal(pump(b, a, &ev), 0); /* msg 2 */
	assert_int_equal(pump(a, b, &ev), 0); /* msg 3 and verify */
	assert_int_equal(ev, SESSION_EV_REQUEST);
	assert_int_equal(session_request(b)->type, PEERMSG_VERIFY);
	assert_null(session_request_card(b));
	assert_int_equal(session_verify_reply(b, id), 0);
	assert_int_equal(pump(b, a, &ev), 0); /* verify-nonce */
	assert_int_equal(ev, SESSION_EV_NONE);
	assert_int_equal(pump(a, b, &ev), 0); /* verify-open */
	return ev;
}

static void
test_sas_format(void **state)
{
	char t[SAS_TEXT];

	(void)state;
	sas_format(t, 0);
	assert_string_equal(t, "000 000");
	sas_format(t, 123456);
	assert_string_equal(t, "123 456");
	sas_format(t, 7089);
	assert_string_equal(t, "007 089");
	sas_format(t, 999999);
	assert_string_equal(t, "999 999");
}

/* Every input moves the code; the commitment depends on h and the nonce. */
static void
test_sas_code_inputs(void **state)
{
	uint8_t h[NOISE_HASH] = { 1 }, ki[32] = { 2 }, kr[32] = { 3 }, ni[32] = { 4 },
	        nr[32] = { 5 };
	uint8_t *parts[] = { h, ki, kr, ni, nr }, c1[SAS_NONCE], c2[SAS_NONCE];
	uint32_t base = sas_code(h, ki, kr, ni, nr);

	(void)state;
	assert_true(base < SAS_CODE_MOD);
	assert_int_equal(sas_code(h, ki, kr, ni, nr), base);
	for (size_t i = 0; i < 5; i++) {
		parts[i][31] ^= 0x80;
		assert_int_not_equal(sas_code(h, ki, kr, ni, nr), base);
		parts[i][31] ^= 0x80;
	}
	/* The roles are not interchangeable. */
	assert_int_not_equal(sas_code(h, kr, ki, nr, ni), base);
	sas_commit(c1, h, ni);
	h[0] ^= 1;
	sas_commit(c2, h, ni);
	assert_memory_not_equal(c1, c2, SAS_NONCE);
	h[0] ^= 1;
	ni[0] ^= 1;
	sas_commit(c2, h, ni);
	assert_memory_not_equal(c1, c2, SAS_NONCE);
}

/* Both screens show the same code, and each side learns the other's identity. */
static void
test_sas_verify_exchange(void **state)
{
	struct session *a = verifier(pa, ida, NULL), *b = waiter(pb, NULL);
	uint32_t ca, cb;
	enum session_event ev;

	(void)state;
	assert_int_equal(run_verify(a, b, idb), SESSION_EV_VERIFIED);
	assert_int_equal(session_verify_code(b, &cb), 0);
	assert_int_equal(session_verify_code(a, &ca), -EPROTO); /* not before the ack */
	assert_memory_equal(session_peer(b), ida->sign_pk, 32);
	assert_int_equal(pump(b, a, &ev), 0); /* ack */
	assert_int_equal(ev, SESSION_EV_ANSWER);
	assert_int_equal(session_answer_msg(a)->type, PEERMSG_ACK);
	assert_int_equal(session_verify_code(a, &ca), 0);
	assert_int_equal(ca, cb);
	assert_true(ca < SAS_CODE_MOD);
	assert_memory_equal(session_peer(a), idb->sign_pk, 32);
	assert_true(session_finished(a) && !session_failed(a));
	assert_true(session_finished(b) && !session_failed(b));
	session_free(a);
	session_free(b);
}

/*
 * Someone in the middle: A verifies with M (which stands in for B), and M verifies with B
 * in its own session, passing on the nonces it can. The two codes come from two handshake
 * hashes, and M fixed its nonce to A before it saw A's: with fixed nonces the outcome is
 * fixed, and the codes differ.
 */
static void
test_sas_relay_codes_differ(void **state)
{
	struct session *a = verifier(pa, ida, na), *m_r = waiter(pm, nb);
	struct session *m_i = verifier(pm, idm, na), *b = waiter(pb, nb);
	uint32_t code_a, code_b;
	enum session_event ev;

	(void)state;
	assert_int_equal(run_verify(a, m_r, idm), SESSION_EV_VERIFIED);
	assert_int_equal(pump(m_r, a, &ev), 0);
	assert_int_equal(run_verify(m_i, b, idb), SESSION_EV_VERIFIED);
	assert_int_equal(session_verify_code(a, &code_a), 0);
	assert_int_equal(session_verify_code(b, &code_b), 0);
	assert_int_not_equal(code_a, code_b);
	/* And what A and B hold as the other's identity is M's, not each other's. */
	assert_memory_equal(session_peer(a), idm->sign_pk, 32);
	assert_memory_equal(session_peer(b), idm->sign_pk, 32);
	session_free(a);
	session_free(m_r);
	session_free(m_i);
	session_free(b);
}

/*
 * A raw initiator (A's presence key) completes the handshake with a waiting responder and
 * sends verify, signed by sign_sk over sign_h (NULL: this session's) and committing to
 * commit_to; after the verify-nonce it opens with open. Returns the error code the
 * responder answers with, or 0 when it verified; *input_result gets the responder's last
 * session_input result.
 */
struct raw_verify {
	const uint8_t *sign_sk;
	const uint8_t *sign_h;
	const uint8_t *commit_to;
	const uint8_t *open;
	bool extra_byte; /* one byte more after the opening */
};

static int
raw_open(struct rawpeer *ra, struct session *b, const struct raw_verify *rv, int *input)
{
	uint8_t frame[SESSION_FRAME_MAX + 3], plain[SESSION_FRAME_MAX], *enc;
	struct peermsg open = { .type = PEERMSG_VERIFY_OPEN }, *got;
	const uint8_t *d;
	size_t n, len, used;
	enum session_event ev;
	int flen, plen, code = 0;

	n = session_output(b, &d);
	plen = rawpeer_open(ra, d, n, plain);
	session_output_done(b, n);
	assert_true(plen > 0);
	assert_int_equal(peermsg_decode(plain, (size_t)plen, &got, NULL), 0);
	assert_int_equal(got->type, PEERMSG_VERIFY_NONCE);
	peermsg_free(got);
	memcpy(open.nonce, rv->open, SAS_NONCE);
	assert_int_equal(peermsg_encode(&open, &enc, &len), 0);
	flen = rawpeer_seal(ra, enc, len, frame);
	free(enc);
	if (rv->extra_byte)
		frame[flen++] = 0;
	*input = session_input(b, frame, (size_t)flen, &used, &ev);
	if ((n = session_output(b, &d)) > 0) {
		plen = rawpeer_open(ra, d, n, plain);
		assert_true(plen > 0);
		assert_int_equal(peermsg_decode(plain, (size_t)plen, &got, NULL), 0);
		code = got->type == PEERMSG_ERROR ? got->code : 0;
		peermsg_free(got);
	}
	return code;
}

static int
raw_verify(const struct raw_verify *rv, int *input, uint32_t *code_out)
{
	struct session *b = waiter(pb, nb);
	struct rawpeer ra;
	uint8_t frame[SESSION_FRAME_MAX + 2], h[NOISE_HASH], *enc;
	struct peermsg req = { .type = PEERMSG_VERIFY };
	const uint8_t *d;
	size_t n, used, len;
	enum session_event ev;
	int flen, code;

	assert_int_equal(rawpeer_init(&ra, NOISE_INITIATOR, pa, NULL), 0);
	flen = rawpeer_hs_out(&ra, frame);
	assert_int_equal(session_input(b, frame, (size_t)flen, &used, &ev), 0);
	n = session_output(b, &d);
	assert_int_equal(rawpeer_hs_in(&ra, d, n), 0);
	session_output_done(b, n);
	flen = rawpeer_hs_out(&ra, frame);
	assert_int_equal(session_input(b, frame, (size_t)flen, &used, &ev), 0);
	assert_int_equal(rawpeer_hash(&ra, h), 0);
	memcpy(req.key, ida->sign_pk, 32);
	assert_int_equal(crypt_sign_tagged(req.sig, rv->sign_sk, SAS_ID_I_TAG,
	                                   rv->sign_h ? rv->sign_h : h, NOISE_HASH),
	                 0);
	sas_commit(req.commit, h, rv->commit_to);
	assert_int_equal(peermsg_encode(&req, &enc, &len), 0);
	flen = rawpeer_seal(&ra, enc, len, frame);
	free(enc);
	*input = session_input(b, frame, (size_t)flen, &used, &ev);
	if (*input == 0) {
		assert_int_equal(ev, SESSION_EV_REQUEST);
		assert_int_equal(session_verify_reply(b, idb), 0);
		code = raw_open(&ra, b, rv, input);
	} else {
		struct peermsg *got;
		uint8_t plain[SESSION_FRAME_MAX];
		int plen;

		n = session_output(b, &d);
		plen = rawpeer_open(&ra, d, n, plain);
		assert_true(plen > 0);
		assert_int_equal(peermsg_decode(plain, (size_t)plen, &got, NULL), 0);
		code = got->code;
		peermsg_free(got);
	}
	if (session_verify_code(b, code_out) < 0)
		*code_out = UINT32_MAX;
	rawpeer_free(&ra);
	session_free(b);
	return code;
}

/* An honest raw initiator verifies; one that opens another nonce gets bad-commit, no code. */
static void
test_sas_commitment_checked(void **state)
{
	struct raw_verify rv = { .sign_sk = ida->sign_sk, .commit_to = na, .open = na };
	uint8_t other[SAS_NONCE];
	uint32_t code;
	int input;

	(void)state;
	assert_int_equal(raw_verify(&rv, &input, &code), 0);
	assert_int_equal(input, 0);
	assert_true(code < SAS_CODE_MOD);
	/* Every other opening, one bit away or wholly different, is refused. */
	for (size_t bit = 0; bit < 8 * SAS_NONCE; bit += 37) {
		memcpy(other, na, SAS_NONCE);
		other[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		rv.open = other;
		assert_int_equal(raw_verify(&rv, &input, &code), PEERMSG_E_BAD_COMMIT);
		assert_int_equal(input, -EKEYREJECTED);
		assert_int_equal(code, UINT32_MAX);
	}
	rv.open = nb; /* the responder's own nonce, reflected */
	assert_int_equal(raw_verify(&rv, &input, &code), PEERMSG_E_BAD_COMMIT);
	assert_int_equal(code, UINT32_MAX);
}

/* A verify signed by another key than its "key", or over another session: not-yours. */
static void
test_sas_verify_signature(void **state)
{
	uint8_t other_h[NOISE_HASH] = { 9 };
	struct raw_verify rv = { .sign_sk = idm->sign_sk, .commit_to = na, .open = na };
	uint32_t code;
	int input;

	(void)state;
	assert_int_equal(raw_verify(&rv, &input, &code), PEERMSG_E_NOT_YOURS);
	assert_int_equal(input, -EKEYREJECTED);
	rv.sign_sk = ida->sign_sk;
	rv.sign_h = other_h;
	assert_int_equal(raw_verify(&rv, &input, &code), PEERMSG_E_NOT_YOURS);
	assert_int_equal(code, UINT32_MAX);
}

/* Bytes after the opening: the session fails, without an answer and without a code. */
static void
test_sas_bytes_after_open(void **state)
{
	struct raw_verify rv = {
		.sign_sk = ida->sign_sk, .commit_to = na, .open = na, .extra_byte = true
	};
	uint32_t code;
	int input;

	(void)state;
	assert_int_equal(raw_verify(&rv, &input, &code), 0);
	assert_int_equal(input, -EPROTO);
	assert_int_equal(code, UINT32_MAX);
}

/* Nobody waiting: the responder answers not-waiting, and the initiator gets no code. */
static void
test_sas_not_waiting(void **state)
{
	struct session *a = verifier(pa, ida, NULL), *b = waiter(pb, NULL);
	struct peermsg no = { .type = PEERMSG_ERROR, .code = PEERMSG_E_NOT_WAITING };
	struct peermsg ack = { .type = PEERMSG_ACK };
	enum session_event ev;
	uint32_t code;

	(void)state;
	assert_int_equal(pump(a, b, &ev), 0);
	assert_int_equal(pump(b, a, &ev), 0);
	assert_int_equal(pump(a, b, &ev), 0);
	assert_int_equal(ev, SESSION_EV_REQUEST);
	assert_int_equal(session_answer(b, &ack), -EINVAL); /* a verify takes no ack */
	assert_int_equal(session_answer(b, &no), 0);
	assert_int_equal(pump(b, a, &ev), 0);
	assert_int_equal(ev, SESSION_EV_ANSWER);
	assert_int_equal(session_answer_msg(a)->code, PEERMSG_E_NOT_WAITING);
	assert_int_equal(session_verify_code(a, &code), -EPROTO);
	assert_null(session_peer(a));
	assert_int_equal(session_verify_code(b, &code), -EPROTO);
	session_free(a);
	session_free(b);
}

/*
 * A responder has nothing to verify-reply to before a verify; a raw responder that answers
 * a verify with a bare ack (skipping the nonce) ends the initiator's session, without a
 * code.
 */
static void
test_sas_misuse(void **state)
{
	struct session *a = verifier(pa, ida, NULL), *b = waiter(pb, NULL);
	struct peermsg ack = { .type = PEERMSG_ACK };
	uint8_t frame[SESSION_FRAME_MAX + 2], *enc;
	struct rawpeer rb;
	const uint8_t *d;
	size_t n, used, len, first;
	enum session_event ev;
	uint32_t code;
	int flen;

	(void)state;
	assert_int_equal(session_verify_reply(b, idb), -EPROTO);
	session_free(b);
	assert_int_equal(rawpeer_init(&rb, NOISE_RESPONDER, pb, NULL), 0);
	n = session_output(a, &d);
	assert_int_equal(rawpeer_hs_in(&rb, d, n), 0); /* msg 1 */
	session_output_done(a, n);
	flen = rawpeer_hs_out(&rb, frame); /* msg 2 */
	assert_int_equal(session_input(a, frame, (size_t)flen, &used, &ev), 0);
	n = session_output(a, &d); /* msg 3, then the verify */
	first = 2 + ((size_t)d[0] << 8 | d[1]);
	assert_true(first < n);
	assert_int_equal(rawpeer_hs_in(&rb, d, first), 0);
	session_output_done(a, n);
	assert_int_equal(peermsg_encode(&ack, &enc, &len), 0);
	flen = rawpeer_seal(&rb, enc, len, frame);
	free(enc);
	assert_int_equal(session_input(a, frame, (size_t)flen, &used, &ev), -EPROTO);
	assert_true(session_failed(a));
	assert_int_equal(session_verify_code(a, &code), -EPROTO);
	assert_null(session_peer(a));
	rawpeer_free(&rb);
	session_free(a);
}

/*
 * A responder that sends more with its verify-nonce, before our opening (an early ack):
 * the initiator ends the session on those bytes, before reading them, and shows no code.
 */
static void
test_sas_bytes_after_nonce(void **state)
{
	struct session *a = verifier(pa, ida, NULL), *b = waiter(pb, NULL);
	uint8_t buf[SESSION_FRAME_MAX + 2 + 18] = { 0 };
	const uint8_t *d;
	size_t n, used, fed = 0;
	enum session_event ev;
	uint32_t code;
	int r = 0;

	(void)state;
	assert_int_equal(pump(a, b, &ev), 0);
	assert_int_equal(pump(b, a, &ev), 0);
	assert_int_equal(pump(a, b, &ev), 0);
	assert_int_equal(session_verify_reply(b, idb), 0);
	n = session_output(b, &d); /* the verify-nonce */
	assert_true(n + 18 <= sizeof(buf));
	memcpy(buf, d, n);
	buf[n + 1] = 16; /* then a frame of 16 bytes, a tag's worth */
	while (fed < n + 18 && (r = session_input(a, buf + fed, n + 18 - fed, &used, &ev)) == 0)
		fed += used;
	assert_int_equal(r, -EPROTO);
	assert_true(session_failed(a));
	assert_int_equal(session_verify_code(a, &code), -EPROTO);
	session_free(a);
	session_free(b);
}

/* A hex member of o, decoded (the caller frees it), of exactly n bytes. */
static uint8_t *
jhex(const json_t *o, const char *name, size_t n)
{
	size_t len;
	uint8_t *b = tu_unhex(json_string_value(json_object_get(o, name)), &len);

	assert_non_null(b);
	assert_int_equal(len, n);
	return b;
}

/* The frames s has queued must be the next n steps of the transcript. */
static void
expect_steps(struct session *s, const json_t *steps, size_t *k, size_t n)
{
	const uint8_t *d;
	size_t len = session_output(s, &d), off = 0, flen;

	for (size_t i = 0; i < n; i++, (*k)++) {
		const char *want =
		        json_string_value(json_object_get(json_array_get(steps, *k), "frame"));
		uint8_t *f = tu_unhex(want, &flen);

		assert_true(off + flen <= len);
		assert_memory_equal(d + off, f, flen);
		off += flen;
		free(f);
	}
	assert_int_equal(off, len);
}

/* Both roles from the recorded keys and nonces write the recorded frames, and show the
 * recorded code. */
static void
test_sas_transcript(void **state)
{
	char *path = tu_source_path("proto/vectors/verify-transcripts.json");
	json_t *doc = json_load_file(path, 0, NULL), *t, *ini, *res, *steps;
	struct identity *id_i, *id_r;
	uint8_t *seed_i, *seed_r, *pres_i, *pres_r, *eph_i, *eph_r, *n_i, *n_r, *hh;
	uint8_t h[NOISE_HASH];
	struct peermsg req = { .type = PEERMSG_VERIFY };
	struct session *a, *b;
	enum session_event ev;
	uint32_t ca, cb;
	char text[SAS_TEXT];
	size_t k = 0;

	(void)state;
	assert_non_null(doc);
	t = json_array_get(json_object_get(doc, "transcripts"), 0);
	ini = json_object_get(t, "initiator");
	res = json_object_get(t, "responder");
	steps = json_object_get(t, "steps");
	assert_int_equal(json_array_size(steps), 7);
	seed_i = jhex(ini, "sign_seed", 32);
	seed_r = jhex(res, "sign_seed", 32);
	pres_i = jhex(ini, "presence_secret", 32);
	pres_r = jhex(res, "presence_secret", 32);
	eph_i = jhex(ini, "ephemeral", 32);
	eph_r = jhex(res, "ephemeral", 32);
	n_i = jhex(ini, "nonce", SAS_NONCE);
	n_r = jhex(res, "nonce", SAS_NONCE);
	assert_int_equal(identity_from_seed(seed_i, &id_i), 0);
	assert_int_equal(identity_from_seed(seed_r, &id_r), 0);
	{
		struct session_config ci = { .role = SESSION_INITIATOR,
			                     .static_sk = pres_i,
			                     .id = id_i,
			                     .request = &req,
			                     .ephemeral = eph_i,
			                     .nonce = n_i };
		struct session_config cr = { .role = SESSION_RESPONDER,
			                     .static_sk = pres_r,
			                     .ephemeral = eph_r,
			                     .nonce = n_r };

		assert_int_equal(session_new(&ci, &a), 0);
		assert_int_equal(session_new(&cr, &b), 0);
	}
	expect_steps(a, steps, &k, 1);
	assert_int_equal(pump(a, b, &ev), 0);
	expect_steps(b, steps, &k, 1);
	assert_int_equal(pump(b, a, &ev), 0);
	expect_steps(a, steps, &k, 2); /* message 3 and verify */
	assert_int_equal(pump(a, b, &ev), 0);
	assert_int_equal(session_verify_reply(b, id_r), 0);
	expect_steps(b, steps, &k, 1);
	assert_int_equal(pump(b, a, &ev), 0);
	expect_steps(a, steps, &k, 1);
	assert_int_equal(pump(a, b, &ev), 0);
	assert_int_equal(ev, SESSION_EV_VERIFIED);
	expect_steps(b, steps, &k, 1);
	assert_int_equal(pump(b, a, &ev), 0);
	assert_int_equal(session_verify_code(a, &ca), 0);
	assert_int_equal(session_verify_code(b, &cb), 0);
	assert_int_equal(ca, cb);
	assert_int_equal(ca, json_integer_value(json_object_get(t, "code")));
	sas_format(text, ca);
	assert_string_equal(text, json_string_value(json_object_get(t, "code_text")));
	hh = jhex(t, "handshake_hash", NOISE_HASH);
	assert_int_equal(session_handshake_hash(a, h), 0);
	assert_memory_equal(h, hh, NOISE_HASH);
	session_free(a);
	session_free(b);
	identity_free(id_i);
	identity_free(id_r);
	for (uint8_t **p = (uint8_t *[]){ seed_i, seed_r, pres_i, pres_r, eph_i, eph_r, n_i, n_r,
	                                  hh, NULL };
	     *p != NULL; p++)
		free(*p);
	json_decref(doc);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sas_format),
		cmocka_unit_test(test_sas_code_inputs),
		cmocka_unit_test(test_sas_verify_exchange),
		cmocka_unit_test(test_sas_relay_codes_differ),
		cmocka_unit_test(test_sas_commitment_checked),
		cmocka_unit_test(test_sas_verify_signature),
		cmocka_unit_test(test_sas_bytes_after_open),
		cmocka_unit_test(test_sas_not_waiting),
		cmocka_unit_test(test_sas_misuse),
		cmocka_unit_test(test_sas_bytes_after_nonce),
		cmocka_unit_test(test_sas_transcript),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
