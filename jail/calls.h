/*
 * calls.h - tool calls from the jail (see calls.c): command tools run on
 * the host, or calls forwarded to the relay peer (--relay-fd).
 *
 * calls.c keeps its own state and talks to the rest only through the event
 * loop's primitives (evloop.h) and the bridge channel it is given. Nothing
 * here exits: a failure fails the call it belongs to, never the run.
 */
#ifndef ACTJAIL_CALLS_H
#define ACTJAIL_CALLS_H

#include <stdint.h>

#include "bridge/json.h"
#include "jail/config.h"
#include "jail/evloop.h"
#include "jail/outcome.h"

/* epoll tags from here on belong to calls.c (calls_event takes them) */
#define CALLS_TAG_BASE 64

/* Replies the launcher generates itself (protocol errors) stop being queued
 * past this many unsent bytes: a jail that floods garbage and never reads
 * cannot make the launcher's memory grow. */
#define BRIDGE_QUEUE_SOFT (1u << 20)

struct calls;

/* Replies go to bridge; records to o. NULL with *err (-errno) when the
 * relay cannot be watched. */
struct calls *calls_new(const struct config *cfg, struct evloop *ev, struct channel *bridge,
			struct outcome *o, int *err);
/* A "call" or "list_tools" message from the jail. */
void calls_message(struct calls *cs, const char *op, const struct json_node *root);
/* A bridge line the launcher cannot use: an error reply (with the id, if
 * any), counted in bad_messages. */
void calls_protocol_error(struct calls *cs, const char *why, const char *id_json);
/* An event on a tag >= CALLS_TAG_BASE. */
void calls_event(struct calls *cs, uint32_t tag, uint32_t events);
/* The jail is gone: stop every call still running, record it, free all. */
void calls_finish(struct calls *cs);

#endif
