#!/bin/sh
# shellcheck disable=SC2086 # $CC and flag lists are split on purpose (CC="ccache gcc")
# gen_consts.sh — build tool: generate the symbolic-constant table
# (build/gen/consts_table.c) from the system headers.
#
#   CC=cc sh common/tools/gen_consts.sh > build/gen/consts_table.c
#
# No value is written down here: the candidates are the object-like macros
# (from `$CC -E -dM`) and enumerators (from `$CC -E`) of the headers below
# whose names match a curated list of prefixes, and the generated C file lets
# the compiler evaluate them.  Candidates whose definition does not look like
# an integer constant expression are dropped up front; then the table is
# test-compiled (with $CC, and with gcc and clang when installed) and every
# entry a compiler complains about is removed, until it compiles cleanly.
#
# Besides stk_const_table (declared in consts.h) the output defines the
# errno subsets used by common/consts.c:
#   stk_errno_table        errno names defined as a number (canonical names)
#   stk_errno_alias_table  errno names defined as another errno name
#                          (EWOULDBLOCK, EDEADLOCK, ENOTSUP with glibc)
set -eu

: "${CC:=cc}"
here=$(cd "$(dirname "$0")/.." && pwd) # the compiler/ directory (consts.h)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/gen_consts.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'rm -rf "$tmp"; exit 1' HUP INT TERM

die() {
    echo "gen_consts: $*" >&2
    exit 1
}

# Headers that provide the constants.  They must compile together: glibc's
# headers are preferred, and kernel headers that clash with them
# (linux/fcntl.h, linux/fs.h, linux/mount.h, linux/ptrace.h) are left out.
HEADERS="errno.h fcntl.h sched.h signal.h stdio.h time.h unistd.h termios.h
sys/epoll.h sys/eventfd.h sys/fanotify.h sys/file.h sys/inotify.h sys/ioctl.h
sys/ipc.h sys/mman.h sys/mount.h sys/personality.h sys/pidfd.h sys/prctl.h
sys/ptrace.h sys/random.h sys/resource.h sys/socket.h sys/stat.h sys/timerfd.h
sys/wait.h sys/xattr.h netinet/in.h linux/futex.h linux/keyctl.h
linux/netlink.h linux/seccomp.h linux/sched.h"

# Names kept: these prefixes (an ERE matched against the whole name) ...
PREFIXES='AF_|PF_|SOCK_|SOL_|SO_|SCM_|MSG_|SHUT_|IPPROTO_|O_|AT_|F_|FD_|SEEK_|LOCK_'
PREFIXES="$PREFIXES"'|POSIX_FADV_|SPLICE_F_|RENAME_|PROT_|MAP_|MREMAP_|MADV_|MS_|MCL_|MLOCK_'
PREFIXES="$PREFIXES"'|MFD_|PKEY_|MNT_|UMOUNT_|MOUNT_ATTR_|OPEN_TREE_|MOVE_MOUNT_|FSOPEN_'
PREFIXES="$PREFIXES"'|FSMOUNT_|FSPICK_|FSCONFIG_|CLONE_|SCHED_|PR_|TIOC|TC[A-Z]|FIO|SIOC'
PREFIXES="$PREFIXES"'|E[A-Z0-9]|SIG|SA_|SS_|S_I|RLIMIT_|PRIO_|RUSAGE_|PTRACE_|PER_|P_'
PREFIXES="$PREFIXES"'|EPOLL|EFD_|TFD_|TIMER_|CLOCK_|ITIMER_|FUTEX_|GRND_|NETLINK_|IN_|FAN_'
PREFIXES="$PREFIXES"'|KEYCTL_|KEY_SPEC_|XATTR_|SECCOMP_|CLOSE_RANGE_|STATX_|PIDFD_|IPC_'
# ... and these exact names.
EXACT='R_OK|W_OK|X_OK|WNOHANG|WUNTRACED|WSTOPPED|WEXITED|WCONTINUED|WNOWAIT'
EXACT="$EXACT"'|__WALL|__WCLONE|__WNOTHREAD|SOMAXCONN|UNAME26|ADDR_NO_RANDOMIZE'
EXACT="$EXACT"'|ADDR_COMPAT_LAYOUT|ADDR_LIMIT_32BIT|ADDR_LIMIT_3GB|MMAP_PAGE_ZERO'
EXACT="$EXACT"'|READ_IMPLIES_EXEC|SHORT_INODE|WHOLE_SECONDS|STICKY_TIMEOUTS|FDPIC_FUNCPTRS'
NAME_RE="^(($PREFIXES)[A-Z0-9_]*|$EXACT)\$"

