/*
 * vcard.c: the one reader of vCards from outside (vcard.h). The input is a file someone
 * handed the user, trusted for nothing: every count is capped before anything is kept, every
 * line is checked for length, control bytes and UTF-8 before it is looked at, and every value
 * mapped to a card field passes the card's own text rules (card_text_check), so that an
 * unverified contact never holds text a card could not. A vCard is parsed in one pass over
 * its unfolded lines; the bytes of each are kept as they came, for export.
 *
 * It must never interpret a property it does not map (PHOTO, ADR, X-*: skipped whole),
 * decode quoted-printable or another charset (refused: docs/export.md), or accept a file
 * of which only part could be read.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "wallflower/text.h"
#include "wallflower/vcard.h"

#define NAME_MAX_ 64 /* a property or parameter name, bytes */

static const char *const fault_texts[VCARD_FAULT_COUNT] = {
	[VCARD_OK] = "ok",
	[VCARD_NONE] = "not a vCard (no BEGIN:VCARD)",
	[VCARD_FILE_TOO_BIG] = "file too big for vCards (at most 8 MiB)",
	[VCARD_TOO_BIG] = "vCard too big (at most 256 KiB; a large PHOTO?)",
	[VCARD_TOO_MANY] = "too many vCards in one file (at most 10000)",
	[VCARD_LINE_TOO_LONG] = "line too long (at most 8192 bytes)",
	[VCARD_TOO_MANY_PROPS] = "too many properties in one vCard (at most 512)",
	[VCARD_BINARY] = "control character or binary data: not a text vCard",
	[VCARD_BAD_UTF8] = "not valid UTF-8 (only UTF-8 vCards are read)",
	[VCARD_SYNTAX] = "not a vCard line (NAME[;PARAMS]:VALUE)",
	[VCARD_NESTED] = "a vCard inside a vCard",
	[VCARD_UNFINISHED] = "no END:VCARD",
	[VCARD_VERSION] = "not a vCard 3.0 or 4.0 (VERSION missing or other; vCard 2.1 is "
	                  "not read: export as 3.0 or 4.0)",
	[VCARD_CHARSET] = "a CHARSET other than UTF-8 (only UTF-8 vCards are read)",
	[VCARD_ENCODING] = "QUOTED-PRINTABLE or encoded text is not read (export as vCard 3.0 "
	                   "or 4.0)",
	[VCARD_NO_NAME] = "no name (neither FN nor N)",
	[VCARD_UID] = "UID empty, too long (at most 256 bytes) or not one line of text",
	[VCARD_FIELD] = "a field breaks the card rules",
};

static int
fail(struct vcard_error *err, enum vcard_fault fault, size_t line, const char *prop)
{
	if (err != NULL) {
		err->fault = fault;
		err->line = line;
		size_t n = prop != NULL ? strnlen(prop, sizeof(err->prop) - 1) : 0;

		/* A long name is cut: it only points the person at the line. */
		memcpy(err->prop, prop != NULL ? prop : "", n);
		err->prop[n] = '\0';
	}
	return -EBADMSG;
}

void
vcard_clear(struct vcard *v)
{
	if (v == NULL)
		return;
	card_fields_clear(&v->f);
	free(v->uid);
	free(v->raw);
	memset(v, 0, sizeof(*v));
	card_fields_init(&v->f);
}

void
vcard_free_all(struct vcard *v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		vcard_clear(&v[i]);
	free(v);
}

/* ---- physical lines ---- */

/* The physical line at pos: its length without CR LF (or LF) in *n, the next one's start in
 * *next. */
static void
line_at(const uint8_t *buf, size_t len, size_t pos, size_t *n, size_t *next)
{
	const uint8_t *lf = memchr(buf + pos, '\n', len - pos);
	size_t end = lf != NULL ? (size_t)(lf - buf) : len;

	*next = lf != NULL ? end + 1 : len;
	if (end > pos && buf[end - 1] == '\r')
		end--;
	*n = end - pos;
}

static bool
line_is(const uint8_t *s, size_t n, const char *what)
{
	return n == strlen(what) && strncasecmp((const char *)s, what, n) == 0;
}

static bool
line_blank(const uint8_t *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return false;
	return true;
}

