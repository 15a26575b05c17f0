/* task_mem.c — the supervisor reads a notifying task's memory (task_mem.h).
 *
 * Through /proc/TID/mem, never process_vm_readv: the supervisor keeps
 * CAP_SYS_PTRACE (and CAP_DAC_READ_SEARCH) for a command of another uid,
 * which the ptrace-mode check of /proc/TID/mem honours, while
 * process_vm_readv is refused to it whenever the command holds capabilities
 * the supervisor dropped (its real-credentials check fails).  Reads go page
 * by page: a read across an unmapped page fails as a whole, so a string
 * that ends just before one would otherwise be lost. */
#include "supervise/task_mem.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define PAGE 4096u

int stk_task_mem_open(pid_t tid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/mem", (int)tid);
    return open(path, O_RDONLY | O_CLOEXEC);
}

/* Up to len bytes at addr, a page at a time; stops after the page that
 * holds a NUL when to_nul.  The number of bytes read. */
static size_t read_pages(int memfd, uint64_t addr, char *buf, size_t len, bool to_nul)
{
    size_t done = 0;
    while (done < len) {
        size_t want = PAGE - (size_t)((addr + done) & (PAGE - 1));
        if (want > len - done)
            want = len - done;
        ssize_t r = pread(memfd, buf + done, want, (off_t)(addr + done));
        if (r <= 0)
            break;
        done += (size_t)r;
        if (to_nul && memchr(buf + done - (size_t)r, '\0', (size_t)r))
            break;
    }
    return done;
}

int stk_task_mem_read(int memfd, uint64_t addr, void *buf, size_t len)
{
    if (memfd < 0 || !addr || len == 0)
        return -1;
    return read_pages(memfd, addr, buf, len, false) == len ? 0 : -1;
}

ssize_t stk_task_mem_string(int memfd, uint64_t addr, char *buf, size_t len, bool *complete)
{
    *complete = false;
    if (memfd < 0 || !addr || len < 2)
        return -1;
    size_t n = read_pages(memfd, addr, buf, len - 1, true);
    if (n == 0)
        return -1;
    char *end = memchr(buf, '\0', n);
    *complete = end != NULL;
    if (!end)
        buf[n] = '\0';
    return end ? end - buf : (ssize_t)n;
}
