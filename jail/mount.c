/* mount.c - build the jail's root filesystem (see mount.h for the layout). */
#define _GNU_SOURCE
#include "jail/mount.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jail/limits.h"
#include "jail/log.h"
#include "jail/util.h"
#include "jail/warm.h"

/* The new root is assembled on top of the host's /tmp in our private mount
 * namespace (nothing propagates: see mount_setup_child_or_die), then entered
 * with pivot_root. Every host object was opened before this mount hid /tmp. */
#define NEWROOT "/tmp"

#define RO_ATTR	 (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV)
#define DEV_ATTR (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC)

/* the jail's own ptys at once (devpts max=) */
#define MOUNT_MAX_PTYS 32u

static const char *const top_level[] = { "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32" };
/* the harmless devices, bound from the host's */
static const char *const devices[] = { "/dev/null", "/dev/zero", "/dev/full", "/dev/random",
				       "/dev/urandom" };
/*
 * Public files of the host's packages that programs expect in /etc, bound
 * read-only where present (never copied; nothing secret: no shadow, ssh,
 * machine-id, resolver or host-specific network files). The linker cache;
 * Debian's alternatives (libblas.so.3 resolves through them); CA
 * certificates and OpenSSL's configuration; services and protocols
 * (getservbyname, getaddrinfo(host, "http")); mime.types (mimetypes);
 * fontconfig's configuration; Debian's matplotlibrc (without it matplotlib
 * refuses to import); the time zone's name (localtime is a link, below).
 */
static const char *const etc_public[] = {
	"/etc/ld.so.cache",  "/etc/alternatives", "/etc/ssl/certs",  "/etc/ssl/openssl.cnf",
	"/etc/services",     "/etc/protocols",	  "/etc/mime.types", "/etc/fonts",
	"/etc/matplotlibrc", "/etc/timezone",
};

static void add_source(struct mount_sources *src, const char *host, const char *target,
		       unsigned attr, bool required)
{
	struct mount_source *m;
	struct stat st;
	int fd;

	if (src->n >= MOUNT_MAX_SOURCES)
		die("open mount sources", E2BIG, "too many binds");
	fd = open(host, O_PATH | O_CLOEXEC);
	if (fd < 0) {
		if (!required && errno == ENOENT)
			return;
		die("open mount sources", errno, "%s", host);
	}
	if (fstat(fd, &st) < 0)
		die("open mount sources", errno, "stat %s", host);
	m = &src->items[src->n++];
	m->target = target;
	m->fd = fd;
	m->attr = attr;
	m->is_dir = S_ISDIR(st.st_mode);
}

/* Whether uid/gid (no supplementary groups: the launcher drops them, and
 * the jail's user has none) may list and enter a directory of st by its
 * mode bits, the way the kernel picks owner, group or other bits. */
static bool can_read_dir(const struct stat *st, uid_t uid, gid_t gid)
{
	mode_t bits = st->st_uid == uid	  ? st->st_mode >> 6
		      : st->st_gid == gid ? st->st_mode >> 3
					  : st->st_mode;

	return (bits & 05) == 05;
}

/* Write text to /proc/PID/file. 0 or an errno. */
static int write_proc(pid_t pid, const char *file, const char *text)
{
	_cleanup_close_ int fd = -1;
	char path[64];
	int r;

	(void)snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	r = write_all(fd, text, strlen(text));
	return r < 0 ? -r : 0;
}

/*
 * A user namespace for an idmapped mount: its uid_map takes the file
 * system's from_uid to the host's to_uid, its gid_map from_gid to to_gid,
 * and nothing else (mount_setattr(2): a file's id is looked up inside the
 * namespace and the id it maps to outside is what the mount shows; an id
 * without a mapping shows as the overflow id, nobody). A short-lived child
 * creates it; we write its maps as root, open it and let the child go.
 * Returns the descriptor, or -errno.
 */
