/* sema.h — semantic analysis: loaded files, symbols (groups, policies),
 * and the passes that turn a policy's AST into IR. Internal to the compiler. */
#ifndef STK_SEMA_H
#define STK_SEMA_H

#include "front/ast.h"
#include "diag.h"
#include "ir/ir.h"
#include "compile.h"

struct stk_group_sym {
    const struct stk_item *item;
    int state; /* 0 unexpanded, 1 expanding (cycle check), 2 done */
    struct stk_group_member {
        int syscall;        /* index in stk_syscall_table */
        struct stk_loc loc; /* where the name was written (innermost) */
    } *members;
    size_t nmembers, capmembers;
};

struct stk_policy_sym {
    const struct stk_item *item;
    bool in_main; /* defined in the file being compiled (not an include) */
};

/* name -> position in an array (open addressing; slot = position + 1). */
struct stk_symindex {
    uint32_t *slot;
    size_t cap, n;
};

struct stk_unit {
    struct stk_diags *ds;
    const struct stk_compile_opts *opts;
    struct stk_file_ast **files; /* every loaded file, main first */
    size_t nfiles, capfiles;
    uint32_t *stack; /* include stack (source indices) for cycle detection */
    size_t nstack, capstack;
    bool group_depth_reported; /* "groups nest too deep" was said once */
    struct stk_group_sym *groups;
    size_t ngroups, capgroups;
    struct stk_policy_sym *policies;
    size_t npolicies, cappolicies;
    struct stk_symindex group_index, policy_index;
};

/* front/unit.c: read the main source and everything it includes; build symbols. */
bool stk_unit_load_file(struct stk_unit *u, const char *path);
bool stk_unit_load_text(struct stk_unit *u, const char *name, const char *text, size_t len);
void stk_unit_free(struct stk_unit *u);
struct stk_group_sym *stk_unit_group(struct stk_unit *u, const char *name);
struct stk_policy_sym *stk_unit_policy(struct stk_unit *u, const char *name);

/* groups.c: expand a group (recursively) into syscalls; false on error. */
bool stk_group_expand(struct stk_unit *u, struct stk_group_sym *g);

/* sema_policy.c: resolve one policy (with its extends chain) into IR. */
struct stk_policy_ir *stk_policy_resolve(struct stk_unit *u, struct stk_policy_sym *p);

/* sema_seccomp.c: an action from words ("errno EPERM", "kill-process"), as a rule
 * writes it; false after an error (used by test blocks, sema_test.c). */
bool stk_seccomp_action(struct stk_unit *u, const struct stk_word *w, size_t n, struct stk_loc at,
                        struct stk_action *out);
/* sema_seccomp.c: the seccomp block(s) of a policy chain (child first). */
void stk_seccomp_resolve(struct stk_unit *u, struct stk_policy_ir *ir, const struct stk_stmt **blocks,
                         const size_t *levels, size_t nblocks);
/* sema_expr.c: an `if` expression for one syscall into a condition; NULL on error. */
struct stk_cond *stk_expr_resolve(struct stk_unit *u, const struct stk_expr *e, int syscall,
                                  const bool abis[STK_ABI_COUNT], bool restrictive);

/* lint_flags.c: lint a flag-carrying argument compared for (in)equality. */
struct stk_flag_cmp {
    const int8_t *argno;       /* argument register per ABI */
    uint64_t mask;             /* the mask written in the rule (~0: none) */
    const char *argname;       /* as written */
    bool eqlike;               /* == / in (else != / not in) */
    bool list;                 /* in / not in */
    bool restrictive;          /* the rule refuses (not allow/log) */
    bool negated;              /* under an odd number of '!' */
    const uint64_t *values;    /* the constants compared with */
    size_t nvalues;
    const struct stk_expr *const *exprs; /* their expressions, for the hint's text */
    size_t nexprs;
    struct stk_loc loc;
};
void stk_lint_flag_compare(struct stk_unit *u, const char *scname, const struct stk_flag_cmp *c);
/* lint_io_uring.c: warn when io_uring is allowed next to rules it can walk around. */
void stk_lint_io_uring(struct stk_unit *u, const struct stk_seccomp *sc, struct stk_loc block_loc);


/* ---- shared helpers for directive handlers (sema.c) ------------------------ */
typedef void stk_directive_fn(struct stk_unit *u, struct stk_policy_ir *ir, const struct stk_stmt *s);
/* "unknown WHAT 'NAME'" with a did-you-mean hint from known[]. */
void stk_sema_suggest(struct stk_unit *u, const char *code, struct stk_loc loc, const char *what, const char *name,
                      const char *const *known, size_t nknown);
/* Argument count within [min, max], else an error; false on error. */
bool stk_sema_want_args(struct stk_unit *u, const struct stk_stmt *s, size_t min, size_t max);
/* No arguments and a block, else an error (hint: an example); false on error. */
bool stk_sema_want_block(struct stk_unit *u, const struct stk_stmt *s, const char *hint);
/* The statement has no block, else an error; false on error. */
bool stk_sema_no_block(struct stk_unit *u, const struct stk_stmt *s);
/* "unknown syscall 'NAME'" / "unknown group '@NAME'" with a did-you-mean hint. */
void stk_sema_unknown_syscall(struct stk_unit *u, const char *name, struct stk_loc loc);
void stk_sema_unknown_group(struct stk_unit *u, const char *name, struct stk_loc loc);
/* The bundle's bounds (common/bundle_format.h and the common/bundle_*.h
 * headers), checked where the policy states what would exceed them, so that
 * every bundle compile writes is one the enforcer reads.
 * A string of len bytes that the bundle holds at most max of: true if it
 * fits, else an error with code ("too-long", "bad-path") at loc naming what. */
bool stk_sema_fits(struct stk_unit *u, const char *code, struct stk_loc loc, const char *what, size_t len,
                   size_t max);
/* Item n (from 0) of a list the bundle holds at most max items of: true while
 * n < max; item max gets one too-many error at loc ("more than MAX WHAT"),
 * the items after it none. */
bool stk_sema_count_ok(struct stk_unit *u, struct stk_loc loc, size_t n, size_t max, const char *what);

/* Directive handlers by file.  A later directive of the same kind in the
 * extends chain (ancestors first, child last) overrides or adds, as each
 * handler documents.  *_finish run once after the whole chain is applied. */
/* sema_isolation.c: namespaces, hostname, uidmap, gidmap; sema_filesystem.c: filesystem */
stk_directive_fn stk_d_namespaces, stk_d_hostname, stk_d_uidmap, stk_d_gidmap, stk_d_filesystem;
void stk_isolation_finish(struct stk_unit *u, struct stk_policy_ir *ir);
/* sema_landlock.c */
stk_directive_fn stk_d_landlock;
void stk_landlock_finish(struct stk_unit *u, struct stk_policy_ir *ir);
/* sema_cgroup.c */
stk_directive_fn stk_d_cgroup;
void stk_cgroup_finish(struct stk_unit *u, struct stk_policy_ir *ir);
/* sema_lsm.c: selinux, apparmor */
stk_directive_fn stk_d_selinux, stk_d_apparmor;
void stk_lsm_finish(struct stk_unit *u, struct stk_policy_ir *ir);

#endif
