/* bundle_read.c — decode and validate a bundle (format: bundle_format.h,
 * docs/bundle.md).  Everything is checked here, before the enforcer applies
 * anything: magic, version, length, checksum, every record's type, length and
 * contents, bounds on every count and string, and the BPF program. */
#include "bundle/bundle.h"
#include "bundle/bundle_decode.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define STEP "bundle"

static bool env_name_ok(const char *s)
{
    return *s && !strchr(s, '=');
}

uint32_t stk_native_audit_arch(void)
{
#if defined(__x86_64__) && defined(__ILP32__)
    return 0xc000003eu; /* x32 shares AUDIT_ARCH_X86_64 */
#elif defined(__x86_64__)
    return 0xc000003eu; /* AUDIT_ARCH_X86_64 */
#elif defined(__i386__)
    return 0x40000003u; /* AUDIT_ARCH_I386 */
#elif defined(__aarch64__)
    return 0xc00000b7u; /* AUDIT_ARCH_AARCH64 */
#elif defined(__arm__)
    return 0x40000028u; /* AUDIT_ARCH_ARM */
#elif defined(__riscv) && __riscv_xlen == 64
    return 0xc00000f3u; /* AUDIT_ARCH_RISCV64 */
#else
#error "unsupported architecture"
#endif
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* Decode one record's payload; the cursor covers exactly the payload. */
/* ---- the process records: one reader each ------------------------------------ */

static int rec_name(struct stk_bcur *c, struct stk_bundle *b)
{
    return stk_bc_str(c, &b->name, STK_BUNDLE_MAX_NAME, true, "policy name");
}

static int rec_no_new_privs(struct stk_bcur *c, struct stk_bundle *b)
{
    return stk_bc_bool(c, &b->no_new_privs, "no_new_privs record");
}

static int rec_user(struct stk_bcur *c, struct stk_bundle *b)
{
    return stk_bc_str(c, &b->user, STK_BUNDLE_MAX_NAME, true, "user");
}

static int rec_group(struct stk_bcur *c, struct stk_bundle *b)
{
    return stk_bc_str(c, &b->group, STK_BUNDLE_MAX_NAME, true, "group");
}

static int rec_supp_groups(struct stk_bcur *c, struct stk_bundle *b)
{
    uint32_t n;
    if (stk_bc_u32(c, &n, "supplementary groups") < 0)
        return -1;
    if (n > STK_BUNDLE_MAX_GROUPS)
        return stk_errf(c->e, STEP, "too many supplementary groups: %u (limit %u)", n, STK_BUNDLE_MAX_GROUPS);
    if (n) {
        b->supp_groups = calloc(n, sizeof *b->supp_groups);
        if (!b->supp_groups)
            return stk_errnof(c->e, STEP, ENOMEM, "decoding supplementary groups");
    }
    for (uint32_t i = 0; i < n; i++)
        if (stk_bc_str(c, &b->supp_groups[i], STK_BUNDLE_MAX_NAME, true, "supplementary group") < 0)
            return -1;
    b->nsupp = n;
    b->supp_set = true;
    return 0;
}

static int rec_caps(struct stk_bcur *c, struct stk_bundle *b)
{
    uint8_t mode;
    if (stk_bc_u8(c, &mode, "capabilities") < 0 || stk_bc_zero(c, 7, "capabilities") < 0 ||
        stk_bc_u64(c, &b->caps_keep, "capabilities") < 0)
        return -1;
    if (mode > STK_BCAPS_KEEP)
        return stk_errf(c->e, STEP, "unknown capabilities mode %u", mode);
    if (mode != STK_BCAPS_KEEP && b->caps_keep)
        return stk_errf(c->e, STEP, "capability mask given with mode %u", mode);
    b->caps = (enum stk_bundle_caps)mode;
    return 0;
}

static int rec_rlimit(struct stk_bcur *c, struct stk_bundle *b)
{
    uint32_t res;
    uint64_t soft, hard;
    if (stk_bc_u32(c, &res, "rlimit") < 0 || stk_bc_zero(c, 4, "rlimit") < 0 || stk_bc_u64(c, &soft, "rlimit") < 0 ||
        stk_bc_u64(c, &hard, "rlimit") < 0)
        return -1;
    if (res >= STK_BUNDLE_RLIMITS)
        return stk_errf(c->e, STEP, "unknown resource limit %u", res);
    if (b->rlimits[res].set)
        return stk_errf(c->e, STEP, "duplicate rlimit %s", stk_rlimit_name(res));
    if (soft > hard)
        return stk_errf(c->e, STEP, "rlimit %s: soft limit %llu exceeds hard limit %llu", stk_rlimit_name(res),
                        (unsigned long long)soft, (unsigned long long)hard);
    b->rlimits[res] = (struct stk_bundle_rlimit){true, soft, hard};
    return 0;
}

static int rec_env_clear(struct stk_bcur *c, struct stk_bundle *b)
{
    return stk_bc_bool(c, &b->env_clear, "env clear record");
}

static int rec_env_keep(struct stk_bcur *c, struct stk_bundle *b)
{
    const char *s;
    if (stk_bc_str(c, &s, STK_BUNDLE_MAX_NAME, true, "env keep") < 0)
        return -1;
    if (!env_name_ok(s))
        return stk_errf(c->e, STEP, "invalid environment variable name \"%s\"", s);
    return stk_bc_push(&b->env_keep, &b->nenv_keep, sizeof s, STK_BUNDLE_MAX_ENV, &s, c->e, "env keep entries");
}

static int rec_env_set(struct stk_bcur *c, struct stk_bundle *b)
{
    struct stk_bundle_env v;
    if (stk_bc_str(c, &v.name, STK_BUNDLE_MAX_NAME, true, "env set") < 0 ||
        stk_bc_str(c, &v.value, STK_BUNDLE_MAX_VALUE, false, "env set") < 0)
        return -1;
    if (!env_name_ok(v.name))
        return stk_errf(c->e, STEP, "invalid environment variable name \"%s\"", v.name);
    return stk_bc_push(&b->env_set, &b->nenv_set, sizeof v, STK_BUNDLE_MAX_ENV, &v, c->e, "env set entries");
}

static int rec_workdir(struct stk_bcur *c, struct stk_bundle *b)
{
    return stk_bc_str(c, &b->workdir, STK_BUNDLE_MAX_PATH, true, "workdir");
}

static int rec_umask(struct stk_bcur *c, struct stk_bundle *b)
{
    if (stk_bc_u32(c, &b->umask, "umask") < 0)
        return -1;
    if (b->umask > 0777)
        return stk_errf(c->e, STEP, "umask %o out of range", b->umask);
    b->umask_set = true;
    return 0;
}

/* Sorts the descriptors and drops repeats. */
static void sort_unique_fds(struct stk_bundle *b, uint32_t n)
{
    if (n)
        qsort(b->keep_fds, n, sizeof *b->keep_fds, cmp_int);
    size_t u = 0;
    for (size_t i = 0; i < n; i++)
        if (u == 0 || b->keep_fds[u - 1] != b->keep_fds[i])
            b->keep_fds[u++] = b->keep_fds[i];
    b->nkeep_fds = u;
}

static int rec_keep_fds(struct stk_bcur *c, struct stk_bundle *b)
{
    uint32_t n;
    if (stk_bc_bool(c, &b->keep_all_fds, "keep_fds") < 0 || stk_bc_zero(c, 3, "keep_fds") < 0 ||
        stk_bc_u32(c, &n, "keep_fds") < 0)
        return -1;
    if (n > STK_BUNDLE_MAX_FDS)
        return stk_errf(c->e, STEP, "too many kept descriptors: %u (limit %u)", n, STK_BUNDLE_MAX_FDS);
    if (b->keep_all_fds && n)
        return stk_errf(c->e, STEP, "keep_fds lists descriptors together with \"all\"");
    if (stk_bc_need(c, (size_t)n * 4, "keep_fds") < 0)
        return -1;
    if (n) {
        b->keep_fds = calloc(n, sizeof *b->keep_fds);
        if (!b->keep_fds)
            return stk_errnof(c->e, STEP, ENOMEM, "decoding keep_fds");
    }
    for (uint32_t i = 0; i < n; i++) {
        uint32_t fd = (uint32_t)stk_bc_le(c->p, 4);
        c->p += 4;
        if (fd > INT_MAX)
            return stk_errf(c->e, STEP, "invalid descriptor number %u in keep_fds", fd);
        b->keep_fds[i] = (int)fd;
    }
    sort_unique_fds(b, n);
    return 0;
}

static int rec_unenforced(struct stk_bcur *c, struct stk_bundle *b)
{
    const char *s;
    if (stk_bc_str(c, &s, STK_BUNDLE_MAX_NAME, true, "unenforced block") < 0)
        return -1;
    return stk_bc_push(&b->unenforced, &b->nunenforced, sizeof s, STK_BUNDLE_MAX_UNENFORCED, &s, c->e,
                       "unenforced blocks");
}

static int rec_quiet(struct stk_bcur *c, struct stk_bundle *b)
{
    uint32_t n;
    if (stk_bc_u32(c, &n, "quiet calls") < 0)
        return -1;
    if (n == 0 || n > STK_BUNDLE_MAX_QUIET)
        return stk_errf(c->e, STEP, "invalid number of quiet calls: %u (1 to %u)", n, STK_BUNDLE_MAX_QUIET);
    if (stk_bc_need(c, (size_t)n * 8, "quiet calls") < 0)
        return -1;
    b->quiet = calloc(n, sizeof *b->quiet);
    if (!b->quiet)
        return stk_errnof(c->e, STEP, ENOMEM, "decoding the quiet calls");
    for (uint32_t i = 0; i < n; i++) {
        b->quiet[i].arch = (uint32_t)stk_bc_le(c->p, 4);
        b->quiet[i].nr = (uint32_t)stk_bc_le(c->p + 4, 4);
        c->p += 8;
    }
    b->nquiet = n;
    return 0;
}

/* The readers of the records below 32, by type; "repeats" marks the types
 * that may occur more than once (every other one is a singleton). */
static const struct {
    int (*read)(struct stk_bcur *c, struct stk_bundle *b);
    bool repeats;
} process_records[32] = {
    [STK_REC_NAME] = {rec_name, false},
    [STK_REC_NO_NEW_PRIVS] = {rec_no_new_privs, false},
    [STK_REC_USER] = {rec_user, false},
    [STK_REC_GROUP] = {rec_group, false},
    [STK_REC_SUPP_GROUPS] = {rec_supp_groups, false},
    [STK_REC_CAPS] = {rec_caps, false},
    [STK_REC_RLIMIT] = {rec_rlimit, true},
    [STK_REC_ENV_CLEAR] = {rec_env_clear, false},
    [STK_REC_ENV_KEEP] = {rec_env_keep, true},
    [STK_REC_ENV_SET] = {rec_env_set, true},
    [STK_REC_WORKDIR] = {rec_workdir, false},
    [STK_REC_UMASK] = {rec_umask, false},
    [STK_REC_KEEP_FDS] = {rec_keep_fds, false},
    [STK_REC_SECCOMP] = {stk_bundle_read_seccomp, false},
    [STK_REC_UNENFORCED] = {rec_unenforced, true},
    [STK_REC_REPORT_QUIET] = {rec_quiet, false},
};

static int read_record(struct stk_bcur *c, uint16_t type, struct stk_bundle *b, uint32_t *seen)
{
    if (type < 32) {
        /* singleton records: a bit per type, also for the unknown ones below 32 */
        if (!process_records[type].repeats) {
            if (*seen & (1u << type))
                return stk_errf(c->e, STEP, "duplicate record of type 0x%04x", type);
            *seen |= 1u << type;
        }
        if (process_records[type].read)
            return process_records[type].read(c, b);
    } else if (type >= STK_REC_ISOLATION_FIRST && type <= STK_REC_ISOLATION_LAST) {
        return stk_bundle_read_isolation(c, type, b);
    } else if (type >= STK_REC_LANDLOCK_FIRST && type <= STK_REC_LANDLOCK_LAST) {
        return stk_bundle_read_landlock(c, type, b);
    } else if (type >= STK_REC_CGROUP_FIRST && type <= STK_REC_CGROUP_LAST) {
        return stk_bundle_read_cgroup(c, type, b);
    } else if (type >= STK_REC_LSM_FIRST && type <= STK_REC_LSM_LAST) {
        return stk_bundle_read_lsm(c, type, b);
    }
    return stk_errf(c->e, STEP, "unknown record type 0x%04x", type);
}

int stk_bundle_read(const void *data, size_t len, struct stk_bundle **out, struct stk_err *e)
{
    *out = NULL;
    const unsigned char *d = data;
    if (len < STK_BUNDLE_HEADER_LEN)
        return stk_errf(e, STEP, "truncated: %zu bytes, shorter than the %u-byte header", len,
                        STK_BUNDLE_HEADER_LEN);
    if (memcmp(d, STK_BUNDLE_MAGIC, STK_BUNDLE_MAGIC_LEN) != 0)
        return stk_errf(e, STEP, "not a stockade bundle (bad magic)");
    uint32_t version = (uint32_t)stk_bc_le(d + 8, 4);
    if (version != STK_BUNDLE_VERSION)
        return stk_errf(e, STEP, "unsupported bundle format version %u (this enforcer reads version %u)", version,
                        STK_BUNDLE_VERSION);
    if (stk_bc_le(d + 12, 4) != 0)
        return stk_errf(e, STEP, "unknown header flags 0x%x", (unsigned)stk_bc_le(d + 12, 4));
    uint64_t total = stk_bc_le(d + 16, 8);
    if (total > STK_BUNDLE_MAX_LEN)
        return stk_errf(e, STEP, "oversized: header says %llu bytes, the limit is %u",
                        (unsigned long long)total, STK_BUNDLE_MAX_LEN);
    if (total > len)
        return stk_errf(e, STEP, "truncated: header says %llu bytes, got %zu", (unsigned long long)total, len);
    if (total < len)
        return stk_errf(e, STEP, "trailing data: header says %llu bytes, got %zu", (unsigned long long)total, len);
    uint32_t nrec = (uint32_t)stk_bc_le(d + 24, 4);
    if (nrec > STK_BUNDLE_MAX_RECORDS)
        return stk_errf(e, STEP, "too many records: %u (limit %u)", nrec, STK_BUNDLE_MAX_RECORDS);
    uint32_t want = (uint32_t)stk_bc_le(d + STK_BUNDLE_CRC_OFFSET, 4);
    static const unsigned char zero4[4];
    uint32_t crc = stk_crc32c(0, d, STK_BUNDLE_CRC_OFFSET);
    crc = stk_crc32c(crc, zero4, 4);
    crc = stk_crc32c(crc, d + STK_BUNDLE_HEADER_LEN, len - STK_BUNDLE_HEADER_LEN);
    if (crc != want)
        return stk_errf(e, STEP, "corrupted: checksum mismatch (CRC-32C 0x%08x, expected 0x%08x)", crc, want);

    struct stk_bundle *b = calloc(1, sizeof *b);
    if (!b)
        return stk_errnof(e, STEP, ENOMEM, "decoding");
    b->version = version;
    b->raw = malloc(len);
    if (!b->raw) {
        free(b);
        return stk_errnof(e, STEP, ENOMEM, "decoding");
    }
    memcpy(b->raw, d, len);

    struct stk_bcur c = {b->raw + STK_BUNDLE_HEADER_LEN, b->raw + len, b->raw, e};
    uint32_t seen = 0;
    for (uint32_t i = 0; i < nrec; i++) {
        uint16_t type, flags;
        uint32_t plen;
        if (stk_bc_u16(&c, &type, "record header") < 0 || stk_bc_u16(&c, &flags, "record header") < 0 ||
            stk_bc_u32(&c, &plen, "record header") < 0)
            goto fail;
        if (flags) {
            stk_errf(e, STEP, "record %u (type 0x%04x) has unknown flags 0x%x", i, type, flags);
            goto fail;
        }
        if (plen > (size_t)(c.end - c.p)) {
            stk_errf(e, STEP, "truncated record %u (type 0x%04x): %u bytes declared, %zu left", i, type, plen,
                     (size_t)(c.end - c.p));
            goto fail;
        }
        struct stk_bcur rc = {c.p, c.p + plen, c.base, e};
        if (read_record(&rc, type, b, &seen) < 0)
            goto fail;
        if (rc.p != rc.end) {
            stk_errf(e, STEP, "record %u (type 0x%04x) has %zu unexpected trailing bytes", i, type,
                     (size_t)(rc.end - rc.p));
            goto fail;
        }
        c.p += plen;
    }
    if (c.p != c.end) {
        stk_errf(e, STEP, "%zu bytes after the last record", (size_t)(c.end - c.p));
        goto fail;
    }
    if (stk_bundle_check_isolation(b, e) < 0 || stk_bundle_check_landlock(b, e) < 0 ||
        stk_bundle_check_cgroup(b, e) < 0 || stk_bundle_check_lsm(b, e) < 0)
        goto fail;
    *out = b;
    return 0;
fail:
    stk_bundle_free(b);
    return -1;
}

int stk_bundle_load(const char *path, struct stk_bundle **out, struct stk_err *e)
{
    *out = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return stk_errnof(e, STEP, errno, "%s", path);
    struct stat st;
    if (fstat(fd, &st) < 0) {
        int err = errno;
        close(fd);
        return stk_errnof(e, STEP, err, "%s", path);
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return stk_errf(e, STEP, "%s: not a regular file", path);
    }
    /* read up to one byte more than the file's size (a file that grows
     * meanwhile is then refused: its header's length no longer matches), at
     * most one byte more than the limit to tell "oversized"; a buffer of the
     * file's size, not of the limit: no 4 MiB mapping at every start */
    size_t cap = STK_BUNDLE_MAX_LEN + 1, len = 0;
    if (st.st_size >= 0 && (uint64_t)st.st_size < STK_BUNDLE_MAX_LEN)
        cap = (size_t)st.st_size + 1;
    unsigned char *buf = malloc(cap);
    if (!buf) {
        close(fd);
        return stk_errnof(e, STEP, ENOMEM, "%s", path);
    }
    for (;;) {
        ssize_t r = read(fd, buf + len, cap - len);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            int err = errno;
            free(buf);
            close(fd);
            return stk_errnof(e, STEP, err, "reading %s", path);
        }
        if (r == 0)
            break;
        len += (size_t)r;
        if (len == cap)
            break;
    }
    close(fd);
    int rc;
    if (len > STK_BUNDLE_MAX_LEN)
        rc = stk_errf(e, STEP, "%s: oversized: more than %u bytes", path, STK_BUNDLE_MAX_LEN);
    else
        rc = stk_bundle_read(buf, len, out, e);
    free(buf);
    return rc;
}

void stk_bundle_free(struct stk_bundle *b)
{
    if (!b)
        return;
    free(b->supp_groups);
    free(b->env_keep);
    free(b->env_set);
    free(b->keep_fds);
    stk_bundle_free_seccomp(b);
    free(b->unenforced);
    free(b->quiet);
    stk_bundle_free_isolation(b);
    stk_bundle_free_landlock(b);
    stk_bundle_free_cgroup(b);
    stk_bundle_free_lsm(b);
    free(b->raw);
    free(b);
}

const char *stk_rlimit_name(unsigned resource)
{
    static const char *const names[STK_BUNDLE_RLIMITS] = {
        "cpu", "fsize", "data", "stack", "core", "rss", "nproc", "nofile",
        "memlock", "as", "locks", "sigpending", "msgqueue", "nice", "rtprio", "rttime",
    };
    return resource < STK_BUNDLE_RLIMITS ? names[resource] : NULL;
}
