/*
 * wallflowerd: one per user, never root. It owns the advert, the table of nearby peers,
 * the TCP listener and peer sessions, the inbox and outbox, and the control socket, all
 * on one thread and one loop (wfd.h says which file does what).
 *
 * This file reads the options, sets the loop up, turns signals into loop events
 * (signalfd), and starts and stops advertising. SIGTERM and SIGINT withdraw the advert and
 * close everything; SIGHUP re-reads the profile.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "wallflower/crypt.h"
#include "wallflower/file.h"
#include "wallflower/paths.h"
#include "wallflower/quote.h"
#include "wallflower/text.h"
#include "wallflower/when.h"

#include "log.h"
#include "wfd.h"

static const char usage[] =
        "usage: wallflowerd [-d] [--state-dir DIR] [--runtime-dir DIR] [--port N]\n"
        "                   [--offer-ttl DURATION] [--inbox-max N] [--inbox-per-sender N]\n"
        "                   [--inbox-per-address N] [--inbox-keys-per-address N]\n"
        "                   [--intake-window DURATION]\n"
        "\n"
        "The wallflower daemon. It waits on its control socket until `wallflower start`\n"
        "asks it to advertise and browse; `wallflower stop` (or SIGTERM) ends it. You\n"
        "rarely run it by hand: `wallflower start` starts it when it is not running.\n"
        "\n"
        "  -d, --debug          log to stderr, debug lines included (otherwise logs go\n"
        "                       to syslog, the journal under systemd); it never forks\n"
        "  --state-dir DIR      identity and store (default: as the CLI)\n"
        "  --runtime-dir DIR    control socket (default: $XDG_RUNTIME_DIR/wallflower)\n"
        "  --port N             TCP port for peers (default: any free port; advertised)\n"
        "  --offer-ttl DURATION how long offers wait in the inbox (default 24h)\n"
        "\n"
        "The answer rule (proto/session.md 9.5): past any of these, a sender is answered\n"
        "busy, whoever it is and whatever you decided about its earlier offers. 0 lifts a\n"
        "limit.\n"
        "  --inbox-max N        offers that may wait in all (default 256)\n"
        "  --inbox-per-sender N requests one identity may make per window (default 4)\n"
        "  --inbox-per-address N  requests from one network address per window (default 16)\n"
        "  --inbox-keys-per-address N  identities that may send from one address per window\n"
        "                       (default 4)\n"
        "  --intake-window DURATION  the window (default 24h)\n"
        "  -h, --help           this text\n"
        "  -V, --version        the version\n";

/* What of an argument an error message repeats, as the CLI's cli_quote. */
#define QUOTE_ARG_MAX 80

/* In the runtime directory, beside the control socket: held by the running daemon. */
#define WFD_LOCK_FILE "wallflowerd.lock"
/* The port of the last start's listener, so the next start draws another one. */
#define WFD_PORT_FILE "wallflowerd.port"

/* ---- the profile ---- */

int
wfd_reload_profile(struct wfd *d)
{
	struct card_fields f;
	int r;

	card_fields_init(&f);
	r = store_profile_get(d->st, STORE_PERSONA_DEFAULT, &f);
	if (r < 0 && r != -ENOENT)
		return r;
	card_fields_clear(&d->profile);
	d->profile = f;
	return 0;
}

const struct card_list *
wfd_profile_list(const struct wfd *d, enum card_field f)
{
	return card_fields_list_const(&d->profile, f);
}

/* The profile's topics, as many as fit in an advert. */
static void
profile_topics(const struct wfd *d, char *out, size_t size)
{
	const struct card_list *l = wfd_profile_list(d, CARD_TOPICS);
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; l != NULL && i < l->n; i++) {
		size_t n = strlen(l->items[i]);

		if (n > TXT_TOPIC_MAX || strchr(l->items[i], ',') != NULL)
			continue;
		if (used + (used > 0) + n >= size)
			break;
		used += (size_t)snprintf(out + used, size - used, "%s%s", used > 0 ? "," : "",
		                         l->items[i]);
	}
}

/* ---- starting and stopping ---- */

static void on_changed(void *arg);

