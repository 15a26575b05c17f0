#!/usr/bin/env bash
# check_cli.sh — `stockade check` as a user runs it (issue 2): exit codes,
# compiler-style diagnostics, JSON output, warning options, --help on every
# command, and hostile input that must never crash it.
# Prints PASS name / FAIL name: why; exits non-zero on any failure.
set -u
cd "$(dirname "$0")/../.." || exit 1
S=${STK_BUILD:-build}/stockade
. tests/integration/lib.sh
itest_tmp
tmp=$T

if [ ! -x "$S" ]; then
    echo "FAIL check_cli: $S not built"
    exit 1
fi

# run_check NAME ARGS... : runs `stockade check ARGS`, sets rc, out (stdout), err (stderr)
run_check() {
    "$S" check "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    out=$(cat "$tmp/out")
    err=$(cat "$tmp/err")
}

# A crash is a signal exit (>= 128) or a sanitizer report.
crashed() {
    [ "$rc" -ge 128 ] || grep -qE 'Sanitizer|runtime error:|stack-overflow|Segmentation' "$tmp/err"
}

# ---- shipped policies -----------------------------------------------------------
shipped=$(ls policies/*.stk policies/examples/*.stk policies/services/*.stk 2>/dev/null)
if [ -z "$shipped" ]; then
    fail shipped_policies_clean "no policies found"
else
    bad=""
    for f in $shipped; do
        run_check "$f"
        [ "$rc" -eq 0 ] || bad="$bad $f(rc=$rc: $(head -c 300 <<<"$err"))"
    done
    [ -z "$bad" ] && pass shipped_policies_clean || fail shipped_policies_clean "$bad"
    # shellcheck disable=SC2086
    run_check $shipped
    [ "$rc" -eq 0 ] && grep -q "no problems found" <<<"$err" && pass shipped_policies_together ||
        fail shipped_policies_together "rc=$rc $err"
fi

# ---- a bad file: compiler-style text ------------------------------------------------
cat >"$tmp/bad.stk" <<'EOF'
policy web {
    usr www-data
    seccomp {
        default errno EPERM
        allow wirte
        errno EPRM ptrace
    }
}
EOF
run_check "$tmp/bad.stk"
[ "$rc" -eq 1 ] && pass bad_file_exit_1 || fail bad_file_exit_1 "rc=$rc"
want="$tmp/bad.stk:5:15: error: unknown syscall 'wirte'"
if grep -qF "$want" <<<"$err"; then
    # the source line, then a caret under the token, then the hint
    block=$(grep -A3 -F "$want" <<<"$err")
    line2=$(sed -n 2p <<<"$block"); line3=$(sed -n 3p <<<"$block"); line4=$(sed -n 4p <<<"$block")
    caret_col=$(( $(awk '{ print index($0, "^") }' <<<"$line3") - 4 ))
    if [ "$line2" = "            allow wirte" ] && [ "$caret_col" -eq 15 ] && grep -q '\^~~~~$' <<<"$line3" &&
        grep -qF "hint: did you mean 'write'?" <<<"$line4"; then
        pass bad_file_location_source_caret_hint
    else
        fail bad_file_location_source_caret_hint "got: $block"
    fi
else
    fail bad_file_location_source_caret_hint "no '$want' in: $err"
fi

# every error of the file, in order, not just the first
n=$(grep -c ': error: ' <<<"$err")
order=$(grep -oE 'bad.stk:[0-9]+:[0-9]+: error' <<<"$err" | cut -d: -f2,3 | tr '\n' ' ')
[ "$n" -eq 3 ] && [ "$order" = "2:5 5:15 6:15 " ] && pass all_errors_reported_in_order ||
    fail all_errors_reported_in_order "n=$n order=$order"
grep -q "^3 errors and 0 warnings in 1 file" <<<"$err" && pass summary_line || fail summary_line "$(tail -1 <<<"$err")"

# syntax errors: recovery reports each bad line
printf 'policy p {\n    user (\n}\npolicy q {\n    seccomp {\n        default errno EPERM\n        allow read if fd = 1\n        allow write if\n        allow getpid\n    }\n}\n' >"$tmp/syn.stk"
run_check "$tmp/syn.stk"
n=$(grep -c ': error: ' <<<"$err")
[ "$rc" -eq 1 ] && [ "$n" -eq 3 ] && grep -q "syn.stk:2:10: error: expected" <<<"$err" &&
    grep -q "syn.stk:7:26: error: expected" <<<"$err" && grep -q "syn.stk:8:23: error: expected" <<<"$err" &&
    pass syntax_errors_all_reported || fail syntax_errors_all_reported "rc=$rc n=$n: $err"

# several files: each is checked, problems of each reported
printf 'policy ok {\n}\n' >"$tmp/good.stk"
run_check "$tmp/good.stk" "$tmp/bad.stk" "$tmp/syn.stk"
[ "$rc" -eq 1 ] && grep -q "^6 errors and 0 warnings in 3 files" <<<"$err" && pass several_files ||
    fail several_files "rc=$rc $(tail -1 <<<"$err")"

# policy from stdin
run_check - <"$tmp/bad.stk"
[ "$rc" -eq 1 ] && grep -qF "<stdin>:5:15: error: unknown syscall 'wirte'" <<<"$err" && pass stdin_input ||
    fail stdin_input "rc=$rc $err"

# ---- usage and I/O errors: exit 2 ---------------------------------------------------------
run_check "$tmp/does-not-exist.stk"
[ "$rc" -eq 2 ] && grep -qF "does-not-exist.stk: No such file or directory" <<<"$err" && pass missing_file_exit_2 ||
    fail missing_file_exit_2 "rc=$rc $err"
run_check "$tmp/good.stk" "$tmp/does-not-exist.stk"
[ "$rc" -eq 2 ] && pass missing_among_good_exit_2 || fail missing_among_good_exit_2 "rc=$rc"
run_check "$tmp"
[ "$rc" -eq 2 ] && grep -q "Is a directory" <<<"$err" && pass directory_exit_2 || fail directory_exit_2 "rc=$rc $err"
run_check --frobnicate "$tmp/good.stk"
[ "$rc" -eq 2 ] && pass bad_option_exit_2 || fail bad_option_exit_2 "rc=$rc"
run_check --format=xml "$tmp/good.stk"
[ "$rc" -eq 2 ] && grep -q "unknown format" <<<"$err" && pass bad_format_exit_2 || fail bad_format_exit_2 "rc=$rc $err"
run_check -W shadowed-rule "$tmp/good.stk"
[ "$rc" -eq 2 ] && pass bad_W_exit_2 || fail bad_W_exit_2 "rc=$rc"
run_check
[ "$rc" -eq 2 ] && grep -q "no policy files given" <<<"$err" && pass no_files_exit_2 || fail no_files_exit_2 "rc=$rc $err"
"$S" frobnicate >/dev/null 2>&1; rc=$?
[ "$rc" -eq 2 ] && pass unknown_command_exit_2 || fail unknown_command_exit_2 "rc=$rc"
"$S" >/dev/null 2>&1; rc=$?
[ "$rc" -eq 2 ] && pass no_command_exit_2 || fail no_command_exit_2 "rc=$rc"

# ---- JSON ---------------------------------------------------------------------------------
if command -v jq >/dev/null; then
    run_check --format=json "$tmp/bad.stk"
    lines=$(grep -c . <<<"$out")
    valid=$(jq -c 'select((.file|type)=="string" and (.line|type)=="number" and (.column|type)=="number"
                   and (.severity|type)=="string" and (.code|type)=="string" and (.message|type)=="string")' \
            <<<"$out" 2>/dev/null | grep -c .)
    first=$(head -1 <<<"$out" | jq -r '[.file,.line,.column,.severity,.code,.message]|join("|")' 2>/dev/null)
    [ "$rc" -eq 1 ] && [ "$lines" -eq 3 ] && [ "$valid" -eq 3 ] &&
        [ "$first" = "$tmp/bad.stk|2|5|error|unknown-directive|unknown statement 'usr'" ] &&
        pass json_one_object_per_line || fail json_one_object_per_line "rc=$rc lines=$lines valid=$valid first=$first"
    second=$(sed -n 2p <<<"$out" | jq -r '.hint' 2>/dev/null)
    [ "$second" = "did you mean 'write'?" ] && pass json_hint || fail json_hint "hint=$second"
    [ -z "$err" ] || ! grep -q "error:" <<<"$err" && pass json_no_text_on_stderr || fail json_no_text_on_stderr "$err"
    run_check --format=json "$tmp/good.stk"
    [ "$rc" -eq 0 ] && [ -z "$out" ] && pass json_clean_file_no_output || fail json_clean_file_no_output "rc=$rc out=$out"
    # quotes, backslashes and control bytes in messages stay valid JSON
    printf 'policy p {\n    user "a\\qb"\n    usr\001x\n    env { set "A=\\"q\\"" }\n}\n' >"$tmp/esc.stk"
    run_check --format=json "$tmp/esc.stk"
    n=$(grep -c . <<<"$out"); v=$(jq -c . <<<"$out" 2>/dev/null | grep -c .)
    [ "$rc" -eq 1 ] && [ "$n" -ge 2 ] && [ "$n" -eq "$v" ] && pass json_escaping || fail json_escaping "rc=$rc n=$n valid=$v"
    run_check --format=json "$tmp/does-not-exist.stk"
    [ "$rc" -eq 2 ] && jq -e '.code == "io" and .severity == "error"' <<<"$out" >/dev/null && pass json_io_error ||
        fail json_io_error "rc=$rc $out"
else
    echo "SKIP json_one_object_per_line: jq not installed"
fi

# ---- warnings -------------------------------------------------------------------------------
cat >"$tmp/warn.stk" <<'EOF'
policy p {
    seccomp {
        default errno EPERM
        errno EACCES read
        allow read
    }
}
EOF
run_check "$tmp/warn.stk"
[ "$rc" -eq 1 ] && grep -qF "warn.stk:5:9: warning: this rule never applies" <<<"$err" &&
    grep -qF "warn.stk:4:9: note: the earlier rule is here" <<<"$err" && pass warnings_fail_by_default ||
    fail warnings_fail_by_default "rc=$rc $err"
run_check --allow-warnings "$tmp/warn.stk"
[ "$rc" -eq 0 ] && grep -q "warning:" <<<"$err" && pass allow_warnings || fail allow_warnings "rc=$rc $err"
run_check --allow-warnings "$tmp/bad.stk"
[ "$rc" -eq 1 ] && pass allow_warnings_not_errors || fail allow_warnings_not_errors "rc=$rc"
run_check -W no-shadowed-rule "$tmp/warn.stk"
[ "$rc" -eq 0 ] && ! grep -q "warning:" <<<"$err" && pass W_no_shadowed_rule || fail W_no_shadowed_rule "rc=$rc $err"
printf 'policy p {\n    no_new_privs off\n    seccomp {\n        default errno EPERM\n        allow read\n        allow read\n    }\n}\n' >"$tmp/warn2.stk"
run_check -W no-shadowed-rule "$tmp/warn2.stk"
[ "$rc" -eq 1 ] && grep -q "no_new_privs is turned off" <<<"$err" && ! grep -q "never applies" <<<"$err" &&
    pass W_disables_only_that_code || fail W_disables_only_that_code "rc=$rc $err"

# ---- --help everywhere ----------------------------------------------------------------------------
for c in "" check compile sim explain run inspect show-default; do
    name=help_${c:-main}
    # shellcheck disable=SC2086
    o=$("$S" $c --help 2>/dev/null); rc=$?
    [ "$rc" -eq 0 ] && grep -qi "usage" <<<"$o" && pass "${name//-/_}" || fail "${name//-/_}" "rc=$rc: $(head -2 <<<"$o")"
done
o=$("$S" check -h 2>/dev/null); rc=$?
[ "$rc" -eq 0 ] && grep -q -- "--format" <<<"$o" && grep -q -- "--allow-warnings" <<<"$o" && pass check_help_options ||
    fail check_help_options "rc=$rc"
o=$("$S" help check 2>/dev/null); rc=$?
[ "$rc" -eq 0 ] && grep -q "usage: stockade check" <<<"$o" && pass help_command || fail help_command "rc=$rc"

# ---- hostile input: never a crash ------------------------------------------------------------------
# hostile NAME FILE WANT_RC [GREP] [MAX_SECONDS]
hostile() {
    local name=$1 file=$2 want=$3 pat=${4:-} max=${5:-20} t0 t1
    t0=$(date +%s)
    # in a subshell so that the shell's own "Segmentation fault" notice stays out of the log
    rc=$( { timeout $((max + 5)) "$S" check "$file" >"$tmp/out" 2>"$tmp/err"; echo $?; } 2>/dev/null )
    t1=$(date +%s)
    err=$(head -c 2000 "$tmp/err")
    if crashed; then
        fail "$name" "crashed (exit $rc$([ "$rc" -ge 128 ] && echo ", signal $((rc - 128))")) $(grep -m3 -E 'Sanitizer|runtime error|ERROR' "$tmp/err")"
    elif [ "$rc" -eq 124 ]; then
        fail "$name" "did not finish in $((max + 5)) s (limit $max s)"
    elif [ "$rc" -ne "$want" ]; then
        fail "$name" "rc=$rc, expected $want: $(head -c 300 <<<"$err")"
    elif [ -n "$pat" ] && ! grep -qE "$pat" "$tmp/err"; then
        fail "$name" "no /$pat/ in: $(head -c 300 <<<"$err")"
    elif [ $((t1 - t0)) -gt "$max" ]; then
        fail "$name" "took $((t1 - t0)) s (limit $max s)"
    else
        pass "$name"
    fi
}

head -c 1048576 /dev/urandom >"$tmp/random.stk"
hostile random_1mb "$tmp/random.stk" 1 ': error: '

# 100 MB: refused with a clear message, quickly, without reading it all
yes 'policy p { user nobody }' | head -c 104857600 >"$tmp/huge.stk"
hostile huge_100mb "$tmp/huge.stk" 2 'file too large' 5
rm -f "$tmp/huge.stk"

# STR repeated N times, no newline
rep() { yes "$1" | head -n "$2" | tr -d '\n'; }
pre='policy p {\n    seccomp {\n        default errno EPERM\n        allow read if '
{ printf "$pre"; rep '(' 10000; printf 'fd'; rep ')' 10000
  printf ' == 1\n    }\n}\n'; } >"$tmp/parens.stk"
hostile nested_parens_10000 "$tmp/parens.stk" 1 'nesting deeper than'

{ printf "$pre"; rep '!' 10000; printf 'fd == 1\n    }\n}\n'; } >"$tmp/bang.stk"
hostile bangs_10000 "$tmp/bang.stk" 1 'more than 1000 operators'

{ printf "$pre"; printf '(fd & '; rep '1|' 50000; printf '1) == 0\n    }\n}\n'; } >"$tmp/bor.stk"
hostile long_or_of_constants_50000 "$tmp/bor.stk" 1 'more than 1000 operators' 20

{ printf "$pre"; rep 'fd == 1 && ' 100000; printf 'fd == 2\n    }\n}\n'; } >"$tmp/and.stk"
hostile long_and_chain_100000 "$tmp/and.stk" 1 'more than 1000 operators' 20

printf 'policy p {\n    seccomp {\n        default errno EPERM\n        allow re\0ad\n    }\n}\n' >"$tmp/nul.stk"
hostile nul_in_name "$tmp/nul.stk" 1 'nul.stk:4:17: error: invalid NUL byte'

printf 'policy p {\n    user "www-data\n}\n' >"$tmp/unterminated.stk"
hostile unterminated_string "$tmp/unterminated.stk" 1 'unterminated.stk:2:10: error: unterminated string'

printf 'policy p {\n    seccomp {\n        default errno EPERM\n        allow read\n' >"$tmp/unclosed.stk"
hostile unclosed_block "$tmp/unclosed.stk" 1 'found end of file'

printf '# nothing\n# but\n   # comments\n' >"$tmp/comments.stk"
hostile only_comments "$tmp/comments.stk" 0 'no problems found'

: >"$tmp/empty.stk"
hostile empty_file "$tmp/empty.stk" 0 'no problems found'

printf 'group @io { read, write }\ngroup @more { @io, close }\n' >"$tmp/groups.stk"
hostile groups_only "$tmp/groups.stk" 0 'no problems found'

# a long line, a long name, many errors: bounded output
{ printf 'policy p {\n    user '; head -c 200000 /dev/zero | tr '\0' 'a'; printf '\n'
  yes '    usr x' | head -n 500; printf '}\n'; } >"$tmp/long.stk"
hostile long_line_and_many_errors "$tmp/long.stk" 1 'too many errors'
[ "$(wc -c <"$tmp/err")" -lt 100000 ] && pass bounded_error_output || fail bounded_error_output "$(wc -c <"$tmp/err") bytes"

# many definitions: checked in reasonable time (symbol lookup must not be quadratic)
awk 'BEGIN { for (i = 0; i < 100000; i++) printf "group @g%d { read }\n", i }' >"$tmp/manygroups.stk"
hostile many_groups_100000 "$tmp/manygroups.stk" 0 '' 10

# a 200,000-deep chain of groups (5 MB): a clear error, no stack overflow (issue 10, item 11)
awk 'BEGIN { n = 200000; for (i = 0; i < n - 1; i++) printf "group @g%d { @g%d }\n", i, i + 1
             printf "group @g%d { read }\npolicy p { seccomp { default kill\n allow @g0 } }\n", n - 1 }' >"$tmp/deepgroups.stk"
hostile deep_group_chain_200000 "$tmp/deepgroups.stk" 1 'groups nest more than 64 levels deep' 10
[ "$(grep -c 'error:' "$tmp/err")" -eq 1 ] && pass deep_group_chain_one_error ||
    fail deep_group_chain_one_error "$(grep -c 'error:' "$tmp/err") errors"
# ... used before it is defined, from a policy only (`compile` path, not check's group sweep)
awk 'BEGIN { n = 5000; printf "policy p { seccomp { default kill\n allow @g0 } }\n"
             for (i = 0; i < n - 1; i++) printf "group @g%d { @g%d }\n", i, i + 1
             printf "group @g%d { read }\n", n - 1 }' >"$tmp/deepgroups2.stk"
hostile deep_group_chain_from_policy "$tmp/deepgroups2.stk" 1 'groups nest more than 64 levels deep' 10
# 60 levels is fine
awk 'BEGIN { n = 60; for (i = 0; i < n - 1; i++) printf "group @g%d { @g%d }\n", i, i + 1
             printf "group @g%d { read }\npolicy p { seccomp { default kill\n allow @g0 } }\n", n - 1 }' >"$tmp/okgroups.stk"
hostile group_chain_60_ok "$tmp/okgroups.stk" 0 'no problems found'

# include of a FIFO (nobody writes to it): refused at once, never opened for a blocking read
mkfifo "$tmp/fifo.stk"
printf 'include "%s"\npolicy p { no_new_privs }\n' "$tmp/fifo.stk" >"$tmp/incfifo.stk"
hostile include_fifo "$tmp/incfifo.stk" 2 'not a regular file' 5
hostile main_file_fifo "$tmp/fifo.stk" 2 'not a regular file' 5
printf 'include "/dev/zero"\npolicy p { no_new_privs }\n' >"$tmp/inczero.stk"
hostile include_device "$tmp/inczero.stk" 2 'not a regular file' 5
# standard input is still read with '-'
rc=$(printf 'policy p { no_new_privs }\n' | "$S" check - >/dev/null 2>&1; echo $?)
[ "$rc" -eq 0 ] && pass stdin_dash_still_read || fail stdin_dash_still_read "rc=$rc"

# 50,000 references to unknown groups next to 50,000 groups: the did-you-mean search
# (linear in the number of groups) stops once the file's errors are no longer recorded
awk 'BEGIN { for (i = 0; i < 50000; i++) printf "group @g%d { @x%d }\n", i, i }' >"$tmp/unknowngroups.stk"
hostile unknown_groups_50000 "$tmp/unknowngroups.stk" 1 'too many errors' 10

# a chain of 40 includes: bounded with a clear error
mkdir "$tmp/inc"
for i in $(seq 0 39); do printf 'include "f%d.stk"\n' $((i + 1)) >"$tmp/inc/f$i.stk"; done
printf 'group @x { read }\n' >"$tmp/inc/f40.stk"
printf 'policy p { no_new_privs }\n' >>"$tmp/inc/f0.stk"
hostile include_chain_40 "$tmp/inc/f0.stk" 1 'includes nest more than 32 files deep'

# ---- issue 15: the operator's experience ------------------------------------------------
# a note comes after the finding it belongs to, even when it points at an earlier line
printf 'policy p {\n    seccomp {\n        default errno EPERM\n        allow read\n        allow read\n    }\n}\n' \
    >"$tmp/shadow.stk"
run_check "$tmp/shadow.stk"
first=$(grep -nE ': (warning|note):' <<<"$out$err" | head -2 | sed 's/^[0-9]*://' | cut -d: -f2,4 | tr '\n' ' ')
[ "$first" = "5: warning 4: note " ] && pass note_after_its_warning || fail note_after_its_warning "$first / $out$err"
# an unclosed brace: the note names the brace
printf 'policy p {\n    seccomp {\n        default errno EPERM\n' >"$tmp/brace.stk"
run_check "$tmp/brace.stk"
[ "$rc" -eq 1 ] && has "$out$err" "brace.stk:2:13: note: this '{' (line 2, column 13) is never closed" \
    && pass unclosed_brace_note || fail unclosed_brace_note "rc=$rc $out$err"
# a condition continued after an operator; errno 0 accepted with its note
cat >"$tmp/z.stk" <<'POL'
policy z {
    seccomp {
        default errno EPERM
        errno 0 chown, fchownat, lchown, fchown
        allow read if fd == 100 ||
            fd == 101
    }
}
test t for z {
    expect errno 0 fchownat
    expect allow read(fd=101)
    expect errno EPERM read(fd=1)
}
POL
run_check "$tmp/z.stk"
[ "$rc" -eq 0 ] && has "$out$err" "z.stk:4:15: note: 'errno 0' answers success (0) without running the call [errno-zero]" \
    && pass errno_zero_accepted || fail errno_zero_accepted "rc=$rc $out$err"
"$S" test "$tmp/z.stk" >"$tmp/out" 2>&1
rc=$?
[ "$rc" -eq 0 ] && has "$(cat "$tmp/out")" "3 passed, 0 failed" && pass errno_zero_test_block \
    || fail errno_zero_test_block "rc=$rc $(cat "$tmp/out")"
sed 's/errno 0 chown/errno EPERM chown/' "$tmp/z.stk" >"$tmp/z2.stk"
"$S" diff "$tmp/z2.stk" "$tmp/z.stk" >"$tmp/out" 2>/dev/null
rc=$?
[ "$rc" -eq 0 ] && has "$(cat "$tmp/out")" "fchownat: errno EPERM -> errno 0" && pass errno_zero_diff \
    || fail errno_zero_diff "rc=$rc $(cat "$tmp/out")"

[ "$fails" -eq 0 ]
