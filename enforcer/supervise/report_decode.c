/* report_decode.c — symbolic names for the arguments of a reported call
 * (report_decode.h).  The values come from common/'s generated constant
 * table (consts.h), so nothing is typed in twice; a value without a name
 * stays numeric. */
#include "supervise/report_decode.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "consts.h"

struct dbuf {
    char *p;
    size_t len, n;
    bool any; /* something written: the next flag gets a '|' */
    bool cut; /* something did not fit: the decode is refused, never cut short */
};

static void dput(struct dbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void dput(struct dbuf *b, const char *fmt, ...)
{
    if (b->n >= b->len) {
        b->cut = true;
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(b->p + b->n, b->len - b->n, fmt, ap);
    va_end(ap);
    if (w < 0 || (size_t)w >= b->len - b->n) {
        b->cut = true;
        b->n = b->len - 1;
        return;
    }
    b->n += (size_t)w;
}

static void dflag(struct dbuf *b, const char *name)
{
    dput(b, "%s%s", b->any ? "|" : "", name);
    b->any = true;
}

static int64_t cval(const char *name)
{
    int64_t v = 0;
    return stk_const_lookup(name, &v) ? v : 0;
}

/* Each of names (NULL-terminated, wider sets first) whose bits are all in
 * *v, then what is left in hex; *v is left empty. */
static void dflags(struct dbuf *b, const char *const *names, uint64_t *v)
{
    for (; *names; names++) {
        uint64_t f = (uint64_t)cval(*names);
        if (f && (*v & f) == f) {
            dflag(b, *names);
            *v &= ~f;
        }
    }
}

static void drest(struct dbuf *b, uint64_t v)
{
    if (v || !b->any) {
        char hex[24];
        snprintf(hex, sizeof hex, "0x%llx", (unsigned long long)v);
        dflag(b, hex);
    }
}

/* ---- enum-like values ---------------------------------------------------------- */

/* PR_ names that are not options (arguments of an option) */
static const char *const pr_skip[] = {
    "PR_CAP_AMBIENT_", "PR_ENDIAN_", "PR_FPEMU_", "PR_FP_", "PR_MCE_KILL_CLEAR", "PR_MCE_KILL_DEFAULT",
    "PR_MCE_KILL_EARLY", "PR_MCE_KILL_LATE", "PR_MCE_KILL_SET", "PR_MTE_", "PR_PAC_AP", "PR_SCHED_CORE_",
    "PR_SET_MM_", "PR_SET_PTRACER_ANY", "PR_SET_VMA_", "PR_SME_SET_VL_ONEXEC", "PR_SME_VL_", "PR_SPEC_",
    "PR_SVE_SET_VL_ONEXEC", "PR_SVE_VL_", "PR_SYS_DISPATCH_", "PR_TAGGED_", "PR_TIMING_", "PR_TSC_",
    "PR_UNALIGN_", NULL};
/* TIOC names that are not requests (modem lines, packet-mode bits) */
static const char *const tioc_skip[] = {"TIOCM_", "TIOCPKT_", "TIOCSER_TEMT", NULL};
/* F_ names that are not fcntl commands (lockf, lock types, owner types, seals) */
static const char *const f_skip[] = {"F_OK", "F_LOCK", "F_TLOCK", "F_ULOCK", "F_TEST", "F_RDLCK", "F_WRLCK",
                                     "F_UNLCK", "F_EXLCK", "F_SHLCK", "F_OWNER_", "F_SEAL_", NULL};
/* SOCK_ names that are not socket types */
static const char *const sock_skip[] = {"SOCK_BUF_", "SOCK_RCVBUF_", "SOCK_SNDBUF_", "SOCK_TXREHASH_",
                                        "SOCK_CLOEXEC", "SOCK_NONBLOCK", NULL};

static bool put_name(struct dbuf *b, const char *n)
{
    if (!n)
        return false;
    dput(b, "%s", n);
    return true;
}

static bool ioctl_request(struct dbuf *b, uint64_t v)
{
    const char *n = stk_const_name_by_value("FIO", NULL, (int64_t)v);
    return put_name(b, n ? n : stk_const_name_by_value("TIOC", tioc_skip, (int64_t)v));
}

/* SOCK_STREAM|SOCK_NONBLOCK|SOCK_CLOEXEC; an unknown type: the number */
static bool socket_type(struct dbuf *b, uint64_t v)
{
    const char *n = stk_const_name_by_value("SOCK_", sock_skip, (int64_t)(v & 0xf));
    if (!n)
        return false;
    dflag(b, n);
    v &= ~(uint64_t)0xf;
    static const char *const fl[] = {"SOCK_NONBLOCK", "SOCK_CLOEXEC", NULL};
    dflags(b, fl, &v);
    if (v)
        drest(b, v);
    return true;
}

/* ---- flag sets ------------------------------------------------------------------ */

/* wider sets first: O_TMPFILE holds O_DIRECTORY's bit, O_SYNC O_DSYNC's */
static const char *const o_flags[] = {"O_CREAT",   "O_EXCL",      "O_NOCTTY",   "O_TRUNC",   "O_APPEND",
                                      "O_NONBLOCK", "O_SYNC",     "O_DSYNC",    "O_ASYNC",   "O_DIRECT",
                                      "O_LARGEFILE", "O_TMPFILE", "O_DIRECTORY", "O_NOFOLLOW", "O_NOATIME",
                                      "O_CLOEXEC", "O_PATH",      NULL};

static void open_flags(struct dbuf *b, uint64_t v)
{
    uint64_t acc = v & (uint64_t)cval("O_ACCMODE");
    dflag(b, acc == (uint64_t)cval("O_WRONLY") ? "O_WRONLY" : acc == (uint64_t)cval("O_RDWR") ? "O_RDWR"
             : acc == 0 ? "O_RDONLY" : "O_ACCMODE");
    v &= ~(uint64_t)cval("O_ACCMODE");
    dflags(b, o_flags, &v);
    if (v)
        drest(b, v);
}

static void prot_flags(struct dbuf *b, uint64_t v)
{
    static const char *const fl[] = {"PROT_READ", "PROT_WRITE", "PROT_EXEC", "PROT_GROWSDOWN", "PROT_GROWSUP", NULL};
    if (!v) {
        dflag(b, "PROT_NONE");
        return;
    }
    dflags(b, fl, &v);
    drest(b, v);
}

static void map_flags(struct dbuf *b, uint64_t v)
{
    static const char *const types[] = {"MAP_SHARED_VALIDATE", "MAP_SHARED", "MAP_PRIVATE", NULL};
    static const char *const fl[] = {"MAP_32BIT", "MAP_ANONYMOUS", "MAP_DENYWRITE", "MAP_EXECUTABLE",
                                     "MAP_FIXED", "MAP_FIXED_NOREPLACE", "MAP_GROWSDOWN", "MAP_HUGETLB",
                                     "MAP_LOCKED", "MAP_NONBLOCK", "MAP_NORESERVE", "MAP_POPULATE", "MAP_STACK",
                                     "MAP_SYNC", NULL};
    uint64_t type = v & (uint64_t)cval("MAP_TYPE");
    for (const char *const *t = types; *t; t++)
        if (type && type == (uint64_t)cval(*t)) {
            dflag(b, *t);
            v &= ~type;
            break;
        }
    dflags(b, fl, &v);
    drest(b, v);
}

/* clone(2) keeps the exit signal in the low byte; unshare(2) has CLONE_NEWTIME there */
static void clone_flags(struct dbuf *b, uint64_t v, bool signal)
{
    static const char *const fl[] = {
        "CLONE_NEWTIME", "CLONE_VM",       "CLONE_FS",        "CLONE_FILES",         "CLONE_SIGHAND",
        "CLONE_PIDFD",   "CLONE_PTRACE",   "CLONE_VFORK",     "CLONE_PARENT",        "CLONE_THREAD",
        "CLONE_NEWNS",   "CLONE_SYSVSEM",  "CLONE_SETTLS",    "CLONE_PARENT_SETTID", "CLONE_CHILD_CLEARTID",
        "CLONE_DETACHED", "CLONE_UNTRACED", "CLONE_CHILD_SETTID", "CLONE_NEWCGROUP", "CLONE_NEWUTS",
        "CLONE_NEWIPC",  "CLONE_NEWUSER",  "CLONE_NEWPID",    "CLONE_NEWNET",        "CLONE_IO", NULL};
    uint64_t sig = signal ? v & 0xff : 0;
    v &= ~sig;
    dflags(b, signal ? fl + 1 : fl, &v);
    if (v)
        drest(b, v);
    const char *abbrev = sig ? sigabbrev_np((int)sig) : NULL;
    if (abbrev) {
        dput(b, "%sSIG%s", b->any ? "|" : "", abbrev);
        b->any = true;
    } else if (sig || !b->any) {
        drest(b, sig);
    }
}

/* ---- the argument --------------------------------------------------------------- */

static bool is(const char *a, const char *b)
{
    return strcmp(a, b) == 0;
}

static bool is_open(const char *name)
{
    return is(name, "open") || is(name, "openat");
}

/* The decode into b; false: no name for this argument. */
static bool decode(struct dbuf *b, const char *name, const struct stk_sig *sig, unsigned i, uint64_t v)
{
    const char *arg = sig->args[i].name;
    if (is(name, "prctl") && is(arg, "option"))
        return put_name(b, stk_const_name_by_value("PR_", pr_skip, (int64_t)v));
    if (is(name, "ioctl") && is(arg, "request"))
        return ioctl_request(b, v);
    if ((is(name, "fcntl") || is(name, "fcntl64")) && is(arg, "cmd"))
        return put_name(b, stk_const_name_by_value("F_", f_skip, (int64_t)v));
    if ((is(name, "socket") || is(name, "socketpair")) && is(arg, "type"))
        return socket_type(b, v);
    if (is_open(name) && is(arg, "flags"))
        open_flags(b, v);
    else if ((is(name, "mmap") || is(name, "mmap2")) && is(arg, "flags"))
        map_flags(b, v);
    else if (is(arg, "prot") && (is(name, "mmap") || is(name, "mmap2") || is(name, "mprotect") ||
                                 is(name, "pkey_mprotect")))
        prot_flags(b, v);
    else if ((is(name, "clone") || is(name, "unshare")) && is(arg, "flags"))
        clone_flags(b, v, is(name, "clone"));
    else if (is(name, "umask") && is(arg, "mask"))
        dput(b, "0%llo", (unsigned long long)v);
    else
        return false;
    return true;
}

bool stk_report_decode_arg(char *buf, size_t len, const char *name, const struct stk_sig *sig, unsigned i,
                           uint64_t v)
{
    if (!len || !name || !sig || i >= sig->nargs)
        return false;
    struct dbuf b = {buf, len, 0, false, false};
    buf[0] = '\0';
    if (decode(&b, name, sig, i, v) && !b.cut)
        return true;
    buf[0] = '\0'; /* cut short, it would hide flags or show a smaller number: the caller prints the value */
    return false;
}

bool stk_report_decode_omit(const char *name, const struct stk_sig *sig, unsigned i, const struct seccomp_data *d)
{
    if (!name || !sig || !is_open(name) || i >= sig->nargs || !is(sig->args[i].name, "mode"))
        return false;
    for (unsigned f = 0; f < sig->nargs && f < 6; f++)
        if (is(sig->args[f].name, "flags")) {
            uint64_t flags = d->args[f] & 0xffffffffu;
            uint64_t creat = (uint64_t)cval("O_CREAT"), tmp = (uint64_t)cval("O_TMPFILE");
            return !(flags & creat) && (flags & tmp) != tmp;
        }
    return false;
}