static void
until_fire(struct loop_timer *t, void *arg)
{
	struct wfd *d = arg;

	(void)t;
	log_info("advertising time is over; still browsing");
	mdns_withdraw(d->mdns);
	d->adv.until = 0;
	d->advert_over = true;
	on_changed(d);
}

/* The record of adv, with the recognition tag of this epoch, slot and presence key. */
static int
build_txt(const struct wfd *d, const struct wfd_advert *adv, uint8_t *buf, size_t *len,
          const char **why)
{
	struct txt_info info = { .status = adv->status };
	uint8_t tag[RECOG_TAG];
	int r;

	snprintf(info.handle, sizeof(info.handle), "%s", adv->handle);
	snprintf(info.topics, sizeof(info.topics), "%s", adv->topics);
	if (adv->event[0] != '\0')
		txt_event_tag(adv->event, info.event);
	recog_tag(d->rk, recog_epoch(time(NULL)), d->slot, d->presence_pk, tag);
	recog_tag_text(tag, info.recog);
	r = txt_build(&info, buf, TXT_RECORD_MAX, len);
	if (r == -EINVAL)
		*why = "the handle or a topic breaks the advert's rules (proto/txt.md)";
	else if (r < 0)
		*why = "the handle and topics do not fit in an advert (200 bytes)";
	return r;
}

/* A fresh instance name: the handle, or "wallflower-" and four random hex digits. */
static void
fresh_instance(struct wfd *d, const struct wfd_advert *adv)
{
	uint8_t rnd[2];
	char hex[5];

	if (adv->handle[0] != '\0') {
		snprintf(d->instance, sizeof(d->instance), "%s", adv->handle);
		return;
	}
	crypt_random(rnd, sizeof(rnd));
	crypt_hex(hex, rnd, sizeof(rnd));
	snprintf(d->instance, sizeof(d->instance), "wallflower-%s", hex);
}

/*
 * A slot for a new advert's tag, never the one before, even across a restart (proto/txt.md
 * 6.1): two adverts in a row never share a tag.
 */
static void
fresh_slot(struct wfd *d)
{
	unsigned prev = 255;

	if (store_advert_slot(d->st, &prev) < 0)
		log_warnx("cannot read the last advert's slot");
	d->slot = recog_slot_next(prev < RECOG_SLOTS ? (int)prev : RECOG_SLOT_NONE);
	if (store_advert_slot_set(d->st, d->slot) < 0)
		log_warnx("cannot keep the advert's slot");
}

/* A presence key for this start (proto/session.md 6.1): nothing ties it to the last one. */
static int
fresh_presence(struct wfd *d)
{
	crypt_random(d->presence_sk, sizeof(d->presence_sk));
	return crypt_dh_public(d->presence_pk, d->presence_sk);
}

/* Milliseconds until the next epoch of the recognition tag starts. */
static uint64_t
until_next_epoch(void)
{
	uint64_t now = (uint64_t)time(NULL);

	return (RECOG_EPOCH_SECONDS - now % RECOG_EPOCH_SECONDS) * 1000 + 500;
}

/* The port the previous start listened on, from the runtime directory; 0 when unknown. */
static uint16_t
last_port(const struct wfd *d)
{
	char *path = file_join(d->runtime_dir, WFD_PORT_FILE), *end;
	uint8_t *buf = NULL;
	size_t len = 0;
	unsigned long port = 0;

	if (path != NULL && file_read(path, 8, &buf, &len) == 0 && len > 0 && len < 8 &&
	    buf[len - 1] == '\n') {
		buf[len - 1] = '\0';
		errno = 0;
		port = strtoul((char *)buf, &end, 10);
		if (errno != 0 || *end != '\0' || port > UINT16_MAX || buf[0] == '+' ||
		    buf[0] == '-')
			port = 0;
	}
	free(buf);
	free(path);
	return (uint16_t)port;
}

/* Opens the listener, on --port or a port the system draws that is not the previous
 * start's (the two adverts' ports must not link them), and remembers it. */
