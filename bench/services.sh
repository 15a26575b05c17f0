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
# Also per round: the service's own CPU time per operation (its process
# group's user + system time from /proc, finished threads included), whose
# ratio (unconfined / confined) depends less on what else the machine runs.
# The unconfined instance gets the confined one's descriptor limit (prlimit),
# so that only the confinement differs.
# Measures and prints; asserts nothing (the target, >= 0.97, is read by
# people: docs/performance.md).
#   nginx        wrk, /index.html (small: syscall-bound, seccomp's worst case)
#   nginx-ofc    the same with `open_file_cache`: no open(2) per request, so
#                no Landlock path check per request (docs/performance.md)
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
ONLY=${SVC_BENCH_ONLY:-nginx nginx-ofc http.server memcached haproxy redis postgres}
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
# A rate function prints "RATE OPS": operations per second, and how many.
# wrk_rate URL: requests per second over SECS
wrk_rate() {
    wrk -t 2 -c 32 -d "${SECS}s" "$1" 2>&1 | awk '/^Requests\/sec:/ { r = $2 } / requests in / { n = $1 } END { print r, n }'
}
mc_rate() { # PORT: operations per second of memcslap, 4 threads: GETS sets, 4 x GETS gets
    local t0 t1
    t0=$(date +%s%N)
    memcslap --servers="127.0.0.1:$1" --concurrency=4 --execute-number="$GETS" --test=get >/dev/null 2>&1 || { echo 0 0; return; }
    t1=$(date +%s%N)
    awk -v n="$((GETS * 5))" -v ns="$((t1 - t0))" 'BEGIN { printf "%.1f %d\n", n / (ns / 1e9), n }'
}
# ticks PGID: CPU time (user + system, clock ticks) of the processes of a
# process group, their finished threads included
ticks() {
    local f t=0 rest
    for f in /proc/[0-9]*/stat; do
        read -r rest 2>/dev/null <"$f" || continue
        rest=${rest##*) }
        # after the comm: state ppid pgrp ... utime (12th) stime (13th)
        # shellcheck disable=SC2086
        set -- $rest
        [ "$3" = "$PG" ] || continue
        t=$((t + ${12} + ${13}))
    done
    echo "$t"
}
# one FN ARG PGID: "RATE CPU_US_PER_OP"
one() {
    local fn=$1 arg=$2 a b out
    PG=$3
    a=$(ticks)
    out=$($fn "$arg")
    b=$(ticks)
    awk -v o="$out" -v d="$((b - a))" -v hz="$HZ" 'BEGIN { split(o, f, " "); if (f[2] > 0) printf "%s %.3f\n", f[1], d * 1e6 / hz / f[2]; else print "" }'
}
HZ=$(getconf CLK_TCK)

# measure NAME RATEFN CONFINED_ARG UNCONFINED_ARG CONFINED_PGID UNCONFINED_PGID:
# ROUNDS interleaved rounds
measure() {
    local name=$1 fn=$2 c=$3 u=$4 pc=$5 pu=$6 r oc ou all=""
    one "$fn" "$c" "$pc" >/dev/null
    one "$fn" "$u" "$pu" >/dev/null # warm-up, one each
    for ((r = 1; r <= ROUNDS; r++)); do
        if ((r % 2)); then
            oc=$(one "$fn" "$c" "$pc")
            ou=$(one "$fn" "$u" "$pu")
        else
            ou=$(one "$fn" "$u" "$pu")
            oc=$(one "$fn" "$c" "$pc")
        fi
        if [ -z "$oc" ] || [ -z "$ou" ]; then
            echo "services: $name: a round gave no result (confined '$oc', unconfined '$ou')" >&2
            return 1
        fi
        all="$all$oc $ou;"
    done
    python3 - "$name" "$all" <<'PY'
import statistics, sys
name = sys.argv[1]
rounds = [list(map(float, r.split())) for r in sys.argv[2].split(";") if r.strip()]
def spread(v):
    q = statistics.quantiles(v, n=4) if len(v) > 1 else [v[0]] * 3
    return statistics.median(v), q[0], q[2], min(v), max(v)
tr = [c / u for c, _, u, _ in rounds]               # throughput: confined / unconfined
cr = [uc / cc for _, cc, _, uc in rounds if cc > 0]  # CPU per op: unconfined / confined
print("%-12s %9.0f %9.0f  %5.3f %5.3f-%-5.3f %5.3f-%-5.3f   %7.1f %7.1f  %5.3f %5.3f-%-5.3f" % (
    name, statistics.median(r[0] for r in rounds), statistics.median(r[2] for r in rounds), *spread(tr),
    statistics.median(r[1] for r in rounds), statistics.median(r[3] for r in rounds), *spread(cr)[:3]))
print("%-12s throughput ratio per round: %s" % ("", " ".join("%.2f" % x for x in tr)))
PY
}

# ---- nginx (the unprivileged-master policy; both run as www-data) ----
bench_nginx() { # [ofc]: with open_file_cache
    local pc pu d=$T/nginx${1:-} ofc= row=nginx
    if [ "${1:-}" = ofc ]; then
        ofc="open_file_cache max=1000;" row=nginx-ofc
    fi
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
    $ofc
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
policy nginx-bench${1:-} extends nginx {
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
    measure "$row" wrk_rate "http://127.0.0.1:$pc/index.html" "http://127.0.0.1:$pu/index.html" "${PIDS[-2]}" "${PIDS[-1]}"
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
    measure http.server wrk_rate "http://127.0.0.1:$pc/index.html" "http://127.0.0.1:$pu/index.html" "${PIDS[-2]}" "${PIDS[-1]}"
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
    measure memcached mc_rate "$pc" "$pu" "${PIDS[-2]}" "${PIDS[-1]}"
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
    measure haproxy wrk_rate "http://127.0.0.1:$pc/" "http://127.0.0.1:$pu/" "${PIDS[-2]}" "${PIDS[-1]}"
}

. bench/services_db.sh

echo "services: confined (policies/services/) vs unconfined, same config and user, $ROUNDS interleaved rounds"
echo "(wrk -t2 -c32 ${SECS}s per run; memcslap 4 threads, $GETS sets + 4 x $GETS gets)"
echo "throughput: operations per second, ratio confined / unconfined (median, p25-p75, min-max over the rounds)"
echo "CPU: the service's own CPU time (user + system) per operation in µs, ratio unconfined / confined"
printf '%-12s %9s %9s  %5s %11s %11s   %7s %7s  %5s %11s\n' service conf/s unconf/s ratio p25-p75 min-max \
    "cpu µs" "unconf" ratio p25-p75
for s in $ONLY; do
    case $s in
        nginx) bench_nginx ;;
        nginx-ofc) bench_nginx ofc ;;
        http.server) bench_http_server ;;
        memcached) bench_memcached ;;
        haproxy) bench_haproxy ;;
        redis) bench_redis ;;
        postgres) bench_postgres ;;
        *) echo "services: unknown service $s" >&2 ;;
    esac
done
echo "target (not asserted): ratios >= 0.97; the spreads say how far one round's noise goes on this machine"
