/* cmd_diff.c — `stockade diff OLD NEW`: what a service may do under NEW
 * that it could not under OLD, and the reverse.  Both inputs become bundles
 * (a .stk policy is compiled and its bundle decoded by the enforcer's reader),
 * so the comparison is of what the kernel and the enforcer will see. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bundle/bundle.h"
#include "cli.h"
#include "commands.h"
#include "diag_sarif.h"
#include "diff.h"
#include "pipeline.h"
#include "util.h"

static const char diff_usage[] =
    "usage: stockade diff [OPTIONS] OLD NEW\n"
    "\n"
    "Compare two policies (.stk files, compiled) or two bundles and print what\n"
    "changed as the kernel and the enforcer will see it: per architecture and\n"
    "syscall the argument regions whose seccomp decision changed (for a policy\n"
    "split into stacked filters, the stack's decision, combined as the kernel\n"
    "combines them), and changes to identity, no_new_privs, capabilities,\n"
    "rlimits, environment, descriptors, namespaces, the filesystem view,\n"
    "Landlock, cgroup limits and LSM labels.\n"
    "Each change is loosened (+, the command may do more), tightened (-) or\n"
    "changed (~).  Seccomp actions are ordered kill-process < kill-thread < trap <\n"
    "errno < user-notif < trace < log < allow; errno EPERM -> errno EACCES is\n"
    "a change, not a loosening.\n"
    "\n"
    "options:\n"
    "  --format=text|json|markdown|sarif  output format (default text; markdown\n"
    "                  for a pull-request comment; sarif: a SARIF 2.1.0 log with a\n"
    "                  result per change, loosened = warning, else note, located\n"
    "                  in NEW, for code scanning: docs/diff.md)\n"
    "  --sarif-root=DIR  SARIF file URIs relative to DIR (default: the working\n"
    "                  directory)\n"
    "  --fail-on=loosened  exit 1 if anything got more permissive\n"
    "  --fail-on=any   exit 1 if anything changed\n"
    "  --policy=NAME   the policy of each .stk file to use (default: the last one)\n"
    "  -I DIR          also look for included files in DIR\n"
    "  -h, --help      show this help\n"
    "\n"
    "exit status: 0 compared (with --fail-on: nothing to fail on), 1 --fail-on\n"
    "matched, 2 usage error, unreadable input or a policy with errors\n";

/* The pipeline of a .stk input, kept for --format=sarif: its sources and IR
 * locate the changes. */
struct diff_input {
    struct stk_diags ds;
    struct stk_pipeline_out out;
    bool compiled; /* a .stk input (else a bundle: nothing kept) */
};

static struct stk_bundle *load_input(const char *path, const struct stk_compile_opts *opts, struct diff_input *keep)
{
    char magic[STK_BUNDLE_MAGIC_LEN] = {0};
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "stockade diff: %s: %s\n", path, strerror(errno));
        return NULL;
    }
    size_t got = fread(magic, 1, sizeof magic, f);
    fclose(f);
    struct stk_bundle *b = NULL;
    struct stk_err e = {0};
    if (got == sizeof magic && memcmp(magic, STK_BUNDLE_MAGIC, sizeof magic) == 0) {
        if (stk_bundle_load(path, &b, &e) < 0) {
            stk_err_report(&e, stderr);
            return NULL;
        }
        return b;
    }
    /* every stage, as `compile` runs it: what compile refuses, diff refuses */
    struct diff_input local = {0};
    struct diff_input *in = keep ? keep : &local;
    stk_diags_init(&in->ds);
    in->compiled = true;
    struct stk_pipeline_req req = {.path = path, .opts = opts};
    bool ok = stk_pipeline(&req, &in->ds, &in->out);
    stk_diags_print(&in->ds, stderr, STK_DIAG_TEXT, stk_cli_want_color(STDERR_FILENO));
    if (ok && stk_bundle_read(in->out.bundle.data, in->out.bundle.len, &b, &e) < 0) {
        stk_err_report(&e, stderr);
        b = NULL;
    }
    if (!keep) {
        stk_diags_free(&local.ds);
        stk_pipeline_out_free(&local.out);
    }
    return ok ? b : NULL;
}

/* One table cell of the pull-request comment.  Paths and names come from the
 * policy under review: nothing in them may end the code span or the cell, or
 * become markdown or HTML (an HTML comment opened there would hide the
 * rows after it from the reviewer).  In a code span (code) a backtick
 * becomes a quote, as a span cannot hold an escaped one; elsewhere the
 * characters of inline markdown and HTML are backslash-escaped. */
