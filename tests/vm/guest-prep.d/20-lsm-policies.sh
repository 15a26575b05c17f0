#!/usr/bin/env bash
# 20-lsm-policies.sh — guest-prep hook (docs/vm.md, "Hooks") for the LSM
# guest tests (tests/vm/guest/lsm-*.sh): the SELinux CIL module and the
# AppArmor profile are generated from the policies by the compiler under
# test, on the host, exactly as a user would:
#   stockade compile --emit=selinux-cil   -> compiled into the guest policy
#   stockade compile --emit=apparmor      -> compiled on the host for the
#                                            guest kernel's features and
#                                            loaded at the AppArmor boot
#   stockade compile --embed-lsm          -> a bundle carrying its own profile
# and the policies themselves are copied to /stockade/vm/lsm/.
set -euo pipefail
S=$STK_BUILD/stockade
src=tests/vm/lsm
dst=$STK_VM_ROOT/stockade/vm/lsm
mkdir -p "$dst"
cp "$src"/*.stk "$dst/"

"$S" compile --emit=selinux-cil --policy=vmse -o "$STK_VM_SELINUX_DIR/stockade_vmse.cil" "$src/selinux-vm.stk"
"$S" compile --emit=apparmor --policy=vmaa -o "$dst/stockade-vm-aa.profile" "$src/apparmor-vm.stk"
apparmor_parser -Q -S -M "$STK_VM_APPARMOR_FEATURES" "$dst/stockade-vm-aa.profile" \
    >"$STK_VM_APPARMOR_DIR/stockade-vm-aa.bin"
"$S" compile --emit=apparmor --policy=vmaa_files -o "$dst/stockade-vm-files.profile" "$src/apparmor-vm.stk"
apparmor_parser -Q -S -M "$STK_VM_APPARMOR_FEATURES" "$dst/stockade-vm-files.profile" \
    >"$STK_VM_APPARMOR_DIR/stockade-vm-files.bin"
"$S" compile --embed-lsm --apparmor-features="$STK_VM_APPARMOR_FEATURES" --policy=vmaa_embed \
    -o "$dst/vmaa_embed.bundle" "$src/apparmor-vm.stk"
"$S" compile --policy=vmse_fixed -o "$dst/vmse_fixed.bundle" "$src/selinux-vm.stk"
