/*
 * warm.h - a warm jail: built and its runner started before the code is
 * known (actjail run --warm-fd N, the workers of actjail serve --pool;
 * docs/serve.md, "Workers"). The launcher sends the runner "prepare" (the
 * policy's preload), waits for its "ready", says {"op":"ready"} on fd N and
 * waits there for one {"op":"go","code":...,"timeout_ms":N,"memory_mib":N,
 * "tools":[...]|null,"input":{"name":base64,...}|null}. Then it applies the
 * request's tighter limits, writes the input files into the jail's /input
 * (through the writable copy of that tmpfs the init sent, ST_INPUT_FD; the
 * jail sees it read-only), arms the deadline from that moment and sends the
 * code. A go may only tighten: a timeout or memory above the policy's is
 * refused.
 *
 * Nothing here exits; errors are -errno with a reason in w->err.
 */
#ifndef ACTJAIL_WARM_H
#define ACTJAIL_WARM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "bridge/frame.h"
#include "jail/cgroup.h"
#include "policy/policy.h"

/* At most this many files in a go's input (and inodes in a warm /input). */
#define WARM_INPUT_MAX_FILES 100

struct warm_input {
	char *name; /* one path component, printable, not hidden (warm_input_name) */
	unsigned char *data;
	size_t len;
};

struct warm_go {
	char *tools_json; /* the request's relay tools (a JSON array), or NULL */
	struct warm_input *inputs;
	size_t ninputs;
	char *code;
	size_t code_len;
	uint64_t timeout_ms;
	uint64_t memory_mib;
};

struct warm {
	int fd;	      /* -1 when not warm */
	int input_fd; /* the writable copy of the jail's /input, or -1 */
	int main_fd;  /* the writable copy of its JAIL_RUNNER_DIR, or -1 */
	struct frame_reader in;
	bool announced; /* "ready" said to the server */
	bool got_go;
	struct warm_go go;
	char err[256];
};

/* Take fd (non-blocking from here on). 0 or -errno. */
int warm_init(struct warm *w, int fd, size_t max_line);
void warm_free(struct warm *w);

/* The runner's prepare message: {"op":"prepare","preload":[...]}, or NULL. */
char *warm_prepare_message(const struct policy *p, size_t *len);

/* {"op":"ready","setup_ms":...} to the server. 0 or -errno. */
int warm_announce(struct warm *w, uint64_t setup_ns);

/* The server's descriptor is readable: 1 when the go arrived (w->go, checked
 * against l), 0 when more is needed, -errno when the server is gone or sent
 * what is not a go (reason in w->err). The go's tools are the request's:
 * served by the relay, so none may have a command. */
int warm_readable(struct warm *w, const struct limits *l);

/* A name for a file in /input: one path component of 1-255 bytes, no
 * control character, not starting with a dot (so never "." or ".."). */
bool warm_input_name(const char *s, size_t n);

/* Write the go's input files through w->input_fd, and its code as main.py
 * (read-only: __main__.__file__, which multiprocessing's spawn and
 * forkserver workers re-import) through w->main_fd, as uid:gid (the host
 * ids of the jail's user: a file system of the jail's user namespace takes
 * no owner it cannot map), each created new (O_EXCL), never through a link,
 * by a child made for it (clone with CLONE_VM | CLONE_VFORK: the launcher's
 * credentials never change). Blocks until the child is done. 0, or -errno
 * with the file named in w->err; -EBADF when the jail sent no main_fd. */
int warm_write_files(struct warm *w, uid_t uid, gid_t gid);
/* The same for the n files at in, through dirfd (a cold jail's /input:
 * run --input-files). 0, or -errno with the file named in err. */
int input_write(int dirfd, const struct warm_input *in, size_t n, uid_t uid, gid_t gid, char *err,
		size_t errlen);
/* Read the directory at path whole: at most WARM_INPUT_MAX_FILES regular
 * files (never through a link), each name one /input can take
 * (warm_input_name). 0, or -errno with what failed in err; *out and *n hold
 * what was read either way. */
int input_load_dir(const char *path, struct warm_input **out, size_t *n, char *err, size_t errlen);
/* Free the n files at *in; both are reset. */
void input_free(struct warm_input **in, size_t *n);

/* Lower the jail's memory limit to mib: its cgroup, and RLIMIT_DATA of the
 * init's children (the runner), from outside. 0 or -errno. */
int warm_lower_memory(pid_t init, const struct cgroup_jail *cg, uint64_t mib);

#endif
