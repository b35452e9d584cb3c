/*
 * armor.c: cards and introductions as text (armor.h; proto/card.md, "The armored form";
 * proto/introduction.md section 9). It owns the block syntax: which lines start and end a
 * block, and under which label, what a line may carry around its base64 and what it may
 * not. Base64 itself is libsodium's (crypt_base64, crypt_unbase64), strict.
 *
 * The text comes from anyone (a mail, a chat, a file) and is trusted for nothing: it is
 * capped before anything is allocated, every line is read within what remains, and a
 * block's base64 is gathered in a buffer of fixed size (what ARMOR_DATA_MAX bytes take).
 * A damaged block is reported with the line at fault and the scan goes on to the next
 * BEGIN line; nothing here repairs a block.
 */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "wallflower/armor.h"
#include "wallflower/crypt.h"
#include "wallflower/intro.h"

#define B64_MAX CRYPT_BASE64_LEN(ARMOR_DATA_MAX)

/* One limit for both labels, so that one buffer of B64_MAX serves either. */
_Static_assert(INTRO_MAX == ARMOR_DATA_MAX, "an introduction block holds what a card block does");

static const char *const begin_lines[ARMOR_LABEL_COUNT] = {
	[ARMOR_LABEL_CARD] = ARMOR_BEGIN,
	[ARMOR_LABEL_INTRO] = ARMOR_BEGIN_INTRO,
};

static const char *const end_lines[ARMOR_LABEL_COUNT] = {
	[ARMOR_LABEL_CARD] = ARMOR_END,
	[ARMOR_LABEL_INTRO] = ARMOR_END_INTRO,
};

static const char *const fault_phrases[ARMOR_FAULT_COUNT] = {
	[ARMOR_OK] = "no fault",
	[ARMOR_NO_END] = "the text ends, or another block begins, before its END line",
	[ARMOR_BAD_CHAR] = "a character that is not base64",
	[ARMOR_LONG_LINE] = "a line longer than 76 characters",
	[ARMOR_BLANK_LINE] = "an empty line inside the block",
	[ARMOR_PADDING] = "base64 that ends wrongly (padding or length)",
	[ARMOR_EMPTY] = "nothing between the BEGIN and END lines",
	[ARMOR_TOO_BIG] = "more bytes than a card or an introduction may have",
};

const char *
armor_fault_describe(enum armor_fault fault)
{
	return (unsigned)fault < ARMOR_FAULT_COUNT ? fault_phrases[fault] : "unknown fault";
}

const char *
armor_label_begin(enum armor_label label)
{
	assert((unsigned)label < ARMOR_LABEL_COUNT);
	return begin_lines[label];
}

const char *
armor_label_end(enum armor_label label)
{
	assert((unsigned)label < ARMOR_LABEL_COUNT);
	return end_lines[label];
}

/* --- Sniffing -------------------------------------------------------------------------- */

static bool
has_begin_line(const uint8_t *buf, size_t len, const char *begin)
{
	const uint8_t *p = buf, *end = buf + len;

	while ((p = memmem(p, (size_t)(end - p), begin, strlen(begin))) != NULL) {
		const uint8_t *q = p;

		/* At the start of a line, after nothing but a quote prefix. */
		while (q > buf && strchr(ARMOR_PREFIX, q[-1]) != NULL && q[-1] != '\0')
			q--;
		if (q == buf || q[-1] == '\n' || q[-1] == '\r')
			return true;
		p++;
	}
	return false;
}

