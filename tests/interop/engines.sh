#!/usr/bin/env bash
# engines.sh — stockade's seccomp programs enforced by real container engines:
#   bwrap --seccomp FD            fed `stockade compile --emit=bpf`
#   crun (OCI bundle)             run.oci.seccomp_bpf_data annotation (base64 of the program)
#   crun, runc (OCI bundle)       linux.seccomp from --emit=oci-seccomp
#   podman --runtime crun         the annotation
#   podman --runtime runc         the JSON export
# In each, every probed call is denied inside the container with exactly the
# errno `stockade sim` names, and every call sim allows succeeds.  Policies:
# tests/interop/interop.stk (a denial by name and one by an int argument,
# upper-half junk included) and the shipped policies/default.stk.  The bundle
# and the engines' quirks on this host: tests/interop/lib.sh.  Every check
# skips with its reason when its engine (or an export route) is absent.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh
. tests/interop/lib.sh
BUILD=${STK_BUILD:-build}
STK=$BUILD/stockade

if [ "$(uname -m)" != x86_64 ]; then
    skip engines "the probed calls are x86_64 syscall numbers; this is $(uname -m)"
    exit 0
fi
[ -x "$STK" ] || { fail setup "$STK not built"; exit 1; }
ix_setup
missing=$(ix_missing jq unshare base64 python3) && { skip engines "$missing not installed"; exit 0; }
B=$T/bundle
if ! why=$(ix_bundle "$B"); then
    skip engines "no bundle: $why"
    exit 0
fi

# POLICY NAME and the calls probed under it: "NR ARG" (x86_64 numbers:
# getpgid 121, getsid 124, personality 135, mount 165)
POLICIES=("tests/interop/interop.stk" "policies/default.stk")
calls_of() {
    case "$1" in
        interop) calls=("121 5" "121 0x100000005" "121 0" "124 0") ;;
        default) calls=("165 0" "135 0x400008" "135 0xffffffff" "121 0" "124 0") ;;
    esac
}

# want POLICY CALL...: the errno stockade sim predicts for each call (0 for
# allow), then rc=0 — the form results() prints for the container's output
want() {
    local p=$1 c out act w=""
    shift
    for c in "$@"; do
        # shellcheck disable=SC2086
        out=$("$STK" sim "$p" $c 2>&1) || { echo "sim failed: $out"; return 1; }
        act=$(sed -n '1s/^[^:]*: //p' <<<"$out")
        case "$act" in
            allow) w="$w 0" ;;
            "errno "*) w="$w $(ix_errno "${act#errno }")" ;;
            *) echo "sim says '$act' for $c: not probed here"; return 1 ;;
        esac
    done
    echo "${w# } rc=0"
}
results() {
    sed -n 's/^sys [0-9]*: ret=.* errno=\([0-9]*\)$/\1/p; /^rc=/p' <<<"$1" | tr '\n' ' ' | sed 's/ $//'
}
# check NAME OUTPUT WANT
check() {
    local got
    got=$(results "$2")
    if [ "$got" = "$3" ]; then pass "$1"; else fail "$1" "got '$got', stockade sim says '$3' ($(tr '\n' ';' <<<"$2" | head -c 300))"; fi
}
# probe_args CALL...: the probe's arguments ("sys NR ARG" each)
probe_args() {
    local c
    for c in "$@"; do echo "sys $c"; done | tr '\n' ' '
}

# the export routes this stockade has: bpf always; oci-bpf and oci-seccomp
# when built with the OCI export (else the annotation is base64 of --emit=bpf)
has_emit() { "$STK" compile --help 2>&1 | grep -q -- "--emit=$1 "; }
ANN_EMIT=bpf
has_emit oci-bpf && ANN_EMIT=oci-bpf
JSON_OK=0
has_emit oci-seccomp && JSON_OK=1

PODMAN_OK=0 PODMAN_WHY=""
if missing=$(ix_missing podman tar); then
    PODMAN_WHY="$missing not installed"
elif ix_podman_import "$B" localhost/stk-interop:1; then
    PODMAN_OK=1
else
    PODMAN_WHY="podman import failed"
    fail "podman import" "$(head -c 300 "$B/import.log")"
fi

