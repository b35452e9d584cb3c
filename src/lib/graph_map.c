/*
 * graph_map.c: the plan of `wallflower graph map` (include/wallflower/graph_map.h): which
 * nodes and lines to draw, how large, in which fill, which labels, the legend and the
 * gaps text. Pure: the CLI draws the plan with Graphviz (src/cli/cmd_map.c).
 *
 * It reads a graph checked with graph_check and hub scores it cannot trust to be finite
 * (NAN and negative scores count as 0). Everything is ordered by node index where scores
 * or counts tie, so one store always gives one plan (the map's golden test depends on it).
 * Work is O(n log n + m log m): the map of 2,000 people is planned in milliseconds.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph_int.h"
#include "wallflower/graph_map.h"

const char *const graph_map_palette[GRAPH_MAP_COLOURS] = {
	"#E69F00", /* orange */
	"#56B4E9", /* sky blue */
	"#009E73", /* bluish green */
	"#F0E442", /* yellow */
	"#0072B2", /* blue */
	"#D55E00", /* vermillion */
	"#CC79A7", /* reddish purple */
	"#000000", /* black */
};

/* What the plan works from: the lines, the counts and the scores, per node. */
struct work {
	const struct graph *g;
	const double *score; /* NULL: all alike */
	size_t *count;       /* events and orgs: people linked; people: their org or SIZE_MAX */
	bool *drawn;
	size_t *rank; /* orgs: colour rank (SIZE_MAX: none) */
};

static double
score_of(const struct work *w, uint32_t v)
{
	double s = w->score != NULL ? w->score[v] : 0;

	return isfinite(s) && s > 0 ? s : 0;
}

/* Lines */

struct line_at {
	struct graph_map_edge e;
	size_t at; /* the order it came in */
};

static int
line_key_cmp(const void *a, const void *b)
{
	const struct graph_map_edge *x = &((const struct line_at *)a)->e;
	const struct graph_map_edge *y = &((const struct line_at *)b)->e;
	size_t i = ((const struct line_at *)a)->at, j = ((const struct line_at *)b)->at;

	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	if (x->to != y->to)
		return x->to < y->to ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return i < j ? -1 : i > j;
}

static int
line_at_cmp(const void *a, const void *b)
{
	size_t i = ((const struct line_at *)a)->at, j = ((const struct line_at *)b)->at;

	return i < j ? -1 : i > j;
}

static bool
same_line(const struct graph_map_edge *x, const struct graph_map_edge *y)
{
	return x->from == y->from && x->to == y->to && x->line == y->line;
}

/* The line edge e is drawn as, if any (false: not drawn). */
static bool
line_of(const struct graph *g, const struct graph_edge *e, bool ego, struct graph_map_edge *out)
{
	enum graph_kind from = g->nodes[e->from].kind, to = g->nodes[e->to].kind;

	if (e->kind == GRAPH_INTRODUCED_BY && from == GRAPH_PERSON && to == GRAPH_PERSON &&
	    e->from != e->to) {
		/* The arrow goes the way the introduction went: introducer -> introduced. */
		*out = (struct graph_map_edge){ .from = e->to,
			                        .to = e->from,
			                        .line = GRAPH_MAP_INTRO };
		return true;
	}
	if (ego)
		return false;
	if (e->kind == GRAPH_MET_AT && (from == GRAPH_PERSON || from == GRAPH_ME) &&
	    to == GRAPH_EVENT) {
		*out = (struct graph_map_edge){ .from = e->from,
			                        .to = e->to,
			                        .line = GRAPH_MAP_MET };
		return true;
	}
	if (e->kind == GRAPH_WORKS_AT && from == GRAPH_PERSON && to == GRAPH_ORG) {
		*out = (struct graph_map_edge){ .from = e->from,
			                        .to = e->to,
			                        .line = GRAPH_MAP_WORKS };
		return true;
	}
	return false;
}

/*
 * Full maps: you are linked to the events you were at, and through them to the people you
 * met there; someone you met at no event gets a line to you instead, so that nobody you
 * know floats apart. Appends those lines to l[0..n) (room for every node); the new count,
 * or SIZE_MAX when out of memory.
 */
