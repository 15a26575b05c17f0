/* embedded.h — files compiled into stockade (the shipped policies), generated
 * at build time by common/tools/embed into build/gen/embedded_policies.c. */
#ifndef STK_EMBEDDED_H
#define STK_EMBEDDED_H

#include <stddef.h>

struct stk_embedded_file {
    const char *name; /* basename, e.g. "groups.stk" */
    const char *data; /* contents, NUL-terminated (the NUL is not counted in len) */
    size_t len;
};

/* Generated. */
extern const struct stk_embedded_file stk_embedded_files[];
extern const size_t stk_embedded_count;

/* The embedded file called name, or NULL. */
const struct stk_embedded_file *stk_embedded_find(const char *name);

#endif
