/* cmd_learn.c — `stockade learn`: run a command under observation and
 * write the policy its calls, files and ports call for (docs/learn.md).
 *
 * The run is `stockade run --report` with a built-in learning policy
 * (every call notifies: `default log`; the caller's capabilities, file
 * descriptors and identity unchanged) and the reporter turned recorder
 * (enforcer/supervise/learn.c).  When the command has exited, the
 * supervisor calls write_policy (here, through the recorder's done hook),
 * which writes the policy (learn_doc.c) and checks it as `stockade check`
 * would.  Learning never enforces what it learned. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bundle/bundle.h"
#include "cli.h"
#include "learn_write.h"
#include "commands.h"
#include "compile.h"
#include "enforce.h"
#include "err.h"
#include "pipeline.h"
#include "steps/steps.h"

static const char learn_usage[] =
    "usage: stockade learn [-o OUT.stk] [--name NAME] [--merge EXISTING.stk] [--base POLICY.stk]\n"
    "                      -- COMMAND [ARG...]\n"
    "\n"
    "Run COMMAND (and everything it starts) under observation, refusing nothing,\n"
    "and when it exits (or when stockade gets SIGINT or SIGTERM, which it passes\n"
    "on) write a policy for what it did: `default errno EPERM`, the system calls\n"
    "seen (with their socket families, clone flags, ioctl requests, prctl options),\n"
    "the user it ran as, the capabilities its calls needed, and Landlock rules for\n"
    "the files and TCP ports it used.  Review the policy, then verify it with the\n"
    "same workload: stockade run --report OUT.stk -- COMMAND... (docs/learn.md).\n"
    "\n"
    "options (before `--`):\n"
    "  -o, --output OUT   write the policy to OUT (default: standard output, or the\n"
    "                     --merge file)\n"
    "  --name NAME        the policy's name (default: the command's, or the merged one's)\n"
    "  --merge FILE       add this run to a policy learned before: the observations of\n"
    "                     both are united, text outside the generated block is kept\n"
    "  --base FILE        extend the last policy of FILE instead of starting from\n"
    "                     `default errno EPERM`\n"
    "  -h, --help         show this help\n"
    "\n"
    "exit status: COMMAND's own (128+N if it died of signal N); 125 if it could not\n"
    "be started or the policy could not be written\n";

static const char learning_policy[] =
    "policy stockade-learning {\n"
    "    no_new_privs\n"
    "    capabilities all\n"
    "    keep_fds all\n"
    "    seccomp {\n"
    "        default log\n"
    "        tiocsti allow\n"
    "    }\n"
    "}\n";

/* text in a memory file, as a path the compiler can read ("/proc/self/fd/N"); -1 on failure */
static int memfile(const char *text, size_t len, char *path, size_t plen)
{
    int fd = memfd_create("stockade-learn", MFD_CLOEXEC);
    if (fd < 0)
        return -1;
    if (write(fd, text, len) != (ssize_t)len) {
        close(fd);
        return -1;
    }
    snprintf(path, plen, "/proc/self/fd/%d", fd);
    return fd;
}

/* The policy as text, then `stockade check` on it; the file written last. */
static void write_policy(struct stk_learn *l, void *arg)
{
    struct stk_learn_doc *doc = arg;
    (void)l;
    stk_learn_doc_add_run(doc);
    struct stk_buf text = {0};
    stk_learn_doc_write(doc, &text);
    bool ok = ftruncate(doc->out_fd, 0) == 0 || errno == EINVAL; /* EINVAL: a pipe or terminal */
    for (size_t off = 0; ok && off < text.len;) {
        ssize_t w = write(doc->out_fd, text.data + off, text.len - off);
        if (w < 0 && errno == EINTR)
            continue;
        ok = w > 0;
        off += w > 0 ? (size_t)w : 0;
    }
    if (!ok) {
        fprintf(stderr, "stockade: learn: writing %s: %s\n", doc->out_name, strerror(errno));
        stk_buf_free(&text);
        _exit(STK_EXIT_FAILURE);
    }
    char path[64];
    int fd = memfile(text.data, text.len, path, sizeof path);
    struct stk_diags ds;
    stk_diags_init(&ds);
    bool checked = fd >= 0 && stk_pipeline_check_file(path, NULL, &ds);
    if (fd >= 0 && (!checked || ds.nwarnings)) {
        struct stk_cli_diag_out dout = {STK_DIAG_TEXT, NULL};
        stk_cli_diag_print(&ds, &dout, stderr, 0);
    }
    fprintf(stderr, "stockade: learn: wrote policy %s to %s: %zu calls, %zu paths, %lu process%s%s\n", doc->name,
            doc->out_name, stk_learn_seccomp_ncalls(&doc->obs), doc->obs.paths.n, doc->obs.processes,
            doc->obs.processes == 1 ? "" : "es", checked ? "" : " (it does NOT pass stockade check: see above)");
    stk_diags_free(&ds);
    if (fd >= 0)
        close(fd);
    stk_buf_free(&text);
    if (!checked)
        _exit(STK_EXIT_FAILURE);
}

