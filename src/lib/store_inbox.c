/*
 * store_inbox.c: the offers people made you, waiting for your decision (store_int.h). It
 * trusts cards only as far as the session verified them, and bounds how many offers one
 * identity, one address and everyone together may leave waiting, so that nobody can fill
 * your disk (intake.c decides; this file keeps). It must never let an accepted offer be
 * reported before the person is stored, nor keep a card past its expiry.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"
#include "wallflower/text.h"

const char *
inbox_kind_name(enum inbox_kind k)
{
	return k == INBOX_ASK ? "ask" : k == INBOX_INTRO ? "intro" : "offer";
}

void
inbox_offer_clear(struct inbox_offer *o)
{
	if (o == NULL)
		return;
	card_free(o->card);
	free(o->intro);
	free(o->note);
	free(o->addr);
	free(o->event);
	crypt_wipe(o, sizeof(*o)); /* keys holds a presence secret */
}

void
inbox_offer_free_all(struct inbox_offer *o, size_t n)
{
	if (o == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		inbox_offer_clear(&o[i]);
	free(o);
}

int
store_inbox_count(struct store *st, uint64_t now, unsigned max, unsigned *n)
{
	static const char sql[] =
	        "SELECT count(*) FROM (SELECT 1 FROM inbox WHERE expires > ?1 LIMIT ?2)";
	sqlite3_stmt *s = NULL;
	int r;

	*n = 0;
	if ((r = store_sql_prep(st, sql, &s)) == 0 &&
	    (r = store_sql_bind_int(s, 1, (int64_t)now)) == 0 &&
	    (r = store_sql_bind_int(s, 2, max)) == 0 && (r = store_sql_step_row(s)) == 0)
		*n = (unsigned)sqlite3_column_int64(s, 0);
	store_sql_release(st, s);
	return r;
}

static bool
text_ok(const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0;

	return s == NULL || (n > 0 && n <= max && text_check(s, n, 0) == TEXT_OK);
}

/* Binds the three keys at i, i + 1, i + 2. */
static int
bind_keys(sqlite3_stmt *s, int i, const struct inbox_keys *k)
{
	const uint8_t *v[] = { k->recognition, k->peer_static, k->presence_sk };
	int r = 0;

	for (int j = 0; j < 3 && r == 0; j++)
		r = store_sql_err(sqlite3_bind_blob(s, i + j, v[j], 32, SQLITE_STATIC));
	return r;
}

int
store_inbox_put(struct store *st, const struct card *card, const char *note, bool reply,
                const char *addr, uint16_t port, const char *event, const uint8_t offer_id[32],
                const struct inbox_keys *keys, uint64_t now, uint64_t ttl, int64_t *id)
{
	static const char sql[] =
	        "INSERT INTO inbox (key, envelope, offer_id, note, reply, addr, port, event, "
	        "received, expires, recognition, peer_static, presence_sk) "
	        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) RETURNING id";
	sqlite3_stmt *s = NULL;
	uint64_t until = now + ttl;
	int r;

	if (!text_ok(note, 280) || !text_ok(event, 128) || !text_ok(addr, 64) ||
	    now > INT64_MAX / 2 || ttl > INT64_MAX / 2)
		return -EINVAL;
	/* The offer goes when its card does (proto/card.md 11.3). */
	if (card->has_expires && card->expires < until)
		until = card->expires;
	if ((r = store_tx_begin(st)) < 0)
		return r;
	/* The same offer twice (a sender retrying after a lost ack) is kept once. */
	{
		int64_t dup = 0;

		if ((r = store_sql_prep(st, "SELECT count(*) FROM inbox WHERE offer_id = ?1",
		                        &s)) == 0 &&
		    (r = store_sql_err(sqlite3_bind_blob(s, 1, offer_id, 32, SQLITE_STATIC))) ==
		            0 &&
		    (r = store_sql_step_row(s)) == 0)
			dup = sqlite3_column_int64(s, 0);
		store_sql_release(st, s);
		s = NULL;
		if (r == 0 && dup > 0)
			r = -EEXIST;
	}
	if (r == 0 && (r = store_sql_prep(st, sql, &s)) == 0 &&
	    (r = store_sql_err(sqlite3_bind_blob(s, 1, card->key, CRYPT_SIGN_PK, SQLITE_STATIC))) ==
	            0 &&
	    (r = store_sql_err(sqlite3_bind_blob(s, 2, card->envelope, (int)card->envelope_len,
	                                         SQLITE_STATIC))) == 0 &&
	    (r = store_sql_err(sqlite3_bind_blob(s, 3, offer_id, 32, SQLITE_STATIC))) == 0 &&
	    (note == NULL || (r = store_sql_bind_text(s, 4, note)) == 0) &&
	    (r = store_sql_bind_int(s, 5, reply)) == 0 &&
	    (addr == NULL || (r = store_sql_bind_text(s, 6, addr)) == 0) &&
	    (!reply || port == 0 || (r = store_sql_bind_int(s, 7, port)) == 0) &&
	    (event == NULL || (r = store_sql_bind_text(s, 8, event)) == 0) &&
	    (r = store_sql_bind_int(s, 9, (int64_t)now)) == 0 &&
	    (r = store_sql_bind_int(s, 10, (int64_t)until)) == 0 &&
	    (keys == NULL || (r = bind_keys(s, 11, keys)) == 0) &&
	    (r = store_sql_step_row(s)) == 0 && id != NULL)
		*id = sqlite3_column_int64(s, 0);
	store_sql_release(st, s);
	return store_tx_end(st, r);
}

