# stockade — top-level Makefile.  All build output goes under build/.
#   make            build build/stockade (and build/stockade-exec)
#   make check      install missing packages, build, run every test (ASan/UBSan too)
#   make check-vm   the real-kernel rig: boot Debian's kernel under QEMU (AppArmor, SELinux)
#                   and run tests/vm/guest/*.sh inside (docs/vm.md)
#   make demo       confine a real command with a shipped policy
#   make fuzz       run the libFuzzer targets (FUZZ_SECONDS each)
#   make bench      benchmarks against peers (bench/)
#   make deps       install the Debian packages the build and tests need
#   make deps-vm    the same for check-vm (qemu, busybox-static, secilc, apparmor, ...)
#   make clang      build everything with clang into build/clang (warning-free check)

CC       ?= cc
BUILD    ?= build
CFLAGS   ?= -O2 -g
PKGS     := libseccomp libcap json-c libselinux libapparmor
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
WARN     := -Wall -Wextra -Werror -Wvla -Wformat=2 -Wno-format-nonliteral
STK_CFLAGS = -std=c17 -D_GNU_SOURCE $(WARN) -Icompiler -Ienforcer -I$(GEN) $(PKG_CFLAGS) -MMD -MP
ASAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
FUZZ_SECONDS ?= 30

GEN      := $(BUILD)/gen
OBJ      := $(BUILD)/obj
AOBJ     := $(BUILD)/asan/obj

# stockade-exec is static: libcap, libselinux (with libpcre2-8) and libapparmor
# as archives (Debian ships them in the -dev packages).
EXEC_STATIC_LIBS := -l:libcap.a -l:libselinux.a -l:libpcre2-8.a -l:libapparmor.a

