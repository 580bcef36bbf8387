/* request.c - one line from a client: execute, result, cancel, health,
 * stats (docs/protocol.md, "The server"). A request is checked whole
 * before anything starts; a field that would loosen the server's policy is
 * refused by name. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bridge/message.h"
#include "jail/util.h"
#include "jail/warm.h"
#include "serve/base64.h"
#include "serve/msg.h"
#include "serve/server.h"

#define MAX_ID_BYTES 256
#define MAX_INPUTS   WARM_INPUT_MAX_FILES /* a warm /input has inodes for as many */
#define MAX_TOOLS    256
#define MAX_ENV	     64

struct req_ctx {
	struct server *s;
	unsigned conn;
	const char *id_json;
};

__attribute__((format(printf, 3, 4))) static void refuse(struct req_ctx *r, const char *code,
							 const char *fmt, ...)
{
	char text[768];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	conn_send_error(r->s, r->conn, r->id_json, code, "%s", text);
}

static bool identifier(const char *s, size_t n)
{
	if (!n || n > 64 ||
	    !((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z') || s[0] == '_'))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

static int parse_inputs(struct req_ctx *r, const struct json_node *v, struct job *j)
{
	if (v->type != JSON_OBJECT) {
		refuse(r, "bad_request", "input: expected an object of file name to base64");
		return -1;
	}
	if (v->u.object.len > MAX_INPUTS) {
		refuse(r, "bad_request", "input: %zu files, at most %d", v->u.object.len,
		       MAX_INPUTS);
		return -1;
	}
	j->inputs = xcalloc(v->u.object.len ? v->u.object.len : 1, sizeof(*j->inputs));
	for (size_t i = 0; i < v->u.object.len; i++) {
		const char *name = v->u.object.keys[i];
		size_t nlen = v->u.object.key_lens[i];
		const struct json_node *d = v->u.object.values[i];
		struct job_input *in = &j->inputs[j->ninputs];
		long n;

		if (!warm_input_name(name, nlen) || strlen(name) != nlen) {
			refuse(r, "bad_request",
			       "input: '%.64s' is not a file name (one component, no leading dot, "
			       "no control characters)",
			       name);
			return -1;
		}
		if (d->type != JSON_STRING) {
			refuse(r, "bad_request", "input.%.64s: expected a base64 string", name);
			return -1;
		}
		in->data = xmalloc(d->u.string.len / 4 * 3 + 1);
		n = base64_decode(d->u.string.ptr, d->u.string.len, in->data);
		if (n < 0) {
			free(in->data);
			in->data = NULL;
			refuse(r, "bad_request", "input.%.64s: not base64 (RFC 4648, padded)",
			       name);
			return -1;
		}
		in->len = (size_t)n;
		in->name = xstrdup(name);
		j->ninputs++;
	}
	return 0;
}

static int parse_tools(struct req_ctx *r, const struct json_node *v)
{
	const struct toolset *op = &r->s->pol->tools;

	if (v->type != JSON_ARRAY || v->u.array.len > MAX_TOOLS) {
		refuse(r, "bad_request", "tools: expected an array of at most %d tools", MAX_TOOLS);
		return -1;
	}
	for (size_t i = 0; i < v->u.array.len; i++) {
		const struct json_node *t = v->u.array.items[i], *p;
		size_t nlen;
		const char *name = message_string(t, "name", &nlen);

		if (t->type != JSON_OBJECT || !name || !identifier(name, nlen)) {
			refuse(r, "bad_request",
			       "tools[%zu]: expected {\"name\": a Python identifier, "
			       "\"description\", \"parameters\"}",
			       i);
			return -1;
		}
		for (size_t k = 0; k < t->u.object.len; k++) {
			const char *key = t->u.object.keys[k];

			if (strcmp(key, "name") != 0 && strcmp(key, "description") != 0 &&
			    strcmp(key, "parameters") != 0) {
				refuse(r, "bad_request",
				       "tools[%zu].%.64s: unknown field (a request's tools are "
				       "answered by the client; commands are the operator's)",
				       i, key);
				return -1;
			}
		}
		p = json_get(t, "parameters");
		if (p && p->type != JSON_OBJECT) {
			refuse(r, "bad_request",
			       "tools[%zu].parameters: expected a JSON Schema object", i);
			return -1;
		}
		if (toolset_find(op, name)) {
			refuse(r, "bad_request",
			       "tools[%zu]: '%s' is one of the server's own tools", i, name);
			return -1;
		}
		for (size_t k = 0; k < i; k++)
			if (!strcmp(message_string(v->u.array.items[k], "name", NULL), name)) {
				refuse(r, "bad_request", "tools[%zu]: '%s' twice", i, name);
				return -1;
			}
	}
	return 0;
}

static int parse_env(struct req_ctx *r, const struct json_node *v, struct job *j)
{
	size_t n = 0;

	if (v->type != JSON_OBJECT || v->u.object.len > MAX_ENV) {
		refuse(r, "bad_request", "env: expected an object of at most %d strings", MAX_ENV);
		return -1;
	}
	j->env = xcalloc(v->u.object.len + 1, sizeof(char *));
	for (size_t i = 0; i < v->u.object.len; i++) {
		const char *k = v->u.object.keys[i];
		const struct json_node *val = v->u.object.values[i];

		if (!identifier(k, v->u.object.key_lens[i]) || val->type != JSON_STRING ||
		    strlen(val->u.string.ptr) != val->u.string.len || val->u.string.len > 65536) {
			refuse(r, "bad_request",
			       "env.%.64s: expected NAME (letters, digits, _) = a string without NUL",
			       k);
			return -1;
		}
		if (asprintf(&j->env[n], "%s=%s", k, val->u.string.ptr) < 0)
			abort();
		n++;
	}
	return 0;
}

/* Build a job from an execute request; -1 after answering the client. */
static int parse_execute(struct req_ctx *r, const struct json_node *root, struct job *j)
{
	const struct limits *l = &r->s->pol->policy.limits;
	const struct json_node *v;

	for (size_t i = 0; i < root->u.object.len; i++) {
		static const char *const known[] = { "op",	   "id",    "code",  "timeout",
						     "memory_mib", "input", "tools", "env" };
		bool ok = false;

		for (size_t k = 0; k < ARRAY_SIZE(known); k++)
			ok |= !strcmp(root->u.object.keys[i], known[k]);
		if (!ok) {
			refuse(r, "bad_request",
			       "%.64s: unknown field (execute takes code, timeout, memory_mib, "
			       "input, tools, env)",
			       root->u.object.keys[i]);
			return -1;
		}
	}
	v = json_get(root, "code");
	if (!v || v->type != JSON_STRING) {
		refuse(r, "bad_request", "code: expected the program, a string");
		return -1;
	}
	if (v->u.string.len > l->max_message_bytes - 4096) {
		refuse(r, "too_large", "code: %zu bytes, more than the policy's bridge allows",
		       v->u.string.len);
		return -1;
	}
	j->code = xmalloc(v->u.string.len + 1);
	memcpy(j->code, v->u.string.ptr, v->u.string.len + 1);
	j->code_len = v->u.string.len;
	j->timeout_ms = l->timeout_ms;
	j->memory_mib = l->memory_mib;
	if ((v = json_get(root, "timeout"))) {
		double t;

		if (json_get_double(v, &t) < 0 || !(t > 0)) {
			refuse(r, "bad_request", "timeout: expected seconds, a positive number");
			return -1;
		}
		if (t * 1000 > (double)l->timeout_ms) {
			refuse(r, "loosens_policy",
			       "timeout: %g s is more than the server's policy allows (%.3f s)", t,
			       (double)l->timeout_ms / 1000);
			return -1;
		}
		j->timeout_ms = (uint64_t)(t * 1000 + 0.999);
		if (!j->timeout_ms)
			j->timeout_ms = 1;
	}
	if ((v = json_get(root, "memory_mib"))) {
		uint64_t m;

		if (json_get_u64(v, &m) < 0 || m < 16) {
			refuse(r, "bad_request", "memory_mib: expected an integer, at least 16");
			return -1;
		}
		if (m > l->memory_mib) {
			refuse(r, "loosens_policy",
			       "memory_mib: %llu is more than the server's policy allows (%llu)",
			       (unsigned long long)m, (unsigned long long)l->memory_mib);
			return -1;
		}
		j->memory_mib = m;
	}
	if ((v = json_get(root, "input")) && parse_inputs(r, v, j) < 0)
		return -1;
	if ((v = json_get(root, "tools")) && v->type != JSON_NULL) {
		if (parse_tools(r, v) < 0)
			return -1;
		/* kept as the client sent it, for the worker's manifest */
		j->tools_json = message_encode(v, &j->tools_json_len);
	}
	if ((v = json_get(root, "env")) && parse_env(r, v, j) < 0)
		return -1;
	return 0;
}

static void execute(struct req_ctx *r, const struct json_node *root)
{
	struct server *s = r->s;
	struct conn *c = s->conns[r->conn];
	struct job req, *j = NULL;

	s->st.requests++;
	if (s->draining) {
		refuse(r, "shutting_down", "the server is stopping");
		return;
	}
	if (job_find(s, r->conn, c->serial, r->id_json)) {
		refuse(r, "bad_request",
		       "an execution with this id is in flight on this connection");
		return;
	}
	/* the request is checked whole first: a bad one says why, busy or not */
	job_free(memset(&req, 0, sizeof(req)));
	if (parse_execute(r, root, &req) < 0) {
		job_free(&req);
		return;
	}
	for (unsigned i = 0; i < s->njobs; i++)
		if (s->jobs[i].state == JOB_FREE) {
			j = &s->jobs[i];
			break;
		}
	if (!j || (s->queued >= s->cfg.queue && s->running >= s->cfg.concurrency)) {
		s->st.busy++;
		job_free(&req);
		refuse(r, "busy", "%u executions running and %u waiting: try again later",
		       s->running, s->queued);
		return;
	}
	*j = req;
	j->conn = r->conn;
	j->conn_serial = c->serial;
	j->peer_uid = c->peer_uid;
	j->peer_pid = c->peer_pid;
	j->id_json = xstrdup(r->id_json);
	j->received_ns = now_ns();
	j->seq = ++s->queue_seq;
	j->state = JOB_QUEUED;
	s->queued++;
	c->jobs++;
	job_schedule(s);
}

static void answer(struct req_ctx *r, const struct json_node *root)
{
	struct conn *c = r->s->conns[r->conn];
	struct job *j = job_find(r->s, r->conn, c->serial, r->id_json);

	if (!j || j->state != JOB_RUNNING) {
		refuse(r, "unknown_id", "no execution with this id is running on this connection");
		return;
	}
	job_answer_call(r->s, j, root);
}

static void cancel(struct req_ctx *r)
{
	struct conn *c = r->s->conns[r->conn];
	struct job *j = job_find(r->s, r->conn, c->serial, r->id_json);

	if (!j) {
		refuse(r, "unknown_id", "no execution with this id on this connection");
		return;
	}
	job_cancel(r->s, j, "cancelled by the client");
}

static void health(struct server *s, unsigned conn)
{
	char line[256];
	int n = snprintf(line, sizeof(line),
			 "{\"op\":\"health\",\"ok\":%s,\"running\":%u,\"queued\":%u,"
			 "\"pool\":%u,\"draining\":%s}\n",
			 s->draining ? "false" : "true", s->running, s->queued, s->warm,
			 s->draining ? "true" : "false");

	conn_send(s, conn, line, (size_t)n);
}

void request_handle(struct server *s, unsigned conn, const char *line, size_t len)
{
	struct json_node *root = NULL;
	struct json_error jerr;
	struct req_ctx r = { s, conn, NULL };
	_cleanup_free_ char *id_json = NULL;
	const struct json_node *id;
	const char *op;
	size_t n;

	while (len && (line[len - 1] == '\r' || line[len - 1] == ' '))
		len--;
	if (!len)
		return;
	if (json_parse_limited(line, len, 64, 1u << 20, &root, &jerr) < 0) {
		refuse(&r, "bad_request", "not JSON: %s (line %u, column %u)", jerr.message,
		       jerr.line, jerr.column);
		return;
	}
	op = root->type == JSON_OBJECT ? message_string(root, "op", NULL) : NULL;
	if (!op) {
		refuse(&r, "bad_request", "expected an object with \"op\"");
		goto out;
	}
	id = json_get(root, "id");
	if (id) {
		if (id->type != JSON_STRING && id->type != JSON_NUMBER) {
			refuse(&r, "bad_request", "id: expected a string or a number");
			goto out;
		}
		id_json = message_encode(id, &n);
		if (!id_json || n > MAX_ID_BYTES) {
			refuse(&r, "bad_request", "id: longer than %d bytes", MAX_ID_BYTES);
			goto out;
		}
		r.id_json = id_json;
	}
	if (!strcmp(op, "health")) {
		health(s, conn);
	} else if (!strcmp(op, "stats")) {
		_cleanup_free_ char *st = stats_json(s, &n);

		if (st)
			conn_send(s, conn, st, n);
	} else if (!r.id_json) {
		refuse(&r, "bad_request", "%.32s: needs an id", op);
	} else if (!strcmp(op, "execute")) {
		execute(&r, root);
	} else if (!strcmp(op, "result")) {
		answer(&r, root);
	} else if (!strcmp(op, "cancel")) {
		cancel(&r);
	} else {
		refuse(&r, "bad_request",
		       "op: unknown '%.32s' (execute, result, cancel, health, stats)", op);
	}
out:
	json_free(root);
}
