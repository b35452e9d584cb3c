/*
 * Unit tests for store: file modes, migrations, profiles, personas and the card revision.
 * Each test gets a fresh directory and, through setup(), an open store in it. What a test
 * cannot make through store.h (an older store, another user_version) it makes with sqlite3
 * directly, or by patching the database header by hand.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h> /* to build older stores by hand, and to look at what they hold */

#include "testutil.h"
#include "wallflower/card.h"
#include "wallflower/store.h"

#include "../../src/lib/store_int.h" /* the statement cache is the adapter's own */

static unsigned
file_mode(const char *path)
{
	struct stat sb;

	assert_int_equal(lstat(path, &sb), 0);
	return sb.st_mode & 07777;
}

static int
file_exists(const char *path)
{
	struct stat sb;

	return lstat(path, &sb) == 0;
}

/* The user_version field of the SQLite header: 4 bytes, big-endian, at offset 60. */
static uint32_t
header_user_version(const char *path)
{
	size_t len;
	uint8_t *b = tu_read(path, &len);
	uint32_t v;

	assert_true(len >= 100);
	v = (uint32_t)b[60] << 24 | (uint32_t)b[61] << 16 | (uint32_t)b[62] << 8 | b[63];
	free(b);
	return v;
}

static void
assert_list(const struct card_fields *cf, enum card_field f, const char *const *want, size_t n)
{
	const struct card_list *l = card_fields_list_const(cf, f);

	assert_int_equal(l->n, n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(l->items[i], want[i]);
}

static void
test_store_open_creates_0600(void **state)
{
	char *dir = tu_tmpdir(), *path = tu_path(dir, STORE_FILE);
	struct store *st = NULL;
	mode_t old;
	int v = -1;

	/* A umask that takes the owner's write bit must not leave an unusable store. */
	old = umask(0277);
	assert_int_equal(store_open(path, &st, &v), 0);
	umask(old);
	assert_non_null(st);
	assert_int_equal(v, 0);
	assert_int_equal(file_mode(path), 0600);
	store_close(st);
	tu_rmtree(dir);
	free(path);
	free(dir);
	(void)state;
}

/* Without STORE_OPEN_CREATE an absent store is an error that creates nothing, and an
 * existing one opens as with store_open. */
static void
test_store_open_flags_no_create(void **state)
{
	char *dir = tu_tmpdir(), *path = tu_path(dir, STORE_FILE);
	struct store *st = NULL;
	struct stat sb;

	assert_int_equal(store_open_flags(path, 0, &st, NULL), -ENOENT);
	assert_null(st);
	assert_int_equal(lstat(path, &sb), -1);
	assert_int_equal(store_open_flags(path, STORE_OPEN_CREATE, &st, NULL), 0);
	store_close(st);
	st = NULL;
	assert_int_equal(store_open_flags(path, 0, &st, NULL), 0);
	assert_non_null(st);
	store_close(st);
	/* The checks of an existing file still apply. */
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(store_open_flags(path, 0, &st, NULL), -EPERM);
	tu_rmtree(dir);
	free(path);
	free(dir);
	(void)state;
}

/* A reader that must not write leaves an older store as it was: no migration. */
static void
test_store_open_flags_no_migrate(void **state)
{
	char *dir = tu_tmpdir(), *path = tu_path(dir, STORE_FILE);
	struct store *st = NULL;
	sqlite3_stmt *s;
	sqlite3 *db;

	assert_int_equal(store_open_flags(path, STORE_OPEN_CREATE, &st, NULL), 0);
	store_close(st);
	st = NULL;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 5", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	assert_int_equal(store_open_flags(path, STORE_OPEN_NO_MIGRATE, &st, NULL), -ESTALE);
	assert_null(st);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(s, 0), 5);
	sqlite3_finalize(s);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	tu_rmtree(dir);
	free(path);
	free(dir);
	(void)state;
}

static void
test_store_open_side_files_0600(void **state)
{
	struct tu_store *fx = *state;
	char *wal = tu_path(fx->dir, STORE_FILE "-wal");
	char *shm = tu_path(fx->dir, STORE_FILE "-shm");
	mode_t old;

	/* SQLite makes the side files with the store's mode, whatever the umask says. */
	old = umask(0);
	assert_int_equal(store_profile_set(fx->st, "default", CARD_NAME, "Ada", NULL), 0);
	umask(old);
	assert_int_equal(file_mode(wal), 0600);
	assert_int_equal(file_mode(shm), 0600);
	free(wal);
	free(shm);
}

static void
test_store_open_refuses_wide_mode(void **state)
{
	static const unsigned modes[] = { 0644, 0640, 0604, 0660, 0602 };
	char *dir = tu_tmpdir(), *path = tu_path(dir, STORE_FILE);
	struct store *st = NULL;

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		tu_write(path, "", 0, modes[i]);
		assert_int_equal(store_open(path, &st, NULL), -EPERM);
		assert_null(st);
		/* Refused, not repaired: the mode is the user's to fix. */
		assert_int_equal(file_mode(path), modes[i]);
	}
	tu_rmtree(dir);
	free(path);
	free(dir);
	(void)state;
}

