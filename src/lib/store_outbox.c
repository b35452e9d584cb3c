/*
 * store_outbox.c: the offers we made to people nearby, and the cards they sent back
 * (store_int.h). Everything written here comes from this machine (our card, the user's
 * note and event, the name a peer advertised), except the card back, which the session
 * verified and bound to the session it came in. A card back is kept only when it answers
 * an offer we delivered to exactly the presence key it came from, asking for a reply, and
 * not too long ago: anyone can compute an offer id from a card we hand out, so the id
 * alone proves nothing.
 * It must never keep a card back for an offer that does not match in every one of those,
 * or write part of an answer.
 */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"
#include "wallflower/peermsg.h"
#include "wallflower/text.h"

_Static_assert(PEERMSG_ID_LEN == 32, "an offer id fills outbox.offer_id");

#define EVENT_MAX 128 /* bytes of an event name: store_met's rule (store_people.c) */

/* The outbox.state values, in enum outbox_state order. */
static const char *const state_names[] = {
	[OUTBOX_PENDING] = "pending",
	[OUTBOX_DELIVERED] = "delivered",
	[OUTBOX_ANSWERED] = "answered",
	[OUTBOX_FAILED] = "failed",
};

const char *
outbox_state_name(enum outbox_state state)
{
	if ((unsigned)state >= sizeof(state_names) / sizeof(state_names[0]))
		return "unknown";
	return state_names[state];
}

void
outbox_offer_clear(struct outbox_offer *o)
{
	if (o == NULL)
		return;
	free(o->target);
	free(o->envelope);
	free(o->note);
	free(o->event);
	free(o->reason);
	memset(o, 0, sizeof(*o));
}

