# shellcheck shell=bash
# lib.sh — the shared helpers of the scripts in tests/interop/ (not a test
# itself: the Makefile's INTEROP_TESTS leaves it out).  The scripts run real
# container engines (crun, runc, podman, bubblewrap) on a local OCI bundle:
# a busybox-static root file system with a static probe program, built here,
# no registry and no network.  Sourced after tests/integration/lib.sh (pass,
# fail, skip, itest_tmp).
#
#   ix_setup                 T (temp dir, removed at exit with everything the
#                            scripts created: containers, cgroups, storage)
#   ix_missing TOOL...       print the first tool that is not installed
#   ix_rootfs DIR            DIR/rootfs: busybox, /bin/probe (tests/helpers/probe.c, static)
#   ix_config BUNDLE SECCOMP ANNOTATIONS ARG...
#                            BUNDLE/config.json from BUNDLE/spec.json: the probe
#                            run with ARG..., linux.seccomp = SECCOMP (JSON or
#                            null), annotations = ANNOTATIONS (a JSON object)
#   ix_oci RUNTIME BUNDLE    run the bundle with crun or runc (see below);
#                            the container's output, then "rc=N"
#   ix_podman RUNTIME IMAGE ARG...   podman run (private storage) with crun or runc
#   ix_errno NAME            the number of errno NAME (EPERM -> 1)
#
# Facts of this host the helpers work around (docs/interop.md, "Engines tested"):
# - crun 1.8 refuses a hybrid cgroup v1/v2 layout ("cgroups in hybrid mode not
#   supported"): every engine runs inside a private mount namespace (unshare -m)
#   with a pure cgroup2 mount on /sys/fs/cgroup, crun with
#   --cgroup-manager=disabled (podman: --cgroups=disabled).  The host's mounts
#   are never changed.
# - runc (and podman with runc) creates its cgroup in that cgroup2 hierarchy,
#   which is the host's: each container gets a cgroup under a parent named for
#   this run, removed at exit.
# - root here lacks CAP_SYS_RESOURCE: podman's default rlimits (nofile, nproc)
#   exceed what may be set, so podman runs get --ulimit nofile=20000:20000 and
#   --ulimit nproc=1024:1024; crun under podman with cgroups raises
#   RLIMIT_MEMLOCK (for its eBPF device filter) and fails: hence --cgroups=disabled.
# - podman with runc wants a pids controller (default --pids-limit 2048) that
#   the cgroup2 hierarchy here does not have: --pids-limit=0.
# - podman writes its blob-info cache to /var/lib/containers/cache whatever
#   --root says: a tmpfs covers /var/lib/containers in the private namespace.

IX_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
IX_CGPARENT="stk-interop-$$"

