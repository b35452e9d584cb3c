/*
 * store_search: finding people by the words of their current card (name, organisation,
 * email, topics, offers, seeks) as prefixes, ignoring case and accents; what a CONTACT
 * argument resolves to; the words following card updates; and migration 6 filling them
 * for a store made before it.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h> /* only to turn a store back into schema 5 */

#include "testutil.h"
#include "wallflower/store.h"

#define T0 1790000000

/* A card from seed s with name, org, one email and up to two topics (NULL: none). */
static struct card *
make_card(uint8_t s, const char *name, uint64_t rev, const char *org, const char *email,
          const char *topic1, const char *topic2)
{
	char *emails[1] = { (char *)email }, *topics[2] = { (char *)topic1, (char *)topic2 };
	struct card_fields f;

	card_fields_init(&f);
	f.text[CARD_ORG] = (char *)org;
	if (email != NULL) {
		card_fields_list(&f, CARD_EMAIL)->items = emails;
		card_fields_list(&f, CARD_EMAIL)->n = 1;
	}
	if (topic1 != NULL) {
		card_fields_list(&f, CARD_TOPICS)->items = topics;
		card_fields_list(&f, CARD_TOPICS)->n = topic2 != NULL ? 2 : 1;
	}
	return tu_card(s, name, rev, &f);
}

static void
put(struct store *st, struct card *card)
{
	assert_non_null(card);
	assert_int_equal(store_card_put(st, card, T0, NULL, NULL), 0);
	card_free(card);
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(((const struct contact *)a)->f.text[CARD_NAME],
	              ((const struct contact *)b)->f.text[CARD_NAME]);
}

/* The names of list, sorted bytewise (the listing order is not what is tested), as
 * "A|B|..." in a static buffer; frees list. */
static const char *
names(struct contact *list, size_t n)
{
	static char buf[512];

	buf[0] = '\0';
	if (n > 1)
		qsort(list, n, sizeof(*list), name_cmp);
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			strcat(buf, "|");
		assert_true(strlen(buf) + strlen(list[i].f.text[CARD_NAME]) + 2 < sizeof(buf));
		strcat(buf, list[i].f.text[CARD_NAME]);
	}
	contact_free_all(list, n);
	return buf;
}

/* Who store_contacts finds for query. */
static const char *
search(struct store *st, const char *query)
{
	struct store_filter f = { .search = query };
	struct contact *list;
	size_t n;

	assert_int_equal(store_contacts(st, &f, &list, &n), 0);
	return names(list, n);
}

/* Whom store_contact_find finds for prefix. */
static const char *
find(struct store *st, const char *prefix)
{
	struct contact *list;
	size_t n;

	assert_int_equal(store_contact_find(st, prefix, &list, &n), 0);
	return names(list, n);
}

static void
people(struct store *st)
{
	put(st, make_card(1, "Zoë Washington", 1, "Serenity", NULL, NULL, NULL));
	put(st, make_card(2, "María Carreño", 1, "Universidad de Málaga", NULL, "Wikis", NULL));
	put(st, make_card(3, "Grace Hopper", 1, "US Navy", "grace@navy.mil", "COBOL", "compilers"));
	put(st, make_card(4, "Σοφία Παπαδοπούλου", 1, "ΕΚΠΑ", NULL, NULL, NULL));
	put(st, make_card(5, "山田太郎", 1, "東京大学", NULL, NULL, NULL));
	put(st, make_card(6, "Mariana Costa", 1, NULL, "mc@example.org", "ｗｉｋｉｓ", NULL));
}

static void
test_store_search_contacts_examples(void **state)
{
	struct tu_store *fx = *state;

	people(fx->st);
	assert_string_equal(search(fx->st, "ZOË"), "Zoë Washington");
	assert_string_equal(search(fx->st, "zoe"), "Zoë Washington");
	assert_string_equal(search(fx->st, "maria"), "Mariana Costa|María Carreño");
	assert_string_equal(search(fx->st, "MARÍA carr"), "María Carreño");
	assert_string_equal(search(fx->st, "carreno"), "María Carreño");
	assert_string_equal(search(fx->st, "hopper"), "Grace Hopper");
	assert_string_equal(search(fx->st, "grace hop"), "Grace Hopper");
	assert_string_equal(search(fx->st, "hop grace"), "Grace Hopper"); /* any order */
	assert_string_equal(search(fx->st, "navy"), "Grace Hopper");      /* org and email */
	assert_string_equal(search(fx->st, "navy.mil"), "Grace Hopper");
	assert_string_equal(search(fx->st, "cobol"), "Grace Hopper"); /* a topic */
	assert_string_equal(search(fx->st, "malaga"), "María Carreño");
	assert_string_equal(search(fx->st, "wiki"), "Mariana Costa|María Carreño"); /* fullwidth */
	assert_string_equal(search(fx->st, "ΣΟΦΙΑ"), "Σοφία Παπαδοπούλου");
	assert_string_equal(search(fx->st, "παπαδοπουλου"), "Σοφία Παπαδοπούλου");
	assert_string_equal(search(fx->st, "東京"), "山田太郎"); /* a prefix of the org */
	/* Every word must match, as a prefix of a word: not inside one. */
	assert_string_equal(search(fx->st, "grace zzz"), "");
	assert_string_equal(search(fx->st, "opper"), "");
	assert_string_equal(search(fx->st, "hopperx"), "");
	/* The range is tight on both sides: neighbours of "hop" in sort order do not match. */
	assert_string_equal(search(fx->st, "hon"), "");
	assert_string_equal(search(fx->st, "hoq"), "");
	assert_string_equal(search(fx->st, "h"), "Grace Hopper");
	/* No words, patterns and text that is not UTF-8 match nobody. */
	assert_string_equal(search(fx->st, ""), "");
	assert_string_equal(search(fx->st, " @@ "), "");
	assert_string_equal(search(fx->st, "%"), "");
	/* % and _ separate words; as LIKE wildcards they would find Grace. */
	assert_string_equal(search(fx->st, "%race"), "");
	assert_string_equal(search(fx->st, "_race"), "");
	assert_string_equal(search(fx->st, "gr%"), "Grace Hopper");
	assert_string_equal(search(fx->st, "gr\xff"), "");
}

