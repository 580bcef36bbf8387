/*
 * test_util.c - the helpers of jail/util.h (number parsing, whole-buffer
 * I/O, file creation, UTF-8 checks and repair), capbuf_append() of
 * jail/outcome.h and the channels and read loop of jail/evloop.h.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "jail/evloop.h"
#include "jail/outcome.h"
#include "jail/util.h"
#include "tests/tap.h"
#include "tests/tmptree.h"

#define FFFD "\xef\xbf\xbd"

/* A check of a defect found by this test and since fixed: a plain check
 * now, with the note that says what it guards. */
static void todo_ok(int cond, const char *name, const char *why)
{
	ok(cond, "%s (%s)", name, why);
}

/* A check that cannot run here: passes as a TAP skip. */
static void skip_one(const char *why)
{
	tap_n++;
	printf("ok %d # skip %s\n", tap_n, why);
}

/* s as a C literal for a test name: TAP names are one line. */
static const char *lit(const char *s)
{
	static char buf[128];
	size_t o = 0;

	if (!s)
		return "NULL";
	buf[o++] = '"';
	for (const unsigned char *p = (const unsigned char *)s; *p && o < sizeof(buf) - 6; p++) {
		if (*p < 0x20 || *p >= 0x7f || *p == '"' || *p == '\\' || *p == '#')
			o += (size_t)snprintf(buf + o, sizeof(buf) - o, "\\x%02x", *p);
		else
			buf[o++] = (char)*p;
	}
	buf[o++] = '"';
	buf[o] = '\0';
	return buf;
}

/* ---- parse_u64 ------------------------------------------------------------ */

static void u64(const char *s, uint64_t min, uint64_t max, int want_r, uint64_t want)
{
	uint64_t v = 4242;
	int r = parse_u64(s, min, max, &v);
	char name[160];

	(void)snprintf(name, sizeof(name), "parse_u64(%s, %llu, %llu): %s %llu", lit(s),
		       (unsigned long long)min, (unsigned long long)max,
		       want_r == 0	   ? "0,"
		       : want_r == -EINVAL ? "-EINVAL,"
					   : "-ERANGE,",
		       (unsigned long long)(want_r ? 4242 : want));
	if (!ok(r == want_r && v == (want_r ? 4242 : want), "%s", name))
		printf("#   got %d, %llu\n", r, (unsigned long long)v);
}

static void test_parse_u64(void)
{
	u64("0", 0, 10, 0, 0);
	u64("10", 0, 10, 0, 10);
	u64("11", 0, 10, -ERANGE, 0);
	u64("5", 5, 10, 0, 5);
	u64("4", 5, 10, -ERANGE, 0);
	u64("0", 1, 10, -ERANGE, 0);
	u64("007", 0, 10, 0, 7);
	u64("0000000000000000000000000000001", 0, 10, 0, 1);
	u64("18446744073709551615", 0, UINT64_MAX, 0, UINT64_MAX);
	u64("18446744073709551614", 0, UINT64_MAX, 0, UINT64_MAX - 1);
	u64("18446744073709551616", 0, UINT64_MAX, -ERANGE, 0);
	u64("18446744073709551620", 0, UINT64_MAX, -ERANGE, 0);
	u64("99999999999999999999", 0, UINT64_MAX, -ERANGE, 0);
	u64("184467440737095516150", 0, UINT64_MAX, -ERANGE, 0);
	u64("4294967296", 0, UINT32_MAX, -ERANGE, 0);
	u64("", 0, 10, -EINVAL, 0);
	u64(NULL, 0, 10, -EINVAL, 0);
	u64("+1", 0, 10, -EINVAL, 0);
	u64("-1", 0, 10, -EINVAL, 0);
	u64("-0", 0, 10, -EINVAL, 0);
	u64(" 1", 0, 10, -EINVAL, 0);
	u64("1 ", 0, 10, -EINVAL, 0);
	u64("\t1", 0, 10, -EINVAL, 0);
	u64("1\n", 0, 10, -EINVAL, 0);
	u64("1x", 0, 10, -EINVAL, 0);
	u64("x1", 0, 10, -EINVAL, 0);
	u64("0x10", 0, 100, -EINVAL, 0);
	u64("1.0", 0, 10, -EINVAL, 0);
	u64("1e3", 0, 10000, -EINVAL, 0);
	u64("1_000", 0, 10000, -EINVAL, 0);
	u64("١", 0, 10, -EINVAL, 0); /* ARABIC-INDIC DIGIT ONE */
	{
		uint64_t v = 4242;

		ok(parse_u64("99999999999999999999x", 0, UINT64_MAX, &v) < 0 && v == 4242,
		   "an overflowing number with garbage after it is refused");
	}
}

/* ---- parse_seconds_ms ------------------------------------------------------ */

static void secs(const char *s, uint64_t min, uint64_t max, int want_r, uint64_t want)
{
	uint64_t v = 4242;
	int r = parse_seconds_ms(s, min, max, &v);
	char name[160];

	(void)snprintf(name, sizeof(name), "parse_seconds_ms(%s, %llu, %llu): %s %llu", lit(s),
		       (unsigned long long)min, (unsigned long long)max,
		       want_r == 0	   ? "0,"
		       : want_r == -EINVAL ? "-EINVAL,"
					   : "-ERANGE,",
		       (unsigned long long)(want_r ? 4242 : want));
	if (!ok(r == want_r && v == (want_r ? 4242 : want), "%s", name))
		printf("#   got %d, %llu\n", r, (unsigned long long)v);
}

