/*
 * relay.c - tool calls forwarded to the caller's relay peer (--relay-fd,
 * docs/protocol.md "The relay"): the peer's answers matched to the calls in
 * flight by id; a peer that closes fails the calls waiting on it. Part of
 * calls.c's module (calls_priv.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include "bridge/frame.h"
#include "bridge/message.h"
#include "jail/calls.h"
#include "jail/calls_priv.h"
#include "jail/log.h"

static struct call *find_relay_call(struct calls *cs, const char *id_json)
{
	size_t i;

	for (i = 0; i < cs->cfg->policy.limits.max_in_flight; i++)
		if (cs->slots[i] && !cs->slots[i]->tool && !strcmp(cs->slots[i]->id_json, id_json))
			return cs->slots[i];
	return NULL;
}

static int on_relay_line(const char *line, size_t len, void *ctx)
{
	struct calls *cs = ctx;
	struct json_node *root = NULL;
	const struct json_node *id, *okv, *v, *e;
	const char *op;
	char why[256];
	struct call *c;
	char *id_json, *value;
	size_t n;

	if (message_parse(line, len, &root, &op, why, sizeof(why)) < 0) {
		log_warn("relay: %s", why);
		return 0;
	}
	id = json_get(root, "id");
	id_json = id && strcmp(op, "result") == 0 ? message_encode(id, &n) : NULL;
	c = id_json ? find_relay_call(cs, id_json) : NULL;
	if (!c) {
		log_warn("relay: ignored a message that answers no call in flight");
	} else {
		okv = json_get(root, "ok");
		v = json_get(root, "value");
		e = json_get(root, "error");
		if (okv && okv->type == JSON_BOOL && okv->u.boolean) {
			struct json_node null_node = { .type = JSON_NULL };

			value = message_encode(v ? v : &null_node, &n);
			calls_complete(cs, c, value ? value : "null", NULL);
			free(value);
		} else {
			calls_complete(cs, c, NULL,
				       e && e->type == JSON_STRING
					       ? e->u.string.ptr
					       : "the relay reported a failure");
		}
		calls_free_call(cs, c);
	}
	free(id_json);
	json_free(root);
	return 0;
}

static int on_relay_oversize(size_t max, void *ctx)
{
	(void)ctx;
	log_warn("relay: a message longer than %zu bytes was dropped", max);
	return 0;
}

static void relay_closed(struct calls *cs)
{
	size_t i;

	channel_free(cs->ev, &cs->relay, true);
	for (i = 0; i < cs->cfg->policy.limits.max_in_flight; i++) {
		struct call *c = cs->slots[i];

		if (c && !c->tool) {
			calls_complete(cs, c, NULL, "the tool relay closed its connection");
			calls_free_call(cs, c);
		}
	}
}

static int relay_chunk(void *ctx, const char *data, size_t n)
{
	struct calls *cs = ctx;

	return frame_reader_feed(&cs->rfr, data, n, on_relay_line, on_relay_oversize, cs);
}

void calls_relay_event(struct calls *cs, uint32_t events)
{
	int r;

	if ((events & EPOLLOUT) && channel_flush(cs->ev, &cs->relay) == -EPIPE) {
		relay_closed(cs);
		return;
	}
	if (cs->relay.fd < 0 || !(events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
		return;
	r = read_available(cs->relay.fd, 1u << 20, relay_chunk, cs);
	if (r == READ_AGAIN || r == READ_MORE)
		return;
	/* end of file, an error, or no memory for a line: the relay is gone
	 * for this run, and the calls waiting on it fail */
	if (r != READ_EOF)
		log_warn("relay: %s", strerror(-r));
	relay_closed(cs);
}
