/*
 * store: the local SQLite store, one file (0600) under the state dir. The only module that
 * includes sqlite3.h. It owns the schema and its migrations (PRAGMA user_version, one
 * transaction each; a newer schema is refused), and every query.
 *
 * Profiles: a persona is a named set of card fields ("default" unless the user says
 * otherwise). Text fields hold one value, list fields an ordered list of distinct values.
 * The store checks values with the card rules before writing, so a persona can always be
 * issued as a card.
 *
 * Errors are negative errno; SQLite's codes are mapped here and nowhere else. Besides
 * the errors listed with each function, every call may return -EBUSY (another process
 * held the store for longer than STORE_BUSY_TIMEOUT_MS), -ENOMEM and -EIO.
 */
#ifndef WALLFLOWER_STORE_H
#define WALLFLOWER_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "wallflower/card.h"
#include "wallflower/contact.h"
#include "wallflower/graph.h"

#define STORE_FILE           "wallflower.db"
#define STORE_SCHEMA_VERSION 9
#define STORE_PERSONA_MAX                                                                          \
	32 /* bytes in a persona name: [A-Za-z0-9._-], not starting with '.' or '-' */
#define STORE_PERSONA_DEFAULT "default"
#define STORE_BUSY_TIMEOUT_MS 5000

struct store;

/*
 * Opens (creating with mode 0600 when absent) the store at path and migrates it to
 * STORE_SCHEMA_VERSION. 0; -EPERM when the file, or its -wal, -shm or -journal side file,
 * has any group or other permission bit, is owned by someone else, is a symbolic link or
 * is not a regular file; -EACCES when it is read-only to us; -EPROTO when its schema is
 * newer than this build knows (then *found_version is set when found_version is not NULL,
 * which is otherwise set to 0); -EIO when it is not a database or SQLite fails; other
 * -errno from the file system.
 */
int store_open(const char *path, struct store **out, int *found_version) CRYPT_WUR;

/*
 * store_open with flags: without STORE_OPEN_CREATE an absent store is -ENOENT and nothing
 * is created (only `wallflower init` makes a store; every other command, and the daemon,
 * must not leave an empty one behind where the user's store was expected).
 */
#define STORE_OPEN_CREATE 0x1
/* With STORE_OPEN_NO_MIGRATE a store of an older schema is -ESTALE, left as it was. */
#define STORE_OPEN_NO_MIGRATE 0x2
int store_open_flags(const char *path, unsigned flags, struct store **out,
                     int *found_version) CRYPT_WUR;

/* Closes the store. NULL is fine. */
void store_close(struct store *st);

/*
 * Runs several calls as one transaction: store_begin, the calls, then store_end(st, r),
 * which commits when r is 0 and rolls everything back otherwise (returning r, or the
 * commit's error). Inside it every call of this header is a savepoint of its own: a call
 * that fails undoes only its own writes, and the caller decides whether to go on. Nothing
 * is durable before store_end. 0; -EBUSY; -EIO.
 */
int store_begin(struct store *st) CRYPT_WUR;
int store_end(struct store *st, int r) CRYPT_WUR;

/* The schema version of an open store. */
int store_schema_version(struct store *st);

/* Whether name is a valid persona name (see STORE_PERSONA_MAX). */
int store_persona_valid(const char *name);

/*
 * Loads persona's fields into *out (which is cleared on entry and owned by the caller
 * afterwards; free with card_fields_clear). 0; -ENOENT when the persona does not exist;
 * -EINVAL for an invalid persona name; -EIO; -ENOMEM.
 */
int store_profile_get(struct store *st, const char *persona, struct card_fields *out) CRYPT_WUR;

/* * Sets text field f of persona (creating the persona) to value, NUL-terminated.
 * 0; -EINVAL when f is a list field, the persona name is invalid, or the value breaks a
 * card rule (err filled when err is not NULL); -EMSGSIZE when the persona's card would no
 * longer fit in CARD_ENVELOPE_MAX (nothing is changed); -EIO.
 */
int store_profile_set(struct store *st, const char *persona, enum card_field f, const char *value,
                      struct card_error *err) CRYPT_WUR;

/* * Sets whether persona's card may be forwarded in introductions: 0 or 1, creating the
 * persona as store_profile_set does; or -1 to unset, which creates nothing. 0; -EINVAL for
 * an invalid persona name or fwd value; -ENOENT when unsetting and the persona does not
 * exist or fwd was not set; -EMSGSIZE as for store_profile_set.
 */
int store_profile_set_fwd(struct store *st, const char *persona, int fwd) CRYPT_WUR;

