/*
 * store_forget: forgetting a person removes every row about them and the nodes only they
 * named, leaves everyone else alone, and leaves none of their bytes in the database file
 * or its write-ahead log; blocks are listed with names and lifted by exact fingerprint.
 */
#include <stdio.h>
#include <string.h>

#include <sqlite3.h> /* only to count rows no API reads, and to hold a read transaction */

#include "testutil.h"
#include "wallflower/store.h"

#define T0 1790000000

/* The name and the organisation and topic only the forgotten person has: the test looks
 * for these bytes in the files. */
#define GONE_NAME  "Zelda Quixotefinch"
#define GONE_ORG   "Quixote Widgets"
#define GONE_TOPIC "zebra telemetry"
#define GONE_EVENT "Quixote Summit"

static struct card *
card_with(uint8_t s, const char *name, const char *org, const char *topic)
{
	char *topics[1] = { (char *)topic };
	struct card_fields f;

	card_fields_init(&f);
	f.text[CARD_ORG] = (char *)org;
	card_fields_list(&f, CARD_TOPICS)->items = topics;
	card_fields_list(&f, CARD_TOPICS)->n = 1;
	return tu_card(s, name, 1, &f);
}

static int64_t
put(struct store *st, struct card *card)
{
	int64_t id = 0;

	assert_int_equal(store_card_put(st, card, T0, NULL, &id), 0);
	card_free(card);
	return id;
}

/* The identity key of seed s (tu_card's). */
static void
key_of(uint8_t s, uint8_t key[CRYPT_SIGN_PK])
{
	struct card *card = tu_card(s, "x", 1, NULL);

	memcpy(key, card->key, CRYPT_SIGN_PK);
	card_free(card);
}

/* An offer from the identity of seed s, waiting in the inbox. */
static int64_t
offer_from(struct store *st, uint8_t s, const char *name, uint8_t tag)
{
	struct card *card = tu_card(s, name, 2, NULL);
	struct inbox_keys keys;
	uint8_t offer_id[32];
	int64_t id = 0;

	memset(&keys, tag, sizeof(keys));
	memset(offer_id, tag, sizeof(offer_id));
	assert_int_equal(store_inbox_put(st, card, "hello", true, "192.0.2.7", 4000, NULL, offer_id,
	                                 &keys, T0, 3600, &id),
	                 0);
	card_free(card);
	return id;
}

/* How many rows sql (a count) finds, on a connection of its own. */
static long long
count_rows(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	long long n;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return n;
}

/* Whether the file at dir/name (absent: no) holds the bytes of s. */
static bool
file_has(const char *dir, const char *name, const char *s)
{
	char *path = tu_path(dir, name);
	uint8_t *buf;
	size_t len;
	bool found;
	FILE *f = fopen(path, "rb");

	if (f == NULL) {
		free(path);
		return false;
	}
	fclose(f);
	buf = tu_read(path, &len);
	found = memmem(buf, len, s, strlen(s)) != NULL;
	free(buf);
	free(path);
	return found;
}

static bool
store_files_have(const char *dir, const char *s)
{
	return file_has(dir, STORE_FILE, s) || file_has(dir, STORE_FILE "-wal", s);
}

/* Zelda (seed 1) with everything a person can have; Bo (seed 2) shares a topic and an
 * event with her. Returns Zelda's id; Bo's in *bo. */
static int64_t
populate(struct store *st, int64_t *bo)
{
	int64_t z = put(st, card_with(1, GONE_NAME, GONE_ORG, GONE_TOPIC));
	char *topics[2] = { (char *)GONE_TOPIC, (char *)"wikis" };
	struct card_fields f;
	uint8_t rk[32], key[CRYPT_SIGN_PK];
	struct card *c;

	/* A second card: her history holds two. */
	card_fields_init(&f);
	f.text[CARD_ORG] = (char *)GONE_ORG;
	card_fields_list(&f, CARD_TOPICS)->items = topics;
	card_fields_list(&f, CARD_TOPICS)->n = 2;
	c = tu_card(1, GONE_NAME, 3, &f);
	assert_int_equal(store_card_put(st, c, T0 + 10, NULL, NULL), 0);
	card_free(c);
	*bo = put(st, card_with(2, "Bo Builder", "Engines", "wikis"));
	assert_int_equal(store_met(st, z, GONE_EVENT, T0), 0);
	assert_int_equal(store_met(st, z, "Intranet Now", T0), 0);
	assert_int_equal(store_met(st, *bo, "Intranet Now", T0), 0);
	assert_int_equal(store_note_add(st, z, "Zelda's secret plan", T0, NULL), 0);
	assert_int_equal(store_note_add(st, *bo, "Bo's note", T0, NULL), 0);
	assert_int_equal(store_followup_add(st, z, "call Zelda", T0 + 86400, T0, NULL), 0);
	assert_int_equal(store_followup_add(st, *bo, "call Bo", T0 + 86400, T0, NULL), 0);
	assert_int_equal(store_introduced(st, z, *bo, T0), 0);
	assert_int_equal(store_introduced(st, *bo, z, T0), 0);
	memset(rk, 7, sizeof(rk));
	key_of(1, key);
	assert_int_equal(store_recognition_set(st, key, rk, T0), 0);
	offer_from(st, 1, GONE_NAME, 1);
	offer_from(st, 2, "Bo Builder", 2);
	return z;
}

