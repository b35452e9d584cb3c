/*
 * txt.c: builds and parses the TXT record of an advert (proto/txt.md). It trusts no byte of
 * a record: every string is bounded by what remains, every value by its rule, and text by
 * the card character policy. It never allocates.
 */
#include <assert.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "wallflower/crypt.h"
#include "wallflower/recog.h"
#include "wallflower/text.h"
#include "wallflower/txt.h"

/* One-line text of 1..max bytes under the card rules. */
static bool
text_ok(const uint8_t *p, size_t n, size_t max)
{
	return n > 0 && n <= max && text_check((const char *)p, n, 0) == TEXT_OK;
}

/* t=: comma-separated topics, each 1..TXT_TOPIC_MAX bytes of text without commas. */
static bool
topics_ok(const uint8_t *p, size_t n)
{
	size_t start = 0;

	if (n == 0 || n > TXT_TOPICS_MAX)
		return false;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && p[i] != ',')
			continue;
		if (!text_ok(p + start, i - start, TXT_TOPIC_MAX))
			return false;
		start = i + 1;
	}
	return true;
}

static bool
tag_ok(const uint8_t *p, size_t n)
{
	if (n != TXT_EVENT_TAG_LEN)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f')))
			return false;
	return true;
}

_Static_assert(TXT_RECOG_LEN == RECOG_TAG_TEXT, "r= is a recognition tag");

/* r=: exactly a recognition tag's text (recog_tag_parse is the one judge of it). */
static bool
recog_ok(const uint8_t *p, size_t n)
{
	char text[TXT_RECOG_LEN + 1];
	uint8_t tag[RECOG_TAG];

	if (n != TXT_RECOG_LEN || memchr(p, '\0', n) != NULL)
		return false;
	memcpy(text, p, n);
	text[n] = '\0';
	return recog_tag_parse(text, tag) == 0;
}

/* RFC 6763 section 6.4: keys are printable US-ASCII but '=', compared without case. */
static bool
key_is(const uint8_t *k, size_t klen, char want)
{
	return klen == 1 && (k[0] | 0x20) == want;
}

static int
bad(const char **why, const char *reason, int r)
{
	if (why != NULL)
		*why = reason;
	return r;
}

/* The keys this version knows, in the order txt_build writes them. */
static const char keys[] = "vhster";

/* One known key's value into out; a repeated key is ignored (RFC 6763: the first wins). */
static int
take(struct txt_info *out, char key, const uint8_t *v, size_t vlen, unsigned *seen,
     const char **why)
{
	unsigned bit = 1u << (strchr(keys, key) - keys);

	if (*seen & bit)
		return 0;
	*seen |= bit;
	switch (key) {
	case 'v':
		return vlen == 1 && v[0] == TXT_VERSION[0]
		               ? 0
		               : bad(why, "not version " TXT_VERSION, -EPROTONOSUPPORT);
	case 'h':
		if (!text_ok(v, vlen, TXT_HANDLE_MAX))
			return bad(why, "h= is not 1 to 32 bytes of text", -EBADMSG);
		memcpy(out->handle, v, vlen);
		out->handle[vlen] = '\0';
		return 0;
	case 's':
		/* A status this version does not know is shown as none, not refused. */
		out->status = vlen == 4 && memcmp(v, "open", 4) == 0    ? TXT_STATUS_OPEN
		              : vlen == 5 && memcmp(v, "quiet", 5) == 0 ? TXT_STATUS_QUIET
		                                                        : TXT_STATUS_NONE;
		return 0;
	case 't':
		if (!topics_ok(v, vlen))
			return bad(why, "t= is not a list of short topics", -EBADMSG);
		memcpy(out->topics, v, vlen);
		out->topics[vlen] = '\0';
		return 0;
	case 'e':
		if (!tag_ok(v, vlen))
			return bad(why, "e= is not 8 lower-case hex digits", -EBADMSG);
		memcpy(out->event, v, vlen);
		out->event[vlen] = '\0';
		return 0;
	default: /* 'r' */
		if (!recog_ok(v, vlen))
			return bad(why, "r= is not 16 base64url characters", -EBADMSG);
		memcpy(out->recog, v, vlen);
		out->recog[vlen] = '\0';
		return 0;
	}
}

/*
 * A known key without '=' (RFC 6763 6.4: present, with no value). It is the key's first
 * occurrence, so a later key=value is ignored; it shows nothing, and a bare v is no version.
 */
