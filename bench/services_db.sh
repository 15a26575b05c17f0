# services_db.sh — the redis and PostgreSQL rounds of bench/services.sh
# (sourced by it: uses its T, P, SECS, PIDS, bg, wait_port, measure; a rate
# function prints "RATE OPS").  Both
# instances of a service run side by side, as the same user, with the same
# configuration and descriptor limit, on their own loopback ports and in
# their own directories.
#   redis     redis-benchmark -t set,get,lpush,lpop (32 clients, no
#             pipelining): requests per second over the four tests
#   postgres  pgbench -S (select-only: syscall-bound, seccomp's worst case;
#             the read-write mix measures the disk), 8 clients, SECS
#             seconds: transactions per second.  Its CPU columns count
#             the postmaster only: each backend calls setsid() and leaves
#             the process group that services.sh adds up, so they are not
#             a measure of the server's CPU per transaction.
# Environment: SVC_BENCH_REDIS_N (requests per test per run, 50000).

redis_rate() { # PORT: "RATE OPS": requests per second over the four tests together, and how many
    local n=${SVC_BENCH_REDIS_N:-50000}
    redis-benchmark -p "$1" -t set,get,lpush,lpop -n "$n" -c 32 --csv 2>/dev/null |
        awk -F'"' -v n="$n" '/^"(SET|GET|LPUSH|LPOP)"/ { k++; inv += 1 / $4 } END { if (k == 4) printf "%.1f %d\n", k / inv, k * n }'
}

bench_redis() {
    local pc pu d=$T/redis
    command -v redis-benchmark >/dev/null || { echo "services: redis: redis-benchmark is not installed" >&2; return 1; }
    pc=$(svc_port) pu=$(svc_port)
    mkdir -p "$d/etc" "$d/data" "$d/run" "$d/udata"
    chown redis:redis "$d/data" "$d/run" "$d/udata"
    conf() { # PORT DIR
        printf 'bind 127.0.0.1\nport %s\ndaemonize no\nlogfile ""\ndir %s\nsave ""\nappendonly no\n' "$1" "$2"
    }
    conf "$pc" "$d/data" >"$d/etc/confined.conf"
    conf "$pu" "$d/udata" >"$d/etc/unconfined.conf"
    chmod -R a+rX "$d/etc"
    svc_policy "$P/redis.stk" "$d/site.stk" "tcp 6379" "tcp $pc" /var/lib/redis "$d/data" /run/redis "$d/run" \
        /etc/redis "$d/etc"
    bg redis-c "$STK" run "$d/site.stk" -- /usr/bin/redis-server "$d/etc/confined.conf"
    bg redis-u prlimit --nofile=10032:10032 setpriv --reuid=redis --regid=redis --clear-groups /usr/bin/redis-server "$d/etc/unconfined.conf"
    wait_port "$pc" redis-c && wait_port "$pu" redis-u || return 1
    measure redis redis_rate "$pc" "$pu" "${PIDS[-2]}" "${PIDS[-1]}"
}

pg_rate() { # PORT: "RATE OPS": select-only transactions per second, and how many
    (cd / && /usr/lib/postgresql/15/bin/pgbench -h 127.0.0.1 -p "$1" -U postgres -n -S -c 8 -j 2 -T "$SECS" postgres 2>/dev/null) |
        awk '/^number of transactions actually processed: / { split($6, f, "/"); n = f[1] } /^tps = / { r = $3 }
             END { if (n > 0) printf "%.1f %d\n", r, n }'
}

bench_postgres() {
    local pc pu d=$T/pg b=/usr/lib/postgresql/15/bin
    [ -x "$b/postgres" ] && [ -x "$b/pgbench" ] || { echo "services: postgres: PostgreSQL 15 is not installed" >&2; return 1; }
    pc=$(svc_port) pu=$(svc_port)
    mkdir -p "$d/data" "$d/sock" "$d/usock"
    chown postgres:postgres "$d/data" "$d/sock" "$d/usock"
    chmod 700 "$d/data"
    (cd / && setpriv --reuid=postgres --regid=postgres --init-groups "$b/initdb" -D "$d/data" -U postgres --auth=trust \
        -E UTF8 --locale=C.UTF-8 >"$T/pg-initdb.out" 2>&1) || { echo "services: postgres: initdb failed" >&2; return 1; }
    cp -a "$d/data" "$d/udata"
    svc_policy "$P/postgres.stk" "$d/site.stk" "tcp 5432" "tcp $pc" /var/lib/postgresql/15/main "$d/data" \
        /var/run/postgresql "$d/sock"
    bg pg-c "$STK" run "$d/site.stk" -- "$b/postgres" -D "$d/data" -p "$pc" -k "$d/sock" -c listen_addresses=127.0.0.1
    bg pg-u prlimit --nofile=4096:4096 setpriv --reuid=postgres --regid=postgres --clear-groups "$b/postgres" -D "$d/udata" -p "$pu" -k "$d/usock" \
        -c listen_addresses=127.0.0.1
    wait_port "$pc" pg-c && wait_port "$pu" pg-u || return 1
    local p
    for p in "$pc" "$pu"; do
        for _ in $(seq 100); do "$b/pg_isready" -q -h 127.0.0.1 -p "$p" && break; sleep 0.1; done
        (cd / && "$b/pgbench" -h 127.0.0.1 -p "$p" -U postgres -i -s 10 -q postgres >/dev/null 2>&1) ||
            { echo "services: postgres: pgbench -i failed on port $p" >&2; return 1; }
    done
    measure postgres pg_rate "$pc" "$pu" "${PIDS[-2]}" "${PIDS[-1]}"
}
