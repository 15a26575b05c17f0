" Vim filetype settings for stockade policies (*.stk).  Installed by
" `make install` as $(VIMDIR)/ftplugin/stk.vim.
if exists("b:did_ftplugin")
  finish
endif
let b:did_ftplugin = 1

setlocal comments=:# commentstring=#\ %s
setlocal expandtab shiftwidth=4 softtabstop=4
" Names can contain '-' (kill-process, @system-service, www-data).
setlocal iskeyword+=-
" CTRL-X CTRL-O completes the syntax's words: keywords, actions, capability
" and syscall names.
setlocal omnifunc=syntaxcomplete#Complete

let b:undo_ftplugin = "setlocal comments< commentstring< expandtab< shiftwidth< softtabstop< iskeyword< omnifunc<"
