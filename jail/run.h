/*
 * run.h - one run of a jail, from a parsed command line to its result
 * (run.c): the parent's half of the setup checklist.
 */
#ifndef ACTJAIL_RUN_H
#define ACTJAIL_RUN_H

#include "jail/config.h"

/* Load the policy named by cfg->policy_path (or the built-in one) into
 * cfg->policy; a policy that cannot be read or understood is a setup
 * error (die). */
void run_load_policy(struct config *cfg);

/* With --json: a setup failure from here on prints a result object. */
void run_report_setup_errors(struct config *cfg);

/* Build the jail, run the program, capture, report. Returns actjail's exit
 * status (exitcodes.h). Dies only before the jail exists. */
int run_jail(struct config *cfg);

#endif
