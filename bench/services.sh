#!/usr/bin/env bash
# services.sh — throughput of real services confined by policies/services/
# against the same service unconfined (`make bench`; docs/performance.md,
# "Real services").  Both instances of a service run side by side on their
# own loopback ports, from a temp dir, with the same config and user; the
# load alternates between them in rounds (confined first in odd rounds,
# unconfined first in even ones), so that a change of the machine's load
# during the measurement biases neither.  Per round: the confined
# throughput divided by the unconfined one; printed: the median ratio, its
# spread (p25-p75 and min-max over the rounds) and the median throughputs.
# The unconfined instance gets the confined one's descriptor limit (prlimit),
# so that only the confinement differs.
# Measures and prints; asserts nothing (the target, >= 0.97, is read by
# people: docs/performance.md).
#   nginx        wrk, /index.html (small: syscall-bound, seccomp's worst case)
#   http.server  wrk, /index.html (python3 -m http.server, a thread per request)
#   memcached    memcslap --test=get, 4 threads (wall time -> gets/s)
#   haproxy      wrk, an answer haproxy makes itself (no backend in the path)
#   redis        redis-benchmark set/get/lpush/lpop     } bench/services_db.sh
#   postgres     pgbench -S (select-only), 8 clients    }
# Needs root (the services' users).  Environment: STK_BUILD (default build),
# SVC_BENCH_ROUNDS (11), SVC_BENCH_SECONDS (2, per wrk run), SVC_BENCH_GETS
# (20000 per memcslap thread), SVC_BENCH_ONLY (a space-separated subset).
set -u
cd "$(dirname "$0")/.."
. tests/services/lib.sh
ROUNDS=${SVC_BENCH_ROUNDS:-11}
SECS=${SVC_BENCH_SECONDS:-2}
GETS=${SVC_BENCH_GETS:-20000}
ONLY=${SVC_BENCH_ONLY:-nginx http.server memcached haproxy redis postgres}
P=$SVC_TOP/policies/services

if [ "$(id -u)" -ne 0 ]; then
    echo "services: skipped: needs root (the services run as their own users)"
    exit 0
fi
for c in wrk memcslap python3 setpriv prlimit; do
    command -v "$c" >/dev/null || { echo "services: skipped: $c is not installed (make deps-bench)"; exit 0; }
