/*
 * vcard: the reader of vCards from people without wallflower. Real exports (Apple, Google,
 * Thunderbird shapes, written here) map to the fields they should; hostile ones (no name,
 * binary junk, an overlong line, a huge PHOTO, bad UTF-8, control characters, another
 * charset, quoted-printable, a nested or unfinished vCard) are refused with one fault and
 * nothing returned; the bytes of each vCard are kept exactly.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "wallflower/vcard.h"

/* Apple Contacts: CRLF, folded lines, item groups, type parameters, escapes, a PHOTO. */
static const char apple[] = "BEGIN:VCARD\r\n"
                            "VERSION:3.0\r\n"
                            "PRODID:-//Apple Inc.//macOS 14.0//EN\r\n"
                            "N:Lovelace;Ada;;Countess of;\r\n"
                            "FN:Ada Lovelace\r\n"
                            "ORG:Analytical Engines\\, Ltd;Research\r\n"
                            "TITLE:Programmer\r\n"
                            "item1.EMAIL;type=INTERNET;type=pref:ada@example.org\r\n"
                            "EMAIL;type=INTERNET;type=WORK:ada@engines.example\r\n"
                            "TEL;type=CELL;type=VOICE;type=pref:+44 20 7946 0000\r\n"
                            "item2.URL;type=pref:https\\://ada.example.org/\r\n"
                            "NOTE:Met at the Difference Engine demo.\\nLikes poetry\\; and "
                            "ma\r\n"
                            " ths.\r\n"
                            "PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgG\r\n"
                            " BgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcp\r\n"
                            "CATEGORIES:computing,poetry\r\n"
                            "X-ABShowAs:PERSON\r\n"
                            "UID:0D9F1A2B-3C4D-5E6F-7081-92A3B4C5D6E7\r\n"
                            "END:VCARD\r\n";

/* Google Contacts (4.0-like, LF), no FN but N, and a tel: URI. */
static const char google[] = "BEGIN:VCARD\n"
                             "VERSION:4.0\n"
                             "N:Hopper;Grace;Brewster Murray;Rear Admiral;\n"
                             "TEL;VALUE=uri;TYPE=cell:tel:+1-202-555-0100\n"
                             "EMAIL;TYPE=\"work,internet\":grace@navy.example\n"
                             "EMAIL:grace@navy.example\n"
                             "END:VCARD\n";

/* Thunderbird: two vCards in one file, a blank line between, UTF-8 names. */
static const char thunderbird[] = "BEGIN:VCARD\r\n"
                                  "VERSION:4.0\r\n"
                                  "FN:María José Núñez\r\n"
                                  "EMAIL;PREF=1:maria@example.es\r\n"
                                  "END:VCARD\r\n"
                                  "\r\n"
                                  "BEGIN:VCARD\r\n"
                                  "VERSION:4.0\r\n"
                                  "FN:Zoë Ødegård\r\n"
                                  "UID:urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1\r\n"
                                  "END:VCARD\r\n";

static int
parse(const char *s, size_t len, struct vcard **v, size_t *n, struct vcard_error *err)
{
	return vcard_parse_all((const uint8_t *)s, len, v, n, err);
}

