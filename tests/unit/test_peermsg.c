/* peermsg: the application message codec: round trips and every rejection rule. */
#include <string.h>

#include "testutil.h"
#include "wallflower/peermsg.h"
#include "wallflower/wire.h"

static const uint8_t card[] = { 0x92, 0xc4, 0x01, 0x80, 0xc4, 0x00 }; /* bytes; not checked */

static struct peermsg *
round_trip(const struct peermsg *m)
{
	struct peermsg *got;
	uint8_t *buf;
	size_t len;

	assert_int_equal(peermsg_encode(m, &buf, &len), 0);
	assert_true(len <= PEERMSG_MAX);
	assert_int_equal(peermsg_decode(buf, len, &got, NULL), 0);
	free(buf);
	assert_int_equal(got->type, m->type);
	return got;
}

static void
test_peermsg_round_trip_each_type(void **state)
{
	struct peermsg offer = { .type = PEERMSG_OFFER,
		                 .card = (uint8_t *)card,
		                 .card_len = sizeof(card),
		                 .note = (char *)"Loved your talk",
		                 .reply = true,
		                 .port = 47001 };
	struct peermsg quiet = { .type = PEERMSG_OFFER,
		                 .card = (uint8_t *)card,
		                 .card_len = sizeof(card) };
	struct peermsg ack = { .type = PEERMSG_ACK };
	struct peermsg answer = { .type = PEERMSG_CARD,
		                  .card = (uint8_t *)card,
		                  .card_len = sizeof(card) };
	struct peermsg error = { .type = PEERMSG_ERROR,
		                 .code = PEERMSG_E_BUSY,
		                 .text = (char *)"try later" };
	struct peermsg *got;

	(void)state;
	got = round_trip(&offer);
	assert_int_equal(got->card_len, sizeof(card));
	assert_memory_equal(got->card, card, sizeof(card));
	assert_string_equal(got->note, "Loved your talk");
	assert_true(got->reply);
	assert_int_equal(got->port, 47001);
	peermsg_free(got);

	got = round_trip(&quiet);
	assert_null(got->note);
	assert_false(got->reply);
	assert_int_equal(got->port, 0);
	peermsg_free(got);

	peermsg_free(round_trip(&ack));

	peermsg_offer_id(card, sizeof(card), answer.re);
	got = round_trip(&answer);
	assert_memory_equal(got->re, answer.re, PEERMSG_ID_LEN);
	peermsg_free(got);

	got = round_trip(&error);
	assert_int_equal(got->code, PEERMSG_E_BUSY);
	assert_string_equal(got->text, "try later");
	assert_string_equal(peermsg_code_name(got->code), "busy");
	peermsg_free(got);
	peermsg_free(NULL);
}

static void
test_peermsg_encode_refuses_what_decode_would(void **state)
{
	struct peermsg m = { .type = PEERMSG_OFFER,
		             .card = (uint8_t *)card,
		             .card_len = sizeof(card),
		             .reply = true };
	uint8_t *buf = (uint8_t *)1;
	size_t len;

	(void)state;
	assert_int_equal(peermsg_encode(&m, &buf, &len), -EINVAL); /* reply without a port */
	assert_null(buf);
	m.port = 1;
	m.note = (char *)"two\nlines";
	assert_int_equal(peermsg_encode(&m, &buf, &len), -EINVAL);
	m.note = (char *)"";
	assert_int_equal(peermsg_encode(&m, &buf, &len), -EINVAL);
	m.note = NULL;
	m.card_len = CARD_ENVELOPE_MAX + 1;
	assert_int_equal(peermsg_encode(&m, &buf, &len), -EINVAL);
	m = (struct peermsg){ .type = PEERMSG_ERROR };
	assert_int_equal(peermsg_encode(&m, &buf, &len), -EINVAL); /* code 0 */
	m = (struct peermsg){ .type = 9 };
	assert_int_equal(peermsg_encode(&m, &buf, &len), -EINVAL);
}