static void test_parse_seconds(void)
{
	const uint64_t big = UINT64_MAX;

	secs("0", 0, big, 0, 0);
	secs("1", 0, big, 0, 1000);
	secs("30", 0, big, 0, 30000);
	secs("0.5", 0, big, 0, 500);
	secs("1.5", 0, big, 0, 1500);
	secs("1.25", 0, big, 0, 1250);
	secs("1.001", 0, big, 0, 1001);
	secs("0.999", 0, big, 0, 999);
	secs("1.000", 0, big, 0, 1000);
	secs("1.0000000000", 0, big, 0, 1000);
	/* below a millisecond rounds up, to the next whole millisecond */
	secs("0.0001", 0, big, 0, 1);
	secs("0.0009", 0, big, 0, 1);
	secs("0.0010", 0, big, 0, 1);
	secs("0.0011", 0, big, 0, 2);
	secs("0.9991", 0, big, 0, 1000);
	secs("2.0000000000000000000001", 0, big, 0, 2001);
	secs("0.000", 0, big, 0, 0);
	/* the dot needs digits on one side */
	secs(".5", 0, big, 0, 500);
	secs("5.", 0, big, 0, 5000);
	secs("007.5", 0, big, 0, 7500);
	secs(".", 0, big, -EINVAL, 0);
	secs("", 0, big, -EINVAL, 0);
	secs(NULL, 0, big, -EINVAL, 0);
	secs("-1", 0, big, -EINVAL, 0);
	secs("+1", 0, big, -EINVAL, 0);
	secs(" 1", 0, big, -EINVAL, 0);
	secs("1 ", 0, big, -EINVAL, 0);
	secs("1s", 0, big, -EINVAL, 0);
	secs("1e3", 0, big, -EINVAL, 0);
	secs("1.5.2", 0, big, -EINVAL, 0);
	secs("1,5", 0, big, -EINVAL, 0);
	secs("0x1", 0, big, -EINVAL, 0);
	secs("inf", 0, big, -EINVAL, 0);
	secs("nan", 0, big, -EINVAL, 0);
	secs("1..", 0, big, -EINVAL, 0);
	secs("..5", 0, big, -EINVAL, 0);
	/* bounds, after rounding */
	secs("0", 1, big, -ERANGE, 0);
	secs("0.0001", 1, big, 0, 1);
	secs("30", 1, 30000, 0, 30000);
	secs("30.001", 1, 30000, -ERANGE, 0);
	secs("30.0001", 1, 30000, -ERANGE, 0);
	secs("29.9999", 1, 30000, 0, 30000);
	secs("0.1", 200, 1000, -ERANGE, 0);
	/* huge values are refused, not wrapped */
	secs("1000000000", 0, big, 0, 1000000000000ull);
	secs("10000000000", 0, big, -ERANGE, 0);
	secs("99999999999999999999999", 0, big, -ERANGE, 0);
	secs("18446744073709552", 0, big, -ERANGE, 0);
	secs("00000000000000000000001", 0, big, 0, 1000);
}

/* ---- UTF-8 ----------------------------------------------------------------- */

static void valid(const char *s, size_t len, bool want, const char *name)
{
	ok(utf8_valid(s, len) == want, "utf8_valid %s: %s", name, want ? "yes" : "no");
}

static void test_utf8_valid(void)
{
	valid("", 0, true, "empty");
	valid("hello", 5, true, "ASCII");
	valid("a\0b", 3, true, "an embedded NUL");
	valid("\x7f", 1, true, "DEL");
	valid("\xc3\xa9", 2, true, "U+00E9, 2 bytes");
	valid("\xc2\x80", 2, true, "U+0080, the smallest 2-byte");
	valid("\xdf\xbf", 2, true, "U+07FF, the largest 2-byte");
	valid("\xe0\xa0\x80", 3, true, "U+0800, the smallest 3-byte");
	valid("\xe2\x82\xac", 3, true, "U+20AC, 3 bytes");
	valid("\xed\x9f\xbf", 3, true, "U+D7FF, just below the surrogates");
	valid("\xee\x80\x80", 3, true, "U+E000, just above the surrogates");
	valid("\xef\xbf\xbf", 3, true, "U+FFFF");
	valid("\xef\xbf\xbd", 3, true, "U+FFFD itself");
	valid("\xf0\x90\x80\x80", 4, true, "U+10000, the smallest 4-byte");
	valid("\xf0\x9f\x98\x80", 4, true, "U+1F600, 4 bytes");
	valid("\xf4\x8f\xbf\xbf", 4, true, "U+10FFFF, the largest");
	valid("\xf4\x90\x80\x80", 4, false, "U+110000, past the largest");
	valid("\xf5\x80\x80\x80", 4, false, "lead byte F5");
	valid("\xf7\xbf\xbf\xbf", 4, false, "lead byte F7 (U+1FFFFF)");
	valid("\xf8\x88\x80\x80\x80", 5, false, "a 5-byte form");
	valid("\xfc\x84\x80\x80\x80\x80", 6, false, "a 6-byte form");
	valid("\xfe", 1, false, "FE");
	valid("\xff", 1, false, "FF");
	valid("\xc0\xaf", 2, false, "overlong '/' in 2 bytes (C0)");
	valid("\xc1\xbf", 2, false, "overlong in 2 bytes (C1)");
	valid("\xc0\x80", 2, false, "overlong NUL");
	valid("\xe0\x80\xaf", 3, false, "overlong '/' in 3 bytes");
	valid("\xe0\x9f\xbf", 3, false, "overlong U+07FF in 3 bytes");
	valid("\xf0\x80\x80\xaf", 4, false, "overlong '/' in 4 bytes");
	valid("\xf0\x8f\xbf\xbf", 4, false, "overlong U+FFFF in 4 bytes");
	valid("\xed\xa0\x80", 3, false, "surrogate U+D800");
	valid("\xed\xbf\xbf", 3, false, "surrogate U+DFFF");
	valid("\xed\xa0\xbd\xed\xb8\x80", 6, false, "a CESU-8 surrogate pair");
	valid("\x80", 1, false, "a lone continuation byte");
	valid("a\xbf"
	      "b",
	      3, false, "a continuation byte between letters");
	valid("\xc3", 1, false, "truncated 2-byte");
	valid("\xe2\x82", 2, false, "truncated 3-byte");
	valid("\xf0\x9f\x98", 3, false, "truncated 4-byte");
	valid("\xc3\xa9", 1, false, "a valid sequence cut by len");
	valid("\xc3\x28", 2, false, "2-byte with a bad continuation");
	valid("\xe2\x28\xa1", 3, false, "3-byte with a bad second byte");
	valid("\xe2\x82\x28", 3, false, "3-byte with a bad third byte");
	valid("\xf0\x9f\x98\x28", 4, false, "4-byte with a bad fourth byte");
	valid("\xe2\x82\xac\xff", 4, false, "valid then invalid");
}

