/*
 * mkstore: fills a wallflower store with a synthetic network for the benchmarks:
 * N people, each with a real signed card (so exports decode real envelopes), met at some
 * of E events, knowing, offering and seeking topics out of T, working at one of O orgs,
 * some introduced by someone else; and, when asked, offers waiting in the inbox from
 * strangers, each from a key of its own and an address of its own, unexpired for a day.
 * Deterministic (fixed seed), apart from the offers' times, which follow the clock.
 * Usage:
 *   mkstore STATE_DIR PEOPLE EDGES [OFFERS]
 * It writes through the store's own schema (store_open) and then bulk-inserts with plain
 * SQLite in one transaction: this is a tool, not the product, and speed matters here.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "wallflower/card.h"
#include "wallflower/file.h"
#include "wallflower/identity.h"
#include "wallflower/peermsg.h"
#include "wallflower/store.h"

#define T0        1790000000LL
#define OFFER_TTL (24 * 3600) /* the daemon's default: how long an offer waits */

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t
next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void
die(const char *what, sqlite3 *db)
{
	fprintf(stderr, "mkstore: %s%s%s\n", what, db ? ": " : "", db ? sqlite3_errmsg(db) : "");
	exit(1);
}

static void
exec(sqlite3 *db, const char *sql)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		die(sql, db);
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
step(sqlite3 *db, sqlite3_stmt *s)
{
	if (sqlite3_step(s) != SQLITE_DONE)
		die("insert", db);
	sqlite3_reset(s);
}

/* Inserts names "prefix N" for N in 1..n into table (a constant). */
static void
names(sqlite3 *db, const char *sql, const char *prefix, long n)
{
	sqlite3_stmt *s = prep(db, sql);
	char name[64];

	for (long i = 1; i <= n; i++) {
		snprintf(name, sizeof(name), "%s %ld", prefix, i);
		sqlite3_bind_text(s, 1, name, -1, SQLITE_TRANSIENT);
		step(db, s);
	}
	sqlite3_finalize(s);
}

/*
 * The signed card of synthetic key i: a person's (stranger false) or a stranger's who
 * waits in the inbox (true). The two kinds draw their keys from seeds that differ in the
 * last byte, so no stranger is a person.
 */
static uint8_t *
card_make(long i, bool stranger, long orgs, long topics, uint8_t pk[32], char *name,
          size_t name_size, size_t *len)
{
	uint8_t seed[32] = { 0 }, sk[64], *env;
	char org[64], topic[3][64], email[80];
	struct card_meta meta = { .rev = 1, .issued = T0 };
	struct card_fields f;
	struct card_error err;
	char *items[3], *mail[1];

	memcpy(seed, &i, sizeof(i));
	seed[31] = stranger ? 1 : 0;
	crypt_sign_keypair(pk, sk, seed);
	snprintf(name, name_size, "%s %ld", stranger ? "Stranger" : "Person", i);
	/* The same org as works_at below: i's org is Org (i % orgs + 1). */
	snprintf(org, sizeof(org), "Org %ld", i % orgs + 1);
	snprintf(email, sizeof(email), "%s%ld@example.org", stranger ? "stranger" : "person", i);
	/* Three distinct topics (the card rules refuse a repeated item). */
	for (int t = 0; t < 3; t++) {
		snprintf(topic[t], sizeof(topic[t]), "Topic %ld", (i * 3 + t) % topics + 1);
		items[t] = topic[t];
	}
	card_fields_init(&f);
	f.text[CARD_NAME] = name;
	f.text[CARD_ORG] = org;
	mail[0] = email;
	card_fields_list(&f, CARD_EMAIL)->items = mail;
	card_fields_list(&f, CARD_EMAIL)->n = 1;
	card_fields_list(&f, CARD_TOPICS)->items = items;
	card_fields_list(&f, CARD_TOPICS)->n = 3;
	if (card_issue(&f, &meta, sk, &env, len, &err) < 0)
		die("card", NULL);
	crypt_wipe(sk, sizeof(sk));
	return env;
}

