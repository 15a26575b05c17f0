#!/usr/bin/env bash
# isolation_run.sh — namespaces and the filesystem view on the real kernel:
# `stockade run` and `stockade-exec` with policies written in the language,
# checked from inside by build/tests/helpers/probe.  Privileged cases run as
# root, rootless ones as nobody (setpriv) when the host allows unprivileged
# user namespaces.  Prints PASS/FAIL/SKIP lines; exits non-zero on failure.
set -u
B=${STK_BUILD:-build}
STK=$(realpath "$B/stockade")
EXEC=$(realpath "$B/stockade-exec")
PROBE=$(realpath "$B/tests/helpers/probe")
# not under /tmp: the views below mount a tmpfs there
. "$(dirname "$0")/lib.sh"
itest_tmp /var/tmp/stk-iso-XXXXXX
count() { grep -cxF -- "$2" <<<"$1"; }

for f in "$STK" "$EXEC" "$PROBE"; do
    [ -x "$f" ] || { echo "FAIL setup: $f not built"; exit 1; }
done
if [ "$(id -u)" -ne 0 ]; then
    skip isolation "needs root (the privileged cases; rootless ones run as nobody from root)"
    exit 0
fi

pol() { # name, body: a policy file $T/name.stk
    printf 'policy %s {\n%s\n}\n' "$1" "$2" >"$T/$1.stk"
    chmod 644 "$T/$1.stk"
}

# ---- pid namespace, minimal init ---------------------------------------------------
pol pidns '    namespaces pid, mount
    filesystem { proc }'
out=$("$STK" run "$T/pidns.stk" -- "$PROBE" pid zombie cat /proc/1/cmdline 2>&1); rc=$?
if [ $rc -eq 0 ] && has "$out" "pid: 2 ppid: 1" && has "$out" "zombie: reaped"; then
    pass pid_namespace_init_reaps
else
    fail pid_namespace_init_reaps "rc=$rc: $out"
fi
for want in 0 3; do
    "$STK" run "$T/pidns.stk" -- "$PROBE" exit $want >/dev/null 2>&1; rc=$?
    [ $rc -eq $want ] && pass "pid_namespace_exit_$want" || fail "pid_namespace_exit_$want" "exit $rc"
done
"$STK" run "$T/pidns.stk" -- "$PROBE" kill 9 >/dev/null 2>&1; rc=$?
[ $rc -eq 137 ] && pass pid_namespace_exit_signal || fail pid_namespace_exit_signal "exit $rc, expected 137"

# SIGTERM to stockade reaches the command through the supervisor and the init
"$STK" run "$T/pidns.stk" -- "$PROBE" sleep 30 >"$T/sig.out" 2>&1 &
spid=$!
for _ in $(seq 200); do grep -q "sleep: ready" "$T/sig.out" && break; sleep 0.02; done
start=$SECONDS
kill -TERM $spid
wait $spid; rc=$?
if [ $rc -eq 143 ] && [ $((SECONDS - start)) -lt 10 ]; then
    pass pid_namespace_forwards_sigterm
else
    fail pid_namespace_forwards_sigterm "exit $rc after $((SECONDS - start)) s: $(cat "$T/sig.out")"
fi

# init none: the command is pid 1, nobody reaps its orphans
pol pid1 '    namespaces pid init none, mount
    filesystem { proc }'
out=$("$STK" run "$T/pid1.stk" -- "$PROBE" pid zombie 2>&1); rc=$?
if [ $rc -eq 0 ] && has "$out" "pid: 1 ppid: 0" && has "$out" "zombie: state Z"; then
    pass pid_namespace_init_none
else
    fail pid_namespace_init_none "rc=$rc: $out"
fi
"$STK" run "$T/pid1.stk" -- "$PROBE" exit 3 >/dev/null 2>&1; rc=$?
[ $rc -eq 3 ] && pass pid_namespace_init_none_exit_status || fail pid_namespace_init_none_exit_status "exit $rc"
# as pid 1 the command ignores even its own SIGKILL: the kernel protects a namespace's init
out=$("$STK" run "$T/pid1.stk" -- "$PROBE" kill 9 2>&1); rc=$?
[ $rc -eq 0 ] && has "$out" "kill: survived" && pass pid_namespace_init_none_is_init || fail pid_namespace_init_none_is_init "rc=$rc: $out"

# ---- uts, net, ipc, cgroup ------------------------------------------------------------
pol uts '    namespaces uts, net, ipc, cgroup
    hostname sandbox'
