/*
 * export: every format against a golden file, written once from a fixed dataset that holds
 * hostile text (formula cells, markup, quotes, commas, newlines, a bidi override, ill-formed
 * UTF-8, a 4-byte character at the 75-octet fold boundary) and checked by hand against the
 * RFCs. Then the rules one by one: folding never splits a character wherever it falls, CSV
 * cells never start a formula, XML never holds a character XML 1.0 forbids.
 *
 * WF_UPDATE_GOLDEN=1 rewrites the golden files instead of comparing; read the diff.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "testutil.h"
#include "wallflower/export.h"
#include "../../src/lib/export_xml.h"

#define NOW      UINT64_C(1727956800) /* 2024-10-03T12:00:00Z */
#define DAY      UINT64_C(86400)
#define EMOJI    "\xf0\x9f\x98\x80" /* U+1F600, four octets */
#define RLO      "\xe2\x80\xae"     /* U+202E RIGHT-TO-LEFT OVERRIDE */
#define CALC     "=cmd|' /C calc'!A0"
#define SCRIPT   "<script>alert(1)</script>"
#define N_PEOPLE 4
#define N_FU     3

/* 69 octets: after "FN:" the emoji takes octets 73 to 76 and must move to the next line. */
#define LONG_NAME "Grace Brewster Murray Hopper of the Harvard Computation Laboratory xy"
#define LONG_FU   "Review the COBOL notes with Grace and then book the Mark I tour."
#define FPR_ADA   "adaa-bbbb-cccc-dddd-eeee-ffff"
#define FPR_MAL   "mmmm-aaaa-llll-oooo-rrrr-yyyy"
#define FPR_GRACE "grac-ehop-perr-rrrr-aaaa-dmrl"

struct dataset {
	struct contact *c;
	struct followup *fu;
	struct graph g;
	struct export_data d;
};

static char *
xdup(const char *s)
{
	char *p = strdup(s);

	assert_non_null(p);
	return p;
}

static void
set_list(struct contact *c, enum card_field f, const char *const *items, size_t n)
{
	struct card_list *l = card_fields_list(&c->f, f);

	l->items = calloc(n, sizeof(*l->items));
	assert_non_null(l->items);
	for (size_t i = 0; i < n; i++)
		l->items[i] = xdup(items[i]);
	l->n = n;
}

#define LIST(c, f, ...)                                                                            \
	do {                                                                                       \
		static const char *const items_[] = { __VA_ARGS__ };                               \
		set_list((c), (f), items_, sizeof(items_) / sizeof(items_[0]));                    \
	} while (0)

static void
set_person(struct contact *c, int64_t id, uint8_t key0, const char *fpr, const char *name)
{
	card_fields_init(&c->f);
	c->id = id;
	for (size_t i = 0; i < sizeof(c->key); i++)
		c->key[i] = (uint8_t)(key0 + i);
	snprintf(c->fpr, sizeof(c->fpr), "%s", fpr);
	c->f.text[CARD_NAME] = xdup(name);
}

static void
add_met(struct contact *c, const char *event, uint64_t at)
{
	c->met = realloc(c->met, (c->n_met + 1) * sizeof(*c->met));
	assert_non_null(c->met);
	c->met[c->n_met].event = event != NULL ? xdup(event) : NULL;
	c->met[c->n_met++].at = at;
}

static void
add_note(struct contact *c, const char *text, uint64_t at)
{
	c->notes = realloc(c->notes, (c->n_notes + 1) * sizeof(*c->notes));
	assert_non_null(c->notes);
	c->notes[c->n_notes] = (struct contact_note){ (int64_t)c->n_notes + 1, xdup(text), at };
	c->n_notes++;
}

/* Someone ordinary, whose text still carries every character the formats escape. */
static void
build_ada(struct contact *c)
{
	set_person(c, 1, 0x00, FPR_ADA, "Ada Lovelace");
	c->f.text[CARD_PRONOUNS] = xdup("she/her");
	c->f.text[CARD_TITLE] = xdup("Analyst; \"poet\", engineer");
	c->f.text[CARD_ORG] = xdup("Analytical Engine Society; London branch");
	c->f.text[CARD_LOCATION] = xdup("London, UK");
	c->f.text[CARD_NOTE] =
	        xdup("I like \"engines\", looms; and C:\\punch\\cards.\nSecond line.");
	LIST(c, CARD_EMAIL, "ada@example.org", "countess@example.net");
	LIST(c, CARD_PHONE, "+44 20 7946 0000");
	LIST(c, CARD_URL, "https://example.org/ada?a=1,b=2;c",
	     "https://example.org/Zo\xc3\xab page");
	LIST(c, CARD_TOPICS, "mathematics", "poetry, science");
	LIST(c, CARD_OFFERS, "mentoring", "code review");
	LIST(c, CARD_SEEKS, "funding");
	c->f.fwd = 1;
	c->rev = 3;
	c->added = NOW - DAY - 4 * 3600;
	add_met(c, "Intranet Now", NOW - 2 * 3600);
	add_met(c, NULL, NOW + DAY);
	add_note(c, "Asked about \"engines\".\nFollow up: =SUM(A1:A9)", NOW - 3600);
}

