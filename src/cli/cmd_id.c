/* wallflower id: who you are, as others will see it; and a new recognition key. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wallflower/recog.h"

#include "cli.h"
#include "ctlclient.h"

static const char help[] =
        "usage: wallflower id [--json] [--state-dir DIR]\n"
        "       wallflower id rotate-recognition [--state-dir DIR] [--runtime-dir DIR]\n"
        "\n"
        "Prints your fingerprint (what people compare to be sure it is you; see\n"
        "docs/identity.md for how it is derived) and your Ed25519 public key.\n"
        "\n"
        "rotate-recognition makes a new recognition key: everyone you exchanged cards\n"
        "with stops recognising your adverts nearby, until you exchange cards again\n"
        "(docs/privacy.md). A running daemon switches to the new key at once.\n"
        "\n"
        "  --json  one JSON object: fingerprint, key\n";

/* Through the daemon when it runs (it owns the key while it does), else in place. */
static int
rotate_recognition(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTIONS,
		                              CLI_DAEMON_OPTIONS,
		                              { NULL, 0, NULL, 0 } };
	uint8_t key[RECOG_KEY] = { 0 };
	char *path;
	bool done = false;
	json_t *reply;
	int fd, r;

	if (cli_getopt_daemon(cli, argc, argv, "h", opts, help, &done) != -1)
		return done ? CLI_EXIT_OK : CLI_EXIT_USAGE;
	if (optind < argc)
		return cli_usage_error(cli, "unexpected argument %s", cli_quote(argv[optind]));
	path = cli_socket_path();
	fd = path != NULL ? ctlclient_dial(path) : -1;
	free(path);
	if (fd >= 0) {
		close(fd);
		reply = cli_daemon_request(json_pack("{ss}", "cmd", "rotate-recognition"),
		                           CLI_REPLY_WAIT_MS, false);
		if (reply == NULL)
			return CLI_EXIT_FAIL;
		json_decref(reply);
	} else if ((r = recog_key_rotate(cli_state_dir(cli), key)) < 0) {
		cli_error("cannot write a new recognition key in %s: %s", cli_state_dir(cli),
		          strerror(-r));
		return CLI_EXIT_FAIL;
	}
	crypt_wipe(key, sizeof(key));
	printf("New recognition key: your contacts no longer recognise you nearby until you\n"
	       "exchange cards with them again.\n");
	return CLI_EXIT_OK;
}

int
cmd_id(struct cli *cli, int argc, char **argv)
{
	char fpr[IDENTITY_FPR_LEN + 1];
	char key[2 * CRYPT_SIGN_PK + 1];
	struct identity *id;
	bool json;
	int c;

	if (argc > 1 && strcmp(argv[1], "rotate-recognition") == 0)
		return rotate_recognition(cli, argc - 1, argv + 1);
	if ((c = cli_args_json_only(cli, argc, argv, help, &json)) >= 0)
		return c;
	if (cli_load_identity(cli, &id) < 0)
		return CLI_EXIT_FAIL;
	identity_fingerprint(id->sign_pk, fpr);
	crypt_hex(key, id->sign_pk, CRYPT_SIGN_PK);
	identity_free(id);
	if (json)
		return cli_json_print(json_pack("{s:s, s:s}", "fingerprint", fpr, "key", key)) < 0
		               ? CLI_EXIT_FAIL
		               : CLI_EXIT_OK;
	printf("fingerprint  %s\nkey          %s\n", fpr, key);
	return CLI_EXIT_OK;
}
