/* worker.c - a worker for an execution (see server.h): its private
 * directory (the code, input/, output/, the request's tools), and the
 * worker itself, `actjail run --json` of this binary started with
 * posix_spawn, its result on stdout, its tool relay on fd 3 and, warm, its
 * --warm-fd on fd 4. */
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

/* What a relay may queue towards a worker that does not read. */
#define RELAY_QUEUE_MAX (64u << 20)

/* The execution's directory: main.py, input/, output/, stderr. */
static int prepare_dir(struct server *s, struct job *j, bool warm, char *err, size_t errlen)
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
	/* a cold jail always has /input, as a warm one does (empty without
	 * files); its worker copies input/ into the jail's own tmpfs there
	 * (run --input-files), a warm one's files come with the go (pool.c,
	 * warm.h). Only the server's user (the worker's) reads any of it. */
	if (mkdirat(dfd, "output", 0700) < 0 || (!warm && mkdirat(dfd, "input", 0700) < 0)) {
		r = -errno;
		(void)snprintf(err, errlen, "execution directory: %s", strerror(-r));
		return r;
	}
	if (!warm && j->ninputs) {
		in = openat(dfd, "input", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (in < 0)
			return -errno;
		for (size_t i = 0; i < j->ninputs; i++) {
			r = write_blob_at(in, j->inputs[i].name, j->inputs[i].data,
					  j->inputs[i].len, 0644);
			if (r < 0) {
				(void)snprintf(err, errlen, "input %s: %s", j->inputs[i].name,
					       strerror(-r));
				return r;
			}
		}
	}
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
	if (asprintf(&argv[n++], "--input-files=%s/input", j->dir) < 0)
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
	unsigned idx = (unsigned)(j - s->jobs);
	pid_t pid;

	r = prepare_dir(s, j, warm, err, errlen);
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
