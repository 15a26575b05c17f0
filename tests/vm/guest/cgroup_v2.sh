#!/bin/sh
# cgroup_v2.sh — the cgroup block on a cgroup v2 kernel (issue 5), in the QEMU
# guest of the VM rig (docs/vm.md): the guest's init mounts cgroup2 at
# /sys/fs/cgroup with every controller and runs in the root cgroup, which the
# development hosts (v1 controllers, an empty cgroup2) cannot offer.  The
# same checks as tests/integration/cgroup_run.sh for the v2 code paths: the
# leaf under stockade/ with the controllers enabled in the parent's
# cgroup.subtree_control, the command cloned into it (CLONE_INTO_CGROUP),
# the limits read back from the v2 files, pids.max and memory.max enforced,
# cgroup.kill clean-up after the command exits (also after kill -9, also with
# processes left behind), concurrent runs, rootless without delegation.
# busybox sh; helpers from lib.sh (pass/fail/skip/has/finish).
# vm-boot: any
. /stockade/tests/vm/lib.sh

STK=$STK_BUILD/stockade
LP=$STK_BUILD/tests/helpers/limprobe
T=$(mktemp -d /tmp/stk-cgv2.XXXXXX)
chmod 755 "$T"

for f in "$STK" "$LP"; do
    if [ ! -x "$f" ]; then
        fail setup "$f is not in the guest"
        finish
    fi
done

CG=$(awk '{ for (i = 7; i <= NF && $i != "-"; i++) ; if ($(i + 1) == "cgroup2") { print $5; exit } }' /proc/self/mountinfo)
if [ -z "$CG" ]; then
    skip cgroup_v2_all "cgroup2 is not mounted in the guest"
    finish
fi
ctrls=$(cat "$CG/cgroup.controllers")
for c in memory pids cpu; do
    case " $ctrls " in
        *" $c "*) ;;
        *)
            skip cgroup_v2_all "the guest's cgroup2 has no $c controller (controllers: $ctrls)"
            finish
            ;;
    esac
done

policy() { # policy NAME LINE...: a policy with a cgroup block
    name=$1
    shift
    {
        echo "policy $name {"
        echo "    cgroup {"
        for l in "$@"; do echo "        $l"; done
        echo "    }"
        echo "}"
    } >"$T/$name.stk"
}
# The leaf directory from limprobe's "cgroup: 0::/path" line in $1.
leaf() {
    p=$(echo "$1" | sed -n 's/^cgroup: 0::\(.*\)$/\1/p')
    [ -n "$p" ] && echo "$CG$p"
}

# ---- placement and limits ------------------------------------------------------------------
policy lim "memory.max 64M" "memory.swap.max 0" "pids.max 20" "cpu.max 50%" "cpu.weight 200"
out=$("$STK" run "$T/lim.stk" -- "$LP" cgroup cgfile unified memory.max cgfile unified memory.swap.max \
    cgfile unified pids.max cgfile unified cpu.max cgfile unified cpu.weight 2>&1)
rc=$?
l=$(leaf "$out")
case "$l" in
    "$CG"/stockade/lim-*) pass cgroup_v2_leaf_under_stockade ;;
    *) fail cgroup_v2_leaf_under_stockade "rc=$rc, leaf '$l': $out" ;;
esac
if [ $rc -eq 0 ] && has "$out" "cgfile memory.max: 67108864" && has "$out" "cgfile pids.max: 20" \
    && has "$out" "cgfile cpu.max: 50000 100000" && has "$out" "cgfile cpu.weight: 200" \
    && { has "$out" "cgfile memory.swap.max: 0" || has "$out" "cgfile memory.swap.max: errno=2"; }; then
    pass cgroup_v2_limits_written
else
    fail cgroup_v2_limits_written "rc=$rc: $out"
fi
if [ -n "$l" ] && [ ! -e "$l" ]; then
    pass cgroup_v2_leaf_removed
else
    fail cgroup_v2_leaf_removed "leaf '$l' is left"
fi

