/*
 * notice: which daemon event becomes a desktop notification, and what it says. The events
 * are written as the daemon sends them (proto/control.md sections 9.3 and 11); the hostile
 * ones carry markup, bidi overrides, control characters, broken UTF-8 and very long text.
 * The summary is plain text for every server; the body is escaped only for a server that
 * reads it as markup.
 */
#include <string.h>

#include "testutil.h"
#include "wallflower/notice.h"

#define FPR "bx7h-kjia-ilo4-kizz-fxdh-it2p"

static json_t *
ev(const char *text)
{
	json_error_t err;
	json_t *j = json_loads(text, 0, &err);

	if (j == NULL)
		fail_msg("bad test JSON: %s", err.text);
	return j;
}

static json_t *
offer_ev(const char *kind, const char *name, const char *note)
{
	json_t *o =
	        json_pack("{s:I, s:s, s:s, s:{s:[s], s:[s], s:[]}, s:b, s:s}", "id", (json_int_t)7,
	                  "name", name, "fingerprint", FPR, "common", "topics", "intranets",
	                  "you_offer", "mentoring", "you_seek", "reply", 1, "kind", kind);

	assert_non_null(o);
	if (note != NULL)
		json_object_set_new(o, "note", json_string_nocheck(note));
	if (strcmp(kind, "intro") == 0)
		json_object_set_new(o, "introduced_by",
		                    json_pack("{s:s, s:s}", "name", "Grace", "fingerprint", FPR));
	return json_pack("{s:s, s:o}", "event", "offer-received", "offer", o);
}

/* The servers: with actions and a body read as markup (GNOME Shell, KDE Plasma), plain text
 * with actions, and plain text without actions. */
static const struct notice_caps markup = { .actions = true, .body_markup = true };
static const struct notice_caps plain = { .actions = true, .body_markup = false };
static const struct notice_caps bare = { .actions = false, .body_markup = false };

static void
decide(const json_t *e, bool quiet, const struct notice_caps *caps, struct notice *n, int want)
{
	assert_int_equal(notice_decide(e, quiet, caps, n), want);
}

static void
test_notice_decide_offer(void **state)
{
	json_t *e = offer_ev("offer", "Ada Lovelace", "Enjoyed your question about wikis");
	struct notice n;

	(void)state;
	decide(e, false, &markup, &n, 0);
	assert_int_equal(n.kind, NOTICE_OFFER);
	assert_int_equal(n.offer_id, 7);
	assert_true(n.actions);
	assert_string_equal(n.summary, "Ada Lovelace offers you their card");
	assert_string_equal(n.body, "fingerprint bx7h-kjia\nEnjoyed your question about wikis\n"
	                            "In common: intranets; you offer: mentoring");
	decide(e, false, &bare, &n, 0);
	assert_false(n.actions);
	json_decref(e);
}

static void
test_notice_decide_intro(void **state)
{
	json_t *e = offer_ev("intro", "Ada Lovelace", NULL);
	struct notice n;

	(void)state;
	decide(e, false, &markup, &n, 0);
	assert_int_equal(n.kind, NOTICE_INTRO);
	assert_string_equal(n.summary, "Grace introduces Ada Lovelace");
	assert_string_equal(n.body,
	                    "fingerprint bx7h-kjia\nIn common: intranets; you offer: mentoring");
	assert_true(n.actions);
	json_decref(e);
}

static void
test_notice_decide_ask_none(void **state)
{
	json_t *e = offer_ev("ask", "Ada Lovelace", "who knows wikis?");
	struct notice n;

	(void)state;
	decide(e, false, &markup, &n, 0);
	assert_int_equal(n.kind, NOTICE_NONE);
	assert_string_equal(n.summary, "");
	json_decref(e);
}

