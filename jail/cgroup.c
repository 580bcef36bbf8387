/* cgroup.c - a cgroup per jail, v2 or v1 (see cgroup.h). */
#define _GNU_SOURCE
#include "jail/cgroup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "jail/util.h"

static const char *const v1_names[CG1_N] = { "memory", "pids", "cpu", "cpuacct" };

/* snprintf that refuses to truncate a path (a truncated path would name
 * another cgroup). */
__attribute__((format(printf, 3, 4))) static bool path_fmt(char *out, size_t len, const char *fmt,
							   ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out, len, fmt, ap);
	va_end(ap);
	return n >= 0 && (size_t)n < len;
}

__attribute__((format(printf, 3, 4))) static int fail(char *err, size_t errlen, const char *fmt,
						      ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -EIO;
}

/* Write value to dir/file. Control files exist in a real cgroupfs; O_CREAT
 * only matters for the tree the unit tests build. */
static int put(const char *dir, const char *file, const char *value)
{
	char path[1200];
	int fd, r;

	if (!path_fmt(path, sizeof(path), "%s/%s", dir, file))
		return -ENAMETOOLONG;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	r = write_all(fd, value, strlen(value));
	if (close(fd) < 0 && r == 0)
		r = -errno;
	return r;
}

static bool exists(const char *dir, const char *file)
{
	char path[1200];

	if (!path_fmt(path, sizeof(path), "%s/%s", dir, file))
		return false;
	return access(path, F_OK) == 0;
}

/* First line of dir/file, or "" */
static void get(const char *dir, const char *file, char *out, size_t len)
{
	char path[1200];
	FILE *f;

	out[0] = '\0';
	if (!path_fmt(path, sizeof(path), "%s/%s", dir, file))
		return;
	f = fopen(path, "re");
	if (!f)
		return;
	if (!fgets(out, (int)len, f))
		out[0] = '\0';
	fclose(f);
}

/* ---- discovery -------------------------------------------------------------- */

int cgroup_discover(struct cgroup_layout *out)
{
	char line[2048], own[CG1_N][512] = { { 0 } }, mnt[CG1_N][256] = { { 0 } };
	char v2[256] = "";
	FILE *f;
	int k;

	memset(out, 0, sizeof(*out));
	f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char mpoint[256], fstype[32], opts[512];
		char *sep = strstr(line, " - ");

		if (!sep || sscanf(line, "%*s %*s %*s %*s %255s", mpoint) != 1 ||
		    sscanf(sep + 3, "%31s %*s %511s", fstype, opts) != 2)
			continue;
		if (!strcmp(fstype, "cgroup2") && !v2[0]) {
			(void)snprintf(v2, sizeof(v2), "%s", mpoint);
		} else if (!strcmp(fstype, "cgroup")) {
			for (k = 0; k < CG1_N; k++) {
				char *p = opts;
				size_t n = strlen(v1_names[k]);

				/* a whole word of the comma-separated super options */
				while ((p = strstr(p, v1_names[k]))) {
					if ((p == opts || p[-1] == ',') && (p[n] == ',' || !p[n]))
						break;
					p += n;
				}
				if (p && !mnt[k][0])
					(void)snprintf(mnt[k], sizeof(mnt[k]), "%s", mpoint);
			}
		}
	}
	fclose(f);

	/* v2 when its root offers the controllers; else v1 */
	if (v2[0]) {
		char ctl[256];

		get(v2, "cgroup.controllers", ctl, sizeof(ctl));
		if (strstr(ctl, "memory") && strstr(ctl, "pids")) {
			out->version = CG_V2;
			(void)snprintf(out->v2_mount, sizeof(out->v2_mount), "%s", v2);
			return 0;
		}
	}
	if (!mnt[CG1_MEMORY][0] || !mnt[CG1_PIDS][0])
		return -ENOENT;
	f = fopen("/proc/self/cgroup", "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char *ctl = strchr(line, ':'), *path = ctl ? strchr(ctl + 1, ':') : NULL;

		if (!path)
			continue;
		*path++ = '\0';
		path[strcspn(path, "\n")] = '\0';
		for (k = 0; k < CG1_N; k++) {
			char *p = ctl + 1;
			size_t n = strlen(v1_names[k]);

			while ((p = strstr(p, v1_names[k]))) {
				if ((p == ctl + 1 || p[-1] == ',') && (p[n] == ',' || !p[n]))
					break;
				p += n;
			}
			if (p)
				(void)snprintf(own[k], sizeof(own[k]), "%s", path);
		}
	}
	fclose(f);
	out->version = CG_V1;
	for (k = 0; k < CG1_N; k++) {
		if (!mnt[k][0])
			continue;
		if (!path_fmt(out->v1_mount[k], sizeof(out->v1_mount[k]), "%s", mnt[k]))
			return -ENAMETOOLONG;
		if (!path_fmt(out->v1_dir[k], sizeof(out->v1_dir[k]), "%s%s", mnt[k],
			      strcmp(own[k], "/") ? own[k] : ""))
			return -ENAMETOOLONG;
	}
	return 0;
}

