#!/usr/bin/env bash
# run-vm.sh — the real-kernel rig (`make check-vm`): boots Debian's stock
# kernel under QEMU with a busybox initramfs carrying the current build and
# the guest tests, once per LSM, and reports what the guests found.
#
# Prints the guests' results as "PASS vm-BOOT: TEST/NAME" (FAIL/SKIP alike)
# and ends with "N passed, N failed, N skipped"; exits non-zero on any
# failure, a guest that did not finish (crash, panic, timeout: no result
# line), a result count that does not match the guest's own, or a kernel that
# did not come up with the intended LSM.  Logs: build/vm/BOOT.console.log
# (serial console: kernel and init), build/vm/BOOT.results.log (results port).
#
# Environment:
#   STK_BUILD           build directory (default build)
#   STK_VM_BOOTS        boots to run (default "apparmor selinux")
#   STK_VM_TESTS        only the guest tests whose name (without .sh) matches this glob
#   STK_VM_TIMEOUT      seconds before a guest is killed (default 600)
#   STK_VM_BOOT_TIMEOUT seconds before a guest whose init printed nothing is killed (default 90)
#   STK_VM_ACCEL        auto (default: KVM when a probe boot works, else TCG), kvm, tcg
#   STK_VM_NO_KVM       non-empty: TCG without probing KVM
#   STK_VM_KVM_PROBE_TIMEOUT, STK_VM_KVM_CPU  the KVM probe boot's limit (default 20 s) and -cpu (host)
#   STK_VM_TEST_TIMEOUT seconds one guest test may take (default 300)
#   STK_VM_CACHE        download cache (default /var/cache/stockade-vm)
#   STK_VM_KERNEL_DIR   use this kernel directory (vmlinuz + config) instead of Debian's
#   STK_VM_MEM, STK_VM_SMP  guest memory (MiB, default 1024) and CPUs (default 2)
#   STK_VM_APPEND       extra kernel command-line arguments
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/qemu.sh"
repo=$(cd "$here/../.." && pwd)
cd "$repo"
build=${STK_BUILD:-build}
work="$build/vm"
mkdir -p "$work"
start=$(date +%s)

# A rig that cannot run fails like a test (it is never skipped).
setup_fail() {
    echo "FAIL vm: setup: $*"
    echo "0 passed, 1 failed, 0 skipped"
    exit 1
}

QEMU=${STK_VM_QEMU:-qemu-system-x86_64}
command -v "$QEMU" >/dev/null 2>&1 \
    || setup_fail "$QEMU not found (Debian package qemu-system-x86; 'make deps-vm' installs it)"

kdir=$(bash "$here/fetch-kernel.sh") || setup_fail "no kernel (fetch-kernel.sh failed, see above)"
export STK_VM_KERNEL_DIR="$kdir"
vm_log "kernel: $(cat "$kdir/package" 2>/dev/null || echo "$kdir") (release $(cat "$kdir/release" 2>/dev/null || echo unknown))"
STK_BUILD="$build" bash "$here/build-initramfs.sh" "$work/initramfs.cpio.gz" \
    || setup_fail "no initramfs (build-initramfs.sh failed, see above)"

# lsm= for one boot: the kernel's own default order (CONFIG_LSM) with the
# other major LSMs taken out, so that exactly the wanted one is active.
default_lsm=$(sed -n 's/^CONFIG_LSM="\(.*\)"$/\1/p' "$kdir/config")
[ -n "$default_lsm" ] || setup_fail "no CONFIG_LSM in $kdir/config"
lsm_for() {
    local want=$1 out="" m
    for m in ${default_lsm//,/ }; do
        case "$m" in
            apparmor | selinux | smack | tomoyo) [ "$m" = "$want" ] || continue ;;
        esac
        out="$out${out:+,}$m"
    done
    case ",$out," in *",$want,"*) ;; *) out="$out,$want" ;; esac
    printf '%s\n' "$out"
}

VM_QEMU_BASE=(-m "${STK_VM_MEM:-1024}" -smp "${STK_VM_SMP:-2}"
    -nodefaults -no-user-config -display none -monitor none -no-reboot)
vm_pick_accel "$kdir" "$work"
vm_log "accelerator: ${VM_ACCEL[*]} ($VM_ACCEL_WHY)"

total_p=0 total_f=0 total_s=0
report() { # report PASS|FAIL|SKIP TEXT
    echo "$1 $2"
    case "$1" in
        PASS) total_p=$((total_p + 1)) ;;
        FAIL) total_f=$((total_f + 1)) ;;
        SKIP) total_s=$((total_s + 1)) ;;
    esac
}

