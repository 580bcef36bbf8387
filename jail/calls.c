/*
 * calls.c - tool calls from the jail: checked against the bridge's limits
 * and the tool's argument schema, then run as a command on the host (outside
 * the jail, arguments as JSON on stdin, one JSON value read from stdout) or
 * forwarded to the relay peer (--relay-fd). Every reply goes back to the jail
 * as {"op":"result"} with the caller's id; every call is recorded.
 *
 * Command tools are trusted host programs: they run with the launcher's
 * credentials and environment, in their own process group, killed at their
 * timeout or when the run ends, whichever is first. What they print is
 * bounded (max_output), and what the jail sends is bounded by the limits.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jail/calls.h"
#include "jail/calls_priv.h"
#include "bridge/frame.h"
#include "bridge/message.h"
#include "jail/log.h"
#include "jail/toolproc.h"
#include "jail/util.h"

#define STDERR_EXCERPT 400

static struct call_record *record(struct calls *cs, const char *id_json, const char *tool)
{
	struct outcome *o = cs->o;
	struct call_record *r;

	o->calls = xgrow(o->calls, o->ncalls, sizeof(*o->calls));
	r = &o->calls[o->ncalls++];
	memset(r, 0, sizeof(*r));
	r->id_json = xstrdup(id_json);
	r->tool = utf8_sanitize(tool, strlen(tool), NULL);
	return r;
}

/* To the jail. A reply that cannot be queued is lost to a jail that is
 * gone or does not read (droppable ones are counted in dropped_replies);
 * the run itself goes on to its end. */
static void bridge_send(struct calls *cs, const char *m, size_t n, bool droppable)
{
	(void)channel_send(cs->ev, cs->bridge, m, n, droppable, BRIDGE_QUEUE_SOFT);
}

void calls_protocol_error(struct calls *cs, const char *why, const char *id_json)
{
	size_t n;
	char *m = message_protocol_error(why, id_json, &n);

	cs->o->bridge.bad_messages++;
	log_verbose("bridge: %s", why);
	if (m)
		bridge_send(cs, m, n, true);
	free(m);
}

static void reply(struct calls *cs, const char *id_json, const char *value_json, const char *error)
{
	size_t n;
	char *m = message_result(id_json, value_json, error, &n);

	if (m)
		bridge_send(cs, m, n, false);
	free(m);
}

/* Refuse a call before it starts: a ToolError inside, a record outside. */
static void refuse(struct calls *cs, const char *id_json, const char *tool, const char *why)
{
	struct bridge_stats *b = &cs->o->bridge;
	struct call_record *r;

	if (b->refusals_recorded >= MAX_REFUSAL_RECORDS) {
		b->refusals_unrecorded++;
		reply(cs, id_json, NULL, why);
		return;
	}
	b->refusals_recorded++;
	r = record(cs, id_json, tool);
	r->ok = false;
	r->error = xstrdup(why);
	log_verbose("tool call %s %s refused: %s", id_json, r->tool, why);
	reply(cs, id_json, NULL, why);
}

static void limit_hit(struct calls *cs, const char *which)
{
	if (!cs->o->bridge.limit_hit)
		cs->o->bridge.limit_hit = which;
}

/* ---- ending a call -------------------------------------------------------- */

void calls_complete(struct calls *cs, struct call *c, const char *value_json, const char *error)
{
	struct call_record *r = &cs->o->calls[c->rec];

	r->duration_ms = (now_ns() - c->start_ns) / 1000000;
	r->ok = error == NULL;
	if (error)
		r->error = utf8_sanitize(error, strlen(error), NULL);
	log_verbose("tool call %s %s(%s): %s (%llu ms)", r->id_json, r->tool,
		    c->tool ? "command" : "relay", error ? r->error : "ok",
		    (unsigned long long)r->duration_ms);
	if (cs->cfg->transcript && value_json)
		r->value_json = xstrdup(value_json);
	reply(cs, c->id_json, value_json, error);
}

