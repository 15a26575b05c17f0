/* test_bpf_interp_kernel_run.c — the interpreter held to the real kernel: real system calls
 * made under a filter must get the action stk_bpf_run computes (x86_64).  The checker's
 * verdicts are in test_bpf_interp_kernel.c. */
#include "bpf_kernel_harness.h"

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
#if defined(__x86_64__)
    RUN(kernel_run_cases);
    RUN(kernel_run_i386);
    RUN(kernel_alu_x);
    RUN(kernel_run_fuzz);
#endif
    return test_summary();
}
