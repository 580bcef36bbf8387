/*
 * landlock.h - a second filesystem wall, independent of the mount namespace
 * (Landlock, Linux 5.13+): read and execute everywhere the jail can see,
 * read-write (no execute) only in /tmp, /dev/shm and /output, devices under
 * /dev usable; on ABI >= 6 abstract Unix sockets and signals are scoped to
 * the jail. TCP is not restricted here: the network namespace already holds
 * only the jail's own loopback. Child side, after no_new_privs (which
 * landlock_restrict_self requires) and before seccomp.
 */
#ifndef ACTJAIL_LANDLOCK_H
#define ACTJAIL_LANDLOCK_H

#include "policy/policy.h"

/* Returns the Landlock ABI applied, or 0 when the kernel has none and the
 * policy prefers rather than requires it (or turns it off). Dies on any
 * failure to apply it, and when it is required but missing. */
int landlock_setup_child_or_die(enum policy_landlock mode);

#endif
