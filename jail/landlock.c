/* landlock.c - the Landlock ruleset of the jail (see landlock.h). */
#define _GNU_SOURCE
#include "jail/landlock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "jail/log.h"

/* The kernel's Landlock ABI (include/uapi/linux/landlock.h), spelled out
 * here because Debian 12's headers predate ABI 4-6. */
#define LL_CREATE_RULESET_VERSION (1U << 0)
#define LL_RULE_PATH_BENEATH	  1
#define LL_FS_EXECUTE		  (1ULL << 0)
#define LL_FS_WRITE_FILE	  (1ULL << 1)
#define LL_FS_READ_FILE		  (1ULL << 2)
#define LL_FS_READ_DIR		  (1ULL << 3)
#define LL_FS_MAKE_CHAR		  (1ULL << 6)
#define LL_FS_MAKE_BLOCK	  (1ULL << 11)
#define LL_FS_ABI1		  ((1ULL << 13) - 1)
#define LL_FS_REFER		  (1ULL << 13) /* ABI 2 */
#define LL_FS_TRUNCATE		  (1ULL << 14) /* ABI 3 */
#define LL_FS_IOCTL_DEV		  (1ULL << 15) /* ABI 5 */
#define LL_SCOPE_ABSTRACT_UNIX	  (1ULL << 0)  /* ABI 6 */
#define LL_SCOPE_SIGNAL		  (1ULL << 1)  /* ABI 6 */

struct ll_ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net; /* ABI 4 */
	uint64_t scoped;	     /* ABI 6 */
};

struct ll_path_beneath {
	uint64_t allowed_access;
	int32_t parent_fd;
} __attribute__((packed));

static void allow_or_die(int ruleset, const char *path, uint64_t access, uint64_t handled,
			 bool required)
{
	struct ll_path_beneath pb = { .allowed_access = access & handled };
	int fd = open(path, O_PATH | O_CLOEXEC);

	if (fd < 0) {
		if (errno == ENOENT && !required)
			return; /* /lib32, for one, exists only on some hosts */
		die("landlock", errno, "open %s", path);
	}
	pb.parent_fd = fd;
	if (syscall(SYS_landlock_add_rule, ruleset, LL_RULE_PATH_BENEATH, &pb, 0) < 0)
		die("landlock", errno, "rule for %s", path);
	(void)close(fd);
}

int landlock_setup_child_or_die(const struct config *cfg)
{
	const enum policy_landlock mode = cfg->policy.landlock;
	struct ll_ruleset_attr attr = { 0 };
	uint64_t fs, rw;
	size_t size;
	long abi;
	int ruleset;

	if (mode == POLICY_LANDLOCK_OFF)
		return 0;
	abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LL_CREATE_RULESET_VERSION);
	if (abi < 1) {
		if (mode == POLICY_LANDLOCK_REQUIRED)
			die("landlock", errno,
			    "the policy requires Landlock and this kernel offers none "
			    "(CONFIG_SECURITY_LANDLOCK, lsm=landlock)");
		return 0;
	}
	fs = LL_FS_ABI1;
	if (abi >= 2)
		fs |= LL_FS_REFER;
	if (abi >= 3)
		fs |= LL_FS_TRUNCATE;
	if (abi >= 5)
		fs |= LL_FS_IOCTL_DEV;
	attr.handled_access_fs = fs;
	size = sizeof(attr.handled_access_fs);
	if (abi >= 6) {
		attr.scoped = LL_SCOPE_ABSTRACT_UNIX | LL_SCOPE_SIGNAL;
		size = sizeof(attr);
	}
	ruleset = (int)syscall(SYS_landlock_create_ruleset, &attr, size, 0);
	if (ruleset < 0)
		die("landlock", errno, "create ruleset (ABI %ld)", abi);

	/* Rights add up along a path, so "/" only lists; read and execute go
	 * to the system's directories, and writes (never execute) to the
	 * scratch ones. /bin and friends are links into /usr on merged-/usr
	 * hosts (open() follows them) and directories elsewhere. */
	rw = fs & ~(LL_FS_EXECUTE | LL_FS_MAKE_CHAR | LL_FS_MAKE_BLOCK);
	allow_or_die(ruleset, "/", LL_FS_READ_DIR, fs, true);
	{
		static const char *const sys_dirs[] = { "/usr",	  "/etc",   "/run",
							"/bin",	  "/sbin",  "/lib",
							"/lib32", "/lib64", "/libx32" };

		for (size_t i = 0; i < sizeof(sys_dirs) / sizeof(sys_dirs[0]); i++)
			allow_or_die(ruleset, sys_dirs[i],
				     LL_FS_READ_FILE | LL_FS_READ_DIR | LL_FS_EXECUTE, fs, false);
	}
	/* The caller's trees get what /usr gets: read, and execute (a mounted
	 * tool or virtualenv runs from there; the mounts are nosuid, nodev).
	 * Nested destinations' parents (/a of /a/b) are in "/" and only list. */
	for (unsigned i = 0; i < cfg->nmounts; i++)
		allow_or_die(ruleset, cfg->mounts[i].target,
			     LL_FS_READ_FILE | LL_FS_READ_DIR | LL_FS_EXECUTE, fs, true);
	if (cfg->warm_input) /* the request's files (mount.c warm_input_or_die) */
		allow_or_die(ruleset, "/input", LL_FS_READ_FILE | LL_FS_READ_DIR, fs, true);
	allow_or_die(ruleset, "/dev",
		     LL_FS_READ_FILE | LL_FS_WRITE_FILE | LL_FS_READ_DIR | LL_FS_TRUNCATE |
			     LL_FS_IOCTL_DEV,
		     fs, true);
	allow_or_die(ruleset, "/proc", LL_FS_READ_FILE | LL_FS_READ_DIR | LL_FS_WRITE_FILE, fs,
		     true);
	allow_or_die(ruleset, "/tmp", rw, fs, true);
	allow_or_die(ruleset, "/dev/shm", rw, fs, true);
	allow_or_die(ruleset, "/output", rw, fs, true);
	if (syscall(SYS_landlock_restrict_self, ruleset, 0) < 0)
		die("landlock", errno, "restrict_self");
	(void)close(ruleset);
	return (int)abi;
}
