#!/usr/bin/env bash
# reach.sh — what a confined command can reach outside its sandbox
# (issue #10, items 3, 4, 6; docs/enforcer.md "Ptrace isolation", step 9's
# session keyring, "Violation reports"):
#   * /proc/PID/mem of processes of its own uid outside the sandbox (the
#     caller's shell, a sibling, the --report supervisor): refused;
#   * the supervisor is non-dumpable and keeps only CAP_KILL (+ CAP_SYS_PTRACE
#     for --report);
#   * the caller's session keyring: replaced by an empty one;
#   * kill-process under --report cannot be survived by installing a SIGSYS
#     handler from another thread.
# Nothing here writes to another process: /proc/PID/mem is only opened for
# writing.  The keys live in a session keyring the test makes for itself.
set -u
B=${STK_BUILD:-build}
STK=$(realpath "$B/stockade")
RP=$(realpath "$B/tests/helpers/reach_probe")
REP=$(realpath "$B/tests/helpers/report_probe")
T=$(mktemp -d)
chmod 755 "$T"
bg=""
cleanup() {
    for p in $bg; do kill "$p" 2>/dev/null; done
    rm -rf "$T"
}
trap cleanup EXIT
. "$(dirname "$0")/lib.sh"

for f in "$STK" "$RP" "$REP"; do
    [ -x "$f" ] || { echo "FAIL setup: $f not built"; exit 1; }
done
if [ "$(id -u)" -ne 0 ] || ! command -v setpriv >/dev/null; then
    skip reach "needs root (to become nobody and to compare) and setpriv"
    exit 0
fi
landlock=0
[ "$("$RP" landlock-abi)" != "landlock-abi: 0" ] && [ "$("$RP" landlock-abi)" != "landlock-abi: 1" ] && landlock=1
asnobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }

