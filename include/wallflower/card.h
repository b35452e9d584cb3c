/*
 * card: the signed contact card (proto/card.md is the normative spec).
 *
 * A card travels as an envelope, the msgpack array [payload: bin, sig: bin(64)], where sig is
 * Ed25519 over CARD_SIGN_TAG || payload and payload is a msgpack map with string keys.
 * This module builds, signs and encodes cards from a persona's fields, and decodes and
 * verifies envelopes from anyone. Decoding trusts nothing: every rule of proto/card.md is
 * checked, and a rejection says which rule and which field.
 */
#ifndef WALLFLOWER_CARD_H
#define WALLFLOWER_CARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wallflower/crypt.h"

#define CARD_ENVELOPE_MAX 4096 /* whole envelope, bytes */
#define CARD_VERSION      1
#define CARD_SIGN_TAG     "wallflower-card-v1"
#define CARD_KEYS_MAX     64        /* entries in the payload map, known and unknown together */
#define CARD_KEYNAME_MAX  64        /* bytes in any payload map key */
#define CARD_DEPTH_MAX    8         /* msgpack nesting, envelope array = depth 1 */
#define CARD_UINT_MAX     INT64_MAX /* rev, issued, expires: 2^63-1, what SQLite and time_t hold */

/* The optional text and list fields, in the order an encoder writes them. */
enum card_field {
	CARD_NAME, /* required */
	CARD_PRONOUNS,
	CARD_TITLE,
	CARD_ORG,
	CARD_LOCATION,
	CARD_NOTE,
	CARD_EMAIL, /* the first list field */
	CARD_PHONE,
	CARD_URL,
	CARD_TOPICS,
	CARD_OFFERS,
	CARD_SEEKS,
	CARD_FIELD_COUNT
};
#define CARD_TEXT_COUNT CARD_EMAIL
#define CARD_LIST_COUNT (CARD_FIELD_COUNT - CARD_EMAIL)

struct card_field_info {
	const char *name;   /* the payload key, also the profile field name */
	bool list;          /* an array of strings rather than one string */
	bool multiline;     /* LF allowed (only "note") */
	uint16_t max_bytes; /* per string, in bytes of UTF-8 */
	uint8_t max_items;  /* list fields: most items */
};

/* The limits of field f. f must be valid. */
const struct card_field_info *card_field_info(enum card_field f);

/* Finds a field by its payload key. 0, or -ENOENT for a name that is not a field. */
int card_field_lookup(const char *name, enum card_field *f) CRYPT_WUR;

struct card_list {
	char **items; /* NUL-terminated UTF-8, owned */
	size_t n;
};

/* What a person chooses to say: a persona in the profile, or the fields of a card. */
struct card_fields {
	char *text[CARD_TEXT_COUNT];            /* owned, NULL when absent */
	struct card_list list[CARD_LIST_COUNT]; /* index f - CARD_EMAIL */
	int fwd;                                /* -1 absent, 0 false, 1 true */
};

/* Sets f to the empty state (no text, no items, fwd absent). Does not free. */
void card_fields_init(struct card_fields *f);
/* Frees what f holds and leaves it in the empty state. f may be NULL. */
void card_fields_clear(struct card_fields *f);
/* The list of a list field. */
struct card_list *card_fields_list(struct card_fields *f, enum card_field field);
const struct card_list *card_fields_list_const(const struct card_fields *f, enum card_field field);

/* Why a card was rejected. The names are stable tokens, used in proto/vectors. */
enum card_fault {
	CARD_OK,
	CARD_TOO_BIG,         /* envelope over CARD_ENVELOPE_MAX */
	CARD_TRUNCATED,       /* msgpack ends early */
	CARD_MALFORMED,       /* not msgpack (reserved byte 0xc1) */
	CARD_TRAILING,        /* bytes after the envelope, or after the payload map */
	CARD_TOO_DEEP,        /* nesting over CARD_DEPTH_MAX */
	CARD_ENVELOPE,        /* not [bin, bin(64)] */
	CARD_NOT_MAP,         /* payload is not a map */
	CARD_KEY_TYPE,        /* a payload key is not a string of 1..CARD_KEYNAME_MAX valid bytes */
	CARD_DUPLICATE_KEY,   /* a payload key appears twice */
	CARD_TOO_MANY_KEYS,   /* over CARD_KEYS_MAX entries in the payload map */
	CARD_MISSING,         /* a required field is absent */
	CARD_VERSION_UNKNOWN, /* v is not 1 */
	CARD_TYPE,            /* a known field has the wrong msgpack type */
	CARD_BAD_SIGNATURE,   /* sig does not verify under payload key */
	CARD_TOO_LONG,        /* a string over its field's max_bytes */
	CARD_TOO_MANY_ITEMS,  /* a list over its field's max_items */
	CARD_EMPTY,           /* an empty or blank string, or an empty list */
	CARD_BAD_UTF8,        /* not valid UTF-8 */
	CARD_CONTROL_CHAR,    /* C0, DEL or C1 control character */
	CARD_FORMAT_CHAR,     /* bidi control or other forbidden format character */
	CARD_DUPLICATE_ITEM,  /* the same string twice in one list */
	CARD_OUT_OF_RANGE,    /* rev, issued or expires above CARD_UINT_MAX */
	CARD_EXPIRED,         /* expires is in the past (card_check_time only) */
	CARD_FAULT_COUNT
};

