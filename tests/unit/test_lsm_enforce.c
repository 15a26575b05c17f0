/* test_lsm_enforce.c — the enforcer's LSM step on this kernel: the sVirt
 * category allocator for real (concurrent allocators never share a pair,
 * stale reservations of dead processes are recovered, release, state
 * directory checks), the LSM records of a bundle (round trip, every
 * rejection), and fail-closed / optional preparation when no LSM runs. */
#include <errno.h>
#include <fcntl.h>
#include <selinux/selinux.h>
#include <signal.h>
#include <sys/apparmor.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bundle/bundle.h"
#include "bundle/bundle_write.h"
#include "lib/bundle_harness.h"
#include "steps/lsm.h"
#include "steps/steps.h"
#include "testlib.h"

static char base[64];

static const char *tdir(const char *name)
{
    static char buf[4][128];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", base, name);
    return buf[k];
}

static size_t count_reservations(const char *dir)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "ls %s | grep -c '^c[0-9]*\\.c[0-9]*$'", dir);
    FILE *p = popen(cmd, "r");
    if (!p)
        return (size_t)-1;
    unsigned long n = 0;
    if (fscanf(p, "%lu", &n) != 1)
        n = (unsigned long)-1;
    pclose(p);
    return n;
}

static void write_text(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    CHECK_MSG(fd >= 0, "%s: %s", path, strerror(errno));
    CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
    close(fd);
}

/* ---- the allocator ------------------------------------------------------------- */

TEST(mcs_concurrent_allocators_never_collide)
{
    const char *dir = tdir("conc");
    enum { N = 20 };
    int start[2], res[2], hold[2];
    CHECK(pipe(start) == 0 && pipe(res) == 0 && pipe(hold) == 0);
    pid_t kids[N];
    for (int i = 0; i < N; i++) {
        kids[i] = fork();
        CHECK(kids[i] >= 0);
        if (kids[i] == 0) {
            close(start[1]);
            close(hold[1]);
            char c;
            if (read(start[0], &c, 1) < 0) /* EOF: everyone starts at once */
                _exit(3);
            struct stk_mcs_res r;
            struct stk_err e = {0};
            /* 8 categories: 28 pairs for 20 allocators, so random picks collide often */
            uint32_t out[2] = {~0u, ~0u};
            if (stk_mcs_alloc(dir, 8, &r, &e) == 0) {
                out[0] = r.c1;
                out[1] = r.c2;
            } else {
                fprintf(stderr, "alloc: %s\n", e.msg);
            }
            if (write(res[1], out, sizeof out) != sizeof out)
                _exit(4);
            if (read(hold[0], &c, 1) < 0) /* hold the pair until the parent has looked */
                _exit(5);
            _exit(stk_mcs_release(&r, &e) == 0 ? 0 : 6);
        }
    }
    close(start[0]);
    close(res[1]);
    close(hold[0]);
    close(start[1]);
    bool seen[8][8] = {{false}};
    int got = 0;
    uint32_t p[2];
    while (got < N && read(res[0], p, sizeof p) == sizeof p) {
        CHECK_MSG(p[0] < p[1] && p[1] < 8, "child got an invalid pair c%u.c%u", p[0], p[1]);
        CHECK_MSG(!seen[p[0]][p[1]], "two instances got c%u.c%u", p[0], p[1]);
        seen[p[0]][p[1]] = true;
        got++;
    }
    CHECK_INT(got, N);
    CHECK_INT(count_reservations(dir), N);
    close(hold[1]);
    for (int i = 0; i < N; i++) {
        int st;
        CHECK(waitpid(kids[i], &st, 0) == kids[i]);
        CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child %d status %d", i, st);
    }
    close(res[0]);
    CHECK_INT(count_reservations(dir), 0); /* every one released */
}