for boot in ${STK_VM_BOOTS:-apparmor selinux}; do
    case "$boot" in
        apparmor | selinux) ;;
        *) vm_die "unknown boot '$boot' in STK_VM_BOOTS (apparmor, selinux)" ;;
    esac
    console="$work/$boot.console.log"
    results="$work/$boot.results.log"
    rm -f "$console" "$results"
    lsm=$(lsm_for "$boot")
    append="console=ttyS0 panic=-1 loglevel=4 lsm=$lsm stockade.boot=$boot"
    append="$append stockade.timeout=${STK_VM_TEST_TIMEOUT:-300}"
    [ -n "${STK_VM_TESTS:-}" ] && append="$append stockade.tests=$STK_VM_TESTS"
    [ -n "${STK_VM_APPEND:-}" ] && append="$append $STK_VM_APPEND"
    vm_log "booting $boot: $append"
    t0=$(date +%s)
    set +e
    vm_run_guest "$console" timeout --kill-after=10 "${STK_VM_TIMEOUT:-600}" "$QEMU" "${VM_ACCEL[@]}" \
        "${VM_QEMU_BASE[@]}" -serial "file:$console" -serial "file:$results" \
        -kernel "$kdir/vmlinuz" -initrd "$work/initramfs.cpio.gz" -append "$append" \
        </dev/null >"$work/$boot.qemu.log" 2>&1
    qrc=$?
    set -e
    vm_log "$boot guest ran $(($(date +%s) - t0)) s (qemu exit $qrc)"

    p=0 f=0 s=0 sentinel="" guest_lsm="" booted="" guest_kernel=""
    if [ -f "$results" ]; then
        while IFS= read -r line; do
            line=${line%$'\r'}
            case "$line" in
                "PASS "* | "FAIL "* | "SKIP "*)
                    kind=${line%% *}
                    report "$kind" "vm-$boot: ${line#* }"
                    case "$kind" in PASS) p=$((p + 1)) ;; FAIL) f=$((f + 1)) ;; SKIP) s=$((s + 1)) ;; esac
                    ;;
                "STK-VM-BOOT "*) booted=${line#STK-VM-BOOT } ;;
                "STK-VM-LSM "*) guest_lsm=${line#STK-VM-LSM } ;;
                "STK-VM-KERNEL "*) guest_kernel=${line#STK-VM-KERNEL } ;;
                "STOCKADE-VM-RESULT: "*) sentinel=${line#STOCKADE-VM-RESULT: } ;;
            esac
        done <"$results"
    fi

    vm_log "$boot guest: kernel ${guest_kernel:-?}, LSMs ${guest_lsm:-?}, guest counted: ${sentinel:-nothing}"
    # The kernel must have come up with exactly the wanted major LSM.
    other=selinux
    [ "$boot" = selinux ] && other=apparmor
    if [ -z "$guest_lsm" ]; then
        report FAIL "vm-$boot: lsm_is_$boot: the guest reported no active LSMs"
    elif [ "$booted" != "$boot" ]; then
        report FAIL "vm-$boot: lsm_is_$boot: the guest ran the '$booted' boot"
    else
        case ",$guest_lsm," in
            *",$other,"*) report FAIL "vm-$boot: lsm_is_$boot: $other is active too: $guest_lsm" ;;
            *",$boot,"*) report PASS "vm-$boot: lsm_is_$boot" ;;
            *) report FAIL "vm-$boot: lsm_is_$boot: $boot is not active: $guest_lsm" ;;
        esac
    fi
    if [ -z "$sentinel" ]; then
        why="qemu exit status $qrc"
        [ "$qrc" -eq 124 ] || [ "$qrc" -eq 137 ] && why="killed after ${STK_VM_TIMEOUT:-600} s"
        [ -n "$VM_GUEST_SILENT" ] \
            && why="killed: its init printed nothing on the console within $VM_GUEST_SILENT s under ${VM_ACCEL[*]}"
        [ -n "$VM_GUEST_SILENT" ] && [ "${VM_ACCEL[1]}" = kvm ] && why="$why; STK_VM_NO_KVM=1 forces TCG"
        report FAIL "vm-$boot: guest_finished: no result line from the guest ($why; crash, panic or hang?); console: $console"
        echo "---- last lines of $console ----"
        tail -n 40 "$console" 2>/dev/null | tr -d '\r' | sed 's/^/    /'
        if [ -s "$work/$boot.qemu.log" ]; then
            echo "---- qemu said ----"
            sed 's/^/    /' "$work/$boot.qemu.log"
        fi
    elif [ "$sentinel" != "$p passed, $f failed, $s skipped" ]; then
        report FAIL "vm-$boot: guest_finished: the guest counted '$sentinel' but the results port had $p passed, $f failed, $s skipped"
    else
        report PASS "vm-$boot: guest_finished"
    fi
    if [ "$f" -ne 0 ]; then
        echo "    (vm-$boot: test output and kernel messages in $console)"
    fi
done

vm_log "check-vm took $(($(date +%s) - start)) s"
echo "$total_p passed, $total_f failed, $total_s skipped"
[ "$total_f" -eq 0 ]
