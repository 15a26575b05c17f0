/* sema_isolation.h — what sema_isolation.c and sema_filesystem.c share.  Internal to the compiler. */
#ifndef STK_SEMA_ISOLATION_H
#define STK_SEMA_ISOLATION_H

#include "sema/sema.h"

/* sema_filesystem.c: checks across the chain and the application order of the entries. */
void stk_fs_finish(struct stk_unit *u, struct stk_policy_ir *ir);
void stk_fs_entry_free(struct stk_fs_entry *e);

#endif
