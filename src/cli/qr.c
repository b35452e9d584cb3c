/*
 * qr.c: QR codes out and in (qr.h). The one place that talks to libqrencode, zbar, libpng
 * and libjpeg: a lint test keeps their headers out of every other file.
 *
 * What goes out is ours. What comes in is a picture from anyone: its size is capped before
 * it is read, its dimensions before any pixel is allocated, and libjpeg's errors, which
 * would end the process, are caught and turned into a message. The bytes zbar finds are
 * returned as they are; what they mean (a card, armor) is decided by the caller's parsers.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <jpeglib.h>
#include <png.h>
#include <qrencode.h>
#include <zbar.h>

#include "qr.h"
#include "wallflower/file.h"

/* --- Out ------------------------------------------------------------------------------- */

static QRcode *
encode(const uint8_t *data, size_t len)
{
	if (len == 0 || len > QR_DATA_MAX)
		return NULL;
	/* Version 0: the smallest that holds the bytes. QR_EC names this level in messages. */
	return QRcode_encodeData((int)len, data, 0, QR_ECLEVEL_M);
}

int
qr_version_for(const uint8_t *data, size_t len)
{
	QRcode *q = encode(data, len);
	int v = q != NULL ? q->version : 0;

	QRcode_free(q);
	return v;
}

/* Whether the module at (x, y) of the picture with its quiet zone is dark. */
static int
dark(const QRcode *q, int x, int y)
{
	x -= QR_QUIET;
	y -= QR_QUIET;
	if (x < 0 || y < 0 || x >= q->width || y >= q->width)
		return 0;
	return q->data[y * q->width + x] & 1;
}

/*
 * Two rows of modules a line: black on white set explicitly (SGR 30 and 107), so that a
 * dark terminal theme does not invert the code, which many readers then miss.
 */
static int
draw_terminal(const QRcode *q, FILE *out)
{
	static const char *const glyph[4] = { " ", "\u2584", "\u2580", "\u2588" };
	int side = q->width + 2 * QR_QUIET;

	for (int y = 0; y < side; y += 2) {
		fputs("\033[30;107m", out);
		for (int x = 0; x < side; x++)
			fputs(glyph[dark(q, x, y) << 1 | dark(q, x, y + 1)], out);
		fputs("\033[0m\n", out);
	}
	return fflush(out) == 0 && !ferror(out) ? 0 : -EIO;
}

/* A 8-bit grey PNG, QR_PNG_SCALE pixels a module, in memory. */
static int
render_png(const QRcode *q, uint8_t **out, size_t *len)
{
	int side = (q->width + 2 * QR_QUIET) * QR_PNG_SCALE;
	png_image image;
	png_alloc_size_t size = 0;
	uint8_t *px = malloc((size_t)side * (size_t)side);
	int e = -ENOMEM;

	*out = NULL;
	if (px == NULL)
		return -ENOMEM;
	for (int y = 0; y < side; y++)
		for (int x = 0; x < side; x++)
			px[(size_t)y * (size_t)side + (size_t)x] =
			        dark(q, x / QR_PNG_SCALE, y / QR_PNG_SCALE) ? 0 : 255;
	memset(&image, 0, sizeof(image));
	image.version = PNG_IMAGE_VERSION;
	image.width = (png_uint_32)side;
	image.height = (png_uint_32)side;
	image.format = PNG_FORMAT_GRAY;
	if (!png_image_write_to_memory(&image, NULL, &size, 0, px, 0, NULL))
		goto fail;
	if ((*out = malloc(size)) == NULL)
		goto out;
	if (!png_image_write_to_memory(&image, *out, &size, 0, px, 0, NULL))
		goto fail;
	*len = size;
	e = 0;
	goto out;
fail:
	e = -EIO;
	free(*out);
	*out = NULL;
out:
	png_image_free(&image);
	free(px);
	return e;
}

/* An SVG: one path of the dark modules, runs of a row joined. */
static int
render_svg(const QRcode *q, uint8_t **out, size_t *len)
{
	int side = q->width + 2 * QR_QUIET;
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	*out = NULL;
	if (f == NULL)
		return -ENOMEM;
	fprintf(f,
	        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	        "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" viewBox=\"0 0 %d %d\" "
	        "width=\"%d\" height=\"%d\" shape-rendering=\"crispEdges\">\n"
	        "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n<path fill=\"#000000\" d=\"",
	        side, side, side * QR_PNG_SCALE, side * QR_PNG_SCALE, side, side);
	for (int y = 0; y < side; y++)
		for (int x = 0; x < side; x++) {
			int run = 0;

			while (x + run < side && dark(q, x + run, y))
				run++;
			if (run > 0)
				fprintf(f, "M%d %dh%dv1h-%dz", x, y, run, run);
			x += run;
		}
	fputs("\"/>\n</svg>\n", f);
	if (ferror(f) || fclose(f) != 0) {
		free(buf);
		return -ENOMEM;
	}
	*out = (uint8_t *)buf;
	return 0;
}

