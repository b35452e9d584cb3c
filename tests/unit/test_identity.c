/* identity: key creation, the key file, permission refusal and the fingerprint. */
#include <sys/stat.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "wallflower/identity.h"

static void
test_identity_create_load_round_trip(void **state)
{
	char *dir = tu_tmpdir(), *path = tu_path(dir, IDENTITY_FILE);
	struct identity *a, *b;
	struct stat st;

	(void)state;
	assert_int_equal(identity_create(dir, &a), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_size, IDENTITY_FILE_LEN);
	assert_int_equal(identity_load(dir, &b), 0);
	assert_memory_equal(a, b, sizeof(*a));
	assert_int_equal(identity_binding_verify(b->sign_pk, b->dh_pk, b->binding), 0);
	/* The binding is specific to the pair. */
	b->dh_pk[0] ^= 1;
	assert_int_equal(identity_binding_verify(b->sign_pk, b->dh_pk, b->binding), -EBADMSG);
	identity_free(a);
	identity_free(b);
	identity_free(NULL);
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
	/* Any changed byte: magic, either secret, or the binding (bytes 4-7, the version,
	 * are checked below). */
	for (size_t i = 0; i < n; i += 7) {
		if (i >= 4 && i < 8)
			continue;
		good[i] ^= 0x20;
		tu_write(path, good, n, 0600);
		assert_int_equal(identity_load(dir, &b), -EBADMSG);
		good[i] ^= 0x20;
	}
	good[7] = 2; /* a future version is not damage */
	tu_write(path, good, n, 0600);
	assert_int_equal(identity_load(dir, &b), -EPROTO);
	good[7] = 1;
	tu_write(path, good, n - 1, 0600);
	assert_int_equal(identity_load(dir, &b), -EBADMSG);
	tu_write(path, good, n, 0600);
	assert_int_equal(identity_load(dir, &b), 0);
	identity_free(b);
	good = realloc(good, n + 1);
	good[n] = 0;
	tu_write(path, good, n + 1, 0600);
	assert_int_equal(identity_load(dir, &b), -EBADMSG);
	identity_free(a);
	free(good);
	tu_rmtree(dir);
	free(path);
	free(dir);
}

static void
test_identity_from_secrets_deterministic(void **state)
{
	uint8_t seed[32] = { 1, 2, 3 }, dh[32] = { 9, 8, 7 };
	struct identity *a, *b;

	(void)state;
	assert_int_equal(identity_from_secrets(seed, dh, &a), 0);
	assert_int_equal(identity_from_secrets(seed, dh, &b), 0);
	assert_memory_equal(a, b, sizeof(*a));
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
		cmocka_unit_test(test_identity_create_refuses_overwrite),
		cmocka_unit_test(test_identity_load_refuses_open_modes),
		cmocka_unit_test(test_identity_load_rejects_damage),
		cmocka_unit_test(test_identity_from_secrets_deterministic),
		cmocka_unit_test(test_identity_fingerprint_known),
	};

	assert_int_equal(crypt_init(), 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
