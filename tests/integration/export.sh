#!/usr/bin/env bash
# export.sh — issue 14: `compile --emit=oci-seccomp|oci-bpf|k8s|k8s-json`.
# Every shipped policy exports or is refused with a located not-exportable
# diagnostic (text, JSON and SARIF alike, exit 1); --lossy turns refusals into
# lossy-export warnings that say tighter or looser; the Kubernetes resources
# validate against the Security Profiles Operator's CRD schemas (tests/data/
# spo-crds, tests/helpers/crd_check.py); the annotation is the program
# stockade builds, base64.  (The exactness of the JSON is tested against
# libseccomp in tests/unit/test_export_oci.c; real engines in tests/interop.)
# Prints PASS name / FAIL name: why; exits non-zero on any failure.
set -u
cd "$(dirname "$0")/../.." || exit 1
S=$(realpath "${STK_BUILD:-build}")/stockade
. tests/integration/lib.sh
itest_tmp
PY=/usr/bin/python3 # Debian's python3-yaml and python3-jsonschema (tools/deps.sh test)
CRDS=tests/data/spo-crds
if [ ! -x "$S" ]; then echo "FAIL export: $S not built"; exit 1; fi
if ! "$PY" -c 'import jsonschema, yaml' 2>/dev/null; then
    echo "FAIL export: python3-jsonschema or python3-yaml missing (make deps-test)"; exit 1
fi

# ---- the validator rejects what the API server would (so that a pass means something) -----
cat >"$T/bad.yaml" <<'EOF'
apiVersion: security-profiles-operator.x-k8s.io/v1
kind: SeccompProfile
metadata: {name: x}
spec:
  defaultAction: SCMP_ACT_ERRNO
  syscalls:
  - names: [socket]
    action: SCMP_ACT_ALLOW
    args: [{index: 0, value: 18446744073709551615, op: SCMP_CMP_MASKED_EQ}]
---
securityContext: {runAsUser: www-data}
EOF
v=$("$PY" tests/helpers/crd_check.py "$CRDS" "$T/bad.yaml")
has "$v" "int64" && has "$v" "runAsUser" && pass crd_validator_rejects || fail crd_validator_rejects "$v"