/* A policy name from a word: letters, digits, _ . : - (starting with a letter or _). */
static char *policy_name(const char *w)
{
    const char *b = strrchr(w, '/');
    b = b ? b + 1 : w;
    char *n = stk_xasprintf("%s%s", (*b >= 'a' && *b <= 'z') || (*b >= 'A' && *b <= 'Z') || *b == '_' ? "" : "p-", b);
    for (char *p = n; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || strchr("_.:-", *p)))
            *p = '-';
    return n;
}

/* The name of the policy in a merged file's block ("policy NAME"), or NULL. */
static char *merged_name(const char *before_block_text)
{
    const char *p = strstr(before_block_text, "\npolicy ");
    if (!p)
        return NULL;
    p += 8;
    size_t n = strcspn(p, " {\n");
    return n ? stk_xstrndup(p, n) : NULL;
}

/* The command's program, as the enforcer will find it (PATH), for its execute
 * rule; and /usr, where the dynamic loader and #! interpreters are on a
 * merged-/usr system (the kernel opens them for the exec: no call shows them). */
static void add_program(struct stk_learn *l, const char *cmd)
{
    stk_learn_paths_add(&l->paths, "/usr/lib", STK_LEARN_EXEC);
    char real[PATH_MAX];
    if (strchr(cmd, '/')) {
        if (realpath(cmd, real))
            stk_learn_paths_add(&l->paths, real, STK_LEARN_EXEC);
        return;
    }
    const char *path = getenv("PATH");
    char *copy = stk_xstrdup(path ? path : "/usr/local/bin:/usr/bin:/bin");
    for (char *save = NULL, *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
        char *cand = stk_xasprintf("%s/%s", d, cmd);
        bool hit = access(cand, X_OK) == 0 && realpath(cand, real);
        free(cand);
        if (hit) {
            stk_learn_paths_add(&l->paths, real, STK_LEARN_EXEC);
            break;
        }
    }
    free(copy);
}

static char *cmdline(char **argv)
{
    struct stk_buf b = {0};
    for (size_t i = 0; argv[i]; i++) {
        stk_buf_puts(&b, i ? " " : "");
        for (const char *p = argv[i]; *p; p++)
            stk_buf_put(&b, (unsigned char)*p < 0x20 || *p == 0x7f ? "?" : p, 1);
    }
    stk_buf_puts(&b, "");
    return b.data;
}

static int run(struct stk_learn_doc *doc, char **argv)
{
    char path[64];
    int fd = memfile(learning_policy, sizeof learning_policy - 1, path, sizeof path);
    if (fd < 0) {
        fprintf(stderr, "stockade: learn: memfd_create: %s\n", strerror(errno));
        return STK_EXIT_FAILURE;
    }
    struct stk_diags ds;
    stk_diags_init(&ds);
    struct stk_pipeline_req req = {.path = path};
    struct stk_pipeline_out bld;
    bool ok = stk_pipeline(&req, &ds, &bld);
    if (!ok) {
        struct stk_cli_diag_out dout = {STK_DIAG_TEXT, NULL};
        stk_cli_diag_print(&ds, &dout, stderr, 0);
    }
    stk_diags_free(&ds);
    close(fd);
    if (!ok) {
        stk_pipeline_out_free(&bld);
        return STK_EXIT_FAILURE;
    }
    struct stk_bundle *b;
    struct stk_err e = {0};
    int rc = stk_bundle_read(bld.bundle.data, bld.bundle.len, &b, &e);
    stk_pipeline_out_free(&bld);
    if (rc < 0) {
        stk_err_report(&e, stderr);
        return e.status;
    }
    doc->obs.done = write_policy;
    doc->obs.done_arg = doc;
    struct stk_enforce_opts opts = {.report = true, .learn = &doc->obs};
    rc = stk_enforce(b, argv, &opts); /* returns only when nothing was executed */
    stk_bundle_free(b);
    return rc;
}

