#!/usr/bin/env bash
# enforcer_run.sh — `stockade run`, `stockade compile` + `stockade-exec` and
# `stockade inspect` end to end, with policies written in the language and the
# real code generator.  Prints PASS/FAIL/SKIP lines; exits non-zero on failure.
set -u
B=${STK_BUILD:-build}
STK=$B/stockade
EXEC=$B/stockade-exec
PROBE=$(realpath "$B/tests/helpers/probe")
. "$(dirname "$0")/lib.sh"
itest_tmp

for f in "$STK" "$EXEC" "$PROBE"; do
    [ -x "$f" ] || { echo "FAIL setup: $f not built"; exit 1; }
done

cat >"$T/noexec.stk" <<'POL'
policy noexec {
    rlimit nofile 256 512
    rlimit core 0
    env { clear; keep STK_KEEP; set STK_SET=yes }
    umask 027
    seccomp {
        default allow
        errno EPERM execve, execveat
        errno EACCES uname
        kill-process sysfs
    }
}
POL
chmod 644 "$T/noexec.stk"

# run: the command starts, its own exec is denied, errno and limits applied
out=$(STK_KEEP=k STK_DROP=d "$STK" run "$T/noexec.stk" -- "$PROBE" status rlimit nofile rlimit core env umask sys 63 exec /bin/true 2>&1)
rc=$?
if [ $rc -eq 0 ] && has "$out" "Seccomp: 2" && has "$out" "NoNewPrivs: 1" && has "$out" "exec: errno=1" \
    && has "$out" "sys 63: ret=-1 errno=13" && has "$out" "rlimit nofile: 256 512" && has "$out" "rlimit core: 0 0" \
    && has "$out" "env: STK_KEEP=k" && has "$out" "env: STK_SET=yes" && ! has "$out" "STK_DROP" && has "$out" "umask: 0027"; then
    pass run_policy_applied
else
    fail run_policy_applied "rc=$rc: $out"
fi

# kill action: SIGSYS -> 128+31
"$STK" run "$T/noexec.stk" -- "$PROBE" sys 139 >/dev/null 2>&1
rc=$?
[ $rc -eq 159 ] && pass run_kill_sigsys || fail run_kill_sigsys "exit $rc, expected 159"

# compile + stockade-exec: same result
if "$STK" compile -o "$T/noexec.bundle" "$T/noexec.stk" >/dev/null 2>&1; then
    out=$("$EXEC" "$T/noexec.bundle" -- "$PROBE" status exec /bin/true 2>&1)
    rc=$?
    if [ $rc -eq 0 ] && has "$out" "Seccomp: 2" && has "$out" "exec: errno=1"; then
        pass exec_bundle_applied
    else
        fail exec_bundle_applied "rc=$rc: $out"
    fi
    out=$("$STK" inspect "$T/noexec.bundle" 2>&1)
    if has "$out" "policy noexec (bundle format 3)" && has "$out" "exec descriptor: yes"; then
        pass inspect_prints
    else
        fail inspect_prints "$out"
    fi
    # a corrupted copy: 125, command not run
    cp "$T/noexec.bundle" "$T/bad.bundle"
    printf '\xff' | dd of="$T/bad.bundle" bs=1 seek=40 conv=notrunc 2>/dev/null
    out=$("$EXEC" "$T/bad.bundle" -- "$PROBE" touch "$T/ran" 2>&1)
    rc=$?
    if [ $rc -eq 125 ] && has "$out" "stockade: bundle: corrupted" && [ ! -e "$T/ran" ]; then
        pass exec_corrupted_bundle
    else
        fail exec_corrupted_bundle "rc=$rc: $out"
    fi
    "$STK" inspect "$T/bad.bundle" >/dev/null 2>&1
    rc=$?
    [ $rc -eq 1 ] && pass inspect_rejects_corrupted || fail inspect_rejects_corrupted "exit $rc"
    # rootless
    if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
        out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$EXEC" "$T/noexec.bundle" -- "$PROBE" status rlimit nofile sys 63 exec /bin/true 2>&1)
        rc=$?
        if [ $rc -eq 0 ] && has "$out" "Uid: 65534 65534 65534 65534" && has "$out" "Seccomp: 2" \
            && has "$out" "NoNewPrivs: 1" && has "$out" "CapEff: 0000000000000000" \
            && has "$out" "rlimit nofile: 256" && has "$out" "sys 63: ret=-1 errno=13" && has "$out" "exec: errno=1"; then
            pass exec_rootless
        else
            fail exec_rootless "rc=$rc: $out"
        fi
    else
        skip exec_rootless "needs root and setpriv"
    fi
