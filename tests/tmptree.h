/*
 * tmptree.h - for unit tests that build trees in temporary directories:
 * remove everything below the directory dir (symlinks are removed, never
 * followed). Best effort: what cannot be removed is left.
 */
#ifndef ACTJAIL_TESTS_TMPTREE_H
#define ACTJAIL_TESTS_TMPTREE_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

static inline void rm_tree(int dir)
{
	DIR *d = fdopendir(dup(dir));
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (unlinkat(dir, e->d_name, 0) < 0 && (errno == EISDIR || errno == EPERM)) {
			int sub = openat(dir, e->d_name,
					 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

			if (sub >= 0) {
				rm_tree(sub);
				(void)close(sub);
			}
			(void)unlinkat(dir, e->d_name, AT_REMOVEDIR);
		}
	}
	closedir(d);
}

#endif
