/*
 * wallflower complete: what the shell completion scripts (completions/) ask, hidden from the
 * command list. Everything it offers comes from the real tables, so completion follows the
 * CLI as it changes: verbs from main.c's command table, options from the getopt table each
 * command hands cli_getopt (cli_getopt_hook), positional words from the usage lines of the
 * command's --help, and names from the store. The store is read only when it exists:
 * completing never creates one. It prints nothing on stderr and exits 0 whatever it finds
 * (a TAB must not print errors); only a wrong 'complete' command line is an error.
 *
 * 'complete words WORD...' takes the words after "wallflower" up to the cursor, the last
 * being the one being completed (maybe empty), and prints a header line ("-", "files" or
 * "dirs": what the shell adds from the file system), then candidates, one a line, each
 * perhaps followed by a tab and a description. The shells filter by what was typed.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "wallflower/file.h"
#include "wallflower/paths.h"
#include "wallflower/text.h"

void (*cli_getopt_hook)(const char *shortopts, const struct option *longopts, const char *help);

#define OPTS_MAX  64  /* long options one command may have */
#define USAGE_MAX 16  /* usage lines of one command */
#define ELEMS_MAX 16  /* positional words in one usage line */
#define WORD_MAX  128 /* bytes in one usage word */
#define FPR_CHARS "0123456789abcdefghijklmnopqrstuvwxyz-"

/* What a command told cli_getopt, copied: its table may live on its stack. */
static struct {
	bool got;
	char *shortopts;
	char *help;
	struct option longopts[OPTS_MAX + 1];
} cap;

static void
capture(const char *shortopts, const struct option *longopts, const char *help)
{
	size_t n = 0;

	if (cap.got || cap.help != NULL)
		return; /* a command's first table is the one its options are in */
	cap.shortopts = strdup(shortopts != NULL ? shortopts : "");
	cap.help = strdup(help != NULL ? help : "");
	if (cap.shortopts == NULL || cap.help == NULL)
		return; /* out of memory: nothing got, nothing offered */
	for (; longopts != NULL && longopts[n].name != NULL && n < OPTS_MAX; n++) {
		cap.longopts[n] = longopts[n];
		cap.longopts[n].name = strdup(longopts[n].name);
		if (cap.longopts[n].name == NULL)
			break;
	}
	memset(&cap.longopts[n], 0, sizeof(cap.longopts[n]));
	cap.got = true;
}

static void
capture_clear(void)
{
	free(cap.shortopts);
	free(cap.help);
	for (size_t i = 0; cap.longopts[i].name != NULL; i++)
		free((char *)cap.longopts[i].name);
	memset(&cap, 0, sizeof(cap));
}

/*
 * Runs cmd with args and the hook set, so that its first cli_getopt hands over its tables
 * and it returns as after --help. Its own output (a stub's "not built yet") goes nowhere.
 */
static void
ask_command(const struct cli_command *cmd, int nargs, char **args)
{
	char prog[64], **argv;
	struct cli sub = { 0 };
	int out, err, null;

	capture_clear();
	if ((argv = calloc((size_t)nargs + 2, sizeof(*argv))) == NULL)
		return;
	snprintf(prog, sizeof(prog), "wallflower %s", cmd->name);
	argv[0] = prog;
	for (int i = 0; i < nargs; i++)
		argv[i + 1] = args[i];
	sub.prog = prog;
	fflush(stdout);
	fflush(stderr);
	out = dup(STDOUT_FILENO);
	err = dup(STDERR_FILENO);
	null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (out >= 0 && err >= 0 && null >= 0) {
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
		cli_getopt_hook = capture;
		optind = 0;
		cmd->run(&sub, nargs + 1, argv);
		cli_getopt_hook = NULL;
		fflush(stdout);
		fflush(stderr);
		dup2(out, STDOUT_FILENO);
		dup2(err, STDERR_FILENO);
	}
	if (null >= 0)
		close(null);
	if (err >= 0)
		close(err);
	if (out >= 0)
		close(out);
	free(sub.state_path);
	free(argv);
}

