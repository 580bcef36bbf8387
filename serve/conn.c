/* conn.c - the clients' connections: accept, read whole lines, queue
 * answers, drop clients that stall or flood (see server.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "serve/msg.h"
#include "jail/util.h"
#include "serve/server.h"

/* What one client may have queued and unread: a few results with their
 * files. A client that never reads is dropped past it, not buffered. */
#define CONN_QUEUE_MAX	 (512u << 20)
#define CONN_QUEUE_TOTAL (1024u << 20)
/* A connection gets this much of a read per round, so no client starves
 * the others. */
#define CONN_READ_SLICE (256u << 10)

struct conn *conn_get(struct server *s, unsigned idx, unsigned serial)
{
	struct conn *c = idx < s->cfg.max_connections ? s->conns[idx] : NULL;

	return c && c->serial == serial ? c : NULL;
}

void conn_close(struct server *s, unsigned idx)
{
	struct conn *c = s->conns[idx];

	if (!c || c->dying)
		return;
	c->dying = true; /* what it cancels below must not close it again */
	/* its executions go with it: killed, reaped, nothing left */
	for (unsigned i = 0; i < s->njobs; i++) {
		struct job *j = &s->jobs[i];

		if (j->state != JOB_FREE && !j->answered && j->conn == idx &&
		    j->conn_serial == c->serial)
			job_cancel(s, j, "the client disconnected");
	}
	channel_free(&s->ev, &c->out, true);
	frame_reader_free(&c->in);
	free(c);
	s->conns[idx] = NULL;
}

/* Clients that do not read hold the server's memory: past CONN_QUEUE_TOTAL
 * bytes queued for all of them together, the one holding the most is
 * dropped (logged). */
static void bound_queued(struct server *s, size_t adding)
{
	for (;;) {
		size_t total = adding, most = 0;
		unsigned hog = 0;

		for (unsigned i = 0; i < s->cfg.max_connections; i++) {
			size_t p = s->conns[i] ? channel_pending(&s->conns[i]->out) : 0;

			total += p;
			if (p > most) {
				most = p;
				hog = i;
			}
		}
		if (total <= CONN_QUEUE_TOTAL || !most)
			return;
		fprintf(stderr,
			"{\"event\":\"dropped\",\"peer_uid\":%u,\"peer_pid\":%d,\"queued_bytes\":%zu,"
			"\"why\":\"not reading: the server holds at most %u MiB for all clients\"}\n",
			(unsigned)s->conns[hog]->peer_uid, (int)s->conns[hog]->peer_pid, most,
			CONN_QUEUE_TOTAL >> 20);
		conn_close(s, hog);
	}
}

void conn_send(struct server *s, unsigned idx, const char *line, size_t len)
{
	struct conn *c = s->conns[idx];
	int r;

	if (!c || c->out.fd < 0)
		return;
	bound_queued(s, len);
	c = s->conns[idx];
	if (!c || c->out.fd < 0)
		return;
	r = channel_send(&s->ev, &c->out, line, len, false, 0);
	if (r < 0 && !c->closing) {
		/* gone, or not reading what it asked for */
		c->closing = true;
		conn_close(s, idx);
	}
}

void conn_send_error(struct server *s, unsigned idx, const char *id_json, const char *code,
		     const char *fmt, ...)
{
	char text[1024];
	_cleanup_free_ char *line = NULL;
	size_t len;
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	s->st.errors++;
	line = msg_error(id_json, code, text, &len);
	if (line)
		conn_send(s, idx, line, len);
}

struct feed_ctx {
	struct server *s;
	unsigned idx;
};

static int on_line(const char *line, size_t len, void *ctx)
{
	struct feed_ctx *f = ctx;

	request_handle(f->s, f->idx, line, len);
	/* the request may have closed the connection */
	return f->s->conns[f->idx] ? 0 : -ECONNRESET;
}

static int on_oversize(size_t max, void *ctx)
{
	struct feed_ctx *f = ctx;

	conn_send_error(f->s, f->idx, NULL, "too_large",
			"request line longer than %zu bytes (--max-request-bytes): dropped", max);
	return f->s->conns[f->idx] ? 0 : -ECONNRESET;
}

static int feed(void *ctx, const char *data, size_t n)
{
	struct feed_ctx *f = ctx;
	struct conn *c = f->s->conns[f->idx];
	int r;

	if (!c)
		return -ECONNRESET;
	c->last_input_ns = now_ns();
	r = frame_reader_feed(&c->in, data, n, on_line, on_oversize, f);
	return r < 0 ? r : 0;
}