static void sanitize(const char *s, size_t len, const char *want, size_t want_len, const char *name)
{
	size_t n = 12345;
	char *out = utf8_sanitize(s, len, &n);

	if (!ok(n == want_len && !memcmp(out, want, want_len) && out[n] == '\0' &&
			utf8_valid(out, n),
		"utf8_sanitize %s", name)) {
		printf("#   got %zu bytes:", n);
		for (size_t i = 0; i < n && i < 32; i++)
			printf(" %02x", (unsigned char)out[i]);
		printf("\n");
	}
	free(out);
}

#define SAN(in, want, name) sanitize(in, sizeof(in) - 1, want, sizeof(want) - 1, name)

static void test_utf8_sanitize(void)
{
	char *out;

	SAN("", "", "empty");
	SAN("plain text\n", "plain text\n", "ASCII unchanged");
	SAN("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
	    "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "valid multi-byte text unchanged");
	SAN("\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf", "U+10FFFF unchanged");
	SAN(FFFD, FFFD, "a real U+FFFD unchanged");
	SAN("a\0b", "a\0b", "an embedded NUL is kept");
	SAN("a\xff"
	    "b",
	    "a" FFFD "b", "one bad byte, one replacement");
	SAN("\xff\xfe", FFFD FFFD, "two bad bytes, two replacements");
	SAN("\xc0\xaf", FFFD FFFD, "overlong 2-byte: one per byte");
	SAN("\xe0\x80\xaf", FFFD FFFD FFFD, "overlong 3-byte: one per byte");
	SAN("\xf0\x8f\xbf\xbf", FFFD FFFD FFFD FFFD, "overlong 4-byte: one per byte");
	SAN("\xed\xa0\x80", FFFD FFFD FFFD, "a surrogate: one per byte");
	SAN("\xf4\x90\x80\x80", FFFD FFFD FFFD FFFD, "past U+10FFFF: one per byte");
	SAN("\xe2\x82", FFFD FFFD, "truncated at the end: one per byte");
	SAN("\xe2\x82"
	    "A",
	    FFFD FFFD "A", "truncated before ASCII: the ASCII is kept");
	SAN("\xff\xc3\xa9", FFFD "\xc3\xa9", "a valid sequence right after a bad byte is kept");
	SAN("\xc3\xc3\xa9", FFFD "\xc3\xa9", "a lead byte followed by a valid sequence");
	SAN("\x80\x80\x80", FFFD FFFD FFFD, "lone continuation bytes");
	sanitize("\xc3\xa9", 1, FFFD, 3, "len cuts a sequence: the cut part is replaced");
	sanitize("abc", 2, "ab", 2, "len is honoured");
	out = utf8_sanitize("x\xff", 2, NULL);
	ok(!strcmp(out, "x" FFFD), "utf8_sanitize with out_len NULL");
	free(out);
}

/* ---- whole-buffer I/O ------------------------------------------------------ */

static char tmpdir[64];

static void pattern(char *buf, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = (char)((i * 7 + seed) % 251);
}

/* A file of n pattern bytes, open for reading at offset 0. */
static int file_of(const char *name, size_t n)
{
	char path[128], *buf = xmalloc(n + 1);
	int fd;

	pattern(buf, n, 3);
	(void)snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write_all(fd, buf, n) < 0 || lseek(fd, 0, SEEK_SET) != 0)
		abort();
	free(buf);
	return fd;
}

/* read_all_fd on a file of n bytes with the bound max: its return value,
 * and the bytes read are checked against the pattern. */
static int read_file_of(size_t n, size_t max, size_t *got)
{
	char *buf = NULL, *want = xmalloc(n + 1);
	int fd = file_of("r", n), r;

	*got = 0;
	r = read_all_fd(fd, max, &buf, got);
	(void)close(fd);
	pattern(want, n, 3);
	if (r == 0 && (*got != n || memcmp(buf, want, n) || buf[n] != '\0'))
		r = -EILSEQ;
	free(buf);
	free(want);
	return r;
}

