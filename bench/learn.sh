#!/usr/bin/env bash
# learn.sh — what `stockade learn` costs a real workload: redis-benchmark
# (SET and GET, 4 clients) against a redis-server run bare, under `stockade
# learn`, and confined by the learned policy (`stockade run`), in
# interleaved rounds on the same machine; the median requests per second of
# each and the ratio to bare.  Measures and prints; asserts nothing.
# Environment: STK_BUILD (default build), LEARN_ROUNDS (5), LEARN_REQUESTS (20000).
set -euo pipefail
cd "$(dirname "$0")/.."
STK=$(realpath "${STK_BUILD:-build}/stockade")
ROUNDS=${LEARN_ROUNDS:-5}
N=${LEARN_REQUESTS:-20000}
for t in redis-server redis-benchmark redis-cli; do
    command -v $t >/dev/null || { echo "bench/learn: $t missing (make deps-bench)"; exit 0; }
done
T=$(mktemp -d)
PID=
trap '[ -n "$PID" ] && kill -KILL $PID 2>/dev/null; rm -rf "$T"' EXIT
P=$((26000 + $$ % 1000))
R=(redis-server --port "$P" --bind 127.0.0.1 --dir "$T" --save "" --appendonly no --daemonize no --logfile "$T/log")

up() {
    local i
    for i in $(seq 100); do
        redis-cli -p "$P" PING 2>/dev/null | grep -q PONG && return 0
        sleep 0.05
    done
    echo "bench/learn: redis did not start" >&2
    exit 1
}
down() {
    kill -TERM "$PID" 2>/dev/null || true
    wait "$PID" 2>/dev/null || true
    PID=
}
# one round: requests per second, SET and GET summed
round() {
    "$@" >/dev/null 2>&1 &
    PID=$!
    up
    redis-benchmark -h 127.0.0.1 -p "$P" -t set,get -n "$N" -c 4 -q 2>/dev/null | tr '\r' '\n' |
        awk '/requests per second/ { s += $2 } END { printf "%.0f\n", s / 2 }'
    down
}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# the policy to confine with: learned once from the same workload
round "$STK" learn -o "$T/redis.stk" -- "${R[@]}" >/dev/null
: >"$T/bare"; : >"$T/learn"; : >"$T/run"
for i in $(seq "$ROUNDS"); do
    round "${R[@]}" >>"$T/bare"
    round "$STK" learn -o "$T/again.stk" -- "${R[@]}" >>"$T/learn"
    round "$STK" run "$T/redis.stk" -- "${R[@]}" >>"$T/run"
done
bare=$(median <"$T/bare")
learn=$(median <"$T/learn")
run=$(median <"$T/run")
echo "== bench/learn: redis-benchmark SET+GET, $N requests, 4 clients, median of $ROUNDS interleaved rounds"
echo "   ($(nproc) CPU(s), kernel $(uname -r), load $(cut -d' ' -f1 /proc/loadavg))"
printf '   %-34s %8s req/s\n' "bare" "$bare"
printf '   %-34s %8s req/s  %.2fx of bare\n' "stockade learn (recording)" "$learn" "$(echo "$learn / $bare" | bc -l)"
printf '   %-34s %8s req/s  %.2fx of bare\n' "stockade run (the learned policy)" "$run" "$(echo "$run / $bare" | bc -l)"
