/*
 * store_people.c: people, their cards, meetings and introductions, in the store
 * (store_int.h); notes and follow-ups are in store_notes.c. It trusts cards only as far as
 * card_decode verified them on the way in, and text only after the card rules passed it.
 * It must never build SQL from a value, write outside one IMMEDIATE transaction per call,
 * or let an older card replace a newer one.
 */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "store_int.h"
#include "wallflower/canon.h"
#include "wallflower/text.h"
#include "wallflower/vcard.h"

/* ---- named nodes: events, topics, organisations ---- */

/* Topics, events and organisations are found or made by canonical form: store_vocab_id
 * (store_vocab.c). */

/* Runs one constant statement with integer parameters (?1, ?2, ...). */
static int
run_ints(struct store *st, const char *sql, const int64_t *v, int n)
{
	sqlite3_stmt *s = NULL;
	int r = store_sql_prep(st, sql, &s);

	for (int i = 0; i < n && r == 0; i++)
		r = store_sql_bind_int(s, i + 1, v[i]);
	if (r == 0)
		r = store_sql_step_done(s);
	store_sql_release(st, s);
	return r;
}

/* ---- cards ---- */

static int
topic_edges(struct store *st, int64_t person, const struct card_list *l, const char *kind,
            uint64_t at)
{
	static const char sql[] = "INSERT INTO person_topic (person_id, topic_id, kind, at) "
	                          "VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING";
	sqlite3_stmt *s = NULL;
	int64_t topic;
	int r = 0;

	for (size_t i = 0; i < l->n && r == 0; i++) {
		if ((r = store_vocab_id(st, STORE_VOCAB_TOPIC, l->items[i], &topic)) < 0)
			break;
		if ((r = store_sql_prep(st, sql, &s)) == 0 &&
		    (r = store_sql_bind_int(s, 1, person)) == 0 &&
		    (r = store_sql_bind_int(s, 2, topic)) == 0 &&
		    (r = store_sql_bind_text(s, 3, kind)) == 0 &&
		    (r = store_sql_bind_int(s, 4, (int64_t)at)) == 0)
			r = store_sql_step_done(s);
		store_sql_release(st, s);
		s = NULL;
	}
	return r;
}

/* The ids of the nodes (topics or the organisation) person's current card names, as a
 * JSON array in *out (malloc'd; NULL when there are none). */
static int
named_nodes(struct store *st, const char *sql, int64_t person, char **out)
{
	sqlite3_stmt *s = NULL;
	int r;

	*out = NULL;
	if ((r = store_sql_prep(st, sql, &s)) == 0 && (r = store_sql_bind_int(s, 1, person)) == 0 &&
	    (r = store_sql_step_row(s)) == 0 && sqlite3_column_type(s, 0) != SQLITE_NULL)
		r = store_sql_column_dup(s, 0, out);
	store_sql_release(st, s);
	return r == -ENOENT ? 0 : r;
}

/* Removes the nodes of ids (named_nodes) that no edge names any more: a contact who
 * changes their card often must not leave a trail of topics nobody has. */
static int
prune_nodes(struct store *st, const char *sql, const char *ids)
{
	sqlite3_stmt *s = NULL;
	int r;

	if (ids == NULL)
		return 0;
	if ((r = store_sql_prep(st, sql, &s)) == 0 && (r = store_sql_bind_text(s, 1, ids)) == 0)
		r = store_sql_step_done(s);
	store_sql_release(st, s);
	return r;
}

/* The edges a card implies, replacing those of the card it supersedes. */
static int
derive_edges(struct store *st, int64_t person, const struct card_fields *f, uint64_t at)
{
	int64_t org, v[3] = { person };
	int r;

	if ((r = run_ints(st, "DELETE FROM person_topic WHERE person_id = ?1", v, 1)) < 0 ||
	    (r = run_ints(st, "DELETE FROM works_at WHERE person_id = ?1", v, 1)) < 0 ||
	    (r = topic_edges(st, person, card_fields_list_const(f, CARD_TOPICS), "knows", at)) <
	            0 ||
	    (r = topic_edges(st, person, card_fields_list_const(f, CARD_OFFERS), "offers", at)) <
	            0 ||
	    (r = topic_edges(st, person, card_fields_list_const(f, CARD_SEEKS), "seeks", at)) < 0)
		return r;
	if (f->text[CARD_ORG] == NULL)
		return 0;
	if ((r = store_vocab_id(st, STORE_VOCAB_ORG, f->text[CARD_ORG], &org)) < 0)
		return r;
	v[1] = org;
	v[2] = (int64_t)at;
	return run_ints(st, "INSERT INTO works_at (person_id, org_id, at) VALUES (?1, ?2, ?3)", v,
	                3);
}