/*
 * Removes field f (text, or every item of a list) from persona. 0; -ENOENT when the
 * persona does not exist or the field was not set; -EINVAL; -EIO.
 */
int store_profile_unset(struct store *st, const char *persona, enum card_field f) CRYPT_WUR;

/*
 * Appends value to list field f of persona (creating the persona). 0; -EEXIST when the list *
 * already holds value (checked first); -E2BIG when the list already holds max_items; -EINVAL and
 * -EMSGSIZE as for set; -EIO.
 */
int store_profile_add(struct store *st, const char *persona, enum card_field f, const char *value,
                      struct card_error *err) CRYPT_WUR;

/* Removes value from list field f. 0; -ENOENT when it is not there; -EINVAL; -EIO. */
int store_profile_remove(struct store *st, const char *persona, enum card_field f,
                         const char *value) CRYPT_WUR;

/*
 * The names of all personas, sorted, in *names (an array of *n owned strings; free with
 * store_names_free). 0; -EIO; -ENOMEM.
 */
int store_persona_list(struct store *st, char ***names, size_t *n) CRYPT_WUR;

/* Frees what store_persona_list returned. NULL is fine. */
void store_names_free(char **names, size_t n);

/* Deletes persona and all its fields. 0; -ENOENT; -EINVAL; -EIO. */
int store_persona_delete(struct store *st, const char *persona) CRYPT_WUR;

/*
 * Reserves the next card revision: max(previous + 1, min_rev), kept in the store, so that
 * every card this identity issues supersedes the ones before it. Callers pass the issuing
 * time as min_rev: then a key restored without its store (counter back at 0) still issues
 * cards that supersede the ones it issued before. min_rev <= INT64_MAX (SQLite integers
 * are signed). 0 and *rev >= 1; -EIO.
 */
int store_card_rev_next(struct store *st, uint64_t min_rev, uint64_t *rev) CRYPT_WUR;

/* Runs PRAGMA integrity_check and the foreign key check. 0, or -EIO when either finds a
 * problem. */
int store_check(struct store *st) CRYPT_WUR;

/* ---- people (store_people.c) ---- */

enum store_card_result {
	STORE_CARD_NEW,     /* a person we did not know */
	STORE_CARD_UPDATED, /* a newer card from someone we know: it is now the current one */
	STORE_CARD_OLDER,   /* a card no newer than the current one: ignored, nothing changed */
};

#define STORE_CARD_HISTORY 8 /* cards kept per person: the current one and the latest before */

/*
 * Keeps a verified card (card_decode has passed it; expiry is the caller's to judge): a
 * new person, or a newer revision that supersedes the current card (its bytes are kept,
 * with at most STORE_CARD_HISTORY - 1 earlier ones as history), or, for rev <= the current
 * one, nothing. The person's name, topics (knows, offers, seeks) and organisation follow
 * the current card (topics and organisations by canonical form, as store_vocab_list says);
 * a topic or organisation that no current card names any more is removed. One transaction. 0 with
 * *result and *person_id (either may be NULL); -ENOMEM; -EIO.
 */
int store_card_put(struct store *st, const struct card *card, uint64_t now,
                   enum store_card_result *result, int64_t *person_id) CRYPT_WUR;

struct vcard;

/*
 * Keeps an unverified contact from a vCard (vcard_parse_all passed it), named by vcard_key:
 * the same UID, or without one the same bytes, is the same person. New: STORE_CARD_NEW;
 * other bytes for the same UID replace the kept ones (the last imported wins):
 * STORE_CARD_UPDATED; the very same bytes: STORE_CARD_OLDER, nothing changed. Name,
 * topics (CATEGORIES) and organisation follow as for a card. One transaction. 0 with
 * *result and *person_id (either may be NULL); -EINVAL; -EEXIST when the key is a card's
 * (never in practice); -ENOMEM; -EIO.
 */
int store_vcard_put(struct store *st, const struct vcard *v, uint64_t now,
                    enum store_card_result *result, int64_t *person_id) CRYPT_WUR;

/*
 * Records that you met person_id at event (NULL: not at an event; an event of the same
 * canonical form is the same event, created when new: store_vocab_list) at time at.
 * Meeting someone again at the same event on the same local day (TZ) is the same meeting:
 * it is kept once. 0; -EALREADY when that meeting was already recorded (nothing changed);
 * -ENOENT for an unknown person; -EINVAL for an empty or invalid event name; -EIO.
 */
int store_met(struct store *st, int64_t person_id, const char *event, uint64_t at) CRYPT_WUR;