/* Someone hostile: formulas, markup, a bidi override, controls, ill-formed UTF-8. */
static void
build_mallory(struct contact *c)
{
	set_person(c, 2, 0x20, FPR_MAL, CALC);
	c->f.text[CARD_TITLE] = xdup(SCRIPT);
	c->f.text[CARD_ORG] = xdup(RLO "gro.live");
	c->f.text[CARD_LOCATION] = xdup(RLO "=HYPERLINK(\"http://evil.example\",\"x\")");
	c->f.text[CARD_NOTE] = xdup("line one\r\nline two\x07 bell\nthird, \"quoted\"; line\\");
	LIST(c, CARD_EMAIL, "@SUM(1+1)*cmd|' /C calc'!A0");
	LIST(c, CARD_PHONE, "-2+3");
	LIST(c, CARD_URL, "javascript:alert(\"x\")\n<b>");
	LIST(c, CARD_TOPICS,
	     "bad\xff"
	     "utf8",
	     "tab\there", "\x01");
	LIST(c, CARD_SEEKS, "+money");
	c->f.fwd = -1;
	c->rev = 1;
	c->added = NOW - 3600;
	c->introduced_by = xdup("Ada Lovelace");
	add_met(c, "Intranet Now\n" SCRIPT, NOW - 1800);
	add_note(c, "=1+1", NOW - 600);
	add_note(c, "second note, with \"quotes\"", NOW - 300);
}

/* Someone whose name puts a 4-byte character across the fold boundary. */
static void
build_grace(struct contact *c)
{
	assert_int_equal(strlen(LONG_NAME), 69);
	assert_int_equal(strlen(LONG_FU), 64); /* after "SUMMARY:", the same octets 73 to 76 */
	set_person(c, 3, 0x40, FPR_GRACE, LONG_NAME EMOJI " (team)");
	LIST(c, CARD_TOPICS, "computing");
	c->f.fwd = 0;
	c->rev = 12;
	c->added = NOW;
	add_met(c, "Intranet Now", NOW);
}

/* An unverified contact, from a vCard: its bytes (LF line ends, a property nobody knows)
 * must come out of the vCard export exactly as they are. */
#define JANE_VCARD                                                                                 \
	"BEGIN:VCARD\nVERSION:4.0\nFN:Jane Doe\nORG:Acme\\;Labs;R&D\nX-ODD;TYPE=x:kept as it "     \
	"came\nEND:VCARD\n"

static void
build_jane(struct contact *c)
{
	set_person(c, 4, 0x50, "jane-vcar-dddd-eeee-ffff-gggg", "Jane Doe");
	c->f.text[CARD_ORG] = xdup("Acme;Labs");
	c->vcard = (uint8_t *)xdup(JANE_VCARD);
	c->vcard_len = strlen(JANE_VCARD);
	c->added = NOW;
}

static void
set_followup(struct followup *f, int64_t id, const char *who, const char *fpr, const char *text,
             uint64_t due, bool done)
{
	f->id = id;
	f->contact_id = id;
	f->who = xdup(who);
	snprintf(f->fpr, sizeof(f->fpr), "%s", fpr);
	f->text = xdup(text);
	f->due = due;
	f->created = NOW - 600 + 300 * (uint64_t)(id - 1);
	f->done = done;
}

/* Due dates are the start of a UTC day, as the store keeps them. */
static void
build_followups(struct followup *f)
{
	uint64_t today = NOW - 12 * 3600;

	set_followup(&f[0], 1, "Ada Lovelace", FPR_ADA,
	             "Send the \"engines\" paper; ask about funding, grants\nand C:\\looms",
	             today + 7 * DAY, false);
	set_followup(&f[1], 2, CALC, FPR_MAL, CALC "\n" RLO SCRIPT, today, true);
	set_followup(&f[2], 3, LONG_NAME EMOJI " (team)", FPR_GRACE, LONG_FU EMOJI " done",
	             today + DAY, false);
}

static uint32_t
node(struct graph *g, enum graph_kind kind, const char *label, const char *id)
{
	uint32_t i;

	assert_int_equal(graph_add_node(g, kind, label, id, &i), 0);
	return i;
}

