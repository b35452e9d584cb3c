/* card: issuing, decoding, tampering, and the allocation bound of the decoder.
 * Each rejection rule has a vector in proto/vectors/cards.json (test_vectors.c); here the
 * round trip, tampering everywhere, and the issuing side. */
#include <malloc.h>
#include <string.h>

#include "testutil.h"
#include "wallflower/card.h"

/*
 * Allocation accounting. The test binary defines malloc and friends, so that msgpack-c's
 * allocations (inside libmsgpackc.so) are counted too. ASan brings its own allocator,
 * which this would fight with: under ASan the bound test skips and says so.
 */
#if defined(__SANITIZE_ADDRESS__)
#define NO_ALLOC_HOOK 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NO_ALLOC_HOOK 1
#endif
#endif

static size_t alloc_bytes;
static int alloc_counting;

#ifndef NO_ALLOC_HOOK
extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t n);

void *
malloc(size_t n)
{
	if (alloc_counting)
		alloc_bytes += n;
	return __libc_malloc(n);
}

void *
calloc(size_t n, size_t size)
{
	if (alloc_counting)
		alloc_bytes += n * size;
	return __libc_calloc(n, size);
}

void *
realloc(void *p, size_t n)
{
	if (alloc_counting)
		alloc_bytes += n;
	return __libc_realloc(p, n);
}
#endif

static uint8_t pk[32], sk[64];

static void
text(struct card_fields *f, enum card_field field, const char *v)
{
	f->text[field] = strdup(v);
	assert_non_null(f->text[field]);
}

static void
item(struct card_fields *f, enum card_field field, const char *v)
{
	struct card_list *l = card_fields_list(f, field);

	l->items = realloc(l->items, (l->n + 1) * sizeof(*l->items));
	assert_non_null(l->items);
	l->items[l->n] = strdup(v);
	assert_non_null(l->items[l->n]);
	l->n++;
}

static void
full_fields(struct card_fields *f)
{
	card_fields_init(f);
	text(f, CARD_NAME, "Ada Lovelace");
	text(f, CARD_PRONOUNS, "she/her");
	text(f, CARD_TITLE, "Analyst");
	text(f, CARD_ORG, "Analytical Engines");
	text(f, CARD_LOCATION, "London");
	text(f, CARD_NOTE, "two\nlines");
	item(f, CARD_EMAIL, "ada@example.org");
	item(f, CARD_EMAIL, "ada@engines.example");
	item(f, CARD_PHONE, "+44 20 7946 0000");
	item(f, CARD_URL, "https://example.org/ada");
	item(f, CARD_TOPICS, "intranets");
	item(f, CARD_OFFERS, "mentoring");
	item(f, CARD_SEEKS, "a co-author");
	f->fwd = 0;
}

static void
issue(const struct card_fields *f, uint64_t expires, uint8_t **env, size_t *len)
{
	struct card_meta meta = { .rev = 3, .issued = 1790000000, .expires = expires };
	struct card_error err = { 0 };

	assert_int_equal(card_issue(f, &meta, sk, env, len, &err), 0);
	assert_int_equal(err.fault, CARD_OK);
}

static void
assert_fields_equal(const struct card_fields *a, const struct card_fields *b)
{
	for (int i = 0; i < CARD_TEXT_COUNT; i++) {
		if (a->text[i] == NULL || b->text[i] == NULL)
			assert_ptr_equal(a->text[i], b->text[i]);
		else
			assert_string_equal(a->text[i], b->text[i]);
	}
	for (int i = CARD_EMAIL; i < CARD_FIELD_COUNT; i++) {
		const struct card_list *x = card_fields_list_const(a, i);
		const struct card_list *y = card_fields_list_const(b, i);

		assert_int_equal(x->n, y->n);
		for (size_t j = 0; j < x->n; j++)
			assert_string_equal(x->items[j], y->items[j]);
	}
	assert_int_equal(a->fwd, b->fwd);
}

