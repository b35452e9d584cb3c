/*
 * gen_session_vectors: writes proto/vectors/session-transcripts.json, every byte on the
 * wire of whole exchanges between two fixed identities with fixed presence, recognition
 * and ephemeral keys, so that another implementation can check itself against ours
 * (proto/session.md, "Test vectors"). The output is deterministic (Ed25519 signatures
 * are); the test suite regenerates it and compares.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "wallflower/session.h"

#define ISSUED 1790000000ULL

static _Noreturn void
die(const char *what)
{
	fprintf(stderr, "gen_session_vectors: %s\n", what);
	exit(1);
}

static json_t *
hex(const uint8_t *p, size_t n)
{
	char *s = malloc(2 * n + 1);
	json_t *j;

	if (s == NULL)
		die("out of memory");
	crypt_hex(s, p, n);
	j = json_string(s);
	free(s);
	return j;
}

/*
 * A party's fixed keys, each 32 consecutive byte values from base + offset: the Ed25519
 * seed at 0, the presence secret at 0x20, the ephemeral at 0x40, the recognition key at
 * 0x60 (so Ada, base 00, has 00..1f, 20..3f, 40..5f, 60..7f; Bo, base 80, the same + 80).
 */
struct party {
	uint8_t seed[32], presence[32], presence_pk[32], eph[32], rk[PEERMSG_RK_LEN];
	struct identity *id;
};

static void
party_init(struct party *p, uint8_t base)
{
	for (int i = 0; i < 32; i++) {
		p->seed[i] = (uint8_t)(base + i);
		p->presence[i] = (uint8_t)(base + 0x20 + i);
		p->eph[i] = (uint8_t)(base + 0x40 + i);
		p->rk[i] = (uint8_t)(base + 0x60 + i);
	}
	if (identity_from_seed(p->seed, &p->id) < 0 ||
	    crypt_dh_public(p->presence_pk, p->presence) < 0)
		die("keys");
}

static json_t *
party_json(const struct party *p)
{
	uint8_t epk[32];

	if (crypt_dh_public(epk, p->eph) < 0)
		die("ephemeral");
	return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "sign_seed", hex(p->seed, 32),
	                 "presence_secret", hex(p->presence, 32), "ephemeral", hex(p->eph, 32),
	                 "rk", hex(p->rk, PEERMSG_RK_LEN), "sign_pk", hex(p->id->sign_pk, 32),
	                 "presence_pk", hex(p->presence_pk, 32), "ephemeral_pk", hex(epk, 32));
}

static json_t *
encoded(const struct peermsg *m)
{
	uint8_t *buf;
	size_t len;
	json_t *j;

	if (peermsg_encode(m, &buf, &len) < 0)
		die("encode");
	j = hex(buf, len);
	free(buf);
	return j;
}

/* Splits pending output of s into frames, appending one step per frame. */
static void
take_frames(struct session *s, const char *from, const char *const *kinds, json_t *const *payloads,
            int count, json_t *steps)
{
	const uint8_t *d;
	size_t n = session_output(s, &d), off = 0;

	for (int i = 0; i < count; i++) {
		size_t len;

		if (n - off < 2)
			die("missing frame");
		len = 2 + ((size_t)d[off] << 8 | d[off + 1]);
		json_array_append_new(steps, json_pack("{s:s, s:s, s:o, s:o}", "from", from, "kind",
		                                       kinds[i], "payload", payloads[i], "frame",
		                                       hex(d + off, len)));
		off += len;
	}
	if (off != n)
		die("unexpected bytes");
}

/* Delivers everything pending in from to to; returns the last event. */
static enum session_event
deliver(struct session *from, struct session *to)
{
	const uint8_t *d;
	size_t n = session_output(from, &d), off = 0, used;
	enum session_event ev, last = SESSION_EV_NONE;

	while (off < n) {
		if (session_input(to, d + off, n - off, &used, &ev) < 0)
			die(session_reason(to));
		if (ev != SESSION_EV_NONE)
			last = ev;
		off += used;
	}
	session_output_done(from, n);
	return last;
}

/*
 * One exchange. The initiator expects the responder's presence key (as a card back does,
 * and as a send to a recognised contact effectively does); that changes no byte.
 */
