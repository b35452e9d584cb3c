/*
 * wallflower graph map: a picture of your network, drawn with Graphviz (README, "A
 * picture of your network"; docs/wallflower.1). What to draw is decided by the pure plan
 * (graph_map.h); this file is the one place that talks to Graphviz (libcgraph builds the graph,
 * libgvc lays it out and renders it): a lint test keeps <graphviz/...> out of every other file.
 *
 * Labels are names people chose: they reach Graphviz only escaped (a backslash in a plain
 * label, entities in the HTML legend), never as markup. The picture is rendered to memory
 * and written whole (file_write_output: a temporary file renamed into place), so a
 * failure leaves no half picture. The layout is seeded, so one store gives one picture.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

#include "cli.h"
#include "wallflower/canon.h"
#include "wallflower/file.h"
#include "wallflower/graph_map.h"
#include "wallflower/when.h"

static const char help[] =
        "usage: wallflower graph map [-o FILE] [--event E] [--since DATE] [--ego]\n"
        "\n"
        "Draws your network: you, the people you met, where you met them and where they\n"
        "work. People are sized by how much of your network hangs on them (hub score) and\n"
        "coloured by organisation; arrows are introductions. A legend and the topics you\n"
        "seek that nobody offers are written beside it. Only the people who matter most are\n"
        "named when the map is crowded.\n"
        "\n"
        "  -o FILE       FILE.svg, FILE.png or FILE.pdf (the format follows the name); a new\n"
        "                file or a regular file of yours, replaced atomically (0600)\n"
        "  --event E     only the people you met at event E\n"
        "  --since DATE  only the people you met on or after DATE (YYYY-MM-DD)\n"
        "  --ego         only you and your contacts, around you, with introductions\n"
        "\n"
        "Without -o, on a terminal the map goes to a new file wallflower-map.svg in the\n"
        "current directory (never over an existing one) and its name is printed; otherwise\n"
        "SVG goes to standard output.\n";

#define MAP_FONT       "DejaVu Sans"
#define MAP_DEFAULT    "wallflower-map"
#define MAP_TRIES      1000 /* wallflower-map.svg, -2 ... -1000 */
#define MAP_SEED       "random7"
#define MAP_LINE       "#BBBBBB"
#define MAP_INTRO_LINE "#444444"

struct map_args {
	const char *output; /* NULL: the default */
	const char *format; /* "svg", "png", "pdf" */
	const char *event;
	uint64_t since;
	bool ego;
};

/* Graphviz's API takes char * for strings it only reads. */
static char *
S(const char *s)
{
	return (char *)s;
}

/* Graphviz's own messages (errors only: agseterr), as ours. */
static int
gv_say(char *msg)
{
	size_t n = strlen(msg);

	fprintf(stderr, "wallflower: Graphviz: %.*s\n",
	        (int)(n > 0 && msg[n - 1] == '\n' ? n - 1 : n), msg);
	return 0;
}

/* Arguments */

/* The format FILE's name asks for: "svg", "png" or "pdf", or NULL. */
static const char *
format_of(const char *path)
{
	static const char *const formats[] = { "svg", "png", "pdf" };
	const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');

	if (strcmp(path, "-") == 0)
		return "svg";
	if (dot == NULL || (slash != NULL && dot < slash) || dot == path || dot[-1] == '/')
		return NULL;
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (strcasecmp(dot + 1, formats[i]) == 0)
			return formats[i];
	return NULL;
}

