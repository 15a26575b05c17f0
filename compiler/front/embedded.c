/* embedded.c — lookup of the files embedded at build time. */
#include "front/embedded.h"

#include <string.h>

const struct stk_embedded_file *stk_embedded_find(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < stk_embedded_count; i++)
        if (strcmp(stk_embedded_files[i].name, name) == 0)
            return &stk_embedded_files[i];
    return NULL;
}