TEST(mcs_exhaustion_is_an_error)
{
    const char *dir = tdir("full");
    struct stk_mcs_res r[7];
    struct stk_err e = {0};
    bool seen[4][4] = {{false}};
    for (int i = 0; i < 6; i++) {
        CHECK_MSG(stk_mcs_alloc(dir, 4, &r[i], &e) == 0, "%s", e.msg);
        CHECK(!seen[r[i].c1][r[i].c2]);
        seen[r[i].c1][r[i].c2] = true;
    }
    CHECK(stk_mcs_alloc(dir, 4, &r[6], &e) < 0);
    CHECK_CONTAINS(e.msg, "every sVirt category pair below c4 is in use");
    for (int i = 0; i < 6; i++)
        CHECK(stk_mcs_release(&r[i], &e) == 0);
    CHECK_INT(count_reservations(dir), 0);
}

TEST(mcs_stale_reservations_recovered)
{
    const char *dir = tdir("stale");
    /* a dead owner: a child allocates the only pair and exits without releasing */
    pid_t k = fork();
    CHECK(k >= 0);
    if (k == 0) {
        struct stk_mcs_res r;
        struct stk_err e = {0};
        _exit(stk_mcs_alloc(dir, 2, &r, &e) == 0 ? 0 : 1);
    }
    int st;
    CHECK(waitpid(k, &st, 0) == k && WIFEXITED(st) && WEXITSTATUS(st) == 0);
    CHECK_INT(count_reservations(dir), 1);
    /* a reused pid: our parent's pid (alive) with a wrong start time; and a damaged file */
    char path[256], text[64];
    snprintf(path, sizeof path, "%s/c5.c9", dir);
    snprintf(text, sizeof text, "%ld 1\n", (long)getppid());
    write_text(path, text);
    snprintf(path, sizeof path, "%s/c6.c9", dir);
    write_text(path, "garbage");
    /* a live owner: kept */
    unsigned long long me;
    CHECK(stk_mcs_start_time(getpid(), &me) == 0);
    snprintf(path, sizeof path, "%s/c7.c9", dir);
    snprintf(text, sizeof text, "%ld %llu\n", (long)getpid(), me);
    write_text(path, text);
    /* unrelated files are left alone */
    snprintf(path, sizeof path, "%s/notes", dir);
    write_text(path, "x");

    struct stk_mcs_res r;
    struct stk_err e = {0};
    CHECK_MSG(stk_mcs_alloc(dir, 2, &r, &e) == 0, "%s", e.msg); /* only c0.c1 exists: must be reclaimed */
    CHECK_INT(r.c1, 0);
    CHECK_INT(r.c2, 1);
    CHECK_INT(r.reclaimed, 3);
    snprintf(path, sizeof path, "%s/c7.c9", dir);
    CHECK(access(path, F_OK) == 0);
    snprintf(path, sizeof path, "%s/notes", dir);
    CHECK(access(path, F_OK) == 0);
    CHECK(stk_mcs_release(&r, &e) == 0);
    CHECK_INT(count_reservations(dir), 1);
}

TEST(mcs_release_leaves_others_alone)
{
    const char *dir = tdir("rel");
    struct stk_mcs_res r;
    struct stk_err e = {0};
    CHECK(stk_mcs_alloc(dir, 16, &r, &e) == 0);
    char path[256], text[64];
    snprintf(path, sizeof path, "%s/c%u.c%u", dir, r.c1, r.c2);
    struct stat st;
    CHECK(stat(path, &st) == 0);
    CHECK_INT(st.st_mode & 0777, 0600);
    /* the reservation now names another live process: release must not remove it */
    unsigned long long s1;
    CHECK(stk_mcs_start_time(getppid(), &s1) == 0);
    snprintf(text, sizeof text, "%ld %llu\n", (long)getppid(), s1);
    write_text(path, text);
    CHECK(stk_mcs_release(&r, &e) < 0);
    CHECK_CONTAINS(e.msg, "now belongs to pid");
    CHECK(access(path, F_OK) == 0);
    CHECK(!r.held);
    CHECK(stk_mcs_release(&r, &e) == 0); /* nothing held: no-op */
    unlink(path);
}

