/* reach_probe.c — run by tests/integration/reach.sh: what a confined command
 * can reach outside its sandbox (other processes' memory, the caller's
 * session keyring) and whether a kill under --report can be survived.
 * Actions (each prints one "key: value" line on stdout):
 *   landlock-abi      "landlock-abi: N" (0: no Landlock)
 *   pid               "pid: P ppid: Q"
 *   mem PID|ppid      open /proc/PID/mem (ppid: of the parent) for writing (nothing is written):
 *                     "mem PID: ok" or "mem PID: errno=E"
 *   owner PID|ppid    the owner of /proc/PID/mem (root when PID is not dumpable): "owner PID: UID"
 *   caps PID|ppid     "caps PID: CapPrm=X CapEff=X" from /proc/PID/status
 *   rename A B        rename(A, B): "rename: ok" or "rename: errno=E"
 *   key-read          keyctl(KEYCTL_READ) of the key whose id is in $REACH_KEY:
 *                     "key-read: DATA" or "key-read: errno=E"
 *   key-search DESC   keyctl(KEYCTL_SEARCH) of the session keyring for a user key:
 *                     "key-search: found" or "key-search: errno=E"
 *   key-to-parent     keyctl(KEYCTL_SESSION_TO_PARENT): "key-to-parent: ok" or
 *                     "key-to-parent: errno=E"
 *   sigsys-race NR    while this thread calls syscall NR (which the policy
 *                     kills; three string arguments, as mount's), a second
 *                     thread installs a SIGSYS handler as soon as the
 *                     supervisor starts reading the strings; if the call returns:
 *                     "sigsys-race: survived ret=R errno=E caught=N"
 *   session-key DESC DATA CMD...
 *                     join a new anonymous session keyring (the test's own,
 *                     never the caller's), add a user key DESC=DATA to it,
 *                     and exec CMD with REACH_KEY=<its id> in the environment
 *   traceme-stop      make the parent this process's tracer (PTRACE_TRACEME: "traceme: ret=R errno=E"),
 *                     stop (SIGSTOP), be resumed by a child (SIGCONT after 1 s), then 3 s later call
 *                     uname: "traceme-stop: survived ppid=P uname errno=E"
 * Unknown actions exit 99. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/utsname.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define KEYCTL_JOIN_SESSION_KEYRING_ 1
#define KEYCTL_SEARCH_ 10
#define KEYCTL_READ_ 11
#define KEY_SPEC_SESSION_KEYRING_ (-3)

static volatile sig_atomic_t caught;

static void on_sigsys(int sig)
{
    (void)sig;
    caught++;
}

/* The call's string arguments live in pages of a memfd that nobody has
 * touched yet: the first read of one (the supervisor reading the strings for
 * its report, through /proc/PID/mem) puts it in the page cache, which
 * mincore(2) shows.  That is when the racer installs its handler: after the
 * supervisor looked at the caller's signal dispositions, before the signal
 * it chose arrives. */
static unsigned char *strpages;
static long pagesz;

static void *racer(void *arg)
{
    (void)arg;
    struct sigaction h;
    memset(&h, 0, sizeof h);
    h.sa_handler = on_sigsys;
    /* on a busy machine a racer that waits for the CPU loses: real-time
     * priority when allowed (CAP_SYS_NICE), else the normal one */
    struct sched_param sp = {.sched_priority = 1};
    pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp);
    unsigned char vec[1] = {0};
    while (mincore(strpages, (size_t)pagesz, vec) == 0 && !(vec[0] & 1))
        ;
    if (getenv("REACH_DEBUG"))
        write(2, "racer: strings read\n", 20);
    for (;;)
        sigaction(SIGSYS, &h, NULL);
    return NULL;
}

/* "ppid": the parent (the supervisor, or the caller's shell), else as given */
static const char *pid_arg(const char *a)
{
    static char buf[16];
    if (strcmp(a, "ppid") != 0)
        return a;
    snprintf(buf, sizeof buf, "%d", (int)getppid());
    return buf;
}