ix_cleanup() {
    if [ -n "${T:-}" ] && [ -d "$T" ]; then
        # a container left behind by a failed check
        local r
        for r in crun runc; do
            [ -d "$T/$r" ] || continue
            "$r" --root "$T/$r" list -q 2>/dev/null | while read -r id; do
                "$r" --root "$T/$r" delete -f "$id" >/dev/null 2>&1
            done
        done
        if [ -d "$T/podman" ] && command -v podman >/dev/null; then
            ix_podman_cmd rm -af >/dev/null 2>&1
        fi
        # podman's vfs layers and runc's state can hold read-only files
        chmod -R u+w "$T" 2>/dev/null
        rm -rf "$T"
    fi
    # podman created /var/lib/containers (its blob-info cache) where there was none
    if [ "${IX_VLC_NEW:-0}" = 1 ] && [ -d /var/lib/containers ]; then
        rm -f /var/lib/containers/cache/blob-info-cache-v1.boltdb
        rmdir /var/lib/containers/cache /var/lib/containers 2>/dev/null
    fi
    local d
    for d in /sys/fs/cgroup/unified/"$IX_CGPARENT" /sys/fs/cgroup/"$IX_CGPARENT"; do
        [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
    done
    return 0
}

ix_setup() {
    T=$(mktemp -d /tmp/stk-interop.XXXXXX) || { echo "FAIL setup: mktemp"; exit 1; }
    chmod 755 "$T"
    IX_VLC_NEW=0
    [ -e /var/lib/containers ] || IX_VLC_NEW=1
    trap ix_cleanup EXIT
}

ix_missing() {
    local t
    for t in "$@"; do
        command -v "$t" >/dev/null 2>&1 || { echo "$t"; return 0; }
    done
    return 1
}

# ix_rootfs DIR: a root file system of busybox (static) and the probe.  Fails
# (returns 1, with the reason on stdout) when busybox is not a static program
# or the probe does not build statically.
ix_rootfs() {
    local dir=$1/rootfs bb
    bb=$(command -v busybox) || { echo "busybox (busybox-static) not installed"; return 1; }
    if ldd "$bb" >/dev/null 2>&1; then
        echo "$bb is not static (install busybox-static)"
        return 1
    fi
    mkdir -p "$dir"/bin "$dir"/proc "$dir"/dev "$dir"/sys "$dir"/tmp "$dir"/etc || return 1
    cp "$bb" "$dir/bin/busybox" || return 1
    local a
    for a in sh true echo cat ls; do ln -s busybox "$dir/bin/$a"; done
    echo "root:x:0:0:root:/:/bin/sh" >"$dir/etc/passwd"
    echo "root:x:0:" >"$dir/etc/group"
    if ! ${CC:-cc} -O1 -std=c17 -D_GNU_SOURCE -static -pthread -o "$dir/bin/probe" \
        "$IX_ROOT/tests/helpers/probe.c" >"$1/probe-cc.log" 2>&1; then
        echo "the probe does not link statically (libc6-dev): $(head -c 200 "$1/probe-cc.log")"
        return 1
    fi
    return 0
}

# ix_bundle DIR: DIR/rootfs and DIR/spec.json, the runtime's default spec
# (crun spec, else runc spec) without a terminal; no spec.json when neither
# runtime is installed (bwrap and podman need none).
ix_bundle() {
    ix_rootfs "$1" || return 1
    local rt
    for rt in crun runc; do
        command -v "$rt" >/dev/null || continue
        (cd "$1" && "$rt" spec) || { echo "$rt spec failed"; return 1; }
        jq '.process.terminal = false | del(.linux.seccomp)' "$1/config.json" >"$1/spec.json" || return 1
        rm -f "$1/config.json"
        return 0
    done
    return 0
}

ix_config() {
    local b=$1 sec=$2 ann=$3 args
    shift 3
    args=$(printf '%s\n' /bin/probe "$@" | jq -R . | jq -cs .) || return 1
    jq --argjson s "$sec" --argjson a "$ann" --argjson p "$args" \
        '(if $s == null then del(.linux.seccomp) else .linux.seccomp = $s end)
         | .annotations = $a | .process.args = $p' "$b/spec.json" >"$b/config.json"
}

# the private mount namespace with a pure cgroup2 hierarchy on /sys/fs/cgroup,
# and a tmpfs on /var/lib/containers (podman writes its blob-info cache there
# whatever --root says)
ix_cg2() {
    unshare -m --propagation private sh -c \
        'mount -t cgroup2 stk-cgroup2 /sys/fs/cgroup || exit 125
         if [ -d /var/lib/containers ]; then mount -t tmpfs -o mode=700 stk-tmp /var/lib/containers || exit 125; fi
         exec "$@"' sh "$@"
}

IX_SEQ=0
ix_oci() {
    local rt=$1 b=$2 rc
    IX_SEQ=$((IX_SEQ + 1))
    local id="stk-ix-$$-$IX_SEQ"
    mkdir -p "$T/$rt"
    case "$rt" in
        crun) ix_cg2 crun --cgroup-manager=disabled --root "$T/crun" run --bundle "$b" "$id" 2>&1 ;;
        runc)
            jq --arg p "/$IX_CGPARENT/$id" '.linux.cgroupsPath = $p' "$b/config.json" >"$b/config.runc" &&
                mv "$b/config.runc" "$b/config.json"
            ix_cg2 runc --root "$T/runc" run --bundle "$b" "$id" 2>&1 ;;
    esac
    rc=$?
    echo "rc=$rc"
}

ix_podman_cmd() {
    ix_cg2 podman --root "$T/podman/root" --runroot "$T/podman/run" --tmpdir "$T/podman/tmp" \
        --storage-driver=vfs --cgroup-manager=cgroupfs --events-backend=none "$@"
}

# ix_podman RUNTIME IMAGE [podman run options...] -- ARG...
ix_podman() {
    local rt=$1 img=$2 rc
    shift 2
    local opts=()
    while [ $# -gt 0 ] && [ "$1" != -- ]; do opts+=("$1"); shift; done
    [ "${1:-}" = -- ] && shift
    case "$rt" in
        crun) opts+=(--cgroups=disabled) ;;
        runc) opts+=(--pids-limit=0 --cgroup-parent="/$IX_CGPARENT") ;;
    esac
    ix_cg2 podman --root "$T/podman/root" --runroot "$T/podman/run" --tmpdir "$T/podman/tmp" \
        --storage-driver=vfs --cgroup-manager=cgroupfs --events-backend=none \
        run --rm --network=none --ulimit nofile=20000:20000 --ulimit nproc=1024:1024 \
        --runtime "$rt" "${opts[@]}" "$img" /bin/probe "$@" 2>&1
    rc=$?
    echo "rc=$rc"
}

# ix_podman_import DIR IMAGE: the rootfs of DIR as a podman image
ix_podman_import() {
    mkdir -p "$T/podman"
    tar -C "$1/rootfs" -cf "$1/rootfs.tar" . || return 1
    ix_podman_cmd import "$1/rootfs.tar" "$2" >"$1/import.log" 2>&1
}

ix_errno() {
    python3 -c 'import errno, sys; print(getattr(errno, sys.argv[1]))' "$1"
}