/* Reads one inbox row (the columns of INBOX_COLUMNS). */
#define INBOX_COLUMNS                                                                              \
	"id, envelope, note, reply, addr, port, event, offer_id, received, expires, "              \
	"recognition, peer_static, presence_sk, kind, intro, via"

static int
dup_or_null(sqlite3_stmt *s, int i, char **out)
{
	*out = NULL;
	return sqlite3_column_type(s, i) == SQLITE_NULL ? 0 : store_sql_column_dup(s, i, out);
}

static int
read_offer(sqlite3_stmt *s, struct inbox_offer *o)
{
	struct card_error err;
	int r;

	memset(o, 0, sizeof(*o));
	o->id = sqlite3_column_int64(s, 0);
	r = card_decode_stored(sqlite3_column_blob(s, 1), (size_t)sqlite3_column_bytes(s, 1),
	                       &o->card, &err);
	if (r < 0)
		return r == -ENOMEM ? r : -EIO;
	o->reply = sqlite3_column_int(s, 3) != 0;
	o->port = (uint16_t)sqlite3_column_int(s, 5);
	if (sqlite3_column_bytes(s, 7) == 32)
		memcpy(o->offer_id, sqlite3_column_blob(s, 7), 32);
	o->received = (uint64_t)sqlite3_column_int64(s, 8);
	o->expires = (uint64_t)sqlite3_column_int64(s, 9);
	/* Offers kept before schema 5 have no keys: they can be accepted, not answered. */
	if (sqlite3_column_bytes(s, 10) == 32 && sqlite3_column_bytes(s, 11) == 32 &&
	    sqlite3_column_bytes(s, 12) == 32) {
		memcpy(o->keys.recognition, sqlite3_column_blob(s, 10), 32);
		memcpy(o->keys.peer_static, sqlite3_column_blob(s, 11), 32);
		memcpy(o->keys.presence_sk, sqlite3_column_blob(s, 12), 32);
		o->has_keys = true;
	}
	if (sqlite3_column_bytes(s, 10) == 32) {
		memcpy(o->keys.recognition, sqlite3_column_blob(s, 10), 32);
		o->has_rk = true;
	}
	o->kind = strcmp((const char *)sqlite3_column_text(s, 13), "ask") == 0     ? INBOX_ASK
	          : strcmp((const char *)sqlite3_column_text(s, 13), "intro") == 0 ? INBOX_INTRO
	                                                                           : INBOX_OFFER;
	if (sqlite3_column_bytes(s, 14) > 0) {
		o->intro_len = (size_t)sqlite3_column_bytes(s, 14);
		if ((o->intro = malloc(o->intro_len)) == NULL)
			return -ENOMEM;
		memcpy(o->intro, sqlite3_column_blob(s, 14), o->intro_len);
	}
	if (sqlite3_column_bytes(s, 15) == 32) {
		memcpy(o->via, sqlite3_column_blob(s, 15), 32);
		o->has_via = true;
	}
	if ((r = dup_or_null(s, 2, &o->note)) < 0 || (r = dup_or_null(s, 4, &o->addr)) < 0)
		return r;
	return dup_or_null(s, 6, &o->event);
}

