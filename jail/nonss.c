/*
 * nonss.c - the statically linked launcher resolves no host, service or
 * protocol names. libnl's name helpers, which actjail never calls, refer to
 * glibc's getaddrinfo() and getprotoby*(); linked statically those would
 * need glibc's NSS shared libraries at run time (the linker warns). These
 * stand-ins fail instead, and keep NSS out of the binary. Static builds only.
 */
#include <netdb.h>
#include <stddef.h>

int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
		struct addrinfo **res)
{
	(void)node;
	(void)service;
	(void)hints;
	*res = NULL;
	return EAI_FAIL;
}

void freeaddrinfo(struct addrinfo *res)
{
	(void)res;
}

struct protoent *getprotobynumber(int proto)
{
	(void)proto;
	return NULL;
}

struct protoent *getprotobyname(const char *name)
{
	(void)name;
	return NULL;
}
