/*
 * libFuzzer harness for the session layer. The first byte picks where the bytes go:
 *   0: raw, into a fresh responder (frames, handshake messages, anything);
 *   1: sealed as the answer, into an initiator that has completed a valid handshake;
 *   2: sealed as the request, into a responder that has completed a valid handshake;
 *   3: raw, into an initiator that has completed a valid handshake;
 *   4: as 2, after the harness has written Ada's valid handover signature over this
 *      session's h into the first "sig" byte string of 64 bytes it finds in the bytes, so
 *      that mutations of the rest of a request get past the signature check;
 *   5: sealed as the opening, into a responder waiting to verify that has taken Ada's
 *      valid verify (committing to the nonce 5a 5a ...) and answered it;
 *   6: sealed as the answer, into an initiator of a verify after a valid handshake.
 * Modes 1, 2 and 4 get past the encryption to the message codec, the card checks and the
 * signature check. The keys (identities, presence keys, ephemerals) are those of
 * proto/vectors/session-transcripts.json, so the transcripts' plaintexts make good seeds:
 * in mode 2, the offer-ack request is valid as it stands. Invariants: no crash, no leak, a
 * session that returns an error has failed, and a request is only ever taken with a card
 * and a signer that is that card's key and signed this session's h; a verify's code stands
 * only for the nonce committed to, and only for a responder whose signature is good.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rawpeer.h"
#include "wallflower/intro.h"
#include "wallflower/sas.h"
#include "wallflower/session.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond))                                                                       \
			abort();                                                                   \
	} while (0)

/* The responders' clock: an hour after Ada's card was issued. */
#define FUZZ_NOW 1790003600

static struct identity *ada;
static uint8_t pres_a[32], pres_b[32], eph_a[32], eph_b[32];
static uint8_t *card;
static size_t card_len;
static const uint8_t committed[SAS_NONCE] = { 0x5a, 0x5a, 0x5a, 0x5a }; /* mode 5 */

static void
setup(void)
{
	uint8_t seed[32];
	struct card_fields f;
	struct card_meta meta = { .rev = 1, .issued = 1790000000 };
	struct card_error err;

	CHECK(crypt_init() == 0);
	for (int i = 0; i < 32; i++) {
		seed[i] = (uint8_t)i;
		pres_a[i] = (uint8_t)(0x20 + i);
		eph_a[i] = (uint8_t)(0x40 + i);
		pres_b[i] = (uint8_t)(0xa0 + i);
		eph_b[i] = (uint8_t)(0xc0 + i);
	}
	CHECK(identity_from_seed(seed, &ada) == 0);
	card_fields_init(&f);
	f.text[CARD_NAME] = strdup("Ada Lovelace");
	CHECK(card_issue(&f, &meta, ada->sign_sk, &card, &card_len, &err) == 0);
	card_fields_clear(&f);
}

