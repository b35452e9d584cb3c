/*
 * armor: a card as text that survives mail and chat (proto/card.md, "The armored form").
 *
 *   -----BEGIN WALLFLOWER CARD-----
 *   kscBAYKhdgGja2V5xCD...              standard base64 (RFC 4648 section 4), padded,
 *   ...                                 ARMOR_LINE characters a line
 *   -----END WALLFLOWER CARD-----
 *
 * The decoder reads text from anyone: text around the blocks, several blocks, CRLF, quote
 * prefixes ("> ") and trailing blanks are tolerated; inside a block nothing else is. It is
 * bounded (ARMOR_TEXT_MAX bytes of text, ARMOR_BLOCKS_MAX blocks, ARMOR_DATA_MAX bytes a
 * block) and reports each block's verdict on its own, so that one damaged block does not
 * hide the others. It only undoes the armor: what the bytes are is card_decode's business.
 */
#ifndef WALLFLOWER_ARMOR_H
#define WALLFLOWER_ARMOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wallflower/card.h"

#define ARMOR_BEGIN      "-----BEGIN WALLFLOWER CARD-----"
#define ARMOR_END        "-----END WALLFLOWER CARD-----"
#define ARMOR_LINE       64                /* base64 characters a line, written */
#define ARMOR_LINE_MAX   76                /* base64 characters a line, read (MIME's limit) */
#define ARMOR_TEXT_MAX   (256 * 1024)      /* bytes of text read, blocks and all around them */
#define ARMOR_BLOCKS_MAX 64                /* blocks in one text */
#define ARMOR_DATA_MAX   CARD_ENVELOPE_MAX /* bytes a block decodes to */
#define ARMOR_PREFIX     " \t>"            /* a line may start with any run of these */

/* What a buffer looks like, by its first bytes (never by a file name). */
enum armor_kind {
	ARMOR_KIND_BINARY, /* anything else: a binary envelope, or not a card at all */
	ARMOR_KIND_TEXT,   /* holds an ARMOR_BEGIN line */
	ARMOR_KIND_PNG,    /* starts with the PNG signature */
	ARMOR_KIND_JPEG,   /* starts with a JPEG SOI marker and another marker */
};

/* Why a block is refused. */
enum armor_fault {
	ARMOR_OK,
	ARMOR_NO_END,     /* the text ends, or another BEGIN line comes, before the END line */
	ARMOR_BAD_CHAR,   /* a character outside the base64 alphabet inside the block */
	ARMOR_LONG_LINE,  /* a line of over ARMOR_LINE_MAX characters inside the block */
	ARMOR_BLANK_LINE, /* an empty line inside the block */
	ARMOR_PADDING,    /* '=' where it does not belong, a length that is not base64's, or
	                   * bits set that the encoding leaves zero */
	ARMOR_EMPTY,      /* nothing between BEGIN and END */
	ARMOR_TOO_BIG,    /* more than ARMOR_DATA_MAX bytes */
	ARMOR_FAULT_COUNT
};

struct armor_block {
	size_t line;            /* 1-based line of its BEGIN line */
	enum armor_fault fault; /* ARMOR_OK, or why it is refused */
	size_t fault_line;      /* 1-based line at fault, 0 when ARMOR_OK */
	uint8_t *data;          /* owned: the decoded bytes, NULL unless ARMOR_OK */
	size_t len;
};

struct armor_blocks {
	struct armor_block *v; /* owned */
	size_t n;
};

/* Classifies buf (len bytes). Pure; reads at most len bytes. */
enum armor_kind armor_sniff(const uint8_t *buf, size_t len);

/*
 * Finds and decodes every block of text (len bytes, not NUL-terminated; any bytes). out is
 * cleared on entry; each block found gets an entry in order, refused ones included.
 * 0 (out->n is 0 when no line is ARMOR_BEGIN); -EMSGSIZE when len > ARMOR_TEXT_MAX; -E2BIG
 * when there are over ARMOR_BLOCKS_MAX blocks; -ENOMEM. After an error out is empty.
 */
int armor_decode(const char *text, size_t len, struct armor_blocks *out)
        __attribute__((warn_unused_result));

/* Frees what out holds and leaves it empty. NULL is fine. */
void armor_blocks_clear(struct armor_blocks *out);

/*
 * The armored text of len bytes (1..ARMOR_DATA_MAX): the BEGIN line, base64 lines of
 * ARMOR_LINE characters (the last shorter), the END line, each ended by LF. *out is
 * NUL-terminated and owned by the caller; *outlen excludes the NUL. 0; -EMSGSIZE; -ENOMEM.
 */
int armor_encode(const uint8_t *data, size_t len, char **out, size_t *outlen)
        __attribute__((warn_unused_result));

/* A phrase for a fault, for "block at line 3: <phrase> (line 5)". */
const char *armor_fault_describe(enum armor_fault fault);

#endif
