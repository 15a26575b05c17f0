/* identity.c — user/group names to ids (resolved before anything changes),
 * then supplementary groups, setresgid, setresuid.
 *
 * Names are looked up in /etc/passwd and /etc/group, parsed here: the static
 * build/stockade-exec cannot use glibc's NSS safely (a static glibc dlopens
 * the host's NSS modules, which are linked against the shared glibc; with
 * nss_systemd that crashes).  `stockade run` (dynamic) also asks NSS
 * (getpwnam_r/getgrnam_r) for names the files do not have, when the caller
 * sets stk_identity_use_nss.  Numeric ids always work. */
#include "steps/steps.h"

#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#define STEP "identity"

/* Decimal id without sign or spaces, below (id_t)-1. */
static bool parse_id(const char *s, uint32_t *out)
{
    if (!*s)
        return false;
    uint64_t v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
        v = v * 10 + (uint64_t)(*p - '0');
        if (v >= UINT32_MAX)
            return false;
    }
    *out = (uint32_t)v;
    return true;
}

bool stk_identity_use_nss;

/* Look a name (or, for passwd, a uid) up in an /etc file: fields split on ':'.
 * passwd: name:pw:uid:gid:...  group: name:pw:gid:...
 * Returns 0 found, ENOENT not found, or an errno. */
static int files_lookup(const char *file, const char *name, bool by_id, uint32_t id, uint32_t *id_out,
                        uint32_t *gid_out)
{
    FILE *f = fopen(file, "re");
    if (!f)
        return errno == ENOENT ? ENOENT : errno;
    char *line = NULL;
    size_t cap = 0;
    int r = ENOENT;
    while (getline(&line, &cap, f) > 0) {
        char *fields[4] = {0};
        char *p = line;
        int n = 0;
        while (n < 4) {
            fields[n++] = p;
            char *c = strchr(p, ':');
            if (!c)
                break;
            *c = '\0';
            p = c + 1;
        }
        if (n < 3 || fields[0][0] == '+' || fields[0][0] == '-')
            continue; /* malformed, or NIS compat entries */
        char *nl = strchr(fields[n - 1], '\n');
        if (nl)
            *nl = '\0';
        uint32_t v, g = 0;
        if (!parse_id(fields[2], &v))
            continue;
        if (gid_out && (n < 4 || !parse_id(fields[3], &g)))
            continue;
        if (by_id ? v != id : strcmp(fields[0], name) != 0)
            continue;
        *id_out = v;
        if (gid_out)
            *gid_out = g;
        r = 0;
        break;
    }
    int err = ferror(f) ? EIO : 0;
    free(line);
    fclose(f);
    return r == 0 ? 0 : err ? err : ENOENT;
}

/* A lookup through NSS with the reentrant calls, the buffer doubled while it
 * is too small: a group by name (uid_out unused), or a user by name or uid
 * (gid_out gets the primary group).  Returns 0 found, ENOENT not found, or an
 * errno. */
static int nss_lookup(bool group, const char *name, bool by_uid, uid_t uid, uid_t *uid_out, gid_t *gid_out)
{
    size_t len = 16384;
    char *buf = malloc(len);
    for (;;) {
        if (!buf)
            return ENOMEM;
        struct passwd pw, *pw_res = NULL;
        struct group gr, *gr_res = NULL;
        int r;
        if (group)
            r = getgrnam_r(name, &gr, buf, len, &gr_res);
        else
            r = by_uid ? getpwuid_r(uid, &pw, buf, len, &pw_res) : getpwnam_r(name, &pw, buf, len, &pw_res);
        if (r == ERANGE && len < (1u << 24)) {
            len *= 2;
            char *nb = realloc(buf, len);
            if (!nb)
                free(buf);
            buf = nb;
            continue;
        }
        bool found = r == 0 && (group ? gr_res != NULL : pw_res != NULL);
        if (found && group) {
            *gid_out = gr.gr_gid;
        } else if (found) {
            *uid_out = pw.pw_uid;
            *gid_out = pw.pw_gid;
        }
        free(buf);
        return r ? r : found ? 0 : ENOENT;
    }
}

/* Returns 0 found, ENOENT not found, or an errno. */
static int find_user(const char *name, bool by_uid, uid_t uid, uid_t *uid_out, gid_t *gid_out)
{
    uint32_t u, g;
    int r = files_lookup("/etc/passwd", name, by_uid, (uint32_t)uid, &u, &g);
    if (r == 0) {
        *uid_out = (uid_t)u;
        *gid_out = (gid_t)g;
        return 0;
    }
    if (r == ENOENT && stk_identity_use_nss)
        return nss_lookup(false, name, by_uid, uid, uid_out, gid_out);
    return r;
}

static int find_group(const char *name, gid_t *gid_out)
{
    uint32_t g;
    int r = files_lookup("/etc/group", name, false, 0, &g, NULL);
    if (r == 0) {
        *gid_out = (gid_t)g;
        return 0;
    }
    if (r == ENOENT && stk_identity_use_nss)
        return nss_lookup(true, name, false, 0, NULL, gid_out);
    return r;
}

static int resolve_group(const char *name, gid_t *gid, struct stk_err *e)
{
    uint32_t v;
    if (parse_id(name, &v)) {
        *gid = (gid_t)v;
        return 0;
    }
    int r = find_group(name, gid);
    if (r == ENOENT)
        return stk_errf(e, STEP, "unknown group \"%s\"", name);
    if (r)
        return stk_errnof(e, STEP, r, "looking up group \"%s\"", name);
    return 0;
}

