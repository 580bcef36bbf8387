/*
 * run.c - one run of a jail: the parent's half of the setup checklist, the
 * counterpart of the child's list in spawn.c, then supervision, capture and
 * the result. run_jail() reads top to bottom as that list; each step is one
 * call into its concern's file, and every ordering is explained where it
 * matters. Before the jail exists a failure is die() (a setup error: exit
 * 125, the step and errno named, nothing left behind); from jail_spawn on
 * nothing exits: the event loop ends the run, whatever happens.
 *
 * Step 0 happens in main(), before anything exists: the signals the loop
 * handles are blocked, so one that comes during setup waits in the
 * signalfd instead of killing the launcher halfway.
 */
#define _GNU_SOURCE
#include "jail/run.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <linux/seccomp.h>
#include <unistd.h>

#include "jail/audit.h"
#include "jail/capture.h"
#include "jail/cgdefer.h"
#include "jail/exitcodes.h"
#include "jail/log.h"
#include "jail/mount.h"
#include "jail/result.h"
#include "jail/spawn.h"
#include "jail/summary.h"
#include "jail/supervise.h"
#include "jail/timing.h"
#include "jail/util.h"
#include "jail/verify.h"
#include "policy/bpfcache.h"
#include "policy/seccomp.h"

/* The one run of this process, for the two die() hooks below: die() has no
 * other way to reach it, and a launcher process runs exactly one jail (a
 * server starts one process per jail). Set by run_report_setup_errors and
 * run_jail; only cleanup_setup writes through it (removing the cgroups). */
static struct config *run_cfg;

/* With --json a setup failure is a result object too (status setup_error). */
static void report_setup_error(const char *step, int err, const char *detail)
{
	struct outcome o;
	struct verdict v = { "setup_error", "setup", EXIT_SETUP };
	struct config c;

	if (!run_cfg)
		return;
	outcome_init(&o);
	o.end = END_SETUP_ERROR;
	o.setup_errno = err;
	(void)snprintf(o.setup_step, sizeof(o.setup_step), "%s", step);
	(void)snprintf(o.setup_detail, sizeof(o.setup_detail), "%s", detail);
	c = *run_cfg;
	if (!c.policy.name) {
		/* the policy itself failed: report the defaults (in a copy) */
		policy_default_limits(&c.policy.limits);
		c.policy.name = (char *)"unknown";
	}
	(void)result_print_json(&c, &o, NULL, &v);
}

void run_report_setup_errors(struct config *cfg)
{
	run_cfg = cfg;
	log_set_report(report_setup_error);
}

/* die() before the jail exists: remove what was made for it. */
static void cleanup_setup(void)
{
	if (run_cfg)
		(void)cgroup_destroy(&run_cfg->cg);
}

void run_load_policy(struct config *cfg)
{
	char err[LOG_MSG_MAX];
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	int r;

	if (cfg->policy_path) {
		_cleanup_close_ int fd = open(cfg->policy_path, O_RDONLY | O_CLOEXEC);

		if (fd < 0)
			usage_error("--policy %s: %s", cfg->policy_path, strerror(errno));
		r = read_all_fd(fd, 1 << 20, &text, &len);
		if (r < 0)
			usage_error("--policy %s: %s", cfg->policy_path, strerror(-r));
		r = policy_parse(text, len, cfg->policy_path, &cfg->policy, err, sizeof(err));
	} else {
		r = policy_parse(actjail_default_policy, actjail_default_policy_len, "default.json",
				 &cfg->policy, err, sizeof(err));
	}
	/* A policy that cannot be read or understood is a setup error (125):
	 * the jail it describes cannot be built. Out of memory is not the
	 * policy's fault: the errno lets log_hint name the caller's limit. */
	if (r == -ENOMEM)
		die("policy", ENOMEM, "while reading %s",
		    cfg->policy_path ? cfg->policy_path : "the built-in policy");
	if (r < 0)
		die("policy", 0, "%s", err);
}

/* Each jail gets its own cgroup where the host has them: as root, or in a
 * delegated --cgroup-parent. Without, the rlimits enforce what they can;
 * a limit nothing can enforce is a setup error unless marked best_effort. */
static struct cgroup_layout cg_layout; /* setup_cgroups_or_die -> sweep_cgroups */
static bool cg_layout_found;

