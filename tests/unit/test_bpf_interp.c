/* test_bpf_interp.c — the classic seccomp BPF checker, interpreter and cache
 * predictor, checked by hand-assembled programs and against the running
 * kernel (programs loaded with seccomp() in forked children). */
#include "bpf_interp.h"
#include "testlib.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/audit.h>

#define LEN(a) (sizeof(a) / sizeof((a)[0]))

#define LD_ABS(k) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (k))
#define LD_IMM(k) BPF_STMT(BPF_LD | BPF_IMM, (k))
#define LDX_IMM(k) BPF_STMT(BPF_LDX | BPF_IMM, (k))
#define RET_K(k) BPF_STMT(BPF_RET | BPF_K, (k))
#define RET_A BPF_STMT(BPF_RET | BPF_A, 0)
#define ERRNO(e) (SECCOMP_RET_ERRNO | (uint32_t)(e))

#define OFF_NR 0u
#define OFF_ARCH 4u
#define OFF_IP_LO 8u
#define OFF_IP_HI 12u
#define OFF_ARG_LO(i) (16u + 8u * (i))
#define OFF_ARG_HI(i) (20u + 8u * (i))

static struct seccomp_data mkdata(uint32_t nr, uint32_t arch)
{
    struct seccomp_data d;
    memset(&d, 0, sizeof d);
    d.nr = (int)nr;
    d.arch = arch;
    return d;
}

static uint32_t run(const struct sock_filter *p, size_t n, const struct seccomp_data *d,
                    unsigned *count)
{
    char err[256];
    if (stk_bpf_validate(p, n, err, sizeof err) != 0) {
        fprintf(stderr, "unexpectedly invalid: %s\n", err);
        return 0xdeadbeef;
    }
    return stk_bpf_run(p, n, d, count);
}

/* ---- interpreter -------------------------------------------------------------- */

TEST(run_loads_fields)
{
    struct seccomp_data d = mkdata(59, AUDIT_ARCH_X86_64);
    d.instruction_pointer = 0x00007fff12345678ull;
    for (int i = 0; i < 6; i++)
        d.args[i] = ((uint64_t)(0xa0 + i) << 32) | (uint32_t)(0x10 + i);
    struct {
        uint32_t off, want;
    } cases[] = {
        { OFF_NR, 59 },
        { OFF_ARCH, AUDIT_ARCH_X86_64 },
        { OFF_IP_LO, 0x12345678 },
        { OFF_IP_HI, 0x00007fff },
        { OFF_ARG_LO(0), 0x10 },
        { OFF_ARG_HI(0), 0xa0 },
        { OFF_ARG_LO(3), 0x13 },
        { OFF_ARG_HI(3), 0xa3 },
        { OFF_ARG_LO(5), 0x15 },
        { OFF_ARG_HI(5), 0xa5 },
    };
    for (size_t i = 0; i < LEN(cases); i++) {
        struct sock_filter p[] = { LD_ABS(cases[i].off), RET_A };
        unsigned n = 0;
        CHECK_U64(run(p, LEN(p), &d, &n), cases[i].want);
        CHECK_INT(n, 2);
    }
    struct sock_filter len[] = { BPF_STMT(BPF_LD | BPF_W | BPF_LEN, 0), RET_A };
    CHECK_U64(run(len, LEN(len), &d, NULL), 64);
    struct sock_filter xlen[] = { BPF_STMT(BPF_LDX | BPF_W | BPF_LEN, 0),
                                  BPF_STMT(BPF_MISC | BPF_TXA, 0), RET_A };
    CHECK_U64(run(xlen, LEN(xlen), &d, NULL), 64);
    /* A and X start at zero. */
    struct sock_filter zero[] = { RET_A };
    CHECK_U64(run(zero, 1, &d, NULL), 0);
    struct sock_filter zx[] = { LD_IMM(7), BPF_STMT(BPF_MISC | BPF_TXA, 0), RET_A };
    CHECK_U64(run(zx, LEN(zx), &d, NULL), 0);
    struct sock_filter retk[] = { RET_K(0x12345678) };
    CHECK_U64(run(retk, 1, &d, NULL), 0x12345678);
}

struct alu_case {
    uint16_t op;
    uint32_t a, operand, want;
};

static const struct alu_case alu_cases[] = {
    { BPF_ADD, 1, 2, 3 },
    { BPF_ADD, 0xffffffff, 2, 1 },
    { BPF_SUB, 5, 7, 0xfffffffe },
    { BPF_SUB, 9, 4, 5 },
    { BPF_MUL, 0x10000, 0x10000, 0 },
    { BPF_MUL, 0xffffffff, 0xffffffff, 1 },
    { BPF_MUL, 1234, 1000, 1234000 },
    { BPF_DIV, 100, 7, 14 },
    { BPF_DIV, 0xffffffff, 2, 0x7fffffff }, /* unsigned */
    { BPF_DIV, 3, 0x80000000, 0 },
    { BPF_AND, 0xf0f0f0f0, 0xff00ff00, 0xf000f000 },
    { BPF_OR, 0xf0f0f0f0, 0x0000000f, 0xf0f0f0ff },
    { BPF_XOR, 0xffff0000, 0x0ff00ff0, 0xf00f0ff0 },
    { BPF_LSH, 0x80000001, 1, 2 },
    { BPF_LSH, 1, 31, 0x80000000 },
    { BPF_LSH, 0xabcd, 0, 0xabcd },
    { BPF_RSH, 0x80000000, 31, 1 }, /* logical, not arithmetic */
    { BPF_RSH, 0xf0000000, 4, 0x0f000000 },
};

TEST(run_alu_k)
{
    struct seccomp_data d = mkdata(0, 0);
    for (size_t i = 0; i < LEN(alu_cases); i++) {
        const struct alu_case *c = &alu_cases[i];
        struct sock_filter p[] = { LD_IMM(c->a), BPF_STMT(BPF_ALU | c->op | BPF_K, c->operand),
                                   RET_A };
        unsigned n = 0;
        uint32_t got = run(p, LEN(p), &d, &n);
        CHECK_MSG(got == c->want, "case %zu: op 0x%x a=0x%x k=0x%x: got 0x%x, want 0x%x", i,
                  c->op, c->a, c->operand, got, c->want);
        CHECK_INT(n, 3);
    }
    struct sock_filter neg[] = { LD_IMM(5), BPF_STMT(BPF_ALU | BPF_NEG, 0), RET_A };
    CHECK_U64(run(neg, LEN(neg), &d, NULL), 0xfffffffb);
    struct sock_filter neg0[] = { BPF_STMT(BPF_ALU | BPF_NEG, 0), RET_A };
    CHECK_U64(run(neg0, LEN(neg0), &d, NULL), 0);
    struct sock_filter negmin[] = { LD_IMM(0x80000000), BPF_STMT(BPF_ALU | BPF_NEG, 0), RET_A };
    CHECK_U64(run(negmin, LEN(negmin), &d, NULL), 0x80000000);
}

TEST(run_alu_x)
{
    struct seccomp_data d = mkdata(0, 0);
    for (size_t i = 0; i < LEN(alu_cases); i++) {
        const struct alu_case *c = &alu_cases[i];
        struct sock_filter p[] = { LD_IMM(c->a), LDX_IMM(c->operand),
                                   BPF_STMT(BPF_ALU | c->op | BPF_X, 0), RET_A };
        uint32_t got = run(p, LEN(p), &d, NULL);
        CHECK_MSG(got == c->want, "case %zu: op 0x%x a=0x%x x=0x%x: got 0x%x, want 0x%x", i,
                  c->op, c->a, c->operand, got, c->want);
    }
    /* Shifts by X use the low five bits of X. */
    struct sock_filter lsh[] = { LD_IMM(3), LDX_IMM(33), BPF_STMT(BPF_ALU | BPF_LSH | BPF_X, 0),
                                 RET_A };
    CHECK_U64(run(lsh, LEN(lsh), &d, NULL), 6);
    struct sock_filter rsh[] = { LD_IMM(0x80), LDX_IMM(0xffffffe4),
                                 BPF_STMT(BPF_ALU | BPF_RSH | BPF_X, 0), RET_A };
    CHECK_U64(run(rsh, LEN(rsh), &d, NULL), 0x8);
    struct sock_filter sh32[] = { LD_IMM(0x1234), LDX_IMM(32),
                                  BPF_STMT(BPF_ALU | BPF_LSH | BPF_X, 0), RET_A };
    CHECK_U64(run(sh32, LEN(sh32), &d, NULL), 0x1234);
    /* Division by X == 0 ends the program with 0, counting the div. */
    struct sock_filter div0[] = { LD_IMM(10), LDX_IMM(0), BPF_STMT(BPF_ALU | BPF_DIV | BPF_X, 0),
                                  RET_K(SECCOMP_RET_ALLOW) };
    unsigned n = 0;
    CHECK_U64(run(div0, LEN(div0), &d, &n), 0);
    CHECK_INT(n, 3);
    struct sock_filter div1[] = { LD_IMM(10), LDX_IMM(3), BPF_STMT(BPF_ALU | BPF_DIV | BPF_X, 0),
                                  RET_A };
    CHECK_U64(run(div1, LEN(div1), &d, &n), 3);
    CHECK_INT(n, 4);
}

