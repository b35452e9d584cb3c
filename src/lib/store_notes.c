/*
 * store_notes.c: notes and follow-ups, the things a person writes about their contacts,
 * in the store (store_int.h): adding, listing, correcting and deleting them. Both are
 * numbered by their row id, which never changes and is never given to another (the
 * tables are AUTOINCREMENT since schema 6), so "note edit 12" means the same note however
 * the listing is sorted, and never a newer one after 12 was deleted. Text is taken only
 * after the card text rules passed it (text_check). It must never build SQL from a value
 * or write outside one IMMEDIATE transaction per call.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"
#include "wallflower/text.h"

/* A note may have line breaks; a follow-up is one line. Both follow the card text rules. */
static bool
text_ok(const char *s, bool multiline)
{
	return store_text_valid(s, STORE_NOTE_MAX, multiline);
}

/*
 * Runs constant sql that returns a row when it touched one ("... RETURNING id"), with
 * ?1 = id, ?2 = text (when not NULL) and ?3 = v (when the SQL has a ?3), in a transaction
 * of its own (or a savepoint in the caller's). 0, or -ENOENT when no row was touched.
 * SQLite makes every change of a statement with RETURNING at its first step.
 */
static int
change_one(struct store *st, const char *sql, int64_t id, const char *text, int64_t v)
{
	sqlite3_stmt *s = NULL;
	int r;

	if ((r = store_tx_begin(st)) < 0)
		return r;
	if ((r = store_sql_prep(st, sql, &s)) == 0 && (r = store_sql_bind_int(s, 1, id)) == 0 &&
	    (text == NULL || (r = store_sql_bind_text(s, 2, text)) == 0) &&
	    (sqlite3_bind_parameter_count(s) < 3 || (r = store_sql_bind_int(s, 3, v)) == 0))
		r = store_sql_step_row(s);
	store_sql_release(st, s);
	return store_tx_end(st, r);
}

/* Inserts text for person with constant sql (?1 person, ?2 text, ?3.. ints); *id. */
static int
insert_text(struct store *st, const char *sql, int64_t person_id, const char *text,
            const int64_t *ints, int n, int64_t *id)
{
	sqlite3_stmt *s = NULL;
	int r;

	if ((r = store_tx_begin(st)) < 0)
		return r;
	if ((r = store_person_exists(st, person_id)) == 0 &&
	    (r = store_sql_prep(st, sql, &s)) == 0 &&
	    (r = store_sql_bind_int(s, 1, person_id)) == 0 &&
	    (r = store_sql_bind_text(s, 2, text)) == 0) {
		for (int i = 0; i < n && r == 0; i++)
			r = store_sql_bind_int(s, 3 + i, ints[i]);
		if (r == 0 && (r = store_sql_step_row(s)) == 0 && id != NULL)
			*id = sqlite3_column_int64(s, 0);
	}
	store_sql_release(st, s);
	return store_tx_end(st, r);
}

/* ---- notes ---- */

int
store_note_add(struct store *st, int64_t person_id, const char *text, uint64_t at, int64_t *id)
{
	int64_t v[1] = { (int64_t)at };

	if (!text_ok(text, true) || at > INT64_MAX)
		return -EINVAL;
	return insert_text(
	        st, "INSERT INTO note (person_id, text, at) VALUES (?1, ?2, ?3) RETURNING id",
	        person_id, text, v, 1, id);
}

int
store_note_edit(struct store *st, int64_t id, const char *text)
{
	if (!text_ok(text, true))
		return -EINVAL;
	return change_one(st, "UPDATE note SET text = ?2 WHERE id = ?1 RETURNING id", id, text, 0);
}

int
store_note_delete(struct store *st, int64_t id)
{
	return change_one(st, "DELETE FROM note WHERE id = ?1 RETURNING id", id, NULL, 0);
}

/* ---- follow-ups ---- */

int
store_followup_add(struct store *st, int64_t person_id, const char *text, uint64_t due,
                   uint64_t created, int64_t *id)
{
	int64_t v[2] = { (int64_t)due, (int64_t)created };

	if (!text_ok(text, false) || due > INT64_MAX || created > INT64_MAX)
		return -EINVAL;
	return insert_text(st,
	                   "INSERT INTO followup (person_id, text, due, created) "
	                   "VALUES (?1, ?2, ?3, ?4) RETURNING id",
	                   person_id, text, v, 2, id);
}

