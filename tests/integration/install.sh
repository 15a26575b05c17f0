#!/usr/bin/env bash
# install.sh — make install / make uninstall, the distribution build flags,
# the policy library directories compiled into stockade, and the shell and
# editor files installed with it (docs/install.md).
#   flags_*       a build with the distribution hardening flags (CPPFLAGS
#                 -D_FORTIFY_SOURCE=2, CFLAGS -fstack-protector-strong,
#                 LDFLAGS -Wl,-z,relro) carries them into every object and
#                 both programs, the static stockade-exec included;
#   layout_*      make install DESTDIR=... PREFIX=/usr lays out exactly the
#                 documented files; make uninstall removes every one;
#   installed_*   the installed programs work from another directory;
#   libdir_*      the include search: -I, then SYSCONFDIR/stockade/policies,
#                 then DATADIR/stockade/policies, then the built-in copies;
#   bash_*, zsh_* the completion scripts' candidates; vim_* the syntax files.
# All in a scratch build directory (one compile, with the flags); nothing
# outside it is touched.
set -u
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
itest_tmp
B=$T/build R=$T/root
# The probe symbol proves LDFLAGS reached each link line.
HFLAGS=(CFLAGS="-O2 -g -fstack-protector-strong" CPPFLAGS="-D_FORTIFY_SOURCE=2"
        LDFLAGS="-Wl,-z,relro -Wl,--defsym=stk_ldflags_probe=0")
mk() { make --no-print-directory -j2 BUILD="$B" "${HFLAGS[@]}" "$@"; }

if ! mk PREFIX=/usr install DESTDIR="$R" >"$T/build.log" 2>&1; then
    fail install_build "make install failed:"; tail -20 "$T/build.log"; exit 1
fi
pass install_build

# ---- flags ----------------------------------------------------------------------------------
# Every compile and link command of the programs carries the flags.
cmds=$(make -s -n -B BUILD="$B" "${HFLAGS[@]}" PREFIX=/usr all 2>/dev/null | grep -E '^(cc|gcc|clang|\$\(CC\)|[^ ]*cc) ')
ncc=$(grep -c -- ' -c ' <<<"$cmds")
nmiss=$(grep -- ' -c ' <<<"$cmds" | grep -vc -- '-D_FORTIFY_SOURCE=2 .*-fstack-protector-strong')
if [ "$ncc" -gt 50 ] && [ "$nmiss" -eq 0 ]; then pass flags_every_compile; else fail flags_every_compile "$nmiss of $ncc compiles lack CPPFLAGS/CFLAGS"; fi
for prog in stockade stockade-exec; do
    link=$(grep -E -- "-o $B/$prog( |$)" <<<"$cmds")
    if has "$link" "--defsym=stk_ldflags_probe=0" && has "$link" "-z,relro"; then pass "flags_link_cmd_$prog"
    else fail "flags_link_cmd_$prog" "LDFLAGS not on the link line: $link"; fi
    if nm "$B/$prog" 2>/dev/null | grep -q ' stk_ldflags_probe$'; then pass "flags_ldflags_took_$prog"
    else fail "flags_ldflags_took_$prog" "the probe symbol from LDFLAGS is not in $B/$prog"; fi
    if readelf -lW "$B/$prog" | grep -q GNU_RELRO; then pass "flags_relro_$prog"; else fail "flags_relro_$prog" "no GNU_RELRO segment"; fi
done
# Fortified calls and the stack protector reached the compiler's and the
# enforcer's objects (the static program is linked from the latter).
for layer in compiler enforcer; do
    und=$(nm -u "$B"/obj/$layer/*.o "$B"/obj/$layer/*/*.o 2>/dev/null)
    if grep -q '__stack_chk_fail' <<<"$und"; then pass "flags_stack_protector_$layer"
    else fail "flags_stack_protector_$layer" "no object calls __stack_chk_fail"; fi
    if grep -qE '__[a-z_]+_chk$' <<<"$(grep -v __stack_chk <<<"$und")"; then pass "flags_fortify_$layer"
    else fail "flags_fortify_$layer" "no fortified (_chk) call in the objects"; fi
done
if readelf -dW "$B/stockade" | grep -q BIND_NOW; then pass flags_bind_now; else fail flags_bind_now "stockade lost -z now"; fi
if readelf -dW "$B/stockade-exec" 2>/dev/null | grep -q NEEDED; then fail flags_exec_static "stockade-exec is dynamic"
else pass flags_exec_static; fi
# (devscripts' hardening-check would say the same from the binaries; the checks
# above read the objects themselves, so the large devscripts is not needed)

