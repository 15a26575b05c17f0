/* sigs.c — syscall argument signatures: name lookup, per-ABI overrides and
 * argument widths.  The tables are generated (see sigs_table.h). */
#include "sigs.h"

#include <string.h>

#include "sigs_table.h"

const struct stk_sig *stk_sig_lookup(const char *syscall)
{
    if (!syscall)
        return NULL;
    size_t lo = 0, hi = stk_sig_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(syscall, stk_sig_table[mid].syscall);
        if (c == 0)
            return &stk_sig_table[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

const struct stk_sig *stk_sig_lookup_abi(const char *syscall, enum stk_abi abi)
{
    const struct stk_sig *base = stk_sig_lookup(syscall);
    if (!base || (unsigned)abi >= STK_ABI_COUNT)
        return base;
    /* Few overrides: a linear scan is simplest. */
    for (size_t i = 0; i < stk_sig_override_count; i++) {
        const struct stk_sig_override *o = &stk_sig_overrides[i];
        if ((o->abis & (UINT32_C(1) << abi)) && strcmp(o->sig.syscall, syscall) == 0)
            return &o->sig;
    }
    return base;
}

/* "arg0".."arg5" -> 0..5, else -1. */
static int positional_arg(const char *name)
{
    if (strncmp(name, "arg", 3) == 0 && name[3] >= '0' && name[3] <= '5' && name[4] == '\0')
        return name[3] - '0';
    return -1;
}

int stk_sig_arg(const char *syscall, enum stk_abi abi, const char *argname, enum stk_arg_type *type)
{
    if (!syscall || !argname)
        return -1;
    const struct stk_sig *sig = stk_sig_lookup_abi(syscall, abi);
    enum stk_arg_type t = STK_ARG_ULONG;
    int idx = positional_arg(argname);
    if (idx >= 0) {
        /* Positional names always mean the register argument of that index
         * (the data file guarantees no named argument contradicts this). */
        if (sig && idx < sig->nargs)
            t = sig->args[idx].type;
    } else {
        if (!sig)
            return -1;
        for (int i = 0; i < sig->nargs && i < 6; i++) {
            if (strcmp(sig->args[i].name, argname) == 0) {
                idx = i;
                t = sig->args[i].type;
                break;
            }
        }
        if (idx < 0)
            return -1;
    }
    if (type)
        *type = t;
    return idx;
}

unsigned stk_arg_width(enum stk_arg_type type, enum stk_abi abi)
{
    switch (type) {
    case STK_ARG_INT:
    case STK_ARG_UINT:
        return 32;
    case STK_ARG_LONG:
    case STK_ARG_ULONG:
        break;
    case STK_ARG_SCMP: /* libseccomp takes x32 for a 32-bit ABI */
        if (abi == STK_ABI_X32)
            return 32;
        break;
    }
    /* Unknown ABI: assume the wider register, never the narrower. */
    if ((unsigned)abi >= STK_ABI_COUNT)
        return 64;
    return stk_abis[abi].is_64bit ? 64 : 32;
}

bool stk_arg_signed(enum stk_arg_type type)
{
    return type == STK_ARG_INT || type == STK_ARG_LONG;
}
