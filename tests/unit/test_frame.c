/*
 * test_frame.c - bridge/frame.c: lines, chunking, and oversized lines.
 */
#include <errno.h>

#include "bridge/frame.h"
#include "tests/tap.h"

struct sink {
	char lines[64][64];
	size_t lens[64];
	int nlines;
	int noversize;
	size_t oversize_max;
	int stop_after; /* return 7 from on_line after this many lines; 0 = never */
	int not_nul;	/* lines that were not NUL-terminated */
};

static int on_line(const char *line, size_t len, void *ctx)
{
	struct sink *s = ctx;

	if (line[len] != '\0')
		s->not_nul++;
	if (s->nlines < 64) {
		size_t n = len < 63 ? len : 63;

		memcpy(s->lines[s->nlines], line, n);
		s->lines[s->nlines][n] = '\0';
		s->lens[s->nlines] = len;
	}
	s->nlines++;
	return s->stop_after && s->nlines >= s->stop_after ? 7 : 0;
}

static int on_oversize(size_t max, void *ctx)
{
	struct sink *s = ctx;

	s->noversize++;
	s->oversize_max = max;
	return 0;
}

static int feed(struct frame_reader *r, struct sink *s, const char *data)
{
	return frame_reader_feed(r, data, strlen(data), on_line, on_oversize, s);
}

static void test_basic(void)
{
	struct frame_reader r;
	struct sink s = { 0 };

	frame_reader_init(&r, 16);
	is_int(feed(&r, &s, "one\ntwo\r\n\nthr"), 0, "feed returns 0");
	is_int(s.nlines, 3, "three complete lines");
	is_str(s.lines[0], "one", "first line");
	is_str(s.lines[1], "two\r", "CR kept");
	is_int(s.lens[2], 0, "empty line");
	is_int(frame_reader_pending(&r), 3, "partial line pending");
	is_int(feed(&r, &s, "ee\n"), 0, "rest of the line");
	is_str(s.lines[3], "three", "joined across feeds");
	is_int(frame_reader_pending(&r), 0, "nothing pending");
	is_int(s.not_nul, 0, "lines are NUL-terminated");
	is_int(frame_reader_feed(&r, "x", 0, on_line, on_oversize, &s), 0, "empty feed");
	frame_reader_free(&r);
}

static void test_byte_at_a_time(void)
{
	const char *in = "0123456789abcdef\n0123456789abcdefX\nok\n";
	struct frame_reader r;
	struct sink s = { 0 };
	size_t maxcap = 0;

	frame_reader_init(&r, 16);
	for (size_t i = 0; in[i]; i++) {
		frame_reader_feed(&r, in + i, 1, on_line, on_oversize, &s);
		if (r.cap > maxcap)
			maxcap = r.cap;
	}
	is_int(s.nlines, 2, "exactly-max line and the next line delivered");
	is_str(s.lines[0], "0123456789abcdef", "max-length line intact");
	is_str(s.lines[1], "ok", "line after the oversized one");
	is_int(s.noversize, 1, "oversize reported once");
	is_int(s.oversize_max, 16, "oversize gets max_message");
	ok(maxcap <= 17, "buffer stayed within max_message + 1 (%zu)", maxcap);
	frame_reader_free(&r);
}

static void test_oversize(void)
{
	struct frame_reader r;
	struct sink s = { 0 };
	char big[5000];

	frame_reader_init(&r, 100);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	for (int i = 0; i < 10; i++)
		feed(&r, &s, big);
	is_int(s.noversize, 1, "50000-byte line reported once before its newline");
	is_int(frame_reader_pending(&r), 0, "nothing held while discarding");
	ok(r.cap <= 101, "memory bounded while discarding (cap %zu)", r.cap);
	feed(&r, &s, "tail\nnext\n");
	is_int(s.nlines, 1, "tail of oversized line dropped");
	is_str(s.lines[0], "next", "following line delivered");
	feed(&r, &s, big);
	feed(&r, &s, "\n");
	is_int(s.noversize, 2, "second oversized line reported");
	/* oversized line complete in one chunk, followed by a good one */
	memset(big, 'b', 150);
	memcpy(big + 150, "\nfine\n", 7);
	feed(&r, &s, big);
	is_int(s.noversize, 3, "complete oversized line reported");
	is_str(s.lines[s.nlines - 1], "fine", "line after it delivered");
	is_int(r.discarding, 0, "not discarding after the newline");
	frame_reader_free(&r);
	ok(r.buf == NULL && r.cap == 0, "free resets");
}

static void test_stop(void)
{
	struct frame_reader r;
	struct sink s = { .stop_after = 2 };

	frame_reader_init(&r, 64);
	is_int(feed(&r, &s, "a\nb\nc\n"), 7, "callback value returned");
	is_int(s.nlines, 2, "feed stopped after the second line");
	is_int(frame_reader_pending(&r), 0, "stopping line consumed");
	frame_reader_free(&r);

	frame_reader_init(&r, 0);
	s = (struct sink){ 0 };
	feed(&r, &s, "\nx\n\n");
	is_int(s.nlines, 2, "max 0: only empty lines");
	is_int(s.noversize, 1, "max 0: non-empty line oversized");
	is_int(frame_reader_feed(&r, "y\nz", 3, NULL, NULL, NULL), 0, "NULL callbacks");
	frame_reader_free(&r);
}

int main(void)
{
	test_basic();
	test_byte_at_a_time();
	test_oversize();
	test_stop();
	return done_testing();
}
