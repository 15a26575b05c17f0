#!/usr/bin/env bash
# exec_comm.sh — a command exec'd by descriptor (the policy denies execve or
# execveat) gets the name a plain exec of the same path gives: the last
# component of the path as given, not a symbolic link's target (Debian's
# redis-server -> redis-check-rdb made `pgrep -x redis-server` fail), not the
# descriptor's number; for a #! script, the script's name.  The exec still
# runs exactly the file that was opened (exec_name.c).
set -u
B=${STK_BUILD:-build}
STK=$(realpath "$B/stockade")
EXEC=$(realpath "$B/stockade-exec")
. "$(dirname "$0")/lib.sh"
itest_tmp /var/tmp/stk-comm-XXXXXX
mkdir "$T/bin"
CAT=$(command -v cat)
ln -s "$CAT" "$T/bin/stk-linked-cat"
printf '#!/bin/sh\nread -r c </proc/$$/comm\necho "$c"\n' >"$T/bin/stk-script"
chmod 755 "$T/bin/stk-script"
printf 'policy deny { seccomp { default allow\n errno EPERM execve, execveat } }\n' >"$T/deny.stk"
printf 'policy denyve { seccomp { default allow\n errno EPERM execve } }\n' >"$T/denyve.stk"
printf 'policy user { user nobody\n seccomp { default allow\n errno EPERM execve, execveat } }\n' >"$T/user.stk"
printf 'policy view { namespaces pid, mount\n filesystem { readonly /\n proc }\n seccomp { default allow\n errno EPERM execve, execveat } }\n' >"$T/view.stk"
printf 'policy noproc { namespaces mount\n filesystem { mask /proc }\n seccomp { default allow\n errno EPERM execve, execveat } }\n' >"$T/noproc.stk"
chmod 644 "$T"/*.stk

# a plain exec of the link, for reference
ref=$("$T/bin/stk-linked-cat" /proc/self/comm)
[ "$ref" = stk-linked-cat ] || fail reference "a plain exec names it '$ref'"

comm_is() { # test name, expected, command...
    local name=$1 want=$2
    shift 2
    local out rc
    out=$("$@" 2>"$T/err"); rc=$?
    if [ $rc -eq 0 ] && [ "$out" = "$want" ]; then
        pass "$name"
    else
        fail "$name" "rc=$rc, comm '$out', want '$want': $(cat "$T/err")"
    fi
}
comm_is symlink_hand_over stk-linked-cat "$STK" run "$T/deny.stk" -- "$T/bin/stk-linked-cat" /proc/self/comm
comm_is symlink_execve_denied stk-linked-cat "$STK" run "$T/denyve.stk" -- "$T/bin/stk-linked-cat" /proc/self/comm
comm_is symlink_via_path stk-linked-cat env PATH="$T/bin:/usr/bin:/bin" "$STK" run "$T/deny.stk" -- stk-linked-cat /proc/self/comm
comm_is symlink_report stk-linked-cat "$STK" run --report "$T/deny.stk" -- "$T/bin/stk-linked-cat" /proc/self/comm
"$STK" compile -o "$T/deny.bundle" "$T/deny.stk" >/dev/null 2>&1 && chmod 644 "$T/deny.bundle"
comm_is symlink_stockade_exec stk-linked-cat "$EXEC" "$T/deny.bundle" -- "$T/bin/stk-linked-cat" /proc/self/comm
comm_is script_name stk-script "$STK" run "$T/denyve.stk" -- "$T/bin/stk-script"
comm_is plain_binary cat "$STK" run "$T/deny.stk" -- "$CAT" /proc/self/comm
if [ "$(id -u)" -eq 0 ]; then
    comm_is symlink_changed_user stk-linked-cat "$STK" run "$T/user.stk" -- "$T/bin/stk-linked-cat" /proc/self/comm
    # the name check runs before the identity changes (as root here): it
    # never opens what is not a regular file.  A FIFO only root may open:
    # opening it for reading would release the writer waiting on it.
    mkfifo -m 600 "$T/bin/stk-fifo"
    ( exec 3>"$T/bin/stk-fifo"; echo released >"$T/fifo-writer" ) &
    writer=$!
    "$STK" run "$T/user.stk" -- "$T/bin/stk-fifo" >/dev/null 2>&1; rc=$?
    sleep 0.3
    if [ $rc -ne 0 ] && [ ! -e "$T/fifo-writer" ]; then
        pass name_check_opens_no_fifo
    else
        fail name_check_opens_no_fifo "rc=$rc; the FIFO was opened as root: $(cat "$T/fifo-writer" 2>/dev/null)"
    fi
    kill "$writer" 2>/dev/null; wait "$writer" 2>/dev/null
    comm_is symlink_in_view stk-linked-cat "$STK" run "$T/view.stk" -- "$T/bin/stk-linked-cat" /proc/self/comm
    # no /proc in the view: the link cannot lead to the open file; the exec by
    # descriptor still runs the command (under the kernel's name)
    out=$("$STK" run "$T/noproc.stk" -- "$T/bin/stk-linked-cat" "$T/deny.stk" 2>&1); rc=$?
    [ $rc -eq 0 ] && has "$out" "errno EPERM execve" && pass no_proc_still_runs || fail no_proc_still_runs "rc=$rc: $out"
    # an unprivileged caller: in its own user and mount namespaces the
    # enforcer can make the name directory; without them it cannot, and the
    # command still runs (by its descriptor, under the kernel's name)
    printf 'policy userns { namespaces user, mount\n seccomp { default allow\n errno EPERM execve, execveat } }\n' >"$T/userns.stk"
    chmod 644 "$T/userns.stk"
    nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
    if [ "$(cat /proc/sys/user/max_user_namespaces 2>/dev/null || echo 0)" = 0 ]; then
        skip symlink_rootless_userns "no unprivileged user namespaces"
    else
        comm_is symlink_rootless_userns stk-linked-cat nobody "$STK" run "$T/userns.stk" -- "$T/bin/stk-linked-cat" /proc/self/comm
    fi
    out=$(nobody "$STK" run "$T/deny.stk" -- "$T/bin/stk-linked-cat" "$T/deny.stk" 2>&1); rc=$?
    [ $rc -eq 0 ] && has "$out" "errno EPERM execve" && pass rootless_no_namespace_still_runs \
        || fail rootless_no_namespace_still_runs "rc=$rc: $out"
else
    skip symlink_changed_user "needs root"
fi
# the command itself still cannot exec anything: the hand-over let through the enforcer's exec only
out=$("$STK" run "$T/deny.stk" -- "$T/bin/stk-script" 2>&1); rc=$?
out2=$("$STK" run "$T/deny.stk" -- sh -c "$T/bin/stk-linked-cat /proc/self/comm" 2>&1); rc2=$?
if [ $rc2 -ne 0 ] && has "$out2" "Operation not permitted"; then
    pass command_exec_still_denied
else
    fail command_exec_still_denied "rc=$rc2: $out2"
fi
[ $fails -eq 0 ]
