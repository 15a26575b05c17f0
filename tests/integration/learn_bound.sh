#!/usr/bin/env bash
# learn_bound.sh — the recorder of `stockade learn` keeps at most
# STK_LEARN_PATHS_MAX (65536) distinct paths and 4 MiB of their names
# (enforcer/supervise/learn.h): a command that names far more files (here
# failed opens of names that do not exist) finishes, the supervisor's memory
# stays bounded, it says once on stderr that paths were dropped, the learned
# policy says its file rules are incomplete (header and landlock block), its
# calls are still all counted, and it still passes `stockade check`.  Before
# the bound the table grew with every distinct name (a 1000-byte name cost
# the supervisor about a kilobyte: 40000 of them, ~40 MB).
set -u
B=${STK_BUILD:-build}
STK=$(realpath "$B/stockade")
MP=$(realpath "$B/tests/helpers/manypaths")
. "$(dirname "$0")/lib.sh"
itest_tmp
[ -x "$STK" ] && [ -x "$MP" ] || { echo "FAIL setup: $STK or $MP not built"; exit 1; }

# ---- more distinct paths than the table keeps ---------------------------------------
# (70000 names: the table keeps 65536; every open is still a call counted)
if "$STK" learn -o "$T/many.stk" -- "$MP" 70000 0 "$T/none" >"$T/many.out" 2>"$T/many.err"; then
    warned=$(grep -c "new paths are no longer recorded" "$T/many.err")
    calls=$(sed -n 's/^#@ call openat \([0-9]*\)$/\1/p' "$T/many.stk")
    if [ "$warned" = 1 ] && grep -q "^# The file rules are INCOMPLETE: [0-9]* distinct paths were not recorded" "$T/many.stk" &&
        grep -q "^    # INCOMPLETE: [0-9]* more distinct paths were not recorded" "$T/many.stk" &&
        grep -q "paths-dropped=[0-9]" "$T/many.stk" && [ "${calls:-0}" -ge 70000 ] &&
        [ "$(grep -c '^#@ path ' "$T/many.stk")" -le 65536 ] && "$STK" check "$T/many.stk" >/dev/null 2>&1; then
        pass learn_paths_bounded
    else
        fail learn_paths_bounded "warned=$warned openat=$calls paths=$(grep -c '^#@ path ' "$T/many.stk"): $(tail -3 "$T/many.err"; grep INCOMPLETE "$T/many.stk")"
    fi
else
    fail learn_paths_bounded "exit $?: $(tail -3 "$T/many.err")"
fi

# ---- long names: the byte bound, and the supervisor's peak memory ------------------
# The helper reads its parent's (the supervisor's) VmHWM before its opens and
# after the last one was recorded: 40000 names of ~1000 bytes would be ~40 MB
# kept; the bound keeps 4 MiB of names and a fixed table.
if "$STK" learn -o "$T/long.stk" -- "$MP" 40000 1000 "$T/none" >"$T/long.out" 2>"$T/long.err"; then
    read -r hwm0 hwm1 < <(sed -n 's/.*parent VmHWM \([0-9]*\) -> \([0-9]*\) kB/\1 \2/p' "$T/long.out")
    grew=$(( ${hwm1:-0} - ${hwm0:-0} ))
    if [ -n "${hwm0:-}" ] && [ "$hwm0" -gt 0 ] && [ "$grew" -lt 12288 ] &&
        grep -q "new paths are no longer recorded" "$T/long.err" && grep -q "INCOMPLETE" "$T/long.stk" &&
        "$STK" check "$T/long.stk" >/dev/null 2>&1; then
        pass learn_paths_memory_bounded
    else
        fail learn_paths_memory_bounded "supervisor VmHWM ${hwm0:-?} -> ${hwm1:-?} kB (grew $grew kB, limit 12288): $(cat "$T/long.out"; tail -3 "$T/long.err")"
    fi
else
    fail learn_paths_memory_bounded "exit $?: $(tail -3 "$T/long.err")"
fi

# ---- under the bound nothing is said --------------------------------------------------
if "$STK" learn -o "$T/few.stk" -- "$MP" 100 0 "$T/none" >/dev/null 2>"$T/few.err" &&
    ! grep -q "no longer recorded" "$T/few.err" && ! grep -q "INCOMPLETE\|paths-dropped" "$T/few.stk"; then
    pass learn_paths_under_bound_silent
else
    fail learn_paths_under_bound_silent "$(tail -3 "$T/few.err"; grep INCOMPLETE "$T/few.stk")"
fi

[ $fails -eq 0 ]
