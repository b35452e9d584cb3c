/*
 * ctl.c frames and decodes control messages (proto/control.md). It trusts nothing in a
 * body: the length is checked before any allocation, jansson parses with duplicate keys
 * refused and NUL bytes banned, and the decoded tree is walked once to enforce depth and
 * string bounds before anyone reads it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "wallflower/ctl.h"

int
ctl_frame_len(const uint8_t hdr[CTL_HEADER], size_t max, size_t *len)
{
	uint32_t n =
	        (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 | (uint32_t)hdr[2] << 8 | hdr[3];

	*len = 0;
	if (n == 0 || n > max)
		return -EMSGSIZE;
	*len = n;
	return 0;
}

/* Depth and string bounds, recursively. Depth counts containers (objects and arrays), as
 * the card and peer message rules do: a scalar inside the deepest container is fine. */
static const char *
check_tree(const json_t *v, int depth)
{
	const char *key;
	json_t *item;
	size_t i;

	if (depth > CTL_DEPTH_MAX && (json_is_object(v) || json_is_array(v)))
		return "nested too deeply";
	switch (json_typeof(v)) {
	case JSON_STRING:
		return json_string_length(v) > CTL_STRING_MAX ? "a string is too long" : NULL;
	case JSON_OBJECT:
		json_object_foreach((json_t *)v, key, item)
		{
			const char *why = check_tree(item, depth + 1);

			if (strlen(key) > CTL_STRING_MAX)
				return "a key is too long";
			if (why != NULL)
				return why;
		}
		return NULL;
	case JSON_ARRAY:
		json_array_foreach(v, i, item)
		{
			const char *why = check_tree(item, depth + 1);

			if (why != NULL)
				return why;
		}
		return NULL;
	default:
		return NULL;
	}
}

int
ctl_decode(const uint8_t *buf, size_t len, size_t max, json_t **out, const char **why)
{
	json_error_t err;
	json_t *v;
	const char *bad;

	*out = NULL;
	*why = NULL;
	if (len > max) {
		*why = "message too long";
		return -EMSGSIZE;
	}
	/* JSON_REJECT_DUPLICATES: one meaning per key. Without JSON_ALLOW_NUL, "\u0000" fails. */
	v = json_loadb((const char *)buf, len, JSON_REJECT_DUPLICATES, &err);
	if (v == NULL) {
		*why = "not valid JSON";
		return -EBADMSG;
	}
	if (!json_is_object(v))
		bad = "not a JSON object";
	else
		bad = check_tree(v, 1);
	if (bad != NULL) {
		json_decref(v);
		*why = bad;
		return -EBADMSG;
	}
	*out = v;
	return 0;
}

int
ctl_encode(const json_t *msg, size_t max, uint8_t **out, size_t *len)
{
	size_t n = json_dumpb(msg, NULL, 0, JSON_COMPACT);
	uint8_t *buf;

	*out = NULL;
	*len = 0;
	if (n == 0)
		return -ENOMEM;
	if (n > max)
		return -EMSGSIZE;
	if ((buf = malloc(CTL_HEADER + n)) == NULL)
		return -ENOMEM;
	if (json_dumpb(msg, (char *)buf + CTL_HEADER, n, JSON_COMPACT) != n) {
		free(buf);
		return -ENOMEM;
	}
	buf[0] = (uint8_t)(n >> 24);
	buf[1] = (uint8_t)(n >> 16);
	buf[2] = (uint8_t)(n >> 8);
	buf[3] = (uint8_t)n;
	*out = buf;
	*len = CTL_HEADER + n;
	return 0;
}

static const json_t *
field(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	return v == NULL || json_is_null(v) ? NULL : v;
}

int
ctl_get_str(const json_t *o, const char *key, size_t max, const char **out)
{
	const json_t *v = field(o, key);

	*out = NULL;
	if (v == NULL)
		return -ENOENT;
	if (!json_is_string(v) || json_string_length(v) > max)
		return -EINVAL;
	*out = json_string_value(v);
	return 0;
}

int
ctl_get_uint(const json_t *o, const char *key, uint64_t max, uint64_t *out)
{
	const json_t *v = field(o, key);

	*out = 0;
	if (v == NULL)
		return -ENOENT;
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    (uint64_t)json_integer_value(v) > max)
		return -EINVAL;
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

int
ctl_get_bool(const json_t *o, const char *key, bool *out)
{
	const json_t *v = field(o, key);

	*out = false;
	if (v == NULL)
		return -ENOENT;
	if (!json_is_boolean(v))
		return -EINVAL;
	*out = json_is_true(v);
	return 0;
}

json_t *
ctl_error(const char *code, const char *msg)
{
	return json_pack("{sbssss}", "ok", 0, "error", code, "msg", msg);
}

json_t *
ctl_ok(void)
{
	return json_pack("{sb}", "ok", 1);
}