/* read_offer and inbox_offer_clear for store_sql_collect. */
static int
read_one(sqlite3_stmt *s, void *item)
{
	return read_offer(s, item);
}

static void
clear_one(void *item)
{
	inbox_offer_clear(item);
}

int
store_inbox_list(struct store *st, uint64_t now, struct inbox_offer **out, size_t *n)
{
	static const char sql[] =
	        "SELECT " INBOX_COLUMNS " FROM inbox WHERE expires > ?1 ORDER BY received, id";
	sqlite3_stmt *s = NULL;
	void *list = NULL;
	int r;

	*out = NULL;
	*n = 0;
	if ((r = store_sql_prep(st, sql, &s)) == 0 &&
	    (r = store_sql_bind_int(s, 1, (int64_t)now)) == 0 &&
	    (r = store_sql_collect(s, sizeof(**out), read_one, clear_one, &list, n)) == 0)
		*out = list;
	store_sql_release(st, s);
	return r;
}

/* One offer by id; -ENOENT when there is none, -ETIME when it or its card expired. */
static int
offer_get(struct store *st, int64_t id, uint64_t now, struct inbox_offer *o)
{
	static const char sql[] = "SELECT " INBOX_COLUMNS " FROM inbox WHERE id = ?1";
	sqlite3_stmt *s = NULL;
	int r;

	memset(o, 0, sizeof(*o));
	if ((r = store_sql_prep(st, sql, &s)) == 0 && (r = store_sql_bind_int(s, 1, id)) == 0 &&
	    (r = store_sql_step_row(s)) == 0)
		r = read_offer(s, o);
	store_sql_release(st, s);
	/* Judged again here: a card's expiry may have passed while it waited, and an offer
	 * kept before its expiry bounded the row's is still void (proto/card.md 11.3). */
	if (r == 0 && (o->expires <= now || (o->card->has_expires && o->card->expires <= now)))
		r = -ETIME;
	if (r < 0)
		inbox_offer_clear(o);
	return r;
}

static int
drop(struct store *st, int64_t id)
{
	sqlite3_stmt *s = NULL;
	int r;

	if ((r = store_sql_prep(st, "DELETE FROM inbox WHERE id = ?1", &s)) == 0 &&
	    (r = store_sql_bind_int(s, 1, id)) == 0)
		r = store_sql_step_done(s);
	store_sql_release(st, s);
	return r;
}

/* The introducer of an accepted intro, when they are someone we keep; the first one
 * recorded for a person stays the one shown (store_introduced). */
static int
record_introducer(struct store *st, int64_t person, const uint8_t via[32], uint64_t now)
{
	int64_t introducer;
	int r = store_person_by_key(st, via, &introducer);

	if (r <= 0 || introducer == person)
		return r;
	r = store_introduced(st, person, introducer, now);
	return r == -EEXIST || r == -EALREADY ? 0 : r;
}

int
store_inbox_accept(struct store *st, int64_t id, uint64_t now, struct inbox_offer *taken,
                   int64_t *person_id)
{
	enum store_card_result res;
	struct inbox_offer o;
	int64_t person = 0;
	int r;

	if (taken != NULL)
		memset(taken, 0, sizeof(*taken));
	if ((r = store_tx_begin(st)) < 0)
		return r;
	if ((r = offer_get(st, id, now, &o)) == -ETIME) {
		/* Nothing of it is kept: the offer goes, and the caller says why. */
		r = store_tx_end(st, drop(st, id));
		return r < 0 ? r : -ETIME;
	}
	if (r == 0 && o.kind == INBOX_ASK)
		r = -EOPNOTSUPP;
	if (r == 0 && (r = store_card_put_tx(st, o.card, now, &res, &person)) == 0 &&
	    (r = store_met_tx(st, person, o.event, now)) == 0 &&
	    (!o.has_rk ||
	     (r = store_recognition_set(st, o.card->key, o.keys.recognition, now)) == 0) &&
	    (!o.has_via || (r = record_introducer(st, person, o.via, now)) == 0))
		r = drop(st, id);
	if ((r = store_tx_end(st, r)) < 0) {
		inbox_offer_clear(&o);
		return r;
	}
	if (person_id != NULL)
		*person_id = person;
	if (taken != NULL)
		*taken = o;
	else
		inbox_offer_clear(&o);
	return 0;
}

