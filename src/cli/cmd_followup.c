/*
 * wallflower followup: small promises to yourself, so that meeting someone leads somewhere.
 * Adds, lists, ticks off, reopens, corrects and deletes them, by their number (the store's
 * id: it never changes). Due days are typed and shown in the local time zone (when.h) and
 * kept as the unix time of that day's local midnight. Store-only.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "wallflower/when.h"

static const char help[] =
        "usage: wallflower followup CONTACT (--in DURATION | --on DAY [--past]) TEXT\n"
        "       wallflower followup list [--due] [--json]\n"
        "       wallflower followup done N\n"
        "       wallflower followup undo N\n"
        "       wallflower followup edit N [--in DURATION | --on DAY [--past]] [TEXT]\n"
        "       wallflower followup delete N\n"
        "\n"
        "A follow-up is something to do about a contact by a day: write to them, send the\n"
        "article you mentioned. 'list' shows them, open ones first by due day; N is the\n"
        "number it shows. 'done N' ticks one off and 'undo N' opens it again; 'edit N'\n"
        "changes its day, its text or both; 'delete N' deletes it. Days are in your time\n"
        "zone.\n"
        "\n"
        "  --in DURATION  due the day DURATION from now falls on: a number and a unit, d\n"
        "                 (days), w (weeks), mo (months), y (years), h (hours), min\n"
        "                 (minutes) or s (seconds): 3d, 2w, 1mo\n"
        "  --on DAY       due on DAY: YYYY-MM-DD, today, tomorrow, or a weekday name\n"
        "                 (friday or fri: the next one after today)\n"
        "  --past         with --on, a day before today is meant (else it is refused)\n"
        "  --due          list: only open follow-ups due today or earlier\n"
        "  --json         list: as JSON\n";

/* What a command line asked for. */
struct fu_args {
	const char *in, *on;
	bool past, due, json;
};

static json_t *
followup_json(const void *item)
{
	const struct followup *f = item;
	char day[11];

	when_format_date(f->due, day);
	return json_pack("{s:I, s:s, s:s, s:s, s:I, s:s, s:I, s:b}", "id", (json_int_t)f->id, "who",
	                 f->who, "fingerprint", f->fpr, "text", f->text, "due", (json_int_t)f->due,
	                 "due_date", day, "created", (json_int_t)f->created, "done", f->done);
}

/* The follow-ups as a table: number, due day, open or done, who, what. */
static int
print_table(const struct followup *list, size_t n)
{
	static const char *const headers[] = { "N", "DUE", "STATE", "CONTACT", "FOLLOW-UP" };
	struct cli_table *t = cli_table_new(5, headers);
	char num[24], day[11];
	int r = t != NULL ? 0 : -ENOMEM;

	for (size_t i = 0; i < n && r == 0; i++) {
		const char *cells[5] = { num, day, list[i].done ? "done" : "open", list[i].who,
			                 list[i].text };

		snprintf(num, sizeof(num), "#%lld", (long long)list[i].id);
		when_format_date(list[i].due, day);
		r = cli_table_add(t, cells);
	}
	if (r == 0 && cli_table_print(t, stdout) < 0)
		r = -EIO;
	cli_table_free(t);
	return r;
}

