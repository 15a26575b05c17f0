/* test_safe_path.c — enforcer/steps/safe_path.c on a real file system: which
 * symbolic links are followed for which writer, ".." and absolute links
 * kept inside the root descriptor, the merged-/usr exception, loops, and
 * stk_safe_create for --report=FILE.  Works as any user: the files belong
 * to the test's uid, and the writer is either that uid or another one. */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "steps/safe_path.h"
#include "testlib.h"

static char root[64];
static int rootfd = -1;

static void mk(const char *rel, mode_t mode)
{
    char p[256];
    snprintf(p, sizeof p, "%s%s", root, rel);
    if (mkdir(p, mode) < 0 || chmod(p, mode) < 0)
        T_FAILF("mkdir %s: %s", p, strerror(errno));
}

static void ln(const char *target, const char *rel)
{
    char p[256];
    snprintf(p, sizeof p, "%s%s", root, rel);
    if (symlink(target, p) < 0)
        T_FAILF("symlink %s: %s", p, strerror(errno));
}

static void file(const char *rel, const char *text)
{
    char p[256];
    snprintf(p, sizeof p, "%s%s", root, rel);
    FILE *f = fopen(p, "w");
    if (!f || fputs(text, f) < 0 || fclose(f) != 0)
        T_FAILF("writing %s", p);
}