/* -1 when the command goes on, else the exit status. */
static int
map_args_parse(struct cli *cli, int argc, char **argv, struct map_args *a)
{
	static const struct option opts[] = { CLI_COMMON_OPTIONS,
		                              { "output", required_argument, NULL, 'o' },
		                              { "event", required_argument, NULL, 'e' },
		                              { "since", required_argument, NULL, 's' },
		                              { "ego", no_argument, NULL, 'g' },
		                              { NULL, 0, NULL, 0 } };
	bool done;
	int c;

	memset(a, 0, sizeof(*a));
	a->format = "svg";
	while ((c = cli_getopt(cli, argc, argv, "ho:", opts, help, &done)) != -1) {
		if (c == 'o') {
			a->output = optarg;
			if ((a->format = format_of(optarg)) == NULL)
				return cli_usage_error(
				        cli,
				        "-o takes a file ending in .svg, .png or .pdf, "
				        "not %s",
				        cli_quote_path(optarg));
		} else if (c == 'e') {
			a->event = optarg;
		} else if (c == 's') {
			if (when_parse_date(optarg, &a->since) < 0)
				return cli_usage_error(cli,
				                       "--since takes a date as YYYY-MM-DD, not %s",
				                       cli_quote(optarg));
		} else if (c == 'g') {
			a->ego = true;
		} else {
			return CLI_EXIT_USAGE;
		}
	}
	if (done)
		return CLI_EXIT_OK;
	if (optind < argc)
		return cli_usage_error(cli, "unexpected argument %s", cli_quote(argv[optind]));
	if (a->event != NULL && !cli_event_valid(a->event))
		return cli_usage_error(cli, "--event takes an event name, not %s",
		                       cli_quote(a->event));
	return -1;
}

/* The network */

/* The event node named name (compared in canonical form), or an error with suggestions. */
static int
event_find(const struct cli *cli, const struct graph *g, const char *name, uint32_t *node)
{
	const char **names = NULL;
	char *want = canon_form(name, strlen(name)), *have;
	size_t n = 0;
	int r;

	*node = UINT32_MAX;
	if (want == NULL) {
		cli_error("out of memory");
		return CLI_EXIT_FAIL;
	}
	for (size_t v = 0; v < g->n_nodes && *node == UINT32_MAX; v++) {
		if (g->nodes[v].kind != GRAPH_EVENT)
			continue;
		have = canon_form(g->nodes[v].label, strlen(g->nodes[v].label));
		if (have != NULL && strcmp(have, want) == 0)
			*node = (uint32_t)v;
		free(have);
	}
	free(want);
	if (*node != UINT32_MAX)
		return -1;
	if ((names = calloc(g->n_nodes + 1, sizeof(*names))) == NULL) {
		cli_error("out of memory");
		return CLI_EXIT_FAIL;
	}
	for (size_t v = 0; v < g->n_nodes; v++)
		if (g->nodes[v].kind == GRAPH_EVENT)
			names[n++] = g->nodes[v].label;
	r = cli_unknown(cli, "event", name, names, n);
	free(names);
	return r;
}

/*
 * Loads the network into *whole and, with --event or --since, the part drawn into *part
 * (*view points at what is drawn); a->event becomes the event's own name. -1 when the command goes
 * on, else the exit status.
 */
static int
map_load(struct cli *cli, struct map_args *a, struct graph *whole, struct graph *part,
         const struct graph **view)
{
	struct graph_select sel = { .since = a->since, .event = UINT32_MAX };
	struct store *st;
	int r;

	memset(part, 0, sizeof(*part));
	if (cli_open_store(cli, &st) < 0)
		return CLI_EXIT_FAIL;
	r = store_graph_load(st, "you", whole);
	store_close(st);
	if (r < 0) {
		cli_error("cannot read the network: %s", strerror(-r));
		return CLI_EXIT_FAIL;
	}
	*view = whole;
	if (a->event == NULL && a->since == 0)
		return -1;
	if (a->event != NULL) {
		if ((r = event_find(cli, whole, a->event, &sel.event)) >= 0)
			return r;
		/* The legend names the event as the store does, not as typed. */
		a->event = whole->nodes[sel.event].label;
	}
	if ((r = graph_select(whole, &sel, part)) < 0) {
		cli_error("cannot choose the people to draw: %s", strerror(-r));
		return CLI_EXIT_FAIL;
	}
	*view = part;
	return -1;
}

/*
 * The plan of g: sizes from the hub scores (all alike when they cannot be computed),
 * and the gaps of the whole network. 0, or -1 after saying why.
 */
