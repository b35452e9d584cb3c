/*
 * file.c: bounded reads and atomic, private writes. It trusts the caller's paths but not
 * the files: a file may be huge, a directory, a link, or readable by others. It must never
 * leave a half-written secret under its final name, nor widen a mode.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wallflower/file.h"

/* The current errno as a negative error code, never 0, even if a call failed without
 * setting errno. */
static int
neg_errno(void)
{
	int e = errno;

	return e > 0 ? -e : -EIO;
}

int
file_read(const char *path, size_t max, uint8_t **buf, size_t *len)
{
	struct stat st;
	uint8_t *data = NULL;
	size_t got = 0;
	int fd, r = 0;

	*buf = NULL;
	*len = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0)
		return neg_errno();
	if (fstat(fd, &st) < 0) {
		r = neg_errno();
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		r = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
		goto out;
	}
	if ((uint64_t)st.st_size > max) {
		r = -EFBIG;
		goto out;
	}
	if ((data = malloc(max + 2)) == NULL) {
		r = -ENOMEM;
		goto out;
	}
	/* Read up to one byte past max, so that a file that grew after fstat is caught. */
	for (;;) {
		ssize_t n = read(fd, data + got, max + 1 - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = neg_errno();
			goto out;
		}
		if (n == 0)
			break;
		got += (size_t)n;
		if (got > max) {
			r = -EFBIG;
			goto out;
		}
	}
	data[got] = 0;
	*buf = data;
	*len = got;
	data = NULL;
out:
	free(data);
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
	/* mkostemp creates 0600, never wider; fchmod then sets exactly what was asked. */
	if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0) {
		*err = neg_errno();
		free(tmp);
		return NULL;
	}
	r = write_all(fd, buf, len);
	if (r == 0 && fchmod(fd, mode) < 0)
		r = neg_errno();
	if (r == 0 && fsync(fd) < 0)
		r = neg_errno();
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
	char *dir = strdup(path);
	char *slash;
	int fd;

	if (dir == NULL)
		return;
	slash = strrchr(dir, '/');
	if (slash == dir)
		slash[1] = '\0';
	else if (slash != NULL)
		*slash = '\0';
	if ((fd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		(void)fsync(fd);
		close(fd);
	}
	free(dir);
}

int
file_write_new(const char *path, const void *buf, size_t len, mode_t mode)
{
	char *tmp;
	int r;

	if ((tmp = write_temp(path, buf, len, mode, &r)) == NULL)
		return r;
	/* link(2), unlike rename(2), fails when the name exists: nothing is replaced. */
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

int
file_check_private(const char *path, mode_t *mode)
{
	struct stat st;

	if (mode != NULL)
		*mode = 0;
	if (lstat(path, &st) < 0)
		return neg_errno();
	if (mode != NULL)
		*mode = st.st_mode & 07777;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	if (st.st_uid != geteuid() || (st.st_mode & 077) != 0)
		return -EPERM;
	return 0;
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

char *
file_join(const char *dir, const char *name)
{
	char *p;

	if (asprintf(&p, "%s/%s", dir, name) < 0)
		return NULL;
	return p;
}
