/*
 * spawn.h - create the jail and run its init.
 *
 * The launcher compiles everything first (config, seccomp filter), then
 * jail_spawn_or_die() clones the jail's init into new user, mount, pid, net,
 * ipc, uts and cgroup namespaces, writes its id maps and lets it go. The init
 * builds the jail step by step (the checklist in spawn.c), forks the program
 * and reaps until it ends; it reports over the status socket.
 */
#ifndef ACTJAIL_SPAWN_H
#define ACTJAIL_SPAWN_H

#include <sys/types.h>

#include "jail/config.h"
#include "policy/bpfcache.h"

/* The launcher's side of a running jail. Every fd is close-on-exec. */
struct jail {
	pid_t pid; /* the jail's init, in our pid namespace */
	int pidfd;
	int status_fd; /* SOCK_SEQPACKET: struct status_msg records */
	int bridge_fd; /* SOCK_STREAM: newline-delimited JSON */
	int stdin_fd;  /* write end of the program's stdin, or -1 */
	int stdout_fd; /* read end of the program's stdout (the pty master with a terminal) */
	int stderr_fd; /* read end of the program's stderr, or -1 with a terminal */
	int pty_fd;    /* pty master, or -1 */
	int bpf_fd;    /* the filter's pipe to the init, until jail_send_filter */
	uint64_t start_ns;
};

/* Remember where the launcher's own argv and environment strings live, so
 * the jail's init can wipe them from its copy (/proc/1/cmdline and
 * /proc/1/environ would otherwise show them inside the jail). */
void spawn_note_process_strings(int argc, char **argv, char **envp);

/* Whether cfg's policy allows what the jail's init does after loading the
 * filter. 0, or -EPERM with the refused syscalls, comma-separated, in err. */
int spawn_check_policy(const struct config *cfg, char *err, size_t errlen);

/* Clone the jail's init, write its id maps and tell it to build the jail.
 * Then, while it does: its v1 cgroups (cgdefer.h) if cfg->cg_deferred, and
 * jail_send_filter. */
void jail_spawn_or_die(const struct config *cfg, struct jail *j);

/* The BPF to the init (it refuses to go on without the whole filter). */
void jail_send_filter(struct jail *j, const struct bpf_blob *filter);

/* Kill and reap the init before a setup error ends the launcher. */
void jail_abort(struct jail *j);

#endif
