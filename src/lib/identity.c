/*
 * identity.c owns the key file. It trusts the file only after checking its mode, its
 * size, its magic and its binding signature. Secrets never leave the struct identity the
 * caller holds, and are wiped on every path that drops them.
 *
 * File layout (136 bytes): "WFID" | u32 big-endian version (1) | Ed25519 seed (32) |
 * X25519 secret (32) | binding signature (64). Public keys are derived, not stored.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "wallflower/file.h"
#include "wallflower/identity.h"

static const uint8_t magic[8] = { 'W', 'F', 'I', 'D', 0, 0, 0, 1 };

void
identity_free(struct identity *id)
{
	if (id == NULL)
		return;
	crypt_wipe(id, sizeof(*id));
	free(id);
}

int
identity_binding_verify(const uint8_t sign_pk[CRYPT_SIGN_PK], const uint8_t dh_pk[CRYPT_DH_KEY],
                        const uint8_t sig[CRYPT_SIG])
{
	return crypt_verify_tagged(sig, sign_pk, IDENTITY_BINDING_TAG, dh_pk, CRYPT_DH_KEY);
}

int
identity_from_secrets(const uint8_t seed[CRYPT_SIGN_SEED], const uint8_t dh_sk[CRYPT_DH_KEY],
                      struct identity **out)
{
	struct identity *id;
	int r;

	*out = NULL;
	if ((id = calloc(1, sizeof(*id))) == NULL)
		return -ENOMEM;
	crypt_sign_keypair(id->sign_pk, id->sign_sk, seed);
	memcpy(id->dh_sk, dh_sk, CRYPT_DH_KEY);
	if ((r = crypt_dh_public(id->dh_pk, id->dh_sk)) < 0 ||
	    (r = crypt_sign_tagged(id->binding, id->sign_sk, IDENTITY_BINDING_TAG, id->dh_pk,
	                           CRYPT_DH_KEY)) < 0) {
		identity_free(id);
		return r;
	}
	*out = id;
	return 0;
}

static void
serialise(const struct identity *id, uint8_t buf[IDENTITY_FILE_LEN])
{
	memcpy(buf, magic, sizeof(magic));
	memcpy(buf + 8, id->sign_sk, CRYPT_SIGN_SEED);
	memcpy(buf + 40, id->dh_sk, CRYPT_DH_KEY);
	memcpy(buf + 72, id->binding, CRYPT_SIG);
}

int
identity_create(const char *dir, struct identity **out)
{
	uint8_t seed[CRYPT_SIGN_SEED], dh_sk[CRYPT_DH_KEY], buf[IDENTITY_FILE_LEN];
	struct identity *id = NULL;
	char *path = NULL;
	int r;

	*out = NULL;
	crypt_random(seed, sizeof(seed));
	crypt_random(dh_sk, sizeof(dh_sk));
	if ((r = identity_from_secrets(seed, dh_sk, &id)) < 0)
		goto out;
	if ((path = file_join(dir, IDENTITY_FILE)) == NULL) {
		r = -ENOMEM;
		goto out;
	}
	serialise(id, buf);
	if ((r = file_write_new(path, buf, sizeof(buf), 0600)) < 0)
		goto out;
	*out = id;
	id = NULL;
out:
	crypt_wipe(seed, sizeof(seed));
	crypt_wipe(dh_sk, sizeof(dh_sk));
	crypt_wipe(buf, sizeof(buf));
	identity_free(id);
	free(path);
	return r;
}

/* Rebuilds the identity from file bytes and checks that the stored binding matches. */
static int
parse(const uint8_t *buf, size_t len, struct identity **out)
{
	struct identity *id;
	int r;

	if (len < sizeof(magic) || memcmp(buf, magic, 4) != 0)
		return -EBADMSG;
	/* Our magic with another version: a newer wallflower made it, not damage. */
	if (memcmp(buf + 4, magic + 4, 4) != 0)
		return -EPROTO;
	if (len != IDENTITY_FILE_LEN)
		return -EBADMSG;
	if ((r = identity_from_secrets(buf + 8, buf + 40, &id)) < 0)
		return r == -EINVAL ? -EBADMSG : r;
	/* Ed25519 signatures are deterministic: a stored binding that differs from the one
	 * derived again means the file was damaged or pieced together. */
	if (crypt_equal(id->binding, buf + 72, CRYPT_SIG) != 0) {
		identity_free(id);
		return -EBADMSG;
	}
	*out = id;
	return 0;
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
	/* Read one byte more than a valid file has, so that parse sees a longer file as one
	 * (and can still tell a future version by its header). */
	if ((r = file_read_private(path, IDENTITY_FILE_LEN + 1, &buf, &len)) < 0) {
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