/* ---- creation --------------------------------------------------------------- */

static int mk(const char *dir, char *err, size_t errlen)
{
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return fail(err, errlen, "mkdir %s: %s", dir, strerror(errno));
	return 0;
}

static int create_v2(const struct cgroup_layout *lay, const char *parent, const char *name,
		     const struct limits *l, struct cgroup_jail *cg, char *err, size_t errlen)
{
	char pdir[512], dir[768], v[64];
	int r;

	if (parent) {
		struct stat st;

		if (!path_fmt(pdir, sizeof(pdir), "%s", parent))
			return fail(err, errlen, "cgroup path too long");
		/* delegated, so used and never created (see create_v1) */
		if (stat(pdir, &st) < 0 || !S_ISDIR(st.st_mode))
			return fail(err, errlen, "the delegated parent %s does not exist", parent);
	} else {
		/* our own directory under the root, where controllers can be enabled
		 * (the root cgroup is exempt from the no-internal-processes rule) */
		(void)snprintf(pdir, sizeof(pdir), "%s/actjail", lay->v2_mount);
		if ((r = put(lay->v2_mount, "cgroup.subtree_control", "+memory +pids +cpu")) < 0)
			return fail(err, errlen, "enable controllers in %s: %s", lay->v2_mount,
				    strerror(-r));
		if ((r = mk(pdir, err, errlen)))
			return r;
	}
	if ((r = put(pdir, "cgroup.subtree_control", "+memory +pids +cpu")) < 0)
		return fail(err, errlen, "enable memory, pids and cpu in %s: %s", pdir,
			    strerror(-r));
	if (!path_fmt(dir, sizeof(dir), "%s/%s", pdir, name))
		return fail(err, errlen, "cgroup path too long");
	if (mkdir(dir, 0755) < 0)
		return fail(err, errlen, "mkdir %s: %s", dir, strerror(errno));
	cg->dir[0] = xstrdup(dir);
	(void)snprintf(v, sizeof(v), "%llu", (unsigned long long)l->memory_mib << 20);
	if ((r = put(dir, "memory.max", v)) < 0)
		return fail(err, errlen, "%s/memory.max: %s", dir, strerror(-r));
	/* no swap: the limit is memory actually resident */
	if (exists(dir, "memory.swap.max") && (r = put(dir, "memory.swap.max", "0")) < 0)
		return fail(err, errlen, "%s/memory.swap.max: %s", dir, strerror(-r));
	/* an OOM kill takes the whole jail, not one process of it */
	if (exists(dir, "memory.oom.group"))
		(void)put(dir, "memory.oom.group", "1");
	(void)snprintf(v, sizeof(v), "%llu", (unsigned long long)l->pids);
	if ((r = put(dir, "pids.max", v)) < 0)
		return fail(err, errlen, "%s/pids.max: %s", dir, strerror(-r));
	if (l->cpu_millis) {
		(void)snprintf(v, sizeof(v), "%llu 100000",
			       (unsigned long long)l->cpu_millis * 100);
		if ((r = put(dir, "cpu.max", v)) < 0)
			return fail(err, errlen, "%s/cpu.max: %s", dir, strerror(-r));
		cg->cpus = true;
	}
	cg->memory = cg->pids = true;
	cg->v2_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cg->v2_fd < 0)
		return fail(err, errlen, "open %s: %s", dir, strerror(errno));
	return 0;
}

