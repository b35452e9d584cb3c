/*
 * noise.c: Noise_XX_25519_ChaChaPoly_BLAKE2b, revision 34 of the Noise specification,
 * written from the specification's processing rules (CipherState, SymmetricState,
 * HandshakeState) for the one pattern wallflower uses.
 *
 * It trusts nothing it reads: every message is length-checked token by token, every
 * encrypted part must authenticate, and a small-order key ends the handshake. It must
 * never keep a secret past a failure or past Split.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "wallflower/noise.h"

enum token { TOK_E, TOK_S, TOK_EE, TOK_ES, TOK_SE, TOK_END };

/* XX's three message patterns. */
static const enum token xx[3][5] = {
	{ TOK_E, TOK_END },
	{ TOK_E, TOK_EE, TOK_S, TOK_ES, TOK_END },
	{ TOK_S, TOK_SE, TOK_END },
};

struct noise_hs {
	enum noise_role role;
	int next; /* index of the next message, 3 when done */
	bool failed;
	bool split;
	/* SymmetricState */
	struct noise_cipher c;
	uint8_t ck[NOISE_HASH];
	uint8_t h[NOISE_HASH];
	/* HandshakeState */
	uint8_t s_sk[NOISE_KEY], s_pk[NOISE_KEY];
	uint8_t e_sk[NOISE_KEY], e_pk[NOISE_KEY];
	uint8_t rs[NOISE_KEY], re[NOISE_KEY];
	bool has_rs;
};

void
noise_cipher_wipe(struct noise_cipher *c)
{
	crypt_wipe(c, sizeof(*c));
}

int
noise_cipher_encrypt(struct noise_cipher *c, const uint8_t *ad, size_t adlen, const uint8_t *pt,
                     size_t len, uint8_t *out)
{
	if (!c->has_key) {
		if (len > 0)
			memmove(out, pt, len);
		return 0;
	}
	/* 2^64-1 is reserved (Noise section 5.1): the cipher is spent. */
	if (c->n == NOISE_NONCE_MAX)
		return -EOVERFLOW;
	crypt_aead_encrypt(out, c->k, c->n, ad, adlen, pt, len);
	c->n++;
	return 0;
}

int
noise_cipher_decrypt(struct noise_cipher *c, const uint8_t *ad, size_t adlen, const uint8_t *ct,
                     size_t len, uint8_t *out)
{
	int r;

	if (!c->has_key) {
		if (len > 0)
			memmove(out, ct, len);
		return 0;
	}
	if (c->n == NOISE_NONCE_MAX)
		return -EOVERFLOW;
	if ((r = crypt_aead_decrypt(out, c->k, c->n, ad, adlen, ct, len)) < 0)
		return r;
	c->n++;
	return 0;
}

/* HKDF with two outputs (Noise section 4.3), from chaining key ck and input ikm. */
static void
hkdf2(const uint8_t ck[NOISE_HASH], const uint8_t *ikm, size_t len, uint8_t out1[NOISE_HASH],
      uint8_t out2[NOISE_HASH])
{
	static const uint8_t one = 0x01, two = 0x02;
	uint8_t temp[NOISE_HASH];

	crypt_hmac(temp, ck, NOISE_HASH, ikm, len, NULL, 0);
	crypt_hmac(out1, temp, NOISE_HASH, &one, 1, NULL, 0);
	crypt_hmac(out2, temp, NOISE_HASH, out1, NOISE_HASH, &two, 1);
	crypt_wipe(temp, sizeof(temp));
}

static void
mix_hash(struct noise_hs *hs, const uint8_t *data, size_t len)
{
	crypt_hash2(hs->h, hs->h, NOISE_HASH, data, len);
}

static void
mix_key(struct noise_hs *hs, const uint8_t *ikm, size_t len)
{
	uint8_t k[NOISE_HASH];

	hkdf2(hs->ck, ikm, len, hs->ck, k);
	memcpy(hs->c.k, k, NOISE_KEY); /* truncated to 32 bytes, as HASHLEN is 64 */
	hs->c.n = 0;
	hs->c.has_key = true;
	crypt_wipe(k, sizeof(k));
}

/* A DH token: MixKey(DH(local, remote)). */
static int
mix_dh(struct noise_hs *hs, const uint8_t *local_sk, const uint8_t *remote_pk)
{
	uint8_t shared[NOISE_KEY];
	int r = crypt_dh(shared, local_sk, remote_pk);

	if (r == 0)
		mix_key(hs, shared, sizeof(shared));
	crypt_wipe(shared, sizeof(shared));
	return r;
}

