/*
 * store_vocab.c: topics, events and organisations as the nodes people mean: each is known by
 * its canonical form (canon.h), shown by the first form seen. (Being written: issue 13.)
 */
#include "store_int.h"

int
store_migrate_6(struct store *st)
{
	int r;

	if ((r = store_vocab_migrate(st)) < 0)
		return r;
	return store_words_migrate(st);
}

int
store_vocab_migrate(struct store *st)
{
	(void)st;
	return 0;
}
