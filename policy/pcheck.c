/*
 * pcheck.c - the checks a policy's parser makes of each JSON value (see
 * pcheck.h): types, fields, ranges, and one-line messages positioned at the
 * offending value.
 */
#include "policy/pcheck.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void pol_free_json(struct json_node **n)
{
	json_free(*n);
}

/* Printable form of (possibly hostile) bytes for a one-line message. */
const char *pol_shown(char out[64], const char *s, size_t len)
{
	size_t o = 0;

	for (size_t i = 0; i < len && o < 52; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch >= 0x20 && ch < 0x7f && ch != '"' && ch != '\\')
			out[o++] = (char)ch;
		else
			o += (size_t)snprintf(out + o, 64 - o, "\\x%02x", ch);
	}
	if (o >= 52)
		memcpy(out + 52, "...", 4);
	else
		out[o] = '\0';
	return out;
}

/* Field paths are built with vsnprintf: a path cut short is fine in a message. */
void pol_pathf(char *out, size_t n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out, n, fmt, ap);
	va_end(ap);
}

const char *pol_member_path(char *out, size_t outlen, const char *parent, const char *key,
			    size_t keylen)
{
	char k[64];

	pol_pathf(out, outlen, "%s%s%s", parent, *parent ? "." : "", pol_shown(k, key, keylen));
	return out;
}

int pol_want_type(struct pctx *c, const struct json_node *n, const char *path, enum json_type t)
{
	if (n->type == t)
		return 0;
	return pol_fail(c, n, path, "expected %s, got %s", json_type_name(t),
			json_type_name(n->type));
}

/* Refuse members of obj not named in known (a NULL-terminated list). */
int pol_check_fields(struct pctx *c, const struct json_node *obj, const char *path,
		     const char *const *known)
{
	for (size_t i = 0; i < obj->u.object.len; i++) {
		const char *key = obj->u.object.keys[i];
		size_t len = obj->u.object.key_lens[i];
		bool found = false;
		char p[160];

		for (const char *const *k = known; *k && !found; k++)
			found = strlen(*k) == len && memcmp(*k, key, len) == 0;
		if (!found)
			return pol_fail(c, obj->u.object.values[i],
					pol_member_path(p, sizeof(p), path, key, len),
					"unknown field");
	}
	return 0;
}

int pol_missing(struct pctx *c, const struct json_node *obj, const char *path, const char *key)
{
	char p[160];

	return pol_fail(c, obj, pol_member_path(p, sizeof(p), path, key, strlen(key)),
			"required field is missing");
}

/* A string without NUL bytes (so C APIs see all of it). */
int pol_want_cstring(struct pctx *c, const struct json_node *n, const char *path)
{
	int r = pol_want_type(c, n, path, JSON_STRING);

	if (!r && memchr(n->u.string.ptr, '\0', n->u.string.len))
		r = pol_fail(c, n, path, "string contains a NUL byte");
	return r;
}

int pol_get_u64_in(struct pctx *c, const struct json_node *n, const char *path, uint64_t min,
		   uint64_t max, uint64_t *out)
{
	int r = pol_want_type(c, n, path, JSON_NUMBER);

	if (r)
		return r;
	r = json_get_u64(n, out);
	if (r == -EINVAL)
		return pol_fail(c, n, path, "must be a whole number");
	if (r || *out < min || *out > max)
		return pol_fail(c, n, path, "must be between %llu and %llu",
				(unsigned long long)min, (unsigned long long)max);
	return 0;
}