static void
test_store_open_refuses_symlink(void **state)
{
	struct tu_store *fx = *state;
	char *link = tu_path(fx->dir, "link.db");
	struct store *st = NULL;

	assert_int_equal(symlink(fx->path, link), 0);
	assert_int_equal(store_open(link, &st, NULL), -EPERM);
	assert_null(st);
	free(link);
}

static void
test_store_open_refuses_wide_wal(void **state)
{
	struct tu_store *fx = *state;
	char *wal = tu_path(fx->dir, STORE_FILE "-wal");
	struct store *st = NULL;

	store_close(fx->st);
	fx->st = NULL;
	assert_false(file_exists(wal));
	tu_write(wal, "", 0, 0644);
	assert_int_equal(store_open(fx->path, &st, NULL), -EPERM);
	assert_null(st);
	free(wal);
}

static void
test_store_open_refuses_other_owner(void **state)
{
	struct tu_store *fx = *state;
	struct store *st = NULL;

	/* Only root can give a file away. */
	if (geteuid() != 0)
		skip();
	store_close(fx->st);
	fx->st = NULL;
	assert_int_equal(chown(fx->path, 65534, 65534), 0);
	assert_int_equal(store_open(fx->path, &st, NULL), -EPERM);
	assert_null(st);
}

static void
test_store_open_read_only(void **state)
{
	struct tu_store *fx = *state;
	struct store *st = NULL;

	/* Root writes a 0400 file all the same. */
	if (geteuid() == 0)
		skip();
	store_close(fx->st);
	fx->st = NULL;
	assert_int_equal(chmod(fx->path, 0400), 0);
	assert_int_equal(store_open(fx->path, &st, NULL), -EACCES);
	assert_null(st);
}

static void
test_store_open_not_a_database(void **state)
{
	static const char junk[] = "this is not an SQLite database, not even close; padding...";
	char *dir = tu_tmpdir(), *path = tu_path(dir, STORE_FILE);
	struct store *st = NULL;
	uint8_t *after;
	size_t len;

	tu_write(path, junk, sizeof(junk), 0600);
	assert_int_equal(store_open(path, &st, NULL), -EIO);
	assert_null(st);
	after = tu_read(path, &len);
	assert_int_equal(len, sizeof(junk));
	assert_memory_equal(after, junk, len);
	free(after);
	tu_rmtree(dir);
	free(path);
	free(dir);
	(void)state;
}

static void
test_store_open_twice(void **state)
{
	struct tu_store *fx = *state;
	struct store *other = NULL;
	struct card_fields cf;
	uint64_t a, b, c;

	/* Two connections in one process, as a test or a future daemon thread might hold. */
	assert_int_equal(store_profile_set(fx->st, "default", CARD_NAME, "Ada", NULL), 0);
	assert_int_equal(store_open(fx->path, &other, NULL), 0);
	assert_int_equal(store_profile_get(other, "default", &cf), 0);
	assert_string_equal(cf.text[CARD_NAME], "Ada");
	card_fields_clear(&cf);
	assert_int_equal(store_profile_add(other, "default", CARD_TOPICS, "engines", NULL), 0);
	assert_int_equal(store_card_rev_next(fx->st, 0, &a), 0);
	assert_int_equal(store_card_rev_next(other, 0, &b), 0);
	store_close(other);
	assert_int_equal(store_card_rev_next(fx->st, 0, &c), 0);
	assert_true(a < b && b < c);
	assert_int_equal(store_profile_get(fx->st, "default", &cf), 0);
	assert_int_equal(card_fields_list(&cf, CARD_TOPICS)->n, 1);
	card_fields_clear(&cf);
}

static void
test_store_open_migrates(void **state)
{
	struct tu_store *fx = *state;
	struct card_fields cf;

	assert_int_equal(store_schema_version(fx->st), STORE_SCHEMA_VERSION);
	assert_int_equal(store_profile_set(fx->st, "default", CARD_NAME, "Ada", NULL), 0);
	store_close(fx->st);
	fx->st = NULL;
	/* A clean close checkpoints the WAL into the file and removes it. */
	assert_int_equal(header_user_version(fx->path), STORE_SCHEMA_VERSION);

	/* Reopening migrates nothing and loses nothing. */
	tu_store_reopen(fx);
	assert_int_equal(store_schema_version(fx->st), STORE_SCHEMA_VERSION);
	assert_int_equal(store_profile_get(fx->st, "default", &cf), 0);
	assert_string_equal(cf.text[CARD_NAME], "Ada");
	card_fields_clear(&cf);
	tu_store_reopen(fx);
	assert_int_equal(store_schema_version(fx->st), STORE_SCHEMA_VERSION);
}

/* A store as schema version 1 left it (profiles only) migrates to the current version, and
 * keeps the profile. The version-1 schema is written out here as it was released. */
