/* test_fmt — `stockade fmt`'s layout (issue 17, compiler/front/fmt.c): tricky
 * layouts give the expected text, every result is a fixed point (formatting
 * it again changes nothing), and a file that does not parse is refused with
 * the parser's located diagnostic. */
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "front/fmt.h"
#include "testlib.h"
#include "util.h"

static char *last;

/* fmt of text, or NULL (a syntax error); the second pass is checked here */
static const char *fmt_once(const char *text, char **diag_msg, uint32_t *line)
{
    struct stk_diags ds;
    stk_diags_init(&ds);
    uint32_t f = stk_diags_add_source(&ds, "t.stk", NULL, stk_xstrdup(text), strlen(text));
    size_t len;
    free(last);
    last = stk_fmt(&ds, f, &len);
    if (!last && ds.nd > 0) {
        if (diag_msg)
            *diag_msg = stk_xstrdup(ds.d[0].message);
        if (line)
            *line = ds.d[0].loc.line;
    }
    if (last)
        CHECK_INT(len, strlen(last));
    stk_diags_free(&ds);
    return last;
}

static const char *fmt(const char *text)
{
    const char *once = fmt_once(text, NULL, NULL);
    CHECK_MSG(once != NULL, "does not parse: %s", text);
    char *copy = stk_xstrdup(once);
    const char *twice = fmt_once(copy, NULL, NULL);
    int same = twice && strcmp(copy, twice) == 0;
    if (!same) {
        fprintf(stderr, "first:\n%s\nsecond:\n%s\n", copy, twice ? twice : "(null)");
        free(copy);
        CHECK_MSG(0, "not a fixed point");
    }
    free(last);
    last = copy;
    return last;
}

#define CHECK_FMT(in, want) CHECK_STR(fmt(in), want)

TEST(fmt_nested_blocks_and_semicolons)
{
    CHECK_FMT("policy p{\nno_new_privs;umask 022\n  seccomp {default errno EPERM ; allow read,write\n"
              "allow close}\n env { clear; keep PATH }}\n",
              "policy p {\n    no_new_privs\n    umask 022\n    seccomp {\n        default errno EPERM\n"
              "        allow read, write\n        allow close\n    }\n    env {\n        clear\n"
              "        keep PATH\n    }\n}\n");
}

TEST(fmt_one_statement_block_stays_on_its_line)
{
    CHECK_FMT("policy p {\n    capabilities {keep chown ,kill}\n    seccomp { default allow; }\n}\n",
              "policy p {\n    capabilities { keep chown, kill }\n    seccomp { default allow }\n}\n");
    CHECK_FMT("policy a { umask 022 }\npolicy b extends a{}\n", "policy a { umask 022 }\npolicy b extends a {}\n");
}

TEST(fmt_long_in_list_wrapped)
{
    CHECK_FMT("policy p {\n    seccomp {\n        allow ioctl if request in (TCGETS, TCSETS, TCSETSW, TCSETSF, "
              "TIOCGWINSZ, TIOCSWINSZ, TIOCGPGRP, TIOCSPGRP, FIONREAD, FIONBIO, FIOCLEX)\n    }\n}\n",
              "policy p {\n    seccomp {\n        allow ioctl if request in (TCGETS, TCSETS, TCSETSW, TCSETSF, "
              "TIOCGWINSZ, TIOCSWINSZ,\n            TIOCGPGRP, TIOCSPGRP, FIONREAD, FIONBIO, FIOCLEX)\n    }\n}\n");
    /* every line fits: the width limit holds */
    for (const char *l = last; *l;) {
        const char *e = strchr(l, '\n');
        CHECK(e && e - l <= STK_FMT_WIDTH);
        l = e + 1;
    }
}

TEST(fmt_author_line_breaks_in_lists_kept)
{
    CHECK_FMT("group @g { read, write,\n  close,   dup,\n        dup2 }\n",
              "group @g { read, write,\n    close, dup,\n    dup2 }\n");
    CHECK_FMT("group @g {\nread write\nclose\n}\n", "group @g {\n    read write\n    close\n}\n");
    CHECK_FMT("policy p {\n  seccomp {\n    allow read,\n  write if (fd == 1 ||\nfd == 2)\n  }\n}\n",
              "policy p {\n    seccomp {\n        allow read,\n            write if (fd == 1 ||\n"
              "            fd == 2)\n    }\n}\n");
}

TEST(fmt_comments_at_end_of_line_and_own_lines)
{
    CHECK_FMT("# head\npolicy p { # the policy\n    umask 022   # private files\n  # before seccomp\n"
              "    seccomp {\n        allow read # reads\n        # last in block\n    }\n}\n# tail\n",
              "# head\npolicy p {  # the policy\n    umask 022  # private files\n    # before seccomp\n"
              "    seccomp {\n        allow read  # reads\n        # last in block\n    }\n}\n# tail\n");
    /* a comment inside a one-statement block expands it; inside a list it keeps its line */
    CHECK_FMT("policy p {\n    env { clear # all\n    }\n}\n",
              "policy p {\n    env {\n        clear  # all\n    }\n}\n");
    CHECK_FMT("group @g { read, # in\n# own\n write }\n", "group @g { read,  # in\n    # own\n    write }\n");
}

