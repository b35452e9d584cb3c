/*
 * noise: the Noise protocol framework (revision 34), exactly the one protocol wallflower
 * speaks: Noise_XX_25519_ChaChaPoly_BLAKE2b. A pure state machine on crypt primitives:
 * messages in, messages out, no sockets and no framing (session does those).
 *
 *   XX:  -> e
 *        <- e, ee, s, es
 *        -> s, se
 *
 * Any failure (a message that does not authenticate, a small-order key, a wrong turn)
 * leaves the handshake failed for good, with every secret in it wiped.
 */
#ifndef WALLFLOWER_NOISE_H
#define WALLFLOWER_NOISE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wallflower/crypt.h"

#define NOISE_PROTOCOL  "Noise_XX_25519_ChaChaPoly_BLAKE2b"
#define NOISE_KEY       32 /* DHLEN, and the cipher key length */
#define NOISE_HASH      64 /* HASHLEN of BLAKE2b */
#define NOISE_TAG       16
#define NOISE_MSG_MAX   65535      /* the most bytes of any Noise message */
#define NOISE_NONCE_MAX UINT64_MAX /* reserved: a cipher state never uses it */

/* A CipherState: a key and the next nonce. */
struct noise_cipher {
	uint8_t k[NOISE_KEY];
	uint64_t n;
	bool has_key;
};

/*
 * EncryptWithAd: out gets len + NOISE_TAG bytes (len bytes of plain copy when there is no
 * key yet, as Noise says). 0; -EOVERFLOW when the nonces are used up (the cipher must not
 * be used again).
 */
int noise_cipher_encrypt(struct noise_cipher *c, const uint8_t *ad, size_t adlen, const uint8_t *pt,
                         size_t len, uint8_t *out) CRYPT_WUR;

/* DecryptWithAd: out gets len - NOISE_TAG bytes. 0; -EBADMSG when it does not authenticate
 * (the nonce does not advance); -EOVERFLOW when the nonces are used up. */
int noise_cipher_decrypt(struct noise_cipher *c, const uint8_t *ad, size_t adlen, const uint8_t *ct,
                         size_t len, uint8_t *out) CRYPT_WUR;

/* Wipes a cipher state. */
void noise_cipher_wipe(struct noise_cipher *c);

enum noise_role { NOISE_INITIATOR, NOISE_RESPONDER };

struct noise_hs;

/*
 * A handshake for role with the local static X25519 secret s_sk. e_sk fixes the ephemeral
 * secret (test vectors); NULL draws a fresh one. The prologue is mixed in as Noise says.
 * 0 or -ENOMEM, -EINVAL for an unusable key.
 */
int noise_hs_new(enum noise_role role, const uint8_t *prologue, size_t prologue_len,
                 const uint8_t s_sk[NOISE_KEY], const uint8_t *e_sk,
                 struct noise_hs **out) CRYPT_WUR;

/* Wipes and frees. NULL is fine. */
void noise_hs_free(struct noise_hs *hs);

/* Whether it is this side's turn to write. */
bool noise_hs_my_turn(const struct noise_hs *hs);

/* Whether all three messages have passed. */
bool noise_hs_done(const struct noise_hs *hs);

/*
 * Writes the next handshake message carrying payload into out (room for outmax bytes).
 * 0 with *outlen; -EPROTO when it is not our turn or the handshake failed before;
 * -EMSGSIZE when out is too small or the message would exceed NOISE_MSG_MAX; -EINVAL for a
 * small-order remote key (the handshake fails).
 */
int noise_hs_write(struct noise_hs *hs, const uint8_t *payload, size_t plen, uint8_t *out,
                   size_t outmax, size_t *outlen) CRYPT_WUR;

/*
 * Reads the next handshake message; its payload goes to payload (room for pmax bytes).
 * 0 with *plen; -EPROTO as for write; -EBADMSG when it is too short or does not
 * authenticate; -EINVAL for a small-order key; -EMSGSIZE when the payload does not fit.
 * Any error fails the handshake for good.
 */
int noise_hs_read(struct noise_hs *hs, const uint8_t *msg, size_t len, uint8_t *payload,
                  size_t pmax, size_t *plen) CRYPT_WUR;

/* The peer's static public key, once its "s" has been read. 0 or -EPROTO before. */
int noise_hs_remote_static(const struct noise_hs *hs, uint8_t out[NOISE_KEY]) CRYPT_WUR;

/* The handshake hash h (channel binding), once done. 0 or -EPROTO. */
int noise_hs_hash(const struct noise_hs *hs, uint8_t out[NOISE_HASH]) CRYPT_WUR;

/*
 * Split: the two transport cipher states, for sending and for receiving from this side's
 * point of view. Then the handshake state is wiped (only remote_static and the hash stay).
 * 0 or -EPROTO when not done.
 */
int noise_hs_split(struct noise_hs *hs, struct noise_cipher *send,
                   struct noise_cipher *recv) CRYPT_WUR;

#endif
