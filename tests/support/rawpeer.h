/*
 * rawpeer: a session peer built straight on noise.c, for tests and fuzzers that must say
 * what a well-behaved session never would (any plaintext in a transport message, a
 * payload in a handshake message, a request signed over another session). It speaks the
 * framing of proto/session.md and its handshake, with whatever payload it is given.
 */
#ifndef WALLFLOWER_RAWPEER_H
#define WALLFLOWER_RAWPEER_H

#include "wallflower/session.h"

struct rawpeer {
	struct noise_hs *hs;
	int msg; /* handshake messages so far */
	struct noise_cipher tx, rx;
	const uint8_t *payload; /* put in every handshake message it writes (NULL: none) */
	size_t payload_len;
	size_t got_len; /* payload length of the last handshake message it read */
};

/* 0 or -errno. static_sk: its presence secret; ephemeral: fixed, or NULL. */
int rawpeer_init(struct rawpeer *p, enum noise_role role, const uint8_t *static_sk,
                 const uint8_t *ephemeral);
void rawpeer_free(struct rawpeer *p);

/* Writes the next handshake message as a frame into out (room for SESSION_FRAME_MAX + 2),
 * with p->payload. Splits after the last. Returns the frame length, or a negative errno. */
int rawpeer_hs_out(struct rawpeer *p, uint8_t *out);

/* Reads one handshake frame; splits after the last message. 0 or negative errno. */
int rawpeer_hs_in(struct rawpeer *p, const uint8_t *frame, size_t len);

/* The handshake hash, once done. 0 or negative errno. */
int rawpeer_hash(const struct rawpeer *p, uint8_t out[NOISE_HASH]);

/* Seals pt as one transport frame into out. Returns the frame length. */
int rawpeer_seal(struct rawpeer *p, const uint8_t *pt, size_t len, uint8_t *out);

/* Opens one transport frame into pt (room for SESSION_FRAME_MAX). Returns the plaintext
 * length, or a negative errno. */
int rawpeer_open(struct rawpeer *p, const uint8_t *frame, size_t len, uint8_t *pt);

#endif
