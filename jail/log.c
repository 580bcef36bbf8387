/* log.c - messages, usage errors and setup failures (see log.h). */
#define _GNU_SOURCE
#include "jail/log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "jail/exitcodes.h"
#include "jail/status.h"

/* A launcher process runs one jail (a server starts one process per jail),
 * so its log settings and die() hooks are process-wide: the level from
 * --quiet/--verbose; die()'s cleanup (run.c: remove the cgroups made
 * before the jail) and its JSON report (run.c, with --json); and, in the
 * jail's init, the status socket that die() reports over instead. */
static int level;
static void (*cleanup_hook)(void);
static int child_status_fd = -1;
static void (*report_hook)(const char *step, int err, const char *detail);

void log_set_report(void (*fn)(const char *step, int err, const char *detail))
{
	report_hook = fn;
}

void log_set_level(int l)
{
	level = l;
}

int log_get_level(void)
{
	return level;
}

__attribute__((format(printf, 1, 0))) static void vmsg(const char *fmt, va_list ap)
{
	char buf[LOG_MSG_MAX];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);

	if (n < 0)
		return;
	/* Best effort: a closed stderr must not turn into a second failure. */
	(void)fprintf(stderr, "actjail: %s\n", buf);
}

void log_verbose(const char *fmt, ...)
{
	va_list ap;

	if (level < LOG_VERBOSE)
		return;
	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

void log_warn(const char *fmt, ...)
{
	va_list ap;

	if (level < LOG_NORMAL)
		return;
	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

void log_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

void usage_error(const char *fmt, ...)
{
	char buf[LOG_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	/* one line, so a caller can show it as is */
	(void)fprintf(stderr, "actjail: %s (see actjail --help)\n", buf);
	/* A failure path: flush, but skip atexit handlers (nothing to tear down). */
	(void)fflush(NULL);
	_exit(EXIT_USAGE);
}

void log_set_cleanup(void (*fn)(void))
{
	cleanup_hook = fn;
}

void log_enter_child(int status_fd)
{
	child_status_fd = status_fd;
	cleanup_hook = NULL;
	report_hook = NULL;
}

/* The caller's own limits explain ENOMEM and EMFILE in the launcher. */
static const char *limit_hint(int err)
{
	static char hint[256];
	struct rlimit rl;

	if ((err == EMFILE || err == ENFILE) && getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
	    rl.rlim_cur != RLIM_INFINITY) {
		(void)snprintf(hint, sizeof(hint),
			       "actjail was started with an open-file limit of %llu (ulimit -n): "
			       "it needs a few dozen descriptors of its own; raise it",
			       (unsigned long long)rl.rlim_cur);
		return hint;
	}
	if (err == ENOMEM && ((getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) ||
			      (getrlimit(RLIMIT_DATA, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY))) {
		(void)snprintf(
			hint, sizeof(hint),
			"actjail was started with a memory limit of %llu KiB (ulimit -v or -d): "
			"too low for the launcher itself; set the jail's memory with --memory",
			(unsigned long long)(rl.rlim_cur >> 10));
		return hint;
	}
	return NULL;
}

const char *log_hint(const char *step, int err)
{
	const char *lim = limit_hint(err);

	if (lim)
		return lim;
	if (!strcmp(step, "clone") && (err == EPERM || err == ENOSPC || err == EINVAL))
		return "unprivileged user namespaces may be disabled: check "
		       "/proc/sys/user/max_user_namespaces, kernel.unprivileged_userns_clone "
		       "and kernel.apparmor_restrict_unprivileged_userns";
	if (!strcmp(step, "python3"))
		return "install Debian's python3 package (the jail runs /usr/bin/python3)";
	if (!strcmp(step, "mount proc") && err == EPERM)
		return "this host masks parts of /proc (as container runtimes do); the kernel then "
		       "refuses a fresh /proc in a user namespace";
	return NULL;
}

void die(const char *step, int err, const char *fmt, ...)
{
	char detail[LOG_MSG_MAX] = "";
	va_list ap;

	if (fmt) {
		va_start(ap, fmt);
		(void)vsnprintf(detail, sizeof(detail), fmt, ap);
		va_end(ap);
	}
	if (child_status_fd >= 0) {
		/* the record is bounded: a child's details are short. If the
		 * launcher is gone there is nobody left to tell. */
		(void)status_send(child_status_fd, ST_SETUP_ERROR, err, 0, step, detail);
		_exit(EXIT_SETUP);
	}
	if (cleanup_hook)
		cleanup_hook();
	if (err)
		(void)fprintf(stderr, "actjail: %s: %s%s%s\n", step, strerror(err),
			      *detail ? ": " : "", detail);
	else
		(void)fprintf(stderr, "actjail: %s: %s\n", step, *detail ? detail : "failed");
	{
		const char *hint = log_hint(step, err);

		if (hint)
			(void)fprintf(stderr, "actjail: hint: %s\n", hint);
	}
	if (report_hook)
		report_hook(step, err, detail);
	(void)fflush(NULL);
	_exit(EXIT_SETUP);
}