# The controllers are enabled for the leaves in stockade/cgroup.subtree_control
# (seen while a command runs).
policy sub "pids.max 50"
"$STK" run "$T/sub.stk" -- "$LP" cgroup sleep 3 >"$T/sub.out" 2>&1 &
sup=$!
i=0
while [ $i -lt 100 ] && ! grep -q '^cgroup: 0::' "$T/sub.out"; do
    sleep 0.05
    i=$((i + 1))
done
sc=$(cat "$CG/stockade/cgroup.subtree_control" 2>/dev/null)
wait $sup
case " $sc " in
    *" pids "*) pass cgroup_v2_parent_subtree_control ;;
    *) fail cgroup_v2_parent_subtree_control "stockade/cgroup.subtree_control is '$sc'" ;;
esac

policy pids "pids.max 16"
out=$("$STK" run "$T/pids.stk" -- "$LP" forkloop 100 2>&1)
rc=$?
n=$(echo "$out" | sed -n 's/^forkloop: \([0-9]*\) forked, errno=11$/\1/p')
if [ $rc -eq 0 ] && [ -n "$n" ] && [ "$n" -lt 16 ] && [ "$n" -ge 10 ]; then
    pass cgroup_v2_pids_max_caps_fork_loop
else
    fail cgroup_v2_pids_max_caps_fork_loop "rc=$rc: $out"
fi
has "$out" "stockade: cgroup: pids.max (16) refused 1 fork" && pass cgroup_v2_pids_max_refusal_reported ||
    fail cgroup_v2_pids_max_refusal_reported "$out"

policy mem "memory.max 64M" "memory.swap.max 0"
out=$("$STK" run "$T/mem.stk" -- "$LP" alloc 256 2>&1)
rc=$?
small=$("$STK" run "$T/mem.stk" -- "$LP" alloc 16 2>&1)
src=$?
if { [ $rc -eq 137 ] || has "$out" "alloc: failed"; } && ! has "$out" "alloc: ok" && [ $src -eq 0 ]; then
    pass cgroup_v2_memory_max_stops_hog
else
    fail cgroup_v2_memory_max_stops_hog "256 MiB: rc=$rc: $out; 16 MiB: rc=$src: $small"
fi
if [ $rc -ne 137 ]; then
    skip cgroup_v2_memory_oom_kill_reported "the allocation failed without an OOM kill (rc=$rc)"
elif has "$out" "stockade: cgroup: the command's cgroup reached memory.max (67108864 bytes): the kernel's OOM killer killed"; then
    pass cgroup_v2_memory_oom_kill_reported
else
    fail cgroup_v2_memory_oom_kill_reported "rc=$rc: $out"
fi

policy cpuform 'cpu.max "20000 50000"'
out=$("$STK" run "$T/cpuform.stk" -- "$LP" cgfile unified cpu.max 2>&1)
policy cpumax 'cpu.max max'
out2=$("$STK" run "$T/cpumax.stk" -- "$LP" cgfile unified cpu.max 2>&1)
if has "$out" "cgfile cpu.max: 20000 50000" && has "$out2" "cgfile cpu.max: max 100000"; then
    pass cgroup_v2_cpu_max_forms
else
    fail cgroup_v2_cpu_max_forms "$out / $out2"
fi

policy io "io.weight 300"
out=$("$STK" run "$T/io.stk" -- "$LP" cgfile unified io.weight cgfile unified io.bfq.weight 2>&1)
rc=$?
if [ $rc -eq 0 ] && { has "$out" "cgfile io.weight: default 300" || has "$out" "cgfile io.bfq.weight: default 300"; }; then
    pass cgroup_v2_io_weight
elif [ $rc -eq 125 ] && has "$out" "io.weight cannot be applied"; then
    pass cgroup_v2_io_weight
else
    fail cgroup_v2_io_weight "rc=$rc: $out"
fi

