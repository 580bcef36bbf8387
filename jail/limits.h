/*
 * limits.h - rlimits of the jail (child side, before seccomp so the filter
 * need not allow setrlimit/prlimit64 for changing limits).
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

#include "policy/policy.h"

/* cgroup_pids: the jail's pids cgroup enforces the process limit, and the
 * rlimit is kept one above it as a second wall (so the cgroup, which counts
 * its refusals, is the one that says no). */
void limits_setup_child_or_die(const struct limits *l, bool cgroup_pids);

#endif
