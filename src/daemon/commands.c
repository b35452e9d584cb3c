/*
 * commands.c: what each control request does (proto/control.md lists them). Requests
 * come from the daemon's own user, through ctl_decode; every field is still read with the
 * typed, bounded getters, and a missing or wrong one gets a "bad-argument" reply naming
 * it. Replies are built here; the transport is control.c's. Handlers are req_*, the CLI's
 * verbs cmd_* (STYLE.md rule 15).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "wallflower/crypt.h"
#include "wallflower/ctl.h"

#include "log.h"
#include "wfd.h"

static json_t *
bad(const char *what)
{
	return ctl_error(CTL_E_ARGUMENT, what);
}

/* Optional fields: 0 with *out unchanged (its default) when absent; -EINVAL when wrong. */
static int
opt_str(const json_t *req, const char *key, size_t max, const char **out)
{
	const char *v = NULL;
	int r = ctl_get_str(req, key, max, &v);

	if (r == 0)
		*out = v;
	return r == -ENOENT ? 0 : r;
}

static int
opt_bool(const json_t *req, const char *key, bool *out)
{
	bool v = false;
	int r = ctl_get_bool(req, key, &v);

	if (r == 0)
		*out = v;
	return r == -ENOENT ? 0 : r;
}

static const char *
status_name(enum txt_status s)
{
	return s == TXT_STATUS_OPEN ? "open" : s == TXT_STATUS_QUIET ? "quiet" : NULL;
}

/* What the answer rule turned away since the start, by limit (intake.h). */
static json_t *
held_json(const struct wfd *d)
{
	json_t *by = json_object();

	for (enum intake_limit l = INTAKE_LIMIT_KEY; by != NULL && l <= INTAKE_LIMIT_LEDGER; l++)
		if (d->held.by[l] > 0)
			json_object_set_new(by, intake_limit_name(l),
			                    json_integer((json_int_t)d->held.by[l]));
	return json_pack("{sIso}", "busy", (json_int_t)d->held.total, "by", by);
}

static json_t *
req_status(struct wfd *d)
{
	char fpr[IDENTITY_FPR_LEN + 1];
	unsigned n = 0;
	json_t *j;

	identity_fingerprint(d->id->sign_pk, fpr);
	if (store_inbox_count(d->st, (uint64_t)time(NULL), UINT_MAX, &n) < 0)
		n = 0;
	j = json_pack("{sb ss ss sI sb ss ss sI sI sI}", "ok", 1, "version", WALLFLOWER_VERSION,
	              "fingerprint", fpr, "pid", (json_int_t)getpid(), "started", d->started,
	              "avahi", mdns_avahi_state(d->mdns), "advert", mdns_advert_state(d->mdns),
	              "nearby", (json_int_t)peers_count(d), "inbox", (json_int_t)n, "connections",
	              (json_int_t)net_connections(d->net));
	if (j == NULL)
		return NULL;
	json_object_set_new(j, "held_back", held_json(d));
	if (!d->started)
		return j;
	json_object_set_new(j, "peer_table", peers_table_json(d));
	json_object_set_new(j, "port", json_integer(net_port(d->net)));
	json_object_set_new(j, "hidden", json_boolean(d->adv.hidden));
	if (mdns_advert_name(d->mdns) != NULL)
		json_object_set_new(j, "instance", json_string(mdns_advert_name(d->mdns)));
	if (d->adv.event[0] != '\0')
		json_object_set_new(j, "event", json_string(d->adv.event));
	if (d->adv.handle[0] != '\0')
		json_object_set_new(j, "handle", json_string(d->adv.handle));
	if (status_name(d->adv.status) != NULL)
		json_object_set_new(j, "status", json_string(status_name(d->adv.status)));
	json_object_set_new(j, "topics", json_string(d->adv.topics));
	if (d->adv.until != 0)
		json_object_set_new(j, "until", json_integer((json_int_t)d->adv.until));
	return j;
}

