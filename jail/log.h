/*
 * log.h - messages and the two kinds of failure (after isolate): die() is a
 * failure of the jail itself (exit 125), usage_error() a bad command line
 * (exit 2). The program's own failures are never reported through here.
 */
#ifndef ACTJAIL_LOG_H
#define ACTJAIL_LOG_H

#include <stdarg.h>
#include <stddef.h>

enum log_level {
	LOG_QUIET = -1,
	LOG_NORMAL = 0,
	LOG_VERBOSE = 1
};

/* Room for one message: a path as long as the kernel allows (PATH_MAX) and
 * what is said about it, so a long path never cuts off the field and the
 * bounds that follow it. */
#define LOG_MSG_MAX 4608

void log_set_level(int level);
int log_get_level(void);

void log_verbose(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "actjail: MESSAGE" and a pointer to --help; exit 2. */
_Noreturn void usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/*
 * A setup step failed: "actjail: STEP: strerror(err)[: DETAIL]". In the
 * launcher the cleanup hook runs (kills and reaps a started jail) and the
 * process exits 125. Inside the jail (after log_enter_child) the record goes
 * to the launcher over the status socket and the child _exits 125.
 * err may be 0 when there is no errno; fmt may be NULL.
 */
_Noreturn void die(const char *step, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4), noreturn));

void log_set_cleanup(void (*fn)(void));
/* Called by die() in the launcher after the cleanup hook, before exiting:
 * with --json it prints the setup_error result object. */
void log_set_report(void (*fn)(const char *step, int err, const char *detail));
void log_enter_child(int status_fd);

/* A hint printed under a setup error where the cause is common. */
const char *log_hint(const char *step, int err);

#endif
