/* test_learn.c — `stockade learn`'s pure parts: the recorder's sets, path
 * normalisation, and the writer (cli/learn_*.c): conditions, the landlock
 * collapse, the data lines that --merge reads back, and the text outside
 * the generated block that a merge keeps.  Every written policy is checked
 * with the compiler. */
#include <fcntl.h>
#include <unistd.h>

#include "learn_write.h"
#include "pipeline.h"
#include "supervise/learn.h"
#include "syscalls.h"
#include "testlib.h"

static void see(struct stk_learn *l, const char *name, unsigned long n)
{
    int64_t nr = stk_syscall_nr(stk_syscall_lookup(name), stk_native_abi());
    CHECK(nr >= 0);
    CHECK(stk_learn_count(l, stk_abis[stk_native_abi()].audit_arch, (uint32_t)nr, n));
}

static void doc_init(struct stk_learn_doc *d)
{
    memset(d, 0, sizeof *d);
    stk_learn_init(&d->obs);
    d->name = "svc";
    d->cmdline = stk_xstrdup("svc --serve");
    snprintf(d->user, sizeof d->user, "nobody");
    snprintf(d->group, sizeof d->group, "nogroup");
    d->obs.uid = 65534;
}

static void doc_free(struct stk_learn_doc *d)
{
    stk_learn_free(&d->obs);
    for (size_t i = 0; i < d->nruns; i++)
        free(d->runs[i]);
    free(d->runs);
    free(d->cmdline);
    free(d->before);
    free(d->after);
}

/* text -> a file; stockade check's verdict on it */
static bool checks(const char *text, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return false;
    fputs(text, f);
    fclose(f);
    struct stk_diags ds;
    stk_diags_init(&ds);
    bool ok = stk_pipeline_check_file(path, NULL, &ds) && ds.nwarnings == 0;
    if (!ok)
        stk_diags_print(&ds, stderr, STK_DIAG_TEXT, false);
    stk_diags_free(&ds);
    return ok;
}

TEST(learn_sets)
{
    struct stk_learn_set s = {0};
    CHECK(stk_learn_set_add(&s, 5) && stk_learn_set_add(&s, 5) && stk_learn_set_add(&s, 7));
    CHECK_INT(s.n, 2);
    CHECK(stk_learn_set_has(&s, 7) && !stk_learn_set_has(&s, 8));
    stk_learn_set_free(&s);
    struct stk_learn_paths p = {0};
    char name[64];
    for (int i = 0; i < 1000; i++) { /* grows past its first table */
        snprintf(name, sizeof name, "/srv/f%d", i);
        CHECK(stk_learn_paths_add(&p, name, STK_LEARN_READ));
    }
    CHECK(stk_learn_paths_add(&p, "/srv/f7", STK_LEARN_WRITE));
    CHECK_INT(p.n, 1000);
    bool found = false;
    for (size_t i = 0; i < p.cap; i++)
        if (p.key[i] && strcmp(p.key[i], "/srv/f7") == 0)
            found = p.rights[i] == (STK_LEARN_READ | STK_LEARN_WRITE);
    CHECK(found);
    stk_learn_paths_free(&p);
}

