/*
 * wallflower ask, wallflower introduce: introductions (proto/introduction.md). Both make a
 * signed object here, with the identity and the store: an ask ("introduce me; you may pass
 * my card on") to a hub, or an intro of one contact to another, carrying the introduced
 * person's consent (their waiting ask, or their card's fwd). Each object goes to its
 * recipient over the LAN when the daemon sees them nearby (`intro-send`), and otherwise
 * becomes armored text for the user to send by mail or chat. People are named by the user
 * with a name or fingerprint prefix; from there on only their exact key is used.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "ctlclient.h"
#include "wallflower/armor.h"
#include "wallflower/ctl.h"
#include "wallflower/intro.h"
#include "wallflower/recog.h"
#include "wallflower/text.h"

#define CLI_INTRO_WAIT_MS 45000 /* intro-send: the daemon answers after its first attempt */

struct intro_out;
static int write_text(const struct intro_out *out, const uint8_t *obj, size_t len);

/* What both verbs share: where the text goes, and the identity and card that sign. */
struct intro_out {
	bool armor;       /* --armor: text only, never the LAN */
	const char *file; /* -o FILE: the text goes there, else to stdout */
};

/* The one contact that word names, who must have a key (not a vCard's stand-in). */
static int
resolve(struct store *st, const char *word, struct contact **out)
{
	if (cli_contact_resolve(st, word, out) < 0)
		return -1;
	if (contact_unverified(*out)) {
		cli_error("%s came from a vCard: without wallflower there is nobody to send it to",
		          cli_quote((*out)->f.text[CARD_NAME]));
		contact_free_all(*out, 1);
		*out = NULL;
		return -1;
	}
	return 0;
}

int
cli_write_intro_text(const char *file, const uint8_t *obj, size_t len)
{
	struct intro_out out = { .file = file };

	return write_text(&out, obj, len);
}

/* Writes the armored text of obj to -o FILE or stdout. 0 or -1. */
static int
write_text(const struct intro_out *out, const uint8_t *obj, size_t len)
{
	char *text = NULL;
	size_t n = 0;
	FILE *f = stdout;
	int r = 0;

	if (armor_encode_as(ARMOR_LABEL_INTRO, obj, len, &text, &n) < 0) {
		cli_error("cannot write the text: out of memory");
		return -1;
	}
	if (out->file != NULL && (f = fopen(out->file, "w")) == NULL) {
		cli_error("cannot write %s: %s", cli_quote_path(out->file), strerror(errno));
		free(text);
		return -1;
	}
	if (fwrite(text, 1, n, f) != n)
		r = -1;
	if (f != stdout ? fclose(f) != 0 : fflush(f) != 0)
		r = -1;
	if (r < 0)
		cli_error("cannot write the text: %s", strerror(errno));
	free(text);
	return r;
}

/*
 * Hands obj to the daemon for the contact whose key is to. 1: delivered or on its way
 * (said); 0: not over the LAN now (no daemon, not started, not nearby: why says which);
 * -1: refused (said).
 */
