/* warm.c - a warm jail's hand-over (see warm.h). */
#define _GNU_SOURCE
#include "jail/warm.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bridge/json.h"
#include "bridge/message.h"
#include "jail/config.h"
#include "jail/evloop.h"
#include "jail/util.h"
#include "serve/base64.h"

int warm_init(struct warm *w, int fd, size_t max_line)
{
	memset(w, 0, sizeof(*w));
	w->fd = fd;
	w->input_fd = w->main_fd = -1;
	frame_reader_init(&w->in, max_line);
	return fd_nonblock(fd);
}

void input_free(struct warm_input **in, size_t *n)
{
	for (size_t i = 0; i < *n; i++) {
		free((*in)[i].name);
		free((*in)[i].data);
	}
	free(*in);
	*in = NULL;
	*n = 0;
}

void warm_free(struct warm *w)
{
	frame_reader_free(&w->in);
	free(w->go.code);
	free(w->go.tools_json);
	w->go.code = w->go.tools_json = NULL;
	input_free(&w->go.inputs, &w->go.ninputs);
	if (w->input_fd >= 0)
		(void)close(w->input_fd);
	if (w->main_fd >= 0)
		(void)close(w->main_fd);
	w->input_fd = w->main_fd = -1;
}

bool warm_input_name(const char *s, size_t n)
{
	if (!n || n > 255 || s[0] == '.')
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == '/' || s[i] == 0x7f)
			return false;
	return true;
}

/* The go's "input": null, or an object of file name to base64. */
static int parse_inputs(struct warm *w, const struct json_node *v)
{
	if (!v || v->type == JSON_NULL)
		return 0;
	if (v->type != JSON_OBJECT || v->u.object.len > WARM_INPUT_MAX_FILES) {
		(void)snprintf(w->err, sizeof(w->err),
			       "go: input must be an object of at most %d files",
			       WARM_INPUT_MAX_FILES);
		return -EPROTO;
	}
	w->go.inputs = xcalloc(v->u.object.len ? v->u.object.len : 1, sizeof(*w->go.inputs));
	for (size_t i = 0; i < v->u.object.len; i++) {
		const char *name = v->u.object.keys[i];
		size_t nlen = v->u.object.key_lens[i];
		const struct json_node *b = v->u.object.values[i];
		struct warm_input *in = &w->go.inputs[w->go.ninputs];
		long n;

		if (!warm_input_name(name, nlen) || strlen(name) != nlen) {
			(void)snprintf(w->err, sizeof(w->err),
				       "go: input: '%.64s' is not a file name", name);
			return -EPROTO;
		}
		if (b->type != JSON_STRING) {
			(void)snprintf(w->err, sizeof(w->err), "go: input.%.64s: not a string",
				       name);
			return -EPROTO;
		}
		in->data = xmalloc(b->u.string.len / 4 * 3 + 1);
		n = base64_decode(b->u.string.ptr, b->u.string.len, in->data);
		in->name = xstrdup(name);
		w->go.ninputs++;
		if (n < 0) {
			(void)snprintf(w->err, sizeof(w->err), "go: input.%.64s: not base64", name);
			return -EPROTO;
		}
		in->len = (size_t)n;
	}
	return 0;
}

/* The writer's job and its report: 0, or the errno and the file it failed
 * on (-1: taking the ids; -2: main.py). */
struct input_job {
	int dirfd;
	const struct warm_input *in;
	size_t n;
	uid_t uid;
	gid_t gid;
	int err;
	int index;
	int main_fd; /* main.py goes there (-1: none) */
	const char *code;
	size_t code_len;
};

/* In a child made for the writes (clone(2) with CLONE_VM | CLONE_VFORK: it
 * shares the launcher's memory, and the launcher waits until it has
 * exited): take the jail user's host ids as file system ids (a file system
 * of the jail's user namespace takes no owner it cannot map), write each
 * file, report in the job, exit. Credentials belong to the task, not to the
 * memory: the launcher's own never change. */
