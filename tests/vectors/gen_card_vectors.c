/*
 * gen_card_vectors: writes proto/vectors/cards.json, the card test vectors, from fixed
 * seeds. Each vector's expected verdict is declared here by hand, from the rule it breaks,
 * never computed by the decoder: the decoder is what the vectors test. Valid vectors also
 * carry their expected fields, written from the same data they were built from.
 *
 * Ed25519 is deterministic, so the output is the same on every run; the test suite
 * regenerates it and compares it with the committed file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "wallflower/card.h"
#include "wallflower/crypt.h"
#include "wallflower/wire.h"

#define ISSUED   1790000000ULL /* 2026-09-21T14:13:20Z */
#define NOW      1795000000ULL /* the time at which expiry is judged */
#define NAME     "Ada Lovelace"
#define MAX_ENTS 80

struct bytes {
	uint8_t *p;
	size_t n;
};

struct entry {
	struct bytes k, v;
};

/* A payload under construction: raw msgpack keys and values, in order. */
struct payload {
	struct entry e[MAX_ENTS];
	size_t n;
};

static uint8_t seed_a[32], seed_b[32];
static uint8_t pk_a[32], sk_a[64], pk_b[32], sk_b[64];
static json_t *vectors;

static _Noreturn void
die(const char *what)
{
	fprintf(stderr, "gen_card_vectors: %s\n", what);
	exit(1);
}

static struct bytes
take(struct wire_out *w)
{
	struct bytes b;

	if (wire_out_take(w, &b.p, &b.n) < 0)
		die("encoding failed");
	wire_out_free(w);
	return b;
}

static struct wire_out *
out(void)
{
	struct wire_out *w;

	if (wire_out_new(1 << 20, &w) < 0)
		die("out of memory");
	return w;
}

static struct bytes
raw(const void *p, size_t n)
{
	struct bytes b = { malloc(n ? n : 1), n };

	if (b.p == NULL)
		die("out of memory");
	memcpy(b.p, p, n);
	return b;
}

static struct bytes
m_str(const char *s)
{
	struct wire_out *w = out();

	wire_put_cstr(w, s);
	return take(w);
}

static struct bytes
m_strn(const char *s, size_t n)
{
	struct wire_out *w = out();

	wire_put_str(w, s, n);
	return take(w);
}

static struct bytes
m_uint(uint64_t v)
{
	struct wire_out *w = out();

	wire_put_uint(w, v);
	return take(w);
}

static struct bytes
m_bin(const uint8_t *p, size_t n)
{
	struct wire_out *w = out();

	wire_put_bin(w, p, n);
	return take(w);
}

static struct bytes
m_bool(bool v)
{
	struct wire_out *w = out();

	wire_put_bool(w, v);
	return take(w);
}

/* An array of strings. */
static struct bytes
m_strs(const char *const *items, size_t n)
{
	struct wire_out *w = out();

	wire_put_array(w, (uint32_t)n);
	for (size_t i = 0; i < n; i++)
		wire_put_cstr(w, items[i]);
	return take(w);
}

static void
add(struct payload *p, struct bytes k, struct bytes v)
{
	if (p->n == MAX_ENTS)
		die("too many entries");
	p->e[p->n].k = k;
	p->e[p->n].v = v;
	p->n++;
}

static void
add_kv(struct payload *p, const char *key, struct bytes v)
{
	add(p, m_str(key), v);
}

/* Replaces the value of key (which must be there), keeping its place. */
static void
set(struct payload *p, const char *key, struct bytes v)
{
	struct bytes k = m_str(key);

	for (size_t i = 0; i < p->n; i++) {
		if (p->e[i].k.n == k.n && memcmp(p->e[i].k.p, k.p, k.n) == 0) {
			free(p->e[i].v.p);
			p->e[i].v = v;
			free(k.p);
			return;
		}
	}
	die("set: no such key");
}

static void
del(struct payload *p, const char *key)
{
	struct bytes k = m_str(key);

	for (size_t i = 0; i < p->n; i++) {
		if (p->e[i].k.n == k.n && memcmp(p->e[i].k.p, k.p, k.n) == 0) {
			free(p->e[i].k.p);
			free(p->e[i].v.p);
			memmove(&p->e[i], &p->e[i + 1], (p->n - i - 1) * sizeof(p->e[0]));
			p->n--;
			free(k.p);
			return;
		}
	}
	die("del: no such key");
}

