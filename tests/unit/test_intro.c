/*
 * intro: the objects of an introduction (proto/introduction.md). Round trips through
 * intro_make and intro_check; one named test per check of sections 4 and 5, each on an
 * object crafted to break that one rule (the cases of tests/vectors/gen_intro_vectors.c,
 * compiled in, so that the unit tests and the vector file cannot drift apart); and the
 * committed vector file replayed, as a second implementation would.
 */
#include <string.h>

#define INTRO_CASES_ONLY
#include "../vectors/gen_intro_vectors.c"

#include "testutil.h"

static int
setup(void **state)
{
	(void)state;
	cases_build();
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	cases_free();
	return 0;
}

static const struct intro_case *
find(const char *name)
{
	for (size_t i = 0; i < ncases; i++)
		if (strcmp(cases[i].name, name) == 0)
			return &cases[i];
	fail_msg("no case %s", name);
	return NULL;
}

/* Checks the named case and returns its verdict; the failure contract on the way. */
static enum intro_verdict
verdict_of(const char *name)
{
	const struct intro_case *c = find(name);
	enum intro_verdict v = INTRO_VERDICT_COUNT;
	struct intro *o = (struct intro *)1;
	int r = intro_check(c->obj.p, c->obj.n, c->self, c->now, &o, &v);

	if (r == 0) {
		assert_int_equal(v, INTRO_OK);
		assert_non_null(o);
	} else {
		assert_int_equal(r, -EBADMSG);
		assert_null(o);
	}
	intro_free(o);
	return v;
}

#define EXPECT(name, verdict) assert_string_equal(intro_verdict_name(verdict_of(name)), verdict)

/* ---- round trips ---- */

static struct intro *
check_ok(const struct bytes *b, const struct party *self, uint64_t now)
{
	enum intro_verdict v;
	struct intro *o;

	assert_int_equal(intro_check(b->p, b->n, self->id->sign_pk, now, &o, &v), 0);
	assert_int_equal(v, INTRO_OK);
	return o;
}

static void
test_intro_make_round_trip_ask(void **state)
{
	struct mk m = mk_ask();
	struct bytes b = mk_make(&m);
	struct intro *o = check_ok(&b, &grace, T_NOW);
	uint8_t id[INTRO_ID_LEN];

	(void)state;
	assert_int_equal(o->kind, INTRO_ASK);
	assert_memory_equal(o->from->key, ada.id->sign_pk, CRYPT_SIGN_PK);
	assert_memory_equal(o->to, grace.id->sign_pk, CRYPT_SIGN_PK);
	assert_true(o->issued == T0 && o->expires == T0 + INTRO_TTL);
	assert_string_equal(o->note, m.note);
	assert_string_equal(o->seek, m.seek);
	assert_true(o->reply && o->has_rk);
	assert_memory_equal(o->rk, ada.rk, INTRO_RK_LEN);
	assert_true(o->len == b.n && memcmp(o->envelope, b.p, b.n) == 0);
	intro_id(b.p, b.n, id);
	assert_memory_equal(o->id, id, INTRO_ID_LEN);
	assert_null(o->consent);
	assert_null(o->card);
	assert_null(o->introduced);
	assert_null(o->re);
	intro_free(o);
	free(b.p);
}

static void
test_intro_make_round_trip_intro(void **state)
{
	struct mk a = mk_ask(), m;
	struct bytes ask = mk_make(&a), intro, fwd;
	struct intro *o;

	(void)state;
	m = mk_intro(ask);
	intro = mk_make(&m);
	o = check_ok(&intro, &linus, T_NOW);
	assert_int_equal(o->kind, INTRO_INTRO);
	assert_memory_equal(o->from->key, grace.id->sign_pk, CRYPT_SIGN_PK);
	assert_non_null(o->consent);
	assert_int_equal(o->consent->kind, INTRO_ASK);
	assert_true(o->consent->len == ask.n && memcmp(o->consent->envelope, ask.p, ask.n) == 0);
	assert_ptr_equal(o->introduced, o->consent->from);
	assert_memory_equal(o->introduced->key, ada.id->sign_pk, CRYPT_SIGN_PK);
	assert_null(o->card);
	assert_null(o->seek);
	intro_free(o);

	m = mk_intro((struct bytes){ 0 });
	m.card = (struct bytes){ ada.card_fwd, ada.card_fwd_len };
	fwd = mk_make(&m);
	o = check_ok(&fwd, &linus, T_NOW);
	assert_null(o->consent);
	assert_non_null(o->card);
	assert_ptr_equal(o->introduced, o->card);
	assert_memory_equal(o->introduced->key, ada.id->sign_pk, CRYPT_SIGN_PK);
	intro_free(o);
	free(fwd.p);
	free(intro.p);
	free(ask.p);
}

