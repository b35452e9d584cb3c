/*
 * The programs beside the CLI (wallflowerd, wallflower-ui, wallflower-notify): where each
 * is, and how the helpers are started, detached from the command that starts them.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "sibling.h"

char *
cli_program_path(const char *env, const char *name, const char *build_dir)
{
	char *path = NULL;

	/* Not beside us: execvp looks for NAME on PATH. */
	if (sibling_find(env, name, build_dir, &path) == -ENOENT)
		path = strdup(name);
	return path;
}

int
cli_spawn_helper(struct cli *cli, const char *path, bool keep_stderr)
{
	const char *argv[6];
	char self[PATH_MAX];
	int n = 0, devnull;
	ssize_t len;
	pid_t pid;

	if (cli_state_dir(cli) == NULL)
		return -1; /* said already */
	argv[n++] = path;
	argv[n++] = "--state-dir";
	argv[n++] = cli_state_dir(cli);
	if (cli_runtime_dir_opt != NULL) {
		argv[n++] = "--runtime-dir";
		argv[n++] = cli_runtime_dir_opt;
	}
	argv[n] = NULL;
	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		/* A grandchild in a session of its own, init's child as the daemon is: it
		 * outlives this command and has no terminal. */
		if (setsid() < 0 || fork() != 0)
			_exit(0);
		if ((devnull = open("/dev/null", O_RDWR | O_CLOEXEC)) >= 0) {
			dup2(devnull, 0);
			dup2(devnull, 1);
			if (!keep_stderr)
				dup2(devnull, 2);
		}
		/* The helper runs the CLI for what the CLI owns (accept, the map): this one. */
		len = readlink("/proc/self/exe", self, sizeof(self) - 1);
		if (len > 0 && getenv("WALLFLOWER") == NULL) {
			self[len] = '\0';
			setenv("WALLFLOWER", self, 1);
		}
		execvp(path, (char *const *)argv);
		_exit(127);
	}
	waitpid(pid, NULL, 0);
	return 0;
}
