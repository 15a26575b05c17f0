# vm-boot: apparmor
# smoke-apparmor.sh — the rig's own AppArmor checks: AppArmor is the active
# LSM, the rig's profiles are loaded (a text one by the guest's parser, a
# binary one precompiled on the host), a process moved onto a profile is
# denied a path the profile does not allow, and profiles can be loaded and
# replaced from a test.
. /stockade/tests/vm/lib.sh
H=$STK_VM_HELPER
AA=/sys/kernel/security/apparmor

has ",$(cat /sys/kernel/security/lsm)," ",apparmor," && pass apparmor_active \
    || fail apparmor_active "lsm: $(cat /sys/kernel/security/lsm)"
profiles=$(cat $AA/profiles 2>&1)
if has "$profiles" "stk_vm_smoke (enforce)" && has "$profiles" "stk_vm_smoke_bin (enforce)"; then
    pass profiles_loaded
else
    fail profiles_loaded "$AA/profiles: $profiles"
fi

mkdir -p /tmp/aa-smoke
echo allowed-data >/tmp/aa-smoke/allowed
echo secret-data >/tmp/aa-smoke/denied
echo bin-data >/tmp/aa-smoke/bin-allowed

out=$($H apparmor-exec stk_vm_smoke /bin/cat /proc/self/attr/current 2>&1 | tr -d '\0')
[ "$out" = "stk_vm_smoke (enforce)" ] && pass confined_label || fail confined_label "got '$out'"

out=$($H apparmor-exec stk_vm_smoke /bin/cat /tmp/aa-smoke/allowed 2>&1)
[ "$out" = allowed-data ] && pass allowed_path_read || fail allowed_path_read "$out"

out=$($H apparmor-exec stk_vm_smoke /bin/cat /tmp/aa-smoke/denied 2>&1)
rc=$?
if [ $rc -ne 0 ] && has "$out" "Permission denied" && ! has "$out" secret-data; then
    pass other_path_denied
else
    fail other_path_denied "rc=$rc: $out"
fi
if dmesg | grep 'apparmor="DENIED"' | grep 'profile="stk_vm_smoke"' | grep -q 'name="/tmp/aa-smoke/denied"'; then
    pass denial_audited
else
    fail denial_audited "no apparmor DENIED message for /tmp/aa-smoke/denied in dmesg"
fi

# The host-compiled binary profile enforces too.
out=$($H apparmor-exec stk_vm_smoke_bin /bin/cat /tmp/aa-smoke/bin-allowed 2>&1)
[ "$out" = bin-data ] && pass binary_profile_allows || fail binary_profile_allows "$out"
out=$($H apparmor-exec stk_vm_smoke_bin /bin/cat /tmp/aa-smoke/allowed 2>&1)
rc=$?
[ $rc -ne 0 ] && has "$out" "Permission denied" && pass binary_profile_denies \
    || fail binary_profile_denies "rc=$rc: $out"

# Unconfined processes are not affected.
out=$(cat /tmp/aa-smoke/denied 2>&1)
[ "$out" = secret-data ] && pass unconfined_reads || fail unconfined_reads "$out"

# A profile loaded from a test, then replaced by a wider one.
cat >/tmp/aa-smoke/dyn.profile <<'P'
profile stk_vm_dyn {
  /bin/busybox mr,
  /dev/null rw,
}
P
if out=$(apparmor_parser -r -K /tmp/aa-smoke/dyn.profile 2>&1); then
    out=$($H apparmor-exec stk_vm_dyn /bin/cat /tmp/aa-smoke/allowed 2>&1)
    if has "$out" "Permission denied"; then
        pass parser_load_in_guest
    else
        fail parser_load_in_guest "stk_vm_dyn let cat read: $out"
    fi
    sed -i 's|^}|  /tmp/aa-smoke/allowed r,\n}|' /tmp/aa-smoke/dyn.profile
    if out=$(apparmor_parser -r -K /tmp/aa-smoke/dyn.profile 2>&1) \
        && [ "$($H apparmor-exec stk_vm_dyn /bin/cat /tmp/aa-smoke/allowed 2>&1)" = allowed-data ]; then
        pass parser_replace_in_guest
    else
        fail parser_replace_in_guest "$out"
    fi
else
    fail parser_load_in_guest "apparmor_parser: $out"
    skip parser_replace_in_guest "the load failed"
fi

finish