static int
listen_for_peers(struct wfd *d)
{
	char line[8], *path;
	int r;

	if ((r = net_listen(d->net, d->port_wanted, last_port(d))) < 0) {
		log_warnx("cannot listen on port %u: %s", d->port_wanted, strerror(-r));
		return r;
	}
	snprintf(line, sizeof(line), "%u\n", net_port(d->net));
	if ((path = file_join(d->runtime_dir, WFD_PORT_FILE)) == NULL ||
	    file_write_replace(path, line, strlen(line), 0600) < 0)
		log_warnx("cannot note the port in %s; the next start may draw it again",
		          d->runtime_dir);
	free(path);
	return 0;
}

/* A new epoch: our contacts' tags move on, and so does ours, in place. */
static void
epoch_fire(struct loop_timer *t, void *arg)
{
	struct wfd *d = arg;
	uint8_t txt[TXT_RECORD_MAX];
	const char *why = NULL;
	size_t len = 0;

	recog_refresh(d->recog, time(NULL));
	peers_recognise_all(d);
	if (d->started && !d->adv.hidden && !d->advert_over &&
	    (build_txt(d, &d->adv, txt, &len, &why) < 0 || mdns_update_txt(d->mdns, txt, len) < 0))
		log_warnx("cannot renew the advert's tag%s%s", why ? ": " : "", why ? why : "");
	loop_timer_set(t, until_next_epoch());
}

int
wfd_start(struct wfd *d, const struct wfd_advert *in, const char **why)
{
	struct wfd_advert adv = *in;
	uint8_t txt[TXT_RECORD_MAX];
	size_t len = 0;
	bool again, first = !d->started;
	int r;

	if (adv.event[0] != '\0' && text_check(adv.event, strlen(adv.event), 0) != TEXT_OK) {
		*why = "the event name is not valid text";
		return -EINVAL;
	}
	if (adv.topics_default)
		profile_topics(d, adv.topics, sizeof(adv.topics));
	if (adv.until != 0 && adv.until <= (uint64_t)time(NULL))
		adv.until = 0; /* a --for that ran out: this start advertises until told */
	/* A new handle, event or visibility is a new advert under a fresh name and tag; status
	 * and topics change the record in place. */
	again = first || strcmp(adv.handle, d->adv.handle) != 0 ||
	        strcmp(adv.event, d->adv.event) != 0 || adv.hidden != d->adv.hidden ||
	        d->advert_over;
	if (first && fresh_presence(d) < 0) {
		*why = "cannot make a presence key";
		return -EIO;
	}
	if (again)
		fresh_slot(d);
	if ((r = build_txt(d, &adv, txt, &len, why)) < 0)
		return r;
	if (first && (r = listen_for_peers(d)) < 0) {
		*why = "cannot listen for peers on that port";
		return r;
	}
	if (adv.hidden) {
		mdns_withdraw(d->mdns);
		on_changed(d);
	} else if (again) {
		fresh_instance(d, &adv);
		r = mdns_advertise(d->mdns, d->instance, net_port(d->net), txt, len);
	} else {
		r = mdns_update_txt(d->mdns, txt, len);
	}
	if (r < 0) {
		*why = "avahi refused the advert";
		return r;
	}
	mdns_browse(d->mdns, true);
	if (adv.until != 0 && !adv.hidden)
		loop_timer_set(d->until_timer, (adv.until - (uint64_t)time(NULL)) * 1000);
	else
		loop_timer_stop(d->until_timer);
	d->adv = adv;
	d->started = true;
	d->advert_over = false;
	if (first)
		exchange_resume(d);
	log_info("started%s%s%s", adv.event[0] ? " at " : "", adv.event,
	         adv.hidden ? " (hidden)" : "");
	return 0;
}

void
wfd_stop(struct wfd *d)
{
	if (!d->started)
		return;
	mdns_withdraw(d->mdns);
	mdns_browse(d->mdns, false);
	peers_clear(d);
	net_unlisten(d->net);
	loop_timer_stop(d->until_timer);
	verify_stop(d);
	d->started = false;
	/* The offers it took keep their copy (the card back needs it); nobody else does. */
	crypt_wipe(d->presence_sk, sizeof(d->presence_sk));
}

void
wfd_quit(struct wfd *d)
{
	d->quitting = true;
	loop_quit(d->loop);
}

/* ---- mdns callbacks ---- */

static void
on_peer_up(void *arg, const struct mdns_peer *p)
{
	peers_up(arg, p);
}

