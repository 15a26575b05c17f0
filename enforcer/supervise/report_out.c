/* report_out.c — where --report's lines go (report.h): one write(2) per
 * line to a private non-blocking open file description, never blocking the
 * supervisor; lines that cannot be written in time are dropped and counted. */
#include "steps/steps.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "supervise/report.h"

/* The supervisor must never block on its output: the command could stop
 * the caller's terminal (tcflow TCOOFF) or fill a pipe, and a supervisor
 * stuck in write(2) would neither answer nor clean up.  The output is a
 * private non-blocking open file description where one can be had
 * (stk_report_out_private); a line that cannot be written within wait_ms is
 * dropped and counted, and while the output stays blocked later lines are
 * dropped at once.  A line is one write(2): on a pipe (lines are shorter
 * than PIPE_BUF) it goes whole or not at all, never mixed with the
 * command's output (a terminal can take part of one: docs). */
#define OUT_WAIT_MS 250
void stk_report_out_wait(struct stk_report *r, const char *line, int wait_ms)
{
    size_t n = strlen(line), off = 0;
    while (off < n) {
        ssize_t w = write(r->out_fd, line + off, n - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && errno == EAGAIN && !r->stalled) {
            struct pollfd p = {.fd = r->out_fd, .events = POLLOUT};
            int pr;
            while ((pr = poll(&p, 1, wait_ms)) < 0 && errno == EINTR)
                ;
            if (pr > 0)
                continue;
            r->stalled = true;
        }
        if (w <= 0) {
            r->dropped++; /* blocked, or nowhere left to say it */
            return;
        }
        off += (size_t)w;
    }
    r->stalled = false;
}

void stk_report_out(struct stk_report *r, const char *line)
{
    stk_report_out_wait(r, line, OUT_WAIT_MS);
}

/* A descriptor of our own for the report output, non-blocking, so that
 * O_NONBLOCK does not touch the caller's (a terminal's or a pipe's open
 * file description is shared with the caller's shell): reopened through
 * /proc/self/fd.  Regular files never block; a socket cannot be reopened
 * (it stays blocking: docs). */
void stk_report_out_private(struct stk_report *r)
{
    struct stat st;
    if (fstat(r->out_fd, &st) < 0 || S_ISREG(st.st_mode))
        return;
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", r->out_fd);
    int fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return;
    if (r->own_out)
        close(r->out_fd);
    r->out_fd = fd;
    r->own_out = true;
}
