/* exec.c — find the command (PATH like execvp), open it, and exec it.
 *
 * When the policy denies execve/execveat to the command, the enforcer's own
 * final exec goes through the one rule the compiler puts first in the native
 * ABI's execveat leaf: `allow execveat if dirfd == N && flags == AT_EMPTY_PATH`.
 * N is a descriptor number the command can never hold: the enforcer dups the
 * executable to N = (hard RLIMIT_NOFILE) - 1 with O_CLOEXEC and then lowers
 * the hard limit to N.  Descriptors at or above the hard limit cannot be
 * created without CAP_SYS_RESOURCE, and execve closes N (close-on-exec), so
 * after the exec the rule matches nothing.  docs/enforcer.md has the details
 * and the residual risks.
 *
 * A close-on-exec descriptor cannot be handed to a #! interpreter (the kernel
 * would pass /dev/fd/N, which is gone by then), so scripts are handled here the
 * way binfmt_script does: the interpreter is opened and exec'd with
 * argv = interpreter [optional-arg] script args... */
#include "steps.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define STEP "exec"
#define SHEBANG_MAX 256 /* the kernel's BINPRM_BUF_SIZE */
#define MAX_INTERP_DEPTH 4

static int fail(struct stk_err *e, int status, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fail(struct stk_err *e, int status, int errnum, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (errnum)
        stk_errnof(e, STEP, errnum, "%s", msg);
    else
        stk_errf(e, STEP, "%s", msg);
    e->status = status;
    return -1;
}

/* Open path for exec.  Returns 0 or an errno value (EACCES for anything that
 * is not an executable regular file, as execve would say). */
static int open_exec(const char *path, int *fdp, bool *readable)
{
    *readable = true;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0 && errno == EACCES) {
        /* execute-only file: fine for execveat, but it cannot be a script we read */
        *readable = false;
        fd = open(path, O_PATH | O_CLOEXEC);
    }
    if (fd < 0)
        return errno;
    struct stat st;
    int r = 0;
    if (fstat(fd, &st) < 0)
        r = errno;
    else if (!S_ISREG(st.st_mode))
        r = EACCES;
    else if (faccessat(fd, "", X_OK, AT_EMPTY_PATH | AT_EACCESS) < 0)
        r = errno;
    if (r) {
        close(fd);
        return r;
    }
    *fdp = fd;
    return 0;
}

static int locate(const char *cmd, char *const envp[], struct stk_exec *x, bool *readable, struct stk_err *e)
{
    if (!*cmd)
        return fail(e, STK_EXIT_NOT_FOUND, ENOENT, "empty command name");
    if (strchr(cmd, '/')) {
        int r = open_exec(cmd, &x->fd, readable);
        if (r)
            return fail(e, r == ENOENT || r == ENOTDIR ? STK_EXIT_NOT_FOUND : STK_EXIT_NOT_EXECUTABLE, r, "%s",
                        cmd);
        x->path = strdup(cmd);
        if (!x->path)
            return fail(e, STK_EXIT_FAILURE, ENOMEM, "%s", cmd);
        return 0;
    }
    const char *pathvar = stk_env_get(envp, "PATH");
    if (!pathvar)
        pathvar = "/bin:/usr/bin"; /* glibc execvp's default */
    size_t lc = strlen(cmd);
    int denied = 0;
    for (const char *p = pathvar;;) {
        const char *colon = strchr(p, ':');
        size_t ld = colon ? (size_t)(colon - p) : strlen(p);
        char *full = malloc(ld + lc + 3);
        if (!full)
            return fail(e, STK_EXIT_FAILURE, ENOMEM, "%s", cmd);
        if (ld == 0)
            snprintf(full, ld + lc + 3, "./%s", cmd); /* empty element: the working directory */
        else
            snprintf(full, ld + lc + 3, "%.*s/%s", (int)ld, p, cmd);
        int r = open_exec(full, &x->fd, readable);
        if (r == 0) {
            x->path = full;
            return 0;
        }
        free(full);
        if (r == EACCES || r == EPERM)
            denied = r;
        if (!colon)
            break;
        p = colon + 1;
    }
    if (denied)
        return fail(e, STK_EXIT_NOT_EXECUTABLE, denied, "%s", cmd);
    return fail(e, STK_EXIT_NOT_FOUND, 0, "%s: command not found", cmd);
}

