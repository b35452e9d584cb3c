/*
 * graph_select: a view of the network, the people met since a date or at an event. Each
 * case spells out by hand which nodes and edges the view must hold (docs/graph.md): you,
 * the people kept, the events, topics and organisations linked to them, and the edges
 * among those, in the graph's order.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "testutil.h"
#include "wallflower/graph.h"

/* The network of every case:
 *   Ada (last met 100): met at Conf, knows Rust, works at Acme
 *   Bo (300): met at Conf (50) and Fair (300), offers Go, introduced by Ada
 *   Cy (never met): knows Lisp, works at Initech
 *   Di (500): met at Fair, works at Acme, introduced by Cy
 *   you: at Conf and Fair, seek Haskell (nobody holds it), offer Go */
struct fixture {
	struct graph g;
	uint32_t conf, fair, rust;
};

static uint32_t
add(struct graph *g, enum graph_kind kind, const char *label, const char *id, uint64_t last)
{
	uint32_t v;

	assert_int_equal(graph_add_node(g, kind, label, id, &v), 0);
	g->nodes[v].last_met = last;
	return v;
}

static void
tie(struct graph *g, uint32_t from, uint32_t to, enum graph_edge_kind kind, uint64_t at)
{
	assert_int_equal(graph_add_edge(g, from, to, kind, at), 0);
}

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	struct graph *g = &fx->g;
	uint32_t ada, bo, cy, di, go, hs, lisp, acme, initech;

	assert_non_null(fx);
	assert_int_equal(graph_init(g, "Me"), 0);
	ada = add(g, GRAPH_PERSON, "Ada", "fpr-ada", 100);
	bo = add(g, GRAPH_PERSON, "Bo", "fpr-bo", 300);
	cy = add(g, GRAPH_PERSON, "Cy", "fpr-cy", 0);
	di = add(g, GRAPH_PERSON, "Di", "fpr-di", 500);
	fx->conf = add(g, GRAPH_EVENT, "Conf", "event:Conf", 0);
	fx->fair = add(g, GRAPH_EVENT, "Fair", "event:Fair", 0);
	fx->rust = add(g, GRAPH_TOPIC, "Rust", "topic:Rust", 0);
	go = add(g, GRAPH_TOPIC, "Go", "topic:Go", 0);
	hs = add(g, GRAPH_TOPIC, "Haskell", "topic:Haskell", 0);
	lisp = add(g, GRAPH_TOPIC, "Lisp", "topic:Lisp", 0);
	acme = add(g, GRAPH_ORG, "Acme", "org:Acme", 0);
	initech = add(g, GRAPH_ORG, "Initech", "org:Initech", 0);
	tie(g, ada, fx->conf, GRAPH_MET_AT, 100);
	tie(g, bo, fx->conf, GRAPH_MET_AT, 50);
	tie(g, bo, fx->fair, GRAPH_MET_AT, 300);
	tie(g, di, fx->fair, GRAPH_MET_AT, 500);
	tie(g, 0, fx->conf, GRAPH_MET_AT, 50);
	tie(g, 0, fx->fair, GRAPH_MET_AT, 300);
	tie(g, bo, ada, GRAPH_INTRODUCED_BY, 40);
	tie(g, di, cy, GRAPH_INTRODUCED_BY, 450);
	tie(g, 0, hs, GRAPH_SEEKS, 0);
	tie(g, 0, go, GRAPH_OFFERS, 0);
	tie(g, ada, fx->rust, GRAPH_KNOWS, 1);
	tie(g, bo, go, GRAPH_OFFERS, 2);
	tie(g, cy, lisp, GRAPH_KNOWS, 3);
	tie(g, ada, acme, GRAPH_WORKS_AT, 4);
	tie(g, di, acme, GRAPH_WORKS_AT, 5);
	tie(g, cy, initech, GRAPH_WORKS_AT, 6);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	graph_clear(&fx->g);
	free(fx);
	return 0;
}

/* "from>to:kind@at" for an edge of out, to compare with the expected list. */
static void
edge_text(const struct graph *out, size_t i, char *buf, size_t size)
{
	const struct graph_edge *e = &out->edges[i];

	snprintf(buf, size, "%s>%s:%s@%llu", out->nodes[e->from].label, out->nodes[e->to].label,
	         graph_edge_kind_name(e->kind), (unsigned long long)e->at);
}

