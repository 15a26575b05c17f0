/* report.h — `--report`: violation reporting through a seccomp
 * user-notification listener held by the supervisor (docs/enforcer.md,
 * "Violation reports").
 *
 *   report.c        stk_report_prepare (before the fork), the supervisor's
 *                   side: receive the listener, answer each notification
 *                   exactly as the policy would have, report it, summarise.
 *   report_task.c   the supervisor's dealings with the calling task: /proc
 *                   status, string arguments, answers, kill first.
 *   report_child.c  the enforcer's side, called by stk_seccomp_install: the
 *                   notifying copy of the program, the install with
 *                   SECCOMP_FILTER_FLAG_NEW_LISTENER and the hand-over of the
 *                   listener to the supervisor.
 *   report_split.c  a policy split into stacked filters: the earlier ones
 *                   installed allowing, the last one notifying their calls
 *                   too, decided with the original stack (report_split.h).
 *   report_out.c    the output: one write per line, never blocking the
 *                   supervisor, lines dropped and counted under back-pressure.
 *   report_fmt.c    pure parts (unit-tested): what the policy's action means
 *                   under --report, syscall names and arguments, the report
 *                   line. */
#ifndef STK_REPORT_H
#define STK_REPORT_H

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"
#include "supervise/supervise.h"

/* What the supervisor does with a notified call, from the action the
 * policy's own program returns for it. */
enum stk_verdict {
    STK_V_ERRNO,   /* reply: the call fails with errno `err` (policy: errno N; also trace, notify: ENOSYS) */
    STK_V_CONTINUE,/* reply: let the call run (policy: log; allow reaches the supervisor only through a split
                     policy's prefix, answered before: report_split.h) */
    STK_V_KILL,    /* kill the process (policy: kill-process, kill-thread, unknown actions) */
    STK_V_TRAP,    /* policy: trap: fail with ENOSYS and send SIGSYS to the thread (or kill, see report.c) */
};

struct stk_decision {
    enum stk_verdict verdict;
    int err;            /* STK_V_ERRNO, STK_V_TRAP: the errno the call returns (0..4095) */
    const char *action; /* the policy's action as the language spells it: "errno", "log", "kill-process", ... */
    const char *category; /* "blocked", "logged", "killed", "trapped" */
};

/* The decision for a filter return value (SECCOMP_RET_*), mirroring what the
 * kernel does with it when no listener is involved. */
void stk_report_decide(uint32_t ret, struct stk_decision *d);

/* What a trapped call returns: the kernel's trap rolls the registers back, so
 * the call "returns" the register that held the syscall number on x86 and
 * the first argument's register elsewhere. */
int64_t stk_report_trap_value(const struct seccomp_data *d);

/* The notifying copy of a program: every RET K whose action is not ALLOW
 * returns SECCOMP_RET_USER_NOTIF instead; ALLOW returns and everything else
 * are unchanged.  A program returning A (RET A) cannot be rewritten: -1 with
 * e.  prog is modified in place. */
int stk_report_rewrite(struct sock_filter *prog, size_t len, struct stk_err *e);

/* The listener guard that the notifying copy starts with (report_fmt.c): seccomp(2) with
 * SECCOMP_FILTER_FLAG_NEW_LISTENER in its flags fails with EBUSY on every ABI
 * the native kernel runs, whether or not the supervisor (and its listener) is
 * still there: a listener of the command's own would win the USER_NOTIF tie
 * against the supervisor's and could let denied calls run.  Only the seccomp
 * number reads an argument, so the kernel's action cache is unchanged for
 * every other call, and every other path ends with A = 0 as at the start.
 * Writes at most STK_REPORT_GUARD_MAX instructions; returns their number (0:
 * seccomp(2) has no number here). */
#define STK_REPORT_GUARD_MAX 16

/* The program that --report installs: the guard, then prog rewritten by
 * stk_report_rewrite (cBPF jumps are relative: prog is unchanged by the
 * move).  *out is allocated (free it), *out_len its length; -1 with e. */
int stk_report_notifying_copy(const struct sock_filter *prog, size_t len, struct sock_filter **out, size_t *out_len,
                              struct stk_err *e);

/* "socket", or NULL if the number is unknown on that architecture; *abi_name
 * gets the ABI's name when it is not the native one ("i386", "x32"), else
 * NULL.  Looks the name up in the compiler's generated syscall table. */
const char *stk_report_syscall_name(uint32_t arch, uint32_t nr, const char **abi_name);

/* The arguments of the call that are C strings (pathname, filename, ...), as
 * a bit mask (bit i: argument i), so that the supervisor can show them. */
unsigned stk_report_string_args(const struct seccomp_data *d);

/* The call as a report shows it: `socket(domain=16, type=0x80002, protocol=0)`,
 * `i386:socketcall(...)`, `syscall#999(0x1, ...)`.  strs (may be NULL): for
 * each argument, text to show instead of the value (a quoted string read
 * from the caller's memory), or NULL.  Always NUL-terminated. */
void stk_report_format_call(char *buf, size_t len, const struct seccomp_data *d, const char *const *strs);

/* buf = s[0..n) as a quoted C string with escapes, cut after max characters
 * ("..." appended; also when cut is true: the string went on). */
void stk_report_quote(char *buf, size_t len, const char *s, size_t n, size_t max, bool cut);

