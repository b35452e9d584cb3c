/*
 * crypt.c owns every call into libsodium (STYLE.md: one adapter per library).
 * It trusts nothing it verifies; it keeps no state of its own but libsodium's
 * initialisation. It must never return a secret to a caller that did not pass the buffer.
 */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "wallflower/crypt.h"

int
crypt_init(void)
{
	return sodium_init() < 0 ? -EIO : 0;
}

void
crypt_random(void *buf, size_t n)
{
	randombytes_buf(buf, n);
}

void
crypt_wipe(void *p, size_t n)
{
	if (p != NULL && n > 0)
		sodium_memzero(p, n);
}

void
crypt_sign_keypair(uint8_t pk[CRYPT_SIGN_PK], uint8_t sk[CRYPT_SIGN_SK],
                   const uint8_t seed[CRYPT_SIGN_SEED])
{
	int r = crypto_sign_seed_keypair(pk, sk, seed);

	assert(r == 0);
	(void)r;
}

/* tag || msg in one fresh buffer: Ed25519 signs one contiguous message. */
static uint8_t *
concat(const char *tag, const uint8_t *msg, size_t len, size_t *total)
{
	size_t tlen = strlen(tag);
	uint8_t *buf = malloc(tlen + len + 1);

	if (buf == NULL)
		return NULL;
	memcpy(buf, tag, tlen);
	if (len > 0)
		memcpy(buf + tlen, msg, len);
	*total = tlen + len;
	return buf;
}

int
crypt_sign_tagged(uint8_t sig[CRYPT_SIG], const uint8_t sk[CRYPT_SIGN_SK], const char *tag,
                  const uint8_t *msg, size_t len)
{
	size_t total;
	uint8_t *buf = concat(tag, msg, len, &total);

	if (buf == NULL)
		return -ENOMEM;
	crypto_sign_detached(sig, NULL, buf, total, sk);
	free(buf);
	return 0;
}

int
crypt_verify_tagged(const uint8_t sig[CRYPT_SIG], const uint8_t pk[CRYPT_SIGN_PK], const char *tag,
                    const uint8_t *msg, size_t len)
{
	size_t total;
	uint8_t *buf = concat(tag, msg, len, &total);
	int r;

	if (buf == NULL)
		return -ENOMEM;
	r = crypto_sign_verify_detached(sig, buf, total, pk);
	free(buf);
	return r == 0 ? 0 : -EBADMSG;
}

int
crypt_dh_public(uint8_t pk[CRYPT_DH_KEY], const uint8_t sk[CRYPT_DH_KEY])
{
	return crypto_scalarmult_base(pk, sk) == 0 ? 0 : -EINVAL;
}

void
crypt_hash_tagged(uint8_t *out, size_t outlen, const char *tag, const uint8_t *msg, size_t len)
{
	crypto_generichash_state st;

	assert(outlen >= crypto_generichash_BYTES_MIN && outlen <= CRYPT_HASH_MAX);
	crypto_generichash_init(&st, NULL, 0, outlen);
	if (tag != NULL)
		crypto_generichash_update(&st, (const unsigned char *)tag, strlen(tag));
	crypto_generichash_update(&st, msg, len);
	crypto_generichash_final(&st, out, outlen);
	sodium_memzero(&st, sizeof(st));
}

int
crypt_equal(const void *a, const void *b, size_t n)
{
	return sodium_memcmp(a, b, n) == 0 ? 0 : -1;
}

void
crypt_hex(char *out, const uint8_t *bin, size_t n)
{
	sodium_bin2hex(out, 2 * n + 1, bin, n);
}

int
crypt_unhex(uint8_t *bin, size_t n, const char *hex, size_t hexlen)
{
	size_t got = 0;

	if (hexlen != 2 * n)
		return -EINVAL;
	if (sodium_hex2bin(bin, n, hex, hexlen, NULL, &got, NULL) != 0 || got != n)
		return -EINVAL;
	return 0;
}
