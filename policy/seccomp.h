/*
 * seccomp.h - compile a parsed policy into a libseccomp filter.
 *
 * The filter is built in the parent before clone so that a bad rule is
 * reported before anything exists; the child only calls seccomp_load().
 * Every libseccomp return value is checked: a rule libseccomp refuses is an
 * error, never a silently weaker filter. Non-native ABIs (i386, x32) hit the
 * bad-arch action, which is KILL_PROCESS.
 */
#ifndef ACTJAIL_SECCOMP_H
#define ACTJAIL_SECCOMP_H

#include <seccomp.h>
#include <stddef.h>

#include "policy.h"

/*
 * Build *out from p. Returns 0, or -errno with a message naming the rule
 * (syscall and its position in the policy) written to err. On success the
 * caller owns *out and releases it with seccomp_release().
 */
int seccomp_compile(const struct policy_seccomp *p, const char *filename, scmp_filter_ctx *out,
		    char *err, size_t errlen);

/* Whether the compiled filter sends syscall nr to the launcher as a network
 * check (p->notify_net and a plain allow rule for connect or sendto)
 * rather than allowing it. */
bool seccomp_net_notified(const struct policy_seccomp *p, int nr);

/* The action a filter compiled from p takes for syscall nr called with
 * args, of which the bits of known say which are known (bit i: argument
 * i). 0 with *action set, or -EAGAIN when a rule compares an argument that
 * is not known, so that the answer depends on it. */
int seccomp_policy_action(const struct policy_seccomp *p, int nr, const uint64_t args[6],
			  unsigned known, uint32_t *action);

#endif
