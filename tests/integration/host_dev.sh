#!/usr/bin/env bash
# host_dev.sh — stockade must never replace device nodes or links it is told
# to write through.  `stockade compile -o /dev/null` used to write a
# temporary file beside the output and rename it over /dev/null, so a root
# user checking that a policy compiles turned the host's /dev/null into a
# regular file (docs/vm.md, "Host safety").  The cases below never touch the
# host's /dev: they run in a private mount namespace, on nodes made in a
# tmpfs that disappears with it.  Prints PASS/FAIL/SKIP lines.
set -u
cd "$(dirname "$0")/../.."
S=$(realpath "${STK_BUILD:-build}/stockade")
. tests/integration/lib.sh
itest_tmp /var/tmp/stk-hostdev-XXXXXX
[ -x "$S" ] || { fail setup "$S not built"; exit 1; }
if [ "$(id -u)" -ne 0 ]; then
    skip compile_output_keeps_nodes "needs root (mknod in a private tmpfs)"
    exit 0
fi
printf 'policy p {\n    seccomp {\n        default allow\n        errno EPERM ptrace\n    }\n}\n' >"$T/p.stk"
mkdir "$T/dev"

# In a private mount namespace: a tmpfs with a null device, a /dev/stdout-like
# link and a regular file; compile into each, then describe what is left.
out=$(unshare -m --propagation private bash -c '
    set -e
    S=$1 T=$2
    mount -t tmpfs -o mode=755 stk-hostdev "$T/dev"
    mknod -m 666 "$T/dev/null" c 1 3
    ln -s /proc/self/fd/1 "$T/dev/stdout"
    echo old >"$T/dev/file"
    "$S" compile -o "$T/dev/null" "$T/p.stk" 2>/dev/null
    "$S" compile -o "$T/dev/stdout" "$T/p.stk" >"$T/through-link" 2>/dev/null
    "$S" compile -o "$T/dev/file" "$T/p.stk" 2>/dev/null
    stat -c "%n %F %t:%T" "$T/dev/null" "$T/dev/stdout" "$T/dev/file"
    ls -A "$T/dev" | tr "\n" " "; echo
' _ "$S" "$T" 2>&1)
rc=$?
if [ $rc -ne 0 ] && grep -q 'unshare' <<<"$out"; then
    skip compile_output_keeps_nodes "no private mount namespace: $out"
    exit 0
fi
check() { # NAME STATUS WHY: pass when STATUS (a condition's $?) is 0
    if [ "$2" -eq 0 ]; then pass "$1"; else fail "$1" "$3"; fi
}
has "$out" "$T/dev/null character special file 1:3"
check compile_output_dev_null_stays_a_device $? "rc=$rc: $out"
has "$out" "$T/dev/stdout symbolic link"
check compile_output_link_stays_a_link $? "rc=$rc: $out"
"$S" compile -o - "$T/p.stk" >"$T/ref" 2>/dev/null
[ -s "$T/ref" ] && cmp -s "$T/ref" "$T/through-link"
check compile_output_written_through_link $? "the bundle did not arrive through the link ($(wc -c <"$T/through-link") bytes)"
has "$out" "$T/dev/file regular file" && has "$out" "file null stdout " && ! grep -q '\.tmp\.' <<<"$out"
check compile_output_regular_file_replaced_cleanly $? "rc=$rc: $out"

# A mask of a file and `dev minimal` bind the host's own device inodes into
# the view: a root command must not reach their attributes through them
# (chmod, utimes), while the devices keep working.  The "host" here is a
# tmpfs /dev of a private mount namespace, so the real /dev is never at risk.
printf 'policy nouser {\n    namespaces mount, pid\n    filesystem {\n        proc /proc\n        dev minimal\n        mask /etc/hostname\n    }\n}\n' >"$T/nouser.stk"
printf 'policy withuser {\n    namespaces mount, pid, user\n    filesystem {\n        proc /proc\n        dev minimal\n        mask /etc/hostname\n    }\n}\n' >"$T/withuser.stk"
out=$(unshare -m --propagation private bash -c '
    S=$1 T=$2
    set -e
    mount -t tmpfs -o mode=755 stk-hostdev /dev
    for n in null:3 zero:5 full:7 random:8 urandom:9; do mknod -m 666 "/dev/${n%:*}" c 1 "${n#*:}"; done
    mknod -m 666 /dev/tty c 5 0
    ln -s /proc/self/fd /dev/fd
    set +e
    for p in nouser withuser; do
        "$S" run "$T/$p.stk" -- /bin/sh -c "echo x >/dev/null && head -c 3 /dev/zero | wc -c | sed s/^/$p-zero-read:/
            chmod 600 /etc/hostname; chmod 640 /dev/zero; touch -d 2001-01-01 /dev/random; chmod 600 /dev/null" 2>&1
    done
    stat -c "%n %a %u:%g %Y" /dev/null /dev/zero /dev/random
' _ "$S" "$T" 2>&1)
has "$out" "nouser-zero-read:3" && has "$out" "withuser-zero-read:3"
check view_devices_still_work $? "$out"
has "$out" "/dev/null 666 0:0" && has "$out" "/dev/zero 666 0:0" && ! has "$out" "/dev/random 666 0:0 978307200"
check view_cannot_change_host_device_attributes $? "$out"

# tests/run-tests.sh fails a test during which /dev changed.  Proved in a
# private mount namespace whose /dev is a tmpfs copy of the essentials: a
# fake test there replaces /dev/null with a regular file and adds a link.
cat >"$T/fake-test.sh" <<'FAKE'
#!/bin/bash
rm -f /dev/null && echo x >/dev/null && ln -s /etc /dev/stk-fake-link
echo "PASS fake_test_ran"
FAKE
chmod 755 "$T/fake-test.sh"
out=$(unshare -m --propagation private bash -c '
    set -e
    mount -t tmpfs -o mode=755 stk-hostdev /dev
    mknod -m 666 /dev/null c 1 3
    mknod -m 666 /dev/zero c 1 5
    ln -s /proc/self/fd /dev/fd
    STK_TEST_LOG_DIR=$1/logs bash tests/run-tests.sh "$1/fake-test.sh" 2>&1 || true
    stat -c "%F" /dev/null
' _ "$T" 2>&1)
has "$out" "fake-test.sh: FAIL the host's /dev/null is no longer a character device" \
    && has "$out" "changed: /dev/null character special file 666 0:0 1:3 -> /dev/null regular" \
    && has "$out" "added: /dev/stk-fake-link symbolic link" && has "$out" "1 passed, 2 failed, 0 skipped" \
    && case "$(tail -n 1 <<<"$out")" in regular*) true ;; *) false ;; esac
check runner_fails_a_test_that_changes_dev $? "$out"
[ "$fails" -eq 0 ]