static void
test_notice_decide_quiet(void **state)
{
	json_t *o = offer_ev("offer", "Ada", NULL), *i = offer_ev("intro", "Ada", NULL);
	json_t *c =
	        ev("{\"event\":\"card-received\",\"name\":\"Bo Bartlett\",\"fingerprint\":\"" FPR
	           "\"}");
	struct notice n;

	(void)state;
	decide(o, true, &markup, &n, 0);
	assert_int_equal(n.kind, NOTICE_NONE);
	decide(i, true, &markup, &n, 0);
	assert_int_equal(n.kind, NOTICE_NONE);
	decide(c, true, &markup, &n, 0);
	assert_int_equal(n.kind, NOTICE_CARD_BACK);
	assert_false(n.actions);
	assert_int_equal(n.offer_id, 0);
	assert_string_equal(n.summary, "Bo Bartlett's card came back");
	assert_string_equal(n.body, "fingerprint bx7h-kjia");
	json_decref(o);
	json_decref(i);
	json_decref(c);
}

static void
test_notice_decide_card_back_introduced(void **state)
{
	json_t *c = ev("{\"event\":\"card-received\",\"name\":\"Bo\",\"fingerprint\":\"" FPR "\","
	               "\"introduced_by\":{\"name\":\"Grace <b>\",\"fingerprint\":\"" FPR "\"}}");
	struct notice n;

	(void)state;
	decide(c, false, &markup, &n, 0);
	assert_string_equal(n.body, "fingerprint bx7h-kjia\nintroduced by Grace &lt;b&gt;");
	decide(c, false, &plain, &n, 0);
	assert_string_equal(n.body, "fingerprint bx7h-kjia\nintroduced by Grace <b>");
	json_decref(c);
}

static void
test_notice_decide_other_events_none(void **state)
{
	static const char *const others[] = {
		"{\"event\":\"peer-appeared\",\"peer\":{\"id\":\"1\"}}",
		"{\"event\":\"card-accepted\",\"name\":\"Ada\",\"fingerprint\":\"" FPR "\"}",
		"{\"event\":\"contact-updated\",\"name\":\"Ada\",\"fingerprint\":\"" FPR "\"}",
		"{\"event\":\"delivered\",\"outbox\":1,\"to\":\"bo\"}",
		"{\"event\":\"avahi\",\"avahi\":\"running\",\"advert\":\"established\"}",
		"{\"event\":\"something-new\"}",
	};
	struct notice n;

	(void)state;
	for (size_t k = 0; k < sizeof(others) / sizeof(others[0]); k++) {
		json_t *e = ev(others[k]);
		decide(e, false, &markup, &n, 0);
		assert_int_equal(n.kind, NOTICE_NONE);
		json_decref(e);
	}
}

static void
test_notice_decide_malformed(void **state)
{
	static const char *const bad[] = {
		"{\"no-event\":1}",
		"{\"event\":7}",
		"{\"event\":\"offer-received\"}",
		"{\"event\":\"offer-received\",\"offer\":[]}",
		"{\"event\":\"offer-received\",\"offer\":{\"kind\":\"offer\",\"name\":\"A\","
		"\"fingerprint\":\"" FPR "\"}}", /* no id */
		"{\"event\":\"offer-received\",\"offer\":{\"kind\":\"offer\",\"id\":0,\"name\":"
		"\"A\","
		"\"fingerprint\":\"" FPR "\"}}",
		"{\"event\":\"offer-received\",\"offer\":{\"kind\":\"offer\",\"id\":1,\"name\":"
		"\"A\","
		"\"fingerprint\":\"<b>x</b>\"}}",
		"{\"event\":\"offer-received\",\"offer\":{\"kind\":\"offer\",\"id\":1,\"name\":"
		"\"A\","
		"\"fingerprint\":\"" FPR "\",\"common\":{\"topics\":[1]}}}",
		"{\"event\":\"offer-received\",\"offer\":{\"kind\":\"intro\",\"id\":1,\"name\":"
		"\"A\","
		"\"fingerprint\":\"" FPR "\"}}", /* an intro names its introducer */
		"{\"event\":\"card-received\",\"name\":\"A\"}",
		"{\"event\":\"card-received\",\"name\":3,\"fingerprint\":\"" FPR "\"}",
	};
	struct notice n;

	(void)state;
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		json_t *e = ev(bad[k]);
		if (notice_decide(e, false, &markup, &n) != -EINVAL)
			fail_msg("accepted: %s", bad[k]);
		assert_int_equal(n.kind, NOTICE_NONE);
		assert_string_equal(n.summary, "");
		json_decref(e);
	}
}

