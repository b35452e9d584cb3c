/* wallflower export: your network, for address books, spreadsheets, graph tools, calendars. */
#include <errno.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "wallflower/export.h"
#include "wallflower/file.h"
#include "wallflower/when.h"

static const char help[] =
        "usage: wallflower export --format FORMAT [--event E] [--since DATE] [-o FILE]\n"
        "\n"
        "Writes your network in FORMAT to FILE, or to standard output:\n"
        "  vcard    vCard 3.0, for address books (the default)\n"
        "  vcard4   vCard 4.0\n"
        "  csv      a spreadsheet, one row per contact\n"
        "  json     everything, for scripts (docs/export.md has the schema)\n"
        "  graphml  the graph, for Gephi and other graph tools\n"
        "  gexf     the graph, for Gephi\n"
        "  dot      the graph, for Graphviz\n"
        "  ics      your follow-ups as to-dos, for calendars\n"
        "\n"
        "  --event E     only people you met at event E\n"
        "  --since DATE  only people you met on or after DATE (YYYY-MM-DD)\n"
        "  -o FILE       where to write: a new file or a regular file of yours, replaced\n"
        "                atomically (0600); never a FIFO, device or another user's link\n"
        "\n"
        "Without --format the format is vcard. With --event or --since, ics and json hold the\n"
        "follow-ups of the contacts chosen; the graph formats always hold the whole network.\n";

/* Writes to a memory buffer first, so that -o FILE is replaced whole or not at all. */
static int
write_out(struct cli *cli, const char *output, enum export_format fmt, const struct export_data *d)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	int r;

	if (mem == NULL) {
		cli_error("out of memory");
		return -1;
	}
	/* Only this thread writes to it: skip stdio's per-call locking. */
	__fsetlocking(mem, FSETLOCKING_BYCALLER);
	r = export_write(fmt, d, mem);
	if (fclose(mem) != 0 && r == 0)
		r = -ENOMEM;
	if (r < 0) {
		cli_error("cannot export: %s", strerror(-r));
	} else if (output == NULL || strcmp(output, "-") == 0) {
		if (fwrite(buf, 1, len, stdout) != len || fflush(stdout) != 0) {
			cli_error("cannot write to standard output");
			r = -EIO;
		}
	} else if (cli_is_state_file(cli, output)) {
		cli_error("%s is one of your own key or store files; refusing to overwrite it",
		          cli_quote_path(output));
		r = -EPERM;
	} else if ((r = file_write_output(output, buf, len, 0600)) < 0) {
		cli_error("cannot write %s: %s", cli_quote_path(output), file_output_strerror(r));
	}
	free(buf);
	return r < 0 ? -1 : 0;
}

/* Drops the follow-ups about anyone not in contacts[0..n), keeping the order. */
static void
keep_followups_of(const struct contact *contacts, size_t n, struct followup *fu, size_t *n_fu)
{
	size_t kept = 0;

	for (size_t i = 0; i < *n_fu; i++) {
		bool chosen = false;

		for (size_t j = 0; j < n && !chosen; j++)
			chosen = contacts[j].id == fu[i].contact_id;
		if (chosen)
			fu[kept++] = fu[i];
		else
			followup_clear(&fu[i]);
	}
	*n_fu = kept;
}

/* An unknown --format, with the formats it was probably meant to be. */
static int
unknown_format(const struct cli *cli, const char *name)
{
	const char *names[EXPORT_FORMAT_COUNT];

	for (int f = 0; f < EXPORT_FORMAT_COUNT; f++)
		names[f] = export_format_name((enum export_format)f);
	return cli_unknown(cli, "format", name, names, EXPORT_FORMAT_COUNT);
}

int
cmd_export(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTIONS,
		                              { "format", required_argument, NULL, 'f' },
		                              { "event", required_argument, NULL, 'e' },
		                              { "since", required_argument, NULL, 's' },
		                              { "output", required_argument, NULL, 'o' },
		                              { NULL, 0, NULL, 0 } };
	struct export_data d = { .now = (uint64_t)time(NULL) };
	char owner[IDENTITY_FPR_LEN + 1];
	struct identity *me = NULL;
	enum export_format fmt = EXPORT_VCARD;
	struct store_filter flt = { 0 };
	struct contact *contacts = NULL;
	struct followup *fu = NULL;
	struct graph g = { 0 };
	struct store *st;
	const char *output = NULL;
	size_t n = 0, n_fu = 0;
	bool done, graph_loaded = false;
	int c, r = 0;

	while ((c = cli_getopt(cli, argc, argv, "hf:e:s:o:", opts, help, &done)) != -1) {
		if (c == 'f' && export_format_parse(optarg, &fmt) < 0)
			return unknown_format(cli, optarg);
		else if (c == 'e')
			flt.event = optarg;
		else if (c == 's' && when_parse_date(optarg, &flt.since) < 0)
			return cli_usage_error(cli, "--since takes a date as YYYY-MM-DD, not %s",
			                       cli_quote(optarg));
		else if (c == 'o')
			output = optarg;
		else if (c != 'f' && c != 's')
			return CLI_EXIT_USAGE;
	}
	if (done)
		return CLI_EXIT_OK;
	if (optind < argc)
		return cli_usage_error(cli, "unexpected argument %s", cli_quote(argv[optind]));
	if ((flt.event != NULL || flt.since != 0) &&
	    (fmt == EXPORT_GRAPHML || fmt == EXPORT_GEXF || fmt == EXPORT_DOT))
		return cli_usage_error(cli, "the graph formats hold the whole network: --event and "
		                            "--since go with the contact formats and ics");
	if (output == NULL && isatty(STDOUT_FILENO) && fmt != EXPORT_CSV && fmt != EXPORT_JSON &&
	    fmt != EXPORT_DOT)
		fputs("(writing to the terminal; use -o FILE to save)\n", stderr);
	if (cli_open_store(cli, &st) < 0)
		return CLI_EXIT_FAIL;
	/* Your fingerprint makes follow-up UIDs yours; without an identity they still work. */
	if (identity_load(cli_state_dir(cli), &me) == 0) {
		identity_fingerprint(me->sign_pk, owner);
		d.owner = owner;
		identity_free(me);
	}
	if ((r = store_contacts(st, &flt, &contacts, &n)) == 0 &&
	    (r = store_followup_list(st, false, 0, &fu, &n_fu)) == 0 &&
	    (fmt == EXPORT_GRAPHML || fmt == EXPORT_GEXF || fmt == EXPORT_DOT) &&
	    (r = store_graph_load(st, "me", &g)) == 0)
		graph_loaded = true;
	store_close(st);
	/* With a filter, the follow-ups (ics, json) are those of the contacts chosen. */
	if (r == 0 && (flt.event != NULL || flt.since != 0))
		keep_followups_of(contacts, n, fu, &n_fu);
	if (r < 0) {
		cli_error("cannot read the store: %s", strerror(-r));
	} else {
		d.contacts = contacts;
		d.n_contacts = n;
		d.followups = fu;
		d.n_followups = n_fu;
		d.graph = graph_loaded ? &g : NULL;
		r = write_out(cli, output, fmt, &d);
	}
	if (graph_loaded)
		graph_clear(&g);
	contact_free_all(contacts, n);
	followup_free_all(fu, n_fu);
	return r < 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}
