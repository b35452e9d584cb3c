/*
 * crypt: the only door to libsodium. Signatures (Ed25519), key agreement keys (X25519),
 * hashing (BLAKE2b), randomness and wiping. Every other module asks here, so that a
 * change of library touches one file.
 *
 * Hostile input (a bad signature) returns -1-style errors; caller misuse (NULL, wrong
 * sizes) is a programmer error and asserts.
 */
#ifndef WALLFLOWER_CRYPT_H
#define WALLFLOWER_CRYPT_H

#include <stddef.h>
#include <stdint.h>

#define CRYPT_SIGN_PK   32 /* Ed25519 public key */
#define CRYPT_SIGN_SK   64 /* Ed25519 secret key (seed || public key) */
#define CRYPT_SIGN_SEED 32
#define CRYPT_SIG       64
#define CRYPT_DH_KEY    32 /* X25519 public or secret key */
#define CRYPT_HASH      32 /* default BLAKE2b output */
#define CRYPT_HASH_MAX  64

#define CRYPT_WUR __attribute__((warn_unused_result))

/* Initialises libsodium; call once before anything else. 0 or -EIO. */
int crypt_init(void) CRYPT_WUR;

/* Fills buf with n unpredictable bytes. */
void crypt_random(void *buf, size_t n);

/* Wipes n bytes at p in a way the compiler cannot elide. p may be NULL when n is 0. */
void crypt_wipe(void *p, size_t n);

/* Derives an Ed25519 key pair from a 32-byte seed (deterministic). */
void crypt_sign_keypair(uint8_t pk[CRYPT_SIGN_PK], uint8_t sk[CRYPT_SIGN_SK],
                        const uint8_t seed[CRYPT_SIGN_SEED]);

/*
 * Signs tag || msg (tag a NUL-terminated ASCII domain separator, written without its NUL).
 * 0 or -ENOMEM.
 */
int crypt_sign_tagged(uint8_t sig[CRYPT_SIG], const uint8_t sk[CRYPT_SIGN_SK], const char *tag,
                      const uint8_t *msg, size_t len) CRYPT_WUR;

/* Verifies a signature made by crypt_sign_tagged. 0, -EBADMSG (bad signature) or -ENOMEM. */
int crypt_verify_tagged(const uint8_t sig[CRYPT_SIG], const uint8_t pk[CRYPT_SIGN_PK],
                        const char *tag, const uint8_t *msg, size_t len) CRYPT_WUR;

/* Derives an X25519 public key from a secret key. 0, or -EINVAL for an unusable secret. */
int crypt_dh_public(uint8_t pk[CRYPT_DH_KEY], const uint8_t sk[CRYPT_DH_KEY]) CRYPT_WUR;

/*
 * X25519: out = DH(sk, pk). 0, or -EINVAL when the result is all zeros, which is what a
 * small-order public key gives (libsodium's check): such a key never completes a handshake.
 */
int crypt_dh(uint8_t out[CRYPT_DH_KEY], const uint8_t sk[CRYPT_DH_KEY],
             const uint8_t pk[CRYPT_DH_KEY]) CRYPT_WUR;

#define CRYPT_AEAD_KEY 32
#define CRYPT_AEAD_TAG 16

/*
 * ChaCha20-Poly1305 (RFC 8439) with the 96-bit nonce 0x00000000 || n as 64-bit
 * little-endian, which is how Noise numbers its messages. out gets len + CRYPT_AEAD_TAG
 * bytes; out may equal pt.
 */
void crypt_aead_encrypt(uint8_t *out, const uint8_t key[CRYPT_AEAD_KEY], uint64_t n,
                        const uint8_t *ad, size_t adlen, const uint8_t *pt, size_t len);

/* The inverse: out gets len - CRYPT_AEAD_TAG bytes. 0, or -EBADMSG when len is shorter than
 * the tag or authentication fails (out is then zeroed). */
int crypt_aead_decrypt(uint8_t *out, const uint8_t key[CRYPT_AEAD_KEY], uint64_t n,
                       const uint8_t *ad, size_t adlen, const uint8_t *ct, size_t len) CRYPT_WUR;

/* BLAKE2b-512 of a || b (either may be empty), as Noise's HASH(). */
void crypt_hash2(uint8_t out[CRYPT_HASH_MAX], const uint8_t *a, size_t alen, const uint8_t *b,
                 size_t blen);

/*
 * HMAC-BLAKE2b-512 (RFC 2104 with BLAKE2b-512, block 128 bytes) of a || b under key
 * (keylen <= 128), as Noise's HMAC-HASH(). libsodium's keyed BLAKE2b is a different
 * function, hence this one.
 */
void crypt_hmac(uint8_t out[CRYPT_HASH_MAX], const uint8_t *key, size_t keylen, const uint8_t *a,
                size_t alen, const uint8_t *b, size_t blen);

/*
 * BLAKE2b of tag || msg with outlen bytes of output (1..CRYPT_HASH_MAX).
 * tag may be NULL for none.
 */
void crypt_hash_tagged(uint8_t *out, size_t outlen, const char *tag, const uint8_t *msg,
                       size_t len);

/*
 * Keyed BLAKE2b (RFC 7693 keying, libsodium's crypto_generichash with a key; not HMAC) of
 * tag || msg, outlen bytes (1..CRYPT_HASH_MAX), key of 16..64 bytes. tag may be NULL.
 */
void crypt_hash_keyed(uint8_t *out, size_t outlen, const uint8_t *key, size_t keylen,
                      const char *tag, const uint8_t *msg, size_t len);

/* Constant-time comparison of n bytes: 0 when equal, -1 otherwise. */
int crypt_equal(const void *a, const void *b, size_t n) CRYPT_WUR;

/* Lower-case hex of n bytes into out, which has room for 2n+1. */
void crypt_hex(char *out, const uint8_t *bin, size_t n);

/* Parses exactly 2n hex digits (either case) into n bytes. 0 or -EINVAL. */
int crypt_unhex(uint8_t *bin, size_t n, const char *hex, size_t hexlen) CRYPT_WUR;

/* Characters of the standard, padded base64 of n bytes (RFC 4648 section 4), without NUL. */
#define CRYPT_BASE64_LEN(n) (((n) + 2) / 3 * 4)

/* Standard padded base64 of n bytes into out, which has room for CRYPT_BASE64_LEN(n) + 1
 * (NUL-terminated). */
void crypt_base64(char *out, const uint8_t *bin, size_t n);

/*
 * Decodes standard padded base64 (RFC 4648 section 4), strictly: only the alphabet, padding
 * exactly where it belongs and nowhere else, no whitespace, and the unused bits of the last
 * group zero (one encoding per byte string). At most max bytes into bin; *n gets the count.
 * 0; -EINVAL for anything else; -EMSGSIZE when the bytes would exceed max.
 */
int crypt_unbase64(uint8_t *bin, size_t max, size_t *n, const char *b64, size_t len) CRYPT_WUR;

#endif
