#!/bin/sh
# landlock_abi.sh — the landlock block on the guest's kernel (issue 5), whose
# Landlock ABI is older than the development hosts' (Debian 12's 6.1: ABI 2):
# `compat required` refuses a policy that restricts what the kernel cannot
# (125, nothing run, the missing rights named); `compat best-effort` runs it
# with what the kernel has, says what it dropped, and the rules that remain
# hold.  A kernel with every right the policy uses passes both.
# busybox sh; helpers from lib.sh (pass/fail/skip/has/finish).
# vm-boot: apparmor
. /stockade/tests/vm/lib.sh

STK=$STK_BUILD/stockade
LP=$STK_BUILD/tests/helpers/limprobe
T=$(mktemp -d /tmp/stk-ll.XXXXXX)
chmod 755 "$T"
mkdir -p "$T/ro" "$T/other"
echo data >"$T/ro/f"
echo data >"$T/other/f"
chmod -R a+rwX "$T"

abi=$("$LP" landlock-abi | sed -n 's/^landlock-abi: //p')
echo "guest Landlock ABI: $abi"
if [ "${abi:-0}" -lt 1 ]; then
    skip landlock_all "the guest kernel has no Landlock"
    finish
fi

# The directories the loader and libraries are in (the guest has the host's
# under the same paths), the helpers, and the rules under test.
write_policy() { # write_policy NAME COMPAT EXTRA-LINE
    cat >"$T/$1.stk" <<EOF
policy $1 {
    landlock {
        read $T/ro
        execute /lib, /lib64, /stockade/build
        $3
        compat $2
    }
}
EOF
}
write_policy fsreq required ""
write_policy fsbest best-effort ""
write_policy netbest best-effort "connect tcp 40001"

# ---- filesystem: the policy handles every filesystem right (truncate: ABI 3, ioctl-dev: ABI 5)
out=$("$STK" run "$T/fsreq.stk" -- "$LP" read "$T/ro/f" read "$T/other/f" 2>&1)
rc=$?
if [ "$abi" -ge 5 ]; then
    if [ $rc -eq 0 ] && has "$out" "read $T/ro/f: ok" && has "$out" "read $T/other/f: errno=13"; then
        pass landlock_required_filesystem
    else
        fail landlock_required_filesystem "ABI $abi, rc=$rc: $out"
    fi
else
    if [ $rc -eq 125 ] && has "$out" "stockade: landlock: the kernel's Landlock ABI is $abi and lacks what the policy restricts:" \
        && has "$out" "ioctl-dev (ABI 5)" && ! has "$out" "read $T/ro/f"; then
        pass landlock_required_refuses_lower_abi
    else
        fail landlock_required_refuses_lower_abi "ABI $abi, rc=$rc: $out"
    fi
fi

out=$("$STK" run "$T/fsbest.stk" -- "$LP" read "$T/ro/f" read "$T/other/f" 2>&1)
rc=$?
if [ $rc -eq 0 ] && has "$out" "read $T/ro/f: ok" && has "$out" "read $T/other/f: errno=13"; then
    if [ "$abi" -ge 5 ] && ! has "$out" "not enforced"; then
        pass landlock_best_effort_filesystem
    elif [ "$abi" -lt 5 ] && has "$out" "stockade: landlock: the kernel's Landlock ABI is $abi; not enforced (compat best-effort):" \
        && has "$out" "ioctl-dev (ABI 5)"; then
        pass landlock_best_effort_filesystem
    else
        fail landlock_best_effort_filesystem "ABI $abi: $out"
    fi
else
    fail landlock_best_effort_filesystem "ABI $abi, rc=$rc: $out"
fi

# ---- network (ABI 4): dropped under best-effort on an older kernel -------------------------------
out=$("$STK" run "$T/netbest.stk" -- "$LP" connect 40001 connect 40002 read "$T/other/f" 2>&1)
rc=$?
if [ "$abi" -ge 4 ]; then
    # allowed: ECONNREFUSED (111), or ENETUNREACH (101) where lo is down; denied: EACCES (13)
    if [ $rc -eq 0 ] && has "$out" "connect 40001: errno=" && ! has "$out" "connect 40001: errno=13" \
        && has "$out" "connect 40002: errno=13"; then
        pass landlock_best_effort_network
    else
        fail landlock_best_effort_network "ABI $abi, rc=$rc: $out"
    fi
else
    if [ $rc -eq 0 ] && has "$out" "connect tcp (ABI 4)" && has "$out" "connect 40002: errno=" \
        && ! has "$out" "connect 40002: errno=13" \
        && has "$out" "read $T/other/f: errno=13"; then
        pass landlock_best_effort_network_dropped
    else
        fail landlock_best_effort_network_dropped "ABI $abi, rc=$rc: $out"
    fi
fi

# ---- rootless: stockade becomes nobody, then runs the inner stockade with Landlock
cat >"$T/nobody.stk" <<'EOF'
policy nobody {
    user nobody
    group nogroup
}
EOF
chmod 644 "$T"/*.stk
out=$("$STK" run "$T/nobody.stk" -- "$STK" run "$T/fsbest.stk" -- "$LP" read "$T/ro/f" read "$T/other/f" 2>&1)
rc=$?
if [ $rc -eq 0 ] && has "$out" "read $T/ro/f: ok" && has "$out" "read $T/other/f: errno=13"; then
    pass landlock_rootless
else
    fail landlock_rootless "rc=$rc: $out"
fi

rm -rf "$T"
finish