TEST(mcs_state_dir_checks)
{
    struct stk_err e = {0};
    const char *nested = tdir("a/b/mcs");
    CHECK_MSG(stk_mcs_dir_ready(nested, &e) == 0, "%s", e.msg);
    struct stat st;
    CHECK(stat(nested, &st) == 0 && (st.st_mode & 07777) == 0700);
    CHECK(stat(tdir("a/b"), &st) == 0 && (st.st_mode & 07777) == 0755);
    const char *open_dir = tdir("open");
    CHECK(mkdir(open_dir, 0700) == 0 && chmod(open_dir, 0777) == 0);
    CHECK(stk_mcs_dir_ready(open_dir, &e) < 0);
    CHECK_CONTAINS(e.msg, "writable by group or others (mode 0777)");
    struct stk_mcs_res r;
    CHECK(stk_mcs_alloc(open_dir, 8, &r, &e) < 0);
    const char *file = tdir("file");
    write_text(file, "x");
    CHECK(stk_mcs_dir_ready(file, &e) < 0);
    CHECK_CONTAINS(e.msg, "is not a directory");
    CHECK(stk_mcs_dir_ready("relative/dir", &e) < 0);
    if (geteuid() != 0)
        SKIP("chown to another user needs root");
    const char *foreign = tdir("foreign");
    CHECK(mkdir(foreign, 0700) == 0 && chown(foreign, 65534, 65534) == 0);
    CHECK(stk_mcs_dir_ready(foreign, &e) < 0);
    CHECK_CONTAINS(e.msg, "belongs to uid 65534");
}

TEST(mcs_default_dir)
{
    char buf[256];
    struct stk_err e = {0};
    CHECK(stk_mcs_default_dir(buf, sizeof buf, &e) == 0);
    if (geteuid() == 0)
        CHECK_STR(buf, "/run/stockade/mcs");
    CHECK(stk_mcs_default_dir(buf, 4, &e) < 0);
}

TEST(proc_start_time)
{
    unsigned long long a, b;
    CHECK(stk_mcs_start_time(getpid(), &a) == 0);
    CHECK(stk_mcs_start_time(getpid(), &b) == 0 && a == b);
    CHECK(stk_mcs_start_time(1, &b) == 0 && b <= a);
    CHECK(stk_mcs_start_time(0x3ffffff0, &b) < 0);
}

/* ---- bundle records --------------------------------------------------------------- */

/* Compile a policy text (with its seccomp program) and read its bundle back. */
static struct stk_bundle *compile_bundle(const char *text)
{
    struct stk_bundle *b = bh_roundtrip(text, true);
    CHECK_MSG(b != NULL, "%s", bh_msg);
    return b;
}

TEST(bundle_lsm_roundtrip)
{
    struct stk_bundle *b =
        compile_bundle("policy p {\n selinux { type web_t; level s0:c3,c7; categories 64; optional }\n"
                       " apparmor use other-prof optional\n}\n");
    CHECK(b->lsm.present && b->lsm.selinux.present && b->lsm.selinux.optional && !b->lsm.selinux.level_auto);
    CHECK_STR(b->lsm.selinux.type, "web_t");
    CHECK_STR(b->lsm.selinux.filetype, "web_file_t");
    CHECK_STR(b->lsm.selinux.level, "s0:c3,c7");
    CHECK_INT(b->lsm.selinux.categories, 64);
    CHECK(b->lsm.apparmor.present && b->lsm.apparmor.optional && !b->lsm.apparmor.generated);
    CHECK_STR(b->lsm.apparmor.profile, "other-prof");
    CHECK(b->lsm.apparmor.binary == NULL && b->lsm.selinux.cil == NULL);
    char *txt = NULL;
    size_t tl = 0;
    FILE *m = open_memstream(&txt, &tl);
    CHECK(m);
    stk_bundle_print(b, NULL, m);
    fclose(m);
    CHECK_CONTAINS(txt, "selinux: exec as type web_t at level s0:c3,c7; private mounts labelled web_file_t");
    CHECK_CONTAINS(txt, "apparmor: change profile on exec to other-prof (an existing profile)");
    /* the LSM step comes right before no_new_privs */
    CHECK(strstr(txt, "apparmor:") < strstr(txt, "no_new_privs:"));
    free(txt);
    stk_bundle_free(b);
    b = compile_bundle("policy p {\n selinux { type web_t }\n}\n");
    CHECK(b && b->lsm.selinux.level_auto && b->lsm.selinux.level == NULL && b->lsm.selinux.categories == 1024);
    CHECK(!b->lsm.apparmor.present);
    stk_bundle_free(b);
}

