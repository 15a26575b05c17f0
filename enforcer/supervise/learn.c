/* learn.c — the recorder of `stockade learn` (learn.h).
 *
 * Every call of the command reaches the supervisor (report.c) and comes
 * here.  The per-call work is kept small: the number indexes a counter and
 * a table of "kinds" built once; only the calls whose arguments the
 * policy writer uses (opens, execs, sockets, clone, ioctl, prctl,
 * personality, mmap/mprotect, bind/connect, the calls that create or
 * remove names) read anything more: the task's memory, opened once for the
 * call (task_mem.c).  Then the call is let run (CONTINUE): learning refuses
 * nothing. */
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "err.h"
#include "supervise/learn.h"
#include "supervise/task_mem.h"
#include "syscalls.h"

enum kind {
    K_PLAIN = 0,
    K_OPEN,      /* open(path, flags) */
    K_OPENAT,    /* openat(dirfd, path, flags) */
    K_OPENAT2,   /* openat2(dirfd, path, how) */
    K_CREAT,     /* creat(path) */
    K_EXECVE,    /* execve(path) */
    K_EXECVEAT,  /* execveat(dirfd, path) */
    K_MAKE0,     /* mkdir, rmdir, unlink, mknod: a name made or removed (arg0) */
    K_MAKEAT1,   /* mkdirat, unlinkat, mknodat: (dirfd, path) */
    K_MAKE01,    /* rename, link: arg0 and arg1 */
    K_MAKEAT13,  /* renameat, renameat2, linkat: (olddirfd, old, newdirfd, new) */
    K_SYMLINK,   /* symlink(target, linkpath): arg1 */
    K_SYMLINKAT, /* symlinkat(target, newdirfd, linkpath) */
    K_TRUNCATE,  /* truncate(path) */
    K_SOCKET,
    K_BIND,
    K_CONNECT,
    K_CLONE,
    K_CLONE3,
    K_FORK,
    K_IOCTL,
    K_PRCTL,
    K_PERSONALITY,
    K_PROT2, /* mmap, mprotect, pkey_mprotect: prot is arg2 */
};

static unsigned char kinds[STK_LEARN_NR_MAX];
static uint32_t native_arch;
static bool kinds_ready;

static void kind(const char *name, enum kind k)
{
    int id = stk_syscall_lookup(name);
    if (id < 0)
        return;
    int64_t nr = stk_syscall_nr(id, stk_native_abi());
    if (nr >= 0 && nr < STK_LEARN_NR_MAX)
        kinds[nr] = (unsigned char)k;
}

