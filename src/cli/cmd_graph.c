/* wallflower graph: the shape of your network (docs/graph.md explains each measure). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char help[] =
        "usage: wallflower graph stats|hubs|gaps [--json] [--top N]\n"
        "\n"
        "  stats  how many people, events, organisations and topics, and how diverse your\n"
        "         network is across organisations and topics (Blau index and evenness)\n"
        "  hubs   the people who connect you to most others, through introductions, shared\n"
        "         events, organisations and topics (betweenness; the best first)\n"
        "  gaps   topics you seek that nobody in your network offers; topics only one\n"
        "         contact holds; events or organisations that hold most of your network\n"
        "\n"
        "  --top N  hubs: how many to show (default 10)\n"
        "  --json   as JSON\n"
        "\n"
        "docs/graph.md defines every number.\n";

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

static int
do_stats(const struct graph *g, bool json)
{
	struct graph_stats s;

	int r;

	if ((r = graph_stats(g, &s)) < 0) {
		cli_error("cannot compute the statistics: %s", strerror(-r));
		return CLI_EXIT_FAIL;
	}
	if (json)
		return cli_json_print(json_pack(
		               "{s:I, s:I, s:I, s:I, s:I, s:{s:f, s:f}, s:{s:f, s:f}, s:I}",
		               "people", (json_int_t)s.count[GRAPH_PERSON], "events",
		               (json_int_t)s.count[GRAPH_EVENT], "organisations",
		               (json_int_t)s.count[GRAPH_ORG], "topics",
		               (json_int_t)s.count[GRAPH_TOPIC], "edges", (json_int_t)g->n_edges,
		               "organisation_diversity", "blau", s.org_blau, "evenness",
		               s.org_evenness, "topic_diversity", "blau", s.topic_blau, "evenness",
		               s.topic_evenness, "people_without_org",
		               (json_int_t)s.people_without_org)) < 0
		               ? CLI_EXIT_FAIL
		               : CLI_EXIT_OK;
	printf("people         %zu\nevents         %zu\norganisations  %zu\ntopics         "
	       "%zu\n",
	       s.count[GRAPH_PERSON], s.count[GRAPH_EVENT], s.count[GRAPH_ORG],
	       s.count[GRAPH_TOPIC]);
	printf("diversity      organisations: Blau %.2f, evenness %.2f (%zu without an org)\n"
	       "               topics:        Blau %.2f, evenness %.2f\n",
	       s.org_blau, s.org_evenness, s.people_without_org, s.topic_blau, s.topic_evenness);
	printf("               (0 = all alike; towards 1 = spread widely; docs/graph.md)\n");
	return CLI_EXIT_OK;
}

static int
do_hubs(const struct graph *g, size_t top, bool json)
{
	struct graph_hub *hubs;
	json_t *arr;
	size_t n;
	int r = CLI_EXIT_OK;

	if ((r = graph_hubs(g, top, &hubs, &n)) < 0) {
		cli_error("cannot compute the hubs: %s", strerror(-r));
		return CLI_EXIT_FAIL;
	}
	if (json) {
		arr = json_array();
		for (size_t i = 0; arr != NULL && i < n; i++)
			if (json_array_append_new(
			            arr, json_pack("{s:s, s:s, s:f, s:I}", "name",
			                           g->nodes[hubs[i].node].label, "fingerprint",
			                           g->nodes[hubs[i].node].id, "betweenness",
			                           hubs[i].score, "reach",
			                           (json_int_t)hubs[i].reach)) < 0) {
				json_decref(arr);
				arr = NULL;
			}
		r = cli_json_print_list("hubs", arr) < 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
	} else {
		for (size_t i = 0; i < n; i++)
			printf("%2zu. %-28s %.4s  betweenness %.3g, reach %zu\n", i + 1,
			       g->nodes[hubs[i].node].label, g->nodes[hubs[i].node].id,
			       hubs[i].score, hubs[i].reach);
		if (n == 0)
			puts("No hubs yet: nobody in your network connects others.");
	}
	free(hubs);
	return r;
}

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

static int
do_gaps(const struct graph *g, bool json)
{
	struct graph_gaps gaps;
	json_t *dom;
	int r = CLI_EXIT_OK;

	if ((r = graph_gaps(g, &gaps)) < 0) {
		cli_error("cannot compute the gaps: %s", strerror(-r));
		return CLI_EXIT_FAIL;
	}
	if (json) {
		dom = json_array();
		for (size_t i = 0; dom != NULL && i < gaps.n_dominant; i++)
			if (json_array_append_new(
			            dom,
			            json_pack("{s:s, s:s, s:I, s:f}", "name",
			                      g->nodes[gaps.dominant[i].node].label, "kind",
			                      graph_kind_name(g->nodes[gaps.dominant[i].node].kind),
			                      "people", (json_int_t)gaps.dominant[i].people,
			                      "share", gaps.dominant[i].share)) < 0) {
				json_decref(dom);
				dom = NULL;
			}
		r = cli_json_print(json_pack(
		            "{s:o*, s:o*, s:o*}", "unmet_seeks",
		            labels_json(g, gaps.unmet_seeks, gaps.n_unmet_seeks), "single_holder",
		            labels_json(g, gaps.single_holder, gaps.n_single_holder), "dominant",
		            dom)) < 0
		            ? CLI_EXIT_FAIL
		            : CLI_EXIT_OK;
	} else {
		puts("You seek, and nobody in your network offers:");
		for (size_t i = 0; i < gaps.n_unmet_seeks; i++)
			printf("  %s\n", g->nodes[gaps.unmet_seeks[i]].label);
		if (gaps.n_unmet_seeks == 0)
			puts("  (nothing: or add what you seek with 'profile add seeks TOPIC')");
		puts("Topics only one contact holds:");
		for (size_t i = 0; i < gaps.n_single_holder; i++)
			printf("  %s\n", g->nodes[gaps.single_holder[i]].label);
		if (gaps.n_single_holder == 0)
			puts("  (none)");
		puts("Events and organisations that hold most of your network:");
		for (size_t i = 0; i < gaps.n_dominant; i++)
			printf("  %-28s %s, %zu people (%.0f%%)\n",
			       g->nodes[gaps.dominant[i].node].label,
			       graph_kind_name(g->nodes[gaps.dominant[i].node].kind),
			       gaps.dominant[i].people, 100 * gaps.dominant[i].share);
		if (gaps.n_dominant == 0)
			puts("  (none: your network is spread out)");
	}
	graph_gaps_clear(&gaps);
	return r;
}

int
cmd_graph(struct cli *cli, int argc, char **argv)
{
	static const char *const verbs[] = { "stats", "hubs", "gaps" };
	static const struct option opts[] = { CLI_COMMON_OPTIONS,
		                              { "json", no_argument, NULL, 'j' },
		                              { "top", required_argument, NULL, 't' },
		                              { NULL, 0, NULL, 0 } };
	struct graph g;
	const char *verb;
	bool json = false, done;
	unsigned long top = 10;
	char *end;
	int c, r;

	/* map has options of its own (cmd_map.c). */
	if (argc >= 2 && strcmp(argv[1], "map") == 0)
		return cmd_graph_map(cli, argc - 1, argv + 1);
	while ((c = cli_getopt(cli, argc, argv, "hjt:", opts, help, &done)) != -1) {
		if (c == 'j') {
			json = true;
		} else if (c == 't') {
			top = strtoul(optarg, &end, 10);
			if (*optarg == '-' || end == optarg || *end != '\0' || top == 0 ||
			    top > 10000)
				return cli_usage_error(cli, "--top takes a number from 1 to 10000");
		} else {
			return CLI_EXIT_USAGE;
		}
	}
	if (done)
		return CLI_EXIT_OK;
	if (argc - optind != 1)
		return cli_usage_error(cli, "say which: graph stats, graph hubs or graph gaps");
	verb = argv[optind];
	if (strcmp(verb, "stats") != 0 && strcmp(verb, "hubs") != 0 && strcmp(verb, "gaps") != 0)
		return cli_unknown(cli, "verb", verb, verbs, sizeof(verbs) / sizeof(verbs[0]));
	if (load(cli, &g) < 0)
		return CLI_EXIT_FAIL;
	if (strcmp(verb, "stats") == 0)
		r = do_stats(&g, json);
	else if (strcmp(verb, "hubs") == 0)
		r = do_hubs(&g, top, json);
	else
		r = do_gaps(&g, json);
	graph_clear(&g);
	return r;
}
