/* report_fmt.c — the pure parts of `--report` (report.h): what each action
 * of the policy becomes when the supervisor answers for the kernel, the
 * notifying copy of the program, and how a reported call is written.
 *
 * Syscall names and argument names come from the compiler's generated tables
 * (build/gen/syscall_table.c from common/data/syscalls.csv, and
 * build/gen/sigs_table.c from common/data/syscall-args.txt): they are data
 * only, so the static stockade-exec links them as they are and the compiler
 * and the enforcer share one source of truth. */
#include "supervise/report.h"

#include <errno.h>
#include <stdarg.h>
#include <linux/audit.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "sigs.h"
#include "sigs_table.h"
#include "syscalls.h"

/* ---- actions ----------------------------------------------------------------- */

void stk_report_decide(uint32_t ret, struct stk_decision *d)
{
    uint32_t data = ret & SECCOMP_RET_DATA;
    memset(d, 0, sizeof *d);
    switch (ret & SECCOMP_RET_ACTION_FULL) {
    case SECCOMP_RET_ERRNO:
        /* the kernel caps the errno at MAX_ERRNO */
        d->verdict = STK_V_ERRNO;
        d->err = data > 4095 ? 4095 : (int)data;
        d->action = "errno";
        d->category = "blocked";
        return;
    case SECCOMP_RET_LOG:
        d->verdict = STK_V_CONTINUE;
        d->action = "log";
        d->category = "logged";
        return;
    case SECCOMP_RET_ALLOW:
        /* never notified (the rewrite keeps ALLOW returns); answered as the policy says */
        d->verdict = STK_V_CONTINUE;
        d->action = "allow";
        d->category = "allowed";
        return;
    case SECCOMP_RET_TRACE:
        /* without a tracer (the supervisor is not one) the call fails with ENOSYS */
        d->verdict = STK_V_ERRNO;
        d->err = ENOSYS;
        d->action = "trace";
        d->category = "blocked";
        return;
    case SECCOMP_RET_USER_NOTIF:
        /* the policy's own `notify`: with no listener of its own, ENOSYS */
        d->verdict = STK_V_ERRNO;
        d->err = ENOSYS;
        d->action = "notify";
        d->category = "blocked";
        return;
    case SECCOMP_RET_TRAP:
        d->verdict = STK_V_TRAP;
        d->err = ENOSYS;
        d->action = "trap";
        d->category = "trapped";
        return;
    case SECCOMP_RET_KILL_THREAD:
        d->verdict = STK_V_KILL;
        d->action = "kill-thread";
        d->category = "killed";
        return;
    case SECCOMP_RET_KILL_PROCESS:
    default: /* the kernel treats unknown actions as kill-process */
        d->verdict = STK_V_KILL;
        d->action = "kill-process";
        d->category = "killed";
        return;
    }
}

int64_t stk_report_trap_value(const struct seccomp_data *d)
{
    if (d->arch == AUDIT_ARCH_X86_64 || d->arch == AUDIT_ARCH_I386)
        return d->nr;
    return (int64_t)d->args[0];
}

int stk_report_rewrite(struct sock_filter *prog, size_t len, struct stk_err *e)
{
    for (size_t i = 0; i < len; i++) {
        if (prog[i].code == (BPF_RET | BPF_A))
            return stk_errf(e, "report", "seccomp instruction %zu returns a computed action; --report cannot "
                            "rewrite this program", i);
        if (prog[i].code == (BPF_RET | BPF_K) && (prog[i].k & SECCOMP_RET_ACTION_FULL) != SECCOMP_RET_ALLOW)
            prog[i].k = SECCOMP_RET_USER_NOTIF;
    }
    return 0;
}


#if defined(__x86_64__)
#define NATIVE_ABI STK_ABI_X86_64
#elif defined(__i386__)
#define NATIVE_ABI STK_ABI_I386
#elif defined(__aarch64__)
#define NATIVE_ABI STK_ABI_AARCH64
#elif defined(__arm__)
#define NATIVE_ABI STK_ABI_ARM
#elif defined(__riscv) && __riscv_xlen == 64
#define NATIVE_ABI STK_ABI_RISCV64
#else
#define NATIVE_ABI (-1)
#endif

/* ---- the listener guard --------------------------------------------------------- */

/* The ABIs the native kernel runs (the ones a policy can let in), grouped by
 * their AUDIT_ARCH value: x32 shares x86_64's. */
