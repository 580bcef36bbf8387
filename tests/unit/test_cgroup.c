/*
 * test_cgroup.c - the cgroup logic on a tree built in a temporary directory:
 * what a v2 and a v1 jail cgroup are given, how stats are read back, and
 * that everything is removed. (On this kind of host the v2 hierarchy has no
 * controllers, so the v2 path cannot run for real; the v1 path also runs for
 * real in tests/50-cgroup.t.)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jail/cgroup.h"
#include "tests/tap.h"

static char root[64];

static void put(const char *dir, const char *file, const char *text)
{
	char p[1024];
	FILE *f;

	(void)snprintf(p, sizeof(p), "%s/%s", dir, file);
	f = fopen(p, "w");
	if (!f)
		abort();
	fputs(text, f);
	fclose(f);
}

static const char *get(const char *dir, const char *file)
{
	static char buf[256];
	char p[1024];
	FILE *f;

	buf[0] = '\0';
	(void)snprintf(p, sizeof(p), "%s/%s", dir, file);
	f = fopen(p, "r");
	if (!f)
		return "(missing)";
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	return buf;
}

/* A real cgroupfs removes its control files with the directory; here they
 * are plain files, so remove them before cgroup_destroy's rmdir. */
static void clear_files(const char *dir)
{
	static const char *const files[] = { "memory.max",
					     "memory.swap.max",
					     "memory.oom.group",
					     "pids.max",
					     "cpu.max",
					     "memory.peak",
					     "memory.events",
					     "pids.events",
					     "cpu.stat",
					     "pids.peak",
					     "cgroup.procs",
					     "tasks",
					     "cgroup.kill",
					     "memory.limit_in_bytes",
					     "memory.memsw.limit_in_bytes",
					     "memory.max_usage_in_bytes",
					     "memory.oom_control",
					     "cpu.cfs_period_us",
					     "cpu.cfs_quota_us",
					     "cpuacct.usage" };
	char p[1024];

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		(void)snprintf(p, sizeof(p), "%s/%s", dir, files[i]);
		(void)unlink(p);
	}
}

static void test_v2(void)
{
	struct cgroup_layout lay = { .version = CG_V2 };
	struct cgroup_jail cg;
	struct cgroup_stats st;
	struct limits l = { .memory_mib = 256, .pids = 32, .cpu_millis = 1500 };
	char parent[512], err[256], dir[600];
	int r;

	(void)snprintf(lay.v2_mount, sizeof(lay.v2_mount), "%s/v2", root);
	if (mkdir(lay.v2_mount, 0755) < 0)
		abort();
	(void)snprintf(parent, sizeof(parent), "%s/actjail", lay.v2_mount);
	/* the swap and oom.group files exist in a real cgroup of a kernel with
	 * them; the test creates the jail dir's files through the code itself */
	r = cgroup_create(&lay, NULL, "actjail-1-0", &l, &cg, err, sizeof(err));
	is_int(r, 0, "v2: create under <mount>/actjail");
	if (r) {
		diag(err);
		return;
	}
	is_int(cg.version, CG_V2, "v2: version");
	ok(cg.v2_fd >= 0, "v2: a directory fd for CLONE_INTO_CGROUP");
	ok(cg.memory && cg.pids && cg.cpus, "v2: memory, pids and cpus enforced");
	is_str(get(lay.v2_mount, "cgroup.subtree_control"), "+memory +pids +cpu",
	       "v2: controllers enabled at the root");
	is_str(get(parent, "cgroup.subtree_control"), "+memory +pids +cpu",
	       "v2: controllers enabled in the parent");
	(void)snprintf(dir, sizeof(dir), "%s/actjail-1-0", parent);
	is_str(cg.dir[0], dir, "v2: the jail's cgroup path");
	is_str(get(dir, "memory.max"), "268435456", "v2: memory.max in bytes");
	is_str(get(dir, "pids.max"), "32", "v2: pids.max");
	is_str(get(dir, "cpu.max"), "150000 100000", "v2: cpu.max for 1.5 CPUs");
	is_str(get(dir, "memory.swap.max"), "(missing)",
	       "v2: memory.swap.max only where the kernel has it");

	/* what the kernel would report after a run */
	put(dir, "memory.peak", "104857600\n");
	put(dir, "memory.events", "low 0\nhigh 0\nmax 12\noom 1\noom_kill 2\n");
	put(dir, "pids.events", "max 7\n");
	put(dir, "pids.peak", "31\n");
	put(dir, "cpu.stat", "usage_usec 2500000\nuser_usec 2000000\nsystem_usec 500000\n");
	cgroup_read_stats(&cg, &st);
	ok(st.memory_valid && st.memory_peak_bytes == 104857600, "v2: memory.peak read");
	is_int(st.oom_kills, 2, "v2: oom_kill from memory.events");
	is_int(st.pids_max_hits, 7, "v2: pids.events max");
	ok(st.pids_peak_valid && st.pids_peak == 31, "v2: pids.peak");
	ok(st.cpu_valid && st.cpu_usage_ns == 2500000000ull, "v2: cpu.stat usage_usec in ns");
	/* opened ahead (cgroup_open_stats), each read shows the values as of then */
	cgroup_open_stats(&cg);
	put(dir, "memory.peak", "209715200\n");
	put(dir, "memory.events", "low 0\nhigh 0\nmax 12\noom 3\noom_kill 4\n");
	put(dir, "cpu.stat", "usage_usec 3500000\nuser_usec 3000000\n");
	cgroup_read_stats(&cg, &st);
	ok(st.memory_peak_bytes == 209715200 && st.oom_kills == 4 &&
		   st.cpu_usage_ns == 3500000000ull && st.pids_max_hits == 7,
	   "v2: opened ahead, the files are read again as they are now");

	put(dir, "cgroup.kill", "0");
	cgroup_kill(&cg);
	is_str(get(dir, "cgroup.kill"), "1", "v2: cgroup.kill written at the deadline");

	clear_files(dir);
	is_int(cgroup_destroy(&cg), 0, "v2: destroy");
	ok(access(dir, F_OK) < 0 && errno == ENOENT, "v2: the jail's cgroup is gone");
	ok(cg.dir[0] == NULL && cg.v2_fd == -1, "v2: nothing left held");

	/* an explicit, delegated parent */
	{
		char deleg[600];

		(void)snprintf(deleg, sizeof(deleg), "%s/delegated", lay.v2_mount);
		if (mkdir(deleg, 0755) < 0)
			abort();
		r = cgroup_create(&lay, deleg, "actjail-2-0", &l, &cg, err, sizeof(err));
		is_int(r, 0, "v2: create under a delegated --cgroup-parent");
		is_str(get(deleg, "cgroup.subtree_control"), "+memory +pids +cpu",
		       "v2: controllers enabled in the delegated parent");
		clear_files(cg.dir[0]);
		is_int(cgroup_destroy(&cg), 0, "v2: destroy (delegated)");
	}

	/* a parent that cannot be written is an error, and leaves nothing */
	r = cgroup_create(&lay, "/proc/actjail-no-such-parent", "x", &l, &cg, err, sizeof(err));
	ok(r < 0, "v2: an unusable parent is an error");
	like(err, "the delegated parent /proc/actjail-no-such-parent does not exist",
	     "v2: the error names the missing parent");
	ok(cg.dir[0] == NULL, "v2: a failed create holds nothing");
}