# ---- clean-up ----------------------------------------------------------------------------------
policy killed "pids.max 50"
"$STK" run "$T/killed.stk" -- "$LP" cgroup pid sleep 60 >"$T/killed.out" 2>&1 &
sup=$!
i=0
while [ $i -lt 100 ] && ! grep -q '^pid: ' "$T/killed.out"; do
    sleep 0.05
    i=$((i + 1))
done
cpid=$(sed -n 's/^pid: //p' "$T/killed.out")
l=$(leaf "$(cat "$T/killed.out")")
if [ -n "$cpid" ] && [ -n "$l" ] && [ -d "$l" ]; then
    kill -9 "$cpid"
    wait $sup
    rc=$?
    if [ $rc -eq 137 ] && [ ! -e "$l" ]; then
        pass cgroup_v2_leaf_removed_after_kill9
    else
        fail cgroup_v2_leaf_removed_after_kill9 "rc=$rc, leaf $l"
    fi
else
    fail cgroup_v2_leaf_removed_after_kill9 "the command did not start in a leaf: $(cat "$T/killed.out")"
    kill -9 $sup 2>/dev/null
fi

out=$("$STK" run "$T/killed.stk" -- "$LP" cgroup orphan 60 2>&1)
rc=$?
orphan=$(echo "$out" | sed -n 's/^orphan: //p')
state=$(awk '{print $3}' "/proc/$orphan/stat" 2>/dev/null)
l=$(leaf "$out")
if [ $rc -eq 0 ] && [ -n "$orphan" ] && { [ -z "$state" ] || [ "$state" = Z ]; } && [ -n "$l" ] && [ ! -e "$l" ]; then
    pass cgroup_v2_leftover_processes_killed
else
    fail cgroup_v2_leftover_processes_killed "rc=$rc, orphan $orphan state '$state': $out"
    [ -n "$orphan" ] && kill -9 "$orphan" 2>/dev/null
fi

"$STK" run "$T/pids.stk" -- "$LP" cgroup sleep 1 >"$T/c1.out" 2>&1 &
p1=$!
"$STK" run "$T/pids.stk" -- "$LP" cgroup sleep 1 >"$T/c2.out" 2>&1 &
p2=$!
wait $p1
r1=$?
wait $p2
r2=$?
l1=$(leaf "$(cat "$T/c1.out")")
l2=$(leaf "$(cat "$T/c2.out")")
if [ $r1 -eq 0 ] && [ $r2 -eq 0 ] && [ -n "$l1" ] && [ -n "$l2" ] && [ "$l1" != "$l2" ] && [ ! -e "$l1" ] \
    && [ ! -e "$l2" ]; then
    pass cgroup_v2_concurrent_runs_own_leaves
else
    fail cgroup_v2_concurrent_runs_own_leaves "rc $r1/$r2, leaves '$l1' '$l2'; run 1: $(grep '^stockade' "$T/c1.out" | tr '\n' ' ') run 2: $(grep '^stockade' "$T/c2.out" | tr '\n' ' ')"
fi
# the parent we created is gone once no run uses it
if [ ! -e "$CG/stockade" ]; then
    pass cgroup_v2_parent_removed
else
    fail cgroup_v2_parent_removed "$CG/stockade is left: $(ls "$CG/stockade" 2>&1 | tr '\n' ' ')"
fi

# ---- rootless: nobody has no delegated subtree in the guest ---------------------------------------
# (stockade itself becomes nobody first, then runs the inner stockade)
cat >"$T/nobody.stk" <<'EOF'
policy nobody {
    user nobody
    group nogroup
}
EOF
chmod 644 "$T"/*.stk
out=$("$STK" run "$T/nobody.stk" -- "$STK" run "$T/pids.stk" -- "$LP" pid 2>&1)
rc=$?
if [ $rc -eq 125 ] && has "$out" "stockade: cgroup:" && has "$out" "delegated" && ! has "$out" "pid: "; then
    pass cgroup_v2_rootless_without_delegation_fails_closed
else
    fail cgroup_v2_rootless_without_delegation_fails_closed "rc=$rc: $out"
fi

rm -rf "$T"
finish
