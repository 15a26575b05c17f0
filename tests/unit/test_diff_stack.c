/* test_diff_stack — `stockade diff` of policies split into stacked seccomp
 * filters (cli/diff_seccomp.c over stacks, issue 16): the comparison is of
 * each side's combined decision, the kernel's rule (common/bpf_stack.c).
 *
 * A split policy against itself, against its whole unsplit program and
 * against a one-filter policy that decides the same: nothing.  One value
 * removed from a large set: exactly that value, named.  Hand-made stacks
 * where only the filter whose answer wins changes: reported.  And random
 * stacks, and a split policy against a changed one, held to evaluating both
 * stacks directly on thousands of sampled inputs. */
#include <stdio.h>
#include <string.h>

#include "bpf_interp.h"
#include "bpf_stack.h"
#include "bundle/bundle.h"
#include "lib/bundle_harness.h"
#include "bundle/bundle_write.h"
#include "diff.h"
#include "pipeline.h"
#include "syscalls.h"
#include "testlib.h"
#include "util.h"

/* text compiled; its diagnostics printed when it fails and !quiet. */
static bool program_q(const char *text, struct stk_bpf_prog *p, bool quiet)
{
    struct stk_diags ds;
    stk_diags_init(&ds);
    struct stk_policy_ir *ir = stk_compile_text("stack.stk", text, strlen(text), NULL, &ds);
    if (!ir && !quiet)
        stk_diags_print(&ds, stdout, STK_DIAG_TEXT, false);
    stk_diags_free(&ds);
    if (!ir)
        return false;
    char err[256];
    int rc = stk_bpf_generate(ir, p, err, sizeof err);
    if (rc)
        printf("generate: %s\n", err);
    stk_policy_ir_free(ir);
    return rc == 0;
}
static bool program(const char *text, struct stk_bpf_prog *p) { return program_q(text, p, false); }

/* policy text -> bundle through the compiler, the writer and the reader */
static struct stk_bundle *bundle(const char *text) { return bh_roundtrip(text, true); }

static uint64_t rng = 0x6a09e667f3bcc909ull;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}
static unsigned rn(unsigned n) { return (unsigned)(rnd() % n); }

/* ---- large policies ---------------------------------------------------------- */

static const char *const big_sc[4] = {"ioctl", "fcntl", "setsockopt", "getsockopt"};
#define BIG_N 1500u
#define BIG_V(i) (4096u + 4u * (i)) /* every fourth value from 4096 */

/* `allow SC if arg1 in (...)` with BIG_N values on each of four syscalls
 * (about 9,000 instructions: split), leaving out value `skip` of big_sc[skip_sc]
 * (skip_sc -1: none).  acts: the action of each syscall's set. */
static char *big_policy(int skip_sc, unsigned skip, const char *const acts[4])
{
    struct stk_buf b = {0};
    stk_buf_puts(&b, "policy big { seccomp { default errno EPERM\n allow read, write, exit_group\n");
    for (int s = 0; s < 4; s++) {
        stk_buf_printf(&b, " %s %s if arg1 in (", acts[s], big_sc[s]);
        bool first = true;
        for (unsigned i = 0; i < BIG_N; i++) {
            if (s == skip_sc && i == skip)
                continue;
            stk_buf_printf(&b, "%s%u", first ? "" : ", ", BIG_V(i));
            first = false;
        }
        stk_buf_puts(&b, ")\n");
    }
    stk_buf_puts(&b, "} }\n");
    return b.data;
}

static const char *const all_allow[4] = {"allow", "allow", "allow", "allow"};

/* The same decisions in a few instructions: a range and a mask per syscall. */
static char *small_policy(void)
{
    struct stk_buf b = {0};
    stk_buf_puts(&b, "policy big { seccomp { default errno EPERM\n allow read, write, exit_group\n");
    for (int s = 0; s < 4; s++)
        stk_buf_printf(&b, " allow %s if arg1 >= %u && arg1 <= %u && (arg1 & 3) == 0\n", big_sc[s], BIG_V(0),
                       BIG_V(BIG_N - 1));
    stk_buf_puts(&b, "} }\n");
    return b.data;
}

static struct stk_bpf_filter whole(const struct stk_bpf_prog *p)
{
    return (struct stk_bpf_filter){.insns = p->insns, .len = p->len};
}