static void status_caps(const char *pid)
{
    char path[64], line[256], prm[32] = "?", eff[32] = "?", bnd[32] = "?", nnp[8] = "?", sec[8] = "?";
    snprintf(path, sizeof path, "/proc/%s/status", pid);
    FILE *f = fopen(path, "re");
    if (!f) {
        printf("caps %s: errno=%d\n", pid, errno);
        return;
    }
    while (fgets(line, sizeof line, f)) {
        sscanf(line, "CapPrm: %31s", prm);
        sscanf(line, "CapEff: %31s", eff);
        sscanf(line, "CapBnd: %31s", bnd);
        sscanf(line, "NoNewPrivs: %7s", nnp);
        sscanf(line, "Seccomp: %7s", sec);
    }
    fclose(f);
    printf("caps %s: CapPrm=%s CapEff=%s CapBnd=%s NoNewPrivs=%s Seccomp=%s\n", pid, prm, eff, bnd, nnp, sec);
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "landlock-abi")) {
            long abi = syscall(444 /* landlock_create_ruleset */, NULL, 0, 1u /* VERSION */);
            printf("landlock-abi: %ld\n", abi < 0 ? 0 : abi);
        } else if (!strcmp(a, "pid")) {
            printf("pid: %d ppid: %d\n", (int)getpid(), (int)getppid());
        } else if (!strcmp(a, "mem") && i + 1 < argc) {
            const char *pid = pid_arg(argv[++i]);
            char path[64];
            snprintf(path, sizeof path, "/proc/%s/mem", pid);
            int fd = open(path, O_RDWR | O_CLOEXEC);
            if (fd < 0) {
                printf("mem %s: errno=%d\n", pid, errno);
            } else {
                printf("mem %s: ok\n", pid);
                close(fd);
            }
        } else if (!strcmp(a, "owner") && i + 1 < argc) {
            const char *pid = pid_arg(argv[++i]);
            char path[64];
            struct stat st;
            snprintf(path, sizeof path, "/proc/%s/mem", pid);
            if (stat(path, &st) < 0)
                printf("owner %s: errno=%d\n", pid, errno);
            else
                printf("owner %s: %u\n", pid, (unsigned)st.st_uid);
        } else if (!strcmp(a, "caps") && i + 1 < argc) {
            status_caps(pid_arg(argv[++i]));
        } else if (!strcmp(a, "rename") && i + 2 < argc) {
            int r = rename(argv[i + 1], argv[i + 2]);
            i += 2;
            if (r < 0)
                printf("rename: errno=%d\n", errno);
            else
                printf("rename: ok\n");
        } else if (!strcmp(a, "key-read")) {
            const char *id = getenv("REACH_KEY");
            char buf[256];
            long n = id ? syscall(SYS_keyctl, KEYCTL_READ_, strtol(id, NULL, 10), buf, sizeof buf - 1, 0L) : -1;
            if (!id)
                printf("key-read: no REACH_KEY\n");
            else if (n < 0)
                printf("key-read: errno=%d\n", errno);
            else {
                buf[n < (long)sizeof buf - 1 ? n : (long)sizeof buf - 1] = '\0';
                printf("key-read: %s\n", buf);
            }
        } else if (!strcmp(a, "key-search") && i + 1 < argc) {
            long r = syscall(SYS_keyctl, KEYCTL_SEARCH_, KEY_SPEC_SESSION_KEYRING_, "user", argv[++i], 0L);
            if (r < 0)
                printf("key-search: errno=%d\n", errno);
            else
                printf("key-search: found\n");
        } else if (!strcmp(a, "key-to-parent")) {
            if (syscall(SYS_keyctl, 18L /* KEYCTL_SESSION_TO_PARENT */, 0L, 0L, 0L, 0L) < 0)
                printf("key-to-parent: errno=%d\n", errno);
            else
                printf("key-to-parent: ok\n");
        } else if (!strcmp(a, "sigsys-race") && i + 1 < argc) {
            long nr = strtol(argv[++i], NULL, 0);
            pagesz = sysconf(_SC_PAGESIZE);
            int mfd = memfd_create("reach", MFD_CLOEXEC);
            if (mfd < 0 || ftruncate(mfd, 3 * pagesz) < 0) {
                printf("sigsys-race: memfd: errno=%d\n", errno);
                return 1;
            }
            strpages = mmap(NULL, (size_t)(3 * pagesz), PROT_READ, MAP_SHARED, mfd, 0);
            if (strpages == MAP_FAILED) {
                printf("sigsys-race: mmap: errno=%d\n", errno);
                return 1;
            }
            pthread_t th;
            if (pthread_create(&th, NULL, racer, NULL) != 0) {
                printf("sigsys-race: cannot start a thread\n");
                return 1;
            }
            errno = 0;
            long r = syscall(nr, strpages, strpages + pagesz, strpages + 2 * pagesz, 0, 0, 0);
            int err = r < 0 ? errno : 0;
            usleep(20000); /* a SIGSYS (or SIGKILL) on its way arrives meanwhile */
            printf("sigsys-race: survived ret=%ld errno=%d caught=%d\n", r, err, (int)caught);
            return 0;
        } else if (!strcmp(a, "traceme-stop")) {
            pid_t me = getpid();
            pid_t c = fork();
            if (c < 0)
                return 1;
            if (c == 0) {
                sleep(1);
                kill(me, SIGCONT);
                _exit(0);
            }
            errno = 0;
            long r = ptrace(PTRACE_TRACEME, 0, NULL, NULL);
            printf("traceme: ret=%ld errno=%d\n", r, r < 0 ? errno : 0);
            raise(SIGSTOP);
            sleep(3);
            struct utsname u;
            errno = 0;
            int ur = uname(&u);
            printf("traceme-stop: survived ppid=%d uname errno=%d\n", (int)getppid(), ur < 0 ? errno : 0);
        } else if (!strcmp(a, "session-key") && i + 3 < argc) {
            const char *desc = argv[i + 1], *data = argv[i + 2];
            if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING_, NULL, 0L, 0L, 0L) < 0) {
                printf("session-key: join: errno=%d\n", errno);
                return 1;
            }
            long id = syscall(SYS_add_key, "user", desc, data, strlen(data), KEY_SPEC_SESSION_KEYRING_);
            if (id < 0) {
                printf("session-key: add_key: errno=%d\n", errno);
                return 1;
            }
            char v[32];
            snprintf(v, sizeof v, "%ld", id);
            if (setenv("REACH_KEY", v, 1) < 0)
                return 1;
            execv(argv[i + 3], argv + i + 3);
            printf("session-key: exec %s: errno=%d\n", argv[i + 3], errno);
            return 1;
        } else {
            printf("unknown action %s\n", a);
            return 99;
        }
    }
    return 0;
}
