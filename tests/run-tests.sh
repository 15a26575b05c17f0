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

# The tests mount, mask and bind as root: none may change the host itself.
# dev_snapshot: every entry of the host's /dev file system (not the pts, shm,
# mqueue mounts below it) as "PATH TYPE MODE UID:GID MAJOR:MINOR", and the
# mounts on or under /dev in this mount namespace.
dev_snapshot() {
    find /dev -xdev -print0 2>/dev/null | xargs -0 stat -c '%n %F %a %u:%g %t:%T' 2>/dev/null | LC_ALL=C sort
    awk '$5 == "/dev" || $5 ~ /^\/dev\// { print "mount", $5, $9, $10 }' /proc/self/mountinfo | LC_ALL=C sort
}
# dev_changes BEFORE AFTER: what a test must not do to /dev, one line each:
# a node removed or changed (type, device numbers, mode, owner), anything but
# a device node or a directory added (the kernel adds device nodes itself
# when devices appear), a mount added or removed.
dev_changes() {
    diff <(printf '%s\n' "$1") <(printf '%s\n' "$2") | awk '
        /^< / { sub(/^< /, ""); split($0, f, " "); old[f[1]] = $0; next }
        /^> / { sub(/^> /, ""); split($0, f, " "); new[f[1]] = $0; next }
        END {
            for (p in old) {
                if (p == "mount") continue
                if (p in new) print "changed: " old[p] " -> " new[p]
                else print "removed: " old[p]
            }
            for (p in new) {
                if (p == "mount" || p in old) continue
                if (new[p] !~ / (character special file|block special file|directory) /) print "added: " new[p]
            }
        }'
    diff <(grep '^mount ' <<<"$1") <(grep '^mount ' <<<"$2") | sed -n 's/^< /mount removed: /p; s/^> /mount added: /p'
}
dev_before=$(dev_snapshot)
# `stockade run` caches compiled policies (cli/run_cache.h): the tests' cache
# is a directory of their own (sticky, like /tmp: each uid makes its own
# below it), removed at the end, never /var/cache/stockade or a ~/.cache.
if [ -z "${STOCKADE_CACHE_DIR:-}" ]; then
    STOCKADE_CACHE_DIR=$(mktemp -d /tmp/stk-test-cache.XXXXXX) && chmod 1777 "$STOCKADE_CACHE_DIR" || exit 1
    export STOCKADE_CACHE_DIR
    trap 'rm -rf "$STOCKADE_CACHE_DIR"' EXIT
fi
for t in "$@"; do
    # the integration scripts' shared helpers, not a test (a glob may pass it)
    case "$t" in */integration/lib.sh | */interop/lib.sh | */services/lib.sh) continue ;; esac
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
    if [ ! -c /dev/null ]; then
        echo "  $name: FAIL the host's /dev/null is no longer a character device"
        f=$((f + 1))
    fi
    dev_after=$(dev_snapshot)
    if [ "$dev_after" != "$dev_before" ]; then
        changes=$(dev_changes "$dev_before" "$dev_after")
        if [ -n "$changes" ]; then
            echo "  $name: FAIL the host's /dev changed while it ran (or another run on this machine changed it):"
            sed 's/^/    /' <<<"$changes"
            f=$((f + 1))
        fi
        dev_before=$dev_after
    fi
    printf '%-40s %4d passed %3d failed %3d skipped\n' "$name" "$p" "$f" "$s"
    pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
done
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
