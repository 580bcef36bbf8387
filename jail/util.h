/*
 * util.h - small helpers shared by the launcher and the libraries: cleanup
 * attributes, number parsing, whole-buffer I/O and UTF-8 handling.
 * Nothing here exits except the x* allocators, which abort on OOM.
 */
#ifndef ACTJAIL_UTIL_H
#define ACTJAIL_UTIL_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>

static inline void freep(void *p)
{
	free(*(void **)p);
}

static inline void closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		/* close() errors on a descriptor we only read are not actionable. */
		(void)close(*fd);
		errno = saved;
	}
}

/* Both ends of a pipe or socketpair; -1 ends are skipped. */
static inline void close_pairp(int (*p)[2])
{
	closep(&(*p)[0]);
	closep(&(*p)[1]);
}

#define _cleanup_free_	__attribute__((cleanup(freep)))
#define _cleanup_close_ __attribute__((cleanup(closep)))
#define _cleanup_pair_	__attribute__((cleanup(close_pairp)))

/* Hand ownership on: return the value and leave the variable empty. */
#define steal_fd(pfd)                                                                              \
	({                                                                                         \
		int fd_ = *(pfd);                                                                  \
		*(pfd) = -1;                                                                       \
		fd_;                                                                               \
	})

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
/* Room for one more element in an array of n elements of size elem that
 * only ever grows through xgrow: memory is reallocated when n is 0 or a
 * power of two (doubling), so appending many costs a few copies, not one
 * per element. Removing elements keeps it valid (the capacity is always
 * above the largest power of two at most n). */
void *xgrow(void *p, size_t n, size_t elem);
char *xstrdup(const char *s);

/* Every signal's disposition back to SIG_DFL but keep's (0: none), as in a
 * process nobody configured: an ignored signal survives execve, so a caller
 * that ignores SIGXFSZ, SIGINT or SIGHUP (a Python parent, nohup, a
 * background job of sh) would otherwise hand that on to the jail's program
 * and to the host's tools. Handlers do not survive execve; SIG_IGN does. */
void signals_default(int keep);

/* Decimal integer in [min, max]; no sign, no garbage. 0 or -EINVAL/-ERANGE. */
int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);
/* Seconds, fractional allowed ("1.5"), to milliseconds (rounded up) in [min_ms, max_ms]. */
int parse_seconds_ms(const char *s, uint64_t min_ms, uint64_t max_ms, uint64_t *out);

/* write(2) until done or error (EINTR retried). 0 or -errno. */
int write_all(int fd, const void *buf, size_t len);
/* Read a whole fd into a NUL-terminated malloc'd buffer, at most max bytes
 * (-EFBIG beyond). 0 or -errno. */
int read_all_fd(int fd, size_t max, char **buf, size_t *len);
/* Create dir/name with content (O_EXCL, O_NOFOLLOW), mode. 0 or -errno. */
int write_file_at(int dirfd, const char *name, const char *content, mode_t mode);
/* The same for len bytes of data (which may hold NULs). */
int write_blob_at(int dirfd, const char *name, const void *data, size_t len, mode_t mode);

bool utf8_valid(const char *s, size_t len);
/* Copy s with every byte that does not start a valid UTF-8 sequence replaced
 * by U+FFFD. Returns a malloc'd NUL-terminated string (aborts on OOM). */
char *utf8_sanitize(const char *s, size_t len, size_t *out_len);

/* monotonic clock in nanoseconds */
uint64_t now_ns(void);

#endif