struct jmp_case {
    uint16_t op;
    uint32_t a, operand;
    bool taken;
};

static const struct jmp_case jmp_cases[] = {
    { BPF_JEQ, 5, 5, true },
    { BPF_JEQ, 5, 6, false },
    { BPF_JGE, 5, 5, true },
    { BPF_JGE, 4, 5, false },
    { BPF_JGE, 0x80000000, 1, true }, /* unsigned */
    { BPF_JGT, 5, 5, false },
    { BPF_JGT, 6, 5, true },
    { BPF_JGT, 0xffffffff, 0x7fffffff, true },
    { BPF_JGT, 1, 0x80000000, false },
    { BPF_JSET, 6, 4, true },
    { BPF_JSET, 6, 1, false },
    { BPF_JSET, 0x80000000, 0x80000000, true },
};

TEST(run_jumps)
{
    struct seccomp_data d = mkdata(0, 0);
    for (size_t i = 0; i < LEN(jmp_cases); i++) {
        const struct jmp_case *c = &jmp_cases[i];
        for (int src = 0; src < 2; src++) {
            uint16_t s = src ? BPF_X : BPF_K;
            /* 0 ld a; 1 ldx; 2 jcc jt 5 jf 3; 3 ld 111; 4 ret a; 5 ret 222 */
            struct sock_filter p[] = {
                LD_IMM(c->a),
                LDX_IMM(c->operand),
                BPF_JUMP(BPF_JMP | c->op | s, c->operand, 2, 0),
                LD_IMM(111),
                RET_A,
                RET_K(222),
            };
            unsigned n = 0;
            uint32_t got = run(p, LEN(p), &d, &n);
            CHECK_MSG(got == (c->taken ? 222u : 111u), "case %zu src %d: got %u", i, src, got);
            CHECK_INT(n, c->taken ? 4 : 5);
        }
    }
    /* ja skips k instructions; jt == jf; zero offsets. */
    struct sock_filter ja[] = {
        BPF_JUMP(BPF_JMP | BPF_JA, 2, 0, 0), RET_K(1), RET_K(2), BPF_JUMP(BPF_JMP | BPF_JA, 0, 0, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 1), RET_K(3), RET_K(4),
    };
    unsigned n = 0;
    CHECK_U64(run(ja, LEN(ja), &d, &n), 4);
    CHECK_INT(n, 4);
}

TEST(run_scratch_memory)
{
    struct seccomp_data d = mkdata(7, 0);
    struct sock_filter p[] = {
        LD_IMM(0x11),
        BPF_STMT(BPF_ST, 0),
        LDX_IMM(0x22),
        BPF_STMT(BPF_STX, 15),
        LD_ABS(OFF_NR),
        BPF_STMT(BPF_ST, 3),
        BPF_STMT(BPF_LD | BPF_MEM, 15), /* A = 0x22 */
        BPF_STMT(BPF_LDX | BPF_MEM, 0), /* X = 0x11 */
        BPF_STMT(BPF_ALU | BPF_ADD | BPF_X, 0), /* A = 0x33 */
        BPF_STMT(BPF_MISC | BPF_TAX, 0), /* X = 0x33 */
        BPF_STMT(BPF_LD | BPF_MEM, 3), /* A = 7 */
        BPF_STMT(BPF_ALU | BPF_MUL | BPF_X, 0), /* A = 7 * 0x33 */
        RET_A,
    };
    unsigned n = 0;
    CHECK_U64(run(p, LEN(p), &d, &n), 7u * 0x33u);
    CHECK_INT(n, 13);
}

TEST(run_typical_filter)
{
    /* The classic shape: check arch, dispatch on nr, look at one argument. */
    struct sock_filter p[] = {
        LD_ABS(OFF_ARCH),                                                  /* 0 */
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),      /* 1 */
        RET_K(SECCOMP_RET_KILL_PROCESS),                                   /* 2 */
        LD_ABS(OFF_NR),                                                    /* 3 */
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 59, 0, 1),                     /* 4 */
        RET_K(ERRNO(EPERM)),                                               /* 5 */
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 16, 0, 3),                     /* 6 ioctl */
        LD_ABS(OFF_ARG_LO(1)),                                             /* 7 */
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x5412, 0, 1),                 /* 8 TIOCSTI */
        RET_K(ERRNO(EPERM)),                                               /* 9 */
        RET_K(SECCOMP_RET_ALLOW),                                          /* 10 */
    };
    unsigned n = 0;
    struct seccomp_data d = mkdata(59, AUDIT_ARCH_X86_64);
    CHECK_U64(run(p, LEN(p), &d, &n), ERRNO(EPERM));
    CHECK_INT(n, 5);
    d = mkdata(59, AUDIT_ARCH_I386);
    CHECK_U64(run(p, LEN(p), &d, &n), SECCOMP_RET_KILL_PROCESS);
    CHECK_INT(n, 3);
    d = mkdata(16, AUDIT_ARCH_X86_64);
    d.args[1] = 0x5412;
    CHECK_U64(run(p, LEN(p), &d, &n), ERRNO(EPERM));
    CHECK_INT(n, 8);
    d.args[1] = 0x100005412ull; /* only the low word is compared */
    CHECK_U64(run(p, LEN(p), &d, &n), ERRNO(EPERM));
    d.args[1] = 0x5413;
    CHECK_U64(run(p, LEN(p), &d, &n), SECCOMP_RET_ALLOW);
    CHECK_INT(n, 8);
    d = mkdata(1, AUDIT_ARCH_X86_64);
    CHECK_U64(run(p, LEN(p), &d, &n), SECCOMP_RET_ALLOW);
    CHECK_INT(n, 6);
}

TEST(run_invalid_program_does_not_crash)
{
    struct seccomp_data d = mkdata(0, 0);
    unsigned n = 99;
    struct sock_filter bad_ld[] = { LD_ABS(64), RET_A };
    CHECK_U64(stk_bpf_run(bad_ld, LEN(bad_ld), &d, &n), 0);
    CHECK_INT(n, 1);
    struct sock_filter off_end[] = { LD_IMM(1) };
    CHECK_U64(stk_bpf_run(off_end, 1, &d, &n), 0);
    struct sock_filter far[] = { BPF_JUMP(BPF_JMP | BPF_JA, 0xffffffff, 0, 0), RET_K(1) };
    CHECK_U64(stk_bpf_run(far, LEN(far), &d, &n), 0);
    struct sock_filter mem[] = { BPF_STMT(BPF_ST, 99), RET_K(1) };
    CHECK_U64(stk_bpf_run(mem, LEN(mem), &d, &n), 0);
    struct sock_filter unk[] = { BPF_STMT(0xffff, 0), RET_K(1) };
    CHECK_U64(stk_bpf_run(unk, LEN(unk), &d, &n), 0);
    CHECK_U64(stk_bpf_run(NULL, 0, &d, &n), 0);
    CHECK_INT(n, 0);
}

static uint64_t rnd(void);
static uint32_t rnd_below(uint32_t n);
static void seed_rng(void);

TEST(run_random_garbage)
{
    /* Unvalidated programs of any content must end without crashing: the
     * interpreter, the cache walk and the validator alike. */
    seed_rng();
    struct sock_filter p[24];
    struct seccomp_data d = mkdata(1, AUDIT_ARCH_X86_64);
    for (unsigned it = 0; it < 20000; it++) {
        size_t len = 1 + rnd_below(LEN(p));
        for (size_t i = 0; i < len; i++) {
            uint64_t r = rnd();
            uint16_t code = (uint16_t)(rnd_below(2) ? (r & 0xff) : (r & 0xffff));
            p[i] = (struct sock_filter){ code, (uint8_t)(r >> 16), (uint8_t)(r >> 24),
                                         rnd_below(2) ? (uint32_t)(r >> 32) : rnd_below(70) };
            if (rnd_below(3) == 0) {
                p[i].jt = (uint8_t)rnd_below(4);
                p[i].jf = (uint8_t)rnd_below(4);
            }
        }
        unsigned n = 0;
        uint32_t ret = stk_bpf_run(p, len, rnd_below(8) ? &d : NULL, &n);
        CHECK(n >= 1 && n <= len);
        (void)ret;
        (void)stk_bpf_cacheable(p, len, AUDIT_ARCH_X86_64, (uint32_t)rnd_below(500));
        char err[128];
        if (stk_bpf_validate(p, len, err, sizeof err) != 0)
            CHECK(strstr(err, "instruction ") != NULL);
    }
}

