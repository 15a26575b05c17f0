/* cmd_import.c — `stockade import`: a seccomp profile (OCI linux.seccomp or
 * Docker's format) or a systemd unit into a policy (compiler/import/).
 * Exit 0: written (warnings on stderr); 1: the input cannot be imported
 * (malformed, or meaning something the language cannot say exactly);
 * 2: usage or I/O error. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "commands.h"
#include "import/import.h"
#include "util.h"

#define MAX_INPUT (16u << 20)

static const char import_usage[] =
    "usage: stockade import FILE.json [--caps LIST] [--arch ARCH] [--kernel X.Y] [-o OUT.stk]\n"
    "       stockade import systemd UNIT [--syscall-groups FILE] [-o OUT.stk]\n"
    "\n"
    "Write a policy that means what FILE means.\n"
    "\n"
    "FILE.json is a seccomp profile: an OCI runtime-spec linux.seccomp object (or a\n"
    "whole config.json) or Docker's profile format (archMap, includes/excludes on\n"
    "capabilities, architectures and minKernel).  The rules are resolved for one\n"
    "machine, capability set and kernel, as Docker does, and the policy's filter\n"
    "decides every call as libseccomp's compilation of the profile does: the\n"
    "built-in groups a rule covers completely are used, each block says which rule\n"
    "of the profile it comes from.  What the language cannot say exactly (two\n"
    "actions for one syscall that libseccomp resolves by its own internals,\n"
    "SCMP_ACT_NOTIFY) is refused.\n"
    "\n"
    "systemd UNIT is a .service file or a drop-in .conf: its hardening directives\n"
    "(User=, CapabilityBoundingSet=, SystemCallFilter=, ProtectSystem=, MemoryMax=,\n"
    "...) become the policy's statements; systemd's @groups are resolved to names\n"
    "with this machine's `systemd-analyze syscall-filter`; what does not map is\n"
    "listed in a comment and on stderr.\n"
    "\n"
    "options:\n"
    "  --caps LIST     capabilities the container holds, comma-separated (CAP_NET_ADMIN,\n"
    "                  sys_admin, ...; docker-default for Docker's default set, which is\n"
    "                  also what applies without --caps), e.g. docker-default,CAP_SYS_ADMIN\n"
    "  --arch ARCH     the machine: x86_64, i386, x32, aarch64, arm, riscv64 (default: native)\n"
    "  --kernel X.Y    the kernel version minKernel is compared with (default: running kernel)\n"
    "  --name NAME     the policy's name (default: from FILE's name)\n"
    "  --syscall-groups FILE  systemd's groups from FILE (the output of\n"
    "                  `systemd-analyze syscall-filter`) instead of running it\n"
    "  -o OUT.stk      write the policy to OUT.stk instead of standard output\n"
    "  -h, --help      show this help\n"
    "\n"
    "exit status: 0 written, 1 the input cannot be imported, 2 usage or I/O error\n";

static int read_input(const char *path, char **text, size_t *len)
{
    if (strcmp(path, "-") == 0) {
        struct stk_buf b = {0};
        char chunk[65536];
        size_t n;
        while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0) {
            if (b.len + n > MAX_INPUT) {
                stk_buf_free(&b);
                fprintf(stderr, "stockade import: standard input is larger than 16 MiB\n");
                return 2;
            }
            stk_buf_put(&b, chunk, n);
        }
        if (ferror(stdin)) {
            stk_buf_free(&b);
            fprintf(stderr, "stockade import: standard input: %s\n", strerror(errno));
            return 2;
        }
        stk_buf_put(&b, "", 1);
        *text = b.data;
        *len = b.len - 1;
        return 0;
    }
    int e = stk_read_file(path, MAX_INPUT, text, len);
    if (e) {
        fprintf(stderr, "stockade import: %s: %s\n", path,
                e == STK_ENOTREG ? "not a regular file"
                : e == EFBIG     ? "larger than 16 MiB"
                                 : strerror(e));
        return 2;
    }
    return 0;
}

static int write_output(const char *path, const struct stk_buf *out)
{
    if (!path || strcmp(path, "-") == 0) {
        if (fwrite(out->data, 1, out->len, stdout) != out->len || fflush(stdout) != 0) {
            fprintf(stderr, "stockade import: standard output: %s\n", strerror(errno));
            return 2;
        }
        return 0;
    }
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "stockade import: %s: %s\n", path, strerror(errno));
        return 2;
    }
    bool ok = fwrite(out->data, 1, out->len, f) == out->len;
    ok = (fclose(f) == 0) && ok;
    if (!ok) {
        fprintf(stderr, "stockade import: %s: write failed\n", path);
        return 2;
    }
    return 0;
}

/* The output of `systemd-analyze ARG` (syscall-filter: the machine's groups). */
static char *run_systemd_analyze(const char *arg)
{
    int fd[2];
    if (pipe(fd) != 0)
        return NULL;
    pid_t pid = fork();
    if (pid < 0) {
        close(fd[0]);
        close(fd[1]);
        return NULL;
    }
    if (pid == 0) {
        dup2(fd[1], 1);
        close(fd[0]);
        close(fd[1]);
        int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
        if (null >= 0)
            dup2(null, 2);
        execlp("systemd-analyze", "systemd-analyze", "--no-pager", arg, (char *)NULL);
        _exit(127);
    }
    close(fd[1]);
    struct stk_buf b = {0};
    char chunk[16384];
    ssize_t n;
    while ((n = read(fd[0], chunk, sizeof chunk)) > 0 && b.len < MAX_INPUT)
        stk_buf_put(&b, chunk, (size_t)n);
    close(fd[0]);
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        stk_buf_free(&b);
        return NULL;
    }
    stk_buf_put(&b, "", 1);
    return b.data;
}

