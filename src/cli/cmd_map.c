/* wallflower graph map: a picture of your network, drawn with Graphviz (docs/graph.md). */
#include "cli.h"

/* TODO(issue 14, helper D): the map. */
int
cmd_graph_map(struct cli *cli, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("graph map is not built yet");
	(void)cli;
	return CLI_EXIT_FAIL;
}
