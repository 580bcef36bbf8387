/*
 * jobdir.h - remove an execution's private directory and everything in it,
 * without following a symbolic link anywhere (the files came out of a jail).
 * Returns 0 or the first -errno; removes what it can either way.
 */
#ifndef ACTJAIL_JOBDIR_H
#define ACTJAIL_JOBDIR_H

int jobdir_remove(const char *path);

#endif
