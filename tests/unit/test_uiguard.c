/* uiguard: every rule of docs/ui.md "Every request", with the requests an attacker would send. */
#include <errno.h>
#include <string.h>

#include "testutil.h"
#include "wallflower/crypt.h"
#include "wallflower/uiguard.h"

#define TOK       "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define TOK_UPPER "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF"
#define OTHER     "1123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define PORT      8123
#define COOKIE    "wf_token=" TOK
#define ORIGIN    "http://127.0.0.1:8123"
#define HOST      "127.0.0.1:8123"

static struct uiguard_req
get(const char *path)
{
	struct uiguard_req r = { .method = "GET", .path = path, .host = HOST, .cookie = COOKIE };

	return r;
}

static struct uiguard_req
post(const char *path)
{
	struct uiguard_req r = { .method = "POST",
		                 .path = path,
		                 .host = HOST,
		                 .origin = ORIGIN,
		                 .cookie = COOKIE,
		                 .content_type = "application/json",
		                 .body_len = 9 };

	return r;
}

static int
check(const struct uiguard_req *r)
{
	struct uiguard_verdict v;

	return uiguard_check(r, TOK, PORT, &v);
}

static void
test_uiguard_check_allows(void **state)
{
	struct uiguard_req r = get("/api/inbox");
	struct uiguard_verdict v;

	(void)state;
	assert_int_equal(uiguard_check(&r, TOK, PORT, &v), 200);
	assert_false(v.set_cookie);
	assert_false(v.change);
	r.host = "localhost:8123";
	assert_int_equal(check(&r), 200);
	r = post("/api/accept");
	assert_int_equal(uiguard_check(&r, TOK, PORT, &v), 200);
	assert_true(v.change);
	r.origin = "http://localhost:8123";
	r.content_type = "application/json; charset=UTF-8";
	assert_int_equal(check(&r), 200);
	r = get("/map.svg");
	r.query = "t=12"; /* a cache-buster is no token: fine */
	assert_int_equal(check(&r), 200);
}

static void
test_uiguard_check_host(void **state)
{
	static const char *bad[] = {
		NULL,
		"",
		"evil.example:8123",
		"127.0.0.1",             /* no port */
		"127.0.0.1:8124",        /* another port */
		"127.0.0.1:08123",       /* the same number, other text */
		"localhost.:8123",       /* the rebinding trailing dot */
		"LOCALHOST:8123",        /* exactly, as the contract says */
		"127.0.0.1.nip.io:8123", /* a name resolving to loopback */
		"attacker.localhost:8123",
		"[::1]:8123",
		"127.0.0.1:8123 ",
		"127.0.0.1:8123\r\nX: y",
		"0.0.0.0:8123",
		"127.1:8123",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct uiguard_req r = get("/");

		r.host = bad[i];
		if (check(&r) != 421)
			fail_msg("host %zu (%s) not refused with 421", i, bad[i] ? bad[i] : "NULL");
	}
}

static void
test_uiguard_check_host_before_token(void **state)
{
	struct uiguard_req r = get("/api/inbox");

	(void)state;
	r.host = "evil.example:8123";
	r.cookie = NULL;
	assert_int_equal(check(&r), 421);
}

static void
test_uiguard_check_token_cookie(void **state)
{
	static const char *bad[] = {
		NULL,
		"",
		"wf_token=",
		"wf_token=" TOK_UPPER,               /* another case */
		"wf_token=" OTHER,                   /* one digit differs */
		"wf_token=0123456789abcdef",         /* truncated */
		"wf_token=" TOK "0",                 /* one too many */
		"WF_TOKEN=" TOK,                     /* the name in another case */
		"wf_token=" TOK "; wf_token=" OTHER, /* two copies */
		"wf_token=" OTHER "; wf_token=" TOK,
		"wf_token=\"" TOK "\"", /* quoted: not what we set */
		"wf_token =" TOK,
		"wf_token=" TOK ",x=1",
		"wf_token=" TOK " ",
		"other=" TOK,
		"xwf_token=" TOK,
		"wf_tokenx=" TOK,
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct uiguard_req r = get("/api/inbox");

		r.cookie = bad[i];
		if (check(&r) != 403)
			fail_msg("cookie %zu (%s) not refused with 403", i,
			         bad[i] ? bad[i] : "NULL");
	}
}

