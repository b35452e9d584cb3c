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
 * Errors are negative errno; SQLite's codes are mapped here and nowhere else.
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
 * STORE_SCHEMA_VERSION. 0; -EPERM when the file is readable by group or others, or owned by
 * someone else; -EPROTO when its schema is newer than this build knows (*found_version set
 * when found_version is not NULL); -EIO for any other SQLite failure; -ENOMEM.
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

/*
 * Sets text field f of persona (creating the persona) to value, NUL-terminated.
 * 0; -EINVAL when f is a list field, the persona name is invalid, or the value breaks a
 * card rule (err filled when err is not NULL); -EIO.
 */
int store_profile_set(struct store *st, const char *persona, enum card_field f, const char *value,
                      struct card_error *err) CRYPT_WUR;

/* Sets whether persona's card may be forwarded in introductions: 0, 1, or -1 to unset. */
int store_profile_set_fwd(struct store *st, const char *persona, int fwd) CRYPT_WUR;

/*
 * Removes field f (text, or every item of a list) from persona. 0; -ENOENT when the
 * persona does not exist or the field was not set; -EINVAL; -EIO.
 */
int store_profile_unset(struct store *st, const char *persona, enum card_field f) CRYPT_WUR;

/*
 * Appends value to list field f of persona (creating the persona). 0; -EEXIST when the list
 * already holds value; -E2BIG when the list already holds max_items; -EINVAL as for set;
 * -EIO.
 */
int store_profile_add(struct store *st, const char *persona, enum card_field f, const char *value,
                      struct card_error *err) CRYPT_WUR;

/* Removes value from list field f. 0; -ENOENT when it is not there; -EINVAL; -EIO. */
int store_profile_remove(struct store *st, const char *persona, enum card_field f,
                         const char *value) CRYPT_WUR;

/*
 * The names of all personas, sorted, in *names (an array of *n owned strings; free each
 * and the array). 0; -EIO; -ENOMEM.
 */
int store_persona_list(struct store *st, char ***names, size_t *n) CRYPT_WUR;

/* Deletes persona and all its fields. 0; -ENOENT; -EINVAL; -EIO. */
int store_persona_delete(struct store *st, const char *persona) CRYPT_WUR;

/*
 * Reserves the next card revision: a counter kept in the store that only grows, so every
 * card this identity issues supersedes the ones before it. 0 and *rev >= 1; -EIO.
 */
int store_card_rev_next(struct store *st, uint64_t *rev) CRYPT_WUR;

#endif
