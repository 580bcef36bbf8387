/* result.c - status, JSON result and summary (see result.h). */
#define _GNU_SOURCE
#include "jail/result.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <seccomp.h>
#include <yajl_gen.h>

#include "jail/sha256.h"
#include "jail/timing.h"

#include "jail/exitcodes.h"
#include "jail/log.h"
#include "jail/util.h"

#define CHECK(x)                                                                                   \
	do {                                                                                       \
		if ((x) != yajl_gen_status_ok)                                                     \
			goto fail;                                                                 \
	} while (0)

static yajl_gen_status key(yajl_gen g, const char *k)
{
	return yajl_gen_string(g, (const unsigned char *)k, strlen(k));
}

/* Bytes the jail produced, as a JSON string: invalid UTF-8 becomes U+FFFD. */
static yajl_gen_status bytes(yajl_gen g, const char *s, size_t n)
{
	size_t m;
	char *clean = utf8_sanitize(s ? s : "", s ? n : 0, &m);
	yajl_gen_status st = yajl_gen_string(g, (const unsigned char *)clean, m);

	free(clean);
	return st;
}

static yajl_gen_status str(yajl_gen g, const char *s)
{
	return bytes(g, s, strlen(s));
}

static yajl_gen_status num(yajl_gen g, const char *k, uint64_t v)
{
	yajl_gen_status st = key(g, k);

	return st == yajl_gen_status_ok ? yajl_gen_integer(g, (long long)v) : st;
}

/* A duration in milliseconds with microseconds, or null when unknown. */
static yajl_gen_status ms(yajl_gen g, const char *k, bool known, uint64_t ns)
{
	char text[32];
	int n;
	yajl_gen_status st = key(g, k);

	if (st != yajl_gen_status_ok)
		return st;
	if (!known)
		return yajl_gen_null(g);
	n = snprintf(text, sizeof(text), "%llu.%03llu", (unsigned long long)(ns / 1000000),
		     (unsigned long long)(ns / 1000 % 1000));
	return yajl_gen_number(g, text, (size_t)n);
}

/* Where the time went (docs/result.md, timings): setup from clone to the
 * program's exec, the program's run from exec to the jail's end. */
static int gen_timings(yajl_gen g, const struct outcome *o)
{
	uint64_t clone = timing_clone_ns(), exec = timing_exec_ns();

	CHECK(key(g, "timings"));
	CHECK(yajl_gen_map_open(g));
	CHECK(ms(g, "setup_ms", clone && exec > clone, exec - clone));
	/* a warm jail's run starts when its code came, not at its exec */
	if (o->handover_ns > exec)
		exec = o->handover_ns;
	CHECK(ms(g, "run_ms", exec && o->end_ns > exec, o->end_ns - exec));
	CHECK(ms(g, "capture_ms", o->output_fd >= 0, o->capture_ns));
	CHECK(ms(g, "launcher_cpu_ms", o->launcher_cpu_us != 0, o->launcher_cpu_us * 1000));
	CHECK(yajl_gen_map_close(g));
	return 0;
fail:
	return -1;
}

/* Which mechanism enforced each limit on this run. */
static int gen_enforced(yajl_gen g, const struct config *cfg)
{
	const struct limits *l = &cfg->policy.limits;
	const struct cgroup_jail *cg = &cfg->cg;

	CHECK(key(g, "enforced_by"));
	CHECK(yajl_gen_map_open(g));
	CHECK(key(g, "timeout"));
	CHECK(str(g, "launcher"));
	CHECK(key(g, "memory_mib"));
	CHECK(str(g, cg->memory ? "cgroup+rlimit" : "rlimit"));
	CHECK(key(g, "pids"));
	CHECK(str(g, cg->pids ? "cgroup+rlimit" : "rlimit"));
	CHECK(key(g, "cpus"));
	CHECK(str(g, cg->cpus ? "cgroup" : "none"));
	CHECK(key(g, "cpu_time"));
	CHECK(str(g, l->cpu_time_ms ? "rlimit" : "none"));
	CHECK(key(g, "open_files"));
	CHECK(str(g, "rlimit"));
	CHECK(key(g, "file_size_mib"));
	CHECK(str(g, "rlimit"));
	CHECK(key(g, "tmp_mib"));
	CHECK(str(g, "tmpfs"));
	CHECK(key(g, "shm_mib"));
	CHECK(str(g, "tmpfs"));
	CHECK(key(g, "output_mib"));
	CHECK(str(g, "tmpfs"));
	CHECK(key(g, "stdout_bytes"));
	CHECK(str(g, "launcher"));
	CHECK(key(g, "stderr_bytes"));
	CHECK(str(g, "launcher"));
	CHECK(yajl_gen_map_close(g));
	return 0;
fail:
	return -1;
}