/* The smallest valid payload: v, key, rev, issued, name. */
static void
base(struct payload *p, const uint8_t pk[32])
{
	memset(p, 0, sizeof(*p));
	add_kv(p, "v", m_uint(1));
	add_kv(p, "key", m_bin(pk, 32));
	add_kv(p, "rev", m_uint(7));
	add_kv(p, "issued", m_uint(ISSUED));
	add_kv(p, "name", m_str(NAME));
}

static struct bytes
encode(struct payload *p)
{
	struct wire_out *w = out();
	struct bytes head, all;

	wire_put_map(w, (uint32_t)p->n);
	head = take(w);
	all.n = head.n;
	for (size_t i = 0; i < p->n; i++)
		all.n += p->e[i].k.n + p->e[i].v.n;
	if ((all.p = malloc(all.n)) == NULL)
		die("out of memory");
	memcpy(all.p, head.p, head.n);
	all.n = head.n;
	for (size_t i = 0; i < p->n; i++) {
		memcpy(all.p + all.n, p->e[i].k.p, p->e[i].k.n);
		all.n += p->e[i].k.n;
		memcpy(all.p + all.n, p->e[i].v.p, p->e[i].v.n);
		all.n += p->e[i].v.n;
		free(p->e[i].k.p);
		free(p->e[i].v.p);
	}
	p->n = 0;
	free(head.p);
	return all;
}

/* [payload bytes as bin, sig] with the signature made by sk over the payload bytes. */
static struct bytes
envelope_raw(struct bytes payload, const uint8_t *sk)
{
	uint8_t sig[CRYPT_SIG];
	struct wire_out *w = out();

	if (crypt_sign_tagged(sig, sk, CARD_SIGN_TAG, payload.p, payload.n) < 0)
		die("sign failed");
	wire_put_array(w, 2);
	wire_put_bin(w, payload.p, payload.n);
	wire_put_bin(w, sig, sizeof(sig));
	free(payload.p);
	return take(w);
}

static struct bytes
envelope(struct payload *p, const uint8_t *sk)
{
	return envelope_raw(encode(p), sk);
}

static void
emit(const char *name, const char *desc, struct bytes env, const char *verdict, const char *field,
     size_t item, json_t *fields)
{
	char *hex = malloc(2 * env.n + 1);
	char key[65];
	json_t *v;

	if (hex == NULL)
		die("out of memory");
	crypt_hex(hex, env.p, env.n);
	v = json_pack("{s:s, s:s, s:s, s:s, s:s?, s:o}", "name", name, "description", desc,
	              "envelope", hex, "verdict", verdict, "field", field, "item",
	              item ? json_integer((json_int_t)item) : json_null());
	if (v == NULL)
		die("json");
	if (fields != NULL) {
		crypt_hex(key, pk_a, 32);
		json_object_set_new(v, "key", json_string(key));
		json_object_set_new(v, "rev", json_integer(7));
		json_object_set_new(v, "issued", json_integer((json_int_t)ISSUED));
		json_object_set_new(v, "fields", fields);
		json_object_set_new(v, "unknown_keys", json_integer(0)); /* set_last otherwise */
	}
	json_array_append_new(vectors, v);
	free(hex);
	free(env.p);
}

static void
bad(const char *name, const char *desc, struct bytes env, const char *verdict, const char *field,
    size_t item)
{
	emit(name, desc, env, verdict, field, item, NULL);
}

/* A payload that breaks one rule in one field. */
static void
bad_field(const char *name, const char *desc, const char *key, struct bytes v, const char *verdict,
          size_t item)
{
	struct payload p;

	base(&p, pk_a);
	/* The base payload's own keys are replaced, others added. */
	if (strcmp(key, "name") == 0 || strcmp(key, "rev") == 0 || strcmp(key, "issued") == 0)
		set(&p, key, v);
	else
		add_kv(&p, key, v);
	bad(name, desc, envelope(&p, sk_a), verdict, key, item);
}

/* Overrides a member of the vector emitted last. */
static void
set_last(const char *key, json_t *value)
{
	json_object_set_new(json_array_get(vectors, json_array_size(vectors) - 1), key, value);
}

