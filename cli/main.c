/* main.c — the `stockade` command: dispatch to sub-commands. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <seccomp.h>
#include <unistd.h>

#include "bundle_format.h"
#include "kfeatures.h"

#include "cli.h"
#include "commands.h"

static const char usage[] =
    "usage: stockade COMMAND [OPTIONS] [ARGS]\n"
    "\n"
    "Declarative security hardening for Linux services: compile a policy file\n"
    "(seccomp, capabilities, identity, limits) and run a command confined by it.\n"
    "\n"
    "commands:\n"
    "  check FILE...                 validate policies (errors and lint findings), for CI\n"
    "  test FILE...                  run the policies' test blocks (expect ...), for CI\n"
    "  compile FILE [-o OUT]         compile a policy: --emit=bundle|bpf|disasm\n"
    "  run [POLICY.stk] -- CMD...    confine CMD with the policy (default policy if none)\n"
    "  learn [-o OUT] -- CMD...      run CMD under observation and write a policy for it\n"
    "  sim FILE SYSCALL [ARG...]     what the compiled filter does with one syscall\n"
    "  explain FILE                  how a policy's filter is built and how fast it is\n"
    "  inspect BUNDLE                print a compiled bundle\n"
    "  score FILE...                 exposure score 0-10 per policy: --threshold=N\n"
    "  diff OLD NEW                  what changed between two policies or bundles\n"
    "  fmt [--check|-w] FILE|DIR...  lay out policy files the canonical way\n"
    "  import FILE.json | systemd UNIT  a seccomp profile or a systemd unit as a policy\n"
    "  show-default                  print the built-in default policy\n"
    "  help [COMMAND]                help for a command\n"
    "\n"
    "options: -h/--help, --version.  `stockade COMMAND --help` for a command's options.\n"
    "See stockade(1) and docs/language.md.\n";

static const struct {
    const char *name;
    int (*fn)(int, char **);
} commands[] = {
    {"check", stk_cmd_check},     {"compile", stk_cmd_compile},
    {"run", stk_cmd_run},         {"sim", stk_cmd_sim},
    {"explain", stk_cmd_explain}, {"inspect", stk_cmd_inspect},
    {"show-default", stk_cmd_show_default}, {"test", stk_cmd_test},
    {"score", stk_cmd_score},     {"diff", stk_cmd_diff},
    {"fmt", stk_cmd_fmt},         {"learn", stk_cmd_learn},
    {"import", stk_cmd_import},
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

/* The version, the bundle format, the libseccomp in use and what the kernel
 * offers: quick probes that never fail (docs/stockade.1.scd, --version). */
static void print_version(void)
{
    const struct scmp_version *v = seccomp_version();
    struct stk_kfeatures f;
    stk_kfeatures_probe(&f);
    printf("stockade %s\n", STK_VERSION);
    printf("bundle format: %u\n", STK_BUNDLE_VERSION);
    if (v)
        printf("libseccomp: %u.%u.%u (built with %d.%d.%d)\n", v->major, v->minor, v->micro, SCMP_VER_MAJOR,
               SCMP_VER_MINOR, SCMP_VER_MICRO);
    else
        printf("libseccomp: unknown (built with %d.%d.%d)\n", SCMP_VER_MAJOR, SCMP_VER_MINOR, SCMP_VER_MICRO);
    stk_kfeatures_print(stdout, &f);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage, stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0) {
        fputs(usage, stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        print_version();
        return 0;
    }
    if (strcmp(cmd, "help") == 0) {
        if (argc < 3) {
            fputs(usage, stdout);
            return 0;
        }
        for (size_t i = 0; i < NCOMMANDS; i++) {
            if (strcmp(commands[i].name, argv[2]) == 0) {
                char *hargv[] = {argv[2], (char *)"--help", NULL};
                return commands[i].fn(2, hargv);
            }
        }
        fprintf(stderr, "stockade: unknown command '%s'\n", argv[2]);
        return 2;
    }
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i].name, cmd) == 0)
            return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "stockade: unknown command '%s'\n\n%s", cmd, usage);
    return 2;
}
