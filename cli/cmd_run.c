/* cmd_run.c — `stockade run`: compile a policy (or the built-in default),
 * write its bundle into memory, read it back with the enforcer's reader and
 * enforce it: the very path build/stockade-exec takes with a bundle file. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <unistd.h>

#include "bundle/bundle.h"
#include "cli.h"
#include "commands.h"
#include "enforce.h"
#include "err.h"
#include "pipeline.h"
#include "run_cache.h"
#include "steps/steps.h"
#include "util.h"

static const char run_usage[] =
    "usage: stockade run [OPTIONS] [POLICY.stk] [OPTIONS] -- COMMAND [ARG...]\n"
    "\n"
    "Compile POLICY.stk (without one: the built-in default policy, see\n"
    "`stockade show-default`), apply it to this process and execute COMMAND\n"
    "(looked up in PATH) in its place.  The built-in default keeps, for a caller\n"
    "other than root, only the capabilities of its set the caller holds, and says\n"
    "which it left out.\n"
    "\n"
    "options (before or after POLICY.stk, but before `--`):\n"
    "  --dry-run          print what would be applied, step by step, and exit 0\n"
    "  --report[=FILE]    report every call the policy blocks or logs, by name, with\n"
    "                     the action taken, and a summary at exit (to stderr, or\n"
    "                     appended to FILE); COMMAND then runs under a supervising\n"
    "                     parent (see stockade(1))\n"
    "  --policy NAME      which policy of the file (default: the last one defined)\n"
    "  -I DIR             also look for included files in DIR\n"
    "  --no-cache         compile the policy even if the cache has its bundle (the\n"
    "                     cache: /var/cache/stockade for root, else\n"
    "                     $XDG_CACHE_HOME/stockade; $STOCKADE_CACHE_DIR/UID if set)\n"
    STK_CLI_DIAG_USAGE
    "                     (JSON and SARIF go to standard error)\n"
    "  -h, --help         show this help\n"
    "\n"
    "exit status: COMMAND's own (128+N if it died of signal N); 125 if the policy\n"
    "could not be compiled or applied (nothing was executed); 126 if COMMAND is not\n"
    "executable; 127 if it was not found\n";

/* The built-in default policy keeps Docker's default capability set, which
 * only root holds.  For any other caller, `run` without a policy file keeps
 * the part of it the caller holds (usually none) and says once on stderr
 * what it left out, instead of failing: the default policy is a convenience,
 * and its capabilities only ever allow what the caller could do anyway.  A
 * policy file that keeps a capability the caller lacks still fails closed
 * (the capabilities step, 125): this applies to the built-in default only. */
static int degrade_default_caps(struct stk_bundle *b)
{
    if (b->caps != STK_BCAPS_KEEP)
        return 0;
    uint64_t held;
    struct stk_err e = {0};
    if (stk_caps_held(&held, &e) < 0) {
        stk_err_report(&e, stderr);
        return -1;
    }
    uint64_t lost = b->caps_keep & ~held;
    if (!lost)
        return 0;
    b->caps_keep &= held;
    fputs("stockade: capabilities: the built-in default policy keeps only the capabilities the caller "
          "holds; left out:", stderr);
    for (unsigned c = 0; c < 64; c++) {
        if (!((lost >> c) & 1))
            continue;
        char *n = cap_to_name((cap_value_t)c);
        fprintf(stderr, "%s %s", lost & ((1ull << c) - 1) ? "," : "", n ? n : "?");
        cap_free(n);
    }
    fputs("\n", stderr);
    return 0;
}

/* Compile into *buf; a policy without diagnostics goes into the cache. */
static bool compile(const char *path, const struct stk_compile_opts *copts, const struct stk_cli_diag_out *dout,
                    struct stk_run_cache *cache, struct stk_buf *buf)
{
    struct stk_diags ds;
    stk_diags_init(&ds);
    /* the built-in default policy is taken as it is (no --policy, no -I) */
    struct stk_pipeline_req req = {.path = path, .opts = path ? copts : NULL};
    struct stk_pipeline_out bld;
    bool ok = stk_pipeline(&req, &ds, &bld);
    if (stk_cli_diag_print(&ds, dout, stderr, -1) != 0)
        ok = false;
    bool quiet = ds.nd == 0;
    stk_diags_free(&ds);
    if (!ok) {
        if (dout->fmt == STK_DIAG_TEXT) /* JSON and SARIF stay parseable; the exit status says it */
            fprintf(stderr, "stockade: compile: %s has errors; nothing was executed\n",
                    path ? path : "the built-in default policy");
        stk_pipeline_out_free(&bld);
        return false;
    }
    *buf = bld.bundle;
    bld.bundle = (struct stk_buf){0};
    stk_pipeline_out_free(&bld);
    if (quiet) /* warnings are shown at every run: such a policy is compiled every time */
        stk_run_cache_put(cache, buf);
    return true;
}