void calls_free_call(struct calls *cs, struct call *c)
{
	evloop_del_close(cs->ev, &c->pidfd);
	evloop_del_close(cs->ev, &c->in_fd);
	evloop_del_close(cs->ev, &c->out_fd);
	evloop_del_close(cs->ev, &c->err_fd);
	evloop_del_close(cs->ev, &c->tfd);
	cs->slots[c->slot] = NULL;
	cs->in_flight--;
	free(c->id_json);
	free(c->in);
	free(c->out.data);
	free(c->err.data);
	free(c);
}

struct drain {
	struct capbuf *b;
	uint64_t limit;
};

static int keep_chunk(void *ctx, const char *data, size_t n)
{
	struct drain *d = ctx;

	capbuf_append(d->b, data, n, d->limit, -1);
	return 0;
}

/* What the tool wrote so far; the bound is capbuf's, past it only counted. */
static void drain_fd(int fd, struct capbuf *b, uint64_t limit)
{
	struct drain d = { b, limit };

	/* to the end of what is there; an error is the end of what this pipe
	 * gives: the tool's status says the rest */
	while (read_available(fd, SIZE_MAX, keep_chunk, &d) == READ_MORE)
		;
}

/* The last line or so of what the tool wrote to stderr, for the error. */
static void excerpt(const struct capbuf *b, char *out, size_t len)
{
	const char *s = b->data ? b->data : "";
	size_t n = b->len;

	while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
		n--;
	if (n > STDERR_EXCERPT) {
		s += n - STDERR_EXCERPT;
		n = STDERR_EXCERPT;
	}
	(void)snprintf(out, len, "%.*s", (int)n, s);
}

static void tool_ended(struct calls *cs, struct call *c)
{
	const struct tool *t = c->tool;
	char why[STDERR_EXCERPT + 256], tail[STDERR_EXCERPT + 8];
	struct json_node *v = NULL;
	struct json_error je;
	int st = 0;

	if (c->out_fd >= 0)
		drain_fd(c->out_fd, &c->out, t->max_output + 1);
	if (c->err_fd >= 0)
		drain_fd(c->err_fd, &c->err, 64 * 1024);
	/* whatever the tool left running in its group goes with it */
	if (c->pid > 0)
		(void)kill(-c->pid, SIGKILL);
	while (waitpid(c->pid, &st, 0) < 0 && errno == EINTR)
		;
	excerpt(&c->err, tail, sizeof(tail));
	if (c->timed_out) {
		(void)snprintf(why, sizeof(why), "tool %s timed out after %.3g s", t->name,
			       (double)t->timeout_ms / 1000.0);
	} else if (c->out.total > t->max_output) {
		/* before the signal: the launcher killed it for this */
		(void)snprintf(why, sizeof(why), "tool %s printed more than %llu bytes", t->name,
			       (unsigned long long)t->max_output);
	} else if (WIFSIGNALED(st)) {
		(void)snprintf(why, sizeof(why), "tool %s was killed by signal %d%s%s", t->name,
			       WTERMSIG(st), *tail ? ": " : "", tail);
	} else if (WEXITSTATUS(st) != 0) {
		(void)snprintf(why, sizeof(why), "tool %s failed (exit status %d)%s%s", t->name,
			       WEXITSTATUS(st), *tail ? ": " : "", tail);
	} else if (json_parse_limited(c->out.data ? c->out.data : "", c->out.len, 256,
				      16 * MESSAGE_MAX_VALUES, &v, &je) < 0) {
		(void)snprintf(why, sizeof(why), "tool %s printed no valid JSON (%s)%s%s", t->name,
			       je.message, *tail ? ": " : "", tail);
	} else {
		size_t n;
		char *value = message_encode(v, &n);

		json_free(v);
		if (value) {
			calls_complete(cs, c, value, NULL);
			free(value);
		} else {
			calls_complete(cs, c, NULL, "tool output could not be re-encoded");
		}
		calls_free_call(cs, c);
		return;
	}
	calls_complete(cs, c, NULL, why);
	calls_free_call(cs, c);
}

/* ---- starting a call ------------------------------------------------------- */

