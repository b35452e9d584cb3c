/*
 * armor: a card or an introduction as text that survives mail and chat (proto/card.md,
 * "The armored form"; proto/introduction.md section 9, the same form with its own label).
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
 * hide the others. Each block says which label it had; a block opened by one label and
 * closed by the other's END line is refused (ARMOR_NO_END). It only undoes the armor: what
 * the bytes are is card_decode's or intro_check's business, chosen by the label.
 */
#ifndef WALLFLOWER_ARMOR_H
#define WALLFLOWER_ARMOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wallflower/card.h"

#define ARMOR_BEGIN       "-----BEGIN WALLFLOWER CARD-----"
#define ARMOR_END         "-----END WALLFLOWER CARD-----"
#define ARMOR_BEGIN_INTRO "-----BEGIN WALLFLOWER INTRODUCTION-----"
#define ARMOR_END_INTRO   "-----END WALLFLOWER INTRODUCTION-----"
#define ARMOR_LINE        64           /* base64 characters a line, written */
#define ARMOR_LINE_MAX    76           /* base64 characters a line, read (MIME's limit) */
#define ARMOR_TEXT_MAX    (256 * 1024) /* bytes of text read, blocks and all around them */
#define ARMOR_BLOCKS_MAX  64           /* blocks in one text */
/* Bytes a block decodes to, either label (armor.c asserts that INTRO_MAX is the same). */
#define ARMOR_DATA_MAX CARD_ENVELOPE_MAX
#define ARMOR_PREFIX   " \t>" /* a line may start with any run of these */

/* What a block says it holds, by its BEGIN line. */
enum armor_label {
	ARMOR_LABEL_CARD,  /* ARMOR_BEGIN: a card envelope (proto/card.md) */
	ARMOR_LABEL_INTRO, /* ARMOR_BEGIN_INTRO: an introduction object (proto/introduction.md) */
	ARMOR_LABEL_COUNT
};

/* What a buffer looks like, by its first bytes (never by a file name). */
enum armor_kind {
	ARMOR_KIND_BINARY, /* anything else: a binary envelope, or not a card at all */
	ARMOR_KIND_TEXT,   /* holds an ARMOR_BEGIN or ARMOR_BEGIN_INTRO line */
	ARMOR_KIND_PNG,    /* starts with the PNG signature */
	ARMOR_KIND_JPEG,   /* starts with a JPEG SOI marker and another marker */
};

/* Why a block is refused. */
enum armor_fault {
	ARMOR_OK,
	ARMOR_NO_END,     /* the text ends, or another BEGIN line comes, before the END line;
	                   * or the END line is the other label's (the block ends there) */
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
	enum armor_label label; /* which BEGIN line */
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
 * 0 (out->n is 0 when no line is a BEGIN line of either label); -EMSGSIZE when
 * len > ARMOR_TEXT_MAX; -E2BIG when there are over ARMOR_BLOCKS_MAX blocks; -ENOMEM.
 * After an error out is empty.
 */
int armor_decode(const char *text, size_t len, struct armor_blocks *out)
        __attribute__((warn_unused_result));

/* Frees what out holds and leaves it empty. NULL is fine. */
void armor_blocks_clear(struct armor_blocks *out);

/*
 * The armored text of len bytes (1..ARMOR_DATA_MAX) under label: its BEGIN line, base64
 * lines of ARMOR_LINE characters (the last shorter), its END line, each ended by LF. *out
 * is NUL-terminated and owned by the caller; *outlen excludes the NUL. 0; -EMSGSIZE;
 * -ENOMEM.
 */
int armor_encode_as(enum armor_label label, const uint8_t *data, size_t len, char **out,
                    size_t *outlen) __attribute__((warn_unused_result));

/* armor_encode_as with ARMOR_LABEL_CARD. */
int armor_encode(const uint8_t *data, size_t len, char **out, size_t *outlen)
        __attribute__((warn_unused_result));

/* The label's BEGIN and END lines (without line ends). label must be valid. */
const char *armor_label_begin(enum armor_label label);
const char *armor_label_end(enum armor_label label);

/* A phrase for a fault, for "block at line 3: <phrase> (line 5)". */
const char *armor_fault_describe(enum armor_fault fault);

#endif
