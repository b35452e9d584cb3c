/*
 * table.c: aligned text tables for people (cli.h). Width is display width, as a terminal
 * draws it: libunistring's u8_width counts East Asian wide characters and emoji as two
 * columns and combining marks as none. Only a terminal gets a header and rows cut to its
 * width; a pipe gets whole values, so that grep and cut see everything.
 *
 * When a table is wider than the terminal, the widest columns give up space first, down to
 * a few columns each, and a cut cell ends in an ellipsis: every column keeps its place, so
 * the rows still line up. Detail lines under a row (nearby's common ground, say) are cut to
 * the terminal's width too. A control character in a cell would break the alignment or
 * reach the terminal: it is shown as a space.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <unistr.h>
#include <uniwidth.h>

#include "cli.h"

#define TABLE_GAP      2              /* columns between two cells */
#define TABLE_MIN_COL  4              /* a column shrunk to fit the terminal keeps this much */
#define TABLE_ELLIPSIS "\xe2\x80\xa6" /* U+2026, one column */

struct table_row {
	char **cells;   /* ncols, owned */
	char **details; /* lines under the row, owned */
	size_t ndetails;
};

struct cli_table {
	size_t ncols, nrows, cap;
	const char *const *headers;
	bool *right; /* ncols: right-aligned (numbers) */
	struct table_row *rows;
};

struct cli_table *
cli_table_new(size_t ncols, const char *const *headers)
{
	struct cli_table *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return NULL;
	t->ncols = ncols;
	t->headers = headers;
	if ((t->right = calloc(ncols ? ncols : 1, sizeof(*t->right))) == NULL) {
		free(t);
		return NULL;
	}
	return t;
}

void
cli_table_align_right(struct cli_table *t, size_t col)
{
	if (col < t->ncols)
		t->right[col] = true;
}

/* A copy of s with every control character (C0, DEL, C1) as a space. */
static char *
cell_dup(const char *s)
{
	size_t n = strlen(s != NULL ? s : "");
	char *d = malloc(n + 1);

	if (d == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		/* C1 controls are U+0080..U+009F, in UTF-8 0xc2 0x80..0x9f: two spaces. */
		if (ch == 0xc2 && i + 1 < n && (unsigned char)s[i + 1] >= 0x80 &&
		    (unsigned char)s[i + 1] <= 0x9f) {
			d[i] = d[i + 1] = ' ';
			i++;
			continue;
		}
		d[i] = ch < 0x20 || ch == 0x7f ? ' ' : (char)ch;
	}
	d[n] = '\0';
	return d;
}

int
cli_table_add(struct cli_table *t, const char *const *cells)
{
	struct table_row *row;

	if (t->nrows == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		struct table_row *r = realloc(t->rows, cap * sizeof(*r));

		if (r == NULL)
			return -ENOMEM;
		t->rows = r;
		t->cap = cap;
	}
	row = &t->rows[t->nrows];
	memset(row, 0, sizeof(*row));
	if ((row->cells = calloc(t->ncols ? t->ncols : 1, sizeof(*row->cells))) == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < t->ncols; i++) {
		if ((row->cells[i] = cell_dup(cells[i])) == NULL) {
			while (i-- > 0)
				free(row->cells[i]);
			free(row->cells);
			return -ENOMEM;
		}
	}
	t->nrows++;
	return 0;
}

int
cli_table_add_detail(struct cli_table *t, const char *line)
{
	struct table_row *row;
	char **d, *s;

	if (t->nrows == 0)
		return -EINVAL;
	row = &t->rows[t->nrows - 1];
	if ((s = cell_dup(line)) == NULL)
		return -ENOMEM;
	if ((d = realloc(row->details, (row->ndetails + 1) * sizeof(*d))) == NULL) {
		free(s);
		return -ENOMEM;
	}
	d[row->ndetails++] = s;
	row->details = d;
	return 0;
}

size_t
cli_text_width(const char *s)
{
	int w = u8_strwidth((const uint8_t *)s, "UTF-8");

	return w < 0 ? strlen(s) : (size_t)w;
}

/*
 * Writes s cut to at most max columns (an ellipsis marks a cut), padded to pad columns,
 * on the left when right is set. s is one line without controls.
 */
static void
put_cell(FILE *f, const char *s, size_t max, size_t pad, bool right)
{
	size_t w = cli_text_width(s), n = strlen(s), i = n;

	if (w > max) {
		size_t used = 0;

		/* Whole characters while they and the ellipsis fit; combining marks go along. */
		for (i = 0; i < n;) {
			ucs4_t uc;
			int len = u8_mbtouc(&uc, (const uint8_t *)s + i, n - i);
			int cw = uc_width(uc, "UTF-8");

			if (cw < 0)
				cw = 1;
			if (used + (size_t)cw + 1 > max)
				break;
			used += (size_t)cw;
			i += (size_t)len;
		}
		w = max > 0 ? used + 1 : 0;
	}
	for (size_t k = w; right && k < pad; k++)
		fputc(' ', f);
	fwrite(s, 1, i, f);
	if (i < n && max > 0)
		fputs(TABLE_ELLIPSIS, f);
	for (size_t k = w; !right && k < pad; k++)
		fputc(' ', f);
}

