/*
 * Recording what happened: `met` (another meeting with someone you know) and `sent` (the
 * offers of your card you made, and what became of them). Store-only: they work whether
 * or not the daemon runs. The rules (what is the same meeting, an outbox offer's states)
 * are the store's; this file checks what was typed and prints.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "wallflower/when.h"

static const char met_help[] =
        "usage: wallflower met CONTACT --event E [--on DATE] [--via CONTACT] [--json]\n"
        "\n"
        "Records that you met a contact again, at event E. Meeting them at the same event\n"
        "on the same day is the meeting already recorded: it is kept once, and said so.\n"
        "CONTACT names them as for 'show' (words of their name, or the start of their\n"
        "fingerprint).\n"
        "\n"
        "  --event E      where you met (1 to 128 bytes of one-line text)\n"
        "  --on DATE      when, if not now: YYYY-MM-DD, today or yesterday, in your time\n"
        "                 zone (kept as the start of that day); never in the future\n"
        "  --via CONTACT  record that CONTACT introduced you (the first introduction is\n"
        "                 the one kept)\n"
        "  --json         say what was recorded as a JSON object\n";

/* The contacts met names, resolved; and what was recorded. */
struct met_args {
	const char *who, *event, *on, *via;
	bool json;
};

static int
met_parse(struct cli *cli, int argc, char **argv, struct met_args *a, bool *done)
{
	static const struct option opts[] = { CLI_COMMON_OPTIONS,
		                              { "event", required_argument, NULL, 'e' },
		                              { "on", required_argument, NULL, 'o' },
		                              { "via", required_argument, NULL, 'v' },
		                              { "json", no_argument, NULL, 'j' },
		                              { NULL, 0, NULL, 0 } };
	int c;

	while ((c = cli_getopt(cli, argc, argv, "he:o:v:j", opts, met_help, done)) != -1) {
		if (c == 'e')
			a->event = optarg;
		else if (c == 'o')
			a->on = optarg;
		else if (c == 'v')
			a->via = optarg;
		else if (c == 'j')
			a->json = true;
		else
			return CLI_EXIT_USAGE;
	}
	if (*done)
		return CLI_EXIT_OK;
	if (argc - optind != 1)
		return cli_usage_error(cli, "'met' takes one CONTACT");
	a->who = argv[optind];
	if (a->event == NULL)
		return cli_usage_error(cli, "'met' needs --event E: where you met");
	if (!cli_event_valid(a->event))
		return cli_usage_error(cli, "an event name is 1 to 128 bytes of one-line text");
	return CLI_EXIT_OK;
}

/* When the meeting was: now, or the start of the --on day (never in the future). */
static int
met_when(struct cli *cli, const char *on, uint64_t now, uint64_t *at)
{
	*at = now;
	if (on == NULL)
		return CLI_EXIT_OK;
	if (when_parse_day(on, now, at) < 0)
		return cli_usage_error(cli,
		                       "--on takes a day: YYYY-MM-DD, today or yesterday, not %s",
		                       cli_quote(on));
	if (*at > now)
		return cli_usage_error(cli, "--on %s is in the future: a meeting has happened",
		                       cli_quote(on));
	return CLI_EXIT_OK;
}

/* Who introduced who, as the store keeps it: via, unless an earlier introducer is kept. */
static const char *
introducer(const struct contact *who, const struct contact *via, bool via_kept)
{
	if (via == NULL)
		return NULL;
	return via_kept ? via->f.text[CARD_NAME] : who->introduced_by;
}

static void
met_print(const struct contact *who, const struct met_args *a, uint64_t at, bool recorded,
          const struct contact *via, bool via_kept)
{
	char day[11];

	when_format_date(at, day);
	printf("%s: you met %s at %s on %s.\n", recorded ? "Recorded" : "Already recorded",
	       who->f.text[CARD_NAME], a->event, day);
	if (via != NULL && via_kept)
		printf("%s introduced you.\n", via->f.text[CARD_NAME]);
	else if (via != NULL)
		printf("%s introduced you, as recorded before; that stays.\n",
		       who->introduced_by != NULL ? who->introduced_by : "Someone else");
}

static json_t *
met_json(const struct contact *who, const struct met_args *a, uint64_t at, bool recorded,
         const struct contact *via, bool via_kept)
{
	return json_pack("{s:s, s:s, s:s, s:I, s:b, s:s?}", "fingerprint", who->fpr, "name",
	                 who->f.text[CARD_NAME], "event", a->event, "at", (json_int_t)at,
	                 "recorded", recorded, "introduced_by", introducer(who, via, via_kept));
}

/* The meeting and the introduction, in one transaction. 0, or -1 after saying why.
 * *via_kept: via is the introducer the store keeps (false when another came first). */
static int
met_record(struct store *st, const struct contact *who, const struct met_args *a, uint64_t at,
           const struct contact *via, bool *recorded, bool *via_kept)
{
	int e;

	*recorded = false;
	*via_kept = true;
	if ((e = store_begin(st)) < 0) {
		cli_error("cannot record the meeting: %s", strerror(-e));
		return -1;
	}
	e = store_met(st, who->id, a->event, at);
	*recorded = e == 0;
	if (e == -EALREADY)
		e = 0;
	if (e == 0 && via != NULL && (e = store_introduced(st, who->id, via->id, at)) == -EEXIST) {
		*via_kept = false;
		e = 0;
	}
	if (e == -EALREADY)
		e = 0;
	if ((e = store_end(st, e)) < 0) {
		cli_error("cannot record the meeting: %s (nothing was changed)", strerror(-e));
		return -1;
	}
	return 0;
}

