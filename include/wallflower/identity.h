/*
 * identity: this user's long-term key, one Ed25519 key pair. Its public half is the
 * identity: it signs cards, and the handover signature that binds a card to a session
 * (session.h). Sessions themselves run on short-lived presence keys, not on this key.
 *
 * The secret lives in one file, IDENTITY_FILE, mode 0600, under the state directory, so
 * that an identity is created (or not) in one atomic step. The format is in
 * docs/identity.md: version 2 holds the Ed25519 seed alone; a version 1 file (which also
 * held a long-term X25519 key and its binding) still loads, by its seed.
 */
#ifndef WALLFLOWER_IDENTITY_H
#define WALLFLOWER_IDENTITY_H

#include <stdint.h>

#include "wallflower/crypt.h"

#define IDENTITY_FILE        "identity.key"
#define IDENTITY_FPR_TAG     "wallflower-fingerprint-v1"
#define IDENTITY_FPR_LEN     29  /* "abcd-efgh-ijkl-mnop-qrst-uvwx" */
#define IDENTITY_FILE_LEN    40  /* version 2: magic, version, seed */
#define IDENTITY_FILE_V1_LEN 136 /* version 1: magic, version, seed, X25519, binding */

struct identity {
	uint8_t sign_pk[CRYPT_SIGN_PK];
	uint8_t sign_sk[CRYPT_SIGN_SK];
};

/*
 * Creates a fresh key and writes it to dir/IDENTITY_FILE (version 2, 0600); dir must
 * exist. Never replaces an existing identity. 0; -EEXIST; other -errno.
 */
int identity_create(const char *dir, struct identity **out) CRYPT_WUR;

/* Builds an identity from a fixed Ed25519 seed (test vectors, tests). 0 or -ENOMEM. */
int identity_from_seed(const uint8_t seed[CRYPT_SIGN_SEED], struct identity **out) CRYPT_WUR;

/*
 * Loads dir/IDENTITY_FILE, version 2 or 1 (of which only the seed is used). 0; -ENOENT
 * when there is none; -EPERM when group or others have any permission on it or it is not
 * ours (see file_check_private); -EINVAL when it is not a regular file; -EPROTO when it is
 * an identity file of another format version; -EBADMSG when it is not an identity file
 * (wrong magic, or the wrong length for its version); other -errno.
 */
int identity_load(const char *dir, struct identity **out) CRYPT_WUR;

/* Wipes and frees. NULL is fine. */
void identity_free(struct identity *id);

/*
 * The fingerprint of an Ed25519 public key, for people to compare: the first 15 bytes of
 * BLAKE2b-256(IDENTITY_FPR_TAG || key) in lower-case RFC 4648 base32, in six groups of
 * four joined by '-'. out gets IDENTITY_FPR_LEN characters and a NUL.
 */
void identity_fingerprint(const uint8_t key[CRYPT_SIGN_PK], char out[IDENTITY_FPR_LEN + 1]);

#endif
