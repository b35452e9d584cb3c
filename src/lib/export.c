/*
 * export.c: your network in the formats other tools read (export.h; docs/export.md says
 * what goes where). This file owns the format names and the dispatch, the character policy
 * every format applies, and the text formats: vCard 3.0 and 4.0, CSV, JSON, DOT and
 * iCalendar. GraphML and GEXF live in export_xml.c, the one file that touches libxml2.
 *
 * It trusts no string it writes. Names, topics and notes come from peers' cards or from
 * the user, and a caller may hand over bytes the store would have refused. So every string
 * first loses what text.c's policy refuses (ill-formed UTF-8, controls, bidi overrides and
 * other invisible format characters), then gets its format's own escaping. It must never
 * split a UTF-8 sequence when it folds a line, never escape JSON by hand (jansson does),
 * and never let a CSV cell start a spreadsheet formula.
 */
#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "wallflower/crypt.h"
#include "wallflower/export.h"
#include "wallflower/text.h"

#include "export_xml.h"

#define EXPORT_PRODID "-//wallflower//wallflower export//EN"
#define FOLD_OCTETS   75 /* RFC 6350 3.2, RFC 5545 3.1: per line, CRLF not counted */
#define KEY_HEX_LEN   (2 * CRYPT_SIGN_PK)
/* The formats here write four-digit years: later times are written as this one. */
#define TIME_MAX  UINT64_C(253402300799) /* 9999-12-31T23:59:59Z */
#define STAMP_LEN 64
/* OWASP, "CSV Injection": a cell starting with one of these can become a formula. */
#define CSV_FORMULA "=+-@\t\r"

static const char *const format_names[EXPORT_FORMAT_COUNT] = {
	[EXPORT_VCARD] = "vcard", [EXPORT_VCARD4] = "vcard4",   [EXPORT_CSV] = "csv",
	[EXPORT_JSON] = "json",   [EXPORT_GRAPHML] = "graphml", [EXPORT_GEXF] = "gexf",
	[EXPORT_DOT] = "dot",     [EXPORT_ICS] = "ics",
};

