#!/bin/busybox sh
# shellcheck shell=dash
# init.sh — /init of the QEMU guest (busybox sh, PID 1).  Packed by
# build-initramfs.sh; see docs/vm.md.
#
# Sets up the guest (proc, sys, devtmpfs, securityfs, cgroup2, tmpfs /tmp and
# /run; for the SELinux boot: selinuxfs, the policy load and enforcing mode;
# for the AppArmor boot: the rig's profiles), runs every guest test
# /stockade/tests/vm/guest/*.sh meant for this boot, and powers off.
#
# Protocol with the host (run-vm.sh): the results go to the second serial
# port (/dev/ttyS1), which the kernel never writes to, and are repeated on the
# console (ttyS0) for people reading the console log:
#     STK-VM-BOOT apparmor|selinux
#     STK-VM-KERNEL <uname -r>
#     STK-VM-LSM <contents of /sys/kernel/security/lsm>
#     PASS <test>/<name>            FAIL <test>/<name>: reason      SKIP <test>/<name>: reason
#     STOCKADE-VM-RESULT: N passed, N failed, N skipped
# A missing result line means the guest crashed or hung: the host fails.

PATH=/bin:/sbin:/usr/bin:/usr/sbin
export PATH
HELPER=/stockade/vm/bin/stk-vm-helper
/bin/busybox --install -s /bin

mkdir -p /dev /proc /sys /tmp /run
mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t securityfs securityfs /sys/kernel/security
mount -t cgroup2 cgroup2 /sys/fs/cgroup
mount -t tmpfs -o mode=1777 tmpfs /tmp
mount -t tmpfs -o mode=0755 tmpfs /run

# The results channel (a failed redirection of exec would end this shell:
# test first).  Without it the host finds no result line and fails.
if [ -c /dev/ttyS1 ]; then
    exec 3>/dev/ttyS1
    stty -F /dev/ttyS1 raw -echo 2>/dev/null
else
    echo "stockade-vm: no /dev/ttyS1 for the results; writing them to the console only"
    exec 3>/dev/null
fi

emit() {
    echo "$*"
    echo "$*" >&3
}

npass=0 nfail=0 nskip=0
result() { # result PASS|FAIL|SKIP TEXT
    case "$1" in
        PASS) npass=$((npass + 1)) ;;
        FAIL) nfail=$((nfail + 1)) ;;
        SKIP) nskip=$((nskip + 1)) ;;
    esac
    emit "$1 $2"
}

finish() {
    echo "stockade-vm: $(dmesg | grep -c 'avc:  denied') SELinux AVC denials and" \
        "$(dmesg | grep -c 'apparmor="DENIED"') AppArmor denials in the kernel log"
    emit "STOCKADE-VM-RESULT: $npass passed, $nfail failed, $nskip skipped"
    if [ "$nfail" -ne 0 ]; then
        echo "---- dmesg (kernel messages; AVC / apparmor denials among them) ----"
        dmesg | tail -n 200
    fi
    sync
    poweroff -f
    sleep 30
}

# Kernel command line: stockade.boot=apparmor|selinux, stockade.tests=GLOB
# (only the guest tests whose file name matches), stockade.timeout=SECONDS
# (per guest test).
boot=unknown tests_glob='*' test_timeout=300
for arg in $(cat /proc/cmdline); do
    case "$arg" in
        stockade.boot=*) boot=${arg#stockade.boot=} ;;
        stockade.tests=*) tests_glob=${arg#stockade.tests=} ;;
        stockade.timeout=*) test_timeout=${arg#stockade.timeout=} ;;
    esac
done

lsm=$(cat /sys/kernel/security/lsm 2>/dev/null)
emit "STK-VM-BOOT $boot"
emit "STK-VM-KERNEL $(uname -r)"
emit "STK-VM-LSM $lsm"
echo "stockade-vm: cgroup controllers: $(cat /sys/fs/cgroup/cgroup.controllers)"

case ",$lsm," in
    *",$boot,"*) result PASS boot/lsm_active ;;
    *) result FAIL "boot/lsm_active: $boot is not in the active LSMs ($lsm)" ;;
esac

