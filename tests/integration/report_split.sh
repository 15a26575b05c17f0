#!/usr/bin/env bash
# report_split.sh — `--report` on a policy split into stacked seccomp filters
# (issue 16; docs/enforcer.md, "Violation reports", "A policy split into
# stacked filters"): the calls an earlier filter refuses by argument value
# are reported like the last filter's, the calls it allows run unreported,
# and the command sees exactly what it sees without --report; a kill in an
# earlier filter still kills; a policy whose last filter has no room for the
# notifications is refused (125) before the command runs.  Syscall numbers
# are x86_64's.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh
B=${STK_BUILD:-build}
S=$B/stockade
X=$B/stockade-exec
RP=$(realpath "$B/tests/helpers/report_probe" 2>/dev/null)
for f in "$S" "$X" "$RP"; do
    [ -x "$f" ] || { fail report_split_setup "$f not built"; exit 1; }
done
if [ "$(uname -m)" != x86_64 ]; then
    skip report_split "the syscall numbers here are x86_64's"
    exit 0
fi
itest_tmp

# 1,500 values on each of four syscalls (about 4,200 instructions: two
# filters), each syscall with values of its own: base + 3i, allowed for odd
# i, errno 77 (EBADFD) for even i; kill-process for the value 5; execveat
# denied (the exec hand-over rule, in the last filter)
names=(ioctl fcntl setsockopt getsockopt)
declare -A nr=([ioctl]=16 [fcntl]=72 [setsockopt]=54 [getsockopt]=55) base=()
{
    echo 'include "groups.stk"'
    echo 'policy split {'
    echo '    seccomp {'
    echo '        default errno EPERM'
    echo '        errno EACCES execveat'
    s=0
    for sc in "${names[@]}"; do
        base[$sc]=$((4096 + s * 10000)); s=$((s + 1))
        echo "        kill-process $sc if arg1 == 5"
        for i in $(seq 1 1500); do
            if [ $((i % 2)) -eq 0 ]; then echo "        errno 77 $sc if arg1 == $((base[$sc] + i * 3))"
            else echo "        allow $sc if arg1 == $((base[$sc] + i * 3))"; fi
        done
    done
    echo '        allow @system-service'
    echo '    }'
    echo '}'
} >"$T/split.stk"
if ! "$S" compile -o "$T/split.bundle" "$T/split.stk" 2>"$T/err"; then
    fail report_split_setup "compile: $(head -c 300 "$T/err")"; exit 1
fi
"$S" inspect --bpf "$T/split.bundle" >"$T/bpf" 2>&1
n=$(grep -c '^seccomp filter' "$T/bpf")
# which filter decides each syscall: the one that compares arg1 to its values
early="" last=""
for sc in "${names[@]}"; do
    hex=$(printf '#0x%x ' $((base[$sc] + 6)))
    k=$(awk -v h="$hex" '/^seccomp filter/{k++} index($0, h){print k; exit}' "$T/bpf")
    if [ "$k" = "$n" ]; then last=${last:-$sc}; elif [ -n "$k" ]; then early=${early:-$sc}; fi
done
if [ "$n" -lt 2 ] || [ -z "$early" ] || [ -z "$last" ]; then
    fail report_split_setup "want a syscall in an earlier filter and one in the last: $n filters, early=$early last=$last"
    exit 1
fi
E=${nr[$early]} L=${nr[$last]}
eb=${base[$early]} lb=${base[$last]}
# the same probe: a refused and an allowed value of the early syscall, a
# value outside its set (allowed by @system-service), a refused value of
# the last filter's syscall, sethostname (170: the default)
probe=(sysa "$E" -1 $((eb + 6)) sysa "$E" -1 $((eb + 3)) sysa "$E" -1 7 sysa "$L" -1 $((lb + 6))
       sysa "$L" -1 $((lb + 9)) sysa 170 0 0)

ok_line() { # OUT NAME VALUE RESULT: one report line for the call NAME(..=VALUE..) -> RESULT
    grep -qE "^stockade: report: pid [0-9]+ \(report_probe\): $2\([^)]*=$3[,)].* -> $4\$" <<<"$1"
}
for mode in exec run; do
    if [ $mode = exec ]; then
        plain=$("$X" "$T/split.bundle" -- "$RP" "${probe[@]}" 2>"$T/plain.err"); prc=$?
        rep=$("$X" --report "$T/split.bundle" -- "$RP" "${probe[@]}" 2>"$T/rep.err"); rrc=$?
    else
        plain=$("$S" run "$T/split.stk" -- "$RP" "${probe[@]}" 2>"$T/plain.err"); prc=$?
        rep=$("$S" run --report "$T/split.stk" -- "$RP" "${probe[@]}" 2>"$T/rep.err"); rrc=$?
    fi
    err=$(cat "$T/rep.err")
    # what the calls return: EBADFD (77) for the refused values, EBADF (9)
    # for the allowed ones (fd -1), EPERM for sethostname
    want="sysa $E $((eb + 6)): ret=-1 errno=77
