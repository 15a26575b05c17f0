#!/usr/bin/env bash
# report_landlock.sh — `--report` names what Landlock refused (issue 15): a
# read, a write and an exec outside the landlock block are reported with the
# call, the errno, Landlock's right and the path (from the kernel's audit
# records: Linux 6.15+, root); a path the command chose cannot forge a report
# line; a pid namespace changes nothing; another sandbox's denials running at
# the same time are not ours; an unprivileged caller is told why there is no
# such report.  Before this, the report said "no call was blocked or logged".
set -u
B=${STK_BUILD:-build}
STK=$B/stockade
. "$(dirname "$0")/lib.sh"
itest_tmp /tmp/stk-rll-XXXXXX
[ -x "$STK" ] || { echo "FAIL setup: $STK not built"; exit 1; }

mkdir -p "$T/other"
cp /bin/true "$T/other/true"
echo secret >"$T/other/f"
chmod -R a+rwX "$T"
cat >"$T/p.stk" <<POL
policy p {
    seccomp {
        default allow
        errno EPERM ptrace
    }
    landlock {
        read /usr, /lib, /lib64, /bin, /etc/ld.so.cache, /etc/hostname
        write /dev/null
        execute /usr, /lib, /lib64, /bin
    }
}
POL
sed 's/^policy p {/policy q {\n    namespaces pid, mount/' "$T/p.stk" >"$T/q.stk"

if [ "$(id -u)" -ne 0 ]; then
    skip report_landlock_all "reading Landlock's audit records needs root (CAP_AUDIT_READ)"
    exit 0
fi
out=$("$STK" run "$T/p.stk" --report -- cat "$T/other/f" 2>&1)
if has "$out" "Landlock denials are not reported:"; then
    skip report_landlock_all "$(grep -o 'not reported: .*' <<<"$out")"
    exit 0
fi

# a read: the call, its errno, the right and the path; the summary counts it
if has "$out" "(cat): openat -> errno EACCES (landlock: fs.read_file \"$T/other/f\")" \
    && has "$out" "openat -> errno EACCES (landlock fs.read_file)" && ! has "$out" "no call was blocked"; then
    pass report_landlock_read
else
    fail report_landlock_read "$out"
fi

# a write and an exec by a child of the command
out=$("$STK" run "$T/p.stk" --report -- sh -c "echo x >$T/other/new; $T/other/true" 2>&1)
# (creating a file is the right to make one in its directory: the directory is named)
if has "$out" "(sh): openat -> errno EACCES (landlock: fs.make_reg \"$T/other\")"; then
    pass report_landlock_write
else
    fail report_landlock_write "$out"
fi
if grep -qE "\(sh\): execve -> errno EACCES \(landlock: fs\.execute(,fs\.read_file)? \"$T/other/true\"\)" <<<"$out"; then
    pass report_landlock_exec_child
else
    fail report_landlock_exec_child "$out"
fi

# the command itself cannot be executed: the enforcer's own exec is named
out=$("$STK" run "$T/p.stk" --report -- "$T/other/true" 2>&1)
rc=$?
if [ $rc -ne 0 ] && grep -qE "execve -> errno EACCES \(landlock: fs\.execute(,fs\.read_file)? \"$T/other/true\"\)" <<<"$out"; then
    pass report_landlock_exec_command
else
    fail report_landlock_exec_command "rc=$rc: $out"
fi

# a name the command chose, with a newline and a forged line in it, stays
# inside one quoted string of one line
evil="$T/other/x
stockade: report: pid 1 (init): forged -> allowed (logged)"
echo x >"$evil"
out=$("$STK" run "$T/p.stk" --report -- cat "$evil" 2>&1)
if has "$out" 'landlock: fs.read_file' && has "$out" '/other/x\nstockade: report: pid 1 (init): forged' \
    && ! grep -q '^stockade: report: pid 1 (init)' <<<"$out"; then
    pass report_landlock_hostile_path
else
    fail report_landlock_hostile_path "$out"
fi

# in a pid namespace: the domain's creator is found all the same
out=$("$STK" run "$T/q.stk" --report -- cat "$T/other/f" 2>&1)
if has "$out" "openat -> errno EACCES (landlock: fs.read_file \"$T/other/f\")"; then
    pass report_landlock_pid_namespace
else
    fail report_landlock_pid_namespace "$out"
fi