/* derive_edges, then the pruning of what the card before named and this one does not. */
static int
rederive_edges(struct store *st, int64_t person, const struct card_fields *f, uint64_t at)
{
	char *topics = NULL, *org = NULL;
	int r;

	if ((r = named_nodes(st,
	                     "SELECT '[' || group_concat(topic_id) || ']' FROM person_topic "
	                     "WHERE person_id = ?1",
	                     person, &topics)) == 0 &&
	    (r = named_nodes(st, "SELECT '[' || org_id || ']' FROM works_at WHERE person_id = ?1",
	                     person, &org)) == 0 &&
	    (r = derive_edges(st, person, f, at)) == 0 &&
	    (r = prune_nodes(st,
	                     "DELETE FROM topic WHERE id IN (SELECT value FROM json_each(?1)) AND "
	                     "NOT EXISTS (SELECT 1 FROM person_topic WHERE topic_id = topic.id)",
	                     topics)) == 0)
		r = prune_nodes(st,
		                "DELETE FROM org WHERE id IN (SELECT value FROM json_each(?1)) AND "
		                "NOT EXISTS (SELECT 1 FROM works_at WHERE org_id = org.id)",
		                org);
	free(topics);
	free(org);
	return r;
}

/* The person's id and current rev; -ENOENT when the key is new. */
static int
person_by_key(struct store *st, const uint8_t key[CRYPT_SIGN_PK], int64_t *id, uint64_t *rev)
{
	sqlite3_stmt *s = NULL;
	int r;

	if ((r = store_sql_prep(st, "SELECT id, rev FROM person WHERE key = ?1", &s)) == 0 &&
	    (r = store_sql_err(sqlite3_bind_blob(s, 1, key, CRYPT_SIGN_PK, SQLITE_STATIC))) == 0 &&
	    (r = store_sql_step_row(s)) == 0) {
		*id = sqlite3_column_int64(s, 0);
		*rev = (uint64_t)sqlite3_column_int64(s, 1);
	}
	store_sql_release(st, s);
	return r;
}

static int
person_insert(struct store *st, const struct card *card, uint64_t now, int64_t *id)
{
	static const char sql[] = "INSERT INTO person (key, fpr, name, rev, added) "
	                          "VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id";
	char fpr[IDENTITY_FPR_LEN + 1];
	sqlite3_stmt *s = NULL;
	int r;

	identity_fingerprint(card->key, fpr);
	if ((r = store_sql_prep(st, sql, &s)) == 0 &&
	    (r = store_sql_err(sqlite3_bind_blob(s, 1, card->key, CRYPT_SIGN_PK, SQLITE_STATIC))) ==
	            0 &&
	    (r = store_sql_bind_text(s, 2, fpr)) == 0 &&
	    (r = store_sql_bind_text(s, 3, card->f.text[CARD_NAME])) == 0 &&
	    (r = store_sql_bind_int(s, 4, (int64_t)card->rev)) == 0 &&
	    (r = store_sql_bind_int(s, 5, (int64_t)now)) == 0 && (r = store_sql_step_row(s)) == 0)
		*id = sqlite3_column_int64(s, 0);
	store_sql_release(st, s);
	return r;
}

/* Keeps the card's bytes (history) and makes it the person's current card. */
static int
card_insert(struct store *st, int64_t person, const struct card *card, uint64_t now)
{
	static const char sql[] = "INSERT INTO card (person_id, rev, issued, received, envelope) "
	                          "VALUES (?1, ?2, ?3, ?4, ?5)";
	sqlite3_stmt *s = NULL;
	int r;

	if ((r = store_sql_prep(st, sql, &s)) == 0 && (r = store_sql_bind_int(s, 1, person)) == 0 &&
	    (r = store_sql_bind_int(s, 2, (int64_t)card->rev)) == 0 &&
	    (r = store_sql_bind_int(s, 3, (int64_t)card->issued)) == 0 &&
	    (r = store_sql_bind_int(s, 4, (int64_t)now)) == 0 &&
	    (r = store_sql_err(sqlite3_bind_blob(s, 5, card->envelope, (int)card->envelope_len,
	                                         SQLITE_STATIC))) == 0)
		r = store_sql_step_done(s);
	store_sql_release(st, s);
	if (r < 0)
		return r;
	if ((r = store_sql_prep(st, "UPDATE person SET name = ?2, rev = ?3 WHERE id = ?1", &s)) ==
	            0 &&
	    (r = store_sql_bind_int(s, 1, person)) == 0 &&
	    (r = store_sql_bind_text(s, 2, card->f.text[CARD_NAME])) == 0 &&
	    (r = store_sql_bind_int(s, 3, (int64_t)card->rev)) == 0)
		r = store_sql_step_done(s);
	store_sql_release(st, s);
	if (r < 0)
		return r;
	/* History is bounded: a contact sending a new card every minute keeps a few. */
	if ((r = run_ints(st,
	                  "DELETE FROM card WHERE person_id = ?1 AND rev NOT IN (SELECT rev FROM "
	                  "card WHERE person_id = ?1 ORDER BY rev DESC LIMIT ?2)",
	                  (int64_t[]){ person, STORE_CARD_HISTORY }, 2)) < 0)
		return r;
	if ((r = rederive_edges(st, person, &card->f, now)) < 0)
		return r;
	return store_words_update(st, person, &card->f);
}

