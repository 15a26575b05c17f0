#!/usr/bin/env bash
# report.sh — `--report` on the real kernel: every call the policy blocks or
# logs is reported by the supervisor, by name, with the action taken, and the
# command sees exactly what it would see without --report (docs/enforcer.md,
# "Violation reports").  Syscall numbers are x86_64's.
set -u
B=${STK_BUILD:-build}
STK=$B/stockade
EXEC=$B/stockade-exec
PROBE=$(realpath "$B/tests/helpers/probe")
RP=$(realpath "$B/tests/helpers/report_probe")
. "$(dirname "$0")/lib.sh"
itest_tmp

for f in "$STK" "$EXEC" "$PROBE" "$RP"; do
    [ -x "$f" ] || { echo "FAIL setup: $f not built"; exit 1; }
done
if [ "$(uname -m)" != x86_64 ]; then
    skip report "the syscall numbers here are x86_64's"
    exit 0
fi

# uname 63, getppid 110, sysfs 139, getcwd 79, getpgrp 111, getpid 39
cat >"$T/r.stk" <<'POL'
policy r {
    seccomp {
        default allow
        errno EPERM execve, execveat
        errno EACCES uname
        log getppid
        kill-process sysfs
    }
}
POL
cat >"$T/actions.stk" <<'POL'
policy actions {
    seccomp {
        default allow
        trap uname
        kill-thread sysfs
        trace 7 getcwd
        notify getpgrp
    }
}
POL
chmod 644 "$T"/*.stk

# A run: $out (stdout), $err (stderr), $rc.
go() {
    out=$("$@" 2>"$T/err")
    rc=$?
    err=$(cat "$T/err")
}

# 1. a denied call: reported by name with its errno; the command sees exactly that errno
go "$STK" run --report "$T/r.stk" -- "$RP" pid sys 63
pid=$(sed -n 's/^pid: //p' <<<"$out")
if [ $rc -eq 0 ] && has "$out" "sys 63: ret=-1 errno=13" \
    && has "$err" "stockade: report: pid $pid (report_probe): uname(buf=0) -> errno EACCES (blocked)"; then
    pass report_denied_by_name
else
    fail report_denied_by_name "rc=$rc out=$out err=$err"
fi
go "$STK" run "$T/r.stk" -- "$RP" sys 63
plain=$out
go "$STK" run --report "$T/r.stk" -- "$RP" sys 63
[ "$plain" = "$out" ] && has "$out" "errno=13" && pass report_same_errno_as_without \
    || fail report_same_errno_as_without "without: $plain / with: $out"

# 2. a logged call: reported, and it ran
go "$STK" run --report "$T/r.stk" -- "$RP" sys 110
if [ $rc -eq 0 ] && grep -qE '^sys 110: ret=[1-9][0-9]* errno=0$' <<<"$out" \
    && has "$err" "getppid() -> allowed (logged)"; then
    pass report_logged_runs
else
    fail report_logged_runs "rc=$rc out=$out err=$err"
fi

# 3. kill-process: reported, the process dies; of SIGKILL (137), not SIGSYS
# (159) as without --report: a SIGSYS sent by the supervisor could be caught
# (documented; tests/integration/reach.sh races a handler against it)
go "$STK" run --report "$T/r.stk" -- "$RP" sys 139 sys 39
if [ $rc -eq 137 ] && ! has "$out" "sys 39" && has "$err" "sysfs(option=0, arg1=0, arg2=0) -> killed by SIGKILL (kill-process)"; then
    pass report_kill_process
else
    fail report_kill_process "rc=$rc out=$out err=$err"
fi
# ... also when SIGSYS is blocked
go "$STK" run --report "$T/r.stk" -- "$RP" block-sigsys sys 139 sys 39
if [ $rc -eq 137 ] && ! has "$out" "sys 39" && has "$err" "-> killed by SIGKILL (kill-process)"; then
    pass report_kill_sigsys_blocked
else
    fail report_kill_sigsys_blocked "rc=$rc out=$out err=$err"
fi

# 4. exit status and the summary
go "$STK" run --report "$T/r.stk" -- "$PROBE" sys 63 sys 63 sys 110 exit 7
if [ $rc -eq 7 ] && has "$err" "stockade: report: summary: 3 calls reported" \
    && grep -qE '^stockade: report: +2  uname -> errno EACCES \(blocked\)$' <<<"$err" \
    && grep -qE '^stockade: report: +1  getppid -> allowed \(logged\)$' <<<"$err"; then
    pass report_exit_status_and_summary
else
    fail report_exit_status_and_summary "rc=$rc err=$err"
fi
go "$STK" run --report "$T/r.stk" -- "$PROBE" exit 0
[ $rc -eq 0 ] && has "$err" "stockade: report: summary: no call was blocked or logged" \
    && pass report_summary_nothing || fail report_summary_nothing "rc=$rc err=$err"
go "$STK" run --report "$T/r.stk" -- "$PROBE" kill 15
[ $rc -eq 143 ] && pass report_signal_status || fail report_signal_status "rc=$rc, expected 143"

# 5. a child process and a thread of the command report too
go "$STK" run --report "$T/r.stk" -- "$RP" fork-sys 63
cpid=$(sed -n 's/^fork sys 63: pid=\([0-9]*\).*/\1/p' <<<"$out")
if [ $rc -eq 0 ] && [ -n "$cpid" ] && has "$out" "fork sys 63: pid=$cpid ret=-1 errno=13" \
    && has "$err" "stockade: report: pid $cpid (report_probe): uname(buf=0) -> errno EACCES (blocked)"; then
    pass report_child_process
