/*
 * libFuzzer harness: arbitrary bytes into the card decoder. A card that decodes must
 * decode again from its own kept bytes to the same result, and its fields must pass the
 * issuing rules: the decoder may never accept what the issuer would refuse.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wallflower/card.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Not assert(): the invariants must hold in every build, NDEBUG or not. */
#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond))                                                                       \
			abort();                                                                   \
	} while (0)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct card_error err;
	struct card *card, *again;

	if (!ready) {
		if (crypt_init() < 0)
			abort();
		ready = 1;
	}
	if (card_decode(data, size, &card, &err) < 0) {
		CHECK(err.fault != CARD_OK && card == NULL);
		return 0;
	}
	CHECK(card->envelope_len == size && memcmp(card->envelope, data, size) == 0);
	CHECK(card_fields_check(&card->f, NULL) == 0);
	CHECK(card_check_time(card, 0, &err) == 0 || err.fault == CARD_EXPIRED);
	CHECK(card_decode(card->envelope, card->envelope_len, &again, &err) == 0);
	CHECK(again->rev == card->rev && memcmp(again->key, card->key, sizeof(card->key)) == 0);
	card_free(again);
	card_free(card);
	return 0;
}
