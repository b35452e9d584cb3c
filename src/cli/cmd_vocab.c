/* (Being written: issue 13.) */
#include "cli.h"

int
cmd_topics(struct cli *cli, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("%s: not built yet", cli->prog);
	return CLI_EXIT_FAIL;
}

int
cmd_events(struct cli *cli, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("%s: not built yet", cli->prog);
	return CLI_EXIT_FAIL;
}