static void
test_intro_make_round_trip_reply(void **state)
{
	struct mk a = mk_ask(), i, r;
	struct bytes ask = mk_make(&a), intro, reply;
	struct intro *o;

	(void)state;
	i = mk_intro(ask);
	intro = mk_make(&i);
	r = mk_reply(intro);
	reply = mk_make(&r);
	o = check_ok(&reply, &ada, T_NOW);
	assert_int_equal(o->kind, INTRO_REPLY);
	assert_memory_equal(o->from->key, linus.id->sign_pk, CRYPT_SIGN_PK);
	assert_true(o->has_rk);
	assert_memory_equal(o->rk, linus.rk, INTRO_RK_LEN);
	assert_non_null(o->re);
	assert_int_equal(o->re->kind, INTRO_INTRO);
	assert_memory_equal(o->re->introduced->key, ada.id->sign_pk, CRYPT_SIGN_PK);
	assert_non_null(o->re->consent);
	assert_true(o->re->consent->reply);
	intro_free(o);
	free(reply.p);
	free(intro.p);
	free(ask.p);
}

/* What intro_make refuses to sign, and why. */
static void
test_intro_make_refuses(void **state)
{
	struct mk m = mk_ask();
	struct intro_params p = {
		.kind = INTRO_ASK,
		.from = ada.card,
		.from_len = ada.card_len,
		.to = grace.id->sign_pk,
		.issued = T0,
		.expires = T0 + INTRO_TTL,
		.seek = m.seek,
		.reply = false,
	};
	static uint8_t big[4000];
	enum intro_verdict v;
	uint8_t *out = (uint8_t *)1;
	size_t len = 1;

	(void)state;
	assert_int_equal(intro_make(&p, ada.id, &out, &len, &v), 0);
	free(out);
	/* Grace signs with Ada's card: the receiver would find a bad signature. */
	assert_int_equal(intro_make(&p, grace.id, &out, &len, &v), -EINVAL);
	assert_int_equal(v, INTRO_BAD_SIGNATURE);
	assert_null(out);
	assert_int_equal(len, 0);
	p.expires = T0 + INTRO_TTL_MAX + 1;
	assert_int_equal(intro_make(&p, ada.id, &out, &len, &v), -EINVAL);
	assert_int_equal(v, INTRO_MALFORMED);
	p.expires = T0 + INTRO_TTL;
	p.reply = true; /* and no rk */
	assert_int_equal(intro_make(&p, ada.id, &out, &len, &v), -EINVAL);
	assert_int_equal(v, INTRO_MALFORMED);
	p.reply = false;
	p.to = ada.id->sign_pk;
	assert_int_equal(intro_make(&p, ada.id, &out, &len, &v), -EINVAL);
	assert_int_equal(v, INTRO_MISMATCH);
	p.kind = (enum intro_kind)7;
	assert_int_equal(intro_make(&p, ada.id, &out, &len, &v), -EINVAL);
	assert_int_equal(v, INTRO_UNKNOWN_KIND);
	p = (struct intro_params){ .kind = INTRO_INTRO,
		                   .from = grace.card,
		                   .from_len = grace.card_len,
		                   .to = linus.id->sign_pk,
		                   .issued = T0,
		                   .expires = T0 + 60,
		                   .inner = big,
		                   .inner_len = sizeof(big) };
	assert_int_equal(intro_make(&p, grace.id, &out, &len, &v), -EMSGSIZE);
	assert_int_equal(v, INTRO_TOO_BIG);
	assert_null(out);
}

/* ---- section 4, in its order ---- */

static void
test_intro_check_too_big(void **state)
{
	(void)state;
	EXPECT("too-big", "too-big");
}

static void
test_intro_check_bytes(void **state)
{
	(void)state;
	EXPECT("truncated", "malformed");
	EXPECT("trailing-byte", "malformed");
	EXPECT("empty", "malformed");
	EXPECT("not-an-envelope", "malformed");
	EXPECT("short-signature", "malformed");
	EXPECT("huge-count", "malformed");
	EXPECT("payload-not-map", "malformed");
	EXPECT("too-deep", "malformed");
	EXPECT("deep-4-ok", "ok");
}

