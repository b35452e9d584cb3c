/*
 * notice.c: the decision of wallflower-notify (docs/ui.md): which daemon event becomes a
 * desktop notification, and its words. It trusts nothing in the event beyond its being a
 * decoded control message: every string is re-checked code point by code point, entity-escaped
 * in the body when the server reads the body as markup, and cut to a bound. It must never
 * let a name or a note carry markup, a bidi override or a line of its own into the
 * notification. The summary is plain text by the Desktop Notifications spec, so it is never
 * escaped (an escaped "&" would show as "&amp;"); the body is plain text too unless the
 * server lists "body-markup".
 */
#include <errno.h>
#include <string.h>

#include "wallflower/ctl.h"
#include "wallflower/notice.h"
#include "wallflower/text.h"

#define ELLIPSIS "\xe2\x80\xa6"   /* U+2026 */
#define REPLACE  "\xef\xbf\xbd"   /* U+FFFD */
#define FPR_LEN  29               /* proto/control.md section 1 */
#define ITEM_MAX 48               /* bytes of one item of common ground (TXT_TOPIC_MAX) */
#define NAME_GET (CTL_STRING_MAX) /* what the getters accept; the shown bound is below */

/* An output text of fixed capacity (NUL included). Once cut, it takes nothing more; until
 * then, len + sizeof(ELLIPSIS) <= cap always holds, so the cut's ellipsis always fits.
 * markup: the text is read as markup, so values have "&", "<", ">" escaped. */
struct buf {
	char *p;
	size_t len, cap;
	bool cut;
	bool markup;
};

static void
buf_init(struct buf *b, char *p, size_t cap, bool markup)
{
	b->p = p;
	b->len = 0;
	b->cap = cap;
	b->cut = false;
	b->markup = markup;
	p[0] = '\0';
}

/* Room for n more bytes, keeping room for an ellipsis and the NUL. */
static bool
buf_fits(const struct buf *b, size_t n)
{
	return b->len + n + sizeof(ELLIPSIS) <= b->cap;
}

static void
buf_cut(struct buf *b)
{
	if (b->cut)
		return;
	memcpy(b->p + b->len, ELLIPSIS, sizeof(ELLIPSIS));
	b->len += sizeof(ELLIPSIS) - 1;
	b->cut = true;
}

/* Appends n bytes whole, or cuts the text before them. */
static void
buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->cut)
		return;
	if (!buf_fits(b, n)) {
		buf_cut(b);
		return;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
buf_lit(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

/* The bytes of the code point at s (n bytes remain): 1 to 4, by its lead byte alone. */
static size_t
cp_len(const char *s, size_t n)
{
	unsigned char c = (unsigned char)s[0];
	size_t k = 1;

	if (c >= 0xc2 && c <= 0xdf)
		k = 2;
	else if (c >= 0xe0 && c <= 0xef)
		k = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		k = 4;
	return k <= n ? k : 1;
}

/* What one code point of someone else's text becomes: itself, an entity (markup only), a
 * space, or U+FFFD. *used gets the input bytes it took. */
static const char *
cp_show(const char *s, size_t n, bool markup, size_t *used, size_t *outlen)
{
	size_t k = cp_len(s, n);
	enum text_verdict v = text_check(s, k, 0);

	*used = k;
	*outlen = k;
	if (markup && k == 1 && (s[0] == '&' || s[0] == '<' || s[0] == '>')) {
		const char *e = s[0] == '&' ? "&amp;" : s[0] == '<' ? "&lt;" : "&gt;";
		*outlen = strlen(e);
		return e;
	}
	if (k == 1 && (s[0] == '\n' || s[0] == '\t' || s[0] == '\r')) {
		*outlen = 1;
		return " ";
	}
	if (v == TEXT_OK || v == TEXT_BLANK)
		return s;
	if (v == TEXT_BAD_UTF8)
		*used = 1;
	*outlen = sizeof(REPLACE) - 1;
	return REPLACE;
}

/* Appends someone else's string, at most max of its bytes, cleaned (and escaped for markup). */
static void
buf_value(struct buf *b, const char *s, size_t max)
{
	size_t n = strlen(s), i = 0, used, outlen;
	const char *out;

	while (i < n && !b->cut) {
		out = cp_show(s + i, n - i, b->markup, &used, &outlen);
		if (i + used > max) {
			buf_add(b, ELLIPSIS, sizeof(ELLIPSIS) - 1);
			return;
		}
		buf_add(b, out, outlen);
		i += used;
	}
}

/* A fingerprint: 29 characters of lower-case base32 and '-'. */
static bool
fpr_valid(const char *f)
{
	if (strlen(f) != FPR_LEN)
		return false;
	for (const char *c = f; *c != '\0'; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= '2' && *c <= '7') || *c == '-'))
			return false;
	return true;
}

static int
get_fpr(const json_t *o, const char **out)
{
	int r = ctl_get_str(o, "fingerprint", FPR_LEN, out);

	if (r < 0 || !fpr_valid(*out))
		return -EINVAL;
	return 0;
}

/* "fingerprint bx7h-kjia" */
static void
line_fpr(struct buf *b, const char *fpr)
{
	buf_lit(b, "fingerprint ");
	buf_add(b, fpr, NOTICE_FPR_SHOWN);
}

/* One list of common ground, "label a, b"; nothing when it is absent or empty. */
static int
ground_list(struct buf *b, const json_t *common, const char *key, const char *label, bool *first)
{
	const json_t *a = json_object_get(common, key), *v;
	size_t i;

	if (a == NULL || json_is_null(a))
		return 0;
	if (!json_is_array(a))
		return -EINVAL;
	json_array_foreach(a, i, v)
	{
		if (!json_is_string(v))
			return -EINVAL;
		if (i > 0)
			buf_lit(b, ", ");
		else {
			if (!*first)
				buf_lit(b, "; ");
			buf_lit(b, label);
		}
		buf_value(b, json_string_value(v), ITEM_MAX);
		*first = false;
	}
	return 0;
}

