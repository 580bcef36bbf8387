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
#include "policy/pcheck.h"
#include "jail/sha256.h"

#define POLICY_MAX_DEPTH 16
#define POLICY_MAX_ENV	 256
#define POLICY_NAME_MAX	 64

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
		if ((r = pol_get_u64_in(c, n, path, s->min, s->max, &v)))
			return r;
		set_limit(lim, s, v);
		return 0;
	}
	/* seconds: min is 1 for "more than 0" and 0 for "0 or more" */
	if ((r = pol_want_type(c, n, path, JSON_NUMBER)))
		return r;
	r = seconds_to_ms(n->u.number.text, s->max * 1000, &v);
	if (r || (s->min && v == 0))
		return pol_fail(c, n, path, "must be %s and at most %llu%s",
				s->min ? "greater than 0" : "0 or more", (unsigned long long)s->max,
				s->kind == LIMIT_SECONDS ? " seconds" : "");
	*(uint64_t *)((char *)lim + s->off) = v;
	return 0;
}

static int parse_limits(struct pctx *c, const struct json_node *obj, struct limits *lim)
{
	int r = pol_want_type(c, obj, "limits", JSON_OBJECT);

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
		pol_member_path(path, sizeof(path), "limits", key, len);
		if (!s)
			return pol_fail(c, obj->u.object.values[i], path, "unknown field");
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

	if ((r = pol_want_type(c, obj, "identity", JSON_OBJECT)) ||
	    (r = pol_check_fields(c, obj, "identity", known)))
		return r;
	n = json_get(obj, "uid_range");
	if (n) {
		/* [START, COUNT]: host uids (and gids) START..START+COUNT-1 */
		if ((r = pol_want_type(c, n, "identity.uid_range", JSON_ARRAY)))
			return r;
		if (n->u.array.len != 2)
			return pol_fail(c, n, "identity.uid_range", "must be [START, COUNT]");
		if ((r = pol_get_u64_in(c, n->u.array.items[0], "identity.uid_range[0]", 1,
					4294967294U, &v)) ||
		    (r = pol_get_u64_in(c, n->u.array.items[1], "identity.uid_range[1]", 1, 65536,
					&count)))
			return r;
		if (v + count - 1 > 4294967294U)
			return pol_fail(c, n, "identity.uid_range", "range passes the last uid");
		p->uid_range_start = (uint32_t)v;
		p->uid_range_count = (uint32_t)count;
	}
	for (int i = 0; i < 2; i++) {
		const char *path = i ? "identity.gid" : "identity.uid";

		n = json_get(obj, known[i]);
		if (!n)
			continue;
		/* (uid_t)-1 means "unchanged" to setresuid(), so it is no identity */
		if ((r = pol_get_u64_in(c, n, path, 0, 4294967294U, &v)))
			return r;
		if (v == 0)
			return pol_fail(c, n, path, "0 is host root and is refused");
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

	if ((r = pol_want_type(c, obj, "env", JSON_OBJECT)))
		return r;
	n = obj->u.object.len;
	if (n > POLICY_MAX_ENV)
		return pol_fail(c, obj, "env", "more than %d variables", POLICY_MAX_ENV);
	p->env = calloc(n ? n : 1, sizeof(*p->env));
	if (!p->env)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const char *key = obj->u.object.keys[i];
		size_t len = obj->u.object.key_lens[i];
		const struct json_node *v = obj->u.object.values[i];
		char path[160];

		pol_member_path(path, sizeof(path), "env", key, len);
		if (!env_name_ok(key, len))
			return pol_fail(c, v, path,
					"name must match [A-Za-z_][A-Za-z0-9_]* (at most 128)");
		if ((r = pol_want_cstring(c, v, path)))
			return r;
		p->env[i].name = strndup(key, len);
		p->env[i].value = strndup(v->u.string.ptr, v->u.string.len);
		p->nenv = i + 1;
		if (!p->env[i].name || !p->env[i].value)
			return -ENOMEM;
	}
	return 0;
}

/* A dotted Python module name: identifiers joined by single dots. */
static bool module_name_ok(const char *s, size_t n)
{
	bool start = true;

	if (!n || n > 128)
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];

		if (ch == '.') {
			if (start)
				return false;
			start = true;
			continue;
		}
		if (!(ch == '_' || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (!start && ch >= '0' && ch <= '9')))
			return false;
		start = false;
	}
	return !start;
}

