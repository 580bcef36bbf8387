/*
 * toolproc.h - start and stop a command tool's processes. A tool runs with
 * the launcher's credentials, in a process group of its own led by a guard
 * process, so that the whole group dies at its timeout, at the run's end,
 * and when the launcher itself is killed (PR_SET_PDEATHSIG reaches only the
 * launcher's direct child, not the tool's own children).
 */
#ifndef ACTJAIL_TOOLPROC_H
#define ACTJAIL_TOOLPROC_H

#include <sys/types.h>

#include "bridge/tools.h"

struct toolproc {
	pid_t pid;  /* the guard: the group's id, and what reports the tool's end */
	int in_fd;  /* the tool's stdin, stdout and stderr: the launcher's ends, */
	int out_fd; /* close-on-exec, blocking */
	int err_fd;
};

/* 0 with *p filled, or -errno with nothing left behind. */
int toolproc_start(const struct tool *t, struct toolproc *p);

/* Kill the tool's whole group and reap its guard. */
void toolproc_kill_wait(pid_t pid);

#endif