static void kinds_build(void)
{
    if (kinds_ready)
        return;
    native_arch = stk_abis[stk_native_abi()].audit_arch;
    static const struct {
        const char *name;
        enum kind k;
    } t[] = {
        {"open", K_OPEN},         {"openat", K_OPENAT},       {"openat2", K_OPENAT2},
        {"creat", K_CREAT},       {"execve", K_EXECVE},       {"execveat", K_EXECVEAT},
        {"mkdir", K_MAKE0},       {"rmdir", K_MAKE0},         {"unlink", K_MAKE0},
        {"mknod", K_MAKE0},       {"mkdirat", K_MAKEAT1},     {"unlinkat", K_MAKEAT1},
        {"mknodat", K_MAKEAT1},   {"rename", K_MAKE01},       {"link", K_MAKE01},
        {"renameat", K_MAKEAT13}, {"renameat2", K_MAKEAT13},  {"linkat", K_MAKEAT13},
        {"symlink", K_SYMLINK},   {"symlinkat", K_SYMLINKAT}, {"truncate", K_TRUNCATE},
        {"socket", K_SOCKET},     {"bind", K_BIND},           {"connect", K_CONNECT},
        {"clone", K_CLONE},       {"clone3", K_CLONE3},       {"fork", K_FORK},
        {"vfork", K_FORK},        {"ioctl", K_IOCTL},         {"prctl", K_PRCTL},
        {"personality", K_PERSONALITY}, {"mmap", K_PROT2},    {"mprotect", K_PROT2},
        {"pkey_mprotect", K_PROT2},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        kind(t[i].name, t[i].k);
    kinds_ready = true;
}

void stk_learn_init(struct stk_learn *l)
{
    memset(l, 0, sizeof *l);
    l->uid = getuid();
    l->gid = getgid();
    l->processes = 1;
    clock_gettime(CLOCK_REALTIME, &l->start);
    kinds_build();
}

void stk_learn_free(struct stk_learn *l)
{
    free(l->other);
    stk_learn_set_free(&l->sockets);
    stk_learn_set_free(&l->ioctls);
    stk_learn_set_free(&l->prctls);
    stk_learn_set_free(&l->personas);
    stk_learn_set_free(&l->bind_ports);
    stk_learn_set_free(&l->connect_ports);
    stk_learn_paths_free(&l->paths);
}

bool stk_learn_count(struct stk_learn *l, uint32_t arch, uint32_t nr, unsigned long n)
{
    kinds_build();
    if (arch == native_arch && nr < STK_LEARN_NR_MAX) {
        l->counts[nr] += n;
        return true;
    }
    for (size_t i = 0; i < l->nother; i++)
        if (l->other[i].arch == arch && l->other[i].nr == nr) {
            l->other[i].n += n;
            return true;
        }
    if (l->nother == l->capother) {
        size_t cap = l->capother ? 2 * l->capother : 8;
        struct stk_learn_other *o = realloc(l->other, cap * sizeof *o);
        if (!o)
            return false;
        l->other = o;
        l->capother = cap;
    }
    l->other[l->nother++] = (struct stk_learn_other){arch, nr, n};
    return true;
}

/* ---- paths ------------------------------------------------------------------------- */

/* path into the table; says once that the table is full (learn.h: its
 * bounds), from when on the policy's file rules are incomplete (the writer
 * says so in the policy).  False only when out of memory. */
static bool add_path(struct stk_learn *l, const char *path, unsigned rights)
{
    unsigned long before = l->paths.dropped;
    if (!stk_learn_paths_add(&l->paths, path, rights))
        return false;
    if (before == 0 && l->paths.dropped)
        stk_warnf("learn", "the command named more than %u distinct paths (or %u MiB of them): new paths are no "
                  "longer recorded (calls still are), so the learned policy's file rules will be incomplete",
                  STK_LEARN_PATHS_MAX, STK_LEARN_PATHS_BYTES >> 20);
    return true;
}

/* The task that made the call, and its memory (task_mem.h; -1 unreadable). */
struct caller {
    pid_t tid;
    int mem;
};

/* The path argument at addr, relative to dirfd, into rights.  Only a whole
 * path counts: one cut at an unreadable page or past PATH_MAX is no name
 * the kernel would have taken. */
static void path_at(struct stk_learn *l, const struct caller *c, int dirfd, uint64_t addr, unsigned rights)
{
    char raw[4096], abs[4096];
    bool complete;
    if (stk_task_mem_string(c->mem, addr, raw, sizeof raw, &complete) <= 0 || !complete ||
        !stk_learn_mem_abspath(c->tid, dirfd, raw, abs, sizeof abs)) {
        l->unread++;
        return;
    }
    for (const char *c = abs; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f) { /* no line of the policy could hold it */
            l->unread++;
            return;
        }
    if (!add_path(l, abs, rights))
        l->unread++;
}

static unsigned open_rights(uint64_t flags)
{
    unsigned r = 0;
    int acc = (int)(flags & O_ACCMODE);
    if (acc == O_RDONLY || acc == O_RDWR)
        r |= (flags & O_DIRECTORY) ? STK_LEARN_READDIR : STK_LEARN_READ;
    if (acc == O_WRONLY || acc == O_RDWR || (flags & O_TRUNC))
        r |= STK_LEARN_WRITE;
    if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE) /* O_TMPFILE includes O_DIRECTORY */
        r |= STK_LEARN_MAKE | STK_LEARN_WRITE;
    if (flags & O_PATH)
        r = 0; /* no access checked by Landlock (the name only) */
    return r;
}

