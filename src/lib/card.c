/*
 * card.c: contact cards, built and signed here, decoded and verified here
 * (proto/card.md is the normative spec; this file follows its numbered checks in order).
 *
 * Decoding trusts no byte: the envelope and then the payload pass the wire pre-validator,
 * every key and field is checked, and the signature is checked before any field is
 * believed. A card's bytes are kept exactly as received, never re-encoded, because the
 * signature covers them. Issuing applies the same field rules, so we never sign a card
 * that we would refuse.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wallflower/card.h"
#include "wallflower/text.h"
#include "wallflower/wire.h"

#define STR_(x) #x
#define STR(x)  STR_(x)

static const struct card_field_info fields[CARD_FIELD_COUNT] = {
	[CARD_NAME] = { "name", false, false, 128, 0 },
	[CARD_PRONOUNS] = { "pronouns", false, false, 32, 0 },
	[CARD_TITLE] = { "title", false, false, 128, 0 },
	[CARD_ORG] = { "org", false, false, 128, 0 },
	[CARD_LOCATION] = { "location", false, false, 128, 0 },
	[CARD_NOTE] = { "note", false, true, 1024, 0 },
	[CARD_EMAIL] = { "email", true, false, 254, 8 },
	[CARD_PHONE] = { "phone", true, false, 32, 8 },
	[CARD_URL] = { "url", true, false, 256, 8 },
	[CARD_TOPICS] = { "topics", true, false, 48, 16 },
	[CARD_OFFERS] = { "offers", true, false, 96, 16 },
	[CARD_SEEKS] = { "seeks", true, false, 96, 16 },
};

static const char *const fault_names[CARD_FAULT_COUNT] = {
	[CARD_OK] = "ok",
	[CARD_TOO_BIG] = "too-big",
	[CARD_TRUNCATED] = "truncated",
	[CARD_MALFORMED] = "malformed",
	[CARD_TRAILING] = "trailing-bytes",
	[CARD_TOO_DEEP] = "too-deep",
	[CARD_ENVELOPE] = "bad-envelope",
	[CARD_NOT_MAP] = "payload-not-map",
	[CARD_KEY_TYPE] = "bad-key",
	[CARD_DUPLICATE_KEY] = "duplicate-key",
	[CARD_TOO_MANY_KEYS] = "too-many-keys",
	[CARD_MISSING] = "missing-field",
	[CARD_VERSION_UNKNOWN] = "unknown-version",
	[CARD_TYPE] = "wrong-type",
	[CARD_BAD_SIGNATURE] = "bad-signature",
	[CARD_TOO_LONG] = "too-long",
	[CARD_TOO_MANY_ITEMS] = "too-many-items",
	[CARD_EMPTY] = "empty",
	[CARD_BAD_UTF8] = "bad-utf8",
	[CARD_CONTROL_CHAR] = "control-char",
	[CARD_FORMAT_CHAR] = "format-char",
	[CARD_DUPLICATE_ITEM] = "duplicate-item",
	[CARD_OUT_OF_RANGE] = "out-of-range",
	[CARD_EXPIRED] = "expired",
};

static const char *const fault_texts[CARD_FAULT_COUNT] = {
	[CARD_OK] = "valid",
	[CARD_TOO_BIG] = "card is larger than " STR(CARD_ENVELOPE_MAX) " bytes",
	[CARD_TRUNCATED] = "truncated: the data ends inside a msgpack value",
	[CARD_MALFORMED] = "not msgpack (reserved byte 0xc1)",
	[CARD_TRAILING] = "trailing bytes after the msgpack value",
	[CARD_TOO_DEEP] = "msgpack nested deeper than " STR(CARD_DEPTH_MAX) " levels",
	[CARD_ENVELOPE] = "not a card envelope [payload: bin, sig: bin(64)]",
	[CARD_NOT_MAP] = "payload is not a msgpack map",
	[CARD_KEY_TYPE] =
	        "a payload key is not a string of 1 to " STR(CARD_KEYNAME_MAX) " valid bytes",
	[CARD_DUPLICATE_KEY] = "key appears twice",
	[CARD_TOO_MANY_KEYS] = "more than " STR(CARD_KEYS_MAX) " keys in the payload",
	[CARD_MISSING] = "required field is missing",
	[CARD_VERSION_UNKNOWN] = "unsupported card version (this build reads v=1)",
	[CARD_TYPE] = "wrong msgpack type",
	[CARD_BAD_SIGNATURE] = "signature does not verify under the card's key",
	[CARD_TOO_LONG] = "too long",
	[CARD_TOO_MANY_ITEMS] = "too many items",
	[CARD_EMPTY] = "empty: nothing to show",
	[CARD_BAD_UTF8] = "invalid UTF-8",
	[CARD_CONTROL_CHAR] = "control character",
	[CARD_FORMAT_CHAR] = "forbidden format character (bidi control, BOM or noncharacter)",
	[CARD_DUPLICATE_ITEM] = "the same value appears twice",
	[CARD_OUT_OF_RANGE] = "number larger than 2^63-1",
	[CARD_EXPIRED] = "card has expired",
};

const struct card_field_info *
card_field_info(enum card_field f)
{
	return &fields[f];
}

int
card_field_lookup(const char *name, enum card_field *f)
{
	for (int i = 0; i < CARD_FIELD_COUNT; i++) {
		if (strcmp(fields[i].name, name) == 0) {
			*f = (enum card_field)i;
			return 0;
		}
	}
	return -ENOENT;
}

void
card_fields_init(struct card_fields *f)
{
	memset(f, 0, sizeof(*f));
	f->fwd = -1;
}

void
card_fields_clear(struct card_fields *f)
{
	if (f == NULL)
		return;
	for (int i = 0; i < CARD_TEXT_COUNT; i++)
		free(f->text[i]);
	for (int i = 0; i < CARD_LIST_COUNT; i++) {
		for (size_t j = 0; j < f->list[i].n; j++)
			free(f->list[i].items[j]);
		free(f->list[i].items);
	}
	card_fields_init(f);
}

struct card_list *
card_fields_list(struct card_fields *f, enum card_field field)
{
	return &f->list[field - CARD_EMAIL];
}

const struct card_list *
card_fields_list_const(const struct card_fields *f, enum card_field field)
{
	return &f->list[field - CARD_EMAIL];
}

const char *
card_fault_name(enum card_fault fault)
{
	return fault < CARD_FAULT_COUNT ? fault_names[fault] : "unknown";
}

const char *
card_error_describe(const struct card_error *err, char *buf, size_t size)
{
	const char *text = err->fault < CARD_FAULT_COUNT ? fault_texts[err->fault] : "?";
	enum card_field f;
	char limit[64];

	/* For a limit, say what the limit is: the person has to shorten something. */
	if (err->field != NULL && card_field_lookup(err->field, &f) == 0 &&
	    (err->fault == CARD_TOO_LONG || err->fault == CARD_TOO_MANY_ITEMS)) {
		if (err->fault == CARD_TOO_LONG)
			snprintf(limit, sizeof(limit), "too long (at most %u bytes)",
			         (unsigned)fields[f].max_bytes);
		else
			snprintf(limit, sizeof(limit), "too many items (at most %u)",
			         (unsigned)fields[f].max_items);
		text = limit;
	}

	if (err->field != NULL && err->item > 0)
		snprintf(buf, size, "field '%s' item %zu: %s", err->field, err->item, text);
	else if (err->field != NULL)
		snprintf(buf, size, "field '%s': %s", err->field, text);
	else
		snprintf(buf, size, "%s", text);
	return buf;
}

