/*
 * client.c: the CLI's side of the control protocol (proto/control.md): finding the socket,
 * and one request with its reply, in the CLI's words. The socket itself (framing, bounds,
 * timeouts) is ctlclient's, shared with wallflower-ui and wallflower-notify; replies come
 * from our own daemon but are still decoded strictly and bounded there (ctl.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "wallflower/ctl.h"
#include "wallflower/paths.h"

#include "cli.h"
#include "ctlclient.h"

const char *cli_runtime_dir_opt;

/* ---- talking to the daemon ---- */

/* The socket's path; quiet: say nothing when there is no runtime directory (where no
 * daemon can run either). */
static char *
socket_path(bool quiet)
{
	char *dir = NULL, *path = NULL;
	int r = paths_runtime_dir(cli_runtime_dir_opt, &dir);

	if (r == -ENOENT) {
		if (!quiet)
			cli_error(
			        "no runtime directory: set XDG_RUNTIME_DIR or pass --runtime-dir");
	} else if (r < 0 || asprintf(&path, "%s/%s", dir, PATHS_CTL_SOCKET) < 0)
		cli_error("out of memory");
	free(dir);
	return path;
}

char *
cli_socket_path(void)
{
	return socket_path(false);
}

char *
cli_socket_path_quietly(void)
{
	return socket_path(true);
}

int
cli_connect_daemon(void)
{
	char *path = cli_socket_path();
	int fd;

	if (path == NULL)
		return -1;
	if ((fd = ctlclient_dial(path)) == -ETIMEDOUT)
		cli_error("wallflowerd does not accept connections (it may be stuck)");
	else if (fd < 0)
		cli_error("wallflowerd is not running (start it with 'wallflower start')");
	free(path);
	return fd;
}

/* The next message from the daemon, or NULL after saying why. */
json_t *
cli_read_msg(int fd, int timeout_ms)
{
	json_t *msg = NULL;
	int r = ctlclient_recv(fd, timeout_ms, &msg);

	if (r == -ETIMEDOUT)
		cli_error("wallflowerd did not answer in time");
	else if (r == -ENOMEM)
		cli_error("out of memory");
	else if (r == -EPROTO || r == -EBADMSG)
		cli_error("wallflowerd sent a broken reply");
	else if (r < 0)
		cli_error("lost the connection to wallflowerd");
	return msg;
}

json_t *
cli_daemon_request(json_t *req, int timeout_ms, bool quiet)
{
	char *path = socket_path(quiet);
	int fd = path != NULL ? ctlclient_dial(path) : -1;
	json_t *reply = NULL;
	const char *msg = NULL;

	free(path);
	if (fd == -ETIMEDOUT && !quiet)
		cli_error("wallflowerd does not accept connections (it may be stuck)");
	else if (fd < 0 && !quiet && path != NULL)
		cli_error("wallflowerd is not running (start it with 'wallflower start')");
	if (fd >= 0 && req != NULL) {
		if (ctlclient_send(fd, req) < 0)
			cli_error("cannot talk to wallflowerd");
		else
			reply = cli_read_msg(fd, timeout_ms);
	}
	json_decref(req);
	if (fd >= 0)
		close(fd);
	if (reply != NULL && !json_is_true(json_object_get(reply, "ok"))) {
		if (ctl_get_str(reply, "msg", CTL_STRING_MAX, &msg) < 0)
			msg = "the daemon refused";
		cli_error("%s", cli_printable(msg));
		json_decref(reply);
		reply = NULL;
	}
	return reply;
}

void
cli_contacts_changed(void)
{
	char *path = socket_path(true);
	json_t *req = json_pack("{ss}", "cmd", "contacts-changed"), *reply = NULL;
	int fd;

	/* A courtesy: the change is made whatever happens here, so nothing is said, and a
	 * daemon that does not answer at once is not waited for. What was said of the change
	 * goes out first, even into a pipe. */
	fflush(stdout);
	fd = path != NULL ? ctlclient_dial(path) : -1;
	if (fd >= 0 && req != NULL && ctlclient_send(fd, req) == 0 &&
	    ctlclient_recv(fd, CLI_COURTESY_WAIT_MS, &reply) == 0)
		json_decref(reply);
	json_decref(req);
	if (fd >= 0)
		close(fd);
	free(path);
}

/* ---- option parsing shared by these verbs ---- */

int
cli_getopt_daemon(struct cli *cli, int argc, char **argv, const char *shortopts,
                  const struct option *longopts, const char *help, bool *done)
{
	int c;

	while ((c = cli_getopt(cli, argc, argv, shortopts, longopts, help, done)) ==
	       CLI_OPT_RUNTIME_DIR)
		cli_runtime_dir_opt = optarg;
	/* After --help, 0: every caller's "not mine" branch returns, so nothing runs. */
	return c == -1 && *done ? 0 : c;
}