void
outbox_offer_free_all(struct outbox_offer *o, size_t n)
{
	if (o == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		outbox_offer_clear(&o[i]);
	free(o);
}

static int
bind_blob(sqlite3_stmt *s, int i, const uint8_t *p, size_t n)
{
	return store_sql_err(sqlite3_bind_blob(s, i, p, (int)n, SQLITE_STATIC));
}

/* One line of valid text, 1..max bytes; NULL (absent) passes. */
static bool
text_ok(const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0;

	return s == NULL || (n > 0 && n <= max && text_check(s, n, 0) == TEXT_OK);
}

static bool
put_valid(const char *target, const uint8_t *envelope, size_t len, const char *note,
          const char *event, uint64_t now, uint64_t ttl)
{
	return target != NULL && text_ok(target, STORE_OUTBOX_TARGET_MAX) && envelope != NULL &&
	       len > 0 && len <= CARD_ENVELOPE_MAX && text_ok(note, PEERMSG_NOTE_MAX) &&
	       text_ok(event, EVENT_MAX) && now <= INT64_MAX / 2 && ttl <= INT64_MAX / 2;
}

/* Offers pending and not past their deadline at now; -EDQUOT at STORE_OUTBOX_MAX. */
static int
within_limit(struct store *st, uint64_t now)
{
	static const char sql[] =
	        "SELECT count(*) FROM outbox WHERE state = 'pending' AND expires >= ?1";
	sqlite3_stmt *s = NULL;
	int64_t n = 0;
	int r;

	if ((r = store_sql_prep(st, sql, &s)) == 0 &&
	    (r = store_sql_bind_int(s, 1, (int64_t)now)) == 0 && (r = store_sql_step_row(s)) == 0)
		n = sqlite3_column_int64(s, 0);
	store_sql_release(st, s);
	if (r == 0 && n >= STORE_OUTBOX_MAX)
		r = -EDQUOT;
	return r;
}

int
store_outbox_put(struct store *st, const char *target, const uint8_t *envelope, size_t len,
                 const char *note, const char *event, bool reply, uint64_t now, uint64_t ttl,
                 int64_t *id)
{
	static const char sql[] =
	        "INSERT INTO outbox (target, envelope, offer_id, note, event, reply, state, "
	        "created, expires) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'pending', ?7, ?8) RETURNING id";
	uint8_t offer_id[PEERMSG_ID_LEN];
	sqlite3_stmt *s = NULL;
	int64_t v = 0;
	int r;

	assert(st != NULL);
	if (id != NULL)
		*id = 0;
	if (!put_valid(target, envelope, len, note, event, now, ttl))
		return -EINVAL;
	peermsg_offer_id(envelope, len, offer_id);
	if ((r = store_tx_begin(st)) < 0)
		return r;
	if ((r = within_limit(st, now)) == 0 && (r = store_sql_prep(st, sql, &s)) == 0 &&
	    (r = store_sql_bind_text(s, 1, target)) == 0 &&
	    (r = bind_blob(s, 2, envelope, len)) == 0 &&
	    (r = bind_blob(s, 3, offer_id, sizeof(offer_id))) == 0 &&
	    (note == NULL || (r = store_sql_bind_text(s, 4, note)) == 0) &&
	    (event == NULL || (r = store_sql_bind_text(s, 5, event)) == 0) &&
	    (r = store_sql_bind_int(s, 6, reply)) == 0 &&
	    (r = store_sql_bind_int(s, 7, (int64_t)now)) == 0 &&
	    (r = store_sql_bind_int(s, 8, (int64_t)(now + ttl))) == 0 &&
	    (r = store_sql_step_row(s)) == 0)
		v = sqlite3_column_int64(s, 0);
	store_sql_release(st, s);
	if ((r = store_tx_end(st, r)) == 0 && id != NULL)
		*id = v;
	return r;
}

/* Reads one outbox row (the columns of OUTBOX_COLUMNS). */
#define OUTBOX_COLUMNS                                                                             \
	"id, target, peer_static, envelope, offer_id, note, event, reply, state, tries, created, " \
	"expires, reason"

static int
dup_or_null(sqlite3_stmt *s, int i, char **out)
{
	*out = NULL;
	return sqlite3_column_type(s, i) == SQLITE_NULL ? 0 : store_sql_column_dup(s, i, out);
}

/* Copies blob column i of exactly n bytes (or, with n 0, of any non-zero size). */
static int
blob_read(sqlite3_stmt *s, int i, uint8_t *fixed, size_t n, uint8_t **out, size_t *len)
{
	const void *p = sqlite3_column_blob(s, i);
	size_t got = (size_t)sqlite3_column_bytes(s, i);

	/* The schema's CHECKs make these hold; a file edited behind our back may not. */
	if (p == NULL || got == 0 || (n > 0 && got != n))
		return sqlite3_errcode(sqlite3_db_handle(s)) == SQLITE_NOMEM ? -ENOMEM : -EIO;
	if (n > 0) {
		memcpy(fixed, p, n);
		return 0;
	}
	if ((*out = malloc(got)) == NULL)
		return -ENOMEM;
	memcpy(*out, p, got);
	*len = got;
	return 0;
}

static int
state_read(sqlite3_stmt *s, int i, enum outbox_state *state)
{
	const char *name = (const char *)sqlite3_column_text(s, i);

	for (size_t k = 0; name != NULL && k < sizeof(state_names) / sizeof(state_names[0]); k++) {
		if (strcmp(name, state_names[k]) == 0) {
			*state = (enum outbox_state)k;
			return 0;
		}
	}
	return -EIO;
}

static int
read_offer(sqlite3_stmt *s, struct outbox_offer *o)
{
	int r;

	memset(o, 0, sizeof(*o));
	o->id = sqlite3_column_int64(s, 0);
	o->has_peer_static = sqlite3_column_type(s, 2) != SQLITE_NULL;
	o->reply = sqlite3_column_int(s, 7) != 0;
	o->tries = (unsigned)sqlite3_column_int(s, 9);
	o->created = (uint64_t)sqlite3_column_int64(s, 10);
	o->expires = (uint64_t)sqlite3_column_int64(s, 11);
	if ((r = store_sql_column_dup(s, 1, &o->target)) < 0 ||
	    (o->has_peer_static &&
	     (r = blob_read(s, 2, o->peer_static, CRYPT_DH_KEY, NULL, NULL)) < 0) ||
	    (r = blob_read(s, 3, NULL, 0, &o->envelope, &o->envelope_len)) < 0 ||
	    (r = blob_read(s, 4, o->offer_id, sizeof(o->offer_id), NULL, NULL)) < 0 ||
	    (r = dup_or_null(s, 5, &o->note)) < 0 || (r = dup_or_null(s, 6, &o->event)) < 0 ||
	    (r = dup_or_null(s, 12, &o->reason)) < 0)
		return r;
	return state_read(s, 8, &o->state);
}

/* read_offer and outbox_offer_clear for store_sql_collect. */
static int
read_one(sqlite3_stmt *s, void *item)
{
	return read_offer(s, item);
}

static void
clear_one(void *item)
{
	outbox_offer_clear(item);
}

int
store_outbox_list(struct store *st, bool pending_only, struct outbox_offer **out, size_t *n)
{
	static const char sql[] = "SELECT " OUTBOX_COLUMNS " FROM outbox WHERE ?1 = 0 OR "
	                          "state = 'pending' ORDER BY created, id";
	sqlite3_stmt *s = NULL;
	void *list = NULL;
	int r;

	assert(st != NULL && out != NULL && n != NULL);
	*out = NULL;
	*n = 0;
	if ((r = store_sql_prep(st, sql, &s)) == 0 &&
	    (r = store_sql_bind_int(s, 1, pending_only)) == 0 &&
	    (r = store_sql_collect(s, sizeof(**out), read_one, clear_one, &list, n)) == 0)
		*out = list;
	store_sql_release(st, s);
	return r;
}

int
store_outbox_get(struct store *st, int64_t id, struct outbox_offer *out)
{
	static const char sql[] = "SELECT " OUTBOX_COLUMNS " FROM outbox WHERE id = ?1";
	sqlite3_stmt *s = NULL;
	int r;

	assert(st != NULL && out != NULL);
	memset(out, 0, sizeof(*out));
	if ((r = store_sql_prep(st, sql, &s)) == 0 && (r = store_sql_bind_int(s, 1, id)) == 0 &&
	    (r = store_sql_step_row(s)) == 0)
		r = read_offer(s, out);
	store_sql_release(st, s);
	if (r < 0)
		outbox_offer_clear(out);
	return r;
}

/* Runs an UPDATE of offer ?1 inside the caller's transaction; -ENOENT when none changed. */
static int
run_id(struct store *st, const char *sql, int64_t id)
{
	sqlite3_stmt *s = NULL;
	int r;

	if ((r = store_sql_prep(st, sql, &s)) == 0 && (r = store_sql_bind_int(s, 1, id)) == 0 &&
	    (r = store_sql_step_done(s)) == 0 && sqlite3_changes(st->db) == 0)
		r = -ENOENT;
	store_sql_release(st, s);
	return r;
}

int
store_outbox_tried(struct store *st, int64_t id)
{
	int r;

	assert(st != NULL);
	if ((r = store_tx_begin(st)) < 0)
		return r;
	r = run_id(st, "UPDATE outbox SET tries = tries + 1 WHERE id = ?1 AND state = 'pending'",
	           id);
	return store_tx_end(st, r);
}

int
store_outbox_failed(struct store *st, int64_t id, const char *reason)
{
	static const char sql[] = "UPDATE outbox SET state = 'failed', reason = ?2 WHERE id = ?1 "
	                          "AND state = 'pending'";
	sqlite3_stmt *s = NULL;
	int r;

	assert(st != NULL);
	if (!text_ok(reason, 128))
		return -EINVAL;
	if ((r = store_tx_begin(st)) < 0)
		return r;
	if ((r = store_sql_prep(st, sql, &s)) == 0 && (r = store_sql_bind_int(s, 1, id)) == 0 &&
	    (reason == NULL || (r = store_sql_bind_text(s, 2, reason)) == 0) &&
	    (r = store_sql_step_done(s)) == 0 && sqlite3_changes(st->db) == 0)
		r = -ENOENT;
	store_sql_release(st, s);
	return store_tx_end(st, r);
}

/* Runs sql with ?1 id, ?2 a key and, when it has one, ?3 a time. */
static int
run_id_key(struct store *st, const char *sql, int64_t id, const uint8_t *key, int64_t t)
{
	sqlite3_stmt *s = NULL;
	int r;

	if ((r = store_sql_prep(st, sql, &s)) == 0 && (r = store_sql_bind_int(s, 1, id)) == 0 &&
	    (r = bind_blob(s, 2, key, CRYPT_DH_KEY)) == 0 &&
	    (sqlite3_bind_parameter_count(s) < 3 || (r = store_sql_bind_int(s, 3, t)) == 0))
		r = store_sql_step_done(s);
	store_sql_release(st, s);
	return r;
}

int
store_outbox_delivered(struct store *st, int64_t id, const uint8_t peer_static[CRYPT_DH_KEY],
                       uint64_t now, uint64_t answer_ttl)
{
	/* The same card delivered to the same presence key before: the latest delivery wins, and
	 * the earlier row goes, so that (offer_id, peer_static) stays unique. */
	static const char replace[] =
	        "DELETE FROM outbox WHERE peer_static = ?2 AND offer_id = "
	        "(SELECT offer_id FROM outbox WHERE id = ?1 AND state = 'pending')";
	static const char deliver[] = "UPDATE outbox SET state = 'delivered', peer_static = ?2, "
	                              "expires = ?3 WHERE id = ?1 AND state = 'pending'";
	int r;

	assert(st != NULL && peer_static != NULL);
	if (now > INT64_MAX / 2 || answer_ttl > INT64_MAX / 2)
		return -EINVAL;
	if ((r = store_tx_begin(st)) < 0)
		return r;
	if ((r = run_id_key(st, replace, id, peer_static, 0)) == 0 &&
	    (r = run_id_key(st, deliver, id, peer_static, (int64_t)(now + answer_ttl))) == 0 &&
	    sqlite3_changes(st->db) == 0)
		r = -ENOENT;
	return store_tx_end(st, r);
}

/* The delivered offer that a card back from presence key answers at now: *id and *event
 * (owned). */
static int
answer_find(struct store *st, const uint8_t re[32], const uint8_t *key, uint64_t now, int64_t *id,
            char **event)
{
	static const char sql[] = "SELECT id, event FROM outbox WHERE offer_id = ?1 AND "
	                          "peer_static = ?2 AND state = 'delivered' AND reply = 1 AND "
	                          "expires >= ?3";
	sqlite3_stmt *s = NULL;
	int r;

	if ((r = store_sql_prep(st, sql, &s)) == 0 && (r = bind_blob(s, 1, re, 32)) == 0 &&
	    (r = bind_blob(s, 2, key, CRYPT_DH_KEY)) == 0 &&
	    (r = store_sql_bind_int(s, 3, (int64_t)now)) == 0 && (r = store_sql_step_row(s)) == 0) {
		*id = sqlite3_column_int64(s, 0);
		r = dup_or_null(s, 1, event);
	}
	store_sql_release(st, s);
	return r;
}

int
store_outbox_answer(struct store *st, const uint8_t re[32], const uint8_t peer_static[CRYPT_DH_KEY],
                    const struct card *card, uint64_t now, int64_t *person_id)
{
	enum store_card_result res;
	int64_t id = 0, person = 0;
	char *event = NULL;
	int r;

	assert(st != NULL && re != NULL && card != NULL && now <= INT64_MAX);
	if (person_id != NULL)
		*person_id = 0;
	if ((r = store_tx_begin(st)) < 0)
		return r;
	if ((r = store_is_blocked(st, card->key)) != 0) {
		r = r == 1 ? -EPERM : r;
		goto out;
	}
	if ((r = answer_find(st, re, peer_static, now, &id, &event)) == 0 &&
	    (r = store_card_put_tx(st, card, now, &res, &person)) == 0 &&
	    (r = store_met_tx(st, person, event, now)) == 0)
		r = run_id(st,
		           "UPDATE outbox SET state = 'answered' WHERE id = ?1 AND "
		           "state = 'delivered'",
		           id);
out:
	free(event);
	if ((r = store_tx_end(st, r)) == 0 && person_id != NULL)
		*person_id = person;
	return r;
}

int
store_outbox_expire(struct store *st, uint64_t now, size_t *changed)
{
	static const char sql[] =
	        "UPDATE outbox SET state = 'failed', reason = 'not delivered in time' "
	        "WHERE state = 'pending' AND "
	        "expires < ?1";
	sqlite3_stmt *s = NULL;
	size_t v = 0;
	int r;

	assert(st != NULL && now <= INT64_MAX);
	if (changed != NULL)
		*changed = 0;
	if ((r = store_tx_begin(st)) < 0)
		return r;
	if ((r = store_sql_prep(st, sql, &s)) == 0 &&
	    (r = store_sql_bind_int(s, 1, (int64_t)now)) == 0 && (r = store_sql_step_done(s)) == 0)
		v = (size_t)sqlite3_changes(st->db);
	store_sql_release(st, s);
	if ((r = store_tx_end(st, r)) == 0 && changed != NULL)
		*changed = v;
	return r;
}