static const struct {
    int abi;
    uint32_t audit_arch, nr_offset;
} guard_abis[] = {
#if defined(__x86_64__)
    {STK_ABI_X86_64, AUDIT_ARCH_X86_64, 0},
    {STK_ABI_X32, AUDIT_ARCH_X86_64, STK_X32_SYSCALL_BIT},
    {STK_ABI_I386, AUDIT_ARCH_I386, 0},
#elif defined(__i386__)
    {STK_ABI_I386, AUDIT_ARCH_I386, 0},
#elif defined(__aarch64__)
    {STK_ABI_AARCH64, AUDIT_ARCH_AARCH64, 0},
    {STK_ABI_ARM, AUDIT_ARCH_ARM, 0},
#elif defined(__arm__)
    {STK_ABI_ARM, AUDIT_ARCH_ARM, 0},
#elif defined(__riscv) && __riscv_xlen == 64
    {STK_ABI_RISCV64, AUDIT_ARCH_RISCV64, 0},
#else
    {-1, 0, 0}, /* no guard: stk_report_notifying_copy refuses */
#endif
};
#define NGUARD_ABIS (sizeof guard_abis / sizeof guard_abis[0])

/* seccomp(2)'s flags: the low 32 bits of args[1] (the kernel reads an unsigned int) */
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define FLAGS_LO (offsetof(struct seccomp_data, args[1]) + 4)
#else
#define FLAGS_LO offsetof(struct seccomp_data, args[1])
#endif

static const struct stk_syscall *seccomp_entry(void);

/* seccomp's number on guard_abis[i] (nr_offset not applied), or STK_NR_NONE */
static int32_t guard_nr(const struct stk_syscall *sc, size_t i)
{
    return sc && guard_abis[i].abi >= 0 ? sc->nr[guard_abis[i].abi] : STK_NR_NONE;
}

