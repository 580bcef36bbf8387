/*
 * spawn.c - clone the jail and build it. The child half reads top to bottom
 * as the setup checklist; each step lives in its own file.
 */
#define _GNU_SOURCE
#include "jail/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "jail/caps.h"
#include "jail/exitcodes.h"
#include "jail/limits.h"
#include "jail/log.h"
#include "jail/mount.h"
#include "jail/net.h"
#include "jail/status.h"
#include "jail/userns.h"
#include "jail/util.h"

/* Final descriptor layout inside the jail. */
enum { FD_BRIDGE = 3, FD_STATUS = 4, FD_FIRST_FREE = 5 };

static char *strings_start;
static size_t strings_len;

void spawn_note_process_strings(int argc, char **argv, char **envp)
{
	char *end;
	int i;

	if (argc < 1)
		return;
	/* The kernel lays argv and then envp strings out back to back. */
	strings_start = argv[0];
	end = argv[argc - 1] + strlen(argv[argc - 1]) + 1;
	for (i = 0; envp && envp[i]; i++)
		if (envp[i] > argv[0] && envp[i] + strlen(envp[i]) + 1 > end)
			end = envp[i] + strlen(envp[i]) + 1;
	strings_len = (size_t)(end - strings_start);
}

static void send_status(int fd, uint32_t kind, int32_t err, int32_t value)
{
	struct status_msg m = { .kind = kind, .err = err, .value = value };

	/* A failed send means the launcher is gone, and with it our purpose. */
	if (send(fd, &m, sizeof(m), MSG_NOSIGNAL) < 0)
		_exit(EXIT_SETUP);
}

static void send_fd_or_die(int sock, int fd)
{
	struct status_msg m = { .kind = ST_OUTPUT_FD };
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = &m, .iov_len = sizeof(m) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c;

	memset(cbuf, 0, sizeof(cbuf));
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	if (sendmsg(sock, &mh, MSG_NOSIGNAL) < 0)
		die("send /output handle", errno, NULL);
}

/* Put src at target without clobbering other sources: callers first move
 * every source above FD_FIRST_FREE. */
static void place_fd_or_die(int src, int target, bool cloexec)
{
	if (dup3(src, target, cloexec ? O_CLOEXEC : 0) < 0)
		die("arrange descriptors", errno, "fd %d", target);
}

static int lift_fd_or_die(int fd)
{
	int r = fcntl(fd, F_DUPFD_CLOEXEC, 64);

	if (r < 0)
		die("arrange descriptors", errno, NULL);
	return r;
}

struct child_fds {
	int status, bridge, in, out, err;
};

/* execve argv[0], searching the jail's PATH when it has no slash. glibc's
 * execvpe would read PATH from our own (wiped) environment instead. */
static int exec_program(const struct config *cfg)
{
	const char *name = cfg->argv[0], *path = "/usr/local/bin:/usr/bin:/bin";
	char buf[4096];
	int saved = ENOENT;
	size_t i;

	if (strchr(name, '/')) {
		execve(name, cfg->argv, cfg->envp);
		return errno;
	}
	for (i = 0; cfg->envp[i]; i++)
		if (!strncmp(cfg->envp[i], "PATH=", 5))
			path = cfg->envp[i] + 5;
	while (*path) {
		size_t n = strcspn(path, ":");

		if (n && n + strlen(name) + 2 <= sizeof(buf)) {
			memcpy(buf, path, n);
			buf[n] = '/';
			strcpy(buf + n + 1, name);
			execve(buf, cfg->argv, cfg->envp);
			if (errno != ENOENT && errno != ENOTDIR)
				saved = errno;
		}
		path += n + (path[n] == ':');
	}
	return saved;
}

static _Noreturn void run_program(const struct config *cfg)
{
	sigset_t none;
	int e;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* the launcher ignores SIGPIPE; ignored signals would survive execve */
	signal(SIGPIPE, SIG_DFL);
	/* A session of its own; with a terminal, the jail's fresh pty becomes
	 * its controlling terminal (never the caller's: CVE-2017-5226). */
	if (setsid() < 0)
		die("setsid", errno, NULL);
	if (cfg->use_pty && ioctl(0, TIOCSCTTY, 0) < 0)
		die("set controlling terminal", errno, NULL);
	e = exec_program(cfg);
	send_status(FD_STATUS, ST_EXEC_ERROR, e, 0);
	_exit(e == ENOENT || e == ENOTDIR ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC);
}