static int usage_error(const char *msg)
{
    if (msg)
        fprintf(stderr, "stockade: learn: %s\n", msg);
    fputs(learn_usage, stderr);
    return STK_EXIT_FAILURE;
}

int stk_cmd_learn(int argc, char **argv)
{
    static const struct option lopts[] = {
        {"output", required_argument, NULL, 'o'}, {"name", required_argument, NULL, 'n'},
        {"merge", required_argument, NULL, 'm'},  {"base", required_argument, NULL, 'b'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
    };
    const char *out = NULL, *name = NULL, *merge = NULL, *base = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "+o:h", lopts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'n': name = optarg; break;
        case 'm': merge = optarg; break;
        case 'b': base = optarg; break;
        case 'h': fputs(learn_usage, stdout); return 0;
        default: return usage_error(NULL);
        }
    }
    if (optind >= argc)
        return usage_error("no command given (stockade learn [OPTIONS] -- COMMAND...)");
    char **cmd = argv + optind;

    static struct stk_learn_doc doc; /* the supervisor's hook uses it after the fork */
    stk_learn_init(&doc.obs);
    doc.out_fd = STDOUT_FILENO;
    doc.out_name = "standard output";
    if (merge && !stk_learn_doc_merge(&doc, merge))
        return STK_EXIT_FAILURE;
    char *mname = NULL;
    if (merge) {
        char *text;
        size_t len;
        if (stk_read_file(merge, 64u << 20, &text, &len) == 0) {
            mname = merged_name(text);
            free(text);
        }
    }
    doc.name = name ? name : mname ? mname : policy_name(cmd[0]);
    if (base) {
        char real[PATH_MAX];
        if (!realpath(base, real) || strpbrk(real, "\"\\\n"))
            return fprintf(stderr, "stockade: learn: --base %s: %s\n", base,
                           errno ? strerror(errno) : "a name the include statement cannot quote"),
                   STK_EXIT_FAILURE;
        struct stk_diags ds;
        stk_diags_init(&ds);
        struct stk_policy_ir *ir = stk_compile_file(real, NULL, &ds);
        if (!ir) {
            struct stk_cli_diag_out dout = {STK_DIAG_TEXT, NULL};
            stk_cli_diag_print(&ds, &dout, stderr, 0);
            stk_diags_free(&ds);
            return fprintf(stderr, "stockade: learn: --base %s has errors\n", base), STK_EXIT_FAILURE;
        }
        stk_diags_free(&ds);
        doc.base_path = stk_xstrdup(real);
        doc.base_name = stk_xstrdup(ir->name);
        stk_policy_ir_free(ir);
        if (strcmp(doc.base_name, doc.name) == 0)
            doc.name = stk_xasprintf("%s-learned", doc.name);
    }
    const char *target = out ? out : merge;
    if (target) {
        doc.out_fd = open(target, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOCTTY, 0644);
        if (doc.out_fd < 0)
            return fprintf(stderr, "stockade: learn: %s: %s\n", target, strerror(errno)), STK_EXIT_FAILURE;
        doc.out_name = target;
    }
    /* the names as the enforcer finds them (the files, then getent); any
     * failure: the number, which the learned policy can use as well */
    struct stk_err ne = {0};
    if (stk_identity_name(false, (uint32_t)doc.obs.uid, doc.user, sizeof doc.user, &ne) != 0)
        doc.user[0] = '\0';
    if (stk_identity_name(true, (uint32_t)doc.obs.gid, doc.group, sizeof doc.group, &ne) != 0)
        doc.group[0] = '\0';
    if (!doc.user[0] || strspn(doc.user, "abcdefghijklmnopqrstuvwxyz0123456789_-.") != strlen(doc.user))
        snprintf(doc.user, sizeof doc.user, "%u", (unsigned)doc.obs.uid);
    if (!doc.group[0] || strspn(doc.group, "abcdefghijklmnopqrstuvwxyz0123456789_-.") != strlen(doc.group))
        snprintf(doc.group, sizeof doc.group, "%u", (unsigned)doc.obs.gid);
    doc.cmdline = cmdline(cmd);
    add_program(&doc.obs, cmd[0]);
    return run(&doc, cmd);
}
