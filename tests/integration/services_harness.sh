#!/usr/bin/env bash
# services_harness.sh — the zero-violation check of the service tests
# (tests/services/lib.sh's svc_report_clean) on reports written here: a
# Landlock refusal passes only when a listed pattern names its path, never by
# its summary entry; denials the report could not name always fail.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/services/lib.sh
itest_tmp

R='stockade: report:'
comm() { printf '%s pid 41 (memcached): openat -> errno EACCES (landlock: fs.write_file,fs.read_file "%s")\n' "$R" "$1"; }
COMM='openat -> errno EACCES (landlock: fs.write_file,fs.read_file "/proc/[1-9]*/task/[1-9]*/comm")'
QUIET='clone3 -> errno ENOSYS (blocked, quiet)'

# verdict WANT NAME REPORT-TEXT EXPECTED...: svc_report_clean says WANT (PASS or FAIL)
verdict() {
    local want=$1 name=$2 text=$3 out
    shift 3
    printf '%s' "$text" >"$T/rep"
    out=$(svc_report_clean x "$T/rep" "$@")
    if [ "${out%% *}" = "$want" ]; then
        pass "$name"
    else
        fail "$name" "want $want, got: $out"
    fi
}

two="$(comm /proc/2/task/4/comm)
$(comm /proc/2/task/5/comm)
$R summary: 5 calls reported
$R        3  clone3 -> errno ENOSYS (blocked, quiet)
$R        2  openat -> errno EACCES (landlock fs.write_file,fs.read_file)
"
verdict PASS harness-landlock-listed "$two" "$QUIET" "$COMM"
verdict FAIL harness-landlock-unlisted "$two" "$QUIET"
verdict FAIL harness-quiet-unlisted "$two" "$COMM"
verdict FAIL harness-landlock-other-file "$(comm /proc/2/task/4/mem)
$R summary: 1 call reported
$R        1  openat -> errno EACCES (landlock fs.write_file,fs.read_file)
" "$COMM"
verdict FAIL harness-landlock-summary-only "$R summary: 1 call reported
$R        1  openat -> errno EACCES (landlock fs.read_file)
" "$COMM"
verdict FAIL harness-landlock-count "$(comm /proc/2/task/4/comm)
$R summary: 2 calls reported
$R        2  openat -> errno EACCES (landlock fs.write_file,fs.read_file)
" "$COMM"
verdict FAIL harness-landlock-not-reported "$(comm /proc/2/task/4/comm)
$R 3 Landlock denials not reported: the kernel's audit records were lost or rate-limited
$R summary: 1 call reported
$R        1  openat -> errno EACCES (landlock fs.write_file,fs.read_file)
" "$COMM"
verdict FAIL harness-landlock-may-be-missing "$R Landlock denials may be missing: the kernel's audit records came faster than the reporter read them (its socket overflowed)
$R summary: no call reported (Landlock denials may be missing: see above)
"
verdict PASS harness-nothing "$R summary: no call was blocked or logged
"
verdict FAIL harness-no-summary "$(comm /proc/2/task/4/comm)" "$COMM"
[ $fails -eq 0 ]
