/* err.c — filling and reporting struct stk_err; warnings (stk_warnf). */
#include "err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void set_step(struct stk_err *e, const char *step)
{
    e->status = STK_EXIT_FAILURE;
    snprintf(e->step, sizeof e->step, "%s", step);
}

int stk_errf(struct stk_err *e, const char *step, const char *fmt, ...)
{
    set_step(e, step);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    return -1;
}

int stk_errnof(struct stk_err *e, const char *step, int errnum, const char *fmt, ...)
{
    set_step(e, step);
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n < sizeof e->msg)
        snprintf(e->msg + n, sizeof e->msg - (size_t)n, ": %s", strerror(errnum));
    return -1;
}

void stk_err_report(const struct stk_err *e, FILE *out)
{
    fprintf(out, "stockade: %s: %s\n", e->step[0] ? e->step : "error", e->msg);
    fflush(out);
}

void stk_warnf(const char *step, const char *fmt, ...)
{
    int saved = errno;
    char small[1024], *msg = small;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    /* longer (a cgroup path can be PATH_MAX long, the reason follows it):
     * formatted again whole; without the memory, what fits */
    if (n >= (int)sizeof small) {
        char *big = malloc((size_t)n + 1);
        if (big) {
            va_start(ap, fmt);
            vsnprintf(big, (size_t)n + 1, fmt, ap);
            va_end(ap);
            msg = big;
        }
    }
    /* one fprintf: stderr is unbuffered, and glibc writes one call at once */
    fprintf(stderr, "stockade: %s: %s\n", step, msg);
    if (msg != small)
        free(msg);
    errno = saved;
}
