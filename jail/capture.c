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
	bool to_host; /* a destination was asked for */
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

static void skip_err(struct walk *w, const char *path, const char *reason, int err, bool host)
{
	struct capture *c = w->c;
	struct capture_skip *s;

	c->skipped = xrealloc(c->skipped, (c->nskipped + 1) * sizeof(*c->skipped));
	s = &c->skipped[c->nskipped++];
	s->path = utf8_sanitize(path, strlen(path), NULL);
	s->reason = reason;
	s->err = err;
	s->host_failure = host;
	c->host_failures += host;
}

/* What the program planted: not a failure of the capture. */
static void skip(struct walk *w, const char *path, const char *reason)
{
	skip_err(w, path, reason, 0, false);
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

/* A file in dst that has no name until publish() gives it one: a launcher
 * killed while copying leaves nothing in dst (open(2), O_TMPFILE). A
 * filesystem without O_TMPFILE gets a named temporary file instead. */
static int open_unnamed(struct walk *w, int dst, mode_t mode, char *tmp, size_t tmplen)
{
	int fd = openat(dst, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, mode);

	*tmp = '\0';
	if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR))
		return fd < 0 ? -errno : fd;
	(void)snprintf(tmp, tmplen, ".actjail-%d-%u.tmp", (int)getpid(), w->tmp_seq++);
	fd = openat(dst, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	return fd < 0 ? -errno : fd;
}

/* Give the complete file fd its name in dst. An existing file of that name
 * is replaced atomically (renameat replaces without following a link):
 * linkat refuses an existing name, so the file is linked under a temporary
 * name first. linkat of /proc/self/fd/N needs no capability, where
 * AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH. */
static int publish(struct walk *w, int fd, int dst, const char *name, const char *tmp)
{
	char proc[64], tmp2[64];
	int e;

	if (*tmp) {
		/* the named fallback */
		if (renameat(dst, tmp, dst, name) == 0)
			return 0;
		e = -errno;
		(void)unlinkat(dst, tmp, 0);
		return e;
	}
	(void)snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if (linkat(AT_FDCWD, proc, dst, name, AT_SYMLINK_FOLLOW) == 0)
		return 0;
	if (errno != EEXIST)
		return -errno;
	(void)snprintf(tmp2, sizeof(tmp2), ".actjail-%d-%u.tmp", (int)getpid(), w->tmp_seq++);
	if (linkat(AT_FDCWD, proc, dst, tmp2, AT_SYMLINK_FOLLOW) < 0)
		return -errno;
	if (renameat(dst, tmp2, dst, name) == 0)
		return 0;
	e = -errno;
	(void)unlinkat(dst, tmp2, 0);
	return e;
}

/* Copy in to name in dst (or only hash it when dst < 0). 0 or -errno;
 * *host is false when the source was at fault (too big, unreadable: the
 * program can make a file its owner cannot read), true when dst was. */
static int copy_file(struct walk *w, int in, int dst, const char *name, const char *path,
		     const struct stat *st, bool *host)
{
	char tmp[64], buf[65536];
	struct sha256_ctx h;
	unsigned char d[32];
	uint64_t done = 0;
	_cleanup_close_ int out = -1;
	struct capture_file *f;
	int r = 0;

	*host = true;
	tmp[0] = '\0';
	if (dst >= 0) {
		out = open_unnamed(w, dst, (st->st_mode & 0111) ? 0755 : 0644, tmp, sizeof(tmp));
		if (out < 0)
			return out;
	}
	sha256_init(&h);
	for (;;) {
		ssize_t n = read(in, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || (uint64_t)n + done > w->l->capture_file_bytes) {
			*host = false;
			r = n < 0 ? -errno : -EFBIG;
			break;
		}
		if (n == 0)
			break;
		sha256_update(&h, buf, (size_t)n);
		if (out >= 0 && write_all(out, buf, (size_t)n) < 0) {
			r = -errno;
			break;
		}
		done += (uint64_t)n;
	}
	/* fsync is not asked for: the copy is as durable as any write to DIR,
	 * but a full disk or an I/O error must show now, not be lost */
	if (r == 0 && out >= 0)
		r = publish(w, out, dst, name, tmp);
	else if (*tmp)
		(void)unlinkat(dst, tmp, 0);
	if (r < 0)
		return r;
	sha256_final(&h, d);
	w->c->files = xrealloc(w->c->files, (w->c->nfiles + 1) * sizeof(*w->c->files));
	f = &w->c->files[w->c->nfiles++];
	f->path = xstrdup(path);
	f->size = done;
	sha256_to_hex(d, f->sha256);
	w->c->total_bytes += done;
	return 0;
}

