/*
 * store_forget.c: forgetting a person for good, and the blocks (store_int.h). Forgetting
 * removes every row that is about the person, or that only they give a reason to keep, in
 * one transaction, and then checkpoints the write-ahead log so that, with secure_delete
 * on (store.c turns it on for every connection), the bytes are gone from the files too,
 * not only from the tables. The blocks are listed and lifted by exact key: a fingerprint
 * names one identity, never a prefix or a name.
 *
 * It trusts its callers' person ids (they come from the store) and nothing it is asked to
 * parse: a fingerprint to unblock is checked here before it is compared. It must never
 * report a person forgotten while any of the transaction could have failed, nor lift a
 * block on a fingerprint that is not exactly the one given.
 */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

/* Runs constant sql with the person's id as ?1 and key as ?2; *n the rows it changed. */
static int
run_person(struct store *st, const char *sql, int64_t id, const uint8_t key[CRYPT_SIGN_PK],
           size_t *n)
{
	sqlite3_stmt *s = NULL;
	int r;

	if ((r = store_sql_prep(st, sql, &s)) == 0 && (r = store_sql_bind_int(s, 1, id)) == 0 &&
	    (r = store_sql_err(sqlite3_bind_blob(s, 2, key, CRYPT_SIGN_PK, SQLITE_STATIC))) == 0 &&
	    (r = store_sql_step_done(s)) == 0 && n != NULL)
		*n = (size_t)sqlite3_changes(st->db);
	store_sql_release(st, s);
	return r;
}

/*
 * What goes, in order: the rows that name the person (counted for the caller), the person
 * (their topic, organisation, search word and recognition rows go by ON DELETE CASCADE),
 * then the nodes nobody names any more. Every statement is constant and binds ?1 (the id)
 * and ?2 (the key), used or not.
 */
static int
forget_rows(struct store *st, int64_t id, const uint8_t key[CRYPT_SIGN_PK],
            struct store_forgotten *f)
{
	const struct {
		const char *sql;
		size_t *n;
	} steps[] = {
		{ "DELETE FROM card WHERE person_id = ?1 AND ?2 IS NOT NULL", &f->cards },
		{ "DELETE FROM met_at WHERE person_id = ?1 AND ?2 IS NOT NULL", &f->meetings },
		{ "DELETE FROM note WHERE person_id = ?1 AND ?2 IS NOT NULL", &f->notes },
		{ "DELETE FROM followup WHERE person_id = ?1 AND ?2 IS NOT NULL", &f->followups },
		{ "DELETE FROM introduced_by WHERE (person_id = ?1 OR introducer_id = ?1) "
		  "AND ?2 IS NOT NULL",
		  &f->introductions },
		{ "DELETE FROM inbox WHERE (key = ?2 OR via = ?2) AND ?1 IS NOT NULL", &f->offers },
		{ "DELETE FROM ask_made WHERE hub = ?2 AND ?1 IS NOT NULL", NULL },
		{ "DELETE FROM intake WHERE key = ?2 AND ?1 IS NOT NULL", NULL },
		{ "DELETE FROM recognition WHERE person_id = ?1 AND ?2 IS NOT NULL", NULL },
		{ "DELETE FROM in_person WHERE key = ?2 AND ?1 IS NOT NULL", NULL },
		/* The block stays: forgetting someone must not let them back in. */
		{ "UPDATE blocked SET name = NULL WHERE key = ?2 AND ?1 IS NOT NULL", NULL },
		{ "DELETE FROM person WHERE id = ?1 AND key = ?2", NULL },
		{ "DELETE FROM topic WHERE NOT EXISTS (SELECT 1 FROM person_topic "
		  "WHERE topic_id = topic.id) AND ?1 IS NOT NULL AND ?2 IS NOT NULL",
		  &f->topics },
		{ "DELETE FROM org WHERE NOT EXISTS (SELECT 1 FROM works_at "
		  "WHERE org_id = org.id) AND ?1 IS NOT NULL AND ?2 IS NOT NULL",
		  &f->orgs },
		{ "DELETE FROM event WHERE NOT EXISTS (SELECT 1 FROM met_at "
		  "WHERE event_id = event.id) AND ?1 IS NOT NULL AND ?2 IS NOT NULL",
		  &f->events },
	};
	int r = 0;

	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]) && r == 0; i++)
		r = run_person(st, steps[i].sql, id, key, steps[i].n);
	return r;
}

/* The key of person id; -ENOENT when there is none. */
static int
person_key(struct store *st, int64_t id, uint8_t key[CRYPT_SIGN_PK])
{
	sqlite3_stmt *s = NULL;
	int r;

	if ((r = store_sql_prep(st, "SELECT key FROM person WHERE id = ?1", &s)) == 0 &&
	    (r = store_sql_bind_int(s, 1, id)) == 0 && (r = store_sql_step_row(s)) == 0) {
		if (sqlite3_column_bytes(s, 0) == CRYPT_SIGN_PK)
			memcpy(key, sqlite3_column_blob(s, 0), CRYPT_SIGN_PK);
		else
			r = -EIO; /* the schema's CHECK says 32 bytes */
	}
	store_sql_release(st, s);
	return r;
}

