/*
 * mountpath.h - where a --mount may go in the jail. Pure (no system
 * calls), so the rules are unit-tested (tests/unit/test_mountpath.c).
 *
 * A destination is an absolute, normalised path: no empty, "." or ".."
 * component, no trailing slash, at most MOUNTPATH_MAX bytes and
 * MOUNTPATH_MAX_DEPTH components, each of the portable file-name
 * characters [A-Za-z0-9._-] (nothing the mount table would escape or a
 * parser could split on). Its first component is not one the jail builds
 * itself or may build later: usr, bin, sbin, lib*, etc, proc, dev, sys,
 * run, tmp, output, nor one starting with a dot (actjail's own scratch
 * names in the root tmpfs), and it is not "/" itself. Two destinations
 * may not overlap (be equal, or one below the other): a mount inside
 * another read-only mount would need its mount point created in the
 * caller's directory.
 */
#ifndef ACTJAIL_MOUNTPATH_H
#define ACTJAIL_MOUNTPATH_H

#include <stdbool.h>
#include <stddef.h>

#define MOUNTPATH_MAX	    200 /* bytes, without the NUL */
#define MOUNTPATH_MAX_DEPTH 16	/* components */

/* 0 when path is a valid destination; else -EINVAL and why in err (a
 * phrase that completes "'PATH' ..."). */
int mountpath_check(const char *path, char *err, size_t errlen);

/* True when a and b (both valid) are equal or one lies below the other. */
bool mountpath_overlap(const char *a, const char *b);

/* s for a one-line message: bytes outside printable ASCII, and the
 * backslash, as \xNN; cut with "..." to fit outlen (at least 8). */
void mountpath_quote(const char *s, char *out, size_t outlen);

#endif
