/*
 * gen_verify_vectors: writes proto/vectors/verify-transcripts.json, every byte on the wire
 * of a verification in person (proto/session.md 9.7) between the fixed Ada and Bo of the
 * session transcripts, with fixed nonces, and the commitment and the code both screens
 * show; and, for a relay, the two codes of Ada's and Bo's sessions with someone in the
 * middle. Deterministic (Ed25519 signatures are); the test suite regenerates and compares.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "wallflower/sas.h"
#include "wallflower/session.h"

static _Noreturn void
die(const char *what)
{
	fprintf(stderr, "gen_verify_vectors: %s\n", what);
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
 * A party's fixed keys, as in gen_session_vectors.c: 32 consecutive byte values from
 * base + offset, the Ed25519 seed at 0, the presence secret at 0x20, the ephemeral at
 * 0x40; and here the verification nonce at 0x70 (Ada 70..8f, Bo f0..0f).
 */
struct party {
	uint8_t seed[32], presence[32], presence_pk[32], eph[32], nonce[SAS_NONCE];
	struct identity *id;
};

static void
party_init(struct party *p, uint8_t base)
{
	for (int i = 0; i < 32; i++) {
		p->seed[i] = (uint8_t)(base + i);
		p->presence[i] = (uint8_t)(base + 0x20 + i);
		p->eph[i] = (uint8_t)(base + 0x40 + i);
		p->nonce[i] = (uint8_t)(base + 0x70 + i);
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
	                 "nonce", hex(p->nonce, SAS_NONCE), "sign_pk", hex(p->id->sign_pk, 32),
	                 "presence_pk", hex(p->presence_pk, 32), "ephemeral_pk", hex(epk, 32));
}

/*
 * Moves what from has queued to to, one step per frame in steps (when steps is not NULL,
 * each frame's plaintext is recorded by the caller's kinds; the frames here). Returns the
 * last event of to.
 */
static enum session_event
deliver(struct session *from, struct session *to, const char *who, const char *const *kinds,
        int count, json_t *steps)
{
	const uint8_t *d;
	size_t n = session_output(from, &d), off = 0, used;
	enum session_event ev, last = SESSION_EV_NONE;

	for (int i = 0; steps != NULL && i < count; i++) {
		size_t len;

		if (n - off < 2)
			die("missing frame");
		len = 2 + ((size_t)d[off] << 8 | d[off + 1]);
		json_array_append_new(steps, json_pack("{s:s, s:s, s:o}", "from", who, "kind",
		                                       kinds[i], "frame", hex(d + off, len)));
		/* (the payloads are added once h is known: add_payloads) */
		off += len;
	}
	if (steps != NULL && off != n)
		die("unexpected bytes");
	off = 0;
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

/* A whole verify from ini to res (whose user is waiting). *code gets the code. */
static json_t *
verify(struct party *ini, struct party *res, uint32_t *code, uint8_t hh[NOISE_HASH])
{
	struct peermsg req = { .type = PEERMSG_VERIFY };
	struct session_config ci = { .role = SESSION_INITIATOR,
		                     .static_sk = ini->presence,
		                     .id = ini->id,
		                     .request = &req,
		                     .ephemeral = ini->eph,
		                     .nonce = ini->nonce };
	struct session_config cr = { .role = SESSION_RESPONDER,
		                     .static_sk = res->presence,
		                     .ephemeral = res->eph,
		                     .nonce = res->nonce };
	struct session *a, *b;
	json_t *steps = json_array();
	uint32_t other;

	if (session_new(&ci, &a) < 0 || session_new(&cr, &b) < 0)
		die("session");
	deliver(a, b, "initiator", (const char *[]){ "handshake-1" }, 1, steps);
	deliver(b, a, "responder", (const char *[]){ "handshake-2" }, 1, steps);
	if (deliver(a, b, "initiator", (const char *[]){ "handshake-3", "verify" }, 2, steps) !=
	            SESSION_EV_REQUEST ||
	    session_verify_reply(b, res->id) < 0)
		die("verify not taken");
	deliver(b, a, "responder", (const char *[]){ "verify-nonce" }, 1, steps);
	if (deliver(a, b, "initiator", (const char *[]){ "verify-open" }, 1, steps) !=
	    SESSION_EV_VERIFIED)
		die("opening not taken");
	if (deliver(b, a, "responder", (const char *[]){ "ack" }, 1, steps) != SESSION_EV_ANSWER ||
	    session_verify_code(a, code) < 0 || session_verify_code(b, &other) < 0 ||
	    *code != other || session_handshake_hash(a, hh) < 0)
		die("no code");
	session_free(a);
	session_free(b);
	return steps;
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

/* Each step's plaintext ("payload"): empty for the handshake, as in the session
 * transcripts; the messages rebuilt from the keys, nonces and h. */
static void
add_payloads(json_t *steps, const struct party *ini, const struct party *res,
             const uint8_t hh[NOISE_HASH])
{
	struct peermsg v = { .type = PEERMSG_VERIFY }, vn = { .type = PEERMSG_VERIFY_NONCE };
	struct peermsg vo = { .type = PEERMSG_VERIFY_OPEN }, ack = { .type = PEERMSG_ACK };
	size_t i;
	json_t *step;

	memcpy(v.key, ini->id->sign_pk, 32);
	sas_commit(v.commit, hh, ini->nonce);
	memcpy(vn.key, res->id->sign_pk, 32);
	memcpy(vn.nonce, res->nonce, SAS_NONCE);
	memcpy(vo.nonce, ini->nonce, SAS_NONCE);
	if (crypt_sign_tagged(v.sig, ini->id->sign_sk, SAS_ID_I_TAG, hh, NOISE_HASH) < 0 ||
	    crypt_sign_tagged(vn.sig, res->id->sign_sk, SAS_ID_R_TAG, hh, NOISE_HASH) < 0)
		die("sign");
	json_array_foreach(steps, i, step)
	{
		const char *kind = json_string_value(json_object_get(step, "kind"));
		const struct peermsg *m = strcmp(kind, "verify") == 0         ? &v
		                          : strcmp(kind, "verify-nonce") == 0 ? &vn
		                          : strcmp(kind, "verify-open") == 0  ? &vo
		                          : strcmp(kind, "ack") == 0          ? &ack
		                                                              : NULL;

		json_object_set_new(step, "payload", m != NULL ? encoded(m) : json_string(""));
	}
}

static json_t *
transcript(struct party *ini, struct party *res)
{
	uint8_t hh[NOISE_HASH], commit[SAS_NONCE];
	char text[SAS_TEXT];
	uint32_t code;
	json_t *steps = verify(ini, res, &code, hh);

	add_payloads(steps, ini, res, hh);
	sas_commit(commit, hh, ini->nonce);
	sas_format(text, code);
	return json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:i, s:s, s:o}", "name", "verify-ack",
	                 "description",
	                 "Ada verifies Bo in person: Bo is waiting to verify; both screens show "
	                 "the code",
	                 "prologue",
	                 hex((const uint8_t *)SESSION_PROLOGUE, strlen(SESSION_PROLOGUE)),
	                 "initiator", party_json(ini), "responder", party_json(res),
	                 "handshake_hash", hex(hh, NOISE_HASH), "commit", hex(commit, SAS_NONCE),
	                 "code", (json_int_t)code, "code_text", text, "steps", steps);
}