/* Length, control bytes (TAB is allowed: it folds) and UTF-8 of one physical line. */
static enum vcard_fault
line_check(const uint8_t *s, size_t n)
{
	if (n > VCARD_LINE_MAX)
		return VCARD_LINE_TOO_LONG;
	for (size_t i = 0; i < n; i++)
		if ((s[i] < 0x20 && s[i] != '\t') || s[i] == 0x7f || (s[i] == '\r'))
			return VCARD_BINARY;
	/* Ill-formed UTF-8 is the verdict text_check gives first, wherever it sits. */
	return text_check((const char *)s, n, 0) == TEXT_BAD_UTF8 ? VCARD_BAD_UTF8 : VCARD_OK;
}

bool
vcard_sniff(const uint8_t *buf, size_t len)
{
	size_t pos = 0, n, next;

	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		pos = 3;
	while (pos < len) {
		line_at(buf, len, pos, &n, &next);
		if (!line_blank(buf + pos, n))
			return line_is(buf + pos, n, "BEGIN:VCARD");
		pos = next;
	}
	return false;
}

/* ---- one property ---- */

struct prop {
	char name[NAME_MAX_ + 1]; /* upper case, group removed */
	bool encoded;             /* ENCODING=b or BASE64 */
	const char *value;        /* into the logical line, NUL-terminated */
};

static bool
name_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-';
}

/* A run of name characters at *p: its length, 0 when there is none or it is too long. */
static size_t
read_name(const char **p)
{
	size_t n = 0;

	while (name_char((*p)[n]))
		n++;
	*p += n;
	return n <= NAME_MAX_ ? n : 0;
}

static bool
value_is(const char *v, size_t n, const char *what)
{
	return n == strlen(what) && strncasecmp(v, what, n) == 0;
}

/* What one parameter value means to us; -1 (the fault in *fault) to refuse. */
static int
param_value(struct prop *pr, const char *pn, size_t pnl, const char *v, size_t vn,
            enum vcard_fault *fault)
{
	if (value_is(pn, pnl, "CHARSET") && !value_is(v, vn, "UTF-8")) {
		*fault = VCARD_CHARSET;
		return -1;
	}
	if ((value_is(pn, pnl, "ENCODING") && value_is(v, vn, "QUOTED-PRINTABLE")) ||
	    value_is(pn, pnl, "QUOTED-PRINTABLE")) {
		*fault = VCARD_ENCODING;
		return -1;
	}
	if ((value_is(pn, pnl, "ENCODING") &&
	     (value_is(v, vn, "b") || value_is(v, vn, "BASE64"))) ||
	    value_is(pn, pnl, "BASE64"))
		pr->encoded = true;
	return 0;
}

/* One parameter after its ';': NAME[=VALUE[,VALUE]...], a value quoted or not. */
static int
read_param(struct prop *pr, const char **p, enum vcard_fault *fault)
{
	const char *pn = *p, *v;
	size_t pnl = read_name(p);

	*fault = VCARD_SYNTAX;
	if (pnl == 0)
		return -1;
	if (**p != '=') /* vCard 2.1's bare TYPE (TEL;CELL): the name alone */
		return param_value(pr, pn, pnl, pn, pnl, fault);
	do {
		(*p)++;
		if (**p == '"') {
			v = ++*p;
			while (**p != '"' && **p != '\0')
				(*p)++;
			if (**p != '"')
				return -1;
			if (param_value(pr, pn, pnl, v, (size_t)(*p - v), fault) < 0)
				return -1;
			(*p)++;
		} else {
			v = *p;
			while (**p != '\0' && strchr(";:,\"", **p) == NULL)
				(*p)++;
			if (param_value(pr, pn, pnl, v, (size_t)(*p - v), fault) < 0)
				return -1;
		}
	} while (**p == ',');
	return 0;
}

