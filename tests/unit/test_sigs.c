/* test_sigs.c — syscall argument signatures (common/data/syscall-args.txt,
 * common/sigs.c): names, per-ABI order, widths, and completeness against the
 * syscall table. */
#include "sigs.h"
#include "sigs_table.h"
#include "syscalls.h"

#include "testlib.h"

/* Index of argname in syscall on abi (-1 if unknown); *t gets its type.  Asked twice
 * with different initial types so that a type left unwritten is noticed. */
static int arg_of(const char *syscall, enum stk_abi abi, const char *argname, enum stk_arg_type *t)
{
    enum stk_arg_type t2 = STK_ARG_ULONG;
    *t = STK_ARG_INT;
    int r = stk_sig_arg(syscall, abi, argname, t);
    int r2 = stk_sig_arg(syscall, abi, argname, &t2);
    CHECK_MSG(r == r2 && (r < 0 || *t == t2), "%s(%s): unstable result", syscall, argname);
    return r;
}

#define CHECK_ARG(sys_, abi_, arg_, idx_, type_)                                                   \
    do {                                                                                           \
        enum stk_arg_type ca_t;                                                                    \
        int ca_i = arg_of((sys_), (abi_), (arg_), &ca_t);                                          \
        CHECK_MSG(ca_i == (idx_), "%s(%s) on %s: index %d, expected %d", (sys_), (arg_),           \
                  stk_abis[(abi_)].name, ca_i, (idx_));                                            \
        CHECK_MSG(ca_t == (type_), "%s(%s) on %s: type %d, expected %d", (sys_), (arg_),           \
                  stk_abis[(abi_)].name, (int)ca_t, (int)(type_));                                 \
    } while (0)

#define CHECK_NOARG(sys_, abi_, arg_)                                                              \
    do {                                                                                           \
        enum stk_arg_type cn_t;                                                                    \
        int cn_i = stk_sig_arg((sys_), (abi_), (arg_), &cn_t);                                     \
        CHECK_MSG(cn_i == -1, "%s(%s) on %s: index %d, expected unknown", (sys_), (arg_),          \
                  stk_abis[(abi_)].name, cn_i);                                                    \
    } while (0)

TEST(table_well_formed)
{
    CHECK(stk_sig_count > 400);
    for (size_t i = 0; i < stk_sig_count; i++) {
        const struct stk_sig *s = &stk_sig_table[i];
        CHECK(s->syscall && s->syscall[0]);
        CHECK_MSG(s->nargs <= 6, "%s: %u args", s->syscall, (unsigned)s->nargs);
        if (i > 0)
            CHECK_MSG(strcmp(stk_sig_table[i - 1].syscall, s->syscall) < 0, "not sorted at %s",
                      s->syscall);
        CHECK(stk_sig_lookup(s->syscall) == s);
    }
    for (size_t i = 0; i < stk_sig_override_count; i++) {
        const struct stk_sig_override *o = &stk_sig_overrides[i];
        CHECK_MSG(o->abis != 0 && (o->abis >> STK_ABI_COUNT) == 0, "%s: abis 0x%x",
                  o->sig.syscall, (unsigned)o->abis);
        CHECK_MSG(stk_sig_lookup(o->sig.syscall) != NULL, "override of %s without base",
                  o->sig.syscall);
        CHECK(o->sig.nargs <= 6);
        if (i > 0)
            CHECK(strcmp(stk_sig_overrides[i - 1].sig.syscall, o->sig.syscall) <= 0);
        /* No ABI covered twice for one syscall. */
        for (size_t j = 0; j < i; j++)
            if (strcmp(stk_sig_overrides[j].sig.syscall, o->sig.syscall) == 0)
                CHECK_MSG((stk_sig_overrides[j].abis & o->abis) == 0, "%s overridden twice",
                          o->sig.syscall);
    }
}

