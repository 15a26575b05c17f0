/* gen_syscalls.c — build tool: turn common/data/syscalls.csv into the C
 * syscall table (build/gen/syscall_table.c), checking it against the
 * installed libseccomp on the way.
 *
 *   gen_syscalls common/data/syscalls.csv > build/gen/syscall_table.c
 *
 * CSV format: lines starting with '#' are comments; the first other line is
 * the header "name,x86_64,i386,x32,aarch64,arm,riscv64"; every further line is
 * a syscall name followed by its decimal number on each ABI, or '-' when the
 * ABI lacks it.  Rows are sorted by name (strcmp), names are unique, and x32
 * numbers are written without the 0x40000000 x32 bit.  Any deviation is a
 * fatal error (exit 1, "file:line: message").
 *
 * Merge with libseccomp, "newest wins":
 *   - a name/ABI pair known to libseccomp but missing from the CSV is added
 *     from libseccomp ("gen_syscalls: note:" on stderr);
 *   - when both know a pair and the numbers differ, the CSV (newer) wins and
 *     a "gen_syscalls: warning:" is printed;
 *   - a libseccomp number that the CSV already gives to another name on the
 *     same ABI is not added (warning): each number names one syscall.
 * libseccomp's names are found by asking it for every number in the ranges
 * the kernel uses (see scan_ranges), and each CSV name is resolved directly. */
#include <errno.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "syscalls.h" /* STK_SYSCALL_NAME_MAX */

#define NABI 6
#define X32_BIT 0x40000000u
#define NONE (-1)

struct abi {
    const char *name;
    uint32_t token;
    uint32_t offset;
};

/* Same order as enum stk_abi in syscalls.h and the CSV columns. */
static const struct abi abis[NABI] = {
    {"x86_64", SCMP_ARCH_X86_64, 0},   {"i386", SCMP_ARCH_X86, 0},
    {"x32", SCMP_ARCH_X32, X32_BIT},   {"aarch64", SCMP_ARCH_AARCH64, 0},
    {"arm", SCMP_ARCH_ARM, 0},         {"riscv64", SCMP_ARCH_RISCV64, 0},
};

static const char header[] = "name,x86_64,i386,x32,aarch64,arm,riscv64";

struct entry {
    char *name;
    int32_t nr[NABI];
    bool from_csv;
};

static struct entry *entries;
static size_t nentries, centries;
static const char *csv_path;
static int warnings, notes;

static void die_oom(void)
{
    fputs("gen_syscalls: out of memory\n", stderr);
    exit(1);
}

static void parse_error(unsigned long line, const char *msg, const char *detail)
{
    fprintf(stderr, "%s:%lu: %s%s%s\n", csv_path, line, msg, detail ? ": " : "",
            detail ? detail : "");
    exit(1);
}

