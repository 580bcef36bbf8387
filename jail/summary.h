/*
 * summary.h - what a run did, as text on stderr: the one-line summary and,
 * with --verbose, each violation.
 */
#ifndef ACTJAIL_SUMMARY_H
#define ACTJAIL_SUMMARY_H

#include "jail/capture.h"
#include "jail/outcome.h"
#include "jail/verdict.h"

/* --verbose: each violation on its own line on stderr: the syscall, the
 * network destination, the refused capture path, with the reason. */
void result_log_violations(const struct outcome *o, const struct capture *c);

/* "actjail: ok, exit 0, 0.12 s, peak 9.8 MiB, 2 files captured" on stderr. */
void result_print_summary(const struct outcome *o, const struct capture *c,
			  const struct verdict *v);

#endif
