/*
 * cgdefer.h - cgroup v1: the jail's cgroups made while its init builds the
 * jail, not before the clone. Creating them (a directory and the limit files
 * in each of four hierarchies) and opening their `tasks` files costs the
 * launcher half a millisecond or more, and the init spends longer than that
 * on its mounts. So the launcher sends each `tasks` file, opened by itself
 * (the kernel checks a v1 `tasks` write against the opener's credentials),
 * over the status socket, then a record saying what the cgroups enforce;
 * the init joins them after its mounts, before anything of the program's
 * exists and before its rlimits, which depend on whether pids is enforced.
 * v2 is unchanged: clone3 puts the jail's init in its cgroup at birth.
 */
#ifndef ACTJAIL_CGDEFER_H
#define ACTJAIL_CGDEFER_H

#include <stdbool.h>

#include "jail/cgroup.h"

#define CGDEFER_JOINED 1u /* the init is in the jail's cgroups */
#define CGDEFER_PIDS   2u /* ...whose pids.max counts its processes */

/* Launcher: send cg's open `tasks` files (none when cg has no cgroup), then
 * the flags. 0 or -errno. */
int cgdefer_send(int status_fd, const struct cgroup_jail *cg);

/* The jail's init: wait for the records, join each hierarchy as its file
 * comes, and return the flags. Dies (a setup error naming the step) if a
 * join fails; exits quietly if the launcher is gone. */
unsigned cgdefer_join_or_die(int status_fd);

#endif
