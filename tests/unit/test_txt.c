/* txt: the advert's TXT record, built and parsed; every rejection rule; the event tag. */
#include <string.h>

#include "testutil.h"
#include "wallflower/crypt.h"
#include "wallflower/txt.h"

/* Builds DNS wire form from a list of strings ("v=2", "h=ada"), for the tests. */
static size_t
wire(uint8_t *out, const char *const *strings, size_t n)
{
	size_t len = 0;

	for (size_t i = 0; i < n; i++) {
		size_t k = strlen(strings[i]);

		out[len++] = (uint8_t)k;
		memcpy(out + len, strings[i], k);
		len += k;
	}
	return len;
}

static int
parse(const char *const *strings, size_t n, struct txt_info *info)
{
	uint8_t buf[512];
	size_t len = wire(buf, strings, n);

	return txt_parse(buf, len, info, NULL);
}

#define PARSE(info, ...)                                                                           \
	parse((const char *const[]){ __VA_ARGS__ },                                                \
	      sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(const char *), info)

static void
test_txt_build_parse_round_trip(void **state)
{
	struct txt_info in = { .status = TXT_STATUS_QUIET }, out;
	uint8_t buf[TXT_RECORD_MAX];
	size_t len;

	(void)state;
	strcpy(in.handle, "ada");
	strcpy(in.topics, "intranets,knowledge management");
	txt_event_tag("Intranet Now", in.event);
	strcpy(in.recog, "xqCDQEZ-fIO2NcsS");
	assert_int_equal(txt_build(&in, buf, sizeof(buf), &len), 0);
	assert_true(len <= TXT_RECORD_MAX);
	/* Keys in the order v, h, s, t, e, r. */
	assert_memory_equal(buf, "\x03v=2\x05h=ada\x07s=quiet\x20t=intranets", 28);
	assert_int_equal(len, 4 + 6 + 8 + 33 + 11 + 19);
	assert_memory_equal(buf + len - 30,
	                    "\x0a"
	                    "e=",
	                    3);
	assert_memory_equal(buf + len - 27, in.event, TXT_EVENT_TAG_LEN);
	assert_memory_equal(buf + len - 19, "\x12r=xqCDQEZ-fIO2NcsS", 19);
	assert_int_equal(txt_parse(buf, len, &out, NULL), 0);
	assert_string_equal(out.handle, "ada");
	assert_int_equal(out.status, TXT_STATUS_QUIET);
	assert_string_equal(out.topics, "intranets,knowledge management");
	assert_string_equal(out.event, in.event);
	assert_string_equal(out.recog, "xqCDQEZ-fIO2NcsS");
	/* Nothing shown but the version. */
	memset(&in, 0, sizeof(in));
	assert_int_equal(txt_build(&in, buf, sizeof(buf), &len), 0);
	assert_int_equal(len, 4);
	assert_int_equal(txt_parse(buf, len, &out, NULL), 0);
	assert_string_equal(out.handle, "");
	assert_string_equal(out.recog, "");
}

/* Every field at its longest: the record stays under the 200-byte limit. */
static void
test_txt_build_full_under_limit(void **state)
{
	struct txt_info in = { .status = TXT_STATUS_QUIET }, out;
	uint8_t buf[TXT_RECORD_MAX];
	size_t len;

	(void)state;
	memset(in.handle, 'h', TXT_HANDLE_MAX);
	/* Topics of 48, 48 and 18 bytes between two commas: 116. */
	memset(in.topics, 'a', TXT_TOPICS_MAX);
	in.topics[48] = ',';
	in.topics[97] = ',';
	memcpy(in.event, "0123abcd", TXT_EVENT_TAG_LEN);
	memcpy(in.recog, "Az09az--__AZ0099", TXT_RECOG_LEN);
	assert_int_equal(txt_build(&in, buf, sizeof(buf), &len), 0);
	assert_int_equal(len, 196);
	assert_true(len < 200);
	assert_int_equal(txt_parse(buf, len, &out, NULL), 0);
	assert_memory_equal(&in, &out, sizeof(in));
	/* The bound the design fixes (a longer t= is refused: test_txt_parse_rules). */
	assert_int_equal(TXT_TOPICS_MAX, 116);
}

