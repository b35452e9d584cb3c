/*
 * wallflower profile: what your cards say. Each persona ("default", "work", ...) is its
 * own set of fields; 'wallflower card --persona work' hands out only what "work" holds.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char help[] =
        "usage: wallflower profile [show] [--persona P] [--json]\n"
        "       wallflower profile set FIELD VALUE [--persona P]\n"
        "       wallflower profile unset FIELD [--persona P]\n"
        "       wallflower profile add FIELD VALUE [--persona P]\n"
        "       wallflower profile remove FIELD VALUE [--persona P]\n"
        "       wallflower profile list [--json]\n"
        "       wallflower profile delete --persona P\n"
        "\n"
        "Your profile is what your cards say. A persona is a separate set of fields, so\n"
        "that a \"work\" card can say less than a \"full\" one. Without --persona the\n"
        "persona is \"default\". A persona without a name uses the default persona's name.\n"
        "\n"
        "Text fields (set, unset): name pronouns title org location note\n"
        "List fields (add, remove, unset): email phone url topics offers seeks\n"
        "Flag (set yes|no, unset): fwd  - whether your card may be passed on in an introduction\n"
        "\n"
        "Values follow the card rules (proto/card.md): valid UTF-8, no control, bidi or\n"
        "invisible characters (note may have line breaks), and a length limit per field.\n"
        "Put -- before a value that starts with '-': profile add phone -- -123.\n"
        "\n"
        "  --persona P  the persona to read or change (letters, digits, '.', '_', '-')\n"
        "  --json       show or list as JSON\n";

struct profile_args {
	struct cli *cli;
	struct store *st;
	const char *persona;
	bool json;
	int argc; /* positional arguments after the verb */
	char **argv;
};

/* An unknown FIELD, with the fields it was probably meant to be. */
static void
unknown_field(const struct cli *cli, const char *name)
{
	const char *names[CARD_FIELD_COUNT + 1];

	for (int f = 0; f < CARD_FIELD_COUNT; f++)
		names[f] = card_field_info((enum card_field)f)->name;
	names[CARD_FIELD_COUNT] = "fwd";
	cli_unknown(cli, "field", name, names, CARD_FIELD_COUNT + 1);
}

/* Parses FIELD; fwd is reported as CARD_FIELD_COUNT. */
static int
parse_field(const struct profile_args *a, const char *name, enum card_field *f)
{
	if (strcmp(name, "fwd") == 0) {
		*f = CARD_FIELD_COUNT;
		return 0;
	}
	if (card_field_lookup(name, f) == 0)
		return 0;
	unknown_field(a->cli, name);
	return -1;
}

static int
want_args(const struct profile_args *a, int n, const char *verb, const char *what)
{
	if (a->argc == n)
		return 0;
	cli_usage_error(a->cli, "'profile %s' takes %s", verb, what);
	return -1;
}

/* Reports a store error about a value: CLI_EXIT_USAGE for a bad value, else CLI_EXIT_FAIL. */
static int
value_error(int r, const struct card_error *err, const char *field)
{
	char why[128];

	if (r == -EINVAL && err != NULL) {
		cli_error("%s", card_error_describe(err, why, sizeof(why)));
		return CLI_EXIT_USAGE;
	}
	if (r == -EEXIST)
		cli_error("%s already holds that value", field);
	else if (r == -EMSGSIZE)
		cli_error("not changed: with it, the card would be larger than %d bytes; remove "
		          "something else first",
		          CARD_ENVELOPE_MAX);
	else if (r == -ENOENT)
		cli_error("%s does not hold that value", field);
	else
		cli_error("cannot change the profile: %s", strerror(-r));
	return CLI_EXIT_FAIL;
}

static int
do_set_fwd(struct profile_args *a, const char *v)
{
	int fwd, r;

	if (strcmp(v, "yes") == 0 || strcmp(v, "true") == 0)
		fwd = 1;
	else if (strcmp(v, "no") == 0 || strcmp(v, "false") == 0)
		fwd = 0;
	else
		return cli_usage_error(a->cli, "fwd takes yes or no");
	if ((r = store_profile_set_fwd(a->st, a->persona, fwd)) < 0)
		return value_error(r, NULL, "fwd");
	return CLI_EXIT_OK;
}

