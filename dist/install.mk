# install.mk — make install / make uninstall (included by the Makefile, which
# defines PREFIX, BINDIR, DATADIR, MANDIR, SYSCONFDIR and POLICYDIR).
# Where every file goes: docs/install.md.  DESTDIR is prepended to every path
# written (staged installs, packages); the directories compiled into stockade
# are the ones without it.

INSTALL    ?= install
BASHCOMPDIR ?= $(DATADIR)/bash-completion/completions
ZSHCOMPDIR  ?= $(DATADIR)/zsh/site-functions
VIMDIR      ?= $(DATADIR)/vim/vimfiles

# The syscall names the completion and the vim syntax offer: the table stockade
# itself is built from (common/data/syscalls.csv, first column).
DIST := $(BUILD)/dist
$(DIST)/syscalls.txt: common/data/syscalls.csv
	@mkdir -p $(dir $@)
	awk -F, '!/^#/ && $$1 != "name" && $$1 != "" { print $$1 }' $< | LC_ALL=C sort -u > $@
$(DIST)/%: dist/%.in $(DIST)/syscalls.txt
	@mkdir -p $(dir $@)
	awk -v list="$$(tr '\n' ' ' < $(DIST)/syscalls.txt)" '{ gsub(/@SYSCALLS@/, list) } 1' $< > $@

DIST_OUT := $(DIST)/completion/stockade.bash $(DIST)/completion/_stockade $(DIST)/vim/stk.vim
dist-files: $(DIST_OUT)

# policies/: groups.stk, default.stk and their tests (*.test.stk), examples/,
# services/ (the ready policies for real services, with their tests).
POLICY_FILES  := $(wildcard policies/*.stk)
EXAMPLE_FILES := $(wildcard policies/examples/*.stk)
SERVICE_FILES := $(wildcard policies/services/*.stk)
MAN1 := $(filter %.1,$(MAN_OUT))
MAN5 := $(filter %.5,$(MAN_OUT))

# Every file installed, as DESTDIR-less paths (uninstall removes exactly these).
INSTALLED := $(BINDIR)/stockade $(BINDIR)/stockade-exec \
	$(addprefix $(MANDIR)/man1/,$(notdir $(MAN1))) $(addprefix $(MANDIR)/man5/,$(notdir $(MAN5))) \
	$(addprefix $(POLICYDIR)/,$(notdir $(POLICY_FILES))) \
	$(addprefix $(POLICYDIR)/examples/,$(notdir $(EXAMPLE_FILES))) \
	$(addprefix $(POLICYDIR)/services/,$(notdir $(SERVICE_FILES))) \
	$(BASHCOMPDIR)/stockade $(ZSHCOMPDIR)/_stockade \
	$(VIMDIR)/syntax/stk.vim $(VIMDIR)/ftdetect/stk.vim $(VIMDIR)/ftplugin/stk.vim

.PHONY: install uninstall install-list dist-files
install: all man dist-files
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
	  $(DESTDIR)$(POLICYDIR)/examples $(DESTDIR)$(POLICYDIR)/services $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) \
	  $(DESTDIR)$(VIMDIR)/syntax $(DESTDIR)$(VIMDIR)/ftdetect $(DESTDIR)$(VIMDIR)/ftplugin
	$(INSTALL) -m 755 $(BUILD)/stockade $(BUILD)/stockade-exec $(DESTDIR)$(BINDIR)/
	$(INSTALL) -m 644 $(MAN1) $(DESTDIR)$(MANDIR)/man1/
	$(INSTALL) -m 644 $(MAN5) $(DESTDIR)$(MANDIR)/man5/
	$(INSTALL) -m 644 $(POLICY_FILES) $(DESTDIR)$(POLICYDIR)/
	$(INSTALL) -m 644 $(EXAMPLE_FILES) $(DESTDIR)$(POLICYDIR)/examples/
	$(INSTALL) -m 644 $(SERVICE_FILES) $(DESTDIR)$(POLICYDIR)/services/
	$(INSTALL) -m 644 $(DIST)/completion/stockade.bash $(DESTDIR)$(BASHCOMPDIR)/stockade
	$(INSTALL) -m 644 $(DIST)/completion/_stockade $(DESTDIR)$(ZSHCOMPDIR)/_stockade
	$(INSTALL) -m 644 $(DIST)/vim/stk.vim $(DESTDIR)$(VIMDIR)/syntax/stk.vim
	$(INSTALL) -m 644 dist/vim/ftdetect-stk.vim $(DESTDIR)$(VIMDIR)/ftdetect/stk.vim
	$(INSTALL) -m 644 dist/vim/ftplugin-stk.vim $(DESTDIR)$(VIMDIR)/ftplugin/stk.vim

# The stockade-owned directories go too; shared ones (bin, man1, ...) stay.
uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	rmdir $(DESTDIR)$(POLICYDIR)/examples $(DESTDIR)$(POLICYDIR)/services $(DESTDIR)$(POLICYDIR) $(DESTDIR)$(DATADIR)/stockade 2>/dev/null || true

# The list of installed files, one a line (tests/integration/install.sh).
install-list:
	@printf '%s\n' $(INSTALLED)