done
T=$(mktemp -d /var/tmp/stk-bench-svc.XXXXXX) || exit 1
chmod 755 "$T"
PIDS=()
cleanup() {
    local p
    for p in "${PIDS[@]}"; do kill -TERM -- "-$p" 2>/dev/null; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# bg NAME CMD...: start CMD in a process group of its own; its pid in PIDS
bg() {
    local name=$1
    shift
    # (the unconfined instances: prlimit --nofile as the policy's rlimit,
    # setpriv to the policy's user)
    setsid env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@" >"$T/$name.out" 2>"$T/$name.err" </dev/null &
    PIDS+=("$!")
}
# wait_port PORT NAME
wait_port() {
    local i
    for ((i = 0; i < 200; i++)); do
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        sleep 0.1
    done
    echo "services: $2 does not listen on $1: $(tail -n 3 "$T/$2.err" | tr '\n' ' ')" >&2
    return 1
}
# wrk_rate URL: requests per second over SECS
wrk_rate() {
    wrk -t 2 -c 32 -d "${SECS}s" "$1" 2>&1 | awk '/^Requests\/sec:/ { print $2 }'
}
mc_rate() { # PORT: gets per second of memcslap, 4 threads
    local t0 t1
    t0=$(date +%s%N)
    memcslap --servers="127.0.0.1:$1" --concurrency=4 --execute-number="$GETS" --test=get >/dev/null 2>&1 || { echo 0; return; }
    t1=$(date +%s%N)
    awk -v n="$((GETS * 4))" -v ns="$((t1 - t0))" 'BEGIN { printf "%.1f", n / (ns / 1e9) }'
}

# measure NAME RATEFN CONFINED_ARG UNCONFINED_ARG: ROUNDS interleaved rounds
measure() {
    local name=$1 fn=$2 c=$3 u=$4 r rc ru ratios="" cs="" us=""
    $fn "$c" >/dev/null
    $fn "$u" >/dev/null # warm-up, one each
    for ((r = 1; r <= ROUNDS; r++)); do
        if ((r % 2)); then
            rc=$($fn "$c")
            ru=$($fn "$u")
        else
            ru=$($fn "$u")
            rc=$($fn "$c")
        fi
        if [ -z "$rc" ] || [ -z "$ru" ] || [ "${ru%%.*}" = 0 ]; then
            echo "services: $name: a round gave no result (confined '$rc', unconfined '$ru')" >&2
            return 1
        fi
        cs="$cs $rc" us="$us $ru"
        ratios="$ratios $(awk -v a="$rc" -v b="$ru" 'BEGIN { printf "%.4f", a / b }')"
    done
    python3 - "$name" "$cs" "$us" "$ratios" <<'PY'
import statistics, sys
name, cs, us, rs = sys.argv[1], *[list(map(float, a.split())) for a in sys.argv[2:]]
q = statistics.quantiles(rs, n=4) if len(rs) > 1 else [rs[0], rs[0], rs[0]]
print("%-12s %11.0f %11.0f %7.3f %6.3f-%-6.3f %6.3f-%-6.3f %s" % (name, statistics.median(cs),
      statistics.median(us), statistics.median(rs), q[0], q[2], min(rs), max(rs),
      " ".join("%.2f" % r for r in rs)))
PY
}

# ---- nginx (the unprivileged-master policy; both run as www-data) ----
bench_nginx() {
    local pc pu d=$T/nginx
    pc=$(svc_port) pu=$(svc_port)
    mkdir -p "$d/conf" "$d/www/html" "$d/lib" "$d/log" "$d/ulib" "$d/ulog" "$d/urun"
    cp /etc/nginx/mime.types "$d/conf/"
    printf 'hello from nginx\n' >"$d/www/html/index.html"
    chown www-data:www-data "$d/lib" "$d/log" "$d/ulib" "$d/ulog" "$d/urun"
    chmod -R a+rX "$d/conf" "$d/www"
    conf() { # PORT PIDFILE LIB LOG
        cat <<CONF
daemon off;
master_process on;
worker_processes 2;
pid $2;
error_log $4/error.log warn;
events { worker_connections 1024; }
http {
    include $d/conf/mime.types;
    access_log off;
    client_body_temp_path $3/body;
    proxy_temp_path $3/proxy;
    fastcgi_temp_path $3/fastcgi;
    uwsgi_temp_path $3/uwsgi;
    scgi_temp_path $3/scgi;
    sendfile on;
    keepalive_requests 100000;
    server {
        listen 127.0.0.1:$1;
        root $d/www/html;
    }
}
CONF
    }
    conf "$pc" /run/nginx.pid /var/lib/nginx /var/log/nginx >"$d/conf/confined.conf"
    conf "$pu" "$d/urun/nginx.pid" "$d/ulib" "$d/ulog" >"$d/conf/unconfined.conf"
    chmod 644 "$d/conf/"*.conf
    svc_policy "$P/nginx.stk" "$d/site.stk" "tcp 8080" "tcp $pc" "/etc/nginx" "$d/conf" "/var/www" "$d/www"
    cat >"$d/bench.stk" <<POL
include "$d/site.stk"
policy nginx-bench extends nginx {
    filesystem {
        bind $d/lib /var/lib/nginx
        bind $d/log /var/log/nginx
    }
}
POL
    chmod 644 "$d/bench.stk"
    bg nginx-c "$STK" run "$d/bench.stk" -- /usr/sbin/nginx -c "$d/conf/confined.conf"
    bg nginx-u prlimit --nofile=4096:4096 setpriv --reuid=www-data --regid=www-data --clear-groups /usr/sbin/nginx -c "$d/conf/unconfined.conf"
    wait_port "$pc" nginx-c && wait_port "$pu" nginx-u || return 1
    measure nginx wrk_rate "http://127.0.0.1:$pc/index.html" "http://127.0.0.1:$pu/index.html"
}

# ---- python3 -m http.server (both as nobody) ----
bench_http_server() {
    local pc pu d=$T/hs py
    py=$(realpath /usr/bin/python3)
    pc=$(svc_port) pu=$(svc_port)
    mkdir -p "$d/www"
    printf 'hello from python\n' >"$d/www/index.html"
    chmod -R a+rX "$d"
    svc_policy "$P/http-server.stk" "$d/site.stk" "/srv/www" "$d/www" "tcp 8000" "tcp $pc" "/usr/bin/python3.11" "$py"
    bg hs-c "$STK" run "$d/site.stk" -- "$py" -I -m http.server --bind 127.0.0.1 --directory "$d/www" "$pc"
    bg hs-u prlimit --nofile=1024:1024 setpriv --reuid=nobody --regid=nogroup --clear-groups "$py" -I -m http.server --bind 127.0.0.1 --directory "$d/www" "$pu"
    wait_port "$pc" hs-c && wait_port "$pu" hs-u || return 1
    measure http.server wrk_rate "http://127.0.0.1:$pc/index.html" "http://127.0.0.1:$pu/index.html"
}

# ---- memcached (both as memcache) ----
bench_memcached() {
    local pc pu d=$T/mc
    pc=$(svc_port) pu=$(svc_port)
    mkdir -p "$d"
    svc_policy "$P/memcached.stk" "$d/site.stk" "tcp 11211" "tcp $pc"
    bg mc-c "$STK" run "$d/site.stk" -- /usr/bin/memcached -l 127.0.0.1 -p "$pc" -U 0 -m 64 -c 1024 -t 4
    bg mc-u prlimit --nofile=4096:4096 setpriv --reuid=memcache --regid=memcache --clear-groups /usr/bin/memcached -l 127.0.0.1 -p "$pu" -U 0 -m 64 -c 1024 -t 4
    wait_port "$pc" mc-c && wait_port "$pu" mc-u || return 1
    measure memcached mc_rate "$pc" "$pu"
}

# ---- haproxy (both as haproxy) ----
bench_haproxy() {
    local pc pu d=$T/hp
    pc=$(svc_port) pu=$(svc_port)
    mkdir -p "$d/conf" "$d/run" "$d/urun"
    chown haproxy:haproxy "$d/run" "$d/urun"
    conf() { # PORT
        cat <<CFG
global
    nbthread 2
    maxconn 2000
defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
frontend fe
    bind 127.0.0.1:$1
    http-request return status 200 content-type text/plain string "ok"
CFG
    }
    conf "$pc" >"$d/conf/confined.cfg"
    conf "$pu" >"$d/conf/unconfined.cfg"
    chmod -R a+rX "$d/conf"
    svc_policy "$P/haproxy.stk" "$d/site.stk" "bind tcp 80" "bind tcp $pc" "/etc/haproxy" "$d/conf"
    cat >"$d/bench.stk" <<POL
include "$d/site.stk"
policy haproxy-bench extends haproxy {
    filesystem {
        bind $d/run /run/haproxy
    }
}
POL
    chmod 644 "$d/bench.stk"
    bg hp-c "$STK" run "$d/bench.stk" -- /usr/sbin/haproxy -db -f "$d/conf/confined.cfg"
    bg hp-u prlimit --nofile=8192:8192 setpriv --reuid=haproxy --regid=haproxy --clear-groups /usr/sbin/haproxy -db -f "$d/conf/unconfined.cfg"
    wait_port "$pc" hp-c && wait_port "$pu" hp-u || return 1
    measure haproxy wrk_rate "http://127.0.0.1:$pc/" "http://127.0.0.1:$pu/"
}

. bench/services_db.sh

echo "services: confined (policies/services/) vs unconfined, same config and user, $ROUNDS interleaved rounds"
echo "(wrk -t2 -c32 ${SECS}s per run; memcslap 4 x $GETS gets); throughput per second, ratio = confined / unconfined"
printf '%-12s %11s %11s %7s %13s %13s %s\n' service confined unconfined ratio "p25-p75" "min-max" "per round"
for s in $ONLY; do
    case $s in
        nginx) bench_nginx ;;
        http.server) bench_http_server ;;
        memcached) bench_memcached ;;
        haproxy) bench_haproxy ;;
        redis) bench_redis ;;
        postgres) bench_postgres ;;
        *) echo "services: unknown service $s" >&2 ;;
    esac
done
echo "target (not asserted): ratio >= 0.97; the spread says how far one round's noise goes on this machine"
