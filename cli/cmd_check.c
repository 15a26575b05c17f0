/* cmd_check.c — `stockade check`: validate policies for CI.
 * Exit 0: no errors and no lint findings; 1: errors or findings; 2: usage/I-O. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "diag_out.h"
#include "commands.h"
#include "pipeline.h"
#include "util.h"

static const char check_usage[] =
    "usage: stockade check [OPTIONS] FILE...\n"
    "\n"
    "Validate policy files: syntax, names (syscalls, capabilities, errno values,\n"
    "constants, argument names), includes and extends, lint findings such as\n"
    "rules that can never apply, and whatever `compile` would refuse (every\n"
    "policy goes through the back ends too: a seccomp program that does not fit\n"
    "the kernel even split into stacked filters, an AppArmor profile that cannot\n"
    "be generated).  Every\n"
    "problem in every file is reported.\n"
    "\n"
    "options:\n"
    "  --format=text|json|sarif  text (default): compiler-style messages on stderr;\n"
    "                       json: one JSON object per diagnostic per line on stdout;\n"
    "                       sarif: one SARIF 2.1.0 log for all FILEs on stdout\n"
    "  --sarif-root=DIR     SARIF file URIs relative to DIR (default: the working\n"
    "                       directory)\n"
    "  -I DIR               also look for included files in DIR\n"
    "  -W no-CODE           do not report the lint finding CODE (e.g. -W no-shadowed-rule)\n"
    "  --allow-warnings     exit 0 when there are lint findings but no errors\n"
    "  --color=auto|always|never\n"
    "  -h, --help           show this help\n"
    "\n"
    "exit status: 0 clean, 1 errors or lint findings, 2 usage or I/O error\n";

int stk_cmd_check(int argc, char **argv)
{
    struct stk_cli_diag_out dout = {STK_DIAG_TEXT, NULL};
    bool allow_warnings = false;
    int color = -1;
    struct stk_diags ds;
    stk_diags_init(&ds);
    const char **incs = NULL;
    size_t ninc = 0, capinc = 0, capdisabled = 0;
    static const struct option lopts[] = {
        STK_CLI_DIAG_LOPTS,                        {"allow-warnings", no_argument, NULL, 'a'},
        {"color", required_argument, NULL, 'c'},   {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    int rc = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "I:W:h", lopts, NULL)) != -1) {
        switch (c) {
        case STK_OPT_FORMAT:
        case STK_OPT_SARIF_ROOT: rc = stk_cli_diag_option(&dout, c, optarg, "check"); break;
        case 'a': allow_warnings = true; break;
        case 'c':
            color = stk_cli_color(optarg);
            if (color < -1) {
                fprintf(stderr, "stockade check: --color takes auto, always or never\n");
                rc = 2;
            }
            break;
        case 'I': STK_PUSH(incs, ninc, capinc, optarg); break;
        case 'W':
            if (strncmp(optarg, "no-", 3) != 0 || !optarg[3]) {
                fprintf(stderr, "stockade check: -W takes no-CODE, e.g. -W no-shadowed-rule\n");
                rc = 2;
                break;
            }
            STK_PUSH(ds.disabled, ds.ndisabled, capdisabled, stk_xstrdup(optarg + 3));
            break;
        case 'h':
            fputs(check_usage, stdout);
            rc = -1;
            break;
        default: rc = 2; break;
        }
        if (rc)
            break;
    }
    if (rc == 0 && optind >= argc) {
        fprintf(stderr, "stockade check: no policy files given\n%s", check_usage);
        rc = 2;
    }
    if (rc) {
        free(incs);
        stk_diags_free(&ds);
        return rc < 0 ? 0 : rc;
    }
    struct stk_compile_opts opts = {.include_dirs = incs, .ninclude_dirs = ninc};
    int nfiles = argc - optind;
    for (int i = optind; i < argc; i++)
        stk_pipeline_check_file(argv[i], &opts, &ds);
    int prc = stk_cli_diag_print(&ds, &dout, stdout, color);
    if (dout.fmt == STK_DIAG_TEXT) {
        if (ds.nerrors || ds.nwarnings)
            fprintf(stderr, "%zu error%s and %zu warning%s in %d file%s\n", ds.nerrors, ds.nerrors == 1 ? "" : "s",
                    ds.nwarnings, ds.nwarnings == 1 ? "" : "s", nfiles, nfiles == 1 ? "" : "s");
        else
            fprintf(stderr, "checked %d file%s: no problems found\n", nfiles, nfiles == 1 ? "" : "s");
    }
    /* I/O errors (unreadable files) are usage-level failures. */
    bool io = false;
    for (size_t i = 0; i < ds.nd; i++)
        if (strcmp(ds.d[i].code, "io") == 0)
            io = true;
    rc = io || prc ? 2 : ds.nerrors ? 1 : (ds.nwarnings && !allow_warnings) ? 1 : 0;
    free(incs);
    stk_diags_free(&ds);
    return rc;
}
