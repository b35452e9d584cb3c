/*
 * wallflower verify: verifying in person (proto/session.md 9.7). The daemon runs the
 * exchange and hands back the code and the other side's identity; this shows them, asks
 * the person whether the other screen shows the same code, and records the answer in the
 * store by the exact identity key. Nothing is recorded without a yes. The identity comes
 * from the daemon, which took it from a signature the session checked; the name shown is
 * the one on that identity's card in our own store, looked up by exact key.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#define CLI_VERIFY_WAIT_S 120   /* --wait: how long by default (the daemon's too) */
#define CLI_VERIFY_ASK_MS 45000 /* verify PEER: the session's timeout, and some */

static const char help[] =
        "usage: wallflower verify PEER [--json] [--runtime-dir DIR]\n"
        "       wallflower verify --wait [--timeout SECONDS] [--json] [--runtime-dir DIR]\n"
        "\n"
        "Checks, with the person standing next to you, that the card you got is the one\n"
        "they sent, and that nobody is in the middle. One of you runs 'verify --wait'; the\n"
        "other then runs 'verify PEER' with their id or handle from 'nearby'. Both screens\n"
        "show a six-digit code: compare them. If they are the same, answer yes on both\n"
        "sides, and each of you is marked 'verified in person' in the other's contacts\n"
        "(show, contacts, exports). If they differ, answer no: someone is in the middle, or\n"
        "you verified the wrong person, and nothing is recorded.\n"
        "\n"
        "The answer is read from standard input (a line: y or yes to confirm).\n"
        "\n"
        "  --wait         wait for the other person's verify (needs a started daemon)\n"
        "  --timeout S    how long --wait waits, 1 to 600 seconds (default 120)\n"
        "  --json         the outcome as JSON (code, key, fingerprint, name, verified)\n";

/* The name on key's card in our store (exact key), or NULL: a fresh string. */
static char *
known_name(struct store *st, const uint8_t key[CRYPT_SIGN_PK])
{
	struct store_brief b;
	int64_t id;

	if (store_person_by_key(st, key, &id) != 1 || store_brief(st, id, &b) < 0)
		return NULL;
	return strdup(b.name);
}

/* Reads the person's answer: true for "y" or "yes" (any case). */
static bool
confirmed(void)
{
	char line[16];

	if (fgets(line, sizeof(line), stdin) == NULL)
		return false;
	line[strcspn(line, "\r\n")] = '\0';
	return strcasecmp(line, "y") == 0 || strcasecmp(line, "yes") == 0;
}

/* The daemon's answer, shown and confirmed, and recorded when confirmed. */
static int
conclude(struct cli *cli, const json_t *r, bool json)
{
	const char *code = json_string_value(json_object_get(r, "code"));
	const char *hex = json_string_value(json_object_get(r, "key"));
	const char *fpr = json_string_value(json_object_get(r, "fingerprint"));
	uint8_t key[CRYPT_SIGN_PK];
	struct store *st = NULL;
	char *name = NULL;
	bool yes;
	int rc = CLI_EXIT_FAIL;

	if (code == NULL || hex == NULL || fpr == NULL || strlen(hex) != 2 * CRYPT_SIGN_PK ||
	    crypt_unhex(key, sizeof(key), hex, strlen(hex)) < 0) {
		cli_error("the daemon's answer is not a verification");
		return CLI_EXIT_FAIL;
	}
	if (cli_open_store(cli, &st) < 0)
		return CLI_EXIT_FAIL;
	name = known_name(st, key);
	if (!json) {
		if (name != NULL)
			printf("Verifying with %s (fingerprint %s).\n\n", name, fpr);
		else
			printf("Verifying with someone who is not in your contacts "
			       "(fingerprint %s).\n\n",
			       fpr);
		printf("    %s\n\nDoes the other screen show %s? [y/N] ", code, code);
		fflush(stdout);
	}
	yes = confirmed();
	if (!json)
		putchar('\n');
	if (yes && store_in_person_set(st, key, (uint64_t)time(NULL)) < 0) {
		cli_error("cannot record the verification in the store");
		goto out;
	}
	if (yes)
		cli_contacts_changed();
	if (json) {
		json_t *o = json_pack("{ssssssss?sb}", "code", code, "key", hex, "fingerprint", fpr,
		                      "name", name, "verified", yes);

		rc = cli_json_print(o) < 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
		goto out;
	}
	if (!yes)
		printf("Not recorded. If the codes differ, someone may be in the middle: exchange "
		       "cards again, face to face.\n");
	else if (name != NULL)
		printf("%s is verified in person.\n", name);
	else
		printf("Recorded: %s is verified in person; it shows once their card is in your "
		       "contacts.\n",
		       fpr);
	rc = CLI_EXIT_OK;
out:
	free(name);
	store_close(st);
	return rc;
}

int
cmd_verify(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTIONS,
		                              CLI_DAEMON_OPTIONS,
		                              { "wait", no_argument, NULL, 'w' },
		                              { "timeout", required_argument, NULL, 't' },
		                              { "json", no_argument, NULL, 'j' },
		                              { NULL, 0, NULL, 0 } };
	bool done = false, wait = false, json = false;
	int64_t secs = CLI_VERIFY_WAIT_S;
	json_t *req, *r;
	int c;

	while ((c = cli_getopt_daemon(cli, argc, argv, "h", opts, help, &done)) != -1) {
		if (c == 'w')
			wait = true;
		else if (c == 't') {
			if (cli_parse_number(optarg, &secs) < 0 || secs < 1 || secs > 600)
				return cli_usage_error(cli,
				                       "--timeout takes 1 to 600 seconds, not %s",
				                       cli_quote(optarg));
		} else if (c == 'j')
			json = true;
		else
			return done ? CLI_EXIT_OK : CLI_EXIT_USAGE;
	}
	if (wait && optind < argc)
		return cli_usage_error(cli, "--wait takes no PEER: the other person names you");
	if (!wait && argc - optind != 1)
		return cli_usage_error(cli, "expected PEER (an id or handle from 'nearby'), or "
		                            "--wait");
	if (wait) {
		req = json_pack("{sssI}", "cmd", "verify-wait", "seconds", (json_int_t)secs);
		if (!json)
			printf("Waiting up to %lld seconds for the other person to verify...\n",
			       (long long)secs);
		fflush(stdout);
		r = cli_daemon_request(req, (int)secs * 1000 + CLI_VERIFY_ASK_MS, false);
	} else {
		req = json_pack("{ssss}", "cmd", "verify", "peer", argv[optind]);
		r = cli_daemon_request(req, CLI_VERIFY_ASK_MS, false);
	}
	if (r == NULL)
		return CLI_EXIT_FAIL;
	c = conclude(cli, r, json);
	json_decref(r);
	return c;
}