int
store_card_put_tx(struct store *st, const struct card *card, uint64_t now,
                  enum store_card_result *result, int64_t *person_id)
{
	uint64_t rev = 0;
	int r;

	*result = STORE_CARD_OLDER;
	*person_id = 0;
	r = person_by_key(st, card->key, person_id, &rev);
	if (r == -ENOENT) {
		*result = STORE_CARD_NEW;
		if ((r = person_insert(st, card, now, person_id)) == 0)
			r = card_insert(st, *person_id, card, now);
	} else if (r == 0 && card->rev > rev) {
		*result = STORE_CARD_UPDATED;
		r = card_insert(st, *person_id, card, now);
	}
	return r;
}

int
store_card_put(struct store *st, const struct card *card, uint64_t now,
               enum store_card_result *result, int64_t *person_id)
{
	enum store_card_result res;
	int64_t id;
	int r;

	assert(st != NULL && card != NULL && now <= INT64_MAX);
	if ((r = store_tx_begin(st)) < 0)
		return r;
	r = store_card_put_tx(st, card, now, &res, &id);
	if ((r = store_tx_end(st, r)) < 0)
		return r;
	if (result != NULL)
		*result = res;
	if (person_id != NULL)
		*person_id = id;
	return 0;
}

/* ---- unverified contacts: vCards ---- */

/* The person whose key (vcard_key) is key: *id, and whether they came from a vCard and from
 * this very one. -ENOENT when there is none. */
static int
vcard_person(struct store *st, const uint8_t key[CRYPT_SIGN_PK], const struct vcard *v, int64_t *id,
             bool *is_vcard, bool *same)
{
	static const char sql[] = "SELECT id, vcard IS NOT NULL, coalesce(vcard = ?2, 0) "
	                          "FROM person WHERE key = ?1";
	sqlite3_stmt *s = NULL;
	int r;

	if ((r = store_sql_prep(st, sql, &s)) == 0 &&
	    (r = store_sql_err(sqlite3_bind_blob(s, 1, key, CRYPT_SIGN_PK, SQLITE_STATIC))) == 0 &&
	    (r = store_sql_err(sqlite3_bind_blob(s, 2, v->raw, (int)v->raw_len, SQLITE_STATIC))) ==
	            0 &&
	    (r = store_sql_step_row(s)) == 0) {
		*id = sqlite3_column_int64(s, 0);
		*is_vcard = sqlite3_column_int(s, 1) != 0;
		*same = sqlite3_column_int(s, 2) != 0;
	}
	store_sql_release(st, s);
	return r;
}

/* A new unverified person, or new bytes for one (the same UID): name and vCard. */
static int
vcard_write(struct store *st, const uint8_t key[CRYPT_SIGN_PK], const struct vcard *v, uint64_t now,
            int64_t *id)
{
	static const char insert[] = "INSERT INTO person (key, fpr, name, rev, added, vcard) "
	                             "VALUES (?1, ?2, ?3, 0, ?4, ?5) RETURNING id";
	/* One binding for both: the update names ?2 and ?4 (always bound) only to use them. */
	static const char update[] = "UPDATE person SET name = ?3, vcard = ?5 WHERE key = ?1 "
	                             "AND ?2 IS NOT NULL AND ?4 IS NOT NULL RETURNING id";
	char fpr[IDENTITY_FPR_LEN + 1];
	sqlite3_stmt *s = NULL;
	int r;

	identity_fingerprint(key, fpr);
	if ((r = store_sql_prep(st, *id == 0 ? insert : update, &s)) == 0 &&
	    (r = store_sql_err(sqlite3_bind_blob(s, 1, key, CRYPT_SIGN_PK, SQLITE_STATIC))) == 0 &&
	    (r = store_sql_bind_text(s, 2, fpr)) == 0 &&
	    (r = store_sql_bind_text(s, 3, v->f.text[CARD_NAME])) == 0 &&
	    (r = store_sql_bind_int(s, 4, (int64_t)now)) == 0 &&
	    (r = store_sql_err(sqlite3_bind_blob(s, 5, v->raw, (int)v->raw_len, SQLITE_STATIC))) ==
	            0 &&
	    (r = store_sql_step_row(s)) == 0)
		*id = sqlite3_column_int64(s, 0);
	store_sql_release(st, s);
	if (r == 0 && (r = rederive_edges(st, *id, &v->f, now)) == 0)
		r = store_words_update(st, *id, &v->f);
	return r;
}