void
card_free(struct card *card)
{
	if (card == NULL)
		return;
	card_fields_clear(&card->f);
	free(card->envelope);
	free(card);
}

/* Records a fault; returns the errno the caller passes on. */
static int
fail(struct card_error *err, enum card_fault fault, const char *field, size_t item, int code)
{
	if (err != NULL) {
		err->fault = fault;
		err->field = field;
		err->item = item;
	}
	return code;
}

int
card_text_check(enum card_field f, const char *s, size_t n, struct card_error *err)
{
	const struct card_field_info *info = &fields[f];
	static const enum card_fault verdicts[] = {
		[TEXT_OK] = CARD_OK,
		[TEXT_BAD_UTF8] = CARD_BAD_UTF8,
		[TEXT_CONTROL] = CARD_CONTROL_CHAR,
		[TEXT_FORMAT] = CARD_FORMAT_CHAR,
		[TEXT_BLANK] = CARD_EMPTY,
	};
	enum text_verdict v;

	if (n == 0)
		return fail(err, CARD_EMPTY, info->name, 0, -EINVAL);
	if (n > info->max_bytes)
		return fail(err, CARD_TOO_LONG, info->name, 0, -EINVAL);
	v = text_check(s, n, info->multiline ? TEXT_ALLOW_LF : 0);
	if (v != TEXT_OK)
		return fail(err, verdicts[v], info->name, 0, -EINVAL);
	return 0;
}

