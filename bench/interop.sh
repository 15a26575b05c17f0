#!/usr/bin/env bash
# interop.sh — what a stockade filter costs a container start: `crun run` of
# busybox's /bin/true (an OCI bundle built locally, tests/interop/lib.sh)
# with no seccomp, with policies/default.stk exported as linux.seccomp
# (--emit=oci-seccomp, compiled by crun through libseccomp at every start),
# and with the same policy as crun's run.oci.seccomp_bpf_data annotation
# (stockade's own program, loaded as is).  Run in turns (build/bench/interleave:
# A B C A B C ...), medians and ratios to the bare container printed.
# crun runs inside a private mount namespace with a pure cgroup2 mount and
# --cgroup-manager=disabled (this host's hybrid cgroup layout is refused).
# Measures and prints; asserts nothing.
#
# Usage: bash bench/interop.sh [RUNS]     (from the repository root; default 200)
# Needs: build/stockade, build/bench/interleave (bench/run.sh), crun, jq,
# busybox-static, a static C library (the bundle's probe).
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD=${STK_BUILD:-build}
RUNS=${1:-200}
WARMUP=10
POLICY=policies/default.stk
OUT=$BUILD/bench
STK=$BUILD/stockade

for tool in crun jq unshare base64; do
    command -v "$tool" >/dev/null || { echo "interop: $tool is not installed (make deps-bench); skipped"; exit 0; }
done
[ -x "$STK" ] && [ -x "$OUT/interleave" ] || { echo "interop: build first (make; bench/run.sh builds interleave)" >&2; exit 1; }

. tests/interop/lib.sh
ix_setup
if ! why=$(ix_bundle "$T/b"); then
    echo "interop: no bundle: $why; skipped"
    exit 0
fi
ROOTFS=$T/b/rootfs

# bundle NAME SECCOMP ANNOTATIONS: $T/NAME, sharing the root file system
bundle() {
    mkdir -p "$T/$1"
    jq --arg r "$ROOTFS" --argjson s "$2" --argjson a "$3" \
        '.root = {"path": $r, "readonly": true} | .process.args = ["/bin/true"]
         | (if $s == null then del(.linux.seccomp) else .linux.seccomp = $s end) | .annotations = $a' \
        "$T/b/spec.json" >"$T/$1/config.json"
}

CRUN=$(command -v crun)
run_cmd() { echo "$1=$CRUN --cgroup-manager=disabled --root $T/crun run --bundle $T/$1 bench-$1"; }
cmds=()
notes=()
bundle none null '{}'
cmds+=("$(run_cmd none)")
if "$STK" compile --emit=oci-seccomp -o "$T/default.json" "$POLICY" >"$T/json.log" 2>&1; then
    bundle json "$(cat "$T/default.json")" '{}'
    cmds+=("$(run_cmd json)")
else
    notes+=("json skipped: --emit=oci-seccomp: $(tail -n 1 "$T/json.log")")
fi
if "$STK" compile --emit=oci-bpf -o "$T/default.b64" "$POLICY" >"$T/ann.log" 2>&1; then
    b64=$(tr -d '\n' <"$T/default.b64")
    how="--emit=oci-bpf"
else
    "$STK" compile --emit=bpf -o "$T/default.bpf" "$POLICY" >/dev/null 2>&1
    b64=$(base64 -w0 "$T/default.bpf")
    how="base64 of --emit=bpf"
fi
bundle annotation null "$(jq -cn --arg b "$b64" '{"run.oci.seccomp_bpf_data": $b}')"
cmds+=("$(run_cmd annotation)")
mkdir -p "$T/crun"

echo "interop: crun $(crun --version | sed -n '1s/crun version //p') run /bin/true (busybox), policy $POLICY;" \
    "annotation: $how; $RUNS rounds in turns, $WARMUP warm-up"
ix_cg2 "$OUT/interleave" "$RUNS" "$WARMUP" "${cmds[@]}" >"$OUT/interop.txt"
none=$(awk '$1 == "none" { print $2 }' "$OUT/interop.txt")
printf '  %-11s %9s %8s %8s  %s\n' "seccomp" "median ms" "p25" "p75" "vs none"
while read -r n med p25 p75; do
    printf '  %-11s %9.2f %8.2f %8.2f  %.3fx\n' "$n" "$med" "$p25" "$p75" "$(jq -n "$med / $none")"
done <"$OUT/interop.txt"
for n in "${notes[@]+"${notes[@]}"}"; do echo "note: $n"; done
