#!/usr/bin/env bash
# identity_nss.sh — user and group names only the name services know, resolved
# by both static programs through the host's /usr/bin/getent
# (enforcer/steps/identity_getent.c), with a real NSS source: libnss-extrausers
# (/var/lib/extrausers/{passwd,group}).  Everything happens in a private mount
# namespace: a test nsswitch.conf ("passwd: files extrausers") and a test
# extrausers directory are bind-mounted over the host's, which are never
# written.  Then the hostile cases: a name starting with '-', a name getent
# answers with another entry, getent missing (an empty file mounted over it:
# fatal only when a name needs it), and `stockade learn` naming an NSS-only
# user.  A hung name service is covered by tests/unit/test_identity_getent.c.
set -u
B=${STK_BUILD:-build}
. "$(dirname "$0")/lib.sh"
itest_tmp
S=$(realpath "$B/stockade")
E=$(realpath "$B/stockade-exec")
for f in "$S" "$E"; do
    [ -x "$f" ] || { echo "FAIL setup: $f not built"; exit 1; }
done
if [ "$(id -u)" -ne 0 ]; then
    skip identity_nss "needs root (a private mount namespace to bind a test nsswitch.conf)"
    exit 0
fi
mod=""
for d in /usr/lib /lib /usr/lib/x86_64-linux-gnu /lib/x86_64-linux-gnu /usr/lib64; do
    [ -e "$d/libnss_extrausers.so.2" ] && mod=$d/libnss_extrausers.so.2
done
if [ -z "$mod" ]; then
    fail identity_nss_setup "libnss-extrausers is not installed (make deps-test installs it)"
    exit 1
fi