static int
do_set(struct profile_args *a)
{
	struct card_error err = { 0 };
	enum card_field f;
	int r;

	if (want_args(a, 2, "set", "FIELD VALUE") < 0 || parse_field(a, a->argv[0], &f) < 0)
		return CLI_EXIT_USAGE;
	if (f == CARD_FIELD_COUNT)
		return do_set_fwd(a, a->argv[1]);
	if (card_field_info(f)->list)
		return cli_usage_error(a->cli, "%s is a list: use 'profile add %s VALUE'",
		                       a->argv[0], a->argv[0]);
	r = store_profile_set(a->st, a->persona, f, a->argv[1], &err);
	return r < 0 ? value_error(r, &err, a->argv[0]) : CLI_EXIT_OK;
}

static int
do_unset(struct profile_args *a)
{
	enum card_field f;
	int r;

	if (want_args(a, 1, "unset", "FIELD") < 0 || parse_field(a, a->argv[0], &f) < 0)
		return CLI_EXIT_USAGE;
	if (f == CARD_FIELD_COUNT)
		r = store_profile_set_fwd(a->st, a->persona, -1);
	else
		r = store_profile_unset(a->st, a->persona, f);
	if (r == -ENOENT) {
		cli_error("%s is not set in persona '%s'", a->argv[0], a->persona);
		return CLI_EXIT_FAIL;
	}
	if (r < 0) {
		cli_error("cannot change the profile: %s", strerror(-r));
		return CLI_EXIT_FAIL;
	}
	return CLI_EXIT_OK;
}

/* add and remove: list fields only. */
static int
do_list_change(struct profile_args *a, bool add)
{
	const char *verb = add ? "add" : "remove";
	struct card_error err = { 0 };
	enum card_field f;
	int r;

	if (want_args(a, 2, verb, "FIELD VALUE") < 0 || parse_field(a, a->argv[0], &f) < 0)
		return CLI_EXIT_USAGE;
	if (f == CARD_FIELD_COUNT || !card_field_info(f)->list)
		return cli_usage_error(a->cli, "%s is not a list: use 'profile set %s VALUE'",
		                       a->argv[0], a->argv[0]);
	if (add)
		r = store_profile_add(a->st, a->persona, f, a->argv[1], &err);
	else
		r = store_profile_remove(a->st, a->persona, f, a->argv[1]);
	if (r == -E2BIG) {
		cli_error("%s already holds %u values, the most a card carries", a->argv[0],
		          (unsigned)card_field_info(f)->max_items);
		return CLI_EXIT_FAIL;
	}
	return r < 0 ? value_error(r, &err, a->argv[0]) : CLI_EXIT_OK;
}