static int gen_limits(yajl_gen g, const struct config *cfg)
{
	const struct limits *l = &cfg->policy.limits;

	CHECK(yajl_gen_map_open(g));
	CHECK(key(g, "timeout"));
	CHECK(yajl_gen_double(g, (double)l->timeout_ms / 1000.0));
	CHECK(key(g, "cpu_time"));
	CHECK(yajl_gen_double(g, (double)l->cpu_time_ms / 1000.0));
	CHECK(num(g, "memory_mib", l->memory_mib));
	CHECK(num(g, "pids", l->pids));
	CHECK(num(g, "open_files", l->open_files));
	CHECK(num(g, "file_size_mib", l->file_size_mib));
	CHECK(num(g, "tmp_mib", l->tmp_mib));
	CHECK(num(g, "shm_mib", l->shm_mib));
	CHECK(num(g, "output_mib", l->output_mib));
	CHECK(num(g, "output_inodes", l->output_inodes));
	CHECK(num(g, "stdout_bytes", l->stdout_bytes));
	CHECK(num(g, "stderr_bytes", l->stderr_bytes));
	CHECK(num(g, "capture_files", l->capture_files));
	CHECK(num(g, "capture_file_bytes", l->capture_file_bytes));
	CHECK(num(g, "capture_total_bytes", l->capture_total_bytes));
	CHECK(num(g, "max_message_bytes", l->max_message_bytes));
	CHECK(num(g, "max_calls", l->max_calls));
	CHECK(num(g, "max_in_flight", l->max_in_flight));
	CHECK(num(g, "max_bridge_bytes", l->max_bridge_bytes));
	CHECK(key(g, "cpus"));
	CHECK(yajl_gen_double(g, (double)l->cpu_millis / 1000.0));
	CHECK(key(g, "cgroup"));
	CHECK(cfg->cg.version ? yajl_gen_integer(g, cfg->cg.version) : yajl_gen_null(g));
	if (gen_enforced(g, cfg) < 0)
		goto fail;
	CHECK(yajl_gen_map_close(g));
	return 0;
fail:
	return -1;
}

/* Raw JSON text we generated ourselves (ids, values): spliced in as is. */
static yajl_gen_status raw(yajl_gen g, const char *json)
{
	return yajl_gen_number(g, json, strlen(json));
}

static int gen_calls(yajl_gen g, const struct outcome *o, bool transcript)
{
	size_t i;

	CHECK(key(g, "tool_calls"));
	CHECK(yajl_gen_array_open(g));
	for (i = 0; i < o->ncalls; i++) {
		const struct call_record *c = &o->calls[i];

		CHECK(yajl_gen_map_open(g));
		CHECK(key(g, "id"));
		CHECK(raw(g, c->id_json));
		CHECK(key(g, "tool"));
		CHECK(str(g, c->tool));
		CHECK(key(g, "ok"));
		CHECK(yajl_gen_bool(g, c->ok));
		CHECK(num(g, "duration_ms", c->duration_ms));
		CHECK(key(g, "error"));
		CHECK(c->error ? str(g, c->error) : yajl_gen_null(g));
		if (transcript) {
			CHECK(key(g, "args"));
			CHECK(c->args_json ? raw(g, c->args_json) : yajl_gen_null(g));
			CHECK(key(g, "value"));
			CHECK(c->value_json ? raw(g, c->value_json) : yajl_gen_null(g));
		}
		CHECK(yajl_gen_map_close(g));
	}
	CHECK(yajl_gen_array_close(g));
	CHECK(key(g, "bridge"));
	CHECK(yajl_gen_map_open(g));
	CHECK(num(g, "calls", o->bridge.calls));
	CHECK(num(g, "bytes_in", o->bridge.bytes_in));
	CHECK(num(g, "bytes_out", o->bridge.bytes_out));
	CHECK(num(g, "bad_messages", o->bridge.bad_messages));
	CHECK(num(g, "dropped_replies", o->bridge.refused));
	CHECK(num(g, "unrecorded_refusals", o->bridge.refusals_unrecorded));
	CHECK(key(g, "limit_hit"));
	CHECK(o->bridge.limit_hit ? str(g, o->bridge.limit_hit) : yajl_gen_null(g));
	CHECK(yajl_gen_map_close(g));
	return 0;
fail:
	return -1;
}

