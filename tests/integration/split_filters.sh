#!/usr/bin/env bash
# split_filters.sh — a policy over 4096 instructions (issue 16): compiled into
# stacked filters that stockade-exec and run install on the real kernel, with
# the exec hand-over rule (execveat denied) in the last one; inspect and
# explain say how many filters; --emit=bpf, which writes one program, refuses
# with the reason; diff compares the stacks; --report reports what every
# filter decides (report_split.sh: the details).
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh
S=${STK_BUILD:-build}/stockade
X=${STK_BUILD:-build}/stockade-exec
[ -x "$S" ] && [ -x "$X" ] || { fail split_filters "$S or $X not built"; exit 1; }
itest_tmp
BB=$(command -v busybox) || { skip split_filters "busybox-static is not installed (tools/deps.sh test)"; exit 0; }

# 1,500 values on each of four syscalls: about 8,000 instructions; execveat denied
{
    echo 'include "groups.stk"'
    echo 'policy big {'
    echo '    seccomp {'
    echo '        default errno EPERM'
    echo '        errno EACCES execveat'
    for sc in ioctl fcntl setsockopt getsockopt; do
        for i in $(seq 1 1500); do
            if [ $((i % 2)) -eq 0 ]; then echo "        errno 77 $sc if arg1 == $((i * 3 + 4096))"
            else echo "        allow $sc if arg1 == $((i * 3 + 4096))"; fi
        done
    done
    echo '        allow @system-service'
    echo '    }'
    echo '}'
} >"$T/big.stk"

if "$S" compile -o "$T/big.bundle" "$T/big.stk" 2>"$T/err"; then pass split_compiles
else fail split_compiles "$(head -c 300 "$T/err")"; fi

out=$("$S" inspect "$T/big.bundle" 2>&1)
n=$(grep -o 'seccomp: [0-9]* stacked filters' <<<"$out" | grep -o '[0-9]*')
if [ -n "$n" ] && [ "$n" -ge 2 ] && has "$out" "1 exec descriptor site, with the hand-over listener"; then
    pass split_inspect_says_filters
else fail split_inspect_says_filters "$(grep seccomp <<<"$out")"; fi
out=$("$S" inspect --bpf "$T/big.bundle" 2>&1)
if has "$out" "seccomp filter 1 of $n, installed first (exec descriptor sites:)" &&
    grep -q "seccomp filter $n of $n, installed last (exec descriptor sites: [0-9]" <<<"$out"; then
    pass split_inspect_bpf_each_filter
else fail split_inspect_bpf_each_filter "$(grep '^seccomp filter' <<<"$out")"; fi

out=$("$S" explain "$T/big.stk" 2>&1)
if has "$out" "split into $n stacked filters" && has "$out" "of the kernel's 32768 per process"; then
    pass split_explain_says_filters
else fail split_explain_says_filters "$(grep program: <<<"$out")"; fi

# the real kernel: installed through the hand-over listener, the command runs
# and its denied calls get the policy's answers
out=$("$X" "$T/big.bundle" -- "$BB" sh -c 'echo confined; exec 3<>/dev/null; echo ok' 2>&1); rc=$?
if [ $rc -eq 0 ] && has "$out" "confined" && has "$out" "ok"; then pass split_exec_runs
else fail split_exec_runs "rc=$rc $out"; fi
out=$("$S" run "$T/big.stk" -- "$BB" sh -c 'echo via run' 2>&1); rc=$?
if [ $rc -eq 0 ] && has "$out" "via run"; then pass split_run_runs
else fail split_run_runs "rc=$rc $out"; fi
# execveat is denied for the command (the hand-over rule let only the enforcer's own exec through)
out=$("$S" sim "$T/big.stk" execveat 2>&1)
if has "$out" "execveat: errno EACCES" && has "$out" "in all the stacked filters"; then pass split_sim
else fail split_sim "$out"; fi
out=$("$S" sim "$T/big.stk" ioctl 0 4102 2>&1)
if has "$out" "ioctl: errno EBADFD"; then pass split_sim_value  # errno 77
else fail split_sim_value "$out"; fi

