/*
 * graph: building, and every measure on graphs small enough to work out by hand, random
 * graphs checked against plain reference implementations (subset betweenness, reach),
 * and sampled betweenness against the exact value. (tests/graph checks the same measures
 * against networkx.)
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

/*
 * Five people introduced by one whom you were introduced to: P is you, the centre and the
 * leaves (7); the 15 pairs without the centre all run through it (10 leaf pairs, 5 of
 * you and a leaf): 15 / 15. Every leaf reaches you only through the centre.
 */
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
	tie(&g, c, 0, GRAPH_INTRODUCED_BY);
	for (unsigned i = 0; i < 5; i++)
		tie(&g, person(&g, "leaf", i), c, GRAPH_INTRODUCED_BY);
	assert_int_equal(graph_hubs(&g, 3, &h, &n), 0);
	/* Only the centre: the leaves lie between no one, so they are no hubs at all. */
	assert_int_equal(n, 1);
	assert_int_equal(h[0].node, c);
	assert_float_equal(h[0].score, 1.0, EPS);
	assert_int_equal(h[0].reach, 5);
	/* On the people graph the centre's five contacts have no ties among them: effective
	 * size 5; constraint 5 * (1/5)^2. */
	assert_float_equal(h[0].effective_size, 5.0, EPS);
	assert_float_equal(h[0].constraint, 0.2, EPS);
	free(h);
	graph_clear(&g);
}

/*
 * One person at three events, each with its own crowd of three; you were at the first.
 * P: you, the centre, nine others (11); pairs without the centre: C(10, 2) = 45. The
 * groups {you, p0..p2}, {p3..p5}, {p6..p8} reach each other only through the centre:
 * 4*3 + 4*3 + 3*3 = 33 pairs. The second and third crowds (6) hang on the centre.
 */
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
		if (e == 0)
			tie(&g, 0, ev, GRAPH_MET_AT);
		for (unsigned i = 0; i < 3; i++)
			tie(&g, person(&g, "p", e * 3 + i), ev, GRAPH_MET_AT);
	}
	assert_int_equal(graph_hubs(&g, 10, &h, &n), 0);
	/* People only (the events, which also lie between, are never listed), and of them
	 * only the one who connects anyone. */
	assert_int_equal(n, 1);
	assert_int_equal(h[0].node, c);
	assert_float_equal(h[0].score, 33.0 / 45.0, EPS);
	assert_int_equal(h[0].reach, 6);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(g.nodes[h[i].node].kind, GRAPH_PERSON);
	free(h);
	graph_clear(&g);
}

/* Two clusters, each sharing two events; one person belongs to both. */
/*
 * You were at the first a-event. P: you, 12, the bridge (14); pairs without the bridge:
 * C(13, 2) = 78. The 7 of {you, a-people} and the 6 b-people meet only through the bridge:
 * 42 pairs. An a-person is one of 6 equal ways from you to the bridge and to each
 * b-person: 7 pairs at 1/6 each.
 */
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
	tie(&g, 0, ev[0], GRAPH_MET_AT);
	for (unsigned i = 0; i < 12; i++) {
		uint32_t p = person(&g, "p", i);

		tie(&g, p, ev[i < 6 ? 0 : 2], GRAPH_MET_AT);
		tie(&g, p, ev[i < 6 ? 1 : 3], GRAPH_MET_AT);
	}
	bridge = add(&g, GRAPH_PERSON, "bridge");
	tie(&g, bridge, ev[1], GRAPH_MET_AT);
	tie(&g, bridge, ev[2], GRAPH_MET_AT);
	assert_int_equal(graph_hubs(&g, 50, &h, &n), 0);
	assert_int_equal(n, 7);
	assert_int_equal(h[0].node, bridge);
	assert_float_equal(h[0].score, 42.0 / 78, EPS);
	assert_int_equal(h[0].reach, 6);
	for (size_t i = 1; i < n; i++) {
		assert_true(h[i].node < bridge && h[i].node >= 5 && h[i].node < 11); /* a-people */
		assert_float_equal(h[i].score, 7.0 / 6 / 78, EPS);
		assert_int_equal(h[i].reach, 0);
	}
	free(h);
	graph_clear(&g);
}

/*
 * The path you-a-b-c-d-e (a introduced by you): |P| = 6, so C(5, 2) = 10 pairs for each
 * person. a lies on you-b..e (4: 0.4); b on {you, a} x {c, d, e} (6: 0.6); c on
 * {you, a, b} x {d, e} (6: 0.6); d on {you, a, b, c} x {e} (4: 0.4). Reach: the people
 * beyond each: a 4, b 3, c 2, d 1. b and c tie on score, and b reaches more; so do a and
 * d. e, at the end, lies between no one: not a hub.
 */
static void
test_graph_hubs_path_exact(void **state)
{
	static const double want_score[] = { 0.6, 0.6, 0.4, 0.4 };
	static const size_t want_reach[] = { 3, 2, 4, 1 };
	static const uint32_t want_node[] = { 2, 3, 1, 4 };
	static const char *const names[] = { "a", "b", "c", "d", "e" };
	struct graph_hub *h;
	struct graph g;
	size_t n;

	(void)state;
	assert_int_equal(graph_init(&g, NULL), 0);
	for (unsigned i = 0; i < 5; i++)
		assert_int_equal(add(&g, GRAPH_PERSON, names[i]), i + 1);
	for (uint32_t i = 1; i <= 5; i++)
		tie(&g, i, i - 1, GRAPH_INTRODUCED_BY);
	tie(&g, 3, 2, GRAPH_INTRODUCED_BY); /* a parallel edge changes nothing */
	assert_int_equal(graph_hubs(&g, 99, &h, &n), 0);
	assert_int_equal(n, 4);
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

static bool
in_p(const struct graph *g, size_t v)
{
	return g->nodes[v].kind == GRAPH_PERSON || (v == 0 && g->nodes[v].kind == GRAPH_ME);
}

/*
 * Reference betweenness: Brandes' algorithm as published, written plainly (distances in
 * full, a dependency pushed to every predecessor, no pruning). subset: only you and the
 * people are sources and targets, normalised by (|P|-1)(|P|-2) (each pair is seen from
 * both ends); else every node, by (n-1)(n-2): the measure before issue 14, kept to show
 * what it got wrong.
 */
static double *
ref_betweenness(const struct graph *g, bool subset)
{
	size_t n = g->n_nodes;
	long *dist = calloc(n, sizeof(*dist));
	uint32_t *order = calloc(n, sizeof(*order));
	double *sigma = calloc(n, sizeof(*sigma)), *delta = calloc(n, sizeof(*delta));
	double *bc = calloc(n, sizeof(*bc));
	struct ref_adj a;

	size_t np = 0;

	ref_adj_build(g, &a);
	for (size_t v = 0; v < n; v++)
		np += !subset || in_p(g, v);
	for (size_t s = 0; s < n; s++) {
		size_t head = 0, tail = 0;

		if (subset && !in_p(g, s))
			continue;
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
					delta[a.to[i]] += sigma[a.to[i]] / sigma[w] *
					                  ((!subset || in_p(g, w)) + delta[w]);
			bc[w] += delta[w];
		}
	}
	for (size_t v = 0; v < n; v++)
		bc[v] = np >= 3 ? bc[v] / ((double)(np - 1) * (double)(np - 2)) : 0;
	free(a.off);
	free(a.len);
	free(a.to);
	free(order);
	free(dist);
	free(sigma);
	free(delta);
	return bc;
}

