#!/usr/bin/env bash
# semantics.sh — pins the rules OCI runtimes really apply to a linux.seccomp
# profile, which stockade's OCI export (--emit=oci-seccomp) relies on: if a
# runtime or libseccomp changes one of them, a check here fails.  Hand-written
# profiles run in crun and runc (busybox-static bundle, tests/interop/lib.sh)
# with a static probe that makes one call and prints its errno, and the same
# rules go through libseccomp directly (libseccomp_facts.c).
#   - an unconditional rule for a syscall wins over every conditional rule for
#     it, whatever the order;
#   - two comparisons on the same argument in one rule become an OR (the
#     runtimes split the rule: libseccomp itself refuses it with EINVAL);
#   - unknown syscall names are dropped silently; crun's annotation
#     run.oci.seccomp_fail_unknown_syscall=1 makes it fail (runc ignores it);
#   - a rule whose action equals the default action is rejected by libseccomp
#     (EACCES); the runtimes skip it and run the container;
#   - comparisons are on all 64 bits: a plain EQ on an int argument misses the
#     same value with junk in the upper half; MASKED_EQ 0xffffffff catches it.
# Every check skips with its reason when its tool is absent.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh
. tests/interop/lib.sh

if [ "$(uname -m)" != x86_64 ]; then
    skip semantics "the profiles name x86_64 syscall numbers (getpgid 121, getsid 124); this is $(uname -m)"
    exit 0
fi
ix_setup

# ---- libseccomp itself ---------------------------------------------------------
# shellcheck disable=SC2046 # pkg-config's flags are words
if ! pkg-config --exists libseccomp 2>/dev/null; then
    skip libseccomp_facts "libseccomp-dev (pkg-config libseccomp) not installed"
elif ! ${CC:-cc} -O1 -std=c17 -Wall -Wextra -Werror -o "$T/facts" tests/interop/libseccomp_facts.c \
    $(pkg-config --cflags --libs libseccomp) >"$T/facts.log" 2>&1; then
    fail libseccomp_facts "does not build: $(head -c 300 "$T/facts.log")"
else
    out=$("$T/facts")
    want=(
        "rule_eq_default_allow: -13" "rule_eq_default_errno: -13" # EACCES: action equals the default
        "same_arg_pair_add: -22"                                    # EINVAL: the runtimes must split it
        "unknown_name: yes"
        "uncond_after_cond 0x5: 12" "uncond_after_cond 0: 12"
        "uncond_before_cond 0x5: 12" "uncond_before_cond 0: 12"
        "eq_64 0x5: 15" "eq_64 0x100000005: 0" "eq_64 0x6: 0"
        "masked_eq_32 0x5: 16" "masked_eq_32 0x100000005: 16" "masked_eq_32 0x6: 0" "masked_eq_32 0x7: 0"
    )
    for w in "${want[@]}"; do
        if has "$out" "$w"; then pass "libseccomp: $w"; else fail "libseccomp: $w" "not in: $(tr '\n' ';' <<<"$out")"; fi
    done
fi

# ---- crun and runc ----------------------------------------------------------------
missing=$(ix_missing jq unshare) && { skip runtimes "$missing not installed"; exit 0; }
B=$T/bundle
if ! why=$(ix_bundle "$B"); then
    skip runtimes "no bundle: $why"
    exit 0
fi

HEAD='{"architectures":["SCMP_ARCH_X86_64"],"defaultAction":"SCMP_ACT_ALLOW","syscalls":['
cond() { # cond ERRNO VALUE...: getpgid with pid == each VALUE, in one rule
    local e=$1 a="" v
    shift
    for v in "$@"; do a="$a${a:+,}{\"index\":0,\"value\":$v,\"op\":\"SCMP_CMP_EQ\"}"; done
    echo "{\"names\":[\"getpgid\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":$e,\"args\":[$a]}"
}
UNCOND='{"names":["getpgid"],"action":"SCMP_ACT_ERRNO","errnoRet":12}'
UNKNOWN='{"names":["no_such_call","getsid"],"action":"SCMP_ACT_ERRNO","errnoRet":14}'
SAME_AS_DEFAULT='{"names":["getsid"],"action":"SCMP_ACT_ALLOW"}'
# MASKED_EQ: "value" is the mask, "valueTwo" the value it must equal
MASKED='{"names":["getpgid"],"action":"SCMP_ACT_ERRNO","errnoRet":16,"args":[{"index":0,"value":4294967295,"valueTwo":5,"op":"SCMP_CMP_MASKED_EQ"}]}'
FAIL_UNKNOWN='{"run.oci.seccomp_fail_unknown_syscall":"1"}'
ESRCH=3 # getpgid of a pid the container does not have

