#!/usr/bin/env bash
# view_devices.sh — the second review of the filesystem view (issue #10,
# items 1, 5, 14): bound device nodes and /dev/null masks are read-only
# mounts (chmod inside cannot change the host's node), device nodes the
# command makes on a writable bind or in a jail do not work, every procfs
# in the view is hardened (not only the ones the view mounts), the view's
# setup fails closed, and a uid-only-squash caller whose gid is 0 still runs.
# Nothing here touches the host's /dev: the "host's" /dev/null the view
# binds is a node of our own, bound over /dev/null in a private mount
# namespace (unshare -m); knobs are only opened O_WRONLY and closed.
set -u
B=${STK_BUILD:-build}
STK=$(realpath "$B/stockade")
PROBE=$(realpath "$B/tests/helpers/probe")
EXAMPLES=$(realpath policies/examples)
# not under /tmp: the views below mount a tmpfs there
. "$(dirname "$0")/lib.sh"
itest_tmp /var/tmp/stk-dev-XXXXXX

for f in "$STK" "$PROBE"; do
    [ -x "$f" ] || { echo "FAIL setup: $f not built"; exit 1; }
done
if [ "$(id -u)" -ne 0 ]; then
    skip view_devices "needs root (the escapes need a root caller)"
    exit 0
fi
if ! unshare -m --propagation private true 2>/dev/null; then
    skip view_devices "unshare -m does not work here"
    exit 0
fi

pol() { # name, body: a policy file $T/name.stk
    printf 'policy %s {\n%s\n}\n' "$1" "$2" >"$T/$1.stk"
    chmod 644 "$T/$1.stk"
}
null_ctime=$(stat -c %Z /dev/null)

# a static probe for the jails (the jail has no libraries)
J=$T/jail
mkdir -p "$J/bin" "$J/proc" "$J/dev" "$J/tmp" "$J/mnt/proc" "$J/mnt/sys" "$J/nodes"
STATIC=0
if ${CC:-cc} -static -O1 -D_GNU_SOURCE -o "$J/bin/probe" tests/helpers/probe.c 2>"$T/cc.log"; then
    STATIC=1
fi

# ---- F5: bound nodes and masks are read-only mounts ---------------------------------------
# In a private mount namespace: our own null device node (on a tmpfs of
# ours) is bound over /dev/null, so the view's "host /dev/null" is it.
mkdir -p "$T/fake"
# (without `readonly /`: that made the host's /dev read-only before the
# nodes were cloned, hiding the bug)
# A bind of a single device node is a read-only mount too (device I/O
# does not need a writable one).
pol nodes "    namespaces pid, mount
    filesystem {
        proc /proc
        dev minimal
        tmpfs /tmp
        tmpfs /run
        bind /dev/null /run/null
    }"
out=$(unshare -m --propagation private sh -c "mount -t tmpfs -o size=64k,mode=755 stk-fake '$T/fake' \
    && mknod -m 666 '$T/fake/null' c 1 3 && mount --bind '$T/fake/null' /dev/null \
    && '$STK' run '$T/nodes.stk' -- '$PROBE' chmod /dev/null 000 chmod /proc/keys 000 chmod /run/null 000 \
        write /dev/null write /run/null read /dev/zero; echo rc=\$?; echo fake=\$(stat -c %a '$T/fake/null')" 2>&1)
if has "$out" "rc=0" && has "$out" "chmod /dev/null: errno=30" && has "$out" "chmod /proc/keys: errno=30" \
    && has "$out" "chmod /run/null: errno=30" && has "$out" "write /dev/null: ok" && has "$out" "write /run/null: ok" \
    && has "$out" "read /dev/zero: 4096 bytes" && has "$out" "fake=666"; then
    pass bound_nodes_and_masks_read_only
else
    fail bound_nodes_and_masks_read_only "$out"
