/* jobdir.c - remove an execution's directory (see jobdir.h). */
#define _GNU_SOURCE
#include "serve/jobdir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

/* Empty the directory dfd (consumed), depth-bounded. */
static int empty_dir(int dfd, int depth)
{
	DIR *d = fdopendir(dfd);
	struct dirent *e;
	int r = 0;

	if (!d) {
		r = -errno;
		(void)close(dfd);
		return r;
	}
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (unlinkat(dirfd(d), e->d_name, 0) == 0)
			continue;
		if (errno == EISDIR && depth < 64) {
			int sub = openat(dirfd(d), e->d_name,
					 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			int q = sub < 0 ? -errno : empty_dir(sub, depth + 1);

			if (!r && q < 0)
				r = q;
			if (unlinkat(dirfd(d), e->d_name, AT_REMOVEDIR) < 0 && !r)
				r = -errno;
		} else if (!r) {
			r = -errno;
		}
	}
	closedir(d);
	return r;
}

int jobdir_remove(const char *path)
{
	int dfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	int r;

	if (dfd < 0)
		return errno == ENOENT ? 0 : -errno;
	r = empty_dir(dfd, 0);
	if (rmdir(path) < 0 && !r)
		r = -errno;
	return r;
}
