/*
 * supervise.c - one jail's event loop (see supervise.h): the deadline, the
 * signals, the status records, the bridge, the program's streams and the
 * caller's stdin. Tool calls are calls.c's, refused syscalls violation.c's;
 * the primitives are evloop.c's.
 *
 * After the jail exists nothing here exits the process: a failure of the
 * launcher's own (epoll, a full fd table) ends the run as internal_error,
 * with the jail killed, reaped and its tools stopped.
 */
#define _GNU_SOURCE
#include "jail/supervise.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bridge/frame.h"
#include "bridge/message.h"
#include "jail/calls.h"
#include "jail/evloop.h"
#include "jail/exitseen.h"
#include "jail/inbound.h"
#include "jail/log.h"
#include "jail/status.h"
#include "jail/timing.h"
#include "jail/stdinrelay.h"
#include "jail/usage.h"
#include "jail/util.h"
#include "jail/violation.h"
#include "jail/supervise_priv.h"
#include "jail/warm.h"

/* How long the loop polls after bridge traffic before it blocks. */
#define SPIN_NS 60000u
/* What one readiness may read of one stream before the others get a turn. */
#define READ_SLICE (1u << 20)

void sup_kill_jail(struct supervisor *s)
{
	s->cpu_snapshot_ms = usage_tree_cpu_ms(s->j->pid);
	/* v2: every process of the cgroup at once, the jail's init included */
	cgroup_kill(&s->cfg->cg);
	/* SIGKILL to the jail's init ends its pid namespace: the kernel kills
	 * every other process in it, daemonised or not (pid_namespaces(7)). */
	if (syscall(SYS_pidfd_send_signal, s->j->pidfd, SIGKILL, NULL, 0) < 0 && errno != ESRCH)
		(void)kill(s->j->pid, SIGKILL);
}

/* The launcher itself failed after the jail existed: the run ends here,
 * with the step and errno recorded (status internal_error). */
void sup_fail_run(struct supervisor *s, const char *step, int err)
{
	struct outcome *o = s->o;

	if (o->end != END_INTERNAL) {
		o->end = END_INTERNAL;
		o->setup_errno = err;
		(void)snprintf(o->setup_step, sizeof(o->setup_step), "%s", step);
		o->setup_detail[0] = '\0';
		log_error("%s: %s: the run is stopped", step, strerror(err));
	}
	sup_kill_jail(s);
}

/* ---- the bridge ---------------------------------------------------------- */

static int bridge_chunk(void *ctx, const char *data, size_t n)
{
	struct supervisor *s = ctx;

	s->o->bridge.bytes_in += n;
	return inbound_feed(&s->msgs, data, n);
}

