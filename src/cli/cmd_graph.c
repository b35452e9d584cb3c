/* wallflower graph: the shape of your network (docs/graph.md explains each measure). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "wallflower/canon.h"
#include "wallflower/when.h"

static const char help[] =
        "usage: wallflower graph stats [--since DATE] [--event E] [--json]\n"
        "       wallflower graph hubs [--top N] [--json]\n"
        "       wallflower graph gaps [--json]\n"
        "       wallflower graph map [-o FILE] [--event E] [--since DATE] [--ego]\n"
        "\n"
        "  stats  how many people, events, organisations and topics, and how diverse your\n"
        "         network is across organisations and topics (Blau index and evenness)\n"
        "  hubs   the people your network of people hangs on: the share of pairs of people\n"
        "         whose shortest paths run through them (score), how many you reach only\n"
        "         through them (reach), and Burt's brokerage (effective size, constraint);\n"
        "         then whom each hub, and anyone else, introduced you to\n"
        "  gaps   topics you seek that nobody in your network offers, who might help with\n"
        "         each, the hub to ask and the command that asks them (wallflower ask);\n"
        "         topics only one contact holds; events or organisations that hold most\n"
        "         of your network\n"
        "  map    a picture of your network (graph map --help)\n"
        "\n"
        "  --since DATE  stats: only the people you met on or after DATE (YYYY-MM-DD)\n"
        "  --event E     stats: only the people you met at event E\n"
        "                (with either, the whole network's figures beside theirs)\n"
        "  --top N       hubs: how many to show (default 10)\n"
        "  --json        as JSON\n"
        "\n"
        "docs/graph.md defines every number.\n";

struct graph_args {
	bool json;
	size_t top;
	const char *event; /* stats --event, as typed */
	const char *since; /* stats --since, as typed */
	uint64_t since_at; /* its local midnight */
};

static int
load(struct cli *cli, struct graph *g)
{
	struct store *st;
	int r;

	if (cli_open_store(cli, &st) < 0)
		return -1;
	r = store_graph_load(st, "me", g);
	store_close(st);
	if (r < 0)
		cli_error("cannot read the network: %s", strerror(-r));
	return r < 0 ? -1 : 0;
}

/* Stats */

/* The event node called name, in canonical form; else an error with suggestions. 0 with
 * *node, or the exit status. */
static int
event_node(const struct cli *cli, const struct graph *g, const char *name, uint32_t *node)
{
	const char **names;
	size_t n = 0;
	int r;

	for (size_t v = 0; v < g->n_nodes; v++) {
		const char *l = g->nodes[v].label;

		if (g->nodes[v].kind == GRAPH_EVENT &&
		    canon_equal(l, strlen(l), name, strlen(name)) != 0) {
			*node = (uint32_t)v;
			return 0;
		}
	}
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

/* The figures of one network, as the members of stats --json (a new object or NULL). */
static json_t *
stats_json(const struct graph *g, const struct graph_stats *s)
{
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:{s:f, s:f}, s:{s:f, s:f}, s:I}", "people",
	                 (json_int_t)s->count[GRAPH_PERSON], "events",
	                 (json_int_t)s->count[GRAPH_EVENT], "organisations",
	                 (json_int_t)s->count[GRAPH_ORG], "topics",
	                 (json_int_t)s->count[GRAPH_TOPIC], "edges", (json_int_t)g->n_edges,
	                 "organisation_diversity", "blau", s->org_blau, "evenness", s->org_evenness,
	                 "topic_diversity", "blau", s->topic_blau, "evenness", s->topic_evenness,
	                 "people_without_org", (json_int_t)s->people_without_org);
}

static void
stats_text(const struct graph_stats *s)
{
	printf("people         %zu\nevents         %zu\norganisations  %zu\ntopics         "
	       "%zu\n",
	       s->count[GRAPH_PERSON], s->count[GRAPH_EVENT], s->count[GRAPH_ORG],
	       s->count[GRAPH_TOPIC]);
	printf("diversity      organisations: Blau %.2f, evenness %.2f (%zu without an org)\n"
	       "               topics:        Blau %.2f, evenness %.2f\n",
	       s->org_blau, s->org_evenness, s->people_without_org, s->topic_blau,
	       s->topic_evenness);
	printf("               (0 = all alike; towards 1 = spread widely; docs/graph.md)\n");
}