static int write_inputs_child(void *arg)
{
	struct input_job *job = arg;

	(void)setfsgid(job->gid);
	(void)setfsuid(job->uid);
	/* setfsuid(2) returns the previous value whether or not it changed it */
	if ((uid_t)setfsuid((uid_t)-1) != job->uid || (gid_t)setfsgid((gid_t)-1) != job->gid)
		job->err = EPERM;
	for (size_t i = 0; !job->err && i < job->n; i++) {
		const struct warm_input *in = &job->in[i];
		int r = write_blob_at(job->dirfd, in->name, in->data, in->len, 0644);

		if (r < 0) {
			job->err = -r;
			job->index = (int)i;
		}
	}
	if (!job->err && job->main_fd >= 0) {
		int r = write_blob_at(job->main_fd, "main.py", job->code, job->code_len, 0444);

		if (r < 0) {
			job->err = -r;
			job->index = -2;
		}
	}
	_exit(0);
}

#define WRITER_STACK (64u << 10)

/* Run write_inputs_child for job and reap it: 0 once it finished (its
 * report is in job), or -errno. */
static int run_writer(struct input_job *job)
{
	char *stack = malloc(WRITER_STACK);
	int st = 0, e = 0;
	pid_t pid;

	if (!stack)
		return -ENOMEM;
	/* the stack grows down on every architecture this builds for */
	pid = clone(write_inputs_child, stack + WRITER_STACK, CLONE_VM | CLONE_VFORK | SIGCHLD,
		    job);
	if (pid < 0)
		e = errno;
	else
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
	free(stack);
	if (e)
		return -e;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -EPROTO;
}

/* Check, run and report job: 0, or -errno with what failed in err. */
static int write_job(struct input_job *job, char *err, size_t errlen)
{
	int r;

	if (job->n && job->dirfd < 0) {
		(void)snprintf(err, errlen, "input: this jail has no writable /input");
		return -ENOTDIR;
	}
	r = run_writer(job);
	if (r < 0) {
		(void)snprintf(err, errlen, "input: the writer did not finish: %s", strerror(-r));
		return r;
	}
	if (!job->err)
		return 0;
	if (job->index == -1)
		(void)snprintf(err, errlen, "input: cannot write as %u:%u", (unsigned)job->uid,
			       (unsigned)job->gid);
	else if (job->index == -2)
		(void)snprintf(err, errlen, "main.py: %s", strerror(job->err));
	else
		(void)snprintf(err, errlen, "input %.64s: %s", job->in[job->index].name,
			       strerror(job->err));
	return -job->err;
}

int input_write(int dirfd, const struct warm_input *in, size_t n, uid_t uid, gid_t gid, char *err,
		size_t errlen)
{
	struct input_job job = {
		.dirfd = dirfd, .in = in, .n = n, .uid = uid, .gid = gid, .index = -1, .main_fd = -1
	};

	return n ? write_job(&job, err, errlen) : 0;
}

int warm_write_files(struct warm *w, uid_t uid, gid_t gid)
{
	struct input_job job = { .dirfd = w->input_fd,
				 .in = w->go.inputs,
				 .n = w->go.ninputs,
				 .uid = uid,
				 .gid = gid,
				 .index = -1,
				 .main_fd = w->main_fd,
				 .code = w->go.code,
				 .code_len = w->go.code_len };
	int r;

	if (w->main_fd < 0) {
		(void)snprintf(w->err, sizeof(w->err),
			       "main.py: the jail's init sent no copy of %s", JAIL_RUNNER_DIR);
		return -EBADF;
	}
	r = write_job(&job, w->err, sizeof(w->err));
	(void)close(w->main_fd);
	w->main_fd = -1;
	return r;
}

/* A cold jail's input file: what a request line can carry, and more. */
#define INPUT_FILE_MAX (1ull << 30)