static const struct cli_command *
find_command(const struct cli_command *cmds, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(cmds[i].name, name) == 0)
			return &cmds[i];
	return NULL;
}

/* ---- reading --help ---- */

/* Whether s starts with an option spelled opt ("--persona" or "-o") ending there. */
static bool
at_option(const char *s, const char *opt)
{
	size_t n = strlen(opt);

	return strncmp(s, opt, n) == 0 && (s[n] == ' ' || s[n] == '=' || s[n] == ',' ||
	                                   s[n] == ']' || s[n] == '\n' || s[n] == '\0');
}

/*
 * The description of option opt in help: on the line that starts with it (after blanks and
 * a short form "-x, "), the text after the first run of two or more blanks. "" when none.
 */
static void
help_describe(const char *help, const char *opt, char *buf, size_t size)
{
	const char *line, *p, *end;

	buf[0] = '\0';
	for (line = help; *line != '\0'; line = *end != '\0' ? end + 1 : end) {
		end = strchrnul(line, '\n');
		p = line + strspn(line, " ");
		if (p[0] == '-' && p[1] != '-' && p[1] != '\0' && p[2] == ',')
			p += 3 + strspn(p + 3, " ");
		if (p == line || !at_option(p, opt))
			continue;
		for (; p + 1 < end && !(p[0] == ' ' && p[1] == ' '); p++)
			;
		p += strspn(p, " ");
		if (p < end)
			snprintf(buf, size, "%.*s", (int)(end - p), p);
		return;
	}
}

/* The word after option opt anywhere in help ("-o FILE", "--via CONTACT", "--status
 * open|quiet"), or "". */
static void
help_value_name(const char *help, const char *opt, char *buf, size_t size)
{
	const char *p;
	size_t n;

	buf[0] = '\0';
	for (p = help; (p = strstr(p, opt)) != NULL; p++) {
		if ((p != help && p[-1] != ' ' && p[-1] != '[' && p[-1] != '(') ||
		    !at_option(p, opt))
			continue;
		p += strlen(opt);
		if (*p != ' ' && *p != '=')
			continue;
		p++;
		n = strspn(p,
		           "ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz0123456789|.,-");
		/* Lower case only as alternatives: "--via to say who" is prose. */
		if (memchr(p, '|', n) == NULL && !(p[0] >= 'A' && p[0] <= 'Z'))
			continue;
		if (n > 0 && n < size) {
			snprintf(buf, size, "%.*s", (int)n, p);
			return;
		}
	}
}

/* ---- the option tables ---- */

static const struct option *
long_option(const struct option *opts, const char *name, size_t len)
{
	for (size_t i = 0; opts != NULL && opts[i].name != NULL; i++)
		if (strlen(opts[i].name) == len && strncmp(opts[i].name, name, len) == 0)
			return &opts[i];
	return NULL;
}

/* Whether short option c takes a value in a getopt string ("hp:o:j"). */
static bool
short_takes_value(const char *shortopts, char c)
{
	const char *p;

	if (shortopts == NULL || c == ':' || c == '+' || (p = strchr(shortopts, c)) == NULL)
		return false;
	return p[1] == ':';
}

/* The long name of short option c: the entry whose val is c. */
static const char *
short_long_name(const struct option *opts, char c)
{
	for (size_t i = 0; opts != NULL && opts[i].name != NULL; i++)
		if (opts[i].flag == NULL && opts[i].val == c)
			return opts[i].name;
	return NULL;
}

/*
 * Whether word is an option that takes its value from the next word ("--persona", "-p",
 * "-jp"), given its tables.
 */
static bool
wants_value(const char *word, const struct option *opts, const char *shortopts, const char **name)
{
	const struct option *o;

	*name = NULL;
	if (word[0] != '-' || word[1] == '\0' || strcmp(word, "--") == 0)
		return false;
	if (word[1] == '-') {
		if (strchr(word, '=') != NULL)
			return false;
		o = long_option(opts, word + 2, strlen(word + 2));
		*name = o != NULL ? o->name : NULL;
		return o != NULL && o->has_arg == required_argument;
	}
	for (const char *p = word + 1; *p != '\0'; p++) {
		if (short_takes_value(shortopts, *p)) {
			*name = short_long_name(opts, *p);
			return p[1] == '\0';
		}
	}
	return false;
}