int
store_vcard_put(struct store *st, const struct vcard *v, uint64_t now,
                enum store_card_result *result, int64_t *person_id)
{
	uint8_t key[CRYPT_SIGN_PK];
	bool is_vcard = false, same = false;
	enum store_card_result res = STORE_CARD_OLDER;
	int64_t id = 0;
	int r;

	assert(st != NULL && v != NULL && v->raw != NULL && now <= INT64_MAX);
	if (v->raw_len == 0 || v->raw_len > VCARD_MAX || v->f.text[CARD_NAME] == NULL)
		return -EINVAL;
	vcard_key(v, key);
	if ((r = store_tx_begin(st)) < 0)
		return r;
	r = vcard_person(st, key, v, &id, &is_vcard, &same);
	if (r == -ENOENT) {
		res = STORE_CARD_NEW;
		id = 0;
		r = vcard_write(st, key, v, now, &id);
	} else if (r == 0 && !is_vcard) {
		r = -EEXIST; /* a card's key: no hash output is one, but never overwrite a card */
	} else if (r == 0 && !same) {
		res = STORE_CARD_UPDATED;
		r = vcard_write(st, key, v, now, &id);
	}
	if ((r = store_tx_end(st, r)) < 0)
		return r;
	if (result != NULL)
		*result = res;
	if (person_id != NULL)
		*person_id = id;
	return 0;
}

/* ---- meetings and introductions ---- */

int
store_person_exists(struct store *st, int64_t id)
{
	sqlite3_stmt *s = NULL;
	int r;

	if ((r = store_sql_prep(st, "SELECT 1 FROM person WHERE id = ?1", &s)) == 0 &&
	    (r = store_sql_bind_int(s, 1, id)) == 0)
		r = store_sql_step_row(s);
	store_sql_release(st, s);
	return r;
}

bool
store_text_valid(const char *s, size_t max, bool multiline)
{
	size_t n = strlen(s);

	return n > 0 && n <= max && text_check(s, n, multiline ? TEXT_ALLOW_LF : 0) == TEXT_OK;
}

int
store_met_tx(struct store *st, int64_t person_id, const char *event, uint64_t at)
{
	int64_t v[3] = { person_id, 0, (int64_t)at };
	int r;

	if (event != NULL && !store_text_valid(event, 128, false))
		return -EINVAL;
	if ((r = store_person_exists(st, person_id)) == 0 && event != NULL)
		r = store_vocab_id(st, STORE_VOCAB_EVENT, event, &v[1]);
	/* Meeting someone again at the same event on the same day is the same meeting. The
	 * day is the user's, in the local time zone (SQLite's localtime follows TZ), as the
	 * dates people type and read are. */
	if (r == 0 && event != NULL)
		r = run_ints(st,
		             "INSERT INTO met_at (person_id, event_id, at) SELECT ?1, ?2, ?3 "
		             "WHERE NOT EXISTS (SELECT 1 FROM met_at WHERE person_id = ?1 "
		             "AND event_id = ?2 AND date(at, 'unixepoch', 'localtime') = "
		             "date(?3, 'unixepoch', 'localtime'))",
		             v, 3);
	else if (r == 0)
		r = run_ints(st,
		             "INSERT INTO met_at (person_id, at) SELECT ?1, ?2 "
		             "WHERE NOT EXISTS (SELECT 1 FROM met_at WHERE person_id = ?1 "
		             "AND event_id IS NULL AND date(at, 'unixepoch', 'localtime') = "
		             "date(?2, 'unixepoch', 'localtime'))",
		             (int64_t[]){ person_id, (int64_t)at }, 2);
	return r;
}

int
store_met(struct store *st, int64_t person_id, const char *event, uint64_t at)
{
	int r;

	if (event != NULL && !store_text_valid(event, 128, false))
		return -EINVAL;
	if ((r = store_tx_begin(st)) < 0)
		return r;
	/* The insert is store_met_tx's last statement: no row means the same meeting. */
	if ((r = store_met_tx(st, person_id, event, at)) == 0 && sqlite3_changes(st->db) == 0)
		r = -EALREADY;
	return store_tx_end(st, r);
}

/* 0 when person_id has no introducer yet; -EALREADY when it is introducer_id, -EEXIST
 * when it is someone else (the first one recorded stays the one shown). */
