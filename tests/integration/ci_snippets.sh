#!/usr/bin/env bash
# ci_snippets.sh — issue 12: the CI files shipped in docs/ci/ and the
# repository's .pre-commit-hooks.yaml do what docs/ci.md says.  Each YAML file
# parses (python3-yaml) and has the structure its CI system reads; docs/ci.md
# shows each file verbatim; every run:/script:/entry: command that invokes
# stockade is run, as the CI system would, in a scratch git repository with a
# base commit of a policy on main (pushed to a local origin) and a head commit
# that loosens it, and the SARIF (schema and GitHub's ingestion rules), JUnit
# (well-formed XML, the test cases) and markdown it writes are checked.
# Prints PASS name / FAIL name: why; exits non-zero on any failure.
set -u
cd "$(dirname "$0")/../.." || exit 1
TOP=$PWD
S=$(realpath "${STK_BUILD:-build}")/stockade
. tests/integration/lib.sh
itest_tmp
PY=/usr/bin/python3
GH=docs/ci/github-workflow.yml
GL=docs/ci/gitlab-ci.yml
PC=.pre-commit-hooks.yaml
if [ ! -x "$S" ]; then echo "FAIL ci_snippets: $S not built"; exit 1; fi
if ! "$PY" -c 'import yaml, jsonschema' 2>/dev/null; then
    echo "FAIL ci_snippets: python3-yaml or python3-jsonschema missing (make deps-test)"
    exit 1
fi
sarif_ok() { "$PY" "$TOP/tests/helpers/sarif_check.py" "$TOP/tests/data/sarif-2.1.0.json" "$1"; }

# ---- structure ------------------------------------------------------------------
# extract FILE KIND: prints the commands that invoke stockade, NUL-separated, as
# "STEPNAME\tENV\tCOMMAND" (ENV: NAME=VALUE;... with ${{ }} resolved for a PR)
extract() {
    "$PY" - "$@" <<'PYEOF'
import re, sys, yaml
path, kind = sys.argv[1], sys.argv[2]
doc = yaml.safe_load(open(path))
inv = re.compile(r'(^|[\s;|&(`$])stockade (check|test|diff|score|fmt)\b', re.M)
ctx = {"github.base_ref": "main", "github.event_name": "pull_request"}
def resolve(v):
    return re.sub(r'\$\{\{\s*([\w.]+)\s*\}\}', lambda m: ctx.get(m.group(1), ""), str(v))
out = []
if kind == "github":
    for job in doc["jobs"].values():
        jenv = {k: resolve(v) for k, v in (job.get("env") or {}).items()}
        for st in job["steps"]:
            if "run" in st and inv.search(st["run"]):
                env = dict(jenv); env.update({k: resolve(v) for k, v in (st.get("env") or {}).items()})
                out.append((st.get("name", ""), ";".join("%s=%s" % kv for kv in env.items()), st["run"]))
elif kind == "gitlab":
    for name, job in doc.items():
        if isinstance(job, dict) and "script" in job:
            env = {k: str(v) for k, v in (job.get("variables") or {}).items()}
            out.append((name, ";".join("%s=%s" % kv for kv in env.items()), "\n".join(job["script"])))
elif kind == "precommit":
    for h in doc:
        if inv.search(h["entry"]):
            out.append((h["id"], "files=" + h["files"] + ";pass_filenames=" + str(h.get("pass_filenames", True)), h["entry"]))
sys.stdout.write("".join("%s\t%s\t%s\0" % o for o in out))
PYEOF
}
st=$("$PY" - "$GH" "$GL" "$PC" <<'PYEOF'
import sys, yaml
gh, gl, pc = (yaml.safe_load(open(p)) for p in sys.argv[1:4])
errs = []
# GitHub: no schema offline; the keys a workflow must have.  PyYAML reads the
# key "on" as True (YAML 1.1), GitHub as "on".
on = gh.get("on", gh.get(True))
if not gh.get("name") or not isinstance(on, dict) or "pull_request" not in on:
    errs.append("github: name, on.pull_request")
for jn, job in gh.get("jobs", {}).items():
    if "runs-on" not in job or not isinstance(job.get("steps"), list):
        errs.append("github job %s: runs-on, steps" % jn)
    for s in job.get("steps", []):
        if ("run" in s) == ("uses" in s):
            errs.append("github step %s: exactly one of run and uses" % s.get("name"))
        if "uses" in s and "@" not in s["uses"]:
            errs.append("github step %s: uses without a version" % s.get("name"))
        extra = set(s) - {"name", "id", "if", "run", "uses", "with", "env", "shell", "continue-on-error", "timeout-minutes", "working-directory"}
        if extra:
            errs.append("github step %s: unknown keys %s" % (s.get("name"), extra))
    uses = [s.get("uses", "") for s in job.get("steps", [])]
    if not any(u.startswith("github/codeql-action/upload-sarif@") for u in uses):
        errs.append("github: no upload-sarif step")
    if job.get("permissions", {}).get("security-events") != "write":
        errs.append("github: upload-sarif needs security-events: write")
# GitLab: a job with a stage, a script list, the junit and codequality reports
jobs = {k: v for k, v in gl.items() if isinstance(v, dict) and "script" in v}
if not jobs:
    errs.append("gitlab: no job")
for jn, job in jobs.items():
    if not isinstance(job["script"], list) or not job.get("stage") or not job.get("image"):
        errs.append("gitlab job %s: stage, image, script list" % jn)
    rep = job.get("artifacts", {}).get("reports", {})
    if rep.get("junit") != "stockade-junit.xml" or "codequality" not in rep or job["artifacts"].get("when") != "always":
        errs.append("gitlab job %s: artifacts.reports junit/codequality, when: always" % jn)
# pre-commit: a list of hooks with the keys pre-commit requires
ids = []
for h in pc if isinstance(pc, list) else []:
    for k in ("id", "name", "entry", "language", "files"):
        if not isinstance(h.get(k), str) or not h[k]:
            errs.append("pre-commit hook %s: %s" % (h.get("id"), k))
    if h.get("language") != "system":
        errs.append("pre-commit hook %s: language %s (stockade is installed, not built by pre-commit)" % (h.get("id"), h.get("language")))
    extra = set(h) - {"id", "name", "entry", "language", "files", "exclude", "types", "description", "pass_filenames", "args", "always_run", "require_serial", "stages"}
    if extra:
        errs.append("pre-commit hook %s: unknown keys %s" % (h.get("id"), extra))
    ids.append(h.get("id"))
if not isinstance(pc, list) or ids != ["stockade-check", "stockade-test", "stockade-fmt-check"]:
    errs.append("pre-commit: hooks %s" % ids)
print("\n".join(errs))
PYEOF
)
[ -z "$st" ] && pass ci_files_structure || fail ci_files_structure "$st"
# the checker catches a workflow step with both run and uses
printf 'name: x\non: {pull_request: {}}\njobs:\n  j:\n    runs-on: x\n    steps:\n      - run: a\n        uses: b@v1\n' >"$T/badwf.yml"
"$PY" -c 'import yaml,sys; s=yaml.safe_load(open(sys.argv[1]))["jobs"]["j"]["steps"][0]; sys.exit(0 if ("run" in s) == ("uses" in s) else 1)' "$T/badwf.yml" &&
    pass ci_structure_check_bites || fail ci_structure_check_bites "a step with run and uses not caught"