/* ---- what to print ---- */

/* Whether a name from the store may go on a command line: one line of text by the card
 * rules (no controls, no bidi controls or invisible characters), since it came from a peer. */
static bool
printable_line(const char *s)
{
	return text_check(s, strlen(s), 0) == TEXT_OK;
}

static int
names_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Opens the store for reading when it is there: never creates it, nor the state dir, and
 * never migrates an older one (a TAB must not upgrade a store an older daemon uses). NULL
 * when there is none (or it cannot be opened as it is), quietly.
 */
static struct store *
store_if_there(const char *state_dir)
{
	struct store *st = NULL;
	char *dir = NULL, *path = NULL;
	struct stat sb;

	if (state_dir != NULL && state_dir[0] == '\0')
		return NULL;
	if (paths_state_dir(state_dir, &dir) < 0)
		return NULL;
	if ((path = file_join(dir, STORE_FILE)) != NULL && lstat(path, &sb) == 0 &&
	    S_ISREG(sb.st_mode) && sb.st_size > 0) {
		if (store_open_flags(path, STORE_OPEN_NO_MIGRATE, &st, NULL) < 0)
			st = NULL;
	}
	free(path);
	free(dir);
	return st;
}

/* How print_contacts offers fingerprints. */
enum fprs { FPRS_NO, FPRS_YES, FPRS_UNLESS_NAME };

/*
 * Contact names, sorted and each once; fingerprints with the name beside them: always, or
 * only when cur looks like the start of one and is the start of no name (a list of both
 * would bury the names).
 */
static void
print_contacts(const char *state_dir, bool names, enum fprs fprs, const char *cur,
               const char *prefix)
{
	struct contact *list = NULL;
	struct store *st;
	char **sorted = NULL;
	size_t n = 0, k = 0;

	if ((st = store_if_there(state_dir)) == NULL)
		return;
	if (store_contacts(st, NULL, &list, &n) < 0)
		n = 0;
	store_close(st);
	if (fprs == FPRS_UNLESS_NAME) {
		fprs = cur[0] != '\0' && strspn(cur, FPR_CHARS) == strlen(cur) ? FPRS_YES : FPRS_NO;
		for (size_t i = 0; i < n && fprs == FPRS_YES; i++) {
			const char *name = list[i].f.text[CARD_NAME];

			if (name != NULL && strncasecmp(name, cur, strlen(cur)) == 0)
				fprs = FPRS_NO;
		}
	}
	if (names && n > 0 && (sorted = calloc(n, sizeof(*sorted))) != NULL) {
		for (size_t i = 0; i < n; i++) {
			const char *name = list[i].f.text[CARD_NAME];

			if (name != NULL && name[0] != '\0' && printable_line(name))
				sorted[k++] = (char *)name;
		}
		qsort(sorted, k, sizeof(*sorted), names_cmp);
		for (size_t i = 0; i < k; i++)
			if (i == 0 || strcmp(sorted[i], sorted[i - 1]) != 0)
				printf("%s%s\n", prefix, sorted[i]);
		free(sorted);
	}
	for (size_t i = 0; fprs == FPRS_YES && i < n; i++) {
		const char *name = list[i].f.text[CARD_NAME];

		/* An unverified contact has no fingerprint to offer: its name is completed. */
		if (contact_unverified(&list[i]))
			continue;
		if (name != NULL && printable_line(name))
			printf("%s%s\t%s\n", prefix, list[i].fpr, name);
		else
			printf("%s%s\n", prefix, list[i].fpr);
	}
	contact_free_all(list, n);
}

