/*
 * gen_intro_vectors: writes proto/vectors/introduction.json, the objects of an
 * introduction (proto/introduction.md) made from fixed keys and times, and the verdict a
 * receiver with a given identity and clock reaches for each: valid asks, intros and
 * replies, and one crafted case for every check of sections 4 and 5.
 *
 * Valid objects come from intro_make, the reference encoder. Broken ones come from a
 * builder of its own (struct mk), which writes any keys, in any order, signed by anyone,
 * so that each case breaks exactly one rule and would pass without the check it targets.
 * Every verdict is declared by hand, and the generator dies when intro_check disagrees.
 *
 * tests/unit/test_intro.c compiles this file in (with INTRO_CASES_ONLY) to run each case
 * as a named test; the suite also regenerates the file and compares it with the committed
 * one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "wallflower/identity.h"
#include "wallflower/intro.h"
#include "wallflower/wire.h"

#define T0      1780000000ull /* when Ada asks (2026-05-28) */
#define T_CARD  (T0 - 86400)  /* when the cards were issued */
#define T_NOW   (T0 + 3600)   /* the receiver's clock, unless a case says otherwise */
#define T_INTRO (T0 + 1800)   /* when Grace introduces */
#define T_REPLY (T0 + 3000)   /* when Linus replies */

static _Noreturn void
gen_die(const char *what)
{
	fprintf(stderr, "gen_intro_vectors: %s\n", what);
	exit(1);
}

/* One person: an identity from a fixed seed (32 copies of a byte), a recognition key,
 * and cards. */
struct party {
	const char *name;
	uint8_t seed[CRYPT_SIGN_SEED];
	struct identity *id;
	uint8_t rk[INTRO_RK_LEN];
	uint8_t *card, *card_fwd, *card_expired, *card_broken;
	size_t card_len, card_fwd_len, card_expired_len, card_broken_len;
};

/* Ada asks, Grace is the hub, Linus is introduced to Ada, Mallory is another hub. */
static struct party ada = { .name = "Ada Lovelace" }, grace = { .name = "Grace Hopper" },
                    linus = { .name = "Linus Pauling" }, mallory = { .name = "Mallory Ward" };

static void
card_make(const struct party *p, int fwd, uint64_t expires, uint8_t **out, size_t *len)
{
	const struct card_meta meta = { .rev = 1, .issued = T_CARD, .expires = expires };
	struct card_fields f;
	struct card_error err;

	card_fields_init(&f);
	f.fwd = fwd;
	if ((f.text[CARD_NAME] = strdup(p->name)) == NULL ||
	    card_issue(&f, &meta, p->id->sign_sk, out, len, &err) < 0)
		gen_die("card");
	card_fields_clear(&f);
}

static void
party_init(struct party *p, uint8_t s)
{
	memset(p->seed, s, sizeof(p->seed));
	memset(p->rk, s ^ 0xff, sizeof(p->rk));
	if (identity_from_seed(p->seed, &p->id) < 0)
		gen_die("identity");
	card_make(p, -1, 0, &p->card, &p->card_len);
	card_make(p, 1, 0, &p->card_fwd, &p->card_fwd_len);
	card_make(p, 1, T0 + 60, &p->card_expired, &p->card_expired_len);
	/* The card with one bit of its signature changed: it fails proto/card.md 9. */
	if ((p->card_broken = malloc(p->card_len)) == NULL)
		gen_die("memory");
	memcpy(p->card_broken, p->card, p->card_len);
	p->card_broken[p->card_len - 1] ^= 0x01;
	p->card_broken_len = p->card_len;
}

static void
parties_init(void)
{
	if (crypt_init() < 0)
		gen_die("crypt_init");
	party_init(&ada, 0xa1);
	party_init(&grace, 0xb2);
	party_init(&linus, 0xc3);
	party_init(&mallory, 0xd4);
}

/* ---- the builder: any payload, signed by anyone ---- */

struct bytes {
	uint8_t *p;
	size_t n;
};

/* What a payload holds. Absent: NULL pointers, reply -1, v 0 (then 1 is written). */
struct mk {
	const char *k;
	uint64_t v;
	const struct party *signer; /* signs; from is their card unless from is set */
	struct bytes from;
	const uint8_t *to;
	uint64_t issued, expires;
	const char *note, *seek;
	int reply;
	const uint8_t *rk;
	struct bytes consent, card, re;
	/* Damage and license: */
	unsigned extra;      /* unknown keys "x0", "x1", ... with nil values */
	const char *raw_key; /* one more key, with raw_val (msgpack bytes) */
	struct bytes raw_val;
	bool dup_v;                /* "v" a second time */
	bool reverse;              /* keys in reverse order */
	bool wide;                 /* integers as uint64 (cf), not their shortest form */
	bool drop_to, drop_issued; /* leave a required field out */
};