static int
over_lan(const uint8_t *obj, size_t len, const uint8_t to[CRYPT_SIGN_PK], const char *name,
         const char **why)
{
	char *path = cli_socket_path_quietly(), *hex = malloc(2 * len + 1);
	char key[2 * CRYPT_SIGN_PK + 1];
	const char *state = "", *code = "", *msg = "";
	json_t *req = NULL, *reply = NULL;
	int fd = path != NULL ? ctlclient_dial(path) : -1, r = 0;

	free(path);
	*why = "wallflowerd is not running";
	if (fd >= 0 && hex != NULL) {
		crypt_hex(hex, obj, len);
		crypt_hex(key, to, CRYPT_SIGN_PK);
		req = json_pack("{ssssss}", "cmd", "intro-send", "to", key, "obj", hex);
		if (req != NULL && ctlclient_send(fd, req) == 0)
			reply = cli_read_msg(fd, CLI_INTRO_WAIT_MS);
		json_decref(req);
	}
	if (fd >= 0)
		close(fd);
	free(hex);
	if (reply == NULL)
		return 0;
	if (ctl_get_str(reply, "state", CTL_STRING_MAX, &state) < 0)
		state = "";
	if (ctl_get_str(reply, "code", CTL_STRING_MAX, &code) < 0)
		code = "";
	if (ctl_get_str(reply, "msg", CTL_STRING_MAX, &msg) < 0)
		msg = "";
	if (json_is_true(json_object_get(reply, "ok")) && strcmp(state, "delivered") == 0) {
		printf("Sent to %s over the LAN\n", name);
		r = 1;
	} else if (json_is_true(json_object_get(reply, "ok")) && strcmp(state, "pending") == 0) {
		/* The daemon keeps trying while they stay nearby; the text is the sure way. */
		*why = "it is on its way over the LAN, not delivered yet (the text is for the case "
		       "it does not get through)";
	} else if (json_is_true(json_object_get(reply, "ok"))) {
		*why = "they are not nearby now";
	} else if (strcmp(code, CTL_E_NOT_STARTED) == 0) {
		*why = "wallflower is not started";
	} else {
		cli_error("%s", cli_printable(*msg ? msg : "the daemon refused"));
		r = -1;
	}
	json_decref(reply);
	return r;
}

/* Over the LAN when it can, else (or with --armor) as text, saying what to do with it. */
static int
deliver(const struct intro_out *out, const uint8_t *obj, size_t len,
        const uint8_t to[CRYPT_SIGN_PK], const char *name, const char *what)
{
	const char *why = "you asked for text (--armor)";
	int r = out->armor ? 0 : over_lan(obj, len, to, name, &why);

	if (r != 0)
		return r > 0 ? 0 : -1;
	if (write_text(out, obj, len) < 0)
		return -1;
	fprintf(stderr,
	        "%s: %s. Send %s this text (mail, chat); they run 'wallflower import' on "
	        "it%s%s.\n",
	        what, why, name, out->file != NULL ? ": it is in " : "",
	        out->file != NULL ? cli_quote_path(out->file) : "");
	return 0;
}

/* Our card (from persona) and identity, for signing. 0 or -1 (said). */
static int
signer(struct cli *cli, const char *persona, uint8_t **card, size_t *len, struct identity **id)
{
	uint64_t rev;

	*card = NULL;
	*id = NULL;
	if (cli_issue_card(cli, persona, card, len, &rev) < 0)
		return -1;
	if (cli_load_identity(cli, id) < 0) {
		free(*card);
		*card = NULL;
		return -1;
	}
	return 0;
}

static void
said_verdict(const char *what, enum intro_verdict v)
{
	if (v == INTRO_TOO_BIG)
		cli_error("cannot make the %s: the cards in it are too big together (over %d "
		          "bytes); shorter cards fit",
		          what, INTRO_MAX);
	else
		cli_error("cannot make the %s: %s", what, intro_verdict_name(v));
}

/* ---- ask ---- */

static const char ask_help[] =
        "usage: wallflower ask CONTACT --for TEXT [--note TEXT] [--no-reply] [--persona P]\n"
        "                      [--armor] [-o FILE] [--runtime-dir DIR]\n"
        "\n"
        "Asks CONTACT (a name or the start of a fingerprint, as 'wallflower contacts' shows)\n"
        "to introduce you to people: the hubs of your network ('wallflower graph hubs') are\n"
        "often the best to ask. TEXT says whom you hope to meet. The ask carries your card\n"
        "and your consent: CONTACT may pass this card on to the people they choose, for 14\n"
        "days. Each of them decides on their own, and nobody is told what they decided.\n"
        "Unless --no-reply, the card of each one who accepts comes back to you and joins\n"
        "your contacts, introduced by CONTACT; for that the ask also carries your\n"
        "recognition key, so that they can find you nearby, as a contact can.\n"
        "\n"
        "It goes over the LAN when CONTACT is nearby (your daemon recognises them);\n"
        "otherwise it is printed as text to send them by mail or chat, which they read\n"
        "with 'wallflower import'.\n"
        "\n"
        "  --for TEXT    whom you hope to meet (required, at most 200 bytes)\n"
        "  --note TEXT   a short note to CONTACT (at most 280 bytes)\n"
        "  --no-reply    do not ask for the cards of the people you are introduced to\n"
        "  --persona P   which persona's card to pass on (default: default)\n"
        "  --armor       the text only, even when CONTACT is nearby\n"
        "  -o FILE       write the text to FILE instead of standard output\n";

