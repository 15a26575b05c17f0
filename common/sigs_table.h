/* sigs_table.h — the syscall signature tables generated from
 * common/data/syscall-args.txt by common/tools/gen_sigs.awk
 * (build/gen/sigs_table.c).  Most code should use sigs.h instead. */
#ifndef STK_SIGS_TABLE_H
#define STK_SIGS_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "sigs.h"

/* A signature that replaces the base one of sig.syscall on some ABIs. */
struct stk_sig_override {
    uint32_t abis; /* bit (1u << enum stk_abi) for each ABI it applies to */
    struct stk_sig sig;
};

/* Base signatures, one per syscall, sorted by name (strcmp). */
extern const struct stk_sig stk_sig_table[];
extern const size_t stk_sig_count;

/* Per-ABI overrides, sorted by syscall name; no ABI appears twice for a name. */
extern const struct stk_sig_override stk_sig_overrides[];
extern const size_t stk_sig_override_count;

#endif