static void
print_personas(const char *state_dir, const char *prefix)
{
	struct store *st;
	char **names = NULL;
	size_t n = 0;

	if ((st = store_if_there(state_dir)) == NULL)
		return;
	if (store_persona_list(st, &names, &n) < 0)
		n = 0;
	store_close(st);
	for (size_t i = 0; i < n; i++)
		if (printable_line(names[i]))
			printf("%s%s\n", prefix, names[i]);
	store_names_free(names, n);
}

static void
print_verbs(const struct cli_command *cmds, size_t n)
{
	for (size_t i = 0; i < n; i++)
		printf("%s\t%s\n", cmds[i].name, cmds[i].summary);
}

/* The long options of a table, with what help says of each; value: "--name=" for those
 * that take a value (the 'options' listing), or a description after a tab (for 'words'). */
static void
print_options(const struct option *opts, const char *help, bool value)
{
	char opt[WORD_MAX], desc[256];

	for (size_t i = 0; opts != NULL && opts[i].name != NULL; i++) {
		snprintf(opt, sizeof(opt), "--%s", opts[i].name);
		if (value) {
			printf("%s%s\n", opt, opts[i].has_arg == required_argument ? "=" : "");
			continue;
		}
		help_describe(help != NULL ? help : "", opt, desc, sizeof(desc));
		/* The options every command shares, which its help leaves out. */
		if (desc[0] == '\0' && strcmp(opts[i].name, "help") == 0)
			snprintf(desc, sizeof(desc), "this help");
		else if (desc[0] == '\0' && strcmp(opts[i].name, "state-dir") == 0)
			snprintf(desc, sizeof(desc), "keys and store");
		else if (desc[0] == '\0' && strcmp(opts[i].name, "runtime-dir") == 0)
			snprintf(desc, sizeof(desc), "the daemon's control socket");
		printf("%s%s%s\n", opt, desc[0] != '\0' ? "\t" : "", desc);
	}
}

/*
 * What the word being completed may be: literal words from usage lines, and kinds named
 * there or by an option's value (CONTACT, FINGERPRINT, PERSONA and COMMAND, which this
 * file lists; FILE and DIR, which the shell does: the header).
 */
struct slot {
	const char *header; /* "-", "files" or "dirs" */
	char words[ELEMS_MAX * USAGE_MAX][WORD_MAX];
	size_t n;
	bool contacts, fingerprints, personas, verbs;
};

static void
slot_add_kind(struct slot *s, const char *kind)
{
	if (strcmp(kind, "CONTACT") == 0)
		s->contacts = true;
	else if (strcmp(kind, "FINGERPRINT") == 0)
		s->fingerprints = true;
	else if (strcmp(kind, "PERSONA") == 0)
		s->personas = true;
	else if (strcmp(kind, "COMMAND") == 0)
		s->verbs = true;
	else if (strcmp(kind, "FILE") == 0 || strcmp(kind, "PATH") == 0)
		s->header = "files";
	else if (strcmp(kind, "DIR") == 0 && strcmp(s->header, "files") != 0)
		s->header = "dirs";
}

static void
slot_add_word(struct slot *s, const char *w)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->words[i], w) == 0)
			return;
	if (s->n < sizeof(s->words) / sizeof(s->words[0]))
		snprintf(s->words[s->n++], WORD_MAX, "%s", w);
}

static void slot_add_elem(struct slot *s, const char *e);

/* An option's value: by the option's name for those whose help names the value loosely
 * ("--persona P"), else by the name help gives it ("-o FILE", "--via CONTACT"). */
static void
slot_add_value(struct slot *s, const char *optname, const char *help, char shortopt)
{
	char opt[WORD_MAX], kind[WORD_MAX];

	if (optname != NULL && strcmp(optname, "persona") == 0) {
		slot_add_kind(s, "PERSONA");
		return;
	}
	kind[0] = '\0';
	if (optname != NULL) {
		snprintf(opt, sizeof(opt), "--%s", optname);
		help_value_name(help, opt, kind, sizeof(kind));
	}
	if (kind[0] == '\0' && shortopt != '\0') {
		snprintf(opt, sizeof(opt), "-%c", shortopt);
		help_value_name(help, opt, kind, sizeof(kind));
	}
	if (optname != NULL &&
	    (strcmp(optname, "state-dir") == 0 || strcmp(optname, "runtime-dir") == 0))
		snprintf(kind, sizeof(kind), "DIR");
	if (kind[0] != '\0')
		slot_add_elem(s, kind);
}