/* ---- validator ---------------------------------------------------------------------- */

struct vcase {
    const char *name;
    const struct sock_filter *prog;
    size_t len;
    bool valid;
    const char *msg; /* substring of the error, for invalid programs */
};

#define VC(name, valid, msg, ...)                                                                  \
    { name, (const struct sock_filter[]){ __VA_ARGS__ },                                           \
      sizeof((const struct sock_filter[]){ __VA_ARGS__ }) / sizeof(struct sock_filter), valid, msg }

static const struct vcase vcases[] = {
    VC("ret allow", true, NULL, RET_K(SECCOMP_RET_ALLOW)),
    VC("ret a", true, NULL, RET_A),
    VC("every seccomp opcode", true, NULL,
       LD_ABS(OFF_NR), LD_ABS(60), BPF_STMT(BPF_LD | BPF_W | BPF_LEN, 0),
       BPF_STMT(BPF_LDX | BPF_W | BPF_LEN, 0), LD_IMM(1), LDX_IMM(1),
       BPF_STMT(BPF_ALU | BPF_ADD | BPF_K, 1), BPF_STMT(BPF_ALU | BPF_ADD | BPF_X, 0),
       BPF_STMT(BPF_ALU | BPF_SUB | BPF_K, 1), BPF_STMT(BPF_ALU | BPF_SUB | BPF_X, 0),
       BPF_STMT(BPF_ALU | BPF_MUL | BPF_K, 3), BPF_STMT(BPF_ALU | BPF_MUL | BPF_X, 0),
       BPF_STMT(BPF_ALU | BPF_DIV | BPF_K, 3), BPF_STMT(BPF_ALU | BPF_DIV | BPF_X, 0),
       BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 3), BPF_STMT(BPF_ALU | BPF_AND | BPF_X, 0),
       BPF_STMT(BPF_ALU | BPF_OR | BPF_K, 3), BPF_STMT(BPF_ALU | BPF_OR | BPF_X, 0),
       BPF_STMT(BPF_ALU | BPF_XOR | BPF_K, 3), BPF_STMT(BPF_ALU | BPF_XOR | BPF_X, 0),
       BPF_STMT(BPF_ALU | BPF_LSH | BPF_K, 31), BPF_STMT(BPF_ALU | BPF_LSH | BPF_X, 0),
       BPF_STMT(BPF_ALU | BPF_RSH | BPF_K, 31), BPF_STMT(BPF_ALU | BPF_RSH | BPF_X, 0),
       BPF_STMT(BPF_ALU | BPF_NEG, 0), BPF_STMT(BPF_MISC | BPF_TAX, 0),
       BPF_STMT(BPF_MISC | BPF_TXA, 0), BPF_STMT(BPF_ST, 0), BPF_STMT(BPF_STX, 15),
       BPF_STMT(BPF_LD | BPF_MEM, 0), BPF_STMT(BPF_LDX | BPF_MEM, 15),
       BPF_JUMP(BPF_JMP | BPF_JA, 0, 0, 0), BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 0),
       BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_X, 0, 0, 0), BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 1, 0, 0),
       BPF_JUMP(BPF_JMP | BPF_JGE | BPF_X, 0, 0, 0), BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, 1, 0, 0),
       BPF_JUMP(BPF_JMP | BPF_JGT | BPF_X, 0, 0, 0), BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 1, 0, 0),
       BPF_JUMP(BPF_JMP | BPF_JSET | BPF_X, 0, 0, 0), RET_K(SECCOMP_RET_ALLOW), RET_A),
    VC("jumps to the last instruction", true, NULL, BPF_JUMP(BPF_JMP | BPF_JA, 1, 0, 0),
       BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 0), RET_A),
    VC("store on both branches then load", true, NULL, LD_ABS(OFF_NR),
       BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 2), BPF_STMT(BPF_ST, 2),
       BPF_JUMP(BPF_JMP | BPF_JA, 1, 0, 0), BPF_STMT(BPF_ST, 2), BPF_STMT(BPF_LD | BPF_MEM, 2),
       RET_A),
    VC("store before a branch then load", true, NULL, BPF_STMT(BPF_ST, 5),
       BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 1, 0), LD_IMM(4), BPF_STMT(BPF_LDX | BPF_MEM, 5),
       RET_A),
    VC("dead load after ret, state from the store before it", true, NULL, BPF_STMT(BPF_ST, 0),
       RET_A, BPF_STMT(BPF_LD | BPF_MEM, 0), RET_A),

    VC("ja out of range", false, "instruction 0: ja +1", BPF_JUMP(BPF_JMP | BPF_JA, 1, 0, 0),
       RET_A),
    VC("ja huge", false, "instruction 1: ja", LD_IMM(0), BPF_JUMP(BPF_JMP | BPF_JA, 0xffffffff, 0, 0),
       RET_A),
    VC("jt out of range", false, "instruction 0: jt +2",
       BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 2, 0), LD_IMM(0), RET_A),
    VC("jf out of range", false, "instruction 1: jf +1", LD_IMM(0),
       BPF_JUMP(BPF_JMP | BPF_JSET | BPF_X, 0, 0, 1), RET_A),
    VC("last is not ret", false, "instruction 1: the last instruction must be a ret", RET_A,
       LD_IMM(0)),
    VC("last is a jump", false, "instruction 1: jt +0", RET_A, BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 0)),
    VC("misaligned ld", false, "instruction 0: ld [2] is not 4-byte aligned", LD_ABS(2), RET_A),
    VC("ld past seccomp_data", false, "instruction 0: ld [64] is outside", LD_ABS(64), RET_A),
    VC("ld ancillary", false, "is outside", LD_ABS(0xfffff000), RET_A),
    VC("ld ancillary unknown", false, "instruction 0", LD_ABS(0xfffff0f0), RET_A),
    VC("ldb abs", false, "instruction 0: ldb [k] (opcode 0x0030) is not allowed",
       BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 0), RET_A),
    VC("ldh abs", false, "ldh [k]", BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 0), RET_A),
    VC("ld ind", false, "ld [x + k]", BPF_STMT(BPF_LD | BPF_W | BPF_IND, 0), RET_A),
    VC("ldx msh", false, "instruction 1: ldxb 4*([k]&0xf)", LD_IMM(0),
       BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0), RET_A),
    VC("mod k", false, "mod #k", BPF_STMT(BPF_ALU | BPF_MOD | BPF_K, 3), RET_A),
    VC("mod x", false, "mod x", BPF_STMT(BPF_ALU | BPF_MOD | BPF_X, 0), RET_A),
    VC("neg x", false, "unknown opcode 0x008c", BPF_STMT(BPF_ALU | BPF_NEG | BPF_X, 0), RET_A),
    VC("ret x", false, "unknown opcode 0x000e", BPF_STMT(BPF_RET | BPF_X, 0), RET_A),
    VC("ld h imm", false, "unknown opcode", BPF_STMT(BPF_LD | BPF_H | BPF_IMM, 0), RET_A),
    VC("ldx abs", false, "unknown opcode", BPF_STMT(BPF_LDX | BPF_W | BPF_ABS, 0), RET_A),
    VC("jmp ja with x", false, "unknown opcode", BPF_STMT(BPF_JMP | BPF_JA | BPF_X, 0), RET_A),
    VC("garbage opcode", false, "unknown opcode 0xffff", BPF_STMT(0xffff, 0), RET_A),
    VC("div by constant zero", false, "instruction 0: division by constant zero",
       BPF_STMT(BPF_ALU | BPF_DIV | BPF_K, 0), RET_A),
    VC("mod by constant zero", false, "division by constant zero",
       BPF_STMT(BPF_ALU | BPF_MOD | BPF_K, 0), RET_A),
    VC("lsh 32", false, "shift by constant 32", BPF_STMT(BPF_ALU | BPF_LSH | BPF_K, 32), RET_A),
    VC("rsh 33", false, "shift by constant 33", BPF_STMT(BPF_ALU | BPF_RSH | BPF_K, 33), RET_A),
    VC("st M[16]", false, "M[16] out of range", BPF_STMT(BPF_ST, 16), RET_A),
    VC("ldx M[16]", false, "M[16] out of range", BPF_STMT(BPF_LDX | BPF_MEM, 16), RET_A),
    VC("load before store", false, "instruction 0: M[0] may be read",
       BPF_STMT(BPF_LD | BPF_MEM, 0), RET_A),
    VC("load of the other cell", false, "instruction 1: M[1]", BPF_STMT(BPF_ST, 0),
       BPF_STMT(BPF_LDX | BPF_MEM, 1), RET_A),
    VC("store on one branch only", false, "instruction 3: M[2]", LD_ABS(OFF_NR),
       BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 1), BPF_STMT(BPF_ST, 2),
       BPF_STMT(BPF_LD | BPF_MEM, 2), RET_A),
    /* The kernel's linear pass lets the state after a ret reach the next
     * instruction: M[0] is written on the only path to 5, yet rejected. */
    VC("state flows through ret", false, "instruction 5: M[0]",
       BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 2), BPF_STMT(BPF_ST, 0),
       BPF_JUMP(BPF_JMP | BPF_JA, 2, 0, 0), LD_IMM(0), RET_A, BPF_STMT(BPF_LD | BPF_MEM, 0),
       RET_A),
    /* Classic checks come first: the jump error at 2 wins over the opcode at 0. */
    VC("kernel order", false, "instruction 2: jt", BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 0), RET_A,
       BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 5, 0), RET_A),
};

