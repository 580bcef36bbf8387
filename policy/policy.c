/*
 * policy.c - parse and validate a policy file (format: docs/policy.md).
 *
 * Validation is strict on purpose: an unknown field, a misspelt syscall or
 * an out-of-range limit is an error, never ignored, because a typo in a
 * sandbox policy silently weakens or breaks the sandbox. Every message is
 * "FILE:LINE:COLUMN: FIELD.PATH: problem", positioned at the offending value
 * (or, for a missing field, at the object that lacks it).
 */
#include "policy/policy.h"

#include <errno.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bridge/json.h"
#include "jail/sha256.h"

#define POLICY_MAX_DEPTH 16
#define POLICY_MAX_RULES 1024 /* far beyond any real profile; BPF caps at 4096 insns */
#define POLICY_MAX_ENV	 256
#define POLICY_NAME_MAX	 64

struct pctx {
	const char *file;
	char *err;
	size_t errlen;
};

static void free_json(struct json_node **n)
{
	json_free(*n);
}

__attribute__((format(printf, 4, 5))) static int fail(struct pctx *c, const struct json_node *at,
						      const char *path, const char *fmt, ...)
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
static const char *shown(char out[64], const char *s, size_t len)
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
__attribute__((format(printf, 3, 4))) static void pathf(char *out, size_t n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out, n, fmt, ap);
	va_end(ap);
}

static const char *member_path(char *out, size_t outlen, const char *parent, const char *key,
			       size_t keylen)
{
	char k[64];

	pathf(out, outlen, "%s%s%s", parent, *parent ? "." : "", shown(k, key, keylen));
	return out;
}

static int want_type(struct pctx *c, const struct json_node *n, const char *path, enum json_type t)
{
	if (n->type == t)
		return 0;
	return fail(c, n, path, "expected %s, got %s", json_type_name(t), json_type_name(n->type));
}

/* Refuse members of obj not named in known (a NULL-terminated list). */
static int check_fields(struct pctx *c, const struct json_node *obj, const char *path,
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
			return fail(c, obj->u.object.values[i],
				    member_path(p, sizeof(p), path, key, len), "unknown field");
	}
	return 0;
}

static int missing(struct pctx *c, const struct json_node *obj, const char *path, const char *key)
{
	char p[160];

	return fail(c, obj, member_path(p, sizeof(p), path, key, strlen(key)),
		    "required field is missing");
}

/* A string without NUL bytes (so C APIs see all of it). */
static int want_cstring(struct pctx *c, const struct json_node *n, const char *path)
{
	int r = want_type(c, n, path, JSON_STRING);

	if (!r && memchr(n->u.string.ptr, '\0', n->u.string.len))
		r = fail(c, n, path, "string contains a NUL byte");
	return r;
}

static int get_u64_in(struct pctx *c, const struct json_node *n, const char *path, uint64_t min,
		      uint64_t max, uint64_t *out)
{
	int r = want_type(c, n, path, JSON_NUMBER);

	if (r)
		return r;
	r = json_get_u64(n, out);
	if (r == -EINVAL)
		return fail(c, n, path, "must be a whole number");
	if (r || *out < min || *out > max)
		return fail(c, n, path, "must be between %llu and %llu", (unsigned long long)min,
			    (unsigned long long)max);
	return 0;
}

/*
 * JSON number text as seconds -> whole milliseconds, rounded up, computed on
 * the decimal digits (no floating point: "0.001" is exactly 1 ms). Returns
 * -ERANGE for negative or larger than max_ms, -EINVAL for non-numbers.
 */
