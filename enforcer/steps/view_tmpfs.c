/* view_tmpfs.c — who owns a policy's tmpfs (`tmpfs PATH owner U group G`).
 *
 * The names are looked up before the view changes anything (a later entry
 * may mask or mount over /etc); the new tmpfs's root is given to them right
 * after it is attached in the command's private namespace, before anything
 * is mounted under it and before the command exists, with the enforcer's
 * privileges.  A caller that cannot give the directory away (no CAP_CHOWN
 * in its user namespace, an id the namespace does not map) is refused: the
 * command would otherwise start with a directory it cannot write. */
#include "steps/view.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "steps/steps.h"

int stk_view_resolve_owners(struct stk_view *v)
{
    const struct stk_bundle_isolation *x = v->x;
    for (size_t i = 0; i < x->nmounts; i++) {
        const struct stk_bundle_mount *m = &x->mounts[i];
        if (m->kind != STK_BFS_TMPFS || (!m->owner && !m->group))
            continue;
        if (!v->owner) {
            v->owner = calloc(x->nmounts, sizeof *v->owner);
            if (!v->owner)
                return stk_view_err(v, ENOMEM, m, "owner");
        }
        char what[STK_BUNDLE_MAX_PATH + 16];
        snprintf(what, sizeof what, "tmpfs %s", m->path);
        if (stk_identity_owner(m->owner, m->group, &v->owner[i].uid, &v->owner[i].gid, what, v->e) < 0)
            return -1;
        v->owner[i].set = true;
    }
    return 0;
}

/* the done step of a tmpfs: its owner, then it is one of ours */
int stk_view_tmpfs_done(struct stk_view *v, int mnt, const struct stk_bundle_mount *m)
{
    size_t i = (size_t)(m - v->x->mounts);
    if (v->owner && v->owner[i].set) {
        uid_t uid = v->owner[i].uid;
        gid_t gid = v->owner[i].gid;
        if (fchownat(mnt, "", uid, gid, AT_EMPTY_PATH) < 0) {
            int err = errno;
            char ids[64];
            snprintf(ids, sizeof ids, "%d:%d", uid == (uid_t)-1 ? -1 : (int)uid, gid == (gid_t)-1 ? -1 : (int)gid);
            if (err == EINVAL)
                return stk_view_err(v, err, m,
                                    "cannot give it to %s: an id the user namespace does not map (see uidmap, gidmap)",
                                    ids);
            if (err == EPERM)
                return stk_view_err(v, err, m,
                                    "cannot give it to %s: the caller lacks CAP_CHOWN (an unprivileged caller can "
                                    "only give it to itself, or map the ids with a user namespace)",
                                    ids);
            return stk_view_err(v, err, m, "chown to %s", ids);
        }
    }
    return stk_view_remember(v, mnt, m);
}