/* A bundle of the given records (type, payload, length) with a valid header and CRC. */
static bool read_records(int nrec, const uint16_t *types, unsigned char *const *payloads, const size_t *lens)
{
    static unsigned char buf[8192];
    size_t off = STK_BUNDLE_HEADER_LEN;
    for (int i = 0; i < nrec; i++)
        off += bh_rec(buf + off, types[i], payloads[i], lens[i]);
    bh_seal(buf, off, STK_BUNDLE_VERSION, (uint32_t)nrec);
    return bh_read(buf, off, NULL) == 0;
}

static size_t se_payload(unsigned char *p, int optional, int mode, uint32_t ncat, const char *type, const char *ft,
                         const char *level)
{
    p[0] = (unsigned char)optional;
    p[1] = (unsigned char)mode;
    p[2] = p[3] = 0;
    bh_put_le(p + 4, ncat, 4);
    size_t n = 8;
    n += bh_put_str(p + n, type);
    n += bh_put_str(p + n, ft);
    n += bh_put_str(p + n, level);
    return n;
}

static size_t aa_payload(unsigned char *p, int optional, int generated, const char *name)
{
    p[0] = (unsigned char)optional;
    p[1] = (unsigned char)generated;
    p[2] = p[3] = 0;
    return 4 + bh_put_str(p + 4, name);
}

static bool se_ok(int optional, int mode, uint32_t ncat, const char *type, const char *ft, const char *level)
{
    unsigned char p[512];
    unsigned char *pp[] = {p};
    size_t len = se_payload(p, optional, mode, ncat, type, ft, level);
    uint16_t t[] = {STK_REC_SELINUX};
    return read_records(1, t, pp, &len);
}