static int seconds_to_ms(const char *t, uint64_t max_ms, uint64_t *out)
{
	static const char digits[] = "0123456789";
	const char *ip, *fp = "";
	size_t ni, nf = 0, n, f = 0;
	long long exp = 0, intdigits;
	bool neg = *t == '-', frac = false;
	uint64_t v = 0;

	if (neg)
		t++;
	ip = t;
	ni = strspn(t, digits);
	t += ni;
	if (*t == '.') {
		fp = ++t;
		nf = strspn(t, digits);
		t += nf;
	}
	if (*t == 'e' || *t == 'E') {
		int sign = 1;

		t++;
		if (*t == '+' || *t == '-')
			sign = *t++ == '-' ? -1 : 1;
		for (; *t >= '0' && *t <= '9'; t++)
			if (exp < 100000000)
				exp = exp * 10 + (*t - '0');
		exp *= sign;
	}
	if (*t || ni == 0)
		return -EINVAL;
	n = ni + nf;
#define DIGIT(i) ((i) < ni ? ip[i] : fp[(i)-ni])
	while (f < n && DIGIT(f) == '0')
		f++;
	if (f == n) {
		*out = 0;
		return 0;
	}
	if (neg)
		return -ERANGE;
	/* value in ms = digits[f..n) * 10^(exp - nf + 3); intdigits of them are whole */
	intdigits = (long long)(n - f) + exp - (long long)nf + 3;
	if (intdigits > 18)
		return -ERANGE;
	for (size_t i = f; i < n; i++) {
		if ((long long)(i - f) < intdigits)
			v = v * 10 + (uint64_t)(DIGIT(i) - '0');
		else if (DIGIT(i) != '0')
			frac = true;
	}
#undef DIGIT
	for (long long k = (long long)(n - f); k < intdigits; k++)
		v *= 10;
	v += frac;
	if (v > max_ms)
		return -ERANGE;
	*out = v;
	return 0;
}

enum limit_kind {
	LIMIT_COUNT,   /* stored as given */
	LIMIT_MIB,     /* given in MiB, stored in bytes */
	LIMIT_SECONDS, /* given in seconds, stored in ms */
	LIMIT_MILLI,   /* a decimal number, stored in thousandths */
};

struct limit_spec {
	const char *key;
	size_t off;
	enum limit_kind kind;
	uint64_t min, max, def; /* in the unit of the file */
};

#define LIM(k, field, kind, min, max, def)                                                         \
	{                                                                                          \
		k, offsetof(struct limits, field), kind, min, max, def                             \
	}
/* Upper bounds keep every value far from overflow once converted to bytes. */
static const struct limit_spec limit_specs[] = {
	/* clang-format off */
	LIM("timeout", timeout_ms, LIMIT_SECONDS, 1, 86400, 30),
	LIM("cpu_time", cpu_time_ms, LIMIT_SECONDS, 0, 86400, 0),
	LIM("memory_mib", memory_mib, LIMIT_COUNT, 16, 1048576, 512),
	LIM("pids", pids, LIMIT_COUNT, 1, 32768, 64),
	LIM("open_files", open_files, LIMIT_COUNT, 8, 1048576, 256),
	LIM("file_size_mib", file_size_mib, LIMIT_COUNT, 1, 1048576, 64),
	LIM("tmp_mib", tmp_mib, LIMIT_COUNT, 1, 1048576, 64),
	LIM("shm_mib", shm_mib, LIMIT_COUNT, 1, 1048576, 16),
	LIM("output_mib", output_mib, LIMIT_COUNT, 1, 1048576, 64),
	LIM("output_inodes", output_inodes, LIMIT_COUNT, 1, 16777216, 1024),
	LIM("stdout_bytes", stdout_bytes, LIMIT_COUNT, 1, 1073741824, 1048576),
	LIM("stderr_bytes", stderr_bytes, LIMIT_COUNT, 1, 1073741824, 1048576),
	LIM("capture_files", capture_files, LIMIT_COUNT, 1, 100000, 100),
	LIM("capture_file_mib", capture_file_bytes, LIMIT_MIB, 1, 1048576, 10),
	LIM("capture_total_mib", capture_total_bytes, LIMIT_MIB, 1, 1048576, 64),
	LIM("max_message_bytes", max_message_bytes, LIMIT_COUNT, 1024, 1073741824, 16777216),
	LIM("max_calls", max_calls, LIMIT_COUNT, 1, 100000000, 100000),
	LIM("max_in_flight", max_in_flight, LIMIT_COUNT, 1, 4096, 64),
	LIM("max_bridge_bytes", max_bridge_bytes, LIMIT_COUNT, 1024, 1099511627776, 1073741824),
	LIM("cpus", cpu_millis, LIMIT_MILLI, 0, 1024, 1),
	/* clang-format on */
};
#undef LIM
#define NLIMITS (sizeof(limit_specs) / sizeof(limit_specs[0]))

static void set_limit(struct limits *lim, const struct limit_spec *s, uint64_t v)
{
	uint64_t *dst = (uint64_t *)((char *)lim + s->off);

	*dst = s->kind == LIMIT_MIB ? v << 20 : s->kind >= LIMIT_SECONDS ? v * 1000 : v;
}

