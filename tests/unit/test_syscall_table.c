/* test_syscall_table.c — the generated syscall table and its lookups. */
#include "syscalls.h"

#include "testlib.h"

#include <linux/audit.h>
#include <seccomp.h>

static int64_t nr_of(const char *name, enum stk_abi abi)
{
    int id = stk_syscall_lookup(name);
    return id < 0 ? -2 : stk_syscall_nr(id, abi);
}

#define X32(n) ((int64_t)STK_X32_SYSCALL_BIT + (n))

TEST(abi_descriptions)
{
    CHECK_STR(stk_abis[STK_ABI_X86_64].name, "x86_64");
    CHECK_STR(stk_abis[STK_ABI_I386].name, "i386");
    CHECK_STR(stk_abis[STK_ABI_I386].alias, "x86");
    CHECK_STR(stk_abis[STK_ABI_X32].name, "x32");
    CHECK_STR(stk_abis[STK_ABI_AARCH64].name, "aarch64");
    CHECK_STR(stk_abis[STK_ABI_ARM].name, "arm");
    CHECK_STR(stk_abis[STK_ABI_RISCV64].name, "riscv64");
    CHECK_U64(stk_abis[STK_ABI_X86_64].audit_arch, AUDIT_ARCH_X86_64);
    CHECK_U64(stk_abis[STK_ABI_I386].audit_arch, AUDIT_ARCH_I386);
    CHECK_U64(stk_abis[STK_ABI_X32].audit_arch, AUDIT_ARCH_X86_64);
    CHECK_U64(stk_abis[STK_ABI_AARCH64].audit_arch, AUDIT_ARCH_AARCH64);
    CHECK_U64(stk_abis[STK_ABI_ARM].audit_arch, AUDIT_ARCH_ARM);
    CHECK_U64(stk_abis[STK_ABI_RISCV64].audit_arch, AUDIT_ARCH_RISCV64);
    CHECK_U64(stk_abis[STK_ABI_X32].nr_offset, 0x40000000u);
    for (int a = 0; a < STK_ABI_COUNT; a++) {
        if (a != STK_ABI_X32)
            CHECK_U64(stk_abis[a].nr_offset, 0);
        CHECK_U64((uint32_t)stk_abis[a].libseccomp_arch,
                  seccomp_arch_resolve_name(stk_abis[a].alias ? stk_abis[a].alias
                                                              : stk_abis[a].name));
    }
    CHECK(stk_abis[STK_ABI_X86_64].is_64bit);
    CHECK(!stk_abis[STK_ABI_I386].is_64bit);
    CHECK(stk_abis[STK_ABI_X32].is_64bit);
    CHECK(stk_abis[STK_ABI_AARCH64].is_64bit);
    CHECK(!stk_abis[STK_ABI_ARM].is_64bit);
    CHECK(stk_abis[STK_ABI_RISCV64].is_64bit);
}

TEST(abi_names)
{
    CHECK_INT(stk_abi_by_name("x86_64"), STK_ABI_X86_64);
    CHECK_INT(stk_abi_by_name("i386"), STK_ABI_I386);
    CHECK_INT(stk_abi_by_name("x86"), STK_ABI_I386);
    CHECK_INT(stk_abi_by_name("x32"), STK_ABI_X32);
    CHECK_INT(stk_abi_by_name("aarch64"), STK_ABI_AARCH64);
    CHECK_INT(stk_abi_by_name("arm"), STK_ABI_ARM);
    CHECK_INT(stk_abi_by_name("riscv64"), STK_ABI_RISCV64);
    CHECK_INT(stk_abi_by_name("native"), stk_native_abi());
    CHECK_INT(stk_abi_by_name("mips"), -1);
    CHECK_INT(stk_abi_by_name(""), -1);
    CHECK_INT(stk_abi_by_name("X86_64"), -1);
    CHECK_INT(stk_abi_by_name(NULL), -1);
    /* The native ABI is the one libseccomp considers native. */
    CHECK_U64((uint32_t)stk_abis[stk_native_abi()].libseccomp_arch, seccomp_arch_native());
}