/* A tmpfs owner: user and group as the `user`/`group` statements take them
 * (a group omitted: the user's primary group; user NULL: uid stays -1). */
int stk_identity_owner(const char *user, const char *group, uid_t *uid, gid_t *gid, const char *what,
                       struct stk_err *e)
{
    *uid = (uid_t)-1;
    *gid = (gid_t)-1;
    gid_t primary = (gid_t)-1;
    if (user) {
        uint32_t v;
        int r = parse_id(user, &v) ? find_user(NULL, true, (uid_t)v, uid, &primary)
                                   : find_user(user, false, 0, uid, &primary);
        if (r == ENOENT && !parse_id(user, &v))
            return stk_errf(e, STEP, "%s: unknown user \"%s\"", what, user);
        if (r == ENOENT) {
            *uid = (uid_t)v;
            if (!group)
                return stk_errf(e, STEP, "%s: uid %s has no passwd entry to take a primary group from; give a group",
                                what, user);
        } else if (r) {
            return stk_errnof(e, STEP, r, "%s: looking up user \"%s\"", what, user);
        }
    }
    if (group) {
        uint32_t v;
        if (parse_id(group, &v)) {
            *gid = (gid_t)v;
            return 0;
        }
        int r = find_group(group, gid);
        if (r == ENOENT)
            return stk_errf(e, STEP, "%s: unknown group \"%s\"", what, group);
        if (r)
            return stk_errnof(e, STEP, r, "%s: looking up group \"%s\"", what, group);
        return 0;
    }
    *gid = primary;
    return 0;
}

int stk_identity_resolve(const struct stk_bundle *b, struct stk_ids *ids, struct stk_err *e)
{
    memset(ids, 0, sizeof *ids);
    gid_t user_gid = 0;
    bool have_user_gid = false;
    if (b->user) {
        uint32_t v;
        int r;
        if (parse_id(b->user, &v)) {
            ids->uid = (uid_t)v;
            r = find_user(NULL, true, (uid_t)v, &ids->uid, &user_gid);
        } else {
            r = find_user(b->user, false, 0, &ids->uid, &user_gid);
            if (r == ENOENT)
                return stk_errf(e, STEP, "unknown user \"%s\"", b->user);
        }
        if (r == 0)
            have_user_gid = true;
        else if (r != ENOENT)
            return stk_errnof(e, STEP, r, "looking up user \"%s\"", b->user);
        ids->set_uid = true;
    }
    if (b->group) {
        if (resolve_group(b->group, &ids->gid, e) < 0)
            return -1;
        ids->set_gid = true;
    } else if (b->user) {
        if (!have_user_gid)
            return stk_errf(e, STEP, "uid %s has no passwd entry to take a primary group from; give a group",
                            b->user);
        ids->gid = user_gid;
        ids->set_gid = true;
    }
    if (b->supp_set) {
        if (b->nsupp) {
            ids->groups = calloc(b->nsupp, sizeof *ids->groups);
            if (!ids->groups)
                return stk_errnof(e, STEP, ENOMEM, "resolving supplementary groups");
        }
        for (size_t i = 0; i < b->nsupp; i++)
            if (resolve_group(b->supp_groups[i], &ids->groups[i], e) < 0)
                return -1;
        ids->ngroups = b->nsupp;
        ids->set_groups = true;
    } else if (ids->set_uid) {
        /* a changed user gets no supplementary groups the policy does not list */
        uid_t r, eu, s;
        if (getresuid(&r, &eu, &s) < 0)
            return stk_errnof(e, STEP, errno, "getresuid");
        if (r != ids->uid || eu != ids->uid || s != ids->uid)
            ids->set_groups = true;
    }
    return 0;
}

int stk_identity_apply(const struct stk_ids *ids, struct stk_err *e)
{
    if (ids->set_groups && setgroups(ids->ngroups, ids->groups) < 0)
        return stk_errnof(e, STEP, errno, "setgroups");
    if (ids->set_gid && setresgid(ids->gid, ids->gid, ids->gid) < 0)
        return stk_errnof(e, STEP, errno, "setresgid(%u)", (unsigned)ids->gid);
    if (ids->set_uid) {
        /* keep the permitted set across the change; caps.c then reduces it to the policy's */
        if (prctl(PR_SET_KEEPCAPS, 1L, 0L, 0L, 0L) < 0)
            return stk_errnof(e, STEP, errno, "prctl(PR_SET_KEEPCAPS)");
        if (setresuid(ids->uid, ids->uid, ids->uid) < 0)
            return stk_errnof(e, STEP, errno, "setresuid(%u)", (unsigned)ids->uid);
        if (prctl(PR_SET_KEEPCAPS, 0L, 0L, 0L, 0L) < 0)
            return stk_errnof(e, STEP, errno, "prctl(PR_SET_KEEPCAPS)");
    }
    /* verify: all three ids really are what the policy says */
    uid_t ru, eu, su;
    gid_t rg, eg, sg;
    if (getresuid(&ru, &eu, &su) < 0 || getresgid(&rg, &eg, &sg) < 0)
        return stk_errnof(e, STEP, errno, "reading back the ids");
    if (ids->set_uid && (ru != ids->uid || eu != ids->uid || su != ids->uid))
        return stk_errf(e, STEP, "uid change did not take effect");
    if (ids->set_gid && (rg != ids->gid || eg != ids->gid || sg != ids->gid))
        return stk_errf(e, STEP, "gid change did not take effect");
    return 0;
}

void stk_identity_free(struct stk_ids *ids)
{
    free(ids->groups);
    ids->groups = NULL;
}