static size_t
plan_unplaced(const struct graph *g, struct line_at *l, size_t n)
{
	bool *met = calloc(g->n_nodes, sizeof(*met));

	if (met == NULL)
		return SIZE_MAX;
	for (size_t i = 0; i < n; i++)
		if (l[i].e.line == GRAPH_MAP_MET)
			met[l[i].e.from] = true;
	for (size_t v = 1; v < g->n_nodes; v++)
		if (g->nodes[v].kind == GRAPH_PERSON && !met[v]) {
			l[n].e = (struct graph_map_edge){ .from = 0,
				                          .to = (uint32_t)v,
				                          .line = GRAPH_MAP_CONTACT };
			l[n].at = n;
			n++;
		}
	free(met);
	return n;
}

/*
 * The lines to draw, each once, in the order of the graph's first edge for it; on an ego
 * map first you to each person, in node order.
 */
static int
plan_lines(const struct graph *g, bool ego, struct graph_map_edge **out, size_t *n_out)
{
	struct line_at *l;
	size_t n = 0, k = 0;

	if ((l = reallocarray(NULL, g->n_edges + g->n_nodes + 1, sizeof(*l))) == NULL)
		return -ENOMEM;
	for (size_t v = 1; ego && v < g->n_nodes; v++)
		if (g->nodes[v].kind == GRAPH_PERSON) {
			l[n].e = (struct graph_map_edge){ .from = 0,
				                          .to = (uint32_t)v,
				                          .line = GRAPH_MAP_CONTACT };
			l[n].at = n;
			n++;
		}
	for (size_t i = 0; i < g->n_edges; i++)
		if (line_of(g, &g->edges[i], ego, &l[n].e)) {
			l[n].at = n;
			n++;
		}
	if (!ego && (n = plan_unplaced(g, l, n)) == SIZE_MAX) {
		free(l);
		return -ENOMEM;
	}
	qsort(l, n, sizeof(*l), line_key_cmp);
	for (size_t i = 0; i < n; i++)
		if (k == 0 || !same_line(&l[k - 1].e, &l[i].e))
			l[k++] = l[i];
	qsort(l, k, sizeof(*l), line_at_cmp);
	if ((*out = reallocarray(NULL, k > 0 ? k : 1, sizeof(**out))) == NULL) {
		free(l);
		return -ENOMEM;
	}
	for (size_t i = 0; i < k; i++)
		(*out)[i] = l[i].e;
	*n_out = k;
	free(l);
	return 0;
}

/* Counts and organisations */

/*
 * Per event and org, the people linked to it; per person, the org that holds most people
 * of those they work at (ties: the lower index), SIZE_MAX for none. What has a line is
 * drawn.
 */
static void
plan_count(struct work *w, const struct graph_map_edge *edges, size_t n)
{
	const struct graph *g = w->g;

	for (size_t v = 0; v < g->n_nodes; v++) {
		w->count[v] = g->nodes[v].kind == GRAPH_PERSON ? SIZE_MAX : 0;
		w->drawn[v] = g->nodes[v].kind == GRAPH_ME || g->nodes[v].kind == GRAPH_PERSON;
	}
	for (size_t i = 0; i < n; i++) {
		const struct graph_map_edge *e = &edges[i];

		w->drawn[e->to] = true;
		if ((e->line == GRAPH_MAP_MET || e->line == GRAPH_MAP_WORKS) &&
		    g->nodes[e->from].kind == GRAPH_PERSON)
			w->count[e->to]++;
	}
	for (size_t i = 0; i < n; i++) {
		const struct graph_map_edge *e = &edges[i];
		size_t *org = &w->count[e->from];

		if (e->line != GRAPH_MAP_WORKS)
			continue;
		if (*org == SIZE_MAX || w->count[e->to] > w->count[*org] ||
		    (w->count[e->to] == w->count[*org] && e->to < *org))
			*org = e->to;
	}
}

/* The organisations people work at, in order of people (most first), ties by index. */
static int
by_count_cmp(const void *a, const void *b, void *arg)
{
	const size_t *count = arg;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	if (count[x] != count[y])
		return count[x] > count[y] ? -1 : 1;
	return x < y ? -1 : x > y;
}

