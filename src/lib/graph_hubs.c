/*
 * graph_hubs.c: who connects your network (docs/graph.md, "Hubs"): subset betweenness
 * (you and your contacts as the ends of pairs; every node may carry a path), reach (whom
 * you reach only through a person) and Burt's brokerage on the people graph.
 *
 * Betweenness runs its sources on worker threads that only read the graph, and joins
 * them before it returns; its answer does not depend on their number. Nothing here is
 * quadratic in the nodes: the searches are bounded by a work budget (graph.h), reach is
 * one depth-first walk, and brokerage is computed only for the people asked about.
 */
#include <assert.h>
#include <threads.h>
#include <unistd.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "graph_int.h"

/*
 * The fixed seed of the sampling PRNG (splitmix64): the ASCII bytes "wallflow". Any
 * constant would do; a fixed one makes the sampled hubs the same on every run.
 */
#define SAMPLE_SEED 0x77616c6c666c6f77ULL

/* Hubs: Brandes' betweenness, with you and your contacts as the ends of pairs */

/* splitmix64 (Steele, Lea, Flood 2014): tiny, and good enough to pick sample sources. */
static uint64_t
rng_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, bound): draws past the last whole multiple of bound are thrown away. */
static uint64_t
rng_below(uint64_t *state, uint64_t bound)
{
	uint64_t limit = UINT64_MAX - UINT64_MAX % bound, x;

	while ((x = rng_next(state)) >= limit)
		;
	return x % bound;
}

/*
 * Connected components of the simple graph. The forward pass uses them to know when it has
 * seen everything, and which nodes are still unseen, without a look at the rest.
 */
struct comps {
	uint32_t *id;      /* per node: its component */
	uint32_t *members; /* all nodes, component after component */
	uint32_t *first;   /* per component: where its nodes start in members */
	uint32_t *count;   /* per component: how many nodes it has */
	size_t *degree;    /* per component: the sum of its nodes' degrees */
};

static size_t
row_len(const struct csr *c, uint32_t v)
{
	return c->off[v + 1] - c->off[v];
}

static void
comps_free(struct comps *k)
{
	free(k->id);
	free(k->members);
	free(k->first);
	free(k->count);
	free(k->degree);
}

/* One breadth-first walk from each node not yet labelled; members doubles as its queue. */
static int
comps_build(const struct csr *c, size_t n, struct comps *k)
{
	size_t tail = 0, nc = 0;

	k->id = reallocarray(NULL, n, sizeof(*k->id));
	k->members = reallocarray(NULL, n, sizeof(*k->members));
	k->first = reallocarray(NULL, n, sizeof(*k->first));
	k->count = reallocarray(NULL, n, sizeof(*k->count));
	k->degree = reallocarray(NULL, n, sizeof(*k->degree));
	if (!k->id || !k->members || !k->first || !k->count || !k->degree) {
		comps_free(k);
		return -ENOMEM;
	}
	memset(k->id, 0xff, n * sizeof(*k->id));
	for (size_t r = 0; r < n; r++) {
		size_t head = tail, degree = 0;

		if (k->id[r] != UINT32_MAX)
			continue;
		k->first[nc] = (uint32_t)tail;
		k->id[r] = (uint32_t)nc;
		k->members[tail++] = (uint32_t)r;
		while (head < tail) {
			uint32_t v = k->members[head++];

			degree += row_len(c, v);
			for (size_t i = c->off[v]; i < c->off[v + 1]; i++) {
				if (k->id[c->to[i]] == UINT32_MAX) {
					k->id[c->to[i]] = (uint32_t)nc;
					k->members[tail++] = c->to[i];
				}
			}
		}
		k->count[nc] = (uint32_t)(tail - k->first[nc]);
		k->degree[nc++] = degree;
	}
	return 0;
}

/*
 * Per-source scratch for Brandes' algorithm, allocated once for all of a part's sources.
 *
 * The inner loops test every neighbour's level, so that test must hit the cache: a BFS
 * neighbour of a node on level L is on L - 1, L or L + 1, so the level modulo 3 tells them
 * apart, and a byte holds it, a quarter of the memory that full distances would take.
 */
struct brandes {
	const uint8_t *target; /* per node: 1 if it ends pairs (you and people), else 0 */
	uint8_t *level;        /* hops from the source, modulo 3; UNSEEN_LEVEL if not reached */
	double *x;             /* forward: shortest paths from the source; backward, once done:
	                        * (target + dependency) / paths, what its predecessors take */
	double *acc;           /* backward, pushing: the sum of those quotients so far; else 0 */
	uint32_t *queue;       /* BFS order, level after level; read backwards, Brandes' stack */
	uint32_t *lstart;      /* where each level starts in queue; lstart[nlev] is seen */
	size_t nlev, seen;
	bool linear;      /* sampled: Geisberger's linear scaling (brandes_backward) */
	double mult, inv; /* for the level at hand: what a dependency counts, 1 / distance */
};

#define UNSEEN_LEVEL 0xff

static void
brandes_free(struct brandes *b)
{
	free(b->level);
	free(b->x);
	free(b->acc);
	free(b->queue);
	free(b->lstart);
}

static int
brandes_alloc(struct brandes *b, size_t n, const uint8_t *target)
{
	memset(b, 0, sizeof(*b));
	b->target = target;
	b->level = malloc(n);
	b->x = calloc(n, sizeof(*b->x));
	b->acc = calloc(n, sizeof(*b->acc));
	b->queue = reallocarray(NULL, n, sizeof(*b->queue));
	b->lstart = reallocarray(NULL, n + 1, sizeof(*b->lstart));
	if (!b->level || !b->x || !b->acc || !b->queue || !b->lstart) {
		brandes_free(b);
		return -ENOMEM;
	}
	memset(b->level, UNSEEN_LEVEL, n);
	return 0;
}

static uint8_t
level_next(uint8_t level)
{
	return level == 2 ? 0 : level + 1;
}