TEST(bundle_lsm_rejects)
{
    CHECK(se_ok(0, 1, 1024, "a_t", "b_t", ""));
    CHECK(se_ok(1, 2, 16, "a_t", "b_t", "s0:c1,c15"));
    CHECK(!se_ok(2, 1, 1024, "a_t", "b_t", ""));
    CHECK_CONTAINS(bh_msg, "selinux optional");
    CHECK(!se_ok(0, 3, 1024, "a_t", "b_t", ""));
    CHECK_CONTAINS(bh_msg, "invalid selinux level mode 3");
    CHECK(!se_ok(0, 0, 1024, "a_t", "b_t", ""));
    CHECK(!se_ok(0, 1, 1, "a_t", "b_t", ""));
    CHECK_CONTAINS(bh_msg, "invalid selinux category count 1");
    CHECK(!se_ok(0, 1, 1025, "a_t", "b_t", ""));
    CHECK(!se_ok(0, 1, 1024, "a-t", "b_t", ""));
    CHECK_CONTAINS(bh_msg, "invalid selinux type 'a-t'");
    CHECK(!se_ok(0, 1, 1024, "a_t", "a_t", ""));
    CHECK(!se_ok(0, 1, 1024, "a_t", "", ""));
    CHECK(!se_ok(0, 1, 1024, "a_t", "b_t", "s0:c1,c2"));
    CHECK_CONTAINS(bh_msg, "level given with level mode auto");
    CHECK(!se_ok(0, 2, 1024, "a_t", "b_t", ""));
    CHECK(!se_ok(0, 2, 16, "a_t", "b_t", "s0:c1,c16"));
    CHECK_CONTAINS(bh_msg, "category c16 is out of range");
    CHECK(!se_ok(0, 2, 1024, "a_t", "b_t", "s0:c2,c1"));

    unsigned char se[256], aa[256], bin[8] = {4, 0, 0, 0, 1, 2, 3, 4}, cil[64];
    size_t sl = se_payload(se, 0, 1, 1024, "a_t", "b_t", "");
    size_t al = aa_payload(aa, 0, 1, "prof");
    size_t cl = bh_put_str(cil, "(type a_t)");
    {
        uint16_t t[] = {STK_REC_SELINUX, STK_REC_SELINUX};
        unsigned char *pp[] = {se, se};
        size_t l[] = {sl, sl};
        CHECK(!read_records(2, t, pp, l));
        CHECK_CONTAINS(bh_msg, "duplicate SELINUX record");
    }
    {
        uint16_t t[] = {STK_REC_APPARMOR, STK_REC_APPARMOR_BINARY, STK_REC_SELINUX, STK_REC_SELINUX_CIL};
        unsigned char *pp[] = {aa, bin, se, cil};
        size_t l[] = {al, sizeof bin, sl, cl};
        CHECK_MSG(read_records(4, t, pp, l), "%s", bh_msg);
    }
    {
        uint16_t t[] = {STK_REC_APPARMOR_BINARY};
        unsigned char *pp[] = {bin};
        size_t l[] = {sizeof bin};
        CHECK(!read_records(1, t, pp, l));
        CHECK_CONTAINS(bh_msg, "APPARMOR_BINARY record without an APPARMOR record");
    }
    {
        size_t ul = aa_payload(aa, 0, 0, "prof"); /* `apparmor use`: nothing to load */
        uint16_t t[] = {STK_REC_APPARMOR, STK_REC_APPARMOR_BINARY};
        unsigned char *pp[] = {aa, bin};
        size_t l[] = {ul, sizeof bin};
        CHECK(!read_records(2, t, pp, l));
        CHECK_CONTAINS(bh_msg, "for a profile the policy does not generate");
        aa_payload(aa, 0, 1, "prof");
    }
    {
        uint16_t t[] = {STK_REC_SELINUX_CIL};
        unsigned char *pp[] = {cil};
        size_t l[] = {cl};
        CHECK(!read_records(1, t, pp, l));
        CHECK_CONTAINS(bh_msg, "SELINUX_CIL record without a SELINUX record");
    }
    {
        unsigned char big[8] = {9, 0, 0, 0, 1, 2, 3, 4}; /* says 9 bytes, has 4 */
        uint16_t t[] = {STK_REC_APPARMOR, STK_REC_APPARMOR_BINARY};
        unsigned char *pp[] = {aa, big};
        size_t l[] = {al, sizeof big};
        CHECK(!read_records(2, t, pp, l));
        unsigned char zero[4] = {0, 0, 0, 0};
        pp[1] = zero;
        l[1] = 4;
        CHECK(!read_records(2, t, pp, l));
    }
    {
        unsigned char bad[64];
        size_t bl = aa_payload(bad, 0, 1, "unconfined");
        uint16_t t[] = {STK_REC_APPARMOR};
        unsigned char *pp[] = {bad};
        size_t l[] = {bl};
        CHECK(!read_records(1, t, pp, l));
        CHECK_CONTAINS(bh_msg, "invalid apparmor profile name 'unconfined'");
        bl = aa_payload(bad, 0, 2, "x");
        CHECK(!read_records(1, t, pp, l));
        bad[2] = 1;
        bl = aa_payload(bad, 0, 1, "x");
        bad[2] = 1;
        l[0] = bl;
        CHECK(!read_records(1, t, pp, l));
        CHECK_CONTAINS(bh_msg, "reserved byte is not zero");
    }
    {
        uint16_t t[] = {0x0204};
        unsigned char *pp[] = {se};
        size_t l[] = {0};
        CHECK(!read_records(1, t, pp, l));
        CHECK_CONTAINS(bh_msg, "unknown record type 0x0204");
    }
}

/* ---- preparation on this kernel -------------------------------------------------------- */

