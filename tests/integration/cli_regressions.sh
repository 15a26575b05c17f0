#!/usr/bin/env bash
# Regression tests for CLI bugs found in review; each failed before its fix.
set -u
cd "$(dirname "$0")/../.."
S=${STK_BUILD:-build}/stockade
. tests/integration/lib.sh
itest_tmp
tmp=$T

printf 'policy p {\n namespaces pid\n seccomp {\n default allow\n allow read\n }\n}\n' > "$tmp/ne.stk"
# -W no-CODE wrote past its array (crash when a warning was then checked)
out=$("$S" check -W no-not-enforced -W no-seccomp-allows-all -W no-shadowed-rule "$tmp/ne.stk" 2>&1); rc=$?
[ "$rc" -eq 0 ] && ! grep -q not-enforced <<<"$out" && pass check_W_disables_warnings || fail check_W_disables_warnings "rc=$rc $out"

# options after the file name (compile FILE -o OUT --emit=bpf, check FILE --format=json)
"$S" compile "$tmp/ne.stk" -o "$tmp/p.bpf" --emit=bpf 2>/dev/null && [ -s "$tmp/p.bpf" ] &&
    [ $(( $(stat -c %s "$tmp/p.bpf") % 8 )) -eq 0 ] && pass compile_options_after_file || fail compile_options_after_file "no bpf written"
"$S" check "$tmp/ne.stk" --format=json 2>/dev/null | jq -e .code >/dev/null && pass check_options_after_file || fail check_options_after_file "no JSON"

# --arch is sim's option only
"$S" compile --arch=aarch64 "$tmp/ne.stk" -o "$tmp/x" 2>/dev/null; rc=$?
[ "$rc" -eq 2 ] && pass compile_rejects_arch || fail compile_rejects_arch "rc=$rc"

# a policy without a seccomp block still gets the TIOCSTI filter under `run`
echo 'policy n { no_new_privs }' > "$tmp/n.stk"
"$S" run --dry-run "$tmp/n.stk" -- /bin/true 2>&1 | grep -q "seccomp: filter" && pass run_no_seccomp_block_keeps_tiocsti_filter ||
    fail run_no_seccomp_block_keeps_tiocsti_filter "dry run shows no filter"
out=$("$S" run "$tmp/n.stk" -- /bin/sh -c 'grep ^Seccomp: /proc/self/status' 2>&1)
grep -q "Seccomp:.2" <<<"$out" && pass run_no_seccomp_block_installs_filter || fail run_no_seccomp_block_installs_filter "$out"
# ... which refuses TIOCSTI (EPERM before the kernel could say ENOTTY for /dev/null),
# and the language reference says so (issue 10, item 15: §9 claimed no filter was installed)
if command -v python3 >/dev/null; then
    out=$("$S" run "$tmp/n.stk" -- python3 -c 'import fcntl, termios
try:
    fcntl.ioctl(0, termios.TIOCSTI, b"x")
except OSError as e:
    print("errno", e.errno)' </dev/null 2>&1)
    grep -q "errno 1$" <<<"$out" && pass run_no_seccomp_block_refuses_tiocsti || fail run_no_seccomp_block_refuses_tiocsti "$out"
fi
if grep -q "installs no filter" docs/language.md || ! grep -q "A policy without a seccomp block still gets a filter" docs/language.md; then
    fail language_doc_no_seccomp_block "docs/language.md section 9 misdescribes a policy without a seccomp block"
else
    pass language_doc_no_seccomp_block
fi

# a misspelt action gets a did-you-mean
printf 'policy p {\n seccomp {\n default allow\n alow close\n }\n}\n' > "$tmp/a.stk"
"$S" check "$tmp/a.stk" 2>&1 | grep -q "did you mean 'allow'" && pass misspelt_action_hint || fail misspelt_action_hint "no hint"
[ "$fails" -eq 0 ]