/* The header, then the candidates; prefix goes before each ("--persona=" when completing
 * "--persona=wo": the shells see the whole word). */
static void
slot_print(const struct slot *s, const char *state_dir, const char *cur, const char *prefix,
           const struct cli_command *cmds, size_t ncmds)
{
	printf("%s\n", s->header);
	for (size_t i = 0; i < s->n; i++)
		printf("%s%s\n", prefix, s->words[i]);
	if (s->verbs)
		print_verbs(cmds, ncmds);
	if (s->contacts || s->fingerprints)
		print_contacts(state_dir, s->contacts,
		               s->fingerprints ? FPRS_YES : FPRS_UNLESS_NAME, cur, prefix);
	if (s->personas)
		print_personas(state_dir, prefix);
}

/* ---- usage lines ---- */

struct usage {
	char elems[ELEMS_MAX][WORD_MAX]; /* positional words: literals, or NAMES (upper case) */
	size_t n;
};

/*
 * The positional words of each usage line of help ("usage: wallflower VERB ..." and the
 * "wallflower VERB ..." lines under it, up to the first empty line): options and what is in
 * brackets or parentheses left out, except a lone optional word ("[show]").
 */
static size_t
usage_parse(const char *help, const char *verb, const struct option *opts, const char *shortopts,
            struct usage *u, size_t max)
{
	const char *line = help, *end, *p;
	size_t n = 0, vlen = strlen(verb);
	int depth = 0;
	bool in = false, skip_value = false;

	if (strncmp(line, "usage:", 6) != 0)
		return 0;
	line += 6;
	for (; *line != '\0' && *line != '\n'; line = *end != '\0' ? end + 1 : end) {
		end = strchrnul(line, '\n');
		p = line + strspn(line, " ");
		if (strncmp(p, "wallflower ", 11) == 0) {
			in = strncmp(p + 11, verb, vlen) == 0 &&
			     (p[11 + vlen] == ' ' || p + 11 + vlen == end);
			if (in && n == max)
				in = false;
			if (in) {
				memset(&u[n++], 0, sizeof(*u));
				p += 11 + vlen;
				depth = 0;
				skip_value = false;
			}
		}
		while (in && p < end) {
			char w[WORD_MAX];
			size_t len;
			const char *name;

			p += strspn(p, " ");
			len = strcspn(p, " \n");
			if (len == 0)
				break;
			snprintf(w, sizeof(w), "%.*s", (int)len, p);
			p += len;
			if (len >= sizeof(w))
				continue; /* no word of a usage line is that long */
			if (depth == 0 && w[0] == '[' && w[len - 1] == ']' && len > 2 &&
			    w[1] != '-' && strpbrk(w + 1, "[]()") == w + len - 1) {
				w[len - 1] = '\0';
				if (u[n - 1].n < ELEMS_MAX)
					snprintf(u[n - 1].elems[u[n - 1].n++], WORD_MAX, "%s",
					         w + 1);
				continue;
			}
			if (depth > 0 || strpbrk(w, "[(") != NULL) {
				for (char *c = w; *c != '\0'; c++)
					depth += *c == '[' || *c == '('   ? 1
					         : *c == ']' || *c == ')' ? -1
					                                  : 0;
				if (depth < 0)
					depth = 0;
				continue;
			}
			if (skip_value) {
				skip_value = false;
				continue;
			}
			if (w[0] == '-') {
				skip_value = wants_value(w, opts, shortopts, &name);
				continue;
			}
			if (strcmp(w, "|") == 0)
				continue;
			if (u[n - 1].n < ELEMS_MAX)
				snprintf(u[n - 1].elems[u[n - 1].n++], WORD_MAX, "%s", w);
		}
	}
	return n;
}