CFLAGS_TEST="-std=c17 -D_GNU_SOURCE -Wall -Wextra -Werror -Wvla"

# ---- the header list (drop headers this system lacks) --------------------------
: >"$tmp/headers.h"
for h in $HEADERS; do
    printf '#include <%s>\n' "$h" >>"$tmp/headers.h"
done
if ! $CC $CFLAGS_TEST -E "$tmp/headers.h" >/dev/null 2>&1; then
    : >"$tmp/headers.h"
    for h in $HEADERS; do
        if printf '#include <%s>\n' "$h" | $CC $CFLAGS_TEST -E -x c - >/dev/null 2>&1; then
            printf '#include <%s>\n' "$h" >>"$tmp/headers.h"
        else
            echo "gen_consts: note: <$h> not available, skipped" >&2
        fi
    done
    $CC $CFLAGS_TEST -E "$tmp/headers.h" >/dev/null 2>"$tmp/err" ||
        { cat "$tmp/err" >&2; die "the system headers do not preprocess together"; }
fi

# ---- candidates ------------------------------------------------------------------
# Object-like macros whose definition looks like an integer constant
# expression: numbers, operators, parentheses, character literals (as used by
# _IOR('T', ...)), upper-case identifiers (other constants and macros) and the
# integer type keywords used in casts.
$CC $CFLAGS_TEST -E -dM "$tmp/headers.h" >"$tmp/macros" || die "$CC -E -dM failed"
awk -v name_re="$NAME_RE" '
function int_expr(v,    t, id) {
    gsub(/\047[^\047\\]\047/, "0", v)           # character literals
    if (v ~ /^[ \t]*$/) return 0
    if (v ~ /[^A-Za-z0-9_ \t()<>|&~!+*\/%^,-]/) return 0
    t = v
    gsub(/[0-9][A-Za-z0-9_]*/, " ", t)          # numbers with suffixes
    while (match(t, /[A-Za-z_][A-Za-z0-9_]*/)) {
        id = substr(t, RSTART, RLENGTH)
        t = substr(t, RSTART + RLENGTH)
        if (id ~ /^_*[A-Z][A-Z0-9_]*$/) continue
        if (id ~ /^(int|unsigned|signed|long|short|char)$/) continue
        return 0
    }
    return 1
}
$1 == "#define" && $2 !~ /\(/ && $2 ~ name_re {
    v = $0
    sub(/^#define[ \t]+[^ \t]+[ \t]*/, "", v)
    if (int_expr(v)) print $2
}' "$tmp/macros" >"$tmp/cand"

# Enumerators (glibc defines e.g. PTRACE_* and PER_* only as enum constants).
# Enum bodies contain no braces: split the preprocessed text at each "}" and
# look at what follows the last "{" of each piece.
$CC $CFLAGS_TEST -E -P "$tmp/headers.h" >"$tmp/pp" || die "$CC -E failed"
tr '\n' ' ' <"$tmp/pp" | tr '}' '\n' | awk -v name_re="$NAME_RE" '
{
    if (!match($0, /[{][^{]*$/)) next
    head = substr($0, 1, RSTART - 1)
    body = substr($0, RSTART + 1)
    if (head !~ /(^|[^A-Za-z0-9_])enum[ \t]*([A-Za-z_][A-Za-z0-9_]*)?[ \t]*$/) next
    n = split(body, parts, ",")
    for (i = 1; i <= n; i++) {
        p = parts[i]
        sub(/=.*/, "", p)
        gsub(/[ \t]/, "", p)
        if (p ~ name_re) print p
    }
}' >>"$tmp/cand"

# Names are stored in place in the table (STK_CONST_NAME_MAX in consts.h, 48
# with the terminating NUL): longer ones are left out, with a note.
LC_ALL=C sort -u "$tmp/cand" | awk '
    length($0) < 48 { print; next }
    { print "gen_consts: note: " $0 " is longer than 47 characters (STK_CONST_NAME_MAX): left out" > "/dev/stderr" }
' >"$tmp/names"
[ -s "$tmp/names" ] || die "no constants found in the system headers"

# ---- emit / test-compile -----------------------------------------------------------
# emit_head: the preamble; its line count tells where the entries start.
emit_head() {
    echo "/* Generated by common/tools/gen_consts.sh from the system headers."
    echo " * Do not edit. */"
    echo "#ifndef _GNU_SOURCE"
    echo "#define _GNU_SOURCE"
    echo "#endif"
    echo "#include \"consts.h\""
    echo
    cat "$tmp/headers.h"
    echo
    echo "const struct stk_const stk_const_table[] = {"
}
emit_head >"$tmp/head"
head_lines=$(wc -l <"$tmp/head")

make_probe() {
    cat "$tmp/head"
    awk '{ printf "    {\"%s\", (int64_t)(%s)},\n", $0, $0 }' "$tmp/names"
    echo "};"
}

# The compilers the output must satisfy.
compilers=$CC
for c in gcc clang; do
    if command -v "$c" >/dev/null 2>&1; then
        case " $compilers " in *" $c "*) ;; *) compilers="$compilers $c" ;; esac
    fi
done

round=0
while :; do
    round=$((round + 1))
    make_probe >"$tmp/probe.c"
    : >"$tmp/bad"
    failed=0
    for c in $compilers; do
        extra=
        if $c --version 2>/dev/null | grep -qi clang; then extra=-ferror-limit=0; fi
        if ! $c $CFLAGS_TEST $extra -I"$here" -c "$tmp/probe.c" -o "$tmp/probe.o" \
            >"$tmp/out" 2>&1; then
            failed=1
            sed -n 's/.*probe\.c:\([0-9][0-9]*\):.*/\1/p' "$tmp/out" >>"$tmp/bad"
            cp "$tmp/out" "$tmp/lastout"
        fi
    done
    [ "$failed" = 0 ] && break
    # Map error lines to entries and drop them.
    awk -v first="$head_lines" '
        NR == FNR { if ($1 > first) bad[$1 - first] = 1; next }
        !(FNR in bad)' "$tmp/bad" "$tmp/names" >"$tmp/names.new"
    if cmp -s "$tmp/names" "$tmp/names.new" || [ "$round" -ge 10 ]; then
        cat "$tmp/lastout" >&2
        die "cannot make the constants table compile"
    fi
    mv "$tmp/names.new" "$tmp/names"
done

# ---- errno subsets -------------------------------------------------------------------
printf '#include <errno.h>\n' | $CC $CFLAGS_TEST -E -dM -x c - >"$tmp/errno_macros" ||
    die "$CC -E -dM <errno.h> failed"
awk -v alias="$tmp/errno.alias" -v canon="$tmp/errno.canon" '
    $1 == "#define" && $2 ~ /^E[A-Z0-9]+$/ && NF == 3 {
        if ($3 ~ /^E[A-Z0-9]+$/) print $2 > alias; else print $2 > canon
    }' "$tmp/errno_macros"
touch "$tmp/errno.alias" "$tmp/errno.canon"
keep_known() { # names in $1 that survived into the table, sorted
    LC_ALL=C sort -u "$1" | awk 'NR == FNR { ok[$0] = 1; next } ($0 in ok)' "$tmp/names" -
}

emit_table() { # TABLE COUNT FILE
    echo
    echo "const struct stk_const $1[] = {"
    if [ -s "$3" ]; then
        awk '{ printf "    {\"%s\", (int64_t)(%s)},\n", $0, $0 }' "$3"
    else
        echo "    {0, 0}, /* none */"
    fi
    echo "};"
    echo "const size_t $2 = $(wc -l <"$3" | tr -d ' ');"
}

keep_known "$tmp/errno.canon" >"$tmp/errno.canon.ok"
keep_known "$tmp/errno.alias" >"$tmp/errno.alias.ok"
[ -s "$tmp/errno.canon.ok" ] || die "no errno names found in <errno.h>"

{
    make_probe
    echo "const size_t stk_const_count = $(wc -l <"$tmp/names" | tr -d ' ');"
    emit_table stk_errno_table stk_errno_count "$tmp/errno.canon.ok"
    emit_table stk_errno_alias_table stk_errno_alias_count "$tmp/errno.alias.ok"
} >"$tmp/out.c"

# Final check of the complete file.
for c in $compilers; do
    $c $CFLAGS_TEST -I"$here" -c "$tmp/out.c" -o "$tmp/out.o" 2>"$tmp/err" ||
        { cat "$tmp/err" >&2; die "generated table does not compile with $c"; }
done
cat "$tmp/out.c"
