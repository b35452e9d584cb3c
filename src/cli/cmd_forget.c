/* (Being written: issue 13.) */
#include "cli.h"

int
cmd_forget(struct cli *cli, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("%s: not built yet", cli->prog);
	return CLI_EXIT_FAIL;
}

int
cmd_blocked(struct cli *cli, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("%s: not built yet", cli->prog);
	return CLI_EXIT_FAIL;
}

int
cmd_unblock(struct cli *cli, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("%s: not built yet", cli->prog);
	return CLI_EXIT_FAIL;
}
