# vm-boot: selinux
# lsm-selinux.sh — stockade's SELinux labels on a real SELinux kernel
# (enforcing, Debian's reference policy plus the module that
# `stockade compile --emit=selinux-cil` generated on the host: hook
# tests/vm/guest-prep.d/20-lsm-policies.sh, policies tests/vm/lsm/):
# exact label and level, sVirt levels unique per instance and released,
# MCS denial of another level's file, fail closed.
. /stockade/tests/vm/lib.sh
H=$STK_VM_HELPER
S=$STK_BUILD/stockade
X=$STK_BUILD/stockade-exec
P=/stockade/vm/lsm/selinux-vm.stk
DOM=system_u:system_r:stockade_vmse_t
MCS=/run/stockade/mcs

reservations() { ls "$MCS" 2>/dev/null | grep -c '^c[0-9]*\.c[0-9]*$'; }

# 1. the exact label and level (explicit level), through `stockade run` and the static stockade-exec
out=$($S run --policy=vmse_fixed $P -- /bin/cat /proc/self/attr/current 2>&1 | tr -d '\0')
[ "$out" = "$DOM:s0:c11,c12" ] && pass run_exact_label || fail run_exact_label "got '$out'"
out=$($X /stockade/vm/lsm/vmse_fixed.bundle -- /bin/cat /proc/self/attr/current 2>&1 | tr -d '\0')
[ "$out" = "$DOM:s0:c11,c12" ] && pass exec_static_exact_label || fail exec_static_exact_label "got '$out'"
# control: without stockade the same command runs as the caller
out=$(/bin/cat /proc/self/attr/current 2>&1 | tr -d '\0')
has "$out" kernel_t && pass control_unlabelled_caller || fail control_unlabelled_caller "got '$out'"

# 2. level auto: one sVirt pair s0:cX,cY (X < Y), reserved while it runs, released after
out=$($S run --policy=vmse $P -- /bin/sh -c "cat /proc/self/attr/current; echo; ls $MCS" 2>&1 | tr -d '\0')
lvl=$(echo "$out" | sed -n "s/^$DOM:\(s0:c[0-9]*,c[0-9]*\)\$/\1/p" | head -n 1)
if [ -n "$lvl" ]; then
    a=$(echo "$lvl" | sed 's/s0:c\([0-9]*\),c.*/\1/')
    b=$(echo "$lvl" | sed 's/.*,c\([0-9]*\)$/\1/')
    name="c$a.c$b"
    if [ "$a" -lt "$b" ] && [ "$b" -lt 1024 ] && has "$out" "$name"; then
        pass auto_level_unique_pair_reserved
    else
        fail auto_level_unique_pair_reserved "level $lvl, reservations seen: $out"
    fi
else
    fail auto_level_unique_pair_reserved "no sVirt label in: $out"
fi
n=$(reservations)
[ "$n" = 0 ] && pass auto_level_released || fail auto_level_released "$n reservation(s) left in $MCS: $(ls $MCS)"

# 3. two instances at the same time get different levels
# (long enough to outlast the scan of /proc below under a slow TCG guest;
# the reservations are counted first, while both surely still run)
$S run --policy=vmse $P -- /bin/sleep 10 </dev/null >/dev/null 2>&1 &
p1=$!
$S run --policy=vmse $P -- /bin/sleep 10 </dev/null >/dev/null 2>&1 &
p2=$!
sleep 1
nres=$(reservations)
levels=""
for f in /proc/[0-9]*/attr/current; do
    c=$(cat "$f" 2>/dev/null | tr -d '\0')
    case "$c" in "$DOM":*) levels="$levels ${c#"$DOM":}" ;; esac