TEST(fmt_blank_lines_at_most_one)
{
    CHECK_FMT("\n\n# c\n\n\n\npolicy p {\n\n\n    no_new_privs\n\n\n\n    umask 022\n\n}\n\n\n",
              "# c\n\npolicy p {\n    no_new_privs\n\n    umask 022\n}\n");
    CHECK_FMT("policy p {\n    # a\n\n\n    # b\n    umask 022\n}", "policy p {\n    # a\n\n    # b\n    umask 022\n}\n");
}

TEST(fmt_strings_with_escapes_verbatim)
{
    CHECK_FMT("policy p {\n  user \"a\\\"b\\\\c\"\n  env { set MSG=\"x #y\\n\\tz\"  EMPTY=\"\" }\n}\n",
              "policy p {\n    user \"a\\\"b\\\\c\"\n    env { set MSG=\"x #y\\n\\tz\" EMPTY=\"\" }\n}\n");
    CHECK_FMT("include   \"groups.stk\"  # the library\n", "include \"groups.stk\"  # the library\n");
}

TEST(fmt_if_expressions_with_parentheses)
{
    CHECK_FMT("policy p { seccomp {\nallow read if ( fd==0||( fd>2 && fd<=5 ) )\n"
              "allow write if !( fd!=1 )&&fd not in(3,4)\nallow mmap if (prot&PROT_EXEC)==0\n"
              "allow clone if flags & (CLONE_NEWNS|CLONE_NEWPID)==0\n} }\n",
              "policy p {\n    seccomp {\n        allow read if (fd == 0 || (fd > 2 && fd <= 5))\n"
              "        allow write if !(fd != 1) && fd not in (3, 4)\n"
              "        allow mmap if (prot & PROT_EXEC) == 0\n"
              "        allow clone if flags & (CLONE_NEWNS | CLONE_NEWPID) == 0\n    }\n}\n");
    /* a long condition wraps inside its parentheses, before an operator */
    CHECK_FMT("policy p {\n    seccomp {\n        allow clone if (flags & (CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | "
              "CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET)) == 0\n    }\n}\n",
              "policy p {\n    seccomp {\n        allow clone if (flags & (CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | "
              "CLONE_NEWUSER\n            | CLONE_NEWPID | CLONE_NEWNET)) == 0\n    }\n}\n");
}

TEST(fmt_selinux_level_keeps_its_commas)
{
    CHECK_FMT("policy p {\n    selinux { type t_t; level s0:c1,c2 }\n    rlimit nofile 1,2\n}\n",
              "policy p {\n    selinux {\n        type t_t\n        level s0:c1,c2\n    }\n    rlimit nofile 1, 2\n}\n");
}

TEST(fmt_test_blocks)
{
    const char *in = "policy p { seccomp { allow read; errno EAFNOSUPPORT socket } }\n"
                     "test \"t one\" for p {\n  expect allow read on x86_64; expect errno EAFNOSUPPORT "
                     "socket( AF_NETLINK,type=SOCK_RAW )\n    expect capabilities {chown,kill}\n"
                     "expect capabilities {}\n}\n";
    CHECK_FMT(in, "policy p {\n    seccomp {\n        allow read\n        errno EAFNOSUPPORT socket\n    }\n}\n"
                  "test \"t one\" for p {\n    expect allow read on x86_64\n"
                  "    expect errno EAFNOSUPPORT socket(AF_NETLINK, type=SOCK_RAW)\n"
                  "    expect capabilities { chown, kill }\n    expect capabilities {}\n}\n");
}

TEST(fmt_crlf_and_tabs)
{
    CHECK_FMT("policy p {\r\n\tumask 022\r\n}\r\n", "policy p {\n    umask 022\n}\n");
}

TEST(fmt_empty_and_comment_only)
{
    CHECK_FMT("", "");
    CHECK_FMT("\n\n", "");
    CHECK_FMT("# only\n\n\n# comments", "# only\n\n# comments\n");
}

TEST(fmt_refuses_syntax_errors)
{
    char *msg = NULL;
    uint32_t line = 0;
    CHECK(fmt_once("policy p {\n    seccomp {\n        allow read if fd ==\n    }\n}\n", &msg, &line) == NULL);
    CHECK(msg != NULL);
    CHECK_INT(line, 3);
    CHECK(strncmp(msg, "expected", 8) == 0);
    free(msg);
    msg = NULL;
    CHECK(fmt_once("policy p {\n    user \"unterminated\n}\n", &msg, &line) == NULL);
    CHECK_INT(line, 2);
    free(msg);
}

int main(void)
{
    RUN(fmt_nested_blocks_and_semicolons);
    RUN(fmt_one_statement_block_stays_on_its_line);
    RUN(fmt_long_in_list_wrapped);
    RUN(fmt_author_line_breaks_in_lists_kept);
    RUN(fmt_comments_at_end_of_line_and_own_lines);
    RUN(fmt_blank_lines_at_most_one);
    RUN(fmt_strings_with_escapes_verbatim);
    RUN(fmt_if_expressions_with_parentheses);
    RUN(fmt_selinux_level_keeps_its_commas);
    RUN(fmt_test_blocks);
    RUN(fmt_crlf_and_tabs);
    RUN(fmt_empty_and_comment_only);
    RUN(fmt_refuses_syntax_errors);
    free(last);
    return test_summary();
}
