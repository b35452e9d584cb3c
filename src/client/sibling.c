/*
 * sibling.c: finding the programs installed or built beside the running one. It reads the
 * environment and /proc/self/exe, and tests files for execution; it runs nothing and prints
 * nothing.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sibling.h"

int
sibling_find(const char *env, const char *name, const char *build_dir, char **path)
{
	const char *set = getenv(env);
	char self[PATH_MAX], *slash;
	struct stat st;
	ssize_t n;
	int r;

	*path = NULL;
	if (set != NULL && set[0] != '\0')
		return (*path = strdup(set)) != NULL ? 0 : -ENOMEM;
	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) <= 0)
		return -ENOENT;
	self[n] = '\0';
	if ((slash = strrchr(self, '/')) != NULL)
		*slash = '\0';
	/* Installed side by side, or the build tree's src/X beside src/BUILD_DIR. */
	for (int i = 0; i < 2; i++) {
		r = i == 0 ? asprintf(path, "%s/%s", self, name)
		           : asprintf(path, "%s/../%s/%s", self, build_dir, name);
		if (r < 0) {
			*path = NULL;
			return -ENOMEM;
		}
		if (stat(*path, &st) == 0 && S_ISREG(st.st_mode) && access(*path, X_OK) == 0)
			return 0;
		free(*path);
		*path = NULL;
	}
	return -ENOENT;
}