/*
 * Reference reach: for each person v, remove v and walk from you; count the people you
 * reached with v and not without it. Quadratic: for small graphs only.
 */
static size_t *
ref_reach(const struct graph *g)
{
	size_t n = g->n_nodes, *reach = calloc(n, sizeof(*reach));
	uint32_t *queue = calloc(n, sizeof(*queue));
	uint8_t *with = calloc(n, 1), *without = calloc(n, 1);
	struct ref_adj a;

	if (reach == NULL || queue == NULL || with == NULL || without == NULL)
		abort();
	ref_adj_build(g, &a);
	for (size_t cut = 0; cut <= n; cut++) { /* cut == n: nothing removed */
		uint8_t *seen = cut == n ? with : without;
		size_t head = 0, tail = 0;

		if (cut < n && g->nodes[cut].kind != GRAPH_PERSON)
			continue;
		memset(seen, 0, n);
		seen[0] = 1;
		queue[tail++] = 0;
		while (head < tail) {
			uint32_t v = queue[head++];

			for (size_t i = a.off[v]; i < a.off[v] + a.len[v]; i++) {
				if (a.to[i] != cut && !seen[a.to[i]]) {
					seen[a.to[i]] = 1;
					queue[tail++] = a.to[i];
				}
			}
		}
		if (cut == n)
			break;
		for (size_t p = 0; p < n; p++)
			reach[cut] += p != cut && g->nodes[p].kind == GRAPH_PERSON && !without[p];
	}
	/* The walks for each cut ran before the one without a cut: take away those never
	 * reached at all. */
	for (size_t cut = 0; cut < n; cut++) {
		if (g->nodes[cut].kind != GRAPH_PERSON)
			continue;
		for (size_t p = 0; p < n; p++)
			reach[cut] -= p != cut && g->nodes[p].kind == GRAPH_PERSON && !with[p];
	}
	free(a.off);
	free(a.len);
	free(a.to);
	free(queue);
	free(with);
	free(without);
	return reach;
}

