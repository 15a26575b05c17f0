/* identity.c — user/group names to ids (resolved before anything changes),
 * then supplementary groups, setresgid, setresuid.
 *
 * Names (and ids, for a user's primary group or `stockade learn`'s names)
 * are looked up in /etc/passwd and /etc/group, parsed here; what the files
 * lack is asked of the host's name services through its getent program
 * (identity_getent.c), never through glibc's NSS in this process: both
 * programs are static, and a static glibc cannot load the host's NSS
 * modules safely (they are linked against the shared glibc; nss_systemd
 * crashes it).  A failed lookup (getent missing, hung, or printing
 * something else than the entry asked for) is an error, never a guess.
 * Numeric ids always work without a lookup. */
#include "steps/steps.h"

#include <errno.h>
#include <grp.h> /* setgroups */
#include <limits.h>
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

/* Look a name (or an id) up in an /etc file: fields split on ':'.
 * passwd: name:pw:uid:gid:...  group: name:pw:gid:...
 * Returns 0 found (ent filled), 1 not found, -1 with e filled. */
static int files_lookup(bool group, const char *name, bool by_id, uint32_t id, struct stk_identity_entry *ent,
                        struct stk_err *e)
{
    const char *file = group ? "/etc/group" : "/etc/passwd";
    FILE *f = fopen(file, "re");
    if (!f)
        return errno == ENOENT ? 1 : stk_errnof(e, STEP, errno, "%s", file);
    char *line = NULL;
    size_t cap = 0;
    int r = 1;
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
        if (!group && (n < 4 || !parse_id(fields[3], &g)))
            continue;
        if (by_id ? v != id : strcmp(fields[0], name) != 0)
            continue;
        /* a name too long to keep is kept as none, never cut (it could be another's) */
        snprintf(ent->name, sizeof ent->name, "%s", strlen(fields[0]) < sizeof ent->name ? fields[0] : "");
        ent->id = v;
        ent->gid = g;
        r = 0;
        break;
    }
    if (r && ferror(f))
        r = stk_errnof(e, STEP, EIO, "reading %s", file);
    free(line);
    fclose(f);
    return r;
}

/* The files, then the host's name services.  0 found, 1 not found, -1 error. */
static int find(bool group, const char *name, bool by_id, uint32_t id, struct stk_identity_entry *ent,
                struct stk_err *e)
{
    int r = files_lookup(group, name, by_id, id, ent, e);
    if (r == 1)
        r = stk_identity_getent(&stk_identity_getent_host, group, name, by_id, id, ent, e);
    return r;
}

int stk_identity_name(bool group, uint32_t id, char *name, size_t cap, struct stk_err *e)
{
    struct stk_identity_entry ent;
    int r = find(group, NULL, true, id, &ent, e);
    if (r == 0 && (!ent.name[0] || strlen(ent.name) >= cap)) /* never its first bytes: another name */
        return stk_errf(e, STEP, "the name of %s %u is too long", group ? "gid" : "uid", (unsigned)id);
    if (r == 0)
        snprintf(name, cap, "%s", ent.name);
    return r;
}

/* A user by name, or by uid when the name is a number: 0 found (uid and
 * primary gid), 1 not found, -1 error.  A number needs no lookup when the
 * primary group is not wanted (need_gid false): 1 at once. */
static int find_user(const char *user, bool need_gid, uid_t *uid, gid_t *gid, struct stk_err *e)
{
    struct stk_identity_entry ent;
    uint32_t v;
    bool by_id = parse_id(user, &v);
    if (by_id && !need_gid)
        return 1;
    int r = find(false, user, by_id, by_id ? v : 0, &ent, e);
    if (r == 0) {
        *uid = (uid_t)ent.id;
        *gid = (gid_t)ent.gid;
    }
    return r;
}

/* A group by name; a number is the gid itself. */
static int find_group(const char *name, gid_t *gid, struct stk_err *e)
{
    uint32_t v;
    if (parse_id(name, &v)) {
        *gid = (gid_t)v;
        return 0;
    }
    struct stk_identity_entry ent;
    int r = find(true, name, false, 0, &ent, e);
    if (r == 0)
        *gid = (gid_t)ent.id;
    return r;
}

static int resolve_group(const char *name, gid_t *gid, struct stk_err *e)
{
    int r = find_group(name, gid, e);
    if (r == 1)
        return stk_errf(e, STEP, "unknown group \"%s\"", name);
    return r;
}

/* The error of a lookup, prefixed with what it was for. */
static int with_what(struct stk_err *e, const char *what)
{
    char msg[sizeof e->msg];
    memcpy(msg, e->msg, sizeof msg);
    return stk_errf(e, STEP, "%s: %s", what, msg);
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
        int r = find_user(user, !group, uid, &primary, e);
        if (r < 0)
            return with_what(e, what);
        if (r == 1 && !parse_id(user, &v))
            return stk_errf(e, STEP, "%s: unknown user \"%s\"", what, user);
        if (r == 1) {
            *uid = (uid_t)v;
            if (!group)
                return stk_errf(e, STEP, "%s: uid %s has no passwd entry to take a primary group from; give a group",
                                what, user);
        }
    }
    if (group) {
        int r = find_group(group, gid, e);
        if (r < 0)
            return with_what(e, what);
        if (r == 1)
            return stk_errf(e, STEP, "%s: unknown group \"%s\"", what, group);
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
        int r = find_user(b->user, !b->group, &ids->uid, &user_gid, e);
        if (r < 0)
            return -1;
        if (r == 1 && !parse_id(b->user, &v))
            return stk_errf(e, STEP, "unknown user \"%s\"", b->user);
        if (r == 1)
            ids->uid = (uid_t)v; /* a uid without an entry: fine with a group */
        have_user_gid = r == 0;
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
