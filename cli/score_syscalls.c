/* score_syscalls.c — the exposure checks decided from the compiled seccomp
 * program: which dangerous syscall groups a confined process can still reach
 * with `allow`, and which dangerous arguments of socket, clone and ioctl pass.
 *
 * "Reachable" is decided by running the program (common/bpf_interp.c) over
 * probe calls, on every ABI, with the arguments that matter pinned and the
 * others set to zero, all ones, and every constant the program compares an
 * argument word against (and its neighbours), one argument at a time and all
 * at once.  An allow that needs two free arguments at two particular values
 * at the same time can be missed; every allow the probes find is real. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <linux/sched.h>

#include "bpf_interp.h"
#include "score.h"
#include "syscalls.h"

#define MAX_CANDIDATES 96

struct candidates {
    uint64_t v[MAX_CANDIDATES * 2 + 2];
    size_t n;
};

static void cand_add(struct candidates *c, uint64_t v)
{
    for (size_t i = 0; i < c->n; i++)
        if (c->v[i] == v)
            return;
    if (c->n < sizeof c->v / sizeof c->v[0])
        c->v[c->n++] = v;
}

/* The constants the program compares argument words against: the K of every
 * conditional jump (and AND) after a load from seccomp_data.args, with its
 * neighbours, zero-extended and sign-extended to 64 bits. */
static void collect_candidates(const struct stk_bpf_prog *prog, struct candidates *c)
{
    c->n = 0;
    cand_add(c, 0);
    cand_add(c, UINT64_MAX);
    bool on_arg = false;
    size_t words = 0;
    for (size_t i = 0; i < prog->len && words < MAX_CANDIDATES; i++) {
        const struct sock_filter *f = &prog->insns[i];
        if (f->code == (BPF_LD | BPF_W | BPF_ABS)) {
            on_arg = f->k >= offsetof(struct seccomp_data, args);
            continue;
        }
        if (!on_arg || (BPF_CLASS(f->code) != BPF_JMP && BPF_CLASS(f->code) != BPF_ALU) ||
            BPF_SRC(f->code) != BPF_K)
            continue;
        uint32_t ks[3] = {f->k, f->k + 1u, f->k - 1u};
        for (size_t j = 0; j < 3; j++) {
            cand_add(c, ks[j]);
            cand_add(c, (uint64_t)(int64_t)(int32_t)ks[j]);
        }
        words++;
    }
}

static bool allows(uint32_t ret)
{
    uint32_t action = ret & SECCOMP_RET_ACTION_FULL;
    return action == SECCOMP_RET_ALLOW || action == SECCOMP_RET_LOG;
}

/* Try the free arguments (those with nfixed[i] == 0) of d. */
static bool probe_free(const struct stk_bpf_prog *prog, struct seccomp_data *d, const size_t nfixed[6],
                       const struct candidates *c)
{
    for (size_t k = 0; k < c->n; k++) {
        for (int i = 0; i < 6; i++)
            if (!nfixed[i])
                d->args[i] = c->v[k];
        if (allows(stk_bpf_run(prog->insns, prog->len, d, NULL)))
            return true;
    }
    for (int i = 0; i < 6; i++) {
        if (nfixed[i])
            continue;
        for (int j = 0; j < 6; j++)
            if (!nfixed[j])
                d->args[j] = 0;
        for (size_t k = 0; k < c->n; k++) {
            d->args[i] = c->v[k];
            if (allows(stk_bpf_run(prog->insns, prog->len, d, NULL)))
                return true;
        }
    }
    return false;
}

bool stk_score_reachable(const struct stk_bpf_prog *prog, const char *name, const uint64_t *const fixed[6],
                         const size_t nfixed[6])
{
    int id = stk_syscall_lookup(name);
    if (id < 0)
        return false;
    struct candidates c;
    collect_candidates(prog, &c);
    for (int a = 0; a < STK_ABI_COUNT; a++) {
        int64_t nr = stk_syscall_nr(id, (enum stk_abi)a);
        if (nr < 0)
            continue;
        /* Every combination of the pinned values (an odometer over idx). */
        size_t idx[6] = {0};
        for (;;) {
            struct seccomp_data d = {.nr = (int)nr, .arch = stk_abis[a].audit_arch};
            for (int i = 0; i < 6; i++)
                if (nfixed[i])
                    d.args[i] = fixed[i][idx[i]];
            if (probe_free(prog, &d, nfixed, &c))
                return true;
            int i = 0;
            while (i < 6 && (!nfixed[i] || ++idx[i] == nfixed[i])) {
                idx[i] = 0;
                i++;
            }
            if (i == 6)
                break;
        }
    }
    return false;
}

