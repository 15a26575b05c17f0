/* import.h — `stockade import`: other formats into policy text.
 *
 *   stk_import_oci      an OCI runtime-spec linux.seccomp object or a Docker
 *                       seccomp profile (JSON) into a policy whose compiled
 *                       filter means what libseccomp makes of the profile
 *                       (import_oci.c reads, import_rules.c resolves,
 *                       import_write.c writes);
 *   stk_import_systemd  the hardening directives of a systemd unit or
 *                       drop-in into a policy (import_systemd.c).
 *
 * Both return 0 with the policy text in *out, or -1 with one message in err
 * (nothing written to *out).  Warnings (what was approximated or left out)
 * are added to *warn, one line each, without a trailing newline. */
#ifndef STK_IMPORT_H
#define STK_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "syscalls.h"
#include "util.h"

/* Docker's default capability set (moby's oci/caps/defaults.go). */
extern const char *const stk_import_docker_caps[];
extern const size_t stk_import_docker_ncaps;

struct stk_import_opts {
    const char *source;      /* the input's name, for comments */
    const char *policy_name; /* NULL: derived from source */
    enum stk_abi abi;        /* --arch: the machine the profile is resolved for */
    uint64_t caps;           /* --caps: bit n = capability n */
    unsigned kmajor, kminor; /* --kernel (or the running kernel) for minKernel */
    const char *kernel_from; /* "--kernel" or "the running kernel", for comments */
};

/* Capability list "CAP_A,cap_b,docker-default" into bits; false with err on
 * an unknown name. */
bool stk_import_parse_caps(const char *list, uint64_t *caps, char *err, size_t errlen);

int stk_import_oci(const char *json, size_t len, const struct stk_import_opts *o, struct stk_buf *out,
                   struct stk_buf *warn, char *err, size_t errlen);

/* systemd's @groups as `systemd-analyze syscall-filter` prints them. */
struct stk_import_sdgroup {
    char *name;   /* "@system-service" */
    char **members; /* names and @groups, as listed */
    size_t nmembers;
};
struct stk_import_sdgroups {
    char *version; /* "systemd 252 (252.38-1~deb12u1)", or NULL */
    struct stk_import_sdgroup *g;
    size_t n;
};
/* Parse the output of `systemd-analyze syscall-filter`; false if it holds no group. */
bool stk_import_sdgroups_parse(const char *text, struct stk_import_sdgroups *out);
void stk_import_sdgroups_free(struct stk_import_sdgroups *g);

/* groups may be NULL: a SystemCallFilter= naming an @group is then refused. */
int stk_import_systemd(const char *text, size_t len, const struct stk_import_opts *o,
                       const struct stk_import_sdgroups *groups, struct stk_buf *out, struct stk_buf *warn,
                       char *err, size_t errlen);

#endif