/* Argument names are unique within a signature, and a name argN is always argument N. */
static void check_names(const struct stk_sig *s)
{
    for (int i = 0; i < s->nargs; i++) {
        const char *n = s->args[i].name;
        CHECK_MSG(n && n[0], "%s: argument %d has no name", s->syscall, i);
        CHECK_MSG(s->args[i].type == STK_ARG_INT || s->args[i].type == STK_ARG_UINT ||
                      s->args[i].type == STK_ARG_LONG || s->args[i].type == STK_ARG_ULONG,
                  "%s: bad type", s->syscall);
        if (strncmp(n, "arg", 3) == 0 && n[3] >= '0' && n[3] <= '9')
            CHECK_MSG(n[3] - '0' == i && n[4] == '\0', "%s: argument %d is called %s",
                      s->syscall, i, n);
        for (int j = 0; j < i; j++)
            CHECK_MSG(strcmp(s->args[j].name, n) != 0, "%s: %s twice", s->syscall, n);
    }
}

TEST(arg_names_consistent)
{
    for (size_t i = 0; i < stk_sig_count; i++)
        check_names(&stk_sig_table[i]);
    for (size_t i = 0; i < stk_sig_override_count; i++)
        check_names(&stk_sig_overrides[i].sig);
}

TEST(lookup)
{
    const struct stk_sig *s = stk_sig_lookup("socket");
    CHECK(s != NULL);
    CHECK_STR(s->syscall, "socket");
    CHECK_INT(s->nargs, 3);
    CHECK(stk_sig_lookup(stk_sig_table[0].syscall) == &stk_sig_table[0]);
    CHECK(stk_sig_lookup(stk_sig_table[stk_sig_count - 1].syscall) ==
          &stk_sig_table[stk_sig_count - 1]);
    CHECK(stk_sig_lookup("no_such_syscall") == NULL);
    CHECK(stk_sig_lookup("") == NULL);
    CHECK(stk_sig_lookup("socke") == NULL);
    CHECK(stk_sig_lookup("socket ") == NULL);
    CHECK(stk_sig_lookup(NULL) == NULL);
    s = stk_sig_lookup("getpid");
    CHECK(s != NULL);
    CHECK_INT(s->nargs, 0);
}

TEST(socket_args)
{
    for (int a = 0; a < STK_ABI_COUNT; a++) {
        CHECK_ARG("socket", a, "domain", 0, STK_ARG_INT);
        CHECK_ARG("socket", a, "type", 1, STK_ARG_INT);
        CHECK_ARG("socket", a, "protocol", 2, STK_ARG_INT);
    }
    CHECK_ARG("socketpair", STK_ABI_X86_64, "sv", 3, STK_ARG_ULONG);
    CHECK_ARG("setsockopt", STK_ABI_X86_64, "sockfd", 0, STK_ARG_INT);
    CHECK_ARG("setsockopt", STK_ABI_X86_64, "level", 1, STK_ARG_INT);
    CHECK_ARG("setsockopt", STK_ABI_X86_64, "optname", 2, STK_ARG_INT);
    CHECK_ARG("setsockopt", STK_ABI_X86_64, "optval", 3, STK_ARG_ULONG);
    CHECK_ARG("setsockopt", STK_ABI_X86_64, "optlen", 4, STK_ARG_INT);
}

