#!/usr/bin/env bash
# fuzz_short.sh — every libFuzzer target (tests/fuzz/fuzz_*.c) for a short,
# bounded time as part of `make check`: FUZZ_SECONDS each (default 30), run
# side by side.  Prints the PASS/FAIL/SKIP lines of tests/fuzz/run-fuzz.sh;
# a crash names its reproducer under build/fuzz/artifacts/.
set -u
cd "$(dirname "$0")/../.." || exit 1
exec bash tests/fuzz/run-fuzz.sh "${FUZZ_SECONDS:-30}"