/* The ask, signed, and its id kept so that the replies it asked for are taken. */
static int
make_ask(struct cli *cli, struct store *st, const struct contact *hub, const char *seek,
         const char *note, bool reply, const char *persona, uint8_t **obj, size_t *len)
{
	uint64_t now = (uint64_t)time(NULL);
	uint8_t rk[RECOG_KEY], id_hash[INTRO_ID_LEN], *card = NULL;
	struct identity *id = NULL;
	enum intro_verdict v = INTRO_OK;
	size_t card_len = 0;
	int r = -1;

	if (signer(cli, persona, &card, &card_len, &id) < 0)
		return -1;
	/* Our recognition key, made now if the daemon never ran (as it would make it). */
	if (reply && (r = recog_key_load(cli_state_dir(cli), rk)) == -ENOENT)
		r = recog_key_create(cli_state_dir(cli), rk);
	if (reply && r < 0) {
		cli_error("cannot read your recognition key: %s", strerror(-r));
		goto out;
	}
	{
		struct intro_params p = { .kind = INTRO_ASK,
			                  .from = card,
			                  .from_len = card_len,
			                  .to = hub->key,
			                  .issued = now,
			                  .expires = now + INTRO_TTL,
			                  .note = note,
			                  .seek = seek,
			                  .reply = reply,
			                  .rk = reply ? rk : NULL };

		if ((r = intro_make(&p, id, obj, len, &v)) < 0) {
			said_verdict("ask", v);
			goto out;
		}
	}
	intro_id(*obj, *len, id_hash);
	if ((r = store_ask_made_put(st, id_hash, hub->key, now, now + INTRO_TTL, reply)) < 0) {
		cli_error("cannot keep the ask: %s", strerror(-r));
		free(*obj);
		*obj = NULL;
	}
out:
	crypt_wipe(rk, sizeof(rk));
	identity_free(id);
	free(card);
	return r < 0 ? -1 : 0;
}

static int
text_arg(struct cli *cli, const char *opt, const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n == 0 || n > max || text_check(s, n, 0) != TEXT_OK)
		return cli_usage_error(cli, "%s: one line of 1 to %zu bytes of text", opt, max);
	return 0;
}

