/*
 * store_vocab: topics, events and organisations by canonical form. Names that differ only
 * in case, spacing or width are one node, shown by the first form seen: when cards and
 * meetings come in (get-or-create), in an older store that migration 6 merges, in the
 * filters of store_contacts, in the listings, and in the graph's gaps.
 */
#include <string.h>
#include <time.h>

#include <sqlite3.h> /* to make an older store, and to look at its rows */

#include "testutil.h"
#include "wallflower/store.h"

#define T0  1790000000
#define DAY 86400

#define FULLWIDTH_WIKIS                                                                            \
	"\xef\xbc\xb7\xef\xbc\xa9\xef\xbc\xab\xef\xbc\xa9\xef\xbc\xb3" /* ＷＩＫＩＳ */

/* A card from seed s: name, and at most one topic of each kind, and an org. */
static struct card *
make_card(uint8_t s, const char *name, uint64_t rev, const char *org, const char *knows,
          const char *offers, const char *seeks)
{
	char *k[1] = { (char *)knows }, *o[1] = { (char *)offers }, *sk[1] = { (char *)seeks };
	struct card_fields f;

	card_fields_init(&f);
	f.text[CARD_ORG] = (char *)org;
	if (knows != NULL)
		*card_fields_list(&f, CARD_TOPICS) = (struct card_list){ k, 1 };
	if (offers != NULL)
		*card_fields_list(&f, CARD_OFFERS) = (struct card_list){ o, 1 };
	if (seeks != NULL)
		*card_fields_list(&f, CARD_SEEKS) = (struct card_list){ sk, 1 };
	return tu_card(s, name, rev, &f);
}

static int64_t
put(struct store *st, struct card *card)
{
	int64_t id = 0;

	assert_int_equal(store_card_put(st, card, T0, NULL, &id), 0);
	card_free(card);
	return id;
}

static size_t
count(struct store *st, const char *event, const char *topic)
{
	struct store_filter f = { .event = event, .topic = topic };
	struct contact *list;
	size_t n;

	assert_int_equal(store_contacts(st, &f, &list, &n), 0);
	contact_free_all(list, n);
	return n;
}

/* One integer from constant SQL on the raw file (the store is closed meanwhile). */
static int64_t
sql_int(struct tu_store *fx, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	int64_t v;

	store_close(fx->st);
	fx->st = NULL;
	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	assert_int_equal(store_open(fx->path, &fx->st, NULL), 0);
	return v;
}

static void
test_store_vocab_id_one_topic(void **state)
{
	struct tu_store *fx = *state;
	struct store_vocab *v;
	size_t n;

	put(fx->st, make_card(1, "Ada", 1, "Engines", "Wikis", NULL, NULL));
	put(fx->st, make_card(2, "Bo", 1, "ENGINES", NULL, " wikis", NULL));
	put(fx->st, make_card(3, "Cy", 1, "engines ", NULL, NULL, FULLWIDTH_WIKIS));
	assert_int_equal(sql_int(fx, "SELECT count(*) FROM topic"), 1);
	assert_int_equal(sql_int(fx, "SELECT count(*) FROM org"), 1);
	/* The first form seen is the one shown, with all three people. */
	assert_int_equal(store_vocab_list(fx->st, STORE_VOCAB_TOPIC, NULL, &v, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].name, "Wikis");
	assert_string_equal(v[0].canon, "wikis");
	assert_int_equal(v[0].people, 3);
	assert_int_equal(v[0].knows, 1);
	assert_int_equal(v[0].offers, 1);
	assert_int_equal(v[0].seeks, 1);
	store_vocab_free_all(v, n);
	assert_int_equal(store_vocab_list(fx->st, STORE_VOCAB_ORG, NULL, &v, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].name, "Engines");
	assert_int_equal(v[0].people, 3);
	store_vocab_free_all(v, n);
	/* The first person drops it: the node stays for the others, with its first form. */
	put(fx->st, make_card(1, "Ada", 2, NULL, "search", NULL, NULL));
	assert_int_equal(store_vocab_list(fx->st, STORE_VOCAB_TOPIC, "offers", &v, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].name, "Wikis");
	assert_int_equal(v[0].people, 2);
	store_vocab_free_all(v, n);
}

