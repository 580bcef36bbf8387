/* supervise.c - the launcher's event loop (see supervise.h). */
#define _GNU_SOURCE
#include "jail/supervise.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/seccomp.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "bridge/frame.h"
#include "bridge/message.h"
#include "jail/log.h"
#include "jail/status.h"
#include "jail/util.h"

#include "jail/loop.h"
#include "jail/violation.h"

/* How long the loop polls after bridge traffic before it blocks. */
#define SPIN_NS 60000u

static struct loop *current;

static void restore_tty(struct loop *l)
{
	if (l->raw_tty) {
		(void)tcsetattr(0, TCSAFLUSH, &l->saved_tty);
		l->raw_tty = false;
	}
}

/* CPU time of every live process of the jail (and of what they reaped),
 * read just before a kill: processes killed with the pid namespace are not
 * accounted to init's children, so wait4's rusage would miss them. */
static void add_cpu(pid_t pid, uint64_t *ticks, unsigned depth)
{
	char path[96], buf[1024], *p;
	FILE *f;
	DIR *d;
	struct dirent *e;
	unsigned long long ut, st, cut, cst;

	if (depth > 64)
		return;
	(void)snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return;
	p = fgets(buf, sizeof(buf), f);
	fclose(f);
	/* fields after the command name, which may hold spaces and parens */
	if (!p || !(p = strrchr(buf, ')')) ||
	    sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %llu %llu", &ut,
		   &st, &cut, &cst) != 4)
		return;
	*ticks += ut + st + cut + cst;
	(void)snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	d = opendir(path);
	if (!d)
		return;
	while ((e = readdir(d))) {
		char cpath[128];
		FILE *c;
		int child;

		if (e->d_name[0] == '.')
			continue;
		(void)snprintf(cpath, sizeof(cpath), "/proc/%d/task/%.16s/children", (int)pid,
			       e->d_name);
		c = fopen(cpath, "re");
		if (!c)
			continue;
		while (fscanf(c, "%d", &child) == 1)
			add_cpu(child, ticks, depth + 1);
		fclose(c);
	}
	closedir(d);
}

static void snapshot_cpu(struct loop *l)
{
	uint64_t ticks = 0;
	long hz = sysconf(_SC_CLK_TCK);

	add_cpu(l->j->pid, &ticks, 0);
	if (hz > 0)
		l->cpu_snapshot_ms = ticks * 1000 / (uint64_t)hz;
}

static void kill_jail(struct loop *l)
{
	snapshot_cpu(l);
	/* v2: every process of the cgroup at once, the jail's init included */
	cgroup_kill(&l->cfg->cg);
	/* SIGKILL to the jail's init ends its pid namespace: the kernel kills
	 * every other process in it, daemonised or not (pid_namespaces(7)). */
	if (syscall(SYS_pidfd_send_signal, l->j->pidfd, SIGKILL, NULL, 0) < 0 && errno != ESRCH)
		(void)kill(l->j->pid, SIGKILL);
}

void supervise_emergency_stop(void)
{
	if (!current)
		return;
	restore_tty(current);
	kill_jail(current);
	(void)waitpid(current->j->pid, NULL, __WALL);
	current = NULL;
}

int loop_watch(struct loop *l, int fd, uint32_t events, uint32_t t)
{
	struct epoll_event ev = { .events = events, .data.u32 = t };

	return epoll_ctl(l->ep, EPOLL_CTL_ADD, fd, &ev);
}

void watch(struct loop *l, int fd, uint32_t events, uint32_t t)
{
	if (loop_watch(l, fd, events, t) < 0)
		die("event loop", errno, "watch fd %d", fd);
}

int fd_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	return fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0 ? -1 : 0;
}

void rewatch(struct loop *l, int fd, uint32_t events, uint32_t t)
{
	struct epoll_event ev = { .events = events, .data.u32 = t };

	if (epoll_ctl(l->ep, EPOLL_CTL_MOD, fd, &ev) < 0)
		die("event loop", errno, "modify fd %d", fd);
}