out=$("$STK" run "$T/uts.stk" -- "$PROBE" hostname netifs cat /proc/self/cgroup 2>&1); rc=$?
ifs=$(grep '^netif:' <<<"$out")
cg=$(sed -n 's/^cat \/proc\/self\/cgroup: //p' <<<"$out" | tr '|' '\n' | grep -v '^$')
if [ $rc -eq 0 ] && has "$out" "hostname: sandbox" && [ "$ifs" = "netif: lo up" ] && [ -n "$cg" ] \
    && ! grep -qv ':/$' <<<"$cg" && [ "$(hostname)" != sandbox ]; then
    pass uts_net_cgroup_namespaces
else
    fail uts_net_cgroup_namespaces "rc=$rc: $out"
fi

# ---- the filesystem view on the host's root -----------------------------------------
mkdir -p "$T/data" "$T/secretdir"
echo secret >"$T/secret.txt"
echo inside >"$T/secretdir/file"
pol view "    namespaces pid, mount, ipc, uts, net
    filesystem {
        readonly /
        tmpfs /tmp size 64M mode 1777
        proc /proc
        dev minimal
        bind $T/data $T/data readonly
        mask $T/secret.txt, $T/secretdir, /stk-no-such-path
    }"
out=$("$STK" run "$T/view.stk" -- "$PROBE" write /etc/stk-iso-test write /tmp/x stat /tmp statfs /tmp \
    write "$T/data/x" read "$T/secret.txt" ls "$T/secretdir" ls /dev write /dev/null read /dev/zero mounts 2>&1); rc=$?
[ $rc -eq 0 ] || fail view_runs "rc=$rc: $out"
if has "$out" "write /etc/stk-iso-test: errno=30" && [ ! -e /etc/stk-iso-test ]; then
    pass readonly_root_erofs
else
    fail readonly_root_erofs "$out"
fi
if has "$out" "write /tmp/x: ok" && has "$out" "stat /tmp: mode=01777" \
    && has "$out" "statfs /tmp: magic=0x1021994 size=67108864 ro=0"; then
    pass tmpfs_writable_mode_size
else
    fail tmpfs_writable_mode_size "$out"
fi
if has "$out" "write $T/data/x: errno=30" && [ ! -e "$T/data/x" ] && : >"$T/data/host-writable"; then
    pass bind_readonly
else
    fail bind_readonly "$out"
fi
if has "$out" "read $T/secret.txt: 0 bytes" && has "$out" "ls $T/secretdir:" && ! has "$out" "ls $T/secretdir: file"; then
    pass masks_hide
else
    fail masks_hide "$out"
fi
if has "$out" "ls /dev: fd full null random stderr stdin stdout tty urandom zero" && has "$out" "write /dev/null: ok" \
    && has "$out" "read /dev/zero: 4096 bytes"; then
    pass dev_minimal
else
    fail dev_minimal "$out"
fi
mnts=$(grep '^mount: ' <<<"$out")
if [ "$(count "$mnts" "mount: /")" -eq 1 ] && [ "$(count "$mnts" "mount: /tmp")" -eq 1 ]; then
    pass view_mount_table
else
    fail view_mount_table "$mnts"
fi

# the same bundle through the static stockade-exec
if "$STK" compile -o "$T/view.bundle" "$T/view.stk" >/dev/null 2>&1; then
    out=$("$EXEC" "$T/view.bundle" -- "$PROBE" pid write /etc/stk-iso-test write /tmp/x 2>&1); rc=$?
    if [ $rc -eq 0 ] && has "$out" "pid: 2 ppid: 1" && has "$out" "write /etc/stk-iso-test: errno=30" \
        && has "$out" "write /tmp/x: ok"; then
        pass exec_bundle_isolation
    else
        fail exec_bundle_isolation "rc=$rc: $out"
    fi
else
    fail exec_bundle_isolation "compile failed"
fi

# working directory: kept when the view has it, / otherwise
out=$(cd "$T/data" && "$STK" run "$T/view.stk" -- "$PROBE" cwd 2>&1)
has "$out" "cwd: $T/data" && pass view_keeps_cwd || fail view_keeps_cwd "$out"
# ... looked up again in the view: a working directory inside a masked one is no way around the mask
out=$(cd "$T/secretdir" && "$STK" run "$T/view.stk" -- "$PROBE" cwd ls . read file 2>&1)
if has "$out" "cwd: $T/secretdir" && ! has "$out" "ls .: file" && has "$out" "read file: errno="; then
    pass cwd_inside_mask_is_masked
else
    fail cwd_inside_mask_is_masked "$out"
fi