static void
test_vcard_parse_all_apple(void **state)
{
	struct vcard_error err;
	struct vcard *v;
	size_t n;

	(void)state;
	assert_int_equal(parse(apple, strlen(apple), &v, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(v->version, 3);
	assert_string_equal(v->f.text[CARD_NAME], "Ada Lovelace");
	assert_string_equal(v->f.text[CARD_ORG], "Analytical Engines, Ltd");
	assert_string_equal(v->f.text[CARD_TITLE], "Programmer");
	assert_string_equal(v->f.text[CARD_NOTE],
	                    "Met at the Difference Engine demo.\nLikes poetry; and maths.");
	assert_int_equal(v->f.list[CARD_EMAIL - CARD_EMAIL].n, 2);
	assert_string_equal(v->f.list[CARD_EMAIL - CARD_EMAIL].items[1], "ada@engines.example");
	assert_string_equal(v->f.list[CARD_PHONE - CARD_EMAIL].items[0], "+44 20 7946 0000");
	assert_string_equal(v->f.list[CARD_URL - CARD_EMAIL].items[0], "https://ada.example.org/");
	assert_int_equal(v->f.list[CARD_TOPICS - CARD_EMAIL].n, 2);
	assert_string_equal(v->f.list[CARD_TOPICS - CARD_EMAIL].items[1], "poetry");
	assert_string_equal(v->uid, "0D9F1A2B-3C4D-5E6F-7081-92A3B4C5D6E7");
	/* The bytes, exactly: CRLF, folds, the PHOTO and all. */
	assert_int_equal(v->raw_len, strlen(apple));
	assert_memory_equal(v->raw, apple, v->raw_len);
	assert_int_equal(card_fields_check(&v->f, NULL), 0);
	vcard_free_all(v, n);
}

static void
test_vcard_parse_all_google(void **state)
{
	struct vcard_error err;
	struct vcard *v;
	size_t n;

	(void)state;
	assert_int_equal(parse(google, strlen(google), &v, &n, &err), 0);
	assert_int_equal(v->version, 4);
	/* No FN: the name is built from N, in reading order. */
	assert_string_equal(v->f.text[CARD_NAME], "Rear Admiral Grace Brewster Murray Hopper");
	assert_string_equal(v->f.list[CARD_PHONE - CARD_EMAIL].items[0], "+1-202-555-0100");
	/* The same address twice is kept once. */
	assert_int_equal(v->f.list[CARD_EMAIL - CARD_EMAIL].n, 1);
	assert_null(v->uid);
	vcard_free_all(v, n);
}

static void
test_vcard_parse_all_several(void **state)
{
	struct vcard_error err;
	struct vcard *v;
	size_t n;
	const char *second = strstr(thunderbird, "\r\n\r\n") + 4;

	(void)state;
	assert_int_equal(parse(thunderbird, strlen(thunderbird), &v, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].f.text[CARD_NAME], "María José Núñez");
	assert_string_equal(v[1].f.text[CARD_NAME], "Zoë Ødegård");
	assert_int_equal(v[1].line, 7);
	assert_int_equal(v[1].raw_len, strlen(second));
	assert_memory_equal(v[1].raw, second, v[1].raw_len);
	/* What the store keeps parses again, alone, to the same. */
	{
		struct vcard again;

		assert_int_equal(vcard_parse(v[1].raw, v[1].raw_len, &again, &err), 0);
		assert_string_equal(again.f.text[CARD_NAME], "Zoë Ødegård");
		vcard_clear(&again);
	}
	vcard_free_all(v, n);
}

/* One hostile input: refused with fault (at line, when not 0), nothing returned. */
static void
refused(const char *s, size_t len, enum vcard_fault fault, size_t line)
{
	struct vcard_error err;
	struct vcard *v = (struct vcard *)&err;
	size_t n = 99;
	char why[256];

	assert_int_equal(parse(s, len, &v, &n, &err), -EBADMSG);
	assert_null(v);
	assert_int_equal(n, 0);
	if (err.fault != fault)
		fail_msg("fault %d, want %d: %s", err.fault, fault,
		         vcard_error_describe(&err, why, sizeof(why)));
	if (line != 0)
		assert_int_equal(err.line, line);
	assert_true(strlen(vcard_error_describe(&err, why, sizeof(why))) > 10);
}

#define REFUSED(s, fault, line) refused(s, sizeof(s) - 1, fault, line)

static void
test_vcard_parse_all_hostile(void **state)
{
	(void)state;
	REFUSED("", VCARD_NONE, 0);
	REFUSED("hello\n", VCARD_NONE, 1);
	REFUSED("BEGIN:VCARD\nVERSION:3.0\nEND:VCARD\n", VCARD_NO_NAME, 1);
	REFUSED("BEGIN:VCARD\nVERSION:3.0\nFN: \nN:;;;;\nEND:VCARD\n", VCARD_NO_NAME, 1);
	REFUSED("BEGIN:VCARD\nVERSION:3.0\nFN:A\n", VCARD_UNFINISHED, 1);
	REFUSED("BEGIN:VCARD\nVERSION:2.1\nFN:A\nEND:VCARD\n", VCARD_VERSION, 2);
	REFUSED("BEGIN:VCARD\nFN:A\nEND:VCARD\n", VCARD_VERSION, 1);
	REFUSED("BEGIN:VCARD\nVERSION:3.0\nFN;CHARSET=ISO-8859-1:A\nEND:VCARD\n", VCARD_CHARSET, 3);
	REFUSED("BEGIN:VCARD\nVERSION:3.0\nFN;ENCODING=QUOTED-PRINTABLE:=41\nEND:VCARD\n",
	        VCARD_ENCODING, 3);
	REFUSED("BEGIN:VCARD\nVERSION:3.0\nNOTE;QUOTED-PRINTABLE:=41\nFN:A\nEND:VCARD\n",
	        VCARD_ENCODING, 3);
	REFUSED("BEGIN:VCARD\nVERSION:3.0\nFN;ENCODING=b:QQ==\nEND:VCARD\n", VCARD_ENCODING, 3);
	REFUSED("BEGIN:VCARD\nVERSION:3.0\nFN:A\x00z\nEND:VCARD\n", VCARD_BINARY, 3);
	REFUSED("BEGIN:VCARD\nVERSION:3.0\nFN:A\x1b[31m\nEND:VCARD\n", VCARD_BINARY, 3);
	REFUSED("BEGIN:VCARD\nVERSION:3.0\nFN:A\xc3\x28\nEND:VCARD\n", VCARD_BAD_UTF8, 3);
	REFUSED("BEGIN:VCARD\nVERSION:3.0\nFN:A\xed\xa0\x80\nEND:VCARD\n", VCARD_BAD_UTF8, 3);
	/* An escaped line break is text; in a name, a control character. */
	REFUSED("BEGIN:VCARD\nVERSION:3.0\nFN:A\\nB\nEND:VCARD\n", VCARD_FIELD, 3);
	/* A bidi override in a name: the card rules say no. */
	REFUSED("BEGIN:VCARD\nVERSION:3.0\nFN:A\xe2\x80\xaeZ\nEND:VCARD\n", VCARD_FIELD, 3);
	REFUSED("BEGIN:VCARD\nVERSION:3.0\nFN:A\nBEGIN:VCARD\nEND:VCARD\n", VCARD_NESTED, 4);
	REFUSED("BEGIN:VCARD\nVERSION:3.0\nFN:A\nno colon here\nEND:VCARD\n", VCARD_SYNTAX, 4);
	REFUSED("BEGIN:VCARD\nVERSION:3.0\nFN:A\nEMAIL;TYPE=\"open:X\nEND:VCARD\n", VCARD_SYNTAX,
	        4);
	REFUSED("BEGIN:VCARD\nVERSION:3.0\n\nFN:A\nEND:VCARD\n", VCARD_SYNTAX, 3);
	REFUSED("BEGIN:VCARD\nVERSION:3.0\nFN:A\nEND:VCARD\ntrailing junk\n", VCARD_SYNTAX, 5);
	REFUSED("BEGIN:VCARD\nVERSION:3.0\nFN:A\nUID:\nEND:VCARD\n", VCARD_UID, 4);
	/* One bad vCard fails the file: the good one before it is not returned either. */
	REFUSED("BEGIN:VCARD\nVERSION:3.0\nFN:A\nEND:VCARD\nBEGIN:VCARD\nVERSION:3.0\nEND:VCARD\n",
	        VCARD_NO_NAME, 5);
}

/* Builds BEGIN, VERSION, FN, then `body` repeated k times, then END; malloc'd. */
static char *
big(const char *body, size_t k, size_t *len)
{
	size_t bl = strlen(body), cap = 64 + bl * k;
	char *s = malloc(cap), *p = s;

	assert_non_null(s);
	p += sprintf(p, "BEGIN:VCARD\nVERSION:3.0\nFN:A\n");
	for (size_t i = 0; i < k; i++, p += bl)
		memcpy(p, body, bl);
	p += sprintf(p, "END:VCARD\n");
	*len = (size_t)(p - s);
	return s;
}

static void
test_vcard_parse_all_limits(void **state)
{
	char *s, *line;
	size_t len;

	(void)state;
	/* One physical line over the cap. */
	line = malloc(VCARD_LINE_MAX + 16);
	assert_non_null(line);
	memset(line, 'x', VCARD_LINE_MAX + 15);
	memcpy(line, "X-LONG:", 7);
	line[VCARD_LINE_MAX + 14] = '\n';
	line[VCARD_LINE_MAX + 15] = '\0';
	s = big(line, 1, &len);
	refused(s, len, VCARD_LINE_TOO_LONG, 4);
	free(s);
	free(line);
	/* A 1 MB PHOTO, folded as exporters fold it: the vCard is over VCARD_MAX. */
	s = big(" QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2\n",
	        (1u << 20) / 66, &len);
	memcpy(strstr(s, "FN:A\n") + 5, "PHOTO;ENCODING=b:", 17); /* the folds now follow it */
	refused(s, len, VCARD_TOO_BIG, 1);
	free(s);
	/* Too many properties. */
	s = big("X-A:b\n", VCARD_PROPS_MAX, &len);
	refused(s, len, VCARD_TOO_MANY_PROPS, 0);
	free(s);
	/* A field over the card's limit. */
	s = big("TITLE:"
	        "0123456789012345678901234567890123456789012345678901234567890123456789"
	        "0123456789012345678901234567890123456789012345678901234567890123456789\n",
	        1, &len);
	refused(s, len, VCARD_FIELD, 4);
	free(s);
	/* Nine email addresses: a card holds eight. */
	s = big("EMAIL:a@b\nEMAIL:b@b\nEMAIL:c@b\nEMAIL:d@b\nEMAIL:e@b\nEMAIL:f@b\nEMAIL:g@b\n"
	        "EMAIL:h@b\nEMAIL:i@b\n",
	        1, &len);
	refused(s, len, VCARD_FIELD, 1);
	free(s);
	/* More vCards than a file may hold; as many as it may are all read. */
	{
		static const char one[] = "BEGIN:VCARD\nVERSION:4.0\nFN:A\nEND:VCARD\n";
		size_t k = VCARD_COUNT_MAX + 1, n;
		struct vcard_error err;
		struct vcard *v;

		s = malloc(k * (sizeof(one) - 1));
		assert_non_null(s);
		for (size_t i = 0; i < k; i++)
			memcpy(s + i * (sizeof(one) - 1), one, sizeof(one) - 1);
		refused(s, k * (sizeof(one) - 1), VCARD_TOO_MANY, 0);
		assert_int_equal(parse(s, (k - 1) * (sizeof(one) - 1), &v, &n, &err), 0);
		assert_int_equal(n, VCARD_COUNT_MAX);
		vcard_free_all(v, n);
		free(s);
	}
	/* A file over the cap is refused before it is read. */
	refused(apple, VCARD_FILE_MAX + 1, VCARD_FILE_TOO_BIG, 0);
}

static void
test_vcard_sniff_content(void **state)
{
	(void)state;
	assert_true(vcard_sniff((const uint8_t *)apple, strlen(apple)));
	assert_true(vcard_sniff((const uint8_t *)"\xef\xbb\xbf\r\n  \nbegin:vcard\n", 20));
	assert_false(vcard_sniff((const uint8_t *)"\x92\xc4", 2));
	assert_false(vcard_sniff((const uint8_t *)"BEGIN:VCARDX\n", 13));
	assert_false(vcard_sniff((const uint8_t *)"", 0));
}

static void
test_vcard_key_uid_or_bytes(void **state)
{
	struct vcard_error err;
	struct vcard *a, *b;
	uint8_t ka[CRYPT_SIGN_PK], kb[CRYPT_SIGN_PK];
	size_t na, nb;
	char *other = strdup(apple);

	(void)state;
	assert_non_null(other);
	memcpy(strstr(other, "Programmer"), "Poetess!!!", 10);
	assert_int_equal(parse(apple, strlen(apple), &a, &na, &err), 0);
	assert_int_equal(parse(other, strlen(other), &b, &nb, &err), 0);
	/* The same UID, other bytes: the same person. */
	vcard_key(a, ka);
	vcard_key(b, kb);
	assert_memory_equal(ka, kb, sizeof(ka));
	/* Without a UID, the bytes name them. */
	free(a->uid);
	free(b->uid);
	a->uid = b->uid = NULL;
	vcard_key(a, ka);
	vcard_key(b, kb);
	assert_memory_not_equal(ka, kb, sizeof(ka));
	vcard_free_all(a, na);
	vcard_free_all(b, nb);
	free(other);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vcard_parse_all_apple),
		cmocka_unit_test(test_vcard_parse_all_google),
		cmocka_unit_test(test_vcard_parse_all_several),
		cmocka_unit_test(test_vcard_parse_all_hostile),
		cmocka_unit_test(test_vcard_parse_all_limits),
		cmocka_unit_test(test_vcard_sniff_content),
		cmocka_unit_test(test_vcard_key_uid_or_bytes),
	};

	assert_int_equal(crypt_init(), 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
