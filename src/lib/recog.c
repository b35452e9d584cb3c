/*
 * recog.c owns the recognition key file, the advert tag L || B, and the recogniser: a
 * table of the L values of every contact's key for the epochs around now.
 *
 * The key file is trusted only after its mode, size, magic and version are checked. The
 * tag text of an advert is untrusted: it is parsed strictly and only ever looked up. Keys
 * are copied into the recogniser and wiped when they leave it (removal, growth, free).
 *
 * The table is open addressing with linear probing, kept at most half full, so that a
 * lookup (hostile input: any 48 bits) probes a short run of cells. A cell holds the first
 * four bytes of L (whose low bits are also its home index, L being a keyed hash) and a
 * reference to the contact, window position and slot whose L it is; the last two bytes of
 * L are compared in the contact. Cells are deleted by shifting the run back, so there are
 * no tombstones and a table that lives for months does not fill up with them.
 */
#include <assert.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "wallflower/crypt.h"
#include "wallflower/file.h"
#include "wallflower/recog.h"

#define WINDOW  3                      /* epochs held: now-1, now, now+1 */
#define PER     (WINDOW * RECOG_SLOTS) /* cells per contact */
#define MSG_MAX (8 + 1 + CRYPT_DH_KEY) /* E || S || presence key */

static const uint8_t magic[8] = { 'W', 'F', 'R', 'K', 0, 0, 0, 1 };

/* ---- the key file ---- */

int
recog_key_load(const char *dir, uint8_t key[RECOG_KEY])
{
	uint8_t *buf = NULL;
	size_t len = 0;
	char *path;
	int r;

	if ((path = file_join(dir, RECOG_FILE)) == NULL)
		return -ENOMEM;
	/* One byte more than a valid file, so that a longer one is seen as such. */
	if ((r = file_read_private(path, RECOG_FILE_LEN + 1, &buf, &len)) < 0) {
		if (r == -EFBIG)
			r = -EBADMSG;
		goto out;
	}
	if (len < sizeof(magic) || memcmp(buf, magic, 4) != 0)
		r = -EBADMSG;
	else if (memcmp(buf + 4, magic + 4, 4) != 0)
		r = -EPROTO; /* ours, from another version: not damage */
	else if (len != RECOG_FILE_LEN)
		r = -EBADMSG;
	else
		memcpy(key, buf + sizeof(magic), RECOG_KEY);
out:
	if (buf != NULL)
		crypt_wipe(buf, len);
	free(buf);
	free(path);
	return r;
}

/* A fresh key written by put (file_write_new or file_write_replace) to dir/RECOG_FILE. */
static int
key_write(const char *dir, uint8_t key[RECOG_KEY],
          int (*put)(const char *, const void *, size_t, mode_t))
{
	uint8_t buf[RECOG_FILE_LEN];
	char *path;
	int r;

	if ((path = file_join(dir, RECOG_FILE)) == NULL)
		return -ENOMEM;
	memcpy(buf, magic, sizeof(magic));
	crypt_random(buf + sizeof(magic), RECOG_KEY);
	if ((r = put(path, buf, sizeof(buf), 0600)) == 0)
		memcpy(key, buf + sizeof(magic), RECOG_KEY);
	crypt_wipe(buf, sizeof(buf));
	free(path);
	return r;
}

int
recog_key_create(const char *dir, uint8_t key[RECOG_KEY])
{
	return key_write(dir, key, file_write_new);
}

int
recog_key_rotate(const char *dir, uint8_t key[RECOG_KEY])
{
	/* Temporary sibling made 0600, synced, renamed over the old key, directory synced. */
	return key_write(dir, key, file_write_replace);
}

/* ---- the tag ---- */

uint64_t
recog_epoch(int64_t unix_seconds)
{
	return unix_seconds < 0 ? 0 : (uint64_t)unix_seconds / RECOG_EPOCH_SECONDS;
}

