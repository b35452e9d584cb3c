/*
 * wallflower card: write this user's signed card, or check one from anywhere.
 * Verification trusts nothing in the file: card_decode applies every rule of
 * proto/card.md, and only checked text reaches the terminal.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "qr.h"
#include "wallflower/armor.h"
#include "wallflower/export.h"
#include "wallflower/file.h"

static const char help[] =
        "usage: wallflower card [--persona P] [--armor | --qr [--vcard]] [-o FILE]\n"
        "       wallflower card verify FILE [--json]\n"
        "\n"
        "The first form signs a fresh card from persona P (default \"default\") and writes\n"
        "the envelope (binary msgpack, proto/card.md) to FILE, or to standard output when\n"
        "that is not a terminal. Every card gets a higher revision than the one before, so\n"
        "it replaces older cards of yours wherever it lands.\n"
        "\n"
        "The second form checks a card file (FILE '-' reads standard input): its structure,\n"
        "its signature and every field rule. It prints the fields of a valid card; for an\n"
        "invalid one it prints one line saying what is wrong and exits 1. FILE may be\n"
        "binary, armored text or a picture of a QR code, as 'wallflower import' reads.\n"
        "\n"
        "  --persona P    the persona to issue\n"
        "  --armor        the card as text (-----BEGIN WALLFLOWER CARD----- ...) that\n"
        "                 survives mail and chat; to a terminal too\n"
        "  --qr           the card as a QR code (error correction level M): drawn on\n"
        "                 standard output with half-block characters, or -o FILE.png or\n"
        "                 FILE.svg; a card over 2331 bytes fits no QR code (use --armor)\n"
        "  --vcard        with --qr: a plain vCard 3.0 of the persona (name, email, phone,\n"
        "                 organisation, title, web site) that any phone camera adds to its\n"
        "                 contacts; unsigned, for people without wallflower. Kept to\n"
        "                 251 bytes (a QR code of version 11 at most): what does not fit is\n"
        "                 left out, and said so\n"
        "  -o, --output FILE  where to write the card: a new file or a regular file of\n"
        "                 yours, replaced atomically (0644); never a FIFO or device, nor\n"
        "                 through another user's link (use -o - for standard output)\n"
        "  --json         verify: print the verdict and fields as JSON\n";

/* A persona's fields, with the default persona's name when it has none of its own. */
static int
load_persona(struct store *st, const char *persona, struct card_fields *f)
{
	struct card_fields def;
	int r = store_profile_get(st, persona, f);

	if (r == -ENOENT && strcmp(persona, STORE_PERSONA_DEFAULT) == 0) {
		card_fields_init(f);
		r = 0;
	}
	if (r == -ENOENT) {
		cli_error("no persona '%s' (see 'wallflower profile --help')", persona);
		return -1;
	}
	if (r == 0 && f->text[CARD_NAME] == NULL && strcmp(persona, STORE_PERSONA_DEFAULT) != 0 &&
	    store_profile_get(st, STORE_PERSONA_DEFAULT, &def) == 0) {
		f->text[CARD_NAME] = def.text[CARD_NAME];
		def.text[CARD_NAME] = NULL;
		card_fields_clear(&def);
	}
	if (r < 0) {
		cli_error("cannot read the profile: %s", strerror(-r));
		return -1;
	}
	if (f->text[CARD_NAME] == NULL) {
		cli_error("your card needs a name: wallflower profile set name \"Your Name\"");
		card_fields_clear(f);
		return -1;
	}
	return 0;
}

int
cli_issue_card(struct cli *cli, const char *persona, uint8_t **env, size_t *len, uint64_t *rev)
{
	struct identity *id = NULL;
	struct store *st = NULL;
	struct card_fields f;
	struct card_error err = { 0 };
	struct card_meta meta = { .issued = (uint64_t)time(NULL) };
	char why[128];
	int r = -1;

	card_fields_init(&f);
	if (cli_load_identity(cli, &id) < 0 || cli_open_store(cli, &st) < 0 ||
	    load_persona(st, persona, &f) < 0)
		goto out;
	if ((r = store_card_rev_next(st, meta.issued, &meta.rev)) < 0) {
		cli_error("cannot reserve a card revision: %s", strerror(-r));
		goto out;
	}
	r = card_issue(&f, &meta, id->sign_sk, env, len, &err);
	if (r == -EMSGSIZE)
		cli_error("persona '%s' makes a card larger than %d bytes; remove some fields",
		          persona, CARD_ENVELOPE_MAX);
	else if (r == -EINVAL)
		cli_error("persona '%s': %s", persona, card_error_describe(&err, why, sizeof(why)));
	else if (r < 0)
		cli_error("cannot issue the card: %s", strerror(-r));
	*rev = meta.rev;
out:
	card_fields_clear(&f);
	store_close(st);
	identity_free(id);
	return r < 0 ? -1 : 0;
}