/* Records that introducer_id introduced person_id. A person has one introducer, the first
 * recorded: 0; -EALREADY when that is introducer_id already (nothing changed); -EEXIST
 * when it is someone else (nothing changed); -ENOENT; -EINVAL (the same person); -EIO. */
int store_introduced(struct store *st, int64_t person_id, int64_t introducer_id,
                     uint64_t at) CRYPT_WUR;

/* ---- notes and follow-ups (store_notes.c) ----
 * Both are numbered by their row id: the number a listing shows and every edit takes. It
 * never changes, so a script can keep it. */

#define STORE_NOTE_MAX 4096 /* bytes of a note or follow-up; card text rules (notes: LF too) */

/* Adds a note about person_id. 0 with *id (may be NULL); -EINVAL for empty, too long or
 * invalid text; -ENOENT; -EIO. A contact's notes come with it (struct contact). */
int store_note_add(struct store *st, int64_t person_id, const char *text, uint64_t at,
                   int64_t *id) CRYPT_WUR;

/* Replaces the text of note id (its date stays: when it was first written). 0; -EINVAL for
 * text store_note_add would refuse; -ENOENT when there is no such note; -EIO. */
int store_note_edit(struct store *st, int64_t id, const char *text) CRYPT_WUR;

/* Deletes note id. 0; -ENOENT when there is no such note; -EIO. */
int store_note_delete(struct store *st, int64_t id) CRYPT_WUR;

/* Adds a follow-up for person_id due at due (unix seconds, a local midnight for the CLI):
 * one line of text. 0 with *id (may be NULL); -EINVAL; -ENOENT; -EIO. */
int store_followup_add(struct store *st, int64_t person_id, const char *text, uint64_t due,
                       uint64_t created, int64_t *id) CRYPT_WUR;

/* Marks follow-up id done. 0; -ENOENT when there is none; -EALREADY when it was done. */
int store_followup_done(struct store *st, int64_t id) CRYPT_WUR;

/* Opens follow-up id again (not done). 0; -ENOENT; -EALREADY when it was open. */
int store_followup_undo(struct store *st, int64_t id) CRYPT_WUR;

/* Changes follow-up id: its text unless text is NULL, its due time unless due is 0; both or
 * neither. 0; -EINVAL for invalid text, or for nothing to change; -ENOENT; -EIO. */
int store_followup_edit(struct store *st, int64_t id, const char *text, uint64_t due) CRYPT_WUR;

/* Deletes follow-up id. 0; -ENOENT when there is none; -EIO. */
int store_followup_delete(struct store *st, int64_t id) CRYPT_WUR;

/* Follow-up id in *out (clear with followup_clear). 0; -ENOENT; -EIO; -ENOMEM. */
int store_followup_get(struct store *st, int64_t id, struct followup *out) CRYPT_WUR;

/*
 * Follow-ups, not done first and by due date, then done ones. With due_only, only those
 * not done and due at or before now. *out (free with followup_free_all) and *n. 0; -EIO.
 */
int store_followup_list(struct store *st, bool due_only, uint64_t now, struct followup **out,
                        size_t *n) CRYPT_WUR;

/* Which contacts store_contacts lists: NULL or 0 for "any". */
struct store_filter {
	const char *event;  /* met at this event (compared by canonical form, canon.h) */
	const char *topic;  /* knows, offers or seeks this topic (canonical form too) */
	const char *search; /* words, each a prefix of a word of the name, organisation, an
	                     * email address, topic, offer or seek, ignoring case and accents
	                     * (docs/matching.md); no words (or not text): nobody */
	uint64_t since;     /* met at or after this time */
};

/*
 * The contacts that pass the filter, by name, each complete (card fields, meetings,
 * notes). *out (free with contact_free_all) and *n. 0; -EINVAL for an event or topic that
 * is not valid UTF-8; -EIO; -ENOMEM.
 */
int store_contacts(struct store *st, const struct store_filter *filter, struct contact **out,
                   size_t *n) CRYPT_WUR;

/*
 * What a CONTACT argument names: the contacts that the words of prefix match (as
 * store_filter.search), or whose fingerprint starts with prefix (ignoring '-' in both and
 * case). A whole fingerprint gives exactly its person. Of several candidates, unless one
 * matched by fingerprint, the one whose whole name is prefix (in the search form), else
 * the one with every word of prefix as a whole word ("ada": Ada, not Adam), is the one
 * meant (docs/matching.md). The matches, as store_contacts gives them.
 * 0; -EINVAL for an empty prefix or one of dashes only; -EIO; -ENOMEM.
 */
int store_contact_find(struct store *st, const char *prefix, struct contact **out,
                       size_t *n) CRYPT_WUR;

