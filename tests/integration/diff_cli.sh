#!/usr/bin/env bash
# diff_cli.sh — `stockade diff` as a CI job runs it (issue 12): exit codes of
# --fail-on, the text/json/markdown formats, bundles and policies giving the
# same report, bad input, and every shipped policy against every other.
# Prints PASS name / FAIL name: why; exits non-zero on any failure.
set -u
cd "$(dirname "$0")/../.." || exit 1
S=${STK_BUILD:-build}/stockade
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0
ok() { echo "PASS $1"; }
no() { echo "FAIL $1: $2"; fail=1; }

if [ ! -x "$S" ]; then
    echo "FAIL diff_cli: $S not built"
    exit 1
fi

# run NAME ARGS... : runs `stockade diff ARGS`, sets rc, out, err
run() {
    "$S" diff "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    out=$(cat "$tmp/out")
    err=$(cat "$tmp/err")
}
crashed() { [ "$rc" -ge 128 ] || grep -qE 'Sanitizer|runtime error:' "$tmp/err"; }

native=$(uname -m)

cat >"$tmp/old.stk" <<'P'
policy svc {
    capabilities { keep net_bind_service }
    seccomp {
        default errno EPERM
        allow read, write, exit_group
        errno EAFNOSUPPORT socket if domain == AF_NETLINK
        allow socket if domain in (AF_INET, AF_INET6)
        errno EPERM ptrace
    }
}
P
cat >"$tmp/new.stk" <<'P'
policy svc {
    capabilities { keep net_bind_service, net_admin }
    seccomp {
        default errno EPERM
        allow read, write, exit_group, openat
        allow socket if domain in (AF_INET, AF_INET6, AF_NETLINK)
        errno EACCES ptrace
    }
}
P

# ---- --help ------------------------------------------------------------------
run --help
if [ "$rc" -eq 0 ] && grep -q -- '--fail-on=loosened' <<<"$out" && grep -q -- '--format=text|json|markdown' <<<"$out"; then
    ok diff_help
else
    no diff_help "rc=$rc $out"
fi
"$S" help diff >"$tmp/h" 2>&1 && grep -q 'usage: stockade diff' "$tmp/h" && ok diff_help_command || no diff_help_command "$(cat "$tmp/h")"
"$S" --help | grep -q '  diff OLD NEW' && ok diff_in_usage || no diff_in_usage "not listed in stockade --help"

# ---- the report and the exit codes --------------------------------------------
run "$tmp/old.stk" "$tmp/new.stk"
want="+ seccomp: $native openat: errno EPERM -> allow
~ seccomp: $native ptrace: errno EPERM -> errno EACCES
+ seccomp: $native socket(domain=AF_NETLINK): errno EAFNOSUPPORT -> allow
+ capabilities: capability cap_net_admin: dropped -> kept
3 loosened, 0 tightened, 1 changed"
if [ "$rc" -eq 0 ] && [ "$(tail -n +3 <<<"$out")" = "$want" ]; then
    ok diff_text_report
else
    no diff_text_report "rc=$rc out=$out err=$err"
fi
run --fail-on=loosened "$tmp/old.stk" "$tmp/new.stk"
[ "$rc" -eq 1 ] && ok diff_fail_on_loosened || no diff_fail_on_loosened "rc=$rc (want 1)"
run --fail-on=loosened "$tmp/new.stk" "$tmp/old.stk"
if [ "$rc" -eq 0 ] && grep -q '^- seccomp: .*socket(domain=AF_NETLINK): allow -> errno EAFNOSUPPORT' <<<"$out"; then
    ok diff_fail_on_tightened_only
else
    no diff_fail_on_tightened_only "rc=$rc (want 0) $out"
fi
run --fail-on=any "$tmp/new.stk" "$tmp/old.stk"
[ "$rc" -eq 1 ] && ok diff_fail_on_any || no diff_fail_on_any "rc=$rc (want 1)"
run --fail-on=any "$tmp/old.stk" "$tmp/old.stk"
if [ "$rc" -eq 0 ] && [ "$(tail -1 <<<"$out")" = "0 loosened, 0 tightened, 0 changed" ]; then
    ok diff_same_policy
else
    no diff_same_policy "rc=$rc $out"
fi

# ---- formats -------------------------------------------------------------------
run --format=json "$tmp/old.stk" "$tmp/new.stk"
if [ "$rc" -eq 0 ] && python3 -c '
import json, sys
d = json.loads(sys.stdin.read())
assert d["summary"] == {"loosened": 3, "tightened": 0, "changed": 1}, d["summary"]
c = [x for x in d["changes"] if x["what"].endswith("socket(domain=AF_NETLINK)")][0]
assert (c["direction"], c["section"], c["before"], c["after"]) == ("loosened", "seccomp", "errno EAFNOSUPPORT", "allow"), c
assert d["approximate"] is False
' <<<"$out"; then
    ok diff_json
else
    no diff_json "rc=$rc $out"
