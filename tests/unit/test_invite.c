/* invite: the invite text and ADDRESS:PORT, formatted and parsed; hostile input; the
 * presence-key fingerprint (a golden value computed with Python's hashlib) and its check. */
#include <string.h>

#include "testutil.h"
#include "wallflower/crypt.h"
#include "wallflower/invite.h"

/* The presence key 00 01 .. 1f and its fingerprint (proto/invite.md, test vector). */
#define FPR_TEXT "yjsdpm5jvnxsiovmepep47u3"
#define FPR_HEX  "c26437b3a9ab6f243aac23c8fe7e9b"

static void
key(uint8_t pk[CRYPT_DH_KEY])
{
	for (int i = 0; i < CRYPT_DH_KEY; i++)
		pk[i] = (uint8_t)i;
}

static int
parse(const char *s, bool bare_ok, struct invite *iv)
{
	const char *why = NULL;
	int r = invite_parse(s, strlen(s), bare_ok, iv, &why);

	/* Every refusal says why, in one line. */
	if (r < 0) {
		assert_non_null(why);
		assert_null(strchr(why, '\n'));
	}
	return r;
}

static void
test_invite_fingerprint_golden(void **state)
{
	uint8_t pk[CRYPT_DH_KEY], fpr[INVITE_FPR_BYTES];
	char text[INVITE_FPR_LEN + 1], hex[2 * INVITE_FPR_BYTES + 1];

	(void)state;
	key(pk);
	invite_fingerprint(pk, fpr);
	crypt_hex(hex, fpr, sizeof(fpr));
	assert_string_equal(hex, FPR_HEX);
	invite_fingerprint_text(fpr, text);
	assert_string_equal(text, FPR_TEXT);
}

static void
test_invite_format_parse_round_trip(void **state)
{
	struct invite in = { .has_fpr = true, .n_addrs = 3, .port = 40123 }, out;
	char text[INVITE_TEXT_MAX];
	uint8_t pk[CRYPT_DH_KEY];

	(void)state;
	key(pk);
	invite_fingerprint(pk, in.fpr);
	in.addrs[0] = (struct invite_addr){ .family = INVITE_IPV4, .b = { 192, 168, 1, 23 } };
	in.addrs[1] = (struct invite_addr){ .family = INVITE_IPV6,
		                            .b = { 0x20, 0x01, 0x0d, 0xb8, [15] = 7 } };
	in.addrs[2] = (struct invite_addr){ .family = INVITE_IPV6,
		                            .b = { 0xfd, 0, 0, 1, 0, 0, 0, 0, 0, 1, [15] = 1 } };
	assert_int_equal(invite_format(&in, text, sizeof(text)), 0);
	assert_string_equal(text, "wallflower:i1:" FPR_TEXT
	                          "@192.168.1.23,[2001:db8::7],[fd00:1::1:0:0:1]:40123");
	assert_int_equal(parse(text, false, &out), 0);
	assert_memory_equal(&in, &out, sizeof(in));
	assert_int_equal(invite_check(&out, pk), 0);
	pk[0] ^= 1;
	assert_int_equal(invite_check(&out, pk), -EKEYREJECTED);
}

static void
test_invite_parse_lenient_where_chat_is(void **state)
{
	struct invite iv;

	(void)state;
	/* Blanks around it, a capital from a phone, upper-case digits. */
	assert_int_equal(
	        parse("  Wallflower:I1:YJSDPM5JVNXSIOVMEPEP47U3@10.0.0.1:1\r\n", false, &iv), 0);
	assert_int_equal(iv.port, 1);
	assert_int_equal(
	        parse("wallflower:i1:" FPR_TEXT "@[2001:DB8:0:0:0:0:0:0007]:65535", false, &iv), 0);
	assert_int_equal(iv.addrs[0].b[15], 7);
	assert_int_equal(iv.port, 65535);
}

