#!/usr/bin/env bash
# redis.sh — redis-server confined by policies/services/redis.stk with its own
# configuration, port, data and socket directories; driven by redis-cli (TCP
# and the UNIX socket) and redis-benchmark, a background save and an AOF
# rewrite (forked children); zero blocked calls beyond the expected clone3
# fallback; `pgrep -x redis-server` finds it although Debian's redis-server is
# a link to redis-check-rdb and the policy denies exec; the compromise probes
# refused.
set -u
. "$(dirname "$0")/lib.sh"
svc_init redis
svc_need /usr/bin/redis-server /usr/bin/redis-check-rdb redis-cli redis-benchmark pgrep
POL=$SVC_TOP/policies/services/redis.stk
PORT=$(svc_port)
mkdir -p "$T/data" "$T/run" "$T/etc"
chown redis:redis "$T/data" "$T/run"
chmod 750 "$T/data" "$T/run"
cat >"$T/etc/redis.conf" <<CONF
bind 127.0.0.1
port $PORT
protected-mode yes
daemonize no
supervised no
logfile ""
dir $T/data
unixsocket $T/run/redis.sock
unixsocketperm 700
save 3600 1
appendonly yes
maxmemory 128mb
CONF
chmod 644 "$T/etc/redis.conf"
svc_policy "$POL" "$T/site.stk" "tcp 6379" "tcp $PORT" /var/lib/redis "$T/data" /run/redis "$T/run" \
    /etc/redis "$T/etc"

if "$STK" test "$SVC_TOP/policies/services/redis.test.stk" >"$T/test.out" 2>&1; then
    pass redis-expectations
else
    fail redis-expectations "$(tail -n 5 "$T/test.out")"
fi

svc_start "$T/run.rep" "$T/site.stk" /usr/bin/redis-server "$T/etc/redis.conf"
if ! svc_wait_port "$PORT"; then
    fail redis-starts "not listening"
    exit 1
fi
pass redis-starts
cli() { timeout 10 redis-cli -p "$PORT" "$@" 2>&1; }

# the name a plain exec gives, though exec is denied (the enforcer execs by descriptor)
pids=$(pgrep -x redis-server -g "$SVC_PID")
if [ -n "$pids" ] && [ "$(cat /proc/"${pids%%$'\n'*}"/comm)" = redis-server ]; then
    pass redis-pgrep-name
else
    fail redis-pgrep-name "pgrep -x redis-server found nothing in the service's group: $(ps -o pid,comm -g "$SVC_PID" | tr '\n' ' ')"
fi

# answers over TCP and over the UNIX socket
got="$(cli ping)|$(cli set greeting hello)|$(cli get greeting)|$(cli incrby n 40)|$(cli incr n)|$(cli rpush l a b c)|$(cli lrange l 0 -1 | tr '\n' ,)"
want="PONG|OK|hello|40|41|3|a,b,c,"
[ "$got" = "$want" ] && pass redis-cli-answers || fail redis-cli-answers "got '$got', want '$want'"
got=$(timeout 10 redis-cli -s "$T/run/redis.sock" get greeting 2>&1)
[ "$got" = hello ] && pass redis-unix-socket || fail redis-unix-socket "got '$got'"

# load: the four commands of the issue, small
bench=$(timeout 25 redis-benchmark -p "$PORT" -t set,get,lpush,lpop -n 2000 -c 10 -q 2>&1 | tr '\r' '\n')
ok=1
for c in SET GET LPUSH LPOP; do
    grep -q "^$c: .*requests per second" <<<"$bench" || ok=0
done
[ $ok -eq 1 ] && pass redis-benchmark || fail redis-benchmark "$(tail -n 5 <<<"$bench" | tr '\n' ' ')"

# persistence: a forked background save and AOF rewrite, in the data directory
cli bgsave >/dev/null
cli bgrewriteaof >/dev/null
for _ in $(seq 100); do
    info=$(cli info persistence | tr -d '\r')
    has "$info" "rdb_bgsave_in_progress:0" && has "$info" "aof_rewrite_in_progress:0" \
        && ! has "$info" "aof_rewrite_scheduled:1" && break
    sleep 0.1
done
if has "$info" "rdb_last_bgsave_status:ok" && has "$info" "aof_last_bgrewrite_status:ok" && [ -s "$T/data/dump.rdb" ] \
    && [ -d "$T/data/appendonlydir" ]; then
    pass redis-bgsave-aof
else
    fail redis-bgsave-aof "$(grep -E 'status|progress' <<<"$info" | tr '\n' ' ')"
fi
# the service cannot be talked into writing elsewhere (the classic CONFIG SET dir attack)
out=$(cli config set dir /etc)
if ! has "$out" "OK" || ! has "$(cli save)" "OK"; then
    pass redis-no-dir-escape
else
    fail redis-no-dir-escape "CONFIG SET dir /etc and SAVE succeeded"
    rm -f /etc/dump.rdb
fi
[ ! -e /etc/dump.rdb ] || fail redis-no-dir-escape-file "/etc/dump.rdb appeared"

svc_stop
# SIGTERM: redis saves and exits 0
[ "$SVC_RC" = 0 ] && pass redis-clean-exit || fail redis-clean-exit "exit $SVC_RC: $(tail -n 3 "$T/svc.err")"
# clone3 -> ENOSYS: refused on purpose (its flags are out of the filter's
# reach); glibc falls back to clone, which the policy checks.
svc_report_clean redis-no-violations "$T/run.rep" "clone3 -> errno ENOSYS (blocked, quiet)"
svc_log_clean redis-log-clean "$T/svc.out"

# its configuration, a module it could be told to load: read-only
SVC_PROBE_WRITES=("$T/etc/redis.conf.new" "$T/etc/redis.conf.new" /usr/lib/redis/stk-pwned.so /usr/lib/redis/stk-pwned.so)
svc_compromise redis "$T/site.stk" /usr/bin/redis-check-rdb
[ $fails -eq 0 ]
