/*
 * wire.c owns msgpack-c. It trusts no input byte: wire_check proves every length, count
 * and depth against the bytes that remain before msgpack-c allocates anything. It must
 * never hand msgpack-c an unchecked buffer, and never let a view outlive its document.
 */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <msgpack.h>

#include "wallflower/wire.h"

/* Big-endian reads; the caller has checked that the bytes are there. */
static uint32_t
be(const uint8_t *p, size_t width)
{
	uint32_t v = 0;

	for (size_t i = 0; i < width; i++)
		v = v << 8 | p[i];
	return v;
}

struct walk {
	const uint8_t *buf;
	size_t len;
	size_t pos;
	unsigned depth_max;
};

static int walk_object(struct walk *w, unsigned depth);

/* Skips n bytes of payload. */
static int
walk_skip(struct walk *w, size_t n)
{
	if (n > w->len - w->pos)
		return -ENODATA;
	w->pos += n;
	return 0;
}

/* Reads a width-byte big-endian length that follows the type byte. */
static int
walk_length(struct walk *w, size_t width, uint32_t *n)
{
	if (width > w->len - w->pos)
		return -ENODATA;
	*n = be(w->buf + w->pos, width);
	w->pos += width;
	return 0;
}

/*
 * A container of count elements (maps: count = 2 * entries). Each element takes at least
 * one byte, so a count above the bytes left is truncated input, found before any
 * allocation happens.
 */
static int
walk_container(struct walk *w, uint64_t count, unsigned depth)
{
	int r;

	if (depth > w->depth_max)
		return -ELOOP;
	if (count > w->len - w->pos)
		return -ENODATA;
	for (uint64_t i = 0; i < count; i++)
		if ((r = walk_object(w, depth + 1)) < 0)
			return r;
	return 0;
}

/* Formats with a length field: str8/16/32, bin8/16/32, ext8/16/32 (which add a type byte). */
static int
walk_sized(struct walk *w, size_t width, size_t extra)
{
	uint32_t n;
	int r;

	if ((r = walk_length(w, width, &n)) < 0)
		return r;
	return walk_skip(w, (size_t)n + extra);
}

static int
walk_object(struct walk *w, unsigned depth)
{
	uint8_t b;
	uint32_t n;
	int r;

	if (w->pos >= w->len)
		return -ENODATA;
	b = w->buf[w->pos++];
	if (b <= 0x7f || b >= 0xe0)
		return 0; /* positive and negative fixint */
	if (b <= 0x8f)
		return walk_container(w, 2u * (b & 0x0f), depth);
	if (b <= 0x9f)
		return walk_container(w, b & 0x0f, depth);
	if (b <= 0xbf)
		return walk_skip(w, b & 0x1f);
	switch (b) {
	case 0xc0: /* nil */
	case 0xc2: /* false */
	case 0xc3: /* true */
		return 0;
	case 0xc1:
		return -EBADMSG; /* never used by msgpack */
	case 0xc4:
	case 0xd9:
		return walk_sized(w, 1, 0);
	case 0xc5:
	case 0xda:
		return walk_sized(w, 2, 0);
	case 0xc6:
	case 0xdb:
		return walk_sized(w, 4, 0);
	case 0xc7:
		return walk_sized(w, 1, 1);
	case 0xc8:
		return walk_sized(w, 2, 1);
	case 0xc9:
		return walk_sized(w, 4, 1);
	case 0xca:
		return walk_skip(w, 4);
	case 0xcb:
		return walk_skip(w, 8);
	case 0xcc:
	case 0xd0:
		return walk_skip(w, 1);
	case 0xcd:
	case 0xd1:
		return walk_skip(w, 2);
	case 0xce:
	case 0xd2:
		return walk_skip(w, 4);
	case 0xcf:
	case 0xd3:
		return walk_skip(w, 8);
	case 0xd4:
		return walk_skip(w, 2);
	case 0xd5:
		return walk_skip(w, 3);
	case 0xd6:
		return walk_skip(w, 5);
	case 0xd7:
		return walk_skip(w, 9);
	case 0xd8:
		return walk_skip(w, 17);
	case 0xdc:
	case 0xdd:
		if ((r = walk_length(w, b == 0xdc ? 2 : 4, &n)) < 0)
			return r;
		return walk_container(w, n, depth);
	case 0xde:
	case 0xdf:
		if ((r = walk_length(w, b == 0xde ? 2 : 4, &n)) < 0)
			return r;
		return walk_container(w, 2 * (uint64_t)n, depth);
	}
	return -EBADMSG; /* unreachable: every byte value is covered above */
}

