/*
 * `import`: cards you were given out of band (by mail, on a USB stick), one file each, or
 * standard input. Every card is verified like any other (card_decode, expiry) before it
 * reaches the store; each file is kept, with its meeting and introduction, in one
 * transaction of its own, so that one bad file neither stops the others nor leaves half
 * of itself behind. A file is told apart by its content: one that holds vCards (from
 * people without wallflower) goes to import_vcard.c. Store-only: works whether or not the
 * daemon runs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "import.h"
#include "wallflower/armor.h"
#include "wallflower/vcard.h"

static const char import_help[] =
        "usage: wallflower import FILE... [--event E] [--via CONTACT]\n"
        "\n"
        "Adds the people whose cards the FILEs hold ('-' reads standard input, once): cards\n"
        "you were given out of band, by mail or on a USB stick. A FILE may be a binary card,\n"
        "text holding armored cards (as pasted from a mail: text around them, '> ' quoting,\n"
        "CRLF and several cards are fine), or a PNG or JPEG picture of QR codes (a photo or\n"
        "a screenshot of 'wallflower card --qr'); the form is told by the bytes, not the\n"
        "name. Each card is verified like any card (see 'wallflower card verify'). A newer\n"
        "card from someone you know updates them; an older or the same one changes nothing,\n"
        "but --event and --via are still recorded.\n"
        "Each card gets one line saying what was done (starting with the file's name, and\n"
        "where in it, when there are several). A file that cannot be read or a card that is\n"
        "damaged or invalid is reported and the others are still imported, each on its own;\n"
        "then the exit status is 1.\n"
        "\n"
        "A file that holds vCards (BEGIN:VCARD; 3.0 or 4.0, UTF-8, as address books and\n"
        "phones export them; the name does not matter) adds each person in it as an\n"
        "unverified contact: no key, no signature, shown as unverified everywhere, and\n"
        "exported as a vCard exactly as it came. FN (or N), ORG, TITLE, EMAIL, TEL, URL,\n"
        "NOTE and CATEGORIES (as topics) are read; the rest is kept, not read. The same\n"
        "UID (or, without one, the same bytes) is the same person again. One bad vCard\n"
        "refuses its whole file (docs/export.md).\n"
        "\n"
        "Text may also hold introductions (WALLFLOWER INTRODUCTION blocks), sent by mail or\n"
        "chat when the other person was not nearby: an ask for introductions, an\n"
        "introduction, or the card of someone you asked to meet (see 'wallflower ask').\n"
        "Each is checked as if it came over the LAN: it must be for you, signed, not\n"
        "expired, and carry its person's consent. Asks and introductions then wait in your\n"
        "inbox; a card you asked for joins your contacts.\n"
        "\n"
        "  --event E      record that you met them at event E (now); meeting someone at the\n"
        "                 same event on the same day again is the meeting already recorded\n"
        "  --via CONTACT  record that CONTACT introduced you\n";

static const char *const import_results[] = {
	[STORE_CARD_NEW] = "Added",
	[STORE_CARD_UPDATED] = "Updated",
	[STORE_CARD_OLDER] = "Already have a card as new as this one from",
};

/* The card, the meeting and the introduction, in one transaction. */
static int
import_store(const struct import_ctx *x, const struct card *card, enum store_card_result *res,
             bool *met_new, bool *via_kept)
{
	int64_t id = 0;
	int r;

	*met_new = false;
	if ((r = store_begin(x->st)) < 0)
		return r;
	if ((r = store_card_put(x->st, card, x->now, res, &id)) == 0 && x->event != NULL) {
		r = store_met(x->st, id, x->event, x->now);
		*met_new = r == 0;
		if (r == -EALREADY)
			r = 0;
	}
	*via_kept = true;
	if (r == 0 && x->via != NULL &&
	    (r = store_introduced(x->st, id, x->via->id, x->now)) == -EEXIST) {
		*via_kept = false; /* an earlier introducer stays the one recorded */
		r = 0;
	}
	if (r == -EALREADY)
		r = 0;
	return store_end(x->st, r);
}

