/*
 * suggest: "did you mean" for a mistyped name (a command, a subcommand, a field). Pure: no
 * allocation, no I/O. The names are ours and short; what the user typed is anything, so
 * the work is bounded by SUGGEST_NAME_MAX whatever its length.
 */
#ifndef WALLFLOWER_SUGGEST_H
#define WALLFLOWER_SUGGEST_H

#include <stddef.h>

#define SUGGEST_NAME_MAX 32 /* longer names (typed or known) are never compared */
#define SUGGEST_FAR      ((size_t)-1)

/*
 * The Damerau-Levenshtein distance between a and b, in its optimal string alignment form:
 * insertions, deletions, substitutions and swaps of two neighbouring bytes count one each.
 * Bytes, ASCII letters compared without case. SUGGEST_FAR when either string is longer
 * than SUGGEST_NAME_MAX bytes.
 */
size_t suggest_distance(const char *a, const char *b);

/*
 * The names among names[0..n) that typed most likely meant: those at the smallest
 * distance, when it is at most 2 and less than typed's length (so that "x" suggests
 * nothing); failing that, those that typed (3 bytes or more) starts. Their indexes go to
 * out[0..max), in the order of names; the result is how many there are (at most max), 0
 * for none. An exact match is distance 0: the caller looks for those first.
 */
size_t suggest_pick(const char *typed, const char *const *names, size_t n, size_t *out, size_t max);

#endif
