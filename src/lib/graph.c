/*
 * graph.c: the network in memory (docs/graph.md): the node and edge arrays of a struct
 * graph, and the adjacency views (graph_int.h) that the measures in graph_stats.c,
 * graph_hubs.c and graph_gaps.c build from it.
 *
 * It trusts its caller (the store, the tests) to hand it a graph built with graph_add_*,
 * but still checks every index before using it: a bad graph gives -EINVAL, never a stray
 * read. Labels are opaque bytes here. No measure may do I/O, allocate per node or per edge
 * (one CSR adjacency array, built once), or take time quadratic in the number of nodes: a
 * user with 100,000 contacts still gets an answer in well under a second.
 */
#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>
#include <unistd.h>

#include "graph_int.h"

#define CAP_MIN 16

static const char *const kind_names[] = {
	[GRAPH_ME] = "me",       [GRAPH_PERSON] = "person", [GRAPH_EVENT] = "event",
	[GRAPH_TOPIC] = "topic", [GRAPH_ORG] = "org",
};
_Static_assert(sizeof(kind_names) / sizeof(kind_names[0]) == GRAPH_KIND_COUNT, "kind names");

static const char *const edge_names[] = {
	[GRAPH_MET_AT] = "met_at", [GRAPH_INTRODUCED_BY] = "introduced_by",
	[GRAPH_OFFERS] = "offers", [GRAPH_SEEKS] = "seeks",
	[GRAPH_KNOWS] = "knows",   [GRAPH_WORKS_AT] = "works_at",
};
_Static_assert(sizeof(edge_names) / sizeof(edge_names[0]) == GRAPH_EDGE_KIND_COUNT, "edge names");

/* What each edge kind points at when it starts at a person (graph.h). */
static const enum graph_kind edge_target[] = {
	[GRAPH_MET_AT] = GRAPH_EVENT, [GRAPH_INTRODUCED_BY] = GRAPH_PERSON,
	[GRAPH_OFFERS] = GRAPH_TOPIC, [GRAPH_SEEKS] = GRAPH_TOPIC,
	[GRAPH_KNOWS] = GRAPH_TOPIC,  [GRAPH_WORKS_AT] = GRAPH_ORG,
};
_Static_assert(sizeof(edge_target) / sizeof(edge_target[0]) == GRAPH_EDGE_KIND_COUNT,
               "edge targets");

const char *
graph_kind_name(enum graph_kind kind)
{
	return (unsigned)kind < GRAPH_KIND_COUNT ? kind_names[kind] : "unknown";
}

const char *
graph_edge_kind_name(enum graph_edge_kind kind)
{
	return (unsigned)kind < GRAPH_EDGE_KIND_COUNT ? edge_names[kind] : "unknown";
}

/* Building */

/* The next capacity of an array that doubles, never past max. */
static size_t
next_cap(size_t cap, size_t max)
{
	if (cap == 0)
		return CAP_MIN < max ? CAP_MIN : max;
	return cap > max / 2 ? max : cap * 2;
}

/*
 * The strings of a graph: blocks that only grow, freed together by graph_clear. A node's
 * label and id point into them; no string is ever freed on its own.
 */
struct graph_strings {
	struct graph_strings *next;
	size_t used, cap;
	char bytes[];
};

#define STRINGS_BLOCK (64 * 1024 - sizeof(struct graph_strings))

/* Room for size bytes in g's strings, or NULL. */
static char *
strings_alloc(struct graph *g, size_t size)
{
	struct graph_strings *b = g->strings;
	char *p;

	if (b == NULL || b->cap - b->used < size) {
		size_t cap = size > STRINGS_BLOCK ? size : STRINGS_BLOCK;

		if (cap > SIZE_MAX - sizeof(*b) || (b = malloc(sizeof(*b) + cap)) == NULL)
			return NULL;
		b->used = 0;
		b->cap = cap;
		/* A block for one big string goes behind the current one, which keeps its room. */
		if (g->strings != NULL && cap > STRINGS_BLOCK) {
			b->next = g->strings->next;
			g->strings->next = b;
		} else {
			b->next = g->strings;
			g->strings = b;
		}
	}
	p = &b->bytes[b->used];
	b->used += size;
	return p;
}

