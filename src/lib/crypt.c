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

int
crypt_dh(uint8_t out[CRYPT_DH_KEY], const uint8_t sk[CRYPT_DH_KEY], const uint8_t pk[CRYPT_DH_KEY])
{
	if (crypto_scalarmult(out, sk, pk) != 0) {
		sodium_memzero(out, CRYPT_DH_KEY);
		return -EINVAL;
	}
	return 0;
}

/* Noise's nonce layout for ChaChaPoly: 32 zero bits, then n little-endian. */
static void
aead_nonce(uint8_t nonce[crypto_aead_chacha20poly1305_IETF_NPUBBYTES], uint64_t n)
{
	memset(nonce, 0, 4);
	for (int i = 0; i < 8; i++)
		nonce[4 + i] = (uint8_t)(n >> (8 * i));
}

void
crypt_aead_encrypt(uint8_t *out, const uint8_t key[CRYPT_AEAD_KEY], uint64_t n, const uint8_t *ad,
                   size_t adlen, const uint8_t *pt, size_t len)
{
	uint8_t nonce[crypto_aead_chacha20poly1305_IETF_NPUBBYTES];

	aead_nonce(nonce, n);
	crypto_aead_chacha20poly1305_ietf_encrypt(out, NULL, pt, len, ad, adlen, NULL, nonce, key);
}

int
crypt_aead_decrypt(uint8_t *out, const uint8_t key[CRYPT_AEAD_KEY], uint64_t n, const uint8_t *ad,
                   size_t adlen, const uint8_t *ct, size_t len)
{
	uint8_t nonce[crypto_aead_chacha20poly1305_IETF_NPUBBYTES];

	if (len < CRYPT_AEAD_TAG)
		return -EBADMSG;
	aead_nonce(nonce, n);
	if (crypto_aead_chacha20poly1305_ietf_decrypt(out, NULL, NULL, ct, len, ad, adlen, nonce,
	                                              key) != 0) {
		sodium_memzero(out, len - CRYPT_AEAD_TAG);
		return -EBADMSG;
	}
	return 0;
}

void
crypt_hash2(uint8_t out[CRYPT_HASH_MAX], const uint8_t *a, size_t alen, const uint8_t *b,
            size_t blen)
{
	crypto_generichash_state st;

	crypto_generichash_init(&st, NULL, 0, CRYPT_HASH_MAX);
	if (alen > 0)
		crypto_generichash_update(&st, a, alen);
	if (blen > 0)
		crypto_generichash_update(&st, b, blen);
	crypto_generichash_final(&st, out, CRYPT_HASH_MAX);
	sodium_memzero(&st, sizeof(st));
}

#define HMAC_BLOCK 128 /* BLAKE2b's block length */

void
crypt_hmac(uint8_t out[CRYPT_HASH_MAX], const uint8_t *key, size_t keylen, const uint8_t *a,
           size_t alen, const uint8_t *b, size_t blen)
{
	crypto_generichash_state st;
	uint8_t pad[HMAC_BLOCK], inner[CRYPT_HASH_MAX];

	assert(keylen <= HMAC_BLOCK);
	/* inner = H((K ^ ipad) || a || b) */
	memset(pad, 0x36, sizeof(pad));
	for (size_t i = 0; i < keylen; i++)
		pad[i] ^= key[i];
	crypto_generichash_init(&st, NULL, 0, CRYPT_HASH_MAX);
	crypto_generichash_update(&st, pad, sizeof(pad));
	if (alen > 0)
		crypto_generichash_update(&st, a, alen);
	if (blen > 0)
		crypto_generichash_update(&st, b, blen);
	crypto_generichash_final(&st, inner, sizeof(inner));
	/* out = H((K ^ opad) || inner) */
	memset(pad, 0x5c, sizeof(pad));
	for (size_t i = 0; i < keylen; i++)
		pad[i] ^= key[i];
	crypt_hash2(out, pad, sizeof(pad), inner, sizeof(inner));
	sodium_memzero(pad, sizeof(pad));
	sodium_memzero(inner, sizeof(inner));
	sodium_memzero(&st, sizeof(st));
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

void
crypt_hash_keyed(uint8_t *out, size_t outlen, const uint8_t *key, size_t keylen, const char *tag,
                 const uint8_t *msg, size_t len)
{
	crypto_generichash_state st;

	assert(outlen >= crypto_generichash_BYTES_MIN && outlen <= CRYPT_HASH_MAX);
	assert(keylen >= crypto_generichash_KEYBYTES_MIN &&
	       keylen <= crypto_generichash_KEYBYTES_MAX);
	crypto_generichash_init(&st, key, keylen, outlen);
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

void
crypt_base64(char *out, const uint8_t *bin, size_t n)
{
	sodium_bin2base64(out, CRYPT_BASE64_LEN(n) + 1, bin, n, sodium_base64_VARIANT_ORIGINAL);
}

int
crypt_unbase64(uint8_t *bin, size_t max, size_t *n, const char *b64, size_t len)
{
	const char *end = NULL;

	*n = 0;
	/* libsodium stops at the first character outside the alphabet and says where: the whole
	 * input must have been taken, so that "QQ==junk" is not "A". */
	if (len % 4 != 0)
		return -EINVAL;
	if (len / 4 * 3 - (len > 0 && b64[len - 1] == '=') - (len > 1 && b64[len - 2] == '=') > max)
		return -EMSGSIZE;
	if (sodium_base642bin(bin, max, b64, len, NULL, n, &end, sodium_base64_VARIANT_ORIGINAL) !=
	            0 ||
	    end != b64 + len)
		return -EINVAL;
	return 0;
}
