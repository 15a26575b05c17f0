/* manypaths.c — run under `stockade learn` by tests/integration/learn_bound.sh:
 * names N distinct files that do not exist (each open fails with ENOENT,
 * and each is a path the recorder sees), then prints the peak memory of its
 * parent, the supervisor, before and after:
 *   manypaths N LEN DIR
 * The names are DIR/<LEN bytes in components of at most 200>/<i>.  Output:
 *   "manypaths: opened N, parent VmHWM START_KB -> END_KB kB" */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static long parent_hwm_kb(void)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)getppid());
    FILE *f = fopen(path, "r");
    long kb = -1;
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "VmHWM:", 6) == 0)
            kb = strtol(line + 6, NULL, 10);
    if (f)
        fclose(f);
    return kb;
}

int main(int argc, char **argv)
{
    if (argc != 4)
        return 99;
    long n = strtol(argv[1], NULL, 10), len = strtol(argv[2], NULL, 10);
    if (n <= 0 || len < 0 || len > 3000)
        return 99;
    char name[4096];
    int off = snprintf(name, sizeof name, "%s/", argv[3]);
    for (long i = 0; i < len; i++)
        name[off++] = (i % 200 == 199) ? '/' : (char)('a' + i % 26);
    if (len)
        name[off++] = '/';
    long start = parent_hwm_kb(), opened = 0;
    for (long i = 0; i < n; i++) {
        snprintf(name + off, sizeof name - (size_t)off, "%ld", i);
        int fd = open(name, O_RDONLY | O_CLOEXEC);
        if (fd >= 0)
            close(fd);
        opened++;
    }
    printf("manypaths: opened %ld, parent VmHWM %ld -> %ld kB\n", opened, start, parent_hwm_kb());
    return 0;
}
