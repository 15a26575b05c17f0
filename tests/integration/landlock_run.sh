#!/usr/bin/env bash
# landlock_run.sh — the landlock block on the real kernel (issue 5): reads,
# writes and execution beneath the allowed paths and EACCES elsewhere, TCP
# bind/connect rules (ABI >= 4), signal and abstract-unix scopes (ABI >= 6),
# compat required/best-effort on this kernel's ABI, a missing rule path,
# no_new_privs off with cap_sys_admin, a policy that lets nothing execute,
# the static stockade-exec, and rootless as nobody.  What lower ABIs keep of
# a policy is tested with injected ABI numbers in test_limits_bundle.
# Prints PASS/FAIL/SKIP lines; exits non-zero on failure.
set -u
B=${STK_BUILD:-build}
STK=$B/stockade
EXEC=$B/stockade-exec
LP=$(realpath "$B/tests/helpers/limprobe")
T=$(mktemp -d /tmp/stk-ll-XXXXXX)
chmod 755 "$T"
bg=()
cleanup() {
    for p in "${bg[@]}"; do kill "$p" 2>/dev/null; done
    rm -rf "$T"
}
trap cleanup EXIT
. "$(dirname "$0")/lib.sh"

for f in "$STK" "$EXEC" "$LP"; do
    [ -x "$f" ] || { echo "FAIL setup: $f not built"; exit 1; }
done
abi=$("$LP" landlock-abi | sed -n 's/^landlock-abi: //p')
if [ "${abi:-0}" -lt 1 ]; then
    skip landlock_all "this kernel has no Landlock (ABI 0)"
    exit 0
fi
# Where the helper lives must be executable under every policy below.
helpers=$(dirname "$LP")
mkdir -p "$T/ro/sub" "$T/rw" "$T/other" "$T/bin"
echo data >"$T/ro/f"
echo data >"$T/ro/sub/g"
echo data >"$T/other/f"
cp /bin/true "$T/bin/true"
cp /bin/true "$T/other/true"
chmod -R a+rwX "$T"

# The system directories a dynamic program needs (loader, libraries).
SYS_EXEC="/usr, /lib, /lib64, /bin, $helpers"

cat >"$T/fs.stk" <<POL
policy fs {
    landlock {
        read /etc, $T/ro
        write $T/rw
        execute $SYS_EXEC, $T/bin
    }
}
POL

# ---- filesystem ----------------------------------------------------------------------
out=$("$STK" run "$T/fs.stk" -- "$LP" read "$T/ro/f" read "$T/ro/sub/g" read /etc/hostname read "$T/other/f" \
    read "$T/rw" write "$T/rw/new" write "$T/ro/new" write "$T/other/new" mkdir "$T/rw/d" mkdir "$T/ro/d" 2>&1)
rc=$?
if [ $rc -eq 0 ] && has "$out" "read $T/ro/f: ok" && has "$out" "read $T/ro/sub/g: ok" \
    && has "$out" "read /etc/hostname: ok" && has "$out" "read $T/other/f: errno=13" \
    && has "$out" "read $T/rw: errno=13"; then
    pass landlock_read_beneath_only
else
    fail landlock_read_beneath_only "rc=$rc: $out"
fi
if has "$out" "write $T/rw/new: ok" && has "$out" "write $T/ro/new: errno=13" \
    && has "$out" "write $T/other/new: errno=13" && has "$out" "mkdir $T/rw/d: ok" \
    && has "$out" "mkdir $T/ro/d: errno=13" && [ -e "$T/rw/new" ] && [ ! -e "$T/ro/new" ]; then
    pass landlock_write_beneath_only
else
    fail landlock_write_beneath_only "rc=$rc: $out"
fi

out=$("$STK" run "$T/fs.stk" -- "$LP" exec "$T/bin/true" exec "$T/other/true" exec /bin/true 2>&1)
rc=$?
if [ $rc -eq 0 ] && has "$out" "exec $T/bin/true: ok" && has "$out" "exec $T/other/true: errno=13" \
    && has "$out" "exec /bin/true: ok"; then
    pass landlock_execute_beneath_only
else
    fail landlock_execute_beneath_only "rc=$rc: $out"
fi

# the same through a compiled bundle and the static stockade-exec
if "$STK" compile -o "$T/fs.bundle" "$T/fs.stk" >/dev/null 2>&1; then
    out=$("$EXEC" "$T/fs.bundle" -- "$LP" read "$T/ro/f" read "$T/other/f" 2>&1)
    rc=$?
    if [ $rc -eq 0 ] && has "$out" "read $T/ro/f: ok" && has "$out" "read $T/other/f: errno=13"; then
        pass landlock_stockade_exec
    else
        fail landlock_stockade_exec "rc=$rc: $out"
    fi
    out=$("$STK" inspect "$T/fs.bundle" 2>&1)
    if has "$out" "landlock (compat required; needs ABI 5" && has "$out" "$T/ro read" && has "$out" "$T/rw write"; then
        pass landlock_inspect
    else
        fail landlock_inspect "$out"
    fi