static void test_io(void)
{
	int p[2], r;
	char *buf = NULL, big[100000];
	size_t len = 0;
	struct stat st;

	if (pipe2(p, O_CLOEXEC) < 0)
		abort();
	is_int(write_all(p[1], "hello", 5), 0, "write_all into a pipe");
	is_int(write_all(p[1], "", 0), 0, "write_all of nothing");
	(void)close(p[1]);
	r = read_all_fd(p[0], 100, &buf, &len);
	ok(r == 0 && len == 5 && !strcmp(buf, "hello"),
	   "read_all_fd reads it back, NUL-terminated");
	free(buf);
	buf = NULL;
	r = read_all_fd(p[0], 100, &buf, &len);
	ok(r == 0 && len == 0 && buf && buf[0] == '\0', "read_all_fd at end of file: empty");
	free(buf);
	buf = NULL;
	is_int(read_all_fd(p[0] + 1000, 100, &buf, &len), -EBADF,
	       "read_all_fd on a bad fd: -EBADF");
	ok(buf == NULL, "... and no buffer");
	(void)close(p[0]);

	if (pipe2(p, O_CLOEXEC) < 0)
		abort();
	is_int(read_all_fd(p[1], 100, &buf, &len), -EBADF, "read_all_fd on a write end: -EBADF");
	(void)close(p[0]);
	is_int(write_all(p[1], "x", 1), -EPIPE, "write_all to a pipe nobody reads: -EPIPE");
	(void)close(p[1]);
	is_int(write_all(-1, "x", 1), -EBADF, "write_all to -1: -EBADF");

	/* a non-blocking pipe that is full is EAGAIN, not retried */
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0)
		abort();
	memset(big, 'z', sizeof(big));
	is_int(write_all(p[1], big, sizeof(big)), -EAGAIN,
	       "write_all into a full non-blocking pipe: -EAGAIN");
	(void)close(p[0]);
	(void)close(p[1]);

	/* the bound of read_all_fd: at most max bytes, -EFBIG beyond */
	{
		size_t got;
		int fd = file_of("w", sizeof(big));

		ok(fstat(fd, &st) == 0 && st.st_size == (off_t)sizeof(big),
		   "write_all of 100000 bytes into a file writes them all");
		(void)close(fd);
		is_int(read_file_of(100000, 1 << 20, &got), 0,
		       "read_all_fd: 100000 bytes, max 1 MiB");
		is_int(read_file_of(100000, 99999, &got), -EFBIG,
		       "read_all_fd: max+1 bytes is -EFBIG");
		is_int(read_file_of(99999, 100000, &got), 0, "read_all_fd: max-1 bytes is read");
		is_int(read_file_of(5000, 4096, &got), -EFBIG,
		       "read_all_fd: 5000 bytes, max 4096: -EFBIG");
		is_int(read_file_of(4095, 4096, &got), 0, "read_all_fd: 4095 bytes, max 4096");
		is_int(read_file_of(10, 10, &got), 0, "read_all_fd: 10 bytes, max 10");
		is_int(read_file_of(0, 0, &got), 0, "read_all_fd: nothing, max 0");
		r = read_file_of(100000, 100000, &got);
		todo_ok(r == 0, "read_all_fd: exactly max bytes (100000) is read",
			"a buffer filled to max is -EFBIG before EOF is seen");
		r = read_file_of(4096, 4096, &got);
		todo_ok(r == 0, "read_all_fd: exactly max bytes (4096) is read",
			"a buffer filled to max is -EFBIG before EOF is seen");
		r = read_file_of(100, 10, &got);
		todo_ok(r == -EFBIG, "read_all_fd: 100 bytes, max 10: -EFBIG",
			"the first buffer is 4096 bytes whatever max is");
		r = read_file_of(4095, 1, &got);
		todo_ok(r == -EFBIG, "read_all_fd: 4095 bytes, max 1: -EFBIG",
			"the first buffer is 4096 bytes whatever max is");
	}
}

static const char *file_text(const char *name)
{
	static char buf[256];
	char path[128];
	ssize_t n;
	int fd;

	(void)snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return "(missing)";
	n = read(fd, buf, sizeof(buf) - 1);
	(void)close(fd);
	buf[n < 0 ? 0 : n] = '\0';
	return buf;
}

static unsigned file_mode(const char *name)
{
	char path[128];
	struct stat st;

	(void)snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	return lstat(path, &st) < 0 ? 01000 : (unsigned)(st.st_mode & 07777);
}

