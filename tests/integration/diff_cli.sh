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
if [ "$rc" -eq 0 ] && grep -q -- '--fail-on=loosened' <<<"$out" && grep -q -- '--format=text|json|markdown|sarif' <<<"$out" && grep -q -- '--sarif-root' <<<"$out"; then
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

# ---- --format=sarif: one run, a result per change, located in NEW ------------------
SCHEMA=tests/data/sarif-2.1.0.json
sarif_ok() { /usr/bin/python3 tests/helpers/sarif_check.py "$SCHEMA" "$@"; }
sarif_results() {
    /usr/bin/python3 -c '
import json, sys
for r in json.load(open(sys.argv[1]))["runs"][0]["results"]:
    pl = r["locations"][0]["physicalLocation"]; reg = pl.get("region", {})
    print(r["ruleId"], r["level"], pl["artifactLocation"]["uri"], reg.get("startLine", "-"), reg.get("startColumn", "-"), reg.get("endColumn", "-"), r["message"]["text"].split(" (from ")[0])
' "$1"
}
if ! /usr/bin/python3 -c 'import jsonschema' 2>/dev/null; then
    no diff_sarif "python3-jsonschema missing (make deps-test)"
fi
# the checker rejects a result without a location (GitHub's ingestion rule)
printf '{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x","rules":[{"id":"a","name":"A","shortDescription":{"text":"a"},"fullDescription":{"text":"a"},"help":{"text":"a"},"defaultConfiguration":{"level":"note"}}]}},"results":[{"ruleId":"a","ruleIndex":0,"level":"note","message":{"text":"x"}}]}]}\n' >"$tmp/noloc.sarif"
sarif_ok "$tmp/noloc.sarif" >/dev/null && no diff_sarif_checker_rejects "accepted a result without a location" || ok diff_sarif_checker_rejects
(cd "$tmp" && "$OLDPWD/$S" diff --format=sarif old.stk new.stk >d.sarif 2>err); rc=$?
v=$(sarif_ok "$tmp/d.sarif")
got=$(sarif_results "$tmp/d.sarif" 2>&1)
want="diff-loosened warning new.stk 1 8 11 loosened (capabilities): capability cap_net_admin: dropped -> kept
diff-loosened warning new.stk 5 9 14 loosened (seccomp): $native openat: errno EPERM -> allow
diff-loosened warning new.stk 6 9 14 loosened (seccomp): $native socket(domain=AF_NETLINK): errno EAFNOSUPPORT -> allow
diff-changed note new.stk 7 9 21 changed (seccomp): $native ptrace: errno EPERM -> errno EACCES"
if [ "$rc" -eq 0 ] && [ -z "$v" ] && [ "$got" = "$want" ]; then
    ok diff_sarif_results_located
else
    no diff_sarif_results_located "rc=$rc $v got:
$got"
fi
# the rules are the one table: diff's run lists the same rules as check's
"$S" check --format=sarif "$tmp/new.stk" >"$tmp/c.sarif" 2>/dev/null
rules() { /usr/bin/python3 -c 'import json,sys; print(" ".join(r["id"] + "=" + r["defaultConfiguration"]["level"] for r in json.load(open(sys.argv[1]))["runs"][0]["tool"]["driver"]["rules"]))' "$1"; }
rd=$(rules "$tmp/d.sarif"); rcheck=$(rules "$tmp/c.sarif")
if [ -n "$rd" ] && [ "$rd" = "$rcheck" ] && grep -q 'diff-loosened=warning' <<<"$rd" &&
    grep -q 'diff-tightened=note' <<<"$rd" && grep -q 'diff-changed=note' <<<"$rd"; then
    ok diff_sarif_rules_from_the_table
else
    no diff_sarif_rules_from_the_table "diff: $rd / check: $rcheck"
