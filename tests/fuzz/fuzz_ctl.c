/*
 * libFuzzer harness: arbitrary bytes as one control-message body (ctl_decode, as the daemon
 * reads a request). Invariants: no crash or leak; a refusal is -EBADMSG or -EMSGSIZE with a
 * reason and no tree; an accepted tree is an object within the string and depth bounds,
 * the typed getters agree with jansson's view of every member, and it encodes (ctl_encode)
 * to a frame that decodes back to an equal tree and encodes again to the same bytes.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wallflower/ctl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond))                                                                       \
			abort();                                                                   \
	} while (0)

/* Keys the daemon reads, and the most members of one object the getters are tried on. */
static const char *const keys[] = { "cmd", "peer", "card", "note", "id", "for", "all", "ok" };
#define MEMBERS_MAX 16

/* Containers are depth 1 at the top; scalars have none. Strings hold no NUL. */
static int
depth(const json_t *v)
{
	const char *key;
	json_t *item;
	size_t i;
	int most = 0, d;

	switch (json_typeof(v)) {
	case JSON_STRING:
		CHECK(json_string_length(v) <= CTL_STRING_MAX);
		CHECK(strlen(json_string_value(v)) == json_string_length(v));
		return 0;
	case JSON_OBJECT:
		json_object_foreach((json_t *)v, key, item)
		{
			CHECK(strlen(key) <= CTL_STRING_MAX);
			if ((d = depth(item)) > most)
				most = d;
		}
		return most + 1;
	case JSON_ARRAY:
		json_array_foreach(v, i, item)
		{
			if ((d = depth(item)) > most)
				most = d;
		}
		return most + 1;
	default:
		return 0;
	}
}

/* Each getter against the member's type, at a bound below, at and above its value. */
static void
getters(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);
	bool absent = v == NULL || json_is_null(v), b;
	const char *s;
	uint64_t u;
	size_t n;
	int r;

	r = ctl_get_str(o, key, CTL_STRING_MAX, &s);
	if (absent)
		CHECK(r == -ENOENT && s == NULL);
	else if (!json_is_string(v))
		CHECK(r == -EINVAL && s == NULL);
	else {
		CHECK(r == 0 && s == json_string_value(v));
		n = json_string_length(v);
		CHECK(ctl_get_str(o, key, n, &s) == 0);
		if (n > 0)
			CHECK(ctl_get_str(o, key, n - 1, &s) == -EINVAL && s == NULL);
	}
	r = ctl_get_uint(o, key, UINT64_MAX, &u);
	if (absent)
		CHECK(r == -ENOENT && u == 0);
	else if (!json_is_integer(v) || json_integer_value(v) < 0)
		CHECK(r == -EINVAL && u == 0);
	else {
		CHECK(r == 0 && u == (uint64_t)json_integer_value(v));
		CHECK(ctl_get_uint(o, key, u, &u) == 0);
		if (u > 0)
			CHECK(ctl_get_uint(o, key, u - 1, &u) == -EINVAL && u == 0);
	}
	r = ctl_get_bool(o, key, &b);
	if (absent)
		CHECK(r == -ENOENT && !b);
	else if (!json_is_boolean(v))
		CHECK(r == -EINVAL && !b);
	else
		CHECK(r == 0 && b == json_is_true(v));
}

/* Encodes v; the frame's header announces its body. NULL when out of memory. */
static uint8_t *
encode(const json_t *v, size_t *len)
{
	uint8_t *frame;
	size_t body;
	int r;

	/* The largest cap: reals print with 17 digits, so the JSON may outgrow the input. */
	r = ctl_encode(v, CTL_REPLY_MAX, &frame, len);
	if (r == -ENOMEM)
		return NULL;
	CHECK(r == 0 && *len > CTL_HEADER);
	CHECK(ctl_frame_len(frame, CTL_REPLY_MAX, &body) == 0 && body == *len - CTL_HEADER);
	return frame;
}

static void
round_trip(const json_t *v)
{
	uint8_t *frame, *again = NULL;
	size_t len, len2;
	json_t *w;
	const char *why;

	if ((frame = encode(v, &len)) == NULL)
		return;
	if (ctl_decode(frame + CTL_HEADER, len - CTL_HEADER, CTL_REPLY_MAX, &w, &why) != 0)
		abort();
	CHECK(json_equal(v, w));
	if ((again = encode(w, &len2)) != NULL)
		CHECK(len2 == len && memcmp(frame, again, len) == 0);
	free(again);
	json_decref(w);
	free(frame);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *v = (json_t *)1, *item;
	const char *why = NULL, *key;
	size_t seen = 0;
	int r;

	r = ctl_decode(data, size, CTL_REQUEST_MAX, &v, &why);
	if (r < 0) {
		CHECK(r == (size > CTL_REQUEST_MAX ? -EMSGSIZE : -EBADMSG));
		CHECK(v == NULL && why != NULL);
		return 0;
	}
	CHECK(r == 0 && v != NULL && why == NULL);
	CHECK(json_is_object(v));
	CHECK(depth(v) <= CTL_DEPTH_MAX);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		getters(v, keys[i]);
	json_object_foreach(v, key, item)
	{
		if (seen++ == MEMBERS_MAX)
			break;
		getters(v, key);
	}
	round_trip(v);
	json_decref(v);
	return 0;
}