int
export_format_parse(const char *name, enum export_format *fmt)
{
	for (size_t i = 0; i < EXPORT_FORMAT_COUNT; i++) {
		if (strcmp(name, format_names[i]) == 0) {
			*fmt = (enum export_format)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *
export_format_name(enum export_format fmt)
{
	assert((unsigned)fmt < EXPORT_FORMAT_COUNT);
	return (unsigned)fmt < EXPORT_FORMAT_COUNT ? format_names[fmt] : NULL;
}

/* --- Characters ------------------------------------------------------------------------ */

size_t
export_utf8_next(const char *s, size_t n, uint32_t *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		len = 2;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		len = 3;
		lo = p[0] == 0xe0 ? 0xa0 : lo; /* overlong */
		hi = p[0] == 0xed ? 0x9f : hi; /* surrogates */
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		len = 4;
		lo = p[0] == 0xf0 ? 0x90 : lo; /* overlong */
		hi = p[0] == 0xf4 ? 0x8f : hi; /* above U+10FFFF */
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	*cp = p[0] & (0x7f >> len);
	for (size_t i = 1; i < len; i++) {
		if (p[i] < lo || p[i] > hi)
			return 0;
		lo = 0x80;
		hi = 0xbf;
		*cp = *cp << 6 | (p[i] & 0x3f);
	}
	return len;
}

/*
 * Whether a code point stays. text.c decides, so that exports and the card codec share one
 * policy: whatever a valid card cannot hold (controls, bidi controls, invisible characters,
 * noncharacters) is never written either. A lone space is "blank" there, and fine here.
 */
static bool
keep(const char *p, size_t len, uint32_t cp, unsigned flags)
{
	enum text_verdict v;

	if (cp == '\n')
		return (flags & EXPORT_KEEP_LF) != 0;
	v = text_check(p, len, 0);
	return v == TEXT_OK || v == TEXT_BLANK;
}

char *
export_clean_dup(const char *s, unsigned flags)
{
	size_t n = s != NULL ? strlen(s) : 0, o = 0;
	char *out = malloc(n + 1);

	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t len = export_utf8_next(s + i, n - i, &cp);

		if (len == 0) {
			i++; /* drop one byte of an ill-formed sequence and resynchronise */
			continue;
		}
		if (keep(s + i, len, cp, flags)) {
			memcpy(out + o, s + i, len);
			o += len;
		}
		i += len;
	}
	out[o] = '\0';
	return out;
}

static unsigned
field_clean(enum card_field f)
{
	return card_field_info(f)->multiline ? EXPORT_KEEP_LF : 0;
}

/* --- Times ----------------------------------------------------------------------------- */

enum stamp {
	STAMP_DATE,       /* 2024-10-03 */
	STAMP_DATE_BASIC, /* 20241003 */
	STAMP_UTC_BASIC,  /* 20241003T120000Z */
};

static const char *
stamp(uint64_t t, enum stamp form, char buf[STAMP_LEN])
{
	time_t tt = (time_t)(t < TIME_MAX ? t : TIME_MAX);
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	/* A day is the local day (a due day is stored as its local midnight); a time is UTC. */
	if (form == STAMP_UTC_BASIC)
		gmtime_r(&tt, &tm);
	else
		localtime_r(&tt, &tm);
	if (form == STAMP_DATE)
		snprintf(buf, STAMP_LEN, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1,
		         tm.tm_mday);
	else if (form == STAMP_DATE_BASIC)
		snprintf(buf, STAMP_LEN, "%04d%02d%02d", tm.tm_year + 1900, tm.tm_mon + 1,
		         tm.tm_mday);
	else
		snprintf(buf, STAMP_LEN, "%04d%02d%02dT%02d%02d%02dZ", tm.tm_year + 1900,
		         tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	return buf;
}

/* --- Lines: one growing buffer with a sticky error ------------------------------------- */

struct line {
	char *p;
	size_t len, cap;
	int err; /* the first failure: writers check once per record, not once per byte */
};

static void
line_add(struct line *l, const char *s, size_t n)
{
	size_t cap = l->cap ? l->cap : 256;
	char *p;

	if (l->err < 0 || n == 0)
		return;
	if (n > SIZE_MAX / 4 - l->len) {
		l->err = -ENOMEM;
		return;
	}
	while (cap - l->len < n)
		cap *= 2;
	if (cap != l->cap) {
		if ((p = realloc(l->p, cap)) == NULL) {
			l->err = -ENOMEM;
			return;
		}
		l->p = p;
		l->cap = cap;
	}
	memcpy(l->p + l->len, s, n);
	l->len += n;
}

static void
line_puts(struct line *l, const char *s)
{
	line_add(l, s, strlen(s));
}

static char *
line_clean(struct line *l, const char *s, unsigned clean)
{
	char *c = export_clean_dup(s, clean);

	if (c == NULL && l->err == 0)
		l->err = -ENOMEM;
	return c;
}

/*
 * Appends s as a vCard or iCalendar text value: cleaned, then backslash, line feed and comma
 * escaped always, semicolon when semi (vCard 3.0 and iCalendar text, and the components of
 * vCard 4.0's compound properties; RFC 6350 3.4 leaves it unescaped in other 4.0 text).
 */
static void
line_text(struct line *l, const char *s, unsigned clean, bool semi)
{
	char *c = line_clean(l, s, clean);

	if (c == NULL)
		return;
	for (const char *p = c; *p != '\0'; p++) {
		if (*p == '\\')
			line_add(l, "\\\\", 2);
		else if (*p == '\n')
			line_add(l, "\\n", 2);
		else if (*p == ',')
			line_add(l, "\\,", 2);
		else if (*p == ';' && semi)
			line_add(l, "\\;", 2);
		else
			line_add(l, p, 1);
	}
	free(c);
}

/*
 * Appends s as a URI value: cleaned, then every byte a URI cannot carry as it is (space,
 * non-ASCII, and the characters RFC 3986 excludes) percent-encoded as RFC 3987 3.1 maps an
 * IRI. Commas and semicolons are encoded too: RFC 6350 3.4 wants commas escaped in every
 * value while a backslash cannot appear in a URI, and readers split unescaped ones (vobject
 * cuts "?a=1,b=2" at the comma). The value then needs no escaping, and no reader can take
 * any part of it for syntax.
 */
static void
line_uri(struct line *l, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	char *c = line_clean(l, s, 0);

	if (c == NULL)
		return;
	for (const unsigned char *p = (const unsigned char *)c; *p != '\0'; p++) {
		char esc[3] = { '%', hex[*p >> 4], hex[*p & 0xf] };

		if (*p > 0x20 && *p < 0x7f && strchr("\"<>\\^`{|},;", *p) == NULL)
			line_add(l, (const char *)p, 1);
		else
			line_add(l, esc, 3);
	}
	free(c);
}

/*
 * The bytes at p that must stay on one physical line: a whole UTF-8 sequence (RFC 6350 3.2:
 * multi-octet characters stay contiguous), or one of our escapes, which some readers fail
 * to rejoin when a fold falls between the backslash and its letter.
 */
static size_t
unit_len(const char *p, size_t n)
{
	uint32_t cp;
	size_t len;

	if (p[0] == '\\' && n >= 2)
		return 2;
	len = export_utf8_next(p, n, &cp);
	return len > 0 ? len : 1;
}

/* Writes the line folded at FOLD_OCTETS (a fold is CRLF and one space), then CRLF. */
static void
line_fold(const struct line *l, FILE *out)
{
	size_t col = 0, start = 0;

	/* Whole runs between folds go out in one write: this loop runs for every line of a
	 * large export. */
	for (size_t i = 0; i < l->len;) {
		size_t u = unit_len(l->p + i, l->len - i);

		if (col + u > FOLD_OCTETS) {
			fwrite(l->p + start, 1, i - start, out);
			fputs("\r\n ", out);
			col = 1;
			start = i;
		}
		col += u;
		i += u;
	}
	fwrite(l->p + start, 1, l->len - start, out);
	fputs("\r\n", out);
}

/* --- Content lines (vCard, iCalendar) -------------------------------------------------- */

struct lines {
	FILE *out;
	struct line l;
	bool semi; /* escape ';' in text values */
};

/* Ends a content line whose value starts at value_at; one with an empty value is dropped. */
static void
lines_end(struct lines *w, size_t value_at)
{
	if (w->l.err == 0 && w->l.len > value_at)
		line_fold(&w->l, w->out);
	w->l.len = 0;
}

/* A content line entirely of our own making. */
static void
lines_raw(struct lines *w, const char *s)
{
	line_puts(&w->l, s);
	lines_end(w, 0);
}

static size_t
lines_name(struct lines *w, const char *name)
{
	line_puts(&w->l, name);
	line_add(&w->l, ":", 1);
	return w->l.len;
}

/* A text property; nothing when the value is absent or cleans to nothing. */
static void
lines_text(struct lines *w, const char *name, const char *value, unsigned clean)
{
	size_t at;

	if (value == NULL)
		return;
	at = lines_name(w, name);
	line_text(&w->l, value, clean, w->semi);
	lines_end(w, at);
}

static void
lines_stamp(struct lines *w, const char *name, uint64_t t, enum stamp form)
{
	char buf[STAMP_LEN];

	lines_name(w, name);
	lines_raw(w, stamp(t, form, buf));
}

/*
 * Appends "label value end" to a multi-line text value that starts at at (a "\n" before it
 * when it is not the first), or nothing when value is NULL or cleans to nothing. Returns
 * whether it appended.
 */
static bool
lines_para(struct lines *w, size_t at, const char *label, const char *value, const char *end)
{
	struct line *l = &w->l;
	size_t mark = l->len, val;

	if (value == NULL)
		return false;
	if (l->len > at)
		line_add(l, "\\n", 2);
	line_text(l, label, 0, w->semi);
	val = l->len;
	line_text(l, value, 0, w->semi);
	if (l->len == val) {
		l->len = mark;
		return false;
	}
	line_text(l, end, 0, w->semi);
	return true;
}

/* Appends the items of a list, each escaped, joined by sep (raw bytes); empty items skipped. */
static void
lines_items(struct lines *w, const struct card_list *list, const char *sep)
{
	struct line *l = &w->l;
	size_t start = l->len;

	for (size_t i = 0; i < list->n; i++) {
		size_t before = l->len, item;

		if (l->len > start)
			line_puts(l, sep);
		item = l->len;
		line_text(l, list->items[i], 0, w->semi);
		if (l->len == item)
			l->len = before;
	}
}

/* --- vCard ----------------------------------------------------------------------------- */

static bool
name_letter(uint32_t cp)
{
	return (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') || cp == '-' || cp == '\'' ||
	       cp == '.' || cp == 0x2019 || (cp >= 0xc0 && cp <= 0x24f && cp != 0xd7 && cp != 0xf7);
}

/*
 * Whether a name may be split into given and family name at its one space: exactly two
 * words of Latin letters (with - ' . ’), the shape where "given family" is the usual
 * order. Anything else (one word, three, another script, a comma) is not guessed at.
 */
static bool
name_split(const char *s, size_t *space)
{
	size_t n = strlen(s), spaces = 0;

	*space = 0;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t len = export_utf8_next(s + i, n - i, &cp);

		if (len == 0)
			return false;
		if (cp == ' ') {
			spaces++;
			*space = i;
		} else if (!name_letter(cp)) {
			return false;
		}
		i += len;
	}
	return spaces == 1 && *space > 0 && *space < n - 1;
}

/* The name to show: the card's, else the fingerprint; cleaned, never empty. NULL: ENOMEM. */
static char *
display_name(const struct contact *c)
{
	char *name = export_clean_dup(c->f.text[CARD_NAME], 0);

	if (name != NULL && *name == '\0') {
		free(name);
		name = export_clean_dup(c->fpr, 0);
	}
	if (name != NULL && *name == '\0') {
		free(name);
		name = strdup("?");
	}
	return name;
}

/* FN, and N: family;given;additional;prefixes;suffixes (docs/export.md, "N"). */
static void
vcard_names(struct lines *w, const struct contact *c)
{
	char *name = display_name(c);
	const char *family = "";
	size_t space;

	if (name == NULL) {
		w->l.err = w->l.err < 0 ? w->l.err : -ENOMEM;
		return;
	}
	lines_text(w, "FN", name, 0);
	lines_name(w, "N");
	if (name_split(name, &space)) {
		name[space] = '\0';
		family = name + space + 1;
	}
	line_text(&w->l, family, 0, true);
	line_add(&w->l, ";", 1);
	line_text(&w->l, name, 0, true);
	line_puts(&w->l, ";;;");
	lines_end(w, 0);
	free(name);
}

static void
vcard_uid(struct lines *w, const struct contact *c)
{
	char hex[KEY_HEX_LEN + 1];

	crypt_hex(hex, c->key, sizeof(c->key));
	lines_name(w, "UID");
	line_puts(&w->l, "wallflower:");
	lines_raw(w, hex);
}

static void
vcard_list(struct lines *w, const char *name, const struct contact *c, enum card_field f)
{
	const struct card_list *l = card_fields_list_const(&c->f, f);

	for (size_t i = 0; i < l->n; i++)
		lines_text(w, name, l->items[i], 0);
}

static void
vcard_urls(struct lines *w, const struct contact *c)
{
	const struct card_list *l = card_fields_list_const(&c->f, CARD_URL);

	for (size_t i = 0; i < l->n; i++) {
		size_t at = lines_name(w, "URL");

		line_uri(&w->l, l->items[i]);
		lines_end(w, at);
	}
}

/* ORG is compound (organisation;unit...): a ';' in the name is always escaped. */
static void
vcard_org(struct lines *w, const struct contact *c)
{
	size_t at;

	if (c->f.text[CARD_ORG] == NULL)
		return;
	at = lines_name(w, "ORG");
	line_text(&w->l, c->f.text[CARD_ORG], 0, true);
	lines_end(w, at);
}

static void
vcard_categories(struct lines *w, const struct contact *c)
{
	size_t at = lines_name(w, "CATEGORIES");

	lines_items(w, card_fields_list_const(&c->f, CARD_TOPICS), ",");
	lines_end(w, at);
}

static void
note_meeting(struct lines *w, size_t at, const struct contact_meeting *m)
{
	char date[STAMP_LEN], tail[STAMP_LEN + 8];

	stamp(m->at, STAMP_DATE, date);
	snprintf(tail, sizeof(tail), " on %s.", date);
	if (!lines_para(w, at, "Met at ", m->event, tail))
		lines_para(w, at, "Met on ", date, ".");
}

static void
note_list(struct lines *w, size_t at, const char *label, const struct card_list *list)
{
	struct line *l = &w->l;
	size_t mark = l->len, val;

	if (l->len > at)
		line_add(l, "\\n", 2);
	line_text(l, label, 0, w->semi);
	val = l->len;
	lines_items(w, list, "\\, ");
	if (l->len == val)
		l->len = mark;
}

/*
 * NOTE: where and when you met, who introduced you, the card fields vCard has no property
 * for, then after a blank line the card's own note. The user's private notes stay out: a
 * vCard is the format people forward (docs/export.md).
 */
static void
vcard_note(struct lines *w, const struct contact *c)
{
	struct line *l = &w->l;
	size_t at = lines_name(w, "NOTE"), mark, val;

	for (size_t i = 0; i < c->n_met; i++)
		note_meeting(w, at, &c->met[i]);
	lines_para(w, at, "Introduced by ", c->introduced_by, ".");
	if (c->in_person != 0) {
		char date[STAMP_LEN];

		lines_para(w, at, "Verified in person on ", stamp(c->in_person, STAMP_DATE, date),
		           ".");
	}
	lines_para(w, at, "Pronouns: ", c->f.text[CARD_PRONOUNS], "");
	lines_para(w, at, "Location: ", c->f.text[CARD_LOCATION], "");
	note_list(w, at, "Offers: ", card_fields_list_const(&c->f, CARD_OFFERS));
	note_list(w, at, "Seeks: ", card_fields_list_const(&c->f, CARD_SEEKS));
	if (c->f.text[CARD_NOTE] != NULL) {
		mark = l->len;
		if (l->len > at)
			line_add(l, "\\n\\n", 4);
		val = l->len;
		line_text(l, c->f.text[CARD_NOTE], field_clean(CARD_NOTE), w->semi);
		if (l->len == val)
			l->len = mark;
	}
	lines_end(w, at);
}

static void
vcard_contact(struct lines *w, const struct contact *c, bool v4, uint64_t now)
{
	lines_raw(w, "BEGIN:VCARD");
	lines_raw(w, v4 ? "VERSION:4.0" : "VERSION:3.0");
	lines_raw(w, "PRODID:" EXPORT_PRODID);
	vcard_uid(w, c);
	vcard_names(w, c);
	vcard_list(w, "EMAIL", c, CARD_EMAIL);
	vcard_list(w, "TEL", c, CARD_PHONE);
	vcard_urls(w, c);
	vcard_org(w, c);
	lines_text(w, "TITLE", c->f.text[CARD_TITLE], 0);
	vcard_categories(w, c);
	vcard_note(w, c);
	lines_text(w, "X-WALLFLOWER-FINGERPRINT", c->fpr, 0);
	if (c->in_person != 0)
		lines_stamp(w, "X-WALLFLOWER-VERIFIED-IN-PERSON", c->in_person, STAMP_DATE);
	lines_stamp(w, "REV", now, STAMP_UTC_BASIC);
	lines_raw(w, "END:VCARD");
}

/* An unverified contact's vCard goes out as it came, byte for byte, whatever the version:
 * it is theirs, not ours to rewrite (docs/export.md). */
static void
vcard_verbatim(struct lines *w, const struct contact *c)
{
	if (fwrite(c->vcard, 1, c->vcard_len, w->out) != c->vcard_len)
		w->l.err = -EIO;
	/* A file that ended without a line break still ends its vCard with one. */
	if (w->l.err == 0 && c->vcard[c->vcard_len - 1] != '\n' && fputs("\r\n", w->out) == EOF)
		w->l.err = -EIO;
}

static int
vcard_write(const struct export_data *d, FILE *out, bool v4)
{
	struct lines w = { .out = out, .semi = !v4 };

	for (size_t i = 0; i < d->n_contacts && w.l.err == 0; i++)
		if (contact_unverified(&d->contacts[i]))
			vcard_verbatim(&w, &d->contacts[i]);
		else
			vcard_contact(&w, &d->contacts[i], v4, d->now);
	free(w.l.p);
	return w.l.err;
}

/* --- vCard for a QR code ---------------------------------------------------------------- */

/* A property of export_vcard_qr: one item of a list field, or a text field (item 0). */
static void
qr_property(struct lines *w, const struct contact *c, enum card_field f, size_t item)
{
	const struct card_list *l;
	size_t at;

	if (f == CARD_NAME) {
		vcard_names(w, c);
	} else if (f == CARD_ORG) {
		vcard_org(w, c);
	} else if (f == CARD_TITLE) {
		lines_text(w, "TITLE", c->f.text[CARD_TITLE], 0);
	} else if (f == CARD_URL) {
		l = card_fields_list_const(&c->f, f);
		at = lines_name(w, "URL");
		line_uri(&w->l, l->items[item]);
		lines_end(w, at);
	} else {
		l = card_fields_list_const(&c->f, f);
		lines_text(w, f == CARD_EMAIL ? "EMAIL" : "TEL", l->items[item], 0);
	}
}

/* Appends one property to the vCard in *v when it fits within max. */
static int
qr_add(struct line *v, size_t max, const struct contact *c, enum card_field f, size_t item,
       unsigned *left_out)
{
	struct lines w = { 0 };
	char *buf = NULL;
	size_t n = 0;
	int e = 0;

	if ((w.out = open_memstream(&buf, &n)) == NULL)
		return -ENOMEM;
	w.semi = true;
	qr_property(&w, c, f, item);
	if (fclose(w.out) != 0 || w.l.err < 0)
		e = w.l.err < 0 ? w.l.err : -ENOMEM;
	else if (v->len + n + sizeof("END:VCARD\r\n") - 1 <= max)
		line_add(v, buf, n);
	else
		*left_out |= 1u << f;
	free(w.l.p);
	free(buf);
	return e < 0 ? e : v->err;
}

int
export_vcard_qr(const struct card_fields *f, size_t max, char **out, size_t *len,
                unsigned *left_out)
{
	static const enum card_field order[] = { CARD_EMAIL, CARD_PHONE, CARD_ORG, CARD_TITLE,
		                                 CARD_URL };
	static const enum card_field more[] = { CARD_EMAIL, CARD_PHONE, CARD_URL };
	struct contact c;
	struct line v = { 0 };
	unsigned names = 0;
	int e;

	*out = NULL;
	*len = 0;
	*left_out = 0;
	memset(&c, 0, sizeof(c));
	c.f = *f; /* borrowed: never freed here */
	line_puts(&v, "BEGIN:VCARD\r\nVERSION:3.0\r\n");
	if ((e = qr_add(&v, max, &c, CARD_NAME, 0, &names)) < 0 || names != 0) {
		e = e < 0 ? e : -EMSGSIZE;
		goto out;
	}
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]) && e == 0; i++) {
		const struct card_list *l =
		        order[i] >= CARD_EMAIL ? card_fields_list_const(f, order[i]) : NULL;

		if (l != NULL ? l->n > 0 : f->text[order[i]] != NULL)
			e = qr_add(&v, max, &c, order[i], 0, left_out);
	}
	for (size_t i = 0; i < sizeof(more) / sizeof(more[0]) && e == 0; i++)
		for (size_t k = 1; k < card_fields_list_const(f, more[i])->n && e == 0; k++)
			e = qr_add(&v, max, &c, more[i], k, left_out);
	line_add(&v, "END:VCARD\r\n\0", 12);
	if ((e = e < 0 ? e : v.err) == 0) {
		*out = v.p;
		*len = v.len - 1;
		v.p = NULL;
	}
out:
	free(v.p);
	return e;
}