static int gen_files(yajl_gen g, const struct capture *c)
{
	size_t i;

	CHECK(key(g, "files"));
	CHECK(yajl_gen_array_open(g));
	for (i = 0; c && i < c->nfiles; i++) {
		CHECK(yajl_gen_map_open(g));
		CHECK(key(g, "path"));
		CHECK(str(g, c->files[i].path));
		CHECK(num(g, "size", c->files[i].size));
		CHECK(key(g, "sha256"));
		CHECK(str(g, c->files[i].sha256));
		CHECK(yajl_gen_map_close(g));
	}
	CHECK(yajl_gen_array_close(g));
	CHECK(key(g, "skipped_files"));
	CHECK(yajl_gen_array_open(g));
	for (i = 0; c && i < c->nskipped; i++) {
		CHECK(yajl_gen_map_open(g));
		CHECK(key(g, "path"));
		CHECK(str(g, c->skipped[i].path));
		CHECK(key(g, "reason"));
		CHECK(str(g, c->skipped[i].reason));
		CHECK(key(g, "errno"));
		if (c->skipped[i].err > 0 && strerrorname_np(c->skipped[i].err))
			CHECK(str(g, strerrorname_np(c->skipped[i].err)));
		else
			CHECK(yajl_gen_null(g));
		CHECK(key(g, "host_failure"));
		CHECK(yajl_gen_bool(g, c->skipped[i].host_failure));
		CHECK(yajl_gen_map_close(g));
	}
	CHECK(yajl_gen_array_close(g));
	return 0;
fail:
	return -1;
}

static int gen_violations(yajl_gen g, const struct outcome *o, const struct capture *c, bool args)
{
	CHECK(key(g, "violations"));
	CHECK(yajl_gen_array_open(g));
	for (size_t i = 0; i < o->nviolations; i++) {
		const struct violation *v = &o->violations[i];
		char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, v->nr);
		const char *ename = strerrorname_np(v->err);
		char num_name[32];

		(void)snprintf(num_name, sizeof(num_name), "%d", v->nr);
		CHECK(yajl_gen_map_open(g));
		CHECK(key(g, "kind"));
		CHECK(str(g, v->kind == VIOLATION_NETWORK ? "network" : "syscall"));
		CHECK(key(g, "syscall"));
		CHECK(str(g, name ? name : num_name));
		free(name);
		CHECK(num(g, "nr", (uint64_t)v->nr));
		CHECK(num(g, "count", v->count));
		CHECK(key(g, "action"));
		CHECK(str(g, "errno"));
		CHECK(key(g, "errno"));
		CHECK(ename ? str(g, ename) : yajl_gen_integer(g, v->err));
		if (v->kind == VIOLATION_NETWORK) {
			CHECK(key(g, "address"));
			CHECK(str(g, v->address));
		}
		if (args) {
			CHECK(key(g, "first_args"));
			CHECK(yajl_gen_array_open(g));
			for (int k = 0; k < 6; k++)
				CHECK(yajl_gen_integer(g, (long long)v->first_args[k]));
			CHECK(yajl_gen_array_close(g));
		}
		CHECK(yajl_gen_map_close(g));
	}
	for (size_t i = 0; c && i < c->nskipped; i++) {
		if (!capture_refusal(c->skipped[i].reason))
			continue;
		CHECK(yajl_gen_map_open(g));
		CHECK(key(g, "kind"));
		CHECK(str(g, "capture"));
		CHECK(key(g, "syscall"));
		CHECK(yajl_gen_null(g));
		CHECK(key(g, "nr"));
		CHECK(yajl_gen_null(g));
		CHECK(num(g, "count", 1));
		CHECK(key(g, "action"));
		CHECK(str(g, "skipped"));
		CHECK(key(g, "path"));
		CHECK(str(g, c->skipped[i].path));
		CHECK(key(g, "reason"));
		CHECK(str(g, c->skipped[i].reason));
		if (args) {
			CHECK(key(g, "first_args"));
			CHECK(yajl_gen_null(g));
		}
		CHECK(yajl_gen_map_close(g));
	}
	CHECK(yajl_gen_array_close(g));
	return 0;
