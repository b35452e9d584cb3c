/*
 * wfd: the state of one wallflowerd and the calls between its parts.
 *
 *   main.c     options, signals, lifecycle; starting and stopping the advert
 *   peers.c    the table of nearby peers (what mdns reports), with short ids
 *   net.c      the TCP listener and every peer connection, each driving a session
 *   exchange.c what the daemon does with offers and cards: inbox, outbox, deliveries
 *              (offers to an advert, or direct to an invite or ADDRESS:PORT)
 *   control.c  the control socket: framing, clients, and the watch stream
 *   commands.c what each control request does
 *   mdns.c     the avahi adapter
 *
 * Single-threaded: everything runs from the loop.
 */
#ifndef WFD_H
#define WFD_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "wallflower/card.h"
#include "wallflower/identity.h"
#include "wallflower/intake.h"
#include "wallflower/invite.h"
#include "wallflower/peermsg.h"
#include "wallflower/peertab.h"
#include "wallflower/recog.h"
#include "wallflower/session.h"
#include "wallflower/store.h"
#include "wallflower/txt.h"

#include "loop.h"
#include "mdns.h"

#define WFD_OFFER_TTL_DEFAULT (24 * 3600) /* seconds an offer waits in the inbox */
#define WFD_OUTBOX_TTL        600         /* seconds a send keeps retrying */
#define WFD_RETRY_MIN_MS      1000        /* wait before the first retry; doubles each time */
#define WFD_RETRY_MAX_MS      30000
#define WFD_PREVIEW_NAME      64   /* bytes of a name in a preview */
#define WFD_PREVIEW_NOTE      140  /* bytes of a note in a preview */
#define WFD_PEER_ID_MAX       12   /* bytes of a short peer id, NUL included */
#define WFD_LAN_PROBE_MS      3000 /* how long `lan` (doctor) looks for other services */

struct control;
struct control_client;
struct net;

/* One peer nearby, as its advert shows it. At most PEERTAB_MAX of them (peertab.h). */
struct peer {
	unsigned id; /* short id: never reused while this daemon runs */
	char instance[MDNS_NAME_MAX];
	struct txt_info txt;
	char addr[MDNS_ADDR_MAX];
	uint16_t port;
	uint64_t seen; /* loop_now_ms() of its advert's last answer */
	bool shown;    /* listed by `nearby` or named by `send`: never evicted */
	/* Its tag names a contact of ours (proto/txt.md 6.2): who, and how to check, before a
	 * send, that the session's responder holds the presence key the contact published. */
	bool recognised;
	struct recog_match match;
	uint8_t bind[RECOG_HALF];
	struct peer *next;
};

/* What `start` asked for. */
struct wfd_advert {
	char event[TXT_EVENT_NAME_MAX + 1]; /* "" for none */
	char handle[TXT_HANDLE_MAX + 1];    /* "" for an anonymous instance name */
	enum txt_status status;
	bool topics_default;             /* follow the profile's topics (re-read on SIGHUP) */
	char topics[TXT_TOPICS_MAX + 1]; /* what is shown; "" for none */
	bool hidden;
	uint64_t until; /* unix seconds when advertising stops by itself; 0 for never */
};

/* A card being delivered: an offer from the outbox, or a card back after an accept. */
struct delivery {
	struct wfd *d;
	int64_t outbox_id;            /* offers; 0 for a card back */
	char instance[MDNS_NAME_MAX]; /* offers: whom to, by advert */
	char addr[MDNS_ADDR_MAX];     /* cards back: where the offer came from */
	uint16_t port;
	bool has_expect; /* cards back: only this presence key may answer */
	uint8_t expect[CRYPT_DH_KEY];
	uint8_t static_sk[CRYPT_DH_KEY]; /* cards back: the presence secret that took the offer */
	int64_t contact; /* offers to a recognised contact, introduction objects: who; else 0 */
	/* Direct offers (`send --to`): where, tried address by address, and the invite's
	 * fingerprint, checked against the responder's presence key (proto/invite.md). */
	bool direct;
	struct invite to;
	struct invite_round round; /* which address the next attempt uses */
	bool has_bind;             /* this try: the advert's binding to check (net.c) */
	struct recog_match bind;
	uint8_t bind_b[RECOG_HALF];
	struct peermsg msg; /* owns card and note */
	unsigned tries;
	uint64_t deadline; /* unix seconds */
	struct loop_timer *timer;
	bool connecting;
	/* verify (msg.type PEERMSG_VERIFY): the code and the responder, once it stands */
	bool verified;
	uint32_t code;
	uint8_t peer_key[CRYPT_SIGN_PK];
	void (*notify)(void *arg, json_t *result); /* who waits for the first result, or NULL */
	void *notify_arg;
	struct delivery *next;
};