static void
test_store_vocab_id_one_event(void **state)
{
	struct tu_store *fx = *state;
	int64_t ada = put(fx->st, make_card(1, "Ada", 1, NULL, NULL, NULL, NULL));
	int64_t bo = put(fx->st, make_card(2, "Bo", 1, NULL, NULL, NULL, NULL));
	struct contact *list;
	size_t n;

	assert_int_equal(store_met(fx->st, ada, "Intranet Now", T0), 0);
	assert_int_equal(store_met(fx->st, bo, "intranet  now", T0), 0);
	/* The same event on the same day: the same meeting, whatever the form. */
	assert_int_equal(store_met(fx->st, ada, "INTRANET NOW", T0 + 60), -EALREADY);
	assert_int_equal(store_met(fx->st, ada, "intranet now", T0 + 3 * DAY), 0);
	assert_int_equal(sql_int(fx, "SELECT count(*) FROM event"), 1);
	assert_int_equal(count(fx->st, "iNTRANET now ", NULL), 2);
	assert_int_equal(store_contact_find(fx->st, "Ada", &list, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].n_met, 2);
	assert_string_equal(list[0].met[0].event, "Intranet Now");
	assert_string_equal(list[0].met[1].event, "Intranet Now");
	contact_free_all(list, n);
	/* A blank event is no event. */
	assert_int_equal(store_met(fx->st, ada, " ", T0), -EINVAL);
}

/* A name stored under a form this build would not compute (a newer Unicode's folding)
 * is still that node, not an error. */
static void
test_store_vocab_id_stale_form(void **state)
{
	struct tu_store *fx = *state;
	sqlite3 *db;

	store_close(fx->st);
	fx->st = NULL;
	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
	                              "INSERT INTO topic (id, name, canon) VALUES "
	                              "(5, 'Wikis', 'an older form')",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	assert_int_equal(store_open(fx->path, &fx->st, NULL), 0);
	put(fx->st, make_card(1, "Ada", 1, NULL, "Wikis", NULL, NULL));
	assert_int_equal(sql_int(fx, "SELECT count(*) FROM topic"), 1);
	assert_int_equal(sql_int(fx, "SELECT topic_id FROM person_topic"), 5);
}

static void
test_store_vocab_contacts_filters(void **state)
{
	struct tu_store *fx = *state;

	put(fx->st, make_card(1, "Ada", 1, NULL, "wikis", NULL, NULL));
	put(fx->st, make_card(2, "Bo", 1, NULL, NULL, "Search", NULL));
	assert_int_equal(count(fx->st, NULL, "WIKIS"), 1);
	assert_int_equal(count(fx->st, NULL, FULLWIDTH_WIKIS), 1);
	assert_int_equal(count(fx->st, NULL, "  wikis "), 1);
	assert_int_equal(count(fx->st, NULL, "search"), 1);
	/* Canonical, not search forms: accents matter here. */
	assert_int_equal(count(fx->st, NULL, "wikís"), 0);
	assert_int_equal(count(fx->st, NULL, "wiki"), 0);
	assert_int_equal(count(fx->st, NULL, ""), 0);
	assert_int_equal(count(fx->st, "wikis", NULL), 0);
	{
		struct store_filter bad = { .topic = "\xff" };
		struct contact *list;
		size_t n;

		assert_int_equal(store_contacts(fx->st, &bad, &list, &n), -EINVAL);
	}
}

static void
test_store_vocab_list_events(void **state)
{
	struct tu_store *fx = *state;
	int64_t ada = put(fx->st, make_card(1, "Ada", 1, NULL, NULL, NULL, NULL));
	int64_t bo = put(fx->st, make_card(2, "Bo", 1, NULL, NULL, NULL, NULL));
	struct store_vocab *v;
	size_t n;

	assert_int_equal(store_met(fx->st, ada, "Intranet Now", T0), 0);
	assert_int_equal(store_met(fx->st, ada, "intranet now", T0 + 2 * DAY), 0);
	assert_int_equal(store_met(fx->st, bo, "INTRANET NOW", T0 + DAY), 0);
	assert_int_equal(store_met(fx->st, bo, "FOSDEM", T0 + 5 * DAY), 0);
	assert_int_equal(store_met(fx->st, bo, NULL, T0 + 9 * DAY), 0);
	assert_int_equal(store_vocab_list(fx->st, STORE_VOCAB_EVENT, NULL, &v, &n), 0);
	assert_int_equal(n, 2);
	/* The latest first. */
	assert_string_equal(v[0].name, "FOSDEM");
	assert_int_equal(v[0].people, 1);
	assert_int_equal(v[0].meetings, 1);
	assert_string_equal(v[1].name, "Intranet Now");
	assert_string_equal(v[1].canon, "intranet now");
	assert_int_equal(v[1].people, 2);
	assert_int_equal(v[1].meetings, 3);
	assert_true(v[1].first == T0 && v[1].last == T0 + 2 * DAY);
	store_vocab_free_all(v, n);
	/* A topic kind means nothing for events; an unknown kind is refused. */
	assert_int_equal(store_vocab_list(fx->st, STORE_VOCAB_EVENT, "knows", &v, &n), -EINVAL);
	assert_int_equal(store_vocab_list(fx->st, STORE_VOCAB_TOPIC, "teaches", &v, &n), -EINVAL);
	assert_null(v);
	assert_int_equal(n, 0);
}

