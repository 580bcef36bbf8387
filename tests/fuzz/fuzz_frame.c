/*
 * fuzz_frame.c - libFuzzer target for bridge/frame.c. The first two bytes
 * choose max_message and a chunking seed; the rest is fed in chunks of
 * pseudo-random size. Every line must be bounded, NUL-terminated and free
 * of newlines, and the buffer must never exceed max_message + 1.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bridge/frame.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct check {
	size_t max;
	size_t lines;
	size_t oversize;
};

static int on_line(const char *line, size_t len, void *ctx)
{
	struct check *c = ctx;

	if (len > c->max || line[len] != '\0' || memchr(line, '\n', len))
		abort();
	c->lines++;
	return 0;
}

static int on_oversize(size_t max, void *ctx)
{
	struct check *c = ctx;

	if (max != c->max)
		abort();
	c->oversize++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct frame_reader r;
	struct check c = {0};
	uint32_t seed;
	size_t newlines = 0;

	if (size < 2)
		return 0;
	c.max = data[0] % 64;
	seed = data[1] | 1u;
	data += 2;
	size -= 2;
	frame_reader_init(&r, c.max);
	for (size_t off = 0; off < size;) {
		size_t n;

		seed = seed * 1103515245u + 12345u;
		n = 1 + (seed >> 16) % 97;
		if (n > size - off)
			n = size - off;
		if (frame_reader_feed(&r, (const char *)data + off, n, on_line, on_oversize, &c))
			abort();
		if (r.cap > c.max + 1 || frame_reader_pending(&r) > c.max)
			abort();
		off += n;
	}
	for (size_t i = 0; i < size; i++)
		newlines += data[i] == '\n';
	/*
	 * Each newline ends one line, delivered or reported oversized; one more
	 * report is allowed for an oversized line still waiting for its newline.
	 */
	if (c.lines + c.oversize != newlines + r.discarding)
		abort();
	frame_reader_free(&r);
	return 0;
}
