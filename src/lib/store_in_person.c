/*
 * store_in_person.c: whom the user verified in person (proto/session.md 9.7), by the exact
 * identity key, never by name: the record a person makes when the code on their screen
 * matched the one on the other person's. It is kept by key, not by contact, because the
 * other person's card may come later (or never); and it goes with the person when they
 * are forgotten (store_forget). It must never build SQL from a value.
 */
#include <errno.h>

#include "store_int.h"

int
store_in_person_set(struct store *st, const uint8_t key[CRYPT_SIGN_PK], uint64_t at)
{
	static const char sql[] = "INSERT INTO in_person (key, at) VALUES (?1, ?2) "
	                          "ON CONFLICT (key) DO UPDATE SET at = excluded.at";
	sqlite3_stmt *s = NULL;
	int r;

	if (at > INT64_MAX)
		return -EINVAL;
	if ((r = store_tx_begin(st)) < 0)
		return r;
	if ((r = store_sql_prep(st, sql, &s)) == 0 &&
	    (r = store_sql_err(sqlite3_bind_blob(s, 1, key, CRYPT_SIGN_PK, SQLITE_STATIC))) == 0 &&
	    (r = store_sql_bind_int(s, 2, (int64_t)at)) == 0)
		r = store_sql_step_done(s);
	store_sql_release(st, s);
	return store_tx_end(st, r);
}

int
store_in_person_get(struct store *st, const uint8_t key[CRYPT_SIGN_PK], uint64_t *at)
{
	sqlite3_stmt *s = NULL;
	int r;

	*at = 0;
	if ((r = store_sql_prep(st, "SELECT at FROM in_person WHERE key = ?1", &s)) == 0 &&
	    (r = store_sql_err(sqlite3_bind_blob(s, 1, key, CRYPT_SIGN_PK, SQLITE_STATIC))) == 0 &&
	    (r = store_sql_step_row(s)) == 0)
		*at = (uint64_t)sqlite3_column_int64(s, 0);
	store_sql_release(st, s);
	return r == 0 ? 1 : r == -ENOENT ? 0 : r;
}

int
store_person_by_key(struct store *st, const uint8_t key[CRYPT_SIGN_PK], int64_t *id)
{
	sqlite3_stmt *s = NULL;
	int r;

	*id = 0;
	/* The unique index on person.key: an exact key, never a name or a prefix. */
	if ((r = store_sql_prep(st, "SELECT id FROM person WHERE key = ?1", &s)) == 0 &&
	    (r = store_sql_err(sqlite3_bind_blob(s, 1, key, CRYPT_SIGN_PK, SQLITE_STATIC))) == 0 &&
	    (r = store_sql_step_row(s)) == 0)
		*id = sqlite3_column_int64(s, 0);
	store_sql_release(st, s);
	return r == 0 ? 1 : r == -ENOENT ? 0 : r;
}
