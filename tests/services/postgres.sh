#!/usr/bin/env bash
# postgres.sh — a PostgreSQL 15 server confined by policies/services/postgres.stk:
# a cluster made by initdb (as postgres) in the test's directory, its own port
# and socket directory; driven by pgbench -i and a short pgbench run over TCP
# and psql over the socket; the bank invariant of pgbench checked; zero
# blocked calls; then what a compromised server or a hostile superuser tries
# (COPY ... TO PROGRAM, a file outside the data directory, reading
# /etc/shadow) and the compromise probes, each refused.
set -u
. "$(dirname "$0")/lib.sh"
svc_init postgres
PGBIN=/usr/lib/postgresql/15/bin
svc_need "$PGBIN/postgres" "$PGBIN/initdb" "$PGBIN/pgbench" "$PGBIN/psql" "$PGBIN/pg_isready" setpriv
POL=$SVC_TOP/policies/services/postgres.stk
PORT=$(svc_port)
mkdir -p "$T/sock" "$T/data"
chown postgres:postgres "$T/sock" "$T/data"
chmod 700 "$T/data"
if ! (cd / && setpriv --reuid=postgres --regid=postgres --init-groups "$PGBIN/initdb" -D "$T/data" -U postgres \
    --auth=trust -E UTF8 --locale=C.UTF-8 >"$T/initdb.out" 2>&1); then
    fail postgres-initdb "$(tail -n 5 "$T/initdb.out")"
    exit 1
fi
svc_policy "$POL" "$T/site.stk" "tcp 5432" "tcp $PORT" /var/lib/postgresql/15/main "$T/data" \
    /var/run/postgresql "$T/sock"

if "$STK" test "$SVC_TOP/policies/services/postgres.test.stk" >"$T/test.out" 2>&1; then
    pass postgres-expectations
else
    fail postgres-expectations "$(tail -n 5 "$T/test.out")"
fi

svc_start "$T/run.rep" "$T/site.stk" "$PGBIN/postgres" -D "$T/data" -p "$PORT" -k "$T/sock" \
    -c listen_addresses=127.0.0.1
if ! svc_wait_port "$PORT"; then
    fail postgres-starts "not listening"
    exit 1
fi
# the port opens before recovery ends: wait until it accepts connections
for _ in $(seq 100); do
    "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" && break
    sleep 0.1
done
pass postgres-starts
psql() { timeout 20 "$PGBIN/psql" -X -h "$T/sock" -p "$PORT" -U postgres -Atq "$@" postgres 2>&1; }

# pgbench over TCP: initialise (COPY, VACUUM, primary keys), then a short run
out=$(cd / && timeout 25 "$PGBIN/pgbench" -h 127.0.0.1 -p "$PORT" -U postgres -i -s 1 postgres 2>&1)
has "$out" "done in" && pass postgres-pgbench-init || fail postgres-pgbench-init "$(tail -n 3 <<<"$out" | tr '\n' ' ')"
out=$(cd / && timeout 25 "$PGBIN/pgbench" -h 127.0.0.1 -p "$PORT" -U postgres -c 4 -j 2 -t 100 postgres 2>&1)
if has "$out" "number of transactions actually processed: 400/400" && has "$out" "number of failed transactions: 0"; then
    pass postgres-pgbench-run
else
    fail postgres-pgbench-run "$(tail -n 5 <<<"$out" | tr '\n' ' ')"
fi

# answers over the socket: the rows, and pgbench's invariant (every
# transaction adds the same delta to an account, a teller, a branch and the history)
got=$(psql -c "select count(*) from pgbench_accounts" -c "select count(*) from pgbench_history" \
    -c "select (select sum(abalance) from pgbench_accounts) = (select sum(delta) from pgbench_history)
           and (select sum(tbalance) from pgbench_tellers) = (select sum(delta) from pgbench_history)
           and (select sum(bbalance) from pgbench_branches) = (select sum(delta) from pgbench_history)" | tr '\n' ' ')
[ "$got" = "100000 400 t " ] && pass postgres-psql-answers || fail postgres-psql-answers "got '$got'"
# a checkpoint, an index build with a sort spilling to temporary files, a vacuum
got=$(psql -c "set work_mem = '64kB'" -c "create table t as select g as a from generate_series(1, 50000) g" \
    -c "create index on t (a)" -c "vacuum analyze t" -c "checkpoint" -c "select count(*) from t where a > 49990" | tr '\n' ' ')
[ "$got" = "10 " ] && pass postgres-index-vacuum-checkpoint || fail postgres-index-vacuum-checkpoint "got '$got'"

# what a hostile superuser tries through the server
out=$(psql -c "copy (select 1) to program 'id > $T/pwned'")
if [ ! -e "$T/pwned" ] && has "$out" "ERROR"; then pass postgres-no-copy-program; else fail postgres-no-copy-program "$out"; fi
out=$(psql -c "copy (select 1) to '$T/escape'")
if [ ! -e "$T/escape" ] && has "$out" "ERROR"; then pass postgres-no-write-outside-data; else fail postgres-no-write-outside-data "$out"; fi
out=$(psql -c "select pg_read_file('/etc/shadow')")
if has "$out" "ERROR" && ! has "$out" "root:"; then pass postgres-no-read-shadow; else fail postgres-no-read-shadow "$out"; fi

svc_stop
# SIGTERM: smart shutdown, exit 0
[ "$SVC_RC" = 0 ] && pass postgres-clean-exit || fail postgres-clean-exit "exit $SVC_RC: $(tail -n 3 "$T/svc.err")"
# the refusals above are the hostile superuser's, reported on purpose: COPY
# ... TO PROGRAM's system() starts the shell with posix_spawn, whose clone3
# and then vfork-style clone (CLONE_VM|CLONE_VFORK) are refused
svc_report_clean postgres-no-violations "$T/run.rep" "clone3 -> errno ENOSYS (blocked, quiet)" \
    "clone -> errno EPERM (blocked)" "execve -> errno EPERM (blocked)"
# the server's log: the three refusals of the hostile superuser are expected there
grep -vE "pwned|escape|/etc/shadow|STATEMENT|could not execute command|program \"id" "$T/svc.err" >"$T/svc.log"
svc_log_clean postgres-log-clean "$T/svc.log"

# Debian's configuration directory, an extension library it could be told to load: read-only
SVC_PROBE_WRITES=(/etc/postgresql/stk-pwned.conf /etc/postgresql/stk-pwned.conf
    /usr/lib/postgresql/15/lib/stk-pwned.so /usr/lib/postgresql/15/lib/stk-pwned.so)
svc_compromise postgres "$T/site.stk" "$PGBIN/postgres"
[ $fails -eq 0 ]
