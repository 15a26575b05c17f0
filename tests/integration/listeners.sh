#!/usr/bin/env bash
# listeners.sh — seccomp user-notification listeners that are not stockade's.
#
# 1. Under `--report` the command never gets a seccomp
# listener of its own (docs/enforcer.md, "Violation reports"): a left-over
# process that outlives the supervisor (its parent exited, or killed the
# supervisor first) installs a filter with SECCOMP_FILTER_FLAG_NEW_LISTENER
# that notifies a call the policy denies and answers CONTINUE.  The newest
# filter wins a USER_NOTIF tie, so without the guard the denied call ran.
#
# 2. Under a parent that already holds a listener (a container runtime that
# intercepts calls) the kernel refuses stockade's own (EBUSY): a policy that
# denies execveat, or --report, fails closed with a message naming the cause.
#
# Syscall numbers are x86_64's (uname 63).
set -u
B=${STK_BUILD:-build}
STK=$B/stockade
LP=$(realpath "$B/tests/helpers/listener_probe")
OUTER=$(realpath "$B/tests/helpers/outer_listener")
. "$(dirname "$0")/lib.sh"
itest_tmp

for f in "$STK" "$LP" "$OUTER"; do
    [ -x "$f" ] || { echo "FAIL setup: $f not built"; exit 1; }
done
if [ "$(uname -m)" != x86_64 ]; then
    skip listeners "the syscall numbers here are x86_64's"
    exit 0
fi

cat >"$T/nouname.stk" <<'POL'
policy nouname {
    seccomp {
        default allow
        errno EPERM uname
    }
}
POL
chmod 644 "$T/nouname.stk"
mkdir "$T/out"
chmod 777 "$T/out"

# The probe's left-over child writes "done" last; wait for it (up to 15 s).
wait_done() {
    local i
    for i in $(seq 150); do
        grep -q '^done$' "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

# $1 name, $2 exit|kill, $3.. how to run stockade (prefix)
probe() {
    local name=$1 mode=$2 o="$T/out/$1"
    shift 2
    # (a subshell: the shell's own "Killed" notice stays out of the log)
    ("$@" "$STK" run --report "$T/nouname.stk" -- "$LP" "$o" 63 "$mode" >"$T/$name.stdout" 2>"$T/$name.err" </dev/null
     true) 2>/dev/null
    if ! wait_done "$o"; then
        fail "$name" "the probe did not finish: $(cat "$o" 2>/dev/null)"
        return
    fi
    local res
    res=$(cat "$o")
    if ! has "$res" "before: ret=-1 errno=1" || ! has "$res" "supervisor: gone"; then
        fail "$name" "setup: $res"
    elif has "$res" "after: ret=0"; then
        fail "$name" "the denied call ran through the command's own listener: $res"
    elif has "$res" "listener: fd=-1 errno=16"; then
        pass "$name"
    else
        fail "$name" "unexpected: $res"
    fi
}

probe report_listener_parent_exits exit
probe report_listener_supervisor_killed kill
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
    probe report_listener_rootless_killed kill setpriv --reuid=65534 --regid=65534 --clear-groups
else
    skip report_listener_rootless_killed "needs root (to become nobody) and setpriv"
fi

# Without --report the policy's own errno outranks any listener's answer.
o="$T/out/plain"
"$STK" run "$T/nouname.stk" -- "$LP" "$o" 63 nowait >/dev/null 2>&1 </dev/null
if wait_done "$o" && has "$(cat "$o")" "before: ret=-1 errno=1" && ! has "$(cat "$o")" "after: ret=0"; then
    pass report_listener_without_report
else
    fail report_listener_without_report "$(cat "$o" 2>/dev/null)"
fi

# 1b. with a pid namespace the init (the enforcer's parent) does not keep the
#     enforcer's end of the listener's socket for the whole run
if [ "$(id -u)" -eq 0 ]; then
    cat >"$T/pidns.stk" <<'POL'
policy pidns {
    namespaces pid, mount
    seccomp {
        default allow
        errno EPERM uname
    }
}
POL
    chmod 644 "$T/pidns.stk"
    "$STK" run --report "$T/pidns.stk" -- /bin/sleep 3 >/dev/null 2>"$T/pidns.err" </dev/null &
    sv=$!
    init=""
    for i in $(seq 50); do
        init=$(cat /proc/$sv/task/*/children 2>/dev/null | tr -d ' ')
        [ -n "$init" ] && [ -n "$(cat /proc/$init/task/*/children 2>/dev/null)" ] && break
        sleep 0.1
    done
    links=""
    if [ -n "$init" ] && grep -q 'NSpid:.*[[:space:]]1$' /proc/$init/status 2>/dev/null; then
        for l in /proc/$init/fd/*; do links+="$(readlink "$l") "; done
        if has "$links" "socket:"; then
            fail report_init_closes_socket "the init holds: $links"
        else
            pass report_init_closes_socket
        fi
    else
        fail report_init_closes_socket "no init found under $sv"
    fi
    wait $sv
else
    skip report_init_closes_socket "needs root (pid namespace)"
fi

# 2. an outer listener: exit 125 and the cause, for both uses of a listener
cat >"$T/noexec.stk" <<'POL'
policy noexec {
    seccomp {
        default allow
        errno EPERM execve, execveat
    }
}
POL
chmod 644 "$T/noexec.stk"
err=$("$OUTER" "$STK" run "$T/noexec.stk" -- /bin/true 2>&1)
rc=$?
if [ $rc -eq 125 ] && has "$err" "stockade: seccomp:" && has "$err" "inherited already has one" \
    && has "$err" "allow execveat"; then
    pass outer_listener_exec_denied
else
    fail outer_listener_exec_denied "rc=$rc err=$err"
fi
err=$("$OUTER" "$STK" run --report "$T/nouname.stk" -- /bin/true 2>&1)
rc=$?
if [ $rc -eq 125 ] && has "$err" "--report needs a user-notification listener" && has "$err" "inherited already has one"; then
    pass outer_listener_report
else
    fail outer_listener_report "rc=$rc err=$err"
fi
# a policy that needs no listener runs as usual under it
err=$("$OUTER" "$STK" run "$T/nouname.stk" -- /bin/true 2>&1)
rc=$?
[ $rc -eq 0 ] && pass outer_listener_plain_policy || fail outer_listener_plain_policy "rc=$rc err=$err"

[ $fails -eq 0 ]