fail:
	return -1;
}

/* The jail's self-check ("key=value ..."), as an object; null without one.
 * Keys "group.name" (consecutive) become the object "group"; a value of
 * digits is a number, "absent" is null (a limit this kernel lacks). */
static int gen_enforced_readback(yajl_gen g, const char *rec)
{
	char buf[STATUS_DETAIL_MAX], *save = NULL, *tok;
	const char *group = NULL;

	if (!rec[0])
		return yajl_gen_null(g) == yajl_gen_status_ok ? 0 : -1;
	(void)snprintf(buf, sizeof(buf), "%s", rec);
	CHECK(yajl_gen_map_open(g));
	for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(tok, '='), *dot, *name = tok;

		if (!eq)
			continue;
		*eq = '\0';
		dot = strchr(tok, '.');
		if (group && (!dot || strncmp(group, tok, (size_t)(dot - tok)) != 0 ||
			      group[dot - tok] != '\0')) {
			CHECK(yajl_gen_map_close(g));
			group = NULL;
		}
		if (dot) {
			*dot = '\0';
			name = dot + 1;
			if (!group) {
				CHECK(key(g, tok));
				CHECK(yajl_gen_map_open(g));
				group = tok;
			}
		}
		CHECK(key(g, name));
		if (eq[1] && strspn(eq + 1, "0123456789") == strlen(eq + 1) && strlen(eq + 1) < 10)
			CHECK(yajl_gen_integer(g, atoi(eq + 1)));
		else if (!strcmp(eq + 1, "absent"))
			CHECK(yajl_gen_null(g));
		else
			CHECK(str(g, eq + 1));
	}
	if (group)
		CHECK(yajl_gen_map_close(g));
	CHECK(yajl_gen_map_close(g));
	return 0;
fail:
	return -1;
}

/* "mounts": the caller's read-only trees (--input, --mount) in command-line
 * order: {"path" in the jail, "host" as given, "idmapped"}. */
static int gen_mounts(yajl_gen g, const struct config *cfg)
{
	CHECK(key(g, "mounts"));
	CHECK(yajl_gen_array_open(g));
	for (unsigned i = 0; i < cfg->nmounts; i++) {
		CHECK(yajl_gen_map_open(g));
		CHECK(key(g, "path"));
		CHECK(str(g, cfg->mounts[i].target));
		CHECK(key(g, "host"));
		CHECK(str(g, cfg->mounts[i].host));
		CHECK(key(g, "idmapped"));
		CHECK(yajl_gen_bool(g, cfg->mounts[i].idmapped));
		CHECK(yajl_gen_map_close(g));
	}
	CHECK(yajl_gen_array_close(g));
	return 0;
fail:
	return -1;
}

/* "policy": {"name", "sha256"}: which policy text was in force. */
static int gen_policy(yajl_gen g, const struct config *cfg)
{
	CHECK(key(g, "policy"));
	CHECK(yajl_gen_map_open(g));
	CHECK(key(g, "name"));
	CHECK(str(g, cfg->policy.name));
	CHECK(key(g, "sha256"));
	CHECK(str(g, cfg->policy.sha256));
	/* a policy that allows by default is not an allowlist: say so */
	CHECK(key(g, "default_action"));
	{
		uint32_t a = cfg->policy.seccomp.default_action;
		char act[32];

		if (a == SCMP_ACT_ALLOW)
			(void)snprintf(act, sizeof(act), "allow");
		else if ((a & 0xffff0000u) == SCMP_ACT_ERRNO(0) &&
			 strerrorname_np((int)(a & 0xffff)))
			(void)snprintf(act, sizeof(act), "errno:%s",
				       strerrorname_np((int)(a & 0xffff)));
		else if (a == SCMP_ACT_KILL_PROCESS)
			(void)snprintf(act, sizeof(act), "kill_process");
		else if (a == SCMP_ACT_KILL_THREAD)
			(void)snprintf(act, sizeof(act), "kill_thread");
		else if (a == SCMP_ACT_LOG)
			(void)snprintf(act, sizeof(act), "log");
		else
			(void)snprintf(act, sizeof(act), "0x%08x", a);
		CHECK(str(g, act));
	}
	CHECK(yajl_gen_map_close(g));
	return 0;
fail:
	return -1;
}

