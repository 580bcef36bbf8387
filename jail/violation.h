/*
 * violation.h - the launcher's side of the jail's seccomp listener: what to
 * answer a notified syscall, and the record of what was refused.
 */
#ifndef ACTJAIL_VIOLATION_H
#define ACTJAIL_VIOLATION_H

#include <linux/seccomp.h>
#include <stdint.h>

#include "jail/config.h"
#include "jail/outcome.h"

/*
 * Decide one notification and fill *resp (id set by the caller): a
 * network check (connect, sendto with an address) is let through
 * when its destination is on the jail's own loopback and refused with
 * ENETUNREACH otherwise; anything else was refused by the policy's default
 * action and gets that errno. Refusals are recorded in *o. notify_fd is the
 * listener, used to check the notification is still live after reading the
 * caller's memory.
 */
void violation_answer(const struct config *cfg, int notify_fd, const struct seccomp_notif *req,
		      struct seccomp_notif_resp *resp, struct outcome *o);

/* The listener is readable (events from epoll): take one notification,
 * answer it and record it. 1 when the listener is done (every task using
 * the filter is gone: stop watching it), else 0. Never blocks: it is
 * called only on readiness. */
int violation_notify_event(const struct config *cfg, int notify_fd, uint32_t events,
			   struct outcome *o);

#endif
