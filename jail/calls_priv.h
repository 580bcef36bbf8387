/*
 * calls_priv.h - private to the tool-call module (calls.c, relay.c): its
 * state, one call in flight, and what the two files share.
 */
#ifndef ACTJAIL_CALLS_PRIV_H
#define ACTJAIL_CALLS_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "bridge/frame.h"
#include "jail/calls.h"

/* epoll tags: the relay at CALLS_TAG_BASE, then CALL_KINDS per slot */
enum call_kind {
	CK_OUT,
	CK_ERR,
	CK_IN,
	CK_PID,
	CK_TIMER,
	CALL_KINDS
};
#define TAG_RELAY CALLS_TAG_BASE
#define TAG_CALL  (CALLS_TAG_BASE + 1)

/* The relay's queue: a peer that stops reading fails the calls sent to it
 * past this many unsent bytes instead of growing the launcher. */
#define RELAY_QUEUE_MAX (64u << 20)

struct calls {
	const struct config *cfg;
	struct evloop *ev;
	struct channel *bridge; /* supervise.c's, to the jail: replies go there */
	struct outcome *o;
	struct call **slots; /* max_in_flight entries */
	size_t in_flight;
	struct channel relay; /* --relay-fd (the caller's descriptor), or fd -1 */
	struct frame_reader rfr;
};

struct call {
	size_t slot;
	size_t rec;		 /* index into outcome->calls */
	const struct tool *tool; /* NULL for a relay call */
	char *id_json;
	pid_t pid;
	int pidfd, in_fd, out_fd, err_fd, tfd;
	char *in; /* the arguments, on their way to the tool */
	size_t in_len, in_off;
	struct capbuf out, err;
	uint64_t start_ns;
	bool timed_out;
};

/* The call ended: record it, reply to the jail (value_json or error). */
void calls_complete(struct calls *cs, struct call *c, const char *value_json, const char *error);
/* Stop watching and free a call that has ended. */
void calls_free_call(struct calls *cs, struct call *c);
/* An event on the relay's descriptor (relay.c). */
void calls_relay_event(struct calls *cs, uint32_t events);

#endif