/*
 * Copies every page of the log into the database file and truncates the log to nothing.
 * Another connection reading the store (an open read transaction) keeps it from
 * completing after the busy timeout: -EINPROGRESS.
 */
int
store_wipe_log(struct store *st)
{
	int rc = sqlite3_wal_checkpoint_v2(st->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);

	if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
		return -EINPROGRESS;
	return store_sql_err(rc);
}

int
store_forget(struct store *st, int64_t person_id, struct store_forgotten *out)
{
	struct store_forgotten f = { 0 };
	uint8_t key[CRYPT_SIGN_PK];
	int r;

	assert(st != NULL && st->depth == 0);
	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if ((r = store_tx_begin(st)) < 0)
		return r;
	if ((r = person_key(st, person_id, key)) == 0)
		r = forget_rows(st, person_id, key, &f);
	if ((r = store_tx_end(st, r)) < 0)
		return r;
	if (out != NULL)
		*out = f;
	return 0;
}

void
store_block_free_all(struct store_block *b, size_t n)
{
	if (b == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		free(b[i].name);
	free(b);
}

static int
read_block(sqlite3_stmt *s, void *item)
{
	struct store_block *b = item;

	if (sqlite3_column_bytes(s, 0) != CRYPT_SIGN_PK)
		return -EIO;
	memcpy(b->key, sqlite3_column_blob(s, 0), CRYPT_SIGN_PK);
	identity_fingerprint(b->key, b->fpr);
	b->at = (uint64_t)sqlite3_column_int64(s, 1);
	if (sqlite3_column_type(s, 2) == SQLITE_NULL)
		return 0;
	return store_sql_column_dup(s, 2, &b->name);
}

static void
clear_block(void *item)
{
	struct store_block *b = item;

	free(b->name);
	b->name = NULL;
}

int
store_blocked_list(struct store *st, struct store_block **out, size_t *n)
{
	/* Blocks made before schema 6 have no name: a contact's is the next best. */
	static const char sql[] = "SELECT b.key, b.at, coalesce(b.name, p.name) FROM blocked AS b "
	                          "LEFT JOIN person AS p ON p.key = b.key ORDER BY b.at, b.rowid";
	sqlite3_stmt *s = NULL;
	void *list = NULL;
	int r;

	assert(st != NULL && out != NULL && n != NULL);
	*out = NULL;
	*n = 0;
	if ((r = store_sql_prep(st, sql, &s)) == 0 &&
	    (r = store_sql_collect(s, sizeof(**out), read_block, clear_block, &list, n)) == 0)
		*out = list;
	store_sql_release(st, s);
	return r;
}

/*
 * fpr in the form identity_fingerprint writes, into canon: the whole form, any case, or
 * its 24 characters without the '-'. Anything else is -EINVAL: a fingerprint is a key,
 * and a near miss must not name someone.
 */
static int
fpr_canon(const char *fpr, char canon[IDENTITY_FPR_LEN + 1])
{
	static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
	size_t len = strlen(fpr), o = 0;
	bool dashed = len == IDENTITY_FPR_LEN;

	if (!dashed && len != IDENTITY_FPR_LEN - 5)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		/* By hand, not tolower(): a fingerprint is ASCII whatever the locale. */
		char c = fpr[i] >= 'A' && fpr[i] <= 'Z' ? (char)(fpr[i] - 'A' + 'a') : fpr[i];
		bool dash_here = dashed && i % 5 == 4;

		if (dash_here != (c == '-') || (!dash_here && strchr(alphabet, c) == NULL))
			return -EINVAL;
		if (!dashed && o % 5 == 4)
			canon[o++] = '-';
		canon[o++] = c;
	}
	canon[o] = '\0';
	return 0;
}

int
store_unblock(struct store *st, const char *fpr, uint8_t unblocked[CRYPT_SIGN_PK])
{
	char want[IDENTITY_FPR_LEN + 1];
	struct store_block *list = NULL;
	sqlite3_stmt *s = NULL;
	size_t n = 0, i;
	int r;

	assert(st != NULL && fpr != NULL);
	if (fpr_canon(fpr, want) < 0)
		return -EINVAL;
	if ((r = store_tx_begin(st)) < 0)
		return r;
	/* The fingerprint is a hash of the key: compare each block's (a short list). */
	if ((r = store_blocked_list(st, &list, &n)) < 0)
		goto out;
	for (i = 0; list != NULL && i < n && strcmp(list[i].fpr, want) != 0; i++)
		;
	if (list == NULL || i == n) {
		r = -ENOENT;
		goto out;
	}
	if ((r = store_sql_prep(st, "DELETE FROM blocked WHERE key = ?1", &s)) == 0 &&
	    (r = store_sql_err(
	             sqlite3_bind_blob(s, 1, list[i].key, CRYPT_SIGN_PK, SQLITE_STATIC))) == 0 &&
	    (r = store_sql_step_done(s)) == 0 && unblocked != NULL)
		memcpy(unblocked, list[i].key, CRYPT_SIGN_PK);
out:
	store_sql_release(st, s);
	store_block_free_all(list, n);
	return store_tx_end(st, r);
}
