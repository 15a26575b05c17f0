/* cmd_sim.c — `stockade sim`: what the compiled filter does with one call. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpf_interp.h"
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
    struct stk_pipeline_out b;
    if (!stk_cli_build(argv[c.optind], &c, NULL, &b))
        return 1;
    const struct stk_bpf_prog *prog = &b.prog;
    unsigned executed = 0;
    /* the filters as installed, combined as the kernel combines them */
    uint32_t r = stk_bpf_stack_run(prog->filters, prog->nfilters, &d, &executed);
    uint32_t want = stk_ref_decide(b.ir, &d);
    char buf[64];
    const char *name = stk_syscall_name_by_nr(abi, (uint32_t)d.nr);
    printf("%s: %s\n", name ? name : scname, stk_action_str(stk_action_from_ret(r), buf, sizeof buf));
    size_t total = 0;
    for (size_t i = 0; i < prog->nfilters; i++)
        total += prog->filters[i].len;
    printf("  executed %u of %zu instructions%s; the kernel %s cache this syscall\n", executed, total,
           prog->nfilters > 1 ? " (in all the stacked filters)" : "",
           stk_bpf_stack_cacheable(prog->filters, prog->nfilters, d.arch, (uint32_t)d.nr) &&
                   !(abi == STK_ABI_X32)
               ? "can"
               : "cannot");
    rc = 0;
    if (r != want) {
        fprintf(stderr, "stockade sim: internal error: the filter returns 0x%08x but the policy means 0x%08x\n", r,
                want);
        rc = 3;
    }
    stk_pipeline_out_free(&b);
    return rc;
}