/* If x->fd is a #! script, replace it by its interpreter (like binfmt_script). */
static int unwrap_script(struct stk_exec *x, bool readable, struct stk_err *e)
{
    for (int depth = 0;; depth++) {
        if (!readable)
            return 0; /* an execute-only file: the kernel runs it as a binary or fails (docs) */
        char buf[SHEBANG_MAX + 1];
        ssize_t n = pread(x->fd, buf, SHEBANG_MAX, 0);
        if (n < 0)
            return fail(e, STK_EXIT_NOT_EXECUTABLE, errno, "reading %s", x->path);
        if (n < 2 || buf[0] != '#' || buf[1] != '!')
            return 0;
        if (depth == MAX_INTERP_DEPTH)
            return fail(e, STK_EXIT_NOT_EXECUTABLE, ELOOP, "%s: interpreters nest too deeply", x->path);
        buf[n] = '\0';
        char *nl = memchr(buf, '\n', (size_t)n);
        bool complete = nl != NULL;
        if (nl)
            *nl = '\0';
        char *s = buf + 2;
        while (*s == ' ' || *s == '\t')
            s++;
        char *interp = s;
        while (*s && *s != ' ' && *s != '\t')
            s++;
        if (s == interp || (!complete && !*s && n == SHEBANG_MAX))
            return fail(e, STK_EXIT_NOT_EXECUTABLE, ENOEXEC, "%s: bad #! line", x->path);
        if (*s)
            *s++ = '\0';
        while (*s == ' ' || *s == '\t')
            s++;
        char *arg = *s ? s : NULL;
        if (arg) { /* one optional argument, trailing blanks removed */
            char *end = arg + strlen(arg);
            while (end > arg && (end[-1] == ' ' || end[-1] == '\t'))
                *--end = '\0';
        }
        size_t argc = 0;
        while (x->argv[argc])
            argc++;
        char **nargv = calloc(argc + 3, sizeof *nargv);
        char *ipath = strdup(interp);
        char *iarg = arg ? strdup(arg) : NULL;
        if (!nargv || !ipath || (arg && !iarg)) {
            free(nargv);
            free(ipath);
            free(iarg);
            return fail(e, STK_EXIT_FAILURE, ENOMEM, "%s", x->path);
        }
        size_t k = 0;
        nargv[k++] = ipath;
        if (iarg)
            nargv[k++] = iarg;
        nargv[k++] = x->path; /* the script, as binfmt_script passes it */
        for (size_t i = 1; i < argc; i++)
            nargv[k++] = x->argv[i];
        nargv[k] = NULL;
        x->argv = nargv; /* the previous vectors stay allocated: the process execs or exits */
        close(x->fd);
        x->fd = -1;
        int r = open_exec(ipath, &x->fd, &readable);
        if (r)
            return fail(e, STK_EXIT_NOT_EXECUTABLE, r, "%s: bad interpreter %s", x->path, ipath);
        x->path = ipath;
    }
}

int stk_exec_locate(char *const argv[], char *const envp[], bool via_fd, struct stk_exec *x, struct stk_err *e)
{
    memset(x, 0, sizeof *x);
    x->fd = -1;
    x->via_fd = via_fd;
    if (!argv || !argv[0])
        return fail(e, STK_EXIT_FAILURE, 0, "no command given");
    x->argv = (char **)argv;
    bool readable;
    if (locate(argv[0], envp, x, &readable, e) < 0)
        return -1;
    if (via_fd)
        return unwrap_script(x, readable, e);
    return 0;
}

static long nr_open(void)
{
    long v = 1048576; /* the kernel's default */
    FILE *f = fopen("/proc/sys/fs/nr_open", "re");
    if (f) {
        long r;
        if (fscanf(f, "%ld", &r) == 1 && r > 0)
            v = r;
        fclose(f);
    }
    return v;
}

int stk_exec_place_fd(struct stk_exec *x, const struct stk_bundle *b, struct stk_err *e)
{
    (void)b;
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
        return stk_errnof(e, "exec-fd", errno, "getrlimit(RLIMIT_NOFILE)");
    rlim_t hard = rl.rlim_max;
    long maxfd = nr_open();
    if (hard == RLIM_INFINITY || hard > (rlim_t)maxfd)
        hard = (rlim_t)maxfd;
    if (hard < 4)
        return stk_errf(e, "exec-fd", "RLIMIT_NOFILE hard limit %llu leaves no room for the exec descriptor",
                        (unsigned long long)rl.rlim_max);
    int n = (int)(hard - 1);
    if (fcntl(n, F_GETFD) >= 0)
        return stk_errf(e, "exec-fd", "descriptor %d is in use (kept by the policy?); the exec descriptor needs it",
                        n);
    if (rl.rlim_cur < hard) {
        struct rlimit tmp = {hard, rl.rlim_max};
        if (setrlimit(RLIMIT_NOFILE, &tmp) < 0)
            return stk_errnof(e, "exec-fd", errno, "raising the RLIMIT_NOFILE soft limit to %d", n + 1);
    }
    if (dup3(x->fd, n, O_CLOEXEC) < 0)
        return stk_errnof(e, "exec-fd", errno, "dup3 to descriptor %d", n);
    close(x->fd);
    x->fd = n;
    /* from now on no descriptor >= n can be created without CAP_SYS_RESOURCE */
    struct rlimit fin = {rl.rlim_cur < (rlim_t)n ? rl.rlim_cur : (rlim_t)n, (rlim_t)n};
    if (setrlimit(RLIMIT_NOFILE, &fin) < 0)
        return stk_errnof(e, "exec-fd", errno, "lowering the RLIMIT_NOFILE hard limit to %d", n);
    struct rlimit chk;
    if (getrlimit(RLIMIT_NOFILE, &chk) < 0 || chk.rlim_max != (rlim_t)n)
        return stk_errf(e, "exec-fd", "RLIMIT_NOFILE hard limit did not become %d", n);
    return 0;
}

int stk_exec_run(struct stk_exec *x, char *const envp[], struct stk_err *e)
{
    if (x->via_fd)
        syscall(SYS_execveat, x->fd, "", x->argv, envp, AT_EMPTY_PATH);
    else
        execve(x->path, x->argv, envp);
    return fail(e, STK_EXIT_NOT_EXECUTABLE, errno, "%s", x->path);
}