static size_t
level_degree(const struct csr *c, const struct brandes *b, size_t start, size_t end)
{
	size_t sum = 0;

	for (size_t k = start; k < end; k++)
		sum += row_len(c, b->queue[k]);
	return sum;
}

/* Top-down: the rows of the level queue[start, end) find the next level and add their
 * path counts to it. */
static void
level_down(const struct csr *c, struct brandes *b, size_t start, size_t end)
{
	uint8_t *level = b->level;
	double *x = b->x;

	for (size_t head = start; head < end; head++) {
		uint32_t v = b->queue[head];
		uint8_t next = level_next(level[v]);
		double paths = x[v];

		for (size_t i = c->off[v]; i < c->off[v + 1]; i++) {
			uint32_t w = c->to[i];

			if (level[w] == UNSEEN_LEVEL) {
				level[w] = next;
				b->queue[b->seen++] = w;
			}
			if (level[w] == next)
				x[w] += paths;
		}
	}
}

/*
 * Bottom-up: each unseen node of the component (members[0, count)) adds up the path counts
 * of its neighbours on the level just reached, cur; if it has any, it is on the next level.
 * Cheaper than top-down once the level holds most of the edges and little is left unseen.
 */
static void
level_up(const struct csr *c, struct brandes *b, const uint32_t *members, size_t count, uint8_t cur)
{
	uint8_t *level = b->level, next = level_next(cur);
	double *x = b->x;

	for (size_t k = 0; k < count; k++) {
		uint32_t u = members[k];
		double paths = 0;

		if (level[u] != UNSEEN_LEVEL)
			continue;
		for (size_t i = c->off[u]; i < c->off[u + 1]; i++)
			if (level[c->to[i]] == cur)
				paths += x[c->to[i]];
		if (paths > 0) {
			level[u] = next;
			x[u] = paths;
			b->queue[b->seen++] = u;
		}
	}
}

/*
 * Breadth-first from s, counting shortest paths, level by level, each level top-down or
 * bottom-up, whichever reads fewer row entries (Beamer's direction-optimising BFS). Stops
 * when nothing in s's component is left unseen: the last level's rows are never read.
 */
static void
brandes_forward(const struct csr *c, const struct comps *k, struct brandes *b, uint32_t s)
{
	uint32_t comp = k->id[s];
	const uint32_t *members = &k->members[k->first[comp]];
	size_t start = 0, end = 1, left = k->degree[comp] - row_len(c, s);

	b->level[s] = 0;
	b->x[s] = 1;
	b->queue[0] = s;
	b->seen = 1;
	b->nlev = 0;
	for (;;) {
		b->lstart[b->nlev++] = (uint32_t)start;
		if (left == 0)
			break; /* everything seen: this level is the last */
		if (k->count[comp] + left < level_degree(c, b, start, end))
			level_up(c, b, members, k->count[comp], b->level[b->queue[start]]);
		else
			level_down(c, b, start, end);
		if (b->seen == end)
			break; /* nothing new: this level was the last */
		for (size_t i = end; i < b->seen; i++)
			left -= row_len(c, b->queue[i]);
		start = end;
		end = b->seen;
	}
	b->lstart[b->nlev] = (uint32_t)b->seen;
}

static void
depend(struct brandes *b, uint32_t v, double pulled, double *bc)
{
	double delta = b->x[v] * pulled;

	bc[v] += b->mult * delta;
	b->x[v] = ((double)b->target[v] * b->inv + delta) / b->x[v];
}

/* Each node of the level [start, end) reads the quotients of its successors in its row. */
static void
level_pull(const struct csr *c, struct brandes *b, size_t start, size_t end, double *bc)
{
	for (size_t k = start; k < end; k++) {
		uint32_t v = b->queue[k];
		uint8_t next = level_next(b->level[v]);
		double pulled = 0;

		for (size_t i = c->off[v]; i < c->off[v + 1]; i++)
			if (b->level[c->to[i]] == next)
				pulled += b->x[c->to[i]];
		depend(b, v, pulled, bc);
	}
}

/* The level after [start, end), up to succ_end, hands its quotients back along its rows. */
static void
level_push(const struct csr *c, struct brandes *b, size_t start, size_t end, size_t succ_end,
           double *bc)
{
	uint8_t cur = b->level[b->queue[start]];

	for (size_t k = end; k < succ_end; k++) {
		uint32_t w = b->queue[k];
		double q = b->x[w];

		for (size_t i = c->off[w]; i < c->off[w + 1]; i++)
			if (b->level[c->to[i]] == cur)
				b->acc[c->to[i]] += q;
	}
	for (size_t k = start; k < end; k++) {
		uint32_t v = b->queue[k];

		depend(b, v, b->acc[v], bc);
		b->acc[v] = 0;
	}
}

/*
 * Farthest level first, every node's dependency from its successors (Brandes, with only
 * the targets as ends of pairs):
 *   delta(v) = paths(v) * sum over successors w of (target(w) + delta(w)) / paths(w)
 * added to bc. Sampled, with linear scaling (Geisberger, Sanders and Schultes 2008): a
 * pair (s, t) counts for v on its path by d(s, v) / d(s, t) from s's side, so that the
 * two sides add up to 1 and 2 * d(s, v) * gamma(v) replaces delta(v), where gamma is
 * delta with target(w) / d(s, w) for target(w). Unbiased like the plain estimate, but a
 * person next to a sampled source no longer takes all of that source's far pairs at full
 * weight: those lumps were most of the sampling error. Each level either pulls (reads its own rows)
 * or has its successors push (reads theirs), whichever is fewer entries. The last level has no
 * successors, and the source (level 0) is not between anything. Then resets only what this source
 * touched.
 */