/* The colours: the GRAPH_MAP_COLOURS orgs with most people, then the legend. */
static int
plan_colours(struct work *w, struct graph_map *m)
{
	const struct graph *g = w->g;
	size_t n = 0, groups[GRAPH_MAP_COLOURS + 2] = { 0 };
	uint32_t *orgs;

	if ((orgs = reallocarray(NULL, g->n_nodes + 1, sizeof(*orgs))) == NULL)
		return -ENOMEM;
	for (size_t v = 0; v < g->n_nodes; v++) {
		w->rank[v] = SIZE_MAX;
		if (g->nodes[v].kind == GRAPH_ORG && w->count[v] > 0)
			orgs[n++] = (uint32_t)v;
	}
	qsort_r(orgs, n, sizeof(*orgs), by_count_cmp, w->count);
	for (size_t i = 0; i < n && i < GRAPH_MAP_COLOURS; i++)
		w->rank[orgs[i]] = i;
	for (size_t v = 0; v < g->n_nodes; v++) {
		size_t org = w->count[v];

		if (g->nodes[v].kind != GRAPH_PERSON)
			continue;
		if (org == SIZE_MAX)
			groups[GRAPH_MAP_COLOURS + 1]++;
		else if (w->rank[org] == SIZE_MAX)
			groups[GRAPH_MAP_COLOURS]++;
		else
			groups[w->rank[org]]++;
	}
	for (size_t i = 0; i < n && i < GRAPH_MAP_COLOURS; i++)
		m->keys[m->n_keys++] = (struct graph_map_key){ .fill = graph_map_palette[i],
			                                       .org = orgs[i],
			                                       .text = g->nodes[orgs[i]].label,
			                                       .people = groups[i] };
	if (groups[GRAPH_MAP_COLOURS] > 0)
		m->keys[m->n_keys++] =
		        (struct graph_map_key){ .fill = GRAPH_MAP_FILL_OTHER,
			                        .org = UINT32_MAX,
			                        .text = "other organisations",
			                        .people = groups[GRAPH_MAP_COLOURS] };
	if (groups[GRAPH_MAP_COLOURS + 1] > 0)
		m->keys[m->n_keys++] =
		        (struct graph_map_key){ .fill = GRAPH_MAP_FILL_NONE,
			                        .org = UINT32_MAX,
			                        .text = "no organisation",
			                        .people = groups[GRAPH_MAP_COLOURS + 1] };
	free(orgs);
	return 0;
}

/* Sizes and labels */

static double
width_of(const struct work *w, uint32_t v, double top)
{
	switch (w->g->nodes[v].kind) {
	case GRAPH_ME:
		return GRAPH_MAP_ME_WIDTH;
	case GRAPH_PERSON:
		if (top <= 0)
			return GRAPH_MAP_PERSON_MIN;
		/* The area, not the width, grows with the score. */
		return GRAPH_MAP_PERSON_MIN +
		       (GRAPH_MAP_PERSON_MAX - GRAPH_MAP_PERSON_MIN) * sqrt(score_of(w, v) / top);
	default:
		return GRAPH_MAP_PLACE_WIDTH;
	}
}

static const char *
fill_of(const struct work *w, uint32_t v)
{
	size_t org;

	switch (w->g->nodes[v].kind) {
	case GRAPH_ME:
		return GRAPH_MAP_FILL_ME;
	case GRAPH_PERSON:
		org = w->count[v];
		if (org == SIZE_MAX)
			return GRAPH_MAP_FILL_NONE;
		return w->rank[org] == SIZE_MAX ? GRAPH_MAP_FILL_OTHER
		                                : graph_map_palette[w->rank[org]];
	case GRAPH_EVENT:
		return GRAPH_MAP_FILL_EVENT;
	default:
		return GRAPH_MAP_FILL_ORG;
	}
}

/* People by hub score, the highest first, ties by index. */
static int
by_score_cmp(const void *a, const void *b, void *arg)
{
	const struct work *w = arg;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	double sx = score_of(w, x), sy = score_of(w, y);

	if (sx != sy)
		return sx > sy ? -1 : 1;
	return x < y ? -1 : x > y;
}

/*
 * Which nodes get a label (label[v]): you; every person up to GRAPH_MAP_LABEL_ALL people,
 * else the GRAPH_MAP_LABEL_TOP best by score; events and orgs that hold
 * GRAPH_MAP_PLACE_MIN people drawn, at most GRAPH_MAP_PLACE_LABELS (the largest) when
 * crowded. pick: n_nodes words of scratch.
 */
