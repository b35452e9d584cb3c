/*
 * wallflower: the command line. Store-only verbs open the store directly; network verbs
 * talk to wallflowerd over its control socket (cmd_daemon.c, proto/control.md).
 *
 * This file finds the command (or says which one was probably meant), runs it, and owns
 * the exit status's last word: output that could not be written makes it non-zero, so that
 * `wallflower contacts > full-disk` is never a silent success.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "wallflower/crypt.h"

static int cmd_help(struct cli *cli, int argc, char **argv);

static const struct cli_command commands[] = {
	{ "init", cmd_init, "create your identity (keys) and local store" },
	{ "id", cmd_id, "show your fingerprint and public key" },
	{ "profile", cmd_profile, "set what your cards say, per persona" },
	{ "card", cmd_card, "write your signed card, or verify one" },
	{ "import", cmd_import, "add someone from a card file they gave you" },
	{ "contacts", cmd_contacts, "list the people you met" },
	{ "show", cmd_show, "everything about one contact" },
	{ "note", cmd_note, "add a note about a contact" },
	{ "met", cmd_met, "record another meeting with a contact" },
	{ "forget", cmd_forget, "remove a contact and everything about them" },
	{ "followup", cmd_followup, "plan, list and tick off follow-ups" },
	{ "topics", cmd_topics, "the topics your contacts know, offer and seek, with counts" },
	{ "events", cmd_events, "the events where you met people, with counts" },
	{ "graph", cmd_graph, "your network's hubs, diversity and gaps" },
	{ "export", cmd_export, "vCard, CSV, JSON, GraphML, GEXF, DOT or iCalendar" },
	{ "start", cmd_start, "advertise and look for people nearby (starts the daemon)" },
	{ "stop", cmd_stop, "withdraw your advert and stop the daemon" },
	{ "status", cmd_status, "what the daemon is doing" },
	{ "notify", cmd_notify, "desktop notifications of offers and cards back: on, off" },
	{ "nearby", cmd_nearby, "who is nearby, and what you have in common" },
	{ "invite", cmd_invite, "a line that lets someone send you their card directly" },
	{ "send", cmd_send, "offer your card to someone nearby, or to an invite" },
	{ "inbox", cmd_inbox, "cards offered to you, waiting for your decision" },
	{ "accept", cmd_accept, "accept an offer (and send your card back)" },
	{ "decline", cmd_decline, "drop an offer, quietly" },
	{ "block", cmd_block, "drop an offer and ignore its sender from now on" },
	{ "blocked", cmd_blocked, "the people you blocked" },
	{ "unblock", cmd_unblock, "stop ignoring someone you blocked" },
	{ "sent", cmd_sent, "the offers of your card you made, and what became of them" },
	{ "verify", cmd_verify, "check, face to face, that nobody is in the middle" },
	{ "ask", cmd_ask, "ask a contact to introduce you to people" },
	{ "introduce", cmd_introduce, "introduce one contact to others, with their consent" },
	{ "ui", cmd_ui, "the page in your browser: nearby, inbox, contacts, map, card" },
	{ "watch", cmd_watch, "follow events as they happen" },
	{ "doctor", cmd_doctor, "why you might not see anyone, and what fixes it" },
	{ "help", cmd_help, "the help of a command (the same as COMMAND --help)" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void
usage(FILE *f)
{
	fputs("usage: wallflower [--state-dir DIR] COMMAND [ARGS]\n"
	      "\n"
	      "Networking for introverts: hand signed contact cards to the few people you\n"
	      "choose, and keep everyone you met in a local graph.\n"
	      "\n"
	      "Commands:\n",
	      f);
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fputs("\n"
	      "Options:\n"
	      "  --state-dir DIR  keys and store (default $WALLFLOWER_STATE_DIR, else\n"
	      "                   $XDG_DATA_HOME/wallflower, else ~/.local/share/wallflower)\n"
	      "  -h, --help       this help; 'wallflower help COMMAND' for a command\n"
	      "  -V, --version    the version\n",
	      f);
}

static const struct cli_command *
find_command(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(name, commands[i].name) == 0)
			return &commands[i];
	return NULL;
}

/* "unknown command", with the commands it was probably meant to be. */
static int
unknown_command(const char *name)
{
	const struct cli top = { .prog = "wallflower" };
	const char *names[NCOMMANDS];

	for (size_t i = 0; i < NCOMMANDS; i++)
		names[i] = commands[i].name;
	return cli_unknown(&top, "command", name, names, NCOMMANDS);
}

