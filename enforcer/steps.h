/* steps.h — the enforcer's steps, one file per kernel subsystem.  Each returns
 * 0, or -1 with e filled; enforce.c calls them in order (docs/enforcer.md). */
#ifndef STK_STEPS_H
#define STK_STEPS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "bundle.h"
#include "err.h"

/* identity.c */
struct stk_ids {
    bool set_uid, set_gid, set_groups;
    uid_t uid;
    gid_t gid;
    gid_t *groups;
    size_t ngroups;
};
/* Also ask NSS for names /etc/passwd and /etc/group lack (dynamic binaries only). */
extern bool stk_identity_use_nss;
int stk_identity_resolve(const struct stk_bundle *b, struct stk_ids *ids, struct stk_err *e);
int stk_identity_apply(const struct stk_ids *ids, struct stk_err *e);
void stk_ids_free(struct stk_ids *ids);

/* caps.c: keep is the set the command ends with; computed before the identity changes. */
int stk_caps_plan(const struct stk_bundle *b, uint64_t *keep, struct stk_err *e);
int stk_caps_apply(uint64_t keep, bool no_new_privs, struct stk_err *e);
bool stk_cap_known(unsigned cap);

/* rlimits.c: with exec_fd, RLIMIT_NOFILE's hard limit is set one above the
 * policy's (when allowed) to make room for the exec descriptor (exec.c). */
int stk_rlimits_apply(const struct stk_bundle *b, bool exec_fd, struct stk_err *e);

/* env.c */
int stk_env_build(const struct stk_bundle *b, char *const *caller, char ***envp, struct stk_err *e);
const char *stk_env_get(char *const *envp, const char *name);
void stk_umask_apply(const struct stk_bundle *b);
int stk_workdir_apply(const struct stk_bundle *b, struct stk_err *e);

/* fds.c */
int stk_fds_close(const struct stk_bundle *b, struct stk_err *e);

/* exec.c */
struct stk_exec {
    char *path;   /* the file executed: the command, or the interpreter of a script */
    int fd;       /* open on path, O_CLOEXEC */
    char **argv;  /* argv passed (rewritten for a #! script when exec'ing by descriptor) */
    bool via_fd;  /* execveat(fd) through the policy's exec descriptor rule */
};
int stk_exec_locate(char *const argv[], char *const envp[], bool via_fd, struct stk_exec *x, struct stk_err *e);
int stk_exec_place_fd(struct stk_exec *x, const struct stk_bundle *b, struct stk_err *e);
int stk_exec_run(struct stk_exec *x, char *const envp[], struct stk_err *e); /* returns only on failure */

/* seccomp.c */
int stk_nnp_apply(const struct stk_bundle *b, struct stk_err *e);
int stk_seccomp_install(const struct stk_bundle *b, int exec_fd, struct stk_err *e);

#endif