static int
first_introducer(struct store *st, int64_t person_id, int64_t introducer_id)
{
	sqlite3_stmt *s = NULL;
	int r;

	if ((r = store_sql_prep(st,
	                        "SELECT introducer_id FROM introduced_by WHERE person_id = ?1 "
	                        "ORDER BY at, introducer_id LIMIT 1",
	                        &s)) == 0 &&
	    (r = store_sql_bind_int(s, 1, person_id)) == 0 && (r = store_sql_step_row(s)) == 0)
		r = sqlite3_column_int64(s, 0) == introducer_id ? -EALREADY : -EEXIST;
	else if (r == -ENOENT)
		r = 0;
	store_sql_release(st, s);
	return r;
}

int
store_introduced(struct store *st, int64_t person_id, int64_t introducer_id, uint64_t at)
{
	int64_t v[3] = { person_id, introducer_id, (int64_t)at };
	int r;

	if (person_id == introducer_id)
		return -EINVAL;
	if ((r = store_tx_begin(st)) < 0)
		return r;
	if ((r = store_person_exists(st, person_id)) == 0 &&
	    (r = store_person_exists(st, introducer_id)) == 0 &&
	    (r = first_introducer(st, person_id, introducer_id)) == 0)
		r = run_ints(st,
		             "INSERT INTO introduced_by (person_id, introducer_id, at) "
		             "VALUES (?1, ?2, ?3)",
		             v, 3);
	return store_tx_end(st, r);
}

/* Appends one element of size to *arr (growing it), returning it zeroed, or NULL. */
static void *
grow(void **arr, size_t *n, size_t *cap, size_t size)
{
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 16;
		void *p = c > SIZE_MAX / size ? NULL : realloc(*arr, c * size);

		if (p == NULL)
			return NULL;
		*arr = p;
		*cap = c;
	}
	memset((char *)*arr + *n * size, 0, size);
	return (char *)*arr + (*n)++ * size;
}

/* ---- reading contacts ---- */

/*
 * A listing is read in a few passes, not one query per person: first the people with their
 * current cards, then all meetings, all notes and all introductions, each ordered by
 * person, merged in by id. Per-person queries cost a sort each, which dominated listing
 * and exporting a large store (bench/run).
 */

/* Where a person's contact sits in a listing, sortable by id for merging. */
struct slot {
	int64_t id;
	size_t at;
};

/* The contacts of a listing, and their slots in id order. */
struct listing {
	struct contact *c;
	size_t n, cap;
	struct slot *slots;
};

static int
slot_cmp(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

static struct contact *
listing_find(const struct listing *l, int64_t id)
{
	struct slot key = { .id = id };
	struct slot *hit = l->n ? bsearch(&key, l->slots, l->n, sizeof(key), slot_cmp) : NULL;

	return hit != NULL ? &l->c[hit->at] : NULL;
}

/* Sorts the contacts' ids (they come in name order) for listing_find. */
static int
listing_index(struct listing *l)
{
	if (l->n == 0)
		return 0;
	if ((l->slots = malloc(l->n * sizeof(*l->slots))) == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < l->n; i++)
		l->slots[i] = (struct slot){ l->c[i].id, i };
	qsort(l->slots, l->n, sizeof(*l->slots), slot_cmp);
	return 0;
}

/* An unverified contact's fields, from its vCard (kept in the contact as it came). */
static int
read_vcard(sqlite3_stmt *s, struct contact *c)
{
	struct vcard v = { 0 };
	int r;

	r = vcard_parse(sqlite3_column_blob(s, 5), (size_t)sqlite3_column_bytes(s, 5), &v, NULL);
	if (r < 0)
		return r == -ENOMEM ? r : -EIO; /* our own store holds a vCard we cannot read */
	c->f = v.f;
	card_fields_init(&v.f);
	c->vcard = v.raw;
	c->vcard_len = v.raw_len;
	v.raw = NULL;
	vcard_clear(&v);
	return 0;
}

/* Pass 1: one row per person (id, key, fpr, added, current card envelope, vCard). */
static int
read_person(sqlite3_stmt *s, struct listing *l)
{
	struct contact *c = grow((void **)&l->c, &l->n, &l->cap, sizeof(*c));
	struct card_error err;
	struct card *card;
	int r;

	if (c == NULL)
		return -ENOMEM;
	card_fields_init(&c->f);
	c->id = sqlite3_column_int64(s, 0);
	if (sqlite3_column_bytes(s, 1) == CRYPT_SIGN_PK)
		memcpy(c->key, sqlite3_column_blob(s, 1), CRYPT_SIGN_PK);
	snprintf(c->fpr, sizeof(c->fpr), "%s", (const char *)sqlite3_column_text(s, 2));
	c->added = (uint64_t)sqlite3_column_int64(s, 3);
	if (sqlite3_column_type(s, 5) != SQLITE_NULL)
		return read_vcard(s, c);
	r = card_decode_stored(sqlite3_column_blob(s, 4), (size_t)sqlite3_column_bytes(s, 4), &card,
	                       &err);
	if (r < 0)
		return r == -ENOMEM ? r : -EIO; /* our own store holds a card we cannot read */
	c->f = card->f;
	card_fields_init(&card->f);
	c->rev = card->rev;
	card_free(card);
	return 0;
}

struct events;

/*
 * A merge pass: sql gives (person id, ...) rows in any order (a plain table scan, without
 * seeks); take() adds one row to its contact; events resolves event ids to names.
 */
struct pass {
	struct listing *l;
	const struct events *events;
};

static int
merge_pass(struct store *st, struct pass *p, const char *sql,
           int (*take)(struct pass *p, sqlite3_stmt *s, struct contact *c))
{
	sqlite3_stmt *s = NULL;
	int r, rc;

	if ((r = store_sql_prep(st, sql, &s)) < 0)
		return r;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct contact *c = listing_find(p->l, sqlite3_column_int64(s, 0));

		if (c != NULL && (r = take(p, s, c)) < 0)
			break;
	}
	if (r == 0)
		r = rc == SQLITE_DONE ? 0 : store_sql_err(rc);
	store_sql_release(st, s);
	return r;
}

