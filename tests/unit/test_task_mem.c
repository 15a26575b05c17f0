/* test_task_mem.c — the supervisor's one reader of a task's memory
 * (enforcer/supervise/task_mem.c), used by --report's strings and socket
 * addresses and by the recorder of `stockade learn`: page by page, a string
 * up to its NUL or an unreadable page, a structure whole or not at all.
 * The task read is this test itself, through /proc/self/mem. */
#include <stdbool.h>
#include <sys/mman.h>
#include <unistd.h>

#include "supervise/task_mem.h"
#include "testlib.h"

/* Two pages: the first readable, the second unmapped (/proc/PID/mem reads
 * through PROT_NONE, as a debugger does: only a hole stops it). */
static char *edge_pages(void)
{
    char *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        T_FAILF("mmap");
    if (munmap(p + 4096, 4096) < 0)
        T_FAILF("munmap");
    return p;
}

TEST(task_mem_string_ending_before_an_unreadable_page)
{
    char *p = edge_pages();
    memcpy(p + 4096 - 4, "abc", 4); /* its NUL is the page's last byte */
    int fd = stk_task_mem_open(getpid());
    CHECK(fd >= 0);
    char buf[64];
    bool complete = false;
    ssize_t n = stk_task_mem_string(fd, (uint64_t)(uintptr_t)(p + 4096 - 4), buf, sizeof buf, &complete);
    CHECK_INT(n, 3);
    CHECK(complete);
    CHECK_STR(buf, "abc");
    close(fd);
    munmap(p, 4096);
}

TEST(task_mem_string_cut_by_an_unreadable_page)
{
    char *p = edge_pages();
    memcpy(p + 4096 - 3, "xyz", 3); /* no NUL before the unreadable page */
    int fd = stk_task_mem_open(getpid());
    char buf[64];
    bool complete = true;
    ssize_t n = stk_task_mem_string(fd, (uint64_t)(uintptr_t)(p + 4096 - 3), buf, sizeof buf, &complete);
    CHECK_INT(n, 3);
    CHECK(!complete);
    CHECK_STR(buf, "xyz");
    /* nothing readable at all, and the null pointer */
    CHECK_INT(stk_task_mem_string(fd, (uint64_t)(uintptr_t)(p + 4096), buf, sizeof buf, &complete), -1);
    CHECK_INT(stk_task_mem_string(fd, 0, buf, sizeof buf, &complete), -1);
    close(fd);
    munmap(p, 4096);
}

TEST(task_mem_string_longer_than_the_buffer)
{
    static const char s[] = "0123456789abcdef";
    int fd = stk_task_mem_open(getpid());
    char buf[8];
    bool complete = true;
    ssize_t n = stk_task_mem_string(fd, (uint64_t)(uintptr_t)s, buf, sizeof buf, &complete);
    CHECK_INT(n, 7);
    CHECK(!complete);
    CHECK_STR(buf, "0123456");
    close(fd);
}

TEST(task_mem_structure_whole_or_nothing)
{
    char *p = edge_pages();
    memcpy(p + 4096 - 8, "12345678", 8);
    int fd = stk_task_mem_open(getpid());
    char buf[16];
    CHECK_INT(stk_task_mem_read(fd, (uint64_t)(uintptr_t)(p + 4096 - 8), buf, 8), 0);
    CHECK(memcmp(buf, "12345678", 8) == 0);
    /* across into the unreadable page: refused whole, as the kernel would (EFAULT) */
    CHECK_INT(stk_task_mem_read(fd, (uint64_t)(uintptr_t)(p + 4096 - 8), buf, 16), -1);
    /* across a page boundary of readable memory: read whole */
    CHECK(mmap(p + 4096, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == p + 4096);
    memcpy(p + 4096, "abcdefgh", 8);
    CHECK_INT(stk_task_mem_read(fd, (uint64_t)(uintptr_t)(p + 4096 - 8), buf, 16), 0);
    CHECK(memcmp(buf, "12345678abcdefgh", 16) == 0);
    CHECK_INT(stk_task_mem_read(-1, (uint64_t)(uintptr_t)p, buf, 8), -1);
    close(fd);
    munmap(p, 8192);
}

int main(void)
{
    RUN(task_mem_string_ending_before_an_unreadable_page);
    RUN(task_mem_string_cut_by_an_unreadable_page);
    RUN(task_mem_string_longer_than_the_buffer);
    RUN(task_mem_structure_whole_or_nothing);
    return test_summary();
}
