# stockade — top-level Makefile.  All build output goes under build/.
#   make            build build/stockade (and build/stockade-exec)
#   make check      install missing packages, build, run every test (ASan/UBSan too),
#                   the confined real services of tests/services/ included
#   make check-services  only those (build, then tests/services/*.sh)
#   make check-vm   the real-kernel rig: boot Debian's kernel under QEMU (AppArmor, SELinux)
#                   and run tests/vm/guest/*.sh inside (docs/vm.md)
#   make demo       confine a real command with a shipped policy
#   make fuzz       run the libFuzzer targets (FUZZ_SECONDS each)
#   make bench      benchmarks against peers (bench/)
#   make deps       install the Debian packages the build and tests need
#   make deps-vm    the same for check-vm (qemu, busybox-static, secilc, apparmor, ...)
#   make clang      build everything with clang into build/clang (warning-free check)
#   make install    install under PREFIX (default /usr/local; DESTDIR, BINDIR, MANDIR,
#                   DATADIR, SYSCONFDIR too); make uninstall removes it (dist/install.mk)
# The standard CFLAGS, CPPFLAGS and LDFLAGS are honoured by every compile and
# link of the programs (distribution hardening flags, docs/install.md).

CC       ?= cc
BUILD    ?= build
CFLAGS   ?= -O2 -g
CPPFLAGS ?=
LDFLAGS  ?=
# Installation directories (dist/install.mk).  The policy library directories
# are compiled into stockade (the include search, docs/language.md), so a
# change of PREFIX, DATADIR or SYSCONFDIR rebuilds what uses them.
PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
DATADIR    ?= $(PREFIX)/share
MANDIR     ?= $(DATADIR)/man
SYSCONFDIR ?= $(PREFIX)/etc
POLICYDIR      := $(DATADIR)/stockade/policies
SITEPOLICYDIR  := $(SYSCONFDIR)/stockade/policies
PKGS     := libseccomp libcap json-c libselinux libapparmor yaml-0.1
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
WARN     := -Wall -Wextra -Werror -Wvla -Wformat=2 -Wno-format-nonliteral
# Layers (docs/architecture.md): common/ is seen by everyone; compiler/ and
# enforcer/ each see common/ and themselves only, so that one including the
# other's header fails to compile; cli/ (the stockade program) and the tests
# see all three.  Headers are named from their layer's root ("ir/ir.h").
INC_COMMON    = -Icommon -I$(GEN)
INC_COMPILER  = -Icommon -Icompiler -I$(GEN)
INC_ENFORCER  = -Icommon -Ienforcer
INC_ALL       = -Icommon -Icompiler -Ienforcer -I$(GEN)
STK_CFLAGS = -std=c17 -D_GNU_SOURCE $(WARN) $(LAYER_INC) $(PKG_CFLAGS) -MMD -MP
ASAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
FUZZ_SECONDS ?= 30

GEN      := $(BUILD)/gen
OBJ      := $(BUILD)/obj
AOBJ     := $(BUILD)/asan/obj

# stockade-exec is static: libcap, libselinux (with libpcre2-8) and libapparmor
# as archives (Debian ships them in the -dev packages).
EXEC_STATIC_LIBS := -l:libcap.a -l:libselinux.a -l:libpcre2-8.a -l:libapparmor.a
# How stockade is linked (docs/install.md):
#   LINK=static  (default) a static PIE, every library and glibc included:
#                it starts as fast as stockade-exec (no dynamic loader), and
#                keeps address-space randomisation;
#   LINK=shared  dynamically, against the system's shared libraries, for
#                distributions that want a library update to reach stockade
#                without a rebuild (slower to start: docs/performance.md).
# Either way user and group names the files lack are resolved through the
# host's getent, never through NSS in the process (enforcer/steps/identity.c).
# The ASan builds and the test programs stay dynamic.
# The objects are position-independent either way (-fPIE), so a change of
# LINK only relinks.
LINK ?= static
STOCKADE_CFLAGS := -fPIE
ifeq ($(LINK),static)
STOCKADE_LDMODE := -static-pie
STOCKADE_LIBS   := $(shell pkg-config --static --libs $(PKGS) 2>/dev/null)
else ifeq ($(LINK),shared)
STOCKADE_LDMODE :=
STOCKADE_LIBS   := $(PKG_LIBS)
else
$(error LINK=$(LINK): use LINK=static (the default) or LINK=shared)
endif

