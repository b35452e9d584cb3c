/*
 * graph_gaps.c: what your network is missing (docs/graph.md, "Gaps"), and for each thing
 * you seek that nobody offers, who might help and which hub to ask. Topics compare by
 * their canonical words (canon.h); labels that are not UTF-8 have none. The command it
 * suggests is text for a shell: every name in it comes from someone else's card, so it is
 * quoted (or replaced by a fingerprint) before it is put there.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "graph_int.h"
#include "wallflower/canon.h"
#include "wallflower/text.h"

/* Gaps */

void
graph_gaps_clear(struct graph_gaps *gaps)
{
	if (gaps == NULL)
		return;
	free(gaps->unmet_seeks);
	for (size_t i = 0; gaps->unmet != NULL && i < gaps->n_unmet; i++)
		free(gaps->unmet[i].leads);
	free(gaps->unmet);
	free(gaps->single_holder);
	free(gaps->dominant);
	memset(gaps, 0, sizeof(*gaps));
}

/* Collects, in index order, the nodes whose want[] byte is 1. */
static int
collect(const uint8_t *want, size_t n, uint32_t **out, size_t *count)
{
	size_t k = 0;

	*count = 0;
	for (size_t v = 0; v < n; v++)
		k += want[v] == 1;
	if (k == 0)
		return 0;
	if ((*out = reallocarray(NULL, k, sizeof(**out))) == NULL)
		return -ENOMEM;
	for (size_t v = 0; v < n; v++)
		if (want[v] == 1)
			(*out)[(*count)++] = (uint32_t)v;
	return 0;
}

#define SOUGHT  1u
#define OFFERED 2u

/* Topics "me" (node 0) seeks and no person offers. flags: n zeroed bytes. */
static int
gaps_unmet(const struct graph *g, uint8_t *flags, struct graph_gaps *out)
{
	if (g->n_nodes == 0 || g->nodes[0].kind != GRAPH_ME)
		return 0;
	for (size_t i = 0; i < g->n_edges; i++) {
		const struct graph_edge *e = &g->edges[i];
		enum graph_kind from = g->nodes[e->from].kind;

		if (g->nodes[e->to].kind != GRAPH_TOPIC)
			continue;
		if (e->kind == GRAPH_SEEKS && e->from == 0)
			flags[e->to] |= SOUGHT;
		else if (e->kind == GRAPH_OFFERS && from == GRAPH_PERSON)
			flags[e->to] |= OFFERED;
	}
	/* collect() keeps the 1s: sought (1) and not offered (not 3). */
	return collect(flags, g->n_nodes, &out->unmet_seeks, &out->n_unmet_seeks);
}

/* Topics that exactly one person knows, offers or seeks. flags: n bytes, overwritten. */
static int
gaps_single(const struct graph *g, uint8_t *flags, struct graph_gaps *out)
{
	size_t *holders, unlinked;
	int r;

	if ((r = links_count(g, TOPIC_LINKS, &holders, &unlinked)) < 0)
		return r;
	for (size_t v = 0; v < g->n_nodes; v++)
		flags[v] = g->nodes[v].kind == GRAPH_TOPIC && holders[v] == 1;
	free(holders);
	return collect(flags, g->n_nodes, &out->single_holder, &out->n_single_holder);
}

/* Largest share first, then the lower index. */
static int
share_cmp(const void *pa, const void *pb)
{
	const struct graph_share *a = pa, *b = pb;

	if (a->people != b->people)
		return a->people > b->people ? -1 : 1;
	return a->node < b->node ? -1 : a->node > b->node;
}

static bool
dominates(const struct graph *g, const size_t *holders, size_t v, size_t people)
{
	enum graph_kind k = g->nodes[v].kind;

	return (k == GRAPH_EVENT || k == GRAPH_ORG) &&
	       (double)holders[v] > GRAPH_DOMINANT * (double)people;
}