static int
write_card(struct cli *cli, const char *output, const uint8_t *env, size_t len, bool text)
{
	int r;

	if (output != NULL && strcmp(output, "-") != 0) {
		if (cli_is_state_file(cli, output)) {
			cli_error("%s is one of your own key or store files; refusing to overwrite "
			          "it",
			          cli_quote_path(output));
			return -1;
		}
		if ((r = file_write_output(output, env, len, 0644)) < 0) {
			cli_error("cannot write %s: %s", cli_quote_path(output),
			          file_output_strerror(r));
			return -1;
		}
		return 0;
	}
	if (!text && isatty(STDOUT_FILENO)) {
		cli_error("a card is binary; refusing to write it to a terminal (use -o FILE)");
		return -1;
	}
	if (fwrite(env, 1, len, stdout) != len || fflush(stdout) != 0) {
		cli_error("cannot write the card to standard output");
		return -1;
	}
	return 0;
}

/* What the first form writes. */
enum card_form { FORM_BINARY, FORM_ARMOR, FORM_QR, FORM_QR_VCARD };

static int
issue_armor(struct cli *cli, const char *output, const uint8_t *env, size_t len)
{
	char *text = NULL;
	size_t n = 0;
	int r;

	if (armor_encode(env, len, &text, &n) < 0) {
		cli_error("out of memory");
		return -1;
	}
	r = write_card(cli, output, (const uint8_t *)text, n, true);
	free(text);
	return r;
}

/* Names the fields left out of a vCard for its QR code, on stderr. */
static void
say_left_out(unsigned left_out)
{
	char names[128] = "";
	size_t o = 0;

	for (int f = 0; f < CARD_FIELD_COUNT; f++)
		if (left_out & (1u << f))
			o += (size_t)snprintf(names + o, sizeof(names) - o, "%s%s", o ? ", " : "",
			                      card_field_info((enum card_field)f)->name);
	fprintf(stderr,
	        "wallflower: left out of the vCard to keep its QR code small (at most %d bytes): "
	        "%s\n",
	        EXPORT_VCARD_QR_MAX, names);
}

static int
issue_vcard(struct cli *cli, const char *persona, const char *output)
{
	struct store *st = NULL;
	struct card_fields f;
	char *vcf = NULL;
	size_t n = 0;
	unsigned left_out = 0;
	int r = -1, e, version = 0;

	card_fields_init(&f);
	if (cli_open_store(cli, &st) < 0 || load_persona(st, persona, &f) < 0)
		goto out;
	e = export_vcard_qr(&f, EXPORT_VCARD_QR_MAX, &vcf, &n, &left_out);
	if (e == -EMSGSIZE)
		cli_error("persona '%s': the name alone makes a vCard over %d bytes", persona,
		          EXPORT_VCARD_QR_MAX);
	else if (e < 0)
		cli_error("cannot make the vCard: %s", strerror(-e));
	if (e < 0)
		goto out;
	if (left_out != 0)
		say_left_out(left_out);
	if ((r = qr_show(cli, (const uint8_t *)vcf, n, output, &version)) == 0 && output == NULL &&
	    isatty(STDOUT_FILENO))
		printf("A vCard of your '%s' persona: a phone's camera adds it to its contacts.\n",
		       persona);
	else if (r == 0 && output != NULL)
		printf("Wrote a vCard of your '%s' persona (%zu bytes) as a QR code (version %d, "
		       "level %c) to %s\n",
		       persona, n, version, QR_EC, output);
out:
	free(vcf);
	card_fields_clear(&f);
	store_close(st);
	return r;
}

