/*
 * supervise_priv.h - the supervisor's state, shared by supervise.c (the
 * loop) and supervise_warm.c (a warm jail's hand-over). Not an interface:
 * nothing else includes it.
 */
#ifndef ACTJAIL_SUPERVISE_PRIV_H
#define ACTJAIL_SUPERVISE_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "jail/calls.h"
#include "jail/evloop.h"
#include "jail/inbound.h"
#include "jail/stdinrelay.h"
#include "jail/supervise.h"
#include "jail/status.h"
#include "jail/warm.h"

/* epoll tags; CALLS_TAG_BASE and above are calls.c's */
enum tag {
	T_PIDFD = 1,
	T_SIGNAL,
	T_TIMER,
	T_STATUS,
	T_BRIDGE,
	T_STDOUT,
	T_STDERR,
	T_IN,
	T_INPIPE,
	T_NOTIFY,
	T_WARM,
};

/* A warm jail's setup and its runner's start have this long to be ready. */
#define WARM_SETUP_MS 30000u

struct supervisor {
	struct config *cfg;
	struct jail *j;
	struct outcome *o;
	struct evloop ev;
	int sfd, tfd;
	struct channel bridge; /* to the jail (fd 3 inside) */
	struct inbound msgs;   /* what the jail sends, parsed and routed */
	struct calls *calls;
	int notify_fd;	       /* the jail's seccomp listener, or -1 */
	struct stdin_relay in; /* exec: the caller's stdin on its way to the program */
	bool in_started;       /* ... once handed over */
	bool exited, ready, got_end, timed_out, stop_signal;
	bool emptied;		   /* the init's end record: nothing of the jail runs any more */
	bool exit_looked;	   /* the runner's "exit" was checked (once: exitseen.h) */
	struct status_end end_use; /* ...and what the reaped processes used */
	uint64_t cpu_snapshot_ms;  /* CPU of the jail read just before a kill */
	struct warm warm;	   /* --warm-fd: the server's descriptor (warm.fd -1 if not) */
};

/* supervise.c */
void sup_kill_jail(struct supervisor *s);
void sup_fail_run(struct supervisor *s, const char *step, int err);

/* supervise_warm.c: --warm-fd (warm.h) */
void warm_start(struct supervisor *s);
void warm_ready(struct supervisor *s);
void warm_event(struct supervisor *s);

#endif
