/* handover.c — the enforcer's own exec when the policy denies execveat
 * (docs/enforcer.md, "The final execve through a filter that denies execve").
 *
 * The compiler puts first in every execveat leaf the hand-over rule
 * `execveat if dirfd == N && flags == AT_EMPTY_PATH`, whose action is not
 * allow but USER_NOTIF (marked with STK_BUNDLE_EXEC_HANDOVER_RET's data).
 * Nothing the command passes can make that rule let a call through: only a
 * listener's CONTINUE can, and the only listener is the one created here.
 *
 *   start  (before the filter) a helper thread is created; it has no filter,
 *          because the filter is installed without TSYNC afterwards.
 *   arm    (right after the install, no system call) the listener is handed
 *          to the helper through shared memory.
 *   exec   the enforcer's execveat(N, "", ..., AT_EMPTY_PATH) notifies; the
 *          helper checks that the notification is the enforcer's thread's
 *          execveat of descriptor N, answers CONTINUE, closes the listener
 *          and ends.  Anything else it answers with ENOSYS (cannot happen:
 *          the enforcer makes no other call before the exec).
 *
 * The listener is close-on-exec (the kernel makes it so) and the helper
 * closes it anyway: when the command starts the filter has no listener, and
 * every call the rule matches fails with ENOSYS, whatever its path.  The
 * built-in `errno EBUSY seccomp if flags & SECCOMP_FILTER_FLAG_NEW_LISTENER`
 * keeps the command from adding a listener of its own, which would otherwise
 * win the tie of USER_NOTIF returns (the newest filter's wins) and could
 * answer CONTINUE. */
#include "steps/steps.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define STEP "seccomp"

struct stk_handover {
    int exec_fd;
    uint32_t arch;        /* the native AUDIT_ARCH (the bundle's) */
    pid_t tid;            /* the enforcer's thread */
    _Atomic int listener; /* -1 not yet, -2 cancelled, else the descriptor */
    _Atomic int err;      /* why the hand-over failed (0: it did not) */
};

static void *helper_main(void *arg)
{
    struct stk_handover *h = arg;
    int fd;
    while ((fd = atomic_load_explicit(&h->listener, memory_order_acquire)) == -1)
        sched_yield();
    if (fd < 0)
        return NULL;
    for (;;) {
        struct seccomp_notif req;
        memset(&req, 0, sizeof req);
        if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) {
            if (errno == EINTR || errno == ENOENT) /* ENOENT: the caller was interrupted */
                continue;
            atomic_store_explicit(&h->err, errno, memory_order_release);
            break;
        }
        bool ours = (pid_t)req.pid == h->tid && req.data.nr == SYS_execveat && req.data.arch == h->arch &&
                    (int32_t)(uint32_t)req.data.args[0] == h->exec_fd;
        struct seccomp_notif_resp resp;
        memset(&resp, 0, sizeof resp);
        resp.id = req.id;
        if (ours)
            resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
        else
            resp.error = -ENOSYS;
        int r;
        while ((r = ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, &resp)) < 0 && errno == EINTR)
            ;
        if (ours && r < 0 && errno == ENOENT)
            continue; /* a signal interrupted the wait: the exec is restarted and notifies again */
        if (ours) {
            /* EINVAL: a kernel before 5.5 (no CONTINUE); closing the listener
             * below makes the waiting exec fail with ENOSYS */
            if (r < 0)
                atomic_store_explicit(&h->err, errno, memory_order_release);
            break;
        }
    }
    close(fd); /* from here on the rule's calls fail with ENOSYS */
    return NULL;
}

int stk_handover_thread(pthread_t *t, void *(*fn)(void *), void *arg, bool detached)
{
    pthread_attr_t attr;
    int pe = pthread_attr_init(&attr);
    if (!pe)
        pe = pthread_attr_setstacksize(&attr, 64 * 1024);
    if (!pe && detached)
        pe = pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (!pe)
        pe = pthread_create(t, &attr, fn, arg);
    pthread_attr_destroy(&attr);
    return pe;
}

struct stk_handover *stk_handover_start(int exec_fd, uint32_t arch, struct stk_err *e)
{
    struct stk_handover *h = calloc(1, sizeof *h);
    if (!h) {
        stk_errnof(e, STEP, ENOMEM, "the exec hand-over");
        return NULL;
    }
    h->exec_fd = exec_fd;
    h->arch = arch;
    h->tid = (pid_t)syscall(SYS_gettid);
    atomic_init(&h->listener, -1);
    atomic_init(&h->err, 0);
    pthread_t t;
    int pe = stk_handover_thread(&t, helper_main, h, true); /* it answers one notification */
    if (pe) {
        free(h);
        stk_errnof(e, STEP, pe, "starting the exec hand-over thread");
        return NULL;
    }
    return h; /* not freed: the thread uses it until the exec ends both */
}

void stk_handover_arm(struct stk_handover *h, int listener)
{
    atomic_store_explicit(&h->listener, listener, memory_order_release);
}

void stk_handover_cancel(struct stk_handover *h)
{
    atomic_store_explicit(&h->listener, -2, memory_order_release);
}

int stk_handover_failed(struct stk_handover *h)
{
    return h ? atomic_load_explicit(&h->err, memory_order_acquire) : 0;
}