/* ---- sockets ------------------------------------------------------------------------ */

static void sockaddr_seen(struct stk_learn *l, const struct caller *c, uint64_t addr, uint64_t len, bool bind)
{
    struct sockaddr_storage sa;
    memset(&sa, 0, sizeof sa);
    size_t want = len < sizeof sa ? (size_t)len : sizeof sa;
    if (want < sizeof(sa_family_t) || stk_task_mem_read(c->mem, addr, &sa, want) < 0) {
        l->unread++;
        return;
    }
    struct stk_learn_set *ports = bind ? &l->bind_ports : &l->connect_ports;
    if (sa.ss_family == AF_INET && want >= sizeof(struct sockaddr_in)) {
        stk_learn_set_add(ports, ntohs(((struct sockaddr_in *)&sa)->sin_port));
    } else if (sa.ss_family == AF_INET6 && want >= sizeof(struct sockaddr_in6)) {
        stk_learn_set_add(ports, ntohs(((struct sockaddr_in6 *)&sa)->sin6_port));
    } else if (sa.ss_family == AF_UNIX && bind && want > sizeof(sa_family_t)) {
        /* a named socket is a file made in its directory (Landlock MAKE_SOCK) */
        struct sockaddr_un *un = (struct sockaddr_un *)&sa;
        size_t n = want - offsetof(struct sockaddr_un, sun_path);
        if (n > 0 && un->sun_path[0]) {
            char p[sizeof un->sun_path + 1], abs[4096];
            memcpy(p, un->sun_path, n < sizeof un->sun_path ? n : sizeof un->sun_path);
            p[n < sizeof un->sun_path ? n : sizeof un->sun_path] = '\0';
            if (stk_learn_mem_abspath(c->tid, AT_FDCWD, p, abs, sizeof abs))
                add_path(l, abs, STK_LEARN_MAKE);
        }
    }
}

/* ---- one call ----------------------------------------------------------------------- */

