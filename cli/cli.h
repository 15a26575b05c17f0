/* cli.h — small helpers shared by the sub-commands. */
#ifndef STK_CLI_H
#define STK_CLI_H

#include <stdbool.h>
#include <stdio.h>

/* s as a JSON string, quoted, to o (diff and test reports). */
void stk_cli_json_str(FILE *o, const char *s);
/* --color=auto|always|never -> -1 auto, 1 always, 0 never, -2 invalid */
int stk_cli_color(const char *arg);
/* auto: color when fd is a terminal and NO_COLOR is unset */
bool stk_cli_want_color(int fd);

#include <stddef.h>

#include "diag_out.h"
#include "ir/ir.h"
#include "pipeline.h"

/* Options shared by compile, sim and explain. */
struct stk_cli_common {
    struct stk_compile_opts opts;
    const char **incs;
    size_t capincs;
    const char *emit;
    const char *output;
    const char *arch;
    bool embed_lsm;                /* compile --embed-lsm */
    const char *apparmor_features; /* compile --apparmor-features=FILE */
    bool lossy;                    /* compile --lossy (exports) */
    struct stk_cli_diag_out diag;  /* --format, --sarif-root */
    int optind;
};
/* Parse the options shared by compile, sim and explain: 0 to go on, -1 after
 * --help, or an exit status. */
int stk_cli_common(int argc, char **argv, const char *usage, struct stk_cli_common *c);
/* Run the pipeline (every stage, back ends included) on path with req (NULL:
 * the plain request), printing the diagnostics.  Frees c->incs.  True when b
 * holds the outputs (free them with stk_pipeline_out_free); false with b
 * already freed. */
bool stk_cli_build(const char *path, struct stk_cli_common *c, struct stk_pipeline_req *req, struct stk_pipeline_out *b);

#include "version.h" /* STK_VERSION */

#endif
