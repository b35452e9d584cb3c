/*
 * commit: what durable commits cost on a file system, for the exchange benchmark's
 * estimate of group commit (bench/exchange.sh). It makes a store in STATE_DIR with the
 * store's own schema and settings (store_open: WAL, synchronous=FULL), then keeps N offers
 * in its inbox the way store_inbox_put does (the duplicate check, the three limit counts,
 * the insert of a card of about 600 bytes), GROUP offers to a transaction:
 *
 *   commit STATE_DIR N GROUP
 *
 * One line of key=value pairs: commits and offers per second. GROUP 1 is what the daemon
 * does today; GROUP k is what grouping the commits of k offers finished in one loop turn
 * would do to the store. It measures the store only, not a daemon that groups commits:
 * there is none. A tool, not the product: it trusts its arguments and dies on what it
 * cannot do.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "wallflower/crypt.h"
#include "wallflower/file.h"
#include "wallflower/store.h"

#define ENVELOPE_BYTES 616 /* bench/exchange's cards */
#define OFFER_TTL      (24 * 3600)

static void
die(const char *what, sqlite3 *db)
{
	fprintf(stderr, "commit: %s%s%s\n", what, db ? ": " : "", db ? sqlite3_errmsg(db) : "");
	exit(1);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static sqlite3_stmt *
prep(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *s;

	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		die(sql, db);
	return s;
}

static void
exec(sqlite3 *db, const char *sql)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		die(sql, db);
}

/* Runs s to its end (a count's row read and dropped), and resets it. */
static void
run(sqlite3 *db, sqlite3_stmt *s)
{
	int rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		;
	if (rc != SQLITE_DONE)
		die("step", db);
	sqlite3_reset(s);
}

/* The statements one offer runs (store_inbox.c), prepared once. */
struct stmts {
	sqlite3_stmt *dup, *all, *by_key, *by_addr, *put;
};

static void
offer_keep(sqlite3 *db, const struct stmts *q, size_t i, int64_t t)
{
	uint8_t key[32], id[32], env[ENVELOPE_BYTES];
	char addr[32];

	crypt_random(key, sizeof(key));
	crypt_random(id, sizeof(id));
	crypt_random(env, sizeof(env));
	snprintf(addr, sizeof(addr), "127.0.1.%zu", i % 8 + 1);
	sqlite3_bind_blob(q->dup, 1, id, 32, SQLITE_STATIC);
	run(db, q->dup);
	sqlite3_bind_int64(q->all, 1, t);
	run(db, q->all);
	sqlite3_bind_blob(q->by_key, 1, key, 32, SQLITE_STATIC);
	sqlite3_bind_int64(q->by_key, 2, t);
	run(db, q->by_key);
	sqlite3_bind_text(q->by_addr, 1, addr, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q->by_addr, 2, t);
	run(db, q->by_addr);
	sqlite3_bind_blob(q->put, 1, key, 32, SQLITE_STATIC);
	sqlite3_bind_blob(q->put, 2, env, sizeof(env), SQLITE_STATIC);
	sqlite3_bind_blob(q->put, 3, id, 32, SQLITE_STATIC);
	sqlite3_bind_text(q->put, 4, addr, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q->put, 5, t);
	sqlite3_bind_int64(q->put, 6, t + OFFER_TTL);
	run(db, q->put);
}

int
main(int argc, char **argv)
{
	long n, group;
	struct store *st;
	struct stmts q;
	sqlite3 *db;
	char *path;
	int64_t t = (int64_t)time(NULL);
	size_t commits = 0;
	double t0, secs;

	if (argc != 4 || (n = atol(argv[2])) <= 0 || (group = atol(argv[3])) <= 0 || group > n) {
		fprintf(stderr, "usage: commit STATE_DIR N GROUP\n");
		return 2;
	}
	if (crypt_init() < 0 || file_mkdir_private(argv[1]) < 0 ||
	    (path = file_join(argv[1], STORE_FILE)) == NULL)
		die("setup", NULL);
	if (store_open(path, &st, NULL) < 0)
		die("store_open", NULL);
	store_close(st);
	if (sqlite3_open(path, &db) != SQLITE_OK)
		die("open", db);
	/* The store's settings (store.c), so that a commit costs what the daemon's does. */
	exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;"
	         "PRAGMA secure_delete = ON; PRAGMA mmap_size = 268435456;"
	         "PRAGMA cache_size = -32768");
	q.dup = prep(db, "SELECT count(*) FROM inbox WHERE offer_id = ?1");
	q.all = prep(db, "SELECT count(*) FROM (SELECT 1 FROM inbox WHERE expires > ?1 LIMIT "
	                 "1000000)");
	q.by_key = prep(db, "SELECT count(*) FROM (SELECT 1 FROM inbox WHERE key = ?1 AND "
	                    "expires > ?2 LIMIT 1000000)");
	q.by_addr = prep(db, "SELECT count(*) FROM (SELECT 1 FROM inbox WHERE addr = ?1 AND "
	                     "expires > ?2 LIMIT 1000000)");
	q.put = prep(db, "INSERT INTO inbox (key, envelope, offer_id, note, reply, addr, port, "
	                 "event, received, expires) VALUES (?1, ?2, ?3, 'Met you at the "
	                 "benchmark', 0, ?4, NULL, NULL, ?5, ?6) RETURNING id");
	t0 = now();
	for (long i = 0; i < n; i += group, commits++) {
		exec(db, "BEGIN IMMEDIATE");
		for (long k = i; k < i + group && k < n; k++)
			offer_keep(db, &q, (size_t)k, t);
		exec(db, "COMMIT");
	}
	secs = now() - t0;
	printf("mode=commit n=%ld group=%ld commits_per_s=%.1f offers_per_s=%.1f "
	       "ms_per_commit=%.3f\n",
	       n, group, (double)commits / secs, (double)n / secs, 1000 * secs / (double)commits);
	sqlite3_finalize(q.dup);
	sqlite3_finalize(q.all);
	sqlite3_finalize(q.by_key);
	sqlite3_finalize(q.by_addr);
	sqlite3_finalize(q.put);
	sqlite3_close(db);
	free(path);
	return 0;
}
