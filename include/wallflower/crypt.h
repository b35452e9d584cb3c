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
 * BLAKE2b of tag || msg with outlen bytes of output (1..CRYPT_HASH_MAX).
 * tag may be NULL for none.
 */
void crypt_hash_tagged(uint8_t *out, size_t outlen, const char *tag, const uint8_t *msg,
                       size_t len);

/* Constant-time comparison of n bytes: 0 when equal, -1 otherwise. */
int crypt_equal(const void *a, const void *b, size_t n) CRYPT_WUR;

/* Lower-case hex of n bytes into out, which has room for 2n+1. */
void crypt_hex(char *out, const uint8_t *bin, size_t n);

/* Parses exactly 2n hex digits (either case) into n bytes. 0 or -EINVAL. */
int crypt_unhex(uint8_t *bin, size_t n, const char *hex, size_t hexlen) CRYPT_WUR;

#endif
