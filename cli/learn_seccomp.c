/* learn_seccomp.c — the seccomp block of a learned policy (learn.h).
 *
 * `default errno EPERM` (or the --base policy's), then the calls whose
 * arguments were learned, each with its condition (socket families and
 * types, clone without the namespace flags never seen, ioctl requests,
 * prctl options, personality, PROT_EXEC), clone3 answered ENOSYS, then
 * every other call seen, listed under the group it belongs to: a group
 * seen in full is written as the group.  Groups come from the built-in
 * groups.stk, through the compiler (one small policy per group). */
#include <stdlib.h>
#include <string.h>

#include "learn_write.h"
#include "compile.h"
#include "consts.h"
#include "sigs.h"
#include "supervise/report_decode.h"
#include "syscalls.h"

/* In the order calls are assigned: the first group that holds a call lists it. */
static const char *const groups[] = {
    "@default", "@basic-io", "@file-system", "@io-event", "@ipc", "@network-io", "@process", "@signal",
    "@timer", "@sync", "@memlock", "@pkey", "@sandbox", "@aio", "@chown", "@setuid", "@resources",
    "@keyring", "@clock", "@mount", "@module", "@raw-io", "@reboot", "@swap", "@debug", "@cpu-emulation",
    "@io-uring", "@obsolete", "@privileged",
};
#define NGROUPS (sizeof groups / sizeof groups[0])

/* The calls written with a condition (and clone3), never in a plain list. */
static const char *const conditioned[] = {"socket", "clone", "clone3", "ioctl", "prctl", "personality",
                                          "mmap", "mprotect", "pkey_mprotect"};

static int64_t native_nr(const char *name)
{
    int id = stk_syscall_lookup(name);
    return id < 0 ? -1 : stk_syscall_nr(id, stk_native_abi());
}

static bool seen(const struct stk_learn *l, const char *name)
{
    int64_t nr = native_nr(name);
    return nr >= 0 && nr < STK_LEARN_NR_MAX && l->counts[nr] > 0;
}

static bool is_conditioned(int64_t nr)
{
    for (size_t i = 0; i < sizeof conditioned / sizeof conditioned[0]; i++)
        if (native_nr(conditioned[i]) == nr)
            return true;
    return false;
}

/* The native numbers of a group's members (*n of them; free the array). */
static int64_t *members(const char *group, size_t *n)
{
    char text[256];
    snprintf(text, sizeof text,
             "include \"groups.stk\"\npolicy g { seccomp { default allow\nerrno EPERM %s } }\n", group);
    struct stk_diags ds;
    stk_diags_init(&ds);
    struct stk_policy_ir *ir = stk_compile_text("builtin:learn", text, strlen(text), NULL, &ds);
    stk_diags_free(&ds);
    *n = 0;
    if (!ir)
        return NULL;
    int64_t *v = stk_xcalloc(ir->seccomp.nrules + 1, sizeof *v);
    for (size_t i = 0; i < ir->seccomp.nrules; i++) {
        if (ir->seccomp.rules[i].cond) /* the rules the compiler adds (TIOCSTI, keyctl) have conditions */
            continue;
        int64_t nr = stk_syscall_nr(ir->seccomp.rules[i].syscall, stk_native_abi());
        if (nr >= 0)
            v[(*n)++] = nr;
    }
    stk_policy_ir_free(ir);
    return v;
}

static void wrap_list(struct stk_buf *out, const char *head, char *const *names, size_t n)
{
    size_t col = strlen(head) + 8;
    stk_buf_printf(out, "        %s", head);
    for (size_t i = 0; i < n; i++) {
        size_t w = strlen(names[i]) + 2;
        if (i && col + w > 96) {
            stk_buf_puts(out, ",\n            ");
            col = 12;
        } else if (i) {
            stk_buf_puts(out, ", ");
        }
        stk_buf_puts(out, names[i]);
        col += w;
    }
    stk_buf_puts(out, "\n");
}

size_t stk_learn_seccomp_ncalls(const struct stk_learn *l)
{
    size_t n = 0;
    for (size_t i = 0; i < STK_LEARN_NR_MAX; i++)
        n += l->counts[i] > 0;
    return n;
}

/* A constant's name for value v of syscall's argument arg when the
 * --report decoder has a plain one the compiler knows, else hex. */
static void const_name(char *buf, size_t len, const char *syscall, unsigned arg, uint64_t v)
{
    const struct stk_sig *sig = stk_sig_lookup(syscall);
    int64_t cv;
    if (sig && stk_report_decode_arg(buf, len, syscall, sig, arg, v) && !strpbrk(buf, "|( ") &&
        stk_const_lookup(buf, &cv) && (uint64_t)cv == v)
        return;
    /* terminal requests the decoder does not name (TCGETS, TCSETS, ...) */
    static const char *const more[] = {"TC", "SIOC", "FS_IOC", "BLK", NULL};
    for (size_t i = 0; strcmp(syscall, "ioctl") == 0 && v >= 0x100 && more[i]; i++) {
        const char *n = stk_const_name_by_value(more[i], NULL, (int64_t)v);
        if (n && strlen(n) < len) {
            snprintf(buf, len, "%s", n);
            return;
        }
    }
    snprintf(buf, len, "0x%llx", (unsigned long long)v);
}

