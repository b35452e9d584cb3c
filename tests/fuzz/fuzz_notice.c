/*
 * libFuzzer harness: arbitrary bytes as one event from the daemon (ctl_decode, as
 * wallflower-notify reads the watch stream), then notice_decide with every combination of
 * quiet, actions and body-markup. Invariants: no crash or leak; the verdict is 0 or -EINVAL,
 * and -EINVAL leaves nothing to show; the summary and the body are NUL-terminated within
 * their bounds, valid UTF-8 without control or format characters (the body's line feeds
 * aside); with body-markup, the body holds no '<' or '>' and no '&' that does not start one
 * of our entities (the summary is plain text and never escaped); quiet shows only cards that
 * come back; actions only on offers and intros, and only when the server has them.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wallflower/ctl.h"
#include "wallflower/notice.h"
#include "wallflower/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond))                                                                       \
			abort();                                                                   \
	} while (0)

/* Clean and bounded, and with markup escaped. */
static void
check_text(const char *s, size_t cap, unsigned flags, bool markup)
{
	size_t n = strnlen(s, cap);
	enum text_verdict v;

	CHECK(n < cap);
	v = text_check(s, n, flags);
	CHECK(v == TEXT_OK || v == TEXT_BLANK || n == 0);
	if (!markup)
		return;
	CHECK(strchr(s, '<') == NULL && strchr(s, '>') == NULL);
	for (const char *a = strchr(s, '&'); a != NULL; a = strchr(a + 1, '&'))
		CHECK(strncmp(a, "&amp;", 5) == 0 || strncmp(a, "&lt;", 4) == 0 ||
		      strncmp(a, "&gt;", 4) == 0);
}

static void
decide(const json_t *ev, bool quiet, const struct notice_caps *caps)
{
	struct notice n;
	int r = notice_decide(ev, quiet, caps, &n);

	CHECK(r == 0 || r == -EINVAL);
	if (r < 0 || n.kind == NOTICE_NONE) {
		CHECK(n.kind == NOTICE_NONE && n.summary[0] == '\0' && n.body[0] == '\0');
		CHECK(!n.actions && n.offer_id == 0);
		return;
	}
	CHECK(!quiet || n.kind == NOTICE_CARD_BACK);
	CHECK(!n.actions || (caps->actions && n.kind != NOTICE_CARD_BACK));
	CHECK((n.offer_id != 0) == (n.kind != NOTICE_CARD_BACK));
	check_text(n.summary, sizeof(n.summary), 0, false);
	check_text(n.body, sizeof(n.body), TEXT_ALLOW_LF, caps->body_markup);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *why;
	json_t *v;

	if (ctl_decode(data, size, CTL_REPLY_MAX, &v, &why) < 0)
		return 0;
	for (int k = 0; k < 8; k++) {
		struct notice_caps caps = { .actions = k & 2, .body_markup = k & 4 };
		decide(v, k & 1, &caps);
	}
	json_decref(v);
	return 0;
}