/* A CPU quota only a cgroup can enforce, and none does, unless the policy
 * marks cpus best-effort (memory and pids always have their rlimits). */
static bool cgroup_limits_unmet(const struct config *cfg)
{
	return cfg->policy.limits.cpu_millis && !cfg->cg.cpus &&
	       !(cfg->policy.best_effort & POLICY_LIMIT_CPUS);
}

/* Dies when cgroup_limits_unmet; a --cpus that cannot apply is a warning. */
static void check_cgroup_limits(const struct config *cfg)
{
	if (cfg->cpus_from_cli && !cfg->cg.cpus)
		log_warn("--cpus not applied: a CPU quota needs a cgroup (run as root or pass "
			 "--cgroup-parent); limits.enforced_by.cpus is \"none\"");
	if (cgroup_limits_unmet(cfg))
		die("cgroup", 0,
		    "a CPU quota (cpus) needs cgroups: run as root, pass --cgroup-parent, "
		    "or mark cpus best_effort in the policy");
}

/* Make the jail's cgroups in the discovered layout and open what the init
 * joins (v1 `tasks`). On failure err says why and cg has no cgroup (a
 * warning, limits by rlimits only, unless --cgroup-parent: the caller dies). */
static int create_cgroups(struct config *cfg, char *err, size_t errlen)
{
	char name[64];
	int r;

	/* named by pid namespace and pid (cgroup_sweep tells dead launchers'
	 * cgroups by them); -0: a launcher process runs one jail */
	(void)snprintf(name, sizeof(name), "actjail-%lu-%d-0", cgroup_own_pidns(), (int)getpid());
	r = cgroup_create(&cg_layout, cfg->cgroup_parent, name, &cfg->policy.limits, &cfg->cg, err,
			  errlen);
	if (r == 0) {
		/* v1: the jail's init moves itself in (spawn.c) */
		r = cgroup_open_join(&cfg->cg);
		if (r < 0) {
			(void)snprintf(err, errlen, "open the jail's tasks files: %s",
				       strerror(-r));
			(void)cgroup_destroy(&cfg->cg);
		}
	}
	if (r < 0) {
		if (!cfg->cgroup_parent)
			log_warn("cgroup: %s; limits by rlimits only", err);
		cfg->cg.version = CG_NONE;
		return r;
	}
	log_verbose("cgroup v%d %s", cfg->cg.version,
		    cfg->cg.dir[0] ? cfg->cg.dir[0] : cfg->cg.dir[CG1_PIDS]);
	return 0;
}

static void setup_cgroups_or_die(struct config *cfg)
{
	char err[512];
	int r;

	cfg->cg.version = CG_NONE;
	cfg->cg.v2_fd = -1;
	if ((!cfg->as_root && !cfg->cgroup_parent) || cfg->no_cgroup)
		goto check;
	r = cgroup_discover(&cg_layout);
	if (r < 0) {
		if (cfg->cgroup_parent)
			die("cgroup", -r,
			    "no cgroup hierarchy with the memory and pids controllers");
		log_verbose("no usable cgroup hierarchy: limits by rlimits only");
		goto check;
	}
	cg_layout_found = true;
	if (cg_layout.version == CG_V1) {
		/* made while the jail's init builds the jail (cgdefer.h) */
		cfg->cg.version = CG_V1;
		cfg->cg_deferred = true;
		return;
	}
	if (create_cgroups(cfg, err, sizeof(err)) < 0 && cfg->cgroup_parent)
		die("cgroup", 0, "%s", err);
check:
	check_cgroup_limits(cfg);
}

/* v1, after the clone (cgdefer.h): the same, with the jail's init killed
 * and reaped before any setup error; then its `tasks` files go to it. */
static void create_deferred_cgroups_or_die(struct config *cfg, struct jail *j)
{
	char err[512];
	int r = create_cgroups(cfg, err, sizeof(err));

	if ((r < 0 && cfg->cgroup_parent) || cgroup_limits_unmet(cfg))
		jail_abort(j);
	if (r < 0 && cfg->cgroup_parent)
		die("cgroup", 0, "%s", err);
	check_cgroup_limits(cfg);
	r = cgdefer_send(j->status_fd, &cfg->cg);
	cgroup_close_join(&cfg->cg); /* the init has its own copies now */
	if (r < 0) {
		jail_abort(j);
		die("cgroup", -r, "handing the jail its cgroups");
	}
}

