/* learn_doc.c — the learned policy as a file (learn.h).
 *
 * stockade learn writes one generated block:
 *
 *   # >>> stockade learn: generated ...
 *   (header comment, include, the policy, the data lines "#@ ...")
 *   # <<< stockade learn: generated
 *
 * The merge rule (docs/learn.md): `--merge FILE` reads the data lines of
 * FILE's block (what every earlier run observed), adds this run's, and
 * writes the block again from the union; the text before and after the
 * block is copied unchanged, so hand edits belong there (a policy that
 * extends the learned one, comments).  Edits inside the block are lost. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "learn_write.h"
#include "syscalls.h"
#include "version.h"

#define BEGIN "# >>> stockade learn: generated"
#define END "# <<< stockade learn: generated"

static const char *abi_name(uint32_t arch, uint32_t *nr)
{
    for (int a = 0; a < STK_ABI_COUNT; a++) {
        if (stk_abis[a].audit_arch != arch)
            continue;
        bool x32 = (*nr & STK_X32_SYSCALL_BIT) != 0;
        if ((a == STK_ABI_X32) != x32)
            continue;
        return stk_abis[a].name;
    }
    return NULL;
}

static char *const *sort_keys;
static int by_key(const void *a, const void *b)
{
    return strcmp(sort_keys[*(const size_t *)a], sort_keys[*(const size_t *)b]);
}

static void data(const struct stk_learn_doc *doc, struct stk_buf *o)
{
    const struct stk_learn *l = &doc->obs;
    stk_buf_puts(o, "# The observations of every run, for `stockade learn --merge` (do not edit):\n#@ v1\n");
    for (size_t i = 0; i < doc->nruns; i++)
        stk_buf_printf(o, "#@ run %s\n", doc->runs[i]);
    for (uint32_t nr = 0; nr < STK_LEARN_NR_MAX; nr++) {
        const char *n = l->counts[nr] ? stk_syscall_name_by_nr(stk_native_abi(), nr) : NULL;
        if (n)
            stk_buf_printf(o, "#@ call %s %lu\n", n, l->counts[nr]);
    }
    for (size_t i = 0; i < l->nother; i++)
        stk_buf_printf(o, "#@ other 0x%x %u %lu\n", l->other[i].arch, l->other[i].nr, l->other[i].n);
    for (size_t i = 0; i < l->sockets.n; i++)
        stk_buf_printf(o, "#@ socket %llu %llu\n", (unsigned long long)(l->sockets.v[i] >> 32),
                       (unsigned long long)(l->sockets.v[i] & 0xffffffffu));
    if (l->clone_flags)
        stk_buf_printf(o, "#@ clone 0x%llx\n", (unsigned long long)l->clone_flags);
    static const char *const setname[] = {"ioctl", "prctl", "persona", "bind", "connect"};
    const struct stk_learn_set *sets[] = {&l->ioctls, &l->prctls, &l->personas, &l->bind_ports, &l->connect_ports};
    for (size_t s = 0; s < 5; s++)
        for (size_t i = 0; i < sets[s]->n; i++)
            stk_buf_printf(o, "#@ %s 0x%llx\n", setname[s], (unsigned long long)sets[s]->v[i]);
    if (l->prot_exec || l->prot_wx)
        stk_buf_printf(o, "#@ prot %s\n", l->prot_wx ? "wx" : "exec");
    size_t *idx = stk_xcalloc(l->paths.n + 1, sizeof *idx), n = 0;
    for (size_t i = 0; i < l->paths.cap; i++)
        if (l->paths.key[i])
            idx[n++] = i;
    sort_keys = l->paths.key;
    qsort(idx, n, sizeof *idx, by_key); /* a stable order: learned files diff well */
    for (size_t i = 0; i < n; i++)
        stk_buf_printf(o, "#@ path %u %s\n", l->paths.rights[idx[i]], l->paths.key[idx[i]]);
    free(idx);
}