/* Which people the selection covers, in words ("met at 'Conf' since 2026-01-01"). */
static void
selection_words(const struct graph *whole, const struct graph_select *sel, const char *since,
                char *buf, size_t size)
{
	int k = snprintf(buf, size, "met");

	if (sel->event != UINT32_MAX && k >= 0 && (size_t)k < size)
		k += snprintf(buf + k, size - (size_t)k, " at %s",
		              cli_quote(whole->nodes[sel->event].label));
	if (since != NULL && k >= 0 && (size_t)k < size)
		(void)snprintf(buf + k, size - (size_t)k, " on or after %s", since);
}

/* The selection's figures beside the whole network's, one row each. */
static void
stats_side_by_side(const struct graph_stats *s, const struct graph_stats *w, const char *words)
{
	printf("The %zu of your %zu people you %s:\n", s->count[GRAPH_PERSON],
	       w->count[GRAPH_PERSON], words);
	printf("%-23s %5s %9s\n", "", "these", "everyone");
	printf("%-23s %5zu %9zu\n", "people", s->count[GRAPH_PERSON], w->count[GRAPH_PERSON]);
	printf("%-23s %5zu %9zu\n", "events", s->count[GRAPH_EVENT], w->count[GRAPH_EVENT]);
	printf("%-23s %5zu %9zu\n", "organisations", s->count[GRAPH_ORG], w->count[GRAPH_ORG]);
	printf("%-23s %5zu %9zu\n", "topics", s->count[GRAPH_TOPIC], w->count[GRAPH_TOPIC]);
	printf("%-23s %5zu %9zu\n", "without an organisation", s->people_without_org,
	       w->people_without_org);
	printf("%-23s %5.2f %9.2f\n", "organisations: Blau", s->org_blau, w->org_blau);
	printf("%-23s %5.2f %9.2f\n", "  evenness", s->org_evenness, w->org_evenness);
	printf("%-23s %5.2f %9.2f\n", "topics: Blau", s->topic_blau, w->topic_blau);
	printf("%-23s %5.2f %9.2f\n", "  evenness", s->topic_evenness, w->topic_evenness);
	printf("(diversity: 0 = all alike; towards 1 = spread widely; docs/graph.md)\n");
}

static int
stats_compute(const struct graph *g, struct graph_stats *s)
{
	int r = graph_stats(g, s);

	if (r < 0)
		cli_error("cannot compute the statistics: %s", strerror(-r));
	return r;
}

/* stats --since/--event: the selection's figures, the whole network's beside them. */
static int
do_stats_selected(const struct cli *cli, const struct graph *whole, const struct graph_args *a)
{
	struct graph_select sel = { .since = a->since_at, .event = UINT32_MAX };
	struct graph_stats s, w;
	struct graph part;
	char day[11], words[256];
	json_t *doc;
	int r;

	if (a->event != NULL && (r = event_node(cli, whole, a->event, &sel.event)) != 0)
		return r;
	if ((r = graph_select(whole, &sel, &part)) < 0) {
		cli_error("cannot choose the people: %s", strerror(-r));
		return CLI_EXIT_FAIL;
	}
	if (a->since != NULL)
		when_format_date(a->since_at, day);
	if (stats_compute(&part, &s) < 0 || stats_compute(whole, &w) < 0) {
		graph_clear(&part);
		return CLI_EXIT_FAIL;
	}
	if (a->json) {
		/* set_new takes the value, NULL (out of memory) too: nothing leaks. */
		doc = stats_json(&part, &s);
		if (doc != NULL &&
		    (json_object_set_new(
		             doc, "selection",
		             json_pack("{s:s*, s:s*, s:I}", "since", a->since != NULL ? day : NULL,
		                       "event",
		                       sel.event != UINT32_MAX ? whole->nodes[sel.event].label
		                                               : NULL,
		                       "people", (json_int_t)s.count[GRAPH_PERSON])) < 0 ||
		     json_object_set_new(doc, "whole", stats_json(whole, &w)) < 0)) {
			json_decref(doc);
			doc = NULL;
		}
		r = cli_json_print(doc) < 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
	} else {
		selection_words(whole, &sel, a->since != NULL ? day : NULL, words, sizeof(words));
		stats_side_by_side(&s, &w, words);
		r = CLI_EXIT_OK;
	}
	graph_clear(&part);
	return r;
}