static uint32_t
ref_top_person(const struct graph *g, bool subset)
{
	double *bc = ref_betweenness(g, subset), best = -1;
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
 * isolated nodes and several components, repeated edges and self-loops, people, events
 * and topics mixed (a topic held once is pruned; chains of them too), you linked to some.
 * Every person's score and reach must match the references.
 */
static void
test_graph_hubs_exact_matches_reference(void **state)
{
	static const unsigned shapes[][3] = {
		/* people, events or topics, edges */
		{ 5, 0, 6 },      { 30, 0, 20 },     { 60, 4, 150 },  { 120, 0, 1500 },
		{ 200, 10, 300 }, { 300, 30, 2000 }, { 80, 2, 2000 }, { 400, 0, 500 },
		{ 50, 60, 120 },  { 100, 200, 250 },
	};
	uint32_t rng = 0x2545f491;

	(void)state;
	for (size_t sh = 0; sh < sizeof(shapes) / sizeof(shapes[0]); sh++) {
		unsigned np = shapes[sh][0], ne = shapes[sh][1];
		size_t n, *reach, *want_reach;
		struct graph_hub *h;
		struct graph g;
		double *want;

		assert_int_equal(graph_init(&g, NULL), 0);
		for (unsigned i = 0; i < np; i++)
			person(&g, "p", i);
		for (unsigned i = 0; i < ne; i++)
			add(&g, i % 2 ? GRAPH_EVENT : GRAPH_TOPIC, "e");
		for (unsigned i = 0; i < shapes[sh][2]; i++) {
			uint32_t a = 1 + test_rand(&rng) % np, b = test_rand(&rng) % (np + ne + 1);

			if (i % 7 == 0)
				a = 0; /* you, too */
			if (i % 11 == 0 && ne > 0)
				a = np + 1 + test_rand(&rng) % ne; /* thing to thing: a chain */
			tie(&g, a, b, b > np ? GRAPH_MET_AT : GRAPH_INTRODUCED_BY);
		}
		want = ref_betweenness(&g, true);
		want_reach = ref_reach(&g);
		assert_int_equal(graph_reach(&g, &reach), 0);
		for (uint32_t v = 0; v < g.n_nodes; v++)
			if (reach[v] != want_reach[v])
				fail_msg("shape %zu node %u: reach %zu, want %zu", sh, v, reach[v],
				         want_reach[v]);
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
		free(want_reach);
		free(reach);
		free(want);
		free(h);
		graph_clear(&g);
	}
}

/*
 * Two clusters of 2100 people, each person at two of their cluster's 20 events, and one
 * bridge at an event of each: 4242 nodes, large enough for sampling to be tested. The
 * second event is never the first, so no edge repeats and the reference needs no
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

/*
 * You are unconnected, so P has 4202 people and you; the bridge's pairs: C(4201, 2), of
 * which the 2100 * 2100 across the clusters all run through it. Exact gives that; 64 and
 * 512 sampled sources give an estimate near it and the same top hub; as many samples as
 * P is exact again.
 */
static void
test_graph_hubs_sampled_matches_exact(void **state)
{
	struct graph_hubs_opts exact = { .mode = GRAPH_HUBS_EXACT };
	struct graph_hubs_opts sampled = { .mode = GRAPH_HUBS_SAMPLED, .samples = 64 };
	double want = 2100.0 * 2100 / (4201.0 * 4200 / 2), *bc, *all;
	struct graph_hub *h;
	uint32_t bridge;
	struct graph g;
	bool ex = false;
	size_t n;

	(void)state;
	build_two_clusters(&g, &bridge);
	assert_int_equal(graph_hubs_with(&g, &exact, 3, &h, &n, &ex), 0);
	assert_true(ex);
	assert_int_equal(n, 3);
	assert_int_equal(h[0].node, bridge);
	assert_float_equal(h[0].score, want, EPS);
	free(h);
	assert_int_equal(graph_betweenness(&g, &exact, &all, &ex), 0);
	assert_true(ex);
	for (size_t samples = 64; samples <= 512; samples *= 8) {
		sampled.samples = samples;
		assert_int_equal(graph_hubs_with(&g, &sampled, 3, &h, &n, &ex), 0);
		assert_false(ex);
		assert_int_equal(n, 3);
		assert_int_equal(h[0].node, bridge);
		assert_true(fabs(h[0].score - want) < 0.1);
		assert_true(h[1].score < h[0].score / 10);
		free(h);
	}
	/* Every person's estimate from 512 of the 4202 sources: within 0.05 of the exact. */
	assert_int_equal(graph_betweenness(&g, &sampled, &bc, &ex), 0);
	for (size_t v = 0; v < g.n_nodes; v++)
		assert_true(fabs(bc[v] - all[v]) < 0.05);
	free(bc);
	sampled.samples = 5000; /* more than P: every source, so exact */
	assert_int_equal(graph_betweenness(&g, &sampled, &bc, &ex), 0);
	assert_true(ex);
	for (size_t v = 0; v < g.n_nodes; v++)
		assert_float_equal(bc[v], all[v], 1e-12);
	free(bc);
	free(all);
	graph_clear(&g);
}

/* A bad mode is refused. */
static void
test_graph_hubs_bad_mode(void **state)
{
	struct graph_hubs_opts o = { .mode = (enum graph_hubs_mode)7 };
	struct graph_hub *h;
	struct graph g;
	double *bc;
	bool ex;
	size_t n;

	(void)state;
	assert_int_equal(graph_init(&g, NULL), 0);
	assert_int_equal(graph_hubs_with(&g, &o, 3, &h, &n, &ex), -EINVAL);
	assert_null(h);
	assert_int_equal(graph_betweenness(&g, &o, &bc, &ex), -EINVAL);
	assert_null(bc);
	graph_clear(&g);
}

static void
test_graph_hubs_deterministic(void **state)
{
	struct graph_hubs_opts o = { .mode = GRAPH_HUBS_SAMPLED, .samples = 100 };
	struct graph_hub *h1, *h2;
	uint32_t bridge;
	struct graph g;
	size_t n1, n2;

	(void)state;
	build_two_clusters(&g, &bridge);
	assert_int_equal(graph_hubs_with(&g, &o, 50, &h1, &n1, NULL), 0);
	assert_int_equal(graph_hubs_with(&g, &o, 50, &h2, &n2, NULL), 0);
	assert_int_equal(n1, 50);
	assert_int_equal(n2, n1);
	/* Field by field: the padding after node holds whatever malloc left there. */
	for (size_t i = 0; i < n1; i++) {
		assert_int_equal(h1[i].node, h2[i].node);
		assert_memory_equal(&h1[i].score, &h2[i].score, sizeof(h1[i].score));
		assert_int_equal(h1[i].reach, h2[i].reach);
		assert_memory_equal(&h1[i].effective_size, &h2[i].effective_size,
		                    sizeof(h1[i].effective_size));
		assert_memory_equal(&h1[i].constraint, &h2[i].constraint, sizeof(h1[i].constraint));
	}
	for (size_t i = 1; i < n1; i++)
		assert_true(h1[i - 1].score >= h1[i].score);
	free(h1);
	free(h2);
	graph_clear(&g);
}

/*
 * Four people at two events, every number of it, with the edges from you to the two
 * events where you met people, as the store loads them. P = {you, Ana, Ben, Caro,
 * Dev}: C(4, 2) = 6 pairs without a given person. Every pair is two steps apart through
 * an event or a topic, except Ana-Dev and Ben-Dev: four steps, by three shortest paths
 * (Intranet Now - you - Meetup, Intranet Now - you - accessibility, Intranet Now - Caro -
 * Meetup), one through Caro. Caro: 2 * 1/3 of 6 pairs = 1/9; nobody else lies between.
 * Reach 0: you met everyone at an event yourself.
 * People graph: Caro is tied to Ana, Ben (Intranet Now) and Dev (Meetup); Ana and Ben to
 * each other (the event, Acme). Effective size 3 - 2 * 1 / 3 = 7/3. Constraint, with
 * deg(Ana) = deg(Ben) = 2, deg(Dev) = 1: (1/3 + 1/3 * 1/2)^2 twice (Ana, Ben, each through
 * the other) + (1/3)^2 (Dev) = 1/4 + 1/4 + 1/9 = 11/18.
 * Gaps: accessibility is unmet; Dev knows it: the one lead. Caro shares Meetup with Dev and
 * has the higher score: ask Caro, via Dev.
 */
static void
test_graph_four_people(void **state)
{
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
	tie(&g, 0, in, GRAPH_MET_AT);
	tie(&g, 0, meetup, GRAPH_MET_AT);

	assert_int_equal(graph_stats(&g, &st), 0);
	assert_int_equal(st.people_without_org, 1);
	assert_float_equal(st.org_blau, 4.0 / 9, EPS);
	assert_float_equal(st.org_evenness,
	                   -(2.0 / 3 * log(2.0 / 3) + 1.0 / 3 * log(1.0 / 3)) / log(2), EPS);
	assert_float_equal(st.topic_blau, 0.5, EPS);
	assert_float_equal(st.topic_evenness, 1.0, EPS);

	assert_int_equal(graph_hubs(&g, 10, &h, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(h[0].node, caro);
	assert_float_equal(h[0].score, 1.0 / 9, EPS);
	assert_int_equal(h[0].reach, 0);
	assert_float_equal(h[0].effective_size, 7.0 / 3, EPS);
	assert_float_equal(h[0].constraint, 11.0 / 18, EPS);
	free(h);

	assert_int_equal(graph_gaps(&g, &gaps), 0);
	assert_int_equal(gaps.n_unmet_seeks, 1);
	assert_int_equal(gaps.unmet_seeks[0], a11y);
	assert_int_equal(gaps.n_unmet, 1);
	assert_int_equal(gaps.unmet[0].topic, a11y);
	assert_int_equal(gaps.unmet[0].n_leads, 1);
	assert_int_equal(gaps.unmet[0].leads[0].person, dev);
	assert_int_equal(gaps.unmet[0].leads[0].topic, a11y);
	assert_int_equal(gaps.unmet[0].ask, caro);
	assert_int_equal(gaps.unmet[0].ask_via, dev);
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

/*
 * The worked example of docs/graph.md: nine people, Grace who introduced you to three of
 * them, Tom who lists sixteen topics nobody else has. The numbers are worked out there by
 * hand (and agree with networkx): Grace 20.5 of 36 pairs, reach 3, effective size 14/3,
 * constraint 0.3606 (below); Caro 6 of 36; Tom, first by betweenness over every pair of
 * nodes, is no hub. The gap: Dev knows "accessibility", one word of "accessibility
 * testing"; ask Caro, who met Dev at the Meetup.
 */
static void
test_graph_docs_example(void **state)
{
	static const char *const names[] = { "Ana",  "Ben", "Caro", "Dev", "Grace",
		                             "Finn", "Gus", "Hal",  "Tom" };
	enum { ANA, BEN, CARO, DEV, GRACE, FINN, GUS, HAL, TOM, PEOPLE };
	uint32_t p[PEOPLE], in, meetup, acme, bolt, civic, a11y, wanted, t;
	struct graph_gaps gaps;
	struct graph_hub *h;
	struct graph g;
	char label[8];
	size_t n;
	/* Grace's constraint: p = 1/6 to each of her six contacts; Ana and Ben are each tied
	 * to the other (3 ties) and to Caro (5 ties), Caro to both, Finn and Gus to each other
	 * (2 ties), Hal to nobody else. */
	double ab = 1.0 / 6 + 1.0 / 18 + 1.0 / 30, caro = 1.0 / 6 + 2.0 / 18,
	       fg = 1.0 / 6 + 1.0 / 12,
	       grace_c = 2 * ab * ab + caro * caro + 2 * fg * fg + 1.0 / 36;

	(void)state;
	assert_int_equal(graph_init(&g, "you"), 0);
	for (int i = 0; i < PEOPLE; i++)
		p[i] = add(&g, GRAPH_PERSON, names[i]);
	in = add(&g, GRAPH_EVENT, "Intranet Now");
	meetup = add(&g, GRAPH_EVENT, "Meetup");
	acme = add(&g, GRAPH_ORG, "Acme");
	bolt = add(&g, GRAPH_ORG, "Bolt");
	civic = add(&g, GRAPH_ORG, "Civic");
	a11y = add(&g, GRAPH_TOPIC, "accessibility");
	wanted = add(&g, GRAPH_TOPIC, "accessibility testing");
	tie(&g, 0, in, GRAPH_MET_AT);
	tie(&g, 0, meetup, GRAPH_MET_AT);
	tie(&g, 0, wanted, GRAPH_SEEKS);
	for (int i = ANA; i <= CARO; i++)
		tie(&g, p[i], in, GRAPH_MET_AT);
	tie(&g, p[GRACE], in, GRAPH_MET_AT);
	tie(&g, p[CARO], meetup, GRAPH_MET_AT);
	tie(&g, p[DEV], meetup, GRAPH_MET_AT);
	tie(&g, p[TOM], meetup, GRAPH_MET_AT);
	tie(&g, p[ANA], acme, GRAPH_WORKS_AT);
	tie(&g, p[BEN], acme, GRAPH_WORKS_AT);
	tie(&g, p[CARO], bolt, GRAPH_WORKS_AT);
	tie(&g, p[FINN], civic, GRAPH_WORKS_AT);
	tie(&g, p[GUS], civic, GRAPH_WORKS_AT);
	for (int i = FINN; i <= HAL; i++)
		tie(&g, p[i], p[GRACE], GRAPH_INTRODUCED_BY);
	tie(&g, p[DEV], a11y, GRAPH_KNOWS);
	tie(&g, p[ANA], add(&g, GRAPH_TOPIC, "search"), GRAPH_OFFERS);
	tie(&g, p[HAL], add(&g, GRAPH_TOPIC, "screen readers"), GRAPH_OFFERS);
	for (int i = 0; i < 16; i++) {
		snprintf(label, sizeof(label), "t%d", i);
		t = add(&g, GRAPH_TOPIC, label);
		tie(&g, p[TOM], t, GRAPH_KNOWS);
	}

	assert_int_equal(graph_hubs(&g, 10, &h, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(h[0].node, p[GRACE]);
	assert_float_equal(h[0].score, 20.5 / 36, EPS);
	assert_int_equal(h[0].reach, 3);
	assert_float_equal(h[0].effective_size, 6 - 2.0 * 4 / 6, EPS);
	assert_float_equal(h[0].constraint, grace_c, EPS);
	assert_float_equal(h[0].constraint, 0.3606, 1e-4);
	assert_int_equal(h[1].node, p[CARO]);
	assert_float_equal(h[1].score, 6.0 / 36, EPS);
	assert_int_equal(h[1].reach, 0);
	assert_float_equal(h[1].effective_size, 3.4, EPS);
	free(h);

	assert_int_equal(graph_gaps(&g, &gaps), 0);
	assert_int_equal(gaps.n_unmet, 1);
	assert_int_equal(gaps.unmet[0].topic, wanted);
	assert_int_equal(gaps.unmet[0].n_leads, 1);
	assert_int_equal(gaps.unmet[0].leads[0].person, p[DEV]);
	assert_int_equal(gaps.unmet[0].leads[0].topic, a11y);
	assert_int_equal(gaps.unmet[0].ask, p[CARO]);
	assert_int_equal(gaps.unmet[0].ask_via, p[DEV]);
	assert_int_equal(gaps.n_dominant, 0); /* Intranet Now: 4 of 9 */
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

/*
 * The example. You met I at one event and d1..d6 and X at another; I introduced
 * you to c1..c6; X lists sixteen topics nobody else has. On the whole graph X comes first
 * (every path to a topic runs through X: 16 * 16 + C(16, 2) = 376 pairs against I's
 * 6 * 26 + 15 = 171). With people as the ends of pairs, X lies between no one (the d's
 * meet at their event) and I carries every pair with a c: P = 15, C(14, 2) = 91 pairs
 * without I, 6 * 8 + C(6, 2) = 63 of them through I.
 */
static void
test_graph_hubs_not_topics(void **state)
{
	uint32_t intro, x, e, f;
	struct graph_hub *h;
	struct graph g;
	size_t n;

	(void)state;
	assert_int_equal(graph_init(&g, NULL), 0);
	e = add(&g, GRAPH_EVENT, "E");
	f = add(&g, GRAPH_EVENT, "F");
	intro = add(&g, GRAPH_PERSON, "I");
	x = add(&g, GRAPH_PERSON, "X");
	tie(&g, 0, e, GRAPH_MET_AT);
	tie(&g, 0, f, GRAPH_MET_AT);
	tie(&g, intro, e, GRAPH_MET_AT);
	tie(&g, x, f, GRAPH_MET_AT);
	for (unsigned i = 0; i < 6; i++) {
		tie(&g, person(&g, "c", i), intro, GRAPH_INTRODUCED_BY);
		tie(&g, person(&g, "d", i), f, GRAPH_MET_AT);
	}
	for (unsigned i = 0; i < 16; i++)
		tie(&g, x, add(&g, GRAPH_TOPIC, "t"), GRAPH_KNOWS);
	assert_int_equal(ref_top_person(&g, false), x); /* what issue 14 reported */
	assert_int_equal(ref_top_person(&g, true), intro);
	assert_int_equal(graph_hubs(&g, 10, &h, &n), 0);
	assert_int_equal(n, 1); /* X is no hub at all */
	assert_int_equal(h[0].node, intro);
	assert_float_equal(h[0].score, 63.0 / 91, EPS);
	assert_int_equal(h[0].reach, 6);
	free(h);
	graph_clear(&g);
}

/*
 * You - a and you - b (introductions), a - c and b - c (c met both at an event each): two
 * ways to c, so neither a nor b is a cut. c introduced d and met f and g at event E: all
 * three hang on c (3). z, alone, is reached by no one and counts for no one. E is a cut
 * too, but only people have a reach.
 */
static void
test_graph_reach_cut(void **state)
{
	uint32_t a, b, c, d, e, f, gg, z, ea, eb;
	struct graph g;
	size_t *reach;

	(void)state;
	assert_int_equal(graph_init(&g, NULL), 0);
	a = add(&g, GRAPH_PERSON, "a");
	b = add(&g, GRAPH_PERSON, "b");
	c = add(&g, GRAPH_PERSON, "c");
	d = add(&g, GRAPH_PERSON, "d");
	f = add(&g, GRAPH_PERSON, "f");
	gg = add(&g, GRAPH_PERSON, "g");
	z = add(&g, GRAPH_PERSON, "z");
	e = add(&g, GRAPH_EVENT, "E");
	ea = add(&g, GRAPH_EVENT, "Ea");
	eb = add(&g, GRAPH_EVENT, "Eb");
	tie(&g, a, 0, GRAPH_INTRODUCED_BY);
	tie(&g, b, 0, GRAPH_INTRODUCED_BY);
	tie(&g, a, ea, GRAPH_MET_AT);
	tie(&g, c, ea, GRAPH_MET_AT);
	tie(&g, b, eb, GRAPH_MET_AT);
	tie(&g, c, eb, GRAPH_MET_AT);
	tie(&g, d, c, GRAPH_INTRODUCED_BY);
	tie(&g, c, e, GRAPH_MET_AT);
	tie(&g, f, e, GRAPH_MET_AT);
	tie(&g, gg, e, GRAPH_MET_AT);
	assert_int_equal(graph_reach(&g, &reach), 0);
	assert_int_equal(reach[a], 0);
	assert_int_equal(reach[b], 0);
	assert_int_equal(reach[c], 3);
	assert_int_equal(reach[d], 0);
	assert_int_equal(reach[f], 0);
	assert_int_equal(reach[gg], 0);
	assert_int_equal(reach[z], 0);
	assert_int_equal(reach[e], 0);
	assert_int_equal(reach[0], 0);
	free(reach);
	graph_clear(&g);
}

/*
 * Burt's measures by hand. i shares an organisation with a and b, who share an event; an
 * introduction ties i to c; d shares a topic with c. You, though tied to i, are not on
 * the people graph. Ties: i-a, i-b, a-b, i-c, c-d. For i: n = 3, t = 1: effective size
 * 3 - 2/3 = 7/3; constraint (1/3 + 1/3 * 1/2)^2 * 2 (a and b, each through the other;
 * deg 2) + (1/3)^2 (c) = 11/18. For d: one contact, c: effective size 1, constraint 1.
 * z has no tie: NAN.
 */
static void
test_graph_brokerage_small(void **state)
{
	uint32_t i, a, b, c, d, z, org, ev, t, lone;
	struct graph g;
	double es, con;

	(void)state;
	assert_int_equal(graph_init(&g, NULL), 0);
	i = add(&g, GRAPH_PERSON, "i");
	a = add(&g, GRAPH_PERSON, "a");
	b = add(&g, GRAPH_PERSON, "b");
	c = add(&g, GRAPH_PERSON, "c");
	d = add(&g, GRAPH_PERSON, "d");
	z = add(&g, GRAPH_PERSON, "z");
	org = add(&g, GRAPH_ORG, "o");
	ev = add(&g, GRAPH_EVENT, "e");
	t = add(&g, GRAPH_TOPIC, "t");
	lone = add(&g, GRAPH_TOPIC, "lone");
	tie(&g, i, org, GRAPH_WORKS_AT);
	tie(&g, a, org, GRAPH_WORKS_AT);
	tie(&g, b, org, GRAPH_WORKS_AT);
	tie(&g, a, ev, GRAPH_MET_AT);
	tie(&g, b, ev, GRAPH_MET_AT);
	tie(&g, 0, ev, GRAPH_MET_AT);
	tie(&g, c, i, GRAPH_INTRODUCED_BY);
	tie(&g, i, 0, GRAPH_INTRODUCED_BY);
	tie(&g, c, t, GRAPH_OFFERS);
	tie(&g, d, t, GRAPH_SEEKS);
	tie(&g, z, z, GRAPH_INTRODUCED_BY); /* a self-loop is no tie */
	tie(&g, z, lone, GRAPH_KNOWS);      /* nor a topic nobody else holds */
	assert_int_equal(graph_brokerage(&g, i, &es, &con), 0);
	assert_float_equal(es, 7.0 / 3, EPS);
	assert_float_equal(con, 11.0 / 18, EPS);
	assert_int_equal(graph_brokerage(&g, d, &es, &con), 0);
	assert_float_equal(es, 1.0, EPS);
	assert_float_equal(con, 1.0, EPS);
	assert_int_equal(graph_brokerage(&g, z, &es, &con), 0);
	assert_true(isnan(es) && isnan(con));
	assert_int_equal(graph_brokerage(&g, org, &es, &con), -EINVAL);
	assert_int_equal(graph_brokerage(&g, 0, &es, &con), -EINVAL);
	assert_int_equal(graph_brokerage(&g, 99, &es, &con), -EINVAL);
	graph_clear(&g);
}

/*
 * A hub whose contacts' ties are too many to walk within GRAPH_BROKERAGE_WORK: h is at a
 * crowded event (h and 2499 others) and introduced y. Walking each of its 2500 contacts
 * reads about 2500 entries: over the budget, so graph_hubs estimates from a sample of
 * them; the estimates stay within 2% (of the constraint; of n for the effective size) of
 * graph_brokerage's exact values, which this shape
 * gives in closed form: n = 2500 contacts, t = C(2499, 2) ties among them (y is tied to h
 * only): effective size 2500 - 2t / 2500; constraint: each of the 2499 at the event,
 * deg 2499, is reached through the 2498 others: (1/2500 + 2498 / (2500 * 2499))^2, and
 * y adds (1/2500)^2.
 */
static void
test_graph_brokerage_budget(void **state)
{
	double d = 2500, want_es = d - 2499.0 * 2498 / d, want_con, es, con;
	uint32_t h, y, ev;
	struct graph_hub *hubs;
	struct graph g;
	size_t n;

	(void)state;
	want_con = 2499 * pow(1 / d + 2498 / (d * 2499), 2) + pow(1 / d, 2);
	assert_true(2500.0 * 2500 > GRAPH_BROKERAGE_WORK);
	assert_int_equal(graph_init(&g, NULL), 0);
	ev = add(&g, GRAPH_EVENT, "crowd");
	h = add(&g, GRAPH_PERSON, "h");
	y = add(&g, GRAPH_PERSON, "y");
	tie(&g, h, ev, GRAPH_MET_AT);
	tie(&g, y, h, GRAPH_INTRODUCED_BY);
	for (unsigned i = 0; i < 2499; i++)
		tie(&g, person(&g, "p", i), ev, GRAPH_MET_AT);
	assert_int_equal(graph_brokerage(&g, h, &es, &con), 0);
	assert_float_equal(es, want_es, 1e-9);
	assert_float_equal(con, want_con, 1e-12);
	assert_int_equal(graph_hubs(&g, 1, &hubs, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(hubs[0].node, h);
	/* Effective size is the small difference n - 2t/n here: the estimate of t is what
	 * is close, so the error is bounded against n, not against the difference. */
	assert_true(fabs(hubs[0].effective_size - want_es) < 0.02 * d);
	assert_true(fabs(hubs[0].constraint - want_con) < 0.02 * want_con);
	free(hubs);
	graph_clear(&g);
}

/*
 * You seek "Machine Learning"; nobody offers it. p1 knows it (a lead through it); p2 offers
 * "learning rust" and q knows "Ｍachine vision" (fullwidth M: the words are canonical),
 * related by a word; p3 offers "ML" (too short a word to relate), p4 only seeks the
 * related topic. Hub scores, by hand (P = you, p1..p4, h, q: 15 pairs without one):
 * h (introduced by you; introduced p1 and p2) carries you-p2, p1-p2, p2-q, p2-p4 (1 each)
 * and half of you-p1, p1-q, p1-p4 (you-T-p1 is as short): 5.5; q (met you at E, shares
 * the vision topic with p4) carries p4's pairs with you, p1, p2, h: 4. Leads, best hub
 * first: q, then p1 and p2 (0, by index). Ask: h (5.5 beats q's 4), one step from p1 and
 * p2 by introductions: via p1, the first of them in the list.
 */
static void
test_graph_gaps_leads(void **state)
{
	uint32_t p1, p2, p3, p4, hub, q, e, ml, rust, vision, short_ml, lone;
	struct graph_gaps gaps;
	struct graph g;
	double *bc;

	(void)state;
	assert_int_equal(graph_init(&g, NULL), 0);
	p1 = add(&g, GRAPH_PERSON, "p1");
	p2 = add(&g, GRAPH_PERSON, "p2");
	p3 = add(&g, GRAPH_PERSON, "p3");
	p4 = add(&g, GRAPH_PERSON, "p4");
	hub = add(&g, GRAPH_PERSON, "h");
	q = add(&g, GRAPH_PERSON, "q");
	e = add(&g, GRAPH_EVENT, "E");
	ml = add(&g, GRAPH_TOPIC, "Machine Learning");
	rust = add(&g, GRAPH_TOPIC, "learning rust");
	vision = add(&g, GRAPH_TOPIC,
	             "\xef\xbc\xad"
	             "achine vision");
	short_ml = add(&g, GRAPH_TOPIC, "ML");
	lone = add(&g, GRAPH_TOPIC, "knitting");
	tie(&g, 0, ml, GRAPH_SEEKS);
	tie(&g, 0, lone, GRAPH_SEEKS);
	tie(&g, p1, ml, GRAPH_KNOWS);
	tie(&g, p2, rust, GRAPH_OFFERS);
	tie(&g, p3, short_ml, GRAPH_OFFERS);
	tie(&g, p4, vision, GRAPH_SEEKS);
	tie(&g, q, vision, GRAPH_KNOWS);
	tie(&g, hub, 0, GRAPH_INTRODUCED_BY);
	tie(&g, p1, hub, GRAPH_INTRODUCED_BY);
	tie(&g, p2, hub, GRAPH_INTRODUCED_BY);
	tie(&g, q, e, GRAPH_MET_AT);
	tie(&g, 0, e, GRAPH_MET_AT);
	assert_int_equal(graph_betweenness(&g, NULL, &bc, NULL), 0);
	assert_float_equal(bc[hub], 5.5 / 15, EPS);
	assert_float_equal(bc[q], 4.0 / 15, EPS);
	assert_float_equal(bc[p1], 0, EPS);
	free(bc);
	assert_int_equal(graph_gaps(&g, &gaps), 0);
	assert_int_equal(gaps.n_unmet, 2);
	assert_int_equal(gaps.unmet[0].topic, ml);
	assert_int_equal(gaps.unmet[0].n_leads, 3);
	assert_int_equal(gaps.unmet[0].leads[0].person, q);
	assert_int_equal(gaps.unmet[0].leads[0].topic, vision);
	assert_int_equal(gaps.unmet[0].leads[1].person, p1);
	assert_int_equal(gaps.unmet[0].leads[1].topic, ml);
	assert_int_equal(gaps.unmet[0].leads[2].person, p2);
	assert_int_equal(gaps.unmet[0].leads[2].topic, rust);
	assert_int_equal(gaps.unmet[0].ask, hub);
	assert_int_equal(gaps.unmet[0].ask_via, p1);
	/* Nobody near "knitting": no leads, no one to ask. */
	assert_int_equal(gaps.unmet[1].topic, lone);
	assert_int_equal(gaps.unmet[1].n_leads, 0);
	assert_null(gaps.unmet[1].leads);
	assert_int_equal(gaps.unmet[1].ask, UINT32_MAX);
	assert_int_equal(gaps.unmet[1].ask_via, UINT32_MAX);
	graph_gaps_clear(&gaps);
	assert_null(gaps.unmet);
	graph_clear(&g);
}

/*
 * Seven people know "Rust" and nobody offers it: five leads, lowest index first (all
 * scores 0: nobody lies between, they met at one event with you); one knows and offers a
 * related "rust embedded" and knows "Rust" too: Rust itself is their topic. The hub to
 * ask is the first lead (all ties), via themselves.
 */
static void
test_graph_gaps_leads_many(void **state)
{
	uint32_t p[7], rust, emb, e;
	struct graph_gaps gaps;
	struct graph g;

	(void)state;
	assert_int_equal(graph_init(&g, NULL), 0);
	for (unsigned i = 0; i < 7; i++)
		p[i] = person(&g, "p", i);
	rust = add(&g, GRAPH_TOPIC, "Rust");
	emb = add(&g, GRAPH_TOPIC, "rust embedded");
	e = add(&g, GRAPH_EVENT, "E");
	tie(&g, 0, rust, GRAPH_SEEKS);
	tie(&g, 0, e, GRAPH_MET_AT);
	tie(&g, p[0], emb, GRAPH_OFFERS);
	for (unsigned i = 0; i < 7; i++) {
		tie(&g, p[6 - i], rust, GRAPH_KNOWS);
		tie(&g, p[i], e, GRAPH_MET_AT);
	}
	assert_int_equal(graph_gaps(&g, &gaps), 0);
	assert_int_equal(gaps.n_unmet, 1);
	assert_int_equal(gaps.unmet[0].n_leads, GRAPH_LEADS_MAX);
	for (unsigned i = 0; i < GRAPH_LEADS_MAX; i++) {
		assert_int_equal(gaps.unmet[0].leads[i].person, p[i]);
		assert_int_equal(gaps.unmet[0].leads[i].topic, rust);
	}
	assert_int_equal(gaps.unmet[0].ask, p[0]);
	assert_int_equal(gaps.unmet[0].ask_via, p[0]);
	graph_gaps_clear(&gaps);
	graph_clear(&g);
}

/* Introductions: each pair once, by introducer then person; edges that do not join two
 * people (or join one to themselves) are none. */
static void
test_graph_introductions_pairs(void **state)
{
	struct graph_intro *in;
	struct graph g;
	uint32_t ada, cy, eve, bo, ev;
	size_t n, first;

	(void)state;
	assert_int_equal(graph_init(&g, "me"), 0);
	ada = add(&g, GRAPH_PERSON, "Ada");
	cy = add(&g, GRAPH_PERSON, "Cy");
	eve = add(&g, GRAPH_PERSON, "Eve");
	bo = add(&g, GRAPH_PERSON, "Bo");
	ev = add(&g, GRAPH_EVENT, "Conf");
	assert_int_equal(graph_introductions(&g, &in, &n), 0);
	assert_null(in);
	assert_int_equal(n, 0);
	tie(&g, eve, cy, GRAPH_INTRODUCED_BY);
	tie(&g, bo, cy, GRAPH_INTRODUCED_BY);
	tie(&g, cy, ada, GRAPH_INTRODUCED_BY);
	tie(&g, eve, cy, GRAPH_INTRODUCED_BY); /* again: once */
	tie(&g, ada, ada, GRAPH_INTRODUCED_BY);
	tie(&g, ada, ev, GRAPH_INTRODUCED_BY);
	tie(&g, ada, ev, GRAPH_MET_AT);
	assert_int_equal(graph_introductions(&g, &in, &n), 0);
	assert_int_equal(n, 3);
	assert_true(in[0].by == ada && in[0].person == cy);
	assert_true(in[1].by == cy && in[1].person == eve);
	assert_true(in[2].by == cy && in[2].person == bo);
	assert_int_equal(graph_introductions_by(in, n, cy, &first), 2);
	assert_int_equal(first, 1);
	assert_int_equal(graph_introductions_by(in, n, ada, &first), 1);
	assert_int_equal(first, 0);
	assert_int_equal(graph_introductions_by(in, n, eve, &first), 0);
	assert_int_equal(graph_introductions_by(NULL, 0, eve, &first), 0);
	free(in);
	graph_clear(&g);
}

static uint32_t
person_fpr(struct graph *g, const char *name, const char *fpr)
{
	uint32_t v;

	assert_int_equal(graph_add_node(g, GRAPH_PERSON, name, fpr, &v), 0);
	return v;
}

#define FPR_CY  "cyyy-aaaa-bbbb-cccc-dddd-eeee"
#define FPR_CY2 "dodo-aaaa-bbbb-cccc-dddd-eeee"

/* The command for the next step: a plain name as it is, a name with spaces or a quote in
 * single quotes that a shell reads back exactly, else the fingerprint. */
static void
test_graph_ask_command_quotes(void **state)
{
	char cmd[GRAPH_ASK_MAX];
	struct graph g;
	uint32_t cy, os, gov, odd;

	(void)state;
	assert_int_equal(graph_init(&g, "me"), 0);
	cy = person_fpr(&g, "Cy", FPR_CY);
	os = add(&g, GRAPH_TOPIC, "open source");
	gov = add(&g, GRAPH_TOPIC, "governance");
	assert_int_equal(graph_ask_command(&g, cy, gov, cmd, sizeof(cmd)), 0);
	assert_string_equal(cmd, "wallflower ask Cy --for governance");
	assert_int_equal(graph_ask_command(&g, cy, os, cmd, sizeof(cmd)), 0);
	assert_string_equal(cmd, "wallflower ask Cy --for 'open source'");
	odd = person_fpr(&g, "Conan O'Brien $(rm -rf ~)", "obri-aaaa-bbbb-cccc-dddd-eeee");
	assert_int_equal(graph_ask_command(&g, odd, os, cmd, sizeof(cmd)), 0);
	assert_string_equal(cmd,
	                    "wallflower ask 'Conan O'\\''Brien $(rm -rf ~)' --for 'open source'");
	/* Too small: nothing half-written. */
	assert_int_equal(graph_ask_command(&g, odd, os, cmd, 20), -ENOSPC);
	assert_string_equal(cmd, "");
	assert_int_equal(graph_ask_command(&g, odd, os, cmd, 0), -EINVAL);
	assert_int_equal(graph_ask_command(&g, os, gov, cmd, sizeof(cmd)), -ENOENT);
	assert_int_equal(graph_ask_command(&g, cy, 99, cmd, sizeof(cmd)), -EINVAL);
	graph_clear(&g);
}

/* When the name would not name the hub alone, or could be read otherwise, the fingerprint
 * does; a contact from a vCard has nothing to be asked through. */
static void
test_graph_ask_command_fingerprint(void **state)
{
	char cmd[GRAPH_ASK_MAX];
	struct graph g;
	uint32_t cy, cy2, dash, bidi, dodo, vc, t;

	(void)state;
	assert_int_equal(graph_init(&g, "me"), 0);
	t = add(&g, GRAPH_TOPIC, "wikis");
	cy = person_fpr(&g, "Cy Young", FPR_CY);
	assert_int_equal(graph_ask_command(&g, cy, t, cmd, sizeof(cmd)), 0);
	assert_string_equal(cmd, "wallflower ask 'Cy Young' --for wikis");
	cy2 = person_fpr(&g, "CY YOUNG", FPR_CY2);
	assert_int_equal(graph_ask_command(&g, cy, t, cmd, sizeof(cmd)), 0);
	assert_string_equal(cmd, "wallflower ask " FPR_CY " --for wikis");
	assert_int_equal(graph_ask_command(&g, cy2, t, cmd, sizeof(cmd)), 0);
	assert_string_equal(cmd, "wallflower ask " FPR_CY2 " --for wikis");
	dash = person_fpr(&g, "-x", "dash-aaaa-bbbb-cccc-dddd-eeee");
	assert_int_equal(graph_ask_command(&g, dash, t, cmd, sizeof(cmd)), 0);
	assert_string_equal(cmd, "wallflower ask dash-aaaa-bbbb-cccc-dddd-eeee --for wikis");
	bidi = person_fpr(&g, "Eve\xe2\x80\xaeliam", "bidi-aaaa-bbbb-cccc-dddd-eeee");
	assert_int_equal(graph_ask_command(&g, bidi, t, cmd, sizeof(cmd)), 0);
	assert_string_equal(cmd, "wallflower ask bidi-aaaa-bbbb-cccc-dddd-eeee --for wikis");
	/* "DoDo" starts CY2's fingerprint: as an argument it would name that contact. */
	dodo = person_fpr(&g, "DoDo", "zzzz-aaaa-bbbb-cccc-dddd-eeee");
	assert_int_equal(graph_ask_command(&g, dodo, t, cmd, sizeof(cmd)), 0);
	assert_string_equal(cmd, "wallflower ask zzzz-aaaa-bbbb-cccc-dddd-eeee --for wikis");
	vc = person_fpr(&g, "Vera", "vera-aaaa-bbbb-cccc-dddd-eeee");
	g.nodes[vc].unverified = true;
	assert_int_equal(graph_ask_command(&g, vc, t, cmd, sizeof(cmd)), -ENOENT);
	assert_string_equal(cmd, "");
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
		cmocka_unit_test(test_graph_four_people),
		cmocka_unit_test(test_graph_docs_example),
		cmocka_unit_test(test_graph_hubs_exact_matches_reference),
		cmocka_unit_test(test_graph_hubs_sampled_matches_exact),
		cmocka_unit_test(test_graph_hubs_deterministic),
		cmocka_unit_test(test_graph_hubs_bad_mode),
		cmocka_unit_test(test_graph_hubs_not_topics),
		cmocka_unit_test(test_graph_reach_cut),
		cmocka_unit_test(test_graph_brokerage_small),
		cmocka_unit_test(test_graph_brokerage_budget),
		cmocka_unit_test(test_graph_gaps_leads),
		cmocka_unit_test(test_graph_gaps_leads_many),
		cmocka_unit_test(test_graph_stats_one_org),
		cmocka_unit_test(test_graph_stats_two_orgs_even),
		cmocka_unit_test(test_graph_stats_three_orgs),
		cmocka_unit_test(test_graph_stats_topics),
		cmocka_unit_test(test_graph_gaps_unmet_seeks),
		cmocka_unit_test(test_graph_gaps_single_holder),
		cmocka_unit_test(test_graph_gaps_dominant),
		cmocka_unit_test(test_graph_gaps_deterministic),
		cmocka_unit_test(test_graph_introductions_pairs),
		cmocka_unit_test(test_graph_ask_command_quotes),
		cmocka_unit_test(test_graph_ask_command_fingerprint),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
