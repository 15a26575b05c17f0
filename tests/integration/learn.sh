#!/usr/bin/env bash
# learn.sh — `stockade learn` on real programs (docs/learn.md): learn a
# service under a workload, then run it confined by the learned policy under
# --report with the same workload: zero reported calls and a workload that
# still succeeds (Landlock refusals show there).  The learned policies are
# tight (no default allow, no unconditional socket/clone, no execve for a
# service that never executed anything, fewer allowed decisions than the
# built-in default: printed), a workload the learning run missed is reported
# by name, and --merge of a run with it makes it pass.  Loopback only, own
# ports and directories; every program is stopped by the trap.
set -u
B=${STK_BUILD:-build}
STK=$(realpath "$B/stockade")
. "$(dirname "$0")/lib.sh"
itest_tmp
export PATH=/usr/sbin:/usr/bin:/sbin:/bin


[ -x "$STK" ] || { echo "FAIL setup: $STK not built"; exit 1; }
if [ "$(uname -m)" != x86_64 ]; then
    skip learn "the expectations here are x86_64's"
    exit 0
fi
# ports of our own: 20000 + pid-based offset, one block of 10
P0=$((20000 + ($$ % 2000) * 10))

. "$(dirname "$0")/../helpers/learn_lib.sh"

# ---- python3 http.server, driven by curl -------------------------------------------

py_work() {
    local i
    for i in 1 2 3; do curl -sf "http://127.0.0.1:$1/index.html" || return 1; done
    curl -sf "http://127.0.0.1:$1/sub/" | grep -q listed.txt
}
if command -v python3 >/dev/null && command -v curl >/dev/null; then
    mkdir -p "$T/www/sub" && echo hello >"$T/www/index.html" && echo x >"$T/www/sub/listed.txt"
    P=$((P0 + 1))
    cd "$T/www" || exit 1
    if service py "$P" py_work learn -- python3 -m http.server "$P" --bind 127.0.0.1 &&
        [ -s "$T/py.stk" ]; then
        pass learn_python_learned
        checked py
        tight py noexec
        if service py "$P" py_work verify -- python3 -m http.server "$P" --bind 127.0.0.1 && clean_report py &&
            [ "$(grep -c hello "$T/py.verify.work")" = 3 ]; then
            pass learn_python_verified
        else
            fail learn_python_verified "$(cat "$T/py.rep" "$T/py.verify.work" "$T/py.run.err" 2>/dev/null | tail -8)"
        fi
    else
        fail learn_python_learned "$(tail -5 "$T/py.learn.err")"
    fi
    cd / || exit 1
else
    skip learn_python "python3 or curl missing (make deps)"
fi

# ---- a shell script forking sh, tar, gzip, sed --------------------------------------

mkdir -p "$T/sh/data" "$T/sh/out"
for i in 1 2 3 4 5; do seq 1 500 >"$T/sh/data/f$i.txt"; done
cat >"$T/sh/work.sh" <<'EOF'
#!/bin/sh
# work.sh DIR [b]: archive, compress, edit; mode b also makes links and directories
set -e
cd "$1"
rm -f out/a.tar out/a.tar.gz out/list.txt out/list2.txt out/link.txt
tar -cf out/a.tar data
gzip -f out/a.tar
gzip -dc out/a.tar.gz | tar -tf - >out/list.txt
sed -e 's/^data/DATA/' out/list.txt >out/list2.txt
( sh -c 'wc -l out/list2.txt' ) >out/count.txt
if [ "${2:-}" = b ]; then
    ln -sf list2.txt out/link.txt || true
    mkdir -p out/sub || true
    rmdir out/sub 2>/dev/null || true
fi
cat out/count.txt
EOF
chmod 755 "$T/sh/work.sh"
sh_learn() { "$STK" learn -o "$T/sh.stk" "$@" -- sh "$T/sh/work.sh" "$T/sh" ${MODE:-} >"$T/sh.out" 2>"$T/sh.err"; }
sh_verify() {
    rm -f "$T/sh.rep"
    "$STK" run --report="$T/sh.rep" "$T/sh.stk" -- sh "$T/sh/work.sh" "$T/sh" ${MODE:-} >"$T/sh.out" 2>"$T/sh.err"
}
if sh_learn && grep -q "^[0-9]* out/list2.txt" "$T/sh.out"; then
    pass learn_shell_learned
    checked sh
    tight sh exec
    if sh_verify && clean_report sh && grep -q "^[0-9]* out/list2.txt" "$T/sh.out"; then
        pass learn_shell_verified
    else
        fail learn_shell_verified "$(cat "$T/sh.rep" "$T/sh.err" 2>/dev/null | tail -8)"
    fi
    # the other workload: reported by name (symlink, mkdir), then merged in
    if MODE=b sh_verify; [ -s "$T/sh.rep" ] && grep -q "symlink" "$T/sh.rep" && grep -q "mkdir" "$T/sh.rep"; then
        pass learn_shell_other_workload_reported
    else
        fail learn_shell_other_workload_reported "$(tail -5 "$T/sh.rep" 2>/dev/null)"
    fi
    cp "$T/sh.stk" "$T/sh.first.stk"
    printf '\n# a hand edit after the block\npolicy sh-mine extends sh { umask 027 }\n' >>"$T/sh.stk"
    if MODE=b "$STK" learn --merge "$T/sh.stk" -- sh "$T/sh/work.sh" "$T/sh" b >"$T/sh.out" 2>"$T/sh.err" &&
        grep -q "hand edit after the block" "$T/sh.stk" && grep -q "learned from 2 runs" "$T/sh.stk" &&
        MODE=b sh_verify && clean_report sh && sh_verify && clean_report sh; then
        pass learn_shell_merge
    else
        fail learn_shell_merge "$(cat "$T/sh.err" "$T/sh.rep" 2>/dev/null | tail -8)"
    fi