static int
do_stats(const struct cli *cli, const struct graph *g, const struct graph_args *a)
{
	struct graph_stats s;

	if (a->since != NULL || a->event != NULL)
		return do_stats_selected(cli, g, a);
	if (stats_compute(g, &s) < 0)
		return CLI_EXIT_FAIL;
	if (a->json)
		return cli_json_print(stats_json(g, &s)) < 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
	stats_text(&s);
	return CLI_EXIT_OK;
}

/* Hubs */

/* x as JSON, null when it is not a number (Burt's measures of someone without ties). */
static json_t *
real_or_null(double x)
{
	return isnan(x) ? json_null() : json_real(x);
}

/* [{"name", "fingerprint"}] of the people intros[first..first + k) introduced you to. */
static json_t *
introduced_json(const struct graph *g, const struct graph_intro *intros, size_t first, size_t k)
{
	json_t *a = json_array();

	for (size_t i = first; a != NULL && i < first + k; i++) {
		const struct graph_node *p = &g->nodes[intros[i].person];

		if (json_array_append_new(a, json_pack("{s:s, s:s}", "name", p->label,
		                                       "fingerprint", p->id)) < 0) {
			json_decref(a);
			a = NULL;
		}
	}
	return a;
}

static json_t *
hub_json(const struct graph *g, const struct graph_hub *h, const struct graph_intro *intros,
         size_t n_intros)
{
	size_t first, k = graph_introductions_by(intros, n_intros, h->node, &first);

	return json_pack("{s:s, s:s, s:f, s:I, s:o, s:o, s:o}", "name", g->nodes[h->node].label,
	                 "fingerprint", g->nodes[h->node].id, "betweenness", h->score, "reach",
	                 (json_int_t)h->reach, "effective_size", real_or_null(h->effective_size),
	                 "constraint", real_or_null(h->constraint), "introduced",
	                 introduced_json(g, intros, first, k));
}

/* Everyone who introduced you to someone, hubs or not: [{"name", "fingerprint",
 * "introduced"}], by introducer (node order). */
static json_t *
introducers_json(const struct graph *g, const struct graph_intro *intros, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0, k; a != NULL && i < n; i += k) {
		const struct graph_node *by = &g->nodes[intros[i].by];
		size_t first;

		k = graph_introductions_by(intros, n, intros[i].by, &first);
		if (json_array_append_new(a, json_pack("{s:s, s:s, s:o}", "name", by->label,
		                                       "fingerprint", by->id, "introduced",
		                                       introduced_json(g, intros, first, k))) < 0) {
			json_decref(a);
			a = NULL;
		}
	}
	return a;
}

static int
hubs_table(const struct graph *g, const struct graph_hub *hubs, size_t n, bool exact)
{
	static const char *const headers[] = { "",      "NAME",      "SCORE",
		                               "REACH", "EFF. SIZE", "CONSTRAINT" };
	struct cli_table *t;
	char rank[24], score[32], reach[24], size[32], cons[32];
	int r = 0;

	if (n == 0) {
		puts("No hubs yet: nobody in your network connects others.");
		return 0;
	}
	if ((t = cli_table_new(6, headers)) == NULL)
		return cli_table_done(t, false);
	for (size_t c = 2; c < 6; c++)
		cli_table_align_right(t, c);
	for (size_t i = 0; i < n && r == 0; i++) {
		const struct graph_hub *h = &hubs[i];
		const char *cells[6] = { rank, g->nodes[h->node].label, score, reach, size, cons };

		snprintf(rank, sizeof(rank), "%zu.", i + 1);
		snprintf(score, sizeof(score), "%.3f", h->score);
		snprintf(reach, sizeof(reach), "%zu", h->reach);
		if (isnan(h->effective_size))
			snprintf(size, sizeof(size), "-");
		else
			snprintf(size, sizeof(size), "%.2f", h->effective_size);
		if (isnan(h->constraint))
			snprintf(cons, sizeof(cons), "-");
		else
			snprintf(cons, sizeof(cons), "%.3f", h->constraint);
		r = cli_table_add(t, cells);
	}
	if (cli_table_done(t, r == 0) < 0)
		return -1;
	printf("(score: the share of pairs of people whose shortest paths run through them%s;\n"
	       " reach: people you reach only through them; docs/graph.md)\n",
	       exact ? "" : ", estimated from a sample");
	return 0;
}

