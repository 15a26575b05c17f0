# gen_sigs.awk — compile common/data/syscall-args.txt into C (build/gen/sigs_table.c).
#
#   awk -f common/tools/gen_sigs.awk common/data/syscall-args.txt > build/gen/sigs_table.c
#
# The data format is described at the top of the data file.  Output: the table of
# base signatures sorted by name in strcmp order (stk_sig_table, for binary search)
# and the per-ABI overrides sorted the same way (stk_sig_overrides); both are
# declared in common/sigs_table.h.
#
# Malformed input is reported as `file:line: message` on stderr, every error is
# reported, and the exit status is 1 with nothing written to stdout.
# Portable awk only (mawk and gawk): no gensub, asort, length(array) or
# locale-dependent string comparison; sorting is a hand-written insertion sort
# over an explicit byte order.

function fail(msg) {
    printf "%s:%d: %s\n", FILENAME, FNR, msg > "/dev/stderr"
    err = 1
}

function fail_at(file, ln, msg) {
    printf "%s:%d: %s\n", file, ln, msg > "/dev/stderr"
    err = 1
}

function trim(s) {
    sub(/^[ ]+/, "", s)
    sub(/[ ]+$/, "", s)
    return s
}

# 1 if a sorts before b under strcmp (names only use the characters of ORDER,
# which lists them in ascending byte order).
function before(a, b,    ci, la, lb, ca, cb) {
    la = length(a)
    lb = length(b)
    for (ci = 1; ci <= la && ci <= lb; ci++) {
        ca = substr(a, ci, 1)
        cb = substr(b, ci, 1)
        if (ca != cb)
            return index(ORDER, ca) < index(ORDER, cb)
    }
    return la < lb
}

# Stable insertion sort: idx[1..n] gets the indexes of name[1..n] in order.
function sort_names(name, n, idx,    i, j) {
    for (i = 1; i <= n; i++) {
        j = i - 1
        while (j >= 1 && before(name[i], name[idx[j]])) {
            idx[j + 1] = idx[j]
            j--
        }
        idx[j + 1] = i
    }
}

# Parse the argument list `argstr` of syscall `nm`.  Sets P_NARGS and P_INIT (the C
# initializer of the args array).  Returns 0 on error (already reported).
function parse_args(nm, argstr,    n, parts, ai, a, sep, type, an, seen_arg, ok) {
    P_NARGS = 0
    P_INIT = "{\"\", STK_ARG_ULONG}"
    if (argstr == "")
        return 1
    n = split(argstr, parts, ",")
    if (n > 6) {
        fail(nm ": " n " arguments; a syscall has at most 6")
        return 0
    }
    ok = 1
    P_INIT = ""
    for (ai = 1; ai <= n; ai++) {
        a = trim(parts[ai])
        if (a == "") {
            fail(nm ": argument " ai ": empty (stray comma?)")
            ok = 0
            continue
        }
        sep = index(a, " ")
        if (sep == 0) {
            fail(nm ": argument " ai ": expected `TYPE NAME`, got `" a "`")
            ok = 0
            continue
        }
        type = substr(a, 1, sep - 1)
        an = trim(substr(a, sep + 1))
        if (!(type in CTYPE)) {
            fail(nm ": argument " ai ": unknown type `" type "` (int, uint, long or ulong)")
            ok = 0
            continue
        }
        if (an !~ /^[a-z_][a-z0-9_]*$/) {
            fail(nm ": argument " ai ": bad argument name `" an "`")
            ok = 0
            continue
        }
        if (length(an) >= 20) {
            fail(nm ": argument " ai ": name `" an "` is longer than 19 characters (STK_ARG_NAME_MAX in sigs.h)")
            ok = 0
            continue
        }
        if (an ~ /^arg[0-9]+$/ && an != ("arg" (ai - 1))) {
            fail(nm ": argument " ai ": `" an "` would contradict the positional name arg" (ai - 1))
            ok = 0
            continue
        }
        if (an in seen_arg) {
            fail(nm ": duplicate argument name `" an "`")
            ok = 0
            continue
        }
        seen_arg[an] = 1
        P_INIT = P_INIT (ai > 1 ? ", " : "") "{\"" an "\", " CTYPE[type] "}"
    }
    P_NARGS = n
    return ok
}

BEGIN {
    ORDER = "0123456789_abcdefghijklmnopqrstuvwxyz"
    CTYPE["int"] = "STK_ARG_INT"
    CTYPE["uint"] = "STK_ARG_UINT"
    CTYPE["long"] = "STK_ARG_LONG"
    CTYPE["ulong"] = "STK_ARG_ULONG"
    CABI["x86_64"] = "STK_ABI_X86_64"
    CABI["i386"] = "STK_ABI_I386"
    CABI["x32"] = "STK_ABI_X32"
    CABI["aarch64"] = "STK_ABI_AARCH64"
    CABI["arm"] = "STK_ABI_ARM"
    CABI["riscv64"] = "STK_ABI_RISCV64"
    nbase = 0
    nover = 0
    err = 0
    srcfile = ""
}

