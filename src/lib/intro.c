/*
 * intro.c: the objects of an introduction (intro.h; proto/introduction.md is the spec, and
 * this file follows its numbered checks in order). It owns the payload's codec, the
 * checks of sections 4 and 5, and the signing.
 *
 * Everything handed to intro_check comes from anyone, and so does everything inside it
 * (the signer's card, an intro's consent or card, a reply's intro): each document is
 * capped, walked by the wire pre-validator and then decoded, every field is checked, and
 * no field but the structure is believed before the signature is. Inner objects are
 * judged by the same code as outer ones, one level down at most twice (a reply's intro,
 * that intro's ask), never by a count or a depth the input declares. It must never accept
 * an object that a second implementation of the spec would refuse, nor sign one.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "wallflower/intro.h"
#include "wallflower/text.h"
#include "wallflower/wire.h"

#define INTRO_UINT_MAX INT64_MAX /* issued: 2^63 - 1, what time_t and SQLite hold */

static const char *const kind_names[] = {
	[INTRO_ASK] = "ask",
	[INTRO_INTRO] = "intro",
	[INTRO_REPLY] = "reply",
};

static const char *const verdict_names[INTRO_VERDICT_COUNT] = {
	[INTRO_OK] = "ok",
	[INTRO_TOO_BIG] = "too-big",
	[INTRO_MALFORMED] = "malformed",
	[INTRO_UNKNOWN_VERSION] = "unknown-version",
	[INTRO_UNKNOWN_KIND] = "unknown-kind",
	[INTRO_BAD_CARD] = "bad-card",
	[INTRO_BAD_SIGNATURE] = "bad-signature",
	[INTRO_NOT_FOR_YOU] = "not-for-you",
	[INTRO_NOT_YET] = "not-yet",
	[INTRO_EXPIRED] = "expired",
	[INTRO_NO_CONSENT] = "no-consent",
	[INTRO_MISMATCH] = "mismatch",
};

const char *
intro_kind_name(enum intro_kind k)
{
	if (k < INTRO_ASK || k > INTRO_REPLY)
		return "unknown";
	return kind_names[k];
}

const char *
intro_verdict_name(enum intro_verdict v)
{
	if ((unsigned)v >= INTRO_VERDICT_COUNT)
		return "unknown";
	return verdict_names[v];
}

void
intro_free(struct intro *o)
{
	if (o == NULL)
		return;
	free(o->envelope);
	card_free(o->from);
	free(o->note);
	free(o->seek);
	intro_free(o->consent);
	card_free(o->card);
	intro_free(o->re);
	free(o);
}

void
intro_id(const uint8_t *buf, size_t len, uint8_t out[INTRO_ID_LEN])
{
	crypt_hash_tagged(out, INTRO_ID_LEN, INTRO_ID_TAG, buf, len);
}

/* How an object is judged: as the outer one (for self, at now) or as an inner one. */
struct judge {
	const uint8_t *self; /* the identity `to` must equal; NULL for an inner object */
	bool clock;          /* false: a reply's intro, judged without a clock (5.3) */
	uint64_t now;
};

/* What the payload holds beyond struct intro's fields: the envelope's signature and the
 * inner object's bytes, all inside o->envelope. */
struct raw {
	const uint8_t *payload, *sig, *from, *inner;
	size_t payload_len, from_len, inner_len;
	bool inner_is_card; /* an intro's "card" rather than its "consent" */
};

/* Returns the verdict as a -EBADMSG failure. */
static int
refuse(enum intro_verdict *verdict, enum intro_verdict v)
{
	*verdict = v;
	return -EBADMSG;
}

/* A wire failure: -ENOMEM stays what it is, anything else is a malformed object. */
static int
wire_refuse(int r, enum intro_verdict *verdict)
{
	return r == -ENOMEM ? r : refuse(verdict, INTRO_MALFORMED);
}

/* ---- step 2: the envelope ---- */

