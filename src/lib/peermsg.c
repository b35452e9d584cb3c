/*
 * peermsg.c: the application message codec (proto/session.md). It trusts no byte: input
 * passes the wire pre-validator and then one rule per field; text passes the same
 * character policy as cards. It never allocates from a declared size, only from checked
 * lengths, and never interprets the card it carries.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "wallflower/intro.h"
#include "wallflower/peermsg.h"
#include "wallflower/text.h"
#include "wallflower/wire.h"

static const char *const type_names[] = {
	[PEERMSG_OFFER] = "offer",
	[PEERMSG_ACK] = "ack",
	[PEERMSG_CARD] = "card",
	[PEERMSG_ERROR] = "error",
	[PEERMSG_VERIFY] = "verify",
	[PEERMSG_VERIFY_NONCE] = "verify-nonce",
	[PEERMSG_VERIFY_OPEN] = "verify-open",
	[PEERMSG_INTRO] = "intro",
};

static const char *const code_names[] = {
	[PEERMSG_E_MALFORMED] = "malformed",
	[PEERMSG_E_UNSUPPORTED] = "unsupported",
	[PEERMSG_E_BAD_CARD] = "bad-card",
	[PEERMSG_E_NOT_YOURS] = "not-yours",
	[PEERMSG_E_BUSY] = "busy",
	[PEERMSG_E_INTERNAL] = "internal",
	[PEERMSG_E_NOT_WAITING] = "not-waiting",
	[PEERMSG_E_BAD_COMMIT] = "bad-commit",
	[PEERMSG_E_BAD_INTRO] = "bad-intro",
};

const char *
peermsg_type_name(enum peermsg_type type)
{
	if (type < PEERMSG_OFFER || type > PEERMSG_INTRO)
		return "unknown";
	return type_names[type];
}

const char *
peermsg_code_name(uint16_t code)
{
	if (code < PEERMSG_E_MALFORMED || code > PEERMSG_E_BAD_INTRO)
		return "unknown";
	return code_names[code];
}

bool
peermsg_code_retry(uint16_t code)
{
	return code == PEERMSG_E_BUSY || code == PEERMSG_E_INTERNAL;
}

void
peermsg_offer_id(const uint8_t *card, size_t card_len, uint8_t out[PEERMSG_ID_LEN])
{
	crypt_hash_tagged(out, PEERMSG_ID_LEN, PEERMSG_ID_TAG, card, card_len);
}

void
peermsg_free(struct peermsg *m)
{
	if (m == NULL)
		return;
	free(m->card);
	free(m->note);
	free(m->text);
	free(m->obj);
	free(m);
}

/* Optional text: non-empty, within max bytes, one line, no control or bidi characters. */
static bool
text_ok(const char *s, size_t n, size_t max)
{
	return n > 0 && n <= max && text_check(s, n, 0) == TEXT_OK;
}

static bool
card_ok(const uint8_t *card, size_t len)
{
	return card != NULL && len > 0 && len <= CARD_ENVELOPE_MAX;
}

/* An introduction object: its content is intro_check's to judge, not the codec's. */
static bool
obj_ok(const uint8_t *obj, size_t len)
{
	return obj != NULL && len > 0 && len <= INTRO_MAX;
}

/* The rules a message must meet, on both sides: what we send, we would accept. */
static int
check(const struct peermsg *m)
{
	switch (m->type) {
	case PEERMSG_OFFER:
		if (!card_ok(m->card, m->card_len) || (m->reply && m->port == 0))
			return -EINVAL;
		if (m->note != NULL && !text_ok(m->note, strlen(m->note), PEERMSG_NOTE_MAX))
			return -EINVAL;
		return 0;
	case PEERMSG_ACK:
		return 0;
	case PEERMSG_CARD:
		return card_ok(m->card, m->card_len) ? 0 : -EINVAL;
	case PEERMSG_ERROR:
		if (m->code == 0)
			return -EINVAL;
		if (m->text != NULL && !text_ok(m->text, strlen(m->text), PEERMSG_TEXT_MAX))
			return -EINVAL;
		return 0;
	case PEERMSG_VERIFY:
	case PEERMSG_VERIFY_NONCE:
	case PEERMSG_VERIFY_OPEN:
		return 0;
	case PEERMSG_INTRO:
		return obj_ok(m->obj, m->obj_len) ? 0 : -EINVAL;
	}
	return -EINVAL;
}

