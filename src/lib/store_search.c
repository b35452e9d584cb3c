/*
 * store_search.c: finding people by what a person types (docs/matching.md). Every person
 * has search words (canon_each_word) from their current card's name, organisation, email
 * addresses, topics, offers and seeks, kept in person_word; a query's words must each be
 * a prefix of one of them. Notes, titles and the rest of a card are not searched: a name
 * typed as a CONTACT argument must not resolve through something the user wrote about
 * someone else, or that the card's sender chose to hide in a rarely shown field.
 *
 * Prefixes are index ranges (word >= w AND word < w || U+10FFFF), never LIKE or GLOB:
 * nothing the user types is a pattern. The words are bound as a JSON array, not formatted
 * into SQL.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"
#include "wallflower/canon.h"

/* The card fields whose words are searched. */
static const enum card_field searched_text[] = { CARD_NAME, CARD_ORG };
static const enum card_field searched_lists[] = { CARD_EMAIL, CARD_TOPICS, CARD_OFFERS,
	                                          CARD_SEEKS };

struct word_insert {
	sqlite3_stmt *s;
	int64_t person;
};

static int
insert_word(const char *word, size_t len, void *arg)
{
	struct word_insert *w = arg;
	int r;

	if ((r = store_sql_err(sqlite3_bind_text(w->s, 1, word, (int)len, SQLITE_TRANSIENT))) < 0 ||
	    (r = store_sql_bind_int(w->s, 2, w->person)) < 0 || (r = store_sql_step_done(w->s)) < 0)
		return r;
	return store_sql_err(sqlite3_reset(w->s));
}

static int
insert_words(struct word_insert *w, const char *text)
{
	if (text == NULL)
		return 0;
	return canon_each_word(text, strlen(text), insert_word, w);
}

int
store_words_update(struct store *st, int64_t person_id, const struct card_fields *f)
{
	struct word_insert w = { .person = person_id };
	int r;

	if ((r = store_sql_prep(st, "DELETE FROM person_word WHERE person_id = ?1", &w.s)) == 0 &&
	    (r = store_sql_bind_int(w.s, 1, person_id)) == 0)
		r = store_sql_step_done(w.s);
	store_sql_release(st, w.s);
	if (r < 0)
		return r;
	if ((r = store_sql_prep(st,
	                        "INSERT INTO person_word (word, person_id) VALUES (?1, ?2) "
	                        "ON CONFLICT DO NOTHING",
	                        &w.s)) < 0)
		return r;
	for (size_t i = 0; i < sizeof(searched_text) / sizeof(searched_text[0]) && r == 0; i++)
		r = insert_words(&w, f->text[searched_text[i]]);
	for (size_t i = 0; i < sizeof(searched_lists) / sizeof(searched_lists[0]) && r == 0; i++) {
		const struct card_list *l = card_fields_list_const(f, searched_lists[i]);

		for (size_t j = 0; j < l->n && r == 0; j++)
			r = insert_words(&w, l->items[j]);
	}
	store_sql_release(st, w.s);
	/* The card rules let only valid text in: invalid text here is a broken store. */
	return r == -EINVAL ? -EIO : r;
}

int
store_words_migrate(struct store *st)
{
	static const char sql[] = "SELECT p.id, c.envelope FROM person AS p "
	                          "JOIN card AS c ON c.person_id = p.id AND c.rev = p.rev";
	sqlite3_stmt *s = NULL;
	struct card_error err;
	struct card *card;
	int r, rc;

	if ((r = store_sql_prep(st, sql, &s)) < 0)
		return r;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		r = card_decode_stored(sqlite3_column_blob(s, 1),
		                       (size_t)sqlite3_column_bytes(s, 1), &card, &err);
		/* A card this build cannot read leaves its person without words (not found by
		 * search, still listed): failing here would lock the user out of the store. */
		if (r == -ENOMEM)
			break;
		if (r < 0) {
			r = 0;
			continue;
		}
		r = store_words_update(st, sqlite3_column_int64(s, 0), &card->f);
		card_free(card);
		if (r < 0)
			break;
	}
	if (r == 0 && rc != SQLITE_DONE)
		r = store_sql_err(rc);
	store_sql_release(st, s);
	return r;
}

/* A growing string. */
struct buf {
	char *s;
	size_t len, cap;
	int err;
};

