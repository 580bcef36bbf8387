/*
 * mount.h - the jail's filesystem: a fresh tmpfs root entered with
 * pivot_root, read-only binds of what Python needs, fresh /proc, a minimal
 * /dev, sized tmpfs /tmp, /dev/shm and /output, and the caller's read-only
 * trees (--input, --mount).
 *
 * Host paths are opened (O_PATH) in the child while it still has the
 * caller's credentials, before it becomes the sandbox user, so that a path
 * the caller may read can be bound although uid 1000 could not walk to it;
 * the binds themselves are made from those descriptors with open_tree().
 *
 * Run as root, a mounted directory the jail's user could not read and
 * search (its mode bits for the jail's host uid and gid, with no
 * supplementary groups; a `mktemp -d` directory is 0700) is bound through
 * an idmapped mount instead: its owner's uid and its group's gid appear as
 * the jail's user and group on that mount only, every other id as nobody.
 * The kernel lets only the initial user namespace idmap a host file system
 * (CAP_SYS_ADMIN over the superblock's namespace), so the launcher builds
 * that detached, read-only tree before clone and the child only attaches
 * it. Rootless, the caller's uid is the jail's user already.
 */
#ifndef ACTJAIL_MOUNT_H
#define ACTJAIL_MOUNT_H

#include "jail/config.h"

#define MOUNT_MAX_SOURCES (40 + CONFIG_MAX_MOUNTS)

struct mount_source {
	const char *target; /* path inside the jail */
	int fd;		    /* O_PATH handle on the host object, or a detached tree */
	unsigned attr;	    /* MOUNT_ATTR_* to set recursively */
	bool is_dir;
	bool detached; /* fd is a finished tree (idmapped): attach it as is */
};

struct mount_sources {
	struct mount_source items[MOUNT_MAX_SOURCES];
	unsigned n;
	char links[8][2][64]; /* top-level merged-/usr symlinks: name, target */
	unsigned nlinks;
};

/* Launcher side, before clone: as root, for each mounted directory the
 * jail's user (cfg->host_uid, cfg->host_gid) cannot read and search, a
 * detached read-only, nosuid, nodev tree idmapped to that user, in
 * cfg->mounts[i].tree_fd. Dies (125) when the kernel or the file system
 * cannot idmap it, or when not even its owner may read it. */
void mount_setup_parent_or_die(struct config *cfg);

/* Open every host object the jail binds. Dies on a required one missing.
 * pty is the path of the jail's own fresh pty slave, or NULL: it is bound at
 * /dev/console (/dev/pts is the jail's own devpts; ttyname() finds it). */
void mount_open_sources_or_die(const struct config *cfg, const char *pty,
			       struct mount_sources *src);

/* Build the root, pivot into it and make it read-only. Returns an
 * O_RDONLY|O_DIRECTORY descriptor on the /output tmpfs for capture. With
 * cfg->warm_input, *input is a detached, writable copy of the /input tmpfs
 * (open_tree(2) OPEN_TREE_CLONE), which the jail itself sees read-only;
 * else -1. A warm jail (cfg->warm_fd), whose code comes later, gets room
 * for it in the root and in *main a writable copy of JAIL_RUNNER_DIR, where
 * the launcher writes main.py at the hand-over; else -1. */
int mount_setup_child_or_die(const struct config *cfg, struct mount_sources *src, int *input,
			     int *main);

#endif