TEST(mmap_family)
{
    /* The kernel reads mmap's prot and flags as unsigned long: all 64 bits (its fd: 32). */
    CHECK_ARG("mmap", STK_ABI_X86_64, "addr", 0, STK_ARG_ULONG);
    CHECK_ARG("mmap", STK_ABI_X86_64, "length", 1, STK_ARG_ULONG);
    CHECK_ARG("mmap", STK_ABI_X86_64, "prot", 2, STK_ARG_ULONG);
    CHECK_ARG("mmap", STK_ABI_X86_64, "flags", 3, STK_ARG_ULONG);
    CHECK_ARG("mmap", STK_ABI_X86_64, "fd", 4, STK_ARG_INT); /* fget(unsigned int): low word only */
    CHECK_ARG("mmap", STK_ABI_X86_64, "offset", 5, STK_ARG_ULONG);
    CHECK_INT(stk_arg_width(STK_ARG_ULONG, STK_ABI_X86_64), 64);
    CHECK_ARG("mmap", STK_ABI_AARCH64, "prot", 2, STK_ARG_ULONG);
    CHECK_ARG("mmap", STK_ABI_RISCV64, "prot", 2, STK_ARG_ULONG);
    /* i386's mmap is old_mmap: one pointer to a block seccomp cannot see. */
    CHECK_NOARG("mmap", STK_ABI_I386, "prot");
    CHECK_ARG("mmap", STK_ABI_I386, "args", 0, STK_ARG_ULONG);
    CHECK_ARG("mmap2", STK_ABI_I386, "prot", 2, STK_ARG_ULONG);
    CHECK_ARG("mmap2", STK_ABI_ARM, "pgoffset", 5, STK_ARG_ULONG);
    CHECK_ARG("mprotect", STK_ABI_X86_64, "addr", 0, STK_ARG_ULONG);
    CHECK_ARG("mprotect", STK_ABI_X86_64, "len", 1, STK_ARG_ULONG);
    CHECK_ARG("mprotect", STK_ABI_X86_64, "prot", 2, STK_ARG_ULONG);
    CHECK_ARG("pkey_mprotect", STK_ABI_X86_64, "prot", 2, STK_ARG_ULONG);
    CHECK_ARG("pkey_mprotect", STK_ABI_X86_64, "pkey", 3, STK_ARG_INT);
}

TEST(clone_order)
{
    CHECK_ARG("clone", STK_ABI_X86_64, "flags", 0, STK_ARG_UINT); /* lower_32_bits() */
    CHECK_ARG("clone", STK_ABI_X86_64, "stack", 1, STK_ARG_ULONG);
    CHECK_ARG("clone", STK_ABI_X86_64, "parent_tid", 2, STK_ARG_ULONG);
    CHECK_ARG("clone", STK_ABI_X86_64, "child_tid", 3, STK_ARG_ULONG);
    CHECK_ARG("clone", STK_ABI_X86_64, "tls", 4, STK_ARG_ULONG);
    CHECK_ARG("clone", STK_ABI_X32, "tls", 4, STK_ARG_ULONG);
    static const enum stk_abi backwards[] = {STK_ABI_I386, STK_ABI_ARM, STK_ABI_AARCH64,
                                             STK_ABI_RISCV64};
    for (size_t i = 0; i < sizeof backwards / sizeof backwards[0]; i++) {
        enum stk_abi a = backwards[i];
        CHECK_ARG("clone", a, "flags", 0, STK_ARG_UINT);
        CHECK_ARG("clone", a, "stack", 1, STK_ARG_ULONG);
        CHECK_ARG("clone", a, "parent_tid", 2, STK_ARG_ULONG);
        CHECK_ARG("clone", a, "tls", 3, STK_ARG_ULONG);
        CHECK_ARG("clone", a, "child_tid", 4, STK_ARG_ULONG);
    }
    /* The ABI-aware lookup returns the override, the plain one the base. */
    CHECK(stk_sig_lookup_abi("clone", STK_ABI_X86_64) == stk_sig_lookup("clone"));
    CHECK(stk_sig_lookup_abi("clone", STK_ABI_AARCH64) != stk_sig_lookup("clone"));
    CHECK(stk_sig_lookup_abi("no_such_syscall", STK_ABI_AARCH64) == NULL);
}

