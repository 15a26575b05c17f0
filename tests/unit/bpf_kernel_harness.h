/* bpf_kernel_harness.h — what the tests that hold the BPF checker and interpreter to the real
 * kernel share (test_bpf_interp_kernel.c, test_bpf_interp_kernel_run.c): a program loaded with
 * seccomp(2) in a forked child, optionally one system call made under it, and the outcome
 * reported through shared memory; the kernel's verdict on a program compared with
 * stk_bpf_validate's; random immediates. */
#ifndef STK_BPF_KERNEL_HARNESS_H
#define STK_BPF_KERNEL_HARNESS_H

#include "bpf_test_util.h"

/* ---- against the kernel ---------------------------------------------------------------- */

struct shared {
    int stage; /* 1 seccomp failed, 2 syscall made, 3 filter installed */
    int err;
    long ret;
};

static struct shared *shm;

enum k_outcome { K_ERROR, K_REJECTED, K_INSTALLED, K_RAN, K_SIGSYS };

struct k_result {
    enum k_outcome kind;
    int err;  /* K_REJECTED: errno of seccomp(); K_RAN: errno after the call */
    long ret; /* K_RAN */
    char what[128];
};

enum call_kind { CALL_NONE, CALL_SYSCALL, CALL_INT80 };

struct call {
    enum call_kind kind;
    long nr;
    long args[6];
};

#if defined(__x86_64__)
static inline long int80(long nr, long a0, long a1)
{
    long ret;
    __asm__ volatile("int $0x80"
                     : "=a"(ret)
                     : "a"(nr), "b"(a0), "c"(a1)
                     : "memory", "r8", "r9", "r10", "r11");
    return ret;
}
#endif

/* End the child without a system call.  Not __builtin_trap(): sanitizers
 * instrument calls to noreturn functions with a sigaltstack() query, which the
 * filter under test would see. */
static inline void die_by_sigill(void)
{
    for (;;) {
#if defined(__x86_64__) || defined(__i386__)
        __asm__ volatile("ud2");
#elif defined(__aarch64__)
        __asm__ volatile("udf #0");
#else
        __builtin_trap();
#endif
    }
}

static inline void child(const struct sock_filter *prog, size_t len, const struct call *c)
{
    struct rlimit no_core = { 0, 0 };
    if (setrlimit(RLIMIT_CORE, &no_core) != 0)
        _exit(3);
    /* A fault (int 0x80 without ia32 emulation) must kill quietly: no
     * sanitizer report, whose system calls the filter would see. */
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    if (sigaction(SIGSEGV, &dfl, NULL) != 0 || sigaction(SIGBUS, &dfl, NULL) != 0 ||
        sigaction(SIGFPE, &dfl, NULL) != 0 || sigaction(SIGILL, &dfl, NULL) != 0)
        _exit(3);
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
        _exit(3);
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        _exit(2);
    struct sock_fprog fp = { .len = (unsigned short)len, .filter = (struct sock_filter *)prog };
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fp) != 0) {
        shm->err = errno;
        __atomic_store_n(&shm->stage, 1, __ATOMIC_SEQ_CST);
        _exit(0);
    }
    /* From here on every system call goes through the filter: report through
     * shared memory and end with an illegal instruction. */
    if (c->kind == CALL_SYSCALL) {
        errno = 0;
        long r = syscall(c->nr, c->args[0], c->args[1], c->args[2], c->args[3], c->args[4],
                         c->args[5]);
        shm->err = errno;
        shm->ret = r;
        __atomic_store_n(&shm->stage, 2, __ATOMIC_SEQ_CST);
    } else if (c->kind == CALL_INT80) {
#if defined(__x86_64__)
        long r = int80(c->nr, c->args[0], c->args[1]);
        shm->err = 0;
        shm->ret = r;
        __atomic_store_n(&shm->stage, 2, __ATOMIC_SEQ_CST);
#endif
    } else {
        __atomic_store_n(&shm->stage, 3, __ATOMIC_SEQ_CST);
    }
    die_by_sigill();
}