/* Returns true while a slice was read and more may wait. */
static bool bridge_event(struct supervisor *s, uint32_t events)
{
	int r;

	if (events & EPOLLOUT) {
		r = channel_flush(&s->ev, &s->bridge);
		if (r < 0 && r != -EPIPE) {
			sup_fail_run(s, "event loop", -r);
			return false;
		}
	}
	if (s->bridge.fd < 0 || !(events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
		return false;
	r = read_available(s->bridge.fd, READ_SLICE, bridge_chunk, s);
	if (r == -ENOMEM)
		sup_fail_run(s, "bridge", ENOMEM);
	else if (r != READ_AGAIN && r != READ_MORE)
		/* the jail closed its end (or broke it): nothing more comes */
		evloop_del_close(&s->ev, &s->bridge.fd);
	return r == READ_MORE;
}

/* ---- the program's streams ------------------------------------------------ */

struct stream {
	struct capbuf *b;
	uint64_t limit;
	int forward_fd;
};

static int stream_chunk(void *ctx, const char *data, size_t n)
{
	struct stream *st = ctx;

	capbuf_append(st->b, data, n, st->limit, st->forward_fd);
	return 0;
}

/* Returns true while a slice was read and more may wait. */
static bool stream_readable(struct supervisor *s, int *fd, bool is_err)
{
	const struct limits *lim = &s->cfg->policy.limits;
	struct stream st = { is_err ? &s->o->err : &s->o->out,
			     is_err ? lim->stderr_bytes : lim->stdout_bytes,
			     s->cfg->json ? -1 : (is_err ? 2 : 1) };
	int r = read_available(*fd, READ_SLICE, stream_chunk, &st);

	if (r == READ_AGAIN || r == READ_MORE)
		return r == READ_MORE;
	/* EOF, or EIO from a pty master once its last user is gone */
	if (*fd == s->j->pty_fd)
		s->j->pty_fd = -1;
	evloop_del_close(&s->ev, fd);
	return false;
}

/* ---- status records from the jail's init ---------------------------------- */

/* A cold jail with --input-files: write them through the copy of /input the
 * init sent, as its user, then send the code (the deadline is armed). */
static void cold_inputs(struct supervisor *s)
{
	char err[256];
	int r = input_write(s->warm.input_fd, s->cfg->inputs, s->cfg->ninputs, s->cfg->host_uid,
			    s->cfg->host_gid, err, sizeof(err));

	(void)close(s->warm.input_fd);
	s->warm.input_fd = -1;
	/* the jail has them now: the launcher keeps none while the program runs */
	input_free(&s->cfg->inputs, &s->cfg->ninputs);
	if (r < 0) {
		log_error("%s", err);
		sup_fail_run(s, "write input", -r);
		(void)snprintf(s->o->setup_detail, sizeof(s->o->setup_detail), "%s", err);
		return;
	}
	supervise_hand_over(s, 0);
}

static void status_record(struct supervisor *s, const struct status_msg *m, int passed_fd)
{
	struct outcome *o = s->o;

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
	case ST_INPUT_FD:
		if (passed_fd >= 0 && s->cfg->warm_input && s->warm.input_fd < 0) {
			s->warm.input_fd = passed_fd;
			passed_fd = -1;
			if (s->cfg->input_files)
				/* cold: the files, then the code (supervise) */
				cold_inputs(s);
		} else if (s->cfg->input_files && s->warm.input_fd < 0) {
			/* no descriptor came with it: the files cannot be
			 * written, and the code never goes without them */
			sup_fail_run(s, "write input", EBADF);
			(void)snprintf(s->o->setup_detail, sizeof(s->o->setup_detail),
				       "no writable copy of /input came from the jail's init");
		}
		break;
	case ST_MAIN_FD:
		if (passed_fd >= 0 && s->warm.fd >= 0 && s->warm.main_fd < 0) {
			s->warm.main_fd = passed_fd;
			passed_fd = -1;
		}
		break;
	case ST_READY:
		s->ready = true;
		break;
	case ST_ENFORCED:
		(void)snprintf(o->enforced, sizeof(o->enforced), "%.*s",
			       (int)strnlen(m->detail, sizeof(m->detail)), m->detail);
		break;
	case ST_NOTIFY_FD:
		if (passed_fd >= 0 && s->notify_fd < 0) {
			int r;

			s->notify_fd = passed_fd;
			passed_fd = -1;
			if ((r = fd_nonblock(s->notify_fd)) < 0 ||
			    (r = evloop_add(&s->ev, s->notify_fd, EPOLLIN, T_NOTIFY)) < 0)
				/* unanswered notifications would hang the program */
				sup_fail_run(s, "event loop", -r);
		}
		break;
	case ST_TIMINGS:
		if (m->value > 0)
			timing_add_child(m->detail, (size_t)m->value);
		if (m->err > 0)
			o->jail_setup_cpu_us += (uint64_t)m->err;
		break;
	case ST_LANDLOCK:
		o->landlock_abi = m->value >= 0 && m->value < 1000 ? m->value : 0;
		break;
	case ST_EXEC_ERROR:
		o->exec_errno = m->err > 0 && m->err < 4096 ? m->err : EINVAL;
		break;
	case ST_EXITED:
	case ST_SIGNALED:
		if (s->got_end)
			break;
		s->got_end = true;
		timing_mark("program ended (the init's report)");
		memcpy(&s->end_use, m->detail, sizeof(s->end_use));
		/* every other process of the jail is reaped: the loop may end */
		s->emptied = s->end_use.magic == STATUS_END_MAGIC;
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

static void status_readable(struct supervisor *s)
{
	struct status_msg m;
	int passed, r;

	while ((r = status_recv(s->j->status_fd, &m, &passed)) > 0)
		status_record(s, &m, passed);
	if (r < 0)
		evloop_del_close(&s->ev, &s->j->status_fd);
}

/* ---- signals, the deadline and the end ------------------------------------ */

static void signal_readable(struct supervisor *s)
{
	struct signalfd_siginfo si;

	while (read(s->sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGWINCH) {
			struct winsize ws;

			if (s->j->pty_fd >= 0 && ioctl(0, TIOCGWINSZ, &ws) == 0)
				(void)ioctl(s->j->pty_fd, TIOCSWINSZ, &ws);
		} else if (!s->stop_signal) {
			s->stop_signal = true;
			s->o->signal = (int)si.ssi_signo;
			sup_kill_jail(s);
		}
	}
}

static void timer_fired(struct supervisor *s)
{
	uint64_t n;

	/* reading clears the readiness; a timer not yet due has nothing */
	if (read(s->tfd, &n, sizeof(n)) != (ssize_t)sizeof(n))
		return;
	if (!s->timed_out) {
		s->timed_out = true;
		sup_kill_jail(s);
	}
}

static void drain(struct supervisor *s)
{
	if (s->j->status_fd >= 0)
		status_readable(s);
	/* every writer is gone: what is left is bounded, and read to the end
	 * (or to EAGAIN, should a writer remain somewhere) */
	while (s->j->stdout_fd >= 0 && stream_readable(s, &s->j->stdout_fd, false))
		;
	while (s->j->stderr_fd >= 0 && stream_readable(s, &s->j->stderr_fd, true))
		;
	while (s->bridge.fd >= 0 && bridge_event(s, EPOLLIN))
		;
}

static void end_kind(struct supervisor *s, int st)
{
	struct outcome *o = s->o;

	if (s->got_end || o->end == END_SETUP_ERROR || o->end == END_INTERNAL)
		return;
	if (s->timed_out) {
		o->end = END_TIMEOUT;
	} else if (s->stop_signal) {
		o->end = END_KILLED;
	} else if (!s->ready) {
		o->end = END_SETUP_ERROR;
		(void)snprintf(o->setup_step, sizeof(o->setup_step), "jail init");
		o->setup_errno = 0;
		(void)snprintf(o->setup_detail, sizeof(o->setup_detail),
			       "exited during setup (%s %d)", WIFSIGNALED(st) ? "signal" : "status",
			       WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
	} else {
		/* init itself was killed from outside (e.g. the OOM killer) */
		o->end = END_SIGNALED;
		o->signal = WIFSIGNALED(st) ? WTERMSIG(st) : SIGKILL;
	}
}

/* How long the init may take to exit after the result is out, before it is
 * killed: the program's teardown (several ms with pandas) and its own. */
#define REAP_LATE_MS 2000

/* How long the loop looks for the runner's exit after its "exit" message:
 * the runner calls _exit right after, and its teardown takes longer. */
#define EXIT_LOOK_NS 1000000u

/* The runner said it exits: if /proc shows that only its exit is left
 * (exitseen.h), the run ends now with that status, its teardown off the
 * path of the result. Once per run; otherwise the init's report ends it. */
static void look_for_exit(struct supervisor *s)
{
	uint64_t until;

	s->exit_looked = true;
	/* without a cgroup the usage would come from the init's report */
	if (!s->ready || s->got_end || s->timed_out || s->stop_signal || s->o->exec_errno ||
	    s->o->end == END_SETUP_ERROR || s->o->end == END_INTERNAL ||
	    s->cfg->cg.version == CG_NONE || !exit_seen_possible(&s->cfg->policy))
		return;
	until = now_ns() + EXIT_LOOK_NS;
	do {
		struct pollfd report = { .fd = s->j->status_fd, .events = POLLIN };

		/* the runner may be waiting for this CPU to reach its exit */
		(void)sched_yield();
		if (exit_seen(s->j->pid)) {
			s->got_end = s->emptied = true;
			s->o->end = END_EXITED;
			s->o->exit_code = s->msgs.exit_status;
			timing_mark("program exiting (seen from the launcher)");
			return;
		}
		/* the runner was quicker: the init's report is there already */
		if (poll(&report, 1, 0) != 0)
			return;
	} while (now_ns() < until);
}

/* The init reported the program's end with every other process of the jail
 * reaped, or the runner was seen inside its exit (look_for_exit): the run is
 * over, though the kernel may still be tearing the runner or the namespaces
 * down. The usage is the cgroup's where there is one, else that of the
 * processes the init reaped (the init's own is the launcher's,
 * timings.launcher_cpu_ms); the init is reaped after the result
 * (supervise_reap_late). */
static void ended_early(struct supervisor *s)
{
	struct rusage ru;

	memset(&ru, 0, sizeof(ru));
	ru.ru_utime.tv_sec = (time_t)(s->end_use.cpu_us / 1000000u);
	ru.ru_utime.tv_usec = (suseconds_t)(s->end_use.cpu_us % 1000000u);
	ru.ru_maxrss = s->end_use.maxrss_kib > LONG_MAX ? LONG_MAX : (long)s->end_use.maxrss_kib;
	s->o->end_ns = now_ns();
	s->o->duration_ms =
		(s->o->end_ns - (s->o->handover_ns ? s->o->handover_ns : s->j->start_ns)) / 1000000;
	usage_collect(&ru, s->cpu_snapshot_ms, &s->cfg->cg, s->o);
	timing_mark("usage read");
}

/* The pidfd said init is gone (or the loop broke and init was killed):
 * wait4 does not sleep for long then. */
static void reap(struct supervisor *s)
{
	struct rusage ru;
	int st = 0;
	pid_t p;

	memset(&ru, 0, sizeof(ru));
	do
		p = wait4(s->j->pid, &st, __WALL, &ru);
	while (p < 0 && errno == EINTR);
	if (p < 0)
		sup_fail_run(s, "reap jail", errno);
	s->o->end_ns = now_ns();
	timing_mark("init reaped");
	/* a warm jail's run counts from its hand-over, like its deadline */
	s->o->duration_ms =
		(s->o->end_ns - (s->o->handover_ns ? s->o->handover_ns : s->j->start_ns)) / 1000000;
	usage_collect(&ru, s->cpu_snapshot_ms, &s->cfg->cg, s->o);
	timing_mark("usage read");
	end_kind(s, st);
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

/* ---- start, hand-over, wait ------------------------------------------------ */

int supervise_prepare(struct supervisor **out, struct config *cfg)
{
	struct supervisor *s = xcalloc(1, sizeof(*s));
	sigset_t mask;
	int r;

	s->cfg = cfg;
	s->sfd = s->tfd = s->notify_fd = -1;
	s->warm.fd = s->warm.input_fd = s->warm.main_fd = -1;
	channel_init(&s->bridge, -1, T_BRIDGE, 0);
	r = evloop_init(&s->ev);
	if (r == 0) {
		supervise_signal_mask(&mask);
		s->sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
		if (s->sfd < 0)
			r = -errno;
	}
	if (r == 0) {
		s->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
		if (s->tfd < 0)
			r = -errno;
	}
	if (r < 0) {
		supervise_free(s);
		return r;
	}
	*out = s;
	return 0;
}

void supervise_start(struct supervisor *s, struct jail *j, struct outcome *o)
{
	const struct config *cfg = s->cfg;
	int r = 0;

	s->j = j;
	s->o = o;
	outcome_init(o);
	inbound_init(&s->msgs, cfg->policy.limits.max_message_bytes, o);
	/* the bridge's descriptor is the loop's from here on */
	channel_init(&s->bridge, j->bridge_fd, T_BRIDGE, 0);
	j->bridge_fd = -1;
	s->calls = calls_new(cfg, &s->ev, &s->bridge, o, &r);
	s->msgs.calls = s->calls;
	if (!r)
		r = evloop_add(&s->ev, j->pidfd, EPOLLIN, T_PIDFD);
	if (!r)
		r = evloop_add(&s->ev, s->sfd, EPOLLIN, T_SIGNAL);
	if (!r)
		r = evloop_add(&s->ev, s->tfd, EPOLLIN, T_TIMER);
	if (!r)
		r = evloop_add(&s->ev, j->status_fd, EPOLLIN, T_STATUS);
	if (!r)
		r = channel_watch(&s->ev, &s->bridge);
	if (!r && !(r = fd_nonblock(j->stdout_fd)))
		r = evloop_add(&s->ev, j->stdout_fd, EPOLLIN, T_STDOUT);
	if (!r && j->stderr_fd >= 0 && !(r = fd_nonblock(j->stderr_fd)))
		r = evloop_add(&s->ev, j->stderr_fd, EPOLLIN, T_STDERR);
	if (r < 0)
		sup_fail_run(s, "event loop", -r);
}

/* Arm the deadline: an absolute time, so what setup took already counts.
 * 0, or -1 once the run has failed for it. */
static int arm_deadline(struct supervisor *s, uint64_t deadline_ns)
{
	struct itimerspec its = { 0 };

	its.it_value.tv_sec = (time_t)(deadline_ns / 1000000000u);
	its.it_value.tv_nsec = (long)(deadline_ns % 1000000000u);
	if (timerfd_settime(s->tfd, TFD_TIMER_ABSTIME, &its, NULL) < 0) {
		sup_fail_run(s, "event loop", errno);
		return -1;
	}
	return 0;
}

void supervise_hand_over(struct supervisor *s, uint64_t deadline_ns)
{
	const struct config *cfg = s->cfg;
	int r;

	if (s->o->end == END_INTERNAL)
		return;
	if (deadline_ns && arm_deadline(s, deadline_ns) < 0)
		return;
	if (cfg->mode == MODE_RUN) {
		size_t n;
		char *m = message_exec(cfg->code, cfg->code_len, "<code>",
				       cfg->policy.limits.max_message_bytes, &n);

		r = m ? channel_send(&s->ev, &s->bridge, m, n, false, 0) : -EINVAL;
		/* EPIPE: the jail is gone already (its init failed, say); its
		 * status records and pidfd tell why, not this */
		if (r < 0 && r != -EPIPE)
			sup_fail_run(s, "bridge", -r);
		free(m);
		/* run: the program's stdin is empty */
		evloop_del_close(&s->ev, &s->j->stdin_fd);
		return;
	}
	r = stdin_relay_start(&s->in, &s->ev, &s->j->stdin_fd, &s->j->pty_fd, cfg->use_pty, T_IN,
			      T_INPIPE);
	s->in_started = true;
	if (r < 0)
		sup_fail_run(s, "event loop", -r);
}

static void dispatch(struct supervisor *s, const struct epoll_event *e, bool *traffic)
{
	switch (e->data.u32) {
	case T_PIDFD:
		s->exited = true;
		break;
	case T_SIGNAL:
		signal_readable(s);
		break;
	case T_TIMER:
		timer_fired(s);
		break;
	case T_STATUS:
		status_readable(s);
		break;
	case T_BRIDGE:
		*traffic = true;
		(void)bridge_event(s, e->events);
		break;
	case T_STDOUT:
		(void)stream_readable(s, &s->j->stdout_fd, false);
		break;
	case T_STDERR:
		(void)stream_readable(s, &s->j->stderr_fd, true);
		break;
	case T_IN:
	case T_INPIPE: {
		int r = e->data.u32 == T_IN ? stdin_relay_read(&s->in) : stdin_relay_flush(&s->in);

		if (r < 0)
			sup_fail_run(s, "event loop", -r);
		break;
	}
	case T_NOTIFY:
		if (violation_notify_event(s->cfg, s->notify_fd, e->events, s->o))
			evloop_del_close(&s->ev, &s->notify_fd);
		break;
	case T_WARM:
		warm_event(s);
		break;
	default:
		if (e->data.u32 >= CALLS_TAG_BASE) {
			*traffic = true;
			calls_event(s->calls, e->data.u32, e->events);
		}
		break;
	}
}

void supervise_wait(struct supervisor *s)
{
	uint64_t spin_until = 0;

	while (!s->exited && !s->emptied) {
		struct epoll_event evs[16];
		bool traffic = false, more_stdin;
		int i, n;

		if (s->o->end == END_INTERNAL) {
			/* killed by fail_run: the pidfd is all that matters now,
			 * and waiting for it is the reap below */
			break;
		}
		/* A regular file on stdin cannot be polled: while it has more to
		 * give and the program's pipe took everything so far, keep going. */
		if (s->in_started && stdin_relay_unpolled(&s->in) && stdin_relay_read(&s->in) < 0)
			sup_fail_run(s, "event loop", EPIPE);
		more_stdin = s->in_started && stdin_relay_unpolled(&s->in);
		n = epoll_wait(s->ev.ep, evs, 16, more_stdin || spin_until > now_ns() ? 0 : -1);
		if (n < 0 && errno != EINTR)
			sup_fail_run(s, "event loop", errno);
		for (i = 0; i < n; i++)
			dispatch(s, &evs[i], &traffic);
		if (s->msgs.runner_ready && !s->warm.announced)
			warm_ready(s);
		if (s->msgs.exit_said && !s->exit_looked)
			look_for_exit(s);
		/* While tool calls flow, poll for a little while before sleeping:
		 * the answer usually comes within microseconds, and waking from
		 * epoll_wait costs more than the call itself (see bench-bridge). */
		if (traffic)
			spin_until = now_ns() + SPIN_NS;
	}
	/* Every process of the jail is gone once init is, or once it said so:
	 * collect what they left in the pipes and sockets, then reap (or
	 * leave the init, busy with its namespaces, to supervise_reap_late). */
	if (s->exited)
		timing_mark("init gone (pidfd)");
	if (s->o->end != END_INTERNAL)
		drain(s);
	if (s->exited || s->o->end == END_INTERNAL)
		reap(s);
	else
		ended_early(s);
	s->o->bridge.bytes_out = s->bridge.sent;
	s->o->bridge.refused = s->bridge.dropped;
	/* tools still running die with the run (at the deadline too) */
	calls_finish(s->calls);
	s->calls = NULL;
	if (s->in_started)
		stdin_relay_restore(&s->in);
	evloop_del_close(&s->ev, &s->j->stdout_fd);
	evloop_del_close(&s->ev, &s->j->stderr_fd);
	evloop_del_close(&s->ev, &s->j->status_fd);
	evloop_del_close(&s->ev, &s->j->stdin_fd);
	evloop_del_close(&s->ev, &s->notify_fd);
	if (s->exited || s->o->end == END_INTERNAL)
		evloop_del_close(&s->ev, &s->j->pidfd);
	else
		evloop_del(&s->ev, s->j->pidfd); /* supervise_reap_late's */
	channel_free(&s->ev, &s->bridge, true);
	inbound_free(&s->msgs);
	if (s->warm.fd >= 0) {
		evloop_del_close(&s->ev, &s->warm.fd);
		warm_free(&s->warm);
	} else if (s->warm.input_fd >= 0) {
		(void)close(s->warm.input_fd);
		s->warm.input_fd = -1;
	}
}

void supervise_reap_late(struct jail *j)
{
	int st;
	pid_t p;

	if (j->pidfd < 0)
		return;
	/* It is on its way out: it reaps the program (whose CPU time then
	 * counts in the launcher's own rusage, as before the early end) and
	 * exits. Should it not within REAP_LATE_MS, it is killed. */
	{
		struct pollfd pfd = { .fd = j->pidfd, .events = POLLIN };
		int n;

		do
			n = poll(&pfd, 1, REAP_LATE_MS);
		while (n < 0 && errno == EINTR);
		if (n <= 0)
			(void)syscall(SYS_pidfd_send_signal, j->pidfd, SIGKILL, NULL, 0);
	}
	do
		p = waitpid(j->pid, &st, __WALL);
	while (p < 0 && errno == EINTR);
	if (p < 0)
		log_warn("reap jail: %s", strerror(errno));
	(void)close(j->pidfd);
	j->pidfd = -1;
	timing_mark("init reaped");
}

void supervise_free(struct supervisor *s)
{
	if (!s)
		return;
	calls_finish(s->calls);
	if (s->sfd >= 0)
		(void)close(s->sfd);
	if (s->tfd >= 0)
		(void)close(s->tfd);
	evloop_free(&s->ev);
	free(s);
}

void supervise(struct supervisor *s, struct jail *j, struct outcome *o)
{
	supervise_start(s, j, o);
	if (s->cfg->warm_fd >= 0)
		/* the code comes later: the deadline counts from then */
		warm_start(s);
	else if (s->cfg->input_files) {
		/* --input-files: the deadline counts from clone as below, and the
		 * code follows the files once the init has sent the writable
		 * copy of /input (cold_inputs) */
		if (s->o->end != END_INTERNAL)
			(void)arm_deadline(s, j->start_ns +
						      s->cfg->policy.limits.timeout_ms * 1000000u);
	} else
		/* The deadline counts from clone, so jail setup is inside it. */
		supervise_hand_over(s, j->start_ns + s->cfg->policy.limits.timeout_ms * 1000000u);
	supervise_wait(s);
}