int
cmd_ask(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTIONS,
		                              CLI_DAEMON_OPTIONS,
		                              { "for", required_argument, NULL, 'f' },
		                              { "note", required_argument, NULL, 'n' },
		                              { "no-reply", no_argument, NULL, 'r' },
		                              { "persona", required_argument, NULL, 'P' },
		                              { "armor", no_argument, NULL, 'a' },
		                              { NULL, 0, NULL, 0 } };
	const char *seek = NULL, *note = NULL, *persona = STORE_PERSONA_DEFAULT;
	struct intro_out out = { 0 };
	struct contact *hub = NULL;
	struct store *st = NULL;
	bool done = false, reply = true;
	uint8_t *obj = NULL;
	size_t len = 0;
	int c, rc = CLI_EXIT_FAIL;

	while ((c = cli_getopt_daemon(cli, argc, argv, "ho:", opts, ask_help, &done)) != -1) {
		if (c == 'f')
			seek = optarg;
		else if (c == 'n')
			note = optarg;
		else if (c == 'r')
			reply = false;
		else if (c == 'P')
			persona = optarg;
		else if (c == 'a')
			out.armor = true;
		else if (c == 'o')
			out.file = optarg;
		else
			return done ? CLI_EXIT_OK : CLI_EXIT_USAGE;
	}
	if (optind + 1 != argc)
		return cli_usage_error(cli, "ask takes one CONTACT (a name or fingerprint prefix)");
	if (seek == NULL)
		return cli_usage_error(cli, "--for TEXT is required: whom you hope to meet");
	if (text_arg(cli, "--for", seek, INTRO_FOR_MAX) != 0 ||
	    (note != NULL && text_arg(cli, "--note", note, INTRO_NOTE_MAX) != 0))
		return CLI_EXIT_USAGE;
	if (cli_open_store(cli, &st) < 0)
		return CLI_EXIT_FAIL;
	if (resolve(st, argv[optind], &hub) == 0 &&
	    make_ask(cli, st, hub, seek, note, reply, persona, &obj, &len) == 0 &&
	    deliver(&out, obj, len, hub->key, hub->f.text[CARD_NAME], "Your ask") == 0)
		rc = CLI_EXIT_OK;
	free(obj);
	contact_free_all(hub, hub != NULL ? 1 : 0);
	store_close(st);
	return rc;
}

/* ---- introduce ---- */

static const char introduce_help[] =
        "usage: wallflower introduce CONTACT TO... [--note TEXT] [--persona P] [--armor]\n"
        "                            [-o FILE] [--runtime-dir DIR]\n"
        "\n"
        "Introduces CONTACT to each TO (names or fingerprint prefixes, as 'wallflower\n"
        "contacts' shows): each TO gets CONTACT's card with your note, signed by you, so\n"
        "that they see who introduces whom. They accept or decline it as any card; nobody,\n"
        "you included, is told which. When CONTACT asked for replies, the card of each one\n"
        "who accepts goes to CONTACT.\n"
        "\n"
        "A card travels only with its owner's consent: CONTACT's ask waiting in your inbox\n"
        "('wallflower ask' on their side), or a card of theirs that allows passing it on\n"
        "(fwd). Without either, nothing is made: ask them first.\n"
        "\n"
        "Each introduction goes over the LAN when its TO is nearby (your daemon recognises\n"
        "them); otherwise it is printed as text to send them by mail or chat, which they\n"
        "read with 'wallflower import'.\n"
        "\n"
        "  --note TEXT   why they should meet (at most 280 bytes), shown to each TO\n"
        "  --persona P   which persona's card signs it (default: default)\n"
        "  --armor       text only, even for those who are nearby\n"
        "  -o FILE       write the text to FILE instead of standard output (one TO only)\n";

/* The consent CONTACT gave: their waiting ask, else their current card when it says fwd.
 * 0 with *inner and *is_card; -1 after saying why there is none. */
static int
consent_of(struct store *st, const struct contact *who, uint8_t **inner, size_t *len, bool *is_card)
{
	int r;

	*is_card = false;
	if ((r = store_ask_waiting(st, who->key, (uint64_t)time(NULL), inner, len)) == 0)
		return 0;
	if (r != -ENOENT) {
		cli_error("cannot read your inbox: %s", strerror(-r));
		return -1;
	}
	if (who->f.fwd == 1 && store_card_current(st, who->key, inner, len) == 0) {
		*is_card = true;
		return 0;
	}
	cli_error("%s has not asked you for introductions, and their card does not allow "
	          "passing it on (fwd): ask them first; their card goes nowhere without their "
	          "consent",
	          cli_quote(who->f.text[CARD_NAME]));
	return -1;
}