const char *
qr_format_of(const char *path)
{
	const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');

	if (dot == NULL || (slash != NULL && dot < slash) || dot == path || dot[-1] == '/')
		return NULL;
	if (strcasecmp(dot + 1, "png") == 0)
		return "png";
	if (strcasecmp(dot + 1, "svg") == 0)
		return "svg";
	return NULL;
}

static int
show_terminal(const QRcode *q)
{
	size_t cols = (size_t)(q->width + 2 * QR_QUIET), have = cli_terminal_width(stdout);

	if (have > 0 && have < cols) {
		cli_error("the QR code is %zu columns wide and the terminal %zu: widen it, or "
		          "use -o FILE.png",
		          cols, have);
		return -1;
	}
	if (draw_terminal(q, stdout) < 0) {
		cli_error("cannot write the QR code to standard output");
		return -1;
	}
	return 0;
}

static int
show_file(struct cli *cli, const QRcode *q, const char *path)
{
	const char *fmt = qr_format_of(path);
	uint8_t *buf = NULL;
	size_t len = 0;
	int e;

	if (fmt == NULL) {
		cli_error("a QR code is written as FILE.png or FILE.svg, not %s",
		          cli_quote_path(path));
		return -1;
	}
	if (cli_is_state_file(cli, path)) {
		cli_error("%s is one of your own key or store files; refusing to overwrite it",
		          cli_quote_path(path));
		return -1;
	}
	e = strcmp(fmt, "png") == 0 ? render_png(q, &buf, &len) : render_svg(q, &buf, &len);
	if (e < 0) {
		cli_error("cannot draw the QR code: %s", strerror(-e));
		return -1;
	}
	e = file_write_output(path, buf, len, 0644);
	free(buf);
	if (e < 0) {
		cli_error("cannot write %s: %s", cli_quote_path(path), file_output_strerror(e));
		return -1;
	}
	return 0;
}

int
qr_show(struct cli *cli, const uint8_t *data, size_t len, const char *path, int *version)
{
	QRcode *q;
	int r;

	if (len > QR_DATA_MAX) {
		cli_error("%zu bytes do not fit in a QR code (at most %d at level %c)", len,
		          QR_DATA_MAX, QR_EC);
		return -1;
	}
	if ((q = encode(data, len)) == NULL) {
		cli_error("cannot make the QR code: %s", strerror(errno));
		return -1;
	}
	if (version != NULL)
		*version = q->version;
	r = path == NULL ? show_terminal(q) : show_file(cli, q, path);
	QRcode_free(q);
	return r;
}

/* --- In: pictures ---------------------------------------------------------------------- */

struct gray {
	uint8_t *px; /* width * height bytes, owned */
	unsigned width, height;
};

static int
too_big(unsigned width, unsigned height, char *why, size_t size)
{
	if (width == 0 || height == 0 || (unsigned long long)width * height > QR_IMAGE_PIXELS_MAX) {
		snprintf(why, size, "a picture of %ux%u pixels (at most %d million are read)",
		         width, height, QR_IMAGE_PIXELS_MAX / 1000000);
		return -EFBIG;
	}
	return 0;
}

static int
read_png(const uint8_t *buf, size_t len, struct gray *g, char *why, size_t size)
{
	png_image image;
	png_color white = { 255, 255, 255 };
	int e;

	memset(&image, 0, sizeof(image));
	image.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_memory(&image, buf, len)) {
		snprintf(why, size, "not a PNG that can be read (%s)", image.message);
		png_image_free(&image);
		return -EINVAL;
	}
	if ((e = too_big(image.width, image.height, why, size)) < 0) {
		png_image_free(&image);
		return e;
	}
	image.format = PNG_FORMAT_GRAY;
	g->width = image.width;
	g->height = image.height;
	if ((g->px = malloc(PNG_IMAGE_SIZE(image))) == NULL) {
		png_image_free(&image);
		return -ENOMEM;
	}
	/* Transparency is composed onto white: a code drawn on nothing is on paper. */
	if (!png_image_finish_read(&image, &white, g->px, 0, NULL)) {
		snprintf(why, size, "a damaged PNG (%s)", image.message);
		png_image_free(&image);
		return -EINVAL;
	}
	return 0;
}

/* libjpeg ends the process on an error unless error_exit jumps back. */
struct jpeg_err {
	struct jpeg_error_mgr mgr;
	jmp_buf jump;
	char msg[JMSG_LENGTH_MAX];
};

static void
jpeg_fail(j_common_ptr cinfo)
{
	struct jpeg_err *je = (struct jpeg_err *)(void *)cinfo->err;

	je->mgr.format_message(cinfo, je->msg);
	longjmp(je->jump, 1);
}

static void
jpeg_quiet(j_common_ptr cinfo, int level)
{
	(void)cinfo;
	(void)level; /* warnings (a truncated file is one) are not ours to print */
}

