/*
 * timing.h - where a run's time goes. Named marks on CLOCK_MONOTONIC, taken
 * in the launcher and, with its own clock reads, in the jail's init (which
 * sends its marks over the status socket before the program starts). The
 * launcher prints them under --verbose and sums them into the result's
 * `timings`. Process-wide state: a launcher process runs one jail.
 */
#ifndef ACTJAIL_TIMING_H
#define ACTJAIL_TIMING_H

#include <stddef.h>
#include <stdint.h>

/* The jail's steps. The init sends indexes, never names: the launcher
 * trusts nothing of the record but an index below TS_CHILD_COUNT. */
enum timing_child_step {
	TS_GO,		/* the launcher wrote the id maps and said "go" */
	TS_SOURCES,	/* host objects opened with the caller's credentials */
	TS_USERNS,	/* the sandbox user */
	TS_MOUNTS,	/* the root, binds, /proc, /dev, pivot_root */
	TS_NET,		/* loopback and hostname */
	TS_CGROUP,	/* in the jail's cgroups, v1 made while the jail was built */
	TS_FILTER_READ, /* the BPF, from the launcher */
	TS_UCOUNTS,	/* per-namespace counts capped */
	TS_FDS,		/* descriptors arranged */
	TS_RLIMITS,
	TS_CAPS,
	TS_LANDLOCK,
	TS_SECCOMP,
	TS_VERIFY, /* the self-check read every layer back */
	TS_EXEC,   /* the program's process, just before execve */
	TS_CHILD_COUNT
};

/* One mark as the init sends it (packed into a status record's detail). */
struct timing_wire {
	uint32_t step;
	uint32_t pad;
	uint64_t ns; /* CLOCK_MONOTONIC */
};

#define TIMING_WIRE_MAX 16

/* Called first in main(): the origin the marks are printed against. */
void timing_start(void);
/* The launcher: step ends now (name: a string literal). */
void timing_mark(const char *name);
/* The jail's init: step ends now. Marks since the last timing_child_take. */
void timing_child_mark(enum timing_child_step step);
/* The init's marks so far, packed into buf (up to TIMING_WIRE_MAX, no more
 * than len bytes); returns the count and forgets them. */
size_t timing_child_take(void *buf, size_t len);
/* The launcher: a record from the init; entries with a bad index are
 * ignored. */
void timing_add_child(const void *buf, size_t count);
/* When the program was exec'd (0 if never), and the clone (0 before). */
uint64_t timing_exec_ns(void);
void timing_set_clone(uint64_t ns);
uint64_t timing_clone_ns(void);
/* Under --verbose: every mark in time order, launcher and jail. */
void timing_log(void);

#endif
