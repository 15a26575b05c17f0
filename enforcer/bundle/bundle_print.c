/* bundle_print.c — what the enforcer would do with a bundle, step by step, in
 * the order enforce.c applies it (`--dry-run`, `stockade inspect`). */
#include "bundle/bundle.h"

#include <stdio.h>
#include <string.h>
#include <sys/capability.h>

static void print_lim(FILE *out, uint64_t v)
{
    if (v == ~(uint64_t)0)
        fputs("unlimited", out);
    else
        fprintf(out, "%llu", (unsigned long long)v);
}

static void print_caps(FILE *out, uint64_t mask)
{
    bool any = false;
    for (unsigned c = 0; c < 64; c++) {
        if (!((mask >> c) & 1))
            continue;
        char *n = cap_to_name((cap_value_t)c);
        fprintf(out, "%s%s", any ? ", " : "", n ? n : "?");
        cap_free(n);
        any = true;
    }
    if (!any)
        fputs("none", out);
}

/* The command is exec'd through its descriptor (execveat) when the policy
 * restricts execve. */
static bool exec_via_fd(const struct stk_bundle *b)
{
    return b->seccomp.present && (b->seccomp.flags & STK_SECCOMP_EXEC_RESTRICTED);
}

/* ---- one printer per step, in the order of enforce.c ------------------------- */

static void print_check(const struct stk_bundle *b, int *step, FILE *out)
{
    fprintf(out, "%2d. check: ", ++*step);
    if (b->nunenforced) {
        fputs("REFUSE to run: not enforced by this build:", out);
        for (size_t i = 0; i < b->nunenforced; i++)
            fprintf(out, " %s", b->unenforced[i]);
        fputc('\n', out);
    } else {
        fputs("every block of the policy is enforced\n", out);
    }
}

static void print_descriptors(const struct stk_bundle *b, int *step, FILE *out)
{
    fprintf(out, "%2d. descriptors: ", ++*step);
    if (b->keep_all_fds) {
        fputs("keep all inherited descriptors\n", out);
        return;
    }
    fputs("close inherited descriptors above 2", out);
    if (b->nkeep_fds) {
        fputs(" except", out);
        for (size_t i = 0; i < b->nkeep_fds; i++)
            fprintf(out, " %d", b->keep_fds[i]);
    }
    fputc('\n', out);
}

static void print_names(const struct stk_bundle *b, int *step, FILE *out)
{
    fprintf(out, "%2d. resolve names: ", ++*step);
    if (!b->user && !b->group && !b->supp_set)
        fputs("none (identity unchanged)", out);
    if (b->user)
        fprintf(out, "user %s ", b->user);
    if (b->group)
        fprintf(out, "group %s ", b->group);
    else if (b->user)
        fputs("group (the user's primary group) ", out);
    if (b->supp_set) {
        fputs("supplementary groups", out);
        for (size_t i = 0; i < b->nsupp; i++)
            fprintf(out, " %s", b->supp_groups[i]);
        if (!b->nsupp)
            fputs(" (none)", out);
    }
    fputc('\n', out);
}

static void print_rlimits(const struct stk_bundle *b, int *step, FILE *out)
{
    fprintf(out, "%2d. rlimits:", ++*step);
    bool any = false;
    for (unsigned r = 0; r < STK_BUNDLE_RLIMITS; r++) {
        if (!b->rlimits[r].set)
            continue;
        fprintf(out, "%s %s ", any ? "," : "", stk_rlimit_name(r));
        print_lim(out, b->rlimits[r].soft);
        fputc(' ', out);
        print_lim(out, b->rlimits[r].hard);
        any = true;
    }
    fputs(any ? "\n" : " unchanged\n", out);
}

static void print_environment(const struct stk_bundle *b, int *step, FILE *out)
{
    fprintf(out, "%2d. environment: %s", ++*step, b->env_clear ? "clear" : "inherit");
    if (b->env_clear && b->nenv_keep) {
        fputs("; keep", out);
        for (size_t i = 0; i < b->nenv_keep; i++)
            fprintf(out, " %s", b->env_keep[i]);
    }
    for (size_t i = 0; i < b->nenv_set; i++)
        fprintf(out, "; set %s=%s", b->env_set[i].name, b->env_set[i].value);
    if (b->umask_set)
        fprintf(out, "; umask %04o\n", b->umask);
    else
        fputs("; umask unchanged\n", out);
}

static void print_identity(const struct stk_bundle *b, int *step, FILE *out)
{
    fprintf(out, "%2d. identity: ", ++*step);
    if (b->user || b->group || b->supp_set)
        fprintf(out, "%s%s%s", b->supp_set || b->user ? "setgroups, " : "",
                b->group || b->user ? "setresgid" : "", b->user ? ", setresuid (keeping capabilities)" : "");
    else
        fputs("unchanged", out);
    fputs("; a new session keyring\n", out);
}