struct entry {
	uint8_t *p; /* key and value, encoded */
	size_t n;
};

static void
entry_add(struct entry *e, size_t *n, struct wire_out *w)
{
	if (wire_out_take(w, &e[*n].p, &e[*n].n) < 0)
		gen_die("encode");
	(*n)++;
	wire_out_free(w);
}

static struct wire_out *
key(const char *name)
{
	struct wire_out *w;

	if (wire_out_new(8192, &w) < 0)
		gen_die("memory");
	wire_put_cstr(w, name);
	return w;
}

static void
add_bin(struct entry *e, size_t *n, const char *name, const uint8_t *p, size_t len)
{
	struct wire_out *w = key(name);

	wire_put_bin(w, p, len);
	entry_add(e, n, w);
}

static void
add_str(struct entry *e, size_t *n, const char *name, const char *s)
{
	struct wire_out *w = key(name);

	wire_put_cstr(w, s);
	entry_add(e, n, w);
}

static void
add_raw(struct entry *e, size_t *n, const char *name, const struct bytes *v)
{
	struct wire_out *w = key(name);
	struct entry *x;
	uint8_t *p;

	entry_add(e, n, w);
	x = &e[*n - 1];
	if ((p = realloc(x->p, x->n + v->n)) == NULL)
		gen_die("memory");
	memcpy(p + x->n, v->p, v->n);
	x->p = p;
	x->n += v->n;
}

/* An integer entry: its shortest form, or (wide) the uint64 form cf and 8 bytes. */
static void
add_int(struct entry *e, size_t *n, const char *name, uint64_t v, bool wide)
{
	uint8_t b[9] = { 0xcf };
	struct wire_out *w;

	if (wide) {
		for (int i = 0; i < 8; i++)
			b[1 + i] = (uint8_t)(v >> (56 - 8 * i));
		add_raw(e, n, name, &(struct bytes){ b, sizeof(b) });
		return;
	}
	w = key(name);
	wire_put_uint(w, v);
	entry_add(e, n, w);
}

/* The entries of m in the order of section 3. */
static size_t
mk_entries(const struct mk *m, struct entry *e)
{
	size_t n = 0;
	struct wire_out *w;

	add_int(e, &n, "v", m->v ? m->v : INTRO_VERSION, m->wide);
	add_str(e, &n, "k", m->k);
	add_bin(e, &n, "from", m->from.p ? m->from.p : m->signer->card,
	        m->from.p ? m->from.n : m->signer->card_len);
	if (!m->drop_to)
		add_bin(e, &n, "to", m->to, CRYPT_SIGN_PK);
	if (!m->drop_issued)
		add_int(e, &n, "issued", m->issued, m->wide);
	add_int(e, &n, "expires", m->expires, m->wide);
	if (m->note)
		add_str(e, &n, "note", m->note);
	if (m->seek)
		add_str(e, &n, "for", m->seek);
	if (m->reply >= 0) {
		w = key("reply");
		wire_put_bool(w, m->reply == 1);
		entry_add(e, &n, w);
	}
	if (m->rk)
		add_bin(e, &n, "rk", m->rk, INTRO_RK_LEN);
	if (m->consent.p)
		add_bin(e, &n, "consent", m->consent.p, m->consent.n);
	if (m->card.p)
		add_bin(e, &n, "card", m->card.p, m->card.n);
	if (m->re.p)
		add_bin(e, &n, "re", m->re.p, m->re.n);
	for (unsigned i = 0; i < m->extra; i++) {
		char name[16];

		snprintf(name, sizeof(name), "x%u", i);
		w = key(name);
		wire_put_nil(w);
		entry_add(e, &n, w);
	}
	if (m->raw_key)
		add_raw(e, &n, m->raw_key, &m->raw_val);
	if (m->dup_v)
		add_int(e, &n, "v", INTRO_VERSION, false);
	return n;
}

static void
buf_put(uint8_t *buf, size_t *len, size_t cap, const void *p, size_t n)
{
	if (n > cap - *len)
		gen_die("object too large for the builder");
	memcpy(buf + *len, p, n);
	*len += n;
}