/* Other programs' cookies for 127.0.0.1 come along, in any form: they lock nobody out. */
static void
test_uiguard_check_token_cookie_foreign(void **state)
{
	static const char *good[] = {
		"a=\"x y\"; wf_token=" TOK,          /* a quoted value with a space */
		"csrftoken=\\054abc; wf_token=" TOK, /* a backslash */
		"broken; wf_token=" TOK "; x=a,b",   /* no '=', a comma */
		"wf_token=" TOK "; theme=dark mode",
		"x=1;wf_token=" TOK, /* separator without space */
		" wf_token=" TOK,
		"wf_token=" TOK ";",
		"=; ;; wf_token=" TOK,
	};

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		struct uiguard_req r = get("/api/inbox");

		r.cookie = good[i];
		if (check(&r) != 200)
			fail_msg("cookie %zu (%s) not accepted", i, good[i]);
	}
}

static void
test_uiguard_check_token_query(void **state)
{
	struct uiguard_req r = get("/");
	struct uiguard_verdict v;

	(void)state;
	r.cookie = NULL;
	r.query = "token=" TOK;
	assert_int_equal(uiguard_check(&r, TOK, PORT, &v), 303);
	assert_true(v.set_cookie);

	r.query = "token=" TOK_UPPER;
	assert_int_equal(check(&r), 403);
	r.query = "token=" OTHER;
	assert_int_equal(check(&r), 403);
	r.query = "token=0123";
	assert_int_equal(check(&r), 403);
	r.query = "token=" TOK "&x=1";
	assert_int_equal(check(&r), 403);
	r.query = "x=1&token=" TOK;
	assert_int_equal(check(&r), 403);
	r.query = "token=%30123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	assert_int_equal(check(&r), 403);
	/* a wrong query token is not rescued by a right cookie */
	r.query = "token=" OTHER;
	r.cookie = COOKIE;
	assert_int_equal(check(&r), 403);

	/* the query is only ever honoured on GET / */
	r = get("/api/inbox");
	r.cookie = NULL;
	r.query = "token=" TOK;
	assert_int_equal(check(&r), 403);
	r = post("/api/accept");
	r.cookie = NULL;
	r.query = "token=" TOK;
	assert_int_equal(check(&r), 403);
}

static void
test_uiguard_check_method(void **state)
{
	static const char *changes[] = { "/api/accept", "/api/decline", "/api/block" };
	struct uiguard_verdict v;

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		struct uiguard_req r = get(changes[i]);

		assert_int_equal(uiguard_check(&r, TOK, PORT, &v), 405);
		assert_string_equal(v.allow, "POST");
		r.method = "PUT";
		assert_int_equal(check(&r), 405);
	}
	/* Every path that only reads is GET only: a POST there changes nothing either. */
	static const char *reads[] = { "/",           "/app.js",    "/style.css",    "/api/status",
		                       "/api/nearby", "/api/inbox", "/api/contacts", "/api/hubs",
		                       "/api/gaps",   "/map.svg",   "/card.svg",     "/events" };
	for (size_t i = 0; i < sizeof(reads) / sizeof(reads[0]); i++) {
		struct uiguard_req g = get(reads[i]), p = post(reads[i]);

		if (uiguard_check(&g, TOK, PORT, &v) != 200 || v.change)
			fail_msg("GET %s not allowed as a read", reads[i]);
		if (uiguard_check(&p, TOK, PORT, &v) != 405 || strcmp(v.allow, "GET") != 0)
			fail_msg("POST %s not 405 with Allow: GET", reads[i]);
	}
	struct uiguard_req r = post("/api/inbox");

	assert_int_equal(uiguard_check(&r, TOK, PORT, &v), 405);
	assert_string_equal(v.allow, "GET");
	r = get("/");
	r.method = "DELETE";
	assert_int_equal(check(&r), 405);
	r.method = "get"; /* methods are case-sensitive (RFC 9110) */
	assert_int_equal(check(&r), 405);
}

static void
test_uiguard_check_origin(void **state)
{
	static const char *bad[] = {
		NULL,
		"",
		"null",
		"http://evil.example",
		"http://127.0.0.1:8124",
		"http://127.0.0.1",
		"https://127.0.0.1:8123",
		"http://127.0.0.1:8123/",
		"http://localhost.:8123",
		"HTTP://127.0.0.1:8123",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct uiguard_req r = post("/api/decline");

		r.origin = bad[i];
		if (check(&r) != 403)
			fail_msg("origin %zu (%s) not refused", i, bad[i] ? bad[i] : "NULL");
	}
}

