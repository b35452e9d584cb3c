/* ctl: framing, the strict decoder against hostile bodies, the typed getters, reply shapes. */
#include <string.h>

#include "testutil.h"
#include "wallflower/ctl.h"

/* A body given as a literal, embedded NULs and raw bytes included. */
#define LIT(s) (const uint8_t *)(s), sizeof(s) - 1

/* Asserts that a body is refused as a malformed message, with a reason and no tree. */
static void
refused(const uint8_t *buf, size_t len)
{
	json_t *v = (json_t *)1;
	const char *why = NULL;

	assert_int_equal(ctl_decode(buf, len, CTL_REQUEST_MAX, &v, &why), -EBADMSG);
	assert_non_null(why);
	assert_null(v);
}

static json_t *
decoded(const uint8_t *buf, size_t len)
{
	json_t *v = NULL;
	const char *why = NULL;

	assert_int_equal(ctl_decode(buf, len, CTL_REQUEST_MAX, &v, &why), 0);
	assert_non_null(v);
	return v;
}

static void
accepted(const uint8_t *buf, size_t len)
{
	json_decref(decoded(buf, len));
}

/* {"s": "<n copies of c>"}, or with the run as the key when as_key; malloc'd, *len set. */
static uint8_t *
long_string(size_t n, const char *c, bool as_key, size_t *len)
{
	size_t k = strlen(c), cap = n * k + 16, at = 0;
	uint8_t *buf = malloc(cap);

	assert_non_null(buf);
	at += (size_t)sprintf((char *)buf, as_key ? "{\"" : "{\"s\":\"");
	for (size_t i = 0; i < n; i++, at += k)
		memcpy(buf + at, c, k);
	at += (size_t)sprintf((char *)buf + at, as_key ? "\":1}" : "\"}");
	*len = at;
	return buf;
}

/*
 * n nested containers: the top object, then n - 1 objects ({"a":{...}}) or arrays
 * ({"a":[[...]]}); the innermost holds contents. malloc'd, *len set.
 */
static uint8_t *
nested(int n, bool arrays, const char *contents, size_t *len)
{
	size_t cap = (size_t)n * 6 + strlen(contents) + 16, at = 0;
	uint8_t *buf = malloc(cap);

	assert_non_null(buf);
	at += (size_t)sprintf((char *)buf, "{");
	for (int i = 2; i <= n; i++)
		at += (size_t)sprintf((char *)buf + at, "%s",
		                      !arrays  ? "\"a\":{"
		                      : i == 2 ? "\"a\":["
		                               : "[");
	at += (size_t)sprintf((char *)buf + at, "%s", contents);
	for (int i = 2; i <= n; i++)
		at += (size_t)sprintf((char *)buf + at, arrays ? "]" : "}");
	at += (size_t)sprintf((char *)buf + at, "}");
	assert_true(at < cap);
	*len = at;
	return buf;
}

static void
test_ctl_frame_len_zero(void **state)
{
	const uint8_t hdr[CTL_HEADER] = { 0, 0, 0, 0 };
	size_t len = 99;

	(void)state;
	assert_int_equal(ctl_frame_len(hdr, CTL_REQUEST_MAX, &len), -EMSGSIZE);
	assert_int_equal(len, 0);
}

static void
test_ctl_frame_len_max(void **state)
{
	const uint8_t req[CTL_HEADER] = { 0, 0, 0x40, 0x00 };   /* 16384 */
	const uint8_t reply[CTL_HEADER] = { 0, 0x40, 0, 0x00 }; /* 4 MiB */
	const uint8_t one[CTL_HEADER] = { 0, 0, 0, 1 };
	size_t len = 0;

	(void)state;
	assert_int_equal(ctl_frame_len(req, CTL_REQUEST_MAX, &len), 0);
	assert_int_equal(len, CTL_REQUEST_MAX);
	assert_int_equal(ctl_frame_len(reply, CTL_REPLY_MAX, &len), 0);
	assert_int_equal(len, CTL_REPLY_MAX);
	assert_int_equal(ctl_frame_len(one, CTL_REQUEST_MAX, &len), 0);
	assert_int_equal(len, 1);
}

