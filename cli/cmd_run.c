/* cmd_run.c — `stockade run`: compile a policy (or the built-in default),
 * write its bundle into memory, read it back with the enforcer's reader and
 * enforce it: the very path build/stockade-exec takes with a bundle file. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bundle/bundle.h"
#include "cli.h"
#include "commands.h"
#include "enforce.h"
#include "err.h"
#include "pipeline.h"
#include "steps/steps.h"
#include "util.h"

static const char run_usage[] =
    "usage: stockade run [OPTIONS] [POLICY.stk] -- COMMAND [ARG...]\n"
    "\n"
    "Compile POLICY.stk (without one: the built-in default policy, see\n"
    "`stockade show-default`), apply it to this process and execute COMMAND\n"
    "(looked up in PATH) in its place.\n"
    "\n"
    "options:\n"
    "  --dry-run          print what would be applied, step by step, and exit 0\n"
    "  --report[=FILE]    report every call the policy blocks or logs, by name, with\n"
    "                     the action taken, and a summary at exit (to stderr, or\n"
    "                     appended to FILE); COMMAND then runs under a supervising\n"
    "                     parent (see stockade(1))\n"
    "  --policy NAME      which policy of the file (default: the last one defined)\n"
    "  -I DIR             also look for included files in DIR\n"
    STK_CLI_DIAG_USAGE
    "                     (JSON and SARIF go to standard error)\n"
    "  -h, --help         show this help\n"
    "\n"
    "exit status: COMMAND's own (128+N if it died of signal N); 125 if the policy\n"
    "could not be compiled or applied (nothing was executed); 126 if COMMAND is not\n"
    "executable; 127 if it was not found\n";

int stk_cmd_run(int argc, char **argv)
{
    static const struct option lopts[] = {
        {"dry-run", no_argument, NULL, 'n'},
        {"report", optional_argument, NULL, 'r'},
        {"policy", required_argument, NULL, 'p'},
        {"help", no_argument, NULL, 'h'},
        STK_CLI_DIAG_LOPTS,
        {NULL, 0, NULL, 0},
    };
    bool dry_run = false, report = false;
    struct stk_cli_diag_out dout = {STK_DIAG_TEXT, NULL};
    const char *report_path = NULL;
    struct stk_compile_opts copts = {0};
    const char **incs = NULL;
    size_t ninc = 0, capinc = 0;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "+I:h", lopts, NULL)) != -1) {
        switch (c) {
        case 'n': dry_run = true; break;
        case 'r':
            report = true;
            report_path = optarg;
            if (optarg && !*optarg) {
                fputs("stockade: usage: --report= needs a file name\n", stderr);
                free(incs);
                return STK_EXIT_FAILURE;
            }
            break;
        case 'p': copts.policy_name = optarg; break;
        case STK_OPT_FORMAT:
        case STK_OPT_SARIF_ROOT:
            if (stk_cli_diag_option(&dout, c, optarg, "run")) {
                free(incs);
                return STK_EXIT_FAILURE;
            }
            break;
        case 'I': STK_PUSH(incs, ninc, capinc, optarg); break;
        case 'h':
            fputs(run_usage, stdout);
            free(incs);
            return 0;
        default:
            fputs(run_usage, stderr);
            free(incs);
            return STK_EXIT_FAILURE;
        }
    }
    copts.include_dirs = incs;
    copts.ninclude_dirs = ninc;

    const char *path = NULL;
    int i = optind;
    /* getopt consumed a "--" that ends the options: no policy file, the command follows */
    bool dashdash = i > 1 && strcmp(argv[i - 1], "--") == 0;
    if (!dashdash && i < argc && strcmp(argv[i], "--") != 0)
        path = argv[i++];
    if (i < argc && strcmp(argv[i], "--") == 0)
        i++;
    if (i >= argc && !dry_run) {
        fputs("stockade: usage: no command given\n", stderr);
        fputs(run_usage, stderr);
        free(incs);
        return STK_EXIT_FAILURE;
    }

    /* compile: every stage, bundle included (always with a seccomp filter:
     * without a seccomp block it still refuses the terminal-injection
     * ioctls TIOCSTI/TIOCLINUX, exactly as `compile` does) */
    struct stk_diags ds;
    stk_diags_init(&ds);
    /* the built-in default policy is taken as it is (no --policy, no -I) */
    struct stk_pipeline_req req = {.path = path, .opts = path ? &copts : NULL};
    struct stk_pipeline_out bld;
    bool ok = stk_pipeline(&req, &ds, &bld);
    if (stk_cli_diag_print(&ds, &dout, stderr, -1) != 0)
        ok = false;
    stk_diags_free(&ds);
    free(incs);
    if (!ok) {
        if (dout.fmt == STK_DIAG_TEXT) /* JSON and SARIF stay parseable; the exit status says it */
            fprintf(stderr, "stockade: compile: %s has errors; nothing was executed\n",
                    path ? path : "the built-in default policy");
        stk_pipeline_out_free(&bld);
        return STK_EXIT_FAILURE;
    }
    struct stk_buf buf = bld.bundle;
    bld.bundle = (struct stk_buf){0};
    stk_pipeline_out_free(&bld);

    /* from here on exactly what stockade-exec does */
    struct stk_bundle *b;
    struct stk_err e = {0};
    int rc = stk_bundle_read(buf.data, buf.len, &b, &e);
    stk_buf_free(&buf);
    if (rc < 0) {
        stk_err_report(&e, stderr);
        return e.status;
    }
    stk_identity_use_nss = true; /* a dynamic binary: NSS works here */
    struct stk_enforce_opts opts = {.dry_run = dry_run, .report = report, .report_path = report_path};
    rc = stk_enforce(b, argv + i, &opts);
    stk_bundle_free(b);
    return rc;
}
