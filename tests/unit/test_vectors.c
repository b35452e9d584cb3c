/*
 * The card vectors of proto/vectors/cards.json: every verdict, and for valid cards every
 * field, must come out of the decoder exactly as the vector file declares. The file is
 * made by tests/vectors/gen_card_vectors.c with hand-declared verdicts.
 */
#include <string.h>

#include <jansson.h>

#include "testutil.h"
#include "wallflower/card.h"

static json_t *doc;

static json_t *
fields_json(const struct card_fields *f)
{
	json_t *o = json_object();

	for (int i = 0; i < CARD_FIELD_COUNT; i++) {
		const char *name = card_field_info(i)->name;

		if (!card_field_info(i)->list) {
			if (f->text[i] != NULL)
				json_object_set_new(o, name, json_string(f->text[i]));
			continue;
		}
		const struct card_list *l = card_fields_list_const(f, i);
		json_t *a;

		if (l->n == 0)
			continue;
		a = json_array();
		for (size_t j = 0; j < l->n; j++)
			json_array_append_new(a, json_string(l->items[j]));
		json_object_set_new(o, name, a);
	}
	if (f->fwd >= 0)
		json_object_set_new(o, "fwd", json_boolean(f->fwd));
	return o;
}

static void
check_valid(const char *name, json_t *v, const struct card *card)
{
	char key[65];
	json_t *got = fields_json(&card->f);
	json_t *exp = json_object_get(v, "expires");

	crypt_hex(key, card->key, 32);
	if (strcmp(key, json_string_value(json_object_get(v, "key"))) != 0)
		fail_msg("%s: key %s", name, key);
	assert_true(card->rev == (uint64_t)json_integer_value(json_object_get(v, "rev")));
	assert_true(card->issued == (uint64_t)json_integer_value(json_object_get(v, "issued")));
	assert_int_equal(card->has_expires, exp != NULL);
	assert_int_equal(card->unknown_keys,
	                 (size_t)json_integer_value(json_object_get(v, "unknown_keys")));
	if (exp != NULL)
		assert_true(card->expires == (uint64_t)json_integer_value(exp));
	if (!json_equal(got, json_object_get(v, "fields"))) {
		char *s = json_dumps(got, JSON_COMPACT);

		fail_msg("%s: fields %s", name, s);
	}
	json_decref(got);
}

static void
test_vectors_all_verdicts(void **state)
{
	json_t *list = json_object_get(doc, "vectors");
	uint64_t now =
	        (uint64_t)json_integer_value(json_object_get(json_object_get(doc, "_meta"), "now"));
	size_t i, ok = 0;
	json_t *v;

	(void)state;
	assert_true(json_array_size(list) >= 60);
	json_array_foreach(list, i, v)
	{
		const char *name = json_string_value(json_object_get(v, "name"));
		const char *want = json_string_value(json_object_get(v, "verdict"));
		const char *field = json_string_value(json_object_get(v, "field"));
		size_t item = (size_t)json_integer_value(json_object_get(v, "item"));
		struct card_error err = { 0 };
		struct card *card = NULL;
		size_t len;
		uint8_t *env = tu_unhex(json_string_value(json_object_get(v, "envelope")), &len);
		int r = card_decode(env, len, &card, &err);

		if (r == 0)
			r = card_check_time(card, now, &err);
		if (strcmp(card_fault_name(err.fault), want) != 0)
			fail_msg("%s: verdict %s, want %s", name, card_fault_name(err.fault), want);
		if (strcmp(want, "ok") == 0) {
			assert_int_equal(r, 0);
			check_valid(name, v, card);
			ok++;
		} else {
			assert_true(r < 0);
			if ((field == NULL) != (err.field == NULL) ||
			    (field != NULL && strcmp(field, err.field) != 0) || item != err.item)
				fail_msg("%s: field %s item %zu, want %s item %zu", name,
				         err.field ? err.field : "(none)", err.item,
				         field ? field : "(none)", item);
		}
		card_free(card);
		free(env);
	}
	assert_true(ok >= 5);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors_all_verdicts),
	};
	json_error_t jerr;
	char *path;
	int r;

	assert_int_equal(crypt_init(), 0);
	path = tu_source_path("proto/vectors/cards.json");
	doc = json_load_file(path, 0, &jerr);
	if (doc == NULL) {
		fprintf(stderr, "%s: %s\n", path, jerr.text);
		return 1;
	}
	free(path);
	r = cmocka_run_group_tests(tests, NULL, NULL);
	json_decref(doc);
	return r;
}
