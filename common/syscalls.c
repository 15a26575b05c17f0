/* syscalls.c — ABI descriptions and lookups in the generated syscall table
 * (build/gen/syscall_table.c, made by common/tools/gen_syscalls). */
#include "syscalls.h"
#include "edit_distance.h"

#include <linux/audit.h>
#include <pthread.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* x32 runs in 64-bit mode: the syscall argument registers are 64 bits wide
 * and most x32 calls are served by the x86_64 handlers, which read whole
 * registers.  A filter must therefore compare all 64 bits of an argument on
 * x32 (as on x86_64), so is_64bit is true there although C pointers and longs
 * are 32 bits in x32 user space. */
const struct stk_abi_info stk_abis[STK_ABI_COUNT] = {
    [STK_ABI_X86_64] = {"x86_64", NULL, AUDIT_ARCH_X86_64, 0, true, (int)SCMP_ARCH_X86_64},
    [STK_ABI_I386] = {"i386", "x86", AUDIT_ARCH_I386, 0, false, (int)SCMP_ARCH_X86},
    [STK_ABI_X32] = {"x32", NULL, AUDIT_ARCH_X86_64, STK_X32_SYSCALL_BIT, true, (int)SCMP_ARCH_X32},
    [STK_ABI_AARCH64] = {"aarch64", NULL, AUDIT_ARCH_AARCH64, 0, true, (int)SCMP_ARCH_AARCH64},
    [STK_ABI_ARM] = {"arm", NULL, AUDIT_ARCH_ARM, 0, false, (int)SCMP_ARCH_ARM},
    [STK_ABI_RISCV64] = {"riscv64", NULL, AUDIT_ARCH_RISCV64, 0, true, (int)SCMP_ARCH_RISCV64},
};

enum stk_abi stk_native_abi(void)
{
#if defined(__x86_64__) && defined(__ILP32__)
    return STK_ABI_X32;
#elif defined(__x86_64__)
    return STK_ABI_X86_64;
#elif defined(__i386__)
    return STK_ABI_I386;
#elif defined(__aarch64__)
    return STK_ABI_AARCH64;
#elif defined(__arm__)
    return STK_ABI_ARM;
#elif defined(__riscv) && defined(__riscv_xlen) && __riscv_xlen == 64
    return STK_ABI_RISCV64;
#else
#error "stockade: unsupported native ABI"
#endif
}

int stk_abi_by_name(const char *name)
{
    if (!name)
        return -1;
    if (strcmp(name, "native") == 0)
        return (int)stk_native_abi();
    for (int i = 0; i < STK_ABI_COUNT; i++) {
        if (strcmp(name, stk_abis[i].name) == 0 ||
            (stk_abis[i].alias && strcmp(name, stk_abis[i].alias) == 0))
            return i;
    }
    return -1;
}

int stk_syscall_lookup(const char *name)
{
    if (!name)
        return -1;
    size_t lo = 0, hi = stk_syscall_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(name, stk_syscall_table[mid].name);
        if (c == 0)
            return (int)mid;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return -1;
}

static bool abi_ok(enum stk_abi abi)
{
    return (int)abi >= 0 && (int)abi < STK_ABI_COUNT;
}

int64_t stk_syscall_nr(int id, enum stk_abi abi)
{
    if (id < 0 || (size_t)id >= stk_syscall_count || !abi_ok(abi))
        return -1;
    int32_t nr = stk_syscall_table[id].nr[abi];
    if (nr < 0)
        return -1;
    return (int64_t)nr + (int64_t)stk_abis[abi].nr_offset;
}

/* Reverse index: per ABI, the table indices of the syscalls present there,
 * sorted by table number.  Built once, on first use, and kept for the life
 * of the process.  The generator guarantees that no two syscalls share a
 * number on one ABI. */
struct rev_index {
    int *ids; /* indices into stk_syscall_table */
    size_t n;
};
static struct rev_index rev[STK_ABI_COUNT];
static pthread_once_t rev_once = PTHREAD_ONCE_INIT;
static enum stk_abi sort_abi;

static int cmp_by_nr(const void *a, const void *b)
{
    int32_t x = stk_syscall_table[*(const int *)a].nr[sort_abi];
    int32_t y = stk_syscall_table[*(const int *)b].nr[sort_abi];
    return (x > y) - (x < y);
}

/* Without memory for an index, the ABI's lookups find nothing (the
 * reverse index is used to name calls and to bound numbers, never to allow). */
static void build_rev(void)
{
    for (int a = 0; a < STK_ABI_COUNT; a++) {
        rev[a].ids = calloc(stk_syscall_count, sizeof(int));
        rev[a].n = 0;
        if (!rev[a].ids)
            continue;
        for (size_t i = 0; i < stk_syscall_count; i++)
            if (stk_syscall_table[i].nr[a] >= 0)
                rev[a].ids[rev[a].n++] = (int)i;
        sort_abi = (enum stk_abi)a;
        qsort(rev[a].ids, rev[a].n, sizeof(int), cmp_by_nr);
    }
}

static const struct rev_index *rev_for(enum stk_abi abi)
{
    if (pthread_once(&rev_once, build_rev) != 0)
        abort(); /* cannot happen with a valid once control */
    return &rev[abi];
}

const char *stk_syscall_name_by_nr(enum stk_abi abi, uint32_t nr)
{
    if (!abi_ok(abi))
        return NULL;
    uint32_t off = stk_abis[abi].nr_offset;
    if (off) {
        /* On x32 only numbers carrying the x32 bit belong to the ABI. */
        if ((nr & off) != off)
            return NULL;
        nr -= off;
    }
    if (nr > (uint32_t)INT32_MAX)
        return NULL;
    const struct rev_index *r = rev_for(abi);
    size_t lo = 0, hi = r->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const struct stk_syscall *s = &stk_syscall_table[r->ids[mid]];
        uint32_t v = (uint32_t)s->nr[abi];
        if (v == nr)
            return s->name;
        if (nr < v)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

/* Every number in the table counts, including ARM's private syscalls at
 * 0x0f0000 and up (breakpoint, cacheflush, usr26, usr32, set_tls, get_tls):
 * they are real syscalls a policy can name, and callers use the maximum to
 * decide which numbers the compiler knows, so leaving them out would make
 * known ARM syscalls look unknown.  Returns -1 if the ABI has no syscalls. */
int32_t stk_syscall_max_nr(enum stk_abi abi)
{
    if (!abi_ok(abi))
        return -1;
    const struct rev_index *r = rev_for(abi);
    if (r->n == 0)
        return -1;
    return stk_syscall_table[r->ids[r->n - 1]].nr[abi];
}

const char *stk_syscall_suggest(const char *name)
{
    if (!name || !*name)
        return NULL;
    struct stk_closest c;
    stk_closest_init(&c, name);
    for (size_t i = 0; i < stk_syscall_count; i++)
        stk_closest_offer(&c, stk_syscall_table[i].name);
    return c.best;
}
