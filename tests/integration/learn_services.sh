#!/usr/bin/env bash
# learn_services.sh — `stockade learn` on packaged services (docs/learn.md):
# redis-server driven by redis-benchmark (set, get, lpush, lpop) and nginx
# (unprivileged port, our own configuration and directories) driven by ab.
# Each is learned, then run confined by what was learned under --report with
# the same workload: nothing reported (clone3's deliberate ENOSYS is quiet), the
# workload succeeds, the policy is tight.  redis' BGSAVE, missing from the
# learning run, is reported by name, and --merge of a run with it passes.
set -u
B=${STK_BUILD:-build}
STK=$(realpath "$B/stockade")
. "$(dirname "$0")/lib.sh"
itest_tmp
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
[ -x "$STK" ] || { echo "FAIL setup: $STK not built"; exit 1; }
if [ "$(uname -m)" != x86_64 ]; then
    skip learn_services "the expectations here are x86_64's"
    exit 0
fi
P0=$((24000 + ($$ % 2000) * 10))
. "$(dirname "$0")/../helpers/learn_lib.sh"

# ---- redis-server, driven by redis-benchmark -----------------------------------------

redis_work() {
    local out
    out=$(redis-benchmark -h 127.0.0.1 -p "$1" -t set,get,lpush,lpop -n 2000 -c 4 -q 2>&1 | tr '\r' '\n') || return 1
    echo "$out"
    for t in SET GET LPUSH LPOP; do grep -qE "^ *$t: [0-9.]+ requests per second" <<<"$out" || return 1; done
}
redis_save() {
    redis_work "$1" || return 1
    [ "$(redis-cli -h 127.0.0.1 -p "$1" BGSAVE)" = "Background saving started" ] || return 1
    local i
    # done when redis has reaped the saving child (wait4) and said so
    for i in $(seq 100); do
        sleep 0.1
        [ -s "$T/redis/dump.rdb" ] || continue
        redis-cli -h 127.0.0.1 -p "$1" INFO persistence | grep -q '^rdb_bgsave_in_progress:0' &&
            redis-cli -h 127.0.0.1 -p "$1" INFO persistence | grep -q '^rdb_last_bgsave_status:ok' && return 0
    done
    return 1
}
if command -v redis-server >/dev/null && command -v redis-benchmark >/dev/null; then
    P=$((P0 + 1))
    mkdir -p "$T/redis"
    R=(redis-server --port "$P" --bind 127.0.0.1 --dir "$T/redis" --save "" --appendonly no --daemonize no
        --protected-mode yes --logfile "$T/redis/log")
    if service redis "$P" redis_work learn -- "${R[@]}" && [ -s "$T/redis.stk" ]; then
        pass learn_redis_learned
        checked redis
        tight redis noexec
        if service redis "$P" redis_work verify -- "${R[@]}" && clean_report redis; then
            pass learn_redis_verified
        else
            fail learn_redis_verified "$(cat "$T/redis.rep" "$T/redis.verify.work" 2>/dev/null | tail -8)"
        fi
        # BGSAVE forks a child that writes and renames the dump: not learned
        rm -f "$T/redis/dump.rdb"
        service redis "$P" redis_save verify -- "${R[@]}"
        if grep -qE ': wait4\(' "$T/redis.rep" 2>/dev/null; then
            pass learn_redis_bgsave_reported
        else
            fail learn_redis_bgsave_reported "$(tail -5 "$T/redis.rep" 2>/dev/null)"
        fi
        rm -f "$T/redis/dump.rdb"
        if service redis "$P" redis_save learn --merge "$T/redis.stk" -- "${R[@]}" && rm -f "$T/redis/dump.rdb" &&
            service redis "$P" redis_save verify -- "${R[@]}" && clean_report redis; then
            pass learn_redis_merge
        else
            fail learn_redis_merge "$(cat "$T/redis.rep" "$T/redis.learn.err" 2>/dev/null | tail -8)"
        fi
    else
        fail learn_redis_learned "$(tail -5 "$T/redis.learn.err")"
    fi
else
    skip learn_redis "redis-server or redis-benchmark missing (make deps)"
fi

# ---- nginx, driven by ab ---------------------------------------------------------------

nginx_work() {
    local out
    out=$(ab -q -n 300 -c 4 "http://127.0.0.1:$1/index.html" 2>&1) || return 1
    echo "$out"
    grep -qE '^Complete requests: +300' <<<"$out" && grep -qE '^Failed requests: +0' <<<"$out" &&
        grep -qE '^Non-2xx responses' <<<"$out" && return 1
    grep -qE '^Complete requests: +300' <<<"$out" && grep -qE '^Failed requests: +0' <<<"$out"
}
if command -v nginx >/dev/null && command -v ab >/dev/null; then
    P=$((P0 + 2))
    N=$T/nginx
    mkdir -p "$N/www" "$N/tmp"
    echo "<p>learned</p>" >"$N/www/index.html"
    cat >"$N/nginx.conf" <<EOF
daemon off;
master_process on;
worker_processes 2;
pid $N/nginx.pid;
error_log $N/error.log;
events { worker_connections 64; }
http {
    access_log $N/access.log;
    client_body_temp_path $N/tmp/body;
    proxy_temp_path $N/tmp/proxy;
    fastcgi_temp_path $N/tmp/fastcgi;
    uwsgi_temp_path $N/tmp/uwsgi;
    scgi_temp_path $N/tmp/scgi;
    server {
        listen 127.0.0.1:$P;
        root $N/www;
    }
}
EOF
    chmod -R a+rX "$N"
    NG=(nginx -p "$N" -c "$N/nginx.conf" -e "$N/error.log")
    if service nginx "$P" nginx_work learn -- "${NG[@]}" && [ -s "$T/nginx.stk" ]; then
        pass learn_nginx_learned
        checked nginx
        tight nginx noexec
        if service nginx "$P" nginx_work verify -- "${NG[@]}" && clean_report nginx; then
            pass learn_nginx_verified
        else
            fail learn_nginx_verified "$(cat "$T/nginx.rep" "$N/error.log" "$T/killed" 2>/dev/null | tail -8)"
        fi
    else
        fail learn_nginx_learned "$(tail -5 "$T/nginx.learn.err" "$N/error.log" 2>/dev/null)"
    fi
else
    skip learn_nginx "nginx or ab missing (make deps)"
fi

[ $fails -eq 0 ]