/*
 * Whether what names c exactly: c's whole fingerprint (any case, dashes optional), or c's
 * whole name in the search form (case and accents aside). A CONTACT that only matches
 * words of a card (its organisation, a topic, the start of a name) does not: what cannot
 * be undone (`forget --yes`) asks for this.
 */
bool store_contact_named(const struct contact *c, const char *what);

/* Whether key is a contact (exact key, never a search). 0 (no), 1 (yes) or -EIO. */
int store_is_contact(struct store *st, const uint8_t key[CRYPT_SIGN_PK]) CRYPT_WUR;
/* The person whose identity is key (exact key): 1 with *id, 0 when none, or -EIO. */
int store_person_by_key(struct store *st, const uint8_t key[CRYPT_SIGN_PK], int64_t *id) CRYPT_WUR;

/* Records that the user verified key in person at time at (proto/session.md 9.7; the
 * latest time is kept). 0; -EINVAL; -EIO. */
int store_in_person_set(struct store *st, const uint8_t key[CRYPT_SIGN_PK], uint64_t at) CRYPT_WUR;
/* Whether key was verified in person: 1 with *at (when last), 0 (no, *at 0), or -EIO. */
int store_in_person_get(struct store *st, const uint8_t key[CRYPT_SIGN_PK], uint64_t *at) CRYPT_WUR;

/*
 * Whether a contact other than key is called name (the same bytes, ASCII letters in any
 * case): someone may be using the name of a person you know. 1 with that contact's
 * fingerprint in fpr, 0 when none, or -EIO. When several match, the first added.
 */
int store_name_elsewhere(struct store *st, const char *name, const uint8_t key[CRYPT_SIGN_PK],
                         char fpr[IDENTITY_FPR_LEN + 1]) CRYPT_WUR;

/* Whether key is blocked. 0 (no), 1 (yes) or -EIO. */
int store_is_blocked(struct store *st, const uint8_t key[CRYPT_SIGN_PK]) CRYPT_WUR;

/* ---- forgetting, and blocks (store_forget.c) ---- */

/* What store_forget removed: rows about the person, and the nodes only they named. */
struct store_forgotten {
	size_t cards, meetings, notes, followups, introductions, offers;
	size_t topics, orgs, events;
};

/*
 * Forgets person_id, in one transaction: the person, every card they gave, their
 * meetings, notes, follow-ups and recognition key, the introductions that name them
 * (either way), the offers from their key waiting in the inbox, their rows in the intake
 * ledger, and then the topics, organisations and events that nobody else is linked to
 * (they could name the person). A block on their key stays (blocking outlasts forgetting),
 * but loses the name kept with it. Offers of your card you made (the outbox) are kept:
 * they name an advertised handle, never an identity. With secure_delete (every
 * connection has it on) the freed bytes are zeroed; store_wipe_log then takes the old
 * copies out of the log. Not inside store_begin. 0 with *out (may be NULL); -ENOENT for
 * no such person; on any error nothing changed.
 */
int store_forget(struct store *st, int64_t person_id, struct store_forgotten *out) CRYPT_WUR;

/*
 * Copies every page of the write-ahead log into the database file and truncates the log,
 * so that what a delete zeroed (secure_delete) is gone from both files: call it after
 * store_forget. 0; -EINPROGRESS when another connection reading the store kept it from
 * completing (the old bytes stay in the log until a checkpoint completes, at the latest
 * when the last connection closes the store); another negative errno when SQLite failed.
 */
int store_wipe_log(struct store *st) CRYPT_WUR;

/* One blocked identity. */
struct store_block {
	uint8_t key[CRYPT_SIGN_PK];
	char fpr[IDENTITY_FPR_LEN + 1];
	char *name;  /* the name on their card when blocked (or their contact's), or NULL; owned */
	uint64_t at; /* when blocked, unix seconds */
};

/* Frees an array of n blocks. NULL is fine. */
void store_block_free_all(struct store_block *b, size_t n);

/* Every block, oldest first, in *out (free with store_block_free_all) and *n. 0; -ENOMEM;
 * -EIO. */
int store_blocked_list(struct store *st, struct store_block **out, size_t *n) CRYPT_WUR;

/*
 * Lifts the block on the identity whose fingerprint is fpr: exactly IDENTITY_FPR_LEN
 * characters as identity_fingerprint writes them, any case, or the same without its '-'
 * (an exact key, never a prefix or a name). 0 with the key in unblocked (may be NULL);
 * -EINVAL for a malformed fingerprint; -ENOENT when it is not blocked; -EIO.
 */