/* --- iCalendar ------------------------------------------------------------------------- */

/* The UID: the follow-up's number, and the owner's fingerprint (dashes dropped) when known,
 * so that two people's stores, or a store made again, never share a UID in a calendar. */
static void
ics_uid(char *buf, size_t size, const struct followup *f, const char *owner)
{
	size_t n = (size_t)snprintf(buf, size, "UID:followup-%" PRId64, f->id);

	if (owner != NULL && n < size) {
		buf[n++] = '.';
		for (const char *p = owner; *p != '\0' && n + 1 < size; p++)
			if ((*p >= 'a' && *p <= 'z') || (*p >= '2' && *p <= '7'))
				buf[n++] = *p;
		buf[n] = '\0';
	}
	snprintf(buf + strlen(buf), size - strlen(buf), "@wallflower");
}

static void
ics_todo(struct lines *w, const struct followup *f, uint64_t now, const char *owner)
{
	char buf[96];
	size_t at;

	lines_raw(w, "BEGIN:VTODO");
	ics_uid(buf, sizeof(buf), f, owner);
	lines_raw(w, buf);
	lines_stamp(w, "DTSTAMP", now, STAMP_UTC_BASIC);
	lines_stamp(w, "CREATED", f->created, STAMP_UTC_BASIC);
	lines_stamp(w, "DUE;VALUE=DATE", f->due, STAMP_DATE_BASIC);
	lines_text(w, "SUMMARY", f->text, EXPORT_KEEP_LF);
	at = lines_name(w, "DESCRIPTION");
	lines_para(w, at, "Follow up with ", f->who, ".");
	lines_para(w, at, "Fingerprint: ", f->fpr, "");
	lines_end(w, at);
	lines_raw(w, f->done ? "STATUS:COMPLETED" : "STATUS:NEEDS-ACTION");
	lines_raw(w, "END:VTODO");
}

