/* fuzz_import.c — libFuzzer target for `stockade import`: arbitrary bytes as
 * a seccomp profile (an input starting with '{' or '[', after blanks) or as
 * a systemd unit (anything else).  Invariants: the importer never crashes or
 * leaks; it either refuses with a message or writes a policy, and a policy
 * it writes compiles without errors (the import means something the
 * compiler accepts). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compile.h"
#include "diag.h"
#include "import/import.h"
#include "ir/ir.h"
#include "seccomp/bpf_gen.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* systemd's groups as `systemd-analyze syscall-filter` prints them (a few) */
static const char groups_text[] = "@default\n    # always\n    brk\n    exit\n    execve\n\n"
                                  "@basic-io\n    read\n    write\n    @default\n\n"
                                  "@mount\n    mount\n    umount2\n    chroot\n";

static void compile_check(const struct stk_buf *out, bool must_compile)
{
    struct stk_diags ds;
    stk_diags_init(&ds);
    struct stk_compile_opts opts = {0};
    struct stk_policy_ir *ir = stk_compile_text("builtin:imported.stk", out->data, out->len, &opts, &ds);
    if (must_compile && !ir) {
        stk_diags_print(&ds, stderr, STK_DIAG_TEXT, false);
        fprintf(stderr, "%s\n", out->data);
        abort();
    }
    if (ir) {
        struct stk_bpf_prog prog = {0};
        char err[256];
        if (stk_bpf_generate(ir, &prog, err, sizeof err) == 0)
            stk_bpf_prog_free(&prog);
        else if (must_compile)
            abort();
        stk_policy_ir_free(ir);
    }
    stk_diags_free(&ds);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* A whole profile (Docker's default is 20 KB) imports and compiles in
     * tens of seconds under ASan, past libFuzzer's per-input timeout on a
     * loaded machine; the parsers' edge cases fit in 8 KB.  Whole profiles
     * are covered by test_import_equiv. */
    if (size > 8192)
        return 0;
    const char *text = (const char *)data;
    size_t k = 0;
    while (k < size && (text[k] == ' ' || text[k] == '\n' || text[k] == '\t'))
        k++;
    bool json = k < size && (text[k] == '{' || text[k] == '[');
    struct stk_import_opts o = {.source = "fuzz", .abi = STK_ABI_X86_64, .kmajor = 6, .kminor = 1};
    char err[512];
    if (!stk_import_parse_caps(size % 3 ? "docker-default" : "docker-default,sys_admin", &o.caps, err, sizeof err))
        abort();
    struct stk_buf out = {0}, warn = {0};
    err[0] = '\0';
    int rc;
    if (json) {
        rc = stk_import_oci(text, size, &o, &out, &warn, err, sizeof err);
    } else {
        struct stk_import_sdgroups g = {0};
        if (!stk_import_sdgroups_parse(groups_text, &g))
            abort();
        rc = stk_import_systemd(text, size, &o, size % 2 ? &g : NULL, &out, &warn, err, sizeof err);
        stk_import_sdgroups_free(&g);
    }
    if (rc != 0 && (!err[0] || out.len))
        abort(); /* a refusal says why and writes nothing */
    if (rc == 0)
        compile_check(&out, true);
    stk_buf_free(&out);
    stk_buf_free(&warn);
    return 0;
}