/* The defaults are the last column of limit_specs (docs/policy.md). */
void policy_default_limits(struct limits *lim)
{
	for (size_t i = 0; i < NLIMITS; i++)
		set_limit(lim, &limit_specs[i], limit_specs[i].def);
}

static int parse_limit(struct pctx *c, const struct limit_spec *s, const struct json_node *n,
		       const char *path, struct limits *lim)
{
	uint64_t v;
	int r;

	if (s->kind != LIMIT_SECONDS && s->kind != LIMIT_MILLI) {
		if ((r = get_u64_in(c, n, path, s->min, s->max, &v)))
			return r;
		set_limit(lim, s, v);
		return 0;
	}
	/* seconds: min is 1 for "more than 0" and 0 for "0 or more" */
	if ((r = want_type(c, n, path, JSON_NUMBER)))
		return r;
	r = seconds_to_ms(n->u.number.text, s->max * 1000, &v);
	if (r || (s->min && v == 0))
		return fail(c, n, path, "must be %s and at most %llu%s",
			    s->min ? "greater than 0" : "0 or more", (unsigned long long)s->max,
			    s->kind == LIMIT_SECONDS ? " seconds" : "");
	*(uint64_t *)((char *)lim + s->off) = v;
	return 0;
}

static int parse_limits(struct pctx *c, const struct json_node *obj, struct limits *lim)
{
	int r = want_type(c, obj, "limits", JSON_OBJECT);

	if (r)
		return r;
	for (size_t i = 0; i < obj->u.object.len; i++) {
		const char *key = obj->u.object.keys[i];
		size_t len = obj->u.object.key_lens[i];
		const struct limit_spec *s = NULL;
		char path[160];

		for (size_t k = 0; k < NLIMITS && !s; k++)
			if (strlen(limit_specs[k].key) == len &&
			    !memcmp(limit_specs[k].key, key, len))
				s = &limit_specs[k];
		member_path(path, sizeof(path), "limits", key, len);
		if (!s)
			return fail(c, obj->u.object.values[i], path, "unknown field");
		if ((r = parse_limit(c, s, obj->u.object.values[i], path, lim)))
			return r;
	}
	return 0;
}

static int parse_identity(struct pctx *c, const struct json_node *obj, struct policy *p)
{
	static const char *const known[] = { "uid", "gid", "uid_range", NULL };
	const struct json_node *n;
	uint64_t v, count;
	int r;

	if ((r = want_type(c, obj, "identity", JSON_OBJECT)) ||
	    (r = check_fields(c, obj, "identity", known)))
		return r;
	n = json_get(obj, "uid_range");
	if (n) {
		/* [START, COUNT]: host uids (and gids) START..START+COUNT-1 */
		if ((r = want_type(c, n, "identity.uid_range", JSON_ARRAY)))
			return r;
		if (n->u.array.len != 2)
			return fail(c, n, "identity.uid_range", "must be [START, COUNT]");
		if ((r = get_u64_in(c, n->u.array.items[0], "identity.uid_range[0]", 1, 4294967294U,
				    &v)) ||
		    (r = get_u64_in(c, n->u.array.items[1], "identity.uid_range[1]", 1, 65536,
				    &count)))
			return r;
		if (v + count - 1 > 4294967294U)
			return fail(c, n, "identity.uid_range", "range passes the last uid");
		p->uid_range_start = (uint32_t)v;
		p->uid_range_count = (uint32_t)count;
	}
	for (int i = 0; i < 2; i++) {
		const char *path = i ? "identity.gid" : "identity.uid";

		n = json_get(obj, known[i]);
		if (!n)
			continue;
		/* (uid_t)-1 means "unchanged" to setresuid(), so it is no identity */
		if ((r = get_u64_in(c, n, path, 0, 4294967294U, &v)))
			return r;
		if (v == 0)
			return fail(c, n, path, "0 is host root and is refused");
		if (i)
			p->gid = (gid_t)v;
		else
			p->uid = (uid_t)v;
	}
	return 0;
}