/* "In common: a, b; you offer: c; you seek: d", bounded on its own as shown (escaped, for
 * markup); nothing when empty. */
static int
line_ground(struct buf *body, const json_t *common)
{
	char tmp[NOTICE_GROUND_MAX];
	struct buf b;
	bool first = true;
	int r;

	if (common == NULL || json_is_null(common))
		return 0;
	if (!json_is_object(common))
		return -EINVAL;
	buf_init(&b, tmp, sizeof(tmp), body->markup);
	if ((r = ground_list(&b, common, "topics", "In common: ", &first)) < 0 ||
	    (r = ground_list(&b, common, "you_offer", "you offer: ", &first)) < 0 ||
	    (r = ground_list(&b, common, "you_seek", "you seek: ", &first)) < 0)
		return r;
	if (b.len > 0) {
		buf_lit(body, "\n");
		buf_add(body, tmp, b.len);
	}
	return 0;
}

/* The introducer's name of an intro ({"name", "fingerprint"}). */
static int
get_introducer(const json_t *o, const char **name)
{
	const json_t *by = json_object_get(o, "introduced_by");

	if (!json_is_object(by))
		return -EINVAL;
	return ctl_get_str(by, "name", NAME_GET, name) < 0 ? -EINVAL : 0;
}

static int
decide_offer(const json_t *ev, bool quiet, const struct notice_caps *caps, struct notice *n)
{
	const json_t *o = json_object_get(ev, "offer");
	const char *kind, *name, *fpr, *note = NULL, *same = NULL, *by = NULL;
	struct buf s, b;
	uint64_t id;
	int r;

	if (!json_is_object(o) || ctl_get_str(o, "kind", 32, &kind) < 0)
		return -EINVAL;
	if (strcmp(kind, "offer") != 0 && strcmp(kind, "intro") != 0)
		return 0; /* an ask, or a kind of a later version */
	if (quiet)
		return 0;
	if (ctl_get_uint(o, "id", INT64_MAX, &id) < 0 || id == 0 ||
	    ctl_get_str(o, "name", NAME_GET, &name) < 0 || get_fpr(o, &fpr) < 0)
		return -EINVAL;
	if ((r = ctl_get_str(o, "note", NAME_GET, &note)) < 0 && r != -ENOENT)
		return -EINVAL;
	if ((r = ctl_get_str(o, "same_name_as", FPR_LEN, &same)) < 0 && r != -ENOENT)
		return -EINVAL;
	if (strcmp(kind, "intro") == 0 && get_introducer(o, &by) < 0)
		return -EINVAL;

	buf_init(&s, n->summary, sizeof(n->summary), false);
	if (by != NULL) {
		buf_value(&s, by, NOTICE_NAME_MAX);
		buf_lit(&s, " introduces ");
		buf_value(&s, name, NOTICE_NAME_MAX);
	} else {
		buf_value(&s, name, NOTICE_NAME_MAX);
		buf_lit(&s, " offers you their card");
	}

	buf_init(&b, n->body, sizeof(n->body), caps->body_markup);
	line_fpr(&b, fpr);
	if (same != NULL) {
		buf_lit(&b, "\nnot the ");
		buf_value(&b, name, NOTICE_NAME_MAX);
		buf_lit(&b, " in your contacts");
	}
	if (note != NULL && note[0] != '\0') {
		buf_lit(&b, "\n");
		buf_value(&b, note, NOTICE_NOTE_MAX);
	}
	if ((r = line_ground(&b, json_object_get(o, "common"))) < 0)
		return r;

	n->kind = by != NULL ? NOTICE_INTRO : NOTICE_OFFER;
	n->offer_id = id;
	n->actions = caps->actions;
	return 0;
}

static int
decide_card_back(const json_t *ev, const struct notice_caps *caps, struct notice *n)
{
	const char *name, *fpr, *by = NULL;
	struct buf s, b;

	if (ctl_get_str(ev, "name", NAME_GET, &name) < 0 || get_fpr(ev, &fpr) < 0)
		return -EINVAL;
	if (json_object_get(ev, "introduced_by") != NULL &&
	    !json_is_null(json_object_get(ev, "introduced_by")) && get_introducer(ev, &by) < 0)
		return -EINVAL;

	buf_init(&s, n->summary, sizeof(n->summary), false);
	buf_value(&s, name, NOTICE_NAME_MAX);
	buf_lit(&s, "'s card came back");

	buf_init(&b, n->body, sizeof(n->body), caps->body_markup);
	line_fpr(&b, fpr);
	if (by != NULL) {
		buf_lit(&b, "\nintroduced by ");
		buf_value(&b, by, NOTICE_NAME_MAX);
	}
	n->kind = NOTICE_CARD_BACK;
	return 0;
}

int
notice_decide(const json_t *event, bool quiet, const struct notice_caps *caps, struct notice *out)
{
	const char *name;
	int r = 0;

	memset(out, 0, sizeof(*out));
	if (!json_is_object(event) || ctl_get_str(event, "event", 64, &name) < 0)
		return -EINVAL;
	if (strcmp(name, "offer-received") == 0)
		r = decide_offer(event, quiet, caps, out);
	else if (strcmp(name, "card-received") == 0)
		r = decide_card_back(event, caps, out);
	if (r < 0)
		memset(out, 0, sizeof(*out));
	return r;
}
