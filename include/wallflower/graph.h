/*
 * graph: the shape of your network, computed in memory (pure: no SQLite, no I/O). The
 * store builds a struct graph from its tables; graph_* answer stats, hubs and gaps;
 * export writes it as GraphML, GEXF or DOT. docs/graph.md explains every measure.
 *
 * Nodes are people, events, topics and organisations, plus one node for you. Edges are
 * typed and timestamped: met_at(person, event), introduced_by(person, introducer),
 * offers/seeks/knows(person, topic), works_at(person, org). Your own seeks and offers are
 * edges from the "me" node.
 */
#ifndef WALLFLOWER_GRAPH_H
#define WALLFLOWER_GRAPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GRAPH_WUR __attribute__((warn_unused_result))

enum graph_kind { GRAPH_ME, GRAPH_PERSON, GRAPH_EVENT, GRAPH_TOPIC, GRAPH_ORG, GRAPH_KIND_COUNT };

enum graph_edge_kind {
	GRAPH_MET_AT,        /* person -> event */
	GRAPH_INTRODUCED_BY, /* person -> the person who introduced them */
	GRAPH_OFFERS,        /* person (or me) -> topic */
	GRAPH_SEEKS,         /* person (or me) -> topic */
	GRAPH_KNOWS,         /* person -> topic (their card's "topics") */
	GRAPH_WORKS_AT,      /* person -> org */
	GRAPH_EDGE_KIND_COUNT
};

struct graph_node {
	enum graph_kind kind;
	char *label; /* name, event name, topic or org; owned */
	char *id;    /* a stable id for exports: the fingerprint for people, else the label;
	              * owned */
};

struct graph_edge {
	uint32_t from, to; /* node indexes */
	enum graph_edge_kind kind;
	uint64_t at; /* unix seconds */
};

struct graph {
	struct graph_node *nodes;
	size_t n_nodes, cap_nodes;
	struct graph_edge *edges;
	size_t n_edges, cap_edges;
};

/* An empty graph with the "me" node at index 0, labelled me_label. 0 or -ENOMEM. */
int graph_init(struct graph *g, const char *me_label) GRAPH_WUR;
/* Frees everything a graph holds. NULL is fine. */
void graph_clear(struct graph *g);
/* Adds a node (label and id copied); *index gets its index. 0 or -ENOMEM, -E2BIG past 2^32-1. */
int graph_add_node(struct graph *g, enum graph_kind kind, const char *label, const char *id,
                   uint32_t *index) GRAPH_WUR;
/* Adds an edge between existing nodes. 0, -EINVAL for a bad index, -ENOMEM. */
int graph_add_edge(struct graph *g, uint32_t from, uint32_t to, enum graph_edge_kind kind,
                   uint64_t at) GRAPH_WUR;

/* Stable names for kinds: "person", "met_at", ... */
const char *graph_kind_name(enum graph_kind kind);
const char *graph_edge_kind_name(enum graph_edge_kind kind);

struct graph_stats {
	size_t count[GRAPH_KIND_COUNT]; /* nodes of each kind (count[GRAPH_ME] is 1) */
	size_t edges[GRAPH_EDGE_KIND_COUNT];
	/* Blau's index (1 - sum of squared shares) over the people's organisations and over
	 * the topics they know, offer or seek: 0 when all alike, towards 1 when spread. */
	double org_blau, topic_blau;
	/* Shannon evenness (entropy / log(categories)): 1 when evenly spread; 0 with one. */
	double org_evenness, topic_evenness;
	size_t people_without_org;
};

int graph_stats(const struct graph *g, struct graph_stats *out) GRAPH_WUR;

struct graph_hub {
	uint32_t node; /* a person */
	double score;  /* betweenness, normalised to 0..1 */
	size_t reach;  /* people within two hops through this person */
};

/*
 * The people who connect you to most others: betweenness centrality over the whole graph
 * (people, events, topics and organisations as nodes; edges undirected). Exact up to
 * GRAPH_EXACT_MAX nodes when n * (n + m) stays within GRAPH_EXACT_WORK; otherwise estimated
 * from GRAPH_SAMPLES source nodes chosen with a fixed seed, so the answer is reproducible.
 * Only people on some shortest path between others (score above 0) are hubs. *out (owned
 * by the caller) gets up to max hubs, best first; *n their number. 0; -ENOMEM; -EINVAL for a
 * graph with an index or kind out of range.
 */
#define GRAPH_EXACT_MAX  4096
#define GRAPH_EXACT_WORK 2e8 /* and at most this many n * (n + m) steps */
#define GRAPH_SAMPLES    64
int graph_hubs(const struct graph *g, size_t max, struct graph_hub **out, size_t *n) GRAPH_WUR;

struct graph_share {
	uint32_t node; /* an event or organisation */
	size_t people;
	double share; /* of all people */
};

struct graph_gaps {
	uint32_t *unmet_seeks; /* topic nodes you seek that no contact offers */
	size_t n_unmet_seeks;
	uint32_t *single_holder; /* topics exactly one contact knows, offers or seeks */
	size_t n_single_holder;
	struct graph_share *dominant; /* events or orgs holding more than GRAPH_DOMINANT of
	                               * the people */
	size_t n_dominant;
};

#define GRAPH_DOMINANT 0.5

int graph_gaps(const struct graph *g, struct graph_gaps *out) GRAPH_WUR;
void graph_gaps_clear(struct graph_gaps *gaps);

#endif