/* E (8 bytes big-endian) || S into msg; returns 9. */
static size_t
epoch_slot(uint8_t msg[MSG_MAX], uint64_t epoch, unsigned slot)
{
	assert(slot < RECOG_SLOTS);
	for (int i = 0; i < 8; i++)
		msg[i] = (uint8_t)(epoch >> (56 - 8 * i));
	msg[8] = (uint8_t)slot;
	return 9;
}

/* L: the first RECOG_HALF bytes of keyed BLAKE2b-256(RECOG_TAG_RECOGNISE || E || S). */
static void
tag_l(uint8_t out[RECOG_HALF], const uint8_t rk[RECOG_KEY], uint64_t epoch, unsigned slot)
{
	uint8_t msg[MSG_MAX], h[CRYPT_HASH];
	size_t n = epoch_slot(msg, epoch, slot);

	crypt_hash_keyed(h, sizeof(h), rk, RECOG_KEY, RECOG_TAG_RECOGNISE, msg, n);
	memcpy(out, h, RECOG_HALF);
}

/* B: the same with RECOG_TAG_PRESENCE and the presence key after E || S. */
static void
tag_b(uint8_t out[RECOG_HALF], const uint8_t rk[RECOG_KEY], uint64_t epoch, unsigned slot,
      const uint8_t presence_pk[CRYPT_DH_KEY])
{
	uint8_t msg[MSG_MAX], h[CRYPT_HASH];
	size_t n = epoch_slot(msg, epoch, slot);

	memcpy(msg + n, presence_pk, CRYPT_DH_KEY);
	crypt_hash_keyed(h, sizeof(h), rk, RECOG_KEY, RECOG_TAG_PRESENCE, msg, n + CRYPT_DH_KEY);
	memcpy(out, h, RECOG_HALF);
}

void
recog_tag(const uint8_t rk[RECOG_KEY], uint64_t epoch, unsigned slot, const uint8_t presence_pk[32],
          uint8_t out[RECOG_TAG])
{
	tag_l(out, rk, epoch, slot);
	tag_b(out + RECOG_HALF, rk, epoch, slot, presence_pk);
}

int
recog_bind_check(const uint8_t rk[RECOG_KEY], uint64_t epoch, unsigned slot,
                 const uint8_t presence_pk[32], const uint8_t bind[RECOG_HALF])
{
	uint8_t want[RECOG_HALF];

	tag_b(want, rk, epoch, slot, presence_pk);
	return crypt_equal(want, bind, RECOG_HALF) == 0 ? 0 : -EPERM;
}

static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

void
recog_tag_text(const uint8_t tag[RECOG_TAG], char out[RECOG_TAG_TEXT + 1])
{
	/* 12 bytes are four groups of three: 16 characters, no padding and no spare bits. */
	for (size_t g = 0; g < RECOG_TAG / 3; g++) {
		uint32_t v =
		        (uint32_t)tag[3 * g] << 16 | (uint32_t)tag[3 * g + 1] << 8 | tag[3 * g + 2];

		for (size_t i = 0; i < 4; i++)
			out[4 * g + i] = b64url[(v >> (18 - 6 * i)) & 0x3f];
	}
	out[RECOG_TAG_TEXT] = '\0';
}

/* The value of one base64url character, or -1. */
static int
b64url_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '-' ? 62 : c == '_' ? 63 : -1;
}

int
recog_tag_parse(const char *text, uint8_t out[RECOG_TAG])
{
	if (strnlen(text, RECOG_TAG_TEXT + 1) != RECOG_TAG_TEXT)
		return -EINVAL;
	for (size_t g = 0; g < RECOG_TAG / 3; g++) {
		uint32_t v = 0;

		for (size_t i = 0; i < 4; i++) {
			int d = b64url_value(text[4 * g + i]);

			if (d < 0)
				return -EINVAL;
			v = v << 6 | (uint32_t)d;
		}
		out[3 * g] = (uint8_t)(v >> 16);
		out[3 * g + 1] = (uint8_t)(v >> 8);
		out[3 * g + 2] = (uint8_t)v;
	}
	return 0;
}

