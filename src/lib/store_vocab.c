/*
 * store_vocab.c: topics, events and organisations as the nodes people mean (store_int.h).
 * Each is known by the canonical form of its name (canon.h), which is unique in its table,
 * and shown by the first form the store saw: a card that says "wikis" links to the topic
 * someone else's "Wikis" made. Here: finding or making a node by its canonical form,
 * listing the nodes with what links to them, and migration 6, which fills in the forms
 * of an older store and merges the nodes that turn out to be one.
 *
 * It trusts the names it is given to be card text (the callers checked them) and computes
 * every canonical form itself; it must never compare names by their bytes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"
#include "wallflower/canon.h"

#define KINDS 3

/* Constant SQL per table: table names are never formatted into SQL. */
static const char *const sql_find[KINDS] = {
	[STORE_VOCAB_TOPIC] = "SELECT id FROM topic WHERE canon = ?1",
	[STORE_VOCAB_EVENT] = "SELECT id FROM event WHERE canon = ?1",
	[STORE_VOCAB_ORG] = "SELECT id FROM org WHERE canon = ?1",
};
/* A name whose stored form is not the one computed now: Unicode's case folding grows with
 * its versions, so a libunistring upgrade may compute another form for an old name. */
static const char *const sql_by_name[KINDS] = {
	[STORE_VOCAB_TOPIC] = "SELECT id FROM topic WHERE name = ?1",
	[STORE_VOCAB_EVENT] = "SELECT id FROM event WHERE name = ?1",
	[STORE_VOCAB_ORG] = "SELECT id FROM org WHERE name = ?1",
};
static const char *const sql_insert[KINDS] = {
	[STORE_VOCAB_TOPIC] = "INSERT INTO topic (name, canon) VALUES (?1, ?2) RETURNING id",
	[STORE_VOCAB_EVENT] = "INSERT INTO event (name, canon) VALUES (?1, ?2) RETURNING id",
	[STORE_VOCAB_ORG] = "INSERT INTO org (name, canon) VALUES (?1, ?2) RETURNING id",
};

/* The canonical form of name into *out (malloc'd): -EINVAL when it is blank or not text. */
static int
canon_of(const char *name, char **out)
{
	*out = canon_form(name, strlen(name));
	if (*out == NULL)
		return errno == ENOMEM ? -ENOMEM : -EINVAL;
	if (**out == '\0') {
		free(*out);
		*out = NULL;
		return -EINVAL;
	}
	return 0;
}

int
store_vocab_id(struct store *st, enum store_vocab_kind kind, const char *name, int64_t *id)
{
	sqlite3_stmt *s = NULL;
	char *canon;
	int r;

	if ((unsigned)kind >= KINDS)
		return -EINVAL;
	if ((r = canon_of(name, &canon)) < 0)
		return r;
	if ((r = store_sql_prep(st, sql_find[kind], &s)) < 0 ||
	    (r = store_sql_bind_text(s, 1, canon)) < 0)
		goto out;
	if ((r = store_sql_step_row(s)) == 0) {
		*id = sqlite3_column_int64(s, 0);
		goto out;
	}
	if (r != -ENOENT)
		goto out;
	store_sql_release(st, s);
	/* New: this name is the first form seen, the one shown from now on. */
	if ((r = store_sql_prep(st, sql_insert[kind], &s)) == 0 &&
	    (r = store_sql_bind_text(s, 1, name)) == 0 &&
	    (r = store_sql_bind_text(s, 2, canon)) == 0 && (r = store_sql_step_row(s)) == 0)
		*id = sqlite3_column_int64(s, 0);
	if (r != -EEXIST)
		goto out;
	/* The very name is there, under another form: it is that node. */
	store_sql_release(st, s);
	if ((r = store_sql_prep(st, sql_by_name[kind], &s)) == 0 &&
	    (r = store_sql_bind_text(s, 1, name)) == 0 && (r = store_sql_step_row(s)) == 0)
		*id = sqlite3_column_int64(s, 0);
out:
	store_sql_release(st, s);
	free(canon);
	return r;
}

/* ---- listing ---- */

/*
 * Columns of every listing: name, canon, people, knows, offers, seeks, meetings, first,
 * last. ?1 is the topic kind wanted, or NULL.
 */