static void
test_ctl_frame_len_over_max(void **state)
{
	const uint8_t req[CTL_HEADER] = { 0, 0, 0x40, 0x01 };
	const uint8_t reply[CTL_HEADER] = { 0, 0x40, 0, 0x01 };
	const uint8_t high[CTL_HEADER] = { 0x01, 0, 0, 0x01 }; /* the top byte counts */
	size_t len = 99;

	(void)state;
	assert_int_equal(ctl_frame_len(req, CTL_REQUEST_MAX, &len), -EMSGSIZE);
	assert_int_equal(len, 0);
	assert_int_equal(ctl_frame_len(reply, CTL_REPLY_MAX, &len), -EMSGSIZE);
	assert_int_equal(ctl_frame_len(high, CTL_REPLY_MAX, &len), -EMSGSIZE);
}

static void
test_ctl_frame_len_all_ones(void **state)
{
	const uint8_t hdr[CTL_HEADER] = { 0xff, 0xff, 0xff, 0xff };
	size_t len = 99;

	(void)state;
	assert_int_equal(ctl_frame_len(hdr, CTL_REPLY_MAX, &len), -EMSGSIZE);
	assert_int_equal(len, 0);
	/* Read unsigned: with no cap it is 4 GiB - 1, not a negative number. */
	assert_int_equal(ctl_frame_len(hdr, SIZE_MAX, &len), 0);
	assert_int_equal(len, 0xffffffffu);
}

static void
test_ctl_encode_round_trip(void **state)
{
	json_t *msg = json_pack("{ss ss ss ss sI sb sn s{s[iii]}}", "cmd", "send", "peer", "3",
	                        "card", "aabbccdd", "note", "hi \xc3\xa9 \"q\" \\ \n", "id",
	                        (json_int_t)INT64_MAX, "yes", 1, "nothing", "o", "list", 1, 2, 3);
	json_t *back;
	const char *why;
	uint8_t *frame;
	size_t len, body;

	(void)state;
	assert_non_null(msg);
	assert_int_equal(ctl_encode(msg, CTL_REQUEST_MAX, &frame, &len), 0);
	assert_true(len > CTL_HEADER);
	assert_int_equal(ctl_frame_len(frame, CTL_REQUEST_MAX, &body), 0);
	assert_int_equal(body, len - CTL_HEADER);
	/* Compact: no whitespace outside strings. */
	assert_memory_equal(frame + CTL_HEADER, "{\"cmd\":\"send\",\"peer\":\"3\",", 25);
	assert_int_equal(ctl_decode(frame + CTL_HEADER, body, CTL_REQUEST_MAX, &back, &why), 0);
	assert_null(why);
	assert_true(json_equal(msg, back));
	json_decref(back);
	free(frame);
	json_decref(msg);
}

static void
test_ctl_encode_over_max(void **state)
{
	json_t *msg = json_pack("{ss}", "cmd", "status"); /* {"cmd":"status"}: 16 bytes */
	uint8_t *frame = (uint8_t *)1;
	size_t len = 99;

	(void)state;
	assert_int_equal(ctl_encode(msg, 15, &frame, &len), -EMSGSIZE);
	assert_null(frame);
	assert_int_equal(len, 0);
	assert_int_equal(ctl_encode(msg, 16, &frame, &len), 0);
	assert_int_equal(len, CTL_HEADER + 16);
	assert_memory_equal(frame, "\0\0\0\x10{\"cmd\":\"status\"}", len);
	free(frame);
	json_decref(msg);
}

static void
test_ctl_decode_valid(void **state)
{
	json_t *v;

	(void)state;
	v = decoded(LIT("{\"cmd\":\"status\"}"));
	assert_string_equal(json_string_value(json_object_get(v, "cmd")), "status");
	json_decref(v);
	accepted(LIT(" {\"cmd\" : \"status\"}\r\n\t ")); /* JSON whitespace around is fine */
	accepted(LIT("{}"));
	accepted(LIT("{\"cmd\":\"accept\",\"id\":1}"));
	accepted(LIT("{\"a\":\"\\u00e9\\ud83d\\ude00\xc3\xa9\"}")); /* escapes, a pair, UTF-8 */
}