# ---- per-boot security setup ------------------------------------------------
if [ "$boot" = selinux ]; then
    policy=/stockade/vm/selinux/policy
    if ! mount -t selinuxfs selinuxfs /sys/fs/selinux; then
        result FAIL "boot/selinux_policy_load: cannot mount selinuxfs"
        finish
    fi
    # busybox has no load_policy, and its cat writes in pieces, which the
    # kernel rejects: the helper hands the policy over in one write.
    if out=$($HELPER write-once "$policy" /sys/fs/selinux/load 2>&1); then
        result PASS boot/selinux_policy_load
    else
        result FAIL "boot/selinux_policy_load: writing $policy to /sys/fs/selinux/load: $out"
        finish
    fi
    # Device nodes made before the policy load all carry one type: give the
    # common ones the labels udev/restorecon give them on a real system
    # (the reference policy's file contexts), as confined domains expect.
    for spec in null:null_device_t full:null_device_t zero:zero_device_t \
        random:random_device_t urandom:urandom_device_t console:console_device_t \
        tty:devtty_t kmsg:kmsg_device_t ptmx:ptmx_t ttyS0:tty_device_t ttyS1:tty_device_t; do
        node=/dev/${spec%%:*}
        [ -e "$node" ] || continue
        $HELPER setxattr "$node" security.selinux "system_u:object_r:${spec#*:}:s0" \
            || result FAIL "boot/selinux_dev_labels: cannot label $node"
    done
    echo 1 >/sys/fs/selinux/enforce
    if [ "$(cat /sys/fs/selinux/enforce)" = 1 ]; then
        result PASS boot/selinux_enforcing
    else
        result FAIL "boot/selinux_enforcing: /sys/fs/selinux/enforce is $(cat /sys/fs/selinux/enforce)"
    fi
    echo "stockade-vm: init runs as $(cat /proc/self/attr/current)"
elif [ "$boot" = apparmor ]; then
    # Load the rig's profiles: text profiles with the guest's own
    # apparmor_parser (compiled in the guest, against this kernel), *.bin
    # (precompiled on the host) straight through the kernel interface.
    for p in /stockade/vm/apparmor/*; do
        [ -f "$p" ] || continue
        name=${p##*/}
        case "$p" in
            *.bin) out=$($HELPER write-once "$p" /sys/kernel/security/apparmor/.replace 2>&1) ;;
            *) out=$(apparmor_parser -r -K "$p" 2>&1) ;;
        esac
        if [ $? -eq 0 ]; then
            result PASS "boot/apparmor_load/$name"
        else
            result FAIL "boot/apparmor_load/$name: $(echo "$out" | tr '\n' ' ')"
        fi
    done
fi

# ---- the guest tests ------------------------------------------------------------
mkdir -p /tmp/stockade-vm-logs
for t in /stockade/tests/vm/guest/*.sh; do
    [ -f "$t" ] || continue
    name=${t##*/}
    name=${name%.sh}
    # shellcheck disable=SC2254 # a glob on purpose
    case "$name" in $tests_glob) ;; *) continue ;; esac
    want=$(sed -n 's/^# *vm-boot: *//p' "$t" | head -n 1)
    want=$(echo "${want:-any}" | tr ',|' '  ')
    case " $want " in
        *" any "* | *" $boot "*) ;;
        *) continue ;;
    esac
    log=/tmp/stockade-vm-logs/$name.log
    echo "==== $name ($boot) ===="
    t0=$(date +%s)
    # No terminal and no results port for the tests: stdin /dev/null, output
    # to the log (results are taken from the log only).
    (cd /stockade && STK_VM_BOOT=$boot exec timeout -s KILL "$test_timeout" sh "$t") \
        </dev/null >"$log" 2>&1 3>&-
    rc=$?
    t1=$(date +%s)
    p0=$npass f0=$nfail s0=$nskip
    while IFS= read -r line; do
        case "$line" in
            "PASS "* | "FAIL "* | "SKIP "*) result "${line%% *}" "$name/${line#* }" ;;
            *) echo "  $name| $line" ;;
        esac
    done <"$log"
    if [ "$rc" -ne 0 ] && [ "$nfail" -eq "$f0" ]; then
        [ "$rc" -eq 137 ] && why="killed after ${test_timeout}s (hung?)" || why="exited with status $rc"
        result FAIL "$name: $why without reporting a failure"
    fi
    if [ "$npass" -eq "$p0" ] && [ "$nfail" -eq "$f0" ] && [ "$nskip" -eq "$s0" ]; then
        result FAIL "$name: reported no test results"
    fi
    echo "==== $name: exit status $rc after $((t1 - t0)) s ===="
done

finish