void stk_score_append(char *buf, size_t len, const char *s)
{
    size_t n = strlen(buf);
    if (n + 1 >= len)
        return;
    snprintf(buf + n, len - n, "%s%s", n ? ", " : "", s);
}

static bool any_free(const struct stk_bpf_prog *prog, const char *const *names)
{
    static const size_t none[6] = {0};
    static const uint64_t *const nofix[6] = {0};
    for (size_t i = 0; names[i]; i++)
        if (stk_score_reachable(prog, names[i], nofix, none))
            return true;
    return false;
}

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const uint64_t ns_flags[] = {CLONE_NEWUSER, CLONE_NEWNS,  CLONE_NEWNET,    CLONE_NEWPID,
                                    CLONE_NEWIPC,  CLONE_NEWUTS, CLONE_NEWCGROUP, CLONE_NEWTIME,
                                    CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWPID};
#define N_NS_FLAGS (sizeof ns_flags / sizeof ns_flags[0])

/* Pin argument argno of name to vals[0..n). */
static bool reach1(const struct stk_bpf_prog *prog, const char *name, int argno, const uint64_t *vals, size_t n)
{
    const uint64_t *fixed[6] = {0};
    size_t nfixed[6] = {0};
    fixed[argno] = vals;
    nfixed[argno] = n;
    return stk_score_reachable(prog, name, fixed, nfixed);
}

static bool unshare_ns(const struct stk_bpf_prog *prog)
{
    return reach1(prog, "unshare", 0, ns_flags, N_NS_FLAGS);
}

/* clone() has no CLONE_NEWTIME: its low byte is the exit signal (CSIGNAL). */
static const uint64_t clone_ns_flags[] = {CLONE_NEWUSER, CLONE_NEWNS, CLONE_NEWNET, CLONE_NEWPID,
                                          CLONE_NEWIPC,  CLONE_NEWUTS, CLONE_NEWCGROUP,
                                          CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWPID};

struct group {
    const char *label;
    bool net_raw; /* the kernel refuses it without CAP_NET_RAW */
    double weight; /* share of the syscalls check, the weights add up to 1 */
    const char *names[12];
    bool (*special)(const struct stk_bpf_prog *);
    const char *hint;
};

static const struct group groups[] = {
    {"mount", false, 0.16,
     {"mount", "umount", "umount2", "pivot_root", "fsopen", "fsmount", "fsconfig", "fspick", "move_mount",
      "open_tree", "mount_setattr", NULL},
     NULL, "kill-process @mount"},
    {"ptrace", false, 0.12, {"ptrace", "process_vm_readv", "process_vm_writev", "pidfd_getfd", "kcmp", NULL}, NULL,
     "kill-process @debug"},
    {"bpf", false, 0.10, {"bpf", NULL}, NULL, "kill-process bpf"},
    {"perf_event_open", false, 0.05, {"perf_event_open", NULL}, NULL, "kill-process perf_event_open"},
    {"kexec/reboot", false, 0.06, {"kexec_load", "kexec_file_load", "reboot", NULL}, NULL, "kill-process @reboot"},
    {"module loading", false, 0.12, {"init_module", "finit_module", "delete_module", NULL}, NULL,
     "kill-process @module"},
    {"keyctl", false, 0.07, {"keyctl", "add_key", "request_key", NULL}, NULL, "errno EPERM keyctl, add_key, request_key"},
    {"io_uring", false, 0.08, {"io_uring_setup", "io_uring_enter", "io_uring_register", NULL}, NULL,
     "errno EPERM io_uring_setup, io_uring_enter, io_uring_register"},
    {"userfaultfd", false, 0.04, {"userfaultfd", NULL}, NULL, "errno EPERM userfaultfd"},
    {"unshare with namespace flags", false, 0.08, {NULL}, unshare_ns, "errno EPERM unshare"},
    {"setns", false, 0.05, {"setns", NULL}, NULL, "errno EPERM setns"},
    {"raw I/O and swap", false, 0.03, {"iopl", "ioperm", "swapon", "swapoff", NULL}, NULL,
     "kill-process @raw-io, @swap"},
    {"open_by_handle_at", false, 0.02, {"open_by_handle_at", NULL}, NULL, "errno EPERM open_by_handle_at"},
    {"clock setting", false, 0.02, {"settimeofday", "clock_settime", "stime", NULL}, NULL,
     "errno EPERM settimeofday, clock_settime"},
};
#define NGROUPS (sizeof groups / sizeof groups[0])

/* socketcall(SYS_SOCKET, ...) on i386 passes socket()'s arguments in memory:
 * when it is allowed, every address family is reachable. */