static void
edge(struct graph *g, uint32_t from, uint32_t to, enum graph_edge_kind kind, uint64_t at)
{
	assert_int_equal(graph_add_edge(g, from, to, kind, at), 0);
}

static void
build_graph(struct graph *g)
{
	uint32_t ada, mal, mix, ev, poetry, org, emoji;

	assert_int_equal(graph_init(g, "me"), 0);
	ada = node(g, GRAPH_PERSON, "Ada Lovelace", FPR_ADA);
	mal = node(g, GRAPH_PERSON, SCRIPT, FPR_MAL);
	/* a bidi override, quotes, Graphviz escapes, a C0 control, U+FFFE, a stray byte */
	mix = node(g, GRAPH_PERSON, "Mallory " RLO "\"quoted\" C:\\new\\N\x01\xef\xbf\xbe\xff end",
	           "x\x02y");
	ev = node(g, GRAPH_EVENT, "Intranet Now", "event:Intranet Now");
	poetry = node(g, GRAPH_TOPIC, "poetry, science", "topic:poetry, science");
	org = node(g, GRAPH_ORG, "Analytical \"Engine\" & Co <ltd>", "org:Analytical");
	emoji = node(g, GRAPH_TOPIC, "Emoji " EMOJI " topic", "topic:Emoji");
	edge(g, ada, ev, GRAPH_MET_AT, NOW - 2 * 3600);
	edge(g, mal, ev, GRAPH_MET_AT, NOW - 1800);
	edge(g, mal, ada, GRAPH_INTRODUCED_BY, NOW - 1800);
	edge(g, 0, poetry, GRAPH_SEEKS, NOW - 30 * DAY);
	edge(g, ada, poetry, GRAPH_OFFERS, NOW - DAY);
	edge(g, ada, poetry, GRAPH_KNOWS, NOW - DAY);
	edge(g, ada, org, GRAPH_WORKS_AT, NOW - DAY);
	edge(g, mix, emoji, GRAPH_KNOWS, NOW);
	edge(g, 0, emoji, GRAPH_OFFERS, NOW - 30 * DAY);
}

static int
setup(void **state)
{
	struct dataset *ds = calloc(1, sizeof(*ds));

	assert_non_null(ds);
	ds->c = calloc(N_PEOPLE, sizeof(*ds->c));
	ds->fu = calloc(N_FU, sizeof(*ds->fu));
	assert_non_null(ds->c);
	assert_non_null(ds->fu);
	build_ada(&ds->c[0]);
	build_mallory(&ds->c[1]);
	build_grace(&ds->c[2]);
	build_jane(&ds->c[3]);
	build_followups(ds->fu);
	build_graph(&ds->g);
	ds->d = (struct export_data){ .contacts = ds->c,
		                      .n_contacts = N_PEOPLE,
		                      .followups = ds->fu,
		                      .n_followups = N_FU,
		                      .graph = &ds->g,
		                      .now = NOW };
	*state = ds;
	return 0;
}

static int
teardown(void **state)
{
	struct dataset *ds = *state;

	contact_free_all(ds->c, N_PEOPLE);
	followup_free_all(ds->fu, N_FU);
	graph_clear(&ds->g);
	free(ds);
	return 0;
}

/* Runs export_write into memory; asserts it returns want. The caller frees the bytes. */
static char *
run(enum export_format fmt, const struct export_data *d, int want, size_t *len)
{
	char *buf = NULL;
	FILE *mem = open_memstream(&buf, len);

	assert_non_null(mem);
	assert_int_equal(export_write(fmt, d, mem), want);
	assert_int_equal(fclose(mem), 0);
	return buf;
}

static void
check_golden(const char *name, const char *got, size_t len)
{
	char rel[128], *path;
	uint8_t *want;
	size_t want_len, i;

	snprintf(rel, sizeof(rel), "tests/unit/golden/export/%s", name);
	path = tu_source_path(rel);
	if (getenv("WF_UPDATE_GOLDEN") != NULL) {
		tu_write(path, got, len, 0644);
		free(path);
		return;
	}
	want = tu_read(path, &want_len);
	for (i = 0; i < len && i < want_len && (uint8_t)got[i] == want[i]; i++)
		;
	if (i != len || i != want_len)
		fail_msg("%s differs from the golden file at byte %zu (got %zu bytes, want %zu)",
		         name, i, len, want_len);
	free(want);
	free(path);
}

static void
golden(void **state, enum export_format fmt, const char *name)
{
	struct dataset *ds = *state;
	size_t len;
	char *out = run(fmt, &ds->d, 0, &len);

	check_golden(name, out, len);
	free(out);
}