static int watch_call(struct calls *cs, struct call *c, int fd, uint32_t events, enum call_kind k)
{
	return evloop_add(cs->ev, fd, events, TAG_CALL + (uint32_t)(c->slot * CALL_KINDS + k));
}

static int spawn_tool(struct calls *cs, struct call *c)
{
	struct toolproc p;
	int e = toolproc_start(c->tool, &p);

	if (e < 0)
		return e;
	c->pid = p.pid;
	c->in_fd = p.in_fd;
	c->out_fd = p.out_fd;
	c->err_fd = p.err_fd;
	c->pidfd = (int)syscall(SYS_pidfd_open, p.pid, 0);
	if (c->pidfd < 0)
		e = -errno;
	else if (!(e = fd_nonblock(c->in_fd)) && !(e = fd_nonblock(c->out_fd)) &&
		 !(e = fd_nonblock(c->err_fd)) &&
		 !(e = watch_call(cs, c, c->pidfd, EPOLLIN, CK_PID)) &&
		 !(e = watch_call(cs, c, c->out_fd, EPOLLIN, CK_OUT)) &&
		 !(e = watch_call(cs, c, c->err_fd, EPOLLIN, CK_ERR)))
		e = watch_call(cs, c, c->in_fd, EPOLLOUT, CK_IN);
	if (e < 0) {
		/* the run goes on; this call fails: its group dies at once */
		toolproc_kill_wait(c->pid);
		c->pid = -1;
		return e;
	}
	return 0;
}

static int arm_timer(struct calls *cs, struct call *c, uint64_t ms)
{
	struct itimerspec its = { .it_value = { .tv_sec = (time_t)(ms / 1000),
						.tv_nsec = (long)(ms % 1000) * 1000000 } };

	c->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (c->tfd < 0 || timerfd_settime(c->tfd, 0, &its, NULL) < 0)
		return -errno;
	return watch_call(cs, c, c->tfd, EPOLLIN, CK_TIMER);
}

static struct call *new_call(struct calls *cs, const char *id_json, const struct tool *t)
{
	size_t slot;
	struct call *c;

	for (slot = 0; slot < cs->cfg->policy.limits.max_in_flight; slot++)
		if (!cs->slots[slot])
			break;
	c = xcalloc(1, sizeof(*c));
	c->slot = slot;
	c->tool = t;
	c->id_json = xstrdup(id_json);
	c->pidfd = c->in_fd = c->out_fd = c->err_fd = c->tfd = -1;
	c->start_ns = now_ns();
	cs->slots[slot] = c;
	cs->in_flight++;
	return c;
}

static void start_call(struct calls *cs, const char *id_json, const char *tool,
		       const struct json_node *args, const char *args_json)
{
	const struct tool *t = toolset_find(&cs->cfg->tools, tool);
	struct call_record *r;
	struct call *c;
	char why[512];

	if (t && !t->command && cs->relay.fd < 0) {
		(void)snprintf(
			why, sizeof(why),
			"tool %s is served by the caller's relay (--relay-fd), which was not "
			"given",
			t->name);
		refuse(cs, id_json, tool, why);
		return;
	}
	if (!t && cs->relay.fd < 0) {
		char names[400];

		toolset_names(&cs->cfg->tools, names, sizeof(names));
		(void)snprintf(why, sizeof(why), "unknown tool \"%.64s\"; available tools: %s",
			       tool, *names ? names : "(none)");
		refuse(cs, id_json, tool, why);
		return;
	}
	if (t && t->parameters && schema_check(t->parameters, args, "args", why, sizeof(why)) < 0) {
		char msg[600];

		(void)snprintf(msg, sizeof(msg), "invalid arguments for %s: %s", t->name, why);
		refuse(cs, id_json, tool, msg);
		return;
	}
	r = record(cs, id_json, tool);
	if (cs->cfg->transcript)
		r->args_json = xstrdup(args_json);
	if (t && !t->command)
		t = NULL; /* declared, checked, and the relay's from here on */
	c = new_call(cs, id_json, t);
	c->rec = cs->o->ncalls - 1;
	if (!t) {
		size_t n;
		char *m = message_call(id_json, tool, args_json, &n);

		/* a relay that does not take it fails the call at once */
		if (!m || channel_send(cs->ev, &cs->relay, m, n, false, 0) < 0) {
			calls_complete(cs, c, NULL,
				       m ? "the tool relay is not taking calls (gone, or not "
					   "reading)"
					 : "the call could not be encoded");
			calls_free_call(cs, c);
		}
		free(m);
		return;
	}
	c->in_len = strlen(args_json);
	c->in = xmalloc(c->in_len + 1);
	memcpy(c->in, args_json, c->in_len);
	c->in[c->in_len++] = '\n';
	{
		/* the timer first: a tool is never running without its timeout.
		 * A failure (EMFILE, ENOMEM) fails this call, not the run. */
		int e = arm_timer(cs, c, t->timeout_ms);

		if (e == 0)
			e = spawn_tool(cs, c);
		if (e < 0) {
			(void)snprintf(why, sizeof(why), "tool %s could not be started: %s",
				       t->name, strerror(-e));
			calls_complete(cs, c, NULL, why);
			calls_free_call(cs, c);
			return;
		}
	}
}

