#!/usr/bin/env bash
# view_hardening.sh — the filesystem view never hands the command the host's
# kernel knobs or devices, whatever order the policy writes its entries in
# (issue #10: a fresh /proc under `readonly /` was writable by a command that
# was host uid 0 in its user namespace; `dev minimal` allowed any device; a
# writable bind under `readonly /` came out read-only).  Checked from inside
# with build/tests/helpers/probe.  Nothing here writes a kernel knob: only
# open(O_WRONLY) is tried, and closed at once.
set -u
B=${STK_BUILD:-build}
STK=$(realpath "$B/stockade")
PROBE=$(realpath "$B/tests/helpers/probe")
EXAMPLES=$(realpath policies/examples)
# not under /tmp: the views below mount a tmpfs there
. "$(dirname "$0")/lib.sh"
itest_tmp /var/tmp/stk-hard-XXXXXX

for f in "$STK" "$PROBE"; do
    [ -x "$f" ] || { echo "FAIL setup: $f not built"; exit 1; }
done
if [ "$(id -u)" -ne 0 ]; then
    skip view_hardening "needs root (the escapes need a root caller)"
    exit 0
fi

pol() { # name, body: a policy file $T/name.stk
    printf 'policy %s {\n%s\n}\n' "$1" "$2" >"$T/$1.stk"
    chmod 644 "$T/$1.stk"
}

# A knob may be written only when open(O_WRONLY) succeeds: EROFS (30) or
# EACCES (13) or EPERM (1) show it cannot; ENOENT (2) that the kernel has none.
not_writable() { # output, path
    has "$1" "openw $2: errno=30" || has "$1" "openw $2: errno=13" || has "$1" "openw $2: errno=1" \
        || { has "$1" "openw $2: errno=2" && [ ! -e "$2" ]; }
}
# masked: a mount sits on the path (or the kernel has no such file)
masked() { # output, path
    has "$1" "mount: $2" || { ! [ -e "$2" ] && ! has "$1" "read $2: 1"; }
}
KNOBS="/proc/sys/kernel/core_pattern /proc/sys/vm/drop_caches /proc/sys/kernel/modprobe /proc/sysrq-trigger"
PROBE_ARGS=(status cat /proc/self/uid_map openw /proc/self/oom_score_adj)
for k in $KNOBS; do PROBE_ARGS+=(openw "$k"); done
PROBE_ARGS+=(read /proc/kcore read /proc/keys read /proc/timer_list read /proc/kmsg mounts)

check_proc() { # test name, output, rc [erofs: the knobs must fail with EROFS, not only EACCES]
    local bad=""
    [ "$3" -eq 0 ] || bad="rc=$3"
    [ "${4:-}" != erofs ] || has "$2" "openw /proc/sys/kernel/core_pattern: errno=30" || bad="$bad core_pattern not EROFS"
    for k in $KNOBS; do not_writable "$2" "$k" || bad="$bad $k writable"; done
    for k in /proc/kcore /proc/keys /proc/timer_list /proc/kmsg; do masked "$2" "$k" || bad="$bad $k not masked"; done
    for k in /proc/sys /proc/irq /proc/bus /proc/fs; do
        [ -e "$k" ] && ! has "$2" "mount: $k" && bad="$bad $k not read-only-mounted"
    done
    # the command's own /proc/self stays usable
    has "$2" "openw /proc/self/oom_score_adj: ok" || bad="$bad /proc/self/oom_score_adj not writable"
    if [ -z "$bad" ]; then pass "$1"; else fail "$1" "$bad: $2"; fi
}

# ---- 1. the shipped sandbox, run by root ---------------------------------------------
out=$(cd "$EXAMPLES" && "$STK" run sandbox.stk -- "$PROBE" "${PROBE_ARGS[@]}" 2>&1); rc=$?
check_proc sandbox_proc_knobs_closed "$out" $rc
# root inside is not the host's root: mapped to nobody, no supplementary groups
if has "$out" "Uid: 0 0 0 0" && grep -Eq "uid_map: +0 +65534 +1\|" <<<"$out" && has "$out" "Groups:" \
    && ! grep -q "^Groups: ." <<<"$out"; then
    pass sandbox_root_is_not_host_root
else
    fail sandbox_root_is_not_host_root "$out"
fi

