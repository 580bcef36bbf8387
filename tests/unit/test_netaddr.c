/* test_netaddr.c - which socket addresses from the jail are off its
 * loopback, and their text form; short and odd input. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "jail/netaddr.h"
#include "tests/tap.h"

static const char *v4(const char *ip, unsigned port, size_t len)
{
	static char out[64];
	struct sockaddr_in in = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };

	(void)inet_pton(AF_INET, ip, &in.sin_addr);
	strcpy(out, "-");
	return netaddr_off_loopback(&in, len, out, sizeof(out)) ? out : "local";
}

static const char *v6(const char *ip, unsigned port, size_t len)
{
	static char out[64];
	struct sockaddr_in6 in6 = { .sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port) };

	(void)inet_pton(AF_INET6, ip, &in6.sin6_addr);
	strcpy(out, "-");
	return netaddr_off_loopback(&in6, len, out, sizeof(out)) ? out : "local";
}

int main(void)
{
	const size_t l4 = sizeof(struct sockaddr_in), l6 = sizeof(struct sockaddr_in6);
	struct sockaddr_un un = { .sun_family = AF_UNIX, .sun_path = "\0abstract" };
	char out[64] = "-", tiny[8];
	unsigned char junk[200];

	is_str(v4("192.0.2.1", 80, l4), "192.0.2.1:80", "IPv4 off the loopback, with its port");
	is_str(v4("10.1.2.3", 65535, l4), "10.1.2.3:65535",
	       "a private address is off the jail's loopback too");
	is_str(v4("127.0.0.1", 80, l4), "local", "127.0.0.1 is the jail's own");
	is_str(v4("127.255.1.2", 1, l4), "local", "all of 127/8 is");
	is_str(v4("0.0.0.0", 80, l4), "local", "0.0.0.0 means this host");
	is_str(v4("128.0.0.1", 80, l4), "128.0.0.1:80", "128.0.0.1 is not loopback");
	is_str(v4("192.0.2.1", 80, l4 - 1), "local",
	       "a short sockaddr_in is not ours (the kernel refuses it)");
	is_str(v6("2001:db8::1", 443, l6), "[2001:db8::1]:443", "IPv6 in brackets, with its port");
	is_str(v6("::1", 443, l6), "local", "::1 is the jail's own");
	is_str(v6("::", 443, l6), "local", ":: means this host");
	is_str(v6("::ffff:127.0.0.9", 1, l6), "local", "v4-mapped 127/8 is the jail's own");
	is_str(v6("::ffff:0.0.0.0", 1, l6), "local", "v4-mapped 0.0.0.0 too");
	is_str(v6("::ffff:198.51.100.7", 53, l6), "[::ffff:198.51.100.7]:53",
	       "v4-mapped outside address");
	is_str(v6("fe80::1", 22, l6), "[fe80::1]:22", "link-local is off the loopback");
	is_str(v6("2001:db8::1", 443, l6 - 1), "local", "a short sockaddr_in6 is not ours");
	ok(!netaddr_off_loopback(&un, sizeof(un), out, sizeof(out)) && !strcmp(out, "-"),
	   "a Unix socket address is not ours, and out is untouched");
	ok(!netaddr_off_loopback(&un, 0, out, sizeof(out)) &&
		   !netaddr_off_loopback(&un, 1, out, sizeof(out)),
	   "zero and one byte: not ours");
	memset(junk, 0xff, sizeof(junk));
	ok(!netaddr_off_loopback(junk, sizeof(junk), out, sizeof(out)),
	   "an unknown family: not ours");
	{
		struct sockaddr_in6 in6 = { .sin6_family = AF_INET6 };

		memset(&in6.sin6_addr, 0xab, sizeof(in6.sin6_addr));
		ok(netaddr_off_loopback(&in6, l6, tiny, sizeof(tiny)) &&
			   strlen(tiny) == sizeof(tiny) - 1,
		   "a small output buffer is filled, terminated, not overrun");
	}
	return done_testing();
}