static void
person(sqlite3 *db, sqlite3_stmt *ps, sqlite3_stmt *cs, long i, long orgs, long topics)
{
	char name[64], fpr[IDENTITY_FPR_LEN + 1];
	uint8_t pk[32], *env;
	size_t len;

	env = card_make(i, false, orgs, topics, pk, name, sizeof(name), &len);
	identity_fingerprint(pk, fpr);
	sqlite3_bind_int64(ps, 1, i);
	sqlite3_bind_blob(ps, 2, pk, 32, SQLITE_TRANSIENT);
	sqlite3_bind_text(ps, 3, fpr, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(ps, 4, name, -1, SQLITE_TRANSIENT);
	step(db, ps);
	sqlite3_bind_int64(cs, 1, i);
	sqlite3_bind_blob(cs, 2, env, (int)len, SQLITE_TRANSIENT);
	step(db, cs);
	free(env);
}

/*
 * Offer i waiting in the inbox, the row store_inbox_put would write for it: the stranger's
 * key and card, the card's offer id, a note, no card asked back, the address it came from
 * (10.x.y.z, one per offer, so that no address is near a limit), the event, and a receipt
 * in the last hour that expires a day later.
 */
static void
offer(sqlite3 *db, sqlite3_stmt *s, long i, long events, long orgs, long topics, int64_t now)
{
	char name[64], addr[32], note[80], event[64];
	uint8_t pk[32], id[PEERMSG_ID_LEN], *env;
	int64_t received = now - i % 3600;
	size_t len;

	env = card_make(i, true, orgs, topics, pk, name, sizeof(name), &len);
	peermsg_offer_id(env, len, id);
	snprintf(addr, sizeof(addr), "10.%ld.%ld.%ld", (i >> 16) & 255, (i >> 8) & 255, i & 255);
	snprintf(event, sizeof(event), "Event %ld", i % events + 1);
	snprintf(note, sizeof(note), "Met you at %s", event);
	sqlite3_bind_blob(s, 1, pk, 32, SQLITE_TRANSIENT);
	sqlite3_bind_blob(s, 2, env, (int)len, SQLITE_TRANSIENT);
	sqlite3_bind_blob(s, 3, id, sizeof(id), SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 4, note, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 5, addr, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 6, event, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 7, received);
	sqlite3_bind_int64(s, 8, received + OFFER_TTL);
	step(db, s);
	free(env);
}

int
main(int argc, char **argv)
{
	long people, edges, offers = 0, events, topics, orgs, made = 0;
	struct store *st;
	sqlite3 *db;
	char *path;

	if ((argc != 4 && argc != 5) || (people = atol(argv[2])) <= 0 ||
	    (edges = atol(argv[3])) <= 0 || (argc == 5 && (offers = atol(argv[4])) < 0) ||
	    offers > 1L << 24) {
		fprintf(stderr, "usage: mkstore STATE_DIR PEOPLE EDGES [OFFERS]\n");
		return 2;
	}
	events = people / 100 + 1;
	topics = people / 50 + 1;
	orgs = people / 100 + 1;
	if (crypt_init() < 0 || file_mkdir_private(argv[1]) < 0 ||
	    (path = file_join(argv[1], STORE_FILE)) == NULL)
		die("setup", NULL);
	if (store_open(path, &st, NULL) < 0)
		die("store_open", NULL);
	store_close(st);
	if (sqlite3_open(path, &db) != SQLITE_OK)
		die("open", db);
	exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF; BEGIN");
	names(db, "INSERT INTO event (name) VALUES (?1)", "Event", events);
	names(db, "INSERT INTO org (name) VALUES (?1)", "Org", orgs);
	{
		sqlite3_stmt *ps = prep(db, "INSERT INTO person (id, key, fpr, name, rev, added) "
		                            "VALUES (?1, ?2, ?3, ?4, 1, 1790000000)");
		sqlite3_stmt *cs = prep(db, "INSERT INTO card (person_id, rev, issued, received, "
		                            "envelope) VALUES (?1, 1, 1790000000, 1790000000, ?2)");

		for (long i = 1; i <= people; i++)
			person(db, ps, cs, i, orgs, topics);
		sqlite3_finalize(ps);
		sqlite3_finalize(cs);
	}
	/* The edges: one organisation per person, as on their card; then meetings, topics and
	 * introductions drawn at random (not the topics on the cards: only the numbers
	 * matter here). Like the store adapter, this tool includes sqlite3.h: it bulk-loads
	 * what the store's own API would insert one transaction at a time. */

	{
		sqlite3_stmt *topic = prep(db, "INSERT OR IGNORE INTO topic (name) VALUES (?1)");
		sqlite3_stmt *pt =
		        prep(db, "INSERT OR IGNORE INTO person_topic (person_id, topic_id, "
		                 "kind, at) SELECT ?1, id, ?3, 1790000000 FROM topic "
		                 "WHERE name = ?2");
		sqlite3_stmt *wa =
		        prep(db, "INSERT INTO works_at (person_id, org_id, at) VALUES (?1, "
		                 "?2, 1790000000)");
		sqlite3_stmt *met =
		        prep(db, "INSERT INTO met_at (person_id, event_id, at) VALUES (?1, "
		                 "?2, 1790000000)");
		sqlite3_stmt *intro = prep(db, "INSERT OR IGNORE INTO introduced_by (person_id, "
		                               "introducer_id, at) VALUES (?1, ?2, 1790000000)");
		char name[64];

		for (long i = 1; i <= people; i++, made++) {
			sqlite3_bind_int64(wa, 1, i);
			sqlite3_bind_int64(wa, 2, i % orgs + 1);
			step(db, wa);
		}
		while (made < edges) {
			long p = (long)(next() % (uint64_t)people) + 1;
			uint64_t kind = next() % 10;

			if (kind < 5) { /* half the edges: meetings */
				sqlite3_bind_int64(met, 1, p);
				sqlite3_bind_int64(met, 2, (long)(next() % (uint64_t)events) + 1);
				step(db, met);
			} else if (kind < 9) { /* topics */
				snprintf(name, sizeof(name), "Topic %ld",
				         (long)(next() % (uint64_t)topics) + 1);
				sqlite3_bind_text(topic, 1, name, -1, SQLITE_TRANSIENT);
				step(db, topic);
				sqlite3_bind_int64(pt, 1, p);
				sqlite3_bind_text(pt, 2, name, -1, SQLITE_TRANSIENT);
				sqlite3_bind_text(pt, 3,
				                  kind < 7   ? "knows"
				                  : kind < 8 ? "offers"
				                             : "seeks",
				                  -1, SQLITE_STATIC);
				step(db, pt);
			} else { /* introductions */
				long q = (long)(next() % (uint64_t)people) + 1;

				if (q == p)
					continue;
				sqlite3_bind_int64(intro, 1, p);
				sqlite3_bind_int64(intro, 2, q);
				step(db, intro);
			}
			made++;
		}
		sqlite3_finalize(topic);
		sqlite3_finalize(pt);
		sqlite3_finalize(wa);
		sqlite3_finalize(met);
		sqlite3_finalize(intro);
	}
	{
		sqlite3_stmt *in = prep(db, "INSERT INTO inbox (key, envelope, offer_id, note, "
		                            "reply, addr, port, event, received, expires) VALUES "
		                            "(?1, ?2, ?3, ?4, 0, ?5, NULL, ?6, ?7, ?8)");
		int64_t now = (int64_t)time(NULL);

		for (long i = 1; i <= offers; i++)
			offer(db, in, i, events, orgs, topics, now);
		sqlite3_finalize(in);
	}
	/* The canonical forms (store_vocab.c): for these ASCII names, lower case is the form. */
	exec(db, "UPDATE topic SET canon = lower(name); UPDATE event SET canon = lower(name); "
	         "UPDATE org SET canon = lower(name)");
	exec(db, "COMMIT; PRAGMA wal_checkpoint(TRUNCATE)");
	sqlite3_close(db);
	printf("%ld people, %ld edges, %ld events, %ld topics, %ld orgs", people, made, events,
	       topics, orgs);
	if (offers > 0)
		printf(", %ld offers waiting", offers);
	printf("\n");
	free(path);
	return 0;
}