static void
test_store_vocab_list_topics_order(void **state)
{
	struct tu_store *fx = *state;
	struct store_vocab *v;
	size_t n;

	put(fx->st, make_card(1, "Ada", 1, NULL, "zines", "wikis", NULL));
	put(fx->st, make_card(2, "Bo", 1, NULL, "Wikis", NULL, "apples"));
	put(fx->st, make_card(3, "Cy", 1, NULL, NULL, NULL, "Zines"));
	assert_int_equal(store_vocab_list(fx->st, STORE_VOCAB_TOPIC, NULL, &v, &n), 0);
	assert_int_equal(n, 3);
	/* Most people first, then by canonical form. */
	assert_string_equal(v[0].name, "wikis");
	assert_int_equal(v[0].people, 2);
	assert_int_equal(v[0].knows, 1);
	assert_int_equal(v[0].offers, 1);
	assert_string_equal(v[1].name, "zines");
	assert_int_equal(v[1].people, 2);
	assert_string_equal(v[2].name, "apples");
	store_vocab_free_all(v, n);
	assert_int_equal(store_vocab_list(fx->st, STORE_VOCAB_TOPIC, "seeks", &v, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].name, "zines");
	assert_string_equal(v[1].name, "apples");
	store_vocab_free_all(v, n);
}

/*
 * Makes the fixture's store a version-5 store holding, as older builds kept them, three
 * forms of one topic, two of one event and two of one organisation, each a node of its
 * own, with people linked to each; people 1..3 exist (Ada, Bo, Cy).
 */