void unwatch_close(struct loop *l, int *fd)
{
	if (*fd < 0)
		return;
	(void)epoll_ctl(l->ep, EPOLL_CTL_DEL, *fd, NULL);
	(void)close(*fd);
	*fd = -1;
}

void set_nonblock(int fd)
{
	if (fd_nonblock(fd) < 0)
		die("event loop", errno, "O_NONBLOCK on fd %d", fd);
}

/* ---- the bridge ---------------------------------------------------------- */

static void bridge_writable(struct loop *l);

void outq_push(struct outq *q, const char *data, size_t len)
{
	/* keep the queue's memory proportional to what is unsent */
	if (q->off && q->off >= q->len / 2) {
		memmove(q->buf, q->buf + q->off, q->len - q->off);
		q->len -= q->off;
		q->off = 0;
	}
	q->buf = xrealloc(q->buf, q->len + len);
	memcpy(q->buf + q->len, data, len);
	q->len += len;
}

int outq_flush(struct loop *l, struct outq *q, int fd, uint32_t tag)
{
	int r = 0;
	bool want;

	while (q->off < q->len) {
		/* SIGPIPE is ignored: a closed peer is EPIPE */
		ssize_t n = write(fd, q->buf + q->off, q->len - q->off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n < 0) {
			/* the peer closed its end; what it did not read is lost to it */
			q->off = q->len;
			r = -1;
			break;
		}
		q->off += (size_t)n;
	}
	if (q->off == q->len)
		q->off = q->len = 0;
	want = q->off < q->len;
	if (want != q->watching) {
		rewatch(l, fd, want ? EPOLLIN | EPOLLOUT : EPOLLIN, tag);
		q->watching = want;
	}
	return r;
}

void queue_bridge(struct loop *l, const char *data, size_t len, bool droppable)
{
	struct outq *q = &l->q;

	if (l->j->bridge_fd < 0)
		return;
	if (droppable && q->len - q->off > BRIDGE_QUEUE_SOFT) {
		l->o->bridge.refused++;
		return;
	}
	outq_push(q, data, len);
	l->o->bridge.bytes_out += len;
	/* try at once: most replies fit the socket buffer, and waiting for
	 * EPOLLOUT would cost a round trip of the loop per message */
	bridge_writable(l);
}

void protocol_error(struct loop *l, const char *why, const char *id_json)
{
	size_t n;
	char *m = message_protocol_error(why, id_json, &n);

	l->o->bridge.bad_messages++;
	log_verbose("bridge: %s", why);
	if (m)
		queue_bridge(l, m, n, true);
	free(m);
}

static char *dup_member(const struct json_node *root, const char *key)
{
	size_t n;
	const char *s = message_string(root, key, &n);

	return s ? utf8_sanitize(s, n, NULL) : xstrdup("");
}

/* The runner's exception report: type, message and traceback strings; hint
 * a string and errno an integer where present. */
static bool exception_well_typed(const struct json_node *root)
{
	static const char *const strings[] = { "type", "message", "traceback" };
	const struct json_node *n;
	int64_t v;

	for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++)
		if (!message_string(root, strings[i], NULL))
			return false;
	if ((n = json_get(root, "hint")) && n->type != JSON_NULL && !message_string(root, "hint", NULL))
		return false;
	if ((n = json_get(root, "errno")) && n->type != JSON_NULL && json_get_i64(n, &v) < 0)
		return false;
	return true;
}

