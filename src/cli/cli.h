/*
 * The wallflower CLI: shared plumbing for the command files (cmd_*.c). Every command
 * prints one clear line on stderr and returns non-zero for bad input; human output on
 * stdout, or JSON through jansson when --json is given.
 */
#ifndef WALLFLOWER_CLI_H
#define WALLFLOWER_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include "wallflower/identity.h"
#include "wallflower/store.h"

#define CLI_EXIT_OK    0
#define CLI_EXIT_FAIL  1 /* the command ran and said no (invalid card, refused overwrite) */
#define CLI_EXIT_USAGE 2 /* the command line itself was wrong */

/* Options every command accepts; the value of --state-dir, NULL when not given. */
struct cli {
	const char *prog;      /* "wallflower card verify", for messages */
	const char *state_dir; /* --state-dir */
	char *state_path;      /* resolved, owned */
};

struct cli_command {
	const char *name;
	int (*run)(struct cli *cli, int argc, char **argv);
	const char *summary;
};

/* Long options every command accepts: put CLI_COMMON_OPTIONS in each option table. */
#define CLI_OPT_STATE_DIR 0x100
#define CLI_COMMON_OPTIONS                                                                         \
	{ "help", no_argument, NULL, 'h' },                                                        \
	{                                                                                          \
		"state-dir", required_argument, NULL, CLI_OPT_STATE_DIR                            \
	}

/* ---- talking to wallflowerd (client.c) ---- */

/* The --runtime-dir option every network verb takes. */
#define CLI_OPT_RUNTIME_DIR 0x101
#define CLI_DAEMON_OPTIONS                                                                         \
	{                                                                                          \
		"runtime-dir", required_argument, NULL, CLI_OPT_RUNTIME_DIR                        \
	}
#define CLI_REPLY_WAIT_MS    10000 /* a reply to an ordinary request */
#define CLI_COURTESY_WAIT_MS 1000  /* a reply to a request that changes nothing of ours */

/* The value of --runtime-dir, or NULL. */
extern const char *cli_runtime_dir_opt;

/* cli_getopt plus --runtime-dir; after --help it returns 0 (not -1), so that every
 * caller's "not my option" branch returns CLI_EXIT_OK and nothing else runs. */
int cli_getopt_daemon(struct cli *cli, int argc, char **argv, const char *shortopts,
                      const struct option *longopts, const char *help, bool *done);

/* The control socket's path (a fresh string), or NULL after saying why. */
char *cli_socket_path(void);
/* The same, saying nothing when there is no runtime directory (no daemon can run then). */
char *cli_socket_path_quietly(void);
/* A connection to the daemon, or -1 after saying it is not running. */
int cli_connect_daemon(void);
/* The next message (ctlclient_recv; timeout_ms < 0: wait forever), or NULL after saying
 * why. */
json_t *cli_read_msg(int fd, int timeout_ms);

/*
 * Sends req (taking it) and returns the reply when its "ok" is true; otherwise prints the
 * daemon's message and returns NULL. quiet: say nothing when no daemon runs.
 */
json_t *cli_daemon_request(json_t *req, int timeout_ms, bool quiet);
/* Tells a running daemon that this process changed the contacts in the store (someone
 * added, forgotten, noted, met, followed up or verified): it recognises them again and
 * tells its watchers (proto/control.md 10.13). Says nothing, whatever happens, and waits
 * at most CLI_COURTESY_WAIT_MS for the reply (and CTLCLIENT_CONNECT_MS to connect). */
void cli_contacts_changed(void);

