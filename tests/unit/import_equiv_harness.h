/* import_equiv_harness.h — `stockade import` of a seccomp profile against
 * libseccomp's compilation of the same profile (tests/unit/lib/docker_peer.c):
 * both programs run in common/bpf_interp over every syscall number of an
 * ABI × argument vectors built from the profile's constants, upper-half junk
 * included.  Used by test_import_equiv.c. */
#ifndef STK_IMPORT_EQUIV_HARNESS_H
#define STK_IMPORT_EQUIV_HARNESS_H

#include <errno.h>
#include <json-c/json.h>
#include <seccomp.h>

#include "bpf_interp.h"
#include "compile.h"
#include "import/import.h"
#include "lib/docker_peer.h"
#include "seccomp/bpf_gen.h"
#include "testlib.h"

struct equiv_stats {
    size_t runs;        /* program pairs run */
    size_t only_ours;   /* numbers libseccomp 2.5 does not know, where only stockade applies the profile's rule */
    size_t badarch;     /* foreign-architecture checks */
    size_t documented;  /* differences docs/interop.md lists (x32 bit, numbers >= 2^31, keyctl 18) */
    char policy[256];   /* the first line of the policy's seccomp block, for messages */
};

/* ---- argument values: every constant of the profile and its neighbours ---- */
struct vals {
    uint64_t v[512];
    size_t n;
};

static void val_add(struct vals *s, uint64_t x)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i] == x)
            return;
    if (s->n < sizeof s->v / sizeof s->v[0])
        s->v[s->n++] = x;
}

static void val_walk(struct vals *s, json_object *o, const char *key)
{
    if (json_object_is_type(o, json_type_object)) {
        json_object_object_foreach(o, k, v) val_walk(s, v, k);
    } else if (json_object_is_type(o, json_type_array)) {
        for (size_t i = 0; i < json_object_array_length(o); i++)
            val_walk(s, json_object_array_get_idx(o, i), key);
    } else if (json_object_is_type(o, json_type_int) && key &&
               (!strcmp(key, "value") || !strcmp(key, "valueTwo"))) {
        uint64_t c = json_object_get_uint64(o);
        uint64_t junk[] = {0, 0xdeadbeef00000000ull, 0x100000000ull, 0xffffffff00000000ull};
        for (size_t j = 0; j < 4; j++) {
            val_add(s, c | junk[j]);
            val_add(s, (c + 1) | junk[j]);
            val_add(s, (c - 1) | junk[j]);
            val_add(s, (c & 0xffffffffull) | junk[j]);
        }
        val_add(s, ~c);
        val_add(s, c << 1);
    }
}

static void vals_build(struct vals *s, const char *json)
{
    uint64_t base[] = {0, 1, 2, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ull, 0xdeadbeef00000000ull,
                       0xffffffff00000000ull, ~0ull};
    for (size_t i = 0; i < sizeof base / sizeof base[0]; i++)
        val_add(s, base[i]);
    json_object *top = json_tokener_parse(json);
    if (top)
        val_walk(s, top, NULL);
    json_object_put(top);
}

/* ---- the two programs ---------------------------------------------------------------- */
static void equiv_ours(const char *json, const struct stk_import_opts *o, struct stk_bpf_prog *prog, char *policy,
                       size_t plen)
{
    struct stk_buf out = {0}, warn = {0};
    char err[512];
    int rc = stk_import_oci(json, strlen(json), o, &out, &warn, err, sizeof err);
    CHECK_MSG(rc == 0, "import refused: %s", err);
    const char *sec = strstr(out.data, "seccomp {");
    snprintf(policy, plen, "%.200s", sec ? sec : out.data);
    struct stk_diags ds;
    stk_diags_init(&ds);
    struct stk_compile_opts copts = {0};
    struct stk_policy_ir *ir = stk_compile_text("builtin:imported.stk", out.data, out.len, &copts, &ds);
    if (!ir) {
        stk_diags_print(&ds, stderr, STK_DIAG_TEXT, false);
        fprintf(stderr, "%s\n", out.data);
    }
    CHECK_MSG(ir != NULL, "the imported policy does not compile (%zu errors)", ds.nerrors);
    char gerr[256];
    CHECK_MSG(stk_bpf_generate(ir, prog, gerr, sizeof gerr) == 0, "generate: %s", gerr);
    stk_policy_ir_free(ir);
    stk_diags_free(&ds);
    stk_buf_free(&out);
    stk_buf_free(&warn);
}

static const char *goarch_of(enum stk_abi abi)
{
    switch (abi) {
    case STK_ABI_X86_64: return "amd64";
    case STK_ABI_I386: return "x86";
    case STK_ABI_X32: return "x32";
    case STK_ABI_AARCH64: return "arm64";
    case STK_ABI_ARM: return "arm";
    case STK_ABI_RISCV64: return "riscv64";
    case STK_ABI_COUNT: break;
    }
    return "?";
}

/* Does libseccomp know syscall nr on abi? */
static bool scmp_knows(enum stk_abi abi, uint32_t nr)
{
    char *n = seccomp_syscall_resolve_num_arch((uint32_t)stk_abis[abi].libseccomp_arch, (int)nr);
    bool k = n != NULL;
    free(n);
    return k;
}

