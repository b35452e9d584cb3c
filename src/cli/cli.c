/*
 * cli.c: what every command shares: error lines, option parsing, the state directory,
 * and opening the identity and the store with messages a person can act on.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "wallflower/text.h"
#include "wallflower/file.h"
#include "wallflower/paths.h"
#include "wallflower/quote.h"
#include "wallflower/suggest.h"

void
cli_error(const char *fmt, ...)
{
	va_list ap;

	fputs("wallflower: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int
cli_usage_error(const struct cli *cli, const char *fmt, ...)
{
	va_list ap;

	fputs("wallflower: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see '%s --help')\n", cli->prog);
	return CLI_EXIT_USAGE;
}

/* Whether arg ("--name" or "--name=value", perhaps abbreviated) is a long option of
 * longopts whose value is val. */
static bool
long_option_is(const char *arg, const struct option *longopts, int val)
{
	size_t len;

	if (strncmp(arg, "--", 2) != 0)
		return false;
	arg += 2;
	len = strcspn(arg, "=");
	for (; longopts != NULL && longopts->name != NULL; longopts++)
		if (longopts->val == val && len > 0 && strncmp(longopts->name, arg, len) == 0)
			return true;
	return false;
}

const char *
cli_bad_option(char **argv, const struct option *longopts)
{
	static char shortopt[3];
	const char *arg = optind > 0 ? argv[optind - 1] : "";

	/* An unknown long option (optopt 0) or a long one without its value: the argument as
	 * typed. Otherwise a short option, perhaps inside a cluster such as -xq, where optind
	 * has not moved on yet: the letter itself. */
	if (optopt == 0 || long_option_is(arg, longopts, optopt) || optopt < 0x21 || optopt > 0x7e)
		return arg;
	snprintf(shortopt, sizeof(shortopt), "-%c", optopt);
	return shortopt;
}

int
cli_getopt(struct cli *cli, int argc, char **argv, const char *shortopts,
           const struct option *longopts, const char *help, bool *done)
{
	int c;

	*done = false;
	if (cli_getopt_hook != NULL) { /* 'wallflower complete' wants the tables, not a parse */
		cli_getopt_hook(shortopts, longopts, help);
		*done = true;
		return -1;
	}
	opterr = 0; /* one line of our own instead of getopt's two */
	for (;;) {
		c = getopt_long(argc, argv, shortopts, longopts, NULL);
		if (c == 'h') {
			fputs(help, stdout);
			*done = true;
			return -1;
		}
		if (c == CLI_OPT_STATE_DIR) {
			cli->state_dir = optarg;
			continue;
		}
		if (c == '?' || c == ':')
			cli_usage_error(cli, "unknown option, or an option without its value: %s",
			                cli_quote(cli_bad_option(argv, longopts)));
		return c == ':' ? '?' : c;
	}
}

const char *
cli_state_dir(struct cli *cli)
{
	int r;

	if (cli->state_path != NULL)
		return cli->state_path;
	/* An empty --state-dir is a script's empty variable, not a wish for the default. */
	if (cli->state_dir != NULL && cli->state_dir[0] == '\0') {
		cli_error("--state-dir is empty");
		return NULL;
	}
	r = paths_state_dir(cli->state_dir, &cli->state_path);
	if (r == -ENOENT)
		cli_error("no state directory: set HOME, or pass --state-dir DIR");
	else if (r < 0)
		cli_error("cannot resolve the state directory: %s", strerror(-r));
	return cli->state_path;
}

/* The files in the state directory that are ours alone. */
static const char *const private_files[] = { IDENTITY_FILE, STORE_FILE, STORE_FILE "-wal",
	                                     STORE_FILE "-shm", STORE_FILE "-journal" };

/* ssh's rule: a private file that others can use is refused, with the fix spelled out. */
static int
check_one(const char *dir, const char *name)
{
	char *path = file_join(dir, name);
	mode_t mode;
	uid_t owner;
	int r;

	if (path == NULL) {
		cli_error("out of memory");
		return -1;
	}
	r = file_check_private(path, &mode, &owner);
	if (r == -EPERM && owner != geteuid())
		cli_error("%s belongs to user %u, not to you (uid %u); refusing to use it",
		          cli_printable(path), (unsigned)owner, (unsigned)geteuid());
	else if (r == -EPERM)
		cli_error("%s: permissions %04o are too open: it must not be accessible by group "
		          "or others (fix: chmod 600 '%s')",
		          cli_printable(path), (unsigned)mode, cli_printable(path));
	else if (r == -EINVAL)
		cli_error("%s is not a regular file (a link or a special file); refusing to use it",
		          cli_printable(path));
	else if (r == -ENOTDIR)
		cli_error("the state directory %s is not a directory", cli_printable(dir));
	else if (r < 0 && r != -ENOENT)
		cli_error("cannot check %s: %s", cli_printable(path), strerror(-r));
	free(path);
	return r == 0 || r == -ENOENT ? 0 : -1;
}