static const struct stk_syscall *seccomp_entry(void)
{
    size_t lo = 0, hi = stk_syscall_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp("seccomp", stk_syscall_table[mid].name);
        if (c == 0)
            return &stk_syscall_table[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

size_t stk_report_guard(struct sock_filter *out)
{
    const struct stk_syscall *sc = seccomp_entry();
    uint32_t nrs[NGUARD_ABIS + 1];
    size_t n = 0, ngroups = 0;
    uint32_t prev_arch = 0;
    for (size_t i = 0; i < NGUARD_ABIS; i++) {
        if (guard_nr(sc, i) == STK_NR_NONE)
            continue;
        ngroups += n == 0 || guard_abis[i].audit_arch != prev_arch;
        prev_arch = guard_abis[i].audit_arch;
        nrs[n++] = (uint32_t)guard_nr(sc, i) + guard_abis[i].nr_offset;
    }
    if (!n)
        return 0;
    /* ld arch; per arch: jeq arch, ld nr, jeq nr...; FLAGS: ld flags, jset,
     * ret EBUSY; END: A &= 0 (A as the program finds it at the start: 0) */
    size_t flags_at = 1 + 2 * ngroups + n, end = flags_at + 3, pc = 0, k = 0;
    out[pc++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
    for (size_t i = 0; i < NGUARD_ABIS; i++) {
        if (guard_nr(sc, i) == STK_NR_NONE)
            continue;
        uint32_t arch = guard_abis[i].audit_arch;
        size_t group_end = pc + 2; /* the arch test, ld nr, then this arch's numbers */
        for (size_t j = i; j < NGUARD_ABIS && guard_abis[j].audit_arch == arch; j++)
            group_end += guard_nr(sc, j) != STK_NR_NONE;
        /* another arch: the next group (A still holds the arch) or END */
        size_t next = group_end < flags_at ? group_end : end;
        out[pc] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, arch, 0, (uint8_t)(next - pc - 1));
        pc++;
        out[pc++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
        for (; i < NGUARD_ABIS && guard_abis[i].audit_arch == arch; i++) {
            if (guard_nr(sc, i) == STK_NR_NONE)
                continue;
            /* the arch matched: no other group can; another number goes to END */
            uint8_t jf = pc + 1 == group_end ? (uint8_t)(end - pc - 1) : 0;
            out[pc] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, nrs[k++], (uint8_t)(flags_at - pc - 1), jf);
            pc++;
        }
        i--; /* the outer loop's increment */
    }
    out[pc++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, FLAGS_LO);
    out[pc++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, SECCOMP_FILTER_FLAG_NEW_LISTENER, 0, 1);
    out[pc++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EBUSY);
    out[pc++] = (struct sock_filter)BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0);
    return pc;
}

int stk_report_notifying_copy(const struct sock_filter *prog, size_t len, struct sock_filter **out, size_t *out_len,
                              struct stk_err *e)
{
    struct sock_filter guard[STK_REPORT_GUARD_MAX];
    size_t g = stk_report_guard(guard);
    if (!g)
        return stk_errf(e, "report", "seccomp(2) has no number on this architecture in the syscall table");
    if (len + g > 4096)
        return stk_errf(e, "report", "the program has %zu instructions; with the %zu of --report's listener "
                        "guard it exceeds the kernel's 4096", len, g);
    struct sock_filter *c = calloc(len + g, sizeof *c);
    if (!c)
        return stk_errnof(e, "report", ENOMEM, "copying the program");
    memcpy(c, guard, g * sizeof *c);
    memcpy(c + g, prog, len * sizeof *c);
    if (stk_report_rewrite(c + g, len, e) < 0) {
        free(c);
        return -1;
    }
    *out = c;
    *out_len = len + g;
    return 0;
}

/* ---- names -------------------------------------------------------------------- */

static const char *const abi_names[STK_ABI_COUNT] = {
    [STK_ABI_X86_64] = "x86_64", [STK_ABI_I386] = "i386",  [STK_ABI_X32] = "x32",
    [STK_ABI_AARCH64] = "aarch64", [STK_ABI_ARM] = "arm", [STK_ABI_RISCV64] = "riscv64",
};

/* The ABI of (arch, nr) and the table number, or -1. */
static int abi_of(uint32_t arch, uint32_t nr, uint32_t *table_nr)
{
    *table_nr = nr;
    switch (arch) {
    case AUDIT_ARCH_X86_64:
        if (nr & STK_X32_SYSCALL_BIT) {
            *table_nr = nr & ~STK_X32_SYSCALL_BIT;
            return STK_ABI_X32;
        }
        return STK_ABI_X86_64;
    case AUDIT_ARCH_I386: return STK_ABI_I386;
    case AUDIT_ARCH_AARCH64: return STK_ABI_AARCH64;
    case AUDIT_ARCH_ARM: return STK_ABI_ARM;
    case AUDIT_ARCH_RISCV64: return STK_ABI_RISCV64;
    default: return -1;
    }
}

const char *stk_report_syscall_name(uint32_t arch, uint32_t nr, const char **abi_name)
{
    uint32_t tnr;
    int abi = abi_of(arch, nr, &tnr);
    *abi_name = NULL;
    if (abi < 0)
        return NULL;
    if (abi != NATIVE_ABI)
        *abi_name = abi_names[abi];
    if (tnr > (uint32_t)INT32_MAX)
        return NULL;
    /* a few hundred entries, once per reported call: a scan is enough */
    for (size_t i = 0; i < stk_syscall_count; i++)
        if (stk_syscall_table[i].nr[abi] == (int32_t)tnr)
            return stk_syscall_table[i].name;
    return NULL;
}

/* The argument signature of name on abi (the per-ABI override when there is one). */
static const struct stk_sig *sig_of(const char *name, int abi)
{
    for (size_t i = 0; i < stk_sig_override_count; i++) {
        const struct stk_sig_override *o = &stk_sig_overrides[i];
        if ((o->abis & (UINT32_C(1) << abi)) && strcmp(o->sig.syscall, name) == 0)
            return &o->sig;
    }
    size_t lo = 0, hi = stk_sig_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(name, stk_sig_table[mid].syscall);
        if (c == 0)
            return &stk_sig_table[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

const char *stk_report_errno_name(int err, char *buf, size_t len)
{
    const char *n = err > 0 ? strerrorname_np(err) : NULL;
    if (n)
        return n;
    snprintf(buf, len, "%d", err);
    return buf;
}

/* ---- the call ------------------------------------------------------------------- */

struct out {
    char *p;
    size_t len, n;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct out *o, const char *fmt, ...)
{
    if (o->n >= o->len)
        return;
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(o->p + o->n, o->len - o->n, fmt, ap);
    va_end(ap);
    if (w < 0)
        return;
    o->n = (size_t)w >= o->len - o->n ? o->len - 1 : o->n + (size_t)w;
}

/* Address families by name (socket's and socketpair's domain): the values
 * come from the system headers. */
static const char *family_name(uint64_t v)
{
#define F(x) case x: return #x
    switch (v) {
    F(AF_UNIX); F(AF_INET); F(AF_INET6); F(AF_NETLINK); F(AF_PACKET); F(AF_BLUETOOTH); F(AF_ALG);
    F(AF_VSOCK); F(AF_KEY); F(AF_CAN); F(AF_TIPC); F(AF_RDS); F(AF_LLC); F(AF_IB); F(AF_MPLS);
    F(AF_XDP); F(AF_APPLETALK); F(AF_AX25); F(AF_X25); F(AF_NFC); F(AF_QIPCRTR); F(AF_SMC);
    default: return NULL;
    }
#undef F
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Exactly the bits the kernel reads for the argument: flags in hex, modes in
 * octal, other small values in decimal (descriptors, families, lengths), the
 * rest (pointers, large values) in hex. */
static void put_arg(struct out *o, uint64_t v, enum stk_arg_type t, bool is64, const char *name)
{
    bool narrow = t == STK_ARG_INT || t == STK_ARG_UINT || !is64;
    if (narrow)
        v &= 0xffffffffu;
    if (name && (ends_with(name, "flags") || strcmp(name, "type") == 0 || strcmp(name, "prot") == 0)) {
        put(o, "0x%llx", (unsigned long long)v);
        return;
    }
    const char *fam = name && strcmp(name, "domain") == 0 ? family_name(v) : NULL;
    if (fam) {
        put(o, "%s", fam);
        return;
    }
    if (name && strcmp(name, "mode") == 0) {
        put(o, "0%llo", (unsigned long long)v);
        return;
    }
    if (t == STK_ARG_INT || t == STK_ARG_LONG) {
        int64_t s = narrow ? (int64_t)(int32_t)(uint32_t)v : (int64_t)v;
        if (s >= -65536 && s <= 65535) {
            put(o, "%lld", (long long)s);
            return;
        }
    } else if (v <= 65535) {
        put(o, "%llu", (unsigned long long)v);
        return;
    }
    put(o, "0x%llx", (unsigned long long)v);
}

static bool is_string_arg(const char *name)
{
    static const char *const names[] = {"pathname", "path",   "oldpath", "newpath",  "filename",
                                        "linkpath", "target", "source",  "filesystemtype", "special",
                                        "library",  "fsname", "to_path", "from_path", "name",
                                        "oldname",  "newname", "type"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i]) == 0)
            return true;
    return false;
}

static const struct stk_sig *call_sig(const struct seccomp_data *d, int *abi_out)
{
    const char *abi_name;
    const char *name = stk_report_syscall_name(d->arch, (uint32_t)d->nr, &abi_name);
    uint32_t tnr;
    int abi = abi_of(d->arch, (uint32_t)d->nr, &tnr);
    *abi_out = abi;
    return name && abi >= 0 ? sig_of(name, abi) : NULL;
}

unsigned stk_report_string_args(const struct seccomp_data *d)
{
    int abi;
    const struct stk_sig *sig = call_sig(d, &abi);
    unsigned mask = 0;
    for (unsigned i = 0; sig && i < sig->nargs && i < 6; i++)
        if (sig->args[i].type == STK_ARG_ULONG && is_string_arg(sig->args[i].name) &&
            d->args[i] != 0)
            mask |= 1u << i;
    return mask;
}

void stk_report_quote(char *buf, size_t len, const char *s, size_t n, size_t max, bool cut)
{
    struct out o = {buf, len, 0};
    if (!len)
        return;
    buf[0] = '\0';
    put(&o, "\"");
    size_t i = 0;
    for (; i < n && i < max; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            put(&o, "\\%c", c);
        else if (c == '\n')
            put(&o, "\\n");
        else if (c == '\t')
            put(&o, "\\t");
        else if (c < 0x20 || c >= 0x7f)
            put(&o, "\\x%02x", c);
        else
            put(&o, "%c", c);
    }
    put(&o, "\"%s", cut || i < n ? "..." : "");
}

void stk_report_format_call(char *buf, size_t len, const struct seccomp_data *d, const char *const *strs)
{
    struct out o = {buf, len, 0};
    if (!len)
        return;
    buf[0] = '\0';
    const char *abi_name;
    const char *name = stk_report_syscall_name(d->arch, (uint32_t)d->nr, &abi_name);
    uint32_t tnr;
    int abi = abi_of(d->arch, (uint32_t)d->nr, &tnr);
    if (abi < 0)
        put(&o, "arch 0x%x:", d->arch);
    else if (abi_name)
        put(&o, "%s:", abi_name);
    const struct stk_sig *sig = name && abi >= 0 ? sig_of(name, abi) : NULL;
    bool is64 = abi < 0 || abi == STK_ABI_X86_64 || abi == STK_ABI_X32 || abi == STK_ABI_AARCH64 ||
                abi == STK_ABI_RISCV64;
    if (name)
        put(&o, "%s(", name);
    else
        put(&o, "syscall#%d(", d->nr);
    if (sig) {
        for (unsigned i = 0; i < sig->nargs && i < 6; i++) {
            put(&o, "%s%s=", i ? ", " : "", sig->args[i].name[0] ? sig->args[i].name : "?");
            if (strs && strs[i])
                put(&o, "%s", strs[i]);
            else
                put_arg(&o, d->args[i], sig->args[i].type, is64, sig->args[i].name);
        }
    } else {
        for (unsigned i = 0; i < 6; i++) {
            put(&o, "%s", i ? ", " : "");
            put_arg(&o, d->args[i], STK_ARG_ULONG, is64, NULL);
        }
    }
    put(&o, ")");
}