/* Compare the two programs on one ABI's numbers 0..1023 (+ nr_offset) and
 * a few beyond, each with every argument vector. */
static void equiv_abi(const struct stk_bpf_prog *a, const struct sock_filter *b, size_t blen, enum stk_abi abi,
                      const struct vals *vs, struct equiv_stats *st)
{
    uint32_t extra[] = {0x3fffffffu, 0x7fffffffu, 0x80000000u, 0xffffffffu};
    for (uint32_t k = 0; k < 1024 + 4; k++) {
        uint32_t nr = k < 1024 ? k + stk_abis[abi].nr_offset : extra[k - 1024];
        for (size_t vi = 0; vi < vs->n * 7; vi++) {
            struct seccomp_data d = {.nr = (int)nr, .arch = stk_abis[abi].audit_arch};
            uint64_t v = vs->v[vi / 7];
            unsigned slot = (unsigned)(vi % 7);
            for (unsigned i = 0; i < 6; i++)
                d.args[i] = (slot == 6 || slot == i) ? v : 0;
            uint32_t ra = stk_bpf_run(a->insns, a->len, &d, NULL);
            uint32_t rb = stk_bpf_run(b, blen, &d, NULL);
            st->runs++;
            if (ra == rb)
                continue;
            /* documented (docs/interop.md, "Importing"): on x86_64 a number with
             * the x32 bit, x32 not let in, is kill-process for stockade and
             * libseccomp's bad-arch kill-thread; numbers from 2^31 up are
             * kill-process for stockade (no ABI has them) and the default
             * for libseccomp; stockade always refuses
             * keyctl(KEYCTL_SESSION_TO_PARENT) with EPERM */
            if ((abi == STK_ABI_X86_64 || abi == STK_ABI_X32) && nr >= STK_X32_SYSCALL_BIT && ra == SECCOMP_RET_KILL_PROCESS &&
                (nr >= 0x80000000u || rb == SECCOMP_RET_KILL_THREAD)) {
                st->documented++;
                continue;
            }
            int kc = stk_syscall_lookup("keyctl");
            if (kc >= 0 && nr == (uint32_t)stk_syscall_table[kc].nr[abi] + stk_abis[abi].nr_offset &&
                (d.args[0] & 0xffffffffu) == 18 && ra == (SECCOMP_RET_ERRNO | 1)) {
                st->documented++;
                continue;
            }
            /* ... and, in a policy with trace (or notify) rules, refuses
             * seccomp(SECCOMP_FILTER_FLAG_NEW_LISTENER) with EBUSY */
            int sk = stk_syscall_lookup("seccomp");
            if (sk >= 0 && nr == (uint32_t)stk_syscall_table[sk].nr[abi] + stk_abis[abi].nr_offset &&
                (d.args[1] & SECCOMP_FILTER_FLAG_NEW_LISTENER) && ra == (SECCOMP_RET_ERRNO | EBUSY)) {
                st->documented++;
                continue;
            }
            if (k < 1024 && !scmp_knows(abi, nr)) {
                st->only_ours++; /* the profile names it; libseccomp 2.5 drops the name */
                break;
            }
            char sl[8];
            snprintf(sl, sizeof sl, slot == 6 ? "all" : "%u", slot);
            T_FAILF("%s nr %u args[%s] = 0x%llx: stockade 0x%08x, libseccomp 0x%08x (%s)", stk_abis[abi].name, nr,
                    sl, (unsigned long long)v, ra, rb, st->policy);
        }
    }
}

/* Import json for abi/caps/kernel and compare with libseccomp on every ABI
 * the import lets in, and on a foreign one. */
static void equiv_check(const char *json, enum stk_abi abi, uint64_t caps, unsigned kmaj, unsigned kmin,
                        struct equiv_stats *st)
{
    struct stk_import_opts o = {.source = "profile.json", .abi = abi, .caps = caps, .kmajor = kmaj, .kminor = kmin};
    struct stk_bpf_prog a = {0};
    equiv_ours(json, &o, &a, st->policy, sizeof st->policy);
    struct sock_filter *b = NULL;
    size_t blen = 0;
    char err[256];
    CHECK_MSG(stk_docker_peer_build(json, caps, goarch_of(abi), kmaj, kmin, &b, &blen, err, sizeof err) == 0,
              "libseccomp: %s", err);
    struct vals vs = {0};
    vals_build(&vs, json);
    for (int x = 0; x < STK_ABI_COUNT; x++) {
        /* an ABI both let in: every number and vector agrees */
        if (strstr(st->policy, stk_abis[x].name) || x == (int)abi)
            equiv_abi(&a, b, blen, (enum stk_abi)x, &vs, st);
    }
    /* a foreign architecture: stockade kills the process, libseccomp's
     * default bad-arch action kills the thread (docs/interop.md) */
    struct seccomp_data d = {.nr = 0, .arch = 0x12345678u};
    CHECK_U64(stk_bpf_run(a.insns, a.len, &d, NULL), SECCOMP_RET_KILL_PROCESS);
    CHECK_U64(stk_bpf_run(b, blen, &d, NULL), SECCOMP_RET_KILL_THREAD);
    st->badarch++;
    free(b);
    stk_bpf_prog_free(&a);
}

#endif
