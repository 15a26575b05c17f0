/* supervise_lockdown.c — what the supervisor (and a pid namespace's init)
 * keeps once its attach hooks are done (supervise.h, docs/enforcer.md "The
 * supervisor's privileges").  It reads what the command sends and leaves in
 * /proc, so it must be neither a way in nor, should it ever run code it was
 * tricked into, a way back to the caller's privileges:
 *
 *   - the bounding set is cut to the kept capabilities and the securebits
 *     that give root its capabilities back at an execve are locked off
 *     (both need CAP_SETPCAP: a root caller's supervisor; an unprivileged
 *     one has nothing to give back);
 *   - permitted = effective = the kept capabilities, inheritable and ambient
 *     empty;
 *   - no_new_privs, and a seccomp filter that refuses execve and execveat
 *     (and kills any other ABI): it never executes anything, now it cannot;
 *   - non-dumpable, last (a change of credentials may reset it). */
#include "steps/steps.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/securebits.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "supervise/supervise.h"

#define STEP "supervise"

#ifndef CAP_LAST_CAP_
#define CAP_LAST_CAP_ 63 /* prctl(PR_CAPBSET_DROP) says EINVAL past the kernel's last one */
#endif

static int cut_bounding_set(uint64_t keep, const char *role, struct stk_err *e)
{
    for (int c = 0; c <= CAP_LAST_CAP_; c++) {
        if ((keep >> c) & 1)
            continue;
        if (prctl(PR_CAPBSET_DROP, (long)c, 0L, 0L, 0L) < 0) {
            if (errno == EINVAL)
                break; /* past the kernel's last capability */
            return stk_errnof(e, STEP, errno, "dropping capability %d from the %s's bounding set", c, role);
        }
    }
    int cur = prctl(PR_GET_SECUREBITS, 0L, 0L, 0L, 0L);
    if (cur < 0)
        return stk_errnof(e, STEP, errno, "reading the %s's securebits", role);
    /* added to the caller's bits (a locked bit of its own must stay as it is) */
    int bits = cur | SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_NO_SETUID_FIXUP | SECBIT_NO_SETUID_FIXUP_LOCKED |
               SECBIT_NO_CAP_AMBIENT_RAISE | SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED;
    if (bits != cur && prctl(PR_SET_SECUREBITS, (long)bits, 0L, 0L, 0L) < 0 && errno != EPERM)
        return stk_errnof(e, STEP, errno, "locking the %s's securebits", role);
    /* EPERM: the caller locked one of them the other way; no_new_privs and
     * the filter below still keep an exec from giving anything back */
    return 0;
}

/* execve, execveat: EPERM; and the calls that would turn what the
 * supervisor keeps for --report (CAP_SYS_PTRACE, CAP_DAC_READ_SEARCH) into a
 * way into other processes or files: it reads the command's memory with
 * pread on /proc/TID/mem and needs none of them.  Another ABI: killed (an
 * i386 or x32 call would otherwise walk around the native numbers). */
static int no_exec_filter(const char *role, struct stk_err *e)
{
    struct sock_filter f[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, stk_native_audit_arch(), 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000u, 10, 0), /* x32 numbers on x86_64 */
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_execve, 8, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_execveat, 7, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_ptrace, 6, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_process_vm_readv, 5, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_process_vm_writev, 4, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_pidfd_getfd, 3, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_open_by_handle_at, 2, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_name_to_handle_at, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
    };
    struct sock_fprog prog = {.len = sizeof f / sizeof f[0], .filter = f};
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
        return stk_errnof(e, STEP, errno, "installing the %s's own seccomp filter", role);
    return 0;
}

int stk_supervise_lockdown(uint64_t keep_caps, const char *role, struct stk_err *e)
{
    struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct d[2];
    memset(d, 0, sizeof d);
    if (syscall(SYS_capget, &h, d) < 0)
        return stk_errnof(e, STEP, errno, "capget");
    uint64_t prm = (uint64_t)d[0].permitted | (uint64_t)d[1].permitted << 32;
    uint64_t eff = (uint64_t)d[0].effective | (uint64_t)d[1].effective << 32;
    uint64_t keep = prm & keep_caps;
    if (((eff >> CAP_SETPCAP) & 1) && cut_bounding_set(keep, role, e) < 0)
        return -1;
    for (int i = 0; i < 2; i++) {
        d[i].permitted = d[i].effective = (uint32_t)(keep >> (32 * i));
        d[i].inheritable = 0;
    }
    if (syscall(SYS_capset, &h, d) < 0)
        return stk_errnof(e, STEP, errno, "dropping the %s's capabilities", role);
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0L, 0L, 0L) < 0 && errno != EINVAL)
        return stk_errnof(e, STEP, errno, "clearing the %s's ambient capabilities", role);
    if (prctl(PR_SET_NO_NEW_PRIVS, 1L, 0L, 0L, 0L) < 0)
        return stk_errnof(e, STEP, errno, "prctl(PR_SET_NO_NEW_PRIVS) for the %s", role);
    if (no_exec_filter(role, e) < 0)
        return -1;
    if (prctl(PR_SET_DUMPABLE, 0L, 0L, 0L, 0L) < 0)
        return stk_errnof(e, STEP, errno, "prctl(PR_SET_DUMPABLE)");
    return 0;
}
