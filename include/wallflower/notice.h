/*
 * notice: which desktop notification a daemon event deserves (docs/ui.md, "wallflower-notify").
 * Pure: data in (one event of proto/control.md section 11, the daemon's status, what the
 * notification server can do), decision out (nothing, or a summary, a body and whether to
 * offer the actions "Accept" and "Later"). No D-Bus, no sockets: wallflower-notify only moves
 * the result to the session bus.
 *
 * Every value in an event is someone else's words. They come from our own daemon, which
 * already refused control and format characters in cards, but they are cleaned here again:
 * ill-formed UTF-8, control characters and format characters (bidi overrides, invisible
 * characters) each become U+FFFD. The summary is plain text (the Desktop Notifications
 * spec), never escaped; the body is plain text too unless the server lists the capability
 * "body-markup", and then "&", "<", ">" in values are escaped as entities, so that a name
 * or a note cannot carry markup. Each value and the whole texts are bounded; a cut ends at
 * a character boundary with "…".
 */
#ifndef WALLFLOWER_NOTICE_H
#define WALLFLOWER_NOTICE_H

#include <stdbool.h>
#include <stdint.h>

#include "wallflower/ctl.h" /* json_t: events are control messages */

#define NOTICE_SUMMARY_MAX 768  /* bytes of the summary, NUL included: two names and words */
#define NOTICE_BODY_MAX    2048 /* bytes of the body, NUL included, as shown (escaped) */
#define NOTICE_NAME_MAX    64   /* bytes of a name shown, before escaping */
#define NOTICE_NOTE_MAX    140  /* bytes of a note shown, before escaping */
#define NOTICE_GROUND_MAX  400  /* bytes of the line of common ground, NUL included, as shown */
#define NOTICE_FPR_SHOWN   9    /* characters of the fingerprint shown (two groups) */

enum notice_kind {
	NOTICE_NONE,      /* no notification for this event */
	NOTICE_OFFER,     /* offer-received, kind "offer" */
	NOTICE_INTRO,     /* offer-received, kind "intro" */
	NOTICE_CARD_BACK, /* card-received */
};

/* What the notification server can do: from its GetCapabilities. */
struct notice_caps {
	bool actions;     /* "actions": it shows buttons */
	bool body_markup; /* "body-markup": it reads the body as markup */
};

struct notice {
	enum notice_kind kind;
	uint64_t offer_id; /* the inbox id to accept; 0 for NOTICE_CARD_BACK and NOTICE_NONE */
	bool actions;      /* offer "accept"/"Accept" and "later"/"Later" */
	char summary[NOTICE_SUMMARY_MAX];
	char body[NOTICE_BODY_MAX];
};

/*
 * Decides the notification for one event (the whole decoded message, with its "event"
 * member). quiet: the daemon's status is "quiet" (only cards that come back are shown).
 * caps: what the server can do (actions are offered only with caps->actions; the body is
 * escaped only with caps->body_markup, the summary never).
 *
 * 0 with *out filled (out->kind NOTICE_NONE when nothing is to be shown: another event, an
 * ask, an offer while quiet); -EINVAL when an event that would be shown lacks a member it
 * needs or has one of the wrong type (out->kind is then NOTICE_NONE). *out is cleared on
 * entry; it owns no memory.
 */
int notice_decide(const json_t *event, bool quiet, const struct notice_caps *caps,
                  struct notice *out) __attribute__((warn_unused_result));

#endif