static int
map_plan(const struct graph *g, const struct graph *whole, bool ego, struct graph_map *m)
{
	struct graph_gaps gaps;
	double *score = NULL;
	bool exact;
	int r;

	/* A picture without sizes beats no picture: only running out of memory stops it. */
	if ((r = graph_betweenness(g, NULL, &score, &exact)) < 0) {
		score = NULL;
		if (r == -ENOMEM) {
			cli_error("out of memory");
			return -1;
		}
	}
	r = graph_map_plan(g, score, ego, m);
	free(score);
	if (r < 0) {
		cli_error("cannot plan the map: %s", strerror(-r));
		return -1;
	}
	/* graph_gaps leaves nothing to clear when it fails. */
	if ((r = graph_gaps(whole, &gaps)) == 0) {
		r = graph_map_gaps(m, whole, &gaps);
		graph_gaps_clear(&gaps);
	}
	if (r < 0) {
		cli_error("cannot find the gaps: %s", strerror(-r));
		graph_map_clear(m);
		return -1;
	}
	return 0;
}

/* Text for Graphviz */

/* s inside an HTML-like label (graph_map_html); false when out of memory. */
static bool
html_text(FILE *f, const char *s)
{
	char *t = graph_map_html(s);

	if (t == NULL)
		return false;
	fputs(t, f);
	free(t);
	return true;
}

/* A line of the legend; with a fill, a disc in that fill first (a ring for white). false
 * when out of memory. */
static bool
html_row(FILE *f, const char *fill, const char *text, size_t people)
{
	bool white = fill != NULL && strcmp(fill, "#FFFFFF") == 0, ok;

	fputs("<TR><TD ALIGN=\"LEFT\">", f);
	if (fill != NULL)
		fprintf(f, "<FONT COLOR=\"%s\">%s</FONT> ", white ? "#333333" : fill,
		        white ? "\u25CB" : "\u25CF");
	ok = html_text(f, text);
	if (fill != NULL)
		fprintf(f, " (%zu)", people);
	fputs("</TD></TR>", f);
	return ok;
}