/* The fields an offer and a card share, after "t": card, sig, rk. */
static void
put_handover(struct wire_out *w, const struct peermsg *m)
{
	wire_put_cstr(w, "card");
	wire_put_bin(w, m->card, m->card_len);
	wire_put_cstr(w, "sig");
	wire_put_bin(w, m->sig, PEERMSG_SIG_LEN);
	wire_put_cstr(w, "rk");
	wire_put_bin(w, m->rk, PEERMSG_RK_LEN);
}

static void
put_fields(struct wire_out *w, const struct peermsg *m)
{
	switch (m->type) {
	case PEERMSG_OFFER:
		wire_put_map(w, 5 + (m->note != NULL) + (m->reply ? 1 : 0));
		wire_put_cstr(w, "t");
		wire_put_cstr(w, "offer");
		put_handover(w, m);
		if (m->note != NULL) {
			wire_put_cstr(w, "note");
			wire_put_cstr(w, m->note);
		}
		wire_put_cstr(w, "reply");
		wire_put_bool(w, m->reply);
		if (m->reply) {
			wire_put_cstr(w, "port");
			wire_put_uint(w, m->port);
		}
		return;
	case PEERMSG_ACK:
		wire_put_map(w, 1);
		wire_put_cstr(w, "t");
		wire_put_cstr(w, "ack");
		return;
	case PEERMSG_CARD:
		wire_put_map(w, 5);
		wire_put_cstr(w, "t");
		wire_put_cstr(w, "card");
		put_handover(w, m);
		wire_put_cstr(w, "re");
		wire_put_bin(w, m->re, PEERMSG_ID_LEN);
		return;
	case PEERMSG_ERROR:
		wire_put_map(w, 2 + (m->text != NULL));
		wire_put_cstr(w, "t");
		wire_put_cstr(w, "error");
		wire_put_cstr(w, "code");
		wire_put_uint(w, m->code);
		if (m->text != NULL) {
			wire_put_cstr(w, "msg");
			wire_put_cstr(w, m->text);
		}
		return;
	case PEERMSG_VERIFY:
	case PEERMSG_VERIFY_NONCE:
		wire_put_map(w, 4);
		wire_put_cstr(w, "t");
		wire_put_cstr(w, type_names[m->type]);
		wire_put_cstr(w, "key");
		wire_put_bin(w, m->key, PEERMSG_KEY_LEN);
		wire_put_cstr(w, "sig");
		wire_put_bin(w, m->sig, PEERMSG_SIG_LEN);
		if (m->type == PEERMSG_VERIFY) {
			wire_put_cstr(w, "commit");
			wire_put_bin(w, m->commit, PEERMSG_NONCE_LEN);
		} else {
			wire_put_cstr(w, "nonce");
			wire_put_bin(w, m->nonce, PEERMSG_NONCE_LEN);
		}
		return;
	case PEERMSG_VERIFY_OPEN:
		wire_put_map(w, 2);
		wire_put_cstr(w, "t");
		wire_put_cstr(w, "verify-open");
		wire_put_cstr(w, "nonce");
		wire_put_bin(w, m->nonce, PEERMSG_NONCE_LEN);
		return;
	case PEERMSG_INTRO:
		wire_put_map(w, 2);
		wire_put_cstr(w, "t");
		wire_put_cstr(w, "intro");
		wire_put_cstr(w, "obj");
		wire_put_bin(w, m->obj, m->obj_len);
		return;
	}
}

int
peermsg_encode(const struct peermsg *m, uint8_t **out, size_t *len)
{
	struct wire_out *w;
	int r;

	*out = NULL;
	*len = 0;
	if ((r = check(m)) < 0)
		return r;
	if ((r = wire_out_new(PEERMSG_MAX, &w)) < 0)
		return r;
	put_fields(w, m);
	r = wire_out_take(w, out, len);
	wire_out_free(w);
	return r;
}

/* ---- decoding ---- */

struct reader {
	const struct wire_obj *map;
	const char **why;
};

static int
bad(struct reader *rd, const char *why)
{
	if (rd->why != NULL)
		*rd->why = why;
	return -EBADMSG;
}