static void
test_invite_parse_bare(void **state)
{
	struct invite iv;
	char text[INVITE_TEXT_MAX];

	(void)state;
	assert_int_equal(parse("10.43.0.1:4000", true, &iv), 0);
	assert_false(iv.has_fpr);
	assert_int_equal(iv.n_addrs, 1);
	assert_int_equal(invite_check(&iv, (const uint8_t[32]){ 0 }), 0);
	assert_int_equal(invite_format(&iv, text, sizeof(text)), 0);
	assert_string_equal(text, "10.43.0.1:4000");
	/* Loopback is fine when the user types it, never from an invite. */
	assert_int_equal(parse("127.0.0.1:4000", true, &iv), 0);
	assert_int_equal(parse("[::1]:4000", true, &iv), 0);
	assert_int_equal(parse("wallflower:i1:" FPR_TEXT "@127.0.0.1:4000", true, &iv), -EINVAL);
	/* Not a bare target unless asked for. */
	assert_int_equal(parse("10.43.0.1:4000", false, &iv), -EINVAL);
	/* One address only, and no DNS names. */
	assert_int_equal(parse("10.43.0.1,10.43.0.2:4000", true, &iv), -EINVAL);
	assert_int_equal(parse("example.org:4000", true, &iv), -EINVAL);
	assert_int_equal(parse("localhost:4000", true, &iv), -EINVAL);
}

static void
test_invite_parse_hostile(void **state)
{
	static const char *const bad[] = {
		"",
		"   ",
		"wallflower:",
		"wallflower:i1:",
		"wallflower:i1:" FPR_TEXT,
		"wallflower:i1:" FPR_TEXT "@",
		"wallflower:i1:" FPR_TEXT "@10.0.0.1",
		"wallflower:i1:" FPR_TEXT "@10.0.0.1:",
		"wallflower:i1:" FPR_TEXT "@10.0.0.1:0",
		"wallflower:i1:" FPR_TEXT "@10.0.0.1:65536",
		"wallflower:i1:" FPR_TEXT "@10.0.0.1:099",
		"wallflower:i1:" FPR_TEXT "@10.0.0.1:+99",
		"wallflower:i1:" FPR_TEXT "@10.0.0.1:123456",
		"wallflower:i1:" FPR_TEXT "@10.0.0.1:99999999999999999999",
		"wallflower:i1:" FPR_TEXT "@10.0.0.1:4000x",
		"wallflower:i1:" FPR_TEXT "@10.0.0.1:4000:4001",
		"wallflower:i1:" FPR_TEXT "@10.0.0.1:4000 and more",
		"wallflower:i1:" FPR_TEXT "@10.0.0.256:4000",
		"wallflower:i1:" FPR_TEXT "@10.0.0:4000",
		"wallflower:i1:" FPR_TEXT "@10.0.0.1.1:4000",
		"wallflower:i1:" FPR_TEXT "@010.0.0.1:4000",
		"wallflower:i1:" FPR_TEXT "@10..0.1:4000",
		"wallflower:i1:" FPR_TEXT "@0.0.0.0:4000",
		"wallflower:i1:" FPR_TEXT "@127.0.0.1:4000",
		"wallflower:i1:" FPR_TEXT "@224.0.0.251:4000",
		"wallflower:i1:" FPR_TEXT "@255.255.255.255:4000",
		"wallflower:i1:" FPR_TEXT "@10.0.0.1,10.0.0.1:4000",
		"wallflower:i1:" FPR_TEXT "@10.0.0.1,:4000",
		"wallflower:i1:" FPR_TEXT "@,10.0.0.1:4000",
		"wallflower:i1:" FPR_TEXT "@10.0.0.1,10.0.0.2,10.0.0.3,10.0.0.4,10.0.0.5:4000",
		"wallflower:i1:" FPR_TEXT "@2001:db8::1:4000",
		"wallflower:i1:" FPR_TEXT "@[2001:db8::1:4000",
		"wallflower:i1:" FPR_TEXT "@[2001:db8::1%eth0]:4000",
		"wallflower:i1:" FPR_TEXT "@[fe80::1]:4000",
		"wallflower:i1:" FPR_TEXT "@[::]:4000",
		"wallflower:i1:" FPR_TEXT "@[::1]:4000",
		"wallflower:i1:" FPR_TEXT "@[ff02::fb]:4000",
		"wallflower:i1:" FPR_TEXT "@[::ffff:10.0.0.1]:4000",
		"wallflower:i1:" FPR_TEXT "@[::ffff:a00:1]:4000",
		"wallflower:i1:" FPR_TEXT "@[2001:db8::1::2]:4000",
		"wallflower:i1:" FPR_TEXT "@[2001:db8:1:2:3:4:5:6:7]:4000",
		"wallflower:i1:" FPR_TEXT "@[2001:db8:1:2:3:4:5]:4000",
		"wallflower:i1:" FPR_TEXT "@[2001:db8::12345]:4000",
		"wallflower:i1:" FPR_TEXT "@[2001:db8::1:]:4000",
		"wallflower:i1:" FPR_TEXT "@[:2001:db8::1]:4000",
		"wallflower:i1:" FPR_TEXT "@[2001:db8:1:2:3:4:5::6]:4000",
		"wallflower:i1:" FPR_TEXT "@[2001:dg8::1]:4000",
		"wallflower:i1:" FPR_TEXT "@[]:4000",
		"wallflower:i1:" FPR_TEXT "@host.example:4000",
		"wallflower:i1:yjsdpm5jvnxsiovmepep47u@10.0.0.1:4000",   /* 23 digits */
		"wallflower:i1:yjsdpm5jvnxsiovmepep47u3a@10.0.0.1:4000", /* 25 digits */
		"wallflower:i1:yjsdpm5jvnxsiovmepep47u1@10.0.0.1:4000",  /* '1' is not base32 */
		"wallflower:i1:yjsdpm5jvnxsiovmepep47u=@10.0.0.1:4000",
		"wallflower:i1:yjsdpm-5jvnxsiovmepep47u3@10.0.0.1:4000",
		"wallflower:i1:" FPR_TEXT "#10.0.0.1:4000",
		"wallflower://" FPR_TEXT "@10.0.0.1:4000",
		"wallflowerx:i1:" FPR_TEXT "@10.0.0.1:4000",
		"xwallflower:i1:" FPR_TEXT "@10.0.0.1:4000",
		"wallflower:i1:" FPR_TEXT "@10.0.0.1:4000\nwallflower:i1:" FPR_TEXT
		"@10.0.0.1:4000",
	};
	struct invite iv;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r = parse(bad[i], true, &iv);

		if (r != -EINVAL)
			fail_msg("accepted or wrong error (%d): %s", r, bad[i]);
		assert_int_equal(iv.n_addrs, 0); /* cleared on failure */
	}
}

