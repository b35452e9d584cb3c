/*
 * The words your network shares: `topics` and `events` list the topics your contacts
 * know, offer and seek, and the events where you met them, each once by canonical form
 * (docs/matching.md) and shown as first seen, with counts. Store-only: they work whether
 * or not the daemon runs. The store decides what is one topic; this file only prints.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "wallflower/when.h"

static const char topics_help[] =
        "usage: wallflower topics [--kind knows|offers|seeks] [--json]\n"
        "\n"
        "Lists the topics your contacts' cards name, most people first: the topic as first\n"
        "seen, then how many people know, offer or seek it (each person once), and how many\n"
        "do each. Topics that differ only in case, width or spacing are one topic.\n"
        "\n"
        "  --kind K  only topics someone knows, offers or seeks (K: knows, offers, seeks)\n"
        "  --json    {\"schema\": 1, \"topics\": [...]}, each with name, canon (the form it\n"
        "            is compared by), people, knows, offers and seeks\n";

static const char events_help[] =
        "usage: wallflower events [--json]\n"
        "\n"
        "Lists the events where you met people, the latest first: the event as first seen,\n"
        "how many people you met there, how many meetings, and the days of the first and the\n"
        "last. Events that differ only in case, width or spacing are one event.\n"
        "\n"
        "  --json  {\"schema\": 1, \"events\": [...]}, each with name, canon, people,\n"
        "          meetings, first and last (unix seconds)\n";

/* Reads the list of kind, after saying why it could not. 0 or -1. */
static int
load(struct cli *cli, enum store_vocab_kind kind, const char *topic_kind, struct store_vocab **v,
     size_t *n)
{
	struct store *st;
	int r;

	if (cli_open_store(cli, &st) < 0)
		return -1;
	r = store_vocab_list(st, kind, topic_kind, v, n);
	store_close(st);
	if (r < 0) {
		cli_error("cannot read the %s: %s", kind == STORE_VOCAB_TOPIC ? "topics" : "events",
		          strerror(-r));
		return -1;
	}
	return 0;
}

static json_t *
topic_json(const void *item)
{
	const struct store_vocab *v = item;

	return json_pack("{s:s, s:s, s:I, s:I, s:I, s:I}", "name", v->name, "canon", v->canon,
	                 "people", (json_int_t)v->people, "knows", (json_int_t)v->knows, "offers",
	                 (json_int_t)v->offers, "seeks", (json_int_t)v->seeks);
}

static json_t *
event_json(const void *item)
{
	const struct store_vocab *v = item;

	return json_pack("{s:s, s:s, s:I, s:I, s:I, s:I}", "name", v->name, "canon", v->canon,
	                 "people", (json_int_t)v->people, "meetings", (json_int_t)v->meetings,
	                 "first", (json_int_t)v->first, "last", (json_int_t)v->last);
}

/* Text: one row per entry, numbers in columns (cells: the row's strings). */
static int
print_table(const struct store_vocab *v, size_t n, bool events)
{
	static const char *const topic_cols[] = { "TOPIC", "PEOPLE", "KNOWS", "OFFERS", "SEEKS" };
	static const char *const event_cols[] = { "EVENT", "PEOPLE", "MEETINGS", "FIRST", "LAST" };
	struct cli_table *t = cli_table_new(5, events ? event_cols : topic_cols);
	int r = t != NULL ? 0 : -ENOMEM;

	for (size_t i = 0; r == 0 && i < n; i++) {
		char c[4][24];
		const char *cells[5] = { v[i].name, c[0], c[1], c[2], c[3] };

		snprintf(c[0], sizeof(c[0]), "%zu", v[i].people);
		if (events) {
			snprintf(c[1], sizeof(c[1]), "%zu", v[i].meetings);
			when_format_date(v[i].first, c[2]);
			when_format_date(v[i].last, c[3]);
		} else {
			snprintf(c[1], sizeof(c[1]), "%zu", v[i].knows);
			snprintf(c[2], sizeof(c[2]), "%zu", v[i].offers);
			snprintf(c[3], sizeof(c[3]), "%zu", v[i].seeks);
		}
		r = cli_table_add(t, cells);
	}
	if (r < 0) {
		cli_table_free(t);
		cli_error("out of memory");
		return -1;
	}
	r = cli_table_print(t, stdout);
	cli_table_free(t);
	return r;
}

/* Prints the list as JSON under key, or as a table; says so on stderr when it is empty. */
static int
show(struct store_vocab *v, size_t n, bool json, bool events, const char *empty)
{
	int r;

	if (json)
		r = cli_json_print_list(
		        events ? "events" : "topics",
		        cli_json_array(v, n, sizeof(*v), events ? event_json : topic_json));
	else {
		r = print_table(v, n, events);
		if (r == 0 && n == 0)
			fputs(empty, stderr);
	}
	store_vocab_free_all(v, n);
	return r < 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

int
cmd_topics(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTIONS,
		                              { "kind", required_argument, NULL, 'k' },
		                              { "json", no_argument, NULL, 'j' },
		                              { NULL, 0, NULL, 0 } };
	const char *kind = NULL;
	struct store_vocab *v;
	bool json = false, done;
	size_t n;
	int c;

	while ((c = cli_getopt(cli, argc, argv, "hk:j", opts, topics_help, &done)) != -1) {
		if (c == 'k')
			kind = optarg;
		else if (c == 'j')
			json = true;
		else
			return CLI_EXIT_USAGE;
	}
	if (done)
		return CLI_EXIT_OK;
	if (optind < argc)
		return cli_usage_error(cli, "unexpected argument %s", cli_quote(argv[optind]));
	if (kind != NULL && strcmp(kind, "knows") != 0 && strcmp(kind, "offers") != 0 &&
	    strcmp(kind, "seeks") != 0)
		return cli_usage_error(cli, "--kind is knows, offers or seeks, not %s",
		                       cli_quote(kind));
	if (load(cli, STORE_VOCAB_TOPIC, kind, &v, &n) < 0)
		return CLI_EXIT_FAIL;
	return show(v, n, json, false,
	            kind != NULL ? "No topics of that kind.\n"
	                         : "No topics yet: none of your contacts' cards names one.\n");
}

int
cmd_events(struct cli *cli, int argc, char **argv)
{
	struct store_vocab *v;
	bool json;
	size_t n;
	int c;

	if ((c = cli_args_json_only(cli, argc, argv, events_help, &json)) >= 0)
		return c;
	if (load(cli, STORE_VOCAB_EVENT, NULL, &v, &n) < 0)
		return CLI_EXIT_FAIL;
	return show(v, n, json, true,
	            "No events yet. Record where you meet people with 'wallflower import FILE "
	            "--event E'.\n");
}
