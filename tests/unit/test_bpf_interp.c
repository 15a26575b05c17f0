/* test_bpf_interp.c — the classic seccomp BPF checker, interpreter and cache
 * predictor, checked by hand-assembled programs and against the running
 * kernel (programs loaded with seccomp() in forked children). */
#include "bpf_test_util.h"
#include "bpf_validity_cases.h"

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

/* The cases live in bpf_validity_cases.h: the kernel tests replay them. */

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
    return test_summary();
}
