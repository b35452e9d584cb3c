/*
 * graph: building, and every measure on graphs small enough to work out by hand, plus one
 * larger than GRAPH_EXACT_MAX checked against a plain reference implementation.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "testutil.h"
#include "wallflower/graph.h"

#define EPS 1e-12

static uint32_t
add(struct graph *g, enum graph_kind kind, const char *label)
{
	uint32_t v;

	assert_int_equal(graph_add_node(g, kind, label, NULL, &v), 0);
	return v;
}

static void
tie(struct graph *g, uint32_t from, uint32_t to, enum graph_edge_kind kind)
{
	assert_int_equal(graph_add_edge(g, from, to, kind, 1700000000), 0);
}

static uint32_t
person(struct graph *g, const char *prefix, unsigned i)
{
	char label[32];

	snprintf(label, sizeof(label), "%s%u", prefix, i);
	return add(g, GRAPH_PERSON, label);
}

static void
test_graph_add_node_grows(void **state)
{
	struct graph g;
	uint32_t v;

	(void)state;
	assert_int_equal(graph_init(&g, "Ada"), 0);
	assert_int_equal(g.n_nodes, 1);
	assert_int_equal(g.nodes[0].kind, GRAPH_ME);
	assert_string_equal(g.nodes[0].label, "Ada");
	for (unsigned i = 1; i < 1000; i++)
		assert_int_equal(person(&g, "p", i), i);
	assert_string_equal(g.nodes[999].label, "p999");
	assert_string_equal(g.nodes[999].id, "p999"); /* no id: the label */
	assert_int_equal(graph_add_node(&g, GRAPH_TOPIC, "Rust", "topic:Rust", &v), 0);
	assert_string_equal(g.nodes[v].id, "topic:Rust");
	assert_true(g.cap_nodes >= g.n_nodes && g.cap_nodes < 2 * g.n_nodes);
	graph_clear(&g);
	assert_null(g.nodes);
	graph_clear(&g);
	graph_clear(NULL);
}

static void
test_graph_add_edge_bad_index(void **state)
{
	struct graph g;
	uint32_t a;

	(void)state;
	assert_int_equal(graph_init(&g, NULL), 0);
	a = add(&g, GRAPH_PERSON, "a");
	assert_int_equal(graph_add_edge(&g, a, 2, GRAPH_KNOWS, 0), -EINVAL);
	assert_int_equal(graph_add_edge(&g, 7, a, GRAPH_KNOWS, 0), -EINVAL);
	assert_int_equal(graph_add_edge(&g, UINT32_MAX, a, GRAPH_KNOWS, 0), -EINVAL);
	assert_int_equal(graph_add_edge(&g, a, 0, GRAPH_EDGE_KIND_COUNT, 0), -EINVAL);
	assert_int_equal(g.n_edges, 0);
	assert_int_equal(graph_add_edge(&g, a, 0, GRAPH_INTRODUCED_BY, 0), 0);
	graph_clear(&g);
}

/* A graph filled by hand behind graph_add_edge's back is refused, not read out of bounds. */
static void
test_graph_hubs_bad_graph(void **state)
{
	struct graph_stats st;
	struct graph_gaps gaps;
	struct graph_hub *h;
	struct graph g;
	size_t n;

	(void)state;
	assert_int_equal(graph_init(&g, NULL), 0);
	tie(&g, add(&g, GRAPH_PERSON, "a"), add(&g, GRAPH_EVENT, "e"), GRAPH_MET_AT);
	g.edges[0].to = 3;
	assert_int_equal(graph_hubs(&g, 5, &h, &n), -EINVAL);
	assert_null(h);
	assert_int_equal(n, 0);
	assert_int_equal(graph_stats(&g, &st), -EINVAL);
	assert_int_equal(graph_gaps(&g, &gaps), -EINVAL);
	assert_null(gaps.dominant);
	graph_clear(&g);
}

static void
test_graph_kind_name_all(void **state)
{
	(void)state;
	assert_string_equal(graph_kind_name(GRAPH_ME), "me");
	assert_string_equal(graph_kind_name(GRAPH_PERSON), "person");
	assert_string_equal(graph_kind_name(GRAPH_EVENT), "event");
	assert_string_equal(graph_kind_name(GRAPH_TOPIC), "topic");
	assert_string_equal(graph_kind_name(GRAPH_ORG), "org");
	assert_string_equal(graph_edge_kind_name(GRAPH_MET_AT), "met_at");
	assert_string_equal(graph_edge_kind_name(GRAPH_INTRODUCED_BY), "introduced_by");
	assert_string_equal(graph_edge_kind_name(GRAPH_OFFERS), "offers");
	assert_string_equal(graph_edge_kind_name(GRAPH_SEEKS), "seeks");
	assert_string_equal(graph_edge_kind_name(GRAPH_KNOWS), "knows");
	assert_string_equal(graph_edge_kind_name(GRAPH_WORKS_AT), "works_at");
	assert_string_equal(graph_kind_name(GRAPH_KIND_COUNT), "unknown");
	assert_string_equal(graph_edge_kind_name(GRAPH_EDGE_KIND_COUNT), "unknown");
}

