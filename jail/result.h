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
int result_print_json(const struct config *cfg, const struct outcome *o, const struct capture *c,
		      const struct verdict *v);

/* The audit record of the run as one JSON line (newline included, its
 * length in *len): time, the program's sha256, policy, limits, mounts,
 * tool calls, violations, status, reason. NULL when out of memory. */
char *result_audit_line(const struct config *cfg, const struct outcome *o, const struct capture *c,
			const struct verdict *v, size_t *len);

#endif
