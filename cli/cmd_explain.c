/* cmd_explain.c — `stockade explain`: how the filter is built, what the
 * kernel caches, how many instructions a call costs. */
#include <stdio.h>
#include <stdlib.h>

#include "bpf_interp.h"
#include "cli.h"
#include "commands.h"
#include "seccomp/bpf_layout.h"

static const char explain_usage[] =
    "usage: stockade explain [OPTIONS] FILE\n"
    "\n"
    "Show how the policy's seccomp filter is built: program size, the number\n"
    "ranges it searches per architecture, the syscalls the kernel can cache as\n"
    "always-allowed (no filter run at all), the syscalls with argument checks, and\n"
    "the mean and maximum instructions executed per syscall number.\n"
    "\n"
    "options: --policy=NAME, -I DIR, --format, --sarif-root, -h/--help (as for compile)\n";

/* The rules as the policy writes them: one line such as `allow @basic-io`
 * becomes one IR rule per syscall it names, all with the rule's location. */
static size_t written_rules(const struct stk_seccomp *s)
{
    size_t n = 0;
    for (size_t i = 0; i < s->nrules; i++) {
        const struct stk_loc *l = &s->rules[i].loc;
        if (l->file == 0)
            continue; /* built in, not written */
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++) {
            const struct stk_loc *m = &s->rules[j].loc;
            seen = m->file == l->file && m->line == l->line && m->col == l->col;
        }
        n += !seen;
    }
    return n;
}

int stk_cmd_explain(int argc, char **argv)
{
    struct stk_cli_common c;
    int rc = stk_cli_common(argc, argv, explain_usage, &c);
    if (rc)
        return rc < 0 ? 0 : rc;
    if (c.optind != argc - 1) {
        fprintf(stderr, "stockade explain: expected one policy file\n%s", explain_usage);
        free(c.incs);
        return 2;
    }
    struct stk_pipeline_out b;
    if (!stk_cli_build(argv[c.optind], &c, NULL, &b))
        return 1;
    const struct stk_policy_ir *ir = b.ir;
    const struct stk_bpf_prog prog = b.prog;
    const struct stk_seccomp *s = &ir->seccomp;
    char b1[64], b2[64];
    printf("policy %s\n", ir->name);
    size_t nw = written_rules(s);
    printf("  seccomp: %s; default %s; newer syscalls %s; %zu rule%s as written, %zu syscall decision%s "
           "after expanding groups and lists\n",
           s->present ? "filter" : "no seccomp block (only the built-in rules)",
           stk_action_str(s->def, b1, sizeof b1), stk_action_str(s->newer, b2, sizeof b2), nw, nw == 1 ? "" : "s",
           s->nrules, s->nrules == 1 ? "" : "s");
    if (prog.nfilters > 1) {
        printf("  program: %zu instructions, over the kernel's %d for one filter: split into %zu stacked filters "
               "(each decides its own syscalls and allows the others; the kernel applies the most restrictive "
               "answer) of",
               prog.len, STK_BPF_MAX_INSNS, prog.nfilters);
        for (size_t i = 0; i < prog.nfilters; i++)
            printf("%s %zu", i ? "," : "", prog.filters[i].len);
        printf(" instructions; %zu of the kernel's %u per process\n",
               stk_bpf_stack_path_len(prog.filters, prog.nfilters), STK_BPF_MAX_PATH_INSNS);
    } else {
        printf("  program: %zu instructions (limit %d), 1 filter\n", prog.len, STK_BPF_MAX_INSNS);
    }
    struct stk_layout lay;
    stk_layout_build(ir, &lay);
    for (int a = 0; a < STK_ABI_COUNT; a++) {
        if (!s->abis[a])
            continue;
        enum stk_abi abi = (enum stk_abi)a;
        size_t nsys = 0, cached = 0, allowed = 0, conditional = 0;
        uint64_t total = 0;
        unsigned maxp = 0;
        int32_t max = stk_layout_max_regular(abi);
        uint32_t n = 0;
        for (int64_t nr = 0; nr <= (int64_t)max + 16; nr++, n++) {
            struct seccomp_data d = {.nr = (int)((uint32_t)nr + stk_abis[a].nr_offset), .arch = stk_abis[a].audit_arch};
            unsigned ex = 0;
            uint32_t r = stk_bpf_stack_run(prog.filters, prog.nfilters, &d, &ex);
            total += ex;
            if (ex > maxp)
                maxp = ex;
            const char *nm = stk_syscall_name_by_nr(abi, (uint32_t)d.nr);
            if (!nm)
                continue;
            nsys++;
            if (r == SECCOMP_RET_ALLOW)
                allowed++;
            if (abi != STK_ABI_X32 && stk_bpf_stack_cacheable(prog.filters, prog.nfilters, d.arch, (uint32_t)d.nr))
                cached++;
        }
        printf("  %s: %zu syscalls known; %zu allowed for zero arguments, %zu of them cached by the kernel "
               "(no filter run)\n",
               stk_abis[a].name, nsys, allowed, cached);
        printf("    instructions executed per syscall number 0..%d: mean %.2f, max %u\n", max + 16,
               (double)total / (n ? n : 1), maxp);
        for (size_t l = 0; l < lay.narch; l++) {
            if (lay.arch[l].audit_arch != stk_abis[a].audit_arch)
                continue;
            for (size_t i = 0; i < lay.arch[l].segs.n; i++) {
                const struct stk_leaf *lf = &lay.arch[l].segs.v[i].leaf;
                if (lf->kind == STK_LEAF_COND && lf->abi == abi) {
                    if (conditional++ == 0)
                        printf("    argument checks:");
                    printf(" %s", stk_syscall_table[lf->syscall].name);
                }
            }
        }
        if (conditional)
            printf("\n");
    }
    stk_layout_free(&lay);
    stk_pipeline_out_free(&b);
    return 0;
}
