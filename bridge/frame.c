/*
 * frame.c - newline framing that never buffers more than one bounded line.
 *
 * The peer is the jail, so it chooses the chunking: a line may arrive a
 * byte at a time or many lines in one read. Every line is copied into the
 * reader's buffer (so that on_line gets a NUL-terminated copy) and the
 * buffer never grows past max_message + 1 bytes. A line that would exceed
 * max_message is reported as soon as that is known - not when its newline
 * finally arrives - and the rest of it is dropped without being stored.
 */
#include "bridge/frame.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FRAME_INITIAL_CAP 256

void frame_reader_init(struct frame_reader *r, size_t max_message)
{
	memset(r, 0, sizeof(*r));
	/* keep max_message + 1 (the NUL) representable */
	r->max_message = max_message < SIZE_MAX - 1 ? max_message : SIZE_MAX - 2;
}

void frame_reader_free(struct frame_reader *r)
{
	free(r->buf);
	r->buf = NULL;
	r->len = 0;
	r->cap = 0;
	r->discarding = false;
}

/* Make room for want bytes of line plus the NUL; want <= max_message. */
static int reserve(struct frame_reader *r, size_t want)
{
	size_t limit = r->max_message + 1, cap = r->cap ? r->cap : FRAME_INITIAL_CAP;
	char *n;

	if (want + 1 <= r->cap)
		return 0;
	while (cap < want + 1)
		cap = cap > limit / 2 ? limit : cap * 2;
	if (cap > limit)
		cap = limit;
	n = realloc(r->buf, cap);
	if (!n)
		return -ENOMEM;
	r->buf = n;
	r->cap = cap;
	return 0;
}

static int oversize(struct frame_reader *r, frame_oversize_fn on_oversize, void *ctx)
{
	r->len = 0;
	return on_oversize ? on_oversize(r->max_message, ctx) : 0;
}

int frame_reader_feed(struct frame_reader *r, const char *data, size_t n, frame_line_fn on_line,
		      frame_oversize_fn on_oversize, void *ctx)
{
	while (n > 0) {
		const char *nl = memchr(data, '\n', n);
		size_t chunk = nl ? (size_t)(nl - data) : n;
		size_t used = nl ? chunk + 1 : chunk;
		int rc = 0;

		if (r->discarding) {
			/* inside an oversized line: drop through its newline */
			if (nl)
				r->discarding = false;
		} else if (chunk > r->max_message - r->len) {
			/* too long: report once, then drop the rest of the line */
			r->discarding = !nl;
			rc = oversize(r, on_oversize, ctx);
		} else {
			if (reserve(r, r->len + chunk))
				return -ENOMEM;
			if (chunk)
				memcpy(r->buf + r->len, data, chunk);
			r->len += chunk;
			if (nl) {
				size_t len = r->len;

				r->buf[len] = '\0';
				r->len = 0; /* consumed even if the callback stops the feed */
				rc = on_line ? on_line(r->buf, len, ctx) : 0;
			}
		}
		data += used;
		n -= used;
		if (rc)
			return rc;
	}
	return 0;
}

size_t frame_reader_pending(const struct frame_reader *r)
{
	return r->len;
}