static void
brandes_backward(const struct csr *c, struct brandes *b, double *bc)
{
	size_t last = b->nlev - 1;
	double inv_last = b->linear && last > 0 ? 1.0 / (double)last : 1.0;

	for (size_t k = b->lstart[last]; k < b->lstart[last + 1]; k++)
		b->x[b->queue[k]] = (double)b->target[b->queue[k]] * inv_last / b->x[b->queue[k]];
	for (size_t l = last; l-- > 1;) {
		size_t start = b->lstart[l], end = b->lstart[l + 1], succ_end = b->lstart[l + 2];

		b->mult = b->linear ? 2.0 * (double)l : 1.0;
		b->inv = b->linear ? 1.0 / (double)l : 1.0;
		if (level_degree(c, b, start, end) <= level_degree(c, b, end, succ_end))
			level_pull(c, b, start, end, bc);
		else
			level_push(c, b, start, end, succ_end, bc);
	}
	for (size_t k = 0; k < b->seen; k++) {
		b->level[b->queue[k]] = UNSEEN_LEVEL;
		b->x[b->queue[k]] = 0;
	}
}

/*
 * Drops, again and again, every node that ends no pair (not you, not a person) and has at
 * most one neighbour left: it lies inside no shortest path, since a path through it would
 * enter and leave by the same neighbour. A topic only one person holds goes, and so does
 * a chain of such things. The rows of the nodes dropped become empty. deg and queue are n
 * words of scratch. Returns how many nodes are left.
 */
static size_t
csr_prune(struct csr *c, size_t n, const uint8_t *target, uint32_t *deg, uint32_t *queue)
{
	size_t head = 0, tail = 0, w = 0, live = n;

	for (size_t v = 0; v < n; v++) {
		deg[v] = (uint32_t)row_len(c, (uint32_t)v);
		if (!target[v] && deg[v] <= 1)
			queue[tail++] = (uint32_t)v;
	}
	while (head < tail) {
		uint32_t v = queue[head++];

		deg[v] = UINT32_MAX; /* dropped */
		live--;
		for (size_t i = c->off[v]; i < c->off[v + 1]; i++) {
			uint32_t u = c->to[i];

			/* From 2 to 1 queues it; one with 1 or 0 from the start is queued already.
			 */
			if (deg[u] != UINT32_MAX && --deg[u] == 1 && !target[u])
				queue[tail++] = u;
		}
	}
	for (size_t v = 0; v < n; v++) {
		size_t i = c->off[v], end = c->off[v + 1];

		c->off[v] = w;
		for (; deg[v] != UINT32_MAX && i < end; i++)
			if (deg[c->to[i]] != UINT32_MAX)
				c->to[w++] = c->to[i];
	}
	c->off[n] = w;
	return live;
}

/*
 * How many sources: every one of the np people (you included) when np searches fit in
 * GRAPH_EXACT_WORK, each search costing about work (the nodes and row entries left);
 * otherwise as many as the budget buys, and never fewer than GRAPH_SAMPLES. A mode or a
 * sample count in o overrides. Returns the count, at most np.
 */
static size_t
sources_count(const struct graph_hubs_opts *o, size_t np, double work)
{
	double fit = floor(GRAPH_EXACT_WORK / (work > 1 ? work : 1));
	size_t k = fit < (double)SIZE_MAX ? (size_t)fit : SIZE_MAX;

	if (k < GRAPH_SAMPLES)
		k = GRAPH_SAMPLES;
	if (o->mode == GRAPH_HUBS_EXACT ||
	    (o->mode == GRAPH_HUBS_AUTO && (double)np * work <= GRAPH_EXACT_WORK))
		return np;
	if (o->samples > 0)
		k = o->samples;
	return k < np ? k : np;
}

/*
 * The sources: all of P (you and the people, in the graph's index order) or k of them
 * drawn without repeats by a partial Fisher-Yates shuffle from the fixed seed. *src gets
 * np entries, in the view's numbering (inv), the first k the sources.
 */
static int
sources_pick(const uint32_t *inv, const uint8_t *target, size_t n, size_t np, size_t k,
             uint32_t **src)
{
	uint64_t rng = SAMPLE_SEED;
	uint32_t *a;
	size_t j = 0;

	if ((a = reallocarray(NULL, np > 0 ? np : 1, sizeof(*a))) == NULL)
		return -ENOMEM;
	for (size_t v = 0; v < n; v++)
		if (target[inv[v]])
			a[j++] = inv[v];
	for (size_t i = 0; k < np && i < k; i++) {
		size_t r = i + (size_t)rng_below(&rng, np - i);
		uint32_t t = a[i];

		a[i] = a[r];
		a[r] = t;
	}
	*src = a;
	return 0;
}

/*
 * The sources are dealt into PARTS fixed parts (source i to part i % PARTS), each summed
 * into its own array by one thread, and the parts are added up in order afterwards: the
 * scores are the same to the last bit however many threads did the work, or if none could
 * be started. Threads because this is the one slow measure and a laptop has cores to
 * spare; each one only reads the shared CSR and writes its own part.
 */
#define PARTS 4

struct part {
	const struct csr *c;
	const struct comps *comps;
	const uint8_t *target;
	bool linear;
	const uint32_t *src;
	size_t n_src, n; /* sources, nodes */
	size_t index;    /* this part's sources: src[index], src[index + PARTS], ... */
	double *bc;      /* this part's sums, n entries; NULL if it has no sources */
	int r;
};

/* A part's sources, with the scratch b of the thread that runs it (each search leaves it
 * as it found it). */
static int
part_run(struct part *p, struct brandes *b)
{
	if ((p->bc = calloc(p->n, sizeof(*p->bc))) == NULL)
		return -ENOMEM;
	b->linear = p->linear;
	for (size_t i = p->index; i < p->n_src; i += PARTS) {
		brandes_forward(p->c, p->comps, b, p->src[i]);
		brandes_backward(p->c, b, p->bc);
	}
	return 0;
}

/* One thread's share: parts first, first + step, ... */
struct worker {
	struct part *parts;
	size_t first, step;
};

