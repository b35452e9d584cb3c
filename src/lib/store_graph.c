/*
 * store_graph.c: builds the in-memory graph (graph.h) from the store (store_int.h): one
 * pass over each node and edge table. It trusts the store's own rows; it must never keep
 * a statement or a lock past the call.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"
#include "wallflower/canon.h"

/* Row id -> node index, for one table: ids are read in ascending order, so a binary
 * search finds them. */
struct idmap {
	int64_t *ids;
	uint32_t *nodes;
	size_t n;
};

static void
idmap_free(struct idmap *m)
{
	free(m->ids);
	free(m->nodes);
	memset(m, 0, sizeof(*m));
}

static int
idmap_find(const struct idmap *m, int64_t id, uint32_t *node)
{
	size_t lo = 0, hi = m->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (m->ids[mid] == id) {
			*node = m->nodes[mid];
			return 0;
		}
		if (m->ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -ENOENT;
}

/* Adds one node per row of sql (columns: id, label, export id or NULL). */
static int
load_nodes(struct store *st, struct graph *g, const char *sql, enum graph_kind kind,
           const char *id_prefix, struct idmap *m)
{
	sqlite3_stmt *s = NULL;
	size_t cap = 0;
	char *id = NULL;
	int r, rc;

	if ((r = store_sql_prep(st, sql, &s)) < 0)
		return r;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *label = (const char *)sqlite3_column_text(s, 1);
		const char *fpr = (const char *)sqlite3_column_text(s, 2);
		uint32_t node;

		if (m->n == cap) {
			size_t c = cap ? cap * 2 : 256;
			int64_t *ids = realloc(m->ids, c * sizeof(*ids));
			uint32_t *nodes = ids ? realloc(m->nodes, c * sizeof(*nodes)) : NULL;

			if (ids != NULL)
				m->ids = ids;
			if (nodes == NULL) {
				r = -ENOMEM;
				goto out;
			}
			m->nodes = nodes;
			cap = c;
		}
		if (fpr == NULL && asprintf(&id, "%s:%s", id_prefix, label) < 0) {
			id = NULL;
			r = -ENOMEM;
			goto out;
		}
		r = graph_add_node(g, kind, label, fpr ? fpr : id, &node);
		free(id);
		id = NULL;
		if (r < 0)
			goto out;
		m->ids[m->n] = sqlite3_column_int64(s, 0);
		m->nodes[m->n++] = node;
	}
	r = rc == SQLITE_DONE ? 0 : store_sql_err(rc);
out:
	store_sql_release(st, s);
	return r;
}

/* Adds one edge per row of sql (columns: from id, to id, at; kind as text in column 3 when
 * kind_from_row). */
static int
load_edges(struct store *st, struct graph *g, const char *sql, const struct idmap *from,
           const struct idmap *to, enum graph_edge_kind kind, bool kind_from_row)
{
	sqlite3_stmt *s = NULL;
	int r, rc;

	if ((r = store_sql_prep(st, sql, &s)) < 0)
		return r;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		uint32_t a, b;
		enum graph_edge_kind k = kind;

		if (kind_from_row) {
			const char *t = (const char *)sqlite3_column_text(s, 3);

			k = strcmp(t, "offers") == 0  ? GRAPH_OFFERS
			    : strcmp(t, "seeks") == 0 ? GRAPH_SEEKS
			                              : GRAPH_KNOWS;
		}
		if (idmap_find(from, sqlite3_column_int64(s, 0), &a) < 0 ||
		    idmap_find(to, sqlite3_column_int64(s, 1), &b) < 0) {
			r = -EIO; /* a row whose node we did not load: the store changed under us */
			goto out;
		}
		if ((r = graph_add_edge(g, a, b, k, (uint64_t)sqlite3_column_int64(s, 2))) < 0)
			goto out;
	}
	r = rc == SQLITE_DONE ? 0 : store_sql_err(rc);
out:
	store_sql_release(st, s);
	return r;
}

/*
 * The topic node that item names: the store's topic of the same canonical form when someone
 * is linked to it (topics), else one that load_me added before (from index first on), else
 * UINT32_MAX. "Wikis" in your seeks is the "wikis" a contact offers.
 */