static void
on_peer_down(void *arg, const char *instance)
{
	peers_down(arg, instance);
}

static void
on_changed(void *arg)
{
	struct wfd *d = arg;

	if (d->mdns == NULL)
		return; /* the first report comes from inside mdns_new */
	control_broadcast(d->ctl, json_pack("{ssssss}", "event", "avahi", "avahi",
	                                    mdns_avahi_state(d->mdns), "advert",
	                                    mdns_advert_state(d->mdns)));
}

/* ---- signals ---- */

static void
on_signal(struct loop_watch *w, int fd, uint32_t events, void *arg)
{
	struct wfd *d = arg;
	struct signalfd_siginfo si;

	(void)w;
	(void)events;
	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			log_info("re-reading the profile");
			if (wfd_reload_profile(d) < 0)
				log_warnx("cannot read the profile");
			else if (d->started && d->adv.topics_default && !d->advert_over) {
				const char *why = NULL;
				struct wfd_advert adv = d->adv;

				if (wfd_start(d, &adv, &why) < 0)
					log_warnx("cannot update the advert: %s", why);
			}
		} else {
			log_info("stopping (signal %u)", si.ssi_signo);
			wfd_quit(d);
		}
	}
}

static int
signals_setup(struct wfd *d, int *sfd, struct loop_watch **w)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0 ||
	    (*sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) < 0)
		return -errno;
	signal(SIGPIPE, SIG_IGN); /* a peer that hangs up is an error return, not a death */
	if ((*w = loop_watch_new(d->loop, *sfd, EPOLLIN, on_signal, d)) == NULL)
		return -errno;
	return 0;
}

/* ---- setup ---- */

struct options {
	bool foreground;
	const char *state_dir, *runtime_dir;
	uint16_t port;
	uint64_t offer_ttl;
	struct intake_limits limits;
};

/* A count from 0 (no limit) to 1000000 for option name. 0 or 2 after saying why. */
static int
parse_count(const char *name, const char *arg, unsigned *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno != 0 || *end != '\0' || arg[0] < '0' || arg[0] > '9' || v > 1000000) {
		fprintf(stderr, "wallflowerd: %s: a number from 0 (no limit) to 1000000\n", name);
		return 2;
	}
	*out = (unsigned)v;
	return 0;
}

static int
parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "debug", no_argument, NULL, 'd' },
		{ "state-dir", required_argument, NULL, 's' },
		{ "runtime-dir", required_argument, NULL, 'r' },
		{ "port", required_argument, NULL, 'p' },
		{ "offer-ttl", required_argument, NULL, 't' },
		{ "inbox-max", required_argument, NULL, 'M' },
		{ "inbox-per-sender", required_argument, NULL, 'K' },
		{ "inbox-per-address", required_argument, NULL, 'A' },
		{ "inbox-keys-per-address", required_argument, NULL, 'k' },
		{ "intake-window", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	char *end, q[QUOTE_ARG_MAX + QUOTE_SLACK]; /* an argument, quoted for a message */
	unsigned long v;
	int c;

	opterr = 0;
	o->offer_ttl = WFD_OFFER_TTL_DEFAULT;
	intake_limits_default(&o->limits);
	while ((c = getopt_long(argc, argv, "dhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			o->foreground = true;
			break;
		case 's':
			o->state_dir = optarg;
			break;
		case 'r':
			o->runtime_dir = optarg;
			break;
		case 'p':
			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || optarg[0] == '\0' || optarg[0] == '-' ||
			    v > 65535) {
				fprintf(stderr, "wallflowerd: --port: a number from 0 to 65535\n");
				return 2;
			}
			o->port = (uint16_t)v;
			break;
		case 't':
			if (when_parse_duration(optarg, &o->offer_ttl) < 0 || o->offer_ttl == 0) {
				fprintf(stderr,
				        "wallflowerd: --offer-ttl: a duration such as 24h or "
				        "30min\n");
				return 2;
			}
			break;
		case 'M':
			if (parse_count("--inbox-max", optarg, &o->limits.waiting) != 0)
				return 2;
			break;
		case 'K':
			if (parse_count("--inbox-per-sender", optarg, &o->limits.per_key) != 0)
				return 2;
			break;
		case 'A':
			if (parse_count("--inbox-per-address", optarg, &o->limits.per_addr) != 0)
				return 2;
			break;
		case 'k':
			if (parse_count("--inbox-keys-per-address", optarg,
			                &o->limits.keys_per_addr) != 0)
				return 2;
			break;
		case 'w':
			if (when_parse_duration(optarg, &o->limits.window) < 0 ||
			    o->limits.window == 0) {
				fprintf(stderr, "wallflowerd: --intake-window: a duration such as "
				                "24h or 30min\n");
				return 2;
			}
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		case 'V':
			printf("wallflowerd %s\n", WALLFLOWER_VERSION);
			return 0;
		default:
			fprintf(stderr,
			        "wallflowerd: unknown or incomplete option %s (see --help)\n",
			        quote_escape(q, QUOTE_ARG_MAX, argv[optind - 1], QUOTE_QUOTED));
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "wallflowerd: unexpected argument %s (see --help)\n",
		        quote_escape(q, QUOTE_ARG_MAX, argv[optind], QUOTE_QUOTED));
		return 2;
	}
	return -1;
}

