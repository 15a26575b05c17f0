#!/usr/bin/env bash
# run-fuzz.sh SECONDS — build every tests/fuzz/fuzz_*.c as a libFuzzer target
# (clang, -fsanitize=fuzzer,address,undefined) against the project's sources,
# seed each from its corpus, run each for SECONDS, and print
#     PASS fuzz_NAME                       (no crash in SECONDS)
#     FAIL fuzz_NAME: crash, see LOG      (the reproducer is named in LOG)
#     SKIP fuzz_NAME: reason
# Exit status: non-zero if any target failed (to build or by crashing).
#
# Seeds: tests/fuzz/corpus/NAME/* if that directory exists, plus for
#   fuzz_parser  the shipped policies (policies/*.stk, policies/examples/*.stk)
#   fuzz_bundle  bundles compiled from the shipped policies (needs build/stockade)
#   fuzz_report  audit records and socket addresses (tests/fuzz/corpus/fuzz_report)
# Everything built or found goes under ${STK_BUILD:-build}/fuzz/:
#   obj/ objects, bin/ fuzzers, corpus/NAME (grows across runs), logs/NAME.log,
#   artifacts/NAME-crash-... (reproducers: run bin/fuzz_NAME FILE to replay).
# Targets run side by side (one per CPU), so the wall time stays near SECONDS.
set -u
cd "$(dirname "$0")/../.." || exit 1
secs=${1:-${FUZZ_SECONDS:-30}}
B=${STK_BUILD:-build}
CLANG=${STK_CC_CLANG:-clang}
F=$B/fuzz
mkdir -p "$F/obj" "$F/bin" "$F/corpus" "$F/logs" "$F/artifacts" "$F/seeds"

targets=$(ls tests/fuzz/fuzz_*.c 2>/dev/null)
if [ -z "$targets" ]; then
    echo "SKIP fuzz: no tests/fuzz/fuzz_*.c"
    exit 0
fi
skip_all() {
    for t in $targets; do echo "SKIP $(basename "$t" .c): $1"; done
    exit 0
}
command -v "$CLANG" >/dev/null || skip_all "$CLANG not installed"
# libFuzzer ships with clang; check that it links.
probe=$F/obj/probe
printf '#include <stdint.h>\n#include <stddef.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }\n' >"$probe.c"
"$CLANG" -fsanitize=fuzzer,address,undefined -o "$probe" "$probe.c" 2>"$probe.log" ||
    skip_all "$CLANG cannot link libFuzzer ($(head -1 "$probe.log"))"

# The generated sources (grammar, tables) come from the normal build.
GEN=$B/gen
GEN_SRC="$GEN/parser.c $GEN/lexer.c $GEN/syscall_table.c $GEN/consts_table.c $GEN/sigs_table.c $GEN/embedded_policies.c"
# shellcheck disable=SC2086
if ! make --no-print-directory -s BUILD="$B" $GEN_SRC >"$F/logs/make.log" 2>&1; then
    for t in $targets; do echo "FAIL $(basename "$t" .c): cannot generate sources, see $F/logs/make.log"; done
    exit 1
fi

PKGS="libseccomp libcap json-c libselinux libapparmor yaml-0.1"
# shellcheck disable=SC2046
CFLAGS="-g -O1 -std=c17 -D_GNU_SOURCE -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined
        -fno-sanitize-recover=undefined -Wall -Wextra -Wno-unused-function -Wno-sign-compare
        -Icommon -Icompiler -Ienforcer -I$GEN $(pkg-config --cflags $PKGS 2>/dev/null)"
LIBS=$(pkg-config --libs $PKGS 2>/dev/null)
export CLANG CFLAGS F GEN

