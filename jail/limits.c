/* limits.c - apply the run's rlimits (see limits.h). */
#define _GNU_SOURCE
#include "jail/limits.h"

#include <errno.h>
#include <sys/resource.h>

#include "jail/log.h"

static void set_or_die(int resource, const char *name, rlim_t soft, rlim_t hard)
{
	struct rlimit rl = { .rlim_cur = soft, .rlim_max = hard }, cur;

	/* Only root of the initial namespace may raise a hard limit; where the
	 * caller's is lower than asked, the lower one applies (stricter, never
	 * weaker). */
	if (getrlimit(resource, &cur) == 0 && cur.rlim_max != RLIM_INFINITY) {
		if (rl.rlim_max > cur.rlim_max)
			rl.rlim_max = cur.rlim_max;
		if (rl.rlim_cur > rl.rlim_max)
			rl.rlim_cur = rl.rlim_max;
	}
	if (setrlimit(resource, &rl) < 0)
		die("set resource limits", errno, "%s", name);
}

void limits_setup_child_or_die(const struct limits *l, bool cgroup_pids)
{
	rlim_t nproc = l->pids + (cgroup_pids ? 1 : 0);

	set_or_die(RLIMIT_CORE, "RLIMIT_CORE", 0, 0);
	set_or_die(RLIMIT_NOFILE, "RLIMIT_NOFILE", l->open_files, l->open_files);
	set_or_die(RLIMIT_FSIZE, "RLIMIT_FSIZE", (rlim_t)l->file_size_mib << 20,
		   (rlim_t)l->file_size_mib << 20);
	set_or_die(RLIMIT_DATA, "RLIMIT_DATA", (rlim_t)l->memory_mib << 20,
		   (rlim_t)l->memory_mib << 20);
	set_or_die(RLIMIT_NPROC, "RLIMIT_NPROC", nproc, nproc);
	set_or_die(RLIMIT_MEMLOCK, "RLIMIT_MEMLOCK", 0, 0);
	set_or_die(RLIMIT_MSGQUEUE, "RLIMIT_MSGQUEUE", 0, 0);
	if (l->cpu_time_ms) {
		/* SIGXCPU at the soft limit, SIGKILL one second later */
		rlim_t s = (rlim_t)((l->cpu_time_ms + 999) / 1000);

		set_or_die(RLIMIT_CPU, "RLIMIT_CPU", s, s + 1);
	}
}
