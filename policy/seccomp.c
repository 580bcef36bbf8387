/*
 * seccomp.c - compile struct policy_seccomp into a libseccomp filter.
 *
 * libseccomp 2.5 (checked with 2.5.4 and seccomp_export_pfc) has three
 * behaviours a policy compiler must not pass through silently:
 *  - once a syscall has a rule without arguments, every rule with
 *    arguments for it is dropped, whatever its action and whatever the
 *    order of seccomp_rule_add calls: "allow ioctl, except TIOCSTI" would
 *    compile to "allow ioctl";
 *  - of two overlapping argument rules with different actions, the one
 *    whose comparison sorts first in its tree wins: not something a policy
 *    author can see;
 *  - a rule whose action equals the default action fails with -EACCES.
 * So this file gives rules a defined meaning before libseccomp sees them:
 * argument rules whose actions differ must not overlap (an error names
 * both), and a rule without arguments is the fallback for the calls no
 * argument rule of that syscall matches. The fallback is emitted as the
 * complement of the argument rules' value sets, which is only a finite set
 * of masked_eq rules when the argument rules use eq and masked_eq; other
 * comparisons next to a rule without arguments are refused.
 *
 * The kernel truncates int and unsigned int arguments (ioctl's cmd,
 * personality, socket's domain) to 32 bits, while BPF sees all 64: a deny
 * rule for such an argument must mask with 0xffffffff (docs/policy.md).
 */
#include "policy/seccomp.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bounds for the complement: ioctl minus TIOCSTI and TIOCLINUX takes 35. */
#define COVER_MAX	     256
#define COVER_CANDIDATES_MAX 4096

/* {x : (x[a] & mask[a]) == value[a] for every argument a}: one masked_eq rule. */
struct cube {
	uint64_t mask[6];
	uint64_t value[6];
};

struct cctx {
	const char *file;
	char *err;
	size_t errlen;
};

static void release_filter(scmp_filter_ctx *ctx)
{
	if (*ctx)
		seccomp_release(*ctx);
}

__attribute__((format(printf, 4, 5))) static int fail(struct cctx *c, const struct policy_rule *r,
						      int error, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!c->err || !c->errlen)
		return error;
	if (r)
		n = snprintf(c->err, c->errlen, "%s:%u:%u: syscall \"%s\": ", c->file, r->line,
			     r->column, r->name);
	else
		n = snprintf(c->err, c->errlen, "%s: ", c->file);
	if (n >= 0 && (size_t)n < c->errlen) {
		va_start(ap, fmt);
		vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return error;
}

/* Inclusive range of values a non-masked comparison accepts (ne excepted). */
static void cmp_range(const struct policy_arg *a, uint64_t *lo, uint64_t *hi)
{
	*lo = 0;
	*hi = UINT64_MAX;
	switch (a->op) {
	case POLICY_CMP_EQ:
		*lo = *hi = a->value;
		break;
	case POLICY_CMP_LT:
		*hi = a->value - 1; /* the parser refuses lt 0 */
		break;
	case POLICY_CMP_LE:
		*hi = a->value;
		break;
	case POLICY_CMP_GT:
		*lo = a->value + 1; /* the parser refuses gt UINT64_MAX */
		break;
	case POLICY_CMP_GE:
		*lo = a->value;
		break;
	default:
		break;
	}
}

/* Is there an x in [lo, hi] with (x & m) == v? (v has no bits outside m.) */
static bool masked_meets_range(uint64_t m, uint64_t v, uint64_t lo, uint64_t hi)
{
	uint64_t best = 0;
	bool found = (lo & m) == v;

	if (found)
		return lo <= hi;
	/*
	 * The least x > lo that matches keeps lo's bits above some bit i, has
	 * bit i set where lo has it clear, and is minimal below i: v's fixed
	 * bits, zero elsewhere. The lowest usable i gives the least x.
	 */
	for (int i = 0; i < 64 && !found; i++) {
		uint64_t bit = 1ULL << i, above = i == 63 ? 0 : ~0ULL << (i + 1);

		if ((lo & bit) || ((m & bit) && !(v & bit)))
			continue;
		if ((lo ^ v) & m & above)
			continue;
		best = (lo & above) | bit | (v & (bit - 1));
		found = true;
	}
	return found && best <= hi;
}