static void
test_ctl_decode_not_json(void **state)
{
	(void)state;
	refused(LIT(""));
	refused(LIT("   "));
	refused(LIT("{"));
	refused(LIT("{\"cmd\":}"));
	refused(LIT("{\"cmd\":\"status\",}"));
	refused(LIT("{'cmd':'status'}"));
	refused(LIT("{cmd:\"status\"}"));
	refused(LIT("{\"a\":NaN}"));
	refused(LIT("{\"a\":01}"));
	refused(LIT("{\"a\":1e99999}"));
	refused(LIT("{\"a\":99999999999999999999999}"));
	refused(LIT("{\"a\":\"tab\there\"}")); /* a raw control character in a string */
	refused(LIT("\xef\xbb\xbf{}"));        /* a byte order mark */
}

static void
test_ctl_decode_trailing_garbage(void **state)
{
	(void)state;
	refused(LIT("{\"cmd\":\"status\"}x"));
	refused(LIT("{\"cmd\":\"status\"}{}"));
	refused(LIT("{\"cmd\":\"status\"}{\"cmd\":\"stop\"}"));
	refused(LIT("{\"cmd\":\"status\"}}"));
	refused(LIT("{\"cmd\":\"status\"}\0"));
	refused(LIT("{\"cmd\":\"status\"}\0{\"cmd\":\"stop\"}"));
}

static void
test_ctl_decode_not_object(void **state)
{
	(void)state;
	refused(LIT("[]"));
	refused(LIT("[{\"cmd\":\"status\"}]"));
	refused(LIT("\"status\""));
	refused(LIT("1"));
	refused(LIT("-1.5"));
	refused(LIT("true"));
	refused(LIT("null"));
}

static void
test_ctl_decode_duplicate_keys(void **state)
{
	(void)state;
	refused(LIT("{\"cmd\":\"status\",\"cmd\":\"stop\"}"));
	refused(LIT("{\"a\":1,\"a\":1}"));
	refused(LIT("{\"o\":{\"a\":1,\"b\":2,\"a\":3}}"));
	refused(LIT("{\"l\":[{\"a\":1,\"a\":2}]}"));
	/* Different escapes of the same key are the same key. */
	refused(LIT("{\"cmd\":1,\"\\u0063md\":2}"));
	accepted(LIT("{\"a\":1,\"o\":{\"a\":1}}")); /* the same key in another object is fine */
}

static void
test_ctl_decode_nul(void **state)
{
	(void)state;
	refused(LIT("{\"a\":\"x\\u0000y\"}"));
	refused(LIT("{\"a\":\"\\u0000\"}"));
	refused(LIT("{\"\\u0000\":1}"));
	refused(LIT("{\"cmd\\u0000x\":1}"));
	refused(LIT("{\"a\":[\"\\u0000\"]}"));
	refused(LIT("{\"a\":\"x\0y\"}")); /* a raw NUL byte */
	refused(LIT("{\"a\":1,\0\"b\":2}"));
}

static void
test_ctl_decode_invalid_utf8(void **state)
{
	(void)state;
	refused(LIT("{\"a\":\"\xff\"}"));
	refused(LIT("{\"a\":\"\x80\"}"));             /* a lone continuation byte */
	refused(LIT("{\"a\":\"\xc0\x80\"}"));         /* overlong NUL */
	refused(LIT("{\"a\":\"\xe0\x80\xaf\"}"));     /* overlong '/' */
	refused(LIT("{\"a\":\"\xed\xa0\x80\"}"));     /* a UTF-16 surrogate */
	refused(LIT("{\"a\":\"\xf4\x90\x80\x80\"}")); /* above U+10FFFF */
	refused(LIT("{\"a\":\"\xe2\x82\"}"));         /* truncated */
	refused(LIT("{\"\xff\":1}"));                 /* in a key */
	refused(LIT("{\"a\":\"\\ud800\"}"));          /* an escaped lone surrogate */
	refused(LIT("{\"a\":\"\\udc00\\ud800\"}"));   /* a reversed pair */
	refused(LIT("{\"a\":1}\xff"));
}