static size_t regions(const struct stk_bpf_filter *a, size_t na, const struct stk_bpf_filter *b, size_t nb,
                      bool *approx)
{
    struct stk_diff_seccomp s;
    char err[256] = "";
    int rc = stk_diff_seccomp_run_stacks(a, na, b, nb, &s, err, sizeof err);
    CHECK_MSG(rc == 0, "diff: %s", err);
    size_t n = rc == 0 ? s.nreg : (size_t)-1;
    if (approx)
        *approx = s.approximate;
    stk_diff_seccomp_free(&s);
    return n;
}

TEST(diff_stack_split_against_itself_and_unsplit)
{
    char *pa = big_policy(-1, 0, all_allow), *ps = small_policy();
    struct stk_bpf_prog a, sm;
    CHECK(program(pa, &a));
    CHECK(program(ps, &sm));
    CHECK_MSG(a.nfilters >= 2, "the large policy made %zu filter(s): not split", a.nfilters);
    CHECK_INT(sm.nfilters, 1);
    bool approx = true;
    CHECK_INT(regions(a.filters, a.nfilters, a.filters, a.nfilters, &approx), 0);
    CHECK(!approx);
    /* the split against its own whole program (longer than one filter) */
    struct stk_bpf_filter w = whole(&a);
    CHECK(w.len > 4096);
    CHECK_INT(regions(a.filters, a.nfilters, &w, 1, &approx), 0);
    CHECK_INT(regions(&w, 1, a.filters, a.nfilters, NULL), 0);
    /* the split against a one-filter policy that decides the same */
    CHECK_INT(regions(a.filters, a.nfilters, sm.filters, sm.nfilters, &approx), 0);
    CHECK(!approx);
    stk_bpf_prog_free(&a);
    stk_bpf_prog_free(&sm);
    free(pa);
    free(ps);
}

/* The report of bundles compiled from two policy texts. */
static char *diff_text(const char *a, const char *b, bool *approx)
{
    struct stk_bundle *x = bundle(a), *y = bundle(b);
    CHECK(x && y);
    if (!x || !y)
        return NULL;
    struct stk_diff d = {0};
    char err[256] = "";
    struct stk_buf out = {0};
    int rc = stk_diff_compare(x, y, &d, err, sizeof err);
    CHECK_MSG(rc == 0, "compare: %s", err);
    for (size_t i = 0; rc == 0 && i < d.n; i++)
        stk_buf_printf(&out, "%s %s: %s: %s -> %s\n", stk_diff_dir_name(d.v[i].dir), d.v[i].section, d.v[i].what,
                       d.v[i].before, d.v[i].after);
    stk_buf_puts(&out, "");
    *approx = d.approximate;
    stk_diff_free(&d);
    stk_bundle_free(x);
    stk_bundle_free(y);
    return out.data;
}

TEST(diff_stack_one_value_removed)
{
    char *pa = big_policy(-1, 0, all_allow), *pb = big_policy(1, 700, all_allow), *ps = small_policy();
    bool approx = true;
    char *t = diff_text(pa, pb, &approx);
    char want[256];
    snprintf(want, sizeof want, "tightened seccomp: %s fcntl(cmd=0x%x): allow -> errno EPERM\n",
             stk_abis[stk_native_abi()].name, BIG_V(700));
    CHECK_STR(t, want);
    CHECK(!approx);
    free(t);
    /* and against the one-filter policy: the same single change, loosened */
    t = diff_text(pb, ps, &approx);
    /* (named by the one-filter side's cells: the mask and the interval
     * between the neighbours of the value) */
    snprintf(want, sizeof want,
             "loosened seccomp: %s fcntl(cmd&0x3 in {0} where cmd in 0x%x..0x%x): errno EPERM -> allow\n",
             stk_abis[stk_native_abi()].name, BIG_V(699) + 1, BIG_V(701) - 1);
    CHECK_STR(t, want);
    free(t);
    t = diff_text(pa, ps, &approx);
    CHECK_STR(t, "");
    CHECK(!approx);
    free(t);
    free(pa);
    free(pb);
    free(ps);
}

/* ---- hand-made stacks: which filter's answer wins ----------------------------- */

