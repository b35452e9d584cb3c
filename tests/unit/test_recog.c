/* recog: the recognition key file, the tag L || B and its text, slots, the recogniser. */
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "wallflower/crypt.h"
#include "wallflower/recog.h"

#define NOW 1796342400 /* 2026-12-03 00:00:00 UTC, an epoch boundary: epoch 1995936 */

/* How many names a directory holds (besides . and ..). */
static int
entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return n;
}

static void
test_recog_key_create_load_round_trip(void **state)
{
	char *dir = tu_tmpdir(), *path = tu_path(dir, RECOG_FILE);
	uint8_t a[RECOG_KEY], b[RECOG_KEY], zero[RECOG_KEY] = { 0 }, *file;
	struct stat st;
	size_t len;

	(void)state;
	assert_int_equal(recog_key_load(dir, a), -ENOENT);
	assert_int_equal(recog_key_create(dir, a), 0);
	assert_memory_not_equal(a, zero, RECOG_KEY);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	file = tu_read(path, &len);
	assert_int_equal(len, RECOG_FILE_LEN);
	assert_memory_equal(file, "WFRK\0\0\0\1", 8);
	assert_memory_equal(file + 8, a, RECOG_KEY);
	assert_int_equal(recog_key_load(dir, b), 0);
	assert_memory_equal(a, b, RECOG_KEY);
	free(file);
	tu_rmtree(dir);
	free(path);
	free(dir);
}

static void
test_recog_key_create_refuses_overwrite(void **state)
{
	char *dir = tu_tmpdir();
	uint8_t a[RECOG_KEY], b[RECOG_KEY], c[RECOG_KEY], d[RECOG_KEY];

	(void)state;
	assert_int_equal(recog_key_create(dir, a), 0);
	memset(b, 0x5a, sizeof(b));
	memset(d, 0x5a, sizeof(d));
	assert_int_equal(recog_key_create(dir, b), -EEXIST);
	assert_memory_equal(b, d, RECOG_KEY); /* untouched */
	assert_int_equal(recog_key_load(dir, c), 0);
	assert_memory_equal(a, c, RECOG_KEY);
	tu_rmtree(dir);
	free(dir);
}

static void
test_recog_key_rotate_replaces(void **state)
{
	char *dir = tu_tmpdir(), *path = tu_path(dir, RECOG_FILE);
	uint8_t a[RECOG_KEY], b[RECOG_KEY], c[RECOG_KEY];
	struct stat st;

	(void)state;
	/* Missing: rotation creates it. */
	assert_int_equal(recog_key_rotate(dir, a), 0);
	assert_int_equal(recog_key_load(dir, c), 0);
	assert_memory_equal(a, c, RECOG_KEY);
	/* Present, even too open: replaced by a fresh key, 0600, and nothing left beside it. */
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(recog_key_rotate(dir, b), 0);
	assert_memory_not_equal(a, b, RECOG_KEY);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_size, RECOG_FILE_LEN);
	assert_int_equal(recog_key_load(dir, c), 0);
	assert_memory_equal(b, c, RECOG_KEY);
	assert_int_equal(entries(dir), 1);
	tu_rmtree(dir);
	free(path);
	free(dir);
}

/* As ssh does, and as the identity file: a key others could read is refused. */
static void
test_recog_key_load_refuses_open_modes(void **state)
{
	static const mode_t modes[] = { 0640, 0604, 0644, 0660, 0606, 0610, 0601 };
	char *dir = tu_tmpdir(), *path = tu_path(dir, RECOG_FILE), *lnk = tu_path(dir, "lnk");
	uint8_t a[RECOG_KEY], b[RECOG_KEY];

	(void)state;
	assert_int_equal(recog_key_create(dir, a), 0);
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		assert_int_equal(chmod(path, modes[i]), 0);
		assert_int_equal(recog_key_load(dir, b), -EPERM);
	}
	assert_int_equal(chmod(path, 0400), 0);
	assert_int_equal(recog_key_load(dir, b), 0);
	assert_memory_equal(a, b, RECOG_KEY);
	/* A link in its place is not followed. */
	assert_int_equal(rename(path, lnk), 0);
	assert_int_equal(symlink(lnk, path), 0);
	assert_int_equal(recog_key_load(dir, b), -EINVAL);
	tu_rmtree(dir);
	free(lnk);
	free(path);
	free(dir);
}

