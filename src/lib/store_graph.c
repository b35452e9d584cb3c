/*
 * store_graph.c: builds the in-memory graph (graph.h) from the store (store_int.h): one
 * pass over each node and edge table, in one read transaction. It adds what the tables only
 * imply: a met_at edge from you to every event where you met someone, and each person's
 * last_met. It trusts the store's own rows; it must never keep a statement or a lock past
 * the call. Loading is most of what `graph stats` costs on a big store, so it allocates
 * per table, not per row: row ids map to nodes by arithmetic or an array, strings go
 * straight into the graph's own blocks.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"
#include "wallflower/canon.h"

/*
 * Row id -> node index, for one table. Row ids are dense (INTEGER PRIMARY KEY, given in
 * order; only deletions leave holes) and a table's nodes are added in a row, so without
 * holes the node is first + id - base, and with a few the map is an array indexed by
 * id - base. Should a table's ids be too sparse for that (holes beyond IDMAP_SLACK per
 * row), the ids, read in ascending order, are searched instead.
 */
struct idmap {
	int64_t *ids;    /* as read, ascending; freed once sealed dense */
	uint32_t *nodes; /* nodes[k]: the node of ids[k]; or, dense, of id base + k */
	size_t n, cap;
	int64_t base;
	size_t span;    /* dense: how many ids from base on; 0 while the ids are searched */
	uint32_t first; /* without holes (nodes NULL): the node of id base */
};

#define IDMAP_SLACK 4 /* a dense array may have this many holes per row, and 4096 more */

static void
idmap_free(struct idmap *m)
{
	free(m->ids);
	free(m->nodes);
	memset(m, 0, sizeof(*m));
}

static int
idmap_push(struct idmap *m, int64_t id, uint32_t node)
{
	if (m->n == m->cap) {
		size_t c = m->cap ? m->cap * 2 : 256;
		int64_t *ids = reallocarray(m->ids, c, sizeof(*ids));
		uint32_t *nodes;

		if (ids == NULL)
			return -ENOMEM;
		m->ids = ids;
		if ((nodes = reallocarray(m->nodes, c, sizeof(*nodes))) == NULL)
			return -ENOMEM;
		m->nodes = nodes;
		m->cap = c;
	}
	m->ids[m->n] = id;
	m->nodes[m->n++] = node;
	return 0;
}

/* Turns the ids read into the dense array, when they are dense enough. 0 or -ENOMEM. */
static int
idmap_seal(struct idmap *m)
{
	uint64_t span;
	uint32_t *dense;

	if (m->n == 0)
		return 0;
	span = (uint64_t)m->ids[m->n - 1] - (uint64_t)m->ids[0] + 1;
	if (span > (uint64_t)m->n * (IDMAP_SLACK + 1) + 4096)
		return 0;
	m->base = m->ids[0];
	m->first = m->nodes[0];
	if (span == m->n && m->nodes[m->n - 1] - m->first == m->n - 1) {
		dense = NULL; /* no holes: arithmetic is the map */
	} else {
		if ((dense = reallocarray(NULL, (size_t)span, sizeof(*dense))) == NULL)
			return -ENOMEM;
		memset(dense, 0xff, (size_t)span * sizeof(*dense)); /* UINT32_MAX: no row */
		for (size_t k = 0; k < m->n; k++)
			dense[(uint64_t)m->ids[k] - (uint64_t)m->base] = m->nodes[k];
	}
	free(m->ids);
	free(m->nodes);
	m->ids = NULL;
	m->nodes = dense;
	m->span = (size_t)span;
	return 0;
}

static int
idmap_find(const struct idmap *m, int64_t id, uint32_t *node)
{
	size_t lo = 0, hi = m->n;

	if (m->span > 0) {
		uint64_t k = (uint64_t)id - (uint64_t)m->base;

		if (k >= m->span || (m->nodes != NULL && m->nodes[k] == UINT32_MAX))
			return -ENOENT;
		*node = m->nodes != NULL ? m->nodes[k] : m->first + (uint32_t)k;
		return 0;
	}
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

/*
 * Adds one node per row of sql (columns: id, label, fingerprint). People's id is their
 * fingerprint; the others' is "id_prefix:label", built in place in the graph's strings.
 */
static int
load_nodes(struct store *st, struct graph *g, const char *sql, enum graph_kind kind,
           const char *id_prefix, struct idmap *m)
{
	sqlite3_stmt *s = NULL;
	int r, rc;

	if ((r = store_sql_prep(st, sql, &s)) < 0)
		return r;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *label = (const char *)sqlite3_column_text(s, 1);
		size_t len = (size_t)sqlite3_column_bytes(s, 1);
		uint32_t node;

		if (label == NULL) {
			r = -ENOMEM; /* NOT NULL columns: only a failed conversion gives NULL */
			goto out;
		}
		if (id_prefix == NULL) {
			const char *fpr = (const char *)sqlite3_column_text(s, 2);

			r = fpr != NULL ? graph_add_node(g, kind, label, fpr, &node) : -ENOMEM;
			if (r == 0)
				g->nodes[node].unverified = sqlite3_column_int(s, 3) != 0;
			if (r == 0)
				g->nodes[node].in_person = sqlite3_column_int(s, 4) != 0;
		} else {
			r = graph_add_node_ns(g, kind, id_prefix, label, len, &node);
		}
		if (r < 0 || (r = idmap_push(m, sqlite3_column_int64(s, 0), node)) < 0)
			goto out;
	}
	r = rc == SQLITE_DONE ? idmap_seal(m) : store_sql_err(rc);
out:
	store_sql_release(st, s);
	return r;
}

