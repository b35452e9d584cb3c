/* Helpers shared by the unit tests: temporary directories, files and hex. */
#ifndef WALLFLOWER_TESTUTIL_H
#define WALLFLOWER_TESTUTIL_H

#include <stddef.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

/* cmocka needs these before its header. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

/* A fresh directory under $TMPDIR (0700); the caller frees the string after tu_rmtree. */
char *tu_tmpdir(void);
/* Removes a directory tree made by tu_tmpdir. */
void tu_rmtree(const char *dir);
/* dir "/" name, malloc'd. */
char *tu_path(const char *dir, const char *name);
/* Reads a whole file (asserting success); *len gets its size. */
uint8_t *tu_read(const char *path, size_t *len);
/* Writes a file with the given mode (asserting success). */
void tu_write(const char *path, const void *data, size_t len, unsigned mode);
/* Parses hex (asserting it is valid); *len gets the byte count. */
uint8_t *tu_unhex(const char *hex, size_t *len);
/* A path under the source tree (WF_SOURCE_ROOT), malloc'd. */
char *tu_source_path(const char *rel);

#endif
