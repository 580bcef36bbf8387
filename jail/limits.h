/*
 * limits.h - rlimits of the jail (child side, before seccomp so the filter
 * need not allow setrlimit/prlimit64 for changing limits), and the caps on
 * the per-user kernel counts of the jail's user namespace.
 *
 * Memory is RLIMIT_DATA, not RLIMIT_AS: it counts private writable memory
 * (heap and anonymous mappings) rather than reserved address space, which
 * runtimes such as OpenBLAS or jemalloc reserve in bulk without using it.
 * RLIMIT_NPROC is counted per user namespace since Linux 5.14 (ucounts), so
 * the jail's limit is its own even when other processes share the host uid.
 */
#ifndef ACTJAIL_LIMITS_H
#define ACTJAIL_LIMITS_H

#include <stdbool.h>
#include <stddef.h>

#include "policy/policy.h"

/* Signals queued in the whole jail at once (RLIMIT_SIGPENDING, charged to
 * the host user as well: see limits.c). */
#define LIMITS_SIGPENDING 128

/* cgroup_pids: the jail's pids cgroup enforces the process limit, and the
 * rlimit is kept one above it as a second wall (so the cgroup, which counts
 * its refusals, is the one that says no). */
void limits_setup_child_or_die(const struct limits *l, bool cgroup_pids);

/*
 * The jail's user namespace caps (/proc/sys/user/max_NAME, kernel/ucount.c):
 * name without the "max_" prefix, and the value the jail sets.
 */
struct limits_ucount {
	const char *name;
	int value;
};
extern const struct limits_ucount limits_ucounts[];
extern const size_t limits_nucounts;

/*
 * Open /proc/sys/user of the jail's fresh procfs (a path such as
 * NEWROOT "/proc/sys/user"), before a read-only bind covers /proc/sys: the
 * descriptor is how limits_ucounts_child_or_die() writes. A kernel without
 * these limits (no such directory) is remembered, not an error.
 */
void limits_ucounts_open_child_or_die(const char *proc_sys_user);

/*
 * Set every cap of limits_ucounts in the calling process's own user
 * namespace, through the directory opened above, and read each back; a
 * limit this kernel lacks (no such file) is skipped. Needs CAP_SYS_RESOURCE
 * in that namespace, so it runs before the capabilities are dropped, and
 * after the last namespace the jail's init creates itself (the cgroup v1
 * unshare); and before the descriptors are arranged, which closes every
 * other one. Closes the directory. Dies naming the limit otherwise.
 */
void limits_ucounts_child_or_die(void);

/* The current value of /proc/sys/user/max_NAME in the caller's user
 * namespace: >= 0, -ENOENT when this kernel has no such limit, or -errno
 * (-EPROTO for a file that does not hold one decimal integer). */
int limits_read_ucount(const char *name);

/* Parent side, before anything exists: lower l to the caller's own hard
 * rlimits where they are lower (the jail inherits them; nobody below host
 * root can raise them), with a warning, so that the result's "limits" say
 * what the jail got. */
void limits_clamp_to_caller(struct limits *l);

#endif