/* Hand-written msgpack, each breaking one rule. */
static void
test_peermsg_decode_rejects(void **state)
{
	static const struct {
		const char *what;
		const char *hex;
		int want;
	} cases[] = {
		{ "not a map", "91a3616b63", -EBADMSG },
		{ "no type", "80", -EBADMSG },
		{ "type not a string", "81a17401", -EBADMSG },
		{ "unknown type", "81a174a568656c6c6f", -EPROTONOSUPPORT },
		{ "duplicate key", "82a174a361636ba174a361636b", -EBADMSG },
		{ "key not a string", "82a174a361636b0101", -EBADMSG },
		{ "empty key", "82a174a361636ba001", -EBADMSG },
		{ "trailing bytes", "81a174a361636b00", -EBADMSG },
		{ "truncated", "81a174a361", -EBADMSG },
		{ "reserved byte", "c1", -EBADMSG },
		{ "too deep", "82a174a361636ba17891919191", -EBADMSG },
		/* offer: card c4 01 00, reply true, port ... */
		{ "offer without card", "82a174a56f66666572a57265706c79c2", -EBADMSG },
		{ "offer card as str", "83a174a56f66666572a463617264a178a57265706c79c2", -EBADMSG },
		{ "offer empty card", "83a174a56f66666572a463617264c400a57265706c79c2", -EBADMSG },
		{ "offer without reply", "82a174a56f66666572a463617264c40100", -EBADMSG },
		{ "offer reply not bool", "83a174a56f66666572a463617264c40100a57265706c7901",
		  -EBADMSG },
		{ "offer reply, no port", "83a174a56f66666572a463617264c40100a57265706c79c3",
		  -EBADMSG },
		{ "offer port 0", "84a174a56f66666572a463617264c40100a57265706c79c3a4706f727400",
		  -EBADMSG },
		{ "offer port 65536",
		  "84a174a56f66666572a463617264c40100a57265706c79c3a4706f7274ce00010000",
		  -EBADMSG },
		{ "offer note with escape",
		  "84a174a56f66666572a463617264c40100a57265706c79c2a46e6f7465a21b41", -EBADMSG },
		{ "card without re", "82a174a463617264a463617264c40100", -EBADMSG },
		{ "card re 31 bytes",
		  "83a174a463617264a463617264c40100a27265c41f"
		  "00000000000000000000000000000000000000000000000000000000000000",
		  -EBADMSG },
		{ "error without code", "81a174a56572726f72", -EBADMSG },
		{ "error code 0", "82a174a56572726f72a4636f646500", -EBADMSG },
		{ "error msg bidi", "83a174a56572726f72a4636f646501a36d7367a3e280ae", -EBADMSG },
	};
	struct peermsg *m;
	const char *why;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len;
		uint8_t *buf = tu_unhex(cases[i].hex, &len);
		int r = peermsg_decode(buf, len, &m, &why);

		if (r != cases[i].want)
			fail_msg("%s: got %d, want %d", cases[i].what, r, cases[i].want);
		assert_null(m);
		assert_non_null(why);
		free(buf);
	}
}

static void
test_peermsg_decode_unknown_keys_ignored(void **state)
{
	/* {t: ack, x-later: [1, 2]} */
	size_t len;
	uint8_t *buf = tu_unhex("82a174a361636ba7782d6c61746572920102", &len);
	struct peermsg *m;

	(void)state;
	assert_int_equal(peermsg_decode(buf, len, &m, NULL), 0);
	assert_int_equal(m->type, PEERMSG_ACK);
	peermsg_free(m);
	free(buf);
}

static void
test_peermsg_decode_size_cap(void **state)
{
	uint8_t *big = calloc(1, PEERMSG_MAX + 1);
	struct peermsg *m;

	(void)state;
	assert_int_equal(peermsg_decode(big, PEERMSG_MAX + 1, &m, NULL), -EMSGSIZE);
	free(big);
}

static void
test_peermsg_offer_id_differs(void **state)
{
	uint8_t a[PEERMSG_ID_LEN], b[PEERMSG_ID_LEN];

	(void)state;
	peermsg_offer_id(card, sizeof(card), a);
	peermsg_offer_id(card, sizeof(card) - 1, b);
	assert_memory_not_equal(a, b, PEERMSG_ID_LEN);
	assert_string_equal(peermsg_type_name(PEERMSG_CARD), "card");
	assert_string_equal(peermsg_code_name(99), "unknown");
}

/* Only busy and internal are retried: a permanent refusal stops the sender (issue 11). */
static void
test_peermsg_code_retry_only_transient(void **state)
{
	(void)state;
	assert_true(peermsg_code_retry(PEERMSG_E_BUSY));
	assert_true(peermsg_code_retry(PEERMSG_E_INTERNAL));
	for (uint16_t c = PEERMSG_E_MALFORMED; c <= PEERMSG_E_NOT_YOURS; c++)
		assert_false(peermsg_code_retry(c));
	assert_false(peermsg_code_retry(0));
	assert_false(peermsg_code_retry(99));
	assert_false(peermsg_code_retry(65535));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_peermsg_round_trip_each_type),
		cmocka_unit_test(test_peermsg_code_retry_only_transient),
		cmocka_unit_test(test_peermsg_encode_refuses_what_decode_would),
		cmocka_unit_test(test_peermsg_decode_rejects),
		cmocka_unit_test(test_peermsg_decode_unknown_keys_ignored),
		cmocka_unit_test(test_peermsg_decode_size_cap),
		cmocka_unit_test(test_peermsg_offer_id_differs),
	};

	assert_int_equal(crypt_init(), 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