static void in_list(struct stk_buf *out, const char *rule, const char *syscall, unsigned arg,
                    const struct stk_learn_set *s)
{
    char **names = stk_xcalloc(s->n + 1, sizeof *names);
    for (size_t i = 0; i < s->n; i++) {
        char b[64];
        const_name(b, sizeof b, syscall, arg, s->v[i]);
        size_t len = strlen(b) + 2;
        names[i] = stk_xmalloc(len + 1);
        snprintf(names[i], len + 1, "%s%s", b, i + 1 == s->n ? ")" : "");
    }
    wrap_list(out, rule, names, s->n);
    for (size_t i = 0; i < s->n; i++)
        free(names[i]);
    free(names);
}

static const char *family(uint64_t d, char *buf, size_t len)
{
    if (d == 1)
        return "AF_UNIX";
    const char *n = stk_const_name_by_value("AF_", NULL, (int64_t)d);
    if (n)
        return n;
    snprintf(buf, len, "%llu", (unsigned long long)d);
    return buf;
}

static void socket_rule(const struct stk_learn *l, struct stk_buf *out)
{
    stk_buf_puts(out, "        # socket: only the families and types seen (type & 0xf: without SOCK_CLOEXEC,\n"
                      "        # SOCK_NONBLOCK)\n        allow socket if ");
    bool done[64] = {false};
    bool first = true;
    for (size_t i = 0; i < l->sockets.n && i < 64; i++) {
        if (done[i])
            continue;
        uint64_t dom = l->sockets.v[i] >> 32;
        char fb[24], tb[48];
        stk_buf_printf(out, "%s(domain == %s && (", first ? "" : " ||\n            ", family(dom, fb, sizeof fb));
        first = false;
        bool tfirst = true;
        for (size_t j = i; j < l->sockets.n && j < 64; j++) {
            if (l->sockets.v[j] >> 32 != dom)
                continue;
            done[j] = true;
            const_name(tb, sizeof tb, "socket", 1, l->sockets.v[j] & 0xf);
            stk_buf_printf(out, "%s(type & 0xf) == %s", tfirst ? "" : " || ", tb);
            tfirst = false;
        }
        stk_buf_puts(out, "))");
    }
    stk_buf_puts(out, "\n");
}

static void clone_rule(const struct stk_learn *l, struct stk_buf *out)
{
    static const char *const ns[] = {"CLONE_NEWNS", "CLONE_NEWUTS", "CLONE_NEWIPC", "CLONE_NEWUSER",
                                     "CLONE_NEWPID", "CLONE_NEWNET", "CLONE_NEWCGROUP"};
    struct stk_buf m = {0};
    for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++) {
        int64_t v;
        if (!stk_const_lookup(ns[i], &v) || (l->clone_flags & (uint64_t)v))
            continue;
        stk_buf_printf(&m, "%s%s", !m.len ? "" : (i == 4 ? " |\n            " : " | "), ns[i]);
    }
    if (!m.len) {
        stk_buf_puts(out, "        # clone: every namespace flag was seen\n        allow clone\n");
        return;
    }
    stk_buf_puts(out, "        # clone: threads and processes; no namespace flag was seen\n");
    stk_buf_printf(out, "        allow clone if (flags & (%s)) == 0\n", m.data);
    stk_buf_free(&m);
}

static void prot_rule(const struct stk_learn *l, struct stk_buf *out)
{
    const char *calls[3];
    size_t n = 0;
    if (seen(l, "mmap"))
        calls[n++] = "mmap";
    if (seen(l, "mprotect"))
        calls[n++] = "mprotect";
    if (seen(l, "pkey_mprotect"))
        calls[n++] = "pkey_mprotect";
    if (!n)
        return;
    struct stk_buf c = {0};
    for (size_t i = 0; i < n; i++)
        stk_buf_printf(&c, "%s%s", i ? ", " : "", calls[i]);
    if (!l->prot_exec)
        stk_buf_printf(out, "        # no executable mapping was made\n        allow %s if (prot & PROT_EXEC) == 0\n",
                       c.data);
    else if (!l->prot_wx)
        stk_buf_printf(out, "        # executable mappings were made, never writable and executable at once\n"
                            "        allow %s if (prot & (PROT_WRITE | PROT_EXEC)) != (PROT_WRITE | PROT_EXEC)\n",
                       c.data);
    else
        stk_buf_printf(out, "        # writable and executable mappings were made (a JIT?)\n        allow %s\n", c.data);
    stk_buf_free(&c);
}