static int idmap_userns(uid_t from_uid, uid_t to_uid, gid_t from_gid, gid_t to_gid)
{
	_cleanup_close_ int sock = -1;
	int sv[2], e = 0, fd = -1;
	char text[64];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		e = errno;
		(void)close(sv[0]);
		(void)close(sv[1]);
		return -e;
	}
	if (pid == 0) {
		char c;

		(void)close(sv[0]);
		e = unshare(CLONE_NEWUSER) < 0 ? errno : 0;
		/* A failed write leaves the launcher with EOF: an error too. */
		if (write(sv[1], &e, sizeof(e)) == (ssize_t)sizeof(e) && !e)
			/* hold the namespace until the launcher is done (EOF) */
			while (read(sv[1], &c, 1) < 0 && errno == EINTR)
				;
		_exit(0);
	}
	(void)close(sv[1]);
	sock = sv[0];
	if (read(sock, &e, sizeof(e)) != (ssize_t)sizeof(e))
		e = EPROTO;
	if (!e) {
		(void)snprintf(text, sizeof(text), "%u %u 1\n", (unsigned)from_uid,
			       (unsigned)to_uid);
		e = write_proc(pid, "uid_map", text);
	}
	if (!e) {
		(void)snprintf(text, sizeof(text), "%u %u 1\n", (unsigned)from_gid,
			       (unsigned)to_gid);
		e = write_proc(pid, "gid_map", text);
	}
	if (!e) {
		(void)snprintf(text, sizeof(text), "/proc/%d/ns/user", (int)pid);
		fd = open(text, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			e = errno;
	}
	(void)close(steal_fd(&sock));
	/* ECHILD: the caller left SIGCHLD ignored and the kernel reaped it */
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	return e ? -e : fd;
}

/* One directory the jail's user cannot read as it is: a detached copy of
 * its tree, read-only, nosuid, nodev and idmapped so that its owner and
 * group are the jail's user and group there. */
