/*
 * inbound.c - what the jail sends over the bridge (see inbound.h): each
 * line parsed, tool calls handed to calls.c, the runner's exception report
 * taken into the outcome, anything else answered as a protocol error.
 */
#include "jail/inbound.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bridge/message.h"
#include "jail/util.h"

static char *dup_member(const struct json_node *root, const char *key)
{
	size_t n;
	const char *str = message_string(root, key, &n);

	return str ? utf8_sanitize(str, n, NULL) : xstrdup("");
}

/* The runner's exception report: type, message and traceback strings; hint
 * a string and errno an integer where present. */
static bool exception_well_typed(const struct json_node *root)
{
	static const char *const strings[] = { "type", "message", "traceback" };
	const struct json_node *n;
	int64_t v;

	for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++)
		if (!message_string(root, strings[i], NULL))
			return false;
	if ((n = json_get(root, "hint")) && n->type != JSON_NULL &&
	    !message_string(root, "hint", NULL))
		return false;
	if ((n = json_get(root, "errno")) && n->type != JSON_NULL && json_get_i64(n, &v) < 0)
		return false;
	return true;
}

static void take_exception(struct inbound *in, const struct json_node *root)
{
	struct py_error *e = xcalloc(1, sizeof(*e));
	const struct json_node *en = json_get(root, "errno");
	int64_t v;

	e->type = dup_member(root, "type");
	e->message = dup_member(root, "message");
	e->traceback = dup_member(root, "traceback");
	if (message_string(root, "hint", NULL))
		e->hint = dup_member(root, "hint");
	if (en && json_get_i64(en, &v) == 0 && v > 0 && v < 4096)
		e->err = (int)v;
	in->o->error = e;
}

static int on_line(const char *line, size_t len, void *ctx)
{
	struct inbound *in = ctx;
	struct json_node *root = NULL;
	const char *op;
	char why[256];

	if (message_parse(line, len, &root, &op, why, sizeof(why)) < 0) {
		calls_protocol_error(in->calls, why, NULL);
		return 0;
	}
	if (!strcmp(op, "call") || !strcmp(op, "list_tools")) {
		calls_message(in->calls, op, root);
	} else if (!strcmp(op, "exception") && !exception_well_typed(root)) {
		calls_protocol_error(in->calls,
				     "exception report: type, message and traceback must be "
				     "strings, hint a string, errno an integer",
				     NULL);
	} else if (!strcmp(op, "exception") && !in->o->error) {
		take_exception(in, root);
	} else if (!strcmp(op, "exit")) {
		/* {"op":"exit","status":N}: the first is kept, as a hint only */
		const struct json_node *st = json_get(root, "status");
		int64_t v;

		if (!in->exit_said && st && json_get_i64(st, &v) == 0 && v >= 0 && v <= 255) {
			in->exit_said = true;
			in->exit_status = (int)v;
		}
	} else if (!strcmp(op, "ready") && in->expect_ready && !in->runner_ready) {
		/* once, and only where the launcher asked for it (prepare) */
		in->runner_ready = true;
	} else {
		(void)snprintf(why, sizeof(why), "unknown op \"%.64s\"", op);
		calls_protocol_error(in->calls, why, NULL);
	}
	json_free(root);
	return 0;
}

static int on_oversize(size_t max, void *ctx)
{
	struct inbound *in = ctx;
	char why[96];

	(void)snprintf(why, sizeof(why), "message longer than %zu bytes refused", max);
	if (!in->o->bridge.limit_hit)
		in->o->bridge.limit_hit = "max_message_bytes";
	calls_protocol_error(in->calls, why, NULL);
	return 0;
}

void inbound_init(struct inbound *in, size_t max_message, struct outcome *o)
{
	frame_reader_init(&in->fr, max_message);
	in->calls = NULL;
	in->o = o;
	in->runner_ready = in->expect_ready = in->exit_said = false;
	in->exit_status = 0;
}

int inbound_feed(struct inbound *in, const char *data, size_t n)
{
	return frame_reader_feed(&in->fr, data, n, on_line, on_oversize, in);
}

void inbound_free(struct inbound *in)
{
	frame_reader_free(&in->fr);
}
