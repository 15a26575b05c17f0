/* report_fmt.c — the pure parts of `--report` (report.h): what each action
 * of the policy becomes when the supervisor answers for the kernel, the
 * notifying copy of the program, and how a reported call is written.
 *
 * Syscall names, argument names and the ABIs come from common/ (syscalls.h,
 * sigs.h: the tables generated from common/data), which the static
 * stockade-exec links as libcommon.a: the compiler and the enforcer share one
 * source of truth. */
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
#include "supervise/report_decode.h"
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


/* ---- the listener guard --------------------------------------------------------- */

/* The ABIs the native kernel runs (the ones a policy can let in), those that
 * share an AUDIT_ARCH value (x32 and x86_64) next to each other. */
static const enum stk_abi guard_abis[] = {
#if defined(__x86_64__)
    STK_ABI_X86_64, STK_ABI_X32, STK_ABI_I386,
#elif defined(__i386__)
    STK_ABI_I386,
#elif defined(__aarch64__)
    STK_ABI_AARCH64, STK_ABI_ARM,
#elif defined(__arm__)
    STK_ABI_ARM,
#elif defined(__riscv) && __riscv_xlen == 64
    STK_ABI_RISCV64,
#endif
};
#define NGUARD_ABIS (sizeof guard_abis / sizeof guard_abis[0])

static uint32_t guard_arch(size_t i)
{
    return stk_abis[guard_abis[i]].audit_arch;
}

/* seccomp(2)'s flags: the low 32 bits of args[1] (the kernel reads an unsigned int) */
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define FLAGS_LO (offsetof(struct seccomp_data, args[1]) + 4)
#else
#define FLAGS_LO offsetof(struct seccomp_data, args[1])
#endif

/* seccomp's number (nr_offset applied) on guard_abis[i], or -1 */
static int64_t guard_nr(int seccomp_id, size_t i)
{
    return stk_syscall_nr(seccomp_id, guard_abis[i]);
}