/* Feeds bytes until they are used up or the session fails. */
static void
feed(struct session *s, const uint8_t *data, size_t size)
{
	size_t off = 0, used;
	enum session_event ev;

	while (off < size) {
		int r = session_input(s, data + off, size - off, &used, &ev);

		if (r < 0) {
			CHECK(session_failed(s) && session_finished(s));
			return;
		}
		CHECK(used > 0 && used <= size - off);
		if (ev == SESSION_EV_REQUEST && session_request(s)->type == PEERMSG_INTRO) {
			const struct intro *o = session_request_intro(s);
			struct peermsg ack = { .type = PEERMSG_ACK };

			/* An object for us, valid now: its signer is the peer, nothing more. */
			CHECK(o != NULL && memcmp(o->to, ada->sign_pk, CRYPT_SIGN_PK) == 0);
			CHECK(o->issued <= FUZZ_NOW + INTRO_SKEW && o->expires > FUZZ_NOW);
			CHECK(memcmp(session_peer(s), o->from->key, CRYPT_SIGN_PK) == 0);
			CHECK(session_request_card(s) == o->from);
			CHECK(session_answer(s, &ack) == 0);
		} else if (ev == SESSION_EV_REQUEST && session_request(s)->type == PEERMSG_VERIFY) {
			uint8_t h[NOISE_HASH];

			CHECK(session_handshake_hash(s, h) == 0);
			CHECK(crypt_verify_tagged(session_request(s)->sig, session_peer(s),
			                          SAS_ID_I_TAG, h, NOISE_HASH) == 0);
			CHECK(session_verify_reply(s, ada) == 0); /* we wait to verify */
		} else if (ev == SESSION_EV_REQUEST) {
			struct peermsg ack = { .type = PEERMSG_ACK };
			uint8_t h[NOISE_HASH];

			CHECK(session_request(s) != NULL && session_request_card(s) != NULL);
			CHECK(session_peer(s) != NULL && session_peer_static(s) != NULL);
			CHECK(memcmp(session_request_card(s)->key, session_peer(s), 32) == 0);
			CHECK(session_handshake_hash(s, h) == 0);
			CHECK(crypt_verify_tagged(session_request(s)->sig, session_peer(s),
			                          SESSION_HANDOVER_TAG, h, NOISE_HASH) == 0);
			CHECK(session_answer(s, &ack) == 0);
		}
		off += used;
	}
}

/* A real session and a raw peer, through the handshake. */
static struct session *
established(enum session_role role, bool verify, struct rawpeer *raw)
{
	struct peermsg offer = { .type = PEERMSG_OFFER, .card = card, .card_len = card_len };
	struct peermsg ask = { .type = PEERMSG_VERIFY };
	struct session_config cfg = { .role = role,
		                      .static_sk = role == SESSION_INITIATOR ? pres_a : pres_b,
		                      .id = ada,
		                      .request = verify ? &ask : &offer,
		                      .ephemeral = role == SESSION_INITIATOR ? eph_a : eph_b,
		                      .now = FUZZ_NOW };
	uint8_t frame[SESSION_FRAME_MAX + 2];
	struct session *s;
	const uint8_t *d;
	size_t n, used;
	enum session_event ev;
	int len;

	CHECK(session_new(&cfg, &s) == 0);
	if (role == SESSION_INITIATOR) {
		CHECK(rawpeer_init(raw, NOISE_RESPONDER, pres_b, eph_b) == 0);
		n = session_output(s, &d);
		CHECK(rawpeer_hs_in(raw, d, n) == 0);
		session_output_done(s, n);
		len = rawpeer_hs_out(raw, frame);
		CHECK(len > 0 && session_input(s, frame, (size_t)len, &used, &ev) == 0);
		/* message 3 and the request go nowhere: the answer is all we fuzz */
		n = session_output(s, &d);
		session_output_done(s, n);
	} else {
		CHECK(rawpeer_init(raw, NOISE_INITIATOR, pres_a, eph_a) == 0);
		len = rawpeer_hs_out(raw, frame);
		CHECK(len > 0 && session_input(s, frame, (size_t)len, &used, &ev) == 0);
		n = session_output(s, &d);
		CHECK(rawpeer_hs_in(raw, d, n) == 0);
		session_output_done(s, n);
		len = rawpeer_hs_out(raw, frame);
		CHECK(len > 0 && session_input(s, frame, (size_t)len, &used, &ev) == 0);
	}
	CHECK(ev == SESSION_EV_ESTABLISHED);
	return s;
}

/* Mode 4: a valid handover signature over this session's h in place of the first one. */
static void
sign_in_place(const struct rawpeer *raw, uint8_t *buf, size_t size)
{
	static const uint8_t key[] = { 0xa3, 's', 'i', 'g', 0xc4, 0x40 };
	uint8_t h[NOISE_HASH];
	uint8_t *at = memmem(buf, size, key, sizeof(key));

	if (at == NULL || (size_t)(at - buf) + sizeof(key) + CRYPT_SIG > size)
		return;
	CHECK(rawpeer_hash(raw, h) == 0);
	CHECK(crypt_sign_tagged(at + sizeof(key), ada->sign_sk, SESSION_HANDOVER_TAG, h,
	                        NOISE_HASH) == 0);
}