static char *dup_str(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (!p)
        die_oom();
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

static struct entry *add_entry(const char *name, size_t len, bool from_csv)
{
    if (nentries == centries) {
        size_t ncap = centries ? centries * 2 : 512;
        if (ncap > SIZE_MAX / sizeof(*entries))
            die_oom();
        struct entry *n = realloc(entries, ncap * sizeof(*entries));
        if (!n)
            die_oom();
        entries = n;
        centries = ncap;
    }
    struct entry *e = &entries[nentries++];
    e->name = dup_str(name, len);
    for (int a = 0; a < NABI; a++)
        e->nr[a] = NONE;
    e->from_csv = from_csv;
    return e;
}

static bool valid_name(const char *s, size_t n)
{
    if (n == 0 || n > 64)
        return false;
    if (!(s[0] == '_' || (s[0] >= 'a' && s[0] <= 'z')))
        return false;
    for (size_t i = 1; i < n; i++) {
        char c = s[i];
        if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
            return false;
    }
    return true;
}

/* Parse one number field: "-" or a decimal number without leading zeros
 * below the x32 bit.  Returns false if malformed. */
static bool parse_nr(const char *s, size_t n, int32_t *out)
{
    if (n == 1 && s[0] == '-') {
        *out = NONE;
        return true;
    }
    if (n == 0 || n > 10 || (n > 1 && s[0] == '0'))
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    if (v >= X32_BIT)
        return false;
    *out = (int32_t)v;
    return true;
}

static void parse_csv(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "gen_syscalls: %s: %s\n", path, strerror(errno));
        exit(1);
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    unsigned long lineno = 0;
    bool seen_header = false;
    errno = 0;
    while ((len = getline(&line, &cap, f)) >= 0) {
        lineno++;
        if (len > 0 && line[len - 1] == '\n')
            line[--len] = '\0';
        if ((size_t)len != strlen(line))
            parse_error(lineno, "NUL byte in line", NULL);
        if (line[0] == '#')
            continue;
        if (!seen_header) {
            if (strcmp(line, header) != 0)
                parse_error(lineno, "expected header line", header);
            seen_header = true;
            continue;
        }
        if (len == 0)
            parse_error(lineno, "empty line", NULL);
        /* Split into exactly 1 + NABI fields. */
        const char *field[1 + NABI];
        size_t flen[1 + NABI];
        size_t nf = 0;
        const char *p = line;
        for (;;) {
            const char *comma = strchr(p, ',');
            size_t l = comma ? (size_t)(comma - p) : strlen(p);
            if (nf == 1 + NABI)
                parse_error(lineno, "too many fields", NULL);
            field[nf] = p;
            flen[nf] = l;
            nf++;
            if (!comma)
                break;
            p = comma + 1;
        }
        if (nf != 1 + NABI)
            parse_error(lineno, "too few fields", NULL);
        if (!valid_name(field[0], flen[0]))
            parse_error(lineno, "invalid syscall name", NULL);
        if (nentries > 0) {
            const char *prev = entries[nentries - 1].name;
            size_t plen = strlen(prev);
            size_t m = plen < flen[0] ? plen : flen[0];
            int c = memcmp(prev, field[0], m);
            if (c == 0)
                c = plen < flen[0] ? -1 : plen > flen[0] ? 1 : 0;
            if (c == 0)
                parse_error(lineno, "duplicate syscall name", prev);
            if (c > 0)
                parse_error(lineno, "rows not sorted by name; previous row is", prev);
        }
        int32_t nr[NABI];
        bool any = false;
        for (int a = 0; a < NABI; a++) {
            if (!parse_nr(field[1 + a], flen[1 + a], &nr[a]))
                parse_error(lineno, "invalid number (expected '-' or a decimal below 0x40000000) for",
                            abis[a].name);
            if (nr[a] != NONE)
                any = true;
        }
        if (!any)
            parse_error(lineno, "syscall exists on no ABI", NULL);
        for (int a = 0; a < NABI; a++) {
            if (nr[a] == NONE)
                continue;
            for (size_t i = 0; i < nentries; i++)
                if (entries[i].nr[a] == nr[a]) {
                    char msg[160];
                    snprintf(msg, sizeof msg, "number %d on %s already used by", (int)nr[a],
                             abis[a].name);
                    parse_error(lineno, msg, entries[i].name);
                }
        }
        struct entry *e = add_entry(field[0], flen[0], true);
        memcpy(e->nr, nr, sizeof nr);
        errno = 0;
    }
    if (ferror(f)) {
        fprintf(stderr, "gen_syscalls: %s: read error: %s\n", path, strerror(errno));
        exit(1);
    }
    free(line);
    if (fclose(f) != 0) {
        fprintf(stderr, "gen_syscalls: %s: %s\n", path, strerror(errno));
        exit(1);
    }
    if (!seen_header)
        parse_error(lineno, "missing header line", header);
    if (nentries == 0)
        parse_error(lineno, "no syscalls", NULL);
}

static struct entry *find_entry(const char *name)
{
    for (size_t i = 0; i < nentries; i++)
        if (strcmp(entries[i].name, name) == 0)
            return &entries[i];
    return NULL;
}

static const char *owner_of(int a, int32_t nr, const struct entry *except)
{
    for (size_t i = 0; i < nentries; i++)
        if (&entries[i] != except && entries[i].nr[a] == nr)
            return entries[i].name;
    return NULL;
}

/* libseccomp's number for name on ABI a without the x32 bit, or NONE when it
 * does not know the syscall there (negative pseudo numbers included). */
static int32_t seccomp_nr(int a, const char *name)
{
    int r = seccomp_syscall_resolve_name_arch(abis[a].token, name);
    if (r < 0)
        return NONE;
    uint32_t u = (uint32_t)r;
    if (abis[a].offset) {
        if (!(u & abis[a].offset))
            return NONE; /* not an x32 number: treat as unknown */
        u -= abis[a].offset;
    }
    return (int32_t)u;
}

