/*
 * hubsample: how often the sampled hubs are the exact hubs (issue 14: the sample's
 * accuracy, on graphs of 10,000 people).
 *
 *   hubsample [PEOPLE [GRAPHS [SAMPLES [SHAPE]]]]   (default 10000 10 0 uniform)
 *
 * It builds GRAPHS graphs of PEOPLE people, each graph from a seed of its own (fixed), in
 * one of two shapes, both with the edges the store adds (you met_at every event where you
 * met someone) and you seeking one topic:
 *   uniform: bench/mkstore's shape (events, topics and organisations in its proportions,
 *     one organisation each, then ten edges a person drawn as mkstore draws them: half
 *     meetings, four tenths topics, a tenth introductions): nobody stands out;
 *   groups: groups of a hundred, each with its own event, organisation and two topics,
 *     introductions within the group, and thirty brokers among them who also went to
 *     other groups' events, broker j to about G / (j + 1) of the G groups: a few people
 *     join many groups, as in a network with real hubs. For each it takes the top 10 by
 * graph_hubs_with twice: GRAPH_HUBS_EXACT, and GRAPH_HUBS_AUTO (what users get: sampled
 * when the work is over the budget; SAMPLES > 0 asks GRAPH_HUBS_SAMPLED with that many
 * sources instead). It reports how often the two top 10s are the same set and the same
 * list, their mean overlap, and what the sampled choice gives up in exact scores
 * (captured: the exact scores of the sampled top 10 over the exact top 10's; gap10: how
 * far apart the exact 10th and 11th are), as one line of key=value pairs starting with
 * "hubsample ", after one line per graph. Times are wall time (the measures may use threads). A
 * tool, not the product: it trusts its arguments and dies on what it cannot do.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wallflower/graph.h"

#define TOP        10
#define GRAPHS_MAX 1000
#define SEED0      0x243f6a8885a308d3ULL

static void
die(const char *what)
{
	fprintf(stderr, "hubsample: %s\n", what);
	exit(1);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long
arg(int argc, char **argv, int i, long def, long min, long max)
{
	char *end;
	long v;

	if (argc <= i)
		return def;
	v = strtol(argv[i], &end, 10);
	if (*end != '\0' || v < min || v > max)
		die("usage: hubsample [PEOPLE [GRAPHS [SAMPLES [uniform|groups]]]]");
	return v;
}

/* splitmix64, one stream a graph. */
static uint64_t
rnd(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint32_t
node(struct graph *g, enum graph_kind kind, const char *prefix, long i)
{
	char label[64];
	uint32_t v;

	snprintf(label, sizeof(label), "%s %ld", prefix, i);
	if (graph_add_node(g, kind, label, label, &v) < 0)
		die("out of memory");
	return v;
}

/* count nodes "PREFIX 1" ... "PREFIX count"; the index of the first. */
static uint32_t
nodes(struct graph *g, enum graph_kind kind, const char *prefix, long count)
{
	uint32_t first = (uint32_t)g->n_nodes;

	for (long i = 1; i <= count; i++)
		(void)node(g, kind, prefix, i);
	return first;
}

static void
edge(struct graph *g, uint32_t from, uint32_t to, enum graph_edge_kind kind, uint64_t at)
{
	if (graph_add_edge(g, from, to, kind, at) < 0)
		die("graph_add_edge");
}

/*
 * mkstore's network (its proportions and its draws) as store_graph_load would load it:
 * you, then people, events, topics and organisations in id order, then the edges. Every
 * event and topic is linked to someone at this size, so all are nodes.
 */
static void
make(struct graph *g, long people, uint64_t seed)
{
	long events = people / 100 + 1, topics = people / 50 + 1, orgs = people / 100 + 1;
	uint32_t p0, e0, t0, o0;
	uint64_t *first;
	long made = 0;

	if (graph_init(g, "Benchmark") < 0)
		die("out of memory");
	p0 = nodes(g, GRAPH_PERSON, "Person", people);
	e0 = nodes(g, GRAPH_EVENT, "Event", events);
	t0 = nodes(g, GRAPH_TOPIC, "Topic", topics);
	o0 = nodes(g, GRAPH_ORG, "Org", orgs);
	if ((first = calloc((size_t)events, sizeof(*first))) == NULL)
		die("out of memory");
	for (long i = 0; i < people; i++, made++)
		edge(g, p0 + (uint32_t)i, o0 + (uint32_t)((i + 1) % orgs), GRAPH_WORKS_AT, 0);
	while (made < 10 * people) {
		uint32_t p = p0 + (uint32_t)(rnd(&seed) % (uint64_t)people);
		uint64_t kind = rnd(&seed) % 10, at = 1790000000 + rnd(&seed) % 1000000;

		if (kind < 5) {
			long e = (long)(rnd(&seed) % (uint64_t)events);

			edge(g, p, e0 + (uint32_t)e, GRAPH_MET_AT, at);
			if (first[e] == 0 || at < first[e])
				first[e] = at;
		} else if (kind < 9) {
			uint32_t t = t0 + (uint32_t)(rnd(&seed) % (uint64_t)topics);

			edge(g, p, t,
			     kind < 7   ? GRAPH_KNOWS
			     : kind < 8 ? GRAPH_OFFERS
			                : GRAPH_SEEKS,
			     at);
		} else {
			uint32_t q = p0 + (uint32_t)(rnd(&seed) % (uint64_t)people);

			if (q == p)
				continue;
			edge(g, p, q, GRAPH_INTRODUCED_BY, at);
		}
		made++;
	}
	for (long e = 0; e < events; e++)
		if (first[e] != 0)
			edge(g, 0, e0 + (uint32_t)e, GRAPH_MET_AT, first[e]);
	edge(g, 0, t0 + 6, GRAPH_SEEKS, 0); /* bench/run's "Topic 7" */
	free(first);
}

/* Groups of a hundred joined by brokers (the file's comment). */
static void
make_groups(struct graph *g, long people, uint64_t seed)
{
	long groups = people / 100 > 2 ? people / 100 : 2, brokers = people > 300 ? 30 : 3;
	uint32_t p0, e0, t0, o0;
	uint8_t *went;

	if (graph_init(g, "Benchmark") < 0)
		die("out of memory");
	p0 = nodes(g, GRAPH_PERSON, "Person", people);
	e0 = nodes(g, GRAPH_EVENT, "Event", groups);
	t0 = nodes(g, GRAPH_TOPIC, "Topic", 2 * groups);
	o0 = nodes(g, GRAPH_ORG, "Org", groups);
	for (long i = 0; i < people; i++) {
		uint32_t p = p0 + (uint32_t)i, grp = (uint32_t)(i % groups);
		uint64_t at = 1790000000 + rnd(&seed) % 1000000;

		edge(g, p, o0 + grp, GRAPH_WORKS_AT, at);
		edge(g, p, e0 + grp, GRAPH_MET_AT, at);
		edge(g, p, t0 + 2 * grp + (uint32_t)(rnd(&seed) % 2), GRAPH_KNOWS, at);
		if (rnd(&seed) % 10 == 0) {
			long q = (long)(rnd(&seed) % (uint64_t)(people / groups)) * groups +
			         (long)grp;

			if (q < people && q != i)
				edge(g, p, p0 + (uint32_t)q, GRAPH_INTRODUCED_BY, at);
		}
	}
	if ((went = calloc((size_t)groups, 1)) == NULL)
		die("out of memory");
	for (long j = 0; j < brokers; j++) {
		long k = groups / (j + 1) > 2 ? groups / (j + 1) : 2;

		memset(went, 0, (size_t)groups);
		went[j % groups] = 1; /* their own group's */
		for (long n = 1; n < k; n++) {
			long e = (long)(rnd(&seed) % (uint64_t)groups);

			while (went[e])
				e = (e + 1) % groups;
			went[e] = 1;
			edge(g, p0 + (uint32_t)j, e0 + (uint32_t)e, GRAPH_MET_AT,
			     1790000000 + rnd(&seed) % 1000000);
		}
	}
	free(went);
	for (long e = 0; e < groups; e++)
		edge(g, 0, e0 + (uint32_t)e, GRAPH_MET_AT, 1790000000);
	edge(g, 0, t0 + 6, GRAPH_SEEKS, 0);
}

static size_t
top(const struct graph *g, const struct graph_hubs_opts *o, uint32_t out[TOP], bool *exact,
    double *secs)
{
	struct graph_hub *h;
	double t = now_s();
	size_t n;

	if (graph_hubs_with(g, o, TOP, &h, &n, exact) < 0)
		die("graph_hubs_with");
	*secs = now_s() - t;
	for (size_t i = 0; i < n; i++)
		out[i] = h[i].node;
	free(h);
	return n;
}

static int
cmp_desc(const void *pa, const void *pb)
{
	double a = *(const double *)pa, b = *(const double *)pb;

	return (a < b) - (a > b);
}

/*
 * What the sampled top 10 gives up, in exact scores: *captured, the exact scores of the
 * sampled top 10 over those of the exact top 10 (1: as good a choice); *gap, how far
 * apart the exact 10th and 11th scores are, relative to the 10th (near 0: a top 10 that
 * no estimate could tell from the next ones).
 */
static void
captured(const struct graph *g, const uint32_t *a, size_t na, const uint32_t *b, size_t nb,
         double *share, double *gap)
{
	struct graph_hubs_opts ex = { .mode = GRAPH_HUBS_EXACT };
	double *score, *sorted, sa = 0, sb = 0;
	size_t np = 0;
	bool exact;

	if (graph_betweenness(g, &ex, &score, &exact) < 0 || !exact)
		die("graph_betweenness");
	if ((sorted = calloc(g->n_nodes, sizeof(*sorted))) == NULL)
		die("out of memory");
	for (size_t v = 0; v < g->n_nodes; v++)
		if (g->nodes[v].kind == GRAPH_PERSON)
			sorted[np++] = score[v];
	qsort(sorted, np, sizeof(*sorted), cmp_desc);
	for (size_t i = 0; i < na; i++)
		sa += score[a[i]];
	for (size_t i = 0; i < nb; i++)
		sb += score[b[i]];
	*share = sa > 0 ? sb / sa : 1;
	*gap = np > TOP && sorted[TOP - 1] > 0 ? (sorted[TOP - 1] - sorted[TOP]) / sorted[TOP - 1]
	                                       : 0;
	free(sorted);
	free(score);
}

/* How many of a's n entries are in b's m. */
static size_t
overlap(const uint32_t *a, size_t n, const uint32_t *b, size_t m)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < m; j++)
			k += a[i] == b[j];
	return k;
}