static int
read_jpeg(const uint8_t *buf, size_t len, struct gray *g, char *why, size_t size)
{
	struct jpeg_decompress_struct cinfo;
	struct jpeg_err je;
	/* Set before setjmp and read after longjmp: volatile, so the value survives. */
	uint8_t *volatile px = NULL;
	int e;

	cinfo.err = jpeg_std_error(&je.mgr);
	je.mgr.error_exit = jpeg_fail;
	je.mgr.emit_message = jpeg_quiet;
	if (setjmp(je.jump)) {
		snprintf(why, size, "not a JPEG that can be read (%s)", je.msg);
		jpeg_destroy_decompress(&cinfo);
		free(px);
		return -EINVAL;
	}
	jpeg_create_decompress(&cinfo);
	jpeg_mem_src(&cinfo, buf, (unsigned long)len);
	jpeg_read_header(&cinfo, TRUE);
	if ((e = too_big(cinfo.image_width, cinfo.image_height, why, size)) < 0) {
		jpeg_destroy_decompress(&cinfo);
		return e;
	}
	cinfo.out_color_space = JCS_GRAYSCALE;
	jpeg_start_decompress(&cinfo);
	if ((px = malloc((size_t)cinfo.output_width * cinfo.output_height)) == NULL) {
		jpeg_destroy_decompress(&cinfo);
		return -ENOMEM;
	}
	while (cinfo.output_scanline < cinfo.output_height) {
		JSAMPROW row = px + (size_t)cinfo.output_scanline * cinfo.output_width;

		jpeg_read_scanlines(&cinfo, &row, 1);
	}
	jpeg_finish_decompress(&cinfo);
	g->width = cinfo.output_width;
	g->height = cinfo.output_height;
	g->px = px;
	jpeg_destroy_decompress(&cinfo);
	return 0;
}

/* --- In: codes ------------------------------------------------------------------------- */

static int
scan_gray(const struct gray *g, struct qr_codes *out)
{
	zbar_image_scanner_t *sc = zbar_image_scanner_create();
	zbar_image_t *img = zbar_image_create();
	const zbar_symbol_t *sym;
	int e = 0;

	if (sc == NULL || img == NULL) {
		e = -ENOMEM;
		goto out;
	}
	zbar_image_scanner_set_config(sc, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
	zbar_image_scanner_set_config(sc, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
	/* The exact bytes: a card is binary, and text is for our parsers to judge. */
	zbar_image_scanner_set_config(sc, ZBAR_QRCODE, ZBAR_CFG_BINARY, 1);
	/* Light on dark too: a screenshot of a terminal that drew a code in its own colours. */
	zbar_image_scanner_set_config(sc, ZBAR_NONE, ZBAR_CFG_TEST_INVERTED, 1);
	zbar_image_set_format(img, zbar_fourcc('Y', '8', '0', '0'));
	zbar_image_set_size(img, g->width, g->height);
	zbar_image_set_data(img, g->px, (unsigned long)g->width * g->height, NULL);
	if (zbar_scan_image(sc, img) < 0) {
		e = -EIO;
		goto out;
	}
	for (sym = zbar_image_first_symbol(img); sym != NULL && out->n < QR_CODES_MAX;
	     sym = zbar_symbol_next(sym)) {
		struct qr_code *c = &out->v[out->n];

		if (zbar_symbol_get_type(sym) != ZBAR_QRCODE)
			continue;
		c->len = zbar_symbol_get_data_length(sym);
		if ((c->data = malloc(c->len > 0 ? c->len : 1)) == NULL) {
			e = -ENOMEM;
			goto out;
		}
		memcpy(c->data, zbar_symbol_get_data(sym), c->len);
		out->n++;
	}
out:
	if (img != NULL)
		zbar_image_destroy(img);
	if (sc != NULL)
		zbar_image_scanner_destroy(sc);
	if (e < 0)
		qr_codes_clear(out);
	return e;
}

int
qr_scan(const uint8_t *img, size_t len, struct qr_codes *out, char *why, size_t size)
{
	static const uint8_t png_sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	struct gray g = { 0 };
	int e;

	memset(out, 0, sizeof(*out));
	snprintf(why, size, "not a PNG or JPEG picture");
	if (len > QR_IMAGE_FILE_MAX) {
		snprintf(why, size, "a picture of over %d MiB", QR_IMAGE_FILE_MAX >> 20);
		return -EFBIG;
	}
	if (len >= sizeof(png_sig) && memcmp(img, png_sig, sizeof(png_sig)) == 0)
		e = read_png(img, len, &g, why, size);
	else if (len >= 3 && img[0] == 0xff && img[1] == 0xd8 && img[2] == 0xff)
		e = read_jpeg(img, len, &g, why, size);
	else
		e = -EINVAL;
	if (e == 0)
		e = scan_gray(&g, out);
	free(g.px);
	return e;
}

void
qr_codes_clear(struct qr_codes *out)
{
	for (size_t i = 0; i < out->n; i++)
		free(out->v[i].data);
	memset(out, 0, sizeof(*out));
}