TEST(prepare_fails_closed_without_the_lsm)
{
    if (is_selinux_enabled() > 0 || aa_is_enabled() > 0)
        SKIP("this kernel runs SELinux or AppArmor (the guest tests cover that)");
    struct stk_err e = {0};
    struct stk_bundle *b = compile_bundle("policy p {\n selinux { type web_t }\n}\n");
    CHECK(b);
    struct stk_supervisor sv;
    stk_supervise_init(&sv);
    struct stk_lsm_plan *p = (struct stk_lsm_plan *)1;
    CHECK(stk_lsm_prepare(b, &sv, &p, &e) < 0);
    CHECK_STR(e.step, "selinux");
    CHECK_CONTAINS(e.msg, "SELinux is not running on this kernel; refusing to run");
    CHECK(!sv.wanted && sv.ncleanup == 0); /* nothing reserved, nothing to release */
    stk_bundle_free(b);

    b = compile_bundle("policy p {\n apparmor web\n}\n");
    CHECK(b);
    e = (struct stk_err){0};
    CHECK(stk_lsm_prepare(b, &sv, &p, &e) < 0);
    CHECK_STR(e.step, "apparmor");
    CHECK_CONTAINS(e.msg, "AppArmor is not running on this kernel; refusing to run");
    stk_bundle_free(b);
}

TEST(prepare_optional_degrades)
{
    if (is_selinux_enabled() > 0 || aa_is_enabled() > 0)
        SKIP("this kernel runs SELinux or AppArmor (the guest tests cover that)");
    struct stk_err e = {0};
    struct stk_bundle *b =
        compile_bundle("policy p {\n selinux { type web_t; optional }\n apparmor web optional\n}\n");
    CHECK(b);
    struct stk_supervisor sv;
    stk_supervise_init(&sv);
    struct stk_lsm_plan *p = NULL;
    CHECK_MSG(stk_lsm_prepare(b, &sv, &p, &e) == 0, "%s", e.msg);
    CHECK(p && !p->selinux && !p->apparmor && !p->mcs.held);
    CHECK(!sv.wanted);
    char opt[64] = "x";
    CHECK(stk_lsm_mount_context(p, opt, sizeof opt) == 0);
    CHECK_STR(opt, "");
    CHECK(stk_lsm_apply(p, &e) == 0);
    free(p);
    stk_bundle_free(b);
}

TEST(mount_context_option)
{
    struct stk_lsm_plan p;
    memset(&p, 0, sizeof p);
    char buf[128];
    CHECK(stk_lsm_mount_context(NULL, buf, sizeof buf) == 0 && buf[0] == '\0');
    p.selinux = true;
    snprintf(p.file_ctx, sizeof p.file_ctx, "system_u:object_r:web_file_t:s0:c4,c87");
    CHECK(stk_lsm_mount_context(&p, buf, sizeof buf) == 0);
    CHECK_STR(buf, "context=\"system_u:object_r:web_file_t:s0:c4,c87\"");
    CHECK(stk_lsm_mount_context(&p, buf, 10) < 0 && buf[0] == '\0');
}

static void cleanup(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", base);
    if (system(cmd) != 0)
        fprintf(stderr, "warning: could not remove %s\n", base);
}

int main(void)
{
    snprintf(base, sizeof base, "/tmp/stk-lsm-XXXXXX");
    if (!mkdtemp(base)) {
        printf("FAIL setup: mkdtemp: %s\n", strerror(errno));
        return 1;
    }
    RUN(mcs_concurrent_allocators_never_collide);
    RUN(mcs_exhaustion_is_an_error);
    RUN(mcs_stale_reservations_recovered);
    RUN(mcs_release_leaves_others_alone);
    RUN(mcs_state_dir_checks);
    RUN(mcs_default_dir);
    RUN(proc_start_time);
    RUN(bundle_lsm_roundtrip);
    RUN(bundle_lsm_rejects);
    RUN(prepare_fails_closed_without_the_lsm);
    RUN(prepare_optional_degrades);
    RUN(mount_context_option);
    cleanup();
    return test_summary();
}
