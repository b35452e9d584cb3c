/*
 * sibling: the order in which a program of wallflower finds another: the environment
 * variable, then beside the running program (here, the unit tests' directory of the build
 * tree), then the build tree's directory for that program, then nothing.
 */
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sibling.h"
#include "testutil.h"

#define ENV "WF_TEST_SIBLING"

/* The directory of this test's binary, as sibling_find sees it (the caller frees). */
static char *
self_dir(void)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *dir;

	assert_true(n > 0);
	self[n] = '\0';
	assert_non_null(dir = strdup(dirname(self)));
	return dir;
}

static void
test_sibling_find_env(void **state)
{
	char *path = (char *)1;

	(void)state;
	/* Taken as it is, even when nothing is there. */
	setenv(ENV, "/nowhere/wallflowerd", 1);
	assert_int_equal(sibling_find(ENV, "test_sibling", "unit", &path), 0);
	assert_string_equal(path, "/nowhere/wallflowerd");
	free(path);
	unsetenv(ENV);
}

static void
test_sibling_find_beside(void **state)
{
	char *dir = self_dir(), *want = tu_path(dir, "test_sibling"), *path = NULL;

	(void)state;
	/* Empty counts as unset. */
	setenv(ENV, "", 1);
	assert_int_equal(sibling_find(ENV, "test_sibling", "nowhere", &path), 0);
	assert_string_equal(path, want);
	free(path);
	unsetenv(ENV);
	free(want);
	free(dir);
}

/* A build directory anywhere: many "../" climb from the test's directory to the root. */
static char *
build_dir_of(const char *dir)
{
	char *rel = NULL;
	char up[3 * 64 + 1] = "";

	for (int i = 0; i < 64; i++)
		memcpy(up + 3 * i, "../", 4);
	assert_true(asprintf(&rel, "%s%s", up, dir + 1) > 0);
	return rel;
}

static void
test_sibling_find_build_tree(void **state)
{
	char *tmp = tu_tmpdir(), *rel = build_dir_of(tmp), *self = self_dir();
	char *file = tu_path(tmp, "wf-test-prog"), *want = NULL, *path = NULL;

	(void)state;
	unsetenv(ENV);
	assert_true(asprintf(&want, "%s/../%s/wf-test-prog", self, rel) > 0);
	/* A directory of that name (searchable, so "executable" to access()): no program. */
	assert_int_equal(mkdir(file, 0755), 0);
	assert_int_equal(sibling_find(ENV, "wf-test-prog", rel, &path), -ENOENT);
	assert_null(path);
	assert_int_equal(rmdir(file), 0);
	/* Not executable: no program. */
	tu_write(file, "#!/bin/sh\n", 10, 0644);
	assert_int_equal(sibling_find(ENV, "wf-test-prog", rel, &path), -ENOENT);
	assert_null(path);
	assert_int_equal(chmod(file, 0755), 0);
	assert_int_equal(sibling_find(ENV, "wf-test-prog", rel, &path), 0);
	assert_string_equal(path, want);
	free(path);
	free(want);
	free(file);
	free(self);
	free(rel);
	tu_rmtree(tmp);
	free(tmp);
}

static void
test_sibling_find_none(void **state)
{
	char *path = (char *)1;

	(void)state;
	unsetenv(ENV);
	assert_int_equal(sibling_find(ENV, "no-such-program", "unit", &path), -ENOENT);
	assert_null(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sibling_find_env),
		cmocka_unit_test(test_sibling_find_beside),
		cmocka_unit_test(test_sibling_find_build_tree),
		cmocka_unit_test(test_sibling_find_none),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