static void
test_ctl_decode_depth(void **state)
{
	uint8_t *buf;
	size_t len;

	(void)state;
	/* Containers exactly CTL_DEPTH_MAX deep, the top object being depth 1: fine. */
	buf = nested(CTL_DEPTH_MAX, false, "", &len);
	assert_memory_equal(buf, "{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{}}}}}}", len);
	accepted(buf, len);
	free(buf);
	buf = nested(CTL_DEPTH_MAX, true, "", &len);
	assert_memory_equal(buf, "{\"a\":[[[[[]]]]]}", len);
	accepted(buf, len);
	free(buf);
	/* One more, even empty: refused. */
	buf = nested(CTL_DEPTH_MAX + 1, false, "", &len);
	refused(buf, len);
	free(buf);
	buf = nested(CTL_DEPTH_MAX + 1, true, "", &len);
	refused(buf, len);
	free(buf);
	/* Far deeper than jansson's own limit: refused, no stack overflow. */
	buf = nested(5000, true, "", &len);
	refused(buf, len);
	free(buf);
}

/*
 * A scalar has no depth (as in proto/card.md section 6 and wire.c's walk): the deepest
 * container allowed may hold members, or it could only ever be empty.
 */
static void
test_ctl_decode_depth_scalar_in_deepest(void **state)
{
	json_t *v = NULL;
	const char *why = NULL;
	uint8_t *obj, *arr;
	size_t olen, alen;
	int ro, ra;

	(void)state;
	obj = nested(CTL_DEPTH_MAX, false, "\"a\":1", &olen);
	arr = nested(CTL_DEPTH_MAX, true, "\"x\"", &alen);
	assert_memory_equal(obj, "{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":1}}}}}}", olen);
	assert_memory_equal(arr, "{\"a\":[[[[[\"x\"]]]]]}", alen);
	ro = ctl_decode(obj, olen, CTL_REQUEST_MAX, &v, &why);
	json_decref(v);
	ra = ctl_decode(arr, alen, CTL_REQUEST_MAX, &v, &why);
	json_decref(v);
	free(obj);
	free(arr);
	assert_int_equal(ro, 0);
	assert_int_equal(ra, 0);
}

static void
test_ctl_decode_string_bounds(void **state)
{
	uint8_t *buf;
	size_t len;

	(void)state;
	buf = long_string(CTL_STRING_MAX, "a", false, &len);
	accepted(buf, len);
	free(buf);
	buf = long_string(CTL_STRING_MAX + 1, "a", false, &len);
	refused(buf, len);
	free(buf);
	/* Bytes count, not characters: 4096 two-byte characters fit, 4097 do not. */
	buf = long_string(CTL_STRING_MAX / 2, "\xc3\xa9", false, &len);
	accepted(buf, len);
	free(buf);
	buf = long_string(CTL_STRING_MAX / 2 + 1, "\xc3\xa9", false, &len);
	refused(buf, len);
	free(buf);
}

static void
test_ctl_decode_key_bounds(void **state)
{
	uint8_t *buf;
	size_t len;

	(void)state;
	buf = long_string(CTL_STRING_MAX, "k", true, &len);
	accepted(buf, len);
	free(buf);
	buf = long_string(CTL_STRING_MAX + 1, "k", true, &len);
	refused(buf, len);
	free(buf);
}

static void
test_ctl_decode_over_max(void **state)
{
	size_t n = CTL_REQUEST_MAX;
	uint8_t *buf = malloc(n + 1);
	json_t *v = (json_t *)1;
	const char *why = NULL;

	(void)state;
	assert_non_null(buf);
	/* {"s":"aaa...a"} exactly CTL_REQUEST_MAX bytes long, with a string under the bound. */
	memset(buf, ' ', n + 1);
	memcpy(buf, "{\"s\":\"", 6);
	memset(buf + 6, 'a', CTL_STRING_MAX);
	memcpy(buf + 6 + CTL_STRING_MAX, "\"}", 2);
	accepted(buf, n);
	assert_int_equal(ctl_decode(buf, n + 1, CTL_REQUEST_MAX, &v, &why), -EMSGSIZE);
	assert_non_null(why);
	assert_null(v);
	/* The cap is the caller's: a small one refuses a small message. */
	v = (json_t *)1;
	why = NULL;
	assert_int_equal(ctl_decode(LIT("{\"cmd\":\"status\"}"), 15, &v, &why), -EMSGSIZE);
	assert_non_null(why);
	assert_null(v);
	free(buf);
}