/* "  NAME introduced you to: A, B" for the introducer by, when they introduced anyone. */
static void
introduced_line(const struct graph *g, const struct graph_intro *intros, size_t n, uint32_t by)
{
	size_t first, k = graph_introductions_by(intros, n, by, &first);

	if (k == 0)
		return;
	printf("  %s introduced you to:", g->nodes[by].label);
	for (size_t i = first; i < first + k; i++)
		printf("%s %s", i == first ? "" : ",", g->nodes[intros[i].person].label);
	putchar('\n');
}

static bool
is_hub(const struct graph_hub *hubs, size_t n, uint32_t v)
{
	for (size_t i = 0; i < n; i++)
		if (hubs[i].node == v)
			return true;
	return false;
}

/* Who introduced you to whom: the hubs above in their order, then everyone else who
 * introduced you to someone (a hub in the essay's sense, whatever their score). */
static void
introductions_text(const struct graph *g, const struct graph_hub *hubs, size_t n_hubs,
                   const struct graph_intro *intros, size_t n)
{
	if (n == 0)
		return;
	puts("Introductions:");
	for (size_t i = 0; i < n_hubs; i++)
		introduced_line(g, intros, n, hubs[i].node);
	for (size_t i = 0; i < n; i++)
		if ((i == 0 || intros[i].by != intros[i - 1].by) &&
		    !is_hub(hubs, n_hubs, intros[i].by))
			introduced_line(g, intros, n, intros[i].by);
}

static json_t *
hubs_doc(const struct graph *g, const struct graph_hub *hubs, size_t n, bool exact,
         const struct graph_intro *intros, size_t n_intros)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr != NULL && i < n; i++)
		if (json_array_append_new(arr, hub_json(g, &hubs[i], intros, n_intros)) < 0) {
			json_decref(arr);
			arr = NULL;
		}
	if (arr == NULL)
		return NULL;
	return json_pack("{s:o, s:b, s:o}", "hubs", arr, "exact", exact, "introducers",
	                 introducers_json(g, intros, n_intros));
}

static int
do_hubs(const struct graph *g, const struct graph_args *a)
{
	struct graph_intro *intros = NULL;
	struct graph_hub *hubs = NULL;
	bool exact = false;
	size_t n, n_intros;
	int r;

	if ((r = graph_hubs_with(g, NULL, a->top, &hubs, &n, &exact)) < 0 ||
	    (r = graph_introductions(g, &intros, &n_intros)) < 0) {
		cli_error("cannot compute the hubs: %s", strerror(-r));
		free(hubs);
		return CLI_EXIT_FAIL;
	}
	if (a->json) {
		r = cli_json_print(hubs_doc(g, hubs, n, exact, intros, n_intros)) < 0
		            ? CLI_EXIT_FAIL
		            : CLI_EXIT_OK;
	} else if (hubs_table(g, hubs, n, exact) < 0) {
		r = CLI_EXIT_FAIL;
	} else {
		introductions_text(g, hubs, n, intros, n_intros);
		r = CLI_EXIT_OK;
	}
	free(intros);
	free(hubs);
	return r;
}

/* Gaps */

static json_t *
labels_json(const struct graph *g, const uint32_t *nodes, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; a != NULL && i < n; i++)
		if (json_array_append_new(a, json_string(g->nodes[nodes[i]].label)) < 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}

/* The leads and the hub to ask for unmet seek i, when graph_gaps found them. */
static const struct graph_unmet *
unmet_of(const struct graph_gaps *gaps, size_t i)
{
	if (i < gaps->n_unmet && gaps->unmet[i].topic == gaps->unmet_seeks[i])
		return &gaps->unmet[i];
	return NULL;
}

static json_t *
lead_json(const struct graph *g, const struct graph_lead *l)
{
	return json_pack("{s:s, s:s, s:s}", "name", g->nodes[l->person].label, "fingerprint",
	                 g->nodes[l->person].id, "topic", g->nodes[l->topic].label);
}

/* The command that asks u's hub about u's topic, or NULL when there is none (no hub, or
 * one without a key). cmd: GRAPH_ASK_MAX bytes. */
static const char *
ask_command(const struct graph *g, const struct graph_unmet *u, char *cmd)
{
	if (u->ask >= g->n_nodes || graph_ask_command(g, u->ask, u->topic, cmd, GRAPH_ASK_MAX) < 0)
		return NULL;
	return cmd;
}