"$S" compile --emit=bpf -o "$T/big.bpf" "$T/big.stk" 2>"$T/err"; rc=$?
if [ $rc -eq 1 ] && has "$(cat "$T/err")" "stacked seccomp filters" && [ ! -s "$T/big.bpf" ]; then
    pass split_emit_bpf_refused
else fail split_emit_bpf_refused "rc=$rc $(cat "$T/err")"; fi
# --report: the last filter notifies (the kernel allows one listener), for
# the other filters' calls too (report_split.sh); nothing is said to go
# unreported
out=$("$X" --report "$T/big.bundle" -- "$BB" hostname stk-split 2>&1); rc=$?
if [ $rc -eq 1 ] && ! has "$out" "not reported" &&
    has "$out" "sethostname(name=\"stk-split\", len=9) -> errno EPERM (blocked)" && [ "$(hostname)" != stk-split ]; then
    pass split_report_last_filter
else fail split_report_last_filter "rc=$rc $out"; fi
out=$("$X" --report "$T/big.bundle" -- "$BB" sh -c 'exec 3<>/dev/null; echo reported-run' 2>&1); rc=$?
if [ $rc -eq 0 ] && has "$out" "reported-run"; then pass split_report_runs
else fail split_report_runs "rc=$rc $out"; fi
# diff compares the stacks' combined decisions (more in diff_cli.sh)
out=$("$S" diff --fail-on=any "$T/big.bundle" "$T/big.stk" 2>&1); rc=$?
if [ $rc -eq 0 ] && has "$out" "0 loosened, 0 tightened, 0 changed" && ! has "$out" "approximate"; then
    pass split_diff_same
else fail split_diff_same "rc=$rc $out"; fi
# inherited filters that leave room for the first filter but not the last
# (the kernel's 32768-instruction budget over all of a process's filters,
# each counted as its length + 4): the enforcer must fail closed, 125 and the
# seccomp step named, and the command must not run with only some filters in
OB=${STK_BUILD:-build}/tests/helpers/outer_bigfilter
if [ -x "$OB" ]; then
    lens=$("$S" inspect --bpf "$T/big.bundle" | awk '/^seccomp filter/{n++} /^ *[0-9]+:/{c[n]++} END{print c[1]+0, c[n]+0}')
    read -r l1 llast <<<"$lens"
    # room left after COUNT outer filters of 4096: 32768 - COUNT*4100; pick
    # COUNT so that the first filter fits and the rest do not
    count=""
    for c in 1 2 3 4 5 6 7; do
        room=$((32768 - c * 4100))
        [ $room -ge $((l1 + 4)) ] && [ $room -lt $((l1 + llast + 8)) ] && count=$c
    done
    if [ -z "$count" ] || [ "$l1" -eq 0 ]; then
        fail split_budget_setup "no outer filter count fits (filter lengths: $lens)"
    else
        XA=$(realpath "$X"); SA=$(realpath "$S")
        for mode in exec report run; do
            rm -f "$T/ran"
            case $mode in
            exec) out=$("$OB" "$count" 4096 "$XA" "$T/big.bundle" -- "$BB" sh -c "echo RAN >$T/ran" 2>&1); rc=$? ;;
            report) out=$("$OB" "$count" 4096 "$XA" --report "$T/big.bundle" -- "$BB" sh -c "echo RAN >$T/ran" 2>&1); rc=$? ;;
            run) out=$("$OB" "$count" 4096 "$SA" run "$T/big.stk" -- "$BB" sh -c "echo RAN >$T/ran" 2>&1); rc=$? ;;
            esac
            if [ $rc -eq 125 ] && [ ! -e "$T/ran" ] && has "$out" "seccomp: " && has "$out" "Cannot allocate memory"; then
                pass "split_budget_fails_closed_$mode"
            else fail "split_budget_fails_closed_$mode" "rc=$rc ran=$([ -e "$T/ran" ] && echo yes || echo no) $out"; fi
        done
    fi
else
    fail split_budget_setup "$OB not built"
fi
exit 0