# ---- a root jail with a static binary ---------------------------------------------
J=$T/jail
mkdir -p "$J/bin" "$J/proc" "$J/dev" "$J/tmp" "$J/etc"
if ${CC:-cc} -static -O1 -D_GNU_SOURCE -o "$J/bin/probe" tests/helpers/probe.c 2>"$T/cc.log"; then
    echo jail >"$J/etc/marker"
    pol jail "    namespaces pid, mount, user
    uidmap 0 caller 1
    gidmap 0 caller 1
    filesystem {
        root $J
        readonly /
        proc /proc
        dev minimal
        tmpfs /tmp
    }"
    out=$("$STK" run "$T/jail.stk" -- /bin/probe status pid ls / cat /etc/marker write /x write /tmp/y mounts 2>&1); rc=$?
    mnts=$(grep '^mount: ' <<<"$out")
    if [ $rc -eq 0 ] && has "$out" "ls /: bin dev etc proc tmp" && has "$out" "cat /etc/marker: jail|" \
        && has "$out" "Uid: 0 0 0 0" && has "$out" "pid: 2 ppid: 1" && has "$out" "write /x: errno=30" \
        && has "$out" "write /tmp/y: ok" && [ "$(count "$mnts" "mount: /")" -eq 1 ] && ! has "$mnts" "mount: /sys"; then
        pass root_jail_old_root_detached
    else
        fail root_jail_old_root_detached "rc=$rc: $out"
    fi
    # PATH lookup happens in the view: "probe" is found in the jail's /bin
    out=$(PATH=/bin "$STK" run "$T/jail.stk" -- probe pid 2>&1)
    has "$out" "pid: 2 ppid: 1" && pass exec_lookup_in_view || fail exec_lookup_in_view "$out"
else
    skip root_jail_old_root_detached "no static C toolchain: $(head -1 "$T/cc.log")"
    skip exec_lookup_in_view "no static probe"
fi

# ---- fail closed ----------------------------------------------------------------------
pol badbind "    namespaces mount
    filesystem { bind /stk-no-such-path /mnt }"
out=$("$STK" run "$T/badbind.stk" -- "$PROBE" touch "$T/ran" 2>&1); rc=$?
if [ $rc -eq 125 ] && has "$out" "stockade: mount: bind /stk-no-such-path /mnt: /stk-no-such-path: No such file or directory" \
    && [ ! -e "$T/ran" ]; then
    pass bind_missing_fails_closed
else
    fail bind_missing_fails_closed "rc=$rc: $out"
fi
pol badpoint "    namespaces mount
    filesystem { tmpfs $T/no-such-dir/sub }"
out=$("$STK" run "$T/badpoint.stk" -- "$PROBE" touch "$T/ran" 2>&1); rc=$?
if [ $rc -eq 125 ] && has "$out" "stockade: mount: tmpfs $T/no-such-dir/sub: $T/no-such-dir does not exist in the view" \
    && [ ! -e "$T/ran" ] && [ ! -e "$T/no-such-dir" ]; then
    pass missing_mount_point_fails_closed
else
    fail missing_mount_point_fails_closed "rc=$rc: $out"
fi
pol badroot "    namespaces mount
    filesystem { root $T/no-such-jail }"
out=$("$STK" run "$T/badroot.stk" -- "$PROBE" touch "$T/ran" 2>&1); rc=$?
if [ $rc -eq 125 ] && has "$out" "stockade: mount: root $T/no-such-jail: No such file or directory" && [ ! -e "$T/ran" ]; then
    pass missing_root_fails_closed
else
    fail missing_root_fails_closed "rc=$rc: $out"
fi
pol unmapped "    namespaces user
    uidmap 0 caller 1
    user 1234
    group 0"
out=$("$STK" run "$T/unmapped.stk" -- "$PROBE" touch "$T/ran" 2>&1); rc=$?
if [ $rc -eq 125 ] && has "$out" "stockade: namespaces: uid 1234 is not mapped in the user namespace" && [ ! -e "$T/ran" ]; then
    pass unmapped_user_fails_closed
else
    fail unmapped_user_fails_closed "rc=$rc: $out"
fi

