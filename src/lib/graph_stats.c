/*
 * graph_stats.c: how many of each, and how diverse (docs/graph.md, "Stats").
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "graph_int.h"

/* Stats */

/*
 * Blau's index and Shannon evenness over the categories of one kind, each weighted by its
 * holder count. Fewer than two categories: evenness 0 (log 1 is 0, the ratio undefined).
 */
static void
diversity(const struct graph *g, const size_t *holders, enum graph_kind kind, double *blau,
          double *evenness)
{
	double total = 0, squares = 0, entropy = 0;
	size_t k = 0;

	*blau = 0;
	*evenness = 0;
	for (size_t v = 0; v < g->n_nodes; v++) {
		if (g->nodes[v].kind == kind && holders[v] > 0) {
			total += (double)holders[v];
			k++;
		}
	}
	if (k == 0)
		return;
	for (size_t v = 0; v < g->n_nodes; v++) {
		double p;

		if (g->nodes[v].kind != kind || holders[v] == 0)
			continue;
		p = (double)holders[v] / total;
		squares += p * p;
		entropy -= p * log(p);
	}
	*blau = 1.0 - squares;
	if (k >= 2)
		*evenness = fmin(1.0, entropy / log((double)k)); /* rounding can pass 1 */
}

/*
 * Counts nodes by kind; an event, topic or organisation counts only when some person is
 * linked to it (your own offers and seeks are not your network's topics).
 */
static int
count_held(const struct graph *g, size_t count[GRAPH_KIND_COUNT])
{
	bool *held = calloc(g->n_nodes ? g->n_nodes : 1, sizeof(*held));

	if (held == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < g->n_edges; i++)
		if (g->nodes[g->edges[i].from].kind == GRAPH_PERSON)
			held[g->edges[i].to] = true;
	for (size_t v = 0; v < g->n_nodes; v++) {
		enum graph_kind k = g->nodes[v].kind;

		if (k == GRAPH_ME || k == GRAPH_PERSON || held[v])
			count[k]++;
	}
	free(held);
	return 0;
}

int
graph_stats(const struct graph *g, struct graph_stats *out)
{
	size_t *orgs = NULL, *topics = NULL, unlinked;
	int r;

	memset(out, 0, sizeof(*out));
	if ((r = graph_check(g)) < 0)
		return r;
	if ((r = count_held(g, out->count)) < 0)
		return r;
	for (size_t i = 0; i < g->n_edges; i++)
		out->edges[g->edges[i].kind]++;
	if ((r = links_count(g, BIT(GRAPH_WORKS_AT), &orgs, &out->people_without_org)) < 0)
		goto out;
	if ((r = links_count(g, TOPIC_LINKS, &topics, &unlinked)) < 0)
		goto out;
	diversity(g, orgs, GRAPH_ORG, &out->org_blau, &out->org_evenness);
	diversity(g, topics, GRAPH_TOPIC, &out->topic_blau, &out->topic_evenness);
out:
	free(topics);
	free(orgs);
	return r;
}
