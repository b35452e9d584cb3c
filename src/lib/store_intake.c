/*
 * store_intake.c: the intake ledger, one row per request the daemon answered `ack`
 * (intake.c decides; this file only stores and counts). Every count stops at a cap and
 * every query is answered from an index, so that the cost of a request does not grow
 * with the ledger, the inbox or the number of contacts. Pruning is done a few rows at a
 * time as requests come, never in one long sweep.
 */
#include <errno.h>
#include <string.h>

#include "store_int.h"
#include "wallflower/text.h"

#define INTAKE_PRUNE_STEP 8 /* old rows removed per request: more than one comes in */

static int
bind_key(sqlite3_stmt *s, int i, const uint8_t *key)
{
	return store_sql_err(sqlite3_bind_blob(s, i, key, CRYPT_SIGN_PK, SQLITE_STATIC));
}

int
store_intake_seen(struct store *st, const uint8_t key[CRYPT_SIGN_PK], const uint8_t request[32],
                  uint64_t since)
{
	static const char sql[] =
	        "SELECT 1 FROM intake WHERE key = ?1 AND request = ?2 AND at > ?3";
	sqlite3_stmt *s = NULL;
	int r;

	if ((r = store_sql_prep(st, sql, &s)) == 0 && (r = bind_key(s, 1, key)) == 0 &&
	    (r = store_sql_err(sqlite3_bind_blob(s, 2, request, 32, SQLITE_STATIC))) == 0 &&
	    (r = store_sql_bind_int(s, 3, (int64_t)since)) == 0)
		r = store_sql_step_row(s);
	store_sql_release(st, s);
	return r == 0 ? 1 : r == -ENOENT ? 0 : r;
}

/*
 * Runs a counting query (?1 key, ?2 addr, ?3 since or now, ?4 cap) into *n. The queries
 * count rows of a sub-select with LIMIT ?4, so they stop at the cap.
 */
static int
count(struct store *st, const char *sql, const uint8_t *key, const char *addr, uint64_t t,
      unsigned cap, unsigned *n)
{
	sqlite3_stmt *s = NULL;
	int r;

	*n = 0;
	if ((r = store_sql_prep(st, sql, &s)) == 0 &&
	    (sqlite3_bind_parameter_index(s, "?1") == 0 || (r = bind_key(s, 1, key)) == 0) &&
	    (sqlite3_bind_parameter_index(s, "?2") == 0 ||
	     (r = store_sql_bind_text(s, 2, addr)) == 0) &&
	    (r = store_sql_bind_int(s, 3, (int64_t)t)) == 0 &&
	    (r = store_sql_bind_int(s, 4, cap)) == 0 && (r = store_sql_step_row(s)) == 0)
		*n = (unsigned)sqlite3_column_int64(s, 0);
	store_sql_release(st, s);
	return r;
}

int
store_intake_count(struct store *st, const uint8_t key[CRYPT_SIGN_PK], const char *addr,
                   uint64_t since, uint64_t now, const struct store_intake_counts *caps,
                   struct store_intake_counts *out)
{
	int r;

	memset(out, 0, sizeof(*out));
	if ((r = count(st,
	               "SELECT count(*) FROM (SELECT 1 FROM intake WHERE key = ?1 AND at > ?3 "
	               "LIMIT ?4)",
	               key, addr, since, caps->by_key, &out->by_key)) < 0 ||
	    (r = count(st,
	               "SELECT count(*) FROM (SELECT 1 FROM intake WHERE addr = ?2 AND at > ?3 "
	               "LIMIT ?4)",
	               key, addr, since, caps->by_addr, &out->by_addr)) < 0 ||
	    /* Distinct keys among the address's rows: at most by_addr rows to look at, since
	     * an address past that cap is refused anyway. */
	    (r = count(st,
	               "SELECT count(DISTINCT key) FROM (SELECT key FROM intake WHERE addr = ?2 "
	               "AND at > ?3 AND key <> ?1 LIMIT ?4)",
	               key, addr, since, caps->by_addr, &out->other_keys)) < 0 ||
	    /* Everyone's rows: counted from the ids (new rows take the highest id, pruning
	     * takes the oldest), two index lookups instead of a walk of up to the cap. */
	    (r = count(st,
	               "SELECT min(?4, coalesce((SELECT max(id) FROM intake) - (SELECT id FROM "
	               "intake WHERE at > ?3 ORDER BY at LIMIT 1) + 1, 0))",
	               key, addr, since, caps->all, &out->all)) < 0)
		return r;
	return store_inbox_count(st, now, caps->waiting, &out->waiting);
}

int
store_intake_record(struct store *st, const uint8_t key[CRYPT_SIGN_PK], const char *addr,
                    const uint8_t request[32], uint64_t at, uint64_t since)
{
	/* A row for the same request from before the window is reused, not duplicated. */
	static const char add[] = "INSERT INTO intake (key, addr, request, at) "
	                          "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (key, request) DO UPDATE "
	                          "SET addr = excluded.addr, at = excluded.at WHERE at <= ?5";
	static const char prune[] = "DELETE FROM intake WHERE id IN (SELECT id FROM intake "
	                            "WHERE at <= ?1 ORDER BY at LIMIT ?2)";
	size_t n = addr != NULL ? strlen(addr) : 0;
	sqlite3_stmt *s = NULL;
	int r;

	if (n == 0 || n > 64 || text_check(addr, n, 0) != TEXT_OK || at > INT64_MAX ||
	    since > INT64_MAX)
		return -EINVAL;
	if ((r = store_tx_begin(st)) < 0)
		return r;
	if ((r = store_sql_prep(st, add, &s)) == 0 && (r = bind_key(s, 1, key)) == 0 &&
	    (r = store_sql_bind_text(s, 2, addr)) == 0 &&
	    (r = store_sql_err(sqlite3_bind_blob(s, 3, request, 32, SQLITE_STATIC))) == 0 &&
	    (r = store_sql_bind_int(s, 4, (int64_t)at)) == 0 &&
	    (r = store_sql_bind_int(s, 5, (int64_t)since)) == 0 &&
	    (r = store_sql_step_done(s)) == 0 && sqlite3_changes(st->db) == 0)
		r = -EEXIST;
	store_sql_release(st, s);
	s = NULL;
	if (r == 0 && (r = store_sql_prep(st, prune, &s)) == 0 &&
	    (r = store_sql_bind_int(s, 1, (int64_t)since)) == 0 &&
	    (r = store_sql_bind_int(s, 2, INTAKE_PRUNE_STEP)) == 0)
		r = store_sql_step_done(s);
	store_sql_release(st, s);
	return store_tx_end(st, r);
}
