# vm-boot: any
# smoke-cgroup.sh — the rig's own cgroup v2 checks: the controllers the
# isolation features use are there, and limits set in a child cgroup hold
# (pids.max caps a busybox sh fork loop, memory.max OOM-kills a hog).
. /stockade/tests/vm/lib.sh
H=$STK_VM_HELPER
CG=/sys/fs/cgroup

ctrl=$(cat $CG/cgroup.controllers 2>&1)
missing=""
for c in cpu io memory pids; do
    has " $ctrl " " $c " || missing="$missing $c"
done
[ -z "$missing" ] && pass controllers_present || fail controllers_present "missing:$missing (have: $ctrl)"

if echo "+cpu +io +memory +pids" >$CG/cgroup.subtree_control; then
    sub=$(cat $CG/cgroup.subtree_control)
    has "$sub" pids && has "$sub" memory && has "$sub" cpu && has "$sub" io \
        && pass subtree_control || fail subtree_control "cgroup.subtree_control: $sub"
else
    fail subtree_control "cannot enable controllers for children"
fi

# cleanup_cg DIR: kill what is left in a child cgroup and remove it.
cleanup_cg() {
    [ -d "$1" ] || return 0
    echo 1 >"$1/cgroup.kill" 2>/dev/null
    n=0
    while [ -s "$1/cgroup.procs" ] && [ $n -lt 50 ]; do
        sleep 0.1
        n=$((n + 1))
    done
    rmdir "$1"
}

# A shell that moves itself into DIR and starts 40 background sleeps; prints
# one line per started sleep.  Fork failures stop busybox sh ("can't fork").
fork_loop() {
    sh -c 'echo $$ >"$1/cgroup.procs" || exit 99
           i=0
           while [ $i -lt 40 ]; do
               sleep 60 >/dev/null 2>&1 &
               echo started
               i=$((i + 1))
           done' sh "$1" 2>&1
}

# Control: without a limit all 40 start.
mkdir $CG/stk-smoke-free
started=$(fork_loop $CG/stk-smoke-free | grep -c started)
[ "$started" -eq 40 ] && pass fork_loop_unlimited || fail fork_loop_unlimited "started $started of 40"
cleanup_cg $CG/stk-smoke-free

# pids.max=16: the shell itself and at most 15 sleeps.
mkdir $CG/stk-smoke-pids
echo 16 >$CG/stk-smoke-pids/pids.max
out=$(fork_loop $CG/stk-smoke-pids)
started=$(echo "$out" | grep -c started)
current=$(cat $CG/stk-smoke-pids/pids.current)
events=$(cat $CG/stk-smoke-pids/pids.events)
if [ "$started" -ge 1 ] && [ "$started" -le 15 ] && [ "$current" -le 16 ] \
    && has "$out" "can't fork" && ! has "$events" "max 0"; then
    pass pids_max_caps_fork_loop
else
    fail pids_max_caps_fork_loop "started=$started pids.current=$current pids.events=[$events]: $(echo "$out" | grep -v started)"
fi
cleanup_cg $CG/stk-smoke-pids

# The same limit counted exactly: a program that is alone in the cgroup gets
# 15 children, and the 16th fork fails with EAGAIN (11).
mkdir $CG/stk-smoke-pids2
echo 16 >$CG/stk-smoke-pids2/pids.max
out=$(sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2" forks 30 30' sh $CG/stk-smoke-pids2 "$H" 2>&1)
if has "$out" "forked 15 of 30" && has "$out" "fork errno 11"; then
    pass pids_max_exact_count
else
    fail pids_max_exact_count "$out"
fi
cleanup_cg $CG/stk-smoke-pids2

# memory.max=32M: a 64 MiB hog is OOM-killed, an 8 MiB one is not.
mkdir $CG/stk-smoke-mem
echo 32M >$CG/stk-smoke-mem/memory.max
echo 0 >$CG/stk-smoke-mem/memory.swap.max 2>/dev/null
out=$(sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2" alloc 8' sh $CG/stk-smoke-mem "$H" 2>&1)
[ "$out" = "allocated 8 MiB" ] && pass memory_below_max || fail memory_below_max "$out"
out=$(sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2" alloc 64' sh $CG/stk-smoke-mem "$H" 2>&1)
rc=$?
events=$(cat $CG/stk-smoke-mem/memory.events)
if [ $rc -eq 137 ] && ! has "$out" allocated && ! has "$events" "oom_kill 0"; then
    pass memory_max_oom_kills
else
    fail memory_max_oom_kills "rc=$rc out=$out memory.events=[$events]"
fi
cleanup_cg $CG/stk-smoke-mem

# cpu.max and io.weight take values.
mkdir $CG/stk-smoke-cpu
echo "50000 100000" >$CG/stk-smoke-cpu/cpu.max
[ "$(cat $CG/stk-smoke-cpu/cpu.max)" = "50000 100000" ] && pass cpu_max_set \
    || fail cpu_max_set "cpu.max: $(cat $CG/stk-smoke-cpu/cpu.max)"
echo 50 >$CG/stk-smoke-cpu/io.weight
has "$(cat $CG/stk-smoke-cpu/io.weight)" "default 50" && pass io_weight_set \
    || fail io_weight_set "io.weight: $(cat $CG/stk-smoke-cpu/io.weight)"
cleanup_cg $CG/stk-smoke-cpu

finish
