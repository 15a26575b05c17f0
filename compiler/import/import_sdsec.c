/* import_sdsec.c — systemd's seccomp directives as the policy's seccomp block:
 *
 *   SystemCallFilter=          allow list: default (SystemCallErrorNumber= or
 *                              kill-process), allow NAMES (@default implied);
 *                              deny list (~): default allow, errno/kill NAMES
 *   SystemCallErrorNumber=     the errno of the filter (kill: kill-process)
 *   SystemCallArchitectures=   arch (unset: every ABI of the machine, as systemd
 *                              filters them all)
 *   RestrictAddressFamilies=   errno EAFNOSUPPORT socket if domain [not] in (...)
 *   RestrictNamespaces=        errno EPERM clone/unshare if flags & NS,
 *                              setns if nstype == 0 || nstype & NS; clone3 ENOSYS
 * The conditional rules come first (first match wins); names the rules above
 * decide unconditionally are left out of the list below them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>

#include "consts.h"
#include "import/import_sd.h"

static const struct {
    const char *name;
    uint64_t flag;
} nstypes[] = {
    {"cgroup", CLONE_NEWCGROUP}, {"ipc", CLONE_NEWIPC}, {"net", CLONE_NEWNET}, {"mnt", CLONE_NEWNS},
    {"pid", CLONE_NEWPID},       {"user", CLONE_NEWUSER}, {"uts", CLONE_NEWUTS},
};
#define NS_ALL (CLONE_NEWCGROUP | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUSER | CLONE_NEWUTS)

static const struct {
    const char *name;
    enum stk_abi abi;
} sdarches[] = {{"x86-64", STK_ABI_X86_64}, {"x86", STK_ABI_I386},  {"x32", STK_ABI_X32},
                {"arm64", STK_ABI_AARCH64}, {"arm", STK_ABI_ARM},   {"riscv64", STK_ABI_RISCV64}};

static void map_ns(struct sd_ctx *x, struct unit_kv *kv)
{
    const char *v = kv->value;
    int b = stk_unit_bool(v);
    kv->used = true;
    if (b >= 0) {
        x->ns_given = b == 1;
        x->ns_denied = b ? NS_ALL : 0;
        return;
    }
    bool inv = *v == '~';
    char **w;
    size_t n;
    if (!stk_unit_words(v + inv, &w, &n)) {
        stk_sd_warn(x, kv, "unterminated quote");
        return;
    }
    uint64_t list = 0;
    for (size_t i = 0; i < n; i++) {
        size_t k = 0;
        while (k < sizeof nstypes / sizeof nstypes[0] && strcmp(nstypes[k].name, w[i]) != 0)
            k++;
        if (k < sizeof nstypes / sizeof nstypes[0])
            list |= nstypes[k].flag;
        else
            stk_sd_warn(x, kv, "namespace type '%s' is not mapped", w[i]);
    }
    stk_unit_words_free(w, n);
    x->ns_given = true;
    x->ns_denied = inv ? list : (NS_ALL & ~list);
}

static void map_af(struct sd_ctx *x, struct unit_kv *kv)
{
    const char *v = kv->value;
    kv->used = true;
    for (size_t i = 0; i < x->naf; i++)
        free(x->af[i]);
    x->naf = 0;
    if (!*v) {
        x->af_given = false;
        return;
    }
    x->af_given = true;
    if (strcmp(v, "none") == 0) {
        x->af_allow = true;
        return;
    }
    bool inv = *v == '~';
    x->af_allow = !inv;
    char **w;
    size_t n, cap = 0;
    if (!stk_unit_words(v + inv, &w, &n)) {
        stk_sd_warn(x, kv, "unterminated quote");
        return;
    }
    for (size_t i = 0; i < n; i++) {
        int64_t val;
        if (strncmp(w[i], "AF_", 3) == 0 && stk_const_lookup(w[i], &val))
            STK_PUSH(x->af, x->naf, cap, stk_xstrdup(w[i]));
        else
            stk_sd_warn(x, kv, "unknown address family '%s' left out", w[i]);
    }
    stk_unit_words_free(w, n);
}

bool stk_sd_map_seccomp(struct sd_ctx *x, struct unit_kv *kv, char *err, size_t errlen)
{
    const char *k = kv->key, *v = kv->value;
    if (strcmp(k, "SystemCallFilter") == 0) {
        if (strchr(v, '@'))
            x->used_groups = true;
        if (!stk_sd_filter_add(&x->filter, v, x->groups, err, errlen)) {
            char tmp[512];
            snprintf(tmp, sizeof tmp, "line %u: %s", kv->line, err);
            snprintf(err, errlen, "%s", tmp);
            x->failed = true;
        }
        kv->used = true;
    } else if (strcmp(k, "SystemCallErrorNumber") == 0) {
        int e;
        char *end;
        long num = strtol(v, &end, 10);
        kv->used = true;
        if (!*v)
            x->errno_action = -1;
        else if (strcmp(v, "kill") == 0)
            x->errno_action = -1;
        else if (!*end && num >= 0 && num <= 4095)
            x->errno_action = (int)num;
        else if (stk_errno_lookup(v, &e))
            x->errno_action = e;
        else {
            kv->used = false;
            stk_sd_warn(x, kv, "'%s' is not an errno", v);
        }
    } else if (strcmp(k, "SystemCallArchitectures") == 0) {
        char **w;
        size_t n;
        kv->used = true;
        if (!stk_unit_words(v, &w, &n)) {
            stk_sd_warn(x, kv, "unterminated quote");
            return true;
        }
        if (n == 0)
            memset(x->abis, 0, sizeof x->abis);
        x->arch_given = n > 0;
        for (size_t i = 0; i < n; i++) {
            size_t a = 0;
            while (a < sizeof sdarches / sizeof sdarches[0] && strcmp(sdarches[a].name, w[i]) != 0)
                a++;
            if (strcmp(w[i], "native") == 0)
                x->abis[x->o->abi] = true;
            else if (a < sizeof sdarches / sizeof sdarches[0])
                x->abis[sdarches[a].abi] = true;
            else
                stk_sd_warn(x, kv, "architecture '%s' is not one stockade compiles for; left out", w[i]);
        }
        stk_unit_words_free(w, n);
        bool any = false;
        for (int a = 0; a < STK_ABI_COUNT; a++)
            any |= x->abis[a];
        x->arch_given = any; /* none stockade knows: as if unset */
    } else if (strcmp(k, "RestrictAddressFamilies") == 0) {
        map_af(x, kv);
    } else if (strcmp(k, "RestrictNamespaces") == 0) {
        map_ns(x, kv);
    } else {
        return false;
    }
    return true;
}

