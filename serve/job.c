/* job.c - executions and their workers (see server.h). A worker is
 * `actjail run --json` of this same binary, started with its code, input
 * and output in a private directory, its tool relay on fd 3 and its result
 * on stdout; the server relays tool calls between it and the client and
 * answers the client with the result. */
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

/* A worker prints one JSON object; past this it is not a result. */
#define RESULT_MAX (256u << 20)
/* SIGTERM first (the worker ends the run and reports it), SIGKILL after. */
#define KILL_GRACE_NS (5000000000ull)

struct job *job_find(struct server *s, unsigned conn, unsigned serial, const char *id_json)
{
	for (unsigned i = 0; i < s->njobs; i++) {
		struct job *j = &s->jobs[i];

		if (j->state != JOB_FREE && !j->answered && j->conn == conn &&
		    j->conn_serial == serial && !strcmp(j->id_json, id_json))
			return j;
	}
	return NULL;
}

void job_free(struct job *j)
{
	free(j->id_json);
	free(j->code);
	if (j->env)
		for (size_t i = 0; j->env[i]; i++)
			free(j->env[i]);
	free(j->env);
	for (size_t i = 0; i < j->ninputs; i++) {
		free(j->inputs[i].name);
		free(j->inputs[i].data);
	}
	free(j->inputs);
	free(j->tools_json);
	json_free(j->tools);
	free(j->out);
	for (size_t i = 0; i < j->ncalls; i++)
		free(j->call_ids[i]);
	free(j->call_ids);
	memset(j, 0, sizeof(*j));
	j->state = JOB_FREE;
	j->pidfd = j->out_fd = -1;
	j->relay.fd = -1;
	j->ctl.fd = -1;
}

/* The client gets line, if it is still there. */
void job_to_client(struct server *s, const struct job *j, const char *line, size_t len)
{
	if (conn_get(s, j->conn, j->conn_serial))
		conn_send(s, j->conn, line, len);
}