int store_unblock(struct store *st, const char *fpr, uint8_t unblocked[CRYPT_SIGN_PK]) CRYPT_WUR;

/* ---- the inbox (store_inbox.c) ---- */

/*
 * What a session hands over with an offer besides the card (proto/session.md 6.4, 9.4):
 * what the card back needs, and what lets you recognise the sender later if you accept.
 */
struct inbox_keys {
	uint8_t recognition[32]; /* the sender's recognition key */
	uint8_t peer_static[32]; /* the sender's presence key: the card back goes only to it */
	uint8_t presence_sk[32]; /* our presence secret that took the offer: it sends the card back
	                          */
};

/* What waits in the inbox: an offer of a card, or an ask or an intro
 * (proto/introduction.md). */
enum inbox_kind { INBOX_OFFER, INBOX_ASK, INBOX_INTRO };

/* "offer", "ask", "intro". */
const char *inbox_kind_name(enum inbox_kind k);

/* An offer someone made, waiting for you to accept, decline or block it. For an ask,
 * card is the asker's; for an intro, the introduced person's (via is the introducer). */
struct inbox_offer {
	int64_t id;
	enum inbox_kind kind;
	uint8_t *intro; /* ask, intro: the object as it came; owned */
	size_t intro_len;
	bool has_via; /* intro: via is the introducer's identity */
	uint8_t via[32];
	bool has_rk;                /* keys.recognition is set (an offer's, or a consent's) */
	struct card *card;          /* verified when it came in; owned */
	char *note;                 /* the sender's note, or NULL; owned */
	bool reply;                 /* the sender wants your card back */
	char *addr;                 /* where it came from, or NULL; owned */
	uint16_t port;              /* where the sender listens for your card (when reply) */
	char *event;                /* the event you were at when it came, or NULL; owned */
	uint8_t offer_id[32];       /* for the "re" of your card back (peermsg.h) */
	uint64_t received, expires; /* unix seconds */
	bool has_keys;              /* keys is set (offers kept before schema 5 have none) */
	struct inbox_keys keys;
};

/* Frees what an offer owns and wipes it; and an array of n. NULL is fine. */
void inbox_offer_clear(struct inbox_offer *o);
void inbox_offer_free_all(struct inbox_offer *o, size_t n);

/*
 * Keeps an incoming offer (its card verified by the session, expiry judged) until now +
 * ttl, or until its card expires if that is sooner, with keys (NULL: none). Limits are
 * intake.c's, not this call's. 0 with *id; -EEXIST for the same offer again; -EINVAL for
 * an invalid note or event; -EIO.
 */
int store_inbox_put(struct store *st, const struct card *card, const char *note, bool reply,
                    const char *addr, uint16_t port, const char *event, const uint8_t offer_id[32],
                    const struct inbox_keys *keys, uint64_t now, uint64_t ttl,
                    int64_t *id) CRYPT_WUR;

/*
 * Keeps a checked ask or intro (intro.h) until expires: card is the asker's or the
 * introduced person's, via the introducer (intro) or NULL, rk the recognition key the
 * consent carries or NULL, obj the object and id its id. 0 with *out_id; -EEXIST for the
 * same object again; -EINVAL; -EIO.
 */
int store_inbox_put_object(struct store *st, enum inbox_kind kind, const struct card *card,
                           const uint8_t *via, const char *note, bool reply, const uint8_t *rk,
                           const uint8_t *obj, size_t obj_len, const uint8_t id[32],
                           const char *event, uint64_t now, uint64_t expires,
                           int64_t *out_id) CRYPT_WUR;

/* How many offers are waiting at now, counting no further than max. 0; -EIO. */
int store_inbox_count(struct store *st, uint64_t now, unsigned max, unsigned *n) CRYPT_WUR;

/* The offers still waiting at now, oldest first. *out (free with inbox_offer_free_all). */
int store_inbox_list(struct store *st, uint64_t now, struct inbox_offer **out, size_t *n) CRYPT_WUR;

/*
 * Accepts offer id: in one transaction the card is kept (store_card_put's rules), the
 * meeting recorded (at the offer's event, at now), the sender's recognition key kept with
 * the contact (when the offer has one), and the offer leaves the inbox, so that
 * once this returns 0 the person is on disk. *taken (when not NULL) gets the offer, for the
 * card back. An intro's introducer is recorded as who introduced the person (when they are
 * in the store). 0 with *person_id; -ENOENT when there is no such offer; -ETIME when the
 * offer or its card has expired (proto/card.md 11.3): then the offer is dropped and nothing
 * is kept; -EOPNOTSUPP for an ask (it is answered by introducing, not accepted); -EIO.
 */