/* Events and organisations that more than GRAPH_DOMINANT of all people are linked to. */
static int
gaps_dominant(const struct graph *g, struct graph_gaps *out)
{
	size_t people = count_people(g), *holders, unlinked, k = 0;
	unsigned mask = BIT(GRAPH_MET_AT) | BIT(GRAPH_WORKS_AT);
	int r;

	if (people == 0)
		return 0;
	if ((r = links_count(g, mask, &holders, &unlinked)) < 0)
		return r;
	for (size_t v = 0; v < g->n_nodes; v++)
		k += dominates(g, holders, v, people);
	if (k > 0 && (out->dominant = reallocarray(NULL, k, sizeof(*out->dominant))) == NULL) {
		free(holders);
		return -ENOMEM;
	}
	for (size_t v = 0; v < g->n_nodes && k > 0; v++) {
		if (!dominates(g, holders, v, people))
			continue;
		out->dominant[out->n_dominant++] = (struct graph_share){
			.node = (uint32_t)v,
			.people = holders[v],
			.share = (double)holders[v] / (double)people,
		};
	}
	free(holders);
	if (k > 0)
		qsort(out->dominant, k, sizeof(*out->dominant), share_cmp);
	return 0;
}

/*
 * Leads: for each unmet seek T, the contacts who might help (docs/graph.md, "Gaps"). A
 * contact is a lead when they know or seek T itself (nobody offers it: that is why it is
 * unmet), or offer or know a related topic: one sharing a word of WORD_MIN characters or
 * more with T (words of the search form, canon_each_word; T itself is not related).
 */
#define WORD_MIN 3

/* The words of the unmet seeks, each with the index of its seek in out->unmet. */
struct words {
	struct word {
		char *text;
		size_t len;
		uint32_t owner;
	} * w;
	size_t n, cap;
	uint32_t owner; /* while reading a seek's label: its index */
	uint32_t *hit;  /* per seek: the stamp of the last topic sharing a word with it */
	uint32_t stamp; /* while reading a topic's label: its stamp */
};

static void
words_free(struct words *ws)
{
	for (size_t i = 0; i < ws->n; i++)
		free(ws->w[i].text);
	free(ws->w);
	free(ws->hit);
}

/* Characters, not bytes: UTF-8 continuation bytes do not count. */
static size_t
word_chars(const char *word, size_t len)
{
	size_t chars = 0;

	for (size_t i = 0; i < len; i++)
		chars += ((unsigned char)word[i] & 0xc0) != 0x80;
	return chars;
}

static int
word_keep(const char *word, size_t len, void *arg)
{
	struct words *ws = arg;
	struct word *p;

	if (word_chars(word, len) < WORD_MIN)
		return 0;
	if (ws->n == ws->cap) {
		size_t cap = ws->cap > 0 ? 2 * ws->cap : 8;

		if ((p = reallocarray(ws->w, cap, sizeof(*p))) == NULL)
			return -ENOMEM;
		ws->w = p;
		ws->cap = cap;
	}
	if ((ws->w[ws->n].text = malloc(len > 0 ? len : 1)) == NULL)
		return -ENOMEM;
	memcpy(ws->w[ws->n].text, word, len);
	ws->w[ws->n].len = len;
	ws->w[ws->n++].owner = ws->owner;
	return 0;
}

/* A word of a topic's label: every unmet seek with the same word is hit. */
static int
word_match(const char *word, size_t len, void *arg)
{
	struct words *ws = arg;

	if (word_chars(word, len) < WORD_MIN)
		return 0;
	for (size_t i = 0; i < ws->n; i++)
		if (ws->w[i].len == len && memcmp(ws->w[i].text, word, len) == 0)
			ws->hit[ws->w[i].owner] = ws->stamp;
	return 0;
}