/* Checks a list's size, items and distinctness. */
static int
check_list(enum card_field f, const struct card_list *l, struct card_error *err)
{
	int r;

	if (l->n > fields[f].max_items)
		return fail(err, CARD_TOO_MANY_ITEMS, fields[f].name, 0, -EINVAL);
	for (size_t i = 0; i < l->n; i++) {
		if ((r = card_text_check(f, l->items[i], strlen(l->items[i]), err)) < 0) {
			if (err != NULL)
				err->item = i + 1;
			return r;
		}
		for (size_t j = 0; j < i; j++)
			if (strcmp(l->items[i], l->items[j]) == 0)
				return fail(err, CARD_DUPLICATE_ITEM, fields[f].name, i + 1,
				            -EINVAL);
	}
	return 0;
}

int
card_fields_check(const struct card_fields *f, struct card_error *err)
{
	int r;

	if (f->text[CARD_NAME] == NULL)
		return fail(err, CARD_MISSING, "name", 0, -EINVAL);
	for (int i = 0; i < CARD_TEXT_COUNT; i++)
		if (f->text[i] != NULL && (r = card_text_check((enum card_field)i, f->text[i],
		                                               strlen(f->text[i]), err)) < 0)
			return r;
	for (int i = CARD_EMAIL; i < CARD_FIELD_COUNT; i++)
		if ((r = check_list((enum card_field)i, card_fields_list_const(f, i), err)) < 0)
			return r;
	return 0;
}

/* ---- issuing ---- */

static uint32_t
count_entries(const struct card_fields *f, const struct card_meta *meta)
{
	uint32_t n = 4; /* v, key, rev, issued */

	for (int i = 0; i < CARD_TEXT_COUNT; i++)
		n += f->text[i] != NULL;
	for (int i = CARD_EMAIL; i < CARD_FIELD_COUNT; i++)
		n += card_fields_list_const(f, i)->n > 0;
	n += f->fwd >= 0;
	n += meta->expires != 0;
	return n;
}

/* The payload map in the canonical key order of proto/card.md. */
static void
put_payload(struct wire_out *w, const struct card_fields *f, const struct card_meta *meta,
            const uint8_t pk[CRYPT_SIGN_PK])
{
	wire_put_map(w, count_entries(f, meta));
	wire_put_cstr(w, "v");
	wire_put_uint(w, CARD_VERSION);
	wire_put_cstr(w, "key");
	wire_put_bin(w, pk, CRYPT_SIGN_PK);
	wire_put_cstr(w, "rev");
	wire_put_uint(w, meta->rev);
	wire_put_cstr(w, "issued");
	wire_put_uint(w, meta->issued);
	for (int i = 0; i < CARD_TEXT_COUNT; i++) {
		if (f->text[i] == NULL)
			continue;
		wire_put_cstr(w, fields[i].name);
		wire_put_cstr(w, f->text[i]);
	}
	for (int i = CARD_EMAIL; i < CARD_FIELD_COUNT; i++) {
		const struct card_list *l = card_fields_list_const(f, i);

		if (l->n == 0)
			continue;
		wire_put_cstr(w, fields[i].name);
		wire_put_array(w, (uint32_t)l->n);
		for (size_t j = 0; j < l->n; j++)
			wire_put_cstr(w, l->items[j]);
	}
	if (f->fwd >= 0) {
		wire_put_cstr(w, "fwd");
		wire_put_bool(w, f->fwd == 1);
	}
	if (meta->expires != 0) {
		wire_put_cstr(w, "expires");
		wire_put_uint(w, meta->expires);
	}
}

