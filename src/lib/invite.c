/*
 * invite.c: the invite text of proto/invite.md. It owns the grammar: the parser is the
 * one bounded, strict reader of invites (and of the ADDRESS:PORT of `send --to`), which
 * arrive from chat, mail or a photo and are untrusted; the formatter writes the daemon's
 * own. It trusts nothing it is given: the length is checked before anything is read, each
 * step reads only what remains, and whatever it lets through the formatter writes again.
 * It must never resolve a name, nor let through an address a peer could use to aim our
 * daemon at this machine's own services (loopback), at a group (multicast) or at nothing.
 */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "wallflower/invite.h"

static const char b32[] = "abcdefghijklmnopqrstuvwxyz234567";

/* A cursor over the input: p .. end. */
struct rd {
	const char *p, *end;
	const char *why;
};

static int
fail(struct rd *r, const char *why)
{
	if (r->why == NULL)
		r->why = why;
	return -EINVAL;
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* A decimal number of 1..maxdigits digits, no leading zero, at most max. */
static int
read_dec(struct rd *r, unsigned maxdigits, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;
	unsigned n = 0;

	while (r->p < r->end && *r->p >= '0' && *r->p <= '9' && n <= maxdigits) {
		if (n == 1 && v == 0)
			return -EINVAL; /* a leading zero */
		v = v * 10 + (unsigned long)(*r->p - '0');
		r->p++;
		n++;
	}
	if (n == 0 || n > maxdigits || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

/* Four decimal octets, dot-separated, no leading zeros. */
static int
read_ipv4(struct rd *r, struct invite_addr *a)
{
	unsigned long v;

	a->family = INVITE_IPV4;
	for (int i = 0; i < 4; i++) {
		if (i > 0 && (r->p >= r->end || *r->p++ != '.'))
			return fail(r, "an IPv4 address has four numbers joined by dots");
		if (read_dec(r, 3, 255, &v) < 0)
			return fail(r, "an IPv4 address has four numbers from 0 to 255");
		a->b[i] = (uint8_t)v;
	}
	return 0;
}

/* One group of 1..4 hex digits. */
static int
read_group(struct rd *r, unsigned *out)
{
	unsigned v = 0, n = 0;
	int h;

	while (r->p < r->end && (h = hexval(*r->p)) >= 0 && n < 5) {
		v = v << 4 | (unsigned)h;
		r->p++;
		n++;
	}
	if (n == 0 || n > 4)
		return -EINVAL;
	*out = v;
	return 0;
}

/*
 * An IPv6 address in hex groups (RFC 4291 2.2 forms 1 and 2; no dotted IPv4 tail, no
 * zone), up to the closing bracket, which is not consumed.
 */
static int
read_ipv6(struct rd *r, struct invite_addr *a)
{
	unsigned g[8], n = 0, v;
	int gap = -1;

	a->family = INVITE_IPV6;
	memset(a->b, 0, sizeof(a->b));
	if (r->end - r->p >= 2 && r->p[0] == ':' && r->p[1] == ':') {
		gap = 0;
		r->p += 2;
	}
	while (r->p < r->end && *r->p != ']') {
		if (n == 8 || read_group(r, &v) < 0)
			return fail(
			        r, "an IPv6 address has at most eight groups of 1 to 4 hex digits");
		g[n++] = v;
		if (r->p < r->end && *r->p == ':') {
			r->p++;
			if (r->p < r->end && *r->p == ':') {
				if (gap >= 0)
					return fail(r, "an IPv6 address has at most one '::'");
				gap = (int)n;
				r->p++;
			} else if (r->p >= r->end || *r->p == ']') {
				return fail(r, "an IPv6 address does not end with a single ':'");
			}
		} else if (r->p < r->end && *r->p != ']') {
			return fail(r, "an IPv6 address holds only hex digits and colons");
		}
	}
	if ((gap < 0 && n != 8) || (gap >= 0 && n > 7))
		return fail(r, "an IPv6 address has eight groups, or fewer with '::'");
	for (unsigned i = 0, o = 0; i < n; i++, o++) {
		if (gap >= 0 && i == (unsigned)gap)
			o += 8 - n;
		a->b[2 * o] = (uint8_t)(g[i] >> 8);
		a->b[2 * o + 1] = (uint8_t)g[i];
	}
	return 0;
}

/* ADDR: an IPv4 address, or an IPv6 one in brackets. */
static int
read_addr(struct rd *r, struct invite_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (r->p < r->end && *r->p == '[') {
		r->p++;
		if (read_ipv6(r, a) < 0)
			return -EINVAL;
		if (r->p >= r->end || *r->p != ']')
			return fail(r, "an IPv6 address is written in brackets");
		r->p++;
		return 0;
	}
	if (r->p < r->end && hexval(*r->p) >= 0 && memchr(r->p, ':', (size_t)(r->end - r->p)) &&
	    !memchr(r->p, '.', (size_t)(r->end - r->p)))
		return fail(r, "an IPv6 address is written in brackets");
	return read_ipv4(r, a);
}

static int
read_port(struct rd *r, uint16_t *port)
{
	unsigned long v;

	if (r->p >= r->end || *r->p++ != ':')
		return fail(r, "the address is followed by ':' and a port");
	if (read_dec(r, 5, 65535, &v) < 0 || v == 0)
		return fail(r, "the port is a number from 1 to 65535");
	*port = (uint16_t)v;
	return 0;
}

/* INVITE_FPR_LEN base32 digits (either case) into fpr. */
static int
read_fpr(struct rd *r, uint8_t fpr[INVITE_FPR_BYTES])
{
	unsigned acc = 0, bits = 0, o = 0;

	if (r->end - r->p < INVITE_FPR_LEN)
		return fail(r, "the fingerprint has 24 letters and digits");
	for (int i = 0; i < INVITE_FPR_LEN; i++) {
		char c = r->p[i];
		const char *at;

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c == '\0' || (at = strchr(b32, c)) == NULL)
			return fail(r, "the fingerprint has only the letters a-z and digits 2-7");
		acc = acc << 5 | (unsigned)(at - b32);
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			fpr[o++] = (uint8_t)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	r->p += INVITE_FPR_LEN;
	return 0;
}

static bool
addr_equal(const struct invite_addr *a, const struct invite_addr *b)
{
	return a->family == b->family && memcmp(a->b, b->b, sizeof(a->b)) == 0;
}

/* ADDR *("," ADDR), each usable and none twice. */
static int
read_addrs(struct rd *r, struct invite *iv)
{
	for (;;) {
		struct invite_addr *a = &iv->addrs[iv->n_addrs];

		if (iv->n_addrs == INVITE_ADDRS_MAX)
			return fail(r, "an invite lists at most 4 addresses");
		if (read_addr(r, a) < 0)
			return -EINVAL;
		if (!invite_addr_usable(a, false))
			return fail(r, "an invite cannot send you to that address (loopback, "
			               "link-local IPv6, multicast or reserved)");
		for (unsigned i = 0; i < iv->n_addrs; i++)
			if (addr_equal(&iv->addrs[i], a))
				return fail(r, "an invite lists each address once");
		iv->n_addrs++;
		if (r->p >= r->end || *r->p != ',')
			return 0;
		r->p++;
	}
}

/* The prefix, compared without regard to case; -EPROTONOSUPPORT for "wallflower:iN:". */
static int
read_prefix(struct rd *r)
{
	size_t n = strlen(INVITE_PREFIX), scheme = strlen("wallflower:");

	if ((size_t)(r->end - r->p) >= n && strncasecmp(r->p, INVITE_PREFIX, n) == 0) {
		r->p += n;
		return 0;
	}
	if ((size_t)(r->end - r->p) > scheme + 1 && strncasecmp(r->p, "wallflower:", scheme) == 0 &&
	    (r->p[scheme] == 'i' || r->p[scheme] == 'I')) {
		r->why = "an invite of another version: is one of you running an older wallflower?";
		return -EPROTONOSUPPORT;
	}
	return fail(r, "an invite starts with 'wallflower:i1:'");
}

static int
read_invite(struct rd *r, struct invite *iv)
{
	int e;

	if ((e = read_prefix(r)) < 0)
		return e;
	if (read_fpr(r, iv->fpr) < 0)
		return -EINVAL;
	iv->has_fpr = true;
	if (r->p >= r->end || *r->p++ != '@')
		return fail(r, "the fingerprint is followed by '@' and the addresses");
	if (read_addrs(r, iv) < 0 || read_port(r, &iv->port) < 0)
		return -EINVAL;
	return 0;
}

static int
read_bare(struct rd *r, struct invite *iv)
{
	if (read_addr(r, &iv->addrs[0]) < 0)
		return -EINVAL;
	if (!invite_addr_usable(&iv->addrs[0], true))
		return fail(r, "cannot send to that address (unspecified, multicast or reserved)");
	iv->n_addrs = 1;
	return read_port(r, &iv->port);
}

int
invite_parse(const char *text, size_t len, bool bare_ok, struct invite *out, const char **why)
{
	struct rd r = { .p = text, .end = text + len };
	int e;

	memset(out, 0, sizeof(*out));
	if (len > INVITE_TEXT_MAX) {
		e = -E2BIG;
		r.why = "too long for an invite";
		goto out;
	}
	if (memchr(text, '\0', len) != NULL) {
		e = fail(&r, "an invite is one line of text");
		goto out;
	}
	while (r.p < r.end && is_blank(*r.p))
		r.p++;
	while (r.end > r.p && is_blank(r.end[-1]))
		r.end--;
	if (r.p == r.end) {
		e = fail(&r, "empty");
		goto out;
	}
	if (bare_ok && (*r.p == '[' || (*r.p >= '0' && *r.p <= '9')))
		e = read_bare(&r, out);
	else
		e = read_invite(&r, out);
	if (e == 0 && r.p != r.end)
		e = fail(&r, bare_ok && !out->has_fpr ? "unexpected text after the port"
		                                      : "unexpected text after the port (one "
		                                        "port for all the addresses)");
out:
	if (e < 0)
		memset(out, 0, sizeof(*out));
	if (why != NULL)
		*why = e < 0 ? r.why : NULL;
	return e;
}

bool
invite_addr_usable(const struct invite_addr *a, bool loopback_ok)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	static const uint8_t zero[16] = { 0 };
	const uint8_t *b = a->b;

	if (a->family == INVITE_IPV4) {
		if (b[0] == 127)
			return loopback_ok;
		/* 0/8 "this network", 224/4 multicast, 240/4 reserved and broadcast */
		return b[0] != 0 && b[0] < 224;
	}
	if (a->family != INVITE_IPV6)
		return false;
	if (memcmp(b, zero, 15) == 0 && b[15] == 1)
		return loopback_ok;
	if (memcmp(b, zero, 16) == 0 || b[0] == 0xff || memcmp(b, mapped, 12) == 0)
		return false;
	return !(b[0] == 0xfe && (b[1] & 0xc0) == 0x80); /* fe80::/10 needs a zone */
}

/* RFC 5952: lower case, no leading zeros, the longest run of two or more zero groups
 * (the first of equals) as "::". */
static void
ipv6_text(const uint8_t *b, char *out, size_t size)
{
	unsigned g[8];
	int best = -1, bestlen = 1, i, used = 0;

	for (i = 0; i < 8; i++)
		g[i] = (unsigned)b[2 * i] << 8 | b[2 * i + 1];
	for (i = 0; i < 8;) {
		int j = i;

		while (j < 8 && g[j] == 0)
			j++;
		if (j - i > bestlen) {
			best = i;
			bestlen = j - i;
		}
		i = j > i ? j : i + 1;
	}
	out[0] = '\0';
	for (i = 0; i < 8 && used >= 0 && (size_t)used < size; i++) {
		if (i == best) {
			used += snprintf(out + used, size - (size_t)used, "::");
			i += bestlen - 1;
			continue;
		}
		used += snprintf(out + used, size - (size_t)used, "%s%x",
		                 i > 0 && i != best + bestlen ? ":" : "", g[i]);
	}
}

void
invite_addr_text(const struct invite_addr *a, char out[INVITE_ADDR_TEXT])
{
	if (a->family == INVITE_IPV4)
		snprintf(out, INVITE_ADDR_TEXT, "%u.%u.%u.%u", a->b[0], a->b[1], a->b[2], a->b[3]);
	else
		ipv6_text(a->b, out, INVITE_ADDR_TEXT);
}

void
invite_fingerprint(const uint8_t pk[CRYPT_DH_KEY], uint8_t out[INVITE_FPR_BYTES])
{
	uint8_t h[CRYPT_HASH];

	crypt_hash_tagged(h, sizeof(h), INVITE_FPR_TAG, pk, CRYPT_DH_KEY);
	memcpy(out, h, INVITE_FPR_BYTES);
}

void
invite_fingerprint_text(const uint8_t fpr[INVITE_FPR_BYTES], char out[INVITE_FPR_LEN + 1])
{
	/* 15 bytes = 120 bits = 24 digits of 5 bits, most significant first (RFC 4648). */
	for (size_t bit = 0, o = 0; bit < 120; bit += 5, o++) {
		size_t byte = bit / 8, shift = bit % 8;
		unsigned v = (unsigned)fpr[byte] << 8 |
		             (byte + 1 < INVITE_FPR_BYTES ? fpr[byte + 1] : 0);

		out[o] = b32[(v >> (11 - shift)) & 0x1f];
	}
	out[INVITE_FPR_LEN] = '\0';
}

int
invite_check(const struct invite *iv, const uint8_t pk[CRYPT_DH_KEY])
{
	uint8_t fpr[INVITE_FPR_BYTES];

	if (!iv->has_fpr)
		return 0;
	invite_fingerprint(pk, fpr);
	return crypt_equal(fpr, iv->fpr, sizeof(fpr)) == 0 ? 0 : -EKEYREJECTED;
}

/* Appends the text of a (bracketed when IPv6) at *used. */
static int
put_addr(const struct invite_addr *a, char *out, size_t size, size_t *used)
{
	char t[INVITE_ADDR_TEXT];
	int w;

	invite_addr_text(a, t);
	w = snprintf(out + *used, size - *used, a->family == INVITE_IPV6 ? "[%s]" : "%s", t);
	if (w < 0 || (size_t)w >= size - *used)
		return -ENOSPC;
	*used += (size_t)w;
	return 0;
}

int
invite_format(const struct invite *iv, char *out, size_t size)
{
	char fpr[INVITE_FPR_LEN + 1];
	size_t used = 0;
	int w;

	if (size == 0)
		return -ENOSPC;
	out[0] = '\0';
	if (iv->n_addrs == 0 || iv->n_addrs > (iv->has_fpr ? INVITE_ADDRS_MAX : 1u) ||
	    iv->port == 0)
		return -EINVAL;
	for (unsigned i = 0; i < iv->n_addrs; i++) {
		if (!invite_addr_usable(&iv->addrs[i], !iv->has_fpr))
			return -EINVAL;
		for (unsigned j = 0; j < i; j++)
			if (addr_equal(&iv->addrs[i], &iv->addrs[j]))
				return -EINVAL;
	}
	if (iv->has_fpr) {
		invite_fingerprint_text(iv->fpr, fpr);
		w = snprintf(out, size, "%s%s@", INVITE_PREFIX, fpr);
		if (w < 0 || (size_t)w >= size)
			goto nospace;
		used = (size_t)w;
	}
	for (unsigned i = 0; i < iv->n_addrs; i++) {
		if (i > 0 && used + 1 < size)
			out[used++] = ',';
		if (put_addr(&iv->addrs[i], out, size, &used) < 0)
			goto nospace;
	}
	w = snprintf(out + used, size - used, ":%u", iv->port);
	if (w < 0 || (size_t)w >= size - used)
		goto nospace;
	return 0;
nospace:
	out[0] = '\0';
	return -ENOSPC;
}

enum invite_step
invite_round_miss(struct invite_round *r, unsigned n, bool wrong)
{
	assert(n >= 1 && n <= INVITE_ADDRS_MAX && r->next < n);
	if (wrong)
		r->wrong |= 1u << r->next;
	for (unsigned i = r->next + 1; i < n; i++)
		if (!(r->wrong & 1u << i)) {
			r->next = i;
			return INVITE_STEP_NOW;
		}
	if (r->wrong == (1u << n) - 1)
		return INVITE_STEP_NEVER;
	for (r->next = 0; r->wrong & 1u << r->next;)
		r->next++;
	return INVITE_STEP_LATER;
}