/* "wallflower: " + message + "\n" on stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* An error about the command line: the message and a hint to --help; returns CLI_EXIT_USAGE. */
int cli_usage_error(const struct cli *cli, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

/*
 * Parses options with getopt_long, handling the shared ones (--help prints help and
 * makes the result 0 with *done set; --state-dir). Returns the option character for
 * command-specific options, -1 at the end, or '?' after a usage error was printed.
 */
int cli_getopt(struct cli *cli, int argc, char **argv, const char *shortopts,
               const struct option *longopts, const char *help, bool *done);

/* After getopt_long returned '?' or ':': the option it stumbled on, as typed ("--frob",
 * "--name" without its value) or as "-x" for a short one, even inside a cluster. */
const char *cli_bad_option(char **argv, const struct option *longopts);

/*
 * The command line of a verb whose one option of its own is --json and that takes no
 * argument: -1 when the verb goes on (*json set), otherwise the exit status to return
 * (CLI_EXIT_OK after --help, CLI_EXIT_USAGE after a usage error).
 */
int cli_args_json_only(struct cli *cli, int argc, char **argv, const char *help, bool *json);

/* A number N as a listing shows it ("12" or "#12"): digits only, at least 1. 0 with *n,
 * or -1 for anything else (a sign, space, another character, an overflow). */
int cli_parse_number(const char *s, int64_t *n);

/* The state directory (resolving it once). NULL after printing an error. */
const char *cli_state_dir(struct cli *cli);

/*
 * Refuses private files in the state dir that others can read (the identity and the
 * store), as ssh does. 0, or -1 after printing which file and the chmod that fixes it.
 */
int cli_check_private_files(struct cli *cli);

/* Whether path is the identity, the store or one of its side files: never an output. */
bool cli_is_state_file(struct cli *cli, const char *path);

/*
 * Signs a fresh card from persona (the default persona's name filling in), with a clear
 * message for each failure. *env (the caller frees) and *len, *rev. 0 or -1.
 */
int cli_issue_card(struct cli *cli, const char *persona, uint8_t **env, size_t *len, uint64_t *rev);

/* Loads the identity, with a clear message for each failure. 0 or -1. */
int cli_load_identity(struct cli *cli, struct identity **id);

/*
 * Opens the store, with a clear message for each failure. 0 or -1. A missing store is an
 * error ("no wallflower store in DIR; run 'wallflower init'"): nothing is created.
 */
int cli_open_store(struct cli *cli, struct store **st);
/* The same, creating the state directory and the store when missing: for init alone. */
int cli_create_store(struct cli *cli, struct store **st);

/*
 * A JSON array of the n items of size bytes at items, each made by one(); NULL when any
 * item or the array cannot be made (nothing is leaked).
 */
json_t *cli_json_array(const void *items, size_t n, size_t size, json_t *(*one)(const void *));

/* The version of the JSON documents' shapes (docs/json.md): every document is an object
 * whose first member is "schema": CLI_JSON_SCHEMA. */
#define CLI_JSON_SCHEMA 1

/* Prints a JSON object as a document (with "schema" put first) on stdout with a newline
 * and frees it. 0 or -1. */
int cli_json_print(json_t *v);
/* Prints {"schema": CLI_JSON_SCHEMA, key: list} and frees list. 0 or -1. */
int cli_json_print_list(const char *key, json_t *list);

/*
 * s as it is safe to echo in a message, in single quotes: control characters, bidi
 * controls and invalid bytes are written as \xHH or \u{HHHH}, a backslash or a quote in s
 * as \\ or \', and the whole is cut to 80 bytes with "...". The result lives in one of
 * four rotating static buffers: up to four quotes in one message.
 */
const char *cli_quote(const char *s);
/* The same for a file name the user gave (FILE, -o FILE): cut at 1024 bytes instead. */
const char *cli_quote_path(const char *s);
/* A whole message from elsewhere (the daemon's), escaped as cli_quote escapes but without
 * quotes, cut at 1024 bytes; two rotating buffers. */
const char *cli_printable(const char *s);

/*
 * An unknown WHAT (a command, a verb, a field, a format): "unknown WHAT 'typed'", with the
 * names among names[0..n) it was probably meant to be ("did you mean 'x'?"), else a hint
 * to cli->prog --help. Returns CLI_EXIT_USAGE.
 */
int cli_unknown(const struct cli *cli, const char *what, const char *typed,
                const char *const *names, size_t n);

/*
 * A table of text for people: columns aligned by display width (wide characters count two
 * columns). cells are copied. On a terminal, a header line and rows cut to its width with
 * an ellipsis; elsewhere neither, so scripts get whole values.
 */
struct cli_table;
/* headers (ncols strings, not copied: keep them alive) are printed only on a terminal. */
struct cli_table *cli_table_new(size_t ncols, const char *const *headers);
/* Column col is right-aligned (numbers). */
void cli_table_align_right(struct cli_table *t, size_t col);
int cli_table_add(struct cli_table *t, const char *const *cells); /* 0 or -ENOMEM */
/* A line printed under the last row added, as it is (cut to a terminal's width): details
 * that do not fit a column. 0, -EINVAL before any row, or -ENOMEM. */
int cli_table_add_detail(struct cli_table *t, const char *line);
/*
 * Prints t on stdout unless ok is false (memory ran out while filling it: said here), and
 * frees it. 0, or -1 when it was not printed whole.
 */
int cli_table_done(struct cli_table *t, bool ok);
/* Prints the table on f. 0, or -1 when writing failed. */
int cli_table_print(struct cli_table *t, FILE *f);
void cli_table_free(struct cli_table *t);
/* The display width of UTF-8 text: wide characters count two columns, marks none. */
size_t cli_text_width(const char *s);
/* The width of the terminal f is, or 0 when f is not a terminal. */
size_t cli_terminal_width(FILE *f);

/* An ISO 8601 UTC time, e.g. "2026-11-26T20:14:08Z". */
void cli_format_time(unsigned long long t, char buf[32]);

/* Card fields as a JSON object: text fields as strings, lists as arrays, fwd as a bool;
 * absent fields are left out. NULL when out of memory. */
json_t *cli_fields_json(const struct card_fields *f);

/* Card fields as aligned "label  value" lines, list items one per line. */
void cli_fields_print(const struct card_fields *f);

/*
 * Reads and decodes a card file (FILE, or '-' for standard input) holding one card: a binary
 * envelope, one armored block, or a picture of one QR code (cardfile.c). 0 with *card, or
 * with *card NULL and *err saying why it is not a card; -1 after printing why the file
 * could not be read, holds no card, or holds several.
 */
int cli_read_card(const char *path, struct card **card, struct card_error *err);

/* One card found in a file: where in it, and its verdict. */
struct cli_card_in {
	char where[48];        /* "" for a whole binary file, "block at line 4", "QR code 2" */
	struct card *card;     /* owned; NULL when refused */
	struct card_error err; /* when card is NULL and why is empty */
	char why[160];         /* a refusal that is not the card's (damaged armor), or "" */
};

struct cli_cards_in {
	struct cli_card_in *v; /* owned */
	size_t n;
};

/*
 * Finds the cards FILE (or '-') holds, whatever the form it has by its first bytes (never
 * its name): a binary envelope (one card); text with armored blocks (one each, text around
 * them ignored); a PNG or JPEG picture (one for each QR code in it, whose bytes are an
 * envelope or armored text). Every card is decoded and verified; expiry is the caller's.
 * 0 with out->n >= 1; -1 after printing why the file cannot be read or holds no card.
 */
int cli_read_cards(const char *path, struct cli_cards_in *out);
/* The same, in two steps: the bytes of FILE (or '-'; *buf the caller's to free; -1 after
 * printing why it cannot be read), and the cards in len bytes read from path. */
int cli_read_file(const char *path, uint8_t **buf, size_t *len);
int cli_cards_parse(const char *path, const uint8_t *buf, size_t len, struct cli_cards_in *out);
void cli_cards_in_clear(struct cli_cards_in *in);

/* Whether name is a valid event name: 1 to 128 bytes of one-line text (card rules). */
bool cli_event_valid(const char *name);

/* Contacts for people and scripts (people.c). */
/* The contact object of docs/json.md, with those of the follow-ups fu[0..n_fu) that are
 * about c; the same as the JSON export's. NULL when out of memory. */
json_t *cli_contact_json(const struct contact *c, const struct followup *fu, size_t n_fu);
/* A JSON array of the n contacts of list, each with its follow-ups. NULL: out of memory. */
json_t *cli_contacts_json(const struct contact *list, size_t n, const struct followup *fu,
                          size_t n_fu);
/* The contacts as an aligned table (cli_table) on f. 0; -1 when out of memory (said) or
 * when writing failed. */
int cli_contacts_table(const struct contact *list, size_t n, FILE *f);
/* The whole contact, with those of the follow-ups fu[0..n) that are about it. */
void cli_contact_print(const struct contact *c, const struct followup *fu, size_t n);
/*
 * The one contact that prefix names (a name or fingerprint prefix), in *out (an array of
 * one; free with contact_free_all(*out, 1)). 0; -1 after printing that none or several
 * match, with the candidates.
 */
int cli_contact_resolve(struct store *st, const char *prefix, struct contact **out);

/* What names c for a person reading: its fingerprint, or "unverified" for a contact from a
 * vCard, whose stand-in fingerprint proves nothing and is not shown as one. */
const char *cli_contact_fpr(const struct contact *c);

/*
 * 'wallflower complete' (cmd_complete.c), hidden from the command list: what the shell
 * completion scripts offer, from the command table cmds[0..ncmds), the program's own
 * options main_opts and each command's tables. argv[0] is "complete".
 */
int cli_complete(struct cli *cli, const struct cli_command *cmds, size_t ncmds,
                 const struct option *main_opts, int argc, char **argv);
/* Set by cli_complete while it asks a command for its tables: cli_getopt then hands them
 * here instead of parsing, and ends as after --help. NULL otherwise. */
extern void (*cli_getopt_hook)(const char *shortopts, const struct option *longopts,
                               const char *help);

int cmd_init(struct cli *cli, int argc, char **argv);
int cmd_id(struct cli *cli, int argc, char **argv);
int cmd_profile(struct cli *cli, int argc, char **argv);
int cmd_card(struct cli *cli, int argc, char **argv);
int cmd_import(struct cli *cli, int argc, char **argv);
int cmd_contacts(struct cli *cli, int argc, char **argv);
int cmd_show(struct cli *cli, int argc, char **argv);
int cmd_note(struct cli *cli, int argc, char **argv);
int cmd_followup(struct cli *cli, int argc, char **argv);
int cmd_graph(struct cli *cli, int argc, char **argv);
/* graph map: argv[0] is "map" (cmd_map.c). */
int cmd_graph_map(struct cli *cli, int argc, char **argv);
int cmd_export(struct cli *cli, int argc, char **argv);
int cmd_start(struct cli *cli, int argc, char **argv);
int cmd_stop(struct cli *cli, int argc, char **argv);
int cmd_notify(struct cli *cli, int argc, char **argv);

/* ---- the programs beside the CLI (spawn.c) ---- */

/* Where program NAME is: sibling_find's answer ($ENV when set, else beside this program,
 * else in the build tree's src/BUILD_DIR), else NAME for execvp's search of $PATH. A fresh
 * string; NULL when out of memory. */
char *cli_program_path(const char *env, const char *name, const char *build_dir);
/* Starts PATH --state-dir S [--runtime-dir R] detached: a session of its own, not our
 * child, stdin and stdout (and stderr unless keep_stderr) on /dev/null, WALLFLOWER set to
 * this CLI. 0 once forked (whether the exec works shows later: the helper is looked for,
 * as `wallflower ui` does), -1 without a state directory or a fork. */
int cli_spawn_helper(struct cli *cli, const char *path, bool keep_stderr);

/* ---- desktop notifications (cmd_notify.c) ---- */

/* Whether the setting `wallflower notify on` is in force. */
bool cli_notify_setting(struct cli *cli);
/* Starts wallflower-notify detached for this state and runtime directory. 0, or -1. */
int cli_notify_spawn(struct cli *cli);

/* cmd_ui.c: stops the wallflower-ui of the runtime directory, when one runs (for stop). */
void cli_ui_stop(void);
int cmd_status(struct cli *cli, int argc, char **argv);
int cmd_nearby(struct cli *cli, int argc, char **argv);
int cmd_invite(struct cli *cli, int argc, char **argv);
int cmd_send(struct cli *cli, int argc, char **argv);
int cmd_verify(struct cli *cli, int argc, char **argv);
int cmd_ask(struct cli *cli, int argc, char **argv);
int cmd_ui(struct cli *cli, int argc, char **argv);
/* An introduction object as armored text, to file (NULL: stdout). 0 or -1 (said). */
int cli_write_intro_text(const char *file, const uint8_t *obj, size_t len);
int cmd_introduce(struct cli *cli, int argc, char **argv);
int cmd_inbox(struct cli *cli, int argc, char **argv);
int cmd_accept(struct cli *cli, int argc, char **argv);
int cmd_decline(struct cli *cli, int argc, char **argv);
int cmd_block(struct cli *cli, int argc, char **argv);
int cmd_watch(struct cli *cli, int argc, char **argv);
int cmd_doctor(struct cli *cli, int argc, char **argv);
int cmd_met(struct cli *cli, int argc, char **argv);
int cmd_sent(struct cli *cli, int argc, char **argv);
int cmd_forget(struct cli *cli, int argc, char **argv);
int cmd_blocked(struct cli *cli, int argc, char **argv);
int cmd_unblock(struct cli *cli, int argc, char **argv);
int cmd_topics(struct cli *cli, int argc, char **argv);
int cmd_events(struct cli *cli, int argc, char **argv);

#endif
