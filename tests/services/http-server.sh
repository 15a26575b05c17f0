#!/usr/bin/env bash
# http-server.sh — python3 -m http.server confined by
# policies/services/http-server.stk: serves a tree from its own temp dir on
# its own loopback port, driven by curl and ab; zero blocked calls beyond the
# expected clone3 fallback; the compromise probes refused.
set -u
. "$(dirname "$0")/lib.sh"
svc_init http-server
svc_need python3 curl ab
POL=$SVC_TOP/policies/services/http-server.stk
PY=/usr/bin/python3
PYREAL=$(realpath "$PY")

PORT=$(svc_port)
mkdir -p "$T/www/sub"
printf 'hello from stockade\n' >"$T/www/index.html"
head -c 65536 /dev/urandom >"$T/www/sub/blob.bin"
chmod -R a+rX "$T/www"
# the site values: the served tree, the port (and the interpreter's real name)
svc_policy "$POL" "$T/site.stk" "/srv/www" "$T/www" "tcp 8000" "tcp $PORT" \
    "/usr/bin/python3.11" "$PYREAL"

if ! "$STK" test "$SVC_TOP/policies/services/http-server.test.stk" >"$T/test.out" 2>&1; then
    fail http-server-expectations "$(tail -n 5 "$T/test.out")"
else
    pass http-server-expectations
fi

svc_start "$T/run.rep" "$T/site.stk" "$PY" -I -m http.server --bind 127.0.0.1 --directory "$T/www" "$PORT"
if ! svc_wait_port "$PORT"; then
    fail http-server-starts "not listening"
    exit 1
fi
pass http-server-starts
URL=http://127.0.0.1:$PORT

got=$(curl -sS --max-time 10 "$URL/index.html")
[ "$got" = "hello from stockade" ] && pass http-server-get || fail http-server-get "got '$got'"
curl -sS --max-time 10 -o "$T/blob.out" "$URL/sub/blob.bin"
cmp -s "$T/blob.out" "$T/www/sub/blob.bin" && pass http-server-binary || fail http-server-binary "64 KiB file differs"
code=$(curl -s --max-time 10 -o /dev/null -w '%{http_code}' "$URL/nothere")
[ "$code" = 404 ] && pass http-server-404 || fail http-server-404 "got $code"
list=$(curl -sS --max-time 10 "$URL/sub/")
has "$list" "blob.bin" && pass http-server-listing || fail http-server-listing "no blob.bin in the listing"
abo=$(ab -q -n 300 -c 8 -s 10 "$URL/index.html" 2>&1)
if has "$abo" "Complete requests:      300" && has "$abo" "Failed requests:        0"; then
    pass http-server-ab
else
    fail http-server-ab "$(grep -E 'Complete|Failed|Non-2xx|apr_' <<<"$abo" | tr '\n' ' ')"
fi

svc_stop
# clone3 -> ENOSYS: the policy refuses clone3 on purpose (its flags are in
# memory, out of the filter's reach) and glibc falls back to clone, which the
# policy checks; `quiet clone3` keeps its line per thread out of the report.
svc_report_clean http-server-no-violations "$T/run.rep" "clone3 -> errno ENOSYS (blocked, quiet)"
if grep -q '^stockade: report: *[0-9][0-9]*  clone3 -> errno ENOSYS (blocked, quiet)$' "$T/run.rep" \
    && ! grep -q 'clone3(' "$T/run.rep"; then
    pass http-server-clone3-quiet
else
    fail http-server-clone3-quiet "want clone3 counted in the summary and no line of its own: $(grep -m 2 clone3 "$T/run.rep")"
fi
svc_log_clean http-server-log-clean "$T/svc.err"

# the served tree is read-only
SVC_PROBE_WRITES=("$T/www/pwned.html" "$T/www/pwned.html")
svc_compromise http-server "$T/site.stk" "$PYREAL"
[ $fails -eq 0 ]
