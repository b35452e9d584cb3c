/* file: bounded reads, atomic private writes, permission checks. */
#include <dirent.h>
#include <sys/stat.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "wallflower/file.h"

static size_t
count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static void
test_file_read_bounds(void **state)
{
	char *dir = tu_tmpdir(), *path = tu_path(dir, "f");
	uint8_t *buf;
	size_t len;

	(void)state;
	tu_write(path, "12345", 5, 0600);
	assert_int_equal(file_read(path, 5, &buf, &len), 0);
	assert_int_equal(len, 5);
	assert_memory_equal(buf, "12345", 5);
	assert_int_equal(buf[5], 0);
	free(buf);
	assert_int_equal(file_read(path, 4, &buf, &len), -EFBIG);
	assert_null(buf);
	assert_int_equal(file_read(dir, 4, &buf, &len), -EISDIR);
	assert_int_equal(file_read("/dev/null", 4, &buf, &len), -EINVAL);
	free(path);
	path = tu_path(dir, "missing");
	assert_int_equal(file_read(path, 4, &buf, &len), -ENOENT);
	tu_rmtree(dir);
	free(path);
	free(dir);
}

static void
test_file_write_new_never_replaces(void **state)
{
	char *dir = tu_tmpdir(), *path = tu_path(dir, "secret");
	struct stat st;
	uint8_t *buf;
	size_t len;

	(void)state;
	assert_int_equal(file_write_new(path, "first", 5, 0600), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(file_write_new(path, "second", 6, 0600), -EEXIST);
	buf = tu_read(path, &len);
	assert_int_equal(len, 5);
	assert_memory_equal(buf, "first", 5);
	free(buf);
	/* No temporary file is left behind either way. */
	assert_int_equal(count_entries(dir), 1);
	tu_rmtree(dir);
	free(path);
	free(dir);
}

static void
test_file_write_replace_atomic(void **state)
{
	char *dir = tu_tmpdir(), *path = tu_path(dir, "card");
	struct stat st;
	uint8_t *buf;
	size_t len;

	(void)state;
	assert_int_equal(file_write_replace(path, "one", 3, 0644), 0);
	assert_int_equal(file_write_replace(path, "two!", 4, 0644), 0);
	buf = tu_read(path, &len);
	assert_int_equal(len, 4);
	assert_memory_equal(buf, "two!", 4);
	free(buf);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	assert_int_equal(count_entries(dir), 1);
	free(path);
	path = tu_path(dir, "no/such/dir");
	assert_int_equal(file_write_replace(path, "x", 1, 0644), -ENOENT);
	tu_rmtree(dir);
	free(path);
	free(dir);
}

static void
test_file_check_private_modes(void **state)
{
	char *dir = tu_tmpdir(), *path = tu_path(dir, "k"), *link = tu_path(dir, "l");
	mode_t mode;

	(void)state;
	tu_write(path, "k", 1, 0600);
	assert_int_equal(file_check_private(path, &mode), 0);
	assert_int_equal(mode, 0600);
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(file_check_private(path, &mode), -EPERM);
	assert_int_equal(mode, 0644);
	assert_int_equal(chmod(path, 0602), 0);
	assert_int_equal(file_check_private(path, NULL), -EPERM);
	assert_int_equal(chmod(path, 0400), 0);
	assert_int_equal(file_check_private(path, NULL), 0);
	/* A symbolic link is not a private file, whatever it points to. */
	assert_int_equal(symlink(path, link), 0);
	assert_int_equal(file_check_private(link, NULL), -EINVAL);
	assert_int_equal(file_check_private(dir, NULL), -EINVAL);
	free(path);
	path = tu_path(dir, "missing");
	assert_int_equal(file_check_private(path, NULL), -ENOENT);
	tu_rmtree(dir);
	free(path);
	free(link);
	free(dir);
}

static void
test_file_mkdir_private_modes(void **state)
{
	char *dir = tu_tmpdir(), *deep = tu_path(dir, "a/b/wallflower"), *file;
	struct stat st;

	(void)state;
	assert_int_equal(file_mkdir_private(deep), 0);
	assert_int_equal(stat(deep, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_int_equal(file_mkdir_private(deep), 0); /* idempotent */
	assert_int_equal(chmod(deep, 0770), 0);
	assert_int_equal(file_mkdir_private(deep), -EPERM);
	assert_int_equal(chmod(deep, 0755), 0); /* readable is the user's choice */
	assert_int_equal(file_mkdir_private(deep), 0);
	file = tu_path(dir, "plain");
	tu_write(file, "", 0, 0600);
	assert_int_equal(file_mkdir_private(file), -ENOTDIR);
	assert_int_equal(file_mkdir_private(""), -EINVAL);
	tu_rmtree(dir);
	free(file);
	free(deep);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file_read_bounds),
		cmocka_unit_test(test_file_write_new_never_replaces),
		cmocka_unit_test(test_file_write_replace_atomic),
		cmocka_unit_test(test_file_check_private_modes),
		cmocka_unit_test(test_file_mkdir_private_modes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