static void print_capabilities(const struct stk_bundle *b, int *step, FILE *out)
{
    fprintf(out, "%2d. capabilities: ", ++*step);
    switch (b->caps) {
    case STK_BCAPS_NONE: fputs("keep none", out); break;
    case STK_BCAPS_ALL: fputs("keep all the caller holds", out); break;
    case STK_BCAPS_KEEP: fputs("keep exactly ", out); print_caps(out, b->caps_keep); break;
    }
    fputs(" (bounding, permitted, effective, inheritable; ambient for a non-root uid)\n", out);
}

static void print_executable(char *const argv[], int *step, FILE *out)
{
    fprintf(out, "%2d. executable:", ++*step);
    if (argv && argv[0]) {
        for (size_t i = 0; argv[i]; i++)
            fprintf(out, " %s", argv[i]);
        fputs(argv[0][0] && !strchr(argv[0], '/') ? " (looked up in PATH)\n" : "\n", out);
    } else {
        fputs(" (the command)\n", out);
    }
}

static void print_exec_descriptor(const struct stk_bundle *b, int *step, FILE *out)
{
    fprintf(out, "%2d. exec descriptor: %s\n", ++*step,
            !exec_via_fd(b) ? "not needed"
            : b->seccomp.nexec_fd_insns
                ? "yes: the policy restricts execve/execveat; the command is exec'd through its descriptor, "
                  "let through once by the hand-over rule's listener"
                : "yes: the policy restricts execve; the command is exec'd through its descriptor (execveat)");
}

static void print_landlock(const struct stk_bundle *b, int *step, FILE *out)
{
    stk_bundle_print_landlock(b, step, out);
    if (!b->landlock.present)
        fputs("    ptrace isolation: a Landlock domain that handles only refer (granted beneath /), unless a pid "
              "namespace with its own /proc hides the processes outside (a warning if neither)\n",
              out);
}

static void print_seccomp(const struct stk_bundle *b, int *step, FILE *out)
{
    fprintf(out, "%2d. seccomp: ", ++*step);
    if (b->seccomp.present)
    {
        size_t total = 0;
        for (size_t i = 0; i < b->seccomp.nfilters; i++)
            total += b->seccomp.filters[i].len;
        if (b->seccomp.nfilters == 1)
            fprintf(out, "filter of %zu instructions", total);
        else
            fprintf(out, "%zu stacked filters of %zu instructions in all (the policy is larger than one filter; "
                         "each filter decides its own syscalls and allows the others)", b->seccomp.nfilters, total);
        fprintf(out, " for arch 0x%08x, %zu exec descriptor site%s, %s\n", b->seccomp.audit_arch,
                b->seccomp.nexec_fd_insns, b->seccomp.nexec_fd_insns == 1 ? "" : "s",
                exec_via_fd(b) && b->seccomp.nexec_fd_insns ? "with the hand-over listener" : "TSYNC");
    }
    else
        fputs("none\n", out);
}

/* `quiet`: a note under the seccomp step (it changes only --report) */
static void print_quiet(const struct stk_bundle *b, FILE *out)
{
    if (b->nquiet)
        fprintf(out, "    with --report: %zu quiet call number%s (blocked with an errno or logged: counted in the "
                     "summary, not printed)\n",
                b->nquiet, b->nquiet == 1 ? "" : "s");
}

void stk_bundle_print(const struct stk_bundle *b, char *const argv[], FILE *out)
{
    int step = 0;
    fprintf(out, "policy %s (bundle format %u)\n", b->name ? b->name : "(unnamed)", b->version);
    print_check(b, &step, out);
    print_descriptors(b, &step, out);
    print_names(b, &step, out);
    stk_bundle_print_cgroup(b, &step, out);
    stk_bundle_print_isolation(b, &step, out);
    print_rlimits(b, &step, out);
    print_environment(b, &step, out);
    print_identity(b, &step, out);
    print_capabilities(b, &step, out);
    fprintf(out, "%2d. workdir: %s\n", ++step, b->workdir ? b->workdir : "unchanged");
    print_executable(argv, &step, out);
    print_exec_descriptor(b, &step, out);
    stk_bundle_print_lsm(b, &step, out);
    fprintf(out, "%2d. no_new_privs: %s\n", ++step, b->no_new_privs ? "on" : "off (left as inherited)");
    print_landlock(b, &step, out);
    print_seccomp(b, &step, out);
    print_quiet(b, out);
    fprintf(out, "%2d. exec%s\n", ++step, exec_via_fd(b) ? "veat(descriptor, \"\", AT_EMPTY_PATH)" : "ve");
}
