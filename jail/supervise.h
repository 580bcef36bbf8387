/*
 * supervise.h - the launcher's event loop over a running jail: pidfd,
 * signalfd, timerfd, the status socket, the bridge and the program's
 * streams. No sleep loops: every wake-up is an event. At the deadline the
 * jail's init is SIGKILLed, which kills its whole pid namespace. The loop
 * ends when init is gone, or when init reports the program's end with every
 * other process of the jail reaped; then init, still tearing the namespaces
 * down, is reaped after the result (supervise_reap_late).
 */
#ifndef ACTJAIL_SUPERVISE_H
#define ACTJAIL_SUPERVISE_H

#include <stdbool.h>
#include <stddef.h>
#include <signal.h>
#include <stdint.h>

#include "jail/config.h"
#include "jail/outcome.h"
#include "jail/spawn.h"

struct supervisor;

/* Before clone: the epoll instance, the signalfd (the signals of
 * supervise_signal_mask must be blocked already) and the timerfd, so that
 * no exit, signal or deadline of the jail can be missed and a failure here
 * leaves no jail to clean up. 0 or -errno. */
int supervise_prepare(struct supervisor **s, struct config *cfg);

/* The jail exists: watch its pidfd, status socket, bridge and streams, and
 * the relay. No deadline yet and no program: a server can start a jail and
 * hand it its code later. Fills *o from here on. */
void supervise_start(struct supervisor *s, struct jail *j, struct outcome *o);

/* The program may run: arm the deadline at deadline_ns (CLOCK_MONOTONIC,
 * absolute), send the code (run) or start relaying stdin (exec). */
void supervise_hand_over(struct supervisor *s, uint64_t deadline_ns);

/* Run the loop until the jail is gone (or its init reports that nothing of it
 * runs any more), then reap it (or leave that to supervise_reap_late) and
 * stop its tools.
 * Never exits: a failure of the launcher's own ends the run as
 * END_INTERNAL, with the jail killed and reaped. */
void supervise_wait(struct supervisor *s);

/* The jail's init, when the loop ended before its exit (on its end record,
 * or on the runner seen inside its exit): wait for it to exit (killed after
 * 2 s) and reap it. After the result is out, before the cgroups go. Nothing
 * if reaped. */
void supervise_reap_late(struct jail *j);

void supervise_free(struct supervisor *s);

/* start, hand-over at the jail's start plus the timeout, wait: actjail
 * run and exec, whose deadline counts from clone. */
void supervise(struct supervisor *s, struct jail *j, struct outcome *o);

/* The signals the event loop reads from its signalfd: block them before the
 * jail is spawned, so none is lost in between. */
void supervise_signal_mask(sigset_t *mask);

#endif