/* One data line into doc; false if it is not one. */
static bool parse_line(struct stk_learn_doc *doc, char *line)
{
    struct stk_learn *l = &doc->obs;
    char *sp = strchr(line, ' ');
    if (!sp)
        return strcmp(line, "v1") == 0;
    *sp = '\0';
    const char *k = line;
    char *v = sp + 1, *end;
    if (strcmp(k, "run") == 0) {
        STK_PUSH(doc->runs, doc->nruns, doc->capruns, stk_xstrdup(v));
        return true;
    }
    if (strcmp(k, "path") == 0) {
        unsigned long r = strtoul(v, &end, 10);
        return *end == ' ' && end[1] == '/' && stk_learn_paths_add(&l->paths, end + 1, (unsigned)r);
    }
    if (strcmp(k, "call") == 0) {
        char *cnt = strchr(v, ' ');
        if (!cnt)
            return false;
        *cnt++ = '\0';
        int id = stk_syscall_lookup(v);
        int64_t nr = id < 0 ? -1 : stk_syscall_nr(id, stk_native_abi());
        return nr >= 0 && stk_learn_count(l, stk_abis[stk_native_abi()].audit_arch, (uint32_t)nr,
                                          strtoul(cnt, NULL, 10));
    }
    if (strcmp(k, "other") == 0) {
        unsigned long arch = strtoul(v, &end, 0), nr = strtoul(end, &end, 10), n = strtoul(end, NULL, 10);
        return stk_learn_count(l, (uint32_t)arch, (uint32_t)nr, n);
    }
    if (strcmp(k, "socket") == 0) {
        unsigned long long d = strtoull(v, &end, 10), t = strtoull(end, NULL, 10);
        return stk_learn_set_add(&l->sockets, d << 32 | (t & 0xf));
    }
    if (strcmp(k, "prot") == 0) {
        l->prot_exec = true;
        l->prot_wx |= strcmp(v, "wx") == 0;
        return true;
    }
    uint64_t x = strtoull(v, NULL, 0);
    if (strcmp(k, "clone") == 0) {
        l->clone_flags |= x;
        return true;
    }
    static const char *const setname[] = {"ioctl", "prctl", "persona", "bind", "connect"};
    struct stk_learn_set *sets[] = {&l->ioctls, &l->prctls, &l->personas, &l->bind_ports, &l->connect_ports};
    for (size_t s = 0; s < 5; s++)
        if (strcmp(k, setname[s]) == 0)
            return stk_learn_set_add(sets[s], x);
    return false;
}

bool stk_learn_doc_merge(struct stk_learn_doc *doc, const char *path)
{
    char *text;
    size_t len;
    int err = stk_read_file(path, 64u << 20, &text, &len);
    if (err) {
        fprintf(stderr, "stockade: learn: --merge %s: %s\n", path, err > 0 ? strerror(err) : "not a regular file");
        return false;
    }
    char *b = strstr(text, BEGIN), *e = b ? strstr(b, "\n" END) : NULL; /* the closing marker starts a line */
    if (e)
        e++;
    if (!b || !e || (b != text && b[-1] != '\n')) {
        fprintf(stderr, "stockade: learn: --merge %s: no block generated by stockade learn in it\n", path);
        free(text);
        return false;
    }
    char *after = strchr(e, '\n');
    doc->before = stk_xstrndup(text, (size_t)(b - text));
    doc->after = stk_xstrdup(after ? after + 1 : "");
    size_t bad = 0;
    for (char *line = b, *next; line < e; line = next) {
        next = strchr(line, '\n');
        if (!next)
            break;
        *next++ = '\0';
        if (strncmp(line, "#@ ", 3) == 0 && !parse_line(doc, line + 3))
            bad++;
    }
    free(text);
    if (bad)
        fprintf(stderr, "stockade: learn: --merge %s: %zu data line%s not understood, left out\n", path, bad,
                bad == 1 ? "" : "s");
    return true;
}

