/*
 * audit.h - the --audit-log file: opened before the jail exists (a run that
 * could not be recorded does not happen), appended to one whole line at a
 * time under an exclusive lock.
 */
#ifndef ACTJAIL_AUDIT_H
#define ACTJAIL_AUDIT_H

#include <stddef.h>

/* A regular file (not a link, FIFO or device), appended to, whose lock
 * can be taken. The fd (close-on-exec), or -errno. */
int audit_open(const char *path);

/* Append line (len bytes, newline included) whole or not at all: a failed
 * write is cut back. 0 or -errno. */
int audit_append(int fd, const char *line, size_t len);

#endif