/* Joins a JSON array of topics with commas into out. 0 or -EINVAL. */
static int
join_topics(const json_t *a, char *out, size_t size)
{
	size_t used = 0, i;
	json_t *t;

	out[0] = '\0';
	if (!json_is_array(a))
		return -EINVAL;
	json_array_foreach(a, i, t)
	{
		const char *s = json_string_value(t);
		int w;

		if (s == NULL || strchr(s, ',') != NULL)
			return -EINVAL;
		w = snprintf(out + used, size - used, "%s%s", used > 0 ? "," : "", s);
		if (w < 0 || (size_t)w >= size - used)
			return -EINVAL;
		used += (size_t)w;
	}
	return 0;
}

/*
 * start: the first one sets the advert up; later ones change only the fields they carry
 * (status and topics in place, a new handle, event or visibility as a fresh advert).
 */
static json_t *
req_start(struct wfd *d, const json_t *req)
{
	struct wfd_advert adv = { .status = TXT_STATUS_OPEN, .topics_default = true };
	const char *event = NULL, *handle = NULL, *status = NULL, *why = NULL;
	bool no_topics = false, has_for;
	uint64_t for_s = 0;
	const json_t *topics = json_object_get(req, "topics");
	int r;

	if (d->started)
		adv = d->adv;
	if (opt_str(req, "event", TXT_EVENT_NAME_MAX, &event) < 0)
		return bad("event: a string of at most 128 bytes");
	if (opt_str(req, "handle", TXT_HANDLE_MAX, &handle) < 0)
		return bad("handle: a string of at most 32 bytes");
	if (opt_str(req, "status", 8, &status) < 0 ||
	    (status != NULL && strcmp(status, "open") != 0 && strcmp(status, "quiet") != 0))
		return bad("status: \"open\" or \"quiet\"");
	if (opt_bool(req, "no_topics", &no_topics) < 0 || opt_bool(req, "hidden", &adv.hidden) < 0)
		return bad("no_topics and hidden are true or false");
	if ((r = ctl_get_uint(req, "for", 366 * 86400ULL, &for_s)) < 0 && r != -ENOENT)
		return bad("for: seconds, at most a year");
	has_for = r == 0;
	if (topics != NULL && !json_is_null(topics)) {
		if (join_topics(topics, adv.topics, sizeof(adv.topics)) < 0)
			return bad("topics: strings without commas, 116 bytes together");
		adv.topics_default = false;
	}
	if (no_topics) {
		adv.topics[0] = '\0';
		adv.topics_default = false;
	}
	if (event != NULL)
		snprintf(adv.event, sizeof(adv.event), "%s", event);
	if (handle != NULL)
		snprintf(adv.handle, sizeof(adv.handle), "%s", handle);
	if (status != NULL)
		adv.status = strcmp(status, "quiet") == 0 ? TXT_STATUS_QUIET : TXT_STATUS_OPEN;
	if (has_for) /* 0 lifts a limit set before */
		adv.until = for_s != 0 ? (uint64_t)time(NULL) + for_s : 0;
	if ((r = wfd_start(d, &adv, &why)) == -EINVAL)
		return bad(why);
	if (r < 0)
		return ctl_error(CTL_E_FAILED, why);
	return req_status(d);
}

static json_t *
req_nearby(struct wfd *d)
{
	json_t *peers;

	if (!d->started)
		return ctl_error(CTL_E_NOT_STARTED, "not started: run 'wallflower start' first");
	peers = json_array();
	for (const struct peer *p = d->peers; peers != NULL && p != NULL; p = p->next)
		if (json_array_append_new(peers, peers_json(d, p)) < 0) {
			json_decref(peers);
			peers = NULL;
		}
	peers_shown(d);
	return json_pack("{sbso}", "ok", 1, "peers", peers);
}

/* A card in hex (the CLI issues it), into *out. 0, or an error reply in *err. */
static int
card_arg(const json_t *req, uint8_t **out, size_t *len, json_t **err)
{
	const char *hex = NULL;
	size_t n;

	*out = NULL;
	*len = 0;
	if (ctl_get_str(req, "card", 2 * CARD_ENVELOPE_MAX, &hex) < 0 || (n = strlen(hex)) == 0 ||
	    n % 2 != 0 || (*out = malloc(n / 2)) == NULL || crypt_unhex(*out, n / 2, hex, n) < 0) {
		free(*out);
		*out = NULL;
		*err = bad("card: your card envelope in hex");
		return -EINVAL;
	}
	*len = n / 2;
	return 0;
}

