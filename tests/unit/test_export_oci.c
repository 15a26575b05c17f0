/* test_export_oci.c — `--emit=oci-seccomp` against what a runtime makes of
 * it: the exported JSON is loaded with libseccomp the way crun and runc load
 * it (lib/oci_peer.c), and that program and the reference evaluator
 * (stk_ref_decide, what `stockade sim` says) must decide every call alike,
 * on many (nr, arguments) vectors, junk in the upper half of 32-bit
 * arguments included.  Every shipped policy exports or is refused with a
 * located diagnostic. */
#include "frontend_harness.h"

#include <glob.h>
#include <linux/audit.h>
#include <seccomp.h>

#include "bpf_interp.h"
#include "export/export.h"
#include "lib/oci_peer.h"
#include "seccomp/bpf_layout.h"
#include "seccomp/ref_eval.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* Interesting values for one syscall: its conditions' constants and masks,
 * their neighbours, with and without junk in the upper half. */
static void collect(const struct stk_cond *c, uint64_t *v, size_t *n, size_t cap)
{
    if (!c)
        return;
    if (c->kind == STK_COND_AND || c->kind == STK_COND_OR || c->kind == STK_COND_NOT) {
        collect(c->a, v, n, cap);
        if (c->b)
            collect(c->b, v, n, cap);
        return;
    }
    if (c->kind != STK_COND_CMP && c->kind != STK_COND_IN)
        return;
    uint64_t base[70];
    size_t nb = 0;
    if (c->kind == STK_COND_CMP)
        base[nb++] = c->value;
    for (size_t i = 0; i < c->nvalues && nb < 60; i++)
        base[nb++] = c->values[i];
    base[nb++] = c->mask;
    base[nb++] = ~c->mask;
    for (size_t i = 0; i < nb; i++) {
        uint64_t x = base[i];
        uint64_t vs[] = {x, x + 1, x - 1, x | 0xdeadbeef00000000ull, (x & 0xffffffffull) | 0xffffffff00000000ull,
                         x ^ 0x80000000ull, x & 0xffffffffull};
        for (size_t k = 0; k < sizeof vs / sizeof *vs && *n < cap; k++)
            v[(*n)++] = vs[k];
    }
}

static const uint64_t generic[] = {0, 1, 2, 3, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ull,
                                   0xffffffff00000000ull, 0x8000000000000000ull, ~0ull, 0xdeadbeef00000001ull};

static uint32_t peer_run(const struct sock_filter *p, size_t n, uint32_t arch, uint32_t nr, const uint64_t args[6])
{
    struct seccomp_data d = {.nr = (int)nr, .arch = arch};
    memcpy(d.args, args, sizeof d.args);
    return stk_bpf_run(p, n, &d, NULL);
}

/* Compare the runtime's program for json with the reference on ir (the
 * hand-over rule left out, as the export does).  Returns the number of
 * vectors compared; fails the test on the first difference. */
/* The shape the runtimes read as written: no rule with the default action
 * (refused by them), never two comparisons on one argument (they would
 * become an OR), only masked equality (the upper-half junk of the vectors
 * checks the masks). */
static void check_shape(const char *json, const char *what)
{
    json_object *root = json_tokener_parse(json), *v;
    CHECK(root && json_object_object_get_ex(root, "defaultAction", &v));
    const char *def = json_object_get_string(v);
    int def_errno = json_object_object_get_ex(root, "defaultErrnoRet", &v) ? json_object_get_int(v) : -1;
    CHECK(json_object_object_get_ex(root, "syscalls", &v));
    for (size_t i = 0; i < json_object_array_length(v); i++) {
        json_object *e = json_object_array_get_idx(v, i), *a, *args, *r;
        CHECK(json_object_object_get_ex(e, "action", &a));
        int e_errno = json_object_object_get_ex(e, "errnoRet", &r) ? json_object_get_int(r) : -1;
        if (strcmp(json_object_get_string(a), def) == 0 && e_errno == def_errno)
            T_FAILF("%s: entry %zu has the default action", what, i);
        if (!json_object_object_get_ex(e, "args", &args))
            continue;
        unsigned seen = 0;
        for (size_t k = 0; k < json_object_array_length(args); k++) {
            json_object *x = json_object_array_get_idx(args, k), *f;
            CHECK(json_object_object_get_ex(x, "index", &f));
            unsigned idx = (unsigned)json_object_get_int(f);
            if (seen & (1u << idx))
                T_FAILF("%s: entry %zu compares argument %u twice", what, i, idx);
            seen |= 1u << idx;
            CHECK(json_object_object_get_ex(x, "op", &f) && strcmp(json_object_get_string(f), "SCMP_CMP_MASKED_EQ") == 0);
        }
    }
    json_object_put(root);
}

