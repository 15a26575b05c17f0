#!/usr/bin/env bash
# run_cache.sh — the start-up cache of `stockade run` (cli/run_cache.h), as
# an attacker would try it.  Everything happens under $T (STOCKADE_CACHE_DIR
# points there); nothing is left on the host.
#   - a first run stores the bundle (0600 in a 0700 directory of the caller's),
#     a second run uses it (the entry is not rewritten) and behaves the same;
#   - a changed included file, or an include that now resolves to another
#     file (one planted earlier in the search order), is a miss: the new
#     policy applies;
#   - an entry of another user, a symbolic link as entry or as directory, a
#     directory with the wrong mode or owner, a directory on the way others
#     may write: never used, said once, the policy compiled and applied;
#   - a corrupted entry is not used and is replaced;
#   - --no-cache stores nothing; a policy with warnings is not cached;
#   - an unprivileged caller gets a directory of its own.
# The command is busybox cat: its message names the errno the policy gives to open.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh
S=$(realpath "${STK_BUILD:-build}/stockade")
[ -x "$S" ] || { fail run_cache "$S not built"; exit 1; }
itest_tmp
BB=$(command -v busybox) || { skip run_cache "busybox-static is not installed (tools/deps.sh test)"; exit 0; }
export STOCKADE_CACHE_DIR=$T/cache
mkdir -m 1777 "$STOCKADE_CACHE_DIR"
D=$STOCKADE_CACHE_DIR/$(id -u)

mkdir -p "$T/p" "$T/lib"
cat >"$T/p/main.stk" <<'P'
include "inc.stk"
policy cached {
    seccomp {
        default allow
        errno EPERM io_uring_setup, io_uring_enter, io_uring_register
        errno EIO @probe
    }
}
P
echo 'group @probe { open, openat }' >"$T/lib/inc.stk"
cd "$T/p" || exit 1
run() { "$S" run "$@" -I "$T/lib" main.stk -- "$BB" cat /etc/hostname 2>&1; }
entry() { ls "$D" 2>/dev/null | grep -v '^\.tmp' | head -1; }

out=$(run)
e=$(entry)
if has "$out" "Input/output error" && [ -n "$e" ] && [ "$(stat -c '%a %u' "$D")" = "700 $(id -u)" ] &&
    [ "$(stat -c '%a %u %h' "$D/$e")" = "600 $(id -u) 1" ]; then pass cache_stored
else fail cache_stored "out=$out entry=$e $(ls -la "$D" 2>&1)"; fi
ino=$(stat -c %i "$D/$e")
out=$(run)
if has "$out" "Input/output error" && ! has "$out" "cache:" && [ "$(stat -c %i "$D/$e")" = "$ino" ]; then pass cache_hit
else fail cache_hit "out=$out inode $ino -> $(stat -c %i "$D/$e")"; fi

# the included file changes: a miss, the new group applies
echo 'group @probe { getppid }' >"$T/lib/inc.stk"
out=$(run)
if ! has "$out" "Input/output error" && [ "$(stat -c %i "$D/$e")" != "$ino" ]; then pass cache_miss_changed_include
else fail cache_miss_changed_include "out=$out"; fi
echo 'group @probe { open, openat }' >"$T/lib/inc.stk"
run >/dev/null
# a file planted next to the policy now shadows the -I one: a miss
echo 'group @probe { getppid }' >"$T/p/inc.stk"
out=$(run)
if ! has "$out" "Input/output error"; then pass cache_miss_shadowing_include
else fail cache_miss_shadowing_include "out=$out"; fi
rm -f "$T/p/inc.stk"
out=$(run)
has "$out" "Input/output error" || fail cache_back "out=$out"

# an entry planted by another user (here: the same bytes, owned by nobody)
e=$(entry)
chown nobody "$D/$e"
out=$(run)
n=$(grep -c "stockade: cache:" <<<"$out")
if has "$out" "Input/output error" && [ "$n" -eq 1 ] && has "$out" "is not a regular file of uid $(id -u)"; then
    pass cache_foreign_entry_refused
