/* file: bounded reads, atomic private writes, permission checks. */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
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
	assert_int_equal(file_read(dir, 4, &buf, &len),
	                 -EISDIR); /* A device reads to its end like a pipe: /dev/null is empty. */
	assert_int_equal(file_read("/dev/null", 4, &buf, &len), 0);
	assert_int_equal(len, 0);
	free(buf);
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
	assert_int_equal(file_check_private(path, &mode, NULL), 0);
	assert_int_equal(mode, 0600);
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(file_check_private(path, &mode, NULL), -EPERM);
	assert_int_equal(mode, 0644);
	assert_int_equal(chmod(path, 0602), 0);
	assert_int_equal(file_check_private(path, NULL, NULL), -EPERM);
	assert_int_equal(chmod(path, 0400), 0);
	assert_int_equal(file_check_private(path, NULL, NULL), 0);
	/* A symbolic link is not a private file, whatever it points to. */
	assert_int_equal(symlink(path, link), 0);
	assert_int_equal(file_check_private(link, NULL, NULL), -EINVAL);
	assert_int_equal(file_check_private(dir, NULL, NULL), -EINVAL);
	free(path);
	path = tu_path(dir, "missing");
	assert_int_equal(file_check_private(path, NULL, NULL), -ENOENT);
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

/* The key reader judges the file it opened, not the name: links and FIFOs are refused
 * without following or blocking, modes and owners on the open descriptor. */
static void
test_file_read_private_rules(void **state)
{
	char *dir = tu_tmpdir(), *key = tu_path(dir, "key"), *link = tu_path(dir, "link");
	char *fifo = tu_path(dir, "fifo"), *open_key = tu_path(dir, "open");
	uint8_t *buf;
	size_t len;

	(void)state;
	tu_write(key, "secret", 6, 0600);
	tu_write(open_key, "secret", 6, 0644);
	assert_int_equal(symlink(key, link), 0);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_int_equal(file_read_private(key, 16, &buf, &len), 0);
	assert_int_equal(len, 6);
	free(buf);
	assert_int_equal(file_read_private(link, 16, &buf, &len), -EINVAL);
	assert_null(buf);
	assert_int_equal(file_read_private(fifo, 16, &buf, &len), -EINVAL);
	assert_int_equal(file_read_private(open_key, 16, &buf, &len), -EPERM);
	assert_int_equal(file_read_private(key, 5, &buf, &len), -EFBIG);
	tu_rmtree(dir);
	free(dir);
	free(key);
	free(link);
	free(fifo);
	free(open_key);
}

/* A pipe has no size to check first: it is read to its end within the bound. */
static void
test_file_read_pipe(void **state)
{
	int fds[2];
	char path[64];
	uint8_t *buf;
	size_t len;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], "card", 4), 4);
	close(fds[1]);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fds[0]);
	assert_int_equal(file_read(path, 16, &buf, &len), 0);
	assert_int_equal(len, 4);
	assert_memory_equal(buf, "card", 4);
	free(buf);
	close(fds[0]);
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], "too long", 8), 8);
	close(fds[1]);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fds[0]);
	assert_int_equal(file_read(path, 4, &buf, &len), -EFBIG);
	close(fds[0]);
}

/* Output under a name of another user's: only root can make one here. */
#define OTHER_UID 65534

static void
assert_content(const char *path, const char *want)
{
	size_t len;
	uint8_t *buf = tu_read(path, &len);

	assert_int_equal(len, strlen(want));
	assert_memory_equal(buf, want, len);
	free(buf);
}

static void
assert_link_to(const char *link, const char *target)
{
	char buf[4096];
	ssize_t n = readlink(link, buf, sizeof(buf) - 1);

	assert_true(n > 0);
	buf[n] = '\0';
	assert_string_equal(buf, target);
}

/* A new file gets exactly the mode asked, whatever the umask; a regular file of ours is
 * replaced by a new one (never written in place), whatever its mode was; one of another
 * user's is left alone. */
