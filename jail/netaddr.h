/*
 * netaddr.h - classify a socket address read from the jail's memory: the
 * jail's own loopback, or a destination off it (for the violation report).
 * The bytes are untrusted: any length, any content.
 */
#ifndef ACTJAIL_NETADDR_H
#define ACTJAIL_NETADDR_H

#include <stdbool.h>
#include <stddef.h>

/* True when the len bytes at sa are an IPv4 or IPv6 address off the jail's
 * loopback (not 127/8, ::1, the unspecified address, which means this host,
 * or their v4-mapped forms); its text form, "192.0.2.1:80" or
 * "[2001:db8::1]:443", then goes to out. Families other than IPv4 and IPv6,
 * and addresses too short for their family, are not ours: false. */
bool netaddr_off_loopback(const void *sa, size_t len, char *out, size_t outlen);

#endif