/* Can one 64-bit value satisfy both comparisons on the same argument? */
static bool cmps_meet(const struct policy_arg *a, const struct policy_arg *b)
{
	uint64_t alo, ahi, blo, bhi;

	if (a->op == POLICY_CMP_MASKED_EQ && b->op == POLICY_CMP_MASKED_EQ)
		return ((a->value ^ b->value) & a->mask & b->mask) == 0;
	if (a->op == POLICY_CMP_NE && b->op == POLICY_CMP_NE)
		return true; /* 2^64 - 2 values remain */
	/* put the ne (if any), else the masked_eq (if any), in a */
	if (b->op == POLICY_CMP_NE || (b->op == POLICY_CMP_MASKED_EQ && a->op != POLICY_CMP_NE)) {
		const struct policy_arg *t = a;

		a = b;
		b = t;
	}
	if (a->op == POLICY_CMP_NE) {
		/* empty only when b accepts exactly a->value */
		if (b->op == POLICY_CMP_MASKED_EQ)
			return !(b->mask == UINT64_MAX && b->value == a->value);
		cmp_range(b, &blo, &bhi);
		return !(blo == bhi && blo == a->value);
	}
	cmp_range(b, &blo, &bhi);
	if (a->op == POLICY_CMP_MASKED_EQ)
		return masked_meets_range(a->mask, a->value, blo, bhi);
	cmp_range(a, &alo, &ahi);
	return (alo > blo ? alo : blo) <= (ahi < bhi ? ahi : bhi);
}

/* Can one call match both rules? Unconstrained arguments meet anything. */
static bool rules_meet(const struct policy_rule *x, const struct policy_rule *y)
{
	for (unsigned i = 0; i < x->nargs; i++)
		for (unsigned j = 0; j < y->nargs; j++)
			if (x->args[i].index == y->args[j].index &&
			    !cmps_meet(&x->args[i], &y->args[j]))
				return false;
	return true;
}

static int to_cube(const struct policy_rule *r, struct cube *q)
{
	memset(q, 0, sizeof(*q));
	for (unsigned i = 0; i < r->nargs; i++) {
		const struct policy_arg *a = &r->args[i];

		if (a->op != POLICY_CMP_EQ && a->op != POLICY_CMP_MASKED_EQ)
			return -EINVAL;
		q->mask[a->index] = a->op == POLICY_CMP_EQ ? UINT64_MAX : a->mask;
		q->value[a->index] = a->value;
	}
	return 0;
}

static bool cube_disjoint(const struct cube *a, const struct cube *b)
{
	for (int i = 0; i < 6; i++)
		if ((a->value[i] ^ b->value[i]) & a->mask[i] & b->mask[i])
			return true;
	return false;
}

/* Does big contain small? */
static bool cube_contains(const struct cube *big, const struct cube *small)
{
	for (int i = 0; i < 6; i++)
		if ((big->mask[i] & ~small->mask[i]) ||
		    ((small->value[i] ^ big->value[i]) & big->mask[i]))
			return false;
	return true;
}

/*
 * Cubes whose union is everything outside the union of ex[0..nex): start
 * from the whole space and, for each excluded cube, replace every cube that
 * meets it by the parts that differ from it in one of its fixed bits. Cubes
 * inside other cubes are dropped as we go, which keeps the result small.
 * Returns the count, or -E2BIG.
 */
