#!/usr/bin/env bash
# build-initramfs.sh OUT.cpio.gz — packs the QEMU guest's initramfs from the
# current build (see docs/vm.md for the layout):
#     /init                               tests/vm/init.sh
#     /bin/busybox                        busybox-static (applet links made at boot)
#     /sbin/apparmor_parser               the host's parser, for the AppArmor boot
#     /stockade/build/...                 stockade, stockade-exec, tests/helpers/*,
#                                         the unit test programs of tests/vm/unit-programs.txt
#     /stockade/policies/                 policies/
#     /stockade/tests/vm/guest/*.sh       the guest tests; tests/vm/lib.sh their helpers
#     /stockade/vm/bin/stk-vm-helper      the static helper (tests/vm/helper/)
#     /stockade/vm/selinux/policy         refpolicy + tests/vm/selinux/*.cil + hook modules
#     /stockade/vm/apparmor/*             tests/vm/apparmor/* + hook profiles
#     /lib*, /usr/lib*                    the shared libraries of the binaries (via ldd)
# Before packing it runs the hooks tests/vm/guest-prep.d/*.sh (in name order)
# on the host; docs/vm.md describes their environment.
# Environment: STK_BUILD (default build), STK_VM_KERNEL_DIR (from fetch-kernel.sh,
# passed on to the hooks).
set -euo pipefail
export LC_ALL=C
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

[ $# -eq 1 ] || { echo "usage: build-initramfs.sh OUT.cpio.gz" >&2; exit 2; }
out=$1
repo=$(cd "$here/../.." && pwd)
cd "$repo"
build=$(cd "${STK_BUILD:-build}" 2>/dev/null && pwd) || vm_die "no build directory ${STK_BUILD:-build}: run make first"

vm_need_cmd cpio cpio
vm_need_cmd gzip gzip
vm_need_cmd ldd libc-bin
BUSYBOX=${STK_VM_BUSYBOX:-/bin/busybox}
PARSER=${STK_VM_APPARMOR_PARSER:-/sbin/apparmor_parser}
[ -x "$BUSYBOX" ] || vm_die "$BUSYBOX not found (Debian package busybox-static; 'make deps-vm' installs it)"
[ -x "$PARSER" ] || vm_die "$PARSER not found (Debian package apparmor; 'make deps-vm' installs it)"
if ldd "$BUSYBOX" >/dev/null 2>&1; then
    vm_die "$BUSYBOX is linked dynamically: the guest needs busybox-static"
fi

for f in "$build/stockade" "$build/stockade-exec" "$build/vm/stk-vm-helper"; do
    [ -x "$f" ] || vm_die "$f is not built (make check-vm builds it)"
done

work="$build/vm"
stage="$work/root"
prep="$work/prep"
rm -rf "$stage" "$prep"
mkdir -p "$stage"/{bin,sbin,dev,proc,sys,tmp,run,etc,root} "$stage/sys/fs/cgroup" \
    "$stage/stockade/build/tests/helpers" "$stage/stockade/tests/vm/guest" \
    "$stage/stockade/vm/bin" "$stage/stockade/vm/selinux" "$stage/stockade/vm/apparmor" \
    "$prep/selinux" "$prep/apparmor"

# add_file SRC DEST: copy, keeping the mode.
add_file() {
    mkdir -p "$(dirname "$2")"
    cp -p "$1" "$2" || vm_die "cannot copy $1 to $2"
}

# add_program SRC DEST: copy a program and the shared libraries it needs
# (under the same absolute paths, the dynamic loader included).
add_program() {
    add_file "$1" "$2"
    local libs lib
    # ldd fails for static programs ("not a dynamic executable"): nothing to add.
    libs=$(ldd "$1" 2>/dev/null | awk '/=> \// { print $3 } /^[ \t]*\// { print $1 }') || return 0
    for lib in $libs; do
        [ -e "$stage$lib" ] && continue
        add_file "$(readlink -f "$lib")" "$stage$lib"
    done
}

add_file "$BUSYBOX" "$stage/bin/busybox"
add_file tests/vm/init.sh "$stage/init"
chmod 755 "$stage/init"
add_program "$PARSER" "$stage/sbin/apparmor_parser"
# The parser's configuration and what profiles may include (abi/, tunables/,
# abstractions/), when present.
# (Debian's parser.conf pins the policy features to the file the package
# ships, as on a real Debian system.)
[ -f /etc/apparmor/parser.conf ] && add_file /etc/apparmor/parser.conf "$stage/etc/apparmor/parser.conf"
[ -f /usr/share/apparmor-features/features ] \
    && add_file /usr/share/apparmor-features/features "$stage/usr/share/apparmor-features/features"
for d in abi tunables abstractions; do
    if [ -d "/etc/apparmor.d/$d" ]; then
        mkdir -p "$stage/etc/apparmor.d"
        cp -a "/etc/apparmor.d/$d" "$stage/etc/apparmor.d/"
    fi
done

add_program "$build/stockade" "$stage/stockade/build/stockade"
add_program "$build/stockade-exec" "$stage/stockade/build/stockade-exec"
add_program "$build/vm/stk-vm-helper" "$stage/stockade/vm/bin/stk-vm-helper"
for f in "$build"/tests/helpers/*; do
    [ -f "$f" ] && [ -x "$f" ] || continue
    add_program "$f" "$stage/stockade/build/${f#"$build"/}"
done
# The kernel-facing unit test programs (tests/vm/unit-programs.txt).
for name in $(sed 's/#.*//' tests/vm/unit-programs.txt); do
    [ -x "$build/tests/$name" ] || vm_die "$build/tests/$name is not built (make check-vm builds it)"
    add_program "$build/tests/$name" "$stage/stockade/build/tests/$name"
done
cp -a policies "$stage/stockade/"
add_file tests/vm/guest-lib.sh "$stage/stockade/tests/vm/lib.sh"
for f in tests/vm/guest/*.sh; do
    [ -f "$f" ] && add_file "$f" "$stage/stockade/$f"
done
for f in tests/vm/apparmor/*; do
    [ -f "$f" ] && add_file "$f" "$stage/stockade/vm/apparmor/${f##*/}"