/* A send's first result reaches its client; or the client went first. */
static void
send_result(void *arg, json_t *result)
{
	control_pending_reply(arg, result);
}

static void
send_cancel(void *arg)
{
	exchange_notify(arg, NULL, NULL);
}

/* send's "to": an invite or ADDRESS:PORT (proto/invite.md), or an error reply in *err. */
static int
to_arg(const json_t *req, struct invite *to, json_t **err)
{
	const char *text = NULL, *why = NULL;
	char msg[160];

	if (ctl_get_str(req, "to", INVITE_TEXT_MAX, &text) < 0) {
		*err = bad("to: an invite (wallflower:i1:...) or ADDRESS:PORT");
		return -EINVAL;
	}
	if (invite_parse(text, strlen(text), true, to, &why) < 0) {
		snprintf(msg, sizeof(msg), "to: not an invite or ADDRESS:PORT: %s", why);
		*err = bad(msg);
		return -EINVAL;
	}
	return 0;
}

/* send's "peer", or its "to" (exactly one): *p, or *to with *direct. An error reply else. */
static json_t *
send_target(struct wfd *d, const json_t *req, struct peer **p, struct invite *to, bool *direct)
{
	const char *who = NULL;
	char which[256];
	json_t *err = NULL;
	int r;

	*direct = json_object_get(req, "to") != NULL;
	if (*direct && json_object_get(req, "peer") != NULL)
		return bad("send: a peer or \"to\", not both");
	if (*direct)
		return to_arg(req, to, &err) < 0 ? err : NULL;
	if (ctl_get_str(req, "peer", MDNS_NAME_MAX, &who) < 0)
		return bad("peer: a short id or a handle from nearby");
	if ((r = peers_lookup(d, who, p, which, sizeof(which))) == -EEXIST)
		return ctl_error(CTL_E_AMBIGUOUS, which);
	if (r == -EINVAL)
		return bad(which);
	if (r < 0)
		return ctl_error(CTL_E_NOT_FOUND, which);
	return NULL;
}

static json_t *
req_send(struct wfd *d, struct control_client *cl, const json_t *req, bool *later)
{
	const char *note = NULL, *why = NULL, *who = NULL;
	struct control_pending *pending;
	struct delivery *dl = NULL;
	struct invite to;
	bool reply = true, direct = false;
	struct peer *p = NULL;
	uint8_t *card = NULL;
	size_t len = 0;
	json_t *err = NULL;
	int64_t id = 0;
	int r;

	if (!d->started)
		return ctl_error(CTL_E_NOT_STARTED, "not started: run 'wallflower start' first");
	/* The order of proto/control.md 10.5: the peer's form, the note, reply, then whom. */
	if (json_object_get(req, "to") == NULL && ctl_get_str(req, "peer", MDNS_NAME_MAX, &who) < 0)
		return bad("peer: a short id or a handle from nearby");
	if (opt_str(req, "note", PEERMSG_NOTE_MAX, &note) < 0)
		return bad("note: at most 280 bytes");
	if (opt_bool(req, "reply", &reply) < 0)
		return bad("reply: true or false");
	if ((err = send_target(d, req, &p, &to, &direct)) != NULL)
		return err;
	if (card_arg(req, &card, &len, &err) < 0)
		return err;
	if (direct)
		r = exchange_send_direct(d, &to, card, len, note, reply, &dl, &id, &why);
	else
		r = exchange_send(d, p, card, len, note, reply, &dl, &id, &why);
	free(card);
	if (r == -EDQUOT)
		return ctl_error(CTL_E_BUSY, why);
	if (r == -EINVAL)
		return bad(why);
	if (r < 0)
		return ctl_error(CTL_E_FAILED, why);
	if (r == 0) /* not tried yet, or the first try failed at once: it will retry */
		return json_pack("{sbsIssss}", "ok", 1, "outbox", (json_int_t)id, "state",
		                 "pending", "msg", why);
	/* The first attempt's result answers; the client owns the wait. */
	if ((pending = control_pend(cl, send_cancel, dl)) == NULL)
		return json_pack("{sbsIssss}", "ok", 1, "outbox", (json_int_t)id, "state",
		                 "pending", "msg", "under way");
	exchange_notify(dl, send_result, pending);
	*later = true;
	return NULL;
}

