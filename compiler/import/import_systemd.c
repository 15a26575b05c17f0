#include <stdio.h>
#include "import/import.h"
bool stk_import_sdgroups_parse(const char *text, struct stk_import_sdgroups *out) { (void)text; (void)out; return false; }
void stk_import_sdgroups_free(struct stk_import_sdgroups *g) { (void)g; }
int stk_import_systemd(const char *text, size_t len, const struct stk_import_opts *o,
                       const struct stk_import_sdgroups *groups, struct stk_buf *out, struct stk_buf *warn,
                       char *err, size_t errlen) { (void)text; (void)len; (void)o; (void)groups; (void)out; (void)warn; snprintf(err, errlen, "todo"); return -1; }