static const char *const sql_list[KINDS] = {
	[STORE_VOCAB_TOPIC] =
	        "SELECT t.name, t.canon, count(DISTINCT pt.person_id), "
	        "sum(pt.kind = 'knows'), sum(pt.kind = 'offers'), sum(pt.kind = 'seeks'), 0, 0, 0 "
	        "FROM topic AS t JOIN person_topic AS pt ON pt.topic_id = t.id GROUP BY t.id "
	        "HAVING ?1 IS NULL OR sum(pt.kind = ?1) > 0 ORDER BY 3 DESC, t.canon, t.id",
	[STORE_VOCAB_EVENT] =
	        "SELECT e.name, e.canon, count(DISTINCT m.person_id), 0, 0, 0, count(*), "
	        "min(m.at), max(m.at) FROM event AS e JOIN met_at AS m ON m.event_id = e.id "
	        "WHERE ?1 IS NULL GROUP BY e.id ORDER BY 9 DESC, e.canon, e.id",
	[STORE_VOCAB_ORG] = "SELECT o.name, o.canon, count(*), 0, 0, 0, 0, 0, 0 "
	                    "FROM org AS o JOIN works_at AS w ON w.org_id = o.id "
	                    "WHERE ?1 IS NULL GROUP BY o.id ORDER BY 3 DESC, o.canon, o.id",
};

void
store_vocab_clear(struct store_vocab *v)
{
	if (v == NULL)
		return;
	free(v->name);
	free(v->canon);
	memset(v, 0, sizeof(*v));
}

void
store_vocab_free_all(struct store_vocab *v, size_t n)
{
	for (size_t i = 0; v != NULL && i < n; i++)
		store_vocab_clear(&v[i]);
	free(v);
}

/* A count or a time of column i: never negative in the store, read as 0 if it were. */
static uint64_t
nonneg(sqlite3_stmt *s, int i)
{
	int64_t v = sqlite3_column_int64(s, i);

	return v > 0 ? (uint64_t)v : 0;
}

static int
read_vocab(sqlite3_stmt *s, void *item)
{
	struct store_vocab *v = item;
	int r;

	v->people = (size_t)nonneg(s, 2);
	v->knows = (size_t)nonneg(s, 3);
	v->offers = (size_t)nonneg(s, 4);
	v->seeks = (size_t)nonneg(s, 5);
	v->meetings = (size_t)nonneg(s, 6);
	v->first = nonneg(s, 7);
	v->last = nonneg(s, 8);
	if ((r = store_sql_column_dup(s, 0, &v->name)) < 0)
		return r;
	/* A node no migration reached has no canonical form: its name stands in. */
	if (sqlite3_column_type(s, 1) == SQLITE_NULL)
		return store_sql_column_dup(s, 0, &v->canon);
	return store_sql_column_dup(s, 1, &v->canon);
}

static void
clear_vocab(void *item)
{
	store_vocab_clear(item);
}

int
store_vocab_list(struct store *st, enum store_vocab_kind kind, const char *topic_kind,
                 struct store_vocab **out, size_t *n)
{
	sqlite3_stmt *s = NULL;
	int r;

	*out = NULL;
	*n = 0;
	if ((unsigned)kind >= KINDS)
		return -EINVAL;
	if (topic_kind != NULL &&
	    (kind != STORE_VOCAB_TOPIC ||
	     (strcmp(topic_kind, "knows") != 0 && strcmp(topic_kind, "offers") != 0 &&
	      strcmp(topic_kind, "seeks") != 0)))
		return -EINVAL;
	if ((r = store_sql_prep(st, sql_list[kind], &s)) == 0 &&
	    (topic_kind == NULL || (r = store_sql_bind_text(s, 1, topic_kind)) == 0))
		r = store_sql_collect(s, sizeof(**out), read_vocab, clear_vocab, (void **)out, n);
	store_sql_release(st, s);
	return r;
}

/* ---- migration 6 ---- */

/*
 * wf_canon(name): the canonical form, for the migration's SQL. A name with none (blank,
 * or not text: the store never wrote such a name, but an old store is not proof) keeps
 * its bytes as its form, so that it merges with nothing else.
 */