unsigned
recog_slot_next(int prev)
{
	uint8_t b;

	if (prev < 0 || prev >= RECOG_SLOTS) {
		crypt_random(&b, 1);
		return b % RECOG_SLOTS;
	}
	/* Uniform over the seven other slots: 252 = 36 * 7, bytes above are drawn again. */
	do
		crypt_random(&b, 1);
	while (b >= 252);
	b %= RECOG_SLOTS - 1;
	return b >= (unsigned)prev ? b + 1u : b;
}

/* ---- the recogniser ---- */

struct contact {
	int64_t id;
	uint64_t serial; /* order of addition: the first added wins an ambiguity */
	uint32_t next;   /* index + 1 of the next contact in its id bucket (or free list) */
	bool used;
	uint8_t rk[RECOG_KEY];
	uint8_t l[WINDOW][RECOG_SLOTS][RECOG_HALF]; /* by window position epoch % WINDOW */
};

/* head: the first four bytes of L; ref: which L (see ref_of), 0 for an empty cell. */
struct cell {
	uint32_t head;
	uint32_t ref;
};

struct recog {
	struct contact *c;
	uint32_t ccap, chigh, live, free1; /* free1: index + 1 of a free contact, or 0 */
	uint32_t *ids;                     /* id buckets: index + 1 of the first contact */
	uint32_t idmask;
	struct cell *cells;
	uint32_t mask;
	uint64_t epoch[WINDOW]; /* which epoch each window position holds, when have[] */
	bool have[WINDOW];
	uint64_t serial;
};

static uint32_t
ref_of(uint32_t ci, unsigned pos, unsigned slot)
{
	return (ci * WINDOW + pos) * RECOG_SLOTS + slot + 1;
}

static const uint8_t *
ref_l(const struct recog *r, uint32_t ref)
{
	uint32_t x = ref - 1;

	return r->c[x / PER].l[x / RECOG_SLOTS % WINDOW][x % RECOG_SLOTS];
}

static uint32_t
head_of(const uint8_t *l)
{
	return (uint32_t)l[0] | (uint32_t)l[1] << 8 | (uint32_t)l[2] << 16 | (uint32_t)l[3] << 24;
}

static void
cell_put(struct cell *cells, uint32_t mask, uint32_t head, uint32_t ref)
{
	uint32_t i = head & mask;

	while (cells[i].ref != 0)
		i = (i + 1) & mask;
	cells[i].head = head;
	cells[i].ref = ref;
}

/* Deletes ref's cell, then moves back each later cell of the run that may move. */
static void
cell_del(struct recog *r, uint32_t ref)
{
	uint32_t i = head_of(ref_l(r, ref)) & r->mask, j, k;

	while (r->cells[i].ref != ref) {
		assert(r->cells[i].ref != 0);
		i = (i + 1) & r->mask;
	}
	for (;;) {
		r->cells[i].ref = 0;
		for (j = i;;) {
			j = (j + 1) & r->mask;
			if (r->cells[j].ref == 0)
				return;
			k = r->cells[j].head & r->mask;
			/* A cell whose home lies cyclically in (i, j] must stay. */
			if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
				continue;
			break;
		}
		r->cells[i] = r->cells[j];
		i = j;
	}
}

/* Computes contact ci's L for window position pos (epoch r->epoch[pos]) and files them. */
static void
contact_fill(struct recog *r, uint32_t ci, unsigned pos)
{
	struct contact *c = &r->c[ci];

	for (unsigned s = 0; s < RECOG_SLOTS; s++) {
		tag_l(c->l[pos][s], c->rk, r->epoch[pos], s);
		cell_put(r->cells, r->mask, head_of(c->l[pos][s]), ref_of(ci, pos, s));
	}
}

static void
contact_drop(struct recog *r, uint32_t ci, unsigned pos)
{
	for (unsigned s = 0; s < RECOG_SLOTS; s++)
		cell_del(r, ref_of(ci, pos, s));
}

static uint32_t
id_bucket(int64_t id, uint32_t mask)
{
	uint64_t x = (uint64_t)id;

	/* splitmix64's finaliser: ids are small and dense, buckets should not be. */
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
	return (uint32_t)(x ^ (x >> 31)) & mask;
}

