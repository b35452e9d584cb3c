/* armor: cards as text; what a reader tolerates around a block and refuses inside one. */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "testutil.h"
#include "wallflower/armor.h"
#include "wallflower/crypt.h"

/* "hello wallflower" as one block. */
#define HELLO_B64  "aGVsbG8gd2FsbGZsb3dlcg=="
#define HELLO      "hello wallflower"
#define BLOCK(b64) ARMOR_BEGIN "\n" b64 "\n" ARMOR_END "\n"
#define INTRO(b64) ARMOR_BEGIN_INTRO "\n" b64 "\n" ARMOR_END_INTRO "\n"

static int
decode(const char *text, struct armor_blocks *b)
{
	return armor_decode(text, strlen(text), b);
}

/* Decodes text, expecting n blocks, and returns the first's fault. */
static enum armor_fault
fault_of(const char *text, size_t *line)
{
	struct armor_blocks b;
	enum armor_fault f;

	assert_int_equal(decode(text, &b), 0);
	assert_int_equal(b.n, 1);
	f = b.v[0].fault;
	if (line != NULL)
		*line = b.v[0].fault_line;
	if (f != ARMOR_OK)
		assert_null(b.v[0].data);
	armor_blocks_clear(&b);
	return f;
}

/* A NUL inside a block's line. */
static enum armor_fault
fault_nul(void)
{
	static const char text[] = ARMOR_BEGIN "\nQQ\0=\n" ARMOR_END "\n";
	struct armor_blocks b;
	enum armor_fault f;

	assert_int_equal(armor_decode(text, sizeof(text) - 1, &b), 0);
	assert_int_equal(b.n, 1);
	f = b.v[0].fault;
	armor_blocks_clear(&b);
	return f;
}

static void
test_armor_encode_golden(void **state)
{
	char *s;
	size_t n;

	(void)state;
	assert_int_equal(armor_encode((const uint8_t *)HELLO, strlen(HELLO), &s, &n), 0);
	assert_string_equal(s, BLOCK(HELLO_B64));
	assert_int_equal(n, strlen(s));
	free(s);
	assert_int_equal(armor_encode((const uint8_t *)"x", 0, &s, &n), -EMSGSIZE);
	assert_null(s);
}

static void
test_armor_encode_line_length(void **state)
{
	uint8_t data[ARMOR_DATA_MAX];
	struct armor_blocks b;
	char *s, *line, *save = NULL;
	size_t n, lines = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7 + 3);
	assert_int_equal(armor_encode(data, sizeof(data) + 1, &s, &n), -EMSGSIZE);
	assert_int_equal(armor_encode(data, sizeof(data), &s, &n), 0);
	assert_int_equal(decode(s, &b), 0);
	assert_int_equal(b.n, 1);
	assert_int_equal(b.v[0].fault, ARMOR_OK);
	assert_int_equal(b.v[0].len, sizeof(data));
	assert_memory_equal(b.v[0].data, data, sizeof(data));
	armor_blocks_clear(&b);
	for (line = strtok_r(s, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		if (line[0] != '-')
			assert_true(strlen(line) <= ARMOR_LINE);
		lines++;
	}
	assert_int_equal(lines, 2 + (CRYPT_BASE64_LEN(sizeof(data)) + ARMOR_LINE - 1) / ARMOR_LINE);
	free(s);
}

/* The card vector "minimal" (proto/vectors/cards.json), armored, is the example of
 * proto/card.md section 16.1, byte for byte: the specification's example is checked here. */
static void
test_armor_encode_spec_example(void **state)
{
	static const char hex[] = "92c44d85a17601a36b6579c42003a107bff3ce10be1d70dd18e74bc09967e4d6"
	                          "309ba50d5f1ddc8664125531b8a372657607a6697373756564ce6ab13b80a46e"
	                          "616d65ac416461204c6f76656c616365c440fd3da8c7ed766816b99545ad57cb"
	                          "24a60a565f20a55aeefb5702c1f262f3116779750d356de8969a245efda106d6"
	                          "a5d7a0f8f94a4623e4e0d2e56e98c02e1002";
	static const char want[] =
	        ARMOR_BEGIN "\n"
	                    "ksRNhaF2AaNrZXnEIAOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4o3Jl\n"
	                    "dgemaXNzdWVkzmqxO4CkbmFtZaxBZGEgTG92ZWxhY2XEQP09qMftdmgWuZVFrVfL\n"
	                    "JKYKVl8gpVru+1cCwfJi8xFneXUNNW3olpokXv2hBtal16D4+UpGI+Tg0uVumMAu\n"
	                    "EAI=\n" ARMOR_END "\n";
	char *path = tu_source_path("proto/card.md"), *s, *spec;
	size_t len, n;
	uint8_t *env = tu_unhex(hex, &len);

	(void)state;
	assert_int_equal(len, 146);
	assert_int_equal(armor_encode(env, len, &s, &n), 0);
	assert_string_equal(s, want);
	spec = (char *)tu_read(path, &n);
	spec = realloc(spec, n + 1);
	assert_non_null(spec);
	spec[n] = '\0';
	assert_non_null(strstr(spec, want));
	free(spec);
	free(s);
	free(env);
	free(path);
}