/* ---- messages from the jail ------------------------------------------------ */

static void list_tools(struct calls *cs, const char *id_json)
{
	size_t n;
	char *v = toolset_describe_json(&cs->cfg->tools, false, &n);

	reply(cs, id_json, v, NULL);
	free(v);
}

void calls_message(struct calls *cs, const char *op, const struct json_node *root)
{
	const struct limits *lim = &cs->cfg->policy.limits;
	const struct json_node *id = json_get(root, "id"), *tool, *args;
	struct json_node empty = { .type = JSON_OBJECT };
	char *id_json, *args_json;
	size_t n;

	if (!id || (id->type != JSON_STRING && id->type != JSON_NUMBER) ||
	    (id->type == JSON_STRING && id->u.string.len > 256) ||
	    (id->type == JSON_NUMBER && strlen(id->u.number.text) > 64)) {
		calls_protocol_error(
			cs, "a call needs an \"id\": a string (at most 256 bytes) or a number",
			NULL);
		return;
	}
	id_json = message_encode(id, &n);
	if (!id_json) {
		calls_protocol_error(cs, "unusable id", NULL);
		return;
	}
	if (!strcmp(op, "list_tools")) {
		list_tools(cs, id_json);
		free(id_json);
		return;
	}
	tool = json_get(root, "tool");
	args = json_get(root, "args");
	if (!tool || tool->type != JSON_STRING || tool->u.string.len == 0 ||
	    strlen(tool->u.string.ptr) != tool->u.string.len || tool->u.string.len > 128) {
		calls_protocol_error(cs, "a call needs a \"tool\" name", id_json);
		free(id_json);
		return;
	}
	if (args && args->type != JSON_OBJECT) {
		refuse(cs, id_json, tool->u.string.ptr, "the arguments must be a JSON object");
		free(id_json);
		return;
	}
	/* the bridge's limits: a clear ToolError inside, a note in the result */
	if (cs->o->bridge.calls >= lim->max_calls) {
		char why[96];

		(void)snprintf(why, sizeof(why), "tool call limit reached (%llu calls per run)",
			       (unsigned long long)lim->max_calls);
		limit_hit(cs, "max_calls");
		refuse(cs, id_json, tool->u.string.ptr, why);
	} else if (cs->o->bridge.bytes_in + cs->bridge->sent > lim->max_bridge_bytes) {
		/* both ways as they stand now (bytes_out is only filled in at
		 * the end): large answers to small calls count too */
		char why[96];

		(void)snprintf(why, sizeof(why), "bridge byte limit reached (%llu bytes per run)",
			       (unsigned long long)lim->max_bridge_bytes);
		limit_hit(cs, "max_bridge_bytes");
		refuse(cs, id_json, tool->u.string.ptr, why);
	} else if (cs->in_flight >= lim->max_in_flight) {
		char why[96];

		(void)snprintf(why, sizeof(why), "too many tool calls in flight (at most %llu)",
			       (unsigned long long)lim->max_in_flight);
		limit_hit(cs, "max_in_flight");
		refuse(cs, id_json, tool->u.string.ptr, why);
	} else {
		cs->o->bridge.calls++;
		args_json = message_encode(args ? args : &empty, &n);
		if (args_json)
			start_call(cs, id_json, tool->u.string.ptr, args ? args : &empty,
				   args_json);
		else
			refuse(cs, id_json, tool->u.string.ptr,
			       "the arguments could not be encoded");
		free(args_json);
	}
	free(id_json);
}

