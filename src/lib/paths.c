/*
 * paths.c resolves directories from options and the environment. It trusts the
 * environment as the user's own word, except that a relative XDG_DATA_HOME is ignored
 * (the XDG base directory spec says so). It creates nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wallflower/paths.h"

static const char *
nonempty(const char *s)
{
	return s != NULL && *s != '\0' ? s : NULL;
}

/* *out = a followed by suffix. */
static int
dup_out(char **out, const char *a, const char *suffix)
{
	if (asprintf(out, "%s%s", a, suffix) < 0) {
		*out = NULL;
		return -ENOMEM;
	}
	return 0;
}

int
paths_state_dir(const char *override, char **out)
{
	const char *v;

	*out = NULL;
	if ((v = nonempty(override)) != NULL || (v = nonempty(getenv(PATHS_STATE_ENV))) != NULL)
		return dup_out(out, v, "");
	if ((v = nonempty(getenv("XDG_DATA_HOME"))) != NULL && v[0] == '/')
		return dup_out(out, v, "/wallflower");
	if ((v = nonempty(getenv("HOME"))) != NULL)
		return dup_out(out, v, "/.local/share/wallflower");
	return -ENOENT;
}

int
paths_runtime_dir(const char *override, char **out)
{
	const char *v;

	*out = NULL;
	if ((v = nonempty(override)) != NULL || (v = nonempty(getenv(PATHS_RUNTIME_ENV))) != NULL)
		return dup_out(out, v, "");
	if ((v = nonempty(getenv("XDG_RUNTIME_DIR"))) != NULL && v[0] == '/')
		return dup_out(out, v, "/wallflower");
	return -ENOENT;
}