/*
 * Someone in the middle, Mo (base 0x40), who holds a session with each: Ada verifies Mo,
 * Mo verifies Bo, Mo passing each the nonce the other used. The two codes differ.
 */
static json_t *
relay(struct party *ada, struct party *mo, struct party *bo)
{
	uint8_t h1[NOISE_HASH], h2[NOISE_HASH];
	uint32_t c1, c2;

	json_decref(verify(ada, mo, &c1, h1));
	json_decref(verify(mo, bo, &c2, h2));
	if (c1 == c2)
		die("the relay's codes are equal");
	return json_pack("{s:s, s:s, s:o, s:o, s:i, s:o, s:i}", "name", "relay", "description",
	                 "Mo in the middle: Ada verifies Mo (session 1) while Mo verifies Bo "
	                 "(session 2), with the same fixed keys and nonces as verify-ack; the "
	                 "codes differ",
	                 "middle", party_json(mo), "handshake_hash_1", hex(h1, NOISE_HASH),
	                 "code_1", (json_int_t)c1, "handshake_hash_2", hex(h2, NOISE_HASH),
	                 "code_2", (json_int_t)c2);
}

int
main(void)
{
	struct party ada, bo, mo;
	json_t *doc;

	if (crypt_init() < 0)
		die("libsodium");
	party_init(&ada, 0x00);
	party_init(&bo, 0x80);
	party_init(&mo, 0x40);
	doc = json_pack("{s:{s:s, s:s, s:s}, s:[o], s:o}", "_meta", "description",
	                "wallflower verification in person (proto/session.md 9.7): every frame on "
	                "the wire of a verify between fixed identities with fixed presence keys, "
	                "ephemeral keys and nonces; the commitment and the code.",
	                "generator", "tests/vectors/gen_verify_vectors.c", "licence",
	                "Generated by the wallflower project; free to use for any purpose.",
	                "transcripts", transcript(&ada, &bo), "relay", relay(&ada, &mo, &bo));
	if (doc == NULL || json_dumpf(doc, stdout, JSON_INDENT(1) | JSON_PRESERVE_ORDER) < 0)
		die("json output");
	putchar('\n');
	json_decref(doc);
	identity_free(ada.id);
	identity_free(bo.id);
	identity_free(mo.id);
	return 0;
}