TEST(validate_cases)
{
    char err[256];
    for (size_t i = 0; i < LEN(vcases); i++) {
        const struct vcase *c = &vcases[i];
        memset(err, 'x', sizeof err);
        int r = stk_bpf_validate(c->prog, c->len, err, sizeof err);
        CHECK_MSG((r == 0) == c->valid, "%s: validate returned %d (%s)", c->name, r,
                  r ? err : "accepted");
        if (c->valid)
            CHECK_MSG(err[0] == 0, "%s: message on success", c->name);
        else
            CHECK_MSG(strstr(err, c->msg) != NULL, "%s: message \"%s\" lacks \"%s\"", c->name, err,
                      c->msg);
    }
}

TEST(validate_lengths)
{
    char err[256];
    struct sock_filter one = RET_A;
    CHECK_INT(stk_bpf_validate(&one, 0, err, sizeof err), -1);
    CHECK_CONTAINS(err, "empty program");
    CHECK_INT(stk_bpf_validate(NULL, 0, err, sizeof err), -1);
    CHECK_INT(stk_bpf_validate(NULL, 5, err, sizeof err), -1);

    struct sock_filter *big = calloc(4097, sizeof *big);
    CHECK(big != NULL);
    for (size_t i = 0; i < 4097; i++)
        big[i] = (struct sock_filter)LD_IMM((uint32_t)i);
    big[4095] = (struct sock_filter)RET_A;
    big[4096] = (struct sock_filter)RET_A;
    int r4096 = stk_bpf_validate(big, 4096, err, sizeof err);
    int r4097 = stk_bpf_validate(big, 4097, err, sizeof err);
    struct seccomp_data d = mkdata(0, 0);
    unsigned n = 0;
    uint32_t got = stk_bpf_run(big, 4096, &d, &n);
    free(big);
    CHECK_INT(r4096, 0);
    CHECK_INT(r4097, -1);
    CHECK_CONTAINS(err, "4097 instructions");
    CHECK_U64(got, 4094);
    CHECK_INT(n, 4096);

    /* err may be NULL or tiny. */
    struct sock_filter bad[] = { LD_ABS(3), RET_A };
    CHECK_INT(stk_bpf_validate(bad, 2, NULL, 0), -1);
    char tiny[4];
    CHECK_INT(stk_bpf_validate(bad, 2, tiny, sizeof tiny), -1);
    CHECK_INT((int)strlen(tiny), 3);
}

/* ---- action cache -------------------------------------------------------------------- */

TEST(cacheable_allowlist)
{
    /* arch check, then an allow list by nr only: cacheable for listed calls. */
    struct sock_filter p[] = {
        LD_ABS(OFF_ARCH),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
        RET_K(SECCOMP_RET_KILL_PROCESS),
        LD_ABS(OFF_NR),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 4, 0),  /* read -> allow */
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 3, 0),  /* write -> allow */
        BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 500, 1, 0), /* >= 500 -> errno */
        RET_K(SECCOMP_RET_LOG),
        RET_K(ERRNO(ENOSYS)),
        RET_K(SECCOMP_RET_ALLOW),
    };
    CHECK(stk_bpf_validate(p, LEN(p), NULL, 0) == 0);
    CHECK(stk_bpf_cacheable(p, LEN(p), AUDIT_ARCH_X86_64, 0));
    CHECK(stk_bpf_cacheable(p, LEN(p), AUDIT_ARCH_X86_64, 1));
    CHECK(!stk_bpf_cacheable(p, LEN(p), AUDIT_ARCH_X86_64, 2));   /* LOG is not ALLOW */
    CHECK(!stk_bpf_cacheable(p, LEN(p), AUDIT_ARCH_X86_64, 600)); /* errno */
    CHECK(!stk_bpf_cacheable(p, LEN(p), AUDIT_ARCH_I386, 0));     /* arch mismatch: kill */
    CHECK(!stk_bpf_cacheable(p, LEN(p), AUDIT_ARCH_AARCH64, 1));
}

TEST(cacheable_denylist_and_args)
{
    /* default allow; execve denied; ioctl decided by an argument. */
    struct sock_filter p[] = {
        LD_ABS(OFF_ARCH),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 0, 8),
        LD_ABS(OFF_NR),
        BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x40000000, 5, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 59, 4, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 16, 0, 4),
        LD_ABS(OFF_ARG_LO(1)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x5412, 0, 2),
        RET_K(ERRNO(EPERM)),
        RET_K(SECCOMP_RET_KILL_PROCESS),
        RET_K(SECCOMP_RET_ALLOW),
    };
    char err[200];
    CHECK_MSG(stk_bpf_validate(p, LEN(p), err, sizeof err) == 0, "%s", err);
    CHECK(stk_bpf_cacheable(p, LEN(p), AUDIT_ARCH_X86_64, 0));
    CHECK(stk_bpf_cacheable(p, LEN(p), AUDIT_ARCH_X86_64, 400));
    CHECK(!stk_bpf_cacheable(p, LEN(p), AUDIT_ARCH_X86_64, 59));
    CHECK(!stk_bpf_cacheable(p, LEN(p), AUDIT_ARCH_X86_64, 16)); /* loads args[1] */
    CHECK(!stk_bpf_cacheable(p, LEN(p), AUDIT_ARCH_X86_64, 0x40000000));
    CHECK(stk_bpf_cacheable(p, LEN(p), AUDIT_ARCH_I386, 16)); /* other arches: allow */
    /* and the interpreter agrees on the constant ones */
    struct seccomp_data d = mkdata(400, AUDIT_ARCH_X86_64);
    d.args[1] = 0x5412;
    CHECK_U64(stk_bpf_run(p, LEN(p), &d, NULL), SECCOMP_RET_ALLOW);
    d.nr = 16;
    CHECK_U64(stk_bpf_run(p, LEN(p), &d, NULL), ERRNO(EPERM));
}

