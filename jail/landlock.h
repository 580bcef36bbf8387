/*
 * landlock.h - a second filesystem wall, independent of the mount namespace
 * (Landlock, Linux 5.13+): read and execute in the system's directories and
 * under every --input/--mount destination, listing only in "/",
 * read-write (no execute) only in /tmp, /dev/shm and /output, devices under
 * /dev usable; on ABI >= 6 abstract Unix sockets and signals are scoped to
 * the jail. TCP is not restricted here: the network namespace already holds
 * only the jail's own loopback. Child side, after no_new_privs (which
 * landlock_restrict_self requires) and before seccomp.
 */
#ifndef ACTJAIL_LANDLOCK_H
#define ACTJAIL_LANDLOCK_H

#include "jail/config.h"

/* Returns the Landlock ABI applied, or 0 when the kernel has none and the
 * policy (cfg->policy.landlock) prefers rather than requires it (or turns
 * it off). Dies on any failure to apply it, when it is required but
 * missing, and when a mount's destination is missing. */
int landlock_setup_child_or_die(const struct config *cfg);

#endif
