#!/usr/bin/env bash
# startup.sh — what confining a program costs at start-up: `stockade run`
# (compiling each time, and with the bundle from its cache) and
# `stockade-exec` around /bin/true against bare /bin/true and the peers
# (`bwrap --ro-bind / / /bin/true`, `firejail --noprofile /bin/true`), all in
# one hyperfine run (so they share the machine's state), medians compared.
# Isolation: bench/policies/isolation.stk (pid, mount, ipc, uts, net; read-only
# root, tmpfs /tmp, proc, dev minimal) against `bwrap --ro-bind / / --dev /dev
# --proc /proc --unshare-all`, in the same hyperfine run and again in turns
# (build/bench/interleave: A B C A B C ..., so a machine whose load changes
# during the run biases none of them).
# Measures and prints; asserts nothing.
#
# Usage: bash bench/startup.sh [RUNS]     (from the repository root; default 200)
# Needs: build/stockade, build/stockade-exec, hyperfine, jq; build/bench/exec_floor
# (bench/exec_floor.c, built by bench/run.sh) for the reference row.
set -euo pipefail

BUILD=${STK_BUILD:-build}
RUNS=${1:-200}
WARMUP=20
POLICY=bench/policies/startup.stk
OUT=$BUILD/bench
mkdir -p "$OUT"
BUNDLE=$OUT/startup.bundle
JSON=$OUT/startup.json

for tool in hyperfine jq; do
    command -v "$tool" >/dev/null || { echo "startup: $tool is not installed (make deps-bench)" >&2; exit 1; }
done
[ -x "$BUILD/stockade" ] && [ -x "$BUILD/stockade-exec" ] || { echo "startup: build first (make)" >&2; exit 1; }

# The small policy, compiled once (stockade-exec never compiles).
msg=$("$BUILD/stockade" compile --emit=bundle -o "$BUNDLE" "$POLICY" 2>&1) || { echo "$msg" >&2; exit 1; }
ISO=bench/policies/isolation.stk
ISO_ALL=bench/policies/isolation-all.stk
ISO_BUNDLE=$OUT/isolation.bundle
msg=$("$BUILD/stockade" compile --emit=bundle -o "$ISO_BUNDLE" "$ISO" 2>&1) || { echo "$msg" >&2; exit 1; }
BWRAP_ISO="bwrap --ro-bind / / --dev /dev --proc /proc --unshare-all"

TRUE=/bin/true
names=() cmds=() notes=()
add() { # name, command; kept only if it runs and exits 0 here
    local name=$1 cmd=$2 err
    if err=$(timeout 20 $cmd 2>&1 >/dev/null); then
        names+=("$name") cmds+=("$cmd")
    else
        notes+=("$name skipped: \`$cmd\` does not run here: $(printf '%s' "$err" | tail -n 1)")
    fi
}
add "bare" "$TRUE"
# References: one extra exec of a do-nothing static binary (the floor for any
# exec wrapper), and the stockade binary starting without doing anything.
if [ -x "$OUT/exec_floor" ]; then add "exec floor" "$OUT/exec_floor $TRUE"; fi
add "stockade -V" "$BUILD/stockade --version"
# run cold: compiles every time; run cached: the bundle from the run cache
# (cli/run_cache.h), in a directory of the benchmark's own, filled first
export STOCKADE_CACHE_DIR=$(cd "$OUT" && pwd)/run-cache
rm -rf "$STOCKADE_CACHE_DIR"
mkdir -m 1777 -p "$STOCKADE_CACHE_DIR"
add "run cold" "$BUILD/stockade run --no-cache $POLICY -- $TRUE"
"$BUILD/stockade" run "$POLICY" -- "$TRUE"
add "run cached" "$BUILD/stockade run $POLICY -- $TRUE"
add "stockade-exec" "$BUILD/stockade-exec $BUNDLE -- $TRUE"
if command -v bwrap >/dev/null; then add "bwrap" "bwrap --ro-bind / / $TRUE"; else notes+=("bwrap skipped: not installed"); fi
if command -v firejail >/dev/null; then add "firejail" "firejail --noprofile $TRUE"; else notes+=("firejail skipped: not installed"); fi
# isolation (the stockade rows need root: namespaces without a user namespace)
add "run isolation" "$BUILD/stockade run $ISO -- $TRUE"
add "exec isolation" "$BUILD/stockade-exec $ISO_BUNDLE -- $TRUE"
add "run iso+user" "$BUILD/stockade run $ISO_ALL -- $TRUE"
if command -v bwrap >/dev/null; then add "bwrap isolation" "$BWRAP_ISO $TRUE"; fi