static void fail_job(struct server *s, struct job *j, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* End a job with an error line instead of a result. */
static void fail_job(struct server *s, struct job *j, const char *code, const char *fmt, ...)
{
	char text[1024];
	_cleanup_free_ char *line = NULL;
	struct conn *c = conn_get(s, j->conn, j->conn_serial);
	size_t len;
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	line = msg_error(j->id_json, code, text, &len);
	if (line)
		job_to_client(s, j, line, len);
	stats_done(s, j, code, (double)(now_ns() - j->received_ns) / 1e6);
	stats_log(s, j, code, NULL, j->start ? j->start : "none", NULL);
	if (j->state == JOB_RUNNING)
		s->running--;
	else if (j->state == JOB_QUEUED)
		s->queued--;
	if (j->dir[0])
		(void)jobdir_remove(j->dir);
	{
		unsigned conn = j->conn;

		/* the slot is free before the connection may close (which
		 * cancels what of it is left) */
		job_free(j);
		if (c)
			conn_job_done(s, conn);
	}
}

void job_schedule(struct server *s)
{
	while (s->running < s->cfg.concurrency && s->queued) {
		struct job *next = NULL;
		char err[1200];

		for (unsigned i = 0; i < s->njobs; i++)
			if (s->jobs[i].state == JOB_QUEUED && (!next || s->jobs[i].seq < next->seq))
				next = &s->jobs[i];
		if (!next)
			return;
		next->state = JOB_RUNNING;
		s->queued--;
		s->running++;
		if (pool_take(s, next) == 0) {
			s->st.pool_hits++;
			continue;
		}
		s->st.pool_misses++;
		next->start = "cold";
		if (worker_spawn(s, next, false, err, sizeof(err)) < 0) {
			worker_release(s, next);
			fail_job(s, next, "worker_failed", "%s", err);
		}
	}
}

/* ---- the result ------------------------------------------------------------------ */

/* The captured files as {"path": base64, ...}, read back from output/. */
/* The captured files as {"path": base64, ...}, read back from output/; a
 * file the worker listed that cannot be read back is named in *errors
 * ({"path": "ENOENT", ...}, or NULL when none), never silently left out. */
static char *output_files(const struct job *j, const struct json_node *files, char **errors)
{
	char dir[4300];
	_cleanup_close_ int dfd = -1;
	size_t cap = 64, len = 0, elen = 0;
	char *out = xmalloc(cap);

	*errors = NULL;
#define OUTPUT_ERROR(p, e)                                                                         \
	do {                                                                                       \
		_cleanup_free_ char *q_ = msg_string((p), strlen(p));                              \
		const char *n_ = strerrorname_np(e);                                               \
		size_t add_ = (q_ ? strlen(q_) : 2) + 32;                                          \
		*errors = xrealloc(*errors, elen + add_ + 2);                                      \
		elen += (size_t)snprintf(*errors + elen, add_ + 2, "%s%s:\"%s\"",                  \
					 elen ? "," : "{", q_ ? q_ : "\"\"", n_ ? n_ : "EIO");     \
	} while (0)

	(void)snprintf(dir, sizeof(dir), "%s/output", j->dir);
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	out[len++] = '{';
	for (size_t i = 0; files && files->type == JSON_ARRAY && i < files->u.array.len; i++) {
		struct open_how how = { .flags = O_RDONLY | O_CLOEXEC,
					.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
						   RESOLVE_NO_MAGICLINKS };
		const char *path = message_string(files->u.array.items[i], "path", NULL);
		_cleanup_free_ char *data = NULL, *name = NULL;
		size_t n = 0, need;
		int fd;

		if (!path)
			continue;
		fd = dfd < 0 ? -1 : (int)syscall(SYS_openat2, dfd, path, &how, sizeof(how));
		if (fd < 0) {
			OUTPUT_ERROR(path, dfd < 0 ? ENOENT : errno);
			continue;
		}
		{
			int r = read_all_fd(fd, 1u << 30, &data, &n);

			if (r < 0) {
				(void)close(fd);
				OUTPUT_ERROR(path, -r);
				continue;
			}
		}
		(void)close(fd);
		name = msg_string(path, strlen(path));
		if (!name)
			continue;
		need = len + strlen(name) + base64_encoded_len(n) + 8;
		if (need > cap) {
			cap = need * 2;
			out = xrealloc(out, cap);
		}
		if (len > 1)
			out[len++] = ',';
		memcpy(out + len, name, strlen(name));
		len += strlen(name);
		out[len++] = ':';
		out[len++] = '"';
		base64_encode((const unsigned char *)data, n, out + len);
		len += base64_encoded_len(n);
		out[len++] = '"';
	}
	out[len++] = '}';
	out[len] = '\0';
	if (*errors) {
		*errors = xrealloc(*errors, elen + 2);
		memcpy(*errors + elen, "}", 2);
	}
#undef OUTPUT_ERROR
	return out;
}

/* The worker's result, sent to the client as soon as it is complete: the
 * worker prints it and closes its stdout before it removes the jail's
 * (empty) cgroups and exits, which are waited for apart (cleanup). False
 * when the output is not a result: the worker's exit status then says why. */
static bool deliver(struct server *s, struct job *j)
{
	struct json_node *root = NULL;
	struct json_error jerr;
	struct conn *c = conn_get(s, j->conn, j->conn_serial);
	const char *status;
	_cleanup_free_ char *files = NULL, *result = NULL, *line = NULL, *why = NULL, *ferr = NULL;
	size_t len;

	/* the worker's JSON, trimmed of its newline */
	while (j->out_len && (j->out[j->out_len - 1] == '\n' || j->out[j->out_len - 1] == ' '))
		j->out_len--;
	if (!j->out_len || json_parse_limited(j->out, j->out_len, 64, 4u << 20, &root, &jerr) < 0 ||
	    root->type != JSON_OBJECT || !(status = message_string(root, "status", NULL))) {
		json_free(root);
		return false;
	}
	files = output_files(j, json_get(root, "files"), &ferr);
	why = j->start_reason ? msg_string(j->start_reason, strlen(j->start_reason))
			      : xstrdup("null");
	/* the result object, with start and the files: spliced before its
	 * closing brace (the worker's JSON is compact and well-formed) */
	if (asprintf(&result,
		     "%.*s,\"start\":\"%s\",\"start_reason\":%s,\"output_files\":%s,"
		     "\"output_errors\":%s}",
		     (int)(j->out_len - 1), j->out, j->start, why, files, ferr ? ferr : "null") < 0)
		abort();
	line = msg_done(j->id_json, result, &len);
	job_to_client(s, j, line, len);
	stats_done(s, j, status, (double)(now_ns() - j->received_ns) / 1e6);
	stats_log(s, j, status, message_string(root, "reason", NULL), j->start, root);
	json_free(root);
	j->answered = true;
	free(j->out);
	j->out = NULL;
	j->out_len = j->out_cap = 0;
	s->running--;
	if (c)
		conn_job_done(s, j->conn);
	job_schedule(s);
	/* a request is done: the pool is refilled behind it (docs/serve.md) */
	pool_refill(s);
	return true;
}

/* The worker's result is one line (JSON escapes every newline inside it):
 * once its newline is there, it is whole, whether or not the worker has
 * closed its stdout yet. */
static bool result_complete(const struct job *j)
{
	return j->out_len && j->out[j->out_len - 1] == '\n';
}

static void maybe_finish(struct server *s, struct job *j)
{
	char why[64];

	if ((j->out_eof || result_complete(j)) && !j->answered && !j->exited)
		(void)deliver(s, j);
	if (!j->exited || !j->out_eof)
		return;
	if (j->answered || deliver(s, j)) {
		/* answered: the slot and the directory go now (the pool was
		 * refilled when the answer went out) */
		worker_release(s, j);
		(void)jobdir_remove(j->dir);
		job_free(j);
		pool_maintain(s, s->running == 0);
		return;
	}
	worker_release(s, j);
	if (WIFSIGNALED(j->wait_status))
		(void)snprintf(why, sizeof(why), "killed by signal %d", WTERMSIG(j->wait_status));
	else
		(void)snprintf(why, sizeof(why), "exit status %d", WEXITSTATUS(j->wait_status));
	/* its jail's init dies with it (parent-death signal); what the dead
	 * worker left in the cgroups goes on the next ticks */
	s->sweep_pending = 10;
	fail_job(s, j, "worker_failed", "the worker ended without a result (%s)", why);
}

static int take_out(void *ctx, const char *data, size_t n)
{
	struct job *j = ctx;

	if (j->out_len + n > RESULT_MAX)
		return -EFBIG;
	if (j->out_len + n + 1 > j->out_cap) {
		j->out_cap = (j->out_len + n + 1) * 2;
		j->out = xrealloc(j->out, j->out_cap);
	}
	memcpy(j->out + j->out_len, data, n);
	j->out_len += n;
	return 0;
}

/* ---- events ------------------------------------------------------------------------- */

void job_event(struct server *s, uint32_t tag, uint32_t events)
{
	unsigned idx = tag & ~TAG_KIND;
	struct job *j = idx < s->njobs ? &s->jobs[idx] : NULL;
	int r;

	if (!j || j->state == JOB_FREE || j->state == JOB_QUEUED)
		return;
	if (j->state != JOB_RUNNING) {
		pool_event(s, j, tag, events);
		return;
	}
	switch (tag & TAG_KIND) {
	case TAG_OUT:
		r = read_available(j->out_fd, 1u << 20, take_out, j);
		if (r == READ_EOF || r < 0) {
			if (r < 0 && r != -EFBIG)
				j->out_len = 0;
			if (r == -EFBIG) {
				j->out_len = 0;
				(void)syscall(SYS_pidfd_send_signal, j->pidfd, SIGKILL, NULL, 0);
			}
			evloop_del_close(&s->ev, &j->out_fd);
			j->out_eof = true;
		}
		break;
	case TAG_RELAY:
		if ((events & EPOLLOUT) && channel_flush(&s->ev, &j->relay) < 0)
			break;
		if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
			job_relay_readable(s, j);
		break;
	case TAG_PIDFD: {
		siginfo_t si = { 0 };

		if (waitid((idtype_t)P_PIDFD, (id_t)j->pidfd, &si, WEXITED | WNOHANG) < 0 ||
		    si.si_pid == 0)
			break;
		j->exited = true;
		j->wait_status = si.si_code == CLD_EXITED ? (si.si_status & 0xff) << 8
							  : (si.si_status & 0x7f);
		evloop_del_close(&s->ev, &j->pidfd);
		/* whatever it printed is in the pipe by now */
		if (j->out_fd >= 0) {
			(void)read_available(j->out_fd, RESULT_MAX, take_out, j);
			evloop_del_close(&s->ev, &j->out_fd);
			j->out_eof = true;
		}
		break;
	}
	case TAG_CTL:
		/* after the go: nothing more is said there; a flush, or its end */
		if ((events & EPOLLOUT) && channel_flush(&s->ev, &j->ctl) < 0)
			channel_free(&s->ev, &j->ctl, true);
		else if (events & (EPOLLHUP | EPOLLERR))
			evloop_del(&s->ev, j->ctl.fd);
		break;
	default:
		break;
	}
	maybe_finish(s, j);
}

void job_refuse_queued(struct server *s, struct job *j, const char *code, const char *why)
{
	if (j->state == JOB_QUEUED)
		fail_job(s, j, code, "%s", why);
}

unsigned job_slots_used(const struct server *s)
{
	unsigned n = 0;

	for (unsigned i = 0; i < s->njobs; i++)
		n += s->jobs[i].state != JOB_FREE;
	return n;
}

void job_cancel(struct server *s, struct job *j, const char *why)
{
	if (j->state == JOB_QUEUED) {
		fail_job(s, j, "cancelled", "%s before it started", why);
		return;
	}
	if (j->state != JOB_RUNNING || j->cancelled || j->answered)
		return;
	j->cancelled = true;
	/* the worker ends the run itself: jail killed and reaped, tools
	 * stopped, cgroups removed, a result printed (status killed) */
	(void)syscall(SYS_pidfd_send_signal, j->pidfd, SIGTERM, NULL, 0);
	j->kill_at_ns = now_ns() + KILL_GRACE_NS;
}

void job_tick(struct server *s, uint64_t now)
{
	for (unsigned i = 0; i < s->njobs; i++) {
		struct job *j = &s->jobs[i];
		uint64_t backstop;

		if (j->state != JOB_RUNNING || j->exited)
			continue;
		if (!j->timeout_ms)
			continue;
		/* the worker keeps the deadline; this is the server's backstop
		 * against a worker that hangs in setup or in reporting */
		backstop = j->started_ns + (j->timeout_ms + s->cfg.setup_timeout_ms) * 1000000u;
		if (!j->kill_at_ns && now > backstop) {
			(void)syscall(SYS_pidfd_send_signal, j->pidfd, SIGTERM, NULL, 0);
			j->kill_at_ns = now + KILL_GRACE_NS;
		} else if (j->kill_at_ns && now > j->kill_at_ns) {
			(void)syscall(SYS_pidfd_send_signal, j->pidfd, SIGKILL, NULL, 0);
		}
	}
	if (s->sweep_pending) {
		struct cgroup_layout lay;

		s->sweep_pending--;
		if (cgroup_discover(&lay) == 0)
			cgroup_sweep(&lay, NULL);
	}
}
