#!/usr/bin/env bash
# score.sh — `stockade score` (issue 12): the score moves the right way when a
# policy loosens, probes of the compiled program find conditional allows and
# ignore harmless ones, JSON output parses and adds up, --threshold exit
# codes, and the comparison table with systemd-analyze in docs/score.md is
# still what both tools print.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh
S=${STK_BUILD:-build}/stockade
itest_tmp
[ -x "$S" ] || { fail score "$S not built"; exit 1; }

# score_of FILE: the total, from the JSON output
score_of() {
    "$S" score --format=json "$1" 2>/dev/null |
        python3 -c 'import json,sys; print("%.1f" % json.load(sys.stdin)["policies"][0]["score"])'
}
# check_of FILE CHECK: that check's points
check_of() {
    "$S" score --format=json "$1" 2>/dev/null | python3 -c '
import json, sys
for c in json.load(sys.stdin)["policies"][0]["checks"]:
    if c["check"] == sys.argv[1]:
        print("%.3f" % c["points"])' "$2"
}
gt() { python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) > float(sys.argv[2]) else 1)' "$1" "$2"; }

# A base policy with every knob tight but one syscall list to play with;
# BODY and SECCOMP replace parts of it.
mk() { # NAME EXTRA_BODY EXTRA_SECCOMP [FS]
    local fs=${4:-'readonly /
        dev minimal
        tmpfs /tmp size 8M'}
    cat >"$T/$1.stk" <<EOF
policy $1 {
    user nobody
    group nogroup
    $2
    namespaces pid, net, ipc, uts, user, cgroup
    filesystem {
        $fs
    }
    landlock {
        execute /usr
        read /etc
        write /tmp
        connect tcp 5432
        scope signal, abstract-unix
    }
    cgroup { memory.max 64M; pids.max 16; cpu.max 50% }
    apparmor use docker-default
    seccomp {
        default kill-process
        $3
        allow read, write, exit_group
    }
}
EOF
}

# ---- --help ----------------------------------------------------------------------------
o=$("$S" score --help); rc=$?
[ $rc -eq 0 ] && has "$o" "usage: stockade score" && has "$o" "--threshold" && has "$o" "--format=json" &&
    pass score_help || fail score_help "rc=$rc"
o=$("$S" --help); has "$o" "score FILE" && pass score_in_main_usage || fail score_in_main_usage "not listed"

# ---- the locked-down base and what loosens it ------------------------------------------
mk base "" ""
base=$(score_of "$T/base.stk")
[ -n "$base" ] && ! gt "$base" 0.5 && pass score_locked_down_low || fail score_locked_down_low "base scores '$base'"

loosen() { # NAME WHAT EXTRA_BODY EXTRA_SECCOMP [FS]
    mk "$1" "$3" "$4" "${5:-}"
    local s
    s=$(score_of "$T/$1.stk")
    if [ -n "$s" ] && gt "$s" "$base"; then pass "score_raises_$1"; else fail "score_raises_$1" "$2: $s not above $base"; fi
}
loosen cap "adding a capability" "capabilities { keep net_admin }" ""
loosen mount "allowing mount" "" "allow mount"
# no_new_privs off needs cap_sys_admin (seccomp-needs-nnp): compare with the same capabilities.
mk sysadmin "capabilities { keep sys_admin }" ""
mk nnp "capabilities { keep sys_admin }
    no_new_privs off" ""
a=$(score_of "$T/sysadmin.stk") b=$(score_of "$T/nnp.stk")
[ -n "$a" ] && [ -n "$b" ] && gt "$b" "$a" && pass score_raises_nnp || fail score_raises_nnp "dropping no_new_privs: $b not above $a"
loosen rootrw "making / writable" "" "" 'tmpfs /tmp size 8M'
loosen netlink "allowing socket (AF_NETLINK reachable)" "" "allow socket"
loosen clone3 "allowing clone3" "" "allow clone3"
loosen condmount "allowing mount only for one flags value" "" "allow mount if mountflags == 0x1000"
loosen unshare "allowing unshare" "" "allow unshare"
loosen socketcall "letting in i386 socketcall" "" "arch native, i386
        allow socketcall"
loosen tiocsti "allowing TIOCSTI" "" "tiocsti allow
        allow ioctl"
loosen bindrw "a writable host bind" "" "" 'readonly /
        dev minimal
        bind /srv'

# Harmless variants must not move the score: the probes run the program.
same() { # NAME WHAT EXTRA_SECCOMP
    mk "$1" "" "$3"
    local s
    s=$(score_of "$T/$1.stk")
    [ "$s" = "$base" ] && pass "score_same_$1" || fail "score_same_$1" "$2: $s, base $base"
}
same unshare0 "unshare with no namespace flag" "allow unshare if flags == 0"
same cloneplain "clone without namespace flags" \
    "allow clone if (flags & (CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWCGROUP)) == 0"
same inet "IP and local sockets only" "allow socket if domain in (AF_UNIX, AF_INET, AF_INET6)"
same ioctl "ioctl with TIOCSTI blocked (the default)" "allow ioctl"
same mountdeny "mount refused" "errno EPERM mount"

# Raw sockets count only with CAP_NET_RAW.
mk rawcap "capabilities { keep net_raw }" "allow socket if domain in (AF_INET, AF_INET6)"
mk rawnocap "" "allow socket if domain in (AF_INET, AF_INET6)"
a=$(check_of "$T/rawcap.stk" arguments) b=$(check_of "$T/rawnocap.stk" arguments)
[ "$b" = "0.000" ] && gt "$a" 0 && pass score_raw_sockets_need_net_raw || fail score_raw_sockets_need_net_raw "with $a, without $b"

# ---- the ends of the scale -------------------------------------------------------------
printf 'policy e {\n    seccomp { default allow }\n}\n' >"$T/empty.stk"
printf 'policy u {\n    capabilities all\n    no_new_privs off\n    seccomp {\n        default allow\n        tiocsti allow\n    }\n}\n' >"$T/unconfined.stk"
e=$(score_of "$T/empty.stk") u=$(score_of "$T/unconfined.stk")
[ -n "$e" ] && gt "$e" 7.5 && pass score_default_allow_high || fail score_default_allow_high "score $e"
[ "$u" = "10.0" ] && pass score_unconfined_ten || fail score_unconfined_ten "score $u"
low=10 lowf="" def=$(score_of policies/default.stk)
for f in policies/examples/*.stk; do
    case $f in *.test.stk) continue ;; esac # test blocks, no policy (policy_tests.sh)
    s=$(score_of "$f")
    if ! gt "$s" "$low"; then low=$s lowf=$f; fi
done
[ "$lowf" = policies/examples/sandbox.stk ] && ! gt "$low" 3.5 && gt "$def" "$low" && gt "$e" "$def" &&
    pass score_strictest_shipped_low || fail score_strictest_shipped_low "lowest $lowf $low, default $def, empty $e"

# ---- JSON --------------------------------------------------------------------------------
"$S" score --format=json $(ls policies/examples/*.stk | grep -v '\.test\.stk$') policies/default.stk >"$T/all.json" 2>"$T/err"; rc=$?
if [ $rc -eq 0 ] && python3 -m json.tool "$T/all.json" >/dev/null && python3 - "$T/all.json" <<'EOF'; then
import json, sys
d = json.load(open(sys.argv[1]))
assert d["threshold"] is None
assert len(d["policies"]) == 7, len(d["policies"])
for p in d["policies"]:
    cs = p["checks"]
    assert len(cs) == 10
    assert abs(sum(c["weight"] for c in cs) - 10.0) < 1e-9
    assert abs(sum(c["points"] for c in cs) - p["score"]) <= 0.1, p
    for c in cs:
        assert 0 <= c["exposure"] <= 1 and c["detail"]
        assert (c["hint"] is None) == (c["exposure"] == 0), c
EOF
    pass score_json_parses_and_adds_up
else
    fail score_json_parses_and_adds_up "rc=$rc $(head -c 300 "$T/err")"
fi
# numbers as a reader writes them (3.8, not 3.7999999999999998)
! grep -qE '[0-9]\.[0-9]{4,}' "$T/all.json" && grep -q '"score":[0-9]\.[0-9],' "$T/all.json" &&
    pass score_json_short_numbers || fail score_json_short_numbers "$(grep -m1 -E '[0-9]\.[0-9]{4,}' "$T/all.json")"

# ---- --threshold and errors --------------------------------------------------------------
rcof() { "$S" score "$@" >"$T/out" 2>"$T/err"; echo $?; }
[ "$(rcof --threshold=9 policies/examples/web.stk)" = 0 ] && pass score_threshold_below || fail score_threshold_below "rc"
[ "$(rcof --threshold=1 policies/examples/web.stk)" = 1 ] && has "$(cat "$T/out")" "above the threshold" &&
    pass score_threshold_above || fail score_threshold_above "rc or message"
[ "$(rcof --format=json --threshold=1 policies/examples/web.stk)" = 1 ] && python3 -m json.tool "$T/out" >/dev/null &&
    pass score_threshold_json || fail score_threshold_json "rc or JSON"
[ "$(rcof --threshold=4.6 policies/examples/batch-worker.stk)" = 0 ] && pass score_threshold_equal_passes ||
    fail score_threshold_equal_passes "a score equal to N is not above N"
for bad in --threshold=abc --threshold=11 --threshold=-1 --format=xml --nope; do
    [ "$(rcof "$bad" policies/examples/web.stk)" = 2 ] && pass "score_usage_$bad" || fail "score_usage_$bad" "rc not 2"
done
[ "$(rcof)" = 2 ] && pass score_no_file || fail score_no_file "rc not 2"
[ "$(rcof "$T/missing.stk")" = 2 ] && pass score_missing_file || fail score_missing_file "rc not 2"
printf 'policy b {\n    seccomp { allow no_such_call }\n}\n' >"$T/broken.stk"
r=$(rcof --threshold=10 "$T/broken.stk" policies/examples/web.stk)
[ "$r" = 2 ] && has "$(cat "$T/err")" "broken.stk:2:" && has "$(cat "$T/out")" "policy web" &&
    pass score_broken_policy || fail score_broken_policy "rc=$r"

# ---- the systemd-analyze comparison in docs/score.md -------------------------------------
rows=$(grep -E '^\| policies/[^ ]+\.stk \| [0-9.]+ \| docs/score-units/[^ ]+\.service \| [0-9.]+ \|$' docs/score.md)
[ "$(wc -l <<<"$rows")" -ge 3 ] && pass score_doc_table || fail score_doc_table "no comparison rows"
have_sa=1
if ! command -v systemd-analyze >/dev/null; then
    have_sa=0
    skip score_systemd_analyze "systemd-analyze is not installed (Debian package systemd)"
elif ! systemd-analyze security --offline=true --no-pager docs/score-units/web.service >/dev/null 2>&1; then
    have_sa=0
    skip score_systemd_analyze "this systemd-analyze has no working 'security --offline' (needs systemd >= 250)"
fi
while IFS='|' read -r _ pol ours unit theirs _; do
    pol=$(xargs <<<"$pol") ours=$(xargs <<<"$ours") unit=$(xargs <<<"$unit") theirs=$(xargs <<<"$theirs")
    n=$(basename "$pol" .stk)
    s=$(score_of "$pol")
    [ "$s" = "$ours" ] && pass "score_doc_stockade_$n" || fail "score_doc_stockade_$n" "docs say $ours, stockade prints $s"
    [ $have_sa -eq 1 ] || continue
    sa=$(systemd-analyze security --offline=true --no-pager "$unit" 2>/dev/null |
        sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
    [ "$sa" = "$theirs" ] && pass "score_doc_systemd_$n" || fail "score_doc_systemd_$n" "docs say $theirs, systemd-analyze prints '$sa'"
done <<<"$rows"

[ $fails -eq 0 ]
