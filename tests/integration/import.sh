#!/usr/bin/env bash
# import.sh — `stockade import` (issue 14): a seccomp profile (Docker's
# default, OCI shapes) and systemd units become policies that `check`
# accepts and whose compiled program does what the input says (checked with
# `stockade test` expectations appended to the imported policy, and `sim`);
# bad input is refused with a message and an exit status, never a crash.
# The equivalence with libseccomp is proven in tests/unit/test_import_equiv.c.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh
S=$(realpath "${STK_BUILD:-build}/stockade")
D=tests/data/import
itest_tmp
[ -x "$S" ] || { fail import "$S not built"; exit 1; }

# checks NAME FILE.stk: `stockade check` finds no error (warnings such as
# io-uring-bypass are the unit's own: systemd's @system-service allows io_uring)
checks() {
    local out
    out=$("$S" check "$2" 2>&1)
    if has "$out" "no problems found" || grep -qE "^0 errors " <<<"$out"; then pass "$1"; else fail "$1" "$out"; fi
}

# expect NAME FILE.stk POLICY EXPECTATIONS...: append a test block and run it
expect() {
    local name=$1 file=$2 policy=$3
    shift 3
    { printf '\ntest imported for %s {\n' "$policy"; printf '    %s\n' "$@"; printf '}\n'; } >>"$file"
    local out
    if out=$("$S" test "$file" 2>&1); then
        pass "$name"
    else
        fail "$name" "$(grep -v PASS <<<"$out" | head -5)"
    fi
}

# ---- help and usage -----------------------------------------------------------------
out=$("$S" import --help 2>&1) && has "$out" "--caps LIST" && has "$out" "systemd UNIT" &&
    pass help || fail help "$out"
"$S" help import >/dev/null 2>&1 && pass help_command || fail help_command "stockade help import failed"
"$S" import >/dev/null 2>&1
[ $? -eq 2 ] && pass no_file_is_usage || fail no_file_is_usage "exit status not 2"

# ---- Docker's default profile --------------------------------------------------------
if "$S" import "$D/docker-default-seccomp.json" --kernel 6.1 -o "$T/dd.stk" 2>"$T/dd.err"; then
    checks docker_checks "$T/dd.stk"
    has "$(cat "$T/dd.stk")" "# syscalls[17], includes CAP_SYS_ADMIN (26 names: bpf): does not apply here" &&
        has "$(cat "$T/dd.stk")" "allow @ipc, @basic-io" && has "$(cat "$T/dd.stk")" "# syscalls[2]" &&
        pass docker_readable || fail docker_readable "no group or no origin comment"
    expect docker_default_caps "$T/dd.stk" docker-default-seccomp \
        "expect allow read" "expect errno EPERM mount" "expect errno ENOSYS clone3" \
        "expect allow socket(AF_INET)" "expect errno EPERM socket(38)" "expect allow socket(39)" \
        "expect errno EPERM socket(40)" "expect allow socket(41)" "expect allow personality(0xffffffff)" \
        "expect errno EPERM personality(1)" "expect errno EPERM clone(flags=CLONE_NEWUSER)" \
        "expect allow clone(flags=CLONE_VM)" "expect allow ptrace" "expect errno EPERM bpf" \
        "expect allow read on i386" "expect allow read on x32" "expect allow arch_prctl" \
        "expect capabilities { chown, dac_override, fowner, fsetid, kill, setgid, setuid, setpcap, net_bind_service, net_raw, sys_chroot, mknod, audit_write, setfcap }"
    # libseccomp compares the whole register: AF_ALG (38) with junk above is > 40
    out=$("$S" sim "$T/dd.stk" socket 0x100000026 2>&1)
    has "$out" "socket: allow" && pass docker_upper_half_as_libseccomp || fail docker_upper_half_as_libseccomp "$out"
else
    fail docker_import "$(cat "$T/dd.err")"
fi
if "$S" import "$D/docker-default-seccomp.json" --kernel 6.1 --caps docker-default,CAP_SYS_ADMIN \
    --name withadmin -o "$T/sa.stk" 2>"$T/sa.err"; then
    expect docker_sys_admin "$T/sa.stk" withadmin "expect allow mount" "expect allow clone3" \
        "expect allow clone(flags=CLONE_NEWUSER)" "expect allow bpf" "expect errno EPERM reboot"
else
    fail docker_sys_admin "$(cat "$T/sa.err")"
fi
"$S" import "$D/docker-default-seccomp.json" --kernel 4.4 -o "$T/old.stk" 2>/dev/null &&
    expect docker_old_kernel "$T/old.stk" docker-default-seccomp "expect errno EPERM ptrace" ||
    fail docker_old_kernel "import failed"
# standard input, and the policy on standard output
out=$("$S" import - --kernel 6.1 <"$D/docker-default-seccomp.json" 2>/dev/null) && has "$out" "policy imported" &&
    pass stdin || fail stdin "$(head -3 <<<"$out")"

