/* summary.c - what a run did, as text on stderr (see summary.h). */
#define _GNU_SOURCE
#include "jail/summary.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <seccomp.h>

#include "jail/log.h"

void result_log_violations(const struct outcome *o, const struct capture *c)
{
	for (size_t i = 0; i < o->nviolations; i++) {
		const struct violation *v = &o->violations[i];
		char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, v->nr);
		const char *ename = strerrorname_np(v->err);

		if (v->kind == VIOLATION_NETWORK)
			log_verbose("violation: network: %s to %s refused (%s), %llu time%s",
				    name ? name : "?", v->address, ename ? ename : "?",
				    (unsigned long long)v->count, v->count == 1 ? "" : "s");
		else
			log_verbose("violation: syscall %s (%d) refused (%s), %llu time%s",
				    name ? name : "?", v->nr, ename ? ename : "?",
				    (unsigned long long)v->count, v->count == 1 ? "" : "s");
		free(name);
	}
	if (o->violations_dropped)
		log_verbose("violation: %llu more refusals of other syscalls, not itemised",
			    (unsigned long long)o->violations_dropped);
	for (size_t i = 0; c && i < c->nskipped; i++)
		if (capture_refusal(c->skipped[i].reason))
			log_verbose("violation: capture /output/%s refused: %s", c->skipped[i].path,
				    c->skipped[i].reason);
}

void result_print_summary(const struct outcome *o, const struct capture *c, const struct verdict *v)
{
	size_t refused = o->nviolations;
	char also[48] = "";

	for (size_t i = 0; c && i < c->nskipped; i++)
		refused += capture_refusal(c->skipped[i].reason);
	if (refused)
		(void)snprintf(also, sizeof(also), ", %zu violation%s", refused,
			       refused == 1 ? "" : "s");
	(void)fprintf(stderr,
		      "actjail: %s%s%s%s, exit %d, %llu.%03llu s, cpu %llu ms, peak %llu KiB, "
		      "%zu file%s captured%s%s%s\n",
		      v->status, v->reason ? " (" : "", v->reason ? v->reason : "",
		      v->reason ? ")" : "", v->exit_code,
		      (unsigned long long)(o->duration_ms / 1000),
		      (unsigned long long)(o->duration_ms % 1000), (unsigned long long)o->cpu_ms,
		      (unsigned long long)o->memory_peak_kib, c ? c->nfiles : 0,
		      c && c->nfiles == 1 ? "" : "s", o->out.truncated ? ", stdout truncated" : "",
		      o->err.truncated ? ", stderr truncated" : "", also);
}
