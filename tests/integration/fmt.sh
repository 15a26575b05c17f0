#!/usr/bin/env bash
# fmt.sh — `stockade fmt` (issue 17): on every policy file of the tree
# (policies/, tests/, bench/) formatting is idempotent, keeps every comment
# and compiles to byte-identical bundles; the shipped policies are formatted
# (`fmt --check policies/`); --check, -w, directories, standard input and
# files that do not parse behave as documented.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh
S=$(realpath "${STK_BUILD:-build}/stockade")
itest_tmp
[ -x "$S" ] || { fail fmt "$S not built"; exit 1; }

# comments FILE: the text of every comment, sorted (a '#' inside a string is
# not one), trailing blanks removed — independent of the formatter's scanner.
comments() {
    python3 - "$1" <<'EOF'
import sys
out = []
for line in open(sys.argv[1], encoding="latin-1"):
    i, instr = 0, False
    while i < len(line):
        c = line[i]
        if instr:
            if c == "\\":
                i += 1
            elif c == '"':
                instr = False
        elif c == '"':
            instr = True
        elif c == "#":
            out.append(line[i:].rstrip())
            break
        i += 1
print("\n".join(sorted(out)))
EOF
}

# ---- every policy file of the tree: idempotent, comments kept, same bundles ----
mkdir -p "$T/tree" "$T/a" "$T/b"
cp -r policies tests bench "$T/tree/"
mapfile -t files < <(cd "$T/tree" && find policies tests bench -name '*.stk' | LC_ALL=C sort)
[ "${#files[@]}" -ge 30 ] || fail fmt_tree_files "only ${#files[@]} .stk files found"
parsed=0 refused=0 bad_idem=0 bad_comments=0 compiled=0 bad_bundle=0
declare -A ok_file
for f in "${files[@]}"; do
    src="$T/tree/$f"
    if ! "$S" fmt "$src" >"$T/f1" 2>"$T/err"; then
        # refused: only a file that does not parse, with a located diagnostic
        if "$S" check "$src" >/dev/null 2>&1 || ! grep -q "^$src:[0-9]*:[0-9]*: error" "$T/err"; then
            fail "fmt_refuses_only_bad_$f" "$(head -2 "$T/err")"
        fi
        refused=$((refused + 1))
        continue
    fi
    parsed=$((parsed + 1))
    ok_file[$f]=1
    "$S" fmt "$T/f1" >"$T/f2" 2>&1 && cmp -s "$T/f1" "$T/f2" ||
        { bad_idem=$((bad_idem + 1)); fail "fmt_idempotent_$f" "$(diff "$T/f1" "$T/f2" | head -5)"; }
    [ "$(comments "$src")" = "$(comments "$T/f1")" ] ||
        { bad_comments=$((bad_comments + 1)); fail "fmt_comments_kept_$f" "comments differ"; }
done
[ $refused -le 1 ] || fail fmt_tree_refused "$refused files refused (expected only the syntax fixture)"
[ $bad_idem -eq 0 ] && [ $parsed -ge 30 ] && pass fmt_idempotent_every_policy_file
[ $bad_comments -eq 0 ] && [ $parsed -ge 30 ] && pass fmt_keeps_every_comment

