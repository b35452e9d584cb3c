/* peermsg: the application message codec: round trips and every rejection rule. */
#include <stdio.h>
#include <string.h>

#include "testutil.h"
#include "wallflower/intro.h"
#include "wallflower/peermsg.h"
#include "wallflower/wire.h"

static const uint8_t card[] = { 0x92, 0xc4, 0x01, 0x80, 0xc4, 0x00 }; /* bytes; not checked */

/* Fills sig and rk with recognisable bytes. */
static void
fill_handover(struct peermsg *m)
{
	for (int i = 0; i < PEERMSG_SIG_LEN; i++)
		m->sig[i] = (uint8_t)(0x80 + i);
	for (int i = 0; i < PEERMSG_RK_LEN; i++)
		m->rk[i] = (uint8_t)(0x40 + i);
}

static void
assert_handover(const struct peermsg *got, const struct peermsg *m)
{
	assert_memory_equal(got->sig, m->sig, PEERMSG_SIG_LEN);
	assert_memory_equal(got->rk, m->rk, PEERMSG_RK_LEN);
}

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
	struct peermsg intro = { .type = PEERMSG_INTRO,
		                 .obj = (uint8_t *)card,
		                 .obj_len = sizeof(card) };
	struct peermsg *got;

	(void)state;
	fill_handover(&offer);
	fill_handover(&quiet);
	fill_handover(&answer);
	got = round_trip(&offer);
	assert_handover(got, &offer);
	assert_int_equal(got->card_len, sizeof(card));
	assert_memory_equal(got->card, card, sizeof(card));
	assert_string_equal(got->note, "Loved your talk");
	assert_true(got->reply);
	assert_int_equal(got->port, 47001);
	peermsg_free(got);

	got = round_trip(&quiet);
	assert_handover(got, &quiet);
	assert_null(got->note);
	assert_false(got->reply);
	assert_int_equal(got->port, 0);
	peermsg_free(got);

	peermsg_free(round_trip(&ack));

	peermsg_offer_id(card, sizeof(card), answer.re);
	got = round_trip(&answer);
	assert_handover(got, &answer);
	assert_memory_equal(got->re, answer.re, PEERMSG_ID_LEN);
	peermsg_free(got);

	/* An intro's object travels as bytes, whatever they say: intro_check judges them. */
	got = round_trip(&intro);
	assert_int_equal(got->obj_len, sizeof(card));
	assert_memory_equal(got->obj, card, sizeof(card));
	assert_string_equal(peermsg_type_name(got->type), "intro");
	assert_string_equal(peermsg_code_name(PEERMSG_E_BAD_INTRO), "bad-intro");
	assert_false(peermsg_code_retry(PEERMSG_E_BAD_INTRO));
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

/* What we write, byte for byte: keys in the order of proto/session.md 7.3, shortest forms. */
static void
test_peermsg_encode_order(void **state)
{
	static const char sig[] =
	        "c440"
	        "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
	        "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf";
	static const char rk[] = "c420"
	                         "404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f";
	struct peermsg offer = { .type = PEERMSG_OFFER,
		                 .card = (uint8_t *)card,
		                 .card_len = sizeof(card),
		                 .note = (char *)"hi",
		                 .reply = true,
		                 .port = 47001 };
	struct peermsg back = { .type = PEERMSG_CARD,
		                .card = (uint8_t *)card,
		                .card_len = sizeof(card) };
	char want[1024], got[1024];
	uint8_t *buf;
	size_t len;

	(void)state;
	fill_handover(&offer);
	fill_handover(&back);
	memset(back.re, 0x07, sizeof(back.re));
	/* {t: offer, card, sig, rk, note, reply, port}: 7 entries */
	snprintf(want, sizeof(want), "87a174a56f66666572a463617264c406%s%s%s%s%s%s%s",
	         "92c40180c400", "a3736967", sig, "a2726b", rk, "a46e6f7465a26869a57265706c79c3",
	         "a4706f7274cdb799");
	assert_int_equal(peermsg_encode(&offer, &buf, &len), 0);
	assert_true(2 * len < sizeof(got));
	crypt_hex(got, buf, len);
	assert_string_equal(got, want);
	free(buf);
	/* {t: card, card, sig, rk, re}: 5 entries */
	snprintf(want, sizeof(want), "85a174a463617264a463617264c406%s%s%s%s%s%s", "92c40180c400",
	         "a3736967", sig, "a2726b", rk,
	         "a27265c4200707070707070707070707070707070707070707070707070707070707070707");
	assert_int_equal(peermsg_encode(&back, &buf, &len), 0);
	crypt_hex(got, buf, len);
	assert_string_equal(got, want);
	free(buf);
}