int
cli_check_private_files(struct cli *cli)
{
	const char *dir = cli_state_dir(cli);

	if (dir == NULL)
		return -1;
	for (size_t i = 0; i < sizeof(private_files) / sizeof(private_files[0]); i++)
		if (check_one(dir, private_files[i]) < 0)
			return -1;
	return 0;
}

/* Whether path names a file in the state directory whose name is one of ours, or starts
 * like one (a -wal or -journal the store may create later). */
static bool
in_state_dir(const char *dir, const char *path)
{
	const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
	char *pdir = slash ? strndup(path, (size_t)(slash - path + (slash == path))) : strdup(".");
	char *a = pdir ? realpath(pdir, NULL) : NULL, *b = realpath(dir, NULL);
	bool same = a != NULL && b != NULL && strcmp(a, b) == 0 &&
	            (strncmp(base, STORE_FILE, strlen(STORE_FILE)) == 0 ||
	             strncmp(base, IDENTITY_FILE, strlen(IDENTITY_FILE)) == 0);

	free(pdir);
	free(a);
	free(b);
	return same;
}

bool
cli_is_state_file(struct cli *cli, const char *path)
{
	const char *dir = cli_state_dir(cli);
	bool same = dir != NULL && in_state_dir(dir, path);

	for (size_t i = 0;
	     dir != NULL && !same && i < sizeof(private_files) / sizeof(private_files[0]); i++) {
		char *p = file_join(dir, private_files[i]);

		same = p != NULL && file_same(p, path);
		free(p);
	}
	return same;
}

int
cli_load_identity(struct cli *cli, struct identity **id)
{
	const char *dir;
	int r;

	*id = NULL;
	if (cli_check_private_files(cli) < 0)
		return -1;
	dir = cli_state_dir(cli);
	r = identity_load(dir, id);
	if (r == 0)
		return 0;
	if (r == -ENOENT)
		cli_error("no identity in %s: create one with 'wallflower init'",
		          cli_printable(dir));
	else if (r == -EBADMSG)
		cli_error("%s/%s is damaged or not a wallflower identity", cli_printable(dir),
		          IDENTITY_FILE);
	else if (r == -EPROTO)
		cli_error("%s/%s was made by a newer wallflower (unknown format version); "
		          "upgrade wallflower",
		          cli_printable(dir), IDENTITY_FILE);
	else
		cli_error("cannot read %s/%s: %s", cli_printable(dir), IDENTITY_FILE, strerror(-r));
	return -1;
}

/* The store's message for an absent store, the same in the CLI and the daemon. */
static void
no_store(const char *dir)
{
	cli_error("no wallflower store in %s; run 'wallflower init'", cli_printable(dir));
}

/*
 * Only init creates: a command that reads the store and finds none says so, and leaves
 * neither a state directory nor an empty store behind (one would hide a mistyped
 * --state-dir or a moved store, and later be taken for the real one).
 */
static int
open_store(struct cli *cli, struct store **st, bool create)
{
	const char *dir;
	struct stat sb;
	char *path;
	int r, found = 0;

	*st = NULL;
	if (cli_check_private_files(cli) < 0)
		return -1;
	dir = cli_state_dir(cli);
	if (!create && stat(dir, &sb) < 0 && errno == ENOENT) {
		no_store(dir);
		return -1;
	}
	/* An existing directory is only checked here, never made. */
	if ((r = file_mkdir_private(dir)) < 0) {
		cli_error("cannot use state directory %s: %s", cli_printable(dir),
		          r == -EPERM ? "it is not yours, or others can write to it"
		                      : strerror(-r));
		return -1;
	}
	if ((path = file_join(dir, STORE_FILE)) == NULL) {
		cli_error("out of memory");
		return -1;
	}
	r = store_open_flags(path, create ? STORE_OPEN_CREATE : 0, st, &found);
	if (r == -ENOENT && !create)
		no_store(dir);
	else if (r == -EPROTO)
		cli_error("%s has schema version %d, newer than this wallflower knows (%d); "
		          "upgrade wallflower (nothing was changed)",
		          cli_printable(path), found, STORE_SCHEMA_VERSION);
	else if (r == -EIO)
		cli_error("cannot open store %s: it is damaged or not a wallflower store",
		          cli_printable(path));
	else if (r == -EACCES)
		cli_error("cannot open store %s: it is read-only to you", cli_printable(path));
	else if (r < 0)
		cli_error("cannot open store %s: %s", cli_printable(path), strerror(-r));
	free(path);
	return r < 0 ? -1 : 0;
}