static void
test_store_forget_forget_removes_all(void **state)
{
	struct tu_store *fx = *state;
	struct store_forgotten f;
	struct contact *list;
	struct followup *fu;
	int64_t z, bo;
	size_t n;

	z = populate(fx->st, &bo);
	assert_int_equal(store_forget(fx->st, z, &f), 0);
	assert_int_equal(f.cards, 2);
	assert_int_equal(f.meetings, 2);
	assert_int_equal(f.notes, 1);
	assert_int_equal(f.followups, 1);
	assert_int_equal(f.introductions, 2);
	assert_int_equal(f.offers, 1);
	/* Her org, her own topic, the event only she was met at; "wikis" and "Intranet Now"
	 * stay with Bo. */
	assert_int_equal(f.orgs, 1);
	assert_int_equal(f.topics, 1);
	assert_int_equal(f.events, 1);
	assert_int_equal(store_contacts(fx->st, NULL, &list, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].f.text[CARD_NAME], "Bo Builder");
	assert_int_equal(list[0].n_met, 1);
	assert_int_equal(list[0].n_notes, 1);
	assert_null(list[0].introduced_by);
	contact_free_all(list, n);
	assert_int_equal(store_followup_list(fx->st, false, 0, &fu, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(fu[0].who, "Bo Builder");
	followup_free_all(fu, n);
	assert_int_equal(count_rows(fx->path, "SELECT count(*) FROM inbox"), 1);
	assert_int_equal(count_rows(fx->path, "SELECT count(*) FROM topic WHERE name = 'wikis'"),
	                 1);
	assert_int_equal(count_rows(fx->path, "SELECT count(*) FROM person_topic"), 1);
	assert_int_equal(count_rows(fx->path, "SELECT count(*) FROM card"), 1);
	/* Twice: nobody is there any more. */
	assert_int_equal(store_forget(fx->st, z, &f), -ENOENT);
	assert_int_equal(f.cards, 0);
}

/*
 * The bytes are gone: from the database file (secure_delete zeroed them) and from the log
 * (the checkpoint truncated it). A second connection stays open, as a daemon's would, so
 * that closing ours does not checkpoint and delete the log for us. Without secure_delete
 * the name stays in the file's free space; without the checkpoint, in the log.
 */
static void
test_store_forget_forget_bytes_gone(void **state)
{
	struct tu_store *fx = *state;
	struct store *other;
	int64_t z, bo;

	assert_int_equal(store_open(fx->path, &other, NULL), 0);
	z = populate(fx->st, &bo);
	assert_true(store_files_have(fx->dir, GONE_NAME));
	assert_true(store_files_have(fx->dir, GONE_ORG));
	assert_int_equal(store_forget(fx->st, z, NULL), 0);
	assert_int_equal(store_wipe_log(fx->st), 0);
	assert_false(store_files_have(fx->dir, GONE_NAME));
	assert_false(store_files_have(fx->dir, GONE_ORG));
	assert_false(store_files_have(fx->dir, GONE_TOPIC));
	assert_false(store_files_have(fx->dir, GONE_EVENT));
	assert_false(store_files_have(fx->dir, "secret plan"));
	/* Bo is still there, in the file itself. */
	assert_true(file_has(fx->dir, STORE_FILE, "Bo Builder"));
	store_close(other);
}

/* A reader holding the log keeps the checkpoint from completing: the person is forgotten
 * all the same, and the caller hears that the bytes are not gone yet. */
static void
test_store_forget_forget_reader_busy(void **state)
{
	struct tu_store *fx = *state;
	sqlite3_stmt *s;
	sqlite3 *db;
	int64_t z, bo;

	z = populate(fx->st, &bo);
	assert_int_equal(sqlite3_open_v2(fx->path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM person", -1, &s, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_int_equal(store_forget(fx->st, z, NULL), 0);
	assert_int_equal(store_wipe_log(fx->st), -EINPROGRESS);
	sqlite3_finalize(s);
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	sqlite3_close(db);
	assert_int_equal(count_rows(fx->path, "SELECT count(*) FROM person"), 1);
}

/* A block outlasts forgetting, without the name. */
static void
test_store_forget_forget_keeps_block(void **state)
{
	struct tu_store *fx = *state;
	struct store_block *b;
	uint8_t key[CRYPT_SIGN_PK];
	int64_t z, bo;
	size_t n;

	z = populate(fx->st, &bo);
	assert_int_equal(store_inbox_block(fx->st, offer_from(fx->st, 1, GONE_NAME, 9), T0), 0);
	assert_int_equal(store_forget(fx->st, z, NULL), 0);
	key_of(1, key);
	assert_int_equal(store_is_blocked(fx->st, key), 1);
	assert_int_equal(store_blocked_list(fx->st, &b, &n), 0);
	assert_int_equal(n, 1);
	assert_null(b[0].name);
	store_block_free_all(b, n);
}

static void
test_store_forget_blocked_list_names(void **state)
{
	struct tu_store *fx = *state;
	struct store_block *b;
	uint8_t key[CRYPT_SIGN_PK];
	char fpr[IDENTITY_FPR_LEN + 1];
	size_t n;

	assert_int_equal(store_blocked_list(fx->st, &b, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(store_inbox_block(fx->st, offer_from(fx->st, 5, "Sam Spammer", 5), T0), 0);
	/* A contact's name stands in for a block without one (made before schema 6). */
	assert_int_equal(store_inbox_block(fx->st, offer_from(fx->st, 6, "Eve", 6), T0 + 5), 0);
	put(fx->st, tu_card(6, "Eve Contact", 1, NULL));
	assert_int_equal(store_blocked_list(fx->st, &b, &n), 0);
	assert_int_equal(n, 2);
	key_of(5, key);
	identity_fingerprint(key, fpr);
	assert_memory_equal(b[0].key, key, sizeof(key));
	assert_string_equal(b[0].fpr, fpr);
	assert_string_equal(b[0].name, "Sam Spammer");
	assert_true(b[0].at == T0);
	assert_string_equal(b[1].name, "Eve");
	store_block_free_all(b, n);
	assert_int_equal(count_rows(fx->path, "SELECT count(*) FROM inbox"), 0);
}

static void
test_store_forget_unblock_exact(void **state)
{
	struct tu_store *fx = *state;
	uint8_t key[CRYPT_SIGN_PK], got[CRYPT_SIGN_PK];
	char fpr[IDENTITY_FPR_LEN + 1], bare[IDENTITY_FPR_LEN + 1], bad[IDENTITY_FPR_LEN + 2];
	size_t o = 0;

	assert_int_equal(store_inbox_block(fx->st, offer_from(fx->st, 5, "Sam", 5), T0), 0);
	key_of(5, key);
	identity_fingerprint(key, fpr);
	/* Malformed: a prefix, a dash out of place, a digit base32 lacks, too long. */
	assert_int_equal(store_unblock(fx->st, "abcd", NULL), -EINVAL);
	memcpy(bad, fpr, sizeof(fpr));
	bad[4] = bad[5];
	bad[5] = '-';
	assert_int_equal(store_unblock(fx->st, bad, NULL), -EINVAL);
	memcpy(bad, fpr, sizeof(fpr));
	bad[0] = '1';
	assert_int_equal(store_unblock(fx->st, bad, NULL), -EINVAL);
	snprintf(bad, sizeof(bad), "%sa", fpr);
	assert_int_equal(store_unblock(fx->st, bad, NULL), -EINVAL);
	assert_int_equal(store_unblock(fx->st, "", NULL), -EINVAL);
	/* Well-formed, but someone else's. */
	memcpy(bad, fpr, sizeof(fpr));
	bad[0] = bad[0] == 'a' ? 'b' : 'a';
	assert_int_equal(store_unblock(fx->st, bad, NULL), -ENOENT);
	assert_int_equal(store_is_blocked(fx->st, key), 1);
	/* Without dashes, in capitals: the same key. */
	for (size_t i = 0; fpr[i] != '\0'; i++)
		if (fpr[i] != '-')
			bare[o++] = (char)(fpr[i] >= 'a' && fpr[i] <= 'z' ? fpr[i] - 32 : fpr[i]);
	bare[o] = '\0';
	assert_int_equal(store_unblock(fx->st, bare, got), 0);
	assert_memory_equal(got, key, sizeof(key));
	assert_int_equal(store_is_blocked(fx->st, key), 0);
	assert_int_equal(store_unblock(fx->st, fpr, NULL), -ENOENT);
}

int
main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, tu_store_setup, tu_store_teardown)
	const struct CMUnitTest tests[] = {
		T(test_store_forget_forget_removes_all), T(test_store_forget_forget_bytes_gone),
		T(test_store_forget_forget_reader_busy), T(test_store_forget_forget_keeps_block),
		T(test_store_forget_blocked_list_names), T(test_store_forget_unblock_exact),
	};

	assert_int_equal(crypt_init(), 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