TEST(split_64bit_args)
{
    /* A 64-bit offset is one register on 64-bit ABIs... */
    CHECK_ARG("pread64", STK_ABI_X86_64, "offset", 3, STK_ARG_LONG);
    CHECK_ARG("pread64", STK_ABI_AARCH64, "offset", 3, STK_ARG_LONG);
    CHECK_ARG("pread64", STK_ABI_X32, "offset", 3, STK_ARG_LONG);
    /* ...and two halves on i386 and arm (arm EABI aligns the pair). */
    CHECK_NOARG("pread64", STK_ABI_I386, "offset");
    CHECK_ARG("pread64", STK_ABI_I386, "offset_lo", 3, STK_ARG_UINT);
    CHECK_ARG("pread64", STK_ABI_I386, "offset_hi", 4, STK_ARG_UINT);
    CHECK_NOARG("pread64", STK_ABI_ARM, "offset");
    CHECK_ARG("pread64", STK_ABI_ARM, "offset_lo", 4, STK_ARG_UINT);
    CHECK_ARG("pread64", STK_ABI_ARM, "offset_hi", 5, STK_ARG_UINT);
    /* Arguments after a split value move. */
    CHECK_ARG("fadvise64", STK_ABI_X86_64, "advice", 3, STK_ARG_INT);
    CHECK_ARG("fadvise64", STK_ABI_I386, "advice", 4, STK_ARG_INT);
    CHECK_ARG("fanotify_mark", STK_ABI_X86_64, "mask", 2, STK_ARG_ULONG);
    CHECK_ARG("fanotify_mark", STK_ABI_X86_64, "dirfd", 3, STK_ARG_INT);
    CHECK_ARG("fanotify_mark", STK_ABI_I386, "dirfd", 4, STK_ARG_INT);
    CHECK_ARG("fanotify_mark", STK_ABI_ARM, "dirfd", 4, STK_ARG_INT);
    CHECK_NOARG("fanotify_mark", STK_ABI_ARM, "mask");
    CHECK_ARG("sync_file_range", STK_ABI_X86_64, "flags", 3, STK_ARG_UINT);
    CHECK_ARG("sync_file_range", STK_ABI_I386, "flags", 5, STK_ARG_UINT);
    CHECK_ARG("sync_file_range", STK_ABI_AARCH64, "flags", 3, STK_ARG_UINT);
    CHECK_ARG("arm_sync_file_range", STK_ABI_ARM, "flags", 1, STK_ARG_UINT);
    CHECK_ARG("arm_fadvise64_64", STK_ABI_ARM, "advice", 1, STK_ARG_INT);
    CHECK_ARG("fadvise64_64", STK_ABI_I386, "advice", 5, STK_ARG_INT);
    CHECK_ARG("truncate64", STK_ABI_I386, "length_lo", 1, STK_ARG_UINT);
    CHECK_ARG("truncate64", STK_ABI_ARM, "length_lo", 2, STK_ARG_UINT);
    CHECK_ARG("fallocate", STK_ABI_X86_64, "len", 3, STK_ARG_LONG);
    CHECK_ARG("fallocate", STK_ABI_ARM, "len_hi", 5, STK_ARG_UINT);
}

TEST(common_signatures)
{
    CHECK_ARG("ioctl", STK_ABI_X86_64, "fd", 0, STK_ARG_UINT);
    CHECK_ARG("ioctl", STK_ABI_X86_64, "request", 1, STK_ARG_UINT);
    CHECK_ARG("ioctl", STK_ABI_X86_64, "arg", 2, STK_ARG_ULONG);
    CHECK_ARG("openat", STK_ABI_X86_64, "dirfd", 0, STK_ARG_INT);
    CHECK_ARG("openat", STK_ABI_X86_64, "pathname", 1, STK_ARG_ULONG);
    CHECK_ARG("openat", STK_ABI_X86_64, "flags", 2, STK_ARG_INT);
    CHECK_ARG("openat", STK_ABI_X86_64, "mode", 3, STK_ARG_UINT);
    CHECK_ARG("kill", STK_ABI_X86_64, "pid", 0, STK_ARG_INT);
    CHECK_ARG("kill", STK_ABI_X86_64, "sig", 1, STK_ARG_INT);
    CHECK_ARG("personality", STK_ABI_X86_64, "persona", 0, STK_ARG_UINT);
    CHECK_ARG("prctl", STK_ABI_X86_64, "option", 0, STK_ARG_INT);
    CHECK_ARG("prctl", STK_ABI_X86_64, "arg1", 1, STK_ARG_ULONG);
    CHECK_ARG("prctl", STK_ABI_X86_64, "arg4", 4, STK_ARG_ULONG);
    CHECK_ARG("setuid", STK_ABI_X86_64, "uid", 0, STK_ARG_UINT);
    CHECK_ARG("lseek", STK_ABI_X86_64, "offset", 1, STK_ARG_LONG);
    CHECK_ARG("ftruncate", STK_ABI_X86_64, "length", 1, STK_ARG_LONG);
    CHECK_ARG("readv", STK_ABI_X86_64, "fd", 0, STK_ARG_UINT); /* fdget(unsigned int) */
    CHECK_ARG("unshare", STK_ABI_X86_64, "flags", 0, STK_ARG_ULONG);
    CHECK_ARG("execveat", STK_ABI_X86_64, "flags", 4, STK_ARG_INT);
    CHECK_ARG("ptrace", STK_ABI_X86_64, "request", 0, STK_ARG_LONG);
    CHECK_ARG("futex", STK_ABI_X86_64, "futex_op", 1, STK_ARG_INT);
    CHECK_ARG("keyctl", STK_ABI_X86_64, "operation", 0, STK_ARG_INT);
    CHECK_ARG("seccomp", STK_ABI_X86_64, "operation", 0, STK_ARG_UINT);
}