/* Same inode as ROOT/rel (not following a last link)? */
static int same(int fd, const char *rel)
{
    char p[256];
    struct stat a, b;
    snprintf(p, sizeof p, "%s%s", root, rel);
    return fd >= 0 && fstat(fd, &a) == 0 && lstat(p, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

static struct stk_writer other(void)
{
    struct stk_writer w = {.uid = geteuid() + 4242, .gid = getegid() + 4242};
    return w;
}

static struct stk_writer me(void)
{
    struct stk_writer w = {.uid = geteuid(), .gid = getegid()};
    return w;
}

static int open_as(const struct stk_writer *w, const char *path, char *why)
{
    return stk_safe_open(rootfd, path, w, why, 512);
}

static void teardown(void);

static void setup(void)
{
    if (root[0])
        teardown(); /* what a failed test left */
    snprintf(root, sizeof root, "/tmp/stk-safe-XXXXXX");
    if (!mkdtemp(root) || chmod(root, 0755) < 0)
        T_FAILF("mkdtemp: %s", strerror(errno));
    rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    CHECK(rootfd >= 0);
    mk("/a", 0755);
    file("/a/b", "b\n");
    mk("/usr", 0755);
    mk("/usr/bin", 0755);
}

static void teardown(void)
{
    char cmd[128];
    if (rootfd >= 0)
        close(rootfd);
    rootfd = -1;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    if (root[0] && system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", root);
    root[0] = '\0';
}

TEST(link_others_cannot_write_is_followed)
{
    setup();
    ln("a/b", "/l");
    struct stk_writer w = other();
    char why[512];
    int fd = open_as(&w, "/l", why);
    CHECK_MSG(same(fd, "/a/b"), "fd %d errno %d why %s", fd, errno, why);
    close(fd);
    teardown();
}

TEST(owned_link_is_refused)
{
    setup();
    ln("a/b", "/l");
    struct stk_writer w = me();
    char why[512];
    errno = 0;
    int fd = open_as(&w, "/l", why);
    CHECK_INT(fd, -1);
    CHECK_INT(errno, EPERM);
    CHECK_MSG(strstr(why, "/l is a symbolic link (to a/b)") && strstr(why, "it owns the link") &&
                  strstr(why, "leads to /a/b"),
              "why: %s", why);
    teardown();
}

TEST(link_in_writable_dir_is_refused)
{
    setup();
    mk("/o", 0777);
    ln("/a/b", "/o/l");
    struct stk_writer w = other();
    char why[512];
    errno = 0;
    CHECK_INT(open_as(&w, "/o/l/", why), -1);
    CHECK_INT(errno, EPERM);
    CHECK_MSG(strstr(why, "/o/l is a symbolic link") && strstr(why, "can write the directory"), "why: %s", why);
    /* a link further on is not reached: the walk stops at the first */
    CHECK_INT(open_as(&w, "/o/l/../a", why), -1);
    teardown();
}

TEST(sticky_dir_protects_others_links)
{
    setup();
    mk("/s", 01777);
    ln("/a/b", "/s/l");
    struct stk_writer w = other();
    char why[512];
    int fd = open_as(&w, "/s/l", why);
    CHECK_MSG(same(fd, "/a/b"), "why %s", why);
    close(fd);
    teardown();
}

TEST(group_writable_dir_counts_for_members)
{
    setup();
    mk("/g", 0775);
    ln("/a/b", "/g/l");
    struct stk_writer w = other();
    char why[512];
    int fd = open_as(&w, "/g/l", why); /* not in the group (and no ACL) */
    CHECK_MSG(same(fd, "/a/b"), "why %s", why);
    close(fd);
    gid_t g = getegid();
    w.groups = &g;
    w.ngroups = 1;
    errno = 0;
    CHECK_INT(open_as(&w, "/g/l", why), -1);
    CHECK_INT(errno, EPERM);
    teardown();
}

TEST(privileged_writer_trusts_no_link)
{
    setup();
    ln("a/b", "/l");
    struct stk_writer w = other();
    w.privileged = true;
    char why[512];
    errno = 0;
    CHECK_INT(open_as(&w, "/l", why), -1);
    CHECK_INT(errno, EPERM);
    CHECK_MSG(strstr(why, "capabilities"), "why: %s", why);
    CHECK(stk_safe_writer_caps_privileged(1ull << CAP_DAC_OVERRIDE));
    CHECK(stk_safe_writer_caps_privileged(1ull << CAP_SETUID));
    CHECK(!stk_safe_writer_caps_privileged(1ull << CAP_NET_BIND_SERVICE));
    CHECK(!stk_safe_writer_caps_privileged(0));
    teardown();
}

TEST(links_stay_inside_the_root)
{
    setup();
    ln("/a/b", "/abs");
    ln("../../../../a/b", "/up");
    struct stk_writer w = other();
    char why[512];
    int fd = open_as(&w, "/abs", why);
    CHECK_MSG(same(fd, "/a/b"), "abs: why %s", why);
    close(fd);
    fd = open_as(&w, "/up", why);
    CHECK_MSG(same(fd, "/a/b"), "up: why %s", why);
    close(fd);
    fd = open_as(&w, "/../../a/./b", why);
    CHECK_MSG(same(fd, "/a/b"), "dots: why %s", why);
    close(fd);
    teardown();
}

TEST(merged_usr_links_of_the_root_are_followed)
{
    setup();
    ln("usr/bin", "/bin");
    ln("usr/bin", "/other");
    mk("/sub", 0755);
    ln("../usr/bin", "/sub/bin");
    struct stk_writer w = me(); /* owns every link: only the exception lets /bin through */
    w.privileged = true;
    char why[512];
    int fd = open_as(&w, "/bin", why);
    CHECK_MSG(same(fd, "/usr/bin"), "why %s", why);
    close(fd);
    CHECK_INT(open_as(&w, "/other", why), -1);
    CHECK_INT(open_as(&w, "/sub/bin", why), -1);
    teardown();
}

TEST(missing_and_loops)
{
    setup();
    ln("l2", "/l1");
    ln("l1", "/l2");
    char why[512];
    errno = 0;
    CHECK_INT(stk_safe_open(rootfd, "/l1", NULL, why, sizeof why), -1);
    CHECK_INT(errno, ELOOP);
    CHECK_STR(why, "");
    errno = 0;
    CHECK_INT(stk_safe_open(rootfd, "/a/none", NULL, why, sizeof why), -1);
    CHECK_INT(errno, ENOENT);
    errno = 0;
    CHECK_INT(stk_safe_open(rootfd, "/a/b/c", NULL, why, sizeof why), -1);
    CHECK_INT(errno, ENOTDIR);
    int fd = stk_safe_open(rootfd, "/", NULL, why, sizeof why);
    CHECK(same(fd, ""));
    close(fd);
    teardown();
}

TEST(safe_create_for_reports)
{
    setup();
    mk("/log", 0777);
    file("/victim", "v\n");
    ln("../victim", "/log/planted");
    char p[256], why[512];
    struct stk_writer w = other();
    /* a new file in a directory the writer may write: created */
    snprintf(p, sizeof p, "%s/log/new", root);
    int fd = stk_safe_create(p, O_WRONLY | O_APPEND | O_CLOEXEC, 0644, &w, why, sizeof why);
    CHECK_MSG(fd >= 0 && same(fd, "/log/new"), "why %s", why);
    close(fd);
    /* a link there: refused, the target untouched */
    snprintf(p, sizeof p, "%s/log/planted", root);
    errno = 0;
    CHECK_INT(stk_safe_create(p, O_WRONLY | O_APPEND | O_CLOEXEC, 0644, &w, why, sizeof why), -1);
    CHECK_INT(errno, EPERM);
    CHECK_MSG(strstr(why, "/log/planted is a symbolic link"), "why: %s", why);
    /* a link the writer could not have made: followed by the kernel */
    ln("victim", "/trusted");
    snprintf(p, sizeof p, "%s/trusted", root);
    fd = stk_safe_create(p, O_WRONLY | O_APPEND | O_CLOEXEC, 0644, &w, why, sizeof why);
    CHECK_MSG(same(fd, "/victim"), "why %s", why);
    close(fd);
    /* /dev/stderr (the links into /proc/self/fd are trusted), where the
     * kernel lets us reopen it at all */
    int plain = open("/dev/stderr", O_WRONLY | O_APPEND | O_CLOEXEC);
    if (plain >= 0) {
        close(plain);
        w = me();
        w.privileged = true;
        fd = stk_safe_create("/dev/stderr", O_WRONLY | O_APPEND | O_CLOEXEC, 0644, &w, why, sizeof why);
        CHECK_MSG(fd >= 0, "/dev/stderr: errno %d why %s", errno, why);
        close(fd);
    }
    errno = 0;
    CHECK_INT(stk_safe_create("", O_WRONLY, 0644, &w, why, sizeof why), -1);
    teardown();
}

/* --report=FILE: the whole chain of links is judged (not only the last
 * one), a FIFO is refused without waiting for a reader, and so is a file
 * with a second name. */
TEST(safe_create_judges_the_whole_chain)
{
    setup();
    mk("/log", 0777);
    file("/victim", "v\n");
    ln("../victim", "/log/planted");
    ln("log/planted", "/trusted"); /* a link the writer cannot have made, to one it could */
    char p[256], why[512];
    struct stk_writer w = other();
    snprintf(p, sizeof p, "%s/trusted", root);
    errno = 0;
    CHECK_INT(stk_safe_create(p, O_WRONLY | O_APPEND | O_CLOEXEC, 0600, &w, why, sizeof why), -1);
    CHECK_INT(errno, EPERM);
    CHECK_MSG(strstr(why, "/log/planted is a symbolic link"), "why: %s", why);
    /* a trusted chain ending in a missing file: created where it leads */
    ln("a/new", "/t2");
    ln("../t2", "/a/t1");
    snprintf(p, sizeof p, "%s/a/t1", root);
    int fd = stk_safe_create(p, O_WRONLY | O_APPEND | O_CLOEXEC, 0600, &w, why, sizeof why);
    struct stat st;
    CHECK_MSG(fd >= 0 && same(fd, "/a/new") && fstat(fd, &st) == 0 && (st.st_mode & 07777) == 0600, "errno %d why %s",
              errno, why);
    CHECK((fcntl(fd, F_GETFL) & O_NONBLOCK) == 0);
    close(fd);
    teardown();
}

TEST(safe_create_refuses_fifos_and_second_names)
{
    setup();
    char p[256], q[256], why[512];
    struct stk_writer w = other();
    snprintf(p, sizeof p, "%s/a/fifo", root);
    CHECK(mkfifo(p, 0666) == 0);
    errno = 0;
    CHECK_INT(stk_safe_create(p, O_WRONLY | O_APPEND | O_CLOEXEC, 0600, &w, why, sizeof why), -1);
    CHECK_INT(errno, EPERM);
    CHECK_MSG(strstr(why, "FIFO"), "why: %s", why);
    /* with a reader it opens, and is refused all the same */
    int rd = open(p, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    CHECK(rd >= 0);
    errno = 0;
    CHECK_INT(stk_safe_create(p, O_WRONLY | O_APPEND | O_CLOEXEC, 0600, &w, why, sizeof why), -1);
    CHECK_MSG(strstr(why, "FIFO"), "why: %s", why);
    close(rd);
    snprintf(p, sizeof p, "%s/a/b", root);
    snprintf(q, sizeof q, "%s/a/second", root);
    CHECK(link(p, q) == 0);
    errno = 0;
    CHECK_INT(stk_safe_create(q, O_WRONLY | O_APPEND | O_CLOEXEC, 0600, &w, why, sizeof why), -1);
    CHECK_INT(errno, EPERM);
    CHECK_MSG(strstr(why, "hard link"), "why: %s", why);
    /* a device node (here /dev/null's numbers) outside /dev: only a writer
     * that could have made it (CAP_MKNOD and the like) makes it suspect */
    snprintf(p, sizeof p, "%s/a/dev", root);
    if (mknod(p, S_IFCHR | 0666, makedev(1, 3)) == 0) {
        int fd = stk_safe_create(p, O_WRONLY | O_APPEND | O_CLOEXEC, 0600, &w, why, sizeof why);
        CHECK_MSG(fd >= 0, "errno %d why %s", errno, why);
        close(fd);
        w.privileged = true;
        errno = 0;
        CHECK_INT(stk_safe_create(p, O_WRONLY | O_APPEND | O_CLOEXEC, 0600, &w, why, sizeof why), -1);
        CHECK_MSG(strstr(why, "character device"), "why: %s", why);
    }
    teardown();
}

int main(void)
{
    RUN(link_others_cannot_write_is_followed);
    RUN(owned_link_is_refused);
    RUN(link_in_writable_dir_is_refused);
    RUN(sticky_dir_protects_others_links);
    RUN(group_writable_dir_counts_for_members);
    RUN(privileged_writer_trusts_no_link);
    RUN(links_stay_inside_the_root);
    RUN(merged_usr_links_of_the_root_are_followed);
    RUN(missing_and_loops);
    RUN(safe_create_for_reports);
    RUN(safe_create_judges_the_whole_chain);
    RUN(safe_create_refuses_fifos_and_second_names);
    if (root[0])
        teardown();
    return test_summary();
}