static void
test_ctl_get_str_cases(void **state)
{
	json_t *o = decoded(LIT("{\"s\":\"abcd\",\"e\":\"\",\"n\":null,\"i\":1,\"b\":true,"
	                        "\"o\":{},\"a\":[\"x\"],\"r\":1.5}"));
	const char *s = "x";

	(void)state;
	assert_int_equal(ctl_get_str(o, "s", 4, &s), 0); /* exactly at the bound */
	assert_string_equal(s, "abcd");
	assert_int_equal(ctl_get_str(o, "e", 0, &s), 0);
	assert_string_equal(s, "");
	assert_int_equal(ctl_get_str(o, "s", 3, &s), -EINVAL);
	assert_null(s);
	s = "x";
	assert_int_equal(ctl_get_str(o, "missing", 100, &s), -ENOENT);
	assert_null(s);
	assert_int_equal(ctl_get_str(o, "n", 100, &s), -ENOENT);
	assert_int_equal(ctl_get_str(o, "i", 100, &s), -EINVAL);
	assert_int_equal(ctl_get_str(o, "b", 100, &s), -EINVAL);
	assert_int_equal(ctl_get_str(o, "o", 100, &s), -EINVAL);
	assert_int_equal(ctl_get_str(o, "a", 100, &s), -EINVAL);
	assert_int_equal(ctl_get_str(o, "r", 100, &s), -EINVAL);
	assert_null(s);
	json_decref(o);
}