static int
worker_main(void *arg)
{
	struct worker *w = arg;
	struct brandes b;
	bool have = false;

	for (size_t k = w->first; k < PARTS; k += w->step) {
		struct part *p = &w->parts[k];

		if (p->index >= p->n_src)
			continue; /* no sources: no sums */
		if (!have && (p->r = brandes_alloc(&b, p->n, p->target)) < 0)
			continue;
		have = true;
		p->r = part_run(p, &b);
	}
	if (have)
		brandes_free(&b);
	return 0;
}

static size_t
workers_count(void)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	if (cpus < 1)
		return 1;
	return (size_t)cpus < PARTS ? (size_t)cpus : PARTS;
}

/* Runs every part, on as many threads as there are cores (up to PARTS); 0 or -ENOMEM. */
static int
parts_run(struct part *parts)
{
	struct worker w[PARTS];
	bool started[PARTS] = { false };
	thrd_t t[PARTS];
	size_t nw = workers_count();
	int r = 0;

	for (size_t i = 0; i < nw; i++)
		w[i] = (struct worker){ .parts = parts, .first = i, .step = nw };
	for (size_t i = 1; i < nw; i++)
		started[i] = thrd_create(&t[i], worker_main, &w[i]) == thrd_success;
	for (size_t i = 0; i < nw; i++)
		if (!started[i])
			(void)worker_main(&w[i]); /* no thread for it: same work, same answer */
	for (size_t i = 1; i < nw; i++)
		if (started[i])
			(void)thrd_join(t[i], NULL);
	for (size_t k = 0; k < PARTS; k++)
		if (parts[k].r < 0)
			r = parts[k].r;
	return r;
}

/*
 * What the measures share: the simple graph of every node (pruned: csr_prune), its nodes
 * renumbered (view_relabel), and which nodes end pairs: you (node 0) and the people.
 */
struct view {
	struct csr c;         /* in the view's numbering */
	uint8_t *target;      /* per node (view's numbering): 1 for you and the people */
	uint32_t *perm, *inv; /* view's number -> the graph's index, and back */
	size_t n, np;         /* nodes; nodes in P */
	size_t live;          /* nodes left after pruning */
};

static void
view_free(struct view *v)
{
	csr_free(&v->c);
	free(v->target);
	free(v->perm);
	free(v->inv);
	v->target = NULL;
	v->perm = v->inv = NULL;
}

/*
 * The simple graph in the view's numbering: nodes by degree, highest first (ties in index
 * order; the degree counts repeated edges, which is as good for this). The searches test
 * the level and path count of every neighbour; most rows are people's and point at
 * events, organisations and topics, which so sit together at the front and stay in cache:
 * on the benchmark store each search takes half the time. Built straight in that order
 * (one count pass, one fill pass), then repeats dropped. mark: n zeroed words, left dirty.
 */
static int
view_csr(const struct graph *g, struct view *v, uint32_t *mark)
{
	size_t n = v->n, maxdeg = 0, *count = NULL, *deg = NULL, *off;
	uint8_t *target = NULL;
	int r = -ENOMEM;

	v->perm = reallocarray(NULL, n > 0 ? n : 1, sizeof(*v->perm));
	v->inv = reallocarray(NULL, n > 0 ? n : 1, sizeof(*v->inv));
	v->c.off = off = calloc(n + 1, sizeof(*off));
	target = malloc(n > 0 ? n : 1);
	if (v->perm == NULL || v->inv == NULL || off == NULL || target == NULL)
		goto out;
	for (size_t i = 0; i < g->n_edges; i++) {
		const struct graph_edge *e = &g->edges[i];

		if (e->from != e->to) {
			off[e->from + 1]++;
			off[e->to + 1]++;
		}
	}
	for (size_t u = 0; u < n; u++)
		maxdeg = off[u + 1] > maxdeg ? off[u + 1] : maxdeg;
	count = calloc(maxdeg + 2, sizeof(*count));
	deg = reallocarray(NULL, n > 0 ? n : 1, sizeof(*deg));
	if (count == NULL || deg == NULL)
		goto out;
	for (size_t u = 0; u < n; u++)
		deg[u] = off[u + 1];
	/* A counting sort on maxdeg - degree: stable, so ties keep their index order. */
	for (size_t u = 0; u < n; u++)
		count[maxdeg - off[u + 1] + 1]++;
	for (size_t d = 0; d <= maxdeg; d++)
		count[d + 1] += count[d];
	for (size_t u = 0; u < n; u++)
		v->perm[count[maxdeg - off[u + 1]]++] = (uint32_t)u;
	for (size_t i = 0; i < n; i++) {
		v->inv[v->perm[i]] = (uint32_t)i;
		target[i] = v->target[v->perm[i]];
	}
	for (size_t i = 0; i < n; i++)
		off[i + 1] = off[i] + deg[v->perm[i]];
	if ((v->c.to = reallocarray(NULL, off[n] > 0 ? off[n] : 1, sizeof(*v->c.to))) == NULL)
		goto out;
	/* Fill each row from its start; afterwards off[i] is where row i + 1 starts. */
	for (size_t i = 0; i < g->n_edges; i++) {
		const struct graph_edge *e = &g->edges[i];
		uint32_t a = v->inv[e->from], b = v->inv[e->to];

		if (a != b) {
			v->c.to[off[a]++] = b;
			v->c.to[off[b]++] = a;
		}
	}
	memmove(&off[1], &off[0], n * sizeof(*off));
	off[0] = 0;
	free(v->target);
	v->target = target;
	target = NULL;
	csr_dedup(&v->c, n, mark);
	r = 0;
out:
	free(target);
	free(deg);
	free(count);
	return r;
}

