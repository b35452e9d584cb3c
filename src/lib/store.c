/*
 * store.c owns the SQLite store: with store_people.c and store_graph.c the only files that
 * include sqlite3.h (store_int.h); here: opening, the schema and its migrations, profiles,
 * and the mapping of SQLite's result codes to errno values.
 *
 * It trusts the directory it is given (the caller made the state dir 0700) and the contents
 * of a database file that passed the owner and mode checks: that file is the user's own.
 * It trusts no value it is asked to write: persona names and card fields are checked
 * before any transaction starts, and values only ever reach SQL as bound parameters.
 *
 * It must never build SQL text from a value, write outside BEGIN IMMEDIATE ... COMMIT,
 * touch a store whose schema is newer than this build knows, print anything, or open and
 * close an existing store file itself: closing any descriptor of a file drops every POSIX
 * lock this process holds on it, SQLite's included (sqlite.org/howtocorrupt.html, 2.2).
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store_int.h"

/* STRICT tables need 3.37, RETURNING 3.35. */
#if SQLITE_VERSION_NUMBER < 3037000
#error "wallflower needs SQLite 3.37 or later"
#endif

/*
 * Schema migrations: migrations[i] takes user_version i to i + 1, in one transaction that
 * also sets user_version. Append only: a step that has been released is never edited, and
 * STORE_SCHEMA_VERSION grows with the array.
 */