void stk_learn_doc_add_run(struct stk_learn_doc *doc)
{
    const struct stk_learn *l = &doc->obs;
    char when[32];
    struct tm tm;
    time_t t = l->start.tv_sec;
    gmtime_r(&t, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    double secs = (double)(l->end.tv_sec - l->start.tv_sec) + (double)(l->end.tv_nsec - l->start.tv_nsec) / 1e9;
    char dropped[48] = "";
    if (l->paths.dropped)
        snprintf(dropped, sizeof dropped, " paths-dropped=%lu", l->paths.dropped);
    char *run = stk_xasprintf("%s %.1fs uid=%u processes=%lu calls=%lu execs=%lu unread=%lu%s: %s", when, secs,
                              (unsigned)l->uid, l->processes, l->total, l->execs, l->unread, dropped, doc->cmdline);
    STK_PUSH(doc->runs, doc->nruns, doc->capruns, run);
}

static void header(const struct stk_learn_doc *doc, struct stk_buf *o)
{
    const struct stk_learn *l = &doc->obs;
    stk_buf_printf(o, "%s by stockade %s: `stockade learn --merge` rewrites everything up to the\n"
                      "# closing marker; put hand edits before or after it (docs/learn.md).\n#\n",
                   BEGIN, STK_VERSION);
    stk_buf_printf(o, "# Policy %s, learned from %zu run%s:\n", doc->name, doc->nruns, doc->nruns == 1 ? "" : "s");
    for (size_t i = 0; i < doc->nruns; i++)
        stk_buf_printf(o, "#   %s\n", doc->runs[i]);
    stk_buf_printf(o, "# %zu distinct system calls seen, %lu calls in all.\n#\n",
                   stk_learn_seccomp_ncalls(l), l->total);
    stk_buf_puts(o, "# REVIEW BEFORE USE.  A run exercises only the paths the program took: a call,\n"
                    "# file or port used only at reload, on an error or at shutdown is missing until a\n"
                    "# run takes that path (add it with --merge).  Verify with the same workload:\n"
                    "#   stockade run --report THIS.stk -- COMMAND...   (no call may be reported)\n"
                    "# Not learnable: capabilities are inferred from the calls (file permissions\n"
                    "# that root overrode with dac_override are not seen); arguments in memory are\n"
                    "# not checked by the filter (clone3, socketcall); identity changes a service makes\n"
                    "# itself are allowed by call, not by id.\n");
    if (l->unread)
        stk_buf_printf(o, "# %lu argument%s could not be read from the command's memory.\n", l->unread,
                       l->unread == 1 ? "" : "s");
    if (l->paths.dropped)
        stk_buf_printf(o, "# The file rules are INCOMPLETE: %lu distinct paths were not recorded (see landlock).\n",
                       l->paths.dropped);
    for (size_t i = 0; i < l->nother; i++) {
        uint32_t nr = l->other[i].nr;
        const char *abi = abi_name(l->other[i].arch, &nr);
        stk_buf_printf(o, "# Not allowed: %lu call%s of ABI %s (number %u): the policy lets in the native ABI only.\n",
                       l->other[i].n, l->other[i].n == 1 ? "" : "s", abi ? abi : "?", nr);
    }
}

void stk_learn_doc_write(struct stk_learn_doc *doc, struct stk_buf *o)
{
    if (doc->before)
        stk_buf_puts(o, doc->before);
    header(doc, o);
    stk_buf_puts(o, "\ninclude \"groups.stk\"\n");
    if (doc->base_path) {
        /* cmd_learn.c refuses a path with a quote or a backslash */
        stk_buf_printf(o, "include \"%s\"\n\npolicy %s extends %s {\n", doc->base_path, doc->name, doc->base_name);
    } else {
        stk_buf_printf(o, "\npolicy %s {\n", doc->name);
    }
    stk_learn_identity(doc, o);
    stk_learn_seccomp(doc, o);
    stk_learn_landlock(doc, o);
    stk_buf_puts(o, "}\n\n");
    data(doc, o);
    stk_buf_puts(o, END "\n");
    if (doc->after)
        stk_buf_puts(o, doc->after);
}