/* Hubs */

/* Five people introduced by one: the introducer is on every path between them. */
static void
test_graph_hubs_star_introductions(void **state)
{
	struct graph_hub *h;
	struct graph g;
	uint32_t c;
	size_t n;

	(void)state;
	assert_int_equal(graph_init(&g, NULL), 0);
	c = add(&g, GRAPH_PERSON, "centre");
	for (unsigned i = 0; i < 5; i++)
		tie(&g, person(&g, "leaf", i), c, GRAPH_INTRODUCED_BY);
	assert_int_equal(graph_hubs(&g, 3, &h, &n), 0);
	/* Only the centre: the leaves lie between no one, so they are no hubs at all. */
	assert_int_equal(n, 1);
	assert_int_equal(h[0].node, c);
	/* 10 leaf pairs of the 15 pairs among the 6 other nodes ("me" is one, unconnected). */
	assert_float_equal(h[0].score, 10.0 / 15.0, EPS);
	assert_int_equal(h[0].reach, 5);
	free(h);
	graph_clear(&g);
}

/* One person at three events, each with its own crowd: that person ties them together. */
static void
test_graph_hubs_star_events(void **state)
{
	struct graph_hub *h;
	struct graph g;
	uint32_t c;
	size_t n;

	(void)state;
	assert_int_equal(graph_init(&g, NULL), 0);
	c = add(&g, GRAPH_PERSON, "centre");
	for (unsigned e = 0; e < 3; e++) {
		uint32_t ev = add(&g, GRAPH_EVENT, e == 0 ? "e0" : e == 1 ? "e1" : "e2");

		tie(&g, c, ev, GRAPH_MET_AT);
		for (unsigned i = 0; i < 3; i++)
			tie(&g, person(&g, "p", e * 3 + i), ev, GRAPH_MET_AT);
	}
	assert_int_equal(graph_hubs(&g, 10, &h, &n), 0);
	/* People only (the events, which also lie between, are never listed), and of them
	 * only the one who connects anyone. */
	assert_int_equal(n, 1);
	assert_int_equal(h[0].node, c);
	assert_true(h[0].score > 0);
	assert_int_equal(h[0].reach, 9);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(g.nodes[h[i].node].kind, GRAPH_PERSON);
	free(h);
	graph_clear(&g);
}

/* Two clusters, each sharing two events; one person belongs to both. */
static void
test_graph_hubs_bridge(void **state)
{
	struct graph_hub *h;
	struct graph g;
	uint32_t ev[4], bridge;
	size_t n;

	(void)state;
	assert_int_equal(graph_init(&g, NULL), 0);
	for (unsigned e = 0; e < 4; e++)
		ev[e] = add(&g, GRAPH_EVENT, e < 2 ? "a-event" : "b-event");
	for (unsigned i = 0; i < 12; i++) {
		uint32_t p = person(&g, "p", i);

		tie(&g, p, ev[i < 6 ? 0 : 2], GRAPH_MET_AT);
		tie(&g, p, ev[i < 6 ? 1 : 3], GRAPH_MET_AT);
	}
	bridge = add(&g, GRAPH_PERSON, "bridge");
	tie(&g, bridge, ev[1], GRAPH_MET_AT);
	tie(&g, bridge, ev[2], GRAPH_MET_AT);
	assert_int_equal(graph_hubs(&g, 5, &h, &n), 0);
	assert_int_equal(h[0].node, bridge);
	assert_true(h[0].score > 2 * h[1].score);
	assert_int_equal(h[0].reach, 12);
	free(h);
	graph_clear(&g);
}

/*
 * The path a-b-c-d-e, plus "me" unconnected: n = 6, so 5 * 4 / 2 = 10 pairs are possible
 * for each node. b lies on a-c, a-d, a-e (3: 0.3); c on a-d, a-e, b-d, b-e (4: 0.4); d like
 * b. b and d tie on score and on reach (3 each): the lower index, b, comes first. a and e,
 * at the ends, lie between no one: they are not hubs.
 */