static void
test_card_issue_decode_round_trip(void **state)
{
	struct card_fields f;
	struct card_error err;
	struct card *card;
	uint8_t *env;
	size_t len;

	(void)state;
	full_fields(&f);
	issue(&f, 2000000000, &env, &len);
	assert_true(len <= CARD_ENVELOPE_MAX);
	assert_int_equal(card_decode(env, len, &card, &err), 0);
	assert_memory_equal(card->key, pk, 32);
	assert_true(card->rev == 3);
	assert_true(card->issued == 1790000000);
	assert_true(card->has_expires && card->expires == 2000000000);
	assert_int_equal(card->unknown_keys, 0);
	assert_fields_equal(&f, &card->f);
	/* The envelope is kept byte for byte, and the payload lies inside it. */
	assert_int_equal(card->envelope_len, len);
	assert_memory_equal(card->envelope, env, len);
	assert_true(card->payload > card->envelope &&
	            card->payload + card->payload_len < card->envelope + len);
	assert_int_equal(card_check_time(card, 1999999999, &err), 0);
	assert_int_equal(card_check_time(card, 2000000000, &err), -ESTALE);
	assert_int_equal(err.fault, CARD_EXPIRED);
	card_free(card);
	free(env);
	card_fields_clear(&f);
}

/* A persona carries only what it holds: absent fields stay absent on the card. */
static void
test_card_issue_persona_selection(void **state)
{
	struct card_fields f;
	struct card_error err;
	struct card *card;
	uint8_t *env;
	size_t len;

	(void)state;
	card_fields_init(&f);
	text(&f, CARD_NAME, "A. Lovelace");
	item(&f, CARD_EMAIL, "work@example.org");
	issue(&f, 0, &env, &len);
	assert_int_equal(card_decode(env, len, &card, &err), 0);
	assert_fields_equal(&f, &card->f);
	assert_null(card->f.text[CARD_ORG]);
	assert_int_equal(card_fields_list(&card->f, CARD_TOPICS)->n, 0);
	assert_int_equal(card->f.fwd, -1);
	assert_false(card->has_expires);
	assert_int_equal(card_check_time(card, UINT64_MAX, &err), 0);
	card_free(card);
	free(env);
	card_fields_clear(&f);
}

/* Flipping any bit of any byte of a card must make it fail: the structure, the signature
 * or a field rule catches it. */
static void
test_card_decode_tamper_every_byte(void **state)
{
	struct card_fields f;
	struct card_error err;
	struct card *card;
	uint8_t *env;
	size_t len;

	(void)state;
	full_fields(&f);
	issue(&f, 0, &env, &len);
	for (size_t i = 0; i < len; i++) {
		for (int bit = 0; bit < 8; bit++) {
			env[i] ^= (uint8_t)(1 << bit);
			if (card_decode(env, len, &card, &err) != -EBADMSG)
				fail_msg("flipping bit %d of byte %zu went unnoticed", bit, i);
			assert_null(card);
			assert_int_not_equal(err.fault, CARD_OK);
			env[i] ^= (uint8_t)(1 << bit);
		}
	}
	assert_int_equal(card_decode(env, len, &card, &err), 0);
	card_free(card);
	free(env);
	card_fields_clear(&f);
}

/* Every prefix of a card is rejected, never read past. */
static void
test_card_decode_every_prefix(void **state)
{
	struct card_fields f;
	struct card_error err;
	struct card *card;
	uint8_t *env;
	size_t len;

	(void)state;
	full_fields(&f);
	issue(&f, 0, &env, &len);
	for (size_t n = 0; n < len; n++) {
		uint8_t *copy = malloc(n ? n : 1); /* exact size, so ASan sees overreads */

		memcpy(copy, env, n);
		assert_int_equal(card_decode(copy, n, &card, &err), -EBADMSG);
		assert_int_equal(err.fault, CARD_TRUNCATED);
		free(copy);
	}
	free(env);
	card_fields_clear(&f);
}

static void
test_card_issue_rejects_bad_fields(void **state)
{
	struct card_meta meta = { .rev = 1, .issued = 1 };
	struct card_fields f;
	struct card_error err;
	uint8_t *env = (uint8_t *)1;
	size_t len = 1;

	(void)state;
	card_fields_init(&f);
	assert_int_equal(card_issue(&f, &meta, sk, &env, &len, &err), -EINVAL);
	assert_int_equal(err.fault, CARD_MISSING);
	assert_string_equal(err.field, "name");
	assert_null(env);
	assert_int_equal(len, 0);

	text(&f, CARD_NAME, "Ada\xe2\x80\xae");
	assert_int_equal(card_issue(&f, &meta, sk, &env, &len, &err), -EINVAL);
	assert_int_equal(err.fault, CARD_FORMAT_CHAR);
	free(f.text[CARD_NAME]);
	f.text[CARD_NAME] = NULL;
	text(&f, CARD_NAME, "Ada");

	item(&f, CARD_TOPICS, "x");
	item(&f, CARD_TOPICS, "y");
	item(&f, CARD_TOPICS, "x");
	assert_int_equal(card_issue(&f, &meta, sk, &env, &len, &err), -EINVAL);
	assert_int_equal(err.fault, CARD_DUPLICATE_ITEM);
	assert_string_equal(err.field, "topics");
	assert_int_equal(err.item, 3);
	card_fields_clear(&f);
}

