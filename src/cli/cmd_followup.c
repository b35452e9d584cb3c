/* wallflower followup: small promises to yourself, so that meeting someone leads somewhere. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "wallflower/when.h"

static const char help[] =
        "usage: wallflower followup CONTACT (--in DURATION | --on DATE) TEXT\n"
        "       wallflower followup list [--due] [--json]\n"
        "       wallflower followup done N\n"
        "\n"
        "A follow-up is something to do about a contact by a day: write to them, send the\n"
        "article you mentioned. 'list' shows them, open ones first by due date; 'done N'\n"
        "ticks one off (N is the number 'list' shows).\n"
        "\n"
        "  --in DURATION  due in 3d, 2w, 12h ... from today\n"
        "  --on DATE      due on DATE (YYYY-MM-DD)\n"
        "  --due          list: only open follow-ups due today or earlier\n"
        "  --json         list: as JSON\n";

static json_t *
followup_json(const void *item)
{
	const struct followup *f = item;

	return json_pack("{s:I, s:s, s:s, s:s, s:I, s:I, s:b}", "id", (json_int_t)f->id, "who",
	                 f->who, "fingerprint", f->fpr, "text", f->text, "due", (json_int_t)f->due,
	                 "created", (json_int_t)f->created, "done", f->done);
}

static int
do_list(struct cli *cli, bool due, bool json)
{
	struct followup *list;
	struct store *st;
	char day[11];
	size_t n;
	int r;

	if (cli_open_store(cli, &st) < 0)
		return CLI_EXIT_FAIL;
	r = store_followup_list(st, due, (uint64_t)time(NULL), &list, &n);
	store_close(st);
	if (r < 0) {
		cli_error("cannot read follow-ups: %s", strerror(-r));
		return CLI_EXIT_FAIL;
	}
	if (json) {
		r = cli_json_print_list("followups",
		                        cli_json_array(list, n, sizeof(*list), followup_json));
	} else {
		for (size_t i = 0; i < n; i++) {
			when_format_date(list[i].due, day);
			printf("#%-4lld %s %s  %-24s %s\n", (long long)list[i].id, day,
			       list[i].done ? "done" : "open", list[i].who, list[i].text);
		}
	}
	followup_free_all(list, n);
	return r < 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

static int
do_done(struct cli *cli, const char *arg)
{
	struct store *st;
	char *end;
	long long id;
	int r;

	errno = 0;
	id = strtoll(arg, &end, 10);
	/* strtoll skips leading space and takes a sign: only digits are a number here. */
	if (arg[0] < '0' || arg[0] > '9' || errno != 0 || *end != '\0' || id <= 0)
		return cli_usage_error(cli,
		                       "'followup done' takes the number 'followup list' shows");
	if (cli_open_store(cli, &st) < 0)
		return CLI_EXIT_FAIL;
	r = store_followup_done(st, id);
	store_close(st);
	if (r == -ENOENT)
		cli_error("there is no follow-up #%lld", id);
	else if (r == -EALREADY)
		cli_error("follow-up #%lld was already done", id);
	else if (r < 0)
		cli_error("cannot change the follow-up: %s", strerror(-r));
	return r < 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

/* The due day from --in or --on: a whole day, UTC. */
static int
due_day(struct cli *cli, const char *in, const char *on, uint64_t now, uint64_t *due)
{
	uint64_t d;

	if ((in == NULL) == (on == NULL))
		return cli_usage_error(cli, "say when: --in DURATION or --on DATE (one of them)");
	if (in != NULL && when_parse_duration(in, &d) < 0)
		return cli_usage_error(cli,
		                       "--in takes a duration like 3d, 2w or 12h (up to ten "
		                       "years), not '%s'",
		                       in);
	if (on != NULL && when_parse_date(on, &d) < 0)
		return cli_usage_error(cli, "--on takes a date as YYYY-MM-DD, not '%s'", on);
	*due = in != NULL ? when_day_start(now + d) : d;
	return 0;
}

static int
do_add(struct cli *cli, const char *contact, const char *text, const char *in, const char *on)
{
	struct contact *who = NULL;
	uint64_t now = (uint64_t)time(NULL), due = 0;
	struct store *st;
	char day[11];
	int64_t id;
	int r = CLI_EXIT_FAIL;

	if (due_day(cli, in, on, now, &due) != 0)
		return CLI_EXIT_USAGE;
	if (cli_open_store(cli, &st) < 0)
		return CLI_EXIT_FAIL;
	if (cli_contact_resolve(st, contact, &who) == 0) {
		int e = store_followup_add(st, who->id, text, due, now, &id);

		when_format_date(due, day);
		if (e == -EINVAL) {
			cli_error("a follow-up is one line of 1 to %d bytes, without control or "
			          "bidi characters",
			          STORE_NOTE_MAX);
			r = CLI_EXIT_USAGE;
		} else if (e < 0) {
			cli_error("cannot save the follow-up: %s", strerror(-e));
		} else {
			printf("Follow-up #%lld: %s, by %s.\n", (long long)id,
			       who->f.text[CARD_NAME], day);
			r = CLI_EXIT_OK;
		}
	}
	contact_free_all(who, who ? 1 : 0);
	store_close(st);
	return r;
}

int
cmd_followup(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTIONS,
		                              { "in", required_argument, NULL, 'i' },
		                              { "on", required_argument, NULL, 'o' },
		                              { "due", no_argument, NULL, 'd' },
		                              { "json", no_argument, NULL, 'j' },
		                              { NULL, 0, NULL, 0 } };
	const char *in = NULL, *on = NULL;
	bool due = false, json = false, done;
	int c;

	while ((c = cli_getopt(cli, argc, argv, "hi:o:dj", opts, help, &done)) != -1) {
		if (c == 'i')
			in = optarg;
		else if (c == 'o')
			on = optarg;
		else if (c == 'd')
			due = true;
		else if (c == 'j')
			json = true;
		else
			return CLI_EXIT_USAGE;
	}
	if (done)
		return CLI_EXIT_OK;
	if (optind < argc && strcmp(argv[optind], "list") == 0) {
		if (argc - optind != 1 || in != NULL || on != NULL)
			return cli_usage_error(cli, "'followup list' takes only --due and --json");
		return do_list(cli, due, json);
	}
	if (due || json)
		return cli_usage_error(cli, "--due and --json go with 'followup list'");
	if (optind < argc && strcmp(argv[optind], "done") == 0) {
		if (argc - optind != 2)
			return cli_usage_error(cli, "'followup done' takes one number");
		return do_done(cli, argv[optind + 1]);
	}
	if (argc - optind != 2)
		return cli_usage_error(cli, "'followup' takes CONTACT and TEXT");
	return do_add(cli, argv[optind], argv[optind + 1], in, on);
}