static void
test_store_open_migrates_from_v1(void **state)
{
	static const char v1[] =
	        "CREATE TABLE persona (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
	        " fwd INTEGER CHECK (fwd IN (0, 1))) STRICT;"
	        "CREATE TABLE profile_value (persona_id INTEGER NOT NULL REFERENCES persona (id)"
	        " ON DELETE CASCADE, field TEXT NOT NULL CHECK (field <> ''), pos INTEGER NOT NULL"
	        " CHECK (pos >= 0), value TEXT NOT NULL, PRIMARY KEY (persona_id, field, pos),"
	        " UNIQUE (persona_id, field, value)) STRICT;"
	        "CREATE TABLE counter (name TEXT PRIMARY KEY NOT NULL, value INTEGER NOT NULL"
	        " CHECK (value >= 0)) STRICT;"
	        "INSERT INTO counter (name, value) VALUES ('card_rev', 41);"
	        "INSERT INTO persona (id, name) VALUES (1, 'default');"
	        "INSERT INTO profile_value VALUES (1, 'name', 0, 'Ada');"
	        "PRAGMA user_version = 1;";
	struct tu_store *fx = *state;
	struct card_fields cf;
	struct contact *list;
	uint64_t rev;
	sqlite3 *db;
	size_t n;

	store_close(fx->st);
	fx->st = NULL;
	assert_int_equal(unlink(fx->path), 0);
	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, v1, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(chmod(fx->path, 0600), 0);
	assert_int_equal(store_open(fx->path, &fx->st, NULL), 0);
	assert_int_equal(store_schema_version(fx->st), STORE_SCHEMA_VERSION);
	assert_int_equal(store_profile_get(fx->st, "default", &cf), 0);
	assert_string_equal(cf.text[CARD_NAME], "Ada");
	card_fields_clear(&cf);
	assert_int_equal(store_card_rev_next(fx->st, 0, &rev), 0);
	assert_true(rev == 42);
	/* The new tables are there and empty. */
	assert_int_equal(store_contacts(fx->st, NULL, &list, &n), 0);
	assert_int_equal(n, 0);
	free(list);
	assert_int_equal(store_check(fx->st), 0);
}

static void
test_store_open_newer_schema(void **state)
{
	struct tu_store *fx = *state;
	char *wal = tu_path(fx->dir, STORE_FILE "-wal");
	struct store *st = (struct store *)fx; /* anything but NULL */
	uint8_t *before, *after;
	size_t blen, alen;
	int v = 0;

	store_close(fx->st);
	fx->st = NULL;
	/* Closed cleanly: no WAL can hold a page newer than the file. */
	assert_false(file_exists(wal));
	before = tu_read(fx->path, &blen);
	assert_true(blen >= 100);
	before[60] = 0;
	before[61] = 0;
	before[62] = 0;
	before[63] = 99;
	tu_write(fx->path, before, blen, 0600);

	assert_int_equal(store_open(fx->path, &st, &v), -EPROTO);
	assert_null(st);
	assert_int_equal(v, 99);
	after = tu_read(fx->path, &alen);
	assert_int_equal(alen, blen);
	assert_memory_equal(after, before, blen);
	assert_false(file_exists(wal));
	free(after);
	free(before);
	free(wal);
}

/* A value each text field accepts; note is the one field where a line feed is allowed. */
static const char *
sample_text(enum card_field f)
{
	static const char *const v[CARD_TEXT_COUNT] = {
		[CARD_NAME] = "Ada Lovelace", [CARD_PRONOUNS] = "she/her",
		[CARD_TITLE] = "Analyst",     [CARD_ORG] = "Analytical Engines Ltd",
		[CARD_LOCATION] = "London",   [CARD_NOTE] = "Ask me about\nnotes on the engine",
	};

	return v[f];
}

static void
test_store_profile_set_round_trip(void **state)
{
	struct tu_store *fx = *state;
	struct card_fields cf;
	int f;

	for (f = 0; f < CARD_TEXT_COUNT; f++)
		assert_int_equal(store_profile_set(fx->st, "default", f, sample_text(f), NULL), 0);
	assert_int_equal(store_profile_get(fx->st, "default", &cf), 0);
	for (f = 0; f < CARD_TEXT_COUNT; f++)
		assert_string_equal(cf.text[f], sample_text(f));
	for (f = CARD_EMAIL; f < CARD_FIELD_COUNT; f++)
		assert_int_equal(card_fields_list(&cf, f)->n, 0);
	assert_int_equal(cf.fwd, -1);
	card_fields_clear(&cf);
}

static void
test_store_profile_set_overwrites(void **state)
{
	struct tu_store *fx = *state;
	struct card_fields cf;

	assert_int_equal(store_profile_set(fx->st, "default", CARD_ORG, "Old", NULL), 0);
	assert_int_equal(store_profile_set(fx->st, "default", CARD_ORG, "New", NULL), 0);
	assert_int_equal(store_profile_set(fx->st, "default", CARD_ORG, "New", NULL), 0);
	assert_int_equal(store_profile_get(fx->st, "default", &cf), 0);
	assert_string_equal(cf.text[CARD_ORG], "New");
	card_fields_clear(&cf);
}