fi
# tightened: notes; --fail-on works the same with sarif
# (URIs are relative only for files below the working directory: run in $tmp)
srun() { (cd "$tmp" && "$OLDPWD/$S" diff "$@" >out 2>err); rc=$?; }
srun --format=sarif --fail-on=loosened new.stk old.stk
got=$(sarif_results "$tmp/out" | cut -d' ' -f1,2 | sort | uniq -c | tr -s ' ')
if [ "$rc" -eq 0 ] && [ -z "$(sarif_ok "$tmp/out")" ] && [ "$got" = " 1 diff-changed note
 3 diff-tightened note" ]; then
    ok diff_sarif_tightened_notes
else
    no diff_sarif_tightened_notes "rc=$rc $got"
fi
srun --format=sarif --fail-on=loosened old.stk new.stk
[ "$rc" -eq 1 ] && [ -z "$(sarif_ok "$tmp/out")" ] && ok diff_sarif_fail_on_loosened || no diff_sarif_fail_on_loosened "rc=$rc"
run --format=sarif "$tmp/old.stk" "$tmp/old.stk"
n=$(sarif_results "$tmp/out" | wc -l)
[ "$rc" -eq 0 ] && [ "$n" -eq 0 ] && [ -z "$(sarif_ok "$tmp/out")" ] && ok diff_sarif_no_change || no diff_sarif_no_change "rc=$rc n=$n"
# --sarif-root: URIs relative to it, from another directory
mkdir -p "$tmp/repo/pol" && cp "$tmp/new.stk" "$tmp/repo/pol/web.stk"
(cd "$tmp/repo/pol" && "$OLDPWD/$S" diff --format=sarif --sarif-root=.. ../../old.stk web.stk >"$tmp/root.sarif" 2>/dev/null)
uris=$(sarif_results "$tmp/root.sarif" | cut -d' ' -f3 | sort -u)
[ "$uris" = "pol/web.stk" ] && [ -z "$(sarif_ok "$tmp/root.sarif")" ] && ok diff_sarif_root || no diff_sarif_root "uris=$uris"
run --format=sarif --sarif-root="$tmp/nonexistent" "$tmp/old.stk" "$tmp/new.stk"
[ "$rc" -eq 2 ] && ok diff_sarif_root_missing || no diff_sarif_root_missing "rc=$rc"
# a seccomp change in an included file is located at its rule there
mkdir -p "$tmp/inc"
printf 'policy base {\n    seccomp {\n        default errno EPERM\n        allow socket if domain == AF_NETLINK\n    }\n}\n' >"$tmp/inc/base.stk"
printf 'include "base.stk"\npolicy svc extends base {\n    seccomp {\n        allow read\n    }\n}\n' >"$tmp/inc/new.stk"
printf 'policy svc {\n    seccomp {\n        default errno EPERM\n        allow read\n    }\n}\n' >"$tmp/inc/old.stk"
(cd "$tmp/inc" && "$OLDPWD/$S" diff --format=sarif old.stk new.stk >i.sarif 2>err); rc=$?
got=$(sarif_results "$tmp/inc/i.sarif" | cut -d' ' -f1-4 | sort -u)
[ "$rc" -eq 0 ] && [ -z "$(sarif_ok "$tmp/inc/i.sarif")" ] && [ "$got" = "diff-loosened warning base.stk 4" ] &&
    ok diff_sarif_included_rule || no diff_sarif_included_rule "rc=$rc got=$got $(cat "$tmp/inc/err")"
# a bundle has no lines: its results name the file
"$S" compile -o "$tmp/new2.bundle" "$tmp/new.stk" 2>/dev/null
(cd "$tmp" && "$OLDPWD/$S" diff --format=sarif old.stk new2.bundle >b.sarif 2>/dev/null); rc=$?
got=$(sarif_results "$tmp/b.sarif" | cut -d' ' -f3,4 | sort -u)
[ "$rc" -eq 0 ] && [ -z "$(sarif_ok "$tmp/b.sarif" --no-region-ok)" ] && [ "$got" = "new2.bundle -" ] &&
    ok diff_sarif_bundle || no diff_sarif_bundle "rc=$rc got=$got"

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


# ---- policies split into stacked seccomp filters (issue 16) -------------------------
# 1,500 values in an `in` set on each of four syscalls: about 9,000
# instructions, split; the comparison is of each stack's combined decision.
vals=$(seq -s ', ' 4096 4 10092)
{
    printf 'policy big {\n    seccomp {\n        default errno EPERM\n        allow read, write, exit_group\n'
    for sc in ioctl fcntl setsockopt getsockopt; do printf '        allow %s if arg1 in (%s)\n' "$sc" "$vals"; done
    printf '    }\n}\n'
} >"$tmp/big.stk"
sed '/allow fcntl/s/, 6896,/,/' "$tmp/big.stk" >"$tmp/big_minus.stk"
# the same decisions in one filter: a range and a mask per syscall
{
    printf 'policy big {\n    seccomp {\n        default errno EPERM\n        allow read, write, exit_group\n'
    for sc in ioctl fcntl setsockopt getsockopt; do
        printf '        allow %s if arg1 >= 4096 && arg1 <= 10092 && (arg1 & 3) == 0\n' "$sc"
    done
    printf '    }\n}\n'
} >"$tmp/small.stk"
"$S" compile -o "$tmp/big.bundle" "$tmp/big.stk" 2>/dev/null
"$S" compile -o "$tmp/small.bundle" "$tmp/small.stk" 2>/dev/null
nbig=$("$S" inspect "$tmp/big.bundle" 2>&1 | grep -o 'seccomp: [0-9]* stacked filters' | grep -o '[0-9]*')
if [ -n "$nbig" ] && [ "$nbig" -ge 2 ] && ! "$S" inspect "$tmp/small.bundle" 2>&1 | grep -q 'stacked filters' &&
    ! cmp -s "$tmp/big.stk" "$tmp/big_minus.stk"; then
    ok diff_split_setup
else
    no diff_split_setup "big: ${nbig:-no} stacked filters; small must be one filter"
fi
run --fail-on=any "$tmp/big.stk" "$tmp/big.bundle"
if [ "$rc" -eq 0 ] && [ "$out" = "--- $tmp/big.stk
+++ $tmp/big.bundle
0 loosened, 0 tightened, 0 changed" ]; then
    ok diff_split_same_exact
else
    no diff_split_same_exact "rc=$rc $out $err"
fi
run --fail-on=any "$tmp/big.bundle" "$tmp/small.stk"
if [ "$rc" -eq 0 ] && grep -q '^0 loosened, 0 tightened, 0 changed$' <<<"$out"; then
    ok diff_split_vs_one_filter_same
else
    no diff_split_vs_one_filter_same "rc=$rc $out $err"
fi
run "$tmp/big.bundle" "$tmp/big_minus.stk"
if [ "$rc" -eq 0 ] && [ "$(grep -c '^[-+~] ' <<<"$out")" -eq 1 ] &&
    grep -qx -- "- seccomp: $native fcntl(cmd=0x1af0): allow -> errno EPERM" <<<"$out" &&
    grep -qx '0 loosened, 1 tightened, 0 changed' <<<"$out"; then
    ok diff_split_value_removed
else
    no diff_split_value_removed "rc=$rc $out $err"
fi
run --format=json "$tmp/big.stk" "$tmp/big_minus.stk"
if [ "$rc" -eq 0 ] && python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["approximate"] is False, d
assert [(c["direction"], c["what"]) for c in d["changes"]] == [("tightened", sys.argv[1] + " fcntl(cmd=0x1af0)")], d
' "$native" <<<"$out"; then
    ok diff_split_value_removed_json
else
    no diff_split_value_removed_json "rc=$rc $out"
fi
mkdir -p "$tmp/repo" && cp "$tmp/big.stk" "$tmp/big_minus.stk" "$tmp/repo/"
(cd "$tmp/repo" && "$OLDPWD/$S" diff --format=sarif big.stk big_minus.stk >split.sarif 2>err); rc=$?
got=$(sarif_results "$tmp/repo/split.sarif" 2>&1 | cut -d' ' -f1,2,3,7-)
if [ "$rc" -eq 0 ] && [ -z "$(sarif_ok "$tmp/repo/split.sarif")" ] &&
    [ "$got" = "diff-tightened note big_minus.stk tightened (seccomp): $native fcntl(cmd=0x1af0): allow -> errno EPERM" ]; then
    ok diff_split_value_removed_sarif
else
    no diff_split_value_removed_sarif "rc=$rc $(cat "$tmp/repo/err") got: $got"
fi

# too big to compare: refused (exit 2) with the reason, naming the stacks
{
    sed '$d' "$tmp/big.stk" | sed '$d'
    printf '        allow prctl if arg0 in (%s) && arg1 in (%s)\n    }\n}\n' "$(seq -s ', ' 1 3 3000)" "$(seq -s ', ' 1 3 3300)"
} >"$tmp/huge.stk"
run "$tmp/huge.stk" "$tmp/huge.stk"
if [ "$rc" -eq 2 ] && grep -qE '^stockade diff: seccomp: the stacked seccomp filters \([0-9]+ old, [0-9]+ new\) split their inputs into more than 1048576 cells: too many to compare$' <<<"$err"; then
    ok diff_split_too_big
else
    no diff_split_too_big "rc=$rc $err"
fi

exit $fail
