/*
 * graphcheck: the graph measures of one graph described in a text file, as JSON, for the
 * cross-check against networkx (tests/graph). Test support, not installed.
 *
 *   graphcheck FILE [--sampled K]
 *
 * The file (docs in notes of issue 14), one item a line; blank lines and lines starting
 * with '#' are ignored:
 *   node KIND LABEL...        KIND me|person|event|topic|org; the first node is "me"
 *   edge FROM TO EKIND [AT]   node indexes (nodes listed before); EKIND met_at|
 *                             introduced_by|offers|seeks|knows|works_at
 *   last_met INDEX AT         a person's latest meeting
 * Anything else is refused with the line number and exit status 2. Edges are taken as
 * given. Output: {"exact", "people": {"<index>": {"betweenness", "reach",
 * "effective_size", "constraint"}}, "gaps": {"unmet": [{"topic", "leads": [[person,
 * topic], ...], "ask", "ask_via"}]}}, NaN and "none" as null.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "wallflower/graph.h"

#define LINE_MAX_LEN 4096
#define NODES_LIMIT  2000000u
#define EDGES_LIMIT  20000000u

static const char *const kinds[] = { "me", "person", "event", "topic", "org" };
static const char *const edge_kinds[] = { "met_at", "introduced_by", "offers",
	                                  "seeks",  "knows",         "works_at" };

_Noreturn static void
die(const char *file, unsigned long line, const char *what)
{
	fprintf(stderr, "graphcheck: %s:%lu: %s\n", file, line, what);
	exit(2);
}

static int
name_index(const char *const *names, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], s) == 0)
			return (int)i;
	return -1;
}

/* A decimal number within max: digits only, no sign, no leading space. */
static int
number(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > max)
		return -1;
	*out = v;
	return 0;
}

struct reader {
	const char *file;
	unsigned long line;
	struct graph g;
	bool started;
};

/* "node KIND LABEL...": the label is the rest of the line after one space (may be empty). */
static void
read_node(struct reader *rd, char *rest)
{
	char *label = strchr(rest, ' ');
	int kind;

	if (label != NULL)
		*label++ = '\0';
	else
		label = rest + strlen(rest);
	if ((kind = name_index(kinds, 5, rest)) < 0)
		die(rd->file, rd->line, "unknown node kind");
	if (!rd->started) {
		if (kind != GRAPH_ME)
			die(rd->file, rd->line, "the first node must be \"node me ...\"");
		if (graph_init(&rd->g, label) < 0)
			die(rd->file, rd->line, "out of memory");
		rd->started = true;
		return;
	}
	if (kind == GRAPH_ME)
		die(rd->file, rd->line, "only the first node may be \"me\"");
	if (rd->g.n_nodes >= NODES_LIMIT)
		die(rd->file, rd->line, "too many nodes");
	if (graph_add_node(&rd->g, (enum graph_kind)kind, label, NULL, NULL) < 0)
		die(rd->file, rd->line, "out of memory");
}

/* The words of rest split on single spaces, at most max; returns how many. */
static size_t
split(char *rest, char **w, size_t max)
{
	size_t n = 0;

	while (rest != NULL && n < max + 1) {
		w[n++] = rest;
		if ((rest = strchr(rest, ' ')) != NULL)
			*rest++ = '\0';
	}
	return n;
}

static void
read_edge(struct reader *rd, char *rest)
{
	char *w[5];
	size_t n = split(rest, w, 4);
	uint64_t from, to, at = 0;
	int kind;

	if (n < 3 || n > 4)
		die(rd->file, rd->line, "expected: edge FROM TO EKIND [AT]");
	if (number(w[0], rd->g.n_nodes - 1, &from) < 0 || number(w[1], rd->g.n_nodes - 1, &to) < 0)
		die(rd->file, rd->line, "FROM and TO must be indexes of nodes listed before");
	if ((kind = name_index(edge_kinds, 6, w[2])) < 0)
		die(rd->file, rd->line, "unknown edge kind");
	if (n == 4 && number(w[3], UINT64_MAX, &at) < 0)
		die(rd->file, rd->line, "AT must be a number");
	if (rd->g.n_edges >= EDGES_LIMIT)
		die(rd->file, rd->line, "too many edges");
	if (graph_add_edge(&rd->g, (uint32_t)from, (uint32_t)to, (enum graph_edge_kind)kind, at) <
	    0)
		die(rd->file, rd->line, "cannot add the edge");
}

static void
read_last_met(struct reader *rd, char *rest)
{
	char *w[3];
	uint64_t v, at;

	if (split(rest, w, 2) != 2 || number(w[0], rd->g.n_nodes - 1, &v) < 0 ||
	    number(w[1], UINT64_MAX, &at) < 0)
		die(rd->file, rd->line, "expected: last_met INDEX AT");
	if (rd->g.nodes[v].kind != GRAPH_PERSON)
		die(rd->file, rd->line, "last_met is for people");
	rd->g.nodes[v].last_met = at;
}

