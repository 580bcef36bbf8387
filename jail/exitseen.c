/*
 * exitseen.c - see exitseen.h. Why the checks below, in this order, mean
 * that nothing of the jail but its init can run user code again:
 *
 *  1. P, the init's one child, is inside exit (PF_EXITING) and is its own
 *     only thread. A thread inside do_exit never returns to user space, and
 *     fork and clone fail for a process with SIGKILL pending or exiting, so
 *     P starts nothing after this read.
 *  2. P has no child, alive or zombie (a zombie stays in its parent's list
 *     until reaped), read after 1: none can be added any more.
 *  3. The init's children are still exactly P. Any other process of the
 *     jail would descend from the init through a living or zombie parent;
 *     with P childless, that parent chain ends at the init's own list.
 *  4. P is read again: the thread count and the flags of one read of
 *     /proc/P/stat are not taken at the same instant, so a thread made just
 *     before the leader left with exit(2) could hide in the first read; it
 *     counts in this one (a group's count only falls when a thread is
 *     released, and the leader is released last).
 *
 * io_uring and AIO could write after their submitter is gone: a policy
 * that lets them run never ends a run early (exit_seen_possible). An mmap'd
 * page of a file is that file's page, which the capture reads as it is.
 */
#define _GNU_SOURCE
#include "jail/exitseen.h"

#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PF_EXITING_FLAG 0x00000004u /* include/linux/sched.h */

/* The file's text, NUL-terminated, or -1. */
static ssize_t slurp(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	do
		n = read(fd, buf, len - 1);
	while (n < 0 && errno == EINTR);
	(void)close(fd);
	if (n < 0 || (size_t)n >= len - 1)
		return -1; /* unread, or too long to be what is looked for */
	buf[n] = '\0';
	return n;
}

/* The pids in a task's children file: how many (at most max), -1 if
 * unreadable or more than max. */
static int children(pid_t pid, pid_t *out, int max)
{
	char path[64], buf[256], *p, *end;
	int n = 0;

	(void)snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)pid, (int)pid);
	if (slurp(path, buf, sizeof(buf)) < 0)
		return -1;
	for (p = buf;; p = end) {
		long v;

		while (*p == ' ' || *p == '\n')
			p++;
		if (!*p)
			return n;
		errno = 0;
		v = strtol(p, &end, 10);
		if (end == p || errno || v <= 0 || n == max)
			return -1;
		out[n++] = (pid_t)v;
	}
}

/* P is exiting and its only thread. */
static bool exiting_alone(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long flags;
	long threads;

	(void)snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (slurp(path, buf, sizeof(buf)) < 0 || !(p = strrchr(buf, ')')))
		return false;
	/* after the command name: state ppid pgrp session tty_nr tpgid flags
	 * minflt cminflt majflt cmajflt utime stime cutime cstime priority
	 * nice num_threads (proc_pid_stat(5)) */
	if (sscanf(p + 1,
		   " %*c %*d %*d %*d %*d %*d %lu %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %ld",
		   &flags, &threads) != 2)
		return false;
	return (flags & PF_EXITING_FLAG) && threads == 1;
}

static bool refuses(uint32_t action)
{
	return (action & 0xffff0000u) == SCMP_ACT_ERRNO(0) || action == SCMP_ACT_KILL_PROCESS ||
	       action == SCMP_ACT_KILL_THREAD || action == SCMP_ACT_TRAP;
}

bool exit_seen_possible(const struct policy *p)
{
	static const char *const late_writers[] = { "io_uring_setup", "io_uring_enter",
						    "io_uring_register", "io_setup", "io_submit" };

	if (!refuses(p->seccomp.default_action))
		return false;
	for (size_t i = 0; i < p->seccomp.nrules; i++)
		for (size_t k = 0; k < sizeof(late_writers) / sizeof(late_writers[0]); k++)
			if (!strcmp(p->seccomp.rules[i].name, late_writers[k]) &&
			    !refuses(p->seccomp.rules[i].action))
				return false;
	return true;
}

bool exit_seen(pid_t init_pid)
{
	pid_t kids[2], p;

	if (children(init_pid, kids, 2) != 1)
		return false;
	p = kids[0];
	if (!exiting_alone(p))
		return false;
	if (children(p, kids, 2) != 0)
		return false;
	if (children(init_pid, kids, 2) != 1 || kids[0] != p)
		return false;
	return exiting_alone(p);
}