/* A filter: unknown arch -> kill-process, getpid -> ret, else allow. */
static struct sock_filter hand[16][7];
static int nhand;
static struct stk_bpf_filter on_getpid(uint32_t ret)
{
    struct sock_filter *f = hand[nhand++ % 16];
    uint32_t nr = (uint32_t)stk_syscall_nr(stk_syscall_lookup("getpid"), stk_native_abi());
    struct sock_filter p[7] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 4),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, stk_abis[stk_native_abi()].audit_arch, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, nr, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, ret),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    memcpy(f, p, sizeof p);
    return (struct stk_bpf_filter){.insns = f, .len = 7};
}

static char *stack_items(const struct stk_bpf_filter *a, size_t na, const struct stk_bpf_filter *b, size_t nb)
{
    struct stk_diff_seccomp s;
    char err[256] = "";
    CHECK_MSG(stk_diff_seccomp_run_stacks(a, na, b, nb, &s, err, sizeof err) == 0, "diff: %s", err);
    struct stk_diff d = {0};
    stk_diff_seccomp_items(&s, &d);
    struct stk_buf out = {0};
    for (size_t i = 0; i < d.n; i++)
        stk_buf_printf(&out, "%s %s: %s -> %s\n", stk_diff_dir_name(d.v[i].dir), d.v[i].what, d.v[i].before,
                       d.v[i].after);
    stk_buf_puts(&out, "");
    stk_diff_free(&d);
    stk_diff_seccomp_free(&s);
    return out.data;
}

#define ERRNO(e) (SECCOMP_RET_ERRNO | (e))

TEST(diff_stack_winning_filter_changes)
{
    char want[256];
    const char *abi = stk_abis[stk_native_abi()].name;
    /* an errno in the filter installed first against an allow in the last:
     * the errno wins; dropping it is a loosening */
    struct stk_bpf_filter old1[2] = {on_getpid(ERRNO(1)), on_getpid(SECCOMP_RET_ALLOW)};
    struct stk_bpf_filter new1[2] = {on_getpid(SECCOMP_RET_ALLOW), on_getpid(SECCOMP_RET_ALLOW)};
    char *t = stack_items(old1, 2, new1, 2);
    snprintf(want, sizeof want, "loosened %s getpid: errno EPERM -> allow\n", abi);
    CHECK_STR(t, want);
    free(t);
    /* the same errno moved from the first filter to the last: nothing */
    struct stk_bpf_filter new2[2] = {on_getpid(SECCOMP_RET_ALLOW), on_getpid(ERRNO(1))};
    t = stack_items(old1, 2, new2, 2);
    CHECK_STR(t, "");
    free(t);
    /* equally restrictive answers: the newest filter's data counts, so
     * swapping the filters changes the errno */
    struct stk_bpf_filter old3[2] = {on_getpid(ERRNO(1)), on_getpid(ERRNO(13))};
    struct stk_bpf_filter new3[2] = {on_getpid(ERRNO(13)), on_getpid(ERRNO(1))};
    t = stack_items(old3, 2, new3, 2);
    snprintf(want, sizeof want, "changed %s getpid: errno EACCES -> errno EPERM\n", abi);
    CHECK_STR(t, want);
    free(t);
    /* a log in the last filter, then a trap added in the first: the trap
     * wins over the newer log (tightened) */
    struct stk_bpf_filter old4[2] = {on_getpid(SECCOMP_RET_ALLOW), on_getpid(SECCOMP_RET_LOG)};
    struct stk_bpf_filter new4[2] = {on_getpid(SECCOMP_RET_TRAP), on_getpid(SECCOMP_RET_LOG)};
    t = stack_items(old4, 2, new4, 2);
    snprintf(want, sizeof want, "tightened %s getpid: log -> trap\n", abi);
    CHECK_STR(t, want);
    free(t);
    /* a stack against one filter deciding the same, and against none */
    struct stk_bpf_filter one = on_getpid(ERRNO(1));
    t = stack_items(old1, 2, &one, 1);
    CHECK_STR(t, "");
    free(t);
    t = stack_items(new1, 2, NULL, 0);
    /* no filter at all allows every arch: only foreign arches differ */
    snprintf(want, sizeof want, " %s ", abi);
    CHECK_MSG(t && strstr(t, want) == NULL && strstr(t, "kill-process -> allow") != NULL, "%s", t);
    free(t);
}

