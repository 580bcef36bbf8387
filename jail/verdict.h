/*
 * verdict.h - the status, reason and exit code of a run, derived from how
 * the jail ended (struct outcome) and the limits in force. Pure: no I/O,
 * unit-tested (tests/unit/test_verdict.c).
 */
#ifndef ACTJAIL_VERDICT_H
#define ACTJAIL_VERDICT_H

#include "jail/config.h"
#include "jail/outcome.h"

struct verdict {
	const char *status; /* ok, error, timeout, oom, killed, setup_error,
			     * capture_error, internal_error */
	const char *reason; /* NULL for ok; wall_time, cpu_time, memory, pids,
			     * output_limit, signal, exit, setup, output,
			     * launcher */
	int exit_code;	    /* what actjail exits with (exitcodes.h) */
	int audit_errno;    /* the audit record could not be written, else 0 */
};

/* The verdict of a run that ended as o says, under the limits of cfg. */
struct verdict result_verdict(const struct config *cfg, const struct outcome *o);

#endif
