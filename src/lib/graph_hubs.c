/*
 * graph_hubs.c: who connects your network (docs/graph.md, "Hubs"). graph_hubs runs its
 * sources on worker threads that only read the graph, and joins them before it returns;
 * its answer does not depend on their number.
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


/* Hubs: Brandes' betweenness */

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
	uint8_t *level;   /* hops from the source, modulo 3; UNSEEN_LEVEL if not reached */
	double *x;        /* forward: shortest paths from the source; backward, once done:
	                   * (1 + dependency) / paths, what its predecessors take */
	double *acc;      /* backward, pushing: the sum of those quotients so far; else 0 */
	uint32_t *queue;  /* BFS order, level after level; read backwards, Brandes' stack */
	uint32_t *lstart; /* where each level starts in queue; lstart[nlev] is seen */
	size_t nlev, seen;
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
brandes_alloc(struct brandes *b, size_t n)
{
	memset(b, 0, sizeof(*b));
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

	bc[v] += delta;
	b->x[v] = (1.0 + delta) / b->x[v];
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
 * Farthest level first, every node's dependency from its successors (Brandes):
 *   delta(v) = paths(v) * sum over successors w of (1 + delta(w)) / paths(w)
 * added to bc. Each level either pulls (reads its own rows) or has its successors push
 * (reads theirs), whichever is fewer entries. The last level has no successors, and the
 * source (level 0) is not between anything. Then resets only what this source touched.
 */
static void
brandes_backward(const struct csr *c, struct brandes *b, double *bc)
{
	size_t last = b->nlev - 1;

	for (size_t k = b->lstart[last]; k < b->lstart[last + 1]; k++)
		b->x[b->queue[k]] = 1.0 / b->x[b->queue[k]];
	for (size_t l = last; l-- > 1;) {
		size_t start = b->lstart[l], end = b->lstart[l + 1], succ_end = b->lstart[l + 2];

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
 * Whether the exact answer is affordable: one search per node costs about n * (n + m),
 * so both the node count and that product are bounded (a dense graph just under
 * GRAPH_EXACT_MAX nodes would otherwise take seconds).
 */
static bool
exact_affordable(size_t n, size_t m)
{
	return n <= GRAPH_EXACT_MAX && (double)n * (double)(n + m) <= GRAPH_EXACT_WORK;
}

/*
 * The sources: every node when the exact answer is affordable; otherwise GRAPH_SAMPLES
 * distinct nodes drawn with the fixed seed.
 */
static int
sources_pick(size_t n, size_t m, uint32_t **src, size_t *count)
{
	uint64_t rng = SAMPLE_SEED;
	size_t k = 0;
	bool exact = exact_affordable(n, m) || n <= GRAPH_SAMPLES;

	*count = exact ? n : GRAPH_SAMPLES;
	if ((*src = reallocarray(NULL, *count, sizeof(**src))) == NULL)
		return -ENOMEM;
	if (exact) {
		for (size_t s = 0; s < n; s++)
			(*src)[s] = (uint32_t)s;
		return 0;
	}
	while (k < GRAPH_SAMPLES) {
		uint32_t s = (uint32_t)rng_below(&rng, n);
		size_t j = 0;

		while (j < k && (*src)[j] != s)
			j++;
		if (j == k)
			(*src)[k++] = s; /* else drawn before: the sources are distinct */
	}
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
	const uint32_t *src;
	size_t n_src, n; /* sources, nodes */
	size_t index;    /* this part's sources: src[index], src[index + PARTS], ... */
	double *bc;      /* this part's sums, n entries; NULL if it has no sources */
	int r;
};

static int
part_run(struct part *p)
{
	struct brandes b;
	int r;

	if (p->index >= p->n_src)
		return 0;
	if ((p->bc = calloc(p->n, sizeof(*p->bc))) == NULL)
		return -ENOMEM;
	if ((r = brandes_alloc(&b, p->n)) < 0)
		return r;
	for (size_t i = p->index; i < p->n_src; i += PARTS) {
		brandes_forward(p->c, p->comps, &b, p->src[i]);
		brandes_backward(p->c, &b, p->bc);
	}
	brandes_free(&b);
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

	for (size_t k = w->first; k < PARTS; k += w->step)
		w->parts[k].r = part_run(&w->parts[k]);
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
 * Betweenness of every node into bc (n zeroed entries), normalised to 0..1: each unordered
 * pair is counted from both its ends, so the sum over sources is divided by
 * 2 * (n-1)(n-2)/2. When sampled, the GRAPH_SAMPLES sources stand for all n, so the sum is
 * scaled by n / GRAPH_SAMPLES.
 */
static int
betweenness(const struct csr *c, size_t n, double *bc)
{
	struct part parts[PARTS] = { 0 };
	struct comps comps = { 0 };
	uint32_t *src = NULL;
	size_t n_src;
	double scale;
	int r;

	if (n < 3)
		return 0; /* no node can lie between two others */
	if ((r = comps_build(c, n, &comps)) < 0 ||
	    (r = sources_pick(n, c->off[n], &src, &n_src)) < 0)
		goto out;
	for (size_t k = 0; k < PARTS; k++) {
		parts[k] = (struct part){
			.c = c, .comps = &comps, .src = src, .n_src = n_src, .n = n, .index = k
		};
	}
	if ((r = parts_run(parts)) < 0)
		goto out;
	scale = (double)n / (double)n_src / ((double)(n - 1) * (double)(n - 2));
	for (size_t v = 0; v < n; v++) {
		for (size_t k = 0; k < PARTS; k++)
			bc[v] += parts[k].bc != NULL ? parts[k].bc[v] : 0;
		/* Only path counts past 2^1023 would make these non-finite; sampling can pass 1. */
		bc[v] = isfinite(bc[v]) ? fmin(1.0, bc[v] * scale) : 0;
	}
out:
	for (size_t k = 0; k < PARTS; k++)
		free(parts[k].bc);
	free(src);
	comps_free(&comps);
	return r;
}

/*
 * People within two hops of p, p and "me" left out; "me" is not walked through either:
 * reach says whom p could introduce you to without you. mark: n words, none equal p + 1.
 */
static size_t
reach_of(const struct graph *g, const struct csr *c, uint32_t p, uint32_t *mark)
{
	uint32_t stamp = p + 1;
	size_t reach = 0;

	mark[p] = stamp;
	for (size_t i = c->off[p]; i < c->off[p + 1]; i++) {
		uint32_t x = c->to[i];

		if (g->nodes[x].kind == GRAPH_ME)
			continue;
		if (g->nodes[x].kind == GRAPH_PERSON && mark[x] != stamp) {
			mark[x] = stamp;
			reach++;
		}
		for (size_t j = c->off[x]; j < c->off[x + 1]; j++) {
			uint32_t y = c->to[j];

			if (g->nodes[y].kind == GRAPH_PERSON && mark[y] != stamp) {
				mark[y] = stamp;
				reach++;
			}
		}
	}
	return reach;
}

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

/*
 * Sorts people by score and keeps the best max. Reach costs a walk over two hops, so it is
 * computed only for those kept and for those tied with the last one kept, which it may
 * push out: the first sort sees every reach as 0.
 */
static size_t
hubs_rank(const struct graph *g, const struct csr *c, uint32_t *mark, struct graph_hub *h,
          size_t np, size_t max)
{
	size_t cut;

	qsort(h, np, sizeof(*h), hub_cmp);
	if (max > np)
		max = np;
	if (max == 0)
		return 0;
	/* Ties with the last one kept may displace it on reach; how many of them are looked at
	 * is bounded, so that a graph of equal scores stays linear. */
	for (cut = max; cut < np && cut < 2 * max + 16 && h[cut].score == h[max - 1].score; cut++)
		;
	memset(mark, 0, g->n_nodes * sizeof(*mark));
	for (size_t i = 0; i < cut; i++)
		h[i].reach = reach_of(g, c, h[i].node, mark);
	qsort(h, cut, sizeof(*h), hub_cmp);
	return max;
}

static int
hubs_list(const struct graph *g, const double *bc, struct graph_hub **out, size_t *n_out)
{
	size_t np = count_people(g), k = 0;
	struct graph_hub *h;

	*out = NULL;
	if ((h = reallocarray(NULL, np > 0 ? np : 1, sizeof(*h))) == NULL)
		return -ENOMEM;
	/* Someone on no shortest path between others connects nobody: not a hub. */
	for (size_t v = 0; v < g->n_nodes; v++) {
		if (g->nodes[v].kind == GRAPH_PERSON && bc[v] > 0)
			h[k++] = (struct graph_hub){ .node = (uint32_t)v, .score = bc[v] };
	}
	*out = h;
	*n_out = k;
	return 0;
}

int
graph_hubs(const struct graph *g, size_t max, struct graph_hub **out, size_t *n)
{
	size_t nn = g->n_nodes, np;
	struct graph_hub *h = NULL, *shrunk;
	struct csr c = { 0 };
	uint32_t *mark = NULL;
	double *bc = NULL;
	int r;

	*out = NULL;
	*n = 0;
	if ((r = graph_check(g)) < 0)
		return r;
	np = count_people(g);
	if (max == 0 || np == 0)
		return 0;
	mark = calloc(nn, sizeof(*mark));
	bc = calloc(nn, sizeof(*bc));
	if (mark == NULL || bc == NULL) {
		r = -ENOMEM;
		goto out;
	}
	if ((r = csr_simple(g, &c, mark)) < 0 || (r = betweenness(&c, nn, bc)) < 0 ||
	    (r = hubs_list(g, bc, &h, &np)) < 0)
		goto out;
	np = hubs_rank(g, &c, mark, h, np, max);
	if (np == 0) {
		free(h); /* no hubs: *out stays NULL, as documented */
		h = NULL;
	} else if ((shrunk = reallocarray(h, np, sizeof(*h))) != NULL) {
		h = shrunk; /* else keep the larger block: it holds the same answer */
	}
	*out = h;
	*n = np;
	h = NULL;
out:
	free(h);
	free(bc);
	free(mark);
	csr_free(&c);
	return r;
}

/* TODO(issue 14, helper A): stubs of the new API, replaced by the real measures. */
int
graph_hubs_with(const struct graph *g, const struct graph_hubs_opts *o, size_t max,
                struct graph_hub **out, size_t *n, bool *exact)
{
	(void)o;
	if (exact != NULL)
		*exact = false;
	return graph_hubs(g, max, out, n);
}

int
graph_betweenness(const struct graph *g, const struct graph_hubs_opts *o, double **score,
                  bool *exact)
{
	(void)g;
	(void)o;
	(void)score;
	(void)exact;
	return -ENOSYS;
}

int
graph_reach(const struct graph *g, size_t **reach)
{
	(void)g;
	(void)reach;
	return -ENOSYS;
}

int
graph_brokerage(const struct graph *g, uint32_t person, double *effective_size,
                double *constraint)
{
	(void)g;
	(void)person;
	*effective_size = NAN;
	*constraint = NAN;
	return -ENOSYS;
}
