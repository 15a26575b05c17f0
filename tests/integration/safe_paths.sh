#!/usr/bin/env bash
# safe_paths.sh — host-side paths of a policy are not resolved through
# symbolic links the command's user could have planted (issue 10, item 10):
# Landlock rule paths, bind sources and the `root` of a jail.  A link the
# confined user owns, or that lies in a directory it can write, is refused
# (exit 125); links it could not have written (root's, in root's
# directories) are followed, and so are the merged-/usr links of the root
# directory (/bin, /lib, /lib64 -> usr/...), for root commands too.
# --report=FILE: the whole chain of links is judged, another user's link in
# a sticky directory is refused, and so are a FIFO (without blocking) and a
# hard-linked file; a new file is created 0600.
# As root, with the command running as nobody.  Prints PASS/FAIL/SKIP lines.
set -u
B=${STK_BUILD:-build}
STK=$B/stockade
LP=$(realpath "$B/tests/helpers/limprobe")
. "$(dirname "$0")/lib.sh"

for f in "$STK" "$LP"; do
    [ -x "$f" ] || { echo "FAIL setup: $f not built"; exit 1; }
done
if [ "$(id -u)" -ne 0 ]; then
    skip safe_paths "needs root (the command runs as nobody; the planted links belong to nobody)"
    exit 0
fi
T=$(mktemp -d /tmp/stk-sp-XXXXXX)
trap 'rm -rf "$T"' EXIT
chmod 755 "$T"
helpers=$(dirname "$LP")
# helpers may sit under a directory nobody cannot enter: a copy it can run
mkdir "$T/bin"
cp "$LP" "$T/bin/limprobe"
LPN=$T/bin/limprobe
chmod -R a+rX "$T/bin"

# what no rule grants: a directory with a file anyone may read (DAC allows
# it, only Landlock or the view keeps it out of reach)
mkdir "$T/secret"
echo "not for the service" >"$T/secret/s"
chmod 755 "$T/secret"
chmod 644 "$T/secret/s"
# the service's own directory, where it planted links in an earlier run
mkdir "$T/d" "$T/view" "$T/view2"
ln -s / "$T/d/cache"
ln -s "$T/secret" "$T/d/data"
ln -s "$T/secret/s" "$T/d/f"
ln -s "$T/secret" "$T/d/jail"
chown -h 65534:65534 "$T/d" "$T/d/cache" "$T/d/data" "$T/d/f" "$T/d/jail"
# a link root made in root's directory: nobody could not have written it
ln -s "$T/secret" "$T/trusted"
# a root-owned link in a directory nobody may write (mode 1777-less 0777)
mkdir "$T/open"
chmod 777 "$T/open"
ln -s "$T/secret" "$T/open/link"

SYS_EXEC="/usr, /lib, /lib64, /bin, $T/bin"
pol() { # name, user line, body
    printf 'policy %s {\n%s\n%s\n}\n' "$1" "$2" "$3" >"$T/$1.stk"
}

# ---- Landlock rule paths ---------------------------------------------------------------
pol ll_planted "    user nobody" "    landlock {
        write $T/d
        read $T/d/cache
        execute $SYS_EXEC
    }"
out=$("$STK" run "$T/ll_planted.stk" -- "$LPN" read "$T/secret/s" 2>&1); rc=$?
if [ $rc -eq 125 ] && has "$out" "stockade: landlock: read $T/d/cache:" && has "$out" "symbolic link" \
    && ! has "$out" "read $T/secret/s: ok"; then
    pass landlock_planted_link_refused
else
    fail landlock_planted_link_refused "rc=$rc: $out"
fi

pol ll_planted_file "    user nobody" "    landlock {
        read $T/d/f
        execute $SYS_EXEC
    }"
out=$("$STK" run "$T/ll_planted_file.stk" -- "$LPN" read "$T/secret/s" 2>&1); rc=$?
if [ $rc -eq 125 ] && has "$out" "stockade: landlock: read $T/d/f:" && ! has "$out" "read $T/secret/s: ok"; then
    pass landlock_planted_file_link_refused