/* Mode 5: Ada's valid verify, sealed and fed, so that the responder waits for the opening. */
static void
verify_taken(struct session *s, struct rawpeer *raw)
{
	struct peermsg v = { .type = PEERMSG_VERIFY };
	uint8_t h[NOISE_HASH], frame[SESSION_FRAME_MAX + 2], *enc;
	size_t len;
	int flen;

	CHECK(rawpeer_hash(raw, h) == 0);
	memcpy(v.key, ada->sign_pk, CRYPT_SIGN_PK);
	CHECK(crypt_sign_tagged(v.sig, ada->sign_sk, SAS_ID_I_TAG, h, NOISE_HASH) == 0);
	sas_commit(v.commit, h, committed);
	CHECK(peermsg_encode(&v, &enc, &len) == 0);
	flen = rawpeer_seal(raw, enc, len, frame);
	free(enc);
	feed(s, frame, (size_t)flen);
	CHECK(!session_failed(s));
}

/* After modes 5 and 6: a code stands only for what the protocol allows. */
static void
check_verify(struct session *s, const struct rawpeer *raw, int mode, const uint8_t *pt, size_t len)
{
	struct peermsg *m = NULL;
	uint8_t h[NOISE_HASH];
	uint32_t code = 0;

	if (session_verify_code(s, &code) < 0 && (mode == 5 || session_peer(s) == NULL))
		return;
	CHECK(code < SAS_CODE_MOD || mode == 6);
	CHECK(rawpeer_hash(raw, h) == 0);
	CHECK(peermsg_decode(pt, len, &m, NULL) == 0);
	if (mode == 5) /* the opening of what was committed to */
		CHECK(m->type == PEERMSG_VERIFY_OPEN &&
		      memcmp(m->nonce, committed, SAS_NONCE) == 0);
	else /* a responder that signed this session */
		CHECK(m->type == PEERMSG_VERIFY_NONCE &&
		      memcmp(session_peer(s), m->key, CRYPT_SIGN_PK) == 0 &&
		      crypt_verify_tagged(m->sig, m->key, SAS_ID_R_TAG, h, NOISE_HASH) == 0);
	peermsg_free(m);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	static uint8_t frame[SESSION_FRAME_MAX + 2], copy[SESSION_PLAINTEXT_MAX];
	struct session_config cfg = { .role = SESSION_RESPONDER,
		                      .static_sk = pres_b,
		                      .ephemeral = eph_b };
	struct rawpeer raw = { 0 };
	struct session *s;
	int mode, len;

	if (!ready) {
		setup();
		ready = 1;
	}
	if (size == 0)
		return 0;
	mode = data[0] % 7;
	data++;
	size--;
	if (mode == 0) {
		CHECK(session_new(&cfg, &s) == 0);
		feed(s, data, size);
		session_free(s);
		return 0;
	}
	s = established(mode == 2 || mode == 4 || mode == 5 ? SESSION_RESPONDER : SESSION_INITIATOR,
	                mode == 6, &raw);
	if (mode == 5)
		verify_taken(s, &raw);
	if (mode == 3 || size > SESSION_PLAINTEXT_MAX) {
		feed(s, data, size);
	} else {
		if (mode == 4) {
			memcpy(copy, data, size);
			sign_in_place(&raw, copy, size);
			data = copy;
		}
		len = rawpeer_seal(&raw, data, size, frame);
		CHECK(len > 0);
		feed(s, frame, (size_t)len);
		if (mode >= 5)
			check_verify(s, &raw, mode, data, size);
	}
	session_free(s);
	rawpeer_free(&raw);
	return 0;
}