/* out holds exactly the nodes labels (in order) and the edges want (in order). */
static void
check_view(const struct graph *out, const char *const *labels, size_t n_labels,
           const char *const *want, size_t n_want)
{
	char buf[128];

	assert_int_equal(out->n_nodes, n_labels);
	for (size_t v = 0; v < n_labels; v++)
		assert_string_equal(out->nodes[v].label, labels[v]);
	assert_int_equal(out->n_edges, n_want);
	for (size_t i = 0; i < n_want; i++) {
		edge_text(out, i, buf, sizeof(buf));
		assert_string_equal(buf, want[i]);
	}
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Everyone: the whole network, in its order (Haskell, which only you seek, included: what
 * you seek stays in every view). */
static void
test_graph_select_everyone(void **state)
{
	struct fixture *fx = *state;
	struct graph_select sel = { .since = 0, .event = UINT32_MAX };
	struct graph out;
	size_t w = 0;
	char a[128], b[128];

	assert_int_equal(graph_select(&fx->g, &sel, &out), 0);
	assert_int_equal(out.n_nodes, fx->g.n_nodes);
	for (size_t v = 0; v < fx->g.n_nodes; v++) {
		const struct graph_node *x = &fx->g.nodes[v];

		assert_int_equal(out.nodes[w].kind, x->kind);
		assert_string_equal(out.nodes[w].label, x->label);
		assert_string_equal(out.nodes[w].id, x->id);
		assert_int_equal(out.nodes[w].last_met, x->last_met);
		/* The view's own copy: the original may go first. */
		assert_ptr_not_equal(out.nodes[w].label, x->label);
		w++;
	}
	assert_int_equal(out.n_edges, fx->g.n_edges);
	w = 0;
	for (size_t i = 0; i < fx->g.n_edges; i++) {
		edge_text(&fx->g, i, a, sizeof(a));
		edge_text(&out, w++, b, sizeof(b));
		assert_string_equal(b, a);
	}
	graph_clear(&out);
}

static void
test_graph_select_since(void **state)
{
	static const char *const labels[] = { "Me",   "Bo", "Di",      "Conf",
		                              "Fair", "Go", "Haskell", "Acme" };
	static const char *const edges[] = {
		"Bo>Conf:met_at@50", "Bo>Fair:met_at@300", "Di>Fair:met_at@500",
		"Me>Conf:met_at@50", "Me>Fair:met_at@300", "Me>Haskell:seeks@0",
		"Me>Go:offers@0",    "Bo>Go:offers@2",     "Di>Acme:works_at@5",
	};
	struct fixture *fx = *state;
	struct graph_select sel = { .since = 300, .event = UINT32_MAX };
	struct graph out;

	assert_int_equal(graph_select(&fx->g, &sel, &out), 0);
	check_view(&out, labels, N(labels), edges, N(edges));
	assert_string_equal(out.nodes[1].id, "fpr-bo");
	assert_int_equal(out.nodes[2].last_met, 500);
	assert_string_equal(out.nodes[5].id, "topic:Go");
	graph_clear(&out);
}

static void
test_graph_select_event(void **state)
{
	static const char *const labels[] = { "Me",   "Ada", "Bo",      "Conf", "Fair",
		                              "Rust", "Go",  "Haskell", "Acme" };
	static const char *const edges[] = {
		"Ada>Conf:met_at@100", "Bo>Conf:met_at@50",   "Bo>Fair:met_at@300",
		"Me>Conf:met_at@50",   "Me>Fair:met_at@300",  "Bo>Ada:introduced_by@40",
		"Me>Haskell:seeks@0",  "Me>Go:offers@0",      "Ada>Rust:knows@1",
		"Bo>Go:offers@2",      "Ada>Acme:works_at@4",
	};
	struct fixture *fx = *state;
	struct graph_select sel = { .since = 0, .event = fx->conf };
	struct graph out;

	assert_int_equal(graph_select(&fx->g, &sel, &out), 0);
	check_view(&out, labels, N(labels), edges, N(edges));
	graph_clear(&out);
}

static void
test_graph_select_since_and_event(void **state)
{
	static const char *const labels[] = { "Me", "Bo", "Conf", "Fair", "Go", "Haskell" };
	static const char *const edges[] = {
		"Bo>Conf:met_at@50",  "Bo>Fair:met_at@300", "Me>Conf:met_at@50",
		"Me>Fair:met_at@300", "Me>Haskell:seeks@0", "Me>Go:offers@0",
		"Bo>Go:offers@2",
	};
	struct fixture *fx = *state;
	struct graph_select sel = { .since = 101, .event = fx->conf };
	struct graph out;

	assert_int_equal(graph_select(&fx->g, &sel, &out), 0);
	check_view(&out, labels, N(labels), edges, N(edges));
	graph_clear(&out);
}

/* Since a date equal to a last meeting keeps that person: "since" includes the day. */
static void
test_graph_select_since_inclusive(void **state)
{
	struct fixture *fx = *state;
	struct graph_select sel = { .since = 500, .event = UINT32_MAX };
	struct graph out;

	assert_int_equal(graph_select(&fx->g, &sel, &out), 0);
	assert_int_equal(out.n_nodes, 6); /* Me, Di, Fair, Go, Haskell, Acme */
	assert_string_equal(out.nodes[1].label, "Di");
	graph_clear(&out);
	sel.since = 501;
	assert_int_equal(graph_select(&fx->g, &sel, &out), 0);
	assert_int_equal(out.n_nodes, 3); /* you and your own topics, Go and Haskell */
	assert_int_equal(out.n_edges, 2);
	assert_int_equal(out.nodes[0].kind, GRAPH_ME);
	assert_string_equal(out.nodes[2].label, "Haskell");
	graph_clear(&out);
}

static void
test_graph_select_bad_event(void **state)
{
	struct fixture *fx = *state;
	struct graph_select sel = { .since = 0, .event = fx->rust };
	struct graph out;

	/* A topic is not an event; an index past the end is nothing. */
	assert_int_equal(graph_select(&fx->g, &sel, &out), -EINVAL);
	assert_int_equal(out.n_nodes, 0);
	assert_null(out.nodes);
	sel.event = (uint32_t)fx->g.n_nodes;
	assert_int_equal(graph_select(&fx->g, &sel, &out), -EINVAL);
	/* A hand-made graph with an edge out of range. */
	sel.event = UINT32_MAX;
	fx->g.edges[0].to = (uint32_t)fx->g.n_nodes + 7;
	assert_int_equal(graph_select(&fx->g, &sel, &out), -EINVAL);
	graph_clear(&out);
}

int
main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_graph_select_everyone),        T(test_graph_select_since),
		T(test_graph_select_event),           T(test_graph_select_since_and_event),
		T(test_graph_select_since_inclusive), T(test_graph_select_bad_event),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
