#!/usr/bin/env bash
# Attack: talk to the kernel over netlink: rtnetlink to list and change
# interfaces and routes (e.g. add an address, bring up a tunnel), the audit
# and uevent families, and the generic family. Safe outcome: every
# AF_NETLINK socket is refused by seccomp (EPERM) and reported in
# violations; the jail's interfaces stay "lo" only (/proc/net/dev).
# Stopped by: seccomp socket families (no capabilities and the network
# namespace behind it).
source "$(dirname "$(dirname "$0")")/lib.sh"
attack_begin
jattack <<'PY'
import json, socket
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
res["ifaces"] = sorted(l.split(":")[0].strip() for l in open("/proc/net/dev").readlines()[2:])
print(json.dumps(res))
PY
is "$(field 'r["status"]')" ok "the program ran to its end"
is "$(out '[o[k] for k in ("route", "audit", "uevent", "generic", "sock_diag", "dgram")]')" \
	'[1, 1, 1, 1, 1, 1]' "inside: every netlink socket fails with EPERM"
is "$(out 'o["ifaces"]')" '["lo"]' "inside: the jail still has only lo"
is "$(field '[(v["syscall"], v["first_args"][0], v["count"]) for v in r["violations"] if v["kind"] == "syscall"]')" \
	'[["socket", 16, 6]]' "outside: all six attempts are reported (socket, family 16)"
attack_end
done_testing
