/*
 * verify.h - before the program starts, the jail's init reads its own state
 * back from the kernel (/proc/self/status, uid_map, gid_map, mountinfo,
 * /proc/net/dev, /proc/sys/user) and refuses to go on if any layer differs
 * from what was asked: a silent downgrade becomes a setup error. The
 * read-back is a short "key=value ..." record (at most STATUS_DETAIL_MAX
 * bytes) that the launcher puts in the result as "enforced"; a key
 * "group.name" goes into the object "group", a value "absent" is null.
 */
#ifndef ACTJAIL_VERIFY_H
#define ACTJAIL_VERIFY_H

#include <stddef.h>

#include "jail/config.h"

void verify_child_or_die(const struct config *cfg, int landlock_abi, char *record, size_t len);

/* The seccomp filters the calling process already has (Seccomp_filters in
 * /proc/self/status, Linux 5.9), or -1 when the kernel does not say: the
 * launcher reads it so that the jail can check it has exactly one more. */
int verify_own_filters(void);

#endif