fi
run --format=markdown "$tmp/old.stk" "$tmp/new.stk"
if [ "$rc" -eq 0 ] && grep -q '^| | section | what | before | after |$' <<<"$out" &&
    grep -q "^| loosened | capabilities | \`capability cap_net_admin\` | dropped | kept |$" <<<"$out" &&
    grep -q '^\*\*3 loosened\*\*, 0 tightened, 1 changed$' <<<"$out"; then
    ok diff_markdown
else
    no diff_markdown "rc=$rc $out"
fi

# ---- bundles: the same report as the policies ------------------------------------
"$S" compile -o "$tmp/old.bundle" "$tmp/old.stk" 2>/dev/null && "$S" compile -o "$tmp/new.bundle" "$tmp/new.stk" 2>/dev/null
run "$tmp/old.stk" "$tmp/new.stk"; a=$(tail -n +3 <<<"$out")
run "$tmp/old.bundle" "$tmp/new.bundle"; b=$(tail -n +3 <<<"$out"); rb=$rc
run "$tmp/old.stk" "$tmp/new.bundle"; c=$(tail -n +3 <<<"$out")
if [ "$rb" -eq 0 ] && [ -n "$a" ] && [ "$a" = "$b" ] && [ "$a" = "$c" ]; then
    ok diff_bundles_like_policies
else
    no diff_bundles_like_policies "policies: $a / bundles: $b / mixed: $c"
fi