int input_load_dir(const char *path, struct warm_input **out, size_t *n, char *err, size_t errlen)
{
	struct warm_input *in = NULL;
	size_t count = 0;
	int dfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC), r = 0;
	DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	struct dirent *e;

	if (!d) {
		r = -errno;
		(void)snprintf(err, errlen, "%s: %s", path, strerror(-r));
		if (dfd >= 0)
			(void)close(dfd);
		return r;
	}
	while (!r && (errno = 0, e = readdir(d))) {
		struct stat st;
		int fd;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (count == WARM_INPUT_MAX_FILES ||
		    !warm_input_name(e->d_name, strlen(e->d_name))) {
			r = -EINVAL;
			(void)snprintf(err, errlen, "%s: %s", path,
				       count == WARM_INPUT_MAX_FILES ? "more than 100 files"
								     : "a name /input cannot take");
			break;
		}
		fd = openat(dfd, e->d_name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0 || fstat(fd, &st) < 0)
			r = -errno;
		else if (!S_ISREG(st.st_mode))
			r = -EINVAL;
		if (!r) {
			char *data = NULL;
			size_t len = 0;

			r = read_all_fd(fd, INPUT_FILE_MAX, &data, &len);
			if (!r) {
				in = xgrow(in, count, sizeof(*in));
				in[count].name = xstrdup(e->d_name);
				in[count].data = (unsigned char *)data;
				in[count].len = len;
				count++;
			}
		}
		if (r)
			(void)snprintf(err, errlen, "%s/%.64s: %s", path, e->d_name,
				       r == -EINVAL ? "not a regular file" : strerror(-r));
		if (fd >= 0)
			(void)close(fd);
	}
	if (!r && errno) {
		r = -errno;
		(void)snprintf(err, errlen, "%s: %s", path, strerror(-r));
	}
	(void)closedir(d);
	*out = in;
	*n = count;
	return r;
}

char *warm_prepare_message(const struct policy *p, size_t *len)
{
	size_t cap = 64, at = 0;
	char *out = xmalloc(cap);

	at += (size_t)snprintf(out, cap, "{\"op\":\"prepare\",\"preload\":[");
	for (size_t i = 0; i < p->npreload; i++) {
		/* module names are identifiers and dots (policy.c): no escaping */
		size_t need = at + strlen(p->preload[i]) + 8;

		if (need > cap) {
			cap = need * 2;
			out = xrealloc(out, cap);
		}
		at += (size_t)snprintf(out + at, cap - at, "%s\"%s\"", i ? "," : "", p->preload[i]);
	}
	if (at + 4 > cap)
		out = xrealloc(out, at + 4);
	memcpy(out + at, "]}\n", 4);
	*len = at + 3;
	return out;
}

int warm_announce(struct warm *w, uint64_t setup_ns)
{
	char line[96];
	int n = snprintf(line, sizeof(line), "{\"op\":\"ready\",\"setup_ms\":%llu.%03llu}\n",
			 (unsigned long long)(setup_ns / 1000000),
			 (unsigned long long)(setup_ns / 1000 % 1000));

	/* the first line on an empty socket: it fits, or the server is gone */
	if (send(w->fd, line, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT) != n)
		return errno ? -errno : -EIO;
	w->announced = true;
	return 0;
}

