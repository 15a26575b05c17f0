/* exec_main.c — build/stockade-exec: apply a compiled bundle and exec a
 * command, with no compiler on the host.  Exit status: the command's own, or
 * 125 (enforcer failure), 126 (not executable), 127 (not found). */
#include <stdio.h>
#include <string.h>

#include "bundle/bundle.h"
#include "enforce.h"
#include "err.h"
#include "kfeatures.h"
#include "version.h"


static void usage(FILE *out)
{
    fputs("usage: stockade-exec [--dry-run] [--report[=FILE]] BUNDLE -- COMMAND [ARG...]\n"
          "       stockade-exec --help | --version\n"
          "Apply the policy compiled into BUNDLE (`stockade compile`) to this process and\n"
          "execute COMMAND (looked up in PATH) in its place.\n"
          "  --dry-run          print what would be applied, step by step, and exit 0\n"
          "  --report[=FILE]    report every call the policy blocks or logs, by name, with\n"
          "                     the action taken, and a summary at exit (to stderr, or\n"
          "                     appended to FILE); COMMAND then runs under a supervising\n"
          "                     parent\n"
          "Exit status: COMMAND's own; 125 if the policy could not be applied (nothing was\n"
          "executed); 126 if COMMAND is not executable; 127 if it was not found.\n",
          out);
}

int main(int argc, char **argv)
{
    bool dry_run = false, report = false;
    const char *report_path = NULL;
    int i = 1;
    for (; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(argv[i], "--version") == 0) {
            struct stk_kfeatures f;
            stk_kfeatures_probe(&f);
            printf("stockade-exec %s\nbundle format: %u\n", STK_VERSION, STK_BUNDLE_VERSION);
            stk_kfeatures_print(stdout, &f);
            return 0;
        } else if (strcmp(argv[i], "--dry-run") == 0) {
            dry_run = true;
        } else if (strcmp(argv[i], "--report") == 0) {
            report = true;
        } else if (strncmp(argv[i], "--report=", 9) == 0) {
            report = true;
            report_path = argv[i] + 9;
            if (!*report_path) {
                stk_warnf("usage", "--report= needs a file name");
                return STK_EXIT_FAILURE;
            }
        } else if (strcmp(argv[i], "--") == 0 || argv[i][0] != '-' || argv[i][1] == '\0') {
            break;
        } else {
            stk_warnf("usage", "unknown option %s", argv[i]);
            usage(stderr);
            return STK_EXIT_FAILURE;
        }
    }
    if (i < argc && strcmp(argv[i], "--") == 0)
        i++;
    if (i >= argc) {
        stk_warnf("usage", "no bundle given");
        usage(stderr);
        return STK_EXIT_FAILURE;
    }
    const char *path = argv[i++];
    if (i < argc && strcmp(argv[i], "--") == 0)
        i++;
    if (i >= argc && !dry_run) {
        stk_warnf("usage", "no command given");
        usage(stderr);
        return STK_EXIT_FAILURE;
    }

    struct stk_bundle *b;
    struct stk_err e = {0};
    if (stk_bundle_load(path, &b, &e) < 0) {
        stk_err_report(&e, stderr);
        return e.status;
    }
    struct stk_enforce_opts opts = {.dry_run = dry_run, .report = report, .report_path = report_path};
    int rc = stk_enforce(b, argv + i, &opts);
    stk_bundle_free(b);
    return rc;
}