/* A label that is not valid UTF-8 has no words: it relates to nothing. */
static int
words_each(const char *label, int (*each)(const char *, size_t, void *), struct words *ws)
{
	int r = canon_each_word(label, strlen(label), each, ws);

	return r == -EINVAL ? 0 : r;
}

/* A possible lead: person p, for seek u, through topic (prio 0: T itself, 1: related). */
struct cand {
	uint32_t u, p, topic;
	uint32_t prio;
	double score;
};

struct cands {
	struct cand *c;
	size_t n, cap;
};

static int
cands_add(struct cands *cs, uint32_t u, uint32_t p, uint32_t topic, uint32_t prio)
{
	if (cs->n == cs->cap) {
		size_t cap = cs->cap > 0 ? 2 * cs->cap : 64;
		struct cand *c;

		if (cap > SIZE_MAX / sizeof(*c) ||
		    (c = reallocarray(cs->c, cap, sizeof(*c))) == NULL)
			return -ENOMEM;
		cs->c = c;
		cs->cap = cap;
	}
	cs->c[cs->n++] = (struct cand){ .u = u, .p = p, .topic = topic, .prio = prio };
	return 0;
}

/* By seek, person, then T itself before a related topic, then the lower topic index. */
static int
cand_cmp_person(const void *pa, const void *pb)
{
	const struct cand *a = pa, *b = pb;

	if (a->u != b->u)
		return a->u < b->u ? -1 : 1;
	if (a->p != b->p)
		return a->p < b->p ? -1 : 1;
	if (a->prio != b->prio)
		return a->prio < b->prio ? -1 : 1;
	return a->topic < b->topic ? -1 : a->topic > b->topic;
}

/* By seek, then hub score (highest first), then the lower node index. */
static int
cand_cmp_score(const void *pa, const void *pb)
{
	const struct cand *a = pa, *b = pb;

	if (a->u != b->u)
		return a->u < b->u ? -1 : 1;
	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	return a->p < b->p ? -1 : a->p > b->p;
}

/*
 * Related topics: for each topic node, which unmet seeks it shares a word with, as a list
 * of seek indexes (rel_u) starting at rel_at[topic] (rel_n of them).
 */
struct related {
	uint32_t *is_seek; /* per node: 1 + the index of the unmet seek it is; 0 if none */
	size_t *rel_at;
	uint32_t *rel_n, *rel_u;
	size_t n_rel, cap_rel;
};

static void
related_free(struct related *rl)
{
	free(rl->is_seek);
	free(rl->rel_at);
	free(rl->rel_n);
	free(rl->rel_u);
}

static int
related_add(struct related *rl, uint32_t u)
{
	if (rl->n_rel == rl->cap_rel) {
		size_t cap = rl->cap_rel > 0 ? 2 * rl->cap_rel : 64;
		uint32_t *p;

		if ((p = reallocarray(rl->rel_u, cap, sizeof(*p))) == NULL)
			return -ENOMEM;
		rl->rel_u = p;
		rl->cap_rel = cap;
	}
	rl->rel_u[rl->n_rel++] = u;
	return 0;
}

