/*
 * store_people: people and their cards, meetings, introductions, notes and follow-ups;
 * the rev rules; finding contacts; and durability: a writer killed with SIGKILL at random
 * points never loses a write it had reported done.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h> /* only to look at the card history, which no API reads yet */

#include "testutil.h"
#include "wallflower/store.h"
#include "wallflower/vcard.h"

#define T0 1790000000

/* A card from seed byte s: name, rev, and optionally an org and one topic. */
static struct card *
make_card(uint8_t s, const char *name, uint64_t rev, const char *org, const char *topic)
{
	char *topics[1] = { (char *)topic };
	struct card_fields f;

	card_fields_init(&f);
	f.text[CARD_ORG] = (char *)org;
	if (topic != NULL) {
		card_fields_list(&f, CARD_TOPICS)->items = topics;
		card_fields_list(&f, CARD_TOPICS)->n = 1;
	}
	return tu_card(s, name, rev, &f);
}

static int64_t
put(struct store *st, struct card *card, enum store_card_result want)
{
	enum store_card_result got;
	int64_t id = 0;

	assert_int_equal(store_card_put(st, card, T0, &got, &id), 0);
	assert_int_equal(got, want);
	card_free(card);
	return id;
}

static size_t
count(struct store *st, const struct store_filter *f)
{
	struct contact *list;
	size_t n;

	assert_int_equal(store_contacts(st, f, &list, &n), 0);
	contact_free_all(list, n);
	return n;
}

static void
test_store_card_put_rev_rules(void **state)
{
	struct tu_store *fx = *state;
	struct store_filter by_topic = { .topic = "wikis" };
	struct contact *list;
	size_t n;
	int64_t a, b;

	a = put(fx->st, make_card(1, "Ada", 5, "Engines", "wikis"), STORE_CARD_NEW);
	assert_true(a > 0);
	assert_int_equal(count(fx->st, &by_topic), 1);
	/* Older and equal revisions change nothing. */
	b = put(fx->st, make_card(1, "Old Ada", 4, NULL, NULL), STORE_CARD_OLDER);
	assert_true(b == a);
	put(fx->st, make_card(1, "Same Ada", 5, NULL, NULL), STORE_CARD_OLDER);
	assert_int_equal(store_contacts(fx->st, NULL, &list, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].f.text[CARD_NAME], "Ada");
	assert_true(list[0].rev == 5);
	contact_free_all(list, n);
	/* A newer one supersedes, and the topics follow the current card. */
	put(fx->st, make_card(1, "Ada L.", 9, NULL, "looms"), STORE_CARD_UPDATED);
	assert_int_equal(store_contacts(fx->st, NULL, &list, &n), 0);
	assert_string_equal(list[0].f.text[CARD_NAME], "Ada L.");
	assert_true(list[0].rev == 9);
	assert_null(list[0].f.text[CARD_ORG]);
	contact_free_all(list, n);
	assert_int_equal(count(fx->st, &by_topic), 0);
	by_topic.topic = "looms";
	assert_int_equal(count(fx->st, &by_topic), 1);
	put(fx->st, make_card(2, "Bo", 1, NULL, NULL), STORE_CARD_NEW);
	assert_int_equal(count(fx->st, NULL), 2);
	/* Every card a person gave is kept: Ada's revisions 5 and 9, not the older 4 or the
	 * equal 5 that changed nothing. */
	{
		sqlite3 *db;
		sqlite3_stmt *s;

		assert_int_equal(sqlite3_open_v2(fx->path, &db, SQLITE_OPEN_READONLY, NULL),
		                 SQLITE_OK);
		assert_int_equal(
		        sqlite3_prepare_v2(db,
		                           "SELECT group_concat(rev) FROM (SELECT rev FROM "
		                           "card WHERE person_id = ?1 ORDER BY rev)",
		                           -1, &s, NULL),
		        SQLITE_OK);
		sqlite3_bind_int64(s, 1, a);
		assert_int_equal(sqlite3_step(s), SQLITE_ROW);
		assert_string_equal((const char *)sqlite3_column_text(s, 0), "5,9");
		sqlite3_finalize(s);
		sqlite3_close(db);
	}
}