static size_t differential(const struct stk_policy_ir *pir, const char *json, const char *what)
{
    check_shape(json, what);
    struct sock_filter *prog = NULL;
    size_t len = 0;
    char err[256];
    if (stk_oci_peer_build(json, &prog, &len, err, sizeof err) != 0)
        T_FAILF("%s: the runtime would refuse the export: %s", what, err);
    struct stk_policy_ir *x = stk_export_ir(pir);
    const struct stk_seccomp *s = &x->seccomp;
    size_t compared = 0;
    uint32_t arch = AUDIT_ARCH_X86_64;
    int32_t max = stk_layout_max_regular(STK_ABI_X86_64);
    uint64_t *vals = calloc(4096, sizeof *vals);
    for (int32_t nr = 0; nr <= max; nr++) {
        const char *name = stk_syscall_name_by_nr(STK_ABI_X86_64, (uint32_t)nr);
        int id = name ? stk_syscall_lookup(name) : -1;
        size_t nv = 0;
        for (size_t i = 0; id >= 0 && i < s->nrules; i++)
            if (s->rules[i].syscall == id)
                collect(s->rules[i].cond, vals, &nv, 4096);
        for (size_t i = 0; i < sizeof generic / sizeof *generic && nv < 4096; i++)
            vals[nv++] = generic[i];
        bool known = name && seccomp_syscall_resolve_name(name) != __NR_SCMP_ERROR;
        size_t rounds = nv > 12 ? 400 : 16;
        for (size_t r = 0; r < rounds; r++) {
            uint64_t args[6];
            for (int k = 0; k < 6; k++) {
                uint64_t pick = next_rand();
                args[k] = (pick & 7) == 7 ? next_rand() : vals[(pick >> 3) % nv];
                if ((pick >> 40 & 3) == 3)
                    args[k] = (args[k] & 0xffffffffull) | (next_rand() << 32); /* upper-half junk */
            }
            struct seccomp_data d = {.nr = nr, .arch = arch};
            memcpy(d.args, args, sizeof d.args);
            uint32_t want = stk_ref_decide(x, &d), got = peer_run(prog, len, arch, (uint32_t)nr, args);
            if (!known) /* a runtime with this libseccomp drops the name: the default decides */
                want = stk_action_ret(s->def);
            if (want != got) {
                free(vals);
                T_FAILF("%s: %s (nr %d) args %#llx %#llx %#llx %#llx: policy 0x%08x, runtime 0x%08x", what,
                        name ? name : "?", nr, (unsigned long long)args[0], (unsigned long long)args[1],
                        (unsigned long long)args[2], (unsigned long long)args[3], want, got);
            }
            compared++;
        }
    }
    free(vals);
    /* other architectures and x32 numbers: killed (libseccomp kills the thread) */
    uint64_t z[6] = {0};
    if (!s->abis[STK_ABI_I386])
        CHECK(peer_run(prog, len, AUDIT_ARCH_I386, 20, z) == SECCOMP_RET_KILL_THREAD);
    if (!s->abis[STK_ABI_X32])
        CHECK(peer_run(prog, len, arch, STK_X32_SYSCALL_BIT + 1, z) == SECCOMP_RET_KILL_THREAD);
    stk_export_ir_free(x);
    free(prog);
    return compared;
}

