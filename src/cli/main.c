/*
 * wallflower: the command line. Store-only verbs open the store directly; network verbs
 * talk to wallflowerd over its control socket (cmd_daemon.c, proto/control.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "wallflower/crypt.h"

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
	{ "nearby", cmd_nearby, "who is nearby, and what you have in common" },
	{ "send", cmd_send, "offer your card to someone nearby" },
	{ "inbox", cmd_inbox, "cards offered to you, waiting for your decision" },
	{ "accept", cmd_accept, "accept an offer (and send your card back)" },
	{ "decline", cmd_decline, "drop an offer, quietly" },
	{ "block", cmd_block, "drop an offer and ignore its sender from now on" },
	{ "blocked", cmd_blocked, "the people you blocked" },
	{ "unblock", cmd_unblock, "stop ignoring someone you blocked" },
	{ "sent", cmd_sent, "the offers of your card you made, and what became of them" },
	{ "watch", cmd_watch, "follow events as they happen" },
	{ "doctor", cmd_doctor, "why you might not see anyone, and what fixes it" },
};

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
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fputs("\n"
	      "Options:\n"
	      "  --state-dir DIR  keys and store (default $WALLFLOWER_STATE_DIR, else\n"
	      "                   $XDG_DATA_HOME/wallflower, else ~/.local/share/wallflower)\n"
	      "  -h, --help       this help; 'wallflower COMMAND --help' for a command\n"
	      "  --version        the version\n",
	      f);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTIONS,
		                              { "version", no_argument, NULL, 'V' },
		                              { NULL, 0, NULL, 0 } };
	struct cli cli = { .prog = "wallflower" };
	int c, r = CLI_EXIT_USAGE;

	if (crypt_init() < 0) {
		cli_error("cannot initialise libsodium");
		return CLI_EXIT_FAIL;
	}
	/* '+': stop at the command name, so that its options are its own. */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return CLI_EXIT_OK;
		}
		if (c == 'V') {
			puts("wallflower " WALLFLOWER_VERSION);
			return CLI_EXIT_OK;
		}
		if (c == CLI_OPT_STATE_DIR) {
			cli.state_dir = optarg;
			continue;
		}
		return cli_usage_error(&cli, "unknown option, or an option without its value: '%s'",
		                       argv[optind - 1]);
	}
	if (optind >= argc) {
		usage(stderr);
		return CLI_EXIT_USAGE;
	}
	/* Hidden: what the shell completion scripts ask (cmd_complete.c). */
	if (strcmp(argv[optind], "complete") == 0)
		return cli_complete(&cli, commands, sizeof(commands) / sizeof(commands[0]), opts,
		                    argc - optind, argv + optind);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[optind], commands[i].name) != 0)
			continue;
		char prog[64];

		snprintf(prog, sizeof(prog), "wallflower %s", commands[i].name);
		cli.prog = prog;
		argc -= optind;
		argv += optind;
		argv[0] = prog; /* getopt's own messages name "wallflower COMMAND" */
		optind = 0;     /* glibc: start a fresh scan for the command's own options */
		r = commands[i].run(&cli, argc, argv);
		free(cli.state_path);
		return r;
	}
	cli_error("unknown command '%s' (see 'wallflower --help')", argv[optind]);
	return CLI_EXIT_USAGE;
}
