#!/usr/bin/env bash
# run_ux.sh — `stockade run` and `explain` as an operator meets them (issue 15,
# "Operator experience found wanting"); each check failed before its fix:
# options after the policy file, the built-in default policy run by a user
# other than root (the man page's own example, as nobody), explain's rule
# count, and the documented way to discover the calls a program makes.
set -u
cd "$(dirname "$0")/../.."
S=${STK_BUILD:-build}/stockade
. tests/integration/lib.sh
itest_tmp /tmp/stk-runux-XXXXXX
[ -x "$S" ] || { echo "FAIL setup: $S not built"; exit 1; }

cat >"$T/p.stk" <<'P'
include "groups.stk"

policy p {
    seccomp {
        default errno EPERM
        log uname
        allow @default, @basic-io, @file-system, @process, @signal
    }
}
P

# ---- options after the policy file, before `--` -----------------------------------------
out=$("$S" run "$T/p.stk" --report -- uname 2>&1); rc=$?
if [ $rc -eq 0 ] && has "$out" "summary: 1 call reported" && ! has "$out" "command not found"; then
    pass run_report_after_policy_file
else
    fail run_report_after_policy_file "rc=$rc: $out"
fi
out=$("$S" run "$T/p.stk" --report="$T/r.txt" -- uname 2>&1); rc=$?
[ $rc -eq 0 ] && grep -q "uname -> allowed (logged)" "$T/r.txt" 2>/dev/null && pass run_report_file_after_policy_file ||
    fail run_report_file_after_policy_file "rc=$rc: $out"
out=$("$S" run "$T/p.stk" --dry-run -- /bin/true 2>&1); rc=$?
[ $rc -eq 0 ] && has "$out" "execve" && ! [ -e "$T/never" ] && pass run_dry_run_after_policy_file ||
    fail run_dry_run_after_policy_file "rc=$rc: $out"
# without `--`, the command follows the policy file; an option there is a usage error, not a command
out=$("$S" run "$T/p.stk" --report uname 2>&1); rc=$?
[ $rc -eq 125 ] && has "$out" "options go before" && ! has "$out" "command not found" && pass run_option_without_dashdash_is_usage ||
    fail run_option_without_dashdash_is_usage "rc=$rc: $out"
out=$("$S" run "$T/p.stk" /bin/true 2>&1); rc=$?
[ $rc -eq 0 ] && pass run_without_dashdash_still_works || fail run_without_dashdash_still_works "rc=$rc: $out"
out=$("$S" run "$T/p.stk" "$T/p.stk" -- /bin/true 2>&1); rc=$?
[ $rc -eq 125 ] && has "$out" "one policy file at most" && pass run_two_policy_files_usage ||
    fail run_two_policy_files_usage "rc=$rc: $out"
# attack pass: the command's own words after `--` are never stockade options (no report
# file made, no dry run), and options after a second word before a later `--` are refused
out=$("$S" run "$T/p.stk" -- /bin/echo --report="$T/cmd-report" --dry-run --policy=zz 2>&1); rc=$?
[ $rc -eq 0 ] && [ "$out" = "--report=$T/cmd-report --dry-run --policy=zz" ] && ! [ -e "$T/cmd-report" ] &&
    pass run_command_words_not_options || fail run_command_words_not_options "rc=$rc: $out"
out=$("$S" run "$T/p.stk" /bin/echo --report="$T/cmd-report2" -- x 2>&1); rc=$?
[ $rc -eq 125 ] && has "$out" "one policy file at most" && ! [ -e "$T/cmd-report2" ] &&
    pass run_words_before_later_dashdash_refused || fail run_words_before_later_dashdash_refused "rc=$rc: $out"
"$S" run --help | grep -qF 'options (before or after POLICY.stk, but before `--`)' && pass run_help_says_options_anywhere ||
    fail run_help_says_options_anywhere "--help does not say it"