int stk_cmd_run(int argc, char **argv)
{
    static const struct option lopts[] = {
        {"dry-run", no_argument, NULL, 'n'},
        {"report", optional_argument, NULL, 'r'},
        {"policy", required_argument, NULL, 'p'},
        {"help", no_argument, NULL, 'h'},
        {"no-cache", no_argument, NULL, 'C'},
        STK_CLI_DIAG_LOPTS,
        {NULL, 0, NULL, 0},
    };
    bool dry_run = false, report = false, no_cache = false;
    struct stk_cli_diag_out dout = {STK_DIAG_TEXT, NULL};
    const char *report_path = NULL;
    struct stk_compile_opts copts = {0};
    const char **incs = NULL;
    size_t ninc = 0, capinc = 0;
    int c;
    /* Options may come anywhere before the `--` that starts the command
     * (`stockade run p.stk --report -- CMD`): scan only the words before it,
     * collecting the words that are not options (the policy file).  Without
     * a `--`, the first such word ends the options and the command follows
     * the policy file, as before. */
    int dd = 1;
    while (dd < argc && strcmp(argv[dd], "--") != 0)
        dd++;
    bool has_dd = dd < argc;
    int optend = has_dd ? dd : argc;
    const char *word = NULL; /* the first word that is not an option */
    int nwords = 0;
    optind = 1;
    for (;;) {
        c = getopt_long(optend, argv, "+I:h", lopts, NULL);
        if (c == -1) {
            if (!has_dd || optind >= optend)
                break;
            if (nwords++ == 0)
                word = argv[optind];
            optind++;
            continue;
        }
        switch (c) {
        case 'n': dry_run = true; break;
        case 'C': no_cache = true; break;
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
    int i;
    if (has_dd) {
        if (nwords > 1) {
            fprintf(stderr, "stockade: usage: one policy file at most before `--` (%s and %d more)\n", word,
                    nwords - 1);
            fputs(run_usage, stderr);
            free(incs);
            return STK_EXIT_FAILURE;
        }
        path = word;
        i = dd + 1;
    } else {
        i = optind;
        if (i < argc)
            path = argv[i++];
        if (i < argc && argv[i][0] == '-') {
            fprintf(stderr, "stockade: usage: `%s` after the policy file: options go before `--`, "
                            "the command after it\n", argv[i]);
            fputs(run_usage, stderr);
            free(incs);
            return STK_EXIT_FAILURE;
        }
    }
    if (i >= argc && !dry_run) {
        fputs("stockade: usage: no command given\n", stderr);
        fputs(run_usage, stderr);
        free(incs);
        return STK_EXIT_FAILURE;
    }

    /* compile: every stage, bundle included (always with a seccomp filter:
     * without a seccomp block it still refuses the terminal-injection
     * ioctls TIOCSTI/TIOCLINUX, exactly as `compile` does) */
    struct stk_run_cache cache; /* run_cache.h: a bundle compiled before, verified */
    stk_run_cache_begin(&cache, path, &copts, no_cache);
    struct stk_buf buf = {0};
    bool ok = stk_run_cache_get(&cache, &buf) || compile(path, &copts, &dout, &cache, &buf);
    stk_run_cache_end(&cache);
    free(incs);
    if (!ok)
        return STK_EXIT_FAILURE;

    /* from here on exactly what stockade-exec does */
    struct stk_bundle *b;
    struct stk_err e = {0};
    int rc = stk_bundle_read(buf.data, buf.len, &b, &e);
    stk_buf_free(&buf);
    if (rc < 0) {
        stk_err_report(&e, stderr);
        return e.status;
    }
    if (!path && degrade_default_caps(b) < 0) {
        stk_bundle_free(b);
        return STK_EXIT_FAILURE;
    }
    struct stk_enforce_opts opts = {.dry_run = dry_run, .report = report, .report_path = report_path};
    rc = stk_enforce(b, argv + i, &opts);
    stk_bundle_free(b);
    return rc;
}