/* {"name", "fingerprint", "via", "command"} of the hub to ask, or null (no leads). */
static json_t *
ask_json(const struct graph *g, const struct graph_unmet *u)
{
	char cmd[GRAPH_ASK_MAX];

	if (u->ask >= g->n_nodes || u->ask_via >= g->n_nodes)
		return json_null();
	return json_pack("{s:s, s:s, s:s, s:s?}", "name", g->nodes[u->ask].label, "fingerprint",
	                 g->nodes[u->ask].id, "via", g->nodes[u->ask_via].label, "command",
	                 ask_command(g, u, cmd));
}

static json_t *
unmet_json(const struct graph *g, const struct graph_gaps *gaps)
{
	json_t *a = json_array(), *leads;

	for (size_t i = 0; a != NULL && i < gaps->n_unmet_seeks; i++) {
		const struct graph_unmet *u = unmet_of(gaps, i);

		if (u == NULL)
			continue; /* not worked out: left out rather than shown without leads */
		leads = json_array();
		for (size_t j = 0; leads != NULL && j < u->n_leads; j++)
			if (json_array_append_new(leads, lead_json(g, &u->leads[j])) < 0) {
				json_decref(leads);
				leads = NULL;
			}
		if (leads == NULL ||
		    json_array_append_new(a, json_pack("{s:s, s:o, s:o}", "topic",
		                                       g->nodes[u->topic].label, "leads", leads,
		                                       "ask", ask_json(g, u))) < 0) {
			json_decref(a);
			a = NULL;
		}
	}
	return a;
}

static json_t *
dominant_json(const struct graph *g, const struct graph_gaps *gaps)
{
	json_t *dom = json_array();

	for (size_t i = 0; dom != NULL && i < gaps->n_dominant; i++) {
		const struct graph_share *d = &gaps->dominant[i];

		if (json_array_append_new(
		            dom, json_pack("{s:s, s:s, s:I, s:f}", "name", g->nodes[d->node].label,
		                           "kind", graph_kind_name(g->nodes[d->node].kind),
		                           "people", (json_int_t)d->people, "share", d->share)) <
		    0) {
			json_decref(dom);
			dom = NULL;
		}
	}
	return dom;
}

/* Who might help with one unmet seek, and whom to ask. */
static void
unmet_text(const struct graph *g, const struct graph_unmet *u)
{
	char cmd[GRAPH_ASK_MAX];

	if (u->n_leads == 0) {
		puts("    nobody you know holds it or a topic near it");
		return;
	}
	fputs("    might help:", stdout);
	for (size_t j = 0; j < u->n_leads; j++)
		printf("%s %s (%s)", j == 0 ? "" : ",", g->nodes[u->leads[j].person].label,
		       g->nodes[u->leads[j].topic].label);
	putchar('\n');
	if (u->ask >= g->n_nodes || u->ask_via >= g->n_nodes)
		return;
	if (u->ask == u->ask_via)
		printf("    ask: %s\n", g->nodes[u->ask].label);
	else
		printf("    ask: %s, one step from %s\n", g->nodes[u->ask].label,
		       g->nodes[u->ask_via].label);
	if (ask_command(g, u, cmd) != NULL)
		printf("    next step: %s\n", cmd);
}

static void
gaps_text(const struct graph *g, const struct graph_gaps *gaps)
{
	puts("You seek, and nobody in your network offers:");
	for (size_t i = 0; i < gaps->n_unmet_seeks; i++) {
		const struct graph_unmet *u = unmet_of(gaps, i);

		printf("  %s\n", g->nodes[gaps->unmet_seeks[i]].label);
		if (u != NULL)
			unmet_text(g, u);
	}
	if (gaps->n_unmet_seeks == 0)
		puts("  (nothing: or add what you seek with 'profile add seeks TOPIC')");
	puts("Topics only one contact holds:");
	for (size_t i = 0; i < gaps->n_single_holder; i++)
		printf("  %s\n", g->nodes[gaps->single_holder[i]].label);
	if (gaps->n_single_holder == 0)
		puts("  (none)");
	puts("Events and organisations that hold most of your network:");
	for (size_t i = 0; i < gaps->n_dominant; i++)
		printf("  %-28s %s, %zu people (%.0f%%)\n", g->nodes[gaps->dominant[i].node].label,
		       graph_kind_name(g->nodes[gaps->dominant[i].node].kind),
		       gaps->dominant[i].people, 100 * gaps->dominant[i].share);
	if (gaps->n_dominant == 0)
		puts("  (none: your network is spread out)");
}

