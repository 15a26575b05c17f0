/* task_mem.h — the supervisor reads a task's memory (task_mem.c): the one
 * reader of --report's strings and socket addresses (report_task.c) and of
 * the recorder's paths and structures (learn.c), while the task waits in its
 * notified call.  What it reads is shown or recorded, never used to decide
 * anything: another thread of the task can change the memory meanwhile. */
#ifndef STK_TASK_MEM_H
#define STK_TASK_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* /proc/TID/mem, opened read-only and close-on-exec; -1 when it cannot be
 * (the task is gone, or ptrace access is refused). */
int stk_task_mem_open(pid_t tid);

/* len bytes at addr, all of them or nothing: 0, or -1 when any byte cannot
 * be read (a structure the kernel would refuse with EFAULT). */
int stk_task_mem_read(int memfd, uint64_t addr, void *buf, size_t len);

/* The C string at addr: at most len-1 bytes into buf, NUL-terminated,
 * page by page so that a string ending just before an unmapped page is
 * read, and no further than its NUL.  Returns its length, or -1 when not
 * a byte could be read (or addr is 0); *complete says whether its NUL was
 * among the bytes read (false: cut at len-1 bytes or at an unreadable page). */
ssize_t stk_task_mem_string(int memfd, uint64_t addr, char *buf, size_t len, bool *complete);

#endif