/* The argument of the call that is a socket address the kernel reads (bind's
 * and connect's addr, sendto's dest_addr, not accept's, which it writes),
 * -1 if none or NULL; *len_i gets the argument that holds its length. */
int stk_report_sockaddr_arg(const struct seccomp_data *d, unsigned *len_i);

/* raw[0..n): a socket address as the caller passed it (cut: it went on),
 * shown as `{AF_INET, 127.0.0.1:8080}`, `{AF_INET6, [::1]:443}`,
 * `{AF_UNIX, "/run/x.sock"}`, `{AF_UNIX, @"abstract"}`, `{AF_NETLINK, pid=0,
 * groups=0x1}`, `{AF_PACKET}` (report_sockaddr.c). */
void stk_report_format_sockaddr(char *buf, size_t len, const unsigned char *raw, size_t n, bool cut);

/* AF_INET, ...: an address family's name, NULL if unknown. */
const char *stk_report_family_name(uint64_t v);

/* "EPERM" (or "errno 4000" style "4000" when the value has no name). */
const char *stk_report_errno_name(int err, char *buf, size_t len);

/* ---- child side (report_child.c) -------------------------------------------- */
struct stk_report;
/* Install the nbefore filters of a split policy (as they are: the kernel
 * allows one listener per filter chain), then prog with a listener, and
 * hand the listener (and exec_fd, so the supervisor evaluates the same
 * patched program) to the supervisor.  On return 0 the filters are in place
 * and the supervisor holds the only copy of the listener; the caller must
 * make no system call other than the exec. */
int stk_report_install(struct stk_report *r, const struct sock_fprog *before, size_t nbefore,
                       const struct sock_fprog *prog, int exec_fd, struct stk_err *e);

/* ---- shared between report.c and report_child.c ------------------------------ */
/* The message on the socket, with the listener as SCM_RIGHTS: the exec
 * descriptor, so the supervisor patches its copy of the program exactly like
 * the installed one (-1: the placeholder stays). */
struct stk_report_msg {
    uint32_t magic;
    int32_t exec_fd;
    uint32_t flags; /* STK_REPORT_KILLABLE: installed with SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV */
};
#define STK_REPORT_KILLABLE 1u
#define STK_REPORT_MAGIC 0x53544b52u /* "STKR" */

struct stk_report_count {
    uint32_t arch, nr;
    char action[96]; /* "errno EPERM (blocked)" */
    unsigned long n;
};

#define STK_REPORT_MAX_KINDS 256

struct stk_learn;
struct stk_report_split;
struct stk_report {
    struct stk_supervisor *sv;
    struct stk_learn *learn; /* `stockade learn`: every call is recorded and let run (learn.h); no reports */
    int sock[2];          /* socketpair: [0] the supervisor's end, [1] the enforcer's (O_CLOEXEC) */
    int out_fd;           /* where reports go: 2, or the --report=FILE descriptor */
    bool own_out;         /* out_fd is ours to close */
    pid_t child;          /* the command (attach hook) */
    int listener;         /* the supervisor's listener, -1 until received */
    bool started;         /* the listener arrived: the summary is printed */
    bool killable;        /* a received call waits for the answer through non-fatal signals */
    struct sock_filter *prog; /* the policy's own program (exec descriptor patched on arrival) */
    struct sock_filter *prog_off; /* the same without the exec hand-over rule (its sites never match) */
    bool handed_over;     /* the enforcer's own exec went through the hand-over rule */
    pid_t enforcer;       /* the process that sent the listener (SCM_CREDENTIALS), 0 unknown */
    size_t len;
    const uint32_t *exec_fd_insns;
    size_t nexec_fd_insns;
    unsigned long total;
    struct stk_report_count kinds[STK_REPORT_MAX_KINDS];
    size_t nkinds;
    unsigned long other; /* events beyond STK_REPORT_MAX_KINDS distinct kinds */
    unsigned long dropped; /* report lines not written: the output blocked (a stopped terminal, a full pipe) */
    bool stalled;          /* the last write timed out: later lines are dropped at once until one goes through */
    bool landlock_logged;  /* the supervisor reads Landlock's audit records (report_landlock.c) */
    bool landlock_incomplete; /* ... and some were lost before it read them */
    const struct stk_bundle_quiet *quiet; /* `quiet` calls: counted, not printed (errno and log outcomes) */
    size_t nquiet;
    struct stk_report_split *split; /* a policy split into stacked filters (report_split.h), else NULL */
};

/* report.c: one report line, written as every other (never blocking); one
 * reported event counted for the summary. */
void stk_report_emit(struct stk_report *r, const char *line);
void stk_report_tally(struct stk_report *r, uint32_t arch, uint32_t nr, const char *kind);

/* report_landlock.c: under --report, read the kernel's audit records of the
 * Landlock denials of the domain the enforcer creates (Linux 6.15, root),
 * or say once why they are not reported.  Called by stk_report_prepare. */
struct stk_bundle;
int stk_report_ll_prepare(struct stk_report *r, const struct stk_bundle *b, struct stk_err *e);

/* report_out.c: a line to the report's output, waiting at most wait_ms (or
 * the default) for a blocked one, else dropped and counted; the output made
 * a private non-blocking open file description where one can be had. */
void stk_report_out_wait(struct stk_report *r, const char *line, int wait_ms);
void stk_report_out(struct stk_report *r, const char *line);
void stk_report_out_private(struct stk_report *r);

#endif