static int on_line(const char *line, size_t len, void *ctx)
{
	struct warm *w = ctx;
	struct json_node *root = NULL;
	const struct json_node *code, *t, *m;
	const char *op;
	char why[200];
	uint64_t v;

	if (w->got_go) {
		(void)snprintf(w->err, sizeof(w->err), "a second go");
		return -EPROTO;
	}
	if (message_parse(line, len, &root, &op, why, sizeof(why)) < 0 || strcmp(op, "go") != 0) {
		(void)snprintf(w->err, sizeof(w->err), "not a go: %s", root ? op : why);
		json_free(root);
		return -EPROTO;
	}
	code = json_get(root, "code");
	t = json_get(root, "timeout_ms");
	m = json_get(root, "memory_mib");
	if (!code || code->type != JSON_STRING) {
		(void)snprintf(w->err, sizeof(w->err), "go: code must be a string");
		json_free(root);
		return -EPROTO;
	}
	w->go.code = xmalloc(code->u.string.len + 1);
	memcpy(w->go.code, code->u.string.ptr, code->u.string.len + 1);
	w->go.code_len = code->u.string.len;
	w->go.timeout_ms = w->go.memory_mib = 0;
	if (t && json_get_u64(t, &v) == 0 && v > 0)
		w->go.timeout_ms = v;
	if (m && json_get_u64(m, &v) == 0 && v > 0)
		w->go.memory_mib = v;
	{
		const struct json_node *tools = json_get(root, "tools");
		size_t n;

		if (tools && tools->type != JSON_NULL) {
			bool commands = tools->type != JSON_ARRAY;

			for (size_t i = 0; !commands && i < tools->u.array.len; i++) {
				const struct json_node *e = tools->u.array.items[i];

				commands = e->type != JSON_OBJECT || json_get(e, "command") ||
					   json_get(e, "timeout") || json_get(e, "max_output");
			}
			if (commands) {
				(void)snprintf(
					w->err, sizeof(w->err),
					"go: tools must be a list of relay tools (no command)");
				json_free(root);
				return -EPROTO;
			}
			w->go.tools_json = message_encode(tools, &n);
		}
	}
	if (parse_inputs(w, json_get(root, "input")) < 0) {
		json_free(root);
		return -EPROTO;
	}
	w->got_go = true;
	json_free(root);
	return 0;
}

static int oversize(size_t max, void *ctx)
{
	struct warm *w = ctx;

	(void)snprintf(w->err, sizeof(w->err), "go: longer than %zu bytes", max);
	return -E2BIG;
}

static int chunk(void *ctx, const char *data, size_t n)
{
	struct warm *w = ctx;

	return frame_reader_feed(&w->in, data, n, on_line, oversize, w);
}

int warm_readable(struct warm *w, const struct limits *l)
{
	int r = read_available(w->fd, 1u << 20, chunk, w);

	if (r < 0 && !w->err[0])
		(void)snprintf(w->err, sizeof(w->err), "%s", strerror(-r));
	if (r < 0)
		return r;
	if (w->got_go) {
		/* tighter only: the policy's values are the bounds */
		if (!w->go.timeout_ms)
			w->go.timeout_ms = l->timeout_ms;
		if (!w->go.memory_mib)
			w->go.memory_mib = l->memory_mib;
		if (w->go.timeout_ms > l->timeout_ms || w->go.memory_mib > l->memory_mib ||
		    w->go.memory_mib < 16) {
			(void)snprintf(w->err, sizeof(w->err),
				       "go: timeout_ms or memory_mib outside the policy's bounds");
			return -EPERM;
		}
		if (w->go.code_len + 4096 > l->max_message_bytes) {
			(void)snprintf(w->err, sizeof(w->err), "go: the code is too long");
			return -E2BIG;
		}
		return 1;
	}
	if (r == READ_EOF) {
		(void)snprintf(w->err, sizeof(w->err), "the server closed before the code came");
		return -EPIPE;
	}
	return 0;
}

int warm_lower_memory(pid_t init, const struct cgroup_jail *cg, uint64_t mib)
{
	struct rlimit rl = { (rlim_t)mib << 20, (rlim_t)mib << 20 };
	char path[64], list[256];
	ssize_t n;
	int fd, r = cgroup_lower_memory(cg, mib);

	if (r < 0)
		return r;
	/* the runner is the init's one child; a hard limit may only go down */
	(void)snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)init, (int)init);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, list, sizeof(list) - 1);
	(void)close(fd);
	if (n <= 0)
		return n < 0 ? -errno : -ESRCH;
	list[n] = '\0';
	for (char *p = list, *end; *p; p = end) {
		long pid = strtol(p, &end, 10);

		if (end == p)
			break;
		if (pid > 0 && prlimit((pid_t)pid, RLIMIT_DATA, &rl, NULL) < 0)
			return -errno;
	}
	return prlimit(init, RLIMIT_DATA, &rl, NULL) < 0 ? -errno : 0;
}