else
    fail landlock_planted_file_link_refused "rc=$rc: $out"
fi

# a link below a planted one: the walk stops at the first
pol ll_planted_mid "    user nobody" "    landlock {
        read $T/d/cache$T/secret
        execute $SYS_EXEC
    }"
out=$("$STK" run "$T/ll_planted_mid.stk" -- "$LPN" read "$T/secret/s" 2>&1); rc=$?
if [ $rc -eq 125 ] && has "$out" "$T/d/cache" && ! has "$out" "read $T/secret/s: ok"; then
    pass landlock_planted_link_inside_path_refused
else
    fail landlock_planted_link_inside_path_refused "rc=$rc: $out"
fi

# a root-owned link in a directory anyone may write: nobody could have replaced it
pol ll_open "    user nobody" "    landlock {
        read $T/open/link
        execute $SYS_EXEC
    }"
out=$("$STK" run "$T/ll_open.stk" -- "$LPN" read "$T/secret/s" 2>&1); rc=$?
if [ $rc -eq 125 ] && has "$out" "$T/open/link" && has "$out" "could have" && ! has "$out" "read $T/secret/s: ok"; then
    pass landlock_link_in_writable_dir_refused
else
    fail landlock_link_in_writable_dir_refused "rc=$rc: $out"
fi

# a link another user left in a sticky directory anyone may write (/tmp):
# the command could not have written it, but that user could have
mkdir "$T/sticky_ll"
chmod 1777 "$T/sticky_ll"
ln -s "$T/secret" "$T/sticky_ll/link"
chown -h 4242:4242 "$T/sticky_ll/link"
pol ll_sticky "    user nobody" "    landlock {
        read $T/sticky_ll/link
        execute $SYS_EXEC
    }"
out=$("$STK" run "$T/ll_sticky.stk" -- "$LPN" read "$T/secret/s" 2>&1); rc=$?
if [ $rc -eq 125 ] && has "$out" "$T/sticky_ll/link is a symbolic link" && has "$out" "sticky" \
    && ! has "$out" "read $T/secret/s: ok"; then
    pass landlock_other_users_link_in_sticky_dir_refused
else
    fail landlock_other_users_link_in_sticky_dir_refused "rc=$rc: $out"
fi

# root's link in root's directory, and the merged-/usr links (execute /lib,
# /lib64 only: the loader and libc are reached through them), are followed
pol ll_trusted "    user nobody" "    landlock {
        read $T/trusted
        execute /lib, /lib64, $T/bin
    }"
out=$("$STK" run "$T/ll_trusted.stk" -- "$LPN" read "$T/secret/s" read "$T/d/cache/etc/hostname" 2>&1); rc=$?
if [ $rc -eq 0 ] && has "$out" "read $T/secret/s: ok" && has "$out" "read $T/d/cache/etc/hostname: errno=13"; then
    pass landlock_trusted_and_merged_usr_links_followed
else
    fail landlock_trusted_and_merged_usr_links_followed "rc=$rc: $out"
fi

# a root command: the merged-/usr links still work; any other link root
# could have written is refused, naming where it leads
pol ll_root_usr "" "    landlock {
        read $T/secret
        execute /lib, /lib64, $T/bin
    }"
out=$("$STK" run "$T/ll_root_usr.stk" -- "$LPN" read "$T/secret/s" 2>&1); rc=$?
if [ $rc -eq 0 ] && has "$out" "read $T/secret/s: ok"; then
    pass landlock_root_merged_usr_links_followed
else
    fail landlock_root_merged_usr_links_followed "rc=$rc: $out"
fi
pol ll_root_link "" "    landlock {
        read $T/trusted
        execute $SYS_EXEC
    }"
out=$("$STK" run "$T/ll_root_link.stk" -- "$LPN" read "$T/secret/s" 2>&1); rc=$?
if [ $rc -eq 125 ] && has "$out" "stockade: landlock: read $T/trusted:" && has "$out" "$T/secret" \
    && ! has "$out" "read $T/secret/s: ok"; then
    pass landlock_root_command_link_refused