static int
me_topic(struct store *st, const struct graph *g, const struct idmap *topics, size_t first,
         const char *item, uint32_t *node)
{
	sqlite3_stmt *s = NULL;
	char *canon = canon_form(item, strlen(item));
	int r;

	*node = UINT32_MAX;
	if (canon == NULL)
		return errno == ENOMEM ? -ENOMEM : 0; /* not text: the profile never holds that */
	if ((r = store_sql_prep(st, "SELECT id FROM topic WHERE canon = ?1", &s)) == 0 &&
	    (r = store_sql_bind_text(s, 1, canon)) == 0 && (r = store_sql_step_row(s)) == 0)
		(void)idmap_find(topics, sqlite3_column_int64(s, 0), node);
	store_sql_release(st, s);
	free(canon);
	if (r < 0 && r != -ENOENT)
		return r;
	for (size_t j = first; j < g->n_nodes && *node == UINT32_MAX; j++)
		if (g->nodes[j].kind == GRAPH_TOPIC &&
		    canon_equal(g->nodes[j].label, strlen(g->nodes[j].label), item, strlen(item)))
			*node = (uint32_t)j;
	return 0;
}

/* Your own offers and seeks, from the default persona, as edges from the "me" node. */
static int
load_me(struct store *st, struct graph *g, const struct idmap *topics)
{
	struct card_fields f;
	size_t first = g->n_nodes;
	int r = store_profile_get(st, STORE_PERSONA_DEFAULT, &f);

	if (r == -ENOENT)
		return 0;
	for (int k = 0; r == 0 && k < 2; k++) {
		enum card_field field = k == 0 ? CARD_OFFERS : CARD_SEEKS;
		const struct card_list *l = card_fields_list_const(&f, field);

		for (size_t i = 0; r == 0 && i < l->n; i++) {
			uint32_t node;
			char *id = NULL;

			if ((r = me_topic(st, g, topics, first, l->items[i], &node)) < 0)
				break;
			/* A topic nobody else mentions is still a node: it is a gap. */
			if (node == UINT32_MAX) {
				if (asprintf(&id, "topic:%s", l->items[i]) < 0) {
					r = -ENOMEM;
					break;
				}
				r = graph_add_node(g, GRAPH_TOPIC, l->items[i], id, &node);
				free(id);
			}
			if (r == 0)
				r = graph_add_edge(g, 0, node, k == 0 ? GRAPH_OFFERS : GRAPH_SEEKS,
				                   0);
		}
	}
	card_fields_clear(&f);
	return r;
}

int
store_graph_load(struct store *st, const char *me_label, struct graph *g)
{
	struct idmap people = { 0 }, events = { 0 }, topics = { 0 }, orgs = { 0 };
	int r;

	if ((r = graph_init(g, me_label)) < 0)
		return r;
	/* One read transaction: the nodes and the edges come from one snapshot. */
	if ((r = store_sql_exec(st, "BEGIN")) < 0)
		goto out;
	if ((r = load_nodes(st, g, "SELECT id, name, fpr FROM person ORDER BY id", GRAPH_PERSON,
	                    "person", &people)) < 0 ||
	    /* Only what someone is linked to: an org or topic left behind by a newer card is
	     * no longer part of the network. */
	    (r = load_nodes(st, g,
	                    "SELECT id, name, NULL FROM event AS x WHERE EXISTS "
	                    "(SELECT 1 FROM met_at WHERE event_id = x.id) ORDER BY id",
	                    GRAPH_EVENT, "event", &events)) < 0 ||
	    (r = load_nodes(st, g,
	                    "SELECT id, name, NULL FROM topic AS x WHERE EXISTS "
	                    "(SELECT 1 FROM person_topic WHERE topic_id = x.id) ORDER BY id",
	                    GRAPH_TOPIC, "topic", &topics)) < 0 ||
	    (r = load_nodes(st, g,
	                    "SELECT id, name, NULL FROM org AS x WHERE EXISTS "
	                    "(SELECT 1 FROM works_at WHERE org_id = x.id) ORDER BY id",
	                    GRAPH_ORG, "org", &orgs)) < 0)
		goto end;
	if ((r = load_edges(st, g,
	                    "SELECT person_id, event_id, at FROM met_at WHERE event_id IS NOT NULL",
	                    &people, &events, GRAPH_MET_AT, false)) < 0 ||
	    (r = load_edges(st, g, "SELECT person_id, introducer_id, at FROM introduced_by",
	                    &people, &people, GRAPH_INTRODUCED_BY, false)) < 0 ||
	    (r = load_edges(st, g, "SELECT person_id, topic_id, at, kind FROM person_topic",
	                    &people, &topics, GRAPH_KNOWS, true)) < 0 ||
	    (r = load_edges(st, g, "SELECT person_id, org_id, at FROM works_at", &people, &orgs,
	                    GRAPH_WORKS_AT, false)) < 0)
		goto end;
	r = load_me(st, g, &topics);
end:
	(void)store_sql_exec(st, r == 0 ? "COMMIT" : "ROLLBACK");
out:
	idmap_free(&people);
	idmap_free(&events);
	idmap_free(&topics);
	idmap_free(&orgs);
	if (r < 0)
		graph_clear(g);
	return r;
}
