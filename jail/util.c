/* util.c - pure helpers: see util.h for the contracts. */
#define _GNU_SOURCE
#include "jail/util.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static void oom(void)
{
	static const char m[] = "actjail: out of memory\n";

	/* Nothing else can be done; the write result does not matter. */
	(void)!write(2, m, sizeof(m) - 1);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		oom();
	return q;
}

void *xgrow(void *p, size_t n, size_t elem)
{
	if (n & (n - 1))
		return p; /* not a power of two: the last doubling left room */
	if (n > SIZE_MAX / 2 / elem)
		oom();
	return xrealloc(p, (n ? 2 * n : 1) * elem);
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		oom();
	return p;
}

int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	const char *p = s;

	if (!s || !*s)
		return -EINVAL;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		if (v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return -ERANGE;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int parse_seconds_ms(const char *s, uint64_t min_ms, uint64_t max_ms, uint64_t *out)
{
	uint64_t whole = 0, frac_ms = 0, scale = 100;
	const char *p = s;
	bool digits = false, rest = false;

	if (!s || !*s)
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		digits = true;
		if (whole > 100000000)
			return -ERANGE;
		whole = whole * 10 + (uint64_t)(*p - '0');
	}
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++) {
			digits = true;
			if (scale)
				frac_ms += (uint64_t)(*p - '0') * scale;
			else if (*p != '0')
				rest = true; /* below a millisecond: round up */
			scale /= 10;
		}
	}
	if (*p || !digits)
		return -EINVAL;
	whole = whole * 1000 + frac_ms + (rest ? 1 : 0);
	if (whole < min_ms || whole > max_ms)
		return -ERANGE;
	*out = whole;
	return 0;
}

int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int read_all_fd(int fd, size_t max, char **buf, size_t *len)
{
	/* one byte past max is read, so that exactly max bytes is accepted
	 * and max + 1 is refused, whatever max is */
	size_t cap = max < 4096 ? max + 1 : 4096, n = 0;
	char *b = xmalloc(cap + 1);

	for (;;) {
		ssize_t r;

		if (n > max) {
			free(b);
			return -EFBIG;
		}
		if (n == cap) {
			cap = cap * 2 > max + 1 ? max + 1 : cap * 2;
			b = xrealloc(b, cap + 1);
		}
		r = read(fd, b + n, cap - n);
		if (r < 0) {
			int e = errno;

			if (e == EINTR)
				continue;
			free(b);
			return -e;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
}

int write_blob_at(int dirfd, const char *name, const void *data, size_t len, mode_t mode)
{
	int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	int r;

	if (fd < 0)
		return -errno;
	r = write_all(fd, data, len);
	if (close(fd) < 0 && r == 0)
		r = -errno;
	return r;
}

int write_file_at(int dirfd, const char *name, const char *content, mode_t mode)
{
	return write_blob_at(dirfd, name, content, strlen(content), mode);
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if invalid. */
static size_t utf8_seq(const unsigned char *s, size_t len)
{
	size_t n, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates and values past U+10FFFF */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

bool utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		size_t n = utf8_seq(p + i, len - i);

		if (!n)
			return false;
		i += n;
	}
	return true;
}

char *utf8_sanitize(const char *s, size_t len, size_t *out_len)
{
	const unsigned char *p = (const unsigned char *)s;
	char *out;
	size_t i = 0, o = 0;

	if (len > (SIZE_MAX - 1) / 3)
		len = (SIZE_MAX - 1) / 3;
	out = xmalloc(len * 3 + 1);
	while (i < len) {
		size_t n = utf8_seq(p + i, len - i);

		if (n) {
			memcpy(out + o, p + i, n);
			o += n;
			i += n;
		} else {
			memcpy(out + o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
		}
	}
	out[o] = '\0';
	if (out_len)
		*out_len = o;
	return out;
}

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void signals_default(int keep)
{
	/* the kernel's struct: glibc's sigaction() refuses its own two
	 * signals (32 and 33), and posix_spawn() hands those on ignored to a
	 * child whose parent had handlers for them (every glibc process) */
	struct {
		void (*handler)(int);
		unsigned long flags;
		void (*restorer)(void);
		uint64_t mask;
	} dfl = { SIG_DFL, 0, NULL, 0 };

	/* SIGKILL and SIGSTOP cannot change */
	for (int sig = 1; sig <= 64; sig++)
		if (sig != keep && sig != SIGKILL && sig != SIGSTOP)
			(void)syscall(SYS_rt_sigaction, sig, &dfl, NULL, sizeof(dfl.mask));
}
