/* server.c - `actjail serve`: set-up, the event loop, signals (see
 * server.h; docs/serve.md). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "jail/exitcodes.h"
#include "jail/util.h"
#include "serve/jobdir.h"
#include "serve/serve.h"
#include "serve/server.h"

#define TICK_MS 200

/* Policies replaced by SIGHUP, kept while executions started under them
 * run (their snapshot files with them). */
struct retired {
	struct serve_policy *pol;
	struct retired *next;
};
static struct retired *retired;

static _Noreturn void fatal(const char *step, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static _Noreturn void fatal(const char *step, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "actjail serve: %s: ", step);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(EXIT_SETUP);
}

/* Work directories of servers that died without removing theirs
 * (SIGKILL): named by pid, ours (same euid), and their pid gone. */
static void sweep_workdirs(const char *base, const char *prefix)
{
	DIR *d = opendir(base);
	struct dirent *e;
	size_t n = strlen(prefix);

	if (!d)
		return;
	while ((e = readdir(d))) {
		char path[4096];
		struct stat st;
		char *end;
		long pid;

		if (strncmp(e->d_name, prefix, n) != 0)
			continue;
		pid = strtol(e->d_name + n, &end, 10);
		if (pid <= 0 || *end != '-' || (kill((pid_t)pid, 0) == 0 || errno != ESRCH))
			continue;
		(void)snprintf(path, sizeof(path), "%s/%s", base, e->d_name);
		if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == geteuid())
			(void)jobdir_remove(path);
	}
	closedir(d);
}

/* A directory of the server's own for the executions' files and the
 * policy snapshots: 0700, removed at exit. */
static void make_workdir(struct server *s)
{
	const char *base = geteuid() == 0 ? "/run/actjail" : "/tmp";
	char prefix[64];

	if (geteuid() == 0 && mkdir(base, 0700) < 0 && errno != EEXIST)
		fatal("work directory", "%s: %s", base, strerror(errno));
	(void)snprintf(prefix, sizeof(prefix), geteuid() == 0 ? "serve-" : "actjail-serve-%u-",
		       (unsigned)geteuid());
	sweep_workdirs(base, prefix);
	(void)snprintf(s->workdir, sizeof(s->workdir), "%s/%s%d-XXXXXX", base, prefix,
		       (int)getpid());
	if (!mkdtemp(s->workdir))
		fatal("work directory", "%s: %s", s->workdir, strerror(errno));
}