/* The addresses an `invite` request names, or those of this machine. 0, or an error reply. */
static json_t *
invite_addrs(const json_t *req, struct invite *iv)
{
	const json_t *list = json_object_get(req, "addresses"), *a;
	size_t i;

	if (list == NULL || json_is_null(list)) {
		if (net_local_addrs(iv->addrs, INVITE_ADDRS_MAX, &iv->n_addrs) < 0 ||
		    iv->n_addrs == 0)
			return ctl_error(CTL_E_FAILED, "this machine has no address an invite can "
			                               "list: is it on a network?");
		return NULL;
	}
	if (!json_is_array(list) || json_array_size(list) == 0 ||
	    json_array_size(list) > INVITE_ADDRS_MAX)
		return bad("addresses: 1 to 4 numeric addresses");
	json_array_foreach(list, i, a)
	{
		struct invite one;
		const char *s = json_string_value(a);
		char text[INVITE_ADDR_TEXT + 8];

		/* Each is read as the bare target ADDRESS:1 would be, then held to an invite's
		 * rules (no loopback) by the formatter. */
		if (s == NULL || strlen(s) > INVITE_ADDR_TEXT ||
		    snprintf(text, sizeof(text), strchr(s, ':') ? "[%s]:1" : "%s:1", s) < 0 ||
		    invite_parse(text, strlen(text), true, &one, NULL) < 0 ||
		    !invite_addr_usable(&one.addrs[0], false))
			return bad("addresses: numeric IPv4 or IPv6 addresses, not loopback, "
			           "link-local IPv6 or multicast");
		iv->addrs[iv->n_addrs++] = one.addrs[0];
	}
	return NULL;
}

/* invite: how to reach this daemon directly, for this start (proto/invite.md). */
static json_t *
req_invite(struct wfd *d, const json_t *req)
{
	struct invite iv = { .has_fpr = true };
	char text[INVITE_TEXT_MAX], fpr[INVITE_FPR_LEN + 1], addr[INVITE_ADDR_TEXT];
	json_t *err, *list;

	if (!d->started)
		return ctl_error(CTL_E_NOT_STARTED, "not started: run 'wallflower start' first");
	if ((err = invite_addrs(req, &iv)) != NULL)
		return err;
	iv.port = net_port(d->net);
	invite_fingerprint(d->presence_pk, iv.fpr);
	if (invite_format(&iv, text, sizeof(text)) < 0)
		return bad("addresses: each once");
	invite_fingerprint_text(iv.fpr, fpr);
	list = json_array();
	for (unsigned i = 0; list != NULL && i < iv.n_addrs; i++) {
		invite_addr_text(&iv.addrs[i], addr);
		json_array_append_new(list, json_string(addr));
	}
	return json_pack("{sbsssssIso}", "ok", 1, "invite", text, "fingerprint", fpr, "port",
	                 (json_int_t)iv.port, "addresses", list);
}

static json_t *
req_inbox(struct wfd *d)
{
	struct inbox_offer *o = NULL;
	size_t n = 0;
	json_t *list;

	/* Expired offers go when someone looks, not on a timer: no wakeups of our own. */
	if (store_inbox_expire(d->st, (uint64_t)time(NULL), NULL) < 0 ||
	    store_inbox_list(d->st, (uint64_t)time(NULL), &o, &n) < 0)
		return ctl_error(CTL_E_FAILED, "cannot read the inbox");
	list = json_array();
	for (size_t i = 0; list != NULL && i < n; i++)
		json_array_append_new(list, exchange_offer_json(d, &o[i]));
	inbox_offer_free_all(o, n);
	return json_pack("{sbsoso}", "ok", 1, "offers", list, "held_back", held_json(d));
}

static int
offer_id(const json_t *req, int64_t *id)
{
	uint64_t v = 0;
	int r = ctl_get_uint(req, "id", INT64_MAX, &v);

	*id = (int64_t)v;
	return r;
}

