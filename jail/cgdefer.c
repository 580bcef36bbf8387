/* cgdefer.c - v1 cgroups made while the jail is built (see cgdefer.h). */
#define _GNU_SOURCE
#include "jail/cgdefer.h"

#include <errno.h>
#include <poll.h>
#include <unistd.h>

#include "jail/exitcodes.h"
#include "jail/log.h"
#include "jail/status.h"

int cgdefer_send(int status_fd, const struct cgroup_jail *cg)
{
	unsigned flags = 0;
	int r;

	if (cg->version == CG_V1) {
		for (int i = 0; i < cg->njoin; i++)
			if ((r = status_send_fd(status_fd, ST_CGROUP_FD, cg->join_fd[i])) < 0)
				return r;
		flags = CGDEFER_JOINED | (cg->pids ? CGDEFER_PIDS : 0);
	}
	return status_send(status_fd, ST_CGROUP_DONE, 0, (int32_t)flags, NULL, NULL);
}

unsigned cgdefer_join_or_die(int status_fd)
{
	for (;;) {
		struct status_msg m;
		struct pollfd p = { .fd = status_fd, .events = POLLIN };
		int fd, r = status_recv(status_fd, &m, &fd);

		if (r == 0) {
			if (poll(&p, 1, -1) < 0 && errno != EINTR)
				die("join cgroup", errno, "waiting for the launcher");
			continue;
		}
		if (r < 0)
			_exit(EXIT_SETUP); /* the launcher is gone */
		if (m.kind == ST_CGROUP_FD && fd >= 0) {
			ssize_t n;

			do
				n = write(fd, "0", 1);
			while (n < 0 && errno == EINTR);
			if (n != 1)
				die("join cgroup", n < 0 ? errno : EIO, NULL);
			(void)close(fd);
			continue;
		}
		if (fd >= 0)
			(void)close(fd);
		if (m.kind == ST_CGROUP_DONE)
			return (unsigned)m.value & (CGDEFER_JOINED | CGDEFER_PIDS);
		die("join cgroup", EPROTO, "unexpected record %u from the launcher", m.kind);
	}
}
