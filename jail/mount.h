/*
 * mount.h - the jail's filesystem: a fresh tmpfs root entered with
 * pivot_root, read-only binds of what Python needs, fresh /proc, a minimal
 * /dev, sized tmpfs /tmp, /dev/shm and /output, and /input.
 *
 * Child side only. Host paths are opened (O_PATH) while the child still has
 * the caller's credentials, before it becomes the sandbox user, so that a
 * path the caller may read can be bound although uid 1000 could not walk to
 * it; the binds themselves are made from those descriptors with open_tree().
 */
#ifndef ACTJAIL_MOUNT_H
#define ACTJAIL_MOUNT_H

#include "jail/config.h"

#define MOUNT_MAX_SOURCES 40

struct mount_source {
	const char *target;   /* path inside the jail */
	int fd;               /* O_PATH handle on the host object */
	unsigned attr;        /* MOUNT_ATTR_* to set recursively */
	bool is_dir;
};

struct mount_sources {
	struct mount_source items[MOUNT_MAX_SOURCES];
	unsigned n;
	char links[8][2][64]; /* top-level merged-/usr symlinks: name, target */
	unsigned nlinks;
};

/* Open every host object the jail binds. Dies on a required one missing.
 * pty is the path of the jail's own fresh pty slave, or NULL: it is bound at
 * /dev/console (/dev/pts is the jail's own devpts; ttyname() finds it). */
void mount_open_sources_or_die(const struct config *cfg, const char *pty,
			       struct mount_sources *src);

/* Build the root, pivot into it and make it read-only. Returns an
 * O_RDONLY|O_DIRECTORY descriptor on the /output tmpfs for capture. */
int mount_setup_child_or_die(const struct config *cfg, struct mount_sources *src);

#endif
