# lib.sh — the harness of the service tests in this directory (not a test
# itself: the Makefile's SERVICE_TESTS leaves it out).  Each tests/services/
# NAME.sh starts a real service confined by policies/services/NAME.stk, drives
# it with its real client, checks its answers and that --report names no
# blocked call, then plays a compromised service (a shell, a write outside its
# data directory, raw/packet/netlink sockets, ptrace) and checks that each is
# refused.  Sourced: `. "$(dirname "$0")/lib.sh"`.
#
#   svc_init NAME               T = a new directory (mode 755) under
#                               $STK_SVC_TMPDIR (default /var/tmp: the
#                               policies give the service a private /tmp);
#                               everything started is stopped and T removed
#                               at exit
#   svc_need CMD...             each CMD must be installed (tools/deps.sh
#                               installs them): a failure, and exit, otherwise
#   svc_port                    print a free TCP port of 127.0.0.1 (20000-29999)
#   svc_policy SRC DST OLD NEW [OLD NEW]...
#                               DST = SRC with each site value OLD replaced by
#                               NEW (fixed strings; the "documented edits" of
#                               the policy's header): a failure if an OLD is
#                               not in SRC, so the documented edit points stay
#   svc_start REPORT POLICY CMD...
#                               run `stockade run --report=REPORT POLICY --
#                               CMD...` in the background in a process group
#                               of its own with a scrubbed environment;
#                               SVC_PID is its pid, its stdout and stderr go
#                               to $T/svc.out, $T/svc.err
#   svc_helper CMD...           run an unconfined helper the test needs (a
#                               backend) in the background, in a process
#                               group of its own, stopped at exit
#   svc_wait_port PORT [SECS]   wait (default 20 s) until 127.0.0.1:PORT
#                               accepts a connection; false (and the
#                               service's stderr shown) if the service died
#                               or the time ran out
#   svc_stop                    SIGTERM to stockade (it passes it on), wait up
#                               to 10 s, then SIGKILL to the process group;
#                               SVC_RC is the exit status
#   svc_report_clean NAME REPORT [EXPECTED...]
#                               PASS NAME if REPORT ends with a summary and
#                               reports no blocked or logged call except the
#                               summary entries listed as EXPECTED (whole
#                               "CALL -> RESULT (WHY)" texts, e.g. "clone3 ->
#                               errno ENOSYS (blocked, quiet)": calls the
#                               policy refuses on purpose and the program
#                               handles; each must be justified where it is
#                               listed).  Landlock's refusals are accepted
#                               one path at a time, never by their summary
#                               entry: an EXPECTED of the form of a report
#                               line's end, 'CALL -> errno EACCES (landlock:
#                               RIGHTS "PATH")', a bash pattern (* and [..]
#                               in PATH for a pid or a thread id), accepts
#                               the report lines it matches; the summary's
#                               Landlock entries pass only if every Landlock
#                               line was accepted and they count no more
#                               denials than there are lines.  Denials the
#                               report could not name ("not reported", "may
#                               be missing") always fail
#   svc_log_clean NAME FILE     PASS NAME if FILE has no "Permission denied",
#                               "Operation not permitted" or "Read-only file
#                               system" (Landlock and read-only mounts refuse
#                               silently: the service's own log is the witness)
#   svc_compromise NAME POLICY BIN
#                               the compromise probes: the test helper probe
#                               (tests/helpers/probe.c) is bound over BIN in
#                               the policy's own view (a child policy that
#                               extends POLICY's last policy by one `bind`),
#                               so it runs with exactly the service's identity,
#                               capabilities, filesystem view, Landlock rules,
#                               cgroup and seccomp filter; then each of: exec
#                               a shell, write to /etc and to T, open a packet,
#                               raw IP and netlink socket, ptrace pid 1 and
#                               PTRACE_TRACEME must fail, with --report naming
#                               the seccomp refusals.  SVC_PROBE_WRITES, an
#                               array of VIEWPATH HOSTPATH pairs, adds
#                               service-specific writes that must fail (a
#                               document root, a config): the probe writes
#                               VIEWPATH, and HOSTPATH, the file behind it on
#                               the host, must not appear
# Syscall numbers in the probes are x86_64's: elsewhere they are skipped.
. "$(dirname "${BASH_SOURCE[0]}")/../integration/lib.sh"

