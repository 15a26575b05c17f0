#!/usr/bin/env bash
# learn_inject.sh — the recorded command chooses the paths `stockade learn`
# writes into the policy: names with quotes, backslashes, '#', braces, rule
# text, control characters and bytes that are not UTF-8 must not put a
# statement of their own into the learned policy, nor a data line into the
# block that `--merge` reads back.  Every learned file checks, and no line
# outside a comment or a quoted string holds the planted text.
set -u
B=${STK_BUILD:-build}
STK=$(realpath "$B/stockade")
. "$(dirname "$0")/lib.sh"
itest_tmp
[ -x "$STK" ] || { echo "FAIL setup: $STK not built"; exit 1; }
export PATH=/usr/sbin:/usr/bin:/sbin:/bin

# planted: what a rule or a data line would say if the name escaped its quotes
names=('q"u#o\e} allow @all {' '"' '\' 'x" write / "' $'nl\n    allow @all' $'nl\n#@ path 14 /' $'cr\r}' $'ff\xff' '# <<< stockade learn: generated')
i=0
for n in "${names[@]}"; do
    i=$((i + 1))
    d="$T/w$i"
    mkdir -p "$d/$n" || { fail "learn_inject_$i" "mkdir"; continue; }
    "$STK" learn -o "$T/l$i.stk" -- /bin/sh -c 'echo x >"$1/f"; cat "$1/f" >/dev/null' sh "$d/$n" \
        >/dev/null 2>"$T/l$i.err"
    rc=$?
    "$STK" learn --merge "$T/l$i.stk" -o "$T/m$i.stk" -- /bin/true >/dev/null 2>>"$T/l$i.err"
    rc2=$?
    ok=1 why=""
    [ $rc -eq 0 ] && [ $rc2 -eq 0 ] || { ok=0; why="learn rc=$rc merge rc=$rc2 $(head -c 300 "$T/l$i.err")"; }
    for f in "$T/l$i.stk" "$T/m$i.stk"; do
        [ -f "$f" ] || { ok=0; why="$why; no $f"; continue; }
        "$STK" check "$f" >/dev/null 2>&1 || { ok=0; why="$why; check $(basename "$f") failed: $("$STK" check "$f" 2>&1 | head -3)"; }
        # the text outside comments and quoted strings: no planted rule, no write to /
        code=$(sed -e 's/"\([^"\\]\|\\.\)*"/""/g' -e 's/#.*//' "$f")
        if grep -aq 'allow @all\|write /[ ,]*$\|write / \|policy x' <<<"$code"; then
            ok=0; why="$why; planted text in $(basename "$f"): $(grep -a 'allow @all\|write /\|policy x' <<<"$code" | head -3)"
        fi
        # the data lines: one learned path per line, no data line with only /
        if grep -aqE '^#@ path [0-9]+ /$' "$f"; then ok=0; why="$why; a data line for / in $(basename "$f")"; fi
        [ "$(grep -ac '^# <<< stockade learn: generated' "$f")" -eq 1 ] || { ok=0; why="$why; the closing marker is not once"; }
    done
    [ $ok -eq 1 ] && pass "learn_inject_$i" || fail "learn_inject_$i" "name $(printf %q "$n"):$why"
done
exit 0