/* Writes into a fresh bounded writer and takes the bytes; -EMSGSIZE past the card cap. */
static int
encode_payload(const struct card_fields *f, const struct card_meta *meta,
               const uint8_t pk[CRYPT_SIGN_PK], uint8_t **out, size_t *len)
{
	struct wire_out *w;
	int r;

	if ((r = wire_out_new(CARD_ENVELOPE_MAX, &w)) < 0)
		return r;
	put_payload(w, f, meta, pk);
	r = wire_out_take(w, out, len);
	wire_out_free(w);
	return r;
}

static int
encode_envelope(const uint8_t *payload, size_t plen, const uint8_t sig[CRYPT_SIG], uint8_t **env,
                size_t *len)
{
	struct wire_out *w;
	int r;

	if ((r = wire_out_new(CARD_ENVELOPE_MAX, &w)) < 0)
		return r;
	wire_put_array(w, 2);
	wire_put_bin(w, payload, plen);
	wire_put_bin(w, sig, CRYPT_SIG);
	r = wire_out_take(w, env, len);
	wire_out_free(w);
	return r;
}

int
card_fields_fit(const struct card_fields *f)
{
	static const uint8_t pk[CRYPT_SIGN_PK];
	const struct card_meta worst = { CARD_UINT_MAX, CARD_UINT_MAX, CARD_UINT_MAX };
	struct card_fields named = *f;
	char longest[129];
	uint8_t *payload;
	size_t plen;
	int r;

	if (named.text[CARD_NAME] == NULL) {
		memset(longest, 'n', fields[CARD_NAME].max_bytes);
		longest[fields[CARD_NAME].max_bytes] = '\0';
		named.text[CARD_NAME] = longest;
	}
	if ((r = encode_payload(&named, &worst, pk, &payload, &plen)) < 0)
		return r;
	free(payload);
	/* The envelope adds: an array header (1), the payload's bin header (2 or 3), and the
	 * signature with its header (2 + 64). */
	return plen + 1 + (plen < 256 ? 2 : 3) + 2 + CRYPT_SIG <= CARD_ENVELOPE_MAX ? 0 : -EMSGSIZE;
}

int
card_issue(const struct card_fields *f, const struct card_meta *meta,
           const uint8_t sk[CRYPT_SIGN_SK], uint8_t **env, size_t *len, struct card_error *err)
{
	uint8_t sig[CRYPT_SIG];
	uint8_t *payload = NULL;
	size_t plen = 0;
	int r;

	*env = NULL;
	*len = 0;
	if ((r = card_fields_check(f, err)) < 0)
		return r;
	if (meta->rev > CARD_UINT_MAX || meta->issued > CARD_UINT_MAX ||
	    meta->expires > CARD_UINT_MAX)
		return fail(err, CARD_OUT_OF_RANGE, NULL, 0, -EINVAL);
	/* An Ed25519 secret key is seed || public key (libsodium's layout). */
	r = encode_payload(f, meta, sk + CRYPT_SIGN_SEED, &payload, &plen);
	if (r == 0)
		r = crypt_sign_tagged(sig, sk, CARD_SIGN_TAG, payload, plen);
	if (r == 0)
		r = encode_envelope(payload, plen, sig, env, len);
	if (r == -EMSGSIZE)
		fail(err, CARD_TOO_BIG, NULL, 0, r);
	free(payload);
	return r;
}