static int create_v1(const struct cgroup_layout *lay, const char *parent, const char *name,
		     const struct limits *l, struct cgroup_jail *cg, char *err, size_t errlen)
{
	char v[64];
	int k, r;

	for (k = 0; k < CG1_N; k++) {
		char dir[1024];

		if (!lay->v1_dir[k][0])
			continue;
		if (parent) {
			struct stat st;

			/* The parent is a path inside every hierarchy, delegated by
			 * whoever set the host up: it is used, never created (what
			 * the launcher creates it must own and remove). Memory and
			 * pids must have it; a hierarchy without it is not used. */
			if (!path_fmt(dir, sizeof(dir), "%s%s", lay->v1_mount[k], parent))
				return fail(err, errlen, "cgroup path too long");
			if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
				if (k == CG1_MEMORY || k == CG1_PIDS)
					return fail(err, errlen,
						    "the delegated parent %s does not exist (%s): "
						    "create it in each hierarchy first",
						    parent, dir);
				continue;
			}
			if (!path_fmt(dir, sizeof(dir), "%s%s/%s", lay->v1_mount[k], parent, name))
				return fail(err, errlen, "cgroup path too long");
		} else if (!path_fmt(dir, sizeof(dir), "%s/%s", lay->v1_dir[k], name)) {
			return fail(err, errlen, "cgroup path too long");
		}
		if (mkdir(dir, 0755) < 0)
			return fail(err, errlen, "mkdir %s: %s", dir, strerror(errno));
		cg->dir[k] = xstrdup(dir);
	}
	if (!cg->dir[CG1_MEMORY] || !cg->dir[CG1_PIDS])
		return fail(err, errlen, "no memory or pids hierarchy");
	(void)snprintf(v, sizeof(v), "%llu", (unsigned long long)l->memory_mib << 20);
	if ((r = put(cg->dir[CG1_MEMORY], "memory.limit_in_bytes", v)) < 0)
		return fail(err, errlen, "%s/memory.limit_in_bytes: %s", cg->dir[CG1_MEMORY],
			    strerror(-r));
	/* memory+swap at the same value: no swap (needs swap accounting) */
	if (exists(cg->dir[CG1_MEMORY], "memory.memsw.limit_in_bytes") &&
	    (r = put(cg->dir[CG1_MEMORY], "memory.memsw.limit_in_bytes", v)) < 0)
		return fail(err, errlen, "%s/memory.memsw.limit_in_bytes: %s", cg->dir[CG1_MEMORY],
			    strerror(-r));
	(void)snprintf(v, sizeof(v), "%llu", (unsigned long long)l->pids);
	if ((r = put(cg->dir[CG1_PIDS], "pids.max", v)) < 0)
		return fail(err, errlen, "%s/pids.max: %s", cg->dir[CG1_PIDS], strerror(-r));
	cg->memory = cg->pids = true;
	if (l->cpu_millis && cg->dir[CG1_CPU]) {
		if ((r = put(cg->dir[CG1_CPU], "cpu.cfs_period_us", "100000")) < 0)
			return fail(err, errlen, "%s/cpu.cfs_period_us: %s", cg->dir[CG1_CPU],
				    strerror(-r));
		(void)snprintf(v, sizeof(v), "%llu", (unsigned long long)l->cpu_millis * 100);
		if ((r = put(cg->dir[CG1_CPU], "cpu.cfs_quota_us", v)) < 0)
			return fail(err, errlen, "%s/cpu.cfs_quota_us: %s", cg->dir[CG1_CPU],
				    strerror(-r));
		cg->cpus = true;
	}
	return 0;
}

int cgroup_create(const struct cgroup_layout *lay, const char *parent, const char *name,
		  const struct limits *l, struct cgroup_jail *cg, char *err, size_t errlen)
{
	int r;

	memset(cg, 0, sizeof(*cg));
	cg->v2_fd = -1;
	cg->version = lay->version;
	if (lay->version == CG_V2)
		r = create_v2(lay, parent, name, l, cg, err, errlen);
	else if (lay->version == CG_V1)
		r = create_v1(lay, parent, name, l, cg, err, errlen);
	else
		r = fail(err, errlen, "no cgroup hierarchy");
	if (r < 0)
		(void)cgroup_destroy(cg);
	return r;
}

int cgroup_open_join(struct cgroup_jail *cg)
{
	char path[1200];

	cg->njoin = 0;
	if (cg->version != CG_V1)
		return 0;
	for (int k = 0; k < CG1_N; k++) {
		int fd;

		if (!cg->dir[k])
			continue;
		if (!path_fmt(path, sizeof(path), "%s/tasks", cg->dir[k])) {
			cgroup_close_join(cg);
			return -ENAMETOOLONG;
		}
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0) {
			int e = errno;

			cgroup_close_join(cg);
			return -e;
		}
		cg->join_fd[cg->njoin++] = fd;
	}
	return 0;
}

int cgroup_join_self(struct cgroup_jail *cg)
{
	int r = 0;

	for (int i = 0; i < cg->njoin && !r; i++) {
		ssize_t n;

		do
			n = write(cg->join_fd[i], "0", 1);
		while (n < 0 && errno == EINTR);
		if (n != 1)
			r = n < 0 ? -errno : -EIO;
	}
	cgroup_close_join(cg);
	return r;
}

