/*
 * libFuzzer harness: arbitrary bytes as an imported .vcf file. Whatever parses holds only
 * fields a card could hold (card_fields_check, card_fields_fit), keeps bytes that are a
 * piece of the input, and each vCard's kept bytes parse again alone to the same name and
 * key; a refusal has a reason and returns nothing.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wallflower/vcard.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Not assert(): the invariants must hold in every build, NDEBUG or not. */
#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond))                                                                       \
			abort();                                                                   \
	} while (0)

static void
check_one(const struct vcard *v, const uint8_t *data, size_t size)
{
	uint8_t k1[CRYPT_SIGN_PK], k2[CRYPT_SIGN_PK];
	struct vcard_error err;
	struct vcard again;

	CHECK(v->f.text[CARD_NAME] != NULL);
	CHECK(card_fields_check(&v->f, NULL) == 0);
	CHECK(card_fields_fit(&v->f) == 0);
	CHECK(v->raw_len > 0 && v->raw_len <= VCARD_MAX && v->raw_len <= size);
	CHECK(memmem(data, size, v->raw, v->raw_len) != NULL);
	CHECK(vcard_parse(v->raw, v->raw_len, &again, &err) == 0);
	CHECK(strcmp(again.f.text[CARD_NAME], v->f.text[CARD_NAME]) == 0);
	vcard_key(v, k1);
	vcard_key(&again, k2);
	CHECK(memcmp(k1, k2, sizeof(k1)) == 0);
	vcard_clear(&again);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct vcard_error err;
	struct vcard *v;
	size_t n;

	if (!ready) {
		if (crypt_init() < 0)
			abort();
		ready = 1;
	}
	if (vcard_parse_all(data, size, &v, &n, &err) < 0) {
		CHECK(err.fault != VCARD_OK && v == NULL && n == 0);
		return 0;
	}
	CHECK(n >= 1 && vcard_sniff(data, size));
	for (size_t i = 0; i < n; i++)
		check_one(&v[i], data, size);
	vcard_free_all(v, n);
	return 0;
}
