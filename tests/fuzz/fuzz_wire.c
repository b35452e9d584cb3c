/*
 * libFuzzer harness: arbitrary bytes into the msgpack pre-validator, checked against
 * msgpack-c itself. Whatever wire_check accepts must parse (the validator is never more
 * permissive than the library), and a parse must consume exactly what the check measured.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "wallflower/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wire_doc *doc;
	size_t used;
	int r;

	if (wire_check(data, size, 16, &used) < 0)
		return 0;
	if (used == 0 || used > size)
		abort();
	r = wire_doc_parse(data, used, 16, &doc);
	if (r == -ENOMEM)
		return 0;
	if (r != 0)
		abort();
	wire_doc_free(doc);
	return 0;
}