static void
test_intro_check_keys(void **state)
{
	(void)state;
	EXPECT("duplicate-key", "malformed");
	EXPECT("too-many-keys", "malformed");
	EXPECT("unknown-keys-ok", "ok");
	EXPECT("long-key", "malformed");
	EXPECT("any-order-ok", "ok");
}

static void
test_intro_check_version_kind(void **state)
{
	(void)state;
	EXPECT("unknown-version", "unknown-version");
	EXPECT("unknown-kind", "unknown-kind");
}

static void
test_intro_check_fields(void **state)
{
	(void)state;
	EXPECT("missing-to", "malformed");
	EXPECT("missing-issued", "malformed");
	EXPECT("issued-out-of-range", "malformed");
	EXPECT("expires-out-of-range", "malformed");
	EXPECT("expires-at-issued", "malformed");
	EXPECT("ask-without-for", "malformed");
	EXPECT("note-line-feed", "malformed");
	EXPECT("ask-without-reply", "malformed");
	EXPECT("ask-reply-without-rk", "malformed");
	EXPECT("intro-both", "malformed");
	EXPECT("intro-neither", "malformed");
	EXPECT("reply-without-rk", "malformed");
}

static void
test_intro_check_expires_past_ttl(void **state)
{
	(void)state;
	EXPECT("expires-too-late", "malformed");
	EXPECT("expires-30-days-ok", "ok");
}

static void
test_intro_check_bad_card(void **state)
{
	(void)state;
	EXPECT("bad-card", "bad-card");
	EXPECT("expired-card", "bad-card");
}

static void
test_intro_check_wrong_signer(void **state)
{
	(void)state;
	EXPECT("wrong-signer", "bad-signature");
}

static void
test_intro_check_not_for_you(void **state)
{
	(void)state;
	EXPECT("not-for-you", "not-for-you");
}

static void
test_intro_check_time(void **state)
{
	(void)state;
	EXPECT("not-yet", "not-yet");
	EXPECT("skew-ok", "ok");
	EXPECT("expired", "expired");
}

/* ---- section 5 ---- */

static void
test_intro_check_ask_to_self(void **state)
{
	(void)state;
	EXPECT("ask-to-self", "mismatch");
}

static void
test_intro_check_intro_card(void **state)
{
	(void)state;
	EXPECT("intro-card-without-fwd", "no-consent");
	EXPECT("intro-card-expired", "bad-card");
	EXPECT("intro-card-broken", "bad-card");
	EXPECT("intro-fwd-ok", "ok");
}

static void
test_intro_check_intro_consent(void **state)
{
	(void)state;
	EXPECT("intro-consent-to-other-hub", "no-consent");
	EXPECT("intro-consent-expired", "no-consent");
	EXPECT("intro-consent-bad-signature", "no-consent");
	EXPECT("intro-consent-not-ask", "no-consent");
	EXPECT("intro-consent-not-ask-to-hub", "no-consent");
	EXPECT("intro-consent-ask-to-self", "no-consent");
	EXPECT("intro-outlives-consent", "mismatch");
	EXPECT("intro-as-long-as-consent-ok", "ok");
}

static void
test_intro_check_intro_self(void **state)
{
	(void)state;
	EXPECT("intro-to-self", "mismatch");
	EXPECT("intro-by-self", "mismatch");
}

static void
test_intro_check_reply(void **state)
{
	(void)state;
	EXPECT("reply-to-fwd-intro", "no-consent");
	EXPECT("reply-not-wanted", "no-consent");
	EXPECT("reply-by-other", "mismatch");
	EXPECT("reply-to-other", "mismatch");
	EXPECT("reply-re-not-intro", "mismatch");
	EXPECT("reply-re-is-reply", "mismatch");
	EXPECT("reply-re-bad-signature", "mismatch");
	EXPECT("reply-re-without-consent", "mismatch");
}

/* An intro accepted in time may be answered after it (and the ask) expired. */
static void
test_intro_check_reply_no_clock(void **state)
{
	(void)state;
	EXPECT("reply-late-ok", "ok");
}

/* Every case, the ones above and the rest, as the generator declares it. */
static void
test_intro_check_cases_all(void **state)
{
	(void)state;
	assert_true(ncases >= 60);
	cases_verify();
}

/* ---- the committed file ---- */