fi
# the same in a jail, run as the host's root (the review's case)
if [ $STATIC -eq 1 ]; then
    pol jailnodes "    namespaces pid, mount
    filesystem {
        root $J
        proc /proc
        dev minimal
        tmpfs /tmp
    }"
    out=$(unshare -m --propagation private sh -c "mount -t tmpfs -o size=64k,mode=755 stk-fake '$T/fake' \
        && mknod -m 666 '$T/fake/null' c 1 3 && mount --bind '$T/fake/null' /dev/null \
        && '$STK' run '$T/jailnodes.stk' -- /bin/probe chmod /dev/null 000 chmod /proc/keys 000 write /dev/null; \
        echo rc=\$?; echo fake=\$(stat -c %a '$T/fake/null')" 2>&1)
    if has "$out" "rc=0" && has "$out" "chmod /dev/null: errno=30" && has "$out" "chmod /proc/keys: errno=30" \
        && has "$out" "write /dev/null: ok" && has "$out" "fake=666"; then
        pass jail_bound_nodes_read_only
    else
        fail jail_bound_nodes_read_only "$out"
    fi
else
    skip jail_bound_nodes_read_only "no static C toolchain: $(head -1 "$T/cc.log")"
fi

# ---- F2: no working device node on a writable bind, nor in a jail ---------------------------
mkdir -p "$T/rw"
pol bindnodev "    namespaces mount
    capabilities { keep mknod }
    filesystem {
        readonly /
        dev minimal
        tmpfs /tmp
        tmpfs /run
        bind $T/rw $T/rw
        bind /dev /run/hostdev
        bind /dev/null /run/null
    }"
# 1:3 is the null device: harmless even if the open succeeded
out=$("$STK" run "$T/bindnodev.stk" -- "$PROBE" mknod "$T/rw/k" 1 3 openw "$T/rw/k" write "$T/rw/f" \
    write /run/hostdev/null write /run/null 2>&1); rc=$?
if [ $rc -eq 0 ] && has "$out" "mknod $T/rw/k: ok" && has "$out" "openw $T/rw/k: errno=13" \
    && has "$out" "write $T/rw/f: ok" && has "$out" "write /run/hostdev/null: ok" && has "$out" "write /run/null: ok"; then
    pass writable_bind_nodev
else
    fail writable_bind_nodev "rc=$rc: $out"
fi
rm -f "$T/rw/k" "$T/rw/f"
if [ $STATIC -eq 1 ]; then
    mknod -m 666 "$J/nodes/null" c 1 3
    pol jailnodev "    namespaces pid, mount
    filesystem {
        root $J
        proc /proc
        tmpfs /tmp
    }"
    out=$("$STK" run "$T/jailnodev.stk" -- /bin/probe openw /nodes/null 2>&1); rc=$?
    if [ $rc -eq 0 ] && has "$out" "openw /nodes/null: errno=13"; then
        pass jail_tree_nodev
    else
        fail jail_tree_nodev "rc=$rc: $out"
    fi
    rm -f "$J/nodes/null"
else
    skip jail_tree_nodev "no static probe"
fi

# ---- F3: every procfs of the view is hardened ----------------------------------------------
# a procfs and a bind of /proc/sys pre-mounted inside the jail, the command host root
if [ $STATIC -eq 1 ]; then
    pol jailproc "    namespaces pid, mount
    filesystem {
        root $J
        proc /proc
        dev minimal
        tmpfs /tmp
    }"
    out=$(unshare -m --propagation private sh -c "mount -t proc proc '$J/mnt/proc' && mount --bind /proc/sys '$J/mnt/sys' \
        && '$STK' run '$T/jailproc.stk' -- /bin/probe openw /mnt/proc/sys/kernel/core_pattern \
        openw /mnt/sys/kernel/core_pattern openw /proc/sys/kernel/core_pattern \
        openw /mnt/proc/self/oom_score_adj mounts; echo rc=\$?" 2>&1)
    if has "$out" "rc=0" && has "$out" "openw /mnt/proc/sys/kernel/core_pattern: errno=30" \
        && has "$out" "openw /mnt/sys/kernel/core_pattern: errno=30" \
        && has "$out" "openw /proc/sys/kernel/core_pattern: errno=30" && has "$out" "mount: /mnt/proc/keys" \
        && has "$out" "openw /mnt/proc/self/oom_score_adj: ok"; then
        pass jail_premounted_procfs_hardened
    else
        fail jail_premounted_procfs_hardened "$out"
    fi
else
    skip jail_premounted_procfs_hardened "no static probe"
