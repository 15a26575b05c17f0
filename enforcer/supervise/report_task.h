/* report_task.h — the supervisor's dealings with the task that made a
 * notified call (report_task.c): what /proc says about it, its string
 * arguments, answers to the notification, signals.  Private to report.c. */
#ifndef STK_REPORT_TASK_H
#define STK_REPORT_TASK_H

#include <linux/seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "supervise/report.h"

struct task {
    bool ok;          /* /proc/TID/status was read */
    pid_t tgid;
    char name[64];
    uint64_t blocked, ignored, caught;
};

#define STR_MAX 96

void task_read(pid_t tid, struct task *t);
bool task_sigsys_in(uint64_t set);
bool task_id_valid(const struct stk_report *r, uint64_t id);
void task_respond_val(const struct stk_report *r, uint64_t id, int err, int64_t val, bool cont);
void task_respond(const struct stk_report *r, uint64_t id, int err, bool cont);
void task_trap_signal(const struct task *t, pid_t tid);
void task_kill_call(const struct stk_report *r, const struct task *t, uint64_t id, bool alive, char *result,
                    size_t len);
void task_read_strings(pid_t tid, const struct seccomp_data *d, char strs[6][2 * STR_MAX], const char *ptrs[6]);
bool task_kill_first(const struct stk_report *r, pid_t tid, uint64_t id, pid_t *tgid);

#endif
