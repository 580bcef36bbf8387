/* job.c - executions and their workers (see server.h). A worker is
 * `actjail run --json` of this same binary, started with its code, input
 * and output in a private directory, its tool relay on fd 3 and its result
 * on stdout; the server relays tool calls between it and the client and
 * answers the client with the result. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <signal.h>
#include <stdarg.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bridge/message.h"
#include "jail/cgroup.h"
#include "jail/util.h"
#include "serve/base64.h"
#include "serve/jobdir.h"
#include "serve/msg.h"
#include "serve/server.h"

extern char **environ;

/* A worker prints one JSON object; past this it is not a result. */
#define RESULT_MAX (256u << 20)
/* What a relay may queue towards a worker that does not read. */
#define RELAY_QUEUE_MAX (64u << 20)
/* SIGTERM first (the worker ends the run and reports it), SIGKILL after. */
#define KILL_GRACE_NS (5000000000ull)

static unsigned job_index(const struct server *s, const struct job *j)
{
	return (unsigned)(j - s->jobs);
}

struct job *job_find(struct server *s, unsigned conn, unsigned serial, const char *id_json)
{
	for (unsigned i = 0; i < s->njobs; i++) {
		struct job *j = &s->jobs[i];

		if (j->state != JOB_FREE && !j->answered && j->conn == conn &&
		    j->conn_serial == serial && !strcmp(j->id_json, id_json))
			return j;
	}
	return NULL;
}

void job_free(struct job *j)
{
	free(j->id_json);
	free(j->code);
	if (j->env)
		for (size_t i = 0; j->env[i]; i++)
			free(j->env[i]);
	free(j->env);
	for (size_t i = 0; i < j->ninputs; i++) {
		free(j->inputs[i].name);
		free(j->inputs[i].data);
	}
	free(j->inputs);
	free(j->tools_json);
	json_free(j->tools);
	free(j->out);
	for (size_t i = 0; i < j->ncalls; i++)
		free(j->call_ids[i]);
	free(j->call_ids);
	memset(j, 0, sizeof(*j));
	j->state = JOB_FREE;
	j->pidfd = j->out_fd = -1;
	j->relay.fd = -1;
	j->ctl.fd = -1;
}

/* The client gets line, if it is still there. */
static void to_client(struct server *s, const struct job *j, const char *line, size_t len)
{
	if (conn_get(s, j->conn, j->conn_serial))
		conn_send(s, j->conn, line, len);
}

