/*
 * test_verdict.c - result_verdict(): the status, reason and exit code of
 * every way a run can end, one table row per branch (docs/result.md,
 * "status", "reason" and "Exit status").
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "jail/config.h"
#include "jail/exitcodes.h"
#include "jail/outcome.h"
#include "jail/verdict.h"
#include "tests/tap.h"

/* How a run ended, as the event loop would have recorded it. */
struct row {
	const char *name;
	enum end_kind end;
	int exit_code, signal, exec_errno;
	uint64_t cpu_ms, cpu_time_ms; /* used, and the limit (0: none) */
	uint64_t oom_kills, pids_max_hits;
	bool out_truncated, err_truncated;
	const char *error_type; /* an uncaught exception, or NULL */
	int error_err;		/* its errno */
	/* the verdict */
	const char *status, *reason;
	int want_exit;
	const char *todo; /* the code disagrees and it is the lead's call */
};

static const struct row rows[] = {
	/* the program exited */
	{ "exit 0 is ok", END_EXITED, .status = "ok", .want_exit = 0 },
	{ "exit 0 with truncated output is still ok", END_EXITED, .out_truncated = true,
	  .err_truncated = true, .status = "ok", .want_exit = 0 },
	{ "exit 0 with OOM kills in the cgroup is still ok", END_EXITED, .oom_kills = 2,
	  .status = "ok", .want_exit = 0 },
	{ "exit 0 after pids.max refused a fork is still ok", END_EXITED, .pids_max_hits = 1,
	  .status = "ok", .want_exit = 0 },
	{ "exit 0 with a MemoryError reported is still ok", END_EXITED, .error_type = "MemoryError",
	  .status = "ok", .want_exit = 0 },
	{ "exit 1 is an error", END_EXITED, .exit_code = 1, .status = "error", .reason = "exit",
	  .want_exit = 1 },
	{ "exit 123 passes through", END_EXITED, .exit_code = 123, .status = "error",
	  .reason = "exit", .want_exit = 123 },
	{ "exit 200 passes through", END_EXITED, .exit_code = 200, .status = "error",
	  .reason = "exit", .want_exit = 200 },
	{ "an uncaught exception is an error", END_EXITED, .exit_code = 1,
	  .error_type = "ZeroDivisionError", .status = "error", .reason = "exit", .want_exit = 1 },
	{ "an OSError that is not ENOMEM is an error", END_EXITED, .exit_code = 1,
	  .error_type = "PermissionError", .error_err = EACCES, .status = "error", .reason = "exit",
	  .want_exit = 1 },
	{ "MemoryError is oom", END_EXITED, .exit_code = 1, .error_type = "MemoryError",
	  .status = "oom", .reason = "memory", .want_exit = 1 },
	{ "an OSError with ENOMEM is oom", END_EXITED, .exit_code = 1, .error_type = "OSError",
	  .error_err = ENOMEM, .status = "oom", .reason = "memory", .want_exit = 1 },
	{ "an exception with ENOMEM but no type is not oom", END_EXITED, .exit_code = 1,
	  .error_type = "", .error_err = ENOMEM, .status = "error", .reason = "exit",
	  .want_exit = 1 },
	{ "MemoryError wins over pids and truncation", END_EXITED, .exit_code = 1,
	  .error_type = "MemoryError", .pids_max_hits = 3, .out_truncated = true, .status = "oom",
	  .reason = "memory", .want_exit = 1 },
	{ "truncated stdout and exit 1: output_limit", END_EXITED, .exit_code = 1,
	  .out_truncated = true, .status = "error", .reason = "output_limit", .want_exit = 1 },
	{ "truncated stderr and exit 1: output_limit", END_EXITED, .exit_code = 1,
	  .err_truncated = true, .status = "error", .reason = "output_limit", .want_exit = 1 },
	{ "pids.max hits and exit 1: pids", END_EXITED, .exit_code = 1, .pids_max_hits = 1,
	  .status = "error", .reason = "pids", .want_exit = 1 },
	{ "pids wins over output_limit", END_EXITED, .exit_code = 1, .pids_max_hits = 1,
	  .out_truncated = true, .status = "error", .reason = "pids", .want_exit = 1 },
	{ "OOM kills and exit 1: oom", END_EXITED, .exit_code = 1, .oom_kills = 1, .status = "oom",
	  .reason = "memory", .want_exit = 1 },
	{ "OOM kills win over pids", END_EXITED, .exit_code = 1, .oom_kills = 1, .pids_max_hits = 1,
	  .status = "oom", .reason = "memory", .want_exit = 1 },

	/* the program was killed by a signal */
	{ "SIGSEGV: killed, 128+11", END_SIGNALED, .signal = SIGSEGV, .status = "killed",
	  .reason = "signal", .want_exit = 128 + SIGSEGV },
	{ "SIGKILL without a CPU limit: killed", END_SIGNALED, .signal = SIGKILL, .cpu_ms = 99999,
	  .status = "killed", .reason = "signal", .want_exit = 128 + SIGKILL },
	{ "SIGXCPU with a CPU limit: cpu_time", END_SIGNALED, .signal = SIGXCPU, .cpu_ms = 1000,
	  .cpu_time_ms = 1000, .status = "timeout", .reason = "cpu_time", .want_exit = 124 },
	{ "SIGXCPU below the limit (rounded up to seconds): still cpu_time", END_SIGNALED,
	  .signal = SIGXCPU, .cpu_ms = 990, .cpu_time_ms = 1500, .status = "timeout",
	  .reason = "cpu_time", .want_exit = 124 },
	{ "SIGXCPU without a CPU limit: killed by it", END_SIGNALED, .signal = SIGXCPU,
	  .cpu_ms = 5000, .status = "killed", .reason = "signal", .want_exit = 128 + SIGXCPU },
	{ "SIGKILL at the CPU limit: cpu_time", END_SIGNALED, .signal = SIGKILL, .cpu_ms = 2000,
	  .cpu_time_ms = 2000, .status = "timeout", .reason = "cpu_time", .want_exit = 124 },
	{ "SIGKILL past the CPU limit: cpu_time", END_SIGNALED, .signal = SIGKILL, .cpu_ms = 2500,
	  .cpu_time_ms = 2000, .status = "timeout", .reason = "cpu_time", .want_exit = 124 },
	{ "SIGKILL a millisecond short of the CPU limit: killed", END_SIGNALED, .signal = SIGKILL,
	  .cpu_ms = 1999, .cpu_time_ms = 2000, .status = "killed", .reason = "signal",
	  .want_exit = 128 + SIGKILL },
	{ "SIGTERM past the CPU limit: killed, not cpu_time", END_SIGNALED, .signal = SIGTERM,
	  .cpu_ms = 5000, .cpu_time_ms = 1000, .status = "killed", .reason = "signal",
	  .want_exit = 128 + SIGTERM },
	{ "a signal after pids.max hits: killed, pids", END_SIGNALED, .signal = SIGABRT,
	  .pids_max_hits = 1, .status = "killed", .reason = "pids", .want_exit = 128 + SIGABRT },
	{ "SIGPIPE after truncated output: killed, output_limit", END_SIGNALED, .signal = SIGPIPE,
	  .out_truncated = true, .status = "killed", .reason = "output_limit",
	  .want_exit = 128 + SIGPIPE },
	{ "SIGKILL with OOM kills: oom, 128+9", END_SIGNALED, .signal = SIGKILL, .oom_kills = 1,
	  .status = "oom", .reason = "memory", .want_exit = 128 + SIGKILL },
	{ "SIGXCPU at the CPU limit with OOM kills: still a cpu_time timeout", END_SIGNALED,
	  .signal = SIGXCPU, .cpu_ms = 1000, .cpu_time_ms = 1000, .oom_kills = 1,
	  .status = "timeout", .reason = "cpu_time", .want_exit = 124,
	  .todo = "the OOM override turns a cpu_time timeout into oom with exit 124" },

	/* the deadline, or actjail was told to stop */
	{ "wall-clock deadline: timeout", END_TIMEOUT, .signal = SIGKILL, .status = "timeout",
	  .reason = "wall_time", .want_exit = 124 },
	{ "deadline with OOM kills: still timeout", END_TIMEOUT, .oom_kills = 5,
	  .status = "timeout", .reason = "wall_time", .want_exit = 124 },
	{ "deadline with pids hits and truncation: still wall_time", END_TIMEOUT,
	  .pids_max_hits = 1, .out_truncated = true, .status = "timeout", .reason = "wall_time",
	  .want_exit = 124 },
	{ "told to stop by SIGTERM: killed, 128+15", END_KILLED, .signal = SIGTERM,
	  .status = "killed", .reason = "signal", .want_exit = 128 + SIGTERM },
	{ "told to stop by SIGINT: killed, 128+2", END_KILLED, .signal = SIGINT, .status = "killed",
	  .reason = "signal", .want_exit = 128 + SIGINT },
	{ "told to stop, with OOM kills: still killed", END_KILLED, .signal = SIGHUP,
	  .oom_kills = 1, .status = "killed", .reason = "signal", .want_exit = 128 + SIGHUP },

	/* the jail or the launcher failed */
	{ "setup error", END_SETUP_ERROR, .status = "setup_error", .reason = "setup",
	  .want_exit = 125 },
	{ "setup error with OOM kills: still setup_error", END_SETUP_ERROR, .oom_kills = 1,
	  .exit_code = 1, .status = "setup_error", .reason = "setup", .want_exit = 125 },
	{ "internal error", END_INTERNAL, .status = "internal_error", .reason = "launcher",
	  .want_exit = 125 },
	{ "internal error with OOM kills: still internal_error", END_INTERNAL, .oom_kills = 1,
	  .status = "internal_error", .reason = "launcher", .want_exit = 125 },

	/* the program could not be started */
	{ "exec ENOENT: not found, 127", END_EXEC_ERROR, .exec_errno = ENOENT, .status = "error",
	  .reason = "exit", .want_exit = 127 },
	{ "exec ENOTDIR: not found, 127", END_EXEC_ERROR, .exec_errno = ENOTDIR, .status = "error",
	  .reason = "exit", .want_exit = 127 },
	{ "exec EACCES: cannot execute, 126", END_EXEC_ERROR, .exec_errno = EACCES,
	  .status = "error", .reason = "exit", .want_exit = 126 },
	{ "exec ENOEXEC: cannot execute, 126", END_EXEC_ERROR, .exec_errno = ENOEXEC,
	  .status = "error", .reason = "exit", .want_exit = 126 },
	{ "exec E2BIG: cannot execute, 126", END_EXEC_ERROR, .exec_errno = E2BIG, .status = "error",
	  .reason = "exit", .want_exit = 126 },
};

