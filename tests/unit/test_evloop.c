/*
 * test_evloop.c - jail/evloop.c's read loop: what it returns after a short
 * read, a full slice, nothing, end of file; a caller that reads to the end.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "jail/evloop.h"
#include "tests/tap.h"

struct count {
	size_t bytes, chunks;
};

static int take(void *ctx, const char *data, size_t n)
{
	struct count *c = ctx;

	(void)data;
	c->bytes += n;
	c->chunks++;
	return 0;
}

static int stop(void *ctx, const char *data, size_t n)
{
	(void)ctx;
	(void)data;
	(void)n;
	return -ECANCELED;
}

static void fill(int fd, size_t n)
{
	static char buf[65536];

	while (n) {
		ssize_t w = write(fd, buf, n < sizeof(buf) ? n : sizeof(buf));

		if (w <= 0)
			return;
		n -= (size_t)w;
	}
}

int main(void)
{
	struct count c = { 0 };
	int sv[2], r;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0 || fd_nonblock(sv[0]) < 0)
		skip_all("no socketpair");
	/* a big send buffer: the tests below queue up to 200 KiB at once */
	(void)setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &(int){ 1 << 20 }, sizeof(int));

	is_int(read_available(sv[0], 1u << 20, take, &c), READ_AGAIN, "nothing there: READ_AGAIN");
	is_int(c.chunks, 0, "... and no chunk");

	fill(sv[1], 10);
	is_int(read_available(sv[0], 1u << 20, take, &c), READ_MORE,
	       "one message: READ_MORE after the short read, no read for EAGAIN");
	is_int(c.bytes, 10, "... with its 10 bytes");
	is_int(read_available(sv[0], 1u << 20, take, &c), READ_AGAIN, "then READ_AGAIN");

	c = (struct count){ 0 };
	fill(sv[1], 200000);
	is_int(read_available(sv[0], 100000, take, &c), READ_MORE,
	       "a slice of max_bytes: READ_MORE");
	is_int(c.bytes, 100000, "... exactly max_bytes read");
	while ((r = read_available(sv[0], 1u << 20, take, &c)) == READ_MORE)
		;
	is_int(r, READ_AGAIN, "read to the end: called again while READ_MORE, ends on READ_AGAIN");
	is_int(c.bytes, 200000, "... with every byte");

	fill(sv[1], 5);
	is_int(read_available(sv[0], 1u << 20, stop, NULL), -ECANCELED,
	       "a callback's negative value is returned");

	c = (struct count){ 0 };
	fill(sv[1], 7);
	(void)close(sv[1]);
	while ((r = read_available(sv[0], 1u << 20, take, &c)) == READ_MORE)
		;
	is_int(r, READ_EOF, "data then the peer closes: the loop ends on READ_EOF");
	is_int(c.bytes, 7, "... after the data");
	(void)close(sv[0]);
	return done_testing();
}
