/*
 * userns.h - the jail's user namespace: one host uid and gid mapped to the
 * sandbox user 1000, setgroups denied. Never host root: as root the mapped
 * ids come from the policy (default 65534), rootless they are the caller's.
 */
#ifndef ACTJAIL_USERNS_H
#define ACTJAIL_USERNS_H

#include <sys/types.h>

/* Parent: write uid_map, "deny" to setgroups, then gid_map for child pid.
 * That order is the kernel's rule for an unprivileged writer (user_namespaces(7):
 * setgroups must be denied before gid_map is written). Dies on failure. */
void userns_setup_parent_or_die(pid_t pid, uid_t host_uid, gid_t host_gid);

/* Child: become 1000:1000 inside, keeping the namespace capabilities that the
 * remaining setup steps need. Dies on failure. */
void userns_setup_child_or_die(void);

#endif