static void print_warnings(const struct stk_buf *warn)
{
    if (!warn->len)
        return;
    const char *s = warn->data;
    while (*s) {
        const char *e = strchr(s, '\n');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        fprintf(stderr, "stockade import: warning: %.*s\n", (int)n, s);
        s += n + (e ? 1 : 0);
    }
}

int stk_cmd_import(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"caps", required_argument, NULL, 'c'},   {"arch", required_argument, NULL, 'a'},
        {"kernel", required_argument, NULL, 'k'}, {"name", required_argument, NULL, 'n'},
        {"syscall-groups", required_argument, NULL, 'g'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *opt[7] = {NULL}; /* indexed by the position of the letter in "cakngo" */
    static const char letters[] = "cakngo";
    const char *pos[2] = {NULL, NULL};
    size_t npos = 0;
    optind = 1;
    /* options may come before and after the file */
    for (;;) {
        int c;
        while ((c = getopt_long(argc, argv, "+o:h", longopts, NULL)) != -1) {
            const char *at = c ? strchr(letters, c) : NULL;
            if (at) {
                opt[at - letters] = optarg;
            } else if (c == 'h') {
                fputs(import_usage, stdout);
                return 0;
            } else {
                fputs(import_usage, stderr);
                return 2;
            }
        }
        if (optind >= argc)
            break;
        if (npos == 2) {
            fprintf(stderr, "stockade import: too many arguments\n%s", import_usage);
            return 2;
        }
        pos[npos++] = argv[optind++];
    }
    const char *caps = opt[0], *arch = opt[1], *kernel = opt[2], *name = opt[3], *groups_file = opt[4],
               *outpath = opt[5];
    bool systemd = npos == 2 && strcmp(pos[0], "systemd") == 0;
    if (npos == 0 || (npos == 2 && !systemd)) {
        fprintf(stderr, "stockade import: %s\n%s", npos ? "expected one FILE, or systemd UNIT" : "no FILE given",
                import_usage);
        return 2;
    }
    const char *path = systemd ? pos[1] : pos[0];
    if (systemd && (caps || kernel)) {
        fprintf(stderr, "stockade import: --caps and --kernel apply to seccomp profiles, not to systemd units\n");
        return 2;
    }
    if (!systemd && groups_file) {
        fprintf(stderr, "stockade import: --syscall-groups applies to systemd units\n");
        return 2;
    }
    struct stk_import_opts o = {.source = path, .policy_name = name, .abi = stk_native_abi()};
    char err[512];
    if (arch) {
        int a = stk_abi_by_name(arch);
        if (a < 0) {
            fprintf(stderr, "stockade import: unknown architecture '%s' (x86_64, i386, x32, aarch64, arm, riscv64)\n",
                    arch);
            return 2;
        }
        o.abi = (enum stk_abi)a;
    }
    if (!stk_import_parse_caps(caps ? caps : "docker-default", &o.caps, err, sizeof err)) {
        fprintf(stderr, "stockade import: --caps: %s\n", err);
        return 2;
    }
    if (kernel) {
        int used = 0;
        if (sscanf(kernel, "%u.%u%n", &o.kmajor, &o.kminor, &used) != 2 || kernel[used] != '\0') {
            fprintf(stderr, "stockade import: --kernel: expected X.Y, e.g. 6.1\n");
            return 2;
        }
        o.kernel_from = "--kernel";
    } else {
        struct utsname u;
        if (uname(&u) != 0 || sscanf(u.release, "%u.%u", &o.kmajor, &o.kminor) != 2) {
            fprintf(stderr, "stockade import: cannot read the running kernel's version; give --kernel X.Y\n");
            return 2;
        }
        o.kernel_from = "the running kernel";
    }
    char *text = NULL;
    size_t len = 0;
    int rc = read_input(path, &text, &len);
    if (rc)
        return rc;
    struct stk_buf out = {0}, warn = {0};
    int r;
    if (systemd) {
        struct stk_import_sdgroups groups = {0};
        char *gtext = NULL;
        size_t glen = 0;
        if (groups_file) {
            rc = read_input(groups_file, &gtext, &glen);
            if (rc) {
                free(text);
                return rc;
            }
        } else {
            gtext = run_systemd_analyze("syscall-filter");
        }
        bool have = gtext && stk_import_sdgroups_parse(gtext, &groups);
        if (have && groups_file) {
            groups.version = stk_xasprintf("the groups in %s", groups_file);
        } else if (have) {
            char *v = run_systemd_analyze("--version");
            if (v) {
                v[strcspn(v, "\n")] = '\0';
                groups.version = stk_xasprintf("%s (systemd-analyze syscall-filter)", v);
                free(v);
            }
        }
        if (groups_file && !have) {
            fprintf(stderr, "stockade import: %s: no syscall group in it (expected `systemd-analyze syscall-filter`'s output)\n",
                    groups_file);
            free(gtext);
            free(text);
            return 2;
        }
        free(gtext);
        r = stk_import_systemd(text, len, &o, have ? &groups : NULL, &out, &warn, err, sizeof err);
        stk_import_sdgroups_free(&groups);
    } else {
        r = stk_import_oci(text, len, &o, &out, &warn, err, sizeof err);
    }
    free(text);
    print_warnings(&warn);
    stk_buf_free(&warn);
    if (r != 0) {
        fprintf(stderr, "stockade import: %s: %s\n", strcmp(path, "-") == 0 ? "standard input" : path, err);
        stk_buf_free(&out);
        return 1;
    }
    rc = write_output(outpath, &out);
    stk_buf_free(&out);
    return rc;
}