static bool
is_name(const char *w)
{
	return w[0] >= 'A' && w[0] <= 'Z';
}

/* Whether usage element e (a literal, "a|b", or a NAME) accepts word w. */
static bool
elem_accepts(const char *e, const char *w)
{
	char buf[WORD_MAX], *tok, *save = NULL;

	if (is_name(e))
		return true;
	snprintf(buf, sizeof(buf), "%.*s", WORD_MAX - 1, e);
	for (tok = strtok_r(buf, "|", &save); tok != NULL; tok = strtok_r(NULL, "|", &save))
		if (strcmp(tok, w) == 0)
			return true;
	return false;
}

/* Adds what usage element e offers: its literals, or its kind (NAME, "FILE...", "A|B"). */
static void
slot_add_elem(struct slot *s, const char *e)
{
	char buf[WORD_MAX], *tok, *save = NULL, *dots;

	snprintf(buf, sizeof(buf), "%.*s", WORD_MAX - 1, e);
	if ((dots = strstr(buf, "...")) != NULL)
		*dots = '\0';
	for (tok = strtok_r(buf, "|,", &save); tok != NULL; tok = strtok_r(NULL, "|,", &save)) {
		if (is_name(tok))
			slot_add_kind(s, tok);
		else if (tok[0] != '\0')
			slot_add_word(s, tok);
	}
}

/* The positional slot after words pos[0..npos) in each usage line that they fit. */
static void
slot_from_usage(struct slot *s, const struct usage *u, size_t nu, char **pos, size_t npos)
{
	for (size_t i = 0; i < nu; i++) {
		size_t k = 0;
		bool fits = true;

		for (; k < npos && fits; k++) {
			if (k >= u[i].n) {
				fits = u[i].n > 0 && strstr(u[i].elems[u[i].n - 1], "...") != NULL;
				break;
			}
			fits = elem_accepts(u[i].elems[k], pos[k]);
		}
		if (!fits)
			continue;
		if (npos < u[i].n)
			slot_add_elem(s, u[i].elems[npos]);
		else if (u[i].n > 0 && strstr(u[i].elems[u[i].n - 1], "...") != NULL)
			slot_add_elem(s, u[i].elems[u[i].n - 1]);
	}
}

/* ---- complete words ---- */