static int
related_build(const struct graph *g, const struct graph_gaps *out, struct related *rl)
{
	size_t n = g->n_nodes;
	struct words ws = { 0 };
	int r = -ENOMEM;

	rl->is_seek = calloc(n > 0 ? n : 1, sizeof(*rl->is_seek));
	rl->rel_at = calloc(n > 0 ? n : 1, sizeof(*rl->rel_at));
	rl->rel_n = calloc(n > 0 ? n : 1, sizeof(*rl->rel_n));
	ws.hit = calloc(out->n_unmet > 0 ? out->n_unmet : 1, sizeof(*ws.hit));
	if (rl->is_seek == NULL || rl->rel_at == NULL || rl->rel_n == NULL || ws.hit == NULL)
		goto out;
	for (size_t u = 0; u < out->n_unmet; u++) {
		rl->is_seek[out->unmet[u].topic] = (uint32_t)u + 1;
		ws.owner = (uint32_t)u;
		if ((r = words_each(g->nodes[out->unmet[u].topic].label, word_keep, &ws)) < 0)
			goto out;
	}
	r = 0;
	for (size_t x = 0; ws.n > 0 && x < n; x++) {
		if (g->nodes[x].kind != GRAPH_TOPIC)
			continue;
		ws.stamp = (uint32_t)x + 1;
		if ((r = words_each(g->nodes[x].label, word_match, &ws)) < 0)
			goto out;
		rl->rel_at[x] = rl->n_rel;
		for (size_t u = 0; u < out->n_unmet; u++) {
			if (ws.hit[u] != ws.stamp || out->unmet[u].topic == x)
				continue;
			if ((r = related_add(rl, (uint32_t)u)) < 0)
				goto out;
			rl->rel_n[x]++;
		}
	}
out:
	words_free(&ws);
	return r;
}

/* Every (seek, person, topic) that makes a lead, from one pass over the edges. */
static int
leads_collect(const struct graph *g, const struct related *rl, struct cands *cs)
{
	int r;

	for (size_t i = 0; i < g->n_edges; i++) {
		const struct graph_edge *e = &g->edges[i];
		uint32_t x = e->to;

		if (g->nodes[e->from].kind != GRAPH_PERSON || g->nodes[x].kind != GRAPH_TOPIC)
			continue;
		if ((e->kind == GRAPH_KNOWS || e->kind == GRAPH_SEEKS) && rl->is_seek[x] != 0 &&
		    (r = cands_add(cs, rl->is_seek[x] - 1, e->from, x, 0)) < 0)
			return r;
		if (e->kind != GRAPH_KNOWS && e->kind != GRAPH_OFFERS)
			continue;
		for (size_t k = 0; k < rl->rel_n[x]; k++)
			if ((r = cands_add(cs, rl->rel_u[rl->rel_at[x] + k], e->from, x, 1)) < 0)
				return r;
	}
	return 0;
}

/* Keeps the first of each (seek, person): T itself, else the lowest related topic. */
static void
cands_unique(struct cands *cs)
{
	size_t k = 0;

	qsort(cs->c, cs->n, sizeof(*cs->c), cand_cmp_person);
	for (size_t i = 0; i < cs->n; i++)
		if (k == 0 || cs->c[k - 1].u != cs->c[i].u || cs->c[k - 1].p != cs->c[i].p)
			cs->c[k++] = cs->c[i];
	cs->n = k;
}

/*
 * The hub to ask about seek um: among its leads and every person who shares an event or
 * organisation with one of them or has an introduction with one (either way), the one
 * with the highest hub score, then the lowest index. via: the lead itself if it is one,
 * else the first lead in list order it is one step from. ties: csr_links_both of
 * TIES_LINKS.
 */
#define TIES_LINKS (BIT(GRAPH_MET_AT) | BIT(GRAPH_WORKS_AT) | BIT(GRAPH_INTRODUCED_BY))

static void
ask_consider(const double *bc, uint32_t z, uint32_t via, struct graph_unmet *um)
{
	if (um->ask == UINT32_MAX || bc[z] > bc[um->ask] || (bc[z] == bc[um->ask] && z < um->ask)) {
		um->ask = z;
		um->ask_via = via;
	}
}

static void
ask_pick(const struct graph *g, const struct csr *ties, const double *bc, struct graph_unmet *um)
{
	um->ask = um->ask_via = UINT32_MAX;
	for (size_t l = 0; l < um->n_leads; l++)
		ask_consider(bc, um->leads[l].person, um->leads[l].person, um);
	for (size_t l = 0; l < um->n_leads; l++) {
		uint32_t p = um->leads[l].person;

		for (size_t k = ties->off[p]; k < ties->off[p + 1]; k++) {
			uint32_t y = ties->to[k];

			if (g->nodes[y].kind == GRAPH_PERSON) {
				ask_consider(bc, y, p, um);
				continue;
			}
			for (size_t j = ties->off[y]; j < ties->off[y + 1]; j++)
				ask_consider(bc, ties->to[j], p, um);
		}
	}
}