done

# Users and groups the example policies name.
cat >"$stage/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
www-data:x:33:33:www-data:/var/www:/bin/false
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
cat >"$stage/etc/group" <<'EOF'
root:x:0:
daemon:x:1:
www-data:x:33:
nogroup:x:65534:
EOF

# ---- hooks ------------------------------------------------------------------------
export STK_BUILD="$build" STK_VM_ROOT="$stage" STK_VM_SELINUX_DIR="$prep/selinux" \
    STK_VM_APPARMOR_DIR="$prep/apparmor" STK_VM_CACHE \
    STK_VM_APPARMOR_FEATURES=${STK_VM_APPARMOR_FEATURES:-/usr/share/apparmor-features/features}
export STK_VM_KERNEL_DIR=${STK_VM_KERNEL_DIR:-}
for hook in tests/vm/guest-prep.d/*.sh; do
    [ -f "$hook" ] || continue
    vm_log "hook $hook"
    bash "$hook" || vm_die "guest-prep hook $hook failed (exit $?)"
done
for f in "$prep"/apparmor/*; do
    [ -f "$f" ] && add_file "$f" "$stage/stockade/vm/apparmor/${f##*/}"
done

# ---- SELinux policy: refpolicy + the rig's modules + the hooks' modules ----------
cils=()
for f in tests/vm/selinux/*.cil "$prep"/selinux/*.cil; do
    [ -f "$f" ] && cils+=("$f")
done
bash "$here/build-selinux-policy.sh" "$stage/stockade/vm/selinux/policy" "${cils[@]}"

# ---- pack ----------------------------------------------------------------------------
chmod -R go-w "$stage"
chmod 1777 "$stage/tmp"
tmpout=$(mktemp "$out.XXXXXX")
trap 'rm -f "$tmpout"' EXIT
(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet | gzip -6) >"$tmpout" \
    || vm_die "cannot pack $stage into $out"
mv "$tmpout" "$out"
vm_log "initramfs: $out ($(du -k "$out" | cut -f1) KiB)"