/* grow() needs a capacity; arrays in a contact grow by doubling from their count. */
static size_t
cap_of(size_t n)
{
	size_t c = 16;

	while (c < n)
		c *= 2;
	return n == 0 ? 0 : c;
}

/* Event names by id: read once, so that meetings need no join. */
struct events {
	int64_t *ids; /* ascending */
	char **names;
	size_t n;
};

static void
events_free(struct events *e)
{
	for (size_t i = 0; i < e->n; i++)
		free(e->names[i]);
	free(e->names);
	free(e->ids);
}

static int
events_load(struct store *st, struct events *e)
{
	size_t cap = 0, n_names = 0, cap_names = 0;
	sqlite3_stmt *s = NULL;
	int r, rc;

	memset(e, 0, sizeof(*e));
	if ((r = store_sql_prep(st, "SELECT id, name FROM event ORDER BY id", &s)) < 0)
		return r;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int64_t *id = grow((void **)&e->ids, &e->n, &cap, sizeof(*id));
		char **name =
		        id ? grow((void **)&e->names, &n_names, &cap_names, sizeof(*name)) : NULL;

		if (name == NULL) {
			r = -ENOMEM;
			break;
		}
		*id = sqlite3_column_int64(s, 0);
		if ((r = store_sql_column_dup(s, 1, name)) < 0)
			break;
	}
	if (r == 0 && rc != SQLITE_DONE)
		r = store_sql_err(rc);
	store_sql_release(st, s);
	e->n = n_names < e->n ? n_names : e->n;
	return r;
}

