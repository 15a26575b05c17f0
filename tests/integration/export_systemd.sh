#!/usr/bin/env bash
# export_systemd.sh — `stockade compile --emit=systemd` (issue 14): every
# shipped policy exports or is refused at a located rule (text, JSON, SARIF);
# the drop-ins pass `systemd-analyze verify` applied to a sample unit (a
# temporary unit directory, never /etc); `systemd-analyze security
# --offline=yes` rates the exported unit better than the bare one; the
# allow-list equals what `stockade sim` allows; systemd's own semantics
# (its @default set, one answer for an allow-list, deny-list errnos, socket
# families, exec) are refused where they would loosen the policy;
# --systemd-wrap replaces ExecStart=.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh
S=${STK_BUILD:-build}/stockade
X=$(cd "$(dirname "$S")" && pwd)/stockade-exec
itest_tmp
[ -x "$S" ] || { fail export_systemd "$S not built"; exit 1; }
SA=$(command -v systemd-analyze)

# A sample unit in a unit directory of its own; the drop-in goes beside it.
U=$T/units
mkdir -p "$U/sample.service.d"
printf '[Unit]\nDescription=sample\n[Service]\nExecStart=/bin/sleep 1000\n' >"$U/sample.service"
# verify_dropin NAME FILE: systemd-analyze verify accepts the sample unit with
# FILE as its drop-in, without a word.  Only "Failed to parse system call" for
# names this host's libseccomp does not know may remain, and only in an
# allow-list (ALLOW_UNKNOWN=1): systemd drops them, which is tighter.
verify_dropin() {
    cp "$2" "$U/sample.service.d/stockade.conf"
    local out
    out=$(SYSTEMD_UNIT_PATH="$U:" "$SA" verify "$U/sample.service" 2>&1)
    local rc=$?
    if [ "${ALLOW_UNKNOWN:-0}" = 1 ]; then
        out=$(grep -v 'Failed to parse system call, ignoring' <<<"$out")
    fi
    # systemd's advice about User=nobody is not a parse error
    out=$(grep -v 'Special user nobody configured, this is not safe' <<<"$out")
    rm -f "$U/sample.service.d/stockade.conf"
    if [ $rc -eq 0 ] && [ -z "$out" ]; then pass "$1"; else fail "$1" "verify rc=$rc: $out"; fi
}
exposure() { # the overall exposure of the sample unit with drop-in FILE (none: bare)
    rm -f "$U/sample.service.d/stockade.conf"
    [ -n "${1:-}" ] && cp "$1" "$U/sample.service.d/stockade.conf"
    SYSTEMD_UNIT_PATH="$U:" "$SA" security --offline=yes "$U/sample.service" 2>/dev/null |
        sed -n 's/.*Overall exposure level for sample.service: \([0-9.]*\).*/\1/p'
    rm -f "$U/sample.service.d/stockade.conf"
}
lt() { python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) < float(sys.argv[2]) else 1)' "$1" "$2"; }