else fail cache_foreign_entry_refused "out=$out"; fi
# ... one planted from another policy (no errno for uname), same name
rm -f "$D"/*
cat >"$T/p/allow.stk" <<'P'
policy cached { seccomp { default allow } }
P
"$S" run "$T/p/allow.stk" -- "$BB" true
a=$(entry)
mv "$D/$a" "$T/planted"
run >/dev/null
e=$(entry)
cp "$T/planted" "$D/$e" && chmod 600 "$D/$e"
out=$(run)
if has "$out" "Input/output error"; then pass cache_entry_of_other_policy_not_used
else fail cache_entry_of_other_policy_not_used "out=$out"; fi
# a symbolic link as entry
run >/dev/null
e=$(entry)
mv "$D/$e" "$T/real-entry"
ln -s "$T/real-entry" "$D/$e"
out=$(run)
if has "$out" "Input/output error" && has "$out" "a symbolic link"; then pass cache_symlink_entry_refused
else fail cache_symlink_entry_refused "out=$out"; fi
rm -f "$D/$e"
# a corrupted entry: not used, replaced
run >/dev/null
e=$(entry)
printf 'X' | dd of="$D/$e" bs=1 seek=100 conv=notrunc 2>/dev/null
ino=$(stat -c %i "$D/$e")
out=$(run)
if has "$out" "Input/output error" && ! has "$out" "cache:" && [ "$(stat -c %i "$D/$e")" != "$ino" ]; then
    pass cache_corrupted_entry_replaced
else fail cache_corrupted_entry_replaced "out=$out"; fi

# the directory: wrong mode, wrong owner, a symbolic link, an unsafe parent
chmod 755 "$D"
out=$(run)
if has "$out" "Input/output error" && has "$out" "with mode 0755, not by uid $(id -u) with mode 0700" &&
    [ "$(grep -c 'stockade: cache:' <<<"$out")" -eq 1 ]; then pass cache_dir_mode_refused
else fail cache_dir_mode_refused "out=$out"; fi
chmod 700 "$D"
chown nobody "$D"
out=$(run)
if has "$out" "Input/output error" && has "$out" "is owned by uid $(id -u nobody)"; then pass cache_dir_owner_refused
else fail cache_dir_owner_refused "out=$out"; fi
chown "$(id -u)" "$D"
mv "$D" "$T/realdir"
ln -s "$T/realdir" "$D"
out=$(run)
if has "$out" "Input/output error" && has "$out" "symbolic link"; then pass cache_dir_symlink_refused
else fail cache_dir_symlink_refused "out=$out"; fi
rm -f "$D"
mv "$T/realdir" "$D"
chmod 777 "$STOCKADE_CACHE_DIR"
out=$(run)
if has "$out" "Input/output error" && has "$out" "may be written by others"; then pass cache_unsafe_parent_refused
else fail cache_unsafe_parent_refused "out=$out"; fi
chmod 1777 "$STOCKADE_CACHE_DIR"

# --no-cache stores nothing; a policy with a warning is compiled every time
rm -rf "${D:?}"/*
run --no-cache >/dev/null
if [ -z "$(entry)" ]; then pass cache_no_cache_option
else fail cache_no_cache_option "$(ls "$D")"; fi
cat >"$T/p/warn.stk" <<'P'
policy warned { seccomp { default allow
    allow getppid
    allow getppid } }
P
out=$("$S" run "$T/p/warn.stk" -- "$BB" true 2>&1)
if [ -n "$out" ] && [ -z "$(entry)" ]; then pass cache_not_for_warnings
else fail cache_not_for_warnings "out=$out entries: $(ls "$D")"; fi

# an unprivileged caller: a directory of its own
if command -v setpriv >/dev/null; then
    out=$(setpriv --reuid nobody --regid nogroup --clear-groups "$S" run -I "$T/lib" "$T/p/main.stk" -- "$BB" cat /etc/hostname 2>&1)
    nd=$STOCKADE_CACHE_DIR/$(id -u nobody)
    if has "$out" "Input/output error" && ! has "$out" "cache:" && [ "$(stat -c '%a %U' "$nd" 2>&1)" = "700 nobody" ] &&
        [ -n "$(ls "$nd")" ]; then pass cache_unprivileged_own_dir
    else fail cache_unprivileged_own_dir "out=$out $(ls -la "$nd" 2>&1)"; fi
else
    skip cache_unprivileged_own_dir "setpriv is not installed"
fi
exit 0