/* Fills every out->unmet[u].leads (up to GRAPH_LEADS_MAX, best hub first) and its ask. */
static int
leads_fill(const struct graph *g, struct cands *cs, struct graph_gaps *out)
{
	struct csr ties = { 0 };
	uint32_t *mark = NULL;
	double *bc = NULL;
	size_t i = 0;
	int r;

	if ((r = graph_betweenness(g, NULL, &bc, NULL)) < 0)
		return r;
	if ((mark = calloc(g->n_nodes, sizeof(*mark))) == NULL) {
		r = -ENOMEM;
		goto out;
	}
	if ((r = csr_links_both(g, TIES_LINKS, &ties, mark)) < 0)
		goto out;
	for (size_t k = 0; k < cs->n; k++)
		cs->c[k].score = bc[cs->c[k].p];
	qsort(cs->c, cs->n, sizeof(*cs->c), cand_cmp_score);
	for (size_t u = 0; u < out->n_unmet; u++) {
		struct graph_unmet *um = &out->unmet[u];
		size_t first = i;

		while (i < cs->n && cs->c[i].u == u)
			i++;
		if (i == first)
			continue;
		um->n_leads = i - first < GRAPH_LEADS_MAX ? i - first : GRAPH_LEADS_MAX;
		if ((um->leads = reallocarray(NULL, um->n_leads, sizeof(*um->leads))) == NULL) {
			um->n_leads = 0;
			r = -ENOMEM;
			goto out;
		}
		for (size_t l = 0; l < um->n_leads; l++)
			um->leads[l] = (struct graph_lead){ .person = cs->c[first + l].p,
				                            .topic = cs->c[first + l].topic };
		ask_pick(g, &ties, bc, um);
	}
out:
	csr_free(&ties);
	free(mark);
	free(bc);
	return r;
}

/* out->unmet: one entry per unmet seek, in the same order, with its leads and ask. */
static int
gaps_leads(const struct graph *g, struct graph_gaps *out)
{
	struct related rl = { 0 };
	struct cands cs = { 0 };
	int r;

	if (out->n_unmet_seeks == 0)
		return 0;
	if ((out->unmet = calloc(out->n_unmet_seeks, sizeof(*out->unmet))) == NULL)
		return -ENOMEM;
	out->n_unmet = out->n_unmet_seeks;
	for (size_t u = 0; u < out->n_unmet; u++)
		out->unmet[u] = (struct graph_unmet){ .topic = out->unmet_seeks[u],
			                              .ask = UINT32_MAX,
			                              .ask_via = UINT32_MAX };
	if ((r = related_build(g, out, &rl)) < 0 || (r = leads_collect(g, &rl, &cs)) < 0)
		goto out;
	if (cs.n > 0) {
		cands_unique(&cs);
		r = leads_fill(g, &cs, out);
	}
out:
	free(cs.c);
	related_free(&rl);
	return r;
}

int
graph_gaps(const struct graph *g, struct graph_gaps *out)
{
	uint8_t *flags = NULL;
	int r;

	memset(out, 0, sizeof(*out));
	if ((r = graph_check(g)) < 0)
		return r;
	if ((flags = calloc(g->n_nodes > 0 ? g->n_nodes : 1, 1)) == NULL)
		return -ENOMEM;
	if ((r = gaps_unmet(g, flags, out)) < 0 || (r = gaps_leads(g, out)) < 0 ||
	    (r = gaps_single(g, flags, out)) < 0 || (r = gaps_dominant(g, out)) < 0)
		graph_gaps_clear(out);
	free(flags);
	return r;
}

/* The ask command */