static void
plan_labels(struct work *w, size_t people, bool ego, bool *label, uint32_t *pick)
{
	const struct graph *g = w->g;
	bool crowded = people > GRAPH_MAP_LABEL_ALL;
	size_t n = 0;

	for (size_t v = 0; v < g->n_nodes; v++) {
		label[v] = g->nodes[v].kind == GRAPH_ME ||
		           (!crowded && g->nodes[v].kind == GRAPH_PERSON);
		if (crowded && g->nodes[v].kind == GRAPH_PERSON)
			pick[n++] = (uint32_t)v;
	}
	qsort_r(pick, n, sizeof(*pick), by_score_cmp, w);
	for (size_t i = 0; i < n && i < GRAPH_MAP_LABEL_TOP; i++)
		label[pick[i]] = true;
	n = 0;
	for (size_t v = 0; !ego && v < g->n_nodes; v++) {
		enum graph_kind k = g->nodes[v].kind;

		if ((k == GRAPH_EVENT || k == GRAPH_ORG) && w->drawn[v] &&
		    w->count[v] >= GRAPH_MAP_PLACE_MIN)
			pick[n++] = (uint32_t)v;
	}
	if (crowded)
		qsort_r(pick, n, sizeof(*pick), by_count_cmp, w->count);
	for (size_t i = 0; i < n && (!crowded || i < GRAPH_MAP_PLACE_LABELS); i++)
		label[pick[i]] = true;
}

/* The nodes drawn, in node order, with their widths, fills and labels. */
static int
plan_nodes(struct work *w, bool ego, struct graph_map *m)
{
	const struct graph *g = w->g;
	bool *label = NULL;
	uint32_t *pick = NULL;
	double top = 0;
	size_t n = 0;
	int r = -ENOMEM;

	for (size_t v = 0; v < g->n_nodes; v++) {
		if (ego && g->nodes[v].kind != GRAPH_ME && g->nodes[v].kind != GRAPH_PERSON)
			w->drawn[v] = false;
		n += w->drawn[v];
		if (g->nodes[v].kind == GRAPH_PERSON) {
			m->people++;
			if (score_of(w, (uint32_t)v) > top)
				top = score_of(w, (uint32_t)v);
		}
	}
	label = calloc(g->n_nodes, sizeof(*label));
	pick = reallocarray(NULL, g->n_nodes, sizeof(*pick));
	m->nodes = reallocarray(NULL, n, sizeof(*m->nodes));
	if (label == NULL || pick == NULL || m->nodes == NULL)
		goto out;
	plan_labels(w, m->people, ego, label, pick);
	for (size_t v = 0; v < g->n_nodes; v++) {
		if (!w->drawn[v])
			continue;
		m->nodes[m->n_nodes++] =
		        (struct graph_map_node){ .node = (uint32_t)v,
			                         .kind = g->nodes[v].kind,
			                         .width = width_of(w, (uint32_t)v, top),
			                         .fill = fill_of(w, (uint32_t)v),
			                         .label = label[v] };
		m->labels += label[v];
	}
	r = 0;
out:
	free(label);
	free(pick);
	return r;
}

/* Planning */

int
graph_map_plan(const struct graph *g, const double *score, bool ego, struct graph_map *out)
{
	struct work w = { .g = g, .score = score };
	struct graph_map_edge *full = NULL;
	size_t n_full = 0;
	int r;

	memset(out, 0, sizeof(*out));
	if ((r = graph_check(g)) < 0)
		return r;
	if (g->n_nodes == 0 || g->nodes[0].kind != GRAPH_ME)
		return -EINVAL;
	w.count = reallocarray(NULL, g->n_nodes, sizeof(*w.count));
	w.rank = reallocarray(NULL, g->n_nodes, sizeof(*w.rank));
	w.drawn = reallocarray(NULL, g->n_nodes, sizeof(*w.drawn));
	r = -ENOMEM;
	if (w.count == NULL || w.rank == NULL || w.drawn == NULL)
		goto out;
	/* Organisations colour people on an ego map too: count on the full map's lines. */
	if ((r = plan_lines(g, false, &full, &n_full)) < 0)
		goto out;
	plan_count(&w, full, n_full);
	if ((r = plan_colours(&w, out)) < 0)
		goto out;
	if (ego) {
		if ((r = plan_lines(g, true, &out->edges, &out->n_edges)) < 0)
			goto out;
	} else {
		out->edges = full;
		out->n_edges = n_full;
		full = NULL;
	}
	r = plan_nodes(&w, ego, out);
out:
	free(full);
	free(w.count);
	free(w.rank);
	free(w.drawn);
	if (r < 0)
		graph_map_clear(out);
	return r;
}