/* The listener guard (report.h, STK_REPORT_GUARD_MAX). */
static size_t listener_guard(struct sock_filter *out)
{
    int sc = stk_syscall_lookup("seccomp");
    uint32_t nrs[NGUARD_ABIS + 1];
    size_t n = 0, ngroups = 0;
    uint32_t prev_arch = 0;
    for (size_t i = 0; i < NGUARD_ABIS; i++) {
        if (guard_nr(sc, i) < 0)
            continue;
        ngroups += n == 0 || guard_arch(i) != prev_arch;
        prev_arch = guard_arch(i);
        nrs[n++] = (uint32_t)guard_nr(sc, i);
    }
    if (!n)
        return 0;
    /* ld arch; per arch: jeq arch, ld nr, jeq nr...; FLAGS: ld flags, jset,
     * ret EBUSY; END: A &= 0 (A as the program finds it at the start: 0) */
    size_t flags_at = 1 + 2 * ngroups + n, end = flags_at + 3, pc = 0, k = 0;
    out[pc++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
    for (size_t i = 0; i < NGUARD_ABIS; i++) {
        if (guard_nr(sc, i) < 0)
            continue;
        uint32_t arch = guard_arch(i);
        size_t group_end = pc + 2; /* the arch test, ld nr, then this arch's numbers */
        for (size_t j = i; j < NGUARD_ABIS && guard_arch(j) == arch; j++)
            group_end += guard_nr(sc, j) >= 0;
        /* another arch: the next group (A still holds the arch) or END */
        size_t next = group_end < flags_at ? group_end : end;
        out[pc] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, arch, 0, (uint8_t)(next - pc - 1));
        pc++;
        out[pc++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
        for (; i < NGUARD_ABIS && guard_arch(i) == arch; i++) {
            if (guard_nr(sc, i) < 0)
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
    size_t g = listener_guard(guard);
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

/* The ABI of a call on arch with number nr (stk_abis[]: x32 is x86_64's
 * AUDIT_ARCH with its bit in the number), or -1. */
static int abi_of(uint32_t arch, uint32_t nr)
{
    int abi = -1;
    for (int a = 0; a < STK_ABI_COUNT; a++) {
        uint32_t off = stk_abis[a].nr_offset;
        if (stk_abis[a].audit_arch != arch)
            continue;
        if (off && (nr & off) == off)
            return a;
        if (!off)
            abi = a;
    }
    return abi;
}

static const char *name_on(int abi, uint32_t nr)
{
    return abi >= 0 ? stk_syscall_name_by_nr((enum stk_abi)abi, nr) : NULL;
}

const char *stk_report_syscall_name(uint32_t arch, uint32_t nr, const char **abi_name)
{
    int abi = abi_of(arch, nr);
    *abi_name = abi >= 0 && abi != (int)stk_native_abi() ? stk_abis[abi].name : NULL;
    return name_on(abi, nr);
}

/* The argument signature of name on abi (the per-ABI override when there is one). */
static const struct stk_sig *sig_of(const char *name, int abi)
{
    return name && abi >= 0 ? stk_sig_lookup_abi(name, (enum stk_abi)abi) : NULL;
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

const char *stk_report_family_name(uint64_t v)
{
    return family_name(v);
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

/* The bits of v the kernel reads for an argument of type t. */
static uint64_t narrowed(uint64_t v, enum stk_arg_type t, bool is64)
{
    return t == STK_ARG_INT || t == STK_ARG_UINT || !is64 ? v & 0xffffffffu : v;
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

unsigned stk_report_string_args(const struct seccomp_data *d)
{
    int abi = abi_of(d->arch, (uint32_t)d->nr);
    const struct stk_sig *sig = sig_of(name_on(abi, (uint32_t)d->nr), abi);
    unsigned mask = 0;
    for (unsigned i = 0; sig && i < sig->nargs && i < 6; i++)
        if (sig->args[i].type == STK_ARG_ULONG && is_string_arg(sig->args[i].name) &&
            d->args[i] != 0)
            mask |= 1u << i;
    return mask;
}

int stk_report_sockaddr_arg(const struct seccomp_data *d, unsigned *len_i)
{
    int abi = abi_of(d->arch, (uint32_t)d->nr);
    const struct stk_sig *sig = sig_of(name_on(abi, (uint32_t)d->nr), abi);
    for (unsigned i = 0; sig && i + 1 < sig->nargs && i + 1 < 6; i++)
        if (sig->args[i].type == STK_ARG_ULONG &&
            (strcmp(sig->args[i].name, "addr") == 0 || strcmp(sig->args[i].name, "dest_addr") == 0) &&
            strcmp(sig->args[i + 1].name, "addrlen") == 0 && sig->args[i + 1].type == STK_ARG_INT &&
            d->args[i] != 0) { /* a length by value: an address the kernel reads, not one it writes */
            *len_i = i + 1;
            return (int)i;
        }
    return -1;
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
        char e[5];
        if (c == '"' || c == '\\')
            snprintf(e, sizeof e, "\\%c", c);
        else if (c == '\n')
            snprintf(e, sizeof e, "\\n");
        else if (c == '\t')
            snprintf(e, sizeof e, "\\t");
        else if (c < 0x20 || c >= 0x7f)
            snprintf(e, sizeof e, "\\x%02x", c);
        else
            snprintf(e, sizeof e, "%c", c);
        /* room for this character whole and for the closing `"...`: a string
         * the command chose never ends open or inside an escape */
        if (o.n + strlen(e) + 4 >= len)
            break;
        put(&o, "%s", e);
    }
    if (o.n + 4 >= len) /* a buffer too small for even `""...` */
        o.n = len > 5 ? len - 5 : 0;
    o.p[o.n] = '\0';
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
    int abi = abi_of(d->arch, (uint32_t)d->nr);
    if (abi < 0)
        put(&o, "arch 0x%x:", d->arch);
    else if (abi_name)
        put(&o, "%s:", abi_name);
    const struct stk_sig *sig = sig_of(name, abi);
    bool is64 = abi < 0 || stk_abis[abi].is_64bit;
    if (name)
        put(&o, "%s(", name);
    else
        put(&o, "syscall#%d(", d->nr);
    if (sig) {
        bool first = true;
        for (unsigned i = 0; i < sig->nargs && i < 6; i++) {
            if (stk_report_decode_omit(name, sig, i, d))
                continue;
            put(&o, "%s%s=", first ? "" : ", ", sig->args[i].name[0] ? sig->args[i].name : "?");
            first = false;
            char dec[512]; /* every flag of clone or mmap set fits (a longer decode is refused) */
            if (strs && strs[i])
                put(&o, "%s", strs[i]);
            else if (stk_report_decode_arg(dec, sizeof dec, name, sig, i, narrowed(d->args[i], sig->args[i].type, is64)))
                put(&o, "%s", dec);
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
