/* import_caps.c — the capability set a profile is resolved for (--caps). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>

#include "import/import.h"

/* moby's oci/caps/defaults.go: what a container gets without --cap-add. */
const char *const stk_import_docker_caps[] = {
    "CAP_CHOWN",  "CAP_DAC_OVERRIDE", "CAP_FSETID",           "CAP_FOWNER",     "CAP_MKNOD",
    "CAP_NET_RAW", "CAP_SETGID",      "CAP_SETUID",           "CAP_SETFCAP",    "CAP_SETPCAP",
    "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL",     "CAP_AUDIT_WRITE",
};
const size_t stk_import_docker_ncaps = sizeof stk_import_docker_caps / sizeof stk_import_docker_caps[0];

static bool one_cap(const char *name, uint64_t *caps)
{
    char low[64];
    size_t n = strlen(name);
    if (n == 0 || n + 5 > sizeof low)
        return false;
    for (size_t i = 0; i <= n; i++)
        low[i] = (char)tolower((unsigned char)name[i]);
    char full[72];
    snprintf(full, sizeof full, "%s%s", strncmp(low, "cap_", 4) == 0 ? "" : "cap_", low);
    cap_value_t c;
    if (cap_from_name(full, &c) != 0 || c < 0 || c > 63)
        return false;
    /* cap_from_name also takes numbers: insist on a name */
    if (isdigit((unsigned char)low[0]))
        return false;
    *caps |= 1ull << c;
    return true;
}

bool stk_import_parse_caps(const char *list, uint64_t *caps, char *err, size_t errlen)
{
    *caps = 0;
    char *copy = stk_xstrdup(list), *save = NULL;
    bool ok = true;
    for (char *t = strtok_r(copy, ", ", &save); t && ok; t = strtok_r(NULL, ", ", &save)) {
        if (strcmp(t, "docker-default") == 0 || strcmp(t, "default") == 0) {
            for (size_t i = 0; i < stk_import_docker_ncaps; i++)
                one_cap(stk_import_docker_caps[i], caps);
        } else if (strcmp(t, "none") == 0) {
            continue;
        } else if (!one_cap(t, caps)) {
            snprintf(err, errlen, "unknown capability '%.60s'", t);
            ok = false;
        }
    }
    free(copy);
    return ok;
}
