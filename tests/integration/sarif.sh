#!/usr/bin/env bash
# sarif.sh — issue 12: `--format=sarif` of check, compile and run.  The SARIF
# of every shipped policy and of broken policies (tests/data/sarif-fixtures)
# validates against the official SARIF 2.1.0 schema (tests/data, with
# python3-jsonschema) and meets GitHub code scanning's ingestion rules; the
# exit codes of check do not depend on the format; every diagnostic code used
# in compiler/ has a rule (the table in compiler/diag_codes.c).
# Prints PASS name / FAIL name: why; exits non-zero on any failure.
set -u
cd "$(dirname "$0")/../.." || exit 1
S=$(realpath "${STK_BUILD:-build}")/stockade
. tests/integration/lib.sh
itest_tmp
tmp=$T
PY=/usr/bin/python3 # Debian's python3-jsonschema (tools/deps.sh test)
SCHEMA=tests/data/sarif-2.1.0.json
if [ ! -x "$S" ]; then echo "FAIL sarif: $S not built"; exit 1; fi
if ! "$PY" -c 'import jsonschema' 2>/dev/null; then echo "FAIL sarif: python3-jsonschema missing (make deps-test)"; exit 1; fi

# validate FILE : the schema, then GitHub's ingestion rules (the shared
# tests/helpers/sarif_check.py); prints the problems, nothing when valid
validate() {
    "$PY" tests/helpers/sarif_check.py "$SCHEMA" "$1" || true
}

# ---- the validator itself rejects a broken log (so that a pass means something) ------
printf '{"version": "2.1.0", "runs": [{"tool": {"driver": {}}, "results": [{"message": {"text": "x"}, "level": "fatal"}]}]}\n' >"$tmp/bad.sarif"
v=$(validate "$tmp/bad.sarif")
[ -n "$v" ] && pass validator_rejects_broken_log || fail validator_rejects_broken_log "accepted"

# ---- shipped policies: one run for all of them, no results ---------------------------
shipped=$(find policies -name '*.stk' | LC_ALL=C sort)
# shellcheck disable=SC2086
"$S" check --format=sarif $shipped >"$tmp/shipped.sarif" 2>"$tmp/err"; rc=$?
v=$(validate "$tmp/shipped.sarif")
n=$("$PY" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["runs"][0]["results"]))' "$tmp/shipped.sarif" 2>&1)
[ "$rc" -eq 0 ] && [ -z "$v" ] && [ "$n" = 0 ] && pass shipped_policies_sarif_valid ||
    fail shipped_policies_sarif_valid "rc=$rc results=$n $v $(head -c 300 "$tmp/err")"
for f in $shipped; do
    "$S" check --format=sarif "$f" >"$tmp/one.sarif" 2>/dev/null; rc=$?
    v=$(validate "$tmp/one.sarif")
    [ "$rc" -eq 0 ] && [ -z "$v" ] || fail "shipped_sarif_${f//\//_}" "rc=$rc $v"
done
pass shipped_policies_each_valid

