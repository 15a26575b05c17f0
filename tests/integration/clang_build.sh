#!/usr/bin/env bash
# Warnings are errors with gcc (the normal build) and with clang: build the
# whole tree with clang -Wall -Wextra -Werror into its own directory.
set -u
cd "$(dirname "$0")/../.."
if ! command -v clang >/dev/null; then echo "SKIP clang_build: clang is not installed"; exit 0; fi
log=$(mktemp)
if make --no-print-directory CC=clang BUILD="${STK_BUILD:-build}/clang" all > "$log" 2>&1; then
    echo "PASS clang_build_warning_free"
else
    echo "FAIL clang_build_warning_free: see below"; grep -E "error|warning" "$log" | head -20; rm -f "$log"; exit 1
fi
rm -f "$log"
