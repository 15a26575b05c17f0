#!/usr/bin/env bash
# fetch-kernel.sh — Debian's stock kernel for the QEMU rig, cached outside the
# repository.  Prints the directory that holds it:
#     DIR/vmlinuz   the kernel image (everything the rig needs is built in:
#                   SELinux, AppArmor, Landlock, cgroup v2, seccomp, the 8250
#                   serial console, devtmpfs, tmpfs xattrs — no modules)
#     DIR/config    its build configuration (run-vm.sh reads CONFIG_LSM)
#     DIR/release   the kernel release (uname -r), DIR/package: "NAME VERSION"
# The image package is the one linux-image-amd64 depends on, in the version
# apt would install; it is downloaded once per version
# (${STK_VM_CACHE:-/var/cache/stockade-vm}/kernel/NAME_VERSION/).
# STK_VM_KERNEL_DIR=DIR uses a directory of that layout instead.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

if [ -n "${STK_VM_KERNEL_DIR:-}" ]; then
    [ -f "$STK_VM_KERNEL_DIR/vmlinuz" ] && [ -f "$STK_VM_KERNEL_DIR/config" ] \
        || vm_die "STK_VM_KERNEL_DIR=$STK_VM_KERNEL_DIR has no vmlinuz and config"
    printf '%s\n' "$STK_VM_KERNEL_DIR"
    exit 0
fi

vm_need_cmd apt-get apt
vm_need_cmd dpkg-deb dpkg

# linux-image-amd64 (the metapackage) depends on exactly one versioned image
# package, e.g. "linux-image-6.1.0-56-amd64 (= 6.1.192-2)".
dep=$(vm_candidate_field linux-image-amd64 Depends)
pkg=$(printf '%s\n' "$dep" | tr ',' '\n' | sed -n 's/^ *\(linux-image-[0-9][^ ]*\).*/\1/p' | head -n 1)
[ -n "$pkg" ] || vm_die "cannot find the image package in linux-image-amd64's Depends: $dep"
ver=$(vm_candidate_field "$pkg" Version)

kroot=$(vm_cache_dir kernel)
dir="$kroot/${pkg}_$ver"

fetch() {
    if [ -f "$dir/complete" ]; then
        touch "$dir/last-used"
        return 0
    fi
    local deb img
    # Not local: the EXIT trap (fetch runs in its own subshell, vm_with_lock)
    # runs after the function has returned.
    tmp=$(mktemp -d "$kroot/.fetch.XXXXXX")
    trap 'rm -rf "$tmp"' EXIT
    vm_log "downloading $pkg $ver"
    deb=$(vm_apt_download "$pkg" "$ver" "$tmp")
    mkdir "$tmp/x"
    # Only /boot is needed: the image, its config and System.map.
    dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp/x" ./boot \
        || vm_die "cannot unpack /boot from $deb"
    img=$(ls "$tmp"/x/boot/vmlinuz-* 2>/dev/null | head -n 1)
    [ -n "$img" ] || vm_die "$deb has no /boot/vmlinuz-*"
    local rel=${img##*/vmlinuz-}
    [ -f "$tmp/x/boot/config-$rel" ] || vm_die "$deb has no /boot/config-$rel"
    rm -rf "$dir"
    mkdir -p "$dir"
    mv "$img" "$dir/vmlinuz"
    mv "$tmp/x/boot/config-$rel" "$dir/config"
    printf '%s\n' "$rel" >"$dir/release"
    printf '%s %s\n' "$pkg" "$ver" >"$dir/package"
    touch "$dir/complete"
    # One kernel is enough: drop older versions (once unused for a day).
    vm_prune_cache "$kroot" "$dir"
}

# (Not in an "if": that would switch off set -e inside the function.)
set +e
(set -e; vm_with_lock "$kroot/.lock" fetch)
rc=$?
set -e
if [ $rc -ne 0 ]; then
    # No archive (offline?): a kernel cached earlier still does the job.
    for old in "$kroot"/linux-image-*; do
        if [ -f "$old/complete" ]; then
            vm_log "warning: could not fetch $pkg $ver; using the cached ${old##*/}"
            printf '%s\n' "$old"
            exit 0
        fi
    done
    vm_die "could not fetch $pkg $ver, and no kernel is cached in $kroot"
fi
printf '%s\n' "$dir"
