/*
 * capture.h - copy what the program left in /output to the host, after
 * every process of the jail is gone.
 *
 * The source is the jail's own /output tmpfs, held open by a descriptor the
 * jail's init passed out; every entry is opened one component at a time with
 * openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_XDEV), so
 * nothing the program planted can make the launcher read a host file.
 * Destination entries are created under a held descriptor of --output DIR
 * the same way, written to a temporary name and renamed into place, so no
 * name can escape DIR or follow a link. Only regular files with one link are
 * copied; everything else is listed in skipped with the reason.
 */
#ifndef ACTJAIL_CAPTURE_H
#define ACTJAIL_CAPTURE_H

#include <stddef.h>
#include <stdint.h>

#include "policy/policy.h"

struct capture_file {
	char *path;       /* relative to /output, valid UTF-8 */
	uint64_t size;
	char sha256[65];
};

struct capture_skip {
	char *path;       /* sanitised to valid UTF-8 */
	const char *reason;
};

struct capture {
	struct capture_file *files;
	size_t nfiles;
	struct capture_skip *skipped;
	size_t nskipped;
	uint64_t total_bytes;
};

/* Walk src (the /output root) and copy into dest_dir when not NULL (else
 * only list and hash). Returns 0, or -errno when dest_dir cannot be used,
 * with what was done so far in *c. Free with capture_free(). */
int capture_run(int src, const char *dest_dir, const struct limits *l, struct capture *c);
void capture_free(struct capture *c);

#endif
