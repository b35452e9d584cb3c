/*
 * recog: recognition of contacts from their adverts (proto/txt.md v2, "r").
 *
 * Everyone has a recognition key rk (32 random bytes, RECOG_FILE in the state directory),
 * handed only to the people they exchange cards with, inside a session. An advert carries
 * the tag L || B (12 bytes, 16 characters of base64url): L says "the holder of rk, in this
 * epoch and slot" to whoever knows rk, and to nobody else; B binds the advert's presence
 * key, so that a send to a recognised contact can stop when the handshake shows another.
 *
 *   epoch E = floor(unix seconds / RECOG_EPOCH_SECONDS), 8 bytes big-endian; slot S, 1 byte
 *   L = BLAKE2b-256 keyed with rk (RECOG_TAG_RECOGNISE || E || S), first 6 bytes
 *   B = BLAKE2b-256 keyed with rk (RECOG_TAG_PRESENCE || E || S || presence key), first 6
 *
 * The recogniser (struct recog) precomputes L for every contact, epochs now-1..now+1 and
 * all slots, in a hash table keyed by L: one advert costs one lookup, never a pass over
 * the contacts. It holds copies of the keys, wiped when they leave it.
 */
#ifndef WALLFLOWER_RECOG_H
#define WALLFLOWER_RECOG_H

#include <stdint.h>

#define RECOG_FILE          "recognition.key"
#define RECOG_FILE_LEN      40 /* "WFRK" | u32be version 1 | key (32) */
#define RECOG_KEY           32
#define RECOG_EPOCH_SECONDS 900
#define RECOG_SLOTS         8  /* slots 0..7 */
#define RECOG_SLOT_NONE     -1 /* for recog_slot_next: no previous slot */
#define RECOG_HALF          6  /* bytes of L and of B */
#define RECOG_TAG           12 /* bytes of L || B */
#define RECOG_TAG_TEXT      16 /* base64url characters of the tag, no padding */
#define RECOG_TAG_RECOGNISE "wallflower-recognise-v2"
#define RECOG_TAG_PRESENCE  "wallflower-presence-v2"
#define RECOG_CONTACTS_MAX  32768 /* keys one recogniser holds: at most ~23 MB */

#define RECOG_WUR __attribute__((warn_unused_result))

/*
 * Loads dir/RECOG_FILE into key. 0; -ENOENT when there is none; -EPERM when group or
 * others have any permission on it or it is not ours (file_read_private); -EINVAL when it
 * is not a regular file; -EPROTO when it is a recognition key file of another version;
 * -EBADMSG when it is not a recognition key file (magic, length); other -errno. key is
 * untouched on error.
 */
int recog_key_load(const char *dir, uint8_t key[RECOG_KEY]) RECOG_WUR;

/*
 * Makes a fresh key and writes dir/RECOG_FILE (0600), never replacing one; dir must exist.
 * 0 with key filled; -EEXIST when a file is there; other -errno.
 */
int recog_key_create(const char *dir, uint8_t key[RECOG_KEY]) RECOG_WUR;

/*
 * Makes a fresh key and replaces dir/RECOG_FILE atomically (temporary file 0600, fsync,
 * rename, directory fsync), or creates it when missing: a crash leaves the old key or the
 * new one, never a mix. 0 with key filled (untouched on error); -errno.
 */
int recog_key_rotate(const char *dir, uint8_t key[RECOG_KEY]) RECOG_WUR;

/* The epoch of a time: floor(unix_seconds / RECOG_EPOCH_SECONDS); 0 before 1970. */
uint64_t recog_epoch(int64_t unix_seconds);

/*
 * The tag L || B of the holder of rk, in epoch and slot (0..RECOG_SLOTS-1, asserted), for
 * an advert whose sessions use presence_pk (X25519 public key, 32 bytes).
 */
void recog_tag(const uint8_t rk[RECOG_KEY], uint64_t epoch, unsigned slot,
               const uint8_t presence_pk[32], uint8_t out[RECOG_TAG]);

/* The tag as RECOG_TAG_TEXT base64url characters (RFC 4648 section 5, no padding), NUL. */
void recog_tag_text(const uint8_t tag[RECOG_TAG], char out[RECOG_TAG_TEXT + 1]);

/*
 * Parses a NUL-terminated tag text: exactly RECOG_TAG_TEXT characters of A-Z a-z 0-9 - _
 * (no '=', no white space). 0 with out filled; -EINVAL otherwise (out then undefined).
 */
int recog_tag_parse(const char *text, uint8_t out[RECOG_TAG]) RECOG_WUR;

/*
 * Whether bind (the B half of an advert's tag, RECOG_HALF bytes) is what the holder of rk
 * would publish in epoch and slot for presence_pk, compared in constant time. 0 when it
 * is; -EPERM when not (another presence key, epoch, slot or key).
 */
int recog_bind_check(const uint8_t rk[RECOG_KEY], uint64_t epoch, unsigned slot,
                     const uint8_t presence_pk[32], const uint8_t bind[RECOG_HALF]) RECOG_WUR;

/*
 * A random slot in 0..RECOG_SLOTS-1, never prev; any slot when prev is not a slot
 * (RECOG_SLOT_NONE, 255, ...).
 */
unsigned recog_slot_next(int prev);

/* What recog_lookup found: whose tag, in which epoch and slot, and their key (a copy). */
struct recog_match {
	int64_t contact_id;
	uint64_t epoch;
	unsigned slot;
	uint8_t rk[RECOG_KEY];
};

struct recog;

/* An empty recogniser (no contacts, no epoch yet). 0 or -ENOMEM. */
int recog_new(struct recog **out) RECOG_WUR;

/* Wipes the keys and frees. NULL is fine. */
void recog_free(struct recog *r);

/*
 * Adds contact_id with key rk (copied), or replaces the key of a contact_id already there
 * (after they rotated it). When recog_refresh has run, its tags for the current window are
 * computed at once. 0; -ENOSPC past RECOG_CONTACTS_MAX; -ENOMEM (the recogniser is then
 * unchanged).
 */
int recog_add(struct recog *r, int64_t contact_id, const uint8_t rk[RECOG_KEY]) RECOG_WUR;

/* Drops contact_id and wipes its key (forgotten, or its key is gone). 0 or -ENOENT. */
int recog_remove(struct recog *r, int64_t contact_id);

/*
 * Moves the window to the epochs around now (unix seconds): E-1, E, E+1 with E =
 * recog_epoch(now), all slots. Only epochs not already in the table are computed; those
 * that left the window are dropped. Call at start and at every epoch boundary (a clock
 * that jumps, either way, is fine). Cannot fail.
 */
void recog_refresh(struct recog *r, int64_t now);

/*
 * Looks up the L half of an advert's tag (RECOG_HALF bytes). 0 with *m filled; -ENOENT
 * when no contact has it in the window; -ENOTUNIQ when two or more different contacts do
 * (two contacts gave us the same key, or a 48-bit collision): *m then holds the one added
 * first, and the caller should not name the advert as either of them.
 */
int recog_lookup(const struct recog *r, const uint8_t l[RECOG_HALF],
                 struct recog_match *m) RECOG_WUR;

/* How many contacts the recogniser holds. */
unsigned recog_count(const struct recog *r);

#endif
