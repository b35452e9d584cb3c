/* paths: the order in which the state directory is chosen. */
#include <string.h>

#include "testutil.h"
#include "wallflower/paths.h"

static void
expect(const char *override, const char *want)
{
	char *got = NULL;
	int r = paths_state_dir(override, &got);

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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paths_state_dir_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
