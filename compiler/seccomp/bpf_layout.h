/* bpf_layout.h — what the filter decides for each syscall number, before any
 * code is generated: per architecture value, the 32-bit number space cut
 * into ranges, each ending in a leaf (a return, or one syscall's argument
 * conditions).  Used by the code generator and by `explain`. */
#ifndef STK_BPF_LAYOUT_H
#define STK_BPF_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#include "ir/ir.h"

enum stk_leaf_kind { STK_LEAF_RET, STK_LEAF_COND };

struct stk_leaf {
    enum stk_leaf_kind kind;
    uint32_t ret;       /* RET: the return value; COND: the fallback when no condition matches */
    enum stk_abi abi;   /* COND only */
    int syscall;        /* COND only */
    size_t *rules;      /* COND: indices into ir->seccomp.rules, in order */
    size_t nrules;
};

struct stk_segment {
    uint32_t lo, hi;  /* inclusive */
    uint64_t weight;  /* how many syscall numbers of interest it covers (>= 1) */
    struct stk_leaf leaf;
};

struct stk_segments {
    struct stk_segment *v;
    size_t n, cap;
};

struct stk_arch_layout {
    uint32_t audit_arch;
    struct stk_segments segs;
};

struct stk_layout {
    struct stk_arch_layout arch[STK_ABI_COUNT];
    size_t narch;
};

void stk_layout_build(const struct stk_policy_ir *ir, struct stk_layout *out);
/* The same for one filter of a split policy (bpf_split.c): a known syscall of
 * ABI a that own[a * stk_syscall_count + id] does not mark is allowed (another
 * filter decides it); numbers no syscall has are decided as in the whole
 * program, identically in every filter.  own NULL: every syscall. */
void stk_layout_build_owned(const struct stk_policy_ir *ir, const uint8_t *own, struct stk_layout *out);
void stk_layout_free(struct stk_layout *l);
bool stk_layout_leaf_eq(const struct stk_leaf *a, const struct stk_leaf *b);

/* Highest syscall number of abi that is not an architecture-private one. */
int32_t stk_layout_max_regular(enum stk_abi abi);

#endif