/* Export ir; on success hold the runtime's reading to the reference. */
static bool export_and_compare(const struct stk_policy_ir *pir, const char *what, struct stk_diags *eds,
                               size_t *compared)
{
    struct stk_buf out = {0};
    struct stk_export_req req = {.kind = STK_EXPORT_OCI_SECCOMP};
    bool ok = stk_export(pir, &req, eds, &out);
    if (ok) {
        CHECK(out.len > 0);
        *compared += differential(pir, out.data, what);
    }
    stk_buf_free(&out);
    return ok;
}

static bool has_located(const struct stk_diags *d, const char *code)
{
    for (size_t i = 0; i < d->nd; i++)
        if (strcmp(d->d[i].code, code) == 0 && d->d[i].loc.file && d->d[i].loc.line > 0 &&
            d->d[i].sev == STK_SEV_ERROR)
            return true;
    return false;
}

TEST(shipped_policies_export_or_refuse)
{
    glob_t g;
    CHECK(glob("policies/*.stk", 0, NULL, &g) == 0);
    CHECK(glob("policies/*/*.stk", GLOB_APPEND, NULL, &g) == 0);
    const char *incs[] = {"policies"};
    struct stk_compile_opts o = {.include_dirs = incs, .ninclude_dirs = 1};
    size_t exported = 0, refused = 0, compared = 0;
    char refused_names[512] = "";
    for (size_t i = 0; i < g.gl_pathc; i++) {
        const char *path = g.gl_pathv[i];
        size_t n = strlen(path);
        if (n > 9 && strcmp(path + n - 9, ".test.stk") == 0)
            continue;
        reset();
        ir = stk_compile_file(path, &o, &ds);
        if (!ir)
            continue; /* a library of groups */
        struct stk_diags eds;
        stk_diags_init(&eds);
        bool ok = export_and_compare(ir, path, &eds, &compared);
        if (ok) {
            exported++;
        } else {
            if (!has_located(&eds, "not-exportable")) {
                stk_diags_free(&eds);
                T_FAILF("%s refused without a located not-exportable error", path);
            }
            refused++;
            strncat(refused_names, ir->name, sizeof refused_names - strlen(refused_names) - 2);
            strcat(refused_names, " ");
        }
        stk_diags_free(&eds);
    }
    globfree(&g);
    printf("# oci-seccomp: %zu shipped policies exported (%zu vectors agree), %zu refused: %s\n", exported,
           compared, refused, refused_names);
    CHECK(exported >= 4);
    CHECK(compared > 10000);
    /* pinned: the exec denial, the allowlist without execve, newer syscalls under a default allow */
    CHECK(strstr(refused_names, "deny_exec ") && strstr(refused_names, "minimal ") &&
          strstr(refused_names, "denylist "));
}

/* Shapes where the runtimes' rules differ from stockade's: each exports
 * exactly (differential) -- first match across overlapping conditions with
 * different actions, unconditional rules after conditional ones, != and
 * order comparisons on 32-bit arguments (junk above), signed ones, masks,
 * `not in`, AND and OR across arguments, a default allow. */
static const char *const shapes[] = {
    "policy p { seccomp { default errno EPERM\n allow execve, close, exit_group\n"
    "  allow kill if sig != 9\n errno EACCES kill if pid < 0\n allow kill\n } }",
    "policy p { seccomp { default kill-process\n allow execve, close\n"
    "  errno EINVAL lseek if offset < 0\n allow lseek if whence <= 2\n errno ENXIO lseek\n } }",
    "policy p { seccomp { default errno EPERM\n allow execve, close\n"
    "  allow socket if domain not in (AF_ALG, AF_VSOCK) && type == SOCK_STREAM\n"
    "  errno EAFNOSUPPORT socket if type == SOCK_RAW\n } }",
    "policy p { seccomp { default allow\n newer_syscalls allow\n"
    "  kill-process setpriority if which == 1 && prio < -5\n errno EPERM setpriority if who == 0\n"
    "  errno EPERM madvise if (advice & 0x10) != 0\n trap mmap if length > 0x100000 && (prot & 4) != 0\n"
    "  errno EPERM fcntl if cmd in (1, 2, 1024) || arg < 0\n } }",
    "policy p { seccomp { default errno ENOSYS\n allow execve, close\n"
    "  allow prctl if option == 15\n errno EPERM prctl if option > 10 && option < 20\n"
    "  log prctl if option in (1, 2, 3)\n kill-thread prctl if option == 4 && arg1 == 7\n errno EINVAL prctl\n } }",
};

