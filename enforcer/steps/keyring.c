/* keyring.c — a fresh session keyring for the command (steps.h,
 * docs/enforcer.md step 9).
 *
 * The session keyring is inherited across fork, execve and the uid change:
 * without this step a command running as another user still possesses the
 * caller's session keyring and can read every key in it (possession, not the
 * uid, is what the keys' default permissions check).  Joining a new anonymous
 * session keyring replaces it in the process's credentials; done after the
 * identity change, so the new keyring belongs to (and is charged to the key
 * quota of) the command's user.  The thread and process keyrings are not
 * inherited by execve, and the user keyrings are chosen by uid. */
#include "steps/steps.h"

#include <errno.h>
#include <sys/syscall.h>
#include <unistd.h>

#define STEP "keyring"

#define KEYCTL_GET_KEYRING_ID_ 0
#define KEYCTL_JOIN_SESSION_KEYRING_ 1
#define KEY_SPEC_SESSION_KEYRING_ (-3)

int stk_keyring_apply(struct stk_err *e)
{
    long r = syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING_, NULL, 0L, 0L, 0L);
    if (r >= 0)
        return 0;
    int err = errno;
    if (err == ENOSYS)
        return 0; /* no keys in this kernel: nothing to inherit */
    if (err == EPERM || err == EACCES) {
        /* an outer filter (a container runtime's: Docker refuses keyctl) or
         * an LSM: if the command cannot reach the current keyring either,
         * there is nothing to hide */
        long id = syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID_, KEY_SPEC_SESSION_KEYRING_, 0L, 0L, 0L);
        if (id < 0 && (errno == EPERM || errno == EACCES || errno == ENOSYS || errno == ENOKEY))
            return 0;
    }
    return stk_errnof(e, STEP, err, "joining a new session keyring (keyctl KEYCTL_JOIN_SESSION_KEYRING)");
}
