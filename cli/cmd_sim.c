/* cmd_sim.c — `stockade sim` (what the compiled filter does with one call)
 * and `stockade explain` (how the filter is built, what the kernel caches,
 * how many instructions a call costs). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpf_interp.h"
#include "seccomp/bpf_layout.h"
#include "cli.h"
#include "commands.h"
#include "consts.h"
#include "seccomp/ref_eval.h"
#include "sema/sema.h"
#include "util.h"

static const char sim_usage[] =
    "usage: stockade sim [OPTIONS] FILE SYSCALL [ARG...]\n"
    "\n"
    "Run the compiled seccomp filter of FILE on one call and print the action it\n"
    "returns (allow, errno EPERM, kill-process, ...) and how many BPF instructions\n"
    "it executed.  SYSCALL is a name or a number; each ARG a number (42, 0x10, -1)\n"
    "or a constant (AF_INET, O_RDONLY|O_CLOEXEC is not supported: give a number).\n"
    "\n"
    "options:\n"
    "  --arch=ABI      simulate a call from this ABI (x86_64, i386, x32, aarch64, ...;\n"
    "                  default: native)\n"
    "  --policy=NAME   the policy of the file to use (default: the last one)\n"
    "  -I DIR          also look for included files in DIR\n"
    STK_CLI_DIAG_USAGE
    "                     (JSON and SARIF go to standard error)\n"
    "  -h, --help      show this help\n"
    "\n"
    "exit status: 0 simulated, 1 the policy has errors, 2 usage error\n";

static const char explain_usage[] =
    "usage: stockade explain [OPTIONS] FILE\n"
    "\n"
    "Show how the policy's seccomp filter is built: program size, the number\n"
    "ranges it searches per architecture, the syscalls the kernel can cache as\n"
    "always-allowed (no filter run at all), the syscalls with argument checks, and\n"
    "the mean and maximum instructions executed per syscall number.\n"
    "\n"
    "options: --policy=NAME, -I DIR, --format, --sarif-root, -h/--help (as for compile)\n";

static bool parse_value(const char *s, uint64_t *v)
{
    int64_t c;
    if (stk_parse_int(s, v))
        return true;
    if (stk_const_lookup(s, &c)) {
        *v = (uint64_t)c;
        return true;
    }
    return false;
}

int stk_cmd_sim(int argc, char **argv)
{
    struct stk_cli_common c;
    int rc = stk_cli_common(argc, argv, sim_usage, &c);
    if (rc)
        return rc < 0 ? 0 : rc;
    if (argc - c.optind < 2 || argc - c.optind > 8) {
        fprintf(stderr, "stockade sim: expected FILE SYSCALL [ARG...] (at most 6 arguments)\n%s", sim_usage);
        free(c.incs);
        return 2;
    }
    enum stk_abi abi = stk_native_abi();
    if (c.arch) {
        int a = stk_abi_by_name(c.arch);
        if (a < 0) {
            fprintf(stderr, "stockade sim: unknown architecture '%s'\n", c.arch);
            free(c.incs);
            return 2;
        }
        abi = (enum stk_abi)a;
    }
    const char *scname = argv[c.optind + 1];
    struct seccomp_data d = {0};
    d.arch = stk_abis[abi].audit_arch;
    int id = stk_syscall_lookup(scname);
    uint64_t num;
    if (id >= 0) {
        int64_t nr = stk_syscall_nr(id, abi);
        if (nr < 0) {
            fprintf(stderr, "stockade sim: syscall '%s' does not exist on %s\n", scname, stk_abis[abi].name);
            free(c.incs);
            return 2;
        }
        d.nr = (int)nr;
    } else if (stk_parse_int(scname, &num) && num <= 0xffffffffu) {
        d.nr = (int)(uint32_t)num;
    } else {
        const char *s = stk_syscall_suggest(scname);
        fprintf(stderr, "stockade sim: unknown syscall '%s'%s%s%s\n", scname, s ? "; did you mean '" : "",
                s ? s : "", s ? "'?" : "");
        free(c.incs);
        return 2;
    }
    for (int i = c.optind + 2; i < argc; i++) {
        uint64_t v;
        if (parse_value(argv[i], &v)) {
            d.args[i - c.optind - 2] = v;
        } else {
            fprintf(stderr, "stockade sim: '%s' is not a number or a known constant\n", argv[i]);
            free(c.incs);
            return 2;
        }
    }
    struct stk_bpf_prog prog;
    struct stk_policy_ir *ir = stk_cli_compile_prog(argv[c.optind], &c, "sim", &prog);
    if (!ir)
        return 1;
    unsigned executed = 0;
    uint32_t r = stk_bpf_run(prog.insns, prog.len, &d, &executed);
    uint32_t want = stk_ref_decide(ir, &d);
    char buf[64];
    const char *name = stk_syscall_name_by_nr(abi, (uint32_t)d.nr);
    printf("%s: %s\n", name ? name : scname, stk_action_str(stk_action_from_ret(r), buf, sizeof buf));
    printf("  executed %u of %zu instructions; the kernel %s cache this syscall\n", executed, prog.len,
           stk_bpf_cacheable(prog.insns, prog.len, d.arch, (uint32_t)d.nr) &&
                   !(abi == STK_ABI_X32)
               ? "can"
               : "cannot");
    rc = 0;
    if (r != want) {
        fprintf(stderr, "stockade sim: internal error: the filter returns 0x%08x but the policy means 0x%08x\n", r,
                want);
        rc = 3;
    }
    stk_bpf_prog_free(&prog);
    stk_policy_ir_free(ir);
    return rc;
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
    struct stk_bpf_prog prog;
    struct stk_policy_ir *ir = stk_cli_compile_prog(argv[c.optind], &c, "explain", &prog);
    if (!ir)
        return 1;
    const struct stk_seccomp *s = &ir->seccomp;
    char b1[64], b2[64];
    printf("policy %s\n", ir->name);
    printf("  seccomp: %s; default %s; newer syscalls %s; %zu rules\n",
           s->present ? "filter" : "no seccomp block (only the built-in rules)",
           stk_action_str(s->def, b1, sizeof b1), stk_action_str(s->newer, b2, sizeof b2), s->nrules);
    printf("  program: %zu instructions (limit %d)\n", prog.len, STK_BPF_MAX_INSNS);
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
            uint32_t r = stk_bpf_run(prog.insns, prog.len, &d, &ex);
            total += ex;
            if (ex > maxp)
                maxp = ex;
            const char *nm = stk_syscall_name_by_nr(abi, (uint32_t)d.nr);
            if (!nm)
                continue;
            nsys++;
            if (r == SECCOMP_RET_ALLOW)
                allowed++;
            if (abi != STK_ABI_X32 && stk_bpf_cacheable(prog.insns, prog.len, d.arch, (uint32_t)d.nr))
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
    stk_bpf_prog_free(&prog);
    stk_policy_ir_free(ir);
    return 0;
}
