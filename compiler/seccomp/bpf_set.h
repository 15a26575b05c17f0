/* bpf_set.h — value sets on one argument compiled to a balanced search.
 *
 * `arg in (...)`, `arg not in (...)`, OR-chains of `arg == K`, and runs of
 * consecutive first-match rules of one syscall that compare the same (masked)
 * argument to constants all reduce to one map: value -> target.  The search
 * compares the high word first (64-bit arguments) and then the low word
 * against sorted, merged intervals, so a path grows with log2 of the set
 * size.  The emitter's primitives stay in bpf_gen.c (reached through
 * struct stk_bpf_emit), so the jump-range rules live in one place. */
#ifndef STK_BPF_SET_H
#define STK_BPF_SET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ir/ir.h"

typedef size_t stk_bpf_label; /* position counted from the end of the program */

struct stk_bpf_emit {
    void *g;
    /* a conditional jump "A op k" -> t / f (op: BPF_JEQ, BPF_JGT, BPF_JGE) */
    stk_bpf_label (*jump)(void *g, uint16_t op, uint32_t k, stk_bpf_label t, stk_bpf_label f);
    /* load a word of seccomp_data, then `and` it with mask unless the mask is ~0 */
    stk_bpf_label (*load)(void *g, uint32_t off, uint32_t mask);
    /* the instruction emitted last (the one a load emitted next falls through to) */
    stk_bpf_label (*last)(void *g);
};

/* Which argument word(s) a set compares: the argument register, its width for
 * the ABI, and the mask (already cut to the width). */
struct stk_bpf_set_key {
    int arg;
    unsigned width;
    uint64_t mask;
};

struct stk_bpf_set_entry {
    uint64_t value;
    stk_bpf_label target;
    size_t order; /* first match wins: the lowest order of equal values is kept */
};

/* Sets with fewer distinct values than this keep the plain jeq chain. */
#define STK_BPF_SET_MIN 4

/* If c is a set condition (IN, CMP ==, or an OR of those on one argument
 * word), add its values (masked to the width; values with bits the mask
 * clears can never match and are left out) to *v and fill *key; returns
 * false and adds nothing otherwise, or when *key is already set
 * (key->width != 0) and c compares another argument word. */
bool stk_bpf_set_collect(const struct stk_cond *c, enum stk_abi abi, struct stk_bpf_set_key *key, uint64_t **v,
                         size_t *n, size_t *cap);

/* Emit the search: (argument & mask) equal to entries[i].value -> its target,
 * anything else -> miss.  Entries in any order; equal values keep the one of
 * lowest order.  Returns the entry label (the load of the first word). */
stk_bpf_label stk_bpf_set_search(const struct stk_bpf_emit *e, const struct stk_bpf_set_key *key,
                                 struct stk_bpf_set_entry *entries, size_t n, stk_bpf_label miss);

#endif