static int
view_build(const struct graph *g, struct view *v)
{
	uint32_t *mark = NULL, *queue = NULL;
	size_t n = g->n_nodes;
	int r = -ENOMEM;

	memset(v, 0, sizeof(*v));
	v->n = n;
	v->target = calloc(n > 0 ? n : 1, 1);
	mark = calloc(n > 0 ? n : 1, sizeof(*mark));
	queue = reallocarray(NULL, n > 0 ? n : 1, sizeof(*queue));
	if (v->target == NULL || mark == NULL || queue == NULL)
		goto out;
	for (size_t i = 0; i < n; i++) {
		enum graph_kind k = g->nodes[i].kind;

		v->target[i] = (i == 0 && k == GRAPH_ME) || k == GRAPH_PERSON;
		v->np += v->target[i];
	}
	if ((r = view_csr(g, v, mark)) < 0)
		goto out;
	memset(mark, 0, n * sizeof(*mark));
	v->live = csr_prune(&v->c, n, v->target, mark, queue);
out:
	if (r < 0)
		view_free(v);
	free(queue);
	free(mark);
	return r;
}

/*
 * Subset betweenness of every node into bc (n zeroed entries), normalised to 0..1: for v,
 * the pairs {s, t} of P without v, each counted from both its ends, so the sum over all
 * of P as sources is divided by 2 * C(np - 1, 2) = (np - 1)(np - 2). With k sampled
 * sources standing for all np, the sum is scaled by np / k (Brandes and Pich 2007: an
 * unbiased estimate). Only people keep a score: 0 for you and for things.
 */
static int
view_betweenness(const struct graph *g, const struct view *v, const struct graph_hubs_opts *o,
                 double *bc, bool *exact)
{
	struct part parts[PARTS] = { 0 };
	struct comps comps = { 0 };
	size_t n = v->n, k;
	uint32_t *src = NULL;
	double scale;
	int r;

	*exact = true;
	if (v->np < 3)
		return 0; /* no person can lie between two others of P */
	k = sources_count(o, v->np, (double)v->live + (double)v->c.off[n]);
	*exact = k == v->np;
	if ((r = comps_build(&v->c, n, &comps)) < 0 ||
	    (r = sources_pick(v->inv, v->target, n, v->np, k, &src)) < 0)
		goto out;
	for (size_t i = 0; i < PARTS; i++) {
		parts[i] = (struct part){ .c = &v->c,
			                  .comps = &comps,
			                  .target = v->target,
			                  .linear = !*exact,
			                  .src = src,
			                  .n_src = k,
			                  .n = n,
			                  .index = i };
	}
	if ((r = parts_run(parts)) < 0)
		goto out;
	scale = (double)v->np / (double)k / ((double)(v->np - 1) * (double)(v->np - 2));
	for (size_t u = 0; u < n; u++) {
		uint32_t old = v->perm[u];

		if (g->nodes[old].kind != GRAPH_PERSON)
			continue;
		for (size_t i = 0; i < PARTS; i++)
			bc[old] += parts[i].bc != NULL ? parts[i].bc[u] : 0;
		/* Only path counts past 2^1023 would make these non-finite; sampling can pass 1. */
		bc[old] = isfinite(bc[old]) ? fmin(1.0, bc[old] * scale) : 0;
	}
out:
	for (size_t i = 0; i < PARTS; i++)
		free(parts[i].bc);
	free(src);
	comps_free(&comps);
	return r;
}

static int
opts_check(const struct graph_hubs_opts *o)
{
	return (unsigned)o->mode <= GRAPH_HUBS_SAMPLED ? 0 : -EINVAL;
}

int
graph_betweenness(const struct graph *g, const struct graph_hubs_opts *o, double **score,
                  bool *exact)
{
	static const struct graph_hubs_opts auto_opts = { .mode = GRAPH_HUBS_AUTO };
	struct view v;
	double *bc;
	bool ex;
	int r;

	*score = NULL;
	if (exact != NULL)
		*exact = false;
	if (o == NULL)
		o = &auto_opts;
	if ((r = graph_check(g)) < 0 || (r = opts_check(o)) < 0)
		return r;
	if ((bc = calloc(g->n_nodes > 0 ? g->n_nodes : 1, sizeof(*bc))) == NULL)
		return -ENOMEM;
	if ((r = view_build(g, &v)) < 0) {
		free(bc);
		return r;
	}
	r = view_betweenness(g, &v, o, bc, &ex);
	view_free(&v);
	if (r < 0) {
		free(bc);
		return r;
	}
	*score = bc;
	if (exact != NULL)
		*exact = ex;
	return 0;
}

/* Reach: articulation points on the way from you */

/*
 * One depth-first walk from you (node 0) over the simple graph, iterative (a long chain
 * of introductions must not overflow the stack). Hopcroft and Tarjan: a child w of v,
 * v not the root, whose subtree reaches back no higher than v (low(w) >= disc(v)) hangs
 * on v alone, so every person in that subtree is reached only through v. reach gets, per
 * node, the people in all such subtrees; n zeroed entries.
 */
static int
view_reach(const struct graph *g, const struct view *v, size_t *reach)
{
	size_t n = v->n, sp = 0, *pos, *people;
	uint32_t *disc, *low, *stack, t = 0, root;
	int r = -ENOMEM;

	if (n == 0 || g->nodes[0].kind != GRAPH_ME)
		return 0;                /* no you: nobody is reached through anyone */
	disc = calloc(n, sizeof(*disc)); /* 0: not seen yet */
	low = reallocarray(NULL, n, sizeof(*low));
	stack = reallocarray(NULL, n, sizeof(*stack));
	pos = reallocarray(NULL, n, sizeof(*pos));
	people = reallocarray(NULL, n, sizeof(*people));
	if (disc == NULL || low == NULL || stack == NULL || pos == NULL || people == NULL)
		goto out;
	root = v->inv[0];
	disc[root] = low[root] = ++t;
	pos[root] = v->c.off[root];
	people[root] = 0;
	stack[sp++] = root;
	while (sp > 0) {
		uint32_t u = stack[sp - 1], w, p;

		if (pos[u] < v->c.off[u + 1]) {
			w = v->c.to[pos[u]++];
			if (disc[w] == 0) {
				disc[w] = low[w] = ++t;
				pos[w] = v->c.off[w];
				people[w] = g->nodes[v->perm[w]].kind == GRAPH_PERSON;
				stack[sp++] = w;
			} else if (disc[w] < low[u]) {
				low[u] = disc[w]; /* the parent too: no harm, low(u) <= disc(parent)
				                   */
			}
			continue;
		}
		if (--sp == 0)
			break;
		p = stack[sp - 1];
		if (low[u] < low[p])
			low[p] = low[u];
		people[p] += people[u];
		if (sp > 1 && low[u] >= disc[p])
			reach[v->perm[p]] += people[u];
	}
	for (size_t u = 0; u < n; u++)
		if (g->nodes[u].kind != GRAPH_PERSON)
			reach[u] = 0;
	r = 0;
out:
	free(people);
	free(pos);
	free(stack);
	free(low);
	free(disc);
	return r;
}