TEST(learn_paths_bounded)
{
    /* past STK_LEARN_PATHS_MAX distinct paths new ones are only counted;
     * the paths kept still gain rights */
    struct stk_learn_paths p = {0};
    char path[64];
    for (unsigned i = 0; i < STK_LEARN_PATHS_MAX + 10; i++) {
        snprintf(path, sizeof path, "/d/%u", i);
        CHECK(stk_learn_paths_add(&p, path, STK_LEARN_READ));
    }
    CHECK_INT(p.n, STK_LEARN_PATHS_MAX);
    CHECK_INT(p.dropped, 10);
    CHECK(p.cap <= 2 * STK_LEARN_PATHS_MAX);
    CHECK(stk_learn_paths_add(&p, "/d/7", STK_LEARN_WRITE));
    CHECK_INT(p.n, STK_LEARN_PATHS_MAX);
    CHECK_INT(p.dropped, 10);
    bool merged = false;
    for (size_t i = 0; i < p.cap; i++)
        if (p.key[i] && strcmp(p.key[i], "/d/7") == 0)
            merged = p.rights[i] == (STK_LEARN_READ | STK_LEARN_WRITE);
    CHECK(merged);
    stk_learn_paths_free(&p);

    /* and past STK_LEARN_PATHS_BYTES of names */
    static char name[4000];
    memset(name, 'x', sizeof name - 8);
    name[0] = '/';
    size_t fit = 0;
    for (unsigned i = 0; i < STK_LEARN_PATHS_BYTES / 4000 + 100; i++) {
        snprintf(name + sizeof name - 8, 8, "%u", i);
        CHECK(stk_learn_paths_add(&p, name, STK_LEARN_READ));
        fit = p.n;
    }
    CHECK(p.bytes <= STK_LEARN_PATHS_BYTES);
    CHECK_INT(fit + p.dropped, STK_LEARN_PATHS_BYTES / 4000 + 100);
    CHECK(p.dropped >= 90); /* a name is ~3995 bytes: 1049 fit */
    stk_learn_paths_free(&p);
}

TEST(learn_abspath)
{
    char out[256];
    CHECK(stk_learn_mem_abspath(getpid(), AT_FDCWD, "/a//b/./c/../d", out, sizeof out));
    CHECK_STR(out, "/a/b/d");
    CHECK(stk_learn_mem_abspath(getpid(), AT_FDCWD, "/..", out, sizeof out));
    CHECK_STR(out, "/");
    int fd = open("/usr/share", O_RDONLY | O_DIRECTORY);
    CHECK(fd >= 0);
    CHECK(stk_learn_mem_abspath(getpid(), fd, "doc/../x", out, sizeof out));
    close(fd);
    CHECK_STR(out, "/usr/share/x");
}

TEST(learn_policy_conditions_and_landlock)
{
    struct stk_learn_doc d;
    doc_init(&d);
    const char *calls[] = {"read", "write", "openat", "close", "socket", "bind", "listen", "accept4", "clone",
                           "ioctl", "mmap", "epoll_create1", "epoll_ctl", "epoll_wait", "epoll_pwait",
                           "epoll_create", "epoll_pwait2", "epoll_ctl_old", "epoll_wait_old", "poll", "ppoll",
                           "select", "pselect6", "eventfd", "eventfd2"};
    for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++)
        see(&d.obs, calls[i], 3);
    stk_learn_set_add(&d.obs.sockets, 2ull << 32 | 1); /* AF_INET, SOCK_STREAM */
    d.obs.clone_flags = 0x3d0f00;                      /* threads: no namespace flag */
    stk_learn_set_add(&d.obs.ioctls, 0x5401);          /* TCGETS */
    stk_learn_set_add(&d.obs.bind_ports, 8080);
    stk_learn_paths_add(&d.obs.paths, "/usr/lib/x86_64-linux-gnu/libc.so.6", STK_LEARN_READ);
    stk_learn_paths_add(&d.obs.paths, "/srv/app/data/db", STK_LEARN_READ | STK_LEARN_WRITE | STK_LEARN_MAKE);
    stk_learn_paths_add(&d.obs.paths, "/tmp/x", STK_LEARN_MAKE);
    stk_learn_paths_add(&d.obs.paths, "/proc/self/status", STK_LEARN_READ);
    stk_learn_paths_add(&d.obs.paths, "/usr/bin/svc", STK_LEARN_EXEC);
    stk_learn_paths_add(&d.obs.paths, "/dev/urandom", STK_LEARN_READ);
    stk_learn_paths_add(&d.obs.paths, "/dev/null", STK_LEARN_WRITE);
    stk_learn_doc_add_run(&d);
    struct stk_buf b = {0};
    stk_learn_doc_write(&d, &b);
    const char *t = b.data;
    CHECK(strstr(t, "default errno EPERM"));
    CHECK(strstr(t, "allow socket if (domain == AF_INET && ((type & 0xf) == SOCK_STREAM))"));
    CHECK(strstr(t, "allow clone if (flags & (CLONE_NEWNS"));
    CHECK(strstr(t, "errno ENOSYS clone3"));
    CHECK(strstr(t, "allow ioctl if request in (TCGETS)"));
    CHECK(strstr(t, "allow mmap if (prot & PROT_EXEC) == 0"));
    CHECK_MSG(strstr(t, "# @io-event: all"), "%s", strstr(t, "# @io-event") ? strstr(t, "# @io-event") : t);
    CHECK(strstr(t, "allow @io-event"));
    CHECK(!strstr(t, "execve"));            /* nothing executed after the start */
    CHECK(strstr(t, "capabilities none"));  /* not root */
    CHECK_MSG(strstr(t, "read /dev/urandom, /proc, /srv/app/data, /usr\n"), "%s", strstr(t, "landlock {"));
    CHECK(strstr(t, "write /dev/null, /srv/app/data, /tmp\n"));
    CHECK(!strstr(t, "write /\n") && !strstr(t, "write /,"));
    CHECK(strstr(t, "execute /usr\n"));
    CHECK(strstr(t, "bind tcp 8080"));
    /* isatty() on a device read: Landlock wants IOCTL_DEV, which write has */
    CHECK(strstr(t, "ioctl-dev /dev/urandom\n"));
    CHECK_MSG(checks(t, "/tmp/stk-test-learn.stk"), "the learned policy does not pass check:\n%s", t);
    unlink("/tmp/stk-test-learn.stk");
    stk_buf_free(&b);
    doc_free(&d);
}