/* The envelope of m: [payload, sig], with the shortest headers (section 2). */
static struct bytes
mk_build(const struct mk *m)
{
	enum { CAP = 16384 };
	struct entry e[40] = { 0 };
	uint8_t payload[CAP], sig[CRYPT_SIG], h[3];
	size_t n = mk_entries(m, e), plen = 0;
	struct bytes out;

	h[0] = n < 16 ? (uint8_t)(0x80 | n) : 0xde;
	h[1] = 0;
	h[2] = (uint8_t)n;
	buf_put(payload, &plen, CAP, h, n < 16 ? 1 : 3);
	for (size_t i = 0; m->reverse && i < n / 2; i++) {
		struct entry t = e[i];

		e[i] = e[n - 1 - i];
		e[n - 1 - i] = t;
	}
	for (size_t i = 0; i < n; i++)
		buf_put(payload, &plen, CAP, e[i].p, e[i].n);
	for (size_t i = 0; i < sizeof(e) / sizeof(e[0]); i++) /* every slot: unused ones are NULL */
		free(e[i].p);
	if (crypt_sign_tagged(sig, m->signer->id->sign_sk, INTRO_SIGN_TAG, payload, plen) < 0 ||
	    (out.p = malloc(plen + 6 + CRYPT_SIG)) == NULL)
		gen_die("sign");
	out.n = 0;
	h[0] = 0x92;
	buf_put(out.p, &out.n, plen + 6 + CRYPT_SIG, h, 1);
	h[0] = plen < 256 ? 0xc4 : 0xc5;
	h[1] = plen < 256 ? (uint8_t)plen : (uint8_t)(plen >> 8);
	h[2] = (uint8_t)plen;
	buf_put(out.p, &out.n, plen + 6 + CRYPT_SIG, h, plen < 256 ? 2 : 3);
	buf_put(out.p, &out.n, plen + 6 + CRYPT_SIG, payload, plen);
	h[0] = 0xc4;
	h[1] = CRYPT_SIG;
	buf_put(out.p, &out.n, plen + 6 + CRYPT_SIG, h, 2);
	buf_put(out.p, &out.n, plen + 6 + CRYPT_SIG, sig, CRYPT_SIG);
	return out;
}

/* The baselines: what each kind of valid object holds, before a case changes it. */
static struct mk
mk_ask(void)
{
	return (struct mk){ .k = "ask",
		            .signer = &ada,
		            .to = grace.id->sign_pk,
		            .issued = T0,
		            .expires = T0 + INTRO_TTL,
		            .note = "We met at Intranet Now; you know everyone.",
		            .seek = "people who run intranets for charities",
		            .reply = 1,
		            .rk = ada.rk };
}

static struct mk
mk_intro(struct bytes consent)
{
	return (struct mk){ .k = "intro",
		            .signer = &grace,
		            .to = linus.id->sign_pk,
		            .issued = T_INTRO,
		            .expires = T0 + INTRO_TTL,
		            .note = "Ada is rebuilding the Foundling Hospital's intranet.",
		            .reply = -1,
		            .consent = consent };
}

static struct mk
mk_reply(struct bytes re)
{
	return (struct mk){ .k = "reply",
		            .signer = &linus,
		            .to = ada.id->sign_pk,
		            .issued = T_REPLY,
		            .expires = T_REPLY + INTRO_TTL,
		            .reply = -1,
		            .rk = linus.rk,
		            .re = re };
}

/* The same object through intro_make, which must write exactly the builder's bytes. */
static struct bytes
mk_make(const struct mk *m)
{
	const struct intro_params p = {
		.kind = strcmp(m->k, "ask") == 0     ? INTRO_ASK
		        : strcmp(m->k, "intro") == 0 ? INTRO_INTRO
		                                     : INTRO_REPLY,
		.from = m->signer->card,
		.from_len = m->signer->card_len,
		.to = m->to,
		.issued = m->issued,
		.expires = m->expires,
		.note = m->note,
		.seek = m->seek,
		.reply = m->reply == 1,
		.rk = m->rk,
		.inner = m->consent.p ? m->consent.p
		         : m->card.p  ? m->card.p
		                      : m->re.p,
		.inner_len = m->consent.p ? m->consent.n
		             : m->card.p  ? m->card.n
		                          : m->re.n,
		.inner_is_card = m->card.p != NULL,
	};
	struct bytes b = mk_build(m), out;
	enum intro_verdict v;

	if (intro_make(&p, m->signer->id, &out.p, &out.n, &v) < 0)
		gen_die(intro_verdict_name(v));
	if (out.n != b.n || memcmp(out.p, b.p, b.n) != 0)
		gen_die("intro_make and the builder disagree");
	free(b.p);
	return out;
}

/* ---- the cases ---- */

struct intro_case {
	const char *name;
	const char *description;
	struct bytes obj;
	const uint8_t *self;
	uint64_t now;
	enum intro_verdict verdict;
	/* Valid ones: */
	enum intro_kind kind;
	const struct party *signer, *introduced;
};

#define CASES_MAX 96
static struct intro_case cases[CASES_MAX];
static size_t ncases;

static void
add(const char *name, const char *description, struct bytes obj, const uint8_t *self, uint64_t now,
    enum intro_verdict verdict)
{
	if (ncases == CASES_MAX)
		gen_die("too many cases");
	cases[ncases++] =
	        (struct intro_case){ name, description, obj, self, now, verdict, 0, NULL, NULL };
}