int
graph_reach(const struct graph *g, size_t **reach)
{
	struct view v;
	size_t *out;
	int r;

	*reach = NULL;
	if ((r = graph_check(g)) < 0)
		return r;
	if ((out = calloc(g->n_nodes > 0 ? g->n_nodes : 1, sizeof(*out))) == NULL)
		return -ENOMEM;
	if ((r = view_build(g, &v)) < 0) {
		free(out);
		return r;
	}
	r = view_reach(g, &v, out);
	view_free(&v);
	if (r < 0) {
		free(out);
		return r;
	}
	*reach = out;
	return 0;
}

/* Brokerage: Burt's structural holes on the people graph */

/*
 * The people graph is never built: it can hold a pair for every two people at one event.
 * Its ties are walked in the view instead (the simple graph, renumbered and pruned): two
 * people are tied when they are neighbours there (an introduction) or share a neighbour
 * that is neither a person nor you (an event, an organisation, a topic). A thing the
 * pruning dropped had at most one neighbour, so it tied nobody. Two stamp arrays mark,
 * one who the person asked about is tied to, the other whom the walk in progress has
 * seen, so that nothing is cleared between walks. Nodes are in the view's numbering.
 */
struct broker {
	const struct csr *c; /* the view's */
	const uint8_t *target;
	uint32_t me; /* you, in the view's numbering: in P, but on nobody's people graph */
	size_t n;
	uint32_t *in, *seen; /* stamps: a contact of the person asked about; seen */
	uint32_t in_stamp, seen_stamp;
	uint32_t *nb, *buf; /* the contacts; the current walk's contacts among them */
	double *acc;        /* per contact j: sum of 1 / deg(q) over shared contacts q */
};

static void
broker_free(struct broker *b)
{
	free(b->in);
	free(b->seen);
	free(b->nb);
	free(b->buf);
	free(b->acc);
}

static int
broker_init(struct broker *b, const struct view *v)
{
	size_t n = v->n > 0 ? v->n : 1;

	memset(b, 0, sizeof(*b));
	b->c = &v->c;
	b->target = v->target;
	b->me = v->n > 0 ? v->inv[0] : 0;
	b->n = n;
	b->in = calloc(n, sizeof(*b->in));
	b->seen = calloc(n, sizeof(*b->seen));
	b->nb = reallocarray(NULL, n, sizeof(*b->nb));
	b->buf = reallocarray(NULL, n, sizeof(*b->buf));
	b->acc = reallocarray(NULL, n, sizeof(*b->acc));
	if (b->in == NULL || b->seen == NULL || b->nb == NULL || b->buf == NULL || b->acc == NULL) {
		broker_free(b);
		return -ENOMEM;
	}
	return 0;
}

/* A fresh stamp; when the counter wraps, the array is cleared once and it starts again. */
static uint32_t
stamp_next(uint32_t *stamp, uint32_t *marks, size_t n)
{
	if (++*stamp == 0) {
		memset(marks, 0, n * sizeof(*marks));
		*stamp = 1;
	}
	return *stamp;
}

/* A person, in the view: in P, and not you. */
static bool
is_person(const struct broker *b, uint32_t v)
{
	return b->target[v] && v != b->me;
}

/*
 * The rows a walk of q's ties reads: for each neighbour y of q, y itself when it is a
 * person (an introduction), else y's row (a thing: the people who share it). You are
 * skipped, as a neighbour and in a thing's row. Sets [*l, *end) and whether the range is
 * y alone.
 */
static bool
tie_range(const struct broker *b, uint32_t y, size_t k, size_t *l, size_t *end)
{
	bool direct = is_person(b, y);

	*l = direct ? k : b->c->off[y];
	*end = direct ? k + 1 : b->c->off[y + 1];
	return direct;
}

/* i's contacts into nb, each once; returns how many. i is left unmarked. */
static size_t
broker_contacts(struct broker *b, uint32_t i)
{
	const struct csr *c = b->c;
	uint32_t s = stamp_next(&b->in_stamp, b->in, b->n);
	size_t d = 0, l, end;

	b->in[i] = s;
	for (size_t k = c->off[i]; k < c->off[i + 1]; k++) {
		uint32_t y = c->to[k];
		bool direct = y != b->me && tie_range(b, y, k, &l, &end);

		for (; y != b->me && l < end; l++) {
			uint32_t z = direct ? y : c->to[l];

			if (is_person(b, z) && b->in[z] != s) {
				b->in[z] = s;
				b->nb[d++] = z;
			}
		}
	}
	b->in[i] = 0; /* 0 is never a stamp: i is no contact of its own */
	return d;
}

/* What walking q's ties reads: a person's row, and the rows of its things. */
static size_t
broker_cost(const struct broker *b, uint32_t q)
{
	size_t cost = 0;

	for (size_t k = b->c->off[q]; k < b->c->off[q + 1]; k++) {
		uint32_t y = b->c->to[k];

		cost += y == b->me ? 0 : is_person(b, y) ? 1 : row_len(b->c, y);
	}
	return cost;
}

