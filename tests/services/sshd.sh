#!/usr/bin/env bash
# sshd.sh — OpenSSH's sshd confined by policies/services/sshd.stk with
# privilege separation: the root master on its own loopback port with its own
# sshd_config and host key (made here), the pre-authentication child in the
# /run/sshd jail as the sshd user, a session per connection.  Driven by ssh
# with a key made here, running commands; zero blocked calls beyond the
# expected ones; the session cannot write outside /home and /tmp, execute
# what it wrote, open raw/packet/netlink sockets or trace; the compromise
# probes refused.
#
# The login is root's (key only, `PermitRootLogin prohibit-password`): the only
# account with a shell that a fresh Debian has unlocked; the test's key is
# accepted through its own AuthorizedKeysFile, never root's own files.
# StrictModes is off because the test's directory lies under the 1777 /var/tmp.
# The sessions do not read root's ~/.bashrc (Debian's bash reads it for a
# command over ssh unless SHLVL says it is not the first shell): what the
# host's root put there is not this test's business.
set -u
. "$(dirname "$0")/lib.sh"
svc_init sshd
svc_need /usr/sbin/sshd ssh ssh-keygen
POL=$SVC_TOP/policies/services/sshd.stk
if [ "$(id -u)" -ne 0 ]; then
    skip sshd "needs root (the master runs as root)"
    exit 0
fi
case "$(getent shadow root | cut -d: -f2)" in
    '!'*|'*LK*'*) skip sshd "root's account is locked: sshd refuses it a key login without PAM"; exit 0 ;;
esac
PORT=$(svc_port)
ssh-keygen -q -t ed25519 -N '' -C stk-host -f "$T/host_key" && ssh-keygen -q -t ed25519 -N '' -C stk-client -f "$T/client_key" \
    || { fail sshd-keys "ssh-keygen failed"; exit 1; }
cp "$T/client_key.pub" "$T/authorized_keys"
chmod 644 "$T/authorized_keys"
cat >"$T/sshd_config" <<CONF
Port $PORT
ListenAddress 127.0.0.1
HostKey $T/host_key
PidFile none
UsePAM no
AuthorizedKeysFile $T/authorized_keys
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
AllowUsers root
StrictModes no
PrintMotd no
PrintLastLog no
PermitTTY no
UseDNS no
X11Forwarding no
AllowTcpForwarding no
AllowAgentForwarding no
LogLevel VERBOSE
SetEnv SHLVL=1
CONF
chmod 644 "$T/sshd_config"
svc_policy "$POL" "$T/site.stk" "tcp 22" "tcp $PORT"

if "$STK" test "$SVC_TOP/policies/services/sshd.test.stk" >"$T/test.out" 2>&1; then
    pass sshd-expectations
else
    fail sshd-expectations "$(tail -n 5 "$T/test.out")"
fi

svc_start "$T/run.rep" "$T/site.stk" /usr/sbin/sshd -D -e -f "$T/sshd_config"
if ! svc_wait_port "$PORT"; then
    fail sshd-starts "not listening"
    exit 1
fi
pass sshd-starts
# ssh CMD: run CMD over a new connection (no terminal, the test's key only)
sshc() {
    timeout 20 ssh -T -F /dev/null -i "$T/client_key" -o IdentitiesOnly=yes -o BatchMode=yes \
        -o UserKnownHostsFile="$T/known_hosts" -o StrictHostKeyChecking=accept-new -o LogLevel=ERROR \
        -p "$PORT" root@127.0.0.1 "$@" 2>"$T/ssh.err"
}

# commands over the connection, answers checked; the host key is the test's
got=$(sshc 'id -u; echo hello; printf "%s\n" "$SSH_CONNECTION" | cut -d" " -f3,4')
want=$(printf '0\nhello\n127.0.0.1 %s' "$PORT")
[ "$got" = "$want" ] && pass sshd-command || fail sshd-command "got '$got', want '$want': $(cat "$T/ssh.err")"
if grep -qF "$(cut -d' ' -f2 "$T/host_key.pub")" "$T/known_hosts" 2>/dev/null; then
    pass sshd-host-key
else
    fail sshd-host-key "the server did not present the test's host key"
fi
# data through the channel both ways, several connections
head -c 200000 /dev/urandom >"$T/blob"
got=$(sshc 'sha256sum' <"$T/blob" | cut -d' ' -f1)
[ "$got" = "$(sha256sum <"$T/blob" | cut -d' ' -f1)" ] && pass sshd-data || fail sshd-data "checksum '$got'"
ok=0
for i in 1 2 3 4 5; do [ "$(sshc "echo $i")" = "$i" ] && ok=$((ok + 1)); done
[ $ok -eq 5 ] && pass sshd-connections || fail sshd-connections "$ok of 5"
# privilege separation happened: the pre-authentication child was the sshd user, in its jail
if grep -q "Accepted publickey for root" "$T/svc.err"; then pass sshd-auth-logged; else fail sshd-auth-logged "$(tail -n 3 "$T/svc.err")"; fi

# what a session (or a compromised sshd) may not do
out=$(sshc "echo x >/etc/stk-sshd-probe; echo x >$T/escape; echo rc=\$?")
if [ ! -e /etc/stk-sshd-probe ] && [ ! -e "$T/escape" ] && has "$out" "rc=1"; then
    pass sshd-session-no-write-outside
else
    fail sshd-session-no-write-outside "$out"; rm -f /etc/stk-sshd-probe
