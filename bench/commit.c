/*
 * commit: what durable commits cost on a file system, for the exchange benchmark's
 * estimate of group commit (bench/exchange.sh). It makes a store in STATE_DIR with the
 * store's own code (store_open: WAL, synchronous=FULL), then takes N first offers through
 * the daemon's own intake (intake_take: the ledger, its counts, the inbox), GROUP offers to
 * a transaction (store_begin and store_end, each intake a savepoint inside):
 *
 *   commit STATE_DIR N GROUP
 *
 * One line of key=value pairs: commits and offers per second. GROUP 1 is what the daemon
 * does today; GROUP k is what grouping the commits of k offers finished in one loop turn
 * would do to the store. It measures the store only, not a daemon that groups commits:
 * there is none. The cards are signed before the clock starts. A tool, not the product:
 * it trusts its arguments and dies on what it cannot do.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wallflower/card.h"
#include "wallflower/crypt.h"
#include "wallflower/file.h"
#include "wallflower/intake.h"
#include "wallflower/peermsg.h"
#include "wallflower/store.h"

#define OFFER_TTL (24 * 3600)

static void
die(const char *what)
{
	fprintf(stderr, "commit: %s\n", what);
	exit(1);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A card of a fresh identity, about the size of bench/exchange's. */
static struct card *
fresh_card(void)
{
	static char note[] = "Met you at the benchmark; this card carries some text so that "
	                     "it weighs what a typical card weighs on the wire and on disk.";
	uint8_t seed[32], pk[CRYPT_SIGN_PK], sk[CRYPT_SIGN_SK], *env;
	struct card_meta meta = { .rev = 1, .issued = (uint64_t)time(NULL) };
	struct card_fields f;
	struct card_error err;
	struct card *c = NULL;
	size_t len;

	crypt_random(seed, sizeof(seed));
	crypt_sign_keypair(pk, sk, seed);
	card_fields_init(&f);
	f.text[CARD_NAME] = (char *)"Benchmark Attendee";
	f.text[CARD_NOTE] = note;
	if (card_issue(&f, &meta, sk, &env, &len, &err) < 0 || card_decode(env, len, &c, &err) < 0)
		die("card");
	free(env);
	return c;
}

/* Offer i of card, from one of 8 addresses, as the daemon takes it. */
static void
offer_take(struct store *st, const struct intake_limits *l, struct card *c, long i, uint64_t t)
{
	struct peermsg m = { .type = PEERMSG_OFFER,
		             .card = c->envelope,
		             .card_len = c->envelope_len,
		             .reply = true,
		             .port = 7400 };
	char addr[32];
	/* The presence keys the offer's session had: the inbox keeps them for the card back
	 * (any 32 bytes do here; the daemon's are X25519 keys). */
	static const uint8_t peer_static[32] = { 1 }, presence_sk[32] = { 2 };
	struct intake_request rq = { .msg = &m,
		                     .card = c,
		                     .peer_static = peer_static,
		                     .presence_sk = presence_sk,
		                     .addr = addr,
		                     .now = t,
		                     .offer_ttl = OFFER_TTL };
	struct intake_result res;

	snprintf(addr, sizeof(addr), "127.0.1.%ld", i % 8 + 1);
	if (intake_take(st, l, &rq, &res) < 0 || res.outcome != INTAKE_KEPT)
		die("intake_take");
}

int
main(int argc, char **argv)
{
	long n, group;
	struct intake_limits l;
	struct store *st;
	struct card **cards;
	char *path;
	uint64_t t = (uint64_t)time(NULL);
	size_t commits = 0;
	double t0, secs;

	if (argc != 4 || (n = atol(argv[2])) <= 0 || (group = atol(argv[3])) <= 0 || group > n) {
		fprintf(stderr, "usage: commit STATE_DIR N GROUP\n");
		return 2;
	}
	if (crypt_init() < 0 || file_mkdir_private(argv[1]) < 0 ||
	    (path = file_join(argv[1], STORE_FILE)) == NULL || store_open(path, &st, NULL) < 0)
		die("setup");
	if ((cards = calloc((size_t)n, sizeof(*cards))) == NULL)
		die("out of memory");
	for (long i = 0; i < n; i++)
		cards[i] = fresh_card();
	/* Lifted as bench/exchange.sh lifts them: every offer is kept. */
	intake_limits_default(&l);
	l.per_addr = l.keys_per_addr = l.waiting = l.ledger = 0;
	t0 = now();
	for (long i = 0; i < n; i += group, commits++) {
		if (store_begin(st) < 0)
			die("store_begin");
		for (long k = i; k < i + group && k < n; k++)
			offer_take(st, &l, cards[k], k, t);
		if (store_end(st, 0) < 0)
			die("store_end");
	}
	secs = now() - t0;
	printf("mode=commit n=%ld group=%ld commits_per_s=%.1f offers_per_s=%.1f "
	       "ms_per_commit=%.3f\n",
	       n, group, (double)commits / secs, (double)n / secs, 1000 * secs / (double)commits);
	for (long i = 0; i < n; i++)
		card_free(cards[i]);
	free(cards);
	store_close(st);
	free(path);
	return 0;
}