B=${STK_BUILD:-build}
STK=$(realpath "$B/stockade" 2>/dev/null)
SVC_PROBE=$(realpath "$B/tests/helpers/probe" 2>/dev/null)
SVC_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SVC_PID=
SVC_RC=
SVC_HELPERS=()
SVC_PROBE_WRITES=()

svc_cleanup() {
    local h
    [ -n "$SVC_PID" ] && svc_stop
    for h in "${SVC_HELPERS[@]}"; do
        kill -TERM -- "-$h" 2>/dev/null
        wait "$h" 2>/dev/null
    done
    [ -n "${T:-}" ] && rm -rf "$T"
}

svc_init() {
    local base=${STK_SVC_TMPDIR:-/var/tmp}
    T=$(mktemp -d "$base/stk-svc-$1.XXXXXX") || { echo "FAIL setup: mktemp"; exit 1; }
    chmod 755 "$T"
    trap svc_cleanup EXIT
    trap 'exit 130' INT TERM
    for f in "$STK" "$SVC_PROBE"; do
        [ -x "$f" ] || { echo "FAIL setup: $f not built (make all and the test helpers)"; exit 1; }
    done
}

svc_need() {
    local c
    for c in "$@"; do
        command -v "$c" >/dev/null 2>&1 || [ -x "$c" ] || {
            echo "FAIL setup: $c is not installed (make deps-test installs it: tools/deps.sh)"
            exit 1
        }
    done
}

svc_port() {
    python3 - <<'PY'
import random, socket
for _ in range(200):
    p = random.randrange(20000, 30000)
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p))
    except OSError:
        continue
    finally:
        s.close()
    print(p)
    break
else:
    raise SystemExit("no free port")
PY
}