static void
make_v5(struct tu_store *fx)
{
	static const char v5[] =
	        "DROP INDEX topic_canon;"
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
	        "DELETE FROM person_topic; DELETE FROM works_at; DELETE FROM met_at;"
	        "DELETE FROM topic; DELETE FROM org; DELETE FROM event;"
	        /* The first seen has the lowest id, whatever the order of the rows. */
	        "INSERT INTO topic (id, name) VALUES (9, 'wikis '), (7, 'Wikis'), "
	        "(8, '" FULLWIDTH_WIKIS "'), (4, 'search');"
	        "INSERT INTO person_topic (person_id, topic_id, kind, at) VALUES "
	        "(1, 7, 'knows', 1), (1, 8, 'knows', 2), (2, 9, 'offers', 3), (3, 8, 'seeks', 4), "
	        "(3, 4, 'knows', 5);"
	        "INSERT INTO event (id, name) VALUES (3, 'intranet  now'), (2, 'Intranet Now');"
	        "INSERT INTO met_at (person_id, event_id, at) VALUES (1, 2, 1790000000), "
	        "(1, 3, 1790000100), (2, 3, 1790000000), (1, 3, 1790500000), "
	        /* Cy: one UTC day, two local days where the test runs (UTC+13). */
	        "(3, 2, 1789985600), (3, 3, 1790000000);"
	        "INSERT INTO org (id, name) VALUES (5, 'Engines'), (6, 'ENGINES');"
	        "INSERT INTO works_at (person_id, org_id, at) VALUES (1, 6, 1), (2, 5, 1);"
	        "PRAGMA user_version = 5;";
	sqlite3 *db;
	char *err = NULL;

	store_close(fx->st);
	fx->st = NULL;
	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	if (sqlite3_exec(db, v5, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s", err);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

static void
test_store_vocab_migrate_merges(void **state)
{
	struct tu_store *fx = *state;
	struct store_vocab *v;
	struct contact *list;
	size_t n;

	put(fx->st, make_card(1, "Ada", 1, NULL, NULL, NULL, NULL));
	put(fx->st, make_card(2, "Bo", 1, NULL, NULL, NULL, NULL));
	put(fx->st, make_card(3, "Cy", 1, NULL, NULL, NULL, NULL));
	make_v5(fx);
	/* A day is the user's (store_met): here a zone 13 hours ahead of UTC. */
	setenv("TZ", "XXX-13", 1);
	tzset();
	assert_int_equal(store_open(fx->path, &fx->st, NULL), 0);
	assert_int_equal(store_schema_version(fx->st), STORE_SCHEMA_VERSION);
	/* One node per canonical form, the oldest, shown as first seen. */
	assert_int_equal(sql_int(fx, "SELECT count(*) FROM topic"), 2);
	assert_int_equal(sql_int(fx, "SELECT id FROM topic WHERE canon = 'wikis'"), 7);
	assert_int_equal(sql_int(fx, "SELECT count(*) FROM topic WHERE canon IS NULL"), 0);
	assert_int_equal(sql_int(fx, "SELECT id FROM event WHERE canon = 'intranet now'"), 2);
	assert_int_equal(sql_int(fx, "SELECT count(*) FROM event"), 1);
	assert_int_equal(sql_int(fx, "SELECT id FROM org WHERE canon = 'engines'"), 5);
	assert_int_equal(sql_int(fx, "SELECT count(*) FROM org"), 1);
	/* Ada knew two of the forms: one edge now. */
	assert_int_equal(sql_int(fx, "SELECT count(*) FROM person_topic WHERE person_id = 1"), 1);
	assert_int_equal(store_vocab_list(fx->st, STORE_VOCAB_TOPIC, NULL, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].name, "Wikis");
	assert_int_equal(v[0].people, 3);
	assert_true(v[0].knows == 1 && v[0].offers == 1 && v[0].seeks == 1);
	assert_string_equal(v[1].name, "search");
	store_vocab_free_all(v, n);
	assert_int_equal(store_vocab_list(fx->st, STORE_VOCAB_ORG, NULL, &v, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].name, "Engines");
	assert_int_equal(v[0].people, 2);
	store_vocab_free_all(v, n);
	/* People keep their links, found by any form. */
	assert_int_equal(count(fx->st, NULL, "WIKIS"), 3);
	assert_int_equal(count(fx->st, "intranet now", NULL), 3);
	/* Ada's two meetings on the first day became one; the later one stays. */
	assert_int_equal(store_contact_find(fx->st, "Ada", &list, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].n_met, 2);
	assert_string_equal(list[0].met[0].event, "Intranet Now");
	contact_free_all(list, n);
	/* Cy's two meetings fell on one UTC day but two of the user's days: both stay. */
	assert_int_equal(store_contact_find(fx->st, "Cy", &list, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].n_met, 2);
	contact_free_all(list, n);
	unsetenv("TZ");
	tzset();
	/* The forms are unique from now on: a new form joins the old node. */
	put(fx->st, make_card(4, "Di", 1, NULL, "WIKIS", NULL, NULL));
	assert_int_equal(sql_int(fx, "SELECT count(*) FROM topic"), 2);
	{
		sqlite3 *db;

		store_close(fx->st);
		fx->st = NULL;
		assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
		assert_int_not_equal(sqlite3_exec(db,
		                                  "INSERT INTO topic (name, canon) "
		                                  "VALUES ('Wikis!', 'wikis')",
		                                  NULL, NULL, NULL),
		                     SQLITE_OK);
		assert_int_equal(sqlite3_close(db), SQLITE_OK);
		assert_int_equal(store_open(fx->path, &fx->st, NULL), 0);
	}
}

/* Gaps and hubs see one topic for "Wikis" in your seeks and "wikis " a contact offers. */
static void
test_store_vocab_graph_gaps_canonical(void **state)
{
	struct tu_store *fx = *state;
	struct graph_gaps gaps;
	struct graph g;
	size_t topics = 0;

	assert_int_equal(store_profile_add(fx->st, "default", CARD_SEEKS, "Wikis", NULL), 0);
	assert_int_equal(store_profile_add(fx->st, "default", CARD_SEEKS, "Governance", NULL), 0);
	assert_int_equal(store_profile_add(fx->st, "default", CARD_OFFERS, "governance ", NULL), 0);
	put(fx->st, make_card(1, "Ada", 1, NULL, FULLWIDTH_WIKIS, NULL, NULL));
	put(fx->st, make_card(2, "Bo", 1, NULL, NULL, "wikis", NULL));
	assert_int_equal(store_graph_load(fx->st, "me", &g), 0);
	for (size_t i = 0; i < g.n_nodes; i++)
		topics += g.nodes[i].kind == GRAPH_TOPIC;
	/* wikis (Ada's form, the first seen) and governance (yours, offered and sought). */
	assert_int_equal(topics, 2);
	assert_int_equal(graph_gaps(&g, &gaps), 0);
	assert_int_equal(gaps.n_unmet_seeks, 1);
	/* One node for what you offer and seek: your offers are read first. */
	assert_string_equal(g.nodes[gaps.unmet_seeks[0]].label, "governance ");
	/* Two contacts hold the wikis topic: not a single holder. */
	assert_int_equal(gaps.n_single_holder, 0);
	graph_gaps_clear(&gaps);
	graph_clear(&g);
}

int
main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, tu_store_setup, tu_store_teardown)
	const struct CMUnitTest tests[] = {
		T(test_store_vocab_id_one_topic),   T(test_store_vocab_id_one_event),
		T(test_store_vocab_id_stale_form),  T(test_store_vocab_contacts_filters),
		T(test_store_vocab_list_events),    T(test_store_vocab_list_topics_order),
		T(test_store_vocab_migrate_merges), T(test_store_vocab_graph_gaps_canonical),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
