#!/usr/bin/env bash
# layout.sh — the architecture rules of docs/architecture.md, checked on the
# tree and on the built programs:
#   layers_*      no file of compiler/ (and grammar/) includes a header that
#                 exists under enforcer/, none of enforcer/ one under
#                 compiler/, none of common/ either (each quoted include is
#                 resolved as the compiler does: the file's own directory,
#                 then its layer's -I roots);
#   flags_*       the Makefile compiles every file of a layer with the same
#                 include flags, and these make a cross-layer include a
#                 compile error;
#   header_*      no header path names a file in two layers (cli/ sees all);
#   size_*        no product source file is over 600 lines;
#   peer_*        the test-only libseccomp peer is not in the product;
#   exec_static   stockade-exec is a static program; stockade_static: so is
#                 stockade, a static PIE (unless built with LINK=shared);
#   *_no_nss      neither calls glibc's NSS (getpwnam, getgrgid, getaddrinfo,
#                 ...): names go through getent (enforcer/steps/identity.c);
#   link_*        `make LINK=static` links stockade -static-pie, `LINK=shared`
#                 dynamically, anything else is refused (make -n).
# STK_LAYOUT_ROOT checks another tree (default: this one); STK_BUILD is the
# build directory of the programs (relative to the tree checked).
set -u
. "$(dirname "$0")/lib.sh"
cd "${STK_LAYOUT_ROOT:-$(dirname "$0")/../..}" || exit 1
B=${STK_BUILD:-build}
itest_tmp
MAX_LINES=600

