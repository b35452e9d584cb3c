/*
 * contact: what the store knows about one person you met, as plain data for the CLI and the
 * exporters. The store fills these (store_contact_*); nothing here touches SQLite.
 */
#ifndef WALLFLOWER_CONTACT_H
#define WALLFLOWER_CONTACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wallflower/card.h"
#include "wallflower/identity.h"

/* One meeting: where (an event name, or NULL when not at an event) and when. */
struct contact_meeting {
	char *event; /* owned, or NULL */
	uint64_t at; /* unix seconds */
};

struct contact_note {
	int64_t id;
	char *text; /* owned */
	uint64_t at;
};

struct contact {
	int64_t id; /* the store's row id */
	uint8_t key[CRYPT_SIGN_PK];
	char fpr[IDENTITY_FPR_LEN + 1];
	struct card_fields f;        /* from the current card */
	uint64_t rev;                /* of the current card */
	uint64_t added;              /* when the person entered the store */
	uint64_t in_person;          /* when verified in person (proto/session.md 9.7), or 0 */
	char *introduced_by;         /* the introducer's name, or NULL */
	struct contact_meeting *met; /* oldest first */
	size_t n_met;
	struct contact_note *notes; /* oldest first */
	size_t n_notes;
	/* An unverified contact (docs/export.md): no key, no signature, no card. key and fpr
	 * then hold vcard_key and its fingerprint form, a name in this store only; rev is 0. */
	uint8_t *vcard; /* the vCard's bytes as they came, owned; NULL for a card */
	size_t vcard_len;
};

struct followup {
	int64_t id; /* the number `followup done N` takes */
	int64_t contact_id;
	char *who; /* the contact's name, owned */
	char fpr[IDENTITY_FPR_LEN + 1];
	char *text;       /* owned */
	uint64_t due;     /* unix seconds, the start (local midnight) of the due day */
	uint64_t created; /* unix seconds */
	bool done;
};

/* Whether c came from a vCard: unverified, without key or signature. */
bool contact_unverified(const struct contact *c);

/* Frees what a contact owns and zeroes it. NULL is fine. */
void contact_clear(struct contact *c);

/* Frees an array of n contacts. */
void contact_free_all(struct contact *c, size_t n);

/* Frees what a follow-up owns and zeroes it. NULL is fine. */
void followup_clear(struct followup *f);

/* Frees an array of n follow-ups. */
void followup_free_all(struct followup *f, size_t n);

#endif
