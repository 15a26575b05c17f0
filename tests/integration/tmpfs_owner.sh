#!/usr/bin/env bash
# tmpfs_owner.sh — `tmpfs PATH owner USER [group GROUP]`: a non-root service
# owns its private tmpfs (no mode 1777 needed); names, numbers, the refusals
# (unknown names, a uid without a primary group, a caller that cannot give the
# directory away) and the language's errors.
set -u
B=${STK_BUILD:-build}
STK=$(realpath "$B/stockade")
EXEC=$(realpath "$B/stockade-exec")
. "$(dirname "$0")/lib.sh"
itest_tmp /var/tmp/stk-own-XXXXXX
mkdir "$T/own"
chmod 755 "$T/own"

pol() { printf 'policy %s {\n%s\n}\n' "$1" "$2" >"$T/$1.stk"; chmod 644 "$T/$1.stk"; }

# ---- the language --------------------------------------------------------------------
pol lang "    namespaces mount
    filesystem { tmpfs $T/own owner nobody group nogroup mode 0700 size 1M }"
out=$("$STK" check "$T/lang.stk" 2>&1); rc=$?
[ $rc -eq 0 ] && pass owner_accepted || fail owner_accepted "rc=$rc: $out"
out=$("$STK" compile -o "$T/lang.bundle" "$T/lang.stk" 2>&1 && "$STK" inspect "$T/lang.bundle" 2>&1)
has "$out" "mode 0700 owner nobody group nogroup" && pass owner_inspected || fail owner_inspected "$out"
pol twice "    namespaces mount
    filesystem { tmpfs $T/own owner nobody owner 0 }"
out=$("$STK" check "$T/twice.stk" 2>&1); rc=$?
[ $rc -ne 0 ] && has "$out" "'owner' is given twice" && pass owner_twice_refused || fail owner_twice_refused "rc=$rc: $out"
pol novalue "    namespaces mount
    filesystem { tmpfs $T/own owner }"
out=$("$STK" check "$T/novalue.stk" 2>&1); rc=$?
[ $rc -ne 0 ] && has "$out" "'owner' needs a value" && pass owner_needs_value || fail owner_needs_value "rc=$rc: $out"
pol badid "    namespaces mount
    filesystem { tmpfs $T/own group 4294967295 }"
out=$("$STK" check "$T/badid.stk" 2>&1); rc=$?
[ $rc -ne 0 ] && has "$out" "is not a group name or number" && pass owner_bad_id || fail owner_bad_id "rc=$rc: $out"
pol typo "    namespaces mount
    filesystem { tmpfs $T/own ownr nobody }"
out=$("$STK" check "$T/typo.stk" 2>&1); rc=$?
[ $rc -ne 0 ] && has "$out" "owner" && pass owner_did_you_mean || fail owner_did_you_mean "rc=$rc: $out"

if [ "$(id -u)" -ne 0 ]; then
    skip tmpfs_owner_run "needs root (the rootless refusal runs as nobody from root)"
    [ $fails -eq 0 ]
    exit
fi

# ---- as root: the service's user owns its tmpfs and writes there without 1777 ----------
pol svc "    user nobody
    namespaces mount
    filesystem { tmpfs $T/own owner nobody mode 0700 }"
out=$("$STK" run "$T/svc.stk" -- sh -c "stat -c '%U:%G %a' $T/own && touch $T/own/x && echo wrote" 2>&1); rc=$?
if [ $rc -eq 0 ] && has "$out" "nobody:nogroup 700" && has "$out" "wrote" && [ ! -e "$T/own/x" ]; then
    pass owner_name_primary_group
else
    fail owner_name_primary_group "rc=$rc: $out"
fi
pol num "    user 65534
    group 65534
    namespaces mount
    filesystem { tmpfs $T/own owner 65534 group 0 mode 0750 }"
"$STK" compile -o "$T/num.bundle" "$T/num.stk" >/dev/null 2>&1
out=$("$EXEC" "$T/num.bundle" -- sh -c "stat -c '%u:%g %a' $T/own && touch $T/own/y && echo wrote" 2>&1); rc=$?
[ $rc -eq 0 ] && has "$out" "65534:0 750" && has "$out" "wrote" && pass owner_numbers_exec \
    || fail owner_numbers_exec "rc=$rc: $out"
pol grouponly "    namespaces mount
    filesystem { tmpfs $T/own group nogroup }"
out=$("$STK" run "$T/grouponly.stk" -- stat -c '%U:%G' "$T/own" 2>&1); rc=$?
[ $rc -eq 0 ] && has "$out" "root:nogroup" && pass owner_group_only || fail owner_group_only "rc=$rc: $out"

# without the option the tmpfs stays root's: the command cannot write it (the bug's workaround was 1777)
pol noowner "    user nobody
    namespaces mount
    filesystem { tmpfs $T/own mode 0700 }"
out=$("$STK" run "$T/noowner.stk" -- sh -c "touch $T/own/x" 2>&1); rc=$?
[ $rc -ne 0 ] && has "$out" "Permission denied" && pass no_owner_root_owned || fail no_owner_root_owned "rc=$rc: $out"

# refusals, exit 125 naming the step and the entry
pol unknown "    namespaces mount
    filesystem { tmpfs $T/own owner stk-no-such-user }"
out=$("$STK" run "$T/unknown.stk" -- true 2>&1); rc=$?
[ $rc -eq 125 ] && has "$out" "tmpfs $T/own: unknown user \"stk-no-such-user\"" && pass owner_unknown_user \
    || fail owner_unknown_user "rc=$rc: $out"
pol nopw "    namespaces mount
    filesystem { tmpfs $T/own owner 4242424 }"
out=$("$STK" run "$T/nopw.stk" -- true 2>&1); rc=$?
[ $rc -eq 125 ] && has "$out" "no passwd entry" && pass owner_uid_without_group_refused \
    || fail owner_uid_without_group_refused "rc=$rc: $out"

# an unprivileged caller: in its user namespace only its own id is mapped; it
# cannot give the tmpfs to root (or anyone else): a clear refusal, nothing runs
if ! command -v setpriv >/dev/null || [ "$(cat /proc/sys/user/max_user_namespaces 2>/dev/null || echo 0)" = 0 ]; then
    skip owner_rootless_refused "no setpriv or no unprivileged user namespaces"
else
    pol rootless "    namespaces user, mount
    filesystem { tmpfs $T/own owner 0 }"
    out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$STK" run "$T/rootless.stk" -- echo ran 2>&1); rc=$?
    if [ $rc -eq 125 ] && has "$out" "tmpfs $T/own" && has "$out" "cannot give it to 0:" && ! has "$out" "ran"; then
        pass owner_rootless_refused
    else
        fail owner_rootless_refused "rc=$rc: $out"
    fi
    pol rootless_self "    namespaces user, mount
    filesystem { tmpfs $T/own owner 65534 group 65534 mode 0700 }"
    out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$STK" run "$T/rootless_self.stk" -- \
        sh -c "stat -c '%u %a' $T/own && touch $T/own/z && echo wrote" 2>&1); rc=$?
    [ $rc -eq 0 ] && has "$out" "65534 700" && has "$out" "wrote" && pass owner_rootless_self \
        || fail owner_rootless_self "rc=$rc: $out"
fi
[ $fails -eq 0 ]