size_t
cli_terminal_width(FILE *f)
{
	struct winsize ws;
	const char *cols;

	if (!isatty(fileno(f)))
		return 0;
	if (ioctl(fileno(f), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	cols = getenv("COLUMNS");
	if (cols != NULL) {
		char *end;
		unsigned long v = strtoul(cols, &end, 10);

		if (*cols != '\0' && *end == '\0' && v > 0 && v < 10000)
			return v;
	}
	return 80;
}

/* Shrinks the widest columns of w[0..n) until the row fits in term columns, or every
 * column is down to TABLE_MIN_COL (what then still overflows is cut at the edge). */
static void
fit(size_t *w, size_t n, size_t term)
{
	size_t total = 0;

	for (size_t c = 0; c < n; c++)
		total += w[c] + (c + 1 < n ? TABLE_GAP : 0);
	while (total > term) {
		size_t widest = 0;

		for (size_t c = 1; c < n; c++)
			if (w[c] > w[widest])
				widest = c;
		if (w[widest] <= TABLE_MIN_COL)
			break;
		w[widest]--;
		total--;
	}
}

/*
 * One line: a row's cells (or the header), each in its column, the last unpadded and no
 * spaces at the end. Built in memory first, so that a row cut at the terminal's edge
 * loses the padding it would have ended with. 0, or -1 when out of memory.
 */
static int
put_row(FILE *f, const struct cli_table *t, const char *const *cells, const size_t *w, size_t term)
{
	size_t used = 0, last = t->ncols, len = 0;
	char *line = NULL;
	FILE *m = open_memstream(&line, &len);

	if (m == NULL)
		return -1;
	/* Trailing empty cells would only add spaces at the end of the line. */
	while (last > 0 && cells[last - 1][0] == '\0')
		last--;
	for (size_t c = 0; c < last; c++) {
		size_t max = w[c];

		if (term > 0) {
			if (used >= term)
				break;
			max = w[c] < term - used ? w[c] : term - used;
		}
		put_cell(m, cells[c], max, c + 1 < last || t->right[c] ? max : 0, t->right[c]);
		used += max;
		if (c + 1 < last) {
			fprintf(m, "%*s", TABLE_GAP, "");
			used += TABLE_GAP;
		}
	}
	if (fclose(m) != 0) {
		free(line);
		return -1;
	}
	while (len > 0 && line[len - 1] == ' ')
		len--;
	fwrite(line, 1, len, f);
	fputc('\n', f);
	free(line);
	return 0;
}

int
cli_table_print(struct cli_table *t, FILE *f)
{
	size_t term = cli_terminal_width(f), *w = calloc(t->ncols ? t->ncols : 1, sizeof(*w));
	bool header = term > 0 && t->headers != NULL, ok = true;

	if (w == NULL)
		return -1;
	for (size_t c = 0; c < t->ncols; c++) {
		if (header)
			w[c] = cli_text_width(t->headers[c]);
		for (size_t r = 0; r < t->nrows; r++) {
			size_t cw = cli_text_width(t->rows[r].cells[c]);

			w[c] = cw > w[c] ? cw : w[c];
		}
	}
	if (term > 0)
		fit(w, t->ncols, term);
	if (header && put_row(f, t, t->headers, w, term) < 0)
		ok = false;
	for (size_t r = 0; r < t->nrows && ok; r++) {
		if (put_row(f, t, (const char *const *)t->rows[r].cells, w, term) < 0)
			ok = false;
		for (size_t d = 0; d < t->rows[r].ndetails; d++) {
			const char *s = t->rows[r].details[d];

			put_cell(f, s, term > 0 ? term : SIZE_MAX, 0, false);
			fputc('\n', f);
		}
	}
	free(w);
	if (!ok)
		cli_error("out of memory");
	return !ok || ferror(f) ? -1 : 0;
}

int
cli_table_done(struct cli_table *t, bool ok)
{
	int r = -1;

	if (!ok)
		cli_error("out of memory");
	else
		r = cli_table_print(t, stdout);
	cli_table_free(t);
	return r;
}

void
cli_table_free(struct cli_table *t)
{
	if (t == NULL)
		return;
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t c = 0; c < t->ncols; c++)
			free(t->rows[r].cells[c]);
		for (size_t d = 0; d < t->rows[r].ndetails; d++)
			free(t->rows[r].details[d]);
		free(t->rows[r].cells);
		free(t->rows[r].details);
	}
	free(t->rows);
	free(t->right);
	free(t);
}