static void
test_invite_parse_bounds(void **state)
{
	char big[INVITE_TEXT_MAX + 2];
	const char *why = NULL;
	struct invite iv;
	const char nul[] = "wallflower:i1:" FPR_TEXT "@10.0.0.1:4000\0junk";

	(void)state;
	/* Too long: refused before anything is read, whatever it holds. */
	memset(big, ' ', sizeof(big));
	assert_int_equal(invite_parse(big, INVITE_TEXT_MAX + 1, true, &iv, &why), -E2BIG);
	assert_non_null(why);
	assert_int_equal(invite_parse(big, INVITE_TEXT_MAX, true, &iv, &why), -EINVAL);
	/* A NUL inside. */
	assert_int_equal(invite_parse(nul, sizeof(nul) - 1, true, &iv, &why), -EINVAL);
	assert_int_equal(invite_parse(nul, strlen(nul), true, &iv, &why), 0);
	/* Another version says so. */
	assert_int_equal(invite_parse("wallflower:i2:abc", 17, false, &iv, &why), -EPROTONOSUPPORT);
	assert_non_null(why);
}

static void
test_invite_format_refuses(void **state)
{
	struct invite iv = { .has_fpr = true, .n_addrs = 4, .port = 65535 };
	char text[INVITE_TEXT_MAX], small[40];
	struct invite back;

	(void)state;
	/* The longest invite fits, and parses back. */
	for (unsigned i = 0; i < 4; i++) {
		iv.addrs[i].family = INVITE_IPV6;
		memset(iv.addrs[i].b, 0x1f, 16);
		iv.addrs[i].b[15] = (uint8_t)i;
		iv.addrs[i].b[0] = 0x2f;
	}
	assert_int_equal(invite_format(&iv, text, sizeof(text)), 0);
	assert_true(strlen(text) < INVITE_TEXT_MAX);
	assert_int_equal(parse(text, false, &back), 0);
	assert_memory_equal(&iv, &back, sizeof(iv));
	assert_int_equal(invite_format(&iv, small, sizeof(small)), -ENOSPC);
	assert_string_equal(small, "");
	/* What the parser would refuse is not written. */
	iv.addrs[1] = iv.addrs[0];
	assert_int_equal(invite_format(&iv, text, sizeof(text)), -EINVAL);
	iv.n_addrs = 0;
	assert_int_equal(invite_format(&iv, text, sizeof(text)), -EINVAL);
	iv.n_addrs = 1;
	iv.port = 0;
	assert_int_equal(invite_format(&iv, text, sizeof(text)), -EINVAL);
	iv.port = 1;
	iv.addrs[0] = (struct invite_addr){ .family = INVITE_IPV4, .b = { 127, 0, 0, 1 } };
	assert_int_equal(invite_format(&iv, text, sizeof(text)), -EINVAL);
}

