/*
 * libFuzzer harness: arbitrary bytes as an invite or an ADDRESS:PORT (send --to).
 * Invariants: no crash; what parses formats again (the formatter accepts everything the
 * parser lets through), within INVITE_TEXT_MAX, and parses back to the same thing; and
 * every address it lets through, written as text, is one the C library's inet_pton reads
 * to the same bytes (an independent parser of the same grammar).
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wallflower/invite.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond))                                                                       \
			abort();                                                                   \
	} while (0)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct invite a, b;
	char text[INVITE_TEXT_MAX], addr[INVITE_ADDR_TEXT];
	uint8_t bin[16];

	if (invite_parse((const char *)data, size, true, &a, NULL) < 0)
		return 0;
	CHECK(a.n_addrs >= 1 && a.n_addrs <= INVITE_ADDRS_MAX && a.port != 0);
	CHECK(invite_format(&a, text, sizeof(text)) == 0);
	CHECK(invite_parse(text, strlen(text), true, &b, NULL) == 0);
	CHECK(memcmp(&a, &b, sizeof(a)) == 0);
	for (unsigned i = 0; i < a.n_addrs; i++) {
		int af = a.addrs[i].family == INVITE_IPV4 ? AF_INET : AF_INET6;

		invite_addr_text(&a.addrs[i], addr);
		CHECK(inet_pton(af, addr, bin) == 1);
		CHECK(memcmp(bin, a.addrs[i].b, af == AF_INET ? 4 : 16) == 0);
	}
	return 0;
}