# ---- sources ------------------------------------------------------------------
COMPILER_SRC := $(filter-out compiler/main.c,$(wildcard compiler/*.c))
ENFORCER_SRC := $(filter-out enforcer/exec_main.c,$(wildcard enforcer/*.c))
GEN_SRC      := $(GEN)/parser.c $(GEN)/lexer.c $(GEN)/syscall_table.c $(GEN)/consts_table.c \
                $(GEN)/sigs_table.c $(GEN)/embedded_policies.c
LIB_SRC      := $(COMPILER_SRC) $(ENFORCER_SRC)
UNIT_SRC     := $(wildcard tests/unit/test_*.c)
UNIT_NAMES   := $(patsubst tests/unit/%.c,%,$(UNIT_SRC))

LIB_OBJ  := $(patsubst %.c,$(OBJ)/%.o,$(LIB_SRC)) $(patsubst $(GEN)/%.c,$(OBJ)/gen/%.o,$(GEN_SRC))
ALIB_OBJ := $(patsubst %.c,$(AOBJ)/%.o,$(LIB_SRC)) $(patsubst $(GEN)/%.c,$(AOBJ)/gen/%.o,$(GEN_SRC))
ENF_OBJ  := $(patsubst %.c,$(OBJ)/%.o,$(ENFORCER_SRC))

UNIT_BINS  := $(addprefix $(BUILD)/tests/,$(UNIT_NAMES))
AUNIT_BINS := $(addprefix $(BUILD)/asan/tests/,$(UNIT_NAMES))
TEST_HELPERS := $(patsubst tests/helpers/%.c,$(BUILD)/tests/helpers/%,$(wildcard tests/helpers/*.c))
INTEG_TESTS  := $(sort $(wildcard tests/integration/*.sh))

.PHONY: all check unit-check check-vm vm-check demo fuzz bench deps deps-test deps-bench deps-vm clang clean man
.DELETE_ON_ERROR:

all: $(BUILD)/stockade $(if $(wildcard enforcer/exec_main.c),$(BUILD)/stockade-exec)

# ---- generated sources --------------------------------------------------------
$(GEN)/parser.c $(GEN)/parser.h: grammar/parser.y | $(GEN)
	bison -Wall -Werror --defines=$(GEN)/parser.h -o $(GEN)/parser.c $<

$(GEN)/lexer.c $(GEN)/lexer.h: grammar/lexer.l $(GEN)/parser.h | $(GEN)
	flex --header-file=$(GEN)/lexer.h -o $(GEN)/lexer.c $<

$(BUILD)/tools/gen_syscalls: compiler/tools/gen_syscalls.c | $(BUILD)/tools
	$(CC) $(CFLAGS) -std=c17 -D_GNU_SOURCE $(WARN) $(PKG_CFLAGS) -Icompiler -o $@ $< $(PKG_LIBS)

$(GEN)/syscall_table.c: compiler/data/syscalls.csv $(BUILD)/tools/gen_syscalls | $(GEN)
	$(BUILD)/tools/gen_syscalls compiler/data/syscalls.csv > $@

$(GEN)/consts_table.c: compiler/tools/gen_consts.sh compiler/consts.h | $(GEN)
	CC="$(CC)" sh compiler/tools/gen_consts.sh > $@

$(GEN)/sigs_table.c: compiler/data/syscall-args.txt compiler/tools/gen_sigs.awk | $(GEN)
	awk -f compiler/tools/gen_sigs.awk compiler/data/syscall-args.txt > $@

$(BUILD)/tools/embed: compiler/tools/embed.c | $(BUILD)/tools
	$(CC) $(CFLAGS) -std=c17 $(WARN) -o $@ $<

EMBEDDED_POLICIES := policies/groups.stk policies/default.stk
$(GEN)/embedded_policies.c: $(EMBEDDED_POLICIES) $(BUILD)/tools/embed | $(GEN)
	$(BUILD)/tools/embed $(EMBEDDED_POLICIES) > $@

$(GEN) $(BUILD)/tools:
	mkdir -p $@

# The grammar's objects need the generated headers first.
$(LIB_OBJ) $(ALIB_OBJ): | $(GEN)/parser.h $(GEN)/lexer.h

# ---- objects -------------------------------------------------------------------
$(OBJ)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(STK_CFLAGS) -c -o $@ $<

$(OBJ)/gen/%.o: $(GEN)/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(STK_CFLAGS) -Wno-unused-function -Wno-sign-compare -c -o $@ $<

$(AOBJ)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) -O1 -g $(ASAN_FLAGS) $(STK_CFLAGS) -c -o $@ $<

$(AOBJ)/gen/%.o: $(GEN)/%.c
	@mkdir -p $(dir $@)
	$(CC) -O1 -g $(ASAN_FLAGS) $(STK_CFLAGS) -Wno-unused-function -Wno-sign-compare -c -o $@ $<

$(BUILD)/libstockade.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/asan/libstockade.a: $(ALIB_OBJ)
	rm -f $@
	ar rcs $@ $^

# ---- programs --------------------------------------------------------------------
# Full RELRO with eager binding: the GOT is read-only, and no symbol is
# resolved (with a copy-on-write fault) in each process the enforcer forks.
$(BUILD)/stockade: $(OBJ)/compiler/main.o $(BUILD)/libstockade.a
	$(CC) $(CFLAGS) -Wl,-z,relro,-z,now -o $@ $^ $(PKG_LIBS)

# The enforcer shares the compiler's generated syscall and signature tables
# (pure data) to name the calls it reports (enforcer/report_fmt.c).
ENF_GEN_OBJ := $(OBJ)/gen/syscall_table.o $(OBJ)/gen/sigs_table.o
$(BUILD)/stockade-exec: $(OBJ)/enforcer/exec_main.o $(ENF_OBJ) $(ENF_GEN_OBJ)
	$(CC) $(CFLAGS) -static -o $@ $^ $(EXEC_STATIC_LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libstockade.a tests/unit/testlib.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(STK_CFLAGS) -Itests/unit -o $@ $< $(BUILD)/libstockade.a $(PKG_LIBS)

$(BUILD)/asan/tests/%: tests/unit/%.c $(BUILD)/asan/libstockade.a tests/unit/testlib.h
	@mkdir -p $(dir $@)
	$(CC) -O1 -g $(ASAN_FLAGS) $(STK_CFLAGS) -Itests/unit -o $@ $< $(BUILD)/asan/libstockade.a $(PKG_LIBS)

$(BUILD)/tests/helpers/%: tests/helpers/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -std=c17 -D_GNU_SOURCE $(WARN) -o $@ $<

# ---- man pages -------------------------------------------------------------------
MAN_SRC := $(wildcard docs/*.scd)
MAN_OUT := $(patsubst docs/%.scd,$(BUILD)/man/%,$(MAN_SRC))
man: $(MAN_OUT)
$(BUILD)/man/%: docs/%.scd
	@mkdir -p $(dir $@)
	scdoc < $< > $@

# ---- dependencies, tests, demo -------------------------------------------------------
deps:
	@sh tools/deps.sh build
deps-test:
	@sh tools/deps.sh test
deps-bench:
	@sh tools/deps.sh bench
deps-vm:
	@sh tools/deps.sh vm

# Sub-make so that pkg-config is asked again after deps installed the libraries.
check: deps-test
	@$(MAKE) --no-print-directory unit-check

unit-check: all $(UNIT_BINS) $(AUNIT_BINS) $(TEST_HELPERS) man
	@STK_BUILD=$(BUILD) STK_CC_CLANG=clang FUZZ_SECONDS=$(FUZZ_SECONDS) \
	  bash tests/run-tests.sh $(UNIT_BINS) $(AUNIT_BINS) $(INTEG_TESTS)

# ---- the real-kernel rig (tests/vm/, docs/vm.md) ------------------------------------
# The guest also runs the unit tests that exercise the running kernel
# (listed in tests/vm/unit-programs.txt).
VM_UNIT_BINS := $(filter $(addprefix $(BUILD)/tests/,$(shell sed 's/\#.*//' tests/vm/unit-programs.txt)),$(UNIT_BINS))
VM_HELPER    := $(BUILD)/vm/stk-vm-helper

$(VM_HELPER): tests/vm/helper/stk-vm-helper.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -std=c17 -D_GNU_SOURCE $(WARN) -static -o $@ $<

check-vm: deps-vm
	@$(MAKE) --no-print-directory vm-check

vm-check: all $(TEST_HELPERS) $(VM_UNIT_BINS) $(VM_HELPER)
	@STK_BUILD=$(BUILD) bash tests/vm/run-vm.sh

demo: deps
	@$(MAKE) --no-print-directory all
	@bash tests/demo.sh

fuzz: deps-test
	@bash tests/fuzz/run-fuzz.sh $(FUZZ_SECONDS)

bench: deps-bench
	@$(MAKE) --no-print-directory all
	@bash bench/run.sh

clang:
	@$(MAKE) --no-print-directory CC=clang BUILD=$(BUILD)/clang all

clean:
	rm -rf $(BUILD)

# (build/vm holds the guest's file tree, whose *.d are not dependency files.)
-include $(shell find $(BUILD) -path $(BUILD)/vm -prune -o -name '*.d' -type f -print 2>/dev/null)