/* Where a directory's files go: fd, or (fd < 0 with w->to_host) why its
 * destination could not be made: every file below is then a host-side
 * skip with that reason and errno. */
struct dest {
	int fd;
	int err;
	const char *why;
};

static void walk_dir(struct walk *w, int src, const struct dest *d, const char *prefix,
		     unsigned depth);

static void visit(struct walk *w, int src, const struct dest *d, const char *name, const char *path,
		  unsigned depth)
{
	int dst = d->fd;
	struct stat st;
	bool host;
	int fd, r;

	if (!safe_name(name)) {
		skip(w, path, "unsafe name");
		return;
	}
	if (fstatat(src, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		skip_err(w, path, "unreadable", errno, false);
		return;
	}
	if (S_ISLNK(st.st_mode)) {
		skip(w, path, "symlink");
		return;
	}
	if (S_ISDIR(st.st_mode)) {
		_cleanup_close_ int sub = -1;
		struct dest dsub = *d;

		if (depth >= MAX_DEPTH) {
			skip(w, path, "too deep");
			return;
		}
		sub = open_beneath(src, name, O_RDONLY | O_DIRECTORY);
		if (sub < 0) {
			skip_err(w, path, "unreadable", -sub, false);
			return;
		}
		dsub.fd = -1;
		if (dst >= 0 && mkdirat(dst, name, 0755) < 0 && errno != EEXIST) {
			dsub = (struct dest){ -1, errno, "cannot create directory" };
		} else if (dst >= 0) {
			/* what is there already may be a file or a link: never
			 * followed (ENOTDIR, ELOOP) */
			dsub.fd = open_beneath(dst, name, O_RDONLY | O_DIRECTORY);
			if (dsub.fd < 0)
				dsub = (struct dest){ -1, -dsub.fd,
						      dsub.fd == -ENOTDIR || dsub.fd == -ELOOP
							      ? "destination is not a directory"
							      : "cannot write destination" };
		}
		walk_dir(w, sub, &dsub, path, depth + 1);
		if (dsub.fd >= 0)
			(void)close(dsub.fd);
		return;
	}
	if (!S_ISREG(st.st_mode)) {
		skip(w, path,
		     S_ISFIFO(st.st_mode)   ? "fifo"
		     : S_ISSOCK(st.st_mode) ? "socket"
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
	if (w->to_host && dst < 0) {
		skip_err(w, path, d->why, d->err, true);
		return;
	}
	fd = open_beneath(src, name, O_RDONLY | O_NONBLOCK);
	if (fd < 0) {
		skip_err(w, path, "unreadable", -fd, false);
		return;
	}
	r = copy_file(w, fd, dst, name, path, &st, &host);
	(void)close(fd);
	if (r == -EFBIG && !host)
		skip(w, path, "file size limit");
	else if (r < 0)
		skip_err(w, path, host && dst >= 0 ? "cannot write destination" : "unreadable", -r,
			 host && dst >= 0);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void walk_dir(struct walk *w, int src, const struct dest *to, const char *prefix,
		     unsigned depth)
{
	/* a descriptor of its own: a dup would share (and use up) src's
	 * read position */
	int fd = openat(src, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, i;

	if (!d) {
		int err = errno;

		if (fd >= 0)
			(void)close(fd);
		skip_err(w, *prefix ? prefix : ".", "unreadable", err, false);
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
		visit(w, src, to, names[i], path, depth);
		free(path);
		free(names[i]);
	}
	free(names);
}

void capture_run(int src, int dst, const struct limits *l, struct capture *c)
{
	struct walk w = { .l = l, .c = c, .to_host = dst >= 0 };
	struct dest d = { dst, 0, NULL };

	memset(c, 0, sizeof(*c));
	walk_dir(&w, src, &d, "", 0);
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

/* What capture refused because of what the program planted; the host-side
 * failures (unreadable, cannot write destination) are not the program's. */
bool capture_refusal(const char *reason)
{
	static const char *const planted[] = {
		"symlink",	   "hardlink",	       "fifo",	   "socket",
		"device",	   "unsafe name",      "too deep", "file count limit",
		"file size limit", "total size limit", NULL,
	};

	for (size_t i = 0; planted[i]; i++)
		if (!strcmp(reason, planted[i]))
			return true;
	return false;
}

/* The violations: refused syscalls and network destinations (kind, syscall,
 * nr, count, action, errno, first_args, address), then capture refusals
 * (kind, path, reason; syscall, nr and first_args null). args: with
 * first_args (the result) or without (the audit log). */