static int
ics_write(const struct export_data *d, FILE *out)
{
	struct lines w = { .out = out, .semi = true };

	lines_raw(&w, "BEGIN:VCALENDAR");
	lines_raw(&w, "VERSION:2.0");
	lines_raw(&w, "PRODID:" EXPORT_PRODID);
	lines_raw(&w, "CALSCALE:GREGORIAN");
	for (size_t i = 0; i < d->n_followups && w.l.err == 0; i++)
		ics_todo(&w, &d->followups[i], d->now, d->owner);
	lines_raw(&w, "END:VCALENDAR");
	free(w.l.p);
	return w.l.err;
}

/* --- CSV ------------------------------------------------------------------------------- */

struct csv {
	FILE *out;
	struct line cell;
	bool first; /* the next cell starts a row */
};

/*
 * Writes the cell buffer as one field (RFC 4180: quoted when it holds a comma, quote, CR or
 * LF, inner quotes doubled) and empties it. A cell that a spreadsheet could read as a
 * formula gets a leading apostrophe, which spreadsheets show as text and do not run.
 */
static void
csv_put(struct csv *c)
{
	const char *p = c->cell.p;
	size_t n = c->cell.len;
	bool quote = false;

	for (size_t i = 0; i < n; i++)
		quote = quote || p[i] == ',' || p[i] == '"' || p[i] == '\r' || p[i] == '\n';
	if (!c->first)
		fputc(',', c->out);
	c->first = false;
	if (quote)
		fputc('"', c->out);
	if (n > 0 && memchr(CSV_FORMULA, p[0], sizeof(CSV_FORMULA) - 1) != NULL)
		fputc('\'', c->out);
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '"')
			fputc('"', c->out);
		fputc(p[i], c->out);
	}
	if (quote)
		fputc('"', c->out);
	c->cell.len = 0;
}

