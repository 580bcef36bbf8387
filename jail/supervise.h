/*
 * supervise.h - the launcher's event loop over a running jail: pidfd,
 * signalfd, timerfd, the status socket, the bridge and the program's
 * streams. No sleep loops: every wake-up is an event. At the deadline the
 * jail's init is SIGKILLed, which kills its whole pid namespace; the loop
 * always reaps init before it returns.
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

/* Run the loop until the jail is gone; fills *o. Dies only on a failure of
 * the launcher itself (epoll, signalfd), after killing and reaping the jail. */
void supervise(const struct config *cfg, struct jail *j, struct outcome *o);

/* The signals the event loop reads from its signalfd: block them before the
 * jail is spawned, so none is lost in between. */
void supervise_signal_mask(sigset_t *mask);

/* Kill and reap a started jail; used as the die() cleanup hook. */
void supervise_emergency_stop(void);

#endif
