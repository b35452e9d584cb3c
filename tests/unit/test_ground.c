/*
 * ground: the common ground between your profile and someone's topics is decided by
 * canonical form (case folded, compatibility-normalised, spaces trimmed and collapsed, in
 * any script), shown in their form, once per form, and read strictly within the bytes
 * given.
 */
#include <stdio.h>
#include <string.h>

#include "testutil.h"
#include "wallflower/ground.h"

/* Sets list field of f to the NULL-terminated items (borrowed; never freed here). */
static void
set_list(struct card_fields *f, enum card_field field, const char **items)
{
	struct card_list *l = card_fields_list(f, field);

	for (l->n = 0; items != NULL && items[l->n] != NULL; l->n++)
		;
	l->items = (char **)items;
}

static void
make(struct card_fields *f, const char **topics, const char **offers, const char **seeks)
{
	card_fields_init(f);
	set_list(f, CARD_TOPICS, topics);
	set_list(f, CARD_OFFERS, offers);
	set_list(f, CARD_SEEKS, seeks);
}

/* Whether hits k are exactly the NULL-terminated want. */
static void
expect(const struct ground *g, enum ground_kind k, const char **want)
{
	size_t n = 0;

	while (want[n] != NULL)
		n++;
	assert_int_equal(g->hits[k].n, n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(g->hits[k].items[i], want[i]);
}

static const char *none[] = { NULL };

static void
test_ground_find_list_canonical(void **state)
{
	const char *topics[] = { "Wikis", "Straße", NULL };
	const char *offers[] = { "Mentoring", NULL };
	const char *seeks[] = { "search  tuning", "ΣΟΦΊΑ", NULL };
	const char *theirs =
	        "\xef\xbc\xb7\xef\xbc\xa9\xef\xbc\xab\xef\xbc\xa9\xef\xbc\xb3," /* ＷＩＫＩＳ */
	        "STRASSE,mentoring , Search Tuning,σοφία,other";
	struct card_fields mine;
	struct ground g;

	(void)state;
	make(&mine, topics, offers, seeks);
	assert_int_equal(ground_find_list(&mine, theirs, strlen(theirs), &g), 0);
	expect(&g, GROUND_TOPICS,
	       (const char *[]){ "\xef\xbc\xb7\xef\xbc\xa9\xef\xbc\xab\xef\xbc\xa9\xef\xbc\xb3",
	                         "STRASSE", NULL });
	expect(&g, GROUND_OFFER, (const char *[]){ "mentoring ", NULL });
	expect(&g, GROUND_SEEK, (const char *[]){ " Search Tuning", "σοφία", NULL });
	ground_clear(&g);
}

static void
test_ground_find_list_accents_differ(void **state)
{
	const char *topics[] = { "café", NULL };
	const char *theirs = "cafe,cafés";
	struct card_fields mine;
	struct ground g;

	(void)state;
	make(&mine, topics, NULL, NULL);
	assert_int_equal(ground_find_list(&mine, theirs, strlen(theirs), &g), 0);
	expect(&g, GROUND_TOPICS, none);
	ground_clear(&g);
	/* Composed or decomposed, é is é. */
	theirs = "cafe\xcc\x81";
	assert_int_equal(ground_find_list(&mine, theirs, strlen(theirs), &g), 0);
	expect(&g, GROUND_TOPICS, (const char *[]){ "cafe\xcc\x81", NULL });
	ground_clear(&g);
}

static void
test_ground_find_list_once_per_form(void **state)
{
	const char *topics[] = { "wikis", "WIKIS", NULL };
	const char *seeks[] = { "Wikis", NULL };
	const char *theirs = "Wikis,wikis, WIKIS";
	struct card_fields mine;
	struct ground g;

	(void)state;
	make(&mine, topics, NULL, seeks);
	assert_int_equal(ground_find_list(&mine, theirs, strlen(theirs), &g), 0);
	expect(&g, GROUND_TOPICS, (const char *[]){ "Wikis", NULL });
	expect(&g, GROUND_OFFER, none);
	expect(&g, GROUND_SEEK, (const char *[]){ "Wikis", NULL });
	ground_clear(&g);
}

static void
test_ground_find_list_hostile(void **state)
{
	const char *topics[] = { "wikis", "search", NULL };
	/* Empty items, blank ones, bad UTF-8 and a NUL match nothing; len bounds the read. */
	static const char theirs[] = ",,  ,\xff\xfe,wi\0kis,\xc3,wikis,search";
	struct card_fields mine;
	struct ground g;

	(void)state;
	make(&mine, topics, NULL, NULL);
	assert_int_equal(ground_find_list(&mine, theirs, sizeof(theirs) - 1, &g), 0);
	expect(&g, GROUND_TOPICS, (const char *[]){ "wikis", "search", NULL });
	ground_clear(&g);
	assert_int_equal(
	        ground_find_list(&mine, theirs, sizeof(theirs) - 1 - strlen(",search"), &g), 0);
	expect(&g, GROUND_TOPICS, (const char *[]){ "wikis", NULL });
	ground_clear(&g);
	assert_int_equal(ground_find_list(&mine, "", 0, &g), 0);
	expect(&g, GROUND_TOPICS, none);
	ground_clear(&g);
}

static void
test_ground_find_list_bounded(void **state)
{
	const char *topics[] = { "needle", NULL };
	char theirs[4096];
	size_t used = 0;
	struct card_fields mine;
	struct ground g;

	(void)state;
	make(&mine, topics, NULL, NULL);
	/* The needle as item GROUND_THEIRS_MAX is looked at; one further is not. */
	for (int i = 0; i < GROUND_THEIRS_MAX - 1; i++)
		used += (size_t)snprintf(theirs + used, sizeof(theirs) - used, "t%d,", i);
	snprintf(theirs + used, sizeof(theirs) - used, "NEEDLE");
	assert_int_equal(ground_find_list(&mine, theirs, strlen(theirs), &g), 0);
	expect(&g, GROUND_TOPICS, (const char *[]){ "NEEDLE", NULL });
	ground_clear(&g);
	snprintf(theirs + used, sizeof(theirs) - used, "x,NEEDLE");
	assert_int_equal(ground_find_list(&mine, theirs, strlen(theirs), &g), 0);
	expect(&g, GROUND_TOPICS, none);
	ground_clear(&g);
}

static void
test_ground_find_card_all_lists(void **state)
{
	const char *topics[] = { "intranets", NULL };
	const char *offers[] = { "Mentoring", NULL };
	const char *seeks[] = { "governance", NULL };
	/* A card's items may hold commas: each is one topic. */
	const char *their_topics[] = { "Intranets, wikis", "INTRANETS", NULL };
	const char *their_offers[] = { "Governance", NULL };
	const char *their_seeks[] = { "mentoring", NULL };
	struct card_fields mine, theirs;
	struct ground g;

	(void)state;
	make(&mine, topics, offers, seeks);
	make(&theirs, their_topics, their_offers, their_seeks);
	assert_int_equal(ground_find_card(&mine, &theirs, &g), 0);
	expect(&g, GROUND_TOPICS, (const char *[]){ "INTRANETS", NULL });
	expect(&g, GROUND_OFFER, (const char *[]){ "mentoring", NULL });
	expect(&g, GROUND_SEEK, (const char *[]){ "Governance", NULL });
	ground_clear(&g);
	/* An empty profile shares nothing. */
	make(&mine, NULL, NULL, NULL);
	assert_int_equal(ground_find_card(&mine, &theirs, &g), 0);
	expect(&g, GROUND_TOPICS, none);
	expect(&g, GROUND_SEEK, none);
	ground_clear(&g);
	ground_clear(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ground_find_list_canonical),
		cmocka_unit_test(test_ground_find_list_accents_differ),
		cmocka_unit_test(test_ground_find_list_once_per_form),
		cmocka_unit_test(test_ground_find_list_hostile),
		cmocka_unit_test(test_ground_find_list_bounded),
		cmocka_unit_test(test_ground_find_card_all_lists),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
