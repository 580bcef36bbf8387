/*
 * violation.c - answering the jail's seccomp notifications.
 *
 * Two kinds of call reach the listener. Calls the policy refuses by its
 * default action: the filter would have returned the errno itself, so the
 * answer is that errno and a record. And the network checks: connect and
 * sendto with an address, which the policy allows. Their
 * destination is read from the caller's memory (process_vm_readv); one on
 * the jail's own loopback goes on (SECCOMP_USER_NOTIF_FLAG_CONTINUE), any
 * other is refused with ENETUNREACH, which is what the jail's network
 * namespace (only lo) answers anyway, and recorded.
 *
 * The read is not a security decision (seccomp_unotify(2) warns that the
 * caller may change its memory between our read and the kernel's): the
 * network namespace is what stops the packet. A program that swaps the
 * address after the read gets ENETUNREACH from the kernel unreported; one
 * whose memory cannot be read is let on to the same kernel check.
 */
#define _GNU_SOURCE
#include "jail/violation.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include "jail/netaddr.h"
#include "policy/seccomp.h"

#ifndef SECCOMP_USER_NOTIF_FLAG_CONTINUE
#define SECCOMP_USER_NOTIF_FLAG_CONTINUE (1UL << 0)
#endif

static void record(struct outcome *o, enum violation_kind kind, const struct seccomp_notif *req,
		   int err, const char *address)
{
	size_t i;

	for (i = 0; i < o->nviolations; i++) {
		struct violation *v = &o->violations[i];

		if (v->kind == kind && v->nr == req->data.nr && !strcmp(v->address, address)) {
			v->count++;
			return;
		}
	}
	if (o->nviolations == MAX_VIOLATIONS) {
		o->violations_dropped++;
		return;
	}
	o->violations[i] =
		(struct violation){ .kind = kind, .nr = req->data.nr, .err = err, .count = 1 };
	memcpy(o->violations[i].first_args, req->data.args, sizeof(req->data.args));
	(void)snprintf(o->violations[i].address, sizeof(o->violations[i].address), "%s", address);
	o->nviolations++;
}

/* Copy len bytes at addr in the caller's memory; false when it cannot be
 * read whole (unmapped, the task gone). */
static bool peek(pid_t pid, uint64_t addr, void *buf, size_t len)
{
	struct iovec local = { buf, len };
	struct iovec remote = { (void *)(uintptr_t)addr, len };

	return addr && process_vm_readv(pid, &local, 1, &remote, 1, 0) == (ssize_t)len;
}

/* The destination of a network check: its address and length in the
 * caller's memory, or false when the call has none. */
static bool destination(const struct seccomp_notif *req, uint64_t *addr, uint64_t *len)
{
	bool is_connect = req->data.nr == SYS_connect;

	*addr = req->data.args[is_connect ? 1 : 4];
	*len = req->data.args[is_connect ? 2 : 5];
	return *addr != 0;
}

void violation_answer(const struct config *cfg, int notify_fd, const struct seccomp_notif *req,
		      struct seccomp_notif_resp *resp, struct outcome *o)
{
	const struct policy_seccomp *p = &cfg->policy.seccomp;
	struct sockaddr_storage sa;
	uint64_t addr, len;
	char where[64];

	if (!seccomp_net_notified(p, req->data.nr)) {
		resp->error = -(int)(p->default_action & 0xffff);
		record(o, VIOLATION_SYSCALL, req, -resp->error, "");
		return;
	}
	resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	if (!destination(req, &addr, &len))
		return;
	/* the kernel reads addrlen as an int and refuses more than a
	 * sockaddr_storage (EINVAL): read what it would */
	len = (uint32_t)len;
	if (len > sizeof(sa))
		return;
	memset(&sa, 0, sizeof(sa));
	if (!peek(req->pid, addr, &sa, (size_t)len) ||
	    !netaddr_off_loopback(&sa, (size_t)len, where, sizeof(where)))
		return;
	/* the pid may have been reused between the notification and the read:
	 * a stale notification is not recorded (its task is gone anyway) */
	if (ioctl(notify_fd, SECCOMP_IOCTL_NOTIF_ID_VALID, &req->id) < 0)
		return;
	resp->flags = 0;
	resp->error = -ENETUNREACH;
	record(o, VIOLATION_NETWORK, req, ENETUNREACH, where);
}

int violation_notify_event(const struct config *cfg, int notify_fd, uint32_t events,
			   struct outcome *o)
{
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;

	if (!(events & EPOLLIN))
		/* EPOLLHUP alone: every task using the filter is gone */
		return events & (EPOLLHUP | EPOLLERR) ? 1 : 0;
	memset(&req, 0, sizeof(req));
	/* SECCOMP_IOCTL_NOTIF_RECV blocks until a notification arrives,
	 * whatever O_NONBLOCK says (seccomp_unotify(2)): it is made once per
	 * readiness epoll reported, never in a loop, or the launcher would
	 * sleep in it and stop enforcing the deadline. More pending
	 * notifications keep the fd readable (level-triggered), so the next
	 * round takes the next one. ENOENT: the notifying task died first;
	 * EINTR cannot come (the signals the launcher handles are blocked). */
	if (ioctl(notify_fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
		return 0;
	memset(&resp, 0, sizeof(resp));
	resp.id = req.id;
	violation_answer(cfg, notify_fd, &req, &resp, o);
	/* the task may be gone already: nothing to answer then. A kernel
	 * without FLAG_CONTINUE (before 5.5) refuses it: the check is then
	 * refused, never left waiting. */
	if (ioctl(notify_fd, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0 && errno == EINVAL &&
	    resp.flags) {
		resp.flags = 0;
		resp.error = -ENETUNREACH;
		(void)ioctl(notify_fd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
	}
	return 0;
}