# ---- every shipped policy: exported, or refused at a located rule ---------
for f in policies/*.stk policies/*/*.stk; do
    case $f in *.test.stk | policies/groups.stk) continue ;; esac
    n=${f#policies/}
    out=$("$S" compile --emit=systemd -o "$T/d.conf" "$f" 2>"$T/err")
    rc=$?
    err=$(cat "$T/err")
    if [ $rc -eq 0 ]; then
        [ -z "$SA" ] && { skip "shipped $n verify" "no systemd-analyze"; continue; }
        ALLOW_UNKNOWN=1 verify_dropin "shipped $n exports and verifies" "$T/d.conf"
    elif [ $rc -eq 1 ] && grep -qE "^$f:[0-9]+:[0-9]+: error: systemd export: .*\[not-exportable\]" "$T/err" &&
        ! grep -q "error:" <<<"$(grep -v 'not-exportable' "$T/err")"; then
        pass "shipped $n refused at a located rule ($(grep -c 'not-exportable' "$T/err") findings)"
        # the same findings as JSON lines and in SARIF
        "$S" compile --emit=systemd --format=json -o "$T/d.conf" "$f" 2>"$T/json"
        if python3 - "$T/json" "$f" <<'EOF'; then pass "shipped $n refusals in JSON"; else fail "shipped $n JSON" "$(head -c 300 "$T/json")"; fi
import json, sys
ds = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
ne = [d for d in ds if d.get("code") == "not-exportable"]
assert ne, "no not-exportable"
assert any(d["file"] == sys.argv[2] for d in ne), "none in the policy's file"
for d in ne:  # a rule inherited with `extends` is located in the file that wrote it
    assert d["line"] > 0 and d["column"] > 0 and d["line"] <= len(open(d["file"]).readlines()), d
EOF
        "$S" compile --emit=systemd --format=sarif -o "$T/d.conf" "$f" 2>"$T/sarif"
        if python3 - "$T/sarif" <<'EOF'; then pass "shipped $n refusals in SARIF"; else fail "shipped $n SARIF" "$(head -c 300 "$T/sarif")"; fi
import json, sys
log = json.load(open(sys.argv[1]))
rs = [r for run in log["runs"] for r in run["results"] if r["ruleId"] in ("not-exportable", "NotExportable")]
assert rs and all(r["locations"][0]["physicalLocation"]["region"]["startLine"] > 0 for r in rs)
EOF
        # --lossy: every refusal becomes a warning that says which way, and the drop-in verifies
        if "$S" compile --emit=systemd --lossy -o "$T/l.conf" "$f" 2>"$T/lerr" &&
            grep -q '\[lossy-export\]' "$T/lerr" && ! grep -q '\[not-exportable\]' "$T/lerr" &&
            ! grep 'lossy-export' "$T/lerr" | grep -vqE 'the drop-in is (looser|tighter|different)'; then
            pass "shipped $n --lossy states each approximation"
            [ -n "$SA" ] && ALLOW_UNKNOWN=1 verify_dropin "shipped $n --lossy verifies" "$T/l.conf"
        else
            fail "shipped $n --lossy" "$(head -c 400 "$T/lerr")"
        fi
    else
        fail "shipped $n" "rc=$rc: $(head -c 400 <<<"$err")"
    fi
    # --systemd-wrap always exports: stockade-exec enforces everything
    if "$S" compile --emit=systemd --systemd-wrap --systemd-command='/bin/sleep 1000' --systemd-exec="$X" \
        --systemd-bundle=/etc/stockade/x.bundle -o "$T/w.conf" "$f" 2>"$T/werr" &&
        grep -qx 'ExecStart=' "$T/w.conf" &&
        grep -qx "ExecStart=$X /etc/stockade/x.bundle -- /bin/sleep 1000" "$T/w.conf"; then
        pass "shipped $n --systemd-wrap"
        [ -n "$SA" ] && [ -x "$X" ] && verify_dropin "shipped $n --systemd-wrap verifies" "$T/w.conf"
    else
        fail "shipped $n --systemd-wrap" "$(cat "$T/werr" "$T/w.conf" 2>/dev/null | head -c 400)"
    fi
done

# ---- policies that export exactly ------------------------------------------
cat >"$T/allow.stk" <<'EOF'
include "groups.stk"
policy allowlist {
    no_new_privs
    rlimit nofile 512 1024
    umask 022
    seccomp {
        default errno EPERM
        allow @default, @basic-io, @file-system, @io-event, @signal, @timer
        allow execve
        allow socket if domain in (AF_UNIX, AF_INET6)
        errno EAFNOSUPPORT socket
        allow clone if (flags & (CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER
            | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWCGROUP)) == 0
        errno EPERM clone, unshare, setns
    }
}
EOF
cat >"$T/deny.stk" <<'EOF'
policy denylist {
    seccomp {
        default allow
        newer_syscalls allow
        kill-process mount, umount2, kexec_load
        errno EACCES ptrace
        errno 38 bpf
    }
}
EOF
cat >"$T/view.stk" <<'EOF'
policy view {
    capabilities { keep net_bind_service, chown }
    rlimit core 0
    rlimit cpu 10 unlimited
    env { clear; keep PATH; set GREETING="hello 100% world" }
    workdir /srv
    namespaces net, ipc, uts, mount
    filesystem {
        readonly /
        tmpfs /tmp size 64M mode 1777
        bind /var/lib /srv readonly
        dev minimal
        mask /proc/kcore, /sys/firmware
    }
    cgroup {
        memory.max 256M
        pids.max 64
        cpu.max 50%
        cpu.weight 100
        io.weight 200
    }
}
EOF
for p in allow deny view; do
    if "$S" compile --emit=systemd -o "$T/$p.conf" "$T/$p.stk" 2>"$T/err" && ! grep -q 'systemd export' "$T/err"; then
        pass "$p: exports exactly"
    else
        fail "$p: exports exactly" "$(cat "$T/err")"
        continue
    fi
    [ -z "$SA" ] && { skip "$p verify" "no systemd-analyze"; continue; }
    ALLOW_UNKNOWN=$([ $p = allow ] && echo 1 || echo 0) verify_dropin "$p: verifies" "$T/$p.conf"
done
c=$(cat "$T/deny.conf" "$T/view.conf" "$T/allow.conf" 2>/dev/null)
for want in 'SystemCallFilter=~bpf:ENOSYS kexec_load:kill mount:kill ptrace:EACCES umount2:kill' \
    'SystemCallErrorNumber=EPERM' 'SystemCallArchitectures=native' 'RestrictAddressFamilies=AF_UNIX AF_INET6' \
    'RestrictNamespaces=yes' \
    'LimitNOFILE=512:1024' 'UMask=0022' 'NoNewPrivileges=yes' 'CapabilityBoundingSet=CAP_CHOWN CAP_NET_BIND_SERVICE' \
    'LimitCPU=10:infinity' 'Environment="GREETING=hello 100%% world"' 'PassEnvironment=PATH' 'WorkingDirectory=/srv' \
    'PrivateNetwork=yes' 'PrivateIPC=yes' 'ProtectHostname=yes' 'ReadOnlyPaths=/' \
    'TemporaryFileSystem=/tmp:mode=1777,nosuid,nodev,size=67108864' 'BindReadOnlyPaths=/var/lib:/srv' \
    'PrivateDevices=yes' 'InaccessiblePaths=/sys/firmware' 'MemoryMax=268435456' 'TasksMax=64' 'CPUQuota=50%' \
    'IOWeight=200'; do
    if grep -qxF -- "$want" <<<"$c"; then pass "directive $want"; else fail "directive $want" "missing"; fi
done
# the empty assignments that keep the unit's own lists out come first
if grep -A1 -x 'SystemCallFilter=' "$T/allow.conf" | tail -1 | grep -q '^SystemCallFilter=[a-z]' &&
    grep -qx 'CapabilityBoundingSet=' "$T/view.conf" && grep -qx 'ReadWritePaths=' "$T/view.conf"; then
    pass "list settings reset before use"
else
    fail "list settings reset before use" "$(head -30 "$T/allow.conf")"
fi

# ---- systemd-analyze security: the exported unit is less exposed ----------
if [ -n "$SA" ]; then
    bare=$(exposure)
    for p in allow deny view; do
        e=$(exposure "$T/$p.conf")
        if [ -n "$bare" ] && [ -n "$e" ] && lt "$e" "$bare"; then
            pass "$p: exposure $e < bare $bare"
        else
            fail "$p: exposure" "exported '$e', bare '$bare'"
        fi
    done
    # systemd's ratings of the three exports come in the order of stockade score's
    order_sd=$(for p in allow deny view; do echo "$(exposure "$T/$p.conf") $p"; done | sort -n | awk '{printf "%s ", $2}')
    order_stk=$(for p in allow deny view; do
        echo "$("$S" score --format=json "$T/$p.stk" 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["policies"][0]["score"])') $p"
    done | sort -n | awk '{printf "%s ", $2}')
    if [ "$order_sd" = "$order_stk" ]; then pass "systemd-analyze and stockade score rank the exports alike ($order_sd)"; else fail "ranking" "systemd: $order_sd, stockade: $order_stk"; fi
    # the union drop-in of all three (each sets other directives) is lower still than each
    cat "$T/allow.conf" "$T/view.conf" >"$T/both.conf"
    e2=$(exposure "$T/both.conf")
    ea=$(exposure "$T/allow.conf")
    if lt "$e2" "$ea"; then pass "more directives, lower exposure ($e2 < $ea)"; else fail "exposure order" "$e2 vs $ea"; fi
else
    skip "systemd-analyze security" "no systemd-analyze"
fi

# ---- differential: the allow-list is what `stockade sim` allows -----------
# Every name stockade knows among the allow-list and systemd's groups.
names=$( (sed -n 's/^SystemCallFilter=//p' "$T/allow.conf" | tr ' ' '\n'
    [ -n "$SA" ] && "$SA" syscall-filter 2>/dev/null | awk '/^ +[a-z_0-9]+$/ {print $1}') | sort -u)
listed=$(sed -n 's/^SystemCallFilter=//p' "$T/allow.conf" | tr ' ' '\n' | sort -u)
bad="" n=0
for s in $names; do
    r=$("$S" sim "$T/allow.stk" "$s" 2>/dev/null | head -1)
    [ -n "$r" ] || continue # not a call of this machine's ABI
    n=$((n + 1))
    a=no
    case $r in "$s: allow") a=yes ;; esac
    # allowed with the families of RestrictAddressFamilies=, the flags of RestrictNamespaces=
    case $s in socket | clone) a=yes ;; esac
    l=no
    grep -qxF -- "$s" <<<"$listed" && l=yes
    [ $a = $l ] || bad="$bad $s(sim:$a,filter:$l)"
