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

/*
 * A fresh store in a fresh directory, for the store tests: use tu_store_setup and
 * tu_store_teardown as cmocka setup and teardown (*state is a struct tu_store). Teardown
 * asserts that the store it leaves passes store_check, whatever the test did.
 */
struct store;
struct tu_store {
	char *dir;
	char *path;
	struct store *st;
};
int tu_store_setup(void **state);
int tu_store_teardown(void **state);
/* Closes and reopens the fixture's store. */
void tu_store_reopen(struct tu_store *fx);

/*
 * A decoded card signed by the key from seed byte s (32 copies of s), with rev, issued at
 * a fixed time, carrying f's fields (name set from name when f has none). f may be NULL.
 */
struct card_fields;
struct card *tu_card(uint8_t s, const char *name, uint64_t rev, const struct card_fields *f);

/* tu_card with no fields but the name, expiring at expires (unix seconds, not 0). */
struct card *tu_card_expiring(uint8_t s, const char *name, uint64_t rev, uint64_t expires);

#endif