static void
test_export_write_vcard_golden(void **state)
{
	golden(state, EXPORT_VCARD, "contacts.vcf");
}

static void
test_export_write_vcard4_golden(void **state)
{
	golden(state, EXPORT_VCARD4, "contacts4.vcf");
}

static void
test_export_write_csv_golden(void **state)
{
	golden(state, EXPORT_CSV, "contacts.csv");
}

static void
test_export_write_json_golden(void **state)
{
	golden(state, EXPORT_JSON, "export.json");
}

static void
test_export_write_graphml_golden(void **state)
{
	golden(state, EXPORT_GRAPHML, "graph.graphml");
}

static void
test_export_write_gexf_golden(void **state)
{
	golden(state, EXPORT_GEXF, "graph.gexf");
}

static void
test_export_write_dot_golden(void **state)
{
	golden(state, EXPORT_DOT, "graph.dot");
}

static void
test_export_write_ics_golden(void **state)
{
	golden(state, EXPORT_ICS, "followups.ics");
}

static void
test_export_format_parse_names(void **state)
{
	enum export_format f;

	(void)state;
	for (int i = 0; i < EXPORT_FORMAT_COUNT; i++) {
		const char *name = export_format_name((enum export_format)i);

		assert_non_null(name);
		assert_int_equal(export_format_parse(name, &f), 0);
		assert_int_equal(f, i);
	}
	assert_string_equal(export_format_name(EXPORT_VCARD), "vcard");
	assert_string_equal(export_format_name(EXPORT_ICS), "ics");
	assert_int_equal(export_format_parse("VCARD", &f), -EINVAL);
	assert_int_equal(export_format_parse("", &f), -EINVAL);
	assert_int_equal(export_format_parse("vcard3", &f), -EINVAL);
}

/* Whether n bytes are well-formed UTF-8 on their own: a split sequence would not be. */
static bool
utf8_whole(const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t len = export_utf8_next(s + i, n - i, &cp);

		if (len == 0)
			return false;
		i += len;
	}
	return true;
}

/* Whether a line ends with the backslash of an escape, its letter on the next line. */
static bool
ends_mid_escape(const char *s, size_t n)
{
	size_t backslashes = 0;

	while (backslashes < n && s[n - 1 - backslashes] == '\\')
		backslashes++;
	return backslashes % 2 == 1;
}

/*
 * Checks folded content lines: each physical line at most 75 octets before its CRLF, valid
 * UTF-8 by itself, not ending inside an escape, continuation lines starting with a space.
 * Returns the unfolded text.
 */
static char *
check_folding(const char *out, size_t len)
{
	char *unfolded = malloc(len + 1);
	size_t o = 0, start = 0;

	assert_non_null(unfolded);
	while (start < len) {
		const char *crlf = memchr(out + start, '\r', len - start);
		size_t n;

		assert_non_null(crlf);
		n = (size_t)(crlf - (out + start));
		assert_true(start + n + 1 < len && crlf[1] == '\n');
		assert_in_range(n, 0, 75);
		if (!utf8_whole(out + start, n))
			fail_msg("line at byte %zu splits a UTF-8 sequence", start);
		if (ends_mid_escape(out + start, n))
			fail_msg("line at byte %zu splits an escape", start);
		if (out[start] == ' ' && start > 0) {
			memcpy(unfolded + o, out + start + 1, n - 1); /* a continuation */
			o += n - 1;
		} else {
			if (start > 0)
				unfolded[o++] = '\n';
			memcpy(unfolded + o, out + start, n);
			o += n;
		}
		start += n + 2;
	}
	unfolded[o] = '\0';
	return unfolded;
}

static void
fold_name(const char *name, const char *want_fn)
{
	struct contact c = { 0 };
	struct export_data d = { .contacts = &c, .n_contacts = 1, .now = NOW };
	size_t len;
	char *out, *unfolded;

	set_person(&c, 1, 0, FPR_ADA, name);
	for (int v = 0; v < 2; v++) {
		out = run(v ? EXPORT_VCARD4 : EXPORT_VCARD, &d, 0, &len);
		unfolded = check_folding(out, len);
		if (strstr(unfolded, want_fn) == NULL)
			fail_msg("no '%s' in\n%s", want_fn, unfolded);
		free(unfolded);
		free(out);
	}
	contact_clear(&c);
}

/* The character at every position around the boundary, on the first line and on a later
 * one, for sequences of 2, 3 and 4 octets, and next to an escape. */
