/*
 * The people you met: `contacts` and `show` (`note` is in cmd_note.c, `import` in
 * cmd_import.c). Store-only: they work whether or not the daemon runs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "wallflower/file.h"
#include "wallflower/when.h"

static const char contacts_help[] =
        "usage: wallflower contacts [--event E] [--topic T] [--search Q] [--json]\n"
        "\n"
        "Lists the people you met, by name: the first group of their fingerprint (a short\n"
        "name for 'show'; 'unverified' for a contact from a vCard, who has none), their\n"
        "organisation, and when and where you last met.\n"
        "\n"
        "  --event E   only people you met at event E (any case or spacing)\n"
        "  --topic T   only people who know, offer or seek topic T (any case or spacing)\n"
        "  --search Q  only people for whom every word of Q starts a word of their name,\n"
        "              organisation, an email address, topic, offer or seek, in any case\n"
        "              and with or without accents ('maria' finds María, 'grace hop'\n"
        "              finds Grace Hopper, 'navy' finds grace@navy.mil)\n"
        "  --json      {\"schema\": 1, \"contacts\": [...]}: each contact with fingerprint,\n"
        "              key, rev, added, introduced_by, fields (as 'card verify --json'\n"
        "              shows them), met, notes, followups and verified (false: an\n"
        "              unverified contact, from a vCard) (docs/json.md)\n"
        "\n"
        "On a terminal, a header line, and rows cut to its width with an ellipsis.\n";

int
cmd_contacts(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTIONS,
		                              { "event", required_argument, NULL, 'e' },
		                              { "topic", required_argument, NULL, 't' },
		                              { "search", required_argument, NULL, 's' },
		                              { "json", no_argument, NULL, 'j' },
		                              { NULL, 0, NULL, 0 } };
	struct store_filter flt = { 0 };
	struct contact *list;
	struct followup *fu = NULL;
	struct store *st;
	bool json = false, done;
	size_t n, n_fu = 0;
	int c, r;

	while ((c = cli_getopt(cli, argc, argv, "he:t:s:j", opts, contacts_help, &done)) != -1) {
		if (c == 'e')
			flt.event = optarg;
		else if (c == 't')
			flt.topic = optarg;
		else if (c == 's')
			flt.search = optarg;
		else if (c == 'j')
			json = true;
		else
			return CLI_EXIT_USAGE;
	}
	if (done)
		return CLI_EXIT_OK;
	if (optind < argc)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
	if (cli_open_store(cli, &st) < 0)
		return CLI_EXIT_FAIL;
	r = store_contacts(st, &flt, &list, &n);
	if (r < 0) {
		store_close(st);
		cli_error("cannot read contacts: %s", strerror(-r));
		return CLI_EXIT_FAIL;
	}
	/* The JSON contact carries its follow-ups, as in `show --json` and the export. */
	if (json && (r = store_followup_list(st, false, 0, &fu, &n_fu)) < 0)
		cli_error("cannot read follow-ups: %s", strerror(-r));
	store_close(st);
	if (json && r == 0) {
		r = cli_json_print_list("contacts", cli_contacts_json(list, n, fu, n_fu));
	} else if (!json) {
		r = n > 0 ? cli_contacts_table(list, n, stdout) : 0;
		if (n == 0 && flt.event == NULL && flt.topic == NULL && flt.search == NULL)
			fputs("No contacts yet. Import a card you were given with "
			      "'wallflower import FILE'.\n",
			      stderr);
		else if (n == 0)
			fputs("Nobody matches.\n", stderr);
	}
	followup_free_all(fu, n_fu);
	contact_free_all(list, n);
	return r < 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

static const char show_help[] =
        "usage: wallflower show CONTACT [--json]\n"
        "\n"
        "Shows everything about one contact: their card, where and when you met, who\n"
        "introduced you, your notes and follow-ups. CONTACT is the start of words of their\n"
        "name, organisation, email or topics (in any case, with or without accents), or the\n"
        "start of their fingerprint; when it fits several people, they are listed and\n"
        "nothing is shown.\n"
        "\n"
        "  --json    one JSON document: \"schema\": 1, then the contact's members as in\n"
        "            'contacts --json', follow-ups included (docs/json.md)\n";

int
cmd_show(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTIONS,
		                              { "json", no_argument, NULL, 'j' },
		                              { NULL, 0, NULL, 0 } };
	struct contact *who = NULL;
	struct followup *fu = NULL;
	struct store *st;
	size_t n_fu = 0;
	bool json = false, done;
	int c, r = CLI_EXIT_FAIL;

	while ((c = cli_getopt(cli, argc, argv, "hj", opts, show_help, &done)) != -1) {
		if (c == 'j')
			json = true;
		else
			return CLI_EXIT_USAGE;
	}
	if (done)
		return CLI_EXIT_OK;
	if (argc - optind != 1)
		return cli_usage_error(cli, "'show' takes one CONTACT");
	if (cli_open_store(cli, &st) < 0)
		return CLI_EXIT_FAIL;
	if (cli_contact_resolve(st, argv[optind], &who) == 0 &&
	    store_followup_list(st, false, 0, &fu, &n_fu) == 0) {
		if (json)
			r = cli_json_print(cli_contact_json(who, fu, n_fu)) < 0 ? CLI_EXIT_FAIL
			                                                        : CLI_EXIT_OK;
		else {
			cli_contact_print(who, fu, n_fu);
			r = CLI_EXIT_OK;
		}
	}
	followup_free_all(fu, n_fu);
	contact_free_all(who, who ? 1 : 0);
	store_close(st);
	return r;
}
