/* cmd_compile.c — `stockade compile`: a policy into a bundle, raw BPF, or a
 * readable listing; and `stockade show-default`. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "seccomp/bpf_disasm.h"
#include "bundle/bundle_write.h"
#include "cli.h"
#include "commands.h"
#include "front/embedded.h"
#include "lsm/emit_lsm.h"
#include "lsm/lsm_embed.h"
#include "pipeline.h"
#include "util.h"

static const char compile_usage[] =
    "usage: stockade compile [OPTIONS] FILE\n"
    "\n"
    "Compile a policy (FILE, or - for standard input).\n"
    "\n"
    "options:\n"
    "  --emit=bundle   (default) a versioned, checksummed bundle for `stockade-exec`\n"
    "  --emit=bpf      the raw seccomp program: native-endian struct sock_filter[],\n"
    "                  exactly what seccomp(SECCOMP_SET_MODE_FILTER) takes\n"
    "  --emit=disasm   a readable listing of the seccomp program\n"
    "  --emit=selinux-cil  a SELinux CIL module for the policy's selinux block\n"
    "                  (load with semodule -i FILE.cil)\n"
    "  --emit=apparmor the AppArmor profile generated from the policy\n"
    "                  (load with apparmor_parser -r FILE)\n"
    "  --embed-lsm     (bundle) also carry the CIL module and the AppArmor profile\n"
    "                  compiled by apparmor_parser, which the enforcer then loads\n"
    "  --apparmor-features=FILE  the kernel features to compile the embedded\n"
    "                  profile for (default: the running kernel's, else\n"
    "                  /usr/share/apparmor-features/features)\n"
    "  -o, --output=OUT  where to write (default: FILE with .bundle / .bpf for\n"
    "                  bundles and programs, standard output for listings; - = stdout)\n"
    "  --policy=NAME   compile this policy of the file (default: the last one)\n"
    "  -I DIR          also look for included files in DIR\n"
    STK_CLI_DIAG_USAGE
    "                     (JSON and SARIF go to standard error)\n"
    "  -h, --help      show this help\n"
    "\n"
    "exit status: 0 compiled, 1 the policy has errors, 2 usage or I/O error\n";

/* Parse the options shared by compile, sim and explain.  Returns 0 to go on,
 * or an exit status. */
int stk_cli_common(int argc, char **argv, const char *usage, struct stk_cli_common *c)
{
    static const struct option lopts[] = {
        {"emit", required_argument, NULL, 'e'},   {"output", required_argument, NULL, 'o'},
        {"policy", required_argument, NULL, 'p'}, {"arch", required_argument, NULL, 'a'},
        {"help", no_argument, NULL, 'h'},         {"embed-lsm", no_argument, NULL, 'L'},
        {"apparmor-features", required_argument, NULL, 'F'}, STK_CLI_DIAG_LOPTS, {NULL, 0, NULL, 0},
    };
    memset(c, 0, sizeof *c);
    c->emit = "bundle";
    optind = 1;
    /* `sim` takes negative numbers as arguments: there options come first. */
    bool is_sim = strcmp(argv[0], "sim") == 0;
    int ch;
    while ((ch = getopt_long(argc, argv, is_sim ? "+o:I:h" : "o:I:h", lopts, NULL)) != -1) {
        switch (ch) {
        case 'e':
            if (strcmp(argv[0], "compile") != 0) {
                fprintf(stderr, "stockade %s: --emit is an option of `compile`\n", argv[0]);
                return 2;
            }
            c->emit = optarg;
            break;
        case 'o':
            if (strcmp(argv[0], "compile") != 0) {
                fprintf(stderr, "stockade %s: -o is an option of `compile`\n", argv[0]);
                return 2;
            }
            c->output = optarg;
            break;
        case 'L':
        case 'F':
            if (strcmp(argv[0], "compile") != 0) {
                fprintf(stderr, "stockade %s: --%s is an option of `compile`\n", argv[0],
                        ch == 'L' ? "embed-lsm" : "apparmor-features");
                return 2;
            }
            if (ch == 'L')
                c->embed_lsm = true;
            else
                c->apparmor_features = optarg;
            break;
        case 'p': c->opts.policy_name = optarg; break;
        case STK_OPT_FORMAT:
        case STK_OPT_SARIF_ROOT:
            if (stk_cli_diag_option(&c->diag, ch, optarg, argv[0]))
                return 2;
            break;
        case 'a':
            if (!is_sim) {
                fprintf(stderr, "stockade %s: --arch is an option of `sim`; use `arch` in the policy's seccomp block\n",
                        argv[0]);
                return 2;
            }
            c->arch = optarg;
            break;
        case 'I': STK_PUSH(c->incs, c->opts.ninclude_dirs, c->capincs, optarg); break;
        case 'h': fputs(usage, stdout); return -1;
        default: fputs(usage, stderr); return 2;
        }
    }
    c->opts.include_dirs = c->incs;
    c->optind = optind;
    return 0;
}

