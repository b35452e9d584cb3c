/*
 * wallflower ui: the local web page (docs/ui.md). Finds a running wallflower-ui by the
 * ui.json it keeps in the runtime directory (its pid must be alive), or starts one and
 * waits for that file; then prints the page's address with its token and, unless
 * --no-open or there is no display, opens it in the user's browser (xdg-open). The token
 * is a secret of this user's session: the file is private and the URL is printed only to
 * the user who asked.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "wallflower/file.h"
#include "wallflower/paths.h"
#include "wallflower/uiguard.h"

#define UI_INFO_MAX 512
#define UI_WAIT_MS  5000 /* how long a new wallflower-ui may take to listen */

struct ui_where {
	long pid;
	unsigned port;
	char token[UIGUARD_TOKEN_LEN + 1];
};

/* The pid of the wallflower-ui that holds the runtime directory's lock; 0 when none does. */
static pid_t
ui_holder(const char *dir)
{
	char *lock = file_join(dir, PATHS_UI_LOCK);
	pid_t holder = 0;
	int fd = -1, r = lock != NULL ? file_lock(lock, &fd, &holder) : -ENOMEM;

	if (fd >= 0)
		close(fd);
	free(lock);
	return r == -EWOULDBLOCK ? holder : 0;
}

/*
 * The ui.json of the runtime directory, when the server that wrote it still runs: its pid
 * holds the lock (a pid alone may have been reused since a server was killed). 0; -1.
 */
static int
ui_find(const char *dir, struct ui_where *w)
{
	char *path = file_join(dir, PATHS_UI_INFO);
	json_t *j = NULL;
	uint8_t *buf = NULL;
	size_t len = 0;
	const char *tok;
	int r = -1;

	if (path == NULL || file_read_private(path, UI_INFO_MAX, &buf, &len) < 0) {
		free(path);
		return -1;
	}
	if ((j = json_loadb((const char *)buf, len, JSON_REJECT_DUPLICATES, NULL)) != NULL &&
	    json_is_integer(json_object_get(j, "pid")) &&
	    json_is_integer(json_object_get(j, "port")) &&
	    (tok = json_string_value(json_object_get(j, "token"))) != NULL &&
	    uiguard_token_valid(tok)) {
		w->pid = (long)json_integer_value(json_object_get(j, "pid"));
		w->port = (unsigned)json_integer_value(json_object_get(j, "port"));
		memcpy(w->token, tok, sizeof(w->token));
		if (w->pid > 0 && w->port > 0 && w->port < 65536 && ui_holder(dir) == w->pid)
			r = 0;
	}
	json_decref(j);
	free(buf);
	free(path);
	return r;
}

/* Starts wallflower-ui detached; its stderr stays ours, for a server that cannot start. */
static int
ui_spawn(struct cli *cli)
{
	char *path = cli_program_path("WALLFLOWER_UI", "wallflower-ui", "ui");
	int r = path != NULL ? cli_spawn_helper(cli, path, true) : -1;

	free(path);
	return r;
}

void
cli_ui_stop(void)
{
	char *dir = NULL;
	pid_t holder;

	if (paths_runtime_dir(cli_runtime_dir_opt, &dir) == 0 && (holder = ui_holder(dir)) > 0)
		kill(holder, SIGTERM);
	free(dir);
}

/*
 * Opens the page in the user's browser through the file wallflower-ui wrote for it, not
 * the address: a command line is readable by every user of the machine, and the token
 * would stay in the browser's for as long as it runs.
 */
static void
ui_open(const char *dir)
{
	char *page = file_join(dir, PATHS_UI_OPEN);
	pid_t pid;

	if (page == NULL)
		return;
	if ((pid = fork()) == 0) {
		int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);

		if (devnull >= 0) {
			dup2(devnull, 1);
			dup2(devnull, 2);
		}
		execlp("xdg-open", "xdg-open", page, (char *)NULL);
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
	free(page);
}

static const char help[] =
        "usage: wallflower ui [--no-open] [--runtime-dir DIR]\n"
        "\n"
        "Opens wallflower's page in your browser: who is nearby, the cards offered to you\n"
        "(accept, decline or block them there), your contacts, your network and your card\n"
        "as a QR code, live as things happen. It starts the small local web server\n"
        "wallflower-ui when none runs, and prints the page's address, with the secret that\n"
        "lets only you in, for opening it by hand. The server listens on this machine only\n"
        "(127.0.0.1) and fetches nothing from the internet.\n"
        "\n"
        "  --no-open   print the address only\n";

int
cmd_ui(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTIONS,
		                              CLI_DAEMON_OPTIONS,
		                              { "no-open", no_argument, NULL, 'n' },
		                              { NULL, 0, NULL, 0 } };
	bool done = false, open_it = true;
	struct ui_where w;
	char *dir = NULL, url[160];
	int c, r;

	while ((c = cli_getopt_daemon(cli, argc, argv, "h", opts, help, &done)) != -1) {
		if (c != 'n')
			return done ? CLI_EXIT_OK : CLI_EXIT_USAGE;
		open_it = false;
	}
	if (optind != argc)
		return cli_usage_error(cli, "ui takes no arguments");
	if ((r = paths_runtime_dir(cli_runtime_dir_opt, &dir)) < 0) {
		cli_error(r == -ENOENT ? "no runtime directory: set XDG_RUNTIME_DIR or pass "
		                         "--runtime-dir"
		                       : "out of memory");
		return CLI_EXIT_FAIL;
	}
	if (ui_find(dir, &w) < 0) {
		if (cli_state_dir(cli) == NULL || ui_spawn(cli) < 0) {
			cli_error("cannot start wallflower-ui");
			free(dir);
			return CLI_EXIT_FAIL;
		}
		for (int waited = 0; ui_find(dir, &w) < 0; waited += 100) {
			if (waited >= UI_WAIT_MS) {
				cli_error("wallflower-ui did not start (is it installed?)");
				free(dir);
				return CLI_EXIT_FAIL;
			}
			nanosleep(&(struct timespec){ .tv_nsec = 100000000 }, NULL);
		}
	}
	snprintf(url, sizeof(url), "http://127.0.0.1:%u/?token=%s", w.port, w.token);
	printf("%s\n", url);
	if (fflush(stdout) != 0) {
		free(dir);
		return CLI_EXIT_FAIL;
	}
	if (open_it && (getenv("DISPLAY") != NULL || getenv("WAYLAND_DISPLAY") != NULL))
		ui_open(dir);
	free(dir);
	return CLI_EXIT_OK;
}