static int
read_envelope(const struct wire_obj *root, struct raw *raw, enum intro_verdict *verdict)
{
	size_t slen;

	if (wire_type(root) != WIRE_ARRAY || wire_count(root) != 2 ||
	    wire_get_bin(wire_item(root, 0), &raw->payload, &raw->payload_len) < 0 ||
	    wire_get_bin(wire_item(root, 1), &raw->sig, &slen) < 0 || slen != CRYPT_SIG)
		return refuse(verdict, INTRO_MALFORMED);
	return 0;
}

/* ---- step 3: the payload (section 3) ---- */

/* A map of at most INTRO_KEYS_MAX distinct keys, each 1..INTRO_KEY_MAX bytes of text. */
static bool
keys_ok(const struct wire_obj *map)
{
	const char *k[INTRO_KEYS_MAX];
	size_t klen[INTRO_KEYS_MAX], n = wire_count(map);

	if (wire_type(map) != WIRE_MAP || n > INTRO_KEYS_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (wire_get_str(wire_key(map, i), &k[i], &klen[i]) < 0 || klen[i] == 0 ||
		    klen[i] > INTRO_KEY_MAX || text_check(k[i], klen[i], 0) != TEXT_OK)
			return false;
		for (size_t j = 0; j < i; j++)
			if (klen[j] == klen[i] && memcmp(k[j], k[i], klen[i]) == 0)
				return false;
	}
	return true;
}

/* A byte string of min..max bytes: 1 when present, 0 when absent, -1 when wrong. */
static int
field_bin(const struct wire_obj *map, const char *name, size_t min, size_t max, const uint8_t **p,
          size_t *n)
{
	const struct wire_obj *o = wire_map_get(map, name);

	if (o == NULL)
		return 0;
	if (wire_get_bin(o, p, n) < 0 || *n < min || *n > max)
		return -1;
	return 1;
}

/* Text of 1..max bytes without line feed, copied: 1, 0 when absent, -1 when wrong,
 * -ENOMEM. */
static int
field_text(const struct wire_obj *map, const char *name, size_t max, char **out)
{
	const struct wire_obj *o = wire_map_get(map, name);
	const char *s;
	size_t n;

	if (o == NULL)
		return 0;
	if (wire_get_str(o, &s, &n) < 0 || n == 0 || n > max || text_check(s, n, 0) != TEXT_OK)
		return -1;
	if ((*out = strndup(s, n)) == NULL)
		return -ENOMEM;
	return 1;
}

/* v, then k: an unknown version or kind says nothing of the other fields. */
static int
read_version_kind(const struct wire_obj *map, struct intro *o, enum intro_verdict *verdict)
{
	const struct wire_obj *v = wire_map_get(map, "v"), *k = wire_map_get(map, "k");
	uint64_t version;
	const char *s;
	size_t n;

	if (v == NULL || wire_get_uint(v, &version) < 0)
		return refuse(verdict, INTRO_MALFORMED);
	if (version != INTRO_VERSION)
		return refuse(verdict, INTRO_UNKNOWN_VERSION);
	if (k == NULL || wire_get_str(k, &s, &n) < 0)
		return refuse(verdict, INTRO_MALFORMED);
	for (int i = INTRO_ASK; i <= INTRO_REPLY; i++) {
		if (strlen(kind_names[i]) == n && memcmp(kind_names[i], s, n) == 0) {
			o->kind = (enum intro_kind)i;
			return 0;
		}
	}
	return refuse(verdict, INTRO_UNKNOWN_KIND);
}

/* from, to, issued, expires: what every kind has. */
static int
read_common(const struct wire_obj *map, struct intro *o, struct raw *raw,
            enum intro_verdict *verdict)
{
	const struct wire_obj *issued = wire_map_get(map, "issued"),
	                      *expires = wire_map_get(map, "expires");
	const uint8_t *to;
	size_t n;