int result_print_json(const struct config *cfg, const struct outcome *o, const struct capture *c,
		      const struct verdict *v)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	size_t len;
	int r = -EIO;

	if (!g)
		return -ENOMEM;
	yajl_gen_config(g, yajl_gen_validate_utf8, 1);
	CHECK(yajl_gen_map_open(g));
	CHECK(key(g, "status"));
	CHECK(str(g, v->status));
	CHECK(key(g, "reason"));
	CHECK(v->reason ? str(g, v->reason) : yajl_gen_null(g));
	CHECK(num(g, "exit_code", (uint64_t)v->exit_code));
	if (cfg->audit_log) {
		CHECK(key(g, "audit_error"));
		if (v->audit_errno && strerrorname_np(v->audit_errno))
			CHECK(str(g, strerrorname_np(v->audit_errno)));
		else
			CHECK(yajl_gen_null(g));
	}
	CHECK(key(g, "signal"));
	if ((o->end == END_SIGNALED || o->end == END_KILLED) && o->signal)
		CHECK(yajl_gen_integer(g, o->signal));
	else
		CHECK(yajl_gen_null(g));
	CHECK(num(g, "duration_ms", o->duration_ms));
	CHECK(num(g, "cpu_ms", o->cpu_ms));
	CHECK(num(g, "memory_peak_kib", o->memory_peak_kib));
	CHECK(key(g, "processes_max"));
	CHECK(o->processes_max >= 0 ? yajl_gen_integer(g, o->processes_max) : yajl_gen_null(g));
	if (gen_timings(g, o) < 0)
		goto fail;
	CHECK(key(g, "stdout"));
	CHECK(bytes(g, o->out.data, o->out.len));
	CHECK(key(g, "stderr"));
	CHECK(bytes(g, o->err.data, o->err.len));
	CHECK(key(g, "stdout_truncated"));
	CHECK(yajl_gen_bool(g, o->out.truncated));
	CHECK(key(g, "stderr_truncated"));
	CHECK(yajl_gen_bool(g, o->err.truncated));
	CHECK(key(g, "error"));
	if (o->error) {
		CHECK(yajl_gen_map_open(g));
		CHECK(key(g, "type"));
		CHECK(str(g, o->error->type));
		CHECK(key(g, "message"));
		CHECK(str(g, o->error->message));
		CHECK(key(g, "traceback"));
		CHECK(str(g, o->error->traceback));
		CHECK(key(g, "hint"));
		CHECK(o->error->hint ? str(g, o->error->hint) : yajl_gen_null(g));
		CHECK(yajl_gen_map_close(g));
	} else {
		CHECK(yajl_gen_null(g));
	}
	CHECK(key(g, "setup_error"));
	if (o->end == END_SETUP_ERROR || o->end == END_INTERNAL) {
		CHECK(yajl_gen_map_open(g));
		CHECK(key(g, "step"));
		CHECK(str(g, o->setup_step));
		CHECK(num(g, "errno", (uint64_t)o->setup_errno));
		CHECK(key(g, "message"));
		CHECK(str(g, o->setup_errno ? strerror(o->setup_errno) : o->setup_detail));
		CHECK(key(g, "detail"));
		CHECK(str(g, o->setup_detail));
		CHECK(yajl_gen_map_close(g));
	} else {
		CHECK(yajl_gen_null(g));
	}
	CHECK(key(g, "exec_error"));
	if (o->end == END_EXEC_ERROR)
		CHECK(str(g, strerror(o->exec_errno)));
	else
		CHECK(yajl_gen_null(g));
	if (gen_files(g, c) < 0 || gen_calls(g, o, cfg->transcript) < 0)
		goto fail;
	CHECK(key(g, "limits"));
	if (gen_limits(g, cfg) < 0)
		goto fail;
	CHECK(key(g, "enforced"));
	if (gen_enforced_readback(g, o->enforced) < 0)
		goto fail;
	if (gen_violations(g, o, c, true) < 0)
		goto fail;
	CHECK(key(g, "violations_reported"));
	CHECK(yajl_gen_bool(g, cfg->reports_violations));
	CHECK(key(g, "landlock"));
	CHECK(yajl_gen_map_open(g));
	CHECK(key(g, "mode"));
	CHECK(str(g, cfg->policy.landlock == POLICY_LANDLOCK_REQUIRED ? "required"
		     : cfg->policy.landlock == POLICY_LANDLOCK_OFF    ? "off"
								      : "preferred"));
	CHECK(key(g, "abi"));
	CHECK(o->landlock_abi ? yajl_gen_integer(g, o->landlock_abi) : yajl_gen_null(g));
	CHECK(yajl_gen_map_close(g));
	if (gen_mounts(g, cfg) < 0 || gen_policy(g, cfg) < 0)
		goto fail;
	CHECK(yajl_gen_map_close(g));
	CHECK(yajl_gen_get_buf(g, &buf, &len));
	{
		/* one write with its newline: a reader (actjail serve) takes
		 * the line as the whole result, without waiting for the end */
		char *line = malloc(len + 1);

		if (line) {
			memcpy(line, buf, len);
			line[len] = '\n';
			r = write_all(1, line, len + 1);
			free(line);
		} else {
			r = write_all(1, buf, len);
			if (r == 0)
				r = write_all(1, "\n", 1);
		}
	}