/* A recogniser of every contact's recognition key in the store, for the tags around now. */
static int
recogniser_load(struct wfd *d, struct recog **out)
{
	struct store_recognition *keys = NULL;
	struct recog *rec = NULL;
	size_t n = 0;
	int r;

	if ((r = recog_new(&rec)) < 0 || (r = store_recognition_list(d->st, &keys, &n)) < 0) {
		log_warnx("cannot read your contacts' recognition keys: %s", strerror(-r));
		recog_free(rec);
		return r;
	}
	for (size_t i = 0; i < n && r == 0; i++)
		if ((r = recog_add(rec, keys[i].person_id, keys[i].key)) == -ENOSPC)
			r = 0; /* beyond what one recogniser holds: those are not recognised */
	store_recognition_free(keys, n);
	if (r < 0) {
		recog_free(rec);
		return r;
	}
	recog_refresh(rec, time(NULL));
	*out = rec;
	return 0;
}

/*
 * Our recognition key (made now if `init` predates it) and our contacts', ready to
 * recognise them nearby from the first advert.
 */
static int
open_recognition(struct wfd *d)
{
	int r;

	if ((r = recog_key_load(d->state_dir, d->rk)) == -ENOENT)
		r = recog_key_create(d->state_dir, d->rk);
	if (r < 0) {
		log_warnx("cannot load your recognition key from %s: %s", d->state_dir,
		          strerror(-r));
		return r;
	}
	return recogniser_load(d, &d->recog);
}

/*
 * The contacts changed outside the daemon (`wallflower forget`): the recogniser is made
 * again from the store, so that a forgotten person is not recognised nearby any more.
 */
int
wfd_reload_contacts(struct wfd *d)
{
	struct recog *rec;
	int r;

	if ((r = recogniser_load(d, &rec)) < 0)
		return r;
	recog_free(d->recog);
	d->recog = rec;
	peers_recognise_all(d);
	return 0;
}

/* A new recognition key (`wallflower id rotate-recognition`): our next tags are of it. */
int
wfd_rotate_recognition(struct wfd *d, const char **why)
{
	uint8_t txt[TXT_RECORD_MAX];
	size_t len = 0;
	int r;

	if ((r = recog_key_rotate(d->state_dir, d->rk)) < 0) {
		*why = "cannot write the new recognition key";
		return r;
	}
	if (d->started && !d->adv.hidden && !d->advert_over) {
		fresh_slot(d);
		if ((r = build_txt(d, &d->adv, txt, &len, why)) < 0 ||
		    (r = mdns_update_txt(d->mdns, txt, len)) < 0) {
			*why = "the key is new, but the advert still shows the old tag";
			return r;
		}
	}
	log_info("new recognition key");
	return 0;
}

/*
 * A reason not to start that a person must act on. In the foreground the log is stderr;
 * otherwise it goes to syslog, and also to stderr when that is the pipe `wallflower start`
 * reads or a terminal (wallflowerd run by hand), so that it is not lost in the journal.
 */
