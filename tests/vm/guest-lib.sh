# shellcheck shell=dash
# lib.sh — helpers for the guest tests (tests/vm/guest/*.sh), sourced in the
# QEMU guest as /stockade/tests/vm/lib.sh:   . /stockade/tests/vm/lib.sh
# The guest shell is busybox sh (ash): no bash arrays, no [[ ]] patterns.
#
#   pass NAME            prints "PASS NAME"
#   fail NAME REASON     prints "FAIL NAME: REASON" (and counts it)
#   skip NAME REASON     prints "SKIP NAME: REASON"
#   check NAME CMD...    PASS if CMD succeeds, else FAIL with its output
#   has TEXT NEEDLE      true if TEXT contains NEEDLE
#   finish               exits 1 if anything failed (end every test with it)
#
# Set by the guest's init for every test: the working directory /stockade (the
# repository's layout: build/, policies/, tests/vm/), STK_VM_BOOT (apparmor or
# selinux), and the variables below.

STK_ROOT=/stockade
STK_BUILD=/stockade/build
STK_VM_HELPER=/stockade/vm/bin/stk-vm-helper
export STK_ROOT STK_BUILD STK_VM_HELPER
STK_VM_FAILS=0

pass() { echo "PASS $1"; }
fail() {
    echo "FAIL $1: $(echo "$2" | tr '\n' ' ')"
    STK_VM_FAILS=$((STK_VM_FAILS + 1))
}
skip() { echo "SKIP $1: $2"; }

check() {
    _name=$1
    shift
    if _out=$("$@" 2>&1); then
        pass "$_name"
    else
        fail "$_name" "'$*' exited with $?: $_out"
    fi
}

has() {
    case "$1" in
        *"$2"*) return 0 ;;
    esac
    return 1
}

finish() {
    [ "$STK_VM_FAILS" -eq 0 ]
    exit $?
}
