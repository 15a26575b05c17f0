/* fds.c — close every inherited descriptor above 2 that the policy does not
 * keep.  Runs before the enforcer opens anything of its own (those are all
 * O_CLOEXEC and so never reach the command). */
#include "steps/steps.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#define STEP "fds"

static int close_from_to(unsigned lo, unsigned hi, struct stk_err *e)
{
    if (lo > hi)
        return 0;
    if (syscall(SYS_close_range, lo, hi, 0) == 0)
        return 0;
    if (errno != ENOSYS)
        return stk_errnof(e, STEP, errno, "close_range(%u, %u)", lo, hi);
    /* kernels before 5.9: walk /proc/self/fd */
    DIR *d = opendir("/proc/self/fd");
    if (!d)
        return stk_errnof(e, STEP, errno, "/proc/self/fd");
    int dfd = dirfd(d);
    struct dirent *de;
    while ((de = readdir(d))) {
        char *end;
        long fd = strtol(de->d_name, &end, 10);
        if (*end || end == de->d_name || fd == dfd || fd < (long)lo || fd > (long)hi)
            continue;
        close((int)fd); /* closing an open descriptor cannot fail in a way that leaves it open */
    }
    closedir(d);
    return 0;
}

int stk_fds_close(const struct stk_bundle *b, struct stk_err *e)
{
    if (b->keep_all_fds)
        return 0;
    unsigned lo = 3;
    for (size_t i = 0; i < b->nkeep_fds; i++) { /* sorted, unique */
        unsigned k = (unsigned)b->keep_fds[i];
        if (k < lo)
            continue;
        if (close_from_to(lo, k - 1, e) < 0)
            return -1;
        lo = k + 1;
    }
    return close_from_to(lo, UINT_MAX, e);
}