static void md_cell(FILE *o, const char *s, bool code)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        size_t n = stk_utf8_len(p, false);
        if (*p == '|')
            fputs("\\|", o);
        else if (*p < 0x20 || *p == 0x7f || n == 0)
            fputc(*p == '\n' || *p == '\t' ? ' ' : '?', o);
        else if (code && *p == '`')
            fputc('\'', o);
        else if (!code && strchr("\\`*_[]<>&~", *p))
            fprintf(o, "\\%c", *p);
        else {
            fwrite(p, 1, n, o);
            p += n - 1;
        }
    }
}

static void print_diff(const struct stk_diff *d, const char *fmt, const char *a, const char *b, size_t cnt[3])
{
    static const char mark[] = {'-', '~', '+'};
    if (strcmp(fmt, "json") == 0) {
        printf("{\"old\":");
        stk_cli_json_str(stdout, a);
        printf(",\"new\":");
        stk_cli_json_str(stdout, b);
        printf(",\"approximate\":%s,\"changes\":[", d->approximate ? "true" : "false");
        for (size_t i = 0; i < d->n; i++) {
            const struct stk_diff_item *it = &d->v[i];
            printf("%s{\"direction\":\"%s\",\"section\":", i ? "," : "", stk_diff_dir_name(it->dir));
            stk_cli_json_str(stdout, it->section);
            printf(",\"what\":");
            stk_cli_json_str(stdout, it->what);
            printf(",\"before\":");
            stk_cli_json_str(stdout, it->before);
            printf(",\"after\":");
            stk_cli_json_str(stdout, it->after);
            printf("}");
        }
        printf("],\"summary\":{\"loosened\":%zu,\"tightened\":%zu,\"changed\":%zu}}\n", cnt[STK_DIFF_LOOSENED],
               cnt[STK_DIFF_TIGHTENED], cnt[STK_DIFF_CHANGED]);
        return;
    }
    if (strcmp(fmt, "markdown") == 0) {
        printf("### stockade diff: `");
        md_cell(stdout, a, true);
        printf("` → `");
        md_cell(stdout, b, true);
        printf("`\n\n");
        if (d->n == 0) {
            printf("No change the kernel or the enforcer would see.\n");
            return;
        }
        printf("**%zu loosened**, %zu tightened, %zu changed%s\n\n", cnt[STK_DIFF_LOOSENED], cnt[STK_DIFF_TIGHTENED],
               cnt[STK_DIFF_CHANGED], d->approximate ? " (approximate: some masked arguments were sampled)" : "");
        printf("| | section | what | before | after |\n|---|---|---|---|---|\n");
        for (size_t i = 0; i < d->n; i++) {
            const struct stk_diff_item *it = &d->v[i];
            printf("| %s | %s | `", stk_diff_dir_name(it->dir), it->section);
            md_cell(stdout, it->what, true);
            printf("` | ");
            md_cell(stdout, it->before, false);
            printf(" | ");
            md_cell(stdout, it->after, false);
            printf(" |\n");
        }
        return;
    }
    printf("--- %s\n+++ %s\n", a, b);
    for (size_t i = 0; i < d->n; i++) {
        const struct stk_diff_item *it = &d->v[i];
        printf("%c %s: %s: %s -> %s\n", mark[it->dir], it->section, it->what, it->before, it->after);
    }
    printf("%zu loosened, %zu tightened, %zu changed%s\n", cnt[STK_DIFF_LOOSENED], cnt[STK_DIFF_TIGHTENED],
           cnt[STK_DIFF_CHANGED], d->approximate ? " (approximate: some masked arguments were sampled)" : "");
}

/* Whether two stacks are the same filters, instruction for instruction. */
static bool same_stack(const struct stk_bundle_seccomp *x, const struct stk_bundle_seccomp *y)
{
    if (x->present != y->present || (x->present && x->nfilters != y->nfilters))
        return false;
    for (size_t i = 0; x->present && i < x->nfilters; i++) {
        const struct stk_bpf_filter *f = &x->filters[i], *g = &y->filters[i];
        if (f->len != g->len || memcmp(f->insns, g->insns, f->len * sizeof *f->insns) != 0)
            return false;
    }
    return true;
}

int stk_diff_compare(const struct stk_bundle *a, const struct stk_bundle *b, struct stk_diff *d, char *err,
                     size_t errlen)
{
    struct stk_diff_seccomp s;
    const struct stk_bundle_seccomp *x = &a->seccomp, *y = &b->seccomp;
    /* each side's stack of filters (one unless the policy was split), combined
     * as the kernel combines them; no seccomp record: no filter */
    if (stk_diff_seccomp_run_stacks(x->filters, x->present ? x->nfilters : 0, y->filters,
                                    y->present ? y->nfilters : 0, &s, err, errlen) < 0) {
        stk_diff_seccomp_free(&s);
        return -1;
    }
    stk_diff_seccomp_items(&s, d);
    stk_diff_seccomp_free(&s);
    /* Two identical stacks decide every input alike: nothing was sampled
     * that could differ, so the comparison is exact after all. */
    if (d->approximate && same_stack(x, y))
        d->approximate = false;
    stk_diff_bundles(a, b, d);
    return 0;
}