static bool same(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* A check of a defect found by this test and since fixed: a plain check
 * now, with the note that says what it guards. */
static void todo_ok(int cond, const char *name, const char *why)
{
	ok(cond, "%s (%s)", name, why);
}

static void check(const struct row *r)
{
	static struct config cfg; /* zeroed: no policy, no tools */
	struct py_error err = { 0 };
	struct outcome o;
	struct verdict v;
	char name[256];
	bool good;

	outcome_init(&o);
	o.end = r->end;
	o.exit_code = r->exit_code;
	o.signal = r->signal;
	o.exec_errno = r->exec_errno;
	o.cpu_ms = r->cpu_ms;
	o.oom_kills = r->oom_kills;
	o.pids_max_hits = r->pids_max_hits;
	o.out.truncated = r->out_truncated;
	o.err.truncated = r->err_truncated;
	if (r->error_type) {
		err.type = (char *)r->error_type;
		err.message = (char *)"";
		err.traceback = (char *)"";
		err.err = r->error_err;
		o.error = &err;
	}
	memset(&cfg, 0, sizeof(cfg));
	cfg.policy.limits.cpu_time_ms = r->cpu_time_ms;

	v = result_verdict(&cfg, &o);
	good = same(v.status, r->status) && same(v.reason, r->reason) &&
	       v.exit_code == r->want_exit && v.audit_errno == 0;
	(void)snprintf(name, sizeof(name), "%s: %s/%s/%d", r->name, r->status,
		       r->reason ? r->reason : "null", r->want_exit);
	if (r->todo)
		todo_ok(good, name, r->todo);
	else
		ok(good, "%s", name);
	if (!good)
		printf("#   got %s/%s/%d audit_errno %d\n", v.status ? v.status : "(null)",
		       v.reason ? v.reason : "null", v.exit_code, v.audit_errno);
	/* nothing of o was allocated here: outcome_free would free err */
}

/* The exit codes are the documented table (exitcodes.h, docs/result.md). */
static void test_exit_codes(void)
{
	is_int(EXIT_TIMEOUT, 124, "EXIT_TIMEOUT is 124");
	is_int(EXIT_SETUP, 125, "EXIT_SETUP is 125");
	is_int(EXIT_CANNOT_EXEC, 126, "EXIT_CANNOT_EXEC is 126");
	is_int(EXIT_NOT_FOUND, 127, "EXIT_NOT_FOUND is 127");
	is_int(EXIT_SIGNAL_BASE, 128, "EXIT_SIGNAL_BASE is 128");
}

/* The verdict depends on nothing but its inputs. */
static void test_pure(void)
{
	static struct config cfg;
	struct outcome o;
	struct verdict a, b;

	outcome_init(&o);
	o.end = END_SIGNALED;
	o.signal = SIGKILL;
	o.cpu_ms = 3000;
	cfg.policy.limits.cpu_time_ms = 3000;
	a = result_verdict(&cfg, &o);
	b = result_verdict(&cfg, &o);
	ok(same(a.status, b.status) && same(a.reason, b.reason) && a.exit_code == b.exit_code,
	   "the same outcome gives the same verdict twice");
	is_int(o.end, END_SIGNALED, "the outcome is not changed");
	is_int(cfg.policy.limits.cpu_time_ms, 3000, "the limits are not changed");
}

int main(void)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		check(&rows[i]);
	test_exit_codes();
	test_pure();
	return done_testing();
}