static const char *const migrations[] = {
	/*
	 * 1: profiles. A persona is a named set of card fields. Text fields hold one row at
	 * pos 0; list fields one row per item, in pos order (gaps left by removals are fine).
	 * The CHECKs repeat store_persona_valid so that no path can store a name that a
	 * caller could not have asked for.
	 */
	"CREATE TABLE persona ("
	"	id INTEGER PRIMARY KEY,"
	"	name TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 32"
	"		AND name NOT GLOB '*[^A-Za-z0-9._-]*' AND name NOT GLOB '[.-]*'),"
	"	fwd INTEGER CHECK (fwd IN (0, 1))"
	") STRICT;"
	"CREATE TABLE profile_value ("
	"	persona_id INTEGER NOT NULL REFERENCES persona (id) ON DELETE CASCADE,"
	"	field TEXT NOT NULL CHECK (field <> ''),"
	"	pos INTEGER NOT NULL CHECK (pos >= 0),"
	"	value TEXT NOT NULL,"
	"	PRIMARY KEY (persona_id, field, pos),"
	"	UNIQUE (persona_id, field, value)"
	") STRICT;"
	"CREATE TABLE counter ("
	"	name TEXT PRIMARY KEY NOT NULL,"
	"	value INTEGER NOT NULL CHECK (value >= 0)"
	") STRICT;"
	"INSERT INTO counter (name, value) VALUES ('card_rev', 0);",
	/*
	 * 2: the contact graph. A person is a key; every card a person gave is kept (card),
	 * and person.rev names the current one, from which the derived edges (topics, org)
	 * and person.name come. Events, topics and orgs are nodes of their own; the edge
	 * tables are timestamped. Notes and follow-ups hang off people. inbox and outbox
	 * hold the offers the daemon has in flight; blocked holds the keys it ignores.
	 */
	"CREATE TABLE person ("
	"	id INTEGER PRIMARY KEY,"
	"	key BLOB NOT NULL UNIQUE CHECK (length(key) = 32),"
	"	fpr TEXT NOT NULL UNIQUE,"
	"	name TEXT NOT NULL,"
	"	rev INTEGER NOT NULL CHECK (rev >= 0),"
	"	added INTEGER NOT NULL"
	") STRICT;"
	"CREATE TABLE card ("
	"	person_id INTEGER NOT NULL REFERENCES person (id) ON DELETE CASCADE,"
	"	rev INTEGER NOT NULL CHECK (rev >= 0),"
	"	issued INTEGER NOT NULL,"
	"	received INTEGER NOT NULL,"
	"	envelope BLOB NOT NULL,"
	"	PRIMARY KEY (person_id, rev)"
	") STRICT, WITHOUT ROWID;"
	"CREATE TABLE event ("
	"	id INTEGER PRIMARY KEY,"
	"	name TEXT NOT NULL UNIQUE CHECK (name <> '')"
	") STRICT;"
	"CREATE TABLE topic ("
	"	id INTEGER PRIMARY KEY,"
	"	name TEXT NOT NULL UNIQUE CHECK (name <> '')"
	") STRICT;"
	"CREATE TABLE org ("
	"	id INTEGER PRIMARY KEY,"
	"	name TEXT NOT NULL UNIQUE CHECK (name <> '')"
	") STRICT;"
	"CREATE TABLE met_at ("
	"	id INTEGER PRIMARY KEY,"
	"	person_id INTEGER NOT NULL REFERENCES person (id) ON DELETE CASCADE,"
	"	event_id INTEGER REFERENCES event (id),"
	"	at INTEGER NOT NULL"
	") STRICT;"
	"CREATE INDEX met_at_person ON met_at (person_id);"
	"CREATE INDEX met_at_event ON met_at (event_id);"
	"CREATE TABLE introduced_by ("
	"	person_id INTEGER NOT NULL REFERENCES person (id) ON DELETE CASCADE,"
	"	introducer_id INTEGER NOT NULL REFERENCES person (id) ON DELETE CASCADE,"
	"	at INTEGER NOT NULL,"
	"	PRIMARY KEY (person_id, introducer_id),"
	"	CHECK (person_id <> introducer_id)"
	") STRICT;"
	"CREATE TABLE person_topic ("
	"	person_id INTEGER NOT NULL REFERENCES person (id) ON DELETE CASCADE,"
	"	topic_id INTEGER NOT NULL REFERENCES topic (id),"
	"	kind TEXT NOT NULL CHECK (kind IN ('knows', 'offers', 'seeks')),"
	"	at INTEGER NOT NULL,"
	"	PRIMARY KEY (person_id, topic_id, kind)"
	") STRICT;"
	"CREATE INDEX person_topic_topic ON person_topic (topic_id);"
	"CREATE TABLE works_at ("
	"	person_id INTEGER PRIMARY KEY REFERENCES person (id) ON DELETE CASCADE,"
	"	org_id INTEGER NOT NULL REFERENCES org (id),"
	"	at INTEGER NOT NULL"
	") STRICT;"
	"CREATE INDEX works_at_org ON works_at (org_id);"
	"CREATE TABLE note ("
	"	id INTEGER PRIMARY KEY,"
	"	person_id INTEGER NOT NULL REFERENCES person (id) ON DELETE CASCADE,"
	"	text TEXT NOT NULL CHECK (text <> ''),"
	"	at INTEGER NOT NULL"
	") STRICT;"
	"CREATE INDEX note_person ON note (person_id);"
	"CREATE TABLE followup ("
	"	id INTEGER PRIMARY KEY,"
	"	person_id INTEGER NOT NULL REFERENCES person (id) ON DELETE CASCADE,"
	"	text TEXT NOT NULL CHECK (text <> ''),"
	"	due INTEGER NOT NULL,"
	"	created INTEGER NOT NULL,"
	"	done INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1))"
	") STRICT;"
	"CREATE INDEX followup_due ON followup (done, due);"
	"CREATE TABLE inbox ("
	"	id INTEGER PRIMARY KEY,"
	"	key BLOB NOT NULL CHECK (length(key) = 32),"
	"	envelope BLOB NOT NULL,"
	"	offer_id BLOB NOT NULL CHECK (length(offer_id) = 32),"
	"	note TEXT,"
	"	reply INTEGER NOT NULL CHECK (reply IN (0, 1)),"
	"	addr TEXT,"
	"	port INTEGER CHECK (port BETWEEN 1 AND 65535),"
	"	event TEXT,"
	"	received INTEGER NOT NULL,"
	"	expires INTEGER NOT NULL"
	") STRICT;"
	"CREATE TABLE outbox ("
	"	id INTEGER PRIMARY KEY,"
	"	peer_key BLOB CHECK (peer_key IS NULL OR length(peer_key) = 32),"
	"	envelope BLOB NOT NULL,"
	"	offer_id BLOB NOT NULL UNIQUE CHECK (length(offer_id) = 32),"
	"	note TEXT,"
	"	event TEXT,"
	"	state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'answered', "
	"'failed')),"
	"	created INTEGER NOT NULL,"
	"	expires INTEGER NOT NULL"
	") STRICT;"
	"CREATE TABLE blocked ("
	"	key BLOB PRIMARY KEY CHECK (length(key) = 32),"
	"	at INTEGER NOT NULL"
	") STRICT;",
	/*
	 * 3: the outbox, remade (nothing wrote the version-2 table, so no row is lost). An
	 * offer id names a card, not a recipient: the same card offered to two people has
	 * one id, so it is unique only with the key that took the offer. target is the
	 * name the peer advertised, for display and retries; peer_key is set when the offer
	 * is delivered, to the identity the handshake proved, and only a card back signed by
	 * that key answers it. expires is the retry deadline while pending, and the end of
	 * the wait for a card back once delivered.
	 *
	 * The inbox is remade too, with AUTOINCREMENT: an offer's number is what the user
	 * types to accept it, so a number once shown must never name another offer later.
	 */
	"CREATE TABLE inbox_v3 ("
	"	id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"	key BLOB NOT NULL CHECK (length(key) = 32),"
	"	envelope BLOB NOT NULL,"
	"	offer_id BLOB NOT NULL CHECK (length(offer_id) = 32),"
	"	note TEXT,"
	"	reply INTEGER NOT NULL CHECK (reply IN (0, 1)),"
	"	addr TEXT,"
	"	port INTEGER CHECK (port BETWEEN 1 AND 65535),"
	"	event TEXT,"
	"	received INTEGER NOT NULL,"
	"	expires INTEGER NOT NULL"
	") STRICT;"
	"INSERT INTO inbox_v3 SELECT * FROM inbox;"
	"DROP TABLE inbox;"
	"ALTER TABLE inbox_v3 RENAME TO inbox;"
	/* Each offer that arrives asks these (a duplicate? over a limit?): without indexes
	 * each question scanned the whole inbox (bench/exchange.sh). */
	"CREATE UNIQUE INDEX inbox_offer ON inbox (offer_id);"
	"CREATE INDEX inbox_key ON inbox (key, expires);"
	"CREATE INDEX inbox_addr ON inbox (addr, expires);"
	"CREATE INDEX inbox_expires ON inbox (expires);"
	"DROP TABLE outbox;"
	"CREATE TABLE outbox ("
	"	id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"	target TEXT NOT NULL CHECK (target <> ''),"
	"	peer_key BLOB CHECK (peer_key IS NULL OR length(peer_key) = 32),"
	"	envelope BLOB NOT NULL,"
	"	offer_id BLOB NOT NULL CHECK (length(offer_id) = 32),"
	"	note TEXT,"
	"	event TEXT,"
	"	reply INTEGER NOT NULL CHECK (reply IN (0, 1)),"
	"	state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'answered', "
	"'failed')),"
	"	tries INTEGER NOT NULL DEFAULT 0 CHECK (tries >= 0),"
	"	created INTEGER NOT NULL,"
	"	expires INTEGER NOT NULL,"
	"	UNIQUE (offer_id, peer_key),"
	"	CHECK ((peer_key IS NULL) = (state IN ('pending', 'failed')))"
	") STRICT;"
	"CREATE INDEX outbox_state ON outbox (state, expires);",
	/*
	 * 4: the intake ledger (intake.c): one row for every request the daemon answered
	 * `ack`, whatever became of it, so that the answer to the next request can depend on
	 * the sender's own history and never on what the user decided. request is the
	 * request's id (intake_request_id); rows older than the window are pruned as new ones
	 * come. An outbox offer given up on keeps why (the peer's refusal, or the deadline).
	 */
	"CREATE TABLE intake ("
	"	id INTEGER PRIMARY KEY,"
	"	key BLOB NOT NULL CHECK (length(key) = 32),"
	"	addr TEXT NOT NULL,"
	"	request BLOB NOT NULL CHECK (length(request) = 32),"
	"	at INTEGER NOT NULL"
	") STRICT;"
	"CREATE UNIQUE INDEX intake_request ON intake (key, request);"
	"CREATE INDEX intake_key ON intake (key, at);"
	"CREATE INDEX intake_addr ON intake (addr, at);"
	"CREATE INDEX intake_at ON intake (at);"
	"ALTER TABLE outbox ADD COLUMN reason TEXT;"
	/* An offer's name is compared with your contacts' (store_name_elsewhere). */
	"CREATE INDEX person_name ON person (name COLLATE NOCASE);",
	/*
	 * 5: session version 2 (proto/session.md). A delivered offer is known by the presence
	 * key that took it, not by an identity (the responder no longer proves one), so
	 * outbox.peer_key becomes peer_static. An offer in the inbox keeps what its card back
	 * needs: the sender's presence key (the only one the card may go to), our presence
	 * secret that took it (the card goes back with it), and the sender's recognition key,
	 * which becomes the contact's on accept. recognition holds each contact's latest
	 * recognition key (proto/txt.md 6). advert_slot is the slot of our last advert.
	 */
	"ALTER TABLE outbox RENAME COLUMN peer_key TO peer_static;"
	"ALTER TABLE inbox ADD COLUMN recognition BLOB "
	"CHECK (recognition IS NULL OR length(recognition) = 32);"
	"ALTER TABLE inbox ADD COLUMN peer_static BLOB "
	"CHECK (peer_static IS NULL OR length(peer_static) = 32);"
	"ALTER TABLE inbox ADD COLUMN presence_sk BLOB "
	"CHECK (presence_sk IS NULL OR length(presence_sk) = 32);"
	"CREATE TABLE recognition ("
	"	person_id INTEGER PRIMARY KEY REFERENCES person (id) ON DELETE CASCADE,"
	"	key BLOB NOT NULL CHECK (length(key) = 32),"
	"	at INTEGER NOT NULL"
	") STRICT;"
	"INSERT INTO counter (name, value) VALUES ('advert_slot', 255);",
	/*
	 * 6: people data a person can live with (docs/matching.md). topic, event and org get
	 * canon, their canonical form (canon.h): two names with one canonical form are one
	 * node, shown by the first form seen. store_migrate_6 fills it, merges the nodes that
	 * now coincide and makes it unique. person_word holds the search words (canon.h) of
	 * each person's current card, for prefix search by exact index lookups. blocked keeps
	 * the name the person used when blocked, to list blocks by name. Notes and follow-ups
	 * are remade with AUTOINCREMENT (below).
	 */
	"ALTER TABLE topic ADD COLUMN canon TEXT;"
	"ALTER TABLE event ADD COLUMN canon TEXT;"
	"ALTER TABLE org ADD COLUMN canon TEXT;"
	"CREATE TABLE person_word ("
	"	word TEXT NOT NULL CHECK (word <> ''),"
	"	person_id INTEGER NOT NULL REFERENCES person (id) ON DELETE CASCADE,"
	"	PRIMARY KEY (word, person_id)"
	") STRICT, WITHOUT ROWID;"
	"CREATE INDEX person_word_person ON person_word (person_id);"
	"ALTER TABLE blocked ADD COLUMN name TEXT;"
	/* A note's or follow-up's number is what the user types to edit or delete it: with
	 * AUTOINCREMENT a number once shown never names another one after a delete. */
	"CREATE TABLE note_v6 ("
	"	id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"	person_id INTEGER NOT NULL REFERENCES person (id) ON DELETE CASCADE,"
	"	text TEXT NOT NULL CHECK (text <> ''),"
	"	at INTEGER NOT NULL"
	") STRICT;"
	"INSERT INTO note_v6 (id, person_id, text, at) SELECT id, person_id, text, at FROM note;"
	"DROP TABLE note;"
	"ALTER TABLE note_v6 RENAME TO note;"
	"CREATE INDEX note_person ON note (person_id);"
	"CREATE TABLE followup_v6 ("
	"	id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"	person_id INTEGER NOT NULL REFERENCES person (id) ON DELETE CASCADE,"
	"	text TEXT NOT NULL CHECK (text <> ''),"
	"	due INTEGER NOT NULL,"
	"	created INTEGER NOT NULL,"
	"	done INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1))"
	") STRICT;"
	"INSERT INTO followup_v6 (id, person_id, text, due, created, done)"
	"	SELECT id, person_id, text, due, created, done FROM followup;"
	"DROP TABLE followup;"
	"ALTER TABLE followup_v6 RENAME TO followup;"
	"CREATE INDEX followup_due ON followup (done, due);",
	/*
	 * 7: people without wallflower (issue 15). An unverified contact comes from a vCard
	 * (vcard.h): it has no key, no signature and no card row. person.key holds vcard_key
	 * (a hash of the vCard's UID, or of its bytes when it has none), which names it in this
	 * store only and is never used as a key; fpr is that hash's fingerprint form, kept
	 * because listings and scripts name people by it. vcard holds the vCard's bytes as
	 * they came, which its fields are read from and which the vCard export writes back.
	 * vcard IS NULL is a person with a card.
	 */
	("ALTER TABLE person ADD COLUMN vcard BLOB "
	 "CHECK (vcard IS NULL OR length(vcard) BETWEEN 1 AND 262144);"),
	/*
	 * 8: verified in person (proto/session.md 9.7): the identities whose code the user
	 * confirmed, by exact key, and when. Not a column of person: the card may come later.
	 */
	"CREATE TABLE in_person ("
	"	key BLOB PRIMARY KEY CHECK (length(key) = 32),"
	"	at INTEGER NOT NULL"
	") STRICT, WITHOUT ROWID;",
	/*
	 * 9: introductions (proto/introduction.md). The inbox also holds asks and intros: kind
	 * says which, intro holds the object as it came (its id is offer_id), and via is an
	 * intro's introducer, so that forgetting them drops their intros. ask_made holds the
	 * asks we made, by id, to know the replies we asked for.
	 */
	"ALTER TABLE inbox ADD COLUMN kind TEXT NOT NULL DEFAULT 'offer' "
	"CHECK (kind IN ('offer', 'ask', 'intro'));"
	"ALTER TABLE inbox ADD COLUMN intro BLOB CHECK (intro IS NULL OR length(intro) <= 4096);"
	"ALTER TABLE inbox ADD COLUMN via BLOB CHECK (via IS NULL OR length(via) = 32);"
	"CREATE INDEX inbox_via ON inbox (via);"
	"CREATE TABLE ask_made ("
	"	id BLOB PRIMARY KEY CHECK (length(id) = 32),"
	"	hub BLOB NOT NULL CHECK (length(hub) = 32),"
	"	made INTEGER NOT NULL,"
	"	expires INTEGER NOT NULL,"
	"	reply INTEGER NOT NULL CHECK (reply IN (0, 1))"
	") STRICT, WITHOUT ROWID;"
	"CREATE INDEX ask_made_hub ON ask_made (hub);",
};