int
graph_init(struct graph *g, const char *me_label)
{
	uint32_t me;
	int r;

	memset(g, 0, sizeof(*g));
	/* The id is fixed, not the label: your name may change, your node's id should not. */
	if ((r = graph_add_node(g, GRAPH_ME, me_label != NULL ? me_label : "me", "me", &me)) < 0)
		graph_clear(g);
	assert(r < 0 || me == 0);
	return r;
}

void
graph_clear(struct graph *g)
{
	if (g == NULL)
		return;
	while (g->strings != NULL) {
		struct graph_strings *next = g->strings->next;

		free(g->strings);
		g->strings = next;
	}
	free(g->nodes);
	free(g->edges);
	memset(g, 0, sizeof(*g));
}

static int
nodes_reserve(struct graph *g)
{
	struct graph_node *p;
	size_t cap;

	if (g->n_nodes < g->cap_nodes)
		return 0;
	if (g->n_nodes >= NODES_MAX)
		return -E2BIG;
	cap = next_cap(g->cap_nodes, NODES_MAX);
	if ((p = reallocarray(g->nodes, cap, sizeof(*p))) == NULL)
		return -ENOMEM;
	g->nodes = p;
	g->cap_nodes = cap;
	return 0;
}

/* Appends a node whose label and id are already in g's strings. */
static int
node_push(struct graph *g, enum graph_kind kind, char *label, char *id, uint32_t *index)
{
	int r;

	if (index != NULL)
		*index = UINT32_MAX;
	if ((r = nodes_reserve(g)) < 0)
		return r;
	g->nodes[g->n_nodes] =
	        (struct graph_node){ .kind = kind, .label = label, .id = id, .last_met = 0 };
	if (index != NULL)
		*index = (uint32_t)g->n_nodes;
	g->n_nodes++;
	return 0;
}

/* A copy of len bytes of s, NUL-terminated, in g's strings; NULL when out of memory. */
static char *
strings_dup(struct graph *g, const char *s, size_t len)
{
	char *p = len < SIZE_MAX ? strings_alloc(g, len + 1) : NULL;

	if (p != NULL) {
		memcpy(p, s, len);
		p[len] = '\0';
	}
	return p;
}

int
graph_add_node(struct graph *g, enum graph_kind kind, const char *label, const char *id,
               uint32_t *index)
{
	size_t llen, idlen;
	char *l, *i;

	assert((unsigned)kind < GRAPH_KIND_COUNT && label != NULL);
	if (index != NULL)
		*index = UINT32_MAX;
	if (g->n_nodes >= g->cap_nodes && g->n_nodes >= NODES_MAX)
		return -E2BIG;
	llen = strlen(label);
	idlen = id != NULL ? strlen(id) : llen;
	if (id == NULL || (idlen >= llen && memcmp(id + idlen - llen, label, llen) == 0)) {
		/* The label is the id's tail ("topic:Rust" and "Rust"): one copy for both. */
		if ((i = strings_dup(g, id != NULL ? id : label, idlen)) == NULL)
			return -ENOMEM;
		l = i + idlen - llen;
	} else if ((l = strings_dup(g, label, llen)) == NULL ||
	           (i = strings_dup(g, id, idlen)) == NULL) {
		return -ENOMEM;
	}
	return node_push(g, kind, l, i, index);
}

