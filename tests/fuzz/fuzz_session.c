/*
 * libFuzzer harness for the session layer. The first byte picks where the bytes go:
 *   0: raw, into a fresh responder (frames, handshake messages, anything);
 *   1: sealed as the answer, into an initiator that has completed a valid handshake;
 *   2: sealed as the request, into a responder that has completed a valid handshake;
 *   3: raw, into an initiator that has completed a valid handshake.
 * Modes 1 and 2 get past the encryption to the message codec and the card checks. The
 * identities are those of proto/vectors/session-transcripts.json, so the transcripts'
 * plaintexts make good seeds. Invariant: no crash, no leak, and a session that returns an
 * error has failed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rawpeer.h"
#include "wallflower/session.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond))                                                                       \
			abort();                                                                   \
	} while (0)

static struct identity *ada, *bo;
static uint8_t eph_a[32], eph_b[32];
static uint8_t *card;
static size_t card_len;

static void
setup(void)
{
	uint8_t seed[32], dh[32];
	struct card_fields f;
	struct card_meta meta = { .rev = 1, .issued = 1790000000 };
	struct card_error err;

	CHECK(crypt_init() == 0);
	for (int i = 0; i < 32; i++) {
		seed[i] = (uint8_t)i;
		dh[i] = (uint8_t)(0x20 + i);
		eph_a[i] = (uint8_t)(0x40 + i);
		eph_b[i] = (uint8_t)(0xc0 + i);
	}
	CHECK(identity_from_secrets(seed, dh, &ada) == 0);
	for (int i = 0; i < 32; i++) {
		seed[i] = (uint8_t)(0x80 + i);
		dh[i] = (uint8_t)(0xa0 + i);
	}
	CHECK(identity_from_secrets(seed, dh, &bo) == 0);
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
		if (ev == SESSION_EV_REQUEST) {
			struct peermsg ack = { .type = PEERMSG_ACK };

			CHECK(session_request(s) != NULL && session_request_card(s) != NULL);
			CHECK(memcmp(session_request_card(s)->key, session_peer(s), 32) == 0);
			CHECK(session_answer(s, &ack) == 0);
		}
		off += used;
	}
}

/* A real session and a raw peer, through the handshake. */
static struct session *
established(enum session_role role, struct rawpeer *raw)
{
	struct peermsg offer = { .type = PEERMSG_OFFER, .card = card, .card_len = card_len };
	struct session_config cfg = { .role = role,
		                      .id = role == SESSION_INITIATOR ? ada : bo,
		                      .request = &offer,
		                      .ephemeral = role == SESSION_INITIATOR ? eph_a : eph_b };
	uint8_t frame[SESSION_FRAME_MAX + 2];
	struct session *s;
	const uint8_t *d;
	size_t n, used;
	enum session_event ev;
	int len;

	CHECK(session_new(&cfg, &s) == 0);
	if (role == SESSION_INITIATOR) {
		CHECK(rawpeer_init(raw, NOISE_RESPONDER, bo, eph_b, NULL) == 0);
		n = session_output(s, &d);
		CHECK(rawpeer_hs_in(raw, d, n) == 0);
		session_output_done(s, n);
		len = rawpeer_hs_out(raw, frame);
		CHECK(len > 0 && session_input(s, frame, (size_t)len, &used, &ev) == 0);
		/* message 3 and the request go nowhere: the answer is all we fuzz */
		n = session_output(s, &d);
		session_output_done(s, n);
	} else {
		CHECK(rawpeer_init(raw, NOISE_INITIATOR, ada, eph_a, NULL) == 0);
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

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	static uint8_t frame[SESSION_FRAME_MAX + 2];
	struct session_config cfg = { .role = SESSION_RESPONDER, .id = bo, .ephemeral = eph_b };
	struct rawpeer raw = { 0 };
	struct session *s;
	int mode, len;

	if (!ready) {
		setup();
		ready = 1;
	}
	if (size == 0)
		return 0;
	mode = data[0] % 4;
	data++;
	size--;
	if (mode == 0) {
		CHECK(session_new(&cfg, &s) == 0);
		feed(s, data, size);
		session_free(s);
		return 0;
	}
	s = established(mode == 2 ? SESSION_RESPONDER : SESSION_INITIATOR, &raw);
	if (mode == 3 || size > SESSION_PLAINTEXT_MAX) {
		feed(s, data, size);
	} else {
		len = rawpeer_seal(&raw, data, size, frame);
		CHECK(len > 0);
		feed(s, frame, (size_t)len);
	}
	session_free(s);
	rawpeer_free(&raw);
	return 0;
}