/* Every length round-trips, whatever padding it ends with. */
static void
test_armor_decode_round_trip_lengths(void **state)
{
	uint8_t data[200];
	struct armor_blocks b;
	char *s;
	size_t n;

	(void)state;
	for (size_t len = 1; len <= sizeof(data); len++) {
		crypt_random(data, len);
		assert_int_equal(armor_encode(data, len, &s, &n), 0);
		assert_int_equal(armor_decode(s, n, &b), 0);
		assert_int_equal(b.n, 1);
		assert_int_equal(b.v[0].fault, ARMOR_OK);
		assert_int_equal(b.v[0].len, len);
		assert_memory_equal(b.v[0].data, data, len);
		armor_blocks_clear(&b);
		free(s);
	}
}

/* A pasted mail: text around, CRLF, quote prefixes, trailing blanks, several blocks. */
static void
test_armor_decode_mail(void **state)
{
	static const char mail[] = "Hi Bo,\r\n\r\nhere is my card:\r\n"
	                           "> > " ARMOR_BEGIN "  \r\n"
	                           ">> aGVsbG8gd2Fs\t\r\n"
	                           "> > bGZsb3dlcg==\r\n"
	                           "> > " ARMOR_END "\r\n"
	                           "and Cy's:\n\n" BLOCK("Y3k=") "-- \nAda";
	struct armor_blocks b;

	(void)state;
	assert_int_equal(decode(mail, &b), 0);
	assert_int_equal(b.n, 2);
	assert_int_equal(b.v[0].fault, ARMOR_OK);
	assert_int_equal(b.v[0].line, 4);
	assert_int_equal(b.v[0].len, strlen(HELLO));
	assert_memory_equal(b.v[0].data, HELLO, strlen(HELLO));
	assert_int_equal(b.v[1].fault, ARMOR_OK);
	assert_int_equal(b.v[1].line, 10);
	assert_int_equal(b.v[1].len, 2);
	assert_memory_equal(b.v[1].data, "cy", 2);
	armor_blocks_clear(&b);
}

static void
test_armor_decode_no_block(void **state)
{
	struct armor_blocks b;

	(void)state;
	assert_int_equal(decode("just some text\n" ARMOR_END "\n", &b), 0);
	assert_int_equal(b.n, 0);
	/* BEGIN not at the start of a line is text. */
	assert_int_equal(decode("see: " ARMOR_BEGIN "\nQQ==\n" ARMOR_END "\n", &b), 0);
	assert_int_equal(b.n, 0);
	/* Nor in another case. */
	assert_int_equal(decode("-----begin wallflower card-----\nQQ==\n" ARMOR_END, &b), 0);
	assert_int_equal(b.n, 0);
	assert_int_equal(decode("", &b), 0);
	assert_int_equal(b.n, 0);
}

