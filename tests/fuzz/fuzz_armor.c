/*
 * libFuzzer harness: arbitrary bytes as pasted text holding armored cards (armor.h).
 * Invariants: no crash; never more than ARMOR_BLOCKS_MAX blocks; a block is refused with
 * a line inside the text, or holds 1..ARMOR_DATA_MAX bytes that armor again into a text
 * that decodes to the same bytes; sniffing reads within bounds.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wallflower/armor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond))                                                                       \
			abort();                                                                   \
	} while (0)

static void
check_block(const struct armor_block *b)
{
	struct armor_blocks again;
	char *text;
	size_t len;

	CHECK(b->line >= 1);
	if (b->fault != ARMOR_OK) {
		CHECK(b->data == NULL && b->fault_line >= b->line);
		return;
	}
	CHECK(b->data != NULL && b->len >= 1 && b->len <= ARMOR_DATA_MAX);
	CHECK(armor_encode(b->data, b->len, &text, &len) == 0);
	CHECK(armor_decode(text, len, &again) == 0);
	CHECK(again.n == 1 && again.v[0].fault == ARMOR_OK && again.v[0].len == b->len);
	CHECK(memcmp(again.v[0].data, b->data, b->len) == 0);
	armor_blocks_clear(&again);
	free(text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct armor_blocks b;

	(void)armor_sniff(data, size);
	if (armor_decode((const char *)data, size, &b) < 0) {
		CHECK(b.n == 0 && b.v == NULL);
		return 0;
	}
	CHECK(b.n <= ARMOR_BLOCKS_MAX);
	for (size_t i = 0; i < b.n; i++)
		check_block(&b.v[i]);
	armor_blocks_clear(&b);
	return 0;
}