void conn_event(struct server *s, unsigned idx, uint32_t events)
{
	struct conn *c = idx < s->cfg.max_connections ? s->conns[idx] : NULL;
	struct feed_ctx f = { s, idx };
	int r;

	if (!c)
		return;
	if (events & EPOLLOUT) {
		if (channel_flush(&s->ev, &c->out) < 0 ||
		    (c->read_done && !c->jobs && !channel_pending(&c->out))) {
			conn_close(s, idx);
			return;
		}
	}
	if (!(events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
		return;
	if (c->read_done) {
		/* half-closed: only a hang-up is news now */
		if (events & (EPOLLHUP | EPOLLERR))
			conn_close(s, idx);
		return;
	}
	r = read_available(c->out.fd, CONN_READ_SLICE, feed, &f);
	if (!s->conns[idx])
		return;
	if (r < 0 || (r == READ_EOF && ((events & (EPOLLHUP | EPOLLERR)) || !c->jobs))) {
		/* gone (or nothing left to answer): its executions go with it */
		conn_close(s, idx);
	} else if (r == READ_EOF) {
		/* shut for writing only (shutdown(SHUT_WR), nc -N): the answers
		 * still go out, then the connection closes (conn_done) */
		c->read_done = true;
		(void)evloop_mod(&s->ev, c->out.fd, EPOLLRDHUP | (c->out.q.watching ? EPOLLOUT : 0),
				 TAG_CONN | idx);
	}
}

void conn_job_done(struct server *s, unsigned idx)
{
	struct conn *c = s->conns[idx];

	if (c && c->jobs)
		c->jobs--;
	if (c && c->read_done && !c->jobs && !c->dying) {
		/* a half-closed client has its last answer: closed once it is
		 * flushed (conn_event, EPOLLOUT) */
		if (!channel_pending(&c->out))
			conn_close(s, idx);
	}
}

void conn_accept(struct server *s)
{
	for (int round = 0; round < 64; round++) {
		struct ucred cred;
		socklen_t len = sizeof(cred);
		struct conn *c;
		unsigned idx;
		int fd = accept4(s->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0)
			return; /* EAGAIN, or a client that left already */
		s->st.connections++;
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) {
			(void)close(fd);
			continue;
		}
		if (!serve_peer_allowed(&s->cfg, cred.uid, cred.gid)) {
			static const char msg[] =
				"{\"op\":\"error\",\"id\":null,\"code\":\"refused\","
				"\"error\":\"this uid and gid may not use the "
				"server (--allow-uid, --allow-gid)\"}\n";

			s->st.refused_peers++;
			(void)!write(fd, msg, sizeof(msg) - 1);
			(void)close(fd);
			fprintf(stderr,
				"{\"event\":\"refused\",\"peer_uid\":%u,\"peer_gid\":%u,"
				"\"peer_pid\":%d}\n",
				(unsigned)cred.uid, (unsigned)cred.gid, (int)cred.pid);
			continue;
		}
		for (idx = 0; idx < s->cfg.max_connections && s->conns[idx]; idx++)
			;
		if (idx == s->cfg.max_connections || s->draining) {
			static const char msg[] = "{\"op\":\"error\",\"id\":null,\"code\":\"busy\","
						  "\"error\":\"too many connections\"}\n";
			static const char bye[] = "{\"op\":\"error\",\"id\":null,\"code\":"
						  "\"shutting_down\",\"error\":\"the server is "
						  "stopping\"}\n";

			(void)!write(fd, s->draining ? bye : msg,
				     s->draining ? sizeof(bye) - 1 : sizeof(msg) - 1);
			(void)close(fd);
			continue;
		}
		c = xcalloc(1, sizeof(*c));
		c->serial = ++s->conn_serial;
		c->peer_pid = cred.pid;
		c->peer_uid = cred.uid;
		c->peer_gid = cred.gid;
		c->last_input_ns = now_ns();
		channel_init(&c->out, fd, TAG_CONN | idx, CONN_QUEUE_MAX);
		frame_reader_init(&c->in, s->cfg.max_request_bytes);
		s->conns[idx] = c;
		if (channel_watch(&s->ev, &c->out) < 0)
			conn_close(s, idx);
	}
}

/* A client that stopped in the middle of a line for longer than the idle
 * timeout is dropped; one that is silent between requests is not. */
void conn_tick(struct server *s, uint64_t now)
{
	for (unsigned i = 0; i < s->cfg.max_connections; i++) {
		struct conn *c = s->conns[i];

		int unread = 0;

		if (c && frame_reader_pending(&c->in) &&
		    now - c->last_input_ns > s->cfg.idle_timeout_ms * 1000000u &&
		    /* bytes the server has not read yet are not the client's stall */
		    !(ioctl(c->out.fd, FIONREAD, &unread) == 0 && unread > 0)) {
			conn_send_error(s, i, NULL, "idle",
					"no end of line for %llu ms (--idle-timeout): closing",
					(unsigned long long)s->cfg.idle_timeout_ms);
			conn_close(s, i);
		}
	}
}