/* ---- events of running tools ---------------------------------------------- */

static void feed_stdin(struct calls *cs, struct call *c)
{
	while (c->in_off < c->in_len) {
		ssize_t n = write(c->in_fd, c->in + c->in_off, c->in_len - c->in_off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n < 0)
			break; /* the tool does not read its arguments: its business */
		c->in_off += (size_t)n;
	}
	evloop_del_close(cs->ev, &c->in_fd);
}

void calls_event(struct calls *cs, uint32_t tag, uint32_t events)
{
	size_t slot;
	enum call_kind k;
	struct call *c;

	if (tag == TAG_RELAY) {
		calls_relay_event(cs, events);
		return;
	}
	slot = (tag - TAG_CALL) / CALL_KINDS;
	k = (enum call_kind)((tag - TAG_CALL) % CALL_KINDS);
	c = tag >= TAG_CALL && slot < cs->cfg->policy.limits.max_in_flight ? cs->slots[slot] : NULL;
	if (!c)
		return;
	switch (k) {
	case CK_IN:
		feed_stdin(cs, c);
		break;
	case CK_OUT:
		drain_fd(c->out_fd, &c->out, c->tool->max_output + 1);
		if (c->out.total > c->tool->max_output && c->pid > 0)
			(void)kill(-c->pid, SIGKILL); /* it cannot succeed any more */
		break;
	case CK_ERR:
		drain_fd(c->err_fd, &c->err, 64 * 1024);
		break;
	case CK_TIMER:
		c->timed_out = true;
		if (c->pid > 0)
			(void)kill(-c->pid, SIGKILL);
		evloop_del_close(cs->ev, &c->tfd);
		break;
	case CK_PID:
		tool_ended(cs, c);
		break;
	default:
		break;
	}
}

/* ---- life cycle ------------------------------------------------------------ */

struct calls *calls_new(const struct config *cfg, struct evloop *ev, struct channel *bridge,
			struct outcome *o, int *err)
{
	struct calls *cs = xcalloc(1, sizeof(*cs));

	cs->cfg = cfg;
	cs->ev = ev;
	cs->bridge = bridge;
	cs->o = o;
	cs->slots = xcalloc(cfg->policy.limits.max_in_flight, sizeof(*cs->slots));
	frame_reader_init(&cs->rfr, cfg->policy.limits.max_message_bytes);
	channel_init(&cs->relay, cfg->relay_fd, TAG_RELAY, RELAY_QUEUE_MAX);
	if (cs->relay.fd >= 0 && (*err = channel_watch(ev, &cs->relay)) < 0) {
		cs->relay.fd = -1; /* the caller's: not ours to close */
		calls_finish(cs);
		return NULL;
	}
	return cs;
}

void calls_finish(struct calls *cs)
{
	size_t i;

	if (!cs)
		return;
	for (i = 0; cs->slots && i < cs->cfg->policy.limits.max_in_flight; i++) {
		struct call *c = cs->slots[i];

		if (!c)
			continue;
		if (c->tool && c->pid > 0)
			toolproc_kill_wait(c->pid);
		{
			struct call_record *r = &cs->o->calls[c->rec];

			r->duration_ms = (now_ns() - c->start_ns) / 1000000;
			r->ok = false;
			r->error = xstrdup("the run ended before the tool answered");
		}
		calls_free_call(cs, c);
	}
	free(cs->slots);
	frame_reader_free(&cs->rfr);
	/* the relay fd is the caller's: left open for it */
	channel_free(cs->ev, &cs->relay, false);
	free(cs);
}