struct wfd {
	struct loop *loop;
	struct mdns *mdns;
	struct store *st;
	struct identity *id;
	uint8_t rk[RECOG_KEY];          /* our recognition key (recog.h) */
	struct recog *recog;            /* our contacts' tags, to recognise them nearby */
	struct loop_timer *epoch_timer; /* the tag changes every RECOG_EPOCH_SECONDS */
	struct net *net;
	struct control *ctl;
	/* configuration */
	char *state_dir, *runtime_dir;
	uint16_t port_wanted;
	uint64_t offer_ttl;
	/* the default persona's fields: common ground, default topics */
	struct card_fields profile;
	/* started or not */
	bool started;
	struct wfd_advert adv;
	char instance[MDNS_NAME_MAX];
	unsigned slot; /* of the current advert's tag (proto/txt.md 6.1) */
	/* This start's presence key (proto/session.md 6.1): the static of every session. */
	uint8_t presence_sk[CRYPT_DH_KEY], presence_pk[CRYPT_DH_KEY];
	struct loop_timer *until_timer;
	bool advert_over; /* --for ran out: not advertising until the next start */
	/* nearby */
	struct peer *peers;
	unsigned next_peer_id;
	struct delivery *deliveries;
	struct control_pending *lan_pending; /* a `lan` request waiting for the probe */
	struct {
		struct control_pending *waiter; /* a `verify-wait` client, or NULL */
		struct loop_timer *timer;       /* when its wait ends */
		bool taken;                     /* a verify is under way for it */
	} verify;
	struct intake_limits limits; /* the answer rule's (intake.h) */
	struct {
		unsigned long total, by[INTAKE_LIMIT_LEDGER + 1];
	} held; /* requests answered busy since the start, by limit */
	bool quitting;
};

/* ---- main.c ---- */
int wfd_start(struct wfd *d, const struct wfd_advert *adv, const char **why);
void wfd_stop(struct wfd *d);
void wfd_quit(struct wfd *d);
/* Replaces our recognition key and the advert's tag. 0; negative errno with *why. */
int wfd_rotate_recognition(struct wfd *d, const char **why);
/* Makes the recogniser again from the store's contacts (one was forgotten). 0 or -errno. */
int wfd_reload_contacts(struct wfd *d);
int wfd_reload_profile(struct wfd *d);
/* The lower-cased topics of the profile: topics, offers, seeks. */
const struct card_list *wfd_profile_list(const struct wfd *d, enum card_field f);

/* ---- peers.c ---- */
/* An advert answered: a new peer joins the table if peertab_admit lets it (else mdns is
 * told to release it), pushing out the peer it names; a known one is updated. */
void peers_up(struct wfd *d, const struct mdns_peer *p);
void peers_down(struct wfd *d, const char *instance);
/* Whose tag each peer shows, again: our contacts' keys or the epoch changed. */
void peers_recognise_all(struct wfd *d);
void peers_clear(struct wfd *d);
size_t peers_count(const struct wfd *d);
struct peer *peers_by_instance(struct wfd *d, const char *instance);
/* The peer recognised as contact_id (its advert shows their tag), or NULL. */
struct peer *peers_by_contact(struct wfd *d, int64_t contact_id);
/*
 * The peer a `send` token names (peertab_lookup: "7", "#7", "@7"), which then counts as
 * shown. 0; -ENOENT; -EEXIST (ambiguous); -EINVAL (a bare "#" or "@"). On error, why (size
 * bytes) gets the one-line reason for the user, naming both candidates when ambiguous.
 */
