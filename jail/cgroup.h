/*
 * cgroup.h - one cgroup per jail: memory (no swap), pids and a CPU quota,
 * entered before the jail runs anything, read for accounting, removed after.
 *
 * cgroup v2 (one unified hierarchy with the memory, pids and cpu
 * controllers): the jail's cgroup is created under a parent whose
 * subtree_control enables them, and the jail's init is cloned straight into
 * it (CLONE_INTO_CGROUP). cgroup v1 (a hierarchy per controller, as on the
 * hybrid layout of older hosts): a cgroup in each of memory, pids, cpu and
 * cpuacct, and the launcher moves the jail's init into them before letting
 * it go. Either way no process of the jail ever runs outside its cgroup.
 *
 * The functions that build and read a jail's cgroups take directories, so the
 * logic is unit-tested on a tree built in a temporary directory.
 * Nothing here exits; errors are -errno with a message in err.
 */
#ifndef ACTJAIL_CGROUP_H
#define ACTJAIL_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "policy/policy.h"

enum cg_version {
	CG_NONE = 0,
	CG_V1 = 1,
	CG_V2 = 2
};
enum cg_v1 {
	CG1_MEMORY,
	CG1_PIDS,
	CG1_CPU,
	CG1_CPUACCT,
	CG1_N
};

/* Where the hierarchies are: the v2 mount, or each v1 controller's mount
 * joined with this process's own cgroup in it. */
struct cgroup_layout {
	enum cg_version version;
	char v2_mount[256];
	char v1_mount[CG1_N][256]; /* "" where the controller is absent */
	char v1_dir[CG1_N][1024];  /* the mount joined with our own cgroup in it */
};

/* The files of the jail's cgroup that usage comes from (cgroup_read_stats). */
enum {
	CG_STAT_MEM_PEAK,
	CG_STAT_MEM_EVENTS,
	CG_STAT_PIDS_EVENTS,
	CG_STAT_PIDS_PEAK,
	CG_STAT_CPU,
	CG_STAT_N
};

struct cgroup_jail {
	enum cg_version version;
	char *dir[CG1_N];	 /* v1: the jail's cgroup per controller; v2: dir[0] only */
	int v2_fd;		 /* v2: O_DIRECTORY for CLONE_INTO_CGROUP, else -1 */
	bool memory, pids, cpus; /* which limits the cgroup enforces */
	/* v1: the jail's `tasks` files, opened for writing by the launcher
	 * (cgroup_open_join); the first njoin are valid */
	int join_fd[CG1_N];
	int njoin;
	/* the files cgroup_read_stats reads, opened ahead (cgroup_open_stats):
	 * an open of a cgroup file costs tens of microseconds, at the end of a
	 * run when its result waits; -1 where absent */
	bool stats_open;
	int stat_fd[CG_STAT_N];
};

struct cgroup_stats {
	bool memory_valid, cpu_valid;
	uint64_t memory_peak_bytes;
	uint64_t oom_kills;
	uint64_t pids_max_hits; /* forks refused at pids.max */
	uint64_t cpu_usage_ns;
	bool pids_peak_valid;
	uint64_t pids_peak; /* most tasks at once (v2 pids.peak, Linux 6.1+) */
};

/* Read /proc/self/mountinfo and /proc/self/cgroup. 0, or -ENOENT when no
 * usable hierarchy (memory and pids controllers) exists. */
int cgroup_discover(struct cgroup_layout *out);

/* Create and configure the jail's cgroups. parent: v2, an absolute
 * directory (NULL: "<mount>/actjail"); v1, a path inside every hierarchy
 * (NULL: this process's own cgroup there). name is unique per jail. */
int cgroup_create(const struct cgroup_layout *lay, const char *parent, const char *name,
		  const struct limits *l, struct cgroup_jail *cg, char *err, size_t errlen);

/* v1: open the `tasks` file of each of the jail's cgroups for writing
 * (close-on-exec), for the jail's init to move itself in before it runs
 * anything of the program's (cgroup_join_self). 0 or -errno, with nothing
 * left open. v2 and none: nothing to do. */
int cgroup_open_join(struct cgroup_jail *cg);
/* The jail's init: write "0" to each. That moves the calling thread alone;
 * a single-threaded process is then wholly in. Unlike moving another
 * process (cgroup.procs), it needs no write lock on the cgroup threadgroup
 * semaphore, whose RCU grace period cost 0-13 ms per run on this v1 host
 * (Linux 6.0+, "cgroup: Optimize single thread migration"). The kernel
 * checks permission against the opener's credentials. Closes the files
 * either way (the init's copies: it needs its descriptors for the mounts).
 * 0 or -errno. */
int cgroup_join_self(struct cgroup_jail *cg);
/* Close what cgroup_open_join opened (the launcher, once the jail is cloned). */
void cgroup_close_join(struct cgroup_jail *cg);

/* Lower the jail's memory limit to mib (a warm jail handed a request that
 * asks for less): v1 memory.limit_in_bytes then memsw, v2 memory.max.
 * Nothing to do without a memory cgroup. 0 or -errno (the kernel refuses a
 * limit below what the jail uses: EBUSY). */
int cgroup_lower_memory(const struct cgroup_jail *cg, uint64_t mib);

/* v2: kill every process in the jail's cgroup (cgroup.kill); v1: no-op. */
void cgroup_kill(const struct cgroup_jail *cg);

void cgroup_read_stats(const struct cgroup_jail *cg, struct cgroup_stats *st);

/* Open what cgroup_read_stats reads, so that it only reads: after the jail
 * exists, while its init builds it. A file that cannot be opened is read by
 * its path later, as without this; cgroup_destroy closes them. */
void cgroup_open_stats(struct cgroup_jail *cg);

/* Remove the jail's cgroups (they must be empty: after the jail is reaped)
 * and free cg. Returns 0 or the first -errno. */
int cgroup_destroy(struct cgroup_jail *cg);

/* Remove cgroups left by launchers that died under the parent cgroup_create
 * would use: named actjail-PIDNS-PID-N, with PIDNS our pid namespace's inode
 * and PID gone; of another pid namespace (PID means nothing here), only
 * when a minute old. Best effort. */
void cgroup_sweep(const struct cgroup_layout *lay, const char *parent);

/* The inode of our pid namespace, which names our jails' cgroups (two
 * launchers in different pid namespaces may share a pid), or 0. */
unsigned long cgroup_own_pidns(void);

#endif