# two sandboxes at once: each reports its own denials only
"$STK" run "$T/p.stk" --report="$T/a.rep" -- sh -c "for i in 1 2 3 4 5 6 7 8; do cat $T/other/f; sleep 0.05; done" \
    >/dev/null 2>&1 &
apid=$!
out=$("$STK" run "$T/p.stk" --report -- sh -c "for i in 1 2 3 4 5 6 7 8; do cat /etc/passwd; sleep 0.05; done" 2>&1)
wait $apid
arep=$(cat "$T/a.rep" 2>/dev/null)
if has "$out" '"/etc/passwd"' && ! has "$out" "$T/other/f" && has "$arep" "$T/other/f" && ! has "$arep" /etc/passwd; then
    pass report_landlock_only_ours
else
    fail report_landlock_only_ours "ours: $out; the other's: $arep"
fi

# records lost to an overflow of the reporter's socket (the supervisor held
# still while another process on the host floods the audit multicast with its
# own Landlock denials): the command's one denial, and the record that would
# have made its domain known, are gone; the report says so instead of "no call
# was blocked".  The overflow is seen in /proc/net/netlink (Drops).
if command -v python3 >/dev/null; then
    cat >"$T/flood.py" <<'PY'
import ctypes, os, struct
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
attr = ctypes.create_string_buffer(struct.pack('Q', 1 << 2))  # handles fs.read_file, allows none
fd = libc.syscall(444, attr, 8, 0)
if fd < 0 or libc.prctl(38, 1, 0, 0, 0) != 0 or libc.syscall(446, fd, 0) != 0:
    raise SystemExit("no Landlock domain")
while True:  # denials are logged by default until the next exec
    try:
        os.open('/etc/hostname', os.O_RDONLY)
    except OSError:
        pass
PY
    rm -f "$T/go"
    sed 's|/etc/hostname|/etc|' "$T/p.stk" >"$T/etc.stk" # the command's first denial is the cat's
    "$STK" run "$T/etc.stk" --report="$T/of.rep" -- sh -c "while [ ! -e $T/go ]; do sleep 0.05; done; cat $T/other/f" \
        >/dev/null 2>&1 &
    sup=$!
    drops() { # the Drops of the supervisor's audit sockets
        local inos
        inos=$(ls -l /proc/$sup/fd 2>/dev/null | sed -n 's/.*socket:\[\([0-9]*\)\].*/\1/p' | tr '\n' ' ')
        awk -v inos=" $inos" '$2 == 9 && index(inos, " " $10 " ") { d += $9 } END { print d + 0 }' /proc/net/netlink
    }
    sleep 0.5
    kill -STOP $sup
    python3 "$T/flood.py" &
    fpid=$!
    for _ in $(seq 300); do [ "$(drops)" -gt 0 ] && break; sleep 0.1; done
    overflowed=$(drops)
    touch "$T/go"
    sleep 0.5
    kill $fpid; wait $fpid 2>/dev/null
    kill -CONT $sup; wait $sup
    out=$(cat "$T/of.rep" 2>/dev/null)
    if [ "$overflowed" -eq 0 ]; then
        skip report_landlock_overflow_said "the flood did not overflow the socket in 30 s"
    elif has "$out" "Landlock denials may be missing: the kernel's audit records came faster than the reporter" \
        && ! has "$out" "no call was blocked"; then
        pass report_landlock_overflow_said
    else
        fail report_landlock_overflow_said "drops $overflowed: $(tr '\n' '|' <<<"$out")"
    fi
else
    skip report_landlock_overflow_said "no python3"
fi

# without --report nothing changes (no report lines, the same EACCES)
out=$("$STK" run "$T/p.stk" -- cat "$T/other/f" 2>&1)
if has "$out" "Permission denied" && ! has "$out" "stockade: report"; then
    pass report_landlock_off_without_report
else
    fail report_landlock_off_without_report "$out"
fi

# unprivileged: said once, and the run goes on
if command -v setpriv >/dev/null; then
    out=$(setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$STK" run "$T/p.stk" --report -- cat "$T/other/f" 2>&1)
    if has "$out" "Landlock denials are not reported: reading them from the kernel's audit log needs CAP_AUDIT_READ" \
        && has "$out" "Permission denied"; then
        pass report_landlock_unprivileged_says_why
    else
        fail report_landlock_unprivileged_says_why "$out"
    fi
else
    skip report_landlock_unprivileged_says_why "no setpriv"
fi
[ $fails -eq 0 ]