/*
 * What a migration needs beyond SQL, run after migrations[i] in its transaction: values
 * only C computes (Unicode forms). NULL where SQL is enough.
 */
static int (*const migration_hooks[])(struct store *st) = {
	[5] = store_migrate_6,
};

_Static_assert(sizeof(migrations) / sizeof(migrations[0]) == STORE_SCHEMA_VERSION,
               "one migration per schema version");

/* The one place SQLite's result codes become errno values (store.h lists them). */
int
store_sql_err(int rc)
{
	switch (rc) {
	case SQLITE_OK:
		return 0;
	case SQLITE_CONSTRAINT_UNIQUE:
	case SQLITE_CONSTRAINT_PRIMARYKEY:
		return -EEXIST;
	default:
		break;
	}
	switch (rc & 0xff) {
	case SQLITE_NOMEM:
		return -ENOMEM;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return -EBUSY;
	case SQLITE_CONSTRAINT:
		/* CHECK, NOT NULL, foreign key, type: a value the schema refuses. */
		return -EINVAL;
	default:
		return -EIO;
	}
}

int
store_sql_collect(sqlite3_stmt *s, size_t size, int (*read)(sqlite3_stmt *s, void *item),
                  void (*clear)(void *item), void **out, size_t *n)
{
	unsigned char *list = NULL, *grown;
	size_t len = 0, cap = 0;
	int r = 0, rc;

	*out = NULL;
	*n = 0;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (len == cap) {
			cap = cap ? 2 * cap : 8;
			if ((grown = realloc(list, cap * size)) == NULL) {
				r = -ENOMEM;
				break;
			}
			list = grown;
		}
		memset(list + len * size, 0, size);
		if ((r = read(s, list + len * size)) < 0) {
			clear(list + len * size);
			break;
		}
		len++;
	}
	if (r == 0 && rc != SQLITE_DONE)
		r = store_sql_err(rc);
	if (r < 0) {
		for (size_t i = 0; i < len; i++)
			clear(list + i * size);
		free(list);
		return r;
	}
	*out = list;
	*n = len;
	return 0;
}

