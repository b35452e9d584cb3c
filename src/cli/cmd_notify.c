/*
 * cmd_notify.c: desktop notifications from the CLI's side (docs/ui.md): the persistent
 * setting (`wallflower notify on|off|status`, a file `notify` in the state directory) and
 * starting wallflower-notify, detached, when `start` is given --notify or the setting is on.
 * wallflower-notify itself keeps to one copy per runtime directory (its lock), so starting
 * it at every `start` is harmless.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wallflower/file.h"

#include "cli.h"

#define NOTIFY_SETTING "notify" /* in the state directory; present means on */

static char *
setting_path(struct cli *cli)
{
	const char *dir = cli_state_dir(cli);

	return dir != NULL ? file_join(dir, NOTIFY_SETTING) : NULL;
}

bool
cli_notify_setting(struct cli *cli)
{
	char *path = setting_path(cli);
	bool on = path != NULL && access(path, F_OK) == 0;

	free(path);
	return on;
}

int
cli_notify_spawn(struct cli *cli)
{
	char *path = cli_program_path("WALLFLOWER_NOTIFY", "wallflower-notify", "notify");
	int r = path != NULL ? cli_spawn_helper(cli, path, false) : -1;

	free(path);
	return r;
}

static const char notify_help[] =
        "usage: wallflower notify on|off|status\n"
        "\n"
        "Desktop notifications when an offer arrives and when a card comes back (only cards\n"
        "that come back while your status is quiet). With 'on', every 'wallflower start'\n"
        "also starts wallflower-notify; 'wallflower start --notify' does it once.\n";

int
cmd_notify(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTIONS, { NULL, 0, NULL, 0 } };
	bool done = false;
	const char *verb;
	char *path = NULL;
	int r = CLI_EXIT_FAIL;

	if (cli_getopt(cli, argc, argv, "h", opts, notify_help, &done) != -1)
		return CLI_EXIT_USAGE;
	if (done)
		return CLI_EXIT_OK;
	if (argc - optind != 1)
		return cli_usage_error(cli, "expected on, off or status");
	verb = argv[optind];
	if (strcmp(verb, "on") != 0 && strcmp(verb, "off") != 0 && strcmp(verb, "status") != 0)
		return cli_usage_error(cli, "%s: it is on, off or status", cli_quote(verb));
	if ((path = setting_path(cli)) == NULL)
		return CLI_EXIT_FAIL;
	if (strcmp(verb, "status") == 0) {
		printf("%s\n", access(path, F_OK) == 0 ? "on" : "off");
		r = CLI_EXIT_OK;
	} else if (strcmp(verb, "on") == 0) {
		if (file_write_replace(path, "on\n", 3, 0600) < 0)
			cli_error("cannot write %s", path);
		else
			r = CLI_EXIT_OK;
	} else if (unlink(path) < 0 && errno != ENOENT)
		cli_error("cannot remove %s: %s", path, strerror(errno));
	else
		r = CLI_EXIT_OK;
	free(path);
	return r;
}
