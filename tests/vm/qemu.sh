# shellcheck shell=bash
# qemu.sh — sourced by run-vm.sh: which accelerator the guests get, and
# running one guest with a watchdog on its console (docs/vm.md,
# "Accelerator").  Needs QEMU, vm_log (lib.sh) and the common QEMU options
# in the array VM_QEMU_BASE.
#
# A usable-looking /dev/kvm is not proof that KVM runs our kernel: on a host
# whose KVM is a paravirtual nested hypervisor (e.g. PVM, "kvm_pvm"), QEMU
# either aborts at once (-cpu host: "failed to set MSR 0x10a") or the guest
# hangs silently right after the boot loader's setup code.  So KVM is used
# only after a short probe boot under it reached the end of the kernel's
# boot; otherwise TCG, and stderr says which and why.

# vm_pick_accel KERNEL_DIR WORK_DIR: sets VM_ACCEL (QEMU options, an array)
# and VM_ACCEL_WHY (one line).
vm_pick_accel() {
    local kdir=$1 work=$2
    VM_ACCEL=(-accel tcg)
    case "${STK_VM_ACCEL:-auto}" in
        tcg)
            VM_ACCEL_WHY="STK_VM_ACCEL=tcg"
            return 0
            ;;
        auto | kvm) ;;
        *) vm_die "STK_VM_ACCEL must be auto, kvm or tcg (not '$STK_VM_ACCEL')" ;;
    esac
    if [ -n "${STK_VM_NO_KVM:-}" ]; then
        VM_ACCEL_WHY="STK_VM_NO_KVM is set"
    elif [ ! -e /dev/kvm ]; then
        VM_ACCEL_WHY="this machine has no /dev/kvm"
    elif [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then
        VM_ACCEL_WHY="/dev/kvm is not readable and writable by uid $(id -u)"
    else
        vm_probe_kvm "$kdir" "$work" && return 0
    fi
    if [ "${STK_VM_ACCEL:-auto}" = kvm ]; then
        vm_die "STK_VM_ACCEL=kvm but KVM cannot be used: $VM_ACCEL_WHY"
    fi
    return 0
}

# vm_probe_kvm KERNEL_DIR WORK_DIR: boot the kernel under KVM with no
# initramfs and no root device.  A kernel that runs panics at the end of its
# boot ("VFS: Unable to mount root fs"), and panic=-1 with -no-reboot makes
# QEMU exit then: a second or two.  Anything else within
# STK_VM_KVM_PROBE_TIMEOUT seconds (default 20) means TCG.
vm_probe_kvm() {
    local kdir=$1 work=$2 cpu=${STK_VM_KVM_CPU:-host} limit=${STK_VM_KVM_PROBE_TIMEOUT:-20}
    local log="$work/kvm-probe.console.log" qlog="$work/kvm-probe.qemu.log" t0=$SECONDS rc
    rm -f "$log" "$qlog"
    # (a subshell: QEMU may abort, and bash would report that on stderr)
    (timeout --kill-after=5 "$limit" "$QEMU" -accel kvm -cpu "$cpu" "${VM_QEMU_BASE[@]}" \
        -serial "file:$log" -kernel "$kdir/vmlinuz" \
        -append "console=ttyS0 earlyprintk=serial,ttyS0,115200 ignore_loglevel panic=-1" \
        </dev/null >"$qlog" 2>&1; exit $?) 2>/dev/null
    rc=$?
    local took=$((SECONDS - t0))
    if grep -q 'Kernel panic - not syncing: VFS' "$log" 2>/dev/null; then
        VM_ACCEL=(-accel kvm -cpu "$cpu")
        VM_ACCEL_WHY="a probe boot under KVM (-cpu $cpu) ran the kernel to the end of its boot in $took s"
        return 0
    fi
    local last
    last=$(tr -d '\r' <"$log" 2>/dev/null | grep -v '^[[:space:]]*$' | tail -n 1) || true
    if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
        VM_ACCEL_WHY="/dev/kvm is there, but a probe boot under KVM (-cpu $cpu) printed nothing past"
        VM_ACCEL_WHY="$VM_ACCEL_WHY '${last:-(nothing at all)}' in $limit s (a nested or paravirtual KVM"
        VM_ACCEL_WHY="$VM_ACCEL_WHY that cannot run this kernel?); console: $log"
    else
        VM_ACCEL_WHY="/dev/kvm is there, but QEMU under KVM (-cpu $cpu) exited with status $rc after $took s:"
        VM_ACCEL_WHY="$VM_ACCEL_WHY $(grep -v '^[[:space:]]*$' "$qlog" 2>/dev/null | head -n 1)"
    fi
    return 1
}

# vm_run_guest CONSOLE COMMAND...: run COMMAND (QEMU under timeout) in the
# background and watch CONSOLE: when the guest's init has not announced
# itself there ("STK-VM-BOOT") within STK_VM_BOOT_TIMEOUT seconds (default
# 90; a boot takes about 5 s under TCG), kill it instead of waiting for the
# whole STK_VM_TIMEOUT.  Sets VM_GUEST_SILENT (empty, or the seconds waited) and returns
# the command's exit status.
vm_run_guest() {
    local console=$1 pid rc t0=$SECONDS
    local boot_limit=${STK_VM_BOOT_TIMEOUT:-90}
    shift
    VM_GUEST_SILENT=""
    "$@" &
    pid=$!
    while kill -0 "$pid" 2>/dev/null; do
        grep -q 'STK-VM-BOOT' "$console" 2>/dev/null && break
        if [ $((SECONDS - t0)) -ge "$boot_limit" ]; then
            VM_GUEST_SILENT=$boot_limit
            kill -TERM "$pid" 2>/dev/null
            break
        fi
        sleep 1
    done
    wait "$pid"
    rc=$?
    return "$rc"
}
