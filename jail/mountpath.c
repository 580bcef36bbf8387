/* mountpath.c - where a --mount may go in the jail (see mountpath.h). */
#include "jail/mountpath.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* First components the jail builds (jail/mount.c) or keeps for itself;
 * "lib" matches every lib* (lib32, lib64, libx32 and any a host adds). */
static const char *const reserved[] = { "usr", "bin", "sbin", "etc",	"proc", "dev",
					"sys", "run", "tmp",  "output", "lib" };

static bool portable(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '_' || c == '-';
}

int mountpath_check(const char *path, char *err, size_t errlen)
{
	const char *p, *first_end;
	size_t len = strlen(path), depth = 0, first_len;

#define FAIL(...)                                                                                  \
	do {                                                                                       \
		(void)snprintf(err, errlen, __VA_ARGS__);                                          \
		return -EINVAL;                                                                    \
	} while (0)
	if (path[0] != '/')
		FAIL("is not an absolute path");
	if (len == 1)
		FAIL("is the jail's root");
	if (len > MOUNTPATH_MAX)
		FAIL("is longer than %d bytes", MOUNTPATH_MAX);
	for (p = path; *p; p++)
		if (*p != '/' && !portable(*p))
			FAIL("has a character other than letters, digits, '.', '_', '-' and '/'");
	/* each component: between one slash and the next (or the end) */
	for (p = path; *p;) {
		const char *start = p + 1, *end = strchr(start, '/');
		size_t n = end ? (size_t)(end - start) : strlen(start);

		if (n == 0)
			FAIL("has an empty component (a double or trailing slash)");
		if ((n == 1 && start[0] == '.') || (n == 2 && start[0] == '.' && start[1] == '.'))
			FAIL("has a '.' or '..' component");
		if (++depth > MOUNTPATH_MAX_DEPTH)
			FAIL("has more than %d components", MOUNTPATH_MAX_DEPTH);
		p = start + n;
	}
	first_end = strchr(path + 1, '/');
	first_len = first_end ? (size_t)(first_end - path - 1) : len - 1;
	if (path[1] == '.')
		FAIL("starts with a dot name, which actjail keeps for itself");
	for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
		size_t n = strlen(reserved[i]);
		bool lib = !strcmp(reserved[i], "lib");

		if (!strncmp(path + 1, reserved[i], n) && (lib || first_len == n))
			FAIL("is in the jail's own /%s%s", reserved[i], lib ? "*" : "");
	}
#undef FAIL
	return 0;
}

bool mountpath_overlap(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la > lb) {
		const char *t = a;

		a = b;
		b = t;
		la = lb;
	}
	/* a is the shorter: equal, or a prefix of b ending at a slash of b */
	return !strncmp(a, b, la) && (b[la] == '\0' || b[la] == '/');
}

void mountpath_quote(const char *s, char *out, size_t outlen)
{
	size_t n = 0;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		bool plain = c >= 0x20 && c < 0x7f && c != '\\';

		/* room for this byte's form, then "..." and the NUL */
		if (n + (plain ? 1 : 4) + 4 > outlen) {
			memcpy(out + n, "...", 4);
			return;
		}
		if (plain)
			out[n++] = (char)c;
		else
			n += (size_t)snprintf(out + n, 5, "\\x%02x", c);
	}
	out[n] = '\0';
}