static bool env_name_ok(const char *s, size_t len)
{
	if (len == 0 || len > 128 || (s[0] >= '0' && s[0] <= '9'))
		return false;
	for (size_t i = 0; i < len; i++) {
		char ch = s[i];

		if (!(ch == '_' || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9')))
			return false;
	}
	return true;
}

static int parse_env(struct pctx *c, const struct json_node *obj, struct policy *p)
{
	size_t n;
	int r;

	if ((r = want_type(c, obj, "env", JSON_OBJECT)))
		return r;
	n = obj->u.object.len;
	if (n > POLICY_MAX_ENV)
		return fail(c, obj, "env", "more than %d variables", POLICY_MAX_ENV);
	p->env = calloc(n ? n : 1, sizeof(*p->env));
	if (!p->env)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const char *key = obj->u.object.keys[i];
		size_t len = obj->u.object.key_lens[i];
		const struct json_node *v = obj->u.object.values[i];
		char path[160];

		member_path(path, sizeof(path), "env", key, len);
		if (!env_name_ok(key, len))
			return fail(c, v, path,
				    "name must match [A-Za-z_][A-Za-z0-9_]* (at most 128)");
		if ((r = want_cstring(c, v, path)))
			return r;
		p->env[i].name = strndup(key, len);
		p->env[i].value = strndup(v->u.string.ptr, v->u.string.len);
		p->nenv = i + 1;
		if (!p->env[i].name || !p->env[i].value)
			return -ENOMEM;
	}
	return 0;
}

static int parse_name(struct pctx *c, const struct json_node *n, struct policy *p)
{
	int r = want_type(c, n, "name", JSON_STRING);

	if (r)
		return r;
	if (n->u.string.len == 0 || n->u.string.len > POLICY_NAME_MAX ||
	    strspn(n->u.string.ptr, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				    "0123456789._-") != n->u.string.len)
		return fail(c, n, "name", "must be 1 to %d of [A-Za-z0-9._-]", POLICY_NAME_MAX);
	p->name = strdup(n->u.string.ptr);
	return p->name ? 0 : -ENOMEM;
}

/* errno:NAME; errno:N covers the rest */
static const struct {
	const char *name;
	int value;
} errno_names[] = {
	/* clang-format off */
	{ "EPERM", EPERM }, { "ENOENT", ENOENT }, { "EINTR", EINTR }, { "EIO", EIO },
	{ "EBADF", EBADF }, { "EAGAIN", EAGAIN }, { "ENOMEM", ENOMEM }, { "EACCES", EACCES },
	{ "EFAULT", EFAULT }, { "EBUSY", EBUSY }, { "EEXIST", EEXIST }, { "ENODEV", ENODEV },
	{ "EINVAL", EINVAL }, { "ENFILE", ENFILE }, { "EMFILE", EMFILE }, { "ENOTTY", ENOTTY },
	{ "ENOSPC", ENOSPC }, { "EROFS", EROFS }, { "ENOSYS", ENOSYS }, { "ENOTSUP", ENOTSUP },
	{ "EOPNOTSUPP", EOPNOTSUPP }, { "EPROTONOSUPPORT", EPROTONOSUPPORT },
	{ "EAFNOSUPPORT", EAFNOSUPPORT }, { "EADDRNOTAVAIL", EADDRNOTAVAIL },
	{ "ENETUNREACH", ENETUNREACH }, { "ECONNREFUSED", ECONNREFUSED },
	/* clang-format on */
};

int policy_parse_action(const char *s, uint32_t *action)
{
	static const struct {
		const char *name;
		uint32_t action;
	} plain[] = {
		{ "allow", SCMP_ACT_ALLOW },
		{ "log", SCMP_ACT_LOG },
		{ "kill_process", SCMP_ACT_KILL_PROCESS },
		{ "kill_thread", SCMP_ACT_KILL_THREAD },
		{ "trap", SCMP_ACT_TRAP },
	};
	unsigned long v = 0;

	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
		if (strcmp(s, plain[i].name) == 0) {
			*action = plain[i].action;
			return 0;
		}
	}
	if (strncmp(s, "errno:", 6) != 0)
		return -EINVAL;
	s += 6;
	for (size_t i = 0; i < sizeof(errno_names) / sizeof(errno_names[0]); i++) {
		if (strcmp(s, errno_names[i].name) == 0) {
			*action = SCMP_ACT_ERRNO((uint32_t)errno_names[i].value);
			return 0;
		}
	}
	/* errno:N, 1..4095 (MAX_ERRNO); errno 0 would fake success */
	if (*s < '1' || *s > '9' || strspn(s, "0123456789") != strlen(s) || strlen(s) > 4)
		return -EINVAL;
	v = strtoul(s, NULL, 10);
	if (v > 4095)
		return -EINVAL;
	*action = SCMP_ACT_ERRNO((uint32_t)v);
	return 0;
}