static void
test_armor_decode_hostile(void **state)
{
	size_t line;

	(void)state;
	assert_int_equal(fault_of(BLOCK("aGVsbG8*d2FsbGZsb3dlcg=="), &line), ARMOR_BAD_CHAR);
	assert_int_equal(line, 2);
	assert_int_equal(fault_of(BLOCK("aGVsbG8 d2FsbGZsb3dlcg=="), NULL), ARMOR_BAD_CHAR);
	assert_int_equal(fault_of(BLOCK("aGVsbG8-d2FsbGZsb3dlcg=="), NULL), ARMOR_BAD_CHAR);
	assert_int_equal(fault_of(BLOCK("aGVsbG8gd2FsbGZsb3dlcg=\xc3\xa9"), NULL), ARMOR_BAD_CHAR);
	assert_int_equal(fault_nul(), ARMOR_BAD_CHAR);
	/* Padding: missing, in the middle, too much, and bits the encoding leaves zero. */
	assert_int_equal(fault_of(BLOCK("aGVsbG8gd2FsbGZsb3dlcg"), NULL), ARMOR_PADDING);
	assert_int_equal(fault_of(BLOCK("QQ==QQ=="), NULL), ARMOR_PADDING);
	assert_int_equal(fault_of(BLOCK("QQ==\nQUJD"), &line), ARMOR_PADDING);
	assert_int_equal(line, 3);
	assert_int_equal(fault_of(BLOCK("QQ==="), NULL), ARMOR_PADDING);
	assert_int_equal(fault_of(BLOCK("QR=="), NULL), ARMOR_PADDING);
	assert_int_equal(fault_of(BLOCK("QUI="), NULL), ARMOR_OK);
	assert_int_equal(fault_of(BLOCK("QUJ="), NULL), ARMOR_PADDING);
	assert_int_equal(fault_of(BLOCK("===="), NULL), ARMOR_PADDING);
	assert_int_equal(fault_of(BLOCK("Q"), NULL), ARMOR_PADDING);
	/* Lines: empty inside, too long, none. */
	assert_int_equal(fault_of(ARMOR_BEGIN "\nQUJD\n\nREVG\n" ARMOR_END, &line),
	                 ARMOR_BLANK_LINE);
	assert_int_equal(line, 3);
	assert_int_equal(fault_of(ARMOR_BEGIN "\n" ARMOR_END, &line), ARMOR_EMPTY);
	assert_int_equal(line, 2);
	assert_int_equal(fault_of(BLOCK("QUJDQUJDQUJDQUJDQUJDQUJDQUJDQUJDQUJDQUJDQUJDQUJDQUJDQUJDQU"
	                                "JDQUJDQUJDQUJDQUJDQUJD"),
	                          NULL),
	                 ARMOR_LONG_LINE);
	/* A line of 76 is fine (MIME's length). */
	assert_int_equal(fault_of(BLOCK("QUJDQUJDQUJDQUJDQUJDQUJDQUJDQUJDQUJDQUJDQUJDQUJDQUJDQUJDQU"
	                                "JDQUJDQUJDQUJDQUJD"),
	                          NULL),
	                 ARMOR_OK);
	/* Truncated: no END line. */
	assert_int_equal(fault_of(ARMOR_BEGIN "\nQUJD\n", &line), ARMOR_NO_END);
	assert_int_equal(line, 2);
	/* END with text after it on its line is not an END line. */
	assert_int_equal(fault_of(ARMOR_BEGIN "\nQUJD\n" ARMOR_END " thanks\n", NULL),
	                 ARMOR_BAD_CHAR);
}

/* A BEGIN inside a block ends the first as unfinished; the second is still read. */
static void
test_armor_decode_begin_twice(void **state)
{
	struct armor_blocks b;

	(void)state;
	assert_int_equal(decode(ARMOR_BEGIN "\nQUJD\n" BLOCK("Y3k="), &b), 0);
	assert_int_equal(b.n, 2);
	assert_int_equal(b.v[0].fault, ARMOR_NO_END);
	assert_int_equal(b.v[0].fault_line, 3);
	assert_int_equal(b.v[1].fault, ARMOR_OK);
	assert_int_equal(b.v[1].len, 2);
	armor_blocks_clear(&b);
}

