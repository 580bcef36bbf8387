/*
 * pcheck.h - private to the policy parser (policy.c, rules.c): the context
 * of one parse and the checks of JSON values. Every check returns 0, or
 * -EINVAL with "FILE:LINE:COLUMN: FIELD.PATH: problem" in c->err,
 * positioned at the offending value (for a missing field, at the object
 * that lacks it).
 */
#ifndef ACTJAIL_POLICY_PCHECK_H
#define ACTJAIL_POLICY_PCHECK_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>

#include "bridge/json.h"
#include "policy/policy.h"

struct pctx {
	const char *file;
	char *err;
	size_t errlen;
};

/* for __attribute__((cleanup)) */
void pol_free_json(struct json_node **n);
/* Always -EINVAL, with the message in c->err. Inline, so that each parser
 * file (and its static analysis) sees that it never returns 0. */
__attribute__((format(printf, 4, 5))) static inline int
pol_fail(struct pctx *c, const struct json_node *at, const char *path, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!c->err || !c->errlen)
		return -EINVAL;
	n = snprintf(c->err, c->errlen, "%s:%u:%u: %s: ", c->file, at->line, at->column, path);
	if (n >= 0 && (size_t)n < c->errlen) {
		va_start(ap, fmt);
		vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* Printable form of (possibly hostile) bytes for a one-line message. */
const char *pol_shown(char out[64], const char *s, size_t len);
__attribute__((format(printf, 3, 4))) void pol_pathf(char *out, size_t n, const char *fmt, ...);
const char *pol_member_path(char *out, size_t outlen, const char *parent, const char *key,
			    size_t keylen);
int pol_want_type(struct pctx *c, const struct json_node *n, const char *path, enum json_type t);
/* Refuse members of obj not named in known (a NULL-terminated list). */
int pol_check_fields(struct pctx *c, const struct json_node *obj, const char *path,
		     const char *const *known);
int pol_missing(struct pctx *c, const struct json_node *obj, const char *path, const char *key);
int pol_want_cstring(struct pctx *c, const struct json_node *n, const char *path);
int pol_get_u64_in(struct pctx *c, const struct json_node *n, const char *path, uint64_t min,
		   uint64_t max, uint64_t *out);

/* The "seccomp" object into *s (rules.c). */
int pol_parse_seccomp(struct pctx *c, const struct json_node *obj, struct policy_seccomp *s);

#endif