else
    fail exec_bundle_applied "stockade compile failed"
fi

# unknown user: 125, the command did not run
cat >"$T/baduser.stk" <<'POL'
policy baduser {
    user stk-no-such-user
}
POL
out=$("$STK" run "$T/baduser.stk" -- "$PROBE" touch "$T/ran" 2>&1)
rc=$?
if [ $rc -eq 125 ] && has "$out" 'stockade: identity: unknown user "stk-no-such-user"' && [ ! -e "$T/ran" ]; then
    pass run_unknown_user_fails_closed
else
    fail run_unknown_user_fails_closed "rc=$rc: $out"
fi

# default policy: runs, with a filter and no_new_privs
out=$("$STK" run -- "$PROBE" status 2>&1)
rc=$?
if [ $rc -eq 0 ] && has "$out" "Seccomp: 2" && has "$out" "NoNewPrivs: 1"; then
    pass run_default_policy
else
    fail run_default_policy "rc=$rc: $out"
fi

# exit codes through run
"$STK" run -- "$PROBE" exit 7 >/dev/null 2>&1; rc=$?
[ $rc -eq 7 ] && pass run_exit_status || fail run_exit_status "exit $rc, expected 7"
"$STK" run -- "$PROBE" kill 15 >/dev/null 2>&1; rc=$?
[ $rc -eq 143 ] && pass run_signal_status || fail run_signal_status "exit $rc, expected 143"
"$STK" run -- stk-no-such-command >/dev/null 2>&1; rc=$?
[ $rc -eq 127 ] && pass run_not_found || fail run_not_found "exit $rc, expected 127"
"$STK" run -- /etc/passwd >/dev/null 2>&1; rc=$?
[ $rc -eq 126 ] && pass run_not_executable || fail run_not_executable "exit $rc, expected 126"

# dry run: prints the steps, runs nothing
out=$("$STK" run --dry-run "$T/noexec.stk" -- "$PROBE" touch "$T/ran" 2>&1)
rc=$?
if [ $rc -eq 0 ] && has "$out" "policy noexec" && has "$out" "seccomp: filter of" && [ ! -e "$T/ran" ]; then
    pass run_dry_run
else
    fail run_dry_run "rc=$rc: $out"
fi
out=$("$EXEC" --dry-run "$T/noexec.bundle" -- "$PROBE" touch "$T/ran" 2>&1)
rc=$?
if [ $rc -eq 0 ] && has "$out" "13. execveat" && [ ! -e "$T/ran" ]; then
    pass exec_dry_run
else
    fail exec_dry_run "rc=$rc: $out"
fi

# adversarial review (r5): io_uring under the default policy.  Ring
# operations never reach seccomp, so the default refuses the ring calls
# themselves (x86_64: io_uring_setup 425, enter 426, register 427; a NULL
# params pointer: EFAULT if the call were let through)
if [ "$(uname -m)" = x86_64 ]; then
    for pol in "" policies/default.stk; do
        for mode in "" --report; do
            name="io_uring_refused_by_default${pol:+_file}${mode:+_report}"
            out=$("$STK" run $mode ${pol:+"$(dirname "$0")/../../$pol"} -- "$PROBE" sys 425 1 0 sys 426 0 1 0 0 0 0 sys 427 0 0 0 0 2>&1)
            rc=$?
            if [ $rc -eq 0 ] && has "$out" "sys 425: ret=-1 errno=1" && has "$out" "sys 426: ret=-1 errno=1" \
                && has "$out" "sys 427: ret=-1 errno=1"; then
                pass "$name"
            else
                fail "$name" "rc=$rc: $out"
            fi
        done
    done
    # control: the probe does reach io_uring_setup where it is allowed
    printf 'policy a { seccomp { default allow\n errno EACCES uname } }\n' >"$T/allow.stk"
    chmod 644 "$T/allow.stk"
    out=$("$STK" run "$T/allow.stk" -- "$PROBE" sys 425 1 0 2>/dev/null)
    if has "$out" "sys 425: ret=-1 errno=14"; then
        pass io_uring_probe_reaches_kernel
    else
        skip io_uring_probe_reaches_kernel "io_uring_setup not reachable here ($out)"
    fi
else
    skip io_uring_refused_by_default "x86_64 syscall numbers"
fi

[ $fails -eq 0 ]