# ---- bad input: exit 2 ------------------------------------------------------------
printf 'policy p { seccomp { allow nosuchcall } }\n' >"$tmp/bad.stk"
head -c 40 "$tmp/old.bundle" >"$tmp/trunc.bundle"
for case in "missing:$tmp/nope.stk $tmp/old.stk" "policy_error:$tmp/old.stk $tmp/bad.stk" \
    "truncated_bundle:$tmp/trunc.bundle $tmp/old.stk" "one_input:$tmp/old.stk" \
    "bad_format:--format=xml $tmp/old.stk $tmp/new.stk" "bad_fail_on:--fail-on=maybe $tmp/old.stk $tmp/new.stk"; do
    name=${case%%:*}
    # shellcheck disable=SC2086
    run ${case#*:}
    if [ "$rc" -eq 2 ] && ! crashed && [ -z "$out" ]; then
        ok "diff_error_$name"
    else
        no "diff_error_$name" "rc=$rc (want 2) out=$out err=$err"
    fi
done

# ---- every shipped policy against every other: runs, consistent both ways ----------
bad=""
for f in policies/default.stk policies/examples/*.stk; do
    case $f in *.test.stk) continue ;; esac # test blocks, no policy (policy_tests.sh)
    for g in policies/default.stk policies/examples/*.stk; do
        case $g in *.test.stk) continue ;; esac
        run "$f" "$g"
        if [ "$rc" -ne 0 ] || crashed; then
            bad="$bad $f->$g(rc=$rc $(head -c 200 "$tmp/err"))"
            continue
        fi
        l=$(tail -1 <<<"$out" | sed -E 's/^([0-9]+) loosened, ([0-9]+) tightened.*/\1 \2/')
        run "$g" "$f"
        r=$(tail -1 <<<"$out" | sed -E 's/^([0-9]+) loosened, ([0-9]+) tightened.*/\2 \1/')
        [ "$l" = "$r" ] || bad="$bad $f<->$g($l vs $r)"
        if [ "$f" = "$g" ] && [ "$l" != "0 0" ]; then bad="$bad $f-self($l)"; fi
    done
done
[ -z "$bad" ] && ok diff_shipped_policies || no diff_shipped_policies "$bad"

# ---- the gate fails closed (review of issue 12) -------------------------------
# A change with something added and something taken away still lets the
# command do something new: --fail-on=loosened must fail on it.
cat >"$tmp/g_old.stk" <<'P'
policy svc {
    user nobody
    landlock {
        read /tmp
        execute /usr
    }
    seccomp { default errno EPERM
        allow read, write, exit_group }
}
P
sed -e 's/user nobody/user root/' "$tmp/g_old.stk" >"$tmp/g_root.stk"
sed -e 's|read /tmp|write /tmp|' "$tmp/g_old.stk" >"$tmp/g_ll.stk"
run --fail-on=loosened "$tmp/g_old.stk" "$tmp/g_root.stk"
if [ "$rc" -eq 1 ] && grep -q '^+ identity: user: nobody -> root' <<<"$out"; then
    ok diff_gate_user_root
else
    no diff_gate_user_root "rc=$rc $out"
fi
run --fail-on=loosened "$tmp/g_root.stk" "$tmp/g_old.stk"
if [ "$rc" -eq 0 ] && grep -q '^- identity: user: root -> nobody' <<<"$out"; then
    ok diff_gate_user_from_root
else
    no diff_gate_user_from_root "rc=$rc $out"
fi
run --fail-on=loosened "$tmp/g_old.stk" "$tmp/g_ll.stk"
if [ "$rc" -eq 1 ] && grep -q '^+ landlock: path /tmp: ' <<<"$out"; then
    ok diff_gate_landlock_mixed
else
    no diff_gate_landlock_mixed "rc=$rc $out"
fi
# Masks with more than 10 bits make the comparison approximate: here the new
# rule allows ioctl(request=0x12300003), which the sampled cells miss. The gate
# cannot prove nothing loosened, so it fails; identical programs stay exact.
cat >"$tmp/m_old.stk" <<'P'
policy svc {
    seccomp { default errno EPERM
        allow read
        allow ioctl if request & 0xffff0 == 0x54010 }
}
P
cat >"$tmp/m_new.stk" <<'P'
policy svc {
    seccomp { default errno EPERM
        allow read
        allow ioctl if request & 0xffff0 == 0x54010
        allow ioctl if request & 0xfff00000 == 0x12300000 && request & 0xf == 3 }
}
P
run --fail-on=loosened "$tmp/m_old.stk" "$tmp/m_new.stk"
if [ "$rc" -eq 1 ] && grep -q 'cannot prove nothing was loosened' <<<"$err"; then
    ok diff_gate_approximate
else
    no diff_gate_approximate "rc=$rc $out $err"
fi
run --fail-on=loosened "$tmp/m_old.stk" "$tmp/m_old.stk"
if [ "$rc" -eq 0 ] && ! grep -q approximate <<<"$out"; then
    ok diff_gate_identical_exact
else
    no diff_gate_identical_exact "rc=$rc $out $err"
fi

# Removing `dev minimal` gives the command the host's /dev (disks included):
# the gate must fail; a tmpfs whose size changed is still a change.
cat >"$tmp/v_old.stk" <<'P'
policy svc {
    filesystem {
        dev minimal
        tmpfs /tmp size 64M
    }
    seccomp { default errno EPERM
        allow read, write, exit_group }
}
P
sed -e '/dev minimal/d' -e 's/size 64M/size 128M/' "$tmp/v_old.stk" >"$tmp/v_new.stk"
run --fail-on=loosened "$tmp/v_old.stk" "$tmp/v_new.stk"
if [ "$rc" -eq 1 ] && grep -q '^+ filesystem: dev /dev' <<<"$out" && grep -q '^~ filesystem: tmpfs /tmp' <<<"$out"; then
    ok diff_gate_dev_removed
else
    no diff_gate_dev_removed "rc=$rc $out"
fi
run --fail-on=loosened "$tmp/v_new.stk" "$tmp/v_old.stk"
if [ "$rc" -eq 0 ] && grep -q '^- filesystem: dev /dev' <<<"$out"; then
    ok diff_gate_dev_added
else
    no diff_gate_dev_added "rc=$rc $out"
fi

# The markdown comment and JSON carry names from the policy under review: a
# path may not end the code span or open an HTML comment (which would hide
# the rows after it), and bytes that are not UTF-8 must not reach the JSON.
cat >"$tmp/h_old.stk" <<'P'
policy svc {
    landlock {
        execute /usr
    }
}
P
printf 'policy svc {\n    landlock {\n        execute /usr\n        read "/tmp/a`<!--\377"\n        read /tmp/b\n    }\n}\n' >"$tmp/h_new.stk"
run --format=markdown "$tmp/h_old.stk" "$tmp/h_new.stk"
if [ "$rc" -eq 0 ] && grep -qF "| loosened | landlock | \`path /tmp/a'<!--?\` | none | read-file, read-dir |" <<<"$out" &&
    grep -qF "| loosened | landlock | \`path /tmp/b\` |" <<<"$out"; then
    ok diff_markdown_hostile_path
else
    no diff_markdown_hostile_path "rc=$rc $out"
fi
run --format=json "$tmp/h_old.stk" "$tmp/h_new.stk"
if [ "$rc" -eq 0 ] && python3 -c '
import json, sys
d = json.loads(sys.stdin.buffer.read().decode("utf-8"))
assert any(c["what"] == "path /tmp/a`<!--?" for c in d["changes"]), d
' <<<"$out"; then
    ok diff_json_not_utf8
else
    no diff_json_not_utf8 "rc=$rc $out"
fi

# TCP no longer restricted while a scope is added: still a loosening.
printf 'policy svc {\n    landlock {\n        execute /usr\n        restrict net\n    }\n}\n' >"$tmp/l_old.stk"
printf 'policy svc {\n    landlock {\n        execute /usr\n        scope signal\n    }\n}\n' >"$tmp/l_new.stk"
run --fail-on=loosened "$tmp/l_old.stk" "$tmp/l_new.stk"
if [ "$rc" -eq 1 ] && grep -q '^+ landlock: handled rights' <<<"$out"; then
    ok diff_gate_landlock_net_dropped
else
    no diff_gate_landlock_net_dropped "rc=$rc $out"
fi

exit $fail
