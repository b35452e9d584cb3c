/*
 * libFuzzer harness: arbitrary bytes as a TXT record. Invariants: no crash; what parses
 * builds again (our builder accepts every value the parser lets through) and parses back
 * to the same thing; a recognition tag it lets through is one recog_tag_parse takes, and
 * whose text is the same again.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wallflower/recog.h"
#include "wallflower/txt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond))                                                                       \
			abort();                                                                   \
	} while (0)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct txt_info a, b;
	uint8_t buf[TXT_RECORD_MAX], tag[RECOG_TAG];
	char text[RECOG_TAG_TEXT + 1];
	size_t len;

	if (txt_parse(data, size, &a, NULL) < 0)
		return 0;
	CHECK(txt_build(&a, buf, sizeof(buf), &len) == 0);
	CHECK(txt_parse(buf, len, &b, NULL) == 0);
	CHECK(memcmp(&a, &b, sizeof(a)) == 0);
	if (a.recog[0] != '\0') {
		CHECK(recog_tag_parse(a.recog, tag) == 0);
		recog_tag_text(tag, text);
		CHECK(strcmp(text, a.recog) == 0);
	}
	return 0;
}