/* ---- decoding ---- */

/* Maps a wire parse failure onto the fault it means for a card. */
static int
wire_fault(int r, struct card_error *err)
{
	switch (r) {
	case -ENODATA:
		return fail(err, CARD_TRUNCATED, NULL, 0, -EBADMSG);
	case -EBADMSG:
		return fail(err, CARD_MALFORMED, NULL, 0, -EBADMSG);
	case -ELOOP:
		return fail(err, CARD_TOO_DEEP, NULL, 0, -EBADMSG);
	case -ENOTEMPTY:
		return fail(err, CARD_TRAILING, NULL, 0, -EBADMSG);
	}
	return r; /* -ENOMEM */
}

/* Step 2: [payload: bin, sig: bin(64)]. */
static int
read_envelope(const struct wire_obj *root, const uint8_t **payload, size_t *plen,
              const uint8_t **sig, struct card_error *err)
{
	size_t slen;

	if (wire_type(root) != WIRE_ARRAY || wire_count(root) != 2 ||
	    wire_get_bin(wire_item(root, 0), payload, plen) < 0 ||
	    wire_get_bin(wire_item(root, 1), sig, &slen) < 0 || slen != CRYPT_SIG)
		return fail(err, CARD_ENVELOPE, NULL, 0, -EBADMSG);
	return 0;
}

/* Our static spelling of a payload key, when it is one we know, so that an error can name
 * it without echoing peer text; NULL for an unknown key. */
static const char *
known_key(const char *k, size_t n)
{
	static const char *const meta[] = { "v", "key", "rev", "issued", "fwd", "expires" };

	for (size_t i = 0; i < sizeof(meta) / sizeof(meta[0]); i++)
		if (strlen(meta[i]) == n && memcmp(meta[i], k, n) == 0)
			return meta[i];
	for (int i = 0; i < CARD_FIELD_COUNT; i++)
		if (strlen(fields[i].name) == n && memcmp(fields[i].name, k, n) == 0)
			return fields[i].name;
	return NULL;
}

/* Step 3: a map of at most CARD_KEYS_MAX distinct, short, valid string keys. */
static int
read_keys(const struct wire_obj *map, struct card_error *err)
{
	size_t n = wire_count(map);
	const char *k[CARD_KEYS_MAX];
	size_t klen[CARD_KEYS_MAX];

	if (wire_type(map) != WIRE_MAP)
		return fail(err, CARD_NOT_MAP, NULL, 0, -EBADMSG);
	if (n > CARD_KEYS_MAX)
		return fail(err, CARD_TOO_MANY_KEYS, NULL, 0, -EBADMSG);
	for (size_t i = 0; i < n; i++) {
		if (wire_get_str(wire_key(map, i), &k[i], &klen[i]) < 0 || klen[i] == 0 ||
		    klen[i] > CARD_KEYNAME_MAX || text_check(k[i], klen[i], 0) != TEXT_OK)
			return fail(err, CARD_KEY_TYPE, NULL, 0, -EBADMSG);
		for (size_t j = 0; j < i; j++)
			if (klen[j] == klen[i] && memcmp(k[j], k[i], klen[i]) == 0)
				return fail(err, CARD_DUPLICATE_KEY, known_key(k[i], klen[i]), 0,
				            -EBADMSG);
	}
	return 0;
}

static int
read_uint(const struct wire_obj *map, const char *name, bool required, uint64_t *v, bool *present,
          struct card_error *err)
{
	const struct wire_obj *o = wire_map_get(map, name);

	*present = o != NULL;
	if (o == NULL)
		return required ? fail(err, CARD_MISSING, name, 0, -EBADMSG) : 0;
	if (wire_get_uint(o, v) < 0)
		return fail(err, CARD_TYPE, name, 0, -EBADMSG);
	if (*v > CARD_UINT_MAX)
		return fail(err, CARD_OUT_OF_RANGE, name, 0, -EBADMSG);
	return 0;
}

