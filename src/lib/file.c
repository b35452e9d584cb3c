/*
 * file.c: bounded reads and atomic, private writes. It trusts the caller's paths but not
 * the files: a file may be huge, a directory, a link, a FIFO, or readable by others. It
 * must never leave a half-written secret under its final name, never widen a mode, and
 * never judge one file and then read another (checks are made on the open descriptor).
 * Output the user names (-o FILE) may sit where others can plant things (/tmp): it is
 * never written through another user's link nor into a FIFO or device, only renamed into
 * place.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "wallflower/crypt.h"
#include "wallflower/file.h"

/* The current errno as a negative error code, never 0, even if a call failed without
 * setting errno. */
static int
neg_errno(void)
{
	int e = errno;

	return e > 0 ? -e : -EIO;
}

/*
 * Reads fd to its end, at most max bytes, into a fresh buffer with a NUL after the data.
 * It reads up to one byte past max, so that a file that grew after it was measured, or a
 * pipe, is caught: -EFBIG. wipe: the bytes are secret, so wipe them on the error paths.
 */
static int
read_bounded(int fd, size_t max, bool wipe, uint8_t **buf, size_t *len)
{
	uint8_t *data;
	size_t got = 0;
	int r = 0;

	if ((data = malloc(max + 2)) == NULL)
		return -ENOMEM;
	for (;;) {
		ssize_t n = read(fd, data + got, max + 1 - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = neg_errno();
			break;
		}
		if (n == 0)
			break;
		got += (size_t)n;
		if (got > max) {
			r = -EFBIG;
			break;
		}
	}
	if (r < 0) {
		if (wipe)
			crypt_wipe(data, got);
		free(data);
		return r;
	}
	data[got] = 0;
	*buf = data;
	*len = got;
	return 0;
}

int
file_read(const char *path, size_t max, uint8_t **buf, size_t *len)
{
	struct stat st;
	int fd, r;

	*buf = NULL;
	*len = 0;
	/* Blocking open, as cat does: a FIFO waits for its writer. */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0)
		return neg_errno();
	if (fstat(fd, &st) < 0)
		r = neg_errno();
	else if (S_ISDIR(st.st_mode))
		r = -EISDIR;
	else if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > max)
		r = -EFBIG;
	else
		r = read_bounded(fd, max, false, buf, len);
	close(fd);
	return r;
}

/* The ssh rule on an open file: a regular file of ours that group and others cannot use. */
static int
check_private(const struct stat *st)
{
	if (!S_ISREG(st->st_mode))
		return -EINVAL;
	if (st->st_uid != geteuid() || (st->st_mode & 077) != 0)
		return -EPERM;
	return 0;
}

int
file_read_private(const char *path, size_t max, uint8_t **buf, size_t *len)
{
	struct stat st;
	int fd, r;

	*buf = NULL;
	*len = 0;
	/* No links followed, and no waiting on a FIFO planted under the name. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return errno == ELOOP ? -EINVAL : neg_errno();
	if (fstat(fd, &st) < 0)
		r = neg_errno();
	else if ((r = check_private(&st)) == 0)
		r = (uint64_t)st.st_size > max ? -EFBIG : read_bounded(fd, max, true, buf, len);
	close(fd);
	return r;
}

static int
write_all(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return neg_errno();
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Writes, sets exactly mode, and syncs. */
static int
fill(int fd, const void *buf, size_t len, mode_t mode)
{
	int r = write_all(fd, buf, len);

	if (r == 0 && fchmod(fd, mode) < 0)
		r = neg_errno();
	if (r == 0 && fsync(fd) < 0)
		r = neg_errno();
	return r;
}

/* The directory part of path ("." when there is none), in a fresh string. */
static char *
parent_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	return strndup(path, (size_t)(slash - path));
}

/*
 * Writes and syncs a temporary sibling of path with exactly mode. Returns its name (the
 * caller frees it), or NULL with *err set.
 */
static char *
write_temp(const char *path, const void *buf, size_t len, mode_t mode, int *err)
{
	char *tmp;
	int fd, r;

	if (asprintf(&tmp, "%s.tmp.XXXXXX", path) < 0) {
		*err = -ENOMEM;
		return NULL;
	}
	/* mkostemp creates 0600, never wider; fill then sets exactly what was asked. */
	if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0) {
		*err = neg_errno();
		free(tmp);
		return NULL;
	}
	r = fill(fd, buf, len, mode);
	if (close(fd) < 0 && r == 0)
		r = neg_errno();
	if (r < 0) {
		unlink(tmp);
		free(tmp);
		*err = r;
		return NULL;
	}
	return tmp;
}

/* Syncs the directory holding path, so that a new name survives a crash. */
static void
sync_parent(const char *path)
{
	char *dir = parent_of(path);
	int fd;

	if (dir == NULL)
		return;
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		(void)fsync(fd);
		close(fd);
	}
	free(dir);
}

