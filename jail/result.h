/*
 * result.h - the run's record: the status and exit code derived from how the
 * jail ended, the JSON result object (docs/result.md) and the one-line human
 * summary.
 */
#ifndef ACTJAIL_RESULT_H
#define ACTJAIL_RESULT_H

#include "jail/capture.h"
#include "jail/config.h"
#include "jail/outcome.h"
#include "jail/verdict.h"

/* Exactly one JSON object and a newline on stdout. 0 or -errno. */
int result_print_json(const struct config *cfg, const struct outcome *o,
		      const struct capture *c, const struct verdict *v);

/* Open the --audit-log file before the jail exists: a regular file (not a
 * link, FIFO or device), appended to, whose lock can be taken. The fd
 * (close-on-exec), or -errno: the run must not go ahead unaudited. */
int result_open_audit(const char *path);

/* Append one JSON line about the run to fd (from result_open_audit): time,
 * the program's sha256, policy, limits, tool calls, violations, status,
 * reason. Whole or not at all: a failed write is cut back. 0 or -errno. */
int result_append_audit(const struct config *cfg, const struct outcome *o,
			const struct capture *c, const struct verdict *v, int fd);

/* --verbose: each violation on its own line on stderr: the syscall, the
 * network destination, the refused capture path, with the reason. */
void result_log_violations(const struct outcome *o, const struct capture *c);

/* "actjail: ok, exit 0, 0.12 s, peak 9.8 MiB, 2 files captured" on stderr. */
void result_print_summary(const struct outcome *o, const struct capture *c,
			  const struct verdict *v);

#endif
