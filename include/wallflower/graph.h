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
	bool unverified;   /* people: from a vCard, without key or signature (contact.h) */
	bool in_person;    /* people: verified in person (proto/session.md 9.7) */
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
/* Every node's reach (*reach: n_nodes entries, 0 for nodes that are not people; the
 * caller frees it), as for graph_hubs. 0; -ENOMEM; -EINVAL. */
int graph_reach(const struct graph *g, size_t **reach) GRAPH_WUR;
/*
 * Burt's effective size and constraint of one person on the people graph: contacts only
 * (you are tied to everyone, so you are left out); two people are tied when they share
 * an event, an organisation or a topic (knows, offers or seeks) or one introduced the
 * other; unweighted. effective size = n - 2t / n (n ties, t ties among those contacts);
 * constraint = sum over contacts j of (p_ij + sum over contacts q of p_iq p_qj)^2 with
 * p_ij = 1 / deg(i). Both NAN with no tie. Always exact (its cost is the ties of the
 * person's contacts). 0; -EINVAL for a node that is not a person or a bad graph; -ENOMEM.
 */
int graph_brokerage(const struct graph *g, uint32_t person, double *effective_size,
                    double *constraint) GRAPH_WUR;

/*
 * The people who connect you to most others: subset betweenness, the share of the pairs
 * of P = {you and your contacts} (pairs without the person scored) whose shortest paths
 * run through them, on the undirected simple graph of every node (events, organisations
 * and topics carry paths but end none). Normalised by C(|P| - 1, 2).
 *
 * Cost: one breadth-first search per source, each about w = n + 2m row entries (n nodes
 * and m simple edges left once things that end no pair and have one neighbour are
 * pruned). Exact, every one of P a source, when |P| * w <= GRAPH_EXACT_WORK; otherwise
 * k = GRAPH_EXACT_WORK / w sources (never fewer than GRAPH_SAMPLES) drawn from P without
 * repeats by a splitmix64 generator with a fixed seed, so the answer is reproducible, and
 * the sums scaled by |P| / k; a sampled source counts each pair (s, t) for a person v on
 * its paths by d(s, v) / d(s, t), the two ends adding up to 1 (Geisberger, Sanders and
 * Schultes' linear scaling: unbiased, with less error than counting it whole). Why 1e7:
 * `graph hubs` may cost at most 1.5 times `graph stats`, which is mostly loading the
 * graph, and loading costs about 25 times more per row entry than a search (5 to 7 ns of
 * CPU per entry, forward and back), so the budget that keeps the ratio is a fixed number
 * of searches of the whole graph, whatever its size, once the fixed costs (the adjacency,
 * reach, brokerage: ~0.3 of loading) are paid. On the 100,000-person, 1,000,000-edge
 * benchmark store (w ~ 2.1e6) that is 4 sources and hubs ~1.35 times stats; 2e7 (9
 * sources) measured 1.44 to 1.65 on a noisy machine. 10,000 people in the same shape
 * (w ~ 2.1e5) get ~48 sources; up to ~480 people (w ~ 2.1e4 each) the answer is exact. A
 * person who joins groups stands out with a few sources; the order of people with close
 * scores is only approximate: on random graphs of 10,000 people neighbouring ranks are a
 * few per cent apart, and even 1,000
 * sources rarely give the exact top ten (docs/benchmarks.md measures it).
 *
 * Only people with a score above 0 are hubs, ordered by score, then reach, then node
 * index; you are never one. reach: the people whose every path to you runs through the
 * hub (articulation points of one depth-first walk from you). effective_size and
 * constraint: Burt's, on the people graph (graph_brokerage), exact while walking the
 * hub's contacts' ties reads at most GRAPH_BROKERAGE_WORK entries, above that estimated
 * from as many of its contacts as that buys (drawn with a seed fixed per person), the
 * sums scaled up. Why 5e5: on the benchmark store a top hub has 3,000 to 5,000 contacts,
 * whose ties take ~10^7 entries to walk (60 to 100 ms a hub, exact); 5e5 walks ~150 of
 * them, a few ms a hub, and measured the constraint within 2% and the effective size
 * within 0.5% of exact there.
 *
 * *out (owned by the caller) gets up to max hubs, best first; *n their number. 0;
 * -ENOMEM; -EINVAL for a graph with an index or kind out of range, or a bad mode.
 */
