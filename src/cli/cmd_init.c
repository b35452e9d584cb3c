/* wallflower init: the first step, and the only command that creates a store. Creates the
 * identity and the store, never replacing an identity that exists; with an identity but
 * no store (removed or moved by hand), it makes the missing store and keeps the identity. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "wallflower/file.h"
#include "wallflower/recog.h"

static const char help[] =
        "usage: wallflower init [--name NAME] [--state-dir DIR]\n"
        "\n"
        "Creates your identity: an Ed25519 key that signs your cards, in identity.key\n"
        "(mode 0600) in the state directory (0700), beside the store; and your recognition\n"
        "key (recognition.key), which lets the people you exchange cards with recognise\n"
        "you nearby (docs/privacy.md). An existing identity is never overwritten.\n"
        "\n"
        "init is the only command that creates the store (wallflower.db); the others\n"
        "refuse a state directory without one. With an identity but no store, init\n"
        "makes the store and keeps the identity.\n"
        "\n"
        "  --name NAME  the name on your default card (same as 'profile set name NAME')\n";

/* Sets the default persona's name, if asked, once the identity exists. */
static int
set_name(struct cli *cli, const char *name)
{
	struct store *st;
	struct card_error err;
	char why[128];
	int r;

	if (cli_create_store(cli, &st) < 0)
		return -1;
	r = store_profile_set(st, STORE_PERSONA_DEFAULT, CARD_NAME, name, &err);
	if (r == -EINVAL)
		cli_error("name not set: %s", card_error_describe(&err, why, sizeof(why)));
	else if (r < 0)
		cli_error("name not set: %s", strerror(-r));
	store_close(st);
	return r < 0 ? -1 : 0;
}

/* Whether the state directory holds a store (or something by its name: open checks it). */
static bool
store_exists(const char *dir)
{
	char *path = file_join(dir, STORE_FILE);
	struct stat sb;
	bool found = path == NULL || lstat(path, &sb) == 0 || errno != ENOENT;

	free(path);
	return found;
}

/* An identity without a store: the store is made, the identity kept as it is. */
static int
store_only(struct cli *cli, const char *dir, const char *name)
{
	struct store *st;

	if (name != NULL ? set_name(cli, name) < 0 : cli_create_store(cli, &st) < 0)
		return CLI_EXIT_FAIL;
	if (name == NULL)
		store_close(st);
	printf("Kept your identity in %s; created a new, empty store beside it\n",
	       cli_printable(dir));
	return CLI_EXIT_OK;
}

int
cmd_init(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTIONS,
		                              { "name", required_argument, NULL, 'n' },
		                              { NULL, 0, NULL, 0 } };
	struct identity *id = NULL;
	struct card_error err;
	const char *name = NULL, *dir;
	char fpr[IDENTITY_FPR_LEN + 1], why[128];
	uint8_t rk[RECOG_KEY];
	bool done;
	int c, r;

	while ((c = cli_getopt(cli, argc, argv, "hn:", opts, help, &done)) != -1) {
		if (c == 'n')
			name = optarg;
		else
			return CLI_EXIT_USAGE;
	}
	if (done)
		return CLI_EXIT_OK;
	if (optind < argc)
		return cli_usage_error(cli, "unexpected argument %s", cli_quote(argv[optind]));
	/* Check the name before anything is created, so a typo leaves no half-made state. */
	if (name != NULL && card_text_check(CARD_NAME, name, strlen(name), &err) < 0) {
		cli_error("invalid name: %s", card_error_describe(&err, why, sizeof(why)));
		return CLI_EXIT_USAGE;
	}
	if ((dir = cli_state_dir(cli)) == NULL)
		return CLI_EXIT_FAIL;
	if ((r = file_mkdir_private(dir)) < 0) {
		cli_error("cannot use state directory %s: %s", dir,
		          r == -EPERM ? "it is not yours, or others can write to it"
		                      : strerror(-r));
		return CLI_EXIT_FAIL;
	}
	r = identity_create(dir, &id);
	if (r == -EEXIST && !store_exists(dir))
		return store_only(cli, dir, name);
	if (r == -EEXIST) {
		cli_error("an identity already exists in %s; refusing to overwrite it", dir);
		return CLI_EXIT_FAIL;
	}
	if (r < 0) {
		cli_error("cannot create identity in %s: %s", dir, strerror(-r));
		return CLI_EXIT_FAIL;
	}
	identity_fingerprint(id->sign_pk, fpr);
	identity_free(id);
	/* A key left from an identity before (its file was removed by hand) is kept. */
	if ((r = recog_key_create(dir, rk)) < 0 && r != -EEXIST) {
		cli_error("cannot create a recognition key in %s: %s", dir, strerror(-r));
		return CLI_EXIT_FAIL;
	}
	crypt_wipe(rk, sizeof(rk));
	if (name != NULL ? set_name(cli, name) < 0 : 0)
		return CLI_EXIT_FAIL;
	if (name == NULL) {
		struct store *st;

		/* Create the store now, so that its mode and schema are settled from the start. */
		if (cli_create_store(cli, &st) < 0)
			return CLI_EXIT_FAIL;
		store_close(st);
	}
	printf("Created your identity in %s\n"
	       "fingerprint: %s\n"
	       "\n"
	       "Next: say what your card shows, e.g.\n"
	       "  wallflower profile set name \"Your Name\"\n"
	       "  wallflower profile add topics \"intranets\"\n",
	       dir, fpr);
	return CLI_EXIT_OK;
}
