/* pieces_probe.c — run under `--report` by tests/integration/report_output.sh.
 *   pieces_probe N NR [GAP_US]
 * N times: syscall NR (which the policy refuses), then the line
 * "piece K: ab" written to stdout in two write(2)s, "piece K: a" and "b\n",
 * GAP_US microseconds apart (default 200), as unbuffered stdio writes text
 * and its newline (puts).  No system call the policy reports comes between
 * the two pieces.  Last: "pieces: done". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static void put(const char *s)
{
    size_t n = strlen(s), off = 0;
    while (off < n) {
        ssize_t w = write(STDOUT_FILENO, s + off, n - off);
        if (w <= 0)
            exit(3);
        off += (size_t)w;
    }
}

int main(int argc, char **argv)
{
    if (argc < 3)
        return 99;
    long n = strtol(argv[1], NULL, 0), nr = strtol(argv[2], NULL, 0);
    long gap = argc > 3 ? strtol(argv[3], NULL, 0) : 200;
    struct timespec ts = {0, gap * 1000};
    for (long k = 0; k < n; k++) {
        syscall(nr, 0, 0, 0, 0, 0, 0);
        char a[64];
        snprintf(a, sizeof a, "piece %ld: a", k);
        put(a);
        if (gap > 0)
            nanosleep(&ts, NULL);
        put("b\n");
    }
    put("pieces: done\n");
    return 0;
}