static void
test_recog_key_load_refuses_bad_format(void **state)
{
	char *dir = tu_tmpdir(), *path = tu_path(dir, RECOG_FILE);
	uint8_t good[RECOG_FILE_LEN + 1] = { 'W', 'F', 'R', 'K', 0, 0, 0, 1 }, key[RECOG_KEY];
	uint8_t buf[RECOG_FILE_LEN + 1];

	(void)state;
	memset(good + 8, 0x11, RECOG_KEY);
	tu_write(path, good, RECOG_FILE_LEN, 0600);
	assert_int_equal(recog_key_load(dir, key), 0);
	assert_memory_equal(key, good + 8, RECOG_KEY);
	/* Short, long, empty. */
	unlink(path);
	tu_write(path, good, RECOG_FILE_LEN - 1, 0600);
	assert_int_equal(recog_key_load(dir, key), -EBADMSG);
	unlink(path);
	tu_write(path, good, RECOG_FILE_LEN + 1, 0600);
	assert_int_equal(recog_key_load(dir, key), -EBADMSG);
	unlink(path);
	tu_write(path, good, 0, 0600);
	assert_int_equal(recog_key_load(dir, key), -EBADMSG);
	/* Another magic (an identity file), another version. */
	memcpy(buf, good, sizeof(buf));
	memcpy(buf, "WFID", 4);
	unlink(path);
	tu_write(path, buf, RECOG_FILE_LEN, 0600);
	assert_int_equal(recog_key_load(dir, key), -EBADMSG);
	memcpy(buf, good, sizeof(buf));
	buf[7] = 2;
	unlink(path);
	tu_write(path, buf, RECOG_FILE_LEN, 0600);
	assert_int_equal(recog_key_load(dir, key), -EPROTO);
	/* A directory under the name. */
	unlink(path);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(recog_key_load(dir, key), -EINVAL);
	tu_rmtree(dir);
	free(path);
	free(dir);
}

static void
test_recog_epoch_known(void **state)
{
	(void)state;
	assert_int_equal(recog_epoch(0), 0);
	assert_int_equal(recog_epoch(899), 0);
	assert_int_equal(recog_epoch(900), 1);
	assert_int_equal(recog_epoch(-1), 0);
	assert_int_equal(recog_epoch(NOW), 1995936);
	assert_int_equal(recog_epoch(NOW + 899), 1995936);
	assert_int_equal(recog_epoch(NOW - 1), 1995935);
}

/*
 * Expected tags computed independently with Python's hashlib (not with this code):
 *   m = E.to_bytes(8, "big") + bytes([S])
 *   L = blake2b(b"wallflower-recognise-v2" + m, key=rk, digest_size=32).digest()[:6]
 *   B = blake2b(b"wallflower-presence-v2" + m + pk, key=rk, digest_size=32).digest()[:6]
 *   base64.urlsafe_b64encode(L + B)
 */
static void
test_recog_tag_known(void **state)
{
	uint8_t rk[RECOG_KEY], pk[32], tag[RECOG_TAG], *want;
	char text[RECOG_TAG_TEXT + 1];
	size_t n;

	(void)state;
	/* rk = 00 01 .. 1f, E = 1995936, S = 5, pk = 40 41 .. 5f */
	for (int i = 0; i < 32; i++) {
		rk[i] = (uint8_t)i;
		pk[i] = (uint8_t)(0x40 + i);
	}
	recog_tag(rk, 1995936, 5, pk, tag);
	want = tu_unhex("c6a08340467e7c83b635cb12", &n);
	assert_memory_equal(tag, want, RECOG_TAG);
	recog_tag_text(tag, text);
	assert_string_equal(text, "xqCDQEZ-fIO2NcsS");
	free(want);
	/* rk = a5 * 32, E = 0x0123456789abcdef (all eight bytes count), S = 7, pk = 00 * 32 */
	memset(rk, 0xa5, sizeof(rk));
	memset(pk, 0, sizeof(pk));
	recog_tag(rk, 0x0123456789abcdefu, 7, pk, tag);
	want = tu_unhex("98ef4eb18cba44b6ca44754c", &n);
	assert_memory_equal(tag, want, RECOG_TAG);
	recog_tag_text(tag, text);
	assert_string_equal(text, "mO9OsYy6RLbKRHVM");
	free(want);
}