int store_inbox_accept(struct store *st, int64_t id, uint64_t now, struct inbox_offer *taken,
                       int64_t *person_id) CRYPT_WUR;

/* ---- asks we made (store_intro.c) ---- */

/* Keeps that we asked hub for introductions (ask id), until expires + INTRO_TTL_MAX, to
 * know the replies we asked for. 0; -EIO. */
int store_ask_made_put(struct store *st, const uint8_t id[32], const uint8_t hub[32], uint64_t made,
                       uint64_t expires, bool reply) CRYPT_WUR;

/* The hub we sent ask id to, when we made it and still keep it at now, and whether it
 * asked for replies. 0; -ENOENT; -EIO. */
int store_ask_made_get(struct store *st, const uint8_t id[32], uint64_t now, uint8_t hub[32],
                       bool *reply) CRYPT_WUR;

/* The current card of the person whose identity is key (exact key): 0 with *env (the
 * caller frees) and *len; -ENOENT; -ENOMEM; -EIO. */
int store_card_current(struct store *st, const uint8_t key[CRYPT_SIGN_PK], uint8_t **env,
                       size_t *len) CRYPT_WUR;

/* The newest ask from key still waiting at now (the consent an intro carries): 0 with *obj
 * (the caller frees) and *len; -ENOENT; -ENOMEM; -EIO. */
int store_ask_waiting(struct store *st, const uint8_t key[CRYPT_SIGN_PK], uint64_t now,
                      uint8_t **obj, size_t *len) CRYPT_WUR;

/* Drops offer id, nothing else. 0; -ENOENT. */
int store_inbox_decline(struct store *st, int64_t id) CRYPT_WUR;

/* Drops every waiting offer, or (addr not NULL) every one that came from addr. 0 with *n
 * (may be NULL) the number dropped; -EIO. */
int store_inbox_decline_all(struct store *st, const char *addr, size_t *n) CRYPT_WUR;

/* Drops offer id and every other offer from its sender, and ignores that identity from
 * now on (store_is_blocked), keeping the name on its card for store_blocked_list.
 * 0; -ENOENT. */
int store_inbox_block(struct store *st, int64_t id, uint64_t now) CRYPT_WUR;

/* Drops the offers whose time has passed. 0 with *dropped (may be NULL); -EIO. */
int store_inbox_expire(struct store *st, uint64_t now, size_t *dropped) CRYPT_WUR;

/* ---- the outbox (store_outbox.c) ---- */

#define STORE_OUTBOX_MAX        64 /* offers pending, in all */
#define STORE_OUTBOX_TARGET_MAX 63 /* bytes of a target (a DNS-SD instance name is a label) */

/*
 * pending: not yet through to the peer, retried until expires (or marked failed);
 * delivered: the presence key peer_static took it, and may answer with a card until expires;
 * answered: that card came and was kept; failed: given up on. Only pending changes to
 * delivered or failed, only delivered to answered.
 */
enum outbox_state {
	OUTBOX_PENDING,
	OUTBOX_DELIVERED,
	OUTBOX_ANSWERED,
	OUTBOX_FAILED,
};

/* An offer you made to someone nearby. */
struct outbox_offer {
	int64_t id;
	char *target;                      /* the peer's advertised instance name; owned */
	bool has_peer_static;              /* delivered or answered: peer_static is set */
	uint8_t peer_static[CRYPT_DH_KEY]; /* the presence key that took it (the responder's) */
	uint8_t *envelope;                 /* our card as sent; owned */
	size_t envelope_len;               /* 1..CARD_ENVELOPE_MAX */
	uint8_t offer_id[32];              /* peermsg_offer_id(envelope), the "re" */
	char *note;                        /* or NULL; owned */
	char *event;                       /* the event you were at, or NULL; owned */
	bool reply;                        /* we asked for a card back */
	enum outbox_state state;           /* see above */
	unsigned tries;                    /* delivery attempts made (store_outbox_tried) */
	char *reason;                      /* failed: why, or NULL; owned */
	uint64_t created, expires;         /* unix seconds; expires as above */
};

/* "pending", "delivered", "answered", "failed"; "unknown" for any other value. */
const char *outbox_state_name(enum outbox_state state);

/* Frees what an offer owns and zeroes it; and an array of n. NULL is fine. */
void outbox_offer_clear(struct outbox_offer *o);
void outbox_offer_free_all(struct outbox_offer *o, size_t n);