TEST(learn_merge_keeps_outside_and_unites)
{
    struct stk_learn_doc d;
    doc_init(&d);
    see(&d.obs, "read", 1);
    stk_learn_paths_add(&d.obs.paths, "/srv/a/f", STK_LEARN_READ);
    stk_learn_set_add(&d.obs.bind_ports, 80);
    stk_learn_paths_add(&d.obs.paths, "/usr/sbin/svc", STK_LEARN_EXEC);
    d.obs.uid = 0;
    stk_learn_doc_add_run(&d);
    struct stk_buf b = {0};
    stk_buf_puts(&b, "# my notes before\n");
    stk_learn_doc_write(&d, &b);
    stk_buf_puts(&b, "\npolicy mine extends svc { umask 027 }\n");
    CHECK(strstr(b.data, "keep net_bind_service")); /* root, a bind to port 80 */
    const char *path = "/tmp/stk-test-learn-merge.stk";
    CHECK(checks(b.data, path));

    struct stk_learn_doc m;
    doc_init(&m);
    see(&m.obs, "write", 1);
    stk_learn_set_add(&m.obs.bind_ports, 8443);
    CHECK(stk_learn_doc_merge(&m, path));
    stk_learn_doc_add_run(&m);
    struct stk_buf o = {0};
    stk_learn_doc_write(&m, &o);
    const char *t = o.data;
    CHECK(strncmp(t, "# my notes before\n", 18) == 0);
    CHECK(strstr(t, "policy mine extends svc { umask 027 }"));
    CHECK(strstr(t, "learned from 2 runs"));
    CHECK(strstr(t, "allow read, write") || strstr(t, "allow read,"));
    CHECK(strstr(t, "write"));
    CHECK(strstr(t, "bind tcp 80, 8443"));
    CHECK(strstr(t, "read /srv/a"));
    CHECK_MSG(checks(t, path), "the merged policy does not pass check:\n%s", t);
    unlink(path);
    stk_buf_free(&b);
    stk_buf_free(&o);
    doc_free(&d);
    doc_free(&m);
}

int main(void)
{
    RUN(learn_sets);
    RUN(learn_paths_bounded);
    RUN(learn_abspath);
    RUN(learn_policy_conditions_and_landlock);
    RUN(learn_merge_keeps_outside_and_unites);
    return test_summary();
}