done
if [ -z "$bad" ] && [ $n -gt 100 ]; then pass "SystemCallFilter= = sim's allowed set ($n calls)"; else fail "differential" "n=$n$bad"; fi
# The deny-list (name rules only): each ~NAME:ANSWER is sim's answer, every other call sim allows.
denied=$(sed -n 's/^SystemCallFilter=~//p' "$T/deny.conf" | tr ' ' '\n')
bad="" n=0
for s in $names; do
    r=$("$S" sim "$T/deny.stk" "$s" 2>/dev/null | head -1)
    [ -n "$r" ] || continue
    n=$((n + 1))
    want=$(awk -F: -v s="$s" '$1 == s { print ($2 == "kill") ? "kill-process" : "errno " $2 }' <<<"$denied")
    [ -z "$want" ] && want=allow
    [ "$r" = "$s: $want" ] || bad="$bad $s(sim:'${r#*: }',filter:'$want')"
done
if [ -z "$bad" ] && [ $n -gt 100 ]; then pass "~SystemCallFilter= = sim's answers ($n calls)"; else fail "deny differential" "n=$n$bad"; fi

# ---- systemd's semantics, refused where they loosen the policy -------------
refused() { # NAME POLICY-BODY EXPECTED-TEXT [LINE]
    printf 'include "groups.stk"\npolicy p {\n%s\n}\n' "$2" >"$T/r.stk"
    "$S" compile --emit=systemd -o "$T/r.conf" "$T/r.stk" 2>"$T/err"
    local rc=$?
    if [ $rc -eq 1 ] && grep -q "$3" "$T/err" && grep -q "^$T/r.stk:${4:-[0-9]*}:[0-9]*: error: .*not-exportable" "$T/err"; then
        pass "$1"
    else
        fail "$1" "rc=$rc: $(cat "$T/err")"
    fi
}
refused "errno differing from an allow-list's default" \
    "seccomp {