/* Whether s needs no quotes in a POSIX shell (as Python's shlex.quote decides). */
static bool
shell_plain(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (strchr("@%+=:,./_-", *s) == NULL &&
		    !((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9')))
			return false;
	return true;
}

/* Appends s to out[*o..size) as one shell word. 0 or -ENOSPC. */
static int
shell_word(char *out, size_t size, size_t *o, const char *s)
{
	bool plain = shell_plain(s);

	for (const char *p = plain ? s : "'"; *p != '\0'; p++) {
		if (*o + 1 >= size)
			return -ENOSPC;
		out[(*o)++] = *p;
	}
	if (plain)
		goto done;
	for (const char *p = s; *p != '\0'; p++) {
		/* A quote ends the quoted text, is escaped, and quoting starts again. */
		const char *piece = *p == '\'' ? "'\\''" : NULL;
		size_t len = piece != NULL ? strlen(piece) : 1;

		if (*o + len + 1 >= size)
			return -ENOSPC;
		memcpy(out + *o, piece != NULL ? piece : p, len);
		*o += len;
	}
	if (*o + 1 >= size)
		return -ENOSPC;
	out[(*o)++] = '\'';
done:
	out[*o] = '\0';
	return 0;
}

static int
shell_append(char *out, size_t size, size_t *o, const char *s)
{
	size_t len = strlen(s);

	if (*o + len >= size)
		return -ENOSPC;
	memcpy(out + *o, s, len + 1);
	*o += len;
	return 0;
}

/* Whether s (lower case, dashes skipped) starts fpr (dashes skipped): store_contact_find
 * would read it as a fingerprint prefix. */
static bool
fpr_prefix(const char *s, const char *fpr)
{
	bool any = false;

	for (;; s++) {
		if (*s == '-')
			continue;
		if (*s == '\0')
			return any;
		while (*fpr == '-')
			fpr++;
		if (*fpr == '\0' || ((*s >= 'A' && *s <= 'Z') ? *s + 32 : *s) != *fpr)
			return false;
		fpr++;
		any = true;
	}
}

/* Whether the name of person p names p alone, as a CONTACT argument reads it. */
static bool
name_unique(const struct graph *g, uint32_t p)
{
	const char *name = g->nodes[p].label;
	size_t len = strlen(name);

	if (len == 0 || name[0] == '-' || text_check(name, len, 0) != TEXT_OK)
		return false;
	for (size_t v = 0; v < g->n_nodes; v++) {
		const struct graph_node *x = &g->nodes[v];

		if (v == p || x->kind != GRAPH_PERSON)
			continue;
		if (canon_equal(x->label, strlen(x->label), name, len) != 0 ||
		    (x->id != NULL && fpr_prefix(name, x->id)))
			return false;
	}
	return true;
}

int
graph_ask_command(const struct graph *g, uint32_t hub, uint32_t topic, char *out, size_t size)
{
	const struct graph_node *h, *t;
	const char *who;
	size_t o = 0;
	int r;

	if (size > 0)
		out[0] = '\0';
	if ((r = graph_check(g)) < 0)
		return r;
	if (hub >= g->n_nodes || topic >= g->n_nodes || size == 0)
		return -EINVAL;
	h = &g->nodes[hub];
	t = &g->nodes[topic];
	if (h->kind != GRAPH_PERSON || h->unverified || h->id == NULL ||
	    text_check(t->label, strlen(t->label), 0) != TEXT_OK)
		return -ENOENT;
	who = name_unique(g, hub) ? h->label : h->id;
	if ((r = shell_append(out, size, &o, "wallflower ask ")) < 0 ||
	    (r = shell_word(out, size, &o, who)) < 0 ||
	    (r = shell_append(out, size, &o, " --for ")) < 0 ||
	    (r = shell_word(out, size, &o, t->label)) < 0)
		out[0] = '\0';
	return r;
}