static bool exists_on(const bool *abis, int sc)
{
    for (int a = 0; a < STK_ABI_COUNT; a++)
        if (abis[a] && stk_syscall_table[sc].nr[a] != STK_NR_NONE)
            return true;
    return false;
}

static void names_stmt(struct stk_buf *out, const char *act, const bool *pick, const bool *abis, const bool *skip)
{
    size_t col = 0;
    bool first = true;
    for (size_t i = 0; i < stk_syscall_count; i++) {
        if (!pick[i] || (skip && skip[i]) || !exists_on(abis, (int)i))
            continue;
        const char *n = stk_syscall_table[i].name;
        if (first) {
            stk_buf_printf(out, "        %s %s", act, n);
            col = 9 + strlen(act) + strlen(n);
            first = false;
        } else if (col + strlen(n) + 2 > 96) {
            stk_buf_printf(out, ",\n            %s", n);
            col = 12 + strlen(n);
        } else {
            stk_buf_printf(out, ", %s", n);
            col += 2 + strlen(n);
        }
    }
    if (!first)
        stk_buf_puts(out, "\n");
}

void stk_sd_write_seccomp(struct sd_ctx *x, struct stk_buf *out)
{
    struct sd_filter *f = &x->filter;
    if (!f->present && !x->arch_given && !x->af_given && !x->ns_given)
        return;
    bool abis[STK_ABI_COUNT];
    memcpy(abis, x->abis, sizeof abis);
    if (!x->arch_given) { /* systemd filters every ABI the machine runs */
        abis[x->o->abi] = true;
        if (x->o->abi == STK_ABI_X86_64)
            abis[STK_ABI_I386] = abis[STK_ABI_X32] = true;
        if (x->o->abi == STK_ABI_AARCH64)
            abis[STK_ABI_ARM] = true;
    }
    char act[32];
    if (x->errno_action >= 0 && stk_errno_name(x->errno_action))
        snprintf(act, sizeof act, "errno %s", stk_errno_name(x->errno_action));
    else if (x->errno_action >= 0)
        snprintf(act, sizeof act, "errno %d", x->errno_action);
    else
        snprintf(act, sizeof act, "kill-process");
    stk_buf_puts(out, "    seccomp {\n");
    if (f->present && f->allow)
        stk_buf_printf(out, "        default %s\n        # systemd answers calls newer than it knows with ENOSYS\n"
                            "        newer_syscalls errno ENOSYS\n",
                       act);
    else
        stk_buf_puts(out, "        default allow\n        newer_syscalls allow\n");
    stk_buf_puts(out, "        arch ");
    bool first = true;
    for (int a = 0; a < STK_ABI_COUNT; a++)
        if (abis[a]) {
            stk_buf_printf(out, "%s%s", first ? "" : ", ", stk_abis[a].name);
            first = false;
        }
    stk_buf_puts(out, "\n");
    bool *decided = stk_xcalloc(stk_syscall_count, sizeof *decided);
    if (x->af_given) {
        stk_buf_puts(out, "        # RestrictAddressFamilies=\n");
        if (x->naf == 0) {
            stk_buf_puts(out, "        errno EAFNOSUPPORT socket\n");
            int sc = stk_syscall_lookup("socket");
            if (sc >= 0)
                decided[sc] = true;
        } else {
            stk_buf_printf(out, "        errno EAFNOSUPPORT socket if domain %sin (", x->af_allow ? "not " : "");
            for (size_t i = 0; i < x->naf; i++)
                stk_buf_printf(out, "%s%s", i ? ", " : "", x->af[i]);
            stk_buf_puts(out, ")\n");
        }
    }
    if (x->ns_given && x->ns_denied) {
        struct stk_buf m = {0};
        for (size_t i = 0; i < sizeof nstypes / sizeof nstypes[0]; i++)
            if (x->ns_denied & nstypes[i].flag) {
                static const char *const cn[] = {"CLONE_NEWCGROUP", "CLONE_NEWIPC", "CLONE_NEWNET", "CLONE_NEWNS",
                                                 "CLONE_NEWPID",    "CLONE_NEWUSER", "CLONE_NEWUTS"};
                stk_buf_printf(&m, "%s%s", m.len ? " | " : "", cn[i]);
            }
        stk_buf_printf(out, "        # RestrictNamespaces=\n"
                            "        errno EPERM clone, unshare if flags &\n            (%s)\n"
                            "        errno EPERM setns if nstype == 0 || nstype &\n            (%s)\n"
                            "        # clone3's flags are in memory: ENOSYS sends libc to clone\n"
                            "        errno ENOSYS clone3\n",
                       m.data, m.data);
        int sc = stk_syscall_lookup("clone3");
        if (sc >= 0)
            decided[sc] = true;
        stk_buf_free(&m);
    }
    if (f->present) {
        stk_buf_puts(out, "        # SystemCallFilter=\n");
        if (f->allow) {
            names_stmt(out, "allow", f->listed, abis, decided);
        } else {
            bool *pick = stk_xcalloc(stk_syscall_count, sizeof *pick);
            /* one statement per action: the unit's, then each :ERRNO */
            for (int pass = 0; pass < 2; pass++) {
                int done_errs[64], ndone = 0;
                for (size_t i = 0; i < stk_syscall_count; i++) {
                    if (!f->listed[i] || decided[i])
                        continue;
                    int e = f->err[i];
                    if ((pass == 0) != (e == -1))
                        continue;
                    bool seen = false;
                    for (int d = 0; d < ndone; d++)
                        seen |= done_errs[d] == e;
                    if (seen || ndone == 64)
                        continue;
                    done_errs[ndone++] = e;
                    memset(pick, 0, stk_syscall_count * sizeof *pick);
                    for (size_t j = i; j < stk_syscall_count; j++)
                        pick[j] = f->listed[j] && !decided[j] && f->err[j] == e;
                    char a2[32];
                    if (e == -1)
                        snprintf(a2, sizeof a2, "%s", act);
                    else if (e == -2)
                        snprintf(a2, sizeof a2, "kill-process");
                    else if (stk_errno_name(e))
                        snprintf(a2, sizeof a2, "errno %s", stk_errno_name(e));
                    else
                        snprintf(a2, sizeof a2, "errno %d", e);
                    names_stmt(out, a2, pick, abis, NULL);
                }
            }
            free(pick);
        }
        for (size_t i = 0; i < f->nunknown; i++)
            stk_sd_warn(x, NULL, "SystemCallFilter=: '%s' is not a syscall stockade knows; left out", f->unknown[i]);
    }
    free(decided);
    stk_buf_puts(out, "    }\n");
}

void stk_sd_ctx_free(struct sd_ctx *x)
{
    stk_buf_free(&x->proc);
    stk_buf_free(&x->env);
    stk_buf_free(&x->notmapped);
    stk_buf_free(&x->cgroup);
    for (size_t i = 0; i < x->nfs; i++) {
        free(x->fs[i].path);
        free(x->fs[i].dest);
        free(x->fs[i].opts);
    }
    free(x->fs);
    stk_sd_filter_free(&x->filter);
    for (size_t i = 0; i < x->naf; i++)
        free(x->af[i]);
    free(x->af);
}