/* Sets follow-up id's done flag to done: -EALREADY when it already was. */
static int
set_done(struct store *st, int64_t id, bool done)
{
	sqlite3_stmt *s = NULL;
	int r;

	if ((r = store_tx_begin(st)) < 0)
		return r;
	if ((r = store_sql_prep(st, "SELECT done FROM followup WHERE id = ?1", &s)) == 0 &&
	    (r = store_sql_bind_int(s, 1, id)) == 0 && (r = store_sql_step_row(s)) == 0 &&
	    (sqlite3_column_int(s, 0) != 0) == done)
		r = -EALREADY;
	store_sql_release(st, s);
	if (r == 0 &&
	    (r = store_sql_prep(st, "UPDATE followup SET done = ?2 WHERE id = ?1", &s)) == 0) {
		if ((r = store_sql_bind_int(s, 1, id)) == 0 &&
		    (r = store_sql_bind_int(s, 2, done)) == 0)
			r = store_sql_step_done(s);
		store_sql_release(st, s);
	}
	return store_tx_end(st, r);
}

int
store_followup_done(struct store *st, int64_t id)
{
	return set_done(st, id, true);
}

int
store_followup_undo(struct store *st, int64_t id)
{
	return set_done(st, id, false);
}

int
store_followup_edit(struct store *st, int64_t id, const char *text, uint64_t due)
{
	int r;

	if ((text == NULL && due == 0) || (text != NULL && !text_ok(text, false)) ||
	    due > INT64_MAX)
		return -EINVAL;
	/* Both changes or neither: the outer transaction makes the two one. */
	if ((r = store_tx_begin(st)) < 0)
		return r;
	if (text != NULL)
		r = change_one(st, "UPDATE followup SET text = ?2 WHERE id = ?1 RETURNING id", id,
		               text, 0);
	if (r == 0 && due != 0)
		r = change_one(st, "UPDATE followup SET due = ?3 WHERE id = ?1 RETURNING id", id,
		               NULL, (int64_t)due);
	return store_tx_end(st, r);
}

int
store_followup_delete(struct store *st, int64_t id)
{
	return change_one(st, "DELETE FROM followup WHERE id = ?1 RETURNING id", id, NULL, 0);
}

#define FOLLOWUP_SELECT                                                                            \
	"SELECT f.id, f.person_id, p.name, p.fpr, f.text, f.due, f.created, f.done "               \
	"FROM followup AS f JOIN person AS p ON p.id = f.person_id "

/* One row of FOLLOWUP_SELECT into a struct followup (store_sql_collect's read). */
static int
read_followup(sqlite3_stmt *s, void *item)
{
	struct followup *f = item;
	int r;

	f->id = sqlite3_column_int64(s, 0);
	f->contact_id = sqlite3_column_int64(s, 1);
	snprintf(f->fpr, sizeof(f->fpr), "%s", (const char *)sqlite3_column_text(s, 3));
	f->due = (uint64_t)sqlite3_column_int64(s, 5);
	f->created = (uint64_t)sqlite3_column_int64(s, 6);
	f->done = sqlite3_column_int(s, 7) != 0;
	if ((r = store_sql_column_dup(s, 2, &f->who)) < 0 ||
	    (r = store_sql_column_dup(s, 4, &f->text)) < 0)
		return r;
	return 0;
}

static void
clear_followup(void *item)
{
	followup_clear(item);
}

int
store_followup_list(struct store *st, bool due_only, uint64_t now, struct followup **out, size_t *n)
{
	static const char sql[] = FOLLOWUP_SELECT
	        "WHERE ?1 = 0 OR (f.done = 0 AND f.due <= ?2) ORDER BY f.done, f.due, f.id";
	sqlite3_stmt *s = NULL;
	int r;

	*out = NULL;
	*n = 0;
	if (now > INT64_MAX)
		return -EINVAL;
	if ((r = store_sql_prep(st, sql, &s)) == 0 &&
	    (r = store_sql_bind_int(s, 1, due_only)) == 0 &&
	    (r = store_sql_bind_int(s, 2, (int64_t)now)) == 0)
		r = store_sql_collect(s, sizeof(**out), read_followup, clear_followup, (void **)out,
		                      n);
	store_sql_release(st, s);
	return r;
}

int
store_followup_get(struct store *st, int64_t id, struct followup *out)
{
	static const char sql[] = FOLLOWUP_SELECT "WHERE f.id = ?1";
	sqlite3_stmt *s = NULL;
	int r;

	memset(out, 0, sizeof(*out));
	if ((r = store_sql_prep(st, sql, &s)) == 0 && (r = store_sql_bind_int(s, 1, id)) == 0 &&
	    (r = store_sql_step_row(s)) == 0 && (r = read_followup(s, out)) < 0)
		followup_clear(out);
	store_sql_release(st, s);
	return r;
}
