/* env.c — the command's environment (clear / keep / set), umask, workdir. */
#include "steps/steps.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool has_name(const char *entry, const char *name)
{
    size_t n = strlen(name);
    return strncmp(entry, name, n) == 0 && entry[n] == '=';
}

const char *stk_env_get(char *const *envp, const char *name)
{
    for (size_t i = 0; envp && envp[i]; i++)
        if (has_name(envp[i], name))
            return envp[i] + strlen(name) + 1;
    return NULL;
}

int stk_env_build(const struct stk_bundle *b, char *const *caller, char ***envp, struct stk_err *e)
{
    size_t ncaller = 0;
    while (caller && caller[ncaller])
        ncaller++;
    size_t cap = (b->env_clear ? b->nenv_keep : ncaller) + b->nenv_set + 1;
    char **env = calloc(cap, sizeof *env);
    if (!env)
        return stk_errnof(e, "env", ENOMEM, "building the environment");
    size_t n = 0;
    if (b->env_clear) {
        for (size_t i = 0; i < b->nenv_keep; i++)
            for (size_t j = 0; j < ncaller; j++)
                if (has_name(caller[j], b->env_keep[i])) {
                    env[n++] = caller[j];
                    break;
                }
    } else {
        for (size_t j = 0; j < ncaller; j++)
            env[n++] = caller[j];
    }
    for (size_t i = 0; i < b->nenv_set; i++) {
        const struct stk_bundle_env *s = &b->env_set[i];
        /* drop every existing definition, then append the policy's */
        size_t k = 0;
        for (size_t j = 0; j < n; j++)
            if (!has_name(env[j], s->name))
                env[k++] = env[j];
        n = k;
        size_t ln = strlen(s->name), lv = strlen(s->value);
        char *kv = malloc(ln + lv + 2);
        if (!kv) {
            env[n] = NULL;
            stk_env_free(env, caller);
            return stk_errnof(e, "env", ENOMEM, "building the environment");
        }
        memcpy(kv, s->name, ln);
        kv[ln] = '=';
        memcpy(kv + ln + 1, s->value, lv + 1);
        env[n++] = kv;
    }
    env[n] = NULL;
    *envp = env;
    return 0;
}

static bool borrowed(const char *s, char *const *caller)
{
    for (size_t j = 0; caller && caller[j]; j++)
        if (s == caller[j])
            return true;
    return false;
}

/* stk_env_build puts the caller's strings first and appends its own (a
 * policy's setting removes an entry, which keeps the order): its own are
 * the tail of envp, freed from the end up to the first borrowed one.  The
 * caller's environment is searched once per own string, not once per entry
 * (a caller's environment can hold a couple of hundred thousand). */
void stk_env_free(char **envp, char *const *caller)
{
    if (!envp)
        return;
    size_t n = 0;
    while (envp[n])
        n++;
    while (n > 0 && !borrowed(envp[n - 1], caller))
        free(envp[--n]);
    free(envp);
}

void stk_env_umask_apply(const struct stk_bundle *b)
{
    if (b->umask_set)
        umask((mode_t)b->umask);
}

int stk_env_workdir_apply(const struct stk_bundle *b, struct stk_err *e)
{
    if (b->workdir && chdir(b->workdir) < 0)
        return stk_errnof(e, "workdir", errno, "%s", b->workdir);
    return 0;
}