/* Runs constant SQL (no values in it, ever). */
int
store_sql_exec(struct store *st, const char *sql)
{
	return store_sql_err(sqlite3_exec(st->db, sql, NULL, NULL, NULL));
}

int
store_sql_prep(struct store *st, const char *sql, sqlite3_stmt **stmt)
{
	struct store_stmt *free_slot = NULL;
	int r;

	*stmt = NULL;
	for (size_t i = 0; i < STORE_STMT_CACHE; i++) {
		struct store_stmt *c = &st->cache[i];

		if (c->sql == sql && !c->busy) {
			c->busy = true;
			*stmt = c->stmt;
			return 0;
		}
		if (c->sql == NULL && free_slot == NULL)
			free_slot = c;
	}
	r = store_sql_err(sqlite3_prepare_v3(
	        st->db, sql, -1, free_slot != NULL ? SQLITE_PREPARE_PERSISTENT : 0, stmt, NULL));
	if (r == 0 && free_slot != NULL)
		*free_slot = (struct store_stmt){ .sql = sql, .stmt = *stmt, .busy = true };
	return r;
}

void
store_sql_release(struct store *st, sqlite3_stmt *stmt)
{
	if (stmt == NULL)
		return;
	for (size_t i = 0; i < STORE_STMT_CACHE; i++) {
		struct store_stmt *c = &st->cache[i];

		if (c->stmt == stmt) {
			/* Reset ends its reads (and a RETURNING), and no binding outlives the
			 * caller's memory. */
			sqlite3_reset(stmt);
			sqlite3_clear_bindings(stmt);
			c->busy = false;
			return;
		}
	}
	sqlite3_finalize(stmt);
}

int
store_sql_bind_text(sqlite3_stmt *stmt, int i, const char *s)
{
	return store_sql_err(sqlite3_bind_text(stmt, i, s, -1, SQLITE_STATIC));
}

int
store_sql_bind_int(sqlite3_stmt *stmt, int i, int64_t v)
{
	return store_sql_err(sqlite3_bind_int64(stmt, i, v));
}

/* Steps a statement that must finish without a row. */
int
store_sql_step_done(sqlite3_stmt *stmt)
{
	int rc = sqlite3_step(stmt);

	if (rc == SQLITE_DONE)
		return 0;
	return rc == SQLITE_ROW ? -EIO : store_sql_err(rc);
}

/* Steps a statement that must return a row. No row at all is -ENOENT. */
int
store_sql_step_row(sqlite3_stmt *stmt)
{
	int rc = sqlite3_step(stmt);

	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? -ENOENT : store_sql_err(rc);
}

/*
 * IMMEDIATE takes the write lock up front. A deferred transaction that reads and then
 * writes can fail in WAL mode with SQLITE_BUSY_SNAPSHOT, which the busy timeout does not
 * retry.
 */
int
store_tx_begin(struct store *st)
{
	int r;

	/* Inside a caller's transaction (store_begin), a call is a savepoint: its own
	 * failure undoes only its own work, and nothing is durable before the outer end. */
	r = store_sql_exec(st, st->depth == 0 ? "BEGIN IMMEDIATE" : "SAVEPOINT nested");
	if (r == 0)
		st->depth++;
	return r;
}

/* Commits when r is 0, rolls back otherwise; returns r or the commit's error. */
int
store_tx_end(struct store *st, int r)
{
	assert(st->depth > 0);
	if (--st->depth > 0) {
		if (r != 0)
			(void)store_sql_exec(st, "ROLLBACK TO nested");
		(void)store_sql_exec(st, "RELEASE nested");
		return r;
	}
	if (r == 0 && (r = store_sql_exec(st, "COMMIT")) == 0)
		return 0;
	/* A failed COMMIT can leave the transaction open: roll that back too. */
	if (!sqlite3_get_autocommit(st->db))
		(void)store_sql_exec(st, "ROLLBACK");
	return r;
}

int
store_begin(struct store *st)
{
	return store_tx_begin(st);
}

int
store_end(struct store *st, int r)
{
	return store_tx_end(st, r);
}

/* A pragma (a constant) that returns one integer. */
static int
pragma_int(struct store *st, const char *sql, int *v)
{
	sqlite3_stmt *s;
	int r;

	*v = 0;
	if ((r = store_sql_prep(st, sql, &s)) < 0)
		goto out;
	if ((r = store_sql_step_row(s)) < 0) {
		r = r == -ENOENT ? -EIO : r;
		goto out;
	}
	*v = sqlite3_column_int(s, 0);
out:
	store_sql_release(st, s);
	return r;
}