static void
add_ok(const char *name, const char *description, struct bytes obj, const struct party *self,
       uint64_t now, enum intro_kind kind, const struct party *signer,
       const struct party *introduced)
{
	add(name, description, obj, self->id->sign_pk, now, INTRO_OK);
	cases[ncases - 1].kind = kind;
	cases[ncases - 1].signer = signer;
	cases[ncases - 1].introduced = introduced;
}

static struct bytes
dup_bytes(const struct bytes *b, size_t n, size_t extra)
{
	struct bytes out = { calloc(n + extra + 1, 1), n + extra }; /* past b's bytes: zeros */

	if (out.p == NULL)
		gen_die("memory");
	memcpy(out.p, b->p, n < b->n ? n : b->n);
	return out;
}

static struct bytes
from_hex(const char *hex)
{
	struct bytes b = { malloc(strlen(hex) / 2 + 1), strlen(hex) / 2 };

	if (b.p == NULL || crypt_unhex(b.p, b.n, hex, strlen(hex)) < 0)
		gen_die("hex");
	return b;
}

/* Payload structure and fields (section 4 step 3), on an ask. */
static void
cases_structure(const struct bytes *ask)
{
	const uint8_t *g = grace.id->sign_pk;
	struct bytes b;
	struct mk m;

	add("truncated", "the ask without its last byte", dup_bytes(ask, ask->n - 1, 0), g, T_NOW,
	    INTRO_MALFORMED);
	add("trailing-byte", "the ask and one byte more", dup_bytes(ask, ask->n, 1), g, T_NOW,
	    INTRO_MALFORMED);
	add("empty", "no bytes", dup_bytes(ask, 0, 0), g, T_NOW, INTRO_MALFORMED);
	add("not-an-envelope", "a map, not [payload, sig]", from_hex("80"), g, T_NOW,
	    INTRO_MALFORMED);
	b = from_hex("92c40180c43f");
	add("short-signature", "an empty map signed by 63 bytes", dup_bytes(&b, b.n, 63), g, T_NOW,
	    INTRO_MALFORMED);
	free(b.p);
	add("huge-count", "an array32 header that declares 4 billion elements",
	    from_hex("ddff000000"), g, T_NOW, INTRO_MALFORMED);
	b = from_hex("92c40190c440");
	add("payload-not-map", "the payload is an array", dup_bytes(&b, b.n, CRYPT_SIG), g, T_NOW,
	    INTRO_MALFORMED);
	free(b.p);

	m = mk_ask();
	m.raw_key = "pad";
	{
		/* bin16 of 3900 bytes: the envelope passes 4096 */
		static uint8_t pad[3 + 3900];

		pad[0] = 0xc5;
		pad[1] = 3900 >> 8;
		pad[2] = 3900 & 0xff;
		m.raw_val = (struct bytes){ pad, sizeof(pad) };
		add("too-big", "an unknown key with 3900 bytes: the envelope is over 4096 bytes",
		    mk_build(&m), g, T_NOW, INTRO_TOO_BIG);
	}

	m = mk_ask();
	m.raw_key = "deep";
	m.raw_val = from_hex("91919190"); /* arrays at depths 2 to 5 */
	add("too-deep", "an unknown key whose value nests to depth 5", mk_build(&m), g, T_NOW,
	    INTRO_MALFORMED);
	free(m.raw_val.p);
	m.raw_val = from_hex("919190"); /* depths 2 to 4 */
	add_ok("deep-4-ok", "an unknown key whose value nests to depth 4, the most allowed",
	       mk_build(&m), &grace, T_NOW, INTRO_ASK, &ada, NULL);
	free(m.raw_val.p);

	m = mk_ask();
	m.dup_v = true;
	add("duplicate-key", "v twice", mk_build(&m), g, T_NOW, INTRO_MALFORMED);
	m = mk_ask();
	m.extra = INTRO_KEYS_MAX - 10 + 1;
	add("too-many-keys", "17 keys, 7 of them unknown", mk_build(&m), g, T_NOW, INTRO_MALFORMED);
	m.extra = INTRO_KEYS_MAX - 10;
	add_ok("unknown-keys-ok", "16 keys, 6 of them unknown: ignored", mk_build(&m), &grace,
	       T_NOW, INTRO_ASK, &ada, NULL);
	m = mk_ask();
	m.raw_key = "seventeen-bytes!!";
	m.raw_val = from_hex("c0");
	add("long-key", "a key of 17 bytes", mk_build(&m), g, T_NOW, INTRO_MALFORMED);
	free(m.raw_val.p);
	m = mk_ask();
	m.reverse = true;
	m.wide = true;
	add_ok("any-order-ok", "keys in reverse order and integers as uint64: accepted",
	       mk_build(&m), &grace, T_NOW, INTRO_ASK, &ada, NULL);
}