static void
test_file_write_output_regular(void **state)
{
	char *dir = tu_tmpdir(), *path = tu_path(dir, "out"), *theirs = tu_path(dir, "theirs");
	struct stat st, before;
	mode_t old = umask(0);

	(void)state;
	assert_int_equal(file_write_output(path, "one", 3, 0600), 0);
	umask(old);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_content(path, "one");
	assert_int_equal(chmod(path, 0666), 0);
	assert_int_equal(stat(path, &before), 0);
	assert_int_equal(file_write_output(path, "two!", 4, 0600), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_true(st.st_ino != before.st_ino);
	assert_content(path, "two!");
	assert_int_equal(count_entries(dir), 1); /* no temporary file left */
	if (geteuid() == 0) {                    /* another user's file needs root to make */
		tu_write(theirs, "theirs", 6, 0644);
		assert_int_equal(chown(theirs, OTHER_UID, OTHER_UID), 0);
		assert_int_equal(file_write_output(theirs, "mine", 4, 0600), -EPERM);
		assert_content(theirs, "theirs");
	}
	tu_rmtree(dir);
	free(dir);
	free(path);
	free(theirs);
}

/* A link another user planted under the output name is never followed, even when it
 * points nowhere yet, and it is left as it was. */
static void
test_file_write_output_foreign_link(void **state)
{
	char *dir = tu_tmpdir(), *target = tu_path(dir, "target"), *link = tu_path(dir, "link");
	char *dangling = tu_path(dir, "dangling"), *nowhere = tu_path(dir, "nowhere");
	char *mine = tu_path(dir, "mine");
	struct stat st;

	(void)state;
	if (geteuid() != 0) {
		tu_rmtree(dir);
		skip(); /* a link owned by another user needs root to make */
	}
	tu_write(target, "precious", 8, 0600);
	assert_int_equal(symlink(target, link), 0);
	assert_int_equal(lchown(link, OTHER_UID, OTHER_UID), 0);
	assert_int_equal(file_write_output(link, "evil", 4, 0600), -ELOOP);
	assert_content(target, "precious");
	assert_link_to(link, target);
	assert_int_equal(symlink(nowhere, dangling), 0);
	assert_int_equal(lchown(dangling, OTHER_UID, OTHER_UID), 0);
	assert_int_equal(file_write_output(dangling, "evil", 4, 0600), -ELOOP);
	assert_int_equal(lstat(nowhere, &st), -1);
	assert_link_to(dangling, nowhere);
	/* A link of ours to a link of theirs: the second is judged on its own. */
	assert_int_equal(symlink("link", mine), 0);
	assert_int_equal(file_write_output(mine, "evil", 4, 0600), -ELOOP);
	assert_content(target, "precious");
	assert_string_equal(file_output_strerror(-ELOOP),
	                    "a symbolic link owned by another user; refusing to follow it");
	tu_rmtree(dir);
	free(dir);
	free(target);
	free(link);
	free(dangling);
	free(nowhere);
	free(mine);
}

/* A link of ours is followed (a relative one from its own directory): the target is
 * replaced and the link stays; one to nothing creates its target; a long chain stops. */
static void
test_file_write_output_own_link(void **state)
{
	char *dir = tu_tmpdir(), *target = tu_path(dir, "target"), *link = tu_path(dir, "link");
	char *dangling = tu_path(dir, "dangling"), *born = tu_path(dir, "born"), name[16];
	char *c0 = tu_path(dir, "c0"), *c1 = tu_path(dir, "c1");
	struct stat st;

	(void)state;
	tu_write(target, "old", 3, 0600);
	assert_int_equal(symlink("target", link), 0);
	assert_int_equal(file_write_output(link, "new!", 4, 0644), 0);
	assert_link_to(link, "target");
	assert_content(target, "new!");
	assert_int_equal(stat(target, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	assert_int_equal(symlink(born, dangling), 0);
	assert_int_equal(file_write_output(dangling, "hi", 2, 0600), 0);
	assert_link_to(dangling, born);
	assert_content(born, "hi");
	/* c0 -> c1 -> ... -> c8 -> target: nine links in a row, one too many. */
	for (int i = 0; i <= FILE_OUTPUT_LINKS_MAX; i++) {
		char *p, to[16];

		snprintf(name, sizeof(name), "c%d", i);
		snprintf(to, sizeof(to), "c%d", i + 1);
		p = tu_path(dir, name);
		assert_int_equal(symlink(i == FILE_OUTPUT_LINKS_MAX ? "target" : to, p), 0);
		free(p);
	}
	assert_int_equal(file_write_output(c0, "far", 3, 0600), -EMLINK);
	assert_content(target, "new!");
	assert_int_equal(file_write_output(c1, "far", 3, 0600), 0); /* eight are fine */
	assert_content(target, "far");
	tu_rmtree(dir);
	free(dir);
	free(target);
	free(link);
	free(dangling);
	free(born);
	free(c0);
	free(c1);
}

static void
on_alarm(int sig)
{
	(void)sig;
	fail_msg("blocked on a FIFO");
}

/* Nothing but a regular file is written: a FIFO (which must not block us, even with
 * nobody reading), a device and a directory are refused, directly or through our link. */
static void
test_file_write_output_special(void **state)
{
	char *dir = tu_tmpdir(), *fifo = tu_path(dir, "fifo"), *link = tu_path(dir, "link");
	char *devlink = tu_path(dir, "devnull");
	struct stat st;

	(void)state;
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_int_equal(symlink("fifo", link), 0);
	assert_int_equal(symlink("/dev/null", devlink), 0);
	signal(SIGALRM, on_alarm);
	alarm(5);
	assert_int_equal(file_write_output(fifo, "x", 1, 0600), -EINVAL);
	assert_int_equal(file_write_output(link, "x", 1, 0600), -EINVAL);
	alarm(0);
	signal(SIGALRM, SIG_DFL);
	assert_int_equal(lstat(fifo, &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	assert_int_equal(file_write_output("/dev/null", "x", 1, 0600), -EINVAL);
	assert_int_equal(file_write_output(devlink, "x", 1, 0600), -EINVAL);
	assert_int_equal(stat("/dev/null", &st), 0);
	assert_true(S_ISCHR(st.st_mode));
	assert_int_equal(file_write_output(dir, "x", 1, 0600), -EISDIR);
	assert_int_equal(count_entries(dir), 3); /* fifo, link, devnull: nothing added */
	assert_string_equal(file_output_strerror(-EINVAL),
	                    "not a regular file (a FIFO, device or socket); refusing to write "
	                    "into it");
	tu_rmtree(dir);
	free(dir);
	free(fifo);
	free(link);
	free(devlink);
}

/* One holder at a time: a second open of the lock file is refused at once and told who
 * holds it; closing the first descriptor frees the lock. */
static void
test_file_lock_exclusive(void **state)
{
	char *dir = tu_tmpdir(), *path = tu_path(dir, "wallflowerd.lock"), want[16];
	struct stat st;
	pid_t holder = -1;
	int fd = -1, fd2 = -1, junk;

	(void)state;
	assert_int_equal(file_lock(path, &fd, &holder), 0);
	assert_true(fd >= 0);
	assert_int_equal(holder, 0);
	assert_true((fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	snprintf(want, sizeof(want), "%ld\n", (long)getpid());
	assert_content(path, want);
	assert_int_equal(file_lock(path, &fd2, &holder), -EWOULDBLOCK);
	assert_int_equal(fd2, -1);
	assert_int_equal(holder, getpid());
	/* What the file says is only believed when it is a plain number. */
	assert_true((junk = open(path, O_WRONLY | O_TRUNC)) >= 0);
	assert_int_equal(write(junk, "12;rm\n", 6), 6);
	close(junk);
	assert_int_equal(file_lock(path, &fd2, &holder), -EWOULDBLOCK);
	assert_int_equal(holder, 0);
	close(fd);
	assert_int_equal(file_lock(path, &fd2, &holder), 0);
	assert_content(path, want);
	close(fd2);
	tu_rmtree(dir);
	free(dir);
	free(path);
}

/* The lock file is never a link or a FIFO (which must not block the daemon). */
static void
test_file_lock_not_regular(void **state)
{
	char *dir = tu_tmpdir(), *fifo = tu_path(dir, "fifo"), *link = tu_path(dir, "link");
	char *target = tu_path(dir, "target");
	pid_t holder;
	int fd;

	(void)state;
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_int_equal(symlink(target, link), 0);
	signal(SIGALRM, on_alarm);
	alarm(5);
	assert_int_equal(file_lock(fifo, &fd, &holder), -EINVAL);
	alarm(0);
	signal(SIGALRM, SIG_DFL);
	assert_int_equal(fd, -1);
	assert_int_equal(file_lock(link, &fd, &holder), -EINVAL);
	assert_int_equal(access(target, F_OK), -1); /* nothing made through the link */
	tu_rmtree(dir);
	free(dir);
	free(fifo);
	free(link);
	free(target);
}

static void
test_file_mkdir_private_trailing_slash(void **state)
{
	char *dir = tu_tmpdir(), *deep = tu_path(dir, "state//");
	struct stat st;

	(void)state;
	assert_int_equal(file_mkdir_private(deep), 0);
	assert_int_equal(stat(deep, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	tu_rmtree(dir);
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
		cmocka_unit_test(test_file_read_private_rules),
		cmocka_unit_test(test_file_read_pipe),
		cmocka_unit_test(test_file_write_output_regular),
		cmocka_unit_test(test_file_write_output_foreign_link),
		cmocka_unit_test(test_file_write_output_own_link),
		cmocka_unit_test(test_file_write_output_special),
		cmocka_unit_test(test_file_lock_exclusive),
		cmocka_unit_test(test_file_lock_not_regular),
		cmocka_unit_test(test_file_mkdir_private_trailing_slash),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