/* A map of at most PEERMSG_KEYS_MAX distinct short text keys. */
static int
read_keys(struct reader *rd)
{
	const char *k[PEERMSG_KEYS_MAX];
	size_t klen[PEERMSG_KEYS_MAX], n = wire_count(rd->map);

	if (wire_type(rd->map) != WIRE_MAP)
		return bad(rd, "message is not a map");
	if (n > PEERMSG_KEYS_MAX)
		return bad(rd, "too many keys");
	for (size_t i = 0; i < n; i++) {
		if (wire_get_str(wire_key(rd->map, i), &k[i], &klen[i]) < 0 || klen[i] == 0 ||
		    klen[i] > PEERMSG_KEY_MAX || text_check(k[i], klen[i], 0) != TEXT_OK)
			return bad(rd, "a key is not a short string");
		for (size_t j = 0; j < i; j++)
			if (klen[j] == klen[i] && memcmp(k[j], k[i], klen[i]) == 0)
				return bad(rd, "duplicate key");
	}
	return 0;
}

/* The value of key name in the message (keys are known to be distinct), or NULL. */
static const struct wire_obj *
lookup(const struct reader *rd, const char *name)
{
	return wire_map_get(rd->map, name);
}

static int
read_type(struct reader *rd, enum peermsg_type *type)
{
	const struct wire_obj *o = lookup(rd, "t");
	const char *s;
	size_t n;

	if (o == NULL || wire_get_str(o, &s, &n) < 0)
		return bad(rd, "no type (\"t\")");
	for (int t = PEERMSG_OFFER; t <= PEERMSG_INTRO; t++) {
		if (strlen(type_names[t]) == n && memcmp(type_names[t], s, n) == 0) {
			*type = (enum peermsg_type)t;
			return 0;
		}
	}
	if (rd->why != NULL)
		*rd->why = "unknown message type";
	return -EPROTONOSUPPORT;
}

/* A required byte string of exactly len bytes, copied to out. */
static int
read_fixed(struct reader *rd, const char *name, size_t len, uint8_t *out, const char *why)
{
	const struct wire_obj *o = lookup(rd, name);
	const uint8_t *p;
	size_t n;

	if (o == NULL || wire_get_bin(o, &p, &n) < 0 || n != len)
		return bad(rd, why);
	memcpy(out, p, len);
	return 0;
}

/* What an offer and a card share: the card, its handover signature, the sender's rk. */
static int
read_handover(struct reader *rd, struct peermsg *m)
{
	const struct wire_obj *o = lookup(rd, "card");
	const uint8_t *p;
	size_t n;
	int r;

	if (o == NULL || wire_get_bin(o, &p, &n) < 0 || !card_ok(p, n))
		return bad(rd, "\"card\" is not a card-sized bin");
	if ((r = read_fixed(rd, "sig", PEERMSG_SIG_LEN, m->sig,
	                    "\"sig\" is not a 64-byte signature")) < 0 ||
	    (r = read_fixed(rd, "rk", PEERMSG_RK_LEN, m->rk,
	                    "\"rk\" is not a 32-byte recognition key")) < 0)
		return r;
	if ((m->card = malloc(n)) == NULL)
		return -ENOMEM;
	memcpy(m->card, p, n);
	m->card_len = n;
	return 0;
}

/* An optional text field, copied. */
static int
read_text(struct reader *rd, const char *name, size_t max, char **out)
{
	const struct wire_obj *o = lookup(rd, name);
	const char *s;
	size_t n;

	if (o == NULL)
		return 0;
	if (wire_get_str(o, &s, &n) < 0 || !text_ok(s, n, max))
		return bad(rd, "a text field is not short, valid, one-line text");
	if ((*out = strndup(s, n)) == NULL)
		return -ENOMEM;
	return 0;
}

/* A required uint in 1..65535. */
static int
read_u16(struct reader *rd, const char *name, uint16_t *v)
{
	const struct wire_obj *o = lookup(rd, name);
	uint64_t u;

	if (o == NULL || wire_get_uint(o, &u) < 0 || u == 0 || u > UINT16_MAX)
		return bad(rd, "a number is missing or out of range 1..65535");
	*v = (uint16_t)u;
	return 0;
}