enum armor_kind
armor_sniff(const uint8_t *buf, size_t len)
{
	static const uint8_t png[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

	if (len == 0)
		return ARMOR_KIND_BINARY; /* buf may be NULL */
	if (len >= sizeof(png) && memcmp(buf, png, sizeof(png)) == 0)
		return ARMOR_KIND_PNG;
	if (len >= 3 && buf[0] == 0xff && buf[1] == 0xd8 && buf[2] == 0xff)
		return ARMOR_KIND_JPEG;
	/* A msgpack array (every envelope starts with one) is binary, whatever it holds. */
	if (len >= 1 && ((buf[0] & 0xf0) == 0x90 || buf[0] == 0xdc || buf[0] == 0xdd))
		return ARMOR_KIND_BINARY;
	for (int l = 0; l < ARMOR_LABEL_COUNT; l++)
		if (has_begin_line(buf, len, begin_lines[l]))
			return ARMOR_KIND_TEXT;
	return ARMOR_KIND_BINARY;
}

/* --- Decoding -------------------------------------------------------------------------- */

/* One line of the text, without its line end, quote prefix and trailing blanks. */
struct line {
	const char *s;
	size_t len;
	size_t no; /* 1-based */
};

/* The block being read. */
struct reader {
	struct armor_blocks *out;
	struct armor_block *cur; /* NULL outside a block */
	char b64[B64_MAX];
	size_t b64_len;
};

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* The next line at *pos in text[0..len); false at the end. */
static bool
line_next(const char *text, size_t len, size_t *pos, struct line *l)
{
	const char *s, *nl;
	size_t n;

	if (*pos >= len)
		return false;
	s = text + *pos;
	nl = memchr(s, '\n', len - *pos);
	n = nl != NULL ? (size_t)(nl - s) : len - *pos;
	*pos += n + (nl != NULL);
	while (n > 0 && is_blank(s[n - 1]))
		n--;
	while (n > 0 && (*s == ' ' || *s == '\t' || *s == '>')) {
		s++;
		n--;
	}
	l->s = s;
	l->len = n;
	l->no++;
	return true;
}

static bool
line_is(const struct line *l, const char *marker)
{
	return l->len == strlen(marker) && memcmp(l->s, marker, l->len) == 0;
}

static bool
is_b64(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '+' || c == '/' || c == '=';
}

static void
block_fail(struct armor_block *b, enum armor_fault fault, size_t line)
{
	if (b->fault == ARMOR_OK) {
		b->fault = fault;
		b->fault_line = line;
	}
}

static int
block_start(struct reader *r, enum armor_label label, size_t line)
{
	struct armor_blocks *out = r->out;
	struct armor_block *v;

	if (out->n == ARMOR_BLOCKS_MAX)
		return -E2BIG;
	if ((v = realloc(out->v, (out->n + 1) * sizeof(*v))) == NULL)
		return -ENOMEM;
	out->v = v;
	r->cur = &v[out->n++];
	memset(r->cur, 0, sizeof(*r->cur));
	r->cur->line = line;
	r->cur->label = label;
	r->b64_len = 0;
	return 0;
}

/* A line inside a block: its characters are gathered, or the block's first fault kept. */
static void
block_line(struct reader *r, const struct line *l)
{
	struct armor_block *b = r->cur;
	enum armor_fault f = ARMOR_OK;

	if (l->len == 0)
		f = ARMOR_BLANK_LINE;
	else if (l->len > ARMOR_LINE_MAX)
		f = ARMOR_LONG_LINE;
	for (size_t i = 0; f == ARMOR_OK && i < l->len; i++)
		if (!is_b64(l->s[i]))
			f = ARMOR_BAD_CHAR;
	if (f == ARMOR_OK && l->len > B64_MAX - r->b64_len)
		f = ARMOR_TOO_BIG;
	if (f != ARMOR_OK) {
		block_fail(b, f, l->no);
		return;
	}
	memcpy(r->b64 + r->b64_len, l->s, l->len);
	r->b64_len += l->len;
}

/* The END line: the block's bytes, unless a fault came first. */
static int
block_end(struct reader *r, size_t line)
{
	struct armor_block *b = r->cur;
	uint8_t *data;
	size_t n;
	int e;

	r->cur = NULL;
	if (b->fault != ARMOR_OK)
		return 0;
	if (r->b64_len == 0) {
		block_fail(b, ARMOR_EMPTY, line);
		return 0;
	}
	if ((data = malloc(r->b64_len / 4 * 3 + 3)) == NULL)
		return -ENOMEM;
	e = crypt_unbase64(data, ARMOR_DATA_MAX, &n, r->b64, r->b64_len);
	if (e < 0) {
		free(data);
		block_fail(b, e == -EMSGSIZE ? ARMOR_TOO_BIG : ARMOR_PADDING, line - 1);
		return 0;
	}
	b->data = data;
	b->len = n;
	return 0;
}

/* The label whose marker (BEGIN or END, by lines) l is, or -1. */
static int
line_label(const struct line *l, const char *const lines[ARMOR_LABEL_COUNT])
{
	for (int i = 0; i < ARMOR_LABEL_COUNT; i++)
		if (line_is(l, lines[i]))
			return i;
	return -1;
}

static int
reader_line(struct reader *r, const struct line *l)
{
	int label = line_label(l, begin_lines);

	if (label >= 0) {
		if (r->cur != NULL)
			block_fail(r->cur, ARMOR_NO_END, l->no);
		return block_start(r, (enum armor_label)label, l->no);
	}
	if (r->cur == NULL)
		return 0; /* text around the blocks */
	if ((label = line_label(l, end_lines)) < 0) {
		block_line(r, l);
		return 0;
	}
	/* The other label's END closes nothing it may vouch for: a card's bytes never pass
	 * for an introduction's, or the other way round. The block ends there, refused. */
	if ((enum armor_label)label != r->cur->label) {
		block_fail(r->cur, ARMOR_NO_END, l->no);
		r->cur = NULL;
		return 0;
	}
	return block_end(r, l->no);
}

int
armor_decode(const char *text, size_t len, struct armor_blocks *out)
{
	struct reader *r;
	struct line l = { 0 };
	size_t pos = 0;
	int e = 0;

	memset(out, 0, sizeof(*out));
	if (len > ARMOR_TEXT_MAX)
		return -EMSGSIZE;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return -ENOMEM;
	r->out = out;
	while (e == 0 && line_next(text, len, &pos, &l))
		e = reader_line(r, &l);
	if (e == 0 && r->cur != NULL)
		block_fail(r->cur, ARMOR_NO_END, l.no);
	free(r);
	if (e < 0)
		armor_blocks_clear(out);
	return e;
}

void
armor_blocks_clear(struct armor_blocks *out)
{
	if (out == NULL)
		return;
	for (size_t i = 0; i < out->n; i++)
		free(out->v[i].data);
	free(out->v);
	out->v = NULL;
	out->n = 0;
}

/* --- Encoding -------------------------------------------------------------------------- */

int
armor_encode_as(enum armor_label label, const uint8_t *data, size_t len, char **out, size_t *outlen)
{
	const char *begin = armor_label_begin(label), *end = armor_label_end(label);
	size_t b64n = CRYPT_BASE64_LEN(len), lines = (b64n + ARMOR_LINE - 1) / ARMOR_LINE;
	size_t cap = strlen(begin) + 1 + b64n + lines + strlen(end) + 2, o = 0;
	char *b64 = NULL, *s = NULL;
	int e = -ENOMEM;

	*out = NULL;
	*outlen = 0;
	if (len == 0 || len > ARMOR_DATA_MAX)
		return -EMSGSIZE;
	if ((b64 = malloc(b64n + 1)) == NULL || (s = malloc(cap)) == NULL)
		goto out;
	crypt_base64(b64, data, len);
	o = strlen(begin);
	memcpy(s, begin, o);
	s[o++] = '\n';
	for (size_t i = 0; i < b64n; i += ARMOR_LINE) {
		size_t n = b64n - i < ARMOR_LINE ? b64n - i : ARMOR_LINE;

		memcpy(s + o, b64 + i, n);
		o += n;
		s[o++] = '\n';
	}
	memcpy(s + o, end, strlen(end));
	o += strlen(end);
	s[o++] = '\n';
	s[o] = '\0';
	*out = s;
	*outlen = o;
	s = NULL;
	e = 0;
out:
	free(s);
	free(b64);
	return e;
}

int
armor_encode(const uint8_t *data, size_t len, char **out, size_t *outlen)
{
	return armor_encode_as(ARMOR_LABEL_CARD, data, len, out, outlen);
}
