/* stats.c - what the server counts ({"op":"stats"}) and its one log line
 * per execution on stderr (see server.h). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bridge/message.h"
#include "jail/util.h"
#include "serve/msg.h"
#include "serve/server.h"

/* The statuses a result can have (docs/result.md), then the server's own. */
static const char *const statuses[10] = {
	"ok",	       "error",		"timeout",	  "oom",	   "killed",
	"setup_error", "capture_error", "internal_error", "worker_failed", "cancelled",
};

void stats_done(struct server *s, const struct job *j, const char *status, double latency_ms)
{
	struct latency_ring *l = &s->st.latency;

	(void)j;
	for (size_t i = 0; i < ARRAY_SIZE(statuses); i++)
		if (!strcmp(status, statuses[i])) {
			s->st.by_status[i]++;
			break;
		}
	l->ms[l->next] = latency_ms;
	l->next = (l->next + 1) % ARRAY_SIZE(l->ms);
	if (l->n < ARRAY_SIZE(l->ms))
		l->n++;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double pct(const double *sorted, size_t n, double p)
{
	size_t i;

	if (!n)
		return 0;
	i = (size_t)(p / 100.0 * (double)(n - 1) + 0.5);
	return sorted[i < n ? i : n - 1];
}

char *stats_json(const struct server *s, size_t *len)
{
	const struct latency_ring *l = &s->st.latency;
	double sorted[ARRAY_SIZE(l->ms)];
	char *out = NULL, counts[512];
	size_t at = 0;

	memcpy(sorted, l->ms, l->n * sizeof(double));
	qsort(sorted, l->n, sizeof(double), cmp_double);
	for (size_t i = 0; i < ARRAY_SIZE(statuses); i++)
		at += (size_t)snprintf(counts + at, sizeof(counts) - at, "%s\"%s\":%llu",
				       i ? "," : "", statuses[i],
				       (unsigned long long)s->st.by_status[i]);
	if (asprintf(&out,
		     "{\"op\":\"stats\",\"executions\":{%s},\"requests\":%llu,\"errors\":%llu,"
		     "\"busy\":%llu,\"refused_peers\":%llu,\"connections\":%llu,"
		     "\"running\":%u,\"queue_depth\":%u,\"pool_size\":%u,\"pool_hits\":%llu,"
		     "\"pool_misses\":%llu,\"latency_ms\":{\"count\":%zu,\"p50\":%.3f,"
		     "\"p90\":%.3f,\"p99\":%.3f,\"max\":%.3f},\"policy_generation\":%u}\n",
		     counts, (unsigned long long)s->st.requests, (unsigned long long)s->st.errors,
		     (unsigned long long)s->st.busy, (unsigned long long)s->st.refused_peers,
		     (unsigned long long)s->st.connections, s->running, s->queued, s->warm,
		     (unsigned long long)s->st.pool_hits, (unsigned long long)s->st.pool_misses,
		     l->n, pct(sorted, l->n, 50), pct(sorted, l->n, 90), pct(sorted, l->n, 99),
		     l->n ? sorted[l->n - 1] : 0.0, s->pol->generation) < 0)
		return NULL;
	*len = strlen(out);
	return out;
}

static const char *num_text(const struct json_node *n)
{
	return n && n->type == JSON_NUMBER ? n->u.number.text : "null";
}

void stats_log(const struct server *s, const struct job *j, const char *status, const char *reason,
	       const char *start, const struct json_node *result)
{
	const struct json_node *t = result ? json_get(result, "timings") : NULL;
	_cleanup_free_ char *st = msg_string(status, strlen(status)),
			    *re = reason ? msg_string(reason, strlen(reason)) : NULL;
	uint64_t now = now_ns();

	(void)s;
	fprintf(stderr,
		"{\"event\":\"execution\",\"id\":%s,\"peer_uid\":%u,\"peer_pid\":%d,"
		"\"status\":%s,\"reason\":%s,\"start\":\"%s\",\"setup_ms\":%s,\"run_ms\":%s,"
		"\"queued_ms\":%.3f,\"total_ms\":%.3f,\"tool_calls\":%llu,\"bytes_in\":%llu,"
		"\"bytes_out\":%llu}\n",
		j->id_json ? j->id_json : "null", (unsigned)j->peer_uid, (int)j->peer_pid,
		st ? st : "null", re ? re : "null", start,
		num_text(t ? json_get(t, "setup_ms") : NULL),
		num_text(t ? json_get(t, "run_ms") : NULL),
		j->started_ns > j->received_ns ? (double)(j->started_ns - j->received_ns) / 1e6
					       : 0.0,
		(double)(now - j->received_ns) / 1e6, (unsigned long long)j->calls,
		(unsigned long long)j->code_len + (unsigned long long)j->bytes_out,
		(unsigned long long)j->bytes_in);
}