static void
valid_vectors(void)
{
	static const char *const emails[] = { "ada@example.org", "ada@engines.example" };
	static const char *const topics[] = { "intranets", "knowledge management",
		                              "analytical engines" };
	static const char *const offers[] = { "mentoring" };
	static const char *const seeks[] = { "a co-author" };
	static const char *const urls[] = { "https://example.org/ada" };
	static const char *const phones[] = { "+44 20 7946 0000" };
	struct payload p;
	char longname[129];

	base(&p, pk_a);
	emit("minimal", "the required fields only", envelope(&p, sk_a), "ok", NULL, 0,
	     json_pack("{s:s}", "name", NAME));

	base(&p, pk_a);
	add_kv(&p, "pronouns", m_str("she/her"));
	add_kv(&p, "title", m_str("Analyst"));
	add_kv(&p, "org", m_str("Analytical Engines"));
	add_kv(&p, "location", m_str("London"));
	add_kv(&p, "note", m_str("Ask me about notes.\nAnd about looms."));
	add_kv(&p, "email", m_strs(emails, 2));
	add_kv(&p, "phone", m_strs(phones, 1));
	add_kv(&p, "url", m_strs(urls, 1));
	add_kv(&p, "topics", m_strs(topics, 3));
	add_kv(&p, "offers", m_strs(offers, 1));
	add_kv(&p, "seeks", m_strs(seeks, 1));
	add_kv(&p, "fwd", m_bool(true));
	add_kv(&p, "expires", m_uint(4102444800));
	emit("full", "every field, a two-line note, fwd and a future expiry", envelope(&p, sk_a),
	     "ok", NULL, 0,
	     json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:[s,s], s:[s], s:[s], s:[s,s,s], s:[s], "
	               "s:[s], s:b}",
	               "name", NAME, "pronouns", "she/her", "title", "Analyst", "org",
	               "Analytical Engines", "location", "London", "note",
	               "Ask me about notes.\nAnd about looms.", "email", emails[0], emails[1],
	               "phone", phones[0], "url", urls[0], "topics", topics[0], topics[1],
	               topics[2], "offers", offers[0], "seeks", seeks[0], "fwd", 1));
	json_object_set_new(json_array_get(vectors, json_array_size(vectors) - 1), "expires",
	                    json_integer(4102444800));

	base(&p, pk_a);
	add_kv(&p, "x-badge", m_str("gold"));
	add(&p, m_str("x-later"), raw("\x93\x01\xc0\x81\xa1\x61\xc3", 7)); /* [1, nil, {a: true}] */
	emit("unknown-keys", "two keys this version does not know: kept and ignored",
	     envelope(&p, sk_a), "ok", NULL, 0, json_pack("{s:s}", "name", NAME));
	set_last("unknown_keys", json_integer(2));

	base(&p, pk_a);
	/* A combining accent, an Arabic name (right-to-left without any bidi control),
	 * and an emoji ZWJ sequence: all ordinary text. */
	set(&p, "name",
	    m_str("Zoe\xcc\x81 \xd8\xb2\xdb\x8c\xd9\x86\xd8\xa8 \xf0\x9f\x91\xa9\xe2"
	          "\x80\x8d\xf0\x9f\x92\xbb"));
	emit("unicode-name", "combining mark, right-to-left script and a ZWJ emoji sequence",
	     envelope(&p, sk_a), "ok", NULL, 0,
	     json_pack("{s:s}", "name",
	               "Zoe\xcc\x81 \xd8\xb2\xdb\x8c\xd9\x86\xd8\xa8 \xf0\x9f\x91\xa9\xe2\x80\x8d"
	               "\xf0\x9f\x92\xbb"));

	memset(&p, 0, sizeof(p));
	add_kv(&p, "name", m_str(NAME));
	add_kv(&p, "issued", m_uint(ISSUED));
	add_kv(&p, "rev", m_uint(7));
	add_kv(&p, "key", m_bin(pk_a, 32));
	add_kv(&p, "v", m_uint(1));
	emit("reordered", "the keys in reverse of the canonical order", envelope(&p, sk_a), "ok",
	     NULL, 0, json_pack("{s:s}", "name", NAME));

	base(&p, pk_a);
	set(&p, "rev", raw("\xcf\x00\x00\x00\x00\x00\x00\x00\x07", 9)); /* uint64 7 */
	set(&p, "v", raw("\xd0\x01", 2));                               /* int8 1 */
	emit("wide-integers", "integers in longer encodings than needed", envelope(&p, sk_a), "ok",
	     NULL, 0, json_pack("{s:s}", "name", NAME));

	base(&p, pk_a);
	memset(longname, 'a', 128);
	longname[128] = '\0';
	set(&p, "name", m_str(longname));
	emit("name-max-length", "a name of exactly 128 bytes", envelope(&p, sk_a), "ok", NULL, 0,
	     json_pack("{s:s}", "name", longname));
}