static int complement(const struct cube *ex, size_t nex, struct cube **out)
{
	struct cube *cur = calloc(1, sizeof(*cur)), *next = NULL;
	size_t ncur = 1;

	if (!cur)
		return -ENOMEM;
	for (size_t e = 0; e < nex; e++) {
		size_t nnext = 0;

		next = calloc(COVER_CANDIDATES_MAX, sizeof(*next));
		if (!next) {
			free(cur);
			return -ENOMEM;
		}
		for (size_t k = 0; k < ncur; k++) {
			if (cube_disjoint(&cur[k], &ex[e])) {
				next[nnext++] = cur[k];
				continue;
			}
			for (int a = 0; a < 6; a++) {
				uint64_t open = ex[e].mask[a] & ~cur[k].mask[a];

				for (int b = 0; b < 64; b++) {
					uint64_t bit = 1ULL << b;

					if (!(open & bit))
						continue;
					if (nnext == COVER_CANDIDATES_MAX)
						goto too_big;
					next[nnext] = cur[k];
					next[nnext].mask[a] |= bit;
					next[nnext].value[a] |= ~ex[e].value[a] & bit;
					nnext++;
				}
			}
		}
		/* drop cubes contained in another (keep the first of equal ones) */
		ncur = 0;
		for (size_t i = 0; i < nnext; i++) {
			bool inside = false;

			for (size_t j = 0; j < nnext && !inside; j++)
				inside = j != i && cube_contains(&next[j], &next[i]) &&
					 (j < i || !cube_contains(&next[i], &next[j]));
			if (!inside)
				next[ncur++] = next[i];
		}
		free(cur);
		cur = next;
		next = NULL;
		if (ncur > COVER_MAX)
			goto too_big;
	}
	*out = cur;
	return (int)ncur;
too_big:
	free(cur);
	free(next);
	return -E2BIG;
}

static int add_rule(struct cctx *c, scmp_filter_ctx ctx, const struct policy_rule *r,
		    uint32_t action, const struct scmp_arg_cmp *cmps, unsigned n)
{
	int rc = seccomp_rule_add_exact_array(ctx, action, r->nr, n, cmps);

	if (rc == -ENOMEM)
		return fail(c, r, rc, "out of memory");
	if (rc)
		return fail(c, r, rc, "libseccomp refused the rule: %s", strerror(-rc));
	return 0;
}

static int add_policy_rule(struct cctx *c, scmp_filter_ctx ctx, const struct policy_rule *r)
{
	static const enum scmp_compare ops[] = {
		[POLICY_CMP_EQ] = SCMP_CMP_EQ,
		[POLICY_CMP_NE] = SCMP_CMP_NE,
		[POLICY_CMP_LT] = SCMP_CMP_LT,
		[POLICY_CMP_LE] = SCMP_CMP_LE,
		[POLICY_CMP_GT] = SCMP_CMP_GT,
		[POLICY_CMP_GE] = SCMP_CMP_GE,
		[POLICY_CMP_MASKED_EQ] = SCMP_CMP_MASKED_EQ,
	};
	struct scmp_arg_cmp cmps[6];

	for (unsigned i = 0; i < r->nargs && i < 6; i++) {
		const struct policy_arg *a = &r->args[i];

		cmps[i] = (struct scmp_arg_cmp){
			.arg = a->index,
			.op = ops[a->op],
			.datum_a = a->op == POLICY_CMP_MASKED_EQ ? a->mask : a->value,
			.datum_b = a->op == POLICY_CMP_MASKED_EQ ? a->value : 0,
		};
	}
	return add_rule(c, ctx, r, r->action, cmps, r->nargs);
}

static int add_cube(struct cctx *c, scmp_filter_ctx ctx, const struct policy_rule *base,
		    const struct cube *q)
{
	struct scmp_arg_cmp cmps[6];
	unsigned n = 0;

	for (unsigned a = 0; a < 6; a++) {
		if (!q->mask[a])
			continue;
		cmps[n++] = q->mask[a] == UINT64_MAX
				    ? (struct scmp_arg_cmp){ a, SCMP_CMP_EQ, q->value[a], 0 }
				    : (struct scmp_arg_cmp){ a, SCMP_CMP_MASKED_EQ, q->mask[a],
							     q->value[a] };
	}
	return add_rule(c, ctx, base, base->action, cmps, n);
}

/*
 * Emit the rules of one syscall: rules[idx[0..n)] in policy order. At most
 * one may be without arguments (the fallback); argument rules with
 * different actions must not overlap.
 */
