/* bundle.h — a decoded, validated bundle: everything the enforcer applies.
 * Independent of the compiler's types (the enforcer never sees the IR).
 * Produced only by stk_bundle_read(), which validates everything first. */
#ifndef STK_BUNDLE_H
#define STK_BUNDLE_H

#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpf_stack.h"
#include "bundle_cgroup.h"
#include "bundle_format.h"
#include "bundle_isolation.h"
#include "bundle_landlock.h"
#include "bundle_lsm.h"
#include "err.h"

enum stk_bundle_caps { STK_BCAPS_NONE = 0, STK_BCAPS_ALL = 1, STK_BCAPS_KEEP = 2 };

struct stk_bundle_rlimit {
    bool set;
    uint64_t soft, hard; /* RLIM_INFINITY (~0) for unlimited */
};

struct stk_bundle_env {
    const char *name, *value;
};

/* The seccomp filters, installed in order (filters[0] first).  Each filter:
 * insns validated like the kernel's checker; exec_fd_insns the indices of
 * instructions whose k is STK_EXEC_FD_PLACEHOLDER (in the last filter only). */
struct stk_bundle_seccomp {
    bool present;
    uint32_t audit_arch;       /* the native ABI the program's exec rule was emitted for */
    uint32_t flags;            /* STK_SECCOMP_* */
    struct stk_bpf_filter *filters;
    size_t nfilters;           /* 1..STK_BUNDLE_MAX_FILTERS when present */
    size_t nexec_fd_insns;     /* over all the filters */
};

struct stk_bundle {
    uint32_t version;
    const char *name; /* NULL if absent */

    bool no_new_privs;
    const char *user;  /* NULL = unchanged */
    const char *group; /* NULL = the user's primary group (or unchanged without a user) */
    bool supp_set;     /* a supplementary group list was given (possibly empty) */
    const char **supp_groups;
    size_t nsupp;

    enum stk_bundle_caps caps;
    uint64_t caps_keep; /* STK_BCAPS_KEEP only */

    struct stk_bundle_rlimit rlimits[STK_BUNDLE_RLIMITS];

    bool env_clear;
    const char **env_keep;
    size_t nenv_keep;
    struct stk_bundle_env *env_set;
    size_t nenv_set;

    const char *workdir; /* NULL = unchanged */
    bool umask_set;
    uint32_t umask;

    bool keep_all_fds;
    int *keep_fds; /* sorted, unique */
    size_t nkeep_fds;

    struct stk_bundle_seccomp seccomp;

    struct stk_bundle_isolation iso; /* namespaces, hostname, uid/gid maps, filesystem */
    struct stk_bundle_landlock landlock;
    struct stk_bundle_cgroup cgroup;
    struct stk_bundle_lsm lsm;       /* selinux, apparmor */

    const char **unenforced; /* policy blocks this enforcer cannot enforce: it refuses to run */
    size_t nunenforced;

    struct stk_bundle_quiet {
        uint32_t arch, nr;    /* seccomp_data.arch, .nr */
    } *quiet;                 /* `quiet`: --report counts, does not print, these calls' errno/log outcomes */
    size_t nquiet;

    unsigned char *raw; /* private copy of the bundle; the strings above point into it */
};

/* Decode and validate a bundle held in memory.  Returns 0 and *out (free with
 * stk_bundle_free), or -1 with e filled (step "bundle", status 125). */
int stk_bundle_read(const void *data, size_t len, struct stk_bundle **out, struct stk_err *e);
/* Read a bundle file (at most STK_BUNDLE_MAX_LEN bytes) and decode it. */
int stk_bundle_load(const char *path, struct stk_bundle **out, struct stk_err *e);
void stk_bundle_free(struct stk_bundle *b);

/* Print what the enforcer would do with this bundle, step by step (dry run,
 * `stockade inspect`).  argv may be NULL (no command). */
void stk_bundle_print(const struct stk_bundle *b, char *const argv[], FILE *out);

/* The parts' lines of the dry run, numbered from *step on (bundle_read_*.c);
 * nothing when the bundle has no such part. */
void stk_bundle_print_isolation(const struct stk_bundle *b, int *step, FILE *out);
void stk_bundle_print_landlock(const struct stk_bundle *b, int *step, FILE *out);
void stk_bundle_print_cgroup(const struct stk_bundle *b, int *step, FILE *out);
void stk_bundle_print_lsm(const struct stk_bundle *b, int *step, FILE *out);

/* Name of a RLIMIT_* resource as policies spell it ("nofile"), or NULL. */
const char *stk_rlimit_name(unsigned resource);

/* The AUDIT_ARCH_* value of the machine this enforcer was built for (the
 * only seccomp ABI a bundle may be compiled for). */
uint32_t stk_native_audit_arch(void);

#endif