static void fail_job(struct server *s, struct job *j, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* End a job with an error line instead of a result. */
static void fail_job(struct server *s, struct job *j, const char *code, const char *fmt, ...)
{
	char text[1024];
	_cleanup_free_ char *line = NULL;
	struct conn *c = conn_get(s, j->conn, j->conn_serial);
	size_t len;
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	line = msg_error(j->id_json, code, text, &len);
	if (line)
		to_client(s, j, line, len);
	stats_done(s, j, code, (double)(now_ns() - j->received_ns) / 1e6);
	stats_log(s, j, code, NULL, j->start ? j->start : "none", NULL);
	if (j->state == JOB_RUNNING)
		s->running--;
	else if (j->state == JOB_QUEUED)
		s->queued--;
	if (j->dir[0])
		(void)jobdir_remove(j->dir);
	{
		unsigned conn = j->conn;

		/* the slot is free before the connection may close (which
		 * cancels what of it is left) */
		job_free(j);
		if (c)
			conn_job_done(s, conn);
	}
}

static int write_input(int dirfd, const struct job_input *in)
{
	int fd =
		openat(dirfd, in->name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	int r;

	if (fd < 0)
		return -errno;
	r = write_all(fd, in->data, in->len);
	if (close(fd) < 0 && !r)
		r = -errno;
	return r;
}

/* The execution's directory: main.py, input/, output/, stderr. */
static int prepare_dir(struct server *s, struct job *j, char *err, size_t errlen)
{
	_cleanup_close_ int dfd = -1, in = -1;
	int r;

	(void)snprintf(j->dir, sizeof(j->dir), "%s/job-XXXXXX", s->workdir);
	if (!mkdtemp(j->dir)) {
		r = -errno;
		j->dir[0] = '\0';
		(void)snprintf(err, errlen, "execution directory: %s", strerror(-r));
		return r;
	}
	dfd = open(j->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		r = -errno;
		(void)snprintf(err, errlen, "execution directory: %s", strerror(-r));
		return r;
	}
	if (j->code) {
		/* a pool worker has none yet: its code comes over --warm-fd */
		int fd = openat(dfd, "main.py",
				O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);

		r = fd < 0 ? -errno : write_all(fd, j->code, j->code_len);
		if (fd >= 0 && close(fd) < 0 && !r)
			r = -errno;
		if (r < 0) {
			(void)snprintf(err, errlen, "write the code: %s", strerror(-r));
			return r;
		}
	}
	if (j->tools_json) {
		/* the request's tools, for the worker: served by the relay (no
		 * command), checked and listed by the launcher */
		int fd = openat(dfd, "tools.json",
				O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);

		r = fd < 0 ? -errno : write_all(fd, "{\"tools\":", 9);
		if (!r)
			r = write_all(fd, j->tools_json, j->tools_json_len);
		if (!r)
			r = write_all(fd, "}\n", 2);
		if (fd >= 0 && close(fd) < 0 && !r)
			r = -errno;
		if (r < 0) {
			(void)snprintf(err, errlen, "write the tools: %s", strerror(-r));
			return r;
		}
	}
	if (mkdirat(dfd, "output", 0700) < 0 || (j->ninputs && mkdirat(dfd, "input", 0755) < 0)) {
		r = -errno;
		(void)snprintf(err, errlen, "execution directory: %s", strerror(-r));
		return r;
	}
	if (j->ninputs) {
		in = openat(dfd, "input", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (in < 0)
			return -errno;
		for (size_t i = 0; i < j->ninputs; i++) {
			r = write_input(in, &j->inputs[i]);
			if (r < 0) {
				(void)snprintf(err, errlen, "input %s: %s", j->inputs[i].name,
					       strerror(-r));
				return r;
			}
		}
	}
	/* the dir itself is the server's; the jail's user reads input/ */
	if (j->ninputs && fchmod(dfd, 0711) < 0)
		return -errno;
	return 0;
}

static char **worker_argv(struct server *s, struct job *j, bool warm)
{
	size_t n = 0, nenv = 0;
	char **argv;

	while (j->env && j->env[nenv])
		nenv++;
	argv = xcalloc(24 + 2 * nenv, sizeof(char *));
#define ARG(x) (argv[n++] = xstrdup(x))
	ARG(s->exe);
	ARG("run");
	ARG("--json");
	/* a server that dies (SIGKILL) takes its running jails with it */
	ARG("--die-with-parent");
	ARG("--policy");
	ARG(s->pol->policy_file);
	if (s->pol->tools_file[0]) {
		ARG("--tools");
		ARG(s->pol->tools_file);
	}
	ARG("--relay-fd");
	ARG("3");
	if (warm) {
		/* the policy's limits; a request tightens them at the hand-over */
		ARG("--warm-fd");
		ARG("4");
		if (asprintf(&argv[n++], "--output=%s/output", j->dir) < 0)
			abort();
		return argv;
	}
	if (asprintf(&argv[n++], "--timeout=%llu.%03llu",
		     (unsigned long long)(j->timeout_ms / 1000),
		     (unsigned long long)(j->timeout_ms % 1000)) < 0 ||
	    asprintf(&argv[n++], "--memory=%llu", (unsigned long long)j->memory_mib) < 0)
		abort();
	if (asprintf(&argv[n++], "--output=%s/output", j->dir) < 0)
		abort();
	if (j->tools_json && asprintf(&argv[n++], "--tools=%s/tools.json", j->dir) < 0)
		abort();
	if (j->ninputs && asprintf(&argv[n++], "--input=%s/input", j->dir) < 0)
		abort();
	for (size_t i = 0; i < nenv; i++) {
		ARG("--env");
		ARG(j->env[i]);
	}
	if (asprintf(&argv[n++], "%s/main.py", j->dir) < 0)
		abort();
#undef ARG
	return argv;
}

static void free_argv(char **argv)
{
	for (size_t i = 0; argv[i]; i++)
		free(argv[i]);
	free(argv);
}

int worker_spawn(struct server *s, struct job *j, bool warm, char *err, size_t errlen)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, def;
	int out[2] = { -1, -1 }, relay[2] = { -1, -1 }, ctl[2] = { -1, -1 }, errfd = -1,
	    devnull = -1, r;
	char path[4300];
	char **argv;
	unsigned idx = job_index(s, j);
	pid_t pid;

	r = prepare_dir(s, j, err, errlen);
	if (r < 0)
		return r;
	(void)snprintf(path, sizeof(path), "%s/stderr", j->dir);
	if (pipe2(out, O_CLOEXEC) < 0 ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, relay) ||
	    (errfd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0 ||
	    (devnull = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0 ||
	    (warm && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ctl) < 0)) {
		r = -errno;
		(void)snprintf(err, errlen, "worker descriptors: %s", strerror(-r));
		goto out;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, devnull, 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	posix_spawn_file_actions_adddup2(&fa, errfd, 2);
	posix_spawn_file_actions_adddup2(&fa, relay[1], 3);
	if (warm)
		posix_spawn_file_actions_adddup2(&fa, ctl[1], 4);
	posix_spawn_file_actions_addclosefrom_np(&fa, warm ? 5 : 4);
	posix_spawnattr_init(&at);
	sigemptyset(&none);
	sigemptyset(&def);
	sigaddset(&def, SIGPIPE);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &def);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	argv = worker_argv(s, j, warm);
	r = -posix_spawn(&pid, s->exe, &fa, &at, argv, environ);
	free_argv(argv);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	if (r < 0) {
		(void)snprintf(err, errlen, "start a worker: %s", strerror(-r));
		goto out;
	}
	j->pid = pid;
	j->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (j->pidfd < 0) {
		r = -errno;
		(void)kill(pid, SIGKILL);
		(void)waitpid(pid, NULL, 0);
		(void)snprintf(err, errlen, "pidfd_open: %s", strerror(-r));
		goto out;
	}
	j->out_fd = out[0];
	out[0] = -1;
	channel_init(&j->relay, relay[0], TAG_RELAY | idx, RELAY_QUEUE_MAX);
	relay[0] = -1;
	if (warm) {
		channel_init(&j->ctl, ctl[0], TAG_CTL | idx, RELAY_QUEUE_MAX);
		ctl[0] = -1;
	}
	frame_reader_init(&j->relay_in, s->pol->policy.limits.max_message_bytes + 1024);
	if ((r = fd_nonblock(j->out_fd)) < 0 ||
	    (r = evloop_add(&s->ev, j->out_fd, EPOLLIN, TAG_OUT | idx)) < 0 ||
	    (r = channel_watch(&s->ev, &j->relay)) < 0 ||
	    (r = evloop_add(&s->ev, j->pidfd, EPOLLIN, TAG_PIDFD | idx)) < 0 ||
	    (warm && (r = channel_watch(&s->ev, &j->ctl)) < 0)) {
		(void)snprintf(err, errlen, "watch the worker: %s", strerror(-r));
		(void)syscall(SYS_pidfd_send_signal, j->pidfd, SIGKILL, NULL, 0);
		/* the pidfd event never comes: reap here */
		(void)waitpid(pid, NULL, 0);
		j->exited = true;
		goto out;
	}
	j->started_ns = now_ns();
	j->generation = s->pol->generation;
	r = 0;
out:
	if (out[0] >= 0)
		(void)close(out[0]);
	if (out[1] >= 0)
		(void)close(out[1]);
	if (relay[0] >= 0)
		(void)close(relay[0]);
	if (relay[1] >= 0)
		(void)close(relay[1]);
	if (ctl[0] >= 0)
		(void)close(ctl[0]);
	if (ctl[1] >= 0)
		(void)close(ctl[1]);
	if (errfd >= 0)
		(void)close(errfd);
	if (devnull >= 0)
		(void)close(devnull);
	return r;
}

void worker_release(struct server *s, struct job *j)
{
	evloop_del_close(&s->ev, &j->out_fd);
	evloop_del_close(&s->ev, &j->pidfd);
	channel_free(&s->ev, &j->relay, true);
	channel_free(&s->ev, &j->ctl, true);
	frame_reader_free(&j->relay_in);
}

void job_schedule(struct server *s)
{
	while (s->running < s->cfg.concurrency && s->queued) {
		struct job *next = NULL;
		char err[1200];

		for (unsigned i = 0; i < s->njobs; i++)
			if (s->jobs[i].state == JOB_QUEUED && (!next || s->jobs[i].seq < next->seq))
				next = &s->jobs[i];
		if (!next)
			return;
		next->state = JOB_RUNNING;
		s->queued--;
		s->running++;
		if (pool_take(s, next) == 0) {
			s->st.pool_hits++;
			continue;
		}
		s->st.pool_misses++;
		next->start = "cold";
		if (worker_spawn(s, next, false, err, sizeof(err)) < 0) {
			worker_release(s, next);
			fail_job(s, next, "worker_failed", "%s", err);
		}
	}
}

/* ---- the result ------------------------------------------------------------------ */

/* The captured files as {"path": base64, ...}, read back from output/. */
/* The captured files as {"path": base64, ...}, read back from output/; a
 * file the worker listed that cannot be read back is named in *errors
 * ({"path": "ENOENT", ...}, or NULL when none), never silently left out. */
static char *output_files(const struct job *j, const struct json_node *files, char **errors)
{
	char dir[4300];
	_cleanup_close_ int dfd = -1;
	size_t cap = 64, len = 0, elen = 0;
	char *out = xmalloc(cap);

	*errors = NULL;
#define OUTPUT_ERROR(p, e)                                                                         \
	do {                                                                                       \
		_cleanup_free_ char *q_ = msg_string((p), strlen(p));                              \
		const char *n_ = strerrorname_np(e);                                               \
		size_t add_ = (q_ ? strlen(q_) : 2) + 32;                                          \
		*errors = xrealloc(*errors, elen + add_ + 2);                                      \
		elen += (size_t)snprintf(*errors + elen, add_ + 2, "%s%s:\"%s\"",                  \
					 elen ? "," : "{", q_ ? q_ : "\"\"", n_ ? n_ : "EIO");     \
	} while (0)

	(void)snprintf(dir, sizeof(dir), "%s/output", j->dir);
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	out[len++] = '{';
	for (size_t i = 0; files && files->type == JSON_ARRAY && i < files->u.array.len; i++) {
		struct open_how how = { .flags = O_RDONLY | O_CLOEXEC,
					.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
						   RESOLVE_NO_MAGICLINKS };
		const char *path = message_string(files->u.array.items[i], "path", NULL);
		_cleanup_free_ char *data = NULL, *name = NULL;
		size_t n = 0, need;
		int fd;

		if (!path)
			continue;
		fd = dfd < 0 ? -1 : (int)syscall(SYS_openat2, dfd, path, &how, sizeof(how));
		if (fd < 0) {
			OUTPUT_ERROR(path, dfd < 0 ? ENOENT : errno);
			continue;
		}
		{
			int r = read_all_fd(fd, 1u << 30, &data, &n);

			if (r < 0) {
				(void)close(fd);
				OUTPUT_ERROR(path, -r);
				continue;
			}
		}
		(void)close(fd);
		name = msg_string(path, strlen(path));
		if (!name)
			continue;
		need = len + strlen(name) + base64_encoded_len(n) + 8;
		if (need > cap) {
			cap = need * 2;
			out = xrealloc(out, cap);
		}
		if (len > 1)
			out[len++] = ',';
		memcpy(out + len, name, strlen(name));
		len += strlen(name);
		out[len++] = ':';
		out[len++] = '"';
		base64_encode((const unsigned char *)data, n, out + len);
		len += base64_encoded_len(n);
		out[len++] = '"';
	}
	out[len++] = '}';
	out[len] = '\0';
	if (*errors) {
		*errors = xrealloc(*errors, elen + 2);
		memcpy(*errors + elen, "}", 2);
	}
#undef OUTPUT_ERROR
	return out;
}

/* The worker's result, sent to the client as soon as it is complete: the
 * worker prints it and closes its stdout before it removes the jail's
 * (empty) cgroups and exits, which are waited for apart (cleanup). False
 * when the output is not a result: the worker's exit status then says why. */
static bool deliver(struct server *s, struct job *j)
{
	struct json_node *root = NULL;
	struct json_error jerr;
	struct conn *c = conn_get(s, j->conn, j->conn_serial);
	const char *status;
	_cleanup_free_ char *files = NULL, *result = NULL, *line = NULL, *why = NULL, *ferr = NULL;
	size_t len;

	/* the worker's JSON, trimmed of its newline */
	while (j->out_len && (j->out[j->out_len - 1] == '\n' || j->out[j->out_len - 1] == ' '))
		j->out_len--;
	if (!j->out_len || json_parse_limited(j->out, j->out_len, 64, 4u << 20, &root, &jerr) < 0 ||
	    root->type != JSON_OBJECT || !(status = message_string(root, "status", NULL))) {
		json_free(root);
		return false;
	}
	files = output_files(j, json_get(root, "files"), &ferr);
	why = j->start_reason ? msg_string(j->start_reason, strlen(j->start_reason))
			      : xstrdup("null");
	/* the result object, with start and the files: spliced before its
	 * closing brace (the worker's JSON is compact and well-formed) */
	if (asprintf(&result,
		     "%.*s,\"start\":\"%s\",\"start_reason\":%s,\"output_files\":%s,"
		     "\"output_errors\":%s}",
		     (int)(j->out_len - 1), j->out, j->start, why, files, ferr ? ferr : "null") < 0)
		abort();
	line = msg_done(j->id_json, result, &len);
	to_client(s, j, line, len);
	stats_done(s, j, status, (double)(now_ns() - j->received_ns) / 1e6);
	stats_log(s, j, status, message_string(root, "reason", NULL), j->start, root);
	json_free(root);
	j->answered = true;
	free(j->out);
	j->out = NULL;
	j->out_len = j->out_cap = 0;
	s->running--;
	if (c)
		conn_job_done(s, j->conn);
	job_schedule(s);
	/* a request is done: the pool is refilled behind it (docs/serve.md) */
	pool_refill(s);
	return true;
}

static void maybe_finish(struct server *s, struct job *j)
{
	char why[64];

	if (j->out_eof && !j->answered && !j->exited)
		(void)deliver(s, j);
	if (!j->exited || !j->out_eof)
		return;
	if (j->answered || deliver(s, j)) {
		/* answered: the slot and the directory go now (the pool was
		 * refilled when the answer went out) */
		worker_release(s, j);
		(void)jobdir_remove(j->dir);
		job_free(j);
		pool_maintain(s, s->running == 0);
		return;
	}
	worker_release(s, j);
	if (WIFSIGNALED(j->wait_status))
		(void)snprintf(why, sizeof(why), "killed by signal %d", WTERMSIG(j->wait_status));
	else
		(void)snprintf(why, sizeof(why), "exit status %d", WEXITSTATUS(j->wait_status));
	/* its jail's init dies with it (parent-death signal); what the dead
	 * worker left in the cgroups goes on the next ticks */
	s->sweep_pending = 10;
	fail_job(s, j, "worker_failed", "the worker ended without a result (%s)", why);
}

static int take_out(void *ctx, const char *data, size_t n)
{
	struct job *j = ctx;

	if (j->out_len + n > RESULT_MAX)
		return -EFBIG;
	if (j->out_len + n + 1 > j->out_cap) {
		j->out_cap = (j->out_len + n + 1) * 2;
		j->out = xrealloc(j->out, j->out_cap);
	}
	memcpy(j->out + j->out_len, data, n);
	j->out_len += n;
	return 0;
}

/* ---- tool calls ------------------------------------------------------------------- */

static void to_worker(struct server *s, struct job *j, const char *line, size_t len)
{
	(void)channel_send(&s->ev, &j->relay, line, len, false, 0);
}

static void refuse_call(struct server *s, struct job *j, const char *call_id, const char *why)
{
	size_t len;
	_cleanup_free_ char *line = message_result(call_id, NULL, why, &len);

	if (line)
		to_worker(s, j, line, len);
}

static const struct json_node *request_tool(struct job *j, const char *name)
{
	if (!j->tools && j->tools_json) {
		struct json_error e;

		if (json_parse(j->tools_json, j->tools_json_len, 64, &j->tools, &e) < 0)
			return NULL;
	}
	for (size_t i = 0; j->tools && i < j->tools->u.array.len; i++) {
		const char *n = message_string(j->tools->u.array.items[i], "name", NULL);

		if (n && !strcmp(n, name))
			return j->tools->u.array.items[i];
	}
	return NULL;
}

struct relay_feed {
	struct job *j;
	struct server *s;
};

static int on_relay_line(const char *line, size_t len, void *ctx)
{
	struct relay_feed *f = ctx;
	struct server *s = f->s;
	struct job *j = f->j;
	struct json_node *root = NULL;
	const struct json_node *id, *args, *tool, *schema;
	const char *op, *name;
	char why[512];
	_cleanup_free_ char *id_json = NULL, *args_json = NULL, *out = NULL;
	size_t n;

	j->bytes_in += len + 1;
	if (message_parse(line, len, &root, &op, why, sizeof(why)) < 0)
		return 0; /* the worker's launcher sent it: not the client's business */
	id = json_get(root, "id");
	name = message_string(root, "tool", NULL);
	args = json_get(root, "args");
	if (strcmp(op, "call") != 0 || !id || !name || !(id_json = message_encode(id, &n))) {
		json_free(root);
		return 0;
	}
	tool = request_tool(j, name);
	if (!tool) {
		refuse_call(s, j, id_json, "no such tool (the request declared none of that name)");
		goto out;
	}
	schema = json_get(tool, "parameters");
	if (schema && schema_check(schema, args, "args", why, sizeof(why)) < 0) {
		refuse_call(s, j, id_json, why);
		goto out;
	}
	args_json = args ? message_encode(args, &n) : xstrdup("{}");
	out = args_json ? msg_call(j->id_json, id_json, name, args_json, &n) : NULL;
	if (!out)
		goto out;
	j->call_ids = xrealloc(j->call_ids, (j->ncalls + 1) * sizeof(char *));
	j->call_ids[j->ncalls++] = xstrdup(id_json);
	j->calls++;
	to_client(s, j, out, n);
out:
	json_free(root);
	return 0;
}

static int relay_oversize(size_t max, void *ctx)
{
	(void)max;
	(void)ctx;
	return 0;
}

static int relay_take(void *ctx, const char *data, size_t n)
{
	struct relay_feed *f = ctx;

	return frame_reader_feed(&f->j->relay_in, data, n, on_relay_line, relay_oversize, f);
}

void job_answer_call(struct server *s, struct job *j, const struct json_node *msg)
{
	const struct json_node *cid = json_get(msg, "call_id"), *okv = json_get(msg, "ok"),
			       *v = json_get(msg, "value");
	const char *err = message_string(msg, "error", NULL);
	_cleanup_free_ char *cid_json = NULL, *value = NULL, *line = NULL;
	size_t n, k;

	if (!cid || !(cid_json = message_encode(cid, &n))) {
		conn_send_error(s, j->conn, j->id_json, "bad_request", "result: needs call_id");
		return;
	}
	for (k = 0; k < j->ncalls && strcmp(j->call_ids[k], cid_json) != 0; k++)
		;
	if (k == j->ncalls) {
		conn_send_error(s, j->conn, j->id_json, "unknown_id",
				"result: no call %.64s is waiting for an answer", cid_json);
		return;
	}
	free(j->call_ids[k]);
	j->call_ids[k] = j->call_ids[--j->ncalls];
	if (!okv || okv->type != JSON_BOOL || (okv->u.boolean && !v)) {
		line = message_result(cid_json, NULL, "the client's answer had no ok and value",
				      &n);
	} else if (okv->u.boolean) {
		value = message_encode(v, &n);
		line = value ? message_result(cid_json, value, NULL, &n) : NULL;
	} else {
		line = message_result(cid_json, NULL, err ? err : "the tool failed", &n);
	}
	if (line && n > s->pol->policy.limits.max_message_bytes) {
		char why[160];

		(void)snprintf(
			why, sizeof(why),
			"the tool's answer is %zu bytes, more than the bridge's limit of %llu", n,
			(unsigned long long)s->pol->policy.limits.max_message_bytes);
		free(line);
		/* the program gets the error, and the result's tool_calls record
		 * it; the execution goes on (one done, no error line) */
		line = message_result(cid_json, NULL, why, &n);
	}
	if (line) {
		j->bytes_out += n;
		to_worker(s, j, line, n);
	}
}

/* ---- events ------------------------------------------------------------------------- */

void job_event(struct server *s, uint32_t tag, uint32_t events)
{
	unsigned idx = tag & ~TAG_KIND;
	struct job *j = idx < s->njobs ? &s->jobs[idx] : NULL;
	int r;

	if (!j || j->state == JOB_FREE || j->state == JOB_QUEUED)
		return;
	if (j->state != JOB_RUNNING) {
		pool_event(s, j, tag, events);
		return;
	}
	switch (tag & TAG_KIND) {
	case TAG_OUT:
		r = read_available(j->out_fd, 1u << 20, take_out, j);
		if (r == READ_EOF || r < 0) {
			if (r < 0 && r != -EFBIG)
				j->out_len = 0;
			if (r == -EFBIG) {
				j->out_len = 0;
				(void)syscall(SYS_pidfd_send_signal, j->pidfd, SIGKILL, NULL, 0);
			}
			evloop_del_close(&s->ev, &j->out_fd);
			j->out_eof = true;
		}
		break;
	case TAG_RELAY: {
		struct relay_feed f = { j, s };

		if ((events & EPOLLOUT) && channel_flush(&s->ev, &j->relay) < 0)
			break;
		if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
			r = read_available(j->relay.fd, 1u << 20, relay_take, &f);
			if (r == READ_EOF || r < 0)
				evloop_del(&s->ev, j->relay.fd);
		}
		break;
	}
	case TAG_PIDFD: {
		siginfo_t si = { 0 };

		if (waitid((idtype_t)P_PIDFD, (id_t)j->pidfd, &si, WEXITED | WNOHANG) < 0 ||
		    si.si_pid == 0)
			break;
		j->exited = true;
		j->wait_status = si.si_code == CLD_EXITED ? (si.si_status & 0xff) << 8
							  : (si.si_status & 0x7f);
		evloop_del_close(&s->ev, &j->pidfd);
		/* whatever it printed is in the pipe by now */
		if (j->out_fd >= 0) {
			(void)read_available(j->out_fd, RESULT_MAX, take_out, j);
			evloop_del_close(&s->ev, &j->out_fd);
			j->out_eof = true;
		}
		break;
	}
	case TAG_CTL:
		/* after the go: nothing more is said there; a flush, or its end */
		if ((events & EPOLLOUT) && channel_flush(&s->ev, &j->ctl) < 0)
			channel_free(&s->ev, &j->ctl, true);
		else if (events & (EPOLLHUP | EPOLLERR))
			evloop_del(&s->ev, j->ctl.fd);
		break;
	default:
		break;
	}
	maybe_finish(s, j);
}

void job_refuse_queued(struct server *s, struct job *j, const char *code, const char *why)
{
	if (j->state == JOB_QUEUED)
		fail_job(s, j, code, "%s", why);
}

unsigned job_slots_used(const struct server *s)
{
	unsigned n = 0;

	for (unsigned i = 0; i < s->njobs; i++)
		n += s->jobs[i].state != JOB_FREE;
	return n;
}

void job_cancel(struct server *s, struct job *j, const char *why)
{
	if (j->state == JOB_QUEUED) {
		fail_job(s, j, "cancelled", "%s before it started", why);
		return;
	}
	if (j->state != JOB_RUNNING || j->cancelled || j->answered)
		return;
	j->cancelled = true;
	/* the worker ends the run itself: jail killed and reaped, tools
	 * stopped, cgroups removed, a result printed (status killed) */
	(void)syscall(SYS_pidfd_send_signal, j->pidfd, SIGTERM, NULL, 0);
	j->kill_at_ns = now_ns() + KILL_GRACE_NS;
}

void job_tick(struct server *s, uint64_t now)
{
	for (unsigned i = 0; i < s->njobs; i++) {
		struct job *j = &s->jobs[i];
		uint64_t backstop;

		if (j->state != JOB_RUNNING || j->exited)
			continue;
		if (!j->timeout_ms)
			continue;
		/* the worker keeps the deadline; this is the server's backstop
		 * against a worker that hangs in setup or in reporting */
		backstop = j->started_ns + (j->timeout_ms + s->cfg.setup_timeout_ms) * 1000000u;
		if (!j->kill_at_ns && now > backstop) {
			(void)syscall(SYS_pidfd_send_signal, j->pidfd, SIGTERM, NULL, 0);
			j->kill_at_ns = now + KILL_GRACE_NS;
		} else if (j->kill_at_ns && now > j->kill_at_ns) {
			(void)syscall(SYS_pidfd_send_signal, j->pidfd, SIGKILL, NULL, 0);
		}
	}
	if (s->sweep_pending) {
		struct cgroup_layout lay;

		s->sweep_pending--;
		if (cgroup_discover(&lay) == 0)
			cgroup_sweep(&lay, NULL);
	}
}