default errno EPERM
errno EACCES ptrace
allow read, write
}" "answers ptrace differently from the default" 5
refused "kill in an errno allow-list" \
    "seccomp {
default errno EPERM
kill-process @mount
allow read
}" "answers .*mount.* differently" 5
refused "an argument condition" \
    "seccomp {
default errno EPERM
allow @default, execve, mprotect, getrandom, futex_waitv, prlimit64
allow personality if persona == 0
}" "argument condition" 6
refused "a family deny-list (64-bit compare)" \
    "seccomp {
default errno EPERM
allow @default, execve, mprotect, getrandom, futex_waitv, prlimit64
allow socket if domain not in (AF_PACKET)
errno EAFNOSUPPORT socket
}" "argument condition" 6
refused "a namespace condition on clone while unshare runs" \
    "seccomp {
default errno EPERM
allow @default, execve, mprotect, getrandom, futex_waitv, prlimit64, unshare
allow clone if (flags & (CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER
| CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWCGROUP)) == 0
}" "argument condition" 6
refused "systemd's @default set cannot be denied" \
    "seccomp {
default errno EPERM
allow read
}" "which systemd allows in every allow-list"
refused "denying exec" \
    "seccomp {
default allow
newer_syscalls allow
errno EPERM execve
}" "denies execve" 6
refused "a deny-list cannot answer newer calls" \
    "seccomp {