static void
say_fatal(bool foreground, const char *msg)
{
	struct stat sb;

	log_warnx("%s", msg);
	if (!foreground && fstat(STDERR_FILENO, &sb) == 0 &&
	    (S_ISFIFO(sb.st_mode) || isatty(STDERR_FILENO))) {
		signal(SIGPIPE, SIG_IGN); /* start stopped reading: an error, not a death */
		fprintf(stderr, "wallflowerd: %s\n", msg);
	}
}

/*
 * The store first, then the identity: the daemon never creates a store (only `wallflower
 * init` does), and a state directory without one gets the CLI's message.
 */
static int
open_state(struct wfd *d, const char *state_dir, bool foreground)
{
	char *db = NULL, msg[PATH_MAX + 128];
	int r, found = 0;

	if ((r = paths_state_dir(state_dir, &d->state_dir)) < 0) {
		say_fatal(foreground, "no state directory: set HOME or pass --state-dir");
		return r;
	}
	if ((db = file_join(d->state_dir, STORE_FILE)) == NULL)
		return -ENOMEM;
	r = store_open_flags(db, 0, &d->st, &found);
	if (r == -ENOENT) {
		snprintf(msg, sizeof(msg), "no wallflower store in %s; run 'wallflower init'",
		         d->state_dir);
		say_fatal(foreground, msg);
	} else if (r == -EPROTO) {
		log_warnx("the store %s has schema version %d, newer than this wallflowerd knows "
		          "(%d); upgrade wallflower",
		          db, found, STORE_SCHEMA_VERSION);
	} else if (r < 0) {
		log_warnx("cannot open the store %s: %s", db, strerror(-r));
	}
	free(db);
	if (r < 0)
		return r;
	if ((r = identity_load(d->state_dir, &d->id)) < 0) {
		snprintf(msg, sizeof(msg),
		         "cannot load your identity from %s: %s (run 'wallflower init')",
		         d->state_dir, strerror(-r));
		say_fatal(foreground, msg);
		return r;
	}
	if ((r = wfd_reload_profile(d)) < 0)
		log_warnx("cannot read the profile: %s", strerror(-r));
	if (r == 0)
		r = open_recognition(d);
	return r;
}

/*
 * One daemon per runtime directory. Two started at once used to both find no socket; the
 * second then replaced the first one's, and the first went on advertising with nobody able
 * to reach it. So the lock comes first, before the control socket, avahi and the
 * listener, and it is held until exit: closing lockfd, after the socket is removed, frees
 * it. The file stays (file.h says why). The refusal also goes to stderr when that is the
 * pipe `wallflower start` reads, even when the log goes to syslog.
 */
static int
lock_runtime(const char *dir, bool foreground, int *lockfd)
{
	struct stat st;
	char *path = NULL;
	pid_t holder = 0;
	int r;

	/* The directory's rules as control.c checks them, before anything is made in it. */
	if ((r = file_mkdir_private(dir)) == 0 && stat(dir, &st) == 0 && (st.st_mode & 077) != 0)
		r = -EACCES;
	if (r == -EACCES) {
		log_warnx("%s is open to others; it must be 0700 (chmod 700 %s)", dir, dir);
		return r;
	}
	if (r == -EPERM) {
		log_warnx("%s must be a directory of yours that others cannot write", dir);
		return r;
	}
	if (r < 0 || (path = file_join(dir, WFD_LOCK_FILE)) == NULL) {
		log_warnx("cannot make the runtime directory %s: %s", dir,
		          strerror(r < 0 ? -r : ENOMEM));
		return r < 0 ? r : -ENOMEM;
	}
	r = file_lock(path, lockfd, &holder);
	if (r == -EWOULDBLOCK) {
		char what[64] = "";

		if (holder > 0)
			snprintf(what, sizeof(what), " (pid %ld)", (long)holder);
		log_warnx("another wallflowerd is already running in %s%s", dir, what);
		/* start reads our stderr through a pipe; elsewhere (the journal) it would say it
		 * twice. */
		if (!foreground && fstat(STDERR_FILENO, &st) == 0 && S_ISFIFO(st.st_mode)) {
			/* If start stopped reading: an error, not a death. */
			signal(SIGPIPE, SIG_IGN);
			fprintf(stderr,
			        "wallflowerd: another wallflowerd is already running in %s%s\n",
			        dir, what);
		}
	} else if (r < 0) {
		log_warnx("cannot lock %s: %s", path, strerror(-r));
	}
	free(path);
	return r;
}

