/* wallflower id: who you are, as others will see it. */
#include <stdio.h>

#include "cli.h"

static const char help[] = "usage: wallflower id [--json] [--state-dir DIR]\n"
                           "\n"
                           "Prints your fingerprint (what people compare to be sure it is you;\n"
                           "see docs/identity.md for how it is derived), your Ed25519 public key,\n"
                           "and the X25519 key your sessions use, all public.\n"
                           "\n"
                           "  --json  one JSON object: fingerprint, key, noise_key\n";

int
cmd_id(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTIONS,
		                              { "json", no_argument, NULL, 'j' },
		                              { NULL, 0, NULL, 0 } };
	char fpr[IDENTITY_FPR_LEN + 1];
	char key[2 * CRYPT_SIGN_PK + 1], noise[2 * CRYPT_DH_KEY + 1];
	struct identity *id;
	bool json = false, done;
	int c;

	while ((c = cli_getopt(cli, argc, argv, "hj", opts, help, &done)) != -1) {
		if (c == 'j')
			json = true;
		else
			return CLI_EXIT_USAGE;
	}
	if (done)
		return CLI_EXIT_OK;
	if (optind < argc)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
	if (cli_load_identity(cli, &id) < 0)
		return CLI_EXIT_FAIL;
	identity_fingerprint(id->sign_pk, fpr);
	crypt_hex(key, id->sign_pk, CRYPT_SIGN_PK);
	crypt_hex(noise, id->dh_pk, CRYPT_DH_KEY);
	identity_free(id);
	if (json)
		return cli_json_print(json_pack("{s:s, s:s, s:s}", "fingerprint", fpr, "key", key,
		                                "noise_key", noise)) < 0
		               ? CLI_EXIT_FAIL
		               : CLI_EXIT_OK;
	printf("fingerprint  %s\nkey          %s\nnoise key    %s\n", fpr, key, noise);
	return CLI_EXIT_OK;
}