/* Index + 1 of contact id, or 0. */
static uint32_t
id_find(const struct recog *r, int64_t id)
{
	uint32_t x = r->ids == NULL ? 0 : r->ids[id_bucket(id, r->idmask)];

	while (x != 0 && r->c[x - 1].id != id)
		x = r->c[x - 1].next;
	return x;
}

int
recog_new(struct recog **out)
{
	*out = calloc(1, sizeof(**out));
	return *out == NULL ? -ENOMEM : 0;
}

void
recog_free(struct recog *r)
{
	if (r == NULL)
		return;
	if (r->c != NULL)
		crypt_wipe(r->c, (size_t)r->ccap * sizeof(*r->c));
	free(r->c);
	free(r->ids);
	free(r->cells);
	free(r);
}

/* The cells of every held L filed again into a fresh table of mask + 1 cells. */
static void
cells_rebuild(struct recog *r, struct cell *cells, uint32_t mask)
{
	for (uint32_t ci = 0; ci < r->chigh; ci++) {
		if (!r->c[ci].used)
			continue;
		for (unsigned p = 0; p < WINDOW; p++)
			for (unsigned s = 0; r->have[p] && s < RECOG_SLOTS; s++)
				cell_put(cells, mask, head_of(r->c[ci].l[p][s]), ref_of(ci, p, s));
	}
}

/*
 * Makes room for one more contact: the contact array and its id buckets (one per contact)
 * grow by doubling when no freed contact is left, the cells whenever they would be more
 * than half full. All allocations come first, so that a failure leaves r as it was.
 */
static int
reserve(struct recog *r)
{
	uint32_t ccap = r->ccap, cap = r->cells != NULL ? r->mask + 1 : 0, ncap = cap;
	struct contact *c = NULL;
	struct cell *cells = NULL;
	uint32_t *ids = NULL;

	if (r->free1 == 0 && r->chigh == ccap)
		ccap = ccap == 0 ? 16 : 2 * ccap;
	while (ncap < 2 * PER * (r->live + 1))
		ncap = ncap == 0 ? 1024 : 2 * ncap;
	if (ccap != r->ccap &&
	    ((c = calloc(ccap, sizeof(*c))) == NULL || (ids = calloc(ccap, sizeof(*ids))) == NULL))
		goto fail;
	if (ncap != cap && (cells = calloc(ncap, sizeof(*cells))) == NULL)
		goto fail;
	if (c != NULL) {
		/* Copied, then the old copy wiped: realloc would leave keys in freed memory.
		 * The array only grows when no contact is free, so the free list is empty. */
		if (r->c != NULL) {
			memcpy(c, r->c, (size_t)r->chigh * sizeof(*c));
			crypt_wipe(r->c, (size_t)r->ccap * sizeof(*r->c));
		}
		free(r->c);
		free(r->ids);
		r->c = c;
		r->ids = ids;
		r->ccap = ccap;
		r->idmask = ccap - 1;
		for (uint32_t ci = 0; ci < r->chigh; ci++) {
			uint32_t b = id_bucket(r->c[ci].id, r->idmask);

			if (!r->c[ci].used)
				continue;
			r->c[ci].next = r->ids[b];
			r->ids[b] = ci + 1;
		}
	}
	if (cells != NULL) {
		cells_rebuild(r, cells, ncap - 1);
		free(r->cells);
		r->cells = cells;
		r->mask = ncap - 1;
	}
	return 0;
fail:
	free(c);
	free(ids);
	return -ENOMEM;
}

/* Unlinks contact ci from its id bucket. */
static void
id_unlink(struct recog *r, uint32_t ci)
{
	uint32_t *x = &r->ids[id_bucket(r->c[ci].id, r->idmask)];

	while (*x != ci + 1)
		x = &r->c[*x - 1].next;
	*x = r->c[ci].next;
}

