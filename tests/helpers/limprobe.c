/* limprobe.c — run under a policy by the Landlock and cgroup tests
 * (tests/integration/landlock_run.sh, cgroup_run.sh, tests/vm/guest/cgroup_v2.sh);
 * reports from inside.  Arguments are a sequence of actions:
 *   pid                 "pid: N"
 *   landlock-abi        "landlock-abi: N" (0: no Landlock)
 *   cgroup              "cgroup: LINE" for each line of /proc/self/cgroup
 *   cgfile CTRL FILE    "cgfile FILE: CONTENT" from our own cgroup in the v1
 *                       hierarchy of CTRL (CTRL "unified": the cgroup2 mount)
 *   alloc MIB           touch MIB MiB of fresh memory: "alloc: ok" (or dies)
 *   forkloop N          fork up to N sleeping children: "forkloop: K forked, errno=E"
 *   orphan SEC          leave a grandchild sleeping SEC seconds: "orphan: PID"
 *   sleep SEC
 *   read PATH | write PATH | mkdir PATH | exec PATH
 *                       "read PATH: ok" or "read PATH: errno=E" (write: create/truncate;
 *                       exec: fork + execv, the child's errno)
 *   bind PORT | connect PORT   TCP on 127.0.0.1: "bind PORT: ok|errno=E"
 *   signal PID          kill(PID, 0): "signal PID: ok|errno=E"
 *   signal-child        kill a child of our own: "signal-child: ok|errno=E"
 *   unix-listen NAME SEC    listen on the abstract unix socket @NAME for SEC seconds
 *   unix-connect NAME   "unix-connect NAME: ok|errno=E"
 * Unknown actions exit 99. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static void result(const char *what, const char *arg, int rc, int err)
{
    if (rc == 0)
        printf("%s %s: ok\n", what, arg);
    else
        printf("%s %s: errno=%d\n", what, arg, err);
}

static void cgroup_lines(void)
{
    FILE *f = fopen("/proc/self/cgroup", "re");
    char line[1024];
    while (f && fgets(line, sizeof line, f))
        printf("cgroup: %s", line);
    if (f)
        fclose(f);
}

/* Mount point and root of the hierarchy for ctrl ("unified": cgroup2). */
static int find_mount(const char *ctrl, char *dir, size_t dlen, char *root, size_t rlen)
{
    FILE *f = fopen("/proc/self/mountinfo", "re");
    char line[4096];
    int found = -1;
    while (f && found < 0 && fgets(line, sizeof line, f)) {
        char r[1024], d[1024];
        if (sscanf(line, "%*s %*s %*s %1023s %1023s", r, d) != 2)
            continue;
        char *dash = strstr(line, " - ");
        if (!dash)
            continue;
        char fs[64], src[256], opts[1024];
        if (sscanf(dash + 3, "%63s %255s %1023s", fs, src, opts) != 3)
            continue;
        bool v2 = strcmp(fs, "cgroup2") == 0;
        if (strcmp(ctrl, "unified") == 0 ? !v2 : strcmp(fs, "cgroup") != 0)
            continue;
        if (!v2) {
            bool has = false;
            for (char *t = strtok(opts, ","); t; t = strtok(NULL, ","))
                has |= strcmp(t, ctrl) == 0;
            if (!has)
                continue;
        }
        snprintf(dir, dlen, "%s", d);
        snprintf(root, rlen, "%s", r);
        found = 0;
    }
    if (f)
        fclose(f);
    return found;
}

static void cgfile(const char *ctrl, const char *file)
{
    char dir[1024], root[1024], path[1024] = "";
    if (find_mount(ctrl, dir, sizeof dir, root, sizeof root) < 0) {
        printf("cgfile %s: no hierarchy\n", file);
        return;
    }
    FILE *f = fopen("/proc/self/cgroup", "re");
    char line[1024];
    bool unified = strcmp(ctrl, "unified") == 0;
    while (f && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        if (!c2)
            continue;
        *c2 = '\0';
        bool match = unified ? strncmp(line, "0:", 2) == 0 : false;
        if (!unified)
            for (char *t = strtok(c1 + 1, ","); t; t = strtok(NULL, ","))
                match |= strcmp(t, ctrl) == 0;
        if (match)
            snprintf(path, sizeof path, "%s", c2 + 1);
    }
    if (f)
        fclose(f);
    size_t rl = strcmp(root, "/") == 0 ? 0 : strlen(root);
    char full[3072];
    snprintf(full, sizeof full, "%s%s/%s", dir, path + rl, file);
    FILE *g = fopen(full, "re");
    if (!g) {
        printf("cgfile %s: errno=%d (%s)\n", file, errno, full);
        return;
    }
    char buf[4096];
    size_t n = fread(buf, 1, sizeof buf - 1, g);
    fclose(g);
    buf[n] = '\0';
    buf[strcspn(buf, "\n")] = '\0';
    printf("cgfile %s: %s\n", file, buf);
}

static void alloc(long mib)
{
    size_t len = (size_t)mib << 20;
    char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        printf("alloc: failed errno=%d\n", errno);
        return;
    }
    for (size_t i = 0; i < len; i += 4096)
        p[i] = (char)i;
    printf("alloc: ok\n");
    munmap(p, len);
}

static void forkloop(long n)
{
    pid_t kids[4096];
    long k = 0;
    int err = 0;
    for (; k < n && k < 4096; k++) {
        pid_t p = fork();
        if (p < 0) {
            err = errno;
            break;
        }
        if (p == 0) {
            pause();
            _exit(0);
        }
        kids[k] = p;
    }
    printf("forkloop: %ld forked, errno=%d\n", k, err);
    for (long i = 0; i < k; i++)
        kill(kids[i], SIGKILL);
    for (long i = 0; i < k; i++)
        waitpid(kids[i], NULL, 0);
}