TEST(cacheable_instruction_support)
{
    /* AND with K, JGT, JA and the initial A == 0 are followed. */
    struct sock_filter and_k[] = {
        LD_ABS(OFF_NR), BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0xff),
        BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, 4, 0, 1), BPF_JUMP(BPF_JMP | BPF_JA, 1, 0, 0),
        RET_K(SECCOMP_RET_ALLOW), RET_K(SECCOMP_RET_KILL_THREAD),
    };
    CHECK(stk_bpf_cacheable(and_k, LEN(and_k), 0, 0x103));
    CHECK(!stk_bpf_cacheable(and_k, LEN(and_k), 0, 0x105));
    struct sock_filter a0[] = { BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1),
                                RET_K(SECCOMP_RET_ALLOW), RET_K(0) };
    CHECK(stk_bpf_cacheable(a0, LEN(a0), 1, 2));
    /* Everything else gives up, even when the result would be constant. */
    struct sock_filter or_k[] = { LD_ABS(OFF_NR), BPF_STMT(BPF_ALU | BPF_OR | BPF_K, 1),
                                  RET_K(SECCOMP_RET_ALLOW) };
    CHECK(!stk_bpf_cacheable(or_k, LEN(or_k), 0, 0));
    struct sock_filter ret_a[] = { LD_IMM(SECCOMP_RET_ALLOW), RET_A };
    CHECK(!stk_bpf_cacheable(ret_a, LEN(ret_a), 0, 0));
    struct sock_filter ret_a2[] = { RET_A };
    CHECK(!stk_bpf_cacheable(ret_a2, LEN(ret_a2), 0, 0));
    struct sock_filter jeq_x[] = { BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_X, 0, 0, 0),
                                   RET_K(SECCOMP_RET_ALLOW) };
    CHECK(!stk_bpf_cacheable(jeq_x, LEN(jeq_x), 0, 0));
    struct sock_filter ld_len[] = { BPF_STMT(BPF_LD | BPF_W | BPF_LEN, 0),
                                    RET_K(SECCOMP_RET_ALLOW) };
    CHECK(!stk_bpf_cacheable(ld_len, LEN(ld_len), 0, 0));
    struct sock_filter ld_ip[] = { LD_ABS(OFF_IP_LO), RET_K(SECCOMP_RET_ALLOW) };
    CHECK(!stk_bpf_cacheable(ld_ip, LEN(ld_ip), 0, 0));
    struct sock_filter st[] = { BPF_STMT(BPF_ST, 0), RET_K(SECCOMP_RET_ALLOW) };
    CHECK(!stk_bpf_cacheable(st, LEN(st), 0, 0));
    /* An instruction on an untaken path does not matter. */
    struct sock_filter skip[] = { LD_ABS(OFF_NR), BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 7, 0, 1),
                                  RET_K(SECCOMP_RET_ALLOW), LD_ABS(OFF_ARG_LO(0)),
                                  RET_K(SECCOMP_RET_ALLOW) };
    CHECK(stk_bpf_cacheable(skip, LEN(skip), 0, 7));
    CHECK(!stk_bpf_cacheable(skip, LEN(skip), 0, 8));
    CHECK(!stk_bpf_cacheable(NULL, 0, 0, 0));
    struct sock_filter runoff[] = { LD_ABS(OFF_NR) };
    CHECK(!stk_bpf_cacheable(runoff, 1, 0, 0));
}

/* ---- against the kernel ---------------------------------------------------------------- */

struct shared {
    int stage; /* 1 seccomp failed, 2 syscall made, 3 filter installed */
    int err;
    long ret;
};

static struct shared *shm;

enum k_outcome { K_ERROR, K_REJECTED, K_INSTALLED, K_RAN, K_SIGSYS };

struct k_result {
    enum k_outcome kind;
    int err;  /* K_REJECTED: errno of seccomp(); K_RAN: errno after the call */
    long ret; /* K_RAN */
    char what[128];
};

enum call_kind { CALL_NONE, CALL_SYSCALL, CALL_INT80 };

struct call {
    enum call_kind kind;
    long nr;
    long args[6];
};

#if defined(__x86_64__)
static long int80(long nr, long a0, long a1)
{
    long ret;
    __asm__ volatile("int $0x80"
                     : "=a"(ret)
                     : "a"(nr), "b"(a0), "c"(a1)
                     : "memory", "r8", "r9", "r10", "r11");
    return ret;
}
#endif

/* End the child without a system call.  Not __builtin_trap(): sanitizers
 * instrument calls to noreturn functions with a sigaltstack() query, which the
 * filter under test would see. */
static void die_by_sigill(void)
{
    for (;;) {
#if defined(__x86_64__) || defined(__i386__)
        __asm__ volatile("ud2");
#elif defined(__aarch64__)
        __asm__ volatile("udf #0");
#else
        __builtin_trap();
#endif
    }
}

static void child(const struct sock_filter *prog, size_t len, const struct call *c)
{
    struct rlimit no_core = { 0, 0 };
    if (setrlimit(RLIMIT_CORE, &no_core) != 0)
        _exit(3);
    /* A fault (int 0x80 without ia32 emulation) must kill quietly: no
     * sanitizer report, whose system calls the filter would see. */
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    if (sigaction(SIGSEGV, &dfl, NULL) != 0 || sigaction(SIGBUS, &dfl, NULL) != 0 ||
        sigaction(SIGFPE, &dfl, NULL) != 0 || sigaction(SIGILL, &dfl, NULL) != 0)
        _exit(3);
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
        _exit(3);
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        _exit(2);
    struct sock_fprog fp = { .len = (unsigned short)len, .filter = (struct sock_filter *)prog };
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fp) != 0) {
        shm->err = errno;
        __atomic_store_n(&shm->stage, 1, __ATOMIC_SEQ_CST);
        _exit(0);
    }
    /* From here on every system call goes through the filter: report through
     * shared memory and end with an illegal instruction. */
    if (c->kind == CALL_SYSCALL) {
        errno = 0;
        long r = syscall(c->nr, c->args[0], c->args[1], c->args[2], c->args[3], c->args[4],
                         c->args[5]);
        shm->err = errno;
        shm->ret = r;
        __atomic_store_n(&shm->stage, 2, __ATOMIC_SEQ_CST);
    } else if (c->kind == CALL_INT80) {
#if defined(__x86_64__)
        long r = int80(c->nr, c->args[0], c->args[1]);
        shm->err = 0;
        shm->ret = r;
        __atomic_store_n(&shm->stage, 2, __ATOMIC_SEQ_CST);
#endif
    } else {
        __atomic_store_n(&shm->stage, 3, __ATOMIC_SEQ_CST);
    }
    die_by_sigill();
}

static void kernel_run(const struct sock_filter *prog, size_t len, const struct call *c,
                       struct k_result *r)
{
    memset(r, 0, sizeof *r);
    r->kind = K_ERROR;
    shm->stage = 0;
    shm->err = 0;
    shm->ret = 0;
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(r->what, sizeof r->what, "fork: %s", strerror(errno));
        return;
    }
    if (pid == 0)
        child(prog, len, c);
    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            snprintf(r->what, sizeof r->what, "waitpid: %s", strerror(errno));
            return;
        }
    }
    int stage = __atomic_load_n(&shm->stage, __ATOMIC_SEQ_CST);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && stage == 1) {
        r->kind = K_REJECTED;
        r->err = shm->err;
    } else if (WIFSIGNALED(status) && WTERMSIG(status) == SIGILL && stage == 3) {
        r->kind = K_INSTALLED;
    } else if (WIFSIGNALED(status) && WTERMSIG(status) == SIGILL && stage == 2) {
        r->kind = K_RAN;
        r->ret = shm->ret;
        r->err = shm->err;
    } else if (WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS && stage == 0) {
        r->kind = K_SIGSYS;
    } else {
        snprintf(r->what, sizeof r->what, "child status 0x%x stage %d", (unsigned)status, stage);
    }
}

/* Whether seccomp filters can be tried here at all; SKIPs the test if not. */
static int kernel_available(char *why, size_t whylen)
{
    if (!shm) {
        void *m = mmap(NULL, sizeof *shm, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1,
                       0);
        if (m == MAP_FAILED) {
            snprintf(why, whylen, "mmap: %s", strerror(errno));
            return 0;
        }
        shm = m;
    }
    struct sock_filter allow[] = { RET_K(SECCOMP_RET_ALLOW) };
    struct call none = { .kind = CALL_NONE };
    struct k_result r;
    kernel_run(allow, 1, &none, &r);
    if (r.kind != K_INSTALLED) {
        snprintf(why, whylen, "cannot install seccomp filters here (%s%s)",
                 r.kind == K_REJECTED ? "seccomp: " : "",
                 r.kind == K_REJECTED ? strerror(r.err) : r.what);
        return 0;
    }
    return 1;
}

#define NEED_KERNEL()                                                                              \
    do {                                                                                           \
        char t_why[200];                                                                           \
        if (!kernel_available(t_why, sizeof t_why))                                                \
            SKIP("%s", t_why);                                                                     \
    } while (0)

/* The kernel's verdict on a program must equal the validator's. */
static bool kernel_agrees_validity(const struct sock_filter *p, size_t len, char *msg,
                                   size_t msglen)
{
    char err[256];
    int v = stk_bpf_validate(p, len, err, sizeof err);
    struct call none = { .kind = CALL_NONE };
    struct k_result r;
    kernel_run(p, len, &none, &r);
    if (r.kind == K_ERROR) {
        snprintf(msg, msglen, "harness: %s", r.what);
        return false;
    }
    if (v == 0 && r.kind != K_INSTALLED) {
        snprintf(msg, msglen, "validator accepts, kernel rejects (%s)", strerror(r.err));
        return false;
    }
    if (v != 0 && !(r.kind == K_REJECTED && r.err == EINVAL)) {
        snprintf(msg, msglen, "validator rejects (%s), kernel %s", err,
                 r.kind == K_INSTALLED ? "accepts" : strerror(r.err));
        return false;
    }
    return true;
}