# ---- 2. the same with the statements in the other order, and without readonly / -------
pol procfirst "    namespaces user, pid, mount, net
    filesystem {
        proc /proc
        tmpfs /tmp
        readonly /
    }"
out=$("$STK" run "$T/procfirst.stk" -- "$PROBE" "${PROBE_ARGS[@]}" 2>&1); rc=$?
check_proc proc_before_readonly_knobs_closed "$out" $rc
pol procrw "    namespaces user, pid, mount
    filesystem { proc /proc }"
out=$("$STK" run "$T/procrw.stk" -- "$PROBE" "${PROBE_ARGS[@]}" 2>&1); rc=$?
check_proc proc_without_readonly_knobs_closed "$out" $rc
# root's own id kept on purpose (uidmap 0 caller 1): the knobs stay closed all the same
pol procself "    namespaces user, pid, mount
    uidmap 0 caller 1
    gidmap 0 caller 1
    filesystem {
        readonly /
        proc /proc
    }"
out=$("$STK" run "$T/procself.stk" -- "$PROBE" "${PROBE_ARGS[@]}" 2>&1); rc=$?
check_proc proc_explicit_root_map_knobs_closed "$out" $rc erofs
# no user namespace at all: host root without capabilities
pol procnouser "    namespaces pid, mount
    filesystem { proc /proc }"
out=$("$STK" run "$T/procnouser.stk" -- "$PROBE" "${PROBE_ARGS[@]}" 2>&1); rc=$?
check_proc proc_no_userns_knobs_closed "$out" $rc erofs
# a second procfs elsewhere gets the same treatment
pol proc2 "    namespaces user, pid, mount
    uidmap 0 caller 1
    gidmap 0 caller 1
    filesystem {
        readonly /
        tmpfs /run
        proc /proc
        proc /run/p2
    }"
out=$("$STK" run "$T/proc2.stk" -- "$PROBE" openw /run/p2/sys/kernel/core_pattern openw /run/p2/self/oom_score_adj \
    mounts 2>&1); rc=$?
if [ $rc -eq 0 ] && has "$out" "openw /run/p2/sys/kernel/core_pattern: errno=30" && has "$out" "mount: /run/p2/keys" && has "$out" "mount: /run/p2/sys" \
    && has "$out" "openw /run/p2/self/oom_score_adj: ok"; then
    pass second_procfs_hardened
else
    fail second_procfs_hardened "rc=$rc: $out"
fi

# the host's /proc a view on the host's root inherits, and binds of a procfs
pol hostproc "    namespaces user, mount
    uidmap 0 caller 1
    gidmap 0 caller 1
    filesystem {
        tmpfs /run
        bind /proc /run/hostproc
        bind /proc/sys /run/hostsys
    }"
out=$("$STK" run "$T/hostproc.stk" -- "$PROBE" openw /proc/sys/kernel/core_pattern \
    openw /run/hostproc/sys/kernel/core_pattern openw /run/hostsys/kernel/core_pattern openw /proc/self/oom_score_adj \
    mounts 2>&1); rc=$?
if [ $rc -eq 0 ] && has "$out" "openw /proc/sys/kernel/core_pattern: errno=30" \
    && has "$out" "openw /run/hostproc/sys/kernel/core_pattern: errno=30" \
    && has "$out" "openw /run/hostsys/kernel/core_pattern: errno=30" && has "$out" "openw /proc/self/oom_score_adj: ok" \
    && has "$out" "mount: /proc/keys" && has "$out" "mount: /run/hostproc/keys"; then
    pass inherited_and_bound_procfs_hardened
else
    fail inherited_and_bound_procfs_hardened "rc=$rc: $out"
fi

# root squash: a writable bind of a root-owned directory is not writable by root inside
mkdir -p "$T/rootdir"
chmod 755 "$T/rootdir"
pol squash "    namespaces user, mount
    filesystem { bind $T/rootdir $T/rootdir }"
out=$("$STK" run "$T/squash.stk" -- "$PROBE" status write "$T/rootdir/x" 2>&1); rc=$?
if [ $rc -eq 0 ] && has "$out" "Uid: 0 0 0 0" && has "$out" "write $T/rootdir/x: errno=13" && [ ! -e "$T/rootdir/x" ]; then
    pass root_squash_owns_no_host_root_files
else
    fail root_squash_owns_no_host_root_files "rc=$rc: $out"