static int parse_action_node(struct pctx *c, const struct json_node *n, const char *path,
			     uint32_t *action)
{
	char s[64];
	int r = want_cstring(c, n, path);

	if (r)
		return r;
	if (policy_parse_action(n->u.string.ptr, action))
		return fail(c, n, path,
			    "unknown action \"%s\" (allow, log, kill_process, "
			    "kill_thread, trap, errno:NAME or errno:1..4095)",
			    shown(s, n->u.string.ptr, n->u.string.len));
	return 0;
}

static int resolve_syscall(struct pctx *c, const struct json_node *n, const char *path,
			   struct policy_rule *rule)
{
	const char *name;
	char s[64];
	int nr, r = want_type(c, n, path, JSON_STRING);

	if (r)
		return r;
	name = n->u.string.ptr;
	if (n->u.string.len >= sizeof(rule->name) || memchr(name, '\0', n->u.string.len))
		nr = __NR_SCMP_ERROR;
	else
		nr = seccomp_syscall_resolve_name(name);
	if (nr == __NR_SCMP_ERROR)
		return fail(c, n, path, "unknown syscall \"%s\"", shown(s, name, n->u.string.len));
	if (nr < 0) /* libseccomp knows it, but only for another architecture */
		return fail(c, n, path, "syscall \"%s\" does not exist on this architecture", name);
	rule->nr = nr;
	memcpy(rule->name, name, n->u.string.len + 1);
	rule->line = n->line;
	rule->column = n->column;
	return 0;
}

static int new_rule(struct pctx *c, const struct json_node *at, const char *path,
		    struct policy_seccomp *s, size_t *cap, struct policy_rule **out)
{
	*out = NULL;
	if (s->nrules >= POLICY_MAX_RULES) {
		(void)fail(c, at, path, "more than %d rules", POLICY_MAX_RULES);
		return -EINVAL;
	}
	if (s->nrules == *cap) {
		size_t ncap = *cap ? *cap * 2 : 64;
		struct policy_rule *n = realloc(s->rules, ncap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		s->rules = n;
		*cap = ncap;
	}
	*out = &s->rules[s->nrules];
	memset(*out, 0, sizeof(**out));
	return 0;
}

/* An argument datum: a JSON integer, or a string of decimal or 0x-hex digits. */
static int parse_datum(struct pctx *c, const struct json_node *n, const char *path, uint64_t *out)
{
	const char *s = n->u.string.ptr;
	size_t len;

	if (n->type == JSON_NUMBER) {
		int r = json_get_u64(n, out);

		if (r == -ERANGE && n->u.number.text[0] == '-')
			return fail(c, n, path,
				    "must not be negative (write the 64-bit value "
				    "as a \"0x...\" string)");
		if (r == -ERANGE)
			return fail(c, n, path, "does not fit in 64 bits");
		if (r)
			return fail(c, n, path, "must be a whole number");
		return 0;
	}
	if (n->type != JSON_STRING)
		return fail(c, n, path, "expected number or string, got %s",
			    json_type_name(n->type));
	len = n->u.string.len;
	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && len - 2 <= 16 &&
	    strspn(s + 2, "0123456789abcdefABCDEF") == len - 2) {
		*out = strtoull(s + 2, NULL, 16);
		return 0;
	}
	if (len > 0 && len <= 20 && strspn(s, "0123456789") == len) {
		errno = 0;
		*out = strtoull(s, NULL, 10);
		if (errno != ERANGE)
			return 0;
	}
	return fail(c, n, path,
		    "expected a 64-bit number: decimal or \"0x\" followed by 1 to 16 "
		    "hex digits");
}

static int parse_arg(struct pctx *c, const struct json_node *obj, const char *path,
		     struct policy_arg *a)
{
	static const char *const known[] = { "index", "op", "value", "mask", NULL };
	static const char *const ops[] = { "eq", "ne", "lt", "le", "gt", "ge", "masked_eq" };
	const struct json_node *index, *op, *value, *mask;
	char p[200], s[64];
	uint64_t v;
	size_t k;
	int r;

