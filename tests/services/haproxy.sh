#!/usr/bin/env bash
# haproxy.sh — HAProxy confined by policies/services/haproxy.stk, in front
# of a local backend (an unconfined python3 http.server on its own port):
# its own config bound over /etc/haproxy and its own run directory over
# /run/haproxy; driven by curl and ab through it, health checks, a regex
# ACL, the stats socket; zero blocked calls beyond the expected clone3
# fallback; only net_bind_service kept; the compromise probes refused.
set -u
. "$(dirname "$0")/lib.sh"
svc_init haproxy
svc_need python3 curl ab /usr/sbin/haproxy
POL=$SVC_TOP/policies/services/haproxy.stk

if "$STK" test "$SVC_TOP/policies/services/haproxy.test.stk" >"$T/test.out" 2>&1; then
    pass haproxy-expectations
else
    fail haproxy-expectations "$(tail -n 5 "$T/test.out")"
fi

PORT=$(svc_port)
BPORT=$(svc_port)
[ "$BPORT" = "$PORT" ] && BPORT=$(svc_port)
mkdir -p "$T/conf" "$T/run" "$T/be/static"
chown haproxy:haproxy "$T/run"
printf 'hello from the backend\n' >"$T/be/index.html"
printf 'static file\n' >"$T/be/static/a.txt"
cat >"$T/conf/haproxy.cfg" <<CFG
global
    log stderr format raw local0 info
    stats socket /run/haproxy/admin.sock mode 660 level admin
    nbthread 2
    maxconn 1000

defaults
    mode http
    log global
    option httplog
    timeout connect 5s
    timeout client 30s
    timeout server 30s

frontend fe
    bind 127.0.0.1:$PORT
    acl is_static path_beg /static/
    http-request return status 200 content-type text/plain string "ok" if { path /health }
    http-request set-header X-Static yes if is_static
    http-response set-header X-Via stockade-haproxy
    default_backend be

backend be
    option httpchk GET /index.html
    server s1 127.0.0.1:$BPORT check inter 300ms
CFG
chmod -R a+rX "$T/conf" "$T/be"
svc_policy "$POL" "$T/site.stk" "bind tcp 80" "bind tcp $PORT" "connect tcp 8000" "connect tcp $BPORT"
cat >"$T/test.stk" <<POL
include "$T/site.stk"

# the test's config and run directory in haproxy's places
policy haproxy-test extends haproxy {
    filesystem {
        bind $T/conf /etc/haproxy readonly
        bind $T/run /run/haproxy
    }
}
POL
chmod 644 "$T/test.stk"

svc_helper /usr/bin/python3 -I -m http.server --bind 127.0.0.1 --directory "$T/be" "$BPORT"
svc_start "$T/run.rep" "$T/test.stk" /usr/sbin/haproxy -db -f /etc/haproxy/haproxy.cfg
if ! svc_wait_port "$PORT" || ! svc_wait_port "$BPORT"; then
    fail haproxy-starts "not listening"
    exit 1
fi
pass haproxy-starts
URL=http://127.0.0.1:$PORT

got=$(curl -sS --max-time 10 "$URL/health")
[ "$got" = ok ] && pass haproxy-local-answer || fail haproxy-local-answer "got '$got'"
hdr=$(curl -sS --max-time 10 -D - -o "$T/index.out" "$URL/")
if [ "$(cat "$T/index.out")" = "hello from the backend" ] && grep -qi '^x-via: stockade-haproxy' <<<"$hdr"; then
    pass haproxy-proxies
else
    fail haproxy-proxies "got '$(cat "$T/index.out")' / $(tr '\r\n' '  ' <<<"$hdr")"
fi
got=$(curl -sS --max-time 10 "$URL/static/a.txt")
[ "$got" = "static file" ] && pass haproxy-acl || fail haproxy-acl "got '$got'"
abo=$(ab -q -n 2000 -c 16 -s 10 "$URL/health" 2>&1)
if has "$abo" "Complete requests:      2000" && has "$abo" "Failed requests:        0"; then
    pass haproxy-ab
else
    fail haproxy-ab "$(grep -E 'Complete|Failed|Non-2xx|apr_' <<<"$abo" | tr '\n' ' ')"