static void args(struct stk_learn *l, const struct caller *c, unsigned k, const uint64_t *a)
{
    switch ((enum kind)k) {
    case K_PLAIN: break;
    case K_OPEN: path_at(l, c, AT_FDCWD, a[0], open_rights(a[1])); break;
    case K_OPENAT: path_at(l, c, (int)a[0], a[1], open_rights(a[2])); break;
    case K_OPENAT2: {
        uint64_t flags = 0;
        if (stk_task_mem_read(c->mem, a[2], &flags, sizeof flags) < 0)
            l->unread++;
        path_at(l, c, (int)a[0], a[1], open_rights(flags));
        break;
    }
    case K_CREAT: path_at(l, c, AT_FDCWD, a[0], STK_LEARN_MAKE | STK_LEARN_WRITE); break;
    case K_EXECVE:
        l->execs++;
        path_at(l, c, AT_FDCWD, a[0], STK_LEARN_EXEC);
        break;
    case K_EXECVEAT:
        l->execs++;
        path_at(l, c, (int)a[0], a[1], STK_LEARN_EXEC);
        break;
    case K_MAKE0: path_at(l, c, AT_FDCWD, a[0], STK_LEARN_MAKE); break;
    case K_MAKEAT1: path_at(l, c, (int)a[0], a[1], STK_LEARN_MAKE); break;
    case K_MAKE01:
        path_at(l, c, AT_FDCWD, a[0], STK_LEARN_MAKE);
        path_at(l, c, AT_FDCWD, a[1], STK_LEARN_MAKE);
        break;
    case K_MAKEAT13:
        path_at(l, c, (int)a[0], a[1], STK_LEARN_MAKE);
        path_at(l, c, (int)a[2], a[3], STK_LEARN_MAKE);
        break;
    case K_SYMLINK: path_at(l, c, AT_FDCWD, a[1], STK_LEARN_MAKE); break;
    case K_SYMLINKAT: path_at(l, c, (int)a[1], a[2], STK_LEARN_MAKE); break;
    case K_TRUNCATE: path_at(l, c, AT_FDCWD, a[0], STK_LEARN_WRITE); break;
    case K_SOCKET: stk_learn_set_add(&l->sockets, (uint64_t)(uint32_t)a[0] << 32 | (a[1] & 0xf)); break;
    case K_BIND: sockaddr_seen(l, c, a[1], a[2], true); break;
    case K_CONNECT: sockaddr_seen(l, c, a[1], a[2], false); break;
    case K_CLONE:
        /* the kernel reads the low 32 bits (language.md) */
        l->clone_flags |= a[0] & 0xffffffffu;
        if (!(a[0] & CLONE_THREAD))
            l->processes++;
        break;
    case K_CLONE3: {
        /* the flags are in memory: a filter cannot see them, the recorder
         * can (the learned policy answers clone3 ENOSYS; libc falls back to
         * clone, whose flags its rule checks: these are those flags) */
        uint64_t flags = 0;
        if (stk_task_mem_read(c->mem, a[0], &flags, sizeof flags) < 0) {
            l->unread++;
            break;
        }
        l->clone_flags |= flags;
        if (!(flags & CLONE_THREAD))
            l->processes++;
        break;
    }
    case K_FORK: l->processes++; break;
    case K_IOCTL: stk_learn_set_add(&l->ioctls, a[1] & 0xffffffffu); break;
    case K_PRCTL: stk_learn_set_add(&l->prctls, a[0] & 0xffffffffu); break;
    case K_PERSONALITY: stk_learn_set_add(&l->personas, a[0] & 0xffffffffu); break;
    case K_PROT2:
        if (a[2] & PROT_EXEC)
            l->prot_exec = true;
        if ((a[2] & (PROT_WRITE | PROT_EXEC)) == (PROT_WRITE | PROT_EXEC))
            l->prot_wx = true;
        break;
    }
}

void stk_learn_handle(struct stk_learn *l, int listener, const struct seccomp_notif *req)
{
    const struct seccomp_data *d = &req->data;
    l->total++;
    uint32_t nr = (uint32_t)d->nr;
    if (d->arch == native_arch && nr < STK_LEARN_NR_MAX) {
        l->counts[nr]++;
        if (kinds[nr] != K_PLAIN) {
            struct caller c = {(pid_t)req->pid, -1};
            if (kinds[nr] < K_SOCKET || kinds[nr] == K_BIND || kinds[nr] == K_CONNECT || kinds[nr] == K_CLONE3)
                c.mem = stk_task_mem_open(c.tid); /* the kinds that read its memory */
            args(l, &c, kinds[nr], (const uint64_t *)d->args);
            if (c.mem >= 0)
                close(c.mem);
        }
    } else {
        stk_learn_count(l, d->arch, nr, 1);
    }
    struct seccomp_notif_resp resp;
    memset(&resp, 0, sizeof resp);
    resp.id = req->id;
    resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
    /* ENOENT: the caller is gone (killed meanwhile); nothing to answer */
    while (ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0 && errno == EINTR)
        ;
}

#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS _IOW('!', 4, uint64_t) /* Linux 6.6 */
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP 1ull
#endif

void stk_learn_listener(int listener)
{
    /* The command's thread and the supervisor hand every call back and forth:
     * with synchronous wake-ups the kernel switches straight to the woken
     * side on the same CPU instead of queueing it (docs/learn.md, the cost).
     * Kernels before 6.6 do not have it: the ordinary wake-ups work, slower. */
    uint64_t flags = SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP;
    (void)ioctl(listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS, flags);
}

void stk_learn_finish(struct stk_learn *l)
{
    clock_gettime(CLOCK_REALTIME, &l->end);
    if (l->done)
        l->done(l, l->done_arg);
}
