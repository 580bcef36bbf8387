#!/usr/bin/env bash
# Attack: craft packets below TCP/UDP: raw IPv4/IPv6 sockets (ICMP, and
# IPPROTO_RAW with a hand-made header), ICMP "ping" datagram sockets,
# AF_PACKET (link layer) sockets. Safe outcome: raw and ping sockets fail
# (no CAP_NET_RAW, ping_group_range excludes the jail) and AF_PACKET is
# refused by seccomp and reported in violations (socket, family 17).
# Stopped by: no capabilities, seccomp socket families; network namespace.
source "$(dirname "$(dirname "$0")")/lib.sh"
attack_begin
jattack <<'PY'
import json, socket
res = {}
for name, args in (("raw icmp", (socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)),
                   ("raw ip", (socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)),
                   ("raw icmpv6", (socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)),
                   ("ping", (socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_ICMP)),
                   ("packet raw", (socket.AF_PACKET, socket.SOCK_RAW, 0x0300)),
                   ("packet dgram", (socket.AF_PACKET, socket.SOCK_DGRAM, 0x0300))):
    try:
        socket.socket(*args)
        res[name] = "open"
    except OSError as e:
        res[name] = e.errno
print(json.dumps(res))
PY
is "$(field 'r["status"]')" ok "the program ran to its end"
is "$(out '[o["raw icmp"], o["raw ip"], o["raw icmpv6"]]')" '[1, 1, 1]' \
	"inside: raw IPv4/IPv6 sockets fail with EPERM (no CAP_NET_RAW)"
is "$(out 'o["ping"]')" 13 "inside: an ICMP datagram socket fails with EACCES (ping_group_range)"
is "$(out '[o["packet raw"], o["packet dgram"]]')" '[1, 1]' "inside: AF_PACKET sockets fail with EPERM"
is "$(field '[(v["syscall"], v["first_args"][0], v["count"]) for v in r["violations"]]')" \
	'[["socket", 17, 2]]' "outside: the AF_PACKET attempts are reported (socket, family 17, twice)"
attack_end
done_testing
