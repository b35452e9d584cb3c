/* paths: the order in which the state and runtime directories are chosen. */
#include <string.h>

#include "testutil.h"
#include "wallflower/paths.h"

static void
expect_from(int (*fn)(const char *, char **), const char *override, const char *want)
{
	char *got = NULL;
	int r = fn(override, &got);

	if (want == NULL) {
		assert_int_equal(r, -ENOENT);
		assert_null(got);
		return;
	}
	assert_int_equal(r, 0);
	assert_string_equal(got, want);
	free(got);
}

static void
expect(const char *override, const char *want)
{
	expect_from(paths_state_dir, override, want);
}

static void
test_paths_state_dir_order(void **state)
{
	(void)state;
	setenv("HOME", "/home/ada", 1);
	unsetenv("XDG_DATA_HOME");
	unsetenv(PATHS_STATE_ENV);
	expect(NULL, "/home/ada/.local/share/wallflower");
	setenv("XDG_DATA_HOME", "relative/path", 1); /* ignored: the XDG spec says so */
	expect(NULL, "/home/ada/.local/share/wallflower");
	setenv("XDG_DATA_HOME", "/data", 1);
	expect(NULL, "/data/wallflower");
	setenv(PATHS_STATE_ENV, "/env/state", 1);
	expect(NULL, "/env/state");
	expect("/opt/state", "/opt/state");
	expect("", "/env/state"); /* an empty option counts as not given */
	setenv(PATHS_STATE_ENV, "", 1);
	expect(NULL, "/data/wallflower");
	unsetenv("XDG_DATA_HOME");
	unsetenv("HOME");
	expect(NULL, NULL);
	expect("rel", "rel");
}

static void
test_paths_runtime_dir_order(void **state)
{
	(void)state;
	unsetenv(PATHS_RUNTIME_ENV);
	unsetenv("XDG_RUNTIME_DIR");
	expect_from(paths_runtime_dir, NULL, NULL); /* no /tmp guess: the user must say */
	setenv("XDG_RUNTIME_DIR", "run/user", 1);   /* relative: ignored, as for XDG_DATA_HOME */
	expect_from(paths_runtime_dir, NULL, NULL);
	setenv("XDG_RUNTIME_DIR", "/run/user/1000", 1);
	expect_from(paths_runtime_dir, NULL, "/run/user/1000/wallflower");
	setenv(PATHS_RUNTIME_ENV, "/env/run", 1);
	expect_from(paths_runtime_dir, NULL, "/env/run");
	expect_from(paths_runtime_dir, "/opt/run", "/opt/run");
	expect_from(paths_runtime_dir, "", "/env/run");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paths_state_dir_order),
		cmocka_unit_test(test_paths_runtime_dir_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
