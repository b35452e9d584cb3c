/*
 * recog: what recognising contacts in a room costs (issue 12: resolving 1,000 adverts
 * against 10,000 contacts costs at most 100 ms of CPU per rotation).
 *
 *   recog [CONTACTS [ADVERTS [KNOWN [ROUNDS]]]]   (default 10000 1000 100 9)
 *
 * It builds a recogniser of CONTACTS random keys (the first full build: every contact's L
 * for three epochs and eight slots), then, ROUNDS times, one rotation: the epoch moves on
 * (recog_refresh computes the one new epoch and drops the old one) and a room of ADVERTS
 * tags is resolved, KNOWN of them contacts' tags of the new epoch, the rest random, each
 * from its text as a TXT record carries it (recog_tag_parse, recog_lookup). Times are CPU
 * time of this process (CLOCK_PROCESS_CPUTIME_ID); a rotation's figure is the median over
 * the rounds; the process's peak RSS is reported too. One line of key=value pairs, starting
 * with "recog ". A tool, not the
 * product: it trusts its arguments and dies on what it cannot do.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "wallflower/crypt.h"
#include "wallflower/recog.h"

#define BOUND_MS   100.0
#define ROUNDS_MAX 99

static void
die(const char *what)
{
	fprintf(stderr, "recog: %s\n", what);
	exit(1);
}

static double
cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static long
arg(int argc, char **argv, int i, long def, long max)
{
	char *end;
	long v;

	if (argc <= i)
		return def;
	v = strtol(argv[i], &end, 10);
	if (*end != '\0' || v < 1 || v > max)
		die("usage: recog [CONTACTS [ADVERTS [KNOWN [ROUNDS]]]]");
	return v;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The room of one epoch: known contacts' tags (contacts spread over the list), the rest
 * random, as text. */
static void
room(char (*text)[RECOG_TAG_TEXT + 1], long adverts, long known, uint8_t (*rk)[RECOG_KEY],
     long contacts, uint64_t epoch)
{
	uint8_t tag[RECOG_TAG], pk[32];

	crypt_random(pk, sizeof(pk));
	for (long i = 0; i < adverts; i++) {
		if (i < known)
			recog_tag(rk[i * (contacts / known)], epoch,
			          recog_slot_next(RECOG_SLOT_NONE), pk, tag);
		else
			crypt_random(tag, sizeof(tag));
		recog_tag_text(tag, text[i]);
	}
}

/* Resolves the room; returns how many adverts were named as a contact. */
static long
resolve(const struct recog *r, char (*text)[RECOG_TAG_TEXT + 1], long adverts)
{
	struct recog_match m;
	uint8_t tag[RECOG_TAG];
	long found = 0;

	for (long i = 0; i < adverts; i++) {
		if (recog_tag_parse(text[i], tag) < 0)
			die("a tag that does not parse");
		found += recog_lookup(r, tag, &m) == 0;
	}
	return found;
}

int
main(int argc, char **argv)
{
	long contacts = arg(argc, argv, 1, 10000, RECOG_CONTACTS_MAX);
	long adverts = arg(argc, argv, 2, 1000, 1000000);
	long known = arg(argc, argv, 3, 100, adverts < contacts ? adverts : contacts);
	long rounds = arg(argc, argv, 4, 9, ROUNDS_MAX);
	int64_t now = (int64_t)time(NULL);
	double t0, build, rot[ROUNDS_MAX], ref[ROUNDS_MAX], res[ROUNDS_MAX];
	char(*text)[RECOG_TAG_TEXT + 1];
	uint8_t(*rk)[RECOG_KEY];
	struct rusage ru;
	struct recog *r;
	long found = 0;

	if (crypt_init() < 0)
		die("crypt_init");
	if ((rk = malloc((size_t)contacts * RECOG_KEY)) == NULL ||
	    (text = malloc((size_t)adverts * sizeof(*text))) == NULL)
		die("out of memory");
	crypt_random(rk, (size_t)contacts * RECOG_KEY);
	t0 = cpu_ms();
	if (recog_new(&r) < 0)
		die("recog_new");
	for (long i = 0; i < contacts; i++)
		if (recog_add(r, i + 1, rk[i]) < 0)
			die("recog_add");
	recog_refresh(r, now);
	build = cpu_ms() - t0;
	for (long k = 0; k < rounds; k++) {
		int64_t next = now + (k + 1) * RECOG_EPOCH_SECONDS;

		room(text, adverts, known, rk, contacts, recog_epoch(next));
		t0 = cpu_ms();
		recog_refresh(r, next);
		ref[k] = cpu_ms() - t0;
		found = resolve(r, text, adverts);
		res[k] = cpu_ms() - t0 - ref[k];
		rot[k] = ref[k] + res[k];
		if (found != known)
			die("a known contact was not found, or a stranger was");
	}
	qsort(rot, (size_t)rounds, sizeof(double), cmp_double);
	qsort(ref, (size_t)rounds, sizeof(double), cmp_double);
	qsort(res, (size_t)rounds, sizeof(double), cmp_double);
	printf("recog contacts=%ld adverts=%ld known=%ld found=%ld rounds=%ld build_ms=%.2f "
	       "rotation_ms=%.2f refresh_ms=%.2f resolve_ms=%.3f bound_ms=%.0f ratio=%.3f "
	       "hash_us=%.3f maxrss_kib=%ld\n",
	       contacts, adverts, known, found, rounds, build, rot[rounds / 2], ref[rounds / 2],
	       res[rounds / 2], BOUND_MS, rot[rounds / 2] / BOUND_MS,
	       ref[rounds / 2] * 1e3 / ((double)contacts * RECOG_SLOTS),
	       getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : -1L);
	recog_free(r);
	free(text);
	crypt_wipe(rk, (size_t)contacts * RECOG_KEY);
	free(rk);
	return 0;
}
