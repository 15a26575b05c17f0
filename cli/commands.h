/* commands.h — the stockade sub-commands; main.c dispatches to these.
 * Each returns the process exit status.  argv[0] is the sub-command name. */
#ifndef STK_COMMANDS_H
#define STK_COMMANDS_H

int stk_cmd_check(int argc, char **argv);
int stk_cmd_compile(int argc, char **argv);
int stk_cmd_sim(int argc, char **argv);
int stk_cmd_explain(int argc, char **argv);
int stk_cmd_show_default(int argc, char **argv);
int stk_cmd_run(int argc, char **argv);
int stk_cmd_inspect(int argc, char **argv);
int stk_cmd_test(int argc, char **argv); /* cmd_test.c */
int stk_cmd_score(int argc, char **argv);
int stk_cmd_diff(int argc, char **argv);
int stk_cmd_fmt(int argc, char **argv);
int stk_cmd_learn(int argc, char **argv); /* cmd_learn.c */
int stk_cmd_import(int argc, char **argv); /* cmd_import.c */

#endif