TEST(kernel_validity_cases)
{
    NEED_KERNEL();
    char msg[400];
    for (size_t i = 0; i < LEN(vcases); i++)
        CHECK_MSG(kernel_agrees_validity(vcases[i].prog, vcases[i].len, msg, sizeof msg),
                  "%s: %s", vcases[i].name, msg);
    struct sock_filter one = RET_A;
    CHECK_MSG(kernel_agrees_validity(&one, 0, msg, sizeof msg), "empty: %s", msg);
    struct sock_filter *big = calloc(4097, sizeof *big);
    CHECK(big != NULL);
    for (size_t i = 0; i < 4097; i++)
        big[i] = (struct sock_filter)RET_A;
    bool ok4096 = kernel_agrees_validity(big, 4096, msg, sizeof msg);
    bool ok4097 = ok4096 && kernel_agrees_validity(big, 4097, msg, sizeof msg);
    free(big);
    CHECK_MSG(ok4096 && ok4097, "long programs: %s", msg);
}

static uint64_t rng_state;

static uint64_t rnd(void)
{
    uint64_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return rng_state = x;
}

static uint32_t rnd_below(uint32_t n)
{
    return n ? (uint32_t)(rnd() % n) : 0;
}

static void seed_rng(void)
{
    const char *s = getenv("STK_BPF_SEED");
    rng_state = s ? strtoull(s, NULL, 0) : 0x5eed5eed12345ull;
    if (rng_state == 0)
        rng_state = 1;
}

static uint32_t rnd_k(void)
{
    static const uint32_t ks[] = { 0, 1, 2, 3, 4, 5, 8, 12, 15, 16, 17, 31, 32, 33, 60, 62, 63,
                                   64, 68, 0xfffff000, 0xfffff004, 0x80000000, 0xffffffff };
    if (rnd_below(5) == 0)
        return (uint32_t)rnd();
    return ks[rnd_below(LEN(ks))];
}

static const uint16_t codes_pool[] = {
    BPF_LD | BPF_W | BPF_ABS, BPF_LD | BPF_H | BPF_ABS, BPF_LD | BPF_B | BPF_ABS,
    BPF_LD | BPF_W | BPF_IND, BPF_LD | BPF_W | BPF_LEN, BPF_LDX | BPF_W | BPF_LEN,
    BPF_LD | BPF_IMM, BPF_LDX | BPF_IMM, BPF_LD | BPF_MEM, BPF_LDX | BPF_MEM,
    BPF_LDX | BPF_B | BPF_MSH, BPF_ST, BPF_STX, BPF_MISC | BPF_TAX, BPF_MISC | BPF_TXA,
    BPF_ALU | BPF_ADD | BPF_K, BPF_ALU | BPF_SUB | BPF_X, BPF_ALU | BPF_MUL | BPF_K,
    BPF_ALU | BPF_DIV | BPF_K, BPF_ALU | BPF_DIV | BPF_X, BPF_ALU | BPF_MOD | BPF_K,
    BPF_ALU | BPF_AND | BPF_K, BPF_ALU | BPF_OR | BPF_X, BPF_ALU | BPF_XOR | BPF_K,
    BPF_ALU | BPF_LSH | BPF_K, BPF_ALU | BPF_RSH | BPF_K, BPF_ALU | BPF_LSH | BPF_X,
    BPF_ALU | BPF_NEG, BPF_ALU | BPF_NEG | BPF_X, BPF_JMP | BPF_JA, BPF_JMP | BPF_JEQ | BPF_K,
    BPF_JMP | BPF_JEQ | BPF_X, BPF_JMP | BPF_JGE | BPF_K, BPF_JMP | BPF_JGT | BPF_X,
    BPF_JMP | BPF_JSET | BPF_K, BPF_RET | BPF_K, BPF_RET | BPF_A, BPF_RET | BPF_X,
    BPF_MISC | 0x10, BPF_LD | BPF_W | BPF_ABS | 0x100,
};

TEST(kernel_validity_fuzz)
{
    NEED_KERNEL();
    seed_rng();
    const char *ns = getenv("STK_BPF_FUZZ");
    unsigned iters = ns ? (unsigned)strtoul(ns, NULL, 0) : 1500;
    unsigned accepted = 0;
    char msg[400];
    struct sock_filter p[16];
    for (unsigned it = 0; it < iters; it++) {
        size_t len = 1 + rnd_below(LEN(p));
        for (size_t i = 0; i < len; i++) {
            uint16_t code = rnd_below(12) == 0 ? (uint16_t)rnd() : codes_pool[rnd_below(LEN(codes_pool))];
            uint32_t k;
            if (code == BPF_ST || code == BPF_STX || BPF_MODE(code) == BPF_MEM)
                k = rnd_below(8) ? rnd_below(3) : rnd_k();
            else if (code == (BPF_JMP | BPF_JA))
                k = rnd_below(8) ? rnd_below((uint32_t)len + 1) : rnd_k();
            else
                k = rnd_k();
            p[i] = (struct sock_filter){ code, (uint8_t)rnd_below((uint32_t)len + 1),
                                         (uint8_t)rnd_below((uint32_t)len + 1), k };
        }
        if (rnd_below(5))
            p[len - 1] = (struct sock_filter)RET_K((uint32_t)rnd());
        if (!kernel_agrees_validity(p, len, msg, sizeof msg)) {
            FILE *f = stderr;
            fprintf(f, "program (seed iteration %u):\n", it);
            for (size_t i = 0; i < len; i++)
                fprintf(f, "  { 0x%04x, %u, %u, 0x%08x },\n", p[i].code, p[i].jt, p[i].jf,
                        p[i].k);
            CHECK_MSG(0, "iteration %u: %s", it, msg);
        }
        accepted += stk_bpf_validate(p, len, NULL, 0) == 0;
    }
    /* The generator must exercise both outcomes. */
    CHECK_MSG(iters < 100 || (accepted > iters / 20 && accepted < iters - iters / 20),
              "only %u of %u random programs accepted", accepted, iters);
}

/* What a syscall made under a filter returning ret observably does; real_*
 * give the result of the unfiltered call. */
static bool outcome_matches(uint32_t ret, long real_ret, int real_err, const struct k_result *r,
                            bool raw, char *msg, size_t msglen)
{
    uint32_t action = ret & SECCOMP_RET_ACTION_FULL, data = ret & SECCOMP_RET_DATA;
    long want_ret = 0;
    int want_err = 0;
    bool want_sigsys = false;
    switch (action) {
    case SECCOMP_RET_ERRNO:
        if (data > 4095)
            data = 4095;
        want_ret = data ? -1 : 0;
        want_err = (int)data;
        break;
    case SECCOMP_RET_TRACE:      /* no tracer */
    case SECCOMP_RET_USER_NOTIF: /* no listener */
        want_ret = -1;
        want_err = ENOSYS;
        break;
    case SECCOMP_RET_ALLOW:
    case SECCOMP_RET_LOG:
        want_ret = real_ret;
        want_err = real_err;
        break;
    default: /* KILL_*, TRAP without a handler, unknown actions */
        want_sigsys = true;
        break;
    }
    if (raw && !want_sigsys && want_ret == -1) {
        want_ret = -want_err;
        want_err = 0;
    }
    if (want_sigsys) {
        if (r->kind == K_SIGSYS)
            return true;
        snprintf(msg, msglen, "filter returns 0x%08x: expected SIGSYS, got kind %d ret %ld errno %d %s",
                 ret, (int)r->kind, r->ret, r->err, r->what);
        return false;
    }
    if (r->kind == K_RAN && r->ret == want_ret && (want_ret != -1 || r->err == want_err))
        return true;
    snprintf(msg, msglen,
             "filter returns 0x%08x: expected ret %ld errno %d, got kind %d ret %ld errno %d %s",
             ret, want_ret, want_err, (int)r->kind, r->ret, r->err, r->what);
    return false;
}

static struct seccomp_data data_for(const struct call *c)
{
    struct seccomp_data d = mkdata((uint32_t)c->nr, AUDIT_ARCH_X86_64);
    for (int i = 0; i < 6; i++)
        d.args[i] = (uint64_t)c->args[i];
    return d;
}