int
store_inbox_decline(struct store *st, int64_t id)
{
	int r;

	if ((r = store_tx_begin(st)) < 0)
		return r;
	if ((r = drop(st, id)) == 0 && sqlite3_changes(st->db) == 0)
		r = -ENOENT;
	return store_tx_end(st, r);
}

int
store_inbox_decline_all(struct store *st, const char *addr, size_t *n)
{
	sqlite3_stmt *s = NULL;
	size_t k = 0;
	int r;

	if ((r = store_tx_begin(st)) < 0)
		return r;
	if ((r = store_sql_prep(
	             st, addr != NULL ? "DELETE FROM inbox WHERE addr = ?1" : "DELETE FROM inbox",
	             &s)) == 0 &&
	    (addr == NULL || (r = store_sql_bind_text(s, 1, addr)) == 0) &&
	    (r = store_sql_step_done(s)) == 0)
		k = (size_t)sqlite3_changes(st->db);
	store_sql_release(st, s);
	if ((r = store_tx_end(st, r)) == 0 && n != NULL)
		*n = k;
	return r;
}

/* The name on the card of offer id, or NULL when it cannot be read (the block goes on
 * without it). -ENOENT when there is no such offer. */
static int
offer_name(struct store *st, int64_t id, char **name)
{
	struct card_error err;
	struct card *card = NULL;
	sqlite3_stmt *s = NULL;
	int r;

	*name = NULL;
	if ((r = store_sql_prep(st, "SELECT envelope FROM inbox WHERE id = ?1", &s)) == 0 &&
	    (r = store_sql_bind_int(s, 1, id)) == 0 && (r = store_sql_step_row(s)) == 0 &&
	    card_decode_stored(sqlite3_column_blob(s, 0), (size_t)sqlite3_column_bytes(s, 0), &card,
	                       &err) == 0 &&
	    (*name = strdup(card->f.text[CARD_NAME])) == NULL)
		r = -ENOMEM;
	card_free(card);
	store_sql_release(st, s);
	return r;
}

int
store_inbox_block(struct store *st, int64_t id, uint64_t now)
{
	/* A block made again keeps its first time, and gains a name if it had none. */
	static const char block[] =
	        "INSERT INTO blocked (key, at, name) SELECT key, ?2, ?3 FROM inbox "
	        "WHERE id = ?1 ON CONFLICT (key) DO UPDATE SET name = "
	        "coalesce(blocked.name, excluded.name)";
	static const char purge[] = "DELETE FROM inbox WHERE key IN (SELECT key FROM blocked)";
	sqlite3_stmt *s = NULL;
	char *name = NULL;
	int r;

	if ((r = store_tx_begin(st)) < 0)
		return r;
	if ((r = offer_name(st, id, &name)) == 0 && (r = store_sql_prep(st, block, &s)) == 0 &&
	    (r = store_sql_bind_int(s, 1, id)) == 0 &&
	    (r = store_sql_bind_int(s, 2, (int64_t)now)) == 0 &&
	    (name == NULL || (r = store_sql_bind_text(s, 3, name)) == 0))
		r = store_sql_step_done(s);
	store_sql_release(st, s);
	free(name);
	if (r == 0)
		r = store_sql_exec(st, purge);
	return store_tx_end(st, r);
}

int
store_inbox_expire(struct store *st, uint64_t now, size_t *dropped)
{
	sqlite3_stmt *s = NULL;
	int r;

	if ((r = store_tx_begin(st)) < 0)
		return r;
	if ((r = store_sql_prep(st, "DELETE FROM inbox WHERE expires <= ?1", &s)) == 0 &&
	    (r = store_sql_bind_int(s, 1, (int64_t)now)) == 0 &&
	    (r = store_sql_step_done(s)) == 0 && dropped != NULL)
		*dropped = (size_t)sqlite3_changes(st->db);
	store_sql_release(st, s);
	return store_tx_end(st, r);
}