static void
test_recog_tag_parse_strict(void **state)
{
	static const char *const bad[] = {
		"",
		"xqCDQEZ-fIO2Ncs",   /* 15 */
		"xqCDQEZ-fIO2NcsSA", /* 17 */
		"xqCDQEZ-fIO2Ncs=",  /* padding */
		"xqCDQEZ+fIO2NcsS",  /* the other base64 alphabet */
		"xqCDQEZ/fIO2NcsS",
		"xqCDQEZ-fIO2Ncs ",
		"xqCDQEZ-fIO2Ncs.",
		"xqCDQEZ-fIO2Ncs\xc3",
	};
	uint8_t tag[RECOG_TAG], back[RECOG_TAG];
	char text[RECOG_TAG_TEXT + 1];

	(void)state;
	assert_int_equal(recog_tag_parse("xqCDQEZ-fIO2NcsS", tag), 0);
	recog_tag_text(tag, text);
	assert_string_equal(text, "xqCDQEZ-fIO2NcsS");
	/* The two characters where base64url differs from base64, and the alphabet's ends. */
	assert_int_equal(recog_tag_parse("AAAAAAAAAAAA__--", tag), 0);
	/* Python: base64.urlsafe_b64decode("AAAAAAAAAAAA__--") */
	assert_memory_equal(tag, "\0\0\0\0\0\0\0\0\0\xff\xff\xbe", RECOG_TAG);
	assert_int_equal(recog_tag_parse("Az09az--__AZ0099", tag), 0);
	recog_tag_text(tag, text);
	assert_string_equal(text, "Az09az--__AZ0099");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(recog_tag_parse(bad[i], tag), -EINVAL);
	/* Any 12 bytes go there and back. */
	for (int i = 0; i < 200; i++) {
		crypt_random(tag, sizeof(tag));
		recog_tag_text(tag, text);
		assert_int_equal(strlen(text), RECOG_TAG_TEXT);
		assert_int_equal(recog_tag_parse(text, back), 0);
		assert_memory_equal(tag, back, RECOG_TAG);
	}
}

static void
test_recog_slot_next_never_prev(void **state)
{
	(void)state;
	for (int prev = 0; prev < RECOG_SLOTS; prev++) {
		unsigned seen = 0;

		for (int i = 0; i < 2000; i++) {
			unsigned s = recog_slot_next(prev);

			assert_true(s < RECOG_SLOTS);
			assert_int_not_equal(s, prev);
			seen |= 1u << s;
		}
		/* Every other slot comes up (missing one in 2000 draws: about 7 * (6/7)^2000). */
		assert_int_equal(seen, 0xffu & ~(1u << prev));
	}
	for (int i = 0, none[] = { RECOG_SLOT_NONE, 255, 8 }; i < 3; i++) {
		unsigned seen = 0;

		for (int j = 0; j < 2000; j++) {
			unsigned s = recog_slot_next(none[i]);

			assert_true(s < RECOG_SLOTS);
			seen |= 1u << s;
		}
		assert_int_equal(seen, 0xffu);
	}
}

static void
test_recog_bind_check_refuses_others(void **state)
{
	uint8_t rk[RECOG_KEY], other[RECOG_KEY], pk[32], pk2[32], tag[RECOG_TAG];
	const uint8_t *b = tag + RECOG_HALF;

	(void)state;
	crypt_random(rk, sizeof(rk));
	crypt_random(other, sizeof(other));
	crypt_random(pk, sizeof(pk));
	memcpy(pk2, pk, sizeof(pk));
	pk2[31] ^= 0x80;
	recog_tag(rk, 1995936, 3, pk, tag);
	assert_int_equal(recog_bind_check(rk, 1995936, 3, pk, b), 0);
	assert_int_equal(recog_bind_check(rk, 1995936, 3, pk2, b), -EPERM);
	assert_int_equal(recog_bind_check(rk, 1995937, 3, pk, b), -EPERM);
	assert_int_equal(recog_bind_check(rk, 1995936, 4, pk, b), -EPERM);
	assert_int_equal(recog_bind_check(other, 1995936, 3, pk, b), -EPERM);
	/* L does not depend on the presence key, B does. */
	{
		uint8_t tag2[RECOG_TAG];

		recog_tag(rk, 1995936, 3, pk2, tag2);
		assert_memory_equal(tag, tag2, RECOG_HALF);
		assert_memory_not_equal(tag + RECOG_HALF, tag2 + RECOG_HALF, RECOG_HALF);
	}
}

