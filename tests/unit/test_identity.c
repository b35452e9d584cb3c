/* identity: key creation, the key file, permission refusal and the fingerprint. */
#include <sys/stat.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "wallflower/identity.h"

/* The Ed25519 public key of the seed 00 01 .. 1f (RFC 8032 key generation; the same key
 * is Ada's in proto/vectors and the example in docs/identity.md). */
#define SEED_00_PK "03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8"

static void
test_identity_create_load_round_trip(void **state)
{
	char *dir = tu_tmpdir(), *path = tu_path(dir, IDENTITY_FILE);
	struct identity *a, *b, *c;
	struct stat st;
	uint8_t *file;
	size_t n;

	(void)state;
	assert_int_equal(identity_create(dir, &a), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_size, IDENTITY_FILE_LEN);
	file = tu_read(path, &n);
	assert_int_equal(n, 40);
	assert_memory_equal(file, "WFID\0\0\0\2", 8);
	/* Nothing but the seed: the key derived from the file's last 32 bytes is the key. */
	assert_int_equal(identity_from_seed(file + 8, &c), 0);
	assert_memory_equal(a, c, sizeof(*a));
	assert_int_equal(identity_load(dir, &b), 0);
	assert_memory_equal(a, b, sizeof(*a));
	identity_free(a);
	identity_free(b);
	identity_free(c);
	identity_free(NULL);
	free(file);
	tu_rmtree(dir);
	free(path);
	free(dir);
}

/* A version 1 file (seed, X25519 secret, binding) keeps its identity: its seed is used,
 * the rest ignored. The file is the example of docs/identity.md, seed 00 01 .. 1f. */
static void
test_identity_load_version_1(void **state)
{
	char *dir = tu_tmpdir(), *path = tu_path(dir, IDENTITY_FILE);
	uint8_t file[IDENTITY_FILE_V1_LEN], *want;
	struct identity *b;
	size_t n;

	(void)state;
	memcpy(file, "WFID\0\0\0\1", 8);
	for (size_t i = 8; i < sizeof(file); i++)
		file[i] = (uint8_t)(i - 8);
	tu_write(path, file, sizeof(file), 0600);
	assert_int_equal(identity_load(dir, &b), 0);
	want = tu_unhex(SEED_00_PK, &n);
	assert_memory_equal(b->sign_pk, want, 32);
	identity_free(b);
	/* The v1 tail is not checked any more: another X25519 secret and binding, same key. */
	memset(file + 40, 0xee, sizeof(file) - 40);
	tu_write(path, file, sizeof(file), 0600);
	assert_int_equal(identity_load(dir, &b), 0);
	assert_memory_equal(b->sign_pk, want, 32);
	identity_free(b);
	/* But a version 1 header needs the version 1 length, and version 2 its own. */
	tu_write(path, file, IDENTITY_FILE_LEN, 0600);
	assert_int_equal(identity_load(dir, &b), -EBADMSG);
	assert_null(b);
	file[7] = 2;
	tu_write(path, file, sizeof(file), 0600);
	assert_int_equal(identity_load(dir, &b), -EBADMSG);
	free(want);
	tu_rmtree(dir);
	free(path);
	free(dir);
}

static void
test_identity_create_refuses_overwrite(void **state)
{
	char *dir = tu_tmpdir(), *path = tu_path(dir, IDENTITY_FILE);
	struct identity *a, *b = (struct identity *)1;
	uint8_t *before, *after;
	size_t n1, n2;

	(void)state;
	assert_int_equal(identity_create(dir, &a), 0);
	before = tu_read(path, &n1);
	assert_int_equal(identity_create(dir, &b), -EEXIST);
	assert_null(b);
	after = tu_read(path, &n2);
	assert_int_equal(n1, n2);
	assert_memory_equal(before, after, n1);
	identity_free(a);
	free(before);
	free(after);
	tu_rmtree(dir);
	free(path);
	free(dir);
}

/* As ssh does: a key file that group or others can read is refused. */
static void
test_identity_load_refuses_open_modes(void **state)
{
	static const mode_t modes[] = { 0640, 0604, 0644, 0660, 0606, 0610, 0601 };
	char *dir = tu_tmpdir(), *path = tu_path(dir, IDENTITY_FILE);
	struct identity *a, *b;

	(void)state;
	assert_int_equal(identity_create(dir, &a), 0);
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		assert_int_equal(chmod(path, modes[i]), 0);
		assert_int_equal(identity_load(dir, &b), -EPERM);
		assert_null(b);
	}
	assert_int_equal(chmod(path, 0400), 0);
	assert_int_equal(identity_load(dir, &b), 0);
	identity_free(a);
	identity_free(b);
	tu_rmtree(dir);
	free(path);
	free(dir);
}

