#!/usr/bin/env bash
# report_output.sh — `--report`'s lines and the command's own output through
# ONE pipe (`out=$(stockade-exec --report B -- CMD 2>&1)`): the report never
# alters the command's output, and under back-pressure it drops only its own
# lines and says how many (docs/enforcer.md, "Violation reports").
# Syscall numbers are x86_64's (uname: 63).
set -u
B=${STK_BUILD:-build}
STK=$B/stockade
EXEC=$B/stockade-exec
RP=$(realpath "$B/tests/helpers/report_probe")
PP=$(realpath "$B/tests/helpers/pieces_probe")
. "$(dirname "$0")/lib.sh"
itest_tmp

for f in "$STK" "$EXEC" "$RP" "$PP"; do
    [ -x "$f" ] || { echo "FAIL setup: $f not built"; exit 1; }
done
if [ "$(uname -m)" != x86_64 ]; then
    skip report_output "the syscall numbers here are x86_64's"
    exit 0
fi

cat >"$T/u.stk" <<'POL'
policy u {
    seccomp {
        default allow
        errno EACCES uname
    }
}
POL
chmod 644 "$T/u.stk"
"$STK" compile -o "$T/u.bundle" "$T/u.stk" >/dev/null 2>&1 || { echo "FAIL setup: compile"; exit 1; }

# 1. A command that writes a line in two pieces (text, then its newline, as
#    unbuffered stdio's puts does) right after a refused call: the call's
#    report line used to be written after the answer, racing the command's
#    pieces, and landed between them ("piece 7: a" + a report line, then a
#    lone "b").  It is written while the caller waits, before the answer.
pieces() { # name, command...
    local name=$1
    shift
    local out rc ok nrep
    out=$("$@" "$PP" 300 63 200 2>&1)
    rc=$?
    ok=$(grep -cE '^piece [0-9]+: ab$' <<<"$out")
    nrep=$(grep -c '^stockade: report: pid [0-9]* (pieces_probe): uname(buf=0) -> errno EACCES (blocked)$' <<<"$out")
    if [ $rc -eq 0 ] && [ "$ok" -eq 300 ] && [ "$nrep" -eq 300 ] && has "$out" "pieces: done" \
        && has "$out" "summary: 300 calls reported"; then
        pass "$name"
    else
        fail "$name" "rc=$rc, $ok of 300 lines intact, $nrep report lines: $(grep -vE '^(piece [0-9]+: ab|stockade: report: pid .*\(blocked\))$' <<<"$out" | head -c 600)"
    fi
}
pieces report_output_command_lines_intact_exec "$EXEC" --report "$T/u.bundle" --
pieces report_output_command_lines_intact_run "$STK" run --report "$T/u.stk" --

# 2. A slow reader: the pipe fills, report lines are dropped, and the
#    summary, written once the reader is back, says how many: every call is
#    either printed or counted as dropped.  The command's stdout goes to a
#    file here, so it never waits for the reader and exits at once; the
#    summary used to be dropped with the rest (the output was "stalled"; one
#    more try of 250 ms for the count), count and all.
out=$("$EXEC" --report "$T/u.bundle" -- "$RP" sys-loop 1100 63 2>&1 >"$T/cmd.out" | { sleep 1.2; cat; })
printed=$(grep -c 'uname(buf=0) -> errno EACCES (blocked)$' <<<"$out")
dropped=$(sed -n 's/^stockade: report: *\([0-9]*\)  report lines dropped: the output was blocked$/\1/p' <<<"$out")
if has "$(cat "$T/cmd.out")" "sys-loop 63: 1100 calls, last errno=13" && has "$out" "summary: 1100 calls reported" \
    && [ -n "$dropped" ] && [ $((printed + dropped)) -eq 1100 ]; then
    pass report_output_dropped_lines_counted
else
    fail report_output_dropped_lines_counted "printed=$printed dropped=${dropped:-none}: $(grep -v 'report: pid' <<<"$out" | head -c 600)"
fi

# 3. A command that stops the supervisor: it shares the caller's terminal
#    session, so it can make its own process group the foreground one and
#    set TOSTOP; the supervisor, now in a background group, was stopped by
#    SIGTTOU at its next report line, for good, and the refused call it was
#    about to answer never returned (the run hung until killed: rc 137).
#    The supervisor ignores SIGTTOU: the line is written, the call answered.
if command -v script >/dev/null 2>&1 && command -v python3 >/dev/null 2>&1; then
    cat >"$T/tostop.py" <<'PY'
import os, signal, termios
signal.signal(signal.SIGTTOU, signal.SIG_IGN)
os.setpgid(0, 0)
os.tcsetpgrp(0, os.getpgrp())
a = termios.tcgetattr(0)
a[3] |= termios.TOSTOP
termios.tcsetattr(0, termios.TCSANOW, a)
try:
    os.uname()
    print("uname: allowed", flush=True)
except OSError as e:
    print("uname: errno=%d" % e.errno, flush=True)
PY
    for mode in exec run; do
        if [ $mode = exec ]; then cmd="$(realpath "$EXEC") --report $T/u.bundle"
        else cmd="$(realpath "$STK") run --report $T/u.stk"; fi
        rm -f "$T/tostop.out"
        timeout 20 script -qfec "timeout -s KILL 5 $cmd -- python3 $T/tostop.py >$T/tostop.out; echo rc=\$? >>$T/tostop.out" \
            /dev/null >"$T/tostop.tty" 2>&1 </dev/null
        got=$(cat "$T/tostop.out" 2>/dev/null)
        if [ "$got" = "uname: errno=13
rc=0" ] && has "$(cat "$T/tostop.tty")" "uname(buf="; then
            pass "report_output_sigttou_no_stop_$mode"
        else
            fail "report_output_sigttou_no_stop_$mode" "[$got] $(head -c 600 "$T/tostop.tty")"
        fi
    done
else
    skip report_output_sigttou_no_stop "needs script (util-linux) and python3"
fi
