/*
 * uiguard: whether wallflower-ui may serve a request (docs/ui.md, "Every request").
 *
 * Owns the route table (which paths exist, which change state) and the rules, checked in
 * the order the contract fixes: Host (421), token (403, or 303 for the first GET /?token=),
 * unknown path (404), method (405), Origin of a POST (403), its content type (415) and
 * size (413). Everything it reads is hostile: headers from any program that can reach loopback,
 * or from a web page in the user's browser trying DNS rebinding or a cross-site POST. It
 * must never accept a token by anything but a constant-time comparison of the whole
 * 64 characters, and never let a GET change state.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "wallflower/crypt.h"
#include "wallflower/uiguard.h"

struct route {
	const char *path;
	bool change; /* POST only; else GET only */
};

static const struct route routes[] = {
	{ "/", false },
	{ "/app.js", false },
	{ "/style.css", false },
	{ "/api/status", false },
	{ "/api/nearby", false },
	{ "/api/inbox", false },
	{ "/api/contacts", false },
	{ "/api/hubs", false },
	{ "/api/gaps", false },
	{ "/map.svg", false },
	{ "/card.svg", false },
	{ "/events", false },
	{ "/api/accept", true },
	{ "/api/decline", true },
	{ "/api/block", true },
};

static const struct route *
route_find(const char *path)
{
	if (path == NULL)
		return NULL;
	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
		if (strcmp(routes[i].path, path) == 0)
			return &routes[i];
	return NULL;
}

static bool
is_lhex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

bool
uiguard_token_valid(const char *s)
{
	size_t i;

	if (s == NULL)
		return false;
	for (i = 0; i < UIGUARD_TOKEN_LEN; i++)
		if (!is_lhex(s[i]))
			return false;
	return s[i] == '\0';
}

/* "NAME:PORT" exactly, NAME one of the loopback names we answer to. */
static bool
authority_ok(const char *s, const char *name, unsigned port)
{
	char want[64];
	int n = snprintf(want, sizeof(want), "%s:%u", name, port);

	return n > 0 && (size_t)n < sizeof(want) && strcmp(s, want) == 0;
}

static bool
host_ok(const char *host, unsigned port)
{
	if (host == NULL)
		return false;
	return authority_ok(host, "127.0.0.1", port) || authority_ok(host, "localhost", port);
}

static bool
origin_ok(const char *origin, unsigned port)
{
	const char *scheme = "http://";

	if (origin == NULL || strncmp(origin, scheme, strlen(scheme)) != 0)
		return false;
	return host_ok(origin + strlen(scheme), port);
}

/*
 * The Cookie header holds every cookie the browser keeps for 127.0.0.1, whatever port set
 * it (cookies know no ports), so other programs' cookies come too, in forms RFC 6265 does
 * not allow (spaces, commas, quotes, no '='). Those are skipped, whatever they hold: only
 * our own pair is read, and strictly (64 lower-case hex digits, not quoted, once).
 */
int
uiguard_cookie_token(const char *header, char out[UIGUARD_TOKEN_LEN + 1])
{
	const size_t klen = strlen(UIGUARD_COOKIE);
	const char *p = header, *found = NULL, *end;
	size_t flen = 0;

	out[0] = '\0';
	if (header == NULL)
		return -EINVAL;
	for (; *p != '\0'; p = *end == ';' ? end + 1 : end) {
		while (*p == ' ' || *p == '\t')
			p++;
		end = p + strcspn(p, ";");
		if ((size_t)(end - p) <= klen || memcmp(p, UIGUARD_COOKIE, klen) != 0 ||
		    p[klen] != '=')
			continue; /* someone else's cookie */
		if (found != NULL)
			return -EINVAL; /* two copies: which one would we mean? */
		found = p + klen + 1;
		flen = (size_t)(end - found);
	}
	if (found == NULL || flen != UIGUARD_TOKEN_LEN)
		return -EINVAL;
	memcpy(out, found, flen);
	out[flen] = '\0';
	if (!uiguard_token_valid(out)) {
		out[0] = '\0';
		return -EINVAL;
	}
	return 0;
}

