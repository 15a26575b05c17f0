/* outer_bigfilter.c — a parent whose inherited seccomp filters use up most of
 * the kernel's 32768-instruction budget (each filter's length + 4 counted),
 * as a container runtime's or a nested sandbox's could: COUNT filters of LEN
 * instructions that allow everything, then CMD runs under them
 * (tests/integration/split_filters.sh).
 *
 *   outer_bigfilter COUNT LEN CMD [ARG...]
 *
 * Exits with CMD's status (execs it); 98 when a filter cannot be installed,
 * 97 when CMD cannot be started, 99 on bad arguments. */
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 4)
        return 99;
    long count = strtol(argv[1], NULL, 10), len = strtol(argv[2], NULL, 10);
    if (count < 0 || len < 1 || len > BPF_MAXINSNS)
        return 99;
    static struct sock_filter f[BPF_MAXINSNS];
    for (long i = 0; i < len - 1; i++)
        f[i] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0); /* nr: a no-op load */
    f[len - 1] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    struct sock_fprog p = {(unsigned short)len, f};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1L, 0L, 0L, 0L) < 0) {
        perror("outer_bigfilter: no_new_privs");
        return 98;
    }
    for (long i = 0; i < count; i++)
        if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &p) < 0) {
            fprintf(stderr, "outer_bigfilter: filter %ld: ", i + 1);
            perror("seccomp");
            return 98;
        }
    execv(argv[3], argv + 3);
    perror("outer_bigfilter: exec");
    return 97;
}