/* The summary is plain text for every server: "&" stays "&", never "&amp;". */
static void
test_notice_decide_summary_plain(void **state)
{
	json_t *e = offer_ev("offer", "<a href=\"x\">Ada</a> & co", "Smith & Co");
	json_t *c = ev("{\"event\":\"card-received\",\"name\":\"Smith & Co\",\"fingerprint\":\"" FPR
	               "\"}");
	struct notice n;

	(void)state;
	decide(e, false, &markup, &n, 0);
	assert_string_equal(n.summary, "<a href=\"x\">Ada</a> & co offers you their card");
	decide(e, false, &plain, &n, 0);
	assert_string_equal(n.summary, "<a href=\"x\">Ada</a> & co offers you their card");
	decide(c, false, &markup, &n, 0);
	assert_string_equal(n.summary, "Smith & Co's card came back");
	json_decref(e);
	json_decref(c);
}

/* The body is escaped only for a server that lists "body-markup". */
static void
test_notice_decide_body_markup_escaped(void **state)
{
	json_t *e = offer_ev("offer", "<a href=\"x\">Ada</a> & co",
	                     "<img src=x onerror=alert(1)> &amp; <b>bold</b>");
	struct notice n;

	(void)state;
	decide(e, false, &markup, &n, 0);
	assert_null(strchr(n.body, '<'));
	assert_null(strchr(n.body, '>'));
	assert_non_null(strstr(n.body, "&lt;img src=x onerror=alert(1)&gt; &amp;amp; &lt;b&gt;"));
	json_decref(e);
}

static void
test_notice_decide_body_plain(void **state)
{
	json_t *e = offer_ev("offer", "Smith & Co", "Smith & Co <3 wikis");
	struct notice n;

	(void)state;
	decide(e, false, &plain, &n, 0);
	assert_string_equal(n.body, "fingerprint bx7h-kjia\nSmith & Co <3 wikis\n"
	                            "In common: intranets; you offer: mentoring");
	assert_null(strstr(n.body, "&amp;"));
	decide(e, false, &bare, &n, 0);
	assert_non_null(strstr(n.body, "\nSmith & Co <3 wikis\n"));
	json_decref(e);
}

static void
test_notice_decide_bidi_and_controls(void **state)
{
	/* U+202E (right-to-left override), U+2066 (isolate), U+200B (zero width space), ESC, a
	 * line feed, and a lone continuation byte. */
	json_t *e = offer_ev("offer",
	                     "Ada\xe2\x80\xae"
	                     "gpj.exe\xe2\x81\xa6\xe2\x80\x8b",
	                     "line one\nline two\x1b[31m \x80 end");
	struct notice n;

	(void)state;
	decide(e, false, &markup, &n, 0);
	assert_string_equal(n.summary, "Ada\xef\xbf\xbdgpj.exe\xef\xbf\xbd\xef\xbf\xbd"
	                               " offers you their card");
	assert_non_null(strstr(n.body, "\nline one line two\xef\xbf\xbd[31m \xef\xbf\xbd end\n"));
	assert_null(strstr(n.body, "\xe2\x80\xae"));
	assert_null(strchr(n.body, '\x1b'));
	json_decref(e);
}

/* Counts the lines of s. */
static size_t
lines(const char *s)
{
	size_t k = 1;

	for (; *s != '\0'; s++)
		k += *s == '\n';
	return k;
}

