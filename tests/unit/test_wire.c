/* wire: the msgpack pre-validator, the parsed views and the bounded writer. */
#include <string.h>

#include "testutil.h"
#include "wallflower/wire.h"

static int
check(const char *bytes, size_t n, unsigned depth, size_t *used)
{
	return wire_check((const uint8_t *)bytes, n, depth, used);
}

/* Every format with a complete encoding, and the same encoding cut short by one byte. */
static void
test_wire_check_every_format(void **state)
{
	static const struct {
		const char *b;
		size_t n;
	} ok[] = {
		{ "\x00", 1 },
		{ "\x7f", 1 },
		{ "\xe0", 1 },
		{ "\xff", 1 },
		{ "\xc0", 1 },
		{ "\xc2", 1 },
		{ "\xc3", 1 },
		{ "\xa3"
		  "abc",
		  4 },
		{ "\xd9\x01"
		  "a",
		  3 },
		{ "\xda\x00\x01"
		  "a",
		  4 },
		{ "\xdb\x00\x00\x00\x01"
		  "a",
		  6 },
		{ "\xc4\x01"
		  "a",
		  3 },
		{ "\xc5\x00\x01"
		  "a",
		  4 },
		{ "\xc6\x00\x00\x00\x01"
		  "a",
		  6 },
		{ "\xc7\x01\x05"
		  "a",
		  4 },
		{ "\xc8\x00\x01\x05"
		  "a",
		  5 },
		{ "\xc9\x00\x00\x00\x01\x05"
		  "a",
		  7 },
		{ "\xca\x00\x00\x00\x00", 5 },
		{ "\xcb\x00\x00\x00\x00\x00\x00\x00\x00", 9 },
		{ "\xcc\x01", 2 },
		{ "\xcd\x00\x01", 3 },
		{ "\xce\x00\x00\x00\x01", 5 },
		{ "\xcf\x00\x00\x00\x00\x00\x00\x00\x01", 9 },
		{ "\xd0\x01", 2 },
		{ "\xd1\x00\x01", 3 },
		{ "\xd2\x00\x00\x00\x01", 5 },
		{ "\xd3\x00\x00\x00\x00\x00\x00\x00\x01", 9 },
		{ "\xd4\x01\x02", 3 },
		{ "\xd5\x01\x02\x03", 4 },
		{ "\xd6\x01\x02\x03\x04\x05", 6 },
		{ "\xd7\x01\x02\x03\x04\x05\x06\x07\x08\x09", 10 },
		{ "\xd8\x01"
		  "0123456789abcdef",
		  18 },
		{ "\x92\x01\x02", 3 },
		{ "\xdc\x00\x02\x01\x02", 5 },
		{ "\xdd\x00\x00\x00\x02\x01\x02", 7 },
		{ "\x81\x01\x02", 3 },
		{ "\xde\x00\x01\x01\x02", 5 },
		{ "\xdf\x00\x00\x00\x01\x01\x02", 7 },
	};
	size_t used;

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		if (check(ok[i].b, ok[i].n, 8, &used) != 0 || used != ok[i].n)
			fail_msg("case %zu: complete encoding not accepted", i);
		if (ok[i].n > 1 && check(ok[i].b, ok[i].n - 1, 8, &used) != -ENODATA)
			fail_msg("case %zu: truncated encoding not caught", i);
	}
}

static void
test_wire_check_bombs(void **state)
{
	size_t used;

	(void)state;
	/* DESIGN.md's example: array32 of 0xff000000 elements in 5 bytes. */
	assert_int_equal(check("\xdd\xff\x00\x00\x00", 5, 8, &used), -ENODATA);
	assert_int_equal(check("\xdf\xff\xff\xff\xff", 5, 8, &used), -ENODATA);
	assert_int_equal(check("\xdb\xff\xff\xff\xff"
	                       "abc",
	                       8, 8, &used),
	                 -ENODATA);
	assert_int_equal(check("\xc9\xff\xff\xff\xff\x01", 6, 8, &used), -ENODATA);
	/* A map's count is doubled: 2 entries need 4 elements. */
	assert_int_equal(check("\x82\x01\x02\x03", 4, 8, &used), -ENODATA);
	assert_int_equal(check("", 0, 8, &used), -ENODATA);
	assert_int_equal(used, 0);
}

