/* evloop.c - epoll registration, channels and the read loop (see evloop.h). */
#define _GNU_SOURCE
#include "jail/evloop.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

int evloop_init(struct evloop *ev)
{
	ev->ep = epoll_create1(EPOLL_CLOEXEC);
	return ev->ep < 0 ? -errno : 0;
}

void evloop_free(struct evloop *ev)
{
	if (ev->ep >= 0)
		(void)close(ev->ep);
	ev->ep = -1;
}

static int ctl(struct evloop *ev, int op, int fd, uint32_t events, uint32_t tag)
{
	struct epoll_event e = { .events = events, .data.u32 = tag };

	return epoll_ctl(ev->ep, op, fd, &e) < 0 ? -errno : 0;
}

int evloop_add(struct evloop *ev, int fd, uint32_t events, uint32_t tag)
{
	return ctl(ev, EPOLL_CTL_ADD, fd, events, tag);
}

int evloop_mod(struct evloop *ev, int fd, uint32_t events, uint32_t tag)
{
	return ctl(ev, EPOLL_CTL_MOD, fd, events, tag);
}

void evloop_del(struct evloop *ev, int fd)
{
	/* ENOENT (never watched) and EBADF are fine: the goal is "not watched" */
	if (fd >= 0)
		(void)epoll_ctl(ev->ep, EPOLL_CTL_DEL, fd, NULL);
}

void evloop_del_close(struct evloop *ev, int *fd)
{
	if (*fd < 0)
		return;
	evloop_del(ev, *fd);
	(void)close(*fd);
	*fd = -1;
}

int fd_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -errno;
	return 0;
}

/* ---- channels ------------------------------------------------------------ */

void channel_init(struct channel *ch, int fd, uint32_t tag, size_t max)
{
	memset(ch, 0, sizeof(*ch));
	ch->fd = fd;
	ch->tag = tag;
	ch->q.max = max;
}

int channel_watch(struct evloop *ev, struct channel *ch)
{
	int r = fd_nonblock(ch->fd);

	return r ? r : evloop_add(ev, ch->fd, EPOLLIN, ch->tag);
}

size_t channel_pending(const struct channel *ch)
{
	return ch->q.len - ch->q.off;
}

/* A queue keeps at most this much memory once it is empty again. */
#define OUTQ_KEEP (64u << 10)

static int push(struct outq *q, const char *data, size_t len)
{
	/* keep the queue's memory proportional to what is unsent */
	if (q->off && q->off >= q->len / 2) {
		memmove(q->buf, q->buf + q->off, q->len - q->off);
		q->len -= q->off;
		q->off = 0;
	}
	if (q->max && q->len - q->off + len > q->max)
		return -ENOBUFS;
	if (len > q->cap - q->len) {
		/* grow by doubling: a client that does not read while thousands
		 * of small answers queue up must not cost a copy of the whole
		 * queue per answer (realloc copies under some allocators) */
		size_t need = q->len + len, cap = q->cap ? q->cap : 4096;
		char *nb;

		if (need < len)
			return -ENOMEM;
		while (cap < need)
			cap = cap > SIZE_MAX / 2 ? need : cap * 2;
		nb = realloc(q->buf, cap);
		if (!nb)
			return -ENOMEM;
		q->buf = nb;
		q->cap = cap;
	}
	memcpy(q->buf + q->len, data, len);
	q->len += len;
	return 0;
}

int channel_flush(struct evloop *ev, struct channel *ch)
{
	struct outq *q = &ch->q;
	bool want;
	int r = 0;

	while (ch->fd >= 0 && q->off < q->len) {
		/* SIGPIPE is ignored: a closed peer is EPIPE */
		ssize_t n = write(ch->fd, q->buf + q->off, q->len - q->off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n < 0) {
			/* the peer closed its end; what it did not read is lost to it */
			q->off = q->len;
			ch->peer_gone = true;
			r = -EPIPE;
			break;
		}
		q->off += (size_t)n;
	}
	if (q->off == q->len) {
		q->off = q->len = 0;
		if (q->cap > OUTQ_KEEP) {
			/* a burst is over: its memory goes back */
			free(q->buf);
			q->buf = NULL;
			q->cap = 0;
		}
	}
	want = q->off < q->len;
	if (ch->fd >= 0 && want != q->watching) {
		int e = evloop_mod(ev, ch->fd, want ? EPOLLIN | EPOLLOUT : EPOLLIN, ch->tag);

		if (e < 0)
			return e;
		q->watching = want;
	}
	return r;
}

int channel_send(struct evloop *ev, struct channel *ch, const char *data, size_t len,
		 bool droppable, size_t soft)
{
	int r;

	if (ch->fd < 0 || ch->peer_gone)
		return -EPIPE;
	if (droppable && channel_pending(ch) > soft) {
		ch->dropped++;
		return -ENOBUFS;
	}
	r = push(&ch->q, data, len);
	if (r < 0) {
		if (droppable)
			ch->dropped++;
		return r;
	}
	ch->sent += len;
	/* try at once: most messages fit the socket buffer, and waiting for
	 * EPOLLOUT would cost a round of the loop per message */
	return channel_flush(ev, ch);
}

void channel_free(struct evloop *ev, struct channel *ch, bool close_fd)
{
	if (close_fd)
		evloop_del_close(ev, &ch->fd);
	else
		evloop_del(ev, ch->fd);
	ch->fd = -1;
	free(ch->q.buf);
	ch->q.buf = NULL;
	ch->q.len = ch->q.off = ch->q.cap = 0;
}

/* ---- reading ----------------------------------------------------------------- */

int read_available(int fd, size_t max_bytes, int (*fn)(void *ctx, const char *data, size_t n),
		   void *ctx)
{
	char buf[65536];
	size_t done = 0;

	while (done < max_bytes) {
		size_t want = max_bytes - done < sizeof(buf) ? max_bytes - done : sizeof(buf);
		ssize_t n = read(fd, buf, want);
		int r;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return READ_AGAIN;
		/* EIO: a pty master once the last user of its terminal is gone */
		if (n == 0 || (n < 0 && errno == EIO))
			return READ_EOF;
		if (n < 0)
			return -errno;
		done += (size_t)n;
		r = fn(ctx, buf, (size_t)n);
		if (r < 0)
			return r;
		/* A short read emptied the descriptor for now: asking again would
		 * be one more read per message, answered EAGAIN. What comes later
		 * epoll (level-triggered) reports again. */
		if ((size_t)n < want)
			break;
	}
	return READ_MORE;
}