static void
test_store_profile_set_list_field(void **state)
{
	struct tu_store *fx = *state;
	struct card_fields cf;

	assert_int_equal(store_profile_set(fx->st, "default", CARD_EMAIL, "a@b.c", NULL), -EINVAL);
	assert_int_equal(store_profile_get(fx->st, "default", &cf), -ENOENT);
}

/* f gets a bad value; the persona must keep what it had. */
static void
check_rejected(struct store *st, enum card_field f, const char *value, enum card_fault fault)
{
	struct card_error err = { CARD_OK, NULL, 0 };
	struct card_fields cf;
	int r;

	if (card_field_info(f)->list)
		r = store_profile_add(st, "default", f, value, &err);
	else
		r = store_profile_set(st, "default", f, value, &err);
	assert_int_equal(r, -EINVAL);
	assert_int_equal(err.fault, fault);
	assert_non_null(err.field);
	assert_string_equal(err.field, card_field_info(f)->name);

	assert_int_equal(store_profile_get(st, "default", &cf), 0);
	assert_string_equal(cf.text[CARD_TITLE], "Kept");
	assert_int_equal(card_fields_list(&cf, CARD_TOPICS)->n, 1);
	assert_string_equal(card_fields_list(&cf, CARD_TOPICS)->items[0], "kept");
	card_fields_clear(&cf);
}

static void
test_store_profile_set_invalid(void **state)
{
	struct tu_store *fx = *state;
	size_t max = card_field_info(CARD_TITLE)->max_bytes;
	size_t lmax = card_field_info(CARD_TOPICS)->max_bytes;
	char *long_title = malloc(max + 2), *long_topic = malloc(lmax + 2);

	assert_non_null(long_title);
	assert_non_null(long_topic);
	memset(long_title, 'a', max + 1);
	long_title[max + 1] = '\0';
	memset(long_topic, 'a', lmax + 1);
	long_topic[lmax + 1] = '\0';
	assert_int_equal(store_profile_set(fx->st, "default", CARD_TITLE, "Kept", NULL), 0);
	assert_int_equal(store_profile_add(fx->st, "default", CARD_TOPICS, "kept", NULL), 0);

	check_rejected(fx->st, CARD_TITLE, "a\x01z", CARD_CONTROL_CHAR);
	check_rejected(fx->st, CARD_TITLE, "line\nfeed", CARD_CONTROL_CHAR);
	check_rejected(fx->st, CARD_TITLE, "\xc3\x28", CARD_BAD_UTF8);
	check_rejected(fx->st, CARD_TITLE, "\xed\xa0\x80", CARD_BAD_UTF8); /* a surrogate */
	check_rejected(fx->st, CARD_TITLE, long_title, CARD_TOO_LONG);
	check_rejected(fx->st, CARD_TITLE, "", CARD_EMPTY);
	check_rejected(fx->st, CARD_TOPICS, "a\x7f", CARD_CONTROL_CHAR);
	check_rejected(fx->st, CARD_TOPICS, "\xff", CARD_BAD_UTF8);
	check_rejected(fx->st, CARD_TOPICS, long_topic, CARD_TOO_LONG);

	/* Exactly max_bytes is fine. */
	long_title[max] = '\0';
	assert_int_equal(store_profile_set(fx->st, "default", CARD_TITLE, long_title, NULL), 0);
	free(long_title);
	free(long_topic);
}

static void
test_store_profile_set_invalid_new_persona(void **state)
{
	struct tu_store *fx = *state;
	struct card_error err = { CARD_OK, NULL, 0 };
	struct card_fields cf;
	char **names;
	size_t n;

	/* A rejected value does not create the persona it was meant for. */
	assert_int_equal(store_profile_set(fx->st, "work", CARD_ORG, "\x1b[31m", &err), -EINVAL);
	assert_int_equal(err.fault, CARD_CONTROL_CHAR);
	assert_int_equal(store_profile_get(fx->st, "work", &cf), -ENOENT);
	assert_int_equal(store_persona_list(fx->st, &names, &n), 0);
	assert_int_equal(n, 0);
	assert_null(names);
}

static void
test_store_profile_add_keeps_order(void **state)
{
	static const char *const want[] = { "cats", "apples", "bridges" };
	struct tu_store *fx = *state;
	struct card_fields cf;

	for (size_t i = 0; i < 3; i++)
		assert_int_equal(store_profile_add(fx->st, "default", CARD_TOPICS, want[i], NULL),
		                 0);
	assert_int_equal(store_profile_get(fx->st, "default", &cf), 0);
	assert_list(&cf, CARD_TOPICS, want, 3);
	assert_list(&cf, CARD_OFFERS, NULL, 0);
	card_fields_clear(&cf);

	/* And across a reopen. */
	tu_store_reopen(fx);
	assert_int_equal(store_profile_get(fx->st, "default", &cf), 0);
	assert_list(&cf, CARD_TOPICS, want, 3);
	card_fields_clear(&cf);
}