#if defined(__x86_64__)
TEST(kernel_run_cases)
{
    NEED_KERNEL();
    /* getpriority(which, who): allowed when which == PRIO_PROCESS (0) and the
     * high word of who is 0, else an errno computed from the arguments. */
    struct sock_filter prio[] = {
        LD_ABS(OFF_ARCH),                                                   /* 0 */
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),       /* 1 */
        RET_K(SECCOMP_RET_KILL_PROCESS),                                    /* 2 */
        LD_ABS(OFF_NR),                                                     /* 3 */
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getpriority, 1, 0),         /* 4 */
        RET_K(ERRNO(1000)),                                                 /* 5 */
        LD_ABS(OFF_ARG_LO(0)),                                              /* 6 */
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 4),                       /* 7 -> 12 */
        LD_ABS(OFF_ARG_HI(1)),                                              /* 8 */
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1),                       /* 9 -> 11 */
        RET_K(SECCOMP_RET_ALLOW),                                           /* 10 */
        RET_K(SECCOMP_RET_TRAP),                                            /* 11 */
        BPF_STMT(BPF_ST, 0),                                                /* 12 M0 = which */
        LD_ABS(OFF_ARG_LO(5)),                                              /* 13 */
        BPF_STMT(BPF_MISC | BPF_TAX, 0),                                    /* 14 */
        BPF_STMT(BPF_LD | BPF_MEM, 0),                                      /* 15 */
        BPF_STMT(BPF_ALU | BPF_DIV | BPF_X, 0),                             /* 16 X=0: kill */
        BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0xffff),                        /* 17 */
        BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, 0x7000, 2, 0),                  /* 18 -> 21 */
        BPF_STMT(BPF_ALU | BPF_OR | BPF_K, SECCOMP_RET_ERRNO),              /* 19 */
        RET_A,                                                              /* 20 */
        BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x7ff0, 2, 0),                  /* 21 -> 24 */
        BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 1, 2, 0),                      /* 22 -> 25 */
        RET_K(SECCOMP_RET_TRACE | 5),                                       /* 23 */
        RET_K(SECCOMP_RET_LOG),                                             /* 24 */
        RET_K(SECCOMP_RET_USER_NOTIF),                                      /* 25 */
    };
    char err[256];
    CHECK_MSG(stk_bpf_validate(prio, LEN(prio), err, sizeof err) == 0, "%s", err);
    struct call calls[] = {
        { CALL_SYSCALL, SYS_getpriority, { 0, 0, 0, 0, 0, 1 } },          /* allow */
        { CALL_SYSCALL, SYS_getpriority, { 0, 0x100000000l, 0, 0, 0, 1 } }, /* trap */
        { CALL_SYSCALL, SYS_getpriority, { 0x100000000l, 0, 0, 0, 0, 1 } }, /* allow: lo word */
        { CALL_SYSCALL, SYS_getpriority, { 5, 0, 0, 0, 0, 1 } },          /* errno 5 */
        { CALL_SYSCALL, SYS_getpriority, { 4000, 0, 0, 0, 0, 1 } },       /* errno 4000 */
        { CALL_SYSCALL, SYS_getpriority, { 0x7001, 0, 0, 0, 0, 1 } },     /* user notif */
        { CALL_SYSCALL, SYS_getpriority, { 0x7002, 0, 0, 0, 0, 1 } },     /* trace */
        { CALL_SYSCALL, SYS_getpriority, { 0x7002, 0, 0, 0, 0, 0x100000000l } }, /* x=0: kill */
        { CALL_SYSCALL, SYS_getpriority, { 0x7fff, 0, 0, 0, 0, 1 } },     /* log */
        { CALL_SYSCALL, SYS_getpriority, { 0x7ff1, 0, 0, 0, 0, 3 } },     /* errno 4095 */
        { CALL_SYSCALL, SYS_getpriority, { 0x14000, 0, 0, 0, 0, 4 } },    /* 0x5000 -> errno 4095 */
        { CALL_SYSCALL, SYS_getpriority, { 0x10000, 0, 0, 0, 0, 1 } },    /* errno 0 */
        { CALL_SYSCALL, SYS_getuid, { 0, 0, 0, 0, 0, 0 } },               /* errno 1000 */
        { CALL_SYSCALL, 0x40000000 | SYS_getuid, { 0, 0, 0, 0, 0, 0 } },  /* x32 nr: errno 1000 */
    };
    for (size_t i = 0; i < LEN(calls); i++) {
        const struct call *c = &calls[i];
        struct seccomp_data d = data_for(c);
        unsigned n = 0;
        uint32_t ret = stk_bpf_run(prio, LEN(prio), &d, &n);
        long real_ret = 0;
        int real_err = 0;
        if (c->kind == CALL_SYSCALL && (ret & SECCOMP_RET_ACTION_FULL) >= SECCOMP_RET_LOG &&
            ret < 0x80000000u) {
            errno = 0;
            real_ret = syscall(c->nr, c->args[0], c->args[1], c->args[2], c->args[3], c->args[4],
                               c->args[5]);
            real_err = errno;
        }
        struct k_result r;
        kernel_run(prio, LEN(prio), c, &r);
        char msg[300];
        CHECK_MSG(outcome_matches(ret, real_ret, real_err, &r, false, msg, sizeof msg),
                  "call %zu (nr 0x%lx arg0 0x%lx): %s", i, c->nr, c->args[0], msg);
    }
    /* Spot checks of the interpreter itself for the calls above. */
    struct seccomp_data d = data_for(&calls[0]);
    CHECK_U64(stk_bpf_run(prio, LEN(prio), &d, NULL), SECCOMP_RET_ALLOW);
    d = data_for(&calls[4]);
    CHECK_U64(stk_bpf_run(prio, LEN(prio), &d, NULL), ERRNO(4000));
    d = data_for(&calls[6]);
    CHECK_U64(stk_bpf_run(prio, LEN(prio), &d, NULL), SECCOMP_RET_TRACE | 5);
    d = data_for(&calls[7]);
    unsigned n = 0;
    CHECK_U64(stk_bpf_run(prio, LEN(prio), &d, &n), 0);
    CHECK_INT(n, 11);
}

/* The i386 ABI entered with int 0x80 from this 64-bit process: seccomp sees
 * AUDIT_ARCH_I386 and the i386 numbers. */
TEST(kernel_run_i386)
{
    NEED_KERNEL();
    struct sock_filter allow[] = { RET_K(SECCOMP_RET_ALLOW) };
    struct call getpid32 = { CALL_INT80, 20, { 0 } };
    struct k_result pr;
    kernel_run(allow, 1, &getpid32, &pr);
    if (pr.kind != K_RAN || pr.ret <= 0)
        SKIP("int 0x80 does not work here (ia32 emulation off?): %s",
             pr.kind == K_ERROR ? pr.what : "no pid returned");
    struct sock_filter p[] = {
        LD_ABS(OFF_ARCH),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_I386, 0, 5),
        LD_ABS(OFF_NR),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 24 /* i386 getuid */, 0, 2),
        LD_ABS(OFF_ARG_LO(1)),
        RET_A,
        RET_K(ERRNO(88)),
        RET_K(ERRNO(99)),
    };
    CHECK(stk_bpf_validate(p, LEN(p), NULL, 0) == 0);
    struct call calls[] = {
        { CALL_INT80, 24, { 0, SECCOMP_RET_ERRNO | 77, 0, 0, 0, 0 } },
        { CALL_INT80, 20, { 0, 0, 0, 0, 0, 0 } },
        { CALL_SYSCALL, 24, { 0, 0, 0, 0, 0, 0 } },
    };
    for (size_t i = 0; i < LEN(calls); i++) {
        struct seccomp_data d = data_for(&calls[i]);
        if (calls[i].kind == CALL_INT80)
            d.arch = AUDIT_ARCH_I386;
        uint32_t ret = stk_bpf_run(p, LEN(p), &d, NULL);
        struct k_result r;
        kernel_run(p, LEN(p), &calls[i], &r);
        char msg[300];
        CHECK_MSG(outcome_matches(ret, 0, 0, &r, calls[i].kind == CALL_INT80, msg, sizeof msg),
                  "call %zu: %s", i, msg);
    }
}

/* Every ALU operation with X over edge values (shifts by 32 and more, division
 * by zero): A op X, then 12 bits of the result (bits 0, 12 or 24 up) as the
 * errno; the interpreter must predict every one. */