else
    fail report_child_process "rc=$rc out=$out err=$err"
fi
go "$STK" run --report "$T/r.stk" -- "$RP" pid thread-sys 63
pid=$(sed -n 's/^pid: //p' <<<"$out")
tid=$(sed -n 's/.*tid=\([0-9]*\)$/\1/p' <<<"$out")
if [ $rc -eq 0 ] && has "$out" "thread sys 63: ret=-1 errno=13" && [ -n "$tid" ] \
    && has "$err" "stockade: report: pid $pid tid $tid (report_probe): uname(buf=0) -> errno EACCES (blocked)"; then
    pass report_thread
else
    fail report_thread "rc=$rc out=$out err=$err"
fi

# 6. the other actions, compared with enforcement without --report
go "$STK" run "$T/actions.stk" -- "$RP" trap-sys 63
plain=$out
go "$STK" run --report "$T/actions.stk" -- "$RP" trap-sys 63
# the kernel's trap: handler runs at the call's return, which returns the
# syscall number (x86_64 rollback); under --report the same, but si_code is
# SI_TKILL (-6) instead of SYS_SECCOMP (1)
if [ $rc -eq 0 ] && has "$plain" "trap sys 63: ret=63 errno=0 sigsys=1 sync=1 code=1" \
    && has "$out" "trap sys 63: ret=63 errno=0 sigsys=1 sync=1 code=-6" \
    && has "$err" "uname(buf=0) -> SIGSYS, returns 63 (trap)"; then
    pass report_trap_handled
else
    fail report_trap_handled "rc=$rc without: $plain / with: $out / $err"
fi
go "$STK" run --report "$T/actions.stk" -- "$RP" sys 63 sys 39
if [ $rc -eq 159 ] && ! has "$out" "sys 39" && has "$err" "uname(buf=0) -> killed by SIGSYS (trap)"; then
    pass report_trap_unhandled
else
    fail report_trap_unhandled "rc=$rc out=$out err=$err"
fi
go "$STK" run --report "$T/actions.stk" -- "$RP" sys 139 sys 39
if [ $rc -eq 137 ] && ! has "$out" "sys 39" && has "$err" "sysfs(option=0, arg1=0, arg2=0) -> killed by SIGKILL (kill-thread)"; then
    pass report_kill_thread
else
    fail report_kill_thread "rc=$rc out=$out err=$err"
fi
go "$STK" run "$T/actions.stk" -- "$RP" sys 79 sys 111
plain=$out
go "$STK" run --report "$T/actions.stk" -- "$RP" sys 79 sys 111
if [ $rc -eq 0 ] && [ "$plain" = "$out" ] && has "$out" "sys 79: ret=-1 errno=38" && has "$out" "sys 111: ret=-1 errno=38" \
    && has "$err" "getcwd(buf=0, size=0) -> errno ENOSYS (trace)" && has "$err" "getpgrp() -> errno ENOSYS (notify)"; then
    pass report_trace_and_notify
else
    fail report_trace_and_notify "rc=$rc without: $plain / with: $out / $err"
fi

# 7. no listener or socket reaches the command
go "$STK" run --report "$T/r.stk" -- "$RP" fdlinks </dev/null
fdlist=$(grep -c '^fd ' <<<"$out")
if [ $rc -eq 0 ] && [ "$fdlist" -eq 3 ] && ! grep -qE 'seccomp|socket:|anon_inode' <<<"$out"; then
    pass report_no_fd_leak