# ---- sources ------------------------------------------------------------------
COMMON_SRC   := $(wildcard common/*.c)
COMPILER_SRC := $(wildcard compiler/*.c compiler/*/*.c)
ENFORCER_SRC := $(filter-out enforcer/exec_main.c,$(wildcard enforcer/*.c enforcer/*/*.c))
CLI_SRC      := $(filter-out cli/main.c,$(wildcard cli/*.c))
GEN_SRC      := $(GEN)/parser.c $(GEN)/lexer.c $(GEN)/syscall_table.c $(GEN)/consts_table.c \
                $(GEN)/sigs_table.c $(GEN)/embedded_policies.c
LIB_SRC      := $(COMMON_SRC) $(COMPILER_SRC) $(ENFORCER_SRC) $(CLI_SRC)
# Test-only code (a libseccomp-built peer of our code generator): linked into
# the tests and benchmarks, never into the programs.
TESTLIB_SRC  := $(wildcard tests/unit/lib/*.c)
UNIT_SRC     := $(wildcard tests/unit/test_*.c)
UNIT_NAMES   := $(patsubst tests/unit/%.c,%,$(UNIT_SRC))

LIB_OBJ  := $(patsubst %.c,$(OBJ)/%.o,$(LIB_SRC)) $(patsubst $(GEN)/%.c,$(OBJ)/gen/%.o,$(GEN_SRC))
ALIB_OBJ := $(patsubst %.c,$(AOBJ)/%.o,$(LIB_SRC)) $(patsubst $(GEN)/%.c,$(AOBJ)/gen/%.o,$(GEN_SRC))
ENF_OBJ  := $(patsubst %.c,$(OBJ)/%.o,$(ENFORCER_SRC))
COMMON_OBJ := $(patsubst %.c,$(OBJ)/%.o,$(COMMON_SRC))
TESTLIB_OBJ  := $(patsubst %.c,$(OBJ)/%.o,$(TESTLIB_SRC))
ATESTLIB_OBJ := $(patsubst %.c,$(AOBJ)/%.o,$(TESTLIB_SRC))

UNIT_BINS  := $(addprefix $(BUILD)/tests/,$(UNIT_NAMES))
AUNIT_BINS := $(addprefix $(BUILD)/asan/tests/,$(UNIT_NAMES))
TEST_HELPERS := $(patsubst tests/helpers/%.c,$(BUILD)/tests/helpers/%,$(wildcard tests/helpers/*.c))
# tests/integration/lib.sh holds the helpers the scripts source: not a test.
INTEG_TESTS  := $(sort $(filter-out tests/integration/lib.sh,$(wildcard tests/integration/*.sh)))
# tests/interop/*.sh run real container engines (crun, runc, podman, bwrap);
# tests/interop/lib.sh is their helpers, not a test.
INTEROP_TESTS := $(sort $(filter-out tests/interop/lib.sh,$(wildcard tests/interop/*.sh)))
# tests/services: real services (nginx, memcached, ...) confined by
# policies/services/ and driven by their own clients (lib.sh: the harness).
SERVICE_TESTS := $(sort $(filter-out tests/services/lib.sh,$(wildcard tests/services/*.sh)))

.PHONY: FORCE all check check-services services-check unit-check check-vm vm-check demo fuzz bench deps deps-test deps-bench deps-vm clang clean man
.DELETE_ON_ERROR:
.SECONDARY: $(TESTLIB_OBJ) $(ATESTLIB_OBJ)

all: $(BUILD)/stockade $(if $(wildcard enforcer/exec_main.c),$(BUILD)/stockade-exec)

# ---- generated sources --------------------------------------------------------
$(GEN)/parser.c $(GEN)/parser.h: grammar/parser.y | $(GEN)
	bison -Wall -Werror --defines=$(GEN)/parser.h -o $(GEN)/parser.c $<

$(GEN)/lexer.c $(GEN)/lexer.h: grammar/lexer.l $(GEN)/parser.h | $(GEN)
	flex --header-file=$(GEN)/lexer.h -o $(GEN)/lexer.c $<

$(BUILD)/tools/gen_syscalls: common/tools/gen_syscalls.c | $(BUILD)/tools
	$(CC) $(CPPFLAGS) $(CFLAGS) -std=c17 -D_GNU_SOURCE $(WARN) $(PKG_CFLAGS) -Icommon $(LDFLAGS) -o $@ $< $(PKG_LIBS)

$(GEN)/syscall_table.c: common/data/syscalls.csv $(BUILD)/tools/gen_syscalls | $(GEN)
	$(BUILD)/tools/gen_syscalls common/data/syscalls.csv > $@

$(GEN)/consts_table.c: common/tools/gen_consts.sh common/consts.h | $(GEN)
	CC="$(CC)" sh common/tools/gen_consts.sh > $@

$(GEN)/sigs_table.c: common/data/syscall-args.txt common/tools/gen_sigs.awk | $(GEN)
	awk -f common/tools/gen_sigs.awk common/data/syscall-args.txt > $@

$(BUILD)/tools/embed: common/tools/embed.c | $(BUILD)/tools
	$(CC) $(CPPFLAGS) $(CFLAGS) -std=c17 $(WARN) $(LDFLAGS) -o $@ $<

EMBEDDED_POLICIES := policies/groups.stk policies/default.stk
$(GEN)/embedded_policies.c: $(EMBEDDED_POLICIES) $(BUILD)/tools/embed | $(GEN)
	$(BUILD)/tools/embed $(EMBEDDED_POLICIES) > $@

# The library directories compiled into stockade; rewritten only when they change.
$(GEN)/stk_paths.h: FORCE | $(GEN)
	@printf '/* generated by the Makefile from PREFIX, DATADIR, SYSCONFDIR */\n#define STK_POLICY_DIR "%s"\n#define STK_SITE_POLICY_DIR "%s"\n' \
	  '$(POLICYDIR)' '$(SITEPOLICYDIR)' > $@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv -f $@.tmp $@; fi
$(OBJ)/compiler/front/unit.o $(AOBJ)/compiler/front/unit.o: $(GEN)/stk_paths.h

$(GEN) $(BUILD)/tools:
	mkdir -p $@

# The grammar's objects need the generated headers first.
$(LIB_OBJ) $(ALIB_OBJ): | $(GEN)/parser.h $(GEN)/lexer.h $(GEN)/stk_paths.h

# ---- objects -------------------------------------------------------------------
$(OBJ)/common/%.o $(AOBJ)/common/%.o: LAYER_INC = $(INC_COMMON)
$(OBJ)/compiler/%.o $(AOBJ)/compiler/%.o $(OBJ)/gen/%.o $(AOBJ)/gen/%.o: LAYER_INC = $(INC_COMPILER)
$(OBJ)/enforcer/%.o $(AOBJ)/enforcer/%.o: LAYER_INC = $(INC_ENFORCER)
$(OBJ)/cli/%.o $(AOBJ)/cli/%.o: LAYER_INC = $(INC_ALL)
$(OBJ)/tests/%.o $(AOBJ)/tests/%.o: LAYER_INC = $(INC_ALL) -Itests/unit

$(OBJ)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(STOCKADE_CFLAGS) $(STK_CFLAGS) -c -o $@ $<

$(OBJ)/gen/%.o: $(GEN)/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(STOCKADE_CFLAGS) $(STK_CFLAGS) -Wno-unused-function -Wno-sign-compare -c -o $@ $<

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
# LINK (above) picks static PIE or shared; a change of it relinks.
$(GEN)/link_mode: FORCE | $(GEN)
	@echo '$(LINK) $(STOCKADE_LDMODE) $(STOCKADE_LIBS)' > $@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv -f $@.tmp $@; fi

$(BUILD)/stockade: $(OBJ)/cli/main.o $(BUILD)/libstockade.a $(GEN)/link_mode
	$(CC) $(CFLAGS) $(LDFLAGS) $(STOCKADE_LDMODE) -Wl,-z,relro,-z,now -o $@ $(OBJ)/cli/main.o $(BUILD)/libstockade.a $(STOCKADE_LIBS)

# The enforcer links common/ (the generated syscall and signature tables name
# the calls it reports) as an archive: only the members it uses are linked.
$(BUILD)/libcommon.a: $(COMMON_OBJ) $(OBJ)/gen/syscall_table.o $(OBJ)/gen/sigs_table.o $(OBJ)/gen/consts_table.o
	rm -f $@
	ar rcs $@ $^

$(BUILD)/stockade-exec: $(OBJ)/enforcer/exec_main.o $(ENF_OBJ) $(BUILD)/libcommon.a
	$(CC) $(CFLAGS) $(LDFLAGS) -static -o $@ $^ $(EXEC_STATIC_LIBS)

$(BUILD)/tests/%: LAYER_INC = $(INC_ALL) -Itests/unit -Icli
$(BUILD)/tests/%: tests/unit/%.c $(TESTLIB_OBJ) $(BUILD)/libstockade.a tests/unit/testlib.h
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(STK_CFLAGS) $(LDFLAGS) -o $@ $< $(TESTLIB_OBJ) $(BUILD)/libstockade.a $(PKG_LIBS)

$(BUILD)/asan/tests/%: LAYER_INC = $(INC_ALL) -Itests/unit -Icli
$(BUILD)/asan/tests/%: tests/unit/%.c $(ATESTLIB_OBJ) $(BUILD)/asan/libstockade.a tests/unit/testlib.h
	@mkdir -p $(dir $@)
	$(CC) -O1 -g $(ASAN_FLAGS) $(STK_CFLAGS) -o $@ $< $(ATESTLIB_OBJ) $(BUILD)/asan/libstockade.a $(PKG_LIBS)

$(BUILD)/tests/helpers/%: tests/helpers/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -std=c17 -D_GNU_SOURCE $(WARN) $(LDFLAGS) -o $@ $<

# ---- man pages -------------------------------------------------------------------
MAN_SRC := $(wildcard docs/*.scd)
MAN_OUT := $(patsubst docs/%.scd,$(BUILD)/man/%,$(MAN_SRC))
man: $(MAN_OUT)
# The pages name the library directories of this build (PREFIX, ...).
$(BUILD)/man/%: docs/%.scd $(GEN)/stk_paths.h
	@mkdir -p $(dir $@)
	sed -e 's|@POLICYDIR@|$(POLICYDIR)|g' -e 's|@SITEPOLICYDIR@|$(SITEPOLICYDIR)|g' $< | scdoc > $@

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
	  bash tests/run-tests.sh $(UNIT_BINS) $(AUNIT_BINS) $(INTEG_TESTS) $(INTEROP_TESTS) $(SERVICE_TESTS)

check-services: deps-test
	@$(MAKE) --no-print-directory services-check

services-check: all $(TEST_HELPERS)
	@STK_BUILD=$(BUILD) bash tests/run-tests.sh $(SERVICE_TESTS)

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

include dist/install.mk

# (build/vm holds the guest's file tree, whose *.d are not dependency files.)
-include $(shell find $(BUILD) -path $(BUILD)/vm -prune -o -name '*.d' -type f -print 2>/dev/null)