int
recog_add(struct recog *r, int64_t contact_id, const uint8_t rk[RECOG_KEY])
{
	uint32_t ci, x = id_find(r, contact_id);
	int e;

	if (x != 0) {
		/* A new key for a known contact: its old tags go, the new ones come. */
		ci = x - 1;
		for (unsigned p = 0; p < WINDOW; p++)
			if (r->have[p])
				contact_drop(r, ci, p);
		memcpy(r->c[ci].rk, rk, RECOG_KEY);
	} else {
		if (r->live >= RECOG_CONTACTS_MAX)
			return -ENOSPC;
		if ((e = reserve(r)) < 0)
			return e;
		if (r->free1 != 0) {
			ci = r->free1 - 1;
			r->free1 = r->c[ci].next;
		} else {
			ci = r->chigh++;
		}
		r->c[ci].id = contact_id;
		r->c[ci].serial = r->serial++;
		r->c[ci].used = true;
		memcpy(r->c[ci].rk, rk, RECOG_KEY);
		x = id_bucket(contact_id, r->idmask);
		r->c[ci].next = r->ids[x];
		r->ids[x] = ci + 1;
		r->live++;
	}
	for (unsigned p = 0; p < WINDOW; p++)
		if (r->have[p])
			contact_fill(r, ci, p);
	return 0;
}

int
recog_remove(struct recog *r, int64_t contact_id)
{
	uint32_t x = id_find(r, contact_id), ci;

	if (x == 0)
		return -ENOENT;
	ci = x - 1;
	for (unsigned p = 0; p < WINDOW; p++)
		if (r->have[p])
			contact_drop(r, ci, p);
	id_unlink(r, ci);
	crypt_wipe(&r->c[ci], sizeof(r->c[ci]));
	r->c[ci].next = r->free1;
	r->free1 = ci + 1;
	r->live--;
	return 0;
}

void
recog_refresh(struct recog *r, int64_t now)
{
	/* Epoch 0 (1970) has no epoch before it: a clock that far back is treated as 1. */
	uint64_t e = recog_epoch(now) > 0 ? recog_epoch(now) : 1;

	for (uint64_t want = e - 1; want <= e + 1; want++) {
		unsigned p = (unsigned)(want % WINDOW);

		if (r->have[p] && r->epoch[p] == want)
			continue; /* computed at an earlier refresh */
		for (uint32_t ci = 0; r->have[p] && ci < r->chigh; ci++)
			if (r->c[ci].used)
				contact_drop(r, ci, p);
		r->epoch[p] = want;
		r->have[p] = true;
		for (uint32_t ci = 0; ci < r->chigh; ci++)
			if (r->c[ci].used)
				contact_fill(r, ci, p);
	}
}

static void
match_fill(const struct recog *r, uint32_t ref, struct recog_match *m)
{
	const struct contact *c = &r->c[(ref - 1) / PER];

	m->contact_id = c->id;
	m->epoch = r->epoch[(ref - 1) / RECOG_SLOTS % WINDOW];
	m->slot = (ref - 1) % RECOG_SLOTS;
	memcpy(m->rk, c->rk, RECOG_KEY);
}

int
recog_lookup(const struct recog *r, const uint8_t l[RECOG_HALF], struct recog_match *m)
{
	uint32_t head = head_of(l), best = 0, i;
	bool ambiguous = false;

	memset(m, 0, sizeof(*m));
	if (r->cells == NULL)
		return -ENOENT;
	/* The whole run is read, not just to the first hit, to see a second contact. */
	for (i = head & r->mask; r->cells[i].ref != 0; i = (i + 1) & r->mask) {
		uint32_t ref = r->cells[i].ref;

		if (r->cells[i].head != head || memcmp(ref_l(r, ref) + 4, l + 4, RECOG_HALF - 4))
			continue;
		if (best == 0) {
			best = ref;
		} else if ((ref - 1) / PER != (best - 1) / PER) {
			ambiguous = true;
			if (r->c[(ref - 1) / PER].serial < r->c[(best - 1) / PER].serial)
				best = ref;
		}
	}
	if (best == 0)
		return -ENOENT;
	match_fill(r, best, m);
	return ambiguous ? -ENOTUNIQ : 0;
}

unsigned
recog_count(const struct recog *r)
{
	return r->live;
}