static void
test_store_profile_add_duplicate(void **state)
{
	static const char *const want[] = { "intranets", "Intranets" };
	struct tu_store *fx = *state;
	struct card_fields cf;

	assert_int_equal(store_profile_add(fx->st, "default", CARD_TOPICS, "intranets", NULL), 0);
	assert_int_equal(store_profile_add(fx->st, "default", CARD_TOPICS, "intranets", NULL),
	                 -EEXIST);
	/* Distinct means byte-distinct, as for the card rule. */
	assert_int_equal(store_profile_add(fx->st, "default", CARD_TOPICS, "Intranets", NULL), 0);
	/* The same value in another list is no duplicate. */
	assert_int_equal(store_profile_add(fx->st, "default", CARD_OFFERS, "intranets", NULL), 0);
	assert_int_equal(store_profile_get(fx->st, "default", &cf), 0);
	assert_list(&cf, CARD_TOPICS, want, 2);
	assert_list(&cf, CARD_OFFERS, want, 1);
	card_fields_clear(&cf);
}

static void
test_store_profile_add_max_items(void **state)
{
	struct tu_store *fx = *state;
	unsigned max = card_field_info(CARD_TOPICS)->max_items;
	struct card_fields cf;
	char v[32];

	assert_true(max > 0);
	for (unsigned i = 0; i < max; i++) {
		snprintf(v, sizeof(v), "topic %u", i);
		assert_int_equal(store_profile_add(fx->st, "default", CARD_TOPICS, v, NULL), 0);
	}
	assert_int_equal(store_profile_add(fx->st, "default", CARD_TOPICS, "one more", NULL),
	                 -E2BIG);
	/* A duplicate on a full list is reported as the duplicate it is. */
	assert_int_equal(store_profile_add(fx->st, "default", CARD_TOPICS, "topic 0", NULL),
	                 -EEXIST);
	assert_int_equal(store_profile_get(fx->st, "default", &cf), 0);
	assert_int_equal(card_fields_list(&cf, CARD_TOPICS)->n, max);
	assert_string_equal(card_fields_list(&cf, CARD_TOPICS)->items[max - 1], v);
	card_fields_clear(&cf);

	/* Removing one makes room again. */
	assert_int_equal(store_profile_remove(fx->st, "default", CARD_TOPICS, "topic 3"), 0);
	assert_int_equal(store_profile_add(fx->st, "default", CARD_TOPICS, "one more", NULL), 0);
}

static void
test_store_profile_add_text_field(void **state)
{
	struct tu_store *fx = *state;

	assert_int_equal(store_profile_add(fx->st, "default", CARD_ORG, "Acme", NULL), -EINVAL);
	assert_int_equal(store_profile_remove(fx->st, "default", CARD_ORG, "Acme"), -EINVAL);
}

static void
test_store_profile_remove(void **state)
{
	static const char *const abc[] = { "a@example.org", "b@example.org", "c@example.org" };
	static const char *const acd[] = { "a@example.org", "c@example.org", "d@example.org" };
	struct tu_store *fx = *state;
	struct card_fields cf;

	for (size_t i = 0; i < 3; i++)
		assert_int_equal(store_profile_add(fx->st, "default", CARD_EMAIL, abc[i], NULL), 0);
	assert_int_equal(store_profile_remove(fx->st, "default", CARD_EMAIL, abc[1]), 0);
	assert_int_equal(store_profile_remove(fx->st, "default", CARD_EMAIL, abc[1]), -ENOENT);
	assert_int_equal(store_profile_remove(fx->st, "nobody", CARD_EMAIL, abc[0]), -ENOENT);
	assert_int_equal(store_profile_add(fx->st, "default", CARD_EMAIL, acd[2], NULL), 0);
	assert_int_equal(store_profile_get(fx->st, "default", &cf), 0);
	assert_list(&cf, CARD_EMAIL, acd, 3);
	card_fields_clear(&cf);
}

static void
test_store_profile_unset(void **state)
{
	struct tu_store *fx = *state;
	struct card_fields cf;

	assert_int_equal(store_profile_set(fx->st, "default", CARD_NAME, "Ada", NULL), 0);
	assert_int_equal(store_profile_set(fx->st, "default", CARD_TITLE, "Analyst", NULL), 0);
	assert_int_equal(store_profile_add(fx->st, "default", CARD_URL, "https://a.example", NULL),
	                 0);
	assert_int_equal(store_profile_add(fx->st, "default", CARD_URL, "https://b.example", NULL),
	                 0);

	assert_int_equal(store_profile_unset(fx->st, "default", CARD_TITLE), 0);
	assert_int_equal(store_profile_unset(fx->st, "default", CARD_TITLE), -ENOENT);
	assert_int_equal(store_profile_unset(fx->st, "default", CARD_URL), 0);
	assert_int_equal(store_profile_unset(fx->st, "default", CARD_URL), -ENOENT);
	assert_int_equal(store_profile_unset(fx->st, "nobody", CARD_NAME), -ENOENT);
	assert_int_equal(store_profile_unset(fx->st, "default", CARD_FIELD_COUNT), -EINVAL);

	assert_int_equal(store_profile_get(fx->st, "default", &cf), 0);
	assert_string_equal(cf.text[CARD_NAME], "Ada");
	assert_null(cf.text[CARD_TITLE]);
	assert_int_equal(card_fields_list(&cf, CARD_URL)->n, 0);
	card_fields_clear(&cf);
}

