#!/usr/bin/env bash
# memcached.sh — memcached confined by policies/services/memcached.stk on its
# own loopback port, driven by libmemcached-tools (memcslap, memccp, memccat,
# memcstat) and a small protocol client; zero blocked calls beyond the
# expected clone3 fallback; the compromise probes refused.
set -u
. "$(dirname "$0")/lib.sh"
svc_init memcached
svc_need python3 /usr/bin/memcached memcslap memccp memccat memcstat
POL=$SVC_TOP/policies/services/memcached.stk
PORT=$(svc_port)
svc_policy "$POL" "$T/site.stk" "tcp 11211" "tcp $PORT"

if "$STK" test "$SVC_TOP/policies/services/memcached.test.stk" >"$T/test.out" 2>&1; then
    pass memcached-expectations
else
    fail memcached-expectations "$(tail -n 5 "$T/test.out")"
fi

svc_start "$T/run.rep" "$T/site.stk" /usr/bin/memcached -l 127.0.0.1 -p "$PORT" -U 0 -m 64 -c 1024 -t 4
if ! svc_wait_port "$PORT"; then
    fail memcached-starts "not listening"
    exit 1
fi
pass memcached-starts
S=127.0.0.1:$PORT

# the text protocol, answer by answer
got=$(python3 - "$PORT" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
f = s.makefile("rwb")
def cmd(line, data=None):
    f.write(line.encode() + b"\r\n")
    if data is not None:
        f.write(data + b"\r\n")
    f.flush()
    return f.readline().decode().strip()
out = []
out.append(cmd("set k1 7 0 5", b"hello"))
f.write(b"get k1\r\n"); f.flush()
out.append(f.readline().decode().strip()); out.append(f.readline().decode().strip()); out.append(f.readline().decode().strip())
out.append(cmd("set n 0 0 2", b"40"))
out.append(cmd("incr n 2"))
out.append(cmd("delete k1"))
out.append(cmd("get k1"))
print("|".join(out))
PY
)
want="STORED|VALUE k1 7 5|hello|END|STORED|42|DELETED|END"
[ "$got" = "$want" ] && pass memcached-protocol || fail memcached-protocol "got '$got', want '$want'"

# a file through memccp/memccat
head -c 100000 /dev/urandom | base64 >"$T/blob"
(cd "$T" && memccp --servers="$S" blob) && memccat --servers="$S" blob >"$T/blob.out" 2>"$T/memccat.err"
# (memccat ends the value with a newline of its own)
{ cat "$T/blob"; echo; } | cmp -s - "$T/blob.out" && pass memcached-memccp-memccat || fail memcached-memccp-memccat "the value read back differs"

# load: sets then gets from 4 threads
slap=$(memcslap --servers="$S" --concurrency=4 --execute-number=2000 --test=set 2>&1; \
    memcslap --servers="$S" --concurrency=4 --execute-number=2000 --test=get 2>&1)
if has "$slap" "Time to set" && has "$slap" "Time to get" && ! grep -qi 'fail\|error' <<<"$slap"; then
    pass memcached-memcslap
else
    fail memcached-memcslap "$(tr '\n' ' ' <<<"$slap" | head -c 400)"
fi
st=$(memcstat --servers="$S" 2>&1)
if has "$st" "curr_connections:" && has "$st" "cmd_get:"; then
    pass memcached-memcstat
else
    fail memcached-memcstat "$(head -n 5 <<<"$st" | tr '\n' ' ')"
fi

svc_stop
# clone3 -> ENOSYS: refused on purpose (its flags are out of the filter's
# reach); glibc falls back to clone, which the policy checks.  Landlock
# refuses memcached's thread names (glibc's pthread_setname_np writes
# /proc/self/task/TID/comm), as the policy says: a write rule beneath
# /proc/self/task would also open each thread's `mem`, which writes
# read-only code past the W^X rules; the threads keep their name.
svc_report_clean memcached-no-violations "$T/run.rep" "clone3 -> errno ENOSYS (blocked, quiet)" \
    'openat -> errno EACCES (landlock: fs.write_file,fs.read_file "/proc/[1-9]*/task/[1-9]*/comm")'
svc_log_clean memcached-log-clean "$T/svc.err"

svc_compromise memcached "$T/site.stk" /usr/bin/memcached
[ $fails -eq 0 ]