else
    fail landlock_root_command_link_refused "rc=$rc: $out"
fi

# ---- bind sources and the root of a jail ----------------------------------------------------
pol bind_planted "    user nobody
    namespaces mount" "    filesystem {
        bind $T/d/data $T/view readonly
    }"
out=$("$STK" run "$T/bind_planted.stk" -- "$LPN" read "$T/view/s" 2>&1); rc=$?
if [ $rc -eq 125 ] && has "$out" "stockade: mount: bind $T/d/data $T/view" && has "$out" "symbolic link" \
    && ! has "$out" "read $T/view/s: ok"; then
    pass bind_source_planted_link_refused
else
    fail bind_source_planted_link_refused "rc=$rc: $out"
fi

pol bind_trusted "    user nobody
    namespaces mount" "    filesystem {
        bind $T/trusted $T/view2 readonly
    }"
out=$("$STK" run "$T/bind_trusted.stk" -- "$LPN" read "$T/view2/s" 2>&1); rc=$?
if [ $rc -eq 0 ] && has "$out" "read $T/view2/s: ok"; then
    pass bind_source_trusted_link_followed
else
    fail bind_source_trusted_link_followed "rc=$rc: $out"
fi

pol root_planted "    user nobody
    namespaces mount" "    filesystem {
        root $T/d/jail
    }"
out=$("$STK" run "$T/root_planted.stk" -- /s 2>&1); rc=$?
if [ $rc -eq 125 ] && has "$out" "stockade: mount: root $T/d/jail:" && has "$out" "symbolic link"; then
    pass root_jail_planted_link_refused
else
    fail root_jail_planted_link_refused "rc=$rc: $out"
fi

