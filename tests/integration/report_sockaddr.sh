#!/usr/bin/env bash
# report_sockaddr.sh — `--report` shows the socket address a blocked bind,
# connect or sendto handed the kernel, read from the command's memory
# (issue 15: they were undecoded pointers): IPv4 and IPv6 with the port,
# a unix path and an abstract name, a netlink bind; a name the command chose
# stays inside one quoted string.
set -u
B=${STK_BUILD:-build}
STK=$B/stockade
. "$(dirname "$0")/lib.sh"
itest_tmp /tmp/stk-rsa-XXXXXX
[ -x "$STK" ] || { echo "FAIL setup: $STK not built"; exit 1; }
command -v python3 >/dev/null || { skip report_sockaddr_all "no python3"; exit 0; }

cat >"$T/n.stk" <<'POL'
policy n {
    seccomp {
        default allow
        errno EACCES connect, bind, sendto
        errno EPERM io_uring_setup, io_uring_enter, io_uring_register
    }
}
POL
out=$("$STK" run "$T/n.stk" --report -- python3 -c '
import socket
for f, a in ((socket.AF_INET, ("127.0.0.1", 8080)), (socket.AF_INET6, ("::1", 443)),
             (socket.AF_UNIX, "/run/x\n) -> allowed (logged)"), (socket.AF_UNIX, "\0abstract")):
    s = socket.socket(f)
    try: s.connect(a)
    except OSError: pass
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
try: s.sendto(b"x", ("10.1.2.3", 53))
except OSError: pass
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)
try: s.bind((0, 1))
except OSError: pass
' 2>&1)
check() {
    if has "$out" "$2"; then pass "$1"; else fail "$1" "no '$2' in: $out"; fi
}
check report_sockaddr_inet 'connect(sockfd=3, addr={AF_INET, 127.0.0.1:8080}, addrlen=16) -> errno EACCES (blocked)'
check report_sockaddr_inet6 'addr={AF_INET6, [::1]:443}, addrlen=28)'
check report_sockaddr_unix_quoted 'addr={AF_UNIX, "/run/x\n) -> allowed (logged)"}'
check report_sockaddr_abstract 'addr={AF_UNIX, @"abstract"}'
check report_sockaddr_sendto 'dest_addr={AF_INET, 10.1.2.3:53}, addrlen=16) -> errno EACCES (blocked)'
check report_sockaddr_netlink 'addr={AF_NETLINK, pid=0, groups=0x1}, addrlen=12) -> errno EACCES (blocked)'
if ! grep -q '^) -> allowed' <<<"$out"; then
    pass report_sockaddr_one_line
else
    fail report_sockaddr_one_line "$out"
fi
[ $fails -eq 0 ]