# compile every policy of every file before and after formatting the whole copy
policies_of() { sed -n 's/^[[:space:]]*policy[[:space:]]\{1,\}\([^[:space:]{]*\).*/\1/p' "$1"; }
compile_all() { # DIR: bundles of every policy into $T/DIR
    local f p n=0
    for f in "${!ok_file[@]}"; do
        for p in $(policies_of "$T/tree/$f"); do
            out="$T/$1/$(echo "$f" | tr / _).$p"
            (cd "$(dirname "$T/tree/$f")" && "$S" compile --policy="$p" -o "$out.bundle" "$(basename "$f")" \
                >/dev/null 2>&1) || echo failed >"$out.failed"
        done
    done
}
compile_all a
(cd "$T/tree" && "$S" fmt -w policies tests bench 2>/dev/null)
[ $? -le 2 ] || fail fmt_w_tree "fmt -w crashed"
compile_all b
for x in "$T"/a/*; do
    y="$T/b/$(basename "$x")"
    if ! cmp -s "$x" "$y"; then
        bad_bundle=$((bad_bundle + 1))
        fail "fmt_same_bundle_$(basename "$x")" "differs after fmt -w"
    fi
    case $x in *.bundle) compiled=$((compiled + 1)) ;; esac
done
[ "$(ls "$T/a" | wc -l)" -eq "$(ls "$T/b" | wc -l)" ] || fail fmt_same_bundle_count "$(ls "$T/a" | wc -l) vs $(ls "$T/b" | wc -l)"
[ $bad_bundle -eq 0 ] && [ $compiled -ge 20 ] && pass "fmt_same_bundles_($compiled)"
[ $compiled -ge 20 ] || fail fmt_same_bundles "only $compiled policies compiled"
# after -w the tree is formatted, and a second -w changes nothing
(cd "$T/tree" && "$S" fmt --check policies >/dev/null) && pass fmt_w_then_check_clean || fail fmt_w_then_check_clean "check after -w"

# ---- the shipped policies are formatted (what make check enforces) ----
if out=$("$S" fmt --check policies/ 2>&1); then pass fmt_check_shipped_policies
else fail fmt_check_shipped_policies "run: stockade fmt -w policies/ ($(head -3 <<<"$out"))"; fi

# ---- --check: exit 1 and a unified diff; 0 when formatted ----
printf 'policy p {\n  no_new_privs;umask 022\n}\n' >"$T/u.stk"
cp "$T/u.stk" "$T/u.orig"
out=$("$S" fmt --check "$T/u.stk"); rc=$?
if [ $rc -eq 1 ] && has "$out" "--- $T/u.stk" && has "$out" "+++ $T/u.stk (formatted)" && has "$out" "@@ -1,3 +1,4 @@" &&
    has "$out" "-  no_new_privs;umask 022" && has "$out" "+    no_new_privs" && has "$out" "+    umask 022" &&
    cmp -s "$T/u.stk" "$T/u.orig"; then pass fmt_check_diff_exit_1
else fail fmt_check_diff_exit_1 "rc=$rc $out"; fi
# the diff applies: patch turns the file into the formatted text
if command -v patch >/dev/null; then
    "$S" fmt "$T/u.stk" >"$T/u.want"
    (cd "$T" && "$S" fmt --check u.stk | patch -s -o u.patched u.stk) && cmp -s "$T/u.patched" "$T/u.want" &&
        pass fmt_check_diff_applies || fail fmt_check_diff_applies "patched text differs"
fi

# ---- -w: in place, mode kept, no temporary file left, formatted file untouched ----
chmod 640 "$T/u.stk"
mkdir "$T/w" && cp -p "$T/u.stk" "$T/w/u.stk" && ln -s u.stk "$T/w/link.stk"
"$S" fmt -w "$T/w/link.stk"; rc=$?
if [ $rc -eq 0 ] && cmp -s "$T/w/u.stk" "$T/u.want" && [ "$(stat -c %a "$T/w/u.stk")" = 640 ] &&
    [ -L "$T/w/link.stk" ] && [ "$(ls -A "$T/w" | wc -l)" -eq 2 ]; then pass fmt_w_rewrites_keeps_mode_and_link
else fail fmt_w_rewrites_keeps_mode_and_link "rc=$rc $(ls -lA "$T/w")"; fi
# root rewriting another user's file keeps its owner
if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1; then
    cp "$T/u.orig" "$T/w/own.stk" && chown nobody:nogroup "$T/w/own.stk"
    "$S" fmt -w "$T/w/own.stk" && [ "$(stat -c %U:%G "$T/w/own.stk")" = nobody:nogroup ] &&
        cmp -s "$T/w/own.stk" "$T/u.want" && pass fmt_w_keeps_owner || fail fmt_w_keeps_owner "$(ls -l "$T/w/own.stk")"
    rm -f "$T/w/own.stk"
fi
touch -d '2001-01-01' "$T/w/u.stk"
"$S" fmt -w "$T/w/u.stk" && "$S" fmt --check "$T/w/u.stk" >/dev/null &&
    [ "$(stat -c %Y "$T/w/u.stk")" = "$(date -d 2001-01-01 +%s)" ] &&
    pass fmt_w_leaves_formatted_file_alone || fail fmt_w_leaves_formatted_file_alone "rewritten or not clean"
# a directory the temporary file cannot be created in: error 2, file intact
if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1; then
    mkdir "$T/ro" && cp "$T/u.orig" "$T/ro/u.stk" && chmod 777 "$T/ro/u.stk" && chmod 555 "$T/ro"
    out=$(setpriv --reuid=nobody --regid=nogroup --clear-groups "$S" fmt -w "$T/ro/u.stk" 2>&1); rc=$?
    if [ $rc -eq 2 ] && has "$out" "cannot rewrite $T/ro/u.stk" && cmp -s "$T/ro/u.stk" "$T/u.orig" &&
        [ "$(ls -A "$T/ro" | wc -l)" -eq 1 ]; then pass fmt_w_error_leaves_file_intact
    else fail fmt_w_error_leaves_file_intact "rc=$rc $out"; fi
else
    skip fmt_w_error_leaves_file_intact "needs root and the user nobody"
fi

# ---- a file that does not parse: refused with the parser's located diagnostic, never touched ----
printf 'policy p {\n    seccomp {\n        allow read if fd ==\n    }\n}\n' >"$T/bad.stk"
cp "$T/bad.stk" "$T/bad.orig"
for mode in "" --check -w; do
    out=$("$S" fmt $mode "$T/bad.stk" 2>&1 >/dev/null); rc=$?
    if [ $rc -eq 2 ] && has "$out" "$T/bad.stk:3:" && has "$out" "error: expected" && has "$out" "[syntax]" &&
        cmp -s "$T/bad.stk" "$T/bad.orig"; then pass "fmt_refuses_unparsable${mode:+_$mode}"
    else fail "fmt_refuses_unparsable${mode:+_$mode}" "rc=$rc $out"; fi
done
# an error in one file does not stop the others; the worst status wins
cp "$T/u.orig" "$T/u2.stk"
out=$("$S" fmt --check "$T/bad.stk" "$T/u2.stk" 2>/dev/null); rc=$?
[ $rc -eq 2 ] && has "$out" "+++ $T/u2.stk (formatted)" && pass fmt_errors_do_not_stop_others ||
    fail fmt_errors_do_not_stop_others "rc=$rc"

# ---- directories: every *.stk below, recursively, hidden entries skipped ----
mkdir -p "$T/d/sub" "$T/d/.hidden"
cp "$T/u.orig" "$T/d/sub/x.stk"; cp "$T/u.orig" "$T/d/.hidden/y.stk"; cp "$T/u.orig" "$T/d/z.txt"
out=$("$S" fmt --check "$T/d"); rc=$?
[ $rc -eq 1 ] && has "$out" "--- $T/d/sub/x.stk" && ! has "$out" "y.stk" && ! has "$out" "z.txt" &&
    pass fmt_directory_recurses_over_stk || fail fmt_directory_recurses_over_stk "rc=$rc $out"

# ---- standard input, usage errors ----
out=$(printf 'policy p { umask 022 ;}' | "$S" fmt -); rc=$?
[ $rc -eq 0 ] && [ "$out" = $'policy p { umask 022 }' ] && pass fmt_stdin || fail fmt_stdin "rc=$rc [$out]"
"$S" fmt --check -w "$T/u2.stk" 2>/dev/null; [ $? -eq 2 ] && pass fmt_check_and_w_exclusive || fail fmt_check_and_w_exclusive "not 2"
"$S" fmt 2>/dev/null; [ $? -eq 2 ] && pass fmt_no_file_usage || fail fmt_no_file_usage "not 2"
"$S" fmt "$T/missing.stk" 2>/dev/null; [ $? -eq 2 ] && pass fmt_missing_file || fail fmt_missing_file "not 2"
"$S" fmt --help | grep -q -- "--check" && "$S" help fmt | grep -q "usage: stockade fmt" && pass fmt_help || fail fmt_help "no help"

[ $fails -eq 0 ]