TEST(positional_args)
{
    /* argN works for every syscall, known or not, with the signature's type if it has one. */
    for (size_t i = 0; i < stk_sig_count; i++) {
        const struct stk_sig *s = &stk_sig_table[i];
        for (int a = 0; a < STK_ABI_COUNT; a++) {
            const struct stk_sig *as = stk_sig_lookup_abi(s->syscall, (enum stk_abi)a);
            for (int n = 0; n < 6; n++) {
                char name[16];
                snprintf(name, sizeof name, "arg%d", n);
                enum stk_arg_type want = n < as->nargs ? as->args[n].type : STK_ARG_ULONG;
                CHECK_ARG(s->syscall, a, name, n, want);
            }
        }
    }
    CHECK_ARG("socket", STK_ABI_X86_64, "arg0", 0, STK_ARG_INT);
    CHECK_ARG("socket", STK_ABI_X86_64, "arg5", 5, STK_ARG_ULONG);
    CHECK_ARG("getpid", STK_ABI_X86_64, "arg5", 5, STK_ARG_ULONG);
    CHECK_ARG("no_such_syscall", STK_ABI_X86_64, "arg5", 5, STK_ARG_ULONG);
    CHECK_ARG("no_such_syscall", STK_ABI_I386, "arg0", 0, STK_ARG_ULONG);
    /* Positional names win: prctl's "arg2" is register argument 2. */
    CHECK_ARG("prctl", STK_ABI_X86_64, "arg2", 2, STK_ARG_ULONG);
    CHECK_ARG("clone", STK_ABI_AARCH64, "arg3", 3, STK_ARG_ULONG);
    /* A NULL type pointer is allowed. */
    CHECK_INT(stk_sig_arg("socket", STK_ABI_X86_64, "protocol", NULL), 2);
}

TEST(unknown_args)
{
    CHECK_NOARG("socket", STK_ABI_X86_64, "nosuch");
    CHECK_NOARG("socket", STK_ABI_X86_64, "");
    CHECK_NOARG("socket", STK_ABI_X86_64, "arg6");
    CHECK_NOARG("socket", STK_ABI_X86_64, "arg");
    CHECK_NOARG("socket", STK_ABI_X86_64, "arg01");
    CHECK_NOARG("socket", STK_ABI_X86_64, "arg-1");
    CHECK_NOARG("socket", STK_ABI_X86_64, "Domain");
    CHECK_NOARG("socket", STK_ABI_X86_64, "domain ");
    CHECK_NOARG("getpid", STK_ABI_X86_64, "fd");
    CHECK_NOARG("no_such_syscall", STK_ABI_X86_64, "fd");
    CHECK_NOARG("clone", STK_ABI_X86_64, "newsp");
    CHECK_INT(stk_sig_arg(NULL, STK_ABI_X86_64, "arg0", NULL), -1);
    CHECK_INT(stk_sig_arg("socket", STK_ABI_X86_64, NULL, NULL), -1);
}