/* Compile (printing diagnostics); NULL on errors. */
struct stk_policy_ir *stk_cli_compile(const char *path, struct stk_cli_common *c)
{
    struct stk_diags ds;
    stk_diags_init(&ds);
    struct stk_policy_ir *ir = stk_compile_file(path, &c->opts, &ds);
    if (stk_cli_diag_print(&ds, &c->diag, stderr, -1) != 0) {
        stk_policy_ir_free(ir);
        ir = NULL;
    }
    stk_diags_free(&ds);
    return ir;
}

/* Compile and generate the seccomp program (printing diagnostics and
 * errors as `stockade WHO: ...`); NULL on errors.  Frees c->incs. */
struct stk_policy_ir *stk_cli_compile_prog(const char *path, struct stk_cli_common *c, const char *who,
                                           struct stk_bpf_prog *prog)
{
    struct stk_policy_ir *ir = stk_cli_compile(path, c);
    free(c->incs);
    c->incs = NULL;
    if (!ir)
        return NULL;
    char err[256];
    if (stk_bpf_generate(ir, prog, err, sizeof err) != 0) {
        fprintf(stderr, "stockade %s: %s\n", who, err);
        stk_policy_ir_free(ir);
        return NULL;
    }
    return ir;
}

static int write_all(int fd, const char *name, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0) {
            fprintf(stderr, "stockade compile: %s: %s\n", name, strerror(errno));
            return -1;
        }
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

/* Write all of buf to path; "-" = stdout.  A regular file (or a new one) is
 * replaced atomically: a temporary file beside it, then rename.  Anything
 * else that exists there -- a device such as /dev/null, a FIFO, a symbolic
 * link such as /dev/stdout -- is written through in place: renaming over it
 * would swap the node itself for a regular file (`-o /dev/null` as root
 * used to turn the host's /dev/null into one). */
static int write_output(const char *path, const void *buf, size_t len)
{
    if (strcmp(path, "-") == 0) {
        if (fwrite(buf, 1, len, stdout) != len || fflush(stdout) != 0) {
            fprintf(stderr, "stockade compile: writing to standard output: %s\n", strerror(errno));
            return 2;
        }
        return 0;
    }
    struct stat st;
    if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        int fd = open(path, O_WRONLY | O_TRUNC | O_NOCTTY | O_CLOEXEC);
        if (fd < 0) {
            fprintf(stderr, "stockade compile: %s: %s\n", path, strerror(errno));
            return 2;
        }
        int r = write_all(fd, path, buf, len);
        if (close(fd) != 0 && r == 0) {
            fprintf(stderr, "stockade compile: %s: %s\n", path, strerror(errno));
            r = -1;
        }
        return r == 0 ? 0 : 2;
    }
    char *tmp = stk_xasprintf("%s.tmp.%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        fprintf(stderr, "stockade compile: %s: %s\n", tmp, strerror(errno));
        free(tmp);
        return 2;
    }
    if (write_all(fd, tmp, buf, len) < 0) {
        close(fd);
        unlink(tmp);
        free(tmp);
        return 2;
    }
    if (fsync(fd) != 0 || close(fd) != 0 || rename(tmp, path) != 0) {
        fprintf(stderr, "stockade compile: %s: %s\n", path, strerror(errno));
        unlink(tmp);
        free(tmp);
        return 2;
    }
    free(tmp);
    return 0;
}

static char *default_output(const char *src, const char *ext)
{
    if (strcmp(src, "-") == 0)
        return stk_xasprintf("policy%s", ext);
    const char *base = strrchr(src, '/');
    base = base ? base + 1 : src;
    size_t n = strlen(base);
    if (n > 4 && strcmp(base + n - 4, ".stk") == 0)
        n -= 4;
    return stk_xasprintf("%.*s%s", (int)n, base, ext);
}

/* A bundle must be enforceable as a whole: refuse statements this version cannot enforce. */
bool stk_cli_refuse_unenforced(const struct stk_policy_ir *ir, const char *who)
{
    if (ir->nunenforced == 0)
        return false;
    fprintf(stderr, "stockade %s: policy '%s' uses '%s', which this version of stockade cannot enforce; refusing\n",
            who, ir->name, ir->unenforced[0]);
    return true;
}

/* --emit=selinux-cil / --emit=apparmor */
static int emit_lsm_text(const struct stk_policy_ir *ir, bool cil, struct stk_buf *out)
{
    if (cil) {
        if (!ir->lsm.selinux.present) {
            fprintf(stderr, "stockade compile: policy '%s' has no selinux block: no CIL module to emit\n", ir->name);
            return 1;
        }
        stk_emit_selinux_cil(ir, out);
        return 0;
    }
    if (ir->lsm.apparmor.present && !ir->lsm.apparmor.generate) {
        fprintf(stderr,
                "stockade compile: policy '%s' uses the existing AppArmor profile '%s' (apparmor use): nothing to "
                "generate\n",
                ir->name, ir->lsm.apparmor.profile);
        return 1;
    }
    char *name = ir->lsm.apparmor.present ? stk_xstrdup(ir->lsm.apparmor.profile)
                                          : stk_xasprintf("stockade-%s", ir->name);
    stk_emit_apparmor(ir, name, out);
    free(name);
    return 0;
}

