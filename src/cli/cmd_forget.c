/*
 * Taking things back: `forget` (a contact and everything about them, for good), `blocked`
 * (who you block) and `unblock`. Store-only: they work whether or not the daemon runs,
 * which reads blocks from the store at every offer. The rules (what forgetting removes,
 * what a fingerprint is) are the store's (store_forget.c); this file asks and prints.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli.h"
#include "wallflower/when.h"

static const char forget_help[] =
        "usage: wallflower forget CONTACT [--yes] [--json] [--runtime-dir DIR]\n"
        "\n"
        "Forgets a contact for good: the person, every card they gave you, your meetings,\n"
        "notes and follow-ups about them, the introductions that name them, offers from\n"
        "them still waiting in your inbox, and the topics, organisations and events nobody\n"
        "else is linked to. The store's log is then checkpointed, so that the bytes are gone\n"
        "from its files too. A block on them stays (without their name). The offers of your\n"
        "card you made ('wallflower sent') stay: they name the handle an advert showed and\n"
        "your note, never who answered. A running wallflowerd is told, and stops\n"
        "recognising them nearby at once.\n"
        "\n"
        "CONTACT names them as for 'show'. On a terminal it shows who and asks first;\n"
        "elsewhere it needs --yes, and then CONTACT must be their whole name (case and\n"
        "accents aside) or their whole fingerprint.\n"
        "\n"
        "  --yes              forget without asking\n"
        "  --json             say what was removed as a JSON object\n"
        "  --runtime-dir DIR  where the daemon to tell listens (as for 'start')\n";

/* "1 note", "2 notes"; nothing for 0. Appends to buf (of size) after a ", " when needed. */
static void
count_add(char *buf, size_t size, size_t n, const char *one, const char *many)
{
	size_t len = strlen(buf);

	if (n == 0 || len >= size)
		return;
	snprintf(buf + len, size - len, "%s%zu %s", len > 0 ? ", " : "", n, n == 1 ? one : many);
}

static void
forgotten_print(const struct contact *who, const struct store_forgotten *f)
{
	char rows[256] = "", nodes[128] = "";

	printf("Forgot %s (%s).\n", who->f.text[CARD_NAME], cli_contact_fpr(who));
	count_add(rows, sizeof(rows), f->cards, "card", "cards");
	count_add(rows, sizeof(rows), f->meetings, "meeting", "meetings");
	count_add(rows, sizeof(rows), f->notes, "note", "notes");
	count_add(rows, sizeof(rows), f->followups, "follow-up", "follow-ups");
	count_add(rows, sizeof(rows), f->introductions, "introduction", "introductions");
	count_add(rows, sizeof(rows), f->offers, "waiting offer", "waiting offers");
	count_add(nodes, sizeof(nodes), f->orgs, "organisation", "organisations");
	count_add(nodes, sizeof(nodes), f->topics, "topic", "topics");
	count_add(nodes, sizeof(nodes), f->events, "event", "events");
	if (rows[0] != '\0')
		printf("  removed: %s\n", rows);
	if (nodes[0] != '\0')
		printf("  and what only they had: %s\n", nodes);
}

static json_t *
forgotten_json(const struct contact *who, const struct store_forgotten *f, bool wiped)
{
	return json_pack("{s:{s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}, s:b}",
	                 "forgotten", "name", who->f.text[CARD_NAME], "fingerprint", who->fpr,
	                 "cards", (json_int_t)f->cards, "meetings", (json_int_t)f->meetings,
	                 "notes", (json_int_t)f->notes, "followups", (json_int_t)f->followups,
	                 "introductions", (json_int_t)f->introductions, "offers",
	                 (json_int_t)f->offers, "organisations", (json_int_t)f->orgs, "topics",
	                 (json_int_t)f->topics, "events", (json_int_t)f->events, "wiped", wiped);
}

/* Asks on the terminal; true for "y" or "yes" (any case). */
static bool
confirm(const struct contact *who)
{
	char line[16];
	size_t n;

	fprintf(stderr,
	        "Forget %s (%s) and everything about them, for good? This cannot be undone. "
	        "[y/N] ",
	        who->f.text[CARD_NAME], cli_contact_fpr(who));
	fflush(stderr);
	if (fgets(line, sizeof(line), stdin) == NULL)
		return false;
	n = strcspn(line, "\r\n");
	line[n] = '\0';
	return strcasecmp(line, "y") == 0 || strcasecmp(line, "yes") == 0;
}