static void
test_store_profile_get_missing(void **state)
{
	struct tu_store *fx = *state;
	struct card_fields cf;

	/* Cleared on entry and left empty on failure. */
	memset(&cf, 0x5a, sizeof(cf));
	assert_int_equal(store_profile_get(fx->st, "default", &cf), -ENOENT);
	for (int f = 0; f < CARD_TEXT_COUNT; f++)
		assert_null(cf.text[f]);
	for (int f = CARD_EMAIL; f < CARD_FIELD_COUNT; f++)
		assert_int_equal(card_fields_list(&cf, f)->n, 0);
	assert_int_equal(cf.fwd, -1);
	card_fields_clear(&cf);
}

static void
test_store_profile_personas_independent(void **state)
{
	struct tu_store *fx = *state;
	struct card_fields def, work;

	assert_int_equal(store_profile_set(fx->st, "default", CARD_NAME, "Ada", NULL), 0);
	assert_int_equal(store_profile_set(fx->st, "work", CARD_NAME, "A. Lovelace", NULL), 0);
	assert_int_equal(store_profile_add(fx->st, "work", CARD_TOPICS, "engines", NULL), 0);
	assert_int_equal(store_profile_add(fx->st, "default", CARD_TOPICS, "engines", NULL), 0);
	assert_int_equal(store_profile_set_fwd(fx->st, "work", 1), 0);
	assert_int_equal(store_profile_unset(fx->st, "work", CARD_TOPICS), 0);

	assert_int_equal(store_profile_get(fx->st, "default", &def), 0);
	assert_int_equal(store_profile_get(fx->st, "work", &work), 0);
	assert_string_equal(def.text[CARD_NAME], "Ada");
	assert_string_equal(work.text[CARD_NAME], "A. Lovelace");
	assert_int_equal(card_fields_list(&def, CARD_TOPICS)->n, 1);
	assert_int_equal(card_fields_list(&work, CARD_TOPICS)->n, 0);
	assert_int_equal(def.fwd, -1);
	assert_int_equal(work.fwd, 1);
	card_fields_clear(&def);
	card_fields_clear(&work);
}

static void
test_store_profile_set_fwd(void **state)
{
	struct tu_store *fx = *state;
	static const int seq[] = { 1, 0, -1, 0 };
	struct card_fields cf;

	for (size_t i = 0; i < sizeof(seq) / sizeof(seq[0]); i++) {
		assert_int_equal(store_profile_set_fwd(fx->st, "default", seq[i]), 0);
		assert_int_equal(store_profile_get(fx->st, "default", &cf), 0);
		assert_int_equal(cf.fwd, seq[i]);
		card_fields_clear(&cf);
	}
	assert_int_equal(store_profile_set_fwd(fx->st, "default", 2), -EINVAL);
	assert_int_equal(store_profile_set_fwd(fx->st, "default", -2), -EINVAL);
	assert_int_equal(store_profile_get(fx->st, "default", &cf), 0);
	assert_int_equal(cf.fwd, 0);
	card_fields_clear(&cf);
}

/* Unsetting fwd creates no persona and says when there was nothing to unset. */
static void
test_store_profile_unset_fwd_absent(void **state)
{
	struct tu_store *fx = *state;
	struct card_fields cf;

	assert_int_equal(store_profile_set_fwd(fx->st, "typo", -1), -ENOENT);
	assert_int_equal(store_profile_get(fx->st, "typo", &cf), -ENOENT);
	assert_int_equal(store_profile_set(fx->st, "work", CARD_NAME, "Ada", NULL), 0);
	assert_int_equal(store_profile_set_fwd(fx->st, "work", -1), -ENOENT);
	assert_int_equal(store_profile_set_fwd(fx->st, "work", 1), 0);
	assert_int_equal(store_profile_set_fwd(fx->st, "work", -1), 0);
	assert_int_equal(store_profile_set_fwd(fx->st, "work", -1), -ENOENT);
}

/* Values that each pass, but together would not fit in one card: the one that would
 * overflow is refused, and the persona stays as it was. */
