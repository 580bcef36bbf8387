/* outcome.c - the run's record (see outcome.h). */
#include "jail/outcome.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jail/util.h"

void capbuf_append(struct capbuf *b, const char *data, size_t n, uint64_t limit, int forward_fd)
{
	size_t room = b->total >= limit ? 0 : (size_t)(limit - b->total);
	size_t take = n < room ? n : room;

	b->total += n;
	if (take < n)
		b->truncated = true;
	if (!take)
		return;
	if (forward_fd >= 0) {
		/* A caller whose stdout is gone is not the program's failure. */
		(void)write_all(forward_fd, data, take);
		return;
	}
	if (b->len + take > b->cap) {
		b->cap = b->len + take > 2 * b->cap ? b->len + take : 2 * b->cap;
		b->data = xrealloc(b->data, b->cap + 1);
	}
	memcpy(b->data + b->len, data, take);
	b->len += take;
	b->data[b->len] = '\0';
}

void outcome_init(struct outcome *o)
{
	memset(o, 0, sizeof(*o));
	o->output_fd = -1;
	o->processes_max = -1;
}

void outcome_free(struct outcome *o)
{
	free(o->out.data);
	free(o->err.data);
	for (size_t i = 0; i < o->ncalls; i++) {
		struct call_record *c = &o->calls[i];

		free(c->id_json);
		free(c->tool);
		free(c->error);
		free(c->args_json);
		free(c->value_json);
	}
	free(o->calls);
	if (o->error) {
		free(o->error->type);
		free(o->error->message);
		free(o->error->traceback);
		free(o->error->hint);
		free(o->error);
	}
	if (o->output_fd >= 0)
		(void)close(o->output_fd);
}