int
cmd_forget(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTIONS,
		                              { "yes", no_argument, NULL, 'y' },
		                              { "json", no_argument, NULL, 'j' },
		                              CLI_DAEMON_OPTIONS,
		                              { NULL, 0, NULL, 0 } };
	struct store_forgotten f;
	struct contact *who = NULL;
	struct store *st = NULL;
	bool yes = false, json = false, done;
	int c, e, r = CLI_EXIT_FAIL;

	while ((c = cli_getopt_daemon(cli, argc, argv, "hyj", opts, forget_help, &done)) != -1) {
		if (c == 'y')
			yes = true;
		else if (c == 'j')
			json = true;
		else
			return CLI_EXIT_USAGE;
	}
	if (done)
		return CLI_EXIT_OK;
	if (argc - optind != 1)
		return cli_usage_error(cli, "'forget' takes one CONTACT");
	/* Nobody can answer a question asked of a pipe: a script says --yes. */
	if (!yes && !isatty(STDIN_FILENO))
		return cli_usage_error(cli,
		                       "'forget' asks for confirmation on a terminal, and standard "
		                       "input is not one; pass --yes to forget without asking");
	if (cli_open_store(cli, &st) < 0)
		return CLI_EXIT_FAIL;
	if (cli_contact_resolve(st, argv[optind], &who) < 0)
		goto out;
	/* What cannot be undone, unasked, only for whom the user named in full: a word of
	 * someone's organisation or topics, which they wrote themselves, is not enough. */
	if (yes && !store_contact_named(who, argv[optind])) {
		cli_error("%s only matches words of %s's card (%s); with --yes, give their whole "
		          "name or fingerprint",
		          cli_quote(argv[optind]), who->f.text[CARD_NAME], cli_contact_fpr(who));
		goto out;
	}
	if (!yes && !confirm(who)) {
		fputs("Nothing was forgotten.\n", stderr);
		goto out;
	}
	if ((e = store_forget(st, who->id, &f)) < 0) {
		cli_error("cannot forget %s: %s (nothing was changed)", who->f.text[CARD_NAME],
		          strerror(-e));
		goto out;
	}
	/* A running daemon recognises contacts nearby from what it read at start: it reads
	 * them again, so that it stops naming this person (proto/control.md 10.13). Told
	 * before the log is wiped: it reads the store once more to do so. */
	cli_contacts_changed();
	e = store_wipe_log(st);
	if (json)
		r = cli_json_print(forgotten_json(who, &f, e == 0)) < 0 ? CLI_EXIT_FAIL
		                                                        : CLI_EXIT_OK;
	else {
		forgotten_print(who, &f);
		r = CLI_EXIT_OK;
	}
	/* The promise is that the bytes are gone; when it is not kept yet, say so. */
	if (e == -EINPROGRESS) {
		cli_error("but another program is reading the store (wallflowerd?), so old copies "
		          "of their data stay in %s until it lets go; 'wallflower stop' clears "
		          "them",
		          cli_quote_path(cli_state_dir(cli)));
		r = CLI_EXIT_FAIL;
	} else if (e < 0) {
		cli_error("but the store's log could not be wiped (%s), so old copies of their "
		          "data stay in it until a later checkpoint",
		          strerror(-e));
		r = CLI_EXIT_FAIL;
	}
out:
	contact_free_all(who, who ? 1 : 0);
	store_close(st);
	return r;
}

static const char blocked_help[] =
        "usage: wallflower blocked [--json]\n"
        "\n"
        "Lists the people you blocked ('wallflower block'), oldest first: their fingerprint,\n"
        "the name on the card they offered (when known) and the day you blocked them.\n"
        "Their offers never reach your inbox; 'wallflower unblock FINGERPRINT' lifts a block.\n"
        "\n"
        "  --json  {\"blocked\": [...]}, each with fingerprint, key, name (or null) and since\n"
        "          (unix seconds)\n";