else
    fail landlock_stockade_exec "stockade compile failed"
fi

# rootless: the same rules as nobody
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
    out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$STK" run "$T/fs.stk" -- \
        "$LP" read "$T/ro/f" read "$T/other/f" write "$T/rw/nobody" write "$T/other/nobody" 2>&1)
    rc=$?
    if [ $rc -eq 0 ] && has "$out" "read $T/ro/f: ok" && has "$out" "read $T/other/f: errno=13" \
        && has "$out" "write $T/rw/nobody: ok" && has "$out" "write $T/other/nobody: errno=13"; then
        pass landlock_rootless
    else
        fail landlock_rootless "rc=$rc: $out"
    fi
else
    skip landlock_rootless "needs root and setpriv to become nobody"
fi

# nothing executable: the command cannot start (126), and check warns
cat >"$T/noexec.stk" <<'POL'
policy noexec {
    landlock {
        read /
    }
}
POL
out=$("$STK" run "$T/noexec.stk" -- "$LP" write "$T/rw/ran" 2>&1)
rc=$?
if [ $rc -eq 126 ] && has "$out" "landlock-no-execute" && has "$out" "stockade: exec:" && [ ! -e "$T/rw/ran" ]; then
    pass landlock_nothing_executable
else
    fail landlock_nothing_executable "rc=$rc: $out"
fi

# a rule path that does not exist: skipped with a warning, the rest applies
cat >"$T/missing.stk" <<POL
policy missing {
    landlock {
        read $T/nonexistent, $T/ro
        execute $SYS_EXEC
    }
}
POL
out=$("$STK" run "$T/missing.stk" -- "$LP" read "$T/ro/f" read "$T/other/f" 2>&1)
rc=$?
if [ $rc -eq 0 ] && has "$out" "stockade: landlock: $T/nonexistent: No such file or directory; its rule is skipped" \
    && has "$out" "read $T/ro/f: ok" && has "$out" "read $T/other/f: errno=13"; then
    pass landlock_missing_path_skipped
else
    fail landlock_missing_path_skipped "rc=$rc: $out"
fi

# no_new_privs off: refused at compile time, unless cap_sys_admin is kept
cat >"$T/nnp.stk" <<POL
policy nnp {
    no_new_privs off
    landlock {
        execute $SYS_EXEC
    }
}
POL
out=$("$STK" run "$T/nnp.stk" -- "$LP" write "$T/rw/nnp" 2>&1)
rc=$?
if [ $rc -eq 125 ] && has "$out" "landlock-needs-nnp" && [ ! -e "$T/rw/nnp" ]; then
    pass landlock_needs_no_new_privs
else
    fail landlock_needs_no_new_privs "rc=$rc: $out"
fi
if [ "$(id -u)" -eq 0 ]; then
    sed -i 's/no_new_privs off/no_new_privs off\n    capabilities { keep sys_admin }/' "$T/nnp.stk"
    out=$("$STK" run "$T/nnp.stk" -- "$LP" read /etc/hostname 2>&1)
    rc=$?
    if [ $rc -eq 0 ] && has "$out" "read /etc/hostname: errno=13"; then
        pass landlock_without_nnp_with_sys_admin
    else
        fail landlock_without_nnp_with_sys_admin "rc=$rc: $out"
    fi
else
    skip landlock_without_nnp_with_sys_admin "needs root (cap_sys_admin)"
fi

# ---- network (ABI 4) -------------------------------------------------------------------
port_base=$((20000 + $$ % 20000))
pb=$port_base pbad=$((port_base + 1)) pc=$((port_base + 2)) pcbad=$((port_base + 3))
cat >"$T/net.stk" <<POL
policy net {
    landlock {
        bind tcp $pb
        connect tcp $pc
        compat required
    }
}
POL
if [ "$abi" -ge 4 ]; then
    out=$("$STK" run "$T/net.stk" -- "$LP" bind "$pb" bind "$pbad" connect "$pc" connect "$pcbad" read /etc/hostname 2>&1)
    rc=$?
    # denied: EACCES (13); allowed: anything else (bind: 0, or EADDRINUSE if
    # some other program has the port; connect: ECONNREFUSED with no listener)
    if [ $rc -eq 0 ] && has "$out" "bind $pb: " && ! has "$out" "bind $pb: errno=13" \
        && has "$out" "bind $pbad: errno=13" && has "$out" "connect $pc: " && ! has "$out" "connect $pc: errno=13" \
        && has "$out" "connect $pcbad: errno=13" && has "$out" "read /etc/hostname: ok"; then
        pass landlock_tcp_bind_connect
    else
        fail landlock_tcp_bind_connect "rc=$rc: $out"
    fi