static void
test_export_write_vcard_fold_utf8(void **state)
{
	static const char *const chars[] = { "\xc3\xab", "\xe2\x82\xac", EMOJI, "\\" };
	static const char *const escaped[] = { "\xc3\xab", "\xe2\x82\xac", EMOJI, "\\\\" };
	char name[256], fn[300];

	(void)state;
	for (size_t c = 0; c < sizeof(chars) / sizeof(chars[0]); c++) {
		for (size_t pad = 60; pad < 160; pad++) {
			memset(name, 'a', pad);
			snprintf(name + pad, sizeof(name) - pad, "%sz", chars[c]);
			snprintf(fn, sizeof(fn), "FN:%.*s%sz", (int)pad, name, escaped[c]);
			fold_name(name, fn);
		}
	}
}

static void
test_export_write_ics_fold_utf8(void **state)
{
	struct followup f = { .id = 7, .due = NOW, .created = NOW };
	struct export_data d = { .followups = &f, .n_followups = 1, .now = NOW };
	char text[256], want[300], *out, *unfolded;
	size_t len;

	(void)state;
	f.who = xdup("Ada");
	for (size_t pad = 60; pad < 160; pad++) {
		memset(text, 'x', pad);
		snprintf(text + pad, sizeof(text) - pad, EMOJI ";");
		f.text = text;
		out = run(EXPORT_ICS, &d, 0, &len);
		unfolded = check_folding(out, len);
		snprintf(want, sizeof(want), "SUMMARY:%.*s" EMOJI "\\;\n", (int)pad, text);
		if (strstr(unfolded, want) == NULL)
			fail_msg("no '%s' in\n%s", want, unfolded);
		free(unfolded);
		free(out);
	}
	f.text = NULL;
	followup_clear(&f);
}

/* The N property for one name, in vCard 3.0. */
static void
check_n(const char *name, const char *want)
{
	struct contact c = { 0 };
	struct export_data d = { .contacts = &c, .n_contacts = 1, .now = NOW };
	size_t len;
	char *out;

	set_person(&c, 1, 0, FPR_ADA, name);
	out = run(EXPORT_VCARD, &d, 0, &len);
	if (strstr(out, want) == NULL)
		fail_msg("no '%s' in\n%s", want, out);
	free(out);
	contact_clear(&c);
}

static void
test_export_write_vcard_name_split(void **state)
{
	(void)state;
	check_n("Ada Lovelace", "\r\nN:Lovelace;Ada;;;\r\n");
	check_n("Zo\xc3\xab O'Brien-Keating", "\r\nN:O'Brien-Keating;Zo\xc3\xab;;;\r\n");
	check_n("Madonna", "\r\nN:;Madonna;;;\r\n");
	check_n("Grace Brewster Hopper", "\r\nN:;Grace Brewster Hopper;;;\r\n");
	check_n("Lovelace, Ada", "\r\nN:;Lovelace\\, Ada;;;\r\n");
	check_n("Ada;Lovelace", "\r\nN:;Ada\\;Lovelace;;;\r\n");
	check_n("\xe6\x9d\x8e \xe5\xb0\x8f\xe9\xbe\x99",
	        "\r\nN:;\xe6\x9d\x8e \xe5\xb0\x8f\xe9\xbe\x99;;;\r\n");
	check_n("Ada ", "\r\nN:;Ada ;;;\r\n");
	check_n("R2 D2", "\r\nN:;R2 D2;;;\r\n");
	check_n(RLO "\x01", "\r\nFN:" FPR_ADA "\r\n"); /* nothing left: the fingerprint */
}

/* The first cell of the one data row of a CSV export of a contact named name. */
static void
check_csv_first(const char *name, const char *want)
{
	struct contact c = { 0 };
	struct export_data d = { .contacts = &c, .n_contacts = 1, .now = NOW };
	size_t len, wl = strlen(want);
	char *out, *row;

	set_person(&c, 1, 0, FPR_ADA, name);
	out = run(EXPORT_CSV, &d, 0, &len);
	row = strstr(out, "\r\n");
	assert_non_null(row);
	row += 2;
	if (strncmp(row, want, wl) != 0 || row[wl] != ',')
		fail_msg("name '%s': row starts '%.40s', want '%s,'", name, row, want);
	free(out);
	contact_clear(&c);
}

static void
test_export_write_csv_formula(void **state)
{
	(void)state;
	check_csv_first("=1+1", "'=1+1");
	check_csv_first("+1", "'+1");
	check_csv_first("-1", "'-1");
	check_csv_first("@SUM(A1)", "'@SUM(A1)");
	check_csv_first(CALC, "'" CALC);
	/* what the cleaning removes cannot hide a formula: the check looks at what is left */
	check_csv_first("\t=1", "'=1");
	check_csv_first("\r=1", "'=1");
	check_csv_first(RLO "=1", "'=1");
	check_csv_first("\xff=1", "'=1");
	check_csv_first("=1,2", "\"'=1,2\"");
	check_csv_first("=\"x\"", "\"'=\"\"x\"\"\"");
	check_csv_first("a=1", "a=1");
	check_csv_first(" =1", " =1");
	check_csv_first("Ada, \"the\" Countess", "\"Ada, \"\"the\"\" Countess\"");
}

