/* cli.c — helpers shared by the sub-commands: JSON strings, colors, the
 * options compile, sim and explain share, and running the pipeline for a
 * command. */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

void stk_cli_json_str(FILE *o, const char *s)
{
    fputc('"', o);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(o, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(o, "\\u%04x", *p);
        else if (stk_utf8_len(p, false) == 0)
            fputc('?', o); /* not UTF-8 (a name from a policy): the output must stay JSON */
        else {
            size_t n = stk_utf8_len(p, false);
            fwrite(p, 1, n, o);
            p += n - 1;
        }
    }
    fputc('"', o);
}

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


/* Parse the options shared by compile, sim and explain.  Returns 0 to go on,
 * or an exit status. */
int stk_cli_common(int argc, char **argv, const char *usage, struct stk_cli_common *c)
{
    static const struct option lopts[] = {
        {"emit", required_argument, NULL, 'e'},   {"output", required_argument, NULL, 'o'},
        {"policy", required_argument, NULL, 'p'}, {"arch", required_argument, NULL, 'a'},
        {"help", no_argument, NULL, 'h'},         {"embed-lsm", no_argument, NULL, 'L'},
        {"apparmor-features", required_argument, NULL, 'F'}, {"lossy", no_argument, NULL, 'Y'},
        STK_CLI_DIAG_LOPTS, {NULL, 0, NULL, 0},
    };
    memset(c, 0, sizeof *c);
    c->emit = "bundle";
    optind = 1;
    /* `sim` takes negative numbers as arguments: there options come first. */
    bool is_sim = strcmp(argv[0], "sim") == 0;
    int ch;
    while ((ch = getopt_long(argc, argv, is_sim ? "+o:I:h" : "o:I:h", lopts, NULL)) != -1) {
        switch (ch) {
        case 'e':
            if (strcmp(argv[0], "compile") != 0) {
                fprintf(stderr, "stockade %s: --emit is an option of `compile`\n", argv[0]);
                return 2;
            }
            c->emit = optarg;
            break;
        case 'o':
            if (strcmp(argv[0], "compile") != 0) {
                fprintf(stderr, "stockade %s: -o is an option of `compile`\n", argv[0]);
                return 2;
            }
            c->output = optarg;
            break;
        case 'L':
        case 'F':
            if (strcmp(argv[0], "compile") != 0) {
                fprintf(stderr, "stockade %s: --%s is an option of `compile`\n", argv[0],
                        ch == 'L' ? "embed-lsm" : "apparmor-features");
                return 2;
            }
            if (ch == 'L')
                c->embed_lsm = true;
            else
                c->apparmor_features = optarg;
            break;
        case 'Y':
            if (strcmp(argv[0], "compile") != 0) {
                fprintf(stderr, "stockade %s: --lossy is an option of `compile`\n", argv[0]);
                return 2;
            }
            c->lossy = true;
            break;
        case 'p': c->opts.policy_name = optarg; break;
        case STK_OPT_FORMAT:
        case STK_OPT_SARIF_ROOT:
            if (stk_cli_diag_option(&c->diag, ch, optarg, argv[0]))
                return 2;
            break;
        case 'a':
            if (!is_sim) {
                fprintf(stderr, "stockade %s: --arch is an option of `sim`; use `arch` in the policy's seccomp block\n",
                        argv[0]);
                return 2;
            }
            c->arch = optarg;
            break;
        case 'I': STK_PUSH(c->incs, c->opts.ninclude_dirs, c->capincs, optarg); break;
        case 'h': fputs(usage, stdout); return -1;
        default: fputs(usage, stderr); return 2;
        }
    }
    c->opts.include_dirs = c->incs;
    c->optind = optind;
    return 0;
}

/* Run the pipeline on path for a command, printing the diagnostics; c's
 * include directories and policy name complete req.  Frees c->incs.  True
 * when b holds the outputs; free b with stk_pipeline_out_free either way. */
bool stk_cli_build(const char *path, struct stk_cli_common *c, struct stk_pipeline_req *req, struct stk_pipeline_out *b)
{
    struct stk_pipeline_req plain = {0};
    if (!req)
        req = &plain;
    struct stk_diags ds;
    stk_diags_init(&ds);
    req->path = path;
    req->opts = &c->opts;
    bool ok = stk_pipeline(req, &ds, b);
    if (stk_cli_diag_print(&ds, &c->diag, stderr, -1) != 0)
        ok = false;
    stk_diags_free(&ds);
    free(c->incs);
    c->incs = NULL;
    c->opts.include_dirs = NULL;
    if (!ok)
        stk_pipeline_out_free(b);
    return ok;
}