static int
take_bare(char key, unsigned *seen, const char **why)
{
	unsigned bit = 1u << (strchr(keys, key) - keys);

	if (*seen & bit)
		return 0;
	*seen |= bit;
	return key == 'v' ? bad(why, "not version " TXT_VERSION, -EPROTONOSUPPORT) : 0;
}

/* One string: key=value, or a bare key (a boolean attribute, which we do not use). */
static int
take_string(struct txt_info *out, const uint8_t *s, size_t n, unsigned *seen, const char **why)
{
	const uint8_t *eq = memchr(s, '=', n);
	size_t klen = eq ? (size_t)(eq - s) : n;

	if (n == 0)
		return 0; /* an empty string is allowed and means nothing */
	if (klen == 0)
		return bad(why, "a string with no key", -EBADMSG);
	for (size_t i = 0; i < klen; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return bad(why, "a key that is not printable ASCII", -EBADMSG);
	for (const char *k = keys; *k != '\0'; k++)
		if (key_is(s, klen, *k))
			return eq != NULL ? take(out, *k, eq + 1, n - klen - 1, seen, why)
			                  : take_bare(*k, seen, why);
	return 0; /* a key this version does not know */
}

int
txt_parse(const uint8_t *rdata, size_t len, struct txt_info *out, const char **why)
{
	unsigned seen = 0;
	size_t pos = 0;
	int r;

	memset(out, 0, sizeof(*out));
	if (why != NULL)
		*why = NULL;
	if (len > TXT_RECORD_MAX)
		return bad(why, "record larger than 200 bytes", -EMSGSIZE);
	while (pos < len) {
		size_t n = rdata[pos++];

		if (n > len - pos)
			return bad(why, "a string runs past the record", -EBADMSG);
		if ((r = take_string(out, rdata + pos, n, &seen, why)) < 0)
			return r;
		pos += n;
	}
	if (!(seen & 1u))
		return bad(why, "no v=", -EPROTONOSUPPORT);
	return 0;
}

/* Appends "key=value" as one string; -EMSGSIZE past the limit. */
static int
put(uint8_t *buf, size_t cap, size_t *len, char key, const char *value)
{
	size_t n = 2 + strlen(value);

	if (n > 255 || 1 + n > cap - *len)
		return -EMSGSIZE;
	buf[(*len)++] = (uint8_t)n;
	buf[(*len)++] = (uint8_t)key;
	buf[(*len)++] = '=';
	memcpy(buf + *len, value, n - 2);
	*len += n - 2;
	return 0;
}

int
txt_build(const struct txt_info *in, uint8_t *buf, size_t size, size_t *len)
{
	size_t cap = size < TXT_RECORD_MAX ? size : TXT_RECORD_MAX;
	static const char *const status[] = { NULL, "open", "quiet" };
	size_t n = 0;
	int r;

	*len = 0;
	if ((in->handle[0] &&
	     !text_ok((const uint8_t *)in->handle, strlen(in->handle), TXT_HANDLE_MAX)) ||
	    (in->topics[0] && !topics_ok((const uint8_t *)in->topics, strlen(in->topics))) ||
	    (in->event[0] && !tag_ok((const uint8_t *)in->event, strlen(in->event))) ||
	    (in->recog[0] && !recog_ok((const uint8_t *)in->recog, strlen(in->recog))) ||
	    in->status > TXT_STATUS_QUIET)
		return -EINVAL;
	if ((r = put(buf, cap, &n, 'v', TXT_VERSION)) < 0 ||
	    (in->handle[0] && (r = put(buf, cap, &n, 'h', in->handle)) < 0) ||
	    (in->status != TXT_STATUS_NONE &&
	     (r = put(buf, cap, &n, 's', status[in->status])) < 0) ||
	    (in->topics[0] && (r = put(buf, cap, &n, 't', in->topics)) < 0) ||
	    (in->event[0] && (r = put(buf, cap, &n, 'e', in->event)) < 0) ||
	    (in->recog[0] && (r = put(buf, cap, &n, 'r', in->recog)) < 0))
		return r;
	*len = n;
	return 0;
}

void
txt_event_tag(const char *event, char out[TXT_EVENT_TAG_LEN + 1])
{
	uint8_t lowered[TXT_EVENT_NAME_MAX], h[CRYPT_HASH];
	size_t n = strlen(event);

	assert(n <= TXT_EVENT_NAME_MAX);
	for (size_t i = 0; i < n; i++) {
		char c = event[i];

		lowered[i] = (uint8_t)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
	}
	crypt_hash_tagged(h, sizeof(h), TXT_EVENT_TAG, lowered, n);
	crypt_hex(out, h, TXT_EVENT_TAG_LEN / 2);
}