void cgroup_close_join(struct cgroup_jail *cg)
{
	for (int i = 0; i < cg->njoin; i++)
		(void)close(cg->join_fd[i]);
	cg->njoin = 0;
}

int cgroup_lower_memory(const struct cgroup_jail *cg, uint64_t mib)
{
	char v[32];
	int r;

	if (!cg->memory)
		return 0;
	(void)snprintf(v, sizeof(v), "%llu", (unsigned long long)mib << 20);
	if (cg->version == CG_V2)
		return put(cg->dir[0], "memory.max", v);
	/* memsw may never be below the memory limit: that one first */
	if ((r = put(cg->dir[CG1_MEMORY], "memory.limit_in_bytes", v)) < 0)
		return r;
	if (exists(cg->dir[CG1_MEMORY], "memory.memsw.limit_in_bytes"))
		return put(cg->dir[CG1_MEMORY], "memory.memsw.limit_in_bytes", v);
	return 0;
}

void cgroup_kill(const struct cgroup_jail *cg)
{
	if (cg->version == CG_V2 && cg->dir[0] && exists(cg->dir[0], "cgroup.kill"))
		(void)put(cg->dir[0], "cgroup.kill", "1");
}

struct stat_file {
	int dir; /* index into cgroup_jail.dir, -1: none in this version */
	const char *name;
};

static const struct stat_file v2_stats[CG_STAT_N] = {
	[CG_STAT_MEM_PEAK] = { 0, "memory.peak" },
	[CG_STAT_MEM_EVENTS] = { 0, "memory.events" },
	[CG_STAT_PIDS_EVENTS] = { 0, "pids.events" },
	[CG_STAT_PIDS_PEAK] = { 0, "pids.peak" },
	[CG_STAT_CPU] = { 0, "cpu.stat" },
};
static const struct stat_file v1_stats[CG_STAT_N] = {
	[CG_STAT_MEM_PEAK] = { CG1_MEMORY, "memory.max_usage_in_bytes" },
	[CG_STAT_MEM_EVENTS] = { CG1_MEMORY, "memory.oom_control" },
	[CG_STAT_PIDS_EVENTS] = { CG1_PIDS, "pids.events" },
	[CG_STAT_PIDS_PEAK] = { -1, NULL },
	[CG_STAT_CPU] = { CG1_CPUACCT, "cpuacct.usage" },
};

static int stat_open(const struct cgroup_jail *cg, int k)
{
	const struct stat_file *f = cg->version == CG_V2   ? &v2_stats[k]
				    : cg->version == CG_V1 ? &v1_stats[k]
							   : NULL;
	char path[1200];

	if (!f || f->dir < 0 || !cg->dir[f->dir] ||
	    !path_fmt(path, sizeof(path), "%s/%s", cg->dir[f->dir], f->name))
		return -1;
	return open(path, O_RDONLY | O_CLOEXEC);
}

void cgroup_open_stats(struct cgroup_jail *cg)
{
	for (int k = 0; k < CG_STAT_N; k++)
		cg->stat_fd[k] = stat_open(cg, k);
	cg->stats_open = true;
}

/* File k's text, NUL-terminated (false: none). A cgroup file read again from
 * offset 0 shows its values as of now (seq_file starts over). */
static bool stat_text(const struct cgroup_jail *cg, int k, char *buf, size_t len)
{
	bool own = !cg->stats_open || cg->stat_fd[k] < 0;
	int fd = own ? stat_open(cg, k) : cg->stat_fd[k];
	ssize_t n;

	if (fd < 0)
		return false;
	do
		n = pread(fd, buf, len - 1, 0);
	while (n < 0 && errno == EINTR);
	if (own)
		(void)close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	return true;
}

static bool stat_number(const struct cgroup_jail *cg, int k, uint64_t *v)
{
	char buf[64];
	unsigned long x;

	if (!stat_text(cg, k, buf, sizeof(buf)) || sscanf(buf, "%lu", &x) != 1)
		return false;
	*v = x;
	return true;
}

/* The number after "key " in a flat keyed file (memory.events, cpu.stat...). */
static bool stat_keyed(const struct cgroup_jail *cg, int k, const char *key, uint64_t *v)
{
	char buf[2048];
	size_t klen = strlen(key);
	unsigned long x;

	if (!stat_text(cg, k, buf, sizeof(buf)))
		return false;
	for (const char *line = buf; line && *line;
	     line = strchr(line, '\n'), line = line ? line + 1 : NULL)
		if (!strncmp(line, key, klen) && line[klen] == ' ' &&
		    sscanf(line + klen + 1, "%lu", &x) == 1) {
			*v = x;
			return true;
		}
	return false;
}