static void test_write_at(void)
{
	int dir = open(tmpdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	char path[128];
	struct stat st;

	if (dir < 0)
		abort();
	is_int(write_file_at(dir, "a", "hello\n", 0640), 0, "write_file_at creates a file");
	is_str(file_text("a"), "hello\n", "... with the content");
	is_int(file_mode("a"), 0640, "... and the mode (umask 022)");
	is_int(write_file_at(dir, "b", "x", 0777), 0, "write_file_at with mode 0777");
	is_int(file_mode("b"), 0755, "... is cut by the umask");
	is_int(write_file_at(dir, "a", "other", 0600), -EEXIST, "an existing name: -EEXIST");
	is_str(file_text("a"), "hello\n", "... and the file is left alone");
	is_int(file_mode("a"), 0640, "... with its mode");
	ok(symlinkat("target", dir, "link") == 0, "a dangling symlink");
	is_int(write_file_at(dir, "link", "x", 0644), -EEXIST, "a symlink's name: -EEXIST");
	is_int(file_mode("target"), 01000, "... and its target is not created");
	ok(mkdirat(dir, "d", 0755) == 0, "a directory");
	is_int(write_file_at(dir, "d", "x", 0644), -EEXIST, "a directory's name: -EEXIST");
	is_int(write_file_at(dir, "nodir/x", "x", 0644), -ENOENT,
	       "below a missing directory: -ENOENT");
	is_int(write_file_at(-1, "x", "x", 0644), -EBADF, "a bad dirfd: -EBADF");
	is_int(write_file_at(dir, "", "x", 0644), -ENOENT, "an empty name: -ENOENT");
	is_int(write_blob_at(dir, "blob", "a\0b\0", 4, 0600), 0, "write_blob_at with NULs");
	(void)snprintf(path, sizeof(path), "%s/blob", tmpdir);
	ok(stat(path, &st) == 0 && st.st_size == 4, "... writes all 4 bytes");
	{
		char buf[8] = "";
		int fd = openat(dir, "blob", O_RDONLY | O_CLOEXEC);

		ok(fd >= 0 && read(fd, buf, sizeof(buf)) == 4 && !memcmp(buf, "a\0b\0", 4),
		   "... as given");
		if (fd >= 0)
			(void)close(fd);
	}
	is_int(write_blob_at(dir, "empty", "", 0, 0644), 0, "write_blob_at of nothing");
	(void)snprintf(path, sizeof(path), "%s/empty", tmpdir);
	ok(stat(path, &st) == 0 && st.st_size == 0 && S_ISREG(st.st_mode), "... is an empty file");
	is_int(write_file_at(dir, "d/inner", "in", 0644), 0, "a name with a slash, below dirfd");
	is_str(file_text("d/inner"), "in", "... is written there");
	if (geteuid() != 0) {
		ok(fchmodat(dir, "d", 0555, 0) == 0, "a read-only directory");
		is_int(write_file_at(dir, "d/ro", "x", 0644), -EACCES,
		       "... refuses a file: -EACCES");
		ok(fchmodat(dir, "d", 0755, 0) == 0, "... made writable again");
	} else {
		for (int k = 0; k < 3; k++)
			skip_one("a read-only directory: root ignores its mode");
	}
	(void)close(dir);
}

/* ---- capbuf_append ---------------------------------------------------------- */

static void test_capbuf(void)
{
	struct capbuf b = { 0 };
	char chunk[100], want[100000];
	int p[2];

	capbuf_append(&b, "hello", 5, 10, -1);
	ok(b.len == 5 && !strcmp(b.data, "hello") && b.total == 5 && !b.truncated,
	   "capbuf: within the limit, kept");
	capbuf_append(&b, " world", 6, 10, -1);
	ok(b.len == 10 && !strcmp(b.data, "hello worl") && b.total == 11 && b.truncated,
	   "capbuf: over the limit, kept up to it, truncated, all counted");
	capbuf_append(&b, "!", 1, 10, -1);
	ok(b.len == 10 && !strcmp(b.data, "hello worl") && b.total == 12 && b.truncated,
	   "capbuf: past the limit, only counted");
	free(b.data);

	memset(&b, 0, sizeof(b));
	capbuf_append(&b, "12345", 5, 5, -1);
	ok(b.len == 5 && !b.truncated, "capbuf: exactly the limit is not truncated");
	capbuf_append(&b, "", 0, 5, -1);
	ok(b.len == 5 && b.total == 5 && !b.truncated,
	   "capbuf: nothing more at the limit: still not");
	capbuf_append(&b, "6", 1, 5, -1);
	ok(b.len == 5 && b.total == 6 && b.truncated, "capbuf: one byte more is");
	free(b.data);

	memset(&b, 0, sizeof(b));
	capbuf_append(&b, "abc", 3, 0, -1);
	ok(b.len == 0 && b.data == NULL && b.total == 3 && b.truncated,
	   "capbuf: limit 0 keeps nothing, allocates nothing, counts all");

	memset(&b, 0, sizeof(b));
	capbuf_append(&b, "a\0b", 3, 100, -1);
	ok(b.len == 3 && !memcmp(b.data, "a\0b", 4), "capbuf: NULs are kept, and a NUL follows");
	free(b.data);

	memset(&b, 0, sizeof(b));
	for (unsigned i = 0; i < 1000; i++) {
		pattern(chunk, sizeof(chunk), i);
		memcpy(want + i * sizeof(chunk), chunk, sizeof(chunk));
		capbuf_append(&b, chunk, sizeof(chunk), 1 << 20, -1);
	}
	ok(b.len == sizeof(want) && b.total == sizeof(want) && !b.truncated &&
		   !memcmp(b.data, want, sizeof(want)) && b.data[b.len] == '\0' && b.cap >= b.len,
	   "capbuf: 1000 appends of 100 bytes grow it, in order");
	free(b.data);

	memset(&b, 0, sizeof(b));
	for (unsigned i = 0; i < 1000; i++)
		capbuf_append(&b, want + i * 100, 100, 12345, -1);
	ok(b.len == 12345 && b.total == 100000 && b.truncated && !memcmp(b.data, want, 12345),
	   "capbuf: a limit in the middle of an append keeps the first bytes exactly");
	free(b.data);

	/* forwarded: the kept bytes go to the fd, nothing is stored */
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0)
		abort();
	memset(&b, 0, sizeof(b));
	capbuf_append(&b, "hello", 5, 3, p[1]);
	capbuf_append(&b, "more", 4, 3, p[1]);
	{
		char buf[16] = "";
		ssize_t n = read(p[0], buf, sizeof(buf) - 1);

		ok(n == 3 && !strcmp(buf, "hel"), "capbuf forwarded: the kept bytes reach the fd");
	}
	ok(b.data == NULL && b.len == 0 && b.total == 9 && b.truncated,
	   "capbuf forwarded: nothing stored, all counted, truncated");
	(void)close(p[0]);
	capbuf_append(&b, "x", 1, 100, p[1]);
	ok(b.total == 10 && b.data == NULL, "capbuf forwarded to a pipe nobody reads: no error");
	(void)close(p[1]);
	memset(&b, 0, sizeof(b));
	capbuf_append(&b, "x", 1, 100, 1000);
	ok(b.total == 1 && !b.truncated && b.data == NULL,
	   "capbuf forwarded to a bad fd: no error");
}