/* Steps 4 to 6: the version, the key, and the signature under that key. */
static int
read_signer(const struct wire_obj *map, const uint8_t *payload, size_t plen, const uint8_t *sig,
            bool verify, struct card *card, struct card_error *err)
{
	const struct wire_obj *o;
	const uint8_t *key;
	uint64_t v;
	size_t klen;
	bool present;
	int r;

	if ((r = read_uint(map, "v", true, &v, &present, err)) < 0)
		return r;
	if (v != CARD_VERSION)
		return fail(err, CARD_VERSION_UNKNOWN, "v", 0, -EBADMSG);
	if ((o = wire_map_get(map, "key")) == NULL)
		return fail(err, CARD_MISSING, "key", 0, -EBADMSG);
	if (wire_get_bin(o, &key, &klen) < 0 || klen != CRYPT_SIGN_PK)
		return fail(err, CARD_TYPE, "key", 0, -EBADMSG);
	r = verify ? crypt_verify_tagged(sig, key, CARD_SIGN_TAG, payload, plen) : 0;
	if (r == -EBADMSG)
		return fail(err, CARD_BAD_SIGNATURE, NULL, 0, -EBADMSG);
	if (r < 0)
		return r;
	memcpy(card->key, key, CRYPT_SIGN_PK);
	return 0;
}

/* A checked string, still inside the payload (not NUL-terminated). */
static int
text_at(enum card_field f, const struct wire_obj *o, size_t item, const char **s, size_t *n,
        struct card_error *err)
{
	if (wire_get_str(o, s, n) < 0)
		return fail(err, CARD_TYPE, fields[f].name, item, -EBADMSG);
	if (card_text_check(f, *s, *n, err) < 0) {
		if (err != NULL)
			err->item = item;
		return -EBADMSG;
	}
	return 0;
}

/* A checked string, copied and NUL-terminated. */
static int
read_text(enum card_field f, const struct wire_obj *o, char **out, struct card_error *err)
{
	const char *s;
	size_t n;
	int r;

	if ((r = text_at(f, o, 0, &s, &n, err)) < 0)
		return r;
	if ((*out = strndup(s, n)) == NULL)
		return -ENOMEM;
	return 0;
}

/* Whether item i of an array of checked strings repeats an earlier one. */
static bool
repeats_earlier(const struct wire_obj *arr, size_t i, const char *s, size_t n)
{
	const char *t;
	size_t m;

	for (size_t j = 0; j < i; j++)
		if (wire_get_str(wire_item(arr, j), &t, &m) == 0 && m == n && memcmp(s, t, n) == 0)
			return true;
	return false;
}

static int
read_list(enum card_field f, const struct wire_obj *o, struct card_list *l, struct card_error *err)
{
	size_t n = wire_count(o), len;
	const char *s;
	int r;

	if (wire_type(o) != WIRE_ARRAY)
		return fail(err, CARD_TYPE, fields[f].name, 0, -EBADMSG);
	if (n > fields[f].max_items)
		return fail(err, CARD_TOO_MANY_ITEMS, fields[f].name, 0, -EBADMSG);
	/* An absent list says "nothing"; an empty one would be a second way to say it. */
	if (n == 0)
		return fail(err, CARD_EMPTY, fields[f].name, 0, -EBADMSG);
	if ((l->items = calloc(n, sizeof(*l->items))) == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		if ((r = text_at(f, wire_item(o, i), i + 1, &s, &len, err)) < 0)
			return r;
		if (repeats_earlier(o, i, s, len))
			return fail(err, CARD_DUPLICATE_ITEM, fields[f].name, i + 1, -EBADMSG);
		if ((l->items[i] = strndup(s, len)) == NULL)
			return -ENOMEM;
		l->n++;
	}
	return 0;
}

