/*
 * cardfile.c: the cards a file holds, in every form one is handed over (proto/card.md,
 * "Handing a card over"): the binary envelope, armored text pasted from a mail or a chat,
 * a photo or screenshot of a QR code. The form is told by the first bytes (armor_sniff),
 * never by the file's name. Each card is verified by card_decode like any other; damaged
 * armor is reported block by block, so that one bad block does not hide the good ones.
 *
 * Bounded: a file is read up to QR_IMAGE_FILE_MAX bytes (a photo), but text is taken only
 * up to ARMOR_TEXT_MAX and a binary card up to CARD_ENVELOPE_MAX (one byte more, so that
 * card_decode names the rule broken).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "qr.h"
#include "wallflower/armor.h"
#include "wallflower/file.h"

/* Reads at most max + 1 bytes of f (enough to say "too big"), in a buffer that grows as the
 * bytes come: a pasted card is a few hundred bytes, a photo megabytes. */
static int
read_stream(FILE *f, size_t max, uint8_t **buf, size_t *len)
{
	size_t cap = 0, n;
	uint8_t *p;

	*buf = NULL;
	*len = 0;
	do {
		if (*len == cap) {
			cap = cap == 0 ? 8192 : (cap > max / 2 ? max + 1 : cap * 2);
			if ((p = realloc(*buf, cap)) == NULL)
				return -ENOMEM;
			*buf = p;
		}
		n = fread(*buf + *len, 1, cap - *len, f);
		*len += n;
	} while (n > 0 && *len <= max);
	if (ferror(f))
		return -EIO;
	return *len > max ? -EFBIG : 0;
}

/*
 * A regular file in a buffer of its own size (file_read, bounded by what stat says, and
 * again by the whole cap should it have grown since); anything else (a pipe, a FIFO, a
 * device) as a stream. Never a buffer of the whole cap up front: most files are a card.
 */
static int
read_path(const char *path, uint8_t **buf, size_t *len)
{
	struct stat st;
	size_t cap = QR_IMAGE_FILE_MAX;
	FILE *f;
	int r;

	if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
		if ((uint64_t)st.st_size < cap)
			cap = (size_t)st.st_size + 1;
		r = file_read(path, cap, buf, len);
		if (r == -EFBIG && cap < QR_IMAGE_FILE_MAX)
			r = file_read(path, QR_IMAGE_FILE_MAX, buf, len);
		return r;
	}
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return -EISDIR;
	if ((f = fopen(path, "rbe")) == NULL)
		return -errno;
	r = read_stream(f, QR_IMAGE_FILE_MAX, buf, len);
	fclose(f);
	return r;
}

int
cli_read_file(const char *path, uint8_t **buf, size_t *len)
{
	int r;

	*buf = NULL;
	if (strcmp(path, "-") == 0)
		r = read_stream(stdin, QR_IMAGE_FILE_MAX, buf, len);
	else
		r = read_path(path, buf, len);
	if (r == -EFBIG)
		cli_error("cannot read %s: larger than %d MiB, which no card or picture of one is",
		          cli_quote_path(path), QR_IMAGE_FILE_MAX >> 20);
	else if (r < 0)
		cli_error("cannot read %s: %s", cli_quote_path(path), strerror(-r));
	if (r < 0) {
		free(*buf);
		*buf = NULL;
	}
	return r;
}

static struct cli_card_in *
item_add(struct cli_cards_in *out, const char *where)
{
	struct cli_card_in *v = realloc(out->v, (out->n + 1) * sizeof(*v));

	if (v == NULL)
		return NULL;
	out->v = v;
	v += out->n++;
	memset(v, 0, sizeof(*v));
	snprintf(v->where, sizeof(v->where), "%s", where);
	return v;
}

/* One binary envelope. 0 or -ENOMEM. */
static int
add_binary(struct cli_cards_in *out, const char *where, const uint8_t *buf, size_t len)
{
	struct cli_card_in *c = item_add(out, where);

	if (c == NULL)
		return -ENOMEM;
	if (len > CARD_ENVELOPE_MAX)
		len = CARD_ENVELOPE_MAX + 1; /* card_decode says "too big" */
	return card_decode(buf, len, &c->card, &c->err) == -ENOMEM ? -ENOMEM : 0;
}

