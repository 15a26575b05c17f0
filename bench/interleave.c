/* interleave.c — wall time of several commands, run in turns (A B C A B C
 * ...) rather than one after the other, so that a machine whose load changes
 * during the measurement (other builds, a VM) biases none of them.  Each
 * command is spawned directly (no shell), its output discarded; a command
 * that exits non-zero is reported and stops the measurement.
 *
 * Usage: interleave RUNS WARMUP NAME=COMMAND [NAME=COMMAND...]
 *        COMMAND is split on spaces (no quoting).
 * Prints, per command: NAME median p25 p75 (milliseconds), one line each. */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

struct cmd {
    char *name;
    char *argv[64];
    double *ms;
};

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double run_once(const struct cmd *c, posix_spawn_file_actions_t *fa)
{
    struct timespec t0, t1;
    pid_t pid;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int r = posix_spawn(&pid, c->argv[0], fa, NULL, c->argv, environ);
    if (r != 0) {
        fprintf(stderr, "interleave: %s: %s\n", c->argv[0], strerror(r));
        exit(1);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR) {
            perror("waitpid");
            exit(1);
        }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        fprintf(stderr, "interleave: %s failed (status 0x%x)\n", c->name, st);
        exit(1);
    }
    return (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: interleave RUNS WARMUP NAME=COMMAND...\n");
        return 2;
    }
    int runs = atoi(argv[1]), warmup = atoi(argv[2]), n = argc - 3;
    if (runs < 1 || warmup < 0)
        return 2;
    struct cmd *cmds = calloc((size_t)n, sizeof *cmds);
    if (!cmds)
        return 1;
    for (int i = 0; i < n; i++) {
        char *eq = strchr(argv[3 + i], '=');
        if (!eq) {
            fprintf(stderr, "interleave: expected NAME=COMMAND, got %s\n", argv[3 + i]);
            return 2;
        }
        *eq = '\0';
        cmds[i].name = argv[3 + i];
        int k = 0;
        for (char *save, *t = strtok_r(eq + 1, " ", &save); t && k < 63; t = strtok_r(NULL, " ", &save))
            cmds[i].argv[k++] = t;
        cmds[i].argv[k] = NULL;
        cmds[i].ms = calloc((size_t)runs, sizeof(double));
        if (!k || !cmds[i].ms)
            return 2;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    for (int r = 0; r < warmup; r++)
        for (int i = 0; i < n; i++)
            run_once(&cmds[i], &fa);
    for (int r = 0; r < runs; r++)
        for (int i = 0; i < n; i++)
            cmds[(i + r) % n].ms[r] = run_once(&cmds[(i + r) % n], &fa); /* rotate who goes first */
    for (int i = 0; i < n; i++) {
        qsort(cmds[i].ms, (size_t)runs, sizeof(double), cmp_double);
        printf("%s %.3f %.3f %.3f\n", cmds[i].name, cmds[i].ms[runs / 2], cmds[i].ms[runs / 4],
               cmds[i].ms[(3 * runs) / 4]);
    }
    return 0;
}