static void
test_store_met_and_filters(void **state)
{
	struct tu_store *fx = *state;
	struct store_filter f = { .event = "Intranet Now" };
	int64_t a = put(fx->st, make_card(1, "Ada", 1, NULL, NULL), STORE_CARD_NEW);
	int64_t b = put(fx->st, make_card(2, "Bo", 1, "Wiki Co", NULL), STORE_CARD_NEW);
	int64_t cy;
	struct contact *list;
	size_t n;

	assert_int_equal(store_met(fx->st, a, "Intranet Now", T0), 0);
	assert_int_equal(store_met(fx->st, b, NULL, T0 + 86400 * 10), 0);
	assert_int_equal(store_met(fx->st, 999, "X", T0), -ENOENT);
	assert_int_equal(store_met(fx->st, a, "", T0), -EINVAL);
	assert_int_equal(store_met(fx->st, a, "bad\x1b[0m", T0), -EINVAL);
	assert_int_equal(count(fx->st, &f), 1);
	f = (struct store_filter){ .since = T0 + 86400 };
	assert_int_equal(store_contacts(fx->st, &f, &list, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].f.text[CARD_NAME], "Bo");
	assert_int_equal(list[0].n_met, 1);
	assert_null(list[0].met[0].event);
	contact_free_all(list, n);
	f = (struct store_filter){ .search = "wiki" }; /* org, any case */
	assert_int_equal(count(fx->st, &f), 1);
	assert_int_equal(store_note_add(fx->st, a, "asked about WIKIS", T0, NULL), 0);
	assert_int_equal(count(fx->st, &f), 1); /* notes are not searched (store_search.c) */
	assert_int_equal(store_introduced(fx->st, b, a, T0), 0);
	assert_int_equal(store_introduced(fx->st, b, b, T0), -EINVAL);
	/* One introducer: the same again changes nothing, and another is not taken. */
	assert_int_equal(store_introduced(fx->st, b, a, T0 + 60), -EALREADY);
	cy = put(fx->st, make_card(3, "Cy", 1, NULL, NULL), STORE_CARD_NEW);
	assert_int_equal(store_introduced(fx->st, b, cy, T0 + 60), -EEXIST);
	assert_int_equal(store_contact_find(fx->st, "bo", &list, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].introduced_by, "Ada");
	contact_free_all(list, n);
}

static void
test_store_contact_find_prefixes(void **state)
{
	struct tu_store *fx = *state;
	struct contact *list;
	char fpr[IDENTITY_FPR_LEN + 1], nodash[IDENTITY_FPR_LEN];
	size_t n, j = 0;

	put(fx->st, make_card(1, "Ada Lovelace", 1, NULL, NULL), STORE_CARD_NEW);
	put(fx->st, make_card(2, "Adam Smith", 1, NULL, NULL), STORE_CARD_NEW);
	assert_int_equal(store_contact_find(fx->st, "ad", &list, &n), 0);
	assert_int_equal(n, 2); /* ambiguous: the caller lists both */
	snprintf(fpr, sizeof(fpr), "%s", list[1].fpr);
	contact_free_all(list, n);
	assert_int_equal(store_contact_find(fx->st, "ADA ", &list, &n), 0);
	assert_int_equal(n, 1);
	contact_free_all(list, n);
	for (size_t i = 0; fpr[i]; i++)
		if (fpr[i] != '-')
			nodash[j++] = fpr[i];
	nodash[j] = '\0';
	nodash[6] = '\0';
	assert_int_equal(store_contact_find(fx->st, nodash, &list, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].fpr, fpr);
	contact_free_all(list, n);
	fpr[9] = '\0'; /* "abcd-efgh", with its dash */
	assert_int_equal(store_contact_find(fx->st, fpr, &list, &n), 0);
	assert_int_equal(n, 1);
	contact_free_all(list, n);
	/* Wildcards mean nothing. */
	assert_int_equal(store_contact_find(fx->st, "%", &list, &n), 0);
	assert_int_equal(n, 0);
	free(list);
	assert_int_equal(store_contact_find(fx->st, "", &list, &n), -EINVAL);
}