# ---- refusals: a message and exit 1, never a crash --------------------------------
refuse() { # NAME TEXT NEEDLE
    printf '%s' "$2" >"$T/bad.json"
    local out rc
    out=$("$S" import "$T/bad.json" --kernel 6.1 2>&1 >/dev/null)
    rc=$?
    if [ $rc -eq 1 ] && has "$out" "$3"; then pass "$1"; else fail "$1" "exit $rc: $out"; fi
}
refuse not_json '{"defaultAction": ' "not JSON"
refuse empty '' "not JSON"
refuse not_object '[1,2]' "not an object"
refuse trailing '{"defaultAction":"SCMP_ACT_ALLOW"} x' "not JSON"
refuse no_default '{"syscalls":[]}' "no 'defaultAction'"
refuse bad_action '{"defaultAction":"SCMP_ACT_MAYBE"}' "unknown action 'SCMP_ACT_MAYBE'"
refuse notify '{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read"],"action":"SCMP_ACT_NOTIFY"}]}' "SCMP_ACT_NOTIFY"
refuse bad_index '{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW","args":[{"index":6,"value":1,"op":"SCMP_CMP_EQ"}]}]}' "0 to 5"
refuse negative '{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":-1,"op":"SCMP_CMP_EQ"}]}]}' "non-negative"
refuse bad_op '{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":1,"op":"SCMP_CMP_SIGNED_LT"}]}]}' "unknown op"
refuse errno_range '{"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":70000}' "outside 0 to 4095"
refuse both_arch_forms '{"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_X86_64"],"archMap":[{"architecture":"SCMP_ARCH_X86_64"}]}' "both 'architectures' and 'archMap'"
refuse two_unconditional '{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"},{"names":["read"],"action":"SCMP_ACT_KILL"}]}' "two actions"
refuse two_conditional '{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":1,"op":"SCMP_CMP_EQ"}]},{"names":["read"],"action":"SCMP_ACT_KILL","args":[{"index":1,"value":1,"op":"SCMP_CMP_EQ"}]}]}' "different actions"
refuse deep "$(printf '%0.s[' $(seq 1 200))" "not JSON"
refuse nul "$(printf '{"defaultAction":"SCMP_ACT_ALLOW"}\001')" "not JSON"
"$S" import "$T/missing.json" >/dev/null 2>&1
[ $? -eq 2 ] && pass missing_file || fail missing_file "exit status not 2"
for bad in "--caps CAP_NOPE" "--arch vax" "--kernel six"; do
    # shellcheck disable=SC2086
    "$S" import "$D/docker-default-seccomp.json" $bad >/dev/null 2>&1
    [ $? -eq 2 ] && pass "usage ${bad%% *}" || fail "usage ${bad%% *}" "exit status not 2"
done

# ---- systemd units ---------------------------------------------------------------
G=$D/syscall-filter-sample.txt
if "$S" import systemd "$D/units/hardening.conf" --syscall-groups "$G" -o "$T/h.stk" 2>"$T/h.err"; then
    checks dropin_checks "$T/h.stk"
    has "$(cat "$T/h.err")" "NoNewPrivileges=: stockade sets no_new_privs anyway" &&
        has "$(cat "$T/h.stk")" "the groups in $G" && has "$(cat "$T/h.stk")" "'no_such_call_here' is not a syscall" &&
        pass dropin_comments || fail dropin_comments "$(cat "$T/h.err")"
    # @basic-io and @sample (with @default implied), write removed by the ~ line
    expect dropin_maps "$T/h.stk" hardening "expect user app" "expect capabilities {}" "expect no_new_privs" \
        "expect allow read" "expect allow getrandom" "expect allow brk" "expect kill-process write" \
        "expect kill-process open" "expect kill-process read on i386" "expect namespaces mount"
else
    fail dropin "$(cat "$T/h.err")"
fi
printf '[Service]\nSystemCallFilter=@nope\n' >"$T/nope.service"
out=$("$S" import systemd "$T/nope.service" --syscall-groups "$G" 2>&1 >/dev/null)
[ $? -eq 1 ] && has "$out" "@nope is not a group" && pass unknown_group || fail unknown_group "$out"
# an empty CapabilityBoundingSet= empties the set of a root service
# (systemd.exec(5)); a specifier is not expanded, and says so; a value with
# '%' is quoted
printf '[Service]\nCapabilityBoundingSet=CAP_CHOWN\nCapabilityBoundingSet=\nEnvironment=UNIT=%%n\n' >"$T/empty.service"
if "$S" import systemd "$T/empty.service" -o "$T/empty.stk" 2>"$T/empty.err"; then
    has "$(cat "$T/empty.err")" "systemd specifier" && has "$(cat "$T/empty.stk")" 'set UNIT="%n"' &&
        pass specifier_warned || fail specifier_warned "$(cat "$T/empty.err")"
    expect empty_bounding_set "$T/empty.stk" empty "expect capabilities {}"