int stk_cmd_compile(int argc, char **argv)
{
    struct stk_cli_common c;
    int rc = stk_cli_common(argc, argv, compile_usage, &c);
    if (rc)
        return rc < 0 ? 0 : rc;
    if (c.optind != argc - 1) {
        fprintf(stderr, "stockade compile: expected exactly one policy file\n%s", compile_usage);
        free(c.incs);
        return 2;
    }
    const char *src = argv[c.optind];
    static const char *const kinds[] = {"bundle", "bpf", "disasm", "selinux-cil", "apparmor"};
    int kind = -1;
    for (int i = 0; i < 5; i++)
        if (strcmp(c.emit, kinds[i]) == 0)
            kind = i;
    if (kind < 0) {
        fprintf(stderr, "stockade compile: unknown --emit '%s' (bundle, bpf, disasm, selinux-cil or apparmor)\n",
                c.emit);
        free(c.incs);
        return 2;
    }
    if ((c.embed_lsm || c.apparmor_features) && kind != 0) {
        fprintf(stderr, "stockade compile: --embed-lsm and --apparmor-features go with --emit=bundle\n");
        free(c.incs);
        return 2;
    }
    struct stk_bpf_prog prog;
    struct stk_policy_ir *ir = stk_cli_compile_prog(src, &c, "compile", &prog);
    if (!ir)
        return 1;
    struct stk_buf out = {0};
    char *outpath = NULL;
    rc = 0;
    if (kind == 0) {
        char err[512];
        if (stk_cli_refuse_unenforced(ir, "compile")) {
            rc = 1;
        } else if (c.embed_lsm &&
                   stk_lsm_embed(ir, c.apparmor_features ? c.apparmor_features : stk_apparmor_default_features(),
                                 err, sizeof err) < 0) {
            fprintf(stderr, "stockade compile: --embed-lsm: %s\n", err);
            rc = 1;
        } else {
            stk_bundle_write(ir, &prog, &out);
        }
        outpath = c.output ? stk_xstrdup(c.output) : default_output(src, ".bundle");
    } else if (kind == 1) {
        stk_buf_put(&out, prog.insns, prog.len * sizeof *prog.insns);
        outpath = c.output ? stk_xstrdup(c.output) : default_output(src, ".bpf");
    } else if (kind == 3 || kind == 4) {
        rc = emit_lsm_text(ir, kind == 3, &out);
        outpath = stk_xstrdup(c.output ? c.output : "-");
    } else {
        char *text = NULL;
        size_t tlen = 0;
        FILE *m = open_memstream(&text, &tlen);
        if (!m) {
            fprintf(stderr, "stockade compile: %s\n", strerror(errno));
            rc = 2;
        } else {
            fprintf(m, "; policy %s: %zu instructions\n", ir->name, prog.len);
            stk_bpf_disasm(m, prog.insns, prog.len);
            fclose(m);
            stk_buf_put(&out, text, tlen);
            free(text);
        }
        outpath = stk_xstrdup(c.output ? c.output : "-");
    }
    if (rc == 0)
        rc = write_output(outpath, out.data ? out.data : "", out.len);
    bool quiet = c.diag.fmt != STK_DIAG_TEXT; /* standard error carries JSON or SARIF only */
    if (rc == 0 && strcmp(outpath, "-") != 0 && kind < 3 && !quiet)
        fprintf(stderr, "stockade: wrote %s (%zu bytes, %zu seccomp instructions)\n", outpath, out.len, prog.len);
    else if (rc == 0 && strcmp(outpath, "-") != 0 && !quiet)
        fprintf(stderr, "stockade: wrote %s (%zu bytes)\n", outpath, out.len);
    free(outpath);
    stk_buf_free(&out);
    stk_bpf_prog_free(&prog);
    stk_policy_ir_free(ir);
    return rc;
}

int stk_cmd_show_default(int argc, char **argv)
{
    if (argc > 1 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
        puts("usage: stockade show-default\n\nPrint the built-in default policy, used by `stockade run` when no\n"
             "policy file is given.  It includes the built-in groups.stk, which\n"
             "`stockade show-default groups` prints.");
        return 0;
    }
    const char *name = argc > 1 && strcmp(argv[1], "groups") == 0 ? "groups.stk" : "default.stk";
    if (argc > 1 && strcmp(argv[1], "groups") != 0) {
        fprintf(stderr, "stockade show-default: unexpected argument '%s'\n", argv[1]);
        return 2;
    }
    const struct stk_embedded_file *f = stk_embedded_find(name);
    if (!f) {
        fprintf(stderr, "stockade: %s is missing from this build\n", name);
        return 2;
    }
    fwrite(f->data, 1, f->len, stdout);
    return fflush(stdout) == 0 ? 0 : 2;
}
