/* fuzz_parser.c — libFuzzer target for the policy front end: lexer, parser,
 * name resolution and diagnostics rendering, on arbitrary bytes.
 *
 * Each input is compiled as policy text (stk_compile_text) twice: once for
 * the policy the file selects by default and once for a named policy (which
 * walks the other selection path), and every diagnostic is rendered as text
 * and as JSON.  When the front end accepts the input, the seccomp code
 * generator runs on the IR too, so what the parser lets through is fed to
 * the back end.  Everything is freed: LeakSanitizer reports any leak.
 *
 * Includes: the text is named "builtin:fuzz.stk", so a relative include is
 * looked up in the built-in library only.  An input that says `include` gets
 * every '/' replaced, so it cannot name a path elsewhere (a FIFO or a
 * terminal would block the fuzzer); other inputs keep their paths
 * (`workdir /srv`). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seccomp/bpf_gen.h"
#include "diag.h"
#include "ir/ir.h"
#include "pipeline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *devnull;

static void render(const struct stk_diags *ds)
{
    if (!devnull)
        devnull = fopen("/dev/null", "w");
    if (!devnull)
        abort();
    stk_diags_print(ds, devnull, STK_DIAG_TEXT, false);
    stk_diags_print(ds, devnull, STK_DIAG_TEXT, true);
    stk_diags_print(ds, devnull, STK_DIAG_JSON, false);
}

/* Invariants every result must keep. */
static void check_result(const struct stk_diags *ds, const struct stk_policy_ir *ir)
{
    size_t nerr = 0, nwarn = 0;
    for (size_t i = 0; i < ds->nd; i++) {
        const struct stk_diag *d = &ds->d[i];
        if (!d->code || !d->message || !d->code[0])
            abort();
        if (d->loc.file >= ds->nsrc)
            abort(); /* points at a source that does not exist */
        if (d->loc.file > 0 && d->loc.line > ds->src[d->loc.file].nlines)
            abort(); /* a line past the end of its file */
        if (d->loc.line > 0 && d->loc.col == 0)
            abort(); /* columns are 1-based */
        nerr += d->sev == STK_SEV_ERROR;
        nwarn += d->sev == STK_SEV_WARNING;
    }
    if (nerr != ds->nerrors || nwarn != ds->nwarnings)
        abort();
    if ((ir != NULL) == (ds->nerrors > 0))
        abort(); /* an IR exactly when there is no error */
    if (ds->nerrors > (ds->nsrc - 1) * STK_MAX_ERRORS_PER_FILE + 2)
        abort(); /* the per-file cap holds (+ pipeline-level errors without a file) */
}

static void compile_once(const char *text, size_t len, const char *policy_name)
{
    struct stk_diags ds;
    stk_diags_init(&ds);
    struct stk_compile_opts opts = {.policy_name = policy_name};
    struct stk_policy_ir *ir = stk_compile_text("builtin:fuzz.stk", text, len, &opts, &ds);
    check_result(&ds, ir);
    render(&ds);
    if (ir) {
        struct stk_bpf_prog prog = {0};
        char err[256];
        if (stk_bpf_generate(ir, &prog, err, sizeof err) == 0)
            stk_bpf_prog_free(&prog);
        stk_policy_ir_free(ir);
    }
    stk_diags_free(&ds);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    if (memmem(text, size, "include", 7)) {
        for (size_t i = 0; i < size; i++)
            if (text[i] == '/')
                text[i] = '_';
    }
    compile_once(text, size, NULL);
    /* The same text with a policy chosen by name: "p" is what most seeds and
     * mutations define; an unknown name takes the error path. */
    compile_once(text, size, size % 2 ? "p" : "web");
    free(text);
    return 0;
}