/* Adds one edge per row of sql (columns: from id, to id, at; with kind_from_row, the kind
 * in column 3: 1 offers, 2 seeks, else knows). */
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
			int t = sqlite3_column_int(s, 3);

			k = t == 1 ? GRAPH_OFFERS : t == 2 ? GRAPH_SEEKS : GRAPH_KNOWS;
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
 * Every meeting: each person's last_met (the latest, at an event or not), a met_at edge per
 * meeting at an event, and then one met_at edge from you to each event (at: the earliest
 * meeting there): you were there. People are nodes 1 .. first - 1, the events first ..
 * first + n - 1. The latest meetings are kept in an array of their own while the rows come
 * in the table's order: one word a person stays in the cache, a node would not.
 */
static int
load_met(struct store *st, struct graph *g, const struct idmap *people, const struct idmap *events,
         size_t first, size_t n)
{
	sqlite3_stmt *s = NULL;
	uint64_t *earliest = NULL, *last = NULL;
	int r, rc;

	earliest = reallocarray(NULL, n > 0 ? n : 1, sizeof(*earliest));
	last = calloc(first, sizeof(*last));
	if (earliest == NULL || last == NULL) {
		r = -ENOMEM;
		goto out;
	}
	memset(earliest, 0xff, (n > 0 ? n : 1) * sizeof(*earliest)); /* UINT64_MAX: none */
	if ((r = store_sql_prep(st, "SELECT person_id, event_id, at FROM met_at", &s)) < 0)
		goto out;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		uint64_t at = (uint64_t)sqlite3_column_int64(s, 2);
		uint32_t a, b;

		if (idmap_find(people, sqlite3_column_int64(s, 0), &a) < 0 || a >= first) {
			r = -EIO;
			goto out;
		}
		if (at > last[a])
			last[a] = at;
		if (sqlite3_column_type(s, 1) == SQLITE_NULL)
			continue;
		if (idmap_find(events, sqlite3_column_int64(s, 1), &b) < 0 || b < first ||
		    b - first >= n) {
			r = -EIO;
			goto out;
		}
		if (at < earliest[b - first])
			earliest[b - first] = at;
		if ((r = graph_add_edge(g, a, b, GRAPH_MET_AT, at)) < 0)
			goto out;
	}
	if (rc != SQLITE_DONE) {
		r = store_sql_err(rc);
		goto out;
	}
	for (size_t v = 1; v < first; v++)
		g->nodes[v].last_met = last[v];
	/* Every event loaded has a meeting (the query's EXISTS): each gets its edge. */
	for (size_t k = 0; k < n && r == 0; k++)
		if (earliest[k] != UINT64_MAX)
			r = graph_add_edge(g, 0, (uint32_t)(first + k), GRAPH_MET_AT, earliest[k]);
out:
	store_sql_release(st, s);
	free(last);
	free(earliest);
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

			if ((r = me_topic(st, g, topics, first, l->items[i], &node)) < 0)
				break;
			/* A topic nobody else mentions is still a node: it is a gap. */
			if (node == UINT32_MAX)
				r = graph_add_node_ns(g, GRAPH_TOPIC, "topic", l->items[i],
				                      strlen(l->items[i]), &node);
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
	size_t first_event, n_events;
	int r;

	if ((r = graph_init(g, me_label)) < 0)
		return r;
	/* One read transaction: the nodes and the edges come from one snapshot. */
	if ((r = store_sql_exec(st, "BEGIN")) < 0)
		goto out;
	if ((r = load_nodes(
	             st, g,
	             "SELECT id, name, fpr, vcard IS NOT NULL, EXISTS (SELECT 1 FROM in_person "
	             "AS v WHERE v.key = person.key) FROM person ORDER BY id",
	             GRAPH_PERSON, NULL, &people)) < 0)
		goto end;
	first_event = g->n_nodes;
	/* Only what someone is linked to: an org or topic left behind by a newer card is no
	 * longer part of the network. */
	if ((r = load_nodes(st, g,
	                    "SELECT id, name, NULL FROM event AS x WHERE EXISTS "
	                    "(SELECT 1 FROM met_at WHERE event_id = x.id) ORDER BY id",
	                    GRAPH_EVENT, "event", &events)) < 0)
		goto end;
	n_events = g->n_nodes - first_event;
	if ((r = load_nodes(st, g,
	                    "SELECT id, name, NULL FROM topic AS x WHERE EXISTS "
	                    "(SELECT 1 FROM person_topic WHERE topic_id = x.id) ORDER BY id",
	                    GRAPH_TOPIC, "topic", &topics)) < 0 ||
	    (r = load_nodes(st, g,
	                    "SELECT id, name, NULL FROM org AS x WHERE EXISTS "
	                    "(SELECT 1 FROM works_at WHERE org_id = x.id) ORDER BY id",
	                    GRAPH_ORG, "org", &orgs)) < 0)
		goto end;
	if ((r = load_met(st, g, &people, &events, first_event, n_events)) < 0 ||
	    (r = load_edges(st, g, "SELECT person_id, introducer_id, at FROM introduced_by",
	                    &people, &people, GRAPH_INTRODUCED_BY, false)) < 0 ||
	    (r = load_edges(st, g,
	                    "SELECT person_id, topic_id, at, CASE kind WHEN 'offers' THEN 1 "
	                    "WHEN 'seeks' THEN 2 ELSE 0 END FROM person_topic",
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