/* ---- channels ---------------------------------------------------------------- */

/* Everything the peer can read now (non-blocking), checked against the
 * running pattern; returns the count, or -1 on a mismatch. */
static long drain(int fd, unsigned long *pos)
{
	char buf[65536];
	long total = 0;
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++)
			if (buf[i] != (char)((*pos)++ % 251))
				return -1;
		total += n;
	}
	return total;
}

static void seq(char *buf, size_t n, unsigned long *pos)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = (char)((*pos)++ % 251);
}

/* ---- xgrow -------------------------------------------------------------------- */

static void test_xgrow(void)
{
	size_t *a = NULL, n = 0, i;
	bool in_order = true;

	for (i = 0; i < 100000; i++) {
		a = xgrow(a, n, sizeof(*a));
		a[n++] = i;
	}
	for (i = 0; i < n; i++)
		in_order = in_order && a[i] == i;
	ok(in_order, "xgrow: 100000 appended elements, each where it was put");
	/* removing (the last moved into the hole) then appending again */
	while (n > 3)
		a[0] = a[--n];
	for (i = 0; i < 70000; i++) {
		a = xgrow(a, n, sizeof(*a));
		a[n++] = i;
	}
	in_order = true;
	for (i = 0; i < 70000; i++)
		in_order = in_order && a[3 + i] == i;
	ok(n == 70003 && in_order, "xgrow: after removals the array grows again, whole");
	free(a);
}

