/*
 * status.h - records the jail's init sends to the launcher over the status
 * socket (SOCK_SEQPACKET, close-on-exec): setup failures with their step and
 * errno, the program's exec failure, the /output directory handle, and how the
 * program ended. One record per datagram; the launcher trusts only the kind,
 * bounds-checks the rest and never needs more than these records.
 */
#ifndef ACTJAIL_STATUS_H
#define ACTJAIL_STATUS_H

#include <stdint.h>

enum status_kind {
	ST_GO = 1,         /* launcher -> init: maps written, build the jail */
	ST_SETUP_ERROR,    /* step, err, detail */
	ST_EXEC_ERROR,     /* err: execve's errno */
	ST_OUTPUT_FD,      /* carries the /output tmpfs root via SCM_RIGHTS */
	ST_READY,          /* setup done, the program is being started */
	ST_EXITED,         /* value: exit status */
	ST_SIGNALED,       /* value: signal number */
	ST_LANDLOCK,       /* value: the Landlock ABI applied (0: none) */
	ST_ENFORCED,       /* detail: the self-check's "key=value ..." read-back */
	ST_NOTIFY_FD,      /* carries the seccomp listener via SCM_RIGHTS */
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

#endif
