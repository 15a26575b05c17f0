#!/usr/bin/env bash
# check_pipeline.sh — `stockade check` runs every stage `stockade compile`
# runs, back ends included (issue 11): what compile rejects, check rejects,
# for the same reason, in text and in JSON.
#   - a seccomp program over the kernel's 4096 instructions (1,200
#     conditional rules: sema accepts them, the code generator does not);
#   - what the AppArmor emitter refuses, a landlock path longer than any
#     file path can be (PATH_MAX), is refused once, at the path, by sema (the
#     bundle holds paths of 4095 bytes at most: bundle_limits.sh), for every
#     output (--emit=apparmor, the bundle) and by check alike;
#   - for every shipped policy and policy fixture, check's verdict equals
#     compile's (every policy of the file compiled with --policy).
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh
S=${STK_BUILD:-build}/stockade
[ -x "$S" ] || { fail check_pipeline "$S not built"; exit 1; }
itest_tmp

# ---- a program too large for the kernel -----------------------------------------------------
{
    echo 'policy big {'
    echo '    seccomp {'
    echo '        default errno EPERM'
    for i in $(seq 1 1200); do echo "        allow read if arg0 == $i && arg1 == $i"; done
    echo '    }'
    echo '}'
} >"$T/big.stk"
"$S" compile -o "$T/big.bundle" "$T/big.stk" 2>"$T/cerr"
crc=$?
reason=$(grep -o 'seccomp program too large: [0-9]* instructions' "$T/cerr")
"$S" check "$T/big.stk" 2>"$T/err"
rc=$?
[ "$crc" -eq 1 ] && [ -n "$reason" ] && [ "$rc" -eq 1 ] && has "$(cat "$T/err")" "$reason" &&
    has "$(cat "$T/err")" "[program-too-large]" && has "$(cat "$T/err")" "big.stk:1:8: error:" &&
    pass check_rejects_too_large_program ||
    fail check_rejects_too_large_program "compile rc=$crc reason='$reason'; check rc=$rc: $(head -c 300 "$T/err")"
"$S" check --format=json "$T/big.stk" >"$T/out" 2>/dev/null
rc=$?
[ "$rc" -eq 1 ] && has "$(cat "$T/out")" '"code":"program-too-large"' && has "$(cat "$T/out")" "$reason" &&
    has "$(cat "$T/out")" '"line":1' && pass check_json_too_large_program ||
    fail check_json_too_large_program "rc=$rc $(head -c 300 "$T/out")"

# ---- a path the AppArmor emitter would refuse -------------------------------------------------
long=/srv/$(printf 'a%.0s' $(seq 1 5000))
printf 'policy aa {\n    no_new_privs on\n    landlock {\n        read "%s"\n        execute /usr\n    }\n    apparmor stockade-aa\n}\n' \
    "$long" >"$T/long.stk"
"$S" compile --emit=apparmor -o "$T/long.prof" "$T/long.stk" 2>"$T/cerr"
crc=$?
reason=$(grep -o 'landlock path of [0-9]* bytes: the limit is [0-9]*' "$T/cerr")
"$S" check "$T/long.stk" 2>"$T/err"
rc=$?
[ "$crc" -eq 1 ] && [ -n "$reason" ] && [ "$rc" -eq 1 ] && has "$(cat "$T/err")" "$reason" &&
    has "$(cat "$T/err")" "[bad-path]" && has "$(cat "$T/err")" "long.stk:4:14: error:" &&
    [ "$(grep -c ': error: ' "$T/err")" -eq 1 ] && pass check_rejects_path_apparmor_would_refuse ||
    fail check_rejects_path_apparmor_would_refuse "compile rc=$crc reason='$reason'; check rc=$rc: $(head -c 300 "$T/err")"
"$S" check --format=json "$T/long.stk" >"$T/out" 2>/dev/null
rc=$?
[ "$rc" -eq 1 ] && has "$(cat "$T/out")" '"code":"bad-path"' && has "$(cat "$T/out")" '"line":4' &&
    pass check_json_path_apparmor_would_refuse ||
    fail check_json_path_apparmor_would_refuse "rc=$rc $(head -c 300 "$T/out")"
# compiling the bundle refuses it as well
"$S" compile -o "$T/long.bundle" "$T/long.stk" 2>"$T/cerr"
crc=$?
[ "$crc" -eq 1 ] && [ ! -e "$T/long.bundle" ] && has "$(cat "$T/cerr")" "[bad-path]" &&
    pass compile_bundle_refuses_path_apparmor_would_refuse ||
    fail compile_bundle_refuses_path_apparmor_would_refuse "rc=$crc $(head -c 300 "$T/cerr")"

# ---- check's verdict is compile's, for every policy file we have ------------------------------
n=0
bad=""
while IFS= read -r f; do
    names=$(grep -oE '^[[:space:]]*policy[[:space:]]+[A-Za-z0-9_-]+' "$f" | awk '{print $2}')
    [ -n "$names" ] || continue
    n=$((n + 1))
    "$S" check --allow-warnings "$f" >/dev/null 2>&1
    check_rc=$?
    compile_rc=0
    for p in $names; do
        "$S" compile --policy="$p" -o "$T/x.bundle" "$f" >/dev/null 2>&1 || compile_rc=1
    done
    [ "$check_rc" -eq "$compile_rc" ] || bad="$bad $f(check=$check_rc,compile=$compile_rc)"
done < <(find policies tests -name '*.stk' | sort; echo "$T/big.stk"; echo "$T/long.stk")
[ "$n" -ge 10 ] && [ -z "$bad" ] && pass check_verdict_is_compile_verdict ||
    fail check_verdict_is_compile_verdict "files=$n differ:$bad"

[ "$fails" -eq 0 ]