static void test_channel(void)
{
	struct evloop ev;
	struct channel ch;
	struct epoll_event e;
	int sv[2], r = 0, sndbuf = 4096;
	unsigned long wpos = 0, rpos = 0;
	char msg[2000];
	uint64_t sent_before;
	unsigned i;

	if (evloop_init(&ev) < 0 || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		abort();
	(void)setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	if (fd_nonblock(sv[1]) < 0)
		abort();
	channel_init(&ch, sv[0], 7, 8000);
	is_int(channel_watch(&ev, &ch), 0, "channel_watch registers the fd");
	ok(fcntl(sv[0], F_GETFL) & O_NONBLOCK, "... and makes it non-blocking");

	/* fill the socket until the queue holds something */
	for (i = 0; i < 10000 && channel_pending(&ch) == 0; i++) {
		seq(msg, 1000, &wpos);
		if ((r = channel_send(&ev, &ch, msg, 1000, false, 0)) < 0)
			break;
	}
	ok(r == 0 && channel_pending(&ch) > 0 && channel_pending(&ch) <= 1000,
	   "channel_send writes what the socket takes and queues the rest");
	ok(ch.q.watching, "... and arms EPOLLOUT");
	is_int(ch.sent, wpos, "sent counts every byte accepted");

	/* the bound: at most 8000 unsent bytes; fill to 7000..7999 */
	while (channel_pending(&ch) + 1001 <= 8000) {
		seq(msg, 1000, &wpos);
		if (channel_send(&ev, &ch, msg, 1000, false, 0) < 0)
			break;
	}
	sent_before = ch.sent;
	{
		unsigned long save = wpos;
		size_t pend = channel_pending(&ch);

		seq(msg, sizeof(msg), &wpos);
		is_int(channel_send(&ev, &ch, msg, sizeof(msg), false, 0), -ENOBUFS,
		       "a message past max unsent bytes: -ENOBUFS");
		ok(ch.dropped == 0 && ch.sent == sent_before && channel_pending(&ch) == pend,
		   "... not counted as dropped, nothing queued");
		is_int(channel_send(&ev, &ch, msg, sizeof(msg), true, 1 << 20), -ENOBUFS,
		       "a droppable one past max: -ENOBUFS");
		is_int(ch.dropped, 1, "... counted in dropped");
		is_int(channel_send(&ev, &ch, "x", 1, true, 100), -ENOBUFS,
		       "a droppable one with more than soft bytes waiting: -ENOBUFS");
		is_int(ch.dropped, 2, "... counted in dropped");
		wpos = save;
	}
	{
		size_t pend = channel_pending(&ch);

		seq(msg, 1, &wpos);
		is_int(channel_send(&ev, &ch, msg, 1, true, pend), 0,
		       "a droppable one with exactly soft bytes waiting is queued");
		is_int(channel_pending(&ch), pend + 1, "... behind the others");
	}
	is_int(channel_flush(&ev, &ch), 0, "channel_flush while the peer does not read: 0");
	ok(channel_pending(&ch) > 0 && ch.q.watching, "... still pending and watching");

	/* the peer reads: EPOLLOUT fires, flushing empties the queue */
	{
		long got = drain(sv[1], &rpos);
		int n = epoll_wait(ev.ep, &e, 1, 1000);

		ok(got > 0, "the peer reads what was written, in order");
		ok(n == 1 && e.data.u32 == 7 && (e.events & EPOLLOUT),
		   "EPOLLOUT fires with the tag");
	}
	for (i = 0; i < 100 && channel_pending(&ch); i++) {
		if (drain(sv[1], &rpos) < 0)
			break;
		(void)channel_flush(&ev, &ch);
	}
	is_int(channel_pending(&ch), 0, "channel_flush sends the rest as the peer reads");
	ok(!ch.q.watching, "... and disarms EPOLLOUT");
	ok(drain(sv[1], &rpos) >= 0 && rpos == wpos && rpos == ch.sent,
	   "the peer got every accepted byte, in order, and nothing refused");
	ok(ch.q.len == 0 && ch.q.off == 0, "the empty queue is reset");

	/* the peer goes away */
	(void)close(sv[1]);
	is_int(channel_send(&ev, &ch, "bye", 3, false, 0), -EPIPE,
	       "channel_send after the peer closed: -EPIPE");
	ok(ch.peer_gone && channel_pending(&ch) == 0, "... the peer is gone, nothing kept for it");
	sent_before = ch.sent;
	is_int(channel_send(&ev, &ch, "again", 5, false, 0), -EPIPE, "and again: -EPIPE");
	is_int(ch.sent, sent_before, "... without counting it sent");
	is_int(channel_flush(&ev, &ch), 0, "channel_flush with nothing to send: 0");
	channel_free(&ev, &ch, true);
	ok(ch.fd == -1 && ch.q.buf == NULL && fcntl(sv[0], F_GETFD) < 0,
	   "channel_free with close_fd closes it");
	is_int(channel_send(&ev, &ch, "x", 1, false, 0), -EPIPE, "a closed channel: -EPIPE");

	/* max 0: no bound */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		abort();
	channel_init(&ch, sv[0], 9, 0);
	if (channel_watch(&ev, &ch) < 0)
		abort();
	{
		char *blob = xcalloc(1, 4 << 20);

		is_int(channel_send(&ev, &ch, blob, 4 << 20, false, 0), 0,
		       "max 0: 4 MiB are accepted whatever is unsent");
		ok(channel_pending(&ch) > 0, "... and most of it waits");
		is_int(channel_send(&ev, &ch, blob, 4 << 20, false, 0), 0, "... and 4 MiB more");
		is_int(ch.sent, 8 << 20, "sent counts both");
		free(blob);
	}
	channel_free(&ev, &ch, false);
	ok(fcntl(sv[0], F_GETFD) >= 0 && ch.fd == -1,
	   "channel_free without close_fd leaves it open");
	(void)close(sv[0]);
	(void)close(sv[1]);
	/* 20000 small answers to a peer that does not read: the queue grows
	 * by doubling, not by a copy of itself per answer */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		abort();
	channel_init(&ch, sv[0], 10, 0);
	if (channel_watch(&ev, &ch) < 0)
		abort();
	{
		unsigned growths = 0, k;
		size_t cap = ch.q.cap;
		bool bounded = true;
		char line[100];

		memset(line, 'g', sizeof(line));
		for (k = 0; k < 20000; k++) {
			if (channel_send(&ev, &ch, line, sizeof(line), false, 0) < 0)
				break;
			if (ch.q.cap != cap)
				growths++;
			cap = ch.q.cap;
			bounded = bounded && ch.q.cap <= 2 * ch.q.len + 4096;
		}
		is_int(k, 20000, "20000 answers queue for a peer that does not read");
		ok(growths <= 12, "... in a few allocations (%u), not one per answer", growths);
		ok(bounded, "... the memory at most twice what is queued");
		for (k = 0; k < 1000 && channel_pending(&ch); k++) {
			char sink[1 << 16];

			if (read(sv[1], sink, sizeof(sink)) <= 0)
				break;
			(void)channel_flush(&ev, &ch);
		}
		ok(channel_pending(&ch) == 0 && ch.q.buf == NULL && ch.q.cap == 0,
		   "once the peer has read it all, the queue's memory goes back");
	}
	channel_free(&ev, &ch, true);
	(void)close(sv[1]);
	evloop_free(&ev);
	is_int(ev.ep, -1, "evloop_free");
}

/* ---- read_available ---------------------------------------------------------- */

struct sink {
	char *buf;
	size_t len;
	unsigned chunks;
	int stop_with; /* returned from the callback when non-zero */
};

static int collect(void *ctx, const char *data, size_t n)
{
	struct sink *s = ctx;

	s->buf = xrealloc(s->buf, s->len + n + 1);
	memcpy(s->buf + s->len, data, n);
	s->len += n;
	s->buf[s->len] = '\0';
	s->chunks++;
	return s->stop_with;
}

static void test_read_available(void)
{
	struct sink s = { 0 };
	int p[2], r;
	char *big;
	const size_t nbig = 200000;

	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0)
		abort();
	is_int(read_available(p[0], 1 << 20, collect, &s), READ_AGAIN,
	       "read_available with nothing there: READ_AGAIN");
	is_int(s.chunks, 0, "... and no callback");
	(void)write_all(p[1], "abc", 3);
	/* a short read emptied it: READ_MORE, and the next call says so */
	is_int(read_available(p[0], 1 << 20, collect, &s), READ_MORE,
	       "read_available with some there: READ_MORE after the short read");
	ok(s.len == 3 && !strcmp(s.buf, "abc") && s.chunks == 1, "... after handing it over");
	(void)write_all(p[1], "xyz", 3);
	(void)close(p[1]);
	is_int(read_available(p[0], 1 << 20, collect, &s), READ_MORE,
	       "data then end of file: the data first");
	is_int(read_available(p[0], 1 << 20, collect, &s), READ_EOF, "... then READ_EOF");
	ok(s.len == 6 && !strcmp(s.buf, "abcxyz"), "... after handing the data over");
	is_int(read_available(p[0], 1 << 20, collect, &s), READ_EOF,
	       "at end of file: READ_EOF again");
	(void)close(p[0]);
	free(s.buf);
	memset(&s, 0, sizeof(s));

	/* the callback stops the loop */
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0)
		abort();
	(void)write_all(p[1], "stop", 4);
	s.stop_with = -42;
	is_int(read_available(p[0], 1 << 20, collect, &s), -42,
	       "a negative callback value is returned");
	(void)close(p[1]);
	s.stop_with = 0;
	is_int(read_available(p[0], 1 << 20, collect, &s), READ_EOF,
	       "and reading goes on after it");
	is_int(s.chunks, 1, "... with nothing lost or repeated");
	(void)close(p[0]);
	free(s.buf);
	memset(&s, 0, sizeof(s));

	/* max_bytes: one busy fd cannot hold the loop */
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0)
		abort();
	big = xmalloc(nbig);
	pattern(big, nbig, 5);
	r = -EAGAIN;
	if (fcntl(p[1], F_SETPIPE_SZ, 256 * 1024) >= 256 * 1024)
		r = write_all(p[1], big, nbig);
	if (r == 0) {
		is_int(read_available(p[0], 1, collect, &s), READ_MORE,
		       "max_bytes 1 with more there: READ_MORE");
		ok(s.chunks == 1 && s.len == 1, "... one byte read, the rest left");
		(void)close(p[1]);
		p[1] = -1;
		is_int(read_available(p[0], 100000, collect, &s), READ_MORE,
		       "max_bytes 100000 of the rest: READ_MORE");
		ok(s.len == 100001, "... exactly max_bytes more read");
		while ((r = read_available(p[0], 1 << 20, collect, &s)) == READ_MORE)
			;
		is_int(r, READ_EOF, "the rest, then READ_EOF");
		ok(s.len == nbig && !memcmp(s.buf, big, nbig), "every byte, in order");
	} else {
		for (int k = 0; k < 6; k++)
			skip_one("a pipe cannot hold 200000 bytes here");
	}
	if (p[1] >= 0)
		(void)close(p[1]);
	(void)close(p[0]);
	free(big);
	free(s.buf);
	memset(&s, 0, sizeof(s));

	is_int(read_available(-1, 100, collect, &s), -EBADF, "a bad fd: -EBADF");

	/* EIO from a pty master whose other side is gone is end of file */
	{
		int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC), sl = -1;

		if (m >= 0 && grantpt(m) == 0 && unlockpt(m) == 0 &&
		    (sl = open(ptsname(m), O_RDWR | O_NOCTTY | O_CLOEXEC)) >= 0) {
			(void)close(sl);
			(void)fd_nonblock(m);
			is_int(read_available(m, 100, collect, &s), READ_EOF,
			       "a pty master without its terminal: READ_EOF");
		} else {
			skip_one("no pseudo-terminal here");
		}
		if (m >= 0)
			(void)close(m);
	}
	free(s.buf);
}