svc_policy() {
    local src=$1 dst=$2 text
    shift 2
    text=$(cat "$src") || { echo "FAIL setup: cannot read $src"; exit 1; }
    while [ $# -ge 2 ]; do
        if ! has "$text" "$1"; then
            echo "FAIL setup: $src has no site value '$1' to replace (its header documents the edits)"
            exit 1
        fi
        text=${text//"$1"/"$2"}
        shift 2
    done
    printf '%s\n' "$text" >"$dst"
    chmod 644 "$dst"
}

svc_start() {
    local report=$1 policy=$2
    shift 2
    : >"$report"
    # No job control in a script: the background job is in our process
    # group, so setsid makes it a group leader without forking and $! is
    # stockade itself.
    # (the environment is cleared but for the test's run cache: tests/run-tests.sh
    # points it into a temporary directory, never the host's /var/cache/stockade)
    setsid env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 ${STOCKADE_CACHE_DIR:+"STOCKADE_CACHE_DIR=$STOCKADE_CACHE_DIR"} \
        "$STK" run --report="$report" "$policy" -- "$@" >"$T/svc.out" 2>"$T/svc.err" </dev/null &
    SVC_PID=$!
}

svc_helper() {
    setsid "$@" >>"$T/helper.log" 2>&1 </dev/null &
    SVC_HELPERS+=("$!")
}

svc_wait_port() {
    local port=$1 i n=$(( ${2:-20} * 10 ))
    for ((i = 0; i < n; i++)); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            return 0
        fi
        if ! kill -0 "$SVC_PID" 2>/dev/null; then
            echo "service exited before listening on $port; its stderr:"
            tail -n 20 "$T/svc.err" | sed 's/^/    /'
            return 1
        fi
        sleep 0.1
    done
    echo "nothing listens on $port after ${2:-20} s; the service's stderr:"
    tail -n 20 "$T/svc.err" | sed 's/^/    /'
    return 1
}

svc_stop() {
    local pid=$SVC_PID i
    [ -n "$pid" ] || return 0
    SVC_PID=
    kill -TERM "$pid" 2>/dev/null
    for ((i = 0; i < 100; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        echo "service did not stop on SIGTERM within 10 s: SIGKILL"
        kill -KILL -- "-$pid" 2>/dev/null
    fi
    wait "$pid" 2>/dev/null
    SVC_RC=$?
    # whatever is left in its process group (never anything else)
    kill -KILL -- "-$pid" 2>/dev/null
    return 0
}

# The summary entries of REPORT ("CALL -> RESULT (WHY)"), one a line.
svc_report_entries() {
    sed -n 's/^stockade: report: *[0-9][0-9]*  \(.* -> .*\)$/\1/p' "$1"
}

svc_report_clean() {
    local name=$1 report=$2 entries e x n bad= lines=0 counted=0
    shift 2
    if ! grep -q '^stockade: report: summary: ' "$report"; then
        fail "$name" "the report has no summary (the supervisor did not finish): $(tail -n 3 "$report")"
        return
    fi
    if grep -q '^stockade: report: .*Landlock denial.* \(not reported\|may be missing\)' "$report"; then
        bad="$bad; $(grep -m 1 'Landlock denial' "$report")"
    fi
    # Landlock's refusals, each by its path: 'CALL -> errno EACCES (landlock: RIGHTS "PATH")'
    while IFS= read -r e; do
        [ -n "$e" ] || continue
        lines=$((lines + 1))
        for x in "$@"; do
            case "$x" in *"(landlock: "*) [[ $e == $x ]] && continue 2 ;; esac
        done
        bad="$bad; $e"
    done < <(sed -n 's/^stockade: report: pid [0-9][0-9]* (.*): \([^ ]* -> errno [A-Z]* (landlock: .*)\)$/\1/p' "$report")
    entries=$(svc_report_entries "$report")
    while IFS= read -r e; do
        [ -n "$e" ] || continue
        case "$e" in "other calls"*|"report lines dropped"*) bad="$bad; $e"; continue ;; esac
        # Landlock's: its lines were judged above, one by one
        case "$e" in *" -> errno "*" (landlock "*) continue ;; esac
        for x in "$@"; do
            [ "$e" = "$x" ] && continue 2
        done
        bad="$bad; $e"
    done <<<"$entries"
    for n in $(sed -n 's/^stockade: report: *\([0-9][0-9]*\)  .* -> errno .* (landlock .*)$/\1/p' "$report"); do
        counted=$((counted + n))
    done
    [ "$counted" -eq "$lines" ] || bad="$bad; the summary counts $counted Landlock denials, the report names $lines"
    if [ -n "$bad" ]; then
        fail "$name" "the policy blocked or logged calls of the real workload:${bad#;} (first lines: $(grep -v ' summary\|^stockade: report: *[0-9]' "$report" | head -n 3))"
    else
        pass "$name"
    fi
}

svc_log_clean() {
    local name=$1 file=$2 hits
    hits=$(grep -E 'Permission denied|Operation not permitted|Read-only file system' "$file" 2>/dev/null | head -n 3)
    if [ -n "$hits" ]; then
        fail "$name" "the service met refusals: $hits"
    else
        pass "$name"
    fi
}

# svc_probe_run PROBEPOLICY BIN ARGS...: $pout, $prep (report), $prc
svc_probe_run() {
    local pol=$1
    shift
    : >"$T/probe.rep"
    pout=$(cd / && timeout 30 env -i PATH=/usr/bin:/bin ${STOCKADE_CACHE_DIR:+"STOCKADE_CACHE_DIR=$STOCKADE_CACHE_DIR"} "$STK" run --report="$T/probe.rep" "$pol" -- "$@" 2>"$T/probe.err" </dev/null)
    prc=$?
    prep=$(cat "$T/probe.rep" "$T/probe.err")
}

# svc_probe_refused NAME WANT_OUT WANT_REPORT: the last probe run printed
# WANT_OUT (its "ret=-1 errno=..." line) and, if WANT_REPORT is not empty,
# its report names the refused call; or, for a policy that kills, the probe
# died of SIGSYS (exit 159) and the report names the call.
svc_probe_refused() {
    local name=$1 out=$2 rep=$3
    if { has "$pout" "$out" || [ "$prc" -eq 159 ]; } && { [ -z "$rep" ] || has "$prep" "$rep"; }; then
        pass "$name"
    else
        fail "$name" "want '$out'${rep:+ and a report of '$rep'}; got (rc $prc) $(tr '\n' ' ' <<<"$pout") / $(tail -n 4 <<<"$prep" | tr '\n' ' ')"
    fi
}

svc_compromise() {
    local name=$1 policy=$2 bin=$3 pname pp i
    if [ "$(uname -m)" != x86_64 ]; then
        skip "$name-compromise" "the probes' syscall numbers are x86_64's"
        return
    fi
    pname=$(sed -n 's/^policy \([^ {]*\).*/\1/p' "$policy" | tail -n 1)
    cp "$SVC_PROBE" "$T/probe" && chmod 755 "$T/probe"
    pp=$T/probe-$name.stk
    cat >"$pp" <<EOF
include "$policy"

policy $pname-compromised extends $pname {
    filesystem {
        bind $T/probe $bin readonly
    }
}
EOF
    chmod 644 "$pp"

    # sanity: the probe runs in the service's place and reports
    svc_probe_run "$pp" "$bin" pid
    if ! has "$pout" "pid: "; then
        fail "$name-compromise-setup" "the probe did not run in the service's place (rc $prc): $(tail -n 5 <<<"$prep" | tr '\n' ' ')"
        return
    fi

    # a shell (seccomp's answer comes first; Landlock would refuse it too)
    svc_probe_run "$pp" "$bin" exec /bin/sh -c 'echo PWNED'
    if has "$pout" "PWNED"; then
        fail "$name-no-shell" "a shell ran: $pout"
    else
        svc_probe_refused "$name-no-shell" "exec: errno=" "execve("
    fi

    # files outside the service's data directory, on the host: nothing may change
    svc_probe_run "$pp" "$bin" write /etc/stk-svc-probe write "$T/escape"
    if [ -e /etc/stk-svc-probe ] || [ -e "$T/escape" ]; then
        fail "$name-no-write-outside" "a probe file appeared on the host"
        rm -f /etc/stk-svc-probe
    elif has "$pout" "write /etc/stk-svc-probe: errno=" && has "$pout" "write $T/escape: errno="; then
        pass "$name-no-write-outside"
    else
        fail "$name-no-write-outside" "want both writes refused; got (rc $prc) $(tr '\n' ' ' <<<"$pout")"
    fi

    # the service's own read-only places
    for ((i = 0; i + 1 < ${#SVC_PROBE_WRITES[@]}; i += 2)); do
        local vp=${SVC_PROBE_WRITES[i]} hp=${SVC_PROBE_WRITES[i + 1]}
        svc_probe_run "$pp" "$bin" write "$vp"
        if [ -e "$hp" ]; then
            fail "$name-no-write-$vp" "$hp appeared on the host"
            rm -f "$hp"
        elif has "$pout" "write $vp: errno="; then
            pass "$name-no-write-$vp"
        else
            fail "$name-no-write-$vp" "want the write refused; got (rc $prc) $(tr '\n' ' ' <<<"$pout")"
        fi
    done

    # socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL)), socket(AF_INET, SOCK_RAW,
    # IPPROTO_ICMP), socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE)
    svc_probe_run "$pp" "$bin" sys 41 17 3 768
    svc_probe_refused "$name-no-packet-socket" "sys 41: ret=-1 errno=" "socket(domain=AF_PACKET"
    svc_probe_run "$pp" "$bin" sys 41 2 3 1
    svc_probe_refused "$name-no-raw-ip-socket" "sys 41: ret=-1 errno=" "socket(domain=AF_INET, type=SOCK_RAW"
    svc_probe_run "$pp" "$bin" sys 41 16 3 0
    svc_probe_refused "$name-no-netlink-socket" "sys 41: ret=-1 errno=" "socket(domain=AF_NETLINK"

    # ptrace(PTRACE_ATTACH, 1), ptrace(PTRACE_TRACEME)
    svc_probe_run "$pp" "$bin" sys 101 16 1
    svc_probe_refused "$name-no-ptrace-attach" "sys 101: ret=-1 errno=" "ptrace("
    svc_probe_run "$pp" "$bin" sys 101 0
    svc_probe_refused "$name-no-ptrace-traceme" "sys 101: ret=-1 errno=" "ptrace("
}
