/* exec.c — find the command (PATH like execvp), open it, and exec it.
 *
 * When the policy restricts execve or execveat, the command is opened here
 * (as the target user) and exec'd by descriptor: execveat(fd, "", ...,
 * AT_EMPTY_PATH).  When the policy denies execveat, that call goes through
 * the hand-over rule and its listener (handover.c, docs/enforcer.md).
 *
 * A close-on-exec descriptor cannot be handed to a #! interpreter (the kernel
 * would pass /dev/fd/N, which is gone by then), so scripts are handled here the
 * way binfmt_script does: the interpreter is opened and exec'd with
 * argv = interpreter [optional-arg] script args... */
#include "steps/steps.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define STEP "exec"
#define SHEBANG_MAX 256 /* the kernel's BINPRM_BUF_SIZE */
_Static_assert(1 + 3 * STK_EXEC_MAX_INTERP <= STK_EXEC_MAX_OWNED, "stk_exec.owned holds every allocation");

/* Remember an allocation x holds (x->path, a script's argv, ...) for stk_exec_free. */
static void own(struct stk_exec *x, void *p)
{
    x->owned[x->nowned++] = p;
}

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
        own(x, x->path);
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
            own(x, full);
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
        if (depth == STK_EXEC_MAX_INTERP)
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
        own(x, nargv);
        own(x, ipath);
        if (iarg)
            own(x, iarg);
        size_t k = 0;
        nargv[k++] = ipath;
        if (iarg)
            nargv[k++] = iarg;
        nargv[k++] = x->path; /* the script, as binfmt_script passes it */
        for (size_t i = 1; i < argc; i++)
            nargv[k++] = x->argv[i];
        nargv[k] = NULL;
        x->argv = nargv; /* the previous vectors stay allocated (owned) until stk_exec_free */
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
    x->fd = x->dir = -1;
    x->via_fd = via_fd;
    if (!argv || !argv[0])
        return fail(e, STK_EXIT_FAILURE, 0, "no command given");
    x->argv = (char **)argv;
    bool readable;
    if (locate(argv[0], envp, x, &readable, e) < 0)
        return -1;
    const char *slash = strrchr(x->path, '/');
    x->name = slash ? slash + 1 : x->path;
    if (via_fd)
        return unwrap_script(x, readable, e);
    return 0;
}

void stk_exec_free(struct stk_exec *x)
{
    if (x->fd >= 0)
        close(x->fd);
    if (x->dir >= 0)
        close(x->dir);
    x->fd = x->dir = -1;
    for (size_t i = 0; i < x->nowned; i++)
        free(x->owned[i]);
    x->nowned = 0;
    x->path = NULL;
    x->argv = NULL;
}

int stk_exec_run(struct stk_exec *x, char *const envp[], struct stk_handover *ho, struct stk_err *e)
{
    if (x->via_fd && x->dir >= 0) /* exec_name.c: x->name -> /proc/self/fd/x->fd */
        syscall(SYS_execveat, x->dir, x->name, x->argv, envp, AT_EMPTY_PATH);
    else if (x->via_fd)
        syscall(SYS_execveat, x->fd, "", x->argv, envp, AT_EMPTY_PATH);
    else
        execve(x->path, x->argv, envp);
    int err = errno, herr = stk_handover_failed(ho);
    if (herr == EINVAL)
        return fail(e, STK_EXIT_FAILURE, 0, "the exec hand-over needs SECCOMP_USER_NOTIF_FLAG_CONTINUE "
                                            "(Linux 5.5 or later); the command was not executed");
    if (herr)
        return fail(e, STK_EXIT_FAILURE, herr, "the exec hand-over failed; the command was not executed");
    return fail(e, STK_EXIT_NOT_EXECUTABLE, err, "%s", x->path);
}