/*
 * Keeps a new pending offer of our card (envelope: len bytes, 1..CARD_ENVELOPE_MAX, copied;
 * not decoded here) to target, to retry until now + ttl. Its offer id is
 * peermsg_offer_id(envelope). target: 1..STORE_OUTBOX_TARGET_MAX bytes; note (or NULL):
 * 1..PEERMSG_NOTE_MAX bytes; both one line of valid text (text.h). event (or NULL):
 * store_met's rule. now and ttl <= INT64_MAX / 2. 0 with *id (may be NULL); -EINVAL for
 * a value that breaks a rule (nothing is written); -EDQUOT when STORE_OUTBOX_MAX offers are
 * already pending and not past their deadline; -EIO.
 */
int store_outbox_put(struct store *st, const char *target, const uint8_t *envelope, size_t len,
                     const char *note, const char *event, bool reply, uint64_t now, uint64_t ttl,
                     int64_t *id) CRYPT_WUR;

/*
 * The offers, oldest first (by creation, then id), in *out (free with
 * outbox_offer_free_all) and *n. With pending_only, only those in state pending, past their
 * deadline or not (store_outbox_expire fails those). 0; -ENOMEM; -EIO.
 */
int store_outbox_list(struct store *st, bool pending_only, struct outbox_offer **out,
                      size_t *n) CRYPT_WUR;

/* Offer id into *out (cleared on entry; free with outbox_offer_clear). 0; -ENOENT; -EIO. */
int store_outbox_get(struct store *st, int64_t id, struct outbox_offer *out) CRYPT_WUR;

/* Counts one more delivery attempt of pending offer id. 0; -ENOENT when it is not pending. */
int store_outbox_tried(struct store *st, int64_t id) CRYPT_WUR;

/*
 * Pending offer id reached the presence key peer_static (the session's responder), which
 * may answer with a card until now + answer_ttl (both <= INT64_MAX / 2). Delivering the
 * same card to the same presence key again replaces the earlier offer (delivered or
 * answered): the latest delivery is the one a card back answers. 0; -ENOENT when id is not
 * pending; -EINVAL for a time out of range.
 */
int store_outbox_delivered(struct store *st, int64_t id, const uint8_t peer_static[CRYPT_DH_KEY],
                           uint64_t now, uint64_t answer_ttl) CRYPT_WUR;

/* Gives up on pending offer id, for reason (one line of text, at most 128 bytes, or NULL).
 * 0; -ENOENT when it is not pending; -EINVAL for a bad reason. */
int store_outbox_failed(struct store *st, int64_t id, const char *reason) CRYPT_WUR;

/*
 * A card back answering offer re: card (verified by the session, which also checked its
 * handover signature; expiry is the caller's to judge), sent with the presence key
 * peer_static, is taken only when an offer with that id was delivered to that presence
 * key, asked for a reply, and expires >= now. Then, in one transaction, the card is kept
 * (store_card_put's rules), the meeting recorded (at the offer's event, at now) and the
 * offer marked answered; once this returns 0 the person is on disk. 0 with *person_id (may
 * be NULL); -EPERM when card's key is blocked; -ENOENT when no offer matches (already
 * answered, expired, never delivered to that presence key); nothing is written on any
 * error; -EIO.
 */
int store_outbox_answer(struct store *st, const uint8_t re[32],
                        const uint8_t peer_static[CRYPT_DH_KEY], const struct card *card,
                        uint64_t now, int64_t *person_id) CRYPT_WUR;

/*
 * Marks failed the pending offers whose deadline is before now. Delivered ones past theirs
 * stay delivered, as history (store_outbox_answer refuses them). 0 with *changed (may be
 * NULL); -EIO.
 */
int store_outbox_expire(struct store *st, uint64_t now, size_t *changed) CRYPT_WUR;

/* ---- the intake ledger (store_intake.c; the rules are intake.c's) ---- */

/* What the ledger says of a sender, within a window (rows at > since). Each count stops
 * at its cap, so that its cost does not grow with the ledger or the inbox. */
struct store_intake_counts {
	unsigned by_key;     /* requests from this identity */
	unsigned by_addr;    /* requests from this address */
	unsigned other_keys; /* other identities that sent from this address */
	unsigned all;        /* requests from anyone */
	unsigned waiting;    /* offers waiting in the inbox (not expired at now) */
};

/* Whether identity key already made request (an intake request id) since. 1, 0 or -EIO. */
int store_intake_seen(struct store *st, const uint8_t key[CRYPT_SIGN_PK], const uint8_t request[32],
                      uint64_t since) CRYPT_WUR;

/* The counts for key and addr since (waiting offers at now), each stopping at the same
 * field of caps. 0; -EIO. */
