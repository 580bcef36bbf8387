/*
 * outcome.h - what one run produced: how the jail ended, the program's
 * streams, its exception, tool calls, violations and bridge counts. Filled
 * by the event loop (supervise.c, calls.c, violation.c), read by result.c.
 * Plain data, no behaviour beyond appending and freeing.
 */
#ifndef ACTJAIL_OUTCOME_H
#define ACTJAIL_OUTCOME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jail/log.h"
#include "jail/status.h"

struct capbuf {
	char *data;
	size_t len, cap;
	uint64_t total; /* bytes the program wrote, kept or not */
	bool truncated;
};

struct py_error {
	char *type, *message, *traceback;
	char *hint; /* the runner's note when the jail refused, or NULL */
	int err;    /* errno of an OSError, else 0 */
};

enum end_kind {
	END_EXITED,	 /* the program exited; exit_code */
	END_SIGNALED,	 /* the program was killed by signal */
	END_TIMEOUT,	 /* wall-clock deadline */
	END_KILLED,	 /* the launcher was told to stop (SIGINT/SIGTERM/SIGHUP) */
	END_SETUP_ERROR, /* the jail could not be built */
	END_EXEC_ERROR,	 /* the program could not be started */
	END_INTERNAL,	 /* the launcher failed after the jail existed (setup_step) */
};

struct call_record {
	char *id_json; /* the call's id, as JSON */
	char *tool;    /* valid UTF-8 */
	bool ok;
	uint64_t duration_ms;
	char *error;	  /* NULL when ok */
	char *args_json;  /* with --transcript */
	char *value_json; /* with --transcript, when ok */
};

struct bridge_stats {
	uint64_t calls, bytes_in, bytes_out, bad_messages, refused;
	uint64_t refusals_recorded;   /* refused calls with a tool_calls entry */
	uint64_t refusals_unrecorded; /* refused calls past MAX_REFUSAL_RECORDS: counted only */
	const char *limit_hit;	      /* the first bridge limit crossed, or NULL */
};

#define MAX_VIOLATIONS 64
/* Calls refused before they start (past max_calls or max_in_flight, bad
 * arguments, unknown tools) get a tool_calls entry up to this many; a
 * program flooding refusals must not grow the result without bound. */
#define MAX_REFUSAL_RECORDS 1000

enum violation_kind {
	VIOLATION_SYSCALL, /* refused by the policy's default action */
	VIOLATION_NETWORK, /* a destination off the jail's loopback */
};

struct violation {
	enum violation_kind kind;
	int nr;	 /* native syscall number */
	int err; /* the errno the program got */
	uint64_t count;
	uint64_t first_args[6];
	char address[64]; /* VIOLATION_NETWORK: "192.0.2.1:80", "[2001:db8::1]:443" */
};

struct outcome {
	enum end_kind end;
	int exit_code;
	int signal;
	int exec_errno;
	char setup_step[48];
	int setup_errno;
	char setup_detail[LOG_MSG_MAX];
	uint64_t duration_ms, cpu_ms, memory_peak_kib;
	uint64_t oom_kills;		  /* from the jail's memory cgroup */
	uint64_t pids_max_hits;		  /* forks refused at the cgroup's pids.max */
	int64_t processes_max;		  /* most processes at once, or -1 when not measurable */
	int landlock_abi;		  /* the Landlock ABI the jail got, 0 for none */
	char enforced[STATUS_DETAIL_MAX]; /* the jail's self-check read-back, "" if none */
	struct violation violations[MAX_VIOLATIONS]; /* refused syscalls, distinct */
	size_t nviolations;
	uint64_t violations_dropped; /* refusals of syscalls past MAX_VIOLATIONS kinds */
	struct capbuf out, err;
	struct py_error *error; /* uncaught exception reported by the runner */
	int output_fd;		/* the /output tmpfs root, or -1 */
	struct bridge_stats bridge;
	struct call_record *calls;
	size_t ncalls;
	/* where the time went (timing.h, the result's timings); 0: unknown */
	uint64_t end_ns;	    /* CLOCK_MONOTONIC when init was reaped */
	uint64_t handover_ns;	    /* a warm jail: when its code came (0: not warm) */
	uint64_t capture_ns;	    /* listing and copying /output */
	uint64_t jail_setup_cpu_us; /* the init's and the program's process's CPU before exec */
	uint64_t launcher_cpu_us;   /* the launcher's own CPU, plus jail_setup_cpu_us */
};

/* Append n bytes to b, keeping at most limit in all (the rest is counted
 * and marks b truncated); with forward_fd >= 0 the kept bytes are written
 * there instead of stored (a caller's stdout that is gone is not an error:
 * the program's output is its business). */
void capbuf_append(struct capbuf *b, const char *data, size_t n, uint64_t limit, int forward_fd);

/* Start an outcome: nothing ended yet, no /output, processes unknown. */
void outcome_init(struct outcome *o);
void outcome_free(struct outcome *o);

#endif