TEST(shapes_export_exactly)
{
    size_t compared = 0;
    for (size_t i = 0; i < sizeof shapes / sizeof *shapes; i++) {
        if (!compile(shapes[i]))
            T_FAILF("shape %zu does not compile:%s", i, dump());
        struct stk_diags eds;
        stk_diags_init(&eds);
        char what[32];
        snprintf(what, sizeof what, "shape %zu", i);
        bool ok = export_and_compare(ir, what, &eds, &compared);
        if (!ok) {
            stk_diags_free(&eds);
            T_FAILF("shape %zu refused", i);
        }
        stk_diags_free(&eds);
    }
    CHECK(compared > 1000);
}

/* What the format cannot say in reasonable size, or at all, is refused at the rule. */
TEST(refusals_are_located)
{
    static const char *const bad[] = {
        /* a conjunction of two complements: thousands of OCI rules */
        "policy p { seccomp { default errno EPERM\n allow execve, close\n"
        "  allow socket if domain not in (AF_ALG, AF_VSOCK) && type != SOCK_RAW\n } }",
        /* notify needs a listener the runtime config names */
        "policy p { seccomp { default allow\n newer_syscalls allow\n notify ptrace\n } }",
        /* the runtime's own execve */
        "policy p { seccomp { default allow\n errno EPERM execve if argv == 0\n } }",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        if (!compile(bad[i]))
            T_FAILF("case %zu does not compile:%s", i, dump());
        struct stk_diags eds;
        stk_diags_init(&eds);
        struct stk_buf out = {0};
        struct stk_export_req req = {.kind = STK_EXPORT_OCI_SECCOMP};
        bool ok = stk_export(ir, &req, &eds, &out);
        bool located = has_located(&eds, "not-exportable");
        bool line2 = eds.nd > 0 && eds.d[0].loc.line == (i < 2 ? 3u : 2u);
        stk_diags_free(&eds);
        stk_buf_free(&out);
        if (ok || !located || !line2)
            T_FAILF("case %zu: exported %d, located %d, at the rule %d", i, ok, located, line2);
    }
}

/* --lossy: the same cases export, each approximation a warning that says
 * its direction, and the runtime accepts the result. */
TEST(lossy_approximates)
{
    static const char *const cases[] = {
        "policy p { seccomp { default errno EPERM\n allow execve, close\n"
        "  allow socket if domain not in (AF_ALG, AF_VSOCK) && type != SOCK_RAW\n } }",
        "policy p { seccomp { default allow\n newer_syscalls allow\n notify ptrace\n } }",
        "policy p { seccomp { default allow\n errno EPERM execve if argv == 0\n } }",
        "policy p { seccomp { arch x86_64, i386\n default allow\n newer_syscalls allow\n"
        "  errno EPERM mmap if length > 0xffffffff\n } }",
    };
    static const char *const direction[] = {"looser", "tighter", "looser", "tighter"};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        if (!compile(cases[i]))
            T_FAILF("case %zu does not compile:%s", i, dump());
        struct stk_diags eds;
        stk_diags_init(&eds);
        struct stk_buf out = {0};
        struct stk_export_req req = {.kind = STK_EXPORT_OCI_SECCOMP, .lossy = true};
        bool ok = stk_export(ir, &req, &eds, &out);
        bool warned = false;
        for (size_t d = 0; d < eds.nd; d++)
            warned |= strcmp(eds.d[d].code, "lossy-export") == 0 && eds.d[d].sev == STK_SEV_WARNING &&
                      strstr(eds.d[d].message, direction[i]) != NULL;
        size_t nerr = eds.nerrors;
        stk_diags_free(&eds);
        struct sock_filter *prog = NULL;
        size_t len = 0;
        char err[256] = "";
        int built = ok ? stk_oci_peer_build(out.data, &prog, &len, err, sizeof err) : -1;
        free(prog);
        stk_buf_free(&out);
        if (!ok || nerr || !warned || built != 0)
            T_FAILF("case %zu: exported %d, errors %zu, warned '%s' %d, runtime %d %s", i, ok, nerr, direction[i],
                    warned, built, err);
    }
}

