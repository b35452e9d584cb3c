/*
 * libFuzzer harness: arbitrary bytes as a card *payload*, signed with a fixed key and put
 * in an envelope, so that mutations get past the signature and reach every field rule.
 * The fixed key is the vector signer (seed 00 01 .. 1f); the seed corpus holds the
 * vectors' payloads, which carry its public key.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wallflower/card.h"
#include "wallflower/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond))                                                                       \
			abort();                                                                   \
	} while (0)

static uint8_t pk[CRYPT_SIGN_PK], sk[CRYPT_SIGN_SK];

static void
setup(void)
{
	uint8_t seed[CRYPT_SIGN_SEED];

	CHECK(crypt_init() == 0);
	for (int i = 0; i < CRYPT_SIGN_SEED; i++)
		seed[i] = (uint8_t)i;
	crypt_sign_keypair(pk, sk, seed);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	uint8_t sig[CRYPT_SIG], *env;
	struct wire_out *w;
	struct card_error err;
	struct card *card;
	size_t len;

	if (!ready) {
		setup();
		ready = 1;
	}
	if (size > CARD_ENVELOPE_MAX)
		return 0;
	CHECK(crypt_sign_tagged(sig, sk, CARD_SIGN_TAG, data, size) == 0);
	CHECK(wire_out_new(2 * CARD_ENVELOPE_MAX, &w) == 0);
	wire_put_array(w, 2);
	wire_put_bin(w, data, size);
	wire_put_bin(w, sig, sizeof(sig));
	CHECK(wire_out_take(w, &env, &len) == 0);
	wire_out_free(w);
	if (card_decode(env, len, &card, &err) == 0) {
		/* Accepted: it was signed by us, so it names our key, and it obeys the rules
		 * an issuer applies. */
		CHECK(memcmp(card->key, pk, sizeof(pk)) == 0);
		CHECK(card_fields_check(&card->f, NULL) == 0);
		CHECK(card->payload_len == size && memcmp(card->payload, data, size) == 0);
		card_free(card);
	} else {
		CHECK(err.fault != CARD_OK);
	}
	free(env);
	return 0;
}