/* Runs cmd with argv[0] its name, as "wallflower NAME ARGS". */
static int
run_command(struct cli *cli, const struct cli_command *cmd, int argc, char **argv)
{
	static char prog[64];

	snprintf(prog, sizeof(prog), "wallflower %s", cmd->name);
	cli->prog = prog;
	argv[0] = prog; /* getopt's own messages name "wallflower COMMAND" */
	optind = 0;     /* glibc: start a fresh scan for the command's own options */
	return cmd->run(cli, argc, argv);
}

/*
 * wallflower help [COMMAND [ARGS]]: the usage, or what COMMAND ARGS --help prints (so that
 * "help followup" and "followup --help" can never differ).
 */
static int
cmd_help(struct cli *cli, int argc, char **argv)
{
	const struct cli_command *cmd;
	char **args;
	int r;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return CLI_EXIT_OK;
	}
	if (argv[1][0] == '-')
		return cli_usage_error(cli, "'help' takes a command name, not %s",
		                       cli_quote(argv[1]));
	if ((cmd = find_command(argv[1])) == NULL)
		return unknown_command(argv[1]);
	if (cmd->run == cmd_help) {
		usage(stdout);
		return CLI_EXIT_OK;
	}
	/* COMMAND ARGS... --help: argv[1..argc) and one more, and getopt's NULL. */
	if ((args = calloc((size_t)argc + 1, sizeof(*args))) == NULL) {
		cli_error("out of memory");
		return CLI_EXIT_FAIL;
	}
	for (int i = 1; i < argc; i++)
		args[i - 1] = argv[i];
	args[argc - 1] = (char *)"--help";
	r = run_command(cli, cmd, argc, args);
	free(args);
	return r;
}

/*
 * Output that could not be written fails the command, with one line saying so: stdout is
 * flushed here, once, for every command. A reader that went away (EPIPE) is no news to
 * anyone: that exit is quiet, as it is for cat.
 */
static int
finish(int r)
{
	int err = 0;

	errno = 0;
	if (fflush(stdout) != 0)
		err = errno != 0 ? errno : -1;
	else if (ferror(stdout))
		err = -1; /* an earlier write failed; its errno is gone */
	if (err == 0)
		return r;
	if (err != EPIPE && r == CLI_EXIT_OK)
		cli_error("cannot write the output%s%s", err > 0 ? ": " : "",
		          err > 0 ? strerror(err) : "");
	return r == CLI_EXIT_OK ? CLI_EXIT_FAIL : r;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTIONS,
		                              { "version", no_argument, NULL, 'V' },
		                              { NULL, 0, NULL, 0 } };
	const struct cli_command *cmd;
	struct cli cli = { .prog = "wallflower" };
	int c, r = CLI_EXIT_USAGE;

	/* A reader that stops reading (wallflower contacts | head) ends us quietly, as it ends
	 * cat, even when our parent left SIGPIPE ignored. The daemon's socket is written with
	 * MSG_NOSIGNAL: a daemon that goes away is an error return, not a death. */
	signal(SIGPIPE, SIG_DFL);
	if (crypt_init() < 0) {
		cli_error("cannot initialise libsodium");
		return CLI_EXIT_FAIL;
	}
	/* '+': stop at the command name, so that its options are its own. */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+hV", opts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return finish(CLI_EXIT_OK);
		}
		if (c == 'V') {
			puts("wallflower " WALLFLOWER_VERSION);
			return finish(CLI_EXIT_OK);
		}
		if (c == CLI_OPT_STATE_DIR) {
			cli.state_dir = optarg;
			continue;
		}
		return cli_usage_error(&cli, "unknown option, or an option without its value: %s",
		                       cli_quote(cli_bad_option(argv, opts)));
	}
	if (optind >= argc) {
		usage(stderr);
		return CLI_EXIT_USAGE;
	}
	/* Hidden: what the shell completion scripts ask (cmd_complete.c). */
	if (strcmp(argv[optind], "complete") == 0)
		return finish(cli_complete(&cli, commands, sizeof(commands) / sizeof(commands[0]),
		                           opts, argc - optind, argv + optind));
	if ((cmd = find_command(argv[optind])) == NULL)
		return unknown_command(argv[optind]);
	r = run_command(&cli, cmd, argc - optind, argv + optind);
	free(cli.state_path);
	return finish(r);
}