# ---- docs/ci.md shows the files verbatim ------------------------------------------
drift=$("$PY" - docs/ci.md "$GH" "$GL" "$PC" <<'PYEOF'
import re, sys
doc = open(sys.argv[1]).read()
for path in sys.argv[2:]:
    # the fenced block right after the comment naming the file
    m = re.search(r'<!-- file: %s -->\n```[a-z]*\n(.*?)```\n' % re.escape(path), doc, re.S)
    if not m:
        print("%s: no block in docs/ci.md" % path)
    elif m.group(1) != open(path).read():
        print("%s: docs/ci.md differs from the file" % path)
PYEOF
)
[ -z "$drift" ] && pass ci_doc_blocks_equal_files || fail ci_doc_blocks_equal_files "$drift"

# ---- a scratch repository: main has the policy, the change loosens it --------------
R=$T/repo
mkdir -p "$R/policies/lib" "$T/bin"
ln -s "$S" "$T/bin/stockade"
export PATH="$T/bin:$PATH"
cp policies/groups.stk "$R/policies/lib/groups.stk"
sed 's|include "../groups.stk"|include "lib/groups.stk"|' policies/examples/web.stk >"$R/policies/web.stk"
cp policies/examples/web.test.stk "$R/policies/web.test.stk"
(
    set -e
    cd "$R"
    git init -q -b main
    git config user.email ci@example.invalid
    git config user.name ci
    git add -A
    git commit -qm base
    git init -q --bare "$T/origin.git"
    git remote add origin "$T/origin.git"
    git push -q origin main
    git fetch -q origin
    git checkout -q -b change
    # the change: a higher limit on open files (loosened; the tests do not pin it)
    sed -i 's/rlimit nofile 1024 4096/rlimit nofile 1024 8192/' policies/web.stk
    git commit -qam loosen
) >"$T/setup.log" 2>&1 || { fail ci_scratch_repo "$(cat "$T/setup.log")"; exit 1; }
git -C "$R" diff --quiet main change -- policies/web.stk && fail ci_scratch_repo "the change did not apply"