else
    fail report_no_fd_leak "rc=$rc out=$out"
fi

# 8. without --report nothing forks: the command is the process that was started
out=$(sh -c 'echo "shell: $$"; exec "$@"' sh "$STK" run "$T/r.stk" -- "$RP" pid 2>&1)
if [ "$(sed -n 's/^shell: //p' <<<"$out")" = "$(sed -n 's/^pid: //p' <<<"$out")" ]; then
    pass report_off_no_fork
else
    fail report_off_no_fork "$out"
fi
out=$(sh -c 'echo "shell: $$"; exec "$@"' sh "$STK" run --report "$T/r.stk" -- "$RP" pid 2>&1)
s=$(sed -n 's/^shell: //p' <<<"$out")
p=$(sed -n 's/^pid: //p' <<<"$out")
[ -n "$p" ] && [ "$s" != "$p" ] && pass report_on_supervised || fail report_on_supervised "$out"

# 9. --report=FILE: the reports go to the file, not stderr
go "$STK" run --report="$T/report.log" "$T/r.stk" -- "$RP" sys 63
if [ $rc -eq 0 ] && ! has "$err" "stockade: report" && has "$(cat "$T/report.log" 2>/dev/null)" "uname(buf=0) -> errno EACCES (blocked)" \
    && has "$(cat "$T/report.log")" "summary: 1 call reported"; then
    pass report_to_file
else
    fail report_to_file "rc=$rc err=$err file=$(cat "$T/report.log" 2>&1)"
fi
go "$STK" run --report="$T/no/such/dir/x.log" "$T/r.stk" -- "$RP" pid
[ $rc -eq 125 ] && ! has "$out" "pid:" && has "$err" "stockade: report: opening" \
    && pass report_file_error_runs_nothing || fail report_file_error_runs_nothing "rc=$rc out=$out err=$err"
go "$STK" run --report= "$T/r.stk" -- "$RP" pid
[ $rc -eq 125 ] && ! has "$out" "pid:" && pass report_empty_file_name || fail report_empty_file_name "rc=$rc"

# 10. stockade-exec with a compiled bundle
if "$STK" compile -o "$T/r.bundle" "$T/r.stk" >/dev/null 2>&1; then
    chmod 644 "$T/r.bundle"
    go "$EXEC" --report "$T/r.bundle" -- "$RP" sys 63 sys 110 fork-sys 63
    if [ $rc -eq 0 ] && has "$out" "sys 63: ret=-1 errno=13" && [ "$(grep -c 'uname(buf=0) -> errno EACCES (blocked)' <<<"$err")" -eq 2 ] \
        && has "$err" "getppid() -> allowed (logged)"; then
        pass report_exec_bundle
    else
        fail report_exec_bundle "rc=$rc out=$out err=$err"
    fi
    # 11. rootless: an unprivileged caller (no_new_privs; user notification needs no privilege)
    if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
        go setpriv --reuid=65534 --regid=65534 --clear-groups "$EXEC" --report "$T/r.bundle" -- "$RP" sys 63 sys 110 sys 139
        if [ $rc -eq 137 ] && has "$out" "sys 63: ret=-1 errno=13" && has "$err" "uname(buf=0) -> errno EACCES (blocked)" \
            && has "$err" "getppid() -> allowed (logged)" && has "$err" "killed by SIGKILL (kill-process)"; then
            pass report_rootless
        else
            fail report_rootless "rc=$rc out=$out err=$err"
        fi
    else
        skip report_rootless "needs root (to become nobody) and setpriv"
    fi
else
    fail report_exec_bundle "stockade compile failed"
fi

# 12. a policy that denies what the hand-over itself uses (sendmsg, close,
#     futex, sched_yield...): no deadlock, the reports still arrive
cat >"$T/tight.stk" <<'POL'
policy tight {
    seccomp {
        default allow
        errno EPERM sendmsg, sendto, close, futex, sched_yield, exit, munmap, madvise, rt_sigprocmask
    }
}
POL
chmod 644 "$T/tight.stk"
# (the dynamic loader itself gives up when close fails: same status both ways)
go timeout 20 "$STK" run "$T/tight.stk" -- "$PROBE" exit 0
plain_rc=$rc
go timeout 20 "$STK" run --report "$T/tight.stk" -- "$PROBE" exit 0
if [ $rc -ne 124 ] && [ $rc -eq $plain_rc ] && has "$err" "close(fd=3) -> errno EPERM (blocked)" \
    && has "$err" "summary:"; then
    pass report_handover_denied_calls
else
    fail report_handover_denied_calls "rc=$rc (without --report: $plain_rc) out=$out err=$err"