static int
do_list(struct cli *cli, const struct fu_args *a)
{
	struct followup *list;
	struct store *st;
	size_t n;
	int r;

	if (cli_open_store(cli, &st) < 0)
		return CLI_EXIT_FAIL;
	r = store_followup_list(st, a->due, (uint64_t)time(NULL), &list, &n);
	store_close(st);
	if (r < 0) {
		cli_error("cannot read follow-ups: %s", strerror(-r));
		return CLI_EXIT_FAIL;
	}
	if (a->json) {
		r = cli_json_print_list("followups",
		                        cli_json_array(list, n, sizeof(*list), followup_json));
	} else if ((r = print_table(list, n)) < 0) {
		cli_error("cannot list follow-ups: %s", strerror(-r));
	}
	followup_free_all(list, n);
	return r < 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

/* The due day --in asks for, with a message for each way it can be wrong. */
static int
due_in(struct cli *cli, const char *in, uint64_t now, uint64_t *due)
{
	int r = when_parse_in(in, now, due);

	if (r == -EDOM) /* a number and "m": the number is digits, safe to echo */
		return cli_usage_error(cli,
		                       "--in %s is ambiguous: say %.*smin for minutes or "
		                       "%.*smo for months",
		                       cli_quote(in), (int)strlen(in) - 1, in, (int)strlen(in) - 1,
		                       in);
	if (r == -ERANGE)
		return cli_usage_error(cli, "--in %s is too far away: at most ten years",
		                       cli_quote(in));
	if (r < 0)
		return cli_usage_error(cli,
		                       "--in takes a duration such as 3d, 2w, 1mo or 12h, not %s",
		                       cli_quote(in));
	return 0;
}

/* The due day --on asks for: today or later, or any day with --past. */
static int
due_on(struct cli *cli, const char *on, bool past, uint64_t now, uint64_t *due)
{
	if (when_parse_day(on, now, due) < 0)
		return cli_usage_error(cli,
		                       "--on takes a day: YYYY-MM-DD, today, tomorrow or a "
		                       "weekday name, not %s",
		                       cli_quote(on));
	if (!past && *due < when_day_start(now))
		return cli_usage_error(cli, "--on %s is in the past; add --past if you mean it",
		                       cli_quote(on));
	return 0;
}

/* The due day from --in or --on (*due 0 when neither was given and that is fine). */
static int
due_day(struct cli *cli, const struct fu_args *a, bool required, uint64_t *due)
{
	uint64_t now = (uint64_t)time(NULL);

	*due = 0;
	if (a->in != NULL && a->on != NULL)
		return cli_usage_error(cli, "say when with --in or with --on, not both");
	if (a->past && a->on == NULL)
		return cli_usage_error(cli, "--past goes with --on");
	if (a->in != NULL)
		return due_in(cli, a->in, now, due);
	if (a->on != NULL)
		return due_on(cli, a->on, a->past, now, due);
	if (required)
		return cli_usage_error(cli, "say when: --in DURATION or --on DAY");
	return 0;
}

static int
text_refused(void)
{
	cli_error("a follow-up is one line of 1 to %d bytes, without control or bidi characters",
	          STORE_NOTE_MAX);
	return CLI_EXIT_USAGE;
}

/* "Follow-up #3: Ada Lovelace, by 2026-12-07." for follow-up id, read back from st. */
static int
say_followup(struct store *st, int64_t id)
{
	struct followup f;
	char day[11];
	int r;

	if ((r = store_followup_get(st, id, &f)) < 0) {
		cli_error("cannot read follow-up #%lld back: %s", (long long)id, strerror(-r));
		return CLI_EXIT_FAIL;
	}
	when_format_date(f.due, day);
	printf("Follow-up #%lld: %s, by %s.\n", (long long)id, f.who, day);
	followup_clear(&f);
	return CLI_EXIT_OK;
}

static int
do_add(struct cli *cli, const char *contact, const char *text, const struct fu_args *a)
{
	struct contact *who = NULL;
	uint64_t due;
	struct store *st;
	int64_t id;
	int r = CLI_EXIT_FAIL, e = -ENOENT;

	if (due_day(cli, a, true, &due) != 0)
		return CLI_EXIT_USAGE;
	if (cli_open_store(cli, &st) < 0)
		return CLI_EXIT_FAIL;
	if (cli_contact_resolve(st, contact, &who) == 0) {
		e = store_followup_add(st, who->id, text, due, (uint64_t)time(NULL), &id);
		if (e == -EINVAL)
			r = text_refused();
		else if (e < 0)
			cli_error("cannot save the follow-up: %s", strerror(-e));
		else
			r = say_followup(st, id);
	}
	contact_free_all(who, who ? 1 : 0);
	store_close(st);
	if (e >= 0) /* written, even if it could not be read back */
		cli_contacts_changed();
	return r;
}

/* done, undo, edit (text may be NULL) and delete of follow-up number. */
static int
do_change(struct cli *cli, const char *verb, const char *number, const char *text,
          const struct fu_args *a)
{
	struct store *st;
	uint64_t due = 0;
	int64_t id;
	int e, r = CLI_EXIT_FAIL;

	if (cli_parse_number(number, &id) < 0)
		return cli_usage_error(cli,
		                       "'followup %s' takes the number 'followup list' shows, "
		                       "not %s",
		                       verb, cli_quote(number));
	if (strcmp(verb, "edit") == 0) {
		if (due_day(cli, a, false, &due) != 0)
			return CLI_EXIT_USAGE;
		if (due == 0 && text == NULL)
			return cli_usage_error(cli,
			                       "'followup edit' needs --in, --on or a new TEXT");
	}
	if (cli_open_store(cli, &st) < 0)
		return CLI_EXIT_FAIL;
	if (strcmp(verb, "done") == 0)
		e = store_followup_done(st, id);
	else if (strcmp(verb, "undo") == 0)
		e = store_followup_undo(st, id);
	else if (strcmp(verb, "edit") == 0)
		e = store_followup_edit(st, id, text, due);
	else
		e = store_followup_delete(st, id);
	if (e == -ENOENT)
		cli_error("there is no follow-up #%lld", (long long)id);
	else if (e == -EALREADY)
		cli_error("follow-up #%lld was already %s", (long long)id,
		          strcmp(verb, "done") == 0 ? "done" : "open");
	else if (e == -EINVAL)
		r = text_refused();
	else if (e < 0)
		cli_error("cannot change the follow-up: %s", strerror(-e));
	else if (strcmp(verb, "edit") == 0)
		r = say_followup(st, id);
	else if (printf("Follow-up #%lld %s.\n", (long long)id,
	                strcmp(verb, "done") == 0   ? "done"
	                : strcmp(verb, "undo") == 0 ? "open again"
	                                            : "deleted") > 0)
		r = CLI_EXIT_OK;
	store_close(st);
	if (e >= 0)
		cli_contacts_changed();
	return r;
}

/* The verbs that take a follow-up's number. */
static bool
is_change(const char *verb)
{
	return strcmp(verb, "done") == 0 || strcmp(verb, "undo") == 0 ||
	       strcmp(verb, "edit") == 0 || strcmp(verb, "delete") == 0;
}

int
cmd_followup(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTIONS,
		                              { "in", required_argument, NULL, 'i' },
		                              { "on", required_argument, NULL, 'o' },
		                              { "past", no_argument, NULL, 'p' },
		                              { "due", no_argument, NULL, 'd' },
		                              { "json", no_argument, NULL, 'j' },
		                              { NULL, 0, NULL, 0 } };
	struct fu_args a = { 0 };
	const char *verb;
	bool done;
	int c, n;

	while ((c = cli_getopt(cli, argc, argv, "hi:o:pdj", opts, help, &done)) != -1) {
		if (c == 'i')
			a.in = optarg;
		else if (c == 'o')
			a.on = optarg;
		else if (c == 'p')
			a.past = true;
		else if (c == 'd')
			a.due = true;
		else if (c == 'j')
			a.json = true;
		else
			return CLI_EXIT_USAGE;
	}
	if (done)
		return CLI_EXIT_OK;
	n = argc - optind;
	verb = n > 0 ? argv[optind] : "";
	if (strcmp(verb, "list") == 0) {
		if (n != 1 || a.in != NULL || a.on != NULL || a.past)
			return cli_usage_error(cli, "'followup list' takes only --due and --json");
		return do_list(cli, &a);
	}
	if (a.due || a.json)
		return cli_usage_error(cli, "--due and --json go with 'followup list'");
	/* The verbs come first: a contact called "done" is named by its fingerprint. */
	if (is_change(verb)) {
		bool edit = strcmp(verb, "edit") == 0;

		if (n < 2 || n > (edit ? 3 : 2))
			return cli_usage_error(cli, "'followup %s' takes N%s", verb,
			                       edit ? ", and TEXT or --in or --on" : "");
		if (!edit && (a.in != NULL || a.on != NULL || a.past))
			return cli_usage_error(cli, "--in, --on and --past go with adding or "
			                            "'followup edit'");
		return do_change(cli, verb, argv[optind + 1], n == 3 ? argv[optind + 2] : NULL, &a);
	}
	if (n != 2)
		return cli_usage_error(cli, "'followup' takes CONTACT and TEXT (quote a text of "
		                            "several words)");
	return do_add(cli, argv[optind], argv[optind + 1], &a);
}