/* Hex pieces of hand-written messages: a key and its value. */
#define Z31   "00000000000000000000000000000000000000000000000000000000000000"
#define Z32   Z31 "00"
#define Z64   Z32 Z32
#define T_OFF "a174a56f66666572" /* t: "offer" */
#define T_CRD "a174a463617264"   /* t: "card" */
#define CARD  "a463617264c40100" /* card: bin 00 */
#define SIG   "a3736967c440" Z64 /* sig: bin(64) */
#define RK    "a2726bc420" Z32   /* rk: bin(32) */
#define RE    "a27265c420" Z32   /* re: bin(32) */
#define RPL_F "a57265706c79c2"   /* reply: false */
#define RPL_T "a57265706c79c3"   /* reply: true */

/* Hand-written msgpack, each breaking one rule (after two that break none). */
static void
test_peermsg_decode_rejects(void **state)
{
	static const struct {
		const char *what;
		const char *hex;
		int want;
	} cases[] = {
		{ "a minimal offer (valid)", "85" T_OFF CARD SIG RK RPL_F, 0 },
		{ "a minimal card (valid)", "85" T_CRD CARD SIG RK RE, 0 },
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
		{ "offer without card", "84" T_OFF SIG RK RPL_F, -EBADMSG },
		{ "offer card as str", "85" T_OFF "a463617264a178" SIG RK RPL_F, -EBADMSG },
		{ "offer empty card", "85" T_OFF "a463617264c400" SIG RK RPL_F, -EBADMSG },
		{ "offer without sig", "84" T_OFF CARD RK RPL_F, -EBADMSG },
		{ "offer sig 63 bytes", "85" T_OFF CARD "a3736967c43f" Z31 Z32 RK RPL_F, -EBADMSG },
		{ "offer sig 65 bytes", "85" T_OFF CARD "a3736967c441" Z64 "00" RK RPL_F,
		  -EBADMSG },
		{ "offer sig empty", "85" T_OFF CARD "a3736967c400" RK RPL_F, -EBADMSG },
		{ "offer sig as str", "85" T_OFF CARD "a3736967d940" Z64 RK RPL_F, -EBADMSG },
		{ "offer sig nil", "85" T_OFF CARD "a3736967c0" RK RPL_F, -EBADMSG },
		{ "offer without rk", "84" T_OFF CARD SIG RPL_F, -EBADMSG },
		{ "offer rk 31 bytes", "85" T_OFF CARD SIG "a2726bc41f" Z31 RPL_F, -EBADMSG },
		{ "offer rk 33 bytes", "85" T_OFF CARD SIG "a2726bc421" Z32 "00" RPL_F, -EBADMSG },
		{ "offer rk as str", "85" T_OFF CARD SIG "a2726bd920" Z32 RPL_F, -EBADMSG },
		{ "offer without reply", "84" T_OFF CARD SIG RK, -EBADMSG },
		{ "offer reply not bool", "85" T_OFF CARD SIG RK "a57265706c7901", -EBADMSG },
		{ "offer reply, no port", "85" T_OFF CARD SIG RK RPL_T, -EBADMSG },
		{ "offer port 0", "86" T_OFF CARD SIG RK RPL_T "a4706f727400", -EBADMSG },
		{ "offer port 65536", "86" T_OFF CARD SIG RK RPL_T "a4706f7274ce00010000",
		  -EBADMSG },
		{ "offer note with escape", "86" T_OFF CARD SIG RK RPL_F "a46e6f7465a21b41",
		  -EBADMSG },
		{ "card without re", "84" T_CRD CARD SIG RK, -EBADMSG },
		{ "card re 31 bytes", "85" T_CRD CARD SIG RK "a27265c41f" Z31, -EBADMSG },
		{ "card without sig", "84" T_CRD CARD RK RE, -EBADMSG },
		{ "card sig 32 bytes", "85" T_CRD CARD "a3736967c420" Z32 RK RE, -EBADMSG },
		{ "card without rk", "84" T_CRD CARD SIG RE, -EBADMSG },
		{ "card rk 64 bytes", "85" T_CRD CARD SIG "a2726bc440" Z64 RE, -EBADMSG },
		{ "card without card", "84" T_CRD SIG RK RE, -EBADMSG },
		{ "a minimal intro (valid)", "82a174a5696e74726fa36f626ac40100", 0 },
		{ "intro without obj", "81a174a5696e74726f", -EBADMSG },
		{ "intro obj empty", "82a174a5696e74726fa36f626ac400", -EBADMSG },
		{ "intro obj as str", "82a174a5696e74726fa36f626aa100", -EBADMSG },
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
		if (r == 0) {
			assert_non_null(m);
			peermsg_free(m);
		} else {
			assert_null(m);
			assert_non_null(why);
		}
		free(buf);
	}
}

