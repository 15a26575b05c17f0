#!/usr/bin/env bash
# package.sh — the Debian package (debian/, docs/install.md): built with
# dpkg-buildpackage from the tree of HEAD (git archive: what is committed,
# in a scratch directory), lintian-clean (the overrides in
# debian/stockade.lintian-overrides are the documented exceptions), installed
# with dpkg -i, the demo path run from the installed programs (check and run
# of an installed example, compile + stockade-exec, man stockade, the
# completion), then purged: nothing of it may be left behind.
#   This installs a package into the machine: it runs only as root, only when
# no stockade package is installed already (that one is never touched), and
# the trap purges what it installed, failure or not.  Runs of this test are
# serialised with flock (another checkout's make check on the same machine).
set -u
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
TOP=$(pwd)
if ! command -v dpkg-buildpackage >/dev/null; then skip package "dpkg-buildpackage is not installed (make deps-test installs dpkg-dev)"; exit 0; fi
if ! command -v dh >/dev/null; then skip package "debhelper is not installed (make deps-test installs it)"; exit 0; fi
if [ "$(id -u)" -ne 0 ]; then skip package "installing the package needs root"; exit 0; fi
if ! git rev-parse --verify -q HEAD >/dev/null 2>&1; then skip package "not a git checkout: the package is built from HEAD"; exit 0; fi

itest_tmp
installed_by_us=0
cleanup() {
    if [ "$installed_by_us" = 1 ]; then dpkg --purge stockade >/dev/null 2>&1; fi
    rm -rf "$T"
}
trap cleanup EXIT
# Serialise with other runs (dpkg's own locks are fcntl locks on files inside
# /var/lib/dpkg; this flock on the directory is independent of them).
exec 9</var/lib/dpkg
if ! flock -w 900 9; then fail package_lock "another run held the lock for 15 minutes"; exit 1; fi
st=$(dpkg-query -W -f='${db:Status-Status}' stockade 2>/dev/null)
if [ -n "$st" ] && [ "$st" != not-installed ]; then
    skip package "a stockade package is already on this machine (status: $st); not touching it"
    exit 0
fi

# ---- build from HEAD -------------------------------------------------------------------------
mkdir "$T/src"
git archive HEAD | tar -x -C "$T/src"
if (cd "$T/src" && DEB_BUILD_OPTIONS="nocheck parallel=2" dpkg-buildpackage -us -uc -b) >"$T/build.log" 2>&1; then
    pass package_builds
else
    fail package_builds "dpkg-buildpackage failed:"; tail -25 "$T/build.log"; exit 1
fi
ver=$(cd "$T/src" && dpkg-parsechangelog -S Version)
arch=$(dpkg --print-architecture)
DEB=$T/stockade_${ver}_${arch}.deb
[ -f "$DEB" ] && pass package_deb_file || { fail package_deb_file "no $DEB: $(ls "$T")"; exit 1; }
# The build did not run the test suite, and used the distribution flags.
if grep -q 'run-tests.sh' "$T/build.log"; then fail package_no_check "debian/rules ran the test suite"; else pass package_no_check; fi
if grep -E -- ' -c -o build/obj/' "$T/build.log" | grep -qv -- '-D_FORTIFY_SOURCE=2'; then
    fail package_build_flags "a compile without dpkg-buildflags' CPPFLAGS"
else
    pass package_build_flags
fi
if grep -E -- '-o build/stockade-exec ' "$T/build.log" | grep -q -- '-z,relro'; then pass package_exec_ldflags
else fail package_exec_ldflags "the static stockade-exec was linked without LDFLAGS"; fi

if command -v lintian >/dev/null; then
    lintian --pedantic --no-tag-display-limit "$DEB" >"$T/lintian" 2>&1
    tags=$(grep -E '^[EWI]: ' "$T/lintian")
    if [ -z "$(grep -E '^[EW]: ' <<<"$tags")" ]; then pass package_lintian_clean; else fail package_lintian_clean "$tags"; fi
else
    skip package_lintian_clean "lintian is not installed"
fi