static void
test_graph_hubs_path_exact(void **state)
{
	static const double want_score[] = { 0.4, 0.3, 0.3, 0, 0 };
	static const size_t want_reach[] = { 4, 3, 3, 2, 2 };
	static const uint32_t want_node[] = { 3, 2, 4, 1, 5 };
	static const char *const names[] = { "a", "b", "c", "d", "e" };
	struct graph_hub *h;
	struct graph g;
	size_t n;

	(void)state;
	assert_int_equal(graph_init(&g, NULL), 0);
	for (unsigned i = 0; i < 5; i++)
		assert_int_equal(add(&g, GRAPH_PERSON, names[i]), i + 1);
	for (uint32_t i = 2; i <= 5; i++)
		tie(&g, i, i - 1, GRAPH_INTRODUCED_BY);
	tie(&g, 3, 2, GRAPH_INTRODUCED_BY); /* a parallel edge changes nothing */
	assert_int_equal(graph_hubs(&g, 99, &h, &n), 0);
	assert_int_equal(n, 3);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(h[i].node, want_node[i]);
		assert_float_equal(h[i].score, want_score[i], EPS);
		assert_int_equal(h[i].reach, want_reach[i]);
	}
	free(h);
	graph_clear(&g);
}

/*
 * "me"-a-b (a introduced by you): n = 3, and a is on the one pair that does not include
 * it, so 1.0. Then a-b-c beside an unconnected "me": b is on 1 of the 3 pairs, 1/3.
 */