static void
test_wire_check_reserved(void **state)
{
	size_t used;

	(void)state;
	assert_int_equal(check("\xc1", 1, 8, &used), -EBADMSG);
	assert_int_equal(check("\x92\x01\xc1", 3, 8, &used), -EBADMSG);
}

static void
test_wire_check_depth(void **state)
{
	size_t used;

	(void)state;
	assert_int_equal(check("\x91\x91\x90", 3, 3, &used), 0);
	assert_int_equal(check("\x91\x91\x90", 3, 2, &used), -ELOOP);
	/* Scalars inside the deepest container do not add depth. */
	assert_int_equal(check("\x91\x91\x01", 3, 2, &used), 0);
	assert_int_equal(check("\x81\x01\x91\x90", 4, 2, &used), -ELOOP);
	assert_int_equal(check("\x81\x01\x91\x90", 4, 3, &used), 0);
}

static void
test_wire_check_reports_first_object(void **state)
{
	size_t used;

	(void)state;
	assert_int_equal(check("\x01\x02", 2, 8, &used), 0);
	assert_int_equal(used, 1);
}

static void
test_wire_doc_parse_rejects(void **state)
{
	struct wire_doc *doc = (struct wire_doc *)1;

	(void)state;
	assert_int_equal(wire_doc_parse((const uint8_t *)"\x01\x02", 2, 8, &doc), -ENOTEMPTY);
	assert_null(doc);
	assert_int_equal(wire_doc_parse((const uint8_t *)"\x92\x01", 2, 8, &doc), -ENODATA);
	assert_int_equal(wire_doc_parse((const uint8_t *)"\xc1", 1, 8, &doc), -EBADMSG);
	assert_int_equal(wire_doc_parse((const uint8_t *)"\x91\x91", 2, 1, &doc), -ELOOP);
}