else
    out=$("$STK" run "$T/net.stk" -- "$LP" pid 2>&1)
    rc=$?
    if [ $rc -eq 125 ] && has "$out" "lacks what the policy restricts: bind tcp (ABI 4)"; then
        pass landlock_tcp_required_refused
    else
        fail landlock_tcp_required_refused "rc=$rc: $out"
    fi
    skip landlock_tcp_bind_connect "kernel Landlock ABI $abi < 4"
fi

# ---- scopes (ABI 6) ----------------------------------------------------------------------
sleep 60 &
outside=$!
bg+=("$outside")
name="stk-ll-$$"
"$LP" unix-listen "$name" 60 >"$T/listen.out" 2>&1 &
bg+=("$!")
for _ in $(seq 50); do grep -q ready "$T/listen.out" && break; sleep 0.1; done
cat >"$T/scope.stk" <<POL
policy scope {
    landlock {
        scope signal, abstract-unix
    }
}
POL
cat >"$T/noscope.stk" <<POL
policy noscope {
    landlock {
        restrict net
    }
}
POL
if [ "$abi" -ge 6 ]; then
    out=$("$STK" run "$T/scope.stk" -- "$LP" signal "$outside" signal-child unix-connect "$name" 2>&1)
    rc=$?
    base=$("$STK" run "$T/noscope.stk" -- "$LP" signal "$outside" unix-connect "$name" 2>&1)
    if [ $rc -eq 0 ] && has "$out" "signal $outside: errno=1" && has "$out" "signal-child : ok" \
        && has "$base" "signal $outside: ok"; then
        pass landlock_scope_signal
    else
        fail landlock_scope_signal "rc=$rc: $out / without the scope: $base"
    fi
    if [ $rc -eq 0 ] && has "$out" "unix-connect $name: errno=1" && has "$base" "unix-connect $name: ok"; then
        pass landlock_scope_abstract_unix
    else
        fail landlock_scope_abstract_unix "rc=$rc: $out / without the scope: $base"
    fi
else
    skip landlock_scope_signal "kernel Landlock ABI $abi < 6"
    skip landlock_scope_abstract_unix "kernel Landlock ABI $abi < 6"
fi

# ---- compat on this kernel ------------------------------------------------------------------
# Everything this build knows (ABI <= 7): required runs when the kernel has it
# all, best-effort always runs and names what it dropped.
cat >"$T/all.stk" <<POL
policy all {
    landlock {
        read /etc
        execute $SYS_EXEC
        write $T/rw
        connect tcp $pc
        scope signal
        compat COMPAT
    }
}
POL
sed 's/COMPAT/required/' "$T/all.stk" >"$T/required.stk"
sed 's/COMPAT/best-effort/' "$T/all.stk" >"$T/besteffort.stk"
out=$("$STK" run "$T/required.stk" -- "$LP" read /etc/hostname read "$T/other/f" 2>&1)
rc=$?
if [ "$abi" -ge 6 ]; then
    if [ $rc -eq 0 ] && has "$out" "read /etc/hostname: ok" && has "$out" "read $T/other/f: errno=13" \
        && ! has "$out" "stockade: landlock"; then
        pass landlock_required_full_abi
    else
        fail landlock_required_full_abi "rc=$rc: $out"
    fi
else
    if [ $rc -eq 125 ] && has "$out" "stockade: landlock: the kernel's Landlock ABI is $abi and lacks"; then
        pass landlock_required_refuses_lower_abi
    else
        fail landlock_required_refuses_lower_abi "rc=$rc: $out"
    fi
fi
out=$("$STK" run "$T/besteffort.stk" -- "$LP" read /etc/hostname read "$T/other/f" 2>&1)
rc=$?
if [ $rc -eq 0 ] && has "$out" "read /etc/hostname: ok" && has "$out" "read $T/other/f: errno=13"; then
    if [ "$abi" -ge 6 ] && ! has "$out" "not enforced"; then
        pass landlock_best_effort
    elif [ "$abi" -lt 6 ] && has "$out" "stockade: landlock: the kernel's Landlock ABI is $abi; not enforced (compat best-effort):"; then
        pass landlock_best_effort
    else
        fail landlock_best_effort "abi $abi, rc=$rc: $out"
    fi
else
    fail landlock_best_effort "rc=$rc: $out"
fi

[ "$fails" -eq 0 ]