fi
abo=$(ab -q -n 300 -c 4 -s 10 "$URL/index.html" 2>&1)
if has "$abo" "Complete requests:      300" && has "$abo" "Failed requests:        0"; then
    pass haproxy-ab-backend
else
    fail haproxy-ab-backend "$(grep -E 'Complete|Failed|Non-2xx|apr_' <<<"$abo" | tr '\n' ' ')"
fi

# the stats socket: the server is up (its health checks went through)
stat=$(python3 - "$T/run/admin.sock" <<'PY'
import socket, sys
def ask(cmd):
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(10)
    s.connect(sys.argv[1])
    s.sendall(cmd.encode() + b"\n")
    out = b""
    while True:
        b = s.recv(65536)
        if not b:
            break
        out += b
    return out.decode()
print(ask("show info"))
print(ask("show stat"))
PY
)
if has "$stat" "Name: HAProxy" && grep -q '^be,s1,.*,UP,' <<<"$stat"; then
    pass haproxy-stats-socket
else
    fail haproxy-stats-socket "$(grep -E '^Name|^be,' <<<"$stat" | cut -c1-120 | tr '\n' ' ')"
fi

# only net_bind_service kept (bit 10), as user haproxy
caps=""
for p in $(pgrep -x haproxy); do
    [ "$(ps -o pgid= -p "$p" | tr -d ' ')" = "$SVC_PID" ] || continue
    caps="$caps $(ps -o user= -p "$p"):$(awk '/^CapEff/ {print $2}' "/proc/$p/status")"
done
[ "$caps" = " haproxy:0000000000000400" ] && pass haproxy-identity || fail haproxy-identity "got$caps"

svc_stop
svc_report_clean haproxy-no-violations "$T/run.rep" "clone3 -> errno ENOSYS (blocked, quiet)"
svc_log_clean haproxy-log-clean "$T/svc.err"
bad=$(grep -E '\[(ALERT|WARNING)\]' "$T/svc.err" | head -n 3)
[ -z "$bad" ] && pass haproxy-no-alerts || fail haproxy-no-alerts "$bad"

SVC_PROBE_WRITES=(/etc/haproxy/haproxy.cfg.new "$T/conf/haproxy.cfg.new")
svc_compromise haproxy "$T/test.stk" /usr/sbin/haproxy

# A regex (PCRE2's JIT): refused by the default policy (W^X), with haproxy's
# own clear message; served under haproxy-pcre-jit with no blocked call.
sed -i 's|acl is_static path_beg /static/|acl is_static path_reg ^/static/[a-z]+\\.txt$|' "$T/conf/haproxy.cfg"
grep -q 'path_reg' "$T/conf/haproxy.cfg" || fail haproxy-regex-setup "the config has no regex"
svc_start "$T/strict.rep" "$T/test.stk" /usr/sbin/haproxy -db -f /etc/haproxy/haproxy.cfg
for ((i = 0; i < 100; i++)); do kill -0 "$SVC_PID" 2>/dev/null || break; sleep 0.1; done
svc_stop
if grep -q 'jit compilation failed' "$T/svc.err" && [ "$SVC_RC" -ne 0 ]; then
    pass haproxy-regex-refused-by-wx
else
    fail haproxy-regex-refused-by-wx "rc $SVC_RC; $(grep ALERT "$T/svc.err" | head -n 2)"
fi
sed -i 's/^policy haproxy-test extends haproxy {/policy haproxy-test extends haproxy-pcre-jit {/' "$T/test.stk"
svc_start "$T/jit.rep" "$T/test.stk" /usr/sbin/haproxy -db -f /etc/haproxy/haproxy.cfg
if svc_wait_port "$PORT"; then
    got=$(curl -sS --max-time 10 "$URL/static/a.txt")
    code=$(curl -s --max-time 10 -o /dev/null -w '%{http_code}' "$URL/health")
    [ "$got" = "static file" ] && [ "$code" = 200 ] && pass haproxy-pcre-jit-serves || fail haproxy-pcre-jit-serves "got '$got', $code"
else
    fail haproxy-pcre-jit-serves "not listening"
fi
svc_stop
svc_report_clean haproxy-pcre-jit-no-violations "$T/jit.rep" "clone3 -> errno ENOSYS (blocked, quiet)"
[ $fails -eq 0 ]
