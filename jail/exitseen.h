/*
 * exitseen.h - the program's exit, seen from the launcher before the kernel
 * has torn its memory down. Tearing down a process's address space takes
 * about a millisecond for a bare Python and several with pandas loaded; the
 * init's report (the program reaped) comes only after it. The runner says
 * {"op":"exit","status":N} on the bridge as its last act before _exit; that
 * is a hint from the jail, never trusted as such: the launcher ends the run
 * early only when /proc shows that nothing of the jail but its init can run
 * user code again (exitseen.c says how). Otherwise the run ends as always,
 * on the init's report.
 */
#ifndef ACTJAIL_EXITSEEN_H
#define ACTJAIL_EXITSEEN_H

#include <stdbool.h>
#include <sys/types.h>

#include "policy/policy.h"

/* Whether the policy refuses what could write after its submitter is gone
 * (io_uring, AIO): only then may exit_seen end a run early. */
bool exit_seen_possible(const struct policy *p);

/* True when the jail whose init is init_pid (a host pid) holds exactly one
 * other process, single-threaded, already inside the kernel's exit (its
 * PF_EXITING flag), and with no child, alive or zombie. Such a process can
 * neither run user code nor write anything again, nor start another. */
bool exit_seen(pid_t init_pid);

#endif