static void
test_export_write_csv_rows(void **state)
{
	struct dataset *ds = *state;
	size_t len, rows = 0;
	char *out = run(EXPORT_CSV, &ds->d, 0, &len);
	bool quoted = false;

	/* Outside quotes every line ends in CRLF, and there is one line per contact + header. */
	for (size_t i = 0; i < len; i++) {
		if (out[i] == '"') {
			quoted = !quoted;
		} else if (!quoted && out[i] == '\n') {
			fail_msg("bare LF outside quotes at byte %zu", i);
		} else if (!quoted && out[i] == '\r') {
			if (i + 1 == len || out[i + 1] != '\n')
				fail_msg("bare CR outside quotes at byte %zu", i);
			rows++;
			i++; /* past its LF */
		}
	}
	assert_false(quoted);
	assert_int_equal(rows, N_PEOPLE + 1);
	free(out);
}

struct xml_case {
	const char *in;
	size_t n; /* 0: strlen */
	const char *want;
};

static void
test_export_xml_clean_removes(void **state)
{
	static const struct xml_case cases[] = {
		{ "plain", 0, "plain" },
		{ "tab\tlf\ncr\r", 0, "tab\tlf\ncr\r" },
		{ "a\x01\x08\x0b\x0c\x1f"
		  "b",
		  0, "ab" },
		{ "a\0b", 3, "ab" },
		{ "x\xef\xbf\xbey\xef\xbf\xbfz", 0, "xyz" },   /* U+FFFE, U+FFFF */
		{ "\xef\xbf\xbd", 0, "\xef\xbf\xbd" },         /* U+FFFD stays */
		{ "\xf0\x9f\xbf\xbe", 0, "\xf0\x9f\xbf\xbe" }, /* U+1FFFE is legal XML */
		{ "a\xff"
		  "b\xfe",
		  0, "ab" },
		{ "a\xc0\xaf"
		  "b",
		  0, "ab" }, /* overlong '/' */
		{ "a\xed\xa0\x80"
		  "b",
		  0, "ab" }, /* surrogate */
		{ "a\xf4\x90\x80\x80"
		  "b",
		  0, "ab" },             /* above U+10FFFF */
		{ "a\xe2\x82", 0, "a" }, /* truncated at the end */
		{ "a\x80\x80"
		  "b",
		  0, "ab" },                                               /* stray continuations */
		{ EMOJI RLO "\x7f\xc2\x85", 0, EMOJI RLO "\x7f\xc2\x85" }, /* legal, if odd */
		{ "", 0, "" },
	};
	char out[64];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct xml_case *c = &cases[i];
		size_t n = c->n ? c->n : strlen(c->in);
		size_t got = export_xml_clean(c->in, n, out);

		if (got != strlen(c->want) || memcmp(out, c->want, got + 1) != 0)
			fail_msg("case %zu: got %zu bytes '%s'", i, got, out);
	}
}

static void
test_export_xml_clean_in_place(void **state)
{
	char buf[] = "\x01"
	             "a\xff"
	             "b\xef\xbf\xbe" EMOJI "\x02";

	(void)state;
	assert_int_equal(export_xml_clean(buf, strlen(buf), buf), 6);
	assert_string_equal(buf, "ab" EMOJI);
}

static void
test_export_clean_dup_policy(void **state)
{
	char *s;

	(void)state;
	s = export_clean_dup("a" RLO "b\x01\tc\nd\xff" EMOJI "\xe2\x80\x8b ", 0);
	assert_string_equal(s, "abcd" EMOJI " ");
	free(s);
	s = export_clean_dup("one\r\ntwo\n", EXPORT_KEEP_LF);
	assert_string_equal(s, "one\ntwo\n");
	free(s);
	s = export_clean_dup(NULL, 0);
	assert_string_equal(s, "");
	free(s);
}

