/*
 * sas: the short authentication string of a verification in person (proto/session.md,
 * "Verifying in person"). Two people compare a six-digit code on their two screens; the
 * code is derived from the session's handshake hash, both identities and two nonces, one
 * of which the initiator committed to before it saw the other, so that someone in the
 * middle, who holds two sessions with two different hashes, gets one guess in a million at
 * making the two codes equal and cannot search for a better one.
 */
#ifndef WALLFLOWER_SAS_H
#define WALLFLOWER_SAS_H

#include <stdint.h>

#include "wallflower/crypt.h"
#include "wallflower/noise.h"

#define SAS_NONCE      32 /* bytes of a nonce, and of a commitment */
#define SAS_CODE_MOD   1000000u
#define SAS_COMMIT_TAG "wallflower-verify-commit-v2"
#define SAS_CODE_TAG   "wallflower-verify-code-v2"
#define SAS_ID_I_TAG   "wallflower-verify-initiator-v2" /* the initiator's signature over h */
#define SAS_ID_R_TAG   "wallflower-verify-responder-v2" /* the responder's signature over h */
#define SAS_TEXT       8                                /* "123 456" and its NUL */

/* The commitment to the initiator's nonce: BLAKE2b-256(SAS_COMMIT_TAG || h || nonce). */
void sas_commit(uint8_t out[SAS_NONCE], const uint8_t h[NOISE_HASH],
                const uint8_t nonce[SAS_NONCE]);

/*
 * The code both screens show, 0 to 999999: the first 8 bytes, big-endian, of
 * BLAKE2b-256(SAS_CODE_TAG || h || key_i || key_r || nonce_i || nonce_r), modulo 10^6.
 * key_i and key_r are the initiator's and the responder's identities.
 */
uint32_t sas_code(const uint8_t h[NOISE_HASH], const uint8_t key_i[CRYPT_SIGN_PK],
                  const uint8_t key_r[CRYPT_SIGN_PK], const uint8_t nonce_i[SAS_NONCE],
                  const uint8_t nonce_r[SAS_NONCE]);

/* The code as people read it: six digits in two groups of three ("012 345"). */
void sas_format(char out[SAS_TEXT], uint32_t code);

#endif