/* Merge libseccomp's knowledge of e (all ABIs) into e. */
static void merge_entry(struct entry *e)
{
    for (int a = 0; a < NABI; a++) {
        int32_t lib = seccomp_nr(a, e->name);
        if (lib == NONE || lib == e->nr[a])
            continue;
        if (e->nr[a] != NONE) {
            fprintf(stderr,
                    "gen_syscalls: warning: %s on %s: CSV says %d, libseccomp says %d; "
                    "keeping the CSV number\n",
                    e->name, abis[a].name, (int)e->nr[a], (int)lib);
            warnings++;
            continue;
        }
        const char *other = owner_of(a, lib, e);
        if (other) {
            fprintf(stderr,
                    "gen_syscalls: warning: libseccomp gives %s number %d on %s, which the table "
                    "already assigns to %s; not added\n",
                    e->name, (int)lib, abis[a].name, other);
            warnings++;
            continue;
        }
        fprintf(stderr, "gen_syscalls: note: %s on %s = %d added from libseccomp\n", e->name,
                abis[a].name, (int)lib);
        notes++;
        e->nr[a] = lib;
    }
}

/* Number ranges scanned for names libseccomp knows that the CSV lacks:
 * the ordinary range on every ABI plus ARM's private 0x0f0000 range. */
struct range {
    uint32_t lo, hi; /* inclusive, without the ABI offset */
};
static const struct range scan_ranges[] = {{0, 4095}, {0x0f0000, 0x0f00ff}};

static void scan_libseccomp(void)
{
    for (int a = 0; a < NABI; a++) {
        for (size_t r = 0; r < sizeof scan_ranges / sizeof scan_ranges[0]; r++) {
            for (uint32_t nr = scan_ranges[r].lo; nr <= scan_ranges[r].hi; nr++) {
                char *name = seccomp_syscall_resolve_num_arch(abis[a].token,
                                                              (int)(nr + abis[a].offset));
                if (!name)
                    continue;
                size_t len = strlen(name);
                if (!valid_name(name, len)) {
                    fprintf(stderr, "gen_syscalls: warning: ignoring odd libseccomp name \"%s\"\n",
                            name);
                    warnings++;
                } else if (!find_entry(name)) {
                    fprintf(stderr, "gen_syscalls: note: %s is not in the CSV; added from libseccomp\n",
                            name);
                    notes++;
                    add_entry(name, len, false);
                }
                free(name);
            }
        }
    }
}

static int cmp_entry(const void *a, const void *b)
{
    return strcmp(((const struct entry *)a)->name, ((const struct entry *)b)->name);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fputs("usage: gen_syscalls SYSCALLS.CSV > syscall_table.c\n", stderr);
        return 1;
    }
    csv_path = argv[1];
    parse_csv(csv_path);
    scan_libseccomp();
    for (size_t i = 0; i < nentries; i++)
        merge_entry(&entries[i]);
    /* Entries added from libseccomp may have ended up with no number at all
     * (e.g. a name it knows only as a pseudo syscall on these ABIs): drop them. */
    size_t keep = 0;
    for (size_t i = 0; i < nentries; i++) {
        bool any = false;
        for (int a = 0; a < NABI; a++)
            any |= entries[i].nr[a] != NONE;
        if (any)
            entries[keep++] = entries[i];
        else
            free(entries[i].name);
    }
    nentries = keep;
    qsort(entries, nentries, sizeof *entries, cmp_entry);

    const struct scmp_version *ver = seccomp_version();
    printf("/* Generated by common/tools/gen_syscalls from %s, checked against\n"
           " * libseccomp %u.%u.%u.  Do not edit: change the CSV instead. */\n"
           "#include \"syscalls.h\"\n\n"
           "const struct stk_syscall stk_syscall_table[] = {\n",
           csv_path, ver ? ver->major : 0, ver ? ver->minor : 0, ver ? ver->micro : 0);
    for (size_t i = 0; i < nentries; i++) {
        if (strlen(entries[i].name) >= STK_SYSCALL_NAME_MAX) {
            fprintf(stderr, "gen_syscalls: syscall name %s is longer than %d characters (STK_SYSCALL_NAME_MAX)\n",
                    entries[i].name, STK_SYSCALL_NAME_MAX - 1);
            return 1;
        }
        printf("    {\"%s\", {", entries[i].name);
        for (int a = 0; a < NABI; a++) {
            if (entries[i].nr[a] == NONE)
                printf("%sSTK_NR_NONE", a ? ", " : "");
            else
                printf("%s%d", a ? ", " : "", (int)entries[i].nr[a]);
        }
        printf("}},\n");
    }
    printf("};\n\nconst size_t stk_syscall_count = %zu;\n", nentries);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "gen_syscalls: write error: %s\n", strerror(errno));
        return 1;
    }
    if (warnings || notes)
        fprintf(stderr, "gen_syscalls: %zu syscalls, %d note(s), %d warning(s)\n", nentries, notes,
                warnings);
    for (size_t i = 0; i < nentries; i++)
        free(entries[i].name);
    free(entries);
    return 0;
}
