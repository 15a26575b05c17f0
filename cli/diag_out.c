/* diag_out.c — --format and --sarif-root, shared by check, compile, sim,
 * explain and run. */
#include "diag_out.h"

#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "diag_sarif.h"

int stk_cli_diag_option(struct stk_cli_diag_out *o, int opt, const char *arg, const char *who)
{
    if (opt == STK_OPT_SARIF_ROOT) {
        if (!*arg) {
            fprintf(stderr, "stockade %s: --sarif-root needs a directory\n", who);
            return 2;
        }
        o->sarif_root = arg;
        return 0;
    }
    if (strcmp(arg, "text") == 0)
        o->fmt = STK_DIAG_TEXT;
    else if (strcmp(arg, "json") == 0)
        o->fmt = STK_DIAG_JSON;
    else if (strcmp(arg, "sarif") == 0)
        o->fmt = STK_DIAG_SARIF;
    else {
        fprintf(stderr, "stockade %s: unknown format '%s' (text, json or sarif)\n", who, arg);
        return 2;
    }
    return 0;
}

int stk_cli_diag_print(const struct stk_diags *ds, const struct stk_cli_diag_out *o, FILE *structured, int color)
{
    if (o->fmt == STK_DIAG_SARIF) {
        struct stk_sarif_opts so = {.root = o->sarif_root, .tool_version = STK_VERSION};
        return stk_diags_print_sarif(ds, structured, &so) < 0 ? 2 : 0;
    }
    if (o->fmt == STK_DIAG_JSON) {
        stk_diags_print(ds, structured, STK_DIAG_JSON, false);
        return 0;
    }
    stk_diags_print(ds, stderr, STK_DIAG_TEXT, color < 0 ? stk_cli_want_color(STDERR_FILENO) : color == 1);
    return 0;
}