/* What the writer writes, the parser reads back, with every getter. */
static void
test_wire_out_round_trip(void **state)
{
	const uint8_t bin[3] = { 0, 1, 2 };
	struct wire_out *w;
	struct wire_doc *doc;
	const struct wire_obj *root, *arr;
	uint8_t *buf;
	size_t len, n;
	const char *s;
	const uint8_t *b;
	uint64_t u;
	bool t;

	(void)state;
	assert_int_equal(wire_out_new(1024, &w), 0);
	wire_put_map(w, 3);
	wire_put_cstr(w, "s");
	wire_put_str(w, "hello", 5);
	wire_put_cstr(w, "b");
	wire_put_bin(w, bin, 3);
	wire_put_cstr(w, "a");
	wire_put_array(w, 3);
	wire_put_uint(w, UINT64_MAX);
	wire_put_bool(w, true);
	wire_put_nil(w);
	assert_int_equal(wire_out_error(w), 0);
	assert_int_equal(wire_out_take(w, &buf, &len), 0);
	assert_int_equal(wire_out_len(w), 0);
	wire_out_free(w);

	assert_int_equal(wire_doc_parse(buf, len, 8, &doc), 0);
	root = wire_doc_root(doc);
	assert_int_equal(wire_type(root), WIRE_MAP);
	assert_int_equal(wire_count(root), 3);
	assert_int_equal(wire_get_str(wire_key(root, 0), &s, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(wire_get_str(wire_val(root, 0), &s, &n), 0);
	assert_int_equal(n, 5);
	assert_memory_equal(s, "hello", 5);
	assert_int_equal(wire_get_bin(wire_val(root, 1), &b, &n), 0);
	assert_int_equal(n, 3);
	assert_memory_equal(b, bin, 3);
	/* Getters refuse the wrong type and leave their outputs alone. */
	n = 99;
	assert_int_equal(wire_get_bin(wire_val(root, 0), &b, &n), -EINVAL);
	assert_int_equal(wire_get_str(wire_val(root, 1), &s, &n), -EINVAL);
	assert_int_equal(n, 99);
	arr = wire_val(root, 2);
	assert_int_equal(wire_type(arr), WIRE_ARRAY);
	assert_int_equal(wire_count(arr), 3);
	assert_int_equal(wire_get_uint(wire_item(arr, 0), &u), 0);
	assert_true(u == UINT64_MAX);
	assert_int_equal(wire_get_bool(wire_item(arr, 1), &t), 0);
	assert_true(t);
	assert_int_equal(wire_type(wire_item(arr, 2)), WIRE_NIL);
	assert_int_equal(wire_get_uint(wire_item(arr, 1), &u), -EINVAL);
	assert_int_equal(wire_count(wire_item(arr, 0)), 0);
	wire_doc_free(doc);
	free(buf);
}

static void
test_wire_types_of_numbers(void **state)
{
	struct wire_doc *doc;
	uint64_t u = 0;

	(void)state;
	/* int8 holding 5 is a uint; int8 holding -1 is not. */
	assert_int_equal(wire_doc_parse((const uint8_t *)"\xd0\x05", 2, 8, &doc), 0);
	assert_int_equal(wire_get_uint(wire_doc_root(doc), &u), 0);
	assert_true(u == 5);
	wire_doc_free(doc);
	assert_int_equal(wire_doc_parse((const uint8_t *)"\xff", 1, 8, &doc), 0);
	assert_int_equal(wire_type(wire_doc_root(doc)), WIRE_NEGINT);
	assert_int_equal(wire_get_uint(wire_doc_root(doc), &u), -EINVAL);
	wire_doc_free(doc);
	assert_int_equal(wire_doc_parse((const uint8_t *)"\xca\x00\x00\x00\x00", 5, 8, &doc), 0);
	assert_int_equal(wire_type(wire_doc_root(doc)), WIRE_FLOAT);
	wire_doc_free(doc);
	assert_int_equal(wire_doc_parse((const uint8_t *)"\xd4\x01\x02", 3, 8, &doc), 0);
	assert_int_equal(wire_type(wire_doc_root(doc)), WIRE_EXT);
	wire_doc_free(doc);
}

static void
test_wire_out_cap_is_sticky(void **state)
{
	struct wire_out *w;
	uint8_t *buf = (uint8_t *)1;
	size_t len = 1;

	(void)state;
	assert_int_equal(wire_out_new(8, &w), 0);
	wire_put_cstr(w, "1234567"); /* 8 bytes: fits exactly */
	assert_int_equal(wire_out_error(w), 0);
	assert_int_equal(wire_out_len(w), 8);
	wire_put_uint(w, 1);
	assert_int_equal(wire_out_error(w), -EMSGSIZE);
	wire_put_nil(w); /* ignored after the error */
	assert_int_equal(wire_out_len(w), 8);
	assert_int_equal(wire_out_take(w, &buf, &len), -EMSGSIZE);
	assert_null(buf);
	assert_int_equal(len, 0);
	wire_out_free(w);
}

static void
test_wire_out_empty_take(void **state)
{
	struct wire_out *w;
	uint8_t *buf;
	size_t len;

	(void)state;
	assert_int_equal(wire_out_new(8, &w), 0);
	assert_int_equal(wire_out_take(w, &buf, &len), 0);
	assert_non_null(buf);
	assert_int_equal(len, 0);
	free(buf);
	wire_out_free(w);
	wire_out_free(NULL);
	wire_doc_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wire_check_every_format),
		cmocka_unit_test(test_wire_check_bombs),
		cmocka_unit_test(test_wire_check_reserved),
		cmocka_unit_test(test_wire_check_depth),
		cmocka_unit_test(test_wire_check_reports_first_object),
		cmocka_unit_test(test_wire_doc_parse_rejects),
		cmocka_unit_test(test_wire_out_round_trip),
		cmocka_unit_test(test_wire_types_of_numbers),
		cmocka_unit_test(test_wire_out_cap_is_sticky),
		cmocka_unit_test(test_wire_out_empty_take),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
