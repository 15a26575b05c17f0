#!/usr/bin/env bash
# lsm.sh — SELinux and AppArmor on this host, which runs neither:
#  - the generated CIL module builds with secilc together with Debian's
#    reference policy (selinux-policy-default), and a broken module does not;
#  - the generated AppArmor profile is accepted by the real apparmor_parser,
#    and a broken one is not;
#  - a policy naming an LSM the kernel does not run fails closed (125, the
#    command never runs), as root and unprivileged, through `stockade run`
#    and the static stockade-exec; `optional` runs it with a warning;
#  - `compile --embed-lsm` carries the CIL module and the compiled profile.
# The labels themselves are proven in the QEMU guest (tests/vm/).
# Prints PASS/FAIL/SKIP lines; exits non-zero on failure.
set -u
B=${STK_BUILD:-build}
STK=$(realpath "$B/stockade")
EXEC=$(realpath "$B/stockade-exec")
. "$(dirname "$0")/lib.sh"
itest_tmp

for f in "$STK" "$EXEC"; do
    [ -x "$f" ] || { echo "FAIL setup: $f not built"; exit 1; }
done
lsm_running=""
[ -d /sys/fs/selinux ] && [ -e /sys/fs/selinux/enforce ] && lsm_running=selinux
[ -e /sys/module/apparmor/parameters/enabled ] && [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ] &&
    lsm_running="$lsm_running apparmor"