	if ((r = want_type(c, obj, path, JSON_OBJECT)) || (r = check_fields(c, obj, path, known)))
		return r;
	index = json_get(obj, "index");
	op = json_get(obj, "op");
	value = json_get(obj, "value");
	mask = json_get(obj, "mask");
	if (!index || !op || !value)
		return missing(c, obj, path, !index ? "index" : !op ? "op" : "value");
	pathf(p, sizeof(p), "%s.index", path);
	if ((r = get_u64_in(c, index, p, 0, 5, &v)))
		return r;
	a->index = (unsigned)v;
	pathf(p, sizeof(p), "%s.op", path);
	if ((r = want_cstring(c, op, p)))
		return r;
	for (k = 0; k < sizeof(ops) / sizeof(ops[0]); k++)
		if (strcmp(op->u.string.ptr, ops[k]) == 0)
			break;
	if (k == sizeof(ops) / sizeof(ops[0]))
		return fail(c, op, p, "unknown op \"%s\" (eq, ne, lt, le, gt, ge, masked_eq)",
			    shown(s, op->u.string.ptr, op->u.string.len));
	a->op = (enum policy_cmp)k;
	pathf(p, sizeof(p), "%s.value", path);
	if ((r = parse_datum(c, value, p, &a->value)))
		return r;
	if ((a->op == POLICY_CMP_LT && a->value == 0) ||
	    (a->op == POLICY_CMP_GT && a->value == UINT64_MAX))
		return fail(c, value, p, "no value is %s this, so the rule could never match",
			    a->op == POLICY_CMP_LT ? "below" : "above");
	if (a->op != POLICY_CMP_MASKED_EQ) {
		if (mask) {
			pathf(p, sizeof(p), "%s.mask", path);
			return fail(c, mask, p, "mask is only meaningful with op masked_eq");
		}
		return 0;
	}
	if (!mask)
		return missing(c, obj, path, "mask");
	pathf(p, sizeof(p), "%s.mask", path);
	if ((r = parse_datum(c, mask, p, &a->mask)))
		return r;
	if (a->value & ~a->mask) {
		pathf(p, sizeof(p), "%s.value", path);
		return fail(c, value, p,
			    "has bits outside the mask, so the rule could never "
			    "match");
	}
	return 0;
}

/* One element of seccomp.rules, expanded into one policy_rule per syscall. */
static int parse_rule(struct pctx *c, const struct json_node *obj, const char *path,
		      struct policy_seccomp *s, size_t *cap)
{
	static const char *const known[] = { "syscall", "syscalls", "action", "args", NULL };
	const struct json_node *one, *many, *action, *args, *const *names;
	struct policy_rule tmpl = { 0 }, *rule;
	size_t nnames = 1;
	char p[200];
	int r;

	if ((r = want_type(c, obj, path, JSON_OBJECT)) || (r = check_fields(c, obj, path, known)))
		return r;
	one = json_get(obj, "syscall");
	many = json_get(obj, "syscalls");
	action = json_get(obj, "action");
	args = json_get(obj, "args");
	if (one && many)
		return fail(c, many, path, "give either \"syscall\" or \"syscalls\", not both");
	if (!one && !many)
		return missing(c, obj, path, "syscall");
	if (!action)
		return missing(c, obj, path, "action");
	pathf(p, sizeof(p), "%s.action", path);
	if ((r = parse_action_node(c, action, p, &tmpl.action)))
		return r;
	if (args) {
		pathf(p, sizeof(p), "%s.args", path);
		if ((r = want_type(c, args, p, JSON_ARRAY)))
			return r;
		if (args->u.array.len > 6)
			return fail(c, args, p, "at most 6 arguments");
		for (size_t i = 0; i < args->u.array.len; i++) {
			struct policy_arg *a = &tmpl.args[i];

			pathf(p, sizeof(p), "%s.args[%zu]", path, i);
			if ((r = parse_arg(c, args->u.array.items[i], p, a)))
				return r;
			for (size_t j = 0; j < i; j++)
				if (tmpl.args[j].index == a->index)
					return fail(c, args->u.array.items[i], p,
						    "argument %u is already compared in this rule "
						    "(one comparison per argument)",
						    a->index);
			tmpl.nargs = (unsigned)i + 1;
		}
	}
	if (one) {
		names = &one;
		pathf(p, sizeof(p), "%s.syscall", path);
	} else {
		pathf(p, sizeof(p), "%s.syscalls", path);
		if ((r = want_type(c, many, p, JSON_ARRAY)))
			return r;
		if (many->u.array.len == 0)
			return fail(c, many, p, "must not be empty");
		names = (const struct json_node *const *)many->u.array.items;
		nnames = many->u.array.len;
	}
	for (size_t i = 0; i < nnames; i++) {
		char q[220];

		if (many)
			pathf(q, sizeof(q), "%s[%zu]", p, i);
		else
			pathf(q, sizeof(q), "%s", p);
		if ((r = new_rule(c, names[i], q, s, cap, &rule)))
			return r;
		*rule = tmpl;
		if ((r = resolve_syscall(c, names[i], q, rule)))
			return r;
		for (size_t j = s->nrules - i; j < s->nrules; j++)
			if (s->rules[j].nr == rule->nr)
				return fail(c, names[i], q, "syscall \"%s\" listed twice",
					    rule->name);
		s->nrules++;
	}
	return 0;
}