# a policy of seccomp alone (ptrace and process_vm_* refused, as in the
# review), and the same with a kill-process rule
cat >"$T/s.stk" <<'POL'
policy s {
    seccomp {
        default allow
        errno EPERM ptrace, process_vm_readv, process_vm_writev
        kill-process sysfs
    }
}
POL
cat >"$T/nobody.stk" <<'POL'
policy nb {
    user nobody
    group nogroup
    seccomp {
        default allow
        errno EPERM ptrace, process_vm_readv, process_vm_writev
    }
}
POL
cat >"$T/admin.stk" <<'POL'
policy admin {
    capabilities { keep sys_admin }
    seccomp {
        default allow
        errno EPERM ptrace
    }
}
POL
cat >"$T/pidns.stk" <<'POL'
policy pidns {
    namespaces user, pid, mount
    filesystem {
        proc /proc
    }
    seccomp {
        default allow
        errno EPERM ptrace
    }
}
POL
cat >"$T/race.stk" <<'POL'
policy race {
    capabilities { keep sys_nice }
    seccomp {
        default allow
        kill-process mount
    }
}
POL
chmod 644 "$T"/*.stk

# ---- 3. /proc/PID/mem of processes outside -------------------------------------------------

# 3a. unprivileged caller: its shell (the command's parent) and a sibling
out=$(asnobody sh -c 'sleep 30 & s=$!; "$1" run "$2" -- "$3" pid mem $$ mem $s; kill $s; true' sh "$STK" "$T/s.stk" "$RP" 2>&1)
ppid=$(sed -n 's/^pid: [0-9]* ppid: //p' <<<"$out")
if [ "$landlock" -eq 0 ]; then
    skip reach_mem_unprivileged "no Landlock on this kernel"
elif [ -n "$ppid" ] && has "$out" "mem $ppid: errno=" && [ "$(grep -c '^mem [0-9]*: errno=' <<<"$out")" -eq 2 ] \
    && ! has "$out" ": ok"; then
    pass reach_mem_unprivileged
else
    fail reach_mem_unprivileged "the command opened the memory of a process outside: $out"
fi

# 3b. root caller, command as root without capabilities (the default): a
# sibling root process that holds no capability either (the shell, holding
# more capabilities than the command, is out of its reach anyway)
out=$(sh -c 'setpriv --securebits +noroot,+noroot_locked --bounding-set -all --inh-caps -all sleep 30 & s=$!
             sleep 0.2; "$1" run "$2" -- "$3" mem $s; kill $s; true' sh "$STK" "$T/s.stk" "$RP" 2>&1)
if [ "$landlock" -eq 0 ]; then
    skip reach_mem_root_nocaps "no Landlock on this kernel"
elif grep -q '^mem [0-9]*: errno=' <<<"$out" && ! has "$out" ": ok"; then
    pass reach_mem_root_nocaps
else
    fail reach_mem_root_nocaps "$out"
fi

# 3c. ... while what is inside stays reachable (itself, its children), and
# the domain restricts no file access: a rename across directories works
mkdir -p "$T/d1" "$T/d2" && touch "$T/d1/f" && chown -R 65534:65534 "$T/d1" "$T/d2"
out=$(asnobody "$STK" run "$T/s.stk" -- sh -c 'sleep 30 & "$1" mem self mem $! rename "$2/d1/f" "$2/d2/f"; kill $!' sh "$RP" "$T" 2>&1)
if [ "$(grep -c '^mem [0-9a-z]*: ok' <<<"$out")" -eq 2 ] && has "$out" "rename: ok" && [ -e "$T/d2/f" ] \
    && ! has "$out" "stockade:"; then
    pass reach_inside_still_reachable
else
    fail reach_inside_still_reachable "$out"
fi

# 3d. --report: the supervisor (the command's parent) is out of reach, from
# inside and from another process of the same uid outside
out=$(asnobody "$STK" run --report "$T/s.stk" -- "$RP" pid mem ppid owner ppid 2>&1)
ppid=$(sed -n 's/^pid: [0-9]* ppid: //p' <<<"$out")
if [ -n "$ppid" ] && has "$out" "mem $ppid: errno=" && has "$out" "owner $ppid: 0"; then
    pass reach_report_supervisor_from_inside
else
    fail reach_report_supervisor_from_inside "$out"
fi
setpriv --reuid=65534 --regid=65534 --clear-groups "$STK" run --report "$T/s.stk" -- sleep 3 >/dev/null 2>&1 &
sv=$!
bg="$bg $sv"
sleep 0.5
out=$(asnobody "$RP" mem "$sv" 2>&1)
if has "$out" "mem $sv: errno="; then
    pass reach_report_supervisor_non_dumpable
else
    fail reach_report_supervisor_non_dumpable "a process of the same uid opened the supervisor's memory: $out"
fi
kill "$sv" 2>/dev/null
wait "$sv" 2>/dev/null

# 3e. the supervisor keeps CAP_KILL and (for --report's reading of the
# command's memory) CAP_DAC_READ_SEARCH and CAP_SYS_PTRACE, nothing else
out=$("$STK" run --report "$T/s.stk" -- "$RP" caps ppid 2>&1)
if has "$out" "CapPrm=0000000000080024 CapEff=0000000000080024"; then
    pass reach_supervisor_caps_dropped
else
    fail reach_supervisor_caps_dropped "$out"
fi

# ... and cannot get more back: a root caller's supervisor has its bounding
# set cut to the same, no_new_privs, and a filter that refuses execve
if [ "$(id -u)" -ne 0 ]; then
    skip reach_supervisor_locked_down "needs root (an unprivileged supervisor has no bounding set to cut)"
elif has "$out" "CapBnd=0000000000080024 NoNewPrivs=1 Seccomp=2"; then
    pass reach_supervisor_locked_down
else
    fail reach_supervisor_locked_down "$out"
fi

# ... and a caller whose securebits lock NOROOT off still gets a supervisor
# (its locked bits stay as they are; no_new_privs and the filter remain)
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
    out=$(setpriv --securebits +noroot_locked "$STK" run --report "$T/s.stk" -- "$RP" caps ppid 2>&1)
    if has "$out" "NoNewPrivs=1 Seccomp=2"; then
        pass reach_supervisor_caller_securebits
    else
        fail reach_supervisor_caller_securebits "$out"
    fi
else
    skip reach_supervisor_caller_securebits "needs root and setpriv"
fi

# ... and a supervisor without --report (here for a cgroup leaf) keeps only CAP_KILL
cat >"$T/cg.stk" <<'POL'
policy cg {
    cgroup {
        pids.max 64
    }
}
POL
chmod 644 "$T/cg.stk"
out=$("$STK" run "$T/cg.stk" -- "$RP" caps ppid 2>&1)
# (+ CAP_DAC_OVERRIDE when the directory holding the stockade parent is a
# hierarchy's root, mode 0555: removing the parent writes it)
if has "$out" "CapPrm=0000000000000020 CapEff=0000000000000020" ||
    has "$out" "CapPrm=0000000000000022 CapEff=0000000000000022"; then
    pass reach_cgroup_supervisor_caps_dropped
elif has "$out" "stockade: cgroup:"; then
    skip reach_cgroup_supervisor_caps_dropped "no usable cgroup here: $out"
else
    fail reach_cgroup_supervisor_caps_dropped "$out"
fi

# 3f. where no domain can be made (the command keeps cap_sys_admin: Landlock
# would refuse it mount) and no pid namespace hides the outside: a warning;
# a pid namespace with its own /proc needs neither
out=$("$STK" run "$T/admin.stk" -- "$RP" pid 2>&1)
if has "$out" "stockade: ptrace isolation:" && has "$out" "pid: "; then
    pass reach_warns_when_not_isolated
else
    fail reach_warns_when_not_isolated "$out"
fi
out=$(asnobody sh -c '"$1" run "$2" -- "$3" mem $$; true' sh "$STK" "$T/pidns.stk" "$RP" 2>&1)
if ! has "$out" "ptrace isolation" && grep -q '^mem [0-9]*: errno=2$' <<<"$out"; then
    pass reach_pid_namespace_no_warning
else
    fail reach_pid_namespace_no_warning "$out"
fi

# ---- 4. the caller's session keyring ---------------------------------------------------------
out=$("$RP" session-key stk_reach_test secret-payload "$STK" run "$T/nobody.stk" -- "$RP" key-read key-search stk_reach_test 2>&1)
if has "$out" "key-read: errno=" && has "$out" "key-search: errno=" && ! has "$out" "secret-payload"; then
    pass reach_keyring_other_uid
else
    fail reach_keyring_other_uid "the command read the caller's key: $out"
fi
out=$("$RP" session-key stk_reach_test secret-payload "$STK" run "$T/s.stk" -- "$RP" key-read key-search stk_reach_test 2>&1)
if has "$out" "key-read: errno=" && has "$out" "key-search: errno=" && ! has "$out" "secret-payload"; then
    pass reach_keyring_same_uid
else
    fail reach_keyring_same_uid "$out"
fi
# the command cannot hand its own session keyring to its parent (the caller's
# shell when there is no supervisor) and read what the caller adds later;
# the parent here is a throw-away sh holding the test's own keyring
cat >"$T/nofilter.stk" <<'POL'
policy nofilter {
}
POL
chmod 644 "$T/nofilter.stk"
for pol in s nofilter; do
    out=$("$RP" session-key stk_reach_test x /bin/sh -c '"$1" run "$2" -- "$3" key-to-parent; true' sh "$STK" "$T/$pol.stk" "$RP" 2>&1)
    if has "$out" "key-to-parent: errno=1"; then
        pass "reach_keyring_not_to_parent_$pol"
    else
        fail "reach_keyring_not_to_parent_$pol" "$out"
    fi
done
out=$("$RP" session-key stk_reach_test x /bin/sh -c '"$1" key-to-parent; true' sh "$RP" 2>&1)
has "$out" "key-to-parent: ok" && pass reach_keyring_to_parent_control || fail reach_keyring_to_parent_control "$out"

out=$("$RP" session-key stk_reach_test secret-payload "$RP" key-read 2>&1)
has "$out" "key-read: secret-payload" && pass reach_keyring_probe_works || fail reach_keyring_probe_works "$out"

# ---- 6. kill-process under --report cannot be caught ------------------------------------------
survived=0 other=""
for _ in $(seq 1 20); do
    out=$("$STK" run --report "$T/race.stk" -- "$RP" sigsys-race 165 2>"$T/err")
    rc=$?
    if has "$out" "survived"; then
        survived=$((survived + 1))
    elif [ $rc -ne 137 ] || ! grep -q 'mount(.*-> killed by SIGKILL (kill-process)' "$T/err"; then
        other="rc=$rc $(cat "$T/err")"
    fi
done
if [ $survived -eq 0 ] && [ -z "$other" ]; then
    pass reach_kill_process_not_catchable
else
    fail reach_kill_process_not_catchable "survived $survived of 20 $other"
fi

# a kill-process call from a thread other than the main one kills the whole
# process, and the report still names the process, the thread and the program
out=$("$STK" run --report "$T/s.stk" -- "$REP" pid thread-sys 139 sys 39 2>"$T/err")
rc=$?
pid=$(sed -n 's/^pid: //p' <<<"$out")
if [ $rc -eq 137 ] && [ -n "$pid" ] && ! has "$out" "sys 39" && ! has "$out" "thread sys" \
    && grep -qE "^stockade: report: pid $pid tid [0-9]+ \(report_probe\): sysfs\(.*\) -> killed by SIGKILL \(kill-process\)$" "$T/err"; then
    pass reach_kill_process_from_thread
else
    fail reach_kill_process_from_thread "rc=$rc out=$out err=$(cat "$T/err")"
fi


# ---- 7. the supervisor is out of the command's signal reach (review finding) --------------
# A SIGKILL from the command would end --report (the listener goes, later
# denials turn into ENOSYS) and skip every clean-up; the command's domain
# refuses signals to processes outside it (LANDLOCK_SCOPE_SIGNAL, ABI 6).
if [ "$("$RP" landlock-abi | sed 's/landlock-abi: //')" -lt 6 ] 2>/dev/null; then
    skip reach_supervisor_not_signalled "this kernel's Landlock is older than ABI 6 (no signal scope)"
else
    out=$("$STK" run --report "$T/s.stk" -- /bin/sh -c 'kill -9 $PPID; echo "kill-rc=$?"; kill -STOP $PPID; echo "stop-rc=$?"' 2>&1)
    rc=$?
    if [ $rc -eq 0 ] && has "$out" "kill-rc=1" && has "$out" "stop-rc=1" && has "$out" "stockade: report: summary"; then
        pass reach_supervisor_not_signalled
    else
        fail reach_supervisor_not_signalled "rc=$rc: $out"
    fi
    # ... while the command still signals its own children
    out=$("$STK" run --report "$T/s.stk" -- /bin/sh -c 'sleep 30 & kill -TERM $!; wait $!; echo "child-status=$?"' 2>&1)
    has "$out" "child-status=143" && pass reach_own_children_signalled || fail reach_own_children_signalled "$out"
    # adversarial review (r5): signals to the whole process group (kill(0),
    # and kill(-PGID) from a new session, so not the caller's group) reach
    # only the command's side; the supervisor lives on and reports.  setsid
    # gives stockade a group of its own: a failure cannot hit this script.
    out=$(timeout 30 setsid -w "$STK" run --report "$T/s.stk" -- /bin/bash -c \
        'g=$(cut -d" " -f5 /proc/$PPID/stat); [ "$g" -gt 1 ] || exit 3
         setsid bash -c "kill -s KILL -- -$g; echo pgkill-rc=\$?; kill -s KILL $PPID; echo ppid-rc=\$?"
         sleep 0.2; echo alive; kill -s KILL 0; echo not-reached' 2>&1)
    rc=$?
    if [ $rc -eq 137 ] && has "$out" "ppid-rc=1" && ! has "$out" "alive" && ! has "$out" "not-reached" \
        && has "$out" "stockade: report: summary"; then
        pass reach_supervisor_not_signalled_by_group
    else
        fail reach_supervisor_not_signalled_by_group "rc=$rc: $out"
    fi
    out=$(timeout 30 setsid -w "$STK" run --report "$T/s.stk" -- /bin/sh -c 'kill -KILL 0; echo not-reached' 2>&1)
    rc=$?
    if [ $rc -eq 137 ] && ! has "$out" "not-reached" && has "$out" "stockade: report: summary"; then
        pass reach_supervisor_survives_kill_0
    else
        fail reach_supervisor_survives_kill_0 "rc=$rc: $out"
    fi
fi

# ---- 7b. a command that makes its supervisor its tracer (adversarial review r5) -----------
# PTRACE_TRACEME from the supervisor's child, then a stop: the supervisor's
# wait reports the tracee's stop, which it took for the command's exit: it
# printed the summary, ran the clean-ups and exited 125 while the command
# (as nobody, so PR_SET_PDEATHSIG was cleared by the uid change), resumed by
# its own child, ran on unsupervised (denied calls then fail with ENOSYS,
# unreported).  Now the supervisor kills the tracee.  $(...) waits for every
# holder of the pipe: a surviving command would be seen.
for ns in "" "namespaces pid, mount"; do
    cat >"$T/traceme.stk" <<POL
policy traceme {
    user nobody
    $ns
    seccomp {
        default allow
        errno EACCES uname
        errno EPERM io_uring_setup, io_uring_enter, io_uring_register
    }
}
POL
    name="reach_supervisor_not_ended_by_traceme${ns:+_pidns}"
    out=$(timeout 30 "$STK" run --report "$T/traceme.stk" -- "$RP" traceme-stop 2>&1)
    rc=$?
    if has "$out" "traceme: ret=-1"; then
        skip "$name" "PTRACE_TRACEME refused here (Yama?): $out"
    elif [ $rc -eq 137 ] && has "$out" "traceme: ret=0" && ! has "$out" "survived" \
        && has "$out" "made the supervisor its tracer (PTRACE_TRACEME); killing it" && has "$out" "stockade: report: summary"; then
        pass "$name"
    else
        fail "$name" "rc=$rc: $out"
    fi
done

# ---- 8. a pid namespace with its own /proc does not stand in for the domain ---------------
# when the policy also binds the host's /proc: the outside is visible again there
if [ "$landlock" -eq 1 ] && [ "$(id -u)" -eq 0 ]; then
    cat >"$T/pidbind.stk" <<'POL'
policy pidbind {
    namespaces pid, mount
    filesystem {
        tmpfs /mnt
        bind /proc /mnt/hostproc
        proc /proc
    }
    seccomp {
        default allow
        errno EPERM ptrace, process_vm_readv, process_vm_writev
    }
}
POL
    chmod 644 "$T/pidbind.stk"
    setpriv --bounding-set -all --inh-caps -all sleep 30 &
    sib=$!
    sleep 0.2
    out=$("$STK" run "$T/pidbind.stk" -- "$B/tests/helpers/probe" openw "/mnt/hostproc/$sib/mem" 2>&1)
    kill "$sib" 2>/dev/null
    wait "$sib" 2>/dev/null
    if has "$out" "openw /mnt/hostproc/$sib/mem: errno=13"; then
        pass reach_pidns_with_host_proc_bound
    else
        fail reach_pidns_with_host_proc_bound "$out"
    fi
else
    skip reach_pidns_with_host_proc_bound "needs root and Landlock ABI 2"
fi
# ... while a pid namespace with its own /proc and nothing else of the
# host's procfs leaves the command free to mount in namespaces of its own
# (nested sandboxes): no filesystem domain there
cat >"$T/nest.stk" <<'POL'
policy nest {
    namespaces user, pid, mount
    filesystem {
        proc /proc
    }
    seccomp {
        default allow
        errno EPERM ptrace
    }
}
POL
chmod 644 "$T/nest.stk"
if command -v unshare >/dev/null; then
    out=$(asnobody "$STK" run "$T/nest.stk" -- unshare -Urm sh -c 'mount -t tmpfs none /mnt && echo MOUNT-OK' 2>&1)
    has "$out" "MOUNT-OK" && pass reach_pidns_nested_mount || fail reach_pidns_nested_mount "$out"
else
    skip reach_pidns_nested_mount "unshare(1) is not installed"
fi

[ $fails -eq 0 ]
