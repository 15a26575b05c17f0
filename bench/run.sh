#!/usr/bin/env bash
# run.sh — build the benchmarks into build/bench/ and run them all (`make bench`).
# Benchmarks measure and print; none of them asserts a target.
#   bpf_paths     filter length and executed instructions, stockade vs libseccomp
#   syscall_cost  ns per getppid() under each filter, cached and argument-checked
#   handover_cost what the exec hand-over (policies denying execveat) adds at start-up
#   reach_cost    µs of the ptrace isolation domain and the new session keyring
#   learn.sh      redis-benchmark under `stockade learn` and the learned policy vs bare
#   startup.sh    start-up time of stockade run / stockade-exec vs bare, bwrap, firejail;
#                 namespaces + filesystem view vs bwrap --unshare-all
#   interop.sh    crun run /bin/true: no seccomp vs the OCI JSON export vs the
#                 run.oci.seccomp_bpf_data annotation (interleaved)
#   services.sh   throughput of nginx, python3 http.server, memcached, haproxy confined by
#                 policies/services/ vs unconfined, interleaved rounds (SVC_BENCH_* below)
# Environment: STK_BUILD (default build), CC, SYSCALL_CALLS (1000000), SYSCALL_ROUNDS (7),
# STARTUP_RUNS (200), INTEROP_RUNS (200), SVC_BENCH_ROUNDS (7), SVC_BENCH_SECONDS (3),
# SVC_BENCH_ONLY (all four).
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD=${STK_BUILD:-build}
CC=${CC:-cc}
OUT=$BUILD/bench
PKGS="libseccomp libcap json-c"
mkdir -p "$OUT"
[ -f "$BUILD/libstockade.a" ] || { echo "bench: $BUILD/libstockade.a missing: run make first" >&2; exit 1; }

CFLAGS="-O2 -g -std=c17 -D_GNU_SOURCE -Wall -Wextra -Werror -Icommon -Icompiler -Ienforcer -Itests/unit -I$BUILD/gen $(pkg-config --cflags $PKGS)"
LIBS="$BUILD/libstockade.a $(pkg-config --libs $PKGS)"
for b in bpf_paths syscall_cost; do
    # shellcheck disable=SC2086
    $CC $CFLAGS -o "$OUT/$b" "bench/$b.c" tests/unit/lib/*.c $LIBS
done
$CC -O2 -static -o "$OUT/exec_floor" bench/exec_floor.c
$CC -O2 -std=c17 -D_GNU_SOURCE -Wall -Wextra -Werror -o "$OUT/interleave" bench/interleave.c
$CC -O2 -std=c17 -D_GNU_SOURCE -Wall -Wextra -Werror -static -pthread -o "$OUT/handover_cost" bench/handover_cost.c
$CC -O2 -std=c17 -D_GNU_SOURCE -Wall -Wextra -Werror -o "$OUT/reach_cost" bench/reach_cost.c

echo "== machine: $(nproc) CPU(s), kernel $(uname -r), $(date -u +%Y-%m-%dT%H:%MZ)"
echo
echo "== bench/bpf_paths"
"$OUT/bpf_paths" bench/policies
echo
echo "== bench/syscall_cost"
"$OUT/syscall_cost" "${SYSCALL_CALLS:-1000000}" "${SYSCALL_ROUNDS:-7}"
echo
echo "== bench/handover_cost"
"$OUT/handover_cost" 1000
echo "== bench/reach_cost"
"$OUT/reach_cost" 2000
echo
echo "== bench/startup.sh"
STK_BUILD=$BUILD bash bench/startup.sh "${STARTUP_RUNS:-200}"
echo
echo "== bench/interop.sh"
STK_BUILD=$BUILD bash bench/interop.sh "${INTEROP_RUNS:-200}"
echo "== bench/services.sh"
STK_BUILD=$BUILD bash bench/services.sh
echo
echo "== bench/learn.sh"
STK_BUILD=$BUILD bash bench/learn.sh