int
graph_add_node_ns(struct graph *g, enum graph_kind kind, const char *prefix, const char *label,
                  size_t len, uint32_t *index)
{
	size_t plen = strlen(prefix);
	char *i;

	assert((unsigned)kind < GRAPH_KIND_COUNT && label != NULL);
	if (index != NULL)
		*index = UINT32_MAX;
	if (g->n_nodes >= g->cap_nodes && g->n_nodes >= NODES_MAX)
		return -E2BIG;
	if (len > SIZE_MAX - plen - 2 || (i = strings_alloc(g, plen + 1 + len + 1)) == NULL)
		return -ENOMEM;
	memcpy(i, prefix, plen);
	i[plen] = ':';
	memcpy(&i[plen + 1], label, len);
	i[plen + 1 + len] = '\0';
	return node_push(g, kind, &i[plen + 1], i, index);
}

static int
edges_reserve(struct graph *g)
{
	struct graph_edge *p;
	size_t cap;

	if (g->n_edges < g->cap_edges)
		return 0;
	/* The header promises -ENOMEM here: this many edges could never be allocated. */
	if (g->n_edges >= EDGES_MAX)
		return -ENOMEM;
	cap = next_cap(g->cap_edges, EDGES_MAX);
	if ((p = reallocarray(g->edges, cap, sizeof(*p))) == NULL)
		return -ENOMEM;
	g->edges = p;
	g->cap_edges = cap;
	return 0;
}

int
graph_add_edge(struct graph *g, uint32_t from, uint32_t to, enum graph_edge_kind kind, uint64_t at)
{
	int r;

	if (from >= g->n_nodes || to >= g->n_nodes || (unsigned)kind >= GRAPH_EDGE_KIND_COUNT)
		return -EINVAL;
	if ((r = edges_reserve(g)) < 0)
		return r;
	g->edges[g->n_edges++] =
	        (struct graph_edge){ .from = from, .to = to, .kind = kind, .at = at };
	return 0;
}

/*
 * The struct is public, so a caller could have filled it by hand: check what the measures
 * index with before they index with it.
 */
int
graph_check(const struct graph *g)
{
	if (g->n_nodes > NODES_MAX || g->n_edges > EDGES_MAX)
		return -EINVAL;
	if ((g->n_nodes > 0 && g->nodes == NULL) || (g->n_edges > 0 && g->edges == NULL))
		return -EINVAL;
	for (size_t i = 0; i < g->n_nodes; i++)
		if ((unsigned)g->nodes[i].kind >= GRAPH_KIND_COUNT)
			return -EINVAL;
	for (size_t i = 0; i < g->n_edges; i++) {
		const struct graph_edge *e = &g->edges[i];

		if (e->from >= g->n_nodes || e->to >= g->n_nodes ||
		    (unsigned)e->kind >= GRAPH_EDGE_KIND_COUNT)
			return -EINVAL;
	}
	return 0;
}

/* Adjacency */

void
csr_free(struct csr *c)
{
	free(c->off);
	free(c->to);
	c->off = NULL;
	c->to = NULL;
}

/*
 * Which edges a CSR holds (enum csr_view). A links view holds person -> thing edges of
 * the kinds in mask whose target is the kind its edge kind names (a works_at edge to a
 * topic says nothing about organisations), without self-loops; CSR_LINKS one way,
 * CSR_LINKS_BOTH both. The simple view holds every edge but self-loops, both ways.
 */
static bool
csr_keeps(const struct graph *g, const struct graph_edge *e, unsigned mask, enum csr_view view)
{
	if (e->from == e->to)
		return false;
	if (view == CSR_SIMPLE)
		return true;
	return (mask & BIT(e->kind)) != 0 && g->nodes[e->from].kind == GRAPH_PERSON &&
	       g->nodes[e->to].kind == edge_target[e->kind];
}