static void
buf_put(struct buf *b, const char *s, size_t n)
{
	char *p;
	size_t cap;

	if (b->err != 0)
		return;
	if (b->len + n + 1 > b->cap) {
		cap = b->cap ? b->cap : 64;
		while (b->len + n + 1 > cap)
			cap *= 2;
		if ((p = realloc(b->s, cap)) == NULL) {
			b->err = -ENOMEM;
			return;
		}
		b->s = p;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

/* Appends word as a JSON string. A word holds letters, digits and marks only, never a
 * quote, backslash or control character; one that did would be refused, not escaped. */
static int
json_word(const char *word, size_t len, void *arg)
{
	struct buf *b = arg;

	for (size_t i = 0; i < len; i++)
		if (word[i] == '"' || word[i] == '\\' || (unsigned char)word[i] < 0x20)
			return -EINVAL;
	buf_put(b, b->len > 1 ? ",\"" : "\"", b->len > 1 ? 2 : 1);
	buf_put(b, word, len);
	buf_put(b, "\"", 1);
	return b->err;
}

int
store_search_words(const char *query, char **json)
{
	struct buf b = { 0 };
	int r;

	*json = NULL;
	buf_put(&b, "[", 1);
	r = canon_each_word(query, strlen(query), json_word, &b);
	buf_put(&b, "]", 1);
	if (r == 0)
		r = b.err;
	if (r == -EINVAL) {
		/* Not text: no words, so it matches nobody. */
		free(b.s);
		return (*json = strdup("[]")) == NULL ? -ENOMEM : 0;
	}
	if (r < 0) {
		free(b.s);
		return r;
	}
	*json = b.s;
	return 0;
}

/* The characters of a fingerprint, without '-', lower case, into out (at most max). */
static size_t
fpr_chars(const char *s, char *out, size_t max)
{
	size_t n = 0;

	for (; *s != '\0' && n < max; s++)
		if (*s != '-')
			out[n++] = *s >= 'A' && *s <= 'Z' ? (char)(*s - 'A' + 'a') : *s;
	return n;
}

/* Whether prefix (its fingerprint characters p, n of them) starts c's fingerprint. */
static bool
fpr_starts(const struct contact *c, const char *p, size_t n)
{
	char f[IDENTITY_FPR_LEN];
	size_t fn = fpr_chars(c->fpr, f, sizeof(f));

	return n > 0 && n <= fn && memcmp(f, p, n) == 0;
}

/* Keeps only (*out)[keep]. */
static void
keep_one(struct contact **out, size_t *n, size_t keep)
{
	for (size_t i = 0; i < *n; i++)
		if (i != keep)
			contact_clear(&(*out)[i]);
	if (keep != 0)
		(*out)[0] = (*out)[keep];
	*n = 1;
}

struct word {
	const char *s;
	size_t len;
};

/* canon_each_word callback: stops with 1 at the word equal to *arg. */
static int
same_word(const char *word, size_t len, void *arg)
{
	const struct word *w = arg;

	return len == w->len && memcmp(word, w->s, len) == 0;
}

/* Whether c has the whole word w among its search words. */
static bool
has_word(const struct contact *c, const struct word *w)
{
	const char *t;

	for (size_t i = 0; i < sizeof(searched_text) / sizeof(searched_text[0]); i++)
		if ((t = c->f.text[searched_text[i]]) != NULL &&
		    canon_each_word(t, strlen(t), same_word, (void *)w) == 1)
			return true;
	for (size_t i = 0; i < sizeof(searched_lists) / sizeof(searched_lists[0]); i++) {
		const struct card_list *l = card_fields_list_const(&c->f, searched_lists[i]);

		for (size_t j = 0; j < l->n; j++)
			if (canon_each_word(l->items[j], strlen(l->items[j]), same_word,
			                    (void *)w) == 1)
				return true;
	}
	return false;
}

/* canon_each_word callback: stops with 1 at a word the contact arg lacks as a whole word. */
static int
missing_word(const char *word, size_t len, void *arg)
{
	struct word w = { word, len };

	return has_word(arg, &w) ? 0 : 1;
}

/* Whether c has every word of prefix as a whole word. */
static bool
has_all_words(const struct contact *c, const char *prefix)
{
	return canon_each_word(prefix, strlen(prefix), missing_word, (void *)c) == 0;
}

/* Whether c's whole name is prefix, in the search form (q). */
static bool
is_name(const struct contact *c, const char *q)
{
	const char *nm = c->f.text[CARD_NAME];
	char *name = nm != NULL ? canon_search(nm, strlen(nm)) : NULL;
	bool eq = name != NULL && strcmp(name, q) == 0;

	free(name);
	return eq;
}

/* The one candidate for which pick holds, or *n when none or several do. */
static size_t
only(const struct contact *c, size_t n, bool (*pick)(const struct contact *, const char *),
     const char *arg)
{
	size_t hit = n;

	for (size_t i = 0; i < n; i++)
		if (pick(&c[i], arg)) {
			if (hit != n)
				return n;
			hit = i;
		}
	return hit;
}

bool
store_contact_named(const struct contact *c, const char *what)
{
	char p[IDENTITY_FPR_LEN + 1], f[IDENTITY_FPR_LEN];
	size_t pn = fpr_chars(what, p, sizeof(p));
	char *q;
	bool yes;

	if (pn == fpr_chars(c->fpr, f, sizeof(f)) && memcmp(f, p, pn) == 0)
		return true;
	if ((q = canon_search(what, strlen(what))) == NULL)
		return false;
	yes = *q != '\0' && is_name(c, q);
	free(q);
	return yes;
}

void
store_find_narrow(const char *prefix, struct contact **out, size_t *n)
{
	char p[IDENTITY_FPR_LEN + 1], f[IDENTITY_FPR_LEN];
	size_t pn = fpr_chars(prefix, p, sizeof(p)), hit, by_fpr = 0;
	char *q;

	if (*n < 2)
		return;
	/* A whole fingerprint names one person, whatever the names of the others say. */
	for (size_t i = 0; i < *n; i++)
		if (fpr_chars((*out)[i].fpr, f, sizeof(f)) == pn && memcmp(f, p, pn) == 0) {
			keep_one(out, n, i);
			return;
		}
	/*
	 * When what was typed also starts a fingerprint, a card's name could impersonate
	 * that fingerprint prefix: the list of candidates is the safe answer.
	 */
	for (size_t i = 0; i < *n; i++)
		by_fpr += fpr_starts(&(*out)[i], p, pn);
	if (by_fpr > 0)
		return;
	/*
	 * Otherwise a whole name names its person ("Ann" is Ann, not Anna too; "maria" is
	 * María); then whole words do ("ada" is Ada Lovelace, not Adam Smith).
	 */
	if ((q = canon_search(prefix, strlen(prefix))) == NULL)
		return;
	if ((hit = only(*out, *n, is_name, q)) == *n)
		hit = only(*out, *n, has_all_words, prefix);
	free(q);
	if (hit < *n)
		keep_one(out, n, hit);
}