static int parse_preload(struct pctx *c, const struct json_node *arr, struct policy *p)
{
	int r;

	if ((r = pol_want_type(c, arr, "preload", JSON_ARRAY)))
		return r;
	if (arr->u.array.len > 64)
		return pol_fail(c, arr, "preload", "more than 64 modules");
	p->preload = calloc(arr->u.array.len ? arr->u.array.len : 1, sizeof(char *));
	if (!p->preload)
		return -ENOMEM;
	for (size_t i = 0; i < arr->u.array.len; i++) {
		const struct json_node *v = arr->u.array.items[i];

		if (v->type != JSON_STRING || !module_name_ok(v->u.string.ptr, v->u.string.len) ||
		    strlen(v->u.string.ptr) != v->u.string.len)
			return pol_fail(c, v, "preload",
					"each entry must be a module name such as \"numpy\" or "
					"\"xml.etree.ElementTree\"");
		if (!(p->preload[i] = strdup(v->u.string.ptr)))
			return -ENOMEM;
		p->npreload = i + 1;
	}
	return 0;
}

static int parse_name(struct pctx *c, const struct json_node *n, struct policy *p)
{
	int r = pol_want_type(c, n, "name", JSON_STRING);

	if (r)
		return r;
	if (n->u.string.len == 0 || n->u.string.len > POLICY_NAME_MAX ||
	    strspn(n->u.string.ptr, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				    "0123456789._-") != n->u.string.len)
		return pol_fail(c, n, "name", "must be 1 to %d of [A-Za-z0-9._-]", POLICY_NAME_MAX);
	p->name = strdup(n->u.string.ptr);
	return p->name ? 0 : -ENOMEM;
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
	int r = pol_want_type(c, arr, "best_effort", JSON_ARRAY);

	if (r)
		return r;
	for (size_t i = 0; i < arr->u.array.len; i++) {
		const struct json_node *n = arr->u.array.items[i];
		char path[48];
		size_t k;

		pol_pathf(path, sizeof(path), "best_effort[%zu]", i);
		if ((r = pol_want_type(c, n, path, JSON_STRING)))
			return r;
		for (k = 0; k < sizeof(names) / sizeof(names[0]); k++)
			if (!strcmp(n->u.string.ptr, names[k].name))
				break;
		if (k == sizeof(names) / sizeof(names[0]))
			return pol_fail(c, n, path,
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
					     "best_effort", "landlock", "preload",
					     NULL };
	const struct json_node *n;
	int r;

	if (root->type != JSON_OBJECT)
		return pol_fail(c, root, "(top level)", "expected object, got %s",
				json_type_name(root->type));
	if ((r = pol_check_fields(c, root, "", known)))
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
		if ((r = pol_want_type(c, n, "cgroup_parent", JSON_STRING)))
			return r;
		if (n->u.string.ptr[0] != '/' || strlen(n->u.string.ptr) != n->u.string.len ||
		    n->u.string.len > 1024 || strstr(n->u.string.ptr, "/../") ||
		    strstr(n->u.string.ptr, "/./"))
			return pol_fail(c, n, "cgroup_parent", "must be an absolute path");
		if (!(p->cgroup_parent = strdup(n->u.string.ptr)))
			return -ENOMEM;
	}
	if ((n = json_get(root, "best_effort")) && (r = parse_best_effort(c, n, p)))
		return r;
	if ((n = json_get(root, "landlock"))) {
		if ((r = pol_want_type(c, n, "landlock", JSON_STRING)))
			return r;
		if (!strcmp(n->u.string.ptr, "required"))
			p->landlock = POLICY_LANDLOCK_REQUIRED;
		else if (!strcmp(n->u.string.ptr, "preferred"))
			p->landlock = POLICY_LANDLOCK_PREFERRED;
		else if (!strcmp(n->u.string.ptr, "off"))
			p->landlock = POLICY_LANDLOCK_OFF;
		else
			return pol_fail(c, n, "landlock",
					"must be \"required\", \"preferred\" or \"off\"");
	}
	if ((n = json_get(root, "preload")) && (r = parse_preload(c, n, p)))
		return r;
	n = json_get(root, "seccomp");
	if (!n)
		return pol_missing(c, root, "", "seccomp");
	return pol_parse_seccomp(c, n, &p->seccomp);
}

int policy_parse(const char *text, size_t len, const char *filename, struct policy *out, char *err,
		 size_t errlen)
{
	struct pctx c = { filename ? filename : "(policy)", err, errlen };
	__attribute__((cleanup(pol_free_json))) struct json_node *root = NULL;
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
	for (size_t i = 0; i < p->npreload; i++)
		free(p->preload[i]);
	free(p->preload);
	free(p->seccomp.rules);
	memset(p, 0, sizeof(*p));
}