fi
out=$(sshc 'cp /usr/bin/true /tmp/t && /tmp/t; echo rc=$?')
has "$out" "rc=126" && pass sshd-session-no-exec-written || fail sshd-session-no-exec-written "$out"
out=$(sshc '/usr/bin/python3 -c "import socket; socket.socket(socket.AF_PACKET, socket.SOCK_RAW)" 2>&1; echo rc=$?')
if grep -qx "rc=1" <<<"$out" && has "$out" "Address family not supported"; then
    pass sshd-session-no-packet-socket
else
    fail sshd-session-no-packet-socket "$out"
fi

svc_stop
# expected refusals: clone3 (glibc falls back to clone, whose flags the
# policy checks); glibc's address lookup asks netlink for the interfaces'
# addresses (refused: it then assumes both families) ; the session probes'
# packet socket above; Landlock: the session probe's program written to
# /tmp/t (sessions execute only beneath /usr), and the master's OOM-killer
# protection: sshd writes -1000 to its /proc/PID/oom_score_adj (then
# oom_adj), which the kernel refuses anyway without CAP_SYS_RESOURCE, a
# capability the policy does not keep (the cgroup's memory.max bounds it
# instead); sshd goes on without it
svc_report_clean sshd-no-violations "$T/run.rep" "clone3 -> errno ENOSYS (blocked, quiet)" \
    "socket -> errno EAFNOSUPPORT (blocked)" \
    'execve -> errno EACCES (landlock: fs.execute "/tmp/t")' \
    'openat -> errno EACCES (landlock: fs.write_file "/proc/[1-9]*/oom_score_adj")' \
    'openat -> errno EACCES (landlock: fs.write_file "/proc/[1-9]*/oom_adj")'
grep -vE "stk-sshd-probe|escape" "$T/svc.err" >"$T/svc.log"
svc_log_clean sshd-log-clean "$T/svc.log"

# The compromise probes (lib.sh's, less the shell: running the user's shell
# is sshd's job; what it may run is Landlock's business, checked above and
# here with a shell copied where a session may write).
if [ "$(uname -m)" != x86_64 ]; then
    skip sshd-compromise "the probes' syscall numbers are x86_64's"
else
    cp "$SVC_PROBE" "$T/probe" && chmod 755 "$T/probe"
    cat >"$T/probe-sshd.stk" <<POL
include "$T/site.stk"

policy sshd-compromised extends sshd {
    filesystem {
        bind $T/probe /usr/sbin/sshd readonly
    }
}
POL
    chmod 644 "$T/probe-sshd.stk"
    pp=$T/probe-sshd.stk
    svc_probe_run "$pp" /usr/sbin/sshd pid
    has "$pout" "pid: " && pass sshd-compromise-setup || fail sshd-compromise-setup "(rc $prc) $(tail -n 5 <<<"$prep" | tr '\n' ' ')"
    svc_probe_run "$pp" /usr/sbin/sshd exec "$T/probe" pid
    ! has "$pout" "pid: " && has "$pout" "exec: errno=13" && pass sshd-no-foreign-exec || fail sshd-no-foreign-exec "$pout"
    # the host's files, sshd's configuration, a program in /usr (root could write them all unconfined)
    svc_probe_run "$pp" /usr/sbin/sshd write /etc/stk-svc-probe write "$T/escape" write /etc/ssh/stk-pwned \
        write /usr/bin/stk-pwned
    if [ ! -e /etc/stk-svc-probe ] && [ ! -e "$T/escape" ] && [ ! -e /etc/ssh/stk-pwned ] && [ ! -e /usr/bin/stk-pwned ] \
        && has "$pout" "write /etc/stk-svc-probe: errno=" && has "$pout" "write $T/escape: errno=" \
        && has "$pout" "write /etc/ssh/stk-pwned: errno=" && has "$pout" "write /usr/bin/stk-pwned: errno="; then
        pass sshd-no-write-outside
    else
        fail sshd-no-write-outside "(rc $prc) $(tr '\n' ' ' <<<"$pout")"
        rm -f /etc/stk-svc-probe /etc/ssh/stk-pwned /usr/bin/stk-pwned
    fi
    svc_probe_run "$pp" /usr/sbin/sshd sys 41 17 3 768
    svc_probe_refused sshd-no-packet-socket "sys 41: ret=-1 errno=" "socket(domain=AF_PACKET"
    svc_probe_run "$pp" /usr/sbin/sshd sys 41 2 3 1
    svc_probe_refused sshd-no-raw-ip-socket "sys 41: ret=-1 errno=" "socket(domain=AF_INET, type=SOCK_RAW"
    svc_probe_run "$pp" /usr/sbin/sshd sys 41 16 3 0
    svc_probe_refused sshd-no-netlink-socket "sys 41: ret=-1 errno=" "socket(domain=AF_NETLINK"
    svc_probe_run "$pp" /usr/sbin/sshd sys 101 16 1
    svc_probe_refused sshd-no-ptrace-attach "sys 101: ret=-1 errno=" "ptrace("
    svc_probe_run "$pp" /usr/sbin/sshd sys 101 0
    svc_probe_refused sshd-no-ptrace-traceme "sys 101: ret=-1 errno=" "ptrace("
    # mount(2) with the capabilities sshd keeps: refused
    svc_probe_run "$pp" /usr/sbin/sshd sys 165 0 0 0 0 0
    svc_probe_refused sshd-no-mount "sys 165: ret=-1 errno=" "mount("
fi
[ $fails -eq 0 ]