static bool socketcall_socket(const struct stk_bpf_prog *prog)
{
    static const uint64_t sys_socket[] = {1};
    return reach1(prog, "socketcall", 0, sys_socket, 1);
}

static bool socket_family(const struct stk_bpf_prog *prog, const uint64_t *fams, size_t n)
{
    return socketcall_socket(prog) || reach1(prog, "socket", 0, fams, n);
}

static bool sock_netlink(const struct stk_bpf_prog *prog)
{
    static const uint64_t f[] = {AF_NETLINK};
    return socket_family(prog, f, 1);
}

static bool sock_packet(const struct stk_bpf_prog *prog)
{
    static const uint64_t f[] = {AF_PACKET};
    return socket_family(prog, f, 1);
}

static bool sock_raw(const struct stk_bpf_prog *prog)
{
    static const uint64_t fam[] = {AF_INET, AF_INET6};
    static const uint64_t type[] = {SOCK_RAW, SOCK_RAW | SOCK_CLOEXEC, SOCK_RAW | SOCK_NONBLOCK,
                                    SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK};
    if (socketcall_socket(prog))
        return true;
    const uint64_t *fixed[6] = {fam, type};
    size_t nfixed[6] = {2, 4};
    return stk_score_reachable(prog, "socket", fixed, nfixed);
}

static bool sock_rare(const struct stk_bpf_prog *prog)
{
    static const uint64_t f[] = {AF_ALG, AF_VSOCK};
    return socket_family(prog, f, 2);
}

/* clone's flags are argument 0 on every ABI; clone3 keeps them in memory. */
static bool clone_ns(const struct stk_bpf_prog *prog)
{
    static const char *const c3[] = {"clone3", NULL};
    return any_free(prog, c3) ||
           reach1(prog, "clone", 0, clone_ns_flags, sizeof clone_ns_flags / sizeof clone_ns_flags[0]);
}

static bool ioctl_tiocsti(const struct stk_bpf_prog *prog)
{
    static const uint64_t req[] = {TIOCSTI, TIOCLINUX};
    return reach1(prog, "ioctl", 1, req, 2);
}

static const struct group args[] = {
    {"socket(AF_NETLINK)", false, 0.20, {NULL}, sock_netlink, "errno EAFNOSUPPORT socket if domain == AF_NETLINK"},
    {"socket(AF_PACKET)", true, 0.20, {NULL}, sock_packet, "errno EAFNOSUPPORT socket if domain == AF_PACKET"},
    {"raw IP sockets", true, 0.15, {NULL}, sock_raw, "allow socket only if type != SOCK_RAW"},
    {"socket(AF_ALG/AF_VSOCK)", false, 0.10, {NULL}, sock_rare,
     "allow socket if domain in (AF_UNIX, AF_INET, AF_INET6), errno EAFNOSUPPORT socket"},
    {"clone with namespace flags", false, 0.25, {NULL}, clone_ns,
     "allow clone if (flags & (CLONE_NEWUSER | ...)) == 0, errno ENOSYS clone3"},
    {"ioctl(TIOCSTI/TIOCLINUX)", false, 0.10, {NULL}, ioctl_tiocsti, "drop the `tiocsti allow` setting"},
};
#define NARGS (sizeof args / sizeof args[0])

static void run_groups(const struct stk_bpf_prog *prog, bool net_raw, const struct group *g, size_t n,
                       struct stk_score_check *out)
{
    char refused[256] = "";
    out->exposure = 0;
    out->detail[0] = out->hint[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        bool open = g[i].special ? g[i].special(prog) : any_free(prog, g[i].names);
        if (!open)
            continue;
        if (g[i].net_raw && !net_raw) {
            stk_score_append(refused, sizeof refused, g[i].label);
            continue;
        }
        out->exposure += g[i].weight;
        stk_score_append(out->detail, sizeof out->detail, g[i].label);
        stk_score_append(out->hint, sizeof out->hint, g[i].hint);
    }
    if (out->exposure > 1.0)
        out->exposure = 1.0;
    if (!out->detail[0])
        snprintf(out->detail, sizeof out->detail, "none reachable with allow");
    if (refused[0]) {
        size_t len = strlen(out->detail);
        snprintf(out->detail + len, sizeof out->detail - len, " (the filter allows %.200s, which the kernel refuses without CAP_NET_RAW)",
                 refused);
    }
}

void stk_score_syscalls(const struct stk_bpf_prog *prog, bool net_raw, struct stk_score *out)
{
    run_groups(prog, net_raw, groups, NGROUPS, &out->checks[STK_SCORE_SYSCALLS]);
    run_groups(prog, net_raw, args, NARGS, &out->checks[STK_SCORE_ARGUMENTS]);
}