static int parse_allow(struct pctx *c, const struct json_node *arr, struct policy_seccomp *s,
		       size_t *cap)
{
	int r = want_type(c, arr, "seccomp.allow", JSON_ARRAY);
	size_t first = s->nrules;

	if (r)
		return r;
	for (size_t i = 0; i < arr->u.array.len; i++) {
		struct policy_rule *rule;
		char p[64];

		pathf(p, sizeof(p), "seccomp.allow[%zu]", i);
		if ((r = new_rule(c, arr->u.array.items[i], p, s, cap, &rule)) ||
		    (r = resolve_syscall(c, arr->u.array.items[i], p, rule)))
			return r;
		rule->action = SCMP_ACT_ALLOW;
		for (size_t j = first; j < s->nrules; j++)
			if (s->rules[j].nr == rule->nr)
				return fail(
					c, arr->u.array.items[i], p,
					"syscall \"%s\" listed twice (first at seccomp.allow[%zu])",
					rule->name, j - first);
		s->nrules++;
	}
	return 0;
}

static int parse_seccomp(struct pctx *c, const struct json_node *obj, struct policy_seccomp *s)
{
	static const char *const known[] = { "default_action", "allow", "rules", NULL };
	const struct json_node *def, *allow, *rules;
	size_t cap = 0;
	int r;

	if ((r = want_type(c, obj, "seccomp", JSON_OBJECT)) ||
	    (r = check_fields(c, obj, "seccomp", known)))
		return r;
	def = json_get(obj, "default_action");
	if (!def)
		return missing(c, obj, "seccomp", "default_action");
	if ((r = parse_action_node(c, def, "seccomp.default_action", &s->default_action)))
		return r;
	allow = json_get(obj, "allow");
	if (allow && (r = parse_allow(c, allow, s, &cap)))
		return r;
	rules = json_get(obj, "rules");
	if (!rules)
		return 0;
	if ((r = want_type(c, rules, "seccomp.rules", JSON_ARRAY)))
		return r;
	for (size_t i = 0; i < rules->u.array.len; i++) {
		char p[64];

		pathf(p, sizeof(p), "seccomp.rules[%zu]", i);
		if ((r = parse_rule(c, rules->u.array.items[i], p, s, &cap)))
			return r;
	}
	return 0;
}

static int parse_best_effort(struct pctx *c, const struct json_node *arr, struct policy *p)
{
	static const struct {
		const char *name;
		unsigned bit;
	} names[] = { { "memory_mib", POLICY_LIMIT_MEMORY },
		      { "pids", POLICY_LIMIT_PIDS },
		      { "cpus", POLICY_LIMIT_CPUS },
		      { "violations", POLICY_LAYER_VIOLATIONS } };
	int r = want_type(c, arr, "best_effort", JSON_ARRAY);

	if (r)
		return r;
	for (size_t i = 0; i < arr->u.array.len; i++) {
		const struct json_node *n = arr->u.array.items[i];
		char path[48];
		size_t k;

		pathf(path, sizeof(path), "best_effort[%zu]", i);
		if ((r = want_type(c, n, path, JSON_STRING)))
			return r;
		for (k = 0; k < sizeof(names) / sizeof(names[0]); k++)
			if (!strcmp(n->u.string.ptr, names[k].name))
				break;
		if (k == sizeof(names) / sizeof(names[0]))
			return fail(c, n, path,
				    "not a limit or layer that can be best-effort "
				    "(memory_mib, pids, cpus, violations)");
		p->best_effort |= names[k].bit;
	}
	return 0;
}

