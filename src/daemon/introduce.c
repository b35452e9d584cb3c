/*
 * introduce.c: the daemon's side of introductions (proto/introduction.md). The CLI makes
 * and signs asks and intros; here they go to the contact they are for when that contact is
 * recognised nearby (`intro-send`), objects read from text are taken (`intro-take`), an
 * accepted intro whose asker wanted replies gets its reply, and what intake made of an
 * object is announced. Whether an object is valid is intro_check's decision and what it
 * becomes is intake's (src/lib): nothing here judges untrusted bytes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wallflower/ctl.h"
#include "wallflower/intake.h"
#include "wallflower/intro.h"

#include "log.h"
#include "wfd.h"

static json_t *
bad(const char *what)
{
	return ctl_error(CTL_E_ARGUMENT, what);
}

/* An object in hex, into *out (owned by the caller). 0, or -EINVAL. */
static int
obj_arg(const json_t *req, uint8_t **out, size_t *len)
{
	const char *hex = NULL;
	size_t n;

	*out = NULL;
	if (ctl_get_str(req, "obj", 2 * INTRO_MAX, &hex) < 0 || (n = strlen(hex)) == 0 ||
	    n % 2 != 0 || (*out = malloc(n / 2)) == NULL || crypt_unhex(*out, n / 2, hex, n) < 0) {
		free(*out);
		*out = NULL;
		return -EINVAL;
	}
	*len = n / 2;
	return 0;
}

/* The refusal of an object that is not valid here, naming the verdict. */
static json_t *
refused(enum intro_verdict v)
{
	char msg[96];
	json_t *e;

	snprintf(msg, sizeof(msg), "obj: not a valid introduction object here: %s",
	         intro_verdict_name(v));
	e = bad(msg);
	json_object_set_new(e, "verdict", json_string(intro_verdict_name(v)));
	return e;
}

static void
sent_result(void *arg, json_t *result)
{
	control_pending_reply(arg, result);
}

static void
sent_cancel(void *arg)
{
	exchange_notify(arg, NULL, NULL);
}

json_t *
introduce_send(struct wfd *d, struct control_client *cl, const json_t *req, bool *later)
{
	const char *hex = NULL, *why = NULL;
	uint8_t to[CRYPT_SIGN_PK], *obj = NULL;
	enum intro_verdict v;
	struct control_pending *pending;
	struct delivery *dl = NULL;
	struct intro *o = NULL;
	int64_t contact = 0;
	size_t len = 0;
	int r;

	if (!d->started)
		return ctl_error(CTL_E_NOT_STARTED, "not started: run 'wallflower start' first");
	if (ctl_get_str(req, "to", 2 * CRYPT_SIGN_PK, &hex) < 0 ||
	    strlen(hex) != 2 * CRYPT_SIGN_PK || crypt_unhex(to, sizeof(to), hex, strlen(hex)) < 0)
		return bad("to: the recipient's identity, 64 hex digits");
	if (obj_arg(req, &obj, &len) < 0)
		return bad("obj: an introduction object in hex");
	/* Only our own objects, valid for their recipient now: we never carry anyone else's. */
	r = intro_check(obj, len, to, (uint64_t)time(NULL), &o, &v);
	if (r == 0 && memcmp(o->from->key, d->id->sign_pk, CRYPT_SIGN_PK) != 0) {
		intro_free(o);
		free(obj);
		return bad("obj: not signed by this identity");
	}
	intro_free(o);
	if (r < 0) {
		free(obj);
		return r == -ENOMEM ? ctl_error(CTL_E_FAILED, "out of memory") : refused(v);
	}
	if ((r = store_person_by_key(d->st, to, &contact)) <= 0) {
		free(obj);
		return r < 0 ? ctl_error(CTL_E_FAILED, "cannot read the store")
		             : ctl_error(CTL_E_NOT_FOUND, "to: not one of your contacts");
	}
	r = exchange_send_object(d, contact, obj, len, &dl, &why);
	free(obj);
	if (r == -ENOENT)
		return json_pack("{sbssss}", "ok", 1, "state", "not-nearby", "msg", why);
	if (r < 0)
		return ctl_error(CTL_E_FAILED, why);
	if (dl == NULL)
		return json_pack("{sbssss}", "ok", 1, "state", "pending", "msg", why);
	if ((pending = control_pend(cl, sent_cancel, dl)) == NULL)
		return json_pack("{sbssss}", "ok", 1, "state", "pending", "msg", "under way");
	exchange_notify(dl, sent_result, pending);
	*later = true;
	return NULL;
}

static const char *
outcome_name(enum intake_outcome o)
{
	switch (o) {
	case INTAKE_KEPT:
		return "kept";
	case INTAKE_UPDATED:
		return "updated";
	case INTAKE_ANSWERED:
		return "answered";
	case INTAKE_REPEAT:
		return "repeat";
	default:
		return "ignored";
	}
}

