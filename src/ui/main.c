/*
 * wallflower-ui: the local web page onto the event (docs/ui.md). Starts libmicrohttpd on
 * 127.0.0.1, writes RUNTIME/ui.json (pid, port, token; 0600) so `wallflower ui` can find a
 * running page, prints the URL with the token, and waits for SIGTERM or SIGINT. It holds
 * no state of the user's: every answer comes from wallflowerd or the wallflower CLI.
 * It must never listen beyond loopback, and never write the token anywhere but ui.json
 * (private) and stdout (the user's own terminal or `wallflower ui`).
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wallflower/crypt.h"
#include "wallflower/file.h"
#include "wallflower/paths.h"

#include "sibling.h"
#include "ui.h"

static const char usage[] =
        "usage: wallflower-ui [--runtime-dir DIR] [--state-dir DIR] [--port N] [-d]\n";
static const char help[] =
        "\n"
        "The local web page of wallflower (docs/ui.md), usually started by 'wallflower ui'.\n"
        "Listens on 127.0.0.1 only, prints the page's address with its secret token, and\n"
        "writes it to RUNTIME/ui.json (0600). One copy per runtime directory.\n"
        "\n"
        "  --runtime-dir DIR  where wallflowerd's socket is (default $XDG_RUNTIME_DIR/wallflower)\n"
        "  --state-dir DIR    the state directory the CLI it runs should use\n"
        "  --port N           the port to listen on (default: one the system picks)\n"
        "  -d, --debug        let libmicrohttpd print its errors on stderr\n"
        "  -h, --help         this help\n";

static void
die(const char *what, int err)
{
	fprintf(stderr, "wallflower-ui: %s%s%s\n", what, err ? ": " : "", err ? strerror(err) : "");
	exit(1);
}

/* $WALLFLOWER (`wallflower ui` sets it to itself), else wallflower beside our own binary or
 * in the build tree (sibling_find), else wallflower on PATH; NULL when there is none. */
static char *
cli_find(void)
{
	char *p = NULL;
	int r = sibling_find("WALLFLOWER", "wallflower", "cli", &p);

	if (r != -ENOENT)
		return p;
	/* execv takes no PATH search: find it ourselves. */
	const char *path = getenv("PATH");
	char *copy = strdup(path != NULL ? path : "/usr/bin:/bin"), *save = NULL, *dir;

	for (dir = copy != NULL ? strtok_r(copy, ":", &save) : NULL; dir != NULL;
	     dir = strtok_r(NULL, ":", &save)) {
		p = file_join(dir, "wallflower");
		if (p != NULL && access(p, X_OK) == 0)
			break;
		free(p);
		p = NULL;
	}
	free(copy);
	return p;
}

static void
usage_error(const char *what)
{
	fprintf(stderr, "wallflower-ui: %s\n%s", what, usage);
	exit(2);
}

static unsigned
parse_port(const char *s)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v > 65535 || s[0] == '-')
		usage_error("--port must be a number from 0 to 65535");
	return (unsigned)v;
}

static void
parse_args(struct ui *ui, int argc, char **argv, const char **runtime, const char **state)
{
	static const struct option opts[] = { { "runtime-dir", required_argument, NULL, 'r' },
		                              { "state-dir", required_argument, NULL, 's' },
		                              { "port", required_argument, NULL, 'p' },
		                              { "debug", no_argument, NULL, 'd' },
		                              { "help", no_argument, NULL, 'h' },
		                              { NULL, 0, NULL, 0 } };
	int c;

	while ((c = getopt_long(argc, argv, "dh", opts, NULL)) != -1) {
		if (c == 'r')
			*runtime = optarg;
		else if (c == 's')
			*state = optarg;
		else if (c == 'p')
			ui->port = parse_port(optarg);
		else if (c == 'd')
			ui->debug = true;
		else if (c == 'h') {
			fputs(usage, stdout);
			fputs(help, stdout);
			exit(0);
		} else {
			fputs(usage, stderr);
			exit(2);
		}
	}
	if (optind != argc)
		usage_error("takes no arguments");
}

/* Our children (the CLI) see the same directories we were given. */
static void
dirs_setup(struct ui *ui, const char *runtime, const char *state)
{
	char *tmpl, *lock;
	pid_t holder;
	int r;

	if ((r = paths_runtime_dir(runtime, &ui->runtime_dir)) < 0)
		die(r == -ENOENT ? "no runtime directory: set XDG_RUNTIME_DIR or pass --runtime-dir"
		                 : "out of memory",
		    0);
	if ((r = file_mkdir_private(ui->runtime_dir)) < 0)
		die(ui->runtime_dir, -r);
	/* One copy per runtime directory: a second would replace the first's ui.json, and the
	 * first to exit would remove the other's. */
	if ((lock = file_join(ui->runtime_dir, PATHS_UI_LOCK)) == NULL)
		die("out of memory", 0);
	if ((r = file_lock(lock, &ui->lock_fd, &holder)) == -EWOULDBLOCK) {
		fprintf(stderr,
		        "wallflower-ui: already running (pid %d); 'wallflower ui' prints its "
		        "address\n",
		        (int)holder);
		exit(1);
	} else if (r < 0)
		die(lock, -r);
	free(lock);
	if (setenv(PATHS_RUNTIME_ENV, ui->runtime_dir, 1) < 0 ||
	    (state != NULL && setenv(PATHS_STATE_ENV, state, 1) < 0))
		die("setenv", errno);
	if ((tmpl = file_join(ui->runtime_dir, "ui-XXXXXX")) == NULL || mkdtemp(tmpl) == NULL)
		die("cannot make a private temporary directory", errno);
	ui->tmp_dir = tmpl;
}