static int parse_root(struct pctx *c, const struct json_node *root, struct policy *p)
{
	static const char *const known[] = { "name",	    "limits",	"identity",
					     "env",	    "seccomp",	"cgroup_parent",
					     "best_effort", "landlock", NULL };
	const struct json_node *n;
	int r;

	if (root->type != JSON_OBJECT)
		return fail(c, root, "(top level)", "expected object, got %s",
			    json_type_name(root->type));
	if ((r = check_fields(c, root, "", known)))
		return r;
	n = json_get(root, "name");
	if (n && (r = parse_name(c, n, p)))
		return r;
	if (!n && !(p->name = strdup("unnamed")))
		return -ENOMEM;
	if ((n = json_get(root, "limits")) && (r = parse_limits(c, n, &p->limits)))
		return r;
	if ((n = json_get(root, "identity")) && (r = parse_identity(c, n, p)))
		return r;
	if ((n = json_get(root, "env")) && (r = parse_env(c, n, p)))
		return r;
	if ((n = json_get(root, "cgroup_parent"))) {
		if ((r = want_type(c, n, "cgroup_parent", JSON_STRING)))
			return r;
		if (n->u.string.ptr[0] != '/' || strlen(n->u.string.ptr) != n->u.string.len ||
		    n->u.string.len > 1024 || strstr(n->u.string.ptr, "/../") ||
		    strstr(n->u.string.ptr, "/./"))
			return fail(c, n, "cgroup_parent", "must be an absolute path");
		if (!(p->cgroup_parent = strdup(n->u.string.ptr)))
			return -ENOMEM;
	}
	if ((n = json_get(root, "best_effort")) && (r = parse_best_effort(c, n, p)))
		return r;
	if ((n = json_get(root, "landlock"))) {
		if ((r = want_type(c, n, "landlock", JSON_STRING)))
			return r;
		if (!strcmp(n->u.string.ptr, "required"))
			p->landlock = POLICY_LANDLOCK_REQUIRED;
		else if (!strcmp(n->u.string.ptr, "preferred"))
			p->landlock = POLICY_LANDLOCK_PREFERRED;
		else if (!strcmp(n->u.string.ptr, "off"))
			p->landlock = POLICY_LANDLOCK_OFF;
		else
			return fail(c, n, "landlock",
				    "must be \"required\", \"preferred\" or \"off\"");
	}
	n = json_get(root, "seccomp");
	if (!n)
		return missing(c, root, "", "seccomp");
	return parse_seccomp(c, n, &p->seccomp);
}

int policy_parse(const char *text, size_t len, const char *filename, struct policy *out, char *err,
		 size_t errlen)
{
	struct pctx c = { filename ? filename : "(policy)", err, errlen };
	__attribute__((cleanup(free_json))) struct json_node *root = NULL;
	struct json_error jerr;
	struct policy p = { .uid = 65534, .gid = 65534 };
	int r;

	memset(out, 0, sizeof(*out));
	if (err && errlen)
		err[0] = '\0';
	policy_default_limits(&p.limits);
	r = json_parse(text, len, POLICY_MAX_DEPTH, &root, &jerr);
	if (r == -EINVAL) {
		if (err && errlen)
			snprintf(err, errlen, "%s:%u:%u: syntax error: %s", c.file, jerr.line,
				 jerr.column, jerr.message);
		return r;
	}
	if (!r)
		r = parse_root(&c, root, &p);
	if (r == -ENOMEM && err && errlen)
		snprintf(err, errlen, "%s: out of memory", c.file);
	if (r) {
		policy_free(&p);
		return r;
	}
	sha256_hex(text, len, p.sha256);
	*out = p;
	return 0;
}

void policy_free(struct policy *p)
{
	free(p->name);
	free(p->cgroup_parent);
	for (size_t i = 0; i < p->nenv; i++) {
		free(p->env[i].name);
		free(p->env[i].value);
	}
	free(p->env);
	free(p->seccomp.rules);
	memset(p, 0, sizeof(*p));
}
