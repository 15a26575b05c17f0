# vm-boot: apparmor
# unit-kernel.sh — the unit test programs that exercise the running kernel
# (seccomp filters loaded for real, the enforcer around the probe helper), on
# the guest's kernel rather than the host's.  Once is enough (they do not
# depend on the LSM, and take most of a boot's time under TCG): at the
# AppArmor boot.  Result names get the program's name in front:
# "test_enforce.drop_to_nobody".
. /stockade/tests/vm/lib.sh

# Fewer random programs than on the host: the guest is emulated.
STK_BPF_FUZZ=${STK_BPF_FUZZ:-200}
export STK_BPF_FUZZ

# The programs shipped are those of tests/vm/unit-programs.txt.
ran=0
for bin in "$STK_BUILD"/tests/test_*; do
    [ -x "$bin" ] || continue
    t=${bin##*/}
    ran=$((ran + 1))
    out=$("$bin" 2>&1)
    rc=$?
    echo "$out" | sed -n -e "s/^\(PASS\|FAIL\|SKIP\) /\1 $t./p"
    echo "$out" | grep -v -E '^(PASS|FAIL|SKIP) ' | sed "s/^/$t: /"
    if [ $rc -ne 0 ] && ! echo "$out" | grep -q '^FAIL '; then
        fail "$t" "exited with status $rc without reporting a failure"
    fi
done
[ $ran -gt 0 ] || fail unit_programs "no unit test program in $STK_BUILD/tests"

finish
