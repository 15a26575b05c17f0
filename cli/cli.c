/* cli.c — helpers shared by the sub-commands. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int stk_cli_color(const char *arg)
{
    if (strcmp(arg, "auto") == 0)
        return -1;
    if (strcmp(arg, "always") == 0)
        return 1;
    if (strcmp(arg, "never") == 0)
        return 0;
    return -2;
}

bool stk_cli_want_color(int fd)
{
    const char *nc = getenv("NO_COLOR");
    return isatty(fd) && !(nc && *nc);
}