/* q's ties: returns deg(q); buf gets, *m of them, those that are contacts (stamp si). */
static size_t
broker_walk(struct broker *b, uint32_t q, uint32_t si, size_t *m)
{
	const struct csr *c = b->c;
	uint32_t s = stamp_next(&b->seen_stamp, b->seen, b->n);
	size_t deg = 0, l, end;

	*m = 0;
	b->seen[q] = s;
	for (size_t k = c->off[q]; k < c->off[q + 1]; k++) {
		uint32_t y = c->to[k];
		bool direct = y != b->me && tie_range(b, y, k, &l, &end);

		for (; y != b->me && l < end; l++) {
			uint32_t z = direct ? y : c->to[l];

			if (!is_person(b, z) || b->seen[z] == s)
				continue;
			b->seen[z] = s;
			deg++;
			if (b->in[z] == si)
				b->buf[(*m)++] = z;
		}
	}
	return deg;
}

/*
 * Burt's measures of person i, unweighted, with n = deg(i), p_ij = 1 / n for a tie:
 *   effective size = n - 2t / n, t the ties among i's contacts (Borgatti's form);
 *   constraint = sum over contacts j of (p_ij + sum over contacts q of p_iq p_qj)^2
 *              = sum over j of ((1 + sum over q tied to j of 1 / deg(q)) / n)^2.
 * One walk per contact q gives deg(q) and q's ties among the contacts; adding 1 / deg(q)
 * to each of those covers every (j, q) term. When those walks would read more than
 * budget entries, the contacts walked are a sample drawn with a seed fixed per person,
 * as many as the budget buys, and the sums are scaled up by n / walked.
 */
static void
broker_one(struct broker *b, uint32_t i, double budget, double *es, double *con)
{
	size_t d = broker_contacts(b, i), k = 0, ties = 0, m;
	uint32_t si = b->in_stamp;
	double cost = 0, scale, sum = 0;

	*es = *con = NAN;
	if (d == 0)
		return;
	for (size_t j = 0; j < d; j++) {
		b->acc[b->nb[j]] = 0;
		cost += (double)broker_cost(b, b->nb[j]);
	}
	if (cost <= budget) {
		k = d;
	} else {
		uint64_t rng = SAMPLE_SEED ^ i;

		for (cost = 0; k < d && cost < budget; k++) {
			size_t r = k + (size_t)rng_below(&rng, d - k);
			uint32_t t = b->nb[k];

			b->nb[k] = b->nb[r];
			b->nb[r] = t;
			cost += (double)broker_cost(b, b->nb[k]);
		}
	}
	for (size_t j = 0; j < k; j++) {
		double w = 1.0 / (double)broker_walk(b, b->nb[j], si, &m);

		ties += m;
		for (size_t l = 0; l < m; l++)
			b->acc[b->buf[l]] += w;
	}
	scale = (double)d / (double)k;
	for (size_t j = 0; j < d; j++) {
		double x = (1.0 + scale * b->acc[b->nb[j]]) / (double)d;

		sum += x * x;
	}
	*es = (double)d - scale * (double)ties / (double)d;
	*con = sum;
}

int
graph_brokerage(const struct graph *g, uint32_t person, double *effective_size, double *constraint)
{
	struct view v;
	struct broker b;
	int r;

	*effective_size = NAN;
	*constraint = NAN;
	if ((r = graph_check(g)) < 0)
		return r;
	if (person >= g->n_nodes || g->nodes[person].kind != GRAPH_PERSON)
		return -EINVAL;
	if ((r = view_build(g, &v)) < 0)
		return r;
	if ((r = broker_init(&b, &v)) == 0) {
		broker_one(&b, v.inv[person], INFINITY, effective_size, constraint);
		broker_free(&b);
	}
	view_free(&v);
	return r;
}

/* Hubs: the people ranked */

/* Best first: score, then reach, then the lower index. A total order: output is stable. */
static int
hub_cmp(const void *pa, const void *pb)
{
	const struct graph_hub *a = pa, *b = pb;

	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	if (a->reach != b->reach)
		return a->reach > b->reach ? -1 : 1;
	return a->node < b->node ? -1 : a->node > b->node;
}

/* Restores the heap h[0, size) below i: every parent worse than (after) its children. */
static void
heap_down(struct graph_hub *h, size_t size, size_t i)
{
	for (;;) {
		size_t worst = i, l = 2 * i + 1, r = l + 1;
		struct graph_hub t;

		if (l < size && hub_cmp(&h[l], &h[worst]) > 0)
			worst = l;
		if (r < size && hub_cmp(&h[r], &h[worst]) > 0)
			worst = r;
		if (worst == i)
			return;
		t = h[i];
		h[i] = h[worst];
		h[worst] = t;
		i = worst;
	}
}

/*
 * The best max of h[0, np) into h[0, max), best first; returns how many. A heap of the
 * best max seen so far, the worst of them at its root, so that a short list out of many
 * people costs np log max, not a sort of everyone.
 */
static size_t
hubs_top(struct graph_hub *h, size_t np, size_t max)
{
	if (max > np)
		max = np;
	if (max > 0 && max < np) {
		for (size_t i = max / 2; i-- > 0;)
			heap_down(h, max, i);
		for (size_t i = max; i < np; i++) {
			if (hub_cmp(&h[i], &h[0]) < 0) {
				h[0] = h[i];
				heap_down(h, max, 0);
			}
		}
	}
	qsort(h, max, sizeof(*h), hub_cmp);
	return max;
}

/* The people with a score above 0: someone on no shortest path between two others of P
 * connects nobody, and is not a hub. */
static int
hubs_list(const struct graph *g, const double *bc, const size_t *reach, struct graph_hub **out,
          size_t *n_out)
{
	size_t np = count_people(g), k = 0;
	struct graph_hub *h;

	*out = NULL;
	if ((h = reallocarray(NULL, np > 0 ? np : 1, sizeof(*h))) == NULL)
		return -ENOMEM;
	for (size_t v = 0; v < g->n_nodes; v++) {
		if (g->nodes[v].kind == GRAPH_PERSON && bc[v] > 0)
			h[k++] = (struct graph_hub){ .node = (uint32_t)v,
				                     .score = bc[v],
				                     .reach = reach[v],
				                     .effective_size = NAN,
				                     .constraint = NAN };
	}
	*out = h;
	*n_out = k;
	return 0;
}

