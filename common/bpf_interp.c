/* bpf_interp.c — checker, interpreter and cache predictor for classic seccomp
 * BPF.  See bpf_interp.h for the kernel functions each part mirrors. */
#include "bpf_interp.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ---- opcode sets ----------------------------------------------------------- */

/* The conditional jumps, the same in both sets below. */
static bool is_cond_jump(uint16_t code)
{
    switch (code) {
    case BPF_JMP | BPF_JEQ | BPF_K:
    case BPF_JMP | BPF_JEQ | BPF_X:
    case BPF_JMP | BPF_JGE | BPF_K:
    case BPF_JMP | BPF_JGE | BPF_X:
    case BPF_JMP | BPF_JGT | BPF_K:
    case BPF_JMP | BPF_JGT | BPF_X:
    case BPF_JMP | BPF_JSET | BPF_K:
    case BPF_JMP | BPF_JSET | BPF_X:
        return true;
    default:
        return false;
    }
}

/* The subset seccomp_check_filter lets through.  Of the classic set it drops
 * MOD, the H/B-sized and indirect packet loads, LDX MSH, and restricts LD W
 * ABS to aligned offsets inside struct seccomp_data (checked separately).
 * Codes are compared whole: unused bits set make an instruction unknown. */
static bool seccomp_code_allowed(uint16_t code)
{
    if (is_cond_jump(code))
        return true;
    switch (code) {
    case BPF_LD | BPF_W | BPF_ABS:
    case BPF_LD | BPF_W | BPF_LEN:
    case BPF_LDX | BPF_W | BPF_LEN:
    case BPF_RET | BPF_K:
    case BPF_RET | BPF_A:
    case BPF_ALU | BPF_ADD | BPF_K:
    case BPF_ALU | BPF_ADD | BPF_X:
    case BPF_ALU | BPF_SUB | BPF_K:
    case BPF_ALU | BPF_SUB | BPF_X:
    case BPF_ALU | BPF_MUL | BPF_K:
    case BPF_ALU | BPF_MUL | BPF_X:
    case BPF_ALU | BPF_DIV | BPF_K:
    case BPF_ALU | BPF_DIV | BPF_X:
    case BPF_ALU | BPF_AND | BPF_K:
    case BPF_ALU | BPF_AND | BPF_X:
    case BPF_ALU | BPF_OR | BPF_K:
    case BPF_ALU | BPF_OR | BPF_X:
    case BPF_ALU | BPF_XOR | BPF_K:
    case BPF_ALU | BPF_XOR | BPF_X:
    case BPF_ALU | BPF_LSH | BPF_K:
    case BPF_ALU | BPF_LSH | BPF_X:
    case BPF_ALU | BPF_RSH | BPF_K:
    case BPF_ALU | BPF_RSH | BPF_X:
    case BPF_ALU | BPF_NEG:
    case BPF_LD | BPF_IMM:
    case BPF_LDX | BPF_IMM:
    case BPF_MISC | BPF_TAX:
    case BPF_MISC | BPF_TXA:
    case BPF_LD | BPF_MEM:
    case BPF_LDX | BPF_MEM:
    case BPF_ST:
    case BPF_STX:
    case BPF_JMP | BPF_JA:
        return true;
    default:
        return false;
    }
}

/* The instructions classic BPF knows at all (the table in chk_code_allowed):
 * the seccomp subset and the ones seccomp drops. */
static bool classic_code_known(uint16_t code)
{
    if (seccomp_code_allowed(code))
        return true;
    switch (code) {
    case BPF_ALU | BPF_MOD | BPF_K:
    case BPF_ALU | BPF_MOD | BPF_X:
    case BPF_LD | BPF_H | BPF_ABS:
    case BPF_LD | BPF_B | BPF_ABS:
    case BPF_LD | BPF_W | BPF_IND:
    case BPF_LD | BPF_H | BPF_IND:
    case BPF_LD | BPF_B | BPF_IND:
    case BPF_LDX | BPF_B | BPF_MSH:
        return true;
    default:
        return false;
    }
}
/* A short name for an opcode in messages. */
static const char *code_name(uint16_t code)
{
    switch (code) {
    case BPF_LD | BPF_H | BPF_ABS: return "ldh [k]";
    case BPF_LD | BPF_B | BPF_ABS: return "ldb [k]";
    case BPF_LD | BPF_W | BPF_IND: return "ld [x + k]";
    case BPF_LD | BPF_H | BPF_IND: return "ldh [x + k]";
    case BPF_LD | BPF_B | BPF_IND: return "ldb [x + k]";
    case BPF_LDX | BPF_B | BPF_MSH: return "ldxb 4*([k]&0xf)";
    case BPF_ALU | BPF_MOD | BPF_K: return "mod #k";
    case BPF_ALU | BPF_MOD | BPF_X: return "mod x";
    default: return NULL;
    }
}