int peers_lookup(struct wfd *d, const char *token, struct peer **out, char *why, size_t size);
/* The user was shown every peer (a `nearby` reply): pins them, within PEERTAB_SHOWN_MAX. */
void peers_shown(struct wfd *d);
/* The table's size and bounds, for the `nearby` reply. */
json_t *peers_table_json(const struct wfd *d);
json_t *peers_json(const struct wfd *d, const struct peer *p);
/* The topics of a comma-separated list (an advert's) that the profile shares, as a JSON
 * object (ground.h): {"topics": [...], "you_offer": [...], "you_seek": [...]}. */
json_t *peers_common_ground(const struct wfd *d, const char *topics);
/* The same for the topics, offers and seeks of a card (an offer in the inbox). */
json_t *peers_common_ground_card(const struct wfd *d, const struct card *card);

/* ---- net.c ---- */
int net_new(struct wfd *d, struct net **out);
void net_free(struct net *n);
/* Opens the listener on port (0: any); its sessions use d's presence key of the moment.
 * With port 0 the system's choice is never avoid (the previous start's port). 0; negative
 * errno. */
int net_listen(struct net *n, uint16_t port, uint16_t avoid);
void net_unlisten(struct net *n);
uint16_t net_port(const struct net *n);
unsigned net_connections(const struct net *n);
/*
 * This machine's addresses that an invite may list (invite_addr_usable): of interfaces up
 * and running, not loopback; IPv4 first, at most max. 0 with *n (may be 0); negative errno.
 */
int net_local_addrs(struct invite_addr *out, unsigned max, unsigned *n);
/* Starts an outgoing session for dl to addr:port. 0; -EBUSY at the limit; negative errno. */
int net_connect(struct net *n, struct delivery *dl, const char *addr, uint16_t port);

/* ---- exchange.c ---- */
/* A request arrived on an incoming session, its card verified and handed over by its owner
 * (an intro: its object checked, card its signer's), from the presence key peer_static to
 * ours, presence_sk: intake decides, this announces; fills the answer (ack, or error busy
 * or internal). */
void exchange_request(struct wfd *d, const char *addr, const uint8_t *peer_static,
                      const uint8_t *presence_sk, const struct peermsg *req,
                      const struct card *card, const struct intro *intro, struct peermsg *answer);

/* An outgoing session finished: ok with the answer and the responder's presence key, or
 * failed (wrong_peer: the responder was not the one expected, and never saw our card). */
void exchange_done(struct delivery *dl, const struct peermsg *answer, const uint8_t *peer_static,
                   bool wrong_peer, const char *why);
/* A contact's recognition key is new or changed: recognise them nearby from now on. */
void exchange_recognise(struct wfd *d, int64_t person_id, const uint8_t rk[RECOG_KEY]);
/*
 * Offers our card (which must be ours and valid) to p: kept in the outbox as *id, then
 * delivered. 1: under way, *under_way is the delivery (exchange_notify can wait for its
 * first result); 0: pending, it will be retried (*why says why); -EINVAL (not our card, a
 * bad note), -EDQUOT (the outbox is full), -EIO (gave up at once), -ENOMEM, with *why.
 */
int exchange_send(struct wfd *d, struct peer *p, const uint8_t *card, size_t len, const char *note,
                  bool reply, struct delivery **under_way, int64_t *id, const char **why);
/*
 * Asks p to verify in person (proto/session.md 9.7): one attempt, no retries. 0, with
 * *under_way the delivery (exchange_notify waits for its result); -EBUSY, -EIO or -ENOMEM
 * with *why.
 */
int exchange_verify(struct wfd *d, struct peer *p, struct delivery **under_way, const char **why);
/* Calls notify(arg, result) once with dl's first result (delivered, pending, failed),
 * taking the reference; notify NULL forgets an earlier one. If dl is freed first (the
 * daemon stopping), notify gets an error. */
void exchange_notify(struct delivery *dl, void (*notify)(void *arg, json_t *result), void *arg);
/*
 * The same for an offer made directly to an invite or an ADDRESS:PORT (to, copied): no
 * advert, the addresses tried in turn, and an invite's fingerprint checked before our card
 * leaves. Same results.
 */