int
cmd_met(struct cli *cli, int argc, char **argv)
{
	struct met_args a = { 0 };
	struct contact *who = NULL, *via = NULL;
	struct store *st = NULL;
	uint64_t now = (uint64_t)time(NULL), at;
	bool done, recorded, via_kept;
	int r;

	if ((r = met_parse(cli, argc, argv, &a, &done)) != CLI_EXIT_OK || done)
		return r;
	if ((r = met_when(cli, a.on, now, &at)) != CLI_EXIT_OK)
		return r;
	r = CLI_EXIT_FAIL;
	if (cli_open_store(cli, &st) < 0)
		return CLI_EXIT_FAIL;
	if (cli_contact_resolve(st, a.who, &who) < 0 ||
	    (a.via != NULL && cli_contact_resolve(st, a.via, &via) < 0))
		goto out;
	if (via != NULL && via->id == who->id) {
		cli_error("nobody introduces themself: --via names %s again",
		          who->f.text[CARD_NAME]);
		goto out;
	}
	if (met_record(st, who, &a, at, via, &recorded, &via_kept) < 0)
		goto out;
	cli_contacts_changed();
	if (a.json)
		r = cli_json_print(met_json(who, &a, at, recorded, via, via_kept)) < 0
		            ? CLI_EXIT_FAIL
		            : CLI_EXIT_OK;
	else {
		met_print(who, &a, at, recorded, via, via_kept);
		r = CLI_EXIT_OK;
	}
out:
	contact_free_all(via, via ? 1 : 0);
	contact_free_all(who, who ? 1 : 0);
	store_close(st);
	return r;
}

static const char sent_help[] =
        "usage: wallflower sent [--json]\n"
        "\n"
        "Lists the offers of your card you made ('wallflower send'), oldest first: who you\n"
        "offered it to (the handle they showed), what became of it, when you made it, how\n"
        "many delivery attempts it took, the event and your note. An offer is pending (not\n"
        "through yet; the daemon retries), delivered (they have it; they decide in their own\n"
        "time, and are never made to say no), answered (their card came back and is in your\n"
        "contacts) or failed, with the reason.\n"
        "\n"
        "  --json  {\"offers\": [...]}, each with id, target, state, reason, note, event,\n"
        "          reply, tries, created and expires (unix seconds)\n";

static json_t *
offer_json(const void *item)
{
	const struct outbox_offer *o = item;

	return json_pack("{s:I, s:s, s:s, s:s?, s:s?, s:s?, s:b, s:i, s:I, s:I}", "id",
	                 (json_int_t)o->id, "target", o->target, "state",
	                 outbox_state_name(o->state), "reason", o->reason, "note", o->note, "event",
	                 o->event, "reply", o->reply, "tries", (int)o->tries, "created",
	                 (json_int_t)o->created, "expires", (json_int_t)o->expires);
}

static int
sent_table(const struct outbox_offer *list, size_t n)
{
	static const char *const headers[] = { "TO", "STATE", "MADE", "TRIES", "EVENT", "NOTE" };
	struct cli_table *t = cli_table_new(6, headers);
	char day[11], tries[16], state[160];
	int r = t == NULL ? -1 : 0;

	for (size_t i = 0; i < n && r == 0; i++) {
		const struct outbox_offer *o = &list[i];
		const char *cells[6] = { o->target, state, day, tries, o->event, o->note };

		if (o->state == OUTBOX_FAILED && o->reason != NULL)
			snprintf(state, sizeof(state), "failed: %s", o->reason);
		else
			snprintf(state, sizeof(state), "%s", outbox_state_name(o->state));
		when_format_date(o->created, day);
		snprintf(tries, sizeof(tries), "%u", o->tries);
		r = cli_table_add(t, cells) < 0 ? -1 : 0;
	}
	return cli_table_done(t, r == 0);
}

int
cmd_sent(struct cli *cli, int argc, char **argv)
{
	struct outbox_offer *list = NULL;
	struct store *st;
	bool json;
	size_t n = 0;
	int c, r;

	if ((c = cli_args_json_only(cli, argc, argv, sent_help, &json)) >= 0)
		return c;
	if (cli_open_store(cli, &st) < 0)
		return CLI_EXIT_FAIL;
	r = store_outbox_list(st, false, &list, &n);
	store_close(st);
	if (r < 0) {
		cli_error("cannot read your offers: %s", strerror(-r));
		return CLI_EXIT_FAIL;
	}
	if (json)
		r = cli_json_print_list("offers",
		                        cli_json_array(list, n, sizeof(*list), offer_json));
	else if ((r = sent_table(list, n)) == 0 && n == 0)
		fputs("You have not offered your card to anyone yet ('wallflower send').\n",
		      stderr);
	outbox_offer_free_all(list, n);
	return r < 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}
