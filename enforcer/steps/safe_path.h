/* safe_path.h — open a path a policy names without following symbolic links
 * the confined command could have planted (docs/enforcer.md, "Paths the
 * policy names").  Used for the Landlock rule paths (landlock.c), the bind
 * sources and the `root` of a jail (view.c).  Internal to the enforcer. */
#ifndef STK_SAFE_PATH_H
#define STK_SAFE_PATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct stk_ids;

/* Who could have written a link: the command's ids, as seen in the
 * namespace the path is looked up from, and whether its capabilities let it
 * write any file (privileged: then every link it can reach is suspect). */
struct stk_writer {
    uid_t uid;
    gid_t gid;
    gid_t *groups; /* owned */
    size_t ngroups;
    bool privileged;
};

/* The command's ids after the identity step (ids: what stk_identity_apply
 * will set; the process's own ids where it sets nothing) and the
 * capabilities it keeps (caps.c's keep set).  0, or -1 with errno. */
int stk_safe_writer_of(struct stk_writer *w, const struct stk_ids *ids, uint64_t keep);
/* The calling process itself: effective ids, groups, effective capabilities. */
int stk_safe_writer_self(struct stk_writer *w);
void stk_safe_writer_free(struct stk_writer *w);
/* Capabilities that let a process write files it does not own or take
 * another identity: with any of them a writer counts as privileged. */
bool stk_safe_writer_caps_privileged(uint64_t caps);

/* Open path (absolute; resolved inside rootfd as if it were /, so neither
 * ".." nor an absolute link leads above it) as O_PATH|O_CLOEXEC, one
 * component at a time.  A symbolic link is followed only when w cannot have
 * written it: w does not own it, and cannot write the directory it lies in
 * (or that directory is sticky and w owns neither it nor the link); and, in
 * a sticky directory others may write, the link belongs to the directory's
 * owner or to the calling process (fs.protected_symlinks, always).  The
 * merged-/usr links of the root directory (bin, sbin, lib, lib32, lib64,
 * libx32 -> usr/NAME) are always followed: they lead where the distribution
 * puts them whoever made them.  w NULL follows every link.
 * Returns the descriptor, or -1 with errno set; when a link is refused,
 * errno is EPERM and why (if not NULL) says which link, where it leads and
 * why it was refused (never empty then; "" for every other error). */
int stk_safe_open(int rootfd, const char *path, const struct stk_writer *w, char *why, size_t whylen);

/* Open path for writing, creating it (mode) if missing (flags: besides
 * O_CREAT), for output the caller asked for (--report=FILE): its directory
 * is resolved as by stk_safe_open (a relative path from the working
 * directory), a link at its last component is judged the same way and its
 * target resolved by the same walk, for the whole chain; the file is opened
 * O_NOFOLLOW in the directory held open (on procfs the kernel follows the
 * last, magic link: /dev/stderr).  It must be a regular file with one name,
 * a character device (outside /dev only if w is not privileged) or reached
 * through procfs; a FIFO is refused without blocking.  -1 with errno (EPERM
 * and why for a refused link or file). */
int stk_safe_create(const char *path, int flags, mode_t mode, const struct stk_writer *w, char *why, size_t whylen);

#endif