	if (field_bin(map, "from", 1, CARD_ENVELOPE_MAX, &raw->from, &raw->from_len) != 1 ||
	    field_bin(map, "to", CRYPT_SIGN_PK, CRYPT_SIGN_PK, &to, &n) != 1)
		return refuse(verdict, INTRO_MALFORMED);
	memcpy(o->to, to, CRYPT_SIGN_PK);
	if (issued == NULL || wire_get_uint(issued, &o->issued) < 0 || o->issued > INTRO_UINT_MAX ||
	    expires == NULL || wire_get_uint(expires, &o->expires) < 0)
		return refuse(verdict, INTRO_MALFORMED);
	/* issued <= 2^63 - 1, so the sum cannot wrap. */
	if (o->expires <= o->issued || o->expires > o->issued + INTRO_TTL_MAX ||
	    o->expires > INTRO_UINT_MAX)
		return refuse(verdict, INTRO_MALFORMED);
	return 0;
}

/* rk: checked wherever it is present in an ask or a reply; *need says it is required. */
static int
read_rk(const struct wire_obj *map, bool need, struct intro *o)
{
	const uint8_t *p;
	size_t n;
	int r = field_bin(map, "rk", INTRO_RK_LEN, INTRO_RK_LEN, &p, &n);

	if (r < 0 || (r == 0 && need))
		return -1;
	if (r == 1)
		memcpy(o->rk, p, INTRO_RK_LEN);
	o->has_rk = r == 1;
	return 0;
}

static int
read_ask(const struct wire_obj *map, struct intro *o, enum intro_verdict *verdict)
{
	const struct wire_obj *reply = wire_map_get(map, "reply");
	int r = field_text(map, "for", INTRO_FOR_MAX, &o->seek);

	if (r < 0 && r != -1)
		return r;
	if (r != 1 || reply == NULL || wire_get_bool(reply, &o->reply) < 0 ||
	    read_rk(map, o->reply, o) < 0)
		return refuse(verdict, INTRO_MALFORMED);
	return 0;
}

/* Exactly one of consent and card. */
static int
read_intro(const struct wire_obj *map, struct raw *raw, enum intro_verdict *verdict)
{
	const uint8_t *consent, *card;
	size_t clen, klen;
	int c = field_bin(map, "consent", 1, INTRO_MAX, &consent, &clen);
	int k = field_bin(map, "card", 1, CARD_ENVELOPE_MAX, &card, &klen);

	if (c < 0 || k < 0 || c + k != 1)
		return refuse(verdict, INTRO_MALFORMED);
	raw->inner_is_card = k == 1;
	raw->inner = c == 1 ? consent : card;
	raw->inner_len = c == 1 ? clen : klen;
	return 0;
}

static int
read_reply(const struct wire_obj *map, struct intro *o, struct raw *raw,
           enum intro_verdict *verdict)
{
	if (read_rk(map, true, o) < 0 ||
	    field_bin(map, "re", 1, INTRO_MAX, &raw->inner, &raw->inner_len) != 1)
		return refuse(verdict, INTRO_MALFORMED);
	return 0;
}

static int
read_fields(const struct wire_obj *map, struct intro *o, struct raw *raw,
            enum intro_verdict *verdict)
{
	int r;

	if (!keys_ok(map))
		return refuse(verdict, INTRO_MALFORMED);
	if ((r = read_version_kind(map, o, verdict)) < 0 ||
	    (r = read_common(map, o, raw, verdict)) < 0)
		return r;
	if ((r = field_text(map, "note", INTRO_NOTE_MAX, &o->note)) < 0)
		return r == -1 ? refuse(verdict, INTRO_MALFORMED) : r;
	switch (o->kind) {
	case INTRO_ASK:
		return read_ask(map, o, verdict);
	case INTRO_INTRO:
		return read_intro(map, raw, verdict);
	case INTRO_REPLY:
		return read_reply(map, o, raw, verdict);
	}
	return refuse(verdict, INTRO_UNKNOWN_KIND);
}

static int
read_payload(struct intro *o, struct raw *raw, enum intro_verdict *verdict)
{
	struct wire_doc *doc = NULL;
	int r;

	/* The payload document borrows o->envelope, so the pointers raw keeps stay valid. */
	if ((r = wire_doc_parse(raw->payload, raw->payload_len, INTRO_DEPTH_MAX, &doc)) < 0)
		return wire_refuse(r, verdict);
	r = read_fields(wire_doc_root(doc), o, raw, verdict);
	wire_doc_free(doc);
	return r;
}

