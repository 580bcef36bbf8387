/*
 * usage.h - what a jail used: CPU time of a process tree read from /proc
 * (just before a kill, since processes killed with the pid namespace are
 * not accounted to init's children), and the end-of-run figures from init's
 * rusage and the jail's cgroup.
 */
#ifndef ACTJAIL_USAGE_H
#define ACTJAIL_USAGE_H

#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "jail/cgroup.h"
#include "jail/outcome.h"

/* CPU time in ms of pid, its threads' children and theirs (what they
 * reaped included); 0 when /proc cannot say. */
uint64_t usage_tree_cpu_ms(pid_t pid);

/* Fill o's cpu_ms, memory_peak_kib, oom_kills, pids_max_hits and
 * processes_max from init's rusage (every process it reaped), a CPU
 * snapshot taken before a kill and the cgroup's counters: the largest
 * figure of each wins, since each source misses something. */
void usage_collect(const struct rusage *ru, uint64_t cpu_snapshot_ms, const struct cgroup_jail *cg,
		   struct outcome *o);

#endif