# ---- --report=FILE: opened by the caller (root), never through the service's links ----------
if [ "$(uname -m)" = x86_64 ] && [ -x "$B/tests/helpers/report_probe" ]; then
    cp "$B/tests/helpers/report_probe" "$T/bin/report_probe"
    chmod a+rx "$T/bin/report_probe"
    echo "root's own file" >"$T/victim"
    chmod 644 "$T/victim"
    ln -s "$T/victim" "$T/d/report.log"
    chown -h 65534:65534 "$T/d/report.log"
    pol rep "    user nobody" "    seccomp {
        default allow
        errno EACCES uname
    }"
    out=$("$STK" run --report="$T/d/report.log" "$T/rep.stk" -- "$T/bin/report_probe" sys 63 2>&1); rc=$?
    if [ $rc -eq 125 ] && has "$out" "stockade: report: opening $T/d/report.log:" && has "$out" "symbolic link" \
        && [ "$(cat "$T/victim")" = "root's own file" ]; then
        pass report_file_planted_link_refused
    else
        fail report_file_planted_link_refused "rc=$rc: $out; victim: $(cat "$T/victim")"
    fi
    # a new file in the service's directory is fine, and so is /dev/stderr (for a root command too)
    out=$("$STK" run --report="$T/d/new.log" "$T/rep.stk" -- "$T/bin/report_probe" sys 63 2>&1); rc=$?
    if [ $rc -eq 0 ] && has "$(cat "$T/d/new.log" 2>&1)" "uname"; then
        pass report_file_in_service_dir_created
    else
        fail report_file_in_service_dir_created "rc=$rc: $out: $(cat "$T/d/new.log" 2>&1)"
    fi
    # the whole chain is judged: root's link in root's directory leading to
    # the service's link (to the victim) is not followed past the second
    chmod 600 "$T/victim"
    ln -s "$T/victim" "$T/d/chain.log"
    chown -h 65534:65534 "$T/d/chain.log"
    ln -s "$T/d/chain.log" "$T/chain.log"
    out=$("$STK" run --report="$T/chain.log" "$T/rep.stk" -- "$T/bin/report_probe" sys 63 2>&1); rc=$?
    if [ $rc -eq 125 ] && has "$out" "stockade: report: opening $T/chain.log:" && has "$out" "$T/d/chain.log is a symbolic link" \
        && [ "$(cat "$T/victim")" = "root's own file" ]; then
        pass report_file_link_chain_judged_to_the_end
    else
        fail report_file_link_chain_judged_to_the_end "rc=$rc: $out; victim: $(cat "$T/victim")"
    fi
    # a link another user (neither the command's nor the directory's owner)
    # left in a sticky directory anyone may write: refused, whatever
    # fs.protected_symlinks says (here a directory link on the way: the
    # kernel itself refuses O_CREAT on the last one there)
    mkdir "$T/sticky"
    chmod 1777 "$T/sticky"
    ln -s "$T" "$T/sticky/logs"
    chown -h 4242:4242 "$T/sticky/logs"
    out=$("$STK" run --report="$T/sticky/logs/victim" "$T/rep.stk" -- "$T/bin/report_probe" sys 63 2>&1); rc=$?
    if [ $rc -eq 125 ] && has "$out" "$T/sticky/logs is a symbolic link" && has "$out" "sticky" \
        && [ "$(cat "$T/victim")" = "root's own file" ]; then
        pass report_file_other_users_link_in_sticky_dir_refused
    else
        fail report_file_other_users_link_in_sticky_dir_refused "rc=$rc: $out; victim: $(cat "$T/victim")"
    fi
    # a FIFO the service left at the path: refused at once, not waited on
    mkfifo "$T/d/fifo.log"
    chown 65534:65534 "$T/d/fifo.log"
    out=$(timeout 20 "$STK" run --report="$T/d/fifo.log" "$T/rep.stk" -- "$T/bin/report_probe" sys 63 2>&1); rc=$?
    if [ $rc -eq 125 ] && has "$out" "stockade: report: opening $T/d/fifo.log:" && has "$out" "FIFO"; then
        pass report_file_fifo_refused_without_blocking
    else
        fail report_file_fifo_refused_without_blocking "rc=$rc (124: blocked): $out"
    fi
    # a second name of a file the service must not touch (a hard link; the
    # kernel allows one to any file when fs.protected_hardlinks is 0)
    ln "$T/victim" "$T/d/hard.log"
    out=$("$STK" run --report="$T/d/hard.log" "$T/rep.stk" -- "$T/bin/report_probe" sys 63 2>&1); rc=$?
    if [ $rc -eq 125 ] && has "$out" "stockade: report: opening $T/d/hard.log:" && has "$out" "hard link" \
        && [ "$(cat "$T/victim")" = "root's own file" ]; then
        pass report_file_hard_link_refused
    else
        fail report_file_hard_link_refused "rc=$rc: $out; victim: $(cat "$T/victim")"
    fi
    # created 0600 whatever the umask, and /dev/null (a device) is fine
    out=$(umask 000; "$STK" run --report="$T/d/mode.log" "$T/rep.stk" -- "$T/bin/report_probe" sys 63 2>&1); rc=$?
    mode=$(stat -c %a "$T/d/mode.log" 2>&1)
    if [ $rc -eq 0 ] && [ "$mode" = 600 ]; then
        pass report_file_created_0600
    else
        fail report_file_created_0600 "rc=$rc mode=$mode: $out"
    fi
    out=$("$STK" run --report=/dev/null "$T/rep.stk" -- "$T/bin/report_probe" sys 63 2>&1); rc=$?
    if [ $rc -eq 0 ] && ! has "$out" "stockade: report: opening"; then
        pass report_to_dev_null
    else
        fail report_to_dev_null "rc=$rc: $out"
    fi
    pol reproot "" "    seccomp {
        default allow
        errno EACCES uname
    }"
    out=$("$STK" run --report=/dev/stderr "$T/reproot.stk" -- "$T/bin/report_probe" sys 63 2>&1 | cat); rc=$?
    if has "$out" "uname(" && ! has "$out" "stockade: report: opening"; then
        pass report_to_dev_stderr_root
    else
        fail report_to_dev_stderr_root "$out"
    fi
else
    skip report_file_planted_link_refused "needs x86_64 and the report_probe helper"
fi

[ $fails -eq 0 ]