static json_t *
req_accept(struct wfd *d, const json_t *req)
{
	struct inbox_offer taken = { 0 };
	char fpr[IDENTITY_FPR_LEN + 1];
	const char *back = "not-asked", *why = NULL;
	uint8_t *card = NULL;
	size_t len = 0;
	json_t *err = NULL, *reply;
	int64_t id, person;
	int r;

	if (offer_id(req, &id) < 0)
		return bad("id: the number of an offer in the inbox");
	if (json_object_get(req, "card") != NULL && card_arg(req, &card, &len, &err) < 0)
		return err;
	r = store_inbox_accept(d->st, id, (uint64_t)time(NULL), &taken, &person);
	if (r < 0) {
		free(card);
		return r == -ENOENT  ? ctl_error(CTL_E_NOT_FOUND, "no such offer (or it expired)")
		       : r == -ETIME ? ctl_error(CTL_E_EXPIRED,
		                                 "that offer has expired (its card or "
		                                 "its time to wait ran out); nothing was kept")
		       : r == -EOPNOTSUPP ? bad("that is an ask for introductions: answer it with "
		                                "'wallflower introduce', or decline it")
		                          : ctl_error(CTL_E_FAILED, "cannot store the card");
	}
	/* The person is on disk now; the card back is a courtesy that may still fail. */
	identity_fingerprint(taken.card->key, fpr);
	if (taken.has_rk)
		exchange_recognise(d, person, taken.keys.recognition);
	/* An intro's card back is a reply to the asker (proto/introduction.md 8). */
	if (taken.kind == INBOX_INTRO)
		back = taken.reply ? "reply" : "not-asked";
	else if (taken.reply && card == NULL)
		back = "withheld";
	else if (taken.reply && exchange_card_back(d, &taken, card, len, &why) < 0)
		back = why;
	else if (taken.reply)
		back = "sending";
	control_broadcast(d->ctl, json_pack("{ssssss}", "event", "card-accepted", "name",
	                                    taken.card->f.text[CARD_NAME], "fingerprint", fpr));
	reply = json_pack("{sbssssss}", "ok", 1, "name", taken.card->f.text[CARD_NAME],
	                  "fingerprint", fpr, "card_back", back);
	if (reply != NULL && taken.kind == INBOX_INTRO && taken.reply)
		json_object_set_new(reply, "intro_reply",
		                    introduce_reply(d, &taken, person, card, len));
	inbox_offer_clear(&taken);
	free(card);
	return reply;
}

/* A new recognition key: whoever holds the old one stops recognising us. */
static json_t *
req_rotate_recognition(struct wfd *d)
{
	const char *why = NULL;

	if (wfd_rotate_recognition(d, &why) < 0)
		return ctl_error(CTL_E_FAILED, why);
	return ctl_ok();
}

/* The store's contacts changed outside the daemon: what it keeps of them is read again. */
static json_t *
req_contacts_changed(struct wfd *d)
{
	int r = wfd_reload_contacts(d);

	/* Whether or not the keys could be read again, the contacts changed: watchers that
	 * show them (the page) read them again. */
	control_broadcast(d->ctl, json_pack("{ss}", "event", "contacts-changed"));
	if (r < 0)
		return ctl_error(CTL_E_FAILED, "cannot read the contacts again");
	return ctl_ok();
}

/* decline with "all": true or "from": ADDR instead of an id: the recovery from a flood. */
static json_t *
decline_many(struct wfd *d, const json_t *req)
{
	const char *from = NULL;
	bool all = false;
	size_t n = 0;

	if (opt_bool(req, "all", &all) < 0 || opt_str(req, "from", 64, &from) < 0 ||
	    all == (from != NULL) || json_object_get(req, "id") != NULL)
		return bad("decline: an id, or \"all\": true, or \"from\": an address");
	if (store_inbox_decline_all(d->st, from, &n) < 0)
		return ctl_error(CTL_E_FAILED, "cannot change the inbox");
	return json_pack("{sbsI}", "ok", 1, "declined", (json_int_t)n);
}

static json_t *
req_drop(struct wfd *d, const json_t *req, bool block)
{
	int64_t id;
	int r;

	if (!block && (json_object_get(req, "all") != NULL || json_object_get(req, "from") != NULL))
		return decline_many(d, req);
	if (offer_id(req, &id) < 0)
		return bad("id: the number of an offer in the inbox");
	r = block ? store_inbox_block(d->st, id, (uint64_t)time(NULL))
	          : store_inbox_decline(d->st, id);
	if (r == -ENOENT)
		return ctl_error(CTL_E_NOT_FOUND, "no such offer (or it expired)");
	if (r < 0)
		return ctl_error(CTL_E_FAILED, "cannot change the inbox");
	return ctl_ok();
}

