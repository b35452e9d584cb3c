/*
 * import.h: what `import` (cmd_import.c) shares with the readers of its other formats
 * (import_vcard.c): the context of one run, and the reading of one input.
 */
#ifndef WALLFLOWER_CLI_IMPORT_H
#define WALLFLOWER_CLI_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli.h"

/* What every file shares. */
struct import_ctx {
	struct store *st;
	const struct identity *me; /* or NULL: no identity yet */
	const struct contact *via; /* or NULL */
	const char *event;         /* or NULL */
	uint64_t now;
	bool several; /* more than one file: lines start with the file's name */
};

/*
 * Imports the vCards of one file (vcard_sniff said it holds some) as unverified contacts,
 * all of them or, when one is bad, none. One line per contact on stdout. 0, or -1 after
 * saying why on stderr.
 */
int import_vcards(const struct import_ctx *x, const char *path, const uint8_t *buf, size_t len);

/*
 * Takes the introductions (asks, intros, replies) armored in a text, each checked for our
 * identity and taken as over the LAN (import_intro.c); one line each. *intros and *cards
 * count the blocks of each label (the card reader takes the others). 0, or -1 when any
 * introduction was refused (said).
 */
int import_intros(const struct import_ctx *x, const char *path, const uint8_t *buf, size_t len,
                  size_t *intros, size_t *cards);

#endif
