/* limits.c - apply the run's rlimits and the user namespace's caps (see limits.h). */
#define _GNU_SOURCE
#include "jail/limits.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "jail/log.h"
#include "jail/util.h"

/*
 * The per-user counts a jail could otherwise run up for others. Each is
 * counted per user namespace and up the chain (kernel/ucount.c inc_ucount):
 * what the jail holds is charged to its own namespace and also to the
 * namespace's owner at every level above, which is host root when actjail
 * runs as root and the caller when rootless. Capped here, one jail can take
 * no more of the owner's allowance than these.
 *
 * inotify: the owner's default is 128 instances in all. A program needs one
 * or two (a file watcher); 8 leaves it room and lets 16 jails hold all
 * theirs before root's default allowance would be gone. Watches: 8192 covers
 * a recursive watch of a sizeable source tree; each pins an inode and a mark
 * (about 1 KiB of kernel memory), 8 MiB at most per jail.
 * Namespaces: the jail's own were created by the launcher before this runs,
 * so 0 only refuses new ones: a second wall behind seccomp (unshare and
 * clone's namespace flags refused, clone3 ENOSYS). Without capabilities every
 * namespace but a user namespace needs a new user namespace first, so
 * max_user_namespaces 0 is the wall that matters; the others are set so the
 * jail's record says so.
 * fanotify (Linux 5.13): fanotify_init is refused by seccomp; 0 behind it.
 */
const struct limits_ucount limits_ucounts[] = {
	{ "inotify_instances", 8 }, { "inotify_watches", 8192 }, { "user_namespaces", 0 },
	{ "mnt_namespaces", 0 },    { "pid_namespaces", 0 },	 { "net_namespaces", 0 },
	{ "ipc_namespaces", 0 },    { "uts_namespaces", 0 },	 { "cgroup_namespaces", 0 },
	{ "time_namespaces", 0 },   { "fanotify_groups", 0 },	 { "fanotify_marks", 0 },
};
const size_t limits_nucounts = ARRAY_SIZE(limits_ucounts);

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
	/* Locked memory and POSIX message queue bytes are per-user counts too
	 * (ucounts, charged up the chain like those above); mlock and mq_open
	 * are of no use to the program (mq_open is refused by seccomp). */
	set_or_die(RLIMIT_MEMLOCK, "RLIMIT_MEMLOCK", 0, 0);
	set_or_die(RLIMIT_MSGQUEUE, "RLIMIT_MSGQUEUE", 0, 0);
	/* Queued signals (sigqueue, real-time signals, POSIX timers) are
	 * charged to the receiver's user in the jail's namespace and to its
	 * owner above, up to the launcher's own limit there: uncapped, a jail
	 * could use up host root's allowance (or the caller's) and others'
	 * real-time signals and timer_create would fail with EAGAIN. Signals
	 * the kernel sends (SIGCHLD, SIGKILL) are never refused by it. */
	set_or_die(RLIMIT_SIGPENDING, "RLIMIT_SIGPENDING", LIMITS_SIGPENDING, LIMITS_SIGPENDING);
	/* The stack is not counted in RLIMIT_DATA, and a program may set its
	 * own soft limits: the hard stack limit is pinned to the soft one (8
	 * MiB where the caller's is unlimited), so it cannot grow past that. */
	{
		struct rlimit st;
		rlim_t s = 8u << 20;

		if (getrlimit(RLIMIT_STACK, &st) == 0 && st.rlim_cur != RLIM_INFINITY)
			s = st.rlim_cur;
		set_or_die(RLIMIT_STACK, "RLIMIT_STACK", s, s);
	}
	if (l->cpu_time_ms) {
		/* SIGXCPU at the soft limit, SIGKILL one second later */
		rlim_t s = (rlim_t)((l->cpu_time_ms + 999) / 1000);

		set_or_die(RLIMIT_CPU, "RLIMIT_CPU", s, s + 1);
	}
}

/* One decimal integer and a newline, as a sysctl file holds it. */
static int read_int_at(int fd)
{
	char buf[32], *end;
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	long v;

	if (n < 0)
		return -errno;
	buf[n] = '\0';
	errno = 0;
	v = strtol(buf, &end, 10);
	if (end == buf || (*end && strcmp(end, "\n") != 0) || errno || v < 0 || v > INT32_MAX)
		return -EPROTO;
	return (int)v;
}