/* One intro of who to to, signed and delivered. 0 or -1 (said). */
static int
introduce_one(const struct intro_out *out, const struct identity *id, const uint8_t *card,
              size_t card_len, const struct contact *who, const struct contact *to,
              const uint8_t *inner, size_t inner_len, bool is_card, const char *note)
{
	uint64_t now = (uint64_t)time(NULL), expires = now + INTRO_TTL;
	enum intro_verdict v = INTRO_OK;
	struct intro *ask = NULL;
	uint8_t *obj = NULL;
	size_t len = 0;
	char what[160];
	int r;

	/* An intro lives no longer than the consent it carries (proto/introduction.md 5.2). */
	if (!is_card && intro_check(inner, inner_len, id->sign_pk, now, &ask, &v) == 0 &&
	    ask->expires < expires)
		expires = ask->expires;
	intro_free(ask);
	{
		struct intro_params p = { .kind = INTRO_INTRO,
			                  .from = card,
			                  .from_len = card_len,
			                  .to = to->key,
			                  .issued = now,
			                  .expires = expires,
			                  .note = note,
			                  .inner = inner,
			                  .inner_len = inner_len,
			                  .inner_is_card = is_card };

		if (intro_make(&p, id, &obj, &len, &v) < 0) {
			said_verdict("introduction", v);
			return -1;
		}
	}
	snprintf(what, sizeof(what), "Your introduction of %s to %s", who->f.text[CARD_NAME],
	         to->f.text[CARD_NAME]);
	r = deliver(out, obj, len, to->key, to->f.text[CARD_NAME], what);
	free(obj);
	return r;
}

int
cmd_introduce(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTIONS,
		                              CLI_DAEMON_OPTIONS,
		                              { "note", required_argument, NULL, 'n' },
		                              { "persona", required_argument, NULL, 'P' },
		                              { "armor", no_argument, NULL, 'a' },
		                              { NULL, 0, NULL, 0 } };
	const char *note = NULL, *persona = STORE_PERSONA_DEFAULT;
	struct intro_out out = { 0 };
	struct contact *who = NULL, *to = NULL;
	struct identity *id = NULL;
	struct store *st = NULL;
	uint8_t *inner = NULL, *card = NULL;
	size_t inner_len = 0, card_len = 0;
	bool done = false, is_card = false;
	int c, rc = CLI_EXIT_FAIL, failed = 0;

	while ((c = cli_getopt_daemon(cli, argc, argv, "ho:", opts, introduce_help, &done)) != -1) {
		if (c == 'n')
			note = optarg;
		else if (c == 'P')
			persona = optarg;
		else if (c == 'a')
			out.armor = true;
		else if (c == 'o')
			out.file = optarg;
		else
			return done ? CLI_EXIT_OK : CLI_EXIT_USAGE;
	}
	if (argc - optind < 2)
		return cli_usage_error(cli, "introduce takes CONTACT and at least one TO");
	if (out.file != NULL && argc - optind != 2)
		return cli_usage_error(cli, "-o FILE takes one TO: one file, one introduction");
	if (note != NULL && text_arg(cli, "--note", note, INTRO_NOTE_MAX) != 0)
		return CLI_EXIT_USAGE;
	if (cli_open_store(cli, &st) < 0)
		return CLI_EXIT_FAIL;
	if (resolve(st, argv[optind], &who) < 0 ||
	    consent_of(st, who, &inner, &inner_len, &is_card) < 0 ||
	    signer(cli, persona, &card, &card_len, &id) < 0)
		goto out;
	for (int i = optind + 1; i < argc; i++) {
		if (resolve(st, argv[i], &to) < 0) {
			failed++;
			continue;
		}
		if (to->id == who->id) {
			cli_error("%s cannot be introduced to themself", cli_quote(argv[i]));
			failed++;
		} else if (introduce_one(&out, id, card, card_len, who, to, inner, inner_len,
		                         is_card, note) < 0) {
			failed++;
		}
		contact_free_all(to, 1);
		to = NULL;
	}
	rc = failed > 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
out:
	identity_free(id);
	free(card);
	free(inner);
	contact_free_all(who, who != NULL ? 1 : 0);
	store_close(st);
	return rc;
}