/*
 * file_write_new through an unnamed file (O_TMPFILE): if we crash half-way, no file with
 * the secret is left behind under any name. -EOPNOTSUPP when the file system or kernel
 * cannot, so that the caller falls back to a named temporary file.
 */
static int
write_new_unnamed(const char *path, const void *buf, size_t len, mode_t mode)
{
	char *dir = parent_of(path), proc[64];
	int fd, r;

	if (dir == NULL)
		return -ENOMEM;
	fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
	free(dir);
	if (fd < 0)
		return errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL ? -EOPNOTSUPP
		                                                                 : neg_errno();
	r = fill(fd, buf, len, mode);
	/* linkat, like link, fails when the name exists: nothing is replaced. Naming the fd
	 * through /proc needs no privilege, unlike AT_EMPTY_PATH. */
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if (r == 0 && linkat(AT_FDCWD, proc, AT_FDCWD, path, AT_SYMLINK_FOLLOW) < 0)
		r = errno == ENOENT && access("/proc/self/fd", F_OK) < 0 ? -EOPNOTSUPP
		                                                         : neg_errno();
	close(fd);
	return r;
}

int
file_write_new(const char *path, const void *buf, size_t len, mode_t mode)
{
	char *tmp;
	int r;

	r = write_new_unnamed(path, buf, len, mode);
	if (r != -EOPNOTSUPP) {
		if (r == 0)
			sync_parent(path);
		return r;
	}
	if ((tmp = write_temp(path, buf, len, mode, &r)) == NULL)
		return r;
	r = link(tmp, path) < 0 ? neg_errno() : 0;
	unlink(tmp);
	free(tmp);
	if (r == 0)
		sync_parent(path);
	return r;
}

int
file_write_replace(const char *path, const void *buf, size_t len, mode_t mode)
{
	char *tmp;
	int r = 0;

	if ((tmp = write_temp(path, buf, len, mode, &r)) == NULL)
		return r;
	if (rename(tmp, path) < 0) {
		r = neg_errno();
		unlink(tmp);
	}
	free(tmp);
	if (r == 0)
		sync_parent(path);
	return r;
}

/* The name the link open as fd (found at cur) leads to, in a fresh string in *next. */
static int
link_next(int fd, const char *cur, char **next)
{
	char target[PATH_MAX], *dir;
	ssize_t n = readlinkat(fd, "", target, sizeof(target));

	if (n < 0)
		return neg_errno();
	if ((size_t)n >= sizeof(target))
		return -ENAMETOOLONG;
	target[n] = '\0';
	if (target[0] == '/') {
		*next = strdup(target);
	} else if ((dir = parent_of(cur)) != NULL) {
		/* A relative target is relative to the link's directory. */
		*next = file_join(dir, target);
		free(dir);
	}
	return *next == NULL ? -ENOMEM : 0;
}

/*
 * Judges what is under cur without following it or opening it for I/O (an O_PATH
 * descriptor: a FIFO does not block, and a link is judged and read as the same inode).
 * 0 when cur may be replaced (nothing there, or a regular file of ours); 0 with *next set
 * when it is a link of ours; -errno as file_write_output says.
 */