/* The XML goldens are well-formed by xmllint's judgement, when xmllint is there. */
static void
test_export_write_xml_wellformed(void **state)
{
	struct dataset *ds = *state;
	static const enum export_format fmts[] = { EXPORT_GRAPHML, EXPORT_GEXF };
	char *dir, *path, cmd[512];

	if (system("command -v xmllint >/dev/null 2>&1") != 0)
		skip();
	dir = tu_tmpdir();
	path = tu_path(dir, "out.xml");
	for (size_t i = 0; i < 2; i++) {
		size_t len;
		char *out = run(fmts[i], &ds->d, 0, &len);

		tu_write(path, out, len, 0600);
		snprintf(cmd, sizeof(cmd), "xmllint --noout '%s'", path);
		if (system(cmd) != 0)
			fail_msg("%s output is not well-formed XML", export_format_name(fmts[i]));
		free(out);
	}
	free(path);
	tu_rmtree(dir);
	free(dir);
}

/* An empty export is still a valid file of its format. */
static void
test_export_write_empty(void **state)
{
	struct export_data d = { .now = NOW };
	size_t len;
	char *out;

	(void)state;
	for (int i = 0; i < EXPORT_FORMAT_COUNT; i++) {
		out = run((enum export_format)i, &d, 0, &len);
		free(out);
	}
	out = run(EXPORT_ICS, &d, 0, &len);
	assert_string_equal(out, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
	                         "PRODID:-//wallflower//wallflower export//EN\r\n"
	                         "CALSCALE:GREGORIAN\r\nEND:VCALENDAR\r\n");
	free(out);
	out = run(EXPORT_VCARD, &d, 0, &len);
	assert_int_equal(len, 0);
	free(out);
	out = run(EXPORT_JSON, &d, 0, &len);
	assert_non_null(strstr(out, "\"contacts\": []"));
	free(out);
}

/* A stream that refuses writes: every format says -EIO. */
static void
test_export_write_io_error(void **state)
{
	struct dataset *ds = *state;

	for (int i = 0; i < EXPORT_FORMAT_COUNT; i++) {
		FILE *ro = fopen("/dev/null", "r");

		assert_non_null(ro);
		assert_int_equal(export_write((enum export_format)i, &ds->d, ro), -EIO);
		fclose(ro);
	}
}

/* An edge to a node that is not there is left out rather than written dangling. */
static void
test_export_write_dangling_edge(void **state)
{
	struct graph g;
	struct export_data d = { .graph = &g, .now = NOW };
	size_t len;
	char *out;

	(void)state;
	assert_int_equal(graph_init(&g, "me"), 0);
	g.edges = calloc(1, sizeof(*g.edges));
	assert_non_null(g.edges);
	g.edges[0] = (struct graph_edge){ 0, 7, GRAPH_KNOWS, NOW };
	g.n_edges = g.cap_edges = 1;
	for (int i = EXPORT_GRAPHML; i <= EXPORT_DOT; i++) {
		out = run((enum export_format)i, &d, 0, &len);
		assert_null(strstr(out, "n7"));
		free(out);
	}
	graph_clear(&g);
}

/* --- export_vcard_qr ------------------------------------------------------------------- */

static void
fields_add(struct card_fields *f, enum card_field field, const char *v)
{
	struct card_list *l = card_fields_list(f, field);

	l->items = realloc(l->items, (l->n + 1) * sizeof(*l->items));
	assert_non_null(l->items);
	l->items[l->n++] = strdup(v);
}

static void
test_export_vcard_qr_golden(void **state)
{
	struct card_fields f;
	char *v;
	size_t n;
	unsigned left;

	(void)state;
	card_fields_init(&f);
	f.text[CARD_NAME] = strdup("Ada Lovelace");
	f.text[CARD_ORG] = strdup("Engines; Ltd, \\ Co");
	f.text[CARD_TITLE] = strdup("Analyst\nof engines");
	f.text[CARD_NOTE] = strdup("never in it");
	f.text[CARD_PRONOUNS] = strdup("she/her");
	fields_add(&f, CARD_EMAIL, "ada@example.org");
	fields_add(&f, CARD_PHONE, "+44 20 7946 0000");
	fields_add(&f, CARD_URL, "https://ada.example.org/a,b;c");
	fields_add(&f, CARD_TOPICS, "never either");
	assert_int_equal(export_vcard_qr(&f, EXPORT_VCARD_QR_MAX, &v, &n, &left), 0);
	assert_string_equal(v, "BEGIN:VCARD\r\nVERSION:3.0\r\n"
	                       "FN:Ada Lovelace\r\nN:Lovelace;Ada;;;\r\n"
	                       "EMAIL:ada@example.org\r\nTEL:+44 20 7946 0000\r\n"
	                       "ORG:Engines\\; Ltd\\, \\\\ Co\r\n"
	                       "TITLE:Analystof engines\r\n" /* one-line fields lose a LF */
	                       "URL:https://ada.example.org/a%2Cb%3Bc\r\nEND:VCARD\r\n");
	assert_int_equal(n, strlen(v));
	assert_int_equal(left, 0);
	free(v);
	card_fields_clear(&f);
}