/* A program the comparison cannot follow is refused naming its filter. */
TEST(diff_stack_refusal_names_the_filter)
{
    struct sock_filter len_ret[] = {BPF_STMT(BPF_LD | BPF_W | BPF_LEN, 0), BPF_STMT(BPF_RET | BPF_A, 0)};
    struct stk_bpf_filter bad[3] = {on_getpid(ERRNO(1)), {.insns = len_ret, .len = 2}, on_getpid(SECCOMP_RET_LOG)};
    struct stk_diff_seccomp s;
    char err[256] = "";
    CHECK(stk_diff_seccomp_run_stacks(bad, 1, bad, 3, &s, err, sizeof err) == -1);
    CHECK_CONTAINS(err, "new policy, stacked filter 2 of 3: instruction 0: opcode");
    stk_diff_seccomp_free(&s);
}

/* ---- property: regions against evaluating both stacks ------------------------- */

static const char *const racts[] = {"allow", "errno EPERM", "errno EACCES", "kill-process", "kill-thread",
                                    "log", "trap"};
#define NRACT (sizeof racts / sizeof racts[0])
static const char *const rsc[] = {"socket", "kill", "read", "personality", "getpid"};
#define NRSC (sizeof rsc / sizeof rsc[0])
static const unsigned rval[] = {0, 1, 2, 3, 16, 0x7fffffff, 0x80000000u, 0xffffffffu};
#define NRVAL (sizeof rval / sizeof rval[0])

static char *rand_policy(void)
{
    struct stk_buf b = {0};
    stk_buf_printf(&b, "policy r { seccomp { default %s\n", racts[rn(NRACT)]);
    if (rn(3) == 0)
        stk_buf_puts(&b, " arch x86_64, i386\n");
    for (unsigned i = 0, n = 1 + rn(4); i < n; i++) {
        const char *sc = rsc[rn(NRSC)];
        stk_buf_printf(&b, " %s %s", racts[rn(NRACT)], sc);
        if (strcmp(sc, "getpid") != 0 && rn(3)) {
            static const char *const ops[] = {"==", "!=", "<", ">=", "&"};
            unsigned op = rn(5);
            if (op == 4)
                stk_buf_printf(&b, " if (arg0 & %u) != 0", rval[rn(NRVAL)] & 0x3ffu);
            else
                stk_buf_printf(&b, " if arg0 %s %u", ops[op], rval[rn(NRVAL)]);
        }
        stk_buf_puts(&b, "\n");
    }
    stk_buf_puts(&b, "} }\n");
    return b.data;
}

struct rstack {
    struct stk_bpf_prog p[3];
    struct stk_bpf_filter f[3];
    size_t n;
};

static void rand_stack(struct rstack *s)
{
    s->n = 0;
    for (unsigned i = 0, want = rn(4); i < want; i++) {
        char *t = rand_policy();
        if (program_q(t, &s->p[s->n], true)) {
            s->f[s->n] = whole(&s->p[s->n]);
            s->n++;
        }
        free(t);
    }
}

static void rstack_free(struct rstack *s)
{
    for (size_t i = 0; i < s->n; i++)
        stk_bpf_prog_free(&s->p[i]);
}

static void sample(struct seccomp_data *d, const char *const *names, size_t nnames, const uint64_t *vals,
                   size_t nvals)
{
    static const uint32_t arches[] = {0xc000003e /* x86_64 */, 0x40000003 /* i386 */, 0x12345678};
    memset(d, 0, sizeof *d);
    d->arch = arches[rn(3)];
    enum stk_abi abi = d->arch == 0x40000003 ? STK_ABI_I386 : STK_ABI_X86_64;
    int64_t nr = stk_syscall_nr(stk_syscall_lookup(names[rn((unsigned)nnames)]), abi);
    d->nr = rn(8) == 0 ? (int)rnd() : (int)(nr < 0 ? 1 : nr);
    for (int i = 0; i < 6; i++) {
        uint64_t v = vals[rn((unsigned)nvals)];
        switch (rn(5)) {
        case 0: v++; break;
        case 1: v--; break;
        case 2: v = rnd(); break;
        case 3: v |= 0xffffffff00000000ull; break;
        default: break;
        }
        d->args[i] = v;
    }
}

/* Every sampled input where the stacks differ lies in a region with those
 * decisions; none where they agree.  Returns the inputs that differed. */