int
wire_check(const uint8_t *buf, size_t len, unsigned depth_max, size_t *used)
{
	struct walk w = { .buf = buf, .len = len, .pos = 0, .depth_max = depth_max };
	int r;

	assert(depth_max <= WIRE_DEPTH_LIMIT); /* bounds the recursion */
	*used = 0;
	if ((r = walk_object(&w, 1)) < 0)
		return r;
	*used = w.pos;
	return 0;
}

struct wire_doc {
	msgpack_unpacked unpacked;
};

int
wire_doc_parse(const uint8_t *buf, size_t len, unsigned depth_max, struct wire_doc **out)
{
	struct wire_doc *doc;
	size_t used, off = 0;
	msgpack_unpack_return ret;
	int r;

	*out = NULL;
	if ((r = wire_check(buf, len, depth_max, &used)) < 0)
		return r;
	if (used != len)
		return -ENOTEMPTY;
	if ((doc = calloc(1, sizeof(*doc))) == NULL)
		return -ENOMEM;
	msgpack_unpacked_init(&doc->unpacked);
	ret = msgpack_unpack_next(&doc->unpacked, (const char *)buf, len, &off);
	if (ret != MSGPACK_UNPACK_SUCCESS || off != len) {
		/* wire_check accepted it, so only memory can be short here */
		wire_doc_free(doc);
		return ret == MSGPACK_UNPACK_NOMEM_ERROR ? -ENOMEM : -EBADMSG;
	}
	*out = doc;
	return 0;
}

void
wire_doc_free(struct wire_doc *doc)
{
	if (doc == NULL)
		return;
	msgpack_unpacked_destroy(&doc->unpacked);
	free(doc);
}

/* A wire_obj is a msgpack_object seen through an opaque type. */
static const msgpack_object *
mo(const struct wire_obj *o)
{
	return (const msgpack_object *)(const void *)o;
}

static const struct wire_obj *
wo(const msgpack_object *o)
{
	return (const struct wire_obj *)(const void *)o;
}

const struct wire_obj *
wire_doc_root(const struct wire_doc *doc)
{
	return wo(&doc->unpacked.data);
}

enum wire_type
wire_type(const struct wire_obj *o)
{
	switch (mo(o)->type) {
	case MSGPACK_OBJECT_NIL:
		return WIRE_NIL;
	case MSGPACK_OBJECT_BOOLEAN:
		return WIRE_BOOL;
	case MSGPACK_OBJECT_POSITIVE_INTEGER:
		return WIRE_UINT;
	case MSGPACK_OBJECT_NEGATIVE_INTEGER:
		return WIRE_NEGINT;
	case MSGPACK_OBJECT_FLOAT32:
	case MSGPACK_OBJECT_FLOAT64:
		return WIRE_FLOAT;
	case MSGPACK_OBJECT_STR:
		return WIRE_STR;
	case MSGPACK_OBJECT_BIN:
		return WIRE_BIN;
	case MSGPACK_OBJECT_ARRAY:
		return WIRE_ARRAY;
	case MSGPACK_OBJECT_MAP:
		return WIRE_MAP;
	case MSGPACK_OBJECT_EXT:
		return WIRE_EXT;
	}
	return WIRE_EXT;
}

int
wire_get_bool(const struct wire_obj *o, bool *v)
{
	if (mo(o)->type != MSGPACK_OBJECT_BOOLEAN)
		return -EINVAL;
	*v = mo(o)->via.boolean;
	return 0;
}

int
wire_get_uint(const struct wire_obj *o, uint64_t *v)
{
	if (mo(o)->type != MSGPACK_OBJECT_POSITIVE_INTEGER)
		return -EINVAL;
	*v = mo(o)->via.u64;
	return 0;
}

int
wire_get_str(const struct wire_obj *o, const char **p, size_t *n)
{
	if (mo(o)->type != MSGPACK_OBJECT_STR)
		return -EINVAL;
	*p = mo(o)->via.str.ptr;
	*n = mo(o)->via.str.size;
	return 0;
}

int
wire_get_bin(const struct wire_obj *o, const uint8_t **p, size_t *n)
{
	if (mo(o)->type != MSGPACK_OBJECT_BIN)
		return -EINVAL;
	*p = (const uint8_t *)mo(o)->via.bin.ptr;
	*n = mo(o)->via.bin.size;
	return 0;
}

size_t
wire_count(const struct wire_obj *o)
{
	if (mo(o)->type == MSGPACK_OBJECT_ARRAY)
		return mo(o)->via.array.size;
	if (mo(o)->type == MSGPACK_OBJECT_MAP)
		return mo(o)->via.map.size;
	return 0;
}