static void
csv_add(struct csv *c, const char *s, unsigned clean)
{
	char *x = line_clean(&c->cell, s, clean);

	if (x != NULL)
		line_puts(&c->cell, x);
	free(x);
}

static void
csv_text(struct csv *c, const char *s, unsigned clean)
{
	if (s != NULL)
		csv_add(c, s, clean);
	csv_put(c);
}

/* Adds s to the cell after sep when the cell is not empty; nothing when s cleans away. */
static void
csv_join(struct csv *c, const char *sep, const char *s, unsigned clean)
{
	size_t before = c->cell.len, item;

	if (c->cell.len > 0)
		line_puts(&c->cell, sep);
	item = c->cell.len;
	csv_add(c, s, clean);
	if (c->cell.len == item)
		c->cell.len = before;
}

static void
csv_list(struct csv *c, const struct card_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		csv_join(c, "; ", l->items[i], 0);
	csv_put(c);
}

static void
csv_met(struct csv *c, const struct contact *ct)
{
	char date[STAMP_LEN], *event;

	for (size_t i = 0; i < ct->n_met && c->cell.err == 0; i++) {
		stamp(ct->met[i].at, STAMP_DATE, date);
		if ((event = line_clean(&c->cell, ct->met[i].event, 0)) == NULL)
			break;
		if (c->cell.len > 0)
			line_puts(&c->cell, "; ");
		if (*event != '\0') {
			line_puts(&c->cell, event);
			line_puts(&c->cell, " (");
			line_puts(&c->cell, date);
			line_puts(&c->cell, ")");
		} else {
			line_puts(&c->cell, date);
		}
		free(event);
	}
	csv_put(c);
}