#define CONTACTS 300

struct fixture {
	struct recog *r;
	uint8_t rk[CONTACTS][RECOG_KEY];
	uint8_t pk[32];
};

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	assert_int_equal(recog_new(&fx->r), 0);
	crypt_random(fx->rk, sizeof(fx->rk));
	crypt_random(fx->pk, sizeof(fx->pk));
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	recog_free(fx->r);
	free(fx);
	return 0;
}

/* Looks up the tag of rk in epoch e, slot s: recog_lookup's result, *m filled. */
static int
lookup(const struct recog *r, const uint8_t *rk, uint64_t e, unsigned s, const uint8_t *pk,
       struct recog_match *m)
{
	uint8_t tag[RECOG_TAG];

	recog_tag(rk, e, s, pk, tag);
	return recog_lookup(r, tag, m);
}

/* Contact i (id 1000 + i) is found in every epoch e-1..e+1 and slot, as itself. */
static void
assert_found(const struct fixture *fx, int i, uint64_t e)
{
	struct recog_match m;

	for (uint64_t ep = e - 1; ep <= e + 1; ep++) {
		for (unsigned s = 0; s < RECOG_SLOTS; s++) {
			assert_int_equal(lookup(fx->r, fx->rk[i], ep, s, fx->pk, &m), 0);
			assert_int_equal(m.contact_id, 1000 + i);
			assert_int_equal(m.epoch, ep);
			assert_int_equal(m.slot, s);
			assert_memory_equal(m.rk, fx->rk[i], RECOG_KEY);
		}
	}
}

static void
assert_missing(const struct fixture *fx, const uint8_t *rk, uint64_t e)
{
	struct recog_match m;

	for (unsigned s = 0; s < RECOG_SLOTS; s++)
		assert_int_equal(lookup(fx->r, rk, e, s, fx->pk, &m), -ENOENT);
}

static void
test_recog_lookup_finds_window(void **state)
{
	struct fixture *fx = *state;
	uint8_t stranger[RECOG_KEY];
	uint64_t e = recog_epoch(NOW);
	struct recog_match m;

	crypt_random(stranger, sizeof(stranger));
	/* Added before the first refresh: nothing to find yet. */
	for (int i = 0; i < CONTACTS; i++)
		assert_int_equal(recog_add(fx->r, 1000 + i, fx->rk[i]), 0);
	assert_int_equal(recog_count(fx->r), CONTACTS);
	assert_int_equal(lookup(fx->r, fx->rk[0], e, 0, fx->pk, &m), -ENOENT);
	recog_refresh(fx->r, NOW + 450);
	for (int i = 0; i < CONTACTS; i++)
		assert_found(fx, i, e);
	for (uint64_t ep = e - 1; ep <= e + 1; ep++)
		assert_missing(fx, stranger, ep);
	/* Outside the window. */
	assert_missing(fx, fx->rk[0], e - 2);
	assert_missing(fx, fx->rk[0], e + 2);
	/* The presence key is not part of L: any advert of the contact is found. */
	{
		uint8_t pk[32] = { 0 };

		assert_int_equal(lookup(fx->r, fx->rk[7], e, 2, pk, &m), 0);
		assert_int_equal(m.contact_id, 1007);
	}
}

