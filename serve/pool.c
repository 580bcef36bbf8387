/* pool.c - warm workers (actjail serve --pool; see server.h, warm.h): each
 * has built its jail and started Python with the policy's preload, and
 * waits on its --warm-fd for one request. A request that needs nothing
 * set at build time takes one; the pool is refilled behind it. A warm jail
 * serves exactly one request and is destroyed; one built under an older
 * policy (SIGHUP) or idle too long is stopped instead. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jail/util.h"
#include "serve/base64.h"
#include "serve/jobdir.h"
#include "serve/msg.h"
#include "serve/server.h"

/* A warm jail older than this is replaced by a fresh one. */
#define POOL_MAX_AGE_NS (600ull * 1000000000ull)
#define KILL_GRACE_NS	(5000000000ull)

static unsigned idx_of(const struct server *s, const struct job *j)
{
	return (unsigned)(j - s->jobs);
}

static bool pool_state(const struct job *j)
{
	return j->state == JOB_WARMING || j->state == JOB_WARM;
}

static void retire(struct job *j)
{
	if (j->retiring)
		return;
	j->retiring = true;
	/* the worker ends its jail itself (SIGTERM), SIGKILL if it lingers */
	(void)syscall(SYS_pidfd_send_signal, j->pidfd, SIGTERM, NULL, 0);
	j->kill_at_ns = now_ns() + KILL_GRACE_NS;
}

void pool_retire_all(struct server *s)
{
	for (unsigned i = 0; i < s->njobs; i++)
		if (pool_state(&s->jobs[i]))
			retire(&s->jobs[i]);
}

void pool_refill(struct server *s)
{
	pool_maintain(s, true);
}

void pool_maintain(struct server *s, bool build)
{
	uint64_t now = now_ns();
	unsigned live = 0, slots = 0;

	for (unsigned i = 0; i < s->njobs; i++) {
		struct job *j = &s->jobs[i];

		if (!pool_state(j))
			continue;
		if (j->retiring && j->kill_at_ns && now > j->kill_at_ns)
			(void)syscall(SYS_pidfd_send_signal, j->pidfd, SIGKILL, NULL, 0);
		if (!j->retiring && (j->generation != s->pol->generation ||
				     (j->state == JOB_WARM && now - j->ready_ns > POOL_MAX_AGE_NS)))
			retire(j);
		live += !j->retiring;
		slots++;
	}
	if (!build || s->draining || now < s->pool_backoff_ns)
		return;
	/* at most --pool slots, retiring workers included until they are gone:
	 * the other slots are the requests' (--concurrency + --queue) */
	while (live < s->cfg.pool && slots < s->cfg.pool) {
		struct job *j = NULL;
		char err[1200];

		for (unsigned i = 0; i < s->njobs && !j; i++)
			if (s->jobs[i].state == JOB_FREE)
				j = &s->jobs[i];
		if (!j)
			return;
		job_free(j);
		j->state = JOB_WARMING;
		j->start = "warm";
		j->received_ns = j->started_ns = now;
		if (worker_spawn(s, j, true, err, sizeof(err)) < 0) {
			fprintf(stderr,
				"{\"event\":\"pool\",\"error\":\"cannot start a warm worker\"}\n");
			fprintf(stderr, "actjail serve: pool: %s\n", err);
			worker_release(s, j);
			if (j->dir[0])
				(void)jobdir_remove(j->dir);
			job_free(j);
			s->pool_failures++;
			s->pool_backoff_ns =
				now +
				100000000ull *
					(1ull << (s->pool_failures < 6 ? s->pool_failures : 6));
			return;
		}
		s->warming++;
		live++;
		slots++;
	}
}

/* At most the length of the go's "input" value: {"name":"base64",...} or
 * null. Each name goes through msg_string, at most 6 bytes a byte. */
static size_t input_json_len(const struct job *j)
{
	size_t n = 2;

	if (!j->ninputs)
		return 4;
	for (size_t i = 0; i < j->ninputs; i++)
		n += 6 * strlen(j->inputs[i].name) + 4 + base64_encoded_len(j->inputs[i].len) + 3;
	return n;
}

