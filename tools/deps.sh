#!/bin/sh
# deps.sh — install the Debian packages stockade's build, tests and demo need,
# when they are missing.  Used by `make deps` (and so by `make check`/`make demo`).
# Installing needs root; without it, prints the command to run and fails.
set -eu

# build: compiler, parser generators, libraries found with pkg-config; both
# programs are static (stockade a static PIE unless LINK=shared): they link
# glibc's libc.a (libc6-dev) and the archives of the -dev packages,
# libselinux.a with libsepol.a and libpcre2-8.a (pkg-config --static);
# libyaml-dev: the Kubernetes export writes YAML with its emitter;
# dpkg-dev and debhelper build the Debian package (dpkg-buildpackage, docs/install.md)
BUILD_PKGS="gcc make pkg-config flex bison libc6-dev libseccomp-dev libcap-dev libjson-c-dev libselinux1-dev libsepol-dev libpcre2-dev libapparmor-dev libyaml-dev dpkg-dev debhelper"
# tests: the clang build and libFuzzer, man page tool, real peers and tools used by tests
# (python3-jsonschema: the SARIF output is validated against the official schema)
# systemd: systemd-analyze security --offline, compared with stockade score (docs/score.md)
# LSM generators: secilc + Debian's reference policy (its module store; pp ->
# CIL from policycoreutils), apparmor_parser and its features file (apparmor)
# packaging (tests/integration/package.sh builds, lints and installs the .deb):
# lintian, man-db (man renders the installed page), with the build's dpkg-dev, debhelper;
# zsh: the zsh completion is run (tests/integration/install.sh);
# python3-yaml: the CI files are parsed and run (tests/integration/ci_snippets.sh)
# libnss-extrausers: a real name service that only getent sees, for names the
# files lack (tests/integration/identity_nss.sh; enabled only in a mount namespace)
# real container engines (tests/interop/): crun, runc, podman, bubblewrap on a
# busybox-static root file system (a static probe links libc6-dev's libc.a)
TEST_PKGS="clang libclang-rt-14-dev scdoc libcap2-bin procps iproute2 util-linux python3 python3-jsonschema python3-yaml libnss-extrausers jq file bzip2 systemd secilc policycoreutils selinux-policy-default apparmor lintian man-db zsh crun runc podman bubblewrap busybox-static libc6-dev"
# real services confined by policies/services/ and their clients (tests/services/):
# nginx-light, memcached + libmemcached-tools, haproxy; curl and ab (apache2-utils)
TEST_PKGS="$TEST_PKGS nginx-light memcached libmemcached-tools haproxy curl apache2-utils"
# and redis (redis-benchmark is in redis-tools), PostgreSQL 15 (pgbench is in
# postgresql-15 itself, psql in its client), OpenSSH's sshd and ssh
TEST_PKGS="$TEST_PKGS redis-server redis-tools postgresql-15 postgresql-client-15 openssh-server openssh-client"
# benchmarks: peers measured in the same run; wrk loads the services (bench/services.sh)
BENCH_PKGS="bubblewrap firejail hyperfine wrk"
# learning (tests/integration/learn*.sh) uses the same services and clients
# benchmarks: learning overhead on redis (bench/learn.sh) also needs bc
BENCH_PKGS="$BENCH_PKGS redis-server redis-tools bc"
# the QEMU rig (make check-vm): the emulator, the guest's shell, packing, the
# SELinux policy compiler and .pp converter, the AppArmor parser, and the
# static C library for the guest helper.  The kernel and the reference policy
# are downloaded (not installed) by tests/vm/ into a cache.
VM_PKGS="qemu-system-x86 busybox-static cpio gzip bzip2 secilc policycoreutils apparmor libc6-dev"

want="$BUILD_PKGS"
case "${1:-build}" in
    build) ;;
    test) want="$BUILD_PKGS $TEST_PKGS" ;;
    bench) want="$BUILD_PKGS $TEST_PKGS $BENCH_PKGS" ;;
    vm) want="$BUILD_PKGS $VM_PKGS" ;;
    *) echo "usage: deps.sh [build|test|bench|vm]" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
    st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    [ "$st" = installed ] || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "stockade: installing missing Debian packages:$missing"
if [ "$(id -u)" -ne 0 ]; then
    echo "stockade: need root to install them; run: sudo apt-get install -y$missing" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