/* Who store_contacts finds for query among the people who know topic. */
static const char *
search_topic(struct store *st, const char *query, const char *topic)
{
	struct store_filter f = { .search = query, .topic = topic };
	struct contact *list;
	size_t n;

	assert_int_equal(store_contacts(st, &f, &list, &n), 0);
	return names(list, n);
}

/* The search and the topic filter both hold: the topic by its canonical form (the
 * fullwidth "ｗｉｋｉｓ" is "Wikis"), the search by its words. */
static void
test_store_search_contacts_with_filters(void **state)
{
	struct tu_store *fx = *state;

	people(fx->st);
	assert_string_equal(search_topic(fx->st, "maria", "WIKIS"), "Mariana Costa|María Carreño");
	assert_string_equal(search_topic(fx->st, "carreño", "wikis"), "María Carreño");
	assert_string_equal(search_topic(fx->st, "zoe", "Wikis"), "");
	assert_string_equal(search_topic(fx->st, "grace", "cobol"), "Grace Hopper");
}

static void
test_store_search_card_update(void **state)
{
	struct tu_store *fx = *state;

	put(fx->st, make_card(3, "Grace Hopper", 2, "US Navy", "grace@navy.mil", NULL, NULL));
	assert_string_equal(search(fx->st, "navy"), "Grace Hopper");
	/* A newer card's words replace the old ones. */
	put(fx->st, make_card(3, "Grace Brewster Hopper", 3, "Yale", NULL, "COBOL", NULL));
	assert_string_equal(search(fx->st, "navy"), "");
	assert_string_equal(search(fx->st, "yale brew"), "Grace Brewster Hopper");
	assert_string_equal(search(fx->st, "cobol"), "Grace Brewster Hopper");
	/* An older one changes nothing. */
	put(fx->st, make_card(3, "Grace Murray", 1, "US Navy", NULL, NULL, NULL));
	assert_string_equal(search(fx->st, "murray"), "");
	assert_string_equal(search(fx->st, "yale"), "Grace Brewster Hopper");
}

static void
test_store_search_find_words(void **state)
{
	struct tu_store *fx = *state;
	struct contact *list;
	size_t n;

	people(fx->st);
	put(fx->st, make_card(7, "Ada Lovelace", 1, NULL, NULL, NULL, NULL));
	put(fx->st, make_card(8, "Adam Smith", 1, NULL, NULL, NULL, NULL));
	assert_string_equal(find(fx->st, "hopper"), "Grace Hopper");
	assert_string_equal(find(fx->st, "ZOË"), "Zoë Washington");
	assert_string_equal(find(fx->st, "navy"), "Grace Hopper");
	/* Ambiguous: both, for the caller to list. */
	assert_string_equal(find(fx->st, "ad"), "Ada Lovelace|Adam Smith");
	assert_string_equal(find(fx->st, "mari"), "Mariana Costa|María Carreño");
	/* A whole word names its person: "maria" is María, not Mariana too. */
	assert_string_equal(find(fx->st, "maria"), "María Carreño");
	assert_string_equal(find(fx->st, "ada"), "Ada Lovelace");
	assert_string_equal(find(fx->st, "ADA "), "Ada Lovelace");
	assert_string_equal(find(fx->st, "wikis"), "Mariana Costa|María Carreño");
	/* A whole name first: "ann" is Ann, though Ann Smith has the whole word too. */
	put(fx->st, make_card(10, "Ann", 1, NULL, NULL, NULL, NULL));
	put(fx->st, make_card(11, "Ann Smith", 1, NULL, NULL, NULL, NULL));
	assert_string_equal(find(fx->st, "ANN"), "Ann");
	assert_string_equal(find(fx->st, "smith"), "Adam Smith|Ann Smith");
	assert_string_equal(find(fx->st, "zzz"), "");
	assert_int_equal(store_contact_find(fx->st, "", &list, &n), -EINVAL);
	assert_int_equal(store_contact_find(fx->st, "--", &list, &n), -EINVAL);
}