static void
test_notice_decide_long_bounded(void **state)
{
	char name[8000], note[8000];
	json_t *e, *c;
	struct notice n;

	(void)state;
	memset(name, '&', sizeof(name) - 1); /* each one becomes five bytes in a markup body */
	name[sizeof(name) - 1] = '\0';
	memset(note, 'x', sizeof(note) - 1);
	note[sizeof(note) - 1] = '\0';
	e = offer_ev("intro", name, note);
	c = json_object_get(json_object_get(e, "offer"), "common");
	for (int k = 0; k < 200; k++)
		json_array_append_new(json_object_get(c, "you_seek"), json_string(name + 7900));
	decide(e, false, &markup, &n, 0);
	assert_true(strlen(n.summary) < NOTICE_SUMMARY_MAX);
	assert_true(strlen(n.body) < NOTICE_BODY_MAX);
	/* Each name is cut to its own bound, with an ellipsis, and the sentence survives; the
	 * summary is plain text, so the name's 64 bytes are 64 '&'. */
	assert_int_equal(strncmp(n.summary, "Grace introduces &&&", 20), 0);
	assert_int_equal(strspn(n.summary + 17, "&"), NOTICE_NAME_MAX);
	assert_string_equal(n.summary + 17 + NOTICE_NAME_MAX, "\xe2\x80\xa6");
	assert_int_equal(lines(n.body), 3);
	assert_non_null(strstr(n.body, "x\xe2\x80\xa6\n"));
	/* The common ground line is cut by its own bound, as shown, never in the middle of an
	 * entity. */
	assert_true(strlen(strrchr(n.body, '\n') + 1) < NOTICE_GROUND_MAX);
	assert_true(strlen(strrchr(n.body, '\n') + 1) > NOTICE_GROUND_MAX - 16);
	for (const char *a = strchr(n.body, '&'); a != NULL; a = strchr(a + 1, '&'))
		assert_int_equal(strncmp(a, "&amp;", 5), 0);
	assert_string_equal(n.body + strlen(n.body) - 3, "\xe2\x80\xa6");
	/* Plain text: the same bounds, nothing escaped. */
	decide(e, false, &plain, &n, 0);
	assert_true(strlen(n.body) < NOTICE_BODY_MAX);
	assert_null(strstr(n.body, "&amp;"));
	assert_true(strlen(strrchr(n.body, '\n') + 1) < NOTICE_GROUND_MAX);
	json_decref(e);
}

static void
test_notice_decide_cut_at_boundary(void **state)
{
	/* 63 bytes of 'a' then a three-byte character: the name's bound (64) falls inside it. */
	char name[80];
	json_t *e;
	struct notice n;

	(void)state;
	memset(name, 'a', 63);
	memcpy(name + 63,
	       "\xe2\x82\xac"
	       "b",
	       5); /* the euro sign, 'b' and the NUL */
	e = offer_ev("offer", name, NULL);
	decide(e, false, &markup, &n, 0);
	assert_int_equal(strncmp(n.summary, name, 63), 0);
	assert_string_equal(n.summary + 63, "\xe2\x80\xa6 offers you their card");
	json_decref(e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_notice_decide_offer),
		cmocka_unit_test(test_notice_decide_intro),
		cmocka_unit_test(test_notice_decide_ask_none),
		cmocka_unit_test(test_notice_decide_quiet),
		cmocka_unit_test(test_notice_decide_card_back_introduced),
		cmocka_unit_test(test_notice_decide_other_events_none),
		cmocka_unit_test(test_notice_decide_malformed),
		cmocka_unit_test(test_notice_decide_summary_plain),
		cmocka_unit_test(test_notice_decide_body_markup_escaped),
		cmocka_unit_test(test_notice_decide_body_plain),
		cmocka_unit_test(test_notice_decide_bidi_and_controls),
		cmocka_unit_test(test_notice_decide_long_bounded),
		cmocka_unit_test(test_notice_decide_cut_at_boundary),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