{
    if (srcfile == "")
        srcfile = FILENAME
    line = $0
    sub(/#.*/, "", line)
    gsub(/[\t\r]/, " ", line)
    line = trim(line)
    if (line == "")
        next

    is_over = 0
    mask = ""
    nabis = 0
    if (substr(line, 1, 1) == "@") {
        sp = index(line, " ")
        if (sp == 0 || substr(line, 1, sp - 1) != "@abi") {
            fail("unknown directive `" (sp ? substr(line, 1, sp - 1) : line) "` (only @abi)")
            next
        }
        line = trim(substr(line, sp + 1))
        sp = index(line, " ")
        if (sp == 0) {
            fail("@abi needs an ABI list and a syscall name")
            next
        }
        list = substr(line, 1, sp - 1)
        line = trim(substr(line, sp + 1))
        nabis = split(list, abis, ",")
        bad = 0
        for (k in seen_abi)
            delete seen_abi[k]
        for (i = 1; i <= nabis; i++) {
            if (!(abis[i] in CABI)) {
                fail("unknown ABI `" abis[i] "` (x86_64, i386, x32, aarch64, arm, riscv64)")
                bad = 1
            } else if (abis[i] in seen_abi) {
                fail("ABI `" abis[i] "` listed twice")
                bad = 1
            } else {
                seen_abi[abis[i]] = 1
                mask = mask (mask == "" ? "" : " | ") "(1u << " CABI[abis[i]] ")"
            }
        }
        if (nabis == 0) {
            fail("@abi: empty ABI list")
            bad = 1
        }
        if (bad)
            next
        is_over = 1
    }

    sp = index(line, " ")
    if (sp == 0) {
        name = line
        rest = ""
    } else {
        name = substr(line, 1, sp - 1)
        rest = trim(substr(line, sp + 1))
    }
    if (name !~ /^[a-z_][a-z0-9_]*$/) {
        fail("bad syscall name `" name "`")
        next
    }
    if (length(name) >= 32) {
        fail("syscall name `" name "` is longer than 31 characters (STK_SYSCALL_NAME_MAX in syscalls.h)")
        next
    }
    if (!parse_args(name, rest))
        next

    if (is_over) {
        bad = 0
        for (i = 1; i <= nabis; i++) {
            key = name SUBSEP abis[i]
            if (key in over_line) {
                fail(name ": second override for ABI " abis[i] " (first at line " over_line[key] ")")
                bad = 1
            } else
                over_line[key] = FNR
        }
        if (bad)
            next
        nover++
        oname[nover] = name
        omask[nover] = mask
        onargs[nover] = P_NARGS
        oinit[nover] = P_INIT
        oline[nover] = FNR
    } else {
        if (name in base_line) {
            fail("duplicate syscall `" name "` (first at line " base_line[name] ")")
            next
        }
        base_line[name] = FNR
        nbase++
        bname[nbase] = name
        bnargs[nbase] = P_NARGS
        binit[nbase] = P_INIT
    }
}

END {
    if (srcfile == "")
        srcfile = "(stdin)"
    for (j = 1; j <= nover; j++)
        if (!(oname[j] in base_line))
            fail_at(srcfile, oline[j], oname[j] ": override without a base line for the syscall")
    if (nbase == 0 && !err)
        fail_at(srcfile, 0, "no signatures")
    if (err)
        exit 1

    # Insertion sorts (stable) into bidx[] / oidx[].
    sort_names(bname, nbase, bidx)
    sort_names(oname, nover, oidx)

    print "/* Generated by common/tools/gen_sigs.awk from " srcfile ": do not edit. */"
    print "#include <stddef.h>"
    print "#include <stdint.h>"
    print ""
    print "#include \"sigs.h\""
    print "#include \"sigs_table.h\""
    print ""
    print "const struct stk_sig stk_sig_table[] = {"
    for (i = 1; i <= nbase; i++) {
        v = bidx[i]
        printf "    {\"%s\", %d, {%s}},\n", bname[v], bnargs[v], binit[v]
    }
    print "};"
    printf "const size_t stk_sig_count = %d;\n", nbase
    print ""
    print "const struct stk_sig_override stk_sig_overrides[] = {"
    for (i = 1; i <= nover; i++) {
        v = oidx[i]
        printf "    {%s, {\"%s\", %d, {%s}}},\n", omask[v], oname[v], onargs[v], oinit[v]
    }
    if (nover == 0)
        print "    {0, {\"\", 0, {{\"\", STK_ARG_ULONG}}}}, /* placeholder: no overrides */"
    print "};"
    printf "const size_t stk_sig_override_count = %d;\n", nover
}