int exchange_send_direct(struct wfd *d, const struct invite *to, const uint8_t *card, size_t len,
                         const char *note, bool reply, struct delivery **under_way, int64_t *id,
                         const char **why);
/*
 * Sends an introduction object (ours, checked) to contact_id, who must be recognised
 * nearby now. 1: under way, *under_way as for exchange_send; -ENOENT when they are not
 * visible (the caller gives its user the text instead); -ENOMEM; -EIO with *why.
 */
int exchange_send_object(struct wfd *d, int64_t contact_id, const uint8_t *obj, size_t len,
                         struct delivery **under_way, const char **why);
/* Sends our card back to the sender of the accepted offer o. 0; -EINVAL; -EIO; -ENOMEM. */
int exchange_card_back(struct wfd *d, const struct inbox_offer *o, const uint8_t *card, size_t len,
                       const char **why);
void exchange_peer_up(struct wfd *d, const struct peer *p);
void exchange_resume(struct wfd *d);
void exchange_free_all(struct wfd *d);
json_t *exchange_offer_json(struct wfd *d, const struct inbox_offer *o);

/* ---- introduce.c ---- */
/* The `intro-send` and `intro-take` requests (proto/control.md). */
json_t *introduce_send(struct wfd *d, struct control_client *cl, const json_t *req, bool *later);
json_t *introduce_take(struct wfd *d, const json_t *req);
/* Announces what intake made of an introduction object (from a session or from text). */
void introduce_taken(struct wfd *d, const struct intro *o, const struct intake_result *res);
/* The members an ask or an intro adds to its inbox entry's JSON ("for", "introduced_by"). */
void introduce_offer_json(struct wfd *d, const struct inbox_offer *o, json_t *j);
/* After accepting intro o (its card back asked for): makes the reply with our card (hex
 * from the client, or NULL) and sends it when the asker is nearby. The "intro_reply"
 * member of the accept's answer: {"state", "obj"}. */
json_t *introduce_reply(struct wfd *d, const struct inbox_offer *o, int64_t asker,
                        const uint8_t *card, size_t len);

/* ---- verify.c ---- */
/* The `verify` and `verify-wait` requests (proto/control.md): replies come later. */
json_t *verify_ask(struct wfd *d, struct control_client *cl, const json_t *req, bool *later);
json_t *verify_wait(struct wfd *d, struct control_client *cl, const json_t *req, bool *later);
/* An incoming verify: whether we answer it (a client waits, and no verify is under way). */
bool verify_take(struct wfd *d);
/* The verify we took ended: with the code and the initiator's identity, or failed. */
void verify_heard(struct wfd *d, const uint8_t key[CRYPT_SIGN_PK], uint32_t code);
void verify_lost(struct wfd *d, const char *why);
/* Stopping: a waiting client is told. */
void verify_stop(struct wfd *d);
/* What the client of a `verify` is told when its session ended. */
json_t *verify_outcome(const struct delivery *dl, const struct peermsg *answer, bool wrong_peer,
                       const char *why);

/* ---- control.c ---- */
int control_new(struct wfd *d, const char *path, struct control **out);
void control_free(struct control *c);
/* Sends an event to every watcher (takes the reference). */
void control_broadcast(struct control *c, json_t *event);
/* Answers a request that was left waiting (takes the reference). */
void control_reply(struct control_client *cl, json_t *reply);
/*
 * Leaves cl's request waiting for a reply that comes later, through control_pending_reply
 * (which frees the pending reply). The client owns it: if the client goes first, cancel(arg)
 * is called and the pending reply freed, so whoever was to answer must forget it then.
 * NULL when out of memory.
 */
struct control_pending *control_pend(struct control_client *cl, void (*cancel)(void *arg),
                                     void *arg);
void control_pending_reply(struct control_pending *p, json_t *reply);
/* Makes cl a watcher: it gets every broadcast event from now on. */
void control_watch(struct control_client *cl);

/* ---- commands.c ---- */
/* Every request the daemon understands: the reply, or NULL with *later set when the reply
 * comes later through control_reply. */
json_t *control_dispatch(struct wfd *d, struct control_client *cl, const json_t *req, bool *later);

#endif