/* Like ssh: a store readable or writable by anyone but its owner is refused. */
static int
file_trusted(const struct stat *sb)
{
	if (!S_ISREG(sb->st_mode) || sb->st_uid != geteuid() || (sb->st_mode & 077) != 0)
		return -EPERM;
	return 0;
}

/*
 * Creates the file with mode 0600 before SQLite sees it, so there is no moment with a
 * wider mode. O_EXCL tells a new file from an existing one: only a new one is opened
 * here (nothing else in this process can hold locks on it); an existing one is checked
 * with lstat and never opened, see the top of the file. Without create, an absent file is
 * -ENOENT: SQLite is then opened without SQLITE_OPEN_CREATE too, so a file removed in
 * between is an error, not a new empty store.
 */
static int
file_prepare(const char *path, bool create)
{
	struct stat sb;
	int fd = -1, r = 0;

	if (create)
		fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd >= 0) {
		/* The umask may have taken the owner's bits: the mode is exactly 0600. */
		if (fchmod(fd, 0600) < 0)
			r = -errno;
		close(fd);
		return r;
	}
	if (create && errno != EEXIST)
		return -errno;
	if (lstat(path, &sb) < 0)
		return -errno;
	return file_trusted(&sb);
}

/*
 * SQLite creates the -wal, -shm and -journal files with the database file's mode (unix VFS,
 * findCreateFileMode), so a 0600 store has 0600 side files whatever the umask. A side file
 * left behind with a wider mode or another owner is refused like the store itself.
 * Changing the umask instead would not help: it is process-wide, and SQLite creates the
 * side files later, at the first read or write, not in sqlite3_open_v2.
 */
static int
side_files_check(const char *path)
{
	static const char *const suffixes[] = { "-wal", "-shm", "-journal" };
	char side[PATH_MAX];
	struct stat sb;
	size_t i;
	int r, n;

	for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		n = snprintf(side, sizeof(side), "%s%s", path, suffixes[i]);
		if (n < 0 || (size_t)n >= sizeof(side))
			return -ENAMETOOLONG;
		if (lstat(side, &sb) < 0) {
			if (errno == ENOENT)
				continue;
			return -errno;
		}
		if ((r = file_trusted(&sb)) < 0)
			return r;
	}
	return 0;
}

/* Opens the connection and turns off what a store of our own never needs. */
static int
db_open(struct store *st, const char *path)
{
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_EXRESCODE;
	int r;

	if ((r = store_sql_err(sqlite3_open_v2(path, &st->db, flags, NULL))) < 0)
		return r;
	/* A mode 0400 store opens read-only without an error; say so now, not at a write. */
	if (sqlite3_db_readonly(st->db, "main") != 0)
		return -EACCES;
	sqlite3_extended_result_codes(st->db, 1);
	/* No writable_schema tricks, no SQL functions run from the schema, no "x" strings. */
	sqlite3_db_config(st->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(st->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	sqlite3_db_config(st->db, SQLITE_DBCONFIG_DQS_DML, 0, NULL);
	sqlite3_db_config(st->db, SQLITE_DBCONFIG_DQS_DDL, 0, NULL);
	return store_sql_err(sqlite3_busy_timeout(st->db, STORE_BUSY_TIMEOUT_MS));
}

/* Switches to WAL; the pragma answers with the mode in force, which is not WAL where WAL
 * is impossible (no shared memory, for one). */
static int
wal_enable(struct store *st)
{
	const char *mode;
	sqlite3_stmt *s;
	int r;

	if ((r = store_sql_prep(st, "PRAGMA journal_mode = WAL", &s)) < 0)
		goto out;
	if ((r = store_sql_step_row(s)) < 0) {
		r = r == -ENOENT ? -EIO : r;
		goto out;
	}
	mode = (const char *)sqlite3_column_text(s, 0);
	if (mode == NULL || sqlite3_stricmp(mode, "wal") != 0)
		r = -EIO;
out:
	store_sql_release(st, s);
	return r;
}

/*
 * Per-connection settings. synchronous=FULL syncs the WAL at every commit: NORMAL keeps
 * the file consistent but lets a power cut undo the last commits, and what this store
 * acknowledges must stay done (an accepted card is on disk before the user hears so; a
 * card revision once handed out is never handed out again). secure_delete zeroes what a
 * delete frees, so a forgotten persona or contact does not linger in free pages. Reads go
 * through a memory map and a 32 MiB page cache: listing or exporting every contact reads
 * the whole file, and copying each page in with pread dominated that (bench/run).
 */
static int
db_configure(struct store *st)
{
	int r, fk;

	if ((r = wal_enable(st)) < 0)
		return r;
	r = store_sql_exec(st, "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;"
	                       "PRAGMA secure_delete = ON; PRAGMA mmap_size = 268435456;"
	                       "PRAGMA cache_size = -32768");
	if (r < 0)
		return r;
	/* A build without foreign keys accepts the pragma silently; cascades depend on it. */
	if ((r = pragma_int(st, "PRAGMA foreign_keys", &fk)) == 0 && fk != 1)
		r = -EIO;
	return r;
}

/*
 * Applies one migration if the store needs one. The version is read again inside the
 * transaction, so two processes opening an old store at once migrate it once.
 */
static int
migrate_step(struct store *st, int *version)
{
	char sql[48];
	int r, v;

	if ((r = store_tx_begin(st)) < 0)
		return r;
	if ((r = pragma_int(st, "PRAGMA user_version", &v)) < 0)
		goto out;
	*version = v;
	if (v < 0 || v > STORE_SCHEMA_VERSION) {
		r = -EPROTO;
		goto out;
	}
	if (v == STORE_SCHEMA_VERSION)
		goto out;
	if ((r = store_sql_exec(st, migrations[v])) < 0)
		goto out;
	if ((size_t)v < sizeof(migration_hooks) / sizeof(migration_hooks[0]) &&
	    migration_hooks[v] != NULL && (r = migration_hooks[v](st)) < 0)
		goto out;
	/* PRAGMA takes no parameters; v + 1 is our own small integer, not a value. */
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v + 1);
	if ((r = store_sql_exec(st, sql)) == 0)
		*version = v + 1;
out:
	return store_tx_end(st, r);
}

/* Brings the store from version v (read at open) to STORE_SCHEMA_VERSION. */
static int
migrate(struct store *st, int v, int *found_version)
{
	int r;

	while (v < STORE_SCHEMA_VERSION) {
		if ((r = migrate_step(st, &v)) < 0) {
			if (r == -EPROTO && found_version != NULL)
				*found_version = v;
			return r;
		}
	}
	st->version = v;
	return 0;
}

int
store_open(const char *path, struct store **out, int *found_version)
{
	return store_open_flags(path, STORE_OPEN_CREATE, out, found_version);
}

int
store_open_flags(const char *path, unsigned flags, struct store **out, int *found_version)
{
	struct store *st = NULL;
	int r, v;

	assert(path != NULL && out != NULL);
	*out = NULL;
	if (found_version != NULL)
		*found_version = 0;
	if ((r = file_prepare(path, (flags & STORE_OPEN_CREATE) != 0)) < 0 ||
	    (r = side_files_check(path)) < 0)
		return r == -ELOOP ? -EPERM : r; /* O_NOFOLLOW met a symbolic link */
	if ((st = calloc(1, sizeof(*st))) == NULL)
		return -ENOMEM;
	if ((r = db_open(st, path)) < 0)
		goto out;
	/* Refuse a newer schema before anything below writes to the file. */
	if ((r = pragma_int(st, "PRAGMA user_version", &v)) < 0)
		goto out;
	if (v < 0 || v > STORE_SCHEMA_VERSION) {
		if (found_version != NULL)
			*found_version = v;
		r = -EPROTO;
		goto out;
	}
	/* A reader that must not write (shell completion) leaves an older store as it is. */
	if ((flags & STORE_OPEN_NO_MIGRATE) && v < STORE_SCHEMA_VERSION) {
		r = -ESTALE;
		goto out;
	}
	if ((r = db_configure(st)) < 0 || (r = migrate(st, v, found_version)) < 0)
		goto out;
	*out = st;
	st = NULL;
out:
	store_close(st);
	return r;
}

int
store_check(struct store *st)
{
	sqlite3_stmt *s = NULL;
	int r, rc;
	bool ok;

	if ((r = store_sql_prep(st, "PRAGMA integrity_check", &s)) < 0)
		return r;
	/* One row saying "ok", or rows describing what is wrong. */
	rc = sqlite3_step(s);
	ok = rc == SQLITE_ROW && strcmp((const char *)sqlite3_column_text(s, 0), "ok") == 0 &&
	     sqlite3_step(s) == SQLITE_DONE;
	store_sql_release(st, s);
	if (!ok)
		return -EIO;
	if ((r = store_sql_prep(st, "PRAGMA foreign_key_check", &s)) < 0)
		return r;
	rc = sqlite3_step(s);
	store_sql_release(st, s);
	return rc == SQLITE_DONE ? 0 : -EIO;
}

void
store_close(struct store *st)
{
	if (st == NULL)
		return;
	/* Every statement was released where it was prepared: only the cache's remain. */
	for (size_t i = 0; i < STORE_STMT_CACHE; i++)
		sqlite3_finalize(st->cache[i].stmt);
	sqlite3_close_v2(st->db);
	free(st);
}

int
store_schema_version(struct store *st)
{
	assert(st != NULL);
	return st->version;
}

/* ASCII only, by hand: isalnum() would follow the locale. */
static bool
persona_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '_' || c == '-';
}

