/*
 * tap.h - a minimal TAP producer for C unit tests run under prove.
 * Header-only; each test binary includes it once.
 */
#ifndef ACTJAIL_TAP_H
#define ACTJAIL_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_n;
static int tap_failed;

__attribute__((format(printf, 2, 3))) static inline int ok(int cond, const char *fmt, ...)
{
	va_list ap;

	tap_n++;
	printf("%sok %d - ", cond ? "" : "not ", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!cond)
		tap_failed++;
	return cond;
}

#define is_int(got, want, name)                                                                    \
	do {                                                                                       \
		long long g_ = (long long)(got), w_ = (long long)(want);                           \
		if (!ok(g_ == w_, "%s", name))                                                     \
			printf("#   got %lld, want %lld\n", g_, w_);                               \
	} while (0)

#define is_str(got, want, name)                                                                    \
	do {                                                                                       \
		const char *g_ = (got), *w_ = (want);                                              \
		if (!ok(g_ && w_ && strcmp(g_, w_) == 0, "%s", name))                              \
			printf("#   got \"%s\", want \"%s\"\n", g_ ? g_ : "(null)",                \
			       w_ ? w_ : "(null)");                                                \
	} while (0)

#define like(got, needle, name)                                                                    \
	do {                                                                                       \
		const char *g_ = (got), *n_ = (needle);                                            \
		if (!ok(g_ && strstr(g_, n_) != NULL, "%s", name))                                 \
			printf("#   \"%s\" does not contain \"%s\"\n", g_ ? g_ : "(null)", n_);    \
	} while (0)

static inline void diag(const char *msg)
{
	printf("# %s\n", msg);
}

static inline void skip_all(const char *why)
{
	printf("1..0 # SKIP %s\n", why);
	exit(0);
}

static inline int done_testing(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