args=()
for i in "${!names[@]}"; do args+=(-n "${names[$i]}" "${cmds[$i]}"); done
# -N: no intermediate shell, so bare /bin/true is really bare.
# (its warnings about outliers go to a log: this VM is rarely quiet)
if ! hyperfine -N --style none --warmup "$WARMUP" --runs "$RUNS" --export-json "$JSON" "${args[@]}" \
        >/dev/null 2>"$OUT/startup.hyperfine.log"; then
    cat "$OUT/startup.hyperfine.log" >&2
    exit 1
fi

echo "startup: median wall time of $RUNS runs each (hyperfine -N, $WARMUP warm-up runs), policy $POLICY"
bare=$(jq -r '.results[] | select(.command == "bare") | .median' "$JSON")
printf '%-15s %10s %10s %10s  %s\n' "command" "median ms" "mean ms" "vs bare" "command line"
for i in "${!names[@]}"; do
    n=${names[$i]}
    read -r med mean < <(jq -r --arg n "$n" '.results[] | select(.command == $n) | "\(.median) \(.mean)"' "$JSON")
    printf '%-15s %10.2f %10.2f %9.2fx  %s\n' "$n" "$(jq -n "$med * 1000")" "$(jq -n "$mean * 1000")" \
        "$(jq -n "$med / $bare")" "${cmds[$i]}"
done
floor=$(jq -r '.results[] | select(.command == "exec floor") | .median' "$JSON")
sexec=$(jq -r '.results[] | select(.command == "stockade-exec") | .median' "$JSON")
if [ -n "$floor" ] && [ -n "$sexec" ]; then
    printf 'one extra execve of a static binary costs %.2f ms here (%.2fx bare); stockade-exec adds %.2f ms on top\n' \
        "$(jq -n "($floor - $bare) * 1000")" "$(jq -n "$floor / $bare")" "$(jq -n "($sexec - $floor) * 1000")"
fi
cached=$(jq -r '.results[] | select(.command == "run cached") | .median' "$JSON")
if [ -n "$floor" ] && [ -n "$sexec" ] && [ -n "$cached" ]; then
    printf 'ratios (this run): stockade-exec / exec floor %.3f (target <= 1.15); run cached / stockade-exec %.3f (target <= 1.10)\n' \
        "$(jq -n "$sexec / $floor")" "$(jq -n "$cached / $sexec")"
fi
echo "targets (not asserted): stockade run <= 1.30x bare, stockade-exec <= 1.15x bare"
median() { jq -r --arg n "$1" '.results[] | select(.command == $n) | .median' "$JSON"; }
bw=$(median "bwrap isolation")
if [ -n "$bw" ]; then
    for n in "run isolation" "exec isolation" "run iso+user"; do
        m=$(median "$n")
        [ -n "$m" ] && printf 'isolation: %-15s %.2fx bwrap --unshare-all (median %.2f ms vs %.2f ms)\n' "$n" \
            "$(jq -n "$m / $bw")" "$(jq -n "$m * 1000")" "$(jq -n "$bw * 1000")"
    done
    if [ -x "$OUT/interleave" ] && [ -n "$(median "run isolation")" ]; then
        echo "isolation, interleaved (A B C A B C ..., $RUNS rounds): median / p25 / p75 ms"
        "$OUT/interleave" "$RUNS" "$WARMUP" "run=$BUILD/stockade run $ISO -- $TRUE" \
            "exec=$BUILD/stockade-exec $ISO_BUNDLE -- $TRUE" "run+user=$BUILD/stockade run $ISO_ALL -- $TRUE" \
            "bwrap=$(command -v bwrap) --ro-bind / / --dev /dev --proc /proc --unshare-all $TRUE" >"$OUT/interleave.txt"
        ibw=$(awk '$1 == "bwrap" { print $2 }' "$OUT/interleave.txt")
        while read -r n med p25 p75; do
            printf '  %-9s %8.2f %8.2f %8.2f  %.2fx bwrap\n' "$n" "$med" "$p25" "$p75" "$(jq -n "$med / $ibw")"
        done <"$OUT/interleave.txt"
    fi
    echo "target (not asserted): stockade run with isolation.stk <= 0.70x bwrap --unshare-all"
fi
for n in "${notes[@]+"${notes[@]}"}"; do echo "note: $n"; done
echo "raw results: $JSON"
