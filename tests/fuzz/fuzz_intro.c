/*
 * libFuzzer harness for the objects of an introduction (intro.c): bytes as an ask, an
 * intro or a reply, checked by a receiver the input chooses. The input is
 *   one byte: bits 0-1 pick the receiver (Ada, Grace, Linus, Mallory of
 *             proto/vectors/introduction.json); bit 2 set means the rest is a payload,
 *             which the harness signs with the key of the party in bits 3-4 and wraps in
 *             an envelope, so that mutations of an object's fields get past its signature;
 *   8 bytes:  the receiver's clock, big-endian;
 *   the rest: the object (or the payload).
 * Invariants: no crash, no leak; a refusal has a verdict and returns nothing; and what is
 * accepted holds every rule of proto/introduction.md sections 3 to 5 as the harness reads
 * them from the result (the object's bytes and id, its recipient and times, and for each
 * kind how its inner objects fit), and is accepted again. The seeds are the vectors, both
 * as objects and as payloads.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "wallflower/identity.h"
#include "wallflower/intro.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond))                                                                       \
			abort();                                                                   \
	} while (0)

#define HEADER 9

static struct identity *party[4];

static void
init(void)
{
	static const uint8_t seeds[4] = { 0xa1, 0xb2, 0xc3, 0xd4 };
	uint8_t seed[CRYPT_SIGN_SEED];

	if (party[0] != NULL)
		return;
	CHECK(crypt_init() == 0);
	for (int i = 0; i < 4; i++) {
		memset(seed, seeds[i], sizeof(seed));
		CHECK(identity_from_seed(seed, &party[i]) == 0);
	}
}

static bool
same(const uint8_t *a, const uint8_t *b)
{
	return memcmp(a, b, CRYPT_SIGN_PK) == 0;
}

/* [payload, sig] with the shortest headers, signed by id; NULL when it would not fit. */
static uint8_t *
wrap(const uint8_t *payload, size_t plen, const struct identity *id, size_t *len)
{
	uint8_t sig[CRYPT_SIG], *env, *p;

	if (plen > 65535 || (env = malloc(plen + 6 + CRYPT_SIG)) == NULL)
		return NULL;
	CHECK(crypt_sign_tagged(sig, id->sign_sk, INTRO_SIGN_TAG, payload, plen) == 0);
	p = env;
	*p++ = 0x92;
	if (plen < 256) {
		*p++ = 0xc4;
	} else {
		*p++ = 0xc5;
		*p++ = (uint8_t)(plen >> 8);
	}
	*p++ = (uint8_t)plen;
	memcpy(p, payload, plen);
	p += plen;
	*p++ = 0xc4;
	*p++ = CRYPT_SIG;
	memcpy(p, sig, CRYPT_SIG);
	*len = (size_t)(p + CRYPT_SIG - env);
	return env;
}

static void
check_intro_kind(const struct intro *o)
{
	CHECK(o->introduced != NULL && (o->consent == NULL) != (o->card == NULL));
	CHECK(!same(o->introduced->key, o->from->key) && !same(o->introduced->key, o->to));
	if (o->consent != NULL) {
		CHECK(o->introduced == o->consent->from);
		CHECK(o->consent->kind == INTRO_ASK && same(o->consent->to, o->from->key));
		CHECK(o->expires <= o->consent->expires);
	} else {
		CHECK(o->introduced == o->card && o->card->f.fwd == 1);
	}
}

/* What an accepted object must be, read back from the result. */
static void
check_valid(const struct intro *o, const uint8_t *buf, size_t len, const uint8_t *self,
            uint64_t now)
{
	uint8_t id[INTRO_ID_LEN];

	CHECK(o->len == len && memcmp(o->envelope, buf, len) == 0 && len <= INTRO_MAX);
	intro_id(buf, len, id);
	CHECK(memcmp(o->id, id, INTRO_ID_LEN) == 0);
	CHECK(o->from != NULL && same(o->to, self));
	CHECK(o->issued < o->expires && o->expires - o->issued <= INTRO_TTL_MAX);
	CHECK(o->issued <= INT64_MAX && o->expires <= INT64_MAX && o->expires > now);
	CHECK(o->issued <= now || o->issued - now <= INTRO_SKEW);
	switch (o->kind) {
	case INTRO_ASK:
		CHECK(o->seek != NULL && (!o->reply || o->has_rk) && !same(o->from->key, o->to));
		CHECK(o->consent == NULL && o->card == NULL && o->re == NULL);
		return;
	case INTRO_INTRO:
		CHECK(o->re == NULL);
		check_intro_kind(o);
		return;
	case INTRO_REPLY:
		CHECK(o->has_rk && o->re != NULL && o->re->kind == INTRO_INTRO);
		check_intro_kind(o->re);
		CHECK(o->re->consent != NULL && o->re->consent->reply);
		CHECK(same(o->re->to, o->from->key) && same(o->re->introduced->key, o->to));
		return;
	}
	CHECK(0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *self, *buf = data + HEADER;
	uint8_t *signed_env = NULL;
	size_t len = size - HEADER;
	enum intro_verdict v;
	struct intro *o = (struct intro *)1, *again;
	uint64_t now = 0;
	int r;

	if (size < HEADER)
		return 0;
	init();
	self = party[data[0] & 3]->sign_pk;
	for (int i = 1; i < HEADER; i++)
		now = now << 8 | data[i];
	if (data[0] & 4) {
		if ((signed_env = wrap(buf, len, party[(data[0] >> 3) & 3], &len)) == NULL)
			return 0;
		buf = signed_env;
	}
	r = intro_check(buf, len, self, now, &o, &v);
	if (r < 0) {
		CHECK(o == NULL);
		CHECK(r == -ENOMEM || (r == -EBADMSG && v > INTRO_OK && v < INTRO_VERDICT_COUNT));
	} else {
		CHECK(r == 0 && v == INTRO_OK && o != NULL);
		check_valid(o, buf, len, self, now);
		CHECK(intro_check(buf, len, self, now, &again, &v) == 0);
		intro_free(again);
	}
	intro_free(o);
	free(signed_env);
	return 0;
}