static json_t *
block_json(const void *item)
{
	const struct store_block *b = item;
	char key[2 * CRYPT_SIGN_PK + 1];

	crypt_hex(key, b->key, CRYPT_SIGN_PK);
	return json_pack("{s:s, s:s, s:s?, s:I}", "fingerprint", b->fpr, "key", key, "name",
	                 b->name, "since", (json_int_t)b->at);
}

static int
blocked_table(const struct store_block *list, size_t n)
{
	static const char *const headers[] = { "FINGERPRINT", "NAME", "SINCE" };
	struct cli_table *t = cli_table_new(3, headers);
	char day[11];
	int r = t == NULL ? -1 : 0;

	for (size_t i = 0; i < n && r == 0; i++) {
		const char *cells[3] = { list[i].fpr, list[i].name ? list[i].name : "?", day };

		when_format_date(list[i].at, day);
		r = cli_table_add(t, cells) < 0 ? -1 : 0;
	}
	return cli_table_done(t, r == 0);
}

int
cmd_blocked(struct cli *cli, int argc, char **argv)
{
	struct store_block *list = NULL;
	struct store *st;
	bool json;
	size_t n = 0;
	int c, r;

	if ((c = cli_args_json_only(cli, argc, argv, blocked_help, &json)) >= 0)
		return c;
	if (cli_open_store(cli, &st) < 0)
		return CLI_EXIT_FAIL;
	r = store_blocked_list(st, &list, &n);
	store_close(st);
	if (r < 0) {
		cli_error("cannot read the blocks: %s", strerror(-r));
		return CLI_EXIT_FAIL;
	}
	if (json)
		r = cli_json_print_list("blocked",
		                        cli_json_array(list, n, sizeof(*list), block_json));
	else if ((r = blocked_table(list, n)) == 0 && n == 0)
		fputs("You have blocked nobody.\n", stderr);
	store_block_free_all(list, n);
	return r < 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

static const char unblock_help[] =
        "usage: wallflower unblock FINGERPRINT\n"
        "\n"
        "Lifts a block: that person's offers reach your inbox again. FINGERPRINT is the whole\n"
        "fingerprint 'wallflower blocked' shows, in any case, with or without its '-'; never\n"
        "a prefix or a name, so that a typo cannot lift someone else's block.\n";

int
cmd_unblock(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTIONS, { NULL, 0, NULL, 0 } };
	uint8_t key[CRYPT_SIGN_PK];
	struct store_block *list = NULL;
	struct store *st;
	const char *name = NULL;
	size_t n = 0;
	bool done;
	int e, r = CLI_EXIT_FAIL;

	if (cli_getopt(cli, argc, argv, "h", opts, unblock_help, &done) != -1)
		return CLI_EXIT_USAGE;
	if (done)
		return CLI_EXIT_OK;
	if (argc - optind != 1)
		return cli_usage_error(cli, "'unblock' takes one FINGERPRINT");
	if (cli_open_store(cli, &st) < 0)
		return CLI_EXIT_FAIL;
	/* The list first, for the name to say; the store compares the fingerprint. */
	if ((e = store_blocked_list(st, &list, &n)) == 0)
		e = store_unblock(st, argv[optind], key);
	if (e == -EINVAL) {
		r = cli_usage_error(cli,
		                    "%s is not a whole fingerprint (six groups of four of a-z and "
		                    "2-7, as 'wallflower blocked' shows them)",
		                    cli_quote(argv[optind]));
	} else if (e == -ENOENT) {
		cli_error("nobody with fingerprint %s is blocked (see 'wallflower blocked')",
		          cli_quote(argv[optind]));
	} else if (e < 0) {
		cli_error("cannot unblock: %s", strerror(-e));
	} else {
		for (size_t i = 0; i < n; i++)
			if (memcmp(list[i].key, key, CRYPT_SIGN_PK) == 0) {
				name = list[i].name;
				printf("Unblocked %s (%s).\n", name ? name : "someone",
				       list[i].fpr);
			}
		r = CLI_EXIT_OK;
	}
	store_block_free_all(list, n);
	store_close(st);
	return r;
}