int
store_persona_valid(const char *name)
{
	size_t i;

	if (name == NULL || name[0] == '\0' || name[0] == '.' || name[0] == '-')
		return 0;
	for (i = 0; name[i] != '\0'; i++)
		if (i >= STORE_PERSONA_MAX || !persona_char(name[i]))
			return 0;
	return 1;
}

static bool
field_valid(enum card_field f)
{
	return (unsigned)f < CARD_FIELD_COUNT;
}

static const char *
field_name(enum card_field f)
{
	return card_field_info(f)->name;
}

/*
 * The checks set and add share, done before any transaction: the persona name, the kind
 * of field (list or not), and the card rules for the value.
 */
static int
value_check(const char *persona, enum card_field f, bool list, const char *value,
            struct card_error *err)
{
	struct card_error e = { CARD_OK, NULL, 0 };
	int r;

	assert(value != NULL);
	if (err != NULL)
		*err = e;
	if (!store_persona_valid(persona) || !field_valid(f) || card_field_info(f)->list != list)
		return -EINVAL;
	if ((r = card_text_check(f, value, strlen(value), &e)) < 0 && err != NULL)
		*err = e;
	return r < 0 ? -EINVAL : 0;
}

/* The id of persona, or -ENOENT. */
static int
persona_id(struct store *st, const char *persona, int64_t *id)
{
	sqlite3_stmt *s;
	int r;

	*id = 0;
	if ((r = store_sql_prep(st, "SELECT id FROM persona WHERE name = ?1", &s)) < 0)
		goto out;
	if ((r = store_sql_bind_text(s, 1, persona)) < 0 || (r = store_sql_step_row(s)) < 0)
		goto out;
	*id = sqlite3_column_int64(s, 0);
out:
	store_sql_release(st, s);
	return r;
}

/* The id of persona, created when absent. Inside a write transaction. */
static int
persona_ensure(struct store *st, const char *persona, int64_t *id)
{
	sqlite3_stmt *s;
	int r;

	*id = 0;
	r = store_sql_prep(
	        st, "INSERT INTO persona (name) VALUES (?1) ON CONFLICT (name) DO NOTHING", &s);
	if (r < 0)
		goto out;
	if ((r = store_sql_bind_text(s, 1, persona)) < 0 || (r = store_sql_step_done(s)) < 0)
		goto out;
	r = persona_id(st, persona, id);
	/* It exists now: not finding it means the file changed under us. */
	r = r == -ENOENT ? -EIO : r;
out:
	store_sql_release(st, s);
	return r;
}

static int
value_insert(struct store *st, int64_t id, enum card_field f, int64_t pos, const char *value)
{
	static const char sql[] = "INSERT INTO profile_value (persona_id, field, pos, value) "
	                          "VALUES (?1, ?2, ?3, ?4)";
	sqlite3_stmt *s;
	int r;

	if ((r = store_sql_prep(st, sql, &s)) < 0)
		goto out;
	if ((r = store_sql_bind_int(s, 1, id)) < 0 ||
	    (r = store_sql_bind_text(s, 2, field_name(f))) < 0 ||
	    (r = store_sql_bind_int(s, 3, pos)) < 0 || (r = store_sql_bind_text(s, 4, value)) < 0)
		goto out;
	r = store_sql_step_done(s);
out:
	store_sql_release(st, s);
	return r;
}