int limits_read_ucount(const char *name)
{
	char path[64];
	_cleanup_close_ int fd = -1;

	(void)snprintf(path, sizeof(path), "/proc/sys/user/max_%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	return read_int_at(fd);
}

/*
 * The jail's /proc/sys is read-only for the program, and must stay so. The
 * sysctl files resolve against the writer's user namespace whatever procfs
 * they are opened through (kernel/ucount.c set_lookup), and a writer with
 * CAP_SYS_RESOURCE there may change them (set_permissions). So the init
 * opens /proc/sys/user of the jail's own procfs before mount.c covers
 * /proc/sys with a read-only bind: lookups below that descriptor stay on the
 * writable procfs mount, while every path lookup meets the read-only one.
 * No mount is made for it (a detached copy of /proc, as before, cost an RCU
 * grace period when its descriptor closed), and the descriptor is closed
 * here, before the program exists (and close-on-exec besides).
 */
static int ucounts_dir = -1;
static bool ucounts_absent;

void limits_ucounts_open_child_or_die(const char *proc_sys_user)
{
	ucounts_dir = open(proc_sys_user, O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (ucounts_dir < 0 && errno == ENOENT)
		ucounts_absent = true; /* a kernel without these limits (< 4.9, or no sysctl) */
	else if (ucounts_dir < 0)
		die("limit user namespace counts", errno, "open %s", proc_sys_user);
}

void limits_ucounts_child_or_die(void)
{
	_cleanup_close_ int dir = ucounts_dir;
	char path[64], text[32];

	ucounts_dir = -1;
	if (ucounts_absent)
		return;
	if (dir < 0)
		die("limit user namespace counts", EBADF, "/proc/sys/user was not opened");
	for (size_t i = 0; i < limits_nucounts; i++) {
		const struct limits_ucount *u = &limits_ucounts[i];
		_cleanup_close_ int fd = -1;
		int r, len;

		(void)snprintf(path, sizeof(path), "max_%s", u->name);
		fd = openat(dir, path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0 && errno == ENOENT)
			continue; /* this kernel has no such limit; verify reports it absent */
		if (fd < 0)
			die("limit user namespace counts", errno, "open %s", path);
		len = snprintf(text, sizeof(text), "%d\n", u->value);
		r = write_all(fd, text, (size_t)len);
		if (r < 0)
			die("limit user namespace counts", -r, "write %s", path);
		r = read_int_at(fd);
		if (r < 0)
			die("limit user namespace counts", -r, "read back %s", path);
		if (r != u->value)
			die("limit user namespace counts", 0, "%s reads %d after writing %d", path,
			    r, u->value);
	}
}

/* Lower *v to limit (in the unit of *v) where the caller's hard rlimit is
 * lower: the jail inherits it, and no one below host root can raise it. */
static void clamp_to(uint64_t *v, rlim_t hard, uint64_t unit, const char *name, const char *opt)
{
	uint64_t cap;

	if (hard == RLIM_INFINITY)
		return;
	cap = (uint64_t)hard / unit;
	if (*v && *v <= cap)
		return;
	log_warn("the caller's hard limit (%s) lowers %s from %llu to %llu", opt, name,
		 (unsigned long long)*v, (unsigned long long)cap);
	*v = cap;
}

/* The result's "limits" say what the jail got: where actjail was started
 * under lower hard limits (ulimit), those apply (limits.c clamps the same
 * way), and the record shows them instead of the policy's numbers. */
void limits_clamp_to_caller(struct limits *l)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0)
		clamp_to(&l->open_files, rl.rlim_max, 1, "open_files", "ulimit -n");
	if (getrlimit(RLIMIT_FSIZE, &rl) == 0)
		clamp_to(&l->file_size_mib, rl.rlim_max, 1u << 20, "file_size_mib", "ulimit -f");
	if (getrlimit(RLIMIT_DATA, &rl) == 0)
		clamp_to(&l->memory_mib, rl.rlim_max, 1u << 20, "memory_mib", "ulimit -d");
	if (getrlimit(RLIMIT_AS, &rl) == 0)
		clamp_to(&l->memory_mib, rl.rlim_max, 1u << 20, "memory_mib", "ulimit -v");
	if (getrlimit(RLIMIT_NPROC, &rl) == 0)
		clamp_to(&l->pids, rl.rlim_max, 1, "pids", "ulimit -u");
	/* CPU: the soft limit (SIGXCPU) one second below the hard (SIGKILL) */
	if (getrlimit(RLIMIT_CPU, &rl) == 0 && rl.rlim_max != RLIM_INFINITY) {
		uint64_t s = rl.rlim_max > 1 ? (uint64_t)rl.rlim_max - 1 : 1;

		if (!l->cpu_time_ms || (l->cpu_time_ms + 999) / 1000 > s) {
			log_warn("the caller's hard limit (ulimit -t) lowers cpu_time to %llu s",
				 (unsigned long long)s);
			l->cpu_time_ms = s * 1000;
		}
	}
}
