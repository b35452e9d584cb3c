/*
 * store_graph: the graph as the store loads it. Besides the tables' own edges, you are at
 * every event where you met someone (a met_at edge from node 0, at the first meeting
 * there), and each person's last_met is their latest meeting, at an event or not. Row ids
 * with holes (forgotten people) or far apart still name the right nodes.
 */
#include <stdio.h>
#include <string.h>

#include <sqlite3.h> /* to move a person's rows to a far row id */

#include "testutil.h"
#include "wallflower/store.h"

#define T0  1790000000
#define DAY 86400
#define FAR 2000000000000LL /* a row id no array could span */

static int64_t
put(struct store *st, uint8_t seed, const char *name)
{
	struct card *card = tu_card(seed, name, 1, NULL);
	int64_t id = 0;

	assert_int_equal(store_card_put(st, card, T0, NULL, &id), 0);
	card_free(card);
	return id;
}

static uint32_t
node_named(const struct graph *g, enum graph_kind kind, const char *label)
{
	for (size_t v = 0; v < g->n_nodes; v++)
		if (g->nodes[v].kind == kind && strcmp(g->nodes[v].label, label) == 0)
			return (uint32_t)v;
	fail_msg("no %s node %s", graph_kind_name(kind), label);
	return UINT32_MAX;
}

/* How many edges of kind from -> to, and the at of the last one. */
static size_t
edges_between(const struct graph *g, uint32_t from, uint32_t to, enum graph_edge_kind kind,
              uint64_t *at)
{
	size_t n = 0;

	for (size_t i = 0; i < g->n_edges; i++) {
		const struct graph_edge *e = &g->edges[i];

		if (e->from == from && e->to == to && e->kind == kind) {
			n++;
			*at = e->at;
		}
	}
	return n;
}

static void
test_store_graph_load_me_at_events(void **state)
{
	struct tu_store *fx = *state;
	int64_t ada = put(fx->st, 1, "Ada"), bo = put(fx->st, 2, "Bo");
	uint32_t conf, fair, a, b;
	uint64_t at = 0;
	struct graph g;

	assert_int_equal(store_met(fx->st, ada, "Conf", T0 + 3 * DAY), 0);
	assert_int_equal(store_met(fx->st, bo, "Conf", T0 + 1 * DAY), 0);
	assert_int_equal(store_met(fx->st, ada, "Conf", T0 + 5 * DAY), 0);
	assert_int_equal(store_met(fx->st, bo, "Fair", T0 + 2 * DAY), 0);
	assert_int_equal(store_graph_load(fx->st, "me", &g), 0);
	conf = node_named(&g, GRAPH_EVENT, "Conf");
	fair = node_named(&g, GRAPH_EVENT, "Fair");
	a = node_named(&g, GRAPH_PERSON, "Ada");
	b = node_named(&g, GRAPH_PERSON, "Bo");
	/* One edge from you to each event, at the first meeting there. */
	assert_int_equal(edges_between(&g, 0, conf, GRAPH_MET_AT, &at), 1);
	assert_int_equal(at, T0 + 1 * DAY);
	assert_int_equal(edges_between(&g, 0, fair, GRAPH_MET_AT, &at), 1);
	assert_int_equal(at, T0 + 2 * DAY);
	/* The people's own meetings, each one. */
	assert_int_equal(edges_between(&g, a, conf, GRAPH_MET_AT, &at), 2);
	assert_int_equal(edges_between(&g, b, conf, GRAPH_MET_AT, &at), 1);
	assert_int_equal(edges_between(&g, b, fair, GRAPH_MET_AT, &at), 1);
	assert_int_equal(g.n_edges, 6);
	assert_string_equal(g.nodes[conf].id, "event:Conf");
	graph_clear(&g);
}