/* Over the bound: later fields and second items go first, and are said; never the name. */
static void
test_export_vcard_qr_left_out(void **state)
{
	struct card_fields f;
	char *v;
	size_t n, full;
	unsigned left;

	(void)state;
	card_fields_init(&f);
	f.text[CARD_NAME] = strdup("Ada Lovelace");
	f.text[CARD_ORG] = strdup("Analytical Engines Ltd");
	fields_add(&f, CARD_EMAIL, "ada@example.org");
	fields_add(&f, CARD_EMAIL, "ada.work@example.org");
	fields_add(&f, CARD_URL, "https://ada.example.org");
	assert_int_equal(export_vcard_qr(&f, 1000, &v, &n, &left), 0);
	assert_int_equal(left, 0);
	full = n;
	free(v);
	/* Room for all but the second email. */
	assert_int_equal(export_vcard_qr(&f, full - 1, &v, &n, &left), 0);
	assert_true(n <= full - 1);
	assert_int_equal(left, 1u << CARD_EMAIL);
	assert_non_null(strstr(v, "URL:https://ada.example.org\r\n"));
	assert_null(strstr(v, "ada.work"));
	assert_non_null(strstr(v, "END:VCARD\r\n"));
	free(v);
	/* Only the name fits. */
	assert_int_equal(export_vcard_qr(&f, 73, &v, &n, &left), 0);
	assert_int_equal(n, 73);
	assert_int_equal(left, 1u << CARD_EMAIL | 1u << CARD_ORG | 1u << CARD_URL);
	free(v);
	assert_int_equal(export_vcard_qr(&f, 72, &v, &n, &left), -EMSGSIZE);
	assert_null(v);
	card_fields_clear(&f);
}

/* A typical profile (bench/cardsize.sh) fits whole. */
static void
test_export_vcard_qr_typical_fits(void **state)
{
	struct card_fields f;
	char *v;
	size_t n;
	unsigned left;

	(void)state;
	card_fields_init(&f);
	f.text[CARD_NAME] = strdup("Ada Lovelace");
	f.text[CARD_TITLE] = strdup("Intranet manager");
	f.text[CARD_ORG] = strdup("Analytical Engines Ltd");
	fields_add(&f, CARD_EMAIL, "ada@example.org");
	fields_add(&f, CARD_PHONE, "+44 20 7946 0000");
	fields_add(&f, CARD_URL, "https://ada.example.org");
	assert_int_equal(export_vcard_qr(&f, EXPORT_VCARD_QR_MAX, &v, &n, &left), 0);
	assert_int_equal(left, 0);
	free(v);
	card_fields_clear(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_export_write_vcard_golden, setup, teardown),
		cmocka_unit_test_setup_teardown(test_export_write_vcard4_golden, setup, teardown),
		cmocka_unit_test_setup_teardown(test_export_write_csv_golden, setup, teardown),
		cmocka_unit_test_setup_teardown(test_export_write_json_golden, setup, teardown),
		cmocka_unit_test_setup_teardown(test_export_write_graphml_golden, setup, teardown),
		cmocka_unit_test_setup_teardown(test_export_write_gexf_golden, setup, teardown),
		cmocka_unit_test_setup_teardown(test_export_write_dot_golden, setup, teardown),
		cmocka_unit_test_setup_teardown(test_export_write_ics_golden, setup, teardown),
		cmocka_unit_test(test_export_format_parse_names),
		cmocka_unit_test(test_export_write_vcard_fold_utf8),
		cmocka_unit_test(test_export_write_ics_fold_utf8),
		cmocka_unit_test(test_export_write_vcard_name_split),
		cmocka_unit_test(test_export_write_csv_formula),
		cmocka_unit_test_setup_teardown(test_export_write_csv_rows, setup, teardown),
		cmocka_unit_test(test_export_xml_clean_removes),
		cmocka_unit_test(test_export_xml_clean_in_place),
		cmocka_unit_test(test_export_clean_dup_policy),
		cmocka_unit_test_setup_teardown(test_export_write_xml_wellformed, setup, teardown),
		cmocka_unit_test(test_export_write_empty),
		cmocka_unit_test_setup_teardown(test_export_write_io_error, setup, teardown),
		cmocka_unit_test(test_export_write_dangling_edge),
		cmocka_unit_test(test_export_vcard_qr_golden),
		cmocka_unit_test(test_export_vcard_qr_left_out),
		cmocka_unit_test(test_export_vcard_qr_typical_fits),
	};

	/* Days are local days: the golden files are in UTC. */
	setenv("TZ", "UTC0", 1);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