# results OUTPUT: the errno of each probed call and the runtime's status,
# e.g. "12 12 rc=0" (0 for a call that succeeded)
results() {
    sed -n 's/^sys [0-9]*: ret=.* errno=\([0-9]*\)$/\1/p; /^rc=/p' <<<"$1" | tr '\n' ' ' | sed 's/ $//'
}
# expect NAME OUTPUT WANT: results OUTPUT is exactly WANT
expect() {
    local got
    got=$(results "$2")
    if [ "$got" = "$3" ]; then pass "$1"; else fail "$1" "got '$got', expected '$3' ($(tr '\n' ';' <<<"$2" | head -c 300))"; fi
}
# profile RUNTIME SECCOMP ANNOTATIONS ARG...: run the probe, print its output
profile() {
    local rt=$1 sec=$2 ann=$3
    shift 3
    ix_config "$B" "$sec" "$ann" "$@" || { echo "config failed"; return; }
    ix_oci "$rt" "$B"
}

for rt in crun runc; do
    if missing=$(ix_missing "$rt"); then
        skip "$rt semantics" "$missing not installed"
        continue
    fi
    out=$(profile "$rt" null '{}' sys 121 0)
    if ! has "$out" "rc=0"; then
        fail "$rt runs the bundle" "$(tr '\n' ';' <<<"$out" | head -c 400)"
        continue
    fi
    pass "$rt runs the bundle"

    out=$(profile "$rt" "$HEAD$(cond 11 5),$UNCOND]}" '{}' sys 121 5 sys 121 0)
    expect "$rt: unconditional rule after a conditional one wins" "$out" "12 12 rc=0"
    out=$(profile "$rt" "$HEAD$UNCOND,$(cond 11 5)]}" '{}' sys 121 5 sys 121 0)
    expect "$rt: unconditional rule before a conditional one wins" "$out" "12 12 rc=0"

    out=$(profile "$rt" "$HEAD$(cond 13 5 6)]}" '{}' sys 121 5 sys 121 6 sys 121 7)
    expect "$rt: two comparisons on one argument are an OR" "$out" "13 13 $ESRCH rc=0"

    out=$(profile "$rt" "$HEAD$UNKNOWN]}" '{}' sys 124 0)
    expect "$rt: an unknown syscall name is dropped silently" "$out" "14 rc=0"
    out=$(profile "$rt" "$HEAD$UNKNOWN]}" "$FAIL_UNKNOWN" sys 124 0)
    if [ "$rt" = crun ]; then
        if has "$out" "no_such_call" && ! has "$out" "rc=0" && ! has "$out" "sys 124"; then
            pass "crun: run.oci.seccomp_fail_unknown_syscall=1 refuses an unknown name"
        else
            fail "crun: run.oci.seccomp_fail_unknown_syscall=1 refuses an unknown name" "$(tr '\n' ';' <<<"$out")"
        fi
    else
        expect "runc: ignores crun's run.oci.seccomp_fail_unknown_syscall" "$out" "14 rc=0"
    fi

    out=$(profile "$rt" "$HEAD$SAME_AS_DEFAULT,$UNKNOWN]}" '{}' sys 124 0)
    # libseccomp refuses the first rule (EACCES): the runtime skips it and
    # still installs the rest (getsid's later ERRNO rule)
    expect "$rt: a rule whose action is the default is skipped, the profile still loads" "$out" "14 rc=0"

    out=$(profile "$rt" "$HEAD$(cond 15 5)]}" '{}' sys 121 5 sys 121 0x100000005)
    expect "$rt: EQ compares all 64 bits (upper-half junk is not matched)" "$out" "15 $ESRCH rc=0"
    # 7 tells the operands apart: 7 & 5 == 5 were the mask and the value swapped
    out=$(profile "$rt" "$HEAD$MASKED]}" '{}' sys 121 5 sys 121 0x100000005 sys 121 7)
    expect "$rt: MASKED_EQ (value = mask 0xffffffff, valueTwo = 5) matches the low half only" "$out" "16 16 $ESRCH rc=0"
done
[ "$fails" -eq 0 ]