static int
do_gaps(const struct graph *g, bool json)
{
	struct graph_gaps gaps;
	int r;

	if ((r = graph_gaps(g, &gaps)) < 0) {
		cli_error("cannot compute the gaps: %s", strerror(-r));
		return CLI_EXIT_FAIL;
	}
	if (json) {
		r = cli_json_print(
		            json_pack("{s:o*, s:o*, s:o*, s:o*}", "unmet_seeks",
		                      labels_json(g, gaps.unmet_seeks, gaps.n_unmet_seeks), "unmet",
		                      unmet_json(g, &gaps), "single_holder",
		                      labels_json(g, gaps.single_holder, gaps.n_single_holder),
		                      "dominant", dominant_json(g, &gaps))) < 0
		            ? CLI_EXIT_FAIL
		            : CLI_EXIT_OK;
	} else {
		gaps_text(g, &gaps);
		r = CLI_EXIT_OK;
	}
	graph_gaps_clear(&gaps);
	return r;
}

/* Reads the options into a. -1 when the command goes on, else the exit status. */
static int
graph_options(struct cli *cli, int argc, char **argv, struct graph_args *a)
{
	static const struct option opts[] = { CLI_COMMON_OPTIONS,
		                              { "json", no_argument, NULL, 'j' },
		                              { "top", required_argument, NULL, 't' },
		                              { "since", required_argument, NULL, 's' },
		                              { "event", required_argument, NULL, 'e' },
		                              { NULL, 0, NULL, 0 } };
	unsigned long top;
	bool done;
	char *end;
	int c;

	while ((c = cli_getopt(cli, argc, argv, "hjt:s:e:", opts, help, &done)) != -1) {
		if (c == 'j') {
			a->json = true;
		} else if (c == 't') {
			top = strtoul(optarg, &end, 10);
			if (*optarg == '-' || end == optarg || *end != '\0' || top == 0 ||
			    top > 10000)
				return cli_usage_error(cli, "--top takes a number from 1 to 10000");
			a->top = top;
		} else if (c == 's') {
			if (when_parse_date(optarg, &a->since_at) < 0)
				return cli_usage_error(cli,
				                       "--since takes a date as YYYY-MM-DD, not %s",
				                       cli_quote(optarg));
			a->since = optarg;
		} else if (c == 'e') {
			if (!cli_event_valid(optarg))
				return cli_usage_error(cli, "--event takes an event name, not %s",
				                       cli_quote(optarg));
			a->event = optarg;
		} else {
			return CLI_EXIT_USAGE;
		}
	}
	return done ? CLI_EXIT_OK : -1;
}

int
cmd_graph(struct cli *cli, int argc, char **argv)
{
	static const char *const verbs[] = { "stats", "hubs", "gaps", "map" };
	struct graph_args a = { .top = 10 };
	struct graph g;
	const char *verb;
	int r;

	/* map has options of its own (cmd_map.c). */
	if (argc >= 2 && strcmp(argv[1], "map") == 0)
		return cmd_graph_map(cli, argc - 1, argv + 1);
	if ((r = graph_options(cli, argc, argv, &a)) >= 0)
		return r;
	if (argc - optind != 1)
		return cli_usage_error(cli, "say which: graph stats, graph hubs, graph gaps or "
		                            "graph map");
	verb = argv[optind];
	if (strcmp(verb, "map") == 0)
		return cli_usage_error(cli, "graph map takes its options after map");
	if (strcmp(verb, "stats") != 0 && strcmp(verb, "hubs") != 0 && strcmp(verb, "gaps") != 0)
		return cli_unknown(cli, "verb", verb, verbs, sizeof(verbs) / sizeof(verbs[0]));
	if ((a.since != NULL || a.event != NULL) && strcmp(verb, "stats") != 0)
		return cli_usage_error(cli,
		                       "--since and --event go with graph stats and graph map");
	if (load(cli, &g) < 0)
		return CLI_EXIT_FAIL;
	if (strcmp(verb, "stats") == 0)
		r = do_stats(cli, &g, &a);
	else if (strcmp(verb, "hubs") == 0)
		r = do_hubs(&g, &a);
	else
		r = do_gaps(&g, a.json);
	graph_clear(&g);
	return r;
}