sysa $E $((eb + 3)): ret=-1 errno=9
sysa $E 7: ret=-1 errno=9
sysa $L $((lb + 6)): ret=-1 errno=77
sysa $L $((lb + 9)): ret=-1 errno=9
sysa 170 0: ret=-1 errno=1"
    if [ $prc -eq 0 ] && [ $rrc -eq 0 ] && [ "$plain" = "$want" ] && [ "$rep" = "$want" ]; then
        pass "report_split_same_results_$mode"
    else fail "report_split_same_results_$mode" "rc=$prc/$rrc plain=[$plain] report=[$rep] $(head -c 400 "$T/plain.err")"; fi
    if ok_line "$err" "$early" $((eb + 6)) "errno EBADFD \\(blocked\\)"; then
        pass "report_split_early_filter_reported_$mode"
    else fail "report_split_early_filter_reported_$mode" "$early ($((eb + 6))): $err"; fi
    if ! grep -qE "=($((eb + 3))|7)[,)]" <<<"$err" && has "$err" "summary: 3 calls reported"; then
        pass "report_split_allowed_values_unreported_$mode"
    else fail "report_split_allowed_values_unreported_$mode" "$err"; fi
    if ok_line "$err" "$last" $((lb + 6)) "errno EBADFD \\(blocked\\)" &&
        ok_line "$err" sethostname 0 "errno EPERM \\(blocked\\)"; then
        pass "report_split_last_filter_reported_$mode"
    else fail "report_split_last_filter_reported_$mode" "$last ($((lb + 6))): $err"; fi
    if ! has "$err" "enforced but not reported"; then pass "report_split_no_warning_$mode"
    else fail "report_split_no_warning_$mode" "$err"; fi
done

