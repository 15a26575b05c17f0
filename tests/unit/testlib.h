/* testlib.h — the unit-test harness.  Each test binary runs its tests and
 * prints one line per test that tests/run-tests.sh counts:
 *     PASS name
 *     FAIL name: file:line: what failed
 *     SKIP name: reason
 * A test fails on the first failed CHECK; it may call SKIP() before checking.
 * Usage:
 *     TEST(lexer_numbers) { CHECK(x == 1); CHECK_STR(a, "b"); }
 *     int main(void) { RUN(lexer_numbers); return test_summary(); }
 */
#ifndef STK_TESTLIB_H
#define STK_TESTLIB_H

#include <inttypes.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int t_pass, t_fail, t_skip;
static jmp_buf t_jmp;
static char t_msg[2048];
static int t_state; /* 0 running, 1 failed, 2 skipped */

#define TEST(name) static void name(void)

#define T_FAILF(...)                                                                               \
    do {                                                                                           \
        int t_n = snprintf(t_msg, sizeof t_msg, "%s:%d: ", __FILE__, __LINE__);                   \
        if (t_n > 0 && (size_t)t_n < sizeof t_msg)                                                 \
            snprintf(t_msg + t_n, sizeof t_msg - (size_t)t_n, __VA_ARGS__);                        \
        t_state = 1;                                                                               \
        longjmp(t_jmp, 1);                                                                         \
    } while (0)

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            T_FAILF("CHECK(%s)", #cond);                                                           \
    } while (0)

#define CHECK_MSG(cond, ...)                                                                       \
    do {                                                                                           \
        if (!(cond))                                                                               \
            T_FAILF(__VA_ARGS__);                                                                  \
    } while (0)

#define CHECK_INT(a, b)                                                                            \
    do {                                                                                           \
        long long t_a = (long long)(a), t_b = (long long)(b);                                      \
        if (t_a != t_b)                                                                            \
            T_FAILF("%s == %lld, expected %s == %lld", #a, t_a, #b, t_b);                          \
    } while (0)

#define CHECK_U64(a, b)                                                                            \
    do {                                                                                           \
        unsigned long long t_a = (unsigned long long)(a), t_b = (unsigned long long)(b);           \
        if (t_a != t_b)                                                                            \
            T_FAILF("%s == 0x%llx, expected 0x%llx", #a, t_a, t_b);                                \
    } while (0)

#define CHECK_STR(a, b)                                                                            \
    do {                                                                                           \
        const char *t_a = (a), *t_b = (b);                                                         \
        if (!t_a || !t_b || strcmp(t_a, t_b) != 0)                                                 \
            T_FAILF("%s == \"%s\", expected \"%s\"", #a, t_a ? t_a : "(null)",                     \
                    t_b ? t_b : "(null)");                                                         \
    } while (0)

#define CHECK_CONTAINS(hay, needle)                                                                \
    do {                                                                                           \
        const char *t_h = (hay), *t_nd = (needle);                                                 \
        if (!t_h || !strstr(t_h, t_nd))                                                            \
            T_FAILF("%s does not contain \"%s\": \"%s\"", #hay, t_nd, t_h ? t_h : "(null)");       \
    } while (0)

#define SKIP(...)                                                                                  \
    do {                                                                                           \
        snprintf(t_msg, sizeof t_msg, __VA_ARGS__);                                                \
        t_state = 2;                                                                               \
        longjmp(t_jmp, 1);                                                                         \
    } while (0)

#define RUN(name)                                                                                  \
    do {                                                                                           \
        t_state = 0;                                                                               \
        t_msg[0] = 0;                                                                              \
        if (setjmp(t_jmp) == 0)                                                                    \
            name();                                                                                \
        if (t_state == 0) {                                                                        \
            t_pass++;                                                                              \
            printf("PASS %s\n", #name);                                                            \
        } else if (t_state == 1) {                                                                 \
            t_fail++;                                                                              \
            printf("FAIL %s: %s\n", #name, t_msg);                                                 \
        } else {                                                                                   \
            t_skip++;                                                                              \
            printf("SKIP %s: %s\n", #name, t_msg);                                                 \
        }                                                                                          \
        fflush(stdout);                                                                            \
    } while (0)

static inline int test_summary(void)
{
    return t_fail ? 1 : 0;
}

#endif