/* Valid cards at the edges of the limits, and values a strict msgpack reader may balk at. */
static void
boundary_vectors(void)
{
	static const char *const sixteen[] = {
		"t0", "t1", "t2",  "t3",  "t4",  "t5",  "t6",  "t7",
		"t8", "t9", "t10", "t11", "t12", "t13", "t14", "t15"
	};
	struct payload p;
	struct bytes env;
	uint8_t *pad;
	char key[80];
	size_t want = 4000, got;

	base(&p, pk_a);
	add(&p, m_str("x-deep"), raw("\x91\x91\x91\x91\x91\x91\x90", 7));
	emit("depth-8", "an unknown key holding arrays nested 7 deep: 8 with the map, the most",
	     envelope(&p, sk_a), "ok", NULL, 0, json_pack("{s:s}", "name", NAME));
	set_last("unknown_keys", json_integer(1));

	base(&p, pk_a);
	for (int i = 0; p.n < CARD_KEYS_MAX; i++) {
		snprintf(key, sizeof(key), "x%d", i);
		add_kv(&p, key, m_uint(0));
	}
	emit("keys-64", "64 keys, the most", envelope(&p, sk_a), "ok", NULL, 0,
	     json_pack("{s:s}", "name", NAME));
	set_last("unknown_keys", json_integer(CARD_KEYS_MAX - 5));

	memset(key, 'k', 64);
	key[64] = '\0';
	base(&p, pk_a);
	add_kv(&p, key, m_uint(0));
	emit("keyname-64", "an unknown key of 64 bytes, the longest", envelope(&p, sk_a), "ok",
	     NULL, 0, json_pack("{s:s}", "name", NAME));
	set_last("unknown_keys", json_integer(1));
	key[64] = 'k';
	key[65] = '\0';
	base(&p, pk_a);
	add_kv(&p, key, m_uint(0));
	bad("keyname-65", "an unknown key of 65 bytes", envelope(&p, sk_a), "bad-key", NULL, 0);

	base(&p, pk_a);
	add_kv(&p, "topics", m_strs(sixteen, 16));
	emit("topics-16", "16 topics, the most", envelope(&p, sk_a), "ok", NULL, 0,
	     json_pack("{s:s, s:[s,s,s,s,s,s,s,s,s,s,s,s,s,s,s,s]}", "name", NAME, "topics", "t0",
	               "t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8", "t9", "t10", "t11", "t12",
	               "t13", "t14", "t15"));

	base(&p, pk_a);
	add(&p, m_str("x-float"), raw("\xcb\x40\x09\x21\xfb\x54\x44\x2d\x18", 9));
	add(&p, m_str("x-ext"), raw("\xd4\x05\x01", 3));
	add(&p, m_str("x-neg"), raw("\xd3\x80\x00\x00\x00\x00\x00\x00\x00", 9));
	add(&p, m_str("x-map"), raw("\x82\x01\x02\x01\x03", 5)); /* {1: 2, 1: 3} */
	emit("unknown-values",
	     "unknown keys holding a float, an ext, INT64_MIN, and a nested map "
	     "with repeated integer keys: none of the payload key rules apply there",
	     envelope(&p, sk_a), "ok", NULL, 0, json_pack("{s:s}", "name", NAME));
	set_last("unknown_keys", json_integer(4));

	base(&p, pk_a);
	set(&p, "rev", m_uint(CARD_UINT_MAX));
	emit("rev-max", "rev of 2^63-1, the largest", envelope(&p, sk_a), "ok", NULL, 0,
	     json_pack("{s:s}", "name", NAME));
	set_last("rev", json_integer(CARD_UINT_MAX));

	/* Exactly 4096 bytes: measure once, then size the padding to fill the rest. */
	if ((pad = calloc(1, 4096)) == NULL)
		die("out of memory");
	for (int round = 0; round < 2; round++) {
		base(&p, pk_a);
		add(&p, m_str("x-pad"), m_bin(pad, want));
		env = envelope(&p, sk_a);
		got = env.n;
		if (got == 4096)
			break;
		free(env.p);
		want += 4096 - got;
	}
	if (got != 4096)
		die("could not make a 4096-byte card");
	emit("size-4096", "an envelope of exactly 4096 bytes, the largest", env, "ok", NULL, 0,
	     json_pack("{s:s}", "name", NAME));
	set_last("unknown_keys", json_integer(1));
	free(pad);
}

