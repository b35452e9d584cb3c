/*
 * The people you met: `contacts`, `show`, `note` and `import`. Store-only: they work
 * whether or not the daemon runs.
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
        "name for 'show'), their organisation, and when and where you last met.\n"
        "\n"
        "  --event E   only people you met at event E\n"
        "  --topic T   only people who know, offer or seek topic T\n"
        "  --search Q  only people whose name, org, title, email or notes contain Q (ASCII\n"
        "              letters match in any case)\n"
        "  --json      {\"schema\": 1, \"contacts\": [...]}: each contact with fingerprint,\n"
        "              key, rev, added, introduced_by, fields (as 'card verify --json'\n"
        "              shows them), met, notes and followups (docs/json.md)\n"
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
        "introduced you, your notes and follow-ups. CONTACT is the start of a name or of a\n"
        "fingerprint; when it fits several people, they are listed and nothing is shown.\n"
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

static const char note_help[] =
        "usage: wallflower note CONTACT TEXT\n"
        "\n"
        "Adds a note about a contact (what you talked about, what you promised). Notes are\n"
        "yours: they are never sent to anyone. TEXT may have line breaks, up to 4096 bytes.\n";

int
cmd_note(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTIONS, { NULL, 0, NULL, 0 } };
	struct contact *who = NULL;
	struct store *st;
	bool done;
	int r = CLI_EXIT_FAIL;

	if (cli_getopt(cli, argc, argv, "h", opts, note_help, &done) != -1)
		return CLI_EXIT_USAGE;
	if (done)
		return CLI_EXIT_OK;
	if (argc - optind != 2)
		return cli_usage_error(cli, "'note' takes CONTACT and TEXT");
	if (cli_open_store(cli, &st) < 0)
		return CLI_EXIT_FAIL;
	if (cli_contact_resolve(st, argv[optind], &who) == 0) {
		int e = store_note_add(st, who->id, argv[optind + 1], (uint64_t)time(NULL), NULL);

		if (e == -EINVAL) {
			cli_error("a note is 1 to %d bytes of text, without control or bidi "
			          "characters (line breaks are fine)",
			          STORE_NOTE_MAX);
			r = CLI_EXIT_USAGE;
		} else if (e < 0) {
			cli_error("cannot save the note: %s", strerror(-e));
		} else {
			printf("Noted for %s.\n", who->f.text[CARD_NAME]);
			r = CLI_EXIT_OK;
		}
	}
	contact_free_all(who, who ? 1 : 0);
	store_close(st);
	return r;
}

static const char import_help[] =
        "usage: wallflower import FILE [--event E]\n"
        "\n"
        "Adds the person whose card FILE holds ('-' reads standard input): a card you were\n"
        "given out of band, by mail or on a USB stick. It is verified like any card (see\n"
        "'wallflower card verify'). A newer card from someone you know updates them; an older\n"
        "one is ignored.\n"
        "\n"
        "  --event E     record that you met them at event E (today)\n"
        "  --via CONTACT record that CONTACT introduced you\n";

static const char *const import_results[] = {
	[STORE_CARD_NEW] = "Added",
	[STORE_CARD_UPDATED] = "Updated",
	[STORE_CARD_OLDER] = "Already have a card as new as this one from",
};

int
cmd_import(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTIONS,
		                              { "event", required_argument, NULL, 'e' },
		                              { "via", required_argument, NULL, 'v' },
		                              { NULL, 0, NULL, 0 } };
	struct contact *via = NULL;
	struct identity *me = NULL;
	const char *via_prefix = NULL;
	enum store_card_result res;
	struct card_error err = { 0 };
	struct card *card = NULL;
	struct store *st = NULL;
	const char *event = NULL;
	uint64_t now = (uint64_t)time(NULL);
	char why[128];
	int64_t id;
	bool done;
	int c, r = CLI_EXIT_FAIL;

	while ((c = cli_getopt(cli, argc, argv, "he:v:", opts, import_help, &done)) != -1) {
		if (c == 'e')
			event = optarg;
		else if (c == 'v')
			via_prefix = optarg;
		else
			return CLI_EXIT_USAGE;
	}
	if (done)
		return CLI_EXIT_OK;
	if (argc - optind != 1)
		return cli_usage_error(cli, "'import' takes one FILE");
	/* Everything is checked before anything is written: a refusal leaves no trace. */
	if (event != NULL && !cli_event_valid(event))
		return cli_usage_error(cli, "an event name is 1 to 128 bytes of one-line text");
	if (cli_read_card(argv[optind], &card, &err) < 0)
		return CLI_EXIT_FAIL;
	if (card == NULL || card_check_time(card, now, &err) < 0) {
		cli_error("%s: invalid card: %s", argv[optind],
		          card_error_describe(&err, why, sizeof(why)));
		goto out;
	}
	if (identity_load(cli_state_dir(cli), &me) == 0 &&
	    memcmp(me->sign_pk, card->key, CRYPT_SIGN_PK) == 0) {
		cli_error("%s is your own card; you are not one of your contacts", argv[optind]);
		goto out;
	}
	if (cli_open_store(cli, &st) < 0)
		goto out;
	if (via_prefix != NULL && cli_contact_resolve(st, via_prefix, &via) < 0)
		goto out;
	if (via != NULL && memcmp(via->key, card->key, CRYPT_SIGN_PK) == 0) {
		cli_error("nobody introduces themself: --via names the card's own owner");
		goto out;
	}
	if ((c = store_card_put(st, card, now, &res, &id)) < 0) {
		cli_error("cannot store the card: %s", strerror(-c));
		goto out;
	}
	if (event != NULL && (c = store_met(st, id, event, now)) < 0) {
		cli_error("card stored, but the meeting was not: %s", strerror(-c));
		goto out;
	}
	if (via != NULL && (c = store_introduced(st, id, via->id, now)) < 0) {
		cli_error("card stored, but the introduction was not: %s", strerror(-c));
		goto out;
	}
	identity_fingerprint(card->key, why);
	printf("%s %s (%s).\n", import_results[res], card->f.text[CARD_NAME], why);
	r = CLI_EXIT_OK;
out:
	contact_free_all(via, via ? 1 : 0);
	identity_free(me);
	store_close(st);
	card_free(card);
	return r;
}