static void
tmp_remove(const struct ui *ui)
{
	/* Only our own SVGs can be in it, each removed after serving; a crash may leave some. */
	if (rmdir(ui->tmp_dir) < 0 && errno == ENOTEMPTY)
		fprintf(stderr, "wallflower-ui: %s is not empty; left in place\n", ui->tmp_dir);
}

/* Writes NAME in the runtime directory, 0600 and atomically. Its path; NULL (said). */
static char *
publish(const struct ui *ui, const char *name, const char *text)
{
	char *path = file_join(ui->runtime_dir, name);
	int r = path != NULL ? file_write_replace(path, text, strlen(text), 0600) : -ENOMEM;

	if (r < 0) {
		fprintf(stderr, "wallflower-ui: cannot write %s: %s\n", path ? path : name,
		        strerror(-r));
		free(path);
		return NULL;
	}
	return path;
}

/*
 * ui.html, the page `wallflower ui` hands the browser (it leads to the address with the
 * token, which must not go in a command line), then ui.json, which says we are ready.
 * 0; -1 with nothing left behind.
 */
static int
announce(const struct ui *ui, char **page, char **info)
{
	char *html = NULL, *json = NULL;
	json_t *j = json_pack("{sisiss}", "pid", (json_int_t)getpid(), "port", (json_int_t)ui->port,
	                      "token", ui->token);

	*page = *info = NULL;
	if (asprintf(&html,
	             "<!DOCTYPE html>\n<meta charset=\"utf-8\">\n<title>wallflower</title>\n"
	             "<meta http-equiv=\"refresh\" content=\"0; "
	             "url=http://127.0.0.1:%u/?token=%s\">\n"
	             "<a href=\"http://127.0.0.1:%u/?token=%s\">Open wallflower</a>\n",
	             ui->port, ui->token, ui->port, ui->token) < 0)
		html = NULL;
	json = j != NULL ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	if (html != NULL && json != NULL && (*page = publish(ui, PATHS_UI_OPEN, html)) != NULL &&
	    (*info = publish(ui, PATHS_UI_INFO, json)) == NULL) {
		unlink(*page);
		free(*page);
		*page = NULL;
	}
	if (html != NULL)
		crypt_wipe(html, strlen(html));
	free(html);
	free(json);
	return *info != NULL ? 0 : -1;
}

int
main(int argc, char **argv)
{
	struct ui ui = { 0 };
	const char *runtime = NULL, *state = NULL;
	uint8_t raw[UIGUARD_TOKEN_LEN / 2];
	sigset_t sigs;
	char *info, *page;
	int r, sig = 0;

	parse_args(&ui, argc, argv, &runtime, &state);
	if (crypt_init() < 0)
		die("cannot initialise libsodium", 0);
	if ((ui.cli = cli_find()) == NULL)
		die("cannot find the wallflower program (set WALLFLOWER)", 0);
	dirs_setup(&ui, runtime, state);
	crypt_random(raw, sizeof(raw));
	crypt_hex(ui.token, raw, sizeof(raw));
	crypt_wipe(raw, sizeof(raw));

	/* Blocked before any thread starts, so every thread inherits the mask and sigwait
	 * below is the only place these arrive. SIGPIPE: a page closed mid-answer. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGHUP);
	sigaddset(&sigs, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);

	if ((r = http_start(&ui)) < 0 || announce(&ui, &page, &info) < 0) {
		if (r < 0)
			fprintf(stderr, "wallflower-ui: cannot listen on 127.0.0.1: %s\n",
			        strerror(-r));
		else
			http_stop();
		tmp_remove(&ui);
		return 1;
	}
	printf("http://127.0.0.1:%u/?token=%s\n", ui.port, ui.token);
	fflush(stdout);

	sigdelset(&sigs, SIGPIPE);
	while (sigwait(&sigs, &sig) != 0 || (sig != SIGTERM && sig != SIGINT && sig != SIGHUP))
		;
	unlink(info);
	unlink(page);
	http_stop();
	tmp_remove(&ui);
	crypt_wipe(ui.token, sizeof(ui.token));
	free(info);
	free(page);
	free(ui.tmp_dir);
	free(ui.runtime_dir);
	free(ui.cli);
	return 0;
}