static int on_line(const char *line, size_t len, void *ctx)
{
	struct loop *l = ctx;
	struct json_node *root = NULL;
	const char *op;
	char why[256];

	if (message_parse(line, len, &root, &op, why, sizeof(why)) < 0) {
		protocol_error(l, why, NULL);
		return 0;
	}
	if (!strcmp(op, "call") || !strcmp(op, "list_tools")) {
		calls_message(l, op, root);
	} else if (!strcmp(op, "exception") && !exception_well_typed(root)) {
		protocol_error(l, "exception report: type, message and traceback must be strings, "
				  "hint a string, errno an integer", NULL);
	} else if (!strcmp(op, "exception") && !l->o->error) {
		struct py_error *e = xcalloc(1, sizeof(*e));

		e->type = dup_member(root, "type");
		e->message = dup_member(root, "message");
		e->traceback = dup_member(root, "traceback");
		if (message_string(root, "hint", NULL))
			e->hint = dup_member(root, "hint");
		{
			const struct json_node *en = json_get(root, "errno");
			int64_t v;

			if (en && json_get_i64(en, &v) == 0 && v > 0 && v < 4096)
				e->err = (int)v;
		}
		l->o->error = e;
	} else {
		(void)snprintf(why, sizeof(why), "unknown op \"%.64s\"", op);
		protocol_error(l, why, NULL);
	}
	json_free(root);
	return 0;
}

static int on_oversize(size_t max, void *ctx)
{
	char why[96];

	struct loop *l = ctx;

	(void)snprintf(why, sizeof(why), "message longer than %zu bytes refused", max);
	if (!l->o->bridge.limit_hit)
		l->o->bridge.limit_hit = "max_message_bytes";
	protocol_error(l, why, NULL);
	return 0;
}

static void bridge_readable(struct loop *l)
{
	char buf[65536];

	for (;;) {
		ssize_t n = read(l->j->bridge_fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) {
			unwatch_close(l, &l->j->bridge_fd);
			return;
		}
		l->o->bridge.bytes_in += (uint64_t)n;
		if (frame_reader_feed(&l->fr, buf, (size_t)n, on_line, on_oversize, l) == -ENOMEM)
			die("bridge", ENOMEM, NULL);
		if (l->j->bridge_fd < 0)
			return;
	}
}

static void bridge_writable(struct loop *l)
{
	if (l->j->bridge_fd >= 0)
		(void)outq_flush(l, &l->q, l->j->bridge_fd, T_BRIDGE);
}

/* ---- the program's streams ------------------------------------------------ */

static void stream_readable(struct loop *l, int *fd, bool is_err)
{
	const struct limits *lim = &l->cfg->policy.limits;
	char buf[65536];

	for (;;) {
		ssize_t n = read(*fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) {
			/* EOF, or EIO from a pty master once its last user is gone */
			if (*fd == l->j->pty_fd)
				l->j->pty_fd = -1;
			unwatch_close(l, fd);
			return;
		}
		if (is_err)
			capbuf_append(&l->o->err, buf, (size_t)n, lim->stderr_bytes, l->cfg->json ? -1 : 2);
		else
			capbuf_append(&l->o->out, buf, (size_t)n, lim->stdout_bytes, l->cfg->json ? -1 : 1);
	}
}

/* Caller's stdin -> the program, with a bounded buffer and backpressure. */
static void in_update_watch(struct loop *l)
{
	int dst = l->j->stdin_fd >= 0 ? l->j->stdin_fd : l->j->pty_fd;
	bool want_out = l->inoff < l->inlen;

	if (dst < 0)
		return;
	if (!l->in_watch && want_out && dst == l->j->stdin_fd) {
		watch(l, dst, EPOLLOUT, T_INPIPE);
		l->in_watch = true;
	} else if (l->in_watch && !want_out) {
		(void)epoll_ctl(l->ep, EPOLL_CTL_DEL, dst, NULL);
		l->in_watch = false;
	}
}

static void in_flush(struct loop *l)
{
	int dst = l->j->stdin_fd >= 0 ? l->j->stdin_fd : l->j->pty_fd;

	while (dst >= 0 && l->inoff < l->inlen) {
		ssize_t n = write(dst, l->in + l->inoff, l->inlen - l->inoff);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n < 0) { /* the program closed its stdin: drop the rest */
			l->inoff = l->inlen;
			l->in_eof = true;
			break;
		}
		l->inoff += (size_t)n;
	}
	if (l->inoff == l->inlen)
		l->inoff = l->inlen = 0;
	if (l->in_eof && !l->inlen && l->j->stdin_fd >= 0) {
		if (l->in_watch) {
			(void)epoll_ctl(l->ep, EPOLL_CTL_DEL, l->j->stdin_fd, NULL);
			l->in_watch = false;
		}
		(void)close(l->j->stdin_fd);
		l->j->stdin_fd = -1;
	}
	in_update_watch(l);
}