static void
test_recog_refresh_moves_window(void **state)
{
	struct fixture *fx = *state;
	uint64_t e = recog_epoch(NOW);

	for (int i = 0; i < 20; i++)
		assert_int_equal(recog_add(fx->r, 1000 + i, fx->rk[i]), 0);
	recog_refresh(fx->r, NOW);
	recog_refresh(fx->r, NOW + 100); /* same epoch: nothing changes */
	for (int i = 0; i < 20; i++)
		assert_found(fx, i, e);
	/* Next epoch: e-1 dropped, e+2 computed. */
	recog_refresh(fx->r, NOW + RECOG_EPOCH_SECONDS);
	for (int i = 0; i < 20; i++) {
		assert_found(fx, i, e + 1);
		assert_missing(fx, fx->rk[i], e - 1);
	}
	/* A jump forward and one back: the window follows either way. */
	recog_refresh(fx->r, NOW + 10 * RECOG_EPOCH_SECONDS);
	for (int i = 0; i < 20; i++) {
		assert_found(fx, i, e + 10);
		for (uint64_t ep = e - 1; ep <= e + 2; ep++)
			assert_missing(fx, fx->rk[i], ep);
	}
	recog_refresh(fx->r, NOW);
	for (int i = 0; i < 20; i++) {
		assert_found(fx, i, e);
		assert_missing(fx, fx->rk[i], e + 10);
	}
}

static void
test_recog_remove_and_replace(void **state)
{
	struct fixture *fx = *state;
	uint64_t e = recog_epoch(NOW);
	uint8_t fresh[RECOG_KEY];

	recog_refresh(fx->r, NOW);
	for (int i = 0; i < CONTACTS; i++)
		assert_int_equal(recog_add(fx->r, 1000 + i, fx->rk[i]), 0);
	for (int i = 0; i < CONTACTS; i += 2)
		assert_int_equal(recog_remove(fx->r, 1000 + i), 0);
	assert_int_equal(recog_remove(fx->r, 1000), -ENOENT);
	assert_int_equal(recog_remove(fx->r, 5), -ENOENT);
	assert_int_equal(recog_count(fx->r), CONTACTS / 2);
	for (int i = 0; i < CONTACTS; i++) {
		if (i % 2 == 0) {
			for (uint64_t ep = e - 1; ep <= e + 1; ep++)
				assert_missing(fx, fx->rk[i], ep);
		} else {
			assert_found(fx, i, e);
		}
	}
	/* The window moves on with the survivors only. */
	recog_refresh(fx->r, NOW + RECOG_EPOCH_SECONDS);
	assert_found(fx, 1, e + 1);
	assert_missing(fx, fx->rk[0], e + 2);
	/* A contact that rotated its key: the old one is no longer recognised. */
	crypt_random(fresh, sizeof(fresh));
	assert_int_equal(recog_add(fx->r, 1001, fresh), 0);
	assert_int_equal(recog_count(fx->r), CONTACTS / 2);
	assert_missing(fx, fx->rk[1], e + 1);
	memcpy(fx->rk[1], fresh, RECOG_KEY);
	assert_found(fx, 1, e + 1);
	/* Freed places are taken again. */
	for (int i = 0; i < CONTACTS; i += 2)
		assert_int_equal(recog_add(fx->r, 1000 + i, fx->rk[i]), 0);
	for (int i = 0; i < CONTACTS; i++)
		assert_found(fx, i, e + 1);
}

/* Two contacts with one key (one handed us another's): named as neither, first reported. */
static void
test_recog_lookup_ambiguous(void **state)
{
	struct fixture *fx = *state;
	uint64_t e = recog_epoch(NOW);
	struct recog_match m;

	recog_refresh(fx->r, NOW);
	assert_int_equal(recog_add(fx->r, 7, fx->rk[0]), 0);
	assert_int_equal(recog_add(fx->r, 3, fx->rk[0]), 0);
	assert_int_equal(recog_add(fx->r, 9, fx->rk[1]), 0);
	assert_int_equal(lookup(fx->r, fx->rk[0], e, 4, fx->pk, &m), -ENOTUNIQ);
	assert_int_equal(m.contact_id, 7);
	assert_int_equal(lookup(fx->r, fx->rk[1], e, 4, fx->pk, &m), 0);
	assert_int_equal(recog_remove(fx->r, 7), 0);
	assert_int_equal(lookup(fx->r, fx->rk[0], e, 4, fx->pk, &m), 0);
	assert_int_equal(m.contact_id, 3);
}

/*
 * Random additions, key changes, removals and window moves against a plain model (who
 * holds which key): after every few steps, every held contact is found for each tag of its
 * window and every key that left is found for none. This exercises the table's deletions
 * (runs shifted back) and growth far more than the cases above.
 */