static void
test_store_followups(void **state)
{
	struct tu_store *fx = *state;
	int64_t a = put(fx->st, make_card(1, "Ada", 1, NULL, NULL), STORE_CARD_NEW);
	struct followup *fu;
	int64_t f1, f2;
	size_t n;

	assert_int_equal(store_followup_add(fx->st, a, "send the article", T0 + 86400, T0, &f1), 0);
	assert_int_equal(store_followup_add(fx->st, a, "coffee", T0 + 10 * 86400, T0, &f2), 0);
	assert_int_equal(store_followup_add(fx->st, a, "two\nlines", T0, T0, NULL), -EINVAL);
	assert_int_equal(store_followup_add(fx->st, 999, "x", T0, T0, NULL), -ENOENT);
	assert_int_equal(store_followup_list(fx->st, true, T0 + 2 * 86400, &fu, &n), 0);
	assert_int_equal(n, 1);
	assert_true(fu[0].id == f1);
	assert_string_equal(fu[0].who, "Ada");
	followup_free_all(fu, n);
	assert_int_equal(store_followup_done(fx->st, f1), 0);
	assert_int_equal(store_followup_done(fx->st, f1), -EALREADY);
	assert_int_equal(store_followup_done(fx->st, 12345), -ENOENT);
	assert_int_equal(store_followup_list(fx->st, true, T0 + 2 * 86400, &fu, &n), 0);
	assert_int_equal(n, 0);
	free(fu);
	assert_int_equal(store_followup_list(fx->st, false, 0, &fu, &n), 0);
	assert_int_equal(n, 2);
	assert_true(fu[0].id == f2 && !fu[0].done); /* open ones first */
	assert_true(fu[1].done);
	followup_free_all(fu, n);
}

static void
test_store_notes_rules(void **state)
{
	struct tu_store *fx = *state;
	int64_t a = put(fx->st, make_card(1, "Ada", 1, NULL, NULL), STORE_CARD_NEW);
	char big[STORE_NOTE_MAX + 2];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(store_note_add(fx->st, a, "line one\nline two", T0, NULL), 0);
	assert_int_equal(store_note_add(fx->st, a, "", T0, NULL), -EINVAL);
	assert_int_equal(store_note_add(fx->st, a, big, T0, NULL), -EINVAL);
	assert_int_equal(store_note_add(fx->st, a,
	                                "\xe2\x80\xae"
	                                "evil",
	                                T0, NULL),
	                 -EINVAL);
	assert_int_equal(store_note_add(fx->st, 42, "x", T0, NULL), -ENOENT);
}

/*
 * Durability: a child adds notes and reports each id on a pipe once store_note_add has
 * returned (the moment the CLI would say "done"); the parent kills it with SIGKILL at a
 * random moment. Every reported id must be in the store afterwards, and the store sound.
 */
static void
test_store_durability_sigkill(void **state)
{
	struct tu_store *fx = *state;
	int64_t person = put(fx->st, make_card(1, "Ada", 1, NULL, NULL), STORE_CARD_NEW);
	size_t total = 0;

	srand((unsigned)time(NULL));
	store_close(fx->st);
	fx->st = NULL;
	for (int round = 0; round < 12; round++) {
		int64_t acked[8192]; /* pairs: kind (0 note, 1 follow-up), id */
		size_t n_acked = 0;
		int fds[2], status;
		pid_t pid;

		assert_int_equal(pipe(fds), 0);
		if ((pid = fork()) == 0) {
			struct store *st;

			close(fds[0]);
			if (store_open(fx->path, &st, NULL) < 0)
				_exit(2);
			/* Notes and follow-ups in turn: two kinds of acknowledged write. */
			for (int64_t i = 0;; i++) {
				int64_t ack[2] = { i % 2 };
				int r = ack[0] == 0
				                ? store_note_add(st, person, "durable",
				                                 T0 + (uint64_t)i, &ack[1])
				                : store_followup_add(st, person, "durable",
				                                     T0 + (uint64_t)i, T0, &ack[1]);

				if (r < 0)
					_exit(3);
				if (write(fds[1], ack, sizeof(ack)) != sizeof(ack))
					_exit(4);
			}
		}
		assert_true(pid > 0);
		close(fds[1]);
		/* The first acknowledgement before the random wait: on a loaded machine (or
		 * under a sanitizer) opening the store can take longer than the wait. */
		assert_int_equal(read(fds[0], acked, 2 * sizeof(acked[0])), 2 * sizeof(acked[0]));
		n_acked = 2;
		usleep((useconds_t)(rand() % 40000));
		kill(pid, SIGKILL);
		/* Every acknowledgement is read: the pipe holds what the child wrote. */
		while (n_acked + 2 <= sizeof(acked) / sizeof(acked[0]) &&
		       read(fds[0], &acked[n_acked], 2 * sizeof(acked[0])) == 2 * sizeof(acked[0]))
			n_acked += 2;
		assert_true(n_acked + 2 <= sizeof(acked) / sizeof(acked[0])); /* none left unread */
		close(fds[0]);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
		assert_int_equal(store_open(fx->path, &fx->st, NULL), 0);
		assert_int_equal(store_check(fx->st), 0);
		{
			struct contact *list;
			struct followup *fu;
			size_t n, n_fu;

			assert_int_equal(store_contact_find(fx->st, "Ada", &list, &n), 0);
			assert_int_equal(n, 1);
			assert_int_equal(store_followup_list(fx->st, false, 0, &fu, &n_fu), 0);
			for (size_t i = 0; i < n_acked; i += 2) {
				bool found = false;

				for (size_t j = 0; acked[i] == 0 && j < list[0].n_notes && !found;
				     j++)
					found = list[0].notes[j].id == acked[i + 1];
				for (size_t j = 0; acked[i] == 1 && j < n_fu && !found; j++)
					found = fu[j].id == acked[i + 1];
				if (!found)
					fail_msg("round %d: acknowledged %s %lld is lost", round,
					         acked[i] ? "follow-up" : "note",
					         (long long)acked[i + 1]);
			}
			followup_free_all(fu, n_fu);
			contact_free_all(list, n);
		}
		total += n_acked / 2;
		store_close(fx->st);
		fx->st = NULL;
	}
	assert_int_equal(store_open(fx->path, &fx->st, NULL), 0);
	print_message("%zu acknowledged writes over 12 kills, none lost\n", total);
	assert_true(total > 0);
}

