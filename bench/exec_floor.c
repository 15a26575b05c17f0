/* exec_floor.c — the cheapest possible exec wrapper: a static binary that
 * only calls execv(argv[1], argv + 1).  bench/startup.sh times it around
 * /bin/true to show what one extra execve costs on the machine, the floor
 * under any tool (stockade-exec, bwrap, firejail) that applies a policy and
 * then executes the program. */
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    execv(argv[1], argv + 1);
    return 127;
}