# ---- layout ----------------------------------------------------------------------------------
expected="/usr/bin/stockade
/usr/bin/stockade-exec
/usr/share/bash-completion/completions/stockade
/usr/share/man/man1/stockade-exec.1
/usr/share/man/man1/stockade.1
/usr/share/man/man5/stockade.stk.5
$(for f in policies/*.stk; do echo "/usr/share/stockade/policies/${f##*/}"; done)
$(for f in policies/examples/*.stk; do echo "/usr/share/stockade/policies/examples/${f##*/}"; done)
$(for f in policies/services/*.stk; do echo "/usr/share/stockade/policies/services/${f##*/}"; done)
/usr/share/vim/vimfiles/ftdetect/stk.vim
/usr/share/vim/vimfiles/ftplugin/stk.vim
/usr/share/vim/vimfiles/syntax/stk.vim
/usr/share/zsh/site-functions/_stockade"
got=$(cd "$R" && find . -type f | sed 's|^\.||' | LC_ALL=C sort)
expected=$(LC_ALL=C sort <<<"$expected")
if [ "$got" = "$expected" ]; then pass layout_files; else fail layout_files "$(diff <(echo "$expected") <(echo "$got"))"; fi
listed=$(make -s --no-print-directory BUILD="$B" PREFIX=/usr install-list | LC_ALL=C sort)
if [ "$listed" = "$expected" ]; then pass layout_install_list; else fail layout_install_list "$(diff <(echo "$expected") <(echo "$listed"))"; fi
modes=$(stat -c '%a %n' "$R/usr/bin/stockade" "$R/usr/bin/stockade-exec" "$R/usr/share/stockade/policies/groups.stk" | awk '{print $1}' | tr '\n' ' ')
if [ "$modes" = "755 755 644 " ]; then pass layout_modes; else fail layout_modes "$modes"; fi
if cmp -s policies/groups.stk "$R/usr/share/stockade/policies/groups.stk"; then pass layout_library_content; else fail layout_library_content "groups.stk differs"; fi
if grep -q '^\.TH "*stockade"* "*1' "$R/usr/share/man/man1/stockade.1" && has "$(cat "$R/usr/share/man/man1/stockade.1")" "/usr/share/stockade/policies/examples" && has "$(cat "$R/usr/share/man/man5/stockade.stk.5")" "/etc/stockade/policies"; then
    pass layout_man_rendered
else
    fail layout_man_rendered "stockade.1 is not a rendered page naming the library directory"
fi

# ---- the installed programs, run from elsewhere -------------------------------------------------
mkdir "$T/elsewhere"
bad=""
for f in "$R"/usr/share/stockade/policies/examples/*.stk "$R"/usr/share/stockade/policies/services/*.stk; do
    (cd "$T/elsewhere" && "$R/usr/bin/stockade" check "$f" >/dev/null 2>"$T/err") || bad="$bad ${f##*/}: $(head -3 "$T/err")"
done
if [ -z "$bad" ]; then pass installed_examples_check; else fail installed_examples_check "$bad"; fi
(cd "$T/elsewhere" && "$R/usr/bin/stockade" compile -o ex.bundle "$R/usr/share/stockade/policies/examples/web.stk" 2>"$T/err") &&
    "$R/usr/bin/stockade-exec" --dry-run "$T/elsewhere/ex.bundle" -- true >/dev/null 2>&1 &&
    pass installed_compile_exec_dry_run || fail installed_compile_exec_dry_run "$(cat "$T/err")"