cat >"$T/web.stk" <<'POL'
include "groups.stk"
policy web {
    capabilities { keep net_bind_service }
    seccomp {
        default errno EPERM
        allow socket if domain in (AF_UNIX, AF_INET, AF_INET6)
        errno EAFNOSUPPORT socket
        allow @system-service
    }
    selinux {
        type stockade_web_t
        level auto
    }
}
POL
cat >"$T/aa.stk" <<'POL'
include "groups.stk"
policy web {
    capabilities { keep net_bind_service, sys_chroot }
    seccomp {
        default errno EPERM
        allow socket if domain == AF_INET6 && type == SOCK_STREAM
        errno EAFNOSUPPORT socket
        allow @system-service
    }
    apparmor stockade-web
}
POL
sed 's/        level auto/        level auto\n        optional/' "$T/web.stk" >"$T/web-opt.stk"
sed 's/    apparmor stockade-web/    apparmor stockade-web optional/' "$T/aa.stk" >"$T/aa-opt.stk"
chmod 644 "$T"/*.stk

# ---- SELinux: the CIL module with Debian's reference policy -----------------------------
"$STK" compile --emit=selinux-cil -o "$T/web.cil" "$T/web.stk" 2>"$T/err" && [ -s "$T/web.cil" ] &&
    pass cil_emitted || fail cil_emitted "$(cat "$T/err")"

# The reference policy as CIL: from the module store selinux-policy-default
# built when it was installed (enabled modules only), else converted from its
# .pp packages.
refcil() {
    local out=$1 store=/var/lib/selinux/default/active/modules d m n=0
    mkdir -p "$out"
    if [ -d "$store" ]; then
        for d in "$store"/[0-9]*/*/; do
            m=$(basename "$d")
            [ -e "$store/disabled/$m" ] && continue
            [ -f "$d/cil" ] || continue
            bzip2 -dc "$d/cil" >"$out/$m.cil" 2>/dev/null || cat "$d/cil" >"$out/$m.cil"
            n=$((n + 1))
        done
    elif [ -x /usr/libexec/selinux/hll/pp ] && [ -f /usr/share/selinux/default/base.pp.bz2 ]; then
        for f in /usr/share/selinux/default/*.pp.bz2; do
            m=$(basename "$f" .pp.bz2)
            bzip2 -dc "$f" | /usr/libexec/selinux/hll/pp >"$out/$m.cil" 2>/dev/null || return 1
            n=$((n + 1))
        done
    fi
    [ "$n" -gt 10 ]
}
if ! command -v secilc >/dev/null; then
    skip cil_builds_with_refpolicy "secilc is not installed (make deps-test)"
elif ! refcil "$T/ref"; then
    skip cil_builds_with_refpolicy "Debian's reference policy (selinux-policy-default) is not installed"
else
    if secilc -o "$T/policy.bin" -f "$T/fc" "$T"/ref/*.cil "$T/web.cil" >"$T/err" 2>&1 && [ -s "$T/policy.bin" ]; then
        pass cil_builds_with_refpolicy
    else
        fail cil_builds_with_refpolicy "$(tail -5 "$T/err")"
    fi
    # every option of the block, kept capabilities, an explicit level
    cat >"$T/full.stk" <<'POL'
policy full {
    capabilities { keep net_bind_service, syslog, chown }
    selinux {
        type stockade_full_t
        filetype stockade_full_data_t
        level s0:c7,c9
        caller unconfined_t sysadm_t staff_t init_t
    }
}
POL
    "$STK" compile --emit=selinux-cil -o "$T/full.cil" "$T/full.stk" 2>/dev/null
    if secilc -o "$T/policy2.bin" -f "$T/fc" "$T"/ref/*.cil "$T/web.cil" "$T/full.cil" >"$T/err" 2>&1; then
        pass cil_two_modules_build_together
    else
        fail cil_two_modules_build_together "$(tail -5 "$T/err")"
    fi
    # negative: a module naming a caller the reference policy lacks, and a syntax error
    sed 's/(typeattributeset stockade_web_t_callers (/(typeattributeset stockade_web_t_callers (no_such_caller_t /' \
        "$T/web.cil" >"$T/broken.cil"
    if secilc -o "$T/policy3.bin" -f "$T/fc" "$T"/ref/*.cil "$T/broken.cil" >"$T/err" 2>&1; then
        fail cil_broken_module_rejected "secilc accepted a module with an undefined type"
    elif grep -q "broken.cil" "$T/err"; then
        pass cil_broken_module_rejected
    else
        fail cil_broken_module_rejected "secilc failed for another reason: $(tail -3 "$T/err")"
    fi
    # the module alone (without the reference policy) cannot build: it really uses refpolicy's names
    if secilc -o "$T/policy4.bin" -f "$T/fc" "$T/web.cil" >/dev/null 2>&1; then
        fail cil_needs_refpolicy "the module built without the reference policy"
    else
        pass cil_needs_refpolicy
    fi
fi

# ---- AppArmor: the profile with the real parser ---------------------------------------------
FEAT=/usr/share/apparmor-features/features
if ! command -v apparmor_parser >/dev/null && [ ! -x /usr/sbin/apparmor_parser ]; then
    skip apparmor_profile_parses "apparmor_parser is not installed (make deps-test)"
else
    AAP=$(command -v apparmor_parser || echo /usr/sbin/apparmor_parser)
    "$STK" compile --emit=apparmor -o "$T/aa.prof" "$T/aa.stk" 2>"$T/err"
    if [ -f "$FEAT" ] && "$AAP" -Q -K -M "$FEAT" "$T/aa.prof" >"$T/err" 2>&1; then
        pass apparmor_profile_parses
    else
        fail apparmor_profile_parses "$(cat "$T/err")"
    fi
    prof=$(cat "$T/aa.prof")
    if has "$prof" "profile stockade-web flags=(attach_disconnected,mediate_deleted) {" &&
        has "$prof" "  capability net_bind_service," && has "$prof" "  capability sys_chroot," &&
        has "$prof" "  network inet6 stream," && ! has "$prof" "network inet," && ! has "$prof" "  network,"; then
        pass apparmor_profile_from_policy
    else
        fail apparmor_profile_from_policy "$prof"
    fi
    # a profile for a policy without an apparmor statement gets a default name; one with `use` has none
    "$STK" compile --emit=apparmor -o - "$T/web.stk" 2>/dev/null | grep -q "^profile stockade-web flags" &&
        pass apparmor_default_name || fail apparmor_default_name "no 'profile stockade-web'"
    printf 'policy u {\n    apparmor use docker-default\n}\n' >"$T/use.stk"
    out=$("$STK" compile --emit=apparmor -o - "$T/use.stk" 2>&1)
    rc=$?
    [ $rc -eq 1 ] && has "$out" "uses the existing AppArmor profile 'docker-default'" &&
        pass apparmor_use_has_nothing_to_generate || fail apparmor_use_has_nothing_to_generate "rc=$rc $out"
    # file rules from the landlock block: each path and what beneath it, nothing else
    printf 'policy ll {\n    landlock {\n        read /etc\n        write /tmp\n        execute /usr/bin, /usr/lib\n    }\n    apparmor stockade-ll\n}\n' >"$T/ll.stk"
    out=$("$STK" compile --emit=apparmor -o "$T/ll.prof" "$T/ll.stk" 2>&1)
    prof=$(cat "$T/ll.prof" 2>/dev/null)
    if has "$prof" '  "/etc/**" r,' && has "$prof" '  "/tmp/**" wkl,' && has "$prof" '  "/usr/bin/**" rmix,' &&
        has "$prof" '  "/tmp" wkl,' && # the path may be a file: it gets the rule's rights itself
        ! has "$prof" "  file," && "$AAP" -Q -K -M "$FEAT" "$T/ll.prof" >"$T/err" 2>&1; then
        pass apparmor_file_rules_from_landlock
    else
        fail apparmor_file_rules_from_landlock "$out $prof $(cat "$T/err")"
    fi
    # negative: the parser rejects a damaged profile
    sed 's/  capability sys_chroot,/  capability no_such_capability,/' "$T/aa.prof" >"$T/bad.prof"
    if "$AAP" -Q -K -M "$FEAT" "$T/bad.prof" >/dev/null 2>&1; then
        fail apparmor_broken_profile_rejected "the parser accepted an unknown capability"
    else
        pass apparmor_broken_profile_rejected
    fi
fi

# ---- fail closed without the LSM, optional degrades ---------------------------------------
if [ -n "$lsm_running" ]; then
    skip lsm_fail_closed "this kernel runs$lsm_running (the QEMU guest tests cover it)"
else
    for kind in web aa; do
        step=selinux
        [ $kind = aa ] && step=apparmor
        rm -f "$T/ran"
        out=$("$STK" run "$T/$kind.stk" -- /bin/sh -c "touch $T/ran" 2>&1)
        rc=$?
        if [ $rc -eq 125 ] && [ ! -e "$T/ran" ] && has "$out" "stockade: $step: " && has "$out" "is not running on this kernel; refusing to run"; then
            pass "run_fails_closed_$step"
        else
            fail "run_fails_closed_$step" "rc=$rc ran=$([ -e "$T/ran" ] && echo yes) $out"
        fi
        "$STK" compile -o "$T/$kind.bundle" "$T/$kind.stk" 2>/dev/null
        rm -f "$T/ran"
        out=$("$EXEC" "$T/$kind.bundle" -- /bin/sh -c "touch $T/ran" 2>&1)
        rc=$?
        if [ $rc -eq 125 ] && [ ! -e "$T/ran" ] && has "$out" "stockade: $step: "; then
            pass "exec_fails_closed_$step"
        else
            fail "exec_fails_closed_$step" "rc=$rc $out"
        fi
        # unprivileged caller: the same refusal
        rm -f "$T/ran"
        chmod 644 "$T/$kind.bundle"
        out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$EXEC" "$T/$kind.bundle" -- /bin/sh -c "touch $T/ran" 2>&1)
        rc=$?
        [ $rc -eq 125 ] && [ ! -e "$T/ran" ] && pass "rootless_fails_closed_$step" ||
            fail "rootless_fails_closed_$step" "rc=$rc $out"
        # optional: runs, with the warning
        rm -f "$T/ran"
        out=$("$STK" run "$T/$kind-opt.stk" -- /bin/sh -c "touch $T/ran; echo ran-ok" 2>&1)
        rc=$?
        if [ $rc -eq 0 ] && [ -e "$T/ran" ] && has "$out" "ran-ok" &&
            has "$out" "stockade: $step: " && has "$out" "is not running on this kernel; the policy marks it optional"; then
            pass "optional_degrades_$step"
        else
            fail "optional_degrades_$step" "rc=$rc $out"
        fi
        chmod 777 "$T"
        # (an unprivileged caller holds no capability to keep)
        grep -v '^    capabilities' "$T/$kind-opt.stk" >"$T/$kind-opt-nocap.stk"
        "$STK" compile -o "$T/$kind-opt.bundle" "$T/$kind-opt-nocap.stk" 2>/dev/null && chmod 644 "$T/$kind-opt.bundle"
        out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$EXEC" "$T/$kind-opt.bundle" -- /bin/sh -c "echo ran-ok" 2>&1)
        rc=$?
        chmod 755 "$T"
        [ $rc -eq 0 ] && has "$out" "ran-ok" && has "$out" "stockade: $step: " && has "$out" "the policy marks it optional" &&
            pass "rootless_optional_degrades_$step" || fail "rootless_optional_degrades_$step" "rc=$rc $out"
    done
    # nothing was reserved when SELinux does not run
    if [ -d /run/stockade/mcs ] && ls /run/stockade/mcs | grep -q '^c[0-9]*\.c[0-9]*$'; then
        # other engineers' runs may hold reservations only on an SELinux kernel: none here
        fail no_reservation_without_selinux "$(ls /run/stockade/mcs)"
    else
        pass no_reservation_without_selinux
    fi
fi

# ---- --embed-lsm ------------------------------------------------------------------------------
if [ -x /usr/sbin/apparmor_parser ] && [ -f "$FEAT" ]; then
    cat "$T/aa-opt.stk" >"$T/both.stk"
    sed -i 's/^    apparmor stockade-web optional/    apparmor stockade-web optional\n    selinux { type stockade_web_t; optional }/' "$T/both.stk"
    out=$("$STK" compile --embed-lsm --apparmor-features="$FEAT" -o "$T/both.bundle" "$T/both.stk" 2>&1)
    rc=$?
    ins=$("$STK" inspect "$T/both.bundle" 2>&1)
    if [ $rc -eq 0 ] && has "$ins" "carries its CIL module" && has "$ins" "loads its compiled profile first"; then
        pass embed_lsm_bundle
    else
        fail embed_lsm_bundle "rc=$rc $out $ins"
    fi
    # the embedded binary is what the parser makes of the generated profile
    "$STK" compile --emit=apparmor -o "$T/both.prof" "$T/both.stk" 2>/dev/null
    /usr/sbin/apparmor_parser -Q -S -M "$FEAT" "$T/both.prof" >"$T/both.bin" 2>/dev/null
    size=$(stat -c %s "$T/both.bin")
    if [ "$size" -gt 0 ] && grep -qF "$(head -c 64 "$T/both.bin" | od -An -tx1 | tr -d ' \n' | head -c 32)" \
        <(od -An -tx1 -v "$T/both.bundle" | tr -d ' \n'); then
        pass embed_lsm_carries_parser_output
    else
        fail embed_lsm_carries_parser_output "compiled profile ($size bytes) not found in the bundle"
    fi
    if [ -z "$lsm_running" ]; then
        out=$("$EXEC" "$T/both.bundle" -- /bin/echo embedded-ok 2>&1)
        rc=$?
        [ $rc -eq 0 ] && has "$out" "embedded-ok" && pass embed_lsm_bundle_runs_optional ||
            fail embed_lsm_bundle_runs_optional "rc=$rc $out"
    fi
    out=$("$STK" compile --embed-lsm --emit=bpf -o "$T/x.bpf" "$T/both.stk" 2>&1)
    rc=$?
    [ $rc -eq 2 ] && has "$out" "--embed-lsm and --apparmor-features go with --emit=bundle" &&
        pass embed_lsm_needs_bundle || fail embed_lsm_needs_bundle "rc=$rc $out"
    printf 'policy n {\n    no_new_privs\n}\n' >"$T/none.stk"
    out=$("$STK" compile --embed-lsm -o "$T/none.bundle" "$T/none.stk" 2>&1)
    rc=$?
    [ $rc -eq 1 ] && has "$out" "no selinux block and no generated apparmor profile" &&
        pass embed_lsm_nothing_to_embed || fail embed_lsm_nothing_to_embed "rc=$rc $out"
else
    skip embed_lsm_bundle "apparmor_parser or $FEAT is missing (make deps-test)"
fi

# ---- CLI: diagnostics and emit errors ------------------------------------------------------------
printf 'policy p {\n    selinux {\n        type a_t\n        level s0:c9,c3\n    }\n}\n' >"$T/bad.stk"
out=$("$STK" check "$T/bad.stk" 2>&1)
rc=$?
[ $rc -eq 1 ] && has "$out" "bad.stk:4:21: error: categories must be in increasing order: c3 comes after c9 [bad-level]" &&
    pass check_reports_level_column || fail check_reports_level_column "rc=$rc $out"
out=$("$STK" compile --emit=selinux-cil -o - "$T/aa.stk" 2>&1)
rc=$?
[ $rc -eq 1 ] && has "$out" "has no selinux block" && pass cil_needs_selinux_block || fail cil_needs_selinux_block "rc=$rc $out"
out=$("$STK" compile --emit=nonsense "$T/aa.stk" 2>&1)
rc=$?
[ $rc -eq 2 ] && has "$out" "bundle, bpf, disasm, selinux-cil, apparmor, oci-seccomp" && pass emit_kinds_listed ||
    fail emit_kinds_listed "rc=$rc $out"

# the static enforcer carries libselinux and libapparmor (no shared libraries)
if file "$EXEC" 2>/dev/null | grep -q "statically linked" || ! ldd "$EXEC" >/dev/null 2>&1; then
    nm "$EXEC" 2>/dev/null | grep -q " setexeccon$" && nm "$EXEC" | grep -q " aa_change_onexec$" &&
        pass exec_static_with_lsm_libs || fail exec_static_with_lsm_libs "setexeccon/aa_change_onexec missing"
else
    fail exec_static_with_lsm_libs "stockade-exec is dynamically linked"
fi

[ $fails -eq 0 ]
