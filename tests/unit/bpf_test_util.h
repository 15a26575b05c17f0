/* bpf_test_util.h — helpers shared by the BPF interpreter tests
 * (test_bpf_interp.c) and their real-kernel counterparts (test_bpf_interp_kernel.c). */
#ifndef STK_BPF_TEST_UTIL_H
#define STK_BPF_TEST_UTIL_H

#include "bpf_interp.h"
#include "testlib.h"

#include <errno.h>
#include <stdlib.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/audit.h>

#define LEN(a) (sizeof(a) / sizeof((a)[0]))

#define LD_ABS(k) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (k))
#define LD_IMM(k) BPF_STMT(BPF_LD | BPF_IMM, (k))
#define LDX_IMM(k) BPF_STMT(BPF_LDX | BPF_IMM, (k))
#define RET_K(k) BPF_STMT(BPF_RET | BPF_K, (k))
#define RET_A BPF_STMT(BPF_RET | BPF_A, 0)
#define ERRNO(e) (SECCOMP_RET_ERRNO | (uint32_t)(e))

#define OFF_NR 0u
#define OFF_ARCH 4u
#define OFF_IP_LO 8u
#define OFF_IP_HI 12u
#define OFF_ARG_LO(i) (16u + 8u * (i))
#define OFF_ARG_HI(i) (20u + 8u * (i))

static inline struct seccomp_data mkdata(uint32_t nr, uint32_t arch)
{
    struct seccomp_data d;
    memset(&d, 0, sizeof d);
    d.nr = (int)nr;
    d.arch = arch;
    return d;
}

static inline uint32_t run(const struct sock_filter *p, size_t n, const struct seccomp_data *d,
                    unsigned *count)
{
    char err[256];
    if (stk_bpf_validate(p, n, err, sizeof err) != 0) {
        fprintf(stderr, "unexpectedly invalid: %s\n", err);
        return 0xdeadbeef;
    }
    return stk_bpf_run(p, n, d, count);
}


/* Deterministic random numbers; STK_BPF_SEED chooses the seed. */
static uint64_t rng_state;

static inline uint64_t rnd(void)
{
    uint64_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return rng_state = x;
}

static inline uint32_t rnd_below(uint32_t n)
{
    return n ? (uint32_t)(rnd() % n) : 0;
}

static inline void seed_rng(void)
{
    const char *s = getenv("STK_BPF_SEED");
    rng_state = s ? strtoull(s, NULL, 0) : 0x5eed5eed12345ull;
    if (rng_state == 0)
        rng_state = 1;
}

#endif
