/*
 * store_int.h: what the files of the store adapter share (store.c: opening, migrations,
 * profiles; store_people.c: people, cards, meetings, notes and follow-ups; store_inbox.c:
 * offers waiting for a decision; store_outbox.c: the offers we made and the cards back;
 * store_graph.c: the graph). Only these files include sqlite3.h; nothing outside
 * src/lib/store*.c sees this header.
 */
#ifndef WALLFLOWER_STORE_INT_H
#define WALLFLOWER_STORE_INT_H

#include <stdbool.h>
#include <stdint.h>

#include <sqlite3.h>

#include "wallflower/store.h"

#define STORE_STMT_CACHE 48 /* prepared statements kept for reuse: the daemon's hot queries */

/* A statement kept prepared, for the same SQL text (by address: every caller passes a
 * constant) the next time. */
struct store_stmt {
	const char *sql;
	sqlite3_stmt *stmt;
	bool busy; /* handed out, not yet released */
};

struct store {
	sqlite3 *db;
	struct store_stmt cache[STORE_STMT_CACHE];
	int version;
	unsigned depth; /* transactions open: 0 none, 1 BEGIN, more are savepoints */
};

/* SQLite result code -> 0 or negative errno (the one mapping). */
int store_sql_err(int rc);
/* Constant SQL only: never a value in it. */
int store_sql_exec(struct store *st, const char *sql);
/*
 * A statement for constant SQL, from the cache when one is free: parsing SQL is a good part
 * of a small query's cost, and the daemon runs the same dozen for every request. Release it
 * with store_sql_release, never sqlite3_finalize.
 */
int store_sql_prep(struct store *st, const char *sql, sqlite3_stmt **stmt);
/* Gives back what store_sql_prep gave (reset, bindings cleared), or finalizes it when it is
 * not cached. NULL is fine. */
void store_sql_release(struct store *st, sqlite3_stmt *stmt);
/* Binds borrowed text (it must outlive the statement's step). */
int store_sql_bind_text(sqlite3_stmt *stmt, int i, const char *s);
int store_sql_bind_int(sqlite3_stmt *stmt, int i, int64_t v);
/*
 * Steps s to its end, reading each row with read into a growing array of items of size
 * bytes. 0 with *out (the caller clears each item and frees it) and *n; a negative errno
 * with every item read so far cleared and the array freed.
 */
int store_sql_collect(sqlite3_stmt *s, size_t size, int (*read)(sqlite3_stmt *s, void *item),
                      void (*clear)(void *item), void **out, size_t *n);
/* A step that must end without a row: 0; -EIO for a row. */
int store_sql_step_done(sqlite3_stmt *stmt);
/* A step that must give a row: 0; -ENOENT for none. */
int store_sql_step_row(sqlite3_stmt *stmt);
/* BEGIN IMMEDIATE; and COMMIT when r is 0, else ROLLBACK (returns r or the commit error). */
int store_tx_begin(struct store *st);
int store_tx_end(struct store *st, int r);
/* A malloc'd copy of text column i. */
int store_sql_column_dup(sqlite3_stmt *s, int i, char **out);

/* store_card_put and store_met inside a transaction the caller holds (store_inbox.c,
 * store_outbox.c). */
int store_card_put_tx(struct store *st, const struct card *card, uint64_t now,
                      enum store_card_result *result, int64_t *person_id);
int store_met_tx(struct store *st, int64_t person_id, const char *event, uint64_t at);

/*
 * The id of the topic, event or organisation whose canonical form is name's, created (with
 * name as its shown form) when there is none. Inside a write transaction. 0; -EINVAL for
 * a name that is not valid UTF-8 or is blank; -ENOMEM; -EIO.
 */
int store_vocab_id(struct store *st, enum store_vocab_kind kind, const char *name, int64_t *id);

/*
 * Migration 6's work in C (store.c calls it inside the migration's transaction): the
 * canonical forms of topics, events and orgs, merged where they coincide
 * (store_vocab_migrate, store_vocab.c), and every person's search words
 * (store_words_migrate, store_search.c). 0 or a negative errno.
 */
int store_migrate_6(struct store *st);
int store_vocab_migrate(struct store *st);
int store_words_migrate(struct store *st);

/* ---- search (store_search.c) ---- */

/*
 * Replaces person_id's search words with those of f, the fields of their current card
 * (store_people.c calls it whenever the current card changes). Inside a write transaction.
 * 0 or a negative errno.
 */
int store_words_update(struct store *st, int64_t person_id, const struct card_fields *f);

/*
 * The distinct search words of query as a JSON array of strings in *json (malloc'd), for
 * STORE_WORDS_MATCH. A query that is not text gives "[]". 0; -ENOMEM.
 */
int store_search_words(const char *query, char **json);

/*
 * SQL: whether person p matches the words (store_search_words) bound to parameter P:
 * there is at least one, and each is a prefix of one of p's words. The range bound is
 * exact: a word never holds U+10FFFF (a noncharacter), so every word that starts with w
 * sorts below w || U+10FFFF, and nothing else at or above w does.
 */
#define STORE_WORDS_MATCH(P)                                                                       \
	"(json_array_length(" P ") > 0 AND NOT EXISTS (SELECT 1 FROM json_each(" P ") AS q "       \
	"WHERE NOT EXISTS (SELECT 1 FROM person_word AS w WHERE w.person_id = p.id AND "           \
	"w.word >= q.value AND w.word < q.value || char(1114111))))"

/*
 * What a CONTACT argument means among the n candidates store_contact_find found for
 * prefix: the one whose whole fingerprint it is; else, when no candidate's fingerprint
 * starts with prefix, the one whose whole name it is (in the search form), or the one that
 * has every word of it as a whole word; else all of them.
 */
void store_find_narrow(const char *prefix, struct contact **out, size_t *n);

/* Whether person id is in the store: 0, -ENOENT, or another negative errno. */
int store_person_exists(struct store *st, int64_t id);
/* Whether s (NUL-terminated) is 1 to max bytes of text by the card rules, with line feeds
 * when multiline: what event names, notes and follow-ups must be. */
bool store_text_valid(const char *s, size_t max, bool multiline);

#endif
