/*
 * net.h - the jail's network namespace: loopback up (over netlink, with
 * libnl-route), no other interface, no routes beyond the kernel's local ones,
 * and the fixed hostname. Child side; needs CAP_NET_ADMIN / CAP_SYS_ADMIN in
 * the jail's user namespace, so it runs before capabilities are dropped.
 */
#ifndef ACTJAIL_NET_H
#define ACTJAIL_NET_H

void net_setup_child_or_die(void);

#endif
