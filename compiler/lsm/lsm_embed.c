/* lsm_embed.c — `stockade compile --embed-lsm`: the generated CIL module and
 * apparmor_parser's compiled profile, put into the IR for the bundle writer
 * (records SELINUX_CIL and APPARMOR_BINARY, common/bundle_lsm.h). */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bundle_lsm.h"
#include "lsm/emit_lsm.h"
#include "lsm/lsm_embed.h"

#define MAX_BINARY STK_BUNDLE_MAX_LSM_BLOB

static const char *parser_path(void)
{
    static const char *const cands[] = {"/usr/sbin/apparmor_parser", "/sbin/apparmor_parser"};
    for (size_t i = 0; i < sizeof cands / sizeof cands[0]; i++)
        if (access(cands[i], X_OK) == 0)
            return cands[i];
    return NULL;
}

const char *stk_lsm_embed_default_features(void)
{
    struct stat st;
    if (stat("/sys/kernel/security/apparmor/features", &st) == 0)
        return NULL; /* the running kernel's */
    if (stat("/usr/share/apparmor-features/features", &st) == 0)
        return "/usr/share/apparmor-features/features";
    return NULL;
}

/* Run apparmor_parser on the profile text; its binary output into *out. */
static int compile_profile(const char *text, const char *features, unsigned char **out, size_t *len, char *err,
                           size_t n)
{
    const char *parser = parser_path();
    if (!parser) {
        snprintf(err, n, "apparmor_parser not found (Debian package apparmor)");
        return -1;
    }
    const char *tmpdir = getenv("TMPDIR");
    char *tmp = stk_xasprintf("%s/stockade-aa-XXXXXX", tmpdir && tmpdir[0] == '/' ? tmpdir : "/tmp");
    int fd = mkstemp(tmp);
    if (fd < 0) {
        snprintf(err, n, "%s: %s", tmp, strerror(errno));
        free(tmp);
        return -1;
    }
    size_t tl = strlen(text);
    bool ok = write(fd, text, tl) == (ssize_t)tl;
    if (close(fd) != 0 || !ok) {
        snprintf(err, n, "writing %s: %s", tmp, strerror(errno));
        unlink(tmp);
        free(tmp);
        return -1;
    }
    int pfd[2];
    if (pipe2(pfd, O_CLOEXEC) < 0) {
        snprintf(err, n, "pipe: %s", strerror(errno));
        unlink(tmp);
        free(tmp);
        return -1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(err, n, "fork: %s", strerror(errno));
        close(pfd[0]);
        close(pfd[1]);
        unlink(tmp);
        free(tmp);
        return -1;
    }
    if (pid == 0) {
        if (dup2(pfd[1], STDOUT_FILENO) < 0)
            _exit(127);
        const char *argv[8];
        size_t a = 0;
        argv[a++] = parser;
        argv[a++] = "-Q"; /* do not load into the kernel */
        argv[a++] = "-S"; /* the binary to stdout (no cache) */
        if (features) {
            argv[a++] = "-M";
            argv[a++] = features;
        }
        argv[a++] = tmp;
        argv[a] = NULL;
        execv(parser, (char *const *)argv);
        _exit(127);
    }
    close(pfd[1]);
    unsigned char *buf = stk_xmalloc(MAX_BINARY + 1);
    size_t got = 0;
    for (;;) {
        ssize_t r = read(pfd[0], buf + got, MAX_BINARY + 1 - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
        if (got > MAX_BINARY)
            break;
    }
    close(pfd[0]);
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    unlink(tmp);
    free(tmp);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        snprintf(err, n, "%s rejected the generated profile (status %d)", parser,
                 WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
        free(buf);
        return -1;
    }
    if (got == 0 || got > MAX_BINARY) {
        snprintf(err, n, "%s wrote %s", parser, got ? "a profile larger than 1 MiB" : "nothing");
        free(buf);
        return -1;
    }
    *out = buf;
    *len = got;
    return 0;
}

int stk_lsm_embed(struct stk_policy_ir *ir, const char *features, char *err, size_t n)
{
    struct stk_lsm_ir *l = &ir->lsm;
    if (!l->selinux.present && !(l->apparmor.present && l->apparmor.generate)) {
        snprintf(err, n, "policy '%s' has no selinux block and no generated apparmor profile to embed", ir->name);
        return -1;
    }
    if (l->selinux.present) {
        struct stk_buf b = {0};
        stk_emit_selinux_cil(ir, &b);
        if (b.len > MAX_BINARY) { /* the record's bound (bundle_lsm.h) */
            snprintf(err, n, "the SELinux CIL module is %zu bytes, more than the bundle holds (%u)", b.len,
                     MAX_BINARY);
            stk_buf_free(&b);
            return -1;
        }
        stk_buf_put(&b, "", 1);
        free(l->embed_cil);
        l->embed_cil = b.data;
    }
    if (l->apparmor.present && l->apparmor.generate) {
        struct stk_buf b = {0};
        int rc = stk_emit_apparmor(ir, l->apparmor.profile, &b, err, n);
        stk_buf_put(&b, "", 1);
        unsigned char *bin = NULL;
        size_t len = 0;
        if (rc == 0)
            rc = compile_profile(b.data, features, &bin, &len, err, n);
        stk_buf_free(&b);
        if (rc < 0)
            return -1;
        free(l->embed_aa);
        l->embed_aa = bin;
        l->embed_aa_len = len;
    }
    return 0;
}
