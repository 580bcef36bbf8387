/* listen.c - the server's Unix socket: made here, or handed over by
 * systemd (LISTEN_FDS), and who may connect (see server.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "jail/util.h"
#include "serve/server.h"

/* systemd socket activation (sd_listen_fds(3)): fd 3, for this process. */
static int activated(void)
{
	const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
	uint64_t p, n;
	int type = 0;
	socklen_t len = sizeof(type);

	if (!pid || !fds || parse_u64(pid, 1, INT32_MAX, &p) < 0 || (pid_t)p != getpid() ||
	    parse_u64(fds, 1, 64, &n) < 0)
		return -1;
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	if (getsockopt(3, SOL_SOCKET, SO_TYPE, &type, &len) < 0 || type != SOCK_STREAM)
		return -ENOTSOCK;
	if (fcntl(3, F_SETFD, FD_CLOEXEC) < 0 || fd_nonblock(3) < 0)
		return -errno;
	return 3;
}

/* tmp_name: "DIR/.actjail-serve.PID", beside path; -1 if it does not fit
 * in len bytes with its NUL. */
static int tmp_name(const char *path, char *out, size_t len)
{
	const char *slash = strrchr(path, '/');
	int dirlen = slash ? (int)(slash - path) + 1 : 0;
	int n = snprintf(out, len, "%.*s.actjail-serve.%d", dirlen, path, (int)getpid());

	return n < 0 || (size_t)n >= len ? -1 : 0;
}

int serve_listen(const struct serve_config *cfg, bool *owned, char *err, size_t errlen)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX }, tmp = { .sun_family = AF_UNIX };
	const char *step;
	struct stat st;
	int fd, r;

	*owned = false;
	fd = activated();
	if (fd == 3)
		return fd;
	if (fd < -1) {
		(void)snprintf(err, errlen, "LISTEN_FDS: fd 3: %s", strerror(-fd));
		return fd;
	}
	if (!cfg->socket_path) {
		(void)snprintf(err, errlen, "LISTEN_FDS is not for this process and no --socket");
		return -EINVAL;
	}
	if (strlen(cfg->socket_path) >= sizeof(a.sun_path)) {
		(void)snprintf(err, errlen, "--socket %s: longer than %zu bytes", cfg->socket_path,
			       sizeof(a.sun_path) - 1);
		return -ENAMETOOLONG;
	}
	memcpy(a.sun_path, cfg->socket_path, strlen(cfg->socket_path) + 1);
	/* a stale socket of an earlier server is replaced; anything else that
	 * has the name is left alone (never unlink a file we did not make) */
	if (lstat(cfg->socket_path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			(void)snprintf(err, errlen, "--socket %s: exists and is not a socket",
				       cfg->socket_path);
			return -EEXIST;
		}
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0) {
			(void)close(fd);
			(void)snprintf(err, errlen, "--socket %s: a server is listening there",
				       cfg->socket_path);
			return -EADDRINUSE;
		}
		if (fd >= 0)
			(void)close(fd);
		if (unlink(cfg->socket_path) < 0 && errno != ENOENT) {
			r = -errno;
			(void)snprintf(err, errlen, "--socket %s: remove the stale socket: %s",
				       cfg->socket_path, strerror(errno));
			return r;
		}
	}
	/* the socket is made under a temporary name beside PATH and renamed
	 * onto it once it listens: a client that waits for PATH to appear
	 * (a readiness probe, a test) never meets a socket that refuses */
	if (tmp_name(cfg->socket_path, tmp.sun_path, sizeof(tmp.sun_path)) < 0) {
		(void)snprintf(err, errlen,
			       "--socket %s: no room in %zu bytes for the temporary name beside it",
			       cfg->socket_path, sizeof(a.sun_path) - 1);
		return -ENAMETOOLONG;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		r = -errno;
		(void)snprintf(err, errlen, "socket: %s", strerror(errno));
		return r;
	}
	/* created with no permissions at all, then opened up as asked: no
	 * moment in which a client the mode excludes could connect */
	{
		mode_t old = umask(0777);

		r = bind(fd, (struct sockaddr *)&tmp, sizeof(tmp));
		umask(old);
	}
	if (r < 0) {
		r = -errno;
		(void)snprintf(err, errlen, "--socket %s: bind %s: %s", cfg->socket_path,
			       tmp.sun_path, strerror(errno));
		(void)close(fd);
		return r;
	}
	step = "chown";
	r = cfg->socket_group_set ? chown(tmp.sun_path, (uid_t)-1, cfg->socket_group) : 0;
	if (!r) {
		step = "chmod";
		r = chmod(tmp.sun_path, cfg->socket_mode);
	}
	if (!r) {
		step = "listen";
		r = listen(fd, 1024);
	}
	/* RENAME_NOREPLACE: a file that took PATH since the check above is
	 * left alone, and this is an error */
	if (!r) {
		step = "rename";
		r = renameat2(AT_FDCWD, tmp.sun_path, AT_FDCWD, cfg->socket_path, RENAME_NOREPLACE);
	}
	if (r < 0) {
		r = -errno;
		(void)snprintf(err, errlen, "--socket %s: %s: %s", cfg->socket_path, step,
			       strerror(errno));
		(void)unlink(tmp.sun_path);
		(void)close(fd);
		return r;
	}
	*owned = true;
	return fd;
}

bool serve_peer_allowed(const struct serve_config *cfg, uid_t uid, gid_t gid)
{
	size_t i;

	if (!cfg->n_allow_uid && !cfg->n_allow_gid)
		return true;
	for (i = 0; i < cfg->n_allow_uid; i++)
		if (cfg->allow_uid[i] == uid)
			return true;
	for (i = 0; i < cfg->n_allow_gid; i++)
		if (cfg->allow_gid[i] == gid)
			return true;
	return false;
}