/* The fingerprint of the contact named name. */
static void
fpr_of(struct store *st, const char *name, char fpr[IDENTITY_FPR_LEN + 1])
{
	struct contact *list;
	size_t n;

	assert_int_equal(store_contact_find(st, name, &list, &n), 0);
	assert_int_equal(n, 1);
	memcpy(fpr, list[0].fpr, IDENTITY_FPR_LEN + 1);
	contact_free_all(list, n);
}

static void
test_store_search_find_fingerprint(void **state)
{
	struct tu_store *fx = *state;
	char fpr[IDENTITY_FPR_LEN + 1], spoof[64], upper[IDENTITY_FPR_LEN + 1], group[5];
	const char *got;

	put(fx->st, make_card(7, "Ada Lovelace", 1, NULL, NULL, NULL, NULL));
	fpr_of(fx->st, "Ada Lovelace", fpr);
	/* Someone names themselves after Ada's fingerprint: its groups, as words, and its
	 * first group alone. */
	snprintf(spoof, sizeof(spoof), "%s", fpr);
	for (char *p = spoof; *p; p++)
		if (*p == '-')
			*p = ' ';
	memcpy(group, fpr, 4);
	group[4] = '\0';
	put(fx->st, make_card(8, spoof, 1, NULL, NULL, NULL, NULL));
	put(fx->st, make_card(9, group, 1, NULL, NULL, NULL, NULL));
	/* The whole fingerprint is Ada, with or without dashes, in any case. */
	assert_string_equal(find(fx->st, fpr), "Ada Lovelace");
	for (size_t i = 0; i <= IDENTITY_FPR_LEN; i++)
		upper[i] = fpr[i] >= 'a' && fpr[i] <= 'z' ? (char)(fpr[i] - 'a' + 'A') : fpr[i];
	assert_string_equal(find(fx->st, upper), "Ada Lovelace");
	/* A prefix that is also someone's whole name is ambiguous, not the name's. */
	got = find(fx->st, group);
	assert_non_null(strstr(got, "Ada Lovelace"));
	assert_non_null(strchr(got, '|'));
}

/* Turns the fixture's store back into schema 5 (as made before migrations 6 and 7). */
static void
make_v5(struct tu_store *fx)
{
	static const char v5[] = "DROP INDEX topic_canon;"
	                         "DROP INDEX event_canon;"
	                         "DROP INDEX org_canon;"
	                         "DROP TABLE ask_made;" /* schema 9 */
	                         "DROP INDEX inbox_via;"
	                         "ALTER TABLE inbox DROP COLUMN via;"
	                         "ALTER TABLE inbox DROP COLUMN intro;"
	                         "ALTER TABLE inbox DROP COLUMN kind;"
	                         "DROP TABLE in_person;" /* schema 8 */
	                         "DROP TABLE person_word;"
	                         "ALTER TABLE person DROP COLUMN vcard;"
	                         "ALTER TABLE topic DROP COLUMN canon;"
	                         "ALTER TABLE event DROP COLUMN canon;"
	                         "ALTER TABLE org DROP COLUMN canon;"
	                         "ALTER TABLE blocked DROP COLUMN name;"
	                         "PRAGMA user_version = 5;";
	sqlite3 *db;

	store_close(fx->st);
	fx->st = NULL;
	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, v5, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	assert_int_equal(chmod(fx->path, 0600), 0);
}

static void
test_store_search_migrate_from_v5(void **state)
{
	struct tu_store *fx = *state;

	people(fx->st);
	/* Ada's current card is the newer one: its words are the ones kept. */
	put(fx->st, make_card(7, "Ada Byron", 1, NULL, NULL, NULL, NULL));
	put(fx->st, make_card(7, "Ada Lovelace", 2, "Analytical Engines", NULL, NULL, NULL));
	make_v5(fx);
	assert_int_equal(store_open(fx->path, &fx->st, NULL), 0);
	assert_int_equal(store_schema_version(fx->st), STORE_SCHEMA_VERSION);
	assert_string_equal(search(fx->st, "zoe"), "Zoë Washington");
	assert_string_equal(search(fx->st, "navy"), "Grace Hopper");
	assert_string_equal(search(fx->st, "maria"), "Mariana Costa|María Carreño");
	assert_string_equal(search(fx->st, "engines"), "Ada Lovelace");
	assert_string_equal(search(fx->st, "byron"), "");
}

int
main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, tu_store_setup, tu_store_teardown)
	const struct CMUnitTest tests[] = {
		T(test_store_search_contacts_examples), T(test_store_search_contacts_with_filters),
		T(test_store_search_card_update),       T(test_store_search_find_words),
		T(test_store_search_find_fingerprint),  T(test_store_search_migrate_from_v5),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