int stk_cmd_diff(int argc, char **argv)
{
    static const struct option lopts[] = {
        {"format", required_argument, NULL, 'f'}, {"fail-on", required_argument, NULL, 'F'},
        {"policy", required_argument, NULL, 'p'}, {"help", no_argument, NULL, 'h'},
        {"sarif-root", required_argument, NULL, 'R'},
        {NULL, 0, NULL, 0},
    };
    const char *fmt = "text", *fail_on = NULL, *sarif_root = NULL;
    struct stk_compile_opts opts = {0};
    const char **incs = NULL;
    size_t capincs = 0;
    int ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "I:h", lopts, NULL)) != -1) {
        switch (ch) {
        case 'f': fmt = optarg; break;
        case 'F': fail_on = optarg; break;
        case 'p': opts.policy_name = optarg; break;
        case 'R': sarif_root = optarg; break;
        case 'I': STK_PUSH(incs, opts.ninclude_dirs, capincs, optarg); break;
        case 'h': fputs(diff_usage, stdout); free(incs); return 0;
        default: fputs(diff_usage, stderr); free(incs); return 2;
        }
    }
    opts.include_dirs = incs;
    int rc = 0;
    bool sarif = strcmp(fmt, "sarif") == 0;
    if (strcmp(fmt, "text") != 0 && strcmp(fmt, "json") != 0 && strcmp(fmt, "markdown") != 0 && !sarif) {
        fprintf(stderr, "stockade diff: unknown --format '%s' (text, json, markdown or sarif)\n", fmt);
        rc = 2;
    } else if (sarif_root && !*sarif_root) {
        fprintf(stderr, "stockade diff: --sarif-root needs a directory\n");
        rc = 2;
    } else if (fail_on && strcmp(fail_on, "loosened") != 0 && strcmp(fail_on, "any") != 0) {
        fprintf(stderr, "stockade diff: unknown --fail-on '%s' (loosened or any)\n", fail_on);
        rc = 2;
    } else if (argc - optind != 2) {
        fprintf(stderr, "stockade diff: expected two inputs, OLD and NEW\n%s", diff_usage);
        rc = 2;
    }
    if (rc) {
        free(incs);
        return rc;
    }
    struct diff_input newer = {0};
    struct stk_bundle *a = load_input(argv[optind], &opts, NULL);
    struct stk_bundle *b = a ? load_input(argv[optind + 1], &opts, sarif ? &newer : NULL) : NULL;
    free(incs);
    struct stk_diff d = {0};
    char err[256];
    if (!a || !b) {
        rc = 2;
    } else if (stk_diff_compare(a, b, &d, err, sizeof err) < 0) {
        fprintf(stderr, "stockade diff: seccomp: %s\n", err);
        rc = 2;
    } else {
        size_t cnt[3] = {0};
        for (size_t i = 0; i < d.n; i++)
            cnt[d.v[i].dir]++;
        if (sarif) {
            struct stk_sarif_opts so = {.root = sarif_root, .tool_version = STK_VERSION};
            if (stk_diff_print_sarif(&d, newer.compiled ? &newer.ds : NULL, newer.compiled ? newer.out.ir : NULL,
                                     argv[optind + 1], argv[optind], stdout, &so) < 0)
                rc = 2;
        } else {
            print_diff(&d, fmt, argv[optind], argv[optind + 1], cnt);
        }
        if (rc == 0 && fail_on)
            rc = strcmp(fail_on, "loosened") == 0 ? cnt[STK_DIFF_LOOSENED] > 0 : d.n > 0;
        /* A sampled comparison may have missed a region the programs decide
         * differently: a gate that cannot prove nothing loosened fails. */
        if (rc == 0 && fail_on && d.approximate) {
            fprintf(stderr, "stockade diff: the seccomp programs differ and the comparison is approximate "
                            "(masks with more than 10 bits): cannot prove nothing was loosened\n");
            rc = 1;
        }
        if (fflush(stdout) != 0)
            rc = 2;
    }
    stk_diff_free(&d);
    if (newer.compiled) {
        stk_diags_free(&newer.ds);
        stk_pipeline_out_free(&newer.out);
    }
    if (a)
        stk_bundle_free(a);
    if (b)
        stk_bundle_free(b);
    return rc;
}
