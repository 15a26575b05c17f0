/* import_int.h — what the OCI importer's files share (compiler/import/). */
#ifndef STK_IMPORT_INT_H
#define STK_IMPORT_INT_H

#include "import/import.h"
#include "ir/ir.h"

/* libseccomp's comparisons: all on the whole (64-bit) register, unsigned. */
enum imp_op { IMP_NE, IMP_LT, IMP_LE, IMP_EQ, IMP_GE, IMP_GT, IMP_MASKED_EQ };

struct imp_cmp {
    unsigned index;  /* argument register 0..5 */
    enum imp_op op;
    uint64_t value;  /* MASKED_EQ: the mask */
    uint64_t value2; /* MASKED_EQ: the value compared with */
};

/* One syscalls[] entry that applies to the machine, capabilities and kernel. */
struct imp_rule {
    size_t src;        /* its index in syscalls[] */
    char *origin;      /* "syscalls[3]" plus why it applies ("includes caps CAP_SYS_ADMIN") */
    char *comment;     /* its "comment", or NULL */
    struct stk_action action;
    struct imp_cmp *cmps;
    size_t ncmps;
    char **names;
    size_t nnames;
};

struct imp_profile {
    struct stk_action def;
    bool abis[STK_ABI_COUNT]; /* the architectures the filter lets in */
    struct imp_rule *rules;
    size_t nrules;
    struct stk_buf notes; /* comment lines for the header: what was left out and why */
};

/* import_oci.c */
void stk_imp_profile_free(struct imp_profile *p);

/* A warning for the import's report: one line added to warn (import_rules.c). */
void stk_import_warn(struct stk_buf *warn, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* import_rules.c: per syscall, what libseccomp decides. */
struct imp_decision {
    int syscall;               /* index in stk_syscall_table */
    struct stk_action action;
    const struct imp_rule **conds; /* the conditional rules, ORed; none: unconditional */
    size_t nconds;
    size_t first;              /* the first rule (index in profile->rules) that names it */
    bool emitted;
};
struct imp_plan {
    struct imp_decision *d;
    size_t n;
    char **unknown; /* names not in stockade's table (libseccomp-based runtimes drop them too) */
    size_t nunknown;
    char **elsewhere; /* names that exist only on other architectures */
    size_t nelsewhere;
    struct stk_buf notes;
};
int stk_imp_plan(const struct imp_profile *p, struct imp_plan *plan, struct stk_buf *warn, char *err,
                 size_t errlen);
void stk_imp_plan_free(struct imp_plan *plan);

/* import_oci.c: every import writes only policies that compile; anything
 * else (a program over the kernel's 4096 instructions, a path the language
 * refuses) is refused with the compiler's reason.  0, or -1 with err. */
int stk_imp_compiles(const struct stk_buf *text, char *err, size_t errlen);

/* import_write.c */
void stk_imp_write(const struct imp_profile *p, struct imp_plan *plan, const struct stk_import_opts *o,
                   struct stk_buf *out);
/* "docker-default-seccomp.json" -> "docker-default-seccomp" (a policy name). */
char *stk_imp_policy_name(const char *source, const char *given);

#endif