/* Which keys a DH token combines, from this side's point of view. */
static int
token_dh(struct noise_hs *hs, enum token t)
{
	bool init = hs->role == NOISE_INITIATOR;

	switch (t) {
	case TOK_EE:
		return mix_dh(hs, hs->e_sk, hs->re);
	case TOK_ES:
		return init ? mix_dh(hs, hs->e_sk, hs->rs) : mix_dh(hs, hs->s_sk, hs->re);
	case TOK_SE:
		return init ? mix_dh(hs, hs->s_sk, hs->re) : mix_dh(hs, hs->e_sk, hs->rs);
	default:
		return -EPROTO;
	}
}

/* Ends the handshake for good: nothing secret survives a failure. */
static int
fail(struct noise_hs *hs, int r)
{
	enum noise_role role = hs->role;

	crypt_wipe(hs, sizeof(*hs));
	hs->role = role;
	hs->failed = true;
	return r;
}

int
noise_hs_new(enum noise_role role, const uint8_t *prologue, size_t prologue_len,
             const uint8_t s_sk[NOISE_KEY], const uint8_t *e_sk, struct noise_hs **out)
{
	static const char name[] = NOISE_PROTOCOL;
	struct noise_hs *hs;

	*out = NULL;
	if ((hs = calloc(1, sizeof(*hs))) == NULL)
		return -ENOMEM;
	hs->role = role;
	/* InitializeSymmetric: the name (33 bytes) fits in HASHLEN, so h is the name padded
	 * with zeros, and ck = h. */
	memcpy(hs->h, name, sizeof(name) - 1);
	memcpy(hs->ck, hs->h, NOISE_HASH);
	mix_hash(hs, prologue, prologue_len);
	memcpy(hs->s_sk, s_sk, NOISE_KEY);
	if (e_sk != NULL)
		memcpy(hs->e_sk, e_sk, NOISE_KEY);
	else
		crypt_random(hs->e_sk, NOISE_KEY);
	if (crypt_dh_public(hs->s_pk, hs->s_sk) < 0 || crypt_dh_public(hs->e_pk, hs->e_sk) < 0) {
		noise_hs_free(hs);
		return -EINVAL;
	}
	*out = hs;
	return 0;
}

void
noise_hs_free(struct noise_hs *hs)
{
	if (hs == NULL)
		return;
	crypt_wipe(hs, sizeof(*hs));
	free(hs);
}

bool
noise_hs_my_turn(const struct noise_hs *hs)
{
	bool even = hs->next % 2 == 0;

	return !hs->failed && hs->next < 3 && even == (hs->role == NOISE_INITIATOR);
}

bool
noise_hs_done(const struct noise_hs *hs)
{
	return !hs->failed && hs->next == 3;
}

/* Bytes an encrypted part of len bytes takes with the current key state. */
static size_t
sealed_len(const struct noise_hs *hs, size_t len)
{
	return len + (hs->c.has_key ? NOISE_TAG : 0);
}

/* EncryptAndHash into out + *off, checking room first. */
static int
put_sealed(struct noise_hs *hs, const uint8_t *pt, size_t len, uint8_t *out, size_t outmax,
           size_t *off)
{
	size_t n = sealed_len(hs, len);
	int r;

	if (n > outmax - *off)
		return -EMSGSIZE;
	if ((r = noise_cipher_encrypt(&hs->c, hs->h, NOISE_HASH, pt, len, out + *off)) < 0)
		return r;
	mix_hash(hs, out + *off, n);
	*off += n;
	return 0;
}

static int
write_token(struct noise_hs *hs, enum token t, uint8_t *out, size_t outmax, size_t *off)
{
	switch (t) {
	case TOK_E:
		if (NOISE_KEY > outmax - *off)
			return -EMSGSIZE;
		memcpy(out + *off, hs->e_pk, NOISE_KEY);
		*off += NOISE_KEY;
		mix_hash(hs, hs->e_pk, NOISE_KEY);
		return 0;
	case TOK_S:
		return put_sealed(hs, hs->s_pk, NOISE_KEY, out, outmax, off);
	default:
		return token_dh(hs, t);
	}
}

int
noise_hs_write(struct noise_hs *hs, const uint8_t *payload, size_t plen, uint8_t *out,
               size_t outmax, size_t *outlen)
{
	size_t off = 0;
	int r;

	*outlen = 0;
	if (!noise_hs_my_turn(hs))
		return -EPROTO;
	if (outmax > NOISE_MSG_MAX)
		outmax = NOISE_MSG_MAX;
	for (const enum token *t = xx[hs->next]; *t != TOK_END; t++)
		if ((r = write_token(hs, *t, out, outmax, &off)) < 0)
			return fail(hs, r);
	if ((r = put_sealed(hs, payload, plen, out, outmax, &off)) < 0)
		return fail(hs, r);
	hs->next++;
	*outlen = off;
	return 0;
}

