/*
 * canon: the forms in which wallflower compares what people type, so that matching means
 * what people mean. Pure (allocation, no I/O); Unicode comes from GNU libunistring.
 *
 * - The canonical form names a topic, offer, seek, event or organisation: "Wikis",
 *   " wikis ", "WIKIS" and "ｗｉｋｉｓ" (fullwidth) are one topic. The store keeps the first
 *   form it saw for display and compares canonical forms (docs/matching.md).
 * - The search form is the canonical form with accents taken away as well, for finding
 *   people: "maria" finds "María", "zoe" finds "ZOË". Words of it are what a search query's
 *   words are prefixes of.
 */
#ifndef WALLFLOWER_CANON_H
#define WALLFLOWER_CANON_H

#include <stddef.h>

#define CANON_WUR __attribute__((warn_unused_result))

/*
 * The canonical form of n bytes of UTF-8 at s: compatibility decomposition, Unicode
 * default case folding, canonical composition (NFKC after folding), then white space
 * (Unicode White_Space) trimmed at both ends and each inner run made one U+0020. A new
 * NUL-terminated string (the caller frees), possibly "" for blank input; NULL with errno
 * EINVAL for ill-formed UTF-8 or a NUL byte, ENOMEM.
 */
char *canon_form(const char *s, size_t n) CANON_WUR;

/*
 * The search form: as canon_form, but after compatibility decomposition every accent is
 * dropped before folding: a nonspacing mark (general category Mn) with a nonzero
 * combining class other than kana voicing and virama (acute, diaeresis, cedilla, Hebrew
 * points, Arabic vowel marks). Marks of class 0 (the vowel signs of Thai and Devanagari)
 * are parts of letters and stay. Same contract as canon_form.
 */
char *canon_search(const char *s, size_t n) CANON_WUR;

/*
 * Calls each(word, len, arg) for every word of the search form of s, in order: a word is
 * a maximal run of letters, digits and (spacing) marks; everything else separates words
 * ("grace@navy.mil" has three). word is not NUL-terminated and lives only during the
 * call. Stops at the first non-zero value of each and returns it; otherwise 0; -EINVAL
 * for ill-formed UTF-8 or a NUL byte; -ENOMEM.
 */
int canon_each_word(const char *s, size_t n, int (*each)(const char *word, size_t len, void *arg),
                    void *arg) CANON_WUR;

/* Whether a and b (n and m bytes) have the same canonical form. Out of memory or invalid
 * UTF-8 compares bytes. */
int canon_equal(const char *a, size_t n, const char *b, size_t m);

#endif
