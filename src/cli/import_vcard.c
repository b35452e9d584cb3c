/*
 * import_vcard.c: `import` of vCards from people without wallflower. Each vCard becomes an
 * unverified contact (store_vcard_put): no key, no signature, its bytes kept as they came.
 * The file is parsed whole first (vcard_parse_all, the one reader of this input); only when
 * every vCard in it is good is anything stored, in one transaction with the meetings and
 * introductions, so that a bad file leaves no trace.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import.h"
#include "wallflower/file.h"
#include "wallflower/vcard.h"

/* What was done with one vCard, for its line. */
struct done {
	enum store_card_result res;
	bool met_new, via_kept;
};

/* One vCard, its meeting and its introduction, inside the file's transaction. */
static int
store_one(const struct import_ctx *x, const struct vcard *v, struct done *d)
{
	int64_t id = 0;
	int r;

	d->met_new = false;
	d->via_kept = true;
	if ((r = store_vcard_put(x->st, v, x->now, &d->res, &id)) == 0 && x->event != NULL) {
		r = store_met(x->st, id, x->event, x->now);
		d->met_new = r == 0;
		if (r == -EALREADY)
			r = 0;
	}
	if (r == 0 && x->via != NULL &&
	    (r = store_introduced(x->st, id, x->via->id, x->now)) == -EEXIST) {
		d->via_kept = false; /* an earlier introducer stays the one recorded */
		r = 0;
	}
	return r == -EALREADY ? 0 : r;
}

static void
print_one(const struct import_ctx *x, const char *path, const struct vcard *v, const struct done *d)
{
	static const char *const verbs[] = {
		[STORE_CARD_NEW] = "Added",
		[STORE_CARD_UPDATED] = "Updated (a vCard with the same UID)",
		[STORE_CARD_OLDER] = "Already have this vCard of",
	};

	printf("%s%s%s %s (unverified: from a vCard, no signature)",
	       x->several ? cli_printable(path) : "", x->several ? ": " : "", verbs[d->res],
	       v->f.text[CARD_NAME]);
	if (x->event != NULL)
		printf(d->met_new ? "; recorded meeting at %s"
		                  : "; meeting at %s already recorded today",
		       x->event);
	if (x->via != NULL && d->via_kept)
		printf("; introduced by %s", x->via->f.text[CARD_NAME]);
	else if (x->via != NULL)
		printf("; an earlier introducer stays recorded (see 'wallflower show')");
	printf(".\n");
}

/* --via names someone the file holds: nobody introduces themself. */
static bool
via_inside(const struct import_ctx *x, const struct vcard *v, size_t n)
{
	uint8_t key[CRYPT_SIGN_PK];

	for (size_t i = 0; i < n && x->via != NULL; i++) {
		vcard_key(&v[i], key);
		if (memcmp(key, x->via->key, CRYPT_SIGN_PK) == 0)
			return true;
	}
	return false;
}

int
import_vcards(const struct import_ctx *x, const char *path, const uint8_t *buf, size_t len)
{
	struct vcard_error err;
	struct vcard *v = NULL;
	struct done *d = NULL;
	char why[256];
	size_t n = 0;
	int r = -1, e;

	if ((e = vcard_parse_all(buf, len, &v, &n, &err)) == -ENOMEM) {
		cli_error("out of memory");
		return -1;
	}
	if (e < 0) {
		cli_error("%s: invalid vCard: %s (nothing was imported)", cli_printable(path),
		          vcard_error_describe(&err, why, sizeof(why)));
		return -1;
	}
	if (via_inside(x, v, n)) {
		cli_error("%s: nobody introduces themself: --via names a contact this file holds",
		          cli_printable(path));
		goto out;
	}
	if ((d = calloc(n, sizeof(*d))) == NULL) {
		cli_error("out of memory");
		goto out;
	}
	if ((e = store_begin(x->st)) == 0) {
		for (size_t i = 0; i < n && e == 0; i++)
			e = store_one(x, &v[i], &d[i]);
		e = store_end(x->st, e);
	}
	if (e < 0) {
		cli_error("%s: cannot store the vCards: %s (nothing was changed)",
		          cli_printable(path), strerror(-e));
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		print_one(x, path, &v[i], &d[i]);
	r = 0;
out:
	free(d);
	vcard_free_all(v, n);
	return r;
}