static void
lan_done(void *arg, const struct mdns_probe *seen)
{
	struct wfd *d = arg;
	struct control_pending *pending = d->lan_pending;
	json_t *list = json_array();

	/* Cleared first: the reply may start the client's next request, another check. */
	d->lan_pending = NULL;
	for (unsigned i = 0; list != NULL && i < seen->n; i++)
		json_array_append_new(list, json_string(seen->types[i]));
	if (pending != NULL)
		control_pending_reply(pending, json_pack("{sbsosIs{sssb}}", "ok", 1, "services",
		                                         list, "nearby", (json_int_t)peers_count(d),
		                                         "machine", "name", seen->machine,
		                                         "announced", seen->machine_announced));
	else
		json_decref(list);
}

/* The client of a `lan` request went: the probe is of no use to anyone now. */
static void
lan_cancel(void *arg)
{
	struct wfd *d = arg;

	d->lan_pending = NULL;
	if (d->mdns != NULL)
		mdns_probe_cancel(d->mdns);
}

/* lan: which services other hosts show (doctor's hint of client isolation). */
static json_t *
req_lan(struct wfd *d, struct control_client *cl, bool *later)
{
	int r = mdns_probe_lan(d->mdns, WFD_LAN_PROBE_MS, lan_done, d);

	if (r == -EBUSY)
		return ctl_error(CTL_E_BUSY, "a network check is already running");
	if (r == -ENOTCONN)
		return ctl_error(CTL_E_FAILED, "avahi-daemon is not running");
	if (r < 0)
		return ctl_error(CTL_E_FAILED, "cannot look at the network");
	if ((d->lan_pending = control_pend(cl, lan_cancel, d)) == NULL) {
		mdns_probe_cancel(d->mdns);
		return ctl_error(CTL_E_FAILED, "out of memory");
	}
	*later = true;
	return NULL;
}

json_t *
control_dispatch(struct wfd *d, struct control_client *cl, const json_t *req, bool *later)
{
	const char *cmd = NULL;

	*later = false;
	if (ctl_get_str(req, "cmd", 32, &cmd) < 0)
		return ctl_error(CTL_E_MALFORMED, "a request needs \"cmd\", a string");
	if (strcmp(cmd, "status") == 0)
		return req_status(d);
	if (strcmp(cmd, "start") == 0)
		return req_start(d, req);
	if (strcmp(cmd, "stop") == 0) {
		wfd_quit(d);
		return ctl_ok();
	}
	if (strcmp(cmd, "nearby") == 0)
		return req_nearby(d);
	if (strcmp(cmd, "send") == 0)
		return req_send(d, cl, req, later);
	if (strcmp(cmd, "invite") == 0)
		return req_invite(d, req);
	if (strcmp(cmd, "inbox") == 0)
		return req_inbox(d);
	if (strcmp(cmd, "accept") == 0)
		return req_accept(d, req);
	if (strcmp(cmd, "decline") == 0)
		return req_drop(d, req, false);
	if (strcmp(cmd, "block") == 0)
		return req_drop(d, req, true);
	if (strcmp(cmd, "lan") == 0)
		return req_lan(d, cl, later);
	if (strcmp(cmd, "verify") == 0)
		return verify_ask(d, cl, req, later);
	if (strcmp(cmd, "intro-send") == 0)
		return introduce_send(d, cl, req, later);
	if (strcmp(cmd, "intro-take") == 0)
		return introduce_take(d, req);
	if (strcmp(cmd, "verify-wait") == 0)
		return verify_wait(d, cl, req, later);
	if (strcmp(cmd, "rotate-recognition") == 0)
		return req_rotate_recognition(d);
	if (strcmp(cmd, "contacts-changed") == 0)
		return req_contacts_changed(d);
	if (strcmp(cmd, "watch") == 0) {
		control_watch(cl);
		return ctl_ok();
	}
	return ctl_error(CTL_E_UNKNOWN, "unknown command");
}