/* The fields of section 3, and the version and kind. */
static void
cases_fields(void)
{
	const uint8_t *g = grace.id->sign_pk;
	struct mk m;

	m = mk_ask();
	m.v = 2;
	add("unknown-version", "v is 2", mk_build(&m), g, T_NOW, INTRO_UNKNOWN_VERSION);
	m = mk_ask();
	m.k = "offer";
	add("unknown-kind", "k is \"offer\"", mk_build(&m), g, T_NOW, INTRO_UNKNOWN_KIND);
	m = mk_ask();
	m.drop_to = true;
	add("missing-to", "no to", mk_build(&m), g, T_NOW, INTRO_MALFORMED);
	m = mk_ask();
	m.drop_issued = true;
	add("missing-issued", "no issued", mk_build(&m), g, T_NOW, INTRO_MALFORMED);
	m = mk_ask();
	m.expires = m.issued + INTRO_TTL_MAX + 1;
	add("expires-too-late", "expires one second past issued + 30 days", mk_build(&m), g, T_NOW,
	    INTRO_MALFORMED);
	m.expires = m.issued + INTRO_TTL_MAX;
	add_ok("expires-30-days-ok", "expires exactly issued + 30 days", mk_build(&m), &grace,
	       T_NOW, INTRO_ASK, &ada, NULL);
	m = mk_ask();
	m.issued = (uint64_t)INT64_MAX + 1;
	m.expires = m.issued + 1;
	add("issued-out-of-range", "issued is 2^63, read at 2^63 - 1", mk_build(&m), g,
	    (uint64_t)INT64_MAX, INTRO_MALFORMED);
	m = mk_ask();
	m.issued = (uint64_t)INT64_MAX - 10;
	m.expires = (uint64_t)INT64_MAX + 1;
	add("expires-out-of-range", "expires is 2^63, issued 11 s before, read at issued",
	    mk_build(&m), g, m.issued, INTRO_MALFORMED);
	m = mk_ask();
	m.expires = m.issued;
	add("expires-at-issued", "expires equal to issued", mk_build(&m), g, T_NOW,
	    INTRO_MALFORMED);
	m = mk_ask();
	m.seek = NULL;
	add("ask-without-for", "an ask without for", mk_build(&m), g, T_NOW, INTRO_MALFORMED);
	m = mk_ask();
	m.note = "two\nlines";
	add("note-line-feed", "a note with a line feed", mk_build(&m), g, T_NOW, INTRO_MALFORMED);
	m = mk_ask();
	m.reply = -1;
	add("ask-without-reply", "an ask without reply", mk_build(&m), g, T_NOW, INTRO_MALFORMED);
	m = mk_ask();
	m.rk = NULL;
	add("ask-reply-without-rk", "an ask with reply true and no rk", mk_build(&m), g, T_NOW,
	    INTRO_MALFORMED);
}

/* Steps 4 to 7 and 5.1, on an ask to Grace. */
static void
cases_outer(void)
{
	const uint8_t *g = grace.id->sign_pk;
	struct mk m;

	m = mk_ask();
	m.from = (struct bytes){ ada.card_broken, ada.card_broken_len };
	add("bad-card", "from is Ada's card with a bit of its signature changed", mk_build(&m), g,
	    T_NOW, INTRO_BAD_CARD);
	m = mk_ask();
	m.from = (struct bytes){ ada.card_expired, ada.card_expired_len };
	add("expired-card", "from is Ada's card, expired 3540 s before now", mk_build(&m), g, T_NOW,
	    INTRO_BAD_CARD);
	m = mk_ask();
	m.signer = &mallory;
	m.from = (struct bytes){ ada.card, ada.card_len };
	add("wrong-signer", "from is Ada's card, but Mallory signed", mk_build(&m), g, T_NOW,
	    INTRO_BAD_SIGNATURE);
	m = mk_ask();
	add("not-for-you", "Ada's ask to Grace, read by Linus", mk_build(&m), linus.id->sign_pk,
	    T_NOW, INTRO_NOT_FOR_YOU);
	m = mk_ask();
	m.issued = T_NOW + INTRO_SKEW + 1;
	m.expires = m.issued + INTRO_TTL;
	add("not-yet", "issued 601 s after now", mk_build(&m), g, T_NOW, INTRO_NOT_YET);
	m.issued = T_NOW + INTRO_SKEW;
	m.expires = m.issued + INTRO_TTL;
	add_ok("skew-ok", "issued 600 s after now: clocks differ", mk_build(&m), &grace, T_NOW,
	       INTRO_ASK, &ada, NULL);
	m = mk_ask();
	add("expired", "read at the second it expires", mk_build(&m), g, T0 + INTRO_TTL,
	    INTRO_EXPIRED);
	m = mk_ask();
	m.to = ada.id->sign_pk;
	add("ask-to-self", "Ada asks Ada", mk_build(&m), ada.id->sign_pk, T_NOW, INTRO_MISMATCH);
}

