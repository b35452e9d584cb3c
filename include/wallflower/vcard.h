/*
 * vcard: vCards (RFC 2426 3.0, RFC 6350 4.0) from people without wallflower, as an address
 * book or a phone exports them. The parser is the one bounded, strict reader of an imported
 * .vcf file: it unfolds lines, reads parameters and escapes, maps FN (or N), ORG, TITLE,
 * EMAIL, TEL, URL, NOTE and CATEGORIES to card fields, applies the card's text rules to
 * every value it maps (proto/card.md section 8), and keeps each vCard's bytes as they came.
 * Everything else in a vCard is ignored, never interpreted. docs/export.md says what is
 * read and what is refused.
 */
#ifndef WALLFLOWER_VCARD_H
#define WALLFLOWER_VCARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wallflower/card.h"

#define VCARD_FILE_MAX  (8u << 20)   /* a whole file of vCards, bytes */
#define VCARD_MAX       (256u << 10) /* one vCard, BEGIN to END, bytes: a photo fits */
#define VCARD_LINE_MAX  8192         /* one physical line, bytes, line break excluded */
#define VCARD_PROPS_MAX 512          /* properties (unfolded lines) in one vCard */
#define VCARD_COUNT_MAX 10000        /* vCards in one file */
#define VCARD_UID_MAX   256          /* UID value, bytes */
#define VCARD_KEY_TAG   "wallflower-vcard-v1"

enum vcard_fault {
	VCARD_OK,
	VCARD_NONE,          /* no BEGIN:VCARD where one must be */
	VCARD_FILE_TOO_BIG,  /* over VCARD_FILE_MAX */
	VCARD_TOO_BIG,       /* one vCard over VCARD_MAX */
	VCARD_TOO_MANY,      /* over VCARD_COUNT_MAX vCards */
	VCARD_LINE_TOO_LONG, /* a physical line over VCARD_LINE_MAX */
	VCARD_TOO_MANY_PROPS,
	VCARD_BINARY,     /* NUL or another control byte: not text */
	VCARD_BAD_UTF8,   /* ill-formed UTF-8 */
	VCARD_SYNTAX,     /* a line that is not NAME[;PARAMS]:VALUE */
	VCARD_NESTED,     /* BEGIN:VCARD inside a vCard */
	VCARD_UNFINISHED, /* no END:VCARD */
	VCARD_VERSION,    /* VERSION missing, or not 3.0 or 4.0 */
	VCARD_CHARSET,    /* a CHARSET other than UTF-8 */
	VCARD_ENCODING,   /* QUOTED-PRINTABLE, or an encoded value where text is read */
	VCARD_NO_NAME,    /* neither FN nor N gives a name */
	VCARD_UID,        /* a UID that is empty, too long or not one line of text */
	VCARD_FIELD,      /* a mapped value breaks a card rule: see card */
	VCARD_FAULT_COUNT
};

struct vcard_error {
	enum vcard_fault fault;
	size_t line;            /* 1-based line of the file where it went wrong, or 0 */
	char prop[16];          /* the property's name, or "" */
	struct card_error card; /* VCARD_FIELD: which card rule, which field */
};

struct vcard {
	struct card_fields f; /* name always set; pronouns, location, offers, seeks never */
	char *uid;            /* owned, or NULL when the vCard has no UID */
	uint8_t *raw;         /* the vCard's bytes as they came, BEGIN:VCARD to END:VCARD and
	                         its line break; owned */
	size_t raw_len;
	int version; /* 3 or 4 */
	size_t line; /* the line of the file where it begins */
};

/* Frees what v owns and zeroes it. NULL is fine. */
void vcard_clear(struct vcard *v);

/* Frees an array of n vCards. NULL is fine. */
void vcard_free_all(struct vcard *v, size_t n);

/* Whether buf holds vCards, by content: BEGIN:VCARD (any case) after an optional UTF-8 BOM
 * and blank lines. The extension of a file says nothing. */
bool vcard_sniff(const uint8_t *buf, size_t len);

/*
 * Parses every vCard of a file: blank lines may separate them, nothing else may. All or
 * nothing: one bad vCard fails the whole file. 0 with *out (owned, *n >= 1 items);
 * -EBADMSG with err filled; -ENOMEM. Allocates at most a small multiple of len.
 */
int vcard_parse_all(const uint8_t *buf, size_t len, struct vcard **out, size_t *n,
                    struct vcard_error *err) CRYPT_WUR;

/*
 * Parses exactly one vCard (as vcard_parse_all kept it in raw) into *out, which it clears
 * on entry. 0; -EBADMSG with err filled; -ENOMEM. The store reads its kept bytes with it.
 */
int vcard_parse(const uint8_t *buf, size_t len, struct vcard *out,
                struct vcard_error *err) CRYPT_WUR;

/*
 * The name the store keeps an unverified contact under, in the place of a key: BLAKE2b-256
 * of VCARD_KEY_TAG "-uid" || UID when the vCard has one, else of VCARD_KEY_TAG "-raw" ||
 * its bytes. No one holds a secret for it: it is never used as a key.
 */
void vcard_key(const struct vcard *v, uint8_t key[CRYPT_SIGN_PK]);

/* One line for a person: "line 4 (FN): field 'name': contains a control character". */
const char *vcard_error_describe(const struct vcard_error *err, char *buf, size_t size);

#endif