static void
test_uiguard_check_body(void **state)
{
	static const char *bad_ct[] = {
		NULL,
		"",
		"text/plain",
		"application/x-www-form-urlencoded",
		"multipart/form-data; boundary=x",
		"application/jsonp",
		"application/json; charset=latin1",
	};
	struct uiguard_req r;

	(void)state;
	for (size_t i = 0; i < sizeof(bad_ct) / sizeof(bad_ct[0]); i++) {
		r = post("/api/block");
		r.content_type = bad_ct[i];
		if (check(&r) != 415)
			fail_msg("content type %zu not refused with 415", i);
	}
	r = post("/api/block");
	r.body_len = UIGUARD_BODY_MAX;
	assert_int_equal(check(&r), 200);
	r.body_len = UIGUARD_BODY_MAX + 1;
	assert_int_equal(check(&r), 413);
	r.body_len = UINT64_MAX;
	assert_int_equal(check(&r), 413);
}

static void
test_uiguard_check_unknown(void **state)
{
	static const char *paths[] = { "/api/", "/api/accept/", "/../etc/passwd",
		                       "//",    "/API/inbox",   "/index.html",
		                       "" };

	(void)state;
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		struct uiguard_req r = get(paths[i]);

		if (check(&r) != 404)
			fail_msg("path %zu (%s) not 404", i, paths[i]);
		/* and without the token, nothing tells the path exists or not */
		r.cookie = NULL;
		if (check(&r) != 403)
			fail_msg("path %zu without token not 403", i);
	}
}

static void
test_uiguard_check_bad_server_token(void **state)
{
	struct uiguard_req r = get("/");

	(void)state;
	r.cookie = "wf_token=";
	assert_int_equal(uiguard_check(&r, "", PORT, &(struct uiguard_verdict){ 0 }), 403);
	r.cookie = "wf_token=" TOK_UPPER;
	assert_int_equal(uiguard_check(&r, TOK_UPPER, PORT, &(struct uiguard_verdict){ 0 }), 403);
}

static void
test_uiguard_cookie_token_parses(void **state)
{
	char out[UIGUARD_TOKEN_LEN + 1];

	(void)state;
	assert_int_equal(uiguard_cookie_token("a=b; wf_token=" TOK "; c=\"d\"", out), 0);
	assert_string_equal(out, TOK);
	assert_int_equal(uiguard_cookie_token("wf_token=" TOK, out), 0);
	assert_int_equal(uiguard_cookie_token("a=b", out), -EINVAL);
	assert_string_equal(out, "");
	assert_int_equal(uiguard_query_token("token=" TOK, out), 0);
	assert_string_equal(out, TOK);
	assert_int_equal(uiguard_query_token("token=" TOK "#", out), -EINVAL);
}

static void
test_uiguard_set_cookie_flags(void **state)
{
	char buf[256], tiny[16];

	(void)state;
	assert_int_equal(uiguard_set_cookie(buf, sizeof(buf), TOK), 0);
	assert_string_equal(buf, "wf_token=" TOK "; HttpOnly; SameSite=Strict; Path=/");
	assert_int_equal(uiguard_set_cookie(tiny, sizeof(tiny), TOK), -ENOSPC);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uiguard_check_allows),
		cmocka_unit_test(test_uiguard_check_host),
		cmocka_unit_test(test_uiguard_check_host_before_token),
		cmocka_unit_test(test_uiguard_check_token_cookie),
		cmocka_unit_test(test_uiguard_check_token_cookie_foreign),
		cmocka_unit_test(test_uiguard_check_token_query),
		cmocka_unit_test(test_uiguard_check_method),
		cmocka_unit_test(test_uiguard_check_origin),
		cmocka_unit_test(test_uiguard_check_body),
		cmocka_unit_test(test_uiguard_check_unknown),
		cmocka_unit_test(test_uiguard_check_bad_server_token),
		cmocka_unit_test(test_uiguard_cookie_token_parses),
		cmocka_unit_test(test_uiguard_set_cookie_flags),
	};

	if (crypt_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