# ---- broken policies: valid SARIF, the finding located, exit code as with text ----------
# fixture  code  startLine  startColumn  endColumn  check-exit
while read -r fx code line col endcol want; do
    f=tests/data/sarif-fixtures/$fx.stk
    "$S" check "$f" >/dev/null 2>&1; rc_text=$?
    "$S" check --format=json "$f" >/dev/null 2>&1; rc_json=$?
    "$S" check --format=sarif "$f" >"$tmp/$fx.sarif" 2>"$tmp/err"; rc=$?
    v=$(validate "$tmp/$fx.sarif")
    got=$("$PY" - "$tmp/$fx.sarif" <<'PYEOF'
import json, sys
r = json.load(open(sys.argv[1]))["runs"][0]["results"]
w = [x for x in r if x["level"] != "note"][0]
reg = w["locations"][0]["physicalLocation"]["region"]
print(w["ruleId"], reg["startLine"], reg["startColumn"], reg["endColumn"],
      w["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], len(w.get("relatedLocations", [])))
PYEOF
)
    [ "$rc" -eq "$want" ] && [ "$rc_text" -eq "$want" ] && [ "$rc_json" -eq "$want" ] && [ -z "$v" ] &&
        [ "${got% * *}" = "$code $line $col $endcol" ] && [ "$(cut -d' ' -f5 <<<"$got")" = "$f" ] &&
        pass "broken_${fx//-/_}" || fail "broken_${fx//-/_}" "rc=$rc/$rc_text/$rc_json want $want; got '$got' $v"
done <<'EOF2'
syntax syntax 4 22 23 1
unknown-syscall unknown-syscall 4 15 20 1
shadowed-deny shadowed-deny 8 9 21 1
duplicate-policy duplicate-policy 5 8 13 1
warning shadowed-rule 5 9 14 1
EOF2
# the notes are related locations of their findings
rel=$("$PY" -c 'import json,sys; r=json.load(open(sys.argv[1]))["runs"][0]["results"]; print(len(r), r[0]["relatedLocations"][0]["message"]["text"], r[0]["relatedLocations"][0]["physicalLocation"]["region"]["startLine"])' "$tmp/shadowed-deny.sarif" 2>&1)
[ "$rel" = "1 the weaker rule is here 7" ] && pass note_is_related_location || fail note_is_related_location "$rel"
# all broken files in one invocation: one run
"$S" check --format=sarif tests/data/sarif-fixtures/*.stk >"$tmp/all.sarif" 2>/dev/null; rc=$?
v=$(validate "$tmp/all.sarif")
[ "$rc" -eq 1 ] && [ -z "$v" ] && pass broken_together_one_run || fail broken_together_one_run "rc=$rc $v"
"$S" check --allow-warnings --format=sarif tests/data/sarif-fixtures/warning.stk >/dev/null 2>&1; rc=$?
[ "$rc" -eq 0 ] && pass allow_warnings_same_with_sarif || fail allow_warnings_same_with_sarif "rc=$rc"
"$S" check --format=sarif /nonexistent.stk >"$tmp/io.sarif" 2>/dev/null; rc=$?
v=$(validate "$tmp/io.sarif")
io=$("$PY" -c 'import json,sys; i=json.load(open(sys.argv[1]))["runs"][0]["invocations"][0]; print(i["executionSuccessful"], i["toolExecutionNotifications"][0]["descriptor"]["id"])' "$tmp/io.sarif" 2>&1)
[ "$rc" -eq 2 ] && [ -z "$v" ] && [ "$io" = "False io" ] && pass io_error_is_notification || fail io_error_is_notification "rc=$rc $io $v"

# ---- --sarif-root and URIs ------------------------------------------------------------
mkdir -p "$tmp/repo/pol"
cp tests/data/sarif-fixtures/unknown-syscall.stk "$tmp/repo/pol/a b.stk"
(cd "$tmp/repo/pol" && "$S" check --format=sarif --sarif-root=.. "a b.stk" >"$tmp/root.sarif" 2>/dev/null)
uri=$("$PY" -c 'import json,sys; r=json.load(open(sys.argv[1]))["runs"][0]; print(r["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], r["originalUriBaseIds"]["SRCROOT"]["uri"])' "$tmp/root.sarif" 2>&1)
want_root=$(realpath "$tmp/repo")
[ "$uri" = "pol/a%20b.stk file://$want_root/" ] && [ -z "$(validate "$tmp/root.sarif")" ] && pass sarif_root_relative_uri ||
    fail sarif_root_relative_uri "$uri"
"$S" check --format=sarif --sarif-root="$tmp/nonexistent" tests/data/sarif-fixtures/warning.stk >/dev/null 2>&1; rc=$?
[ "$rc" -eq 2 ] && pass sarif_root_missing_is_usage_error || fail sarif_root_missing_is_usage_error "rc=$rc"

# A message quoting a file name that is not UTF-8 (review of issue 12): the
# log must still be UTF-8 JSON (json-c copies bytes as they are).
printf 'include "x\377.stk"\npolicy p {\n    seccomp {\n        default errno EPERM\n        allow read\n    }\n}\n' >"$tmp/notutf8.stk"
"$S" check --format=sarif --sarif-root="$tmp" "$tmp/notutf8.stk" >"$tmp/notutf8.sarif" 2>/dev/null; rc=$?
msg=$("$PY" -c 'import json,sys; r=json.loads(open(sys.argv[1],"rb").read().decode("utf-8"))["runs"][0]["results"]; print(r[0]["message"]["text"])' "$tmp/notutf8.sarif" 2>&1)
[ "$rc" -eq 1 ] && [ -z "$(validate "$tmp/notutf8.sarif")" ] && grep -q 'x?\.stk' <<<"$msg" && pass sarif_message_not_utf8 ||
    fail sarif_message_not_utf8 "rc=$rc $msg"

# ---- compile and run refuse shadowed-deny, and speak SARIF too --------------------------
f=tests/data/sarif-fixtures/shadowed-deny.stk
"$S" compile --format=sarif -o "$tmp/x.bundle" "$f" >"$tmp/out" 2>"$tmp/c.sarif"; rc=$?
v=$(validate "$tmp/c.sarif")
[ "$rc" -eq 1 ] && [ ! -e "$tmp/x.bundle" ] && [ -z "$v" ] && grep -q '"shadowed-deny"' "$tmp/c.sarif" &&
    pass compile_refuses_shadowed_deny_sarif || fail compile_refuses_shadowed_deny_sarif "rc=$rc $v"
"$S" run --format=sarif "$f" -- /bin/true >"$tmp/out" 2>"$tmp/r.sarif"; rc=$?
v=$(validate "$tmp/r.sarif")
[ "$rc" -eq 125 ] && [ -z "$v" ] && pass run_refuses_shadowed_deny_sarif || fail run_refuses_shadowed_deny_sarif "rc=$rc $v"
"$S" run "$f" -- /bin/true >/dev/null 2>"$tmp/err"; rc=$?
[ "$rc" -eq 125 ] && grep -q "error: this 'errno' rule never applies" "$tmp/err" && pass run_refuses_shadowed_deny ||
    fail run_refuses_shadowed_deny "rc=$rc $(head -3 "$tmp/err")"
"$S" compile --format=sarif -o "$tmp/ok.bundle" policies/examples/web.stk >"$tmp/out" 2>"$tmp/ok.sarif"; rc=$?
[ "$rc" -eq 0 ] && [ -s "$tmp/ok.bundle" ] && [ -z "$(validate "$tmp/ok.sarif")" ] && pass compile_clean_sarif ||
    fail compile_clean_sarif "rc=$rc"
"$S" compile --format=yaml policies/examples/web.stk >/dev/null 2>&1; rc=$?
[ "$rc" -eq 2 ] && pass compile_unknown_format || fail compile_unknown_format "rc=$rc"
for c in check compile run sim; do
    "$S" $c --help 2>/dev/null | grep -q -- "--sarif-root" && pass "help_${c}_sarif" || fail "help_${c}_sarif" "no --sarif-root in --help"
done

# ---- every diagnostic code used in compiler/ is a rule -------------------------------------
rules=$("$PY" -c 'import json,sys; print("\n".join(r["id"] for r in json.load(open(sys.argv[1]))["runs"][0]["tool"]["driver"]["rules"]))' "$tmp/shipped.sarif")
# the code argument of stk_diag(ds, SEV, "code", ...), stk_error/stk_warning(ds, "code", ...),
# stk_sema_suggest/stk_sema_fits(u, "code", ...); the lexer's "syntax"/"lex"; the store's own note
used=$( { grep -rhozP 'stk_diag\s*\(\s*[^,]+,\s*[^,]+,\s*"\K[a-z0-9-]+(?=")' compiler grammar
          grep -rhozP '\bstk_(error|warning|sema_suggest|sema_fits|lint_note)\s*\(\s*[^,]+,\s*"\K[a-z0-9-]+(?=")' compiler grammar
          grep -hoP '\? "\K(syntax)(?=")|: "\K(lex)(?=")' compiler/front/parse.c
          grep -hoP 'STK_SEV_NOTE, "\K[a-z-]+' compiler/diag.c
        } | tr '\0' '\n' | grep -v '^$' | LC_ALL=C sort -u)
nused=$(wc -l <<<"$used")
missing=$(comm -23 <(echo "$used") <(LC_ALL=C sort <<<"$rules"))
# a code passed on in a variable must come from a known forwarder
forward=$(grep -rnP '\bstk_(diag|error|warning)\s*\(\s*[^,]+,\s*(STK_SEV_\w+,\s*)?[a-z_]+(->[a-z_]+)?\s*,' compiler grammar |
          grep -vE 'compiler/diag\.h|sema/sema\.c:.*stk_diag\(u->ds, STK_SEV_ERROR, code,|front/lex\.c:.*stk_diag\(lx->ds, STK_SEV_ERROR, code,|sema/sema_misfit\.c:.*stk_diag\(u->ds, STK_SEV_ERROR, f->code,')
[ "$nused" -gt 60 ] && [ -z "$missing" ] && [ -z "$forward" ] && pass every_code_is_a_rule ||
    fail every_code_is_a_rule "used=$nused missing: $missing forwarders: $forward"
[ "$fails" -eq 0 ]
