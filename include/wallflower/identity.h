/*
 * identity: this user's long-term keys. An Ed25519 key is the identity (it signs cards);
 * a separate X25519 key is the Noise static key, bound to the identity by an Ed25519
 * signature over IDENTITY_BINDING_TAG || X25519 public key (DESIGN.md, "Session").
 *
 * Both live in one file, IDENTITY_FILE, mode 0600, under the state directory, so that an
 * identity is created (or not) in one atomic step. The format is in docs/identity.md.
 */
#ifndef WALLFLOWER_IDENTITY_H
#define WALLFLOWER_IDENTITY_H

#include <stdint.h>

#include "wallflower/crypt.h"

#define IDENTITY_FILE        "identity.key"
#define IDENTITY_BINDING_TAG "wallflower-noise-static-v1"
#define IDENTITY_FPR_TAG     "wallflower-fingerprint-v1"
#define IDENTITY_FPR_LEN     29 /* "abcd-efgh-ijkl-mnop-qrst-uvwx" */
#define IDENTITY_FILE_LEN    136

struct identity {
	uint8_t sign_pk[CRYPT_SIGN_PK];
	uint8_t sign_sk[CRYPT_SIGN_SK];
	uint8_t dh_pk[CRYPT_DH_KEY];
	uint8_t dh_sk[CRYPT_DH_KEY];
	uint8_t binding[CRYPT_SIG];
};

/*
 * Creates fresh keys and writes them to dir/IDENTITY_FILE (0600); dir must exist.
 * Never replaces an existing identity. 0; -EEXIST; other -errno.
 */
int identity_create(const char *dir, struct identity **out) CRYPT_WUR;

/*
 * Builds an identity from fixed secrets (test vectors, tests). 0 or -EINVAL for an
 * unusable X25519 secret, -ENOMEM.
 */
int identity_from_secrets(const uint8_t seed[CRYPT_SIGN_SEED], const uint8_t dh_sk[CRYPT_DH_KEY],
                          struct identity **out) CRYPT_WUR;

/*
 * Loads dir/IDENTITY_FILE. 0; -ENOENT when there is none; -EPERM when group or others have
 * any permission on it or it is not ours (see file_check_private); -EINVAL when it is not
 * a regular file; -EPROTO when it is an identity file of another format version;
 * -EBADMSG when it is not an identity file or its binding does not verify; other -errno.
 */
int identity_load(const char *dir, struct identity **out) CRYPT_WUR;

/* Wipes and frees. NULL is fine. */
void identity_free(struct identity *id);

/* Checks a binding signature: 0 or -EBADMSG. */
int identity_binding_verify(const uint8_t sign_pk[CRYPT_SIGN_PK], const uint8_t dh_pk[CRYPT_DH_KEY],
                            const uint8_t sig[CRYPT_SIG]) CRYPT_WUR;

/*
 * The fingerprint of an Ed25519 public key, for people to compare: the first 15 bytes of
 * BLAKE2b-256(IDENTITY_FPR_TAG || key) in lower-case RFC 4648 base32, in six groups of
 * four joined by '-'. out gets IDENTITY_FPR_LEN characters and a NUL.
 */
void identity_fingerprint(const uint8_t key[CRYPT_SIGN_PK], char out[IDENTITY_FPR_LEN + 1]);

#endif