void cgroup_read_stats(const struct cgroup_jail *cg, struct cgroup_stats *st)
{
	uint64_t v;

	memset(st, 0, sizeof(*st));
	if (cg->version == CG_V2) {
		st->memory_valid = stat_number(cg, CG_STAT_MEM_PEAK, &st->memory_peak_bytes);
		(void)stat_keyed(cg, CG_STAT_MEM_EVENTS, "oom_kill", &st->oom_kills);
		(void)stat_keyed(cg, CG_STAT_PIDS_EVENTS, "max", &st->pids_max_hits);
		st->pids_peak_valid = stat_number(cg, CG_STAT_PIDS_PEAK, &st->pids_peak);
		if (stat_keyed(cg, CG_STAT_CPU, "usage_usec", &v)) {
			st->cpu_usage_ns = v * 1000;
			st->cpu_valid = true;
		}
	} else if (cg->version == CG_V1) {
		st->memory_valid = stat_number(cg, CG_STAT_MEM_PEAK, &st->memory_peak_bytes);
		(void)stat_keyed(cg, CG_STAT_MEM_EVENTS, "oom_kill", &st->oom_kills);
		(void)stat_keyed(cg, CG_STAT_PIDS_EVENTS, "max", &st->pids_max_hits);
		st->cpu_valid = stat_number(cg, CG_STAT_CPU, &st->cpu_usage_ns);
	}
}

int cgroup_destroy(struct cgroup_jail *cg)
{
	int k, r = 0;

	if (cg->v2_fd >= 0)
		(void)close(cg->v2_fd);
	cg->v2_fd = -1;
	cgroup_close_join(cg);
	if (cg->stats_open)
		for (k = 0; k < CG_STAT_N; k++)
			if (cg->stat_fd[k] >= 0)
				(void)close(cg->stat_fd[k]);
	cg->stats_open = false;
	for (k = 0; k < CG1_N; k++) {
		if (!cg->dir[k])
			continue;
		if (rmdir(cg->dir[k]) < 0 && errno != ENOENT && !r)
			r = -errno;
		free(cg->dir[k]);
		cg->dir[k] = NULL;
	}
	return r;
}

/* ---- leftovers of launchers that died --------------------------------------- */

/* A cgroup of another pid namespace's launcher, or of the old naming,
 * whose pid cannot be checked from here: left alone unless it has existed
 * for this long (a live launcher fills its cgroup within milliseconds; an
 * rmdir of one still holding processes fails anyway). */
#define FOREIGN_STALE_SECONDS 60

static void sweep_dir(const char *dir, unsigned long own_pidns)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		char path[1024];
		unsigned long ns;
		int pid;
		struct stat st;

		if (strncmp(e->d_name, "actjail-", 8) != 0)
			continue;
		(void)snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (sscanf(e->d_name, "actjail-%lu-%d-", &ns, &pid) == 2 && ns == own_pidns &&
		    pid > 0) {
			if (kill(pid, 0) == 0 || errno != ESRCH)
				continue;
		} else if (stat(path, &st) < 0 ||
			   time(NULL) - st.st_mtime < FOREIGN_STALE_SECONDS) {
			continue;
		}
		/* fails while it still holds processes, as it should */
		(void)rmdir(path);
	}
	closedir(d);
}

unsigned long cgroup_own_pidns(void)
{
	struct stat st;

	return stat("/proc/self/ns/pid", &st) == 0 ? (unsigned long)st.st_ino : 0;
}

void cgroup_sweep(const struct cgroup_layout *lay, const char *parent)
{
	unsigned long own = cgroup_own_pidns();
	char dir[1024];
	int k;

	if (lay->version == CG_V2) {
		if (parent)
			sweep_dir(parent, own);
		else {
			(void)snprintf(dir, sizeof(dir), "%s/actjail", lay->v2_mount);
			sweep_dir(dir, own);
		}
	} else if (lay->version == CG_V1) {
		for (k = 0; k < CG1_N; k++) {
			if (!lay->v1_mount[k][0])
				continue;
			if (parent)
				(void)snprintf(dir, sizeof(dir), "%s%s", lay->v1_mount[k], parent);
			else
				(void)snprintf(dir, sizeof(dir), "%s", lay->v1_dir[k]);
			sweep_dir(dir, own);
		}
	}
}