/* Imports one card found in a file, under its label. 0, or -1 after saying why. */
static int
import_card(const struct import_ctx *x, const char *label, struct cli_card_in *in)
{
	enum store_card_result res;
	struct card *card = in->card;
	char why[128], fpr[IDENTITY_FPR_LEN + 1];
	bool met_new, via_kept;
	int e;

	if (in->why[0] != '\0') {
		cli_error("%s: %s", label, in->why);
		return -1;
	}
	if (card == NULL || card_check_time(card, x->now, &in->err) < 0) {
		cli_error("%s: invalid card: %s", label,
		          card_error_describe(&in->err, why, sizeof(why)));
		return -1;
	}
	if (x->me != NULL && memcmp(x->me->sign_pk, card->key, CRYPT_SIGN_PK) == 0) {
		cli_error("%s is your own card; you are not one of your contacts", label);
		return -1;
	}
	if (x->via != NULL && memcmp(x->via->key, card->key, CRYPT_SIGN_PK) == 0) {
		cli_error("%s: nobody introduces themself: --via names the card's own owner",
		          label);
		return -1;
	}
	if ((e = import_store(x, card, &res, &met_new, &via_kept)) < 0) {
		cli_error("%s: cannot store the card: %s (nothing was changed)", label,
		          strerror(-e));
		return -1;
	}
	identity_fingerprint(card->key, fpr);
	printf("%s%s%s %s (%s)", x->several ? label : "", x->several ? ": " : "",
	       import_results[res], card->f.text[CARD_NAME], fpr);
	if (x->event != NULL)
		printf(met_new ? "; recorded meeting at %s"
		               : "; meeting at %s already recorded today",
		       x->event);
	if (x->via != NULL && via_kept)
		printf("; introduced by %s", x->via->f.text[CARD_NAME]);
	else if (x->via != NULL)
		printf("; an earlier introducer stays recorded (see 'wallflower show')");
	printf(".\n");
	return 0;
}

/*
 * Imports the cards of one file, each in its own transaction: a damaged block among good
 * ones is reported and the others are still imported. 0, or -1 when any was not.
 */
static int
import_one(struct import_ctx *x, const char *path, bool several_files)
{
	struct cli_cards_in in;
	char label[1200];
	uint8_t *buf;
	size_t len;
	int failed = 0, r;

	if (cli_read_file(path, &buf, &len) < 0)
		return -1;
	x->several = several_files;
	/* By content, not by name: vCards (import_vcard.c), or cards in any form. */
	if (vcard_sniff(buf, len)) {
		r = import_vcards(x, path, buf, len);
		free(buf);
		return r;
	}
	/* Introductions first (import_intro.c); the cards beside them, if any, after. */
	if (armor_sniff(buf, len) == ARMOR_KIND_TEXT) {
		size_t intros, cards;

		failed = import_intros(x, path, buf, len, &intros, &cards) < 0;
		if (intros > 0 && cards == 0) {
			free(buf);
			return failed ? -1 : 0;
		}
	}
	r = cli_cards_parse(path, buf, len, &in);
	free(buf);
	if (r < 0)
		return -1;
	x->several = several_files || in.n > 1;
	for (size_t i = 0; i < in.n; i++) {
		if (in.v[i].where[0] != '\0')
			snprintf(label, sizeof(label), "%s (%s)", cli_printable(path),
			         in.v[i].where);
		else
			snprintf(label, sizeof(label), "%s", cli_printable(path));
		failed += import_card(x, label, &in.v[i]) < 0;
	}
	cli_cards_in_clear(&in);
	return failed > 0 ? -1 : 0;
}

/* Checks the command line: 0, or the exit status of a usage error. */
static int
import_check(struct cli *cli, int argc, char **argv, const char *event)
{
	int stdin_seen = 0;

	if (argc - optind < 1)
		return cli_usage_error(cli, "'import' takes one FILE or more");
	if (event != NULL && !cli_event_valid(event))
		return cli_usage_error(cli, "an event name is 1 to 128 bytes of one-line text");
	for (int i = optind; i < argc; i++)
		if (strcmp(argv[i], "-") == 0 && stdin_seen++ > 0)
			return cli_usage_error(cli, "'-' (standard input) can be read once");
	return 0;
}

int
cmd_import(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTIONS,
		                              { "event", required_argument, NULL, 'e' },
		                              { "via", required_argument, NULL, 'v' },
		                              { NULL, 0, NULL, 0 } };
	struct import_ctx x = { .now = (uint64_t)time(NULL) };
	struct contact *via = NULL;
	struct identity *me = NULL;
	const char *via_prefix = NULL;
	int c, failed = 0, r = CLI_EXIT_FAIL;
	bool done;

	while ((c = cli_getopt(cli, argc, argv, "he:v:", opts, import_help, &done)) != -1) {
		if (c == 'e')
			x.event = optarg;
		else if (c == 'v')
			via_prefix = optarg;
		else
			return CLI_EXIT_USAGE;
	}
	if (done)
		return CLI_EXIT_OK;
	/* Everything is checked before anything is written: a refusal leaves no trace. */
	if ((c = import_check(cli, argc, argv, x.event)) != 0)
		return c;
	if (cli_open_store(cli, &x.st) < 0)
		goto out;
	/* Without an identity nothing is ours to refuse; the store check comes first. */
	if (identity_load(cli_state_dir(cli), &me) < 0)
		me = NULL;
	if (via_prefix != NULL && cli_contact_resolve(x.st, via_prefix, &via) < 0)
		goto out;
	x.me = me;
	x.via = via;
	for (int i = optind; i < argc; i++)
		failed += import_one(&x, argv[i], argc - optind > 1) < 0;
	r = failed > 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
	/* Cards may have been taken even from a file that failed in part. */
	cli_contacts_changed();
out:
	contact_free_all(via, via ? 1 : 0);
	identity_free(me);
	store_close(x.st);
	return r;
}
