/* verdict.c - status, reason and exit code of a run (see verdict.h). */
#include "jail/verdict.h"

#include <errno.h>
#include <signal.h>
#include <string.h>

#include "jail/exitcodes.h"

/* Why a run that is not ok ended as it did (the result's "reason"). */
static const char *failure_reason(const struct outcome *o)
{
	if (o->pids_max_hits)
		return "pids";
	if (o->out.truncated || o->err.truncated)
		return "output_limit";
	return o->end == END_SIGNALED ? "signal" : "exit";
}

struct verdict result_verdict(const struct config *cfg, const struct outcome *o)
{
	const struct limits *l = &cfg->policy.limits;
	struct verdict v = { "error", "exit", 1 };

	switch (o->end) {
	case END_EXITED:
		v.exit_code = o->exit_code;
		if (o->exit_code == 0) {
			v.status = "ok";
			v.reason = NULL;
		} else if (o->error && (!strcmp(o->error->type, "MemoryError") ||
					(o->error->err == ENOMEM && o->error->type[0]))) {
			v.status = "oom";
			v.reason = "memory";
		} else {
			v.reason = failure_reason(o);
		}
		break;
	case END_SIGNALED:
		/* RLIMIT_CPU sends SIGXCPU at the soft limit, SIGKILL at the hard */
		if (l->cpu_time_ms && (o->signal == SIGXCPU ||
				       (o->signal == SIGKILL && o->cpu_ms >= l->cpu_time_ms))) {
			v = (struct verdict){ "timeout", "cpu_time", EXIT_TIMEOUT };
		} else {
			v = (struct verdict){ "killed", failure_reason(o),
					      EXIT_SIGNAL_BASE + o->signal };
		}
		break;
	case END_TIMEOUT:
		v = (struct verdict){ "timeout", "wall_time", EXIT_TIMEOUT };
		break;
	case END_KILLED:
		v = (struct verdict){ "killed", "signal", EXIT_SIGNAL_BASE + o->signal };
		break;
	case END_SETUP_ERROR:
		return (struct verdict){ "setup_error", "setup", EXIT_SETUP };
	case END_INTERNAL:
		return (struct verdict){ "internal_error", "launcher", EXIT_SETUP };
	case END_EXEC_ERROR:
		v.exit_code = o->exec_errno == ENOENT || o->exec_errno == ENOTDIR
				      ? EXIT_NOT_FOUND
				      : EXIT_CANNOT_EXEC;
		break;
	}
	/* the memory cgroup's OOM killer acted on a run that failed; a time
	 * limit or a stop that came first is what ended it */
	if (o->oom_kills && v.reason && o->end != END_TIMEOUT && o->end != END_KILLED &&
	    o->end != END_EXEC_ERROR && strcmp(v.reason, "cpu_time") != 0) {
		v.status = "oom";
		v.reason = "memory";
	}
	return v;
}