static char *input_json(const struct job *j)
{
	size_t cap = input_json_len(j) + 1, at = 0;
	char *out = xmalloc(cap);

	if (!j->ninputs) {
		memcpy(out, "null", 5);
		return out;
	}
	out[at++] = '{';
	for (size_t i = 0; i < j->ninputs; i++) {
		_cleanup_free_ char *name =
			msg_string(j->inputs[i].name, strlen(j->inputs[i].name));
		size_t nl;

		if (!name)
			abort();
		nl = strlen(name);
		if (i)
			out[at++] = ',';
		memcpy(out + at, name, nl);
		at += nl;
		out[at++] = ':';
		out[at++] = '"';
		base64_encode(j->inputs[i].data, j->inputs[i].len, out + at);
		at += base64_encoded_len(j->inputs[i].len);
		out[at++] = '"';
	}
	out[at++] = '}';
	out[at] = '\0';
	return out;
}

static const char *cold_reason(const struct server *s, const struct job *j)
{
	if (!s->cfg.pool)
		return "no pool (--pool 0)";
	/* the go is one line of at most max_message_bytes (warm.c): code
	 * escaped (6 bytes a character at worst), tools, input in base64 */
	if (j->ninputs && 6 * j->code_len + j->tools_json_len + input_json_len(j) + 4096 >
				  s->pol->policy.limits.max_message_bytes)
		return "the input files are too large for a warm hand-over (max_message_bytes)";
	if (j->env)
		return "env is set when a jail is built";
	return NULL;
}

/* Move the warm worker w into the request's slot req (its descriptors are
 * registered under the slot's index). */
static int adopt(struct server *s, struct job *req, struct job *w)
{
	unsigned idx = idx_of(s, req);
	int r = 0;

	req->pid = w->pid;
	req->pidfd = w->pidfd;
	req->out_fd = w->out_fd;
	req->out = w->out;
	req->out_len = w->out_len;
	req->out_cap = w->out_cap;
	req->relay = w->relay;
	req->relay_in = w->relay_in;
	req->ctl = w->ctl;
	req->generation = w->generation;
	req->ready_ns = w->ready_ns;
	memcpy(req->dir, w->dir, sizeof(req->dir));
	req->relay.tag = TAG_RELAY | idx;
	req->ctl.tag = TAG_CTL | idx;
	if (req->out_fd >= 0)
		r = evloop_mod(&s->ev, req->out_fd, EPOLLIN, TAG_OUT | idx);
	if (!r)
		r = evloop_mod(&s->ev, req->pidfd, EPOLLIN, TAG_PIDFD | idx);
	if (!r && req->relay.fd >= 0)
		r = evloop_mod(&s->ev, req->relay.fd,
			       EPOLLIN | (req->relay.q.watching ? EPOLLOUT : 0), req->relay.tag);
	if (!r && req->ctl.fd >= 0)
		r = evloop_mod(&s->ev, req->ctl.fd, EPOLLIN | (req->ctl.q.watching ? EPOLLOUT : 0),
			       req->ctl.tag);
	/* the slot is empty now: nothing of it is freed twice */
	w->out = NULL;
	w->pidfd = w->out_fd = -1;
	w->relay.fd = w->ctl.fd = -1;
	w->relay.q.buf = w->ctl.q.buf = NULL;
	w->relay.q.cap = w->ctl.q.cap = 0;
	w->relay_in.buf = NULL;
	job_free(w);
	return r;
}