static void idmap_tree_or_die(const struct config *cfg, struct input_mount *m)
{
	_cleanup_close_ int dir = -1, userns = -1, tree = -1;
	struct mount_attr ma = { .attr_set = RO_ATTR | MOUNT_ATTR_IDMAP };
	struct stat st;
	int e;

	dir = open(m->host, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		die("open mount sources", errno, "%s %s", m->option, m->host);
	if (fstat(dir, &st) < 0)
		die("open mount sources", errno, "stat %s", m->host);
	if (can_read_dir(&st, cfg->host_uid, cfg->host_gid))
		return;
	if ((st.st_mode & 0500) != 0500)
		die("open mount sources", EACCES,
		    "%s %s: mode %04o: not even its owner (uid %u) may read it", m->option, m->host,
		    (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid);
	userns = idmap_userns(st.st_uid, cfg->host_uid, st.st_gid, cfg->host_gid);
	if (userns < 0) {
		e = -userns;
		goto refuse;
	}
	ma.userns_fd = (uint64_t)userns;
	/* AT_RECURSIVE: the host's submounts below come along (a tree with
	 * locked children cannot be cloned without them) and are idmapped
	 * too, or the whole call fails. */
	tree = open_tree(dir, "",
			 OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH);
	if (tree < 0) {
		e = errno;
		goto refuse;
	}
	if (mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &ma, sizeof(ma)) < 0) {
		e = errno;
		goto refuse;
	}
	m->tree_fd = steal_fd(&tree);
	m->idmapped = true;
	log_verbose("%s %s: mode %04o, owner %u:%u, bound idmapped to the jail's user", m->option,
		    m->host, (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid,
		    (unsigned)st.st_gid);
	return;
refuse:
	die("idmapped mount", e,
	    "%s %s: mode %04o, owner uid %u: unreadable by the jail's user (host uid %u), and %s; "
	    "chmod o+rx it",
	    m->option, m->host, (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid,
	    (unsigned)cfg->host_uid,
	    e == EINVAL	  ? "its file system cannot be idmapped"
	    : e == EPERM  ? "idmapping is not permitted here"
	    : e == ENOSYS ? "this kernel has no idmapped mounts"
			  : "it cannot be idmapped");
}

void mount_setup_parent_or_die(struct config *cfg)
{
	/* Rootless, the jail's user is the caller, whose access check_dir
	 * made; only root can idmap, and only root needs to. */
	if (!cfg->as_root)
		return;
	for (unsigned i = 0; i < cfg->nmounts; i++)
		idmap_tree_or_die(cfg, &cfg->mounts[i]);
}

void mount_open_sources_or_die(const struct config *cfg, const char *pty, struct mount_sources *src)
{
	char buf[64];
	unsigned i;

	memset(src, 0, sizeof(*src));
	add_source(src, "/usr", "/usr", RO_ATTR, true);
	for (i = 0; i < ARRAY_SIZE(top_level); i++) {
		const char *host = top_level[i];
		struct stat st;
		ssize_t n;

		if (lstat(host, &st) < 0)
			continue;
		if (S_ISLNK(st.st_mode)) {
			/* merged /usr: /bin -> usr/bin and friends are recreated as links */
			n = readlink(host, buf, sizeof(buf) - 1);
			if (n <= 0 || (size_t)n >= sizeof(buf) - 1 || src->nlinks >= 8)
				die("open mount sources", n < 0 ? errno : ENAMETOOLONG, "%s", host);
			buf[n] = '\0';
			(void)snprintf(src->links[src->nlinks][0], 64, "%s", host + 1);
			(void)snprintf(src->links[src->nlinks][1], 64, "%s", buf);
			src->nlinks++;
		} else if (S_ISDIR(st.st_mode)) {
			add_source(src, host, host, RO_ATTR, true);
		}
	}
	for (i = 0; i < ARRAY_SIZE(etc_public); i++)
		add_source(src, etc_public[i], etc_public[i], RO_ATTR | MOUNT_ATTR_NOEXEC, false);
	for (i = 0; i < ARRAY_SIZE(devices); i++)
		add_source(src, devices[i], devices[i], DEV_ATTR, true);
	for (i = 0; i < cfg->nmounts; i++) {
		const struct input_mount *im = &cfg->mounts[i];

		if (im->tree_fd >= 0) {
			/* built by the launcher (mount_setup_parent_or_die) */
			if (src->n >= MOUNT_MAX_SOURCES)
				die("open mount sources", E2BIG, "too many binds");
			src->items[src->n++] = (struct mount_source){ .target = im->target,
								      .fd = im->tree_fd,
								      .is_dir = true,
								      .detached = true };
			continue;
		}
		add_source(src, im->host, im->target, RO_ATTR, true);
		/* the launcher checked a directory; it must still be one */
		if (!src->items[src->n - 1].is_dir)
			die("open mount sources", ENOTDIR, "%s %s", im->option, im->host);
	}
	/* /dev/tty opens the opener's controlling terminal: the exec pty, or a
	 * pty the program made its own from the jail's devpts; without one, ENXIO. */
	add_source(src, "/dev/tty", "/dev/tty", DEV_ATTR, pty != NULL);
	/* The exec terminal is a pty of the host's devpts; /dev/pts is the
	 * jail's own instance, which cannot hold it, so it is the jail's
	 * console (as LXC and systemd-nspawn do): ttyname() finds it there. */
	if (pty)
		add_source(src, pty, "/dev/console", DEV_ATTR & ~MOUNT_ATTR_RDONLY, true);
}

static void mkdir_or_die(const char *path, mode_t mode)
{
	if (mkdir(path, mode) < 0 && errno != EEXIST)
		die("create mount point", errno, "%s", path);
}

/* path and its missing parents (a --mount destination may be nested) */
static void mkdir_parents_or_die(const char *path, mode_t mode)
{
	char buf[256];

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		die("create mount point", ENAMETOOLONG, "%s", path);
	for (char *p = buf + strlen(NEWROOT) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		mkdir_or_die(buf, mode);
		*p = '/';
	}
	mkdir_or_die(buf, mode);
}

static void touch_or_die(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0444);

	if (fd < 0)
		die("create mount point", errno, "%s", path);
	(void)close(fd);
}

static void tmpfs_or_die(const char *path, unsigned long flags, const char *opts)
{
	if (mount("tmpfs", path, "tmpfs", flags, opts) < 0)
		die("mount tmpfs", errno, "%s (%s)", path, opts);
}

/* Clone the host object behind fd, restrict it and attach it at path.
 * AT_RECURSIVE keeps submounts (a non-recursive bind of a tree with locked
 * children is refused in a user namespace) and applies the flags to all. */
static void bind_or_die(int fd, const char *path, unsigned attr)
{
	struct mount_attr ma = { .attr_set = attr };
	_cleanup_close_ int tree = -1;

	tree = open_tree(fd, "",
			 OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH);
	if (tree < 0)
		die("bind mount", errno, "open_tree for %s", path);
	if (mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &ma, sizeof(ma)) < 0)
		die("bind mount", errno, "restrict %s", path);
	if (move_mount(tree, "", AT_FDCWD, path, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		die("bind mount", errno, "attach %s", path);
}

static void setattr_or_die(const char *path, unsigned attr, unsigned flags)
{
	struct mount_attr ma = { .attr_set = attr };

	if (mount_setattr(AT_FDCWD, path, flags, &ma, sizeof(ma)) < 0)
		die("remount read-only", errno, "%s", path);
}

static void write_etc_or_die(void)
{
	static const struct {
		const char *name, *text;
	} files[] = {
		{ "passwd", "root:x:0:0:root:/root:/usr/sbin/nologin\n"
			    "sandbox:x:1000:1000:sandbox:/tmp:/bin/sh\n"
			    "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n" },
		{ "group", "root:x:0:\nsandbox:x:1000:\nnogroup:x:65534:\n" },
		{ "hosts",
		  "127.0.0.1\tlocalhost " JAIL_HOSTNAME "\n::1\tlocalhost ip6-localhost\n" },
		{ "hostname", JAIL_HOSTNAME "\n" },
		{ "nsswitch.conf", "passwd: files\ngroup: files\nhosts: files\nservices: files\n"
				   "protocols: files\n" },
	};
	_cleanup_close_ int etc = open(NEWROOT "/etc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	char target[256];
	ssize_t n;
	unsigned i;

	if (etc < 0)
		die("write /etc", errno, NULL);
	for (i = 0; i < ARRAY_SIZE(files); i++) {
		int r = write_file_at(etc, files[i].name, files[i].text, 0444);

		if (r < 0)
			die("write /etc", -r, "%s", files[i].name);
	}
	/* localtime is normally a link into /usr/share/zoneinfo, visible inside */
	n = readlink("/etc/localtime", target, sizeof(target) - 1);
	if (n > 0 && (size_t)n < sizeof(target) - 1) {
		target[n] = '\0';
		if (symlinkat(target, etc, "localtime") < 0)
			die("write /etc", errno, "localtime");
	}
}

/* run: the runner's source and bytecode, for the bootstrap in main.c, and
 * the program's source, read-only: its __main__.__file__, which
 * multiprocessing's spawn and forkserver workers re-import (runner.py). */
static void write_runner_or_die(const struct config *cfg)
{
	_cleanup_close_ int dir = -1;
	int r;

	mkdir_or_die(NEWROOT "/run", 0755);
	mkdir_or_die(NEWROOT JAIL_RUNNER_DIR, 0755);
	dir = open(NEWROOT JAIL_RUNNER_DIR, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		die("write the runner", errno, NULL);
	r = write_blob_at(dir, "runner.py", actjail_runner_py, actjail_runner_py_len, 0444);
	if (r == 0)
		r = write_blob_at(dir, "runner.pyc", actjail_runner_pyc, actjail_runner_pyc_len,
				  0444);
	if (r == 0)
		r = cfg->code ? write_blob_at(dir, "main.py", cfg->code, cfg->code_len, 0444)
			      : 0; /* a warm jail gets its code later: no main.py */
	if (r < 0)
		die("write the runner", -r, NULL);
}

/*
 * What the jail's /proc would tell about the host or other users: the
 * caller's kernel keys (/proc/keys lists every key its uid may view, and
 * rootless the jail has the caller's uid), kernel memory and timers, the
 * boot's id and command line. Each gets an empty read-only file bound over
 * it; one this kernel lacks needs none.
 */
static void mask_proc_or_die(void)
{
	static const char *const masked[] = {
		"/proc/keys",	     "/proc/key-users",
		"/proc/kcore",	     "/proc/timer_list",
		"/proc/sched_debug", "/proc/latency_stats",
		"/proc/cmdline",     "/proc/sys/kernel/random/boot_id",
	};
	const unsigned attr =
		MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
	_cleanup_close_ int empty = -1;
	char path[128];

	touch_or_die(NEWROOT "/.masked");
	empty = open(NEWROOT "/.masked", O_PATH | O_CLOEXEC | O_NOFOLLOW);
	if (empty < 0)
		die("mask /proc", errno, "open the empty file");
	for (size_t i = 0; i < ARRAY_SIZE(masked); i++) {
		(void)snprintf(path, sizeof(path), NEWROOT "%s", masked[i]);
		if (access(path, F_OK) < 0 && errno == ENOENT)
			continue;
		bind_or_die(empty, path, attr);
	}
	/* the binds keep the file; its name goes */
	if (unlink(NEWROOT "/.masked") < 0)
		die("mask /proc", errno, "remove the empty file");
}

/*
 * The jail's own pseudo-terminals (os.openpty, pty, pexpect, script): a new
 * devpts instance, which shows only the ptys opened through its own ptmx,
 * with /dev/ptmx a link to that ptmx. ptmxmode=0666 lets the sandbox user
 * open it; slaves are 0620 and the sandbox group's (gid= must be mapped in
 * our user namespace; the host's tty group is not). max= bounds this jail's
 * share of the kernel's pty pool (kernel.pty.max; the host keeps its
 * kernel.pty.reserve). nosuid, noexec; read-write, so that a program can
 * chmod its own terminal. A kernel without devpts (CONFIG_UNIX98_PTYS=n)
 * has no ptys for anyone: the jail then goes without; any other failure
 * stops the run.
 */
static void mount_devpts_or_die(void)
{
	char opts[128];

	(void)snprintf(opts, sizeof(opts), "newinstance,ptmxmode=0666,mode=0620,gid=%u,max=%u",
		       JAIL_GID, MOUNT_MAX_PTYS);
	if (mount("devpts", NEWROOT "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, opts) < 0) {
		if (errno == ENODEV) {
			log_verbose("no devpts in this kernel: the jail has no pseudo-terminals");
			return;
		}
		die("mount devpts", errno, "%s (%s)", NEWROOT "/dev/pts", opts);
	}
	if (symlink("pts/ptmx", NEWROOT "/dev/ptmx") < 0)
		die("create mount point", errno, "/dev/ptmx");
}

/*
 * A warm jail's /input (config.h warm_input): an empty tmpfs, owned by the
 * jail's user, big enough for what one hand-over can carry (a go line is at
 * most max_message_bytes, base64 inside, in at most WARM_INPUT_MAX_FILES
 * files). The launcher gets a detached copy
 * of this mount: the same file system, writable, in no mount table; the
 * jail's own mount is made read-only with the rest, so the program reads
 * the request's files and can change none (EROFS, and no capability to
 * remount). The copy never enters the jail.
 */
static int warm_input_or_die(const struct config *cfg)
{
	unsigned long long page = (unsigned long long)sysconf(_SC_PAGESIZE), kib;
	char opts[128];
	int tree;

	if (cfg->input_files) {
		/* a cold jail's files (--input-files), known already: each
		 * rounded up to whole pages, as tmpfs counts them */
		kib = page / 1024;
		for (size_t i = 0; i < cfg->ninputs; i++)
			kib += (cfg->inputs[i].len + page - 1) / page * (page / 1024);
	} else {
		/* tmpfs counts whole pages: each file's last one is partly empty */
		kib = (cfg->policy.limits.max_message_bytes + 1023) / 1024 +
		      ((unsigned long long)WARM_INPUT_MAX_FILES + 1) * (page / 1024);
	}
	(void)snprintf(opts, sizeof(opts), "size=%lluk,nr_inodes=%u,mode=0755,uid=%u,gid=%u", kib,
		       (unsigned)WARM_INPUT_MAX_FILES + 1u, JAIL_UID, JAIL_GID);
	mkdir_or_die(NEWROOT "/input", 0755);
	tmpfs_or_die(NEWROOT "/input", MS_NOSUID | MS_NODEV | MS_NOEXEC, opts);
	tree = open_tree(AT_FDCWD, NEWROOT "/input", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (tree < 0)
		die("warm /input", errno, "copy the mount");
	return tree;
}

int mount_setup_child_or_die(const struct config *cfg, struct mount_sources *src, int *input,
			     int *main)
{
	bool code_later = cfg->mode == MODE_RUN && cfg->warm_fd >= 0;
	const struct limits *l = &cfg->policy.limits;
	char opts[128], path[256];
	int out;
	unsigned i;

	/* Nothing done below may reach the host's mount table: make every
	 * mount private before touching anything (mount_namespaces(7)). */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		die("make mounts private", errno, NULL);

	/* 2 MiB for the skeleton and the runner, and room for the program's
	 * source (a warm jail's: as long as a go can carry) */
	(void)snprintf(
		opts, sizeof(opts), "size=%zuk,nr_inodes=4096,mode=0755",
		2048 + (code_later ? (size_t)(cfg->policy.limits.max_message_bytes + 1023) / 1024
			: cfg->mode == MODE_RUN ? (cfg->code_len + 1023) / 1024
						: 0));
	tmpfs_or_die(NEWROOT, MS_NOSUID | MS_NODEV, opts);
	for (i = 0; i < src->nlinks; i++) {
		(void)snprintf(path, sizeof(path), NEWROOT "/%s", src->links[i][0]);
		if (symlink(src->links[i][1], path) < 0)
			die("create mount point", errno, "%s", path);
	}
	mkdir_or_die(NEWROOT "/etc", 0755);
	mkdir_or_die(NEWROOT "/etc/ssl", 0755);
	mkdir_or_die(NEWROOT "/dev", 0755);
	mkdir_or_die(NEWROOT "/proc", 0555);
	mkdir_or_die(NEWROOT "/tmp", 01777);
	mkdir_or_die(NEWROOT "/output", 0755);
	write_etc_or_die();
	if (cfg->mode == MODE_RUN)
		write_runner_or_die(cfg);
	*main = -1;
	if (code_later) {
		/* the launcher's way in for main.py: a detached copy, which the
		 * root's read-only flag (below) does not reach */
		*main = open_tree(AT_FDCWD, NEWROOT JAIL_RUNNER_DIR,
				  OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
		if (*main < 0)
			die("write the runner", errno, "copy %s", JAIL_RUNNER_DIR);
	}

	/* /dev: a small tmpfs holding binds of the harmless devices only */
	tmpfs_or_die(NEWROOT "/dev", MS_NOSUID | MS_NOEXEC, "size=64k,nr_inodes=64,mode=0755");
	mkdir_or_die(NEWROOT "/dev/shm", 01777);
	mkdir_or_die(NEWROOT "/dev/pts", 0755);
	mount_devpts_or_die();
	{
		static const char *const links[][2] = { { "fd", "/proc/self/fd" },
							{ "stdin", "/proc/self/fd/0" },
							{ "stdout", "/proc/self/fd/1" },
							{ "stderr", "/proc/self/fd/2" } };

		for (i = 0; i < ARRAY_SIZE(links); i++) {
			(void)snprintf(path, sizeof(path), NEWROOT "/dev/%s", links[i][0]);
			if (symlink(links[i][1], path) < 0)
				die("create mount point", errno, "%s", path);
		}
	}

	for (i = 0; i < src->n; i++) {
		struct mount_source *m = &src->items[i];

		(void)snprintf(path, sizeof(path), NEWROOT "%s", m->target);
		if (m->is_dir)
			mkdir_parents_or_die(path, 0755);
		else
			touch_or_die(path);
		if (m->detached) {
			/* finished by the launcher: read-only, nosuid, nodev, idmapped */
			if (move_mount(m->fd, "", AT_FDCWD, path, MOVE_MOUNT_F_EMPTY_PATH) < 0)
				die("bind mount", errno, "attach %s", m->target);
		} else {
			bind_or_die(m->fd, path, m->attr);
		}
		(void)close(m->fd);
		m->fd = -1;
	}

	/* A fresh procfs for our pid namespace. It must be mounted while the
	 * host's /proc is still visible: the kernel refuses a new proc mount in
	 * a user namespace unless a fully visible one exists (mount_too_revealing). */
	if (mount("proc", NEWROOT "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		die("mount proc", errno, NULL);
	limits_ucounts_open_child_or_die(NEWROOT "/proc/sys/user");
	{
		_cleanup_close_ int fd = open(NEWROOT "/proc/sys", O_PATH | O_CLOEXEC);

		if (fd < 0)
			die("mount proc", errno, "/proc/sys");
		bind_or_die(fd, NEWROOT "/proc/sys",
			    MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
				    MOUNT_ATTR_NOEXEC);
	}
	mask_proc_or_die();

	(void)snprintf(opts, sizeof(opts), "size=%llum,nr_inodes=4096,mode=1777",
		       (unsigned long long)l->shm_mib);
	tmpfs_or_die(NEWROOT "/dev/shm", MS_NOSUID | MS_NODEV | MS_NOEXEC, opts);
	(void)snprintf(opts, sizeof(opts), "size=%llum,nr_inodes=16384,mode=1777",
		       (unsigned long long)l->tmp_mib);
	tmpfs_or_die(NEWROOT "/tmp", MS_NOSUID | MS_NODEV, opts);
	(void)snprintf(opts, sizeof(opts), "size=%llum,nr_inodes=%llu,mode=0755,uid=%u,gid=%u",
		       (unsigned long long)l->output_mib, (unsigned long long)l->output_inodes,
		       JAIL_UID, JAIL_GID);
	tmpfs_or_die(NEWROOT "/output", MS_NOSUID | MS_NODEV, opts);
	out = open(NEWROOT "/output", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (out < 0)
		die("open /output", errno, NULL);
	*input = cfg->warm_input ? warm_input_or_die(cfg) : -1;

	/* Enter the new root: pivot_root(".", ".") stacks the old root on top
	 * of the new one, and the lazy unmount then detaches it (pivot_root(2)). */
	if (chdir(NEWROOT) < 0)
		die("pivot_root", errno, "chdir");
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		die("pivot_root", errno, NULL);
	if (umount2(".", MNT_DETACH) < 0)
		die("detach old root", errno, NULL);
	if (chdir("/") < 0)
		die("pivot_root", errno, "chdir /");

	/* Read-only last, once /etc is written and every mount point exists. */
	setattr_or_die("/dev", MOUNT_ATTR_RDONLY, 0);
	if (cfg->warm_input)
		setattr_or_die("/input", MOUNT_ATTR_RDONLY, 0);
	setattr_or_die("/", MOUNT_ATTR_RDONLY, 0);
	return out;
}