struct card_error {
	enum card_fault fault;
	const char *field; /* static field name, or NULL when the fault is not about one field */
	size_t item;       /* 1-based list item, or 0 */
};

/* The stable token of a fault, e.g. "bad-signature". */
const char *card_fault_name(enum card_fault fault);

/* One line for a person: "field 'email' item 2: invalid UTF-8". Returns buf. */
const char *card_error_describe(const struct card_error *err, char *buf, size_t size);

/* A decoded, verified card. */
struct card {
	uint8_t key[CRYPT_SIGN_PK]; /* the signer, from the payload */
	uint64_t rev;
	uint64_t issued;
	uint64_t expires; /* 0 when absent */
	bool has_expires;
	struct card_fields f;
	size_t unknown_keys; /* payload keys this version does not know, kept and ignored */
	uint8_t *envelope;   /* the exact envelope bytes, owned */
	size_t envelope_len;
	const uint8_t *payload; /* the signed payload, inside envelope */
	size_t payload_len;
};

/* Frees a card and everything it owns. NULL is fine. */
void card_free(struct card *card);

/*
 * Checks one string against field f's rules (length, UTF-8, characters). s is not
 * NUL-terminated; n is its length. 0, or -EINVAL with err filled.
 */
int card_text_check(enum card_field f, const char *s, size_t n, struct card_error *err) CRYPT_WUR;

/* Checks all fields (every rule a decoder applies, plus: name present). 0 or -EINVAL. */
int card_fields_check(const struct card_fields *f, struct card_error *err) CRYPT_WUR;

/*
 * Whether a card made from f would fit in CARD_ENVELOPE_MAX whatever its rev, issued and
 * expires (measured with the largest values); without a name, with the longest name.
 * Assumes the fields pass card_fields_check. 0; -EMSGSIZE; -ENOMEM.
 */
int card_fields_fit(const struct card_fields *f) CRYPT_WUR;

/* What card_issue signs besides the fields. */
struct card_meta {
	uint64_t rev;
	uint64_t issued;  /* unix seconds */
	uint64_t expires; /* unix seconds, 0 for none */
};

/*
 * Builds the payload from fields and meta, signs it with sk (whose public half becomes
 * "key"), and returns the envelope in *env (owned by the caller, *len bytes).
 * 0; -EINVAL with err filled when a field breaks a rule; -EMSGSIZE when the envelope would
 * exceed CARD_ENVELOPE_MAX (err->fault CARD_TOO_BIG); -ENOMEM.
 */
int card_issue(const struct card_fields *f, const struct card_meta *meta,
               const uint8_t sk[CRYPT_SIGN_SK], uint8_t **env, size_t *len,
               struct card_error *err) CRYPT_WUR;

/*
 * Decodes and verifies an envelope of len bytes. The bytes are copied; *out owns the copy.
 * 0; -EBADMSG with err filled for any rejection; -ENOMEM. Allocates at most a small
 * multiple of len (the msgpack pre-validator bounds every count by the bytes that remain).
 */
int card_decode(const uint8_t *buf, size_t len, struct card **out,
                struct card_error *err) CRYPT_WUR;

/*
 * card_decode for bytes that were verified when they arrived and have been kept since in
 * the user's own store: every rule is applied but the signature, whose check dominates
 * the cost of reading a large store. Never for bytes from anyone else.
 */
int card_decode_stored(const uint8_t *buf, size_t len, struct card **out,
                       struct card_error *err) CRYPT_WUR;

/* Checks expiry against now (unix seconds). 0, or -ESTALE with err->fault CARD_EXPIRED. */
int card_check_time(const struct card *card, uint64_t now, struct card_error *err) CRYPT_WUR;

#endif
