# vm-boot: selinux
# smoke-selinux.sh — the rig's own SELinux checks: SELinux enforces the
# compiled reference policy, a process can be moved into a domain of an extra
# CIL module (tests/vm/selinux/stockade-vm-smoke.cil) at an MCS level, and
# MCS keeps it from a file of other categories.
. /stockade/tests/vm/lib.sh
H=$STK_VM_HELPER
SMOKE=system_u:system_r:stk_vm_smoke_t

[ "$(cat /sys/fs/selinux/enforce 2>&1)" = 1 ] && pass enforcing \
    || fail enforcing "/sys/fs/selinux/enforce: $(cat /sys/fs/selinux/enforce 2>&1)"
has "$(cat /sys/fs/selinux/mls 2>&1)" 1 && pass mls_enabled || fail mls_enabled "policy without MLS/MCS"

ctx=$(cat /proc/self/attr/current 2>&1 | tr -d '\0')
case "$ctx" in
    system_u:system_r:kernel_t:s0*) pass init_context ;;
    *) fail init_context "the tests run as '$ctx', expected kernel_t" ;;
esac

# init gave the device nodes their usual labels.
lab=$($H getxattr /dev/null security.selinux 2>&1)
[ "$lab" = system_u:object_r:null_device_t:s0 ] && pass dev_null_label || fail dev_null_label "/dev/null is '$lab'"

# Into the smoke domain at s0:c1,c2: the new process reports exactly that.
out=$($H selinux-exec "$SMOKE:s0:c1,c2" /bin/cat /proc/self/attr/current 2>&1 | tr -d '\0')
[ "$out" = "$SMOKE:s0:c1,c2" ] && pass transition_exact_label \
    || fail transition_exact_label "got '$out', expected '$SMOKE:s0:c1,c2'"

# Two processes started at different levels really run at those levels.
a=$($H selinux-exec "$SMOKE:s0:c5" /bin/cat /proc/self/attr/current 2>&1 | tr -d '\0')
b=$($H selinux-exec "$SMOKE:s0:c6" /bin/cat /proc/self/attr/current 2>&1 | tr -d '\0')
if [ "$a" = "$SMOKE:s0:c5" ] && [ "$b" = "$SMOKE:s0:c6" ]; then
    pass two_levels
else
    fail two_levels "got '$a' and '$b'"
fi

# An invalid context is refused by the kernel.
if $H selinux-exec "system_u:system_r:no_such_type_t:s0" /bin/true 2>/dev/null; then
    fail invalid_context_refused "an unknown type was accepted"
else
    pass invalid_context_refused
fi

# MCS: files of the smoke type at c1,c2 and at c3,c4 on tmpfs.
d=$(mktemp -d /tmp/mcs.XXXXXX)
echo same-level >"$d/c12"
echo other-level >"$d/c34"
chmod 755 "$d"
chmod 644 "$d/c12" "$d/c34"
$H setxattr "$d/c12" security.selinux "system_u:object_r:stk_vm_smoke_file_t:s0:c1,c2" \
    && $H setxattr "$d/c34" security.selinux "system_u:object_r:stk_vm_smoke_file_t:s0:c3,c4"
lab=$($H getxattr "$d/c34" security.selinux 2>&1)
[ "$lab" = "system_u:object_r:stk_vm_smoke_file_t:s0:c3,c4" ] && pass relabel_file \
    || fail relabel_file "label of $d/c34 is '$lab'"

out=$($H selinux-exec "$SMOKE:s0:c1,c2" /bin/cat "$d/c12" 2>&1)
[ "$out" = same-level ] && pass mcs_same_level_read \
    || fail mcs_same_level_read "a process at c1,c2 could not read a c1,c2 file: $out"

out=$($H selinux-exec "$SMOKE:s0:c1,c2" /bin/cat "$d/c34" 2>&1)
rc=$?
if [ $rc -ne 0 ] && has "$out" "Permission denied" && ! has "$out" other-level; then
    pass mcs_other_level_denied
else
    fail mcs_other_level_denied "a process at c1,c2 read a c3,c4 file (rc=$rc): $out"
fi

# And the denial was SELinux's: the kernel logged an AVC for it.
if dmesg | grep 'avc:  denied' | grep -q 'stk_vm_smoke_file_t:s0:c3,c4'; then
    pass mcs_denial_audited
else
    fail mcs_denial_audited "no AVC denial for the c3,c4 file in dmesg"
fi

# A module written by a guest-prep hook (tests/vm/guest-prep.d/00-rig-smoke.sh)
# is in the policy too.
out=$($H selinux-exec system_u:system_r:stk_vm_hook_t:s0 /bin/cat /proc/self/attr/current 2>&1 | tr -d '\0')
[ "$out" = system_u:system_r:stk_vm_hook_t:s0 ] && pass hook_module_loaded \
    || fail hook_module_loaded "got '$out'"

finish
