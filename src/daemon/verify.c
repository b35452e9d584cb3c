/*
 * verify.c: verifying in person (proto/session.md 9.7), the daemon's part. Two control
 * requests: `verify` asks a nearby peer, as the initiator, and `verify-wait` makes this
 * daemon answer the next verify that comes, for a while, as the responder. Both wait for
 * the code and answer their client with it and the other side's identity; what the user
 * then confirms is the CLI's to record. A responder takes one verification per wait: the
 * first verify that comes is answered with our identity and nonce, any other is told
 * not-waiting. The session checked every signature and the commitment before any code
 * reaches this file.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "wallflower/ctl.h"
#include "wallflower/sas.h"

#include "log.h"
#include "wfd.h"

#define WFD_VERIFY_WAIT_MAX 600 /* seconds a verify-wait may last at most */
#define WFD_VERIFY_WAIT     120 /* seconds by default */

/* What a client is told once the code stands: the code, and who the other side is. */
static json_t *
result_json(const uint8_t key[CRYPT_SIGN_PK], uint32_t code, const char *role)
{
	char text[SAS_TEXT], fpr[IDENTITY_FPR_LEN + 1], hex[2 * CRYPT_SIGN_PK + 1];

	sas_format(text, code);
	identity_fingerprint(key, fpr);
	crypt_hex(hex, key, CRYPT_SIGN_PK);
	return json_pack("{sbssssssss}", "ok", 1, "code", text, "key", hex, "fingerprint", fpr,
	                 "role", role);
}

/* ---- the responder: waiting ---- */

static void
wait_end(struct wfd *d, json_t *reply)
{
	struct control_pending *p = d->verify.waiter;

	d->verify.waiter = NULL;
	d->verify.taken = false;
	loop_timer_free(d->verify.timer); /* NULL once ended */
	d->verify.timer = NULL;
	if (p != NULL)
		control_pending_reply(p, reply);
	else
		json_decref(reply);
}

static void
wait_expired(struct loop_timer *t, void *arg)
{
	struct wfd *d = arg;

	(void)t;
	wait_end(d, ctl_error(CTL_E_FAILED, "nobody came to verify in time"));
}

/* The client stopped waiting (it closed): forget it, and take no verify. */
static void
wait_cancel(void *arg)
{
	struct wfd *d = arg;

	d->verify.waiter = NULL;
	wait_end(d, NULL);
}

json_t *
verify_wait(struct wfd *d, struct control_client *cl, const json_t *req, bool *later)
{
	json_int_t secs = WFD_VERIFY_WAIT;
	const json_t *v = json_object_get(req, "seconds");

	if (!d->started)
		return ctl_error(CTL_E_NOT_STARTED, "not started: run 'wallflower start' first");
	if (v != NULL && (!json_is_integer(v) || (secs = json_integer_value(v)) < 1 ||
	                  secs > WFD_VERIFY_WAIT_MAX))
		return ctl_error(CTL_E_ARGUMENT, "seconds: 1 to 600");
	if (d->verify.waiter != NULL || d->verify.taken)
		return ctl_error(CTL_E_BUSY, "already waiting to verify");
	if ((d->verify.timer = loop_timer_new(d->loop, wait_expired, d)) == NULL ||
	    (d->verify.waiter = control_pend(cl, wait_cancel, d)) == NULL) {
		loop_timer_free(d->verify.timer);
		d->verify.timer = NULL;
		return ctl_error(CTL_E_FAILED, "out of memory");
	}
	loop_timer_set(d->verify.timer, (uint64_t)secs * 1000);
	log_info("waiting %lld s to verify in person", (long long)secs);
	*later = true;
	return NULL;
}

bool
verify_take(struct wfd *d)
{
	if (d->verify.waiter == NULL || d->verify.taken)
		return false;
	d->verify.taken = true;
	/* The session's own timeout bounds it now: the wait does not end under it. */
	loop_timer_stop(d->verify.timer);
	return true;
}

void
verify_heard(struct wfd *d, const uint8_t key[CRYPT_SIGN_PK], uint32_t code)
{
	log_info("verified in person: the code is ready");
	wait_end(d, result_json(key, code, "responder"));
}

void
verify_lost(struct wfd *d, const char *why)
{
	char msg[160];

	snprintf(msg, sizeof(msg), "the verification did not complete: %s",
	         why != NULL ? why : "the connection closed");
	wait_end(d, ctl_error(CTL_E_FAILED, msg));
}

void
verify_stop(struct wfd *d)
{
	if (d->verify.waiter != NULL || d->verify.timer != NULL)
		wait_end(d, ctl_error(CTL_E_FAILED, "the daemon is stopping"));
}

/* ---- the initiator ---- */

static void
ask_result(void *arg, json_t *result)
{
	control_pending_reply(arg, result);
}

static void
ask_cancel(void *arg)
{
	exchange_notify(arg, NULL, NULL);
}

json_t *
verify_ask(struct wfd *d, struct control_client *cl, const json_t *req, bool *later)
{
	const char *who = NULL, *why = NULL;
	struct control_pending *pending;
	struct delivery *dl = NULL;
	struct peer *p = NULL;
	char which[256];
	int r;

	if (!d->started)
		return ctl_error(CTL_E_NOT_STARTED, "not started: run 'wallflower start' first");
	if (ctl_get_str(req, "peer", MDNS_NAME_MAX, &who) < 0)
		return ctl_error(CTL_E_ARGUMENT, "peer: a short id or a handle from nearby");
	if ((r = peers_lookup(d, who, &p, which, sizeof(which))) == -EEXIST)
		return ctl_error(CTL_E_AMBIGUOUS, which);
	if (r == -EINVAL)
		return ctl_error(CTL_E_ARGUMENT, which);
	if (r < 0)
		return ctl_error(CTL_E_NOT_FOUND, which);
	if ((r = exchange_verify(d, p, &dl, &why)) < 0)
		return ctl_error(r == -EBUSY ? CTL_E_BUSY : CTL_E_FAILED, why);
	if ((pending = control_pend(cl, ask_cancel, dl)) == NULL)
		return ctl_error(CTL_E_FAILED, "out of memory");
	exchange_notify(dl, ask_result, pending);
	*later = true;
	return NULL;
}

json_t *
verify_outcome(const struct delivery *dl, const struct peermsg *answer, bool wrong_peer,
               const char *why)
{
	char msg[160];

	if (wrong_peer)
		return ctl_error(CTL_E_FAILED, "the peer does not hold the key its advert claims");
	if (answer == NULL) {
		snprintf(msg, sizeof(msg), "could not verify: %s", why != NULL ? why : "no answer");
		return ctl_error(CTL_E_FAILED, msg);
	}
	if (answer->type == PEERMSG_ERROR && answer->code == PEERMSG_E_NOT_WAITING)
		return ctl_error(CTL_E_FAILED,
		                 "the other person is not waiting to verify: ask them "
		                 "to run 'wallflower verify --wait' first");
	if (answer->type == PEERMSG_ERROR) {
		snprintf(msg, sizeof(msg), "refused by the peer: %s",
		         peermsg_code_name(answer->code));
		return ctl_error(CTL_E_FAILED, msg);
	}
	if (!dl->verified)
		return ctl_error(CTL_E_FAILED, "the verification did not complete");
	return result_json(dl->peer_key, dl->code, "initiator");
}