fi

# 13. the command's own exec attempts are reported; the enforcer's exec is not
go "$STK" run --report "$T/r.stk" -- "$PROBE" exec /bin/true
if [ $rc -eq 0 ] && has "$out" "exec: errno=1" && has "$err" "execve(" && has "$err" "-> errno EPERM (blocked)" \
    && has "$err" "summary: 1 call reported"; then
    pass report_exec_denied
else
    fail report_exec_denied "rc=$rc out=$out err=$err"
fi


# The supervisor never blocks on its output (review finding): a command that
# fills the pipe the report goes to (or stops the caller's terminal) must not
# stall it, or nothing would be answered nor cleaned up.  stderr here is a
# pipe whose reader never reads; 5000 blocked calls make ~500 KB of lines.
mkfifo "$T/stall"
sleep 60 <"$T/stall" &
holder=$!
exec 7>"$T/stall"
start=$(date +%s)
out=$(timeout 30 "$STK" run --report "$T/r.stk" -- "$RP" sys-loop 5000 63 2>&7)
rc=$?
exec 7>&-
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
took=$(($(date +%s) - start))
if [ $rc -eq 0 ] && has "$out" "sys-loop 63: 5000 calls, last errno=13" && [ $took -lt 25 ]; then
    pass report_output_never_blocks
else
    fail report_output_never_blocks "rc=$rc after ${took}s: $out"
fi

# 14. the command cannot forge report lines (adversarial review): its strings
#     (a path with a newline, an escape sequence, 5000 bytes) and its thread
#     name (prctl PR_SET_NAME with a newline and ESC) come out quoted, one
#     line per call, no control byte reaching the caller's terminal
cat >"$T/inj.stk" <<'POL'
policy inj {
    seccomp {
        default allow
        errno EACCES uname, mkdir, mkdirat
        errno EPERM io_uring_setup, io_uring_enter, io_uring_register
    }
}
POL
chmod 644 "$T/inj.stk"
forged=$(printf '%s/x\nstockade: report: summary: no call was blocked or logged\n\033[2J' "$T")
long=$T/$(head -c 5000 /dev/zero | tr '\0' A)
go "$STK" run --report "$T/inj.stk" -- "$RP" comm "$(printf 'a\nstockade: \033')" mkdir "$forged" mkdir "$long" sys 63
nlines=$(printf '%s\n' "$err" | wc -l)
if [ $rc -eq 0 ] && [ "$(grep -c 'mkdir: ret=-1 errno=13' <<<"$out")" -eq 2 ] && has "$out" "sys 63: ret=-1 errno=13" \
    && [ "$nlines" -eq 6 ] && ! grep -q $'\033' <<<"$err" && ! grep -q 'no call was blocked' <<<"$(grep -v 'mkdir(pathname=' <<<"$err")" \
    && has "$err" '(a\nstockade: ?): mkdir(pathname="'"$T"'/x\nstockade: report: summary: no call was blocked or logged\n\x1b[2J", mode=0700) -> errno EACCES (blocked)' \
    && grep -q 'mkdir(pathname="'"$T"'/AAAA*"\.\.\., mode=0700) -> errno EACCES' <<<"$err" \
    && has "$err" "summary: 3 calls reported" && [ ! -e "$forged" ]; then
    pass report_no_line_injection
else
    fail report_no_line_injection "rc=$rc lines=$nlines out=$out err=$(head -c 3000 <<<"$err")"
fi

# issue 15: errno 0 answers success without running the call (uname(NULL) would fail
# with EFAULT if it ran), with and without --report, and --report says so
printf 'policy z {\n    seccomp {\n        default allow\n        errno 0 uname\n    }\n}\n' >"$T/z.stk"
chmod 644 "$T/z.stk"
go "$RP" sys 63
unconfined=$out
go "$STK" run "$T/z.stk" -- "$RP" sys 63
plain=$out
prc=$rc
go "$STK" run --report "$T/z.stk" -- "$RP" sys 63
if has "$unconfined" "sys 63: ret=-1 errno=14" && [ $prc -eq 0 ] && has "$plain" "sys 63: ret=0 errno=0" \
    && [ $rc -eq 0 ] && [ "$plain" = "$out" ] && has "$err" "uname(buf=0) -> returns 0, not run (errno 0)"; then
    pass report_errno_zero_returns_success
else
    fail report_errno_zero_returns_success "unconfined=$unconfined plain=$plain rc=$prc/$rc out=$out err=$err"
fi

[ $fails -eq 0 ]