/* ---- steps 4 and 5: the signer's card and the signature ---- */

static int
check_signer(struct intro *o, const struct raw *raw, const struct judge *j,
             enum intro_verdict *verdict)
{
	struct card_error err;
	int r;

	if ((r = card_decode(raw->from, raw->from_len, &o->from, &err)) < 0)
		return r == -EBADMSG ? refuse(verdict, INTRO_BAD_CARD) : r;
	if (j->clock && card_check_time(o->from, j->now, &err) < 0)
		return refuse(verdict, INTRO_BAD_CARD);
	r = crypt_verify_tagged(raw->sig, o->from->key, INTRO_SIGN_TAG, raw->payload,
	                        raw->payload_len);
	if (r == -EBADMSG)
		return refuse(verdict, INTRO_BAD_SIGNATURE);
	return r;
}

/*
 * Steps 1 to 5 on len bytes: size, envelope, payload, signer's card, signature. 0 with *out
 * and *raw (pointing into (*out)->envelope); -EBADMSG with *verdict; -ENOMEM.
 */
static int
object_read(const uint8_t *buf, size_t len, const struct judge *j, struct intro **out,
            struct raw *raw, enum intro_verdict *verdict)
{
	struct wire_doc *env = NULL;
	struct intro *o;
	int r;

	*out = NULL;
	memset(raw, 0, sizeof(*raw));
	if (len > INTRO_MAX)
		return refuse(verdict, INTRO_TOO_BIG);
	if ((o = calloc(1, sizeof(*o))) == NULL || (o->envelope = malloc(len ? len : 1)) == NULL) {
		r = -ENOMEM;
		goto out;
	}
	if (len > 0)
		memcpy(o->envelope, buf, len);
	o->len = len;
	if ((r = wire_doc_parse(o->envelope, len, INTRO_DEPTH_MAX, &env)) < 0) {
		r = wire_refuse(r, verdict);
		goto out;
	}
	if ((r = read_envelope(wire_doc_root(env), raw, verdict)) < 0 ||
	    (r = read_payload(o, raw, verdict)) < 0 || (r = check_signer(o, raw, j, verdict)) < 0)
		goto out;
	intro_id(o->envelope, o->len, o->id);
	*out = o;
	o = NULL;
out:
	wire_doc_free(env);
	intro_free(o);
	return r;
}

/* ---- step 8: the kinds (section 5) ---- */

static bool
same_key(const uint8_t *a, const uint8_t *b)
{
	return memcmp(a, b, CRYPT_SIGN_PK) == 0;
}

/* 5.1: nobody asks themself. */
static int
check_ask(const struct intro *o, enum intro_verdict *verdict)
{
	if (same_key(o->from->key, o->to))
		return refuse(verdict, INTRO_MISMATCH);
	return 0;
}

/* Any verdict of an inner object becomes one verdict of the outer (section 5). */
static int
inner_refuse(int r, enum intro_verdict *verdict, enum intro_verdict as)
{
	return r == -EBADMSG ? refuse(verdict, as) : r;
}

/* 5.2.1: the consent, an ask to this introducer, alive (with a clock) and outlived. */
static int
check_consent(struct intro *o, const struct raw *raw, const struct judge *j,
              enum intro_verdict *verdict)
{
	const struct judge inner = { .self = NULL, .clock = j->clock, .now = j->now };
	enum intro_verdict v;
	struct raw craw;
	int r;

	r = object_read(raw->inner, raw->inner_len, &inner, &o->consent, &craw, &v);
	if (r < 0)
		return inner_refuse(r, verdict, INTRO_NO_CONSENT);
	if ((j->clock && o->consent->expires <= j->now) || o->consent->kind != INTRO_ASK ||
	    check_ask(o->consent, &v) < 0 || !same_key(o->consent->to, o->from->key))
		return refuse(verdict, INTRO_NO_CONSENT);
	if (o->expires > o->consent->expires)
		return refuse(verdict, INTRO_MISMATCH);
	o->introduced = o->consent->from;
	return 0;
}