/*
 * Expected tag computed independently with Python's hashlib, not with this code:
 * hashlib.blake2b(b"wallflower-event-v2" + name.lower(), digest_size=32).digest()[:4].hex()
 */
static void
test_txt_event_tag_known(void **state)
{
	char tag[TXT_EVENT_TAG_LEN + 1], again[TXT_EVENT_TAG_LEN + 1];

	(void)state;
	txt_event_tag("intranet now", tag);
	assert_string_equal(tag, "8eb01f67");
	txt_event_tag("Intranet Now", again);
	assert_string_equal(again, tag); /* ASCII case does not matter */
}

static void
test_txt_parse_rules(void **state)
{
	struct txt_info info;
	char big[300];

	(void)state;
	assert_int_equal(PARSE(&info, "v=2", "", "x-later=whatever", "flag"), 0);
	assert_int_equal(PARSE(&info, "V=2", "H=ada"), 0); /* keys ignore case */
	assert_string_equal(info.handle, "ada");
	assert_int_equal(PARSE(&info, "v=2", "h=first", "h=second"), 0);
	assert_string_equal(info.handle, "first"); /* RFC 6763: the first one wins */
	assert_int_equal(PARSE(&info, "v=2", "s=busy"), 0);
	assert_int_equal(info.status, TXT_STATUS_NONE); /* an unknown status shows as none */
	assert_int_equal(PARSE(&info, "h=ada"), -EPROTONOSUPPORT);
	assert_int_equal(PARSE(&info, "v=1"), -EPROTONOSUPPORT);
	assert_int_equal(PARSE(&info, "v=1", "h=ada", "r=xqCDQEZ-fIO2NcsS"), -EPROTONOSUPPORT);
	assert_int_equal(PARSE(&info, "v=3"), -EPROTONOSUPPORT);
	assert_int_equal(PARSE(&info, "v=22"), -EPROTONOSUPPORT);
	assert_int_equal(PARSE(&info, "v="), -EPROTONOSUPPORT);
	assert_int_equal(PARSE(&info, "v=1", "v=2"), -EPROTONOSUPPORT); /* the first v counts */
	assert_int_equal(PARSE(&info, "v=2", "v=1"), 0);
	/* A bare key is its key's first occurrence (RFC 6763 6.4): present, with no value. */
	assert_int_equal(PARSE(&info, "v=2", "h", "h=ada"), 0);
	assert_string_equal(info.handle, "");
	assert_int_equal(PARSE(&info, "v", "v=2"), -EPROTONOSUPPORT);
	/* The strings are read in order, and the first that breaks a rule decides. */
	assert_int_equal(PARSE(&info, "h=", "v=1"), -EBADMSG);
	assert_int_equal(PARSE(&info, "v=1", "h="), -EPROTONOSUPPORT);
	assert_int_equal(PARSE(&info, "v=2", "h=0123456789abcdef0123456789abcdefX"), -EBADMSG);
	assert_int_equal(PARSE(&info, "v=2", "h="), -EBADMSG);
	assert_int_equal(PARSE(&info, "v=2", "h=a\x1b[2J"), -EBADMSG);
	assert_int_equal(PARSE(&info, "v=2",
	                       "h=\xe2\x80\xae"
	                       "ada"),
	                 -EBADMSG);
	assert_int_equal(PARSE(&info, "v=2", "h=\xff"), -EBADMSG);
	assert_int_equal(PARSE(&info, "v=2", "t=a,,b"), -EBADMSG);
	assert_int_equal(PARSE(&info, "v=2", "t=a,"), -EBADMSG);
	assert_int_equal(PARSE(&info, "v=2", "e=ABCDEF01"), -EBADMSG);
	assert_int_equal(PARSE(&info, "v=2", "e=abc"), -EBADMSG);
	assert_int_equal(PARSE(&info, "v=2", "=x"), -EBADMSG);
	assert_int_equal(PARSE(&info, "v=2", "k\x01=x"), -EBADMSG);
	/* r=: exactly 16 base64url characters. */
	assert_int_equal(PARSE(&info, "v=2", "R=xqCDQEZ-fIO2NcsS", "r=AAAAAAAAAAAAAAAA"), 0);
	assert_string_equal(info.recog, "xqCDQEZ-fIO2NcsS");
	assert_int_equal(PARSE(&info, "v=2", "r=xqCDQEZ-fIO2Ncs"), -EBADMSG);
	assert_int_equal(PARSE(&info, "v=2", "r=xqCDQEZ-fIO2NcsSA"), -EBADMSG);
	assert_int_equal(PARSE(&info, "v=2", "r=xqCDQEZ-fIO2Ncs="), -EBADMSG);
	assert_int_equal(PARSE(&info, "v=2", "r=xqCDQEZ+fIO2NcsS"), -EBADMSG);
	assert_int_equal(PARSE(&info, "v=2", "r=xqCDQEZ/fIO2NcsS"), -EBADMSG);
	assert_int_equal(PARSE(&info, "v=2", "r=xqCDQEZ-fIO2Ncs "), -EBADMSG);
	assert_int_equal(PARSE(&info, "v=2", "r="), -EBADMSG);
	assert_int_equal(
	        txt_parse((const uint8_t *)"\x03v=2\x12r=xqCDQEZ\0fIO2NcsS", 23, &info, NULL),
	        -EBADMSG); /* a NUL inside */
	/* t=: at most 116 bytes. */
	memset(big, 'a', 121);
	memcpy(big, "t=", 2);
	big[2 + 48] = big[2 + 97] = ',';
	big[2 + TXT_TOPICS_MAX] = '\0';
	assert_int_equal(PARSE(&info, "v=2", big), 0);
	big[2 + TXT_TOPICS_MAX] = 'a';
	big[2 + TXT_TOPICS_MAX + 1] = '\0';
	assert_int_equal(PARSE(&info, "v=2", big), -EBADMSG);
}