else
    fail empty_bounding_set "$(cat "$T/empty.err")"
fi
# values that do not map are warned about and left out; what is written compiles
printf '[Service]\nTemporaryFileSystem=/x:mode=abc,size=zz\nSystemCallArchitectures=mips\nCPUQuota=0%%\nUMask=999\nLimitCPU=1h\n' >"$T/odd.service"
if "$S" import systemd "$T/odd.service" -o "$T/odd.stk" 2>"$T/odd.err"; then
    e=$(cat "$T/odd.err")
    has "$e" "mapped only in part" && has "$e" "'mips' is not one stockade compiles for" &&
        has "$e" "'0%' is not a whole percentage" && has "$e" "'999' is not an octal mask" &&
        has "$e" "time units are not mapped" && ! has "$e" "specifier" && checks odd_values "$T/odd.stk" ||
        fail odd_values "$e"
else
    fail odd_values "$(cat "$T/odd.err")"
fi
printf '[Service]\nthis is not an assignment\n' >"$T/garbage.service"
out=$("$S" import systemd "$T/garbage.service" 2>&1 >/dev/null)
[ $? -eq 1 ] && has "$out" "line 2: expected Key=Value" && pass bad_unit || fail bad_unit "$out"
printf '[Service]\nUser=a\0b\n' >"$T/nul.service"
out=$("$S" import systemd "$T/nul.service" 2>&1 >/dev/null)
[ $? -eq 1 ] && has "$out" "NUL" && pass nul_unit || fail nul_unit "$out"

if ! command -v systemd-analyze >/dev/null || ! systemd-analyze --no-pager syscall-filter >/dev/null 2>&1; then
    skip systemd_units "systemd-analyze is not installed (tools/deps.sh: systemd)"
    [ $fails -eq 0 ]
    exit
fi
ver=$(systemd-analyze --version | head -1)
if "$S" import systemd "$D/units/web.service" -o "$T/web.stk" 2>"$T/web.err"; then
    checks web_checks "$T/web.stk"
    w=$(cat "$T/web.stk")
    has "$w" "$ver" && has "$w" "ProtectKernelTunables= (line 35): not mapped" &&
        has "$w" "stockade run POLICY.stk -- /usr/bin/web-server --port 8080" &&
        has "$(cat "$T/web.err")" "line 36: LockPersonality=: not mapped" &&
        pass web_comments || fail web_comments "version or not-mapped list missing"
    has "$w" "memory.max 512M" && has "$w" "pids.max 64" && has "$w" "cpu.max 50%" &&
        has "$w" "rlimit nofile 1024 4096" && has "$w" "readonly /" && has "$w" "tmpfs /tmp" &&
        has "$w" "tmpfs /run/web mode 0755" && has "$w" "mask /srv/secret" && has "$w" "bind /var/lib/web" &&
        has "$w" 'env { set GREETING="hello world" MODE=prod }' && has "$w" "workdir /var/lib/web" &&
        has "$w" "umask 027" && has "$w" "dev minimal" &&
        pass web_directives || fail web_directives "a directive did not map: $w"
    expect web_maps "$T/web.stk" web "expect user www-data" "expect capabilities { net_bind_service }" \
        "expect no_new_privs" "expect allow socket(AF_INET)" "expect errno EAFNOSUPPORT socket(AF_NETLINK)" \
        "expect errno EPERM unshare(CLONE_NEWUSER)" "expect errno EPERM setns(3, 0)" "expect errno ENOSYS clone3" \
        "expect allow clone(flags=CLONE_VM)" "expect errno EPERM mount" "expect errno EPERM setrlimit" \
        "expect allow read" "expect allow execve" "expect kill-process read on i386" "expect namespaces mount"
else
    fail web "$(cat "$T/web.err")"
fi
if "$S" import systemd "$D/units/worker.service" -o "$T/worker.stk" 2>"$T/worker.err"; then
    checks worker_checks "$T/worker.stk"
    expect worker_maps "$T/worker.stk" worker "expect capabilities { chown, dac_override, fowner }" \
        "expect errno EACCES mount" "expect errno EPERM swapon" "expect kill-process kexec_load" \
        "expect allow read" "expect errno EACCES reboot" \
        "expect errno EAFNOSUPPORT socket(AF_NETLINK)" "expect allow socket(AF_INET)" \
        "expect errno EPERM unshare(CLONE_NEWNET)" "expect allow unshare(CLONE_NEWNS)" \
        "expect allow read on i386" "expect namespaces net, mount"
else
    fail worker "$(cat "$T/worker.err")"
fi
[ $fails -eq 0 ]