/* Deletes persona's rows of field f (and only value's, when value is not NULL). */
static int
value_delete(struct store *st, const char *persona, enum card_field f, const char *value)
{
	static const char sql[] =
	        "DELETE FROM profile_value WHERE persona_id = (SELECT id FROM persona WHERE "
	        "name = ?1) AND field = ?2 AND (?3 IS NULL OR value = ?3)";
	sqlite3_stmt *s;
	int r;

	if ((r = store_sql_prep(st, sql, &s)) < 0)
		goto out;
	if ((r = store_sql_bind_text(s, 1, persona)) < 0 ||
	    (r = store_sql_bind_text(s, 2, field_name(f))) < 0 ||
	    (r = store_sql_bind_text(s, 3, value)) < 0 || (r = store_sql_step_done(s)) < 0)
		goto out;
	if (sqlite3_changes(st->db) == 0)
		r = -ENOENT;
out:
	store_sql_release(st, s);
	return r;
}

/*
 * Whether persona, as the transaction has left it, can still be issued as a card: each
 * value passes the card rules on its own, but together they may not fit in one.
 */
static int
persona_fits(struct store *st, const char *persona)
{
	struct card_fields f;
	int r = store_profile_get(st, persona, &f);

	if (r == 0)
		r = card_fields_fit(&f);
	card_fields_clear(&f);
	return r;
}

int
store_profile_set(struct store *st, const char *persona, enum card_field f, const char *value,
                  struct card_error *err)
{
	int64_t id;
	int r;

	assert(st != NULL);
	if ((r = value_check(persona, f, false, value, err)) < 0)
		return r;
	if ((r = store_tx_begin(st)) < 0)
		return r;
	if ((r = persona_ensure(st, persona, &id)) < 0)
		goto out;
	/* Delete, then insert: a text field is one row at pos 0, whatever was there. */
	if ((r = value_delete(st, persona, f, NULL)) < 0 && r != -ENOENT)
		goto out;
	if ((r = value_insert(st, id, f, 0, value)) == 0)
		r = persona_fits(st, persona);
out:
	return store_tx_end(st, r);
}

int
store_profile_set_fwd(struct store *st, const char *persona, int fwd)
{
	sqlite3_stmt *s = NULL;
	int64_t id;
	int r;

	assert(st != NULL);
	if (!store_persona_valid(persona) || fwd < -1 || fwd > 1)
		return -EINVAL;
	if ((r = store_tx_begin(st)) < 0)
		return r;
	/* Unsetting, like unset of any field, neither creates a persona nor passes silently
	 * when there was nothing to unset. */
	if (fwd < 0)
		r = persona_id(st, persona, &id);
	else
		r = persona_ensure(st, persona, &id);
	if (r < 0)
		goto out;
	if ((r = store_sql_prep(
	             st,
	             fwd < 0 ? "UPDATE persona SET fwd = NULL WHERE id = ?1 AND fwd IS NOT NULL"
	                     : "UPDATE persona SET fwd = ?2 WHERE id = ?1",
	             &s)) < 0)
		goto out;
	if ((r = store_sql_bind_int(s, 1, id)) < 0)
		goto out;
	if (fwd >= 0 && (r = store_sql_bind_int(s, 2, fwd)) < 0)
		goto out;
	if ((r = store_sql_step_done(s)) == 0 && fwd < 0 && sqlite3_changes(st->db) == 0)
		r = -ENOENT;
	if (r == 0 && fwd >= 0)
		r = persona_fits(st, persona);
out:
	store_sql_release(st, s);
	return store_tx_end(st, r);
}

int
store_profile_unset(struct store *st, const char *persona, enum card_field f)
{
	int r;

	assert(st != NULL);
	if (!store_persona_valid(persona) || !field_valid(f))
		return -EINVAL;
	if ((r = store_tx_begin(st)) < 0)
		return r;
	r = value_delete(st, persona, f, NULL);
	return store_tx_end(st, r);
}

/* How many items list f holds, the next free pos, and whether value is one of them. */
static int
list_state(struct store *st, int64_t id, enum card_field f, const char *value, int64_t *n,
           int64_t *next, bool *dup)
{
	static const char sql[] = "SELECT count(*), coalesce(max(pos) + 1, 0), "
	                          "coalesce(sum(value = ?3), 0) FROM profile_value "
	                          "WHERE persona_id = ?1 AND field = ?2";
	sqlite3_stmt *s;
	int r;

	if ((r = store_sql_prep(st, sql, &s)) < 0)
		goto out;
	if ((r = store_sql_bind_int(s, 1, id)) < 0 ||
	    (r = store_sql_bind_text(s, 2, field_name(f))) < 0 ||
	    (r = store_sql_bind_text(s, 3, value)) < 0)
		goto out;
	if ((r = store_sql_step_row(s)) < 0) {
		r = r == -ENOENT ? -EIO : r;
		goto out;
	}
	*n = sqlite3_column_int64(s, 0);
	*next = sqlite3_column_int64(s, 1);
	*dup = sqlite3_column_int64(s, 2) > 0;
out:
	store_sql_release(st, s);
	return r;
}

int
store_profile_add(struct store *st, const char *persona, enum card_field f, const char *value,
                  struct card_error *err)
{
	int64_t id, n = 0, next = 0;
	bool dup = false;
	int r;

	assert(st != NULL);
	if ((r = value_check(persona, f, true, value, err)) < 0)
		return r;
	if ((r = store_tx_begin(st)) < 0)
		return r;
	if ((r = persona_ensure(st, persona, &id)) < 0)
		goto out;
	if ((r = list_state(st, id, f, value, &n, &next, &dup)) < 0)
		goto out;
	/* A duplicate is reported first, even on a full list: the value is already there. */
	if (dup)
		r = -EEXIST;
	else if (n >= card_field_info(f)->max_items)
		r = -E2BIG;
	else if ((r = value_insert(st, id, f, next, value)) == 0)
		r = persona_fits(st, persona);
out:
	return store_tx_end(st, r);
}

