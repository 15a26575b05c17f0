/* cmd_show_default.c — `stockade show-default`: print the built-in default
 * policy (or the built-in groups it includes). */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "front/embedded.h"

int stk_cmd_show_default(int argc, char **argv)
{
    if (argc > 1 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
        puts("usage: stockade show-default\n\nPrint the built-in default policy, used by `stockade run` when no\n"
             "policy file is given.  It includes the built-in groups.stk, which\n"
             "`stockade show-default groups` prints.");
        return 0;
    }
    const char *name = argc > 1 && strcmp(argv[1], "groups") == 0 ? "groups.stk" : "default.stk";
    if (argc > 1 && strcmp(argv[1], "groups") != 0) {
        fprintf(stderr, "stockade show-default: unexpected argument '%s'\n", argv[1]);
        return 2;
    }
    const struct stk_embedded_file *f = stk_embedded_find(name);
    if (!f) {
        fprintf(stderr, "stockade: %s is missing from this build\n", name);
        return 2;
    }
    fwrite(f->data, 1, f->len, stdout);
    return fflush(stdout) == 0 ? 0 : 2;
}