# ---- install, use ---------------------------------------------------------------------------
installed_by_us=1
if dpkg -i "$DEB" >"$T/install.log" 2>&1; then pass package_installs; else fail package_installs "$(tail -10 "$T/install.log")"; exit 1; fi
files=$(dpkg -L stockade)
missing=""
for f in /usr/bin/stockade /usr/bin/stockade-exec /usr/share/stockade/policies/groups.stk \
         /usr/share/stockade/policies/examples/web.stk /usr/share/man/man1/stockade.1.gz \
         /usr/share/bash-completion/completions/stockade /usr/share/zsh/vendor-completions/_stockade \
         /usr/share/vim/vimfiles/syntax/stk.vim; do
    grep -qx "$f" <<<"$files" && [ -f "$f" ] || missing="$missing $f"
done
if [ -z "$missing" ]; then pass package_contents; else fail package_contents "not installed:$missing"; fi
mkdir "$T/work"
cd "$T/work" || exit 1
S=/usr/bin/stockade
v=$("$S" --version 2>&1)
if has "$v" "$ver"; then pass package_version; else fail package_version "'$v' does not name the package version $ver (debian/changelog)"; fi
if "$S" check /usr/share/stockade/policies/examples/*.stk >"$T/check" 2>&1; then pass package_check_examples
else fail package_check_examples "$(head -5 "$T/check")"; fi
out=$("$S" run /usr/share/stockade/policies/examples/sandbox.stk -- echo confined-hello 2>&1); rc=$?
if [ "$rc" -eq 0 ] && [ "$out" = confined-hello ]; then pass package_run_example; else fail package_run_example "rc=$rc: $out"; fi
if "$S" compile -o web.bundle /usr/share/stockade/policies/examples/web.stk 2>"$T/err" &&
   out=$(/usr/bin/stockade-exec web.bundle -- echo exec-hello 2>&1) && [ "$out" = exec-hello ]; then
    pass package_exec_bundle
else
    fail package_exec_bundle "$(cat "$T/err") $out"
fi
# A policy of the user's, outside the library, with the library include.
printf 'include "groups.stk"\npolicy mine extends sandbox { }\ninclude "examples/sandbox.stk"\n' >mine.stk
if "$S" check mine.stk >"$T/err" 2>&1; then pass package_library_include; else fail package_library_include "$(head -3 "$T/err")"; fi
page=$(MANPAGER=cat MANWIDTH=80 man stockade 2>&1)
if has "$page" "stockade-exec" && has "$page" "/usr/share/stockade/policies"; then pass package_man_renders
else fail package_man_renders "$(head -5 <<<"$page")"; fi
page5=$(MANPAGER=cat man 5 stockade.stk 2>&1)
if has "$page5" "include"; then pass package_man5_renders; else fail package_man5_renders "$(head -5 <<<"$page5")"; fi
comp=$(bash -c '. /usr/share/bash-completion/completions/stockade; COMP_WORDS=(stockade co); COMP_CWORD=1; _stockade; echo "${COMPREPLY[*]}"')
if [ "$comp" = compile ]; then pass package_bash_completion; else fail package_bash_completion "got '$comp'"; fi
cd "$TOP" || exit 1

# ---- purge: nothing left --------------------------------------------------------------------
if dpkg --purge stockade >"$T/purge.log" 2>&1; then pass package_purges; else fail package_purges "$(tail -5 "$T/purge.log")"; fi
installed_by_us=0
if dpkg -L stockade >/dev/null 2>&1; then fail package_purged_from_db "dpkg -L still lists it"; else pass package_purged_from_db; fi
left=""
while IFS= read -r f; do
    [ -z "$f" ] && continue
    # shared directories (/usr/bin, /usr/share/man/man1, ...) stay; files and
    # the package's own directories go
    if [ -d "$f" ]; then
        case $f in /usr/share/stockade*|/usr/share/doc/stockade*) left="$left $f" ;; esac
    elif [ -e "$f" ] || [ -L "$f" ]; then
        left="$left $f"
    fi
done <<<"$files"
[ -e /etc/stockade ] && left="$left /etc/stockade"
if [ -z "$left" ]; then pass package_nothing_left; else fail package_nothing_left "left:$left"; fi
[ "$fails" -eq 0 ]