static int
output_step(const char *cur, char **next)
{
	struct stat st;
	int fd, r = 0;

	*next = NULL;
	if ((fd = open(cur, O_PATH | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return errno == ENOENT ? 0 : neg_errno();
	if (fstat(fd, &st) < 0)
		r = neg_errno();
	else if (S_ISLNK(st.st_mode))
		r = st.st_uid != geteuid() ? -ELOOP : link_next(fd, cur, next);
	else if (S_ISDIR(st.st_mode))
		r = -EISDIR;
	else if (!S_ISREG(st.st_mode))
		r = -EINVAL;
	else if (st.st_uid != geteuid())
		r = -EPERM;
	close(fd);
	return r;
}

/*
 * The name file_write_output replaces, in a fresh string: path, or where the links of
 * ours that start at path lead. Links are resolved here one at a time, so that each is
 * judged by its owner (realpath would follow anyone's).
 */
static int
output_target(const char *path, char **out)
{
	char *cur = strdup(path), *next = NULL;
	int links = 0, r = 0;

	*out = NULL;
	while (cur != NULL) {
		if ((r = output_step(cur, &next)) < 0 || next == NULL)
			break;
		free(cur);
		cur = next;
		if (++links > FILE_OUTPUT_LINKS_MAX) {
			r = -EMLINK;
			break;
		}
	}
	if (cur == NULL)
		return -ENOMEM;
	if (r < 0)
		free(cur);
	else
		*out = cur;
	return r;
}

int
file_write_output(const char *path, const void *buf, size_t len, mode_t mode)
{
	char *target;
	int r;

	if ((r = output_target(path, &target)) < 0)
		return r;
	/* A rename replaces whatever is under the name by then and never writes through it. */
	r = file_write_replace(target, buf, len, mode);
	free(target);
	return r;
}

const char *
file_output_strerror(int err)
{
	switch (err) {
	case -EISDIR:
		return "it is a directory";
	case -EINVAL:
		return "not a regular file (a FIFO, device or socket); refusing to write into it";
	case -ELOOP:
		return "a symbolic link owned by another user; refusing to follow it";
	case -EMLINK:
		return "too many symbolic links in a row; refusing to follow them";
	case -EPERM:
		return "the file belongs to another user; refusing to replace it";
	default:
		return strerror(err < 0 ? -err : err);
	}
}

bool
file_same(const char *a, const char *b)
{
	struct stat sa, sb;

	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

int
file_check_private(const char *path, mode_t *mode, uid_t *owner)
{
	struct stat st;

	if (mode != NULL)
		*mode = 0;
	if (owner != NULL)
		*owner = 0;
	if (lstat(path, &st) < 0)
		return neg_errno();
	if (mode != NULL)
		*mode = st.st_mode & 07777;
	if (owner != NULL)
		*owner = st.st_uid;
	return check_private(&st);
}

/* Checks an existing directory: ours, a directory, and not writable by others. */
static int
check_dir(const char *dir)
{
	struct stat st;

	if (stat(dir, &st) < 0)
		return neg_errno();
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	if (st.st_uid != geteuid() || (st.st_mode & 022) != 0)
		return -EPERM;
	return 0;
}

int
file_mkdir_private(const char *dir)
{
	char buf[PATH_MAX];
	size_t len = strlen(dir);

	if (len == 0)
		return -EINVAL;
	if (len >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, dir, len + 1);
	/* "state/" is "state": else the loop below would make it 0755 as a parent. */
	while (len > 1 && buf[len - 1] == '/')
		buf[--len] = '\0';
	/* Parents get the usual 0755 (they are shared, like ~/.local/share); only the last
	 * component is ours alone. */
	for (char *p = buf + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return neg_errno();
		*p = '/';
	}
	if (mkdir(buf, 0700) < 0 && errno != EEXIST)
		return neg_errno();
	return check_dir(buf);
}

/* The PID a lock file names, or 0: at most a few digits and a new line, nothing else. */
static pid_t
lock_holder(int fd)
{
	char buf[16];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	long v = 0;

	if (n <= 0)
		return 0;
	buf[n] = '\0';
	for (ssize_t i = 0; i < n && buf[i] != '\n'; i++) {
		if (buf[i] < '0' || buf[i] > '9' || v > INT_MAX / 10)
			return 0;
		v = v * 10 + (buf[i] - '0');
	}
	return v > 0 && v <= INT_MAX ? (pid_t)v : 0;
}

#define LOCK_PID_TRIES   20      /* reads of a held lock's PID before giving up... */
#define LOCK_PID_WAIT_NS 5000000 /* ...5 ms apart: 100 ms at most */

/* Writes our PID over what the file held (the lock is ours: nobody else writes it). */
static int
lock_note_pid(int fd)
{
	char buf[16];
	int n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());

	if (ftruncate(fd, 0) < 0 || pwrite(fd, buf, (size_t)n, 0) != n)
		return neg_errno();
	return 0;
}

int
file_lock(const char *path, int *fd, pid_t *holder)
{
	struct stat st;
	int r = 0, lfd;

	*fd = -1;
	*holder = 0;
	/* O_NONBLOCK: a FIFO planted under the name is refused below, not waited on. */
	lfd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW | O_NONBLOCK, 0600);
	if (lfd < 0)
		return errno == ELOOP ? -EINVAL : neg_errno();
	if (fstat(lfd, &st) < 0)
		r = neg_errno();
	else if (!S_ISREG(st.st_mode))
		r = -EINVAL;
	else if (st.st_uid != geteuid())
		r = -EPERM;
	else if (flock(lfd, LOCK_EX | LOCK_NB) < 0)
		r = errno == EWOULDBLOCK ? -EWOULDBLOCK : neg_errno();
	else
		r = lock_note_pid(lfd);
	/* The holder writes its PID just after it takes the lock: a loser of a race to start
	 * gives it a moment to, so that it can say which process won. */
	for (int i = 0; r == -EWOULDBLOCK && i < LOCK_PID_TRIES; i++) {
		if ((*holder = lock_holder(lfd)) != 0)
			break;
		nanosleep(&(struct timespec){ 0, LOCK_PID_WAIT_NS }, NULL);
	}
	if (r < 0) {
		close(lfd);
		return r;
	}
	*fd = lfd;
	return 0;
}

char *
file_join(const char *dir, const char *name)
{
	char *p;

	if (asprintf(&p, "%s/%s", dir, name) < 0)
		return NULL;
	return p;
}
