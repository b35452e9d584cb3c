/*
 * file: the few file operations that hold secrets or user data: bounded reads, atomic
 * private writes, and the ssh-style permission checks that refuse files others can read.
 */
#ifndef WALLFLOWER_FILE_H
#define WALLFLOWER_FILE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define FILE_WUR __attribute__((warn_unused_result))

/*
 * Reads a whole regular file of at most max bytes into *buf (owned by the caller, with a
 * NUL after the data for convenience). 0; -EFBIG when it is larger than max; -EISDIR or
 * -EINVAL for something that is not a regular file; other -errno from open/read.
 */
int file_read(const char *path, size_t max, uint8_t **buf, size_t *len) FILE_WUR;

/*
 * Creates path with exactly mode and contents, never replacing anything: the data is
 * written and synced to a temporary file in the same directory, then linked into place.
 * 0; -EEXIST when path exists; other -errno.
 */
int file_write_new(const char *path, const void *buf, size_t len, mode_t mode) FILE_WUR;

/* Creates or atomically replaces path (temporary file, fsync, rename). 0 or -errno. */
int file_write_replace(const char *path, const void *buf, size_t len, mode_t mode) FILE_WUR;

/*
 * Checks that path is a regular file owned by the effective user that neither group nor
 * others can read, write or execute (what ssh demands of a private key). *mode gets its
 * permission bits when mode is not NULL. 0; -EPERM when too open or owned by another user;
 * -ENOENT; -EINVAL when not a regular file.
 */
int file_check_private(const char *path, mode_t *mode) FILE_WUR;

/*
 * Makes dir (and missing parents) so that dir itself is 0700. An existing dir must be a
 * directory owned by the effective user that group and others cannot write. 0; -EPERM;
 * -ENOTDIR; -EINVAL for an empty path; other -errno.
 */
int file_mkdir_private(const char *dir) FILE_WUR;

/* dir "/" name in a fresh string, or NULL when out of memory. */
char *file_join(const char *dir, const char *name);

#endif