/* ---- validation ------------------------------------------------------------- */

static int fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    if (err && errlen > 0) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
        if (n < 0)
            err[0] = 0;
    }
    return -1;
}

/* check_load_and_stores: a linear pass that tracks which M[] cells are
 * written.  The state entering pc is the state falling through from pc - 1
 * ANDed with the state of every jump to pc.  Jumps reset the fall-through
 * state to "everything written" (nothing falls through a jump), but RET does
 * not: the kernel lets the state after a RET flow into the next instruction,
 * which may reject a program whose loads are all preceded by stores on every
 * real path.  Mirrored as is. */
static int check_mem_init(const struct sock_filter *prog, size_t len, char *err, size_t errlen)
{
    uint16_t masks[STK_BPF_MAXINSNS];
    uint16_t valid = 0;

    for (size_t i = 0; i < len; i++)
        masks[i] = 0xffff;
    for (size_t pc = 0; pc < len; pc++) {
        const struct sock_filter *f = &prog[pc];
        valid &= masks[pc];
        switch (f->code) {
        case BPF_ST:
        case BPF_STX:
            valid |= (uint16_t)(1u << f->k);
            break;
        case BPF_LD | BPF_MEM:
        case BPF_LDX | BPF_MEM:
            if (!(valid & (1u << f->k)))
                return fail(err, errlen,
                            "instruction %zu: M[%u] may be read before it is written (the "
                            "kernel requires a store on every path, and it treats the "
                            "instruction after a ret as reachable from it)",
                            pc, f->k);
            break;
        case BPF_JMP | BPF_JA:
            masks[pc + 1 + f->k] &= valid;
            valid = 0xffff;
            break;
        default:
            if (is_cond_jump(f->code)) {
                masks[pc + 1 + f->jt] &= valid;
                masks[pc + 1 + f->jf] &= valid;
                valid = 0xffff;
            }
            break;
        }
    }
    return 0;
}

int stk_bpf_validate(const struct sock_filter *prog, size_t len, char *err, size_t errlen)
{
    if (err && errlen > 0)
        err[0] = 0;
    /* bpf_check_basics_ok */
    if (len == 0 || !prog)
        return fail(err, errlen, "empty program: a filter needs at least one instruction");
    if (len > STK_BPF_MAXINSNS)
        return fail(err, errlen, "program has %zu instructions; the kernel accepts at most %u",
                    len, STK_BPF_MAXINSNS);

    /* bpf_check_classic, per instruction */
    for (size_t pc = 0; pc < len; pc++) {
        const struct sock_filter *f = &prog[pc];
        if (!classic_code_known(f->code))
            return fail(err, errlen, "instruction %zu: unknown opcode 0x%04x", pc, f->code);
        switch (f->code) {
        case BPF_ALU | BPF_DIV | BPF_K:
        case BPF_ALU | BPF_MOD | BPF_K:
            if (f->k == 0)
                return fail(err, errlen, "instruction %zu: division by constant zero", pc);
            break;
        case BPF_ALU | BPF_LSH | BPF_K:
        case BPF_ALU | BPF_RSH | BPF_K:
            if (f->k >= 32)
                return fail(err, errlen, "instruction %zu: shift by constant %u (must be < 32)",
                            pc, f->k);
            break;
        case BPF_LD | BPF_MEM:
        case BPF_LDX | BPF_MEM:
        case BPF_ST:
        case BPF_STX:
            if (f->k >= STK_BPF_MEMWORDS)
                return fail(err, errlen,
                            "instruction %zu: scratch memory index M[%u] out of range (0..%u)",
                            pc, f->k, STK_BPF_MEMWORDS - 1);
            break;
        case BPF_JMP | BPF_JA:
            if ((uint64_t)f->k >= (uint64_t)(len - pc - 1))
                return fail(err, errlen,
                            "instruction %zu: ja +%u jumps to %llu, past the last instruction "
                            "%zu",
                            pc, f->k, (unsigned long long)pc + 1 + f->k, len - 1);
            break;
        default:
            if (is_cond_jump(f->code)) {
                if (pc + f->jt + 1 >= len)
                    return fail(err, errlen,
                                "instruction %zu: jt +%u jumps to %zu, past the last "
                                "instruction %zu",
                                pc, f->jt, pc + f->jt + 1, len - 1);
                if (pc + f->jf + 1 >= len)
                    return fail(err, errlen,
                                "instruction %zu: jf +%u jumps to %zu, past the last "
                                "instruction %zu",
                                pc, f->jf, pc + f->jf + 1, len - 1);
            }
            break;
        }
    }

    uint16_t last = prog[len - 1].code;
    if (last != (BPF_RET | BPF_K) && last != (BPF_RET | BPF_A))
        return fail(err, errlen, "instruction %zu: the last instruction must be a ret", len - 1);

    if (check_mem_init(prog, len, err, errlen) != 0)
        return -1;

    /* seccomp_check_filter */
    for (size_t pc = 0; pc < len; pc++) {
        const struct sock_filter *f = &prog[pc];
        if (!seccomp_code_allowed(f->code)) {
            const char *name = code_name(f->code);
            if (name)
                return fail(err, errlen, "instruction %zu: %s (opcode 0x%04x) is not allowed in "
                            "seccomp filters", pc, name, f->code);
            return fail(err, errlen,
                        "instruction %zu: opcode 0x%04x is not allowed in seccomp filters", pc,
                        f->code);
        }
        if (f->code == (BPF_LD | BPF_W | BPF_ABS)) {
            if (f->k >= STK_SECCOMP_DATA_SIZE)
                return fail(err, errlen,
                            "instruction %zu: ld [%u] is outside struct seccomp_data (%u bytes)",
                            pc, f->k, STK_SECCOMP_DATA_SIZE);
            if (f->k & 3)
                return fail(err, errlen,
                            "instruction %zu: ld [%u] is not 4-byte aligned", pc, f->k);
        }
    }
    return 0;
}