static void
csv_notes(struct csv *c, const struct contact *ct)
{
	char date[STAMP_LEN], *text;

	for (size_t i = 0; i < ct->n_notes && c->cell.err == 0; i++) {
		if ((text = line_clean(&c->cell, ct->notes[i].text, EXPORT_KEEP_LF)) == NULL)
			break;
		if (*text != '\0') {
			if (c->cell.len > 0)
				line_puts(&c->cell, "\n");
			line_puts(&c->cell, stamp(ct->notes[i].at, STAMP_DATE, date));
			line_puts(&c->cell, ": ");
			line_puts(&c->cell, text);
		}
		free(text);
	}
	csv_put(c);
}

static void
csv_row_end(struct csv *c)
{
	fputs("\r\n", c->out);
	c->first = true;
}

static void
csv_header(struct csv *c)
{
	static const char *const tail[] = { "fingerprint", "key",           "rev",
		                            "added",       "introduced_by", "met",
		                            "notes",       "verified",      "in_person" };

	for (int f = 0; f < CARD_FIELD_COUNT; f++)
		csv_text(c, card_field_info((enum card_field)f)->name, 0);
	for (size_t i = 0; i < sizeof(tail) / sizeof(tail[0]); i++)
		csv_text(c, tail[i], 0);
	csv_row_end(c);
}

static void
csv_contact(struct csv *c, const struct contact *ct)
{
	char hex[KEY_HEX_LEN + 1], buf[STAMP_LEN];

	for (int i = 0; i < CARD_FIELD_COUNT; i++) {
		enum card_field f = (enum card_field)i;

		if (f < CARD_TEXT_COUNT)
			csv_text(c, ct->f.text[f], field_clean(f));
		else
			csv_list(c, card_fields_list_const(&ct->f, f));
	}
	csv_text(c, ct->fpr, 0);
	crypt_hex(hex, ct->key, sizeof(ct->key));
	csv_text(c, hex, 0);
	snprintf(buf, sizeof(buf), "%" PRIu64, ct->rev);
	csv_text(c, buf, 0);
	csv_text(c, stamp(ct->added, STAMP_DATE, buf), 0);
	csv_text(c, ct->introduced_by, 0);
	csv_met(c, ct);
	csv_notes(c, ct);
	csv_text(c, contact_unverified(ct) ? "no" : "yes", 0);
	csv_text(c, ct->in_person != 0 ? stamp(ct->in_person, STAMP_DATE, buf) : NULL, 0);
	csv_row_end(c);
}

