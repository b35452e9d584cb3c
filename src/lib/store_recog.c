/*
 * store_recog.c: what the store keeps so that contacts can be recognised nearby
 * (proto/txt.md 6): each contact's latest recognition key, who a recognised contact is,
 * and the slot of our own last advert. Keys are looked up by exact identity, never by a
 * name or a prefix.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

int
store_recognition_set(struct store *st, const uint8_t key[CRYPT_SIGN_PK], const uint8_t rk[32],
                      uint64_t now)
{
	static const char sql[] =
	        "INSERT INTO recognition (person_id, key, at) "
	        "SELECT id, ?2, ?3 FROM person WHERE key = ?1 "
	        "ON CONFLICT (person_id) DO UPDATE SET key = excluded.key, at = excluded.at";
	sqlite3_stmt *s = NULL;
	int r;

	if (now > INT64_MAX)
		return -EINVAL;
	if ((r = store_tx_begin(st)) < 0)
		return r;
	if ((r = store_sql_prep(st, sql, &s)) == 0 &&
	    (r = store_sql_err(sqlite3_bind_blob(s, 1, key, CRYPT_SIGN_PK, SQLITE_STATIC))) == 0 &&
	    (r = store_sql_err(sqlite3_bind_blob(s, 2, rk, 32, SQLITE_STATIC))) == 0 &&
	    (r = store_sql_bind_int(s, 3, (int64_t)now)) == 0 &&
	    (r = store_sql_step_done(s)) == 0 && sqlite3_changes(st->db) == 0)
		r = -ENOENT;
	store_sql_release(st, s);
	return store_tx_end(st, r);
}

static int
read_recognition(sqlite3_stmt *s, void *item)
{
	struct store_recognition *r = item;

	r->person_id = sqlite3_column_int64(s, 0);
	if (sqlite3_column_bytes(s, 1) != 32)
		return -EIO;
	memcpy(r->key, sqlite3_column_blob(s, 1), 32);
	return 0;
}

static void
clear_recognition(void *item)
{
	crypt_wipe(item, sizeof(struct store_recognition));
}

int
store_recognition_list(struct store *st, struct store_recognition **out, size_t *n)
{
	sqlite3_stmt *s = NULL;
	void *list = NULL;
	int r;

	*out = NULL;
	*n = 0;
	if ((r = store_sql_prep(st, "SELECT person_id, key FROM recognition ORDER BY person_id",
	                        &s)) == 0 &&
	    (r = store_sql_collect(s, sizeof(**out), read_recognition, clear_recognition, &list,
	                           n)) == 0)
		*out = list;
	store_sql_release(st, s);
	return r;
}

void
store_recognition_free(struct store_recognition *r, size_t n)
{
	if (r == NULL)
		return;
	crypt_wipe(r, n * sizeof(*r));
	free(r);
}

/* Copies column i (text or NULL) into out (size bytes), cut at size - 1. */
static void
column_text(sqlite3_stmt *s, int i, char *out, size_t size)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	snprintf(out, size, "%s", t != NULL ? (const char *)t : "");
}

int
store_brief(struct store *st, int64_t person_id, struct store_brief *out)
{
	static const char sql[] =
	        "SELECT p.name, p.fpr, e.name, m.at FROM person p "
	        "LEFT JOIN met_at m ON m.id = (SELECT id FROM met_at WHERE person_id = p.id "
	        "ORDER BY at DESC, id DESC LIMIT 1) "
	        "LEFT JOIN event e ON e.id = m.event_id WHERE p.id = ?1";
	sqlite3_stmt *s = NULL;
	int r;

	memset(out, 0, sizeof(*out));
	if ((r = store_sql_prep(st, sql, &s)) == 0 &&
	    (r = store_sql_bind_int(s, 1, person_id)) == 0 && (r = store_sql_step_row(s)) == 0) {
		column_text(s, 0, out->name, sizeof(out->name));
		column_text(s, 1, out->fpr, sizeof(out->fpr));
		column_text(s, 2, out->event, sizeof(out->event));
		out->met = (uint64_t)sqlite3_column_int64(s, 3);
	}
	store_sql_release(st, s);
	return r;
}

int
store_advert_slot(struct store *st, unsigned *slot)
{
	sqlite3_stmt *s = NULL;
	int r;

	*slot = 255;
	if ((r = store_sql_prep(st, "SELECT value FROM counter WHERE name = 'advert_slot'", &s)) ==
	            0 &&
	    (r = store_sql_step_row(s)) == 0)
		*slot = (unsigned)sqlite3_column_int64(s, 0);
	store_sql_release(st, s);
	return r;
}

int
store_advert_slot_set(struct store *st, unsigned slot)
{
	static const char sql[] = "UPDATE counter SET value = ?1 WHERE name = 'advert_slot'";
	sqlite3_stmt *s = NULL;
	int r;

	if ((r = store_tx_begin(st)) < 0)
		return r;
	if ((r = store_sql_prep(st, sql, &s)) == 0 && (r = store_sql_bind_int(s, 1, slot)) == 0)
		r = store_sql_step_done(s);
	store_sql_release(st, s);
	return store_tx_end(st, r);
}
