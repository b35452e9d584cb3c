/*
 * store_search.c: finding people by what a person types: every word of a query is a
 * prefix of one of the search words (canon.h) of the person's name, organisation, email
 * or topics. (Being written: issue 13.)
 */
#include "store_int.h"

int
store_words_migrate(struct store *st)
{
	(void)st;
	return 0;
}