/* The legend and the gaps, as one HTML-like label (a table). NULL when out of memory. */
static char *
legend(const struct map_args *a, const struct graph_map *m)
{
	char *buf = NULL, day[11];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	bool ok = true;

	if (f == NULL)
		return NULL;
	fputs("<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"2\" CELLPADDING=\"1\">", f);
	fprintf(f, "<TR><TD ALIGN=\"LEFT\"><B>Your network: %zu %s", m->people,
	        m->people == 1 ? "person" : "people");
	if (a->event != NULL) {
		fputs(" met at ", f);
		ok = html_text(f, a->event);
	}
	if (a->since != 0) {
		when_format_date(a->since, day);
		fprintf(f, " met since %s", day);
	}
	fputs("</B></TD></TR>", f);
	for (size_t i = 0; i < m->n_keys; i++)
		ok = html_row(f, m->keys[i].fill, m->keys[i].text, m->keys[i].people) && ok;
	ok = html_row(f, NULL, "Larger: more of your network hangs on them (hub score).", 0) && ok;
	ok = html_row(f, NULL,
	              a->ego ? "Arrows: introductions."
	                     : "Squares: events. Hexagons: organisations. Arrows: introductions.",
	              0) &&
	     ok;
	if (m->n_gaps > 0) {
		fputs("<TR><TD ALIGN=\"LEFT\"><B>You seek, nobody offers</B></TD></TR>", f);
		for (size_t i = 0; i < m->n_gaps; i++)
			ok = html_row(f, NULL, m->gaps[i], 0) && ok;
		if (m->more_gaps > 0)
			fprintf(f,
			        "<TR><TD ALIGN=\"LEFT\">and %zu more (wallflower graph "
			        "gaps)</TD></TR>",
			        m->more_gaps);
	}
	fputs("</TABLE>", f);
	if (fclose(f) != 0 || !ok) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* Drawing */

/* The attributes every node or edge has, declared once with their defaults. */
enum { N_SHAPE, N_WIDTH, N_HEIGHT, N_FILL, N_XLABEL, N_TOOLTIP, N_FONTSIZE, N_COUNT };
enum { E_DIR, E_COLOR, E_PENWIDTH, E_COUNT };

struct draw {
	Agraph_t *g;
	Agnode_t **node; /* by index in the graph planned; NULL when not drawn */
	Agsym_t *n[N_COUNT], *e[E_COUNT];
	char fontsize[16];
};

static const char *const node_attrs[N_COUNT][2] = {
	[N_SHAPE] = { "shape", "circle" },   [N_WIDTH] = { "width", "0.18" },
	[N_HEIGHT] = { "height", "0.18" },   [N_FILL] = { "fillcolor", "#FFFFFF" },
	[N_XLABEL] = { "xlabel", "" },       [N_TOOLTIP] = { "tooltip", "" },
	[N_FONTSIZE] = { "fontsize", "10" },
};
static const char *const edge_attrs[E_COUNT][2] = {
	[E_DIR] = { "dir", "none" },
	[E_COLOR] = { "color", MAP_LINE },
	[E_PENWIDTH] = { "penwidth", "0.6" },
};
/* Set once, on the graph, nodes and edges alike: never changed per object. */
static const char *const fixed_attrs[][3] = {
	{ "G", "fontname", MAP_FONT },
	{ "G", "start", MAP_SEED },
	{ "G", "overlap", "prism" },
	{ "G", "splines", "false" },
	{ "G", "outputorder", "edgesfirst" },
	{ "G", "labelloc", "b" },
	{ "G", "labeljust", "l" },
	{ "G", "bgcolor", "#FFFFFF" },
	{ "G", "pad", "0.3" },
	{ "G", "forcelabels", "true" },
	{ "N", "fontname", MAP_FONT },
	{ "N", "label", "" },
	{ "N", "style", "filled" },
	{ "N", "fixedsize", "true" },
	{ "N", "color", "#333333" },
	{ "N", "penwidth", "0.6" },
	{ "E", "fontname", MAP_FONT },
	{ "E", "arrowsize", "0.6" },
};

static int
kind_of(const char *k)
{
	return k[0] == 'G' ? AGRAPH : k[0] == 'N' ? AGNODE : AGEDGE;
}

static int
draw_attrs(struct draw *d, const struct graph_map *m, bool ego)
{
	size_t n_fixed = sizeof(fixed_attrs) / sizeof(fixed_attrs[0]);
	/* A crowded map is drawn large: its labels grow with it, so they stay readable. */
	double size = m->people > GRAPH_MAP_LABEL_ALL
	                      ? 10 * sqrt((double)m->people / GRAPH_MAP_LABEL_ALL)
	                      : 10;

	snprintf(d->fontsize, sizeof(d->fontsize), "%.0f", size > 32 ? 32 : size);
	/* The legend grows with the labels. */
	if (agattr(d->g, AGRAPH, S("fontsize"), d->fontsize) == NULL)
		return -1;
	for (size_t i = 0; i < n_fixed; i++)
		if (agattr(d->g, kind_of(fixed_attrs[i][0]), S(fixed_attrs[i][1]),
		           S(fixed_attrs[i][2])) == NULL)
			return -1;
	/* The ego map: you in the middle, your contacts on a ring around you that overlap
	 * removal may widen but not shrink. */
	if (ego && (agattr(d->g, AGRAPH, S("root"), S("n0")) == NULL ||
	            agattr(d->g, AGRAPH, S("ranksep"), S("1.5")) == NULL ||
	            agattr(d->g, AGRAPH, S("overlap_shrink"), S("false")) == NULL))
		return -1;
	for (int i = 0; i < N_COUNT; i++)
		if ((d->n[i] = agattr(d->g, AGNODE, S(node_attrs[i][0]), S(node_attrs[i][1]))) ==
		    NULL)
			return -1;
	for (int i = 0; i < E_COUNT; i++)
		if ((d->e[i] = agattr(d->g, AGEDGE, S(edge_attrs[i][0]), S(edge_attrs[i][1]))) ==
		    NULL)
			return -1;
	return 0;
}

static const char *
shape_of(enum graph_kind kind)
{
	switch (kind) {
	case GRAPH_ME:
		return "doublecircle";
	case GRAPH_EVENT:
		return "box";
	case GRAPH_ORG:
		return "hexagon";
	default:
		return "circle";
	}
}

static int
draw_node(struct draw *d, const struct graph *g, const struct graph_map_node *p)
{
	char name[16], width[16];
	char *text = NULL;
	Agnode_t *n;
	int r = -1;

	snprintf(name, sizeof(name), "n%" PRIu32, p->node);
	snprintf(width, sizeof(width), "%.3f", p->width);
	if ((n = agnode(d->g, name, 1)) == NULL ||
	    (text = graph_map_plain(g->nodes[p->node].label)) == NULL)
		goto out;
	d->node[p->node] = n;
	if (agxset(n, d->n[N_SHAPE], S(shape_of(p->kind))) != 0 ||
	    agxset(n, d->n[N_WIDTH], width) != 0 || agxset(n, d->n[N_HEIGHT], width) != 0 ||
	    agxset(n, d->n[N_FILL], S(p->fill)) != 0 || agxset(n, d->n[N_TOOLTIP], text) != 0)
		goto out;
	if (p->label &&
	    (agxset(n, d->n[N_XLABEL], text) != 0 || agxset(n, d->n[N_FONTSIZE], d->fontsize) != 0))
		goto out;
	r = 0;
out:
	free(text);
	return r;
}

static int
draw_edge(struct draw *d, const struct graph_map_edge *e)
{
	Agnode_t *from = d->node[e->from], *to = d->node[e->to];
	Agedge_t *a;

	if (from == NULL || to == NULL)
		return -1; /* the plan draws both ends of every line */
	if ((a = agedge(d->g, from, to, NULL, 1)) == NULL)
		return -1;
	if (e->line != GRAPH_MAP_INTRO)
		return 0;
	return agxset(a, d->e[E_DIR], S("forward")) != 0 ||
	                       agxset(a, d->e[E_COLOR], S(MAP_INTRO_LINE)) != 0 ||
	                       agxset(a, d->e[E_PENWIDTH], S("1.2")) != 0
	               ? -1
	               : 0;
}

/* The plan as a Graphviz graph in d->g. 0, or -1 (out of memory, or Graphviz said why). */
static int
draw_build(struct draw *d, const struct graph *g, const struct graph_map *m,
           const struct map_args *a)
{
	char *html = NULL, *label = NULL;
	int r = -1;

	if ((d->g = agopen(S("wallflower"), Agdirected, NULL)) == NULL)
		return -1;
	if ((d->node = calloc(g->n_nodes, sizeof(*d->node))) == NULL ||
	    draw_attrs(d, m, a->ego) < 0)
		goto out;
	for (size_t i = 0; i < m->n_nodes; i++)
		if (draw_node(d, g, &m->nodes[i]) < 0)
			goto out;
	for (size_t i = 0; i < m->n_edges; i++)
		if (draw_edge(d, &m->edges[i]) < 0)
			goto out;
	if ((html = legend(a, m)) == NULL || (label = agstrdup_html(d->g, html)) == NULL ||
	    agsafeset(d->g, S("label"), label, S("")) != 0)
		goto out;
	r = 0;
out:
	if (label != NULL)
		agstrfree(d->g, label);
	free(html);
	return r;
}

/*
 * Lays the plan out and renders it in a->format into *out (the caller frees it). 0, or -1
 * after saying why.
 */
static int
draw(const struct graph *g, const struct graph_map *m, const struct map_args *a, char **out,
     size_t *len)
{
	struct draw d = { 0 };
	GVC_t *gvc;
	char *data = NULL;
	unsigned int n = 0;
	int r = -1;

	*out = NULL;
	*len = 0;
	/* Errors only, in our words' company; warnings (a font substituted) stay quiet. */
	agseterr(AGERR);
	agseterrf(gv_say);
	if ((gvc = gvContext()) == NULL) {
		cli_error("cannot start Graphviz");
		return -1;
	}
	if (draw_build(&d, g, m, a) < 0) {
		cli_error("cannot build the map for Graphviz (out of memory?)");
		goto out;
	}
	if (gvLayout(gvc, d.g, a->ego ? "twopi" : "sfdp") != 0) {
		cli_error("Graphviz could not lay out the map");
		goto out;
	}
	if (gvRenderData(gvc, d.g, a->format, &data, &n) != 0 || data == NULL) {
		cli_error("Graphviz could not render the map as %s", a->format);
		gvFreeLayout(gvc, d.g);
		goto out;
	}
	gvFreeLayout(gvc, d.g);
	if ((*out = malloc(n > 0 ? n : 1)) == NULL) {
		cli_error("out of memory");
		goto out;
	}
	memcpy(*out, data, n);
	*len = n;
	r = 0;
out:
	if (data != NULL)
		gvFreeRenderData(data);
	if (d.g != NULL)
		agclose(d.g);
	free(d.node);
	gvFreeContext(gvc);
	return r;
}

/* Writing */

/* On a terminal: a new wallflower-map.svg here (-2, -3 ... when taken), then where. */
static int
write_new_here(const char *buf, size_t len, size_t people)
{
	char name[64], *cwd;
	int r = -EEXIST;

	for (int i = 1; i <= MAP_TRIES && r == -EEXIST; i++) {
		if (i == 1)
			snprintf(name, sizeof(name), "%s.svg", MAP_DEFAULT);
		else
			snprintf(name, sizeof(name), "%s-%d.svg", MAP_DEFAULT, i);
		r = file_write_new(name, buf, len, 0600);
	}
	if (r < 0) {
		cli_error("cannot write %s in this directory: %s", r == -EEXIST ? "a map" : name,
		          strerror(-r));
		return -1;
	}
	cwd = getcwd(NULL, 0);
	printf("The map of your network (%zu %s) is in %s%s%s\nOpen it in a web browser.\n", people,
	       people == 1 ? "person" : "people", cwd != NULL ? cwd : "",
	       cwd != NULL && strcmp(cwd, "/") != 0 ? "/" : "", name);
	free(cwd);
	return 0;
}

static int
map_write(struct cli *cli, const struct map_args *a, const char *buf, size_t len, size_t people)
{
	int r;

	if (a->output == NULL && isatty(STDOUT_FILENO))
		return write_new_here(buf, len, people);
	if (a->output == NULL || strcmp(a->output, "-") == 0) {
		if (fwrite(buf, 1, len, stdout) != len || fflush(stdout) != 0) {
			cli_error("cannot write to standard output");
			return -1;
		}
		return 0;
	}
	if (cli_is_state_file(cli, a->output)) {
		cli_error("%s is one of your own key or store files; refusing to overwrite it",
		          cli_quote_path(a->output));
		return -1;
	}
	if ((r = file_write_output(a->output, buf, len, 0600)) < 0) {
		cli_error("cannot write %s: %s", cli_quote_path(a->output),
		          file_output_strerror(r));
		return -1;
	}
	return 0;
}

int
cmd_graph_map(struct cli *cli, int argc, char **argv)
{
	struct graph whole = { 0 }, part = { 0 };
	const struct graph *view = NULL;
	struct graph_map m = { 0 };
	struct map_args a;
	char *buf = NULL;
	size_t len = 0;
	int r;

	/* Usage errors point at this verb's help, not graph's. */
	cli->prog = "wallflower graph map";
	if ((r = map_args_parse(cli, argc, argv, &a)) >= 0)
		return r;
	if ((r = map_load(cli, &a, &whole, &part, &view)) >= 0)
		goto out;
	r = CLI_EXIT_FAIL;
	if (map_plan(view, &whole, a.ego, &m) < 0 || draw(view, &m, &a, &buf, &len) < 0 ||
	    map_write(cli, &a, buf, len, m.people) < 0)
		goto out;
	r = CLI_EXIT_OK;
out:
	free(buf);
	graph_map_clear(&m);
	graph_clear(&part);
	graph_clear(&whole);
	return r;
}
