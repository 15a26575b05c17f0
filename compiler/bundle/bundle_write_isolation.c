/* bundle_write_isolation.c — the isolation records of a bundle (common/bundle_isolation.h). */
#include "bundle/bw.h"
#include "bundle_format.h"
#include "bundle_isolation.h"

_Static_assert(STK_BNS_PID == STK_NS_BIT(STK_NS_PID) && STK_BNS_MOUNT == STK_NS_BIT(STK_NS_MOUNT) &&
                   STK_BNS_IPC == STK_NS_BIT(STK_NS_IPC) && STK_BNS_UTS == STK_NS_BIT(STK_NS_UTS) &&
                   STK_BNS_NET == STK_NS_BIT(STK_NS_NET) && STK_BNS_USER == STK_NS_BIT(STK_NS_USER) &&
                   STK_BNS_CGROUP == STK_NS_BIT(STK_NS_CGROUP),
               "namespace bits differ between the IR and the bundle");
_Static_assert((int)STK_BFS_BIND == (int)STK_FS_BIND && (int)STK_BFS_TMPFS == (int)STK_FS_TMPFS &&
                   (int)STK_BFS_PROC == (int)STK_FS_PROC && (int)STK_BFS_DEV == (int)STK_FS_DEV &&
                   (int)STK_BFS_READONLY == (int)STK_FS_READONLY && (int)STK_BFS_MASK == (int)STK_FS_MASK,
               "filesystem kinds differ between the IR and the bundle");
_Static_assert(STK_IDMAP_MAX == STK_BIDMAP_MAX && STK_FS_MAX_ENTRIES == STK_BMOUNT_MAX, "limits differ");

static void write_map(struct stk_bwriter *w, uint16_t type, const struct stk_idmap_ir *m, size_t n)
{
    stk_bw_begin(w, type);
    stk_bw_u32(w, (uint32_t)n);
    for (size_t i = 0; i < n; i++) {
        stk_bw_u32(w, m[i].inside);
        stk_bw_u32(w, m[i].outside_caller ? 0 : m[i].outside);
        stk_bw_u32(w, m[i].count);
        stk_bw_u32(w, m[i].outside_caller ? STK_BIDMAP_CALLER : 0);
    }
    stk_bw_end(w);
}

void stk_bundle_write_isolation(struct stk_bwriter *w, const struct stk_policy_ir *ir)
{
    const struct stk_isolation_ir *x = &ir->iso;
    if (!x->present)
        return;
    stk_bw_begin(w, STK_REC_NAMESPACES);
    stk_bw_u32(w, x->ns);
    stk_bw_u32(w, x->pid_init_none ? STK_BNSF_INIT_NONE : 0);
    stk_bw_end(w);
    if (x->hostname)
        stk_bw_rec_str(w, STK_REC_HOSTNAME, x->hostname);
    if (x->uidmap)
        write_map(w, STK_REC_UIDMAP, x->uidmap, x->nuidmap);
    if (x->gidmap)
        write_map(w, STK_REC_GIDMAP, x->gidmap, x->ngidmap);
    if (!x->fs)
        return;
    stk_bw_rec_str(w, STK_REC_FILESYSTEM, x->root ? x->root : "");
    for (size_t i = 0; i < x->nfs; i++) {
        const struct stk_fs_entry *e = &x->fs_entries[i];
        stk_bw_begin(w, STK_REC_MOUNT);
        stk_bw_u8(w, (uint8_t)e->kind);
        bool owned = e->kind == STK_FS_TMPFS && (e->owner || e->group);
        stk_bw_u8(w, (uint8_t)((e->readonly ? STK_BFSF_READONLY : 0) | (e->mode_set ? STK_BFSF_MODE : 0) |
                               (owned ? STK_BFSF_OWNER : 0)));
        stk_bw_u16(w, 0);
        stk_bw_u32(w, e->mode_set ? e->mode : 0);
        stk_bw_u64(w, e->size);
        stk_bw_str(w, e->kind == STK_FS_BIND ? e->src : "");
        stk_bw_str(w, e->path);
        if (owned) {
            stk_bw_str(w, e->owner ? e->owner : "");
            stk_bw_str(w, e->group ? e->group : "");
        }
        stk_bw_end(w);
    }
}