static bool ignored(int sig)
{
	struct sigaction sa;

	return sigaction(sig, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN;
}

/* signals_default: what a caller ignored is back to SIG_DFL, but the one
 * kept; SIGCHLD ignored would make the kernel reap our children */
static void test_signals_default(void)
{
	const int sigs[] = { SIGHUP, SIGINT, SIGQUIT, SIGUSR1, SIGXFSZ, SIGCHLD, SIGRTMIN + 3 };
	bool all = true;

	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		(void)signal(sigs[i], SIG_IGN);
	(void)signal(SIGPIPE, SIG_IGN);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		all = all && ignored(sigs[i]);
	ok(all && ignored(SIGPIPE), "signals_default: the signals are ignored before");
	signals_default(SIGPIPE);
	all = true;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		all = all && !ignored(sigs[i]);
	ok(all, "signals_default: every ignored signal is back to SIG_DFL (real-time ones too)");
	ok(ignored(SIGPIPE), "signals_default: the kept one stays ignored");
	signals_default(0);
	ok(!ignored(SIGPIPE), "signals_default(0): none kept");
	/* glibc's own two, which only the kernel's call reaches */
	{
		struct {
			void (*handler)(int);
			unsigned long flags;
			void (*restorer)(void);
			uint64_t mask;
		} ign = { SIG_IGN, 0, NULL, 0 }, old;

		ok(syscall(SYS_rt_sigaction, 32, &ign, NULL, 8) == 0 &&
			   syscall(SYS_rt_sigaction, 33, &ign, NULL, 8) == 0,
		   "signals 32 and 33 ignored (as posix_spawn leaves them)");
		signals_default(0);
		all = syscall(SYS_rt_sigaction, 32, NULL, &old, 8) == 0 && old.handler == SIG_DFL;
		all = all && syscall(SYS_rt_sigaction, 33, NULL, &old, 8) == 0 &&
		      old.handler == SIG_DFL;
		ok(all, "signals_default: 32 and 33 are back to SIG_DFL too");
	}
}

int main(void)
{
	int dir;

	signal(SIGPIPE, SIG_IGN); /* as the launcher does: a closed peer is EPIPE */
	umask(022);
	strcpy(tmpdir, "/tmp/actjail-test-util-XXXXXX");
	if (!mkdtemp(tmpdir))
		skip_all("no temporary directory");
	test_parse_u64();
	test_parse_seconds();
	test_utf8_valid();
	test_utf8_sanitize();
	test_io();
	test_write_at();
	test_capbuf();
	test_xgrow();
	test_channel();
	test_read_available();
	test_signals_default();
	dir = open(tmpdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir >= 0) {
		rm_tree(dir);
		(void)close(dir);
	}
	ok(rmdir(tmpdir) == 0, "the temporary directory is removed");
	return done_testing();
}
