/* netaddr.c - see netaddr.h. */
#include "jail/netaddr.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

bool netaddr_off_loopback(const void *sa, size_t len, char *out, size_t outlen)
{
	char ip[INET6_ADDRSTRLEN];
	sa_family_t family;

	if (len < sizeof(family))
		return false;
	memcpy(&family, sa, sizeof(family));
	if (family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		struct sockaddr_in in;
		uint32_t a;

		memcpy(&in, sa, sizeof(in));
		a = ntohl(in.sin_addr.s_addr);
		if ((a >> 24) == 127 || a == 0)
			return false;
		(void)inet_ntop(AF_INET, &in.sin_addr, ip, sizeof(ip));
		(void)snprintf(out, outlen, "%s:%u", ip, ntohs(in.sin_port));
		return true;
	}
	if (family == AF_INET6 && len >= sizeof(struct sockaddr_in6)) {
		struct sockaddr_in6 in6;
		const struct in6_addr *a = &in6.sin6_addr;

		memcpy(&in6, sa, sizeof(in6));
		if (IN6_IS_ADDR_LOOPBACK(a) || IN6_IS_ADDR_UNSPECIFIED(a) ||
		    (IN6_IS_ADDR_V4MAPPED(a) &&
		     (a->s6_addr[12] == 127 || !memcmp(a->s6_addr + 12, "\0\0\0\0", 4))))
			return false;
		(void)inet_ntop(AF_INET6, a, ip, sizeof(ip));
		(void)snprintf(out, outlen, "[%s]:%u", ip, ntohs(in6.sin6_port));
		return true;
	}
	return false;
}
