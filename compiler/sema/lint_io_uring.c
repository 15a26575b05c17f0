/* lint_io_uring.c — lint: a seccomp policy that lets io_uring in while it
 * restricts calls io_uring performs on its own.  A ring's operations
 * (IORING_OP_OPENAT, IORING_OP_SOCKET, IORING_OP_CONNECT, ...) run in the
 * kernel without a syscall, so the filter never sees them: `errno EPERM
 * socket` with io_uring allowed is a rule a program can walk around.  The
 * warning names the restricted calls; the fix is to refuse io_uring (the
 * shipped groups keep it out, see @io-uring in policies/groups.stk). */
#include <string.h>

#include "sema/sema.h"
#include "syscalls.h"
#include "util.h"

/* Syscalls with an io_uring operation doing the same work (kernel 6.18). */
static const char *const uring_ops[] = {
    "open", "openat", "openat2", "creat", "close", "read", "write", "pread64", "pwrite64", "readv", "writev",
    "preadv", "pwritev", "preadv2", "pwritev2", "fsync", "fdatasync", "sync_file_range", "fallocate",
    "fadvise64", "madvise", "statx", "rename", "renameat", "renameat2", "unlink", "unlinkat", "rmdir", "mkdir",
    "mkdirat", "symlink", "symlinkat", "link", "linkat", "setxattr", "fsetxattr", "getxattr", "fgetxattr",
    "ftruncate", "splice", "tee", "poll", "ppoll", "epoll_ctl", "epoll_wait", "socket", "connect", "accept",
    "accept4", "bind", "listen", "shutdown", "send", "sendto", "sendmsg", "recv", "recvfrom", "recvmsg",
    "setsockopt", "getsockopt", "waitid", "futex", "futex_wait", "futex_wake", "futex_waitv", "pipe", "pipe2",
};

static bool allows(enum stk_action_kind k)
{
    return k == STK_ACT_ALLOW || k == STK_ACT_LOG;
}

static bool on_abis(const struct stk_seccomp *sc, int id)
{
    for (int a = 0; a < STK_ABI_COUNT; a++)
        if (sc->abis[a] && stk_syscall_table[id].nr[a] != STK_NR_NONE)
            return true;
    return false;
}

/* Can a call of syscall id be allowed (by some rule, for some arguments)?
 * *by is the allowing rule, NULL when it is the default. */
static bool may_allow(const struct stk_seccomp *sc, int id, const struct stk_rule **by)
{
    *by = NULL;
    for (size_t i = 0; i < sc->nrules; i++) {
        const struct stk_rule *r = &sc->rules[i];
        if (r->syscall != id)
            continue;
        if (allows(r->action.kind)) {
            *by = r;
            return true;
        }
        if (!r->cond)
            return false;
    }
    return allows(sc->def.kind);
}

/* Is every call of syscall id allowed, whatever its arguments? */
static bool always_allowed(const struct stk_seccomp *sc, int id)
{
    for (size_t i = 0; i < sc->nrules; i++) {
        const struct stk_rule *r = &sc->rules[i];
        if (r->syscall != id)
            continue;
        if (!allows(r->action.kind))
            return false;
        if (!r->cond)
            return true;
    }
    return allows(sc->def.kind);
}

void stk_lint_io_uring(struct stk_unit *u, const struct stk_seccomp *sc, struct stk_loc block_loc)
{
    static const char *const uring[] = {"io_uring_setup", "io_uring_enter", "io_uring_register"};
    const char *which = NULL;
    const struct stk_rule *by = NULL;
    for (size_t i = 0; i < sizeof uring / sizeof uring[0] && !which; i++) {
        int id = stk_syscall_lookup(uring[i]);
        if (id >= 0 && on_abis(sc, id) && may_allow(sc, id, &by))
            which = uring[i];
    }
    if (!which)
        return;
    struct stk_buf names = {0};
    size_t n = 0;
    for (size_t i = 0; i < sizeof uring_ops / sizeof uring_ops[0]; i++) {
        int id = stk_syscall_lookup(uring_ops[i]);
        if (id < 0 || !on_abis(sc, id) || always_allowed(sc, id))
            continue;
        if (n < 6)
            stk_buf_printf(&names, "%s%s", n ? ", " : "", uring_ops[i]);
        n++;
    }
    if (n > 6)
        stk_buf_printf(&names, " and %zu more", n - 6);
    if (n > 0)
        stk_diag(u->ds, STK_SEV_WARNING, "io-uring-bypass", by ? by->loc : block_loc,
                 "refuse io_uring_setup, io_uring_enter and io_uring_register (@io-uring), as Docker's "
                 "default profile does: ring operations never reach the filter",
                 "%s is allowed, but io_uring can do what the rules restrict: %s", which, names.data);
    stk_buf_free(&names);
}
