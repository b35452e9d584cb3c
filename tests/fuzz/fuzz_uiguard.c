/*
 * libFuzzer harness: arbitrary bytes as one HTTP request's fields for uiguard, split at NUL
 * into method, path, host, origin, cookie, query, content type (missing ones are absent).
 * Invariants: no crash; nothing passes without the exact Host and the token; no state
 * change passes without POST and the exact Origin; what the cookie parser returns is a
 * valid token that the header holds as "wf_token=" followed by it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wallflower/uiguard.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond))                                                                       \
			abort();                                                                   \
	} while (0)

#define TOKEN  "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define FIELDS 7

static bool
host_exact(const char *h)
{
	return h != NULL && (strcmp(h, "127.0.0.1:8123") == 0 || strcmp(h, "localhost:8123") == 0);
}

static bool
holds_token(const struct uiguard_req *r)
{
	char t[UIGUARD_TOKEN_LEN + 1];

	if (r->query != NULL && strcmp(r->query, "token=" TOKEN) == 0)
		return true;
	return uiguard_cookie_token(r->cookie, t) == 0 && strcmp(t, TOKEN) == 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1), *f[FIELDS] = { 0 }, *p;
	char t[UIGUARD_TOKEN_LEN + 1], want[UIGUARD_TOKEN_LEN + 16];
	struct uiguard_verdict v;
	size_t n = 0;

	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	for (p = buf; n < FIELDS && p <= buf + size; p += strlen(p) + 1)
		f[n++] = p;
	struct uiguard_req r = { .method = f[0],
		                 .path = f[1],
		                 .host = f[2],
		                 .origin = f[3],
		                 .cookie = f[4],
		                 .query = f[5],
		                 .content_type = f[6],
		                 .body_len = size };
	int st = uiguard_check(&r, TOKEN, 8123, &v);

	if (st == 200 || st == 303) {
		CHECK(host_exact(r.host));
		CHECK(holds_token(&r));
	}
	if (st == 200 && v.change) {
		CHECK(r.method != NULL && strcmp(r.method, "POST") == 0);
		CHECK(r.origin != NULL && strncmp(r.origin, "http://", 7) == 0 &&
		      host_exact(r.origin + 7));
		CHECK(size <= UIGUARD_BODY_MAX);
	}
	if (uiguard_cookie_token(r.cookie, t) == 0) {
		CHECK(uiguard_token_valid(t));
		memcpy(want, "wf_token=", 9);
		memcpy(want + 9, t, sizeof(t));
		CHECK(r.cookie != NULL && strstr(r.cookie, want) != NULL);
	}
	free(buf);
	return 0;
}