# ---- dry run ---------------------------------------------------------------------------
out=$("$STK" run --dry-run "$T/view.stk" -- "$PROBE" touch "$T/ran" 2>&1); rc=$?
if [ $rc -eq 0 ] && has "$out" " 4. namespaces: pid (stockade is pid 1 as a minimal init, the command pid 2), mount, ipc, uts, net; clone3 under a supervisor" \
    && has "$out" " 5. network: new namespace with only lo, brought up" \
    && has "$out" " 6. filesystem: private propagation; the host's / as the mount namespace copied it, changed in place; 8 entries in this order:" \
    && has "$out" "    - readonly / (recursive)" && has "$out" "    - bind $T/data -> $T/data (recursive, read-only)" \
    && ! has "$out" "pivot_root" && [ ! -e "$T/ran" ]; then
    pass dry_run_lines
else
    fail dry_run_lines "rc=$rc: $out"
fi
if [ -x "$J/bin/probe" ]; then
    out=$("$STK" run --dry-run "$T/jail.stk" -- /bin/probe 2>&1); rc=$?
    if [ $rc -eq 0 ] && has "$out" "filesystem: private propagation; view rooted at $J (recursive bind); 4 entries in this order:" \
        && has "$out" "    - pivot_root into the view, old root detached" \
        && has "$out" "user namespace: uid map 0 -> caller (1); gid map 0 -> caller (1);"; then
        pass dry_run_lines_jail
    else
        fail dry_run_lines_jail "rc=$rc: $out"
    fi
fi

# ---- privileged maps ---------------------------------------------------------------------
pol rootmap '    namespaces user, pid, mount
    uidmap 0 100000 65536
    gidmap 0 100000 65536
    user 0
    group 0
    supplementary_groups 5
    filesystem { proc }'
out=$("$STK" run "$T/rootmap.stk" -- "$PROBE" status cat /proc/self/uid_map cat /proc/self/setgroups 2>&1); rc=$?
if [ $rc -eq 0 ] && has "$out" "Uid: 0 0 0 0" && has "$out" "Groups: 5" && has "$out" "100000" \
    && has "$out" "cat /proc/self/setgroups: allow|"; then
    pass root_writes_ranges
else
    fail root_writes_ranges "rc=$rc: $out"
fi

pol unmappedcaller '    namespaces user
    uidmap 0 100000 65536'
out=$("$STK" run "$T/unmappedcaller.stk" -- "$PROBE" touch "$T/ran" 2>&1); rc=$?
if [ $rc -eq 125 ] && has "$out" "stockade: namespaces: the caller's uid 0 is not mapped in the user namespace" && [ ! -e "$T/ran" ]; then
    pass unmapped_caller_fails_closed
else
    fail unmapped_caller_fails_closed "rc=$rc: $out"
fi

# ---- rootless -------------------------------------------------------------------------------
rootless_reason=""
if ! command -v setpriv >/dev/null; then
    rootless_reason="setpriv is not installed"
elif [ -r /proc/sys/kernel/unprivileged_userns_clone ] && [ "$(cat /proc/sys/kernel/unprivileged_userns_clone)" = 0 ]; then
    rootless_reason="kernel.unprivileged_userns_clone is 0"
elif [ "$(cat /proc/sys/user/max_user_namespaces 2>/dev/null || echo 0)" = 0 ]; then
    rootless_reason="user.max_user_namespaces is 0"
elif [ -r /proc/sys/kernel/apparmor_restrict_unprivileged_userns ] && [ "$(cat /proc/sys/kernel/apparmor_restrict_unprivileged_userns)" = 1 ]; then
    rootless_reason="AppArmor restricts unprivileged user namespaces"
fi
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
if [ -n "$rootless_reason" ]; then
    for t in rootless_view rootless_uidmap_root rootless_exec rootless_in_place rootless_privileged_map_refused \
        rootless_needs_userns rootless_groups_refused; do skip $t "$rootless_reason"; done