for p in "${POLICIES[@]}"; do
    n=$(basename "$p" .stk)
    calls_of "$n"
    if ! w=$(want "$p" "${calls[@]}"); then
        fail "$n: sim" "$w"
        continue
    fi
    # shellcheck disable=SC2207
    args=($(probe_args "${calls[@]}"))
    "$STK" compile --emit=bpf -o "$T/$n.bpf" "$p" >/dev/null 2>&1 || { fail "$n: compile --emit=bpf" "failed"; continue; }
    ann_ok=1
    if [ "$ANN_EMIT" = oci-bpf ]; then
        "$STK" compile --emit=oci-bpf -o "$T/$n.b64" "$p" >"$T/$n.b64.log" 2>&1 || ann_ok=0
        b64=$(tr -d '\n' <"$T/$n.b64" 2>/dev/null)
    else
        b64=$(base64 -w0 "$T/$n.bpf")
    fi
    json_ok=$JSON_OK
    if [ "$json_ok" = 1 ] && ! "$STK" compile --emit=oci-seccomp -o "$T/$n.json" "$p" >"$T/$n.json.log" 2>&1; then
        json_ok=0
        skip "$n: JSON export" "refused by --emit=oci-seccomp: $(head -c 200 "$T/$n.json.log")"
    fi
    [ "$ann_ok" = 1 ] || skip "$n: annotation" "refused by --emit=oci-bpf: $(head -c 200 "$T/$n.b64.log")"
    [ "$JSON_OK" = 1 ] || skip "$n: JSON export in crun, runc, podman+runc" "this stockade has no --emit=oci-seccomp"
    ann=$(jq -cn --arg b "$b64" '{"run.oci.seccomp_bpf_data": $b}')

    # bubblewrap: the program on a descriptor, installed right before execve
    if missing=$(ix_missing bwrap); then
        skip "$n: bwrap --seccomp" "$missing not installed"
    else
        out=$(bwrap --ro-bind "$B/rootfs" / --proc /proc --dev /dev --unshare-all --die-with-parent \
            --seccomp 9 9<"$T/$n.bpf" /bin/probe "${args[@]}" 2>&1; echo "rc=$?")
        check "$n: bwrap --seccomp (--emit=bpf) denies as sim says" "$out" "$w"
    fi

    for rt in crun runc; do
        if missing=$(ix_missing "$rt"); then
            skip "$n: $rt" "$missing not installed"
            continue
        fi
        if [ "$rt" = crun ] && [ "$ann_ok" = 1 ]; then
            ix_config "$B" null "$ann" "${args[@]}" && out=$(ix_oci crun "$B")
            check "$n: crun with run.oci.seccomp_bpf_data (--emit=$ANN_EMIT) denies as sim says" "$out" "$w"
        fi
        if [ "$json_ok" = 1 ]; then
            ix_config "$B" "$(cat "$T/$n.json")" '{}' "${args[@]}" && out=$(ix_oci "$rt" "$B")
            check "$n: $rt with linux.seccomp (--emit=oci-seccomp) denies as sim says" "$out" "$w"
        fi
    done

    if [ "$PODMAN_OK" != 1 ]; then
        skip "$n: podman" "$PODMAN_WHY"
        continue
    fi
    if [ "$ann_ok" = 1 ] && ! ix_missing crun >/dev/null; then
        # the annotation replaces podman's own default profile
        out=$(ix_podman crun localhost/stk-interop:1 --annotation "run.oci.seccomp_bpf_data=$b64" -- "${args[@]}")
        check "$n: podman --runtime crun with the annotation denies as sim says" "$out" "$w"
    fi
    if [ "$json_ok" = 1 ] && ! ix_missing runc >/dev/null; then
        out=$(ix_podman runc localhost/stk-interop:1 --security-opt "seccomp=$T/$n.json" -- "${args[@]}")
        check "$n: podman --runtime runc with --security-opt seccomp= (--emit=oci-seccomp) denies as sim says" "$out" "$w"
        if ! ix_missing crun >/dev/null; then
            out=$(ix_podman crun localhost/stk-interop:1 --security-opt "seccomp=$T/$n.json" -- "${args[@]}")
            check "$n: podman --runtime crun with --security-opt seccomp= (--emit=oci-seccomp) denies as sim says" "$out" "$w"
        fi
    fi
done

# ---- where the annotation stands among the runtimes' own steps -------------------
# crun installs run.oci.seccomp_bpf_data instead of linux.seccomp (never both),
# runc ignores the annotation; the program is installed after capset and right
# before execve of the container process, so a program that denies execve
# stops the container (the oci-bpf export must let execve through).
"$STK" compile --emit=bpf -o "$T/interop.bpf" tests/interop/interop.stk >/dev/null 2>&1
ann=$(jq -cn --arg b "$(base64 -w0 "$T/interop.bpf")" '{"run.oci.seccomp_bpf_data": $b}')
JSON12='{"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_X86_64"],"syscalls":[{"names":["getpgid","getsid"],"action":"SCMP_ACT_ERRNO","errnoRet":12}]}'
for rt in crun runc; do
    if missing=$(ix_missing "$rt"); then
        skip "$rt and the annotation" "$missing not installed"
        continue
    fi
    ix_config "$B" "$JSON12" "$ann" sys 121 5 sys 124 0 sys 121 0 && out=$(ix_oci "$rt" "$B")
    if [ "$rt" = crun ]; then
        check "crun: the annotation replaces linux.seccomp" "$out" "$(ix_errno EXDEV) $(ix_errno EMLINK) 0 rc=0"
    else
        check "runc: ignores the annotation, applies linux.seccomp" "$out" "12 12 12 rc=0"
    fi
done
printf 'policy noexec {\n seccomp {\n  default allow\n  errno EACCES execve\n }\n}\npolicy nocapset {\n seccomp {\n  default allow\n  errno EACCES capset\n }\n}\n' >"$T/steps.stk"
for pol in noexec nocapset; do
    "$STK" compile --policy="$pol" --emit=bpf -o "$T/$pol.bpf" "$T/steps.stk" >/dev/null 2>&1 ||
        { fail "$pol: compile" "failed"; continue; }
done
if ! ix_missing crun >/dev/null; then
    ix_config "$B" null "$(jq -cn --arg b "$(base64 -w0 "$T/noexec.bpf")" '{"run.oci.seccomp_bpf_data": $b}')" sys 121 0 &&
        out=$(ix_oci crun "$B")
    if has "$out" "Permission denied" && ! has "$out" "sys 121" && ! has "$out" "rc=0"; then
        pass "crun: a program denying execve stops the container's exec"
    else
        fail "crun: a program denying execve stops the container's exec" "$(tr '\n' ';' <<<"$out")"
    fi
    ix_config "$B" null "$(jq -cn --arg b "$(base64 -w0 "$T/nocapset.bpf")" '{"run.oci.seccomp_bpf_data": $b}')" sys 121 0 &&
        out=$(ix_oci crun "$B")
    check "crun: the program is installed after capset (denying capset does not stop the container)" "$out" "0 rc=0"
fi
[ "$fails" -eq 0 ]