/* Effective size and constraint of the hubs kept, each within GRAPH_BROKERAGE_WORK. */
static int
hubs_brokerage(const struct view *v, struct graph_hub *h, size_t n)
{
	struct broker b;
	int r;

	if (n == 0)
		return 0;
	if ((r = broker_init(&b, v)) < 0)
		return r;
	for (size_t i = 0; i < n; i++)
		broker_one(&b, v->inv[h[i].node], GRAPH_BROKERAGE_WORK, &h[i].effective_size,
		           &h[i].constraint);
	broker_free(&b);
	return 0;
}

/* Reach on a thread of its own, beside the searches of the betweenness. */
struct reach_job {
	const struct graph *g;
	const struct view *v;
	size_t *reach;
	int r;
};

static int
reach_main(void *arg)
{
	struct reach_job *j = arg;

	j->r = view_reach(j->g, j->v, j->reach);
	return 0;
}

/*
 * Betweenness into bc and reach into reach. The walk for reach reads the view only, as
 * the searches do, so it runs beside them (without a thread, after them: same answer).
 */
static int
both_measures(const struct graph *g, const struct view *v, const struct graph_hubs_opts *o,
              double *bc, bool *exact, size_t *reach)
{
	struct reach_job j = { .g = g, .v = v, .reach = reach };
	bool threaded;
	thrd_t t;
	int r;

	threaded = thrd_create(&t, reach_main, &j) == thrd_success;
	r = view_betweenness(g, v, o, bc, exact);
	if (threaded)
		(void)thrd_join(t, NULL);
	else
		(void)reach_main(&j);
	return r < 0 ? r : j.r;
}

int
graph_hubs_with(const struct graph *g, const struct graph_hubs_opts *o, size_t max,
                struct graph_hub **out, size_t *n, bool *exact)
{
	static const struct graph_hubs_opts auto_opts = { .mode = GRAPH_HUBS_AUTO };
	struct graph_hub *h = NULL, *shrunk;
	size_t *reach = NULL, k = 0;
	struct view v = { 0 };
	double *bc = NULL;
	bool ex = true;
	int r;

	*out = NULL;
	*n = 0;
	if (exact != NULL)
		*exact = false;
	if (o == NULL)
		o = &auto_opts;
	if ((r = graph_check(g)) < 0 || (r = opts_check(o)) < 0)
		return r;
	if (max == 0 || count_people(g) == 0)
		goto done;
	bc = calloc(g->n_nodes, sizeof(*bc));
	reach = calloc(g->n_nodes, sizeof(*reach));
	if (bc == NULL || reach == NULL) {
		r = -ENOMEM;
		goto out;
	}
	if ((r = view_build(g, &v)) < 0 || (r = both_measures(g, &v, o, bc, &ex, reach)) < 0 ||
	    (r = hubs_list(g, bc, reach, &h, &k)) < 0)
		goto out;
	k = hubs_top(h, k, max);
	if ((r = hubs_brokerage(&v, h, k)) < 0)
		goto out;
	if (k == 0) {
		free(h); /* no hubs: *out stays NULL, as documented */
		h = NULL;
	} else if ((shrunk = reallocarray(h, k, sizeof(*h))) != NULL) {
		h = shrunk; /* else keep the larger block: it holds the same answer */
	}
	*out = h;
	*n = k;
	h = NULL;
done:
	if (exact != NULL)
		*exact = ex;
out:
	free(h);
	free(reach);
	free(bc);
	view_free(&v);
	return r;
}

int
graph_hubs(const struct graph *g, size_t max, struct graph_hub **out, size_t *n)
{
	return graph_hubs_with(g, NULL, max, out, n, NULL);
}

/* Introductions */

static int
intro_cmp(const void *pa, const void *pb)
{
	const struct graph_intro *a = pa, *b = pb;

	if (a->by != b->by)
		return a->by < b->by ? -1 : 1;
	return a->person < b->person ? -1 : a->person > b->person;
}

int
graph_introductions(const struct graph *g, struct graph_intro **out, size_t *n)
{
	struct graph_intro *in = NULL;
	size_t k = 0, kept = 0;
	int r;

	*out = NULL;
	*n = 0;
	if ((r = graph_check(g)) < 0)
		return r;
	for (size_t e = 0; e < g->n_edges; e++)
		k += g->edges[e].kind == GRAPH_INTRODUCED_BY;
	if (k == 0)
		return 0;
	if ((in = reallocarray(NULL, k, sizeof(*in))) == NULL)
		return -ENOMEM;
	k = 0;
	for (size_t e = 0; e < g->n_edges; e++) {
		const struct graph_edge *x = &g->edges[e];

		if (x->kind == GRAPH_INTRODUCED_BY && x->from != x->to &&
		    g->nodes[x->from].kind == GRAPH_PERSON && g->nodes[x->to].kind == GRAPH_PERSON)
			in[k++] = (struct graph_intro){ .by = x->to, .person = x->from };
	}
	qsort(in, k, sizeof(*in), intro_cmp);
	for (size_t i = 0; i < k; i++)
		if (kept == 0 || intro_cmp(&in[kept - 1], &in[i]) != 0)
			in[kept++] = in[i];
	if (kept == 0) {
		free(in);
		return 0;
	}
	*out = in;
	*n = kept;
	return 0;
}

size_t
graph_introductions_by(const struct graph_intro *intros, size_t n, uint32_t person, size_t *first)
{
	size_t lo = 0, hi = n, end;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (intros[mid].by < person)
			lo = mid + 1;
		else
			hi = mid;
	}
	*first = lo;
	for (end = lo; end < n && intros[end].by == person; end++)
		;
	return end - lo;
}
