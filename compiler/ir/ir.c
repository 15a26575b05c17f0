/* ir.c — IR helpers: seccomp action encoding, freeing. */
#include "ir/ir.h"

#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>

#include "consts.h"
#include "syscalls.h"

uint32_t stk_action_ret(struct stk_action a)
{
    switch (a.kind) {
    case STK_ACT_KILL_PROCESS: return SECCOMP_RET_KILL_PROCESS;
    case STK_ACT_KILL_THREAD: return SECCOMP_RET_KILL_THREAD;
    case STK_ACT_TRAP: return SECCOMP_RET_TRAP;
    case STK_ACT_ERRNO: return SECCOMP_RET_ERRNO | (a.data & SECCOMP_RET_DATA);
    case STK_ACT_NOTIFY: return SECCOMP_RET_USER_NOTIF | (a.data & SECCOMP_RET_DATA);
    case STK_ACT_TRACE: return SECCOMP_RET_TRACE | (a.data & SECCOMP_RET_DATA);
    case STK_ACT_LOG: return SECCOMP_RET_LOG;
    case STK_ACT_ALLOW: return SECCOMP_RET_ALLOW;
    }
    return SECCOMP_RET_KILL_PROCESS;
}

struct stk_action stk_action_from_ret(uint32_t ret)
{
    uint16_t data = (uint16_t)(ret & SECCOMP_RET_DATA);
    switch (ret & SECCOMP_RET_ACTION_FULL) {
    case SECCOMP_RET_KILL_THREAD: return (struct stk_action){STK_ACT_KILL_THREAD, 0};
    case SECCOMP_RET_TRAP: return (struct stk_action){STK_ACT_TRAP, 0};
    case SECCOMP_RET_ERRNO: return (struct stk_action){STK_ACT_ERRNO, data};
    case SECCOMP_RET_USER_NOTIF: return (struct stk_action){STK_ACT_NOTIFY, data};
    case SECCOMP_RET_TRACE: return (struct stk_action){STK_ACT_TRACE, data};
    case SECCOMP_RET_LOG: return (struct stk_action){STK_ACT_LOG, 0};
    case SECCOMP_RET_ALLOW: return (struct stk_action){STK_ACT_ALLOW, 0};
    default: return (struct stk_action){STK_ACT_KILL_PROCESS, 0};
    }
}

bool stk_action_eq(struct stk_action a, struct stk_action b)
{
    return stk_action_ret(a) == stk_action_ret(b);
}

const char *stk_action_str(struct stk_action a, char *buf, size_t len)
{
    switch (a.kind) {
    case STK_ACT_KILL_PROCESS: snprintf(buf, len, "kill-process"); break;
    case STK_ACT_KILL_THREAD: snprintf(buf, len, "kill-thread"); break;
    case STK_ACT_TRAP: snprintf(buf, len, "trap"); break;
    case STK_ACT_NOTIFY:
        if (a.data == STK_EXEC_HANDOVER_DATA)
            snprintf(buf, len, "notify (the enforcer's exec hand-over)");
        else
            snprintf(buf, len, "notify");
        break;
    case STK_ACT_LOG: snprintf(buf, len, "log"); break;
    case STK_ACT_ALLOW: snprintf(buf, len, "allow"); break;
    case STK_ACT_TRACE: snprintf(buf, len, "trace %u", a.data); break;
    case STK_ACT_ERRNO: {
        const char *n = stk_errno_name(a.data);
        if (n)
            snprintf(buf, len, "errno %s", n);
        else
            snprintf(buf, len, "errno %u", a.data);
        break;
    }
    }
    return buf;
}

bool stk_cmp_holds(enum stk_cmp_op op, uint64_t a, uint64_t b)
{
    switch (op) {
    case STK_CMP_EQ: return a == b;
    case STK_CMP_NE: return a != b;
    case STK_CMP_LT: return a < b;
    case STK_CMP_LE: return a <= b;
    case STK_CMP_GT: return a > b;
    case STK_CMP_GE: return a >= b;
    }
    return false;
}

void stk_cond_free(struct stk_cond *c)
{
    if (!c)
        return;
    stk_cond_free(c->a);
    stk_cond_free(c->b);
    free(c->values);
    free(c);
}

static void free_strv(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void stk_policy_ir_free(struct stk_policy_ir *p)
{
    if (!p)
        return;
    free(p->name);
    free(p->user);
    free(p->group);
    free_strv(p->supp_groups, p->nsupp);
    free_strv(p->env_keep, p->nenv_keep);
    for (size_t i = 0; i < p->nenv_set; i++) {
        free(p->env_set[i].name);
        free(p->env_set[i].value);
    }
    free(p->env_set);
    free(p->workdir);
    free(p->keep_fds);
    for (size_t i = 0; i < p->seccomp.nrules; i++)
        stk_cond_free(p->seccomp.rules[i].cond);
    free(p->seccomp.rules);
    free(p->seccomp.quiet);
    stk_isolation_ir_free(&p->iso);
    stk_landlock_ir_free(&p->landlock);
    stk_cgroup_ir_free(&p->cgroup);
    stk_lsm_ir_free(&p->lsm);
    free_strv(p->unenforced, p->nunenforced);
    free(p->unenforced_loc);
    free(p);
}

bool stk_seccomp_restricts(const struct stk_seccomp *s, const char *name)
{
    int id = stk_syscall_lookup(name);
    if (id < 0)
        return s->def.kind != STK_ACT_ALLOW;
    for (size_t i = 0; i < s->nrules; i++) {
        const struct stk_rule *r = &s->rules[i];
        if (r->syscall != id)
            continue;
        if (r->action.kind == STK_ACT_NOTIFY && r->action.data == STK_EXEC_HANDOVER_DATA)
            continue; /* the hand-over rule itself: not the policy's word */
        if (r->action.kind != STK_ACT_ALLOW)
            return true;
        if (!r->cond || r->cond->kind == STK_COND_TRUE)
            return false; /* first unconditional rule decides; later rules are unreachable */
    }
    return s->def.kind != STK_ACT_ALLOW;
}