/* Contacts are asked for by exact key, never by a search: a contact named like another
 * key's fingerprint does not make that key a contact. And a name used by another key is
 * found, for the inbox's warning. */
static void
test_store_is_contact_exact(void **state)
{
	struct tu_store *fx = *state;
	struct card *stranger = tu_card(2, "Mallory", 1, NULL);
	char fpr[IDENTITY_FPR_LEN + 1], other[IDENTITY_FPR_LEN + 1];
	struct card *grace;

	identity_fingerprint(stranger->key, fpr);
	grace = tu_card(1, fpr, 1, NULL);
	assert_int_equal(store_card_put(fx->st, grace, T0, NULL, NULL), 0);
	assert_int_equal(store_is_contact(fx->st, grace->key), 1);
	assert_int_equal(store_is_contact(fx->st, stranger->key), 0);
	/* The name check: another key with grace's name, in any ASCII case. */
	assert_int_equal(store_name_elsewhere(fx->st, fpr, stranger->key, other), 1);
	identity_fingerprint(grace->key, fpr);
	assert_string_equal(other, fpr);
	assert_int_equal(store_name_elsewhere(fx->st, "Grace", stranger->key, other), 0);
	assert_string_equal(other, "");
	/* Her own key is not "another". */
	assert_int_equal(store_name_elsewhere(fx->st, grace->f.text[CARD_NAME], grace->key, other),
	                 0);
	card_free(stranger);
	card_free(grace);
}

static void
test_store_name_elsewhere_case(void **state)
{
	struct tu_store *fx = *state;
	struct card *grace = tu_card(1, "Grace Hopper", 1, NULL);
	struct card *mallory = tu_card(2, "gRACE hOPPER", 1, NULL);
	char other[IDENTITY_FPR_LEN + 1];

	assert_int_equal(store_card_put(fx->st, grace, T0, NULL, NULL), 0);
	assert_int_equal(
	        store_name_elsewhere(fx->st, mallory->f.text[CARD_NAME], mallory->key, other), 1);
	assert_int_equal(store_name_elsewhere(fx->st, "Grace  Hopper", mallory->key, other), 0);
	card_free(grace);
	card_free(mallory);
}

/*
 * Another meeting at the same event on another day is recorded; the same event on the
 * same local day is the one meeting already there (-EALREADY). The day is the user's: in
 * UTC+13 (POSIX TZ, no zone files needed) 20:00 UTC and 10:00 UTC the next day are one day.
 */
static void
test_store_met_again_local_day(void **state)
{
	struct tu_store *fx = *state;
	int64_t a = put(fx->st, make_card(1, "Ada", 1, NULL, NULL), STORE_CARD_NEW);
	struct contact *list;
	size_t n;

	setenv("TZ", "NZST-13", 1);
	tzset();
	assert_int_equal(store_met(fx->st, a, "Intranet Now", 1796328000), 0);
	assert_int_equal(store_met(fx->st, a, "Intranet Now", 1796378400), -EALREADY);
	assert_int_equal(store_met(fx->st, a, "Intranet Now", 1796464800), 0);
	assert_int_equal(store_met(fx->st, a, "Meetup", 1796464800), 0);
	assert_int_equal(store_met(fx->st, a, NULL, 1796464800), 0);
	assert_int_equal(store_met(fx->st, a, NULL, 1796464801), -EALREADY);
	unsetenv("TZ");
	tzset();
	assert_int_equal(store_contacts(fx->st, NULL, &list, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].n_met, 4);
	contact_free_all(list, n);
}

