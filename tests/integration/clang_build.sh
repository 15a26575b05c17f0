#!/usr/bin/env bash
# Warnings are errors with gcc (the normal build) and with clang: build the
# whole tree with clang -Wall -Wextra -Werror into its own directory.
set -u
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
if ! command -v clang >/dev/null; then skip clang_build "clang is not installed"; exit 0; fi
itest_tmp
if make --no-print-directory CC=clang BUILD="${STK_BUILD:-build}/clang" all > "$T/log" 2>&1; then
    pass clang_build_warning_free
else
    fail clang_build_warning_free "see below"; grep -E "error|warning" "$T/log" | head -20
fi
[ "$fails" -eq 0 ]