static void
test_invite_addr_text_rfc5952(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "[2001:0db8:0000:0000:0000:0000:0000:0001]:1", "2001:db8::1" },
		{ "[2001:db8:0:1:1:1:1:1]:1", "2001:db8:0:1:1:1:1:1" },
		{ "[2001:db8:0:0:1:0:0:1]:1", "2001:db8::1:0:0:1" },
		{ "[2001:0:0:1:0:0:0:1]:1", "2001:0:0:1::1" },
		{ "[1::]:1", "1::" },
		{ "[::2]:1", "::2" },
		{ "[1:2:3:4:5:6:7:8]:1", "1:2:3:4:5:6:7:8" },
		{ "[1:0:0:0:0:0:0:0]:1", "1::" },
		{ "1.2.3.4:1", "1.2.3.4" },
	};
	char text[INVITE_ADDR_TEXT];
	struct invite iv;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(parse(cases[i].in, true, &iv), 0);
		invite_addr_text(&iv.addrs[0], text);
		assert_string_equal(text, cases[i].out);
	}
}

static void
test_invite_round_miss_order(void **state)
{
	struct invite_round r = { 0 };

	(void)state;
	/* Three addresses: unreachable ones give way to the next, then a round ends. */
	assert_int_equal(invite_round_miss(&r, 3, false), INVITE_STEP_NOW);
	assert_int_equal(r.next, 1);
	assert_int_equal(invite_round_miss(&r, 3, true), INVITE_STEP_NOW);
	assert_int_equal(r.next, 2);
	assert_int_equal(invite_round_miss(&r, 3, false), INVITE_STEP_LATER);
	assert_int_equal(r.next, 0);
	/* The next round skips the address that answered with another key. */
	assert_int_equal(invite_round_miss(&r, 3, true), INVITE_STEP_NOW);
	assert_int_equal(r.next, 2);
	assert_int_equal(invite_round_miss(&r, 3, true), INVITE_STEP_NEVER);
}

static void
test_invite_round_miss_one(void **state)
{
	struct invite_round r = { 0 };

	(void)state;
	assert_int_equal(invite_round_miss(&r, 1, false), INVITE_STEP_LATER);
	assert_int_equal(r.next, 0);
	assert_int_equal(invite_round_miss(&r, 1, true), INVITE_STEP_NEVER);
	/* A wrong first address, then the round starts at the second. */
	r = (struct invite_round){ 0 };
	assert_int_equal(invite_round_miss(&r, 2, true), INVITE_STEP_NOW);
	assert_int_equal(invite_round_miss(&r, 2, false), INVITE_STEP_LATER);
	assert_int_equal(r.next, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_invite_fingerprint_golden),
		cmocka_unit_test(test_invite_format_parse_round_trip),
		cmocka_unit_test(test_invite_parse_lenient_where_chat_is),
		cmocka_unit_test(test_invite_parse_bare),
		cmocka_unit_test(test_invite_parse_hostile),
		cmocka_unit_test(test_invite_parse_bounds),
		cmocka_unit_test(test_invite_format_refuses),
		cmocka_unit_test(test_invite_addr_text_rfc5952),
		cmocka_unit_test(test_invite_round_miss_order),
		cmocka_unit_test(test_invite_round_miss_one),
	};

	assert_int_equal(crypt_init(), 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