static inline void kernel_run(const struct sock_filter *prog, size_t len, const struct call *c,
                       struct k_result *r)
{
    memset(r, 0, sizeof *r);
    r->kind = K_ERROR;
    shm->stage = 0;
    shm->err = 0;
    shm->ret = 0;
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(r->what, sizeof r->what, "fork: %s", strerror(errno));
        return;
    }
    if (pid == 0)
        child(prog, len, c);
    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            snprintf(r->what, sizeof r->what, "waitpid: %s", strerror(errno));
            return;
        }
    }
    int stage = __atomic_load_n(&shm->stage, __ATOMIC_SEQ_CST);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && stage == 1) {
        r->kind = K_REJECTED;
        r->err = shm->err;
    } else if (WIFSIGNALED(status) && WTERMSIG(status) == SIGILL && stage == 3) {
        r->kind = K_INSTALLED;
    } else if (WIFSIGNALED(status) && WTERMSIG(status) == SIGILL && stage == 2) {
        r->kind = K_RAN;
        r->ret = shm->ret;
        r->err = shm->err;
    } else if (WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS && stage == 0) {
        r->kind = K_SIGSYS;
    } else {
        snprintf(r->what, sizeof r->what, "child status 0x%x stage %d", (unsigned)status, stage);
    }
}

/* Whether seccomp filters can be tried here at all; SKIPs the test if not. */
static inline int kernel_available(char *why, size_t whylen)
{
    if (!shm) {
        void *m = mmap(NULL, sizeof *shm, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1,
                       0);
        if (m == MAP_FAILED) {
            snprintf(why, whylen, "mmap: %s", strerror(errno));
            return 0;
        }
        shm = m;
    }
    struct sock_filter allow[] = { RET_K(SECCOMP_RET_ALLOW) };
    struct call none = { .kind = CALL_NONE };
    struct k_result r;
    kernel_run(allow, 1, &none, &r);
    if (r.kind != K_INSTALLED) {
        snprintf(why, whylen, "cannot install seccomp filters here (%s%s)",
                 r.kind == K_REJECTED ? "seccomp: " : "",
                 r.kind == K_REJECTED ? strerror(r.err) : r.what);
        return 0;
    }
    return 1;
}

#define NEED_KERNEL()                                                                              \
    do {                                                                                           \
        char t_why[200];                                                                           \
        if (!kernel_available(t_why, sizeof t_why))                                                \
            SKIP("%s", t_why);                                                                     \
    } while (0)

/* The kernel's verdict on a program must equal the validator's. */
static inline bool kernel_agrees_validity(const struct sock_filter *p, size_t len, char *msg,
                                   size_t msglen)
{
    char err[256];
    int v = stk_bpf_validate(p, len, err, sizeof err);
    struct call none = { .kind = CALL_NONE };
    struct k_result r;
    kernel_run(p, len, &none, &r);
    if (r.kind == K_ERROR) {
        snprintf(msg, msglen, "harness: %s", r.what);
        return false;
    }
    if (v == 0 && r.kind != K_INSTALLED) {
        snprintf(msg, msglen, "validator accepts, kernel rejects (%s)", strerror(r.err));
        return false;
    }
    if (v != 0 && !(r.kind == K_REJECTED && r.err == EINVAL)) {
        snprintf(msg, msglen, "validator rejects (%s), kernel %s", err,
                 r.kind == K_INSTALLED ? "accepts" : strerror(r.err));
        return false;
    }
    return true;
}

static inline uint32_t rnd_k(void)
{
    static const uint32_t ks[] = { 0, 1, 2, 3, 4, 5, 8, 12, 15, 16, 17, 31, 32, 33, 60, 62, 63,
                                   64, 68, 0xfffff000, 0xfffff004, 0x80000000, 0xffffffff };
    if (rnd_below(5) == 0)
        return (uint32_t)rnd();
    return ks[rnd_below(LEN(ks))];
}

#endif