static void
test_identity_load_rejects_damage(void **state)
{
	char *dir = tu_tmpdir(), *path = tu_path(dir, IDENTITY_FILE);
	struct identity *a, *b;
	uint8_t *good;
	size_t n;

	(void)state;
	assert_int_equal(identity_load(dir, &b), -ENOENT);
	assert_int_equal(identity_create(dir, &a), 0);
	good = tu_read(path, &n);
	/* Any changed byte of the magic. (A changed seed is another identity: a file holds
	 * nothing that could tell.) */
	for (size_t i = 0; i < 4; i++) {
		good[i] ^= 0x20;
		tu_write(path, good, n, 0600);
		assert_int_equal(identity_load(dir, &b), -EBADMSG);
		good[i] ^= 0x20;
	}
	good[7] = 3; /* a future version is not damage */
	tu_write(path, good, n, 0600);
	assert_int_equal(identity_load(dir, &b), -EPROTO);
	good[4] = 1; /* nor is any other */
	tu_write(path, good, n, 0600);
	assert_int_equal(identity_load(dir, &b), -EPROTO);
	good[4] = 0;
	good[7] = 2;
	tu_write(path, good, n - 1, 0600);
	assert_int_equal(identity_load(dir, &b), -EBADMSG);
	tu_write(path, good, 4, 0600);
	assert_int_equal(identity_load(dir, &b), -EBADMSG);
	tu_write(path, good, n, 0600);
	assert_int_equal(identity_load(dir, &b), 0);
	assert_memory_equal(a, b, sizeof(*a));
	identity_free(b);
	good = realloc(good, IDENTITY_FILE_V1_LEN + 1);
	memset(good + n, 0, IDENTITY_FILE_V1_LEN + 1 - n);
	tu_write(path, good, n + 1, 0600);
	assert_int_equal(identity_load(dir, &b), -EBADMSG);
	tu_write(path, good, IDENTITY_FILE_V1_LEN + 1, 0600);
	assert_int_equal(identity_load(dir, &b), -EBADMSG);
	identity_free(a);
	free(good);
	tu_rmtree(dir);
	free(path);
	free(dir);
}

static void
test_identity_from_seed_deterministic(void **state)
{
	uint8_t seed[32];
	struct identity *a, *b;
	uint8_t *want;
	size_t n;

	(void)state;
	for (int i = 0; i < 32; i++)
		seed[i] = (uint8_t)i;
	assert_int_equal(identity_from_seed(seed, &a), 0);
	assert_int_equal(identity_from_seed(seed, &b), 0);
	assert_memory_equal(a, b, sizeof(*a));
	want = tu_unhex(SEED_00_PK, &n);
	assert_memory_equal(a->sign_pk, want, 32);
	/* libsodium's secret key is seed || public key */
	assert_memory_equal(a->sign_sk, seed, 32);
	assert_memory_equal(a->sign_sk + 32, want, 32);
	free(want);
	identity_free(a);
	identity_free(b);
}

/* The expected value was computed independently, with Python's hashlib and base64:
 * base32(blake2b(b"wallflower-fingerprint-v1" + key, digest_size=32)[:15]).lower(). */
static void
test_identity_fingerprint_known(void **state)
{
	uint8_t *key;
	size_t n;
	char fpr[IDENTITY_FPR_LEN + 1];

	(void)state;
	key = tu_unhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", &n);
	identity_fingerprint(key, fpr);
	assert_string_equal(fpr, "4fqv-4agb-mxwm-vegn-kwnb-7nsn");
	assert_int_equal(strlen(fpr), IDENTITY_FPR_LEN);
	free(key);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identity_create_load_round_trip),
		cmocka_unit_test(test_identity_load_version_1),
		cmocka_unit_test(test_identity_create_refuses_overwrite),
		cmocka_unit_test(test_identity_load_refuses_open_modes),
		cmocka_unit_test(test_identity_load_rejects_damage),
		cmocka_unit_test(test_identity_from_seed_deterministic),
		cmocka_unit_test(test_identity_fingerprint_known),
	};

	assert_int_equal(crypt_init(), 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
