#!/usr/bin/env bash
# bundle_limits.sh — every bundle `stockade compile` writes, the bundle reader
# accepts (issue 11): each bound of the reader (common/bundle_format.h and the
# common/bundle_*.h headers) that a policy can reach is refused by `check`, at
# the statement, and by `compile`; a policy right at the bound compiles, and
# `stockade inspect` (the reader stockade-exec uses) accepts its bundle.
#   - names (policy, user, group, supplementary groups, env names): 256 bytes
#   - env values: 131071 bytes; env keep and env set: 4096 entries each
#   - supplementary groups: 65536; workdir and landlock paths: 4095 bytes
#   - landlock path rules and port rules: 4096 each
#   - the whole bundle: 4 MiB
#   - bounds sema already kept (filesystem paths and entries, id maps,
#     hostname, SELinux and AppArmor names): the policy at the bound is read
#   - every policy of every .stk file we ship or test with: when compile
#     writes a bundle, inspect accepts it.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh
S=${STK_BUILD:-build}/stockade
[ -x "$S" ] || { fail bundle_limits "$S not built"; exit 1; }
itest_tmp

rep() { head -c "$2" /dev/zero | tr '\0' "$1"; }               # rep CHAR N: N copies of CHAR
list() { seq -s ', ' -f "$1%.0f$3" 1 "$2"; }                    # list PREFIX N SUFFIX: P1S, P2S, ...
col() { echo $((${#1} + 1)); }                                  # col TEXT: the column right after TEXT

# at_limit NAME FILE: check and compile accept FILE, inspect accepts the bundle.
at_limit() {
    local name=$1 f=$2
    rm -f "$T/ok.bundle"
    "$S" check --allow-warnings "$f" 2>"$T/err"
    local rc=$?
    "$S" compile -o "$T/ok.bundle" "$f" 2>>"$T/err"
    local crc=$?
    "$S" inspect "$T/ok.bundle" >"$T/out" 2>"$T/ierr"
    local irc=$?
    [ "$rc" -eq 0 ] && [ "$crc" -eq 0 ] && [ "$irc" -eq 0 ] && pass "$name" ||
        fail "$name" "check=$rc compile=$crc inspect=$irc: $(head -c 300 "$T/err") $(head -c 300 "$T/ierr")"
}

# over_limit NAME FILE CODE WHERE MESSAGE: check refuses FILE with CODE at
# WHERE (FILE:LINE:COL) and MESSAGE, and so does compile, writing no bundle.
over_limit() {
    local name=$1 f=$2 code=$3 where=$4 msg=$5
    rm -f "$T/no.bundle"
    "$S" check "$f" 2>"$T/err"
    local rc=$?
    "$S" compile -o "$T/no.bundle" "$f" 2>"$T/cerr"
    local crc=$?
    local e c
    e=$(grep -F ': error: ' "$T/err")
    c=$(grep -F ': error: ' "$T/cerr")
    [ "$rc" -eq 1 ] && has "$e" "$where: error: " && has "$e" "[$code]" && has "$e" "$msg" &&
        [ "$crc" -eq 1 ] && [ ! -e "$T/no.bundle" ] && has "$c" "$where: error: " && has "$c" "[$code]" &&
        pass "$name" || fail "$name" "check=$rc compile=$crc: $(head -c 300 <<<"$e") / $(head -c 300 <<<"$c")"
}

# pol FILE BODY...: policy p { BODY lines } into $T/FILE.stk
pol() {
    local f=$T/$1.stk
    shift
    { echo 'policy p {'; printf '    %s\n' "$@"; echo '}'; } >"$f"
}

# ---- names: 256 bytes ------------------------------------------------------------------------
printf 'policy %s {\n}\n' "$(rep n 256)" >"$T/name_ok.stk"
printf 'policy %s {\n}\n' "$(rep n 257)" >"$T/name_long.stk"
at_limit policy_name_256 "$T/name_ok.stk"
over_limit policy_name_257 "$T/name_long.stk" too-long name_long.stk:1:8 "policy name of 257 bytes"

pol user_ok "user \"$(rep u 256)\"" "group \"$(rep g 256)\""
pol user_long "user \"$(rep u 257)\""
pol group_long "group $(rep g 257)"
pol user_empty 'user ""'
at_limit user_group_256 "$T/user_ok.stk"
over_limit user_257 "$T/user_long.stk" too-long user_long.stk:2:10 "user name of 257 bytes"
over_limit group_257 "$T/group_long.stk" too-long group_long.stk:2:11 "group name of 257 bytes"
over_limit user_empty "$T/user_empty.stk" bad-arguments user_empty.stk:2:10 "empty"

# ---- supplementary groups: 65536 of them, 256 bytes each --------------------------------------
pol supp_ok "supplementary_groups $(list '' 65536 '')"
pol supp_many "supplementary_groups $(list '' 65537 '')"
pol supp_long "supplementary_groups audio, $(rep s 257)"
at_limit supplementary_groups_65536 "$T/supp_ok.stk"
over_limit supplementary_groups_65537 "$T/supp_many.stk" too-many \
    "supp_many.stk:2:$(col "    supplementary_groups $(list '' 65536 ''), ")" "more than 65536 supplementary groups"
over_limit supplementary_group_257 "$T/supp_long.stk" too-long supp_long.stk:2:33 \
    "supplementary group name of 257 bytes"

# ---- env: 4096 keep and 4096 set entries, names of 256 bytes, values of 131071 -----------------
pol env_keep_ok "env { keep $(list K 4096 '') }"
pol env_keep_many "env { keep $(list K 4097 '') }"
pol env_set_ok "env { set $(list S 4096 =x) }"
pol env_set_many "env { set $(list S 4097 =x) }"
pol env_names_ok "env { keep $(rep K 256); set $(rep S 256)=x }"
pol env_keep_long "env { keep $(rep K 257) }"
pol env_set_long "env { set $(rep S 257)=x }"
pol env_value_ok "env { set A=\"$(rep v 131071)\" }"
pol env_value_long "env { set A=$(rep v 131072) }"
at_limit env_keep_4096 "$T/env_keep_ok.stk"
over_limit env_keep_4097 "$T/env_keep_many.stk" too-many "env_keep_many.stk:2:$(col "    env { keep $(list K 4096 ''), ")" \
    "more than 4096 env keep entries"
at_limit env_set_4096 "$T/env_set_ok.stk"
over_limit env_set_4097 "$T/env_set_many.stk" too-many "env_set_many.stk:2:$(col "    env { set $(list S 4096 =x), ")" \
    "more than 4096 env set entries"
at_limit env_names_256 "$T/env_names_ok.stk"
over_limit env_keep_name_257 "$T/env_keep_long.stk" too-long env_keep_long.stk:2:16 "variable name of 257 bytes"
over_limit env_set_name_257 "$T/env_set_long.stk" too-long env_set_long.stk:2:15 "variable name of 257 bytes"
at_limit env_value_131071 "$T/env_value_ok.stk"
over_limit env_value_131072 "$T/env_value_long.stk" too-long env_value_long.stk:2:15 "value of 131072 bytes"

# ---- workdir: 4095 bytes ----------------------------------------------------------------------
pol workdir_ok "workdir /$(rep w 4094)"
pol workdir_long "workdir /$(rep w 4095)"
at_limit workdir_4095 "$T/workdir_ok.stk"
over_limit workdir_4096 "$T/workdir_long.stk" bad-path workdir_long.stk:2:13 "path of 4096 bytes"

# ---- landlock: paths of 4095 bytes (in normal form), 4096 path rules, 4096 port rules ----------
pol ll_path_ok "landlock { execute /usr; read \"/$(rep l 4094)\" }"
pol ll_path_slashes "landlock { execute /usr; read \"//$(rep l 4094)//\" }"
pol ll_path_long "landlock { execute /usr; read \"/$(rep l 4095)\" }"
at_limit landlock_path_4095 "$T/ll_path_ok.stk"
at_limit landlock_path_4095_normal_form "$T/ll_path_slashes.stk"
over_limit landlock_path_4096 "$T/ll_path_long.stk" bad-path ll_path_long.stk:2:35 "path of 4096 bytes"
pol ll_paths_ok "landlock { read $(list /p 4095 ''), /usr; execute /usr }"
pol ll_paths_many "landlock { read $(list /p 4096 ''), /usr; execute /usr }"
at_limit landlock_paths_4096 "$T/ll_paths_ok.stk"
over_limit landlock_paths_4097 "$T/ll_paths_many.stk" too-many \
    "ll_paths_many.stk:2:$(col "    landlock { read $(list /p 4096 ''), ")" "more than 4096 landlock path rules"
pol ll_ports_ok "landlock { bind tcp $(list '' 4096 '') }"
pol ll_ports_many "landlock { connect tcp $(list '' 4097 '') }"
at_limit landlock_ports_4096 "$T/ll_ports_ok.stk"
over_limit landlock_ports_4097 "$T/ll_ports_many.stk" too-many \
    "ll_ports_many.stk:2:$(col "    landlock { connect tcp $(list '' 4096 ''), ")" "more than 4096 landlock port rules"

# ---- the whole bundle: 4 MiB ------------------------------------------------------------------
# 31 values of 131071 bytes and a last one sized so that the bundle is exactly 4 MiB
big() { # big FILE LASTLEN
    {
        echo 'policy p {'
        echo '    env {'
        for i in $(seq 1 31); do echo "        set V$i=$(rep v 131071)"; done
        echo "        set W=$(rep w "$2")"
        echo '    }'
        echo '}'
    } >"$T/$1.stk"
}
big size_probe 1000
if "$S" compile -o "$T/probe.bundle" "$T/size_probe.stk" 2>"$T/err"; then
    last=$((1000 + (4 << 20) - $(stat -c %s "$T/probe.bundle")))
    big size_ok "$last"
    big size_over $((last + 1))
    at_limit bundle_4MiB "$T/size_ok.stk"
    [ "$(stat -c %s "$T/ok.bundle" 2>/dev/null)" = $((4 << 20)) ] && pass bundle_4MiB_exact ||
        fail bundle_4MiB_exact "the bundle has $(stat -c %s "$T/ok.bundle" 2>/dev/null) bytes"
    over_limit bundle_4MiB_plus_1 "$T/size_over.stk" bundle-too-large size_over.stk:1:8 "4194305 bytes"
else
    fail bundle_4MiB "probe does not compile: $(head -c 300 "$T/err")"
fi

# ---- bounds sema already kept: the policy at the bound is read --------------------------------
fsp=/$(rep f 4094)
pol fs_ok 'namespaces mount, user' "filesystem { tmpfs $fsp; mask $(list /m 511 '') }"
at_limit filesystem_paths_4095_entries_512 "$T/fs_ok.stk"
maps=$(for i in $(seq 0 339); do printf '%s%d %d 1' "${i:+, }" "$i" $((100000 + i)); done)
pol idmap_ok 'namespaces user, uts' "uidmap ${maps#, }" "hostname $(rep h 62).h"
at_limit uidmap_340_hostname_64 "$T/idmap_ok.stk"
pol lsm_ok "selinux { type t$(rep t 127); filetype f$(rep f 127); optional }" \
    "apparmor a$(rep a 255) optional"
at_limit selinux_128_apparmor_256 "$T/lsm_ok.stk"

# ---- property: what compile writes, the reader reads ------------------------------------------
n=0
bad=""
while IFS= read -r f; do
    for p in $(grep -oE '^[[:space:]]*policy[[:space:]]+[A-Za-z0-9_-]+' "$f" | awk '{print $2}'); do
        rm -f "$T/prop.bundle"
        "$S" compile --policy="$p" -o "$T/prop.bundle" "$f" >/dev/null 2>&1 || continue
        n=$((n + 1))
        "$S" inspect "$T/prop.bundle" >/dev/null 2>"$T/ierr" || bad="$bad $f:$p($(head -c 120 "$T/ierr"))"
    done
done < <(find policies tests -name '*.stk' | sort)
[ "$n" -ge 10 ] && [ -z "$bad" ] && pass every_compiled_bundle_is_read ||
    fail every_compiled_bundle_is_read "bundles=$n refused:$bad"

[ "$fails" -eq 0 ]