static void
test_txt_parse_bounds(void **state)
{
	uint8_t rec[300] = { 3, 'v', '=', '2', 10, 'h', '=' };
	struct txt_info info;
	const char *why;

	(void)state;
	/* A string that claims more bytes than the record has. */
	assert_int_equal(txt_parse(rec, 7, &info, &why), -EBADMSG);
	assert_non_null(why);
	/* A record over 200 bytes, however well formed. */
	for (size_t i = 4; i < 201; i++)
		rec[i] = 0;
	assert_int_equal(txt_parse(rec, 201, &info, &why), -EMSGSIZE);
	assert_int_equal(txt_parse(rec, 200, &info, &why), 0); /* empty strings are fine */
	assert_int_equal(txt_parse(rec, 0, &info, &why), -EPROTONOSUPPORT);
}

static void
test_txt_build_refuses(void **state)
{
	struct txt_info in = { 0 };
	uint8_t buf[TXT_RECORD_MAX];
	size_t len;

	(void)state;
	strcpy(in.handle, "a\nb");
	assert_int_equal(txt_build(&in, buf, sizeof(buf), &len), -EINVAL);
	in.handle[0] = '\0';
	strcpy(in.topics, "a,,b");
	assert_int_equal(txt_build(&in, buf, sizeof(buf), &len), -EINVAL);
	in.topics[0] = '\0';
	strcpy(in.event, "XYZ");
	assert_int_equal(txt_build(&in, buf, sizeof(buf), &len), -EINVAL);
	in.event[0] = '\0';
	strcpy(in.recog, "xqCDQEZ-fIO2Ncs=");
	assert_int_equal(txt_build(&in, buf, sizeof(buf), &len), -EINVAL);
	strcpy(in.recog, "xqCDQEZ-fIO2Ncs");
	assert_int_equal(txt_build(&in, buf, sizeof(buf), &len), -EINVAL);
	in.recog[0] = '\0';
	assert_int_equal(txt_build(&in, buf, 3, &len), -EMSGSIZE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_txt_build_parse_round_trip),
		cmocka_unit_test(test_txt_build_full_under_limit),
		cmocka_unit_test(test_txt_event_tag_known),
		cmocka_unit_test(test_txt_parse_rules),
		cmocka_unit_test(test_txt_parse_bounds),
		cmocka_unit_test(test_txt_build_refuses),
	};

	assert_int_equal(crypt_init(), 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