else
    pol rootless "    namespaces user, pid, mount, ipc, uts, net
    hostname rootless
    filesystem {
        readonly /
        tmpfs /tmp size 1M
        proc /proc
        dev minimal
        mask $T/secret.txt
    }"
    out=$(nobody "$STK" run "$T/rootless.stk" -- "$PROBE" status pid hostname netifs write /etc/x write /tmp/x \
        read "$T/secret.txt" ls /dev mounts 2>&1); rc=$?
    if has "$out" "fully visible /proc"; then
        for t in rootless_view rootless_uidmap_root rootless_exec; do skip $t "this host's /proc is over-mounted: $out"; done
    else
        ifs=$(grep '^netif:' <<<"$out")
        if [ $rc -eq 0 ] && has "$out" "Uid: 65534 65534 65534 65534" && has "$out" "CapEff: 0000000000000000" \
            && has "$out" "pid: 2 ppid: 1" && has "$out" "hostname: rootless" && [ "$ifs" = "netif: lo up" ] \
            && has "$out" "write /etc/x: errno=30" && has "$out" "write /tmp/x: ok" && has "$out" "read $T/secret.txt: 0 bytes" \
            && has "$out" "ls /dev: fd full null random stderr stdin stdout tty urandom zero" \
            && [ "$(count "$(grep '^mount: ' <<<"$out")" "mount: /")" -eq 1 ]; then
            pass rootless_view
        else
            fail rootless_view "rc=$rc: $out"
        fi
        pol rootless0 '    namespaces user, pid, mount
    uidmap 0 caller 1
    gidmap 0 caller 1
    filesystem { proc }'
        out=$(nobody "$STK" run "$T/rootless0.stk" -- "$PROBE" status cat /proc/self/uid_map cat /proc/self/setgroups 2>&1); rc=$?
        if [ $rc -eq 0 ] && has "$out" "Uid: 0 0 0 0" && has "$out" "CapEff: 0000000000000000" \
            && has "$out" "65534          1" && has "$out" "cat /proc/self/setgroups: deny|"; then
            pass rootless_uidmap_root
        else
            fail rootless_uidmap_root "rc=$rc: $out"
        fi
        "$STK" compile -o "$T/rootless.bundle" "$T/rootless.stk" >/dev/null 2>&1 && chmod 644 "$T/rootless.bundle"
        out=$(nobody "$EXEC" "$T/rootless.bundle" -- "$PROBE" pid write /etc/x write /tmp/x 2>&1); rc=$?
        if [ $rc -eq 0 ] && has "$out" "pid: 2 ppid: 1" && has "$out" "write /etc/x: errno=30" && has "$out" "write /tmp/x: ok"; then
            pass rootless_exec
        else
            fail rootless_exec "rc=$rc: $out"
        fi
    fi
    # no pid namespace: no fork, one unshare(2), the maps written from inside
    pol inplace '    namespaces user, mount, net, uts
    hostname inplace
    filesystem {
        readonly /
        tmpfs /tmp
    }'
    out=$(nobody "$STK" run "$T/inplace.stk" -- "$PROBE" status pid hostname netifs cat /proc/self/uid_map \
        cat /proc/self/setgroups write /etc/x write /tmp/x 2>&1); rc=$?
    ifs=$(grep '^netif:' <<<"$out")
    if [ $rc -eq 0 ] && has "$out" "Uid: 65534 65534 65534 65534" && has "$out" "65534      65534          1" \
        && has "$out" "cat /proc/self/setgroups: deny|" && has "$out" "hostname: inplace" && [ "$ifs" = "netif: lo up" ] \
        && has "$out" "write /etc/x: errno=30" && has "$out" "write /tmp/x: ok" && ! has "$out" "pid: 2 ppid: 1"; then
        pass rootless_in_place
    else
        fail rootless_in_place "rc=$rc: $out"
    fi
    pol rootlessbad '    namespaces user
    uidmap 0 1000 1'
    out=$(nobody "$STK" run "$T/rootlessbad.stk" -- "$PROBE" touch /tmp/stk-iso-ran-$$ 2>&1); rc=$?
    if [ $rc -eq 125 ] && has "$out" "stockade: namespaces: the uid map maps more than the caller's own uid 65534, which needs CAP_SETUID" \
        && [ ! -e /tmp/stk-iso-ran-$$ ]; then
        pass rootless_privileged_map_refused
    else
        fail rootless_privileged_map_refused "rc=$rc: $out"
    fi
    rm -f /tmp/stk-iso-ran-$$
    pol nouserns '    namespaces mount, net'
    out=$(nobody "$STK" run "$T/nouserns.stk" -- "$PROBE" pid 2>&1); rc=$?
    if [ $rc -eq 125 ] && has "$out" "stockade: namespaces: unshare(mount, net) (an unprivileged caller needs 'user' among the policy's namespaces): Operation not permitted"; then
        pass rootless_needs_userns
    else
        fail rootless_needs_userns "rc=$rc: $out"
    fi
    pol rootlessgroups '    namespaces user
    uidmap 0 caller 1
    gidmap 0 caller 1
    supplementary_groups 0'
    out=$(nobody "$STK" run "$T/rootlessgroups.stk" -- "$PROBE" pid 2>&1); rc=$?
    if [ $rc -eq 125 ] && has "$out" "stockade: namespaces: supplementary groups cannot be set: setgroups is denied"; then
        pass rootless_groups_refused
    else
        fail rootless_groups_refused "rc=$rc: $out"
    fi
fi

[ $fails -eq 0 ]