TEST(known_numbers)
{
    CHECK_INT(nr_of("read", STK_ABI_X86_64), 0);
    CHECK_INT(nr_of("write", STK_ABI_X86_64), 1);
    CHECK_INT(nr_of("openat", STK_ABI_X86_64), 257);
    CHECK_INT(nr_of("read", STK_ABI_I386), 3);
    CHECK_INT(nr_of("write", STK_ABI_I386), 4);
    CHECK_INT(nr_of("openat", STK_ABI_I386), 295);
    CHECK_INT(nr_of("read", STK_ABI_X32), X32(0));
    CHECK_INT(nr_of("write", STK_ABI_X32), X32(1));
    CHECK_INT(nr_of("openat", STK_ABI_X32), X32(257));
    CHECK_INT(nr_of("ioctl", STK_ABI_X32), X32(514)); /* x32's own compat entry */
    CHECK_INT(nr_of("read", STK_ABI_AARCH64), 63);
    CHECK_INT(nr_of("write", STK_ABI_AARCH64), 64);
    CHECK_INT(nr_of("openat", STK_ABI_AARCH64), 56);
    CHECK_INT(nr_of("read", STK_ABI_ARM), 3);
    CHECK_INT(nr_of("openat", STK_ABI_ARM), 322);
    CHECK_INT(nr_of("read", STK_ABI_RISCV64), 63);
    CHECK_INT(nr_of("openat", STK_ABI_RISCV64), 56);
    /* open does not exist on the generic-table ABIs. */
    CHECK_INT(nr_of("open", STK_ABI_X86_64), 2);
    CHECK_INT(nr_of("open", STK_ABI_AARCH64), -1);
    CHECK_INT(nr_of("open", STK_ABI_RISCV64), -1);
    /* Newer than Debian 12's libseccomp 2.5.4. */
    CHECK_INT(nr_of("statmount", STK_ABI_X86_64), 457);
    CHECK_INT(nr_of("listmount", STK_ABI_X86_64), 458);
    CHECK_INT(nr_of("mseal", STK_ABI_X86_64), 462);
    CHECK_INT(nr_of("mseal", STK_ABI_AARCH64), 462);
    CHECK_INT(nr_of("mseal", STK_ABI_X32), X32(462));
    /* ARM private syscalls. */
    CHECK_INT(nr_of("set_tls", STK_ABI_ARM), 0x0f0005);
    CHECK_INT(nr_of("set_tls", STK_ABI_X86_64), -1);
}

TEST(lookup_edges)
{
    CHECK_INT(stk_syscall_lookup("no_such_syscall"), -1);
    CHECK_INT(stk_syscall_lookup(""), -1);
    CHECK_INT(stk_syscall_lookup(NULL), -1);
    CHECK_INT(stk_syscall_lookup("READ"), -1);
    CHECK_INT(stk_syscall_nr(-1, STK_ABI_X86_64), -1);
    CHECK_INT(stk_syscall_nr((int)stk_syscall_count, STK_ABI_X86_64), -1);
    CHECK_INT(stk_syscall_nr(0, STK_ABI_COUNT), -1);
    CHECK(stk_syscall_name_by_nr(STK_ABI_COUNT, 0) == NULL);
    CHECK_INT(stk_syscall_max_nr(STK_ABI_COUNT), -1);
}

TEST(table_sorted_and_lookup_all)
{
    CHECK(stk_syscall_count > 400);
    for (size_t i = 0; i < stk_syscall_count; i++) {
        const struct stk_syscall *s = &stk_syscall_table[i];
        if (i > 0)
            CHECK_MSG(strcmp(stk_syscall_table[i - 1].name, s->name) < 0, "not sorted at %s",
                      s->name);
        CHECK_INT(stk_syscall_lookup(s->name), (int)i);
        int present = 0;
        for (int a = 0; a < STK_ABI_COUNT; a++) {
            CHECK(s->nr[a] >= STK_NR_NONE);
            CHECK(s->nr[a] < (int32_t)STK_X32_SYSCALL_BIT);
            present += s->nr[a] != STK_NR_NONE;
        }
        CHECK_MSG(present > 0, "%s exists on no ABI", s->name);
    }
}

/* Places where our table deliberately differs from libseccomp 2.5.4: none so
 * far.  Add {"name", abi} pairs here with a comment saying why. */
static const struct {
    const char *name;
    enum stk_abi abi;
} known_differences[] = {{NULL, STK_ABI_COUNT}};

static int is_known_difference(const char *name, int abi)
{
    for (size_t i = 0; known_differences[i].name; i++)
        if (strcmp(known_differences[i].name, name) == 0 && (int)known_differences[i].abi == abi)
            return 1;
    return 0;
}