# Library objects: every common/, compiler/, enforcer/ and cli/ source but the two mains, and the generated ones.
lib_src=""
for s in common/*.c compiler/*.c compiler/*/*.c enforcer/*.c enforcer/*/*.c cli/*.c; do
    case $s in cli/main.c | enforcer/exec_main.c) ;; *) lib_src="$lib_src $s" ;; esac
done
compile_one() { # SRC -> $F/obj/<path with / as _>.o, only when out of date
    local src=$1 obj
    obj=$F/obj/$(tr '/' '_' <<<"${src%.c}").o
    if [ ! -f "$obj" ] || [ "$src" -nt "$obj" ] || [ -n "$(find common compiler enforcer cli "$GEN" -maxdepth 2 -name '*.h' -newer "$obj" 2>/dev/null | head -1)" ]; then
        # shellcheck disable=SC2086
        "$CLANG" $CFLAGS -c -o "$obj.tmp" "$src" 2>"$obj.log" && mv "$obj.tmp" "$obj" || { cat "$obj.log"; return 1; }
    fi
    echo "$obj"
}
export -f compile_one
ncpu=$(nproc 2>/dev/null || echo 2)
# shellcheck disable=SC2086
printf '%s\n' $lib_src $GEN_SRC | xargs -P "$ncpu" -I{} bash -c 'compile_one "$1" >/dev/null' _ {} >"$F/logs/build.log" 2>&1
build_ok=$?
lib_obj=""
for s in $lib_src $GEN_SRC; do lib_obj="$lib_obj $F/obj/$(tr '/' '_' <<<"${s%.c}").o"; done
if [ "$build_ok" -ne 0 ]; then
    for t in $targets; do echo "FAIL $(basename "$t" .c): the library does not build with $CLANG, see $F/logs/build.log"; done
    exit 1
fi

# Seeds.
seed_dir() { # NAME -> a fresh directory of seeds for it
    local name=$1 d=$F/seeds/$1
    rm -rf "$d"; mkdir -p "$d"
    [ -d "tests/fuzz/corpus/$name" ] && cp -r "tests/fuzz/corpus/$name/." "$d/" 2>/dev/null
    case $name in
    fuzz_parser)
        for p in policies/*.stk policies/examples/*.stk; do [ -f "$p" ] && cp "$p" "$d/$(tr '/' '_' <<<"$p")"; done
        # small hand-written ones reaching the odd corners quickly
        printf 'group @a { read, write }\npolicy p {\n  seccomp {\n    default errno EPERM\n    allow @a\n    allow mmap if (prot & PROT_EXEC) == 0\n    allow socket if domain not in (AF_UNIX, 2)\n    kill kill; allow seccomp\n  }\n}\n' >"$d/seed_rules.stk"
        printf 'policy base { user a; umask 027; rlimit nofile 1K unlimited; env { clear; keep PATH; set A="x\\ty" } }\npolicy p extends base {\n  capabilities { keep net_bind_service, CAP_SETUID }\n  no_new_privs off\n}\n' >"$d/seed_attrs.stk"
        printf 'include "groups.stk"\npolicy p {\n  seccomp {\n    default kill\n    arch x86_64, i386\n    allow @system-service\n    errno 13 ptrace if arg0 >= 0x10 && !(arg1 == 0b1)\n  }\n}\n' >"$d/seed_include.stk"
        ;;
    fuzz_bundle)
        if [ -x "$B/stockade" ]; then
            # the shipped policies and the parser's hand-written shapes that compile
            for p in policies/*.stk policies/examples/*.stk tests/fuzz/corpus/fuzz_parser/*.stk; do
                "$B/stockade" compile "$p" -o "$d/$(basename "$p" .stk).bundle" >/dev/null 2>&1 || true
            done
        fi
        ;;
    esac
    [ -n "$(ls -A "$d")" ] || printf 'x' >"$d/empty-seed"
    echo "$d"
}

# Build and start every target.
fail=0
declare -A pid log bin
for t in $targets; do
    name=$(basename "$t" .c)
    bin[$name]=$F/bin/$name
    log[$name]=$F/logs/$name.log
    # shellcheck disable=SC2086
    if ! "$CLANG" $CFLAGS -fsanitize=fuzzer -o "${bin[$name]}" "$t" $lib_obj $LIBS >"${log[$name]}" 2>&1; then
        echo "FAIL $name: does not build, see ${log[$name]}"
        fail=1
        unset "bin[$name]"
        continue
    fi
    seeds=$(seed_dir "$name")
    mkdir -p "$F/corpus/$name"
    # No terminal and no stdin for the target: nothing it opens can block on them.
    dict=()
    [ -f "tests/fuzz/$name.dict" ] && dict=(-dict="tests/fuzz/$name.dict")
    setsid "${bin[$name]}" "$F/corpus/$name" "$seeds" "${dict[@]}" \
        -max_total_time="$secs" -timeout=20 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$F/artifacts/$name-" \
        </dev/null >"${log[$name]}" 2>&1 &
    pid[$name]=$!
done

for name in "${!pid[@]}"; do
    wait "${pid[$name]}"
    rc=$?
    crash=$(grep -a -m1 -oE "Test unit written to [^ ]+" "${log[$name]}" | sed 's/Test unit written to //')
    if [ "$rc" -eq 0 ] && [ -z "$crash" ]; then
        runs=$(grep -a -m1 -oE 'stat::number_of_executed_units: *[0-9]+' "${log[$name]}" | grep -oE '[0-9]+$')
        echo "PASS $name"
        echo "  $name: ${runs:-?} runs in ${secs}s, corpus $F/corpus/$name"
    else
        what=$(grep -a -m1 -E 'ERROR: (AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|libFuzzer)|runtime error:|SUMMARY:' "${log[$name]}" | head -c 200)
        echo "FAIL $name: crash (exit $rc: ${what:-see log}), see ${log[$name]}${crash:+; reproducer $crash (replay: ${bin[$name]} $crash)}"
        fail=1
    fi
done
exit $fail