int
store_profile_remove(struct store *st, const char *persona, enum card_field f, const char *value)
{
	int r;

	assert(st != NULL && value != NULL);
	if (!store_persona_valid(persona) || !field_valid(f) || !card_field_info(f)->list)
		return -EINVAL;
	if ((r = store_tx_begin(st)) < 0)
		return r;
	r = value_delete(st, persona, f, value);
	return store_tx_end(st, r);
}

/* A copy of text column i, which is never NULL in this schema. */
int
store_sql_column_dup(sqlite3_stmt *s, int i, char **out)
{
	const unsigned char *t = sqlite3_column_text(s, i);
	size_t n = (size_t)sqlite3_column_bytes(s, i);

	*out = NULL;
	if (t == NULL)
		return -ENOMEM;
	if ((*out = malloc(n + 1)) == NULL)
		return -ENOMEM;
	memcpy(*out, t, n);
	(*out)[n] = '\0';
	return 0;
}

/* Adds one (field, value) row to fields. Rows of fields this build does not know are skipped. */
static int
row_take(struct card_fields *fields, sqlite3_stmt *s)
{
	const char *name = (const char *)sqlite3_column_text(s, 1);
	struct card_list *l;
	enum card_field f;
	char **items;
	char *v;
	int r;

	/* The persona has no values at all (the LEFT JOIN's one row), or an unknown field. */
	if (name == NULL || card_field_lookup(name, &f) < 0)
		return 0;
	if (f < CARD_TEXT_COUNT) {
		/* (persona, field, pos) is the primary key and a text field uses pos 0 only, so
		 * there is one row at most; were there two, the later would win. */
		if ((r = store_sql_column_dup(s, 2, &v)) < 0)
			return r;
		free(fields->text[f]);
		/* memcpy, not "=": clang's analyzer loses stores at an index it cannot pin down
		 * and would report v as leaked. */
		memcpy(&fields->text[f], &v, sizeof(v));
		return 0;
	}
	l = card_fields_list(fields, f);
	if ((items = realloc(l->items, (l->n + 1) * sizeof(*items))) == NULL)
		return -ENOMEM;
	l->items = items;
	if ((r = store_sql_column_dup(s, 2, &v)) < 0)
		return r;
	l->items[l->n++] = v;
	return 0;
}

int
store_profile_get(struct store *st, const char *persona, struct card_fields *out)
{
	/* One statement is one snapshot: the persona and its values agree. */
	static const char sql[] = "SELECT p.fwd, v.field, v.value FROM persona AS p "
	                          "LEFT JOIN profile_value AS v ON v.persona_id = p.id "
	                          "WHERE p.name = ?1 ORDER BY v.field, v.pos";
	sqlite3_stmt *s = NULL;
	bool found = false;
	int r, rc;

	assert(st != NULL && out != NULL);
	card_fields_init(out);
	if (!store_persona_valid(persona))
		return -EINVAL;
	if ((r = store_sql_prep(st, sql, &s)) < 0 || (r = store_sql_bind_text(s, 1, persona)) < 0)
		goto out;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (!found) {
			found = true;
			out->fwd = sqlite3_column_type(s, 0) == SQLITE_NULL
			                   ? -1
			                   : sqlite3_column_int(s, 0) != 0;
		}
		if ((r = row_take(out, s)) < 0)
			goto out;
	}
	if (rc != SQLITE_DONE)
		r = store_sql_err(rc);
	else if (!found)
		r = -ENOENT;
out:
	store_sql_release(st, s);
	if (r < 0)
		card_fields_clear(out);
	return r;
}

void
store_names_free(char **names, size_t n)
{
	size_t i;

	if (names == NULL)
		return;
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

int
store_persona_list(struct store *st, char ***names, size_t *n)
{
	sqlite3_stmt *s = NULL;
	char **v = NULL, **grown;
	size_t len = 0, cap = 0;
	int r, rc;

	assert(st != NULL && names != NULL && n != NULL);
	*names = NULL;
	*n = 0;
	if ((r = store_sql_prep(st, "SELECT name FROM persona ORDER BY name", &s)) < 0)
		goto out;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (len == cap) {
			cap = cap == 0 ? 8 : cap * 2;
			if ((grown = realloc(v, cap * sizeof(*v))) == NULL) {
				r = -ENOMEM;
				goto out;
			}
			v = grown;
		}
		if ((r = store_sql_column_dup(s, 0, &v[len])) < 0)
			goto out;
		len++;
	}
	if ((r = store_sql_err(rc == SQLITE_DONE ? SQLITE_OK : rc)) < 0)
		goto out;
	*names = v;
	*n = len;
	v = NULL;
out:
	store_sql_release(st, s);
	store_names_free(v, len);
	return r;
}

int
store_persona_delete(struct store *st, const char *persona)
{
	sqlite3_stmt *s = NULL;
	int r;

	assert(st != NULL);
	if (!store_persona_valid(persona))
		return -EINVAL;
	if ((r = store_tx_begin(st)) < 0)
		return r;
	/* profile_value rows go with it: ON DELETE CASCADE, foreign_keys is on. */
	if ((r = store_sql_prep(st, "DELETE FROM persona WHERE name = ?1", &s)) < 0)
		goto out;
	if ((r = store_sql_bind_text(s, 1, persona)) < 0 || (r = store_sql_step_done(s)) < 0)
		goto out;
	if (sqlite3_changes(st->db) == 0)
		r = -ENOENT;
out:
	store_sql_release(st, s);
	return store_tx_end(st, r);
}

int
store_card_rev_next(struct store *st, uint64_t min_rev, uint64_t *rev)
{
	static const char sql[] = "UPDATE counter SET value = max(value + 1, ?1) "
	                          "WHERE name = 'card_rev' RETURNING value";
	sqlite3_stmt *s = NULL;
	int64_t v = 0;
	int r;

	assert(st != NULL && rev != NULL && min_rev <= INT64_MAX);
	*rev = 0;
	if ((r = store_tx_begin(st)) < 0)
		return r;
	if ((r = store_sql_prep(st, sql, &s)) < 0)
		goto out;
	if ((r = store_sql_bind_int(s, 1, (int64_t)min_rev)) < 0)
		goto out;
	if ((r = store_sql_step_row(s)) < 0) {
		/* Migration 1 made the row: without it the file is not ours. */
		r = r == -ENOENT ? -EIO : r;
		goto out;
	}
	v = sqlite3_column_int64(s, 0);
	r = store_sql_step_done(s);
out:
	store_sql_release(st, s);
	if ((r = store_tx_end(st, r)) == 0)
		*rev = (uint64_t)v;
	return r;
}