/* Every armored block of a text. 0; -ENOMEM; -1 after saying why (prefix: the file). */
static int
add_text(struct cli_cards_in *out, const char *prefix, const char *where, const uint8_t *buf,
         size_t len)
{
	struct armor_blocks b;
	char at[48];
	int e;

	if (len > ARMOR_TEXT_MAX) {
		cli_error("%s: text of over %d KiB; a card's armor is a few lines", prefix,
		          ARMOR_TEXT_MAX >> 10);
		return -1;
	}
	if ((e = armor_decode((const char *)buf, len, &b)) == -E2BIG)
		cli_error("%s: more than %d armored cards in one text", prefix, ARMOR_BLOCKS_MAX);
	if (e < 0)
		return e == -ENOMEM ? e : -1;
	if (b.n == 0)
		cli_error("%s: no line is exactly %s", prefix, ARMOR_BEGIN);
	for (size_t i = 0; i < b.n && e == 0; i++) {
		struct armor_block *k = &b.v[i];
		struct cli_card_in *c;

		if (k->label != ARMOR_LABEL_CARD)
			continue; /* an introduction: import_intro.c's */
		snprintf(at, sizeof(at), "%s%sblock at line %zu", where, *where ? ", " : "",
		         k->line);
		if ((c = item_add(out, at)) == NULL)
			e = -ENOMEM;
		else if (k->fault != ARMOR_OK)
			snprintf(c->why, sizeof(c->why), "damaged armor: %s (line %zu)",
			         armor_fault_describe(k->fault), k->fault_line);
		else if (card_decode(k->data, k->len, &c->card, &c->err) == -ENOMEM)
			e = -ENOMEM;
	}
	if (e == 0 && b.n == 0)
		e = -1;
	armor_blocks_clear(&b);
	return e;
}

/* Bytes that are not a picture: armor or a binary envelope. */
static int
add_bytes(struct cli_cards_in *out, const char *prefix, const char *where, const uint8_t *buf,
          size_t len)
{
	struct cli_card_in *c;

	if (armor_sniff(buf, len) == ARMOR_KIND_TEXT)
		return add_text(out, prefix, where, buf, len);
	if ((len >= 5 && memcmp(buf, "<?xml", 5) == 0) ||
	    (len >= 4 && memcmp(buf, "<svg", 4) == 0)) {
		if ((c = item_add(out, where)) == NULL)
			return -ENOMEM;
		snprintf(c->why, sizeof(c->why),
		         "an SVG picture; QR codes are read from PNG or JPEG pictures");
		return 0;
	}
	return add_binary(out, where, buf, len);
}

/* Every QR code of a picture. */
static int
add_picture(struct cli_cards_in *out, const char *prefix, const uint8_t *buf, size_t len)
{
	struct qr_codes codes;
	char why[160], where[48];
	int e = qr_scan(buf, len, &codes, why, sizeof(why));
	size_t n = codes.n;

	if (e == -ENOMEM)
		return e;
	if (e < 0) {
		cli_error("%s: %s", prefix, why);
		return -1;
	}
	if (codes.n == 0)
		cli_error("%s: no QR code found in the picture (a sharper or closer one may do)",
		          prefix);
	for (size_t i = 0; i < codes.n && e == 0; i++) {
		snprintf(where, sizeof(where), "QR code %zu", i + 1);
		e = add_bytes(out, prefix, codes.n > 1 ? where : "", codes.v[i].data,
		              codes.v[i].len);
	}
	qr_codes_clear(&codes);
	return e == 0 && n == 0 ? -1 : e;
}

int
cli_read_cards(const char *path, struct cli_cards_in *out)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	int r;

	memset(out, 0, sizeof(*out));
	if (cli_read_file(path, &buf, &len) < 0)
		return -1;
	r = cli_cards_parse(path, buf, len, out);
	free(buf);
	return r;
}

int
cli_cards_parse(const char *path, const uint8_t *buf, size_t len, struct cli_cards_in *out)
{
	const char *prefix = cli_quote_path(path);
	int e;

	memset(out, 0, sizeof(*out));
	switch (armor_sniff(buf, len)) {
	case ARMOR_KIND_PNG:
	case ARMOR_KIND_JPEG:
		e = add_picture(out, prefix, buf, len);
		break;
	default:
		e = add_bytes(out, prefix, "", buf, len);
		break;
	}
	if (e == -ENOMEM)
		cli_error("out of memory");
	if (e < 0 || out->n == 0) {
		cli_cards_in_clear(out);
		return -1;
	}
	return 0;
}

void
cli_cards_in_clear(struct cli_cards_in *in)
{
	for (size_t i = 0; i < in->n; i++)
		card_free(in->v[i].card);
	free(in->v);
	in->v = NULL;
	in->n = 0;
}

int
cli_read_card(const char *path, struct card **card, struct card_error *err)
{
	struct cli_cards_in in;
	int r = -1;

	*card = NULL;
	if (cli_read_cards(path, &in) < 0)
		return -1;
	if (in.n > 1)
		cli_error("%s holds %zu cards; give one at a time (or use 'wallflower import')",
		          cli_quote_path(path), in.n);
	else if (in.v[0].why[0] != '\0')
		cli_error("%s: %s%s%s", cli_quote_path(path), in.v[0].where,
		          in.v[0].where[0] ? ": " : "", in.v[0].why);
	else {
		*card = in.v[0].card;
		*err = in.v[0].err;
		in.v[0].card = NULL;
		r = 0;
	}
	cli_cards_in_clear(&in);
	return r;
}
