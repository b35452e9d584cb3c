/*
 * graph_int.h: what graph.c shares with the measures (graph_stats.c, graph_hubs.c,
 * graph_gaps.c): the bounds, the checks and the adjacency views. Not installed.
 */
#ifndef WALLFLOWER_GRAPH_INT_H
#define WALLFLOWER_GRAPH_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wallflower/graph.h"

/* Indexes are uint32_t, and UINT32_MAX is kept free as "no node" / "not reached". */
#define NODES_MAX                                                                                  \
	((size_t)UINT32_MAX < SIZE_MAX / sizeof(struct graph_node)                                 \
	         ? (size_t)UINT32_MAX                                                              \
	         : SIZE_MAX / sizeof(struct graph_node))
/* Half of what fits, so that the undirected adjacency (two entries an edge) fits too. */
#define EDGES_MAX   (SIZE_MAX / 2 / sizeof(struct graph_edge))
#define BIT(k)      (1u << (k))
#define TOPIC_LINKS (BIT(GRAPH_KNOWS) | BIT(GRAPH_OFFERS) | BIT(GRAPH_SEEKS))

/*
 * Compressed sparse rows: the neighbours of v are to[off[v] .. off[v + 1]). Two arrays
 * for the whole graph, whatever its size.
 */
struct csr {
	size_t *off;
	uint32_t *to;
};

/* 0, or -EINVAL when an index or kind is out of range (the struct is public). */
int graph_check(const struct graph *g);
void csr_free(struct csr *c);
enum csr_view {
	CSR_SIMPLE,     /* every edge but self-loops, both ways */
	CSR_LINKS,      /* person -> thing edges of the kinds in mask, one way */
	CSR_LINKS_BOTH, /* the same, both ways */
};

/* The view's adjacency, repeats kept. 0 or -ENOMEM. */
int csr_build(const struct graph *g, unsigned mask, enum csr_view view, struct csr *c);
/* Drops repeated neighbours from every row; mark is n zeroed words, left dirty. */
void csr_dedup(struct csr *c, size_t n, uint32_t *mark);
/* The undirected simple graph: all edges, parallel ones collapsed, no self-loops. */
int csr_simple(const struct graph *g, struct csr *c, uint32_t *mark);
/* The links view of the kinds in mask, both ways, repeats dropped: a person's row holds
 * their things and the people an introduction ties them to, a thing's row its people.
 * mark: n zeroed words, left dirty. 0 or -ENOMEM. */
int csr_links_both(const struct graph *g, unsigned mask, struct csr *c, uint32_t *mark);
/* Per node, how many distinct people link to it by an edge of a kind in mask. */
int links_count(const struct graph *g, unsigned mask, size_t **holders, size_t *unlinked);
size_t count_people(const struct graph *g);

#endif