static const char *
events_name(const struct events *e, int64_t id)
{
	size_t lo = 0, hi = e->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (e->ids[mid] == id)
			return e->names[mid];
		if (e->ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int
take_meeting(struct pass *p, sqlite3_stmt *s, struct contact *c)
{
	const struct events *ev = p->events;
	size_t cap = cap_of(c->n_met);
	struct contact_meeting *m = grow((void **)&c->met, &c->n_met, &cap, sizeof(*m));
	const char *name;

	if (m == NULL)
		return -ENOMEM;
	m->at = (uint64_t)sqlite3_column_int64(s, 1);
	if (sqlite3_column_type(s, 2) == SQLITE_NULL ||
	    (name = events_name(ev, sqlite3_column_int64(s, 2))) == NULL)
		return 0;
	return (m->event = strdup(name)) == NULL ? -ENOMEM : 0;
}

static int
take_note(struct pass *p, sqlite3_stmt *s, struct contact *c)
{
	size_t cap = cap_of(c->n_notes);
	struct contact_note *nt = grow((void **)&c->notes, &c->n_notes, &cap, sizeof(*nt));

	(void)p;
	if (nt == NULL)
		return -ENOMEM;
	nt->id = sqlite3_column_int64(s, 1);
	nt->at = (uint64_t)sqlite3_column_int64(s, 3);
	return store_sql_column_dup(s, 2, &nt->text);
}

static int
take_intro(struct pass *p, sqlite3_stmt *s, struct contact *c)
{
	(void)p;
	/* The first introduction (the rows come in time order) is the one shown. */
	if (c->introduced_by != NULL)
		return 0;
	return store_sql_column_dup(s, 1, &c->introduced_by);
}

static int
take_in_person(struct pass *p, sqlite3_stmt *s, struct contact *c)
{
	(void)p;
	c->in_person = (uint64_t)sqlite3_column_int64(s, 1);
	return 0;
}

/* Meetings and notes arrive in table order; people read them oldest first. The table
 * order is insertion order, so these sorts are nearly free. */
static int
meeting_cmp(const void *a, const void *b)
{
	const struct contact_meeting *x = a, *y = b;

	return (x->at > y->at) - (x->at < y->at);
}

static int
note_cmp(const void *a, const void *b)
{
	const struct contact_note *x = a, *y = b;

	if (x->at != y->at)
		return (x->at > y->at) - (x->at < y->at);
	return (x->id > y->id) - (x->id < y->id);
}

static void
order_history(struct listing *l)
{
	for (size_t i = 0; i < l->n; i++) {
		if (l->c[i].n_met > 1)
			qsort(l->c[i].met, l->c[i].n_met, sizeof(*l->c[i].met), meeting_cmp);
		if (l->c[i].n_notes > 1)
			qsort(l->c[i].notes, l->c[i].n_notes, sizeof(*l->c[i].notes), note_cmp);
	}
}

/* By name, any case, then by id: the order of every listing. */
static int
contact_cmp(const void *a, const void *b)
{
	const struct contact *x = a, *y = b;
	int d = strcasecmp(x->f.text[CARD_NAME], y->f.text[CARD_NAME]);

	return d != 0 ? d : (x->id > y->id) - (x->id < y->id);
}

/* Runs a person query (columns: id, key, fpr, added, envelope, vcard) and completes every
 * row. */
static int
load_people(struct store *st, sqlite3_stmt *s, struct contact **out, size_t *n)
{
	struct listing l = { 0 };
	struct events ev = { 0 };
	struct pass p = { .l = &l, .events = &ev };
	int r = 0, rc;

	/* One read transaction: the passes see one snapshot. */
	if ((r = store_sql_exec(st, "BEGIN")) < 0)
		return r;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW && r == 0)
		r = read_person(s, &l);
	if (r == 0 && rc != SQLITE_DONE)
		r = store_sql_err(rc);
	if (r == 0 && (r = listing_index(&l)) == 0 && l.n > 0 && (r = events_load(st, &ev)) == 0 &&
	    (r = merge_pass(st, &p, "SELECT person_id, at, event_id FROM met_at", take_meeting)) ==
	            0 &&
	    (r = merge_pass(st, &p, "SELECT person_id, id, text, at FROM note", take_note)) == 0)
		r = merge_pass(
		        st, &p,
		        "SELECT i.person_id, p.name FROM introduced_by AS i JOIN person AS p "
		        "ON p.id = i.introducer_id ORDER BY i.person_id, i.at, i.introducer_id",
		        take_intro);
	/* Verified in person: by the exact key (store_verified.c). */
	if (r == 0 && l.n > 0)
		r = merge_pass(
		        st, &p,
		        "SELECT p.id, v.at FROM in_person AS v JOIN person AS p ON p.key = v.key",
		        take_in_person);
	(void)store_sql_exec(st, "COMMIT");
	events_free(&ev);
	free(l.slots);
	if (r < 0) {
		contact_free_all(l.c, l.n);
		return r;
	}
	order_history(&l);
	if (l.n > 1)
		qsort(l.c, l.n, sizeof(*l.c), contact_cmp);
	*out = l.c;
	*n = l.n;
	return 0;
}

/* The canonical form of what a filter names, into *out: -EINVAL when it is not text. A
 * blank name has the form "", which names nothing. */
static int
filter_canon(const char *name, char **out)
{
	*out = canon_form(name, strlen(name));
	return *out != NULL ? 0 : errno == ENOMEM ? -ENOMEM : -EINVAL;
}

int
store_contacts(struct store *st, const struct store_filter *filter, struct contact **out, size_t *n)
{
	static const char sql[] =
	        "SELECT p.id, p.key, p.fpr, p.added, c.envelope, p.vcard FROM person AS p "
	        "LEFT JOIN card AS c ON c.person_id = p.id AND c.rev = p.rev "
	        "WHERE (?1 IS NULL OR EXISTS (SELECT 1 FROM met_at AS m JOIN event AS e "
	        "ON e.id = m.event_id WHERE m.person_id = p.id AND e.canon = ?1)) "
	        "AND (?2 IS NULL OR EXISTS (SELECT 1 FROM person_topic AS pt JOIN topic AS t "
	        "ON t.id = pt.topic_id WHERE pt.person_id = p.id AND t.canon = ?2)) "
	        "AND (?3 = 0 OR EXISTS (SELECT 1 FROM met_at AS m WHERE m.person_id = p.id "
	        "AND m.at >= ?3)) "
	        "AND (?4 IS NULL OR " STORE_WORDS_MATCH("?4") ")";
	const struct store_filter none = { 0 };
	sqlite3_stmt *s = NULL;
	char *event = NULL, *topic = NULL, *words = NULL;
	int r = 0;

	*out = NULL;
	*n = 0;
	if (filter == NULL)
		filter = &none;
	if (filter->since > INT64_MAX)
		return -EINVAL;
	/* Events and topics are compared by canonical form: "WIKIS" finds "wikis". */
	if ((filter->event != NULL && (r = filter_canon(filter->event, &event)) < 0) ||
	    (filter->topic != NULL && (r = filter_canon(filter->topic, &topic)) < 0) ||
	    (filter->search != NULL && (r = store_search_words(filter->search, &words)) < 0))
		goto out;
	if ((r = store_sql_prep(st, sql, &s)) == 0 &&
	    (event == NULL || (r = store_sql_bind_text(s, 1, event)) == 0) &&
	    (topic == NULL || (r = store_sql_bind_text(s, 2, topic)) == 0) &&
	    (r = store_sql_bind_int(s, 3, (int64_t)filter->since)) == 0 &&
	    (words == NULL || (r = store_sql_bind_text(s, 4, words)) == 0))
		r = load_people(st, s, out, n);
out:
	store_sql_release(st, s);
	free(event);
	free(topic);
	free(words);
	return r;
}

int
store_contact_find(struct store *st, const char *prefix, struct contact **out, size_t *n)
{
	/* substr/lower instead of LIKE: no wildcard in the prefix can mean anything. */
	static const char sql[] =
	        "SELECT p.id, p.key, p.fpr, p.added, c.envelope, p.vcard FROM person AS p "
	        "LEFT JOIN card AS c ON c.person_id = p.id AND c.rev = p.rev "
	        "WHERE substr(replace(p.fpr, '-', ''), 1, length(replace(?1, '-', ''))) = "
	        "lower(replace(?1, '-', '')) OR " STORE_WORDS_MATCH("?2");
	sqlite3_stmt *s = NULL;
	char *words = NULL;
	int r;

	*out = NULL;
	*n = 0;
	/* A prefix of dashes alone would match every fingerprint. */
	if (prefix == NULL || prefix[strspn(prefix, "-")] == '\0')
		return -EINVAL;
	if ((r = store_search_words(prefix, &words)) < 0)
		return r;
	if ((r = store_sql_prep(st, sql, &s)) == 0 &&
	    (r = store_sql_bind_text(s, 1, prefix)) == 0 &&
	    (r = store_sql_bind_text(s, 2, words)) == 0)
		r = load_people(st, s, out, n);
	store_sql_release(st, s);
	free(words);
	if (r == 0)
		store_find_narrow(prefix, out, n);
	return r;
}

int
store_is_contact(struct store *st, const uint8_t key[CRYPT_SIGN_PK])
{
	sqlite3_stmt *s = NULL;
	int r;

	/* The unique index on person.key: an exact key, never a name or a prefix. */
	if ((r = store_sql_prep(st, "SELECT 1 FROM person WHERE key = ?1", &s)) == 0 &&
	    (r = store_sql_err(sqlite3_bind_blob(s, 1, key, CRYPT_SIGN_PK, SQLITE_STATIC))) == 0)
		r = store_sql_step_row(s);
	store_sql_release(st, s);
	return r == 0 ? 1 : r == -ENOENT ? 0 : r;
}

int
store_name_elsewhere(struct store *st, const char *name, const uint8_t key[CRYPT_SIGN_PK],
                     char fpr[IDENTITY_FPR_LEN + 1])
{
	static const char sql[] = "SELECT fpr FROM person WHERE name = ?1 COLLATE NOCASE AND "
	                          "key <> ?2 ORDER BY added, id LIMIT 1";
	sqlite3_stmt *s = NULL;
	int r;

	fpr[0] = '\0';
	if ((r = store_sql_prep(st, sql, &s)) == 0 && (r = store_sql_bind_text(s, 1, name)) == 0 &&
	    (r = store_sql_err(sqlite3_bind_blob(s, 2, key, CRYPT_SIGN_PK, SQLITE_STATIC))) == 0 &&
	    (r = store_sql_step_row(s)) == 0)
		snprintf(fpr, IDENTITY_FPR_LEN + 1, "%s", (const char *)sqlite3_column_text(s, 0));
	store_sql_release(st, s);
	return r == 0 ? 1 : r == -ENOENT ? 0 : r;
}

int
store_is_blocked(struct store *st, const uint8_t key[CRYPT_SIGN_PK])
{
	sqlite3_stmt *s = NULL;
	int r;

	if ((r = store_sql_prep(st, "SELECT 1 FROM blocked WHERE key = ?1", &s)) == 0 &&
	    (r = store_sql_err(sqlite3_bind_blob(s, 1, key, CRYPT_SIGN_PK, SQLITE_STATIC))) == 0)
		r = store_sql_step_row(s);
	store_sql_release(st, s);
	return r == 0 ? 1 : r == -ENOENT ? 0 : r;
}