static void
test_armor_decode_bounds(void **state)
{
	size_t big = ARMOR_TEXT_MAX + 1, n = 0;
	char *text = malloc(big), *s;
	struct armor_blocks b;
	uint8_t data[ARMOR_DATA_MAX + 3];

	(void)state;
	assert_non_null(text);
	memset(text, 'x', big);
	assert_int_equal(armor_decode(text, big, &b), -EMSGSIZE);
	assert_int_equal(b.n, 0);
	/* Too many blocks. */
	for (size_t i = 0; i <= ARMOR_BLOCKS_MAX; i++)
		n += (size_t)snprintf(text + n, big - n, "%s", BLOCK("QQ=="));
	assert_int_equal(armor_decode(text, n, &b), -E2BIG);
	assert_int_equal(b.n, 0);
	assert_null(b.v);
	/* Exactly the most blocks. */
	n -= strlen(BLOCK("QQ=="));
	assert_int_equal(armor_decode(text, n, &b), 0);
	assert_int_equal(b.n, ARMOR_BLOCKS_MAX);
	armor_blocks_clear(&b);
	/* A block of one byte too many, written by hand with the same line length. */
	memset(data, 0x41, sizeof(data));
	n = (size_t)snprintf(text, big, "%s\n", ARMOR_BEGIN);
	s = malloc(CRYPT_BASE64_LEN(ARMOR_DATA_MAX + 1) + 1);
	assert_non_null(s);
	crypt_base64(s, data, ARMOR_DATA_MAX + 1);
	for (size_t i = 0; i < strlen(s); i += 64)
		n += (size_t)snprintf(text + n, big - n, "%.64s\n", s + i);
	snprintf(text + n, big - n, "%s\n", ARMOR_END);
	assert_int_equal(fault_of(text, NULL), ARMOR_TOO_BIG);
	/* Far too many: stopped while gathering. */
	crypt_base64(s, data, ARMOR_DATA_MAX + 1);
	free(s);
	s = malloc(CRYPT_BASE64_LEN(ARMOR_DATA_MAX + 3) + 1);
	assert_non_null(s);
	crypt_base64(s, data, ARMOR_DATA_MAX + 3);
	n = (size_t)snprintf(text, big, "%s\n", ARMOR_BEGIN);
	for (size_t i = 0; i < strlen(s); i += 64)
		n += (size_t)snprintf(text + n, big - n, "%.64s\n", s + i);
	snprintf(text + n, big - n, "%s\n", ARMOR_END);
	assert_int_equal(fault_of(text, NULL), ARMOR_TOO_BIG);
	free(s);
	free(text);
}

/* The verdict tokens of proto/vectors/armor.json. */
static const char *const fault_tokens[ARMOR_FAULT_COUNT] = {
	[ARMOR_OK] = "ok",
	[ARMOR_NO_END] = "no-end",
	[ARMOR_BAD_CHAR] = "bad-char",
	[ARMOR_LONG_LINE] = "long-line",
	[ARMOR_BLANK_LINE] = "blank-line",
	[ARMOR_PADDING] = "padding",
	[ARMOR_EMPTY] = "empty",
	[ARMOR_TOO_BIG] = "too-big",
};

static void
check_vector_block(const char *name, const struct armor_block *b, json_t *want)
{
	const char *verdict = json_string_value(json_object_get(want, "verdict"));
	const char *label = json_string_value(json_object_get(want, "label"));
	size_t len;
	uint8_t *data;

	printf("# %s, block at line %zu\n", name, b->line);
	assert_int_equal(b->line, json_integer_value(json_object_get(want, "line")));
	/* A block without "label" is a card's, as in the vectors written before there were
	 * two labels. */
	assert_string_equal(b->label == ARMOR_LABEL_INTRO ? "introduction" : "card",
	                    label != NULL ? label : "card");
	assert_string_equal(fault_tokens[b->fault], verdict);
	if (b->fault != ARMOR_OK) {
		assert_int_equal(b->fault_line,
		                 json_integer_value(json_object_get(want, "fault_line")));
		return;
	}
	data = tu_unhex(json_string_value(json_object_get(want, "data")), &len);
	assert_int_equal(b->len, len);
	assert_memory_equal(b->data, data, len);
	free(data);
}

/* Every vector of proto/vectors/armor.json, which tests/interop/check_armor.py replays too. */
static void
test_armor_decode_vectors(void **state)
{
	char *path = tu_source_path("proto/vectors/armor.json");
	json_error_t jerr;
	json_t *doc = json_load_file(path, 0, &jerr), *v;
	size_t i;

	(void)state;
	assert_non_null(doc);
	json_array_foreach(json_object_get(doc, "vectors"), i, v)
	{
		const char *name = json_string_value(json_object_get(v, "name"));
		json_t *text = json_object_get(v, "text"), *blocks = json_object_get(v, "blocks");
		struct armor_blocks b;

		assert_int_equal(
		        armor_decode(json_string_value(text), json_string_length(text), &b), 0);
		assert_int_equal(b.n, json_array_size(blocks));
		for (size_t k = 0; k < b.n; k++)
			check_vector_block(name, &b.v[k], json_array_get(blocks, k));
		armor_blocks_clear(&b);
	}
	assert_true(i >= 20);
	json_decref(doc);
	free(path);
}

