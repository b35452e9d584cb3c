/*
 * graph_gaps.c: what your network is missing (docs/graph.md, "Gaps").
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "graph_int.h"

/* Gaps */

void
graph_gaps_clear(struct graph_gaps *gaps)
{
	if (gaps == NULL)
		return;
	free(gaps->unmet_seeks);
	free(gaps->single_holder);
	free(gaps->dominant);
	memset(gaps, 0, sizeof(*gaps));
}

/* Collects, in index order, the nodes whose want[] byte is 1. */
static int
collect(const uint8_t *want, size_t n, uint32_t **out, size_t *count)
{
	size_t k = 0;

	*count = 0;
	for (size_t v = 0; v < n; v++)
		k += want[v] == 1;
	if (k == 0)
		return 0;
	if ((*out = reallocarray(NULL, k, sizeof(**out))) == NULL)
		return -ENOMEM;
	for (size_t v = 0; v < n; v++)
		if (want[v] == 1)
			(*out)[(*count)++] = (uint32_t)v;
	return 0;
}

#define SOUGHT  1u
#define OFFERED 2u

/* Topics "me" (node 0) seeks and no person offers. flags: n zeroed bytes. */
static int
gaps_unmet(const struct graph *g, uint8_t *flags, struct graph_gaps *out)
{
	if (g->n_nodes == 0 || g->nodes[0].kind != GRAPH_ME)
		return 0;
	for (size_t i = 0; i < g->n_edges; i++) {
		const struct graph_edge *e = &g->edges[i];
		enum graph_kind from = g->nodes[e->from].kind;

		if (g->nodes[e->to].kind != GRAPH_TOPIC)
			continue;
		if (e->kind == GRAPH_SEEKS && e->from == 0)
			flags[e->to] |= SOUGHT;
		else if (e->kind == GRAPH_OFFERS && from == GRAPH_PERSON)
			flags[e->to] |= OFFERED;
	}
	/* collect() keeps the 1s: sought (1) and not offered (not 3). */
	return collect(flags, g->n_nodes, &out->unmet_seeks, &out->n_unmet_seeks);
}

/* Topics that exactly one person knows, offers or seeks. flags: n bytes, overwritten. */
static int
gaps_single(const struct graph *g, uint8_t *flags, struct graph_gaps *out)
{
	size_t *holders, unlinked;
	int r;

	if ((r = links_count(g, TOPIC_LINKS, &holders, &unlinked)) < 0)
		return r;
	for (size_t v = 0; v < g->n_nodes; v++)
		flags[v] = g->nodes[v].kind == GRAPH_TOPIC && holders[v] == 1;
	free(holders);
	return collect(flags, g->n_nodes, &out->single_holder, &out->n_single_holder);
}

/* Largest share first, then the lower index. */
static int
share_cmp(const void *pa, const void *pb)
{
	const struct graph_share *a = pa, *b = pb;

	if (a->people != b->people)
		return a->people > b->people ? -1 : 1;
	return a->node < b->node ? -1 : a->node > b->node;
}

static bool
dominates(const struct graph *g, const size_t *holders, size_t v, size_t people)
{
	enum graph_kind k = g->nodes[v].kind;

	return (k == GRAPH_EVENT || k == GRAPH_ORG) &&
	       (double)holders[v] > GRAPH_DOMINANT * (double)people;
}

/* Events and organisations that more than GRAPH_DOMINANT of all people are linked to. */
static int
gaps_dominant(const struct graph *g, struct graph_gaps *out)
{
	size_t people = count_people(g), *holders, unlinked, k = 0;
	unsigned mask = BIT(GRAPH_MET_AT) | BIT(GRAPH_WORKS_AT);
	int r;

	if (people == 0)
		return 0;
	if ((r = links_count(g, mask, &holders, &unlinked)) < 0)
		return r;
	for (size_t v = 0; v < g->n_nodes; v++)
		k += dominates(g, holders, v, people);
	if (k > 0 && (out->dominant = reallocarray(NULL, k, sizeof(*out->dominant))) == NULL) {
		free(holders);
		return -ENOMEM;
	}
	for (size_t v = 0; v < g->n_nodes && k > 0; v++) {
		if (!dominates(g, holders, v, people))
			continue;
		out->dominant[out->n_dominant++] = (struct graph_share){
			.node = (uint32_t)v,
			.people = holders[v],
			.share = (double)holders[v] / (double)people,
		};
	}
	free(holders);
	if (k > 0)
		qsort(out->dominant, k, sizeof(*out->dominant), share_cmp);
	return 0;
}

int
graph_gaps(const struct graph *g, struct graph_gaps *out)
{
	uint8_t *flags = NULL;
	int r;

	memset(out, 0, sizeof(*out));
	if ((r = graph_check(g)) < 0)
		return r;
	if ((flags = calloc(g->n_nodes > 0 ? g->n_nodes : 1, 1)) == NULL)
		return -ENOMEM;
	if ((r = gaps_unmet(g, flags, out)) < 0 || (r = gaps_single(g, flags, out)) < 0 ||
	    (r = gaps_dominant(g, out)) < 0)
		graph_gaps_clear(out);
	free(flags);
	return r;
}