static unsigned check_stacks(const struct stk_bpf_filter *a, size_t na, const struct stk_bpf_filter *b, size_t nb,
                             unsigned samples, const char *const *names, size_t nnames, const uint64_t *vals,
                             size_t nvals)
{
    struct stk_diff_seccomp s;
    char err[256] = "";
    if (stk_diff_seccomp_run_stacks(a, na, b, nb, &s, err, sizeof err) != 0) {
        CHECK_MSG(false, "diff: %s", err);
        stk_diff_seccomp_free(&s);
        return 0;
    }
    CHECK(!s.approximate);
    unsigned differed = 0, bad = 0;
    for (unsigned t = 0; t < samples && bad < 3; t++) {
        struct seccomp_data d;
        sample(&d, names, nnames, vals, nvals);
        uint32_t ra = stk_bpf_stack_run(a, na, &d, NULL), rb = stk_bpf_stack_run(b, nb, &d, NULL);
        size_t in = 0;
        for (size_t r = 0; r < s.nreg; r++) {
            if (!stk_diff_region_contains(&s.reg[r], &d))
                continue;
            in++;
            if (s.reg[r].old_ret != ra || s.reg[r].new_ret != rb) {
                CHECK_MSG(false, "region 0x%x -> 0x%x holds nr %d arch 0x%x arg0 0x%llx decided 0x%x -> 0x%x",
                          s.reg[r].old_ret, s.reg[r].new_ret, d.nr, d.arch, (unsigned long long)d.args[0], ra, rb);
                bad++;
            }
        }
        if ((ra != rb) != (in > 0)) {
            CHECK_MSG(false, "nr %d arch 0x%x arg0 0x%llx arg1 0x%llx: 0x%x -> 0x%x, in %zu region(s)", d.nr, d.arch,
                      (unsigned long long)d.args[0], (unsigned long long)d.args[1], ra, rb, in);
            bad++;
        }
        differed += ra != rb;
    }
    stk_diff_seccomp_free(&s);
    return differed;
}

TEST(diff_stack_property_random_stacks)
{
    static const uint64_t vals[] = {0, 1, 2, 3, 16, 0x7fffffff, 0x80000000u, 0xffffffffu, 0x3ff, 0x100000000ull};
    unsigned pairs = 0, differed = 0;
    for (int i = 0; i < 60; i++) {
        struct rstack a, b;
        rand_stack(&a);
        rand_stack(&b);
        differed += check_stacks(a.f, a.n, b.f, b.n, 100, rsc, NRSC, vals, sizeof vals / sizeof vals[0]);
        pairs++;
        rstack_free(&a);
        rstack_free(&b);
    }
    printf("  %u stack pairs, 6000 samples, %u decided differently\n", pairs, differed);
    CHECK(differed > 500); /* the samples reach the differences */
}

TEST(diff_stack_property_split_policies)
{
    static const char *const acts_b[4] = {"allow", "errno EACCES", "allow", "log"};
    uint64_t vals[64];
    for (size_t i = 0; i < 64; i++)
        vals[i] = BIG_V(i < 32 ? 690 + i : rn(BIG_N));
    char *pa = big_policy(-1, 0, all_allow), *pb = big_policy(0, 695, acts_b);
    struct stk_bpf_prog a, b;
    CHECK(program(pa, &a));
    CHECK(program(pb, &b));
    CHECK(a.nfilters >= 2 && b.nfilters >= 2);
    unsigned differed = check_stacks(a.filters, a.nfilters, b.filters, b.nfilters, 4000, big_sc, 4, vals, 64);
    printf("  4000 samples, %u decided differently\n", differed);
    CHECK(differed > 100);
    /* and the split against the whole program of the other */
    struct stk_bpf_filter wb = whole(&b);
    check_stacks(a.filters, a.nfilters, &wb, 1, 2000, big_sc, 4, vals, 64);
    stk_bpf_prog_free(&a);
    stk_bpf_prog_free(&b);
    free(pa);
    free(pb);
}

int main(void)
{
    RUN(diff_stack_split_against_itself_and_unsplit);
    RUN(diff_stack_one_value_removed);
    RUN(diff_stack_winning_filter_changes);
    RUN(diff_stack_refusal_names_the_filter);
    RUN(diff_stack_property_random_stacks);
    RUN(diff_stack_property_split_policies);
    return test_summary();
}
