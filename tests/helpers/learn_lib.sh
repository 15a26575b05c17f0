# learn_lib.sh — helpers of tests/integration/learn*.sh (sourced after
# lib.sh and itest_tmp; $STK is the stockade binary, $T the temp directory).
#   start NAME CMD... / stop        a program in the background ($bg), SIGTERM
#   service NAME PORT WORK MODE ...  learn or verify a service under workload WORK
#   clean_report NAME [FILE]         the verify run reported nothing (but clone3)
#   tight NAME exec|noexec           the learned policy is tight (printed counts)
#   checked NAME                     stockade check accepts it
BG=
trap 'for p in $BG; do kill -KILL $p 2>/dev/null; done; rm -rf "$T"' EXIT

wait_port() {
    local i
    for i in $(seq 150); do
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}
# start NAME CMD...: in the background ($bg), output in $T/NAME.out/.err
start() {
    local n=$1
    shift
    "$@" >"$T/$n.out" 2>"$T/$n.err" &
    bg=$!
    BG="$BG $bg"
}
# stop: SIGTERM to stockade (which passes it on), wait up to 30 s (a service
# shutting down while learned, on a loaded machine, is slow; killing it
# early loses its shutdown calls from the learned policy, and the verify run
# then reports them).  A SIGKILL is said on stderr and in $T/killed.
stop() {
    local i
    kill -TERM "$bg" 2>/dev/null
    for i in $(seq 300); do
        kill -0 "$bg" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$bg" 2>/dev/null; then
        echo "# learn_lib: pid $bg still running 30 s after SIGTERM: killed" | tee -a "$T/killed" >&2
        kill -KILL "$bg" 2>/dev/null
    fi
    wait "$bg" 2>/dev/null
}
# service NAME PORT WORKLOAD learn|verify [learn options] -- CMD...
# learn: stockade learn -o $T/NAME.stk; verify: stockade run --report=$T/NAME.rep
service() {
    local n=$1 port=$2 work=$3 mode=$4
    shift 4
    local opts=()
    while [ "$1" != -- ]; do opts+=("$1"); shift; done
    shift
    rm -f "$T/$n.rep"
    if [ "$mode" = learn ]; then
        start "$n.learn" "$STK" learn -o "$T/$n.stk" "${opts[@]}" -- "$@"
    else
        start "$n.run" "$STK" run --report="$T/$n.rep" "$T/$n.stk" -- "$@"
    fi
    if ! wait_port "$port"; then
        stop
        return 1
    fi
    "$work" "$port" >"$T/$n.$mode.work" 2>&1
    local wrc=$?
    stop
    return $wrc
}
# the report of a verify run: no call blocked and no line printed; the
# learned policy's one deliberate refusal, clone3 answered ENOSYS (libc then
# uses clone, which the policy checks), is `quiet`: only counted in the summary
clean_report() {
    local f=${2:-$T/$1.rep}
    [ -s "$f" ] || return 1
    grep -q "summary: no call was blocked or logged" "$f" && return 0
    local other n
    other=$(grep -cE '^stockade: report: pid ' "$f")
    n=$(grep -E 'report: +[0-9]+ +clone3 -> errno ENOSYS \(blocked, quiet\)' "$f" | awk '{print $3}')
    echo "# learn: $1: ${n:-0} clone3 calls answered ENOSYS (quiet; libc falls back to clone), $other calls reported"
    [ "$other" = 0 ] && ! grep -E '^stockade: report: +[0-9]+ ' "$f" | grep -vq '(blocked, quiet)$'
}
# tightness: no default allow, socket and clone only with conditions, no
# execve unless allowed ($2 = exec), fewer allowed calls than the default
TIGHT_DEFAULT=
tight() {
    local n=$1 f=$T/$1.stk why=
    grep -qE '^\s*default allow' "$f" && why="default allow"
    grep -v '^\s*#' "$f" | grep -wE 'socket|clone' | grep -qv ' if ' && why="$why; unconditional socket/clone"
    if [ "$2" != exec ] && grep -v '^\s*#' "$f" | grep -qwE 'execve|execveat'; then
        why="$why; execve allowed"
    fi
    if [ -z "$TIGHT_DEFAULT" ]; then
        "$STK" show-default >"$T/default.stk"
        TIGHT_DEFAULT=$("$STK" explain "$T/default.stk" | sed -n 's/.* \([0-9]*\) allowed for zero arguments.*/\1/p')
    fi
    local mine decisions
    mine=$("$STK" explain "$f" | sed -n 's/.* \([0-9]*\) allowed for zero arguments.*/\1/p')
    decisions=$("$STK" explain "$f" | sed -n 's/.* \([0-9]*\) syscall decisions.*/\1/p')
    echo "# learn: $n: $mine calls allowed (zero arguments), $decisions syscall decisions; default policy: $TIGHT_DEFAULT allowed"
    [ -n "$mine" ] && [ "$mine" -lt "$TIGHT_DEFAULT" ] || why="$why; not narrower than the default ($mine >= $TIGHT_DEFAULT)"
    if [ -z "$why" ]; then pass "learn_${n}_tight"; else fail "learn_${n}_tight" "$why"; fi
}
checked() {
    local out
    if out=$("$STK" check "$T/$1.stk" 2>&1); then pass "learn_$1_checks"; else fail "learn_$1_checks" "$out"; fi
}

