/*
 * graph_map: what `wallflower graph map` draws, decided without drawing anything (pure:
 * no Graphviz, no I/O). The CLI turns a plan into a Graphviz graph (src/cli/cmd_map.c).
 *
 * A plan holds the nodes to draw (you, people, events, organisations; topics are too many
 * to draw and appear only in the gaps text), their sizes (people by hub score), their
 * fills (people by organisation: the GRAPH_MAP_COLOURS largest get a colour of the
 * Okabe-Ito palette, the rest grey), which of them carry a label, the lines between them,
 * the legend and the top gaps as text. README ("A picture of your network") shows one.
 */
#ifndef WALLFLOWER_GRAPH_MAP_H
#define WALLFLOWER_GRAPH_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wallflower/graph.h"

#define GRAPH_MAP_WUR __attribute__((warn_unused_result))

#define GRAPH_MAP_LABEL_ALL    40 /* up to this many people drawn, every one is labelled */
#define GRAPH_MAP_LABEL_TOP    25 /* more: only the top this many by hub score (and you) */
#define GRAPH_MAP_PLACE_LABELS 15 /* more: at most this many events and orgs labelled */
#define GRAPH_MAP_PLACE_MIN    2  /* an event or org is labelled when it holds this many */
#define GRAPH_MAP_COLOURS      8  /* organisations with a colour of their own */
#define GRAPH_MAP_GAPS         5  /* gaps written beside the map */

/* Node widths in inches: people from PERSON_MIN (score 0) to PERSON_MAX (the top score),
 * area proportional to the score; everyone PERSON_MIN when there are no scores. */
#define GRAPH_MAP_PERSON_MIN  0.18
#define GRAPH_MAP_PERSON_MAX  0.6
#define GRAPH_MAP_ME_WIDTH    0.5
#define GRAPH_MAP_PLACE_WIDTH 0.22

/* Fills: "#RRGGBB". */
#define GRAPH_MAP_FILL_OTHER "#999999" /* an organisation without a colour of its own */
#define GRAPH_MAP_FILL_NONE  "#FFFFFF" /* no organisation */
#define GRAPH_MAP_FILL_ME    "#FFFFFF"
#define GRAPH_MAP_FILL_EVENT "#F2F2F2"
#define GRAPH_MAP_FILL_ORG   "#F2F2F2"

/* The Okabe-Ito palette (colour-blind safe), in its usual order. */
extern const char *const graph_map_palette[GRAPH_MAP_COLOURS];

struct graph_map_node {
	uint32_t node; /* in the graph planned */
	enum graph_kind kind;
	double width;     /* inches */
	const char *fill; /* static "#RRGGBB" */
	bool label;       /* its label is written on the map */
};

enum graph_map_line {
	GRAPH_MAP_MET,     /* a person (or you) - an event they met people at */
	GRAPH_MAP_WORKS,   /* a person - their organisation */
	GRAPH_MAP_INTRO,   /* introducer -> the person they introduced: an arrow */
	GRAPH_MAP_CONTACT, /* you - a contact (ego map: everyone; else those met at no event) */
};

struct graph_map_edge {
	uint32_t from, to; /* node indexes in the graph planned, in the line's direction */
	enum graph_map_line line;
};

/* One row of the legend: a fill and what it stands for. */
struct graph_map_key {
	const char *fill;
	uint32_t org;     /* the organisation, or UINT32_MAX for the other two rows */
	const char *text; /* the organisation's label, "other organisations", "no organisation";
	                   * points into the graph or is static */
	size_t people;    /* people drawn in this fill */
};

struct graph_map {
	struct graph_map_node *nodes; /* you first, then in the graph's node order */
	size_t n_nodes;
	struct graph_map_edge *edges; /* no repeats */
	size_t n_edges;
	struct graph_map_key keys[GRAPH_MAP_COLOURS + 2]; /* largest first, then other, none */
	size_t n_keys;                                    /* rows with people only */
	size_t people;                                    /* people drawn */
	size_t labels;                                    /* nodes with a label */
	char **gaps; /* lines of text, owned (graph_map_gaps) */
	size_t n_gaps;
	size_t more_gaps; /* unmet seeks left out of the text */
};

/*
 * Plans the map of g (as loaded or selected: node 0 is you). score: g->n_nodes hub scores
 * (graph_betweenness), or NULL to size every person alike. ego: only you and the people,
 * each linked to you, and the introductions among them; otherwise you, the people, the
 * events and organisations linked to them, with meetings, workplaces and introductions,
 * and a line from you to each person met at no event.
 * *out is cleared first; free it with graph_map_clear. 0; -EINVAL for a bad graph (no
 * "me" at 0, an index out of range); -ENOMEM.
 */
int graph_map_plan(const struct graph *g, const double *score, bool ego,
                   struct graph_map *out) GRAPH_MAP_WUR;

/*
 * Adds the gaps text to m: for up to GRAPH_MAP_GAPS of the topics you seek and nobody
 * offers (gaps of the graph g), one line: "TOPIC: ask HUB", "TOPIC: ask HUB about LEAD"
 * when the hub to ask is one step from the lead, "TOPIC: nobody close yet" without leads,
 * or "TOPIC" alone when gaps has no leads computed. m->more_gaps counts the rest.
 * 0; -EINVAL; -ENOMEM (m keeps the lines it had).
 */
int graph_map_gaps(struct graph_map *m, const struct graph *g,
                   const struct graph_gaps *gaps) GRAPH_MAP_WUR;

/* Frees what a plan holds. NULL is fine. */
void graph_map_clear(struct graph_map *m);

/*
 * Names come from cards, chosen by their owners: they reach Graphviz only through these.
 * graph_map_plain: s as a plain label shows it, every backslash doubled (a backslash
 * starts an escape there: \N is the node's name, \n a new line). graph_map_html: s as
 * text inside an HTML-like label, with &, <, > and " as entities. Both return a new string,
 * NULL when out of memory.
 */
char *graph_map_plain(const char *s);
char *graph_map_html(const char *s);

#endif