fi
# an extra procfs of the host in a host-root view (no user namespace)
mkdir -p "$T/p2" "$T/s2"
pol hostextra "    namespaces mount
    filesystem {
        tmpfs /tmp
    }"
out=$(unshare -m --propagation private sh -c "mount -t proc proc '$T/p2' && mount --bind /proc/sys '$T/s2' \
    && '$STK' run '$T/hostextra.stk' -- '$PROBE' openw '$T/p2/sys/kernel/core_pattern' \
    openw '$T/s2/kernel/core_pattern' openw /proc/sys/kernel/core_pattern openw '$T/p2/self/oom_score_adj' mounts; \
    echo rc=\$?" 2>&1)
if has "$out" "rc=0" && has "$out" "openw $T/p2/sys/kernel/core_pattern: errno=30" \
    && has "$out" "openw $T/s2/kernel/core_pattern: errno=30" && has "$out" "openw /proc/sys/kernel/core_pattern: errno=30" \
    && has "$out" "mount: $T/p2/keys" && has "$out" "openw $T/p2/self/oom_score_adj: ok"; then
    pass host_extra_procfs_hardened
else
    fail host_extra_procfs_hardened "$out"
fi
# a writable bind of a directory with a procfs mounted inside it
mkdir -p "$T/deep/proc"
pol binddeep "    namespaces mount
    filesystem {
        readonly /
        dev minimal
        tmpfs /run
        bind $T/deep /run/deep
    }"
out=$(unshare -m --propagation private sh -c "mount -t proc proc '$T/deep/proc' \
    && '$STK' run '$T/binddeep.stk' -- '$PROBE' openw /run/deep/proc/sys/kernel/core_pattern \
    openw /run/deep/proc/self/oom_score_adj mounts; echo rc=\$?" 2>&1)
if has "$out" "rc=0" && has "$out" "openw /run/deep/proc/sys/kernel/core_pattern: errno=30" \
    && has "$out" "mount: /run/deep/proc/keys" && has "$out" "openw /run/deep/proc/self/oom_score_adj: ok"; then
    pass bind_submount_procfs_hardened
else
    fail bind_submount_procfs_hardened "$out"
fi

# ---- F6: fail closed; gid 0 without uid 0 ---------------------------------------------------
# a jail whose /proc cannot be looked up (a symlink loop): refused, not skipped
if [ $STATIC -eq 1 ]; then
    L=$T/loopjail
    mkdir -p "$L/bin" "$L/tmp"
    cp "$J/bin/probe" "$L/bin/probe"
    ln -s proc "$L/proc"
    pol loopjail "    namespaces pid, mount
    filesystem {
        root $L
        tmpfs /tmp
    }"
    out=$("$STK" run "$T/loopjail.stk" -- /bin/probe touch /tmp/ran 2>&1); rc=$?
    if [ $rc -eq 125 ] && has "$out" "stockade: mount: building the view: /proc: Too many levels of symbolic links" \
        && ! has "$out" "touch"; then
        pass unresolvable_proc_fails_closed
    else
        fail unresolvable_proc_fails_closed "rc=$rc: $out"
    fi
else
    skip unresolvable_proc_fails_closed "no static probe"
fi
# an unprivileged uid whose gid is 0: its own gid maps to itself, no CAP_SETGID needed
if command -v setpriv >/dev/null; then
    out=$(cd "$EXAMPLES" && setpriv --reuid=65534 --regid=0 --clear-groups "$STK" run sandbox.stk -- id 2>&1); rc=$?
    if [ $rc -eq 0 ] && has "$out" "uid=65534" && has "$out" "gid=0"; then
        pass gid0_unprivileged_runs
    else
        fail gid0_unprivileged_runs "rc=$rc: $out"
    fi
else
    skip gid0_unprivileged_runs "no setpriv"
fi

# the host's own /dev/null was never touched
if [ -c /dev/null ] && [ "$(stat -c %Z /dev/null)" = "$null_ctime" ]; then
    pass host_dev_null_untouched
else
    fail host_dev_null_untouched "$(stat -c '%F %a %Z' /dev/null) (ctime was $null_ctime)"
fi

[ $fails -eq 0 ]