/* One vCard parsed from text, for the store. */
static struct vcard *
vcard_of(const char *text)
{
	struct vcard_error err;
	struct vcard *v;
	size_t n;

	assert_int_equal(vcard_parse_all((const uint8_t *)text, strlen(text), &v, &n, &err), 0);
	assert_int_equal(n, 1);
	return v;
}

#define VC_ADA                                                                                     \
	"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada Vcard\r\nORG:Engines\r\nCATEGORIES:looms\r\n"        \
	"UID:ada-1\r\nEND:VCARD\r\n"

static void
test_store_vcard_put_rules(void **state)
{
	struct tu_store *fx = *state;
	struct vcard *v = vcard_of(VC_ADA), *v2, *bare;
	enum store_card_result res;
	struct store_forgotten gone;
	struct contact *list;
	int64_t id, id2;
	size_t n;

	/* New; the same bytes again: nothing; the same UID, other bytes: updated, one row. */
	assert_int_equal(store_vcard_put(fx->st, v, T0, &res, &id), 0);
	assert_int_equal(res, STORE_CARD_NEW);
	assert_int_equal(store_vcard_put(fx->st, v, T0 + 1, &res, &id2), 0);
	assert_int_equal(res, STORE_CARD_OLDER);
	assert_int_equal(id2, id);
	v2 = vcard_of("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada Vcard\r\nORG:Looms Ltd\r\n"
	              "UID:ada-1\r\nEND:VCARD\r\n");
	assert_int_equal(store_vcard_put(fx->st, v2, T0 + 2, &res, &id2), 0);
	assert_int_equal(res, STORE_CARD_UPDATED);
	assert_int_equal(id2, id);
	/* Without a UID the bytes name the person: a copy is the same one. */
	bare = vcard_of("BEGIN:VCARD\nVERSION:4.0\nFN:Bare Person\nEND:VCARD\n");
	assert_int_equal(store_vcard_put(fx->st, bare, T0, &res, NULL), 0);
	assert_int_equal(res, STORE_CARD_NEW);
	assert_int_equal(store_vcard_put(fx->st, bare, T0, &res, NULL), 0);
	assert_int_equal(res, STORE_CARD_OLDER);
	/* A card contact beside them. */
	put(fx->st, make_card(1, "Carded Person", 1, NULL, NULL), STORE_CARD_NEW);

	/* Listed, with the vCard's bytes as they came and the newer fields; cards are not. */
	assert_int_equal(store_contacts(fx->st, NULL, &list, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(list[0].f.text[CARD_NAME], "Ada Vcard");
	assert_true(contact_unverified(&list[0]));
	assert_string_equal(list[0].f.text[CARD_ORG], "Looms Ltd");
	assert_int_equal(list[0].vcard_len, v2->raw_len);
	assert_memory_equal(list[0].vcard, v2->raw, v2->raw_len);
	assert_int_equal(list[0].rev, 0);
	assert_true(contact_unverified(&list[1]));
	assert_false(contact_unverified(&list[2]));
	contact_free_all(list, n);
	/* Topics and organisations follow the latest vCard: the old ones are gone. */
	assert_int_equal(
	        store_contacts(fx->st, &(struct store_filter){ .topic = "looms" }, &list, &n), 0);
	assert_int_equal(n, 0);
	contact_free_all(list, n);
	/* Search by the words of their fields, as anyone. */
	assert_int_equal(store_contact_find(fx->st, "looms", &list, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].id, id);
	contact_free_all(list, n);
	/* Meetings hang off them as off anyone; forget takes them away. */
	assert_int_equal(store_met(fx->st, id, "Quiet Meetup", T0), 0);
	assert_int_equal(store_forget(fx->st, id, &gone), 0);
	assert_int_equal(store_contacts(fx->st, NULL, &list, &n), 0);
	assert_int_equal(n, 2);
	contact_free_all(list, n);
	assert_int_equal(store_check(fx->st), 0);
	vcard_free_all(v, 1);
	vcard_free_all(v2, 1);
	vcard_free_all(bare, 1);
}

int
main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, tu_store_setup, tu_store_teardown)
	const struct CMUnitTest tests[] = {
		T(test_store_card_put_rev_rules),    T(test_store_met_and_filters),
		T(test_store_contact_find_prefixes), T(test_store_followups),
		T(test_store_is_contact_exact),      T(test_store_name_elsewhere_case),
		T(test_store_notes_rules),           T(test_store_durability_sigkill),
		T(test_store_met_again_local_day),   T(test_store_vcard_put_rules),
	};

	assert_int_equal(crypt_init(), 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