/* Gaps */

static const char *
label_of(const struct graph *g, uint32_t v)
{
	return v < g->n_nodes ? g->nodes[v].label : "?";
}

/* The line for unmet seek i: with what graph_gaps found about it, when it found that. */
static char *
gap_line(const struct graph *g, const struct graph_gaps *gaps, size_t i)
{
	const char *topic = label_of(g, gaps->unmet_seeks[i]);
	const struct graph_unmet *u;
	char *s = NULL;
	int r;

	if (gaps->n_unmet != gaps->n_unmet_seeks || gaps->unmet == NULL)
		return strdup(topic);
	u = &gaps->unmet[i];
	if (u->n_leads == 0 || u->ask == UINT32_MAX)
		r = asprintf(&s, "%s: nobody close yet", topic);
	else if (u->ask_via == UINT32_MAX || u->ask_via == u->ask)
		r = asprintf(&s, "%s: ask %s", topic, label_of(g, u->ask));
	else
		r = asprintf(&s, "%s: ask %s about %s", topic, label_of(g, u->ask),
		             label_of(g, u->ask_via));
	return r < 0 ? NULL : s;
}

int
graph_map_gaps(struct graph_map *m, const struct graph *g, const struct graph_gaps *gaps)
{
	size_t n = gaps->n_unmet_seeks < GRAPH_MAP_GAPS ? gaps->n_unmet_seeks : GRAPH_MAP_GAPS;
	char **lines;

	if (m->gaps != NULL || (n > 0 && gaps->unmet_seeks == NULL))
		return -EINVAL;
	if (n == 0)
		return 0;
	if ((lines = calloc(n, sizeof(*lines))) == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		if ((lines[i] = gap_line(g, gaps, i)) == NULL) {
			for (size_t j = 0; j < i; j++)
				free(lines[j]);
			free(lines);
			return -ENOMEM;
		}
	}
	m->gaps = lines;
	m->n_gaps = n;
	m->more_gaps = gaps->n_unmet_seeks - n;
	return 0;
}

void
graph_map_clear(struct graph_map *m)
{
	if (m == NULL)
		return;
	free(m->nodes);
	free(m->edges);
	for (size_t i = 0; i < m->n_gaps; i++)
		free(m->gaps[i]);
	free(m->gaps);
	memset(m, 0, sizeof(*m));
}

/* Text for Graphviz */

char *
graph_map_plain(const char *s)
{
	size_t n = strlen(s), extra = 0;
	char *out, *w;

	for (size_t i = 0; i < n; i++)
		extra += s[i] == '\\';
	if ((out = malloc(n + extra + 1)) == NULL)
		return NULL;
	w = out;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\')
			*w++ = '\\';
		*w++ = s[i];
	}
	*w = '\0';
	return out;
}

/* The entity for c inside an HTML-like label, or NULL when c stands for itself. */
static const char *
html_entity(char c)
{
	switch (c) {
	case '&':
		return "&amp;";
	case '<':
		return "&lt;";
	case '>':
		return "&gt;";
	case '"':
		return "&quot;";
	default:
		return NULL;
	}
}

char *
graph_map_html(const char *s)
{
	size_t n = 0;
	char *out, *w;

	for (const char *p = s; *p != '\0'; p++)
		n += html_entity(*p) != NULL ? strlen(html_entity(*p)) : 1;
	if ((out = malloc(n + 1)) == NULL)
		return NULL;
	w = out;
	for (const char *p = s; *p != '\0'; p++) {
		const char *e = html_entity(*p);

		if (e != NULL)
			w = stpcpy(w, e);
		else
			*w++ = *p;
	}
	*w = '\0';
	return out;
}