json_t *
introduce_take(struct wfd *d, const json_t *req)
{
	const char *event = d->started && d->adv.event[0] != '\0' ? d->adv.event : NULL;
	struct intake_result res;
	enum intro_verdict v;
	struct intro *o = NULL;
	uint8_t *obj = NULL;
	size_t len = 0;
	json_t *reply;
	int r;

	if (obj_arg(req, &obj, &len) < 0)
		return bad("obj: an introduction object in hex");
	r = intro_check(obj, len, d->id->sign_pk, (uint64_t)time(NULL), &o, &v);
	free(obj);
	if (r < 0)
		return r == -ENOMEM ? ctl_error(CTL_E_FAILED, "out of memory") : refused(v);
	if (intake_object(d->st, o, event, (uint64_t)time(NULL), &res) < 0) {
		intro_free(o);
		return ctl_error(CTL_E_FAILED, "cannot keep it");
	}
	introduce_taken(d, o, &res);
	reply = json_pack("{sbssss}", "ok", 1, "kind", intro_kind_name(o->kind), "outcome",
	                  outcome_name(res.outcome));
	intro_free(o);
	return reply;
}

json_t *
introduce_reply(struct wfd *d, const struct inbox_offer *o, int64_t asker, const uint8_t *card,
                size_t len)
{
	uint64_t now = (uint64_t)time(NULL);
	struct intro_params p = { .kind = INTRO_REPLY,
		                  .from = card,
		                  .from_len = len,
		                  .to = o->card->key,
		                  .issued = now,
		                  .expires = now + INTRO_TTL,
		                  .rk = d->rk,
		                  .inner = o->intro,
		                  .inner_len = o->intro_len };
	const char *why = NULL, *state;
	struct delivery *dl = NULL;
	enum intro_verdict v;
	uint8_t *obj = NULL;
	size_t n = 0;
	char *hex;
	json_t *j;
	int r;

	if (card == NULL)
		return json_pack("{ss}", "state", "withheld");
	if (intro_make(&p, d->id, &obj, &n, &v) < 0) {
		log_warnx("cannot make the reply to an introduction: %s", intro_verdict_name(v));
		return json_pack("{ssss}", "state", "failed", "msg", intro_verdict_name(v));
	}
	/* Over the LAN when the asker is nearby; the text goes to our user either way, for
	 * the times they are not (proto/introduction.md 8). */
	r = exchange_send_object(d, asker, obj, n, &dl, &why);
	state = r == -ENOENT ? "not-nearby" : r < 0 ? "failed" : "sending";
	if ((hex = malloc(2 * n + 1)) == NULL) {
		free(obj);
		return json_pack("{ss}", "state", state);
	}
	crypt_hex(hex, obj, n);
	j = json_pack("{ssss}", "state", state, "obj", hex);
	free(hex);
	free(obj);
	return j;
}

/* The name and fingerprint of a card, for events and the inbox. */
static json_t *
who_json(const struct card *c)
{
	char fpr[IDENTITY_FPR_LEN + 1];

	identity_fingerprint(c->key, fpr);
	return json_pack("{ssss}", "name", c->f.text[CARD_NAME], "fingerprint", fpr);
}

void
introduce_offer_json(struct wfd *d, const struct inbox_offer *o, json_t *j)
{
	enum intro_verdict v;
	struct intro *obj = NULL;

	json_object_set_new(j, "kind", json_string(inbox_kind_name(o->kind)));
	/* It was valid for us when it came; it is read again as it was then. */
	if (o->intro == NULL ||
	    intro_check(o->intro, o->intro_len, d->id->sign_pk, o->received, &obj, &v) < 0)
		return;
	if (obj->kind == INTRO_ASK)
		json_object_set_new(j, "for", json_string(obj->seek));
	if (obj->kind == INTRO_INTRO)
		json_object_set_new(j, "introduced_by", who_json(obj->from));
	intro_free(obj);
}

void
introduce_taken(struct wfd *d, const struct intro *o, const struct intake_result *res)
{
	struct inbox_offer kept = {
		.id = res->id,
		.kind = o->kind == INTRO_ASK ? INBOX_ASK : INBOX_INTRO,
		.card = (struct card *)(o->kind == INTRO_ASK ? o->from : o->introduced),
		.note = o->note,
		.reply = o->kind == INTRO_ASK ? o->reply : o->consent != NULL && o->consent->reply,
		.intro = o->envelope,
		.intro_len = o->len,
		.received = (uint64_t)time(NULL),
		.expires = o->expires
	};
	json_t *e;

	switch (res->outcome) {
	case INTAKE_KEPT:
		log_info("%s %lld received", intro_kind_name(o->kind), (long long)res->id);
		control_broadcast(d->ctl, json_pack("{ssso}", "event", "offer-received", "offer",
		                                    exchange_offer_json(d, &kept)));
		break;
	case INTAKE_ANSWERED:
	case INTAKE_UPDATED:
	case INTAKE_IGNORED:
		/* A reply from someone we asked to meet, or a contact's: their recognition key. */
		if (res->id > 0 && o->has_rk)
			exchange_recognise(d, res->id, o->rk);
		if (res->outcome == INTAKE_IGNORED)
			break;
		if (res->outcome == INTAKE_ANSWERED)
			log_info("reply taken: contact %lld, introduced as we asked",
			         (long long)res->id);
		e = who_json(o->from);
		json_object_set_new(e, "event",
		                    json_string(res->outcome == INTAKE_ANSWERED
		                                        ? "card-received"
		                                        : "contact-updated"));
		if (res->outcome == INTAKE_ANSWERED && o->kind == INTRO_REPLY)
			json_object_set_new(e, "introduced_by", who_json(o->re->from));
		control_broadcast(d->ctl, e);
		break;
	default:
		break;
	}
}
