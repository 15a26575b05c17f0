/* cmd_score.c — `stockade score FILE...`: the exposure score of each policy,
 * 0.0 (locked down) to 10.0 (unconfined), with a per-check breakdown, as text
 * or JSON, and --threshold=N as a CI gate.  The checks: score_checks.c and
 * score_syscalls.c; the weights: docs/score.md. */
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "pipeline.h"
#include "score.h"
#include "util.h"

static const char score_usage[] =
    "usage: stockade score [OPTIONS] FILE...\n"
    "\n"
    "Rate how exposed a service confined by each policy stays, from 0.0 (locked\n"
    "down) to 10.0 (unconfined), with a breakdown per check: identity,\n"
    "capabilities, no_new_privs, dangerous syscalls reachable with allow and\n"
    "dangerous arguments of socket/clone/ioctl (both decided by running the\n"
    "compiled seccomp program), namespaces, filesystem view, Landlock, cgroup\n"
    "limits and LSM label.  Each open check names what would lower the score.\n"
    "Weights: docs/score.md.\n"
    "\n"
    "options:\n"
    "  --threshold=N   exit 1 when a policy scores above N (0.0..10.0): a CI gate\n"
    "  --format=text   (default) one block per policy\n"
    "  --format=json   one JSON object: {\"policies\": [...], \"threshold\": N|null}\n"
    "  --policy=NAME   score this policy of each file (default: the last one)\n"
    "  -I DIR          also look for included files in DIR\n"
    "  -h, --help      show this help\n"
    "\n"
    "exit status: 0 scored (all at or below the threshold), 1 a policy scored\n"
    "above the threshold, 2 usage error or a policy that does not compile\n";

/* A number printed as fmt gives it ("3.8", not 3.7999999999999998). */
static json_object *num(double v, const char *fmt)
{
    char buf[32];
    snprintf(buf, sizeof buf, fmt, v);
    return json_object_new_double_s(strtod(buf, NULL), buf);
}

static json_object *score_json(const char *file, const struct stk_policy_ir *ir, const struct stk_score *s)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "file", json_object_new_string(file));
    json_object_object_add(o, "policy", json_object_new_string(ir->name));
    json_object_object_add(o, "score", num(s->total, "%.1f"));
    json_object *checks = json_object_new_array();
    for (int i = 0; i < STK_SCORE_NCHECKS; i++) {
        const struct stk_score_check *c = &s->checks[i];
        json_object *j = json_object_new_object();
        json_object_object_add(j, "check", json_object_new_string(c->name));
        json_object_object_add(j, "weight", num(c->weight, "%.1f"));
        json_object_object_add(j, "exposure", num(c->exposure, "%.3f"));
        json_object_object_add(j, "points", num(c->weight * c->exposure, "%.2f"));
        json_object_object_add(j, "detail", json_object_new_string(c->detail));
        json_object_object_add(j, "hint", c->hint[0] ? json_object_new_string(c->hint) : NULL);
        json_object_array_add(checks, j);
    }
    json_object_object_add(o, "checks", checks);
    return o;
}

static void score_text(const char *file, const struct stk_policy_ir *ir, const struct stk_score *s,
                       double threshold, bool gate)
{
    printf("%s: policy %s: exposure %.1f/10%s\n", file, ir->name, s->total,
           gate && s->total > threshold ? " (above the threshold)" : "");
    for (int i = 0; i < STK_SCORE_NCHECKS; i++) {
        const struct stk_score_check *c = &s->checks[i];
        printf("  %-13s %4.2f/%3.1f  %s\n", c->name, c->weight * c->exposure, c->weight, c->detail);
        if (c->hint[0])
            printf("  %-13s            lower it: %s\n", "", c->hint);
    }
}

static bool parse_threshold(const char *s, double *out)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end || !(v >= 0.0 && v <= 10.0))
        return false;
    *out = v;
    return true;
}

int stk_cmd_score(int argc, char **argv)
{
    static const struct option lopts[] = {
        {"threshold", required_argument, NULL, 't'}, {"format", required_argument, NULL, 'f'},
        {"policy", required_argument, NULL, 'p'},    {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct stk_cli_common cc;
    memset(&cc, 0, sizeof cc);
    bool json = false, gate = false;
    double threshold = 10.0;
    int ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "I:h", lopts, NULL)) != -1) {
        switch (ch) {
        case 't':
            if (!parse_threshold(optarg, &threshold)) {
                fprintf(stderr, "stockade score: --threshold wants a number from 0 to 10, not '%s'\n", optarg);
                free(cc.incs);
                return 2;
            }
            gate = true;
            break;
        case 'f':
            if (strcmp(optarg, "json") == 0) {
                json = true;
            } else if (strcmp(optarg, "text") != 0) {
                fprintf(stderr, "stockade score: --format is text or json, not '%s'\n", optarg);
                free(cc.incs);
                return 2;
            }
            break;
        case 'p': cc.opts.policy_name = optarg; break;
        case 'I': STK_PUSH(cc.incs, cc.opts.ninclude_dirs, cc.capincs, optarg); break;
        case 'h': fputs(score_usage, stdout); free(cc.incs); return 0;
        default: fputs(score_usage, stderr); free(cc.incs); return 2;
        }
    }
    cc.opts.include_dirs = cc.incs;
    if (optind >= argc) {
        fprintf(stderr, "stockade score: expected at least one policy file\n%s", score_usage);
        free(cc.incs);
        return 2;
    }
    json_object *list = json ? json_object_new_array() : NULL;
    bool failed = false, above = false;
    for (int i = optind; i < argc; i++) {
        /* The whole pipeline, as compile runs it: what compiles is what is scored. */
        struct stk_diags ds;
        stk_diags_init(&ds);
        struct stk_pipeline_req req = {.path = argv[i], .opts = &cc.opts};
        struct stk_pipeline_out out = {0};
        bool ok = stk_pipeline(&req, &ds, &out);
        stk_diags_print(&ds, stderr, STK_DIAG_TEXT, stk_cli_want_color(STDERR_FILENO));
        stk_diags_free(&ds);
        if (!ok || !out.ir) {
            stk_pipeline_out_free(&out);
            failed = true;
            continue;
        }
        const struct stk_policy_ir *ir = out.ir;
        struct stk_score s;
        stk_score_policy(ir, &out.prog, &s);
        if (gate && s.total > threshold)
            above = true;
        if (json)
            json_object_array_add(list, score_json(argv[i], ir, &s));
        else
            score_text(argv[i], ir, &s, threshold, gate);
        stk_pipeline_out_free(&out);
    }
    free(cc.incs);
    if (json) {
        json_object *top = json_object_new_object();
        json_object_object_add(top, "policies", list);
        json_object_object_add(top, "threshold", gate ? num(threshold, "%g") : NULL);
        puts(json_object_to_json_string_ext(top, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(top);
    }
    if (failed)
        return 2;
    if (above) {
        fprintf(stderr, "stockade score: a policy scores above the threshold %.1f\n", threshold);
        return 1;
    }
    return 0;
}