static int
do_issue(struct cli *cli, const char *persona, const char *output, enum card_form form)
{
	uint8_t *env = NULL;
	size_t len = 0;
	uint64_t rev = 0;
	int r = -1, version = 0;

	if (output != NULL && strcmp(output, "-") == 0 && form >= FORM_QR)
		output = NULL;
	if (form == FORM_QR_VCARD)
		return issue_vcard(cli, persona, output) == 0 ? CLI_EXIT_OK : CLI_EXIT_FAIL;
	if (cli_issue_card(cli, persona, &env, &len, &rev) < 0)
		goto out;
	if (form == FORM_QR)
		r = qr_show(cli, env, len, output, &version);
	else if (form == FORM_ARMOR)
		r = issue_armor(cli, output, env, len);
	else
		r = write_card(cli, output, env, len, false);
	if (r == 0 && form == FORM_QR && output == NULL && isatty(STDOUT_FILENO))
		printf("Your '%s' card (rev %llu): they run 'wallflower import' on a photo or a "
		       "screenshot of it.\n",
		       persona, (unsigned long long)rev);
	if (r < 0 || output == NULL || strcmp(output, "-") == 0)
		goto out;
	if (form == FORM_QR)
		printf("Wrote your '%s' card (rev %llu, %zu bytes) as a QR code (version %d, "
		       "level %c) to %s\n",
		       persona, (unsigned long long)rev, len, version, QR_EC, output);
	else
		printf("Wrote your '%s' card (rev %llu, %zu bytes%s) to %s\n", persona,
		       (unsigned long long)rev, len, form == FORM_ARMOR ? ", armored" : "", output);
out:
	free(env);
	return r < 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

static json_t *
card_json(const struct card *card, const char *fpr, const char *key)
{
	return json_pack("{s:b, s:s, s:s, s:I, s:I, s:o, s:o*, s:I, s:I}", "valid", 1,
	                 "fingerprint", fpr, "key", key, "rev", (json_int_t)card->rev, "issued",
	                 (json_int_t)card->issued, "expires",
	                 card->has_expires ? json_integer((json_int_t)card->expires) : json_null(),
	                 "fields", cli_fields_json(&card->f), "unknown_keys",
	                 (json_int_t)card->unknown_keys, "size", (json_int_t)card->envelope_len);
}

static void
card_print(const struct card *card, const char *fpr, const char *key)
{
	char t[32];

	printf("valid card\n");
	printf("  %-10s %s\n  %-10s %s\n", "signer", fpr, "key", key);
	printf("  %-10s %llu\n", "rev", (unsigned long long)card->rev);
	cli_format_time(card->issued, t);
	printf("  %-10s %s\n", "issued", t);
	if (card->has_expires) {
		cli_format_time(card->expires, t);
		printf("  %-10s %s\n", "expires", t);
	}
	cli_fields_print(&card->f);
	if (card->unknown_keys > 0)
		printf("  (%zu unknown keys, ignored)\n", card->unknown_keys);
}

static int
report_invalid(const char *path, const struct card_error *err, bool json)
{
	char why[128];

	card_error_describe(err, why, sizeof(why));
	cli_error("%s: invalid card: %s", cli_quote_path(path), why);
	if (json)
		cli_json_print(
		        json_pack("{s:b, s:s, s:s?, s:o, s:s}", "valid", 0, "fault",
		                  card_fault_name(err->fault), "field", err->field, "item",
		                  err->item ? json_integer((json_int_t)err->item) : json_null(),
		                  "message", why));
	return CLI_EXIT_FAIL;
}

static int
do_verify(const char *path, bool json)
{
	struct card_error err = { 0 };
	struct card *card = NULL;
	char fpr[IDENTITY_FPR_LEN + 1], key[2 * CRYPT_SIGN_PK + 1];
	int r = 0;

	if (cli_read_card(path, &card, &err) < 0)
		return CLI_EXIT_FAIL;
	if (card == NULL || card_check_time(card, (uint64_t)time(NULL), &err) < 0) {
		card_free(card);
		return report_invalid(path, &err, json);
	}
	identity_fingerprint(card->key, fpr);
	crypt_hex(key, card->key, CRYPT_SIGN_PK);
	if (json)
		r = cli_json_print(card_json(card, fpr, key));
	else
		card_print(card, fpr, key);
	card_free(card);
	return r < 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

int
cmd_card(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTIONS,
		                              { "persona", required_argument, NULL, 'p' },
		                              { "output", required_argument, NULL, 'o' },
		                              { "json", no_argument, NULL, 'j' },
		                              { "armor", no_argument, NULL, 'A' },
		                              { "qr", no_argument, NULL, 'Q' },
		                              { "vcard", no_argument, NULL, 'V' },
		                              { NULL, 0, NULL, 0 } };
	const char *persona = NULL, *output = NULL;
	bool json = false, armor = false, qr = false, vcard = false, done;
	int c;

	while ((c = cli_getopt(cli, argc, argv, "hp:o:j", opts, help, &done)) != -1) {
		if (c == 'p')
			persona = optarg;
		else if (c == 'o')
			output = optarg;
		else if (c == 'j')
			json = true;
		else if (c == 'A')
			armor = true;
		else if (c == 'Q')
			qr = true;
		else if (c == 'V')
			vcard = true;
		else
			return CLI_EXIT_USAGE;
	}
	if (done)
		return CLI_EXIT_OK;
	if (optind < argc && strcmp(argv[optind], "verify") == 0) {
		if (persona != NULL || output != NULL || armor || qr || vcard)
			return cli_usage_error(cli,
			                       "'card verify' takes no --persona, -o, --armor, "
			                       "--qr or --vcard");
		if (argc - optind != 2)
			return cli_usage_error(cli, "'card verify' takes one FILE");
		return do_verify(argv[optind + 1], json);
	}
	if (optind < argc)
		return cli_usage_error(cli, "unexpected argument %s", cli_quote(argv[optind]));
	if (json)
		return cli_usage_error(cli, "--json goes with 'card verify'");
	if (persona == NULL)
		persona = STORE_PERSONA_DEFAULT;
	if (!store_persona_valid(persona))
		return cli_usage_error(cli, "invalid persona name %s", cli_quote(persona));
	if (armor && qr)
		return cli_usage_error(cli, "--armor and --qr are two forms: choose one");
	if (vcard && !qr)
		return cli_usage_error(cli, "--vcard goes with --qr");
	if (qr && output != NULL && strcmp(output, "-") != 0 && qr_format_of(output) == NULL)
		return cli_usage_error(cli, "--qr writes FILE.png or FILE.svg, not %s",
		                       cli_quote_path(output));
	return do_issue(cli, persona, output,
	                vcard ? FORM_QR_VCARD
	                      : (qr ? FORM_QR : (armor ? FORM_ARMOR : FORM_BINARY)));
}