TEST(kernel_alu_x)
{
    NEED_KERNEL();
    static const uint32_t as[] = { 0x12345678, 0xffffffff, 0x80000000, 5 };
    static const uint32_t xs[] = { 0, 1, 31, 32, 33, 0xffffffff, 0x80000003 };
    static const uint16_t ops[] = { BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_AND,
                                    BPF_OR,  BPF_XOR, BPF_LSH, BPF_RSH };
    static const uint32_t shifts[] = { 0, 12, 24 };
    for (size_t o = 0; o < LEN(ops); o++)
        for (size_t s = 0; s < LEN(shifts); s++) {
            struct sock_filter p[] = {
                LD_ABS(OFF_ARG_LO(1)),
                BPF_STMT(BPF_MISC | BPF_TAX, 0),
                LD_ABS(OFF_ARG_LO(0)),
                BPF_STMT(BPF_ALU | ops[o] | BPF_X, 0),
                BPF_STMT(BPF_ALU | BPF_RSH | BPF_K, shifts[s]),
                BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0xfff),
                BPF_STMT(BPF_ALU | BPF_OR | BPF_K, SECCOMP_RET_ERRNO),
                RET_A,
            };
            CHECK(stk_bpf_validate(p, LEN(p), NULL, 0) == 0);
            for (size_t i = 0; i < LEN(as); i++)
                for (size_t j = 0; j < LEN(xs); j++) {
                    struct call c = { CALL_SYSCALL, SYS_getpriority, { (long)as[i], (long)xs[j] } };
                    struct seccomp_data d = data_for(&c);
                    uint32_t ret = stk_bpf_run(p, LEN(p), &d, NULL);
                    struct k_result r;
                    kernel_run(p, LEN(p), &c, &r);
                    char msg[300];
                    CHECK_MSG(outcome_matches(ret, 0, 0, &r, false, msg, sizeof msg),
                              "op 0x%x a 0x%x x 0x%x bits %u..: %s", ops[o], as[i], xs[j],
                              shifts[s], msg);
                }
        }
}

/* Random valid programs that always end in an errno (the epilogue makes the
 * action ERRNO with the low 12 bits of A), a kill or a trap, run over
 * arbitrary syscall numbers and arguments: nothing ever really executes. */
TEST(kernel_run_fuzz)
{
    NEED_KERNEL();
    seed_rng();
    const char *ns = getenv("STK_BPF_FUZZ");
    unsigned iters = ns ? (unsigned)strtoul(ns, NULL, 0) : 800;
    static const long nrs[] = { 0, 1, 39, SYS_getpriority, SYS_getuid, 0x40000000 | 39, 1000,
                                0x7fffffff };
    static const uint32_t offs[] = { OFF_NR, OFF_ARCH, 16, 20, 24, 28, 32, 36, 40, 44, 48, 52,
                                     56, 60 };
    static const uint16_t alu_ops[] = { BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_AND,
                                        BPF_OR,  BPF_XOR, BPF_LSH, BPF_RSH };
    static const uint16_t jmp_ops[] = { BPF_JEQ, BPF_JGE, BPF_JGT, BPF_JSET };
    unsigned ran = 0, killed = 0;
    struct sock_filter p[40];
    for (unsigned it = 0; it < iters; it++) {
        size_t body = 2 + rnd_below(LEN(p) - 5), len = body + 3;
        for (size_t i = 0; i < body; i++) {
            struct sock_filter *f = &p[i];
            uint32_t kind = rnd_below(13);
            /* Targets i+1 .. body: jumping past the epilogue's "and" could
             * return an unmasked A, i.e. any action, ALLOW included. */
            uint32_t remaining = (uint32_t)(body - i);
            switch (kind) {
            case 0:
            case 1:
                *f = (struct sock_filter)LD_ABS(offs[rnd_below(LEN(offs))]);
                break;
            case 2:
                *f = (struct sock_filter)BPF_STMT(rnd_below(2) ? BPF_LD | BPF_IMM : BPF_LDX | BPF_IMM,
                                                  rnd_k());
                break;
            case 3: {
                uint16_t op = alu_ops[rnd_below(LEN(alu_ops))];
                uint32_t k = rnd_k();
                if (op == BPF_DIV && k == 0)
                    k = 3;
                if (op == BPF_LSH || op == BPF_RSH)
                    k &= 31;
                *f = (struct sock_filter)BPF_STMT(BPF_ALU | op | BPF_K, k);
                break;
            }
            case 4:
                *f = (struct sock_filter)BPF_STMT(BPF_ALU | alu_ops[rnd_below(LEN(alu_ops))] | BPF_X,
                                                  0);
                break;
            case 5: {
                static const uint16_t misc[] = { BPF_ALU | BPF_NEG, BPF_MISC | BPF_TAX,
                                                 BPF_MISC | BPF_TXA, BPF_LD | BPF_W | BPF_LEN,
                                                 BPF_LDX | BPF_W | BPF_LEN };
                *f = (struct sock_filter)BPF_STMT(misc[rnd_below(LEN(misc))], 0);
                break;
            }
            case 6:
                *f = (struct sock_filter)BPF_STMT(rnd_below(2) ? BPF_ST : BPF_STX, rnd_below(3));
                break;
            case 7:
                *f = (struct sock_filter)BPF_STMT(rnd_below(2) ? BPF_LD | BPF_MEM
                                                               : BPF_LDX | BPF_MEM,
                                                  rnd_below(3));
                break;
            case 8:
                *f = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JA, rnd_below(remaining), 0, 0);
                break;
            case 9:
            case 10:
            case 11: {
                uint16_t src = rnd_below(3) ? BPF_K : BPF_X;
                uint32_t lim = remaining < 256 ? remaining : 256;
                *f = (struct sock_filter)BPF_JUMP(BPF_JMP | jmp_ops[rnd_below(LEN(jmp_ops))] | src,
                                                  rnd_k(), (uint8_t)rnd_below(lim),
                                                  (uint8_t)rnd_below(lim));
                break;
            }
            default: {
                uint32_t k = rnd_below(4) ? ERRNO(rnd_below(5000))
                                          : (rnd_below(2) ? SECCOMP_RET_KILL_PROCESS
                                                          : SECCOMP_RET_TRAP);
                *f = (struct sock_filter)RET_K(k);
                break;
            }
            }
        }
        p[body] = (struct sock_filter)BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0xfff);
        p[body + 1] = (struct sock_filter)BPF_STMT(BPF_ALU | BPF_OR | BPF_K, SECCOMP_RET_ERRNO);
        p[body + 2] = (struct sock_filter)RET_A;

        struct call c = { CALL_SYSCALL, nrs[rnd_below(LEN(nrs))], { 0 } };
        for (int j = 0; j < 6; j++) {
            uint64_t v = rnd_below(3) ? ((uint64_t)rnd_k() << 32 | rnd_k()) : rnd();
            c.args[j] = (long)v;
        }
        char msg[400];
        if (stk_bpf_validate(p, len, NULL, 0) != 0) {
            /* e.g. a random load of M[] before a store: the kernel must agree */
            CHECK_MSG(kernel_agrees_validity(p, len, msg, sizeof msg), "iteration %u: %s", it, msg);
            continue;
        }
        struct seccomp_data d = data_for(&c);
        uint32_t ret = stk_bpf_run(p, len, &d, NULL);
        uint32_t action = ret & SECCOMP_RET_ACTION_FULL;
        CHECK_MSG(action == SECCOMP_RET_ERRNO || action == SECCOMP_RET_KILL_PROCESS ||
                      action == SECCOMP_RET_TRAP || ret == 0,
                  "iteration %u: unexpected result 0x%x", it, ret);
        struct k_result r;
        kernel_run(p, len, &c, &r);
        if (!outcome_matches(ret, 0, 0, &r, false, msg, sizeof msg)) {
            fprintf(stderr, "program (iteration %u), nr 0x%lx args", it, c.nr);
            for (int j = 0; j < 6; j++)
                fprintf(stderr, " 0x%lx", c.args[j]);
            fprintf(stderr, ":\n");
            for (size_t i = 0; i < len; i++)
                fprintf(stderr, "  { 0x%04x, %u, %u, 0x%08x },\n", p[i].code, p[i].jt, p[i].jf,
                        p[i].k);
            CHECK_MSG(0, "iteration %u: %s", it, msg);
        }
        if (r.kind == K_RAN)
            ran++;
        else
            killed++;
    }
    CHECK_MSG(iters < 100 || (ran > iters / 4 && killed > 0), "ran %u killed %u of %u", ran, killed,
              iters);
}
#endif

int main(void)
{
    RUN(run_loads_fields);
    RUN(run_alu_k);
    RUN(run_alu_x);
    RUN(run_jumps);
    RUN(run_scratch_memory);
    RUN(run_typical_filter);
    RUN(run_invalid_program_does_not_crash);
    RUN(run_random_garbage);
    RUN(validate_cases);
    RUN(validate_lengths);
    RUN(cacheable_allowlist);
    RUN(cacheable_denylist_and_args);
    RUN(cacheable_instruction_support);
    RUN(kernel_validity_cases);
    RUN(kernel_validity_fuzz);
#if defined(__x86_64__)
    RUN(kernel_run_cases);
    RUN(kernel_run_i386);
    RUN(kernel_alu_x);
    RUN(kernel_run_fuzz);
#endif
    return test_summary();
}