else
    fail learn_shell_learned "$(tail -5 "$T/sh.err")"
fi

# ---- as nobody ---------------------------------------------------------------------

if id nobody >/dev/null 2>&1 && command -v setpriv >/dev/null && [ "$(id -u)" = 0 ]; then
    mkdir -p "$T/nb/data" "$T/nb/out"
    cp "$T"/sh/data/* "$T/nb/data/"
    chown -R nobody "$T/nb"
    NB=(setpriv --reuid=nobody --regid=nogroup --clear-groups --)
    if "${NB[@]}" "$STK" learn -o "$T/nb/nb.stk" -- sh "$T/sh/work.sh" "$T/nb" >"$T/nb.out" 2>"$T/nb.err" &&
        grep -q "user nobody" "$T/nb/nb.stk" && grep -q "capabilities none" "$T/nb/nb.stk" &&
        "${NB[@]}" "$STK" run --report="$T/nb/nb.rep" "$T/nb/nb.stk" -- sh "$T/sh/work.sh" "$T/nb" >"$T/nb.out" 2>"$T/nb.err" &&
        grep -q "summary: no call was blocked" "$T/nb/nb.rep" && grep -q "^[0-9]* out/list2.txt" "$T/nb.out"; then
        pass learn_unprivileged
    else
        fail learn_unprivileged "$(cat "$T/nb.err" "$T/nb/nb.rep" 2>/dev/null | tail -8)"
    fi
else
    skip learn_unprivileged "needs root (to become nobody) and setpriv"
fi

# ---- the recorder follows threads and children; SIGTERM still writes the policy ---

if "$STK" learn -o "$T/bare.stk" -- true >/dev/null 2>"$T/bare.err" && "$STK" check "$T/bare.stk" >/dev/null 2>&1 &&
    ! grep -v '^\s*#' "$T/bare.stk" | grep -qwE 'execve|socket|clone'; then
    pass learn_minimal_command
else
    fail learn_minimal_command "$(tail -5 "$T/bare.err")"
fi
# SIGINT to stockade: passed on to the command, and the policy still written
if command -v python3 >/dev/null; then
    "$STK" learn -o "$T/int.stk" -- python3 -c 'import signal, sys, time
signal.signal(signal.SIGINT, lambda *a: sys.exit(7))
open(sys.argv[1], "w").close()
time.sleep(30)' "$T/int.ready" >/dev/null 2>"$T/int.err" &
    ipid=$!
    BG="$BG $ipid"
    for i in $(seq 100); do [ -e "$T/int.ready" ] && break; sleep 0.1; done
    kill -INT $ipid
    wait $ipid
    irc=$?
    if [ $irc = 7 ] && grep -q "^#@ call rt_sigreturn" "$T/int.stk" && "$STK" check "$T/int.stk" >/dev/null 2>&1; then
        pass learn_sigint_forwarded_policy_written
    else
        fail learn_sigint_forwarded_policy_written "exit $irc: $(tail -3 "$T/int.err")"
    fi
fi

# --base: the learned policy extends the base's last policy; --name names it
printf 'include "groups.stk"\npolicy base {\n    seccomp {\n        default errno EACCES\n    }\n}\n' >"$T/base.stk"
if "$STK" learn --base "$T/base.stk" --name small -o "$T/based.stk" -- true >/dev/null 2>"$T/based.err" &&
    grep -q "^policy small extends base {" "$T/based.stk" && ! grep -q "default errno EPERM" "$T/based.stk" &&
    "$STK" check "$T/based.stk" >/dev/null 2>&1 &&
    "$STK" sim "$T/based.stk" ptrace 2>&1 | grep -q "errno EACCES"; then
    pass learn_base_and_name
else
    fail learn_base_and_name "$(cat "$T/based.err" "$T/based.stk" 2>/dev/null | head -30)"
fi
if "$STK" learn --help | grep -q -- "--merge" && "$STK" help learn | grep -q -- "--base"; then
    pass learn_help
else
    fail learn_help "no --merge/--base in the help"
fi



[ $fails -eq 0 ]
