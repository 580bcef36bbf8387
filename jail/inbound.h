/*
 * inbound.h - the jail's messages over the bridge, one JSON object a line
 * (docs/protocol.md): "call" and "list_tools" go to calls.c, "exception"
 * (the runner's report of an uncaught exception) to the outcome, "exit" (the
 * runner's last words, a hint checked in exitseen.c) to exit_said; a line
 * that is not one of them gets a protocol-error reply. Never exits.
 */
#ifndef ACTJAIL_INBOUND_H
#define ACTJAIL_INBOUND_H

#include <stdbool.h>
#include <stddef.h>

#include "bridge/frame.h"
#include "jail/calls.h"
#include "jail/outcome.h"

struct inbound {
	struct frame_reader fr;
	struct calls *calls; /* set once calls_new has made it */
	struct outcome *o;
	bool expect_ready; /* a warm jail: the launcher sent "prepare" */
	bool runner_ready; /* ...and the runner answered "ready", before its code */
	bool exit_said;	   /* the runner said {"op":"exit"}: a hint (exitseen.h) */
	int exit_status;   /* ...with this status, 0-255 */
};

void inbound_init(struct inbound *in, size_t max_message, struct outcome *o);
/* Bytes from the bridge. 0, or -ENOMEM (no room for a line). */
int inbound_feed(struct inbound *in, const char *data, size_t n);
void inbound_free(struct inbound *in);

#endif
