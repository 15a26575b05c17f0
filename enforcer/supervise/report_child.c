/* report_child.c — `--report`, the enforcer's side (report.h): install the
 * notifying program with a listener and hand the listener to the supervisor.
 *
 * The hand-over is the delicate part.  seccomp(2) returns the listener to the
 * thread that installed the filter, and from then on every system call of
 * that thread goes through the filter: if the policy denies sendmsg or close,
 * sending the listener would itself be notified, to a listener nobody reads
 * yet, and the enforcer would hang.  So the filter is installed WITHOUT TSYNC
 * by the enforcer's main thread only, while a helper thread created just
 * before (which therefore has no filter) sends the listener over the socket,
 * closes both descriptors and says so in shared memory.  The main thread
 * waits for that by spinning, without a system call, then execs: execve ends
 * the helper, and the command inherits the main thread's filter only.
 *
 * TSYNC is not needed: this runs in the supervisor's freshly cloned child,
 * which has a single thread (apart from the helper, which must NOT get the
 * filter).  If the hand-over fails the enforcer fails closed (125): the
 * listener is closed by then, so blocked calls fail with ENOSYS instead of
 * waiting for an answer. */
#include "supervise/report.h"
#include "steps/steps.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

#define STEP "seccomp"

struct handover {
    int sock;
    int32_t exec_fd;
    uint32_t flags;
    _Atomic int listener; /* -1 not yet, -2 give up, else the descriptor */
    _Atomic int state;    /* 0 working, 1 sent, 2 failed (err) */
    int err;
};

static void *handover_main(void *arg)
{
    struct handover *h = arg;
    int fd;
    while ((fd = atomic_load_explicit(&h->listener, memory_order_acquire)) == -1)
        sched_yield();
    if (fd < 0) {
        atomic_store_explicit(&h->state, 2, memory_order_release);
        return NULL;
    }
    struct stk_report_msg m = {STK_REPORT_MAGIC, h->exec_fd, h->flags};
    struct iovec iov = {&m, sizeof m};
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } cm;
    memset(&cm, 0, sizeof cm);
    struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cm.buf, .msg_controllen = sizeof cm.buf};
    struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof fd);
    ssize_t w;
    while ((w = sendmsg(h->sock, &mh, MSG_NOSIGNAL)) < 0 && errno == EINTR)
        ;
    int err = w == (ssize_t)sizeof m ? 0 : (w < 0 ? errno : EIO);
    close(fd);
    close(h->sock);
    h->err = err;
    atomic_store_explicit(&h->state, err ? 2 : 1, memory_order_release);
    return NULL;
}

static inline void relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

int stk_report_install(struct stk_report *r, const struct sock_fprog *before, size_t nbefore,
                       const struct sock_fprog *prog, int exec_fd, struct stk_err *e)
{
    if (r->own_out && r->out_fd >= 0) {
        close(r->out_fd); /* the supervisor's; close-on-exec anyway */
        r->out_fd = -1;
    }
    /* no ptrace-mode access to the listener while the enforcer holds it
     * (pidfd_getfd): a copy could answer for the command; the exec sets the
     * command's own dumpable state */
    if (prctl(PR_SET_DUMPABLE, 0L, 0L, 0L, 0L) < 0)
        return stk_errnof(e, STEP, errno, "prctl(PR_SET_DUMPABLE, 0)");
    struct handover h = {.sock = r->sock[1], .exec_fd = exec_fd, .listener = -1, .state = 0, .err = 0};
    pthread_t t;
    int pe = stk_handover_thread(&t, handover_main, &h, false); /* it sends one message */
    if (pe)
        return stk_errnof(e, STEP, pe, "--report: starting the hand-over thread");
    /* a split policy's other filters, after the helper started (it stays
     * outside them); they never decide seccomp(2) itself (bpf_split.h) */
    for (size_t i = 0; i < nbefore; i++)
        if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &before[i]) < 0) {
            int err = errno;
            atomic_store_explicit(&h.listener, -2, memory_order_release);
            pthread_join(t, NULL);
            return stk_errnof(e, STEP, err, "seccomp filter %zu of %zu", i + 1, nbefore + 1);
        }
    unsigned long flags = SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
    long fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, prog);
    if (fd < 0 && errno == EINVAL) {
        /* kernels before 5.19: a signal may interrupt a reported call's wait
         * (it is then restarted and reported again) */
        flags &= ~(unsigned long)SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
        fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, prog);
    }
    if (fd >= 0 && (flags & SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV))
        h.flags |= STK_REPORT_KILLABLE; /* no system call: plain memory */
    if (fd < 0) {
        int err = errno;
        /* no filter with a listener: the helper's system calls are still its own */
        atomic_store_explicit(&h.listener, -2, memory_order_release);
        pthread_join(t, NULL);
        if (err == EACCES)
            return stk_errf(e, STEP, "installing a filter needs no_new_privs or CAP_SYS_ADMIN, and the policy "
                                     "turns no_new_privs off");
        if (err == EBUSY)
            return stk_errf(e, STEP, "--report needs a user-notification listener, but a seccomp filter this "
                                     "process inherited already has one (a container runtime or supervisor that "
                                     "intercepts system calls; the kernel allows one per filter chain): run "
                                     "without --report, or outside it (seccomp(NEW_LISTENER): %s)", strerror(err));
        return stk_errnof(e, STEP, err, "seccomp(SECCOMP_SET_MODE_FILTER, NEW_LISTENER)");
    }
    /* From here on no system call until the helper is done (see the top). */
    atomic_store_explicit(&h.listener, (int)fd, memory_order_release);
    int st;
    while ((st = atomic_load_explicit(&h.state, memory_order_acquire)) == 0)
        relax();
    r->sock[1] = -1;
    if (st != 1)
        return stk_errnof(e, STEP, h.err, "--report: handing the listener to the supervisor");
    /* not joined: pthread_join would wait in futex(2), a filtered call; the
     * helper has finished its work and execve ends it */
    return 0;
}
