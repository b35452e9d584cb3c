/*
 * qr: QR codes out (libqrencode) and in (zbar), and the pictures they travel in (PNG through
 * libpng, JPEG through libjpeg-turbo). The one file of the CLI that includes those
 * libraries' headers (a lint test keeps them out of every other file).
 *
 * Out: byte mode (one 8-bit segment), error correction QR_EC, a quiet zone of QR_QUIET
 * modules, drawn as half-block characters for a terminal, or written as PNG or SVG.
 * In: a PNG or JPEG (told apart by their first bytes), at most QR_IMAGE_FILE_MAX bytes and
 * QR_IMAGE_PIXELS_MAX pixels, scanned for QR codes whose exact bytes are returned (zbar's
 * binary mode: no guessing at a character set).
 */
#ifndef WALLFLOWER_CLI_QR_H
#define WALLFLOWER_CLI_QR_H

#include <stddef.h>
#include <stdint.h>

#include "cli.h"

#define QR_EC               'M'                /* error correction: about 15% of the code */
#define QR_QUIET            4                  /* modules of light margin, ISO/IEC 18004 */
#define QR_PNG_SCALE        8                  /* pixels a module in a PNG */
#define QR_DATA_MAX         2331               /* bytes version 40 holds at level M */
#define QR_IMAGE_FILE_MAX   (32 * 1024 * 1024) /* bytes of a PNG or JPEG read */
#define QR_IMAGE_PIXELS_MAX (48 * 1000 * 1000) /* pixels of one, decoded */
#define QR_CODES_MAX        16                 /* codes taken from one picture */

/*
 * Shows data (len bytes) as a QR code: path NULL draws it on standard output with half-block
 * characters (black on white, whatever the terminal's colours; refused with a message when
 * a terminal is too narrow for it); otherwise path names a PNG or SVG file by its ending,
 * written as -o files are (never one of the user's state files). *version, when not NULL,
 * gets the QR version used. 0, or -1 after saying why on stderr.
 */
int qr_show(struct cli *cli, const uint8_t *data, size_t len, const char *path, int *version);

/* The format a file name asks for: "png", "svg", or NULL for any other name. */
const char *qr_format_of(const char *path);

/* The smallest version (1..40) holding len bytes at QR_EC, or 0 when none does. */
int qr_version_for(const uint8_t *data, size_t len);

struct qr_code {
	uint8_t *data; /* owned */
	size_t len;
};

struct qr_codes {
	struct qr_code v[QR_CODES_MAX];
	size_t n;
};

/*
 * The QR codes in a PNG or JPEG image of len bytes (told apart by their first bytes), in
 * the order zbar finds them, at most QR_CODES_MAX. out is cleared on entry. 0 (n may be 0:
 * no code found); -EINVAL when the bytes are not an image that can be read, with why
 * (size bytes) saying so; -EFBIG over the bounds; -ENOMEM.
 */
int qr_scan(const uint8_t *img, size_t len, struct qr_codes *out, char *why, size_t size);

/* Frees what out holds and leaves it empty. */
void qr_codes_clear(struct qr_codes *out);

#endif
