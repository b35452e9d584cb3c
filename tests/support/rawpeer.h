/*
 * rawpeer: a session peer built straight on noise.c, for tests and fuzzers that must say
 * what a well-behaved session never would (any plaintext in a transport message, a
 * handshake with a wrong binding). It speaks the framing and hello of proto/session.md.
 */
#ifndef WALLFLOWER_RAWPEER_H
#define WALLFLOWER_RAWPEER_H

#include "wallflower/session.h"

struct rawpeer {
	struct noise_hs *hs;
	int msg; /* handshake messages so far */
	struct noise_cipher tx, rx;
	uint8_t hello[SESSION_HELLO_LEN];
};

/* 0 or -errno. binding: the signature to put in the hello (NULL: the identity's own). */
int rawpeer_init(struct rawpeer *p, enum noise_role role, const struct identity *id,
                 const uint8_t *ephemeral, const uint8_t *binding);
void rawpeer_free(struct rawpeer *p);

/* Writes the next handshake message as a frame into out (room for SESSION_FRAME_MAX + 2);
 * message 1 has no payload, the others the hello. Splits after the last. Returns the
 * frame length, or a negative errno. */
int rawpeer_hs_out(struct rawpeer *p, uint8_t *out);

/* Reads one handshake frame; splits after the last message. 0 or negative errno. */
int rawpeer_hs_in(struct rawpeer *p, const uint8_t *frame, size_t len);

/* Seals pt as one transport frame into out. Returns the frame length. */
int rawpeer_seal(struct rawpeer *p, const uint8_t *pt, size_t len, uint8_t *out);

/* Opens one transport frame into pt (room for SESSION_FRAME_MAX). Returns the plaintext
 * length, or a negative errno. */
int rawpeer_open(struct rawpeer *p, const uint8_t *frame, size_t len, uint8_t *pt);

#endif
