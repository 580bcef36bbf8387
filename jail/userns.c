/* userns.c - uid/gid maps (parent) and the switch to the sandbox user (child). */
#define _GNU_SOURCE
#include "jail/userns.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "jail/config.h"
#include "jail/log.h"
#include "jail/util.h"

static void write_proc_or_die(pid_t pid, const char *file, const char *text)
{
	char path[64];
	_cleanup_close_ int fd = -1;
	int r;

	(void)snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		die("write user namespace maps", errno, "open %s", path);
	r = write_all(fd, text, strlen(text));
	if (r < 0)
		die("write user namespace maps", -r, "%s", path);
}

void userns_setup_parent_or_die(pid_t pid, uid_t host_uid, gid_t host_gid)
{
	char line[64];

	(void)snprintf(line, sizeof(line), "%u %u 1\n", JAIL_UID, (unsigned)host_uid);
	write_proc_or_die(pid, "uid_map", line);
	write_proc_or_die(pid, "setgroups", "deny");
	(void)snprintf(line, sizeof(line), "%u %u 1\n", JAIL_GID, (unsigned)host_gid);
	write_proc_or_die(pid, "gid_map", line);
}

void userns_setup_child_or_die(void)
{
	/* The capabilities this process holds in its new namespace survive the
	 * id change: uid 0 is not mapped in it, so the kernel's setuid fix-up
	 * (capabilities(7), "Effect of user ID changes") does not apply; keepcaps
	 * makes that explicit. They are all dropped in caps.c before exec. */
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		die("keep capabilities", errno, NULL);
	if (setresgid(JAIL_GID, JAIL_GID, JAIL_GID) < 0)
		die("setresgid", errno, "to %u", JAIL_GID);
	if (setresuid(JAIL_UID, JAIL_UID, JAIL_UID) < 0)
		die("setresuid", errno, "to %u", JAIL_UID);
}