static struct bytes
minimal_env(void)
{
	struct payload p;

	base(&p, pk_a);
	return envelope(&p, sk_a);
}

static void
structure_vectors(void)
{
	struct bytes env;
	struct payload p;
	struct wire_out *w;
	uint8_t big[4096] = { 0 };

	env = minimal_env();
	env.n--;
	bad("truncated", "the minimal card without its last byte", env, "truncated", NULL, 0);

	env = minimal_env();
	env.p = realloc(env.p, env.n + 1);
	env.p[env.n++] = 0x00;
	bad("trailing-bytes", "the minimal card followed by one zero byte", env, "trailing-bytes",
	    NULL, 0);

	bad("reserved-byte", "0xc1, which msgpack never uses", raw("\xc1", 1), "malformed", NULL,
	    0);
	bad("array32-bomb", "array32 header declaring 4278190080 elements, no bytes after",
	    raw("\xdd\xff\x00\x00\x00", 5), "truncated", NULL, 0);
	bad("map32-bomb", "map32 header declaring 2^32-1 entries", raw("\xdf\xff\xff\xff\xff", 5),
	    "truncated", NULL, 0);
	bad("bin32-bomb", "bin32 header declaring 4 GiB, four bytes after",
	    raw("\x92\xc6\xff\xff\xff\xff\x00\x00\x00\x00", 10), "truncated", NULL, 0);
	bad("deep-envelope", "nine nested arrays", raw("\x91\x91\x91\x91\x91\x91\x91\x91\x90", 9),
	    "too-deep", NULL, 0);
	bad("empty", "no bytes at all", raw("", 0), "truncated", NULL, 0);

	base(&p, pk_a);
	add(&p, m_str("x-deep"), raw("\x91\x91\x91\x91\x91\x91\x91\x90", 8));
	bad("deep-payload", "an unknown key holding arrays nested 8 deep (9 with the map)",
	    envelope(&p, sk_a), "too-deep", NULL, 0);

	base(&p, pk_a);
	add(&p, m_str("x-pad"), m_bin(big, 3990));
	bad("too-big", "a validly signed card of more than 4096 bytes", envelope(&p, sk_a),
	    "too-big", NULL, 0);

	bad("envelope-map", "a map where the envelope array belongs", raw("\x80", 1),
	    "bad-envelope", NULL, 0);

	w = out();
	wire_put_array(w, 3);
	wire_put_bin(w, big, 1);
	wire_put_bin(w, big, 64);
	wire_put_nil(w);
	bad("envelope-three-items", "an envelope array of three items", take(w), "bad-envelope",
	    NULL, 0);

	env = minimal_env();
	/* The minimal envelope ends with bin8 header c4 40 and 64 signature bytes: shorten
	 * the signature to 63 bytes by rewriting the header and dropping the last byte. */
	env.p[env.n - 65] = 63;
	env.n--;
	bad("signature-63-bytes", "a signature one byte short", env, "bad-envelope", NULL, 0);

	base(&p, pk_a);
	{
		struct bytes payload = encode(&p);
		uint8_t sig[CRYPT_SIG];

		if (crypt_sign_tagged(sig, sk_a, CARD_SIGN_TAG, payload.p, payload.n) < 0)
			die("sign");
		w = out();
		wire_put_array(w, 2);
		wire_put_str(w, (const char *)payload.p, payload.n);
		wire_put_bin(w, sig, sizeof(sig));
		free(payload.p);
		bad("payload-as-str", "the payload as a msgpack str instead of bin", take(w),
		    "bad-envelope", NULL, 0);
	}

	bad("payload-array", "a payload that is an array, validly signed",
	    envelope_raw(raw("\x91\x01", 2), sk_a), "payload-not-map", NULL, 0);

	base(&p, pk_a);
	env = encode(&p);
	env.p = realloc(env.p, env.n + 1);
	env.p[env.n++] = 0xc0;
	bad("payload-trailing", "a payload map followed by nil, validly signed",
	    envelope_raw(env, sk_a), "trailing-bytes", NULL, 0);
}