static void raise_nofile(void)
{
	struct rlimit rl;

	/* one descriptor per client, three or four per running execution */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static void reload(struct server *s)
{
	char err[1024];
	struct serve_policy *p =
		serve_policy_load(&s->cfg, s->workdir, s->pol->generation + 1, err, sizeof(err));
	struct retired *r;

	if (!p) {
		fprintf(stderr,
			"{\"event\":\"reload\",\"ok\":false,\"error\":\"%s\",\"generation\":%u}\n",
			"the new policy or tools could not be loaded; the old ones stay",
			s->pol->generation);
		fprintf(stderr, "actjail serve: reload: %s\n", err);
		return;
	}
	r = xcalloc(1, sizeof(*r));
	r->pol = s->pol;
	r->next = retired;
	retired = r;
	s->pol = p;
	fprintf(stderr, "{\"event\":\"reload\",\"ok\":true,\"generation\":%u}\n", p->generation);
}

static void stop_listening(struct server *s)
{
	if (s->listen_fd < 0)
		return;
	evloop_del_close(&s->ev, &s->listen_fd);
	if (s->listen_owned)
		(void)unlink(s->cfg.socket_path);
	s->listen_owned = false;
}

static void begin_drain(struct server *s)
{
	if (s->draining)
		return;
	s->draining = true;
	s->drain_deadline_ns = now_ns() + s->cfg.grace_ms * 1000000u;
	stop_listening(s);
	for (unsigned i = 0; i < s->njobs; i++)
		if (s->jobs[i].state == JOB_QUEUED)
			job_refuse_queued(s, &s->jobs[i], "shutting_down",
					  "the server is stopping");
	pool_retire_all(s);
	fprintf(stderr, "{\"event\":\"drain\",\"running\":%u,\"grace_ms\":%llu}\n", s->running,
		(unsigned long long)s->cfg.grace_ms);
}

static void on_signal(struct server *s)
{
	struct signalfd_siginfo si;

	while (read(s->sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			reload(s);
			pool_refill(s); /* jails of the old policy are replaced */
		} else
			begin_drain(s);
	}
}

static void on_tick(struct server *s)
{
	uint64_t ticks, now = now_ns();

	(void)!read(s->tick_fd, &ticks, sizeof(ticks));
	conn_tick(s, now);
	job_tick(s, now);
	/* retire and reap on every tick; build new warm jails only while no
	 * request runs (one being built would take its CPU), else when one is
	 * done (job.c) */
	pool_maintain(s, s->running == 0);
	if (s->draining && now > s->drain_deadline_ns) {
		for (unsigned i = 0; i < s->njobs; i++)
			if (s->jobs[i].state == JOB_RUNNING)
				job_cancel(s, &s->jobs[i], "the server's grace period ended");
	}
}

static void setup(struct server *s)
{
	char err[1200];
	sigset_t mask;
	struct itimerspec its = { .it_interval = { 0, TICK_MS * 1000000L },
				  .it_value = { 0, TICK_MS * 1000000L } };
	int r;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
		fatal("signals", "%s", strerror(errno));
	signal(SIGPIPE, SIG_IGN);
	raise_nofile();
	(void)snprintf(s->exe, sizeof(s->exe), "/proc/self/exe");
	make_workdir(s);
	s->pol = serve_policy_load(&s->cfg, s->workdir, 1, err, sizeof(err));
	if (!s->pol) {
		(void)jobdir_remove(s->workdir);
		fatal("policy", "%s", err);
	}
	s->listen_fd = serve_listen(&s->cfg, &s->listen_owned, err, sizeof(err));
	if (s->listen_fd < 0) {
		(void)jobdir_remove(s->workdir);
		fatal("socket", "%s", err);
	}
	r = evloop_init(&s->ev);
	s->sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	s->tick_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (r < 0 || s->sfd < 0 || s->tick_fd < 0 ||
	    timerfd_settime(s->tick_fd, 0, &its, NULL) < 0 ||
	    evloop_add(&s->ev, s->listen_fd, EPOLLIN, TAG_LISTEN) < 0 ||
	    evloop_add(&s->ev, s->sfd, EPOLLIN, TAG_SIGNAL) < 0 ||
	    evloop_add(&s->ev, s->tick_fd, EPOLLIN, TAG_TICK) < 0) {
		stop_listening(s);
		(void)jobdir_remove(s->workdir);
		fatal("event loop", "%s", strerror(errno));
	}
	s->conns = xcalloc(s->cfg.max_connections, sizeof(*s->conns));
	s->njobs = s->cfg.concurrency + s->cfg.queue + s->cfg.pool;
	s->jobs = xcalloc(s->njobs, sizeof(*s->jobs));
	for (unsigned i = 0; i < s->njobs; i++)
		job_free(&s->jobs[i]);
	fprintf(stderr,
		"{\"event\":\"start\",\"pid\":%d,\"socket\":\"%s\",\"concurrency\":%u,"
		"\"queue\":%u,\"pool\":%u}\n",
		(int)getpid(), s->cfg.socket_path ? s->cfg.socket_path : "(LISTEN_FDS)",
		s->cfg.concurrency, s->cfg.queue, s->cfg.pool);
}

static void teardown(struct server *s)
{
	stop_listening(s);
	for (unsigned i = 0; i < s->cfg.max_connections; i++)
		if (s->conns[i])
			conn_close(s, i);
	free(s->conns);
	free(s->jobs);
	serve_policy_free(s->pol);
	while (retired) {
		struct retired *r = retired;

		retired = r->next;
		serve_policy_free(r->pol);
		free(r);
	}
	(void)close(s->sfd);
	(void)close(s->tick_fd);
	evloop_free(&s->ev);
	(void)jobdir_remove(s->workdir);
	free(s->cfg.allow_uid);
	free(s->cfg.allow_gid);
	fprintf(stderr, "{\"event\":\"stop\"}\n");
}

static void flush_clients(struct server *s, uint64_t until)
{
	for (;;) {
		struct pollfd pf[64];
		unsigned idx[64], n = 0;
		uint64_t now = now_ns();

		for (unsigned i = 0; i < s->cfg.max_connections && n < 64; i++) {
			struct conn *c = s->conns[i];

			if (c && c->out.fd >= 0 && channel_pending(&c->out)) {
				pf[n] = (struct pollfd){ .fd = c->out.fd, .events = POLLOUT };
				idx[n++] = i;
			}
		}
		if (!n || now >= until)
			return;
		if (poll(pf, n, (int)((until - now) / 1000000u) + 1) <= 0)
			return;
		for (unsigned k = 0; k < n; k++)
			if (pf[k].revents && channel_flush(&s->ev, &s->conns[idx[k]]->out) < 0)
				conn_close(s, idx[k]);
	}
}

int serve_main(int argc, char **argv)
{
	struct server s = { .listen_fd = -1, .sfd = -1, .tick_fd = -1 };

	serve_parse_options(argc, argv, &s.cfg);
	setup(&s);
	pool_refill(&s);
	/* draining ends when every execution is answered and every worker,
	 * warm or exiting, is reaped */
	while (!(s.draining && job_slots_used(&s) == 0)) {
		struct epoll_event evs[64];
		int n = epoll_wait(s.ev.ep, evs, 64, -1);

		for (int i = 0; i < n; i++) {
			uint32_t tag = evs[i].data.u32;

			switch (tag & TAG_KIND) {
			case TAG_LISTEN:
				conn_accept(&s);
				break;
			case TAG_SIGNAL:
				on_signal(&s);
				break;
			case TAG_TICK:
				on_tick(&s);
				break;
			case TAG_CONN:
				conn_event(&s, tag & ~TAG_KIND, evs[i].events);
				break;
			default:
				job_event(&s, tag, evs[i].events);
				break;
			}
		}
	}
	/* every client was answered; what is queued for them goes out now,
	 * for a few seconds at most (a client that does not read loses it) */
	flush_clients(&s, now_ns() + 5000000000ull);
	teardown(&s);
	return 0;
}
