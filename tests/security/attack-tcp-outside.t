#!/usr/bin/env bash
# Attack: open TCP connections to the outside world (IPv4 and IPv6
# documentation addresses, blocking and non-blocking, a port scan of one
# host). Safe outcome: every connect fails with ENETUNREACH (the jail's
# network namespace has only its own lo; the launcher refuses the
# destination before the kernel sees it) and each destination is reported
# once in the result's violations, kind "network". Stopped by: network
# namespace; reported through the seccomp listener.
source "$(dirname "$(dirname "$0")")/lib.sh"
attack_begin
jattack --timeout 20 <<'PY'
import errno, json, socket
res = {}
for fam, host in ((socket.AF_INET, "192.0.2.10"), (socket.AF_INET6, "2001:db8::10"),
                  (socket.AF_INET6, "::ffff:198.51.100.10")):
    s = socket.socket(fam, socket.SOCK_STREAM)
    try:
        s.connect((host, 443))
        res[host] = "connected"
    except OSError as e:
        res[host] = e.errno
    s.close()
s = socket.socket()
s.setblocking(False)
res["nonblocking"] = s.connect_ex(("203.0.113.10", 80))
scan = set()
for port in range(20, 30):
    with socket.socket() as s:
        scan.add(s.connect_ex(("192.0.2.20", port)))
res["scan"] = sorted(scan)
try:
    socket.create_connection(("example.com", 80), timeout=3)
    res["by name"] = "connected"
except OSError as e:
    res["by name"] = type(e).__name__
print(json.dumps(res))
PY
is "$(field 'r["status"]')" ok "the program ran to its end"
ENU=$($PY -c 'import errno; print(errno.ENETUNREACH)')
is "$(out '[o["192.0.2.10"], o["2001:db8::10"], o["::ffff:198.51.100.10"], o["nonblocking"]]')" \
	"[$ENU, $ENU, $ENU, $ENU]" "inside: IPv4, IPv6, v4-mapped and non-blocking connects get ENETUNREACH"
is "$(out 'o["scan"]')" "[$ENU]" "inside: a port scan gets ENETUNREACH for every port"
is "$(out 'o["by name"]')" gaierror "inside: a host name does not resolve"
is "$(field 'sorted((v["syscall"], v["address"], v["count"], v["errno"]) for v in r["violations"] if v["kind"] == "network")')" \
	'[["connect", "192.0.2.10:443", 1, "ENETUNREACH"], ["connect", "192.0.2.20:20", 1, "ENETUNREACH"], ["connect", "192.0.2.20:21", 1, "ENETUNREACH"], ["connect", "192.0.2.20:22", 1, "ENETUNREACH"], ["connect", "192.0.2.20:23", 1, "ENETUNREACH"], ["connect", "192.0.2.20:24", 1, "ENETUNREACH"], ["connect", "192.0.2.20:25", 1, "ENETUNREACH"], ["connect", "192.0.2.20:26", 1, "ENETUNREACH"], ["connect", "192.0.2.20:27", 1, "ENETUNREACH"], ["connect", "192.0.2.20:28", 1, "ENETUNREACH"], ["connect", "192.0.2.20:29", 1, "ENETUNREACH"], ["connect", "203.0.113.10:80", 1, "ENETUNREACH"], ["connect", "[2001:db8::10]:443", 1, "ENETUNREACH"], ["connect", "[::ffff:198.51.100.10]:443", 1, "ENETUNREACH"]]' \
	"outside: the result reports each refused destination"
is "$(field 'r["error"]')" null "the program saw only ordinary errors (no crash)"
attack_end
done_testing
