/*
 * store_intro.c: what introductions keep (proto/introduction.md section 6 and 8): asks and
 * intros waiting in the inbox, beside the offers (store_inbox.c reads them back), and the
 * asks we made, by id, so that a reply is taken only when we asked for it. Every object
 * here was checked by intro_check before it came; this file only keeps.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"
#include "wallflower/intro.h"
#include "wallflower/text.h"

static bool
note_ok(const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0;

	return s == NULL || (n > 0 && n <= max && text_check(s, n, 0) == TEXT_OK);
}

static int
bind_blob(sqlite3_stmt *s, int i, const uint8_t *v, size_t n)
{
	return store_sql_err(sqlite3_bind_blob(s, i, v, (int)n, SQLITE_STATIC));
}

int
store_inbox_put_object(struct store *st, enum inbox_kind kind, const struct card *card,
                       const uint8_t *via, const char *note, bool reply, const uint8_t *rk,
                       const uint8_t *obj, size_t obj_len, const uint8_t id[32], const char *event,
                       uint64_t now, uint64_t expires, int64_t *out_id)
{
	static const char sql[] =
	        "INSERT INTO inbox (key, envelope, offer_id, note, reply, event, received, "
	        "expires, recognition, kind, intro, via) "
	        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) "
	        "ON CONFLICT (offer_id) DO NOTHING RETURNING id";
	sqlite3_stmt *s = NULL;
	int r;

	if (kind == INBOX_OFFER || obj_len == 0 || obj_len > INTRO_MAX ||
	    !note_ok(note, INTRO_NOTE_MAX) || !note_ok(event, 128) || now > INT64_MAX / 2 ||
	    expires > INT64_MAX / 2)
		return -EINVAL;
	/* The object goes when the card it carries does (proto/card.md 11.3). */
	if (card->has_expires && card->expires < expires)
		expires = card->expires;
	if ((r = store_tx_begin(st)) < 0)
		return r;
	if ((r = store_sql_prep(st, sql, &s)) == 0 &&
	    (r = bind_blob(s, 1, card->key, CRYPT_SIGN_PK)) == 0 &&
	    (r = bind_blob(s, 2, card->envelope, card->envelope_len)) == 0 &&
	    (r = bind_blob(s, 3, id, 32)) == 0 &&
	    (note == NULL || (r = store_sql_bind_text(s, 4, note)) == 0) &&
	    (r = store_sql_bind_int(s, 5, reply)) == 0 &&
	    (event == NULL || (r = store_sql_bind_text(s, 6, event)) == 0) &&
	    (r = store_sql_bind_int(s, 7, (int64_t)now)) == 0 &&
	    (r = store_sql_bind_int(s, 8, (int64_t)expires)) == 0 &&
	    (rk == NULL || (r = bind_blob(s, 9, rk, 32)) == 0) &&
	    (r = store_sql_bind_text(s, 10, inbox_kind_name(kind))) == 0 &&
	    (r = bind_blob(s, 11, obj, obj_len)) == 0 &&
	    (via == NULL || (r = bind_blob(s, 12, via, 32)) == 0)) {
		/* No row back: the same object is already waiting. */
		r = store_sql_step_row(s);
		if (r == 0 && out_id != NULL)
			*out_id = sqlite3_column_int64(s, 0);
		else if (r == -ENOENT)
			r = -EEXIST;
	}
	store_sql_release(st, s);
	return store_tx_end(st, r);
}