static void
test_recog_table_matches_model(void **state)
{
	struct fixture *fx = *state;
	uint8_t held[64][RECOG_KEY], gone[RECOG_KEY], pick[2];
	bool in[64] = { false };
	int64_t now = NOW;
	struct recog_match m;

	crypt_random(held, sizeof(held));
	for (int step = 1, i; step <= 3000; step++) {
		crypt_random(pick, sizeof(pick));
		i = pick[0] % 64;

		if (pick[1] < 8) {
			now += (int64_t)(pick[1] % 4) * RECOG_EPOCH_SECONDS - RECOG_EPOCH_SECONDS;
			recog_refresh(fx->r, now);
		} else if (pick[1] < 100 && in[i]) {
			assert_int_equal(recog_remove(fx->r, i), 0);
			in[i] = false;
		} else {
			crypt_random(held[i], RECOG_KEY);
			assert_int_equal(recog_add(fx->r, i, held[i]), 0);
			in[i] = true;
		}
		if (step == 1)
			recog_refresh(fx->r, now);
		if (step % 100 != 0)
			continue;
		for (int c = 0; c < 64; c++) {
			for (int64_t t = now - RECOG_EPOCH_SECONDS; t <= now + RECOG_EPOCH_SECONDS;
			     t += RECOG_EPOCH_SECONDS) {
				for (unsigned s = 0; in[c] && s < RECOG_SLOTS; s++) {
					assert_int_equal(lookup(fx->r, held[c], recog_epoch(t), s,
					                        fx->pk, &m),
					                 0);
					assert_int_equal(m.contact_id, c);
				}
			}
		}
		crypt_random(gone, sizeof(gone));
		assert_missing(fx, gone, recog_epoch(now));
	}
	for (int c = 0; c < 64; c++) {
		if (in[c])
			assert_int_equal(recog_remove(fx->r, c), 0);
		assert_missing(fx, held[c], recog_epoch(now));
	}
	assert_int_equal(recog_count(fx->r), 0);
}

/* Past RECOG_CONTACTS_MAX a new contact is refused; a known one may still change key. */
static void
test_recog_add_bounded(void **state)
{
	struct fixture *fx = *state;
	struct recog_match m;

	for (int i = 0; i < RECOG_CONTACTS_MAX; i++)
		assert_int_equal(recog_add(fx->r, i, fx->rk[i % CONTACTS]), 0);
	assert_int_equal(recog_add(fx->r, -1, fx->rk[0]), -ENOSPC);
	assert_int_equal(recog_add(fx->r, 12, fx->pk), 0);
	assert_int_equal(recog_count(fx->r), RECOG_CONTACTS_MAX);
	assert_int_equal(recog_remove(fx->r, 13), 0);
	assert_int_equal(recog_add(fx->r, -1, fx->pk), 0);
	/* Only 12 and -1 hold pk as a key. */
	recog_refresh(fx->r, NOW);
	assert_int_equal(lookup(fx->r, fx->pk, recog_epoch(NOW), 0, fx->pk, &m), -ENOTUNIQ);
	assert_int_equal(m.contact_id, 12);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_recog_key_create_load_round_trip),
		cmocka_unit_test(test_recog_key_create_refuses_overwrite),
		cmocka_unit_test(test_recog_key_rotate_replaces),
		cmocka_unit_test(test_recog_key_load_refuses_open_modes),
		cmocka_unit_test(test_recog_key_load_refuses_bad_format),
		cmocka_unit_test(test_recog_epoch_known),
		cmocka_unit_test(test_recog_tag_known),
		cmocka_unit_test(test_recog_tag_parse_strict),
		cmocka_unit_test(test_recog_slot_next_never_prev),
		cmocka_unit_test(test_recog_bind_check_refuses_others),
		cmocka_unit_test_setup_teardown(test_recog_lookup_finds_window, setup, teardown),
		cmocka_unit_test_setup_teardown(test_recog_refresh_moves_window, setup, teardown),
		cmocka_unit_test_setup_teardown(test_recog_remove_and_replace, setup, teardown),
		cmocka_unit_test_setup_teardown(test_recog_lookup_ambiguous, setup, teardown),
		cmocka_unit_test_setup_teardown(test_recog_table_matches_model, setup, teardown),
		cmocka_unit_test_setup_teardown(test_recog_add_bounded, setup, teardown),
	};

	assert_int_equal(crypt_init(), 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