fi
# ... and an explicit map keeps root on purpose
pol nosquash "    namespaces user, mount
    uidmap 0 caller 1
    gidmap 0 caller 1
    filesystem { bind $T/rootdir $T/rootdir }"
out=$("$STK" run "$T/nosquash.stk" -- "$PROBE" write "$T/rootdir/x" 2>&1); rc=$?
if [ $rc -eq 0 ] && has "$out" "write $T/rootdir/x: ok" && [ "$(stat -c %u "$T/rootdir/x" 2>/dev/null)" = 0 ]; then
    pass explicit_root_map_keeps_root
else
    fail explicit_root_map_keeps_root "rc=$rc: $out"
fi

# ---- 3. dev minimal: a device node the command makes cannot be opened -----------------
pol devmknod "    namespaces mount
    capabilities { keep mknod }
    filesystem { dev minimal }"
# 1:3 is the null device: harmless even if the open succeeded
out=$("$STK" run "$T/devmknod.stk" -- "$PROBE" mknod /dev/stk-x 1 3 openw /dev/stk-x write /dev/null read /dev/zero \
    openw /dev/tty 2>&1); rc=$?
# mknod must work (CAP_MKNOD kept, host root): only the open may fail
if [ $rc -eq 0 ] && has "$out" "mknod /dev/stk-x: ok" && has "$out" "openw /dev/stk-x: errno=13" \
    && has "$out" "write /dev/null: ok" && has "$out" "read /dev/zero: 4096 bytes" && [ ! -e /dev/stk-x ]; then
    pass dev_minimal_nodev
else
    fail dev_minimal_nodev "rc=$rc: $out"
fi
# the same under a user namespace (the bound nodes are the host's and keep working)
pol devuser "    namespaces user, mount
    filesystem { dev minimal }"
out=$("$STK" run "$T/devuser.stk" -- "$PROBE" write /dev/null read /dev/urandom read /dev/zero 2>&1); rc=$?
if [ $rc -eq 0 ] && has "$out" "write /dev/null: ok" && has "$out" "read /dev/urandom: 4096 bytes" \
    && has "$out" "read /dev/zero: 4096 bytes"; then
    pass dev_minimal_nodes_work_in_userns
else
    fail dev_minimal_nodes_work_in_userns "rc=$rc: $out"
fi

# ---- 4. binds keep the host's writability, whatever order ------------------------------
mkdir -p "$T/rw" "$T/ro"
for order in after before; do
    if [ $order = after ]; then
        body="        readonly /
        bind $T/rw $T/rw
        bind $T/ro $T/ro"
    else
        body="        bind $T/rw $T/rw
        bind $T/ro $T/ro
        readonly /"
    fi
    pol "bind$order" "    namespaces mount
    filesystem {
$body
        tmpfs /tmp
    }"
    # $T/ro is read-only on the host side: a bind mount made in a private
    # mount namespace of its own (nothing changes in the host's)
    out=$(unshare -m --propagation private sh -c "mount --bind '$T/ro' '$T/ro' && mount -o remount,bind,ro '$T/ro' \
        && exec '$STK' run '$T/bind$order.stk' -- '$PROBE' write '$T/rw/x' write '$T/ro/x' write /etc/stk-hard-x write /tmp/x" \
        2>&1); rc=$?
    if [ $rc -eq 0 ] && has "$out" "write $T/rw/x: ok" && [ -e "$T/rw/x" ] && has "$out" "write $T/ro/x: errno=30" \
        && has "$out" "write /etc/stk-hard-x: errno=30" && has "$out" "write /tmp/x: ok" && [ ! -e /etc/stk-hard-x ]; then
        pass "bind_writable_readonly_root_$order"
    else
        fail "bind_writable_readonly_root_$order" "rc=$rc: $out"
    fi
    rm -f "$T/rw/x" "$T/ro/x" /etc/stk-hard-x
done
# a readonly bind stays read-only, its source writable on the host
pol bindro "    namespaces mount
    filesystem {
        bind $T/rw $T/rw readonly
    }"
out=$("$STK" run "$T/bindro.stk" -- "$PROBE" write "$T/rw/y" 2>&1); rc=$?
if [ $rc -eq 0 ] && has "$out" "write $T/rw/y: errno=30" && [ ! -e "$T/rw/y" ]; then
    pass bind_readonly_still_readonly
else
    fail bind_readonly_still_readonly "rc=$rc: $out"
fi

[ $fails -eq 0 ]
