/* status.c - both ends of the status socket (see status.h). */
#define _GNU_SOURCE
#include "jail/status.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int status_send(int sock, uint32_t kind, int32_t err, int32_t value, const char *step,
		const char *detail)
{
	struct status_msg m = { .kind = kind, .err = err, .value = value };

	/* the record is bounded: longer text is cut, never sent in pieces */
	if (step)
		(void)snprintf(m.step, sizeof(m.step), "%.*s", (int)sizeof(m.step) - 1, step);
	if (detail)
		(void)snprintf(m.detail, sizeof(m.detail), "%.*s", (int)sizeof(m.detail) - 1,
			       detail);
	return send(sock, &m, sizeof(m), MSG_NOSIGNAL) < 0 ? -errno : 0;
}

int status_send_bytes(int sock, uint32_t kind, int32_t err, int32_t value, const void *data,
		      size_t len)
{
	struct status_msg m = { .kind = kind, .err = err, .value = value };

	if (len > sizeof(m.detail))
		return -EMSGSIZE;
	memcpy(m.detail, data, len);
	return send(sock, &m, sizeof(m), MSG_NOSIGNAL) < 0 ? -errno : 0;
}

int status_send_fd(int sock, uint32_t kind, int fd)
{
	struct status_msg m = { .kind = kind };
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = &m, .iov_len = sizeof(m) };
	struct msghdr mh = { .msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c;

	memset(cbuf, 0, sizeof(cbuf));
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	return sendmsg(sock, &mh, MSG_NOSIGNAL) < 0 ? -errno : 0;
}

int status_recv(int sock, struct status_msg *m, int *passed_fd)
{
	for (;;) {
		char cbuf[CMSG_SPACE(sizeof(int) * 4)];
		struct iovec iov = { .iov_base = m, .iov_len = sizeof(*m) };
		struct msghdr mh = { .msg_iov = &iov,
				     .msg_iovlen = 1,
				     .msg_control = cbuf,
				     .msg_controllen = sizeof(cbuf) };
		struct cmsghdr *c;
		ssize_t n = recvmsg(sock, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);

		*passed_fd = -1;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 0;
		if (n <= 0)
			return -1;
		/* at most one descriptor per record: any other is closed */
		for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
			size_t k, nfd;

			if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
				continue;
			nfd = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			for (k = 0; k < nfd; k++) {
				int fd;

				memcpy(&fd, CMSG_DATA(c) + k * sizeof(int), sizeof(int));
				if (*passed_fd < 0)
					*passed_fd = fd;
				else
					(void)close(fd);
			}
		}
		/* a short or cut record is dropped whole: only whole ones count */
		if (n != (ssize_t)sizeof(*m) || (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC))) {
			if (*passed_fd >= 0)
				(void)close(*passed_fd);
			*passed_fd = -1;
			continue;
		}
		return 1;
	}
}