static void
check_vector(json_t *v)
{
	const char *name = json_string_value(json_object_get(v, "name"));
	const char *want = json_string_value(json_object_get(v, "verdict"));
	size_t len, slen;
	uint8_t *obj = tu_unhex(json_string_value(json_object_get(v, "object")), &len);
	uint8_t *self = tu_unhex(json_string_value(json_object_get(v, "self")), &slen);
	uint64_t now = (uint64_t)json_integer_value(json_object_get(v, "now"));
	char hex[2 * INTRO_ID_LEN + 1];
	enum intro_verdict got;
	struct intro *o;
	int r;

	assert_int_equal(slen, CRYPT_SIGN_PK);
	r = intro_check(obj, len, self, now, &o, &got);
	if (strcmp(intro_verdict_name(got), want) != 0)
		fail_msg("%s: %s, want %s", name, intro_verdict_name(got), want);
	if (r == 0) {
		crypt_hex(hex, o->id, INTRO_ID_LEN);
		assert_string_equal(hex, json_string_value(json_object_get(v, "id")));
		assert_string_equal(intro_kind_name(o->kind),
		                    json_string_value(json_object_get(v, "kind")));
		crypt_hex(hex, o->from->key, CRYPT_SIGN_PK);
		assert_string_equal(hex, json_string_value(json_object_get(v, "signer")));
		assert_true((o->introduced != NULL) == (json_object_get(v, "introduced") != NULL));
		if (o->introduced != NULL) {
			crypt_hex(hex, o->introduced->key, CRYPT_SIGN_PK);
			assert_string_equal(hex,
			                    json_string_value(json_object_get(v, "introduced")));
		}
	}
	intro_free(o);
	free(obj);
	free(self);
}

static void
test_intro_check_vectors(void **state)
{
	char *path = tu_source_path("proto/vectors/introduction.json");
	json_error_t jerr;
	json_t *doc = json_load_file(path, 0, &jerr), *v;
	size_t i, oks = 0;

	(void)state;
	assert_non_null(doc);
	assert_true(json_array_size(json_object_get(doc, "vectors")) >= 60);
	json_array_foreach(json_object_get(doc, "vectors"), i, v)
	{
		check_vector(v);
		oks += strcmp(json_string_value(json_object_get(v, "verdict")), "ok") == 0;
	}
	assert_true(oks >= 10);
	json_decref(doc);
	free(path);
}

/* ---- names ---- */

static void
test_intro_names(void **state)
{
	static const char *const tokens[] = {
		"ok",           "too-big",  "malformed",     "unknown-version",
		"unknown-kind", "bad-card", "bad-signature", "not-for-you",
		"not-yet",      "expired",  "no-consent",    "mismatch",
	};

	(void)state;
	assert_int_equal(sizeof(tokens) / sizeof(tokens[0]), INTRO_VERDICT_COUNT);
	for (int i = 0; i < INTRO_VERDICT_COUNT; i++)
		assert_string_equal(intro_verdict_name((enum intro_verdict)i), tokens[i]);
	assert_string_equal(intro_verdict_name(INTRO_VERDICT_COUNT), "unknown");
	assert_string_equal(intro_kind_name(INTRO_ASK), "ask");
	assert_string_equal(intro_kind_name(INTRO_INTRO), "intro");
	assert_string_equal(intro_kind_name(INTRO_REPLY), "reply");
	assert_string_equal(intro_kind_name((enum intro_kind)0), "unknown");
	intro_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_intro_make_round_trip_ask),
		cmocka_unit_test(test_intro_make_round_trip_intro),
		cmocka_unit_test(test_intro_make_round_trip_reply),
		cmocka_unit_test(test_intro_make_refuses),
		cmocka_unit_test(test_intro_check_too_big),
		cmocka_unit_test(test_intro_check_bytes),
		cmocka_unit_test(test_intro_check_keys),
		cmocka_unit_test(test_intro_check_version_kind),
		cmocka_unit_test(test_intro_check_fields),
		cmocka_unit_test(test_intro_check_expires_past_ttl),
		cmocka_unit_test(test_intro_check_bad_card),
		cmocka_unit_test(test_intro_check_wrong_signer),
		cmocka_unit_test(test_intro_check_not_for_you),
		cmocka_unit_test(test_intro_check_time),
		cmocka_unit_test(test_intro_check_ask_to_self),
		cmocka_unit_test(test_intro_check_intro_card),
		cmocka_unit_test(test_intro_check_intro_consent),
		cmocka_unit_test(test_intro_check_intro_self),
		cmocka_unit_test(test_intro_check_reply),
		cmocka_unit_test(test_intro_check_reply_no_clock),
		cmocka_unit_test(test_intro_check_cases_all),
		cmocka_unit_test(test_intro_check_vectors),
		cmocka_unit_test(test_intro_names),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