int
cli_open_store(struct cli *cli, struct store **st)
{
	return open_store(cli, st, false);
}

int
cli_create_store(struct cli *cli, struct store **st)
{
	return open_store(cli, st, true);
}

json_t *
cli_json_array(const void *items, size_t n, size_t size, json_t *(*one)(const void *))
{
	json_t *a = json_array();

	for (size_t i = 0; a != NULL && i < n; i++)
		if (json_array_append_new(a, one((const char *)items + i * size)) < 0) {
			json_decref(a); /* append_new took the item, or it was NULL */
			a = NULL;
		}
	return a;
}

int
cli_json_print(json_t *v)
{
	json_t *doc;
	int r;

	if (v == NULL) {
		cli_error("out of memory");
		return -1;
	}
	/* "schema" first: a new object, then v's members in their order. */
	doc = json_pack("{s:i}", "schema", CLI_JSON_SCHEMA);
	if (doc == NULL || json_object_update(doc, v) < 0) {
		json_decref(doc);
		json_decref(v);
		cli_error("out of memory");
		return -1;
	}
	json_decref(v);
	v = doc;
	r = json_dumpf(v, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(v);
	if (r < 0 || fputc('\n', stdout) == EOF) {
		cli_error("cannot write JSON output");
		return -1;
	}
	return 0;
}

int
cli_parse_number(const char *s, int64_t *n)
{
	char *end;
	long long v;

	if (s[0] == '#')
		s++;
	/* strtoll skips leading space and takes a sign: only digits are a number here. */
	if (s[0] < '0' || s[0] > '9')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v <= 0)
		return -1;
	*n = v;
	return 0;
}

int
cli_args_json_only(struct cli *cli, int argc, char **argv, const char *help, bool *json)
{
	static const struct option opts[] = { CLI_COMMON_OPTIONS,
		                              { "json", no_argument, NULL, 'j' },
		                              { NULL, 0, NULL, 0 } };
	bool done;
	int c;

	*json = false;
	while ((c = cli_getopt(cli, argc, argv, "hj", opts, help, &done)) != -1) {
		if (c != 'j')
			return CLI_EXIT_USAGE;
		*json = true;
	}
	if (done)
		return CLI_EXIT_OK;
	if (optind < argc)
		return cli_usage_error(cli, "unexpected argument %s", cli_quote(argv[optind]));
	return -1;
}

int
cli_json_print_list(const char *key, json_t *list)
{
	if (list == NULL) {
		cli_error("out of memory");
		return -1;
	}
	return cli_json_print(json_pack("{s:o}", key, list));
}

const char *
cli_quote(const char *s)
{
	enum { QUOTE_MAX = 80 };
	static char bufs[4][QUOTE_MAX + QUOTE_SLACK];
	static unsigned next;

	return quote_escape(bufs[next++ % 4], QUOTE_MAX, s, QUOTE_QUOTED);
}

const char *
cli_quote_path(const char *s)
{
	enum { PATH_QUOTE_MAX = 1024 };
	static char bufs[4][PATH_QUOTE_MAX + QUOTE_SLACK];
	static unsigned next;

	return quote_escape(bufs[next++ % 4], PATH_QUOTE_MAX, s, QUOTE_QUOTED);
}

const char *
cli_printable(const char *s)
{
	enum { PRINTABLE_MAX = 1024 };
	static char bufs[2][PRINTABLE_MAX + QUOTE_SLACK];
	static unsigned next;

	return quote_escape(bufs[next++ % 2], PRINTABLE_MAX, s, 0);
}

int
cli_unknown(const struct cli *cli, const char *what, const char *typed, const char *const *names,
            size_t n)
{
	size_t idx[3], k = suggest_pick(typed, names, n, idx, 3);

	if (k == 0)
		return cli_usage_error(cli, "unknown %s %s", what, cli_quote(typed));
	if (k == 1)
		cli_error("unknown %s %s; did you mean '%s'?", what, cli_quote(typed),
		          names[idx[0]]);
	else if (k == 2)
		cli_error("unknown %s %s; did you mean '%s' or '%s'?", what, cli_quote(typed),
		          names[idx[0]], names[idx[1]]);
	else
		cli_error("unknown %s %s; did you mean '%s', '%s' or '%s'?", what, cli_quote(typed),
		          names[idx[0]], names[idx[1]], names[idx[2]]);
	return CLI_EXIT_USAGE;
}

void
cli_format_time(unsigned long long t, char buf[32])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if ((unsigned long long)tt != t || tt < 0 || gmtime_r(&tt, &tm) == NULL ||
	    strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, 32, "%llu", t);
}
