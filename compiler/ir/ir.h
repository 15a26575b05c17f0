/* ir.h — the compiled policy: one flattened, fully resolved policy (extends,
 * includes and groups expanded; names resolved) that every back end reads.
 * The front end (parse + sema) produces it; the seccomp code generator, the
 * reference evaluator, the bundle writer and the explain/inspect printers
 * consume it.  The isolation, Landlock, cgroup and LSM parts have their own
 * headers (ir_isolation.h, ir_landlock.h, ir_cgroup.h, ir_lsm.h). */
#ifndef STK_IR_H
#define STK_IR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "ir/ir_cgroup.h"
#include "ir/ir_isolation.h"
#include "ir/ir_landlock.h"
#include "ir/ir_lsm.h"
#include "sigs.h"
#include "syscalls.h"

/* ---- seccomp actions ---------------------------------------------------- */
enum stk_action_kind {
    STK_ACT_KILL_PROCESS, /* most restrictive first: the order is used for "stricter than" */
    STK_ACT_KILL_THREAD,
    STK_ACT_TRAP,
    STK_ACT_ERRNO,
    STK_ACT_NOTIFY,
    STK_ACT_TRACE,
    STK_ACT_LOG,
    STK_ACT_ALLOW,
};

struct stk_action {
    enum stk_action_kind kind;
    uint16_t data; /* errno value for ERRNO, message for TRACE; NOTIFY: 0, or
                    * STK_EXEC_HANDOVER_DATA for the built-in exec hand-over rule */
};

/* The data of the built-in exec hand-over rule's USER_NOTIF return (the kernel
 * ignores the data of USER_NOTIF; the enforcer recognizes the rule by it). */
#define STK_EXEC_HANDOVER_DATA 0x4558u

/* SECCOMP_RET_* value for an action. */
uint32_t stk_action_ret(struct stk_action a);
/* Decode a SECCOMP_RET_* value back into an action. */
struct stk_action stk_action_from_ret(uint32_t ret);
bool stk_action_eq(struct stk_action a, struct stk_action b);
/* "allow", "errno EPERM", "kill-process", ... into buf. */
const char *stk_action_str(struct stk_action a, char *buf, size_t len);

/* ---- argument conditions ------------------------------------------------ */
enum stk_cmp_op { STK_CMP_EQ, STK_CMP_NE, STK_CMP_LT, STK_CMP_LE, STK_CMP_GT, STK_CMP_GE };

enum stk_cond_kind {
    STK_COND_TRUE,
    STK_COND_FALSE,
    STK_COND_AND,
    STK_COND_OR,
    STK_COND_NOT,
    STK_COND_CMP, /* (arg & mask) op value */
    STK_COND_IN,  /* (arg & mask) is one of values[]; `not in` is NOT(IN) */
};

struct stk_cond {
    enum stk_cond_kind kind;
    struct stk_cond *a, *b; /* AND/OR: a, b; NOT: a */
    /* CMP / IN */
    int8_t argno[STK_ABI_COUNT]; /* argument register per ABI (clone differs), 0..5 */
    enum stk_arg_type type;      /* width/signedness: see stk_arg_width() */
    uint64_t mask;               /* ~0 when the policy gives none */
    enum stk_cmp_op op;          /* CMP only */
    uint64_t value;              /* CMP only */
    uint64_t *values;            /* IN only */
    size_t nvalues;
    bool exec_fd;                /* CMP against the enforcer's exec descriptor (patched at run time) */
};

/* ---- seccomp rules -------------------------------------------------------- */
struct stk_rule {
    struct stk_action action;
    int syscall;            /* index into stk_syscall_table */
    struct stk_cond *cond;  /* NULL: unconditional */
    struct stk_loc loc;     /* where the rule was written */
};

struct stk_seccomp {
    bool present;                 /* the policy has a seccomp block */
    struct stk_action def;        /* action when no rule matches */
    struct stk_action newer;      /* numbers above the newest known syscall (default errno ENOSYS) */
    bool abis[STK_ABI_COUNT];     /* ABIs the filter lets in; all others: kill-process */
    bool block_tiocsti;           /* ioctl(TIOCSTI/TIOCLINUX) -> EPERM ahead of every rule */
    struct stk_rule *rules;       /* first match wins, in this order */
    size_t nrules, caprules;
    int *quiet;                   /* `quiet`: syscalls whose errno/log outcomes --report counts but does not print */
    size_t nquiet, capquiet;
};

/* True if the policy does not unconditionally allow the named syscall (the
 * built-in exec hand-over rule is not counted). */
bool stk_seccomp_restricts(const struct stk_seccomp *s, const char *name);

/* ---- process attributes (enforcer core) --------------------------------- */
enum stk_caps_mode { STK_CAPS_NONE, STK_CAPS_ALL, STK_CAPS_KEEP };

struct stk_rlimit {
    bool set;
    uint64_t soft, hard; /* RLIM_INFINITY for unlimited */
};

#define STK_RLIMIT_COUNT 16

struct stk_env_set {
    char *name, *value;
};

struct stk_policy_ir {
    char *name;
    struct stk_loc loc;

    bool no_new_privs;
    struct stk_loc nnp_off_loc; /* where `no_new_privs off` was said (valid when !no_new_privs) */
    char *user;  /* name or number as written; resolved by the enforcer; NULL = unchanged */
    char *group;
    char **supp_groups; /* supplementary groups; NULL with nsupp 0 = cleared when user changes */
    size_t nsupp;

    enum stk_caps_mode caps_mode;
    uint64_t caps_keep; /* bit n = capability n, STK_CAPS_KEEP only */

    struct stk_rlimit rlimits[STK_RLIMIT_COUNT]; /* indexed by RLIMIT_* */

    bool env_clear;
    char **env_keep;
    size_t nenv_keep;
    struct stk_env_set *env_set;
    size_t nenv_set;

    char *workdir;
    bool umask_set;
    uint32_t umask;

    bool keep_all_fds;
    int *keep_fds;
    size_t nkeep_fds;

    struct stk_seccomp seccomp;

    struct stk_isolation_ir iso;     /* namespaces, hostname, uidmap, filesystem */
    struct stk_landlock_ir landlock;
    struct stk_cgroup_ir cgroup;
    struct stk_lsm_ir lsm;           /* selinux, apparmor */

    /* Blocks the language accepts but this build does not enforce.  Every
     * block is enforced today (isolation, landlock, cgroup and the LSMs
     * included) and sema adds none; the list, its bundle record, the
     * refusal of `compile` and the enforcer's check step stay so that a
     * block added to the language before its enforcement fails closed. */
    char **unenforced;
    struct stk_loc *unenforced_loc;
    size_t nunenforced;
};

/* a OP b, both taken as unsigned. */
bool stk_cmp_holds(enum stk_cmp_op op, uint64_t a, uint64_t b);
void stk_cond_free(struct stk_cond *c);
void stk_policy_ir_free(struct stk_policy_ir *p);

#endif