/* [group.]NAME *(;param) ":" value */
static int
read_prop(const char *s, struct prop *pr, enum vcard_fault *fault)
{
	const char *p = s, *name = s;
	size_t n = read_name(&p);

	memset(pr, 0, sizeof(*pr));
	*fault = VCARD_SYNTAX;
	if (n > 0 && *p == '.') { /* a group (item1.EMAIL): ignored */
		p++;
		name = p;
		n = read_name(&p);
	}
	if (n == 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		pr->name[i] = (char)(name[i] >= 'a' && name[i] <= 'z' ? name[i] - 32 : name[i]);
	pr->name[n] = '\0';
	while (*p == ';') {
		p++;
		if (read_param(pr, &p, fault) < 0)
			return -1;
	}
	if (*p != ':') {
		*fault = VCARD_SYNTAX;
		return -1;
	}
	pr->value = p + 1;
	return 0;
}

/* ---- values ---- */

/* The end of the component that starts at s: the first sep not escaped, or the NUL. */
static const char *
component_end(const char *s, char sep)
{
	while (*s != '\0' && *s != sep) {
		if (*s == '\\' && s[1] != '\0')
			s++;
		s++;
	}
	return s;
}

/* n bytes at s, unescaped (\n \N \\ \, \; \:; any other backslash is kept), malloc'd. */
static char *
unescape(const char *s, size_t n)
{
	char *out = malloc(n + 1), *o = out;

	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n && strchr("nN\\,;:", s[i + 1]) != NULL) {
			i++;
			*o++ = s[i] == 'n' || s[i] == 'N' ? '\n' : s[i];
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	return out;
}

static bool
blank(const char *s)
{
	return s[strspn(s, " ")] == '\0';
}

/* Where a parse is: the vCard, its error, and the property at hand. */
struct parse {
	struct vcard *v;
	struct vcard_error *err;
	size_t line;
	struct prop pr; /* the property at hand */
	char *n_name;   /* the name N gives, for a vCard without FN */
};

static int
field_fail(struct parse *ps)
{
	return fail(ps->err, VCARD_FIELD, ps->line, ps->pr.name);
}

/* A text field: the first non-blank value wins. */
static int
add_text(struct parse *ps, enum card_field f, const char *s, size_t n)
{
	struct card_error *ce = ps->err != NULL ? &ps->err->card : NULL;
	char *t;

	if (ps->v->f.text[f] != NULL)
		return 0;
	if ((t = unescape(s, n)) == NULL)
		return -ENOMEM;
	if (blank(t)) {
		free(t);
		return 0;
	}
	if (card_text_check(f, t, strlen(t), ce) < 0) {
		free(t);
		return field_fail(ps);
	}
	ps->v->f.text[f] = t;
	return 0;
}

/* A list item: blank ones and repeats are dropped (address books repeat). */
static int
add_item(struct parse *ps, enum card_field f, const char *s, size_t n)
{
	struct card_error *ce = ps->err != NULL ? &ps->err->card : NULL;
	struct card_list *l = card_fields_list(&ps->v->f, f);
	char *t = unescape(s, n), **items;

	if (t == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < l->n && !blank(t); i++)
		if (strcmp(l->items[i], t) == 0)
			t[0] = '\0';
	if (blank(t)) {
		free(t);
		return 0;
	}
	if (card_text_check(f, t, strlen(t), ce) < 0) {
		if (ce != NULL)
			ce->item = l->n + 1;
		free(t);
		return field_fail(ps);
	}
	if ((items = realloc(l->items, (l->n + 1) * sizeof(*items))) == NULL) {
		free(t);
		return -ENOMEM;
	}
	l->items = items;
	l->items[l->n++] = t;
	return 0;
}

/* N: family;given;additional;prefix;suffix, as "prefix given additional family suffix". */
static int
read_n(struct parse *ps, const char *s)
{
	static const int order[] = { 3, 1, 2, 0, 4 };
	const char *part[5] = { 0 }, *end[5] = { 0 };
	size_t len = 0, cap;
	char *name, *t;

	if (ps->n_name != NULL)
		return 0;
	for (int i = 0; i < 5; i++) {
		part[i] = s;
		end[i] = s = component_end(s, ';');
		if (*s == ';')
			s++;
	}
	/* Unescaping never lengthens: the value, four spaces and a NUL hold the name. */
	cap = strlen(part[0]) + 6;
	if ((name = calloc(1, cap)) == NULL)
		return -ENOMEM;
	for (int i = 0; i < 5; i++) {
		if ((t = unescape(part[order[i]], (size_t)(end[order[i]] - part[order[i]]))) ==
		    NULL) {
			free(name);
			return -ENOMEM;
		}
		if (!blank(t))
			len += (size_t)snprintf(name + len, cap - len, "%s%s", len > 0 ? " " : "",
			                        t);
		free(t);
	}
	ps->n_name = name;
	return 0;
}

/* A TEL is text in 3.0 and a tel: URI in 4.0: the number either way. */
static int
read_tel(struct parse *ps, const char *s)
{
	if (strncasecmp(s, "tel:", 4) == 0)
		s += 4;
	return add_item(ps, CARD_PHONE, s, strlen(s));
}

static int
read_categories(struct parse *ps, const char *s)
{
	int r = 0;

	while (r == 0) {
		const char *e = component_end(s, ',');

		r = add_item(ps, CARD_TOPICS, s, (size_t)(e - s));
		if (*e == '\0')
			break;
		s = e + 1;
	}
	return r;
}

static int
read_uid(struct parse *ps, const char *s)
{
	size_t n = strlen(s);

	if (ps->v->uid != NULL)
		return 0;
	if (n == 0 || n > VCARD_UID_MAX || text_check(s, n, 0) != TEXT_OK)
		return fail(ps->err, VCARD_UID, ps->line, "UID");
	return (ps->v->uid = strdup(s)) == NULL ? -ENOMEM : 0;
}

static int
read_version(struct parse *ps, const char *s)
{
	if (ps->v->version != 0)
		return 0;
	if (strcmp(s, "3.0") == 0 || strcmp(s, "4.0") == 0) {
		ps->v->version = s[0] - '0';
		return 0;
	}
	return fail(ps->err, VCARD_VERSION, ps->line, "VERSION");
}

/* One property of the vCard's body. */
static int
read_body_prop(struct parse *ps, const struct prop *pr)
{
	static const char *const text[] = { "FN",  "N",   "ORG",  "TITLE",      "EMAIL",
		                            "TEL", "URL", "NOTE", "CATEGORIES", "UID" };
	const char *v = pr->value;
	bool mapped = false;

	for (size_t i = 0; i < sizeof(text) / sizeof(text[0]); i++)
		mapped |= strcmp(pr->name, text[i]) == 0;
	if (mapped && pr->encoded)
		return fail(ps->err, VCARD_ENCODING, ps->line, pr->name);
	if (strcmp(pr->name, "VERSION") == 0)
		return read_version(ps, v);
	if (strcmp(pr->name, "BEGIN") == 0)
		return fail(ps->err, VCARD_NESTED, ps->line, pr->name);
	if (strcmp(pr->name, "FN") == 0)
		return add_text(ps, CARD_NAME, v, strlen(v));
	if (strcmp(pr->name, "N") == 0)
		return read_n(ps, v);
	if (strcmp(pr->name, "ORG") == 0)
		return add_text(ps, CARD_ORG, v, (size_t)(component_end(v, ';') - v));
	if (strcmp(pr->name, "TITLE") == 0)
		return add_text(ps, CARD_TITLE, v, strlen(v));
	if (strcmp(pr->name, "NOTE") == 0)
		return add_text(ps, CARD_NOTE, v, strlen(v));
	if (strcmp(pr->name, "EMAIL") == 0)
		return add_item(ps, CARD_EMAIL, v, strlen(v));
	if (strcmp(pr->name, "URL") == 0)
		return add_item(ps, CARD_URL, v, strlen(v));
	if (strcmp(pr->name, "TEL") == 0)
		return read_tel(ps, v);
	if (strcmp(pr->name, "CATEGORIES") == 0)
		return read_categories(ps, v);
	if (strcmp(pr->name, "UID") == 0)
		return read_uid(ps, v);
	return 0; /* not ours: kept in raw, never read */
}

/* ---- one vCard ---- */

/* One logical line, starting at physical line `line`: BEGIN first, END last. */
static int
read_logical(struct parse *ps, const char *s, size_t index, bool last)
{
	struct prop *pr = &ps->pr;
	enum vcard_fault fault;

	if (read_prop(s, pr, &fault) < 0)
		return fail(ps->err, fault, ps->line, pr->name);
	if (index == 0)
		return strcmp(pr->name, "BEGIN") == 0 && strcasecmp(pr->value, "VCARD") == 0
		               ? 0
		               : fail(ps->err, VCARD_NONE, ps->line, pr->name);
	if (strcmp(pr->name, "END") == 0)
		return last && strcasecmp(pr->value, "VCARD") == 0
		               ? 0
		               : fail(ps->err, VCARD_SYNTAX, ps->line, pr->name);
	if (last)
		return fail(ps->err, VCARD_UNFINISHED, ps->line, pr->name);
	return read_body_prop(ps, pr);
}

/* What a whole vCard needs: a version and a name, and fields a card could hold. */
static int
finish(struct parse *ps)
{
	struct card_error *ce = ps->err != NULL ? &ps->err->card : NULL;
	int r;

	ps->pr.name[0] = '\0';
	ps->line = ps->v->line;
	if (ps->v->version == 0)
		return fail(ps->err, VCARD_VERSION, ps->line, "VERSION");
	if (ps->v->f.text[CARD_NAME] == NULL && ps->n_name != NULL && !blank(ps->n_name)) {
		if (card_text_check(CARD_NAME, ps->n_name, strlen(ps->n_name), ce) < 0)
			return fail(ps->err, VCARD_FIELD, ps->line, "N");
		ps->v->f.text[CARD_NAME] = ps->n_name;
		ps->n_name = NULL;
	}
	if (ps->v->f.text[CARD_NAME] == NULL)
		return fail(ps->err, VCARD_NO_NAME, ps->line, "FN");
	if (card_fields_check(&ps->v->f, ce) < 0)
		return field_fail(ps);
	if ((r = card_fields_fit(&ps->v->f)) == -EMSGSIZE) {
		if (ce != NULL)
			*ce = (struct card_error){ .fault = CARD_TOO_BIG };
		return field_fail(ps);
	}
	return r;
}

/* Unfolds and reads every line of buf, one vCard whose first line is `line`. */
static int
parse_lines(struct parse *ps, const uint8_t *buf, size_t len, char *logical)
{
	size_t pos = 0, n, next, ln = ps->v->line, count = 0, at = 0, start = 0;
	enum vcard_fault fault;
	int r = 0;

	while (pos < len && r == 0) {
		line_at(buf, len, pos, &n, &next);
		if ((fault = line_check(buf + pos, n)) != VCARD_OK)
			return fail(ps->err, fault, ln, "");
		if (n > 0 && (buf[pos] == ' ' || buf[pos] == '\t') && at > 0) {
			memcpy(logical + at, buf + pos + 1, n - 1); /* a folded line goes on */
			at += n - 1;
		} else if (n > 0) {
			if (at > 0) {
				logical[at] = '\0';
				ps->line = start;
				if (count++ >= VCARD_PROPS_MAX)
					return fail(ps->err, VCARD_TOO_MANY_PROPS, start, "");
				r = read_logical(ps, logical, count - 1, false);
			}
			memcpy(logical, buf + pos, n);
			at = n;
			start = ln;
		} else {
			return fail(ps->err, VCARD_SYNTAX, ln, ""); /* an empty line inside */
		}
		pos = next;
		ln++;
	}
	if (r < 0)
		return r;
	if (at == 0)
		return fail(ps->err, VCARD_NONE, ps->v->line, "");
	logical[at] = '\0';
	ps->line = start;
	return read_logical(ps, logical, count, true);
}

static int
parse_at(const uint8_t *buf, size_t len, size_t line, struct vcard *out, struct vcard_error *err)
{
	struct parse ps = { .v = out, .err = err, .line = line };
	char *logical = NULL;
	int r;

	vcard_clear(out);
	out->line = line;
	if (len > VCARD_MAX)
		return fail(err, VCARD_TOO_BIG, line, "");
	if ((logical = malloc(len + 1)) == NULL || (out->raw = malloc(len + 1)) == NULL) {
		r = -ENOMEM;
		goto out;
	}
	memcpy(out->raw, buf, len);
	out->raw_len = len;
	if ((r = parse_lines(&ps, buf, len, logical)) == 0)
		r = finish(&ps);
out:
	free(ps.n_name);
	free(logical);
	if (r < 0) {
		vcard_clear(out);
		out->line = line;
	}
	return r;
}

int
vcard_parse(const uint8_t *buf, size_t len, struct vcard *out, struct vcard_error *err)
{
	if (err != NULL)
		memset(err, 0, sizeof(*err));
	card_fields_init(&out->f);
	out->uid = NULL;
	out->raw = NULL;
	return parse_at(buf, len, 1, out, err);
}

/* From a BEGIN:VCARD at pos to the end of its END:VCARD line: *end, or a fault. */
static enum vcard_fault
find_end(const uint8_t *buf, size_t len, size_t pos, size_t *end)
{
	size_t n, next;

	line_at(buf, len, pos, &n, &next);
	for (pos = next; pos < len; pos = next) {
		line_at(buf, len, pos, &n, &next);
		if (next - *end > VCARD_MAX)
			return VCARD_TOO_BIG;
		if (line_is(buf + pos, n, "END:VCARD")) {
			*end = next;
			return VCARD_OK;
		}
	}
	return VCARD_UNFINISHED;
}

static size_t
lines_between(const uint8_t *buf, size_t from, size_t to)
{
	size_t k = 0;

	for (size_t i = from; i < to; i++)
		k += buf[i] == '\n';
	return k;
}

int
vcard_parse_all(const uint8_t *buf, size_t len, struct vcard **out, size_t *n,
                struct vcard_error *err)
{
	struct vcard *list = NULL, *grown;
	size_t pos = 0, count = 0, cap = 0, line = 1, ln, next, end;
	enum vcard_fault fault;
	int r = 0;

	*out = NULL;
	*n = 0;
	if (err != NULL)
		memset(err, 0, sizeof(*err));
	if (len > VCARD_FILE_MAX)
		return fail(err, VCARD_FILE_TOO_BIG, 0, "");
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		pos = 3;
	while (pos < len && r == 0) {
		line_at(buf, len, pos, &ln, &next);
		if (ln <= VCARD_LINE_MAX && line_blank(buf + pos, ln)) {
			pos = next;
			line++;
			continue;
		}
		if (!line_is(buf + pos, ln, "BEGIN:VCARD")) {
			r = fail(err, count == 0 ? VCARD_NONE : VCARD_SYNTAX, line, "");
			break;
		}
		end = pos;
		if ((fault = find_end(buf, len, pos, &end)) != VCARD_OK) {
			r = fail(err, fault, line, "");
			break;
		}
		if (count == VCARD_COUNT_MAX) {
			r = fail(err, VCARD_TOO_MANY, line, "");
			break;
		}
		if (count == cap) {
			cap = cap == 0 ? 4 : 2 * cap;
			if ((grown = realloc(list, cap * sizeof(*list))) == NULL) {
				r = -ENOMEM;
				break;
			}
			list = grown;
		}
		memset(&list[count], 0, sizeof(list[count]));
		card_fields_init(&list[count].f);
		count++;
		r = parse_at(buf + pos, end - pos, line, &list[count - 1], err);
		line += lines_between(buf, pos, end);
		pos = end;
	}
	if (r == 0 && count == 0)
		r = fail(err, VCARD_NONE, 0, "");
	if (r < 0) {
		vcard_free_all(list, count);
		return r;
	}
	*out = list;
	*n = count;
	return 0;
}

void
vcard_key(const struct vcard *v, uint8_t key[CRYPT_SIGN_PK])
{
	/* Two tags keep a UID and a vCard's bytes apart: neither can pose as the other. */
	if (v->uid != NULL)
		crypt_hash_tagged(key, CRYPT_SIGN_PK, VCARD_KEY_TAG "-uid", (const uint8_t *)v->uid,
		                  strlen(v->uid));
	else
		crypt_hash_tagged(key, CRYPT_SIGN_PK, VCARD_KEY_TAG "-raw", v->raw, v->raw_len);
}

const char *
vcard_error_describe(const struct vcard_error *err, char *buf, size_t size)
{
	const char *text = err->fault < VCARD_FAULT_COUNT ? fault_texts[err->fault] : "?";
	char why[128];
	int k = 0;

	if (err->line > 0)
		k = snprintf(buf, size, "line %zu%s%s%s: ", err->line, err->prop[0] ? " (" : "",
		             err->prop, err->prop[0] ? ")" : "");
	if (k < 0 || (size_t)k >= size)
		return buf;
	if (err->fault == VCARD_FIELD)
		text = card_error_describe(&err->card, why, sizeof(why));
	snprintf(buf + k, size - (size_t)k, "%s", text);
	return buf;
}