int pool_take(struct server *s, struct job *req)
{
	struct job *w = NULL;
	_cleanup_free_ char *code = NULL, *line = NULL, *input = NULL;
	size_t n;

	req->start_reason = cold_reason(s, req);
	if (req->start_reason)
		return -1;
	for (unsigned i = 0; i < s->njobs; i++) {
		struct job *j = &s->jobs[i];

		if (j->state == JOB_WARM && !j->retiring && j->generation == s->pol->generation &&
		    (!w || j->ready_ns < w->ready_ns))
			w = j;
	}
	if (!w) {
		req->start_reason = "the pool had no ready jail";
		return -1;
	}
	s->warm--;
	if (adopt(s, req, w) < 0) {
		req->start_reason = "the warm jail could not be handed over";
		(void)syscall(SYS_pidfd_send_signal, req->pidfd, SIGKILL, NULL, 0);
		(void)waitpid(req->pid, NULL, 0);
		worker_release(s, req);
		(void)jobdir_remove(req->dir);
		req->dir[0] = '\0';
		return -1;
	}
	req->start = "warm";
	req->started_ns = now_ns();
	code = msg_string(req->code, req->code_len);
	input = input_json(req);
	if (!code ||
	    asprintf(&line,
		     "{\"op\":\"go\",\"code\":%s,\"timeout_ms\":%llu,\"memory_mib\":%llu,"
		     "\"tools\":%s,\"input\":%s}\n",
		     code, (unsigned long long)req->timeout_ms, (unsigned long long)req->memory_mib,
		     req->tools_json ? req->tools_json : "null", input) < 0)
		abort();
	n = strlen(line);
	if (channel_send(&s->ev, &req->ctl, line, n, false, 0) < 0)
		/* the worker is gone: its pidfd says so, and the job ends there */
		(void)syscall(SYS_pidfd_send_signal, req->pidfd, SIGKILL, NULL, 0);
	/* no refill here: a jail being built now would take CPU from this
	 * request; the pool is refilled when it is done (job.c, finish) */
	return 0;
}

static int drop(void *ctx, const char *data, size_t n)
{
	(void)ctx;
	(void)data;
	(void)n;
	return 0;
}

static void ctl_readable(struct server *s, struct job *j)
{
	ssize_t n;

	if (j->ctl_len >= sizeof(j->ctl_buf) - 1) {
		retire(j); /* not what a worker says */
		return;
	}
	n = recv(j->ctl.fd, j->ctl_buf + j->ctl_len, sizeof(j->ctl_buf) - 1 - j->ctl_len,
		 MSG_DONTWAIT);
	if (n <= 0) {
		if (n == 0 || (errno != EAGAIN && errno != EINTR))
			evloop_del(&s->ev, j->ctl.fd); /* its pidfd tells the rest */
		return;
	}
	j->ctl_len += (size_t)n;
	j->ctl_buf[j->ctl_len] = '\0';
	if (!strchr(j->ctl_buf, '\n'))
		return;
	if (j->state != JOB_WARMING || !strstr(j->ctl_buf, "\"op\":\"ready\"")) {
		retire(j);
		return;
	}
	j->state = JOB_WARM;
	j->ready_ns = now_ns();
	s->warming--;
	s->warm++;
	s->pool_failures = 0;
	job_schedule(s);
}

static void worker_ended(struct server *s, struct job *j)
{
	siginfo_t si = { 0 };

	if (waitid((idtype_t)P_PIDFD, (id_t)j->pidfd, &si, WEXITED | WNOHANG) < 0 || !si.si_pid)
		return;
	if (!j->retiring) {
		/* it never got a request: its setup failed (a reason is on its
		 * stderr, in its directory until now) */
		s->pool_failures++;
		s->pool_backoff_ns =
			now_ns() +
			100000000ull * (1ull << (s->pool_failures < 6 ? s->pool_failures : 6));
		fprintf(stderr,
			"{\"event\":\"pool\",\"error\":\"a warm worker ended before a request\","
			"\"code\":%d,\"status\":%d}\n",
			si.si_code, si.si_status);
	}
	if (j->state == JOB_WARMING)
		s->warming--;
	else
		s->warm--;
	worker_release(s, j);
	(void)jobdir_remove(j->dir);
	job_free(j);
	pool_refill(s);
}

void pool_event(struct server *s, struct job *j, uint32_t tag, uint32_t events)
{
	switch (tag & TAG_KIND) {
	case TAG_CTL:
		if ((events & EPOLLOUT) && channel_flush(&s->ev, &j->ctl) < 0)
			break;
		if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
			ctl_readable(s, j);
		break;
	case TAG_OUT:
		if (read_available(j->out_fd, 1u << 20, drop, NULL) != READ_MORE)
			evloop_del_close(&s->ev, &j->out_fd);
		break;
	case TAG_RELAY:
		/* nothing comes before the code */
		if (read_available(j->relay.fd, 1u << 20, drop, NULL) == READ_EOF)
			evloop_del(&s->ev, j->relay.fd);
		break;
	case TAG_PIDFD:
		worker_ended(s, j);
		break;
	default:
		break;
	}
}