# Fail closed: once the supervisor is gone (the command exited, a
# background process lives on) the listener is closed, and every call of
# the early syscall fails with ENOSYS (38), allowed value or not; the last
# filter's allowed values still run
rm -f "$T/late"
"$X" --report "$T/split.bundle" -- /bin/sh -c "( sleep 0.3; \"$RP\" sysa $E -1 $((eb + 3)) sysa $E -1 $((eb + 6)) sysa $L -1 $((lb + 9)) >\"$T/late\" ) & exit 0" 2>/dev/null
for _ in $(seq 1 50); do [ -s "$T/late" ] && break; sleep 0.1; done
sleep 0.1
late=$(cat "$T/late" 2>/dev/null)
if [ "$late" = "sysa $E $((eb + 3)): ret=-1 errno=38
sysa $E $((eb + 6)): ret=-1 errno=38
sysa $L $((lb + 9)): ret=-1 errno=9" ]; then pass report_split_supervisor_gone_enosys
else fail report_split_supervisor_gone_enosys "[$late]"; fi

# a kill in an earlier filter: the process is killed (SIGKILL under
# --report, docs/enforcer.md) and the kill is reported; the call after it
# never runs
out=$("$X" --report "$T/split.bundle" -- "$RP" sysa "$E" -1 5 sys 39 2>&1); rc=$?
if [ $rc -eq 137 ] && ok_line "$out" "$early" 5 "killed by SIGKILL \\(kill-process\\)" && ! has "$out" "sys 39"; then
    pass report_split_early_kill
else fail report_split_early_kill "rc=$rc $out"; fi
out=$("$X" "$T/split.bundle" -- "$RP" sysa "$E" -1 5 sys 39 2>&1); rc=$?
if [ $rc -eq 159 ] && ! has "$out" "sys 39"; then pass report_split_early_kill_plain
else fail report_split_early_kill_plain "rc=$rc $out"; fi

# The budget: conditions on many syscalls, eight bit tests each (not a
# value set).  The compiler keeps room in the last filter for --report's
# guard and notifications (bpf_split.c, report_reserve): --report runs.
# When the last filter's own rules (execveat's, which stay in it) need that
# room, it is packed to just under 4096 and --report refuses before the
# command runs; without --report it runs.
skipre='^(execve|execveat|seccomp|exit|exit_group|read|write|rt_sigreturn|brk|mmap|munmap|mprotect|close|fstat|newfstatat|openat|arch_prctl|set_tid_address|set_robust_list|rseq|prlimit64|getrandom|futex|rt_sigprocmask|rt_sigaction|ioctl|access|pread64|getpid|uname|sethostname|wait4|clone|clone3|fcntl|getppid|getuid|geteuid|getgid|getegid|dup2|dup3|pipe2|rt_sigsuspend|kill|tgkill|gettid|sched_yield)$'
mapfile -t many < <(awk -F, '!/^#/ && $1 != "name" && $2 != "-" {print $1}' common/data/syscalls.csv | grep -vE "$skipre" | head -300)
budget_policy() { # NAME [execveat values]
    {
        echo 'include "groups.stk"'
        echo "policy $1 { seccomp { default errno EPERM"
        for sc in "${many[@]}"; do
            for i in 1 2 3 4 5 6 7 8; do echo "errno 90 $sc if (arg0 & $((1 << i))) != 0"; done
        done
        [ "${2:-0}" -gt 0 ] && echo "errno 91 execveat if arg2 in ($(seq -s, 1000 7 $((1000 + 7 * $2))))"
        echo 'allow @system-service'
        echo '} }'
    } >"$T/$1.stk"
    "$S" compile -o "$T/$1.bundle" "$T/$1.stk" 2>"$T/err"
}
last_len() { "$S" explain "$T/$1.stk" 2>/dev/null | sed -n 's/.*stacked filters.* of \(.*\) instructions;.*/\1/p' | awk -F', ' '{print $NF}'; }
if ! budget_policy budget; then
    fail report_split_room_kept "compile: $(head -c 300 "$T/err")"
else
    rm -f "$T/ran"
    out=$("$X" --report "$T/budget.bundle" -- /bin/sh -c "echo RAN >$T/ran" 2>&1); rc=$?
    if [ $rc -eq 0 ] && [ -e "$T/ran" ] && has "$out" "report: summary"; then pass report_split_room_kept
    else fail report_split_room_kept "rc=$rc ran=$([ -e "$T/ran" ] && echo yes || echo no) last filter $(last_len budget): $out"; fi
fi
if ! budget_policy full 2200; then
    fail report_split_budget "compile: $(head -c 300 "$T/err")"
else
    llast=$(last_len full)
    rm -f "$T/ran"
    out=$("$X" --report "$T/full.bundle" -- /bin/sh -c "echo RAN >$T/ran" 2>&1); rc=$?
    if [ -z "$llast" ] || [ $((llast + 16)) -le 4096 ]; then
        fail report_split_budget "the policy no longer fills the last filter to just under 4096 (last filter: $llast)"
    elif [ $rc -eq 125 ] && [ ! -e "$T/ran" ] && has "$out" "exceeds the kernel's 4096"; then
        pass report_split_budget
    else fail report_split_budget "rc=$rc ran=$([ -e "$T/ran" ] && echo yes || echo no) last filter $llast: $out"; fi
    out=$("$X" "$T/full.bundle" -- /bin/sh -c "echo RAN >$T/ran" 2>&1); rc=$?
    if [ $rc -eq 0 ] && [ -e "$T/ran" ]; then pass report_split_budget_plain_runs
    else fail report_split_budget_plain_runs "rc=$rc $out"; fi
fi
# The exec hand-over on a split policy (docs/enforcer.md): the enforcer's own
# exec is the one call the hand-over rule lets through; the command's
# execveat(N, "/bin/echo", ..., AT_EMPTY_PATH), whatever N (the probe tries
# every descriptor number the hand-over could have used), gets the policy's
# answer (errno EACCES), each one reported, and /bin/echo never runs.
PB=$(realpath "$B/tests/helpers/probe" 2>/dev/null)
if [ -x "$PB" ]; then
    for mode in exec run; do
        if [ $mode = exec ]; then out=$("$X" --report "$T/split.bundle" -- "$PB" execat-scan /bin/echo 2>&1); rc=$?
        else out=$("$S" run --report "$T/split.stk" -- "$PB" execat-scan /bin/echo 2>&1); rc=$?; fi
        n=$(grep -c 'execveat(.*pathname="/bin/echo".*flags=0x1000) -> errno EACCES (blocked)$' <<<"$out")
        if [ $rc -eq 0 ] && has "$out" "execat-scan: all refused, errno=13" && ! has "$out" "BYPASSED" \
            && ! has "$out" "errno=13," && [ "$n" -ge 1109 ] && ! has "$out" 'pathname=""'; then
            pass "report_split_execveat_handover_refused_$mode"
        else
            fail "report_split_execveat_handover_refused_$mode" "rc=$rc $n reported: $(grep -v 'report: pid' <<<"$out" | head -c 800)"
        fi
    done
else
    fail report_split_execveat_handover_refused "$B/tests/helpers/probe not built"
fi
exit 0
