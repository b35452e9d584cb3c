/*
 * identity.c owns the key file. It trusts the file only after checking its mode, its
 * size, its magic and its version. The secret never leaves the struct identity the caller
 * holds, and is wiped on every path that drops it.
 *
 * File layout, version 2 (40 bytes): "WFID" | u32 big-endian version (2) | Ed25519 seed
 * (32). Version 1 (136 bytes) had the same header and seed, then an X25519 secret (32) and
 * its binding signature (64); those are no longer used and are ignored when such a file is
 * loaded. The public key is derived, not stored.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "wallflower/file.h"
#include "wallflower/identity.h"

#define HDR_LEN 8

static const uint8_t magic[HDR_LEN] = { 'W', 'F', 'I', 'D', 0, 0, 0, 2 };
static const uint8_t magic_v1[HDR_LEN] = { 'W', 'F', 'I', 'D', 0, 0, 0, 1 };

void
identity_free(struct identity *id)
{
	if (id == NULL)
		return;
	crypt_wipe(id, sizeof(*id));
	free(id);
}

int
identity_from_seed(const uint8_t seed[CRYPT_SIGN_SEED], struct identity **out)
{
	struct identity *id;

	*out = NULL;
	if ((id = calloc(1, sizeof(*id))) == NULL)
		return -ENOMEM;
	crypt_sign_keypair(id->sign_pk, id->sign_sk, seed);
	*out = id;
	return 0;
}

int
identity_create(const char *dir, struct identity **out)
{
	uint8_t seed[CRYPT_SIGN_SEED], buf[IDENTITY_FILE_LEN];
	struct identity *id = NULL;
	char *path = NULL;
	int r;

	*out = NULL;
	crypt_random(seed, sizeof(seed));
	if ((r = identity_from_seed(seed, &id)) < 0)
		goto out;
	if ((path = file_join(dir, IDENTITY_FILE)) == NULL) {
		r = -ENOMEM;
		goto out;
	}
	memcpy(buf, magic, HDR_LEN);
	memcpy(buf + HDR_LEN, seed, CRYPT_SIGN_SEED);
	if ((r = file_write_new(path, buf, sizeof(buf), 0600)) < 0)
		goto out;
	*out = id;
	id = NULL;
out:
	crypt_wipe(seed, sizeof(seed));
	crypt_wipe(buf, sizeof(buf));
	identity_free(id);
	free(path);
	return r;
}

/* Rebuilds the identity from the seed of a version 2 or version 1 file. */
static int
parse(const uint8_t *buf, size_t len, struct identity **out)
{
	if (len < HDR_LEN || memcmp(buf, magic, 4) != 0)
		return -EBADMSG;
	if (memcmp(buf, magic, HDR_LEN) == 0) {
		if (len != IDENTITY_FILE_LEN)
			return -EBADMSG;
	} else if (memcmp(buf, magic_v1, HDR_LEN) == 0) {
		/* Its X25519 key and binding belong to the retired session version 1. */
		if (len != IDENTITY_FILE_V1_LEN)
			return -EBADMSG;
	} else {
		/* Our magic with another version: a newer wallflower made it, not damage. */
		return -EPROTO;
	}
	return identity_from_seed(buf + HDR_LEN, out);
}

int
identity_load(const char *dir, struct identity **out)
{
	uint8_t *buf = NULL;
	char *path;
	size_t len = 0;
	int r;

	*out = NULL;
	if ((path = file_join(dir, IDENTITY_FILE)) == NULL)
		return -ENOMEM;
	/* Read one byte more than the longest valid file has, so that parse sees a longer
	 * file as one (and can still tell a future version by its header). */
	if ((r = file_read_private(path, IDENTITY_FILE_V1_LEN + 1, &buf, &len)) < 0) {
		if (r == -EFBIG)
			r = -EBADMSG;
		goto out;
	}
	r = parse(buf, len, out);
out:
	if (buf != NULL)
		crypt_wipe(buf, len);
	free(buf);
	free(path);
	return r;
}

void
identity_fingerprint(const uint8_t key[CRYPT_SIGN_PK], char out[IDENTITY_FPR_LEN + 1])
{
	static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
	uint8_t h[CRYPT_HASH];
	size_t o = 0;

	crypt_hash_tagged(h, sizeof(h), IDENTITY_FPR_TAG, key, CRYPT_SIGN_PK);
	/* 15 bytes = 120 bits = 24 base32 digits, taken 5 bits at a time, most significant
	 * first (RFC 4648 order). */
	for (size_t bit = 0; bit < 120; bit += 5) {
		size_t byte = bit / 8, shift = bit % 8;
		unsigned v = (unsigned)h[byte] << 8 | (byte + 1 < sizeof(h) ? h[byte + 1] : 0);

		if (bit > 0 && bit % 20 == 0)
			out[o++] = '-';
		out[o++] = alphabet[(v >> (11 - shift)) & 0x1f];
	}
	out[o] = '\0';
}
