/* bundle_cgroup.h — the cgroup part of a decoded bundle (struct stk_bundle.cgroup),
 * and its record types (range STK_REC_CGROUP_FIRST..LAST in bundle_format.h).
 *
 * Records (docs/bundle.md, "cgroup"):
 *   0x0160 CGROUP        u32 flags (0): the command runs in its own cgroup leaf   once
 *   0x0161 CGROUP_LIMIT  u32 key (enum stk_cg_key), u32 0, u64 value, u64 value2   once per key
 * value STK_CG_MAX means "max" (no limit); value2 is the cpu.max period and 0
 * for every other key.  Ranges: memory.max and memory.swap.max <= 2^62 bytes
 * (memory.max >= 1), pids.max 1..4194304, cpu.max quota 1000..1024000000 us
 * (or max) and period 1000..1000000 us, cpu.weight and io.weight 1..10000
 * (never max).  LIMIT records need the CGROUP record. */
#ifndef STK_BUNDLE_CGROUP_H
#define STK_BUNDLE_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
    STK_REC_CGROUP = 0x0160,
    STK_REC_CGROUP_LIMIT = 0x0161,
};

/* The limits, numbered as in the bundle (names as in the language and cgroup v2). */
enum stk_cg_key {
    STK_CG_MEMORY_MAX = 0,
    STK_CG_MEMORY_SWAP_MAX = 1,
    STK_CG_PIDS_MAX = 2,
    STK_CG_CPU_MAX = 3,
    STK_CG_CPU_WEIGHT = 4,
    STK_CG_IO_WEIGHT = 5,
    STK_CG_NKEYS = 6,
};

#define STK_CG_MAX UINT64_MAX          /* "max": no limit */
#define STK_CG_MEM_LIMIT (1ull << 62)  /* largest byte value */
#define STK_CG_PIDS_LIMIT 4194304u     /* PID_MAX_LIMIT */
#define STK_CG_QUOTA_MIN 1000u         /* 1 ms, the kernel's minimum */
#define STK_CG_QUOTA_LIMIT 1024000000u /* 1024 CPUs for a 1 s period */
#define STK_CG_PERIOD_MIN 1000u
#define STK_CG_PERIOD_MAX 1000000u
#define STK_CG_PERIOD_DEFAULT 100000u
#define STK_CG_WEIGHT_MIN 1u
#define STK_CG_WEIGHT_MAX 10000u

/* "memory.max", ... (NULL outside the enum). */
const char *stk_cg_key_name(unsigned key);

struct stk_bundle_cg_limit {
    bool set;
    uint64_t value, value2;
};

struct stk_bundle_cgroup {
    bool present;
    struct stk_bundle_cg_limit lim[STK_CG_NKEYS];
};

#endif