int store_intake_count(struct store *st, const uint8_t key[CRYPT_SIGN_PK], const char *addr,
                       uint64_t since, uint64_t now, const struct store_intake_counts *caps,
                       struct store_intake_counts *out) CRYPT_WUR;

/* Records request from key at addr at time at, and prunes a few rows at or before since
 * (a bounded amount of work per call). 0; -EEXIST when already recorded; -EINVAL (addr
 * empty, longer than 64 bytes or not text); -EIO. */
int store_intake_record(struct store *st, const uint8_t key[CRYPT_SIGN_PK], const char *addr,
                        const uint8_t request[32], uint64_t at, uint64_t since) CRYPT_WUR;

/* ---- the graph (store_graph.c) ---- */

/*
 * Builds the whole graph (graph.h) from the store: every person, event, topic and
 * organisation, and every edge; the "me" node (labelled me_label) carries the default
 * persona's offers and seeks. g is initialised here; free with graph_clear. 0; -ENOMEM;
 * -EIO.
 */
int store_graph_load(struct store *st, const char *me_label, struct graph *g) CRYPT_WUR;

/* ---- topics, events and organisations (store_vocab.c) ---- */

/*
 * The named nodes people share. Each is known by the canonical form of its name (canon.h:
 * "Wikis", " wikis" and "ＷＩＫＩＳ" are one topic) and shown by the first form the store
 * saw (docs/matching.md).
 */
enum store_vocab_kind { STORE_VOCAB_TOPIC, STORE_VOCAB_EVENT, STORE_VOCAB_ORG };

/* One topic, event or organisation, with what links to it. */
struct store_vocab {
	char *name;    /* the first form seen; owned */
	char *canon;   /* its canonical form; owned */
	size_t people; /* distinct people linked to it */
	/* topics: people who know, offer and seek it (one person may do several) */
	size_t knows, offers, seeks;
	/* events: meetings recorded there, and the times of the first and the last */
	size_t meetings;
	uint64_t first, last;
};

/* Frees what an entry owns and zeroes it; and an array of n. NULL is fine. */
void store_vocab_clear(struct store_vocab *v);
void store_vocab_free_all(struct store_vocab *v, size_t n);

/*
 * The topics, events or organisations that someone is linked to, in *out (free with
 * store_vocab_free_all) and *n. Topics and organisations come by number of people (most
 * first), events by their last meeting (latest first); ties by canonical form. For topics,
 * topic_kind ("knows", "offers" or "seeks"; NULL for any) keeps only those someone links to
 * that way. 0; -EINVAL for another topic_kind, or one given with another kind; -EIO;
 * -ENOMEM.
 */
int store_vocab_list(struct store *st, enum store_vocab_kind kind, const char *topic_kind,
                     struct store_vocab **out, size_t *n) CRYPT_WUR;

/* ---- recognition (store_recog.c) ---- */

/* A contact's recognition key (proto/txt.md 6). */
struct store_recognition {
	int64_t person_id;
	uint8_t key[32];
};

/*
 * Keeps rk as the recognition key of the contact with identity key (exact key), replacing
 * the one before. 0; -ENOENT when key is not a contact; -EIO.
 */
int store_recognition_set(struct store *st, const uint8_t key[CRYPT_SIGN_PK], const uint8_t rk[32],
                          uint64_t now) CRYPT_WUR;

/* Every contact's recognition key, by person id, in *out (free with crypt_wipe + free, or
 * store_recognition_free) and *n. 0; -ENOMEM; -EIO. */
int store_recognition_list(struct store *st, struct store_recognition **out, size_t *n) CRYPT_WUR;
void store_recognition_free(struct store_recognition *r, size_t n);

/* Who a recognised contact is, for `nearby`: the name on their current card, their
 * fingerprint, and the last time and event you met them. */
struct store_brief {
	char name[129]; /* a card name is at most 128 bytes (proto/card.md) */
	char fpr[IDENTITY_FPR_LEN + 1];
	char event[129]; /* the event of the last meeting, or "" */
	uint64_t met;    /* unix seconds of the last meeting, or 0 */
};

/* The brief of person_id. 0; -ENOENT; -EIO. */
int store_brief(struct store *st, int64_t person_id, struct store_brief *out) CRYPT_WUR;

/* The slot of our last advert (proto/txt.md 6.1), or 255 when none was made; and setting
 * it. 0; -EIO. */
int store_advert_slot(struct store *st, unsigned *slot) CRYPT_WUR;
int store_advert_slot_set(struct store *st, unsigned slot) CRYPT_WUR;

#endif