/* Fields that are each within limits can still add up to more than a card may be. */
static void
test_card_issue_too_big(void **state)
{
	struct card_meta meta = { .rev = 1, .issued = 1 };
	struct card_fields f;
	struct card_error err;
	char email[255];
	uint8_t *env;
	size_t len;

	(void)state;
	card_fields_init(&f);
	text(&f, CARD_NAME, "Ada");
	for (int i = 0; i < 8; i++) {
		memset(email, 'a' + i, 254);
		email[254] = '\0';
		item(&f, CARD_EMAIL, email);
	}
	for (int i = 0; i < 8; i++) {
		memset(email, 'a' + i, 254);
		email[0] = 'u';
		email[254] = '\0';
		item(&f, CARD_URL, email);
	}
	assert_int_equal(card_fields_check(&f, &err), 0);
	assert_int_equal(card_issue(&f, &meta, sk, &env, &len, &err), -EMSGSIZE);
	assert_int_equal(err.fault, CARD_TOO_BIG);
	assert_null(env);
	card_fields_clear(&f);
}

/* card_fields_fit measures with the largest numbers: what it passes always issues. */
static void
test_card_fields_fit_agrees_with_issue(void **state)
{
	struct card_meta worst = { CARD_UINT_MAX, CARD_UINT_MAX, CARD_UINT_MAX };
	struct card_fields f;
	struct card_error err;
	char note[1025];
	uint8_t *env;
	size_t len;
	int fits, issued, seen_fit = 0, seen_big = 0;

	(void)state;
	card_fields_init(&f);
	text(&f, CARD_NAME, "Ada");
	for (size_t n = 700; n <= 1024; n += 4) {
		for (int i = 0; i < 4; i++) {
			char email[255];

			memset(email, 'a' + i, 254);
			email[254] = '\0';
			if (card_fields_list(&f, CARD_EMAIL)->n < 4)
				item(&f, CARD_EMAIL, email);
		}
		for (int i = 0; i < 8 && card_fields_list(&f, CARD_URL)->n < 8; i++) {
			char url[257];

			memset(url, 'u', 250);
			url[0] = (char)('a' + i);
			url[250] = '\0';
			item(&f, CARD_URL, url);
		}
		memset(note, 'n', n);
		note[n] = '\0';
		free(f.text[CARD_NOTE]);
		f.text[CARD_NOTE] = strdup(note);
		fits = card_fields_fit(&f);
		issued = card_issue(&f, &worst, sk, &env, &len, &err);
		if ((fits == 0) != (issued == 0))
			fail_msg("note of %zu bytes: fit says %d, issue says %d", n, fits, issued);
		if (issued == 0)
			free(env);
		seen_fit += fits == 0;
		seen_big += fits == -EMSGSIZE;
	}
	/* The range of notes crosses the limit: both answers were seen. */
	assert_true(seen_fit > 0 && seen_big > 0);
	card_fields_clear(&f);
}

static void
test_card_issue_out_of_range(void **state)
{
	struct card_meta meta = { .rev = (uint64_t)CARD_UINT_MAX + 1, .issued = 1 };
	struct card_fields f;
	struct card_error err;
	uint8_t *env;
	size_t len;

	(void)state;
	card_fields_init(&f);
	text(&f, CARD_NAME, "Ada");
	assert_int_equal(card_issue(&f, &meta, sk, &env, &len, &err), -EINVAL);
	assert_int_equal(err.fault, CARD_OUT_OF_RANGE);
	card_fields_clear(&f);
}

static void
test_card_error_describe_names(void **state)
{
	struct card_error err = { CARD_BAD_UTF8, "email", 2 };
	char buf[128];

	(void)state;
	assert_string_equal(card_error_describe(&err, buf, sizeof(buf)),
	                    "field 'email' item 2: invalid UTF-8");
	err = (struct card_error){ CARD_TRUNCATED, NULL, 0 };
	assert_string_equal(card_error_describe(&err, buf, sizeof(buf)),
	                    "truncated: the data ends inside a msgpack value");
	assert_string_equal(card_fault_name(CARD_BAD_SIGNATURE), "bad-signature");
	for (int i = 0; i < CARD_FAULT_COUNT; i++)
		assert_non_null(card_fault_name(i));
}