TEST(widths)
{
    static const enum stk_arg_type all[] = {STK_ARG_INT, STK_ARG_UINT, STK_ARG_LONG,
                                            STK_ARG_ULONG};
    for (size_t i = 0; i < 4; i++) {
        CHECK_INT(stk_arg_width(all[i], STK_ABI_I386), 32);
        CHECK_INT(stk_arg_width(all[i], STK_ABI_ARM), 32);
    }
    for (int a = 0; a < STK_ABI_COUNT; a++) {
        CHECK_INT(stk_arg_width(STK_ARG_INT, a), 32);
        CHECK_INT(stk_arg_width(STK_ARG_UINT, a), 32);
        unsigned w = stk_abis[a].is_64bit ? 64 : 32;
        CHECK_INT(stk_arg_width(STK_ARG_LONG, a), w);
        CHECK_INT(stk_arg_width(STK_ARG_ULONG, a), w);
    }
    CHECK_INT(stk_arg_width(STK_ARG_LONG, STK_ABI_X86_64), 64);
    CHECK_INT(stk_arg_width(STK_ARG_ULONG, STK_ABI_AARCH64), 64);
    CHECK_INT(stk_arg_width(STK_ARG_ULONG, STK_ABI_RISCV64), 64);
    CHECK_INT(stk_arg_width(STK_ARG_ULONG, STK_ABI_X32), 64);
    CHECK(stk_arg_signed(STK_ARG_INT));
    CHECK(!stk_arg_signed(STK_ARG_UINT));
    CHECK(stk_arg_signed(STK_ARG_LONG));
    CHECK(!stk_arg_signed(STK_ARG_ULONG));
}

/* Arguments the kernel declares as unsigned long / long but truncates to 32
 * bits before use: they must be compared on the low word only, or junk in the
 * high word walks around a deny rule (issue 10, item 8). */
TEST(kernel_truncated_args_are_32_bit)
{
    static const struct {
        const char *sc, *arg;
        enum stk_arg_type type;
    } t[] = {
        {"clone", "flags", STK_ARG_UINT},      /* lower_32_bits(clone_flags) */
        {"ioctl", "request", STK_ARG_UINT},    /* unsigned int cmd */
        {"ioctl", "fd", STK_ARG_UINT},
        {"prctl", "option", STK_ARG_INT},      /* int option */
        {"socket", "type", STK_ARG_INT},
        {"readv", "fd", STK_ARG_UINT},         /* fdget(unsigned int) */
        {"writev", "fd", STK_ARG_UINT},
        {"readv", "iovcnt", STK_ARG_UINT},     /* import_iovec(unsigned nr_segs) */
        {"preadv", "fd", STK_ARG_UINT},
        {"pwritev", "fd", STK_ARG_UINT},
        {"preadv2", "fd", STK_ARG_UINT},
        {"pwritev2", "fd", STK_ARG_UINT},
        {"mmap", "fd", STK_ARG_INT},           /* fget(unsigned int) */
        {"fcntl", "arg", STK_ARG_INT},         /* int argi = (int)arg */
        {"ptrace", "pid", STK_ARG_INT},        /* pid_t */
        {"mbind", "mode", STK_ARG_INT},        /* int lmode = mode */
        {"vmsplice", "nr_segs", STK_ARG_UINT},
        {"process_vm_readv", "liovcnt", STK_ARG_UINT},
        {"process_vm_writev", "liovcnt", STK_ARG_UINT},
        {"process_madvise", "vlen", STK_ARG_UINT},
        {"kcmp", "idx1", STK_ARG_UINT},
    };
    static const enum stk_abi abis[] = {STK_ABI_X86_64, STK_ABI_X32, STK_ABI_AARCH64, STK_ABI_RISCV64};
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        for (size_t a = 0; a < sizeof abis / sizeof abis[0]; a++) {
            enum stk_arg_type ty = STK_ARG_ULONG;
            int n = stk_sig_arg(t[i].sc, abis[a], t[i].arg, &ty);
            CHECK_MSG(n >= 0, "%s has no argument %s", t[i].sc, t[i].arg);
            CHECK_MSG(ty == t[i].type && stk_arg_width(ty, abis[a]) == 32,
                      "%s.%s on %s: the kernel reads 32 bits, the table says type %d", t[i].sc, t[i].arg,
                      stk_abis[abis[a]].name, (int)ty);
        }
    }
    /* ... and ones the kernel reads in full stay 64-bit */
    static const struct {
        const char *sc, *arg;
    } full[] = {{"unshare", "flags"}, {"mmap", "prot"}, {"mount", "mountflags"}, {"ptrace", "request"},
                {"prctl", "arg1"}, {"process_vm_readv", "riovcnt"}};
    for (size_t i = 0; i < sizeof full / sizeof full[0]; i++) {
        enum stk_arg_type ty = STK_ARG_INT;
        CHECK(stk_sig_arg(full[i].sc, STK_ABI_X86_64, full[i].arg, &ty) >= 0);
        CHECK_MSG(stk_arg_width(ty, STK_ABI_X86_64) == 64, "%s.%s must stay 64-bit", full[i].sc, full[i].arg);
    }
}