static int
do_show(struct profile_args *a)
{
	struct card_fields f;
	int r;

	if (want_args(a, 0, "show", "no arguments") < 0)
		return CLI_EXIT_USAGE;
	r = store_profile_get(a->st, a->persona, &f);
	/* The default persona exists implicitly: before any set it is simply empty. */
	if (r == -ENOENT && strcmp(a->persona, STORE_PERSONA_DEFAULT) == 0) {
		card_fields_init(&f);
		r = 0;
	}
	if (r == -ENOENT) {
		cli_error("no persona '%s' (create it with 'wallflower profile set --persona %s "
		          "name NAME')",
		          a->persona, a->persona);
		return CLI_EXIT_FAIL;
	}
	if (r < 0) {
		cli_error("cannot read the profile: %s", strerror(-r));
		return CLI_EXIT_FAIL;
	}
	if (a->json) {
		r = cli_json_print(json_pack("{s:s, s:o*}", "persona", a->persona, "fields",
		                             cli_fields_json(&f)));
	} else {
		printf("persona %s\n", a->persona);
		cli_fields_print(&f);
		if (f.text[CARD_NAME] == NULL && strcmp(a->persona, STORE_PERSONA_DEFAULT) != 0)
			printf("  (no name: cards use the default persona's name)\n");
	}
	card_fields_clear(&f);
	return r < 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

static int
do_list(struct profile_args *a)
{
	char **names = NULL;
	size_t n = 0;
	json_t *arr = NULL;
	int r;

	if (want_args(a, 0, "list", "no arguments") < 0)
		return CLI_EXIT_USAGE;
	if ((r = store_persona_list(a->st, &names, &n)) < 0) {
		cli_error("cannot read the profile: %s", strerror(-r));
		return CLI_EXIT_FAIL;
	}
	if (a->json)
		arr = json_array();
	for (size_t i = 0; i < n; i++) {
		if (arr != NULL)
			json_array_append_new(arr, json_string(names[i]));
		else if (!a->json)
			puts(names[i]);
	}
	store_names_free(names, n);
	if (a->json && cli_json_print_list("personas", arr) < 0)
		return CLI_EXIT_FAIL;
	return CLI_EXIT_OK;
}

static int
do_delete(struct profile_args *a, bool persona_given)
{
	int r;

	if (want_args(a, 0, "delete", "only --persona P") < 0)
		return CLI_EXIT_USAGE;
	if (!persona_given)
		return cli_usage_error(a->cli, "'profile delete' needs --persona P");
	r = store_persona_delete(a->st, a->persona);
	if (r == -ENOENT) {
		cli_error("no persona '%s'", a->persona);
		return CLI_EXIT_FAIL;
	}
	if (r < 0) {
		cli_error("cannot delete persona '%s': %s", a->persona, strerror(-r));
		return CLI_EXIT_FAIL;
	}
	return CLI_EXIT_OK;
}

static int
dispatch(struct profile_args *a, const char *verb, bool persona_given)
{
	static const char *const verbs[] = { "show", "list",   "set",   "unset",
		                             "add",  "remove", "delete" };
	bool reads = strcmp(verb, "show") == 0 || strcmp(verb, "list") == 0;

	if (a->json && !reads)
		return cli_usage_error(a->cli, "--json goes with 'profile show' or 'profile list'");
	if (strcmp(verb, "show") == 0)
		return do_show(a);
	if (strcmp(verb, "list") == 0)
		return do_list(a);
	if (strcmp(verb, "set") == 0)
		return do_set(a);
	if (strcmp(verb, "unset") == 0)
		return do_unset(a);
	if (strcmp(verb, "add") == 0)
		return do_list_change(a, true);
	if (strcmp(verb, "remove") == 0)
		return do_list_change(a, false);
	if (strcmp(verb, "delete") == 0)
		return do_delete(a, persona_given);
	return cli_unknown(a->cli, "verb", verb, verbs, sizeof(verbs) / sizeof(verbs[0]));
}

int
cmd_profile(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTIONS,
		                              { "persona", required_argument, NULL, 'p' },
		                              { "json", no_argument, NULL, 'j' },
		                              { NULL, 0, NULL, 0 } };
	struct profile_args a = { .cli = cli, .persona = STORE_PERSONA_DEFAULT };
	bool done, persona_given = false;
	const char *verb = "show";
	int c, r;

	while ((c = cli_getopt(cli, argc, argv, "hp:j", opts, help, &done)) != -1) {
		if (c == 'p') {
			a.persona = optarg;
			persona_given = true;
		} else if (c == 'j') {
			a.json = true;
		} else {
			return CLI_EXIT_USAGE;
		}
	}
	if (done)
		return CLI_EXIT_OK;
	if (!store_persona_valid(a.persona))
		return cli_usage_error(cli, "invalid persona name %s", cli_quote(a.persona));
	if (optind < argc)
		verb = argv[optind++];
	a.argc = argc - optind;
	a.argv = argv + optind;
	if (cli_open_store(cli, &a.st) < 0)
		return CLI_EXIT_FAIL;
	r = dispatch(&a, verb, persona_given);
	store_close(a.st);
	return r;
}
