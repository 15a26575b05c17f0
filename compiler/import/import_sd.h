/* import_sd.h — what the systemd importer's files share: the mapping state
 * (import_systemd.c: process directives; import_sdmap.c: namespaces,
 * filesystem, cgroup; import_sdsec.c: the seccomp block). */
#ifndef STK_IMPORT_SD_H
#define STK_IMPORT_SD_H

#include "import/import_unit.h"

struct sd_fs {
    int kind; /* SD_FS_* */
    char *path, *dest, *opts;
    bool readonly;
};
enum { SD_FS_READONLY, SD_FS_BIND, SD_FS_TMPFS, SD_FS_MASK };

struct sd_ctx {
    const struct stk_import_opts *o;
    const struct stk_import_sdgroups *groups;
    struct stk_buf *warn;
    struct stk_buf proc, env, notmapped, cgroup;
    bool failed, used_groups;
    /* isolation */
    bool private_network, private_tmp, private_devices;
    int protect_system; /* 0 no, 1 yes, 2 full, 3 strict */
    int protect_home;   /* 0 no, 1 yes, 2 read-only, 3 tmpfs */
    struct sd_fs *fs;
    size_t nfs, capfs;
    /* seccomp */
    struct sd_filter filter;
    int errno_action; /* SystemCallErrorNumber=: -1 unset (kill-process) */
    bool arch_given, abis[STK_ABI_COUNT];
    bool af_given, af_allow;
    char **af;
    size_t naf;
    bool ns_given;
    uint64_t ns_denied; /* CLONE_NEW* flags RestrictNamespaces= refuses */
};

void stk_sd_warn(struct sd_ctx *x, const struct unit_kv *kv, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* true when kv is theirs (mapped, or warned about); x->failed on a hard error. */
bool stk_sd_map_isolation(struct sd_ctx *x, struct unit_kv *kv);
bool stk_sd_map_seccomp(struct sd_ctx *x, struct unit_kv *kv, char *err, size_t errlen);
void stk_sd_write_isolation(struct sd_ctx *x, struct stk_buf *out);
void stk_sd_write_seccomp(struct sd_ctx *x, struct stk_buf *out);
void stk_sd_ctx_free(struct sd_ctx *x);

#endif
