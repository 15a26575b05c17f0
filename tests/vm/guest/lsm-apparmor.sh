# vm-boot: apparmor
# lsm-apparmor.sh — stockade's AppArmor profiles on a real AppArmor kernel:
# the profile generated on the host (`stockade compile --emit=apparmor`, hook
# tests/vm/guest-prep.d/20-lsm-policies.sh) confines the command and denies a
# path the policy does not allow; a bundle carrying its compiled profile
# (--embed-lsm) loads it itself; fail closed.
. /stockade/tests/vm/lib.sh
S=$STK_BUILD/stockade
X=$STK_BUILD/stockade-exec
P=/stockade/vm/lsm/apparmor-vm.stk

cur() {
    if [ -e /proc/self/attr/apparmor/current ]; then echo /proc/self/attr/apparmor/current; else echo /proc/self/attr/current; fi
}
A=$(cur)

grep -q '^stockade-vm-aa ' /sys/kernel/security/apparmor/profiles && pass profile_loaded_at_boot ||
    fail profile_loaded_at_boot "$(cat /sys/kernel/security/apparmor/profiles)"

# 1. the exact profile
out=$($S run --policy=vmaa $P -- /bin/cat "$A" 2>&1 | tr -d '\0')
[ "$out" = "stockade-vm-aa (enforce)" ] && pass run_exact_profile || fail run_exact_profile "got '$out'"

# 2. a path the policy does not allow: the kernel's security files (the test shell, unconfined, reads it)
ctl=$(cat /sys/kernel/security/lsm 2>&1)
has "$ctl" apparmor && pass control_path_readable_unconfined || fail control_path_readable_unconfined "$ctl"
out=$($S run --policy=vmaa $P -- /bin/cat /sys/kernel/security/lsm 2>&1)
rc=$?
if [ $rc -ne 0 ] && has "$out" "Permission denied" && ! has "$out" apparmor; then
    pass denies_path_policy_does_not_allow
else
    fail denies_path_policy_does_not_allow "rc=$rc: $out"
fi
out=$($S run --policy=vmaa $P -- /bin/cat /proc/self/status 2>&1)
has "$out" "Name:" && pass allowed_path_readable || fail allowed_path_readable "$out"

# 2b. file rules generated from a landlock block (applied here without Landlock): a file
# outside the rule paths is denied by AppArmor, one inside is readable
echo secret >/tmp/aa-outside
chmod 644 /tmp/aa-outside
out=$($S run --policy=vmaa_files_use $P -- /bin/cat /tmp/aa-outside 2>&1)
rc=$?
if [ $rc -ne 0 ] && has "$out" "Permission denied" && ! has "$out" secret &&
    dmesg | grep 'apparmor="DENIED"' | grep 'profile="stockade-vm-files"' | grep -q 'name="/tmp/aa-outside"'; then
    pass landlock_file_rules_deny_outside
else
    fail landlock_file_rules_deny_outside "rc=$rc: $out; $(dmesg | grep stockade-vm-files | tail -n 3)"
fi
out=$($S run --policy=vmaa_files_use $P -- /bin/cat /proc/self/status 2>&1)
has "$out" "Name:" && pass landlock_file_rules_allow_inside || fail landlock_file_rules_allow_inside "$out"
cat /tmp/aa-outside | grep -q secret && pass landlock_file_rules_control || fail landlock_file_rules_control "unreadable unconfined"
rm -f /tmp/aa-outside

# 3. the bundle's own compiled profile (not loaded before) is loaded by stockade-exec
grep -q '^stockade-vm-embed ' /sys/kernel/security/apparmor/profiles && fail embed_not_preloaded "already loaded" ||
    pass embed_not_preloaded
out=$($X /stockade/vm/lsm/vmaa_embed.bundle -- /bin/cat "$A" 2>&1 | tr -d '\0')
[ "$out" = "stockade-vm-embed (enforce)" ] && pass embedded_profile_loaded_and_applied ||
    fail embedded_profile_loaded_and_applied "got '$out'"

# 4. fail closed: a profile nobody loaded; SELinux named on this kernel; optional degrades
out=$($S run --policy=vmaa_absent $P -- /bin/sh -c 'echo RAN' 2>&1)
rc=$?
[ $rc -eq 125 ] && ! has "$out" RAN && has "$out" "profile stockade-vm-absent is not loaded" &&
    pass absent_profile_fails_closed || fail absent_profile_fails_closed "rc=$rc: $out"
out=$($S run --policy=vm_se_strict $P -- /bin/sh -c 'echo RAN' 2>&1)
rc=$?
[ $rc -eq 125 ] && ! has "$out" RAN && has "$out" "SELinux is not running" && pass selinux_absent_fails_closed ||
    fail selinux_absent_fails_closed "rc=$rc: $out"
out=$($S run --policy=vm_se_optional $P -- /bin/sh -c 'echo RAN' 2>&1)
rc=$?
[ $rc -eq 0 ] && has "$out" RAN && has "$out" "stockade: selinux: SELinux is not running on this kernel; the policy marks it optional" && pass selinux_optional_runs ||
    fail selinux_optional_runs "rc=$rc: $out"

finish