# ---- the built-in default policy for a caller other than root ---------------------------
if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1 && command -v setpriv >/dev/null; then
    asnobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
    # the man page's example, verbatim
    grep -qF "stockade run -- sh -c 'id; ulimit -n'" docs/stockade.1.scd || fail man_example_present "the example changed: update this test"
    out=$(cd "$T" && asnobody "$OLDPWD/$S" run -- sh -c 'id; ulimit -n' 2>&1); rc=$?
    if [ $rc -eq 0 ] && has "$out" "uid=65534" && has "$out" "left out: cap_chown," &&
        [ "$(grep -c "left out" <<<"$out")" -eq 1 ]; then
        pass default_policy_as_nobody
    else
        fail default_policy_as_nobody "rc=$rc: $out"
    fi
    # still confined: the default policy's seccomp filter is in place
    out=$(cd "$T" && asnobody "$OLDPWD/$S" run -- sh -c 'grep ^Seccomp: /proc/self/status; grep ^CapPrm: /proc/self/status' 2>/dev/null)
    has "$out" "Seccomp:	2" && has "$out" "CapPrm:	0000000000000000" && pass default_policy_as_nobody_confined ||
        fail default_policy_as_nobody_confined "$out"
    # an explicit policy keeping a capability the caller lacks still fails closed
    printf 'policy k {\n    capabilities { keep chown }\n}\n' >"$T/k.stk"
    out=$(asnobody "$S" run "$T/k.stk" -- /bin/sh -c 'echo ran' 2>&1); rc=$?
    [ $rc -eq 125 ] && has "$out" "keeps cap_chown, which the caller does not hold" && ! has "$out" "ran" &&
        pass explicit_policy_caps_fail_closed_as_nobody || fail explicit_policy_caps_fail_closed_as_nobody "rc=$rc: $out"
    # the built-in default copied into a file: also fails closed (only `run` without a file degrades)
    "$S" show-default >"$T/default.stk"
    out=$(asnobody "$S" run -I policies "$T/default.stk" -- /bin/true 2>&1); rc=$?
    [ $rc -eq 125 ] && has "$out" "which the caller does not hold" && pass default_copy_fails_closed_as_nobody ||
        fail default_copy_fails_closed_as_nobody "rc=$rc: $out"
    # root holds the whole set: nothing left out, Docker's capabilities kept
    out=$("$S" run -- sh -c 'grep ^CapPrm: /proc/self/status' 2>&1); rc=$?
    [ $rc -eq 0 ] && ! has "$out" "left out" && has "$out" "CapPrm:	00000000a80425fb" && pass default_policy_as_root ||
        fail default_policy_as_root "rc=$rc: $out"
else
    skip default_policy_as_nobody "needs root, the user nobody and setpriv"
fi

# ---- explain: rules as written and decisions after expansion ----------------------------
out=$("$S" explain "$T/p.stk" 2>&1); rc=$?
if [ $rc -eq 0 ] && has "$out" "2 rules as written" && ! grep -qE "; [0-9]+ rules$" <<<"$out"; then
    pass explain_rules_as_written
else
    fail explain_rules_as_written "rc=$rc: $out"
fi
n=$(sed -n 's/.* \([0-9]*\) syscall decisions after expanding.*/\1/p' <<<"$out")
[ -n "$n" ] && [ "$n" -gt 50 ] && pass explain_decisions_after_expansion || fail explain_decisions_after_expansion "$out"
out=$("$S" explain policies/default.stk 2>&1)
has "$out" "16 rules as written" && pass explain_default_rules_as_written || fail explain_default_rules_as_written "$out"

# ---- docs: discovering the calls a program makes (default log + --report=FILE) ----------
sect=$(sed -n '/^### Finding the calls a program makes/,/^## /p' docs/language.md)
if has "$sect" "default log" && has "$sect" "--report=calls.txt" && grep -q "Finding the calls a program makes" README.md; then
    pass docs_discovery_recipe
else
    fail docs_discovery_recipe "docs/language.md or README.md lacks the default log + --report=FILE recipe"
fi
# ... and the recipe works as written: the policy block and the two commands from the section
awk '/^### Finding the calls/ { s = 1 } s && /^```$/ { n++; next } s && n == 1 { print } n == 2 { exit }' docs/language.md >"$T/discover.stk"
cmds=$(awk '/^### Finding the calls/ { s = 1 } s && /^```$/ { n++; next } s && n == 3 { print } n == 4 { exit }' docs/language.md)
out=$(cd "$T" && PATH="$OLDPWD/$(dirname "$S"):$PATH" bash -c "$cmds" 2>&1); rc=$?
if [ $rc -eq 0 ] && has "$out" "getdents64" && has "$out" "openat"; then
    pass docs_discovery_recipe_runs
else
    fail docs_discovery_recipe_runs "rc=$rc: $out"
fi
[ $fails -eq 0 ]
