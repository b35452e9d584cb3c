/*
 * table.c: aligned text tables for people (cli.h). Width is display width, as a terminal
 * draws it: libunistring's u8_width counts East Asian wide characters and emoji as two
 * columns and combining marks as none. Only a terminal gets a header and rows cut to its
 * width; a pipe gets whole values, so that grep and cut see everything.
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

#define TABLE_GAP 2 /* columns between two cells */

struct cli_table {
	size_t ncols, nrows, cap;
	const char *const *headers;
	char **cells; /* nrows * ncols, owned */
};

struct cli_table *
cli_table_new(size_t ncols, const char *const *headers)
{
	struct cli_table *t = calloc(1, sizeof(*t));

	if (t != NULL) {
		t->ncols = ncols;
		t->headers = headers;
	}
	return t;
}

int
cli_table_add(struct cli_table *t, const char *const *cells)
{
	if (t->nrows == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		char **c = realloc(t->cells, cap * t->ncols * sizeof(*c));

		if (c == NULL)
			return -ENOMEM;
		t->cells = c;
		t->cap = cap;
	}
	for (size_t i = 0; i < t->ncols; i++) {
		char *s = strdup(cells[i] != NULL ? cells[i] : "");

		if (s == NULL) {
			while (i-- > 0)
				free(t->cells[t->nrows * t->ncols + i]);
			return -ENOMEM;
		}
		t->cells[t->nrows * t->ncols + i] = s;
	}
	t->nrows++;
	return 0;
}

/* Display width of a string (text the store checked: valid UTF-8, no controls). */
static size_t
width(const char *s)
{
	int w = u8_strwidth((const uint8_t *)s, "UTF-8");

	return w < 0 ? strlen(s) : (size_t)w;
}

/* Writes s cut to at most max columns (an ellipsis marks a cut), padded to pad columns. */
static void
put_cell(FILE *f, const char *s, size_t max, size_t pad)
{
	size_t w = width(s), used = 0, i = 0, n = strlen(s);

	if (w > max) {
		while (i < n) {
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
		fwrite(s, 1, i, f);
		if (max > 0) {
			fputs("…", f);
			used++;
		}
	} else {
		fputs(s, f);
		used = w;
	}
	while (used++ < pad)
		fputc(' ', f);
}

/* The terminal's width, or 0 when f is not a terminal. */
static size_t
terminal_width(FILE *f)
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

int
cli_table_print(struct cli_table *t, FILE *f)
{
	size_t term = terminal_width(f), *w = calloc(t->ncols ? t->ncols : 1, sizeof(*w));

	if (w == NULL)
		return -1;
	for (size_t c = 0; c < t->ncols; c++) {
		if (term > 0 && t->headers != NULL)
			w[c] = width(t->headers[c]);
		for (size_t r = 0; r < t->nrows; r++) {
			size_t cw = width(t->cells[r * t->ncols + c]);

			w[c] = cw > w[c] ? cw : w[c];
		}
	}
	for (size_t r = (term > 0 && t->headers != NULL) ? 0 : 1; r <= t->nrows; r++) {
		size_t used = 0;

		for (size_t c = 0; c < t->ncols; c++) {
			const char *s = r == 0 ? t->headers[c] : t->cells[(r - 1) * t->ncols + c];
			bool last = c + 1 == t->ncols;
			size_t max = term > 0 ? (term > used ? term - used : 0) : SIZE_MAX;

			if (term > 0 && max == 0)
				break;
			put_cell(f, s, max, last ? 0 : w[c]);
			if (last)
				break;
			fprintf(f, "%*s", TABLE_GAP, "");
			used += w[c] + TABLE_GAP;
		}
		fputc('\n', f);
	}
	free(w);
	return ferror(f) ? -1 : 0;
}

void
cli_table_free(struct cli_table *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t);
}