static void
test_store_profile_card_must_fit(void **state)
{
	struct tu_store *fx = *state;
	char value[255], note[1025];
	struct card_fields before, after;
	int r = 0, added = 0;

	for (int f = CARD_EMAIL; f <= CARD_URL && r == 0; f += 2) /* email, url */
		for (int i = 0; i < 8 && r == 0; i++) {
			memset(value, 'a' + i, 200);
			value[0] = f == CARD_URL ? 'u' : 'e';
			value[200] = '\0';
			r = store_profile_add(fx->st, "default", f, value, NULL);
			added += r == 0;
		}
	assert_int_equal(r, 0);
	assert_int_equal(added, 16);
	assert_int_equal(store_profile_get(fx->st, "default", &before), 0);
	memset(note, 'n', 1000);
	note[1000] = '\0';
	assert_int_equal(store_profile_set(fx->st, "default", CARD_NOTE, note, NULL), -EMSGSIZE);
	assert_int_equal(store_profile_get(fx->st, "default", &after), 0);
	assert_null(after.text[CARD_NOTE]);
	assert_int_equal(card_fields_list(&after, CARD_EMAIL)->n, 8);
	assert_int_equal(card_fields_fit(&after), 0);
	card_fields_clear(&before);
	card_fields_clear(&after);
}

static void
test_store_persona_list_sorted(void **state)
{
	static const char *const in[] = { "zeta", "default", "alpha", "Mid", "a.b" };
	static const char *const want[] = { "Mid", "a.b", "alpha", "default", "zeta" };
	struct tu_store *fx = *state;
	char **names = (char **)fx; /* anything but NULL */
	size_t n = 99;

	assert_int_equal(store_persona_list(fx->st, &names, &n), 0);
	assert_null(names);
	assert_int_equal(n, 0);
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(store_profile_set(fx->st, in[i], CARD_NAME, "Ada", NULL), 0);
	assert_int_equal(store_persona_list(fx->st, &names, &n), 0);
	assert_int_equal(n, 5);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(names[i], want[i]);
		free(names[i]);
	}
	free(names);
}