static int add_syscall(struct cctx *c, scmp_filter_ctx ctx, uint32_t def,
		       const struct policy_rule *rules, const size_t *idx, size_t n)
{
	const struct policy_rule *base = NULL;
	struct cube *ex = NULL, *cover = NULL;
	size_t nex = 0;
	int r = 0, ncover;

	for (size_t i = 0; i < n; i++) {
		const struct policy_rule *x = &rules[idx[i]];

		if (x->nargs == 0) {
			if (base)
				return fail(c, x, -EINVAL,
					    "a rule without args for this syscall "
					    "already stands at %s:%u:%u",
					    c->file, base->line, base->column);
			base = x;
			continue;
		}
		for (size_t j = 0; j < i; j++) {
			const struct policy_rule *y = &rules[idx[j]];

			if (y->nargs && y->action != x->action && rules_meet(x, y))
				return fail(c, x, -EINVAL,
					    "overlaps the rule at %s:%u:%u, which "
					    "has another action; make their args disjoint",
					    c->file, y->line, y->column);
		}
	}
	/* A fallback with the default action is what happens anyway. */
	if (base && base->action == def)
		base = NULL;
	if (base && n > 1) {
		ex = calloc(n, sizeof(*ex));
		if (!ex)
			return fail(c, base, -ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < n && !r; i++) {
		const struct policy_rule *x = &rules[idx[i]];

		if (!x->nargs)
			continue;
		if (base && to_cube(x, &ex[nex++]))
			r = fail(c, x, -EINVAL,
				 "next to a rule without args for the same syscall, "
				 "args may only use eq and masked_eq");
		else if (x->action != def)
			r = add_policy_rule(c, ctx, x);
	}
	if (r || !base)
		goto out;
	if (nex == 0) {
		r = add_rule(c, ctx, base, base->action, NULL, 0);
		goto out;
	}
	ncover = complement(ex, nex, &cover);
	if (ncover == -E2BIG) {
		r = fail(c, base, -EINVAL,
			 "the exceptions to this rule need more than %d "
			 "masked_eq rules",
			 COVER_MAX);
		goto out;
	}
	if (ncover < 0) {
		r = fail(c, base, ncover, "out of memory");
		goto out;
	}
	for (int i = 0; i < ncover && !r; i++)
		r = add_cube(c, ctx, base, &cover[i]);
out:
	free(cover);
	free(ex);
	return r;
}

struct rule_ref {
	int nr;
	size_t pos;
};

static int by_syscall(const void *a, const void *b)
{
	const struct rule_ref *x = a, *y = b;

	if (x->nr != y->nr)
		return x->nr < y->nr ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos; /* policy order */
}

/* Group rules by syscall: idx[] lists them ordered by (syscall, position). */
static int order_rules(const struct policy_seccomp *p, size_t **idx)
{
	struct rule_ref *refs = calloc(p->nrules ? p->nrules : 1, sizeof(*refs));

	*idx = calloc(p->nrules ? p->nrules : 1, sizeof(**idx));
	if (!refs || !*idx) {
		free(refs);
		free(*idx);
		*idx = NULL;
		return -ENOMEM;
	}
	for (size_t i = 0; i < p->nrules; i++)
		refs[i] = (struct rule_ref){ p->rules[i].nr, i };
	qsort(refs, p->nrules, sizeof(*refs), by_syscall);
	for (size_t i = 0; i < p->nrules; i++)
		(*idx)[i] = refs[i].pos;
	free(refs);
	return 0;
}

bool seccomp_net_notified(const struct policy_seccomp *p, int nr)
{
	const struct policy_rule *only = NULL;

	if (!p->notify_net || (nr != SCMP_SYS(connect) && nr != SCMP_SYS(sendto)))
		return false;
	for (size_t i = 0; i < p->nrules; i++) {
		if (p->rules[i].nr != nr)
			continue;
		if (only)
			return false;
		only = &p->rules[i];
	}
	return only && only->nargs == 0 && only->action == SCMP_ACT_ALLOW;
}

/* The network checks: connect always comes to the launcher, sendto only
 * with a destination address (argument 4), so the common send on a
 * connected socket costs nothing. The launcher lets loopback through; the
 * network namespace is what enforces, this only reports. sendmsg is not
 * checked: the jail's init passes the listener itself with sendmsg, and
 * a msghdr's address cannot be seen by a filter. */
static int add_net_notify(struct cctx *c, scmp_filter_ctx ctx, const struct policy_rule *r,
			  bool notify_default)
{
	const struct scmp_arg_cmp no_addr = { 4, SCMP_CMP_EQ, 0, 0 };
	const struct scmp_arg_cmp addr = { 4, SCMP_CMP_NE, 0, 0 };
	int rc = 0;

	if (r->nr == SCMP_SYS(sendto))
		rc = add_rule(c, ctx, r, SCMP_ACT_ALLOW, &no_addr, 1);
	/* with a notifying default action, what is left goes there anyway
	 * (and libseccomp refuses a rule with the default's action) */
	if (rc || notify_default)
		return rc;
	return add_rule(c, ctx, r, SCMP_ACT_NOTIFY, r->nr == SCMP_SYS(sendto) ? &addr : NULL,
			r->nr == SCMP_SYS(sendto) ? 1 : 0);
}

int seccomp_compile(const struct policy_seccomp *p, const char *filename, scmp_filter_ctx *out,
		    char *err, size_t errlen)
{
	struct cctx c = { filename ? filename : "(policy)", err, errlen };
	__attribute__((cleanup(release_filter))) scmp_filter_ctx ctx = NULL;
	size_t *idx = NULL;
	int r;

	*out = NULL;
	if (err && errlen)
		err[0] = '\0';
	ctx = seccomp_init(p->notify_default ? SCMP_ACT_NOTIFY : p->default_action);
	if (!ctx)
		return fail(&c, NULL, -EINVAL, "seccomp.default_action: libseccomp refused it");
	/*
	 * Only the native ABI is in the filter: a call from the i386 ABI (int
	 * 0x80) fails the arch check and one from x32 (nr | 0x40000000) fails
	 * libseccomp's "nr >= 0x40000000" check on x86_64; both then take this
	 * action (tests/unit/test_seccomp.c runs the BPF and calls x32 getpid).
	 */
	r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
	/* The launcher sets no_new_privs itself, before loading (STYLE.md step 13). */
	if (!r)
		r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	/* A binary search over syscall numbers instead of a linear if-chain. */
	if (!r)
		r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if (r)
		return fail(&c, NULL, r, "libseccomp refused a filter attribute: %s", strerror(-r));
	if ((r = order_rules(p, &idx)))
		return fail(&c, NULL, r, "out of memory");
	for (size_t i = 0; i < p->nrules && !r;) {
		size_t j = i;

		while (j < p->nrules && p->rules[idx[j]].nr == p->rules[idx[i]].nr)
			j++;
		if (seccomp_net_notified(p, p->rules[idx[i]].nr))
			r = add_net_notify(&c, ctx, &p->rules[idx[i]], p->notify_default);
		else
			r = add_syscall(&c, ctx, p->default_action, p->rules, idx + i, j - i);
		i = j;
	}
	free(idx);
	if (r)
		return r;
	*out = ctx;
	ctx = NULL; /* ownership passes to the caller */
	return 0;
}

/* One comparison of a rule, as the kernel's filter makes it (64 bits). */
static bool arg_matches(const struct policy_arg *a, uint64_t x)
{
	switch (a->op) {
	case POLICY_CMP_EQ:
		return x == a->value;
	case POLICY_CMP_NE:
		return x != a->value;
	case POLICY_CMP_LT:
		return x < a->value;
	case POLICY_CMP_LE:
		return x <= a->value;
	case POLICY_CMP_GT:
		return x > a->value;
	case POLICY_CMP_GE:
		return x >= a->value;
	case POLICY_CMP_MASKED_EQ:
		return (x & a->mask) == a->value;
	}
	return false;
}

int seccomp_policy_action(const struct policy_seccomp *p, int nr, const uint64_t args[6],
			  unsigned known, uint32_t *action)
{
	const struct policy_rule *plain = NULL, *hit = NULL;
	bool unsure = false;

	for (size_t i = 0; i < p->nrules; i++) {
		const struct policy_rule *r = &p->rules[i];
		bool all = true, maybe = false;

		if (r->nr != nr)
			continue;
		if (!r->nargs) {
			plain = r;
			continue;
		}
		for (unsigned k = 0; k < r->nargs && all; k++) {
			const struct policy_arg *a = &r->args[k];

			if (a->index > 5 || !(known & (1u << a->index)))
				maybe = true;
			else if (!arg_matches(a, args[a->index]))
				all = false;
		}
		if (!all)
			continue;
		/* argument rules with different actions never overlap (see
		 * the top of this file): a certain match decides */
		if (!maybe) {
			hit = r;
			break;
		}
		unsure = true;
	}
	if (hit) {
		*action = hit->action;
		return 0;
	}
	if (unsure)
		return -EAGAIN;
	*action = plain ? plain->action : p->default_action;
	return 0;
}