static size_t unbase64(const char *in, unsigned char *out, size_t cap)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    uint32_t acc = 0;
    int bits = 0;
    size_t n = 0;
    for (; *in && *in != '=' && *in != '\n'; in++) {
        const char *p = strchr(tab, *in);
        if (!p)
            return 0;
        acc = acc << 6 | (uint32_t)(p - tab);
        bits += 6;
        if (bits >= 8 && n < cap) {
            bits -= 8;
            out[n++] = (unsigned char)(acc >> bits);
        }
    }
    return n;
}

/* The annotation is the program stockade builds without the hand-over rule:
 * it decides like the reference on every shipped policy it exports, and
 * execve runs under it (the runtime's last call). */
TEST(oci_bpf_matches_reference)
{
    glob_t g;
    CHECK(glob("policies/*/*.stk", 0, NULL, &g) == 0);
    const char *incs[] = {"policies"};
    struct stk_compile_opts o = {.include_dirs = incs, .ninclude_dirs = 1};
    size_t exported = 0;
    static unsigned char prog[STK_BPF_MAXINSNS * sizeof(struct sock_filter)];
    for (size_t i = 0; i < g.gl_pathc; i++) {
        if (strstr(g.gl_pathv[i], ".test.stk"))
            continue;
        reset();
        ir = stk_compile_file(g.gl_pathv[i], &o, &ds);
        if (!ir)
            continue;
        struct stk_diags eds;
        stk_diags_init(&eds);
        struct stk_buf out = {0};
        struct stk_export_req req = {.kind = STK_EXPORT_OCI_BPF};
        bool ok = stk_export(ir, &req, &eds, &out);
        stk_diags_free(&eds);
        if (!ok) {
            stk_buf_free(&out);
            continue;
        }
        stk_buf_put(&out, "", 1);
        size_t n = unbase64(out.data, prog, sizeof prog) / sizeof(struct sock_filter);
        stk_buf_free(&out);
        const struct sock_filter *f = (const struct sock_filter *)prog;
        CHECK(n > 0 && stk_bpf_validate(f, n, NULL, 0) == 0);
        struct stk_policy_ir *x = stk_export_ir(ir);
        for (int r = 0; r < 20000; r++) {
            struct seccomp_data d = {.nr = (int)(next_rand() % 480), .arch = AUDIT_ARCH_X86_64};
            for (int k = 0; k < 6; k++)
                d.args[k] = (next_rand() & 1) ? next_rand() : generic[next_rand() % 12];
            if (stk_bpf_run(f, n, &d, NULL) != stk_ref_decide(x, &d)) {
                stk_export_ir_free(x);
                T_FAILF("%s: nr %d differs", g.gl_pathv[i], d.nr);
            }
        }
        struct seccomp_data ex = {.nr = 59 /* execve */, .arch = AUDIT_ARCH_X86_64};
        CHECK(stk_bpf_run(f, n, &ex, NULL) == SECCOMP_RET_ALLOW);
        stk_export_ir_free(x);
        exported++;
    }
    globfree(&g);
    CHECK(exported >= 4);
}

int main(void)
{
    RUN(oci_bpf_matches_reference);
    RUN(lossy_approximates);
    RUN(refusals_are_located);
    RUN(shipped_policies_export_or_refuse);
    RUN(shapes_export_exactly);
    return test_summary();
}
