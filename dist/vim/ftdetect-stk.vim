" Vim filetype detection for stockade policies (*.stk).  Installed by
" `make install` as $(VIMDIR)/ftdetect/stk.vim.
autocmd BufRead,BufNewFile *.stk setfiletype stk
