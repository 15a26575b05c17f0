/* cmd_inspect.c — `stockade inspect BUNDLE`: validate a bundle with the
 * enforcer's reader and print what the enforcer would do with it. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "seccomp/bpf_disasm.h"
#include "bundle/bundle.h"
#include "commands.h"

static const char inspect_usage[] =
    "usage: stockade inspect [--bpf] BUNDLE\n"
    "\n"
    "Validate BUNDLE (written by `stockade compile`) exactly as stockade-exec does\n"
    "and print the steps it would apply.\n"
    "\n"
    "options:\n"
    "  --bpf        also list the seccomp program, one instruction a line\n"
    "  -h, --help   show this help\n"
    "\n"
    "exit status: 0 valid, 1 invalid or unreadable bundle, 2 usage error\n";

int stk_cmd_inspect(int argc, char **argv)
{
    static const struct option lopts[] = {
        {"bpf", no_argument, NULL, 'b'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    bool bpf = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "+h", lopts, NULL)) != -1) {
        switch (c) {
        case 'b': bpf = true; break;
        case 'h': fputs(inspect_usage, stdout); return 0;
        default: fputs(inspect_usage, stderr); return 2;
        }
    }
    if (optind + 1 != argc) {
        fputs(inspect_usage, stderr);
        return 2;
    }
    struct stk_bundle *b;
    struct stk_err e = {0};
    if (stk_bundle_load(argv[optind], &b, &e) < 0) {
        stk_err_report(&e, stderr);
        return 1;
    }
    stk_bundle_print(b, NULL, stdout);
    for (size_t f = 0; bpf && b->seccomp.present && f < b->seccomp.nfilters; f++) {
        const struct stk_bpf_filter *p = &b->seccomp.filters[f];
        if (b->seccomp.nfilters > 1)
            printf("\nseccomp filter %zu of %zu, installed %s (exec descriptor sites:", f + 1, b->seccomp.nfilters,
                   f == 0 ? "first" : f + 1 == b->seccomp.nfilters ? "last" : "next");
        else
            printf("\nseccomp program (exec descriptor sites:");
        for (size_t i = 0; i < p->nexec_fd_insns; i++)
            printf(" %u", p->exec_fd_insns[i]);
        printf(")\n");
        stk_bpf_disasm(stdout, p->insns, p->len);
    }
    stk_bundle_free(b);
    return 0;
}