/* ---- interpreter ------------------------------------------------------------ */

uint32_t stk_bpf_run(const struct sock_filter *prog, size_t len, const struct seccomp_data *d,
                     unsigned *executed)
{
    static const struct seccomp_data zero_data;
    uint32_t a = 0, x = 0;
    uint32_t mem[STK_BPF_MEMWORDS] = { 0 };

    if (!d)
        d = &zero_data;
    unsigned count = 0;
    uint32_t ret = 0;
    size_t pc = 0;

    for (;;) {
        if (!prog || pc >= len) {
            ret = 0;
            break;
        }
        const struct sock_filter *f = &prog[pc];
        uint32_t k = f->k;
        count++;
        pc++;
        switch (f->code) {
        case BPF_LD | BPF_W | BPF_ABS:
            if (k >= STK_SECCOMP_DATA_SIZE || (k & 3))
                goto stop;
            memcpy(&a, (const unsigned char *)d + k, sizeof a);
            continue;
        case BPF_LD | BPF_W | BPF_LEN:
            a = STK_SECCOMP_DATA_SIZE;
            continue;
        case BPF_LDX | BPF_W | BPF_LEN:
            x = STK_SECCOMP_DATA_SIZE;
            continue;
        case BPF_LD | BPF_IMM:
            a = k;
            continue;
        case BPF_LDX | BPF_IMM:
            x = k;
            continue;
        case BPF_LD | BPF_MEM:
            if (k >= STK_BPF_MEMWORDS)
                goto stop;
            a = mem[k];
            continue;
        case BPF_LDX | BPF_MEM:
            if (k >= STK_BPF_MEMWORDS)
                goto stop;
            x = mem[k];
            continue;
        case BPF_ST:
            if (k >= STK_BPF_MEMWORDS)
                goto stop;
            mem[k] = a;
            continue;
        case BPF_STX:
            if (k >= STK_BPF_MEMWORDS)
                goto stop;
            mem[k] = x;
            continue;
        case BPF_MISC | BPF_TAX:
            x = a;
            continue;
        case BPF_MISC | BPF_TXA:
            a = x;
            continue;
        case BPF_ALU | BPF_ADD | BPF_K: a += k; continue;
        case BPF_ALU | BPF_ADD | BPF_X: a += x; continue;
        case BPF_ALU | BPF_SUB | BPF_K: a -= k; continue;
        case BPF_ALU | BPF_SUB | BPF_X: a -= x; continue;
        case BPF_ALU | BPF_MUL | BPF_K: a *= k; continue;
        case BPF_ALU | BPF_MUL | BPF_X: a *= x; continue;
        case BPF_ALU | BPF_AND | BPF_K: a &= k; continue;
        case BPF_ALU | BPF_AND | BPF_X: a &= x; continue;
        case BPF_ALU | BPF_OR | BPF_K: a |= k; continue;
        case BPF_ALU | BPF_OR | BPF_X: a |= x; continue;
        case BPF_ALU | BPF_XOR | BPF_K: a ^= k; continue;
        case BPF_ALU | BPF_XOR | BPF_X: a ^= x; continue;
        case BPF_ALU | BPF_NEG: a = 0u - a; continue;
        case BPF_ALU | BPF_DIV | BPF_K:
            if (k == 0)
                goto stop; /* refused by the checker */
            a /= k;
            continue;
        case BPF_ALU | BPF_DIV | BPF_X:
            /* The eBPF conversion tests X first and returns 0. */
            if (x == 0) {
                ret = 0;
                goto done;
            }
            a /= x;
            continue;
        case BPF_ALU | BPF_LSH | BPF_K:
            if (k >= 32)
                goto stop; /* refused by the checker */
            a <<= k;
            continue;
        case BPF_ALU | BPF_RSH | BPF_K:
            if (k >= 32)
                goto stop;
            a >>= k;
            continue;
        /* eBPF 32-bit shifts by a register use its low 5 bits (interpreter and
         * the x86/arm64 JITs alike). */
        case BPF_ALU | BPF_LSH | BPF_X: a <<= (x & 31u); continue;
        case BPF_ALU | BPF_RSH | BPF_X: a >>= (x & 31u); continue;
        case BPF_JMP | BPF_JA:
            if ((uint64_t)k >= (uint64_t)(len - pc))
                goto stop;
            pc += k;
            continue;
        case BPF_JMP | BPF_JEQ | BPF_K: pc += (a == k) ? f->jt : f->jf; continue;
        case BPF_JMP | BPF_JEQ | BPF_X: pc += (a == x) ? f->jt : f->jf; continue;
        case BPF_JMP | BPF_JGE | BPF_K: pc += (a >= k) ? f->jt : f->jf; continue;
        case BPF_JMP | BPF_JGE | BPF_X: pc += (a >= x) ? f->jt : f->jf; continue;
        case BPF_JMP | BPF_JGT | BPF_K: pc += (a > k) ? f->jt : f->jf; continue;
        case BPF_JMP | BPF_JGT | BPF_X: pc += (a > x) ? f->jt : f->jf; continue;
        case BPF_JMP | BPF_JSET | BPF_K: pc += (a & k) ? f->jt : f->jf; continue;
        case BPF_JMP | BPF_JSET | BPF_X: pc += (a & x) ? f->jt : f->jf; continue;
        case BPF_RET | BPF_K:
            ret = k;
            goto done;
        case BPF_RET | BPF_A:
            ret = a;
            goto done;
        default:
            goto stop;
        }
    stop:
        ret = 0;
        break;
    }
done:
    if (executed)
        *executed = count;
    return ret;
}