/* pid 1 of the jail: start the program, reap everything, report its end.
 * When init returns the kernel kills whatever else is left in the pid
 * namespace (pid_namespaces(7)), so nothing outlives the program. */
static _Noreturn void init_loop(const struct config *cfg)
{
	pid_t child = fork();

	if (child < 0)
		die("fork program", errno, NULL);
	if (child == 0)
		run_program(cfg);
	/* init keeps none of the program's streams, so their ends mean its end */
	for (int fd = 0; fd <= FD_BRIDGE; fd++)
		(void)close(fd);
	for (;;) {
		int st;
		pid_t p = waitpid(-1, &st, 0);

		if (p < 0) {
			if (errno == EINTR)
				continue;
			_exit(0);
		}
		if (p != child)
			continue;
		if (WIFEXITED(st))
			send_status(FD_STATUS, ST_EXITED, 0, WEXITSTATUS(st));
		else
			send_status(FD_STATUS, ST_SIGNALED, 0, WTERMSIG(st));
		_exit(0);
	}
}

static _Noreturn void child_main(const struct config *cfg, scmp_filter_ctx filter,
				 struct child_fds *fds)
{
	struct mount_sources src;
	struct status_msg go;
	ssize_t n;
	int out_fd, r;

	log_enter_child(fds->status);
	/* 1. Die with the launcher. Set before waiting for "go": if the
	 *    launcher died before the prctl, the read below sees EOF. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
		die("set parent-death signal", errno, NULL);
	n = recv(fds->status, &go, sizeof(go), 0);
	if (n != (ssize_t)sizeof(go) || go.kind != ST_GO)
		_exit(EXIT_SETUP);
	/* 2. Nobody in the jail may read this process's memory or /proc files;
	 *    and wipe the launcher's argv and environment from our copy. */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		die("set non-dumpable", errno, NULL);
	if (strings_start)
		memset(strings_start, 0, strings_len);
	/* 3. Host objects are opened with the caller's credentials... */
	mount_open_sources_or_die(cfg, &src);
	/* 4. ...then the sandbox user, which new files in the jail belong to. */
	userns_setup_child_or_die();
	/* 5. Private mounts, tmpfs root, binds, /proc, /dev, pivot_root. */
	out_fd = mount_setup_child_or_die(cfg, &src);
	send_fd_or_die(fds->status, out_fd);
	(void)close(out_fd);
	/* 6. Loopback up and the fixed hostname (need CAP_NET_ADMIN/SYS_ADMIN). */
	net_setup_child_or_die();
	/* 7. Descriptors: 0-2 the program's streams, 3 the bridge, 4 status
	 *    (close-on-exec), nothing else (close_range(2)). */
	fds->status = lift_fd_or_die(fds->status);
	fds->bridge = lift_fd_or_die(fds->bridge);
	fds->in = lift_fd_or_die(fds->in);
	fds->out = lift_fd_or_die(fds->out);
	fds->err = lift_fd_or_die(fds->err);
	place_fd_or_die(fds->status, FD_STATUS, true);
	log_enter_child(FD_STATUS);
	place_fd_or_die(fds->in, 0, false);
	place_fd_or_die(fds->out, 1, false);
	place_fd_or_die(fds->err, 2, false);
	place_fd_or_die(fds->bridge, FD_BRIDGE, false);
	if (syscall(SYS_close_range, FD_FIRST_FREE, ~0U, 0) < 0)
		die("close descriptors", errno, NULL);
	/* 8. rlimits before seccomp, so the filter need not allow prlimit64. */
	limits_setup_child_or_die(&cfg->policy.limits);
	/* 9. No capabilities, locked securebits, no_new_privs. */
	caps_drop_child_or_die();
	/* 10. seccomp last: the filter then only has to allow what the
	 *     program needs, plus what init does from here (fork, wait, send). */
	r = seccomp_load(filter);
	if (r < 0)
		die("load seccomp filter", -r, NULL);
	send_status(FD_STATUS, ST_READY, 0, 0);
	init_loop(cfg);
}