static void
key_vectors(void)
{
	struct payload p;
	char name[16];

	base(&p, pk_a);
	add(&p, m_uint(1), m_uint(1));
	bad("key-not-string", "an integer map key", envelope(&p, sk_a), "bad-key", NULL, 0);

	base(&p, pk_a);
	add(&p, m_str(""), m_uint(1));
	bad("key-empty", "an empty map key", envelope(&p, sk_a), "bad-key", NULL, 0);

	base(&p, pk_a);
	add(&p, m_strn("x-\xff", 3), m_uint(1));
	bad("key-bad-utf8", "an unknown key that is not UTF-8", envelope(&p, sk_a), "bad-key", NULL,
	    0);

	base(&p, pk_a);
	add_kv(&p, "name", m_str("Mallory"));
	bad("duplicate-name", "name twice, the second differing", envelope(&p, sk_a),
	    "duplicate-key", "name", 0);

	base(&p, pk_a);
	add_kv(&p, "rev", m_uint(8));
	bad("duplicate-rev", "rev twice: which revision would it be?", envelope(&p, sk_a),
	    "duplicate-key", "rev", 0);

	base(&p, pk_a);
	add_kv(&p, "x", m_uint(1));
	add_kv(&p, "x", m_uint(1));
	bad("duplicate-unknown-key", "an unknown key twice", envelope(&p, sk_a), "duplicate-key",
	    NULL, 0);

	base(&p, pk_a);
	for (int i = 0; p.n < CARD_KEYS_MAX + 1; i++) {
		snprintf(name, sizeof(name), "x%d", i);
		add_kv(&p, name, m_uint(0));
	}
	bad("too-many-keys", "65 keys", envelope(&p, sk_a), "too-many-keys", NULL, 0);
}

/*
 * The neutral point as key (01 00 .. 00, small order) with R = neutral point and S = 0:
 * this satisfies the bare verification equation for any message, so a verifier that does
 * not refuse small-order keys accepts it. Ours must refuse.
 */
static void
small_order_vector(void)
{
	uint8_t key[32] = { 1 }, sig[64] = { 1 };
	struct payload p;
	struct bytes payload;
	struct wire_out *w;

	base(&p, key);
	payload = encode(&p);
	w = out();
	wire_put_array(w, 2);
	wire_put_bin(w, payload.p, payload.n);
	wire_put_bin(w, sig, sizeof(sig));
	free(payload.p);
	bad("small-order-key", "the neutral point as key, with a signature that fits it", take(w),
	    "bad-signature", NULL, 0);
}

/* A valid signature with the group order L added to S: the same point equation, but S is
 * not reduced, which RFC 8032 section 5.1.7 requires verifiers to refuse. */
static void
non_canonical_s_vector(void)
{
	static const uint8_t order[32] = {
		0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7,
		0xa2, 0xde, 0xf9, 0xde, 0x14, 0,    0,    0,    0,    0,    0,
		0,    0,    0,    0,    0,    0,    0,    0,    0,    0x10,
	};
	struct bytes env = minimal_env();
	uint8_t *s = env.p + env.n - 32;
	unsigned carry = 0;

	for (int i = 0; i < 32; i++) {
		unsigned sum = s[i] + order[i] + carry;

		s[i] = (uint8_t)sum;
		carry = sum >> 8;
	}
	bad("non-canonical-s", "a valid signature with L added to S", env, "bad-signature", NULL,
	    0);
}

static void
signer_vectors(void)
{
	struct payload p;
	struct bytes env;

	base(&p, pk_a);
	del(&p, "v");
	bad("missing-v", "no version", envelope(&p, sk_a), "missing-field", "v", 0);

	base(&p, pk_a);
	set(&p, "v", m_uint(2));
	bad("version-2", "a version this build does not read", envelope(&p, sk_a),
	    "unknown-version", "v", 0);

	base(&p, pk_a);
	set(&p, "v", m_str("1"));
	bad("version-as-string", "v as a string", envelope(&p, sk_a), "wrong-type", "v", 0);

	base(&p, pk_a);
	del(&p, "key");
	bad("missing-key", "no key", envelope(&p, sk_a), "missing-field", "key", 0);

	base(&p, pk_a);
	set(&p, "key", m_bin(pk_a, 31));
	bad("key-31-bytes", "a key one byte short", envelope(&p, sk_a), "wrong-type", "key", 0);

	env = minimal_env();
	env.p[env.n - 1] ^= 0x01;
	bad("signature-bit-flip", "the last signature byte changed", env, "bad-signature", NULL, 0);

	base(&p, pk_a);
	bad("wrong-signer", "key says A, signed by B", envelope(&p, sk_b), "bad-signature", NULL,
	    0);

	small_order_vector();
	non_canonical_s_vector();

	env = minimal_env();
	/* The name's last byte sits just before the signature's bin header (c4 40). */
	env.p[env.n - 67] ^= 0x01;
	bad("payload-bit-flip", "one bit of the name changed after signing", env, "bad-signature",
	    NULL, 0);
}

