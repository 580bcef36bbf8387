/*
 * frame.h - newline-delimited message framing with a hard size bound.
 *
 * The reader never holds more than max_message bytes, whatever the peer
 * sends: a line longer than that is reported once through on_oversize and
 * its bytes are dropped up to the next newline. Nothing here exits or prints.
 */
#ifndef ACTJAIL_FRAME_H
#define ACTJAIL_FRAME_H

#include <stdbool.h>
#include <stddef.h>

typedef int (*frame_line_fn)(const char *line, size_t len, void *ctx);
typedef int (*frame_oversize_fn)(size_t max_message, void *ctx);

struct frame_reader {
	char *buf;
	size_t len; /* bytes of the current partial line */
	size_t cap;
	size_t max_message; /* longest accepted line, newline excluded */
	bool discarding;    /* inside an oversized line */
};

void frame_reader_init(struct frame_reader *r, size_t max_message);
void frame_reader_free(struct frame_reader *r);

/*
 * Feed n bytes. on_line is called for each complete line (without the
 * newline; a trailing '\r' is kept; line[len] is '\0' and line points into
 * the reader, valid until the next feed); on_oversize once per oversized
 * line, as soon as it is known to be too long. The buffer never exceeds
 * max_message + 1 bytes.
 * A callback returning non-zero stops the feed and that value is returned.
 * Returns 0, a callback's value, or -ENOMEM.
 */
int frame_reader_feed(struct frame_reader *r, const char *data, size_t n, frame_line_fn on_line,
		      frame_oversize_fn on_oversize, void *ctx);

/* Bytes held of an unterminated line (for end-of-stream reporting). */
size_t frame_reader_pending(const struct frame_reader *r);

#endif
