/* sema_test.h — test blocks (`test NAME for POLICY { expect ... }`) resolved
 * into expectations that `stockade test` evaluates against the compiled
 * program and bundle (cli/cmd_test.c), and `stockade check` only checks. */
#ifndef STK_SEMA_TEST_H
#define STK_SEMA_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sema/sema.h"

enum stk_expect_kind {
    STK_X_SECCOMP,    /* expect ACTION SYSCALL[(ARGS)] [on ARCH] */
    STK_X_USER,       /* expect user NAME */
    STK_X_CAPS,       /* expect capabilities { NAME, ... } (exactly this set) */
    STK_X_NNP,        /* expect no_new_privs */
    STK_X_LANDLOCK,   /* expect landlock [not] RIGHT PATH */
    STK_X_NAMESPACES, /* expect namespaces NAME, ... (exactly this set) */
};

/* One argument of the expected call: the signature's name for it. */
struct stk_expect_arg {
    char argname[24]; /* resolved per ABI with stk_sig_arg() */
    uint64_t value;
};

struct stk_expect {
    enum stk_expect_kind kind;
    struct stk_loc loc;
    char *text; /* the expectation as written (one line), for reports */
    /* SECCOMP */
    struct stk_action action;
    int syscall; /* index in stk_syscall_table */
    struct stk_expect_arg args[6];
    size_t nargs; /* arguments not given are 0 */
    int abi;      /* enum stk_abi, or -1: every ABI the policy filters */
    /* USER */
    char *user;
    /* CAPS */
    uint64_t caps;
    /* LANDLOCK */
    bool negated;
    uint64_t access; /* STK_LL_FS_* */
    char *path;
    /* NAMESPACES */
    uint32_t ns; /* bit n = namespace n, as STK_BNS_* */
};

struct stk_test {
    char *name;
    char *policy; /* the policy under test */
    struct stk_loc loc;
    struct stk_expect *v;
    size_t n, cap;
};

struct stk_tests {
    struct stk_test *v;
    size_t n, cap;
};

/* Resolve the test blocks of the unit's main file into out (errors to u->ds). */
void stk_tests_resolve(struct stk_unit *u, struct stk_tests *out);
/* Check the test blocks of the main file (for `stockade check`). */
void stk_tests_check(struct stk_unit *u);
void stk_tests_free(struct stk_tests *t);

#endif