static void in_readable(struct loop *l)
{
	ssize_t n;

	if (l->inlen == sizeof(l->in))
		return;
	n = read(0, l->in + l->inlen, sizeof(l->in) - l->inlen);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		l->in_eof = true;
		if (l->in_pollable)
			(void)epoll_ctl(l->ep, EPOLL_CTL_DEL, 0, NULL);
	} else {
		l->inlen += (size_t)n;
	}
	in_flush(l);
}

/* ---- status records from the jail's init ---------------------------------- */

static void status_record(struct loop *l, const struct status_msg *m, int passed_fd)
{
	struct outcome *o = l->o;

	switch (m->kind) {
	case ST_SETUP_ERROR:
		if (o->end == END_SETUP_ERROR && o->setup_step[0])
			break;
		o->end = END_SETUP_ERROR;
		o->setup_errno = m->err;
		(void)snprintf(o->setup_step, sizeof(o->setup_step), "%.*s",
			       (int)strnlen(m->step, sizeof(m->step)), m->step);
		(void)snprintf(o->setup_detail, sizeof(o->setup_detail), "%.*s",
			       (int)strnlen(m->detail, sizeof(m->detail)), m->detail);
		break;
	case ST_OUTPUT_FD:
		if (passed_fd >= 0 && o->output_fd < 0) {
			o->output_fd = passed_fd;
			passed_fd = -1;
		}
		break;
	case ST_READY:
		l->ready = true;
		break;
	case ST_ENFORCED:
		(void)snprintf(o->enforced, sizeof(o->enforced), "%.*s",
			       (int)strnlen(m->detail, sizeof(m->detail)), m->detail);
		break;
	case ST_NOTIFY_FD:
		if (passed_fd >= 0 && l->notify_fd < 0) {
			l->notify_fd = passed_fd;
			passed_fd = -1;
			set_nonblock(l->notify_fd);
			watch(l, l->notify_fd, EPOLLIN, T_NOTIFY);
		}
		break;
	case ST_LANDLOCK:
		o->landlock_abi = m->value >= 0 && m->value < 1000 ? m->value : 0;
		break;
	case ST_EXEC_ERROR:
		o->exec_errno = m->err > 0 && m->err < 4096 ? m->err : EINVAL;
		break;
	case ST_EXITED:
	case ST_SIGNALED:
		if (l->got_end)
			break;
		l->got_end = true;
		if (m->kind == ST_EXITED) {
			o->end = o->exec_errno ? END_EXEC_ERROR : END_EXITED;
			o->exit_code = m->value & 0xff;
		} else {
			o->end = END_SIGNALED;
			o->signal = m->value > 0 && m->value < 65 ? m->value : SIGKILL;
		}
		break;
	default:
		break;
	}
	if (passed_fd >= 0)
		(void)close(passed_fd);
}

static void status_readable(struct loop *l)
{
	for (;;) {
		struct status_msg m;
		char cbuf[CMSG_SPACE(sizeof(int) * 4)];
		struct iovec iov = { .iov_base = &m, .iov_len = sizeof(m) };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
				     .msg_controllen = sizeof(cbuf) };
		struct cmsghdr *c;
		int passed = -1;
		ssize_t n = recvmsg(l->j->status_fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0 || errno != EAGAIN)
				unwatch_close(l, &l->j->status_fd);
			return;
		}
		for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
			if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
				size_t k, nfd = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);

				for (k = 0; k < nfd; k++) {
					int fd;

					memcpy(&fd, CMSG_DATA(c) + k * sizeof(int), sizeof(int));
					if (passed < 0)
						passed = fd;
					else
						(void)close(fd);
				}
			}
		}
		if (n != (ssize_t)sizeof(m) || (mh.msg_flags & MSG_TRUNC)) {
			if (passed >= 0)
				(void)close(passed);
			continue;
		}
		status_record(l, &m, passed);
	}
}

