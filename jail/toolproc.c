/*
 * toolproc.c - a command tool's processes (see toolproc.h): the guard, the
 * launcher's child, leads the tool's process group and is the tool's
 * parent; it kills the group when the launcher dies.
 */
#define _GNU_SOURCE
#include "jail/toolproc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jail/util.h"

/* The tool's own process: stdio from the pipes, signals as a fresh
 * process would have them, then the command. */
static void exec_tool(const struct tool *t, int in, int out, int err)
{
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signals_default(0);
	if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
		_exit(127);
	if (t->cwd && chdir(t->cwd) < 0) {
		dprintf(2, "cannot enter %s: %s\n", t->cwd, strerror(errno));
		_exit(127);
	}
	execvp(t->command[0], t->command);
	dprintf(2, "cannot run %s: %s\n", t->command[0], strerror(errno));
	_exit(127);
}

/* The guard: the launcher's child, leader of the tool's process group,
 * parent of the tool. A tool must not outlive a launcher that is killed
 * (SIGKILL runs no cleanup), and PR_SET_PDEATHSIG covers only the direct
 * child: a shell's children would survive it. So the guard takes the
 * parent-death signal (SIGHUP, kept blocked and waited for) and answers it
 * by killing the whole group, itself included; when the tool ends first,
 * it ends the same way, so the launcher sees the tool's own status. It
 * never returns. */
static void guard_tool(const struct tool *t, pid_t launcher, int in, int out, int err)
{
	sigset_t wait_for;
	pid_t tool;
	int st, sig;

	(void)setpgid(0, 0);
	sigemptyset(&wait_for);
	sigaddset(&wait_for, SIGHUP);
	sigaddset(&wait_for, SIGCHLD);
	(void)sigprocmask(SIG_BLOCK, &wait_for, NULL);
	/* the launcher may have died before the prctl: then no signal comes */
	if (prctl(PR_SET_PDEATHSIG, SIGHUP) < 0 || getppid() != launcher)
		(void)kill(0, SIGKILL);
	tool = fork();
	if (tool < 0)
		_exit(127);
	if (tool == 0)
		exec_tool(t, in, out, err);
	/* the guard keeps nothing of the launcher's open: not the jail's
	 * descriptors, not the tool's pipes (their EOF is the tool's) */
	(void)close_range(0, ~0U, 0);
	for (;;) {
		sig = 0;
		if (sigwait(&wait_for, &sig) != 0)
			continue;
		if (sig == SIGHUP)
			(void)kill(0, SIGKILL);
		if (waitpid(tool, &st, WNOHANG) == tool)
			break;
	}
	if (WIFEXITED(st))
		_exit(WEXITSTATUS(st));
	/* die of the same signal, without a core dump of the guard */
	sig = WTERMSIG(st);
	{
		struct rlimit none = { 0, 0 };
		sigset_t one;

		(void)setrlimit(RLIMIT_CORE, &none);
		signal(sig, SIG_DFL);
		sigemptyset(&one);
		sigaddset(&one, sig);
		(void)sigprocmask(SIG_UNBLOCK, &one, NULL);
		(void)raise(sig);
	}
	_exit(128 + sig);
}

int toolproc_start(const struct tool *t, struct toolproc *p)
{
	_cleanup_pair_ int in[2] = { -1, -1 }, out[2] = { -1, -1 }, err[2] = { -1, -1 };
	pid_t pid, launcher = getpid();

	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid == 0)
		guard_tool(t, launcher, in[0], out[1], err[1]);
	if (pid < 0)
		return -errno;
	/* as in the guard: whichever runs first, the group exists before the
	 * launcher may signal it */
	(void)setpgid(pid, pid);
	p->pid = pid;
	/* the launcher's ends go to the caller; the tool's are closed here */
	p->in_fd = steal_fd(&in[1]);
	p->out_fd = steal_fd(&out[0]);
	p->err_fd = steal_fd(&err[0]);
	return 0;
}

void toolproc_kill_wait(pid_t pid)
{
	/* SIGKILL'd: the wait is for processes already dying */
	(void)kill(-pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}