TEST(agrees_with_libseccomp)
{
    for (size_t i = 0; i < stk_syscall_count; i++) {
        const char *name = stk_syscall_table[i].name;
        for (int a = 0; a < STK_ABI_COUNT; a++) {
            int r = seccomp_syscall_resolve_name_arch((uint32_t)stk_abis[a].libseccomp_arch, name);
            if (r < 0 || is_known_difference(name, a))
                continue; /* libseccomp does not know it there */
            CHECK_MSG(stk_syscall_nr((int)i, (enum stk_abi)a) == r,
                      "%s on %s: table %lld, libseccomp %d", name, stk_abis[a].name,
                      (long long)stk_syscall_nr((int)i, (enum stk_abi)a), r);
        }
    }
    /* Everything libseccomp can name is in the table (newest wins). */
    static const uint32_t ranges[][2] = {{0, 1023}, {0x0f0000, 0x0f00ff}};
    for (int a = 0; a < STK_ABI_COUNT; a++)
        for (size_t r = 0; r < sizeof ranges / sizeof ranges[0]; r++)
            for (uint32_t nr = ranges[r][0]; nr <= ranges[r][1]; nr++) {
                uint32_t seen = nr + stk_abis[a].nr_offset;
                char *name = seccomp_syscall_resolve_num_arch(
                    (uint32_t)stk_abis[a].libseccomp_arch, (int)seen);
                if (!name)
                    continue;
                int known = is_known_difference(name, a);
                const char *ours = stk_syscall_name_by_nr((enum stk_abi)a, seen);
                int ok = known || (ours && strcmp(ours, name) == 0);
                if (!ok) {
                    char msg[200];
                    snprintf(msg, sizeof msg, "%s %u: libseccomp %s, table %s", stk_abis[a].name,
                             nr, name, ours ? ours : "(none)");
                    free(name);
                    CHECK_MSG(0, "%s", msg);
                }
                free(name);
            }
}

TEST(name_by_nr_round_trip)
{
    for (int a = 0; a < STK_ABI_COUNT; a++) {
        size_t present = 0;
        for (size_t i = 0; i < stk_syscall_count; i++) {
            int64_t nr = stk_syscall_nr((int)i, (enum stk_abi)a);
            if (nr < 0)
                continue;
            present++;
            CHECK_MSG(stk_syscall_name_by_nr((enum stk_abi)a, (uint32_t)nr) ==
                          stk_syscall_table[i].name,
                      "%s on %s (%lld)", stk_syscall_table[i].name, stk_abis[a].name,
                      (long long)nr);
            CHECK(stk_syscall_table[i].nr[a] <= stk_syscall_max_nr((enum stk_abi)a));
        }
        CHECK(present > 250);
    }
    CHECK_STR(stk_syscall_name_by_nr(STK_ABI_X86_64, 0), "read");
    CHECK_STR(stk_syscall_name_by_nr(STK_ABI_AARCH64, 56), "openat");
    CHECK_STR(stk_syscall_name_by_nr(STK_ABI_X32, STK_X32_SYSCALL_BIT + 1), "write");
    /* x32 numbers need the x32 bit, and x86_64 numbers must not have it. */
    CHECK(stk_syscall_name_by_nr(STK_ABI_X32, 1) == NULL);
    CHECK(stk_syscall_name_by_nr(STK_ABI_X86_64, STK_X32_SYSCALL_BIT + 1) == NULL);
    CHECK(stk_syscall_name_by_nr(STK_ABI_X86_64, 100000) == NULL);
    CHECK(stk_syscall_name_by_nr(STK_ABI_X86_64, 0xffffffffu) == NULL);
    CHECK(stk_syscall_name_by_nr(STK_ABI_X32, 0xffffffffu) == NULL);
}

TEST(max_nr)
{
    CHECK(stk_syscall_max_nr(STK_ABI_X86_64) >= 462);
    CHECK(stk_syscall_max_nr(STK_ABI_AARCH64) >= 462);
    CHECK(stk_syscall_max_nr(STK_ABI_X32) >= 512); /* the x32 compat range */
    CHECK(stk_syscall_max_nr(STK_ABI_ARM) >= 0x0f0000); /* ARM private syscalls count */
    for (int a = 0; a < STK_ABI_COUNT; a++) {
        int32_t max = stk_syscall_max_nr((enum stk_abi)a);
        CHECK(stk_syscall_name_by_nr((enum stk_abi)a, (uint32_t)max + stk_abis[a].nr_offset) !=
              NULL);
    }
}

TEST(suggest)
{
    CHECK_STR(stk_syscall_suggest("wirte"), "write");
    CHECK_STR(stk_syscall_suggest("opnat"), "openat");
    CHECK_STR(stk_syscall_suggest("READ"), "read");
    CHECK_STR(stk_syscall_suggest("mseall"), "mseal");
    CHECK(stk_syscall_suggest("completely_unrelated_name") == NULL);
    CHECK(stk_syscall_suggest("") == NULL);
    CHECK(stk_syscall_suggest(NULL) == NULL);
}

int main(void)
{
    RUN(abi_descriptions);
    RUN(abi_names);
    RUN(known_numbers);
    RUN(lookup_edges);
    RUN(table_sorted_and_lookup_all);
    RUN(agrees_with_libseccomp);
    RUN(name_by_nr_round_trip);
    RUN(max_nr);
    RUN(suggest);
    return test_summary();
}