/* DecryptAndHash of n bytes at msg + *off into out. */
static int
take_sealed(struct noise_hs *hs, const uint8_t *msg, size_t len, size_t *off, size_t n,
            uint8_t *out)
{
	int r;

	if (n > len - *off)
		return -EBADMSG;
	if ((r = noise_cipher_decrypt(&hs->c, hs->h, NOISE_HASH, msg + *off, n, out)) < 0)
		return r;
	mix_hash(hs, msg + *off, n);
	*off += n;
	return 0;
}

static int
read_token(struct noise_hs *hs, enum token t, const uint8_t *msg, size_t len, size_t *off)
{
	switch (t) {
	case TOK_E:
		if (NOISE_KEY > len - *off)
			return -EBADMSG;
		memcpy(hs->re, msg + *off, NOISE_KEY);
		*off += NOISE_KEY;
		mix_hash(hs, hs->re, NOISE_KEY);
		return 0;
	case TOK_S:
		if (take_sealed(hs, msg, len, off, sealed_len(hs, NOISE_KEY), hs->rs) < 0)
			return -EBADMSG;
		hs->has_rs = true;
		return 0;
	default:
		return token_dh(hs, t);
	}
}

int
noise_hs_read(struct noise_hs *hs, const uint8_t *msg, size_t len, uint8_t *payload, size_t pmax,
              size_t *plen)
{
	size_t off = 0, rest;
	int r;

	*plen = 0;
	if (hs->failed || hs->next >= 3 || noise_hs_my_turn(hs))
		return -EPROTO;
	if (len > NOISE_MSG_MAX)
		return fail(hs, -EMSGSIZE);
	for (const enum token *t = xx[hs->next]; *t != TOK_END; t++)
		if ((r = read_token(hs, *t, msg, len, &off)) < 0)
			return fail(hs, r);
	rest = len - off;
	if (hs->c.has_key && rest < NOISE_TAG)
		return fail(hs, -EBADMSG);
	if (rest - (hs->c.has_key ? NOISE_TAG : 0) > pmax)
		return fail(hs, -EMSGSIZE);
	if ((r = take_sealed(hs, msg, len, &off, rest, payload)) < 0)
		return fail(hs, r);
	*plen = rest - (hs->c.has_key ? NOISE_TAG : 0);
	hs->next++;
	return 0;
}

int
noise_hs_remote_static(const struct noise_hs *hs, uint8_t out[NOISE_KEY])
{
	if (hs->failed || !hs->has_rs)
		return -EPROTO;
	memcpy(out, hs->rs, NOISE_KEY);
	return 0;
}

int
noise_hs_hash(const struct noise_hs *hs, uint8_t out[NOISE_HASH])
{
	if (!noise_hs_done(hs))
		return -EPROTO;
	memcpy(out, hs->h, NOISE_HASH);
	return 0;
}

int
noise_hs_split(struct noise_hs *hs, struct noise_cipher *send, struct noise_cipher *recv)
{
	uint8_t k1[NOISE_HASH], k2[NOISE_HASH];
	struct noise_cipher *c1, *c2;

	if (!noise_hs_done(hs) || hs->split)
		return -EPROTO;
	hkdf2(hs->ck, NULL, 0, k1, k2);
	/* c1 carries initiator -> responder, c2 the other way. */
	c1 = hs->role == NOISE_INITIATOR ? send : recv;
	c2 = hs->role == NOISE_INITIATOR ? recv : send;
	memset(c1, 0, sizeof(*c1));
	memset(c2, 0, sizeof(*c2));
	memcpy(c1->k, k1, NOISE_KEY);
	memcpy(c2->k, k2, NOISE_KEY);
	c1->has_key = c2->has_key = true;
	crypt_wipe(k1, sizeof(k1));
	crypt_wipe(k2, sizeof(k2));
	/* What is left of the handshake is public: the peer's key and the hash. */
	noise_cipher_wipe(&hs->c);
	crypt_wipe(hs->ck, sizeof(hs->ck));
	crypt_wipe(hs->s_sk, sizeof(hs->s_sk));
	crypt_wipe(hs->e_sk, sizeof(hs->e_sk));
	hs->split = true;
	return 0;
}