static void
field_vectors(void)
{
	static const char *const dup[] = { "a@example.org", "a@example.org" };
	static const char *const bidi[] = { "a@example.org", "\xe2\x80\xae"
		                                             "gro.elpmaxe@b" };
	const char *seventeen[17];
	char longname[130];
	struct payload p;

	for (int i = 0; i < 17; i++)
		seventeen[i] = (const char *[]){ "t0",  "t1",  "t2",  "t3",  "t4",  "t5",
			                         "t6",  "t7",  "t8",  "t9",  "t10", "t11",
			                         "t12", "t13", "t14", "t15", "t16" }[i];

	base(&p, pk_a);
	del(&p, "rev");
	bad("missing-rev", "no rev", envelope(&p, sk_a), "missing-field", "rev", 0);
	base(&p, pk_a);
	del(&p, "issued");
	bad("missing-issued", "no issued", envelope(&p, sk_a), "missing-field", "issued", 0);
	base(&p, pk_a);
	del(&p, "name");
	bad("missing-name", "no name", envelope(&p, sk_a), "missing-field", "name", 0);

	base(&p, pk_a);
	set(&p, "rev", raw("\xff", 1)); /* -1 */
	bad("rev-negative", "rev of -1", envelope(&p, sk_a), "wrong-type", "rev", 0);
	base(&p, pk_a);
	set(&p, "issued", raw("\xcb\x41\xda\xab\x6a\x20\x00\x00\x00", 9));
	bad("issued-float", "issued as a float64", envelope(&p, sk_a), "wrong-type", "issued", 0);

	bad_field("name-as-bin", "name as bin", "name", m_bin((const uint8_t *)"Ada", 3),
	          "wrong-type", 0);
	bad_field("email-not-array", "email as one string", "email", m_str("a@example.org"),
	          "wrong-type", 0);
	bad_field("email-item-int", "an email item that is an integer", "email", raw("\x91\x01", 2),
	          "wrong-type", 1);
	bad_field("name-empty", "an empty name", "name", m_str(""), "empty", 0);
	bad_field("org-empty", "an empty optional field", "org", m_str(""), "empty", 0);
	memset(longname, 'a', 129);
	longname[129] = '\0';
	bad_field("name-too-long", "a name of 129 bytes", "name", m_str(longname), "too-long", 0);
	bad_field("topics-17", "17 topics, one over the limit", "topics", m_strs(seventeen, 17),
	          "too-many-items", 0);
	bad_field("topics-empty-list", "an empty list where absence is the way to say none",
	          "topics", m_strs(NULL, 0), "empty", 0);
	bad_field("email-duplicate", "the same email twice", "email", m_strs(dup, 2),
	          "duplicate-item", 2);
	bad_field("name-overlong-utf8", "an overlong encoding of NUL (c0 80)", "name",
	          m_strn("A\xc0\x80", 3), "bad-utf8", 0);
	bad_field("name-surrogate", "a UTF-16 surrogate encoded in UTF-8 (ed a0 80)", "name",
	          m_strn("A\xed\xa0\x80", 4), "bad-utf8", 0);
	bad_field("name-above-10ffff", "f4 90 80 80, above U+10FFFF", "name",
	          m_strn("A\xf4\x90\x80\x80", 5), "bad-utf8", 0);
	bad_field("name-cut-sequence", "a name ending inside a 3-byte sequence", "name",
	          m_strn("A\xe2\x82", 3), "bad-utf8", 0);
	bad_field("name-bell", "a BEL control character", "name", m_str("A\x07"), "control-char",
	          0);
	bad_field("name-nul", "a NUL inside the name", "name", m_strn("A\0B", 3), "control-char",
	          0);
	bad_field("name-escape", "an ANSI escape sequence", "name", m_str("\x1b[31mAda"),
	          "control-char", 0);
	bad_field("title-newline", "a line feed outside note", "title", m_str("a\nb"),
	          "control-char", 0);
	bad_field("name-c1", "U+0085 (NEL), a C1 control", "name", m_str("A\xc2\x85"),
	          "control-char", 0);
	bad_field("name-line-separator", "U+2028", "name", m_str("A\xe2\x80\xa8"), "control-char",
	          0);
	bad_field("name-rlo", "U+202E right-to-left override", "name",
	          m_str("\xe2\x80\xae"
	                "ecalevoL adA"),
	          "format-char", 0);
	bad_field("name-rli", "U+2067 right-to-left isolate", "name",
	          m_str("\xe2\x81\xa7"
	                "Ada"),
	          "format-char", 0);
	bad_field("name-bom", "U+FEFF", "name",
	          m_str("\xef\xbb\xbf"
	                "Ada"),
	          "format-char", 0);
	bad_field("name-noncharacter", "U+FFFE", "name", m_str("Ada\xef\xbf\xbe"), "format-char",
	          0);
	bad_field("email-item-rlo", "the second email starts with U+202E", "email", m_strs(bidi, 2),
	          "format-char", 2);
	bad_field("fwd-as-int", "fwd as 1", "fwd", m_uint(1), "wrong-type", 0);
	bad_field("expires-as-string", "expires as a string", "expires", m_str("never"),
	          "wrong-type", 0);
	bad_field("note-carriage-return", "a CR in note, where only LF is allowed", "note",
	          m_str("line one\r\nline two"), "control-char", 0);
	bad_field("name-blank", "a name of spaces only", "name", m_str("   "), "empty", 0);
	bad_field("name-ideographic-space", "a name of one U+3000", "name", m_str("\xe3\x80\x80"),
	          "empty", 0);
	bad_field("name-zero-width-space", "U+200B inside a name", "name",
	          m_str("A\xe2\x80\x8b"
	                "da"),
	          "format-char", 0);
	bad_field("name-hangul-filler", "a name of one U+3164, which shows nothing", "name",
	          m_str("\xe3\x85\xa4"), "format-char", 0);
	bad_field("name-tag-characters", "U+E0041 U+E007F after the name: hidden text", "name",
	          m_str("Ada\xf3\xa0\x81\x81\xf3\xa0\x81\xbf"), "format-char", 0);
	bad_field("rev-2^63", "rev of 2^63, one more than the largest", "rev",
	          m_uint((uint64_t)CARD_UINT_MAX + 1), "out-of-range", 0);
	bad_field("expires-max-u64", "expires of 2^64-1", "expires", m_uint(UINT64_MAX),
	          "out-of-range", 0);
	bad_field("expired", "expires one second after issued, long before now", "expires",
	          m_uint(ISSUED + 1), "expired", 0);
}