/* ---- the introduction label (proto/introduction.md section 9) ---- */

static void
test_armor_encode_as_intro(void **state)
{
	char *s;
	size_t n;

	(void)state;
	assert_int_equal(
	        armor_encode_as(ARMOR_LABEL_INTRO, (const uint8_t *)HELLO, strlen(HELLO), &s, &n),
	        0);
	assert_string_equal(s, INTRO(HELLO_B64));
	assert_int_equal(n, strlen(s));
	free(s);
	/* armor_encode stays the card's. */
	assert_int_equal(armor_encode((const uint8_t *)HELLO, strlen(HELLO), &s, &n), 0);
	assert_string_equal(s, BLOCK(HELLO_B64));
	free(s);
	assert_string_equal(armor_label_begin(ARMOR_LABEL_INTRO), ARMOR_BEGIN_INTRO);
	assert_string_equal(armor_label_end(ARMOR_LABEL_INTRO), ARMOR_END_INTRO);
	assert_string_equal(armor_label_begin(ARMOR_LABEL_CARD), ARMOR_BEGIN);
	assert_string_equal(armor_label_end(ARMOR_LABEL_CARD), ARMOR_END);
}

/* Every length up to the limit goes through the intro label and back; one more does not. */
static void
test_armor_decode_intro_round_trip(void **state)
{
	static uint8_t data[ARMOR_DATA_MAX + 1];
	struct armor_blocks b;
	char *s;
	size_t n;

	(void)state;
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7 + 3);
	for (size_t len = 1; len <= ARMOR_DATA_MAX; len += len < 8 ? 1 : 509) {
		assert_int_equal(armor_encode_as(ARMOR_LABEL_INTRO, data, len, &s, &n), 0);
		assert_int_equal(armor_decode(s, n, &b), 0);
		assert_int_equal(b.n, 1);
		assert_int_equal(b.v[0].fault, ARMOR_OK);
		assert_int_equal(b.v[0].label, ARMOR_LABEL_INTRO);
		assert_int_equal(b.v[0].len, len);
		assert_memory_equal(b.v[0].data, data, len);
		armor_blocks_clear(&b);
		free(s);
	}
	assert_int_equal(armor_encode_as(ARMOR_LABEL_INTRO, data, ARMOR_DATA_MAX + 1, &s, &n),
	                 -EMSGSIZE);
	assert_null(s);
}

/* Both labels in one text: each block read by its own label, in order. */
static void
test_armor_decode_labels_mixed(void **state)
{
	struct armor_blocks b;

	(void)state;
	assert_int_equal(decode("Hi,\n> " ARMOR_BEGIN_INTRO "\n> " HELLO_B64 "\n> " ARMOR_END_INTRO
	                        "\nand my card:\n" BLOCK("QQ==") INTRO("Y3k="),
	                        &b),
	                 0);
	assert_int_equal(b.n, 3);
	assert_int_equal(b.v[0].label, ARMOR_LABEL_INTRO);
	assert_int_equal(b.v[0].line, 2);
	assert_int_equal(b.v[0].fault, ARMOR_OK);
	assert_memory_equal(b.v[0].data, HELLO, strlen(HELLO));
	assert_int_equal(b.v[1].label, ARMOR_LABEL_CARD);
	assert_int_equal(b.v[1].fault, ARMOR_OK);
	assert_int_equal(b.v[2].label, ARMOR_LABEL_INTRO);
	assert_int_equal(b.v[2].len, 2);
	armor_blocks_clear(&b);
}

/* A BEGIN of one label closed by the other's END is refused there (no-end), and the scan
 * goes on: the next block is read, and a later END of the first label closes nothing. */
