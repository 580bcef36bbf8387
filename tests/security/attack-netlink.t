#!/usr/bin/env bash
# Attack: talk to the kernel over netlink: rtnetlink to list and change
# interfaces, addresses and routes (add an address, create a link, take lo
# down, add a route), the audit and uevent families, and the generic and
# sock_diag ones. Safe outcome: NETLINK_ROUTE opens (the default policy
# allows it: socket.if_nameindex, getifaddrs) but shows only the jail's own
# namespace (lo and its addresses) and every change is refused by the
# kernel (EPERM: the program holds no CAP_NET_ADMIN, not even in the jail's
# user namespace, which owns the network namespace); every other netlink
# family is refused by seccomp (EPERM) and reported in violations; the
# jail's interfaces stay "lo" only (/proc/net/dev).
# Stopped by: network namespace, no capabilities, seccomp socket families.
source "$(dirname "$(dirname "$0")")/lib.sh"
attack_begin
jattack <<'PY'
import json, os, socket, struct
res = {}
for name, proto in (("route", 0), ("audit", 9), ("uevent", 15), ("generic", 16), ("sock_diag", 4)):
    try:
        s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, proto)
        s.bind((0, 0))
        res[name] = "open"
    except OSError as e:
        res[name] = e.errno
try:
    socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, 0)
    res["dgram"] = "open"
except OSError as e:
    res["dgram"] = e.errno
# rtnetlink in the jail's own network namespace: dump, then try to change it
NLM_F_REQUEST, NLM_F_ACK, NLM_F_CREATE, NLM_F_EXCL, NLM_F_DUMP = 1, 4, 0x400, 0x200, 0x300
RTM_NEWLINK, RTM_GETLINK, RTM_NEWADDR, RTM_GETADDR, RTM_NEWROUTE, RTM_SETLINK = 16, 18, 20, 22, 24, 19
def attr(t, data):
    l = 4 + len(data)
    return struct.pack("HH", l, t) + data + b"\0" * ((4 - l % 4) % 4)
def talk(s, typ, flags, body):
    msg = struct.pack("IHHII", 16 + len(body), typ, flags, 1, 0) + body
    s.sendto(msg, (0, 0))
    out = []
    while True:
        data = s.recv(65536)
        off = 0
        while off < len(data):
            ln, t, fl, seq, pid = struct.unpack_from("IHHII", data, off)
            if t == 2:                                   # NLMSG_ERROR
                return out, -struct.unpack_from("i", data, off + 16)[0]
            if t == 3:                                   # NLMSG_DONE
                return out, 0
            out.append(data[off + 16:off + ln])
            off += (ln + 3) & ~3
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)
s.bind((0, 0))
links, e = talk(s, RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, struct.pack("BxHiII", 0, 0, 0, 0, 0))
res["dump_links"] = [len(links), e]
addrs, e = talk(s, RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, struct.pack("BBBBi", 0, 0, 0, 0, 0))
res["dump_addrs"] = [len(addrs), e]
ifaddr = struct.pack("BBBBi", socket.AF_INET, 8, 0, 0, 1) + attr(2, socket.inet_aton("10.9.8.7")) + attr(1, socket.inet_aton("10.9.8.7"))
res["newaddr"] = os.strerror(talk(s, RTM_NEWADDR, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, ifaddr)[1])
ifinfo = struct.pack("BxHiII", 0, 0, 0, 0, 0)
linkinfo = attr(18, attr(1, b"dummy\0"))                          # IFLA_LINKINFO { IFLA_INFO_KIND }
res["newlink"] = os.strerror(talk(s, RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, ifinfo + attr(3, b"evil0\0") + linkinfo)[1])
res["setlink_down"] = os.strerror(talk(s, RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, struct.pack("BxHiII", 0, 0, 1, 0, 1))[1])
rt = struct.pack("BBBBBBBBI", socket.AF_INET, 0, 0, 0, 254, 4, 0, 1, 0) + attr(4, struct.pack("i", 1)) + attr(5, socket.inet_aton("127.0.0.1"))
res["newroute"] = os.strerror(talk(s, RTM_NEWROUTE, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE, rt)[1])
res["if_nameindex"] = socket.if_nameindex()
res["ifaces"] = sorted(l.split(":")[0].strip() for l in open("/proc/net/dev").readlines()[2:])
print(json.dumps(res))
PY
is "$(field 'r["status"]')" ok "the program ran to its end"
is "$(out '[o[k] for k in ("route", "audit", "uevent", "generic", "sock_diag", "dgram")]')" \
	'["open", 1, 1, 1, 1, "open"]' "inside: NETLINK_ROUTE (raw and dgram) opens; audit, uevent, generic, sock_diag: EPERM"
is "$(out '[o["dump_links"], o["dump_addrs"], o["if_nameindex"]]')" '[[1, 0], [2, 0], [[1, "lo"]]]' \
	"inside: rtnetlink dumps show the jail's namespace only: one link (lo), its two addresses"
is "$(out '[o[k] for k in ("newaddr", "newlink", "setlink_down", "newroute")]')" \
	'["Operation not permitted", "Operation not permitted", "Operation not permitted", "Operation not permitted"]' \
	"inside: adding an address, a link, a route or taking lo down: EPERM (no CAP_NET_ADMIN)"
is "$(out 'o["ifaces"]')" '["lo"]' "inside: the jail still has only lo"
is "$(field '[(v["syscall"], v["first_args"][0], v["count"]) for v in r["violations"] if v["kind"] == "syscall"]')" \
	'[["socket", 16, 4]]' "outside: the four refused families are reported (socket, family 16)"
attack_end
done_testing
