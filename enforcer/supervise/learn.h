/* learn.h — `stockade learn`: the recorder (docs/learn.md).
 *
 * Learning reuses the --report supervisor (report.c): the command runs under
 * a filter in which every call notifies the supervisor's listener (the
 * learning policy's `default log`, made a notification by --report's
 * rewrite); with r->learn set, report.c hands every notification to
 * stk_learn_handle, which records the call and answers CONTINUE.  Nothing is
 * ever refused.  When the command has exited (or was stopped), the
 * supervisor's clean-up calls l->done: the policy writer (cli/learn_*.c).
 *
 *   learn.c       per call: classify by number (a table built once), count,
 *                 and for the calls whose arguments matter, record them.
 *   learn_mem.c   the task's /proc links: relative paths made absolute (its
 *                 memory, strings, sockaddrs, clone_args, open_how: read
 *                 through task_mem.c, --report's reader too).
 *   learn_set.c   the small sets the recorder and the writer share (a
 *                 set of numbers; paths with rights, hashed).
 *
 * The structure is also the writer's model: --merge parses an earlier
 * policy's data lines back into one (cli/learn_data.c). */
#ifndef STK_LEARN_H
#define STK_LEARN_H

#include <linux/seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

/* native syscall numbers counted in a plain array (every ABI's table is below) */
#define STK_LEARN_NR_MAX 1024

/* A set of 64-bit values, in insertion order (sizes stay small: requests,
 * options, ports). */
struct stk_learn_set {
    uint64_t *v;
    size_t n, cap;
};
bool stk_learn_set_has(const struct stk_learn_set *s, uint64_t v);
/* Adds v if absent; false only when out of memory. */
bool stk_learn_set_add(struct stk_learn_set *s, uint64_t v);
void stk_learn_set_free(struct stk_learn_set *s);

/* Path rights (bits). */
#define STK_LEARN_READ 1u    /* opened for reading: a file */
#define STK_LEARN_READDIR 2u /* opened as a directory */
#define STK_LEARN_WRITE 4u   /* opened for writing (an existing file) */
#define STK_LEARN_MAKE 8u    /* something was created, removed or renamed in this directory */
#define STK_LEARN_EXEC 16u   /* executed */

/* Paths with rights: open addressing on the path string.  Bounded: a
 * command that names millions of distinct files (a crawler, a fuzzer, an
 * attack on the recorder) must not make the supervisor grow without end. */
#define STK_LEARN_PATHS_MAX 65536u          /* distinct paths kept */
#define STK_LEARN_PATHS_BYTES (4u << 20)    /* bytes of their names, NULs included: the
                                             * policy (data lines) stays well under the
                                             * 16 MiB a policy file may have */
struct stk_learn_paths {
    char **key;
    unsigned *rights;
    size_t cap, n;
    size_t bytes;          /* of the names kept */
    unsigned long dropped; /* new paths not kept once a bound was reached */
};
/* Adds rights to path (copied); a path not yet in the table once it holds
 * STK_LEARN_PATHS_MAX paths or STK_LEARN_PATHS_BYTES of names is counted in
 * dropped instead (rights of paths kept are still added).  False only when
 * out of memory. */
bool stk_learn_paths_add(struct stk_learn_paths *p, const char *path, unsigned rights);
void stk_learn_paths_free(struct stk_learn_paths *p);

/* Calls of another ABI than the native one (or numbers past the table). */
struct stk_learn_other {
    uint32_t arch, nr;
    unsigned long n;
};

struct stk_learn {
    unsigned long counts[STK_LEARN_NR_MAX]; /* native ABI, by number */
    struct stk_learn_other *other;
    size_t nother, capother;
    unsigned long total;     /* calls observed */
    unsigned long processes; /* the command, and every fork/clone without CLONE_THREAD */
    unsigned long execs;     /* execve/execveat by the command (the enforcer's own exec is not one) */
    unsigned long unread;    /* arguments in memory that could not be read */

    struct stk_learn_set sockets;  /* domain << 32 | (type & 0xf) */
    uint64_t clone_flags;          /* union of clone's and clone3's flags */
    struct stk_learn_set ioctls;   /* requests, low 32 bits */
    struct stk_learn_set prctls;   /* options */
    struct stk_learn_set personas; /* personality() arguments */
    bool prot_exec, prot_wx;       /* mmap/mprotect with PROT_EXEC; with PROT_WRITE|PROT_EXEC */
    struct stk_learn_set bind_ports, connect_ports; /* AF_INET/AF_INET6 ports */
    struct stk_learn_paths paths;

    /* who it ran as, and when */
    uid_t uid;
    gid_t gid;
    struct timespec start, end; /* CLOCK_REALTIME */

    /* called once by the supervisor's clean-up, after the command has gone */
    void (*done)(struct stk_learn *l, void *arg);
    void *done_arg;
};

/* An empty recorder: ids of the caller, start time now. */
void stk_learn_init(struct stk_learn *l);
void stk_learn_free(struct stk_learn *l);
/* Counts one more call (arch, nr) n times (the writer's merge, and the recorder). */
bool stk_learn_count(struct stk_learn *l, uint32_t arch, uint32_t nr, unsigned long n);

/* The supervisor's side of one notification (report.c, learning): record
 * the call, then answer CONTINUE on listener. */
void stk_learn_handle(struct stk_learn *l, int listener, const struct seccomp_notif *req);
/* The listener has arrived (report.c): ask for synchronous wake-ups. */
void stk_learn_listener(int listener);
/* The supervisor's clean-up: end time, then l->done. */
void stk_learn_finish(struct stk_learn *l);

/* ---- learn_mem.c ------------------------------------------------------------- */
/* The absolute path of path as task tid meant it, relative to dirfd
 * (AT_FDCWD: its working directory), lexically normalised (no ., .., //);
 * false when the base cannot be read. */
bool stk_learn_mem_abspath(pid_t tid, int dirfd, const char *path, char *out, size_t len);

#endif