/* Remove what launchers that died (SIGKILL) left under the same parent.
 * Nothing depends on it, so it runs while the jail's init builds the jail. */
static void sweep_cgroups(const struct config *cfg)
{
	if (cg_layout_found)
		cgroup_sweep(&cg_layout, cfg->cgroup_parent);
}

/* Whether release (uname) is at least major.minor. */
static bool kernel_at_least(const char *release, int major, int minor)
{
	int ma = 0, mi = 0;

	if (sscanf(release, "%d.%d", &ma, &mi) != 2)
		return false;
	return ma > major || (ma == major && mi >= minor);
}

/* Refusals by the default action are reported: the jail's init gets a
 * seccomp listener and the launcher answers with the same errno; connects
 * and sends off the jail's loopback come through it too (jail/violation.c).
 * Only for an errno default (SCMP_ACT_ERRNO), which the program cannot tell
 * from the filter's own answer. The reports need the user-notification
 * action (Linux 5.0) and, to let checked calls go on, FLAG_CONTINUE (5.5):
 * without them it is a setup error unless the policy marks "violations"
 * best-effort. */
static void setup_violation_reports_or_die(struct config *cfg)
{
	struct policy_seccomp *s = &cfg->policy.seccomp;
	uint32_t act = SECCOMP_RET_USER_NOTIF;
	bool optional = cfg->policy.best_effort & POLICY_LAYER_VIOLATIONS;
	struct utsname u;
	int e = 0;

	if ((s->default_action & 0xffff0000u) != SCMP_ACT_ERRNO(0))
		return;
	if (syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &act) < 0)
		e = errno;
	else if (uname(&u) < 0 || !kernel_at_least(u.release, 5, 5))
		e = ENOSYS;
	if (e && !optional)
		die("seccomp user notification", e,
		    "violation reports need SECCOMP_RET_USER_NOTIF and "
		    "SECCOMP_USER_NOTIF_FLAG_CONTINUE (Linux 5.5); mark \"violations\" "
		    "best_effort in the policy to run without them");
	if (e) {
		log_warn("seccomp user notification unavailable (%s): no violation reports",
			 strerror(e));
		return;
	}
	s->notify_default = s->notify_net = true;
	cfg->reports_violations = true;
}

/* --uid-range: the first host uid of the range that no other launcher
 * holds, locked (flock) for as long as this run lasts. */
static void pick_uid_or_die(struct config *cfg)
{
	char path[96];
	uint32_t i;

	cfg->uid_lock_fd = -1;
	if (!cfg->uid_range_count || !cfg->as_root)
		return;
	if (mkdir("/run/actjail", 0700) < 0 && errno != EEXIST)
		die("uid range", errno, "/run/actjail");
	if (mkdir("/run/actjail/uids", 0700) < 0 && errno != EEXIST)
		die("uid range", errno, "/run/actjail/uids");
	for (i = 0; i < cfg->uid_range_count; i++) {
		uint32_t uid = cfg->uid_range_start + i;
		int fd;

		(void)snprintf(path, sizeof(path), "/run/actjail/uids/%u.lock", uid);
		fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0)
			die("uid range", errno, "%s", path);
		if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
			cfg->uid_lock_fd = fd;
			cfg->host_uid = uid;
			cfg->host_gid = uid;
			log_verbose("host uid/gid %u for this jail", uid);
			return;
		}
		(void)close(fd);
	}
	die("uid range", EBUSY, "all %u ids from %u are in use", cfg->uid_range_count,
	    cfg->uid_range_start);
}

/* VmHWM, not ru_maxrss: the latter carries the RSS of whatever process
 * exec'd actjail (exec_mmap keeps the old mm's high-water mark). */
static void log_peak_memory(void)
{
	char line[128];
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmHWM:", 6))
			log_verbose("launcher peak memory %lu KiB", strtoul(line + 6, NULL, 10));
	fclose(f);
}

