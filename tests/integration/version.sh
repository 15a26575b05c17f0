#!/usr/bin/env bash
# version.sh — `stockade --version` and `stockade-exec --version` (issue 17):
# the version (one definition, named in CHANGELOG.md), the bundle format, the
# libseccomp in use, the kernel features probed at run time; fast, and exit 0
# even when every probe is refused.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh
B=${STK_BUILD:-build}
S=$B/stockade X=$B/stockade-exec
itest_tmp
[ -x "$S" ] && [ -x "$X" ] || { fail version "$S or $X not built"; exit 1; }

ver=$(sed -n 's/^#define STK_VERSION "\(.*\)"$/\1/p' common/version.h)
fmtv=$(sed -n 's/^#define STK_BUNDLE_VERSION \([0-9]*\)u$/\1/p' common/bundle_format.h)
[ -n "$ver" ] && [ -n "$fmtv" ] || fail version_sources "no STK_VERSION or STK_BUNDLE_VERSION"

start=$(date +%s%N)
out=$("$S" --version); rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
if [ $rc -eq 0 ] && [ "$(head -1 <<<"$out")" = "stockade $ver" ] && has "$out" "bundle format: $fmtv" &&
    has "$out" "seccomp actions: kill-process" && has "$out" " allow" && grep -q '^landlock: \(ABI [0-9]\+\|unavailable\)$' <<<"$out" &&
    grep -q '^seccomp user notification: \(yes\|no\)$' <<<"$out" && has "$out" "kernel: Linux $(uname -r)"; then
    pass version_stockade
else fail version_stockade "rc=$rc $out"; fi
[ $ms -lt 500 ] && pass version_fast || fail version_fast "${ms} ms"
lib=$(pkg-config --modversion libseccomp 2>/dev/null)
if [ -n "$lib" ]; then
    has "$out" "libseccomp: " && has "$out" "(built with $lib)" && pass version_libseccomp || fail version_libseccomp "$out"
else skip version_libseccomp "pkg-config knows no libseccomp"; fi
[ "$("$S" version)" = "$out" ] && pass version_subcommand || fail version_subcommand "differs"
# the Landlock ABI the kernel reports, asked independently
abi=$([ "$(uname -m)" = x86_64 ] && python3 -c 'import ctypes; l = ctypes.CDLL(None, use_errno=True); print(max(l.syscall(444, None, 0, 1), 0))' 2>/dev/null)
if [ -n "$abi" ]; then
    if [ "$abi" -gt 0 ]; then want="landlock: ABI $abi"; else want="landlock: unavailable"; fi
    has "$out" "$want" && pass version_landlock_abi || fail version_landlock_abi "want '$want': $out"
fi

out=$("$X" --version); rc=$?
if [ $rc -eq 0 ] && [ "$(head -1 <<<"$out")" = "stockade-exec $ver" ] && has "$out" "bundle format: $fmtv" &&
    has "$out" "seccomp actions: kill-process" && ! has "$out" "libseccomp"; then pass version_stockade_exec
else fail version_stockade_exec "rc=$rc $out"; fi

# every probe refused: still exit 0, the features read as unavailable
printf 'policy p {\n    seccomp {\n        default allow\n        errno EPERM seccomp, landlock_create_ruleset, uname\n    }\n}\n' >"$T/deny.stk"
for prog in "$S" "$X"; do
    out=$("$S" run "$T/deny.stk" -- "$prog" --version 2>&1); rc=$?
    if [ $rc -eq 0 ] && has "$out" "kernel: unknown" && has "$out" "seccomp actions: none (seccomp unavailable)" &&
        has "$out" "seccomp user notification: no" && has "$out" "landlock: unavailable"; then
        pass "version_probes_refused_$(basename "$prog")"
    else fail "version_probes_refused_$(basename "$prog")" "rc=$rc $out"; fi
done

# the version is one the changelog describes
grep -q "^## \[Unreleased\]" CHANGELOG.md && grep -q "$ver" CHANGELOG.md && grep -q "^## \[0.1.0\] - " CHANGELOG.md &&
    pass version_in_changelog || fail version_in_changelog "CHANGELOG.md does not name $ver"
[ $fails -eq 0 ]