TEST(names_are_known_syscalls)
{
    for (size_t i = 0; i < stk_sig_count; i++)
        CHECK_MSG(stk_syscall_lookup(stk_sig_table[i].syscall) >= 0,
                  "signature for unknown syscall %s", stk_sig_table[i].syscall);
    /* Overrides only name ABIs that have the syscall. */
    for (size_t i = 0; i < stk_sig_override_count; i++) {
        const struct stk_sig_override *o = &stk_sig_overrides[i];
        int id = stk_syscall_lookup(o->sig.syscall);
        CHECK_MSG(id >= 0, "override for unknown syscall %s", o->sig.syscall);
        for (int a = 0; a < STK_ABI_COUNT; a++)
            if (o->abis & (UINT32_C(1) << a))
                CHECK_MSG(stk_syscall_nr(id, (enum stk_abi)a) >= 0,
                          "override of %s for %s, which lacks it", o->sig.syscall,
                          stk_abis[a].name);
    }
}

static void check_complete(enum stk_abi abi)
{
    size_t seen = 0, missing = 0;
    char list[512] = "";
    for (size_t i = 0; i < stk_syscall_count; i++) {
        const struct stk_syscall *sc = &stk_syscall_table[i];
        if (sc->nr[abi] == STK_NR_NONE)
            continue;
        seen++;
        if (stk_sig_lookup(sc->name))
            continue;
        size_t len = strlen(list);
        if (len + strlen(sc->name) + 2 < sizeof list)
            snprintf(list + len, sizeof list - len, " %s", sc->name);
        missing++;
    }
    CHECK_MSG(missing == 0, "%zu %s syscall(s) without a line in common/data/syscall-args.txt:%s",
              missing, stk_abis[abi].name, list);
    CHECK_MSG(seen > 250, "%s: only %zu syscalls", stk_abis[abi].name, seen);
}

TEST(every_x86_64_syscall_has_signature)
{
    check_complete(STK_ABI_X86_64);
}

TEST(every_syscall_has_signature)
{
    for (int a = 0; a < STK_ABI_COUNT; a++)
        check_complete((enum stk_abi)a);
}

int main(void)
{
    RUN(table_well_formed);
    RUN(arg_names_consistent);
    RUN(lookup);
    RUN(socket_args);
    RUN(mmap_family);
    RUN(clone_order);
    RUN(split_64bit_args);
    RUN(common_signatures);
    RUN(positional_args);
    RUN(unknown_args);
    RUN(widths);
    RUN(kernel_truncated_args_are_32_bit);
    RUN(names_are_known_syscalls);
    RUN(every_x86_64_syscall_has_signature);
    RUN(every_syscall_has_signature);
    return test_summary();
}
