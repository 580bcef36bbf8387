/* audit.c - the --audit-log file (see audit.h). */
#define _GNU_SOURCE
#include "jail/audit.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jail/log.h"
#include "jail/util.h"

int audit_open(const char *path)
{
	struct stat st;
	int e, fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK,
			 0600);

	if (fd < 0)
		return -errno;
	/* a FIFO or a device would take the record somewhere else, or block;
	 * and the lock must be takeable: a file system without flock would let
	 * concurrent launchers interleave their lines */
	if (fstat(fd, &st) == 0 && !S_ISREG(st.st_mode))
		e = EINVAL;
	else if (fstat(fd, &st) < 0 || flock(fd, LOCK_EX) < 0 || flock(fd, LOCK_UN) < 0)
		e = errno;
	else
		return fd;
	(void)close(fd);
	return -e;
}

int audit_append(int fd, const char *line, size_t len)
{
	struct stat st;
	int r;

	/* One line, one write, O_APPEND and an exclusive lock: concurrent
	 * launchers never interleave or overwrite each other's lines. A write
	 * that fails halfway (a full disk) is cut back to where the file
	 * ended, under the same lock, so the next record never glues to a
	 * partial line. */
	if (flock(fd, LOCK_EX) < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		r = -errno;
	} else {
		r = write_all(fd, line, len);
		if (r == 0 && fdatasync(fd) < 0 && errno != EINVAL)
			r = -errno;
		if (r < 0 && ftruncate(fd, st.st_size) < 0)
			log_error("audit log: cannot remove a partial record: %s", strerror(errno));
	}
	(void)flock(fd, LOCK_UN);
	return r;
}
