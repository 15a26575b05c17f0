#!/usr/bin/env bash
# run-tests.sh — runs every test program and script, counts their
# PASS/FAIL/SKIP lines, and ends with "N passed, N failed, N skipped".
# A test program that crashes or exits non-zero without reporting a FAIL
# counts as one failure, so a broken binary can never look green.
# Usage: tests/run-tests.sh TEST...   (executables: unit binaries or *.sh)
set -u
pass=0 fail=0 skip=0
log_dir=${STK_TEST_LOG_DIR:-build/test-logs}
mkdir -p "$log_dir"
for t in "$@"; do
    name=$(basename "$t")
    case "$t" in */asan/*) name="asan/$name" ;; esac
    log="$log_dir/${name//\//_}.log"
    timeout_s=${STK_TEST_TIMEOUT:-600}
    timeout --kill-after=10 "$timeout_s" "$t" >"$log" 2>&1
    rc=$?
    p=$(grep -c '^PASS ' "$log")
    f=$(grep -c '^FAIL ' "$log")
    s=$(grep -c '^SKIP ' "$log")
    grep -E '^(FAIL|SKIP) ' "$log" | sed "s|^|  $name: |"
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "  $name: FAIL exited with status $rc without reporting a failure (see $log):"
        tail -n 15 "$log" | sed 's/^/    /'
        f=$((f + 1))
    fi
    if [ "$p" -eq 0 ] && [ "$f" -eq 0 ] && [ "$s" -eq 0 ]; then
        echo "  $name: FAIL reported no test results (see $log)"
        f=1
    fi
    # the tests mount, mask and bind as root: none may change the host itself
    if [ ! -c /dev/null ]; then
        echo "  $name: FAIL the host's /dev/null is no longer a character device"
        f=$((f + 1))
    fi
    printf '%-40s %4d passed %3d failed %3d skipped\n' "$name" "$p" "$f" "$s"
    pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
done
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