/* ---- refused syscalls (seccomp user notification) ------------------------- */

/* Answer one notification (jail/violation.c decides): a refused call
 * gets the default action's errno, as the filter would have given, a
 * network check goes on or gets ENETUNREACH. The program sees only that.
 *
 * SECCOMP_IOCTL_NOTIF_RECV blocks until a notification arrives, whatever
 * O_NONBLOCK says (seccomp_unotify(2)): it is made once per readiness that
 * epoll reported, never in a loop, or the launcher would sleep in it and
 * stop enforcing the deadline. More pending notifications keep the fd
 * readable (level-triggered), so the next round takes the next one. */
static void notify_readable(struct loop *l, uint32_t events)
{
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;

	if (!(events & EPOLLIN)) {
		/* EPOLLHUP alone: every task using the filter is gone */
		if (events & (EPOLLHUP | EPOLLERR))
			unwatch_close(l, &l->notify_fd);
		return;
	}
	memset(&req, 0, sizeof(req));
	/* ENOENT: the notifying task died first; EINTR cannot come (every
	 * signal the launcher handles is blocked), but is harmless: the fd
	 * stays readable and the next round tries again. */
	if (ioctl(l->notify_fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
		return;
	memset(&resp, 0, sizeof(resp));
	resp.id = req.id;
	violation_answer(l->cfg, l->notify_fd, &req, &resp, l->o);
	/* the task may be gone already: nothing to answer then. A kernel
	 * without FLAG_CONTINUE (before 5.5) refuses it: the check is then
	 * refused, never left waiting. */
	if (ioctl(l->notify_fd, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0 && errno == EINVAL &&
	    resp.flags) {
		resp.flags = 0;
		resp.error = -ENETUNREACH;
		(void)ioctl(l->notify_fd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
	}
}

/* ---- signals and the end -------------------------------------------------- */

static void signal_readable(struct loop *l)
{
	struct signalfd_siginfo si;

	while (read(l->sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGWINCH) {
			struct winsize ws;

			if (l->j->pty_fd >= 0 && ioctl(0, TIOCGWINSZ, &ws) == 0)
				(void)ioctl(l->j->pty_fd, TIOCSWINSZ, &ws);
		} else if (!l->stop_signal) {
			l->stop_signal = true;
			l->o->signal = (int)si.ssi_signo;
			kill_jail(l);
		}
	}
}

static void drain(struct loop *l)
{
	if (l->j->status_fd >= 0)
		status_readable(l);
	if (l->j->stdout_fd >= 0)
		stream_readable(l, &l->j->stdout_fd, false);
	if (l->j->stderr_fd >= 0)
		stream_readable(l, &l->j->stderr_fd, true);
	if (l->j->bridge_fd >= 0)
		bridge_readable(l);
}

static void reap(struct loop *l)
{
	struct rusage ru;
	int st;
	pid_t p;

	do
		p = wait4(l->j->pid, &st, __WALL, &ru);
	while (p < 0 && errno == EINTR);
	if (p < 0)
		die("reap jail", errno, NULL);
	l->o->duration_ms = (now_ns() - l->j->start_ns) / 1000000;
	/* init's rusage includes every process it reaped: the whole jail */
	l->o->cpu_ms = (uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000 +
		       (uint64_t)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000;
	l->o->memory_peak_kib = (uint64_t)ru.ru_maxrss;
	if (l->cpu_snapshot_ms > l->o->cpu_ms)
		l->o->cpu_ms = l->cpu_snapshot_ms;
	/* the cgroup counts every process of the jail, killed ones included */
	{
		struct cgroup_stats cs;

		cgroup_read_stats(&l->cfg->cg, &cs);
		if (cs.cpu_valid && cs.cpu_usage_ns / 1000000 > l->o->cpu_ms)
			l->o->cpu_ms = cs.cpu_usage_ns / 1000000;
		if (cs.memory_valid && cs.memory_peak_bytes / 1024 > l->o->memory_peak_kib)
			l->o->memory_peak_kib = cs.memory_peak_bytes / 1024;
		l->o->oom_kills = cs.oom_kills;
		l->o->pids_max_hits = cs.pids_max_hits;
		l->o->processes_max = cs.pids_peak_valid ? (int64_t)cs.pids_peak : -1;
	}
	if (l->got_end || l->o->end == END_SETUP_ERROR)
		return;
	if (l->timed_out) {
		l->o->end = END_TIMEOUT;
	} else if (l->stop_signal) {
		l->o->end = END_KILLED;
	} else if (!l->ready) {
		l->o->end = END_SETUP_ERROR;
		(void)snprintf(l->o->setup_step, sizeof(l->o->setup_step), "jail init");
		l->o->setup_errno = 0;
		(void)snprintf(l->o->setup_detail, sizeof(l->o->setup_detail),
			       "exited during setup (%s %d)", WIFSIGNALED(st) ? "signal" : "status",
			       WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
	} else {
		/* init itself was killed from outside (e.g. the OOM killer) */
		l->o->end = END_SIGNALED;
		l->o->signal = WIFSIGNALED(st) ? WTERMSIG(st) : SIGKILL;
	}
}

void supervise_signal_mask(sigset_t *mask)
{
	sigemptyset(mask);
	sigaddset(mask, SIGINT);
	sigaddset(mask, SIGTERM);
	sigaddset(mask, SIGHUP);
	sigaddset(mask, SIGQUIT);
	sigaddset(mask, SIGWINCH);
}

void supervise(const struct config *cfg, struct jail *j, struct outcome *o)
{
	struct loop l = { .cfg = cfg, .j = j, .o = o, .ep = -1, .sfd = -1, .tfd = -1,
			  .relay_fd = -1, .notify_fd = -1 };
	struct itimerspec its = { 0 };
	uint64_t spin_until = 0;
	sigset_t mask;

	outcome_init(o);
	current = &l;
	frame_reader_init(&l.fr, cfg->policy.limits.max_message_bytes);

	l.ep = epoll_create1(EPOLL_CLOEXEC);
	if (l.ep < 0)
		die("event loop", errno, "epoll_create1");
	supervise_signal_mask(&mask);
	l.sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (l.sfd < 0)
		die("event loop", errno, "signalfd");
	l.tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (l.tfd < 0)
		die("event loop", errno, "timerfd_create");
	/* The deadline counts from clone, so jail setup is inside it. */
	{
		uint64_t ms = cfg->policy.limits.timeout_ms;
		uint64_t at = j->start_ns + ms * 1000000u;

		its.it_value.tv_sec = (time_t)(at / 1000000000u);
		its.it_value.tv_nsec = (long)(at % 1000000000u);
	}
	if (timerfd_settime(l.tfd, TFD_TIMER_ABSTIME, &its, NULL) < 0)
		die("event loop", errno, "timerfd_settime");

	watch(&l, j->pidfd, EPOLLIN, T_PIDFD);
	watch(&l, l.sfd, EPOLLIN, T_SIGNAL);
	watch(&l, l.tfd, EPOLLIN, T_TIMER);
	watch(&l, j->status_fd, EPOLLIN, T_STATUS);
	set_nonblock(j->bridge_fd);
	watch(&l, j->bridge_fd, EPOLLIN, T_BRIDGE);
	set_nonblock(j->stdout_fd);
	watch(&l, j->stdout_fd, EPOLLIN, T_STDOUT);
	if (j->stderr_fd >= 0) {
		set_nonblock(j->stderr_fd);
		watch(&l, j->stderr_fd, EPOLLIN, T_STDERR);
	}

	calls_init(&l);
	if (cfg->mode == MODE_RUN) {
		size_t n;
		char *m = message_exec(cfg->code, cfg->code_len, "<code>",
				       cfg->policy.limits.max_message_bytes, &n);

		if (!m)
			die("bridge", EINVAL, "cannot encode the program");
		queue_bridge(&l, m, n, false);
		free(m);
		/* run: the program's stdin is empty */
		(void)close(j->stdin_fd);
		j->stdin_fd = -1;
	} else {
		struct epoll_event ev = { .events = EPOLLIN, .data.u32 = T_IN };

		if (j->stdin_fd >= 0)
			set_nonblock(j->stdin_fd);
		if (cfg->use_pty && tcgetattr(0, &l.saved_tty) == 0) {
			struct termios raw = l.saved_tty;

			cfmakeraw(&raw);
			/* TCSANOW: what the user typed ahead must reach the jail */
			if (tcsetattr(0, TCSANOW, &raw) == 0)
				l.raw_tty = true;
		}
		/* A regular file cannot be polled (EPERM): it is always readable. */
		if (epoll_ctl(l.ep, EPOLL_CTL_ADD, 0, &ev) == 0)
			l.in_pollable = true;
		else if (errno != EPERM)
			l.in_eof = true;
	}

	while (!l.exited) {
		struct epoll_event evs[16];
		bool bridge_traffic = false;
		int i, n;

		if (cfg->mode == MODE_EXEC && !l.in_pollable && !l.in_eof && !l.inlen)
			in_readable(&l);
		/* A regular file on stdin cannot be polled: while it has more to
		 * give and the program's pipe took everything so far, keep going. */
		bool more_stdin = cfg->mode == MODE_EXEC && !l.in_pollable && !l.in_eof && !l.inlen;

		n = epoll_wait(l.ep, evs, 16, more_stdin || spin_until > now_ns() ? 0 : -1);
		if (n == 0)
			continue;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			die("event loop", errno, "epoll_wait");
		}
		for (i = 0; i < n; i++) {
			switch (evs[i].data.u32) {
			case T_PIDFD:
				l.exited = true;
				break;
			case T_SIGNAL:
				signal_readable(&l);
				break;
			case T_TIMER:
				if (!l.timed_out) {
					l.timed_out = true;
					kill_jail(&l);
				}
				break;
			case T_STATUS:
				status_readable(&l);
				break;
			case T_BRIDGE:
				bridge_traffic = true;
				if (evs[i].events & EPOLLOUT)
					bridge_writable(&l);
				if (j->bridge_fd >= 0 && (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
					bridge_readable(&l);
				break;
			case T_STDOUT:
				stream_readable(&l, &j->stdout_fd, false);
				break;
			case T_STDERR:
				stream_readable(&l, &j->stderr_fd, true);
				break;
			case T_IN:
				in_readable(&l);
				break;
			case T_INPIPE:
				in_flush(&l);
				break;
			case T_NOTIFY:
				notify_readable(&l, evs[i].events);
				break;
			case T_RELAY:
				bridge_traffic = true;
				calls_relay_event(&l, evs[i].events);
				break;
			default:
				if (evs[i].data.u32 >= T_CALL)
					calls_event(&l, evs[i].data.u32, evs[i].events);
				break;
			}
		}
		/* While tool calls flow, poll for a little while before sleeping:
		 * the answer usually comes within microseconds, and waking from
		 * epoll_wait costs more than the call itself (see bench-bridge). */
		if (bridge_traffic)
			spin_until = now_ns() + SPIN_NS;
	}
	/* Every process of the jail is gone once init is: collect what they
	 * left in the pipes and sockets, then reap. */
	drain(&l);
	reap(&l);
	/* tools still running die with the run (at the deadline too) */
	calls_finish(&l);
	restore_tty(&l);
	current = NULL;
	unwatch_close(&l, &j->stdout_fd);
	unwatch_close(&l, &j->stderr_fd);
	unwatch_close(&l, &j->bridge_fd);
	unwatch_close(&l, &j->status_fd);
	unwatch_close(&l, &j->stdin_fd);
	unwatch_close(&l, &l.notify_fd);
	(void)close(j->pidfd);
	(void)close(l.sfd);
	(void)close(l.tfd);
	(void)close(l.ep);
	frame_reader_free(&l.fr);
	free(l.q.buf);
}