static void pipe_or_die(int p[2])
{
	if (pipe2(p, O_CLOEXEC) < 0)
		die("create pipes", errno, NULL);
}

static void open_pty_or_die(int *master, int *slave)
{
	struct termios t;
	struct winsize ws;

	*master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (*master < 0)
		die("open pseudo-terminal", errno, NULL);
	if (grantpt(*master) < 0 || unlockpt(*master) < 0)
		die("open pseudo-terminal", errno, "unlock");
	*slave = open(ptsname(*master), O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (*slave < 0)
		die("open pseudo-terminal", errno, "slave");
	/* The jail's terminal starts with the caller's settings and size. */
	if (tcgetattr(0, &t) == 0)
		(void)tcsetattr(*slave, TCSANOW, &t);
	if (ioctl(0, TIOCGWINSZ, &ws) == 0)
		(void)ioctl(*slave, TIOCSWINSZ, &ws);
}

void jail_spawn_or_die(const struct config *cfg, scmp_filter_ctx filter, struct jail *j)
{
	int status[2], bridge[2], in[2] = { -1, -1 }, out[2] = { -1, -1 }, err[2] = { -1, -1 };
	struct clone_args ca = { 0 };
	struct status_msg go = { .kind = ST_GO };
	int pidfd = -1;
	long pid;

	memset(j, 0, sizeof(*j));
	j->pty_fd = j->stdin_fd = j->stderr_fd = -1;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, status) < 0 ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, bridge) < 0)
		die("create sockets", errno, NULL);
	if (cfg->use_pty) {
		int master, slave;

		open_pty_or_die(&master, &slave);
		in[0] = slave;
		out[1] = dup(slave);
		err[1] = dup(slave);
		if (out[1] < 0 || err[1] < 0)
			die("open pseudo-terminal", errno, "dup");
		j->pty_fd = master;
	} else {
		pipe_or_die(in);
		pipe_or_die(out);
		pipe_or_die(err);
	}

	/* Run as root, the launcher sheds its supplementary groups first: a
	 * child in a user namespace keeps them, and with setgroups denied it
	 * could never drop host group 0 itself. */
	if (cfg->as_root && setgroups(0, NULL) < 0)
		die("drop supplementary groups", errno, NULL);

	ca.flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC |
		   CLONE_NEWUTS | CLONE_NEWCGROUP | CLONE_PIDFD;
	ca.pidfd = (uint64_t)(uintptr_t)&pidfd;
	ca.exit_signal = SIGCHLD;
	j->start_ns = now_ns();
	pid = syscall(SYS_clone3, &ca, sizeof(ca));
	if (pid < 0)
		die("clone", errno, "new user, mount, pid, net, ipc, uts and cgroup namespaces");
	if (pid == 0) {
		struct child_fds fds = { .status = status[1], .bridge = bridge[1], .in = in[0],
					 .out = out[1], .err = err[1] };

		(void)close(status[0]);
		(void)close(bridge[0]);
		if (in[1] >= 0)
			(void)close(in[1]);
		if (out[0] >= 0)
			(void)close(out[0]);
		if (err[0] >= 0)
			(void)close(err[0]);
		if (j->pty_fd >= 0)
			(void)close(j->pty_fd);
		child_main(cfg, filter, &fds);
	}
	j->pid = (pid_t)pid;
	j->pidfd = pidfd;
	j->status_fd = status[0];
	j->bridge_fd = bridge[0];
	(void)close(status[1]);
	(void)close(bridge[1]);
	(void)close(in[0]);
	(void)close(out[1]);
	(void)close(err[1]);
	if (cfg->use_pty) {
		j->stdout_fd = j->pty_fd;
		j->stdin_fd = -1;
	} else {
		j->stdout_fd = out[0];
		j->stderr_fd = err[0];
		j->stdin_fd = in[1];
	}
	userns_setup_parent_or_die(j->pid, cfg->host_uid, cfg->host_gid);
	if (send(j->status_fd, &go, sizeof(go), MSG_NOSIGNAL) < 0)
		die("start jail", errno, NULL);
}
