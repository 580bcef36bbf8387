/*
 * supervise_warm.c - a warm jail in the supervisor's loop (warm.h): the
 * runner is told to prepare, its ready is passed on to the server, and the
 * server's go is applied (tighter limits, the request's tools, the code)
 * with the deadline armed from that moment.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "bridge/tools.h"
#include "jail/log.h"
#include "jail/supervise_priv.h"
#include "jail/timing.h"
#include "jail/util.h"

static void arm_timer(struct supervisor *s, uint64_t at_ns)
{
	struct itimerspec its = { 0 };

	its.it_value.tv_sec = (time_t)(at_ns / 1000000000u);
	its.it_value.tv_nsec = (long)(at_ns % 1000000000u);
	if (timerfd_settime(s->tfd, TFD_TIMER_ABSTIME, &its, NULL) < 0)
		sup_fail_run(s, "event loop", errno);
}

/* The server (or its end of fd N) is gone, or it sent what is not a go:
 * the jail is of no use to anyone: it ends as if stopped by SIGTERM. */
static void warm_abandon(struct supervisor *s)
{
	log_verbose("warm: %s: stopping the jail", s->warm.err);
	evloop_del(&s->ev, s->warm.fd);
	if (!s->stop_signal && !s->exited) {
		s->stop_signal = true;
		s->o->signal = SIGTERM;
		sup_kill_jail(s);
	}
}

void warm_start(struct supervisor *s)
{
	size_t n;
	char *m;
	int r = warm_init(&s->warm, s->cfg->warm_fd, s->cfg->policy.limits.max_message_bytes);

	s->cfg->warm_fd = -1; /* the supervisor's now */
	if (!r)
		r = evloop_add(&s->ev, s->warm.fd, EPOLLIN, T_WARM);
	if (r < 0) {
		sup_fail_run(s, "event loop", -r);
		return;
	}
	/* building the jail and starting Python have their own bound */
	arm_timer(s, s->j->start_ns + (uint64_t)WARM_SETUP_MS * 1000000u);
	s->msgs.expect_ready = true;
	m = warm_prepare_message(&s->cfg->policy, &n);
	r = channel_send(&s->ev, &s->bridge, m, n, false, 0);
	free(m);
	if (r < 0 && r != -EPIPE)
		sup_fail_run(s, "bridge", -r);
}

void warm_ready(struct supervisor *s)
{
	struct itimerspec none = { 0 };
	uint64_t now = now_ns();

	if (s->warm.fd < 0 || s->o->end == END_INTERNAL)
		return;
	/* ready: no deadline until the code comes (the server retires idle
	 * jails itself) */
	(void)timerfd_settime(s->tfd, 0, &none, NULL);
	timing_mark("warm: runner ready");
	if (warm_announce(&s->warm, now - s->j->start_ns) < 0) {
		(void)snprintf(s->warm.err, sizeof(s->warm.err), "cannot say ready");
		warm_abandon(s);
	}
}

void warm_event(struct supervisor *s)
{
	int r;

	if (s->warm.got_go) {
		/* after the go only the server's end matters: closed means cancel */
		char b[64];
		ssize_t n = recv(s->warm.fd, b, sizeof(b), MSG_DONTWAIT);

		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
			(void)snprintf(s->warm.err, sizeof(s->warm.err), "the server closed");
			warm_abandon(s);
		}
		return;
	}
	r = warm_readable(&s->warm, &s->cfg->policy.limits);
	if (r == 0)
		return;
	if (r < 0 || !s->warm.announced) {
		if (r > 0)
			(void)snprintf(s->warm.err, sizeof(s->warm.err), "go before ready");
		warm_abandon(s);
		return;
	}
	/* the request's tighter limits, then its code, the deadline from now */
	if (s->warm.go.memory_mib < s->cfg->policy.limits.memory_mib) {
		r = warm_lower_memory(s->j->pid, &s->cfg->cg, s->warm.go.memory_mib);
		if (r < 0) {
			sup_fail_run(s, "lower the memory limit", -r);
			return;
		}
	}
	if (s->warm.go.tools_json) {
		char err[256];

		if (toolset_load_manifest(&s->cfg->tools, s->warm.go.tools_json,
					  strlen(s->warm.go.tools_json), "go.tools", NULL, err,
					  sizeof(err)) < 0) {
			(void)snprintf(s->warm.err, sizeof(s->warm.err), "%s", err);
			warm_abandon(s);
			return;
		}
	}
	/* the request's files and its main.py, before the deadline counts */
	r = warm_write_files(&s->warm, s->cfg->host_uid, s->cfg->host_gid);
	/* the jail has them now: the launcher keeps none while the program runs */
	input_free(&s->warm.go.inputs, &s->warm.go.ninputs);
	if (r < 0) {
		log_error("warm: %s", s->warm.err);
		sup_fail_run(s, "write input", -r);
		(void)snprintf(s->o->setup_detail, sizeof(s->o->setup_detail), "%s", s->warm.err);
		return;
	}
	s->cfg->policy.limits.memory_mib = s->warm.go.memory_mib;
	s->cfg->policy.limits.timeout_ms = s->warm.go.timeout_ms;
	s->cfg->code = s->warm.go.code;
	s->cfg->code_len = s->warm.go.code_len;
	s->warm.go.code = NULL; /* the config's now (freed with it) */
	/* the bridge's counts are the program's: the prepare message and the
	 * runner's ready are the jail's own, and a cold run has neither */
	s->o->bridge.bytes_in = 0;
	s->bridge.sent = 0;
	s->o->handover_ns = now_ns();
	timing_mark("warm: code handed over");
	supervise_hand_over(s, s->o->handover_ns + s->cfg->policy.limits.timeout_ms * 1000000u);
}