int
csr_build(const struct graph *g, unsigned mask, enum csr_view view, struct csr *c)
{
	bool both = view != CSR_LINKS;
	size_t n = g->n_nodes, *off;

	c->to = NULL;
	if ((c->off = off = calloc(n + 1, sizeof(*off))) == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < g->n_edges; i++) {
		const struct graph_edge *e = &g->edges[i];

		if (!csr_keeps(g, e, mask, view))
			continue;
		off[e->from + 1]++;
		if (both)
			off[e->to + 1]++;
	}
	for (size_t v = 0; v < n; v++)
		off[v + 1] += off[v];
	if ((c->to = reallocarray(NULL, off[n] > 0 ? off[n] : 1, sizeof(*c->to))) == NULL) {
		csr_free(c);
		return -ENOMEM;
	}
	/* Fill each row from its start; afterwards off[v] is where row v + 1 starts. */
	for (size_t i = 0; i < g->n_edges; i++) {
		const struct graph_edge *e = &g->edges[i];

		if (!csr_keeps(g, e, mask, view))
			continue;
		c->to[off[e->from]++] = e->to;
		if (both)
			c->to[off[e->to]++] = e->from;
	}
	memmove(&off[1], &off[0], n * sizeof(*off));
	off[0] = 0;
	return 0;
}

/* Drops repeated neighbours from every row, in place; mark is n zeroed words, left dirty. */
void
csr_dedup(struct csr *c, size_t n, uint32_t *mark)
{
	size_t w = 0;

	for (size_t v = 0; v < n; v++) {
		size_t i = c->off[v], end = c->off[v + 1];

		c->off[v] = w;
		for (; i < end; i++) {
			uint32_t t = c->to[i];

			if (mark[t] != (uint32_t)v + 1) {
				mark[t] = (uint32_t)v + 1;
				c->to[w++] = t;
			}
		}
	}
	c->off[n] = w;
}

/* The undirected simple graph: all edges, parallel ones collapsed, no self-loops. */
int
csr_simple(const struct graph *g, struct csr *c, uint32_t *mark)
{
	int r;

	if ((r = csr_build(g, 0, CSR_SIMPLE, c)) < 0)
		return r;
	csr_dedup(c, g->n_nodes, mark);
	return 0;
}

int
csr_links_both(const struct graph *g, unsigned mask, struct csr *c, uint32_t *mark)
{
	int r;

	if ((r = csr_build(g, mask, CSR_LINKS_BOTH, c)) < 0)
		return r;
	csr_dedup(c, g->n_nodes, mark);
	return 0;
}

/*
 * For every node, how many distinct people link to it by an edge of a kind in mask
 * (*holders, n entries, the caller frees it); *unlinked gets the number of people with no
 * such edge at all. Each person-thing pair counts once, however many edges repeat it.
 */
int
links_count(const struct graph *g, unsigned mask, size_t **holders, size_t *unlinked)
{
	size_t n = g->n_nodes, *h = NULL;
	uint32_t *mark = NULL;
	struct csr c = { 0 };
	int r;

	*holders = NULL;
	*unlinked = 0;
	if ((r = csr_build(g, mask, CSR_LINKS, &c)) < 0)
		goto out;
	h = calloc(n > 0 ? n : 1, sizeof(*h));
	mark = calloc(n > 0 ? n : 1, sizeof(*mark));
	if (h == NULL || mark == NULL) {
		r = -ENOMEM;
		goto out;
	}
	csr_dedup(&c, n, mark);
	for (size_t v = 0; v < n; v++) {
		for (size_t i = c.off[v]; i < c.off[v + 1]; i++)
			h[c.to[i]]++;
		if (g->nodes[v].kind == GRAPH_PERSON && c.off[v] == c.off[v + 1])
			(*unlinked)++;
	}
	*holders = h;
	h = NULL;
out:
	free(mark);
	free(h);
	csr_free(&c);
	return r;
}

size_t
count_people(const struct graph *g)
{
	size_t people = 0;

	for (size_t v = 0; v < g->n_nodes; v++)
		people += g->nodes[v].kind == GRAPH_PERSON;
	return people;
}

/* Selection */

