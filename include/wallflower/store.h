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

#define STORE_FILE           "wallflower.db"
#define STORE_SCHEMA_VERSION 1
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

/* Closes the store. NULL is fine. */
void store_close(struct store *st);

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

#endif
