# shellcheck shell=bash
# lib.sh — shared by the host-side scripts of the QEMU rig (sourced, not run).
# The download cache lives outside the repository so that every worktree and
# CI clone on the machine shares it: ${STK_VM_CACHE:-/var/cache/stockade-vm}.

STK_VM_CACHE=${STK_VM_CACHE:-/var/cache/stockade-vm}

vm_die() {
    echo "stockade-vm: error: $*" >&2
    exit 1
}

vm_log() {
    echo "stockade-vm: $*" >&2
}

# vm_need_cmd CMD PACKAGE: fail clearly when a host tool is missing.
vm_need_cmd() {
    command -v "$1" >/dev/null 2>&1 \
        || vm_die "'$1' not found (Debian package $2; 'make deps-vm' installs it)"
}

# vm_cache_dir SUBDIR: create and print a directory in the cache.
vm_cache_dir() {
    local d="$STK_VM_CACHE/$1"
    mkdir -p "$d" 2>/dev/null \
        || vm_die "cannot create the cache directory $d (set STK_VM_CACHE to a writable directory)"
    printf '%s\n' "$d"
}

# vm_with_lock FILE CMD...: run CMD while holding an exclusive lock on FILE, so
# that two worktrees filling the shared cache at the same time do not collide.
vm_with_lock() {
    local lock=$1
    shift
    (
        flock -w 900 9 || vm_die "timed out waiting for the cache lock $lock"
        "$@"
    ) 9>"$lock"
}

# vm_candidate_field PACKAGE FIELD: a field of the version apt would install.
# Asks apt's local package lists; refreshes them once when they know nothing.
vm_candidate_field() {
    local pkg=$1 field=$2 out
    out=$(apt-cache show --no-all-versions "$pkg" 2>/dev/null | sed -n "s/^$field: //p" | head -n 1)
    if [ -z "$out" ] && [ -z "${VM_APT_UPDATED:-}" ]; then
        VM_APT_UPDATED=1
        vm_log "apt knows no package $pkg: running apt-get update"
        apt-get update -qq >&2 || vm_die "apt-get update failed"
        out=$(apt-cache show --no-all-versions "$pkg" 2>/dev/null | sed -n "s/^$field: //p" | head -n 1)
    fi
    [ -n "$out" ] || vm_die "apt-cache show $pkg: no field $field (is the Debian archive reachable?)"
    printf '%s\n' "$out"
}

# vm_apt_download PACKAGE VERSION DIR: fetch exactly that .deb into DIR and
# print its path.  (As root, apt's sandbox user cannot write to DIR; download
# as root without the sandbox instead of leaving a warning.)
vm_apt_download() {
    local pkg=$1 ver=$2 dir=$3 deb
    (cd "$dir" && apt-get download -q -o APT::Sandbox::User=root "$pkg=$ver" >&2) \
        || vm_die "apt-get download $pkg=$ver failed"
    deb=$(ls "$dir"/"${pkg}"_*.deb 2>/dev/null | head -n 1)
    [ -n "$deb" ] || vm_die "apt-get download $pkg=$ver left no .deb in $dir"
    printf '%s\n' "$deb"
}

# vm_prune_cache ROOT KEEP: remove the other complete entries of ROOT (older
# versions) that no run has used for a day; another worktree may still be
# about to boot one it fetched a moment ago.  Marks KEEP as used now.
vm_prune_cache() {
    local root=$1 keep=$2 old
    touch "$keep/last-used"
    for old in "$root"/*; do
        [ -d "$old" ] && [ "$old" != "$keep" ] || continue
        if [ -z "$(find "$old/last-used" -mmin -1440 2>/dev/null)" ]; then
            rm -rf "$old"
        fi
    done
}