/* ---- action cache ------------------------------------------------------------ */

bool stk_bpf_cacheable(const struct sock_filter *prog, size_t len, uint32_t arch, uint32_t nr)
{
    uint32_t a = 0;

    if (!prog)
        return false;
    for (size_t pc = 0; pc < len; pc++) {
        const struct sock_filter *f = &prog[pc];
        uint32_t k = f->k;
        bool taken;

        switch (f->code) {
        case BPF_LD | BPF_W | BPF_ABS:
            if (k == offsetof(struct seccomp_data, nr))
                a = nr;
            else if (k == offsetof(struct seccomp_data, arch))
                a = arch;
            else
                return false; /* depends on the arguments or the ip */
            break;
        case BPF_RET | BPF_K:
            return k == SECCOMP_RET_ALLOW;
        case BPF_JMP | BPF_JA:
            pc += k;
            break;
        case BPF_JMP | BPF_JEQ | BPF_K:
        case BPF_JMP | BPF_JGE | BPF_K:
        case BPF_JMP | BPF_JGT | BPF_K:
        case BPF_JMP | BPF_JSET | BPF_K:
            switch (BPF_OP(f->code)) {
            case BPF_JEQ: taken = a == k; break;
            case BPF_JGE: taken = a >= k; break;
            case BPF_JGT: taken = a > k; break;
            default: taken = (a & k) != 0; break;
            }
            pc += taken ? f->jt : f->jf;
            break;
        case BPF_ALU | BPF_AND | BPF_K:
            a &= k;
            break;
        default:
            return false;
        }
    }
    return false; /* ran off the end: not a valid program */
}