static void
test_store_graph_load_last_met(void **state)
{
	struct tu_store *fx = *state;
	int64_t ada = put(fx->st, 1, "Ada"), bo = put(fx->st, 2, "Bo");
	struct graph g;

	(void)put(fx->st, 3, "Cy"); /* never met */
	assert_int_equal(store_met(fx->st, ada, "Conf", T0 + 9 * DAY), 0);
	assert_int_equal(store_met(fx->st, ada, NULL, T0 + 4 * DAY), 0);
	assert_int_equal(store_met(fx->st, bo, "Conf", T0 + 2 * DAY), 0);
	/* Not at an event, and the latest: it still counts. */
	assert_int_equal(store_met(fx->st, bo, NULL, T0 + 7 * DAY), 0);
	assert_int_equal(store_graph_load(fx->st, "me", &g), 0);
	assert_int_equal(g.nodes[node_named(&g, GRAPH_PERSON, "Ada")].last_met, T0 + 9 * DAY);
	assert_int_equal(g.nodes[node_named(&g, GRAPH_PERSON, "Bo")].last_met, T0 + 7 * DAY);
	assert_int_equal(g.nodes[node_named(&g, GRAPH_PERSON, "Cy")].last_met, 0);
	assert_int_equal(g.nodes[0].last_met, 0);
	graph_clear(&g);
}

/* Each person met at an event of their own name: the edge says which node a row became. */
static void
check_own_events(const struct graph *g, size_t people)
{
	size_t seen = 0;

	for (size_t i = 0; i < g->n_edges; i++) {
		const struct graph_edge *e = &g->edges[i];

		if (e->from == 0)
			continue;
		assert_int_equal(e->kind, GRAPH_MET_AT);
		assert_string_equal(g->nodes[e->from].label, g->nodes[e->to].label + 1);
		assert_int_equal(g->nodes[e->from].last_met, e->at);
		seen++;
	}
	assert_int_equal(seen, people);
}

/* Moves a person's rows (those these tests make) to another row id, by hand. */
static void
move_person(struct tu_store *fx, long long from, long long to)
{
	char sql[256];
	sqlite3 *db;

	store_close(fx->st);
	fx->st = NULL;
	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	snprintf(sql, sizeof(sql),
	         "UPDATE person SET id = %lld WHERE id = %lld;"
	         "UPDATE card SET person_id = %lld WHERE person_id = %lld;"
	         "UPDATE met_at SET person_id = %lld WHERE person_id = %lld;",
	         to, from, to, from, to, from);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	assert_int_equal(store_open(fx->path, &fx->st, NULL), 0);
}

/* Forgotten people leave holes in the row ids; one moved far away makes them sparse. */
static void
test_store_graph_load_holes(void **state)
{
	struct tu_store *fx = *state;
	int64_t ids[40];
	char name[16], event[16];
	struct graph g;

	for (unsigned i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "p%u", i);
		snprintf(event, sizeof(event), "@p%u", i);
		ids[i] = put(fx->st, (uint8_t)(i + 1), name);
		assert_int_equal(store_met(fx->st, ids[i], event, T0 + i * DAY), 0);
	}
	for (unsigned i = 0; i < 40; i += 3)
		assert_int_equal(store_forget(fx->st, ids[i], NULL), 0);
	assert_int_equal(store_graph_load(fx->st, "me", &g), 0);
	assert_int_equal(g.n_nodes, 1 + 26 + 26);
	check_own_events(&g, 26);
	graph_clear(&g);

	/* Far beyond any array: row ids searched. */
	move_person(fx, ids[1], FAR);
	assert_int_equal(store_graph_load(fx->st, "me", &g), 0);
	assert_int_equal(g.n_nodes, 1 + 26 + 26);
	assert_string_equal(g.nodes[26].label, "p1"); /* now the last row */
	check_own_events(&g, 26);
	graph_clear(&g);
	move_person(fx, FAR, ids[1]); /* back, for the store check after the test */
}

int
main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, tu_store_setup, tu_store_teardown)
	const struct CMUnitTest tests[] = {
		T(test_store_graph_load_me_at_events),
		T(test_store_graph_load_last_met),
		T(test_store_graph_load_holes),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