/* Which people sel keeps, in keep[] (n bytes): 1 for you and each of them, else 0. */
static void
select_people(const struct graph *g, const struct graph_select *sel, uint8_t *keep)
{
	bool any_event = sel->event == UINT32_MAX;

	/* 2: a person in the period, kept once a meeting at the event is found. */
	for (size_t v = 0; v < g->n_nodes; v++) {
		const struct graph_node *x = &g->nodes[v];
		bool in = x->kind == GRAPH_PERSON && x->last_met >= sel->since;

		keep[v] = x->kind == GRAPH_ME ? 1 : in ? (any_event ? 1 : 2) : 0;
	}
	if (any_event)
		return;
	for (size_t i = 0; i < g->n_edges; i++) {
		const struct graph_edge *e = &g->edges[i];

		if (e->kind == GRAPH_MET_AT && e->to == sel->event && keep[e->from] == 2)
			keep[e->from] = 1;
	}
	for (size_t v = 0; v < g->n_nodes; v++)
		keep[v] = keep[v] == 1;
}

/*
 * Keeps every event, topic and organisation linked (either way) to a kept person, and the
 * topics you offer or seek: what you seek is still sought, whoever you met lately.
 */
static void
select_things(const struct graph *g, uint8_t *keep)
{
	for (size_t i = 0; i < g->n_edges; i++) {
		const struct graph_edge *e = &g->edges[i];
		uint32_t ends[2] = { e->from, e->to };

		if (g->nodes[e->from].kind == GRAPH_ME && g->nodes[e->to].kind == GRAPH_TOPIC &&
		    (e->kind == GRAPH_OFFERS || e->kind == GRAPH_SEEKS))
			keep[e->to] = 1;

		for (int k = 0; k < 2; k++) {
			uint32_t p = ends[k], t = ends[1 - k];
			enum graph_kind tk = g->nodes[t].kind;

			if (g->nodes[p].kind == GRAPH_PERSON && keep[p] == 1 &&
			    (tk == GRAPH_EVENT || tk == GRAPH_TOPIC || tk == GRAPH_ORG))
				keep[t] = 1;
		}
	}
}

/* Copies the kept nodes, in order, and the edges among them; map: n words, overwritten. */
static int
select_copy(const struct graph *g, const uint8_t *keep, uint32_t *map, struct graph *out)
{
	int r;

	for (size_t v = 0; v < g->n_nodes; v++) {
		const struct graph_node *x = &g->nodes[v];

		map[v] = UINT32_MAX;
		if (!keep[v])
			continue;
		if ((r = graph_add_node(out, x->kind, x->label, x->id, &map[v])) < 0)
			return r;
		out->nodes[map[v]].last_met = x->last_met;
	}
	for (size_t i = 0; i < g->n_edges; i++) {
		const struct graph_edge *e = &g->edges[i];

		if (map[e->from] == UINT32_MAX || map[e->to] == UINT32_MAX)
			continue;
		if ((r = graph_add_edge(out, map[e->from], map[e->to], e->kind, e->at)) < 0)
			return r;
	}
	return 0;
}

int
graph_select(const struct graph *g, const struct graph_select *sel, struct graph *out)
{
	size_t n = g->n_nodes;
	uint8_t *keep = NULL;
	uint32_t *map = NULL;
	int r;

	memset(out, 0, sizeof(*out));
	if ((r = graph_check(g)) < 0)
		return r;
	if (sel->event != UINT32_MAX &&
	    (sel->event >= n || g->nodes[sel->event].kind != GRAPH_EVENT))
		return -EINVAL;
	keep = calloc(n > 0 ? n : 1, sizeof(*keep));
	map = reallocarray(NULL, n > 0 ? n : 1, sizeof(*map));
	if (keep == NULL || map == NULL) {
		r = -ENOMEM;
		goto out;
	}
	select_people(g, sel, keep);
	select_things(g, keep);
	if ((r = select_copy(g, keep, map, out)) < 0)
		graph_clear(out);
out:
	free(map);
	free(keep);
	return r;
}