int
store_ask_made_put(struct store *st, const uint8_t id[32], const uint8_t hub[32], uint64_t made,
                   uint64_t expires, bool reply)
{
	static const char sql[] = "INSERT OR IGNORE INTO ask_made (id, hub, made, expires, reply) "
	                          "VALUES (?1, ?2, ?3, ?4, ?5)";
	sqlite3_stmt *s = NULL;
	int r;

	if (made > INT64_MAX / 2 || expires > INT64_MAX / 2)
		return -EINVAL;
	if ((r = store_tx_begin(st)) < 0)
		return r;
	/* Asks kept past any reply they could bring go first: the table stays small. */
	if ((r = store_sql_prep(st, "DELETE FROM ask_made WHERE expires + ?1 <= ?2", &s)) == 0 &&
	    (r = store_sql_bind_int(s, 1, INTRO_TTL_MAX)) == 0 &&
	    (r = store_sql_bind_int(s, 2, (int64_t)made)) == 0)
		r = store_sql_step_done(s);
	store_sql_release(st, s);
	s = NULL;
	if (r == 0 && (r = store_sql_prep(st, sql, &s)) == 0 &&
	    (r = bind_blob(s, 1, id, 32)) == 0 && (r = bind_blob(s, 2, hub, 32)) == 0 &&
	    (r = store_sql_bind_int(s, 3, (int64_t)made)) == 0 &&
	    (r = store_sql_bind_int(s, 4, (int64_t)expires)) == 0 &&
	    (r = store_sql_bind_int(s, 5, reply)) == 0)
		r = store_sql_step_done(s);
	store_sql_release(st, s);
	return store_tx_end(st, r);
}

int
store_ask_made_get(struct store *st, const uint8_t id[32], uint64_t now, uint8_t hub[32],
                   bool *reply)
{
	static const char sql[] = "SELECT hub, reply FROM ask_made WHERE id = ?1 AND "
	                          "expires + ?2 > ?3";
	sqlite3_stmt *s = NULL;
	int r;

	if ((r = store_sql_prep(st, sql, &s)) == 0 && (r = bind_blob(s, 1, id, 32)) == 0 &&
	    (r = store_sql_bind_int(s, 2, INTRO_TTL_MAX)) == 0 &&
	    (r = store_sql_bind_int(s, 3, (int64_t)now)) == 0 && (r = store_sql_step_row(s)) == 0) {
		if (sqlite3_column_bytes(s, 0) != 32)
			r = -EIO;
		else
			memcpy(hub, sqlite3_column_blob(s, 0), 32);
		*reply = sqlite3_column_int(s, 1) != 0;
	}
	store_sql_release(st, s);
	return r;
}

/* A copy of column i's bytes into *out (owned by the caller) and *len. */
static int
column_copy(sqlite3_stmt *s, int i, uint8_t **out, size_t *len)
{
	int n = sqlite3_column_bytes(s, i);

	if (n <= 0)
		return -EIO;
	if ((*out = malloc((size_t)n)) == NULL)
		return -ENOMEM;
	memcpy(*out, sqlite3_column_blob(s, i), (size_t)n);
	*len = (size_t)n;
	return 0;
}

int
store_card_current(struct store *st, const uint8_t key[CRYPT_SIGN_PK], uint8_t **env, size_t *len)
{
	static const char sql[] = "SELECT c.envelope FROM card AS c JOIN person AS p ON "
	                          "p.id = c.person_id WHERE p.key = ?1 ORDER BY c.rev DESC LIMIT 1";
	sqlite3_stmt *s = NULL;
	int r;

	*env = NULL;
	if ((r = store_sql_prep(st, sql, &s)) == 0 &&
	    (r = bind_blob(s, 1, key, CRYPT_SIGN_PK)) == 0 && (r = store_sql_step_row(s)) == 0)
		r = column_copy(s, 0, env, len);
	store_sql_release(st, s);
	return r;
}

int
store_ask_waiting(struct store *st, const uint8_t key[CRYPT_SIGN_PK], uint64_t now, uint8_t **obj,
                  size_t *len)
{
	static const char sql[] = "SELECT intro FROM inbox WHERE kind = 'ask' AND key = ?1 AND "
	                          "expires > ?2 ORDER BY received DESC, id DESC LIMIT 1";
	sqlite3_stmt *s = NULL;
	int r;

	*obj = NULL;
	if ((r = store_sql_prep(st, sql, &s)) == 0 &&
	    (r = bind_blob(s, 1, key, CRYPT_SIGN_PK)) == 0 &&
	    (r = store_sql_bind_int(s, 2, (int64_t)now)) == 0 && (r = store_sql_step_row(s)) == 0)
		r = column_copy(s, 0, obj, len);
	store_sql_release(st, s);
	return r;
}