/* Step 7: every known field, and a count of the unknown ones. */
static int
read_fields(const struct wire_obj *map, struct card *card, struct card_error *err)
{
	const struct wire_obj *o;
	bool present, fwd;
	int r;

	if ((r = read_uint(map, "rev", true, &card->rev, &present, err)) < 0 ||
	    (r = read_uint(map, "issued", true, &card->issued, &present, err)) < 0)
		return r;
	if (wire_map_get(map, "name") == NULL)
		return fail(err, CARD_MISSING, "name", 0, -EBADMSG);
	for (int i = 0; i < CARD_FIELD_COUNT; i++) {
		if ((o = wire_map_get(map, fields[i].name)) == NULL)
			continue;
		if (fields[i].list)
			r = read_list(i, o, card_fields_list(&card->f, i), err);
		else
			r = read_text(i, o, &card->f.text[i], err);
		if (r < 0)
			return r;
	}
	if ((o = wire_map_get(map, "fwd")) != NULL) {
		if (wire_get_bool(o, &fwd) < 0)
			return fail(err, CARD_TYPE, "fwd", 0, -EBADMSG);
		card->f.fwd = fwd;
	}
	if ((r = read_uint(map, "expires", false, &card->expires, &card->has_expires, err)) < 0)
		return r;
	card->unknown_keys = wire_count(map) - (4 + (card->f.fwd >= 0) + card->has_expires);
	for (int i = 0; i < CARD_FIELD_COUNT; i++)
		card->unknown_keys -= wire_map_get(map, fields[i].name) != NULL;
	return 0;
}

/* Steps 3 to 7 on the payload bytes, which live inside card->envelope. */
static int
read_payload(struct card *card, const uint8_t *sig, bool verify, struct card_error *err)
{
	struct wire_doc *doc = NULL;
	const struct wire_obj *map;
	int r;

	r = wire_doc_parse(card->payload, card->payload_len, CARD_DEPTH_MAX, &doc);
	if (r < 0)
		return wire_fault(r, err);
	map = wire_doc_root(doc);
	r = read_keys(map, err);
	if (r == 0)
		r = read_signer(map, card->payload, card->payload_len, sig, verify, card, err);
	if (r == 0)
		r = read_fields(map, card, err);
	wire_doc_free(doc);
	return r;
}

static int
decode(const uint8_t *buf, size_t len, bool verify, struct card **out, struct card_error *err)
{
	struct wire_doc *env = NULL;
	struct card *card = NULL;
	uint8_t sig[CRYPT_SIG];
	const uint8_t *s;
	int r;

	*out = NULL;
	fail(err, CARD_OK, NULL, 0, 0);
	if (len > CARD_ENVELOPE_MAX)
		return fail(err, CARD_TOO_BIG, NULL, 0, -EBADMSG);
	if ((card = calloc(1, sizeof(*card))) == NULL ||
	    (card->envelope = malloc(len ? len : 1)) == NULL) {
		r = -ENOMEM;
		goto out;
	}
	card_fields_init(&card->f);
	if (len > 0)
		memcpy(card->envelope, buf, len);
	card->envelope_len = len;
	if ((r = wire_doc_parse(card->envelope, len, CARD_DEPTH_MAX, &env)) < 0) {
		r = wire_fault(r, err);
		goto out;
	}
	if ((r = read_envelope(wire_doc_root(env), &card->payload, &card->payload_len, &s, err)) <
	    0)
		goto out;
	memcpy(sig, s, CRYPT_SIG);
	wire_doc_free(env);
	env = NULL;
	if ((r = read_payload(card, sig, verify, err)) < 0)
		goto out;
	*out = card;
	card = NULL;
out:
	wire_doc_free(env);
	card_free(card);
	return r;
}

int
card_decode(const uint8_t *buf, size_t len, struct card **out, struct card_error *err)
{
	return decode(buf, len, true, out, err);
}

int
card_decode_stored(const uint8_t *buf, size_t len, struct card **out, struct card_error *err)
{
	return decode(buf, len, false, out, err);
}

int
card_check_time(const struct card *card, uint64_t now, struct card_error *err)
{
	if (card->has_expires && card->expires <= now)
		return fail(err, CARD_EXPIRED, "expires", 0, -ESTALE);
	return 0;
}
