/* net.c - bring lo up with libnl-route and set the UTS names. */
#define _GNU_SOURCE
#include "jail/net.h"

#include <errno.h>
#include <net/if.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <string.h>
#include <unistd.h>

#include "jail/config.h"
#include "jail/log.h"

/* libnl reports its own negative NLE_* codes; name them in the message and
 * pass EIO as the errno, since no errno describes them exactly. */
static _Noreturn void die_nl(const char *what, int nlerr)
{
	die("bring up loopback", EIO, "%s: %s", what, nl_geterror(nlerr));
}

void net_setup_child_or_die(void)
{
	struct nl_sock *sk = nl_socket_alloc();
	struct rtnl_link *lo = NULL, *change = NULL;
	int r;

	if (!sk)
		die("bring up loopback", ENOMEM, "nl_socket_alloc");
	r = nl_connect(sk, NETLINK_ROUTE);
	if (r < 0)
		die_nl("connect", r);
	r = rtnl_link_get_kernel(sk, 0, "lo", &lo);
	if (r < 0)
		die_nl("get lo", r);
	change = rtnl_link_alloc();
	if (!change)
		die("bring up loopback", ENOMEM, "rtnl_link_alloc");
	rtnl_link_set_flags(change, IFF_UP);
	r = rtnl_link_change(sk, lo, change, 0);
	if (r < 0)
		die_nl("set lo up", r);
	rtnl_link_put(change);
	rtnl_link_put(lo);
	nl_socket_free(sk);

	if (sethostname(JAIL_HOSTNAME, strlen(JAIL_HOSTNAME)) < 0)
		die("set hostname", errno, NULL);
	if (setdomainname("", 0) < 0)
		die("set domainname", errno, NULL);
}
