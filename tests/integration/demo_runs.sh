#!/usr/bin/env bash
# The README's main job, `make demo`, must keep working: run its script and
# check that the confined server answered, the blocked calls were refused,
# and --report reported them by name with the action taken.
set -u
cd "$(dirname "$0")/../.."
out=$(DEMO_PORT=${DEMO_PORT:-18766} bash tests/demo.sh 2>&1)
rc=$?
. tests/integration/lib.sh
check() { if grep -q -- "$2" <<<"$out"; then pass "demo_$1"; else fail "demo_$1" "output lacks '$2'"; fi; }
[ "$rc" -eq 0 ] && pass demo_exit_status || fail demo_exit_status "$rc"
check server_answered "hello from a confined web server"
check runs_as_www_data "uid=33(www-data)"
check seccomp_on "Seccomp:	2"
check mount_killed "mount: exit 137"
check unshare_denied "unshare (new user namespace): exit 1"
check exec_denied "exec of /bin/true from inside: exit 126"
check sim_ptrace "ptrace: errno EACCES"
# --report: the blocked calls of the real programs, by name, with the action
check report_server "clone3 -> errno ENOSYS (blocked, quiet)"
check report_netlink "(python3): socket(domain=AF_NETLINK, type=SOCK_RAW|SOCK_CLOEXEC, protocol=0) -> errno EAFNOSUPPORT (blocked)"
check report_unshare "(unshare): unshare(flags=CLONE_NEWUSER) -> errno EPERM (blocked)"
# (a killed call's strings are read after the kill: often gone, shown as addresses)
check report_mount '(mount): mount(source=.*, mountflags=0x0, data=0) -> killed by SIGKILL (kill-process)'
check report_exec 'execve(pathname="/bin/true", '
check report_summary "stockade: report: summary: 2 calls reported"
[ "$fails" -eq 0 ] || { printf '%s\n' "$out" | tail -40; exit 1; }