static void
test_armor_decode_labels_crossed(void **state)
{
	struct armor_blocks b;

	(void)state;
	assert_int_equal(decode(ARMOR_BEGIN "\nQUJD\n" ARMOR_END_INTRO "\n" ARMOR_END "\n" INTRO(
	                                "Y3k=") ARMOR_BEGIN_INTRO "\nQUJD\n" ARMOR_END "\n",
	                        &b),
	                 0);
	assert_int_equal(b.n, 3);
	assert_int_equal(b.v[0].label, ARMOR_LABEL_CARD);
	assert_int_equal(b.v[0].fault, ARMOR_NO_END);
	assert_int_equal(b.v[0].fault_line, 3);
	assert_null(b.v[0].data);
	assert_int_equal(b.v[1].label, ARMOR_LABEL_INTRO);
	assert_int_equal(b.v[1].line, 5);
	assert_int_equal(b.v[1].fault, ARMOR_OK);
	assert_int_equal(b.v[2].label, ARMOR_LABEL_INTRO);
	assert_int_equal(b.v[2].fault, ARMOR_NO_END);
	assert_int_equal(b.v[2].fault_line, 10);
	armor_blocks_clear(&b);
	/* An intro BEGIN, then a card BEGIN before its END: the first is unfinished. */
	assert_int_equal(decode(ARMOR_BEGIN_INTRO "\nQUJD\n" BLOCK("Y3k="), &b), 0);
	assert_int_equal(b.n, 2);
	assert_int_equal(b.v[0].fault, ARMOR_NO_END);
	assert_int_equal(b.v[0].fault_line, 3);
	assert_int_equal(b.v[1].label, ARMOR_LABEL_CARD);
	assert_int_equal(b.v[1].fault, ARMOR_OK);
	armor_blocks_clear(&b);
	/* Only the exact marker: lower case or text after it is a base64 line like any. */
	assert_int_equal(
	        fault_of(ARMOR_BEGIN_INTRO "\nQUJD\n-----end wallflower introduction-----\n", NULL),
	        ARMOR_BAD_CHAR);
}

static void
test_armor_sniff_kinds(void **state)
{
	static const uint8_t png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0 };
	static const uint8_t jpeg[] = { 0xff, 0xd8, 0xff, 0xe0 };
	static const uint8_t env[] = { 0x92, 0xc4, 0x01, 0x00 };
	static const char mail[] = "Hi\n> " ARMOR_BEGIN "\n";
	static const char intro[] = "Hi\n>> " ARMOR_BEGIN_INTRO "\r\n";

	(void)state;
	assert_int_equal(armor_sniff(png, sizeof(png)), ARMOR_KIND_PNG);
	assert_int_equal(armor_sniff(png, 7), ARMOR_KIND_BINARY);
	assert_int_equal(armor_sniff(jpeg, sizeof(jpeg)), ARMOR_KIND_JPEG);
	assert_int_equal(armor_sniff(env, sizeof(env)), ARMOR_KIND_BINARY);
	assert_int_equal(armor_sniff((const uint8_t *)mail, strlen(mail)), ARMOR_KIND_TEXT);
	assert_int_equal(armor_sniff((const uint8_t *)intro, strlen(intro)), ARMOR_KIND_TEXT);
	assert_int_equal(armor_sniff((const uint8_t *)"x " ARMOR_BEGIN_INTRO,
	                             strlen("x " ARMOR_BEGIN_INTRO)),
	                 ARMOR_KIND_BINARY);
	assert_int_equal(armor_sniff((const uint8_t *)"x " ARMOR_BEGIN, 33), ARMOR_KIND_BINARY);
	assert_int_equal(armor_sniff((const uint8_t *)"not a card", 10), ARMOR_KIND_BINARY);
	assert_int_equal(armor_sniff(NULL, 0), ARMOR_KIND_BINARY);
}

static void
test_armor_fault_describe_all(void **state)
{
	(void)state;
	for (int f = 0; f < ARMOR_FAULT_COUNT; f++)
		assert_non_null(armor_fault_describe((enum armor_fault)f));
	assert_string_equal(armor_fault_describe(ARMOR_FAULT_COUNT), "unknown fault");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_armor_encode_golden),
		cmocka_unit_test(test_armor_encode_line_length),
		cmocka_unit_test(test_armor_encode_spec_example),
		cmocka_unit_test(test_armor_decode_round_trip_lengths),
		cmocka_unit_test(test_armor_decode_mail),
		cmocka_unit_test(test_armor_decode_no_block),
		cmocka_unit_test(test_armor_decode_hostile),
		cmocka_unit_test(test_armor_decode_begin_twice),
		cmocka_unit_test(test_armor_decode_bounds),
		cmocka_unit_test(test_armor_decode_vectors),
		cmocka_unit_test(test_armor_encode_as_intro),
		cmocka_unit_test(test_armor_decode_intro_round_trip),
		cmocka_unit_test(test_armor_decode_labels_mixed),
		cmocka_unit_test(test_armor_decode_labels_crossed),
		cmocka_unit_test(test_armor_sniff_kinds),
		cmocka_unit_test(test_armor_fault_describe_all),
	};

	if (crypt_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
