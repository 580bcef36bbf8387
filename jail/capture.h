/*
 * capture.h - copy what the program left in /output to the host, after
 * every process of the jail is gone.
 *
 * The source is the jail's own /output tmpfs, held open by a descriptor the
 * jail's init passed out; every entry is opened one component at a time with
 * openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_XDEV), so
 * nothing the program planted can make the launcher read a host file.
 * Destination entries are created under a held descriptor of --output DIR
 * (opened before the jail was built) the same way; each file is written
 * unnamed (O_TMPFILE) and linked into place only once complete, so no name
 * can escape DIR or follow a link, and a launcher killed halfway leaves
 * nothing partial behind. Only regular files with one link are copied;
 * everything else is listed in skipped with the reason.
 *
 * Every entry the program left appears in files or in skipped. A skip is
 * either the program's doing (a symlink, a limit: host_failure false) or the
 * host's (the destination is gone, full, unwritable: host_failure true, err
 * the errno), which the result reports as a failed capture.
 */
#ifndef ACTJAIL_CAPTURE_H
#define ACTJAIL_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy/policy.h"

struct capture_file {
	char *path; /* relative to /output, valid UTF-8 */
	uint64_t size;
	char sha256[65];
};

struct capture_skip {
	char *path; /* sanitised to valid UTF-8 */
	const char *reason;
	int err;	   /* the errno behind a host-side failure, else 0 */
	bool host_failure; /* not the program's doing: the capture failed */
};

struct capture {
	struct capture_file *files;
	size_t nfiles;
	struct capture_skip *skipped;
	size_t nskipped;
	uint64_t total_bytes;
	size_t host_failures; /* skips with host_failure set */
};

/* Walk src (the /output root) and copy into the directory dst when it is
 * >= 0 (else only list and hash). Neither descriptor is closed. Never fails
 * as a whole: what could not be copied is in c->skipped. Free with
 * capture_free(). */
void capture_run(int src, int dst, const struct limits *l, struct capture *c);
void capture_free(struct capture *c);

/* Whether a skip reason is a refusal of what the program planted (a link,
 * a special file, an unsafe name, a limit): reported as a violation. The
 * host-side failures (unreadable, cannot write destination) are not. */
bool capture_refusal(const char *reason);

#endif
