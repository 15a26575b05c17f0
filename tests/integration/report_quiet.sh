#!/usr/bin/env bash
# report_quiet.sh — `quiet` (issue 15): a denial the policy expects (clone3
# -> ENOSYS, once per new thread; glibc then falls back to clone) is counted
# in the --report summary and not printed call by call; other calls still
# are, and a kill is always printed, quiet or not.  Before `quiet`, every
# thread printed its clone3 line and there was no way to mark it.
set -u
B=${STK_BUILD:-build}
STK=$B/stockade
EXEC=$B/stockade-exec
. "$(dirname "$0")/lib.sh"
itest_tmp /tmp/stk-rq-XXXXXX
[ -x "$STK" ] || { echo "FAIL setup: $STK not built"; exit 1; }
command -v python3 >/dev/null || { skip report_quiet_all "no python3"; exit 0; }

cat >"$T/q.stk" <<'POL'
policy q {
    seccomp {
        default allow
        errno ENOSYS clone3
        errno EPERM getppid
        quiet clone3
    }
}
POL
threads='import threading
ts = [threading.Thread(target=lambda: None) for i in range(4)]
[t.start() for t in ts]
[t.join() for t in ts]'
out=$("$STK" run "$T/q.stk" --report -- python3 -c "$threads
import os
os.getppid()" 2>&1)
rc=$?
if [ $rc -eq 0 ] && ! has "$out" "clone3(" && grep -qE 'report: +[4-9][0-9]* +clone3 -> errno ENOSYS \(blocked, quiet\)' <<<"$out"; then
    pass report_quiet_counted_not_printed
else
    fail report_quiet_counted_not_printed "rc=$rc: $out"
fi
if has "$out" "getppid() -> errno EPERM (blocked)"; then
    pass report_quiet_others_printed
else
    fail report_quiet_others_printed "$out"
fi

# the same through a compiled bundle and the static enforcer
if "$STK" compile -o "$T/q.bundle" "$T/q.stk" 2>/dev/null; then
    out=$("$EXEC" --report "$T/q.bundle" -- python3 -c "$threads" 2>&1)
    if ! has "$out" "clone3(" && has "$out" "clone3 -> errno ENOSYS (blocked, quiet)"; then
        pass report_quiet_stockade_exec
    else
        fail report_quiet_stockade_exec "$out"
    fi
    out=$("$STK" inspect "$T/q.bundle" 2>&1)
    if has "$out" "with --report: 1 quiet call number"; then
        pass report_quiet_inspect
    else
        fail report_quiet_inspect "$out"
    fi
else
    fail report_quiet_stockade_exec "compile failed"
fi

# a kill is never quiet
cat >"$T/k.stk" <<'POL'
policy k {
    seccomp {
        default allow
        kill-process getppid
        quiet getppid
    }
}
POL
out=$("$STK" run "$T/k.stk" --report -- python3 -c 'import os; os.getppid()' 2>&1)
if has "$out" "getppid() -> killed by SIGKILL (kill-process)"; then
    pass report_quiet_kill_printed
else
    fail report_quiet_kill_printed "$out"
fi

# a name that is not a syscall: an error at the name
printf 'policy e {\n    seccomp {\n        default allow\n        quiet clon3\n    }\n}\n' >"$T/e.stk"
out=$("$STK" check "$T/e.stk" 2>&1)
if [ $? -ne 0 ] && has "$out" "4:15: error: unknown syscall 'clon3'" && has "$out" "did you mean 'clone'"; then
    pass report_quiet_unknown_name
else
    fail report_quiet_unknown_name "$out"
fi
[ $fails -eq 0 ]