static int
run(struct wfd *d, const struct options *o)
{
	static const struct mdns_callbacks cb = { on_peer_up, on_peer_down, on_changed };
	struct loop_watch *sw = NULL;
	int sfd = -1, lockfd = -1, r;

	d->port_wanted = o->port;
	d->offer_ttl = o->offer_ttl;
	card_fields_init(&d->profile);
	if ((r = paths_runtime_dir(o->runtime_dir, &d->runtime_dir)) < 0) {
		log_warnx("no runtime directory: set XDG_RUNTIME_DIR or pass --runtime-dir");
		goto out;
	}
	if ((r = lock_runtime(d->runtime_dir, o->foreground, &lockfd)) < 0)
		goto out;
	if ((r = open_state(d, o->state_dir, o->foreground)) < 0)
		goto out;
	d->limits = o->limits;
	if ((r = loop_new(&d->loop)) < 0 || (r = signals_setup(d, &sfd, &sw)) < 0 ||
	    (r = net_new(d, &d->net)) < 0 ||
	    (d->until_timer = loop_timer_new(d->loop, until_fire, d)) == NULL ||
	    (d->epoch_timer = loop_timer_new(d->loop, epoch_fire, d)) == NULL) {
		log_warnx("cannot set up: %s", strerror(r < 0 ? -r : ENOMEM));
		r = r < 0 ? r : -ENOMEM;
		goto out;
	}
	if ((r = control_new(d, d->runtime_dir, &d->ctl)) < 0) {
		if (r == -EADDRINUSE)
			log_warnx("another wallflowerd already answers in %s", d->runtime_dir);
		else if (r == -EACCES)
			log_warnx("%s is open to others; it must be 0700 (chmod 700 %s)",
			          d->runtime_dir, d->runtime_dir);
		else
			log_warnx("cannot open the control socket in %s: %s", d->runtime_dir,
			          strerror(-r));
		goto out;
	}
	if ((r = mdns_new(d->loop, &cb, d, &d->mdns)) < 0)
		goto out;
	loop_timer_set(d->epoch_timer, until_next_epoch());
	log_info("ready; control socket in %s", d->runtime_dir);
	r = loop_run(d->loop);
	/* Graceful: withdraw the advert first, so nobody keeps seeing us. */
	wfd_stop(d);
out:
	d->quitting = true; /* nothing queued on the control socket starts now */
	net_free(d->net);
	d->net = NULL;
	exchange_free_all(d);
	/* The control socket before avahi: a client waiting for a network check cancels it. */
	control_free(d->ctl);
	d->ctl = NULL;
	mdns_free(d->mdns);
	d->mdns = NULL;
	loop_timer_free(d->until_timer);
	loop_timer_free(d->epoch_timer);
	loop_watch_free(sw);
	if (sfd >= 0)
		close(sfd);
	loop_free(d->loop);
	store_close(d->st);
	identity_free(d->id);
	recog_free(d->recog);
	crypt_wipe(d->rk, sizeof(d->rk));
	crypt_wipe(d->presence_sk, sizeof(d->presence_sk));
	card_fields_clear(&d->profile);
	free(d->state_dir);
	free(d->runtime_dir);
	if (lockfd >= 0)
		close(lockfd); /* last: the socket is gone, the next daemon may start */
	return r < 0 ? 1 : 0;
}

int
main(int argc, char **argv)
{
	struct options o = { 0 };
	struct wfd d = { 0 };
	int r = parse_options(argc, argv, &o);

	if (r >= 0)
		return r;
	if (geteuid() == 0 && getenv("WALLFLOWER_ALLOW_ROOT") == NULL) {
		fprintf(stderr, "wallflowerd: refusing to run as root; run it as your own user\n");
		return 1;
	}
	if (crypt_init() < 0) {
		fprintf(stderr, "wallflowerd: cannot initialise libsodium\n");
		return 1;
	}
	log_init(o.foreground);
	return run(&d, &o);
}