static void test_v1(void)
{
	static const char *const names[CG1_N] = { "memory", "pids", "cpu", "cpuacct" };
	struct cgroup_layout lay = { .version = CG_V1 };
	struct cgroup_jail cg;
	struct cgroup_stats st;
	struct limits l = { .memory_mib = 64, .pids = 10, .cpu_millis = 500 };
	char err[256], dir[1200];
	int k, r;

	for (k = 0; k < CG1_N; k++) {
		(void)snprintf(lay.v1_mount[k], sizeof(lay.v1_mount[k]), "%s/%s", root, names[k]);
		(void)snprintf(lay.v1_dir[k], sizeof(lay.v1_dir[k]), "%s/%s/own", root, names[k]);
		if (mkdir(lay.v1_mount[k], 0755) < 0 || mkdir(lay.v1_dir[k], 0755) < 0)
			abort();
	}
	/* swap accounting present: memsw must be set too */
	(void)snprintf(dir, sizeof(dir), "%s/actjail-3-0", lay.v1_dir[CG1_MEMORY]);
	r = cgroup_create(&lay, NULL, "actjail-3-0", &l, &cg, err, sizeof(err));
	is_int(r, 0, "v1: create under our own cgroups");
	if (r) {
		diag(err);
		return;
	}
	is_str(cg.dir[CG1_MEMORY], dir, "v1: memory cgroup path");
	is_str(get(cg.dir[CG1_MEMORY], "memory.limit_in_bytes"), "67108864",
	       "v1: memory.limit_in_bytes");
	is_str(get(cg.dir[CG1_PIDS], "pids.max"), "10", "v1: pids.max");
	is_str(get(cg.dir[CG1_CPU], "cpu.cfs_period_us"), "100000", "v1: cfs period");
	is_str(get(cg.dir[CG1_CPU], "cpu.cfs_quota_us"), "50000", "v1: cfs quota for 0.5 CPU");
	/* the jail's init moves itself: "0" to each hierarchy's tasks file,
	 * opened beforehand by the launcher */
	for (k = 0; k < CG1_N; k++)
		put(cg.dir[k], "tasks", "");
	is_int(cgroup_open_join(&cg), 0, "v1: the tasks files open");
	is_int(cg.njoin, CG1_N, "v1: one per hierarchy");
	is_int(cgroup_join_self(&cg), 0, "v1: join");
	for (k = 0; k < CG1_N; k++)
		is_str(get(cg.dir[k], "tasks"), "0",
		       "v1: \"0\" (this thread) written to each hierarchy");
	is_int(cg.njoin, 0, "v1: the files are closed once written");
	cgroup_close_join(&cg); /* and closing again is harmless */

	put(cg.dir[CG1_MEMORY], "memory.max_usage_in_bytes", "5242880\n");
	put(cg.dir[CG1_MEMORY], "memory.oom_control",
	    "oom_kill_disable 0\nunder_oom 0\noom_kill 1\n");
	put(cg.dir[CG1_PIDS], "pids.events", "max 3\n");
	put(cg.dir[CG1_CPUACCT], "cpuacct.usage", "123456789\n");
	cgroup_read_stats(&cg, &st);
	ok(st.memory_valid && st.memory_peak_bytes == 5242880, "v1: memory.max_usage_in_bytes");
	is_int(st.oom_kills, 1, "v1: oom_kill from memory.oom_control");
	is_int(st.pids_max_hits, 3, "v1: pids.events max");
	ok(st.cpu_valid && st.cpu_usage_ns == 123456789, "v1: cpuacct.usage");
	ok(!st.pids_peak_valid, "v1: no pids.peak");
	cgroup_open_stats(&cg);
	put(cg.dir[CG1_CPUACCT], "cpuacct.usage", "987654321\n");
	put(cg.dir[CG1_MEMORY], "memory.oom_control",
	    "oom_kill_disable 0\nunder_oom 0\noom_kill 5\n");
	cgroup_read_stats(&cg, &st);
	ok(st.cpu_usage_ns == 987654321 && st.oom_kills == 5 && st.memory_peak_bytes == 5242880,
	   "v1: opened ahead, the files are read again as they are now");

	for (k = 0; k < CG1_N; k++)
		clear_files(cg.dir[k]);
	is_int(cgroup_destroy(&cg), 0, "v1: destroy");
	ok(access(dir, F_OK) < 0, "v1: the jail's cgroups are gone");

	/* with --cgroup-parent: the same path inside every hierarchy, which
	 * must exist (delegated) and is never created */
	r = cgroup_create(&lay, "/actjail", "actjail-4-0", &l, &cg, err, sizeof(err));
	ok(r < 0, "v1: a missing delegated parent is an error");
	like(err, "the delegated parent /actjail does not exist", "v1: ... that names it");
	(void)snprintf(dir, sizeof(dir), "%s/actjail", lay.v1_mount[CG1_MEMORY]);
	ok(access(dir, F_OK) < 0, "v1: ... and is not created");
	for (k = 0; k < CG1_N; k++) {
		(void)snprintf(dir, sizeof(dir), "%s/actjail", lay.v1_mount[k]);
		if (lay.v1_mount[k][0] && mkdir(dir, 0755) < 0)
			abort();
	}
	r = cgroup_create(&lay, "/actjail", "actjail-4-0", &l, &cg, err, sizeof(err));
	is_int(r, 0, "v1: create under a parent path");
	(void)snprintf(dir, sizeof(dir), "%s/actjail/actjail-4-0", lay.v1_mount[CG1_PIDS]);
	is_str(cg.dir[CG1_PIDS], dir, "v1: the parent path is inside each hierarchy");
	for (k = 0; k < CG1_N; k++)
		clear_files(cg.dir[k]);
	is_int(cgroup_destroy(&cg), 0, "v1: destroy (parent)");
	(void)snprintf(dir, sizeof(dir), "%s/actjail", lay.v1_mount[CG1_PIDS]);
	ok(access(dir, F_OK) == 0, "v1: the delegated parent is left as it was");

	/* no pids hierarchy: an error, nothing left */
	lay.v1_mount[CG1_PIDS][0] = lay.v1_dir[CG1_PIDS][0] = '\0';
	r = cgroup_create(&lay, NULL, "actjail-5-0", &l, &cg, err, sizeof(err));
	ok(r < 0, "v1: without a pids hierarchy, an error");
	(void)snprintf(dir, sizeof(dir), "%s/actjail-5-0", lay.v1_dir[CG1_MEMORY]);
	ok(access(dir, F_OK) < 0, "v1: a failed create removes what it made");
}

int main(void)
{
	char cmd[300];

	(void)snprintf(root, sizeof(root), "/tmp/actjail-cgtest.XXXXXX");
	if (!mkdtemp(root))
		skip_all("no temporary directory");
	test_v2();
	test_v1();
	(void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd) != 0)
		diag("could not remove the test tree");
	return done_testing();
}