int
main(void)
{
	json_t *doc;
	char a[65], b[65];

	if (crypt_init() < 0)
		die("libsodium");
	for (int i = 0; i < 32; i++) {
		seed_a[i] = (uint8_t)i;
		seed_b[i] = (uint8_t)(0x20 + i);
	}
	crypt_sign_keypair(pk_a, sk_a, seed_a);
	crypt_sign_keypair(pk_b, sk_b, seed_b);
	crypt_hex(a, seed_a, 32);
	crypt_hex(b, seed_b, 32);
	vectors = json_array();
	valid_vectors();
	boundary_vectors();
	structure_vectors();
	key_vectors();
	signer_vectors();
	field_vectors();
	doc = json_pack(
	        "{s:{s:s, s:s, s:{s:s, s:s}, s:I, s:s}, s:o}", "_meta", "description",
	        "wallflower contact card vectors (proto/card.md). Every vector breaks at most one "
	        "rule; verdict is the token of the first check that fails, 'ok' when none does.",
	        "generator", "tests/vectors/gen_card_vectors.c", "seeds", "signer", a, "other", b,
	        "now", (json_int_t)NOW, "licence",
	        "Generated by the wallflower project; free to use for any purpose.", "vectors",
	        vectors);
	if (doc == NULL || json_dumpf(doc, stdout, JSON_INDENT(1) | JSON_PRESERVE_ORDER) < 0)
		die("json output");
	putchar('\n');
	json_decref(doc);
	return 0;
}