int
main(int argc, char **argv)
{
	long people = arg(argc, argv, 1, 10000, 3, 10000000);
	long graphs = arg(argc, argv, 2, 10, 1, GRAPHS_MAX);
	long samples = arg(argc, argv, 3, 0, 0, 10000000);
	const char *shape = argc > 4 ? argv[4] : "uniform";
	struct graph_hubs_opts ex = { .mode = GRAPH_HUBS_EXACT };
	struct graph_hubs_opts sa = { .mode = samples > 0 ? GRAPH_HUBS_SAMPLED : GRAPH_HUBS_AUTO,
		                      .samples = (size_t)samples };
	long same_set = 0, same_order = 0, sampled = 0;
	double overlaps = 0, t_exact = 0, t_sampled = 0, shares = 0, gaps = 0;
	size_t nodes = 0, edges = 0;

	for (long i = 0; i < graphs; i++) {
		uint32_t a[TOP], b[TOP];
		double te, ts, share, gap;
		bool exact_e, exact_s;
		struct graph g;
		size_t na, nb, k;
		uint64_t seed = SEED0 + (uint64_t)i;

		/* A state far from every other graph's: splitmix64 streams that start a few
		 * steps apart are the same stream shifted, and so nearly the same graph. */
		seed = rnd(&seed);
		if (strcmp(shape, "uniform") == 0)
			make(&g, people, seed);
		else if (strcmp(shape, "groups") == 0)
			make_groups(&g, people, seed);
		else
			die("usage: hubsample [PEOPLE [GRAPHS [SAMPLES [uniform|groups]]]]");
		nodes = g.n_nodes;
		edges = g.n_edges;
		na = top(&g, &ex, a, &exact_e, &te);
		nb = top(&g, &sa, b, &exact_s, &ts);
		if (!exact_e)
			die("GRAPH_HUBS_EXACT was not exact");
		k = overlap(a, na, b, nb);
		captured(&g, a, na, b, nb, &share, &gap);
		shares += share;
		gaps += gap;
		same_set += k == na && na == nb;
		same_order += na == nb && memcmp(a, b, na * sizeof(*a)) == 0;
		sampled += !exact_s;
		overlaps += (double)k;
		t_exact += te;
		t_sampled += ts;
		printf("graph=%ld nodes=%zu edges=%zu exact_s=%.3f sampled_s=%.3f sampled=%s "
		       "overlap=%zu same_order=%s captured=%.4f gap10=%.4f\n",
		       i, g.n_nodes, g.n_edges, te, ts, exact_s ? "no" : "yes", k,
		       na == nb && memcmp(a, b, na * sizeof(*a)) == 0 ? "yes" : "no", share, gap);
		fflush(stdout);
		graph_clear(&g);
	}
	printf("hubsample shape=%s people=%ld graphs=%ld nodes=%zu edges=%zu mode=%s samples=%ld "
	       "sampled=%ld same_set=%ld same_order=%ld mean_overlap=%.2f captured=%.4f "
	       "gap10=%.4f exact_s=%.3f sampled_s=%.3f\n",
	       shape, people, graphs, nodes, edges, samples > 0 ? "sampled" : "auto", samples,
	       sampled, same_set, same_order, overlaps / (double)graphs, shares / (double)graphs,
	       gaps / (double)graphs, t_exact / (double)graphs, t_sampled / (double)graphs);
	return 0;
}