int
uiguard_query_token(const char *query, char out[UIGUARD_TOKEN_LEN + 1])
{
	static const char key[] = "token=";

	out[0] = '\0';
	if (query == NULL || strncmp(query, key, sizeof(key) - 1) != 0)
		return -EINVAL;
	if (!uiguard_token_valid(query + sizeof(key) - 1))
		return -EINVAL;
	memcpy(out, query + sizeof(key) - 1, UIGUARD_TOKEN_LEN + 1);
	return 0;
}

int
uiguard_set_cookie(char *out, size_t n, const char *token)
{
	int w = snprintf(out, n, "%s=%s; HttpOnly; SameSite=Strict; Path=/", UIGUARD_COOKIE, token);

	if (w < 0 || (size_t)w >= n)
		return -ENOSPC;
	return 0;
}

static bool
token_equal(const char *got, const char *token)
{
	/* Both are exactly UIGUARD_TOKEN_LEN characters here; only the content is secret. */
	return crypt_equal(got, token, UIGUARD_TOKEN_LEN) == 0;
}

/* 0 when the request carries the token; *by_query when it came in GET /?token=. */
static int
token_check(const struct uiguard_req *req, const char *token, bool *by_query)
{
	char got[UIGUARD_TOKEN_LEN + 1];
	bool root_get =
	        strcmp(req->method, "GET") == 0 && req->path != NULL && strcmp(req->path, "/") == 0;
	int r = -EACCES;

	*by_query = false;
	if (!uiguard_token_valid(token))
		return -EACCES; /* misconfigured: refuse everything rather than assert */
	if (root_get && req->query != NULL) {
		if (uiguard_query_token(req->query, got) == 0 && token_equal(got, token)) {
			*by_query = true;
			r = 0;
		}
		crypt_wipe(got, sizeof(got));
		return r; /* a query token that fails is not rescued by a cookie */
	}
	if (req->query != NULL && req->query[0] != '\0' && strstr(req->query, "token") != NULL)
		return -EACCES; /* the token in a URL is only ever accepted on GET / */
	if (uiguard_cookie_token(req->cookie, got) == 0 && token_equal(got, token))
		r = 0;
	crypt_wipe(got, sizeof(got));
	return r;
}

/* application/json, optionally with "; charset=utf-8" (any case). */
static bool
content_type_ok(const char *ct)
{
	static const char json[] = "application/json";
	const char *rest;

	if (ct == NULL || strncasecmp(ct, json, sizeof(json) - 1) != 0)
		return false;
	rest = ct + sizeof(json) - 1;
	return rest[0] == '\0' || strcasecmp(rest, "; charset=utf-8") == 0 ||
	       strcasecmp(rest, ";charset=utf-8") == 0;
}

static int
verdict(struct uiguard_verdict *out, int status, const char *allow)
{
	out->status = status;
	out->allow = allow;
	return status;
}

int
uiguard_check(const struct uiguard_req *req, const char *token, unsigned port,
              struct uiguard_verdict *out)
{
	const struct route *rt;
	bool by_query;
	bool get, post;

	memset(out, 0, sizeof(*out));
	if (req == NULL || req->method == NULL || req->path == NULL)
		return verdict(out, 400, NULL);
	if (!host_ok(req->host, port))
		return verdict(out, 421, NULL);
	if (token_check(req, token, &by_query) < 0)
		return verdict(out, 403, NULL);
	rt = route_find(req->path);
	get = strcmp(req->method, "GET") == 0;
	post = strcmp(req->method, "POST") == 0;
	if (rt == NULL)
		return verdict(out, 404, NULL);
	out->change = rt->change;
	if (!rt->change) {
		if (!get)
			return verdict(out, 405, "GET");
		if (by_query) {
			out->set_cookie = true;
			return verdict(out, 303, NULL);
		}
		return verdict(out, 200, NULL);
	}
	if (!post)
		return verdict(out, 405, "POST");
	if (!origin_ok(req->origin, port))
		return verdict(out, 403, NULL);
	if (!content_type_ok(req->content_type))
		return verdict(out, 415, NULL);
	if (req->body_len > UIGUARD_BODY_MAX)
		return verdict(out, 413, NULL);
	return verdict(out, 200, NULL);
}
