/*
 * evloop.h - the launcher's event-loop primitives: epoll registration,
 * bounded write queues (channels) and one non-blocking read loop.
 *
 * Nothing here exits or blocks: every function returns 0 or -errno, and
 * every descriptor it services is non-blocking. Callers decide what a
 * failure ends (a tool call, or the run), never the process.
 */
#ifndef ACTJAIL_EVLOOP_H
#define ACTJAIL_EVLOOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct evloop {
	int ep; /* the epoll instance, close-on-exec */
};

/* 0 or -errno. */
int evloop_init(struct evloop *ev);
void evloop_free(struct evloop *ev);

/* Register fd under tag (epoll_event.data.u32), or change its events. */
int evloop_add(struct evloop *ev, int fd, uint32_t events, uint32_t tag);
int evloop_mod(struct evloop *ev, int fd, uint32_t events, uint32_t tag);
/* Stop watching fd (if it is watched); the fd stays open. */
void evloop_del(struct evloop *ev, int fd);
/* Stop watching *fd, close it and set it to -1; nothing when already -1. */
void evloop_del_close(struct evloop *ev, int *fd);

/* O_NONBLOCK on fd: 0 or -errno. */
int fd_nonblock(int fd);

/* Bytes queued for a peer that reads at its own pace. The queue holds at
 * most max unsent bytes (0: no bound): a peer that stops reading cannot
 * grow the launcher's memory past it. */
struct outq {
	char *buf;
	size_t len, off;
	size_t cap; /* bytes allocated at buf */
	size_t max;
	bool watching; /* EPOLLOUT is armed */
};

/* A descriptor with its queue: the bridge to the jail, the relay. */
struct channel {
	int fd;	      /* -1 once closed */
	uint32_t tag; /* its epoll tag */
	struct outq q;
	uint64_t sent;	  /* bytes accepted for sending */
	uint64_t dropped; /* droppable messages refused (see channel_send) */
	bool peer_gone;	  /* a write failed with EPIPE or the like */
};

void channel_init(struct channel *ch, int fd, uint32_t tag, size_t max);
/* Register ch->fd for reading (non-blocking). 0 or -errno. */
int channel_watch(struct evloop *ev, struct channel *ch);
/*
 * Queue data and write what the peer takes now; EPOLLOUT is armed while
 * some is left. A droppable message is refused (-ENOBUFS, counted in
 * dropped) when more than soft bytes wait already; any message that would
 * exceed q.max is -ENOBUFS too. A closed channel or a gone peer takes
 * nothing (-EPIPE). Otherwise 0, or -errno from epoll.
 */
int channel_send(struct evloop *ev, struct channel *ch, const char *data, size_t len,
		 bool droppable, size_t soft);
/* On EPOLLOUT: write more. 0, -EPIPE (peer gone) or -errno from epoll. */
int channel_flush(struct evloop *ev, struct channel *ch);
size_t channel_pending(const struct channel *ch);
/* Stop watching and free the queue; closes fd only when close_fd. */
void channel_free(struct evloop *ev, struct channel *ch, bool close_fd);

/*
 * Read what fd has now, in chunks handed to fn (which returns 0 to go on,
 * or a negative value to stop, which is then returned). At most max_bytes per
 * call, so that one busy descriptor cannot starve the others (epoll is
 * level-triggered: the rest comes on the next round). Returns READ_AGAIN
 * when nothing was there, READ_MORE when max_bytes were read or a read came
 * back short (more may wait: it stops there instead of spending a read on
 * EAGAIN; a caller that must read to the end calls again while READ_MORE),
 * READ_EOF at end of file (EIO from a pty master whose last user is gone
 * counts as end of file), -errno on error.
 */
enum {
	READ_AGAIN = 0,
	READ_EOF = 1,
	READ_MORE = 2
};
int read_available(int fd, size_t max_bytes, int (*fn)(void *ctx, const char *data, size_t n),
		   void *ctx);

#endif