static void
complete_words(const char *state_dir, const struct cli_command *cmds, size_t ncmds,
               const struct option *main_opts, int argc, char **argv)
{
	static struct usage u[USAGE_MAX];
	static struct slot s;
	const struct cli_command *cmd;
	const struct option *o;
	const char *cur = argv[argc - 1], *name, *eq;
	char **pos = NULL, prefix[WORD_MAX] = "";
	bool dashdash = false;
	size_t npos = 0, nu;
	int i;

	memset(&s, 0, sizeof(s));
	s.header = "-";
	/* The program's own options, up to the command. */
	for (i = 0; i < argc - 1 && argv[i][0] == '-' && !dashdash; i++) {
		if (strcmp(argv[i], "--") == 0) {
			dashdash = true;
		} else if (wants_value(argv[i], main_opts, "+h", &name)) {
			if (i + 1 == argc - 1) {
				slot_add_value(&s, name, "", '\0');
				slot_print(&s, state_dir, cur, "", cmds, ncmds);
				return;
			}
			if (name != NULL && strcmp(name, "state-dir") == 0)
				state_dir = argv[i + 1];
			i++;
		} else if (strncmp(argv[i], "--state-dir=", 12) == 0) {
			state_dir = argv[i] + 12;
		}
	}
	if (i == argc - 1) {
		if (cur[0] == '-' && !dashdash) {
			printf("-\n");
			print_options(main_opts, NULL, false);
			return;
		}
		s.verbs = true;
		slot_print(&s, state_dir, cur, "", cmds, ncmds);
		return;
	}
	if ((cmd = find_command(cmds, ncmds, argv[i])) == NULL)
		return;
	ask_command(cmd, argc - 1 - (i + 1), argv + i + 1);
	if (!cap.got) {
		printf("-\n");
		return;
	}
	if ((pos = calloc((size_t)argc, sizeof(*pos))) == NULL)
		goto out;
	dashdash = false;
	for (i++; i < argc - 1; i++) {
		if (dashdash || argv[i][0] != '-' || argv[i][1] == '\0') {
			pos[npos++] = argv[i];
		} else if (strcmp(argv[i], "--") == 0) {
			dashdash = true;
		} else if (wants_value(argv[i], cap.longopts, cap.shortopts, &name)) {
			if (i + 1 == argc - 1) {
				slot_add_value(&s, name, cap.help,
				               argv[i][1] == '-' ? '\0'
				                                 : argv[i][strlen(argv[i]) - 1]);
				slot_print(&s, state_dir, cur, "", cmds, ncmds);
				goto out;
			}
			if (name != NULL && strcmp(name, "state-dir") == 0)
				state_dir = argv[i + 1];
			i++;
		} else if (strncmp(argv[i], "--state-dir=", 12) == 0) {
			state_dir = argv[i] + 12;
		}
	}
	if (!dashdash && cur[0] == '-' && cur[1] == '-' && (eq = strchr(cur, '=')) != NULL) {
		if ((o = long_option(cap.longopts, cur + 2, (size_t)(eq - cur - 2))) != NULL) {
			snprintf(prefix, sizeof(prefix), "%.*s", (int)(eq - cur + 1), cur);
			slot_add_value(&s, o->name, cap.help, '\0');
		}
		slot_print(&s, state_dir, eq + 1, prefix, cmds, ncmds);
	} else if (!dashdash && cur[0] == '-') {
		printf("-\n");
		print_options(cap.longopts, cap.help, false);
	} else {
		nu = usage_parse(cap.help, cmd->name, cap.longopts, cap.shortopts, u, USAGE_MAX);
		slot_from_usage(&s, u, nu, pos, npos);
		slot_print(&s, state_dir, cur, "", cmds, ncmds);
	}
out:
	free(pos);
	capture_clear();
}

static const char complete_help[] =
        "usage: wallflower complete verbs\n"
        "       wallflower complete options [VERB [WORD...]]\n"
        "       wallflower complete contacts|fingerprints|personas\n"
        "       wallflower complete words WORD...\n"
        "\n"
        "For the shell completion scripts: what to offer, one a line. 'words' takes the\n"
        "command line after 'wallflower' up to the word being completed.\n";

int
cli_complete(struct cli *cli, const struct cli_command *cmds, size_t ncmds,
             const struct option *main_opts, int argc, char **argv)
{
	const struct cli_command *cmd;
	const char *what = argc > 1 ? argv[1] : "";

	if (strcmp(what, "verbs") == 0 && argc == 2) {
		print_verbs(cmds, ncmds);
	} else if (strcmp(what, "options") == 0 && argc == 2) {
		print_options(main_opts, NULL, true);
	} else if (strcmp(what, "options") == 0) {
		if ((cmd = find_command(cmds, ncmds, argv[2])) == NULL)
			return CLI_EXIT_OK;
		ask_command(cmd, argc - 3, argv + 3);
		if (cap.got)
			print_options(cap.longopts, cap.help, true);
		capture_clear();
	} else if (strcmp(what, "contacts") == 0 && argc == 2) {
		print_contacts(cli->state_dir, true, FPRS_NO, "", "");
	} else if (strcmp(what, "fingerprints") == 0 && argc == 2) {
		print_contacts(cli->state_dir, false, FPRS_YES, "", "");
	} else if (strcmp(what, "personas") == 0 && argc == 2) {
		print_personas(cli->state_dir, "");
	} else if (strcmp(what, "words") == 0 && argc > 2) {
		complete_words(cli->state_dir, cmds, ncmds, main_opts, argc - 2, argv + 2);
	} else if (strcmp(what, "--help") == 0 || strcmp(what, "-h") == 0) {
		fputs(complete_help, stdout);
	} else {
		fputs(complete_help, stderr);
		return CLI_EXIT_USAGE;
	}
	return CLI_EXIT_OK;
}
