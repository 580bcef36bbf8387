/* usage.c - CPU and memory a jail used (see usage.h). */
#define _GNU_SOURCE
#include "jail/usage.h"

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void add_cpu(pid_t pid, uint64_t *ticks, unsigned depth)
{
	char path[96], buf[1024], *p;
	FILE *f;
	DIR *d;
	struct dirent *e;
	unsigned long long ut, st, cut, cst;

	if (depth > 64)
		return;
	(void)snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return;
	p = fgets(buf, sizeof(buf), f);
	fclose(f);
	/* fields after the command name, which may hold spaces and parens */
	if (!p || !(p = strrchr(buf, ')')) ||
	    sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %llu %llu", &ut,
		   &st, &cut, &cst) != 4)
		return;
	*ticks += ut + st + cut + cst;
	(void)snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	d = opendir(path);
	if (!d)
		return;
	while ((e = readdir(d))) {
		char cpath[128];
		FILE *c;
		int child;

		if (e->d_name[0] == '.')
			continue;
		(void)snprintf(cpath, sizeof(cpath), "/proc/%d/task/%.16s/children", (int)pid,
			       e->d_name);
		c = fopen(cpath, "re");
		if (!c)
			continue;
		while (fscanf(c, "%d", &child) == 1)
			add_cpu(child, ticks, depth + 1);
		fclose(c);
	}
	closedir(d);
}

uint64_t usage_tree_cpu_ms(pid_t pid)
{
	uint64_t ticks = 0;
	long hz = sysconf(_SC_CLK_TCK);

	add_cpu(pid, &ticks, 0);
	return hz > 0 ? ticks * 1000 / (uint64_t)hz : 0;
}

void usage_collect(const struct rusage *ru, uint64_t cpu_snapshot_ms, const struct cgroup_jail *cg,
		   struct outcome *o)
{
	struct cgroup_stats cs;

	/* init's rusage includes every process it reaped: the whole jail */
	o->cpu_ms = (uint64_t)(ru->ru_utime.tv_sec + ru->ru_stime.tv_sec) * 1000 +
		    (uint64_t)(ru->ru_utime.tv_usec + ru->ru_stime.tv_usec) / 1000;
	o->memory_peak_kib = (uint64_t)ru->ru_maxrss;
	if (cpu_snapshot_ms > o->cpu_ms)
		o->cpu_ms = cpu_snapshot_ms;
	/* the cgroup counts every process of the jail, killed ones included */
	cgroup_read_stats(cg, &cs);
	if (cs.cpu_valid && cs.cpu_usage_ns / 1000000 > o->cpu_ms)
		o->cpu_ms = cs.cpu_usage_ns / 1000000;
	if (cs.memory_valid && cs.memory_peak_bytes / 1024 > o->memory_peak_kib)
		o->memory_peak_kib = cs.memory_peak_bytes / 1024;
	o->oom_kills = cs.oom_kills;
	o->pids_max_hits = cs.pids_max_hits;
	o->processes_max = cs.pids_peak_valid ? (int64_t)cs.pids_peak : -1;
}
