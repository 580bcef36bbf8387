/*
 * rules.c - the "seccomp" section of a policy (see pcheck.h): the default
 * action, the allow list and the rules with their argument comparisons,
 * each syscall resolved for the native architecture. The meaning the
 * compiler gives overlapping rules is policy/seccomp.c's.
 */
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/pcheck.h"

#define POLICY_MAX_RULES 1024 /* far beyond any real profile; BPF caps at 4096 insns */

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
	int r = pol_want_cstring(c, n, path);

	if (r)
		return r;
	if (policy_parse_action(n->u.string.ptr, action))
		return pol_fail(c, n, path,
				"unknown action \"%s\" (allow, log, kill_process, "
				"kill_thread, trap, errno:NAME or errno:1..4095)",
				pol_shown(s, n->u.string.ptr, n->u.string.len));
	return 0;
}

static int resolve_syscall(struct pctx *c, const struct json_node *n, const char *path,
			   struct policy_rule *rule)
{
	const char *name;
	char s[64];
	int nr, r = pol_want_type(c, n, path, JSON_STRING);

	if (r)
		return r;
	name = n->u.string.ptr;
	if (n->u.string.len >= sizeof(rule->name) || memchr(name, '\0', n->u.string.len))
		nr = __NR_SCMP_ERROR;
	else
		nr = seccomp_syscall_resolve_name(name);
	if (nr == __NR_SCMP_ERROR)
		return pol_fail(c, n, path, "unknown syscall \"%s\"",
				pol_shown(s, name, n->u.string.len));
	if (nr < 0) /* libseccomp knows it, but only for another architecture */
		return pol_fail(c, n, path, "syscall \"%s\" does not exist on this architecture",
				name);
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
		(void)pol_fail(c, at, path, "more than %d rules", POLICY_MAX_RULES);
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
			return pol_fail(c, n, path,
					"must not be negative (write the 64-bit value "
					"as a \"0x...\" string)");
		if (r == -ERANGE)
			return pol_fail(c, n, path, "does not fit in 64 bits");
		if (r)
			return pol_fail(c, n, path, "must be a whole number");
		return 0;
	}
	if (n->type != JSON_STRING)
		return pol_fail(c, n, path, "expected number or string, got %s",
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
	return pol_fail(c, n, path,
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

	if ((r = pol_want_type(c, obj, path, JSON_OBJECT)) ||
	    (r = pol_check_fields(c, obj, path, known)))
		return r;
	index = json_get(obj, "index");
	op = json_get(obj, "op");
	value = json_get(obj, "value");
	mask = json_get(obj, "mask");
	if (!index || !op || !value)
		return pol_missing(c, obj, path, !index ? "index" : !op ? "op" : "value");
	pol_pathf(p, sizeof(p), "%s.index", path);
	if ((r = pol_get_u64_in(c, index, p, 0, 5, &v)))
		return r;
	a->index = (unsigned)v;
	pol_pathf(p, sizeof(p), "%s.op", path);
	if ((r = pol_want_cstring(c, op, p)))
		return r;
	for (k = 0; k < sizeof(ops) / sizeof(ops[0]); k++)
		if (strcmp(op->u.string.ptr, ops[k]) == 0)
			break;
	if (k == sizeof(ops) / sizeof(ops[0]))
		return pol_fail(c, op, p, "unknown op \"%s\" (eq, ne, lt, le, gt, ge, masked_eq)",
				pol_shown(s, op->u.string.ptr, op->u.string.len));
	a->op = (enum policy_cmp)k;
	pol_pathf(p, sizeof(p), "%s.value", path);
	if ((r = parse_datum(c, value, p, &a->value)))
		return r;
	if ((a->op == POLICY_CMP_LT && a->value == 0) ||
	    (a->op == POLICY_CMP_GT && a->value == UINT64_MAX))
		return pol_fail(c, value, p, "no value is %s this, so the rule could never match",
				a->op == POLICY_CMP_LT ? "below" : "above");
	if (a->op != POLICY_CMP_MASKED_EQ) {
		if (mask) {
			pol_pathf(p, sizeof(p), "%s.mask", path);
			return pol_fail(c, mask, p, "mask is only meaningful with op masked_eq");
		}
		return 0;
	}
	if (!mask)
		return pol_missing(c, obj, path, "mask");
	pol_pathf(p, sizeof(p), "%s.mask", path);
	if ((r = parse_datum(c, mask, p, &a->mask)))
		return r;
	if (a->value & ~a->mask) {
		pol_pathf(p, sizeof(p), "%s.value", path);
		return pol_fail(c, value, p,
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

	if ((r = pol_want_type(c, obj, path, JSON_OBJECT)) ||
	    (r = pol_check_fields(c, obj, path, known)))
		return r;
	one = json_get(obj, "syscall");
	many = json_get(obj, "syscalls");
	action = json_get(obj, "action");
	args = json_get(obj, "args");
	if (one && many)
		return pol_fail(c, many, path, "give either \"syscall\" or \"syscalls\", not both");
	if (!one && !many)
		return pol_missing(c, obj, path, "syscall");
	if (!action)
		return pol_missing(c, obj, path, "action");
	pol_pathf(p, sizeof(p), "%s.action", path);
	if ((r = parse_action_node(c, action, p, &tmpl.action)))
		return r;
	if (args) {
		pol_pathf(p, sizeof(p), "%s.args", path);
		if ((r = pol_want_type(c, args, p, JSON_ARRAY)))
			return r;
		if (args->u.array.len > 6)
			return pol_fail(c, args, p, "at most 6 arguments");
		for (size_t i = 0; i < args->u.array.len; i++) {
			struct policy_arg *a = &tmpl.args[i];

			pol_pathf(p, sizeof(p), "%s.args[%zu]", path, i);
			if ((r = parse_arg(c, args->u.array.items[i], p, a)))
				return r;
			for (size_t j = 0; j < i; j++)
				if (tmpl.args[j].index == a->index)
					return pol_fail(
						c, args->u.array.items[i], p,
						"argument %u is already compared in this rule "
						"(one comparison per argument)",
						a->index);
			tmpl.nargs = (unsigned)i + 1;
		}
	}
	if (one) {
		names = &one;
		pol_pathf(p, sizeof(p), "%s.syscall", path);
	} else {
		pol_pathf(p, sizeof(p), "%s.syscalls", path);
		if ((r = pol_want_type(c, many, p, JSON_ARRAY)))
			return r;
		if (many->u.array.len == 0)
			return pol_fail(c, many, p, "must not be empty");
		names = (const struct json_node *const *)many->u.array.items;
		nnames = many->u.array.len;
	}
	for (size_t i = 0; i < nnames; i++) {
		char q[220];

		if (many)
			pol_pathf(q, sizeof(q), "%s[%zu]", p, i);
		else
			pol_pathf(q, sizeof(q), "%s", p);
		if ((r = new_rule(c, names[i], q, s, cap, &rule)))
			return r;
		*rule = tmpl;
		if ((r = resolve_syscall(c, names[i], q, rule)))
			return r;
		for (size_t j = s->nrules - i; j < s->nrules; j++)
			if (s->rules[j].nr == rule->nr)
				return pol_fail(c, names[i], q, "syscall \"%s\" listed twice",
						rule->name);
		s->nrules++;
	}
	return 0;
}

static int parse_allow(struct pctx *c, const struct json_node *arr, struct policy_seccomp *s,
		       size_t *cap)
{
	int r = pol_want_type(c, arr, "seccomp.allow", JSON_ARRAY);
	size_t first = s->nrules;

	if (r)
		return r;
	for (size_t i = 0; i < arr->u.array.len; i++) {
		struct policy_rule *rule;
		char p[64];

		pol_pathf(p, sizeof(p), "seccomp.allow[%zu]", i);
		if ((r = new_rule(c, arr->u.array.items[i], p, s, cap, &rule)) ||
		    (r = resolve_syscall(c, arr->u.array.items[i], p, rule)))
			return r;
		rule->action = SCMP_ACT_ALLOW;
		for (size_t j = first; j < s->nrules; j++)
			if (s->rules[j].nr == rule->nr)
				return pol_fail(
					c, arr->u.array.items[i], p,
					"syscall \"%s\" listed twice (first at seccomp.allow[%zu])",
					rule->name, j - first);
		s->nrules++;
	}
	return 0;
}

int pol_parse_seccomp(struct pctx *c, const struct json_node *obj, struct policy_seccomp *s)
{
	static const char *const known[] = { "default_action", "allow", "rules", NULL };
	const struct json_node *def, *allow, *rules;
	size_t cap = 0;
	int r;

	if ((r = pol_want_type(c, obj, "seccomp", JSON_OBJECT)) ||
	    (r = pol_check_fields(c, obj, "seccomp", known)))
		return r;
	def = json_get(obj, "default_action");
	if (!def)
		return pol_missing(c, obj, "seccomp", "default_action");
	if ((r = parse_action_node(c, def, "seccomp.default_action", &s->default_action)))
		return r;
	allow = json_get(obj, "allow");
	if (allow && (r = parse_allow(c, allow, s, &cap)))
		return r;
	rules = json_get(obj, "rules");
	if (!rules)
		return 0;
	if ((r = pol_want_type(c, rules, "seccomp.rules", JSON_ARRAY)))
		return r;
	for (size_t i = 0; i < rules->u.array.len; i++) {
		char p[64];

		pol_pathf(p, sizeof(p), "seccomp.rules[%zu]", i);
		if ((r = parse_rule(c, rules->u.array.items[i], p, s, &cap)))
			return r;
	}
	return 0;
}