/* 5.2.2: a card that says its owner lets anyone pass it on. */
static int
check_fwd_card(struct intro *o, const struct raw *raw, const struct judge *j,
               enum intro_verdict *verdict)
{
	struct card_error err;
	int r;

	if ((r = card_decode(raw->inner, raw->inner_len, &o->card, &err)) < 0)
		return r == -EBADMSG ? refuse(verdict, INTRO_BAD_CARD) : r;
	if (j->clock && card_check_time(o->card, j->now, &err) < 0)
		return refuse(verdict, INTRO_BAD_CARD);
	if (o->card->f.fwd != 1)
		return refuse(verdict, INTRO_NO_CONSENT);
	o->introduced = o->card;
	return 0;
}

/* 5.2: the consent or the card, then nobody introduced to or by themself. */
static int
check_intro(struct intro *o, const struct raw *raw, const struct judge *j,
            enum intro_verdict *verdict)
{
	int r;

	if (raw->inner_is_card)
		r = check_fwd_card(o, raw, j, verdict);
	else
		r = check_consent(o, raw, j, verdict);
	if (r < 0)
		return r;
	if (same_key(o->introduced->key, o->from->key) || same_key(o->introduced->key, o->to))
		return refuse(verdict, INTRO_MISMATCH);
	return 0;
}

/* 5.3: the intro this reply answers, judged without a clock, and how the two fit. */
static int
check_reply(struct intro *o, const struct raw *raw, enum intro_verdict *verdict)
{
	const struct judge inner = { .self = NULL, .clock = false, .now = 0 };
	enum intro_verdict v;
	struct raw iraw;
	struct intro *re;
	int r;

	r = object_read(raw->inner, raw->inner_len, &inner, &o->re, &iraw, &v);
	if (r < 0)
		return inner_refuse(r, verdict, INTRO_MISMATCH);
	if ((re = o->re) == NULL || re->kind != INTRO_INTRO)
		return refuse(verdict, INTRO_MISMATCH);
	if ((r = check_intro(re, &iraw, &inner, &v)) < 0)
		return inner_refuse(r, verdict, INTRO_MISMATCH);
	if (re->consent == NULL || !re->consent->reply)
		return refuse(verdict, INTRO_NO_CONSENT);
	if (!same_key(re->to, o->from->key) || !same_key(re->introduced->key, o->to))
		return refuse(verdict, INTRO_MISMATCH);
	return 0;
}

/* Steps 6 to 8 for an outer object. */
static int
object_judge(struct intro *o, const struct raw *raw, const struct judge *j,
             enum intro_verdict *verdict)
{
	if (!same_key(o->to, j->self))
		return refuse(verdict, INTRO_NOT_FOR_YOU);
	if (o->issued > j->now && o->issued - j->now > INTRO_SKEW)
		return refuse(verdict, INTRO_NOT_YET);
	if (o->expires <= j->now)
		return refuse(verdict, INTRO_EXPIRED);
	switch (o->kind) {
	case INTRO_ASK:
		return check_ask(o, verdict);
	case INTRO_INTRO:
		return check_intro(o, raw, j, verdict);
	case INTRO_REPLY:
		return check_reply(o, raw, verdict);
	}
	return refuse(verdict, INTRO_UNKNOWN_KIND);
}

int
intro_check(const uint8_t *buf, size_t len, const uint8_t *self, uint64_t now, struct intro **out,
            enum intro_verdict *verdict)
{
	const struct judge j = { .self = self, .clock = true, .now = now };
	struct intro *o = NULL;
	struct raw raw;
	int r;

	*out = NULL;
	*verdict = INTRO_OK;
	if ((r = object_read(buf, len, &j, &o, &raw, verdict)) < 0 ||
	    (r = object_judge(o, &raw, &j, verdict)) < 0) {
		intro_free(o);
		if (r != -EBADMSG)
			*verdict = INTRO_OK; /* no verdict: memory ran short */
		return r;
	}
	*out = o;
	return 0;
}

/* ---- making ---- */