static void conditions(const struct stk_learn *l, struct stk_buf *out)
{
    stk_buf_puts(out, "\n        # ---- calls allowed only with the arguments seen ----\n");
    if (seen(l, "socket") && l->sockets.n)
        socket_rule(l, out);
    if (seen(l, "clone") || seen(l, "clone3"))
        clone_rule(l, out);
    stk_buf_puts(out, "        # clone3 keeps its flags in memory, which a filter cannot read: ENOSYS sends\n"
                      "        # libc to clone, whose flags the rule above checks; quiet: --report counts\n"
                      "        # these expected refusals without a line each\n"
                      "        errno ENOSYS clone3\n        quiet clone3\n");
    if (seen(l, "ioctl") && l->ioctls.n) {
        stk_buf_puts(out, "        # ioctl: the requests seen\n");
        in_list(out, "allow ioctl if request in (", "ioctl", 1, &l->ioctls);
    }
    if (seen(l, "prctl") && l->prctls.n) {
        stk_buf_puts(out, "        # prctl: the options seen\n");
        in_list(out, "allow prctl if option in (", "prctl", 0, &l->prctls);
    }
    if (seen(l, "personality") && l->personas.n) {
        stk_buf_puts(out, "        # personality: the values seen (0xffffffff only asks)\n");
        in_list(out, "allow personality if persona in (", "personality", 0, &l->personas);
    }
    prot_rule(l, out);
}

void stk_learn_seccomp(const struct stk_learn_doc *doc, struct stk_buf *out)
{
    const struct stk_learn *l = &doc->obs;
    stk_buf_puts(out, "    seccomp {\n");
    if (!doc->base_name)
        stk_buf_puts(out, "        default errno EPERM\n");
    else
        stk_buf_printf(out, "        # default: %s's\n", doc->base_name);
    stk_buf_printf(out, "        # %zu distinct calls seen, %lu in all; exit, exit_group, rt_sigreturn and\n"
                        "        # restart_syscall are always allowed\n", stk_learn_seccomp_ncalls(l), l->total);
    conditions(l, out);

    /* what every process needs to end and to return from a signal handler,
     * seen or not (a service stopped by a signal never called exit_group) */
    static const char *const always[] = {"exit", "exit_group", "rt_sigreturn", "restart_syscall"};
    bool *have = stk_xcalloc(STK_LEARN_NR_MAX, sizeof *have);
    for (size_t i = 0; i < STK_LEARN_NR_MAX; i++)
        have[i] = l->counts[i] > 0;
    for (size_t i = 0; i < sizeof always / sizeof always[0]; i++) {
        int64_t nr = native_nr(always[i]);
        if (nr >= 0 && nr < STK_LEARN_NR_MAX)
            have[nr] = true;
    }
    bool done[STK_LEARN_NR_MAX] = {false};
    for (size_t i = 0; i < STK_LEARN_NR_MAX; i++)
        done[i] = !have[i] || is_conditioned((int64_t)i);
    stk_buf_puts(out, "\n        # ---- the other calls seen, by group (a group seen in full is named) ----\n");
    for (size_t g = 0; g < NGROUPS; g++) {
        size_t n;
        int64_t *m = members(groups[g], &n);
        size_t nseen = 0, nnew = 0;
        bool cond = false;
        for (size_t i = 0; i < n; i++) {
            if (m[i] >= STK_LEARN_NR_MAX)
                continue;
            nseen += have[m[i]];
            nnew += !done[m[i]];
            cond |= is_conditioned(m[i]);
        }
        if (!nnew) {
            free(m);
            continue;
        }
        char **names = stk_xcalloc(n + 1, sizeof *names);
        size_t k = 0;
        if (nseen == n && !cond) {
            names[k++] = (char *)groups[g];
            stk_buf_printf(out, "        # %s: all %zu seen\n", groups[g], n);
        } else {
            stk_buf_printf(out, "        # %s: %zu of %zu\n", groups[g], nseen, n);
        }
        for (size_t i = 0; i < n; i++) {
            if (m[i] >= STK_LEARN_NR_MAX || done[m[i]])
                continue;
            done[m[i]] = true;
            const char *nm = stk_syscall_name_by_nr(stk_native_abi(), (uint32_t)m[i]);
            if (nm && !(nseen == n && !cond))
                names[k++] = (char *)nm;
        }
        wrap_list(out, "allow ", names, k);
        free(names);
        free(m);
    }
    char **rest = stk_xcalloc(STK_LEARN_NR_MAX, sizeof *rest);
    size_t k = 0;
    for (size_t i = 0; i < STK_LEARN_NR_MAX; i++) {
        const char *nm = done[i] ? NULL : stk_syscall_name_by_nr(stk_native_abi(), (uint32_t)i);
        if (nm)
            rest[k++] = (char *)nm;
    }
    if (k) {
        stk_buf_puts(out, "        # in no group\n");
        wrap_list(out, "allow ", rest, k);
    }
    free(rest);
    free(have);
    stk_buf_puts(out, "    }\n");
}