static void
test_graph_hubs_path_three(void **state)
{
	struct graph_hub *h;
	struct graph g;
	uint32_t a, b, c;
	size_t n;

	(void)state;
	assert_int_equal(graph_init(&g, NULL), 0);
	a = add(&g, GRAPH_PERSON, "a");
	b = add(&g, GRAPH_PERSON, "b");
	tie(&g, a, 0, GRAPH_INTRODUCED_BY);
	tie(&g, b, a, GRAPH_INTRODUCED_BY);
	assert_int_equal(graph_hubs(&g, 5, &h, &n), 0);
	assert_int_equal(n, 1); /* "me" is never a hub, and b connects no one */
	assert_int_equal(h[0].node, a);
	assert_float_equal(h[0].score, 1.0, EPS);
	assert_int_equal(h[0].reach, 1);
	free(h);
	graph_clear(&g);

	assert_int_equal(graph_init(&g, NULL), 0);
	a = add(&g, GRAPH_PERSON, "a");
	b = add(&g, GRAPH_PERSON, "b");
	c = add(&g, GRAPH_PERSON, "c");
	tie(&g, a, b, GRAPH_INTRODUCED_BY);
	tie(&g, c, b, GRAPH_INTRODUCED_BY);
	assert_int_equal(graph_hubs(&g, 1, &h, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(h[0].node, b);
	assert_float_equal(h[0].score, 1.0 / 3.0, EPS);
	free(h);
	graph_clear(&g);
}

static void
test_graph_hubs_empty(void **state)
{
	struct graph_hub *h;
	struct graph g;
	size_t n;

	(void)state;
	assert_int_equal(graph_init(&g, NULL), 0);
	assert_int_equal(graph_hubs(&g, 5, &h, &n), 0);
	assert_null(h);
	assert_int_equal(n, 0);
	add(&g, GRAPH_PERSON, "a");
	assert_int_equal(graph_hubs(&g, 0, &h, &n), 0);
	assert_null(h);
	assert_int_equal(graph_hubs(&g, 5, &h, &n), 0);
	assert_int_equal(n, 0); /* one person alone connects nobody */
	free(h);
	graph_clear(&g);
}

/* The reference's adjacency: rows of neighbours, sorted, without repeats or self-loops. */
struct ref_adj {
	size_t *off, *len;
	uint32_t *to;
};

static int
u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static void
ref_adj_build(const struct graph *g, struct ref_adj *a)
{
	size_t n = g->n_nodes;

	a->off = calloc(n + 1, sizeof(*a->off));
	a->len = calloc(n, sizeof(*a->len));
	a->to = calloc(2 * g->n_edges + 1, sizeof(*a->to));
	if (a->off == NULL || a->len == NULL || a->to == NULL)
		abort(); /* not a cmocka assertion: the analyser knows abort() ends here */
	for (size_t i = 0; i < g->n_edges; i++) {
		a->off[g->edges[i].from + 1]++;
		a->off[g->edges[i].to + 1]++;
	}
	for (size_t v = 0; v < n; v++)
		a->off[v + 1] += a->off[v];
	for (size_t i = 0; i < g->n_edges; i++) {
		uint32_t f = g->edges[i].from, t = g->edges[i].to;

		if (f == t)
			continue;
		a->to[a->off[f] + a->len[f]++] = t;
		a->to[a->off[t] + a->len[t]++] = f;
	}
	for (size_t v = 0; v < n; v++) {
		uint32_t *row = &a->to[a->off[v]];
		size_t k = 0;

		qsort(row, a->len[v], sizeof(*row), u32_cmp);
		for (size_t i = 0; i < a->len[v]; i++)
			if (k == 0 || row[k - 1] != row[i])
				row[k++] = row[i];
		a->len[v] = k;
	}
}

/*
 * Reference betweenness: Brandes' algorithm as published, written plainly (distances in
 * full, a dependency pushed to every predecessor, every node a source), normalised the
 * same way: the sum over sources over (n-1)(n-2).
 */
static double *
ref_betweenness(const struct graph *g)
{
	size_t n = g->n_nodes;
	long *dist = calloc(n, sizeof(*dist));
	uint32_t *order = calloc(n, sizeof(*order));
	double *sigma = calloc(n, sizeof(*sigma)), *delta = calloc(n, sizeof(*delta));
	double *bc = calloc(n, sizeof(*bc));
	struct ref_adj a;

	ref_adj_build(g, &a);
	for (size_t s = 0; s < n; s++) {
		size_t head = 0, tail = 0;

		for (size_t v = 0; v < n; v++) {
			dist[v] = -1;
			sigma[v] = delta[v] = 0;
		}
		dist[s] = 0;
		sigma[s] = 1;
		order[tail++] = (uint32_t)s;
		while (head < tail) {
			uint32_t v = order[head++];

			for (size_t i = a.off[v]; i < a.off[v] + a.len[v]; i++) {
				uint32_t w = a.to[i];

				if (dist[w] < 0) {
					dist[w] = dist[v] + 1;
					order[tail++] = w;
				}
				if (dist[w] == dist[v] + 1)
					sigma[w] += sigma[v];
			}
		}
		while (tail-- > 1) {
			uint32_t w = order[tail];

			for (size_t i = a.off[w]; i < a.off[w] + a.len[w]; i++)
				if (dist[a.to[i]] == dist[w] - 1)
					delta[a.to[i]] +=
					        sigma[a.to[i]] / sigma[w] * (1 + delta[w]);
			bc[w] += delta[w];
		}
	}
	for (size_t v = 0; n >= 3 && v < n; v++)
		bc[v] /= (double)(n - 1) * (double)(n - 2);
	free(a.off);
	free(a.len);
	free(a.to);
	free(order);
	free(dist);
	free(sigma);
	free(delta);
	return bc;
}

static uint32_t
ref_top_person(const struct graph *g)
{
	double *bc = ref_betweenness(g), best = -1;
	uint32_t top = 0;

	for (size_t v = 0; v < g->n_nodes; v++) {
		if (g->nodes[v].kind == GRAPH_PERSON && bc[v] > best) {
			best = bc[v];
			top = (uint32_t)v;
		}
	}
	free(bc);
	return top;
}

/* A small deterministic PRNG for generated graphs (xorshift32). */
static uint32_t
test_rand(uint32_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 17;
	*state ^= *state << 5;
	return *state;
}

/*
 * Random graphs of every shape the exact path must handle: sparse and dense, with
 * isolated nodes and several components, repeated edges and self-loops, people and
 * events mixed. Every person's score must match the reference.
 */
static void
test_graph_hubs_exact_matches_reference(void **state)
{
	static const unsigned shapes[][3] = {
		/* people, events, edges */
		{ 5, 0, 6 },      { 30, 0, 20 },     { 60, 4, 150 },  { 120, 0, 1500 },
		{ 200, 10, 300 }, { 300, 30, 2000 }, { 80, 2, 2000 }, { 400, 0, 500 },
	};
	uint32_t rng = 0x2545f491;

	(void)state;
	for (size_t sh = 0; sh < sizeof(shapes) / sizeof(shapes[0]); sh++) {
		unsigned np = shapes[sh][0], ne = shapes[sh][1];
		struct graph_hub *h;
		struct graph g;
		double *want;
		size_t n;

		assert_int_equal(graph_init(&g, NULL), 0);
		for (unsigned i = 0; i < np; i++)
			person(&g, "p", i);
		for (unsigned i = 0; i < ne; i++)
			add(&g, GRAPH_EVENT, "e");
		for (unsigned i = 0; i < shapes[sh][2]; i++) {
			uint32_t a = 1 + test_rand(&rng) % np, b = test_rand(&rng) % (np + ne + 1);

			tie(&g, a, b, b > np ? GRAPH_MET_AT : GRAPH_INTRODUCED_BY);
		}
		want = ref_betweenness(&g);
		assert_int_equal(graph_hubs(&g, SIZE_MAX, &h, &n), 0);
		/* Every person with a score above 0 is listed, and no one else. */
		size_t positive = 0;

		for (uint32_t v = 1; v <= np; v++)
			positive += want[v] > 0;
		assert_int_equal(n, positive);
		for (size_t i = 0; i < n; i++)
			if (fabs(h[i].score - want[h[i].node]) > 1e-9)
				fail_msg("shape %zu node %u: %.17g, want %.17g", sh, h[i].node,
				         h[i].score, want[h[i].node]);
		free(want);
		free(h);
		graph_clear(&g);
	}
}

/*
 * Two clusters of 2100 people, each person at two of their cluster's 20 events, and one
 * bridge at an event of each: 4242 nodes, past GRAPH_EXACT_MAX, so graph_hubs samples.
 * The second event is never the first, so no edge repeats and the reference needs no
 * deduplication; every pair of a cluster's events shares a few people.
 */
static void
build_two_clusters(struct graph *g, uint32_t *bridge)
{
	uint32_t ev[40];

	assert_int_equal(graph_init(g, NULL), 0);
	for (unsigned e = 0; e < 40; e++)
		ev[e] = add(g, GRAPH_EVENT, e < 20 ? "a" : "b");
	for (unsigned i = 0; i < 4200; i++) {
		unsigned base = i < 2100 ? 0 : 20;
		uint32_t p = person(g, "p", i);

		tie(g, p, ev[base + i % 20], GRAPH_MET_AT);
		tie(g, p, ev[base + (i % 20 + 1 + i / 20 % 19) % 20], GRAPH_MET_AT);
	}
	*bridge = add(g, GRAPH_PERSON, "bridge");
	tie(g, *bridge, ev[5], GRAPH_MET_AT);
	tie(g, *bridge, ev[25], GRAPH_MET_AT);
	assert_true(g->n_nodes > 4096);
}

static void
test_graph_hubs_sampled_matches_exact(void **state)
{
	struct graph_hub *h;
	uint32_t bridge;
	struct graph g;
	size_t n;

	(void)state;
	build_two_clusters(&g, &bridge);
	assert_int_equal(ref_top_person(&g), bridge);
	assert_int_equal(graph_hubs(&g, 3, &h, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(h[0].node, bridge);
	/* About half of all pairs cross the bridge; the estimate is near that. */
	assert_true(h[0].score > 0.35 && h[0].score <= 1.0);
	assert_true(h[1].score < h[0].score / 10);
	free(h);
	graph_clear(&g);
}

static void
test_graph_hubs_deterministic(void **state)
{
	struct graph_hub *h1, *h2;
	uint32_t bridge;
	struct graph g;
	size_t n1, n2;

	(void)state;
	build_two_clusters(&g, &bridge);
	assert_int_equal(graph_hubs(&g, 50, &h1, &n1), 0);
	assert_int_equal(graph_hubs(&g, 50, &h2, &n2), 0);
	assert_int_equal(n1, 50);
	assert_int_equal(n2, n1);
	assert_memory_equal(h1, h2, n1 * sizeof(*h1));
	for (size_t i = 1; i < n1; i++)
		assert_true(h1[i - 1].score >= h1[i].score);
	free(h1);
	free(h2);
	graph_clear(&g);
}

/* The worked example of docs/graph.md, every number of it. */
static void
test_graph_hubs_docs_example(void **state)
{
	static const char *const want_hub[] = { "Caro", "Dev", "Ana", "Ben" };
	static const double want_score[] = { 29.0 / 45, 16.0 / 45, 12.5 / 45, 3.5 / 45 };
	static const size_t want_reach[] = { 3, 1, 2, 2 };
	uint32_t ana, ben, caro, dev, in, meetup, acme, bolt, search, a11y;
	struct graph_stats st;
	struct graph_gaps gaps;
	struct graph_hub *h;
	struct graph g;
	size_t n;

	(void)state;
	assert_int_equal(graph_init(&g, "me"), 0);
	ana = add(&g, GRAPH_PERSON, "Ana");
	ben = add(&g, GRAPH_PERSON, "Ben");
	caro = add(&g, GRAPH_PERSON, "Caro");
	dev = add(&g, GRAPH_PERSON, "Dev");
	in = add(&g, GRAPH_EVENT, "Intranet Now");
	meetup = add(&g, GRAPH_EVENT, "Meetup");
	acme = add(&g, GRAPH_ORG, "Acme");
	bolt = add(&g, GRAPH_ORG, "Bolt");
	search = add(&g, GRAPH_TOPIC, "search");
	a11y = add(&g, GRAPH_TOPIC, "accessibility");
	tie(&g, ana, in, GRAPH_MET_AT);
	tie(&g, ben, in, GRAPH_MET_AT);
	tie(&g, caro, in, GRAPH_MET_AT);
	tie(&g, caro, meetup, GRAPH_MET_AT);
	tie(&g, dev, meetup, GRAPH_MET_AT);
	tie(&g, ana, acme, GRAPH_WORKS_AT);
	tie(&g, ben, acme, GRAPH_WORKS_AT);
	tie(&g, caro, bolt, GRAPH_WORKS_AT);
	tie(&g, ana, search, GRAPH_OFFERS);
	tie(&g, dev, a11y, GRAPH_KNOWS);
	tie(&g, 0, a11y, GRAPH_SEEKS);

	assert_int_equal(graph_stats(&g, &st), 0);
	assert_int_equal(st.people_without_org, 1);
	assert_float_equal(st.org_blau, 4.0 / 9, EPS);
	assert_float_equal(st.org_evenness,
	                   -(2.0 / 3 * log(2.0 / 3) + 1.0 / 3 * log(1.0 / 3)) / log(2), EPS);
	assert_float_equal(st.topic_blau, 0.5, EPS);
	assert_float_equal(st.topic_evenness, 1.0, EPS);

	assert_int_equal(graph_hubs(&g, 10, &h, &n), 0);
	assert_int_equal(n, 4);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(g.nodes[h[i].node].label, want_hub[i]);
		assert_float_equal(h[i].score, want_score[i], EPS);
		assert_int_equal(h[i].reach, want_reach[i]);
	}
	free(h);

	assert_int_equal(graph_gaps(&g, &gaps), 0);
	assert_int_equal(gaps.n_unmet_seeks, 1);
	assert_int_equal(gaps.unmet_seeks[0], a11y);
	assert_int_equal(gaps.n_single_holder, 2);
	assert_int_equal(gaps.single_holder[0], search);
	assert_int_equal(gaps.single_holder[1], a11y);
	assert_int_equal(gaps.n_dominant, 1);
	assert_int_equal(gaps.dominant[0].node, in);
	assert_int_equal(gaps.dominant[0].people, 3);
	assert_float_equal(gaps.dominant[0].share, 0.75, EPS);
	graph_gaps_clear(&gaps);
	graph_clear(&g);
}

/* Stats */

/* people[i] people at org i (all the people, then one with no org). */
static void
stats_orgs(const unsigned *people, size_t n_orgs, struct graph_stats *st)
{
	struct graph g;
	unsigned k = 0;

	assert_int_equal(graph_init(&g, NULL), 0);
	for (size_t o = 0; o < n_orgs; o++) {
		uint32_t org = add(&g, GRAPH_ORG, "org");

		for (unsigned i = 0; i < people[o]; i++) {
			uint32_t p = person(&g, "p", k++);

			tie(&g, p, org, GRAPH_WORKS_AT);
			tie(&g, p, org, GRAPH_WORKS_AT); /* counted once */
		}
	}
	add(&g, GRAPH_PERSON, "freelancer");
	assert_int_equal(graph_stats(&g, st), 0);
	assert_int_equal(st->people_without_org, 1);
	assert_int_equal(st->count[GRAPH_PERSON], k + 1);
	assert_int_equal(st->count[GRAPH_ORG], n_orgs);
	assert_int_equal(st->edges[GRAPH_WORKS_AT], 2 * k);
	graph_clear(&g);
}

static void
test_graph_stats_one_org(void **state)
{
	static const unsigned people[] = { 3 };
	struct graph_stats st;

	(void)state;
	stats_orgs(people, 1, &st);
	assert_float_equal(st.org_blau, 0, EPS);
	assert_float_equal(st.org_evenness, 0, EPS);
}

static void
test_graph_stats_two_orgs_even(void **state)
{
	static const unsigned people[] = { 2, 2 };
	struct graph_stats st;

	(void)state;
	stats_orgs(people, 2, &st);
	assert_float_equal(st.org_blau, 0.5, EPS);
	assert_float_equal(st.org_evenness, 1.0, EPS);
}

/* Shares 1/2, 1/4, 1/4: Blau 1 - (1/4 + 1/16 + 1/16); entropy 1.5 ln 2 over ln 3. */
static void
test_graph_stats_three_orgs(void **state)
{
	static const unsigned people[] = { 2, 1, 1 };
	struct graph_stats st;

	(void)state;
	stats_orgs(people, 3, &st);
	assert_float_equal(st.org_blau, 0.625, EPS);
	assert_float_equal(st.org_evenness, 1.5 * log(2) / log(3), EPS);
}

/*
 * Person-topic pairs, each once: p1 knows and offers t1 (one pair) and seeks t2; p2 knows
 * t2. "me" seeking t1 is not a person's pair. Shares 1/3 and 2/3.
 */
static void
test_graph_stats_topics(void **state)
{
	struct graph_stats st;
	uint32_t p1, p2, t1, t2;
	struct graph g;
	double h;

	(void)state;
	assert_int_equal(graph_init(&g, NULL), 0);
	p1 = add(&g, GRAPH_PERSON, "p1");
	p2 = add(&g, GRAPH_PERSON, "p2");
	t1 = add(&g, GRAPH_TOPIC, "t1");
	t2 = add(&g, GRAPH_TOPIC, "t2");
	add(&g, GRAPH_TOPIC, "nobody's");
	tie(&g, p1, t1, GRAPH_KNOWS);
	tie(&g, p1, t1, GRAPH_OFFERS);
	tie(&g, p1, t2, GRAPH_SEEKS);
	tie(&g, p2, t2, GRAPH_KNOWS);
	tie(&g, 0, t1, GRAPH_SEEKS);
	assert_int_equal(graph_stats(&g, &st), 0);
	assert_int_equal(st.count[GRAPH_ME], 1);
	assert_int_equal(st.count[GRAPH_TOPIC], 2); /* "nobody's" is held by no person */
	assert_int_equal(st.edges[GRAPH_KNOWS], 2);
	assert_int_equal(st.edges[GRAPH_SEEKS], 2);
	assert_int_equal(st.edges[GRAPH_OFFERS], 1);
	assert_int_equal(st.people_without_org, 2);
	assert_float_equal(st.org_blau, 0, EPS);
	assert_float_equal(st.topic_blau, 1.0 - (1.0 / 9 + 4.0 / 9), EPS);
	h = -(1.0 / 3 * log(1.0 / 3) + 2.0 / 3 * log(2.0 / 3));
	assert_float_equal(st.topic_evenness, h / log(2), EPS);
	graph_clear(&g);
}

/* Gaps */

static void
test_graph_gaps_unmet_seeks(void **state)
{
	uint32_t p1, p2, wanted, offered, mine;
	struct graph_gaps gaps;
	struct graph g;

	(void)state;
	assert_int_equal(graph_init(&g, NULL), 0);
	p1 = add(&g, GRAPH_PERSON, "p1");
	p2 = add(&g, GRAPH_PERSON, "p2");
	wanted = add(&g, GRAPH_TOPIC, "wanted");
	offered = add(&g, GRAPH_TOPIC, "offered");
	mine = add(&g, GRAPH_TOPIC, "mine");
	tie(&g, 0, wanted, GRAPH_SEEKS);
	tie(&g, 0, wanted, GRAPH_SEEKS);
	tie(&g, 0, offered, GRAPH_SEEKS);
	tie(&g, 0, mine, GRAPH_OFFERS);
	tie(&g, p1, offered, GRAPH_OFFERS);
	tie(&g, p2, wanted, GRAPH_SEEKS); /* seeking it too does not help */
	tie(&g, p2, wanted, GRAPH_KNOWS); /* nor knowing it without offering */
	assert_int_equal(graph_gaps(&g, &gaps), 0);
	assert_int_equal(gaps.n_unmet_seeks, 1);
	assert_int_equal(gaps.unmet_seeks[0], wanted);
	graph_gaps_clear(&gaps);
	assert_null(gaps.unmet_seeks);
	graph_gaps_clear(&gaps);
	graph_gaps_clear(NULL);
	graph_clear(&g);
}

static void
test_graph_gaps_single_holder(void **state)
{
	uint32_t p1, p2, solo, shared, twice, nobody;
	struct graph_gaps gaps;
	struct graph g;

	(void)state;
	assert_int_equal(graph_init(&g, NULL), 0);
	p1 = add(&g, GRAPH_PERSON, "p1");
	p2 = add(&g, GRAPH_PERSON, "p2");
	solo = add(&g, GRAPH_TOPIC, "solo");
	shared = add(&g, GRAPH_TOPIC, "shared");
	twice = add(&g, GRAPH_TOPIC, "twice");
	nobody = add(&g, GRAPH_TOPIC, "nobody");
	tie(&g, p1, solo, GRAPH_KNOWS);
	tie(&g, 0, solo, GRAPH_OFFERS); /* you are not a contact */
	tie(&g, p1, shared, GRAPH_OFFERS);
	tie(&g, p2, shared, GRAPH_SEEKS);
	tie(&g, p2, twice, GRAPH_KNOWS);
	tie(&g, p2, twice, GRAPH_OFFERS); /* one person, however many links */
	tie(&g, 0, nobody, GRAPH_SEEKS);
	assert_int_equal(graph_gaps(&g, &gaps), 0);
	assert_int_equal(gaps.n_single_holder, 2);
	assert_int_equal(gaps.single_holder[0], solo);
	assert_int_equal(gaps.single_holder[1], twice);
	assert_int_equal(gaps.n_unmet_seeks, 1);
	assert_int_equal(gaps.unmet_seeks[0], nobody);
	graph_gaps_clear(&gaps);
	graph_clear(&g);
}

/* Four people: an event with 3 (and one repeat) and two orgs with all 4 dominate, the
 * orgs first (larger share) in index order (a tie); 2 of 4 does not: more than half is
 * needed. */
static void
test_graph_gaps_dominant(void **state)
{
	uint32_t p[4], big, half, org, org2;
	struct graph_gaps gaps;
	struct graph g;

	(void)state;
	assert_int_equal(graph_init(&g, NULL), 0);
	for (unsigned i = 0; i < 4; i++)
		p[i] = person(&g, "p", i);
	big = add(&g, GRAPH_EVENT, "big");
	half = add(&g, GRAPH_EVENT, "half");
	org = add(&g, GRAPH_ORG, "org");
	org2 = add(&g, GRAPH_ORG, "org2");
	for (unsigned i = 0; i < 3; i++)
		tie(&g, p[i], big, GRAPH_MET_AT);
	tie(&g, p[0], big, GRAPH_MET_AT);
	tie(&g, p[0], half, GRAPH_MET_AT);
	tie(&g, p[1], half, GRAPH_MET_AT);
	tie(&g, p[1], half, GRAPH_MET_AT);
	for (unsigned i = 0; i < 4; i++) {
		tie(&g, p[3 - i], org2, GRAPH_WORKS_AT);
		tie(&g, p[i], org, GRAPH_WORKS_AT);
	}
	assert_int_equal(graph_gaps(&g, &gaps), 0);
	assert_int_equal(gaps.n_dominant, 3);
	assert_int_equal(gaps.dominant[0].node, org);
	assert_int_equal(gaps.dominant[0].people, 4);
	assert_float_equal(gaps.dominant[0].share, 1.0, EPS);
	assert_int_equal(gaps.dominant[1].node, org2);
	assert_int_equal(gaps.dominant[2].node, big);
	assert_int_equal(gaps.dominant[2].people, 3);
	assert_float_equal(gaps.dominant[2].share, 0.75, EPS);
	graph_gaps_clear(&gaps);
	graph_clear(&g);
}

static void
test_graph_gaps_deterministic(void **state)
{
	struct graph_gaps a, b;
	uint32_t bridge, t[3];
	struct graph g;

	(void)state;
	build_two_clusters(&g, &bridge);
	for (unsigned i = 0; i < 3; i++)
		t[i] = add(&g, GRAPH_TOPIC, "t");
	tie(&g, 0, t[0], GRAPH_SEEKS);
	tie(&g, 0, t[1], GRAPH_SEEKS);
	tie(&g, bridge, t[1], GRAPH_OFFERS);
	tie(&g, bridge, t[2], GRAPH_KNOWS);
	assert_int_equal(graph_gaps(&g, &a), 0);
	assert_int_equal(graph_gaps(&g, &b), 0);
	assert_int_equal(a.n_unmet_seeks, 1);
	assert_int_equal(a.unmet_seeks[0], t[0]);
	assert_int_equal(a.n_single_holder, 2);
	assert_int_equal(a.n_dominant, 0); /* each event holds about a tenth of a cluster */
	assert_int_equal(b.n_unmet_seeks, a.n_unmet_seeks);
	assert_int_equal(b.n_single_holder, a.n_single_holder);
	assert_memory_equal(a.single_holder, b.single_holder,
	                    a.n_single_holder * sizeof(*a.single_holder));
	graph_gaps_clear(&a);
	graph_gaps_clear(&b);
	graph_clear(&g);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_graph_add_node_grows),
		cmocka_unit_test(test_graph_add_edge_bad_index),
		cmocka_unit_test(test_graph_hubs_bad_graph),
		cmocka_unit_test(test_graph_kind_name_all),
		cmocka_unit_test(test_graph_hubs_star_introductions),
		cmocka_unit_test(test_graph_hubs_star_events),
		cmocka_unit_test(test_graph_hubs_bridge),
		cmocka_unit_test(test_graph_hubs_path_exact),
		cmocka_unit_test(test_graph_hubs_path_three),
		cmocka_unit_test(test_graph_hubs_empty),
		cmocka_unit_test(test_graph_hubs_docs_example),
		cmocka_unit_test(test_graph_hubs_exact_matches_reference),
		cmocka_unit_test(test_graph_hubs_sampled_matches_exact),
		cmocka_unit_test(test_graph_hubs_deterministic),
		cmocka_unit_test(test_graph_stats_one_org),
		cmocka_unit_test(test_graph_stats_two_orgs_even),
		cmocka_unit_test(test_graph_stats_three_orgs),
		cmocka_unit_test(test_graph_stats_topics),
		cmocka_unit_test(test_graph_gaps_unmet_seeks),
		cmocka_unit_test(test_graph_gaps_single_holder),
		cmocka_unit_test(test_graph_gaps_dominant),
		cmocka_unit_test(test_graph_gaps_deterministic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
