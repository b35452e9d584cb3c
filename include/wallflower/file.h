/*
 * file: the few file operations that hold secrets or user data: bounded reads, atomic
 * private writes, and the ssh-style permission checks that refuse files others can read.
 */
#ifndef WALLFLOWER_FILE_H
#define WALLFLOWER_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define FILE_WUR __attribute__((warn_unused_result))

/*
 * Reads a whole file of at most max bytes into *buf (owned by the caller, with a NUL after
 * the data for convenience). Regular files, and also pipes, FIFOs and devices (read to
 * their end, within the bound). 0; -EFBIG when there is more than max; -EISDIR; other
 * -errno from open/read.
 */
int file_read(const char *path, size_t max, uint8_t **buf, size_t *len) FILE_WUR;

/*
 * Reads a private file (a key): opened without following links, then checked on the open
 * descriptor (a regular file, owned by the effective user, no permission for group or
 * others), then read from that same descriptor, so no other file can be swapped in
 * between. On error paths the bytes read are wiped. 0; -EINVAL when it is not a regular
 * file (a link, a FIFO); -EPERM when too open or not ours; -EFBIG; other -errno.
 */
int file_read_private(const char *path, size_t max, uint8_t **buf, size_t *len) FILE_WUR;

/*
 * Creates path with exactly mode and contents, never replacing anything: the data is
 * written and synced to an unnamed file in the same directory (O_TMPFILE; a named
 * temporary file where that is not available), then linked into place.
 * 0; -EEXIST when path exists; other -errno.
 */
int file_write_new(const char *path, const void *buf, size_t len, mode_t mode) FILE_WUR;

/* Creates or atomically replaces path (temporary file, fsync, rename). 0 or -errno. */
int file_write_replace(const char *path, const void *buf, size_t len, mode_t mode) FILE_WUR;

/* How many symbolic links in a row file_write_output follows. */
#define FILE_OUTPUT_LINKS_MAX 8

/*
 * Writes a file the user named for output (-o FILE) and replaces it atomically: the data
 * goes to a temporary sibling, synced, then renamed over the name, with exactly mode.
 * Whatever is under the name is never opened, written into or waited on. Accepted: no
 * file (one is created), or a regular file owned by the effective user (replaced, whatever
 * its mode was). A symbolic link is followed only when the effective user owns it, and
 * what it names must obey the same rules (at most FILE_OUTPUT_LINKS_MAX links in a row; a
 * link to nothing creates its target). 0; -EISDIR for a directory; -EINVAL for a FIFO,
 * device, socket or other special file; -ELOOP for a link owned by another user; -EMLINK
 * past the links allowed; -EPERM for a regular file owned by another user; other -errno.
 * file_output_strerror says each in words.
 */
int file_write_output(const char *path, const void *buf, size_t len, mode_t mode) FILE_WUR;

/* A static phrase for an error of file_write_output, for "cannot write FILE: ...". */
const char *file_output_strerror(int err);

/* Whether a and b name the same existing file (links followed). */
bool file_same(const char *a, const char *b);

/*
 * Checks that path is a regular file owned by the effective user that neither group nor
 * others can read, write or execute (what ssh demands of a private key). A symbolic link
 * is not followed and fails. *mode and *owner get what was found, when not NULL. 0;
 * -EPERM when too open or owned by another user; -ENOENT; -EINVAL when not a regular file.
 * For a message only: file_read_private is what enforces the rule on what is read.
 */
int file_check_private(const char *path, mode_t *mode, uid_t *owner) FILE_WUR;

/*
 * Makes dir (and missing parents) so that dir itself is 0700 (trailing slashes ignored).
 * An existing dir must be a
 * directory owned by the effective user that group and others cannot write. 0; -EPERM;
 * -ENOTDIR; -EINVAL for an empty path; other -errno.
 */
int file_mkdir_private(const char *dir) FILE_WUR;

/*
 * Takes an exclusive lock that lasts as long as the descriptor *fd stays open (one daemon
 * per runtime directory). path is created 0600 when missing, never through a link, and
 * must be a regular file of the effective user's; it is locked with flock(LOCK_EX |
 * LOCK_NB) on an O_CLOEXEC descriptor, then holds the caller's PID in decimal. Nobody
 * should remove the file: if a process removed it on exit, two others could each lock a
 * different file under the same name. 0 and *fd; -EWOULDBLOCK when another descriptor
 * holds the lock, with the PID the file names in *holder (0 when it names none within
 * 100 ms: the holder writes it just after taking the lock);
 * -EINVAL when path is not a regular file (a link, a FIFO); -EPERM when not ours; other
 * -errno. *fd is -1 and *holder 0 unless said otherwise.
 */
int file_lock(const char *path, int *fd, pid_t *holder) FILE_WUR;

/* dir "/" name in a fresh string, or NULL when out of memory. */
char *file_join(const char *dir, const char *name);

#endif