static void orphan(long sec)
{
    int pfd[2];
    if (pipe(pfd) < 0) {
        printf("orphan: errno=%d\n", errno);
        return;
    }
    pid_t p = fork();
    if (p == 0) {
        pid_t q = fork();
        if (q == 0) {
            close(pfd[0]);
            close(pfd[1]);
            setsid();
            sleep((unsigned)sec);
            _exit(0);
        }
        if (write(pfd[1], &q, sizeof q) != (ssize_t)sizeof q)
            _exit(1);
        _exit(0);
    }
    close(pfd[1]);
    pid_t q = -1;
    if (read(pfd[0], &q, sizeof q) != (ssize_t)sizeof q)
        q = -1;
    close(pfd[0]);
    waitpid(p, NULL, 0);
    printf("orphan: %ld\n", (long)q);
}

static void exec_child(const char *path)
{
    int pfd[2];
    if (pipe2(pfd, O_CLOEXEC) < 0)
        return;
    pid_t p = fork();
    if (p == 0) {
        char *const av[] = {(char *)path, NULL};
        int devnull = open("/dev/null", O_WRONLY);
        if (devnull >= 0) {
            dup2(devnull, 1);
            dup2(devnull, 2);
        }
        execv(path, av);
        int err = errno;
        if (write(pfd[1], &err, sizeof err) < 0)
            _exit(2);
        _exit(1);
    }
    close(pfd[1]);
    int err = 0;
    ssize_t r = read(pfd[0], &err, sizeof err);
    close(pfd[0]);
    waitpid(p, NULL, 0);
    result("exec", path, r == (ssize_t)sizeof err ? -1 : 0, err);
}

static void tcp(const char *what, const char *port)
{
    int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0) {
        result(what, port, -1, errno);
        return;
    }
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(port)),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    int rc = strcmp(what, "bind") == 0 ? bind(s, (struct sockaddr *)&a, sizeof a)
                                       : connect(s, (struct sockaddr *)&a, sizeof a);
    result(what, port, rc, errno);
    close(s);
}

static socklen_t abstract_addr(const char *name, struct sockaddr_un *a)
{
    memset(a, 0, sizeof *a);
    a->sun_family = AF_UNIX;
    size_t n = strlen(name);
    if (n > sizeof a->sun_path - 2)
        n = sizeof a->sun_path - 2;
    memcpy(a->sun_path + 1, name, n);
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *x = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "pid")) {
            printf("pid: %ld\n", (long)getpid());
        } else if (!strcmp(a, "landlock-abi")) {
            long abi = syscall(444 /* landlock_create_ruleset */, NULL, 0, 1u /* VERSION */);
            printf("landlock-abi: %ld\n", abi < 0 ? 0 : abi);
        } else if (!strcmp(a, "cgroup")) {
            cgroup_lines();
        } else if (!strcmp(a, "cgfile") && i + 2 < argc) {
            cgfile(argv[i + 1], argv[i + 2]);
            i += 2;
        } else if (!strcmp(a, "alloc") && x) {
            alloc(atol(x));
            i++;
        } else if (!strcmp(a, "forkloop") && x) {
            forkloop(atol(x));
            i++;
        } else if (!strcmp(a, "orphan") && x) {
            orphan(atol(x));
            i++;
        } else if (!strcmp(a, "sleep") && x) {
            sleep((unsigned)atoi(x));
            i++;
        } else if (!strcmp(a, "read") && x) {
            int fd = open(x, O_RDONLY | O_CLOEXEC);
            result("read", x, fd < 0 ? -1 : 0, errno);
            if (fd >= 0)
                close(fd);
            i++;
        } else if (!strcmp(a, "write") && x) {
            int fd = open(x, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
            result("write", x, fd < 0 ? -1 : 0, errno);
            if (fd >= 0)
                close(fd);
            i++;
        } else if (!strcmp(a, "mkdir") && x) {
            int rc = mkdir(x, 0755);
            result("mkdir", x, rc, errno);
            i++;
        } else if (!strcmp(a, "exec") && x) {
            exec_child(x);
            i++;
        } else if ((!strcmp(a, "bind") || !strcmp(a, "connect")) && x) {
            tcp(a, x);
            i++;
        } else if (!strcmp(a, "signal") && x) {
            int rc = kill((pid_t)atol(x), 0);
            result("signal", x, rc, errno);
            i++;
        } else if (!strcmp(a, "signal-child")) {
            pid_t p = fork();
            if (p == 0) {
                pause();
                _exit(0);
            }
            int rc = kill(p, SIGKILL);
            result("signal-child", "", rc, errno);
            waitpid(p, NULL, 0);
        } else if (!strcmp(a, "unix-listen") && i + 2 < argc) {
            int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
            struct sockaddr_un u;
            socklen_t len = abstract_addr(argv[i + 1], &u);
            if (s < 0 || bind(s, (struct sockaddr *)&u, len) < 0 || listen(s, 8) < 0) {
                printf("unix-listen: errno=%d\n", errno);
                return 1;
            }
            printf("unix-listen: ready\n");
            sleep((unsigned)atoi(argv[i + 2]));
            i += 2;
        } else if (!strcmp(a, "unix-connect") && x) {
            int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
            struct sockaddr_un u;
            socklen_t len = abstract_addr(x, &u);
            int rc = s < 0 ? -1 : connect(s, (struct sockaddr *)&u, len);
            result("unix-connect", x, rc, errno);
            if (s >= 0)
                close(s);
            i++;
        } else {
            fprintf(stderr, "limprobe: unknown action %s\n", a);
            return 99;
        }
    }
    return 0;
}