static void
test_store_persona_delete_cascades(void **state)
{
	struct tu_store *fx = *state;
	struct card_fields cf;
	char **names;
	size_t n;

	assert_int_equal(store_profile_set(fx->st, "default", CARD_NAME, "Ada", NULL), 0);
	assert_int_equal(store_profile_set(fx->st, "default", CARD_ORG, "Acme", NULL), 0);
	assert_int_equal(store_profile_add(fx->st, "default", CARD_TOPICS, "engines", NULL), 0);
	assert_int_equal(store_profile_set_fwd(fx->st, "default", 1), 0);
	assert_int_equal(store_profile_set(fx->st, "work", CARD_NAME, "A. L.", NULL), 0);

	assert_int_equal(store_persona_delete(fx->st, "default"), 0);
	assert_int_equal(store_persona_delete(fx->st, "default"), -ENOENT);
	assert_int_equal(store_profile_get(fx->st, "default", &cf), -ENOENT);
	assert_int_equal(store_persona_list(fx->st, &names, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(names[0], "work");
	free(names[0]);
	free(names);

	/* A persona made again under the same name starts empty: nothing was left behind. */
	assert_int_equal(store_profile_set(fx->st, "default", CARD_NAME, "Ada", NULL), 0);
	assert_int_equal(store_profile_get(fx->st, "default", &cf), 0);
	assert_string_equal(cf.text[CARD_NAME], "Ada");
	assert_null(cf.text[CARD_ORG]);
	assert_int_equal(card_fields_list(&cf, CARD_TOPICS)->n, 0);
	assert_int_equal(cf.fwd, -1);
	card_fields_clear(&cf);

	/* The other persona is untouched. */
	assert_int_equal(store_profile_get(fx->st, "work", &cf), 0);
	assert_string_equal(cf.text[CARD_NAME], "A. L.");
	card_fields_clear(&cf);
}

static void
test_store_persona_valid_names(void **state)
{
	static const char *const good[] = { "default", "a", "A.b_c-9",
		                            "x.",      "0", "abcdefghijklmnopqrstuvwxyz012345" };
	static const char *const bad[] = { "",     "abcdefghijklmnopqrstuvwxyz0123456",
		                           "../x", ".hidden",
		                           "-x",   "a b",
		                           "a/b",  "caf\xc3\xa9",
		                           "a\nb", "." };
	struct tu_store *fx = *state;
	struct card_error err;
	struct card_fields cf;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_true(store_persona_valid(good[i]));
	assert_false(store_persona_valid(NULL));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_false(store_persona_valid(bad[i]));
		assert_int_equal(store_profile_set(fx->st, bad[i], CARD_NAME, "Ada", &err),
		                 -EINVAL);
		assert_int_equal(err.fault, CARD_OK);
		assert_int_equal(store_profile_add(fx->st, bad[i], CARD_TOPICS, "t", NULL),
		                 -EINVAL);
		assert_int_equal(store_profile_set_fwd(fx->st, bad[i], 1), -EINVAL);
		assert_int_equal(store_profile_unset(fx->st, bad[i], CARD_NAME), -EINVAL);
		assert_int_equal(store_profile_remove(fx->st, bad[i], CARD_TOPICS, "t"), -EINVAL);
		assert_int_equal(store_profile_get(fx->st, bad[i], &cf), -EINVAL);
		assert_int_equal(store_persona_delete(fx->st, bad[i]), -EINVAL);
	}
}

static void
test_store_card_rev_next_increasing(void **state)
{
	struct tu_store *fx = *state;
	uint64_t prev = 0, rev;

	for (int i = 0; i < 3; i++) {
		assert_int_equal(store_card_rev_next(fx->st, 0, &rev), 0);
		assert_true(rev > prev);
		prev = rev;
	}
	assert_int_equal(prev, 3);
	tu_store_reopen(fx);
	assert_int_equal(store_card_rev_next(fx->st, 0, &rev), 0);
	assert_int_equal(rev, 4);
}

/* The floor (the issuing time) lifts the counter, so that a key restored without its
 * store still issues cards that supersede the old ones; the counter never goes back. */
static void
test_store_card_rev_next_floor(void **state)
{
	struct tu_store *fx = *state;
	uint64_t rev;

	assert_int_equal(store_card_rev_next(fx->st, 1790000000, &rev), 0);
	assert_true(rev == 1790000000);
	assert_int_equal(store_card_rev_next(fx->st, 1790000000, &rev), 0);
	assert_true(rev == 1790000001);
	assert_int_equal(store_card_rev_next(fx->st, 5, &rev), 0); /* a clock set back */
	assert_true(rev == 1790000002);
}

static void
test_store_card_rev_next_first(void **state)
{
	struct tu_store *fx = *state;
	uint64_t rev = 99;

	assert_int_equal(store_card_rev_next(fx->st, 0, &rev), 0);
	assert_int_equal(rev, 1);
}

static void
test_store_close_null(void **state)
{
	store_close(NULL);
	(void)state;
}

/* The statement cache: the same SQL again is the same statement once released, reset and
 * unbound; while one is in use, the same SQL gets another; a full cache still works. */
static void
test_store_sql_prep_cache(void **state)
{
	static const char sql[] = "SELECT ?1";
	struct tu_store *fx = *state;
	sqlite3_stmt *a, *b, *c;
	char many[STORE_STMT_CACHE + 4][32];

	assert_int_equal(store_sql_prep(fx->st, sql, &a), 0);
	assert_int_equal(store_sql_bind_int(a, 1, 7), 0);
	assert_int_equal(sqlite3_step(a), SQLITE_ROW);
	assert_int_equal(store_sql_prep(fx->st, sql, &b), 0); /* a is busy: another */
	assert_ptr_not_equal(a, b);
	store_sql_release(fx->st, b);
	store_sql_release(fx->st, a);
	assert_int_equal(store_sql_prep(fx->st, sql, &c), 0);
	assert_true(c == a || c == b);
	/* Released means reset and unbound: stepping it again gives NULL, not 7. */
	assert_int_equal(sqlite3_step(c), SQLITE_ROW);
	assert_int_equal(sqlite3_column_type(c, 0), SQLITE_NULL);
	store_sql_release(fx->st, c);
	/* More distinct SQL than the cache holds: the rest are prepared and finalized. */
	for (size_t i = 0; i < sizeof(many) / sizeof(many[0]); i++) {
		snprintf(many[i], sizeof(many[i]), "SELECT %zu", i);
		assert_int_equal(store_sql_prep(fx->st, many[i], &a), 0);
		assert_int_equal(store_sql_step_row(a), 0);
		assert_int_equal(sqlite3_column_int(a, 0), (int)i);
		store_sql_release(fx->st, a);
	}
	store_sql_release(fx->st, NULL);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, tu_store_setup, tu_store_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_store_open_creates_0600),
		cmocka_unit_test(test_store_open_flags_no_create),
		cmocka_unit_test(test_store_open_flags_no_migrate),
		T(test_store_open_side_files_0600),
		cmocka_unit_test(test_store_open_refuses_wide_mode),
		T(test_store_open_refuses_symlink),
		T(test_store_open_refuses_wide_wal),
		T(test_store_open_refuses_other_owner),
		T(test_store_open_read_only),
		cmocka_unit_test(test_store_open_not_a_database),
		T(test_store_open_twice),
		T(test_store_open_migrates),
		T(test_store_open_newer_schema),
		T(test_store_open_migrates_from_v1),
		T(test_store_profile_set_round_trip),
		T(test_store_profile_set_overwrites),
		T(test_store_profile_set_list_field),
		T(test_store_profile_set_invalid),
		T(test_store_profile_set_invalid_new_persona),
		T(test_store_profile_add_keeps_order),
		T(test_store_profile_add_duplicate),
		T(test_store_profile_add_max_items),
		T(test_store_profile_add_text_field),
		T(test_store_profile_remove),
		T(test_store_profile_unset),
		T(test_store_profile_get_missing),
		T(test_store_profile_personas_independent),
		T(test_store_profile_set_fwd),
		T(test_store_profile_unset_fwd_absent),
		T(test_store_profile_card_must_fit),
		T(test_store_persona_list_sorted),
		T(test_store_persona_delete_cascades),
		T(test_store_persona_valid_names),
		T(test_store_card_rev_next_increasing),
		T(test_store_card_rev_next_first),
		T(test_store_card_rev_next_floor),
		cmocka_unit_test(test_store_close_null),
		T(test_store_sql_prep_cache),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