static void
test_card_field_lookup_names(void **state)
{
	enum card_field f;

	(void)state;
	for (int i = 0; i < CARD_FIELD_COUNT; i++) {
		assert_int_equal(card_field_lookup(card_field_info(i)->name, &f), 0);
		assert_int_equal(f, i);
		assert_int_equal(card_field_info(i)->list, i >= CARD_EMAIL);
	}
	assert_int_equal(card_field_lookup("fwd", &f), -ENOENT);
	assert_int_equal(card_field_lookup("Name", &f), -ENOENT);
	assert_int_equal(card_field_lookup("", &f), -ENOENT);
}

/* Decoding never allocates more than a small multiple of its input (plus msgpack-c's
 * fixed zone chunks), whatever the input claims. */
static void
test_card_decode_alloc_bound(void **state)
{
	static const struct {
		const char *b;
		size_t n;
	} hostile[] = {
		{ "\xdd\xff\x00\x00\x00", 5 },
		{ "\xdf\xff\xff\xff\xff", 5 },
		{ "\x92\xc6\xff\xff\xff\xff", 6 },
		{ "\x92\xc4\x05\xdd\xff\xff\xff\xff\xc4\x40", 10 },
	};
	/* The worst honest case: a payload of one unknown key holding thousands of nils,
	 * every byte an element. */
	uint8_t nils[CARD_ENVELOPE_MAX];
	struct card_error err;
	struct card *card;
	size_t n = 0;

	(void)state;
#ifdef NO_ALLOC_HOOK
	skip(); /* ASan owns malloc here; the plain build runs this test */
#endif
	for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		alloc_bytes = 0;
		alloc_counting = 1;
		assert_int_equal(
		        card_decode((const uint8_t *)hostile[i].b, hostile[i].n, &card, &err),
		        -EBADMSG);
		alloc_counting = 0;
		if (alloc_bytes > 64 * hostile[i].n + 65536)
			fail_msg("hostile %zu: %zu bytes allocated", i, alloc_bytes);
	}
	/* [bin16(payload), ...]: payload = {"x": array16 of nils} */
	nils[n++] = 0x92;
	nils[n++] = 0xc5;
	nils[n++] = 0x0f;
	nils[n++] = 0x00;
	nils[n++] = 0x81;
	nils[n++] = 0xa1;
	nils[n++] = 'x';
	nils[n++] = 0xdc;
	nils[n++] = 0x0e;
	nils[n++] = 0xfa;
	while (n < 0x0f00 + 4)
		nils[n++] = 0xc0;
	nils[n++] = 0xc4;
	nils[n++] = 0x40;
	memset(nils + n, 0, 64);
	n += 64;
	alloc_bytes = 0;
	alloc_counting = 1;
	assert_int_equal(card_decode(nils, n, &card, &err), -EBADMSG);
	alloc_counting = 0;
	assert_int_equal(err.fault, CARD_MISSING); /* it got as far as the fields */
	if (alloc_bytes > 64 * n + 65536)
		fail_msg("nils: %zu bytes allocated for %zu input bytes", alloc_bytes, n);
	print_message("decoding %zu bytes of nils allocated %zu bytes (%.1fx)\n", n, alloc_bytes,
	              (double)alloc_bytes / (double)n);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_card_issue_decode_round_trip),
		cmocka_unit_test(test_card_issue_persona_selection),
		cmocka_unit_test(test_card_decode_tamper_every_byte),
		cmocka_unit_test(test_card_decode_every_prefix),
		cmocka_unit_test(test_card_issue_rejects_bad_fields),
		cmocka_unit_test(test_card_issue_too_big),
		cmocka_unit_test(test_card_error_describe_names),
		cmocka_unit_test(test_card_fields_fit_agrees_with_issue),
		cmocka_unit_test(test_card_issue_out_of_range),
		cmocka_unit_test(test_card_field_lookup_names),
		cmocka_unit_test(test_card_decode_alloc_bound),
	};
	uint8_t seed[32] = { 7 };

	assert_int_equal(crypt_init(), 0);
	crypt_sign_keypair(pk, sk, seed);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