static int
csv_write(const struct export_data *d, FILE *out)
{
	struct csv c = { .out = out, .first = true };

	csv_header(&c);
	for (size_t i = 0; i < d->n_contacts && c.cell.err == 0; i++)
		csv_contact(&c, &d->contacts[i]);
	free(c.cell.p);
	return c.cell.err;
}

/* --- JSON ------------------------------------------------------------------------------ */

/* A cleaned JSON string, or JSON null for NULL. NULL only when out of memory. */
static json_t *
jtext(const char *s, unsigned clean)
{
	json_t *j;
	char *c;

	if (s == NULL)
		return json_null();
	if ((c = export_clean_dup(s, clean)) == NULL)
		return NULL;
	j = json_string(c);
	free(c);
	return j;
}

/* Unix seconds and counters: beyond what JSON readers hold exactly, the largest int64. */
static json_int_t
jint(uint64_t v)
{
	return v > INT64_MAX ? (json_int_t)INT64_MAX : (json_int_t)v;
}

/* A list; items that clean to nothing are left out, as in the other formats. */
static json_t *
jlist(const struct card_list *l)
{
	json_t *a = json_array();
	char *c;

	for (size_t i = 0; i < l->n && a != NULL; i++) {
		if ((c = export_clean_dup(l->items[i], 0)) == NULL ||
		    (*c != '\0' && json_array_append_new(a, json_string(c)) < 0)) {
			json_decref(a);
			a = NULL;
		}
		free(c);
	}
	return a;
}

static json_t *
jmet(const struct contact *c)
{
	json_t *a = json_array();

	for (size_t i = 0; i < c->n_met && a != NULL; i++) {
		if (json_array_append_new(a, json_pack("{s:o, s:I}", "event",
		                                       jtext(c->met[i].event, 0), "at",
		                                       jint(c->met[i].at))) < 0) {
			json_decref(a);
			a = NULL;
		}
	}
	return a;
}

static json_t *
jnotes(const struct contact *c)
{
	json_t *a = json_array();

	for (size_t i = 0; i < c->n_notes && a != NULL; i++) {
		if (json_array_append_new(a, json_pack("{s:I, s:o, s:I}", "id",
		                                       (json_int_t)c->notes[i].id, "text",
		                                       jtext(c->notes[i].text, EXPORT_KEEP_LF),
		                                       "at", jint(c->notes[i].at))) < 0) {
			json_decref(a);
			a = NULL;
		}
	}
	return a;
}

/*
 * Card fields under their card payload names (proto/card.md), as `card verify --json`
 * shows them: absent fields and empty lists are left out, fwd only when the card says.
 */
