/* timing.c - where a run's time goes (see timing.h). */
#define _GNU_SOURCE
#include "jail/timing.h"

#include <string.h>

#include "jail/log.h"
#include "jail/util.h"

#define TIMING_MAX 64

static const char *const child_names[TS_CHILD_COUNT] = {
	[TS_GO] = "jail: go received",
	[TS_SOURCES] = "jail: host sources opened",
	[TS_USERNS] = "jail: sandbox user",
	[TS_MOUNTS] = "jail: mounts and pivot_root",
	[TS_NET] = "jail: loopback and hostname",
	[TS_CGROUP] = "jail: in its cgroups",
	[TS_FILTER_READ] = "jail: seccomp filter received",
	[TS_UCOUNTS] = "jail: namespace counts capped",
	[TS_FDS] = "jail: descriptors arranged",
	[TS_RLIMITS] = "jail: rlimits",
	[TS_CAPS] = "jail: capabilities dropped",
	[TS_LANDLOCK] = "jail: landlock",
	[TS_SECCOMP] = "jail: seccomp filter loaded",
	[TS_VERIFY] = "jail: self-check",
	[TS_EXEC] = "jail: exec of the program",
};

struct mark {
	const char *name;
	uint64_t ns;
};

static uint64_t origin_ns, clone_ns, exec_ns;
static struct mark marks[TIMING_MAX];
static size_t nmarks;
/* the init's own, until sent */
static struct timing_wire child_marks[TIMING_WIRE_MAX];
static size_t nchild;

void timing_start(void)
{
	origin_ns = now_ns();
}

static void add(const char *name, uint64_t ns)
{
	if (nmarks < TIMING_MAX)
		marks[nmarks++] = (struct mark){ name, ns };
}

void timing_mark(const char *name)
{
	add(name, now_ns());
}

void timing_child_mark(enum timing_child_step step)
{
	if (nchild < TIMING_WIRE_MAX)
		child_marks[nchild++] = (struct timing_wire){ .step = step, .ns = now_ns() };
}

size_t timing_child_take(void *buf, size_t len)
{
	size_t n = nchild;

	if (n * sizeof(child_marks[0]) > len)
		n = len / sizeof(child_marks[0]);
	memcpy(buf, child_marks, n * sizeof(child_marks[0]));
	nchild = 0;
	return n;
}

void timing_add_child(const void *buf, size_t count)
{
	for (size_t i = 0; i < count && i < TIMING_WIRE_MAX; i++) {
		struct timing_wire w;

		memcpy(&w, (const char *)buf + i * sizeof(w), sizeof(w));
		if (w.step >= TS_CHILD_COUNT)
			continue;
		if (w.step == TS_EXEC && !exec_ns)
			exec_ns = w.ns;
		add(child_names[w.step], w.ns);
	}
}

uint64_t timing_exec_ns(void)
{
	return exec_ns;
}

void timing_set_clone(uint64_t ns)
{
	clone_ns = ns;
	add("clone", ns);
}

uint64_t timing_clone_ns(void)
{
	return clone_ns;
}

void timing_log(void)
{
	uint64_t prev = origin_ns;

	/* insertion sort: the jail's marks interleave with the launcher's */
	for (size_t i = 1; i < nmarks; i++) {
		struct mark m = marks[i];
		size_t j = i;

		for (; j > 0 && marks[j - 1].ns > m.ns; j--)
			marks[j] = marks[j - 1];
		marks[j] = m;
	}
	for (size_t i = 0; i < nmarks; i++) {
		uint64_t at = marks[i].ns > origin_ns ? marks[i].ns - origin_ns : 0;
		uint64_t step = marks[i].ns > prev ? marks[i].ns - prev : 0;

		log_verbose("time %8.3f ms (+%7.3f) %s", (double)at / 1e6, (double)step / 1e6,
			    marks[i].name);
		prev = marks[i].ns;
	}
}