# The shipped policy tests (stockade test) pass where they are installed.
tfiles=$(ls "$R"/usr/share/stockade/policies/*.test.stk "$R"/usr/share/stockade/policies/examples/*.test.stk \
    "$R"/usr/share/stockade/policies/services/*.test.stk 2>/dev/null)
if [ -z "$tfiles" ]; then
    skip installed_policy_tests "no *.test.stk files are shipped"
elif (cd "$T/elsewhere" && "$R/usr/bin/stockade" test $tfiles >"$T/out" 2>&1); then
    pass installed_policy_tests
else
    fail installed_policy_tests "$(grep -v PASS "$T/out" | head -5)"
fi
# An example copied out of the library to be adapted still finds its include.
cp "$R/usr/share/stockade/policies/examples/web.stk" "$T/elsewhere/my-web.stk"
(cd "$T/elsewhere" && "$R/usr/bin/stockade" check my-web.stk >/dev/null 2>"$T/err") &&
    pass installed_example_copied || fail installed_example_copied "$(head -3 "$T/err")"
# The examples no longer name ../groups.stk (include-missing once installed).
if grep -l '\.\./' policies/examples/*.stk >/dev/null 2>&1; then fail installed_no_relative_include "$(grep -l '\.\./' policies/examples/*.stk)"
else pass installed_no_relative_include; fi

# ---- the library directories (a prefix the binary really looks in) -----------------------------
P=$T/prefix
if ! mk PREFIX="$P" install >"$T/build2.log" 2>&1; then
    fail libdir_install "make install PREFIX=$P failed"; tail -20 "$T/build2.log"
else
    STK=$P/bin/stockade
    lib=$P/share/stockade/policies site=$P/etc/stockade/policies
    mkdir -p "$site" "$T/inc"
    # A group only the installed groups.stk defines: found only if that file is read.
    echo 'group @probe-shipped { getpid }' >>"$lib/groups.stk"
    printf 'include "groups.stk"\npolicy p { seccomp { default kill\n allow @probe-shipped, @default, exit_group } }\n' >"$T/elsewhere/a.stk"
    if (cd "$T/elsewhere" && "$STK" check a.stk >/dev/null 2>"$T/err"); then pass libdir_shipped_before_builtin
    else fail libdir_shipped_before_builtin "$(head -3 "$T/err")"; fi
    # The site directory comes before the shipped one, -I before both.
    echo 'group @probe-who { getpid }' >"$lib/who.stk"
    echo 'group @probe-who { getppid }' >"$site/who.stk"
    echo 'group @probe-who { getuid }' >"$T/inc/who.stk"
    printf 'include "who.stk"\npolicy p { seccomp { default errno EPERM\n allow @probe-who } }\n' >"$T/elsewhere/b.stk"
    sim() { (cd "$T/elsewhere" && "$STK" sim "$@" 2>&1); }
    if has "$(sim b.stk getppid)" allow && ! has "$(sim b.stk getpid)" allow; then pass libdir_site_before_shipped
    else fail libdir_site_before_shipped "$(sim b.stk getppid) / $(sim b.stk getpid)"; fi
    if has "$(sim -I "$T/inc" b.stk getuid)" allow && ! has "$(sim -I "$T/inc" b.stk getppid)" allow; then pass libdir_I_first
    else fail libdir_I_first "$(sim -I "$T/inc" b.stk getuid)"; fi
    rm -f "$site/who.stk"
    if has "$(sim b.stk getpid)" allow; then pass libdir_shipped_dir; else fail libdir_shipped_dir "$(sim b.stk getpid)"; fi
    rm -f "$lib/who.stk"
    if has "$(sim b.stk getpid)" include-missing; then pass libdir_missing_reported; else fail libdir_missing_reported "$(sim b.stk getpid)"; fi
    rm -rf "$site"
    mk PREFIX="$P" uninstall >/dev/null 2>&1
    left=$(find "$P" -type f)
    if [ -z "$left" ]; then pass libdir_uninstall; else fail libdir_uninstall "left: $left"; fi
fi

# ---- completion ----------------------------------------------------------------------------------
BC=$R/usr/share/bash-completion/completions/stockade
printf 'policy alpha { no_new_privs }\npolicy beta-2 extends alpha { }\n' >"$T/elsewhere/two.stk"
# cands WORD...: the candidates bash offers for the last word.
cands() {
    PATH="$R/usr/bin:$PATH" bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
        COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}; _stockade; printf "%s\n" "${COMPREPLY[@]}" | LC_ALL=C sort | tr "\n" " "' \
        _ "$BC" "$@"
}
reg=$(bash -c '. "$1"; complete -p stockade; complete -p stockade-exec' _ "$BC" 2>&1)
if has "$reg" "complete -o filenames -F _stockade stockade" && has "$reg" "-F _stockade_exec stockade-exec"; then pass bash_registered
else fail bash_registered "$reg"; fi
bcheck() { local name=$1 want=$2; shift 2; local got; got=$(cd "$T/elsewhere" && cands "$@")
    if [ "$got" = "$want" ]; then pass "bash_$name"; else fail "bash_$name" "stockade ${*:2}: got '$got', want '$want'"; fi; }
bcheck commands_c "check compile " stockade c
bcheck commands_s "score show-default sim " stockade s
bcheck check_format "--format= " stockade check --f
bcheck format_values "--format=json --format=sarif --format=text " stockade check --format=
bcheck emit_values "--emit=bpf --emit=bundle " stockade compile --emit=b
bcheck run_report "--report --report= " stockade run --rep
bcheck policy_names "alpha beta-2 " stockade compile two.stk --policy ""
bcheck policy_names_eq "--policy=beta-2 " stockade sim two.stk --policy=b
bcheck stk_files "two.stk " stockade check t
bcheck sim_syscalls "openat openat2 " stockade sim two.stk openat
bcheck sim_arch "--arch=aarch64 --arch=arm " stockade sim --arch=a
bcheck help_topic "run " stockade help r
bcheck show_default "groups " stockade show-default ""
bcheck after_dashdash "truncate " stockade run two.stk -- trunc

# zsh: parse, then the candidates with compadd and friends stubbed.
ZC=$R/usr/share/zsh/site-functions/_stockade
if ! command -v zsh >/dev/null; then
    skip zsh_completion "zsh is not installed (make deps-test installs it)"
else
    if zsh -n "$ZC" 2>"$T/err"; then pass zsh_parses; else fail zsh_parses "$(cat "$T/err")"; fi
    # zc WORD...: what _stockade passes to compadd for the last word (those
    # that match what is typed, as compadd would keep; after --opt=, the value)
    zc() {
        local last=${!#} f
        case $last in --*=*) f=${last#*=} ;; *) f=$last ;; esac
        (cd "$T/elsewhere" && PATH="$R/usr/bin:$PATH" zsh -f -c '
            zc=$1; shift
            compadd() { local a; local -a o; while [[ $1 == -* && $1 != -- ]]; do [[ $1 == -a ]] && { shift; o+=(${(P)1}); shift; continue }; [[ $1 == -[SP] ]] && shift; shift; done; [[ $1 == -- ]] && shift; print -l -- $o "$@"; }
            compset() { PREFIX=${PREFIX#*=}; }
            _files() { print -l -- *.stk(N); }
            _normal() { print _normal; }
            _arguments() { print _arguments; }
            words=("$@"); CURRENT=$#; PREFIX=${words[CURRENT]}; service=stockade
            source $zc' _ "$ZC" "$@" 2>&1 | grep -E "^${f:-.}" | LC_ALL=C sort | tr '\n' ' ')
    }
    zcheck() { local name=$1 want=$2; shift 2; local got; got=$(zc "$@")
        if [ "$got" = "$want" ]; then pass "zsh_$name"; else fail "zsh_$name" "stockade ${*:2}: got '$got', want '$want'"; fi; }
    zcheck commands_c "check compile " stockade c
    zcheck check_format "--format= " stockade check --f
    zcheck sim_syscalls "openat openat2 " stockade sim two.stk openat
    zcheck policy_names "alpha beta-2 " stockade compile two.stk --policy ""
    zcheck format_values "json sarif text " stockade check --format=
fi

# ---- vim ----------------------------------------------------------------------------------------
if ! command -v vim >/dev/null; then
    skip vim_syntax "vim is not installed"
else
    V=$R/usr/share/vim/vimfiles
    printf 'include "groups.stk"\npolicy p {\n    seccomp {\n        allow openat\n        kill-process ptrace\n    }\n    capabilities { keep net_raw }\n}\n' >"$T/elsewhere/v.stk"
    # filetype, then the syntax groups of: allow, openat, include, kill-process,
    # net_raw; then the ftplugin's omnifunc and what it offers for net_b and
    # kill- (writefile: syntaxcomplete uses :redir itself).
    (cd "$T/elsewhere" && HOME=$T vim -u NONE -N -es -i NONE \
        -c "set rtp^=$V" -c "filetype plugin on" -c "syntax on" -c "runtime ftdetect/stk.vim" -c "edit v.stk" \
        -c 'let out = [&filetype, synIDattr(synID(4,9,1),"name"), synIDattr(synID(4,15,1),"name"), synIDattr(synID(1,1,1),"name"), synIDattr(synID(5,14,1),"name"), synIDattr(synID(7,26,1),"name"), &omnifunc]' \
        -c 'let words = map(syntaxcomplete#Complete(0, ""), {_, v -> type(v) == v:t_dict ? v.word : v})' \
        -c 'call writefile(out + sort(filter(words, {_, v -> v =~# "^net_b\\|^kill-"})), "vim.out")' \
        -c 'qa!' </dev/null >/dev/null 2>&1)
    got=$(tr '\n' ' ' <"$T/elsewhere/vim.out" 2>/dev/null | sed 's/^ *//; s/ *$//')
    want="stk stkAction stkSyscall stkInclude stkAction stkCapability syntaxcomplete#Complete kill-process kill-thread net_bind_service net_broadcast"
    if [ "$got" = "$want" ]; then pass vim_syntax; else fail vim_syntax "got '$got', want '$want'"; fi
fi

# ---- uninstall ----------------------------------------------------------------------------------
mk PREFIX=/usr uninstall DESTDIR="$R" >"$T/un.log" 2>&1 || fail uninstall_runs "$(tail -5 "$T/un.log")"
left=$(find "$R" -type f)
if [ -z "$left" ]; then pass uninstall_no_files; else fail uninstall_no_files "left: $left"; fi
if [ ! -e "$R/usr/share/stockade" ]; then pass uninstall_library_dir_gone; else fail uninstall_library_dir_gone "$(find "$R/usr/share/stockade")"; fi
[ "$fails" -eq 0 ]