/* An intro's object is at most INTRO_MAX bytes: one more is malformed. */
static void
test_peermsg_decode_intro_size(void **state)
{
	static const uint8_t head[] = { 0x82, 0xa1, 't', 0xa5, 'i', 'n',  't',  'r',
		                        'o',  0xa3, 'o', 'b',  'j', 0xc5, 0x10, 0x00 };
	uint8_t buf[sizeof(head) + INTRO_MAX + 1] = { 0 };
	struct peermsg *m;

	(void)state;
	memcpy(buf, head, sizeof(head));
	assert_int_equal(peermsg_decode(buf, sizeof(head) + INTRO_MAX, &m, NULL), 0);
	assert_int_equal(m->obj_len, INTRO_MAX);
	peermsg_free(m);
	buf[sizeof(head) - 1] = 0x01; /* bin16 of 4097 */
	assert_int_equal(peermsg_decode(buf, sizeof(buf), &m, NULL), -EBADMSG);
	assert_null(m);
}

/* The v1 rules stay: at most 16 entries, unknown keys counted. An offer has 5 fields. */
static void
test_peermsg_decode_entry_limit(void **state)
{
	for (size_t extra = 10; extra <= 12; extra++) {
		struct peermsg m = { .type = PEERMSG_OFFER }, *got;
		struct wire_out *w;
		uint8_t *buf;
		size_t len;
		int r;

		assert_int_equal(wire_out_new(PEERMSG_MAX, &w), 0);
		wire_put_map(w, (uint32_t)(5 + extra));
		wire_put_cstr(w, "t");
		wire_put_cstr(w, "offer");
		wire_put_cstr(w, "card");
		wire_put_bin(w, card, sizeof(card));
		wire_put_cstr(w, "sig");
		wire_put_bin(w, m.sig, sizeof(m.sig));
		wire_put_cstr(w, "rk");
		wire_put_bin(w, m.rk, sizeof(m.rk));
		wire_put_cstr(w, "reply");
		wire_put_bool(w, false);
		for (size_t i = 0; i < extra; i++) {
			char k[8];

			snprintf(k, sizeof(k), "x%zu", i);
			wire_put_cstr(w, k);
			wire_put_uint(w, i);
		}
		assert_int_equal(wire_out_take(w, &buf, &len), 0);
		wire_out_free(w);
		r = peermsg_decode(buf, len, &got, NULL);
		assert_int_equal(r, 5 + extra <= PEERMSG_KEYS_MAX ? 0 : -EBADMSG);
		peermsg_free(got);
		free(buf);
		(void)state;
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
		cmocka_unit_test(test_peermsg_encode_order),
		cmocka_unit_test(test_peermsg_decode_rejects),
		cmocka_unit_test(test_peermsg_decode_intro_size),
		cmocka_unit_test(test_peermsg_decode_entry_limit),
		cmocka_unit_test(test_peermsg_decode_unknown_keys_ignored),
		cmocka_unit_test(test_peermsg_decode_size_cap),
		cmocka_unit_test(test_peermsg_offer_id_differs),
	};

	assert_int_equal(crypt_init(), 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