static json_t *
transcript(const char *name, const char *desc, struct party *ini, struct party *res,
           const struct peermsg *req, const char *req_kind)
{
	struct session_config ci = { .role = SESSION_INITIATOR,
		                     .static_sk = ini->presence,
		                     .id = ini->id,
		                     .request = req,
		                     .expect_static = res->presence_pk,
		                     .ephemeral = ini->eph };
	struct session_config cr = { .role = SESSION_RESPONDER,
		                     .static_sk = res->presence,
		                     .ephemeral = res->eph,
		                     .now = ISSUED };
	struct peermsg ack = { .type = PEERMSG_ACK };
	struct session *a, *b;
	struct peermsg sent;
	uint8_t hh[NOISE_HASH];
	json_t *steps = json_array();

	if (session_new(&ci, &a) < 0 || session_new(&cr, &b) < 0)
		die("session");
	take_frames(a, "initiator", (const char *[]){ "handshake-1" },
	            (json_t *[]){ json_string("") }, 1, steps);
	deliver(a, b);
	take_frames(b, "responder", (const char *[]){ "handshake-2" },
	            (json_t *[]){ json_string("") }, 1, steps);
	deliver(b, a);
	/* The request as sent: its sig is made over h, which only now exists. */
	if (session_handshake_hash(a, hh) < 0)
		die("no handshake hash");
	sent = *req;
	if (crypt_sign_tagged(sent.sig, ini->id->sign_sk, SESSION_HANDOVER_TAG, hh, NOISE_HASH) < 0)
		die("sign");
	take_frames(a, "initiator", (const char *[]){ "handshake-3", req_kind },
	            (json_t *[]){ json_string(""), encoded(&sent) }, 2, steps);
	if (deliver(a, b) != SESSION_EV_REQUEST || session_answer(b, &ack) < 0)
		die("request not taken");
	if (memcmp(session_peer(b), ini->id->sign_pk, 32) != 0 ||
	    memcmp(session_request(b)->sig, sent.sig, PEERMSG_SIG_LEN) != 0)
		die("request not as sent");
	take_frames(b, "responder", (const char *[]){ "ack" }, (json_t *[]){ encoded(&ack) }, 1,
	            steps);
	if (deliver(b, a) != SESSION_EV_ANSWER || session_handshake_hash(a, hh) < 0)
		die("no answer");
	session_free(a);
	session_free(b);
	return json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:o}", "name", name, "description", desc,
	                 "prologue",
	                 hex((const uint8_t *)SESSION_PROLOGUE, strlen(SESSION_PROLOGUE)),
	                 "initiator", party_json(ini), "responder", party_json(res),
	                 "handshake_hash", hex(hh, NOISE_HASH), "steps", steps);
}

static void
issue(const struct identity *id, const char *name, const char *topic, uint8_t **env, size_t *len)
{
	struct card_fields f;
	struct card_meta meta = { .rev = ISSUED, .issued = ISSUED };
	struct card_error err;

	card_fields_init(&f);
	f.text[CARD_NAME] = strdup(name);
	f.list[CARD_TOPICS - CARD_EMAIL].items = malloc(sizeof(char *));
	f.list[CARD_TOPICS - CARD_EMAIL].items[0] = strdup(topic);
	f.list[CARD_TOPICS - CARD_EMAIL].n = 1;
	if (card_issue(&f, &meta, id->sign_sk, env, len, &err) < 0)
		die("card");
	card_fields_clear(&f);
}

int
main(void)
{
	struct party ada, bo;
	uint8_t *card_ada, *card_bo;
	size_t len_ada, len_bo;
	json_t *list = json_array(), *doc;

	if (crypt_init() < 0)
		die("libsodium");
	party_init(&ada, 0x00);
	party_init(&bo, 0x80);
	issue(ada.id, "Ada Lovelace", "intranets", &card_ada, &len_ada);
	issue(bo.id, "Bo Bartlett", "knowledge management", &card_bo, &len_bo);

	struct peermsg offer = { .type = PEERMSG_OFFER,
		                 .card = card_ada,
		                 .card_len = len_ada,
		                 .note = (char *)"Enjoyed your question about wikis",
		                 .reply = true,
		                 .port = 47001 };
	struct peermsg back = { .type = PEERMSG_CARD, .card = card_bo, .card_len = len_bo };

	memcpy(offer.rk, ada.rk, PEERMSG_RK_LEN);
	memcpy(back.rk, bo.rk, PEERMSG_RK_LEN);
	peermsg_offer_id(card_ada, len_ada, back.re);
	json_array_append_new(
	        list, transcript("offer-ack", "Ada offers her card to Bo, asking for his in return",
	                         &ada, &bo, &offer, "offer"));
	/* The card back runs on the same presence keys: Bo's that received the offer, to
	 * Ada's that sent it. */
	json_array_append_new(list, transcript("card-ack",
	                                       "Bo accepted: his daemon brings his card to Ada's, "
	                                       "naming her offer in re, from the presence key "
	                                       "that received it to the one that sent it",
	                                       &bo, &ada, &back, "card"));
	doc = json_pack(
	        "{s:{s:s, s:s, s:s}, s:o}", "_meta", "description",
	        "wallflower session transcripts (proto/session.md, version 2): every frame on the "
	        "wire of whole exchanges between fixed identities with fixed presence, "
	        "recognition and ephemeral keys.",
	        "generator", "tests/vectors/gen_session_vectors.c", "licence",
	        "Generated by the wallflower project; free to use for any purpose.", "transcripts",
	        list);
	if (doc == NULL || json_dumpf(doc, stdout, JSON_INDENT(1) | JSON_PRESERVE_ORDER) < 0)
		die("json output");
	putchar('\n');
	json_decref(doc);
	identity_free(ada.id);
	identity_free(bo.id);
	free(card_ada);
	free(card_bo);
	return 0;
}