#define GRAPH_EXACT_WORK     1e7 /* row entries: |P| * w within this is exact */
#define GRAPH_SAMPLES        4   /* the fewest sources a sampled answer uses */
#define GRAPH_BROKERAGE_WORK 5e5 /* row entries read per hub for its brokerage */
int graph_hubs(const struct graph *g, size_t max, struct graph_hub **out, size_t *n) GRAPH_WUR;
/* The same with options; *exact (may be NULL) says whether the scores are exact. */
int graph_hubs_with(const struct graph *g, const struct graph_hubs_opts *o, size_t max,
                    struct graph_hub **out, size_t *n, bool *exact) GRAPH_WUR;

/*
 * One introduction: person was introduced to you by by (an introduced_by edge between two
 * people; a person never introduces themselves).
 */
struct graph_intro {
	uint32_t by;     /* the introducer */
	uint32_t person; /* whom they introduced you to */
};

/*
 * Every introduction in g, each pair once, ordered by introducer then person (node index):
 * what `graph hubs` shows under each hub, and for the introducers whose score keeps them
 * off the list. *out (owned by the caller; NULL when there is none) and *n. 0; -ENOMEM;
 * -EINVAL for a bad graph.
 */
int graph_introductions(const struct graph *g, struct graph_intro **out, size_t *n) GRAPH_WUR;
/* The introductions made by person: the range of intros[0..n) (as graph_introductions
 * orders them) whose by is person, as *first and the count returned (0 for none). */
size_t graph_introductions_by(const struct graph_intro *intros, size_t n, uint32_t person,
                              size_t *first);

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

/*
 * An unmet seek T and who might help. leads: contacts who know or seek T itself (topic =
 * T), or offer or know a related topic, one that shares a word of 3 characters or more
 * with T (words of canon_each_word; topic = the lowest-indexed such topic they have);
 * each person once, best hub score first (then node index), at most GRAPH_LEADS_MAX.
 * ask: among those leads and every person who shares an event or organisation with one
 * of them or has an introduction with one (either way), the highest hub score (graph_
 * betweenness, AUTO), then the lowest index; ask_via: the lead itself if ask is a lead,
 * else the first lead in the list it is one step from. No leads: both UINT32_MAX.
 */
#define GRAPH_LEADS_MAX 5
struct graph_unmet {
	uint32_t topic;           /* what you seek */
	struct graph_lead *leads; /* owned by the graph_gaps */
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

/*
 * The command that asks hub about topic, for a person to copy:
 * "wallflower ask PERSON --for TOPIC" (`wallflower ask`, issue 16), each argument quoted
 * for a POSIX shell when it holds anything but [A-Za-z0-9@%+=:,./_-] (in single quotes,
 * a quote as '\''), so that pasting it runs exactly that command, whatever a card's name
 * holds. PERSON is the hub's name when that names the hub alone (no other person's name
 * has the same canonical form, it cannot be read as the start of someone's fingerprint or
 * as an option, and it is plain text: text.h, no control or format characters, which a
 * terminal would show otherwise than the shell reads them); else the hub's fingerprint.
 * Into out (size bytes, NUL-terminated). 0; -ENOENT when the hub cannot be asked (not a
 * person, or unverified: a vCard's contact has no key to send a request to) or topic is
 * not plain text; -ENOSPC when out is too small (GRAPH_ASK_MAX always fits a card's name
 * and a topic); -EINVAL for an index out of range.
 */
#define GRAPH_ASK_MAX 2048
int graph_ask_command(const struct graph *g, uint32_t hub, uint32_t topic, char *out,
                      size_t size) GRAPH_WUR;

/* Which people a view of the network keeps: met at or after since (0: any time), at event
 * (a node index; UINT32_MAX: any). */
struct graph_select {
	uint64_t since;
	uint32_t event;
};

/*
 * *out: a new graph of you, the people sel keeps, the events, topics and organisations
 * they are linked to, and the topics you offer or seek, with the edges among those
 * (introductions only between people kept). Node order is kept. 0; -ENOMEM; -EINVAL.
 */
int graph_select(const struct graph *g, const struct graph_select *sel,
                 struct graph *out) GRAPH_WUR;

#endif