/* 5.2, the intro: Grace introduces Ada to Linus. */
static void
cases_intro(const struct bytes *ask)
{
	const uint8_t *l = linus.id->sign_pk;
	struct mk m;
	struct bytes other;

	m = mk_intro(*ask);
	m.card = (struct bytes){ ada.card_fwd, ada.card_fwd_len };
	add("intro-both", "an intro with consent and card", mk_build(&m), l, T_NOW,
	    INTRO_MALFORMED);
	m.consent = m.card = (struct bytes){ 0 };
	add("intro-neither", "an intro with neither consent nor card", mk_build(&m), l, T_NOW,
	    INTRO_MALFORMED);
	m = mk_intro((struct bytes){ 0 });
	m.card = (struct bytes){ ada.card, ada.card_len };
	add("intro-card-without-fwd", "Ada's card, which does not say fwd, and no ask",
	    mk_build(&m), l, T_NOW, INTRO_NO_CONSENT);
	m.card = (struct bytes){ ada.card_expired, ada.card_expired_len };
	add("intro-card-expired", "Ada's fwd card, expired", mk_build(&m), l, T_NOW,
	    INTRO_BAD_CARD);
	m.card = (struct bytes){ ada.card_broken, ada.card_broken_len };
	add("intro-card-broken", "Ada's card with a bit changed", mk_build(&m), l, T_NOW,
	    INTRO_BAD_CARD);
	m.card = (struct bytes){ grace.card_fwd, grace.card_fwd_len };
	add("intro-by-self", "Grace introduces Grace (her own fwd card)", mk_build(&m), l, T_NOW,
	    INTRO_MISMATCH);

	m = mk_ask();
	m.to = mallory.id->sign_pk;
	other = mk_build(&m);
	m = mk_intro(other);
	add("intro-consent-to-other-hub", "Ada's ask was to Mallory, Grace introduces",
	    mk_build(&m), l, T_NOW, INTRO_NO_CONSENT);
	free(other.p);

	m = mk_ask();
	m.expires = T0 + 600;
	other = mk_build(&m);
	m = mk_intro(other);
	add("intro-consent-expired", "Ada's ask expired before now, the intro has not",
	    mk_build(&m), l, T_NOW, INTRO_NO_CONSENT);
	free(other.p);

	m = mk_ask();
	m.expires = T0 + 7200;
	other = mk_build(&m);
	m = mk_intro(other);
	add("intro-outlives-consent", "the intro expires after Ada's ask", mk_build(&m), l, T_NOW,
	    INTRO_MISMATCH);
	m.expires = T0 + 7200;
	add_ok("intro-as-long-as-consent-ok", "the intro expires with Ada's ask", mk_build(&m),
	       &linus, T_NOW, INTRO_INTRO, &grace, &ada);
	free(other.p);

	other = dup_bytes(ask, ask->n, 0);
	other.p[other.n - 1] ^= 0x01;
	m = mk_intro(other);
	add("intro-consent-bad-signature", "Ada's ask with a bit of its signature changed",
	    mk_build(&m), l, T_NOW, INTRO_NO_CONSENT);
	free(other.p);

	m = mk_intro((struct bytes){ 0 });
	m.card = (struct bytes){ ada.card_fwd, ada.card_fwd_len };
	other = mk_build(&m);
	m = mk_intro(other);
	add("intro-consent-not-ask", "the consent is an intro, not an ask", mk_build(&m), l, T_NOW,
	    INTRO_NO_CONSENT);
	free(other.p);

	/* Ada's intro of Linus to Grace is addressed to Grace, but it is not an ask. */
	m = mk_intro((struct bytes){ 0 });
	m.signer = &ada;
	m.to = grace.id->sign_pk;
	m.card = (struct bytes){ linus.card_fwd, linus.card_fwd_len };
	other = mk_build(&m);
	m = mk_intro(other);
	add("intro-consent-not-ask-to-hub", "the consent is an intro to Grace, not an ask",
	    mk_build(&m), l, T_NOW, INTRO_NO_CONSENT);
	free(other.p);

	/* Ada asks Ada, then introduces herself with it. */
	m = mk_ask();
	m.to = ada.id->sign_pk;
	other = mk_build(&m);
	m = mk_intro(other);
	m.signer = &ada;
	add("intro-consent-ask-to-self", "the consent is Ada's ask to Ada", mk_build(&m), l, T_NOW,
	    INTRO_NO_CONSENT);
	free(other.p);

	m = mk_intro(*ask);
	m.to = ada.id->sign_pk;
	add("intro-to-self", "Grace introduces Ada to Ada", mk_build(&m), ada.id->sign_pk, T_NOW,
	    INTRO_MISMATCH);
}

