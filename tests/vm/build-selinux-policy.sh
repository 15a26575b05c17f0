#!/usr/bin/env bash
# build-selinux-policy.sh OUT_POLICY [EXTRA.cil ...] — a kernel-loadable
# binary SELinux policy for the QEMU guest: Debian's reference policy
# (selinux-policy-default, MCS, the modules Debian enables by default) plus the
# given CIL modules, compiled offline on the host with secilc.  Nothing on the
# host is changed: the policy package is downloaded (not installed) into
# ${STK_VM_CACHE:-/var/cache/stockade-vm}/selinux/VERSION/, its .pp modules are
# converted to CIL once, and every build compiles them with the extras.
# Without extras the result is byte-identical to what `semodule` builds from
# the installed package.  STK_VM_POLICYVERS (default 33, the newest version
# the guest's 6.1 kernel loads) sets the binary format.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -ge 1 ] || { echo "usage: build-selinux-policy.sh OUT_POLICY [EXTRA.cil ...]" >&2; exit 2; }
out=$1
shift
for f in "$@"; do
    [ -f "$f" ] || vm_die "no such CIL module: $f"
done

PP2CIL=/usr/libexec/selinux/hll/pp
vm_need_cmd secilc secilc
vm_need_cmd bzip2 bzip2
vm_need_cmd dpkg-deb dpkg
[ -x "$PP2CIL" ] || vm_die "$PP2CIL not found (Debian package policycoreutils; 'make deps-vm' installs it)"

pkg=selinux-policy-default
ver=$(vm_candidate_field "$pkg" Version)
sroot=$(vm_cache_dir selinux)
dir="$sroot/${ver//:/_}"

prepare() {
    if [ -f "$dir/complete" ]; then
        touch "$dir/last-used"
        return 0
    fi
    local deb share m
    # Not local: the EXIT trap (prepare runs in its own subshell, vm_with_lock)
    # runs after the function has returned.
    tmp=$(mktemp -d "$sroot/.fetch.XXXXXX")
    trap 'rm -rf "$tmp"' EXIT
    vm_log "downloading and converting $pkg $ver"
    deb=$(vm_apt_download "$pkg" "$ver" "$tmp")
    mkdir "$tmp/x" "$tmp/ctl" "$tmp/cil"
    dpkg-deb -x "$deb" "$tmp/x" || vm_die "cannot unpack $deb"
    dpkg-deb -e "$deb" "$tmp/ctl" || vm_die "cannot unpack the control files of $deb"
    share="$tmp/x/usr/share/selinux/default"
    [ -f "$share/.modules" ] && [ -f "$share/base.pp.bz2" ] \
        || vm_die "$deb has no usr/share/selinux/default/{.modules,base.pp.bz2}"
    # Debian's postinst installs every module of .modules and then disables
    # those listed in its "notdefault" variable: leave those out the same way.
    local notdefault
    notdefault=$(sed -n 's/^notdefault="\(.*\)"$/\1/p' "$tmp/ctl/postinst" 2>/dev/null | head -n 1)
    [ -n "$notdefault" ] || vm_log "warning: no notdefault list in $pkg's postinst; keeping every module"
    : >"$tmp/modules"
    for m in $(cat "$share/.modules"); do
        case " $notdefault " in *" $m "*) continue ;; esac
        [ -f "$share/$m.pp.bz2" ] || vm_die "$pkg lists module $m but has no $m.pp.bz2"
        bzip2 -dc "$share/$m.pp.bz2" | "$PP2CIL" >"$tmp/cil/$m.cil" \
            || vm_die "cannot convert module $m to CIL"
        echo "$m.cil" >>"$tmp/modules"
    done
    rm -rf "$dir"
    mkdir -p "$dir"
    mv "$tmp/cil" "$dir/cil"
    mv "$tmp/modules" "$dir/modules"
    touch "$dir/complete"
    vm_prune_cache "$sroot" "$dir"
}

# (Not in an "if": that would switch off set -e inside the function.)
set +e
(set -e; vm_with_lock "$sroot/.lock" prepare)
rc=$?
set -e
if [ $rc -ne 0 ]; then
    # No archive (offline?): a policy converted earlier still does the job.
    for old in "$sroot"/*; do
        if [ -f "$old/complete" ]; then
            vm_log "warning: could not fetch $pkg $ver; using the cached ${old##*/}"
            dir=$old
            break
        fi
    done
    [ -f "$dir/complete" ] || vm_die "could not fetch $pkg $ver, and no converted policy is cached in $sroot"
fi

mods=()
while IFS= read -r m; do
    mods+=("$dir/cil/$m")
done <"$dir/modules"
[ ${#mods[@]} -gt 1 ] || vm_die "the converted policy in $dir is empty"

tmpout=$(mktemp "$out.XXXXXX")
trap 'rm -f "$tmpout" "$tmpout.fc" "$tmpout.err"' EXIT
# secilc reads MLS and handle-unknown from the base module; file contexts are
# not needed (the guest's files are labelled by genfscon/fs_use rules).
if ! secilc --policyvers="${STK_VM_POLICYVERS:-33}" -o "$tmpout" -f "$tmpout.fc" "${mods[@]}" "$@" 2>"$tmpout.err"; then
    cat "$tmpout.err" >&2
    rm -f "$tmpout.err"
    vm_die "secilc could not compile the reference policy with: ${*:-no extra modules}"
fi
rm -f "$tmpout.err"
mv "$tmpout" "$out"
vm_log "SELinux policy: $pkg $ver (${#mods[@]} modules) + $# extra module(s) -> $out"