static void
test_ctl_get_uint_cases(void **state)
{
	json_t *o = decoded(LIT("{\"z\":0,\"i\":7,\"big\":9223372036854775807,\"neg\":-1,"
	                        "\"min\":-9223372036854775808,\"n\":null,\"s\":\"7\",\"r\":7.0,"
	                        "\"b\":true,\"o\":{},\"a\":[7]}"));
	uint64_t v = 99;

	(void)state;
	assert_int_equal(ctl_get_uint(o, "z", 0, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(ctl_get_uint(o, "i", 7, &v), 0); /* exactly at the bound */
	assert_int_equal(v, 7);
	assert_int_equal(ctl_get_uint(o, "i", 6, &v), -EINVAL);
	assert_int_equal(v, 0);
	assert_int_equal(ctl_get_uint(o, "big", INT64_MAX, &v), 0);
	assert_int_equal(v, INT64_MAX);
	assert_int_equal(ctl_get_uint(o, "big", UINT64_MAX, &v), 0);
	assert_int_equal(ctl_get_uint(o, "big", INT64_MAX - 1, &v), -EINVAL);
	/* Negative numbers never wrap into large unsigned ones, whatever the bound. */
	v = 99;
	assert_int_equal(ctl_get_uint(o, "neg", UINT64_MAX, &v), -EINVAL);
	assert_int_equal(v, 0);
	assert_int_equal(ctl_get_uint(o, "min", UINT64_MAX, &v), -EINVAL);
	assert_int_equal(ctl_get_uint(o, "missing", 100, &v), -ENOENT);
	assert_int_equal(ctl_get_uint(o, "n", 100, &v), -ENOENT);
	assert_int_equal(ctl_get_uint(o, "s", 100, &v), -EINVAL);
	assert_int_equal(ctl_get_uint(o, "r", 100, &v), -EINVAL); /* 7.0 is a real */
	assert_int_equal(ctl_get_uint(o, "b", 100, &v), -EINVAL);
	assert_int_equal(ctl_get_uint(o, "o", 100, &v), -EINVAL);
	assert_int_equal(ctl_get_uint(o, "a", 100, &v), -EINVAL);
	json_decref(o);
}

static void
test_ctl_get_bool_cases(void **state)
{
	json_t *o = decoded(LIT(
	        "{\"t\":true,\"f\":false,\"n\":null,\"i\":1,\"s\":\"true\",\"o\":{},\"a\":[]}"));
	bool b = false;

	(void)state;
	assert_int_equal(ctl_get_bool(o, "t", &b), 0);
	assert_true(b);
	assert_int_equal(ctl_get_bool(o, "f", &b), 0);
	assert_false(b);
	b = true;
	assert_int_equal(ctl_get_bool(o, "missing", &b), -ENOENT);
	assert_false(b);
	assert_int_equal(ctl_get_bool(o, "n", &b), -ENOENT);
	b = true;
	assert_int_equal(ctl_get_bool(o, "i", &b), -EINVAL);
	assert_false(b);
	assert_int_equal(ctl_get_bool(o, "s", &b), -EINVAL);
	assert_int_equal(ctl_get_bool(o, "o", &b), -EINVAL);
	assert_int_equal(ctl_get_bool(o, "a", &b), -EINVAL);
	json_decref(o);
}

/* The frame ctl_encode makes of msg, as a string, for comparing shapes byte for byte. */
static void
assert_body(json_t *msg, const char *want)
{
	uint8_t *frame;
	size_t len;

	assert_non_null(msg);
	assert_int_equal(ctl_encode(msg, CTL_REPLY_MAX, &frame, &len), 0);
	assert_int_equal(len, CTL_HEADER + strlen(want));
	assert_memory_equal(frame + CTL_HEADER, want, strlen(want));
	free(frame);
	json_decref(msg);
}

static void
test_ctl_error_shape(void **state)
{
	json_t *e = ctl_error(CTL_E_NOT_FOUND, "no such offer");
	const char *s;
	bool ok = true;

	(void)state;
	assert_non_null(e);
	assert_int_equal(json_object_size(e), 3);
	assert_int_equal(ctl_get_bool(e, "ok", &ok), 0);
	assert_false(ok);
	assert_int_equal(ctl_get_str(e, "error", 64, &s), 0);
	assert_string_equal(s, "not-found");
	assert_int_equal(ctl_get_str(e, "msg", 64, &s), 0);
	assert_string_equal(s, "no such offer");
	json_decref(e);
	assert_body(ctl_error(CTL_E_BUSY, "try \"later\""),
	            "{\"ok\":false,\"error\":\"busy\",\"msg\":\"try \\\"later\\\"\"}");
}

static void
test_ctl_ok_shape(void **state)
{
	json_t *o = ctl_ok();
	bool ok = false;

	(void)state;
	assert_non_null(o);
	assert_int_equal(json_object_size(o), 1);
	assert_int_equal(ctl_get_bool(o, "ok", &ok), 0);
	assert_true(ok);
	json_decref(o);
	assert_body(ctl_ok(), "{\"ok\":true}");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ctl_frame_len_zero),
		cmocka_unit_test(test_ctl_frame_len_max),
		cmocka_unit_test(test_ctl_frame_len_over_max),
		cmocka_unit_test(test_ctl_frame_len_all_ones),
		cmocka_unit_test(test_ctl_encode_round_trip),
		cmocka_unit_test(test_ctl_encode_over_max),
		cmocka_unit_test(test_ctl_decode_valid),
		cmocka_unit_test(test_ctl_decode_not_json),
		cmocka_unit_test(test_ctl_decode_trailing_garbage),
		cmocka_unit_test(test_ctl_decode_not_object),
		cmocka_unit_test(test_ctl_decode_duplicate_keys),
		cmocka_unit_test(test_ctl_decode_nul),
		cmocka_unit_test(test_ctl_decode_invalid_utf8),
		cmocka_unit_test(test_ctl_decode_depth),
		cmocka_unit_test(test_ctl_decode_depth_scalar_in_deepest),
		cmocka_unit_test(test_ctl_decode_string_bounds),
		cmocka_unit_test(test_ctl_decode_key_bounds),
		cmocka_unit_test(test_ctl_decode_over_max),
		cmocka_unit_test(test_ctl_get_str_cases),
		cmocka_unit_test(test_ctl_get_uint_cases),
		cmocka_unit_test(test_ctl_get_bool_cases),
		cmocka_unit_test(test_ctl_error_shape),
		cmocka_unit_test(test_ctl_ok_shape),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