/* 5.3, the reply: Linus answers Ada. */
static void
cases_reply(const struct bytes *ask, const struct bytes *intro, const struct bytes *ask_quiet,
            const struct bytes *intro_fwd)
{
	const uint8_t *a = ada.id->sign_pk;
	struct mk m;
	struct bytes other, ask_other;

	m = mk_reply(*intro);
	m.rk = NULL;
	add("reply-without-rk", "a reply without rk", mk_build(&m), a, T_NOW, INTRO_MALFORMED);

	m = mk_reply(*intro_fwd);
	add("reply-to-fwd-intro", "the intro was made from Ada's fwd card: no reply was asked",
	    mk_build(&m), a, T_NOW, INTRO_NO_CONSENT);

	m = mk_intro(*ask_quiet);
	other = mk_build(&m);
	m = mk_reply(other);
	add("reply-not-wanted", "Ada's ask said reply false", mk_build(&m), a, T_NOW,
	    INTRO_NO_CONSENT);
	free(other.p);

	m = mk_reply(*intro);
	m.signer = &mallory;
	add("reply-by-other", "Mallory answers the intro Grace made to Linus", mk_build(&m), a,
	    T_NOW, INTRO_MISMATCH);

	m = mk_reply(*intro);
	m.to = grace.id->sign_pk;
	add("reply-to-other", "Linus's reply to Grace, who did not ask", mk_build(&m),
	    grace.id->sign_pk, T_NOW, INTRO_MISMATCH);

	m = mk_reply(*ask);
	add("reply-re-not-intro", "re is the ask, not an intro", mk_build(&m), a, T_NOW,
	    INTRO_MISMATCH);

	other = dup_bytes(intro, intro->n, 0);
	other.p[other.n - 1] ^= 0x01;
	m = mk_reply(other);
	add("reply-re-bad-signature", "the intro with a bit of its signature changed", mk_build(&m),
	    a, T_NOW, INTRO_MISMATCH);
	free(other.p);

	m = mk_ask();
	m.to = mallory.id->sign_pk;
	ask_other = mk_build(&m);
	m = mk_intro(ask_other);
	other = mk_build(&m);
	free(ask_other.p);
	m = mk_reply(other);
	add("reply-re-without-consent", "the intro carries an ask to another hub", mk_build(&m), a,
	    T_NOW, INTRO_MISMATCH);
	free(other.p);

	/* A reply in the place of the intro: Linus "replies" to Grace with Ada's ask to him
	 * (which has the shape of an intro's consent), and Grace answers Ada with it. */
	m = mk_ask();
	m.to = linus.id->sign_pk;
	ask_other = mk_build(&m);
	m = mk_reply(ask_other);
	m.to = grace.id->sign_pk;
	m.expires = T0 + INTRO_TTL;
	other = mk_build(&m);
	free(ask_other.p);
	m = mk_reply(other);
	m.signer = &grace;
	m.rk = grace.rk;
	add("reply-re-is-reply", "re is a reply whose re is an ask, not an intro", mk_build(&m), a,
	    T_NOW, INTRO_MISMATCH);
	free(other.p);

	/* The intro and Ada's ask have both expired when the reply comes: still valid. */
	m = mk_reply(*intro);
	m.issued = T0 + INTRO_TTL + 86400;
	m.expires = m.issued + INTRO_TTL;
	add_ok("reply-late-ok", "a reply made after the intro and the ask expired", mk_build(&m),
	       &ada, m.issued + 60, INTRO_REPLY, &linus, NULL);
}

static void
cases_build(void)
{
	struct mk m;
	struct bytes ask, ask_quiet, intro, intro_fwd, reply;

	parties_init();
	m = mk_ask();
	ask = mk_make(&m);
	add_ok("ask-ok", "Ada asks Grace, wanting replies", ask, &grace, T_NOW, INTRO_ASK, &ada,
	       NULL);
	m.reply = 0;
	m.rk = NULL;
	m.note = NULL;
	ask_quiet = mk_make(&m);
	add_ok("ask-quiet-ok", "Ada asks Grace, wanting no replies", ask_quiet, &grace, T_NOW,
	       INTRO_ASK, &ada, NULL);
	m = mk_intro(ask);
	intro = mk_make(&m);
	add_ok("intro-ok", "Grace introduces Ada to Linus, with Ada's ask", intro, &linus, T_NOW,
	       INTRO_INTRO, &grace, &ada);
	m = mk_intro((struct bytes){ 0 });
	m.card = (struct bytes){ ada.card_fwd, ada.card_fwd_len };
	m.note = NULL;
	intro_fwd = mk_make(&m);
	add_ok("intro-fwd-ok", "Grace introduces Ada to Linus, with Ada's fwd card", intro_fwd,
	       &linus, T_NOW, INTRO_INTRO, &grace, &ada);
	m = mk_reply(intro);
	reply = mk_make(&m);
	add_ok("reply-ok", "Linus answers Ada's ask with his card", reply, &ada, T_NOW, INTRO_REPLY,
	       &linus, NULL);

	cases_structure(&ask);
	cases_fields();
	cases_outer();
	cases_intro(&ask);
	cases_reply(&ask, &intro, &ask_quiet, &intro_fwd);
}