fail:
	yajl_gen_free(g);
	return r;
}

char *result_audit_line(const struct config *cfg, const struct outcome *o, const struct capture *c,
			const struct verdict *v, size_t *line_len)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	char when[64], code_sha[65];
	struct timespec now;
	struct tm tm;
	size_t len;
	char *line = NULL;

	if (!g)
		return NULL;
	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	(void)strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (cfg->mode == MODE_RUN) {
		sha256_hex(cfg->code, cfg->code_len, code_sha);
	} else {
		/* exec: the digest of the argv, NUL-separated */
		struct sha256_ctx h;
		unsigned char d[32];

		sha256_init(&h);
		for (size_t i = 0; cfg->argv[i]; i++)
			sha256_update(&h, cfg->argv[i], strlen(cfg->argv[i]) + 1);
		sha256_final(&h, d);
		sha256_to_hex(d, code_sha);
	}
	yajl_gen_config(g, yajl_gen_validate_utf8, 1);
	CHECK(yajl_gen_map_open(g));
	CHECK(key(g, "time"));
	CHECK(str(g, when));
	CHECK(key(g, "launcher_pid"));
	CHECK(yajl_gen_integer(g, getpid()));
	CHECK(key(g, "mode"));
	CHECK(str(g, cfg->mode == MODE_RUN ? "run" : "exec"));
	CHECK(key(g, "code_sha256"));
	CHECK(str(g, code_sha));
	if (gen_policy(g, cfg) < 0)
		goto fail;
	CHECK(key(g, "limits"));
	if (gen_limits(g, cfg) < 0 || gen_mounts(g, cfg) < 0)
		goto fail;
	if (gen_calls(g, o, false) < 0)
		goto fail;
	if (gen_violations(g, o, c, false) < 0)
		goto fail;
	CHECK(key(g, "status"));
	CHECK(str(g, v->status));
	CHECK(key(g, "reason"));
	CHECK(v->reason ? str(g, v->reason) : yajl_gen_null(g));
	CHECK(num(g, "exit_code", (uint64_t)v->exit_code));
	CHECK(num(g, "duration_ms", o->duration_ms));
	CHECK(num(g, "cpu_ms", o->cpu_ms));
	CHECK(num(g, "memory_peak_kib", o->memory_peak_kib));
	CHECK(num(g, "files_captured", c ? c->nfiles : 0));
	CHECK(yajl_gen_map_close(g));
	CHECK(yajl_gen_get_buf(g, &buf, &len));
	line = xmalloc(len + 1);
	memcpy(line, buf, len);
	line[len] = '\n';
	*line_len = len + 1;
fail:
	yajl_gen_free(g);
	return line;
}