static void
read_line(struct reader *rd, char *s)
{
	char *rest = strchr(s, ' ');

	if (rest == NULL)
		die(rd->file, rd->line, "expected: node, edge or last_met and its fields");
	*rest++ = '\0';
	if (strcmp(s, "node") == 0)
		read_node(rd, rest);
	else if (!rd->started)
		die(rd->file, rd->line, "the first node must come first");
	else if (strcmp(s, "edge") == 0)
		read_edge(rd, rest);
	else if (strcmp(s, "last_met") == 0)
		read_last_met(rd, rest);
	else
		die(rd->file, rd->line, "unknown item (node, edge or last_met)");
}

static void
read_file(struct reader *rd)
{
	char buf[LINE_MAX_LEN + 2];
	FILE *f = fopen(rd->file, "r");

	if (f == NULL) {
		fprintf(stderr, "graphcheck: %s: %s\n", rd->file, strerror(errno));
		exit(2);
	}
	while (fgets(buf, sizeof(buf), f) != NULL) {
		size_t len = strlen(buf);

		rd->line++;
		/* A line that does not end in a newline before the end of the file is longer
		 * than the buffer, or holds a NUL byte (strlen stops there). */
		if (len > 0 && buf[len - 1] == '\n')
			buf[--len] = '\0';
		else if (!feof(f))
			die(rd->file, rd->line, "line too long, or a NUL byte");
		if (len > 0 && buf[len - 1] == '\r')
			die(rd->file, rd->line, "carriage return");
		if (len == 0 || buf[0] == '#')
			continue;
		read_line(rd, buf);
	}
	if (ferror(f))
		die(rd->file, rd->line, "read error");
	fclose(f);
	if (!rd->started)
		die(rd->file, rd->line, "no nodes: the first line must be \"node me ...\"");
}

static json_t *
real_or_null(double x)
{
	return isnan(x) ? json_null() : json_real(x);
}

static json_t *
index_or_null(uint32_t v)
{
	return v == UINT32_MAX ? json_null() : json_integer(v);
}

static json_t *
people_json(const struct graph *g, const double *bc, const size_t *reach)
{
	json_t *people = json_object();
	char key[24];

	for (size_t v = 0; people != NULL && v < g->n_nodes; v++) {
		double es, con;

		if (g->nodes[v].kind != GRAPH_PERSON)
			continue;
		if (graph_brokerage(g, (uint32_t)v, &es, &con) < 0)
			return NULL;
		snprintf(key, sizeof(key), "%zu", v);
		if (json_object_set_new(people, key,
		                        json_pack("{s:f, s:I, s:o, s:o}", "betweenness", bc[v],
		                                  "reach", (json_int_t)reach[v], "effective_size",
		                                  real_or_null(es), "constraint",
		                                  real_or_null(con))) < 0)
			return NULL;
	}
	return people;
}

static json_t *
gaps_json(const struct graph_gaps *gp)
{
	json_t *unmet = json_array();

	for (size_t u = 0; unmet != NULL && u < gp->n_unmet; u++) {
		const struct graph_unmet *um = &gp->unmet[u];
		json_t *leads = json_array();

		for (size_t l = 0; leads != NULL && l < um->n_leads; l++)
			if (json_array_append_new(
			            leads, json_pack("[I, I]", (json_int_t)um->leads[l].person,
			                             (json_int_t)um->leads[l].topic)) < 0)
				return NULL;
		if (json_array_append_new(unmet, json_pack("{s:I, s:o, s:o, s:o}", "topic",
		                                           (json_int_t)um->topic, "leads", leads,
		                                           "ask", index_or_null(um->ask), "ask_via",
		                                           index_or_null(um->ask_via))) < 0)
			return NULL;
	}
	return json_pack("{s:o}", "unmet", unmet);
}

int
main(int argc, char **argv)
{
	struct graph_hubs_opts o = { .mode = GRAPH_HUBS_AUTO };
	struct reader rd = { 0 };
	struct graph_gaps gp;
	size_t *reach;
	double *bc;
	json_t *out;
	bool exact;
	uint64_t k;

	if (argc == 4 && strcmp(argv[2], "--sampled") == 0 && number(argv[3], SIZE_MAX, &k) == 0 &&
	    k > 0) {
		o.mode = GRAPH_HUBS_SAMPLED;
		o.samples = (size_t)k;
	} else if (argc != 2) {
		fprintf(stderr, "usage: graphcheck FILE [--sampled K]  (K >= 1)\n");
		return 2;
	}
	rd.file = argv[1];
	read_file(&rd);
	if (graph_betweenness(&rd.g, &o, &bc, &exact) < 0 || graph_reach(&rd.g, &reach) < 0 ||
	    graph_gaps(&rd.g, &gp) < 0) {
		fprintf(stderr, "graphcheck: the measures failed\n");
		return 1;
	}
	out = json_pack("{s:b, s:o, s:o}", "exact", exact, "people", people_json(&rd.g, bc, reach),
	                "gaps", gaps_json(&gp));
	if (out == NULL || json_dumpf(out, stdout, JSON_SORT_KEYS | JSON_COMPACT) < 0) {
		fprintf(stderr, "graphcheck: cannot write the JSON\n");
		return 1;
	}
	putchar('\n');
	json_decref(out);
	graph_gaps_clear(&gp);
	free(reach);
	free(bc);
	graph_clear(&rd.g);
	return 0;
}