# the test's name service: a user and two groups only extrausers has
mkdir -p "$T/extrausers" "$T/out"
chmod 1777 "$T/out"
printf 'passwd: files extrausers\ngroup: files extrausers\nshadow: files\n' >"$T/nsswitch.conf"
printf 'stktestnss:x:4242:4243:stockade NSS test:/nonexistent:/usr/sbin/nologin\n' >"$T/extrausers/passwd"
printf 'stktestnssg:x:4243:\nstktestnss2:x:4244:stktestnss\n' >"$T/extrausers/group"
: >"$T/extrausers/shadow"
: >"$T/empty"
chmod 644 "$T"/extrausers/* "$T/nsswitch.conf"
for n in stktestnss stktestnssg stktestnss2; do
    if getent passwd "$n" >/dev/null || getent group "$n" >/dev/null; then
        skip identity_nss "the host already has an entry named $n"
        exit 0
    fi
done

pol() { # NAME BODY: a policy file $T/NAME.stk and its bundle $T/NAME.bundle
    printf 'policy %s {\n%b\n}\n' "$1" "$2" >"$T/$1.stk"
    "$S" compile --emit=bundle -o "$T/$1.bundle" "$T/$1.stk" >/dev/null 2>&1 ||
        echo "FAIL setup: $1.stk does not compile: $("$S" check "$T/$1.stk" 2>&1 | head -3)"
}
pol nssuser '    user stktestnss'
pol nssgroups '    user stktestnss\n    group stktestnssg\n    supplementary_groups stktestnss2 stktestnssg'
pol numeric '    user 4242'
pol numgroup '    user 4242\n    group 4243'
pol filesuser '    user nobody'
pol dash '    user "-stktestnss"'
pol dashgroup '    user nobody\n    group "--help"'
pol other '    user "4294967296"'
pol nssowner '    namespaces mount\n    filesystem {\n        tmpfs /mnt owner stktestnss\n    }'

# Inside the namespace: each command's output and status, one block per case.
cat >"$T/inside.sh" <<'EOS'
S=$1 E=$2 T=$3
set -e
mount --make-rprivate /
mount --bind "$T/nsswitch.conf" /etc/nsswitch.conf
mount --bind "$T/extrausers" /var/lib/extrausers
set +e
case_() { # NAME CMD...: "== NAME rc=N" then the output
    local n=$1 out rc
    shift
    out=$("$@" 2>&1)
    rc=$?
    printf '== %s rc=%d\n%s\n' "$n" "$rc" "$out"
}
case_ sanity getent passwd stktestnss
for p in nssuser nssgroups numeric numgroup filesuser dash dashgroup other; do
    case_ "run_$p" "$S" run "$T/$p.stk" -- sh -c 'echo "ids $(id -u) $(id -g) $(id -G)"'
    case_ "exec_$p" "$E" "$T/$p.bundle" -- sh -c 'echo "ids $(id -u) $(id -g) $(id -G)"'
done
case_ run_nssowner "$S" run "$T/nssowner.stk" -- stat -c 'owner %u:%g' /mnt
case_ exec_nssowner "$E" "$T/nssowner.bundle" -- stat -c 'owner %u:%g' /mnt
# learn, as the NSS-only user: the learned policy names it
case_ learn setpriv --reuid=4242 --regid=4243 --clear-groups "$S" learn -o "$T/out/learned.stk" -- /bin/true
case_ learned cat "$T/out/learned.stk"
# getent missing: an empty file over it (not executable)
mount --bind "$T/empty" /usr/bin/getent
case_ sanity_missing /usr/bin/getent passwd stktestnss
for p in nssuser numeric numgroup filesuser; do
    case_ "missing_run_$p" "$S" run "$T/$p.stk" -- sh -c 'echo "ids $(id -u) $(id -g)"'
    case_ "missing_exec_$p" "$E" "$T/$p.bundle" -- sh -c 'echo "ids $(id -u) $(id -g)"'
done
umount /usr/bin/getent
exit 0
EOS
out=$(unshare -m --propagation private bash "$T/inside.sh" "$S" "$E" "$T" 2>&1)
rc=$?
if [ $rc -ne 0 ]; then
    fail identity_nss_namespace "unshare -m: rc=$rc: $(head -5 <<<"$out")"
    exit 1
fi
# block NAME: the lines of one case (its "== NAME rc=N" header included)
block() { awk -v n="== $1 rc=" 'index($0, n) == 1 { on = 1; print; next } /^== / { on = 0 } on' <<<"$out"; }
expect() { # TESTNAME CASE RC NEEDLE...: the case's status is RC and its output has every NEEDLE
    local t=$1 c=$2 want=$3 b n
    shift 3
    b=$(block "$c")
    if [ "$(head -1 <<<"$b")" != "== $c rc=$want" ]; then
        fail "$t" "not status $want: $(head -4 <<<"$b" | tr '\n' '|')"
        return
    fi
    for n in "$@"; do
        has "$b" "$n" || { fail "$t" "no \"$n\" in: $(head -4 <<<"$b" | tr '\n' '|')"; return; }
    done
    pass "$t"
}
if ! has "$(block sanity)" "stktestnss:x:4242:4243"; then
    fail identity_nss_source "getent does not see the test's extrausers entry in the namespace: $(block sanity | tr '\n' '|')"
    exit 1
fi
pass identity_nss_source
for w in run exec; do
    # a name only NSS knows: its uid and primary group
    expect "${w}_nss_only_user" "${w}_nssuser" 0 "ids 4242 4243 4243"
    # groups and supplementary groups by NSS names
    expect "${w}_nss_only_groups" "${w}_nssgroups" 0 "ids 4242 4243 4243 4244"
    # a numeric uid: its primary group from NSS; with a group, no lookup at all
    expect "${w}_nss_numeric_uid_primary_group" "${w}_numeric" 0 "ids 4242 4243 4243"
    expect "${w}_numeric_with_group" "${w}_numgroup" 0 "ids 4242 4243 4243"
    expect "${w}_files_user" "${w}_filesuser" 0 "ids 65534 65534"
    # hostile: never an option to getent, never another entry
    expect "${w}_dash_name_refused" "${w}_dash" 125 "stockade: identity: user \"-stktestnss\"" "starting with '-'"
    expect "${w}_dash_group_refused" "${w}_dashgroup" 125 "stockade: identity: group \"--help\"" "starting with '-'"
    expect "${w}_other_entry_refused" "${w}_other" 125 "stockade: identity: user \"4294967296\"" "an entry for another name"
    # a tmpfs owner named only by NSS (looked up in the command's namespaces)
    expect "${w}_nss_tmpfs_owner" "${w}_nssowner" 0 "owner 4242:4243"
    # getent missing: fatal only where a name needs it
    expect "${w}_getent_missing_needed" "missing_${w}_nssuser" 125 \
        "stockade: identity: user \"stktestnss\" is not in /etc/passwd; /usr/bin/getent, which asks the name services (NSS), cannot run"
    expect "${w}_getent_missing_numeric_needs_it" "missing_${w}_numeric" 125 "uid 4242" "/usr/bin/getent"
    expect "${w}_getent_missing_numeric_group" "missing_${w}_numgroup" 0 "ids 4242 4243"
    expect "${w}_getent_missing_files_user" "missing_${w}_filesuser" 0 "ids 65534 65534"
done
has "$(block sanity_missing)" "rc=0" && fail getent_missing_setup "the empty file still ran: $(block sanity_missing)" ||
    pass getent_missing_setup
expect learn_runs learn 0
expect learn_names_nss_user learned 0 "user stktestnss" "group stktestnssg" "it ran as uid 4242, gid 4243"
[ "$fails" -eq 0 ]
