/* Test helpers: they assert instead of returning errors, because a test that cannot set
 * itself up has failed. */
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "wallflower/store.h"

char *
tu_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char *dir;

	if (base == NULL || *base == '\0')
		base = "/tmp";
	assert_true(asprintf(&dir, "%s/wftest.XXXXXX", base) > 0);
	assert_non_null(mkdtemp(dir));
	return dir;
}

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void
tu_rmtree(const char *dir)
{
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

char *
tu_path(const char *dir, const char *name)
{
	char *p;

	assert_true(asprintf(&p, "%s/%s", dir, name) > 0);
	return p;
}

uint8_t *
tu_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long size;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	size = ftell(f);
	assert_true(size >= 0);
	rewind(f);
	buf = malloc((size_t)size + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)size, f), (size_t)size);
	buf[size] = 0;
	fclose(f);
	*len = (size_t)size;
	return buf;
}

void
tu_write(const char *path, const void *data, size_t len, unsigned mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

static int
nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

uint8_t *
tu_unhex(const char *hex, size_t *len)
{
	size_t n = strlen(hex);
	uint8_t *out = malloc(n / 2 + 1);

	assert_non_null(out);
	assert_int_equal(n % 2, 0);
	for (size_t i = 0; i < n / 2; i++) {
		int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			fail_msg("not hex: %s", hex);
		out[i] = (uint8_t)((unsigned)hi << 4 | (unsigned)lo);
	}
	*len = n / 2;
	return out;
}

char *
tu_source_path(const char *rel)
{
	const char *root = getenv("WF_SOURCE_ROOT");

	assert_non_null(root);
	return tu_path(root, rel);
}

int
tu_store_setup(void **state)
{
	struct tu_store *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	fx->dir = tu_tmpdir();
	fx->path = tu_path(fx->dir, STORE_FILE);
	assert_int_equal(store_open(fx->path, &fx->st, NULL), 0);
	*state = fx;
	return 0;
}

int
tu_store_teardown(void **state)
{
	struct tu_store *fx = *state;

	if (fx->st != NULL)
		assert_int_equal(store_check(fx->st), 0);
	store_close(fx->st);
	tu_rmtree(fx->dir);
	free(fx->path);
	free(fx->dir);
	free(fx);
	return 0;
}

void
tu_store_reopen(struct tu_store *fx)
{
	store_close(fx->st);
	fx->st = NULL;
	assert_int_equal(store_open(fx->path, &fx->st, NULL), 0);
}

static struct card *
make_card(uint8_t s, const char *name, uint64_t rev, uint64_t expires, const struct card_fields *f)
{
	uint8_t seed[32], pk[32], sk[64], *env;
	struct card_meta meta = { .rev = rev, .issued = 1790000000, .expires = expires };
	struct card_fields mine;
	struct card_error err;
	struct card *card;
	size_t len;

	memset(seed, s, sizeof(seed));
	crypt_sign_keypair(pk, sk, seed);
	if (f != NULL)
		mine = *f; /* borrowed: not cleared here */
	else
		card_fields_init(&mine);
	if (mine.text[CARD_NAME] == NULL)
		mine.text[CARD_NAME] = (char *)name;
	assert_int_equal(card_issue(&mine, &meta, sk, &env, &len, &err), 0);
	assert_int_equal(card_decode(env, len, &card, &err), 0);
	free(env);
	return card;
}

struct card *
tu_card(uint8_t s, const char *name, uint64_t rev, const struct card_fields *f)
{
	return make_card(s, name, rev, 0, f);
}

struct card *
tu_card_expiring(uint8_t s, const char *name, uint64_t rev, uint64_t expires)
{
	return make_card(s, name, rev, expires, NULL);
}
