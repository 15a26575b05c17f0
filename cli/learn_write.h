/* learn_write.h — `stockade learn`, the writer's side (cli/): from what the
 * recorder observed (enforcer/supervise/learn.h) to a policy in our
 * language (docs/learn.md).
 *
 *   cmd_learn.c      the command: options, the learning policy, the run.
 *   learn_doc.c      the document: the generated block between its markers,
 *                    what a --merge keeps around it, the data lines that
 *                    carry the observations from one run to the next.
 *   learn_seccomp.c  the seccomp block: groups, argument conditions.
 *   learn_fs.c       identity, capabilities, the landlock block (paths
 *                    collapsed to directories, ports). */
#ifndef STK_CLI_LEARN_WRITE_H
#define STK_CLI_LEARN_WRITE_H

#include <stdbool.h>
#include <stdio.h>

#include "supervise/learn.h"
#include "util.h"

/* Everything the writer needs besides the observations. */
struct stk_learn_doc {
    struct stk_learn obs;    /* this run's, merged with the earlier runs' */
    const char *name;        /* the policy's name */
    char *cmdline;           /* this run's command, as typed (shell-quoted) */
    char **runs;             /* one line per run, earlier ones first ("#@ run ...") */
    size_t nruns, capruns;
    char *before, *after;    /* --merge: the existing file's text around the generated block */
    const char *base_path;   /* --base: the file to include, and */
    char *base_name;         /* the policy to extend */
    char user[64], group[64]; /* the caller's names (or numbers) */
    int out_fd;              /* opened before the run */
    const char *out_name;    /* for messages */
    int status;              /* 0 written and checked; else 1 */
};

/* learn_doc.c */
/* Reads an earlier learned policy: the text around its generated block into
 * before/after, its data lines merged into doc->obs and doc->runs.  false
 * with a message on stderr when the file has no generated block. */
bool stk_learn_doc_merge(struct stk_learn_doc *doc, const char *path);
/* The whole file: before, the generated block (header, policy, data), after. */
void stk_learn_doc_write(struct stk_learn_doc *doc, struct stk_buf *out);
/* This run's "#@ run" line from doc->obs and doc->cmdline (appended to runs). */
void stk_learn_doc_add_run(struct stk_learn_doc *doc);

/* learn_seccomp.c: the seccomp block (4-space indented lines) */
void stk_learn_seccomp(const struct stk_learn_doc *doc, struct stk_buf *out);
/* The number of native calls observed (distinct), for the header. */
size_t stk_learn_seccomp_ncalls(const struct stk_learn *l);

/* learn_fs.c: identity, no_new_privs, capabilities; the landlock block */
void stk_learn_identity(const struct stk_learn_doc *doc, struct stk_buf *out);
void stk_learn_landlock(const struct stk_learn_doc *doc, struct stk_buf *out);

/* Appends a path as a policy word: bare when it is plain, else quoted. */
void stk_learn_put_path(struct stk_buf *out, const char *path);

#endif
