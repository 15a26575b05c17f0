# lib.sh — the shared helpers of the integration scripts in this directory
# (not a test itself: the Makefile's INTEG_TESTS leaves it out).  Sourced:
# `. "$(dirname "$0")/lib.sh"`, or `. tests/integration/lib.sh` after a cd
# to the top of the tree.
#   pass NAME, fail NAME WHY, skip NAME WHY   print the lines run-tests.sh counts
#   has TEXT NEEDLE                           TEXT contains NEEDLE (fixed string)
#   itest_tmp [TEMPLATE]                      T = a new directory (mode 755),
#                                             removed at exit
# $fails counts the failures: end a script with `[ $fails -eq 0 ]`.
fails=0
pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; fails=$((fails + 1)); }
skip() { echo "SKIP $1: $2"; }
has() { grep -qF -- "$2" <<<"$1"; }
itest_tmp() {
    T=$(mktemp -d ${1:+"$1"}) || { echo "FAIL setup: mktemp"; exit 1; }
    chmod 755 "$T"
    trap 'rm -rf "$T"' EXIT
}