# run_block NAME ENV CMD : runs CMD in $R as `bash -eo pipefail` (GitHub's run
# shell, GitLab's script shell) with ENV set; rc, out
run_block() {
    local envs=() kv
    IFS=';' read -ra kv <<<"$2"
    for e in "${kv[@]}"; do [ -n "$e" ] && envs+=("$e"); done
    (cd "$R" && env "${envs[@]}" GITHUB_OUTPUT="$T/gh_output" bash --noprofile --norc -eo pipefail -c "$3") >"$T/out" 2>"$T/err"
    rc=$?
}
junit_ok() {
    "$PY" - "$1" <<'PYEOF'
import sys, xml.etree.ElementTree as ET
r = ET.parse(sys.argv[1]).getroot()
cases = r.findall(".//testcase")
if r.tag not in ("testsuites", "testsuite") or not cases:
    print("root %s, %d test cases" % (r.tag, len(cases)))
PYEOF
}

# ---- the GitHub workflow, step by step ---------------------------------------------
: >"$T/gh_output"
n=0
while IFS=$'\t' read -r -d '' name envs cmd; do
    n=$((n + 1))
    run_block "$name" "$envs" "$cmd"
    case "$name" in
    check)
        v=$(sarif_ok "$R/stockade.sarif")
        [ "$rc" -eq 0 ] && [ -z "$v" ] && pass github_check_sarif || fail github_check_sarif "rc=$rc $v $(head -c 300 "$T/err")" ;;
    test)
        v=$(junit_ok "$R/stockade-junit.xml" 2>&1)
        [ "$rc" -eq 0 ] && [ -z "$v" ] && pass github_test_junit || fail github_test_junit "rc=$rc $v $(head -c 300 "$T/err")"
        # a change the tests pin (one more capability) fails the step, and the report says which
        sed -i 's/capabilities { keep net_bind_service }/capabilities { keep net_bind_service, net_admin }/' "$R/policies/web.stk"
        run_block "$name" "$envs" "$cmd"
        nf=$("$PY" -c 'import sys, xml.etree.ElementTree as ET; print(len(ET.parse(sys.argv[1]).getroot().findall(".//testcase/failure")))' "$R/stockade-junit.xml" 2>&1)
        git -C "$R" checkout -q -- policies
        [ "$rc" -eq 1 ] && [ "$nf" = 1 ] && pass github_test_fails_pinned_change || fail github_test_fails_pinned_change "rc=$rc failures=$nf" ;;
    format)
        # formatted: passes; a statement out of place: fails with the diff
        [ "$rc" -eq 0 ] && pass github_format || fail github_format "rc=$rc $(head -c 300 "$T/out" "$T/err")"
        sed -i 's/^    no_new_privs$/        no_new_privs/' "$R/policies/web.stk"
        run_block "$name" "$envs" "$cmd"
        git -C "$R" checkout -q -- policies
        [ "$rc" -eq 1 ] && grep -q '^-        no_new_privs' "$T/out" && pass github_format_fails_unformatted ||
            fail github_format_fails_unformatted "rc=$rc $(head -c 300 "$T/out" "$T/err")" ;;
    score)
        [ "$rc" -eq 0 ] && grep -q 'policy web: exposure' "$T/out" && pass github_score || fail github_score "rc=$rc $(head -c 300 "$T/out" "$T/err")" ;;
    "diff against the base branch")
        if [ "$rc" -eq 0 ] && grep -q '^\*\*1 loosened\*\*' "$R/diff.md" && grep -q 'rlimit nofile' "$R/diff.md" &&
            grep -qx 'loosened=1' "$T/gh_output"; then
            pass github_diff_comment
        else
            fail github_diff_comment "rc=$rc $(cat "$T/gh_output") $(head -c 300 "$R/diff.md") $(head -c 300 "$T/err")"
        fi ;;
    *) fail "github_step_${name// /_}" "a step this test does not know: add its checks" ;;
    esac
done < <(extract "$GH" github)
[ "$n" -eq 5 ] && pass github_steps_found || fail github_steps_found "$n steps invoke stockade, expected 5"
# the diff step without a change: nothing to post, not loosened
git -C "$R" checkout -q main && rm -rf "$R/base" && : >"$T/gh_output"
run_block nochange "BASE=main" "$(extract "$GH" github | "$PY" -c 'import sys; print([x.split("\t", 2)[2] for x in sys.stdin.read().split("\0") if x.startswith("diff against")][0])')"
[ "$rc" -eq 0 ] && [ ! -s "$R/diff.md" ] && grep -qx 'loosened=0' "$T/gh_output" && pass github_diff_no_change ||
    fail github_diff_no_change "rc=$rc $(cat "$T/gh_output") $(head -c 200 "$R/diff.md")"
git -C "$R" checkout -q change && rm -rf "$R/base" "$R/diff.md" "$R"/stockade* "$R/one.md"

