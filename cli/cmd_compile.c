/* cmd_compile.c — `stockade compile`: a policy into a bundle, raw BPF, a
 * readable listing, or the LSM policies generated from it. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "seccomp/bpf_disasm.h"
#include "cli.h"
#include "commands.h"
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
    "                  exactly what seccomp(SECCOMP_SET_MODE_FILTER) takes (a policy\n"
    "                  split into stacked filters: refused, use the bundle)\n"
    "  --emit=disasm   a readable listing of the seccomp program\n"
    "  --emit=selinux-cil  a SELinux CIL module for the policy's selinux block\n"
    "                  (load with semodule -i FILE.cil)\n"
    "  --emit=apparmor the AppArmor profile generated from the policy\n"
    "                  (load with apparmor_parser -r FILE)\n"
    "  --emit=oci-seccomp  the OCI runtime-spec linux.seccomp JSON (crun, runc,\n"
    "                  podman --security-opt seccomp=FILE), exact or refused\n"
    "  --emit=oci-bpf  the program as base64 for crun's run.oci.seccomp_bpf_data\n"
    "                  annotation\n"
    "  --emit=k8s      Security Profiles Operator resources and a pod\n"
    "                  securityContext as YAML (--emit=k8s-json: as JSON)\n"
    "  --emit=systemd  a systemd unit drop-in (.conf) with the directives that say\n"
    "                  what the policy says (docs/interop.md, \"systemd\")\n"
    "  --lossy         (exports) approximate what the format cannot say exactly,\n"
    "                  each approximation a warning saying tighter or looser\n"
    "  --systemd-wrap  (systemd) run the service through stockade-exec with the\n"
    "                  compiled bundle instead: ExecStart= is replaced\n"
    "  --systemd-command=CMD  (wrap) the service's own command line (its ExecStart=)\n"
    "  --systemd-bundle=PATH  (wrap) where the bundle is installed\n"
    "                  (default /etc/stockade/POLICY.bundle)\n"
    "  --systemd-exec=PATH    (wrap) the enforcer (default stockade-exec, found in\n"
    "                  systemd's executable search path)\n"
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
static bool refuse_unenforced(const struct stk_policy_ir *ir, const char *who)
{
    if (ir->nunenforced == 0)
        return false;
    fprintf(stderr, "stockade %s: policy '%s' uses '%s', which this version of stockade cannot enforce; refusing\n",
            who, ir->name, ir->unenforced[0]);
    return true;
}

/* --emit=selinux-cil / --emit=apparmor: the text the pipeline emitted */
static int emit_lsm_text(const struct stk_pipeline_out *b, bool cil, struct stk_buf *out)
{
    const struct stk_policy_ir *ir = b->ir;
    if (cil) {
        if (!ir->lsm.selinux.present) {
            fprintf(stderr, "stockade compile: policy '%s' has no selinux block: no CIL module to emit\n", ir->name);
            return 1;
        }
        stk_buf_put(out, b->cil.data, b->cil.len);
        return 0;
    }
    if (ir->lsm.apparmor.present && !ir->lsm.apparmor.generate) {
        fprintf(stderr,
                "stockade compile: policy '%s' uses the existing AppArmor profile '%s' (apparmor use): nothing to "
                "generate\n",
                ir->name, ir->lsm.apparmor.profile);
        return 1;
    }
    stk_buf_put(out, b->apparmor.data, b->apparmor.len);
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
    static const char *const kinds[] = {"bundle", "bpf", "disasm", "selinux-cil", "apparmor", "systemd"};
    int kind = -1;
    for (int i = 0; i < 6; i++)
        if (strcmp(c.emit, kinds[i]) == 0)
            kind = i;
    enum stk_export_kind export_kind = stk_export_kind_by_name(c.emit); /* compiler/export/ */
    if (kind < 0 && export_kind == STK_EXPORT_NONE) {
        fprintf(stderr, "stockade compile: unknown --emit '%s' (bundle, bpf, disasm, selinux-cil, apparmor, "
                        "oci-seccomp, oci-bpf, k8s, k8s-json or systemd)\n", c.emit);
        free(c.incs);
        return 2;
    }
    if ((c.embed_lsm || c.apparmor_features) && kind != 0) {
        fprintf(stderr, "stockade compile: --embed-lsm and --apparmor-features go with --emit=bundle\n");
        free(c.incs);
        return 2;
    }
    if (c.lossy && export_kind == STK_EXPORT_NONE && kind != 5) {
        fprintf(stderr, "stockade compile: --lossy goes with --emit=oci-seccomp, oci-bpf, k8s, k8s-json or systemd\n");
        free(c.incs);
        return 2;
    }
    c.sd.lossy = c.lossy;
    char sderr[160];
    if ((kind != 5 && (c.sd.wrap || c.sd.bundle || c.sd.command || c.sd.exec)) ||
        (kind == 5 && stk_sd_check_opts(&c.sd, sderr, sizeof sderr) < 0)) {
        fprintf(stderr, "stockade compile: %s\n", kind != 5 ? "--systemd-* go with --emit=systemd" : sderr);
        free(c.incs);
        return 2;
    }
    /* --embed-lsm's errors (no LSM block, apparmor_parser) come from the pipeline */
    struct stk_pipeline_req req = {.apparmor_always = kind == 4,
                                   .export_kind = export_kind,
                                   .lossy = c.lossy,
                                   .embed_lsm = c.embed_lsm,
                                   .apparmor_features = c.apparmor_features,
                                   .systemd = kind == 5 ? &c.sd : NULL};
    struct stk_pipeline_out b;
    if (!stk_cli_build(src, &c, &req, &b))
        return 1;
    const struct stk_policy_ir *ir = b.ir;
    const struct stk_bpf_prog *prog = &b.prog;
    struct stk_buf out = {0};
    char *outpath = NULL;
    rc = 0;
    if (kind == 0) {
        if (refuse_unenforced(ir, "compile"))
            rc = 1;
        else
            stk_buf_put(&out, b.bundle.data, b.bundle.len);
        outpath = c.output ? stk_xstrdup(c.output) : default_output(src, ".bundle");
    } else if (kind == 1 && prog->nfilters > 1) {
        fprintf(stderr, "stockade compile: the policy needs %zu stacked seccomp filters (%zu instructions, over "
                        "4096): --emit=bpf writes one program; use --emit=bundle\n", prog->nfilters, prog->len);
        rc = 1;
    } else if (kind == 1) {
        stk_buf_put(&out, prog->insns, prog->len * sizeof *prog->insns);
        outpath = c.output ? stk_xstrdup(c.output) : default_output(src, ".bpf");
    } else if (kind == 5) {
        stk_buf_put(&out, b.systemd.data, b.systemd.len);
        outpath = stk_xstrdup(c.output ? c.output : "-");
    } else if (export_kind != STK_EXPORT_NONE) {
        stk_buf_put(&out, b.exported.data, b.exported.len);
        outpath = stk_xstrdup(c.output ? c.output : "-");
    } else if (kind == 3 || kind == 4) {
        rc = emit_lsm_text(&b, kind == 3, &out);
        outpath = stk_xstrdup(c.output ? c.output : "-");
    } else {
        char *text = NULL;
        size_t tlen = 0;
        FILE *m = open_memstream(&text, &tlen);
        if (!m) {
            fprintf(stderr, "stockade compile: %s\n", strerror(errno));
            rc = 2;
        } else {
            fprintf(m, "; policy %s: %zu instructions\n", ir->name, prog->len);
            if (prog->nfilters == 1)
                stk_bpf_disasm(m, prog->insns, prog->len);
            for (size_t f = 0; prog->nfilters > 1 && f < prog->nfilters; f++) {
                fprintf(m, "; stacked filter %zu of %zu (installed in this order): %zu instructions\n", f + 1,
                        prog->nfilters, prog->filters[f].len);
                stk_bpf_disasm(m, prog->filters[f].insns, prog->filters[f].len);
            }
            fclose(m);
            stk_buf_put(&out, text, tlen);
            free(text);
        }
        outpath = stk_xstrdup(c.output ? c.output : "-");
    }
    if (rc == 0)
        rc = write_output(outpath, out.data ? out.data : "", out.len);
    bool quiet = c.diag.fmt != STK_DIAG_TEXT; /* standard error carries JSON or SARIF only */
    if (rc == 0 && strcmp(outpath, "-") != 0 && kind >= 0 && kind < 3 && !quiet)
        fprintf(stderr, "stockade: wrote %s (%zu bytes, %zu seccomp instructions)\n", outpath, out.len, prog->len);
    else if (rc == 0 && strcmp(outpath, "-") != 0 && !quiet)
        fprintf(stderr, "stockade: wrote %s (%zu bytes)\n", outpath, out.len);
    free(outpath);
    stk_buf_free(&out);
    stk_pipeline_out_free(&b);
    return rc;
}
