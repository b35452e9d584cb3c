/*
 * graph: the shape of your network, computed in memory (pure: no SQLite, no I/O). The
 * store builds a struct graph from its tables; graph_* answer stats, hubs and gaps;
 * export writes it as GraphML, GEXF or DOT. docs/graph.md explains every measure.
 *
 * Nodes are people, events, topics and organisations, plus one node for you. Edges are
 * typed and timestamped: met_at(person, event), introduced_by(person, introducer),
 * offers/seeks/knows(person, topic), works_at(person, org). Your own seeks and offers are
 * edges from the "me" node, and so is a met_at edge to every event where you met someone
 * (at: the first meeting there).
 */
#ifndef WALLFLOWER_GRAPH_H
#define WALLFLOWER_GRAPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GRAPH_WUR __attribute__((warn_unused_result))

enum graph_kind { GRAPH_ME, GRAPH_PERSON, GRAPH_EVENT, GRAPH_TOPIC, GRAPH_ORG, GRAPH_KIND_COUNT };

enum graph_edge_kind {
	GRAPH_MET_AT,        /* person (or me) -> event */
	GRAPH_INTRODUCED_BY, /* person -> the person who introduced them */
	GRAPH_OFFERS,        /* person (or me) -> topic */
	GRAPH_SEEKS,         /* person (or me) -> topic */
	GRAPH_KNOWS,         /* person -> topic (their card's "topics") */
	GRAPH_WORKS_AT,      /* person -> org */
	GRAPH_EDGE_KIND_COUNT
};

struct graph_node {
	enum graph_kind kind;
	char *label;       /* name, event name, topic or org; owned by the graph (its strings) */
	char *id;          /* a stable id for exports: the fingerprint for people, else the label;
	                    * owned by the graph, and may share bytes with label */
	uint64_t last_met; /* people: the latest meeting (unix seconds, any event or none); 0
	                    * when unknown */
};

struct graph_edge {
	uint32_t from, to; /* node indexes */
	enum graph_edge_kind kind;
	uint64_t at; /* unix seconds */
};

struct graph_strings; /* graph.c: the bytes of every label and id, in a few blocks */

struct graph {
	struct graph_node *nodes;
	size_t n_nodes, cap_nodes;
	struct graph_edge *edges;
	size_t n_edges, cap_edges;
	struct graph_strings *strings;
};

/* An empty graph with the "me" node at index 0, labelled me_label. 0 or -ENOMEM. */
int graph_init(struct graph *g, const char *me_label) GRAPH_WUR;
/* Frees everything a graph holds. NULL is fine. */
void graph_clear(struct graph *g);
/*
 * Adds a node (label and id copied into the graph's strings, once: no id, or an id that ends
 * with the label, shares the label's bytes); *index gets its index. 0 or -ENOMEM, -E2BIG
 * past 2^32-1.
 */
int graph_add_node(struct graph *g, enum graph_kind kind, const char *label, const char *id,
                   uint32_t *index) GRAPH_WUR;
/* The same with the id "prefix:label", built in place (label: len bytes, no NUL needed). */
int graph_add_node_ns(struct graph *g, enum graph_kind kind, const char *prefix, const char *label,
                      size_t len, uint32_t *index) GRAPH_WUR;
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
	uint32_t node;         /* a person */
	double score;          /* subset betweenness (people as endpoints), 0..1 */
	size_t reach;          /* people whose every path to you runs through this person */
	double effective_size; /* Burt, on the people graph; NAN with no neighbour there */
	double constraint;     /* Burt, on the people graph; NAN with no neighbour there */
};

enum graph_hubs_mode { GRAPH_HUBS_AUTO, GRAPH_HUBS_EXACT, GRAPH_HUBS_SAMPLED };

struct graph_hubs_opts {
	enum graph_hubs_mode mode; /* AUTO: exact when the work allows, else sampled */
	size_t samples;            /* SAMPLED (or AUTO when it samples): 0 for the default */
};

/*
 * Every node's subset betweenness (*score: n_nodes entries, 0 for nodes that are not
 * people; the caller frees it); *exact says whether it was computed exactly. o may be NULL
 * (AUTO). 0; -ENOMEM; -EINVAL.
 */
int graph_betweenness(const struct graph *g, const struct graph_hubs_opts *o, double **score,
                      bool *exact) GRAPH_WUR;
/* Every node's reach (*reach: n_nodes entries, 0 for nodes that are not people). */
int graph_reach(const struct graph *g, size_t **reach) GRAPH_WUR;
/* Burt's effective size and constraint of one person on the people graph. 0; -EINVAL. */
int graph_brokerage(const struct graph *g, uint32_t person, double *effective_size,
                    double *constraint) GRAPH_WUR;

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
/* The same with options; *exact (may be NULL) says whether the scores are exact. */
int graph_hubs_with(const struct graph *g, const struct graph_hubs_opts *o, size_t max,
                    struct graph_hub **out, size_t *n, bool *exact) GRAPH_WUR;

struct graph_share {
	uint32_t node; /* an event or organisation */
	size_t people;
	double share; /* of all people */
};

/* Someone who might help with a topic nobody offers: they hold it without offering it,
 * or hold a related topic (docs/graph.md). */
struct graph_lead {
	uint32_t person;
	uint32_t topic; /* the topic of theirs that makes them a lead */
};

struct graph_unmet {
	uint32_t topic; /* what you seek */
	struct graph_lead *leads;
	size_t n_leads;
	uint32_t ask;     /* the hub to ask about it, UINT32_MAX for none */
	uint32_t ask_via; /* the lead that hub is one step from (or is), UINT32_MAX for none */
};

struct graph_gaps {
	uint32_t *unmet_seeks; /* topic nodes you seek that no contact offers */
	size_t n_unmet_seeks;
	struct graph_unmet *unmet; /* the same topics, in the same order, with leads */
	size_t n_unmet;
	uint32_t *single_holder; /* topics exactly one contact knows, offers or seeks */
	size_t n_single_holder;
	struct graph_share *dominant; /* events or orgs holding more than GRAPH_DOMINANT of
	                               * the people */
	size_t n_dominant;
};

#define GRAPH_DOMINANT 0.5

int graph_gaps(const struct graph *g, struct graph_gaps *out) GRAPH_WUR;
void graph_gaps_clear(struct graph_gaps *gaps);

/* Which people a view of the network keeps: met at or after since (0: any time), at event
 * (a node index; UINT32_MAX: any). */
struct graph_select {
	uint64_t since;
	uint32_t event;
};

/*
 * *out: a new graph of you, the people sel keeps, and the events, topics and organisations
 * they are linked to, with the edges among those (introductions only between people
 * kept). Node order is kept. 0; -ENOMEM; -EINVAL.
 */
int graph_select(const struct graph *g, const struct graph_select *sel,
                 struct graph *out) GRAPH_WUR;

#endif