# ---- every shipped policy: exported, or refused at a location in every format -----------------
# kind  policies refused without --lossy (pinned: a change here is a decision).  The service
# policies (policies/services) deny execve once the service runs, and a runtime execs the
# service after it installed the filter: refused for oci-seccomp and oci-bpf; for k8s also
# for their rlimits, namespaces, Landlock and user names.  sshd keeps execve (its sessions).
while read -r kind want_refused; do
    refused=""
    for f in $(find policies -name '*.stk' ! -name '*.test.stk' | LC_ALL=C sort); do
        "$S" check "$f" >/dev/null 2>&1 || continue
        grep -q '^policy ' "$f" || continue
        base=$(basename "$f" .stk)
        "$S" compile --emit="$kind" -o "$T/$base.$kind" "$f" 2>"$T/err"; rc=$?
        if [ $rc -eq 0 ]; then
            [ -s "$T/$base.$kind" ] || fail "export_${kind}_$base" "empty output"
            continue
        fi
        refused="$refused $base"
        "$S" compile --emit="$kind" --format=json -o /dev/null "$f" 2>"$T/err.json"; rcj=$?
        "$S" compile --emit="$kind" --format=sarif -o /dev/null "$f" 2>"$T/err.sarif"; rcs=$?
        loc=$("$PY" - "$T/err.json" "$T/err.sarif" <<'PYEOF'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
j = [d for d in lines if d.get("code") == "not-exportable" and d.get("severity") == "error" and d.get("line", 0) > 0]
r = json.load(open(sys.argv[2]))["runs"][0]["results"]
s = [x for x in r if x["ruleId"] == "not-exportable" and x["locations"][0]["physicalLocation"]["region"]["startLine"] > 0]
print(len(j), len(s))
PYEOF
)
        if [ $rc -ne 1 ] || [ $rcj -ne 1 ] || [ $rcs -ne 1 ] || ! grep -q 'error: .*\[not-exportable\]' "$T/err" ||
            [ "${loc% *}" = 0 ] || [ "${loc#* }" = 0 ]; then
            fail "export_${kind}_$base" "rc=$rc/$rcj/$rcs located(json sarif)=$loc $(head -c 300 "$T/err")"
        fi
    done
    refused=${refused# }
    [ "$refused" = "$want_refused" ] && pass "shipped_${kind}_exported_or_refused" ||
        fail "shipped_${kind}_exported_or_refused" "refused:$refused, expected:$want_refused"
done <<'EOF'
oci-seccomp  deny-exec denylist minimal haproxy http-server memcached nginx-root nginx postgres redis
oci-bpf  deny-exec minimal haproxy http-server memcached nginx-root nginx postgres redis
k8s  batch-worker deny-exec denylist minimal sandbox web haproxy http-server memcached nginx-root nginx postgres redis sshd
EOF

# ---- the JSON keeps the kernel's speculation mitigation: an empty flags list -------------
"$S" compile --emit=oci-seccomp -o "$T/web.json" policies/examples/web.stk 2>/dev/null
"$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["flags"] == [] and d["defaultAction"] == "SCMP_ACT_ERRNO" and d["defaultErrnoRet"] == 1' \
    "$T/web.json" 2>/dev/null && pass oci_json_no_spec_allow || fail oci_json_no_spec_allow "$(head -c 200 "$T/web.json")"

# ---- --lossy: refusals become warnings that say the direction ------------------------------
out=$("$S" compile --emit=oci-seccomp --lossy -o "$T/de.json" policies/examples/deny-exec.stk 2>&1); rc=$?
[ $rc -eq 0 ] && has "$out" "warning: oci-seccomp: looser: 'execve' is allowed" && has "$out" "[lossy-export]" &&
    "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); assert any("execve" in e["names"] and e["action"]=="SCMP_ACT_ALLOW" for e in d["syscalls"])' "$T/de.json" &&
    pass lossy_execve_looser || fail lossy_execve_looser "rc=$rc $out"
out=$("$S" compile --emit=oci-seccomp --lossy -o /dev/null policies/examples/denylist.stk 2>&1); rc=$?
[ $rc -eq 0 ] && has "$out" "looser: syscalls newer than stockade knows get the default action" &&
    pass lossy_newer_looser || fail lossy_newer_looser "rc=$rc $out"
out=$("$S" compile --emit=oci-seccomp -o /dev/null policies/examples/deny-exec.stk 2>&1)
has "$out" "deny-exec.stk:26:9: error: oci-seccomp: 'execve' is not always let run" &&
    pass refusal_names_rule || fail refusal_names_rule "$out"
out=$("$S" compile --lossy -o /dev/null policies/examples/web.stk 2>&1); rc=$?
[ $rc -eq 2 ] && has "$out" "--lossy goes with --emit=oci-seccomp" && pass lossy_needs_export || fail lossy_needs_export "rc=$rc $out"
out=$("$S" sim --lossy policies/examples/web.stk read 2>&1); rc=$?
[ $rc -eq 2 ] && has "$out" "--lossy is an option of \`compile\`" && pass lossy_compile_only || fail lossy_compile_only "rc=$rc $out"

# ---- Kubernetes: every shipped policy with --lossy validates against the CRDs (no exceptions) --
for f in $(find policies -name '*.stk' ! -name '*.test.stk' | LC_ALL=C sort); do
    grep -q '^policy ' "$f" || continue
    base=$(basename "$f" .stk)
    "$S" compile --emit=k8s --lossy -o "$T/$base.yaml" "$f" 2>"$T/err"; rc=$?
    [ $rc -eq 0 ] || { fail "k8s_lossy_$base" "rc=$rc $(head -c 300 "$T/err")"; continue; }
    grep -q 'lossy-export' "$T/err" && ! grep -qv -e 'looser' -e 'tighter' -e '^ ' -e 'lossy-export' "$T/err" || true
    v=$("$PY" tests/helpers/crd_check.py "$CRDS" "$T/$base.yaml")
    [ -z "$v" ] || fail "k8s_crd_valid_$base" "$v"
    "$S" compile --emit=k8s-json --lossy -o "$T/$base.json" "$f" 2>/dev/null
    same=$("$PY" -c 'import json,yaml,sys; print(list(yaml.safe_load_all(open(sys.argv[1])))==json.load(open(sys.argv[2])))' \
        "$T/$base.yaml" "$T/$base.json")
    [ "$same" = True ] || fail "k8s_json_same_$base" "YAML and JSON differ"
done
pass k8s_lossy_shipped_valid
w=$(cat "$T"/err 2>/dev/null; for f in $(find policies -name '*.stk' ! -name '*.test.stk'); do
    "$S" compile --emit=k8s --lossy -o /dev/null "$f" 2>&1; done)
if has "$w" "[lossy-export]" && ! grep 'warning: .*\[lossy-export\]' <<<"$w" | grep -qv -e looser -e tighter; then
    pass lossy_warnings_state_direction
else
    fail lossy_warnings_state_direction "$(grep 'lossy-export' <<<"$w" | grep -v -e looser -e tighter | head -3)"
fi

# ---- Kubernetes: 64-bit comparisons in the operator's signed numbers -----------------------
# A full 64-bit mask is SCMP_CMP_EQ; `new_limit != 0` (cubes up to 2^64-1) is exact without
# bit 63 because the rest of the range already has the action; a value above 2^63 is refused
# at its rule, or with --lossy compared without bit 63 (looser).
cat >"$T/big.stk" <<'EOF'
policy big {
    no_new_privs
    seccomp {
        default errno EPERM
        allow execve, close, read, write, exit_group
        allow prlimit64 if pid == 0 && (new_limit == 0 || resource == RLIMIT_NOFILE)
        allow prctl if option == PR_CAP_AMBIENT && arg2 == 1
    }
}
EOF
"$S" compile --emit=k8s -o "$T/big.yaml" "$T/big.stk" 2>"$T/err"; rc=$?
v=$("$PY" tests/helpers/crd_check.py "$CRDS" "$T/big.yaml" 2>&1)
eq=$("$PY" -c 'import yaml,sys; d=list(yaml.safe_load_all(open(sys.argv[1])))[0]["spec"]["syscalls"]
args = lambda n: [a for e in d if e["names"] == [n] for a in e.get("args", [])]
print({"index": 2, "value": 1, "op": "SCMP_CMP_EQ"} in args("prctl") and
      {"index": 2, "value": 2**63 - 1, "op": "SCMP_CMP_GT"} in args("prlimit64"))' "$T/big.yaml" 2>&1)
[ $rc -eq 0 ] && [ -z "$v" ] && [ "$eq" = True ] && ! grep -q lossy-export "$T/err" && pass k8s_int64_exact ||
    fail k8s_int64_exact "rc=$rc $v eq=$eq $(head -c 300 "$T/err")"
sed -i 's/^    }$/        allow lseek if offset == 0x8000000000000001\n    }/' "$T/big.stk"
out=$("$S" compile --emit=k8s -o /dev/null "$T/big.stk" 2>&1); rc=$?
[ $rc -eq 1 ] && has "$out" "big.stk:8:9: error: k8s: 'lseek' needs the mask 0xffffffffffffffff and value 0x8000000000000001" &&
    pass k8s_int64_refused_at_rule || fail k8s_int64_refused_at_rule "rc=$rc $out"
out=$("$S" compile --emit=k8s --lossy -o "$T/big.yaml" "$T/big.stk" 2>&1); rc=$?
v=$("$PY" tests/helpers/crd_check.py "$CRDS" "$T/big.yaml" 2>&1)
[ $rc -eq 0 ] && [ -z "$v" ] && has "$out" "big.stk:8:9: warning: k8s: looser: 'lseek' compares argument 1 without its bit 63" &&
    pass k8s_int64_lossy_looser || fail k8s_int64_lossy_looser "rc=$rc $v $out"

# ---- Kubernetes: the resources for an LSM policy ------------------------------------------
cat >"$T/lsm.stk" <<'EOF'
policy lsm {
    no_new_privs
    user 1000
    group 1000
    capabilities { keep net_bind_service }
    seccomp {
        default errno EPERM
        allow execve, close, read, write, exit_group
        allow socket if domain in (AF_UNIX, AF_INET)
    }
    selinux {
        type stockade_lsm_t
        level s0:c1,c2
    }
    apparmor stockade-lsm optional
}
EOF
out=$("$S" compile --emit=k8s -o /dev/null "$T/lsm.stk" 2>&1); rc=$?
[ $rc -eq 1 ] && has "$out" "AppArmorProfile has only an abstract form" && pass k8s_apparmor_abstract_refused ||
    fail k8s_apparmor_abstract_refused "rc=$rc $out"
"$S" compile --emit=k8s --lossy -o "$T/lsm.yaml" "$T/lsm.stk" 2>"$T/err"; rc=$?
v=$("$PY" tests/helpers/crd_check.py "$CRDS" "$T/lsm.yaml")
got=$("$PY" - "$T/lsm.yaml" <<'PYEOF'
import sys, yaml
d = list(yaml.safe_load_all(open(sys.argv[1])))
kinds = [x.get("kind") for x in d[:-1]]
sc = d[-1]["securityContext"]
raw = [x for x in d if x.get("kind") == "RawSelinuxProfile"][0]["spec"]["policy"]
print(kinds, sc["runAsUser"], sc["runAsGroup"], sc["seLinuxOptions"], sc["appArmorProfile"]["localhostProfile"],
      sc["seccompProfile"]["localhostProfile"], sc["allowPrivilegeEscalation"], sc["capabilities"],
      "stockade_lsm_t" in raw)
PYEOF
)
want="['SeccompProfile', 'RawSelinuxProfile', 'AppArmorProfile'] 1000 1000 {'type': 'stockade_lsm_t', 'level': 's0:c1,c2'} stockade-lsm operator/stockade-lsm.json False {'add': ['NET_BIND_SERVICE'], 'drop': ['ALL']} True"
[ $rc -eq 0 ] && [ -z "$v" ] && [ "$got" = "$want" ] && pass k8s_lsm_resources ||
    fail k8s_lsm_resources "rc=$rc $v got: $got"

# ---- the annotation: stockade's program without the exec hand-over rule, base64 -----------
"$S" compile --emit=oci-bpf -o "$T/web.b64" policies/examples/web.stk 2>/dev/null
"$S" compile --emit=disasm -o "$T/web.dis" policies/examples/web.stk 2>/dev/null
n=$(base64 -d "$T/web.b64" | wc -c)
[ $((n % 8)) -eq 0 ] && [ "$n" -gt 80 ] && grep -q 'execveat\|0x7ffffffe' "$T/web.dis" &&
    ! base64 -d "$T/web.b64" | od -An -tx4 -w8 | grep -q '7ffffffe' && pass oci_bpf_annotation ||
    fail oci_bpf_annotation "size $n"

exit $((fails > 0))
