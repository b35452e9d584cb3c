/*
 * uiguard: the decision, for every HTTP request wallflower-ui receives, of whether it may be
 * served (docs/ui.md, "Every request"). Pure: no allocation, no I/O, no clock. The server
 * (src/ui/) collects the request's method, path and headers as libmicrohttpd hands them over
 * and answers with the status this module returns; nothing in the request is trusted before
 * uiguard_check() has passed it.
 */
#ifndef WALLFLOWER_UIGUARD_H
#define WALLFLOWER_UIGUARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UIGUARD_WUR __attribute__((warn_unused_result))

/* The per-start token: 32 random bytes as 64 lower-case hex digits. */
#define UIGUARD_TOKEN_LEN 64
/* The largest body a POST may carry (docs/ui.md). */
#define UIGUARD_BODY_MAX 4096
/* The cookie that carries the token after the first GET /?token=. */
#define UIGUARD_COOKIE "wf_token"

/* What the server knows of a request. Absent headers are NULL. path has no query. */
struct uiguard_req {
	const char *method;
	const char *path;
	const char *host;
	const char *origin;
	const char *cookie;       /* the Cookie header as received */
	const char *query;        /* the raw query after '?', NULL when there is none */
	const char *content_type; /* POST only */
	uint64_t body_len;        /* declared (Content-Length) or received so far */
};

/*
 * The verdict. status is 200 when the request may be served; 303 when it is the GET
 * /?token= that passed (redirect to "/" and set the cookie); else the error status to answer
 * with a plain-text body and nothing else. allow, when not NULL, is the value of the Allow
 * header a 405 carries. change is true for a state-changing /api/ path.
 */
struct uiguard_verdict {
	int status;
	bool set_cookie;
	bool change;
	const char *allow;
};

/*
 * Decides req against the token (UIGUARD_TOKEN_LEN characters, NUL-terminated) and the
 * port the server listens on. Fills *out (cleared on entry) and returns out->status.
 * The token is compared in constant time; its absence, another case, another length or
 * a second copy all refuse.
 */
int uiguard_check(const struct uiguard_req *req, const char *token, unsigned port,
                  struct uiguard_verdict *out);

/*
 * Finds the value of UIGUARD_COOKIE in a Cookie header: pairs separated by ';', each
 * after optional spaces. Other cookies are skipped whatever their form (other programs on
 * 127.0.0.1 set them). On success copies it into out (room for UIGUARD_TOKEN_LEN + 1) and
 * returns 0. -EINVAL when the cookie is missing, appears twice, or its value is not
 * exactly UIGUARD_TOKEN_LEN lower-case hex digits.
 */
int uiguard_cookie_token(const char *header, char out[UIGUARD_TOKEN_LEN + 1]) UIGUARD_WUR;

/*
 * Parses a raw query string that must be exactly "token=VALUE" with VALUE
 * UIGUARD_TOKEN_LEN lower-case hex digits (no other argument, no percent-encoding).
 * 0 and the value in out, or -EINVAL.
 */
int uiguard_query_token(const char *query, char out[UIGUARD_TOKEN_LEN + 1]) UIGUARD_WUR;

/* True when s is exactly UIGUARD_TOKEN_LEN lower-case hex digits. */
bool uiguard_token_valid(const char *s);

/* The Set-Cookie value for token: "wf_token=TOKEN; HttpOnly; SameSite=Strict; Path=/".
 * out has room for n bytes; 0, or -ENOSPC. */
int uiguard_set_cookie(char *out, size_t n, const char *token) UIGUARD_WUR;

#endif
