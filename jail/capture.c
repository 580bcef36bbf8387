/* capture.c - copy regular files out of /output (see capture.h). */
#define _GNU_SOURCE
#include "jail/capture.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "jail/sha256.h"
#include "jail/util.h"

#define MAX_DEPTH 16

struct walk {
	const struct limits *l;
	struct capture *c;
	unsigned tmp_seq;
};

static int open_beneath(int dir, const char *name, int flags)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC | O_NOFOLLOW),
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_XDEV |
			   RESOLVE_NO_MAGICLINKS,
	};
	long fd = syscall(SYS_openat2, dir, name, &how, sizeof(how));

	return fd < 0 ? -errno : (int)fd;
}

static void skip(struct walk *w, const char *path, const char *reason)
{
	struct capture *c = w->c;

	c->skipped = xrealloc(c->skipped, (c->nskipped + 1) * sizeof(*c->skipped));
	c->skipped[c->nskipped].path = utf8_sanitize(path, strlen(path), NULL);
	c->skipped[c->nskipped].reason = reason;
	c->nskipped++;
}

/* Names that are not UTF-8 or hold control characters are refused: they
 * could not be reported faithfully and can attack terminals and logs. */
static bool safe_name(const char *name)
{
	const unsigned char *p;

	for (p = (const unsigned char *)name; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return false;
	return utf8_valid(name, strlen(name));
}

static int copy_file(struct walk *w, int in, int dst, const char *name, const char *path,
		     const struct stat *st)
{
	char tmp[64], buf[65536];
	struct sha256_ctx h;
	unsigned char d[32];
	uint64_t done = 0;
	int out = -1;
	struct capture_file *f;

	if (dst >= 0) {
		(void)snprintf(tmp, sizeof(tmp), ".actjail-%d-%u.tmp", (int)getpid(), w->tmp_seq++);
		out = openat(dst, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			     (st->st_mode & 0111) ? 0755 : 0644);
		if (out < 0)
			return -errno;
	}
	sha256_init(&h);
	for (;;) {
		ssize_t n = read(in, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || (uint64_t)n + done > w->l->capture_file_bytes) {
			int e = n < 0 ? errno : EFBIG;

			if (out >= 0) {
				(void)close(out);
				(void)unlinkat(dst, tmp, 0);
			}
			return -e;
		}
		if (n == 0)
			break;
		sha256_update(&h, buf, (size_t)n);
		if (out >= 0 && write_all(out, buf, (size_t)n) < 0) {
			int e = errno;

			(void)close(out);
			(void)unlinkat(dst, tmp, 0);
			return -e;
		}
		done += (uint64_t)n;
	}
	if (out >= 0) {
		int r = close(out) < 0 ? -errno : 0;

		/* renameat replaces a file or link of that name without following it */
		if (r == 0 && renameat(dst, tmp, dst, name) < 0)
			r = -errno;
		if (r < 0) {
			(void)unlinkat(dst, tmp, 0);
			return r;
		}
	}
	sha256_final(&h, d);
	w->c->files = xrealloc(w->c->files, (w->c->nfiles + 1) * sizeof(*w->c->files));
	f = &w->c->files[w->c->nfiles++];
	f->path = xstrdup(path);
	f->size = done;
	sha256_to_hex(d, f->sha256);
	w->c->total_bytes += done;
	return 0;
}

static void walk_dir(struct walk *w, int src, int dst, const char *prefix, unsigned depth);

static void visit(struct walk *w, int src, int dst, const char *name, const char *path,
		  unsigned depth)
{
	struct stat st;
	int fd, r;

	if (!safe_name(name)) {
		skip(w, path, "unsafe name");
		return;
	}
	if (fstatat(src, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		skip(w, path, "unreadable");
		return;
	}
	if (S_ISLNK(st.st_mode)) {
		skip(w, path, "symlink");
		return;
	}
	if (S_ISDIR(st.st_mode)) {
		int sub, dsub = -1;

		if (depth >= MAX_DEPTH) {
			skip(w, path, "too deep");
			return;
		}
		sub = open_beneath(src, name, O_RDONLY | O_DIRECTORY);
		if (sub < 0) {
			skip(w, path, "unreadable");
			return;
		}
		if (dst >= 0) {
			if (mkdirat(dst, name, 0755) < 0 && errno != EEXIST) {
				skip(w, path, "cannot create directory");
				(void)close(sub);
				return;
			}
			dsub = open_beneath(dst, name, O_RDONLY | O_DIRECTORY);
			if (dsub < 0) {
				skip(w, path, "destination is not a directory");
				(void)close(sub);
				return;
			}
		}
		walk_dir(w, sub, dsub, path, depth + 1);
		(void)close(sub);
		if (dsub >= 0)
			(void)close(dsub);
		return;
	}
	if (!S_ISREG(st.st_mode)) {
		skip(w, path, S_ISFIFO(st.st_mode) ? "fifo" : S_ISSOCK(st.st_mode) ? "socket"
											 : "device");
		return;
	}
	if (st.st_nlink != 1) {
		skip(w, path, "hardlink");
		return;
	}
	if (w->c->nfiles >= w->l->capture_files) {
		skip(w, path, "file count limit");
		return;
	}
	if ((uint64_t)st.st_size > w->l->capture_file_bytes) {
		skip(w, path, "file size limit");
		return;
	}
	if (w->c->total_bytes + (uint64_t)st.st_size > w->l->capture_total_bytes) {
		skip(w, path, "total size limit");
		return;
	}
	fd = open_beneath(src, name, O_RDONLY | O_NONBLOCK);
	if (fd < 0) {
		skip(w, path, "unreadable");
		return;
	}
	r = copy_file(w, fd, dst, name, path, &st);
	(void)close(fd);
	if (r == -EFBIG)
		skip(w, path, "file size limit");
	else if (r < 0)
		skip(w, path, dst >= 0 ? "cannot write destination" : "unreadable");
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void walk_dir(struct walk *w, int src, int dst, const char *prefix, unsigned depth)
{
	int fd = dup(src);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, i;

	if (!d) {
		if (fd >= 0)
			(void)close(fd);
		skip(w, *prefix ? prefix : ".", "unreadable");
		return;
	}
	/* sorted, so the result lists files in a stable order */
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		names = xrealloc(names, (n + 1) * sizeof(*names));
		names[n++] = xstrdup(e->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_names);
	for (i = 0; i < n; i++) {
		size_t len = strlen(prefix) + strlen(names[i]) + 2;
		char *path = xmalloc(len);

		(void)snprintf(path, len, "%s%s%s", prefix, *prefix ? "/" : "", names[i]);
		visit(w, src, dst, names[i], path, depth);
		free(path);
		free(names[i]);
	}
	free(names);
}

int capture_run(int src, const char *dest_dir, const struct limits *l, struct capture *c)
{
	struct walk w = { .l = l, .c = c };
	int dst = -1;

	memset(c, 0, sizeof(*c));
	if (dest_dir) {
		dst = open(dest_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dst < 0)
			return -errno;
	}
	walk_dir(&w, src, dst, "", 0);
	if (dst >= 0)
		(void)close(dst);
	return 0;
}

void capture_free(struct capture *c)
{
	size_t i;

	for (i = 0; i < c->nfiles; i++)
		free(c->files[i].path);
	for (i = 0; i < c->nskipped; i++)
		free(c->skipped[i].path);
	free(c->files);
	free(c->skipped);
	memset(c, 0, sizeof(*c));
}
