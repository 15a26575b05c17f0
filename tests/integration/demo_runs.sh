#!/usr/bin/env bash
# The README's main job, `make demo`, must keep working: run its script and
# check that the confined server answered and the blocked calls were refused.
set -u
cd "$(dirname "$0")/../.."
out=$(DEMO_PORT=${DEMO_PORT:-18766} bash tests/demo.sh 2>&1)
rc=$?
check() { if printf '%s' "$out" | grep -q -- "$2"; then echo "PASS demo_$1"; else echo "FAIL demo_$1: output lacks '$2'"; fail=1; fi; }
fail=0
[ "$rc" -eq 0 ] && echo "PASS demo_exit_status" || { echo "FAIL demo_exit_status: $rc"; fail=1; }
check server_answered "hello from a confined web server"
check runs_as_www_data "uid=33(www-data)"
check seccomp_on "Seccomp:	2"
check mount_killed "mount: exit 159"
check unshare_denied "unshare (new user namespace): exit 1"
check exec_denied "exec of /bin/true from inside: exit 126"
check sim_ptrace "ptrace: errno EACCES"
[ "$fail" -eq 0 ] || { printf '%s\n' "$out" | tail -40; exit 1; }