# ---- layers: quoted includes resolved like the compiler ------------------------------------
# make_cmds LAYER: the command lines the Makefile compiles every .c of LAYER
# with (make -n, each source taken as changed).
make_cmds() {
    local src args=()
    while IFS= read -r src; do
        args+=(-W "$src" "$B/obj/${src%.c}.o")
    done < <(find "$1" -name '*.c' -not -path '*/tools/*' | LC_ALL=C sort)
    make -s -n BUILD="$B" "${args[@]}" 2>/dev/null | grep -E -- " -c -o [^ ]*/obj/$1/[^ ]*\.o $1/"
}
# iflags CMD: the -I flags of a command line, one a line.
iflags() {
    local w
    for w in $1; do
        case $w in -I?*) echo "$w" ;; esac
    done
}
# roots CMD: the -I directories of a command line that exist in the tree.
roots() {
    local w
    for w in $(iflags "$1"); do
        case $w in -I/*) ;; *) [ -d "${w#-I}" ] && echo "${w#-I}" ;; esac
    done
}
declare -A CMD ROOTS
for layer in common compiler enforcer; do
    cmds=$(make_cmds $layer)
    CMD[$layer]=$(head -1 <<<"$cmds")
    if [ -z "${CMD[$layer]}" ]; then
        fail "flags_${layer}_same_for_every_file" "make -n shows no compile command for $layer/"
        continue
    fi
    nsrc=$(find $layer -name '*.c' -not -path '*/tools/*' | wc -l)
    [ "$(wc -l <<<"$cmds")" -eq "$nsrc" ] || fail "flags_${layer}_every_file_seen" "$(wc -l <<<"$cmds") compile commands for $nsrc files"
    want=$(iflags "${CMD[$layer]}")
    odd=$(while IFS= read -r c; do
        [ "$(iflags "$c")" = "$want" ] || echo "${c##* }: $(iflags "$c" | tr '\n' ' ')"
    done <<<"$cmds")
    [ -z "$odd" ] && pass "flags_${layer}_same_for_every_file" ||
        fail "flags_${layer}_same_for_every_file" "not $(tr '\n' ' ' <<<"$want"): $(tr '\n' ';' <<<"$odd")"
    ROOTS[$layer]=$(roots "${CMD[$layer]}")
done

# resolve FILE HEADER ROOT...: the path HEADER names from FILE, or nothing.
resolve() {
    local file=$1 h=$2 d
    shift 2
    for d in "$(dirname "$file")" "$@"; do
        [ -f "$d/$h" ] && { realpath --relative-to=. "$d/$h"; return; }
    done
}
# layer_check NAME LAYER FORBIDDEN... : the files of LAYER (and grammar/ with
# the compiler) include nothing that is, or would be, found in a FORBIDDEN layer.
layer_check() {
    local name=$1 layer=$2 bad="" f h p other dirs
    shift 2
    dirs=$layer
    [ "$layer" = compiler ] && dirs="compiler grammar"
    while IFS= read -r f; do
        while IFS= read -r h; do
            # shellcheck disable=SC2086
            p=$(resolve "$f" "$h" ${ROOTS[$layer]})
            for other in "$@"; do
                if [ -n "$p" ]; then
                    case $p in "$other"/*) bad+="$f: \"$h\" is $p; " ;; esac
                elif [ -f "$other/$h" ]; then
                    bad+="$f: \"$h\" exists only as $other/$h; "
                fi
            done
        done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f")
    # shellcheck disable=SC2086
    done < <(find $dirs -type f \( -name '*.[ch]' -o -name '*.[yl]' \) | LC_ALL=C sort)
    [ -z "$bad" ] && pass "$name" || fail "$name" "$bad"
}
layer_check layers_compiler_sees_no_enforcer_header compiler enforcer
layer_check layers_enforcer_sees_no_compiler_header enforcer compiler
layer_check layers_common_sees_neither common compiler enforcer

# ---- flags: a cross-layer include does not compile ---------------------------------------------
# probe LAYER HEADER: compile a file including HEADER with LAYER's flags;
# prints the compiler's messages, returns its status.
probe() {
    local w flags=()
    for w in ${CMD[$1]}; do
        case $w in -I* | -D* | -std=*) flags+=("$w") ;; esac
    done
    printf '#include "%s"\nint stk_layout_probe;\n' "$2" >"$T/probe.c"
    ${CC:-cc} -fsyntax-only "${flags[@]}" "$T/probe.c" 2>&1
}
# expect_probe NAME LAYER HEADER ok|missing
expect_probe() {
    local out rc
    [ -n "${CMD[$2]}" ] || return
    out=$(probe "$2" "$3")
    rc=$?
    if [ "$4" = ok ]; then
        [ $rc -eq 0 ] && pass "$1" || fail "$1" "\"$3\" does not compile with $2's flags: $(head -3 <<<"$out")"
    else
        [ $rc -ne 0 ] && grep -qF "$3" <<<"$out" && grep -qi "no such file" <<<"$out" && pass "$1" ||
            fail "$1" "\"$3\" is found with $2's flags (rc=$rc) $(head -3 <<<"$out")"
    fi
}
expect_probe flags_enforcer_header_in_compiler_fails compiler steps/steps.h missing
expect_probe flags_enforcer_header_in_enforcer_compiles enforcer steps/steps.h ok
expect_probe flags_compiler_header_in_enforcer_fails enforcer ir/ir.h missing
expect_probe flags_compiler_header_in_compiler_compiles compiler ir/ir.h ok
expect_probe flags_enforcer_header_in_common_fails common steps/steps.h missing
expect_probe flags_compiler_header_in_common_fails common ir/ir.h missing

# ---- headers: one path, one file ---------------------------------------------------------------
headers() { (cd "$1" && find . -name '*.h' | sed 's|^\./||' | LC_ALL=C sort); }
twice=""
for pair in "compiler enforcer" "common compiler" "common enforcer"; do
    set -- $pair
    for h in $(comm -12 <(headers "$1") <(headers "$2")); do twice+="$1/$h and $2/$h; "; done
done
[ -z "$twice" ] && pass header_paths_unambiguous || fail header_paths_unambiguous "$twice"

# ---- size: no product source file over 600 lines ------------------------------------------------
long=$(find common compiler enforcer cli grammar -type f \( -name '*.[chyl]' -o -name '*.awk' -o -name '*.sh' \) \
    -exec wc -l {} + | awk -v max=$MAX_LINES '$2 != "total" && $1 > max { print $2 " (" $1 " lines)" }' | LC_ALL=C sort)
[ -z "$long" ] && pass "size_no_source_over_${MAX_LINES}_lines" || fail "size_no_source_over_${MAX_LINES}_lines" "$(tr '\n' ' ' <<<"$long")"

# ---- peer: the libseccomp peer stays in the tests -----------------------------------------------
# Its exported names (from its header) and its file name, in the linked
# program's symbols (with the file symbols) and in the library's members.
peer_names=$(sed -n 's/.*\b\(stk_[a-z_]*\)(.*/\1/p' tests/unit/lib/libseccomp_peer.h | sort -u)
if [ -z "$peer_names" ]; then
    fail peer_names "no exported names found in tests/unit/lib/libseccomp_peer.h"
fi
for prog in "$B/stockade" "$B/libstockade.a"; do
    name=peer_not_in_$(basename "$prog" | tr '.-' '__')
    if [ ! -f "$prog" ]; then
        fail "$name" "$prog not built"
        continue
    fi
    syms=$(nm -a "$prog" 2>/dev/null)
    [ "${prog##*.}" = a ] && syms+=$'\n'$(ar t "$prog")
    found=""
    for n in $peer_names libseccomp_peer; do
        grep -qw -- "$n" <<<"$syms" && found+="$n "
    done
    [ -n "$syms" ] && [ -z "$found" ] && pass "$name" || fail "$name" "$prog holds: ${found:-no symbols to read}"
done

# ---- static programs, and no NSS in them ---------------------------------------------------------
# stockade-exec is static; stockade too (a static PIE) unless built with
# LINK=shared ($B/gen/link_mode says which).  Neither calls glibc's NSS (a
# static glibc would dlopen the host's modules): names go through the files
# and the host's getent (enforcer/steps/identity.c), so no getpw*/getgr*/
# getaddrinfo-like function, nor glibc's NSS machinery (__nss_*), is linked
# in or called.
static_check() { # NAME PROGRAM PIE(yes/no)
    local hdr dyn
    hdr=$(readelf -lhW "$2" 2>&1)
    dyn=$(readelf -dW "$2" 2>&1)
    if ! grep -q 'Program Headers' <<<"$hdr" || grep -q INTERP <<<"$hdr" || grep -q NEEDED <<<"$dyn"; then
        fail "$1" "$2 has an interpreter or needs shared libraries: $(grep -E 'INTERP|NEEDED|interpreter' <<<"$hdr$dyn" | head -3)"
    elif [ "$3" = yes ] && ! grep -qE 'Type: +DYN' <<<"$hdr"; then
        fail "$1" "$2 is static but not position-independent (no ASLR): $(grep 'Type:' <<<"$hdr")"
    else
        pass "$1"
    fi
}
NSS_SYMS=' (getpw(nam|uid|ent)|getgr(nam|gid|ent)|getgrouplist|initgroups|getspnam|getaddrinfo|gethostby(name2?|addr)|getservby(name|port)|getnetby(name|addr)|getprotoby(name|number))(_r)?(@.*)?$| __nss_[a-z_]+$'
for prog in "$B/stockade" "$B/stockade-exec"; do
    name=$(basename "$prog" | tr '-' '_')
    if [ ! -f "$prog" ]; then
        fail "${name}_static" "$prog not built"
        fail "${name}_no_nss" "$prog not built"
        continue
    fi
    if [ "$prog" = "$B/stockade-exec" ]; then
        static_check exec_static "$prog" no
    elif [ "$(cut -d' ' -f1 "$B/gen/link_mode" 2>/dev/null)" = shared ]; then
        skip stockade_static "built with LINK=shared ($B/gen/link_mode)"
    else
        static_check stockade_static "$prog" yes
    fi
    syms=$(nm "$prog" 2>/dev/null)
    bad=$(grep -E -- "$NSS_SYMS" <<<"$syms" | awk '{print $NF}' | sort -u | head -8 | tr '\n' ' ')
    if [ -z "$syms" ]; then
        fail "${name}_no_nss" "nm shows no symbols in $prog"
    elif [ -n "$bad" ]; then
        fail "${name}_no_nss" "$prog links glibc's NSS: $bad"
    else
        pass "${name}_no_nss"
    fi
done
# ---- LINK: how the Makefile links stockade in each mode (make -n) --------------------------------
link_cmd() { make -s -n BUILD="$B" LINK="$1" -W cli/main.c "$B/stockade" 2>&1 | grep -E -- "-o $B/stockade( |$)"; }
cmd=$(link_cmd static)
if has "$cmd" "-static-pie" && has "$cmd" "-lseccomp" && has "$cmd" "-z,now"; then pass link_static_pie
else fail link_static_pie "LINK=static: $cmd"; fi
cmd=$(link_cmd shared)
if [ -n "$cmd" ] && ! has "$cmd" "-static" && has "$cmd" "-lseccomp" && has "$cmd" "-z,now"; then pass link_shared
else fail link_shared "LINK=shared: $cmd"; fi
out=$(make -s -n BUILD="$B" LINK=dynamic "$B/stockade" 2>&1)
if [ $? -ne 0 ] && has "$out" "LINK=static (the default) or LINK=shared"; then pass link_unknown_refused
else fail link_unknown_refused "LINK=dynamic: $out"; fi
[ "$fails" -eq 0 ]