done
set -- $levels
if [ $# -eq 2 ] && [ "$1" != "$2" ] && [ "$nres" = 2 ]; then
    pass two_instances_different_levels
else
    fail two_instances_different_levels "levels:$levels reservations: $nres (now: $(ls $MCS 2>&1))"
fi
wait $p1 $p2
n=$(reservations)
[ "$n" = 0 ] && pass two_instances_released || fail two_instances_released "$n left: $(ls $MCS)"

# 4. MCS: a file of the instance's type at another level is denied; at its own level it is readable
d=$(mktemp -d /tmp/lsmvm.XXXXXX)
chmod 755 "$d"
echo same-level >"$d/own"
echo other-level >"$d/other"
chmod 644 "$d/own" "$d/other"
$H setxattr "$d/own" security.selinux "system_u:object_r:stockade_vmse_file_t:s0:c11,c12"
$H setxattr "$d/other" security.selinux "system_u:object_r:stockade_vmse_file_t:s0:c3,c4"
out=$($S run --policy=vmse_fixed $P -- /bin/cat "$d/own" 2>&1)
[ "$out" = same-level ] && pass mcs_same_level_allowed || fail mcs_same_level_allowed "$out"
out=$($S run --policy=vmse_fixed $P -- /bin/cat "$d/other" 2>&1)
rc=$?
if [ $rc -ne 0 ] && has "$out" "Permission denied" && ! has "$out" other-level; then
    pass mcs_other_level_denied
else
    fail mcs_other_level_denied "rc=$rc: $out"
fi
dmesg | grep 'avc:  denied' | grep 'stockade_vmse_t' | grep -q 's0:c3,c4' && pass mcs_denial_is_selinux ||
    fail mcs_denial_is_selinux "no AVC denial for stockade_vmse_t on s0:c3,c4"
rm -rf "$d"

# 4b. the private tmpfs of the instance is labelled with its file type and level
out=$($S run --policy=vmse_tmpfs $P -- $H getxattr /tmp security.selinux 2>&1 | tr -d '\0')
[ "$out" = "system_u:object_r:stockade_vmse_file_t:s0:c11,c12" ] && pass private_tmpfs_labelled ||
    fail private_tmpfs_labelled "got '$out'"
out=$($H getxattr /tmp security.selinux 2>&1 | tr -d '\0')
has "$out" stockade_vmse_file_t && fail private_tmpfs_control "the host's /tmp has the instance's label: $out" ||
    pass private_tmpfs_control

# 5. fail closed: a type the loaded policy lacks; AppArmor named on this kernel
out=$($S run --policy=vmse_missing $P -- /bin/sh -c 'echo RAN' 2>&1)
rc=$?
if [ $rc -eq 125 ] && ! has "$out" RAN && has "$out" "stockade: selinux: the loaded policy does not accept the context"; then
    pass missing_type_fails_closed
else
    fail missing_type_fails_closed "rc=$rc: $out"
fi
[ "$(reservations)" = 0 ] && pass missing_type_released || fail missing_type_released "$(ls $MCS)"
out=$($S run --policy=vm_aa_strict $P -- /bin/sh -c 'echo RAN' 2>&1)
rc=$?
[ $rc -eq 125 ] && ! has "$out" RAN && has "$out" "AppArmor is not running" && pass apparmor_absent_fails_closed ||
    fail apparmor_absent_fails_closed "rc=$rc: $out"
out=$($S run --policy=vm_aa_optional $P -- /bin/sh -c 'echo RAN' 2>&1)
rc=$?
[ $rc -eq 0 ] && has "$out" RAN && has "$out" "stockade: apparmor: AppArmor is not running on this kernel; the policy marks it optional" && pass apparmor_optional_runs ||
    fail apparmor_optional_runs "rc=$rc: $out"

# 6. a view whose /proc is not a procfs: libselinux would set the exec label
# in a plain file and read the same file back, and the command would run
# unlabelled; refused before anything runs (review finding)
F=/tmp/stk-fakeproc
mkdir -p $F/thread-self/attr $F/self/attr
for a in exec current; do : >$F/thread-self/attr/$a; : >$F/self/attr/$a; done
out=$($S run --policy=vmse_fakeproc $P -- /bin/sh -c 'echo RAN' 2>&1)
rc=$?
[ $rc -eq 125 ] && ! has "$out" RAN && has "$out" "not a procfs" && pass fake_proc_fails_closed ||
    fail fake_proc_fails_closed "rc=$rc: $out"
rm -rf $F

finish