static void
sql_canon(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *name = (const char *)sqlite3_value_text(argv[0]);
	int n = sqlite3_value_bytes(argv[0]);
	char *canon;

	(void)argc;
	if (name == NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	canon = canon_form(name, (size_t)n);
	if (canon == NULL && errno == ENOMEM) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	if (canon == NULL || canon[0] == '\0')
		sqlite3_result_text(ctx, name, n, SQLITE_TRANSIENT);
	else
		sqlite3_result_text(ctx, canon, -1, SQLITE_TRANSIENT);
	free(canon);
}

/*
 * For each table: every name's canonical form; then, where several nodes share one, the
 * oldest (the lowest id: the first form seen) stays and takes over the links of the
 * others, which go. An edge that the merge repeats (one person knowing "Wikis" and
 * "wikis") is kept once; two meetings that become one (same person, event and day, the
 * rule of store_met) are one. Then the forms are made unique.
 */
static const char sql_merge[] =
        "CREATE TEMP TABLE vocab_merge (old INTEGER PRIMARY KEY, new INTEGER NOT NULL);"
        /* topics */
        "UPDATE topic SET canon = wf_canon(name);"
        "INSERT INTO temp.vocab_merge SELECT t.id, g.keep FROM topic AS t JOIN "
        "(SELECT canon, min(id) AS keep FROM topic GROUP BY canon HAVING count(*) > 1) AS g "
        "ON g.canon = t.canon WHERE t.id <> g.keep;"
        "UPDATE OR IGNORE person_topic SET topic_id = "
        "(SELECT new FROM temp.vocab_merge WHERE old = topic_id) "
        "WHERE topic_id IN (SELECT old FROM temp.vocab_merge);"
        "DELETE FROM person_topic WHERE topic_id IN (SELECT old FROM temp.vocab_merge);"
        "DELETE FROM topic WHERE id IN (SELECT old FROM temp.vocab_merge);"
        "DELETE FROM temp.vocab_merge;"
        "CREATE UNIQUE INDEX topic_canon ON topic (canon);"
        /* events */
        "UPDATE event SET canon = wf_canon(name);"
        "INSERT INTO temp.vocab_merge SELECT t.id, g.keep FROM event AS t JOIN "
        "(SELECT canon, min(id) AS keep FROM event GROUP BY canon HAVING count(*) > 1) AS g "
        "ON g.canon = t.canon WHERE t.id <> g.keep;"
        "UPDATE met_at SET event_id = (SELECT new FROM temp.vocab_merge WHERE old = event_id) "
        "WHERE event_id IN (SELECT old FROM temp.vocab_merge);"
        "DELETE FROM met_at WHERE event_id IN (SELECT new FROM temp.vocab_merge) AND EXISTS "
        "(SELECT 1 FROM met_at AS m WHERE m.person_id = met_at.person_id "
        "AND m.event_id = met_at.event_id AND date(m.at, 'unixepoch', 'localtime') = "
        "date(met_at.at, 'unixepoch', 'localtime') "
        "AND m.id < met_at.id);"
        "DELETE FROM event WHERE id IN (SELECT old FROM temp.vocab_merge);"
        "DELETE FROM temp.vocab_merge;"
        "CREATE UNIQUE INDEX event_canon ON event (canon);"
        /* organisations */
        "UPDATE org SET canon = wf_canon(name);"
        "INSERT INTO temp.vocab_merge SELECT t.id, g.keep FROM org AS t JOIN "
        "(SELECT canon, min(id) AS keep FROM org GROUP BY canon HAVING count(*) > 1) AS g "
        "ON g.canon = t.canon WHERE t.id <> g.keep;"
        "UPDATE works_at SET org_id = (SELECT new FROM temp.vocab_merge WHERE old = org_id) "
        "WHERE org_id IN (SELECT old FROM temp.vocab_merge);"
        "DELETE FROM org WHERE id IN (SELECT old FROM temp.vocab_merge);"
        "CREATE UNIQUE INDEX org_canon ON org (canon);"
        "DROP TABLE temp.vocab_merge;";

int
store_vocab_migrate(struct store *st)
{
	int r;

	/* Only this connection knows the function, and only while the migration runs. */
	if ((r = store_sql_err(sqlite3_create_function_v2(
	             st->db, "wf_canon", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY,
	             NULL, sql_canon, NULL, NULL, NULL))) < 0)
		return r;
	r = store_sql_exec(st, sql_merge);
	(void)sqlite3_create_function_v2(st->db, "wf_canon", 1, SQLITE_UTF8, NULL, NULL, NULL, NULL,
	                                 NULL);
	return r;
}

int
store_migrate_6(struct store *st)
{
	int r;

	if ((r = store_vocab_migrate(st)) < 0)
		return r;
	return store_words_migrate(st);
}