const struct wire_obj *
wire_item(const struct wire_obj *o, size_t i)
{
	assert(mo(o)->type == MSGPACK_OBJECT_ARRAY && i < mo(o)->via.array.size);
	return wo(&mo(o)->via.array.ptr[i]);
}

const struct wire_obj *
wire_key(const struct wire_obj *o, size_t i)
{
	assert(mo(o)->type == MSGPACK_OBJECT_MAP && i < mo(o)->via.map.size);
	return wo(&mo(o)->via.map.ptr[i].key);
}

const struct wire_obj *
wire_val(const struct wire_obj *o, size_t i)
{
	assert(mo(o)->type == MSGPACK_OBJECT_MAP && i < mo(o)->via.map.size);
	return wo(&mo(o)->via.map.ptr[i].val);
}

const struct wire_obj *
wire_map_get(const struct wire_obj *o, const char *name)
{
	size_t len = strlen(name);

	for (size_t i = 0; i < wire_count(o); i++) {
		const char *k;
		size_t n;

		if (wire_get_str(wire_key(o, i), &k, &n) == 0 && n == len &&
		    memcmp(k, name, n) == 0)
			return wire_val(o, i);
	}
	return NULL;
}

struct wire_out {
	msgpack_packer pk;
	uint8_t *buf;
	size_t len;
	size_t cap;
	size_t max;
	int err;
};

/* msgpack_packer's sink: grows the buffer up to max, then fails for good. */
static int
out_write(void *data, const char *bytes, size_t n)
{
	struct wire_out *w = data;

	if (w->err != 0)
		return -1;
	if (n > w->max - w->len) {
		w->err = -EMSGSIZE;
		return -1;
	}
	if (w->len + n > w->cap) {
		size_t cap = w->cap ? w->cap : 256;
		uint8_t *grown;

		while (cap < w->len + n)
			cap *= 2;
		if (cap > w->max)
			cap = w->max;
		if ((grown = realloc(w->buf, cap)) == NULL) {
			w->err = -ENOMEM;
			return -1;
		}
		w->buf = grown;
		w->cap = cap;
	}
	memcpy(w->buf + w->len, bytes, n);
	w->len += n;
	return 0;
}

int
wire_out_new(size_t max, struct wire_out **out)
{
	struct wire_out *w;

	*out = NULL;
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return -ENOMEM;
	w->max = max;
	msgpack_packer_init(&w->pk, w, out_write);
	*out = w;
	return 0;
}

void
wire_out_free(struct wire_out *w)
{
	if (w == NULL)
		return;
	free(w->buf);
	free(w);
}

void
wire_put_map(struct wire_out *w, uint32_t n)
{
	(void)msgpack_pack_map(&w->pk, n);
}

void
wire_put_array(struct wire_out *w, uint32_t n)
{
	(void)msgpack_pack_array(&w->pk, n);
}

void
wire_put_str(struct wire_out *w, const char *s, size_t n)
{
	if (n > UINT32_MAX) {
		w->err = w->err ? w->err : -EMSGSIZE;
		return;
	}
	if (msgpack_pack_str(&w->pk, n) == 0 && n > 0)
		(void)msgpack_pack_str_body(&w->pk, s, n);
}

void
wire_put_cstr(struct wire_out *w, const char *s)
{
	wire_put_str(w, s, strlen(s));
}

void
wire_put_bin(struct wire_out *w, const uint8_t *p, size_t n)
{
	if (n > UINT32_MAX) {
		w->err = w->err ? w->err : -EMSGSIZE;
		return;
	}
	if (msgpack_pack_bin(&w->pk, n) == 0 && n > 0)
		(void)msgpack_pack_bin_body(&w->pk, p, n);
}

void
wire_put_uint(struct wire_out *w, uint64_t v)
{
	(void)msgpack_pack_uint64(&w->pk, v);
}

void
wire_put_bool(struct wire_out *w, bool v)
{
	if (v)
		(void)msgpack_pack_true(&w->pk);
	else
		(void)msgpack_pack_false(&w->pk);
}

void
wire_put_nil(struct wire_out *w)
{
	(void)msgpack_pack_nil(&w->pk);
}

int
wire_out_error(const struct wire_out *w)
{
	return w->err;
}

size_t
wire_out_len(const struct wire_out *w)
{
	return w->len;
}

int
wire_out_take(struct wire_out *w, uint8_t **buf, size_t *len)
{
	*buf = NULL;
	*len = 0;
	if (w->err != 0)
		return w->err;
	if (w->buf == NULL && (w->buf = malloc(1)) == NULL)
		return -ENOMEM;
	*buf = w->buf;
	*len = w->len;
	w->buf = NULL;
	w->len = w->cap = 0;
	return 0;
}
