/*
 * wallflower note: what you want to remember about a contact, written by you and never
 * sent. Lists a contact's notes with their numbers, adds one, and corrects or deletes one
 * by its number (the note's id in the store: it never changes). Store-only.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "wallflower/when.h"

static const char help[] =
        "usage: wallflower note CONTACT [--json]\n"
        "       wallflower note CONTACT TEXT\n"
        "       wallflower note edit N TEXT\n"
        "       wallflower note delete N\n"
        "\n"
        "Notes are what you want to remember about a contact: what you talked about, what\n"
        "you promised. They are yours: never sent to anyone. With CONTACT alone, lists the\n"
        "notes about them, oldest first, each with its number N and the day it was written;\n"
        "with TEXT, adds one. TEXT may have line breaks, up to 4096 bytes. 'edit N' replaces\n"
        "the text of note N (its day stays); 'delete N' deletes it.\n"
        "\n"
        "  --json  the listing as JSON\n";

static json_t *
note_json(const void *item)
{
	const struct contact_note *nt = item;
	char day[11];

	when_format_date(nt->at, day);
	return json_pack("{s:I, s:s, s:I, s:s}", "id", (json_int_t)nt->id, "date", day, "at",
	                 (json_int_t)nt->at, "text", nt->text);
}

/* "#12  2026-12-04  text", the text's further lines indented under its first. */
static void
note_print(const struct contact_note *nt, int numw)
{
	char day[11], num[24];
	const char *p = nt->text, *nl;
	int indent;

	snprintf(num, sizeof(num), "#%lld", (long long)nt->id);
	when_format_date(nt->at, day);
	indent = printf("%-*s  %s  ", numw, num, day);
	for (;;) {
		nl = strchr(p, '\n');
		fwrite(p, 1, nl != NULL ? (size_t)(nl - p) : strlen(p), stdout);
		if (nl == NULL)
			break;
		p = nl + 1;
		/* An empty line gets no indent: no trailing white space. */
		printf("\n%*s", *p != '\n' && *p != '\0' ? indent : 0, "");
	}
	putchar('\n');
}

static int
do_list(struct cli *cli, const char *contact, bool json)
{
	struct contact *who = NULL;
	struct store *st;
	int r = CLI_EXIT_FAIL, numw = 0;

	if (cli_open_store(cli, &st) < 0)
		return CLI_EXIT_FAIL;
	if (cli_contact_resolve(st, contact, &who) < 0)
		goto out;
	if (json) {
		r = cli_json_print_list("notes", cli_json_array(who->notes, who->n_notes,
		                                                sizeof(*who->notes), note_json)) < 0
		            ? CLI_EXIT_FAIL
		            : CLI_EXIT_OK;
		goto out;
	}
	for (size_t i = 0; i < who->n_notes; i++) {
		int w = snprintf(NULL, 0, "#%lld", (long long)who->notes[i].id);

		numw = w > numw ? w : numw;
	}
	for (size_t i = 0; i < who->n_notes; i++)
		note_print(&who->notes[i], numw);
	r = CLI_EXIT_OK;
out:
	contact_free_all(who, who ? 1 : 0);
	store_close(st);
	return r;
}

static int
text_refused(void)
{
	cli_error("a note is 1 to %d bytes of text, without control or bidi characters (line "
	          "breaks are fine)",
	          STORE_NOTE_MAX);
	return CLI_EXIT_USAGE;
}

static int
do_add(struct cli *cli, const char *contact, const char *text)
{
	struct contact *who = NULL;
	struct store *st;
	int64_t id;
	int r = CLI_EXIT_FAIL, e;

	if (cli_open_store(cli, &st) < 0)
		return CLI_EXIT_FAIL;
	if (cli_contact_resolve(st, contact, &who) == 0) {
		e = store_note_add(st, who->id, text, (uint64_t)time(NULL), &id);
		if (e == -EINVAL) {
			r = text_refused();
		} else if (e < 0) {
			cli_error("cannot save the note: %s", strerror(-e));
		} else {
			printf("Note #%lld for %s.\n", (long long)id, who->f.text[CARD_NAME]);
			cli_contacts_changed();
			r = CLI_EXIT_OK;
		}
	}
	contact_free_all(who, who ? 1 : 0);
	store_close(st);
	return r;
}

/* note edit N TEXT (text non-NULL) or note delete N. */
static int
do_change(struct cli *cli, const char *verb, const char *number, const char *text)
{
	struct store *st;
	int64_t id;
	int e;

	if (cli_parse_number(number, &id) < 0)
		return cli_usage_error(
		        cli, "'note %s' takes a note's number, as 'note CONTACT' shows it, not %s",
		        verb, cli_quote(number));
	if (cli_open_store(cli, &st) < 0)
		return CLI_EXIT_FAIL;
	e = text != NULL ? store_note_edit(st, id, text) : store_note_delete(st, id);
	store_close(st);
	if (e == -EINVAL)
		return text_refused();
	if (e == -ENOENT) {
		cli_error("there is no note #%lld", (long long)id);
		return CLI_EXIT_FAIL;
	}
	if (e < 0) {
		cli_error("cannot change the note: %s", strerror(-e));
		return CLI_EXIT_FAIL;
	}
	printf("Note #%lld %s.\n", (long long)id, text != NULL ? "changed" : "deleted");
	cli_contacts_changed();
	return CLI_EXIT_OK;
}

int
cmd_note(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTIONS,
		                              { "json", no_argument, NULL, 'j' },
		                              { NULL, 0, NULL, 0 } };
	const char *verb;
	bool json = false, done;
	int c, n;

	while ((c = cli_getopt(cli, argc, argv, "hj", opts, help, &done)) != -1) {
		if (c == 'j')
			json = true;
		else
			return CLI_EXIT_USAGE;
	}
	if (done)
		return CLI_EXIT_OK;
	n = argc - optind;
	verb = n > 0 ? argv[optind] : "";
	if (n == 0)
		return cli_usage_error(cli, "'note' takes CONTACT, to list or add notes");
	if (json && (n != 1 || strcmp(verb, "edit") == 0 || strcmp(verb, "delete") == 0))
		return cli_usage_error(cli, "--json goes with 'note CONTACT', the listing");
	/* The verbs come first: a contact called "edit" is named by its fingerprint. */
	if (strcmp(verb, "edit") == 0) {
		if (n != 3)
			return cli_usage_error(cli, "'note edit' takes N and TEXT");
		return do_change(cli, verb, argv[optind + 1], argv[optind + 2]);
	}
	if (strcmp(verb, "delete") == 0) {
		if (n != 2)
			return cli_usage_error(cli, "'note delete' takes N");
		return do_change(cli, verb, argv[optind + 1], NULL);
	}
	if (n == 1)
		return do_list(cli, argv[optind], json);
	if (n != 2)
		return cli_usage_error(cli,
		                       "'note' takes CONTACT and TEXT (quote a text of several "
		                       "words)");
	return do_add(cli, argv[optind], argv[optind + 1]);
}