static uint32_t
count_entries(const struct intro_params *p)
{
	uint32_t n = 6 + (p->note != NULL); /* v, k, from, to, issued, expires */

	switch (p->kind) {
	case INTRO_ASK:
		return n + (p->seek != NULL) + 1 + (p->reply && p->rk != NULL);
	case INTRO_INTRO:
		return n + (p->inner != NULL);
	case INTRO_REPLY:
		return n + (p->rk != NULL) + (p->inner != NULL);
	}
	return n;
}

/* The payload in the key order of section 3. A field the parameters lack is left out,
 * and the check that follows refuses the object. */
static void
put_payload(struct wire_out *w, const struct intro_params *p)
{
	wire_put_map(w, count_entries(p));
	wire_put_cstr(w, "v");
	wire_put_uint(w, INTRO_VERSION);
	wire_put_cstr(w, "k");
	wire_put_cstr(w, kind_names[p->kind]);
	wire_put_cstr(w, "from");
	wire_put_bin(w, p->from, p->from_len);
	wire_put_cstr(w, "to");
	wire_put_bin(w, p->to, CRYPT_SIGN_PK);
	wire_put_cstr(w, "issued");
	wire_put_uint(w, p->issued);
	wire_put_cstr(w, "expires");
	wire_put_uint(w, p->expires);
	if (p->note != NULL) {
		wire_put_cstr(w, "note");
		wire_put_cstr(w, p->note);
	}
	if (p->kind == INTRO_ASK) {
		if (p->seek != NULL) {
			wire_put_cstr(w, "for");
			wire_put_cstr(w, p->seek);
		}
		wire_put_cstr(w, "reply");
		wire_put_bool(w, p->reply);
	}
	if (p->rk != NULL && (p->kind == INTRO_REPLY || (p->kind == INTRO_ASK && p->reply))) {
		wire_put_cstr(w, "rk");
		wire_put_bin(w, p->rk, INTRO_RK_LEN);
	}
	if (p->inner != NULL && p->kind != INTRO_ASK) {
		wire_put_cstr(w, p->kind == INTRO_REPLY ? "re"
		                 : p->inner_is_card     ? "card"
		                                        : "consent");
		wire_put_bin(w, p->inner, p->inner_len);
	}
}

/* Payload, signature, envelope: the bytes of section 2. */
static int
encode(const struct intro_params *p, const struct identity *id, uint8_t **out, size_t *len)
{
	struct wire_out *w = NULL;
	uint8_t *payload = NULL, sig[CRYPT_SIG];
	size_t plen;
	int r;

	if ((r = wire_out_new(INTRO_MAX, &w)) < 0)
		return r;
	put_payload(w, p);
	if ((r = wire_out_take(w, &payload, &plen)) < 0 ||
	    (r = crypt_sign_tagged(sig, id->sign_sk, INTRO_SIGN_TAG, payload, plen)) < 0)
		goto out;
	wire_put_array(w, 2);
	wire_put_bin(w, payload, plen);
	wire_put_bin(w, sig, CRYPT_SIG);
	r = wire_out_take(w, out, len);
out:
	free(payload);
	wire_out_free(w);
	return r;
}

int
intro_make(const struct intro_params *p, const struct identity *id, uint8_t **out, size_t *len,
           enum intro_verdict *verdict)
{
	struct intro *o = NULL;
	uint8_t *env = NULL;
	size_t n = 0;
	int r;

	*out = NULL;
	*len = 0;
	*verdict = INTRO_OK;
	if (p->kind < INTRO_ASK || p->kind > INTRO_REPLY) {
		*verdict = INTRO_UNKNOWN_KIND;
		return -EINVAL;
	}
	if (p->from == NULL || p->to == NULL) {
		*verdict = INTRO_MALFORMED;
		return -EINVAL;
	}
	if ((r = encode(p, id, &env, &n)) == -EMSGSIZE)
		*verdict = INTRO_TOO_BIG;
	if (r < 0)
		return r;
	/* What we send, its recipient would take: checked as it will be, at its birth. */
	r = intro_check(env, n, p->to, p->issued, &o, verdict);
	intro_free(o);
	if (r < 0) {
		free(env);
		return r == -EBADMSG ? -EINVAL : r;
	}
	*out = env;
	*len = n;
	return 0;
}