# ---- the GitLab job: the whole script in one shell, as the runner does --------------
while IFS=$'\t' read -r -d '' name envs cmd; do
    run_block "$name" "$envs;CI_MERGE_REQUEST_TARGET_BRANCH_NAME=main" "$cmd"
    cq=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1])))' "$R/gl-code-quality.json" 2>&1)
    # the merge request loosens the policy: the job fails (exit 1), every report is there
    if [ "$rc" -eq 1 ] && [ -z "$(sarif_ok "$R/stockade.sarif")" ] && [ "$cq" = "[]" ] &&
        grep -q 'rlimit nofile' "$R/diff.md"; then
        pass gitlab_job
    else
        fail gitlab_job "rc=$rc cq=$cq $(head -c 400 "$T/err")"
    fi
    v=$(junit_ok "$R/stockade-junit.xml" 2>&1)
    [ -z "$v" ] && pass gitlab_junit || fail gitlab_junit "$v"
    # the code-quality conversion on a SARIF with findings: GitLab's required keys
    "$S" check --format=sarif tests/data/sarif-fixtures/warning.stk tests/data/sarif-fixtures/shadowed-deny.stk >"$R/stockade.sarif" 2>/dev/null
    jqcmd=$(grep -A20 '^jq ' <<<"$cmd" | sed '/gl-code-quality.json/q')
    (cd "$R" && bash -eo pipefail -c "$jqcmd") 2>"$T/err"
    cq=$("$PY" - "$R/gl-code-quality.json" <<'PYEOF'
import json, sys
issues = json.load(open(sys.argv[1]))
bad = [i for i in issues if not (i["description"] and i["check_name"] and i["fingerprint"] and
       i["severity"] in ("info", "minor", "major", "critical", "blocker") and
       i["location"]["path"].startswith("tests/data/sarif-fixtures/") and i["location"]["lines"]["begin"] >= 1)]
print(len(issues), len(set(i["fingerprint"] for i in issues)), len(bad), sorted(set(i["severity"] for i in issues)))
PYEOF
)
    [ "$cq" = "2 2 0 ['major', 'minor']" ] && pass gitlab_code_quality || fail gitlab_code_quality "$cq $(cat "$T/err")"
done < <(extract "$GL" gitlab)

# ---- the pre-commit hooks, as pre-commit runs them ------------------------------------
while IFS=$'\t' read -r -d '' id envs entry; do
    files_re=${envs#files=}; files_re=${files_re%%;*}
    pass_names=${envs##*pass_filenames=}
    mapfile -t files < <(git -C "$R" ls-files | grep -E "$files_re")
    [ "$pass_names" = True ] || files=()
    cmdline=$("$PY" -c 'import shlex,sys; print(" ".join(shlex.quote(a) for a in shlex.split(sys.argv[1]) + sys.argv[2:]))' "$entry" "${files[@]}")
    run_block "$id" "" "$cmdline"
    [ "$rc" -eq 0 ] && pass "precommit_$id" || fail "precommit_$id" "rc=$rc $cmdline $(head -c 300 "$T/err")"
    if [ "$id" = stockade-check ]; then
        # a broken policy fails the hook with a located diagnostic
        printf 'policy p {\n    seccomp { allow nosuchcall }\n}\n' >"$R/policies/broken.stk"
        run_block "$id" "" "$cmdline policies/broken.stk"
        [ "$rc" -eq 1 ] && grep -q 'policies/broken.stk:2:' "$T/err" && pass precommit_check_fails_broken ||
            fail precommit_check_fails_broken "rc=$rc $(head -c 300 "$T/err")"
        rm -f "$R/policies/broken.stk"
    fi
    if [ "$id" = stockade-fmt-check ]; then
        printf 'policy p {\n  no_new_privs\n}\n' >"$R/policies/unformatted.stk"
        run_block "$id" "" "$cmdline policies/unformatted.stk"
        rm -f "$R/policies/unformatted.stk"
        [ "$rc" -eq 1 ] && grep -q '^+    no_new_privs' "$T/out" && pass precommit_fmt_fails_unformatted ||
            fail precommit_fmt_fails_unformatted "rc=$rc $(head -c 300 "$T/out" "$T/err")"
    fi
    if [ "$id" = stockade-test ]; then
        # a change the tests pin fails the hook
        sed -i 's/capabilities { keep net_bind_service }/capabilities { keep net_bind_service, net_admin }/' "$R/policies/web.stk"
        run_block "$id" "" "$cmdline"
        git -C "$R" checkout -q -- policies
        [ "$rc" -ne 0 ] && grep -q 'FAIL' "$T/out" && pass precommit_test_fails_pinned_change ||
            fail precommit_test_fails_pinned_change "rc=$rc $(head -c 300 "$T/out")"
    fi
done < <(extract "$PC" precommit)

[ "$fails" -eq 0 ]
