/*
 * wire: the msgpack adapter, the only module that includes msgpack.h.
 *
 * msgpack-c has no limits of its own (a 5-byte array32 header makes 4.0 ask for ~128 GiB),
 * so nothing reaches it unchecked: wire_check walks the bytes first, proves that every
 * declared length and element count fits in the bytes that remain and that nesting stays
 * within a depth, and only then does wire_doc_parse let msgpack-c build the object tree.
 * Every element takes at least one input byte, so the tree has at most len elements.
 *
 * Reading: a parsed document hands out read-only views (struct wire_obj) with typed
 * getters. Writing: a bounded buffer with a sticky error, so a caller can write a whole
 * structure and check once at the end.
 */
#ifndef WALLFLOWER_WIRE_H
#define WALLFLOWER_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WIRE_WUR __attribute__((warn_unused_result))

#define WIRE_DEPTH_LIMIT 32 /* the most depth a caller may ask for: msgpack-c's own stack */

enum wire_type {
	WIRE_NIL,
	WIRE_BOOL,
	WIRE_UINT, /* any integer >= 0, whatever its encoding */
	WIRE_NEGINT,
	WIRE_FLOAT,
	WIRE_STR,
	WIRE_BIN,
	WIRE_ARRAY,
	WIRE_MAP,
	WIRE_EXT,
};

/*
 * Walks the one msgpack object at the start of buf[0..len) without allocating.
 * 0 with *used = its length in bytes; -ENODATA when the bytes end inside it (truncated);
 * -EBADMSG for the reserved byte 0xc1; -ELOOP when containers nest deeper than depth_max
 * (a top-level array or map is depth 1).
 */
int wire_check(const uint8_t *buf, size_t len, unsigned depth_max, size_t *used) WIRE_WUR;

struct wire_doc;
struct wire_obj; /* a view into a wire_doc, valid while the doc lives */

/*
 * Checks (as wire_check) and decodes exactly one object filling all of buf[0..len).
 * The document borrows buf: strings and bins point into it, so buf must outlive *out.
 * 0; -ENODATA, -EBADMSG, -ELOOP as wire_check; -ENOTEMPTY when bytes follow the object;
 * -ENOMEM.
 */
int wire_doc_parse(const uint8_t *buf, size_t len, unsigned depth_max,
                   struct wire_doc **out) WIRE_WUR;

/* Frees a document. NULL is fine. */
void wire_doc_free(struct wire_doc *doc);

/* The top-level object. */
const struct wire_obj *wire_doc_root(const struct wire_doc *doc);

enum wire_type wire_type(const struct wire_obj *o);

/* Typed getters: 0, or -EINVAL when o has another type (outputs untouched). */
int wire_get_bool(const struct wire_obj *o, bool *v) WIRE_WUR;
int wire_get_uint(const struct wire_obj *o, uint64_t *v) WIRE_WUR;
/* Strings are not NUL-terminated. */
int wire_get_str(const struct wire_obj *o, const char **p, size_t *n) WIRE_WUR;
int wire_get_bin(const struct wire_obj *o, const uint8_t **p, size_t *n) WIRE_WUR;

/* Element count of an array or map (entries), 0 for anything else. */
size_t wire_count(const struct wire_obj *o);
/* Element i of an array; i < wire_count(o). */
const struct wire_obj *wire_item(const struct wire_obj *o, size_t i);
/* Key and value of entry i of a map; i < wire_count(o). */
const struct wire_obj *wire_key(const struct wire_obj *o, size_t i);
const struct wire_obj *wire_val(const struct wire_obj *o, size_t i);
/* The value of the first entry of map o whose key is the string name (exact bytes), or
 * NULL (none, or o is not a map). Callers that refuse duplicate keys get the one. */
const struct wire_obj *wire_map_get(const struct wire_obj *o, const char *name);

struct wire_out;

/* A writer whose output may grow to max bytes. 0 or -ENOMEM. */
int wire_out_new(size_t max, struct wire_out **out) WIRE_WUR;
/* Frees a writer and its buffer. NULL is fine. */
void wire_out_free(struct wire_out *w);

/* Writers: after the first failure (-EMSGSIZE past max, -ENOMEM) every later call does
 * nothing, and wire_out_error and wire_out_take report it. */
void wire_put_map(struct wire_out *w, uint32_t n);
void wire_put_array(struct wire_out *w, uint32_t n);
void wire_put_str(struct wire_out *w, const char *s, size_t n);
void wire_put_cstr(struct wire_out *w, const char *s);
void wire_put_bin(struct wire_out *w, const uint8_t *p, size_t n);
void wire_put_uint(struct wire_out *w, uint64_t v);
void wire_put_bool(struct wire_out *w, bool v);
void wire_put_nil(struct wire_out *w);

/* 0, or the first error. */
int wire_out_error(const struct wire_out *w) WIRE_WUR;

/* Bytes written so far. */
size_t wire_out_len(const struct wire_out *w);

/*
 * Moves the output to the caller (*buf, *len; free with free()) and empties the writer.
 * 0, or the first error (and nothing is moved).
 */
int wire_out_take(struct wire_out *w, uint8_t **buf, size_t *len) WIRE_WUR;

#endif
