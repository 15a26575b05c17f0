#!/usr/bin/env bash
# policy_tests.sh — test blocks in the policy language and `stockade test`
# (issue 12): the shipped policies' tests pass, a deliberately broken policy
# fails its test with a located line, text / JSON lines / JUnit output, exit
# codes, located diagnostics for bad tests (check and test), `compile`
# ignoring test blocks (byte-identical bundles), every architecture evaluated.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh
S=${STK_BUILD:-build}/stockade
itest_tmp
if [ ! -x "$S" ]; then
    fail policy_tests "$S not built"
    exit 1
fi
# run ARGS... : `stockade ARGS`; sets rc, out, err
run() {
    "$S" "$@" >"$T/out" 2>"$T/err"
    rc=$?
    out=$(cat "$T/out")
    err=$(cat "$T/err")
}

# ---- every shipped policy has tests, and they pass --------------------------------
tests=$(ls policies/*.test.stk policies/examples/*.test.stk policies/services/*.test.stk)
run test $tests
if [ "$rc" -eq 0 ] && has "$err" " 0 failed" && ! has "$out" "FAIL"; then
    pass shipped_tests_pass
else
    fail shipped_tests_pass "rc=$rc $(tail -c 600 <<<"$out$err")"
fi
missing=""
for f in policies/*.stk policies/examples/*.stk policies/services/*.stk; do
    case $f in *.test.stk) continue ;; esac
    for p in $(sed -n 's/^policy \([A-Za-z0-9_.:-]*\).*/\1/p' "$f"); do
        grep -qE "^test [^ ]+ for $p \{" $tests || missing="$missing $p"
    done
done
[ -z "$missing" ] && pass shipped_policies_all_tested || fail shipped_policies_all_tested "no tests for:$missing"
run check $tests
[ "$rc" -eq 0 ] && pass shipped_tests_check_clean || fail shipped_tests_check_clean "rc=$rc $err"

# ---- a broken policy fails its test, located -----------------------------------------
mkdir "$T/broken"
cp policies/groups.stk "$T"
# The ptrace rule moved below @debug's kill-process: the expectation must catch it.
sed -e '/^        errno EACCES ptrace$/d' \
    -e 's/^        allow @system-service$/        allow @system-service\n        errno EACCES ptrace/' \
    policies/examples/web.stk >"$T/broken/web.stk"
cp policies/examples/web.test.stk "$T/broken/"
line=$(grep -n "expect errno EACCES ptrace" "$T/broken/web.test.stk" | cut -d: -f1)
run test "$T/broken/web.test.stk" --junit="$T/broken.xml"
if [ "$rc" -eq 1 ] &&
    has "$out" "$T/broken/web.test.stk:$line:5: FAIL test seccomp_rules (policy web): expect errno EACCES ptrace -- x86_64: kill-process" &&
    has "$err" "1 failed"; then
    pass broken_policy_fails_located
else
    fail broken_policy_fails_located "rc=$rc line=$line $out $err"
fi
# JUnit: well-formed, counts, the failure names the location and the actual result.
if python3 - "$T/broken.xml" "$line" <<'EOF'; then pass junit_wellformed; else fail junit_wellformed "$(cat "$T/broken.xml")"; fi
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "testsuites", root.tag
cases = root.findall("./testsuite/testcase")
assert len(cases) == int(root.get("tests")) > 10, len(cases)
fails = [c for c in cases if c.find("failure") is not None]
assert len(fails) == 1 == int(root.get("failures")), len(fails)
f = fails[0]
assert f.get("line") == sys.argv[2], f.get("line")
assert "kill-process" in f.find("failure").get("message")
assert f.find("failure").text.startswith(f.get("file") + ":" + sys.argv[2] + ":5: expect errno EACCES ptrace")
EOF
# JSON lines: one object per expectation, with location and result.
run test --format=json "$T/broken/web.test.stk"
if [ "$rc" -eq 1 ] && python3 - "$line" <<EOF; then pass json_lines; else fail json_lines "$out"; fi
import json, sys
rows = [r for r in (json.loads(l) for l in '''$out'''.splitlines()) if "result" in r]  # diagnostics too
assert len(rows) > 10
bad = [r for r in rows if r["result"] == "fail"]
assert len(bad) == 1 and bad[0]["line"] == int(sys.argv[1]) and bad[0]["column"] == 5, bad
assert bad[0]["actual"] == "x86_64: kill-process" and bad[0]["test"] == "seccomp_rules" and bad[0]["policy"] == "web"
assert all(r["result"] == "pass" for r in rows if r is not bad[0])
EOF

# SARIF: valid against the SARIF 2.1.0 schema; each failed expectation is a
# located result of rule test-failed; diagnostics of broken tests too.
run test --format=sarif "$T/broken/web.test.stk"
printf '%s' "$out" >"$T/broken.sarif"
if [ "$rc" -eq 1 ] && /usr/bin/python3 - tests/data/sarif-2.1.0.json "$T/broken.sarif" "$line" <<'EOF'; then pass sarif_failures; else fail sarif_failures "rc=$rc $(head -c 800 <<<"$out")"; fi
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
log = json.load(open(sys.argv[2]))
errs = [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(log)]
assert not errs, errs[:3]
res = [r for r in log["runs"][0]["results"] if r["ruleId"] == "test-failed"]
assert len(res) == 1, res
reg = res[0]["locations"][0]["physicalLocation"]["region"]
assert reg["startLine"] == int(sys.argv[3]) and reg["startColumn"] == 5, reg
assert "expect errno EACCES ptrace -- actual: x86_64: kill-process" in res[0]["message"]["text"], res[0]["message"]
rules = [r["id"] for r in log["runs"][0]["tool"]["driver"]["rules"]]
assert "test-failed" in rules, rules
EOF

# ---- test blocks in the policy file; compile ignores them -------------------------------
cat >"$T/plain.stk" <<'EOF'
policy p {
    no_new_privs
    user nobody
    capabilities { keep net_bind_service, chown }
    namespaces pid, net
    landlock {
        read /usr
        execute /usr
        write /tmp
    }
    seccomp {
        arch x86_64, i386
        default errno EPERM
        allow read, write, exit_group
        allow socket if domain == AF_INET && type == SOCK_STREAM
        errno EAFNOSUPPORT socket
        kill-process mount
    }
}
EOF
cp "$T/plain.stk" "$T/inline.stk"
cat >>"$T/inline.stk" <<'EOF'

test basics for p {
    expect allow read
    expect allow socket(AF_INET, SOCK_STREAM, 0)
    expect errno EAFNOSUPPORT socket(AF_INET, SOCK_DGRAM)
    expect errno EAFNOSUPPORT socket(AF_INET)
    expect allow socket(type=SOCK_STREAM, domain=AF_INET)
    expect kill-process mount on i386
    expect kill-process read on x32
    expect errno EPERM open on i386
    expect user nobody
    expect capabilities { chown, net_bind_service }
    expect no_new_privs
    expect namespaces net, pid
    expect landlock write /tmp/x
    expect landlock read /usr/lib
    expect landlock not write /usr
    expect landlock not read /etc
}
test "what fails" for p {
    expect kill-process write on i386; expect errno EPERM read
    expect user root
    expect capabilities { chown }
    expect namespaces pid
    expect landlock write /usr
}
EOF
"$S" compile "$T/plain.stk" -o "$T/plain.bundle" 2>"$T/err1"
"$S" compile "$T/inline.stk" -o "$T/inline.bundle" 2>"$T/err2"
if [ -s "$T/plain.bundle" ] && cmp -s "$T/plain.bundle" "$T/inline.bundle"; then
    pass compile_ignores_tests
else
    fail compile_ignores_tests "bundles differ or missing: $(cat "$T/err1" "$T/err2")"
fi
run check "$T/inline.stk"
[ "$rc" -eq 0 ] && ! has "$out$err" "FAIL" && pass check_does_not_run_tests ||
    fail check_does_not_run_tests "rc=$rc $out $err"
run test "$T/inline.stk"
npass=$(grep -c ": PASS test basics" <<<"$out")
nfail=$(grep -c ": FAIL test what fails" <<<"$out")
if [ "$rc" -eq 1 ] && [ "$npass" -eq 16 ] && [ "$nfail" -eq 6 ] && ! has "$out" "PASS test what fails"; then
    pass inline_tests_results
else
    fail inline_tests_results "rc=$rc pass=$npass fail=$nfail $out $err"
fi
# every architecture of the policy is run, and the actual result of each is shown
has "$out" "expect allow read -- x86_64: allow; i386: allow" && pass every_arch_evaluated ||
    fail every_arch_evaluated "$out"
has "$out" "expect errno EPERM read -- x86_64: allow; i386: allow" &&
    has "$out" "expect kill-process write on i386 -- i386: allow" &&
    has "$out" "expect kill-process read on x32 -- x32: kill-process" && pass arch_results_shown ||
    fail arch_results_shown "$out"
has "$out" "expect user root -- user nobody" &&
    has "$out" "expect capabilities { chown } -- capabilities { chown, net_bind_service }" &&
    has "$out" "expect namespaces pid -- namespaces pid, net" &&
    has "$out" "expect landlock write /usr -- denied on /usr (missing" && pass bundle_results_shown ||
    fail bundle_results_shown "$out"
grep -q "^$T/inline.stk:[0-9]*:[0-9]*: FAIL test what fails (policy p): expect user root" <<<"$out" &&
    pass failure_located || fail failure_located "$out"

# ---- diagnostics for bad tests: located, coded, with did-you-mean ------------------------
cat >"$T/bad.test.stk" <<'EOF'
include "plain.stk"

test t1 for pp {
    expect allow read
}
test t2 for p {
    expect errno EACCES ptrac
    expect allow socket(AF_INTE)
    expect allow socket(domian=AF_INET)
    expect allow read on i387
    expect usr root
    expect capabilities { net_bind_servic }
    expect namespaces pdi
    expect landlock wirte /tmp
    expect allow socket(1, 2, 3, 4)
    expect errno EBADERRNO read
    frobnicate
}
tset t3 for p { expect allow read }
test t2 for p {
}
test t5 for p {
    expect allow read on x86_64(1)
    expect user read(1)
}
EOF
expect_diag() { # NAME FILE:LINE:COL CODE TEXT [HINT]
    if has "$err" "$2: error: $4 [$3]" && { [ -z "${5:-}" ] || has "$err" "hint: $5"; }; then
        pass "diag_$1"
    else
        fail "diag_$1" "want '$2: error: $4 [$3]' ${5:-}; got: $(head -c 1500 <<<"$err")"
    fi
}
B="$T/bad.test.stk"
for cmd in check test; do
    run $cmd "$B"
    want=1; [ $cmd = test ] && want=2
    [ "$rc" -eq $want ] && pass "bad_tests_${cmd}_exit" || fail "bad_tests_${cmd}_exit" "rc=$rc"
    expect_diag ${cmd}_unknown_policy "$B:3:13" unknown-policy "unknown policy 'pp'" "did you mean 'p'?"
    expect_diag ${cmd}_unknown_syscall "$B:7:25" unknown-syscall "unknown syscall 'ptrac'" "did you mean 'ptrace'?"
    expect_diag ${cmd}_bad_constant "$B:8:25" bad-call-argument "'AF_INTE' is not a number or a known constant" "did you mean 'AF_INET'?"
    expect_diag ${cmd}_bad_argname "$B:9:25" bad-call-argument "unknown socket argument 'domian'" "did you mean 'domain'?"
    expect_diag ${cmd}_unknown_arch "$B:10:26" unknown-arch "unknown architecture 'i387'" "did you mean 'i386'?"
    expect_diag ${cmd}_unknown_kind "$B:11:12" bad-expectation "unknown expectation 'usr'" "did you mean 'user'?"
    expect_diag ${cmd}_unknown_cap "$B:12:27" unknown-capability "unknown capability 'net_bind_servic'" "did you mean 'net_bind_service'?"
    expect_diag ${cmd}_unknown_ns "$B:13:23" unknown-namespace "unknown namespace 'pdi'" "did you mean 'pid'?"
    expect_diag ${cmd}_unknown_right "$B:14:21" unknown-landlock-right "unknown Landlock right 'wirte'" "did you mean 'write'?"
    expect_diag ${cmd}_too_many_args "$B:15:34" bad-call-argument "socket takes 3 arguments"
    expect_diag ${cmd}_bad_errno "$B:16:18" unknown-errno "unknown errno name 'EBADERRNO'"
    expect_diag ${cmd}_not_expect "$B:17:5" bad-expectation "a test block holds only 'expect' lines, found 'frobnicate'"
    expect_diag ${cmd}_not_test "$B:19:1" syntax "expected end of file, include, group, policy, test, end of line or ';', found 'tset'"
    expect_diag ${cmd}_call_not_after_syscall "$B:23:26" bad-expectation "the call's arguments go right after the syscall: expect ACTION SYSCALL(ARGS) [on ARCH]"
    expect_diag ${cmd}_call_without_action "$B:24:12" bad-expectation "a call is expected after an action, e.g. expect allow read(...)"
    expect_diag ${cmd}_duplicate_test "$B:20:6" duplicate-test "test 't2' is already defined"
    has "$err" "$B:20:6: warning: test 't2' has no expectations [empty-test]" && pass "${cmd}_empty_test" ||
        fail "${cmd}_empty_test" "$err"
done
run test --format=sarif "$B"
printf '%s' "$out" >"$T/bad.sarif"
[ "$rc" -eq 2 ] && /usr/bin/python3 - tests/data/sarif-2.1.0.json "$T/bad.sarif" <<'EOF' && pass bad_tests_sarif || fail bad_tests_sarif "rc=$rc"
import json, sys, jsonschema
log = json.load(open(sys.argv[2]))
assert not list(jsonschema.Draft202012Validator(json.load(open(sys.argv[1]))).iter_errors(log))
ids = {r["ruleId"] for r in log["runs"][0]["results"]}
for c in ("unknown-policy", "unknown-syscall", "bad-call-argument", "unknown-arch", "bad-expectation",
          "duplicate-test", "empty-test", "unknown-landlock-right"):
    assert c in ids, (c, ids)
EOF
run test --format=json "$B"
python3 -c '
import json, sys
rows = [json.loads(l) for l in sys.stdin.read().splitlines()]
assert len(rows) >= 13 and all("code" in r or "severity" in r for r in rows), rows
' <<<"$out" && pass bad_tests_json_diagnostics || fail bad_tests_json_diagnostics "$out"

# ---- hostile names: the reports stay well-formed (review of issue 12) -----------------
# A quoted test name with markup, quotes and a byte that is not UTF-8: JUnit
# and JSON lines must still parse, and the markup must come back as text.
printf 'policy p {\n    seccomp {\n        default errno EPERM\n        allow read\n    }\n}\ntest "a\377]]></testcase><x a=\\"1\\">&amp;" for p {\n    expect allow read\n    expect allow write\n}\n' >"$T/hostile.stk"
run test --junit="$T/hostile.xml" "$T/hostile.stk"
if [ "$rc" -eq 1 ] && python3 - "$T/hostile.xml" <<'EOF'; then pass junit_hostile_names; else fail junit_hostile_names "rc=$rc $(cat "$T/hostile.xml")"; fi
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
cases = root.findall("./testsuite/testcase")
assert len(cases) == 2, len(cases)
assert all(c.get("classname") == 'a?]]></testcase><x a="1">&amp;' for c in cases), cases[0].get("classname")
assert root.find(".//x") is None
EOF
run test --format=json "$T/hostile.stk"
if [ "$rc" -eq 1 ] && python3 -c '
import json, sys
lines = sys.stdin.buffer.read().decode("utf-8").splitlines()
objs = [json.loads(l) for l in lines]
assert len(objs) == 2 and objs[0]["test"].startswith("a?]]>"), objs
' <<<"$out"; then pass json_hostile_names; else fail json_hostile_names "rc=$rc $out"; fi

# ---- usage ---------------------------------------------------------------------------
run test --help
[ "$rc" -eq 0 ] && has "$out" "usage: stockade test" && has "$out" "--junit=FILE" && pass test_help ||
    fail test_help "rc=$rc $out"
run help test
[ "$rc" -eq 0 ] && has "$out" "usage: stockade test" && pass help_test || fail help_test "rc=$rc"
run --help
has "$out" "  test FILE..." && pass main_help_lists_test || fail main_help_lists_test "$out"
run test
[ "$rc" -eq 2 ] && pass test_no_files || fail test_no_files "rc=$rc"
run test "$T/does-not-exist.stk"
[ "$rc" -eq 2 ] && pass test_missing_file || fail test_missing_file "rc=$rc $err"
run test "$T/plain.stk"
[ "$rc" -eq 0 ] && has "$err" "no test blocks" && pass test_no_blocks_warns || fail test_no_blocks_warns "rc=$rc $err"
run test --format=xml "$T/plain.stk"
[ "$rc" -eq 2 ] && pass test_bad_format || fail test_bad_format "rc=$rc"

[ "$fails" -eq 0 ]
