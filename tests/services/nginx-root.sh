#!/usr/bin/env bash
# nginx-root.sh — nginx the usual way, confined by
# policies/services/nginx-root.stk: a root master binds a port below 1024
# (80, or the first free one of 81-89) on 127.0.0.1 and starts its workers
# as www-data; its own config, pages, temp and log directories bound over
# nginx's paths; driven by curl and ab; zero blocked calls; the workers run
# as www-data without capabilities; the compromise probes refused (as the
# root master, the stronger case).
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/nginx-common.inc"
svc_init nginx-root
svc_need python3 curl ab /usr/sbin/nginx
POL=$SVC_TOP/policies/services/nginx-root.stk
if [ "$(id -u)" -ne 0 ]; then
    skip nginx-root "needs root (a root master is the point)"
    exit 0
fi

if "$STK" test "$SVC_TOP/policies/services/nginx-root.test.stk" >"$T/test.out" 2>&1; then
    pass nginx-root-expectations
else
    fail nginx-root-expectations "$(tail -n 5 "$T/test.out")"
fi

PORT=$(python3 - <<'PY'
import socket
for p in [80] + list(range(81, 90)):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p))
    except OSError:
        continue
    finally:
        s.close()
    print(p)
    break
PY
)
if [ -z "$PORT" ]; then
    fail nginx-root-port "ports 80-89 of 127.0.0.1 are all in use"
    exit 1
fi
nginx_site "127.0.0.1:$PORT" "user www-data;"
svc_policy "$POL" "$T/site.stk" "tcp 80" "tcp $PORT" \
    'include "nginx.stk"' "include \"$SVC_TOP/policies/services/nginx.stk\""
nginx_child "$T/site.stk" "$T/test.stk"

svc_start "$T/run.rep" "$T/test.stk" /usr/sbin/nginx -c /etc/nginx/nginx.conf
if ! svc_wait_port "$PORT"; then
    fail nginx-root-starts "not listening"
    exit 1
fi
pass nginx-root-starts

# master root, workers www-data without capabilities (seen from the host)
ids=""
for p in $(pgrep -x nginx); do
    # only ours: in our process group
    [ "$(ps -o pgid= -p "$p" | tr -d ' ')" = "$SVC_PID" ] || continue
    ids="$ids $(ps -o user=,args= -p "$p" | awk '{print $1 "/" $3}'):$(awk '/^CapEff/ {print $2}' "/proc/$p/status")"
done
if has "$ids" "root/master:00000000000004c1" && has "$ids" "www-data/worker:0000000000000000" \
    && ! has "$ids" "root/worker"; then
    pass nginx-root-identities
else
    fail nginx-root-identities "want a root master with chown,setgid,setuid,net_bind_service (0x4c1) and www-data workers without capabilities; got$ids"
fi

nginx_drive nginx-root "http://127.0.0.1:$PORT"
svc_stop
svc_report_clean nginx-root-no-violations "$T/run.rep"
nginx_logs_clean nginx-root
owner=$(stat -c %U "$T/lib/body" 2>/dev/null)
[ "$owner" = www-data ] && pass nginx-root-temp-handed-over || fail nginx-root-temp-handed-over "body/ is owned by '$owner'"

# the pages and the config are read-only even for the root master
SVC_PROBE_WRITES=(/var/www/html/pwned.html "$T/www/html/pwned.html" /etc/nginx/nginx.conf.new "$T/conf/nginx.conf.new")
svc_compromise nginx-root "$T/test.stk" /usr/sbin/nginx
[ $fails -eq 0 ]
