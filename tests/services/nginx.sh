#!/usr/bin/env bash
# nginx.sh — nginx with an unprivileged master (master and workers
# www-data, a port above 1024) confined by policies/services/nginx.stk: its
# own config, pages, temp and log directories bound over nginx's paths,
# driven by curl and ab; zero blocked calls; the compromise probes refused.
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/nginx-common.inc"
svc_init nginx
svc_need python3 curl ab /usr/sbin/nginx
POL=$SVC_TOP/policies/services/nginx.stk

if "$STK" test "$SVC_TOP/policies/services/nginx.test.stk" >"$T/test.out" 2>&1; then
    pass nginx-expectations
else
    fail nginx-expectations "$(tail -n 5 "$T/test.out")"
fi

PORT=$(svc_port)
nginx_site "127.0.0.1:$PORT" ""
chown www-data:www-data "$T/lib" "$T/log"
svc_policy "$POL" "$T/site.stk" "tcp 8080" "tcp $PORT"
nginx_child "$T/site.stk" "$T/test.stk"

svc_start "$T/run.rep" "$T/test.stk" /usr/sbin/nginx -c /etc/nginx/nginx.conf
if ! svc_wait_port "$PORT"; then
    fail nginx-starts "not listening"
    exit 1
fi
pass nginx-starts
nginx_drive nginx "http://127.0.0.1:$PORT"
svc_stop
svc_report_clean nginx-no-violations "$T/run.rep"
nginx_logs_clean nginx

# the pages and the config are read-only for nginx
SVC_PROBE_WRITES=(/var/www/html/pwned.html "$T/www/html/pwned.html" /etc/nginx/nginx.conf.new "$T/conf/nginx.conf.new")
svc_compromise nginx "$T/test.stk" /usr/sbin/nginx
[ $fails -eq 0 ]
