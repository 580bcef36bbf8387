/* relay.c - an execution's tool calls (see server.h): what the worker's
 * launcher relays for the request's tools goes to the client as a call,
 * after the declared schema; the client's result goes back. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <signal.h>
#include <stdarg.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bridge/message.h"
#include "jail/cgroup.h"
#include "jail/util.h"
#include "serve/base64.h"
#include "serve/jobdir.h"
#include "serve/msg.h"
#include "serve/server.h"

static void to_worker(struct server *s, struct job *j, const char *line, size_t len)
{
	(void)channel_send(&s->ev, &j->relay, line, len, false, 0);
}

static void refuse_call(struct server *s, struct job *j, const char *call_id, const char *why)
{
	size_t len;
	_cleanup_free_ char *line = message_result(call_id, NULL, why, &len);

	if (line)
		to_worker(s, j, line, len);
}

static const struct json_node *request_tool(struct job *j, const char *name)
{
	if (!j->tools && j->tools_json) {
		struct json_error e;

		if (json_parse(j->tools_json, j->tools_json_len, 64, &j->tools, &e) < 0)
			return NULL;
	}
	for (size_t i = 0; j->tools && i < j->tools->u.array.len; i++) {
		const char *n = message_string(j->tools->u.array.items[i], "name", NULL);

		if (n && !strcmp(n, name))
			return j->tools->u.array.items[i];
	}
	return NULL;
}

struct relay_feed {
	struct job *j;
	struct server *s;
};

static int on_relay_line(const char *line, size_t len, void *ctx)
{
	struct relay_feed *f = ctx;
	struct server *s = f->s;
	struct job *j = f->j;
	struct json_node *root = NULL;
	const struct json_node *id, *args, *tool, *schema;
	const char *op, *name;
	char why[512];
	_cleanup_free_ char *id_json = NULL, *args_json = NULL, *out = NULL;
	size_t n;

	j->bytes_in += len + 1;
	if (message_parse(line, len, &root, &op, why, sizeof(why)) < 0)
		return 0; /* the worker's launcher sent it: not the client's business */
	id = json_get(root, "id");
	name = message_string(root, "tool", NULL);
	args = json_get(root, "args");
	if (strcmp(op, "call") != 0 || !id || !name || !(id_json = message_encode(id, &n))) {
		json_free(root);
		return 0;
	}
	tool = request_tool(j, name);
	if (!tool) {
		/* the words of `actjail run`: the operator's tools (the worker's
		 * launcher answers calls to those itself), then the request's */
		char names[400];
		size_t used;

		names[0] = '\0';
		if (j->generation == s->pol->generation)
			toolset_names(&s->pol->tools, names, sizeof(names));
		used = strlen(names);
		for (size_t i = 0;
		     j->tools && i < j->tools->u.array.len && used + 1 < sizeof(names); i++) {
			const char *tn = message_string(j->tools->u.array.items[i], "name", NULL);
			int k = tn ? snprintf(names + used, sizeof(names) - used, "%s%s",
					      used ? ", " : "", tn)
				   : 0;

			if (k > 0)
				used = used + (size_t)k < sizeof(names) ? used + (size_t)k
									: sizeof(names) - 1;
		}
		(void)snprintf(why, sizeof(why), "unknown tool \"%.64s\"; available tools: %s",
			       name, *names ? names : "(none)");
		refuse_call(s, j, id_json, why);
		goto out;
	}
	schema = json_get(tool, "parameters");
	if (schema && schema_check(schema, args, "args", why, sizeof(why)) < 0) {
		refuse_call(s, j, id_json, why);
		goto out;
	}
	args_json = args ? message_encode(args, &n) : xstrdup("{}");
	out = args_json ? msg_call(j->id_json, id_json, name, args_json, &n) : NULL;
	if (!out)
		goto out;
	j->call_ids = xgrow(j->call_ids, j->ncalls, sizeof(char *));
	j->call_ids[j->ncalls++] = xstrdup(id_json);
	j->calls++;
	job_to_client(s, j, out, n);
out:
	json_free(root);
	return 0;
}

static int relay_oversize(size_t max, void *ctx)
{
	(void)max;
	(void)ctx;
	return 0;
}

static int relay_take(void *ctx, const char *data, size_t n)
{
	struct relay_feed *f = ctx;

	return frame_reader_feed(&f->j->relay_in, data, n, on_relay_line, relay_oversize, f);
}

void job_answer_call(struct server *s, struct job *j, const struct json_node *msg)
{
	const struct json_node *cid = json_get(msg, "call_id"), *okv = json_get(msg, "ok"),
			       *v = json_get(msg, "value");
	const char *err = message_string(msg, "error", NULL);
	_cleanup_free_ char *cid_json = NULL, *value = NULL, *line = NULL;
	size_t n, k;

	if (!cid || !(cid_json = message_encode(cid, &n))) {
		conn_send_error(s, j->conn, j->id_json, "bad_request", "result: needs call_id");
		return;
	}
	for (k = 0; k < j->ncalls && strcmp(j->call_ids[k], cid_json) != 0; k++)
		;
	if (k == j->ncalls) {
		conn_send_error(s, j->conn, j->id_json, "unknown_id",
				"result: no call %.64s is waiting for an answer", cid_json);
		return;
	}
	free(j->call_ids[k]);
	j->call_ids[k] = j->call_ids[--j->ncalls];
	if (!okv || okv->type != JSON_BOOL || (okv->u.boolean && !v)) {
		line = message_result(cid_json, NULL, "the client's answer had no ok and value",
				      &n);
	} else if (okv->u.boolean) {
		value = message_encode(v, &n);
		line = value ? message_result(cid_json, value, NULL, &n) : NULL;
	} else {
		line = message_result(cid_json, NULL, err ? err : "the tool failed", &n);
	}
	if (line && n > s->pol->policy.limits.max_message_bytes) {
		char why[160];

		(void)snprintf(
			why, sizeof(why),
			"the tool's answer is %zu bytes, more than the bridge's limit of %llu", n,
			(unsigned long long)s->pol->policy.limits.max_message_bytes);
		free(line);
		/* the program gets the error, and the result's tool_calls record
		 * it; the execution goes on (one done, no error line) */
		line = message_result(cid_json, NULL, why, &n);
	}
	if (line) {
		j->bytes_out += n;
		to_worker(s, j, line, n);
	}
}

/* The worker's relay is readable: its calls, checked and passed on. */
void job_relay_readable(struct server *s, struct job *j)
{
	struct relay_feed f = { j, s };
	int r = read_available(j->relay.fd, 1u << 20, relay_take, &f);

	if (r == READ_EOF || r < 0)
		evloop_del(&s->ev, j->relay.fd);
}