default allow
kill-process mount
}" "calls newer than stockade"
refused "a pid namespace" "namespaces pid, mount" "a pid namespace" 3
refused "landlock paths" "landlock { read /usr }" "systemd has no Landlock" 3
refused "a user with the group database's supplementary groups" "user nobody" "supplementary groups"
# every name of the installed systemd's @default that stockade knows is in its list
if [ -n "$SA" ]; then
    printf 'policy p {\nseccomp {\ndefault errno EPERM\nallow read\n}\n}\n' >"$T/r.stk"
    "$S" compile --emit=systemd -o "$T/r.conf" "$T/r.stk" 2>"$T/err"
    miss=""
    for s in $("$SA" syscall-filter @default 2>/dev/null | awk '/^ +[a-z_0-9]+$/ {print $1}'); do
        "$S" sim "$T/r.stk" "$s" >/dev/null 2>&1 || continue # not in stockade's table
        grep -q "[ ,]$s[,)]\|[ ,]$s, \|denies $s\b\|[ ,]$s," "$T/err" || miss="$miss $s"
    done
    if [ -z "$miss" ]; then pass "the exporter knows systemd's @default set"; else fail "@default" "missing:$miss"; fi
fi

# ---- options --------------------------------------------------------------
"$S" compile --emit=systemd --systemd-wrap "$T/deny.stk" >/dev/null 2>"$T/err"
rc=$?
if [ $rc -eq 2 ] && grep -q -- '--systemd-command' "$T/err"; then pass "--systemd-wrap needs the command"; else fail "wrap without command" "rc=$rc"; fi
"$S" compile --emit=bpf --lossy -o "$T/x.bpf" "$T/deny.stk" 2>"$T/err"
rc=$?
if [ $rc -eq 2 ]; then pass "--lossy goes with an export"; else fail "--lossy with bpf" "rc=$rc"; fi
"$S" compile --emit=systemd --systemd-wrap --systemd-command='-/bin/x' "$T/deny.stk" >/dev/null 2>&1
rc=$?
if [ $rc -eq 2 ]; then pass "--systemd-command without ExecStart= prefixes"; else fail "wrap prefix" "rc=$rc"; fi
"$S" compile --emit=systemd --systemd-wrap --systemd-command='/bin/true' "$T/deny.stk" >"$T/w.conf" 2>/dev/null
if grep -qx 'ExecStart=stockade-exec /etc/stockade/denylist.bundle -- /bin/true' "$T/w.conf"; then
    pass "--systemd-wrap defaults: stockade-exec, /etc/stockade/POLICY.bundle"
else
    fail "wrap defaults" "$(cat "$T/w.conf")"
fi
if "$S" compile --help | grep -q -- '--emit=systemd'; then pass "--help names --emit=systemd"; else fail "--help" "no systemd"; fi

[ $fails -eq 0 ]
