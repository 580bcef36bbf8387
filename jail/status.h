/*
 * status.h - records the jail's init sends to the launcher over the status
 * socket (SOCK_SEQPACKET, close-on-exec): setup failures with their step and
 * errno, the program's exec failure, the /output directory handle, and how the
 * program ended. One record per datagram; the launcher trusts only the kind,
 * bounds-checks the rest and never needs more than these records.
 */
#ifndef ACTJAIL_STATUS_H
#define ACTJAIL_STATUS_H

#include <stddef.h>
#include <stdint.h>

enum status_kind {
	ST_GO = 1,	/* launcher -> init: maps written, build the jail */
	ST_SETUP_ERROR, /* step, err, detail */
	ST_EXEC_ERROR,	/* err: execve's errno */
	ST_OUTPUT_FD,	/* carries the /output tmpfs root via SCM_RIGHTS */
	ST_READY,	/* setup done, the program is being started */
	ST_EXITED,	/* value: exit status; detail: struct status_end */
	ST_SIGNALED,	/* value: signal number; detail: struct status_end */
	ST_LANDLOCK,	/* value: the Landlock ABI applied (0: none) */
	ST_ENFORCED,	/* detail: the self-check's "key=value ..." read-back */
	ST_NOTIFY_FD,	/* carries the seccomp listener via SCM_RIGHTS */
	ST_CGROUP_FD,	/* launcher -> init: a v1 `tasks` file to join (SCM_RIGHTS) */
	ST_CGROUP_DONE, /* launcher -> init: value: CGDEFER_* flags (cgdefer.h) */
	ST_TIMINGS,	/* value: count; detail: struct timing_wire[count]; err: the
			 * init's CPU time so far in microseconds (-1 if unknown) */
	ST_INPUT_FD,	/* a warm jail's writable copy of /input (SCM_RIGHTS) */
	ST_MAIN_FD,	/* a warm jail's writable copy of /run/actjail (SCM_RIGHTS) */
};

/* Room for the self-check's record (ST_ENFORCED), which grows with each layer. */
#define STATUS_DETAIL_MAX 1024

struct status_msg {
	uint32_t kind;
	int32_t err;
	int32_t value;
	char step[48];
	char detail[STATUS_DETAIL_MAX];
};

/* The detail of ST_EXITED and ST_SIGNALED. The init sends them only once the
 * program has ended and every other process of the jail has been killed and
 * reaped: with magic set, the record means nothing of the jail runs any more
 * but the init, which is on its way out. cpu_us and maxrss_kib are what the
 * reaped processes used (getrusage(RUSAGE_CHILDREN)). */
#define STATUS_END_MAGIC 0x70616572u /* "reap" */
struct status_end {
	uint32_t magic;
	uint32_t pad;
	uint64_t cpu_us;
	uint64_t maxrss_kib;
};

/* One record (step and detail cut to fit; NULL for none). 0 or -errno. */
int status_send(int sock, uint32_t kind, int32_t err, int32_t value, const char *step,
		const char *detail);
/* A record whose detail is len bytes of data (at most STATUS_DETAIL_MAX). */
int status_send_bytes(int sock, uint32_t kind, int32_t err, int32_t value, const void *data,
		      size_t len);
/* A record of kind carrying fd (SCM_RIGHTS). 0 or -errno. */
int status_send_fd(int sock, uint32_t kind, int fd);
/* The next whole record, without blocking: 1 (with the one descriptor it
 * carried in *passed_fd, close-on-exec, or -1), 0 when none is there now,
 * -1 at the end (the jail's side is closed) or on an error. Short, cut or
 * extra parts are dropped; only the kind may be trusted, the rest must be
 * bounds-checked by the reader. */
int status_recv(int sock, struct status_msg *m, int *passed_fd);

#endif