static int
read_offer(struct reader *rd, struct peermsg *m)
{
	const struct wire_obj *o;
	int r;

	if ((r = read_handover(rd, m)) < 0 ||
	    (r = read_text(rd, "note", PEERMSG_NOTE_MAX, &m->note)) < 0)
		return r;
	if ((o = lookup(rd, "reply")) == NULL || wire_get_bool(o, &m->reply) < 0)
		return bad(rd, "\"reply\" is not a boolean");
	return m->reply ? read_u16(rd, "port", &m->port) : 0;
}

static int
read_answer_card(struct reader *rd, struct peermsg *m)
{
	int r;

	if ((r = read_handover(rd, m)) < 0)
		return r;
	return read_fixed(rd, "re", PEERMSG_ID_LEN, m->re, "\"re\" is not a 32-byte offer id");
}

/* verify and verify-nonce: who the sender is, its signature over the session, and a
 * commitment (verify) or a nonce (verify-nonce). */
static int
read_verify(struct reader *rd, struct peermsg *m)
{
	int r;

	if ((r = read_fixed(rd, "key", PEERMSG_KEY_LEN, m->key,
	                    "\"key\" is not a 32-byte identity")) < 0 ||
	    (r = read_fixed(rd, "sig", PEERMSG_SIG_LEN, m->sig,
	                    "\"sig\" is not a 64-byte signature")) < 0)
		return r;
	if (m->type == PEERMSG_VERIFY)
		return read_fixed(rd, "commit", PEERMSG_NONCE_LEN, m->commit,
		                  "\"commit\" is not 32 bytes");
	return read_fixed(rd, "nonce", PEERMSG_NONCE_LEN, m->nonce, "\"nonce\" is not 32 bytes");
}

/* An introduction object, copied as bytes: intro_check judges what it says. */
static int
read_obj(struct reader *rd, struct peermsg *m)
{
	const struct wire_obj *o = lookup(rd, "obj");
	const uint8_t *p;
	size_t n;

	if (o == NULL || wire_get_bin(o, &p, &n) < 0 || !obj_ok(p, n))
		return bad(rd, "\"obj\" is not an object-sized bin");
	if ((m->obj = malloc(n)) == NULL)
		return -ENOMEM;
	memcpy(m->obj, p, n);
	m->obj_len = n;
	return 0;
}

static int
read_body(struct reader *rd, struct peermsg *m)
{
	int r;

	if ((r = read_keys(rd)) < 0 || (r = read_type(rd, &m->type)) < 0)
		return r;
	switch (m->type) {
	case PEERMSG_OFFER:
		return read_offer(rd, m);
	case PEERMSG_ACK:
		return 0;
	case PEERMSG_CARD:
		return read_answer_card(rd, m);
	case PEERMSG_ERROR:
		if ((r = read_u16(rd, "code", &m->code)) < 0)
			return r;
		return read_text(rd, "msg", PEERMSG_TEXT_MAX, &m->text);
	case PEERMSG_VERIFY:
	case PEERMSG_VERIFY_NONCE:
		return read_verify(rd, m);
	case PEERMSG_VERIFY_OPEN:
		return read_fixed(rd, "nonce", PEERMSG_NONCE_LEN, m->nonce,
		                  "\"nonce\" is not 32 bytes");
	case PEERMSG_INTRO:
		return read_obj(rd, m);
	}
	return bad(rd, "unknown message type");
}

int
peermsg_decode(const uint8_t *buf, size_t len, struct peermsg **out, const char **why)
{
	struct wire_doc *doc = NULL;
	struct peermsg *m = NULL;
	struct reader rd = { .why = why };
	int r;

	*out = NULL;
	if (why != NULL)
		*why = NULL;
	if (len > PEERMSG_MAX) {
		if (why != NULL)
			*why = "message too large";
		return -EMSGSIZE;
	}
	if ((r = wire_doc_parse(buf, len, PEERMSG_DEPTH_MAX, &doc)) < 0) {
		if (r == -ENOMEM)
			return r;
		return bad(&rd, "not one well-formed msgpack value within limits");
	}
	if ((m = calloc(1, sizeof(*m))) == NULL) {
		r = -ENOMEM;
		goto out;
	}
	rd.map = wire_doc_root(doc);
	if ((r = read_body(&rd, m)) < 0)
		goto out;
	*out = m;
	m = NULL;
out:
	peermsg_free(m);
	wire_doc_free(doc);
	return r;
}