/* This process's CPU time so far (user and system), in microseconds. */
static uint64_t own_cpu_us(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) < 0)
		return 0;
	return (uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000 +
	       (uint64_t)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

/* Files the run writes on the host are held from before the jail exists:
 * a run that could not be recorded does not happen (the audit log), and a
 * --output DIR removed or replaced meanwhile is a reported failure, never a
 * silent empty capture. */
static void open_host_files_or_die(struct config *cfg)
{
	if (cfg->audit_log) {
		cfg->audit_fd = audit_open(cfg->audit_log);
		if (cfg->audit_fd < 0)
			die("audit log", -cfg->audit_fd, "%s", cfg->audit_log);
	}
	if (cfg->output_dir) {
		cfg->output_dir_fd = open(cfg->output_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (cfg->output_dir_fd < 0)
			die("output directory", errno, "%s", cfg->output_dir);
	}
}

/* Asked for and not applicable: said, never dropped without a word.
 * Per-jail host ids need root to map them; rootless, every jail is the
 * caller. From the command line that is an error; from a policy shared by
 * root and rootless callers, a warning. */
static void refuse_or_warn_inapplicable(const struct config *cfg)
{
	if (cfg->uid_range_count && !cfg->as_root) {
		if (cfg->uid_range_from_cli)
			die("uid range", EPERM,
			    "--uid-range needs root (rootless, the jail's user is the caller)");
		log_warn("the policy's identity.uid_range is not used rootless: the jail's user is "
			 "the caller");
	}
	if (cfg->policy.seccomp.default_action == SCMP_ACT_ALLOW)
		log_warn("policy %s: default_action \"allow\": every syscall the policy does not "
			 "name is allowed (policy.default_action in the result)",
			 cfg->policy.name);
}

/* The cache of compiled filters (policy/bpfcache.h), unless
 * ACTJAIL_FILTER_CACHE=off or this build has no build ID: an fd or -1. */
static int open_filter_cache(unsigned char key[32], const struct config *cfg, char *dir,
			     size_t dirlen)
{
	const char *off = getenv("ACTJAIL_FILTER_CACHE");
	unsigned char id[64];
	size_t idlen;
	int fd;

	if (off && !strcmp(off, "off"))
		return -1;
	idlen = bpfcache_build_id(id, sizeof(id));
	if (!idlen) {
		log_verbose("seccomp filter cache: this build has no build ID; not used");
		return -1;
	}
	fd = bpfcache_open_dir(dir, dirlen);
	if (fd < 0) {
		log_verbose("seccomp filter cache %s: %s; not used", dir, strerror(-fd));
		return -1;
	}
	bpfcache_key(&cfg->policy.seccomp, id, idlen, key);
	return fd;
}

/* The seccomp filter: checked against what init needs and compiled (or
 * read from the cache) before anything exists, so a rule libseccomp
 * refuses is reported with nothing to clean up. */
static const struct bpf_blob *build_filter_or_die(const struct config *cfg)
{
	static struct bpf_blob blob;
	const char *name = cfg->policy_path ? cfg->policy_path : "default.json";
	scmp_filter_ctx filter = NULL;
	unsigned char key[32];
	char err[LOG_MSG_MAX], dir[PATH_MAX], file[72];
	int r, cache;

	/* a policy that takes away what the jail's own init needs after the
	 * filter would fail every run, or hang it */
	if (spawn_check_policy(cfg, err, sizeof(err)) < 0)
		die("policy", 0,
		    "%s refuses what the jail's init needs after the filter: %s (allow them)", name,
		    err);
	cache = open_filter_cache(key, cfg, dir, sizeof(dir));
	if (cache >= 0) {
		bpfcache_name(key, file);
		r = bpfcache_load(cache, key, &blob);
		if (r == 0) {
			log_verbose("seccomp filter: %u instructions from the cache, %s/%s",
				    blob.count, dir, file);
			(void)close(cache);
			return &blob;
		}
		if (r != -ENOENT) {
			/* not ours, or not what its name says: compiled afresh,
			 * and replaced when ours */
			log_verbose("seccomp filter cache: %s/%s: %s; ignored", dir, file,
				    strerror(-r));
			if (r == -EBADMSG)
				(void)unlinkat(cache, file, 0);
		}
	}
	r = seccomp_compile(&cfg->policy.seccomp, name, &filter, err, sizeof(err));
	if (r < 0) {
		if (cache >= 0)
			(void)close(cache);
		die("compile seccomp filter", -r, "%s", err);
	}
	r = bpfcache_export(filter, &blob);
	seccomp_release(filter);
	if (r < 0) {
		if (cache >= 0)
			(void)close(cache);
		die("compile seccomp filter", -r, "generating the BPF");
	}
	if (cache >= 0) {
		r = bpfcache_store(cache, key, &blob);
		log_verbose("seccomp filter: %u instructions compiled%s%s/%s%s%s", blob.count,
			    r < 0 ? "; not cached in " : ", cached in ", dir, file,
			    r < 0 ? ": " : "", r < 0 ? strerror(-r) : "");
		(void)close(cache);
	}
	return &blob;
}

/* After the jail: what the run left in /output, listed (and copied with
 * --output); a host-side failure turns an ok run into capture_error. */
static void capture(const struct config *cfg, const struct outcome *o, struct capture *cap,
		    struct verdict *v)
{
	const struct capture_skip *first = NULL;

	if (o->output_fd < 0)
		return;
	capture_run(o->output_fd, cfg->output_dir_fd, &cfg->policy.limits, cap);
	for (size_t i = 0; i < cap->nfiles; i++)
		log_verbose("captured /output/%s (%llu bytes, sha256 %.16s...)%s%s",
			    cap->files[i].path, (unsigned long long)cap->files[i].size,
			    cap->files[i].sha256, cfg->output_dir ? " into " : "",
			    cfg->output_dir ? cfg->output_dir : "");
	for (size_t i = 0; i < cap->nskipped; i++)
		log_verbose("skipped /output/%s: %s", cap->skipped[i].path, cap->skipped[i].reason);
	if (!cap->host_failures)
		return;
	for (size_t i = 0; !first && i < cap->nskipped; i++)
		if (cap->skipped[i].host_failure)
			first = &cap->skipped[i];
	if (!first) /* host_failures counts skips with host_failure set */
		return;
	log_error("capture into %s: %zu file%s not written (first: /output/%s: %s)",
		  cfg->output_dir, cap->host_failures, cap->host_failures == 1 ? "" : "s",
		  first->path, strerror(first->err));
	/* files the program left were lost on the way to the host: an
	 * otherwise clean run is not "ok" (docs/result.md) */
	if (!strcmp(v->status, "ok"))
		*v = (struct verdict){ "capture_error", "output", EXIT_SETUP };
}

/* The record of the run: the audit line (whole or not at all), then the
 * JSON result or the summary. */
static void report(const struct config *cfg, const struct outcome *o, const struct capture *cap,
		   struct verdict *v)
{
	int r;

	if (o->end == END_SETUP_ERROR || o->end == END_INTERNAL) {
		const char *hint = log_hint(o->setup_step, o->setup_errno);

		log_error("%s: %s%s%s", o->setup_step,
			  o->setup_errno ? strerror(o->setup_errno) : "failed",
			  o->setup_detail[0] ? ": " : "", o->setup_detail);
		if (hint)
			log_error("hint: %s", hint);
	}
	if (o->end == END_EXEC_ERROR)
		log_error("%s: %s", cfg->argv[0], strerror(o->exec_errno));
	if (log_get_level() >= LOG_VERBOSE)
		result_log_violations(o, cap);
	if (cfg->audit_fd >= 0) {
		size_t len = 0;
		_cleanup_free_ char *line = result_audit_line(cfg, o, cap, v, &len);

		r = line ? audit_append(cfg->audit_fd, line, len) : -ENOMEM;
		if (r < 0) {
			/* the run happened but its record is missing: say so, and
			 * fail (docs/result.md, audit_error) */
			log_error("audit log %s: record not written: %s", cfg->audit_log,
				  strerror(-r));
			v->audit_errno = -r;
			v->exit_code = EXIT_SETUP;
		}
	}
	if (cfg->json) {
		if (result_print_json(cfg, o, cap, v) < 0)
			log_error("cannot write the result: %s", strerror(errno));
	} else if (log_get_level() >= LOG_NORMAL && (isatty(2) || log_get_level() > LOG_NORMAL)) {
		result_print_summary(o, cap, v);
	}
}

int run_jail(struct config *cfg)
{
	struct supervisor *sup = NULL;
	struct capture cap = { 0 };
	const struct bpf_blob *filter;
	struct outcome o;
	struct verdict v;
	struct jail j;
	int r;

	run_cfg = cfg;
	log_set_cleanup(cleanup_setup);
	/* 1. Identity: the host ids the jail's user maps to (a locked one of
	 *    --uid-range); refuse what cannot apply, before anything exists. */
	cfg->as_root = geteuid() == 0;
	cfg->host_uid = cfg->as_root ? cfg->policy.uid : getuid();
	cfg->host_gid = cfg->as_root ? cfg->policy.gid : getgid();
	refuse_or_warn_inapplicable(cfg);
	pick_uid_or_die(cfg);
	timing_mark("identity");
	/* 2. Host files the run writes, held open from now on. */
	open_host_files_or_die(cfg);
	timing_mark("host files opened");
	/* 3. Mount sources the child cannot make itself (idmapped trees need
	 *    the initial user namespace); after pick_uid, which sets the ids
	 *    they map to. */
	mount_setup_parent_or_die(cfg);
	timing_mark("mount sources");
	/* 4. The jail's cgroups, before clone (v1: where, and made after it,
	 *    step 9): the jail is moved in before it runs anything of the
	 *    program's (spawn.c). */
	setup_cgroups_or_die(cfg);
	timing_mark("cgroups created");
	/* 5. Violation reports: whether the filter gets a listener. Before the
	 *    compile, which needs the answer. */
	setup_violation_reports_or_die(cfg);
	timing_mark("violation reports checked");
	/* 6. The filters the launcher already runs under, for the self-check:
	 *    the jail's count must be exactly one more. */
	cfg->inherited_filters = verify_own_filters();
	timing_mark("own filters counted");
	/* 7. The seccomp filter. */
	filter = build_filter_or_die(cfg);
	timing_mark("seccomp filter compiled");
	log_verbose("policy %s (sha256 %s), timeout %llu ms, memory %llu MiB, pids %llu",
		    cfg->policy.name, cfg->policy.sha256,
		    (unsigned long long)cfg->policy.limits.timeout_ms,
		    (unsigned long long)cfg->policy.limits.memory_mib,
		    (unsigned long long)cfg->policy.limits.pids);
	/* 8. The loop's descriptors (epoll, signalfd, timerfd) before the
	 *    jail: a failure here has no jail to clean up, and no exit, signal
	 *    or deadline of the jail can be missed. */
	r = supervise_prepare(&sup, cfg);
	if (r < 0)
		die("event loop", -r, NULL);
	timing_mark("event loop prepared");
	/* 9. Clone, id maps, "go"; v1 cgroups made while the child builds
	 *    its mounts, and the filter to the child (spawn.c). */
	jail_spawn_or_die(cfg, &j);
	if (cfg->cg_deferred) {
		create_deferred_cgroups_or_die(cfg, &j);
		timing_mark("cgroups created (while the jail is built)");
	}
	jail_send_filter(&j, filter);
	cgroup_close_join(&cfg->cg); /* the init has its own copies */
	/* 9b. Work the jail does not wait for, while its init builds it: the
	 *     files its usage is read from at the end, and the leftovers of
	 *     launchers that died. */
	cgroup_open_stats(&cfg->cg);
	sweep_cgroups(cfg);
	timing_mark("stale cgroups swept");
	/* 10. Supervise until the jail is gone. From here on nothing exits
	 *     the process: the loop ends the run, whatever happens. */
	supervise(sup, &j, &o);
	timing_mark("loop ended");
	supervise_free(sup);
	/* 11. Capture, verdict, record. */
	v = result_verdict(cfg, &o);
	{
		uint64_t t0 = now_ns();

		capture(cfg, &o, &cap, &v);
		o.capture_ns = now_ns() - t0;
		timing_mark("capture");
	}
	o.launcher_cpu_us = own_cpu_us() + o.jail_setup_cpu_us;
	report(cfg, &o, &cap, &v);
	/* 12. The record is out: with --json the caller may act on it now (a
	 *     server answers its client), so stdout closes. Then the jail's
	 *     init is reaped, if the loop left it tearing its namespaces down,
	 *     and the jail's cgroups go, empty since. */
	if (cfg->json)
		(void)close(STDOUT_FILENO);
	supervise_reap_late(&j);
	r = cgroup_destroy(&cfg->cg);
	if (r < 0)
		log_warn("cgroup: cannot remove: %s", strerror(-r));
	timing_mark("cgroups removed");
	if (log_get_level() >= LOG_VERBOSE) {
		timing_log();
		log_peak_memory();
	}
	capture_free(&cap);
	outcome_free(&o);
	return v.exit_code;
}
