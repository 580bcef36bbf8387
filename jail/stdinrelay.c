/* stdinrelay.c - the caller's stdin to the program (see stdinrelay.h). */
#define _GNU_SOURCE
#include "jail/stdinrelay.h"

#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

static int dest(const struct stdin_relay *r)
{
	return *r->stdin_fd >= 0 ? *r->stdin_fd : *r->pty_fd;
}

/* EPOLLOUT on the program's pipe exactly while something waits for it */
static int update_watch(struct stdin_relay *r)
{
	int dst = dest(r);
	bool want_out = r->off < r->len;

	if (dst < 0)
		return 0;
	if (!r->watching && want_out && dst == *r->stdin_fd) {
		int e = evloop_add(r->ev, dst, EPOLLOUT, r->tag_pipe);

		if (e < 0)
			return e;
		r->watching = true;
	} else if (r->watching && !want_out) {
		evloop_del(r->ev, dst);
		r->watching = false;
	}
	return 0;
}

int stdin_relay_flush(struct stdin_relay *r)
{
	int dst = dest(r);

	while (dst >= 0 && r->off < r->len) {
		ssize_t n = write(dst, r->buf + r->off, r->len - r->off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n < 0) { /* the program closed its stdin: drop the rest */
			r->off = r->len;
			r->eof = true;
			break;
		}
		r->off += (size_t)n;
	}
	if (r->off == r->len)
		r->off = r->len = 0;
	if (r->eof && !r->len && *r->stdin_fd >= 0) {
		r->watching = false;
		evloop_del_close(r->ev, r->stdin_fd);
	}
	return update_watch(r);
}

int stdin_relay_read(struct stdin_relay *r)
{
	ssize_t n;

	if (r->len == sizeof(r->buf))
		return 0;
	n = read(0, r->buf + r->len, sizeof(r->buf) - r->len);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (n <= 0) {
		r->eof = true;
		if (r->pollable)
			evloop_del(r->ev, 0);
	} else {
		r->len += (size_t)n;
	}
	return stdin_relay_flush(r);
}

bool stdin_relay_unpolled(const struct stdin_relay *r)
{
	return !r->pollable && !r->eof && !r->len;
}

int stdin_relay_start(struct stdin_relay *r, struct evloop *ev, int *stdin_fd, const int *pty_fd,
		      bool tty, uint32_t tag_in, uint32_t tag_pipe)
{
	int e;

	r->ev = ev;
	r->stdin_fd = stdin_fd;
	r->pty_fd = pty_fd;
	r->tag_in = tag_in;
	r->tag_pipe = tag_pipe;
	r->len = r->off = 0;
	r->eof = r->pollable = r->watching = r->raw_tty = false;
	if (*stdin_fd >= 0 && (e = fd_nonblock(*stdin_fd)) < 0)
		return e;
	if (tty && tcgetattr(0, &r->saved_tty) == 0) {
		struct termios raw = r->saved_tty;

		cfmakeraw(&raw);
		/* TCSANOW: what the user typed ahead must reach the jail */
		if (tcsetattr(0, TCSANOW, &raw) == 0)
			r->raw_tty = true;
	}
	/* A regular file cannot be polled (EPERM): it is always readable. */
	e = evloop_add(ev, 0, EPOLLIN, tag_in);
	if (e == 0)
		r->pollable = true;
	else if (e != -EPERM)
		r->eof = true;
	return 0;
}

void stdin_relay_restore(struct stdin_relay *r)
{
	if (r->raw_tty) {
		(void)tcsetattr(0, TCSAFLUSH, &r->saved_tty);
		r->raw_tty = false;
	}
}