static json_t *
jfields(const struct card_fields *f)
{
	json_t *o = json_object(), *v;
	int r = o == NULL ? -1 : 0;

	for (int i = 0; i < CARD_FIELD_COUNT && r == 0; i++) {
		enum card_field k = (enum card_field)i;

		if (k < CARD_TEXT_COUNT) {
			if (f->text[k] == NULL)
				continue;
			v = jtext(f->text[k], field_clean(k));
		} else {
			if ((v = jlist(card_fields_list_const(f, k))) != NULL &&
			    json_array_size(v) == 0) {
				json_decref(v);
				continue;
			}
		}
		r = json_object_set_new(o, card_field_info(k)->name, v);
	}
	if (r == 0 && f->fwd >= 0)
		r = json_object_set_new(o, "fwd", json_boolean(f->fwd > 0));
	if (r < 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* The follow-ups of fu[0..n) that are about c, in their order. */
static json_t *
jfollowups(const struct contact *c, const struct followup *fu, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n && a != NULL; i++) {
		if (fu[i].contact_id != c->id)
			continue;
		if (json_array_append_new(
		            a, json_pack("{s:I, s:o, s:I, s:I, s:b}", "id", (json_int_t)fu[i].id,
		                         "text", jtext(fu[i].text, EXPORT_KEEP_LF), "due",
		                         jint(fu[i].due), "created", jint(fu[i].created), "done",
		                         fu[i].done)) < 0) {
			json_decref(a);
			a = NULL;
		}
	}
	return a;
}

struct json_t *
export_contact_json(const struct contact *c, const struct followup *fu, size_t n_fu)
{
	char hex[KEY_HEX_LEN + 1];

	crypt_hex(hex, c->key, sizeof(c->key));
	/* "o" steals every value, even when json_pack fails or one of them is NULL. */
	return json_pack("{s:o, s:s, s:I, s:I, s:o, s:o, s:o, s:o, s:o, s:b, s:o}", "fingerprint",
	                 jtext(c->fpr, 0), "key", hex, "rev", jint(c->rev), "added", jint(c->added),
	                 "introduced_by", jtext(c->introduced_by, 0), "fields", jfields(&c->f),
	                 "met", jmet(c), "notes", jnotes(c), "followups", jfollowups(c, fu, n_fu),
	                 "verified", !contact_unverified(c), "in_person",
	                 c->in_person != 0 ? json_integer(jint(c->in_person)) : json_null());
}

/*
 * The export is a JSON document like every --json output (docs/json.md): "schema" first,
 * then what it is, when it was made, and the contacts, each with its follow-ups.
 */
static int
json_write(const struct export_data *d, FILE *out)
{
	json_t *contacts = json_array(), *root;
	int r = 0;

	for (size_t i = 0; i < d->n_contacts && contacts != NULL && r == 0; i++)
		r = json_array_append_new(
		        contacts,
		        export_contact_json(&d->contacts[i], d->followups, d->n_followups));
	if (r < 0 || contacts == NULL) {
		json_decref(contacts);
		return -ENOMEM;
	}
	/* "o" steals the array, even when json_pack fails (jansson >= 2.11). */
	root = json_pack("{s:i, s:s, s:I, s:o}", "schema", EXPORT_JSON_SCHEMA, "format",
	                 "wallflower-export", "exported", jint(d->now), "contacts", contacts);
	if (root == NULL)
		return -ENOMEM;
	r = json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0 ? -EIO : 0;
	json_decref(root);
	if (fputc('\n', out) == EOF)
		r = -EIO;
	return r;
}

/* --- Graph names (shared by DOT, GraphML and GEXF through export_xml.h) ----------------- */

const char *
export_kind_name(enum graph_kind kind)
{
	const char *s = (unsigned)kind < GRAPH_KIND_COUNT ? graph_kind_name(kind) : NULL;

	return s != NULL ? s : "unknown";
}

const char *
export_edge_kind_name(enum graph_edge_kind kind)
{
	const char *s = (unsigned)kind < GRAPH_EDGE_KIND_COUNT ? graph_edge_kind_name(kind) : NULL;

	return s != NULL ? s : "unknown";
}

/* --- DOT ------------------------------------------------------------------------------- */

static const char *const dot_shapes[GRAPH_KIND_COUNT] = {
	[GRAPH_ME] = "doublecircle", [GRAPH_PERSON] = "ellipse", [GRAPH_EVENT] = "box",
	[GRAPH_TOPIC] = "note",      [GRAPH_ORG] = "house",
};

/* A DOT quoted string: cleaned (no controls, no line feeds), '"' and '\' escaped, so that
 * neither ends the string early nor makes a Graphviz escape such as \N or \G. */
static int
dot_string(FILE *out, const char *s)
{
	char *c = export_clean_dup(s, 0);

	if (c == NULL)
		return -ENOMEM;
	fputc('"', out);
	for (const char *p = c; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			fputc('\\', out);
		fputc(*p, out);
	}
	fputc('"', out);
	free(c);
	return 0;
}

static int
dot_node(FILE *out, const struct graph_node *n, size_t i)
{
	bool known = (unsigned)n->kind < GRAPH_KIND_COUNT;
	int r;

	fprintf(out, "\tn%zu [label=", i);
	if ((r = dot_string(out, n->label)) < 0)
		return r;
	fprintf(out, ", shape=%s];\n", known ? dot_shapes[n->kind] : "ellipse");
	return 0;
}

static int
dot_write(const struct export_data *d, FILE *out)
{
	const struct graph *g = d->graph;
	size_t nn = g != NULL ? g->n_nodes : 0, ne = g != NULL ? g->n_edges : 0;
	int r = 0;

	fputs("digraph wallflower {\n\tnode [fontname=\"sans-serif\"];\n", out);
	for (size_t i = 0; i < nn && r == 0; i++)
		r = dot_node(out, &g->nodes[i], i);
	for (size_t i = 0; i < ne && r == 0; i++) {
		const struct graph_edge *e = &g->edges[i];
		const char *kind = export_edge_kind_name(e->kind);

		if (e->from >= nn || e->to >= nn)
			continue; /* not an edge of this graph: nothing to draw it to */
		fprintf(out, "\tn%" PRIu32 " -> n%" PRIu32 " [label=", e->from, e->to);
		r = dot_string(out, kind);
		fputs("];\n", out);
	}
	fputs("}\n", out);
	return r;
}

/* --- Dispatch -------------------------------------------------------------------------- */

int
export_write(enum export_format fmt, const struct export_data *d, FILE *out)
{
	int r;

	assert(d != NULL && out != NULL);
	assert(d->n_contacts == 0 || d->contacts != NULL);
	assert(d->n_followups == 0 || d->followups != NULL);
	switch (fmt) {
	case EXPORT_VCARD:
	case EXPORT_VCARD4:
		r = vcard_write(d, out, fmt == EXPORT_VCARD4);
		break;
	case EXPORT_CSV:
		r = csv_write(d, out);
		break;
	case EXPORT_JSON:
		r = json_write(d, out);
		break;
	case EXPORT_GRAPHML:
		r = export_graphml(d, out);
		break;
	case EXPORT_GEXF:
		r = export_gexf(d, out);
		break;
	case EXPORT_DOT:
		r = dot_write(d, out);
		break;
	case EXPORT_ICS:
		r = ics_write(d, out);
		break;
	default:
		assert(!"unknown export format");
		return -EINVAL;
	}
	/* Every writer leaves stdio's sticky error flag to be checked here, once. */
	if (fflush(out) != 0 || ferror(out))
		r = r < 0 ? r : -EIO;
	return r;
}
