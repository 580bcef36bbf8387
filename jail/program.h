/*
 * program.h - what the jail runs: the program's code (run), the argv that
 * starts the runner, and the clean environment. Errors in the caller's
 * input are usage errors (exit 2); the launcher's own conditions (no
 * python3, out of descriptors or memory) are setup errors (die).
 */
#ifndef ACTJAIL_PROGRAM_H
#define ACTJAIL_PROGRAM_H

#include <stddef.h>

#include "jail/config.h"

/* run: the code from file ("-" or NULL: stdin), valid UTF-8, within the
 * bridge's message limit, into cfg->code. */
void program_read_code(struct config *cfg, const char *file);
/* run: cfg->argv = python3 -I -S -c <the runner's bootstrap>. */
void program_runner_argv(struct config *cfg);
/* cfg->envp: the fixed base, the policy's variables, then extra (--env),
 * later ones replacing earlier ones of the same name; TERM with a pty. */
void program_env(struct config *cfg, char *const *extra, size_t nextra);
void program_free(struct config *cfg);

#endif