/* Dies unless intro_check reaches every declared verdict. */
static void
cases_verify(void)
{
	for (size_t i = 0; i < ncases; i++) {
		const struct intro_case *c = &cases[i];
		enum intro_verdict v;
		struct intro *o;
		int r = intro_check(c->obj.p, c->obj.n, c->self, c->now, &o, &v);

		if ((r == 0) != (c->verdict == INTRO_OK) || v != c->verdict) {
			fprintf(stderr, "gen_intro_vectors: %s: %s, declared %s\n", c->name,
			        intro_verdict_name(v), intro_verdict_name(c->verdict));
			exit(1);
		}
		intro_free(o);
	}
}

static void
party_free(struct party *p)
{
	identity_free(p->id);
	free(p->card);
	free(p->card_fwd);
	free(p->card_expired);
	free(p->card_broken);
	memset(p, 0, sizeof(*p));
}

/* Frees every case and every party (the parties keep their names). */
static void
cases_free(void)
{
	struct party *all[] = { &ada, &grace, &linus, &mallory };

	for (size_t i = 0; i < ncases; i++)
		free(cases[i].obj.p);
	ncases = 0;
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		const char *name = all[i]->name;

		party_free(all[i]);
		all[i]->name = name;
	}
}

#ifndef INTRO_CASES_ONLY
static json_t *
hex(const uint8_t *p, size_t n)
{
	char *s = malloc(2 * n + 1);
	json_t *j;

	if (s == NULL)
		gen_die("out of memory");
	crypt_hex(s, p, n);
	j = json_string(s);
	free(s);
	return j;
}

static json_t *
case_json(const struct intro_case *c)
{
	uint8_t id[INTRO_ID_LEN];
	json_t *j = json_pack("{s:s, s:s, s:o, s:o, s:I, s:s}", "name", c->name, "description",
	                      c->description, "object", hex(c->obj.p, c->obj.n), "self",
	                      hex(c->self, CRYPT_SIGN_PK), "now", (json_int_t)c->now, "verdict",
	                      intro_verdict_name(c->verdict));

	if (j == NULL)
		gen_die("json");
	if (c->verdict != INTRO_OK)
		return j;
	intro_id(c->obj.p, c->obj.n, id);
	json_object_set_new(j, "id", hex(id, INTRO_ID_LEN));
	json_object_set_new(j, "kind", json_string(intro_kind_name(c->kind)));
	json_object_set_new(j, "signer", hex(c->signer->id->sign_pk, CRYPT_SIGN_PK));
	if (c->introduced != NULL)
		json_object_set_new(j, "introduced",
		                    hex(c->introduced->id->sign_pk, CRYPT_SIGN_PK));
	return j;
}

static json_t *
party_json(const struct party *p)
{
	return json_pack("{s:s, s:o, s:o}", "name", p->name, "seed", hex(p->seed, CRYPT_SIGN_SEED),
	                 "key", hex(p->id->sign_pk, CRYPT_SIGN_PK));
}

int
main(void)
{
	json_t *doc, *list = json_array();

	cases_build();
	cases_verify();
	for (size_t i = 0; i < ncases; i++)
		json_array_append_new(list, case_json(&cases[i]));
	doc = json_pack(
	        "{s:{s:s, s:s, s:{s:o, s:o, s:o, s:o}, s:s}, s:o}", "_meta", "description",
	        "wallflower introduction vectors (proto/introduction.md section 11). Each entry "
	        "is an object, the identity (self) and clock (now) of the receiver that checks "
	        "it, and the verdict of section 7; valid ones also give the id, the kind, the "
	        "signer and, for an intro, the introduced key.",
	        "generator", "tests/vectors/gen_intro_vectors.c", "parties", "ada",
	        party_json(&ada), "grace", party_json(&grace), "linus", party_json(&linus),
	        "mallory", party_json(&mallory), "licence",
	        "Generated by the wallflower project; free to use for any purpose.", "vectors",
	        list);
	if (doc == NULL || json_dumpf(doc, stdout, JSON_INDENT(1) | JSON_PRESERVE_ORDER) < 0)
		gen_die("json");
	putchar('\n');
	json_decref(doc);
	cases_free();
	return 0;
}
#endif
